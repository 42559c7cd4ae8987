//! Scoring corpus files: each labelled span found and resolved or missed,
//! per-file accuracy, miss categories, and the floors CI holds them to.

use super::compare::{
    duckling_day, end_of_day, jionlp_lunar, jionlp_offset, matches, midnight, rt_lunar, show,
};
use super::format::{Line, Want, accepted, parse_ref, parse_want};
use crate::core::calendar::holidays::Calendar;
use crate::core::deadline::{self, Ctx};
use crate::model::Lang;
use chrono::NaiveTime;
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
    crate::cli::eval::score::jsonl_files(paths).map_err(|e| match e {
        crate::cli::eval::score::ExpandError::Io { file, source } => {
            TimeEvalError::Io { file, source }
        }
        crate::cli::eval::score::ExpandError::Empty(p) => TimeEvalError::Empty(p),
    })
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
