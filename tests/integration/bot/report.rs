//! `/report`: an admin in a private chat gets the chart as a photo (within
//! Telegram's photo limits) and the summary as text; anyone else, or any
//! group, gets no report.

use super::{group_msg, private_msg, spawn_bot, utc};
use crate::fake_api::{self, FakeApi};
use onedigest::model::UserId;
use onedigest::render::report::font;
use serde_json::Value;

const ADMIN: i64 = 42;
const OTHER: i64 = 43;

fn photos_to(api: &FakeApi, chat: i64) -> Vec<Value> {
    api.calls_to("sendPhoto")
        .into_iter()
        .filter(|c| c.chat() == Some(chat))
        .map(|c| c.body["photo"].clone())
        .collect()
}

fn texts_to(api: &FakeApi, chat: i64) -> Vec<String> {
    api.sent_to(chat)
        .iter()
        .map(|c| c.text().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_goes_to_an_admin_in_private_only() {
    // The test process looks for a CJK font where the bot will; without one
    // the photo part is skipped (said why), the text part is tested anyway.
    let font = font::ensure(None);
    if let Err(e) = &font {
        println!("skipping the photo checks: {e}");
    }
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2025-06-11T09:00:00+08:00"), |c| {
        c.admins.users = vec![UserId(ADMIN)];
    })
    .await;
    let d = |s: &str| utc(s).timestamp();
    let (g1, g2) = (-1001, -1002);
    let (t1, t2) = ("县文旅局·文化站工作群", "县文旅局（非遗保护）群");
    for (chat, title, owner, name) in [(g1, t1, 1, "刘芳"), (g2, t2, 2, "陈伟")] {
        let owner = fake_api::user(owner, name, None);
        api.set_admins(chat, vec![fake_api::owner(&owner)]);
        let g = fake_api::group(chat, title);
        api.push(fake_api::bot_added(
            &g,
            &owner,
            d("2025-06-09T08:00:00+08:00"),
        ));
        for (u, n) in [(4, "吴强"), (5, "杨静"), (OTHER, "Bob")] {
            api.push(fake_api::joined(
                &g,
                &fake_api::user(u, n, None),
                d("2025-06-09T08:00:00+08:00"),
            ));
        }
    }
    // The same work asked in both groups (a duplicate, conflicting
    // deadlines), and one more ask in the first.
    api.push(group_msg(
        g1,
        t1,
        1,
        "刘芳",
        1,
        d("2025-06-09T09:00:00+08:00"),
        "各文化站请于6月11日下午5点前报送端午活动开展情况统计表。",
    ));
    api.push(group_msg(
        g2,
        t2,
        2,
        "陈伟",
        1,
        d("2025-06-09T10:00:00+08:00"),
        "请各文化站6月11日中午12点前报送端午活动开展情况统计表。",
    ));
    api.push(group_msg(
        g1,
        t1,
        1,
        "刘芳",
        2,
        d("2025-06-10T09:00:00+08:00"),
        "各文化站今天下午6点前上报今日文化下乡演出场次。",
    ));
    b.settle().await;
    let now = d("2025-06-11T09:00:00+08:00");
    api.push(private_msg(ADMIN, "Ada", 10, now, "/report week"));
    api.push(private_msg(ADMIN, "Ada", 11, now, "/report year"));
    api.push(private_msg(OTHER, "Bob", 12, now, "/report"));
    api.push(group_msg(g1, t1, ADMIN, "Ada", 13, now, "/report"));
    api.push(group_msg(g1, t1, OTHER, "Bob", 14, now, "/report month"));
    b.settle().await;

    let ada = texts_to(&api, ADMIN);
    let report = ada
        .iter()
        .find(|t| t.contains("工作负担报告"))
        .unwrap_or_else(|| panic!("the admin's summary: {ada:?}"));
    // Three asks, one a duplicate, from one office (both titles name it).
    assert!(
        report.contains("布置 3 次，其中重复 1 次（33%）"),
        "{report}"
    );
    assert!(report.contains("县文旅局: 布置 3"), "{report}");
    assert!(report.contains("端午活动"), "{report}");
    assert!(report.contains("2025-06-05 – 2025-06-11"), "{report}");
    assert!(
        ada.iter().any(|t| t.contains("/report month")),
        "usage: {ada:?}"
    );
    let photos = photos_to(&api, ADMIN);
    match &font {
        Ok(_) => {
            assert_eq!(photos.len(), 1, "one chart for the one report");
            let p = &photos[0];
            assert_eq!(p["png"], true, "{p}");
            let (w, h, bytes) = (
                p["width"].as_u64().expect("width"),
                p["height"].as_u64().expect("height"),
                p["bytes"].as_u64().expect("bytes"),
            );
            // Telegram's photo limits.
            assert!(bytes <= 10 * 1024 * 1024, "{bytes} bytes");
            assert!(w + h <= 10_000, "{w}x{h}");
            assert!(w.max(h) <= 20 * w.min(h), "{w}x{h}");
            assert!(w >= 600 && h >= 300, "a readable chart: {w}x{h}");
            assert!(!report.contains("CJK"), "{report}");
        }
        Err(_) => {
            assert!(photos.is_empty());
            assert!(report.contains("CJK font"), "{report}");
        }
    }

    // A non-admin is refused; a group gets the pointer to a private chat.
    let bob = texts_to(&api, OTHER);
    assert!(
        bob.iter()
            .any(|t| t.contains("/report") && t.contains("管理员")),
        "{bob:?}"
    );
    assert!(bob.iter().all(|t| !t.contains("工作负担报告")), "{bob:?}");
    let group = texts_to(&api, g1);
    assert!(
        group.iter().all(|t| !t.contains("工作负担报告")),
        "{group:?}"
    );
    assert_eq!(
        group.iter().filter(|t| t.contains("请私信我")).count(),
        2,
        "{group:?}"
    );
    for chat in [OTHER, g1, g2] {
        assert!(photos_to(&api, chat).is_empty(), "a photo to {chat}");
    }
    b.stop().await;
}
