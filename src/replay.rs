//! Replay: feed a recorded log through the core, producing digests at each
//! day's digest time exactly as the live bot would. One path for live and
//! replay: the bot's scheduler calls the same [`Replayer`].

use crate::core::digest::{self, Digest};
use crate::core::engine::{Effect, Engine, Settings, Warning};
use crate::event::Event;
use crate::model::{Assignees, ChatId, Deadline, MsgRef, UserId};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// Drives an [`Engine`] over events, emitting digests when the clock
/// (the events' own dates) passes each day's digest time.
pub struct Replayer {
    pub engine: Engine,
    next_digest: Option<NaiveDateTime>,
    pub warnings: Vec<Warning>,
    pub digests: Vec<Digest>,
}

impl Replayer {
    pub fn new(settings: Settings) -> Replayer {
        Replayer {
            engine: Engine::new(settings),
            next_digest: None,
            warnings: Vec::new(),
            digests: Vec::new(),
        }
    }

    /// Build every member's digest at `at`.
    fn digest_round(&mut self, at: NaiveDateTime) {
        for user in self.engine.all_members() {
            self.digests.push(digest::build(&self.engine, user, at));
        }
    }

    /// Emit the digest rounds due before `now` (`inclusive`: at `now` too).
    /// An event stamped exactly at the digest time is in that digest.
    fn advance_to(&mut self, now: NaiveDateTime, inclusive: bool) {
        let first = *self
            .next_digest
            .get_or_insert_with(|| now.date().and_time(self.engine.settings.digest_time));
        let mut next = first;
        while next < now || (inclusive && next == now) {
            self.digest_round(next);
            next += Duration::days(1);
        }
        self.next_digest = Some(next);
    }

    pub fn feed(&mut self, ev: &Event) {
        if let Some(d) = ev.date() {
            let local = self.engine.settings.local(d);
            self.advance_to(local, false);
        }
        for effect in self.engine.apply(ev) {
            match effect {
                Effect::Warning(w) => self.warnings.push(w),
            }
        }
    }

    /// Close the log: digests through the day after the last event.
    pub fn finish(&mut self) {
        if let Some(last) = self.engine.last_seen {
            let end = (last.date() + Duration::days(1)).and_time(self.engine.settings.digest_time);
            self.advance_to(end, true);
        }
    }
}

/// Replay a whole log.
pub fn run(events: &[Event], settings: Settings) -> Replayer {
    let mut r = Replayer::new(settings);
    for ev in events {
        r.feed(ev);
    }
    r.finish();
    r
}

// ---- the `replay --json` contract ----

#[derive(Debug, Serialize, PartialEq)]
pub struct Contract {
    pub tasks: Vec<TaskOut>,
    pub warnings: Vec<WarningOut>,
    pub digests: Vec<DigestOut>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct TaskOut {
    pub chat_id: ChatId,
    pub message_id: i64,
    pub deadline: Option<Deadline>,
    pub assignees: Assignees,
    pub cluster: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct WarningOut {
    pub to: UserId,
    pub chat_id: ChatId,
    pub message_id: i64,
    pub duplicate_of: Vec<MsgRef>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct DigestOut {
    pub user_id: UserId,
    pub at: String,
    pub items: Vec<ItemOut>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ItemOut {
    pub cluster: String,
    pub deadline: Option<Deadline>,
    pub conflict: bool,
    pub sources: Vec<MsgRef>,
}

pub fn cluster_name(c: u64) -> String {
    format!("c{c}")
}

impl Contract {
    pub fn from_run(r: &Replayer) -> Contract {
        let mut tasks: Vec<_> = r.engine.tasks.values().collect();
        tasks.sort_by_key(|t| (t.sent, t.src));
        Contract {
            tasks: tasks
                .into_iter()
                .map(|t| TaskOut {
                    chat_id: t.src.chat_id,
                    message_id: t.src.message_id,
                    deadline: t.deadline,
                    assignees: t.assignees.clone(),
                    cluster: cluster_name(t.cluster),
                })
                .collect(),
            warnings: r
                .warnings
                .iter()
                .filter(|w| !w.maybe)
                .map(|w| WarningOut {
                    to: w.to,
                    chat_id: w.task.chat_id,
                    message_id: w.task.message_id,
                    duplicate_of: w.duplicate_of.clone(),
                })
                .collect(),
            digests: r
                .digests
                .iter()
                .map(|d| DigestOut {
                    user_id: d.user,
                    at: d.at.format("%Y-%m-%dT%H:%M").to_string(),
                    items: d
                        .items
                        .iter()
                        .map(|i| ItemOut {
                            cluster: cluster_name(i.cluster),
                            deadline: i.deadline,
                            conflict: i.conflict,
                            sources: i.sources.iter().map(|s| s.msg).collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
