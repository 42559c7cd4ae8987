//! `explain`: plain-words explanations of the pipeline's decisions about
//! one message, for owners and admins.

use super::CliError;
use super::replay::journal_and_replay;
use crate::core::engine::{Engine, Link, Settings};
use crate::core::matcher::{Reason, reasons_text};
use crate::event;
use crate::model::{Assignees, ChatId, MsgRef};
use crate::render::deadline_text;
use std::fmt::Write;
use std::path::PathBuf;

/// `explain CHAT_ID MESSAGE_ID`: replay the log (or rebuild from the
/// journal in `db`) and explain that message.
pub fn explain(
    chat_id: i64,
    message_id: i64,
    log: Option<&PathBuf>,
    db: Option<&PathBuf>,
    settings: Settings,
    out: &mut impl std::io::Write,
) -> Result<u8, CliError> {
    let events = match log {
        Some(l) => event::read_log(l)?,
        None => Vec::new(),
    };
    let r = journal_and_replay(&events, db, settings)?;
    let m = MsgRef {
        chat_id: ChatId(chat_id),
        message_id,
    };
    writeln!(out, "{}", explanation(&r.engine, m))?;
    Ok(0)
}

fn link_line(engine: &Engine, from: MsgRef, l: &Link) -> String {
    let text = engine
        .tasks
        .get(&l.to)
        .map(|t| t.text.chars().take(60).collect::<String>())
        .unwrap_or_default();
    let title = engine
        .groups
        .get(&l.to.chat_id)
        .map(|g| g.title.as_str())
        .unwrap_or("?");
    let lang = engine.settings.lang;
    let mut reasons = l.reasons.clone();
    let words = engine.shared_words(from, l.to, 6);
    if !words.is_empty() {
        reasons.push(Reason::Words(words));
    }
    let why = if reasons.is_empty() {
        "nothing in common".to_string()
    } else {
        reasons_text(&reasons, lang)
    };
    format!(
        "{} [{}] score {:.2}: {}\n      “{}”",
        l.to,
        title,
        l.score,
        why,
        text.replace('\n', " ")
    )
}

/// Why `m` was or was not a task, and was or was not merged.
pub fn explanation(engine: &Engine, m: MsgRef) -> String {
    let mut out = String::new();
    let Some(msg) = engine.messages.get(&m) else {
        return format!("{m}: no such message in the log (or its group is not allow-listed)");
    };
    let _ = writeln!(
        out,
        "{m} sent {} by {}",
        msg.sent.format("%Y-%m-%d %H:%M"),
        engine
            .people
            .get(&msg.sender)
            .map(|p| p.name.as_str())
            .unwrap_or("?")
    );
    let _ = writeln!(out, "text: {}", msg.text.replace('\n', " "));
    if let Some(r) = engine.read(m, msg.sent) {
        let cues: Vec<&str> = r.ex.cues.names().collect();
        let _ = writeln!(
            out,
            "ask cues: {} (an ask with probability {}%; the threshold is {:.0}%)",
            if cues.is_empty() {
                "none".to_string()
            } else {
                cues.join(", ")
            },
            r.ex.task_score,
            engine.settings.rules.task_model.threshold * 100.0
        );
    }
    let Some(t) = engine.tasks.get(&m) else {
        let _ = writeln!(
            out,
            "verdict: not a task (no request for action was recognised)"
        );
        return out;
    };
    let lang = engine.settings.lang;
    let who = match &t.assignees {
        Assignees::Group => "everyone in the group but the sender".to_string(),
        Assignees::People(p) => p
            .iter()
            .map(|u| {
                engine
                    .people
                    .get(u)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| u.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    let _ = writeln!(
        out,
        "verdict: task, due {}, for {who}",
        deadline_text(t.deadline, lang)
    );
    match &t.link {
        Some(l) => {
            let _ = writeln!(
                out,
                "merged into cluster c{} as the same work as:\n  {}",
                t.cluster,
                link_line(engine, m, l)
            );
        }
        None => {
            let threshold = engine.settings.rules.threshold_for(m.chat_id);
            match t.considered.first().map(|c| f64::from(c.score)) {
                // Alike enough, held apart all the same: say so rather than
                // that nothing scored.
                Some(best) if best >= threshold => {
                    let _ = writeln!(
                        out,
                        "a new piece of work (cluster c{}): the closest open ask scored {best:.2} \
                         (the threshold is {threshold:.2}), but the work it belongs to did not fit \
                         this ask as a whole (mean score against its latest asks under {:.2}), or \
                         this ask says it is separate work",
                        t.cluster, engine.settings.rules.cluster
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "a new piece of work (cluster c{}): no open ask scored {threshold:.2} or more",
                        t.cluster,
                    );
                }
            }
        }
    }
    if t.considered.len() > usize::from(t.link.is_some()) {
        let _ = writeln!(
            out,
            "candidates weighed (open asks at the time, best first):"
        );
        for c in t.considered.iter() {
            // The best candidate's reasons are kept with the link or the "maybe".
            let full = t
                .link
                .iter()
                .chain(t.best_unmerged.as_deref())
                .find(|x| x.to == c.to)
                .cloned()
                .unwrap_or(Link {
                    to: c.to,
                    score: f64::from(c.score),
                    reasons: Vec::new(),
                });
            let _ = writeln!(out, "  {}", link_line(engine, m, &full));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn an_ask_held_apart_though_alike_says_so_rather_than_that_nothing_scored() {
        let log = [
            r#"{"type":"person","user_id":1,"name":"周敏"}"#,
            r#"{"type":"group","chat_id":-1001,"title":"县委宣传部群","owner_id":1}"#,
            r#"{"type":"member","chat_id":-1001,"user_id":1}"#,
            r#"{"type":"message","chat_id":-1001,"message_id":50,"sender_id":1,"date":"2024-03-04T09:00:00+08:00","text":"各村：请于3月8日前报送消防安全隐患排查台账。"}"#,
            r#"{"type":"message","chat_id":-1001,"message_id":51,"sender_id":1,"date":"2024-03-04T10:00:00+08:00","text":"各村：燃气安全隐患排查台账和消防安全隐患排查台账是两回事，请于3月8日前报送燃气安全隐患排查台账。"}"#,
            r#"{"type":"message","chat_id":-1001,"message_id":52,"sender_id":1,"date":"2024-03-04T11:00:00+08:00","text":"各村：请于3月15日前报送春季植树活动照片。"}"#,
        ]
        .join("\n");
        let events = event::parse_log("test.jsonl", &log).expect("valid log");
        let settings = Settings::from_config(&Config::default()).expect("settings");
        let mut engine = Engine::new(settings);
        for e in &events {
            engine.apply(e);
        }
        let at = |id| MsgRef {
            chat_id: ChatId(-1001),
            message_id: id,
        };
        let apart = explanation(&engine, at(51));
        assert!(apart.contains("the closest open ask scored"), "{apart}");
        assert!(!apart.contains("no open ask scored"), "{apart}");
        let unlike = explanation(&engine, at(52));
        assert!(unlike.contains("no open ask scored"), "{unlike}");
    }
}
