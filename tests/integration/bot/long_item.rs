//! An item asked in 60 groups goes out whole: the bot's digest parts reach
//! Telegram (the fake API) as valid HTML, each within 4096 UTF-16 units, the
//! item's lines in one part, its groups listed up to the room and then
//! "…and N more", and every item's [Done] button on the part that shows it.

use super::{digests_to, spawn_bot, utc};
use crate::fake_api::FakeApi;
use chrono::NaiveDate;
use onedigest::bot::compose;
use onedigest::bot::outbox::Kind;
use onedigest::core::digest::{Digest, Item, Source, message_link};
use onedigest::model::{ChatId, Deadline, Lang, MsgRef, UserId};
use onedigest::render::Scope;
use onedigest::render::telegram_html_error;

fn item(cluster: u64, title: &str, sources: Vec<Source>) -> Item {
    let due = Deadline::Minute(
        NaiveDate::from_ymd_opt(2025, 9, 4)
            .and_then(|d| d.and_hms_opt(17, 0, 0))
            .expect("due"),
    );
    Item {
        cluster,
        deadline: Some(due),
        deadlines: vec![due],
        conflict: false,
        short_notice: false,
        overdue: false,
        pileup: false,
        sources,
        confidence: 1.0,
        title: title.into(),
        maybe_same: vec![],
    }
}

fn source(group: i64, msg: i64) -> Source {
    let m = MsgRef {
        chat_id: ChatId(-1_002_100_000_000 - group),
        message_id: msg,
    };
    let sent = NaiveDate::from_ymd_opt(2025, 9, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("sent");
    Source {
        msg: m,
        // Telegram allows 128-character titles; markup-looking ones too.
        chat_title: format!("第{group}网格<工作群>&{}", "长".repeat(110)),
        sender_name: "Ada".into(),
        sent,
        deadline: None,
        text: String::new(),
        link: message_link(m),
        assigned: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sixty_source_item_arrives_whole_in_valid_html_parts() {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2025-09-03T00:00:00Z"), |_| {}).await;
    let reader = 4242;
    let big = item(
        1,
        "秋季防火检查表报安监站",
        (0..60).map(|g| source(g, 100 + g)).collect(),
    );
    let mut items = vec![big];
    for k in 0..30 {
        items.push(item(
            10 + k,
            &format!("其他任务 {k}"),
            vec![source(k as i64, 500 + k as i64)],
        ));
    }
    let d = Digest {
        user: UserId(reader),
        at: NaiveDate::from_ymd_opt(2025, 9, 3)
            .and_then(|d| d.and_hms_opt(7, 30, 0))
            .expect("at"),
        items,
        overdue: vec![],
        pileups: vec![],
    };
    let parts = compose::digest_parts(&d, "Ada", Lang::En, Scope::All, &b.shared.signer);
    let n = parts.len();
    assert!(n >= 2, "31 long items take more than one message");
    b.shared
        .send_batch(vec![("long:1".into(), reader, Kind::Digest, parts)])
        .expect("queued");
    super::wait_until("every part delivered", 30, || {
        digests_to(&api, reader).len() == n
    })
    .await;
    let sent = digests_to(&api, reader);
    let mut buttons = Vec::new();
    for c in &sent {
        assert_eq!(c.body["parse_mode"], "HTML");
        if let Some(e) = telegram_html_error(c.text()) {
            panic!("{e}\n{}", c.text());
        }
        buttons.extend(c.buttons());
    }
    // The big item: its line and its sources line together in one part.
    let holder: Vec<&str> = sent
        .iter()
        .map(|c| c.text())
        .filter(|t| t.contains("1. 秋季防火检查表报安监站"))
        .collect();
    assert_eq!(holder.len(), 1);
    let lines: Vec<&str> = holder[0].lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("1. 秋季防火检查表报安监站"))
        .expect("item line");
    assert!(lines[at].contains("60 groups"), "{}", lines[at]);
    let sources = lines[at + 1];
    assert!(sources.starts_with("   asked in <a href="), "{sources}");
    let shown = sources.matches("<a href=").count();
    assert!(
        sources.ends_with(&format!("…and {} more", 60 - shown)),
        "{sources}"
    );
    assert!(shown >= 3, "{sources}");
    assert!(
        sources.contains("&lt;工作群&gt;&amp;"),
        "titles are escaped"
    );
    // One [Done] per item, each on the part that shows it, and one
    // [Reply to all 60] for the only merged item.
    let done = buttons.iter().filter(|d| d.starts_with("d:")).count();
    assert_eq!(done, 31);
    let reply: Vec<&String> = buttons.iter().filter(|d| d.starts_with("r:")).collect();
    assert_eq!(reply.len(), 1, "{reply:?}");
    assert_eq!(buttons.len(), 32);
    b.stop().await;
}

/// Twelve different asks: the daily `/digest` shows eight and points to
/// `/digest all`, which sends every item with its [Done] button.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_all_sends_what_the_daily_digest_leaves_out() {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2024-03-04T12:00:00+08:00"), |_| {}).await;
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    let owner = crate::fake_api::user(1, "周敏", None);
    let reader = crate::fake_api::user(2, "王磊", None);
    api.push(super::private_msg(2, "王磊", 1, d, "/start"));
    let g = crate::fake_api::group(-1001, "县委办群");
    api.set_admins(-1001, vec![crate::fake_api::owner(&owner)]);
    api.push(crate::fake_api::bot_added(&g, &owner, d));
    api.push(crate::fake_api::joined(&g, &reader, d));
    let asks = [
        "防汛物资清单",
        "安全生产台账",
        "消防检查表",
        "文明创建照片",
        "人口普查名单",
        "扶贫项目材料",
        "党建工作小结",
        "信访排查表",
        "食品安全报告",
        "环境整治照片",
        "征兵体检名单",
        "预算执行报表",
    ];
    for (k, what) in asks.iter().enumerate() {
        api.push(super::group_msg(
            -1001,
            "县委办群",
            1,
            "周敏",
            10 + k as i64,
            d + 60 * k as i64,
            &format!("各乡镇：请于3月{}日17时前报送{what}。", 6 + k % 3),
        ));
    }
    b.settle().await;
    api.push(super::private_msg(2, "王磊", 2, d, "/digest"));
    b.settle().await;
    let daily = digests_to(&api, 2);
    let done = |calls: &[crate::fake_api::Call]| {
        calls
            .iter()
            .flat_map(|c| c.buttons())
            .filter(|d| d.starts_with("d:"))
            .count()
    };
    assert_eq!(done(&daily), 8, "the daily digest shows eight");
    assert!(
        daily
            .iter()
            .any(|c| c.text().contains("另有 4 项：/digest all"))
    );
    api.push(super::private_msg(2, "王磊", 3, d, "/digest all"));
    b.settle().await;
    let all = digests_to(&api, 2);
    let full = &all[daily.len()..];
    assert_eq!(done(full), 12, "/digest all shows every item");
    assert!(!full.iter().any(|c| c.text().contains("/digest all")));
    for c in full {
        assert!(telegram_html_error(c.text()).is_none(), "{}", c.text());
    }
    b.stop().await;
}
