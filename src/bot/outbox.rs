//! The outbox: every message the bot sends, written with an idempotency key
//! before it is sent and marked after.
//!
//! Two sled trees beside the journal: `outbox` (idempotency key → the whole
//! message, all its parts, each part's delivery) and `outbox_queue` (a
//! sequence number → one part still to send, oldest first). A key is written
//! once: asking to send the same digest or warning again is a no-op, across
//! restarts too. A part stays queued until it is delivered or given up on,
//! so a restart resends exactly what was not marked (and so, at least once:
//! what Telegram accepted just before a crash is sent again).
//!
//! What a settled part said is not kept: its text and buttons are dropped
//! when it is marked. A record whose parts are all settled is kept, as the
//! key's guard, for the retention period ([`Outbox::prune`]), long enough
//! that the key cannot come up again (a digest's key names its day;
//! Telegram redelivers an update for at most a day).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::sync::atomic::{AtomicI64, Ordering};

/// One inline button: its label and its callback data (at most 64 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub data: String,
}

/// What a message is, for metrics and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Digest,
    Warning,
    Reply,
    /// A person's reply handed in to a group (issue 14): the heading line
    /// and the copies of their messages.
    HandIn,
}

/// Messages of a private chat copied into the record's chat
/// (`copyMessage` for one, `copyMessages` for an album), so photos and
/// files travel without a new upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copy {
    pub from_chat: i64,
    /// In increasing order, as `copyMessages` wants them.
    pub message_ids: Vec<i32>,
    /// An album's items by Telegram file id, one per message: sent again
    /// with `sendMediaGroup` (no upload either), which, unlike
    /// `copyMessages`, can answer the ask. Empty: copied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
}

/// One item of an album, by the file id Telegram gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub kind: MediaKind,
    pub file_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// What an album may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Photo,
    Video,
    Document,
    Audio,
}

/// One Telegram message of a logical message (digests may take several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// Telegram HTML.
    pub text: String,
    /// Rows of inline buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Vec<Button>>,
    /// Telegram's message id once delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<i32>,
    /// Why it was given up on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// Sent as a reply to this message of the record's chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<i32>,
    /// Copied from another chat instead of sent as `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<Copy>,
    /// Replaces the text and buttons of this message of the record's chat
    /// instead of sending a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<i32>,
}

impl Part {
    pub fn new(text: String, buttons: Vec<Vec<Button>>) -> Part {
        Part {
            text,
            buttons,
            sent: None,
            failed: None,
            reply_to: None,
            copy: None,
            edit: None,
        }
    }
}

/// A logical message under its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub chat: i64,
    pub kind: Kind,
    pub parts: Vec<Part>,
    pub created: DateTime<Utc>,
}

/// One part waiting to be sent, as the sender holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub seq: u64,
    pub key: String,
    pub part: usize,
    pub chat: i64,
    pub kind: Kind,
    pub text: String,
    pub buttons: Vec<Vec<Button>>,
    pub reply_to: Option<i32>,
    pub copy: Option<Copy>,
    pub edit: Option<i32>,
}

#[derive(Debug, Serialize, Deserialize)]
struct QueueEntry {
    key: String,
    part: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox store: {0}")]
    Store(#[from] sled::Error),
    #[error("outbox entry `{key}` is unreadable: {reason}")]
    Corrupt { key: String, reason: String },
}

pub struct Outbox {
    records: sled::Tree,
    queue: sled::Tree,
    db: sled::Db,
    depth: AtomicI64,
}

fn corrupt(key: &[u8], e: impl ToString) -> OutboxError {
    OutboxError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    }
}

impl Outbox {
    pub fn open(db: &sled::Db) -> Result<Outbox, OutboxError> {
        let records = db.open_tree("outbox")?;
        let queue = db.open_tree("outbox_queue")?;
        let depth = queue.len() as i64;
        Ok(Outbox {
            records,
            queue,
            db: db.clone(),
            depth: AtomicI64::new(depth),
        })
    }

    /// Remove every message to `chat`, sent or queued (`/forget`); how many.
    /// Not yet durable: flush the database afterwards.
    pub fn forget_chat(&self, chat: i64) -> Result<usize, OutboxError> {
        let mut keys = std::collections::BTreeSet::new();
        for kv in self.records.iter() {
            let (k, v) = kv?;
            let r: Record = serde_json::from_slice(&v).map_err(|e| corrupt(&k, e))?;
            if r.chat == chat {
                keys.insert(k.to_vec());
            }
        }
        for kv in self.queue.iter() {
            let (k, v) = kv?;
            if let Ok(e) = serde_json::from_slice::<QueueEntry>(&v)
                && keys.contains(e.key.as_bytes())
                && self.queue.remove(&k)?.is_some()
            {
                self.depth.fetch_sub(1, Ordering::Relaxed);
            }
        }
        for k in &keys {
            self.records.remove(k)?;
        }
        Ok(keys.len())
    }

    /// Parts waiting to be sent.
    pub fn depth(&self) -> usize {
        self.depth.load(Ordering::Relaxed).max(0) as usize
    }

    pub fn contains(&self, key: &str) -> Result<bool, OutboxError> {
        Ok(self.records.contains_key(key.as_bytes())?)
    }

    pub fn get(&self, key: &str) -> Result<Option<Record>, OutboxError> {
        match self.records.get(key.as_bytes())? {
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|e| corrupt(key.as_bytes(), e)),
            None => Ok(None),
        }
    }

    /// Write a message under `key` and queue its parts, unless the key is
    /// already there (then `None`: it was sent or is queued already). Not yet
    /// durable: flush the database before handing the parts to the sender.
    pub fn enqueue(&self, key: &str, record: Record) -> Result<Option<Vec<Queued>>, OutboxError> {
        if self.records.contains_key(key.as_bytes())? {
            return Ok(None);
        }
        let mut seqs = Vec::with_capacity(record.parts.len());
        for _ in &record.parts {
            seqs.push(self.db.generate_id()?);
        }
        let body = serde_json::to_vec(&record).map_err(|e| corrupt(key.as_bytes(), e))?;
        let entries: Vec<Vec<u8>> = (0..record.parts.len())
            .map(|part| {
                serde_json::to_vec(&QueueEntry {
                    key: key.to_string(),
                    part,
                })
                .unwrap_or_default()
            })
            .collect();
        let res = (&self.records, &self.queue).transaction(|(records, queue)| {
            if records.get(key.as_bytes())?.is_some() {
                return Ok(false);
            }
            records.insert(key.as_bytes(), body.as_slice())?;
            for (seq, e) in seqs.iter().zip(&entries) {
                queue.insert(&seq.to_be_bytes(), e.as_slice())?;
            }
            Ok::<_, ConflictableTransactionError<()>>(true)
        });
        match res {
            Ok(true) => {}
            Ok(false) | Err(TransactionError::Abort(())) => return Ok(None),
            Err(TransactionError::Storage(e)) => return Err(e.into()),
        }
        self.depth
            .fetch_add(record.parts.len() as i64, Ordering::Relaxed);
        Ok(Some(
            record
                .parts
                .into_iter()
                .enumerate()
                .zip(seqs)
                .map(|((part, p), seq)| Queued {
                    seq,
                    key: key.to_string(),
                    part,
                    chat: record.chat,
                    kind: record.kind,
                    text: p.text,
                    buttons: p.buttons,
                    reply_to: p.reply_to,
                    copy: p.copy,
                    edit: p.edit,
                })
                .collect(),
        ))
    }

    /// Every queued part, oldest first (the sender's start-up load).
    pub fn pending(&self) -> Result<Vec<Queued>, OutboxError> {
        let mut out = Vec::new();
        for kv in self.queue.iter() {
            let (k, v) = kv?;
            let seq = k
                .as_ref()
                .try_into()
                .map(u64::from_be_bytes)
                .unwrap_or_default();
            let e: QueueEntry = serde_json::from_slice(&v).map_err(|e| corrupt(&k, e))?;
            let Some(rec) = self.get(&e.key)? else {
                // A queue entry without its message cannot be sent: drop it.
                self.queue.remove(&k)?;
                continue;
            };
            let Some(p) = rec.parts.get(e.part) else {
                self.queue.remove(&k)?;
                continue;
            };
            out.push(Queued {
                seq,
                key: e.key.clone(),
                part: e.part,
                chat: rec.chat,
                kind: rec.kind,
                text: p.text.clone(),
                buttons: p.buttons.clone(),
                reply_to: p.reply_to,
                copy: p.copy.clone(),
                edit: p.edit,
            });
        }
        self.depth.store(out.len() as i64, Ordering::Relaxed);
        Ok(out)
    }

    /// Record the outcome of one part and take it off the queue, durably.
    fn settle(
        &self,
        q: &Queued,
        sent: Option<i32>,
        failed: Option<String>,
    ) -> Result<(), OutboxError> {
        let key = q.key.as_bytes();
        let res = (&self.records, &self.queue).transaction(|(records, queue)| {
            if let Some(v) = records.get(key)? {
                if let Ok(mut rec) = serde_json::from_slice::<Record>(&v) {
                    if let Some(p) = rec.parts.get_mut(q.part) {
                        p.sent = sent;
                        p.failed = failed.clone();
                        p.text = String::new();
                        p.buttons = Vec::new();
                        p.copy = None;
                    }
                    let body = serde_json::to_vec(&rec).unwrap_or_default();
                    records.insert(key, body)?;
                }
            }
            let removed = queue.remove(&q.seq.to_be_bytes())?;
            Ok::<_, ConflictableTransactionError<()>>(removed.is_some())
        });
        let removed = match res {
            Ok(removed) => removed,
            Err(TransactionError::Abort(())) => false,
            Err(TransactionError::Storage(e)) => return Err(e.into()),
        };
        self.db.flush()?;
        // Counted down once durable: a depth of 0 means nothing in flight
        // would be sent again after a crash.
        if removed {
            self.depth.fetch_sub(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// The part was delivered as Telegram message `message_id`.
    pub fn mark_sent(&self, q: &Queued, message_id: i32) -> Result<(), OutboxError> {
        self.settle(q, Some(message_id), None)
    }

    /// The part will never be delivered (the person blocked the bot, the
    /// text was refused…).
    pub fn mark_failed(&self, q: &Queued, reason: &str) -> Result<(), OutboxError> {
        self.settle(q, None, Some(reason.to_string()))
    }

    /// Remove every record created before `before` whose parts are all
    /// settled (sent or given up on); how many were removed. Not flushed: a
    /// record pruned again after a crash is no loss.
    pub fn prune(&self, before: DateTime<Utc>) -> Result<usize, OutboxError> {
        let mut n = 0;
        for kv in self.records.iter() {
            let (k, v) = kv?;
            let Ok(rec) = serde_json::from_slice::<Record>(&v) else {
                continue;
            };
            let settled = rec
                .parts
                .iter()
                .all(|p| p.sent.is_some() || p.failed.is_some());
            if settled && rec.created < before {
                // Only if unchanged since read.
                if self
                    .records
                    .compare_and_swap(&k, Some(&v), None as Option<&[u8]>)?
                    .is_ok()
                {
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// Whether every part under `key` is settled (sent or given up on);
    /// `None` when there is no such key.
    pub fn settled(&self, key: &str) -> Result<Option<bool>, OutboxError> {
        Ok(self.get(key)?.map(|r| {
            r.parts
                .iter()
                .all(|p| p.sent.is_some() || p.failed.is_some())
        }))
    }

    /// How many logical messages of each state exist (for tests and /status).
    pub fn delivered_parts(&self, key: &str) -> Result<usize, OutboxError> {
        Ok(self
            .get(key)?
            .map(|r| r.parts.iter().filter(|p| p.sent.is_some()).count())
            .unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(chat: i64, parts: usize) -> Record {
        Record {
            chat,
            kind: Kind::Digest,
            parts: (0..parts)
                .map(|i| Part::new(format!("part {i}"), vec![]))
                .collect(),
            created: DateTime::parse_from_rfc3339("2024-03-04T00:00:00Z")
                .expect("date")
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn a_key_is_queued_once_and_delivery_survives_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let db = sled::open(dir.path()).expect("db");
            let o = Outbox::open(&db).expect("outbox");
            let q = o
                .enqueue("digest:1:2024-03-04", rec(1, 2))
                .expect("enqueue");
            let q = q.expect("new key");
            assert_eq!(q.len(), 2);
            assert!(q[0].seq < q[1].seq);
            assert!(
                o.enqueue("digest:1:2024-03-04", rec(1, 2))
                    .expect("again")
                    .is_none()
            );
            assert_eq!(o.depth(), 2);
            o.mark_sent(&q[0], 55).expect("mark");
            assert_eq!(o.depth(), 1);
            db.flush().expect("flush");
        }
        let db = sled::open(dir.path()).expect("db");
        let o = Outbox::open(&db).expect("outbox");
        let pending = o.pending().expect("pending");
        assert_eq!(pending.len(), 1, "only the unsent part is resent");
        assert_eq!(pending[0].text, "part 1");
        assert_eq!(o.delivered_parts("digest:1:2024-03-04").expect("get"), 1);
        o.mark_failed(&pending[0], "blocked").expect("fail");
        assert_eq!(o.depth(), 0);
        assert!(
            o.enqueue("digest:1:2024-03-04", rec(1, 1))
                .expect("again")
                .is_none()
        );
    }

    #[test]
    fn settled_records_are_pruned_after_the_retention_and_their_text_is_not_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = sled::open(dir.path()).expect("db");
        let o = Outbox::open(&db).expect("outbox");
        let day = |d: u32| {
            DateTime::parse_from_rfc3339(&format!("2024-03-{d:02}T00:00:00Z"))
                .expect("date")
                .with_timezone(&Utc)
        };
        let at = |chat: i64, parts: usize, d: u32| Record {
            created: day(d),
            ..rec(chat, parts)
        };
        let sent = o.enqueue("old-sent", at(1, 1, 1)).expect("q").expect("new");
        o.mark_sent(&sent[0], 7).expect("mark");
        let failed = o
            .enqueue("old-failed", at(2, 1, 1))
            .expect("q")
            .expect("new");
        o.mark_failed(&failed[0], "blocked").expect("mark");
        let half = o.enqueue("old-half", at(3, 2, 1)).expect("q").expect("new");
        o.mark_sent(&half[0], 8).expect("mark");
        let new = o.enqueue("new-sent", at(4, 1, 9)).expect("q").expect("new");
        o.mark_sent(&new[0], 9).expect("mark");
        // Delivered: the status stays, the words go.
        let r = o.get("old-sent").expect("get").expect("kept");
        assert_eq!(r.parts[0].sent, Some(7));
        assert!(r.parts[0].text.is_empty());
        let r = o.get("old-half").expect("get").expect("kept");
        assert_eq!(r.parts[1].text, "part 1", "an unsent part keeps its text");

        assert_eq!(o.prune(day(8)).expect("prune"), 2);
        assert!(!o.contains("old-sent").expect("c"));
        assert!(!o.contains("old-failed").expect("c"));
        assert!(o.contains("old-half").expect("c"), "a part still queued");
        assert!(o.contains("new-sent").expect("c"), "within the retention");
        assert_eq!(o.pending().expect("pending").len(), 1);
        assert_eq!(o.prune(day(8)).expect("again"), 0);
    }
}
