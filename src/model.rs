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

/// How the organisation writes a numeric date of two parts (`6/3`, `20/05`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: `20/05` is 20 May (Europe, Australia, India, most of the world).
    Dmy,
    /// Month first: `5/20` is 20 May (United States, the Philippines).
    Mdy,
    /// Year first, so two parts are month/day: `6/3` is 3 June (China, Taiwan, Japan, Korea).
    Ymd,
}

/// Zones whose organisations write month first.
const MDY_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "America/Detroit",
    "America/Boise",
    "America/Juneau",
    "America/Adak",
    "America/Nome",
    "America/Sitka",
    "America/Yakutat",
    "America/Metlakatla",
    "America/Menominee",
    "America/Indiana/",
    "America/Kentucky/",
    "America/North_Dakota/",
    "America/Puerto_Rico",
    "Pacific/Honolulu",
    "Pacific/Guam",
    "Asia/Manila",
    "US/",
];

/// Zones whose organisations write year first.
const YMD_ZONES: &[&str] = &[
    "Asia/Shanghai",
    "Asia/Chongqing",
    "Asia/Harbin",
    "Asia/Urumqi",
    "Asia/Taipei",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Pyongyang",
    "PRC",
    "ROC",
];

impl DateOrder {
    /// The usual order in a zone's country: month first in the United
    /// States, year first in East Asia, day first elsewhere (Canada and
    /// Latin America included: Canada mixes both, day first is the safer
    /// reading of a day above 12 either way).
    pub fn for_zone(zone: &str) -> DateOrder {
        if MDY_ZONES.iter().any(|z| zone.starts_with(z)) {
            DateOrder::Mdy
        } else if YMD_ZONES.iter().any(|z| zone.starts_with(z)) {
            DateOrder::Ymd
        } else {
            DateOrder::Dmy
        }
    }
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
