//! The journal: an append-only, idempotent event store in sled.
//!
//! Every event gets the next sequence number in `events`; its identity goes
//! into `ids` in the same transaction, so the same message twice is stored
//! once, even across restarts. Derived state is never stored here: it is
//! rebuilt by replaying `events` through the core.

use crate::event::Event;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal store: {0}")]
    Store(#[from] sled::Error),
    #[error("journal entry {seq} is unreadable: {reason}")]
    Corrupt { seq: u64, reason: String },
}

pub struct Journal {
    db: sled::Db,
    events: sled::Tree,
    ids: sled::Tree,
}

/// What happened to one appended event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    New(u64),
    Duplicate,
}

impl Journal {
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        Journal::open_with_cache(path, None)
    }

    /// [`Journal::open`] with sled's page cache bounded to `cache_bytes`
    /// (sled's default, 1 GiB, when `None`).
    pub fn open_with_cache(path: &Path, cache_bytes: Option<u64>) -> Result<Journal, JournalError> {
        let mut config = sled::Config::new().path(path);
        if let Some(b) = cache_bytes {
            config = config.cache_capacity(b);
        }
        // sled releases its file lock from a background thread after the
        // previous handle is dropped: a quick restart may wait a moment.
        let mut tries = 0;
        loop {
            match config.open() {
                Ok(db) => return Journal::from_db(db),
                Err(sled::Error::Io(e))
                    if e.kind() == std::io::ErrorKind::Other
                        && tries < 100
                        && e.to_string().contains("lock") =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// A journal that lives only as long as the process (demo, tests).
    pub fn temporary() -> Result<Journal, JournalError> {
        let db = sled::Config::new().temporary(true).open()?;
        Journal::from_db(db)
    }

    fn from_db(db: sled::Db) -> Result<Journal, JournalError> {
        let events = db.open_tree("events")?;
        let ids = db.open_tree("ids")?;
        Ok(Journal { db, events, ids })
    }

    /// Append one event unless the journal already holds it. Not yet
    /// durable: call [`Journal::flush`] before acknowledging.
    pub fn append(&self, ev: &Event) -> Result<Appended, JournalError> {
        let id = ev.identity();
        let body = serde_json::to_vec(ev).map_err(|e| JournalError::Corrupt {
            seq: 0,
            reason: e.to_string(),
        })?;
        let seq = self.db.generate_id()?;
        let res = (&self.events, &self.ids).transaction(|(events, ids)| {
            if ids.get(&id)?.is_some() {
                return Ok(Appended::Duplicate);
            }
            ids.insert(id.as_slice(), &seq.to_be_bytes())?;
            events.insert(&seq.to_be_bytes(), body.as_slice())?;
            Ok::<_, ConflictableTransactionError<()>>(Appended::New(seq))
        });
        match res {
            Ok(a) => Ok(a),
            Err(TransactionError::Storage(e)) => Err(e.into()),
            Err(TransactionError::Abort(())) => Ok(Appended::Duplicate),
        }
    }

    /// Append a batch, then make it durable.
    pub fn append_all(&self, evs: &[Event]) -> Result<usize, JournalError> {
        let mut new = 0;
        for ev in evs {
            if let Appended::New(_) = self.append(ev)? {
                new += 1;
            }
        }
        self.flush()?;
        Ok(new)
    }

    /// Block until everything appended so far is on disk.
    pub fn flush(&self) -> Result<(), JournalError> {
        self.db.flush()?;
        Ok(())
    }

    /// The underlying store, for the live bot's own trees (outbox, people)
    /// kept beside the journal so that one flush makes all of them durable.
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Every event, in the order it was journaled.
    pub fn events(&self) -> Result<Vec<Event>, JournalError> {
        Ok(self
            .events_after(None)?
            .into_iter()
            .map(|(_, e)| e)
            .collect())
    }

    /// The events journaled after sequence number `after` (all when `None`),
    /// in order, with their sequence numbers.
    pub fn events_after(&self, after: Option<u64>) -> Result<Vec<(u64, Event)>, JournalError> {
        let range = match after {
            Some(s) => self.events.range((
                std::ops::Bound::Excluded(s.to_be_bytes()),
                std::ops::Bound::Unbounded,
            )),
            None => self.events.iter(),
        };
        let mut out = Vec::new();
        for kv in range {
            let (k, v) = kv?;
            let seq = seq_of(&k);
            let ev = serde_json::from_slice(&v).map_err(|e| JournalError::Corrupt {
                seq,
                reason: e.to_string(),
            })?;
            out.push((seq, ev));
        }
        Ok(out)
    }

    /// The sequence number of the last event journaled.
    pub fn last_seq(&self) -> Result<Option<u64>, JournalError> {
        Ok(self.events.last()?.map(|(k, _)| seq_of(&k)))
    }

    /// Does the journal hold an event under `seq`?
    pub fn contains_seq(&self, seq: u64) -> Result<bool, JournalError> {
        Ok(self.events.contains_key(seq.to_be_bytes())?)
    }

    /// Remove events for good (retention, `/forget`), with the identities
    /// that kept them unique. Not yet durable: flush afterwards.
    pub fn remove(&self, doomed: &[(u64, Event)]) -> Result<(), JournalError> {
        for chunk in doomed.chunks(1_000) {
            let mut events = sled::Batch::default();
            let mut ids = sled::Batch::default();
            for (seq, ev) in chunk {
                events.remove(&seq.to_be_bytes());
                ids.remove(ev.identity());
            }
            (&self.events, &self.ids)
                .transaction(|(e, i)| {
                    e.apply_batch(&events)?;
                    i.apply_batch(&ids)?;
                    Ok::<_, ConflictableTransactionError<()>>(())
                })
                .map_err(|e| match e {
                    TransactionError::Storage(e) => JournalError::Store(e),
                    TransactionError::Abort(()) => JournalError::Corrupt {
                        seq: 0,
                        reason: "removal aborted".into(),
                    },
                })?;
        }
        Ok(())
    }

    /// Every stored key and value of the journal's trees, for tests that
    /// look for what must not be there.
    pub fn raw(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.events
            .iter()
            .chain(self.ids.iter())
            .flatten()
            .map(|(k, v)| (k.to_vec(), v.to_vec()))
            .collect()
    }
}

fn seq_of(k: &[u8]) -> u64 {
    k.try_into().map(u64::from_be_bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: i64, text: &str) -> Event {
        serde_json::from_str(&format!(
            r#"{{"type":"message","chat_id":-5,"message_id":{id},"sender_id":1,"date":"2024-03-04T09:00:00+08:00","text":"{text}"}}"#
        ))
        .expect("valid event")
    }

    #[test]
    fn same_message_twice_is_stored_once_and_survives_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let j = Journal::open(dir.path()).expect("open");
            assert!(matches!(
                j.append(&msg(1, "a")).expect("append"),
                Appended::New(_)
            ));
            assert_eq!(j.append(&msg(1, "a")).expect("append"), Appended::Duplicate);
            assert!(matches!(
                j.append(&msg(2, "b")).expect("append"),
                Appended::New(_)
            ));
            j.flush().expect("flush");
        }
        let j = Journal::open(dir.path()).expect("reopen");
        assert_eq!(j.append(&msg(2, "b")).expect("append"), Appended::Duplicate);
        let evs = j.events().expect("events");
        assert_eq!(evs, vec![msg(1, "a"), msg(2, "b")]);
    }

    #[test]
    fn edits_are_distinct_events() {
        let j = Journal::temporary().expect("tmp");
        let e1: Event = serde_json::from_str(r#"{"type":"edit","chat_id":-5,"message_id":1,"date":"2024-03-04T09:00:00+08:00","text":"x"}"#).expect("e1");
        let e2: Event = serde_json::from_str(r#"{"type":"edit","chat_id":-5,"message_id":1,"date":"2024-03-04T09:05:00+08:00","text":"y"}"#).expect("e2");
        assert_eq!(j.append_all(&[e1.clone(), e2, e1]).expect("append"), 2);
        assert_eq!(j.len(), 2);
    }
}
