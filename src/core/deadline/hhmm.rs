//! 24-hour clock times written as four digits ("by 1500", "arrive 0745",
//! "0700-1500", "Sunday 2359", "1400 hrs"), read only where the words
//! around them make a time of day: four digits are just as often a year, a
//! count, a room or an amount.

use super::cues::{Cue, Cues, caps};
use super::matches::{TimeM, TimeSpec, prev_char};
use crate::core::lexicon::{CLOCK_24H_BEFORE, CLOCK_24H_DAY_TALK};
use regex::Regex;
use std::sync::LazyLock;

re!(
    R_HHMM,
    r"(?-u:\b)([01]\d|2[0-3])([0-5]\d)(?:\s?(hrs|hr|hours|h)(?-u:\b))?(?-u:\b)"
);

/// Days that time a following four-digit number ("Thursday 1030").
const HHMM_DAYS: &[&str] = &[
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "weds",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
];

/// The word (letters or `@`) just before `at`,
/// skipping spaces and an opening bracket.
fn word_before(t: &str, at: usize) -> &str {
    let head = t[..at].trim_end_matches([' ', '(']);
    let start = head.len()
        - head
            .bytes()
            .rev()
            .take_while(|&b| b.is_ascii_alphabetic() || b == b'@')
            .count();
    &head[start..]
}

/// A range or list separator right before `at` ("0700-1500", "0900 / 2100").
fn after_separator(t: &str, at: usize) -> bool {
    let head = t[..at].trim_end();
    head.ends_with('-')
        || head.ends_with('–')
        || head.ends_with('/')
        || head.ends_with(" to")
        || head.ends_with(" and")
}

/// The four-digit times of day in `t`, in text order, skipping bytes
/// another clock family already read.
pub(super) fn times(t: &str, cu: &Cues<'_>, cover: &[bool], out: &mut Vec<TimeM>) {
    // Looked up only for a year-like number (most texts have none).
    let day_talk = || cu.word(Cue::EnWeekday) || CLOCK_24H_DAY_TALK.iter().any(|w| t.contains(w));
    // End of the last accepted time: a range or list continues from it.
    let mut last_end: Option<usize> = None;
    for c in caps(&R_HHMM, cu.digits(), t) {
        let Some(m) = c.get(0) else { continue };
        if cover[m.start()..m.end()].iter().any(|&c| c) {
            continue;
        }
        // Part of a longer number, an amount, a date or a code.
        if prev_char(t, m.start())
            .is_some_and(|p| p.is_ascii_digit() || matches!(p, '$' | '£' | '€' | '#' | '.' | ':'))
        {
            continue;
        }
        let after = &t[m.end()..];
        let decimal = (after.starts_with('.') || after.starts_with(','))
            && after[1..].starts_with(|n: char| n.is_ascii_digit());
        if (decimal
            || after
                .starts_with(|n: char| n.is_ascii_digit() || matches!(n, '%' | ':' | '/' | '-')))
            && !next_is_range(t, m.end())
        {
            continue;
        }
        let h: u32 = c[1].parse().unwrap_or(99);
        let mi: u32 = c[2].parse().unwrap_or(99);
        let value = h * 100 + mi;
        let year_like = (1900..2100).contains(&value);
        let suffix = c.get(3).is_some();
        // The text is folded: lowercase already.
        let before = word_before(t, m.start());
        let day = HHMM_DAYS.contains(&before);
        let cue = CLOCK_24H_BEFORE.has(before);
        let continues = last_end.is_some_and(|e| {
            after_separator(t, m.start()) && t[e..m.start()].trim().chars().count() <= 3
        });
        let opens_range = next_is_range(t, m.end()) && !year_like;
        let strong = suffix || day || continues || opens_range || c[1].starts_with('0');
        let ok = if year_like {
            // "by 2030" is a year unless the message talks of days and shifts.
            suffix || day || continues || (cue && !next_is_month(t, m.end()) && day_talk())
        } else {
            strong || cue
        };
        if !ok {
            continue;
        }
        last_end = Some(m.end());
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::Clock {
                h,
                m: mi,
                s: 0,
                pod: None,
                bare: false,
            },
            own_day: None,
        });
    }
}

/// `-1500` / `–1500` / `to 1500` follows: a range of times.
fn next_is_range(t: &str, at: usize) -> bool {
    let rest = t[at..].trim_start();
    let rest = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('–'))
        .or_else(|| rest.strip_prefix("to "))
        .map(str::trim_start);
    rest.is_some_and(|r| {
        let b = r.as_bytes();
        b.len() >= 4
            && b[..4].iter().all(u8::is_ascii_digit)
            && b.get(4).is_none_or(|c| !c.is_ascii_digit())
    })
}

/// A month name follows ("by 2030 June"): the number is a year or a day.
fn next_is_month(t: &str, at: usize) -> bool {
    let rest = t[at..].trim_start();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .any(|m| rest.starts_with(m))
}
