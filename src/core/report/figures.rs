//! The report's rows counted from the period's asks: one tally of what
//! every row needs (the asks by piece of work, the pieces with conflicting
//! deadlines, everyone's pile-ups), then each row as a filter over it. A
//! conflict or pile-up counts in a row when one of its asks falls in it.

use super::{
    Ask, Conflict, Figures, GroupRef, OfficeRow, Overlap, Params, Pileup, Work, monday, round,
    week_name,
};
use crate::core::conflicts;
use crate::core::engine::Engine;
use crate::core::title::short_title;
use crate::model::{ChatId, Deadline, UserId};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A piece of work someone owes and the soonest deadline they were given.
type Owed = (u64, Option<Deadline>);
/// Groups, people reached, asks: how a piece of work ranks in `top_work`.
type Rank = (usize, usize, usize);

pub(super) struct Tally<'a> {
    engine: &'a Engine,
    p: &'a Params,
    asks: &'a [Ask<'a>],
    /// Piece of work → its asks in the period (indices into `asks`).
    by_cluster: BTreeMap<u64, Vec<usize>>,
    conflicting: BTreeSet<u64>,
    /// Person, the pieces of work piling up on them, their deadlines.
    pileups: Vec<(UserId, Vec<u64>, Vec<Deadline>)>,
    /// Each piece of work's place in `by_cluster`, for per-row marks.
    dense: HashMap<u64, usize>,
    /// By dense piece of work: does it conflict; which pile-ups hold it.
    conflicting_dense: Vec<bool>,
    pileups_of: Vec<Vec<usize>>,
}

impl<'a> Tally<'a> {
    pub fn new(engine: &'a Engine, p: &'a Params, asks: &'a [Ask<'a>]) -> Tally<'a> {
        let mut by_cluster: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, a) in asks.iter().enumerate() {
            by_cluster.entry(a.task.cluster).or_default().push(i);
        }
        let conflicting: BTreeSet<u64> = by_cluster
            .iter()
            .filter(|(_, ix)| {
                conflicts::distinct_deadlines(ix.iter().map(|&i| asks[i].task.deadline)).len() > 1
            })
            .map(|(c, _)| *c)
            .collect();
        // Each person's pieces of work with the soonest deadline they were
        // given (flat lists sorted once: a map per person costs seconds at
        // a quarter of a million asks).
        let mut owed: HashMap<UserId, Vec<Owed>> = HashMap::new();
        for a in asks {
            for u in &a.reached {
                owed.entry(*u)
                    .or_default()
                    .push((a.task.cluster, a.task.deadline));
            }
        }
        let mut owed: Vec<(UserId, Vec<Owed>)> = owed.into_iter().collect();
        owed.sort_unstable_by_key(|(u, _)| *u);
        let s = &engine.settings.conflicts;
        let mut pileups = Vec::new();
        for (user, mut work) in owed {
            // Stable: of equal deadlines the first asked stays.
            work.sort_by_key(|(c, d)| (*c, d.is_none(), d.map(|d| d.sort_key())));
            work.dedup_by_key(|(c, _)| *c);
            let (clusters, deadlines): (Vec<u64>, Vec<Option<Deadline>>) = work.into_iter().unzip();
            for ix in conflicts::pileups(
                &deadlines,
                s.pileup_count,
                Duration::minutes(s.pileup_window_minutes),
            ) {
                pileups.push((
                    user,
                    ix.iter().map(|&i| clusters[i]).collect(),
                    ix.iter().filter_map(|&i| deadlines[i]).collect(),
                ));
            }
        }
        let dense: HashMap<u64, usize> = by_cluster
            .keys()
            .enumerate()
            .map(|(i, c)| (*c, i))
            .collect();
        let conflicting_dense = by_cluster.keys().map(|c| conflicting.contains(c)).collect();
        let mut pileups_of = vec![Vec::new(); by_cluster.len()];
        for (i, (_, cs, _)) in pileups.iter().enumerate() {
            for c in cs {
                if let Some(&d) = dense.get(c) {
                    pileups_of[d].push(i);
                }
            }
        }
        Tally {
            engine,
            p,
            asks,
            by_cluster,
            conflicting,
            pileups,
            dense,
            conflicting_dense,
            pileups_of,
        }
    }

    /// The figures over all the asks.
    pub fn totals(&self) -> Figures {
        self.figures((0..self.asks.len()).collect())
    }

    /// The figures over the asks at `ix` (indices into `asks`). Each row is
    /// counted from its own asks only, so all rows together cost about one
    /// pass over the asks, not one pass per row.
    fn figures(&self, ix: Vec<usize>) -> Figures {
        let rows: Vec<&Ask> = ix.iter().map(|&i| &self.asks[i]).collect();
        // The row's pieces of work, each once.
        let mut seen = vec![false; self.by_cluster.len()];
        let mut in_row: Vec<usize> = Vec::new();
        for a in &rows {
            if let Some(&d) = self.dense.get(&a.task.cluster)
                && !seen[d]
            {
                seen[d] = true;
                in_row.push(d);
            }
        }
        let mut piled = vec![false; self.pileups.len()];
        let mut pileups = 0;
        for &d in &in_row {
            for &p in &self.pileups_of[d] {
                if !piled[p] {
                    piled[p] = true;
                    pileups += 1;
                }
            }
        }
        let workday_end = self.engine.settings.workday_end;
        let cal = &self.engine.settings.calendar;
        let mut notice: Vec<i64> = rows
            .iter()
            .filter_map(|a| a.due.map(|d| (d - a.task.sent).num_minutes()))
            .collect();
        notice.sort_unstable();
        let median = match notice.len() {
            0 => None,
            n if n % 2 == 1 => Some(notice[n / 2] as f64),
            n => Some((notice[n / 2 - 1] + notice[n / 2]) as f64 / 2.0),
        };
        let asks = rows.len();
        let duplicate_asks = rows.iter().filter(|a| a.duplicate).count();
        Figures {
            asks,
            duplicate_asks,
            duplicate_share: share(duplicate_asks, asks),
            with_deadline: notice.len(),
            short_notice: rows
                .iter()
                .filter(|a| {
                    a.due
                        .is_some_and(|d| (d - a.task.sent).num_minutes() < self.p.short_notice_minutes)
                })
                .count(),
            after_hours: rows
                .iter()
                .filter(|a| matches!(a.task.deadline, Some(Deadline::Minute(t)) if t.time() > workday_end))
                .count(),
            non_working_day: rows
                .iter()
                .filter(|a| a.task.deadline.is_some_and(|d| !cal.is_workday(d.date())))
                .count(),
            conflicting_deadlines: in_row
                .iter()
                .filter(|&&d| self.conflicting_dense[d])
                .count(),
            pileups,
            median_notice_minutes: median,
        }
    }

    /// One row per ISO week with asks, in order: its name, Monday, figures.
    pub fn weeks(&self) -> Vec<(String, NaiveDate, Figures)> {
        let mut by_week: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for (i, a) in self.asks.iter().enumerate() {
            by_week
                .entry(monday(a.task.sent.date()))
                .or_default()
                .push(i);
        }
        by_week
            .into_iter()
            .map(|(m, ix)| (week_name(m), m, self.figures(ix)))
            .collect()
    }

    /// The office a group stands for: the one its title names, else its title.
    fn office(&self, chat: ChatId) -> (String, bool) {
        match self.engine.office(chat) {
            Some(o) => (o, true),
            None => (self.group(chat).title, false),
        }
    }

    fn group(&self, chat: ChatId) -> GroupRef {
        let g = self.engine.groups.get(&chat);
        let owner_id = g.and_then(|g| g.owner);
        GroupRef {
            chat_id: chat,
            title: g.map_or_else(|| chat.0.to_string(), |g| g.title.clone()),
            owner_id,
            owner_name: owner_id
                .and_then(|o| self.engine.people.get(&o))
                .map(|p| p.name.clone()),
        }
    }

    /// One row per asking office, most asks first.
    pub fn offices(&self) -> Vec<OfficeRow> {
        let mut chats: BTreeMap<ChatId, Vec<usize>> = BTreeMap::new();
        for (i, a) in self.asks.iter().enumerate() {
            chats.entry(a.task.src.chat_id).or_default().push(i);
        }
        // Office → whether its name is from a title, its groups, their asks.
        type Office = (bool, Vec<ChatId>, Vec<usize>);
        let mut by_office: BTreeMap<String, Office> = BTreeMap::new();
        for (c, ix) in chats {
            let (office, named) = self.office(c);
            let e = by_office
                .entry(office)
                .or_insert((named, Vec::new(), Vec::new()));
            e.1.push(c);
            e.2.extend(ix);
        }
        let mut rows: Vec<OfficeRow> = by_office
            .into_iter()
            .map(|(office, (named, chats, ix))| OfficeRow {
                figures: self.figures(ix),
                groups: chats.iter().map(|c| self.group(*c)).collect(),
                office,
                named_in_title: named,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.figures
                .asks
                .cmp(&a.figures.asks)
                .then_with(|| a.office.cmp(&b.office))
        });
        rows
    }

    fn title(&self, cluster: u64) -> String {
        self.by_cluster
            .get(&cluster)
            .and_then(|ix| ix.first())
            .map(|&i| short_title(&self.asks[i].task.text))
            .unwrap_or_default()
    }

    fn chats_of(&self, ix: &[usize]) -> BTreeSet<ChatId> {
        ix.iter().map(|&i| self.asks[i].task.src.chat_id).collect()
    }

    /// The pieces of work asked in two or more groups, most groups first.
    /// Ranked on counts; titles and group names only for the rows kept.
    pub fn top_work(&self) -> Vec<Work> {
        let mut ranked: Vec<(Rank, &[usize], BTreeSet<ChatId>)> = self
            .by_cluster
            .values()
            .filter_map(|ix| {
                let chats = self.chats_of(ix);
                if chats.len() < 2 {
                    return None;
                }
                let mut people: Vec<UserId> = ix
                    .iter()
                    .flat_map(|&i| self.asks[i].reached.iter().copied())
                    .collect();
                people.sort_unstable();
                people.dedup();
                Some(((chats.len(), people.len(), ix.len()), ix.as_slice(), chats))
            })
            .collect();
        // Asks are in send order, so `ix[0]` is the first ask.
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1[0].cmp(&b.1[0])));
        ranked
            .into_iter()
            .take(self.p.top)
            .map(|((groups, people_reached, asks), ix, chats)| {
                let first = &self.asks[ix[0]].task;
                Work {
                    title: self.title(first.cluster),
                    first_asked: first.sent,
                    asks,
                    groups,
                    group_titles: chats.iter().map(|c| self.group(*c).title).collect(),
                    people_reached,
                }
            })
            .collect()
    }

    /// The pieces of work given different deadlines, most groups first.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut ranked: Vec<(usize, usize, u64)> = self
            .conflicting
            .iter()
            .filter_map(|c| {
                let ix = self.by_cluster.get(c)?;
                Some((self.chats_of(ix).len(), *ix.first()?, *c))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        ranked
            .into_iter()
            .take(self.p.top)
            .filter_map(|(groups, _, c)| {
                let ix = self.by_cluster.get(&c)?;
                let ds =
                    conflicts::distinct_deadlines(ix.iter().map(|&i| self.asks[i].task.deadline));
                Some(Conflict {
                    title: self.title(c),
                    groups,
                    deadlines: ds.iter().map(Deadline::to_label).collect(),
                })
            })
            .collect()
    }

    /// The pile-ups, in person order.
    pub fn pileup_rows(&self) -> Vec<Pileup> {
        self.pileups
            .iter()
            .take(self.p.top)
            .map(|(u, cs, ds)| Pileup {
                person_id: *u,
                person: self
                    .engine
                    .people
                    .get(u)
                    .map_or_else(|| u.0.to_string(), |p| p.name.clone()),
                deadlines: ds.iter().map(Deadline::to_label).collect(),
                work: cs.iter().map(|c| self.title(*c)).collect(),
            })
            .collect()
    }

    /// Pairs of groups by the pieces of work asked in both, most first.
    pub fn overlap(&self) -> Vec<Overlap> {
        // Groups in chat-id order; each piece of work's groups, each once.
        let chats: Vec<ChatId> = self
            .asks
            .iter()
            .map(|a| a.task.src.chat_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index: HashMap<ChatId, usize> =
            chats.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut work_of = vec![0usize; chats.len()];
        // Counted per piece of work over its groups' pairs, not per pair of
        // groups over their work: a thousand groups are half a million pairs.
        // A work asked in many groups adds many pairs, so the counts are a
        // flat matrix while it stays small (4,096 groups: 64 MB).
        let mut shared = PairCounts::new(chats.len());
        for ix in self.by_cluster.values() {
            let mut cs: Vec<usize> = ix
                .iter()
                .filter_map(|&i| index.get(&self.asks[i].task.src.chat_id).copied())
                .collect();
            cs.sort_unstable();
            cs.dedup();
            for (k, &a) in cs.iter().enumerate() {
                work_of[a] += 1;
                for &b in &cs[k + 1..] {
                    shared.add(a, b);
                }
            }
        }
        let mut pairs: Vec<((usize, usize), usize, f64)> = shared
            .pairs()
            .into_iter()
            .map(|((a, b), n)| ((a, b), n, share(n, work_of[a] + work_of[b] - n)))
            .collect();
        pairs.sort_by(|x, y| {
            y.1.cmp(&x.1)
                .then_with(|| y.2.total_cmp(&x.2))
                .then_with(|| x.0.cmp(&y.0))
        });
        pairs
            .into_iter()
            .take(self.p.top)
            .map(|((a, b), n, sh)| Overlap {
                a: self.group(chats[a]),
                b: self.group(chats[b]),
                shared_work: n,
                share: sh,
            })
            .collect()
    }
}

/// How many pieces of work each pair of groups `a < b` shares.
enum PairCounts {
    Dense { n: usize, counts: Vec<u32> },
    Sparse(HashMap<(usize, usize), usize>),
}

impl PairCounts {
    fn new(n: usize) -> PairCounts {
        if n <= 4096 {
            PairCounts::Dense {
                n,
                counts: vec![0; n * n],
            }
        } else {
            PairCounts::Sparse(HashMap::new())
        }
    }

    fn add(&mut self, a: usize, b: usize) {
        match self {
            PairCounts::Dense { n, counts } => counts[a * *n + b] += 1,
            PairCounts::Sparse(m) => *m.entry((a, b)).or_default() += 1,
        }
    }

    /// The pairs that share something, with the count.
    fn pairs(self) -> Vec<((usize, usize), usize)> {
        match self {
            PairCounts::Dense { n, counts } => counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| ((i / n, i % n), *c as usize))
                .collect(),
            PairCounts::Sparse(m) => m.into_iter().collect(),
        }
    }
}

/// `part / whole`, three decimals; 0 for an empty whole.
fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round(part as f64 / whole as f64, 3)
    }
}
