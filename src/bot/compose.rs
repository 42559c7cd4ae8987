//! What the bot says, as data: digest messages with a [Done] button per
//! item, owner warnings with [Not a duplicate] [Same task], command replies,
//! and the callback data behind every button. Pure.

use super::outbox::{Button, Part};
use super::signing::Signer;
use crate::core::digest::Digest;
use crate::core::engine::{Engine, Warning};
use crate::model::{ChatId, Lang, MsgRef, UserId};
use crate::render::{self, Format, Scope};

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
    /// A step of handing one reply in to an item's groups (issue 14);
    /// `task` is one source of the item, as for [`Callback::Done`].
    HandIn { task: MsgRef, step: Step },
}

/// The steps of a hand-in, each a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// [Reply to all N] on a digest item: start collecting.
    Start,
    /// [Send] under the prompt: show where it will go.
    Review,
    /// [Send to all].
    All,
    /// [Choose…]: pick the groups one by one.
    Choose,
    /// One group picked or unpicked.
    Toggle(ChatId),
    /// [Send to the chosen groups].
    Chosen,
    /// [Cancel].
    Cancel,
}

impl Step {
    fn code(&self) -> &'static str {
        match self {
            Step::Start => "r",
            Step::Review => "rv",
            Step::All => "ra",
            Step::Choose => "rc",
            Step::Toggle(_) => "rt",
            Step::Chosen => "rs",
            Step::Cancel => "rx",
        }
    }

    fn of(code: &str) -> Option<Step> {
        Some(match code {
            "r" => Step::Start,
            "rv" => Step::Review,
            "ra" => Step::All,
            "rc" => Step::Choose,
            "rs" => Step::Chosen,
            "rx" => Step::Cancel,
            _ => return None,
        })
    }
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
            Callback::HandIn { task, step } => {
                let mut s = format!(
                    "{}:{}:{}",
                    step.code(),
                    b36(task.chat_id.0),
                    b36(task.message_id)
                );
                if let Step::Toggle(g) = step {
                    s.push(':');
                    s.push_str(&b36(g.0));
                }
                s
            }
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
            ["rt", c, m, g] => Some(Callback::HandIn {
                task: msg(c, m)?,
                step: Step::Toggle(ChatId(from_b36(g)?)),
            }),
            [s, c, m] => Some(Callback::HandIn {
                task: msg(c, m)?,
                step: Step::of(s)?,
            }),
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

/// How many groups asked for the item holding `msg` (0 if none does).
fn groups_of(d: &Digest, msg: MsgRef) -> usize {
    d.items
        .iter()
        .chain(&d.overdue)
        .find(|i| i.sources.iter().any(|s| s.msg == msg))
        .map_or(0, |i| {
            let chats: std::collections::BTreeSet<ChatId> =
                i.sources.iter().map(|s| s.msg.chat_id).collect();
            chats.len()
        })
}

/// The label of [Reply to all N] for item `n` asked for in `groups` groups.
pub fn reply_label(n: usize, groups: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("↩ {n} 一次交给 {groups} 个群"),
        Lang::En => format!("↩ {n} Reply to all {groups}"),
    }
}

/// A digest as Telegram HTML messages, each with a [Done] button for every
/// item it shows, and a [Reply to all N] button for every item merged
/// from two or more groups (one row each: the label names the groups).
pub fn digest_parts(
    d: &Digest,
    name: &str,
    lang: Lang,
    scope: Scope,
    signer: &Signer,
) -> Vec<Part> {
    render::digest_parts(d, name, lang, Format::Html, scope)
        .into_iter()
        .map(|p| {
            let buttons: Vec<Button> = p
                .items
                .iter()
                .map(|(n, msg)| Button {
                    label: format!("✅ {n}"),
                    data: signer.sign(&Callback::Done(*msg), d.user),
                })
                .collect();
            let mut kb = rows(buttons);
            let mut used: usize = kb.iter().map(Vec::len).sum();
            for (n, msg) in p.items.iter() {
                let groups = groups_of(d, *msg);
                if groups < 2 || used >= MAX_BUTTONS {
                    continue;
                }
                used += 1;
                let cb = Callback::HandIn {
                    task: *msg,
                    step: Step::Start,
                };
                kb.push(vec![Button {
                    label: reply_label(*n, groups, lang),
                    data: signer.sign(&cb, d.user),
                }]);
            }
            Part::new(p.text, kb)
        })
        .collect()
}

/// A reply of balanced HTML lines (a command's answer, /status) in parts
/// Telegram accepts.
pub fn text_parts(text: &str) -> Vec<Part> {
    render::split_lines(text)
        .into_iter()
        .map(|t| Part::new(t, vec![]))
        .collect()
}

/// The warning to a group's owner, with the two feedback buttons on its
/// last part.
pub fn warning_parts(engine: &Engine, w: &Warning, lang: Lang, signer: &Signer) -> Vec<Part> {
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
    let mut parts = text_parts(&text);
    if let Some(last) = parts.last_mut() {
        last.buttons = buttons;
    }
    parts
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
            Callback::HandIn {
                task: big,
                step: Step::Toggle(ChatId(-1_009_999_999_999)),
            },
            Callback::HandIn {
                task: big,
                step: Step::Start,
            },
            Callback::HandIn {
                task: big,
                step: Step::Cancel,
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
            "rq:1:1",
            "rt:1:1",
            "rt:1:1:x!",
        ] {
            assert_eq!(Callback::decode(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;
    use crate::bot::commands::{Status, status};
    use crate::render::{MAX_MESSAGE_UNITS, units};

    #[test]
    fn a_long_status_goes_out_in_whole_lines_under_the_limit() {
        let s = Status {
            groups: (0..30)
                .map(|i| (format!("群{i}<&>{}", "𠀀".repeat(120)), 5, false))
                .collect(),
            unreachable: (0..50)
                .map(|i| (format!("人{i}{}", "名".repeat(60)), "never /start".into()))
                .collect(),
            ..Status::default()
        };
        let parts = text_parts(&status(&s));
        assert!(parts.len() > 1);
        for p in &parts {
            assert!(units(&p.text) <= MAX_MESSAGE_UNITS, "{}", units(&p.text));
            assert_eq!(
                p.text.matches("<b>").count(),
                p.text.matches("</b>").count()
            );
            assert!(p.text.lines().all(|l| !l.ends_with('…')), "no line cut");
        }
    }
}
