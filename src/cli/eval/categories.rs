//! Misses of task detection and deadlines grouped by phenomenon, for
//! `eval --verbose`: the next reader sees the pattern, not the sentence.

use crate::core::event::Event;
use crate::model::MsgRef;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Pointers to a time stated earlier.
const POINTER: &[&str] = &[
    "同上",
    "时间不变",
    "時間不變",
    "一致",
    "一样",
    "一樣",
    "same time",
    "same deadline",
    "as before",
    "unchanged",
    "as always",
    "usual time",
    "same as",
];
/// Relays and forwards.
const RELAY: &[&str] = &["转", "轉", "fwd", "fw:", "forward", "函转", "函轉"];
/// Named days and holidays.
const HOLIDAY: &[&str] = &[
    "节",
    "節",
    "国庆",
    "國慶",
    "春节",
    "端午",
    "中秋",
    "清明",
    "holiday",
    "christmas",
    "easter",
    "memorial day",
    "bank holiday",
];
/// Meetings, drills and attendance.
const MEETING: &[&str] = &[
    "会",
    "會",
    "培训",
    "培訓",
    "演练",
    "演練",
    "到场",
    "報到",
    "报到",
    "集合",
    "meeting",
    "conference",
    "huddle",
    "drill",
    "training",
    "briefing",
    "arrive",
    "be there",
    "meet ",
];
/// The end of the working day.
const WORKDAY_END: &[&str] = &["下班", "eod", "cob", "cop", "end of", "close of"];
/// A sender reporting, delivering or promising rather than asking.
const STATUS: &[&str] = &[
    "已", "收到", "done", "attached", "inbox", "我", "i'll", "i will", "we'll",
];
/// Standing rules and clarifications.
const STANDING: &[&str] = &[
    "请勿",
    "請勿",
    "保持",
    "注意",
    "不是",
    "不用",
    "無需",
    "无需",
    "not needed",
    "separate",
    "keep your",
];

static R_HHMM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[012]\d[0-5]\d(?-u:\b)").expect("valid regex R_HHMM"));
static R_BRACKET_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(（]\s*(?:\d|mon|tue|wed|thu|fri|sat|sun|[一二三四五六日])").expect("valid regex")
});
static R_ROC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"民[国國]|(?:^|\D)1\d\d年").expect("valid regex R_ROC"));

fn any(t: &str, words: &[&str]) -> bool {
    words.iter().any(|w| t.contains(w))
}

/// The latest text of every message (an edit replaces it).
pub fn texts(events: &[Event]) -> HashMap<MsgRef, &str> {
    let mut out = HashMap::new();
    for e in events {
        match e {
            Event::Message {
                chat_id,
                message_id,
                text,
                ..
            }
            | Event::Edit {
                chat_id,
                message_id,
                text,
                ..
            } => {
                out.insert(
                    MsgRef {
                        chat_id: *chat_id,
                        message_id: *message_id,
                    },
                    text.as_str(),
                );
            }
            _ => {}
        }
    }
    out
}

/// The phenomenon a task or deadline miss belongs to (first that applies).
pub fn category(kind: &str, text: &str, expected: &str, got: &str) -> &'static str {
    let t = text.to_lowercase();
    let head: String = t.chars().take(6).collect();
    match kind {
        "deadline" => {
            if any(&t, POINTER) {
                "pointer"
            } else if any(&head, RELAY) {
                "relay"
            } else if R_ROC.is_match(&t) {
                "ROC year"
            } else if R_HHMM.is_match(&t) {
                "24-hour time"
            } else if R_BRACKET_DATE.is_match(&t) {
                "bracketed date"
            } else if any(&t, HOLIDAY) {
                "holiday"
            } else if any(&t, MEETING) {
                "meeting"
            } else if any(&t, WORKDAY_END) {
                "workday end"
            } else if got == "null" {
                "time not read"
            } else if expected == "null" {
                "context time read as deadline"
            } else if expected.get(..10) == got.get(..10) {
                "precision"
            } else {
                "other day"
            }
        }
        "task-missed" => {
            let short = t.chars().count() <= 24;
            if short && (t.trim_end().ends_with(['?', '？']) || t.contains('呢')) {
                "chaser"
            } else if any(&t, MEETING) {
                "meeting"
            } else if any(&head, RELAY) {
                "relay"
            } else {
                "no request word"
            }
        }
        "task-extra" => {
            if t.trim_end().ends_with(['?', '？', '吗', '嗎']) {
                "question"
            } else if any(&t, STANDING) {
                "standing rule / clarification"
            } else if any(&t, STATUS) {
                "status report / promise"
            } else {
                "other look-alike"
            }
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misses_fall_into_phenomena() {
        assert_eq!(
            category("deadline", "报送时间同上", "2024-05-08", "null"),
            "pointer"
        );
        assert_eq!(
            category(
                "deadline",
                "Fwd: returns by 1600",
                "2024-05-08T16:00",
                "null"
            ),
            "relay"
        );
        assert_eq!(
            category(
                "deadline",
                "stock count by 1500",
                "2024-05-08T15:00",
                "null"
            ),
            "24-hour time"
        );
        assert_eq!(
            category("deadline", "后天(3月8日)交", "2024-03-08", "2024-03-06"),
            "bracketed date"
        );
        assert_eq!(
            category("task-missed", "北区的呢？", "task", "not a task"),
            "chaser"
        );
        assert_eq!(
            category("task-extra", "已发您邮箱，请查收", "not a task", "task"),
            "status report / promise"
        );
    }
}
