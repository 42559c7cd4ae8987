//! The burden report: where the duplicate work comes from, as plain data.
//!
//! From the engine's state after a replay and a period `[from, to)` of local
//! dates, the figures leadership asks for: per ISO week and per asking
//! office, the asks, the duplicates among them (asked while the same work
//! was already pending in another group), short notice, deadlines after
//! hours or on days off, conflicting deadlines, pile-ups and the median
//! notice; the pieces of work asked in the most groups; the pairs of groups
//! that ask the same work most; and an estimate of the time saved, with its
//! assumptions. Rendering (HTML, Markdown, charts) lives in the shell.

mod figures;
#[cfg(test)]
mod tests;

use crate::core::engine::{Engine, Task};
use crate::model::{Assignees, ChatId, Deadline, UserId};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use figures::Tally;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the report covers and the assumptions behind its estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// First local day in the period.
    pub from: NaiveDate,
    /// First local day after the period.
    pub to: NaiveDate,
    /// An ask made less than this long before its deadline is short notice.
    pub short_notice_minutes: i64,
    /// Minutes of work one duplicate ask costs when nobody notices it.
    pub minutes_per_duplicate: f64,
    /// Minutes one person spends finding and tracking one ask in a group.
    pub minutes_per_group_post: f64,
    /// Rows kept in the top-work, overlap, conflict and pile-up lists.
    pub top: usize,
}

pub const DEFAULT_MINUTES_PER_DUPLICATE: f64 = 30.0;
pub const DEFAULT_MINUTES_PER_GROUP_POST: f64 = 1.0;
pub const DEFAULT_TOP: usize = 10;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    pub totals: Figures,
    pub weeks: Vec<WeekRow>,
    pub offices: Vec<OfficeRow>,
    pub top_work: Vec<Work>,
    pub conflicts: Vec<Conflict>,
    pub pileups: Vec<Pileup>,
    pub group_overlap: Vec<Overlap>,
    pub time_saved: TimeSaved,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    /// Exclusive.
    pub to: NaiveDate,
    pub short_notice_minutes: i64,
    pub workday_end: String,
}

/// The counts one row of the report holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub asks: usize,
    /// Asked while the same work was pending in another group.
    pub duplicate_asks: usize,
    /// `duplicate_asks / asks`, three decimals.
    pub duplicate_share: f64,
    pub with_deadline: usize,
    pub short_notice: usize,
    /// Clock-time deadlines later than the workday end.
    pub after_hours: usize,
    /// Deadlines on a weekend or holiday (per the calendar).
    pub non_working_day: usize,
    /// Pieces of work whose asks give different deadlines.
    pub conflicting_deadlines: usize,
    pub pileups: usize,
    /// Median minutes from ask to deadline (a bare day: its workday end).
    pub median_notice_minutes: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRow {
    /// ISO week, `2024-W10`.
    pub week: String,
    /// Its Monday.
    pub starts: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRef {
    pub chat_id: ChatId,
    pub title: String,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfficeRow {
    /// The office its groups' titles name, else the group's title.
    pub office: String,
    pub named_in_title: bool,
    pub groups: Vec<GroupRef>,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A piece of work asked in several groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Work {
    pub title: String,
    pub first_asked: NaiveDateTime,
    pub asks: usize,
    pub groups: usize,
    pub group_titles: Vec<String>,
    pub people_reached: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub title: String,
    pub groups: usize,
    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD`, soonest first.
    pub deadlines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pileup {
    pub person_id: UserId,
    pub person: String,
    pub deadlines: Vec<String>,
    pub work: Vec<String>,
}

/// Two groups that ask the same work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    pub a: GroupRef,
    pub b: GroupRef,
    /// Pieces of work asked in both during the period.
    pub shared_work: usize,
    /// `shared_work` over the pieces of work asked in either, three decimals.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeSaved {
    pub minutes_per_duplicate: f64,
    pub minutes_per_group_post: f64,
    pub duplicate_asks: usize,
    /// Asks times the people each reached: posts someone had to find.
    pub group_posts_read: usize,
    /// `duplicate_asks × minutes_per_duplicate`.
    pub by_duplicate_warnings_minutes: f64,
    /// `group_posts_read × minutes_per_group_post`.
    pub by_digest_minutes: f64,
    pub total_minutes: f64,
    pub total_hours: f64,
    pub assumptions: Vec<String>,
}

/// One ask in the period, with what the report reads off it.
pub(crate) struct Ask<'a> {
    pub task: &'a Task,
    pub duplicate: bool,
    pub reached: BTreeSet<UserId>,
    /// The moment it is due: a clock time, or a bare day's workday end.
    pub due: Option<NaiveDateTime>,
}

/// The report over `engine`'s state for `p`.
pub fn build(engine: &Engine, p: &Params) -> Report {
    let s = &engine.settings;
    let start = p.from.and_time(NaiveTime::MIN);
    let end = p.to.and_time(NaiveTime::MIN);
    let window = s.rules.undated_days;
    // Every ask by piece of work, in send order (earlier asks, before the
    // period too, make a later one a duplicate).
    let mut by_cluster: BTreeMap<u64, Vec<&Task>> = BTreeMap::new();
    for t in engine.tasks.values().filter(|t| t.sent < end) {
        by_cluster.entry(t.cluster).or_default().push(t);
    }
    let mut asks: Vec<Ask> = Vec::new();
    for tasks in by_cluster.values_mut() {
        tasks.sort_by_key(|t| (t.sent, t.src));
        let mut open = Pending::default();
        for t in tasks.iter() {
            if t.sent >= start {
                asks.push(Ask {
                    task: t,
                    duplicate: open.elsewhere_at(t.src.chat_id, t.sent),
                    reached: reached(engine, t),
                    due: t.deadline.map(|d| due(d, s.workday_end)),
                });
            }
            let until = t
                .deadline
                .map_or(t.sent + chrono::Duration::days(window), |d| d.expires_at());
            open.add(t.src.chat_id, until);
        }
    }
    asks.sort_by_key(|a| (a.task.sent, a.task.src));
    let tally = Tally::new(engine, p, &asks);
    Report {
        period: Period {
            from: p.from,
            to: p.to,
            short_notice_minutes: p.short_notice_minutes,
            workday_end: s.workday_end.format("%H:%M").to_string(),
        },
        totals: tally.totals(),
        weeks: tally
            .weeks()
            .into_iter()
            .map(|(week, starts, figures)| WeekRow {
                week,
                starts,
                figures,
            })
            .collect(),
        offices: tally.offices(),
        top_work: tally.top_work(),
        conflicts: tally.conflicts(),
        pileups: tally.pileup_rows(),
        group_overlap: tally.overlap(),
        time_saved: time_saved(p, &asks),
    }
}

/// Of the earlier asks of one piece of work, the two groups whose asks stay
/// pending longest (each group's latest moment): enough to say whether an
/// ask from any group is asked while the work is pending in another, in one
/// pass rather than against every earlier ask (a piece of work asked
/// thousands of times would otherwise cost millions of comparisons).
#[derive(Default)]
struct Pending {
    /// `[0]` pending longest; `[1]` longest among the other groups.
    top: [Option<(NaiveDateTime, ChatId)>; 2],
}

impl Pending {
    fn add(&mut self, chat: ChatId, until: NaiveDateTime) {
        match self.top {
            [Some((u, c)), _] if c == chat => self.top[0] = Some((u.max(until), c)),
            [first, Some((u, c))] if c == chat => {
                let second = (u.max(until), c);
                self.top = match first {
                    Some(f) if f.0 >= second.0 => [Some(f), Some(second)],
                    _ => [Some(second), first],
                };
            }
            [first, second] => {
                if first.is_none_or(|f| until > f.0) {
                    self.top = [Some((until, chat)), first];
                } else if second.is_none_or(|s| until > s.0) {
                    self.top[1] = Some((until, chat));
                }
            }
        }
    }

    /// Is an earlier ask from a group other than `chat` pending at `at`?
    fn elsewhere_at(&self, chat: ChatId, at: NaiveDateTime) -> bool {
        self.top
            .iter()
            .flatten()
            .find(|(_, c)| *c != chat)
            .is_some_and(|(until, _)| at < *until)
    }
}

/// Who an ask reaches: the people it names, else its group's members but
/// the sender (membership as at the end of the replay).
fn reached(engine: &Engine, t: &Task) -> BTreeSet<UserId> {
    match &t.assignees {
        Assignees::People(p) => p.iter().copied().collect(),
        Assignees::Group => engine
            .members
            .get(&t.src.chat_id)
            .map(|m| m.iter().copied().filter(|u| *u != t.sender).collect())
            .unwrap_or_default(),
    }
}

/// The moment a deadline falls due: its clock time, or for a bare day the
/// organisation's workday end that day.
pub fn due(d: Deadline, workday_end: NaiveTime) -> NaiveDateTime {
    match d {
        Deadline::Minute(t) => t,
        Deadline::Day(day) => day.and_time(workday_end),
    }
}

/// The Monday of a date's ISO week.
pub fn monday(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// `2024-W10`.
pub fn week_name(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn time_saved(p: &Params, asks: &[Ask]) -> TimeSaved {
    let duplicate_asks = asks.iter().filter(|a| a.duplicate).count();
    let group_posts_read: usize = asks.iter().map(|a| a.reached.len()).sum();
    let dup = duplicate_asks as f64 * p.minutes_per_duplicate;
    let digest = group_posts_read as f64 * p.minutes_per_group_post;
    let total = dup + digest;
    TimeSaved {
        minutes_per_duplicate: p.minutes_per_duplicate,
        minutes_per_group_post: p.minutes_per_group_post,
        duplicate_asks,
        group_posts_read,
        by_duplicate_warnings_minutes: dup,
        by_digest_minutes: digest,
        total_minutes: total,
        total_hours: round(total / 60.0, 1),
        assumptions: vec![
            format!(
                "each duplicate ask costs {} minutes of work done twice or reconciled when nobody notices it",
                p.minutes_per_duplicate
            ),
            format!(
                "each ask costs each person it reaches {} minute(s) to find and track in its group; the digest lists it instead",
                p.minutes_per_group_post
            ),
        ],
    }
}

/// `x` rounded to `places` decimals.
pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
