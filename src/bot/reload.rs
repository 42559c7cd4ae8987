//! Live reloading of the config file and the files it names (the dedup
//! rules, the holiday calendar), without a restart. Three triggers share
//! one path, [`Reloader::run`]: the admin command `/reload`, SIGHUP, and a watcher
//! that polls the files' modification time and length every
//! `bot.watch_rules_secs`. An invalid file is rejected with its error
//! (file, line, field) and the rules in force stay until a valid version
//! appears.
//!
//! The change detector ([`Detector`]) is pure: the caller stats the files
//! and hands it what it saw. The [`Reloader`] owns the procedure (detect a
//! change, parse, swap, report); the bot's state is its [`Host`].

use super::commands;
use super::outbox::{Kind, Part};
use crate::config::Config;
use crate::core::engine::Settings;
use crate::core::hash::Fnv1a;
use crate::model::{Lang, UserId};
use crate::settings::SettingsError;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
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
        // Stable across builds and restarts, unlike std's hasher.
        let mut h = Fnv1a::default();
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
            h.write(part.as_bytes());
        }
        format!("{:016x}", h.finish())
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

#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error("the bot was started without --config, so there is no file to reload")]
    NoFile,
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    OpenToAll(&'static str),
}

/// What a reload changes and whom it tells: the bot's state, seen from here.
pub trait Host {
    /// The config in force.
    fn config(&self) -> Config;
    /// Put a new config, and the settings built from it, in force.
    fn install(&self, settings: Settings, config: Config);
    /// The config admins who can be written to, each with their language.
    fn reachable_admins(&self) -> Vec<(UserId, Lang)>;
    /// Queue messages (outbox key, chat, kind, parts) with one flush.
    fn queue(&self, batch: Vec<(String, i64, Kind, Vec<Part>)>) -> Result<(), String>;
    /// The host's reloader.
    fn reloader(&self) -> &Reloader;
}

/// The whole reload procedure: which files to read, whether they changed,
/// parsing them, swapping the new config in, reporting the outcome.
pub struct Reloader {
    config_path: Option<PathBuf>,
    /// The versions of the config and rules files last read; held for the
    /// whole of a reload, so reloads from /reload, SIGHUP and the watcher
    /// never interleave.
    seen: Mutex<Detector>,
    /// Every group was welcome at start (`--allow-all` or the file): that
    /// holds until a restart, whatever the file says now.
    allow_all: bool,
}

impl Reloader {
    /// Call before the rules are first read, so that a write from then on
    /// is seen as a change. (The config itself was read just before.)
    pub fn new(config_path: Option<PathBuf>, config: &Config) -> Reloader {
        let mut seen = Detector::default();
        if let Some(p) = &config_path {
            let mut files = vec![p.clone()];
            files.extend(named_files(config));
            seen.record(look(&files));
        }
        Reloader {
            config_path,
            seen: Mutex::new(seen),
            allow_all: config.groups.allow_all,
        }
    }

    pub fn config_path(&self) -> Option<&Path> {
        self.config_path.as_deref()
    }

    /// Re-read the config file and the files it names (rules, holidays):
    /// rules, thresholds, allow-list, admins and digest time apply to what
    /// comes from now on; decisions already made stand. A file that does not
    /// load leaves everything as it was. `Trigger::Watch` reads nothing
    /// unless a file changed since the last attempt.
    fn reload(&self, host: &impl Host, trigger: Trigger) -> Outcome {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if trigger == Trigger::Watch && !seen.changed(&look(&seen.files())) {
            return Outcome::Unchanged;
        }
        let Some(path) = &self.config_path else {
            return Outcome::Failed {
                error: ReloadError::NoFile,
                version: String::new(),
            };
        };
        // Each file is looked at before it is read: a write racing the read
        // (a half-written file) changes the look, so the watcher comes back.
        let config_look = stamp(path);
        let loaded = Config::load(path);
        let named = match &loaded {
            Ok(cfg) => named_files(cfg),
            Err(_) => named_files(&host.config()),
        };
        let mut read = vec![(path.clone(), config_look)];
        read.extend(look(&named));
        seen.record(read);
        let result = loaded.map_err(ReloadError::from).and_then(|mut cfg| {
            cfg.groups.allow_all |= self.allow_all;
            if let Some(why) = cfg.open_to_all_refused() {
                return Err(ReloadError::OpenToAll(why));
            }
            Ok((Settings::from_config(&cfg)?, cfg))
        });
        match result {
            Ok((settings, cfg)) => {
                host.install(settings, cfg);
                Outcome::Reloaded {
                    files: seen.files(),
                }
            }
            Err(error) => Outcome::Failed {
                error,
                version: seen.version_key(),
            },
        }
    }

    /// The one reload path: reload (or, for the watcher, only when something
    /// changed), log the outcome, and tell the admins by private message when
    /// a reload they did not ask for in the chat failed. Blocking: file reads
    /// and, on failure, an outbox write.
    pub fn run(&self, host: &impl Host, trigger: Trigger) -> Outcome {
        let outcome = self.reload(host, trigger);
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
                    notify_admins(host, &error.to_string(), version);
                }
            }
        }
        outcome
    }
}

/// [`Reloader::run`] with the host's own reloader.
pub fn run(host: &impl Host, trigger: Trigger) -> Outcome {
    host.reloader().run(host, trigger)
}

/// Each config admin who can be written to hears of the rejected version
/// once (the outbox key names the version).
fn notify_admins(host: &impl Host, why: &str, version: &str) {
    let batch = host
        .reachable_admins()
        .into_iter()
        .map(|(u, lang)| {
            let text = commands::auto_reload_failed(lang, why);
            (
                format!("reload-failed:{version}:{}", u.0),
                u.0,
                Kind::Reply,
                vec![Part::new(text, vec![])],
            )
        })
        .collect();
    if let Err(e) = host.queue(batch) {
        tracing::error!("cannot queue the reload failure for the admins: {e}");
    }
}

/// Poll the watched files every `every` and reload when one changed.
pub async fn watch_files<H: Host + Send + Sync + 'static>(
    shared: Arc<H>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|v| *v) => return,
        }
        let sh = shared.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || run(&*sh, Trigger::Watch)).await {
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
pub async fn on_hangup<H: Host + Send + Sync + 'static>(
    shared: Arc<H>,
    hup: Hangup,
    mut stop: watch::Receiver<bool>,
) {
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
            if let Err(e) = tokio::task::spawn_blocking(move || run(&*sh, Trigger::Signal)).await {
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
}
