//! Rendering digests and warnings as plain text or Telegram HTML, in the
//! organisation's language, split at item borders below Telegram's limit.

use crate::core::digest::{Digest, Item, Source};
use crate::core::engine::{Engine, Warning};
use crate::model::{Deadline, Lang};
use chrono::NaiveDateTime;

/// Telegram's limit on one message's text.
pub const MAX_MESSAGE_CHARS: usize = 4096;

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

fn when(t: NaiveDateTime, lang: Lang) -> String {
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
        (None, Lang::Zh) => "未定截止时间".into(),
        (None, Lang::En) => "no deadline given".into(),
    }
}

fn snippet(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max).collect();
        s.push('…');
        s
    }
}

fn source_line(s: &Source, lang: Lang, f: Format) -> String {
    let group = esc(&s.chat_title, f);
    let who = esc(&s.sender_name, f);
    let sent = when(s.sent, lang);
    let due = deadline_text(s.deadline, lang);
    let label = match lang {
        Lang::Zh => format!("{group}（{who}，{sent}，截止{due}）"),
        Lang::En => format!("{group} ({who}, {sent}, due {due})"),
    };
    match (f, &s.link) {
        (Format::Html, Some(l)) => format!("   ↳ <a href=\"{}\">{label}</a>", esc(l, f)),
        (Format::Text, Some(l)) => format!("   ↳ {label} {l}"),
        (_, None) => format!("   ↳ {label}"),
    }
}

fn item_block(n: usize, item: &Item, lang: Lang, f: Format) -> String {
    let due = deadline_text(item.deadline, lang);
    let what = esc(&snippet(item.summary(), 80), f);
    let head = match f {
        Format::Html => format!("{n}. <b>{}</b> {what}", esc(&format!("[{due}]"), f)),
        Format::Text => format!("{n}. [{due}] {what}"),
    };
    let mut lines = vec![head];
    if item.conflict {
        let ds: Vec<String> = item
            .deadlines
            .iter()
            .map(|d| deadline_text(Some(*d), lang))
            .collect();
        lines.push(match lang {
            Lang::Zh => format!("   ⚠ 截止时间不一致：{}", ds.join(" / ")),
            Lang::En => format!("   ⚠ deadlines differ: {}", ds.join(" / ")),
        });
    }
    if item.short_notice {
        lines.push(match lang {
            Lang::Zh => "   ⏱ 临时通知，留给你的时间很短".into(),
            Lang::En => "   ⏱ short notice".into(),
        });
    }
    if item.sources.len() > 1 {
        lines.push(match lang {
            Lang::Zh => format!(
                "   {}处要求（合并把握 {:.0}%）：",
                item.sources.len(),
                item.confidence * 100.0
            ),
            Lang::En => format!(
                "   asked {} times (merge confidence {:.0}%):",
                item.sources.len(),
                item.confidence * 100.0
            ),
        });
    }
    for s in &item.sources {
        lines.push(source_line(s, lang, f));
    }
    lines.join("\n")
}

/// A digest as one or more messages, each under [`MAX_MESSAGE_CHARS`].
pub fn digest(d: &Digest, name: &str, lang: Lang, f: Format) -> Vec<String> {
    let at = when(d.at, lang);
    let header = match (lang, f) {
        (Lang::Zh, Format::Html) => format!("<b>📋 {} 的待办（{at}）</b>", esc(name, f)),
        (Lang::Zh, Format::Text) => format!("📋 {name} 的待办（{at}）"),
        (Lang::En, Format::Html) => format!("<b>📋 {}'s digest ({at})</b>", esc(name, f)),
        (Lang::En, Format::Text) => format!("📋 {name}'s digest ({at})"),
    };
    if d.items.is_empty() && d.overdue.is_empty() {
        let none = match lang {
            Lang::Zh => "今天没有待办事项。🎉",
            Lang::En => "Nothing due. 🎉",
        };
        return vec![format!("{header}\n{none}")];
    }
    let mut blocks: Vec<String> = Vec::new();
    for (i, item) in d.items.iter().enumerate() {
        blocks.push(item_block(i + 1, item, lang, f));
    }
    for p in &d.pileups {
        let times: Vec<String> = p
            .iter()
            .filter_map(|&i| d.items.get(i))
            .map(|i| deadline_text(i.deadline, lang))
            .collect();
        blocks.push(match lang {
            Lang::Zh => format!("⏰ 截止扎堆：{}项集中在 {}", p.len(), times.join("、")),
            Lang::En => format!("⏰ pile-up: {} items due at {}", p.len(), times.join(", ")),
        });
    }
    if !d.overdue.is_empty() {
        blocks.push(match lang {
            Lang::Zh => "已逾期：".to_string(),
            Lang::En => "Overdue:".to_string(),
        });
        for (i, item) in d.overdue.iter().enumerate() {
            blocks.push(item_block(i + 1, item, lang, f));
        }
    }
    split(&header, &blocks)
}

/// Pack blocks into messages under the limit, breaking only between blocks
/// (a single oversized block is cut, never dropped).
pub fn split(header: &str, blocks: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = header.to_string();
    for b in blocks {
        let b: String = if b.chars().count() + 1 > MAX_MESSAGE_CHARS - header.chars().count() - 1 {
            b.chars()
                .take(MAX_MESSAGE_CHARS - header.chars().count() - 3)
                .collect::<String>()
                + "…"
        } else {
            b.clone()
        };
        if cur.chars().count() + 2 + b.chars().count() > MAX_MESSAGE_CHARS {
            out.push(std::mem::replace(&mut cur, header.to_string()));
        }
        cur.push_str("\n\n");
        cur.push_str(&b);
    }
    out.push(cur);
    out
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
    for m in &w.duplicate_of {
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
            earlier.push(match lang {
                Lang::Zh => format!("「{g}」{sent}，截止{due}"),
                Lang::En => format!("{g} on {sent}, due {due}"),
            });
        }
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
    fn split_keeps_items_whole_and_under_limit() {
        let blocks: Vec<String> = (0..50)
            .map(|i| format!("[#{i}#] {}", "任".repeat(300)))
            .collect();
        let msgs = split("header", &blocks);
        assert!(msgs.len() > 1);
        for m in &msgs {
            assert!(
                m.chars().count() <= MAX_MESSAGE_CHARS,
                "{}",
                m.chars().count()
            );
            assert!(m.starts_with("header"));
        }
        // Every block appears exactly once, whole.
        let joined = msgs.join("\n");
        for b in &blocks {
            assert_eq!(joined.matches(b.as_str()).count(), 1);
        }
    }

    #[test]
    fn oversized_block_is_cut_not_dropped() {
        let msgs = split("h", &["x".repeat(10_000)]);
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].chars().count() <= MAX_MESSAGE_CHARS);
        assert!(msgs[0].ends_with('…'));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("a<b>&\"", Format::Html), "a&lt;b&gt;&amp;&quot;");
    }
}
