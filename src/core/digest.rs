//! Digest building: what one person owes at one moment, merged by cluster,
//! soonest first. Pure: the engine's state and the moment in, data out.
//!
//! Only tasks from groups the reader is a member of at that moment are
//! considered, and an item lists every source the reader can see: merging
//! collapses how duplicates are shown, it never drops one.

use super::conflicts;
use super::engine::{Engine, Task};
use crate::model::{ChatId, Deadline, MsgRef, UserId};
use chrono::{Duration, NaiveDateTime};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub msg: MsgRef,
    pub chat_title: String,
    pub sender_name: String,
    pub sent: NaiveDateTime,
    pub deadline: Option<Deadline>,
    pub text: String,
    /// A `t.me/c/…` link for supergroups.
    pub link: Option<String>,
    /// Whether this ask is addressed to the reader.
    pub assigned: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub cluster: u64,
    /// The soonest open deadline among the asks addressed to the reader.
    pub deadline: Option<Deadline>,
    /// Distinct deadlines among the visible asks: more than one is a conflict.
    pub deadlines: Vec<Deadline>,
    pub conflict: bool,
    pub short_notice: bool,
    pub overdue: bool,
    pub pileup: bool,
    pub sources: Vec<Source>,
    /// How sure the merge is: the lowest link score inside the item (1.0 alone).
    pub confidence: f64,
    /// The work's short title, from the representative ask.
    pub title: String,
    /// Clusters the engine judged "maybe the same work" but did not merge.
    pub maybe_same: Vec<u64>,
}

impl Item {
    pub fn summary(&self) -> &str {
        self.sources
            .iter()
            .find(|s| s.assigned)
            .or(self.sources.first())
            .map(|s| s.text.as_str())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub user: UserId,
    pub at: NaiveDateTime,
    /// Open items, soonest first.
    pub items: Vec<Item>,
    /// Items whose deadline passed within the overdue window, apart.
    pub overdue: Vec<Item>,
    /// Index lists into `items` of deadlines that pile up.
    pub pileups: Vec<Vec<usize>>,
}

/// Where an item stands in the digest, in the order the sections are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// Due on the digest's day.
    Today,
    /// Due on a later day.
    Soon,
    /// No deadline given.
    Undated,
    /// Past its deadline, within the overdue window.
    Overdue,
}

/// One shown item: its number in the digest (from 1), its section, the item.
pub type Numbered<'a> = (usize, Section, &'a Item);

impl Digest {
    /// Every item in reading order (due today, later, undated, overdue),
    /// numbered from 1 across the sections.
    pub fn numbered(&self) -> Vec<Numbered<'_>> {
        let today = self.at.date();
        let open = self.items.iter().map(|i| {
            let sec = match i.deadline {
                Some(d) if d.date() <= today => Section::Today,
                Some(_) => Section::Soon,
                None => Section::Undated,
            };
            (sec, i)
        });
        let mut all: Vec<(Section, &Item)> = open
            .chain(self.overdue.iter().map(|i| (Section::Overdue, i)))
            .collect();
        // Stable: soonest first inside a section, as built.
        all.sort_by_key(|(sec, _)| *sec);
        all.into_iter()
            .enumerate()
            .map(|(n, (sec, i))| (n + 1, sec, i))
            .collect()
    }

    /// The number an item of `cluster` has in [`Digest::numbered`].
    pub fn number_of(&self, cluster: u64) -> Option<usize> {
        self.numbered()
            .into_iter()
            .find(|(_, _, i)| i.cluster == cluster)
            .map(|(n, _, _)| n)
    }
}

/// A `t.me/c/<id>/<msg>` link; only supergroups (ids -100…) have one.
pub fn message_link(msg: MsgRef) -> Option<String> {
    let id = msg.chat_id.0;
    (id <= -1_000_000_000_000).then(|| {
        format!(
            "https://t.me/c/{}/{}",
            -id - 1_000_000_000_000,
            msg.message_id
        )
    })
}

fn source(engine: &Engine, t: &Task, user: UserId) -> Source {
    Source {
        msg: t.src,
        chat_title: engine
            .groups
            .get(&t.src.chat_id)
            .map(|g| g.title.clone())
            .unwrap_or_else(|| t.src.chat_id.to_string()),
        sender_name: engine
            .people
            .get(&t.sender)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| t.sender.to_string()),
        sent: t.sent,
        deadline: t.deadline,
        text: t.text.to_string(),
        link: message_link(t.src),
        assigned: engine.is_assigned(t, user),
    }
}

/// The digest of `user` at `at`.
pub fn build(engine: &Engine, user: UserId, at: NaiveDateTime) -> Digest {
    let s = &engine.settings;
    let window = s.rules.undated_days;
    let overdue_for = Duration::days(s.overdue_days as i64);
    // Visible asks, by cluster: only from the reader's groups, only sent by now.
    let mut clusters: BTreeMap<u64, Vec<&Task>> = BTreeMap::new();
    // In chat order, so that each cluster lists its asks the same way every time.
    let mut chats: Vec<ChatId> = engine
        .members
        .iter()
        .filter(|(_, m)| m.contains(&user))
        .map(|(c, _)| *c)
        .collect();
    chats.sort_unstable();
    for chat in chats {
        for t in engine.chat_tasks(chat).filter(|t| t.sent <= at) {
            clusters.entry(t.cluster).or_default().push(t);
        }
    }
    let mut items = Vec::new();
    let mut overdue = Vec::new();
    for (cluster, mut tasks) in clusters {
        let mine: Vec<&&Task> = tasks
            .iter()
            .filter(|t| engine.is_assigned(t, user))
            .collect();
        // Marked done by the reader: gone from their later digests.
        if mine.is_empty() || tasks.iter().any(|t| engine.is_done(user, t.src)) {
            continue;
        }
        let pending: Vec<&&&Task> = mine
            .iter()
            .filter(|t| t.is_pending_at(at, window))
            .collect();
        let is_overdue = pending.is_empty();
        if is_overdue {
            // Apart for a while after the last deadline, then dropped.
            let last = mine
                .iter()
                .filter_map(|t| t.deadline)
                .map(|d| d.expires_at())
                .max();
            if last.is_none_or(|l| at - l > overdue_for) {
                continue;
            }
        }
        let deadline = if is_overdue {
            mine.iter()
                .filter_map(|t| t.deadline)
                .max_by_key(|d| d.sort_key())
        } else {
            pending
                .iter()
                .filter_map(|t| t.deadline)
                .min_by_key(|d| d.sort_key())
        };
        tasks.sort_by_key(|t| (t.sent, t.src));
        let deadlines = conflicts::distinct_deadlines(tasks.iter().map(|t| t.deadline));
        let first_ask = tasks
            .iter()
            .filter(|t| engine.is_assigned(t, user))
            .map(|t| t.sent)
            .min();
        let short_notice = match (first_ask, deadline) {
            (Some(a), Some(d)) => {
                conflicts::short_notice(a, d, Duration::minutes(s.conflicts.short_notice_minutes))
            }
            _ => false,
        };
        let confidence = tasks
            .iter()
            .filter_map(|t| t.link.as_ref())
            .filter(|_| tasks.len() > 1)
            .map(|l| l.score)
            .fold(1.0, f64::min);
        let title = super::title::short_title(
            tasks
                .iter()
                .find(|t| engine.is_assigned(t, user))
                .or(tasks.first())
                .map(|t| &*t.text)
                .unwrap_or(""),
        );
        let mut maybe_same: Vec<u64> = tasks
            .iter()
            .filter_map(|t| t.best_unmerged.as_deref())
            .filter(|l| l.score >= s.rules.maybe)
            .filter_map(|l| engine.tasks.get(&l.to))
            .map(|t| t.cluster)
            .filter(|c| *c != cluster)
            .collect();
        maybe_same.sort_unstable();
        maybe_same.dedup();
        let item = Item {
            cluster,
            deadline,
            conflict: deadlines.len() > 1,
            deadlines,
            short_notice,
            overdue: is_overdue,
            pileup: false,
            sources: tasks.iter().map(|t| source(engine, t, user)).collect(),
            confidence,
            title,
            maybe_same,
        };
        if is_overdue {
            overdue.push(item);
        } else {
            items.push(item);
        }
    }
    let order = |i: &Item| {
        (
            i.deadline.is_none(),
            i.deadline.map(|d| d.sort_key()),
            i.sources.first().map(|s| s.sent),
            i.cluster,
        )
    };
    items.sort_by_key(order);
    overdue.sort_by_key(order);
    let pileups = conflicts::pileups(
        &items.iter().map(|i| i.deadline).collect::<Vec<_>>(),
        s.conflicts.pileup_count,
        Duration::minutes(s.conflicts.pileup_window_minutes),
    );
    for p in &pileups {
        for &i in p {
            items[i].pileup = true;
        }
    }
    Digest {
        user,
        at,
        items,
        overdue,
        pileups,
    }
}
