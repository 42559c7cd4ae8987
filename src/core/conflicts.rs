//! Conflicts: one piece of work with different deadlines, pile-ups of
//! deadlines for one person, and asks made at short notice. Pure functions.

use crate::model::Deadline;
use chrono::{Duration, NaiveDateTime};

/// When deadlines count as a conflict for the digest (from the config's
/// `[conflicts]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictSettings {
    /// A pile-up is at least this many tasks due within `pileup_window_minutes`.
    pub pileup_count: usize,
    pub pileup_window_minutes: i64,
    /// Asked less than this long before its deadline is short notice.
    pub short_notice_minutes: i64,
}

/// The distinct deadlines a cluster's asks give, soonest first. More than
/// one means the asks conflict (a day and a clock time on that day differ).
pub fn distinct_deadlines<I: IntoIterator<Item = Option<Deadline>>>(deadlines: I) -> Vec<Deadline> {
    let mut out: Vec<Deadline> = deadlines.into_iter().flatten().collect();
    out.sort_by_key(|d| (d.sort_key(), matches!(d, Deadline::Day(_))));
    out.dedup();
    out
}

/// Groups of at least `count` deadlines that fall within `window` of each
/// other: index lists into `deadlines`, maximal and non-overlapping.
/// Only clock-time deadlines take part; a bare day says nothing about the hour.
pub fn pileups(deadlines: &[Option<Deadline>], count: usize, window: Duration) -> Vec<Vec<usize>> {
    let mut timed: Vec<(NaiveDateTime, usize)> = deadlines
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match d {
            Some(Deadline::Minute(t)) => Some((*t, i)),
            _ => None,
        })
        .collect();
    timed.sort();
    let mut out = Vec::new();
    let mut i = 0;
    while i < timed.len() {
        let mut j = i;
        while j + 1 < timed.len() && timed[j + 1].0 - timed[i].0 <= window {
            j += 1;
        }
        if j + 1 - i >= count.max(1) {
            out.push(timed[i..=j].iter().map(|x| x.1).collect());
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Was the ask made less than `notice` before its deadline?
pub fn short_notice(asked: NaiveDateTime, deadline: Deadline, notice: Duration) -> bool {
    deadline.sort_key() - asked < notice
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> Option<Deadline> {
        NaiveDate::from_ymd_opt(2024, 3, 4)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .map(Deadline::Minute)
    }

    #[test]
    fn day_and_clock_on_same_day_conflict_but_repeats_do_not() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 4).map(Deadline::Day);
        assert_eq!(distinct_deadlines([at(17, 0), at(17, 0), None]).len(), 1);
        assert_eq!(distinct_deadlines([at(17, 0), day]).len(), 2);
    }

    #[test]
    fn pileup_needs_enough_deadlines_close_together() {
        let ds = [at(15, 0), at(16, 0), at(9, 0), at(16, 30), None];
        let w = Duration::minutes(120);
        assert_eq!(pileups(&ds, 3, w), vec![vec![0, 1, 3]]);
        assert!(pileups(&ds, 4, w).is_empty());
        assert!(pileups(&ds, 3, Duration::minutes(60)).is_empty());
    }

    #[test]
    fn short_notice_measures_from_the_ask() {
        let asked = NaiveDate::from_ymd_opt(2024, 3, 4)
            .and_then(|d| d.and_hms_opt(16, 0, 0))
            .expect("time");
        let Some(d) = at(17, 0) else { panic!("time") };
        assert!(short_notice(asked, d, Duration::minutes(120)));
        assert!(!short_notice(asked, d, Duration::minutes(30)));
    }
}
