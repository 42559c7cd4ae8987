//! Time-expression evaluation: how well the deadline parser finds and
//! resolves the time expressions of third-party labelled corpora
//! (`../shared/corpus/time/`: Recognizers-Text, JioNLP and Duckling test
//! cases, format in that folder's README).
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

use crate::core::calendar::holidays::Calendar;
use crate::core::calendar::{lunar, named};
use crate::core::deadline::{self, Ctx, Expr, Grain};
use crate::model::Lang;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The default corpus folder, relative to the repository.
pub const DEFAULT_PATH: &str = "../shared/corpus/time";

#[derive(Debug, thiserror::Error)]
pub enum TimeEvalError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}: {reason}")]
    Line {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("{0}: no *.jsonl files")]
    Empty(String),
    #[error("{file}: {reason}")]
    Floors { file: String, reason: String },
}

#[derive(Debug, Deserialize)]
struct Line {
    lang: String,
    text: String,
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(default)]
    tz: Option<String>,
    spans: Vec<Span>,
    #[serde(default)]
    source: String,
}

#[derive(Debug, Deserialize)]
struct Span {
    text: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(rename = "mod", default)]
    modifier: Option<String>,
    value: serde_json::Value,
    #[serde(default)]
    future: Option<String>,
    #[serde(default)]
    definition: Option<String>,
    #[serde(default)]
    lunar: Option<bool>,
    /// Duckling's grain of the value (`hour`: the minutes are not given).
    #[serde(default)]
    grain: Option<String>,
    /// Duckling names the holiday a span refers to.
    #[serde(default)]
    holiday: Option<String>,
    /// JioNLP's end of the stretch a point names.
    #[serde(default)]
    grain_end: Option<String>,
}

/// One span the parser did not get right.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub text: String,
    pub span: String,
    pub kind: String,
    pub expected: String,
    /// What the parser resolved in the line (empty: nothing found).
    pub got: Vec<String>,
    pub category: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub spans: usize,
    pub correct: usize,
    /// Spans in lines where the parser found no expression at all.
    pub not_found: usize,
    pub accuracy: f64,
    pub misses: Vec<Miss>,
}

/// Files named by `paths` (folders expand to their `*.jsonl`, sorted).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, TimeEvalError> {
    crate::eval::jsonl_files(paths).map_err(|e| match e {
        crate::eval::ExpandError::Io { file, source } => TimeEvalError::Io { file, source },
        crate::eval::ExpandError::Empty(p) => TimeEvalError::Empty(p),
    })
}

fn parse_ref(s: Option<&str>) -> (NaiveDateTime, bool) {
    let fallback = NaiveDate::from_ymd_opt(2000, 1, 3)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN);
    match s {
        // Local wall time; any offset is the frame the values are in.
        Some(s) => (
            s.get(..19)
                .and_then(|x| NaiveDateTime::parse_from_str(x, "%Y-%m-%dT%H:%M:%S").ok())
                .unwrap_or(fallback),
            true,
        ),
        None => (fallback, false),
    }
}

/// An expected value: a day, a moment, or a clock time without a day.
#[derive(Debug, Clone, Copy)]
enum Want {
    Day(NaiveDate),
    At(NaiveDateTime),
    Clock(NaiveTime),
}

fn parse_want(s: &str) -> Option<Want> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Want::Day(d));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Some(Want::At(t));
    }
    NaiveTime::parse_from_str(s, "%H:%M:%S")
        .ok()
        .map(Want::Clock)
}

fn accepted(span: &Span) -> Vec<String> {
    let listed: Vec<String> = match &span.value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    match &span.future {
        Some(f) => vec![f.clone()],
        None => listed,
    }
}

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

use chrono::Datelike;

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

fn matches(e: &Expr, want: Want, boundary: bool, blur: bool, hour: bool) -> bool {
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
fn end_of_day(e: &Expr, want: Want) -> bool {
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
fn jionlp_lunar(span: &str, e: &Expr, want: Want, boundary: bool, blur: bool, hour: bool) -> bool {
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
fn midnight(e: &Expr, want: Want) -> bool {
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
fn jionlp_offset(span: &Span, e: &Expr, want: Want, boundary: bool) -> bool {
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
fn duckling_day(e: &Expr, want: Want, reference: NaiveDate) -> bool {
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

fn show(e: &Expr) -> String {
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

/// Score one corpus file.
pub fn eval_file(path: &Path, cal: &Calendar) -> Result<FileReport, TimeEvalError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| TimeEvalError::Io {
        file: file.clone(),
        source,
    })?;
    let mut spans = 0;
    let mut correct = 0;
    let mut not_found = 0;
    let mut misses = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(raw).map_err(|e| TimeEvalError::Line {
            file: file.clone(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        let (sent, has_day) = parse_ref(line.reference.as_deref());
        // The frame's zone: the reference's offset, or the named zone.
        let utc_offset = line
            .reference
            .as_deref()
            .and_then(|r| r.get(19..))
            .and_then(|o| chrono::FixedOffset::from_str(o).ok())
            .map(|o| o.local_minus_utc() / 60)
            .or(match line.tz.as_deref() {
                Some("Asia/Shanghai") => Some(480),
                _ => None,
            });
        let ctx = Ctx {
            sent,
            workday_end: NaiveTime::from_hms_opt(17, 30, 0).unwrap_or(NaiveTime::MIN),
            lang: if line.lang == "en" {
                Lang::En
            } else {
                Lang::Zh
            },
            day_first: false,
            cal,
            utc_offset,
        };
        let exprs = deadline::expressions(&line.text, &ctx);
        let rt = line.source.starts_with("recognizers-text");
        for span in &line.spans {
            spans += 1;
            let boundary = span.modifier.is_some();
            let blur = span.definition.as_deref() == Some("blur");
            let hour = span.grain.as_deref() == Some("hour");
            let wants: Vec<Want> = accepted(span)
                .iter()
                .filter_map(|s| parse_want(s))
                .map(|w| {
                    let w = if rt { rt_lunar(span, w) } else { w };
                    match (w, has_day) {
                        (Want::At(t), false) => Want::Clock(t.time()),
                        _ => w,
                    }
                })
                .collect();
            let duckling = line.source.starts_with("duckling");
            let jionlp = line.source.starts_with("jionlp");
            let ok = exprs.iter().any(|e| {
                wants.iter().any(|&w| {
                    matches(e, w, boundary, blur, hour)
                        || end_of_day(e, w)
                        || midnight(e, w)
                        || (jionlp && jionlp_offset(span, e, w, boundary))
                        || (jionlp && jionlp_lunar(&span.text, e, w, boundary, blur, hour))
                        || (duckling && !boundary && duckling_day(e, w, sent.date()))
                })
            });
            if ok {
                correct += 1;
                continue;
            }
            if exprs.is_empty() {
                not_found += 1;
            }
            misses.push(Miss {
                text: line.text.clone(),
                span: span.text.clone(),
                kind: format!(
                    "{}{}",
                    span.kind,
                    span.modifier
                        .as_deref()
                        .map(|m| format!("/{m}"))
                        .unwrap_or_default()
                ),
                expected: accepted(span).join("|"),
                got: exprs.iter().map(show).collect(),
                category: if span.holiday.is_some() {
                    "holiday"
                } else {
                    categorise(&span.text, &line.text)
                },
            });
        }
    }
    Ok(FileReport {
        file,
        spans,
        correct,
        not_found,
        accuracy: if spans == 0 {
            1.0
        } else {
            correct as f64 / spans as f64
        },
        misses,
    })
}

/// Recognizers-Text writes lunar dates (农历…, 春节, 中秋…) as the lunar
/// month and day in a Gregorian-looking value; convert them to the solar
/// day, as the parser resolves them, before comparing.
fn rt_lunar(span: &Span, w: Want) -> Want {
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

/// A rough family for a missed span, for the report.
fn categorise(span: &str, text: &str) -> &'static str {
    let s = span.to_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| s.contains(w));
    if has(&["节", "節", "日", "day", "mas", "eid", "diwali", "easter"])
        && !s.chars().any(|c| c.is_ascii_digit())
        && !has(&[
            "今日",
            "明日",
            "昨日",
            "前日",
            "後日",
            "本日",
            "当日",
            "today",
            "yesterday",
        ])
        && (has(&["节", "節", "mas", "eid", "diwali", "easter", "holiday"])
            || s.ends_with("day")
                && !has(&[
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                    "today",
                    "yesterday",
                    "the day",
                ]))
    {
        return "holiday";
    }
    if has(&[
        "农历", "正月", "腊月", "廿", "初", "除夕", "冬至", "大寒", "小寒", "芒种",
    ]) {
        return "lunar calendar / solar term";
    }
    if has(&[
        "ago", "前", "后", "後", "later", "from now", "hence", "in ", "内", "以内", "未来", "今后",
    ]) {
        return "relative offset / duration";
    }
    if has(&["eod", "end of", "下班"]) {
        return "convention (end of day)";
    }
    if has(&[
        "week",
        "周",
        "週",
        "星期",
        "礼拜",
        "禮拜",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ]) {
        return "weekday / week";
    }
    if s.chars().any(|c| c.is_ascii_digit()) || has(&["月", "年", "号", "號"]) {
        if has(&[":", "点", "點", "时", "時", "am", "pm", "a.m", "p.m"]) {
            return "clock time";
        }
        return "numeric / calendar date";
    }
    if has(&[
        "点",
        "點",
        "时",
        "時",
        "noon",
        "midnight",
        "morning",
        "evening",
        "night",
        "afternoon",
        "o'clock",
        "oclock",
    ]) {
        return "clock time";
    }
    let _ = text;
    "other"
}

/// Minimum accuracies per corpus file (`.ci/time-floors.toml`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Floors {
    /// File name → minimum share of spans resolved correctly.
    #[serde(default)]
    pub files: BTreeMap<String, f64>,
}

impl Floors {
    pub fn load(path: &Path) -> Result<Floors, TimeEvalError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TimeEvalError::Io {
            file: file.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| TimeEvalError::Floors {
            file,
            reason: e.message().to_string(),
        })
    }

    /// Every floor a file falls below (or a floored file not evaluated).
    pub fn check(&self, reports: &[FileReport]) -> Vec<String> {
        let mut out = Vec::new();
        for (name, floor) in &self.files {
            match reports.iter().find(|r| {
                Path::new(&r.file)
                    .file_name()
                    .is_some_and(|f| f.to_string_lossy() == *name)
            }) {
                None => out.push(format!(
                    "{name}: a floor is set but the file was not evaluated"
                )),
                Some(r) if r.accuracy + 1e-9 < *floor => out.push(format!(
                    "{name}: accuracy {:.3} is below its floor {floor:.3}",
                    r.accuracy
                )),
                Some(_) => {}
            }
        }
        out
    }
}

/// Misses per category, most frequent first.
pub fn categories(r: &FileReport) -> Vec<(&'static str, usize)> {
    let mut m: BTreeMap<&'static str, usize> = BTreeMap::new();
    for x in &r.misses {
        *m.entry(x.category).or_default() += 1;
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
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

    #[test]
    fn future_candidate_wins_when_listed() {
        let s: Span = serde_json::from_str(
            r#"{"text":"29日","type":"date","mod":null,"value":["2017-12-29","2018-01-29"],"future":"2018-01-29"}"#,
        )
        .expect("span");
        assert_eq!(accepted(&s), vec!["2018-01-29".to_string()]);
        let s: Span = serde_json::from_str(
            r#"{"text":"9点","type":"time","mod":null,"value":["09:00:00","21:00:00"],"future":null}"#,
        )
        .expect("span");
        assert_eq!(accepted(&s).len(), 2);
    }
}
