//! The core state machine: events in, state and effects out.
//!
//! Deterministic and pure: the clock is the events' own dates, nothing is
//! read from the store or the network. Live intake and replay both feed it.
//!
//! Where each part lives:
//! - [`records`]: the data kept and returned (people, groups, messages,
//!   tasks, links, readings, decisions, warnings); uses no other part.
//! - [`store`]: the arenas tasks and messages are kept in, by dense id.
//! - here: the [`Settings`], the [`Engine`] and how each event changes it.
//! - `pipeline`: one message read → normalised → decided → committed.
//! - `retrieval`: the term index, the clusters' open windows, and the
//!   candidates they yield for a new ask.
//! - `judge`: a candidate scored against the new ask; the best matches.
//! - `report`: owners' warnings, and what the state says for digests and
//!   explanations.

mod judge;
mod pipeline;
pub mod records;
mod report;
mod retrieval;
pub mod state;
pub mod store;
#[cfg(test)]
mod tests;
mod view;

pub use records::{
    Candidate, Decision, Effect, Group, Link, Message, Person, Reading, Sample, Task, Warning,
};

use super::conflicts::ConflictSettings;
use super::deadline::Ctx;
use super::event::Event;
use super::matcher::{Df, Term};
use super::rules::Rules;
use super::task_model::Cues;
use crate::core::calendar::holidays::Calendar;
use crate::model::{ChatId, DateOrder, Lang, MsgRef, UserId};
use chrono::{DateTime, FixedOffset, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;
use judge::office_of;
use retrieval::{OpenUntil, PerCluster};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use store::{Messages, TaskId, Tasks};

/// Settings the core needs, taken from the config and the log's `scenario`
/// (built from the config in the shell: `crate::settings`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub tz: Tz,
    /// How two-part numeric dates read; `None`: the zone's usual order.
    pub date_order: Option<DateOrder>,
    pub lang: Lang,
    pub workday_end: NaiveTime,
    pub digest_time: NaiveTime,
    pub overdue_days: u32,
    pub conflicts: ConflictSettings,
    /// The dedup rules in force.
    pub rules: Arc<Rules>,
    pub allow_all: bool,
    pub allow: Vec<ChatId>,
    pub calendar: Arc<Calendar>,
}

impl Settings {
    pub fn is_allowed(&self, chat: ChatId) -> bool {
        self.allow_all || self.allow.contains(&chat)
    }

    /// Whether `16/10` reads day first: the configured order, else the
    /// zone's usual one.
    pub fn day_first(&self) -> bool {
        self.date_order
            .unwrap_or_else(|| DateOrder::for_zone(self.tz.name()))
            == DateOrder::Dmy
    }

    pub fn local(&self, t: DateTime<FixedOffset>) -> NaiveDateTime {
        t.with_timezone(&self.tz).naive_local()
    }
}

#[derive(Debug, Clone)]
pub struct Engine {
    pub settings: Settings,
    pub people: BTreeMap<UserId, Person>,
    pub groups: BTreeMap<ChatId, Group>,
    /// Hashed: matching asks whether the sender is in a group for many
    /// groups per message.
    pub members: FxHashMap<ChatId, BTreeSet<UserId>>,
    /// The same, by person (sorted): matching asks about one sender in many
    /// groups, and one lookup beats one cold set per group.
    groups_of: FxHashMap<UserId, Vec<ChatId>>,
    pub messages: Messages,
    pub tasks: Tasks,
    df: Df,
    /// People's verdicts on pairs of asks: true = same work, false = never merge.
    verdicts: BTreeMap<(MsgRef, MsgRef), bool>,
    /// Items people marked done, by (person, a source of the item).
    done: BTreeSet<(UserId, MsgRef)>,
    /// Retrieval index: for each match term the tasks holding it (oldest first).
    postings: FxHashMap<Term, Vec<TaskId>>,
    /// Cluster → its asks; chat → its asks (oldest first).
    clusters: FxHashMap<u64, Vec<TaskId>>,
    /// Until when each cluster is open for new asks: kept up to date so that
    /// matching never walks a whole (possibly huge) cluster.
    open_until: PerCluster<OpenUntil>,
    by_chat: FxHashMap<ChatId, Vec<TaskId>>,
    /// The office each group belongs to, read off its title once.
    offices: FxHashMap<ChatId, Box<[char]>>,
    next_cluster: u64,
    /// The latest event date seen, local.
    pub last_seen: Option<NaiveDateTime>,
    /// Keep every scored pair's signals in `samples` (for `rules fit`).
    collect: bool,
    samples: Vec<Sample>,
    /// With `collect`: each message's task cues as last read (for
    /// `rules fit-tasks`).
    task_cues: BTreeMap<MsgRef, Cues>,
}

impl Engine {
    pub fn new(settings: Settings) -> Engine {
        Engine {
            settings,
            people: BTreeMap::new(),
            groups: BTreeMap::new(),
            members: FxHashMap::default(),
            groups_of: FxHashMap::default(),
            messages: Messages::default(),
            tasks: Tasks::default(),
            df: Df::default(),
            verdicts: BTreeMap::new(),
            done: BTreeSet::new(),
            postings: FxHashMap::default(),
            clusters: FxHashMap::default(),
            open_until: PerCluster::default(),
            by_chat: FxHashMap::default(),
            offices: FxHashMap::default(),
            next_cluster: 1,
            last_seen: None,
            collect: false,
            samples: Vec::new(),
            task_cues: BTreeMap::new(),
        }
    }

    /// From now on keep every scored pair's signals (for fitting).
    pub fn collect_samples(&mut self) {
        self.collect = true;
    }

    /// The scored pairs kept since [`Engine::collect_samples`].
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Each message's task cues, kept since [`Engine::collect_samples`].
    pub fn task_cues(&self) -> &BTreeMap<MsgRef, Cues> {
        &self.task_cues
    }

    pub fn df(&self) -> &Df {
        &self.df
    }

    pub fn is_member(&self, chat: ChatId, user: UserId) -> bool {
        self.members.get(&chat).is_some_and(|m| m.contains(&user))
    }

    /// [`Engine::is_member`] through the person's groups.
    #[inline]
    fn in_group(&self, user: UserId, chat: ChatId) -> bool {
        self.groups_of
            .get(&user)
            .is_some_and(|g| g.binary_search(&chat).is_ok())
    }

    /// What the deadline parser needs to know at a local send time.
    pub fn ctx(&self, sent: NaiveDateTime) -> Ctx<'_> {
        Ctx {
            sent,
            workday_end: self.settings.workday_end,
            lang: self.settings.lang,
            day_first: self.settings.day_first(),
            cal: &self.settings.calendar,
            utc_offset: self
                .settings
                .tz
                .offset_from_local_datetime(&sent)
                .earliest()
                .map(|o| o.fix().local_minus_utc() / 60),
        }
    }

    /// Apply one event; return what should be sent because of it.
    pub fn apply(&mut self, ev: &Event) -> Vec<Effect> {
        if let Some(d) = ev.date() {
            let local = self.settings.local(d);
            self.last_seen = Some(self.last_seen.map_or(local, |l| l.max(local)));
        }
        match ev {
            Event::Scenario {
                lang,
                tz,
                workday_end,
                ..
            } => {
                if let Ok(tz) = tz.parse() {
                    self.settings.tz = tz;
                }
                self.settings.lang = *lang;
                self.settings.workday_end = *workday_end;
                vec![]
            }
            Event::Person {
                user_id,
                name,
                username,
            } => {
                self.people.insert(
                    *user_id,
                    Person {
                        id: *user_id,
                        name: name.clone(),
                        username: username.clone(),
                        folded_name: crate::core::normalize::fold(name),
                        folded_username: username.as_deref().map(str::to_ascii_lowercase),
                    },
                );
                vec![]
            }
            Event::Group {
                chat_id,
                title,
                owner_id,
            } => {
                if self.settings.is_allowed(*chat_id) {
                    match office_of(title) {
                        Some(o) => self.offices.insert(*chat_id, o),
                        None => self.offices.remove(chat_id),
                    };
                    self.groups.insert(
                        *chat_id,
                        Group {
                            id: *chat_id,
                            title: title.clone(),
                            owner: *owner_id,
                        },
                    );
                }
                vec![]
            }
            Event::Member {
                chat_id, user_id, ..
            } => {
                if self.settings.is_allowed(*chat_id)
                    && self.members.entry(*chat_id).or_default().insert(*user_id)
                {
                    let groups = self.groups_of.entry(*user_id).or_default();
                    if let Err(at) = groups.binary_search(chat_id) {
                        groups.insert(at, *chat_id);
                    }
                }
                vec![]
            }
            Event::MemberLeft {
                chat_id, user_id, ..
            } => {
                if let Some(m) = self.members.get_mut(chat_id) {
                    m.remove(user_id);
                }
                if let Some(groups) = self.groups_of.get_mut(user_id)
                    && let Ok(at) = groups.binary_search(chat_id)
                {
                    groups.remove(at);
                }
                vec![]
            }
            Event::Message { .. } => match self.record(ev) {
                Some((src, sent)) => self.consider(src, sent, true),
                None => vec![],
            },
            Event::Edit {
                chat_id,
                message_id,
                date,
                text,
                mentions,
            } => {
                let src = MsgRef {
                    chat_id: *chat_id,
                    message_id: *message_id,
                };
                let sent = self.settings.local(*date);
                let Some(m) = self.messages.get_mut(&src) else {
                    return vec![];
                };
                m.text = text.as_str().into();
                if !mentions.is_empty() {
                    m.mentions = mentions.as_slice().into();
                }
                self.consider(src, sent, false)
            }
            Event::Feedback {
                task, other, same, ..
            } => {
                self.feedback(*task, *other, *same);
                vec![]
            }
            Event::Done { user_id, task, .. } | Event::HandIn { user_id, task, .. } => {
                self.done.insert((*user_id, *task));
                vec![]
            }
        }
    }

    /// Store a new message from an allowed group (once: a message seen
    /// before is not read again). Returns it and its local send time, to be
    /// read and decided on; [`Engine::apply`] does all of that.
    pub fn record(&mut self, ev: &Event) -> Option<(MsgRef, NaiveDateTime)> {
        let Event::Message {
            chat_id,
            message_id,
            sender_id,
            date,
            text,
            reply_to_message_id,
            mentions,
        } = ev
        else {
            return None;
        };
        if !self.settings.is_allowed(*chat_id) {
            return None;
        }
        let src = MsgRef {
            chat_id: *chat_id,
            message_id: *message_id,
        };
        if self.messages.contains_key(&src) {
            return None;
        }
        let sent = self.settings.local(*date);
        self.messages.insert(Message {
            src,
            sender: *sender_id,
            sent,
            text: text.as_str().into(),
            reply_to: *reply_to_message_id,
            mentions: mentions.as_slice().into(),
        });
        Some((src, sent))
    }

    /// Honour a person's verdict on two asks at once: "different" splits the
    /// later one (and what was merged into it) out of the shared cluster and
    /// keeps them apart from then on; "same" merges the two clusters.
    fn feedback(&mut self, a: MsgRef, b: MsgRef, same: bool) {
        let key = if a <= b { (a, b) } else { (b, a) };
        self.verdicts.insert(key, same);
        let (Some(ta), Some(tb)) = (self.tasks.get(&a), self.tasks.get(&b)) else {
            return;
        };
        let (ca, cb) = (ta.cluster, tb.cluster);
        if same {
            if ca != cb {
                let moved = self.clusters.remove(&cb).unwrap_or_default();
                for m in &moved {
                    if let Some(t) = self.tasks.by_id_mut(*m) {
                        t.cluster = ca;
                    }
                }
                self.clusters.entry(ca).or_default().extend(moved);
                *self.open_until.slot(cb) = OpenUntil::default();
                self.refresh_open(ca);
            }
            return;
        }
        if ca != cb {
            return;
        }
        // Move the later ask and the asks linked to it into a new cluster.
        let later = if (ta.sent, a) >= (tb.sent, b) { a } else { b };
        let Some(later_id) = self.tasks.id(&later) else {
            return;
        };
        let fresh = self.next_cluster;
        self.next_cluster += 1;
        let moving = self.linked_from(ca, later_id);
        for m in &moving {
            if let Some(t) = self.tasks.by_id_mut(*m) {
                t.cluster = fresh;
                if t.src == later {
                    t.link = None;
                }
            }
        }
        let gone: FxHashSet<TaskId> = moving.iter().copied().collect();
        if let Some(v) = self.clusters.get_mut(&ca) {
            v.retain(|m| !gone.contains(m));
        }
        self.clusters.insert(fresh, moving);
        self.refresh_open(ca);
        self.refresh_open(fresh);
    }

    /// `root` and every ask of `cluster` linked to it, directly or through
    /// others: the part a "different" verdict splits off. Linear in the
    /// cluster's size (each ask links to one earlier ask: a tree).
    fn linked_from(&self, cluster: u64, root: TaskId) -> Vec<TaskId> {
        let members = self
            .clusters
            .get(&cluster)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        // Who links to each ask, in the cluster's order.
        let mut children: FxHashMap<MsgRef, Vec<TaskId>> = FxHashMap::default();
        for &m in members {
            if m == root {
                continue;
            }
            if let Some(to) = self
                .tasks
                .by_id(m)
                .and_then(|t| t.link.as_ref())
                .map(|l| l.to)
            {
                children.entry(to).or_default().push(m);
            }
        }
        let mut moving = vec![root];
        let mut i = 0;
        while i < moving.len() {
            let from = self.tasks.by_id(moving[i]).map(|t| t.src);
            if let Some(kids) = from.and_then(|f| children.remove(&f)) {
                moving.extend(kids);
            }
            i += 1;
        }
        moving
    }

    /// The people's verdict on a pair, if any.
    pub fn verdict(&self, a: MsgRef, b: MsgRef) -> Option<bool> {
        let key = if a <= b { (a, b) } else { (b, a) };
        self.verdicts.get(&key).copied()
    }

    /// Has `user` marked the item holding `task` done?
    pub fn is_done(&self, user: UserId, task: MsgRef) -> bool {
        self.done.contains(&(user, task))
    }
}
