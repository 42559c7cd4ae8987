//! The live bot end to end: the real teloxide client and Dispatcher, over
//! real long polling (and a webhook), against a fake Bot API server on
//! 127.0.0.1 (`../fake_api.rs`). The clock is injected: a shared value for the
//! in-process bots, a file (`ONEDIGEST_CLOCK_FILE`) for the child processes
//! of the kill-and-restart test.

mod access;
mod buttons;
mod closed;
mod command_line;
mod delivery;
mod handin;
mod health;
mod load;
mod long_item;
mod membership;
mod outbox_retention;
mod poison;
mod reload;
mod report;
mod restart;
mod retention;
mod scenario;
mod sender;
mod signed;
mod snapshot;
mod webhook;

use crate::fake_api::{self, FakeApi};
use chrono::{DateTime, Utc};
use onedigest::bot::scheduler::{Clock, ManualClock};
use onedigest::bot::state::Shared;
use onedigest::bot::{self, Options};
use onedigest::config::Config;
use onedigest::model::{ChatId, MsgRef};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};

const TOKEN: &str = "123456:TEST-token-SECRET-abcdefghij";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test date")
        .with_timezone(&Utc)
}

/// A config for fast tests: limits high, ticks short.
fn test_config(dir: &Path) -> Config {
    let mut c = Config::default();
    c.groups.allow_all = true;
    c.bot.state_dir = dir.join("state");
    c.bot.metrics_addr = String::new();
    c.bot.poll_timeout_secs = 1;
    c.bot.messages_per_second = 1000;
    c.bot.per_chat_interval_ms = 0;
    c.bot.group_messages_per_minute = 0;
    c.bot.scheduler_tick_ms = 50;
    c.bot.catch_up_delay_secs = 0;
    c.bot.retry_base_ms = 100;
    c.bot.retry_max_ms = 1000;
    c
}

struct TestBot {
    api: FakeApi,
    clock: ManualClock,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), bot::BotError>>,
    _dir: tempfile::TempDir,
}

/// Start the bot in this process against `api`, the clock at `now`.
async fn spawn_bot(api: &FakeApi, now: DateTime<Utc>, setup: impl FnOnce(&mut Config)) -> TestBot {
    spawn_bot_with(api, now, setup, None).await
}

async fn spawn_bot_with(
    api: &FakeApi,
    now: DateTime<Utc>,
    setup: impl FnOnce(&mut Config),
    webhook_secret: Option<&str>,
) -> TestBot {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(dir.path());
    setup(&mut config);
    let clock = ManualClock::new(now);
    let (tx, rx) = watch::channel(false);
    let (ready_tx, ready_rx) = oneshot::channel();
    let opts = Options {
        token: TOKEN.into(),
        api_url: Some(reqwest::Url::parse(&api.url).expect("url")),
        config,
        config_path: None,
        clock: Arc::new(clock.clone()) as Arc<dyn Clock>,
        webhook_secret: webhook_secret.map(str::to_string),
        handle_signals: false,
        ready: Some(ready_tx),
    };
    let task = tokio::spawn(bot::serve(opts, rx));
    let shared = tokio::time::timeout(Duration::from_secs(20), ready_rx)
        .await
        .expect("the bot starts within 20 s")
        .expect("the bot reports ready");
    TestBot {
        api: api.clone(),
        clock,
        shared,
        stop: tx,
        task,
        _dir: dir,
    }
}

impl TestBot {
    async fn stop(self) -> (Arc<Shared>, tempfile::TempDir) {
        let _ = self.stop.send(true);
        // Generous: on a loaded 2-core machine a debug build's shutdown
        // (the final flush and snapshot) can take a while; this only
        // keeps a hung bot from hanging the test run.
        let res = tokio::time::timeout(Duration::from_secs(60), self.task)
            .await
            .expect("the bot stops within 60 s")
            .expect("the bot task");
        assert!(res.is_ok(), "{res:?}");
        (self.shared, self._dir)
    }

    /// Wait until every queued update is acknowledged, the handlers are
    /// done with them (no new call for a while) and the outbox is empty.
    async fn settle(&self) {
        let last = self.api.last_update_id();
        wait_until("updates acknowledged", 30, || self.api.acked() > last).await;
        let end = Instant::now() + Duration::from_secs(30);
        let mut calls = usize::MAX;
        loop {
            let now_calls = self.api.calls().len();
            if now_calls == calls && self.shared.outbox.depth() == 0 {
                return;
            }
            assert!(Instant::now() < end, "the bot never settled");
            calls = now_calls;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

async fn wait_until(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn private_msg(user: i64, name: &str, id: i64, date: i64, text: &str) -> Value {
    json!({"message": fake_api::message(
        &fake_api::private(user, name),
        &fake_api::user(user, name, None),
        id, date, text)})
}

fn group_msg(
    chat: i64,
    title: &str,
    from: i64,
    name: &str,
    id: i64,
    date: i64,
    text: &str,
) -> Value {
    json!({"message": fake_api::message(
        &fake_api::group(chat, title),
        &fake_api::user(from, name, None),
        id, date, text)})
}

/// Is this a digest message (its header)?
fn is_digest(text: &str) -> bool {
    text.starts_with("<b>📋")
}

fn digests_to(api: &FakeApi, chat: i64) -> Vec<fake_api::Call> {
    api.sent_to(chat)
        .into_iter()
        .filter(|c| is_digest(c.text()))
        .collect()
}

/// The sources a digest message links to (`t.me/c/N/M` → chat, message).
fn linked_sources(text: &str) -> BTreeSet<MsgRef> {
    let mut out = BTreeSet::new();
    for piece in text.split("https://t.me/c/").skip(1) {
        let mut it = piece.split(|c: char| !c.is_ascii_digit());
        let (Some(c), Some(m)) = (it.next(), it.next()) else {
            continue;
        };
        if let (Ok(c), Ok(m)) = (c.parse::<i64>(), m.parse::<i64>()) {
            out.insert(MsgRef {
                chat_id: ChatId(-1_000_000_000_000 - c),
                message_id: m,
            });
        }
    }
    out
}

/// What a button's (signed) callback data says.
fn callback(data: &str) -> Option<onedigest::bot::compose::Callback> {
    let body = data.rsplit_once('.').map_or(data, |(b, _)| b);
    onedigest::bot::compose::Callback::decode(body)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The bot as a child process (the binary), its clock a file.
struct Proc {
    dir: PathBuf,
    config: PathBuf,
    clock: PathBuf,
    api: String,
    metrics: String,
    log: PathBuf,
}

impl Proc {
    /// A bot process's files in `dir`, a config with `bot_keys` (lines of
    /// the `[bot]` table besides its state dir and metrics address) and
    /// an open allow-list.
    fn new(dir: &std::path::Path, api: &FakeApi, bot_keys: &str) -> Proc {
        let p = Proc {
            dir: dir.to_path_buf(),
            config: dir.join("onedigest.toml"),
            clock: dir.join("now"),
            api: api.url.clone(),
            metrics: format!("127.0.0.1:{}", free_port()),
            log: dir.join("stderr.log"),
        };
        std::fs::write(
            &p.config,
            format!(
                "[groups]\nallow_all = true\n[bot]\nstate_dir = \"{}\"\nmetrics_addr = \"{}\"\n{bot_keys}",
                p.dir.join("state").display(),
                p.metrics
            ),
        )
        .expect("config");
        p
    }

    fn spawn(&self) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        Command::new(env!("CARGO_BIN_EXE_onedigest"))
            .args(["--config", self.config.to_str().expect("utf-8"), "run"])
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", &self.api)
            .env("ONEDIGEST_CLOCK_FILE", &self.clock)
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the onedigest binary runs")
    }

    fn set_clock(&self, t: &str) {
        std::fs::write(&self.clock, t).expect("clock file");
    }

    /// The health endpoint's outbox depth, once it answers.
    async fn outbox_depth(&self) -> Option<u64> {
        let r = reqwest::get(format!("http://{}/healthz", self.metrics))
            .await
            .ok()?;
        let v: Value = r.json().await.ok()?;
        v["gauges"]["outbox_depth"].as_u64()
    }

    async fn wait_drained(&self) {
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if self.outbox_depth().await == Some(0) {
                return;
            }
            assert!(Instant::now() < end, "outbox never drained");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
