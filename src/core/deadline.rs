//! Deadline extraction: find the time expressions in a message and decide
//! which one, if any, is the deadline of the ask, resolved against the
//! message's send time in the organisation's zone.
//!
//! Conventions (see also `../shared/DESIGN.md` and the README):
//! - A clock time gives minute precision; a day alone, or a part of day
//!   without a clock (下午, "this afternoon"), gives day precision.
//! - 下班前 / EOD / COB = the configured workday end. 中午12点 / noon = 12:00;
//!   晚上12点 / 24时 / midnight = the end of that day, day precision.
//! - A bare hour (no 上午/下午, no am/pm) is its next occurrence after the
//!   message on a 12-hour clock.
//! - A bare weekday is its next occurrence counting today; 下周X / next X is
//!   that weekday of the following week; "Friday week" is a week after Friday.
//! - 本周内 / "this week" timing an ask = that week's Friday; 月底 = the last
//!   day of the month; a month-day without year is its next occurrence.
//! - N小时内 / "within N hours" = send time + N (minute precision).
//! - Context times are not deadlines: 截至 (as of), ranges, "from"/起, ago
//!   (两天前), 今天的X ("today's X" names the work), past times.
//! - Among several candidates the one marked as a deadline (前, 截止, by,
//!   due…) and followed by a hand-in verb wins; ties go to the first, except
//!   in a forward (转发…) where the relayer's own, later time wins.
//! - A pointer to an earlier time (同上, 时间不变, "same deadline") is
//!   reported as [`Found::SameAsEarlier`] for the caller to resolve.
//!
//! Every regex here is compiled once and matched by the `regex` crate, whose
//! matching is linear in the input: no backtracking blow-ups.

use super::normalize::fold;
use crate::holidays::Calendar;
use crate::model::{Deadline, Lang};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use regex::Regex;
use std::sync::LazyLock;

/// What the parser needs to know besides the text.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The message's send time, organisation-local.
    pub sent: NaiveDateTime,
    pub workday_end: NaiveTime,
    pub lang: Lang,
    /// Read `16/10` as day/month (en-GB, en-AU) rather than month/day (en-US).
    pub day_first: bool,
    /// Working days and holidays (节后第一个工作日, N个工作日内, 端午节前).
    pub cal: &'a Calendar,
}

/// The deadline the text gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Deadline(Deadline),
    /// "Same time as before": the caller resolves it against the asker's
    /// earlier task.
    SameAsEarlier,
    None,
}

impl Found {
    pub fn deadline(self) -> Option<Deadline> {
        match self {
            Found::Deadline(d) => Some(d),
            _ => None,
        }
    }
}

/// Part of day, which shifts bare hours and gives day precision alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pod {
    EarlyMorning,
    Morning,
    Noon,
    Afternoon,
    Evening,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TimeSpec {
    /// `h:m`; `h12` when given without am/pm or part of day on a 12-hour clock.
    Clock {
        h: u32,
        m: u32,
        pod: Option<Pod>,
        bare: bool,
    },
    WorkdayEnd,
    EndOfDay,
    PartOfDay,
}

#[derive(Debug, Clone, Copy)]
struct DateM {
    start: usize,
    end: usize,
    date: NaiveDate,
    /// Carries a part of day (今晚, 明早, "tonight").
    pod: bool,
    explicit: bool,
}

#[derive(Debug, Clone, Copy)]
struct TimeM {
    start: usize,
    end: usize,
    spec: TimeSpec,
    /// The time names its own day (今晚8点 is today, 明晚 tomorrow).
    own_day: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
pub struct Cand {
    /// Byte span in the folded text.
    pub start: usize,
    pub end: usize,
    pub deadline: Deadline,
    /// How strongly it reads as the ask's deadline (negative: context only).
    pub score: i32,
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect(concat!("valid regex ", stringify!($name))));
    };
}

const EN_MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

re!(R_YMD, r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?");
re!(R_ISO, r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})");
re!(R_DAY, r"(\d{1,2})[日号]");
re!(R_MD_DOT, r"(\d{1,2})\.(\d{1,2})");
re!(
    R_REL,
    r"大后天|后天|明天|明日|明早|明晚|明儿|今天|今日|今晚|今早|今夜|当天|当日|昨天|昨日|昨晚|day after tomorrow|today|tonight|tomorrow|tmrw|this morning|this afternoon|this evening|yesterday"
);
re!(
    R_WD_ZH,
    r"(下下|下个|下|本|这个|这|上个|上)?(?:周|星期|礼拜)([一二三四五六日天1-7])"
);
re!(
    R_WD_EN,
    r"\b(next |this |coming )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?( week)?"
);
re!(
    R_PERIOD,
    r"本月底|月底|本月末|月末|年底|年末|本周内|这周内|本周之内|本周|这周|end of (?:the )?month|month[- ]end|end of (?:the )?week|this week|end of (?:the )?year|year[- ]end"
);
re!(
    R_FIRST_WORKDAY,
    r"(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后(?:的)?第?1个工作日|(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后上班第?1天|(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后上班后?"
);
re!(
    R_HOLIDAY_BEFORE,
    r"(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|三八节?|妇女节|christmas|new year'?s?(?: day)?)(?:节)?(前|之前|以前|\b)?"
);
re!(
    R_ZH_CLOCK,
    r"(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚|明晚|晚|早)?(\d{1,2})(?::(\d{2})|[点时](?:(半)|(\d{1,2})分?|(一刻)|(三刻))?)"
);
re!(R_ZH_POD, r"凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间");
re!(
    R_WORKDAY_END,
    r"下班前|下班之前|下班以前|下班|\beod\b|\bcob\b|close of business|end of (?:the )?(?:business |work(?:ing)? )?day"
);
re!(
    R_EN_CLOCK,
    r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\b\.?|p\.?m\b\.?)|\b(\d{1,2}):(\d{2})\b|\b(noon|midday|midnight)\b"
);
re!(R_EN_BARE_HOUR, r"\b(?:by|before|at|until|till) (\d{1,2})\b");
re!(
    R_EN_POD,
    r"\b(?:this |tomorrow |in the )?(morning|afternoon|evening|lunchtime)\b"
);
re!(
    R_EN_MD,
    &format!(r"\b({EN_MONTHS})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?")
);
re!(
    R_EN_DM,
    &format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({EN_MONTHS})\b(?:,? (\d{{4}}))?")
);
re!(R_EN_NUM, r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b");
re!(R_EN_ORD, r"\bthe (\d{1,2})(?:st|nd|rd|th)\b");
re!(
    R_DURATION,
    r"(\d+)\s*个?(小时|分钟|天|工作日)(?:内|之内|以内)|\bwithin (?:the next )?(\d+) (hours?|minutes?|mins?|days?|business days?|working days?)\b|\b(?:closes |due |ends )?in (\d+) (minutes?|mins?|hours?)\b"
);
re!(
    R_AGO,
    r"(\d+)\s*个?(天|小时|分钟|周|星期|个月|月|年)(?:之|以)?前|\b\d+ (?:days?|hours?|minutes?|weeks?|months?) ago\b"
);
re!(R_EARLY, r"提前(\d+)分钟|(\d+) min(?:ute)?s? early");
re!(
    R_SAME,
    r"同上|与上条一致|与之前一致|与上次一致|时间不变|截止时间不变|时间同前|为准|same deadline|same time as before|same due date|deadline unchanged"
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
    let t = fold(text);
    let mut out: Vec<Expr> = candidates(&t, ctx)
        .into_iter()
        .map(|c| {
            let (at, grain) = match c.deadline {
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
    out.extend(context_exprs(&t, ctx));
    out.sort_by_key(|e| (e.start, e.end));
    out
}

/// Expressions that are never deadlines, for [`expressions`].
fn context_exprs(_t: &str, _ctx: &Ctx<'_>) -> Vec<Expr> {
    Vec::new()
}

// ---- Chinese lunisolar calendar (农历), 1900–2099 ----

/// One word per lunar year from 1900 (the classic encoding): bits 4–15 say
/// whether month 1–12 has 30 days (bit 15 = month 1), bits 0–3 name the leap
/// month (0: none), bit 16 says whether the leap month has 30 days.
const LUNAR_YEARS: [u32; 200] = [
    0x04bd8, 0x04ae0, 0x0a570, 0x054d5, 0x0d260, 0x0d950, 0x16554, 0x056a0, 0x09ad0, 0x055d2,
    0x04ae0, 0x0a5b6, 0x0a4d0, 0x0d250, 0x1d255, 0x0b540, 0x0d6a0, 0x0ada2, 0x095b0, 0x14977,
    0x04970, 0x0a4b0, 0x0b4b5, 0x06a50, 0x06d40, 0x1ab54, 0x02b60, 0x09570, 0x052f2, 0x04970,
    0x06566, 0x0d4a0, 0x0ea50, 0x06e95, 0x05ad0, 0x02b60, 0x186e3, 0x092e0, 0x1c8d7, 0x0c950,
    0x0d4a0, 0x1d8a6, 0x0b550, 0x056a0, 0x1a5b4, 0x025d0, 0x092d0, 0x0d2b2, 0x0a950, 0x0b557,
    0x06ca0, 0x0b550, 0x15355, 0x04da0, 0x0a5d0, 0x14573, 0x052b0, 0x0a9a8, 0x0e950, 0x06aa0,
    0x0aea6, 0x0ab50, 0x04b60, 0x0aae4, 0x0a570, 0x05260, 0x0f263, 0x0d950, 0x05b57, 0x056a0,
    0x096d0, 0x04dd5, 0x04ad0, 0x0a4d0, 0x0d4d4, 0x0d250, 0x0d558, 0x0b540, 0x0b5a0, 0x195a6,
    0x095b0, 0x049b0, 0x0a974, 0x0a4b0, 0x0b27a, 0x06a50, 0x06d40, 0x0af46, 0x0ab60, 0x09570,
    0x04af5, 0x04970, 0x064b0, 0x074a3, 0x0ea50, 0x06b58, 0x05ac0, 0x0ab60, 0x096d5, 0x092e0,
    0x0c960, 0x0d954, 0x0d4a0, 0x0da50, 0x07552, 0x056a0, 0x0abb7, 0x025d0, 0x092d0, 0x0cab5,
    0x0a950, 0x0b4a0, 0x0baa4, 0x0ad50, 0x055d9, 0x04ba0, 0x0a5b0, 0x15176, 0x052b0, 0x0a930,
    0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, 0x0a6e6, 0x0a4e0, 0x0d260, 0x0ea65, 0x0d530,
    0x05aa0, 0x076a3, 0x096d0, 0x04afb, 0x04ad0, 0x0a4d0, 0x1d0b6, 0x0d250, 0x0d520, 0x0dd45,
    0x0b5a0, 0x056d0, 0x055b2, 0x049b0, 0x0a577, 0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0,
    0x14b63, 0x09370, 0x049f8, 0x04970, 0x064b0, 0x168a6, 0x0ea50, 0x06aa0, 0x1a6c4, 0x0aae0,
    0x092e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, 0x0da50, 0x05d55, 0x056a0, 0x0a6d0, 0x055d4,
    0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, 0x0ad50, 0x055a0, 0x0aba4, 0x0a5b0, 0x052b0,
    0x0b273, 0x06930, 0x07337, 0x06aa0, 0x0ad50, 0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160,
    0x0e968, 0x0d520, 0x0daa0, 0x16aa6, 0x056d0, 0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252,
];

/// Lunar 1900-01-01 fell on this solar day.
const LUNAR_EPOCH: (i32, u32, u32) = (1900, 1, 31);

/// The months of lunar year `y`: (month, leap, days), in order.
fn lunar_months(y: i32) -> Option<Vec<(u32, bool, u32)>> {
    let info = *LUNAR_YEARS.get(usize::try_from(y - 1900).ok()?)?;
    let leap = info & 0xf;
    let mut v = Vec::with_capacity(13);
    for m in 1..=12u32 {
        v.push((m, false, 29 + ((info >> (16 - m)) & 1)));
        if m == leap {
            v.push((m, true, 29 + ((info >> 16) & 1)));
        }
    }
    Some(v)
}

/// Solar days of each lunar new year, 1900–2099.
static LUNAR_NEW_YEARS: LazyLock<Vec<NaiveDate>> = LazyLock::new(|| {
    let mut out = Vec::with_capacity(LUNAR_YEARS.len());
    let Some(mut d) = ymd(LUNAR_EPOCH.0, LUNAR_EPOCH.1, LUNAR_EPOCH.2) else {
        return out;
    };
    for y in 1900..1900 + LUNAR_YEARS.len() as i32 {
        out.push(d);
        let days: u32 = lunar_months(y)
            .map(|v| v.iter().map(|x| x.2).sum())
            .unwrap_or(354);
        d += Duration::days(days as i64);
    }
    out
});

/// The solar day of lunar year `y`, month `m` (not the leap one), day `d`;
/// a day past the month's end (腊月三十 in a 29-day month) is its last day.
pub fn lunar_to_solar(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    let start = *LUNAR_NEW_YEARS.get(usize::try_from(y - 1900).ok()?)?;
    if !(1..=30).contains(&d) {
        return None;
    }
    let mut off = 0u32;
    for (mm, leap, days) in lunar_months(y)? {
        if mm == m && !leap {
            return Some(start + Duration::days((off + d.min(days) - 1) as i64));
        }
        off += days;
    }
    None
}

/// The lunar year a solar day falls in.
fn lunar_year_of(d: NaiveDate) -> Option<i32> {
    let i = LUNAR_NEW_YEARS.partition_point(|x| *x <= d);
    (i > 0).then(|| 1900 + i as i32 - 1)
}

/// The next solar day (counting `from`) that is lunar month `m`, day `d`.
fn next_lunar(from: NaiveDate, m: u32, d: u32) -> Option<NaiveDate> {
    let y = lunar_year_of(from)?;
    (y - 1..=y + 1)
        .filter_map(|yy| lunar_to_solar(yy, m, d))
        .find(|x| *x >= from)
}

/// Find the deadline of the ask in `text`.
pub fn find(text: &str, ctx: &Ctx<'_>) -> Found {
    let folded = fold(text);
    find_folded(&folded, ctx)
}

/// Every time expression in `text`, resolved, with how strongly each reads
/// as a deadline: for evaluating the parser on labelled time expressions.
pub fn candidates_in(text: &str, ctx: &Ctx<'_>) -> (String, Vec<Cand>) {
    let folded = fold(text);
    let c = candidates(&folded, ctx);
    (folded, c)
}

/// As [`find`], on text already passed through [`fold`].
pub fn find_folded(t: &str, ctx: &Ctx<'_>) -> Found {
    let cands = candidates(t, ctx);
    let forward = is_forward(t);
    let mut best: Option<Cand> = None;
    for c in cands {
        if c.score < 0 {
            continue;
        }
        best = match best {
            None => Some(c),
            Some(b) if c.score > b.score || (forward && c.score == b.score) => Some(c),
            keep => keep,
        };
    }
    match best {
        Some(c) => Found::Deadline(c.deadline),
        None if R_SAME.is_match(t) => Found::SameAsEarlier,
        None => Found::None,
    }
}

fn is_forward(t: &str) -> bool {
    let head: String = t
        .trim_start_matches(['【', '[', ' '])
        .chars()
        .take(4)
        .collect();
    head.starts_with("转发")
        || head.starts_with("转:")
        || head.starts_with("转自")
        || head.starts_with("fwd")
        || head.starts_with("fw:")
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A month and day without a year: this year's, unless that lies well in the
/// past (then next year's, for December messages about January).
fn month_day(m: u32, d: u32, sent: NaiveDate) -> Option<NaiveDate> {
    let this = ymd(sent.year(), m, d)?;
    if this < sent - Duration::days(60) {
        ymd(sent.year() + 1, m, d)
    } else {
        Some(this)
    }
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).and_then(|d| d.pred_opt())
}

fn weekday_from(c: &str) -> Option<Weekday> {
    Some(match c {
        "一" | "1" | "monday" | "mon" => Weekday::Mon,
        "二" | "2" | "tuesday" | "tue" | "tues" => Weekday::Tue,
        "三" | "3" | "wednesday" | "wed" => Weekday::Wed,
        "四" | "4" | "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "五" | "5" | "friday" | "fri" => Weekday::Fri,
        "六" | "6" | "saturday" | "sat" => Weekday::Sat,
        "日" | "天" | "7" | "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// The next `wd` counting today.
fn next_weekday(from: NaiveDate, wd: Weekday) -> NaiveDate {
    let diff =
        (wd.num_days_from_monday() as i64 - from.weekday().num_days_from_monday() as i64 + 7) % 7;
    from + Duration::days(diff)
}

/// `wd` in the week after `from`'s week (weeks start on Monday).
fn weekday_next_week(from: NaiveDate, wd: Weekday) -> NaiveDate {
    let monday = from - Duration::days(from.weekday().num_days_from_monday() as i64);
    monday + Duration::days(7 + wd.num_days_from_monday() as i64)
}

fn this_week_friday(from: NaiveDate) -> NaiveDate {
    let monday = from - Duration::days(from.weekday().num_days_from_monday() as i64);
    let fri = monday + Duration::days(4);
    if fri < from {
        monday + Duration::days(6)
    } else {
        fri
    }
}

fn prev_char(t: &str, at: usize) -> Option<char> {
    t[..at].chars().next_back()
}

fn next_char(t: &str, at: usize) -> Option<char> {
    t[at..].chars().next()
}

/// All date mentions, overlapping ones resolved in favour of the longer.
fn dates(t: &str, ctx: &Ctx<'_>) -> Vec<DateM> {
    let sent = ctx.sent.date();
    let mut out: Vec<DateM> = Vec::new();
    let mut push =
        |start: usize, end: usize, date: Option<NaiveDate>, pod: bool, explicit: bool| {
            if let Some(date) = date {
                out.push(DateM {
                    start,
                    end,
                    date,
                    pod,
                    explicit,
                });
            }
        };
    for c in R_ISO.captures_iter(t) {
        let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or_default();
        let y = c[1].parse().unwrap_or(0);
        push(
            m.0,
            m.1,
            ymd(y, c[2].parse().unwrap_or(0), c[3].parse().unwrap_or(0)),
            false,
            true,
        );
    }
    for c in R_YMD.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        if prev_char(t, m.start()).is_some_and(|p| p.is_ascii_digit()) {
            continue;
        }
        let mo = c[2].parse().unwrap_or(0);
        let d = c[3].parse().unwrap_or(0);
        let date = match c.get(1) {
            Some(y) => ymd(y.as_str().parse().unwrap_or(0), mo, d),
            None => month_day(mo, d, sent),
        };
        push(m.start(), m.end(), date, false, true);
    }
    for c in R_DAY.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let prev = prev_char(t, m.start());
        if prev.is_some_and(|p| p.is_ascii_digit() || p == '月' || p == '-' || p == '.') {
            continue;
        }
        let d: u32 = c[1].parse().unwrap_or(0);
        let mut date = ymd(sent.year(), sent.month(), d);
        if date.is_some_and(|x| x < sent - Duration::days(10)) {
            // "the 3rd" said on the 28th: next month's.
            let (y, mo) = if sent.month() == 12 {
                (sent.year() + 1, 1)
            } else {
                (sent.year(), sent.month() + 1)
            };
            date = ymd(y, mo, d);
        }
        push(m.start(), m.end(), date, false, true);
    }
    if ctx.lang == Lang::Zh {
        for c in R_MD_DOT.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let prev = prev_char(t, m.start());
            let next = next_char(t, m.end());
            if prev.is_some_and(|p| p.is_ascii_digit() || p == '.') {
                continue;
            }
            if !matches!(
                next,
                Some('前' | '日' | '号' | '(' | '（' | ' ' | ',' | '，' | '之' | '以') | None
            ) {
                continue;
            }
            push(
                m.start(),
                m.end(),
                month_day(c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0), sent),
                false,
                true,
            );
        }
    }
    for m in R_REL.find_iter(t) {
        let w = m.as_str();
        let (off, pod) = match w {
            "今天" | "今日" | "today" | "当天" | "当日" => (0, false),
            "今晚" | "今早" | "今夜" | "tonight" | "this morning" | "this afternoon"
            | "this evening" => (0, true),
            "明天" | "明日" | "明儿" | "tomorrow" | "tmrw" => (1, false),
            "明早" | "明晚" => (1, true),
            "后天" | "day after tomorrow" => (2, false),
            "大后天" => (3, false),
            "前天" => (-2, false),
            _ => (-1, false),
        };
        push(
            m.start(),
            m.end(),
            Some(sent + Duration::days(off)),
            pod,
            false,
        );
    }
    for c in R_WD_ZH.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let Some(wd) = weekday_from(&c[2]) else {
            continue;
        };
        let date = match c.get(1).map(|p| p.as_str()) {
            Some("下" | "下个") => weekday_next_week(sent, wd),
            Some("下下") => weekday_next_week(sent, wd) + Duration::days(7),
            Some("上" | "上个") => weekday_next_week(sent, wd) - Duration::days(14),
            Some("本" | "这" | "这个") => {
                let monday = sent - Duration::days(sent.weekday().num_days_from_monday() as i64);
                monday + Duration::days(wd.num_days_from_monday() as i64)
            }
            _ => next_weekday(sent, wd),
        };
        push(m.start(), m.end(), Some(date), false, false);
    }
    if ctx.lang == Lang::En || t.is_ascii() {
        for c in R_WD_EN.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let Some(wd) = weekday_from(&c[2]) else {
                continue;
            };
            let mut date = match c.get(1).map(|p| p.as_str().trim()) {
                Some("next") => weekday_next_week(sent, wd),
                _ => next_weekday(sent, wd),
            };
            if c.get(3).is_some() {
                date += Duration::days(7);
            }
            push(m.start(), m.end(), Some(date), false, false);
        }
        for c in R_EN_MD.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let mo = month_of(&c[1]);
            let d = c[2].parse().unwrap_or(0);
            let date = match c.get(3) {
                Some(y) => ymd(y.as_str().parse().unwrap_or(0), mo, d),
                None => month_day(mo, d, sent),
            };
            push(m.start(), m.end(), date, false, true);
        }
        for c in R_EN_DM.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let mo = month_of(&c[2]);
            let d = c[1].parse().unwrap_or(0);
            let date = match c.get(3) {
                Some(y) => ymd(y.as_str().parse().unwrap_or(0), mo, d),
                None => month_day(mo, d, sent),
            };
            push(m.start(), m.end(), date, false, true);
        }
        for c in R_EN_NUM.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let a: u32 = c[1].parse().unwrap_or(0);
            let b: u32 = c[2].parse().unwrap_or(0);
            let (mo, d) = if ctx.day_first { (b, a) } else { (a, b) };
            let date = match c.get(3) {
                Some(y) => {
                    let y: i32 = y.as_str().parse().unwrap_or(0);
                    ymd(if y < 100 { 2000 + y } else { y }, mo, d)
                }
                None => month_day(mo, d, sent),
            };
            push(m.start(), m.end(), date, false, true);
        }
        for c in R_EN_ORD.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let d: u32 = c[1].parse().unwrap_or(0);
            let mut date = ymd(sent.year(), sent.month(), d);
            if date.is_some_and(|x| x < sent) {
                let (y, mo) = if sent.month() == 12 {
                    (sent.year() + 1, 1)
                } else {
                    (sent.year(), sent.month() + 1)
                };
                date = ymd(y, mo, d);
            }
            push(m.start(), m.end(), date, false, true);
        }
    }
    for m in R_PERIOD.find_iter(t) {
        let w = m.as_str();
        let date = match w {
            "本月底" | "月底" | "本月末" | "月末" | "end of the month" | "end of month"
            | "month end" | "month-end" => last_day_of_month(sent.year(), sent.month()),
            "年底" | "年末" | "end of the year" | "end of year" | "year end" | "year-end" => {
                ymd(sent.year(), 12, 31)
            }
            "本周" | "这周" | "this week" => {
                // Only when it times the ask; 本周小结 / "this week's report" name the work.
                let next: String = t[m.end()..].chars().take(2).collect();
                let names_object = next.starts_with('\'')
                    || next.starts_with('的')
                    || next.starts_with('末')
                    || [
                        "小结", "总结", "工作", "例会", "计划", "学习", "值班", "志愿",
                    ]
                    .iter()
                    .any(|w| next.starts_with(w))
                    || next
                        .chars()
                        .next()
                        .is_some_and(|c| "一二三四五六日天".contains(c));
                if names_object {
                    None
                } else {
                    Some(this_week_friday(sent))
                }
            }
            _ => Some(this_week_friday(sent)),
        };
        push(m.start(), m.end(), date, false, false);
    }
    for c in R_FIRST_WORKDAY.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let name = c
            .get(1)
            .or(c.get(2))
            .or(c.get(3))
            .map(|x| x.as_str())
            .unwrap_or("节");
        let date = match name {
            "节" | "假" => ctx.cal.after_break_first_workday(sent),
            n => ctx.cal.first_workday_after_holiday(n, sent),
        };
        push(m.start(), m.end(), date, false, true);
    }
    for c in R_HOLIDAY_BEFORE.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        if c.get(2).is_none() {
            continue;
        }
        if c.get(2).is_some_and(|g| g.as_str().is_empty()) && !c[1].is_ascii() {
            continue;
        }
        // "Before X" is the calendar day before the holiday itself.
        let day = match &c[1] {
            "三八" | "三八节" | "妇女节" => month_day(3, 8, sent),
            s if s.starts_with("christmas") => month_day(12, 25, sent),
            s if s.starts_with("new year") => month_day(1, 1, sent),
            "元旦" => ctx
                .cal
                .holiday_day("元旦", sent)
                .or_else(|| month_day(1, 1, sent)),
            "国庆" | "国庆节" => ctx
                .cal
                .holiday_day("国庆", sent)
                .or_else(|| month_day(10, 1, sent)),
            "劳动节" | "五一" => ctx
                .cal
                .holiday_day("劳动节", sent)
                .or_else(|| month_day(5, 1, sent)),
            other => ctx.cal.holiday_day(other, sent),
        };
        push(
            m.start(),
            m.end(),
            day.and_then(|d| d.pred_opt()),
            false,
            true,
        );
    }
    // Overlaps: keep the longest span (3月6日 beats 6日).
    out.sort_by_key(|d| (d.start, std::cmp::Reverse(d.end)));
    let mut kept: Vec<DateM> = Vec::new();
    for d in out {
        if let Some(last) = kept.last()
            && d.start < last.end
        {
            continue;
        }
        kept.push(d);
    }
    kept
}

fn month_of(s: &str) -> u32 {
    let p: String = s.chars().take(3).collect();
    match p.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => 0,
    }
}

fn pod_of(s: &str) -> Option<Pod> {
    Some(match s {
        "凌晨" => Pod::EarlyMorning,
        "早上" | "早晨" | "上午" | "早" | "morning" => Pod::Morning,
        "中午" | "lunchtime" => Pod::Noon,
        "下午" | "afternoon" => Pod::Afternoon,
        "傍晚" | "晚上" | "今晚" | "明晚" | "晚" | "晚间" | "evening" => Pod::Evening,
        _ => return None,
    })
}

fn times(t: &str, ctx: &Ctx<'_>) -> Vec<TimeM> {
    let mut out = Vec::new();
    for c in R_ZH_CLOCK.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let digits = c.get(2).map(|g| g.start()).unwrap_or(m.start());
        if prev_char(t, digits)
            .is_some_and(|p| p.is_ascii_digit() || p == '.' || p == ':' || p == '/')
        {
            continue;
        }
        // 9:00-17:00 office hours, "3:1" ratios and 12.5 are no clock times here.
        if c.get(3).is_some() && next_char(t, m.end()).is_some_and(|n| n.is_ascii_digit()) {
            continue;
        }
        // "5:30 p.m." is read by the English clock.
        let rest = t[m.end()..].trim_start();
        if c.get(3).is_some()
            && (rest.starts_with("p.m")
                || rest.starts_with("pm")
                || rest.starts_with("a.m")
                || rest.starts_with("am"))
        {
            continue;
        }
        let h: u32 = c[2].parse().unwrap_or(99);
        let mi: u32 = if c.get(4).is_some() {
            30
        } else if c.get(6).is_some() {
            15
        } else if c.get(7).is_some() {
            45
        } else {
            c.get(3)
                .or(c.get(5))
                .and_then(|g| g.as_str().parse().ok())
                .unwrap_or(0)
        };
        if h > 24 || mi > 59 {
            continue;
        }
        let pod = c.get(1).and_then(|p| pod_of(p.as_str()));
        let colon = c.get(3).is_some();
        let spec = if (h == 24 && mi == 0) || (h == 12 && mi == 0 && pod == Some(Pod::Evening)) {
            TimeSpec::EndOfDay
        } else {
            TimeSpec::Clock {
                h,
                m: mi,
                pod,
                bare: pod.is_none() && h <= 12 && !(colon && h >= 10),
            }
        };
        let own_day = match c.get(1).map(|p| p.as_str()) {
            Some("今晚") => Some(0),
            Some("明晚") => Some(1),
            _ => None,
        };
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec,
            own_day,
        });
    }
    for m in R_ZH_POD.find_iter(t) {
        if out.iter().any(|x| x.start <= m.start() && m.end() <= x.end) {
            continue;
        }
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::PartOfDay,
            own_day: None,
        });
    }
    for m in R_WORKDAY_END.find_iter(t) {
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::WorkdayEnd,
            own_day: None,
        });
    }
    if ctx.lang == Lang::En || t.is_ascii() {
        for c in R_EN_CLOCK.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            if out.iter().any(|x| x.start < m.end() && m.start() < x.end) {
                continue;
            }
            let spec = if let Some(w) = c.get(6) {
                match w.as_str() {
                    "midnight" => TimeSpec::EndOfDay,
                    _ => TimeSpec::Clock {
                        h: 12,
                        m: 0,
                        pod: None,
                        bare: false,
                    },
                }
            } else if let Some(h) = c.get(1) {
                let mut h: u32 = h.as_str().parse().unwrap_or(99);
                let mi: u32 = c.get(2).and_then(|g| g.as_str().parse().ok()).unwrap_or(0);
                let pm = c.get(3).is_some_and(|g| g.as_str().starts_with('p'));
                if h > 12 || mi > 59 {
                    continue;
                }
                if pm && h < 12 {
                    h += 12;
                }
                if !pm && h == 12 {
                    h = 0;
                }
                TimeSpec::Clock {
                    h,
                    m: mi,
                    pod: None,
                    bare: false,
                }
            } else {
                let h: u32 = c[4].parse().unwrap_or(99);
                let mi: u32 = c[5].parse().unwrap_or(99);
                if h > 23 || mi > 59 {
                    continue;
                }
                TimeSpec::Clock {
                    h,
                    m: mi,
                    pod: None,
                    bare: h < 10,
                }
            };
            out.push(TimeM {
                start: m.start(),
                end: m.end(),
                spec,
                own_day: None,
            });
        }
        for c in R_EN_BARE_HOUR.captures_iter(t) {
            let Some(g) = c.get(1) else { continue };
            if out.iter().any(|x| x.start < g.end() && g.start() < x.end) {
                continue;
            }
            // "by 3 schools", "by 2 staff": a count, not an hour.
            let rest = t[g.end()..].trim_start();
            if rest.starts_with(|ch: char| ch.is_ascii_alphabetic())
                && ![
                    "today", "tomorrow", "please", "pls", "on", "this", "tonight", "so", "and",
                    "if", "at", "latest", "sharp",
                ]
                .iter()
                .any(|w| rest.starts_with(w))
            {
                continue;
            }
            if rest.starts_with(['/', ':', '%', '.']) && !rest.starts_with(". ") && rest != "." {
                continue;
            }
            let h: u32 = g.as_str().parse().unwrap_or(99);
            if !(1..=12).contains(&h) {
                continue;
            }
            out.push(TimeM {
                start: g.start(),
                end: g.end(),
                spec: TimeSpec::Clock {
                    h,
                    m: 0,
                    pod: None,
                    bare: true,
                },
                own_day: None,
            });
        }
        for c in R_EN_POD.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            if out.iter().any(|x| x.start < m.end() && m.start() < x.end) {
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
    out.sort_by_key(|x| x.start);
    out
}

/// Is the text between two mentions short glue ("（周四）", " on ", ", ")?
fn is_glue(gap: &str) -> bool {
    let g = gap.trim();
    if g.chars().count() > 8 {
        return false;
    }
    // "(…this morning) by EOD": a closing paren first ends the clause.
    let close = g.find([')', '）']);
    let open = g.find(['(', '（']);
    if close.is_some_and(|c| open.is_none_or(|o| c < o)) {
        return false;
    }
    let mut s = g.to_string();
    for w in [
        "(", ")", "（", "）", ",", "，", "的", "at", "by", "on", "the", "before", "前", "、",
    ] {
        s = s.replace(w, "");
    }
    let s = R_WD_ZH.replace_all(&s, "");
    let s = R_WD_EN.replace_all(&s, "");
    s.trim().is_empty()
}

/// Resolve a time on a day (or, without a day, on its next occurrence).
fn resolve(date: Option<NaiveDate>, spec: TimeSpec, ctx: &Ctx<'_>) -> Option<Deadline> {
    let sent = ctx.sent;
    match spec {
        TimeSpec::WorkdayEnd => {
            let d = date.unwrap_or(sent.date());
            Some(Deadline::Minute(d.and_time(ctx.workday_end)))
        }
        TimeSpec::EndOfDay | TimeSpec::PartOfDay => {
            Some(Deadline::Day(date.unwrap_or(sent.date())))
        }
        TimeSpec::Clock { h, m, pod, bare } => {
            let h = match pod {
                Some(Pod::Afternoon | Pod::Evening) if h < 12 => h + 12,
                Some(Pod::Noon) if h < 6 => h + 12,
                _ => h,
            };
            let d = date.unwrap_or(sent.date());
            let at = |d: NaiveDate, h: u32| NaiveTime::from_hms_opt(h, m, 0).map(|t| d.and_time(t));
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

const HAND_IN: &[&str] = &[
    "报送", "上报", "提交", "交", "报", "发", "上传", "反馈", "填报", "录入", "回复", "给我",
    "到场", "到位", "集合", "签到", "完成", "补", "传", "转移", "submit", "send", "upload",
    "return", "get", "turn", "hand", "file", "reply", "respond", "enter", "finish", "complete",
    "fill", "share", "drop", "post", "email",
];

const MEETING: &[&str] = &[
    "开会", "召开", "会议", "培训", "演练", "参加", "开始", "出发", "例会", "meeting", "training",
    "drill", "session", "webinar", "clinic", "starts", "begins",
];

fn starts_with_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.starts_with(w))
}

fn ends_with_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.ends_with(w))
}

fn score(t: &str, start: usize, end: usize, d: Deadline, minute: bool, ctx: &Ctx<'_>) -> i32 {
    let before: String = {
        let v: Vec<char> = t[..start].chars().rev().take(14).collect();
        v.into_iter().rev().collect()
    };
    let before = before.trim_end();
    let after_full = &t[end..];
    let after = after_full.trim_start();
    let mut s = 0;
    // Marked as a deadline.
    if t[start..end].ends_with('前')
        || starts_with_any(
            after,
            &["前", "之前", "以前", "截止", "为止", "止", "before"],
        )
        || ends_with_any(
            before,
            &[
                "截止时间:",
                "截止时间",
                "截止日期:",
                "截止日期",
                "截止",
                "by",
                "before",
                "due",
                "until",
                "till",
                "no later than",
                "deadline:",
                "deadline",
                "closes",
                "close",
                "due by",
                "due on",
                "不晚于",
                "最迟",
                "务必于",
                "于",
                "在",
            ],
        )
        || before.ends_with("截止时间：")
    {
        s += 4;
    }
    // An enumeration ("8:00、20:00在群里签到") shares what follows it.
    let window = if after.starts_with('、') || after.starts_with("和") {
        16
    } else {
        10
    };
    // What follows within the same clause.
    let after2: String = after
        .chars()
        .take(window)
        .take_while(|c| !"，,。；;\n".contains(*c))
        .collect();
    // An arrival, assembly or sign-in time replaces the event's start.
    let arrival = (after.starts_with('到')
        && !after.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        || starts_with_any(
            after,
            &[
                "集合", "到场", "到岗", "报到", "签到", "出发", "arrive", "check in",
            ],
        )
        || ends_with_any(
            before,
            &[
                "集合时间",
                "集合",
                "arrive by",
                "arrive at",
                "be there by",
                "check in by",
            ],
        );
    if arrival {
        s += 5;
    }
    // A time the sender quotes from upstream ("县里周五要") yields to the one
    // they set for their own readers.
    if [
        "县里", "区里", "市里", "省里", "上级", "局里", "needs it", "wants it", "want it",
    ]
    .iter()
    .any(|w| before.contains(w))
    {
        s -= 3;
    }
    // "今天是…最后一天": the day itself is the deadline.
    if after.starts_with('是')
        && ["最后1天", "最后一天", "截止日", "最后期限", "last day"]
            .iter()
            .any(|w| after_full.contains(w))
    {
        s += 10;
    }
    // A new time after 改至 / 顺延至 / "moved to" is the deadline now.
    if ends_with_any(
        before,
        &[
            "改至",
            "改到",
            "延至",
            "顺延至",
            "推迟至",
            "推迟到",
            "延期至",
            "延期到",
            "调整为",
            "改为",
            "改成",
            "moved to",
            "pushed to",
            "extended to",
            "now",
        ],
    ) {
        s += 4;
    }
    if HAND_IN.iter().any(|w| after2.contains(w)) {
        s += 2;
    } else if MEETING.iter().any(|w| after2.contains(w)) {
        // Meetings and attendance: the start is the deadline.
        s += 2;
    }
    if minute {
        s += 1;
    }
    // Context, not deadline.
    if ends_with_any(
        before,
        &[
            "截至",
            "as of",
            "since",
            "from",
            "moved from",
            "由",
            "从",
            "自",
            "覆盖",
            "covering",
            "原定",
            "原",
            "instead of",
            "not",
        ],
    ) || starts_with_any(
        after,
        &[
            "起",
            "开始",
            "以来",
            "至",
            "-",
            "~",
            "期间",
            "已经",
            "已过",
            "过了",
            "调整为",
            "改为",
            "改成",
            "'s",
            "是",
            "召开的",
            "举办的",
            "上午到",
            "onwards",
            "on,",
            "through",
            "to ",
            "–",
            "和",
        ],
    ) || (before.ends_with("至")
        && !ends_with_any(before, &["改至", "延至", "顺延至", "推迟至", "延期至"]))
        || before.ends_with('-')
        || (after.starts_with('的') && !minute)
    {
        s -= 6;
    }
    // A secondary ask ("另请…", "also…") does not replace the headline ask.
    if ends_with_any(
        before.trim_end_matches(|c: char| !c.is_alphanumeric() && !c.is_alphabetic()),
        &["另请", "另外", "另", "also", "separately"],
    ) {
        s -= 5;
    }
    // 今日推文 / 今天的X name today's work, not a time to hand it in.
    let span = &t[start..end];
    if span == "今日" || (span == "今天" && after_full.starts_with('的')) {
        let next: String = after_full.chars().take(2).collect();
        let timing = [
            "前", "之前", "内", "下班", "上午", "下午", "晚上", "中午", "完成", "报", "交", "发",
            "上传", "提交", "截止", "务必", "必须", "开始", "起", "要", "需", "请", "把", "将",
            "是", "全天", "就", "必", "一定", "，", ",", "。", " ", "(", "（",
        ];
        if next.chars().next().is_some_and(|c| !c.is_ascii())
            && !timing.iter().any(|w| next.starts_with(w))
            && !next.is_empty()
        {
            s -= 6;
        }
    }
    // Past times are not deadlines of a new ask.
    if !d.is_pending_at(ctx.sent) {
        s -= 10;
    }
    s
}

fn candidates(t: &str, ctx: &Ctx<'_>) -> Vec<Cand> {
    let mut ds = dates(t, ctx);
    // Adjacent dates (3月7日（周四）, "Tuesday Oct 22") describe one day: keep the explicit one.
    let mut i = 0;
    while i + 1 < ds.len() {
        let (a, b) = (ds[i], ds[i + 1]);
        let gap = t[a.end..b.start].trim();
        if gap.is_empty() || gap == "(" || gap == "（" || gap == "," {
            let keep = if b.explicit && !a.explicit { b } else { a };
            // 3月7日（周四）: the merged span takes the closing paren too.
            let rest = &t[b.end..];
            let b = if gap != "," && (rest.starts_with(')') || rest.starts_with('）')) {
                DateM {
                    end: b.end + rest.chars().next().map(char::len_utf8).unwrap_or(0),
                    ..b
                }
            } else {
                b
            };
            ds[i] = DateM {
                start: a.start,
                end: b.end,
                ..keep
            };
            ds.remove(i + 1);
            continue;
        }
        i += 1;
    }
    let ts = times(t, ctx);
    let ago: Vec<(usize, usize)> = R_AGO.find_iter(t).map(|m| (m.start(), m.end())).collect();
    let mut used = vec![false; ds.len()];
    let mut out = Vec::new();
    for tm in &ts {
        // The day this time is on: right before it, right after it, or the
        // last day named earlier on the same line.
        let mut day: Option<(usize, DateM)> = None;
        for (k, d) in ds.iter().enumerate() {
            if d.end <= tm.start && is_glue(&t[d.end..tm.start]) {
                day = Some((k, *d));
            }
        }
        if day.is_none() {
            for (k, d) in ds.iter().enumerate() {
                if d.start >= tm.end && is_glue(&t[tm.end..d.start]) {
                    day = Some((k, *d));
                    break;
                }
            }
        }
        let (start, end, date) = match day {
            Some((k, d)) => {
                used[k] = true;
                (d.start.min(tm.start), d.end.max(tm.end), Some(d.date))
            }
            None => {
                // The day the time names itself, else the last day named
                // earlier in the same sentence.
                let sentence_start = t[..tm.start]
                    .rfind(['\n', '。', '；', ';', '!', '！', '?', '？'])
                    .map(|p| p + 1)
                    .unwrap_or(0);
                let inherited = match tm.own_day {
                    Some(off) => Some(ctx.sent.date() + Duration::days(off)),
                    None => ds
                        .iter()
                        .rev()
                        .find(|d| d.end <= tm.start && d.start >= sentence_start)
                        .map(|d| d.date),
                };
                (tm.start, tm.end, inherited)
            }
        };
        let Some(dl) = resolve(date, tm.spec, ctx) else {
            continue;
        };
        let minute = matches!(dl, Deadline::Minute(_));
        let sc = score(t, start, end, dl, minute, ctx);
        out.push(Cand {
            start,
            end,
            deadline: dl,
            score: sc,
        });
    }
    for (k, d) in ds.iter().enumerate() {
        if used[k] {
            continue;
        }
        if ago.iter().any(|&(a, b)| a <= d.start && d.end <= b) {
            continue;
        }
        let dl = Deadline::Day(d.date);
        let mut sc = score(t, d.start, d.end, dl, false, ctx);
        if d.pod {
            sc = sc.max(sc);
        }
        out.push(Cand {
            start: d.start,
            end: d.end,
            deadline: dl,
            score: sc,
        });
    }
    for c in R_DURATION.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let n: i64 = c
            .get(1)
            .or(c.get(3))
            .or(c.get(5))
            .and_then(|g| g.as_str().parse().ok())
            .unwrap_or(0);
        let unit = c
            .get(2)
            .or(c.get(4))
            .or(c.get(6))
            .map(|g| g.as_str())
            .unwrap_or("");
        let dl = if unit.starts_with("小时") || unit.starts_with("hour") {
            Deadline::Minute(ctx.sent + Duration::hours(n))
        } else if unit.starts_with("分钟") || unit.starts_with("min") {
            Deadline::Minute(ctx.sent + Duration::minutes(n))
        } else if unit.contains("工作日") || unit.contains("business") || unit.contains("working")
        {
            Deadline::Day(
                ctx.cal
                    .add_workdays(ctx.sent.date(), n.clamp(0, 366) as u32),
            )
        } else {
            Deadline::Day(ctx.sent.date() + Duration::days(n))
        };
        out.push(Cand {
            start: m.start(),
            end: m.end(),
            deadline: dl,
            score: 5,
        });
    }
    // "提前10分钟到场": the meeting time before it, moved earlier, is the arrival time.
    if let Some(c) = R_EARLY.captures(t)
        && let Some(m) = c.get(0)
    {
        let mins: i64 = c
            .get(1)
            .or(c.get(2))
            .and_then(|g| g.as_str().parse().ok())
            .unwrap_or(0);
        if let Some(cand) = out
            .iter_mut()
            .rev()
            .find(|x| x.start < m.start() && matches!(x.deadline, Deadline::Minute(_)))
        {
            if let Deadline::Minute(at) = cand.deadline {
                cand.deadline = Deadline::Minute(at - Duration::minutes(mins));
                cand.score += 3;
            }
        }
    }
    out.sort_by_key(|c| c.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    static CAL: std::sync::LazyLock<crate::holidays::Calendar> = std::sync::LazyLock::new(|| {
        crate::holidays::Calendar::bundled().expect("bundled calendar parses")
    });

    fn ctx(sent: &str) -> Ctx<'static> {
        Ctx {
            sent: NaiveDateTime::parse_from_str(sent, "%Y-%m-%dT%H:%M").expect("test time"),
            workday_end: NaiveTime::from_hms_opt(17, 30, 0).expect("time"),
            lang: Lang::Zh,
            day_first: false,
            cal: &CAL,
        }
    }

    fn en(sent: &str) -> Ctx<'static> {
        Ctx {
            lang: Lang::En,
            ..ctx(sent)
        }
    }

    fn dl(text: &str, c: &Ctx<'_>) -> Option<String> {
        find(text, c).deadline().map(|d| d.to_label())
    }

    // Tuesday 2024-05-07 08:30, as in FORMAT.md.
    const T: &str = "2024-05-07T08:30";

    #[test]
    fn clock_times() {
        let c = ctx(T);
        assert_eq!(
            dl("请于今天17:00前报送", &c).as_deref(),
            Some("2024-05-07T17:00")
        );
        assert_eq!(dl("下午5点前上传", &c).as_deref(), Some("2024-05-07T17:00"));
        assert_eq!(dl("表格4点前给我", &c).as_deref(), Some("2024-05-07T16:00"));
        assert_eq!(
            dl("明天中午12点前报", &c).as_deref(),
            Some("2024-05-08T12:00")
        );
        assert_eq!(
            dl("明天五点半前交", &c).as_deref(),
            Some("2024-05-08T17:30")
        );
        assert_eq!(
            dl("今天５点一刻前交", &c).as_deref(),
            Some("2024-05-07T17:15")
        );
        assert_eq!(
            dl("１７：００前交", &c).as_deref(),
            Some("2024-05-07T17:00")
        );
    }

    #[test]
    fn days_and_weekdays() {
        let c = ctx(T);
        assert_eq!(
            dl("后天下午把整改照片交来", &c).as_deref(),
            Some("2024-05-09")
        );
        assert_eq!(
            dl("周四下班前交考勤表", &c).as_deref(),
            Some("2024-05-09T17:30")
        );
        assert_eq!(dl("周二前报", &c).as_deref(), Some("2024-05-07"));
        assert_eq!(dl("下周二前报", &c).as_deref(), Some("2024-05-14"));
        assert_eq!(dl("本周内完成设备巡检", &c).as_deref(), Some("2024-05-10"));
        assert_eq!(dl("台账月底前交", &c).as_deref(), Some("2024-05-31"));
        assert_eq!(
            dl("请于3月6日前报送", &ctx("2024-03-04T09:00")).as_deref(),
            Some("2024-03-06")
        );
        assert_eq!(
            dl("请于十二月三日前报送", &ctx("2024-11-25T09:00")).as_deref(),
            Some("2024-12-03")
        );
    }

    #[test]
    fn year_rolls_over_in_late_december() {
        let c = ctx("2023-12-27T10:00");
        assert_eq!(
            dl("请于1月8日前报镇农经站", &c).as_deref(),
            Some("2024-01-08")
        );
        assert_eq!(dl("元旦前报综合办", &c).as_deref(), Some("2023-12-31"));
    }

    #[test]
    fn durations() {
        let c = ctx(T);
        assert_eq!(dl("48小时内回复", &c).as_deref(), Some("2024-05-09T08:30"));
        assert_eq!(
            dl("reply within 36 hours", &en(T)).as_deref(),
            Some("2024-05-08T20:30")
        );
    }

    #[test]
    fn context_times_are_not_deadlines() {
        let c = ctx(T);
        assert_eq!(
            dl("6月份排班表（覆盖6月1日至30日）本周五前交", &c).as_deref(),
            Some("2024-05-10")
        );
        assert_eq!(dl("截至5月6日，已完成80%", &c), None);
        assert_eq!(dl("两天前发的通知大家看一下", &c), None);
        assert_eq!(dl("材料还差三份，请尽快", &c), None);
        assert_eq!(dl("今天的走访照片还没看到你的，抓紧传一下", &c), None);
    }

    #[test]
    fn headline_and_relayed_times() {
        let c = ctx(T);
        assert_eq!(
            dl("周五15:00培训，14:40前到场", &c).as_deref(),
            Some("2024-05-10T14:40")
        );
        assert_eq!(
            dl("转：县里周五要，各村周三中午12点前报我", &c).as_deref(),
            Some("2024-05-08T12:00")
        );
        assert_eq!(
            dl("周四前检查完灭火器，检查记录周五上午10点前交", &c).as_deref(),
            Some("2024-05-10T10:00")
        );
        assert_eq!(
            dl("周四下午2点开会；另请今天下班前回复参会名单", &c).as_deref(),
            Some("2024-05-09T14:00")
        );
    }

    #[test]
    fn noon_and_midnight() {
        let c = ctx(T);
        assert_eq!(dl("晚上12点前提交", &c).as_deref(), Some("2024-05-07"));
        assert_eq!(dl("5月8日24时前", &c).as_deref(), Some("2024-05-08"));
        assert_eq!(
            dl("by noon Wednesday", &en(T)).as_deref(),
            Some("2024-05-08T12:00")
        );
        assert_eq!(
            dl("due by midnight tomorrow", &en(T)).as_deref(),
            Some("2024-05-08")
        );
    }

    #[test]
    fn english() {
        let c = en(T);
        assert_eq!(
            dl("drop the keys off Thursday morning", &c).as_deref(),
            Some("2024-05-09")
        );
        assert_eq!(
            dl("invoices in by end of day Thursday", &c).as_deref(),
            Some("2024-05-09T17:30")
        );
        assert_eq!(
            dl("send the totals over by 3", &c).as_deref(),
            Some("2024-05-07T15:00")
        );
        assert_eq!(dl("by Tuesday", &c).as_deref(), Some("2024-05-07"));
        assert_eq!(dl("next Tuesday", &c).as_deref(), Some("2024-05-14"));
        assert_eq!(
            dl("get the audit done this week", &c).as_deref(),
            Some("2024-05-10")
        );
        assert_eq!(dl("by month end", &c).as_deref(), Some("2024-05-31"));
        assert_eq!(
            dl("the June roster (1-30 June) is due 24 May", &c).as_deref(),
            Some("2024-05-24")
        );
        assert_eq!(
            dl("training 9am Thursday, arrive by 8:45", &c).as_deref(),
            Some("2024-05-09T08:45")
        );
        assert_eq!(
            dl("please send it by 5:30 p.m. on Oct 16", &c).as_deref(),
            Some("2024-10-16T17:30")
        );
        assert_eq!(dl("Friday week", &c).as_deref(), Some("2024-05-17"));
    }

    #[test]
    fn day_first_numeric_dates_follow_the_zone() {
        let us = en(T);
        let gb = Ctx {
            day_first: true,
            ..en(T)
        };
        assert_eq!(dl("due 6/10", &us).as_deref(), Some("2024-06-10"));
        assert_eq!(dl("due 16/10", &gb).as_deref(), Some("2024-10-16"));
    }

    #[test]
    fn pointer_to_earlier_time() {
        assert_eq!(find("报送时间与上条一致", &ctx(T)), Found::SameAsEarlier);
    }

    #[test]
    fn holidays_and_working_days() {
        let c = ctx(T);
        assert_eq!(dl("端午节前报送", &c).as_deref(), Some("2024-06-09"));
        assert_eq!(
            dl("端午节后第一个工作日交", &c).as_deref(),
            Some("2024-06-11")
        );
        assert_eq!(
            dl("send it before Christmas", &en(T)).as_deref(),
            Some("2024-12-24")
        );
        // 2024-09-29 (Sunday) is a swapped working day before the National Day break.
        let fri = ctx("2024-09-27T10:00");
        assert_eq!(dl("请3个工作日内反馈", &fri).as_deref(), Some("2024-10-08"));
        assert_eq!(
            dl(
                "please reply within 2 business days",
                &Ctx {
                    lang: Lang::En,
                    ..fri
                }
            )
            .as_deref(),
            Some("2024-09-30")
        );
        assert_eq!(
            dl("元旦后第一个工作日给我", &ctx("2023-12-27T14:00")).as_deref(),
            Some("2024-01-02")
        );
    }

    #[test]
    fn last_day_and_reschedules() {
        let c = ctx("2023-12-28T09:00");
        assert_eq!(
            dl("今天是党费收缴最后一天，还有2个支部没交，请抓紧。", &c).as_deref(),
            Some("2023-12-28")
        );
        let c = ctx("2024-06-19T17:05");
        assert_eq!(
            dl("演练改至6月21日（周五）上午9:00，请准时参加", &c).as_deref(),
            Some("2024-06-21T09:00")
        );
        assert_eq!(
            dl("演练改到周五上午9点，集合时间8点半不变。", &c).as_deref(),
            Some("2024-06-21T08:30")
        );
        assert_eq!(
            dl(
                "会议14:30准时开始，请参会人员提前10分钟到场签到。",
                &ctx("2024-03-07T14:00")
            )
            .as_deref(),
            Some("2024-03-07T14:20")
        );
    }
}
