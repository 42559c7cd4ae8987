//! The core state machine: events in, state and effects out.
//!
//! Deterministic and pure: the clock is the events' own dates, nothing is
//! read from the store or the network. Live intake and replay both feed it.

use super::deadline::{Ctx, Found};
use super::extract::{self, Input, Named};
use super::matcher::{self, Df, Signature, Term};
use super::rules::{Rules, RulesError};
use super::store::{Messages, TaskId, Tasks};
use crate::config::{Config, ConflictConfig};
use crate::core::calendar::holidays::{Calendar, HolidayError};
use crate::event::{Event, Mention};
use crate::model::{Assignees, ChatId, Deadline, Lang, MsgRef, UserId};
use aho_corasick::AhoCorasick;
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone,
};
use chrono_tz::Tz;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

/// Why the settings could not be made from a config.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Holidays(#[from] HolidayError),
    #[error(transparent)]
    Rules(#[from] RulesError),
}

/// Settings the core needs, taken from the config and the log's `scenario`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub tz: Tz,
    pub lang: Lang,
    pub workday_end: NaiveTime,
    pub digest_time: NaiveTime,
    pub overdue_days: u32,
    pub conflicts: ConflictConfig,
    /// The dedup rules in force.
    pub rules: Arc<Rules>,
    pub allow_all: bool,
    pub allow: Vec<ChatId>,
    pub calendar: Arc<Calendar>,
}

impl Settings {
    /// Settings from a validated config; the holiday calendar is the bundled
    /// one unless the config names a file.
    pub fn from_config(cfg: &Config) -> Result<Settings, SettingsError> {
        let calendar = match &cfg.organisation.holidays {
            Some(p) => Calendar::load(p)?,
            None => Calendar::bundled()?,
        };
        let rules = match &cfg.dedup.rules {
            Some(p) => Rules::load(p)?,
            None => Rules::bundled()?,
        };
        Ok(Settings {
            tz: cfg.tz(),
            lang: cfg.organisation.lang,
            workday_end: cfg.organisation.workday_end,
            digest_time: cfg.digest.time,
            overdue_days: cfg.digest.overdue_days,
            conflicts: cfg.conflicts.clone(),
            rules: Arc::new(rules),
            allow_all: cfg.groups.allow_all,
            allow: cfg.groups.allow.clone(),
            calendar: Arc::new(calendar),
        })
    }

    pub fn is_allowed(&self, chat: ChatId) -> bool {
        self.allow_all || self.allow.contains(&chat)
    }

    /// Dates in `16/10` form are day-first outside the Americas.
    pub fn day_first(&self) -> bool {
        !self.tz.name().starts_with("America/")
    }

    pub fn local(&self, t: DateTime<FixedOffset>) -> NaiveDateTime {
        t.with_timezone(&self.tz).naive_local()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
            let w = super::normalize::fold(w);
            if w.chars().count() >= 2 && !out.contains(&w) {
                out.push(w);
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: ChatId,
    pub title: String,
    pub owner: Option<UserId>,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub src: MsgRef,
    pub sender: UserId,
    pub sent: NaiveDateTime,
    /// Shared with the task made of it.
    pub text: Arc<str>,
    pub reply_to: Option<i64>,
    pub mentions: Box<[Mention]>,
}

/// A candidate weighed for a new task, kept for `explain`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub to: MsgRef,
    pub score: f32,
}

/// Why a task joined the cluster it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub to: MsgRef,
    pub score: f64,
    pub reasons: Vec<matcher::Reason>,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub src: MsgRef,
    pub sender: UserId,
    pub sent: NaiveDateTime,
    pub text: Arc<str>,
    pub deadline: Option<Deadline>,
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

/// Until when a cluster takes new asks: its latest dated deadline, and per
/// group its latest undated ask's window.
#[derive(Debug, Clone, Default)]
struct OpenUntil {
    dated: Option<NaiveDateTime>,
    /// Per group: the day of its latest undated ask and until when it is open.
    undated: Vec<(ChatId, NaiveDate, NaiveDateTime)>,
}

impl OpenUntil {
    fn add(&mut self, t: &Task, undated_match_days: i64) {
        match t.deadline {
            Some(d) => {
                self.dated = Some(self.dated.map_or(d.expires_at(), |x| x.max(d.expires_at())))
            }
            None => {
                let until = (t.sent.date() + Duration::days(1 + undated_match_days))
                    .and_time(NaiveTime::MIN);
                match self
                    .undated
                    .iter_mut()
                    .find(|(c, _, _)| *c == t.src.chat_id)
                {
                    Some((_, day, u)) => {
                        *day = (*day).max(t.sent.date());
                        *u = (*u).max(until);
                    }
                    None => self.undated.push((t.src.chat_id, t.sent.date(), until)),
                }
            }
        }
    }

    /// Open for a new ask in `chat`: a dated ask not yet due; an undated ask
    /// in the same group through its window, or in another group that day.
    fn is_open(&self, at: NaiveDateTime, chat: ChatId, dated_only: bool) -> bool {
        self.dated.is_some_and(|d| at < d)
            || (!dated_only
                && self.undated.iter().any(|(c, day, u)| {
                    if *c == chat {
                        at < *u
                    } else {
                        at.date() == *day
                    }
                }))
    }
}

/// The new task being matched.
struct Probe<'a> {
    src: MsgRef,
    sender: UserId,
    at: NaiveDateTime,
    sig: &'a Signature,
    /// The folded text.
    folded: &'a str,
    reply_to: Option<MsgRef>,
    deadline: Option<Deadline>,
    assignees: &'a Assignees,
    /// The text moves a time (延期, 改到, "moved to"): same work, new time.
    reschedules: bool,
    /// A make-up ask after a deadline passed (补交, "missed … send it by"):
    /// only dated asks still open count.
    makeup: bool,
    /// A reminder or chaser (提醒, 还没交, "still missing"), or a moved time:
    /// it points at an open ask rather than stating new work.
    follows_up: bool,
}

/// Words of a reminder or chaser: the message points at an earlier ask.
const FOLLOW_UP: &[&str] = &[
    "提醒",
    "还没",
    "还差",
    "还有",
    "没交",
    "没报",
    "没发",
    "未交",
    "未报",
    "未上传",
    "未完成",
    "未提交",
    "抓紧",
    "催",
    "最后一天",
    "别忘",
    "不变",
    "reminder",
    "still",
    "missing",
    "haven't",
    "not yet",
    "last call",
];

/// Words that ask anew for what an expired ask did not get.
const MAKEUP: &[&str] = &["补交", "补报", "补上", "补发", "漏报", "make up", "missed"];

/// Words that move an earlier ask's time.
const RESCHEDULE: &[&str] = &[
    "延期",
    "顺延",
    "推迟",
    "改到",
    "改至",
    "调整",
    "提前",
    "改为",
    "moved",
    "extended",
    "postponed",
    "pushed",
    "rescheduled",
    "now due",
];

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
    },
}

/// A term held by more tasks than this is template wording: it retrieves
/// nothing, so its postings stop growing (a million asks would otherwise
/// keep hundreds of megabytes of ids no search reads).
const TOO_COMMON: usize = 50_000;

/// A value per cluster in a dense array: cluster ids are handed out in
/// order from 1, so an id is an index. One read, which can be prefetched,
/// and a million clusters cost their values, not a hash table at half load.
#[derive(Debug, Clone)]
struct PerCluster<T> {
    values: Vec<T>,
}

impl<T> Default for PerCluster<T> {
    fn default() -> Self {
        PerCluster { values: Vec::new() }
    }
}

impl<T: Default> PerCluster<T> {
    // Ids are counted up from 1 by the engine, never read from input.
    fn get(&self, cluster: u64) -> Option<&T> {
        self.values.get(cluster as usize)
    }

    /// The cluster's value, made (default) if it has none yet.
    fn slot(&mut self, cluster: u64) -> &mut T {
        let i = cluster as usize;
        if i >= self.values.len() {
            self.values.resize_with(i + 1, T::default);
        }
        &mut self.values[i]
    }
}

/// Retrieval's tally of how many query terms each task holds: open
/// addressing over a fixed table (at most 8 × 64 ids are counted). A slot
/// packs an id and its count (`id << 8 | count`, 0 = empty), so a probe is
/// one load.
struct Counts {
    slots: [u64; Counts::SLOTS],
    /// The slots in use, so that draining reads only those.
    used: [u16; Counts::SLOTS / 2],
    n_used: usize,
    /// How many ids have each count, so that draining can skip the ids
    /// that cannot be among the best; and the highest count.
    hist: [u16; 256],
    top: usize,
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            slots: [0; Counts::SLOTS],
            used: [0; Counts::SLOTS / 2],
            n_used: 0,
            hist: [0; 256],
            top: 0,
        }
    }
}

impl Counts {
    const SLOTS: usize = 1024;

    #[inline]
    fn bump(&mut self, id: TaskId) {
        let mut i = (id.wrapping_mul(0x9E37_79B1) >> 22) as usize;
        loop {
            i &= Self::SLOTS - 1;
            let s = self.slots[i];
            if s == 0 {
                // Past half full the table would probe long: the cap keeps it sparse.
                if self.n_used < Self::SLOTS / 2 {
                    self.slots[i] = (id as u64) << 8 | 1;
                    self.used[self.n_used] = i as u16;
                    self.n_used += 1;
                    self.hist[1] += 1;
                    self.top = self.top.max(1);
                }
                return;
            }
            if (s >> 8) as u32 == id {
                let c = (s & 0xff) as usize;
                if c < 255 {
                    self.slots[i] = s + 1;
                    self.hist[c] -= 1;
                    self.hist[c + 1] += 1;
                    self.top = self.top.max(c + 1);
                }
                return;
            }
            i += 1;
        }
    }

    /// The `keep` ids with the highest counts (then the highest ids), as
    /// `count << 32 | id`, leaving the table empty for the next search.
    fn drain_best(&mut self, keep: usize) -> Vec<u64> {
        // The lowest count that can still make the cut: at least `keep` ids
        // have it or more, so none with less is among the best (none at all
        // when none is to be kept).
        let mut at_least = 0;
        let mut floor = if keep == 0 { u64::MAX } else { 1 };
        for c in (1..=self.top).rev().filter(|_| keep > 0) {
            at_least += self.hist[c] as usize;
            if at_least >= keep {
                floor = c as u64;
                break;
            }
        }
        // The best so far, highest first: few ids pass the last one, so
        // most cost one comparison.
        let mut best: Vec<u64> = Vec::with_capacity(keep + 1);
        for &i in &self.used[..self.n_used] {
            let s = self.slots[i as usize];
            self.slots[i as usize] = 0;
            let count = s & 0xff;
            if count < floor {
                continue;
            }
            let key = count << 32 | (s >> 8);
            if best.len() == keep {
                if best.last().is_some_and(|&l| key <= l) {
                    continue;
                }
                best.pop();
            }
            let at = best.partition_point(|&b| b > key);
            best.insert(at, key);
        }
        self.hist[..=self.top].fill(0);
        self.n_used = 0;
        self.top = 0;
        best
    }
}

thread_local! {
    /// One tally table per thread, emptied after each search: zeroing a
    /// fresh 5 KiB table per message cost more than the counting.
    static COUNTS: std::cell::RefCell<Counts> = std::cell::RefCell::new(Counts::default());
}

/// Which kinds of cue words a text holds, found in one pass.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Cues {
    follows_up: bool,
    makeup: bool,
    reschedules: bool,
}

impl Cues {
    fn of(folded: &str) -> Cues {
        // Pattern ids run through FOLLOW_UP, then MAKEUP, then RESCHEDULE.
        static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::new(FOLLOW_UP.iter().chain(MAKEUP).chain(RESCHEDULE))
                .expect("fixed cue words")
        });
        let mut cues = Cues::default();
        // Overlapping: a word inside another kind's word still counts.
        for m in WORDS.find_overlapping_iter(folded) {
            let i = m.pattern().as_usize();
            if i < FOLLOW_UP.len() {
                cues.follows_up = true;
            } else if i < FOLLOW_UP.len() + MAKEUP.len() {
                cues.makeup = true;
            } else {
                cues.reschedules = true;
            }
        }
        cues
    }
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
        }
    }

    pub fn df(&self) -> &Df {
        &self.df
    }

    pub fn is_member(&self, chat: ChatId, user: UserId) -> bool {
        self.members.get(&chat).is_some_and(|m| m.contains(&user))
    }

    /// [`Engine::is_member`] through the person's groups.
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
                        folded_name: super::normalize::fold(name),
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
            Event::Done { user_id, task, .. } => {
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
        let members = self.clusters.get(&ca).cloned().unwrap_or_default();
        let mut moving: Vec<TaskId> = vec![later_id];
        let mut i = 0;
        while i < moving.len() {
            let from = self.tasks.by_id(moving[i]).map(|t| t.src);
            let linked: Vec<TaskId> = members
                .iter()
                .filter(|m| {
                    !moving.contains(m)
                        && self
                            .tasks
                            .by_id(**m)
                            .is_some_and(|t| t.link.as_ref().is_some_and(|l| Some(l.to) == from))
                })
                .copied()
                .collect();
            moving.extend(linked);
            i += 1;
        }
        for m in &moving {
            if let Some(t) = self.tasks.by_id_mut(*m) {
                t.cluster = fresh;
                if t.src == later {
                    t.link = None;
                }
            }
        }
        if let Some(v) = self.clusters.get_mut(&ca) {
            v.retain(|m| !moving.contains(m));
        }
        self.clusters.insert(fresh, moving);
        self.refresh_open(ca);
        self.refresh_open(fresh);
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

    /// Resolve mention entities to users: `text_mention` carries the id, a
    /// plain `@username` is looked up.
    fn mentioned(&self, text: &str, mentions: &[Mention]) -> Vec<UserId> {
        if mentions.is_empty() {
            return Vec::new();
        }
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let mut out = Vec::new();
        for m in mentions {
            if let Some(u) = m.user_id {
                out.push(u);
                continue;
            }
            let end = (m.offset + m.length).min(utf16.len());
            let start = m.offset.min(end);
            let s = String::from_utf16_lossy(&utf16[start..end]);
            let name = s.trim_start_matches('@');
            if let Some(p) = self.people.values().find(|p| {
                p.username
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(name))
            }) {
                out.push(p.id);
            }
        }
        out
    }

    /// (Re)judge a message as a task. `new` is false for edits.
    /// The steps are public so that a benchmark can time each one.
    fn consider(&mut self, src: MsgRef, at: NaiveDateTime, new: bool) -> Vec<Effect> {
        let Some(reading) = self.read(src, at) else {
            return vec![];
        };
        let sig = self.normalise(&reading);
        if new {
            self.count_terms(&sig);
        }
        let decision = self.decide(&reading, &sig);
        self.commit(reading, sig, decision, new)
    }

    /// Read a stored message: is it a request, by when, for whom (task
    /// detection and deadline parsing, with the text folded once).
    pub fn read(&self, src: MsgRef, at: NaiveDateTime) -> Option<Reading> {
        let msg = self.messages.get(&src)?;
        let mentioned = self.mentioned(&msg.text, &msg.mentions);
        let names: Vec<Named<'_>> = self
            .members
            .get(&src.chat_id)
            .into_iter()
            .flatten()
            .filter_map(|u| self.people.get(u))
            .map(|p| Named {
                user: p.id,
                name: &p.folded_name,
                username: p.folded_username.as_deref(),
            })
            .collect();
        let input = Input {
            text: &msg.text,
            sender: msg.sender,
            mentioned: &mentioned,
            members: &names,
            is_reply: msg.reply_to.is_some(),
            sender_is_owner: self
                .groups
                .get(&src.chat_id)
                .is_some_and(|g| g.owner == Some(msg.sender)),
        };
        let ex = extract::extract(&input, &self.ctx(at));
        Some(Reading {
            src,
            at,
            sender: msg.sender,
            sent: msg.sent,
            text: Arc::clone(&msg.text),
            reply_to: msg.reply_to,
            ex,
        })
    }

    /// What the text contributes to matching: its key terms after
    /// boilerplate and synonyms, titles, periods and deliverables.
    pub fn normalise(&self, r: &Reading) -> Signature {
        // People's names stay in the terms: a chaser naming the same person
        // as an open ask is (weak) evidence of the same work, and skipping the
        // name scan keeps matching fast in large groups.
        matcher::signature(&r.ex.folded, &[], &self.settings.rules)
    }

    /// Count a new message's terms into the document frequencies (before it
    /// is judged, so that its own words weigh as they will from now on).
    pub fn count_terms(&mut self, sig: &Signature) {
        self.df.add(sig);
    }

    /// Decide what a read message is: no task, an edit of a known task, or a
    /// new task with the earlier asks it duplicates or may relate to
    /// (retrieve, score). Changes nothing; [`Engine::commit`] applies it.
    pub fn decide(&self, r: &Reading, sig: &Signature) -> Decision {
        let src = r.src;
        let reply_task = r
            .reply_to
            .map(|id| MsgRef {
                chat_id: src.chat_id,
                message_id: id,
            })
            .filter(|m| self.tasks.contains_key(m));
        // A reply that restates nothing is an answer, unless it comes from the asker.
        let is_task = r.ex.is_task
            || (reply_task
                .is_some_and(|m| self.tasks.get(&m).is_some_and(|t| t.sender == r.sender))
                && r.ex.task_score >= 2);
        if !is_task {
            return Decision::NotTask;
        }
        let deadline = match r.ex.deadline {
            Found::Deadline(d) => Some(d),
            Found::SameAsEarlier => self.earlier_deadline(src, r.sender, r.sent, sig),
            Found::None => None,
        };
        if self.tasks.contains_key(&src) {
            return Decision::Edited { deadline };
        }
        let folded = &r.ex.folded;
        let cues = Cues::of(folded);
        let probe = Probe {
            src,
            sender: r.sender,
            at: r.at,
            folded,
            sig,
            reply_to: reply_task,
            deadline,
            assignees: &r.ex.assignees,
            reschedules: cues.reschedules,
            makeup: cues.makeup,
            follows_up: cues.follows_up || cues.reschedules,
        };
        let considered = self.best_match(&probe);
        let rules = &self.settings.rules;
        let threshold = if rules.merges_in(src.chat_id) {
            rules.threshold_for(src.chat_id)
        } else {
            f64::INFINITY
        };
        let joins = considered
            .first()
            .filter(|l| l.score >= threshold)
            .and_then(|l| self.tasks.get(&l.to))
            .map(|t| t.cluster);
        Decision::New {
            deadline,
            considered,
            joins,
        }
    }

    /// Apply a decision: update the task store, the retrieval index and the
    /// clusters, and say which owner warnings to send.
    pub fn commit(
        &mut self,
        r: Reading,
        sig: Signature,
        decision: Decision,
        new: bool,
    ) -> Vec<Effect> {
        let src = r.src;
        match decision {
            Decision::NotTask => {
                if let Some((id, t)) = self.tasks.remove(&src) {
                    if let Some(v) = self.clusters.get_mut(&t.cluster) {
                        v.retain(|m| *m != id);
                    }
                    self.refresh_open(t.cluster);
                    if let Some(v) = self.by_chat.get_mut(&src.chat_id) {
                        v.retain(|m| *m != id);
                    }
                }
                vec![]
            }
            Decision::Edited { deadline } => {
                let Some(id) = self.tasks.id(&src) else {
                    return vec![];
                };
                let Some(t) = self.tasks.by_id_mut(id) else {
                    return vec![];
                };
                // An edit of a task keeps its place in its cluster; its new terms
                // join the index (stale ones are harmless: candidates are rescored).
                for term in sig
                    .terms
                    .iter()
                    .filter(|x| t.sig.terms.binary_search(x).is_err())
                {
                    let post = self.postings.entry(*term).or_default();
                    if post.len() <= TOO_COMMON {
                        post.push(id);
                    }
                }
                t.text = r.text;
                t.deadline = deadline;
                t.assignees = r.ex.assignees;
                t.sig = sig;
                t.task_score = r.ex.task_score;
                let c = t.cluster;
                self.refresh_open(c);
                vec![]
            }
            Decision::New {
                deadline,
                considered,
                joins,
            } => {
                let best = considered.first().cloned();
                let (cluster, link) = match (joins, best.clone()) {
                    (Some(c), Some(l)) => (c, Some(l)),
                    _ => {
                        let c = self.next_cluster;
                        self.next_cluster += 1;
                        (c, None)
                    }
                };
                let maybe = if link.is_none() {
                    best.clone()
                        .filter(|m| m.score >= self.settings.rules.maybe)
                } else {
                    None
                };
                let task = Task {
                    src,
                    sender: r.sender,
                    sent: r.sent,
                    text: r.text,
                    deadline,
                    assignees: r.ex.assignees,
                    cluster,
                    link: link.clone(),
                    best_unmerged: if link.is_none() {
                        best.map(Box::new)
                    } else {
                        None
                    },
                    sig,
                    task_score: r.ex.task_score,
                    considered: considered
                        .iter()
                        .map(|l| Candidate {
                            to: l.to,
                            score: l.score as f32,
                        })
                        .collect(),
                };
                self.open_until
                    .slot(cluster)
                    .add(&task, self.settings.rules.undated_match_days);
                let id = self.tasks.insert(task);
                if let Some(t) = self.tasks.by_id(id) {
                    for term in t.sig.terms.iter() {
                        let post = self.postings.entry(*term).or_default();
                        if post.len() <= TOO_COMMON {
                            post.push(id);
                        }
                    }
                }
                self.clusters.entry(cluster).or_default().push(id);
                self.by_chat.entry(src.chat_id).or_default().push(id);
                if !new {
                    return vec![];
                }
                self.warnings(src, r.sender, r.at, link, maybe)
            }
        }
    }

    /// The deadline of the asker's previous task in the same chat, for
    /// "same time as before".
    fn earlier_deadline(
        &self,
        src: MsgRef,
        sender: UserId,
        at: NaiveDateTime,
        sig: &Signature,
    ) -> Option<Deadline> {
        // The asker's earlier ask in this group that it points at: the most
        // alike, then the most recent ("同上" follows what it refers to).
        self.chat_tasks(src.chat_id)
            .filter(|t| t.sender == sender && t.sent <= at && t.src != src && t.deadline.is_some())
            .map(|t| (matcher::compare(sig, &t.sig, &self.df).score, t))
            .max_by(|(a, x), (b, y)| {
                a.total_cmp(b)
                    .then_with(|| (x.sent, x.src.message_id).cmp(&(y.sent, y.src.message_id)))
            })
            .and_then(|(_, t)| t.deadline)
    }

    /// Tasks worth scoring for a new ask: those sharing its rarest terms
    /// (most recent first), its reply target, and the group's recent asks.
    /// An index, not a scan: the cost does not grow with the number of
    /// tasks, only with how common the new ask's words are.
    fn retrieve(&self, p: &Probe<'_>) -> Vec<TaskId> {
        const QUERY_TERMS: usize = 8;
        const PER_TERM: usize = 64;
        /// Candidates scored in full: those sharing the most rare terms.
        const KEEP: usize = 16;
        // The rarest terms that some earlier task shares (a term only this
        // message has retrieves nothing); rarity is the number of tasks
        // holding the term, read off the postings themselves.
        // Ordered by `holders << 32 | term`: the rarest, then the lowest
        // term; each with its newest postings, the only ones counted.
        let mut posts: Vec<(u64, &[TaskId])> = Vec::with_capacity(p.sig.terms.len());
        posts.extend(
            p.sig
                .terms
                .iter()
                .filter_map(|t| self.postings.get(t).map(|v| (v.len(), *t, v.as_slice())))
                .filter(|(n, _, _)| (1..=TOO_COMMON).contains(n))
                .map(|(n, t, v)| {
                    (
                        (n as u64) << 32 | t as u64,
                        &v[n.saturating_sub(PER_TERM)..],
                    )
                }),
        );
        if posts.len() > QUERY_TERMS {
            posts.select_nth_unstable_by_key(QUERY_TERMS, |(k, _)| *k);
            posts.truncate(QUERY_TERMS);
        }
        // Those postings are read next: start loading them all.
        for (_, newest) in &posts {
            for x in newest.iter().step_by(16) {
                super::store::prefetch(x);
            }
        }
        // Count how many of those terms each of their newest tasks holds, in
        // a small open-addressed table that stays in L1, and keep the tasks
        // that share the most (then the newest). Newest first, so that the
        // best come early and few later ids displace them.
        let best = COUNTS.with_borrow_mut(|table| {
            for (_, newest) in &posts {
                for &id in newest.iter().rev() {
                    table.bump(id);
                }
            }
            table.drain_best(KEEP)
        });
        let recent = self.by_chat.get(&p.src.chat_id);
        let mut out: Vec<TaskId> = Vec::with_capacity(best.len() + 9);
        out.extend(best.into_iter().map(|k| k as TaskId));
        if let Some(r) = p.reply_to.and_then(|r| self.tasks.id(&r)) {
            out.push(r);
        }
        if let Some(v) = recent {
            out.extend(v.iter().rev().take(8));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Is any ask of the cluster still open for `chat` at `at`?
    fn cluster_open(
        &self,
        cluster: u64,
        at: NaiveDateTime,
        chat: ChatId,
        dated_only: bool,
    ) -> bool {
        self.open_until
            .get(cluster)
            .is_some_and(|o| o.is_open(at, chat, dated_only))
    }

    /// Recompute a cluster's open window from its members (after edits and
    /// people's verdicts; new asks update it incrementally).
    fn refresh_open(&mut self, cluster: u64) {
        let days = self.settings.rules.undated_match_days;
        let mut o = OpenUntil::default();
        for m in self.clusters.get(&cluster).into_iter().flatten() {
            if let Some(t) = self.tasks.by_id(*m) {
                o.add(t, days);
            }
        }
        *self.open_until.slot(cluster) = o;
    }

    /// Earlier asks of still-open clusters, best first (at most three); the
    /// best carries its reasons.
    fn best_match(&self, p: &Probe<'_>) -> Vec<Link> {
        let weighed = matcher::Weighed::new(p.sig, &self.df);
        let new_text = self.pair_rule_text(p.src);
        let ids = self.retrieve(p);
        // Sized once: growing them step by step cost more than filling them.
        let mut open: Vec<(u64, bool)> = Vec::with_capacity(ids.len());
        let mut memo = ChatMemo {
            chats: Vec::with_capacity(ids.len()),
            runs: None,
        };
        // The best three so far, best first; ties go to the most recent ask,
        // then to the one scored first.
        let mut scored: Vec<(f64, NaiveDateTime, &Task)> = Vec::with_capacity(4);
        let order = |a: &(f64, NaiveDateTime, &Task), b: &(f64, NaiveDateTime, &Task)| {
            b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1))
        };
        // Start every candidate's reads before scoring any: at a million
        // tasks each is a cache miss, and issued together they overlap
        // instead of each waiting for the last. In rounds, since each round
        // reads pointers the one before loads: the tasks; then their terms,
        // cluster windows and word lists; then the words.
        use super::store::prefetch;
        for r in &ids {
            self.tasks.prefetch(*r);
        }
        let tasks = || ids.iter().filter_map(|r| self.tasks.by_id(*r));
        for t in tasks() {
            // One hint per cache line of the terms (16 per 64 bytes).
            for x in t.sig.terms.iter().step_by(16) {
                prefetch(x);
            }
            if let Some(o) = self.open_until.get(t.cluster) {
                prefetch(o);
            }
            let lists = [&t.sig.deliverables, &t.sig.periods];
            for l in lists.into_iter().filter_map(|l| l.first()) {
                prefetch(l);
            }
        }
        for t in tasks() {
            let lists = [&t.sig.deliverables, &t.sig.periods];
            for l in lists.into_iter().filter_map(|l| l.first()) {
                prefetch(&**l);
            }
        }
        for r in ids {
            let Some(t) = self.tasks.by_id(r) else {
                continue;
            };
            if t.src == p.src || t.sent > p.at {
                continue;
            }
            let is_open = match open.iter().find(|(c, _)| *c == t.cluster) {
                Some((_, o)) => *o,
                None => {
                    let o = self.cluster_open(t.cluster, p.at, p.src.chat_id, p.makeup);
                    open.push((t.cluster, o));
                    o
                }
            };
            if !is_open {
                continue;
            }
            let score = self
                .judge(p, &weighed, new_text.as_deref(), t, &mut memo, false)
                .score;
            let x = (score.clamp(0.0, 1.0), t.sent, t);
            let at = scored.partition_point(|e| order(e, &x) != std::cmp::Ordering::Greater);
            if at < 3 {
                scored.insert(at, x);
                scored.truncate(3);
            }
        }
        scored
            .into_iter()
            .enumerate()
            .map(|(i, (score, _, t))| {
                let reasons = if i == 0 {
                    self.judge(p, &weighed, new_text.as_deref(), t, &mut memo, true)
                        .reasons
                } else {
                    Vec::new()
                };
                Link {
                    to: t.src,
                    score,
                    reasons,
                }
            })
            .collect()
    }

    /// The folded text of a new ask for the admins' pair rules, when any
    /// rule is set (folding is not free).
    fn pair_rule_text(&self, src: MsgRef) -> Option<String> {
        let rules = &self.settings.rules;
        if rules.never_merge.is_empty() && rules.always_merge.is_empty() {
            return None;
        }
        self.messages
            .get(&src)
            .map(|m| super::normalize::fold(&m.text))
    }

    /// Content similarity, then what the relation between the two asks says.
    fn judge(
        &self,
        p: &Probe<'_>,
        weighed: &matcher::Weighed<'_>,
        new_text: Option<&str>,
        old: &Task,
        memo: &mut ChatMemo,
        explain: bool,
    ) -> matcher::Verdict {
        let mut v = matcher::compare_weighed(weighed, &old.sig, &self.df, explain);
        match self.verdict(p.src, old.src) {
            Some(false) => {
                v.score = 0.0;
                v.note_first(explain, matcher::Reason::PersonSaid { same: false });
                return v;
            }
            Some(true) => {
                v.score = 1.0;
                v.note_first(explain, matcher::Reason::PersonSaid { same: true });
                return v;
            }
            None => {}
        }
        let rules = &self.settings.rules;
        if let Some(new_text) = new_text
            && let Some((same, pair)) =
                rules.pair_rule(new_text, &super::normalize::fold(&old.text))
        {
            v.score = if same { 1.0 } else { 0.0 };
            v.note_first(
                explain,
                matcher::Reason::Rule {
                    same,
                    a: pair.a.as_str().into(),
                    b: pair.b.as_str().into(),
                },
            );
            return v;
        }
        if p.reply_to == Some(old.src) {
            v.score = v.score.max(0.9);
            v.note_first(explain, matcher::Reason::Reply);
        }
        // Who asked whom only counts once the work itself looks alike:
        // one asker posts many different tasks in one group.
        let alike = v.score >= 0.15;
        let other_chat = old.src.chat_id != p.src.chat_id;
        let relayed = other_chat
            && passes_on_in_time(p.deadline, old.deadline)
            && match &old.assignees {
                Assignees::Group => {
                    old.sender != p.sender && memo.facts(self, p, old.src.chat_id).member
                }
                Assignees::People(people) => people.contains(&p.sender),
            };
        if alike && old.sender == p.sender && old.src.chat_id == p.src.chat_id {
            v.score += 0.1;
            v.note(explain, matcher::Reason::SameAsker);
        } else if alike
            && (relayed
                || (other_chat
                    && passes_on_in_time(p.deadline, old.deadline)
                    && memo.facts(self, p, old.src.chat_id).names_office))
        {
            // Relaying down: the sender was asked this in the other group,
            // or names the office that asked it there (县应急局的…, 县委宣传部要…).
            v.score += 0.15;
            v.note(explain, matcher::Reason::Relay);
        }
        if let Some(bonus) = follow_up_bonus(p, old, v.score) {
            v.score += bonus;
            v.note(explain, matcher::Reason::FollowUp);
        }
        if let (Assignees::People(a), Assignees::People(b)) = (p.assignees, &old.assignees)
            && a.iter().all(|x| !b.contains(x))
        {
            // Parallel asks of different people ("石桥村的也一样") are separate work.
            v.score -= 0.4;
            v.note(explain, matcher::Reason::DifferentPeople);
        }
        if let (Some(Deadline::Minute(a)), Some(Deadline::Minute(b))) = (p.deadline, old.deadline)
            && a.time() == b.time()
            && a.date() > b.date()
            && !p.reschedules
        {
            v.score -= 0.5;
            v.note(explain, matcher::Reason::AnotherInstance);
        }
        if let (Some(a), Some(b)) = (p.deadline, old.deadline)
            // Day numbers, not a `Duration`: this runs for every candidate.
            && (a.date().num_days_from_ce() - b.date().num_days_from_ce()).abs() > 5
            && !(a.date() < b.date() && relayed)
        {
            v.score -= 0.2;
            v.note(explain, matcher::Reason::DeadlinesFarApart);
        }
        v
    }

    /// The asks posted in a chat, oldest first.
    pub fn chat_tasks(&self, chat: ChatId) -> impl DoubleEndedIterator<Item = &Task> {
        self.by_chat
            .get(&chat)
            .into_iter()
            .flatten()
            .filter_map(|m| self.tasks.by_id(*m))
    }

    fn warnings(
        &self,
        src: MsgRef,
        sender: UserId,
        at: NaiveDateTime,
        link: Option<Link>,
        maybe: Option<Link>,
    ) -> Vec<Effect> {
        let Some(owner) = self.groups.get(&src.chat_id).and_then(|g| g.owner) else {
            return vec![];
        };
        let window = self.settings.rules.undated_days;
        let (l, is_maybe) = match (link, maybe) {
            (Some(l), _) => (l, false),
            (None, Some(m)) => (m, true),
            _ => return vec![],
        };
        let Some(cluster) = self.tasks.get(&l.to).map(|t| t.cluster) else {
            return vec![];
        };
        // Earlier pending asks in other groups the sender is not in: a relay
        // by someone who received the ask is no news to them.
        // The most recent asks suffice: a warning names where it was asked
        // lately, and a huge cluster must not make every message slow.
        let others: Vec<MsgRef> = self
            .clusters
            .get(&cluster)
            .into_iter()
            .flat_map(|ms| ms.iter().rev().take(64))
            .filter_map(|m| self.tasks.by_id(*m))
            .filter(|t| {
                t.src != src
                    && t.src.chat_id != src.chat_id
                    && t.is_pending_at(at, window)
                    && !self.is_member(t.src.chat_id, sender)
            })
            .map(|t| t.src)
            // A warning names the latest few places; more would not be read.
            .take(8)
            .collect();
        if others.is_empty() {
            return vec![];
        }
        // The shared words are added when the warning is rendered: most
        // warnings are never read twice, and finding them costs a re-read of
        // both texts.
        let reasons = l.reasons;
        vec![Effect::Warning(Warning {
            to: owner,
            task: src,
            duplicate_of: others,
            score: l.score,
            reasons,
            maybe: is_maybe,
        })]
    }

    /// Name words of the members of these chats, longest first (a full name
    /// before its first name).
    fn names_in(&self, chats: &[ChatId]) -> Vec<String> {
        let mut out: Vec<String> = chats
            .iter()
            .filter_map(|c| self.members.get(c))
            .flatten()
            .filter_map(|u| self.people.get(u))
            .flat_map(Person::name_words)
            .collect();
        out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        out.dedup();
        out
    }

    /// The rarest words two asks share, for explanations.
    pub fn shared_words(&self, a: MsgRef, b: MsgRef, limit: usize) -> Vec<String> {
        let text = |m: MsgRef| {
            self.messages
                .get(&m)
                .map(|x| super::normalize::fold(&x.text))
        };
        match (text(a), text(b)) {
            (Some(x), Some(y)) => matcher::shared_terms(
                &x,
                &y,
                &self.names_in(&[a.chat_id, b.chat_id]),
                &self.settings.rules,
                &self.df,
                limit,
            ),
            _ => Vec::new(),
        }
    }

    /// Is `user` asked to do `task`?
    pub fn is_assigned(&self, task: &Task, user: UserId) -> bool {
        match &task.assignees {
            Assignees::Group => task.sender != user && self.is_member(task.src.chat_id, user),
            Assignees::People(p) => p.contains(&user),
        }
    }

    /// Everyone who is a member of any group, in id order.
    pub fn all_members(&self) -> BTreeSet<UserId> {
        self.members.values().flatten().copied().collect()
    }
}

/// What a new ask's sender and text say about another group, worked out
/// once per group while its candidates are scored.
#[derive(Default)]
struct ChatMemo {
    chats: Vec<(ChatId, ChatFacts)>,
    /// Where the new ask's text could name an office, found once.
    runs: Option<Vec<SuffixRun>>,
}

#[derive(Clone, Copy)]
struct ChatFacts {
    /// The new ask's sender is a member of that group.
    member: bool,
    /// The new ask names the office whose group that is.
    names_office: bool,
}

impl ChatMemo {
    fn facts(&mut self, engine: &Engine, p: &Probe<'_>, chat: ChatId) -> ChatFacts {
        if let Some((_, f)) = self.chats.iter().find(|(c, _)| *c == chat) {
            return *f;
        }
        let names_office = match engine.offices.get(&chat) {
            Some(office) => {
                let runs = self.runs.get_or_insert_with(|| suffix_runs(p.folded));
                names_office_in(runs, office)
            }
            None => false,
        };
        let f = ChatFacts {
            member: engine.in_group(p.sender, chat),
            names_office,
        };
        self.chats.push((chat, f));
        f
    }
}

/// Characters that end an institution's name (县应急管理局, 宣传部, 党政办…).
const OFFICE_SUFFIX: &[char] = &['局', '部', '办', '委', '院', '所', '站', '府', '队', '心'];

/// The office a work group belongs to, from its title: the head up to the
/// first separator, when it ends in an institution's suffix and has three
/// or more characters (县应急管理局 from 县应急管理局·乡镇应急办群).
fn office_of(title: &str) -> Option<Box<[char]>> {
    let mut head = title
        .split(['·', '（', '(', ' ', '-', '—'])
        .next()
        .unwrap_or(title);
    while let Some(h) = head.strip_suffix("工作群") {
        head = h;
    }
    let head = head.trim_end_matches('群');
    let office: Box<[char]> = head.chars().collect();
    let last = *office.last()?;
    (office.len() >= 3 && OFFICE_SUFFIX.contains(&last)).then_some(office)
}

/// An office-suffix character of a text and the (up to) seven characters
/// before it: the only places an office can be named.
#[derive(Debug, Clone, Copy)]
struct SuffixRun {
    /// In text order, right-aligned: the suffix is `chars[7]`.
    chars: [char; 8],
    len: usize,
}

fn suffix_runs(text: &str) -> Vec<SuffixRun> {
    let mut out = Vec::new();
    let mut window = ['\0'; 8];
    let mut seen = 0usize;
    for c in text.chars() {
        window.copy_within(1.., 0);
        window[7] = c;
        seen += 1;
        if OFFICE_SUFFIX.contains(&c) {
            out.push(SuffixRun {
                chars: window,
                len: seen.min(8),
            });
        }
    }
    out
}

/// Does `text` name the office whose work group is titled `title`, in full
/// or abbreviated (应急局 for 县应急管理局·乡镇应急办群)? An abbreviation keeps
/// the office's suffix and three or more of its characters, in order.
#[cfg(test)]
fn names_office(text: &str, title: &str) -> bool {
    office_of(title).is_some_and(|office| names_office_in(&suffix_runs(text), &office))
}

/// [`names_office`] over a text's suffix runs and a group's office.
fn names_office_in(runs: &[SuffixRun], office: &[char]) -> bool {
    let Some(&last) = office.last() else {
        return false;
    };
    let in_order = |s: &[char]| {
        let mut it = office.iter();
        s.iter().all(|c| it.any(|o| o == c))
    };
    runs.iter().filter(|r| r.chars[7] == last).any(|r| {
        (3..=office.len().min(8)).any(|len| {
            len <= r.len && {
                let s = &r.chars[8 - len..];
                s.iter().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)) && in_order(s)
            }
        })
    })
}

/// Passing an ask on sets the same or an earlier deadline for one's own
/// people (they must deliver before one can); an ask due later than the one
/// its sender received is other work, or that work's next round.
fn passes_on_in_time(new: Option<Deadline>, old: Option<Deadline>) -> bool {
    match (new, old) {
        (Some(n), Some(o)) => n.date() <= o.date(),
        _ => true,
    }
}

/// A reminder, chaser or moved time in the group of an open ask, about the
/// same work: it names little beyond a topic word or the deliverable, so its
/// wording alone rarely reaches the threshold. Counts only when the two
/// already share something specific (some of the work's words or the same
/// deliverable); the asker's own follow-up counts more than a colleague's.
fn follow_up_bonus(p: &Probe<'_>, old: &Task, content: f64) -> Option<f64> {
    if !p.follows_up || old.src.chat_id != p.src.chat_id {
        return None;
    }
    let same_deliverable =
        matcher::first_shared(&p.sig.deliverables, &old.sig.deliverables).is_some();
    if content < 0.1 && !same_deliverable {
        return None;
    }
    Some(if old.sender == p.sender { 0.15 } else { 0.1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reasons kept for a candidate: only the best one's are.
    fn reasons_of<'a>(t: &'a Task, c: &Candidate) -> &'a [matcher::Reason] {
        t.link
            .iter()
            .chain(t.best_unmerged.as_deref())
            .find(|l| l.to == c.to)
            .map(|l| l.reasons.as_slice())
            .unwrap_or(&[])
    }
    use crate::core::digest;

    fn ev(json: &str) -> Event {
        serde_json::from_str(json).expect("valid test event")
    }

    fn engine() -> Engine {
        let mut e = people_and_groups();
        for j in [
            r#"{"type":"message","chat_id":-1001,"message_id":10,"sender_id":1,"date":"2024-03-04T09:00:00+08:00","text":"各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。"}"#,
            r#"{"type":"message","chat_id":-1002,"message_id":20,"sender_id":3,"date":"2024-03-04T10:00:00+08:00","text":"各村：学雷锋志愿服务活动信息和照片请明天下午5点前报我。"}"#,
        ] {
            e.apply(&ev(j));
        }
        e
    }

    /// Two groups: 周敏 (1) owns -1001, 李娜 (3) owns -1002, 王磊 (2) is in both.
    fn people_and_groups() -> Engine {
        let mut e = Engine::new(Settings::from_config(&Config::default()).expect("settings"));
        for j in [
            r#"{"type":"person","user_id":1,"name":"周敏"}"#,
            r#"{"type":"person","user_id":2,"name":"王磊"}"#,
            r#"{"type":"person","user_id":3,"name":"李娜"}"#,
            r#"{"type":"group","chat_id":-1001,"title":"县委宣传部群","owner_id":1}"#,
            r#"{"type":"group","chat_id":-1002,"title":"镇宣传办群","owner_id":3}"#,
            r#"{"type":"member","chat_id":-1001,"user_id":1}"#,
            r#"{"type":"member","chat_id":-1001,"user_id":2}"#,
            r#"{"type":"member","chat_id":-1002,"user_id":3}"#,
            r#"{"type":"member","chat_id":-1002,"user_id":2}"#,
        ] {
            e.apply(&ev(j));
        }
        e
    }

    const A: MsgRef = MsgRef {
        chat_id: ChatId(-1001),
        message_id: 10,
    };
    const B: MsgRef = MsgRef {
        chat_id: ChatId(-1002),
        message_id: 20,
    };

    fn at() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2024-03-05T07:30", "%Y-%m-%dT%H:%M").expect("time")
    }

    proptest::proptest! {
        /// The tally keeps what sorting every counted id would keep: the
        /// highest counts, then the newest (highest) ids.
        #[test]
        fn the_tally_keeps_the_ids_sharing_most_terms(
            lists in proptest::collection::vec(proptest::collection::vec(0u32..300, 0..64), 0..9),
            keep in 0usize..20,
        ) {
            let mut table = Counts::default();
            let mut naive: BTreeMap<u32, u64> = BTreeMap::new();
            for list in &lists {
                let mut list = list.clone();
                list.sort_unstable();
                list.dedup();
                for id in list {
                    table.bump(id);
                    *naive.entry(id).or_default() += 1;
                }
            }
            let mut want: Vec<u64> = naive.iter().map(|(id, c)| c << 32 | *id as u64).collect();
            want.sort_unstable_by(|a, b| b.cmp(a));
            want.truncate(keep);
            proptest::prop_assert_eq!(table.drain_best(keep), want);
            // Emptied for the next search.
            table.bump(7);
            proptest::prop_assert_eq!(table.drain_best(5), vec![1u64 << 32 | 7]);
        }
    }

    #[test]
    fn a_persons_groups_follow_joins_and_leaves() {
        let mut e = engine();
        let (a, b) = (ChatId(-100), ChatId(-200));
        let member = |chat: ChatId, user: i64| {
            ev(&format!(
                r#"{{"type":"member","chat_id":{},"user_id":{user}}}"#,
                chat.0
            ))
        };
        e.apply(&member(b, 7));
        e.apply(&member(a, 7));
        e.apply(&member(a, 7));
        e.apply(&member(a, 8));
        e.apply(&ev(&format!(
            r#"{{"type":"member_left","chat_id":{},"user_id":7}}"#,
            b.0
        )));
        for (chat, user) in [(a, 7), (b, 7), (a, 8), (b, 8), (a, 9)] {
            assert_eq!(
                e.in_group(UserId(user), chat),
                e.is_member(chat, UserId(user)),
                "{chat:?} {user}"
            );
        }
        assert!(e.in_group(UserId(7), a) && !e.in_group(UserId(7), b));
        assert_eq!(e.groups_of[&UserId(7)], vec![a]);
    }

    #[test]
    fn cue_words_are_found_in_one_pass_as_by_scanning_for_each() {
        for text in [
            "请各村抓紧报送",
            "还没交的请补交",
            "截止时间改至周五，提前完成",
            "still missing two reports, deadline moved to friday",
            "没有提到任何线索",
            "补上",
            "",
        ] {
            let scanned = Cues {
                follows_up: FOLLOW_UP.iter().any(|w| text.contains(w)),
                makeup: MAKEUP.iter().any(|w| text.contains(w)),
                reschedules: RESCHEDULE.iter().any(|w| text.contains(w)),
            };
            assert_eq!(Cues::of(text), scanned, "{text}");
        }
        assert_eq!(
            Cues::of("还没交的请补交，时间改至周五"),
            Cues {
                follows_up: true,
                makeup: true,
                reschedules: true
            }
        );
    }

    #[test]
    fn the_same_ask_from_two_offices_is_one_item_with_both_sources() {
        let e = engine();
        assert_eq!(
            e.tasks[&A].cluster, e.tasks[&B].cluster,
            "{:?}",
            e.tasks[&B].considered
        );
        let d = digest::build(&e, UserId(2), at());
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].sources.len(), 2);
        assert!(d.items[0].conflict, "3/6 12:00 and 3/5 17:00 differ");
    }

    #[test]
    fn a_never_merge_verdict_is_honoured_at_once_and_same_merges_back() {
        let mut e = engine();
        e.apply(&ev(r#"{"type":"feedback","task":{"chat_id":-1002,"message_id":20},"other":{"chat_id":-1001,"message_id":10},"same":false,"by":3,"date":"2024-03-04T10:05:00+08:00"}"#));
        assert_ne!(e.tasks[&A].cluster, e.tasks[&B].cluster);
        assert_eq!(
            digest::build(&e, UserId(2), at()).items.len(),
            2,
            "both asks still shown, apart"
        );
        // A later chaser that looks like both cannot bring them back together
        // through the pair the person separated.
        assert_eq!(e.verdict(A, B), Some(false));
        e.apply(&ev(r#"{"type":"feedback","task":{"chat_id":-1002,"message_id":20},"other":{"chat_id":-1001,"message_id":10},"same":true,"by":3,"date":"2024-03-04T10:06:00+08:00"}"#));
        assert_eq!(e.tasks[&A].cluster, e.tasks[&B].cluster);
    }

    fn msg(chat: i64, id: i64, sender: i64, date: &str, text: &str) -> Event {
        ev(&serde_json::json!({
            "type": "message", "chat_id": chat, "message_id": id, "sender_id": sender,
            "date": date, "text": text,
        })
        .to_string())
    }

    fn r(chat: i64, id: i64) -> MsgRef {
        MsgRef {
            chat_id: ChatId(chat),
            message_id: id,
        }
    }

    #[test]
    fn the_askers_reminder_in_the_group_joins_the_open_ask() {
        let mut e = engine();
        e.apply(&msg(
            -1002,
            21,
            3,
            "2024-03-04T10:30:00+08:00",
            "各村：请把本村冬春季节水利设施巡护记录表整理好，周三下午5点前发群里。",
        ));
        e.apply(&msg(
            -1002,
            22,
            3,
            "2024-03-04T11:00:00+08:00",
            "各村：请组织村民开展一次人居环境整治，整治前后对比照片周四前报我。",
        ));
        e.apply(&msg(
            -1002,
            23,
            3,
            "2024-03-05T16:00:00+08:00",
            "提醒：水利设施巡护记录表还有3个村没发，抓紧。",
        ));
        let t = &e.tasks[&r(-1002, 23)];
        assert_eq!(
            t.cluster,
            e.tasks[&r(-1002, 21)].cluster,
            "{:?}",
            t.considered
        );
        assert!(
            t.link
                .as_ref()
                .is_some_and(|l| l.reasons.contains(&matcher::Reason::FollowUp)),
            "{:?}",
            t.link
        );
        // Precision trap: the same chaser words about nothing the group was
        // asked for stay a piece of work of their own.
        e.apply(&msg(
            -1002,
            24,
            3,
            "2024-03-05T16:10:00+08:00",
            "提醒：防火宣传横幅还有3个村没挂，抓紧。",
        ));
        let t = &e.tasks[&r(-1002, 24)];
        assert!(t.link.is_none(), "{:?}", t.link);
    }

    #[test]
    fn a_reminder_in_another_group_is_no_follow_up() {
        let mut e = engine();
        // 李娜 (3) chases in her own group an ask that only 周敏's group got.
        e.apply(&msg(
            -1001,
            11,
            1,
            "2024-03-04T10:30:00+08:00",
            "各乡镇：请把冬春季节水利设施巡护记录表整理好，周三下午5点前报送。",
        ));
        e.apply(&msg(
            -1002,
            25,
            3,
            "2024-03-05T16:00:00+08:00",
            "提醒：巡护记录还有人没发。",
        ));
        let t = &e.tasks[&r(-1002, 25)];
        assert!(
            !t.considered
                .iter()
                .any(|l| reasons_of(t, l).contains(&matcher::Reason::FollowUp)),
            "{:?}",
            t.considered
        );
    }

    #[test]
    fn passing_an_ask_on_sets_an_earlier_deadline_not_a_later_one() {
        // 王磊 (2) received A (due 3/6 12:00) in -1001 and asks in -1002.
        let a = r#"{"type":"message","chat_id":-1001,"message_id":10,"sender_id":1,"date":"2024-03-04T09:00:00+08:00","text":"各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。"}"#;
        let mut e = people_and_groups();
        e.apply(&ev(a));
        e.apply(&msg(
            -1002,
            31,
            2,
            "2024-03-04T11:00:00+08:00",
            "各村：学雷锋志愿服务活动信息和照片3月5日下班前报我汇总。",
        ));
        let relay = &e.tasks[&r(-1002, 31)];
        assert_eq!(relay.cluster, e.tasks[&A].cluster, "{:?}", relay.considered);
        assert!(
            relay
                .link
                .as_ref()
                .is_some_and(|l| l.reasons.contains(&matcher::Reason::Relay)),
            "{:?}",
            relay.link
        );
        // Precision trap: due after what he received, it is not his relay of it.
        let mut e = people_and_groups();
        e.apply(&ev(a));
        e.apply(&msg(
            -1002,
            32,
            2,
            "2024-03-04T11:00:00+08:00",
            "各村：学雷锋志愿服务活动信息和照片3月9日下班前报我汇总。",
        ));
        let later = &e.tasks[&r(-1002, 32)];
        assert!(
            !later
                .considered
                .iter()
                .any(|l| reasons_of(later, l).contains(&matcher::Reason::Relay)),
            "{:?}",
            later.considered
        );
        assert!(passes_on_in_time(None, Some(Deadline::Day(at().date()))));
    }

    #[test]
    fn an_earlier_internal_deadline_at_the_same_hour_is_no_other_instance() {
        let mut e = engine();
        e.apply(&msg(
            -1001,
            12,
            1,
            "2024-03-04T09:00:00+08:00",
            "各乡镇：请于3月8日17:30前报送春季森林防火值班表。",
        ));
        e.apply(&msg(
            -1002,
            33,
            2,
            "2024-03-04T10:00:00+08:00",
            "各村：春季森林防火值班表3月7日17:30前报我。",
        ));
        let t = &e.tasks[&r(-1002, 33)];
        assert_eq!(
            t.cluster,
            e.tasks[&r(-1001, 12)].cluster,
            "{:?}",
            t.considered
        );
        assert!(
            t.link
                .as_ref()
                .is_some_and(|l| !l.reasons.contains(&matcher::Reason::AnotherInstance)),
            "{:?}",
            t.link
        );
        // The same hour on a later day is (a sign of) the next round.
        e.apply(&msg(
            -1002,
            34,
            3,
            "2024-03-04T10:05:00+08:00",
            "各村：每日秸秆禁烧巡查情况今天17:30前报我。",
        ));
        e.apply(&msg(
            -1002,
            35,
            3,
            "2024-03-04T16:00:00+08:00",
            "各村：每日秸秆禁烧巡查情况明天17:30前报我。",
        ));
        let t = &e.tasks[&r(-1002, 35)];
        assert!(
            t.considered
                .first()
                .is_some_and(|l| reasons_of(t, l).contains(&matcher::Reason::AnotherInstance)),
            "{:?}",
            t.considered
        );
    }

    #[test]
    fn an_ask_naming_the_office_that_asked_elsewhere_passes_it_on() {
        assert!(names_office(
            "周丽 应急局的物资统计表你对接一下",
            "县应急管理局·乡镇应急办群"
        ));
        assert!(names_office(
            "县文旅体局要2月份文化活动统计",
            "县文旅体局·乡镇文化站工作群"
        ));
        assert!(names_office(
            "县委宣传部要用",
            "云岭县委宣传部·乡镇宣传工作群"
        ));
        // Precision traps: another office, or a title that names no office.
        assert!(!names_office(
            "县教育局要的统计表",
            "县应急管理局·乡镇应急办群"
        ));
        assert!(!names_office("镇防汛值班表", "河口镇防汛工作群"));
    }

    #[test]
    fn done_hides_the_item_for_that_person_only() {
        let mut e = engine();
        e.apply(&ev(r#"{"type":"member","chat_id":-1002,"user_id":1}"#));
        e.apply(&ev(r#"{"type":"done","user_id":2,"task":{"chat_id":-1002,"message_id":20},"date":"2024-03-04T11:00:00+08:00"}"#));
        assert!(digest::build(&e, UserId(2), at()).items.is_empty());
        assert_eq!(digest::build(&e, UserId(1), at()).items.len(), 1);
    }

    #[test]
    fn an_owner_is_warned_when_another_office_already_asked() {
        let mut e = engine();
        e.apply(&ev(
            r#"{"type":"group","chat_id":-1003,"title":"县文旅局群","owner_id":4}"#,
        ));
        e.apply(&ev(r#"{"type":"member","chat_id":-1003,"user_id":4}"#));
        e.apply(&ev(r#"{"type":"member","chat_id":-1003,"user_id":2}"#));
        let fx = e.apply(&ev(r#"{"type":"message","chat_id":-1003,"message_id":30,"sender_id":4,"date":"2024-03-04T11:00:00+08:00","text":"各文化站：学雷锋志愿服务活动开展情况（文字+照片）3月6日前报送。"}"#));
        let Some(Effect::Warning(w)) = fx.first() else {
            panic!("no warning: {fx:?}")
        };
        assert_eq!(w.to, UserId(4));
        assert!(w.duplicate_of.contains(&A));
        assert!(!w.reasons.is_empty());
    }
}
