//! The matches the rule families share: dates and times found in the
//! text, and the helpers that read a capture and push a date.

use chrono::NaiveDate;

/// Part of day, which shifts bare hours and gives day precision alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pod {
    EarlyMorning,
    Morning,
    Noon,
    Afternoon,
    Evening,
    /// 夜里, 半夜: late evening for 9–11, small hours for 1–5.
    Night,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum TimeSpec {
    /// `h:m`; `h12` when given without am/pm or part of day on a 12-hour clock.
    Clock {
        h: u32,
        m: u32,
        s: u32,
        pod: Option<Pod>,
        bare: bool,
    },
    WorkdayEnd,
    EndOfDay,
    PartOfDay,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct DateM {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) date: NaiveDate,
    pub(super) explicit: bool,
    /// A named day alone (春节, Easter): context, hardly ever a deadline.
    pub(super) weak: bool,
    /// Underspecified: no year (3月6日) or no month (20号) was given.
    pub(super) roll: Roll,
    /// Another reading a reader may mean, for [`expressions`] only: the
    /// past one where the deadline reading moved forward ("Thursday the
    /// 21st" said on the 27th: this month's, which was a Thursday).
    pub(super) alt: Option<NaiveDate>,
}

/// What an underspecified date leaves open, for the future-preferring
/// reading of [`expressions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Roll {
    None,
    Year,
    Month,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct TimeM {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) spec: TimeSpec,
    /// The time names its own day (今晚8点 is today, 明晚 tomorrow).
    pub(super) own_day: Option<i64>,
}

pub(super) fn add(
    out: &mut Vec<DateM>,
    (start, end): (usize, usize),
    date: Option<NaiveDate>,
    _pod: bool,
    explicit: bool,
) {
    if let Some(date) = date {
        out.push(DateM {
            start,
            end,
            date,
            explicit,
            weak: false,
            roll: Roll::None,
            alt: None,
        });
    }
}

/// An explicit date that leaves its year or month open.
pub(super) fn add_r(out: &mut Vec<DateM>, at: (usize, usize), date: Option<NaiveDate>, roll: Roll) {
    add(out, at, date, false, true);
    if let Some(last) = out.last_mut()
        && date.is_some()
    {
        last.roll = roll;
    }
}

pub(super) fn span(m: &regex::Match<'_>) -> (usize, usize) {
    (m.start(), m.end())
}

pub(super) fn num<T: std::str::FromStr + Default>(c: &regex::Captures<'_>, i: usize) -> T {
    c.get(i)
        .and_then(|g| g.as_str().parse().ok())
        .unwrap_or_default()
}

pub(super) fn prev_char(t: &str, at: usize) -> Option<char> {
    t[..at].chars().next_back()
}

pub(super) fn next_char(t: &str, at: usize) -> Option<char> {
    t[at..].chars().next()
}

/// A part of the send day already over when the message was sent ("thanks
/// for this morning" at 12:30): what happened, not when to hand in.
pub(super) fn part_of_day_over(w: &str, sent_hour: u32) -> bool {
    match w {
        "this morning" | "今早" | "今晨" => sent_hour >= 12,
        "this afternoon" => sent_hour >= 18,
        _ => false,
    }
}
