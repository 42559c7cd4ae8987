//! Numeric and CJK dates: ISO and y/m/d forms, 3月6日, 20号, 本月15日,
//! lunar days (农历正月初八), 5月第2个周日, and 3/14 or 14/3.

use super::Ctx;
use super::cues::{Cue, Cues, caps};
use super::matches::{DateM, Roll, add, add_r, next_char, num, prev_char, span};
use super::words::{full_year, weekday_from, year_rel};
use crate::core::calendar::days::{add_months, day_in_month, month_day, ymd};
use crate::core::calendar::lunar::{lunar_to_solar, next_lunar};
use crate::core::calendar::named::{Named, named_near, nth_weekday};
use crate::model::Lang;
use chrono::{Datelike, Duration};
use regex::Regex;
use std::sync::LazyLock;

re!(
    R_YMD,
    r"(?:(\d{2,4})\s*年\s*|(今|去|明|前|后|大前)年(?:的)?)?(\d{1,2})\s*月\s*(\d{1,2})(\s*[日号])?"
);

re!(
    R_ISO,
    r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|(\d{4}) (\d{2}) (\d{2})|(\d{4})(\d{2})(\d{2})"
);

re!(R_DAY, r"(\d{1,2})[日号]");

re!(R_MD_DOT, r"(\d{1,2})[.·\-](\d{1,2})");

re!(
    R_MREL,
    r"(?:(今|去|明|前|后)年(?:的)?)?(本|这个|这|今个|下个|下|上个|上|同|当)月(?:的)?(\d{1,2})\s*[日号]?"
);

re!(
    R_LUNAR,
    r"(?:(\d{2,4})\s*年|(今|去|明|前|后|大前)年)?(农历|阴历)?(?:(\d{2,4})\s*年)?(正|腊|冬|\d{1,2})月(初\d{1,2}|廿[一二三四五六七八九]?|卅|\d{1,2})[日号]?|大年(初\d{1,2}|三十|30)"
);

re!(
    R_NTH_ZH,
    r"(\d{1,2})月(?:份)?(?:的)?第(\d)个(?:周|星期|礼拜)([一二三四五六日天])"
);

re!(
    R_EN_NUM,
    r"(?-u:\b)(\d{1,2})\s?/\s?(\d{1,2})(?:[/,](\d{2,4}))?(?-u:\b)|(?-u:\b)(\d{1,2})[.-](\d{1,2})[.-](\d{4})(?-u:\b)"
);

/// `s` starts with a clock time `H:MM` or `HH:MM` (a date and a time run
/// together: "2018-12-1209:03").
fn clock_follows(s: &str) -> bool {
    let b = s.as_bytes();
    let h = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&h)
        && b.get(h) == Some(&b':')
        && b.get(h + 1).is_some_and(u8::is_ascii_digit)
        && b.get(h + 2).is_some_and(u8::is_ascii_digit)
}

/// A year before 年: a year of the Republic of China era (民国113年, or a
/// bare three-digit 113年 before a month, as Taiwanese notices write it)
/// is 1911 on; else two digits are this century's or the last.
fn roc_or_full_year(t: &str, y: regex::Match<'_>, yy: i32, sent: chrono::NaiveDate) -> i32 {
    let roc_named = t[..y.start()].trim_end().ends_with("民国");
    if roc_named || (y.as_str().len() == 3 && (100..200).contains(&yy)) {
        yy + 1911
    } else {
        full_year(yy, y.as_str().len(), sent)
    }
}

/// The numeric and CJK dates in `t` (which holds an ASCII digit).
pub(super) fn dates(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>, out: &mut Vec<DateM>) {
    let sent = ctx.sent.date();
    let digit4 = t
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    for c in caps(&R_ISO, digit4, t) {
        let Some(m) = c.get(0) else { continue };
        if prev_char(t, m.start()).is_some_and(|p| p.is_ascii_digit())
            || (c.get(4).is_none()
                && next_char(t, m.end()).is_some_and(|p| p.is_ascii_digit())
                && !(c.get(3).is_some_and(|d| d.len() == 2) && clock_follows(&t[m.end()..])))
        {
            continue;
        }
        let (y, mo, d) = if c.get(1).is_some() {
            (num(&c, 1), num(&c, 2), num(&c, 3))
        } else if c.get(4).is_some() {
            (num(&c, 4), num(&c, 5), num(&c, 6))
        } else {
            (num(&c, 7), num(&c, 8), num(&c, 9))
        };
        let range = if c.get(7).is_some() {
            1900..=2100
        } else {
            1000..=2999
        };
        if !range.contains(&y) {
            continue;
        }
        add(out, span(&m), ymd(y, mo, d), false, true);
    }
    let has_month = cu.has('月');
    for c in caps(&R_YMD, has_month, t) {
        let Some(m) = c.get(0) else { continue };
        if prev_char(t, m.start()).is_some_and(|p| p.is_ascii_digit()) {
            continue;
        }
        // 1月3个工作日 / 5月2点: not a month-day.
        if c.get(5).is_none()
            && next_char(t, m.end())
                .is_some_and(|n| n.is_ascii_digit() || "个天次周年小分点时.:".contains(n))
        {
            continue;
        }
        let mo = num(&c, 3);
        let d = num(&c, 4);
        let date = if let Some(y) = c.get(1) {
            let yy: i32 = y.as_str().parse().unwrap_or(0);
            ymd(roc_or_full_year(t, y, yy, sent), mo, d)
        } else if let Some(r) = c.get(2) {
            ymd(sent.year() + year_rel(r.as_str()), mo, d)
        } else {
            add_r(out, span(&m), month_day(mo, d, sent), Roll::Year);
            continue;
        };
        add(out, span(&m), date, false, true);
    }
    let mrel = has_month && cu.word(Cue::MonthRel);
    for c in caps(&R_MREL, mrel, t) {
        let Some(m) = c.get(0) else { continue };
        let off = match &c[2] {
            "下个" | "下" => 1,
            "上个" | "上" => -1,
            _ => 0,
        };
        let base = match c.get(1) {
            Some(r) => add_months(sent, 12 * year_rel(r.as_str())),
            None => Some(sent),
        };
        let date = base.and_then(|b| day_in_month(b, off, num(&c, 3)));
        add(out, span(&m), date, false, true);
    }
    for c in caps(&R_DAY, cu.has('日') || cu.has('号'), t) {
        let Some(m) = c.get(0) else { continue };
        let prev = prev_char(t, m.start());
        if prev
            .is_some_and(|p| p.is_ascii_digit() || p == '月' || p == '-' || p == '.' || p == '第')
        {
            continue;
        }
        // "1号门", "3号楼", "5号文": a numbered thing, not a day of the month.
        if m.as_str().ends_with('号')
            && next_char(t, m.end()).is_some_and(|n| {
                "门楼线车间院室窗机房位库池井柜台桌床馆岗箱罐塔栋文令件道区".contains(n)
            })
        {
            continue;
        }
        let d: u32 = num(&c, 1);
        let mut date = ymd(sent.year(), sent.month(), d);
        if date.is_none_or(|x| x < sent - Duration::days(10)) {
            // "the 3rd" said on the 28th: next month's (29日 in February: March's).
            date = day_in_month(sent, 1, d).or_else(|| day_in_month(sent, 2, d));
        }
        add_r(out, span(&m), date, Roll::Month);
    }
    if ctx.lang == Lang::Zh {
        let sep = cu.has('.') || cu.has('-') || cu.has('·');
        for c in caps(&R_MD_DOT, sep, t) {
            let Some(m) = c.get(0) else { continue };
            let prev = prev_char(t, m.start());
            let next = next_char(t, m.end());
            if prev.is_some_and(|p| {
                p.is_ascii_digit() || matches!(p, '.' | ':' | '-' | '/' | '·' | '~')
            }) {
                continue;
            }
            // "下周一（11.18）前": a date in brackets says which day.
            let bracketed = matches!(prev, Some('(' | '（')) && matches!(next, Some(')' | '）'));
            if !bracketed
                && !matches!(
                    next,
                    Some('前' | '日' | '号' | '(' | '（' | ' ' | ',' | '，' | '之' | '以' | '。')
                        | None
                )
            {
                continue;
            }
            // "3-5" in a range of counts: a dash needs a plausible month-day.
            let mo: u32 = num(&c, 1);
            let d: u32 = num(&c, 2);
            if m.as_str().contains('-') && (mo == 0 || d == 0 || m.as_str().len() < 4) {
                continue;
            }
            add_r(out, span(&m), month_day(mo, d, sent), Roll::Year);
        }
    }
    for c in caps(&R_LUNAR, cu.word(Cue::Lunar), t) {
        let Some(m) = c.get(0) else { continue };
        if let Some(d) = c.get(7) {
            // 大年初N / 大年三十.
            let day = d.as_str();
            let date = if day.starts_with('初') {
                let n: u32 = day.trim_start_matches('初').parse().unwrap_or(0);
                next_lunar(sent, 1, n)
            } else {
                named_near(Named::LunarEve, sent, 1)
            };
            add(out, span(&m), date, false, true);
            continue;
        }
        let mw = c.get(5).map(|g| g.as_str()).unwrap_or("");
        let dw = c.get(6).map(|g| g.as_str()).unwrap_or("");
        let lunar = c.get(3).is_some()
            || matches!(mw, "正" | "腊" | "冬")
            || dw.starts_with(['初', '廿', '卅']);
        if !lunar {
            continue;
        }
        let mo = match mw {
            "正" => 1,
            "冬" => 11,
            "腊" => 12,
            x => x.parse().unwrap_or(0),
        };
        let day: u32 = if let Some(r) = dw.strip_prefix('廿') {
            20 + r
                .chars()
                .next()
                .and_then(|c| "一二三四五六七八九".chars().position(|x| x == c))
                .map(|p| p as u32 + 1)
                .unwrap_or(0)
        } else if dw == "卅" {
            30
        } else {
            dw.trim_start_matches('初').parse().unwrap_or(0)
        };
        let year = c
            .get(1)
            .or(c.get(4))
            .map(|y| full_year(y.as_str().parse().unwrap_or(0), y.as_str().len(), sent))
            .or_else(|| c.get(2).map(|r| sent.year() + year_rel(r.as_str())));
        let date = match year {
            Some(y) => lunar_to_solar(y, mo, day),
            None => next_lunar(sent, mo, day),
        };
        add(out, span(&m), date, false, true);
    }
    for c in caps(&R_NTH_ZH, has_month && cu.has('第'), t) {
        let Some(m) = c.get(0) else { continue };
        let Some(wd) = weekday_from(&c[3]) else {
            continue;
        };
        let mo: u32 = num(&c, 1);
        let n: u32 = num(&c, 2);
        let date = nth_weekday(sent.year(), mo, n, wd)
            .filter(|d| *d >= sent - Duration::days(60))
            .or_else(|| nth_weekday(sent.year() + 1, mo, n, wd));
        add(out, span(&m), date, false, true);
    }
    let sep = cu.has('/') || cu.has('.') || cu.has('-');
    // Whether the text is Chinese (has Han characters), looked at once: an
    // emoji or a dash makes a text non-ASCII, not Chinese.
    let mut han: Option<bool> = None;
    for c in caps(&R_EN_NUM, sep, t) {
        let Some(m) = c.get(0) else { continue };
        let (a, b, y) = if c.get(1).is_some() {
            (num::<u32>(&c, 1), num::<u32>(&c, 2), c.get(3))
        } else {
            (num::<u32>(&c, 4), num::<u32>(&c, 5), c.get(6))
        };
        // Chinese text: a count like 1/3 is no date unless marked as one.
        if y.is_none()
            && !t.is_ascii()
            && *han.get_or_insert_with(|| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
            && !matches!(
                next_char(t, m.end()),
                Some('前' | '日' | '号' | ' ' | ',' | '，' | '。' | '(' | '（') | None
            )
        {
            continue;
        }
        let (mo, d) = if ctx.day_first || a > 12 {
            (b, a)
        } else {
            (a, b)
        };
        let date = match y {
            Some(y) => {
                let yy: i32 = y.as_str().parse().unwrap_or(0);
                let yy = if y.as_str().len() <= 2 {
                    full_year(yy, 2, sent)
                } else {
                    yy
                };
                ymd(yy, mo, d)
            }
            None => {
                add_r(out, span(&m), month_day(mo, d, sent), Roll::Year);
                continue;
            }
        };
        add(out, span(&m), date, false, true);
    }
}
