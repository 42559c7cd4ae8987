//! Judging: how alike a new ask is to each earlier one retrieved for it
//! (content similarity, then what the relation between the two asks says:
//! people's verdicts, admins' pair rules, replies, relays, follow-ups), and
//! the best matches kept with their reasons.

use super::Engine;
use super::records::{Link, Task};
use crate::core::dupmodel::{Features, f};
use crate::core::lexicon::{
    DAILY, FOLLOW_UP, MAKEUP, OFFICE_SUFFIXES, RESCHEDULE, SEPARATE, WEEKLY, Words,
};
use crate::core::matcher::{self, Signature};
use crate::model::{Assignees, ChatId, Deadline, MsgRef, UserId};
use aho_corasick::AhoCorasick;
use chrono::{Datelike, NaiveDateTime};
use std::sync::LazyLock;

/// The new task being matched.
pub(super) struct Probe<'a> {
    pub(super) src: MsgRef,
    pub(super) sender: UserId,
    pub(super) at: NaiveDateTime,
    pub(super) sig: &'a Signature,
    /// The folded text.
    pub(super) folded: &'a str,
    pub(super) reply_to: Option<MsgRef>,
    pub(super) deadline: Option<Deadline>,
    pub(super) assignees: &'a Assignees,
    /// The text moves a time (延期, 改到, "moved to"): same work, new time.
    pub(super) reschedules: bool,
    /// A make-up ask after a deadline passed (补交, "missed … send it by"):
    /// only dated asks still open count.
    pub(super) makeup: bool,
    /// A reminder or chaser (提醒, 还没交, "still missing"), or a moved time:
    /// it points at an open ask rather than stating new work.
    pub(super) follows_up: bool,
    /// The text recurs each day or shift, or each week: an earlier day's
    /// (week's) ask is another instance of it.
    pub(super) daily: bool,
    pub(super) weekly: bool,
}

impl Probe<'_> {
    /// A reminder or chaser (or a moved time) of an ask its sender made in
    /// its own group: weighed as its own signal, and held to the work as it
    /// was asked in that group.
    pub(super) fn follows_own(&self, old: &Task) -> bool {
        self.follows_up && old.src.chat_id == self.src.chat_id && old.sender == self.sender
    }
}

/// Which kinds of cue words a text holds, found in one pass.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Cues {
    pub(super) follows_up: bool,
    pub(super) makeup: bool,
    pub(super) reschedules: bool,
    pub(super) separate: bool,
    pub(super) daily: bool,
    pub(super) weekly: bool,
}

impl Cues {
    pub(super) fn of(folded: &str) -> Cues {
        // Pattern ids run through the lists in KINDS' order.
        const KINDS: [Words; 6] = [FOLLOW_UP, MAKEUP, RESCHEDULE, SEPARATE, DAILY, WEEKLY];
        static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::new(KINDS.iter().flat_map(|k| k.iter())).expect("fixed cue words")
        });
        let mut found = [false; KINDS.len()];
        // Overlapping: a word inside another kind's word still counts.
        for m in WORDS.find_overlapping_iter(folded) {
            let mut i = m.pattern().as_usize();
            let mut k = 0;
            while k < KINDS.len() && i >= KINDS[k].len() {
                i -= KINDS[k].len();
                k += 1;
            }
            if let Some(x) = found.get_mut(k) {
                *x = true;
            }
        }
        let [follows_up, makeup, reschedules, separate, daily, weekly] = found;
        Cues {
            follows_up,
            makeup,
            reschedules,
            separate,
            daily,
            weekly,
        }
    }
}

impl Engine {
    /// Earlier asks of still-open clusters, best first (at most three); the
    /// best carries its reasons.
    /// With `samples`, every candidate's signals are kept there too (for
    /// fitting the model).
    /// What every candidate of one new ask is scored with, worked out once
    /// for the best match and the whole-cluster check.
    pub(super) fn scorer<'a>(&'a self, p: &Probe<'a>) -> Scorer<'a> {
        Scorer {
            weighed: matcher::Weighed::new(p.sig, &self.df),
            new_text: self.pair_rule_text(p.src),
        }
    }

    pub(super) fn best_match(
        &self,
        p: &Probe<'_>,
        scorer: &Scorer<'_>,
        mut samples: Option<&mut Vec<(MsgRef, Features)>>,
    ) -> Vec<Link> {
        let (weighed, new_text) = (&scorer.weighed, &scorer.new_text);
        let ids = self.retrieve(p.sig, p.src.chat_id, p.reply_to);
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
            // A chaser or pointer belongs to the one ask it points at and
            // must never tie two others together: it is no target itself.
            if matcher::is_thin(&t.sig) && p.reply_to != Some(t.src) {
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
            let v = self.judge(p, weighed, new_text.as_deref(), t, &mut memo, false);
            if let Some(s) = samples.as_deref_mut() {
                s.push((t.src, v.features));
            }
            let score = v.score;
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
                    self.judge(p, weighed, new_text.as_deref(), t, &mut memo, true)
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

    /// An ask that sets itself apart from other work names that work's
    /// deliverable ("不要和回执统计表合并"): it may still join an ask of another
    /// deliverable (its own work, relayed), never one of the work it named.
    /// Naming none, it joins nothing but what it replies to.
    pub(super) fn not_the_other_work(&self, folded: &str, old: &Task) -> bool {
        let named = matcher::other_work_deliverables(folded, &self.settings.rules);
        !named.is_empty() && !old.sig.deliverables.iter().any(|d| named.contains(&&**d))
    }

    /// Does the new ask fit the cluster as a whole, not merely its best
    /// match? Its mean score against the cluster's latest (up to eight)
    /// asks that name their work must also reach `threshold` (the rules'
    /// fitted `cluster` threshold): one link at a
    /// time, a cluster would otherwise drift from one piece of work to the
    /// next. Thin asks (chasers) are left out of the mean. With `local`
    /// (a reminder of the sender's own ask in its group) only the work's
    /// asks in the new ask's group count: the work as it was asked there.
    pub(super) fn fits_cluster(
        &self,
        p: &Probe<'_>,
        scorer: &Scorer<'_>,
        cluster: u64,
        threshold: f64,
        local: bool,
    ) -> bool {
        let Some(members) = self.clusters.get(&cluster) else {
            return true;
        };
        let (weighed, new_text) = (&scorer.weighed, &scorer.new_text);
        let mut memo = ChatMemo::default();
        let (mut sum, mut n) = (0.0, 0usize);
        let named = members
            .iter()
            .rev()
            .filter_map(|id| self.tasks.by_id(*id))
            .filter(|t| t.src != p.src && !matcher::is_thin(&t.sig))
            .filter(|t| !local || t.src.chat_id == p.src.chat_id)
            .take(WHOLE_CLUSTER);
        for t in named {
            let v = self.judge(p, weighed, new_text.as_deref(), t, &mut memo, false);
            sum += v.score.clamp(0.0, 1.0);
            n += 1;
        }
        n == 0 || sum / n as f64 >= threshold
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
            .map(|m| crate::core::normalize::fold(&m.text))
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
                rules.pair_rule(new_text, &crate::core::normalize::fold(&old.text))
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
        let x = &mut v.features;
        x[f::OTHER_CHAT] = flag(old.src.chat_id != p.src.chat_id);
        x[f::THIN_NEW] = flag(matcher::is_thin(p.sig));
        x[f::THIN_OLD] = flag(matcher::is_thin(&old.sig));
        // One piece of work has one time: a relay or a reminder keeps it.
        x[f::SAME_DEADLINE] = flag(p.deadline.is_some() && p.deadline == old.deadline);
        // A reminder or chaser points at an open ask in its own group,
        // most often its sender's own.
        let here = p.follows_up && old.src.chat_id == p.src.chat_id;
        x[f::CHASES_HERE] = flag(here);
        x[f::CHASES_OWN] = flag(p.follows_own(old));
        // A moved time (改到, 推迟, "moved to") moves an ask of its sender's
        // in its group: the meeting or the hand-in it rescheduled.
        x[f::MOVES_OWN] = flag(p.reschedules && p.follows_own(old));
        if p.reply_to == Some(old.src) {
            v.features[f::REPLY] = 1.0;
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
            v.features[f::SAME_ASKER] = 1.0;
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
            v.features[f::RELAY] = 1.0;
            v.score += 0.15;
            v.note(explain, matcher::Reason::Relay);
        }
        if let Some(bonus) = follow_up_bonus(p, old, v.score) {
            v.features[f::FOLLOW_UP] = 1.0;
            v.score += bonus;
            v.note(explain, matcher::Reason::FollowUp);
        }
        if let (Assignees::People(a), Assignees::People(b)) = (p.assignees, &old.assignees)
            && a.iter().all(|x| !b.contains(x))
        {
            // Parallel asks of different people ("石桥村的也一样") are separate work.
            v.features[f::DIFFERENT_PEOPLE] = 1.0;
            // The same asker handing out work to one person after another in
            // one group: each is their own piece of work, unless it chases.
            if old.sender == p.sender && !other_chat && !p.follows_up {
                v.features[f::PARALLEL] = 1.0;
            }
            v.score -= 0.4;
            v.note(explain, matcher::Reason::DifferentPeople);
        }
        if let (Some(Deadline::Minute(a)), Some(Deadline::Minute(b))) = (p.deadline, old.deadline)
            && a.time() == b.time()
            && a.date() > b.date()
            && !p.reschedules
        {
            v.features[f::ANOTHER_INSTANCE] = 1.0;
            v.score -= 0.5;
            v.note(explain, matcher::Reason::AnotherInstance);
        }
        if v.features[f::ANOTHER_INSTANCE] == 0.0 && another_round(p, old) {
            v.features[f::ANOTHER_INSTANCE] = 1.0;
            v.score -= 0.5;
            v.note(explain, matcher::Reason::AnotherInstance);
        }
        if let (Some(a), Some(b)) = (p.deadline, old.deadline)
            // Day numbers, not a `Duration`: this runs for every candidate.
            && (a.date().num_days_from_ce() - b.date().num_days_from_ce()).abs() > 5
            && !(a.date() < b.date() && relayed)
        {
            v.features[f::DEADLINES_FAR_APART] = 1.0;
            v.score -= 0.2;
            v.note(explain, matcher::Reason::DeadlinesFarApart);
        }
        if let Some(m) = &rules.model {
            v.score = m.prob(&v.features);
        }
        if v.features[f::ANOTHER_INSTANCE] > 0.0 {
            // Another day's (shift's, week's) instance is its own piece of
            // work however alike the wording: at most the owner is asked.
            v.score = v.score.min(rules.maybe);
        }
        v
    }
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// The new ask's weighed terms and, when admins set pair rules, its folded
/// text: the same for every candidate it is scored against.
pub(super) struct Scorer<'a> {
    weighed: matcher::Weighed<'a>,
    new_text: Option<String>,
}

/// How many of a cluster's latest asks a joining ask is weighed against.
const WHOLE_CLUSTER: usize = 8;

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

/// The office a work group belongs to, from its title: the head up to the
/// first separator, when it ends in an institution's suffix and has three
/// or more characters (县应急管理局 from 县应急管理局·乡镇应急办群).
pub(super) fn office_of(title: &str) -> Option<Box<[char]>> {
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
    (office.len() >= 3 && OFFICE_SUFFIXES.contains(&last)).then_some(office)
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
        if OFFICE_SUFFIXES.contains(&c) {
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
pub(super) fn passes_on_in_time(new: Option<Deadline>, old: Option<Deadline>) -> bool {
    match (new, old) {
        (Some(n), Some(o)) => n.date() <= o.date(),
        _ => true,
    }
}

/// Work that recurs each day (shift) or week, asked again on another day
/// (week): that day's own instance, unless it chases or moves the earlier
/// one or replies to it.
fn another_round(p: &Probe<'_>, old: &Task) -> bool {
    if p.follows_up || p.reply_to == Some(old.src) {
        return false;
    }
    let (a, b) = (p.at.date(), old.sent.date());
    (p.daily && a != b) || (p.weekly && a.iso_week() != b.iso_week())
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

    #[test]
    fn cue_words_are_found_in_one_pass_as_by_scanning_for_each() {
        for text in [
            "请各村抓紧报送",
            "还没交的请补交",
            "截止时间改至周五，提前完成",
            "still missing two reports, deadline moved to friday",
            "没有提到任何线索",
            "补上",
            "这张表和上个月那张是两回事，每周一报",
            "the weekly count is a different return from the daily one",
            "",
        ] {
            let has = |l: Words| l.iter().any(|w| text.contains(w));
            let scanned = Cues {
                follows_up: has(FOLLOW_UP),
                makeup: has(MAKEUP),
                reschedules: has(RESCHEDULE),
                separate: has(SEPARATE),
                daily: has(DAILY),
                weekly: has(WEEKLY),
            };
            assert_eq!(Cues::of(text), scanned, "{text}");
        }
        assert_eq!(
            Cues::of("还没交的请补交，时间改至周五"),
            Cues {
                follows_up: true,
                makeup: true,
                reschedules: true,
                ..Cues::default()
            }
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
}
