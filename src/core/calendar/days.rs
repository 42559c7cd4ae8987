//! Gregorian day arithmetic the parsers and calendars share: month ends,
//! weekdays counted from a day, months added.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

pub(crate) fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A month and day without a year: this year's, unless that lies well in the
/// past (then next year's, for December messages about January).
pub(crate) fn month_day(m: u32, d: u32, sent: NaiveDate) -> Option<NaiveDate> {
    if m == 2 && d == 29 && ymd(sent.year(), 2, 29).is_none() {
        // 2月29日 in a common year: the next leap year's.
        return (1..8).find_map(|k| ymd(sent.year() + k, 2, 29));
    }
    let this = ymd(sent.year(), m, d)?;
    if this < sent - Duration::days(60) {
        if m == 2 && d == 29 {
            return (1..=8).find_map(|k| ymd(sent.year() + k, 2, 29));
        }
        ymd(sent.year() + 1, m, d)
    } else {
        Some(this)
    }
}

pub(crate) fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).and_then(|d| d.pred_opt())
}

/// The next `wd` counting today.
pub(crate) fn next_weekday(from: NaiveDate, wd: Weekday) -> NaiveDate {
    let diff =
        (wd.num_days_from_monday() as i64 - from.weekday().num_days_from_monday() as i64 + 7) % 7;
    from + Duration::days(diff)
}

/// `wd` in the week after `from`'s week (weeks start on Monday).
pub(crate) fn weekday_next_week(from: NaiveDate, wd: Weekday) -> NaiveDate {
    let monday = from - Duration::days(from.weekday().num_days_from_monday() as i64);
    monday + Duration::days(7 + wd.num_days_from_monday() as i64)
}

pub(crate) fn this_week_friday(from: NaiveDate) -> NaiveDate {
    let monday = from - Duration::days(from.weekday().num_days_from_monday() as i64);
    let fri = monday + Duration::days(4);
    if fri < from {
        monday + Duration::days(6)
    } else {
        fri
    }
}

pub(crate) fn add_months(d: NaiveDate, n: i32) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_months(chrono::Months::new(n as u32))
    } else {
        d.checked_sub_months(chrono::Months::new(n.unsigned_abs()))
    }
}

/// The day `day` of the month `off` months from `sent`'s.
pub(crate) fn day_in_month(sent: NaiveDate, off: i32, day: u32) -> Option<NaiveDate> {
    let first = add_months(sent.with_day(1)?, off)?;
    ymd(first.year(), first.month(), day)
}

/// The most recent `wd` strictly before `from`.
pub(crate) fn prev_weekday(from: NaiveDate, wd: Weekday) -> NaiveDate {
    let back =
        (from.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64 + 7) % 7;
    from - Duration::days(if back == 0 { 7 } else { back })
}
