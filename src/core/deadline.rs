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
    /// 夜里, 半夜: late evening for 9–11, small hours for 1–5.
    Night,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TimeSpec {
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
struct DateM {
    start: usize,
    end: usize,
    date: NaiveDate,
    explicit: bool,
    /// A named day alone (春节, Easter): context, hardly ever a deadline.
    weak: bool,
    /// Underspecified: no year (3月6日) or no month (20号) was given.
    roll: Roll,
}

/// What an underspecified date leaves open, for the future-preferring
/// reading of [`expressions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Roll {
    None,
    Year,
    Month,
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
    /// A clock time with no day given (resolved on the send day).
    pub dayless: bool,
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect(concat!("valid regex ", stringify!($name))));
    };
}

const EN_MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const EN_WD: &str = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun";

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
    R_REL,
    r"大大后天|大后天|大后日|后天|后日|明天|明日|明早|明晚|明晨|明儿|听日|今天|今日|今晚|今早|今晨|今夜|本日|当天|当日|当晚|大前天|前天|前日|昨天|昨日|昨晚|昨夜|寻日|the day after tomorrow|day after tomorrow|the day after tmrw|day after tmrw|the day before yesterday|day before yesterday|today|tonight|tomorrow|tmrw|this morning|this afternoon|this evening|yesterday|last night"
);
re!(
    R_WD_ZH,
    r"(上上个|上上|下下个|下下|下个|下|上个|上|本|这个|这|今个)?(?:周|星期|礼拜)(?:周|星期|礼拜)?([一二三四五六日天1-7])"
);
re!(
    R_WD_EN,
    &format!(
        r"(?-u:\b)(this past |this coming |this upcoming |next |this |coming |upcoming |following |last |previous |past )?({EN_WD})(?-u:\b)\.?( week| after next| of next week| of this week| of last week| next week| this week| last week)?"
    )
);
re!(
    R_WD_EN_WEEK,
    &format!(
        r"(?-u:\b)(next|last|this|previous|following) week(?:'s)?,? (?:on )?({EN_WD})(?-u:\b)"
    )
);
re!(
    R_PERIOD,
    r"本月底|月底|本月末|月末|明年底|明年末|去年底|年底|年末|本周内|这周内|本周之内|本周|这周|end of (?:the )?month|month[- ]end|end of (?:the )?week|this week|end of (?:the )?year|year[- ]end"
);
re!(
    R_FIRST_WORKDAY,
    r"(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后(?:的)?第?1个工作日|(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后上班第?1天|(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后上班后?"
);
re!(
    R_HOLIDAY_BEFORE,
    r"(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|三八节?|妇女节|christmas|new year'?s?(?: day)?)(?:节)?(前|之前|以前|(?-u:\b))?"
);
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
    r"下班前|下班之前|下班以前|下班|(?-u:\b)eod(?-u:\b)|(?-u:\b)cob(?-u:\b)|close of business|end of (?:the )?(?:business |work(?:ing)? )?day"
);
re!(
    R_EN_CLOCK,
    r"(?-u:\b)(\d{1,2})(?:[:.]?(\d{2})(?::(\d{2}))?)?\s*\.?\s*(a\s?\.?\s?m(?-u:\b)\.?|p\s?\.?\s?m(?-u:\b)\s?\.?)|(?-u:\b)(\d{1,2}):(\d{2})(?::(\d{2}))?(?-u:\b)|(?-u:\b)(noon|midday|midnight)(?:ish)?(?-u:\b)|(?-u:\b)(\d{1,2})h(\d{2})?(?-u:\b)|(?-u:\b)(\d{1,2})(?::(\d{2}))?(a|p)(?-u:\b)|(?-u:\b)(?:at|by|@|around) (\d{1,2})[ .](\d{2})(?-u:\b)"
);
re!(
    R_EN_BARE_HOUR,
    r"(?-u:\b)(?:by|before|at|until|till|around|about|@|after)\s*(\d{1,2})(?-u:\b)|(?-u:\b)(\d{1,2})\s*(?:o'?clock|ish)(?-u:\b)|(?-u:\b)(\d{1,2}) (?:tonight|this morning|this afternoon|this evening|in the morning|in the afternoon|in the evening|tomorrow morning|tomorrow afternoon|tomorrow evening|tomorrow|today)(?-u:\b)"
);
re!(
    R_EN_PAST,
    r"(?-u:\b)(\d{1,2}|quarter|half) (?:min(?:ute)?s? )?(past|after|to|before|til) (\d{1,2}|noon)(?:\s*(a\.?m(?-u:\b)\.?|p\.?m(?-u:\b)\.?))?"
);
re!(
    R_EN_POD,
    r"(?-u:\b)(?:this |tomorrow |in the )?(morning|afternoon|evening|lunchtime)(?-u:\b)"
);
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
    R_EN_NUM,
    r"(?-u:\b)(\d{1,2})\s?/\s?(\d{1,2})(?:[/,](\d{2,4}))?(?-u:\b)|(?-u:\b)(\d{1,2})[.-](\d{1,2})[.-](\d{4})(?-u:\b)"
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
        r"(?-u:\b)(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th) ({EN_WD})[a-z]* (?:of|in) (?:(this|next|last|the) month|({EN_MONTHS})(?:,? (\d{{4}}))?)(?-u:\b)"
    )
);
re!(
    R_DURATION,
    r"(\d+)\s*个?(小时|分钟|天|日|工作日)(?:内|之内|以内)|(?-u:\b)within (?:the next )?(\d+) (hours?|minutes?|mins?|days?|business days?|working days?)(?-u:\b)|(?-u:\b)(?:closes |due |ends )?in (\d+) (minutes?|mins?|hours?)(?-u:\b)"
);
re!(
    R_AGO,
    r"(\d+)\s*个?(天|小时|分钟|周|星期|个月|月|年)(?:之|以)?前|(?-u:\b)\d+ (?:days?|hours?|minutes?|weeks?|months?) ago(?-u:\b)"
);
re!(R_EARLY, r"提前(\d+)分钟|(\d+) min(?:ute)?s? early");
re!(
    R_SAME,
    r"同上|与上条一致|与之前一致|与上次一致|时间不变|截止时间不变|时间同前|为准|same deadline|same time as before|same due date|deadline unchanged"
);
// Context-only families (never deadlines), for `expressions`.
re!(
    R_ZH_OFFSET,
    r"(未来|今后)?(\d+(?:\.\d+)?|半|一|三)\s*(个)?(半)?\s*(秒钟|秒|分钟|分|刻钟|钟头|小时|天|日|工作日|周|星期|礼拜|个月|月|年)(半)?钟?(之|以)?(前|后|内)?"
);
re!(
    R_EN_OFFSET,
    r"(?-u:\b)(?:(in|within|after) )?(?:about |around |approximately )?(\d+(?:\.\d+)?|\d/\d|a|an|another|a couple of|a couple|a pair of|a few|few|half an?|a quarter of an?|three-quarters of an?|three quarters of an?)\s?(?:more )?(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|fortnights?|months?|years?)(?: (ago|back|from now|from right now|from today|from tomorrow|from tmrw|from yesterday|later|hence|earlier|before today|before yesterday|before tomorrow|after today|after tomorrow|after tmrw))?(?-u:\b)|(?-u:\b)(?:(in) )?(a|one) (fortnight)( hence| from now| later)?(?-u:\b)"
);
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
re!(R_NTH_DAY, r"(?:(\d{4})年)?第(\d{1,3})天");
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
    for d in dates(&t, ctx, true) {
        let mut days = vec![d.date];
        if d.date < today {
            let next = match d.roll {
                Roll::Year => month_day(d.date.month(), d.date.day(), d.date + Duration::days(1))
                    .and_then(|x| ymd(d.date.year() + 1, x.month(), x.day()).or(Some(x))),
                Roll::Month => (1..=3).find_map(|k| day_in_month(d.date, k, d.date.day())),
                Roll::None => None,
            };
            days.extend(next.filter(|x| *x >= today));
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

// ---- English number words ----

const EN_CARD: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
];

const EN_ORDW: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
];

fn card(w: &str) -> Option<u32> {
    if !(3..=9).contains(&w.len()) {
        return None;
    }
    EN_CARD.iter().find(|(k, _)| *k == w).map(|x| x.1)
}

fn ordw(w: &str) -> Option<u32> {
    if !(5..=11).contains(&w.len()) {
        return None;
    }
    EN_ORDW.iter().find(|(k, _)| *k == w).map(|x| x.1)
}

fn ord_suffix(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// English number words to digits where they count or date something:
/// "twenty nine" → 29, "one thirty" → 1:30, "twelve-oh-three" → 12:03,
/// "january twenty fourth" → january 24th, "tuesday the eleventh" → the
/// 11th. `None` when there is nothing to convert.
fn en_numbers(t: &str) -> Option<String> {
    // Words: (start, end) of ASCII-letter runs.
    let b = t.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() {
            let s = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            words.push((s, i));
        } else {
            i += 1;
        }
    }
    let w = |k: usize| words.get(k).map(|&(s, e)| &t[s..e]);
    if !words
        .iter()
        .any(|&(s, e)| card(&t[s..e]).is_some() || ordw(&t[s..e]).is_some())
    {
        return None;
    }
    // Only a space or a hyphen joins two number words.
    let joined = |k: usize| -> bool {
        match (words.get(k), words.get(k + 1)) {
            (Some(&(_, e)), Some(&(s, _))) => matches!(&t[e..s], " " | "-"),
            _ => false,
        }
    };
    // A cardinal or compound (twenty nine) at word k: (value, words used, ordinal).
    let number_at = |k: usize| -> Option<(u32, usize, bool)> {
        let a = w(k)?;
        if let Some(v) = card(a) {
            if v >= 20 && joined(k) {
                if let Some(u) = w(k + 1).and_then(card).filter(|u| *u < 10) {
                    return Some((v + u, 2, false));
                }
                if let Some(u) = w(k + 1).and_then(ordw).filter(|u| *u < 10) {
                    return Some((v + u, 2, true));
                }
            }
            return Some((v, 1, false));
        }
        ordw(a).map(|v| (v, 1, true))
    };
    let mut out = String::with_capacity(t.len());
    let mut last = 0;
    let mut k = 0;
    let mut changed = false;
    while k < words.len() {
        let Some((v, used, ordinal)) = number_at(k) else {
            k += 1;
            continue;
        };
        let (s, _) = words[k];
        let mut e = words[k + used - 1].1;
        let mut used = used;
        let rep = if ordinal {
            let prev = k.checked_sub(1).and_then(w).unwrap_or("");
            let next = w(k + used).unwrap_or("");
            let after = t[e..].trim_start();
            let prev2 = k.checked_sub(2).and_then(w).unwrap_or("");
            let next2 = w(k + used + 1).unwrap_or("");
            let ok = month_of(prev) != 0 && prev.len() >= 3
                || next == "of"
                || (next == "day" && next2 == "of")
                || (prev == "the" && weekday_from(prev2).is_some())
                || month_of(next) != 0 && next.len() >= 3
                || (prev == "the"
                    && (after.is_empty()
                        || after.starts_with([',', '.', '!', '?', ';'])
                        || matches!(next, "at" | "day" | "in" | "on" | "of")));
            if !ok || v > 31 {
                k += used;
                continue;
            }
            format!("{v}{}", ord_suffix(v))
        } else if v <= 12 && joined(k + used - 1) {
            // Hour and minutes: "one thirty", "twelve-oh-three".
            let nk = k + used;
            let minutes = match w(nk) {
                Some("oh" | "o") if joined(nk) => {
                    w(nk + 1).and_then(card).filter(|u| *u < 10).map(|u| (u, 2))
                }
                _ => number_at(nk)
                    .filter(|(m, _, ord)| !ord && (10..60).contains(m))
                    .map(|(m, n, _)| (m, n)),
            };
            match minutes {
                Some((mi, n)) => {
                    used += n;
                    e = words[k + used - 1].1;
                    format!("{v}:{mi:02}")
                }
                None => v.to_string(),
            }
        } else {
            v.to_string()
        };
        out.push_str(&t[last..s]);
        out.push_str(&rep);
        last = e;
        changed = true;
        k += used;
    }
    if !changed {
        return None;
    }
    out.push_str(&t[last..]);
    Some(out)
}

// ---- Context-only expressions ----

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
        return Some((
            base + Duration::seconds((n * s).round() as i64),
            Grain::Second,
        ));
    }
    if unit == "工作日" {
        let d = ctx
            .cal
            .add_workdays(base.date(), n.clamp(0.0, 366.0) as u32);
        return Some((d.and_time(NaiveTime::MIN), Grain::Day));
    }
    if let Some(d) = offset_days(unit) {
        let days = (n * d).round() as i64;
        return Some((
            (base.date() + Duration::days(days)).and_time(NaiveTime::MIN),
            Grain::Day,
        ));
    }
    let months = offset_months(unit)?;
    let total = (n * months).round() as i32;
    add_months(base.date(), total).map(|d| (d.and_time(NaiveTime::MIN), Grain::Day))
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
            push(
                &m,
                sent + Duration::seconds((sign * n * d * 86400.0) as i64),
                Grain::Second,
            );
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
                push(
                    &m,
                    base + Duration::seconds((sign * n * d * 86400.0) as i64),
                    Grain::Second,
                );
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
    let t = with_numbers(&folded, ctx).into_owned();
    let c = candidates(&t, ctx, true);
    (t, c)
}

/// As [`find`], on text already passed through [`fold`].
pub fn find_folded(t: &str, ctx: &Ctx<'_>) -> Found {
    let t = &*with_numbers(t, ctx);
    let cands = candidates(t, ctx, false);
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
    if m == 2 && d == 29 && ymd(sent.year(), 2, 29).is_none() {
        // 2月29日 in a common year: the next leap year's.
        return (1..8).find_map(|k| ymd(sent.year() + k, 2, 29));
    }
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

// ---- Named days: fixed, lunar, nth weekday, Easter-based ----

#[derive(Debug, Clone, Copy)]
enum Named {
    Fixed(u32, u32),
    Lunar(u32, u32),
    /// 除夕: the last day of the lunar year.
    LunarEve,
    /// The `n`th (5: last) weekday of a month, plus a day offset.
    Nth(u32, u32, Weekday, i64),
    /// Days from (Western) Easter Sunday.
    Easter(i64),
    /// Days from Orthodox Easter Sunday.
    Orthodox(i64),
    /// One of the 24 solar terms (节气), 0 = 小寒 … 23 = 冬至.
    Term(u32),
}

const NAMED: &[(&[&str], Named)] = &[
    (
        &[
            "元旦节",
            "元旦",
            "阳历新年",
            "新年",
            "new year's day",
            "new years day",
            "new year day",
            "new year's",
            "new years",
        ],
        Named::Fixed(1, 1),
    ),
    (
        &[
            "情人节",
            "圣瓦伦丁节",
            "valentine's day",
            "valentines day",
            "valentine's",
        ],
        Named::Fixed(2, 14),
    ),
    (&["女生节"], Named::Fixed(3, 7)),
    (
        &[
            "三八妇女节",
            "国际妇女节",
            "妇女节",
            "三八节",
            "women's day",
        ],
        Named::Fixed(3, 8),
    ),
    (&["植树节"], Named::Fixed(3, 12)),
    (
        &["国际消费者权益日", "消费者权益日", "三一五"],
        Named::Fixed(3, 15),
    ),
    (
        &[
            "st patrick's day",
            "st. patrick's day",
            "saint patrick's day",
            "st patrick's",
            "saint paddy's day",
            "st paddy's day",
            "st. paddy's day",
            "st patricks day",
            "saint patrick",
            "st patrick",
            "st. patrick",
        ],
        Named::Fixed(3, 17),
    ),
    (
        &[
            "愚人节",
            "april fools day",
            "april fool's day",
            "april fools' day",
            "april fools",
        ],
        Named::Fixed(4, 1),
    ),
    (&["earth day"], Named::Fixed(4, 22)),
    (
        &[
            "五一国际劳动节",
            "五一劳动节",
            "国际劳动节",
            "劳动节",
            "五一",
            "may day",
            "international workers' day",
            "international workers day",
            "workers' day",
        ],
        Named::Fixed(5, 1),
    ),
    (&["五四青年节", "青年节"], Named::Fixed(5, 4)),
    (
        &["六一儿童节", "国际儿童节", "儿童节", "children's day"],
        Named::Fixed(6, 1),
    ),
    (&["建党节"], Named::Fixed(7, 1)),
    (
        &[
            "independence day",
            "fourth of july",
            "4th of july",
            "july fourth",
            "july 4th",
        ],
        Named::Fixed(7, 4),
    ),
    (&["八一建军节", "建军节"], Named::Fixed(8, 1)),
    (&["教师节"], Named::Fixed(9, 10)),
    (&["国庆节", "国庆"], Named::Fixed(10, 1)),
    (
        &[
            "老板节",
            "boss's day",
            "bosses day",
            "boss day",
            "national boss day",
        ],
        Named::Fixed(10, 16),
    ),
    (&["万圣节", "halloween"], Named::Fixed(10, 31)),
    (&["光棍节", "双十一", "双11"], Named::Fixed(11, 11)),
    (
        &["veterans day", "veteran's day", "veterans' day"],
        Named::Fixed(11, 11),
    ),
    (&["澳门回归纪念日"], Named::Fixed(12, 20)),
    (
        &["平安夜", "christmas eve", "xmas eve"],
        Named::Fixed(12, 24),
    ),
    (
        &[
            "圣诞节",
            "圣诞",
            "christmas day",
            "christmas",
            "xmas day",
            "xmas",
        ],
        Named::Fixed(12, 25),
    ),
    (
        &["new year's eve", "new years eve", "new year eve"],
        Named::Fixed(12, 31),
    ),
    (
        &[
            "春节",
            "农历新年",
            "新春",
            "大年初一",
            "正月正时",
            "正月朔日",
            "chinese new year",
            "lunar new year",
        ],
        Named::Lunar(1, 1),
    ),
    (&["元宵节", "元宵"], Named::Lunar(1, 15)),
    (&["端午节", "端午"], Named::Lunar(5, 5)),
    (&["七夕节", "七夕"], Named::Lunar(7, 7)),
    (&["中秋节", "中秋"], Named::Lunar(8, 15)),
    (&["重阳节", "重阳"], Named::Lunar(9, 9)),
    (&["腊八节", "腊八"], Named::Lunar(12, 8)),
    (&["除夕", "大年三十", "大年夜"], Named::LunarEve),
    (&["清明节", "清明"], Named::Term(6)),
    (&["小寒"], Named::Term(0)),
    (&["大寒"], Named::Term(1)),
    (&["立春"], Named::Term(2)),
    (&["雨水"], Named::Term(3)),
    (&["惊蛰"], Named::Term(4)),
    (&["春分"], Named::Term(5)),
    (&["谷雨"], Named::Term(7)),
    (&["立夏"], Named::Term(8)),
    (&["小满"], Named::Term(9)),
    (&["芒种"], Named::Term(10)),
    (&["夏至"], Named::Term(11)),
    (&["小暑"], Named::Term(12)),
    (&["大暑"], Named::Term(13)),
    (&["立秋"], Named::Term(14)),
    (&["处暑"], Named::Term(15)),
    (&["白露"], Named::Term(16)),
    (&["秋分"], Named::Term(17)),
    (&["寒露"], Named::Term(18)),
    (&["霜降"], Named::Term(19)),
    (&["立冬"], Named::Term(20)),
    (&["小雪"], Named::Term(21)),
    (&["大雪"], Named::Term(22)),
    (&["冬至"], Named::Term(23)),
    (
        &["母亲节", "mother's day", "mothers day", "mothers' day"],
        Named::Nth(5, 2, Weekday::Sun, 0),
    ),
    (
        &["父亲节", "father's day", "fathers day", "fathers' day"],
        Named::Nth(6, 3, Weekday::Sun, 0),
    ),
    (
        &["感恩节", "thanksgiving day", "thanksgiving"],
        Named::Nth(11, 4, Weekday::Thu, 0),
    ),
    (
        &["黑色星期五", "black friday"],
        Named::Nth(11, 4, Weekday::Thu, 1),
    ),
    (
        &[
            "martin luther king day",
            "martin luther king jr. day",
            "mlk day",
            "mlk jr. day",
        ],
        Named::Nth(1, 3, Weekday::Mon, 0),
    ),
    (
        &["presidents day", "presidents' day", "president's day"],
        Named::Nth(2, 3, Weekday::Mon, 0),
    ),
    (&["memorial day"], Named::Nth(5, 5, Weekday::Mon, 0)),
    (
        &["labor day", "labour day"],
        Named::Nth(9, 1, Weekday::Mon, 0),
    ),
    (&["columbus day"], Named::Nth(10, 2, Weekday::Mon, 0)),
    (
        &["复活节星期一", "easter monday", "easter mon"],
        Named::Easter(1),
    ),
    (
        &[
            "复活节",
            "主复活日",
            "easter sunday",
            "easter day",
            "easter",
        ],
        Named::Easter(0),
    ),
    (
        &[
            "耶稣受难日",
            "主受难日",
            "主受难节",
            "圣周五",
            "沈默周五",
            "good friday",
        ],
        Named::Easter(-2),
    ),
    (
        &[
            "神圣周六",
            "圣周六",
            "耶稣受难日翌日",
            "主受难节翌日",
            "复活节前夜",
            "黑色星期六",
            "holy saturday",
            "black saturday",
            "easter eve",
        ],
        Named::Easter(-1),
    ),
    (
        &[
            "神圣星期四",
            "圣周星期四",
            "圣周四",
            "濯足节",
            "设立圣餐日",
            "maundy thursday",
            "holy thursday",
            "thu of mysteries",
            "thursday of mysteries",
        ],
        Named::Easter(-3),
    ),
    (
        &[
            "棕枝主日",
            "圣枝主日",
            "圣树主日",
            "基督苦难主日",
            "palm sunday",
            "branch sunday",
            "passion sunday",
        ],
        Named::Easter(-7),
    ),
    (
        &[
            "大斋首日",
            "圣灰星期三",
            "圣灰礼仪日",
            "圣灰日",
            "灰日",
            "ash wednesday",
        ],
        Named::Easter(-46),
    ),
    (
        &[
            "忏悔节",
            "忏悔火曜日",
            "煎饼星期二",
            "shrove tuesday",
            "mardi gras",
            "pancake day",
            "pancake tuesday",
        ],
        Named::Easter(-47),
    ),
    (
        &["ascension day", "ascension thursday", "ascension"],
        Named::Easter(39),
    ),
    (
        &[
            "五旬节",
            "圣灵降临节",
            "圣灵降临日",
            "pentecost",
            "whit sunday",
            "whitsunday",
            "whitsun",
        ],
        Named::Easter(49),
    ),
    (
        &["圣灵节庆日", "whit monday", "pentecost monday"],
        Named::Easter(50),
    ),
    (
        &[
            "圣三一主日",
            "天主三一主日",
            "天主圣三一节",
            "圣三主日",
            "圣三节",
            "trinity sunday",
        ],
        Named::Easter(56),
    ),
    (
        &[
            "基督圣体节",
            "基督圣体圣血瞻礼",
            "基督圣体圣血节",
            "corpus christi",
        ],
        Named::Easter(60),
    ),
    (
        &["东正教复活节星期一", "orthodox easter monday"],
        Named::Orthodox(1),
    ),
    (
        &["东正教复活节", "orthodox easter sunday", "orthodox easter"],
        Named::Orthodox(0),
    ),
    (
        &[
            "东正教神圣周六",
            "东正教圣周六",
            "东正教耶稣受难日翌日",
            "东正教主受难节翌日",
            "东正教复活节前夜",
            "orthodox holy saturday",
        ],
        Named::Orthodox(-1),
    ),
    (
        &[
            "东正教耶稣受难日",
            "东正教主受难节",
            "东正教圣周五",
            "东正教沈默周五",
            "orthodox good friday",
        ],
        Named::Orthodox(-2),
    ),
    (
        &[
            "东正教棕枝主日",
            "东正教圣枝主日",
            "东正教圣树主日",
            "东正教基督苦难主日",
            "orthodox palm sunday",
        ],
        Named::Orthodox(-7),
    ),
    (
        &["拉撒路圣周六", "拉匝路周六", "lazarus saturday"],
        Named::Orthodox(-8),
    ),
    (
        &[
            "orthodox shrove monday",
            "clean monday",
            "orthodox ash monday",
        ],
        Named::Orthodox(-48),
    ),
];

static NAMED_MAP: LazyLock<std::collections::HashMap<&'static str, Named>> = LazyLock::new(|| {
    NAMED
        .iter()
        .flat_map(|(names, k)| names.iter().map(move |n| (*n, *k)))
        .collect()
});

static R_NAMED: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = NAMED.iter().flat_map(|(n, _)| n.iter().copied()).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let alt: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    let pat = format!(
        r"(?:(\d{{2,4}})\s*年|(今|去|明|前|后|大前)年)?(?:的)?(?:(?-u:\b)(next|last|this|the next|the last|the following|following|upcoming|coming|previous|the previous) )?({})(?:,?\s*(?:of )?(this year|next year|last year|\d{{4}})(?-u:\b))?",
        alt.join("|")
    );
    Regex::new(&pat).expect("valid named-day regex")
});

/// Gregorian Easter Sunday (anonymous Gregorian algorithm).
fn easter(y: i32) -> Option<NaiveDate> {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(y, month as u32, day as u32)
}

/// Orthodox Easter Sunday (Meeus' Julian algorithm, shifted to Gregorian;
/// valid 1900–2099).
fn orthodox_easter(y: i32) -> Option<NaiveDate> {
    let a = y % 4;
    let b = y % 7;
    let c = y % 19;
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    ymd(y, month as u32, day as u32).map(|x| x + Duration::days(13))
}

/// The `n`th (5: last) `wd` of month `m`.
fn nth_weekday(y: i32, m: u32, n: u32, wd: Weekday) -> Option<NaiveDate> {
    if n >= 5 {
        let last = last_day_of_month(y, m)?;
        let back =
            (last.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64 + 7)
                % 7;
        return Some(last - Duration::days(back));
    }
    let first = ymd(y, m, 1)?;
    let d = next_weekday(first, wd) + Duration::days(7 * (n.max(1) as i64 - 1));
    (d.month() == m).then_some(d)
}

/// The solar terms' constants for the usual formula (21st century): day =
/// ⌊Y·0.2422 + C⌋ − ⌊L/4⌋, Y the year in the century, L = Y − 1 for the
/// January and February terms, else Y.
const TERM_C: [f64; 24] = [
    5.4055, 20.12, 3.87, 18.73, 5.63, 20.646, 4.81, 20.1, 5.52, 21.04, 5.678, 21.37, 7.108, 22.83,
    7.5, 23.13, 7.646, 23.042, 8.318, 23.438, 7.438, 22.36, 7.18, 21.94,
];

/// Solar term `k` (0 = 小寒) in year `y`; 小寒 and 大寒 of a term year fall in
/// the next calendar January (the cycle runs 立春 to 大寒).
fn solar_term(y: i32, k: u32, term_year: bool) -> Option<NaiveDate> {
    let c = *TERM_C.get(k as usize)?;
    let y = if term_year && k < 2 { y + 1 } else { y };
    let yy = y.rem_euclid(100);
    let l = if k < 4 { yy - 1 } else { yy };
    let d = (yy as f64 * 0.2422 + c).floor() as i32 - l.div_euclid(4);
    ymd(y, k / 2 + 1, u32::try_from(d).ok()?)
}

/// The named day in (Gregorian) year `y`; for lunar days, lunar year `y`.
fn named_in(k: Named, y: i32) -> Option<NaiveDate> {
    match k {
        Named::Fixed(m, d) => ymd(y, m, d),
        Named::Lunar(m, d) => lunar_to_solar(y, m, d),
        Named::LunarEve => lunar_to_solar(y + 1, 1, 1).and_then(|d| d.pred_opt()),
        Named::Nth(m, n, wd, off) => nth_weekday(y, m, n, wd).map(|d| d + Duration::days(off)),
        Named::Easter(off) => easter(y).map(|d| d + Duration::days(off)),
        Named::Orthodox(off) => orthodox_easter(y).map(|d| d + Duration::days(off)),
        Named::Term(k) => solar_term(y, k, false),
    }
}

/// The named day's next occurrence counting `from` (`dir` > 0), its last
/// one before `from` (`dir` < 0).
fn named_near(k: Named, from: NaiveDate, dir: i32) -> Option<NaiveDate> {
    let y = from.year();
    if dir < 0 {
        (y - 2..=y)
            .rev()
            .filter_map(|yy| named_in(k, yy))
            .find(|d| *d < from)
    } else {
        (y - 1..=y + 1)
            .filter_map(|yy| named_in(k, yy))
            .find(|d| *d >= from)
    }
}

/// A 2-digit year: 00–49 → 2000s, 50–99 → 1900s (15年 → 2015, 九零年 → 1990).
fn full_year(y: i32, digits: usize, _sent: NaiveDate) -> i32 {
    match digits {
        0..=2 if y < 50 => 2000 + y,
        0..=2 => 1900 + y,
        _ => y,
    }
}

fn year_rel(w: &str) -> i32 {
    match w {
        "去" => -1,
        "明" => 1,
        "前" => -2,
        "后" => 2,
        "大前" => -3,
        _ => 0,
    }
}

fn num<T: std::str::FromStr + Default>(c: &regex::Captures<'_>, i: usize) -> T {
    c.get(i)
        .and_then(|g| g.as_str().parse().ok())
        .unwrap_or_default()
}

fn add_months(d: NaiveDate, n: i32) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_months(chrono::Months::new(n as u32))
    } else {
        d.checked_sub_months(chrono::Months::new(n.unsigned_abs()))
    }
}

/// The day `day` of the month `off` months from `sent`'s.
fn day_in_month(sent: NaiveDate, off: i32, day: u32) -> Option<NaiveDate> {
    let first = add_months(sent.with_day(1)?, off)?;
    ymd(first.year(), first.month(), day)
}

/// The most recent `wd` strictly before `from`.
fn prev_weekday(from: NaiveDate, wd: Weekday) -> NaiveDate {
    let back =
        (from.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64 + 7) % 7;
    from - Duration::days(if back == 0 { 7 } else { back })
}

fn is_month_word(s: &str) -> bool {
    month_of(s) != 0
}

fn add(
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
        });
    }
}

/// An explicit date that leaves its year or month open.
fn add_r(out: &mut Vec<DateM>, at: (usize, usize), date: Option<NaiveDate>, roll: Roll) {
    add(out, at, date, false, true);
    if let Some(last) = out.last_mut()
        && date.is_some()
    {
        last.roll = roll;
    }
}

fn span(m: &regex::Match<'_>) -> (usize, usize) {
    (m.start(), m.end())
}

/// All date mentions, overlapping ones resolved in favour of the longer.
/// `re.captures_iter(t)` when the cue is present, else nothing (without
/// even the search's capture allocation).
fn caps<'r, 'h>(re: &'r Regex, cue: bool, t: &'h str) -> Gated<regex::CaptureMatches<'r, 'h>> {
    Gated(cue.then(|| re.captures_iter(t)))
}

/// `re.find_iter(t)` when the cue is present, else nothing.
fn finds<'r, 'h>(re: &'r Regex, cue: bool, t: &'h str) -> Gated<regex::Matches<'r, 'h>> {
    Gated(cue.then(|| re.find_iter(t)))
}

/// A regex iterator run only when its cue is present (an `Option` walked in
/// place: `flatten` would move the large iterator on every call).
struct Gated<I>(Option<I>);

impl<I: Iterator> Iterator for Gated<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        self.0.as_mut()?.next()
    }
}

/// Whether `s` contains one of `words` (a byte loop over short windows,
/// cheaper here than a substring searcher per word).
fn contains_any(s: &str, words: &[&str]) -> bool {
    let s = s.as_bytes();
    (0..s.len()).any(|i| {
        let rest = &s[i..];
        words.iter().any(|w| {
            let w = w.as_bytes();
            w.len() <= rest.len()
                && w.first() == Some(&rest[0])
                && rest.iter().zip(w).all(|(a, b)| a == b)
        })
    })
}

/// Which cue characters a text holds, found in one pass, so that a regex
/// family whose cue is absent is skipped without rescanning the text.
struct Cues<'a> {
    t: &'a str,
    ascii: u128,
    cjk: u64,
}

/// The bit of a non-ASCII cue character in [`Cues`].
fn cjk_bit(c: char) -> Option<u32> {
    Some(match c {
        '月' => 0,
        '日' => 1,
        '号' => 2,
        '第' => 3,
        '天' => 4,
        '晚' => 5,
        '早' => 6,
        '晨' => 7,
        '夜' => 8,
        '儿' => 9,
        '周' => 10,
        '期' => 11,
        '拜' => 12,
        '年' => 13,
        '后' => 14,
        '前' => 15,
        '点' => 16,
        '时' => 17,
        '内' => 18,
        '·' => 19,
        '初' => 20,
        '廿' => 21,
        '卅' => 22,
        _ => return None,
    })
}

impl<'a> Cues<'a> {
    fn new(t: &'a str) -> Self {
        let (mut ascii, mut cjk) = (0u128, 0u64);
        for c in t.chars() {
            if c.is_ascii() {
                ascii |= 1 << (c as u32);
            } else if let Some(b) = cjk_bit(c) {
                cjk |= 1 << b;
            }
        }
        Cues { t, ascii, cjk }
    }

    fn has(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii & (1 << (c as u32)) != 0
        } else if let Some(b) = cjk_bit(c) {
            self.cjk & (1 << b) != 0
        } else {
            self.t.contains(c)
        }
    }
}

fn dates(t: &str, ctx: &Ctx<'_>, full: bool) -> Vec<DateM> {
    let sent = ctx.sent.date();
    let cu = Cues::new(t);
    let mut out: Vec<DateM> = Vec::new();
    let digits = t.bytes().any(|b| b.is_ascii_digit());
    let ascii_words = ctx.lang == Lang::En || t.is_ascii();
    if digits {
        let digit4 = t
            .as_bytes()
            .windows(4)
            .any(|w| w.iter().all(u8::is_ascii_digit));
        for c in caps(&R_ISO, digit4, t) {
            let Some(m) = c.get(0) else { continue };
            if prev_char(t, m.start()).is_some_and(|p| p.is_ascii_digit())
                || (c.get(4).is_none() && next_char(t, m.end()).is_some_and(|p| p.is_ascii_digit()))
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
            add(&mut out, span(&m), ymd(y, mo, d), false, true);
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
                ymd(full_year(yy, y.as_str().len(), sent), mo, d)
            } else if let Some(r) = c.get(2) {
                ymd(sent.year() + year_rel(r.as_str()), mo, d)
            } else {
                add_r(&mut out, span(&m), month_day(mo, d, sent), Roll::Year);
                continue;
            };
            add(&mut out, span(&m), date, false, true);
        }
        let mrel = has_month
            && ["本月", "个月", "下月", "上月", "这月", "同月", "当月"]
                .iter()
                .any(|w| t.contains(w));
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
            add(&mut out, span(&m), date, false, true);
        }
        for c in caps(&R_DAY, cu.has('日') || cu.has('号'), t) {
            let Some(m) = c.get(0) else { continue };
            let prev = prev_char(t, m.start());
            if prev.is_some_and(|p| p.is_ascii_digit() || p == '月' || p == '-' || p == '.') {
                continue;
            }
            let d: u32 = num(&c, 1);
            let mut date = ymd(sent.year(), sent.month(), d);
            if date.is_none_or(|x| x < sent - Duration::days(10)) {
                // "the 3rd" said on the 28th: next month's (29日 in February: March's).
                date = day_in_month(sent, 1, d).or_else(|| day_in_month(sent, 2, d));
            }
            add_r(&mut out, span(&m), date, Roll::Month);
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
                if !matches!(
                    next,
                    Some('前' | '日' | '号' | '(' | '（' | ' ' | ',' | '，' | '之' | '以' | '。')
                        | None
                ) {
                    continue;
                }
                // "3-5" in a range of counts: a dash needs a plausible month-day.
                let mo: u32 = num(&c, 1);
                let d: u32 = num(&c, 2);
                if m.as_str().contains('-') && (mo == 0 || d == 0 || m.as_str().len() < 4) {
                    continue;
                }
                add_r(&mut out, span(&m), month_day(mo, d, sent), Roll::Year);
            }
        }
        for c in caps(
            &R_LUNAR,
            [
                "农历", "阴历", "正月", "腊月", "冬月", "初", "廿", "卅", "大年",
            ]
            .iter()
            .any(|w| t.contains(w)),
            t,
        ) {
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
                add(&mut out, span(&m), date, false, true);
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
            add(&mut out, span(&m), date, false, true);
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
            add(&mut out, span(&m), date, false, true);
        }
        let sep = cu.has('/') || cu.has('.') || cu.has('-');
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
                    add_r(&mut out, span(&m), month_day(mo, d, sent), Roll::Year);
                    continue;
                }
            };
            add(&mut out, span(&m), date, false, true);
        }
    }
    let rel_cue = ascii_words
        || ['天', '日', '晚', '早', '晨', '夜', '儿']
            .iter()
            .any(|c| cu.has(*c));
    for m in finds(&R_REL, rel_cue, t) {
        let w = m.as_str();
        let (off, pod) = match w {
            "今天" | "今日" | "today" | "当天" | "当日" | "本日" => (0, false),
            "今晚" | "今早" | "今晨" | "今夜" | "当晚" | "tonight" | "this morning"
            | "this afternoon" | "this evening" => (0, true),
            "明天" | "明日" | "明儿" | "听日" | "tomorrow" | "tmrw" => (1, false),
            "明早" | "明晚" | "明晨" => (1, true),
            "后天"
            | "后日"
            | "day after tomorrow"
            | "the day after tomorrow"
            | "day after tmrw"
            | "the day after tmrw" => (2, false),
            "大后天" | "大后日" => (3, false),
            "大大后天" => (4, false),
            "前天" | "前日" | "day before yesterday" | "the day before yesterday" => {
                (-2, false)
            }
            "大前天" => (-3, false),
            "昨晚" | "昨夜" | "last night" => (-1, true),
            _ => (-1, false),
        };
        add(
            &mut out,
            span(&m),
            Some(sent + Duration::days(off)),
            pod,
            false,
        );
    }
    let wd_zh = ['周', '期', '拜'].iter().any(|c| cu.has(*c));
    for c in caps(&R_WD_ZH, wd_zh, t) {
        let Some(m) = c.get(0) else { continue };
        let Some(wd) = weekday_from(&c[2]) else {
            continue;
        };
        let date = match c.get(1).map(|p| p.as_str()) {
            Some("下" | "下个") => weekday_next_week(sent, wd),
            Some("下下" | "下下个") => weekday_next_week(sent, wd) + Duration::days(7),
            Some("上" | "上个") => weekday_next_week(sent, wd) - Duration::days(14),
            Some("上上" | "上上个") => weekday_next_week(sent, wd) - Duration::days(21),
            Some("本" | "这" | "这个" | "今个") => {
                let monday = sent - Duration::days(sent.weekday().num_days_from_monday() as i64);
                monday + Duration::days(wd.num_days_from_monday() as i64)
            }
            _ => next_weekday(sent, wd),
        };
        add(&mut out, span(&m), Some(date), false, false);
    }
    let has_wd = ascii_words
        && ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .any(|w| t.contains(w));
    let has_mon = ascii_words
        && [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        .iter()
        .any(|w| t.contains(w));
    if ascii_words {
        for c in caps(&R_WD_EN, has_wd, t) {
            let Some(m) = c.get(0) else { continue };
            let Some(wd) = weekday_from(&c[2]) else {
                continue;
            };
            let mut date = match c.get(1).map(|p| p.as_str().trim()) {
                Some("next" | "following") => weekday_next_week(sent, wd),
                // "last Wednesday": last week's.
                Some("last" | "previous") => weekday_next_week(sent, wd) - Duration::days(14),
                Some("past" | "this past") => prev_weekday(sent, wd),
                Some("coming" | "upcoming" | "this coming" | "this upcoming") => {
                    next_weekday(sent + Duration::days(1), wd)
                }
                _ => next_weekday(sent, wd),
            };
            match c.get(3).map(|g| g.as_str()) {
                Some(" week" | " after next") => date += Duration::days(7),
                Some(" of next week" | " next week") => date = weekday_next_week(sent, wd),
                Some(" of last week" | " last week") => {
                    date = weekday_next_week(sent, wd) - Duration::days(14)
                }
                Some(" of this week" | " this week") => {
                    date = weekday_next_week(sent, wd) - Duration::days(7);
                }
                _ => {}
            }
            add(&mut out, span(&m), Some(date), false, false);
        }
        for c in caps(&R_WD_EN_WEEK, has_wd, t) {
            let Some(m) = c.get(0) else { continue };
            let Some(wd) = weekday_from(&c[2]) else {
                continue;
            };
            let next = weekday_next_week(sent, wd);
            let date = match &c[1] {
                "next" | "following" => next,
                "this" => next - Duration::days(7),
                _ => next - Duration::days(14),
            };
            add(&mut out, span(&m), Some(date), false, false);
        }
        for c in caps(&R_EN_YMD, has_mon && digits, t) {
            let Some(m) = c.get(0) else { continue };
            add(
                &mut out,
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
                    &mut out,
                    span(&m),
                    ymd(y.as_str().parse().unwrap_or(0), mo, d),
                    false,
                    true,
                ),
                None => add_r(&mut out, span(&m), month_day(mo, d, sent), Roll::Year),
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
                    &mut out,
                    span(&m),
                    ymd(y.as_str().parse().unwrap_or(0), mo, d),
                    false,
                    true,
                ),
                None => add_r(&mut out, span(&m), month_day(mo, d, sent), Roll::Year),
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
            let date = if let Some(rel) = c.get(3) {
                let off = match rel.as_str() {
                    "next" => 1,
                    "last" => -1,
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
            add(&mut out, span(&m), date, false, true);
        }
        if digits {
            for c in caps(&R_EN_ORD_MONTH, t.contains("month"), t) {
                let Some(m) = c.get(0) else { continue };
                let off = match &c[2] {
                    "next" | "following" | "coming" => 1,
                    "last" | "previous" => -1,
                    _ => 0,
                };
                add(
                    &mut out,
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
                add_r(&mut out, span(&m), date, Roll::Month);
            }
            for c in caps(&R_EN_WD_DAY, has_wd, t) {
                let Some(m) = c.get(0) else { continue };
                let Some(wd) = weekday_from(&c[1]) else {
                    continue;
                };
                let rest = t[m.end()..].trim_start();
                let rest_of = rest.strip_prefix("of ").unwrap_or(rest);
                if rest.starts_with([':', '.', '/', '-'])
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
                add(&mut out, span(&m), date, false, true);
            }
        }
    }
    let period_cue = ['月', '年', '周'].iter().any(|c| cu.has(*c))
        || (ascii_words && (t.contains("end") || t.contains("week")));
    for m in finds(&R_PERIOD, period_cue, t) {
        let w = m.as_str();
        let date = match w {
            "本月底" | "月底" | "本月末" | "月末" | "end of the month" | "end of month"
            | "month end" | "month-end" => last_day_of_month(sent.year(), sent.month()),
            "年底" | "年末" | "end of the year" | "end of year" | "year end" | "year-end" => {
                ymd(sent.year(), 12, 31)
            }
            "明年底" | "明年末" => ymd(sent.year() + 1, 12, 31),
            "去年底" => ymd(sent.year() - 1, 12, 31),
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
        add(&mut out, span(&m), date, false, false);
    }
    for c in caps(&R_FIRST_WORKDAY, cu.has('后'), t) {
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
        add(&mut out, span(&m), date, false, true);
    }
    for c in caps(&R_HOLIDAY_BEFORE, cu.has('前') || t.contains("before"), t) {
        let Some(m) = c.get(0) else { continue };
        if c.get(2).is_none() {
            continue;
        }
        if c.get(2).is_some_and(|g| g.as_str().is_empty())
            && (!c[1].is_ascii() || !t[..m.start()].trim_end().ends_with("before"))
        {
            continue;
        }
        // "Before X" is the calendar day before the holiday itself.
        let name = &c[1];
        let day = match name {
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
            other => ctx.cal.holiday_day(other, sent).or_else(|| {
                // Outside the calendar's years: the lunar or solar-term day.
                let key = if other.ends_with('节') {
                    other.to_string()
                } else {
                    format!("{other}节")
                };
                NAMED_MAP
                    .get(key.as_str())
                    .or_else(|| NAMED_MAP.get(other))
                    .and_then(|k| named_near(*k, sent, 1))
            }),
        };
        add(
            &mut out,
            span(&m),
            day.and_then(|d| d.pred_opt()),
            false,
            true,
        );
    }
    // 第3天 / 2025年第1天: counted from today or from the year's start.
    for c in caps(&R_NTH_DAY, full, t) {
        let Some(m) = c.get(0) else { continue };
        let n: i64 = num(&c, 2);
        let first = match c.get(1) {
            Some(y) => ymd(y.as_str().parse().unwrap_or(0), 1, 1),
            None => Some(sent),
        };
        if let Some(d) = first.filter(|_| n >= 1) {
            out.push(DateM {
                start: m.start(),
                end: m.end(),
                date: d + Duration::days(n - 1),
                explicit: true,
                weak: true,
                roll: Roll::None,
            });
        }
    }
    // Named days (春节, 中秋, Easter…) alone are context, not deadlines.
    let named_cue = full && (!t.is_ascii() || ascii_words);
    if named_cue {
        for c in R_NAMED.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let Some(name) = c.get(4) else { continue };
            let Some(&k) = NAMED_MAP.get(name.as_str()) else {
                continue;
            };
            // English names need word boundaries.
            if name.as_str().is_ascii()
                && (prev_char(t, name.start()).is_some_and(|p| p.is_ascii_alphanumeric())
                    || next_char(t, name.end()).is_some_and(|p| p.is_ascii_alphanumeric()))
            {
                continue;
            }
            let year = if let Some(y) = c.get(1) {
                Some(full_year(
                    y.as_str().parse().unwrap_or(0),
                    y.as_str().len(),
                    sent,
                ))
            } else if let Some(r) = c.get(2) {
                Some(sent.year() + year_rel(r.as_str()))
            } else {
                match c.get(5).map(|g| g.as_str()) {
                    Some("this year") => Some(sent.year()),
                    Some("next year") => Some(sent.year() + 1),
                    Some("last year") => Some(sent.year() - 1),
                    Some(y) => y.parse().ok(),
                    None => None,
                }
            };
            let date = match year {
                Some(y) => match k {
                    Named::Term(i) => solar_term(y, i, true),
                    _ => named_in(k, y),
                },
                None => match c.get(3).map(|g| g.as_str()) {
                    Some("last" | "the last" | "previous" | "the previous") => {
                        named_near(k, sent, -1)
                    }
                    _ => named_near(k, sent, 1),
                },
            };
            if let Some(date) = date {
                out.push(DateM {
                    start: m.start(),
                    end: m.end(),
                    date,
                    explicit: true,
                    weak: true,
                    roll: Roll::None,
                });
            }
        }
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

fn times(t: &str, ctx: &Ctx<'_>) -> Vec<TimeM> {
    let mut out: Vec<TimeM> = Vec::new();
    let cu = Cues::new(t);
    // Bytes already read as part of a time (overlap checks stay linear).
    let mut cover = vec![false; t.len()];
    let mut marked = 0;
    let mark = |out: &Vec<TimeM>, cover: &mut Vec<bool>, marked: &mut usize| {
        for x in &out[*marked..] {
            cover[x.start..x.end].iter_mut().for_each(|c| *c = true);
        }
        *marked = out.len();
    };
    let digits = t.bytes().any(|b| b.is_ascii_digit());
    if digits {
        let clock = cu.has('点') || cu.has('时') || cu.has(':');
        for c in caps(&R_ZH_CLOCK, clock, t) {
            let Some(m) = c.get(0) else { continue };
            let digits_at = c.get(2).map(|g| g.start()).unwrap_or(m.start());
            if prev_char(t, digits_at)
                .is_some_and(|p| p.is_ascii_digit() || p == '.' || p == ':' || p == '/')
            {
                continue;
            }
            let colon = c.get(3).is_some();
            // English text: the English clock reads h:mm with its context.
            if colon && t.is_ascii() {
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
    mark(&out, &mut cover, &mut marked);
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
    mark(&out, &mut cover, &mut marked);
    for m in finds(
        &R_WORKDAY_END,
        t.contains("下班") || t.contains("eod") || t.contains("cob") || t.contains("of "),
        t,
    ) {
        out.push(TimeM {
            start: m.start(),
            end: m.end(),
            spec: TimeSpec::WorkdayEnd,
            own_day: None,
        });
    }
    let ampm = t.contains("am") || t.contains("pm") || t.contains("a.m") || t.contains("p.m");
    if ctx.lang == Lang::En || t.is_ascii() || ampm {
        let past_cue = ["past", "after", " to ", "before", "til"]
            .iter()
            .any(|w| t.contains(w));
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
        mark(&out, &mut cover, &mut marked);
        let clock_cue = digits || t.contains("noon") || t.contains("mid");
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
                match w.as_str() {
                    "midnight" => TimeSpec::EndOfDay,
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
                match en_pod_near(t, m.start(), m.end()) {
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
    if ctx.lang == Lang::En || t.is_ascii() {
        mark(&out, &mut cover, &mut marked);
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
                    && ![
                        "today", "tomorrow", "please", "pls", "on", "this", "tonight", "so", "and",
                        "if", "at", "latest", "sharp", "o'clock", "oclock", "ish", "in",
                    ]
                    .iter()
                    .any(|w| rest.starts_with(w))
                {
                    continue;
                }
                if rest.starts_with(['/', ':', '%', '.']) && !rest.starts_with(". ") && rest != "."
                {
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
        mark(&out, &mut cover, &mut marked);
        let pod_cue = ["morning", "afternoon", "evening", "lunch"]
            .iter()
            .any(|w| t.contains(w));
        for c in caps(&R_EN_POD, pod_cue, t) {
            let Some(m) = c.get(0) else { continue };
            if cover[m.start()..m.end()].iter().any(|&c| c) {
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

/// At most the first `n` bytes of `s`, cut on a character boundary.
fn clip(s: &str, n: usize) -> &str {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    &s[..n]
}

/// Whether `s` starts with one of `words` (a byte loop: these lists are
/// checked per candidate and the words are short).
fn starts_with_any(s: &str, words: &[&str]) -> bool {
    let s = s.as_bytes();
    let Some(&first) = s.first() else {
        return false;
    };
    words.iter().any(|w| {
        let w = w.as_bytes();
        w.first() == Some(&first) && w.len() <= s.len() && s.iter().zip(w).all(|(a, b)| a == b)
    })
}

/// Whether `s` ends with one of `words`.
fn ends_with_any(s: &str, words: &[&str]) -> bool {
    let s = s.as_bytes();
    let Some(&last) = s.last() else {
        return false;
    };
    words.iter().any(|w| {
        let w = w.as_bytes();
        w.last() == Some(&last)
            && w.len() <= s.len()
            && s.iter().rev().zip(w.iter().rev()).all(|(a, b)| a == b)
    })
}

fn score(t: &str, start: usize, end: usize, d: Deadline, minute: bool, ctx: &Ctx<'_>) -> i32 {
    // The 14 characters before the span (a slice: no allocation).
    let head = &t[..start];
    let from = head
        .char_indices()
        .rev()
        .nth(13)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let before = head[from..].trim_end();
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
    let after2 = {
        let mut end = after.len();
        for (k, (i, c)) in after.char_indices().enumerate() {
            if k == window || matches!(c, '，' | ',' | '。' | '；' | ';' | '\n') {
                end = i;
                break;
            }
        }
        &after[..end]
    };
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
    if contains_any(
        before,
        &[
            "县里", "区里", "市里", "省里", "上级", "局里", "needs it", "wants it", "want it",
        ],
    ) {
        s -= 3;
    }
    // "今天是…最后一天": the day itself is the deadline.
    if after.starts_with('是')
        && ["最后1天", "最后一天", "截止日", "最后期限", "last day"]
            .iter()
            .any(|w| clip(after_full, 80).contains(w))
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
    if contains_any(after2, HAND_IN) {
        s += 2;
    } else if contains_any(after2, MEETING) {
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

/// English number words read as digits, when the text has any.
fn with_numbers<'a>(t: &'a str, ctx: &Ctx<'_>) -> std::borrow::Cow<'a, str> {
    if ctx.lang == Lang::En
        && let Some(s) = en_numbers(t)
    {
        return std::borrow::Cow::Owned(s);
    }
    std::borrow::Cow::Borrowed(t)
}

/// Deadline candidates; `full` also reads the context-only families that a
/// deadline never comes from (named days, 第N天), for [`expressions`].
fn candidates(t: &str, ctx: &Ctx<'_>, full: bool) -> Vec<Cand> {
    let found = dates(t, ctx, full);
    // Adjacent dates (3月7日（周四）, "Tuesday Oct 22") describe one day: keep the explicit one.
    let mut ds: Vec<DateM> = Vec::with_capacity(found.len());
    for b in found {
        if let Some(&a) = ds.last() {
            let gap = t[a.end..b.start].trim();
            if gap.is_empty() || gap == "(" || gap == "（" || gap == "," {
                let keep = if b.explicit && !a.explicit { b } else { a };
                // 3月7日（周四）: the merged span takes the closing paren too.
                let rest = &t[b.end..];
                let end = if gap != "," && (rest.starts_with(')') || rest.starts_with('）')) {
                    b.end + rest.chars().next().map(char::len_utf8).unwrap_or(0)
                } else {
                    b.end
                };
                let last = ds.len() - 1;
                ds[last] = DateM {
                    start: a.start,
                    end,
                    ..keep
                };
                continue;
            }
        }
        ds.push(b);
    }
    let ts = times(t, ctx);
    let ago: Vec<(usize, usize)> = if t.bytes().any(|b| b.is_ascii_digit()) {
        let cue = t.contains('前') || t.contains("ago");
        finds(&R_AGO, cue, t)
            .map(|m| (m.start(), m.end()))
            .collect()
    } else {
        Vec::new()
    };
    // Sentence starts, for a time that inherits the day named earlier.
    let stops: Vec<usize> = t
        .char_indices()
        .filter(|(_, c)| matches!(c, '\n' | '。' | '；' | ';' | '!' | '！' | '?' | '？'))
        .map(|(p, _)| p + 1)
        .collect();
    let mut used = vec![false; ds.len()];
    let mut out = Vec::new();
    // Mentions are short: glue is searched only this far (keeps it linear).
    const NEAR: usize = 256;
    for tm in &ts {
        // The day this time is on: right before it, right after it, or the
        // last day named earlier on the same line.
        let before_idx = ds.partition_point(|d| d.end <= tm.start);
        let mut day: Option<(usize, DateM)> = None;
        for k in (0..before_idx).rev() {
            let d = ds[k];
            if tm.start - d.end > NEAR {
                break;
            }
            if is_glue(&t[d.end..tm.start]) {
                day = Some((k, d));
                break;
            }
        }
        if day.is_none() {
            for (k, d) in ds
                .iter()
                .enumerate()
                .skip(ds.partition_point(|d| d.start < tm.end))
            {
                if d.start - tm.end > NEAR {
                    break;
                }
                if is_glue(&t[tm.end..d.start]) {
                    day = Some((k, *d));
                    break;
                }
            }
        }
        let weak = day.is_some_and(|(_, d)| d.weak);
        let (start, end, date) = match day {
            Some((k, d)) => {
                used[k] = true;
                (d.start.min(tm.start), d.end.max(tm.end), Some(d.date))
            }
            None => {
                // The day the time names itself, else the last day named
                // earlier in the same sentence.
                let si = stops.partition_point(|&p| p <= tm.start);
                let sentence_start = if si == 0 { 0 } else { stops[si - 1] };
                let inherited = match tm.own_day {
                    Some(off) => Some(ctx.sent.date() + Duration::days(off)),
                    None => before_idx
                        .checked_sub(1)
                        .map(|k| ds[k])
                        .filter(|d| d.start >= sentence_start)
                        .map(|d| d.date),
                };
                (tm.start, tm.end, inherited)
            }
        };
        let Some(dl) = resolve(date, tm.spec, ctx) else {
            continue;
        };
        let minute = matches!(dl, Deadline::Minute(_));
        let sc = score(t, start, end, dl, minute, ctx) - if weak { 8 } else { 0 };
        out.push(Cand {
            start,
            end,
            deadline: dl,
            score: sc,
            dayless: date.is_none(),
        });
    }
    for (k, d) in ds.iter().enumerate() {
        if used[k] {
            continue;
        }
        let ai = ago.partition_point(|&(a, _)| a <= d.start);
        if ai > 0 && ago[ai - 1].1 >= d.end {
            continue;
        }
        let dl = Deadline::Day(d.date);
        let mut sc = score(t, d.start, d.end, dl, false, ctx);
        if d.weak {
            sc -= 8;
        }
        out.push(Cand {
            start: d.start,
            end: d.end,
            deadline: dl,
            score: sc,
            dayless: false,
        });
    }
    let cue = t.contains('内') || t.contains("in");
    for c in caps(&R_DURATION, cue, t) {
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
            dayless: false,
        });
    }
    // "提前10分钟到场": the meeting time before it, moved earlier, is the arrival time.
    if (t.contains("提前") || t.contains("early"))
        && let Some(c) = R_EARLY.captures(t)
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

    // ---- Phrase families of issue 3, with their traps ----

    #[test]
    fn clock_time_forms() {
        let c = ctx(T);
        for (text, want) in [
            ("17:00前报送", "2024-05-07T17:00"),
            ("17时前报送", "2024-05-07T17:00"),
            ("下午5点前上传", "2024-05-07T17:00"),
            ("五点半前交", "2024-05-07T17:30"),
            ("5点一刻前交", "2024-05-07T17:15"),
            ("12:00前报", "2024-05-07T12:00"),
            ("晚上8点前发群里", "2024-05-07T20:00"),
            ("中午12点前报", "2024-05-07T12:00"),
            ("上午12点前报", "2024-05-07T12:00"),
            ("两点前交", "2024-05-07T14:00"),
            ("１７：００前交", "2024-05-07T17:00"),
        ] {
            assert_eq!(dl(text, &c).as_deref(), Some(want), "{text}");
        }
        let e = en(T);
        for (text, want) in [
            ("submit by 5pm", "2024-05-07T17:00"),
            ("send it by 5:30 p.m.", "2024-05-07T17:30"),
            ("upload by noon", "2024-05-07T12:00"),
            ("reply by 3 p . m .", "2024-05-07T15:00"),
        ] {
            assert_eq!(dl(text, &e).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn noon_midnight_and_24_are_day_ends() {
        let c = ctx(T);
        // 24时 and 晚上12点 end the day: day precision, never 00:00 of the next.
        assert_eq!(dl("今天24时前报送", &c).as_deref(), Some("2024-05-07"));
        assert_eq!(dl("明天晚上12点前提交", &c).as_deref(), Some("2024-05-08"));
        assert_eq!(
            dl("submit by midnight", &en(T)).as_deref(),
            Some("2024-05-07")
        );
        // 零点 is the small hours, not noon.
        let ex = expressions("零点", &ctx("2017-03-22T00:00"));
        assert!(
            ex.iter()
                .any(|e| e.at.format("%H:%M").to_string() == "00:00")
        );
    }

    #[test]
    fn day_forms() {
        let c = ctx(T); // Tuesday 2024-05-07
        for (text, want) in [
            ("今天下班前交", "2024-05-07T17:30"),
            ("今日内报送", "2024-05-07"),
            ("明天前报", "2024-05-08"),
            ("明早9点前交", "2024-05-08T09:00"),
            ("后天前交", "2024-05-09"),
            ("本周五前报送", "2024-05-10"),
            ("礼拜五前报送", "2024-05-10"),
            ("星期五前报送", "2024-05-10"),
            ("禮拜五前報送", "2024-05-10"),
            ("下周一前报送", "2024-05-13"),
            ("3月6日前报送", "2025-03-06"),
            ("5月9号前报送", "2024-05-09"),
            ("五月九日前报送", "2024-05-09"),
            ("5.9前报送", "2024-05-09"),
            ("2024年5月31日前报送", "2024-05-31"),
            ("2024-05-31前报送", "2024-05-31"),
            ("二〇二四年五月三十一日前报送", "2024-05-31"),
            ("本月底前报送", "2024-05-31"),
            ("年底前报送", "2024-12-31"),
            ("本周内报送", "2024-05-10"),
        ] {
            assert_eq!(dl(text, &c).as_deref(), Some(want), "{text}");
        }
        let e = en(T);
        for (text, want) in [
            ("send it Friday", "2024-05-10"),
            ("due next Monday", "2024-05-13"),
            ("reply tomorrow please", "2024-05-08"),
            ("due the 24th", "2024-05-24"),
            ("due Oct 16", "2024-10-16"),
            ("due Friday week", "2024-05-17"),
        ] {
            assert_eq!(dl(text, &e).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn weekday_on_the_same_day_is_today() {
        // Said on a Tuesday morning, 周二 / "Tuesday" is today, 下周二 next week's.
        let c = ctx(T);
        assert_eq!(
            dl("周二下午3点前交", &c).as_deref(),
            Some("2024-05-07T15:00")
        );
        assert_eq!(dl("下周二前交", &c).as_deref(), Some("2024-05-14"));
        assert_eq!(
            dl("by Tuesday 3pm", &en(T)).as_deref(),
            Some("2024-05-07T15:00")
        );
    }

    #[test]
    fn workday_words_use_the_configured_end_and_calendar() {
        let c = ctx(T);
        assert_eq!(dl("下班前报送", &c).as_deref(), Some("2024-05-07T17:30"));
        for text in ["send it EOD", "by COB please", "by close of business"] {
            assert_eq!(
                dl(text, &en(T)).as_deref(),
                Some("2024-05-07T17:30"),
                "{text}"
            );
        }
        // 2024-10-12 is a Saturday worked in exchange for the National Day
        // break: two working days from Thursday 10-10 end on it.
        let thu = ctx("2024-10-10T09:00");
        assert_eq!(dl("请2个工作日内反馈", &thu).as_deref(), Some("2024-10-12"));
        assert_eq!(
            dl(
                "reply within 2 business days",
                &Ctx {
                    lang: Lang::En,
                    ..thu
                }
            )
            .as_deref(),
            Some("2024-10-12")
        );
        // Before the break, 节后第一个工作日 is the first day back.
        assert_eq!(
            dl("国庆节后第一个工作日交", &ctx("2024-09-27T10:00")).as_deref(),
            Some("2024-10-08")
        );
    }

    #[test]
    fn durations_from_the_send_time() {
        let c = ctx(T);
        assert_eq!(dl("24小时内回复", &c).as_deref(), Some("2024-05-08T08:30"));
        assert_eq!(dl("1小时内上报", &c).as_deref(), Some("2024-05-07T09:30"));
        assert_eq!(
            dl("reply within 48 hours", &en(T)).as_deref(),
            Some("2024-05-09T08:30")
        );
    }

    #[test]
    fn year_rollover_in_late_december() {
        let c = ctx("2024-12-28T10:00");
        assert_eq!(dl("1月3日前报送", &c).as_deref(), Some("2025-01-03"));
        assert_eq!(dl("十二月三十日前报送", &c).as_deref(), Some("2024-12-30"));
        assert_eq!(dl("下周一前报送", &c).as_deref(), Some("2024-12-30"));
        assert_eq!(
            dl("due Jan 6", &en("2024-12-28T10:00")).as_deref(),
            Some("2025-01-06")
        );
    }

    #[test]
    fn context_times_are_never_deadlines() {
        let c = ctx(T);
        // As of.
        assert_eq!(dl("截至3月15日，已完成80%", &c), None);
        // Ago.
        assert_eq!(dl("两天前发的通知请查看", &c), None);
        assert_eq!(dl("10分钟之前已经发群里了", &c), None);
        assert_eq!(dl("the form went out 2 days ago", &en(T)), None);
        // A past event: yesterday's meeting.
        assert_eq!(dl("昨天下午3点的会议纪要已上传", &c), None);
        // As soon as possible is no time.
        assert_eq!(dl("请尽快报送", &c), None);
        // A named day alone is no deadline (but "before" it is).
        assert_eq!(dl("国庆节快乐", &c), None);
        assert_eq!(dl("国庆节前报送", &c).as_deref(), Some("2024-09-30"));
    }

    #[test]
    fn the_hand_in_time_wins_over_the_meeting_time() {
        let c = ctx(T);
        assert_eq!(
            dl("周五下午3点开会，材料周四中午12点前报送", &c).as_deref(),
            Some("2024-05-09T12:00")
        );
        assert_eq!(
            dl("周四下午2点开会", &c).as_deref(),
            Some("2024-05-09T14:00")
        );
    }

    #[test]
    fn lunar_days_and_holidays_outside_the_calendar() {
        // 春节 2030 is 2030-02-03; 中秋 2021 is 2021-09-21.
        assert_eq!(
            lunar_to_solar(2030, 1, 1).map(|d| d.to_string()).as_deref(),
            Some("2030-02-03")
        );
        assert_eq!(
            lunar_to_solar(2021, 8, 15)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2021-09-21")
        );
        let e = expressions("除夕晚上6点半", &ctx("2021-06-14T01:06"));
        assert!(
            e.iter().any(|x| x.at.to_string() == "2022-01-31 18:30:00"),
            "{e:?}"
        );
        let e = expressions("腊月初十", &ctx("2022-01-01T00:00"));
        assert!(
            e.iter().any(|x| x.at.date().to_string() == "2022-01-12"),
            "{e:?}"
        );
        // 端午节前 in a year the calendar file does not cover.
        assert_eq!(
            dl("端午节前报送", &ctx("2028-05-01T09:00")).as_deref(),
            Some("2028-05-27")
        );
        let e = expressions("easter monday", &en("2013-02-12T04:30"));
        assert!(
            e.iter().any(|x| x.at.date().to_string() == "2013-04-01"),
            "{e:?}"
        );
    }

    #[test]
    fn english_number_words() {
        let e = en("2016-11-07T00:00");
        let at = |text: &str| -> Vec<String> {
            expressions(text, &e)
                .iter()
                .map(|x| x.at.format("%Y-%m-%dT%H:%M").to_string())
                .collect()
        };
        assert!(at("I'll be back at one thirty p m").contains(&"2016-11-07T13:30".to_string()));
        assert!(at("see you May twenty nine").contains(&"2017-05-29T00:00".to_string()));
        assert!(at("twelve-oh-three").contains(&"2016-11-07T12:03".to_string()));
        // A count stays a count: no bare hour from "one of you".
        assert_eq!(dl("please send by one of you", &e), None);
    }

    #[test]
    fn ago_and_later_offsets_resolve_as_context() {
        let c = ctx("2018-08-30T14:16");
        let e = expressions("他10分钟之前刚走", &c);
        assert!(
            e.iter()
                .any(|x| x.at.to_string() == "2018-08-30 14:06:00" && x.score < 0)
        );
        let e = expressions("5年前，这里的情况要糟糕的多", &c);
        assert!(e.iter().any(|x| x.at.date().to_string() == "2013-08-30"));
        // 2015年前 is "before 2015", not an offset of 2015 years.
        let e = expressions("2015年前，这里的情况要糟糕的多", &c);
        assert!(e.iter().all(|x| x.at.date().year() >= 2015), "{e:?}");
    }

    fn arb_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            any::<char>().prop_map(|c| c.to_string()),
            proptest::sample::select(vec![
                "月",
                "日",
                "号",
                "点",
                "时",
                "半",
                "前",
                "周",
                "下",
                "明天",
                "农历",
                "初",
                "廿",
                ":",
                "/",
                ".",
                "-",
                "1",
                "12",
                "2024",
                "pm",
                "by ",
                "next ",
                "monday",
                "may ",
                "twenty",
                "first",
                "节",
                "十",
                "〇",
                "１",
                "：",
                "年",
                "小时内",
                "ago",
                "之前",
            ])
            .prop_map(str::to_string),
        ];
        proptest::collection::vec(piece, 0..4000).prop_map(|v| {
            let mut s: String = v.concat();
            while s.len() > 64 * 1024 {
                s.pop();
            }
            s
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        #[test]
        fn arbitrary_unicode_never_panics(text in arb_text()) {
            for c in [ctx(T), en(T), ctx("2023-12-31T23:59")] {
                let _ = find(&text, &c);
                let _ = expressions(&text, &c);
            }
        }

        #[test]
        fn any_chars_never_panic(chars in proptest::collection::vec(proptest::prelude::any::<char>(), 0..16384)) {
            let text: String = chars.into_iter().collect();
            let _ = find(&text, &ctx(T));
            let _ = find(&text, &en(T));
        }
    }
}
