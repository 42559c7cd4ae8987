//! The registry of people who started the bot: paused or not, their own
//! digest time and language, and whether Telegram lets us reach them.
//!
//! Kept in its own sled tree beside the journal (the journal holds what
//! happened in the groups; this holds what people asked of the bot). Changes
//! are written by the intake before an update is acknowledged, and made
//! durable by the same flush.

use crate::model::{Lang, UserId};
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::RwLock;

/// One person's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// When they (last) sent /start.
    pub started: DateTime<Utc>,
    /// /stop: no digests or warnings until the next /start.
    #[serde(default)]
    pub paused: bool,
    /// Their own digest time; the organisation's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_time: Option<NaiveTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// Why Telegram refused the last message (blocked, deactivated…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
    /// The deep-link payload they came with (`?start=…`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl Registration {
    /// Can the bot write to them now?
    pub fn is_active(&self) -> bool {
        !self.paused && self.unreachable.is_none()
    }
}

/// A change to the registry, decided by the intake from an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Start {
        user: UserId,
        at: DateTime<Utc>,
        via: Option<String>,
    },
    Stop {
        user: UserId,
    },
    DigestTime {
        user: UserId,
        time: NaiveTime,
    },
    Lang {
        user: UserId,
        lang: Lang,
    },
    Unreachable {
        user: UserId,
        reason: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("people store: {0}")]
    Store(#[from] sled::Error),
    #[error("people store: entry for {user} is unreadable: {reason}")]
    Corrupt { user: i64, reason: String },
}

/// The registry: a sled tree with an in-memory copy for quick reads.
pub struct People {
    tree: sled::Tree,
    cache: RwLock<BTreeMap<UserId, Registration>>,
}

impl People {
    pub fn open(db: &sled::Db) -> Result<People, PeopleError> {
        let tree = db.open_tree("people")?;
        let mut cache = BTreeMap::new();
        for kv in tree.iter() {
            let (k, v) = kv?;
            let user = k
                .as_ref()
                .try_into()
                .map(i64::from_be_bytes)
                .unwrap_or_default();
            let reg: Registration =
                serde_json::from_slice(&v).map_err(|e| PeopleError::Corrupt {
                    user,
                    reason: e.to_string(),
                })?;
            cache.insert(UserId(user), reg);
        }
        Ok(People {
            tree,
            cache: RwLock::new(cache),
        })
    }

    /// Remove a registration and the person's own settings (`/forget`).
    /// Not yet durable: flush the database afterwards.
    pub fn forget(&self, user: UserId) -> Result<(), PeopleError> {
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        self.tree.remove(user.0.to_be_bytes())?;
        cache.remove(&user);
        Ok(())
    }

    pub fn get(&self, user: UserId) -> Option<Registration> {
        self.read().get(&user).cloned()
    }

    /// Everyone registered, in id order.
    pub fn all(&self) -> Vec<(UserId, Registration)> {
        self.read().iter().map(|(u, r)| (*u, r.clone())).collect()
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Is this person registered, not paused and reachable?
    pub fn is_active(&self, user: UserId) -> bool {
        self.read().get(&user).is_some_and(Registration::is_active)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<UserId, Registration>> {
        self.cache.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Apply a change (not yet flushed: the caller flushes the database).
    /// Returns false when the change needs a registration that is missing.
    pub fn apply(&self, change: &Change) -> Result<bool, PeopleError> {
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        let (user, next) = match change {
            Change::Start { user, at, via } => {
                let mut reg = cache.get(user).cloned().unwrap_or(Registration {
                    started: *at,
                    paused: false,
                    digest_time: None,
                    lang: None,
                    unreachable: None,
                    via: None,
                });
                reg.started = *at;
                reg.paused = false;
                reg.unreachable = None;
                if via.is_some() {
                    reg.via = via.clone();
                }
                (*user, reg)
            }
            Change::Stop { user } => {
                let Some(mut reg) = cache.get(user).cloned() else {
                    return Ok(false);
                };
                reg.paused = true;
                (*user, reg)
            }
            Change::DigestTime { user, time } => {
                let Some(mut reg) = cache.get(user).cloned() else {
                    return Ok(false);
                };
                reg.digest_time = Some(*time);
                (*user, reg)
            }
            Change::Lang { user, lang } => {
                let Some(mut reg) = cache.get(user).cloned() else {
                    return Ok(false);
                };
                reg.lang = Some(*lang);
                (*user, reg)
            }
            Change::Unreachable { user, reason } => {
                let Some(mut reg) = cache.get(user).cloned() else {
                    return Ok(false);
                };
                reg.unreachable = Some(reason.clone());
                (*user, reg)
            }
        };
        // Serialising our own struct cannot fail.
        let body = serde_json::to_vec(&next).unwrap_or_default();
        self.tree.insert(user.0.to_be_bytes(), body)?;
        cache.insert(user, next);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test date")
            .with_timezone(&Utc)
    }

    #[test]
    fn start_stop_settings_and_unreachable_survive_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let db = sled::open(dir.path()).expect("db");
            let p = People::open(&db).expect("people");
            let u = UserId(7);
            assert!(!p.apply(&Change::Stop { user: u }).expect("stop"));
            assert!(
                p.apply(&Change::Start {
                    user: u,
                    at: at("2024-03-04T01:00:00Z"),
                    via: Some("g-100".into()),
                })
                .expect("start")
            );
            p.apply(&Change::DigestTime {
                user: u,
                time: NaiveTime::from_hms_opt(8, 15, 0).expect("time"),
            })
            .expect("time");
            p.apply(&Change::Lang {
                user: u,
                lang: Lang::En,
            })
            .expect("lang");
            p.apply(&Change::Unreachable {
                user: u,
                reason: "blocked".into(),
            })
            .expect("unreachable");
            assert!(!p.is_active(u));
            db.flush().expect("flush");
        }
        let db = sled::open(dir.path()).expect("db");
        let p = People::open(&db).expect("people");
        let r = p.get(UserId(7)).expect("registered");
        assert_eq!(r.lang, Some(Lang::En));
        assert_eq!(r.unreachable.as_deref(), Some("blocked"));
        // A new /start makes them reachable again and keeps their settings.
        p.apply(&Change::Start {
            user: UserId(7),
            at: at("2024-03-05T01:00:00Z"),
            via: None,
        })
        .expect("restart");
        let r = p.get(UserId(7)).expect("registered");
        assert!(r.is_active());
        assert_eq!(r.via.as_deref(), Some("g-100"));
        assert_eq!(r.digest_time, NaiveTime::from_hms_opt(8, 15, 0));
    }
}
