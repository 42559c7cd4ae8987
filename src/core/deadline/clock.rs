//! Times of day: 下午3点, 15:30, "3pm", "half past 4", 下班前 / EOD, parts
//! of day (上午, "this afternoon"), and resolving a time on a day.

use super::Ctx;
use super::cues::{Cue, Cues, caps, finds};
use super::hhmm;
use super::matches::{Pod, TimeM, TimeSpec, next_char, num, part_of_day_over, prev_char};
use crate::core::lexicon;
use crate::model::{Deadline, Lang};
use chrono::{Duration, NaiveDate, NaiveTime, Timelike};
use regex::Regex;
use std::sync::LazyLock;

re!(
    R_ZH_CLOCK,
    r"(?:大约|大概|约)?(凌晨|早上|早晨|清晨|早间|上午|中午|晌午|下午|午后|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|今晚|明晚|昨晚|今早|明早|今晨|明晨|当晚|晚|早)?(?:大约|大概|约)?(\d{1,2})(?::(\d{2})(?::(\d{2}))?|[点时](?:(半)|(一刻|1刻)|(三刻|3刻)|(\d{1,2})分?(?:(\d{1,2})秒)?)?)"
);

re!(
    R_ZH_POD,
    r"凌晨|早上|早晨|清晨|早间|上午|中午|晌午|下午|午后|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|白天|黎明|后半夜"
);

re!(
    R_WORKDAY_END,
    r"下班前|下班之前|下班以前|下班|(?-u:\b)eod(?-u:\b)|(?-u:\b)cob(?-u:\b)|(?-u:\b)cop(?-u:\b)|close of (?:business|play)|end of play|end of (?:the )?(?:business |work(?:ing)? )?day"
);

re!(
    R_EN_CLOCK,
    r"(?-u:\b)(\d{1,2})(?:[:.]?(\d{2})(?::(\d{2}))?)?\s*\.?\s*(a\s?\.?\s?m(?-u:\b)\.?|p\s?\.?\s?m(?-u:\b)\s?\.?)|(?-u:\b)(\d{1,2}):(\d{2})(?::(\d{2}))?(?-u:\b)|(?-u:\b)(?:12\s*)?(noon|mid[- ]?day|mid[- ]?night|mid[- ]?morning|mid[- ]?afternoon)(?:ish)?(?-u:\b)|(?-u:\b)(\d{1,2})h(\d{2})?(?-u:\b)|(?-u:\b)(\d{1,2})(?::(\d{2}))?(a|p)(?-u:\b)|(?-u:\b)(?:at|by|@|around) (\d{1,2})[ .](\d{2})(?-u:\b)"
);

re!(
    R_EN_BARE_HOUR,
    r"(?-u:\b)(?:by|before|at|until|till|around|about|@|after)\s*(\d{1,2})(?-u:\b)|(?-u:\b)(\d{1,2})\s*(?:o'?clock|ish)(?-u:\b)|(?-u:\b)(\d{1,2}) (?:tonight|this morning|this afternoon|this evening|in the morning|in the afternoon|in the evening|tomorrow morning|tomorrow afternoon|tomorrow evening|tomorrow|tmrw|tmr|today)(?-u:\b)"
);

re!(
    R_EN_PAST,
    r"(?-u:\b)(\d{1,2}|quarter|half) (?:min(?:ute)?s? )?(past|after|to|before|til) (\d{1,2}|noon)(?:\s*(a\.?m(?-u:\b)\.?|p\.?m(?-u:\b)\.?))?"
);

re!(
    R_EN_POD,
    r"(?-u:\b)(?:this |tomorrow |in the )?(morning|afternoon|evening|lunchtime)(?-u:\b)"
);

/// `s` ends with a full numeric date `YYYY-MM-DD` (or with `/`, `.`).
fn ends_with_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(w) = b.len().checked_sub(10).and_then(|i| b.get(i..)) else {
        return false;
    };
    let sep = |c: u8| matches!(c, b'-' | b'/' | b'.');
    w.iter().enumerate().all(|(i, &c)| match i {
        4 | 7 => sep(c),
        _ => c.is_ascii_digit(),
    }) && b
        .len()
        .checked_sub(11)
        .and_then(|i| b.get(i))
        .is_none_or(|c| !c.is_ascii_digit())
}

fn pod_of(s: &str) -> Option<Pod> {
    Some(match s {
        "凌晨" => Pod::EarlyMorning,
        "早上" | "早晨" | "清晨" | "早间" | "上午" | "早" | "今早" | "明早" | "今晨" | "明晨"
        | "morning" => Pod::Morning,
        "中午" | "晌午" | "lunchtime" => Pod::Noon,
        "下午" | "午后" | "afternoon" => Pod::Afternoon,
        "傍晚" | "晚上" | "今晚" | "明晚" | "昨晚" | "当晚" | "晚" | "晚间" | "evening" => {
            Pod::Evening
        }
        "夜里" | "夜间" | "半夜" | "深夜" => Pod::Night,
        _ => return None,
    })
}

/// am/pm read from the words around an English bare hour ("8 tonight",
/// "in the afternoon at 7"): `Some(true)` for pm.
fn en_pod_near(t: &str, start: usize, end: usize) -> Option<bool> {
    let mut a = start.saturating_sub(28);
    while !t.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 28).min(t.len());
    while !t.is_char_boundary(b) {
        b += 1;
    }
    let w = &t[a..b];
    if ["tonight", "evening", "afternoon", "night"]
        .iter()
        .any(|x| w.contains(x))
    {
        Some(true)
    } else if w.contains("morning") {
        Some(false)
    } else {
        None
    }
}

/// The times of day in `t`, in text order. A family after the first
/// skips what an earlier one read (`cover`); the order decides overlaps.
pub(super) fn times(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>) -> Vec<TimeM> {
    let mut out: Vec<TimeM> = Vec::new();
    // Bytes already read as part of a time (overlap checks stay linear).
    let mut cover = vec![false; t.len()];
    let mut marked = 0;
    if cu.digits() {
        zh_clock(t, cu, &mut out);
    }
    mark(&out, &mut cover, &mut marked);
    zh_parts_of_day(t, &cover, &mut out);
    mark(&out, &mut cover, &mut marked);
    workday_end(t, cu, &mut out);
    let ampm = cu.word(Cue::AmPm);
    if ctx.lang == Lang::En || t.is_ascii() || ampm {
        en_past(t, cu, &mut out);
        mark(&out, &mut cover, &mut marked);
        en_clock(t, cu, &cover, &mut out);
    }
    if ctx.lang == Lang::En || t.is_ascii() {
        mark(&out, &mut cover, &mut marked);
        hhmm::times(t, cu, &cover, &mut out);
        mark(&out, &mut cover, &mut marked);
        en_bare_hours(t, cu, &cover, &mut out);
        mark(&out, &mut cover, &mut marked);
        en_parts_of_day(t, cu, ctx, &cover, &mut out);
    }
    out.sort_by_key(|x| x.start);
    out
}

/// Marks the bytes of the times pushed since the last mark as read.
fn mark(out: &[TimeM], cover: &mut [bool], marked: &mut usize) {
    for x in &out[*marked..] {
        cover[x.start..x.end].iter_mut().for_each(|c| *c = true);
    }
    *marked = out.len();
}

/// 下午3点, 15:30, 8点半 (the text holds an ASCII digit).
fn zh_clock(t: &str, cu: &Cues<'_>, out: &mut Vec<TimeM>) {
    let clock = cu.has('点') || cu.has('时') || cu.has(':');
    for c in caps(&R_ZH_CLOCK, clock, t) {
        let Some(m) = c.get(0) else { continue };
        // 第1时间 ("at once"): 时间 is "time", not an hour.
        if m.as_str().ends_with('时') && t[m.end()..].starts_with('间') {
            continue;
        }
        let digits_at = c.get(2).map(|g| g.start()).unwrap_or(m.start());
        // "2018-12-1209:03": a date and a time run together.
        let run_on = prev_char(t, digits_at).is_some_and(|p| p.is_ascii_digit())
            && c.get(1).is_none()
            && ends_with_iso_date(&t[..digits_at]);
        if prev_char(t, digits_at)
            .is_some_and(|p| p.is_ascii_digit() || p == '.' || p == ':' || p == '/')
            && !run_on
        {
            continue;
        }
        let colon = c.get(3).is_some();
        // English text: the English clock reads h:mm with its context
        // (but not run on after a date, where it sees no word boundary).
        if colon && t.is_ascii() && !run_on {
            continue;
        }
        // 9:00-17:00 office hours, "3:1" ratios and 12.5 are no clock times here.
        if colon && next_char(t, m.end()).is_some_and(|n| n.is_ascii_digit()) {
            continue;
        }
        // "5:30 p.m." is read by the English clock.
        let rest = t[m.end()..].trim_start().trim_start_matches('.');
        if colon
            && (rest.starts_with("p.m")
                || rest.starts_with("pm")
                || rest.starts_with("a.m")
                || rest.starts_with("am")
                || rest.starts_with("p ")
                || rest.starts_with("a "))
        {
            continue;
        }
        let h: u32 = c[2].parse().unwrap_or(99);
        let mi: u32 = if c.get(5).is_some() {
            30
        } else if c.get(6).is_some() {
            15
        } else if c.get(7).is_some() {
            45
        } else {
            c.get(3)
                .or(c.get(8))
                .and_then(|g| g.as_str().parse().ok())
                .unwrap_or(0)
        };
        let sec: u32 = c
            .get(4)
            .or(c.get(9))
            .and_then(|g| g.as_str().parse().ok())
            .unwrap_or(0);
        if h > 24 || mi > 59 || sec > 59 {
            continue;
        }
        let pod = c.get(1).and_then(|p| pod_of(p.as_str()));
        let spec = if (h == 24 && mi == 0)
            || (h == 12 && mi == 0 && matches!(pod, Some(Pod::Evening | Pod::Night)))
        {
            TimeSpec::EndOfDay
        } else {
            TimeSpec::Clock {
                h,
                m: mi,
                s: sec,
                pod,
                bare: pod.is_none() && (1..=12).contains(&h) && !(colon && h >= 10),
            }
        };
        let own_day = match c.get(1).map(|p| p.as_str()) {
            Some("今晚" | "今早" | "今晨" | "当晚") => Some(0),
            Some("明晚" | "明早" | "明晨") => Some(1),
            Some("昨晚") => Some(-1),
            _ => None,
        };
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec,
            own_day,
        });
    }
}

/// 上午, 下午, 晚上 alone: day precision.
fn zh_parts_of_day(t: &str, cover: &[bool], out: &mut Vec<TimeM>) {
    for m in finds(&R_ZH_POD, !t.is_ascii(), t) {
        if cover[m.start()..m.end()].iter().all(|&c| c) {
            continue;
        }
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::PartOfDay,
            own_day: None,
        });
    }
}

/// 下班前, EOD, COB: the configured workday end.
fn workday_end(t: &str, cu: &Cues<'_>, out: &mut Vec<TimeM>) {
    for m in finds(&R_WORKDAY_END, cu.word(Cue::WorkdayEnd), t) {
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::WorkdayEnd,
            own_day: None,
        });
    }
}

/// "half past 4", "10 to 5", "quarter past noon".
fn en_past(t: &str, cu: &Cues<'_>, out: &mut Vec<TimeM>) {
    let past_cue = cu.word(Cue::Past);
    for c in caps(&R_EN_PAST, past_cue, t) {
        let Some(m) = c.get(0) else { continue };
        let mi: u32 = match &c[1] {
            "quarter" => 15,
            "half" => 30,
            x => x.parse().unwrap_or(99),
        };
        let mut h: u32 = if &c[3] == "noon" {
            12
        } else {
            c[3].parse().unwrap_or(99)
        };
        if mi > 59 || h > 12 {
            continue;
        }
        let to = matches!(&c[2], "to" | "before" | "til");
        // "10 to 15 people" is a range, not ten to three.
        if to
            && c[1].bytes().all(|b| b.is_ascii_digit())
            && !m.as_str().contains("min")
            && &c[3] != "noon"
        {
            continue;
        }
        let pm = c.get(4).map(|g| g.as_str().starts_with('p'));
        let pm = pm.or_else(|| en_pod_near(t, m.start(), m.end()));
        if pm == Some(true) && h < 12 {
            h += 12;
        }
        let (h, mi) = if to {
            ((h + 23) % 24, 60 - mi)
        } else {
            (h, mi)
        };
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::Clock {
                h,
                m: mi % 60,
                s: 0,
                pod: None,
                bare: pm.is_none() && h <= 12,
            },
            own_day: None,
        });
    }
}

/// "3pm", "15:30", "noon", "18h30", "at 6.45".
fn en_clock(t: &str, cu: &Cues<'_>, cover: &[bool], out: &mut Vec<TimeM>) {
    let digits = cu.digits();
    let clock_cue = digits || cu.word(Cue::NoonMid);
    for c in caps(&R_EN_CLOCK, clock_cue, t) {
        let Some(m) = c.get(0) else { continue };
        if cover[m.start()..m.end()].iter().any(|&c| c) {
            continue;
        }
        let clock = |h: u32, mi: u32, sec: u32, bare: bool| TimeSpec::Clock {
            h,
            m: mi,
            s: sec,
            pod: None,
            bare,
        };
        let spec = if let Some(w) = c.get(8) {
            // Midmorning and midafternoon name their middle hour.
            match w
                .as_str()
                .get(3..)
                .map(|x| x.trim_start_matches(['-', ' ']))
            {
                Some("night") => TimeSpec::EndOfDay,
                Some("morning") => clock(10, 0, 0, false),
                Some("afternoon") => clock(14, 0, 0, false),
                _ => clock(12, 0, 0, false),
            }
        } else if c.get(1).is_some() || c.get(11).is_some() {
            let (hg, mg, sg, pg) = if c.get(1).is_some() {
                (1, 2, 3, 4)
            } else {
                (11, 12, 0, 13)
            };
            let mut h: u32 = num(&c, hg);
            let mi: u32 = num(&c, mg);
            let sec: u32 = if sg > 0 { num(&c, sg) } else { 0 };
            let pm = c.get(pg).is_some_and(|g| g.as_str().starts_with('p'));
            if h > 12 || mi > 59 || sec > 59 {
                continue;
            }
            if pm && h < 12 {
                h += 12;
            }
            if !pm && h == 12 {
                h = 0;
            }
            clock(h, mi, sec, false)
        } else if c.get(9).is_some() {
            let h: u32 = num(&c, 9);
            let mi: u32 = num(&c, 10);
            if h > 23 || mi > 59 {
                continue;
            }
            clock(h, mi, 0, false)
        } else {
            let (hg, mg) = if c.get(14).is_some() {
                (14, 15)
            } else {
                (5, 6)
            };
            let h: u32 = num(&c, hg);
            let mi: u32 = num(&c, mg);
            let sec: u32 = if hg == 5 { num(&c, 7) } else { 0 };
            let rest = t[m.end()..].trim_start();
            if hg == 14 && (rest.starts_with('a') || rest.starts_with('p')) {
                // "at 6.45pm": the am/pm alternative reads it.
                let pm = rest.starts_with('p');
                let h = if pm && h < 12 { h + 12 } else { h };
                if h > 23 || mi > 59 {
                    continue;
                }
                out.push(TimeM {
                    start: m.start(),
                    end: m.end(),
                    spec: clock(h, mi, 0, false),
                    own_day: None,
                });
                continue;
            }
            if h > 23 || mi > 59 || sec > 59 {
                continue;
            }
            // "06:15" is a 24-hour time: only "6:15" may be afternoon.
            let zero_led = c.get(hg).is_some_and(|g| g.as_str().starts_with('0'));
            match en_pod_near(t, m.start(), m.end()) {
                _ if zero_led => clock(h, mi, sec, false),
                Some(true) if h < 12 => clock(h + 12, mi, sec, false),
                Some(_) => clock(h, mi, sec, false),
                None => clock(h, mi, sec, h < 10),
            }
        };
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec,
            own_day: None,
        });
    }
}

/// A bare hour after a cue word: "by 5", "3 o'clock", "8 tonight".
fn en_bare_hours(t: &str, cu: &Cues<'_>, cover: &[bool], out: &mut Vec<TimeM>) {
    let digits = cu.digits();
    for c in caps(&R_EN_BARE_HOUR, digits, t) {
        let Some(g) = c.get(1).or(c.get(2)).or(c.get(3)) else {
            continue;
        };
        if cover[g.start()..g.end()].iter().any(|&c| c) {
            continue;
        }
        let rest = t[g.end()..].trim_start();
        if c.get(1).is_some() {
            // "by 3 schools", "by 2 staff": a count, not an hour.
            if rest.starts_with(|ch: char| ch.is_ascii_alphabetic())
                && !lexicon::HOUR_AFTER_BY.iter().any(|w| rest.starts_with(w))
            {
                continue;
            }
            if rest.starts_with(['/', ':', '%', '.']) && !rest.starts_with(". ") && rest != "." {
                continue;
            }
        }
        let h: u32 = g.as_str().parse().unwrap_or(99);
        if !(1..=12).contains(&h) {
            continue;
        }
        let spec = match en_pod_near(t, g.start(), g.end()) {
            Some(true) => TimeSpec::Clock {
                h: if h < 12 { h + 12 } else { h },
                m: 0,
                s: 0,
                pod: None,
                bare: false,
            },
            Some(false) => TimeSpec::Clock {
                h: h % 12,
                m: 0,
                s: 0,
                pod: None,
                bare: false,
            },
            None => TimeSpec::Clock {
                h,
                m: 0,
                s: 0,
                pod: None,
                bare: true,
            },
        };
        out.push(TimeM {
            start: g.start(),
            end: g.end(),
            spec,
            own_day: None,
        });
    }
}

/// "this morning", "in the afternoon", "lunchtime": day precision.
fn en_parts_of_day(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>, cover: &[bool], out: &mut Vec<TimeM>) {
    let pod_cue = cu.word(Cue::EnPod);
    let hour = ctx.sent.hour();
    for c in caps(&R_EN_POD, pod_cue, t) {
        let Some(m) = c.get(0) else { continue };
        if cover[m.start()..m.end()].iter().any(|&c| c) {
            continue;
        }
        if part_of_day_over(m.as_str(), hour) {
            continue;
        }
        // "Morning all", "Good afternoon team": a greeting, not a time.
        let head = t[..m.start()].trim_end_matches([' ', '\t']);
        if !m.as_str().contains(' ')
            && (head.is_empty()
                || head.ends_with("good")
                || head.ends_with('\n')
                || head.ends_with("hi")
                || head.ends_with("hello"))
        {
            continue;
        }
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::PartOfDay,
            // "by tomorrow morning": the match carries its own day.
            own_day: m.as_str().starts_with("tomorrow").then_some(1),
        });
    }
}

/// Resolve a time on a day (or, without a day, on its next occurrence).
pub(super) fn resolve(date: Option<NaiveDate>, spec: TimeSpec, ctx: &Ctx<'_>) -> Option<Deadline> {
    let sent = ctx.sent;
    match spec {
        TimeSpec::WorkdayEnd => {
            let d = date.unwrap_or(sent.date());
            Some(Deadline::Minute(d.and_time(ctx.workday_end)))
        }
        TimeSpec::EndOfDay | TimeSpec::PartOfDay => {
            Some(Deadline::Day(date.unwrap_or(sent.date())))
        }
        TimeSpec::Clock {
            h,
            m,
            s: sec,
            pod,
            bare,
        } => {
            let h = match pod {
                Some(Pod::Afternoon | Pod::Evening) if h < 12 => h + 12,
                Some(Pod::Noon) if h < 6 => h + 12,
                Some(Pod::Night) if (6..12).contains(&h) => h + 12,
                _ => h,
            };
            let d = date.unwrap_or(sent.date());
            let at =
                |d: NaiveDate, h: u32| NaiveTime::from_hms_opt(h, m, sec).map(|t| d.and_time(t));
            if bare && h <= 12 {
                // Next occurrence after the message on a 12-hour clock; on a
                // later day, working hours decide (4点 → 16:00).
                if d == sent.date() || date.is_none() {
                    for (dd, hh) in [(d, h), (d, h + 12), (d + Duration::days(1), h)] {
                        if hh < 24
                            && let Some(x) = at(dd, hh)
                            && x > sent
                        {
                            return Some(Deadline::Minute(x));
                        }
                    }
                    return None;
                }
                let hh = if h < 7 { h + 12 } else { h };
                return at(d, hh).map(Deadline::Minute);
            }
            if h >= 24 {
                return Some(Deadline::Day(d));
            }
            at(d, h).map(Deadline::Minute)
        }
    }
}
