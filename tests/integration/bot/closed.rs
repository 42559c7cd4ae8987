//! Closed by default: no allow-list, no start; admin commands in groups
//! reveal nothing.

use super::{TOKEN, group_msg, spawn_bot, utc};
use crate::fake_api::{self, FakeApi};
use onedigest::event::Event;
use onedigest::model::{Lang, UserId};
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_allow_list_run_refuses_to_start_and_reads_no_group() {
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_onedigest"))
            .args(["run", "--metrics-addr", "", "--state-dir"])
            .arg(&state)
            .args(extra)
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", &api.url)
            .output()
            .expect("runs")
    };
    // No config at all: the built-in default is closed.
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("groups.allow") && err.contains("--allow-all"),
        "{err}"
    );
    // It never asked Telegram for anything, so no group was read or joined.
    assert!(api.calls().is_empty(), "{:?}", api.calls());
    assert!(!state.exists(), "nothing was stored");
    // A config file that lists no groups is refused the same way.
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[groups]\nallow = []\n").expect("config");
    let out = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .arg("--config")
        .arg(&cfg)
        .args(["run", "--metrics-addr", "", "--state-dir"])
        .arg(&state)
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(api.calls().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_in_a_group_get_one_line_and_reveal_nothing() {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2024-10-14T09:00:00-05:00"), |c| {
        c.organisation.lang = Lang::En;
        c.admins.users = vec![UserId(42)];
    })
    .await;
    let d = utc("2024-10-14T09:00:00-05:00").timestamp();
    let ops = fake_api::group(-1001, "Ops night shift");
    let other = fake_api::group(-1002, "Board private");
    let ada = fake_api::user(42, "Ada", None);
    api.set_admins(-1001, vec![fake_api::owner(&ada)]);
    api.set_admins(-1002, vec![fake_api::owner(&ada)]);
    api.push(fake_api::bot_added(&ops, &ada, d));
    api.push(fake_api::bot_added(&other, &ada, d));
    api.push(fake_api::joined(&ops, &fake_api::user(43, "Bob", None), d));
    api.push(group_msg(
        -1001,
        "Ops night shift",
        42,
        "Ada",
        1,
        d,
        "Please send the rota by Friday 5pm.",
    ));
    api.push(group_msg(
        -1002,
        "Board private",
        42,
        "Ada",
        2,
        d,
        "Please send the budget by Friday 5pm.",
    ));
    b.settle().await;
    let before = api.sent_to(-1001).len();
    let said = [
        (42, "Ada", 10, "/status"),
        (42, "Ada", 11, "/rules"),
        (42, "Ada", 12, "/notdup -1001/1 -1002/2"),
        (43, "Bob", 13, "/status"),
        (42, "Ada", 14, "/reload"),
    ];
    for (from, name, id, text) in said {
        api.push(group_msg(-1001, "Ops night shift", from, name, id, d, text));
    }
    b.settle().await;
    let replies: Vec<String> = api.sent_to(-1001)[before..]
        .iter()
        .map(|c| c.text().to_string())
        .collect();
    assert_eq!(replies.len(), said.len(), "{replies:?}");
    for r in &replies {
        assert_eq!(r, "Ask me in a private chat.");
    }
    // Nothing went anywhere else, and /notdup stored no verdict.
    assert!(api.sent_to(42).is_empty() && api.sent_to(43).is_empty());
    let (shared, _dir) = b.stop().await;
    assert!(
        !shared
            .journal
            .events()
            .expect("journal")
            .iter()
            .any(|e| matches!(e, Event::Feedback { .. }))
    );
}
