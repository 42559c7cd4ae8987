//! Rendering digests and warnings as plain text or Telegram HTML, in the
//! organisation's language, in parts that Telegram accepts whole.

mod digest;
pub mod report;
#[cfg(test)]
mod snapshots;
mod split;
mod telegram;

pub use digest::{DigestPart, SHOWN_ITEMS, Scope, digest, digest_parts};
pub use split::{Chunk, MAX_MESSAGE_UNITS, pack, split_lines, units};
pub use telegram::telegram_html_error;

use crate::core::engine::{Engine, Warning};
use crate::model::{Deadline, Lang};
use chrono::NaiveDateTime;

/// Earlier asks named in a warning before "…and N more".
const WARNING_SOURCES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
}

/// Escape text for Telegram HTML (and attribute values: quotes too).
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn esc(s: &str, f: Format) -> String {
    match f {
        Format::Text => s.to_string(),
        Format::Html => html_escape(s),
    }
}

pub(crate) fn when(t: NaiveDateTime, lang: Lang) -> String {
    match lang {
        Lang::Zh => t.format("%-m月%-d日 %H:%M").to_string(),
        Lang::En => t.format("%a %-d %b %H:%M").to_string(),
    }
}

pub fn deadline_text(d: Option<Deadline>, lang: Lang) -> String {
    match (d, lang) {
        (Some(Deadline::Minute(t)), _) => when(t, lang),
        (Some(Deadline::Day(d)), Lang::Zh) => d.format("%-m月%-d日").to_string(),
        (Some(Deadline::Day(d)), Lang::En) => d.format("%a %-d %b").to_string(),
        (None, Lang::Zh) => "无截止时间".into(),
        (None, Lang::En) => "no deadline".into(),
    }
}

/// The warning a group owner receives.
pub fn warning(engine: &Engine, w: &Warning, lang: Lang, f: Format) -> String {
    let title = |m: &crate::model::MsgRef| {
        engine
            .groups
            .get(&m.chat_id)
            .map(|g| g.title.clone())
            .unwrap_or_else(|| m.chat_id.to_string())
    };
    let new_group = esc(&title(&w.task), f);
    let mut earlier = Vec::new();
    for m in w.duplicate_of.iter().take(WARNING_SOURCES) {
        if let Some(t) = engine.tasks.get(m) {
            let g = esc(&title(m), f);
            let due = deadline_text(t.deadline, lang);
            let sent = when(t.sent, lang);
            let link = crate::core::digest::message_link(*m);
            let g = match (f, link) {
                (Format::Html, Some(l)) => format!("<a href=\"{l}\">{g}</a>"),
                (Format::Text, Some(l)) => format!("{g} {l}"),
                (_, None) => g,
            };
            earlier.push(match (lang, t.deadline) {
                (Lang::Zh, Some(_)) => format!("「{g}」{sent}，截止 {due}"),
                (Lang::Zh, None) => format!("「{g}」{sent}"),
                (Lang::En, Some(_)) => format!("{g} on {sent}, due {due}"),
                (Lang::En, None) => format!("{g} on {sent}"),
            });
        }
    }
    let rest = w.duplicate_of.len().saturating_sub(WARNING_SOURCES);
    if rest > 0 {
        earlier.push(match lang {
            Lang::Zh => format!("…等另外 {rest} 处"),
            Lang::En => format!("…and {rest} more"),
        });
    }
    let mut why = w.reasons.clone();
    if let Some(first) = w.duplicate_of.first() {
        let words = engine.shared_words(w.task, *first, 5);
        if !words.is_empty() {
            why.push(crate::core::matcher::Reason::Words(words));
        }
    }
    let reasons = esc(&crate::core::matcher::reasons_text(&why, lang), f);
    match (lang, w.maybe) {
        (Lang::Zh, false) => format!(
            "⚠ 重复任务提醒：你在「{new_group}」发布的任务，已在{}要求过且仍未截止。可考虑直接引用原通知。\n依据：{reasons}（把握 {:.0}%）",
            earlier.join("；"),
            w.score * 100.0
        ),
        (Lang::Zh, true) => format!(
            "❓ 可能重复：你在「{new_group}」发布的任务，与{}的要求相似，是同一项工作吗？\n依据：{reasons}（把握 {:.0}%）",
            earlier.join("；"),
            w.score * 100.0
        ),
        (Lang::En, false) => format!(
            "⚠ Duplicate task: what you posted in {new_group} was already requested in {} and is still pending. Consider linking to it instead.\nWhy: {reasons} (confidence {:.0}%)",
            earlier.join("; "),
            w.score * 100.0
        ),
        (Lang::En, true) => format!(
            "❓ Possibly a duplicate: what you posted in {new_group} looks like {}. Is it the same task?\nWhy: {reasons} (confidence {:.0}%)",
            earlier.join("; "),
            w.score * 100.0
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("a<b>&\"", Format::Html), "a&lt;b&gt;&amp;&quot;");
    }
}
