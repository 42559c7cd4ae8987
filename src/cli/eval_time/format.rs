//! The corpora's line format (`../shared/corpus/time/README`): a text, its
//! reference time, and the labelled spans with their expected values.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct Line {
    pub(super) lang: String,
    pub(super) text: String,
    #[serde(rename = "ref")]
    pub(super) reference: Option<String>,
    #[serde(default)]
    pub(super) tz: Option<String>,
    pub(super) spans: Vec<Span>,
    #[serde(default)]
    pub(super) source: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Span {
    pub(super) text: String,
    #[serde(rename = "type", default)]
    pub(super) kind: String,
    #[serde(rename = "mod", default)]
    pub(super) modifier: Option<String>,
    pub(super) value: serde_json::Value,
    #[serde(default)]
    pub(super) future: Option<String>,
    #[serde(default)]
    pub(super) definition: Option<String>,
    #[serde(default)]
    pub(super) lunar: Option<bool>,
    /// Duckling's grain of the value (`hour`: the minutes are not given).
    #[serde(default)]
    pub(super) grain: Option<String>,
    /// Duckling names the holiday a span refers to.
    #[serde(default)]
    pub(super) holiday: Option<String>,
    /// JioNLP's end of the stretch a point names.
    #[serde(default)]
    pub(super) grain_end: Option<String>,
}

pub(super) fn parse_ref(s: Option<&str>) -> (NaiveDateTime, bool) {
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
pub(super) enum Want {
    Day(NaiveDate),
    At(NaiveDateTime),
    Clock(NaiveTime),
}

pub(super) fn parse_want(s: &str) -> Option<Want> {
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

pub(super) fn accepted(span: &Span) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
