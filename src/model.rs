//! Domain types shared by the core and the shell.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Telegram chat id (groups and supergroups are negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChatId(pub i64);

/// A Telegram user id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// One message in one chat: the unit every task, source and warning points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MsgRef {
    pub chat_id: ChatId,
    pub message_id: i64,
}

impl fmt::Display for ChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for MsgRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.chat_id, self.message_id)
    }
}

/// The organisation's language: decides digest wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A deadline in organisation-local time, at the precision the text gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Deadline {
    /// A clock time was given (or a part of day the text pins down).
    Minute(NaiveDateTime),
    /// Only a day was given: due by the end of that day.
    Day(NaiveDate),
}

impl Deadline {
    /// The first moment at which the task is overdue.
    pub fn expires_at(&self) -> NaiveDateTime {
        match *self {
            Deadline::Minute(t) => t,
            Deadline::Day(d) => d.succ_opt().unwrap_or(d).and_time(NaiveTime::MIN),
        }
    }

    /// Ordering key: a day deadline sorts after every clock time of that day.
    pub fn sort_key(&self) -> NaiveDateTime {
        match *self {
            Deadline::Minute(t) => t,
            Deadline::Day(d) => d
                .and_hms_opt(23, 59, 59)
                .unwrap_or(d.and_time(NaiveTime::MIN)),
        }
    }

    pub fn date(&self) -> NaiveDate {
        match *self {
            Deadline::Minute(t) => t.date(),
            Deadline::Day(d) => d,
        }
    }

    /// Is the task still open at `now`?
    pub fn is_pending_at(&self, now: NaiveDateTime) -> bool {
        now < self.expires_at()
    }

    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD`, the contract and label format.
    pub fn to_label(&self) -> String {
        match self {
            Deadline::Minute(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
            Deadline::Day(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Parse the label format back (used by `eval`).
    pub fn parse_label(s: &str) -> Option<Deadline> {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M") {
            return Some(Deadline::Minute(t));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(Deadline::Day)
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_label())
    }
}

impl Serialize for Deadline {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_label())
    }
}

/// Who a task is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignees {
    /// Everyone in the group but the sender.
    Group,
    /// Named or mentioned people.
    People(Vec<UserId>),
}

impl Serialize for Assignees {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Assignees::Group => s.serialize_str("group"),
            Assignees::People(p) => p.serialize(s),
        }
    }
}
