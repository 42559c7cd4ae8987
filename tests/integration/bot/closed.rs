//! Closed by default: no allow-list, no start; admin commands in groups
//! reveal nothing.

use super::TOKEN;
use crate::fake_api::FakeApi;
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
