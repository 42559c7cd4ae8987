//! Evaluation only (the `eval-time` command in the shell), never run by the
//! bot: every time expression in a text, deadline or not, resolved, with an
//! underspecified date's other readings and the context-only families (ago,
//! "in N days", a year or a month alone, "now").

use super::Ctx;
use super::cues::Cues;
use super::dates::dates;
use super::matches::{Roll, next_char, num, prev_char};
use super::numbers::with_numbers;
use super::score::candidates;
use super::words::{EN_MONTHS, EN_WD, full_year, month_of, weekday_from, year_rel};
use crate::core::calendar::days::{
    add_months, day_in_month, month_day, next_weekday, prev_weekday, ymd,
};
use crate::core::normalize::fold;
use crate::model::{Deadline, Lang};
use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime, Timelike};
use regex::Regex;
use std::sync::LazyLock;

// Context-only families (never deadlines), for `expressions`.
re!(
    R_ZH_OFFSET,
    r"(未来|今后)?(\d+(?:\.\d+)?|半|一|三)\s*(个)?(半)?\s*(秒钟|秒|分钟|分|刻钟|钟头|小时|天|日|工作日|周|星期|礼拜|个月|月|年)(半)?钟?(之|以)?(前|后|内)?"
);
re!(
    R_EN_OFFSET,
    r"(?-u:\b)(?:(in|within|after) )?(?:about |around |approximately )?(\d+(?:\.\d+)?|\d/\d|a|an|another|a couple of|a couple|a pair of|a few|few|half an?|a quarter of an?|three-quarters of an?|three quarters of an?)\s?(?:more )?(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|fortnights?|months?|years?)(?: (ago|back|from now|from right now|from today|from tomorrow|from tmrw|from yesterday|later|hence|earlier|before today|before yesterday|before tomorrow|after today|after tomorrow|after tmrw))?(?-u:\b)|(?-u:\b)(?:(in) )?(a|one) (fortnight)( hence| from now| later)?(?-u:\b)"
);
const EN_UNITS: &str = "years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?";
re!(
    R_EN_COMPOUND,
    &format!(
        r"(?-u:\b)(\d+ (?:{EN_UNITS})(?:,? (?:and )?\d+ (?:{EN_UNITS})){{1,5}}) (ago|back|earlier|later|hence|from now)(?-u:\b)"
    )
);
re!(R_EN_COMPOUND_PART, &format!(r"(\d+) ({EN_UNITS})"));
re!(
    R_EN_WD_COUNT,
    &format!(r"(?-u:\b)(\d+) ({EN_WD})s? (from now|hence|ago|back)(?-u:\b)")
);
re!(
    R_EN_ANCHOR,
    r"(?-u:\b)(\d+|a|an) (days?|weeks?|months?|years?|fortnights?) (from|after|before) "
);
re!(
    R_EN_DAYREF,
    r"(?-u:\b)(?:the next day|next day|the following day|the day before|the previous day|the day after|the last day|last day|on this day|the day|otd|till date|to date)(?-u:\b)|(?-u:\b)(?:at this time|at the minute)(?-u:\b)"
);
re!(
    R_NOW,
    r"现在|此时|此刻|当前|目前|马上|宜家|而家|依家|(?-u:\b)right now(?-u:\b)|(?-u:\b)just now(?-u:\b)|(?-u:\b)at the moment(?-u:\b)|(?-u:\b)at the present time(?-u:\b)|(?-u:\b)at present(?-u:\b)|(?-u:\b)now(?-u:\b)"
);
re!(
    R_YEAR_G,
    r"(\d{4}|0\d)\s*年(?:份|度)?|(今|去|明|前|后)年|(?-u:\b)(?:before|by|until|till|in|since|after|through|during|the year|of) (\d{4})(?-u:\b)|(?-u:\b)(next|last|this) year(?-u:\b)"
);
re!(
    R_MONTH_G,
    &format!(
        r"(?:(\d{{4}})\s*年\s*|(今|去|明|前|后)年(?:的)?)?(\d{{1,2}})\s*月(?:份)?|(本|这个|下个|上个)月|(?-u:\b)(next|last|this) month(?-u:\b)|(?-u:\b)({EN_MONTHS})(?-u:\b)\.?(?:,? (\d{{4}}))?"
    )
);

/// The grain of a resolved time expression: how long a stretch it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grain {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// A time expression found in a text, resolved: the start of the stretch it
/// names (`at`) and its grain. Deadlines or not: ago, as-of and past times
/// are here too (`score` < 0 marks a context time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// Byte span in the folded text.
    pub start: usize,
    pub end: usize,
    /// The folded text of the span.
    pub text: String,
    pub at: NaiveDateTime,
    pub grain: Grain,
    pub score: i32,
}

/// Every time expression in `text`, resolved against `ctx.sent`: the
/// deadline candidates of [`find`] and the context-only expressions a
/// deadline never comes from (ago, "in N days", a year or a month alone,
/// "now"). For evaluating the parser on labelled time expressions.
pub fn expressions(text: &str, ctx: &Ctx<'_>) -> Vec<Expr> {
    let folded = fold(text);
    let t = with_numbers(&folded, ctx);
    let mut out: Vec<Expr> = candidates(&t, ctx, true)
        .into_iter()
        .map(|c| {
            let (mut at, grain) = match c.deadline {
                Deadline::Minute(x) => (
                    x,
                    if x.second() != 0 {
                        Grain::Second
                    } else {
                        Grain::Minute
                    },
                ),
                Deadline::Day(d) => (d.and_time(NaiveTime::MIN), Grain::Day),
            };
            // A clock time with no day is its next occurrence.
            if c.dayless && grain != Grain::Day && at < ctx.sent {
                at += Duration::days(1);
            }
            Expr {
                start: c.start,
                end: c.end,
                text: t.get(c.start..c.end).unwrap_or("").to_string(),
                at,
                grain,
                score: c.score,
            }
        })
        .collect();
    // Every date mention on its own too (merged or attached ones included),
    // and underspecified ones at their next occurrence as well: a parser
    // that prefers the future reads 3月1日 said on 3月20日 as next year's.
    let today = ctx.sent.date();
    // A date's other readings carry the clock times read on it along
    // ("October 14 8:00am" said in November: next October's 8:00 too).
    let mut moved: Vec<Expr> = Vec::new();
    let clocked = out.len();
    for d in dates(&t, &Cues::new(&t), ctx, true) {
        let mut days = vec![d.date];
        if d.date < today {
            let next = match d.roll {
                Roll::Year if d.date.month() == 2 && d.date.day() == 29 => {
                    (1..=8).find_map(|k| ymd(d.date.year() + k, 2, 29))
                }
                Roll::Year => month_day(d.date.month(), d.date.day(), d.date + Duration::days(1))
                    .and_then(|x| ymd(d.date.year() + 1, x.month(), x.day()).or(Some(x))),
                Roll::Month => (1..=3).find_map(|k| day_in_month(d.date, k, d.date.day())),
                Roll::None => None,
            };
            days.extend(next.filter(|x| *x >= today));
        }
        days.extend(d.alt.filter(|a| *a != d.date));
        for &day in &days[1..] {
            for e in &out[..clocked] {
                if e.grain != Grain::Day
                    && e.start <= d.start
                    && e.end >= d.end
                    && e.at.date() == d.date
                {
                    moved.push(Expr {
                        at: day.and_time(e.at.time()),
                        ..e.clone()
                    });
                }
            }
        }
        for day in days {
            out.push(Expr {
                start: d.start,
                end: d.end,
                text: t.get(d.start..d.end).unwrap_or("").to_string(),
                at: day.and_time(NaiveTime::MIN),
                grain: Grain::Day,
                score: -1,
            });
        }
    }
    out.extend(moved);
    let ctx_exprs = context_exprs(&t, ctx);
    // "3 days after January 12th", "2 weeks before Christmas": an offset
    // from the date that follows it.
    if ctx.lang == Lang::En || t.is_ascii() {
        for c in R_EN_ANCHOR.captures_iter(&t) {
            let Some(m) = c.get(0) else { continue };
            let Some(n) = en_count(&c[1]) else { continue };
            let sign = if &c[3] == "before" { -1.0 } else { 1.0 };
            let anchors: Vec<NaiveDateTime> = out
                .iter()
                .filter(|e| e.grain == Grain::Day && (m.end()..m.end() + 12).contains(&e.start))
                .map(|e| e.at)
                .collect();
            for a in anchors {
                if let Some((at, grain)) = shift(a, sign * n, &c[2], ctx) {
                    out.push(Expr {
                        start: m.start(),
                        end: m.end(),
                        text: m.as_str().to_string(),
                        at,
                        grain,
                        score: -10,
                    });
                }
            }
        }
    }
    out.extend(ctx_exprs);
    out.sort_by_key(|e| (e.start, e.end));
    out
}

fn offset_secs(unit: &str) -> Option<f64> {
    Some(match unit {
        "秒钟" | "秒" | "second" | "seconds" | "sec" | "secs" => 1.0,
        "分钟" | "分" | "minute" | "minutes" | "min" | "mins" => 60.0,
        "刻钟" => 900.0,
        "钟头" | "小时" | "hour" | "hours" | "hr" | "hrs" | "h" => 3600.0,
        _ => return None,
    })
}

fn offset_days(unit: &str) -> Option<f64> {
    Some(match unit {
        "天" | "日" | "day" | "days" => 1.0,
        "周" | "星期" | "礼拜" | "week" | "weeks" => 7.0,
        "fortnight" | "fortnights" => 14.0,
        _ => return None,
    })
}

fn offset_months(unit: &str) -> Option<f64> {
    Some(match unit {
        "个月" | "月" | "month" | "months" => 1.0,
        "年" | "year" | "years" => 12.0,
        _ => return None,
    })
}

/// `base` moved by `n` units (negative: back), with the grain the unit gives.
fn shift(base: NaiveDateTime, n: f64, unit: &str, ctx: &Ctx<'_>) -> Option<(NaiveDateTime, Grain)> {
    if let Some(s) = offset_secs(unit) {
        return Some((plus_secs(base, (n * s).round())?, Grain::Second));
    }
    if unit == "工作日" {
        let d = ctx
            .cal
            .add_workdays(base.date(), n.clamp(0.0, 366.0) as u32);
        return Some((d.and_time(NaiveTime::MIN), Grain::Day));
    }
    if let Some(d) = offset_days(unit) {
        let days = (n * d).round() as i64;
        let day = base.date().checked_add_signed(Duration::try_days(days)?)?;
        return Some((day.and_time(NaiveTime::MIN), Grain::Day));
    }
    // 两个半月: whole months, then the half as 15 days.
    let months = n * offset_months(unit)?;
    let whole = months.trunc();
    let days = ((months - whole) * 30.0).round() as i64;
    let d = add_months(base.date(), whole.clamp(-12_000.0, 12_000.0) as i32)?;
    let d = d.checked_add_signed(Duration::try_days(days)?)?;
    Some((d.and_time(NaiveTime::MIN), Grain::Day))
}

/// `t` moved by `secs` seconds, or `None` past the calendar's range (a
/// spelled-out count can be any size).
fn plus_secs(t: NaiveDateTime, secs: f64) -> Option<NaiveDateTime> {
    if !secs.is_finite() || secs.abs() > 1e13 {
        return None;
    }
    t.checked_add_signed(Duration::try_seconds(secs as i64)?)
}

fn en_count(w: &str) -> Option<f64> {
    Some(match w {
        "a" | "an" | "one" | "another" => 1.0,
        "a couple of" | "a couple" | "a pair of" => 2.0,
        "a few" | "few" => 3.0,
        "half a" | "half an" => 0.5,
        "a quarter of a" | "a quarter of an" => 0.25,
        "three-quarters of a"
        | "three-quarters of an"
        | "three quarters of a"
        | "three quarters of an" => 0.75,
        x => match x.split_once('/') {
            Some((a, b)) => a.parse::<f64>().ok()? / b.parse::<f64>().ok().filter(|b| *b > 0.0)?,
            None => x.parse().ok()?,
        },
    })
}

/// Expressions that are never deadlines, for [`expressions`]: "now", ago
/// and later offsets, a year or a month alone.
fn context_exprs(t: &str, ctx: &Ctx<'_>) -> Vec<Expr> {
    let sent = ctx.sent;
    let mut out = Vec::new();
    let mut push = |m: &regex::Match<'_>, at: NaiveDateTime, grain: Grain| {
        out.push(Expr {
            start: m.start(),
            end: m.end(),
            text: m.as_str().to_string(),
            at,
            grain,
            score: -10,
        });
    };
    for m in R_NOW.find_iter(t) {
        push(&m, sent, Grain::Second);
    }
    let digits = t.bytes().any(|b| b.is_ascii_digit());
    for c in R_ZH_OFFSET.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let future = c.get(1).is_some();
        let dir = c.get(8).map(|g| g.as_str());
        if !future && dir.is_none() {
            continue;
        }
        let n_txt = &c[2];
        let unit = &c[5];
        // 2015年前 is "before 2015", not fifteen hundred years ago.
        if unit == "年" && n_txt.len() >= 3 {
            continue;
        }
        if prev_char(t, m.start()).is_some_and(|p| p.is_ascii_digit()) {
            continue;
        }
        let mut n: f64 = match n_txt {
            "半" => 0.5,
            "一" => 1.0,
            "三" => 3.0,
            x => x.parse().unwrap_or(0.0),
        };
        if c.get(4).is_some() || c.get(6).is_some() {
            n += 0.5;
        }
        let unit = if n_txt == "一" || n_txt == "三" {
            if unit == "刻钟" { unit } else { continue }
        } else {
            unit
        };
        let sign = if dir == Some("前") { -1.0 } else { 1.0 };
        if let Some((at, grain)) = shift(sent, sign * n, unit, ctx) {
            push(&m, at, grain);
        }
        // 未来7天: the instant seven days on, as well as the day.
        if let Some(d) = offset_days(unit) {
            if let Some(at) = plus_secs(sent, sign * n * d * 86400.0) {
                push(&m, at, Grain::Second);
            }
        }
    }
    if ctx.lang == Lang::En || t.is_ascii() {
        for c in R_EN_OFFSET.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let (lead, count, unit, dir) = if c.get(3).is_some() {
                (
                    c.get(1).map(|g| g.as_str()),
                    &c[2],
                    &c[3],
                    c.get(4).map(|g| g.as_str()),
                )
            } else {
                (
                    c.get(5).map(|g| g.as_str()),
                    c.get(6).map(|g| g.as_str()).unwrap_or("a"),
                    "fortnight",
                    c.get(8).map(|g| g.as_str().trim()),
                )
            };
            if lead.is_none() && dir.is_none() {
                continue;
            }
            let Some(n) = en_count(count) else { continue };
            let (base, sign) = match dir {
                Some("ago" | "back" | "earlier" | "before today") => (sent, -1.0),
                Some("before yesterday") => (sent - Duration::days(1), -1.0),
                Some("before tomorrow") => (sent + Duration::days(1), -1.0),
                Some("from tomorrow" | "after tomorrow" | "from tmrw" | "after tmrw") => {
                    (sent + Duration::days(1), 1.0)
                }
                Some("from yesterday") => (sent - Duration::days(1), 1.0),
                _ => (sent, 1.0),
            };
            if let Some((at, grain)) = shift(base, sign * n, unit, ctx) {
                push(&m, at, grain);
            }
            // "in 7 days" is also the instant a week from now.
            if let Some(d) = offset_days(unit) {
                if let Some(at) = plus_secs(base, sign * n * d * 86400.0) {
                    push(&m, at, Grain::Second);
                }
            }
        }
    }
    // "2 years 1 month 21 days ago", "1 day 2 hours later": the larger
    // units first (months, then days, then the clock).
    let compound_cue = t.contains("ago")
        || t.contains("back")
        || t.contains("earlier")
        || t.contains("later")
        || t.contains("hence")
        || t.contains("from now");
    if (ctx.lang == Lang::En || t.is_ascii()) && digits && compound_cue {
        for c in R_EN_COMPOUND.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let sign: i64 = if matches!(&c[2], "ago" | "back" | "earlier") {
                -1
            } else {
                1
            };
            let (mut months, mut days, mut secs) = (0i64, 0i64, 0i64);
            for p in R_EN_COMPOUND_PART.captures_iter(&c[1]) {
                let n: i64 = p[1].parse::<i64>().unwrap_or(0).min(100_000);
                let unit = p[2].trim_end_matches('s');
                match unit {
                    "year" => months += 12 * n,
                    "month" => months += n,
                    "week" => days += 7 * n,
                    "day" => days += n,
                    "hour" | "hr" => secs += 3600 * n,
                    "minute" | "min" => secs += 60 * n,
                    _ => secs += n,
                }
            }
            let Some(d) = add_months(sent.date(), (sign * months).clamp(-12_000, 12_000) as i32)
            else {
                continue;
            };
            let Some(day) = Duration::try_days(sign * days).and_then(|s| d.checked_add_signed(s))
            else {
                continue;
            };
            if secs == 0 {
                push(&m, day.and_time(NaiveTime::MIN), Grain::Day);
            } else if let Some(at) = plus_secs(day.and_time(sent.time()), (sign * secs) as f64) {
                push(&m, at, Grain::Second);
            }
        }
    }
    if ctx.lang == Lang::En || t.is_ascii() {
        for c in R_EN_WD_COUNT.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let Some(wd) = weekday_from(&c[2]) else {
                continue;
            };
            let n: i64 = num(&c, 1);
            let today = sent.date();
            let date = if matches!(&c[3], "ago" | "back") {
                prev_weekday(today, wd) - Duration::days(7 * (n - 1).max(0))
            } else {
                next_weekday(today + Duration::days(1), wd) + Duration::days(7 * (n - 1).max(0))
            };
            push(&m, date.and_time(NaiveTime::MIN), Grain::Day);
        }
        for m in R_EN_DAYREF.find_iter(t) {
            let off = match m.as_str() {
                "the next day" | "next day" | "the following day" | "the day after" => 1,
                "the day before" | "the previous day" | "the last day" | "last day" => -1,
                "at this time" | "at the minute" => {
                    push(&m, sent, Grain::Second);
                    continue;
                }
                _ => 0,
            };
            push(
                &m,
                (sent.date() + Duration::days(off)).and_time(NaiveTime::MIN),
                Grain::Day,
            );
        }
    }
    for c in R_YEAR_G.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let y = if let Some(g) = c.get(1).or(c.get(3)) {
            if prev_char(t, g.start()).is_some_and(|p| p.is_ascii_digit()) {
                continue;
            }
            let rest = t[m.end()..].trim_start();
            if c.get(1).is_some() && rest.starts_with(|ch: char| ch.is_ascii_digit()) {
                continue;
            }
            full_year(
                g.as_str().parse().unwrap_or(0),
                g.as_str().len(),
                sent.date(),
            )
        } else if let Some(r) = c.get(2) {
            if next_char(t, m.end()).is_some_and(|p| p.is_ascii_digit()) {
                continue;
            }
            sent.year() + year_rel(r.as_str())
        } else {
            sent.year()
                + match c.get(4).map(|g| g.as_str()) {
                    Some("next") => 1,
                    Some("last") => -1,
                    _ => 0,
                }
        };
        if let Some(d) = ymd(y, 1, 1) {
            push(&m, d.and_time(NaiveTime::MIN), Grain::Year);
        }
    }
    let _ = digits;
    for c in R_MONTH_G.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let first = if let Some(mo) = c.get(3) {
            if prev_char(t, mo.start()).is_some_and(|p| p.is_ascii_digit()) {
                continue;
            }
            if next_char(t, m.end()).is_some_and(|p| p.is_ascii_digit() || p == '初' || p == '底')
            {
                continue;
            }
            let mo: u32 = mo.as_str().parse().unwrap_or(0);
            if let Some(y) = c.get(1) {
                ymd(y.as_str().parse().unwrap_or(0), mo, 1)
            } else if let Some(r) = c.get(2) {
                ymd(sent.year() + year_rel(r.as_str()), mo, 1)
            } else {
                month_day(mo, 1, sent.date()).map(|d| {
                    if d.year() > sent.year() || mo >= sent.month() {
                        d
                    } else {
                        ymd(sent.year() + 1, mo, 1).unwrap_or(d)
                    }
                })
            }
        } else if let Some(r) = c.get(4).or(c.get(5)) {
            let off = match r.as_str() {
                "下个" | "next" => 1,
                "上个" | "last" => -1,
                _ => 0,
            };
            sent.date().with_day(1).and_then(|d| add_months(d, off))
        } else if let Some(name) = c.get(6) {
            let rest = t[m.end()..].trim_start();
            if rest.starts_with(|ch: char| ch.is_ascii_digit()) && c.get(7).is_none() {
                continue;
            }
            if name.as_str() == "may" && c.get(7).is_none() {
                continue;
            }
            let mo = month_of(name.as_str());
            match c.get(7) {
                Some(y) => ymd(y.as_str().parse().unwrap_or(0), mo, 1),
                None => {
                    let y = if mo >= sent.month() {
                        sent.year()
                    } else {
                        sent.year() + 1
                    };
                    ymd(y, mo, 1)
                }
            }
        } else {
            None
        };
        if let Some(d) = first {
            push(&m, d.and_time(NaiveTime::MIN), Grain::Month);
        }
    }
    out
}
