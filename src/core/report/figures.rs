//! The report's rows counted from the period's asks: one tally of what
//! every row needs (the asks by piece of work, the pieces with conflicting
//! deadlines, everyone's pile-ups), then each row as a filter over it. A
//! conflict or pile-up counts in a row when one of its asks falls in it.

use super::{
    Ask, Conflict, Figures, GroupRef, OfficeRow, Overlap, Params, Pileup, Work, monday, round,
};
use crate::core::conflicts;
use crate::core::engine::Engine;
use crate::core::title::short_title;
use crate::model::{ChatId, Deadline, UserId};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Tally<'a> {
    engine: &'a Engine,
    p: &'a Params,
    asks: &'a [Ask<'a>],
    /// Piece of work → its asks in the period (indices into `asks`).
    by_cluster: BTreeMap<u64, Vec<usize>>,
    conflicting: BTreeSet<u64>,
    /// Person, the pieces of work piling up on them, their deadlines.
    pileups: Vec<(UserId, Vec<u64>, Vec<Deadline>)>,
}

impl<'a> Tally<'a> {
    pub fn new(engine: &'a Engine, p: &'a Params, asks: &'a [Ask<'a>]) -> Tally<'a> {
        let mut by_cluster: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, a) in asks.iter().enumerate() {
            by_cluster.entry(a.task.cluster).or_default().push(i);
        }
        let conflicting = by_cluster
            .iter()
            .filter(|(_, ix)| {
                conflicts::distinct_deadlines(ix.iter().map(|&i| asks[i].task.deadline)).len() > 1
            })
            .map(|(c, _)| *c)
            .collect();
        // Each person's pieces of work with the soonest deadline they were given.
        let mut owed: BTreeMap<UserId, BTreeMap<u64, Option<Deadline>>> = BTreeMap::new();
        for a in asks {
            for u in &a.reached {
                let slot = owed
                    .entry(*u)
                    .or_default()
                    .entry(a.task.cluster)
                    .or_default();
                if let Some(d) = a.task.deadline
                    && slot.is_none_or(|s| d.sort_key() < s.sort_key())
                {
                    *slot = Some(d);
                }
            }
        }
        let s = &engine.settings.conflicts;
        let mut pileups = Vec::new();
        for (user, work) in owed {
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
        Tally {
            engine,
            p,
            asks,
            by_cluster,
            conflicting,
            pileups,
        }
    }

    /// The figures over the asks `keep` selects.
    pub fn figures(&self, keep: impl Fn(&Ask) -> bool) -> Figures {
        let rows: Vec<&Ask> = self.asks.iter().filter(|a| keep(a)).collect();
        let in_row: BTreeSet<u64> = rows.iter().map(|a| a.task.cluster).collect();
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
            conflicting_deadlines: self.conflicting.intersection(&in_row).count(),
            pileups: self
                .pileups
                .iter()
                .filter(|(_, cs, _)| cs.iter().any(|c| in_row.contains(c)))
                .count(),
            median_notice_minutes: median,
        }
    }

    pub fn week_figures(&self, starts: NaiveDate) -> Figures {
        self.figures(|a| monday(a.task.sent.date()) == starts)
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
        let chats: BTreeSet<ChatId> = self.asks.iter().map(|a| a.task.src.chat_id).collect();
        let mut by_office: BTreeMap<String, (bool, Vec<ChatId>)> = BTreeMap::new();
        for c in chats {
            let (office, named) = self.office(c);
            let e = by_office.entry(office).or_insert((named, Vec::new()));
            e.1.push(c);
        }
        let mut rows: Vec<OfficeRow> = by_office
            .into_iter()
            .map(|(office, (named, chats))| OfficeRow {
                figures: self.figures(|a| chats.contains(&a.task.src.chat_id)),
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
    pub fn top_work(&self) -> Vec<Work> {
        let mut out: Vec<Work> = self
            .by_cluster
            .iter()
            .filter_map(|(c, ix)| {
                let chats = self.chats_of(ix);
                if chats.len() < 2 {
                    return None;
                }
                let people: BTreeSet<UserId> = ix
                    .iter()
                    .flat_map(|&i| self.asks[i].reached.iter().copied())
                    .collect();
                Some(Work {
                    title: self.title(*c),
                    first_asked: self.asks[*ix.first()?].task.sent,
                    asks: ix.len(),
                    groups: chats.len(),
                    group_titles: chats.iter().map(|c| self.group(*c).title).collect(),
                    people_reached: people.len(),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (b.groups, b.people_reached, b.asks)
                .cmp(&(a.groups, a.people_reached, a.asks))
                .then_with(|| a.first_asked.cmp(&b.first_asked))
        });
        out.truncate(self.p.top);
        out
    }

    /// The pieces of work given different deadlines, most groups first.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out: Vec<(usize, Conflict)> = self
            .conflicting
            .iter()
            .filter_map(|c| {
                let ix = self.by_cluster.get(c)?;
                let ds =
                    conflicts::distinct_deadlines(ix.iter().map(|&i| self.asks[i].task.deadline));
                Some((
                    *ix.first()?,
                    Conflict {
                        title: self.title(*c),
                        groups: self.chats_of(ix).len(),
                        deadlines: ds.iter().map(Deadline::to_label).collect(),
                    },
                ))
            })
            .collect();
        out.sort_by(|a, b| b.1.groups.cmp(&a.1.groups).then_with(|| a.0.cmp(&b.0)));
        out.into_iter().take(self.p.top).map(|x| x.1).collect()
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
        let mut work: BTreeMap<ChatId, BTreeSet<u64>> = BTreeMap::new();
        for a in self.asks {
            work.entry(a.task.src.chat_id)
                .or_default()
                .insert(a.task.cluster);
        }
        let chats: Vec<(&ChatId, &BTreeSet<u64>)> = work.iter().collect();
        let mut out = Vec::new();
        for (i, (a, wa)) in chats.iter().enumerate() {
            for (b, wb) in &chats[i + 1..] {
                let shared = wa.intersection(wb).count();
                if shared == 0 {
                    continue;
                }
                let either = wa.union(wb).count();
                out.push(Overlap {
                    a: self.group(**a),
                    b: self.group(**b),
                    shared_work: shared,
                    share: share(shared, either),
                });
            }
        }
        out.sort_by(|x, y| {
            y.shared_work
                .cmp(&x.shared_work)
                .then_with(|| y.share.total_cmp(&x.share))
                .then_with(|| (x.a.chat_id, x.b.chat_id).cmp(&(y.a.chat_id, y.b.chat_id)))
        });
        out.truncate(self.p.top);
        out
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
