//! Live reloading of the rules: the file watcher, /reload and SIGHUP.

use super::{Proc, free_port, private_msg, repo, utc, wait_until};
use crate::fake_api::FakeApi;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

/// The bot as a child process with `--config` naming a rules file of its
/// own, admin 42 (Ada) started, the watcher polling every `watch_secs`.
struct Reloading {
    api: FakeApi,
    proc_: Proc,
    rules: PathBuf,
    child: Child,
    next_msg: i64,
    _dir: tempfile::TempDir,
}

/// The bundled rules with another duplicate threshold.
fn rules_with_threshold(t: &str) -> String {
    let text = std::fs::read_to_string(repo().join("config/rules.toml")).expect("bundled rules");
    let at = text
        .find("\nduplicate = ")
        .expect("the bundled threshold line")
        + "\nduplicate = ".len();
    let end = at + text[at..].find(' ').expect("a comment after the value");
    format!("{}{t}{}", &text[..at], &text[end..])
}

/// What the log says after each reload that took effect.
const RELOADED: &str = "new messages use the new rules";

impl Drop for Reloading {
    fn drop(&mut self) {
        // Also when an assertion failed: no bot outlives its test.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Reloading {
    async fn start(watch_secs: u64) -> Reloading {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let rules = dir.path().join("rules.toml");
        std::fs::write(&rules, rules_with_threshold("0.5")).expect("rules");
        let proc_ = Proc {
            dir: dir.path().to_path_buf(),
            config: dir.path().join("onedigest.toml"),
            clock: dir.path().join("now"),
            api: api.url.clone(),
            metrics: format!("127.0.0.1:{}", free_port()),
            log: dir.path().join("stderr.log"),
        };
        std::fs::write(
            &proc_.config,
            format!(
                "[organisation]\nlang = \"en\"\n[groups]\nallow_all = true\n[admins]\nusers = [42]\n[dedup]\nrules = {:?}\n[bot]\nstate_dir = {:?}\nmetrics_addr = \"{}\"\npoll_timeout_secs = 1\nper_chat_interval_ms = 0\nwatch_rules_secs = {watch_secs}\n",
                rules.display().to_string(),
                proc_.dir.join("state").display().to_string(),
                proc_.metrics
            ),
        )
        .expect("config");
        proc_.set_clock("2024-10-14T09:00:00+08:00");
        let child = proc_.spawn();
        let mut r = Reloading {
            api,
            proc_,
            rules,
            child,
            next_msg: 1,
            _dir: dir,
        };
        r.say("/start", "").await;
        r
    }

    /// Ada writes `text` to the bot; the first message to her since that
    /// contains `expect` (a reload notice may come in between).
    async fn say(&mut self, text: &str, expect: &str) -> String {
        let before = self.api.sent_to(42).len();
        let d = utc("2024-10-14T09:00:00+08:00").timestamp();
        self.api
            .push(private_msg(42, "Ada", self.next_msg, d, text));
        self.next_msg += 1;
        let answer = || {
            self.api.sent_to(42)[before..]
                .iter()
                .map(|c| c.text().to_string())
                .find(|t| t.contains(expect))
        };
        wait_until(&format!("an answer to {text} with `{expect}`"), 30, || {
            answer().is_some()
        })
        .await;
        answer().unwrap_or_default()
    }

    /// The duplicate threshold `/rules` says is in force.
    async fn threshold(&mut self) -> String {
        let rules = self.say("/rules", "Rules in force").await;
        rules
            .split("duplicate at score ≥ ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no threshold in {rules}"))
            .to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.proc_.log).unwrap_or_default()
    }

    async fn wait_log(&self, what: &str, times: usize) {
        wait_until(&format!("{times} × `{what}` in the log"), 30, || {
            self.log().matches(what).count() >= times
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rules_file_rewritten_is_reloaded_without_a_restart_and_a_bad_version_is_rejected_once() {
    let mut r = Reloading::start(1).await;
    assert_eq!(r.threshold().await, "0.5");

    // (a) A new threshold, picked up by the watcher.
    std::fs::write(&r.rules, rules_with_threshold("0.85")).expect("rules");
    r.wait_log(RELOADED, 1).await;
    assert_eq!(r.threshold().await, "0.85");
    let log = r.log();
    assert!(log.contains(&r.rules.display().to_string()), "{log}");

    // (b) Half written: rejected with the file and line; the rules stay.
    let full = rules_with_threshold("0.6");
    let cut = full.find("\nduplicate = 0.6").expect("threshold line") + "\nduplicate = 0.".len();
    std::fs::write(&r.rules, &full[..cut]).expect("rules");
    r.wait_log("reload rejected", 1).await;
    let line = full[..cut].matches('\n').count() + 1;
    let named = format!("{}:{line}:", r.rules.display());
    let log = r.log();
    assert!(log.contains(&named), "the log names {named}: {log}");
    assert_eq!(r.threshold().await, "0.85");
    // Ada (a config admin who started the bot) is told once, by private message.
    wait_until("the admin hears of the rejection", 30, || {
        r.api
            .sent_to(42)
            .iter()
            .any(|c| c.text().contains("could not be loaded") && c.text().contains(&named))
    })
    .await;
    // Several polls later the bad version is still reported only once.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(r.log().matches("reload rejected").count(), 1, "{}", r.log());
    assert_eq!(
        r.api
            .sent_to(42)
            .iter()
            .filter(|c| c.text().contains("could not be loaded"))
            .count(),
        1
    );

    // The writer finishes: the new version is in force.
    std::fs::write(&r.rules, &full).expect("rules");
    r.wait_log(RELOADED, 2).await;
    assert_eq!(r.threshold().await, "0.6");
    assert!(
        r.child.try_wait().expect("child").is_none(),
        "never restarted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_rules_with_the_watcher_off() {
    let mut r = Reloading::start(0).await;
    assert_eq!(r.threshold().await, "0.5");
    std::fs::write(&r.rules, rules_with_threshold("0.75")).expect("rules");
    // The watcher is off: nothing happens by itself.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(r.threshold().await, "0.5");

    let status = Command::new("kill")
        .args(["-HUP", &r.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    r.wait_log(RELOADED, 1).await;
    assert!(r.log().contains("SIGHUP"), "{}", r.log());
    assert_eq!(r.threshold().await, "0.75");
    assert!(
        r.child.try_wait().expect("child").is_none(),
        "SIGHUP does not end the bot"
    );

    // /reload takes the same path: an invalid file is refused in the chat.
    std::fs::write(&r.rules, "[thresholds]\nduplicate = 2.0\nmaybe = 0.1\n").expect("rules");
    let reply = r.say("/reload", "Reload failed").await;
    assert!(reply.contains("thresholds.duplicate"), "{reply}");
    assert_eq!(r.threshold().await, "0.75");
}
