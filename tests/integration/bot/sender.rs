//! The sender: Telegram's rate limits, 429 (retry after), 5xx and 403.

use super::{digests_to, group_msg, private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::{self, Fail, FakeApi};
use onedigest::bot;
use onedigest::model::UserId;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_waited_out_5xx_retried_and_a_403_marks_only_that_person_unreachable() {
    let api = FakeApi::start().await;
    let morning = utc("2024-03-04T07:00:00+08:00");
    let b = spawn_bot(&api, morning, |c| {
        c.bot.per_chat_interval_ms = 1000;
        c.bot.messages_per_second = 30;
    })
    .await;
    let d = morning.timestamp();
    let g = fake_api::group(-1001, "宣传群");
    api.set_admins(
        -1001,
        vec![fake_api::owner(&fake_api::user(9, "群主", None))],
    );
    api.push(fake_api::bot_added(&g, &fake_api::user(9, "群主", None), d));
    for (u, n) in [(1, "甲"), (2, "乙"), (3, "丙"), (4, "丁")] {
        api.push(fake_api::joined(&g, &fake_api::user(u, n, None), d));
        api.push(private_msg(u, n, 10 + u, d, "/start"));
    }
    api.push(group_msg(
        -1001,
        "宣传群",
        9,
        "群主",
        50,
        d,
        "各位：请今天下午5点前报送值班表。",
    ));
    b.settle().await;
    // Now the script: person 1 is rate limited once, 2 blocked the bot,
    // Telegram fails once with 502 for person 3.
    api.fail("sendMessage", Some(1), Some(1), Fail::RetryAfter(1));
    api.fail("sendMessage", Some(2), None, Fail::Forbidden);
    api.fail("sendMessage", Some(3), Some(1), Fail::ServerError(502));
    api.clear_calls();
    b.clock.set(utc("2024-03-04T07:30:00+08:00"));
    wait_until("digests for 1, 3 and 4", 40, || {
        [1, 3, 4].iter().all(|u| !digests_to(&api, *u).is_empty())
    })
    .await;
    b.settle().await;
    let calls = api.calls_to("sendMessage");
    let to = |u: i64| {
        calls
            .iter()
            .filter(|c| c.chat() == Some(u))
            .cloned()
            .collect::<Vec<_>>()
    };
    // 429: refused once, sent once, at least retry_after later.
    let one = to(1);
    assert_eq!(one.len(), 2, "{one:?}");
    assert!(!one[0].ok && one[1].ok);
    assert!(
        one[1].at - one[0].at >= Duration::from_secs(1),
        "{:?}",
        one[1].at - one[0].at
    );
    assert_eq!(digests_to(&api, 1).len(), 1);
    // 5xx: retried, delivered once.
    let three = to(3);
    assert_eq!(three.iter().filter(|c| c.ok).count(), 1, "{three:?}");
    assert!(!three[0].ok);
    // 403: one attempt, then unreachable; the others still got theirs.
    assert_eq!(to(2).len(), 1);
    assert!(!to(2)[0].ok);
    let reg = b.shared.people.get(UserId(2)).expect("registered");
    assert!(reg.unreachable.is_some(), "{reg:?}");
    assert_eq!(digests_to(&api, 4).len(), 1);
    assert_eq!(
        b.shared
            .metrics
            .send_failures
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    // And /status shows them as unreachable.
    let st = bot::status(&b.shared);
    assert!(
        st.unreachable
            .iter()
            .any(|(n, why)| n == "乙" && why.contains("blocked")),
        "{:?}",
        st.unreachable
    );
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sender_keeps_the_per_chat_and_overall_limits() {
    let api = FakeApi::start().await;
    let now = utc("2024-03-04T12:00:00+08:00");
    // Telegram's per-chat limit (1 s) and a smaller overall one (10/s) so
    // that both bind with ten people.
    let b = spawn_bot(&api, now, |c| {
        c.bot.messages_per_second = 10;
        c.bot.per_chat_interval_ms = 1000;
    })
    .await;
    let d = now.timestamp();
    // Ten people each ask for four digests at once: 10 replies + 30 digests.
    for u in 1..=10 {
        for k in 0..4 {
            api.push(private_msg(
                u,
                "x",
                100 * u + k,
                d,
                if k == 0 { "/start" } else { "/digest" },
            ));
        }
    }
    b.settle().await;
    let sent = api.sent();
    assert_eq!(sent.len(), 40);
    // As the server saw them: never 11 within a second overall, never two
    // within a second to one chat.
    let mut t: Vec<Instant> = sent.iter().map(|c| c.at).collect();
    t.sort();
    for w in t.windows(11) {
        assert!(
            w[10] - w[0] > Duration::from_secs(1),
            "more than 10 in a second"
        );
    }
    for u in 1..=10 {
        let s: Vec<Instant> = sent
            .iter()
            .filter(|c| c.chat() == Some(u))
            .map(|c| c.at)
            .collect();
        assert_eq!(s.len(), 4);
        for w in s.windows(2) {
            assert!(
                w[1] - w[0] >= Duration::from_secs(1),
                "chat {u}: {:?}",
                w[1] - w[0]
            );
        }
    }
    // And not much slower than the limits allow: 40 at 10/s ≈ 4 s.
    assert!(t[39] - t[0] < Duration::from_secs(6), "{:?}", t[39] - t[0]);
    b.stop().await;
}
