//! What the bot says, as data: digest messages with a [Done] button per
//! item, owner warnings with [Not a duplicate] [Same task], command replies,
//! and the callback data behind every button. Pure.

use super::outbox::{Button, Part};
use super::signing::Signer;
use crate::core::digest::Digest;
use crate::core::engine::{Engine, Warning};
use crate::model::{ChatId, Lang, MsgRef, UserId};
use crate::render::{self, Format};

/// Telegram's limit on callback data.
pub const MAX_CALLBACK_BYTES: usize = 64;
/// Buttons per keyboard row.
const ROW: usize = 4;
/// Telegram accepts at most 100 buttons on one message.
const MAX_BUTTONS: usize = 100;

/// What a button press means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    /// [Done] on a digest item: `task` is one source of the item.
    Done(MsgRef),
    /// [Not a duplicate] (`same` false) or [Same task] on a warning.
    Feedback {
        task: MsgRef,
        other: MsgRef,
        same: bool,
    },
}

impl Callback {
    /// `d:CHAT:MSG` or `f0|f1:CHAT:MSG:CHAT:MSG`, numbers in base 36, at
    /// most 36 bytes: room for the signature within Telegram's 64.
    pub fn encode(&self) -> String {
        match self {
            Callback::Done(m) => format!("d:{}:{}", b36(m.chat_id.0), b36(m.message_id)),
            Callback::Feedback { task, other, same } => format!(
                "f{}:{}:{}:{}:{}",
                u8::from(*same),
                b36(task.chat_id.0),
                b36(task.message_id),
                b36(other.chat_id.0),
                b36(other.message_id)
            ),
        }
    }

    /// Parse unsigned callback data; `None` for anything else. A press is
    /// read through [`super::signing::Signer::verify`], never this alone.
    pub fn decode(data: &str) -> Option<Callback> {
        let parts: Vec<&str> = data.split(':').collect();
        let msg = |c: &str, m: &str| {
            Some(MsgRef {
                chat_id: ChatId(from_b36(c)?),
                message_id: from_b36(m)?,
            })
        };
        match parts.as_slice() {
            ["d", c, m] => Some(Callback::Done(msg(c, m)?)),
            [s, c1, m1, c2, m2] => Some(Callback::Feedback {
                task: msg(c1, m1)?,
                other: msg(c2, m2)?,
                same: match *s {
                    "f0" => false,
                    "f1" => true,
                    _ => return None,
                },
            }),
            _ => None,
        }
    }
}

/// An integer in base 36 (lower case, `-` for negatives).
fn b36(n: i64) -> String {
    let mut digits = Vec::new();
    let mut v = n.unsigned_abs();
    loop {
        let d = (v % 36) as u32;
        digits.push(char::from_digit(d, 36).unwrap_or('0'));
        v /= 36;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

fn from_b36(s: &str) -> Option<i64> {
    // One spelling per number: no `+`, no upper case, no leading zeros.
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty()
        || (body.len() > 1 && body.starts_with('0'))
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return None;
    }
    i64::from_str_radix(s, 36).ok()
}

fn rows(buttons: Vec<Button>) -> Vec<Vec<Button>> {
    buttons
        .into_iter()
        .take(MAX_BUTTONS)
        .collect::<Vec<_>>()
        .chunks(ROW)
        .map(|c| c.to_vec())
        .collect()
}

/// Is this line the head of an item block (`N. <b>[…]</b> …`)?
fn is_item_head(line: &str) -> bool {
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && line[digits..].starts_with(". <b>")
}

/// A digest as Telegram HTML messages, each with a [Done] button for every
/// item it shows (open items first, then overdue ones, as rendered).
pub fn digest_parts(d: &Digest, name: &str, lang: Lang, signer: &Signer) -> Vec<Part> {
    let texts = render::digest(d, name, lang, Format::Html);
    let items: Vec<(bool, usize, MsgRef)> = d
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| it.sources.first().map(|s| (false, i + 1, s.msg)))
        .chain(
            d.overdue
                .iter()
                .enumerate()
                .filter_map(|(i, it)| it.sources.first().map(|s| (true, i + 1, s.msg))),
        )
        .collect();
    let mut next = items.iter();
    texts
        .into_iter()
        .map(|text| {
            let heads = text.lines().filter(|l| is_item_head(l)).count();
            let buttons: Vec<Button> = next
                .by_ref()
                .take(heads)
                .map(|(overdue, n, msg)| Button {
                    label: match (overdue, lang) {
                        (false, _) => format!("✅ {n}"),
                        (true, Lang::Zh) => format!("✅ 逾期{n}"),
                        (true, Lang::En) => format!("✅ late {n}"),
                    },
                    data: signer.sign(&Callback::Done(*msg), d.user),
                })
                .collect();
            Part::new(text, rows(buttons))
        })
        .collect()
}

/// The warning to a group's owner, with the two feedback buttons.
pub fn warning_part(engine: &Engine, w: &Warning, lang: Lang, signer: &Signer) -> Part {
    let text = render::warning(engine, w, lang, Format::Html);
    let buttons = match w.duplicate_of.first() {
        Some(other) => {
            let (no, yes) = match lang {
                Lang::Zh => ("不是重复", "是同一任务"),
                Lang::En => ("Not a duplicate", "Same task"),
            };
            vec![vec![
                Button {
                    label: no.into(),
                    data: signer.sign(
                        &Callback::Feedback {
                            task: w.task,
                            other: *other,
                            same: false,
                        },
                        w.to,
                    ),
                },
                Button {
                    label: yes.into(),
                    data: signer.sign(
                        &Callback::Feedback {
                            task: w.task,
                            other: *other,
                            same: true,
                        },
                        w.to,
                    ),
                },
            ]]
        }
        None => vec![],
    };
    Part::new(text, buttons)
}

/// The outbox key of a warning: once per new task and owner.
pub fn warning_key(w: &Warning) -> String {
    format!(
        "warning:{}:{}:{}",
        w.task.chat_id.0, w.task.message_id, w.to.0
    )
}

/// The name to greet a person by.
pub fn display_name(engine: &Engine, user: UserId) -> String {
    engine
        .people
        .get(&user)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| user.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_round_trips_and_fits_telegrams_limit() {
        let big = MsgRef {
            chat_id: ChatId(-1_009_999_999_999),
            message_id: 2_147_483_647,
        };
        for cb in [
            Callback::Done(big),
            Callback::Feedback {
                task: big,
                other: big,
                same: false,
            },
            Callback::Feedback {
                task: big,
                other: MsgRef {
                    chat_id: ChatId(-5),
                    message_id: 1,
                },
                same: true,
            },
        ] {
            let s = cb.encode();
            assert!(s.len() <= MAX_CALLBACK_BYTES, "{s}: {} bytes", s.len());
            assert_eq!(Callback::decode(&s), Some(cb));
        }
        for bad in [
            "",
            "d",
            "d:x!:1",
            "f2:1:1:1:1",
            "x:1:2",
            "d:1:2:3",
            "d:01:1",
            "d:A:1",
            "d:+1:1",
        ] {
            assert_eq!(Callback::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn item_heads_are_recognised() {
        assert!(is_item_head("12. <b>[3月6日]</b> 报送"));
        assert!(!is_item_head("   ↳ 群（某某）"));
        assert!(!is_item_head("⏰ 截止扎堆"));
        assert!(!is_item_head("2024. is a year"));
    }
}
