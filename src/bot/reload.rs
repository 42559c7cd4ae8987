//! Live reloading of the config file and the files it names (the dedup
//! rules, the holiday calendar), without a restart. Three triggers share
//! one path, [`run`]: the admin command `/reload`, SIGHUP, and a watcher
//! that polls the files' modification time and length every
//! `bot.watch_rules_secs`. An invalid file is rejected with its error
//! (file, line, field) and the rules in force stay until a valid version
//! appears.
//!
//! The change detector ([`Detector`]) is pure: the caller stats the files
//! and hands it what it saw.

use super::commands;
use super::outbox::{Kind, Part};
use super::state::{ReloadError, Shared};
use crate::config::Config;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// How one file looked at one look: enough to tell that it was rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Missing or unreadable; its coming back is a change too.
    Missing,
    Present {
        modified: Option<SystemTime>,
        len: u64,
    },
}

/// Look at a file (the imperative edge of the detector).
pub fn stamp(path: &Path) -> Stamp {
    match std::fs::metadata(path) {
        Ok(m) => Stamp::Present {
            modified: m.modified().ok(),
            len: m.len(),
        },
        Err(_) => Stamp::Missing,
    }
}

/// The files a reload reads, each with how it looked just before it was
/// read.
pub type Versions = Vec<(PathBuf, Stamp)>;

/// Look at each file now.
pub fn look(files: &[PathBuf]) -> Versions {
    files.iter().map(|p| (p.clone(), stamp(p))).collect()
}

/// The files a config makes a reload read besides itself.
pub fn named_files(cfg: &Config) -> Vec<PathBuf> {
    cfg.dedup
        .rules
        .iter()
        .chain(cfg.organisation.holidays.iter())
        .cloned()
        .collect()
}

/// Remembers the versions the last reload attempt read, so the watcher
/// reloads only when something changed since, and a rejected version is
/// reported once rather than at every poll.
#[derive(Debug, Clone, Default)]
pub struct Detector {
    seen: Versions,
}

impl Detector {
    /// The files to watch.
    pub fn files(&self) -> Vec<PathBuf> {
        self.seen.iter().map(|(p, _)| p.clone()).collect()
    }

    /// True when `now` differs from what the last attempt read.
    pub fn changed(&self, now: &[(PathBuf, Stamp)]) -> bool {
        now != self.seen.as_slice()
    }

    /// A reload attempt read these versions (whatever its outcome).
    pub fn record(&mut self, read: Versions) {
        self.seen = read;
    }

    /// A short name of the versions last read, for idempotency keys: the
    /// same rejected version is announced once, across restarts too.
    pub fn version_key(&self) -> String {
        // FNV-1a: stable across builds, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (p, s) in &self.seen {
            let part = match s {
                Stamp::Missing => format!("{}|missing;", p.display()),
                Stamp::Present { modified, len } => {
                    let ns = modified
                        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    format!("{}|{len}|{ns};", p.display())
                }
            };
            for b in part.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }
}

/// What asked for a reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// An admin's `/reload`.
    Command,
    /// SIGHUP.
    Signal,
    /// The watcher: reloads only when a file changed.
    Watch,
}

impl Trigger {
    fn name(self) -> &'static str {
        match self {
            Trigger::Command => "/reload",
            Trigger::Signal => "SIGHUP",
            Trigger::Watch => "file change",
        }
    }
}

/// How a reload went.
#[derive(Debug)]
pub enum Outcome {
    /// The watcher found nothing changed; nothing was read.
    Unchanged,
    /// The new config and rules are in force.
    Reloaded { files: Vec<PathBuf> },
    /// Rejected; the old config and rules stay in force.
    Failed {
        error: ReloadError,
        /// [`Detector::version_key`] of the rejected files.
        version: String,
    },
}

/// The one reload path: reload (or, for the watcher, only when something
/// changed), log the outcome, and tell the admins by private message when
/// a reload they did not ask for in the chat failed. Blocking: file reads
/// and, on failure, an outbox write.
pub fn run(shared: &Shared, trigger: Trigger) -> Outcome {
    let outcome = shared.reload(trigger);
    match &outcome {
        Outcome::Unchanged => {}
        Outcome::Reloaded { files } => {
            let names = files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            tracing::info!(
                trigger = trigger.name(),
                "reloaded {names}; new messages use the new rules"
            );
        }
        Outcome::Failed { error, version } => {
            tracing::error!(
                trigger = trigger.name(),
                "reload rejected, the rules in force stay: {error}"
            );
            // The admin who typed /reload reads the answer in the chat.
            if trigger != Trigger::Command && !matches!(error, ReloadError::NoFile) {
                notify_admins(shared, &error.to_string(), version);
            }
        }
    }
    outcome
}

/// Each config admin who can be written to hears of the rejected version
/// once (the outbox key names the version).
fn notify_admins(shared: &Shared, why: &str, version: &str) {
    let batch = shared
        .config()
        .admins
        .users
        .into_iter()
        .filter(|u| shared.people.is_active(*u))
        .map(|u| {
            let text = commands::auto_reload_failed(shared.lang_of(u), why);
            (
                format!("reload-failed:{version}:{}", u.0),
                u.0,
                Kind::Reply,
                vec![Part::new(text, vec![])],
            )
        })
        .collect();
    if let Err(e) = shared.send_batch(batch) {
        tracing::error!("cannot queue the reload failure for the admins: {e}");
    }
}

/// Poll the watched files every `every` and reload when one changed.
pub async fn watch_files(shared: Arc<Shared>, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|v| *v) => return,
        }
        let sh = shared.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || run(&sh, Trigger::Watch)).await {
            tracing::error!("the config watcher failed: {e}");
        }
    }
}

/// The SIGHUP stream, registered at start-up so that a SIGHUP arriving
/// before the bot is connected reloads instead of killing the process.
#[cfg(unix)]
pub type Hangup = tokio::signal::unix::Signal;
#[cfg(not(unix))]
pub type Hangup = ();

#[cfg(unix)]
pub fn hangup() -> Option<Hangup> {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!("cannot listen for SIGHUP, reload with /reload instead: {e}");
            None
        }
    }
}

#[cfg(not(unix))]
pub fn hangup() -> Option<Hangup> {
    None
}

/// Reload at each SIGHUP until stopped.
pub async fn on_hangup(shared: Arc<Shared>, hup: Hangup, mut stop: watch::Receiver<bool>) {
    #[cfg(unix)]
    {
        let mut hup = hup;
        loop {
            tokio::select! {
                got = hup.recv() => {
                    if got.is_none() {
                        return;
                    }
                }
                _ = stop.wait_for(|v| *v) => return,
            }
            tracing::info!("SIGHUP: reloading the config and rules");
            let sh = shared.clone();
            if let Err(e) = tokio::task::spawn_blocking(move || run(&sh, Trigger::Signal)).await {
                tracing::error!("the SIGHUP reload failed: {e}");
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (shared, hup);
        let _ = stop.wait_for(|v| *v).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::scheduler::{Clock, ManualClock};
    use chrono::{DateTime, Utc};

    fn present(secs: u64, len: u64) -> Stamp {
        Stamp::Present {
            modified: Some(UNIX_EPOCH + Duration::from_secs(secs)),
            len,
        }
    }

    fn v(stamps: &[Stamp]) -> Versions {
        stamps
            .iter()
            .enumerate()
            .map(|(i, s)| (PathBuf::from(format!("f{i}")), *s))
            .collect()
    }

    #[test]
    fn the_detector_sees_time_length_and_presence_changes_only() {
        let mut d = Detector::default();
        d.record(v(&[present(10, 100), present(20, 200)]));
        assert!(!d.changed(&v(&[present(10, 100), present(20, 200)])));
        assert!(
            d.changed(&v(&[present(11, 100), present(20, 200)])),
            "mtime"
        );
        assert!(
            d.changed(&v(&[present(10, 100), present(20, 201)])),
            "length"
        );
        assert!(d.changed(&v(&[present(10, 100), Stamp::Missing])), "gone");
        assert!(d.changed(&v(&[present(10, 100)])), "a file less to read");
        let before = d.version_key();
        d.record(v(&[present(10, 100), present(20, 201)]));
        assert_ne!(d.version_key(), before, "each version has its own key");
        d.record(v(&[present(10, 100), present(20, 200)]));
        assert_eq!(d.version_key(), before, "the same version, the same key");
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test date")
            .with_timezone(&Utc)
    }

    const RULES_TAIL: &str = "maybe = 0.3\n";

    fn rules_text(duplicate: &str) -> String {
        format!("[thresholds]\nduplicate = {duplicate}\n{RULES_TAIL}")
    }

    /// Write `text`, and make sure the watcher can tell the write apart
    /// even on file systems with coarse modification times.
    fn rewrite(path: &Path, text: &str, secs: u64) {
        std::fs::write(path, text).expect("write");
        let f = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open");
        f.set_modified(UNIX_EPOCH + Duration::from_secs(secs))
            .expect("set mtime");
    }

    fn threshold(shared: &Shared) -> f64 {
        shared.engine().settings.rules.duplicate
    }

    #[test]
    fn the_watcher_reloads_changes_rejects_a_bad_version_once_and_keeps_the_old_rules() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rules = dir.path().join("rules.toml");
        let config = dir.path().join("onedigest.toml");
        rewrite(&rules, &rules_text("0.5"), 1_000);
        std::fs::write(
            &config,
            format!("[dedup]\nrules = {:?}\n", rules.display().to_string()),
        )
        .expect("config");
        let cfg = Config::load(&config).expect("config parses");
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(utc("2024-03-04T09:00:00+08:00")));
        let (shared, _rx) =
            Shared::open(&dir.path().join("state"), cfg, Some(config.clone()), clock)
                .expect("state opens");
        assert_eq!(threshold(&shared), 0.5);

        // Nothing changed since start-up: nothing is read.
        assert!(matches!(run(&shared, Trigger::Watch), Outcome::Unchanged));

        // A new threshold takes effect.
        rewrite(&rules, &rules_text("0.75"), 2_000);
        match run(&shared, Trigger::Watch) {
            Outcome::Reloaded { files } => {
                assert!(
                    files.contains(&config) && files.contains(&rules),
                    "{files:?}"
                )
            }
            o => panic!("expected a reload: {o:?}"),
        }
        assert_eq!(threshold(&shared), 0.75);
        assert!(matches!(run(&shared, Trigger::Watch), Outcome::Unchanged));

        // Half written: rejected with file and line, the old rules stay...
        rewrite(&rules, "[thresholds]\nduplicate = 0.\n", 3_000);
        match run(&shared, Trigger::Watch) {
            Outcome::Failed { error, .. } => {
                let msg = error.to_string();
                assert!(msg.contains(&format!("{}:2:", rules.display())), "{msg}");
            }
            o => panic!("expected a rejection: {o:?}"),
        }
        assert_eq!(threshold(&shared), 0.75);
        // ...and the same bad version is not tried (or reported) again.
        assert!(matches!(run(&shared, Trigger::Watch), Outcome::Unchanged));
        assert_eq!(threshold(&shared), 0.75);

        // Valid again: reloaded.
        rewrite(&rules, &rules_text("0.625"), 4_000);
        assert!(matches!(
            run(&shared, Trigger::Watch),
            Outcome::Reloaded { .. }
        ));
        assert_eq!(threshold(&shared), 0.625);
    }

    #[test]
    fn a_config_naming_a_new_rules_file_is_watched_through_that_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("onedigest.toml");
        let rules = dir.path().join("new-rules.toml");
        std::fs::write(&config, "").expect("config");
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(utc("2024-03-04T09:00:00+08:00")));
        let (shared, _rx) = Shared::open(
            &dir.path().join("state"),
            Config::default(),
            Some(config.clone()),
            clock,
        )
        .expect("state opens");
        let bundled = threshold(&shared);
        // The config now names a rules file that is not valid yet.
        rewrite(&rules, "[thresholds]\nduplicate = \"high\"\n", 1_000);
        rewrite(
            &config,
            &format!("[dedup]\nrules = {:?}\n", rules.display().to_string()),
            1_000,
        );
        assert!(matches!(
            run(&shared, Trigger::Watch),
            Outcome::Failed { .. }
        ));
        assert_eq!(threshold(&shared), bundled);
        // Fixing the rules file alone is enough.
        rewrite(&rules, &rules_text("0.9"), 2_000);
        assert!(matches!(
            run(&shared, Trigger::Watch),
            Outcome::Reloaded { .. }
        ));
        assert_eq!(threshold(&shared), 0.9);
    }

    #[test]
    fn without_a_config_file_every_trigger_says_there_is_nothing_to_reload() {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(utc("2024-03-04T09:00:00+08:00")));
        let (shared, _rx) = Shared::open(&dir.path().join("state"), Config::default(), None, clock)
            .expect("state opens");
        assert!(matches!(run(&shared, Trigger::Watch), Outcome::Unchanged));
        for t in [Trigger::Command, Trigger::Signal] {
            assert!(matches!(
                run(&shared, t),
                Outcome::Failed {
                    error: ReloadError::NoFile,
                    ..
                }
            ));
        }
    }
}
