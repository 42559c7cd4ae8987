//! The `run` subcommand's command line: help, a missing token, the token
//! kept out of the log.

use super::{TOKEN, free_port};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn run_help_documents_every_option() {
    let out = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .args(["run", "--help"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--config",
        "--state-dir",
        "--api-url",
        "--mode",
        "--webhook-url",
        "--listen",
        "--metrics-addr",
        "--allow-all",
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "ONEDIGEST_WEBHOOK_SECRET",
        "RUST_LOG",
        "ONEDIGEST_CLOCK_FILE",
    ] {
        assert!(help.contains(opt), "run --help lacks {opt}:\n{help}");
    }
}

#[test]
fn run_without_a_token_fails_with_one_line_and_exit_code_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .arg("run")
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("TELOXIDE_TOKEN"), "{err}");
}

#[test]
fn the_token_never_reaches_the_log_even_when_requests_fail() {
    // Nothing listens on this port: every request fails with its URL, and
    // the URL holds the token.
    let port = free_port();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .args(["run", "--allow-all", "--metrics-addr", "", "--state-dir"])
        .arg(dir.path().join("state"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", format!("http://127.0.0.1:{port}"))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    std::thread::sleep(Duration::from_millis(2500));
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("getMe failed"), "{log}");
    assert!(
        !log.contains("TEST-token-SECRET"),
        "the token leaked:\n{log}"
    );
}
