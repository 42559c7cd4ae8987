//! English date forms: "March 14", "14th of March", "2024-mar-14",
//! "second Sunday of May", "the 3rd", "Tuesday the 14th".

use super::Ctx;
use super::cues::{Cue, Cues, caps};
use super::matches::{DateM, Roll, add, add_r, num, prev_char, span};
use super::words::{EN_MONTHS, EN_WD, is_month_word, month_of, weekday_from};
use crate::core::calendar::days::{add_months, day_in_month, month_day, ymd};
use crate::core::calendar::named::nth_weekday;
use chrono::Datelike;
use regex::Regex;
use std::sync::LazyLock;

re!(
    R_EN_MD,
    &format!(
        r"(?-u:\b)({EN_MONTHS})\.?(?:\s*[/,-]\s*|\s*)(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:\s*[,/-]?\s*(\d{{4}})(?-u:\b))?"
    )
);

re!(
    R_EN_DM,
    &format!(
        r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:day\s+)?(?:of\s+|[-/])?({EN_MONTHS})(?-u:\b)\.?(?:\s*[,/-]?\s*(\d{{4}})(?-u:\b))?"
    )
);

re!(
    R_EN_YMD,
    &format!(r"(?-u:\b)(\d{{4}})[/-]({EN_MONTHS})[/-](\d{{1,2}})(?-u:\b)")
);

re!(
    R_EN_ORD,
    r"(?-u:\b)(?:the|on) (\d{1,2})(?:st|nd|rd|th)(?-u:\b)"
);

re!(
    R_EN_ORD_MONTH,
    r"(?-u:\b)(?:the )?(\d{1,2})(?:st|nd|rd|th)? (?:day )?of (?:the )?(next|this|last|previous|following|coming|current) month(?-u:\b)"
);

re!(
    R_EN_WD_DAY,
    &format!(r"(?-u:\b)({EN_WD})[a-z]*\.?,? (?:the )?(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)")
);

re!(
    R_EN_NTH,
    &format!(
        r"(?-u:\b)(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th) ({EN_WD})[a-z]*(?-u:\b)(?: (?:of|in) (?:(this|next|last|previous|the) month|({EN_MONTHS})(?:,? (\d{{4}}))?)(?-u:\b))?"
    )
);

/// The English dates in `t`, for English text.
pub(super) fn dates(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>, out: &mut Vec<DateM>) {
    let sent = ctx.sent.date();
    let digits = cu.digits();
    let has_wd = cu.word(Cue::EnWeekday);
    let has_mon = cu.word(Cue::EnMonth);
    for c in caps(&R_EN_YMD, has_mon && digits, t) {
        let Some(m) = c.get(0) else { continue };
        add(
            out,
            span(&m),
            ymd(num(&c, 1), month_of(&c[2]), num(&c, 3)),
            false,
            true,
        );
    }
    for c in caps(&R_EN_MD, has_mon && digits, t) {
        let Some(m) = c.get(0) else { continue };
        let mo = month_of(&c[1]);
        // "may 5 people": the modal verb, not the month.
        if &c[1] == "may"
            && !t[m.end()..].trim_start().is_empty()
            && c.get(3).is_none()
            && t[m.end()..]
                .trim_start()
                .starts_with(|ch: char| ch.is_ascii_alphabetic())
            && !["at", "by", "before", "in", "and", "or", "to"]
                .iter()
                .any(|w| t[m.end()..].trim_start().starts_with(w))
        {
            continue;
        }
        let d = num(&c, 2);
        match c.get(3) {
            Some(y) => add(
                out,
                span(&m),
                ymd(y.as_str().parse().unwrap_or(0), mo, d),
                false,
                true,
            ),
            None => add_r(out, span(&m), month_day(mo, d, sent), Roll::Year),
        }
    }
    for c in caps(&R_EN_DM, has_mon && digits, t) {
        let Some(m) = c.get(0) else { continue };
        // "12:30 december 27", "$12 December 27": not the 30th / 12th.
        if prev_char(t, m.start()).is_some_and(|p| matches!(p, ':' | '$' | '.')) {
            continue;
        }
        let mo = month_of(&c[2]);
        let d = num(&c, 1);
        match c.get(3) {
            Some(y) => add(
                out,
                span(&m),
                ymd(y.as_str().parse().unwrap_or(0), mo, d),
                false,
                true,
            ),
            None => add_r(out, span(&m), month_day(mo, d, sent), Roll::Year),
        }
    }
    for c in caps(&R_EN_NTH, has_wd, t) {
        let Some(m) = c.get(0) else { continue };
        let Some(wd) = weekday_from(&c[2]) else {
            continue;
        };
        let n = match &c[1] {
            "first" | "1st" => 1,
            "second" | "2nd" => 2,
            "third" | "3rd" => 3,
            "fourth" | "4th" => 4,
            _ => 5,
        };
        let mut alt = None;
        let date = if c.get(3).is_none() && c.get(4).is_none() {
            // "second Sunday" alone: of this month, or of the next when
            // past (this month's stays the other reading).
            if n == 5 {
                continue;
            }
            let this = nth_weekday(sent.year(), sent.month(), n, wd);
            match this {
                Some(x) if x < sent => {
                    alt = this;
                    add_months(sent.with_day(1).unwrap_or(sent), 1)
                        .and_then(|f| nth_weekday(f.year(), f.month(), n, wd))
                }
                _ => this,
            }
        } else if let Some(rel) = c.get(3) {
            let off = match rel.as_str() {
                "next" => 1,
                "last" | "previous" => -1,
                _ => 0,
            };
            add_months(sent.with_day(1).unwrap_or(sent), off)
                .and_then(|f| nth_weekday(f.year(), f.month(), n, wd))
        } else {
            let mo = c.get(4).map(|g| month_of(g.as_str())).unwrap_or(0);
            match c.get(5) {
                Some(y) => nth_weekday(y.as_str().parse().unwrap_or(0), mo, n, wd),
                None => nth_weekday(sent.year(), mo, n, wd)
                    .filter(|d| *d >= sent)
                    .or_else(|| nth_weekday(sent.year() + 1, mo, n, wd)),
            }
        };
        add(out, span(&m), date, false, true);
        if let Some(last) = out.last_mut().filter(|_| date.is_some()) {
            last.alt = alt;
        }
    }
    if digits {
        for c in caps(&R_EN_ORD_MONTH, cu.word(Cue::Month), t) {
            let Some(m) = c.get(0) else { continue };
            let off = match &c[2] {
                "next" | "following" | "coming" => 1,
                "last" | "previous" => -1,
                _ => 0,
            };
            add(
                out,
                span(&m),
                day_in_month(sent, off, num(&c, 1)),
                false,
                true,
            );
        }
        for c in R_EN_ORD.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            // "the 9th of May" is read with its month.
            let rest = t[m.end()..].trim_start();
            let rest = rest.strip_prefix("day ").unwrap_or(rest).trim_start();
            let rest = rest.strip_prefix("of ").unwrap_or(rest).trim_start();
            if rest
                .split(|ch: char| !ch.is_ascii_alphabetic())
                .next()
                .is_some_and(|w| w.len() >= 3 && is_month_word(w))
            {
                continue;
            }
            let d: u32 = num(&c, 1);
            let mut date = ymd(sent.year(), sent.month(), d);
            if date.is_some_and(|x| x < sent) {
                date = day_in_month(sent, 1, d);
            }
            add_r(out, span(&m), date, Roll::Month);
        }
        for c in caps(&R_EN_WD_DAY, has_wd, t) {
            let Some(m) = c.get(0) else { continue };
            let Some(wd) = weekday_from(&c[1]) else {
                continue;
            };
            let rest = t[m.end()..].trim_start();
            let rest_of = rest.strip_prefix("of ").unwrap_or(rest);
            // "Weds 29th." ends a sentence; "Weds 10.30" is a time.
            let ordinal = ["st", "nd", "rd", "th"]
                .iter()
                .any(|x| m.as_str().ends_with(x));
            if (!ordinal && rest.starts_with([':', '.', '/', '-']))
                || rest.starts_with("o'clock")
                || rest.starts_with("oclock")
                || rest.starts_with("ish")
                || rest_of
                    .split(|ch: char| !ch.is_ascii_alphabetic())
                    .next()
                    .is_some_and(|w| w.len() >= 3 && is_month_word(w))
                || rest.starts_with("am")
                || rest.starts_with("pm")
                || rest.starts_with("a.m")
                || rest.starts_with("p.m")
                || rest
                    .split(|ch: char| !ch.is_ascii_alphabetic())
                    .next()
                    .is_some_and(is_month_word)
            {
                continue;
            }
            let d: u32 = num(&c, 2);
            // The next month whose day `d` is that weekday.
            let date = (0..=24)
                .filter_map(|off| day_in_month(sent, off, d))
                .find(|x| x.weekday() == wd && *x >= sent);
            add(out, span(&m), date, false, true);
            // Already past this month, but that weekday: this month's
            // is the other reading.
            if let (Some(last), Some(this)) = (out.last_mut(), day_in_month(sent, 0, d))
                && date.is_some()
                && this < sent
                && this.weekday() == wd
            {
                last.alt = Some(this);
            }
        }
    }
}
