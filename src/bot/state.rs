//! The bot's state: the journal, the engine rebuilt from it, the people
//! registry, the outbox, counters. One lock orders every write, so the
//! engine always equals the journal replayed in order.

use super::compose;
use super::fact::Fact;
use super::liveness::Liveness;
use super::metrics::{self, Gauges, Metrics};
use super::outbox::{Kind, Outbox, OutboxError, Part, Queued, Record};
use super::people::{People, PeopleError};
use super::quarantine::Quarantine;
use super::reload::{self, Outcome, Reloader, Trigger};
use super::scheduler::Clock;
use super::signing::{KeyError, Signer};
use crate::config::Config;
use crate::core::digest;
use crate::core::engine::{Effect, Engine, Settings, Warning};
use crate::event::Event;
use crate::journal::{Appended, Journal, JournalError};
use crate::model::{Lang, UserId};
use crate::render::Scope;
use crate::settings::SettingsError;
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use teloxide::types::Me;
use tokio::sync::mpsc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    People(#[from] PeopleError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error("state store: {0}")]
    Sled(#[from] sled::Error),
}

/// Keys in the `meta` tree. `effects_done` counted events (older states);
/// `effects_done_seq` is the last journal entry whose warnings were queued.
const EFFECTS_DONE: &[u8] = b"effects_done";
const EFFECTS_DONE_SEQ: &[u8] = b"effects_done_seq";
const LAST_DIGEST_RUN: &[u8] = b"last_digest_run";

pub struct Shared {
    pub journal: Journal,
    engine: Mutex<Engine>,
    pub people: People,
    pub outbox: Outbox,
    meta: sled::Tree,
    pub metrics: Metrics,
    config: RwLock<Config>,
    pub clock: Arc<dyn Clock>,
    me: OnceLock<Me>,
    /// Orders journal appends, registry changes and engine applies.
    write: Mutex<()>,
    /// Events in the journal (sled's own count is O(n)).
    journal_len: AtomicU64,
    sender: mpsc::UnboundedSender<Queued>,
    reloader: Reloader,
    /// Whether intake and sender are moving (for `/healthz`).
    pub liveness: Liveness,
    /// Signs the buttons of digests and warnings for their recipient.
    pub signer: Signer,
    /// Events whose application panicked: kept, skipped.
    pub quarantine: Quarantine,
    /// The state directory (the snapshot lives there).
    dir: PathBuf,
    /// One snapshot, compaction or `/forget` at a time.
    maintenance: Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// Open the state directory and rebuild the engine from the journal.
    /// Warnings raised by events whose effects were never queued (a crash
    /// between journaling and queueing) are queued now. Returns the state
    /// and the receiving end of the sender's queue, preloaded with every
    /// part still to send.
    pub fn open(
        dir: &Path,
        config: Config,
        config_path: Option<PathBuf>,
        clock: Arc<dyn Clock>,
    ) -> Result<(Arc<Shared>, mpsc::UnboundedReceiver<Queued>), OpenError> {
        if let Some(why) = config.open_to_all_refused() {
            return Err(OpenError::OpenToAll(why));
        }
        create_private_dir(dir).map_err(|source| OpenError::Dir {
            dir: dir.display().to_string(),
            source,
        })?;
        // Before the rules are read, so a write from now on is a change.
        let reloader = Reloader::new(config_path, &config);
        let settings = Settings::from_config(&config)?;
        let signer = Signer::load_or_create(dir)?;
        let cache = config.bot.sled_cache_mb << 20;
        let journal = Journal::open_with_cache(dir, Some(cache)).map_err(StoreError::from)?;
        let db = journal.db().clone();
        let people = People::open(&db).map_err(StoreError::from)?;
        let outbox = Outbox::open(&db).map_err(StoreError::from)?;
        let meta = db.open_tree("meta").map_err(StoreError::from)?;
        let quarantine = Quarantine::open(&db).map_err(StoreError::from)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let (engine, base, events) = super::snapshot::start(dir, &config, settings, &journal)?;
        let shared = Arc::new(Shared {
            journal,
            engine: Mutex::new(engine),
            people,
            outbox,
            meta,
            metrics: Metrics::default(),
            config: RwLock::new(config),
            clock,
            me: OnceLock::new(),
            write: Mutex::new(()),
            journal_len: AtomicU64::new(base + events.len() as u64),
            sender: tx,
            reloader,
            liveness: Liveness::default(),
            signer,
            quarantine,
            dir: dir.to_path_buf(),
            maintenance: Mutex::new(()),
        });
        shared.rebuild(base, &events)?;
        for q in shared.outbox.pending().map_err(StoreError::from)? {
            let _ = shared.sender.send(q);
        }
        Ok((shared, rx))
    }

    /// Feed the engine the journal's events from index `base` on (all of
    /// them, or the tail after a snapshot).
    fn rebuild(&self, base: u64, events: &[(u64, Event)]) -> Result<(), StoreError> {
        let read = |key: &[u8]| -> Result<Option<u64>, StoreError> {
            Ok(self
                .meta
                .get(key)?
                .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)))
        };
        let done_seq = read(EFFECTS_DONE_SEQ)?;
        let done_count = read(EFFECTS_DONE)?.unwrap_or(0);
        let mut engine = lock(&self.engine);
        let caught = self.quarantine.caught();
        let mut late = Vec::new();
        for (i, (seq, ev)) in events.iter().enumerate() {
            let is_late = match done_seq {
                Some(d) => *seq > d,
                None => base + i as u64 >= done_count,
            };
            for Effect::Warning(w) in self.quarantine.apply(&mut engine, ev) {
                if is_late {
                    late.push(w);
                }
            }
        }
        if self.quarantine.caught() != caught {
            // A half-applied event may have left the engine (snapshot
            // included) inconsistent: rebuild from the whole journal.
            let all = self.journal.events().map_err(StoreError::from)?;
            *engine = self.quarantine.replay(engine.settings.clone(), &all);
        }
        let mut queued = Vec::new();
        for w in &late {
            if let Some(q) = self.queue_warning(&engine, w)? {
                queued.extend(q);
            }
        }
        drop(engine);
        if let Some(last) = self.journal.last_seq()? {
            self.meta.insert(EFFECTS_DONE_SEQ, &last.to_be_bytes())?;
        }
        self.journal.flush()?;
        // The queued parts reach the sender through `Outbox::pending`.
        drop(queued);
        Ok(())
    }

    /// Run `f` with intake held off: the engine then stands exactly for
    /// the journal up to its last entry (snapshots, engine swaps).
    pub fn with_quiet_engine<R>(&self, f: impl FnOnce(&mut Engine) -> R) -> R {
        let _w = lock(&self.write);
        f(&mut lock(&self.engine))
    }

    /// Held by whoever writes a snapshot or removes from the journal.
    pub fn maintenance(&self) -> MutexGuard<'_, ()> {
        lock(&self.maintenance)
    }

    /// Count the journal's events again (after removals).
    pub fn recount_journal(&self) {
        self.journal_len
            .store(self.journal.len() as u64, Ordering::Relaxed);
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The engine, locked. Hold it briefly.
    pub fn engine(&self) -> MutexGuard<'_, Engine> {
        lock(&self.engine)
    }

    pub fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn is_admin(&self, user: UserId) -> bool {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .admins
            .users
            .contains(&user)
    }

    pub fn set_me(&self, me: Me) {
        let _ = self.me.set(me);
    }

    pub fn me(&self) -> Option<&Me> {
        self.me.get()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn journal_len(&self) -> u64 {
        self.journal_len.load(Ordering::Relaxed)
    }

    /// Record what an update says, durably, and apply it: journal the
    /// events (each once), change the registry, flush, feed the new events
    /// to the engine in journal order, queue the warnings they raise.
    pub fn record(&self, facts: &[Fact]) -> Result<(), StoreError> {
        if facts.is_empty() {
            return Ok(());
        }
        let _w = lock(&self.write);
        let mut fresh = Vec::new();
        let mut last_seq = None;
        for f in facts {
            match f {
                Fact::Event(ev) => {
                    if let Appended::New(seq) = self.journal.append(ev)? {
                        fresh.push(ev);
                        last_seq = Some(seq);
                    }
                }
                Fact::People(c) => {
                    self.people.apply(c)?;
                }
            }
        }
        self.journal.flush()?;
        self.liveness.flushed(std::time::Instant::now());
        self.journal_len
            .fetch_add(fresh.len() as u64, Ordering::Relaxed);
        self.metrics
            .events_journaled
            .fetch_add(fresh.len() as u64, Ordering::Relaxed);
        if fresh.is_empty() {
            return Ok(());
        }
        let mut engine = lock(&self.engine);
        let caught = self.quarantine.caught();
        let mut warnings = Vec::new();
        for ev in fresh {
            for Effect::Warning(w) in self.quarantine.apply(&mut engine, ev) {
                if !w.maybe {
                    metrics::inc(&self.metrics.duplicates);
                }
                warnings.push(w);
            }
        }
        if self.quarantine.caught() != caught {
            // Rare: what the panic left half applied goes with a replay.
            let events = self.journal.events()?;
            *engine = self.quarantine.replay(engine.settings.clone(), &events);
        }
        let mut queued = Vec::new();
        for w in &warnings {
            if let Some(q) = self.queue_warning(&engine, w)? {
                queued.extend(q);
            }
        }
        drop(engine);
        if let Some(seq) = last_seq {
            self.meta.insert(EFFECTS_DONE_SEQ, &seq.to_be_bytes())?;
        }
        if !queued.is_empty() {
            self.journal.flush()?;
        }
        self.hand_over(queued);
        Ok(())
    }

    /// Queue a warning for its owner if they can be written to.
    fn queue_warning(
        &self,
        engine: &Engine,
        w: &Warning,
    ) -> Result<Option<Vec<Queued>>, StoreError> {
        if !self.people.is_active(w.to) {
            return Ok(None);
        }
        let parts = compose::warning_parts(engine, w, self.lang_of(w.to), &self.signer);
        let q = self.outbox.enqueue(
            &compose::warning_key(w),
            Record {
                chat: w.to.0,
                kind: Kind::Warning,
                parts,
                created: self.now(),
            },
        )?;
        if q.is_some() {
            metrics::inc(&self.metrics.warnings_queued);
        }
        Ok(q)
    }

    fn hand_over(&self, queued: Vec<Queued>) {
        for q in queued {
            // The sender only stops with the process.
            let _ = self.sender.send(q);
        }
    }

    /// Write a message to the outbox under `key` (unless already there),
    /// make it durable, hand it to the sender. True when it was new.
    pub fn send(
        &self,
        key: &str,
        chat: i64,
        kind: Kind,
        parts: Vec<Part>,
    ) -> Result<bool, StoreError> {
        let q = self.outbox.enqueue(
            key,
            Record {
                chat,
                kind,
                parts,
                created: self.now(),
            },
        )?;
        let Some(q) = q else {
            return Ok(false);
        };
        self.journal.flush()?;
        self.hand_over(q);
        Ok(true)
    }

    /// Queue several messages with one flush; how many were new.
    pub fn send_batch(
        &self,
        batch: Vec<(String, i64, Kind, Vec<Part>)>,
    ) -> Result<usize, StoreError> {
        let mut queued = Vec::new();
        let mut n = 0;
        for (key, chat, kind, parts) in batch {
            let rec = Record {
                chat,
                kind,
                parts,
                created: self.now(),
            };
            if let Some(q) = self.outbox.enqueue(&key, rec)? {
                n += 1;
                queued.extend(q);
            }
        }
        if n > 0 {
            self.journal.flush()?;
        }
        self.hand_over(queued);
        Ok(n)
    }

    /// A person's language: their own setting or the organisation's.
    pub fn lang_of(&self, user: UserId) -> Lang {
        self.people
            .get(user)
            .and_then(|r| r.lang)
            .unwrap_or_else(|| self.config().organisation.lang)
    }

    /// A person's digest time: their own setting or the organisation's.
    pub fn digest_time_of(&self, user: UserId) -> NaiveTime {
        self.people
            .get(user)
            .and_then(|r| r.digest_time)
            .unwrap_or_else(|| self.config().digest.time)
    }

    /// Build and render one person's digest at local time `at` (the daily
    /// one, or every item for `/digest all`). The engine is held only to
    /// copy that person's view of it; building and rendering happen after,
    /// so intake is not kept waiting.
    pub fn digest_parts(&self, user: UserId, at: NaiveDateTime, scope: Scope) -> Vec<Part> {
        let lang = self.lang_of(user);
        let view = self.engine().reader_view(user, at);
        let d = digest::build(&view, user, at);
        let name = compose::display_name(&view, user);
        compose::digest_parts(&d, &name, lang, scope, &self.signer)
    }

    /// "Now" in the organisation's zone.
    pub fn local_now(&self) -> NaiveDateTime {
        let tz = self.engine().settings.tz;
        self.now().with_timezone(&tz).naive_local()
    }

    pub fn note_digest_run(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.meta
            .insert(LAST_DIGEST_RUN, at.to_rfc3339().as_bytes())?;
        Ok(())
    }

    pub fn last_digest_run(&self) -> Option<String> {
        self.meta
            .get(LAST_DIGEST_RUN)
            .ok()
            .flatten()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    pub fn gauges(&self) -> Gauges {
        let now = std::time::Instant::now();
        let (tasks, groups) = {
            let e = self.engine();
            (e.tasks.len(), e.groups.len())
        };
        Gauges {
            tasks,
            groups,
            people_started: self.people.len(),
            outbox_depth: self.outbox.depth(),
            journal_events: self.journal_len(),
            last_digest_run: self.last_digest_run(),
            last_flush_age_secs: self.liveness.flush_age(now).as_secs_f64(),
            last_send_age_secs: self.liveness.send_age(now).as_secs_f64(),
        }
    }

    /// What keeps the bot from being healthy now; empty when it is.
    pub fn problems(&self) -> Vec<String> {
        let b = self.config().bot;
        let limits = super::liveness::Limits {
            intake: std::time::Duration::from_secs(b.health_intake_secs),
            sender: std::time::Duration::from_secs(b.health_sender_secs),
        };
        self.liveness
            .problems(std::time::Instant::now(), self.outbox.depth(), limits)
    }

    pub fn config_path(&self) -> Option<&Path> {
        self.reloader.config_path()
    }

    /// Reload the config file and the files it names, log the outcome and
    /// tell the admins of an unasked-for failure ([`Reloader::run`]).
    pub fn reload(&self, trigger: Trigger) -> Outcome {
        reload::run(self, trigger)
    }
}

impl reload::Host for Shared {
    fn config(&self) -> Config {
        Shared::config(self)
    }

    fn install(&self, settings: Settings, config: Config) {
        self.engine().settings = settings;
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = config;
    }

    fn reachable_admins(&self) -> Vec<(UserId, Lang)> {
        self.config()
            .admins
            .users
            .into_iter()
            .filter(|u| self.people.is_active(*u))
            .map(|u| (u, self.lang_of(u)))
            .collect()
    }

    fn queue(&self, batch: Vec<(String, i64, Kind, Vec<Part>)>) -> Result<(), String> {
        self.send_batch(batch)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn reloader(&self) -> &Reloader {
        &self.reloader
    }
}

/// Create the state directory readable by its owner only (0700), and
/// tighten one that exists: it holds what people wrote.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{dir}: cannot create the state directory: {source}")]
    Dir {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    OpenToAll(&'static str),
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl OpenError {
    /// Bad configuration (exit 2) rather than a store that fails (exit 1).
    pub fn is_config(&self) -> bool {
        matches!(self, OpenError::Settings(_) | OpenError::OpenToAll(_))
    }
}

#[cfg(test)]
mod tests {
    //! Reloading through the state: the files, the detector and the swap.
    use super::*;
    use crate::bot::reload::{Outcome, ReloadError, Trigger};
    use crate::bot::scheduler::ManualClock;
    use std::time::{Duration, UNIX_EPOCH};

    /// Every group welcome, as `run --allow-all` sets it.
    fn open_config() -> Config {
        let mut c = Config::default();
        c.groups.allow_all = true;
        c
    }

    fn run(shared: &Shared, trigger: Trigger) -> Outcome {
        shared.reload(trigger)
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
            format!(
                "[groups]\nallow_all = true\n[dedup]\nrules = {:?}\n",
                rules.display().to_string()
            ),
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
            open_config(),
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
        let (shared, _rx) = Shared::open(&dir.path().join("state"), open_config(), None, clock)
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
