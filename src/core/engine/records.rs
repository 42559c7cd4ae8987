//! The data the engine keeps and returns: people, groups, messages, tasks
//! and why they were merged, what a message reads as, what is decided about
//! it, and the warnings it causes. Plain data, used by every other part of
//! the engine; it uses none of them.

use crate::core::event::Mention;
use crate::core::extract;
use crate::core::matcher::{self, Signature};
use crate::model::{Assignees, ChatId, Deadline, MsgRef, UserId};
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub username: Option<String>,
    /// The name folded and the username lower-cased, once, for extraction.
    pub folded_name: String,
    pub folded_username: Option<String>,
}

impl Person {
    /// The folded forms a text may name them by (full name, first name,
    /// username): removed from match terms, since they say who is asked.
    pub fn name_words(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for w in std::iter::once(self.name.as_str())
            .chain(self.name.split_whitespace())
            .chain(self.username.as_deref())
        {
            let w = crate::core::normalize::fold(w);
            if w.chars().count() >= 2 && !out.contains(&w) {
                out.push(w);
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: ChatId,
    pub title: String,
    pub owner: Option<UserId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub src: MsgRef,
    pub sender: UserId,
    pub sent: NaiveDateTime,
    /// Shared with the task made of it.
    pub text: Arc<str>,
    pub reply_to: Option<i64>,
    #[serde(with = "super::state::exact::mentions")]
    pub mentions: Box<[Mention]>,
}

/// A candidate weighed for a new task, kept for `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub to: MsgRef,
    pub score: f32,
}

/// Why a task joined the cluster it is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub to: MsgRef,
    pub score: f64,
    pub reasons: Vec<matcher::Reason>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub src: MsgRef,
    pub sender: UserId,
    pub sent: NaiveDateTime,
    pub text: Arc<str>,
    #[serde(with = "super::state::exact::deadline")]
    pub deadline: Option<Deadline>,
    #[serde(with = "super::state::exact::assignees")]
    pub assignees: Assignees,
    pub cluster: u64,
    /// The earlier task it was matched to, if any.
    pub link: Option<Link>,
    /// When not merged, the best candidate and why it fell short (a "maybe"
    /// when it reached that threshold), for `explain`. Boxed: a task is kept
    /// for every ask ever seen, and most merge or have no candidate.
    pub best_unmerged: Option<Box<Link>>,
    pub sig: Signature,
    pub task_score: i32,
    /// The best candidates weighed when it arrived, for `explain` (the best
    /// one's reasons are in `link` or `best_unmerged`).
    pub considered: Box<[Candidate]>,
}

impl Task {
    /// Is it still open at `now`? Undated tasks stay open for the pending window.
    pub fn is_pending_at(&self, now: NaiveDateTime, window_days: i64) -> bool {
        match self.deadline {
            Some(d) => d.is_pending_at(now),
            None => now < self.sent + Duration::days(window_days),
        }
    }
}

/// A stored message as read: what extraction made of it.
#[derive(Debug, Clone)]
pub struct Reading {
    pub src: MsgRef,
    /// When it was sent (or edited), local.
    pub at: NaiveDateTime,
    pub sender: UserId,
    /// When it was first sent, local.
    pub sent: NaiveDateTime,
    pub text: Arc<str>,
    pub reply_to: Option<i64>,
    pub ex: extract::Extraction,
}

/// What a read message is to the engine.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Not a request (an edit may have made a task none).
    NotTask,
    /// An edit of a known task: it keeps its cluster.
    Edited { deadline: Option<Deadline> },
    /// A new task: the earlier asks weighed (best first, the best with its
    /// reasons) and the cluster it joins, if the best reached the threshold.
    New {
        deadline: Option<Deadline>,
        considered: Vec<Link>,
        joins: Option<u64>,
        /// When the engine collects them: every candidate's signals.
        samples: Vec<(MsgRef, crate::core::dupmodel::Features)>,
    },
}

/// A scored pair, kept for fitting the duplicate model.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub new: MsgRef,
    pub old: MsgRef,
    pub x: crate::core::dupmodel::Features,
}

/// A message to a group's owner: the new task was already asked elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub to: UserId,
    pub task: MsgRef,
    pub duplicate_of: Vec<MsgRef>,
    pub score: f64,
    pub reasons: Vec<matcher::Reason>,
    /// Only "maybe related": asked as a question, never merged.
    pub maybe: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Warning(Warning),
}
