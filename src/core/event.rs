//! The events the engine is fed: the project's journal format
//! (`../shared/corpus/FORMAT.md`), as data. Reading and checking a log file
//! is the shell's (`crate::event`).
//!
//! Unknown fields (notably `label`) are ignored on purpose: labeled scenarios
//! can be replayed as they are, and the pipeline provably never reads labels.

use crate::model::{ChatId, Lang, MsgRef, UserId};
use chrono::{DateTime, FixedOffset, NaiveTime};
use serde::{Deserialize, Serialize};

/// One `mention` / `text_mention` entity. Offsets are UTF-16 code units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Present for `text_mention`; a plain `@username` mention may lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    pub offset: usize,
    pub length: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Scenario {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default)]
        lang: Lang,
        tz: String,
        #[serde(with = "hhmm")]
        workday_end: NaiveTime,
    },
    Person {
        user_id: UserId,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
    },
    Group {
        chat_id: ChatId,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner_id: Option<UserId>,
    },
    Member {
        chat_id: ChatId,
        user_id: UserId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        date: Option<DateTime<FixedOffset>>,
    },
    MemberLeft {
        chat_id: ChatId,
        user_id: UserId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        date: Option<DateTime<FixedOffset>>,
    },
    Message {
        chat_id: ChatId,
        message_id: i64,
        sender_id: UserId,
        date: DateTime<FixedOffset>,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to_message_id: Option<i64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentions: Vec<Mention>,
    },
    Edit {
        chat_id: ChatId,
        message_id: i64,
        date: DateTime<FixedOffset>,
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentions: Vec<Mention>,
    },
    /// A person's verdict on a pair of asks ("not a duplicate" / "same task"),
    /// from a warning's buttons or an admin's /notdup. Honoured at once.
    Feedback {
        task: MsgRef,
        other: MsgRef,
        same: bool,
        by: UserId,
        date: DateTime<FixedOffset>,
    },
    /// A person marked a digest item done: it leaves their later digests.
    /// `task` is any source message of the item.
    Done {
        user_id: UserId,
        task: MsgRef,
        date: DateTime<FixedOffset>,
    },
    /// A person handed one reply in to the groups of a merged digest item
    /// (issue 14): `groups` got it, `messages` of theirs each. The item is
    /// done for them from then on, as with [`Event::Done`].
    HandIn {
        user_id: UserId,
        task: MsgRef,
        groups: Vec<ChatId>,
        messages: usize,
        date: DateTime<FixedOffset>,
    },
}

impl Event {
    /// When the event happened, where it says.
    pub fn date(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            Event::Message { date, .. }
            | Event::Edit { date, .. }
            | Event::Feedback { date, .. }
            | Event::Done { date, .. }
            | Event::HandIn { date, .. } => Some(*date),
            Event::Member { date, .. } | Event::MemberLeft { date, .. } => *date,
            _ => None,
        }
    }

    /// The message this event is about, for messages and edits.
    pub fn msg_ref(&self) -> Option<MsgRef> {
        match self {
            Event::Message {
                chat_id,
                message_id,
                ..
            }
            | Event::Edit {
                chat_id,
                message_id,
                ..
            } => Some(MsgRef {
                chat_id: *chat_id,
                message_id: *message_id,
            }),
            _ => None,
        }
    }

    /// The key under which the journal stores this event exactly once.
    /// A message is identified by its chat and id (a redelivery is the same
    /// message); every other event by its full content.
    pub fn identity(&self) -> Vec<u8> {
        match self {
            Event::Message {
                chat_id,
                message_id,
                ..
            } => format!("msg/{}/{}", chat_id.0, message_id).into_bytes(),
            other => {
                let mut k = b"ev/".to_vec();
                // Serialising our own enum cannot fail.
                k.extend(serde_json::to_vec(other).unwrap_or_default());
                k
            }
        }
    }
}

mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M")
            .map_err(|_| serde::de::Error::custom(format!("`{s}` is not a HH:MM clock time")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_identity_ignores_content_so_redelivery_dedups() {
        let a: Event = serde_json::from_str(r#"{"type":"message","chat_id":-1,"message_id":2,"sender_id":3,"date":"2024-03-04T09:00:00+08:00","text":"a"}"#).expect("a");
        let b: Event = serde_json::from_str(r#"{"type":"message","chat_id":-1,"message_id":2,"sender_id":3,"date":"2024-03-04T09:00:00+08:00","text":"b"}"#).expect("b");
        assert_eq!(a.identity(), b.identity());
    }
}
