//! A poison event cannot keep the bot down: an update whose event panics
//! when applied is quarantined, the bot goes on, and a restart does not
//! replay it into the same panic. The panic comes from the debug-only test
//! hook `ONEDIGEST_TEST_POISON`, set for the child process alone.

use super::{Proc, group_msg, private_msg, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use onedigest::bot::quarantine::{Quarantine, TEST_POISON_ENV};
use onedigest::event::Event;
use onedigest::journal::Journal;
use std::process::{Child, Command, Stdio};

const POISON: &str = "☠poison-marker☠";

fn spawn(p: &Proc) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&p.log)
        .expect("log file");
    Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .args(["--config", p.config.to_str().expect("utf-8"), "run"])
        .env("TELOXIDE_TOKEN", super::TOKEN)
        .env("TELOXIDE_API_URL", &p.api)
        .env("ONEDIGEST_CLOCK_FILE", &p.clock)
        .env(TEST_POISON_ENV, POISON)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("the onedigest binary runs")
}

/// Ask for /help and wait for the answer: the bot is alive and reading.
async fn answers(api: &FakeApi, child: &mut Child, id: i64) {
    let before = api.sent_to(9).len();
    api.push(private_msg(9, "某人", id, 1_709_500_000, "/help"));
    wait_until("the bot answers /help", 30, || {
        api.sent_to(9).len() > before
    })
    .await;
    assert!(child.try_wait().expect("status").is_none(), "still running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_event_is_quarantined_and_the_bot_keeps_running_after_a_restart() {
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = Proc::new(
        dir.path(),
        &api,
        "poll_timeout_secs = 1\nper_chat_interval_ms = 0\nscheduler_tick_ms = 50\ncatch_up_delay_secs = 0\n",
    );
    let state = p.dir.join("state");
    p.set_clock("2024-03-04T10:00:00+08:00");
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    let g = fake_api::group(-1001, "宣传群");
    let owner = fake_api::user(1, "周敏", None);
    api.set_admins(-1001, vec![fake_api::owner(&owner)]);
    api.push(fake_api::bot_added(&g, &owner, d));
    api.push(group_msg(
        -1001,
        "宣传群",
        1,
        "周敏",
        1,
        d,
        "请各位明天下午5点前交表。",
    ));
    api.push(group_msg(
        -1001,
        "宣传群",
        1,
        "周敏",
        2,
        d,
        &format!("请今天交 {POISON}"),
    ));
    api.push(group_msg(
        -1001,
        "宣传群",
        1,
        "周敏",
        3,
        d,
        "请各位周五前报送值班表。",
    ));

    let mut child = spawn(&p);
    answers(&api, &mut child, 10).await;
    // Restarted on the same journal, which holds the poison event.
    child.kill().expect("kill");
    let _ = child.wait();
    let mut child = spawn(&p);
    answers(&api, &mut child, 11).await;
    api.push(group_msg(
        -1001,
        "宣传群",
        1,
        "周敏",
        4,
        d,
        "请下周一前交总结。",
    ));
    answers(&api, &mut child, 12).await;
    child.kill().expect("kill");
    let _ = child.wait();

    let log = std::fs::read_to_string(&p.log).unwrap_or_default();
    assert_eq!(
        log.matches("quarantined").count(),
        1,
        "one panic, not replayed at the restart:\n{log}"
    );
    let journal = Journal::open(&state).expect("journal");
    let q = Quarantine::open(journal.db()).expect("quarantine");
    let kept = q.all();
    assert!(
        matches!(&kept[..], [k] if matches!(&k.event, Event::Message { message_id: 2, .. })),
        "{kept:?}"
    );
    // The journal keeps it, and everything before and after it.
    let ids: Vec<i64> = journal
        .events()
        .expect("events")
        .iter()
        .filter_map(|e| match e {
            Event::Message { message_id, .. } => Some(*message_id),
            _ => None,
        })
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
}
