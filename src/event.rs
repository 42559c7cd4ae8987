//! The event log: reading and checking a journal file
//! (`../shared/corpus/FORMAT.md`) into the core's events.

pub use crate::core::event::{Event, Mention};
use std::path::Path;

/// A problem with one line of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

/// Why a log was rejected as a whole.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render_line_errors(file, errors, *total))]
    Invalid {
        file: String,
        errors: Vec<LineError>,
        total: usize,
    },
}

fn render_line_errors(file: &str, errors: &[LineError], total: usize) -> String {
    let mut out: Vec<String> = errors
        .iter()
        .map(|e| format!("{file}:{}: {}", e.line, e.reason))
        .collect();
    if total > errors.len() {
        out.push(format!(
            "{file}: … and {} more bad lines",
            total - errors.len()
        ));
    }
    out.join("\n")
}

/// How many bad lines a rejected log reports before summarising.
pub const MAX_REPORTED_ERRORS: usize = 20;

/// Parse a whole log. All or nothing: any bad line rejects the file, and
/// every bad line (up to [`MAX_REPORTED_ERRORS`]) is reported.
pub fn parse_log(file: &str, text: &str) -> Result<Vec<Event>, LogError> {
    let mut events = Vec::new();
    let mut errors = Vec::new();
    let mut total = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        match serde_json::from_str::<Event>(trimmed).map_err(|e| e.to_string()) {
            Ok(ev) => match check(&ev) {
                Ok(()) => events.push(ev),
                Err(reason) => {
                    total += 1;
                    if errors.len() < MAX_REPORTED_ERRORS {
                        errors.push(LineError {
                            line: i + 1,
                            reason,
                        });
                    }
                }
            },
            Err(reason) => {
                total += 1;
                if errors.len() < MAX_REPORTED_ERRORS {
                    errors.push(LineError {
                        line: i + 1,
                        reason: reason.replace(" at line 1 column", " at column"),
                    });
                }
            }
        }
    }
    if total > 0 {
        return Err(LogError::Invalid {
            file: file.to_string(),
            errors,
            total,
        });
    }
    Ok(events)
}

/// Checks serde cannot express.
fn check(ev: &Event) -> Result<(), String> {
    if let Event::Scenario { tz, .. } = ev {
        tz.parse::<chrono_tz::Tz>()
            .map_err(|_| format!("field `tz`: `{tz}` is not an IANA time zone"))?;
    }
    Ok(())
}

/// Read and parse a log file.
pub fn read_log(path: &Path) -> Result<Vec<Event>, LogError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LogError::Io {
        file: file.clone(),
        source,
    })?;
    parse_log(&file, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_unknown_fields_are_ignored() {
        let line = r#"{"type":"message","chat_id":-1,"message_id":2,"sender_id":3,"date":"2024-03-04T09:00:00+08:00","text":"hi","label":{"task":true}}"#;
        let evs = parse_log("x", line).expect("parses");
        assert!(matches!(&evs[0], Event::Message { text, .. } if text == "hi"));
    }

    #[test]
    fn all_bad_lines_are_reported_with_numbers() {
        let text = "{\"type\":\"person\",\"user_id\":1,\"name\":\"a\"}\nnot json\n\n{\"type\":\"group\"}\n{\"type\":\"scenario\",\"tz\":\"Mars/Base\",\"workday_end\":\"17:30\"}\n";
        let err = parse_log("log.jsonl", text).expect_err("rejects");
        let msg = err.to_string();
        assert!(msg.contains("log.jsonl:2:"), "{msg}");
        assert!(
            msg.contains("log.jsonl:4:") && msg.contains("chat_id"),
            "{msg}"
        );
        assert!(
            msg.contains("log.jsonl:5:") && msg.contains("Mars/Base"),
            "{msg}"
        );
        assert!(!msg.contains("log.jsonl:1:"), "{msg}");
    }

    #[test]
    fn error_list_is_capped_but_counted() {
        let text = "x\n".repeat(30);
        let msg = parse_log("f", &text).expect_err("rejects").to_string();
        assert_eq!(msg.lines().count(), MAX_REPORTED_ERRORS + 1);
        assert!(msg.contains("10 more bad lines"), "{msg}");
    }
}
