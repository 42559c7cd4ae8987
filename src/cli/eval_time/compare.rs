//! When an expression the deadline parser found matches a labelled span of
//! the third-party time corpora (`../shared/corpus/time/`: Recognizers-Text,
//! JioNLP and Duckling test cases, format in that folder's README).
//!
//! For every line the parser resolves the text against the line's reference
//! time ([`deadline::expressions`]), and every labelled span counts as
//! correct when one of the resolved expressions matches it. The comparison
//! rule (the corpora's conventions differ from ours and from each other):
//! - **Candidates.** Where a span lists several values, the `future` one is
//!   the answer (Recognizers-Text lists an underspecified date as past and
//!   future); where `future` is null (an am/pm-ambiguous clock time) any
//!   listed value is accepted.
//! - **Dates** (`YYYY-MM-DD`) match an expression of day precision on that
//!   day. **Clock times** (`YYYY-MM-DDTHH:MM:SS`) match an expression with a
//!   clock time at that minute; time-only values (`HH:MM:SS`, a reference
//!   without a day) match on the clock alone. A fuzzy part of day (JioNLP's
//!   `blur` datetimes such as 周二早上 → 06:00) matches our day precision on
//!   that day, which is our convention for a part of day.
//! - **Before/until X** (`mod` set): the value is a boundary of X, and the
//!   sources put it at different ends: Recognizers-Text at the START of X
//!   ("by tomorrow" → tomorrow 00:00) or the exclusive end for "X or
//!   before"; JioNLP at the inclusive END of X at X's grain ("年底前" →
//!   12-31 23:59:59, "6点前" → 06:59:59). Our rule: the span matches when
//!   the parser's X, an interval [start, end) at its grain, has the
//!   boundary at its start, at its exclusive end, or one second before the
//!   end; an o'clock time also counts as the hour it names.
//! - Spans are matched by value among all expressions found in the line,
//!   not by position (the corpora's offsets are into differently
//!   normalised text).
//!
//! - **End of day.** Recognizers-Text writes "end of tomorrow" / EOD as
//!   23:59:59 of the day; our reading (the day at day precision, or the
//!   workday end for an end-of-day word) names the same deadline day and
//!   matches it.
//! - **Duckling's days.** Duckling reads a weekday (bare, "this", 这周X,
//!   下周X) as its first occurrence after the reference day; ours counts
//!   today and reads 下周X as the following week's X (README, "Deadline
//!   conventions"). Such a span matches our same weekday a week away. It
//!   dates Hebrew-calendar holidays by the eve they begin on (sunset), ours
//!   by the day itself: a day after the expected one matches for those.
//!
//! - **Midnight.** Ours is the end of the day it closes, at day precision
//!   (晚上12点, "midnight"); the sources write 00:00 of the next day, or
//!   the clock time 00:00 without a day. Those match our midnight day.
//! - **JioNLP's offsets.** "6个小时前" is written as the hour-long stretch
//!   ending six hours ago (value = its start, `grain_end` = the point): our
//!   point matches its end. A stretch from now ("未来两个月", "5年内")
//!   counts today as its first day and so ends the day before ours (ours,
//!   like the 期间 rule of Chinese law, does not count the starting day):
//!   its last second, the instant before our day, matches.
//!
//! The parser's own conventions stay as they are (EOD / 下班 is the workday
//! end; 下周X is always the following week's X); the rules above only say
//! when the corpora mean the same deadline.

use super::format::{Span, Want, parse_want};
use crate::core::calendar::{lunar, named};
use crate::core::deadline::{Expr, Grain};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// The interval an expression covers: [start, end).
fn interval(e: &Expr) -> (NaiveDateTime, NaiveDateTime) {
    let s = e.at;
    let end = match e.grain {
        Grain::Second => s + Duration::seconds(1),
        Grain::Minute => s + Duration::minutes(1),
        Grain::Hour => s + Duration::hours(1),
        Grain::Day => s + Duration::days(1),
        Grain::Week => s + Duration::days(7),
        Grain::Month => {
            let d = s.date();
            let (y, m) = if d.month0() == 11 {
                (d.year_ce().1 as i32 + 1, 1)
            } else {
                (d.year_ce().1 as i32, d.month0() + 2)
            };
            NaiveDate::from_ymd_opt(y, m, 1)
                .map(|x| x.and_time(NaiveTime::MIN))
                .unwrap_or(s)
        }
        Grain::Year => NaiveDate::from_ymd_opt(s.date().year_ce().1 as i32 + 1, 1, 1)
            .map(|x| x.and_time(NaiveTime::MIN))
            .unwrap_or(s),
    };
    (s, end)
}

fn clocked(g: Grain) -> bool {
    matches!(g, Grain::Second | Grain::Minute | Grain::Hour)
}

fn same_minute(a: NaiveDateTime, b: NaiveDateTime) -> bool {
    a.with_second(0).and_then(|x| x.with_nanosecond(0))
        == b.with_second(0).and_then(|x| x.with_nanosecond(0))
}

fn same_hour(a: NaiveDateTime, b: NaiveDateTime) -> bool {
    a.date() == b.date() && a.hour() == b.hour()
}

pub(super) fn matches(e: &Expr, want: Want, boundary: bool, blur: bool, hour: bool) -> bool {
    if boundary {
        let (s, end) = interval(e);
        let b = match want {
            Want::Day(d) => d.and_time(NaiveTime::MIN),
            Want::At(t) => t,
            Want::Clock(c) => {
                return clocked(e.grain)
                    && (e.at.time() == c
                        || (e.at + Duration::minutes(1) - Duration::seconds(1)).time() == c
                        || (e.at.minute() == 0
                            && (e.at + Duration::hours(1) - Duration::seconds(1)).time() == c));
            }
        };
        return b == s
            || b == end
            || b == end - Duration::seconds(1)
            || (e.grain == Grain::Minute
                && e.at.minute() == 0
                && b == s + Duration::hours(1) - Duration::seconds(1))
            || (clocked(e.grain) && same_minute(b, s));
    }
    match want {
        Want::Day(d) => e.grain == Grain::Day && e.at.date() == d,
        Want::At(t) => {
            (clocked(e.grain) && same_minute(e.at, t))
                || (hour && clocked(e.grain) && same_hour(e.at, t))
                || (blur && e.grain == Grain::Day && e.at.date() == t.date())
        }
        Want::Clock(c) => clocked(e.grain) && e.at.time().with_second(0) == c.with_second(0),
    }
}

/// End of day as the last second (Recognizers-Text: "end of tomorrow",
/// EOD → 23:59:59): our day-precision reading of that day, or our
/// workday-end reading of an end-of-day word, is the same deadline day.
pub(super) fn end_of_day(e: &Expr, want: Want) -> bool {
    let Want::At(t) = want else { return false };
    if t.time() != NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN) {
        return false;
    }
    let eod_word = ["eod", "end of", "cob", "close of business", "下班"]
        .iter()
        .any(|w| e.text.contains(w));
    (e.grain == Grain::Day && e.at.date() == t.date())
        || (eod_word && clocked(e.grain) && e.at.date() == t.date())
}

/// JioNLP reads a month with its day in Chinese numerals and no 日/号
/// (八月十五, 8月十五) as a lunar date even without 农历; we read it as
/// Gregorian. Such a span matches our reading converted from lunar.
pub(super) fn jionlp_lunar(
    span: &str,
    e: &Expr,
    want: Want,
    boundary: bool,
    blur: bool,
    hour: bool,
) -> bool {
    if span.contains("农历") || span.contains("阴历") || span.contains('日') || span.contains('号')
    {
        return false;
    }
    let Some((_, day)) = span.split_once('月') else {
        return false;
    };
    let day: String = day
        .chars()
        .take_while(|c| "初十廿卅一二三四五六七八九".contains(*c))
        .collect();
    if day.is_empty() {
        return false;
    }
    let d = e.at.date();
    let Some(solar) = lunar::lunar_to_solar(d.year(), d.month(), d.day()) else {
        return false;
    };
    let lunar = Expr {
        at: solar.and_time(e.at.time()),
        ..e.clone()
    };
    matches(&lunar, want, boundary, blur, hour)
}

/// Midnight: ours is the end of the day it closes (晚上12点, "midnight",
/// day precision, DESIGN's deadline conventions); the sources write it as
/// 00:00 of the next day, or as the clock time 00:00 without a day.
pub(super) fn midnight(e: &Expr, want: Want) -> bool {
    let named = ["midnight", "mid night", "mid-night", "24点", "24时"]
        .iter()
        .any(|w| e.text.contains(w))
        || (e.text.contains("12点") && (e.text.contains('晚') || e.text.contains('夜')));
    if e.grain != Grain::Day || !named {
        return false;
    }
    match want {
        Want::Clock(c) => c == NaiveTime::MIN,
        Want::At(t) => t.time() == NaiveTime::MIN && t.date() == e.at.date() + Duration::days(1),
        Want::Day(_) => false,
    }
}

/// JioNLP's conventions for offsets from now. "6个小时前" names the
/// hour-long stretch that ends six hours ago (its value is the stretch's
/// start, `grain_end` the point): our point matches that end. And a
/// stretch from now ("未来两个月", "5年内") counts today as its first day,
/// so it ends on the day before ours (which, like the 期间 rule of Chinese
/// law, does not count the day it starts from): its last second is the
/// instant our day begins.
pub(super) fn jionlp_offset(span: &Span, e: &Expr, want: Want, boundary: bool) -> bool {
    if !boundary && span.text.ends_with('前') {
        let Some(Want::At(end)) = span.grain_end.as_deref().and_then(parse_want) else {
            return false;
        };
        return clocked(e.grain)
            && (e.at == end || (e.grain != Grain::Second && same_minute(e.at, end)));
    }
    let Want::At(b) = want else { return false };
    boundary
        && ["未来", "今后", "内"].iter().any(|w| span.text.contains(w))
        && e.grain == Grain::Day
        && b + Duration::seconds(1) == e.at
}

/// Whether an expression's text names a weekday.
fn names_weekday(text: &str) -> bool {
    const WD: &[&str] = &[
        "周", "星期", "礼拜", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    ];
    WD.iter().any(|w| text.contains(w))
}

/// Duckling's conventions for days: a weekday (bare, "this", 这/下周X) is
/// its first occurrence after the reference day, where ours counts today
/// and reads 下周X as the following week's; and a Hebrew-calendar holiday
/// is dated by the eve it begins on (sunset), where ours is the day itself.
pub(super) fn duckling_day(e: &Expr, want: Want, reference: NaiveDate) -> bool {
    let Want::Day(d) = want else { return false };
    if e.grain != Grain::Day {
        return false;
    }
    let ours = e.at.date();
    if ours == d + Duration::days(1) && named::names_eve_day(&e.text) {
        return true;
    }
    let first_after = d > reference && d <= reference + Duration::days(7);
    first_after
        && ours.weekday() == d.weekday()
        && (ours - d).num_days().abs() == 7
        && names_weekday(&e.text)
}

pub(super) fn show(e: &Expr) -> String {
    let v = match e.grain {
        Grain::Second => e.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        Grain::Minute | Grain::Hour => e.at.format("%Y-%m-%dT%H:%M").to_string(),
        Grain::Day => e.at.format("%Y-%m-%d").to_string(),
        Grain::Week => format!("week of {}", e.at.format("%Y-%m-%d")),
        Grain::Month => e.at.format("%Y-%m").to_string(),
        Grain::Year => e.at.format("%Y").to_string(),
    };
    format!("{}={v}", e.text)
}

/// Recognizers-Text writes lunar dates (农历…, 春节, 中秋…) as the lunar
/// month and day in a Gregorian-looking value; convert them to the solar
/// day, as the parser resolves them, before comparing.
pub(super) fn rt_lunar(span: &Span, w: Want) -> Want {
    const LUNAR: &[&str] = &[
        "农历", "春节", "中秋", "端午", "元宵", "除夕", "重阳", "七夕", "腊八", "正月", "腊月",
        "初一", "大年",
    ];
    if span.lunar != Some(true) && !LUNAR.iter().any(|w| span.text.contains(w)) {
        return w;
    }
    let conv = |d: NaiveDate| {
        if d.month() == 12 && d.day() == 31 {
            // 除夕: the last day of the lunar year.
            lunar::lunar_to_solar(d.year() + 1, 1, 1).and_then(|x| x.pred_opt())
        } else {
            lunar::lunar_to_solar(d.year(), d.month(), d.day())
        }
    };
    match w {
        Want::Day(d) => conv(d).map(Want::Day).unwrap_or(w),
        Want::At(t) => conv(t.date())
            .map(|d| Want::At(d.and_time(t.time())))
            .unwrap_or(w),
        Want::Clock(_) => w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(at: &str, grain: Grain) -> Expr {
        let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S").expect("time");
        Expr {
            start: 0,
            end: 0,
            text: String::new(),
            at,
            grain,
            score: 0,
        }
    }

    #[test]
    fn boundaries_match_either_end_of_x() {
        let tomorrow = ex("2016-11-08T00:00:00", Grain::Day);
        // Recognizers-Text: the start of X.
        assert!(matches(
            &tomorrow,
            parse_want("2016-11-08").expect("v"),
            true,
            false,
            false
        ));
        // JioNLP: the inclusive end of X.
        assert!(matches(
            &tomorrow,
            parse_want("2016-11-08T23:59:59").expect("v"),
            true,
            false,
            false
        ));
        assert!(!matches(
            &tomorrow,
            parse_want("2016-11-10").expect("v"),
            true,
            false,
            false
        ));
        let six = ex("2021-07-15T18:00:00", Grain::Minute);
        assert!(matches(
            &six,
            parse_want("2021-07-15T18:59:59").expect("v"),
            true,
            false,
            false
        ));
        let year = ex("2013-01-01T00:00:00", Grain::Year);
        assert!(matches(
            &year,
            parse_want("2014-01-01").expect("v"),
            true,
            false,
            false
        ));
    }

    #[test]
    fn precision_must_agree_outside_boundaries() {
        let day = ex("2016-11-08T00:00:00", Grain::Day);
        assert!(matches(
            &day,
            parse_want("2016-11-08").expect("v"),
            false,
            false,
            false
        ));
        assert!(!matches(
            &day,
            parse_want("2016-11-08T17:00:00").expect("v"),
            false,
            false,
            false
        ));
        // A fuzzy part of day is a day for us.
        assert!(matches(
            &day,
            parse_want("2016-11-08T06:00:00").expect("v"),
            false,
            true,
            false
        ));
        let five = ex("2016-11-08T17:00:00", Grain::Minute);
        assert!(!matches(
            &five,
            parse_want("2016-11-08").expect("v"),
            false,
            false,
            false
        ));
        assert!(matches(
            &five,
            parse_want("17:00:00").expect("v"),
            false,
            false,
            false
        ));
    }

    #[test]
    fn corpus_conventions_for_days() {
        let reference = NaiveDate::from_ymd_opt(2013, 2, 12).expect("day");
        let named = |text: &str, at: &str| Expr {
            text: text.to_string(),
            ..ex(at, Grain::Day)
        };
        // Duckling: a bare weekday said on that weekday is next week's.
        let tue = named("星期二", "2013-02-12T00:00:00");
        assert!(duckling_day(
            &tue,
            parse_want("2013-02-19").expect("v"),
            reference
        ));
        assert!(!duckling_day(
            &tue,
            parse_want("2013-02-26").expect("v"),
            reference
        ));
        // Not a weekday expression: no such leniency.
        let day = named("明天", "2013-02-12T00:00:00");
        assert!(!duckling_day(
            &day,
            parse_want("2013-02-19").expect("v"),
            reference
        ));
        // Hebrew-calendar days dated by their eve.
        let kippur = named("yom kippur 2018", "2018-09-19T00:00:00");
        assert!(duckling_day(
            &kippur,
            parse_want("2018-09-18").expect("v"),
            reference
        ));
        let eid = named("eid al-fitr 2018", "2018-06-16T00:00:00");
        assert!(!duckling_day(
            &eid,
            parse_want("2018-06-15").expect("v"),
            reference
        ));
        // End of day at 23:59:59 is the day.
        let tomorrow = named("tomorrow", "2016-11-08T00:00:00");
        assert!(end_of_day(
            &tomorrow,
            parse_want("2016-11-08T23:59:59").expect("v")
        ));
        assert!(!end_of_day(
            &tomorrow,
            parse_want("2016-11-08T17:00:00").expect("v")
        ));
        // JioNLP: 八月十五 without 农历 is lunar.
        let mid = named("8月15", "2020-08-15T00:00:00");
        let want = parse_want("2020-10-01").expect("v");
        assert!(jionlp_lunar(
            "去年八月十五",
            &mid,
            want,
            false,
            false,
            false
        ));
        assert!(!jionlp_lunar(
            "去年8月15日",
            &mid,
            want,
            false,
            false,
            false
        ));
    }
}
