//! The engine's snapshot: its state written beside the journal now and
//! then, so that a restart reads it and replays only the journal's tail.
//!
//! One file, `engine.snapshot` in the state directory, replaced atomically
//! (written to a temporary file, synced, renamed). It starts with a magic
//! word, a format version, a CRC-32 of the rest and its length; then the
//! journal position it stands for and the engine's state (bincode). A file
//! that fails any check, or was made under other settings or another
//! binary, or points past the journal, is ignored with one warning: the
//! engine is then rebuilt from the whole journal, which is never changed
//! by reading a snapshot.

use super::state::{Shared, StoreError};
use crate::config::Config;
use crate::core::engine::state::State;
use crate::core::engine::{Engine, Settings};
use crate::event::Event;
use crate::journal::Journal;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const FILE: &str = "engine.snapshot";
const MAGIC: &[u8; 8] = b"ODSNAP\0\0";
/// Raised whenever the encoded state changes shape.
const VERSION: u32 = 1;
const HEADER: usize = 8 + 4 + 4 + 8;

/// Where in the journal a snapshot stands, and what it was made under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The last journal event the state includes (`None`: empty journal).
    pub last_seq: Option<u64>,
    /// How many events the journal held then.
    pub events: u64,
    /// [`fingerprint`] of the settings and binary that made it.
    pub fingerprint: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: not a snapshot of this bot (bad magic word)")]
    Magic { file: String },
    #[error("{file}: format version {found}, this bot writes {VERSION}")]
    Version { file: String, found: u32 },
    #[error("{file}: checksum or length mismatch (truncated or corrupt)")]
    Checksum { file: String },
    #[error("{file}: unreadable state: {reason}")]
    Decode { file: String, reason: String },
    #[error("{file}: made under other settings or another build of the bot")]
    Settings { file: String },
    #[error("{file}: points at journal entry {seq}, which the journal does not hold")]
    Ahead { file: String, seq: u64 },
    #[error("snapshot: cannot encode the state: {0}")]
    Encode(String),
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// What the state depends on besides the journal: the settings that shape
/// the engine (and the files they name) and the binary itself (its size
/// and modification time: a new build may read messages differently).
pub fn fingerprint(config: &Config) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for part in [
        serde_json::to_vec(&config.organisation),
        serde_json::to_vec(&config.groups),
        serde_json::to_vec(&config.conflicts),
        serde_json::to_vec(&config.dedup),
    ] {
        h.update(&part.unwrap_or_default());
    }
    for file in [&config.dedup.rules, &config.organisation.holidays]
        .into_iter()
        .flatten()
    {
        h.update(&std::fs::read(file).unwrap_or_default());
    }
    if let Some(m) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        h.update(&m.len().to_le_bytes());
        if let Ok(t) = m.modified()
            && let Ok(d) = t.duration_since(std::time::UNIX_EPOCH)
        {
            h.update(&d.as_nanos().to_le_bytes());
        }
    }
    h.finalize()
}

/// The snapshot file's bytes for `engine` at `pos`.
pub fn encode(pos: &Position, engine: &Engine) -> Result<Vec<u8>, SnapshotError> {
    let body = bincode::serialize(&(pos, engine.state()))
        .map_err(|e| SnapshotError::Encode(e.to_string()))?;
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// Check and decode a snapshot file's bytes.
pub fn decode(file: &str, bytes: &[u8]) -> Result<(Position, State), SnapshotError> {
    let file = file.to_string();
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(SnapshotError::Magic { file });
    }
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let found = word(8);
    if found != VERSION {
        return Err(SnapshotError::Version { file, found });
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[16..24]);
    let body = &bytes[HEADER..];
    if u64::from_le_bytes(len) != body.len() as u64 || crc32fast::hash(body) != word(12) {
        return Err(SnapshotError::Checksum { file });
    }
    bincode::deserialize(body).map_err(|e| SnapshotError::Decode {
        file,
        reason: e.to_string(),
    })
}

/// Write `bytes` as the snapshot in `dir`, atomically: a reader sees the
/// old file or the new one, never part of one.
pub fn write(dir: &Path, bytes: &[u8]) -> Result<(), SnapshotError> {
    let target = path(dir);
    let tmp = dir.join(format!("{FILE}.tmp"));
    let io = |source| SnapshotError::Io {
        file: tmp.display().to_string(),
        source,
    };
    {
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, &target).map_err(io)?;
    // The rename itself durable too.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Remove the snapshot (it holds data just deleted from the journal).
pub fn remove(dir: &Path) -> Result<(), SnapshotError> {
    match std::fs::remove_file(path(dir)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(SnapshotError::Io {
            file: path(dir).display().to_string(),
            source,
        }),
    }
}

/// The snapshot in `dir` if there is a usable one: `Ok(None)` when there is
/// none, an error (to be logged, then ignored) when it cannot be used.
pub fn load(
    dir: &Path,
    fingerprint: u32,
    journal: &Journal,
) -> Result<Option<(Position, State)>, SnapshotError> {
    let p = path(dir);
    let file = p.display().to_string();
    let bytes = match std::fs::read(&p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SnapshotError::Io { file, source }),
    };
    let (pos, state) = decode(&file, &bytes)?;
    if pos.fingerprint != fingerprint {
        return Err(SnapshotError::Settings { file });
    }
    if let Some(seq) = pos.last_seq {
        let held = journal
            .contains_seq(seq)
            .map_err(|e| SnapshotError::Decode {
                file: file.clone(),
                reason: e.to_string(),
            })?;
        if !held {
            return Err(SnapshotError::Ahead { file, seq });
        }
    }
    Ok(Some((pos, state)))
}

/// An engine, how many journal events it stands for, and the events to
/// feed it after those.
pub type Start = (Engine, u64, Vec<(u64, Event)>);

/// The engine to start from: the snapshot's state and the journal's tail
/// after it, or (no usable snapshot) an empty engine and the whole journal.
/// Also how many journal events the snapshot stands for.
pub fn start(
    dir: &Path,
    config: &Config,
    settings: Settings,
    journal: &Journal,
) -> Result<Start, StoreError> {
    match load(dir, fingerprint(config), journal) {
        Ok(Some((pos, state))) => {
            let tail = journal.events_after(pos.last_seq)?;
            tracing::info!(
                events = pos.events,
                tail = tail.len(),
                "engine read from {}; replaying the journal's tail",
                path(dir).display()
            );
            Ok((Engine::from_state(settings, state), pos.events, tail))
        }
        Ok(None) => Ok((Engine::new(settings), 0, journal.events_after(None)?)),
        Err(e) => {
            tracing::warn!("snapshot ignored, rebuilding from the whole journal: {e}");
            Ok((Engine::new(settings), 0, journal.events_after(None)?))
        }
    }
}

/// Write a snapshot of the engine now, unless the journal has not moved
/// since `since` (the last entry of the previous one). Returns the journal
/// entry it stands for. The caller holds [`Shared::maintenance`].
pub fn write_now(shared: &Shared, since: Option<u64>) -> Result<Option<u64>, SnapshotError> {
    let fp = fingerprint(&shared.config());
    let journal_err = |e: crate::journal::JournalError| SnapshotError::Encode(e.to_string());
    let encoded = shared.with_quiet_engine(|engine| {
        let last_seq = shared.journal.last_seq().map_err(journal_err)?;
        if since.is_some() && last_seq == since {
            return Ok(None);
        }
        let pos = Position {
            last_seq,
            events: shared.journal_len(),
            fingerprint: fp,
        };
        encode(&pos, engine).map(|b| Some((last_seq, b)))
    })?;
    let Some((last_seq, bytes)) = encoded else {
        return Ok(since);
    };
    write(shared.dir(), &bytes)?;
    tracing::debug!(bytes = bytes.len(), "engine snapshot written");
    Ok(last_seq)
}

/// [`write_now`], taking the maintenance lock.
pub fn take(shared: &Shared, since: Option<u64>) -> Result<Option<u64>, SnapshotError> {
    let _m = shared.maintenance();
    write_now(shared, since)
}

const DAY: std::time::Duration = std::time::Duration::from_secs(86_400);

/// The maintenance loop: a snapshot every `bot.snapshot_every_secs` when
/// the journal has moved (the first a minute after start-up, so that a bot
/// restarting often does not replay the whole journal each time), and
/// retention's compaction once a day (the first a period after start-up).
pub async fn maintain(
    shared: std::sync::Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let secs = shared.config().bot.snapshot_every_secs;
    let every = match secs {
        0 => DAY,
        s => std::time::Duration::from_secs(s).min(DAY),
    };
    let mut since = None;
    let started = std::time::Instant::now();
    let mut compacted: Option<std::time::Instant> = None;
    let mut wait = every.min(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|v| *v) => return,
        }
        wait = every;
        let compact = started.elapsed() >= every && compacted.is_none_or(|t| t.elapsed() >= DAY);
        let sh = shared.clone();
        let done = tokio::task::spawn_blocking(move || {
            if compact && let Err(e) = super::retention::compact(&sh) {
                tracing::error!("retention: compaction failed: {e}");
            }
            if secs > 0 {
                take(&sh, since)
            } else {
                Ok(since)
            }
        })
        .await;
        if compact {
            compacted = Some(std::time::Instant::now());
        }
        match done {
            Ok(Ok(s)) => since = s,
            Ok(Err(e)) => tracing::error!("engine snapshot failed: {e}"),
            Err(e) => tracing::error!("engine snapshot failed: {e}"),
        }
    }
}
