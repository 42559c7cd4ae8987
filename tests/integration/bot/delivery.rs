//! Delivery is at least once: SIGKILL during a digest round, then restart.
//! Every person gets their digest; what is sent twice is at most what was
//! in flight (`bot.max_in_flight`), counted from the fake server's record.

use super::{Proc, digests_to, private_msg, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const MAX_IN_FLIGHT: usize = 8;

/// Returns (digests sent twice, seconds taken).
async fn kill_during_a_digest_round(people: i64) -> (usize, f64) {
    let t0 = Instant::now();
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = Proc::new(
        dir.path(),
        &api,
        &format!(
            "poll_timeout_secs = 1\nmessages_per_second = 1000\nper_chat_interval_ms = 0\nmax_in_flight = {MAX_IN_FLIGHT}\nscheduler_tick_ms = 50\ncatch_up_delay_secs = 0\n"
        ),
    );
    p.set_clock("2024-03-04T06:00:00+08:00");
    let d = utc("2024-03-04T06:00:00+08:00").timestamp();
    let g = fake_api::group(-1001, "一组");
    let boss = fake_api::user(900_000, "组长", None);
    api.set_admins(-1001, vec![fake_api::owner(&boss)]);
    api.push(fake_api::bot_added(&g, &boss, d));
    for u in 1..=people {
        api.push(fake_api::joined(
            &g,
            &fake_api::user(u, &format!("人{u}"), None),
            d,
        ));
        api.push(private_msg(u, &format!("人{u}"), 1, d, "/start"));
    }
    api.push(serde_json::json!({"message": fake_api::message(
        &g, &boss, 10, d + 60, "请各位今天下午5点前报送安全检查台账")}));
    let last = api.last_update_id();
    let child = p.spawn();
    wait_until("updates acknowledged", 120, || api.acked() > last).await;
    p.wait_drained().await;

    // The digest round, with a Telegram that answers late: each message
    // is recorded (delivered) 30 ms before the bot hears so.
    api.clear_calls();
    api.set_send_delay(Duration::from_millis(30));
    p.set_clock("2024-03-04T07:30:00+08:00");
    let count = || {
        api.sent()
            .iter()
            .filter(|c| super::is_digest(c.text()))
            .count() as i64
    };
    wait_until("a third of the digests", 120, || count() >= people / 3).await;
    let mut child = child;
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let at_kill = count();
    assert!(
        at_kill < people,
        "killed during the round ({at_kill}/{people})"
    );

    // Restarted: the rest, and the repeats.
    let child = p.spawn();
    wait_until("every digest", 120, || {
        (1..=people).all(|u| !digests_to(&api, u).is_empty())
    })
    .await;
    p.wait_drained().await;
    let mut child = child;
    child.kill().expect("kill");
    let _ = child.wait();

    let mut per: BTreeMap<(i64, String), usize> = BTreeMap::new();
    for c in api.sent().iter().filter(|c| super::is_digest(c.text())) {
        *per.entry((c.chat().unwrap_or_default(), c.text().to_string()))
            .or_default() += 1;
    }
    for u in 1..=people {
        assert!(per.keys().any(|(c, _)| *c == u), "person {u} has a digest");
    }
    let twice: usize = per.values().map(|n| n - 1).sum();
    assert!(
        per.values().all(|n| *n <= 2),
        "no digest went out three times"
    );
    assert!(
        twice <= MAX_IN_FLIGHT,
        "{twice} digests sent twice, more than the {MAX_IN_FLIGHT} in flight"
    );
    (twice, t0.elapsed().as_secs_f64())
}

/// About 40 s in a debug build on a 2-core machine (200 people: 9 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_during_a_digest_round_of_1000_every_person_has_a_digest_and_repeats_are_bounded() {
    let (twice, secs) = kill_during_a_digest_round(1000).await;
    println!("1,000 people: {twice} digests sent twice, {secs:.1} s");
}
