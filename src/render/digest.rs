//! A digest as a phone reads it: sections by urgency (due today, coming
//! up, no deadline, overdue), one line per item (short title, deadline,
//! how many groups asked), then one compact line of who asked, whose group
//! names are the links. The daily digest shows the first eight items and
//! points to `/digest all` for the rest. Text and HTML carry the same words.

use super::split::{Chunk, MAX_MESSAGE_UNITS, pack, units};
use super::{Format, esc, when};
use crate::core::digest::{Digest, Item, Section, Source};
use crate::model::{Deadline, Lang, MsgRef};

/// Items shown in the daily digest before "+ N more".
pub const SHOWN_ITEMS: usize = 8;
/// Room for one item's sources line: the first groups, then "…and N more".
const SOURCES_UNITS: usize = 1200;

/// How much of the digest to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The first [`SHOWN_ITEMS`] items, then "+ N more: /digest all".
    Daily,
    /// Every item (`/digest all`).
    All,
}

/// One message of a digest and the items it shows: (number, [Done] target).
#[derive(Debug, Clone, PartialEq)]
pub struct DigestPart {
    pub text: String,
    pub items: Vec<(usize, MsgRef)>,
}

fn section_title(s: Section, lang: Lang) -> &'static str {
    match (s, lang) {
        (Section::Today, Lang::Zh) => "今天截止",
        (Section::Soon, Lang::Zh) => "近期截止",
        (Section::Undated, Lang::Zh) => "未注明截止时间",
        (Section::Overdue, Lang::Zh) => "已逾期",
        (Section::Today, Lang::En) => "Due today",
        (Section::Soon, Lang::En) => "Coming up",
        (Section::Undated, Lang::En) => "No deadline given",
        (Section::Overdue, Lang::En) => "Overdue",
    }
}

/// A deadline as the section reads it: the time alone on the digest's day.
fn due(d: Deadline, today: bool, lang: Lang) -> String {
    match (d, today, lang) {
        (Deadline::Minute(t), true, _) => t.format("%H:%M").to_string(),
        (Deadline::Minute(t), false, _) => when(t, lang),
        (Deadline::Day(_), true, Lang::Zh) => "今天内".into(),
        (Deadline::Day(_), true, Lang::En) => "today".into(),
        (Deadline::Day(d), false, Lang::Zh) => d.format("%-m月%-d日").to_string(),
        (Deadline::Day(d), false, Lang::En) => d.format("%a %-d %b").to_string(),
    }
}

/// The deadline part of an item's line; conflicting deadlines as the
/// earliest and how many others.
fn due_part(item: &Item, sec: Section, lang: Lang) -> Option<String> {
    let d = item.deadline?;
    let text = due(d, sec == Section::Today, lang);
    let others = item.deadlines.len().saturating_sub(1);
    Some(match (sec, others, lang) {
        (Section::Overdue, _, Lang::Zh) => format!("已于 {text} 截止"),
        (Section::Overdue, _, Lang::En) => format!("was due {text}"),
        (_, 0, _) => text,
        (_, n, Lang::Zh) => format!(
            "最早 {}（另有 {n} 个不同时间）",
            text.trim_end_matches('内')
        ),
        (_, 1, Lang::En) => format!("earliest {text} (1 other time)"),
        (_, n, Lang::En) => format!("earliest {text} ({n} other times)"),
    })
}

/// The groups that asked, in order of their first ask: (title, asks, link).
fn groups(sources: &[Source]) -> Vec<(&str, usize, Option<&str>)> {
    let mut out: Vec<(&str, usize, Option<&str>)> = Vec::new();
    for s in sources {
        match out.iter_mut().find(|g| g.0 == s.chat_title) {
            Some(g) => g.1 += 1,
            None => out.push((&s.chat_title, 1, s.link.as_deref())),
        }
    }
    out
}

/// "来源：镇政府工作群 ×3、乡村振兴专班", group names linked in HTML; the
/// first groups that fit, then how many more.
fn sources_line(item: &Item, lang: Lang, f: Format) -> String {
    let (lead, sep) = match lang {
        Lang::Zh => ("   来源：", "、"),
        Lang::En => ("   asked in ", ", "),
    };
    let gs = groups(&item.sources);
    let mut shown: Vec<String> = Vec::new();
    let mut used = units(lead);
    for (k, (title, n, link)) in gs.iter().enumerate() {
        let name = esc(title, f);
        let name = match (f, link) {
            (Format::Html, Some(l)) => format!("<a href=\"{}\">{name}</a>", esc(l, f)),
            _ => name,
        };
        let g = if *n > 1 {
            format!("{name} ×{n}")
        } else {
            name
        };
        // Leave room for the "…and N more" that would follow.
        if used + units(&g) + 30 > SOURCES_UNITS && k > 0 {
            break;
        }
        used += units(&g) + units(sep);
        shown.push(g);
    }
    let rest = gs.len() - shown.len();
    let mut line = format!("{lead}{}", shown.join(sep));
    if rest > 0 {
        line.push_str(&match lang {
            Lang::Zh => format!("…等另外 {rest} 个群"),
            Lang::En => format!("…and {rest} more"),
        });
    }
    line
}

/// An item: its line, who asked, and a "maybe the same as" note (naming
/// only items among the first `shown`).
fn item_text(
    d: &Digest,
    (n, sec, item): (usize, Section, &Item),
    shown: usize,
    lang: Lang,
    f: Format,
) -> String {
    let mut head = format!("{n}. {}", esc(&item.title, f));
    let dot = " · ";
    if let Some(due) = due_part(item, sec, lang) {
        head.push_str(dot);
        head.push_str(&due);
    }
    let n_groups = groups(&item.sources).len();
    if n_groups > 1 {
        head.push_str(dot);
        head.push_str(&match lang {
            Lang::Zh => format!("{n_groups} 个群"),
            Lang::En => format!("{n_groups} groups"),
        });
    }
    if item.short_notice && sec != Section::Overdue {
        head.push_str(match lang {
            Lang::Zh => " · ⏱ 临时通知",
            Lang::En => " · ⏱ short notice",
        });
    }
    let mut lines = vec![head, sources_line(item, lang, f)];
    let maybe: Vec<String> = item
        .maybe_same
        .iter()
        .filter_map(|c| d.number_of(*c))
        .filter(|k| *k <= shown)
        .map(|k| k.to_string())
        .collect();
    if !maybe.is_empty() {
        lines.push(match lang {
            Lang::Zh => format!("   ❓ 可能与第 {} 项是同一件事", maybe.join("、")),
            Lang::En => format!("   ❓ maybe the same as #{}", maybe.join(", #")),
        });
    }
    lines.join("\n")
}

fn bold(s: &str, f: Format) -> String {
    match f {
        Format::Html => format!("<b>{s}</b>"),
        Format::Text => s.to_string(),
    }
}

/// A digest in parts of at most 4096 UTF-16 units, broken only between
/// items (an item too long for one part, between its lines).
pub fn digest_parts(
    d: &Digest,
    name: &str,
    lang: Lang,
    f: Format,
    scope: Scope,
) -> Vec<DigestPart> {
    let at = when(d.at, lang);
    let header = bold(
        &match lang {
            Lang::Zh => format!("📋 {} 的待办（{at}）", esc(name, f)),
            Lang::En => format!("📋 {}'s digest ({at})", esc(name, f)),
        },
        f,
    );
    let all = d.numbered();
    if all.is_empty() {
        let none = match lang {
            Lang::Zh => "今天没有待办事项。🎉",
            Lang::En => "Nothing due. 🎉",
        };
        return vec![DigestPart {
            text: format!("{header}\n{none}"),
            items: vec![],
        }];
    }
    let shown = match scope {
        Scope::Daily => SHOWN_ITEMS.min(all.len()),
        Scope::All => all.len(),
    };
    let mut chunks: Vec<Chunk<(usize, MsgRef)>> = Vec::new();
    let mut last: Option<Section> = None;
    for &(n, sec, item) in &all[..shown] {
        if sec == Section::Overdue && last.is_some_and(|l| l != Section::Overdue) {
            pileups(d, shown, lang, &mut chunks);
        }
        let mut text = item_text(d, (n, sec, item), shown, lang, f);
        let new_section = last != Some(sec);
        if new_section {
            text = format!("{}\n{text}", bold(section_title(sec, lang), f));
        }
        let done = item.sources.first().map(|s| (n, s.msg));
        chunks.push(Chunk::new(text, done, new_section));
        last = Some(sec);
    }
    if last != Some(Section::Overdue) {
        pileups(d, shown, lang, &mut chunks);
    }
    if shown < all.len() {
        let more = all.len() - shown;
        chunks.push(Chunk::new(
            match lang {
                Lang::Zh => format!("另有 {more} 项：/digest all"),
                Lang::En => format!("+ {more} more: /digest all"),
            },
            None,
            true,
        ));
    }
    pack(&header, chunks, MAX_MESSAGE_UNITS)
        .into_iter()
        .map(|(text, items)| DigestPart { text, items })
        .collect()
}

/// "⏰ items 1, 2, 3 are due close together", for the shown items.
fn pileups(d: &Digest, shown: usize, lang: Lang, chunks: &mut Vec<Chunk<(usize, MsgRef)>>) {
    for p in &d.pileups {
        let ns: Vec<String> = p
            .iter()
            .filter_map(|&i| d.items.get(i))
            .filter_map(|i| d.number_of(i.cluster))
            .filter(|n| *n <= shown)
            .map(|n| n.to_string())
            .collect();
        if ns.len() < 2 {
            continue;
        }
        chunks.push(Chunk::new(
            match lang {
                Lang::Zh => format!("⏰ 第 {} 项的截止时间挤在一起", ns.join("、")),
                Lang::En => format!("⏰ items {} are due close together", ns.join(", ")),
            },
            None,
            true,
        ));
    }
}

/// The daily digest's texts (as `replay` prints them).
pub fn digest(d: &Digest, name: &str, lang: Lang, f: Format) -> Vec<String> {
    digest_parts(d, name, lang, f, Scope::Daily)
        .into_iter()
        .map(|p| p.text)
        .collect()
}
