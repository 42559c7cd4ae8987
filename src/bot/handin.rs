//! One reply, every group (issue 14): a person hands the same reply in to
//! every group that asked for a merged digest item, once.
//!
//! The flow, each step a signed button (`compose::Step`): [Reply to all N]
//! on a digest item (or a Telegram reply to the digest with the item's
//! number) opens a draft; the person's next private messages are collected
//! into it (their ids only: the messages stay in Telegram); [Send] shows
//! where it will go; [Send to all] or [Choose…] then [Send to the chosen
//! groups] queues, per group, one heading (a reply to that group's ask)
//! and a copy of each message (`copyMessage`; an album at once with
//! `copyMessages`), each an outbox entry keyed by person, draft, group and
//! message. When every entry of the hand-in is settled the person is told
//! what went where, and a `hand_in` event is journaled (the item is then
//! done for them).
//!
//! The pure part (which groups, the words) is at the top; the drafts and
//! hand-ins live in two sled trees beside the outbox.

use super::compose::{Callback, Step};
use super::fact::Fact;
use super::intake::{Intake, local, uid};
use super::outbox::{Button, Copy, Kind, Media, MediaKind, Part};
use super::state::{Shared, StoreError};
use crate::core::digest::{self, Item};
use crate::event::Event;
use crate::model::{ChatId, Lang, MsgRef, UserId};
use crate::render::html_escape as esc;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::CallbackQuery;

/// Drafts being collected, by person.
const DRAFTS: &str = "handin_drafts";
/// Hand-ins queued, by id, until the person is told how they went (then
/// removed).
const BATCHES: &str = "handin_batches";
/// Messages one draft may hold (an album is up to ten).
const MAX_MESSAGES: usize = 50;
/// Characters of an ask shown in the review.
const ASK_CHARS: usize = 40;
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------- the core

/// A group a reply goes to, and the ask it answers there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub chat: ChatId,
    pub title: String,
    pub ask: MsgRef,
    pub asked_by: String,
    pub sent: NaiveDateTime,
    pub text: String,
}

/// Why a group of the item does not get the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Skip {
    /// The group is no longer on the allow-list.
    NotAllowed,
    /// Telegram says the person is not a member (any more).
    Left,
    /// Membership could not be confirmed with Telegram.
    Unconfirmed,
    /// The ask there names other people.
    Others,
}

/// Where a reply to an item goes, and where not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub title: String,
    pub targets: Vec<Target>,
    pub skipped: Vec<(String, Skip)>,
}

/// Per group of `item`, its latest ask addressed to the reader; a group
/// off the allow-list, or whose asks all name other people, is skipped.
pub fn plan(item: &Item, allowed: impl Fn(ChatId) -> bool) -> Plan {
    let mut chats: Vec<ChatId> = Vec::new();
    for s in &item.sources {
        if !chats.contains(&s.msg.chat_id) {
            chats.push(s.msg.chat_id);
        }
    }
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    for chat in chats {
        let asks: Vec<&digest::Source> = item
            .sources
            .iter()
            .filter(|s| s.msg.chat_id == chat)
            .collect();
        let title = asks
            .first()
            .map(|s| s.chat_title.clone())
            .unwrap_or_default();
        if !allowed(chat) {
            skipped.push((title, Skip::NotAllowed));
            continue;
        }
        match asks.iter().filter(|s| s.assigned).max_by_key(|s| s.sent) {
            Some(s) => targets.push(Target {
                chat,
                title,
                ask: s.msg,
                asked_by: s.sender_name.clone(),
                sent: s.sent,
                text: s.text.clone(),
            }),
            None => skipped.push((title, Skip::Others)),
        }
    }
    Plan {
        title: item.title.clone(),
        targets,
        skipped,
    }
}

impl Plan {
    /// Move the targets `keep` refuses to the skipped, with `why`.
    pub fn skip_unless(&mut self, mut keep: impl FnMut(ChatId) -> Option<Skip>) {
        let (stay, gone): (Vec<Target>, Vec<Target>) = std::mem::take(&mut self.targets)
            .into_iter()
            .partition(|t| keep(t.chat).is_none());
        self.targets = stay;
        for t in gone {
            if let Some(why) = keep(t.chat) {
                self.skipped.push((t.title, why));
            }
        }
    }
}

/// One message the person sent for a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftMsg {
    pub id: i32,
    /// Telegram's media_group_id: messages sharing it are one album.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    /// An album item's file, to send the album again as a reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Media>,
}

/// An album item's file: the largest size of a photo, a video, a document
/// or an audio file, with its caption.
fn media_of(msg: &teloxide::types::Message) -> Option<Media> {
    let (kind, file_id) = if let Some(p) = msg.photo() {
        (MediaKind::Photo, p.last()?.file.id.to_string())
    } else if let Some(v) = msg.video() {
        (MediaKind::Video, v.file.id.to_string())
    } else if let Some(d) = msg.document() {
        (MediaKind::Document, d.file.id.to_string())
    } else if let Some(a) = msg.audio() {
        (MediaKind::Audio, a.file.id.to_string())
    } else {
        return None;
    };
    Some(Media {
        kind,
        file_id,
        caption: msg.caption().map(str::to_string),
    })
}

/// The files of an album unit (`ids`), in its order, when every message of
/// it has one; else none (the album is copied, and follows the heading).
pub fn album_media(msgs: &[DraftMsg], ids: &[i32]) -> Vec<Media> {
    if ids.len() < 2 {
        return Vec::new();
    }
    let files: Option<Vec<Media>> = ids
        .iter()
        .map(|id| msgs.iter().find(|m| m.id == *id)?.media.clone())
        .collect();
    files.unwrap_or_default()
}

/// The messages to copy, one entry per copy call: a single message, or
/// the ids of one album in increasing order (as `copyMessages` wants).
pub fn units(msgs: &[DraftMsg]) -> Vec<Vec<i32>> {
    let mut out: Vec<(Option<&str>, Vec<i32>)> = Vec::new();
    for m in msgs {
        match (out.last_mut(), m.album.as_deref()) {
            (Some((Some(a), ids)), Some(b)) if *a == b => ids.push(m.id),
            (_, album) => out.push((album, vec![m.id])),
        }
    }
    out.into_iter()
        .map(|(_, mut ids)| {
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect()
}

/// The line heading a reply in a group, in the organisation's language.
pub fn heading(name: &str, title: &str, others: usize, lang: Lang) -> String {
    let (name, title) = (esc(name), esc(title));
    match (lang, others) {
        (Lang::Zh, 0) => format!("{name} 交：{title}"),
        (Lang::Zh, n) => format!("{name} 交：{title}（另见 {n} 个群）"),
        (Lang::En, 0) => format!("{name} hands in: {title}"),
        (Lang::En, 1) => format!("{name} hands in: {title} (also in 1 other group)"),
        (Lang::En, n) => format!("{name} hands in: {title} (also in {n} other groups)"),
    }
}

fn skip_text(why: Skip, lang: Lang) -> &'static str {
    match (why, lang) {
        (Skip::NotAllowed, Lang::Zh) => "该群已不在机器人服务的群列表中",
        (Skip::NotAllowed, Lang::En) => "the group is no longer served by the bot",
        (Skip::Left, Lang::Zh) => "你已不在该群",
        (Skip::Left, Lang::En) => "you are no longer a member",
        (Skip::Unconfirmed, Lang::Zh) => "无法确认你仍在该群",
        (Skip::Unconfirmed, Lang::En) => "your membership could not be confirmed",
        (Skip::Others, Lang::Zh) => "该群的通知是发给其他人的",
        (Skip::Others, Lang::En) => "the ask there names other people",
    }
}

fn skipped_lines(skipped: &[(String, Skip)], lang: Lang) -> Vec<String> {
    skipped
        .iter()
        .map(|(title, why)| match lang {
            Lang::Zh => format!("· {}：不发送，{}", esc(title), skip_text(*why, lang)),
            Lang::En => format!("· {}: not sent, {}", esc(title), skip_text(*why, lang)),
        })
        .collect()
}

/// What the person is asked for when a draft opens.
pub fn prompt(title: &str, groups: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "请发送要交的内容：文字、照片、文件，或几条消息；然后点“发送”。\n事项：<b>{}</b>（{groups} 个群）",
            esc(title)
        ),
        Lang::En => format!(
            "Send what you want to hand in: text, photos, a file, or several messages; then press Send.\nItem: <b>{}</b> ({groups} groups)",
            esc(title)
        ),
    }
}

fn short(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= ASK_CHARS {
        one
    } else {
        let cut: String = one.chars().take(ASK_CHARS).collect();
        format!("{cut}…")
    }
}

/// Where the reply will go (each group and its ask) and where not.
pub fn review(plan: &Plan, messages: usize, lang: Lang) -> String {
    let mut lines = vec![match lang {
        Lang::Zh => format!(
            "<b>{}</b>：{messages} 条消息将交到 {} 个群，各自回复原通知：",
            esc(&plan.title),
            plan.targets.len()
        ),
        Lang::En => format!(
            "<b>{}</b>: {messages} message(s) go to {} group(s), each as a reply to its ask:",
            esc(&plan.title),
            plan.targets.len()
        ),
    }];
    for (i, t) in plan.targets.iter().enumerate() {
        lines.push(format!(
            "{}. <b>{}</b> · {} {}",
            i + 1,
            esc(&t.title),
            esc(&t.asked_by),
            crate::render::when(t.sent, lang)
        ));
        lines.push(format!("   “{}”", esc(&short(&t.text))));
    }
    lines.extend(skipped_lines(&plan.skipped, lang));
    lines.join("\n")
}

/// What came of a hand-in, for the person.
pub fn report(
    delivered: &[String],
    failed: &[(String, String)],
    skipped: &[(String, Skip)],
    at: NaiveDateTime,
    lang: Lang,
) -> String {
    let hm = at.format("%H:%M");
    let titles: Vec<String> = delivered.iter().map(|t| esc(t)).collect();
    let mut lines = Vec::new();
    if !delivered.is_empty() {
        lines.push(match lang {
            Lang::Zh => format!(
                "✅ 已交到 {} 个群（{hm}）：{}",
                delivered.len(),
                titles.join("、")
            ),
            Lang::En => format!(
                "✅ Handed in to {} group{} at {hm}: {}",
                delivered.len(),
                if delivered.len() == 1 { "" } else { "s" },
                titles.join(", ")
            ),
        });
    }
    for (title, why) in failed {
        lines.push(match lang {
            Lang::Zh => format!("⚠️ 未能发到 {}：{}", esc(title), esc(why)),
            Lang::En => format!("⚠️ Could not deliver to {}: {}", esc(title), esc(why)),
        });
    }
    lines.extend(skipped_lines(skipped, lang));
    lines.join("\n")
}

/// The plain answers of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Say {
    NoItem,
    NoGroups,
    NoDraft,
    Empty,
    NoneChosen,
    Cancelled,
    Collected,
    Sending,
    NoNumber,
    TooMany,
}

pub fn say(s: Say, lang: Lang) -> &'static str {
    match (s, lang) {
        (Say::NoItem, Lang::Zh) => "这一项已不在你的汇总中，未作任何改动。",
        (Say::NoItem, Lang::En) => "That item is no longer in your digest; nothing changed.",
        (Say::NoGroups, Lang::Zh) => "这一项的群都无法接收回复，未发送任何内容。",
        (Say::NoGroups, Lang::En) => {
            "None of this item's groups can take a reply now; nothing was sent."
        }
        (Say::NoDraft, Lang::Zh) => "这次提交已结束（已发送或已取消），未作任何改动。",
        (Say::NoDraft, Lang::En) => "That hand-in is over (sent or cancelled); nothing changed.",
        (Say::Empty, Lang::Zh) => "还没有要交的内容：请先发送文字、照片或文件，再点“发送”。",
        (Say::Empty, Lang::En) => {
            "Nothing to hand in yet: send text, photos or a file first, then press Send."
        }
        (Say::NoneChosen, Lang::Zh) => "请至少选择一个群。",
        (Say::NoneChosen, Lang::En) => "Choose at least one group first.",
        (Say::Cancelled, Lang::Zh) => "已取消，未发送任何内容。",
        (Say::Cancelled, Lang::En) => "Cancelled; nothing was sent.",
        (Say::Collected, Lang::Zh) => "已收到。全部发完后点“发送”。",
        (Say::Collected, Lang::En) => "Got it. Press Send when everything is here.",
        (Say::Sending, Lang::Zh) => "正在发送…",
        (Say::Sending, Lang::En) => "Sending…",
        (Say::NoNumber, Lang::Zh) => "那条汇总里没有这个编号的事项。",
        (Say::NoNumber, Lang::En) => "That digest has no item with this number.",
        (Say::TooMany, Lang::Zh) => "一次最多交 50 条消息；这条没有加入。",
        (Say::TooMany, Lang::En) => "At most 50 messages at once; this one was not added.",
    }
}

fn label(step: Step, lang: Lang) -> &'static str {
    match (step, lang) {
        (Step::Review, Lang::Zh) => "发送",
        (Step::Review, Lang::En) => "Send",
        (Step::All, Lang::Zh) => "发送到全部",
        (Step::All, Lang::En) => "Send to all",
        (Step::Choose, Lang::Zh) => "选择…",
        (Step::Choose, Lang::En) => "Choose…",
        (Step::Chosen, Lang::Zh) => "发送到所选的群",
        (Step::Chosen, Lang::En) => "Send to the chosen groups",
        (Step::Cancel, Lang::Zh) => "取消",
        (Step::Cancel, Lang::En) => "Cancel",
        (Step::Start | Step::Toggle(_), _) => "",
    }
}

// ----------------------------------------------------------------- the keys

/// A hand-in's id: the person and the first message of the draft (a
/// private chat's message ids never repeat, so neither does this).
pub fn batch_id(user: UserId, first: i32) -> String {
    format!("{}:{first}", user.0)
}

/// The outbox key of one delivery: person and draft, group, message
/// (`h` for the heading).
pub fn key(batch: &str, group: ChatId, unit: &str) -> String {
    format!("handin:{batch}:{}:{unit}", group.0)
}

fn batch_of(key: &str) -> Option<String> {
    let rest = key.strip_prefix("handin:")?;
    let mut it = rest.split(':');
    Some(format!("{}:{}", it.next()?, it.next()?))
}

// ---------------------------------------------------------------- the store

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub task: MsgRef,
    /// The private chat the messages are in.
    pub chat: i64,
    pub messages: Vec<DraftMsg>,
    /// Groups picked after [Choose…].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<BTreeSet<i64>>,
    /// Groups the review said would be skipped: a leave it found is
    /// recorded, so the item no longer lists that group when it is sent,
    /// and the report still names it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<(String, Skip)>,
    /// The digest message the hand-in started from, to be marked after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Shown>,
}

/// A digest message as the person has it: its HTML, buttons and the
/// number of the item handed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub message_id: i32,
    pub html: String,
    pub buttons: Vec<Vec<Button>>,
    pub number: usize,
}

/// The note a digest item gets once handed in.
pub fn handed_note(groups: usize, at: NaiveDateTime, lang: Lang) -> String {
    let hm = at.format("%H:%M");
    match (lang, groups) {
        (Lang::Zh, n) => format!("✅ 已交到 {n} 个群 {hm}"),
        (Lang::En, 1) => format!("✅ handed in to 1 group at {hm}"),
        (Lang::En, n) => format!("✅ handed in to {n} groups at {hm}"),
    }
}

/// The digest message with item `n`'s line noted and its [Reply to all]
/// button gone (its [Done] stays: it is done already, and says so).
pub fn marked(shown: &Shown, note: &str) -> (String, Vec<Vec<Button>>) {
    let lead = format!("{}. ", shown.number);
    let text = shown
        .html
        .lines()
        .map(|l| {
            if l.starts_with(&lead) {
                format!("{l} · {note}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let reply = format!("↩ {} ", shown.number);
    let buttons = shown
        .buttons
        .iter()
        .map(|row| {
            row.iter()
                .filter(|b| !b.label.starts_with(&reply))
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect();
    (text, buttons)
}

/// What a digest message shows, for item `n` of it.
fn shown_of(m: &Message, n: usize) -> Option<Shown> {
    use teloxide::utils::render::RenderMessageTextHelper;
    let html = m.html_text()?;
    let buttons = m
        .reply_markup()
        .map(|k| {
            k.inline_keyboard
                .iter()
                .map(|row| {
                    row.iter()
                        .filter_map(|b| match &b.kind {
                            teloxide::types::InlineKeyboardButtonKind::CallbackData(d) => {
                                Some(Button {
                                    label: b.text.clone(),
                                    data: d.clone(),
                                })
                            }
                            _ => None,
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Shown {
        message_id: m.id.0,
        html,
        buttons,
        number: n,
    })
}

/// The digest message a [Reply to all] press came from, and its item.
fn shown_of_press(q: &CallbackQuery) -> Option<Shown> {
    let m = q.message.as_ref()?.regular_message()?;
    let data = q.data.as_deref()?;
    let n = m
        .reply_markup()?
        .inline_keyboard
        .iter()
        .flatten()
        .find(|b| {
            matches!(&b.kind, teloxide::types::InlineKeyboardButtonKind::CallbackData(d) if d == data)
        })
        .and_then(|b| b.text.split_whitespace().nth(1)?.parse().ok())?;
    shown_of(m, n)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct BatchGroup {
    chat: ChatId,
    title: String,
    keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Batch {
    user: UserId,
    task: MsgRef,
    groups: Vec<BatchGroup>,
    skipped: Vec<(String, Skip)>,
    messages: usize,
    created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digest: Option<Shown>,
}

fn tree(shared: &Shared, name: &str) -> Result<sled::Tree, StoreError> {
    Ok(shared.journal.db().open_tree(name)?)
}

fn draft(shared: &Shared, user: UserId) -> Result<Option<Draft>, StoreError> {
    Ok(tree(shared, DRAFTS)?
        .get(user.0.to_be_bytes())?
        .and_then(|v| serde_json::from_slice(&v).ok()))
}

fn put_draft(shared: &Shared, user: UserId, d: Option<&Draft>) -> Result<(), StoreError> {
    let t = tree(shared, DRAFTS)?;
    match d {
        Some(d) => {
            let body = serde_json::to_vec(d).unwrap_or_default();
            t.insert(user.0.to_be_bytes(), body)?;
        }
        None => {
            t.remove(user.0.to_be_bytes())?;
        }
    }
    shared.journal.flush()?;
    Ok(())
}

/// Delete a person's draft (`/forget`). Not flushed.
pub fn forget(shared: &Shared, user: UserId) -> Result<(), StoreError> {
    tree(shared, DRAFTS)?.remove(user.0.to_be_bytes())?;
    let batches = tree(shared, BATCHES)?;
    for kv in batches.iter() {
        let (k, v) = kv?;
        if serde_json::from_slice::<Batch>(&v).is_ok_and(|b| b.user == user) {
            batches.remove(k)?;
        }
    }
    Ok(())
}

/// The person's current item holding `task`, as their digest shows it now.
fn item_now(shared: &Shared, user: UserId, task: MsgRef) -> Option<Item> {
    let at = shared.local_now();
    let view = shared.engine().reader_view(user, at);
    let d = digest::build(&view, user, at);
    d.items
        .into_iter()
        .chain(d.overdue)
        .find(|i| i.sources.iter().any(|s| s.msg == task))
}

fn plan_now(shared: &Shared, user: UserId, task: MsgRef) -> Option<Plan> {
    let item = item_now(shared, user, task)?;
    let engine = shared.engine();
    Some(plan(&item, |c| engine.settings.is_allowed(c)))
}

/// Queue every delivery of a hand-in and remember it; the draft goes.
fn deliver(
    shared: &Shared,
    user: UserId,
    d: &Draft,
    plan: &Plan,
    name: &str,
) -> Result<(), StoreError> {
    let Some(first) = d.messages.first() else {
        return Ok(());
    };
    let id = batch_id(user, first.id);
    let lang = shared.config().organisation.lang;
    let units = units(&d.messages);
    let others = plan.targets.len().saturating_sub(1);
    let mut batch = Vec::new();
    let mut groups = Vec::new();
    for t in &plan.targets {
        let mut keys = Vec::new();
        let head = key(&id, t.chat, "h");
        let mut part = Part::new(heading(name, &plan.title, others, lang), vec![]);
        part.reply_to = i32::try_from(t.ask.message_id).ok();
        batch.push((head.clone(), t.chat.0, Kind::HandIn, vec![part]));
        keys.push(head);
        for u in &units {
            let k = key(&id, t.chat, &u[0].to_string());
            let mut part = Part::new(String::new(), vec![]);
            part.reply_to = i32::try_from(t.ask.message_id).ok();
            part.copy = Some(Copy {
                from_chat: d.chat,
                message_ids: u.clone(),
                media: album_media(&d.messages, u),
            });
            batch.push((k.clone(), t.chat.0, Kind::HandIn, vec![part]));
            keys.push(k);
        }
        groups.push(BatchGroup {
            chat: t.chat,
            title: t.title.clone(),
            keys,
        });
    }
    let b = Batch {
        user,
        task: d.task,
        groups,
        skipped: plan.skipped.clone(),
        messages: d.messages.len(),
        created: shared.now(),
        digest: d.digest.clone(),
    };
    let batches = tree(shared, BATCHES)?;
    if !batches.contains_key(id.as_bytes())? {
        batches.insert(id.as_bytes(), serde_json::to_vec(&b).unwrap_or_default())?;
    }
    // One flush makes the hand-in and its deliveries durable together.
    shared.send_batch(batch)?;
    shared.journal.flush()?;
    put_draft(shared, user, None)
}

/// One finishing at a time: two last parts settling together must not
/// both tell the person.
static FINISH: Mutex<()> = Mutex::new(());

/// A delivery under `key` settled: once every delivery of its hand-in has,
/// journal the hand-in (the item is then done for the person) and tell
/// them what went where. Idempotent: the event is the same each time and
/// the report has its own outbox key.
pub fn progress(shared: &Shared, key: &str) -> Result<(), StoreError> {
    let Some(id) = batch_of(key) else {
        return Ok(());
    };
    let _one = FINISH.lock().unwrap_or_else(|p| p.into_inner());
    let batches = tree(shared, BATCHES)?;
    let Some(b) = batches
        .get(id.as_bytes())?
        .and_then(|v| serde_json::from_slice::<Batch>(&v).ok())
    else {
        return Ok(());
    };
    let mut delivered = Vec::new();
    let mut failed = Vec::new();
    for g in &b.groups {
        let mut why = None;
        for k in &g.keys {
            match shared.outbox.get(k)? {
                Some(r) => {
                    for p in &r.parts {
                        match (&p.sent, &p.failed) {
                            (Some(_), _) => {}
                            (None, Some(f)) => why = why.or(Some(f.clone())),
                            (None, None) => return Ok(()),
                        }
                    }
                }
                // Not queued (a crash between the hand-in's record and its
                // entries: the draft is still there to send again).
                None => return Ok(()),
            }
        }
        match why {
            None => delivered.push(g),
            Some(w) => failed.push((g.title.clone(), w)),
        }
    }
    let tz = shared.engine().settings.tz;
    if !delivered.is_empty() {
        shared.record(&[Fact::Event(Event::HandIn {
            user_id: b.user,
            task: b.task,
            groups: delivered.iter().map(|g| g.chat).collect(),
            messages: b.messages,
            date: local(b.created, tz),
        })])?;
    }
    let lang = shared.lang_of(b.user);
    if let Some(shown) = b.digest.as_ref().filter(|_| !delivered.is_empty()) {
        let note = handed_note(delivered.len(), shared.local_now(), lang);
        let (text, buttons) = marked(shown, &note);
        let mut part = Part::new(text, buttons);
        part.edit = Some(shown.message_id);
        shared.send(
            &format!("handin-edit:{id}"),
            b.user.0,
            Kind::Reply,
            vec![part],
        )?;
    }
    let titles: Vec<String> = delivered.iter().map(|g| g.title.clone()).collect();
    let text = report(
        &titles,
        &failed,
        &b.skipped,
        shared.local_now(),
        shared.lang_of(b.user),
    );
    shared.send(
        &format!("handin-report:{id}"),
        b.user.0,
        Kind::Reply,
        super::compose::text_parts(&text),
    )?;
    // Told: the record goes (the outbox keys and the event's identity keep
    // a repeat from doing anything twice).
    batches.remove(id.as_bytes())?;
    shared.journal.flush()?;
    Ok(())
}

/// At start-up: finish the hand-ins whose last delivery settled just
/// before a crash (their report and event were not made yet).
pub fn resume(shared: &Shared) -> Result<(), StoreError> {
    let mut open = Vec::new();
    for kv in tree(shared, BATCHES)?.iter() {
        let (_, v) = kv?;
        if let Ok(b) = serde_json::from_slice::<Batch>(&v)
            && let Some(k) = b.groups.first().and_then(|g| g.keys.first())
        {
            open.push(k.clone());
        }
    }
    for k in open {
        progress(shared, &k)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- the shell

type HandlerResult = Result<(), super::handlers::HandlerError>;

/// The draft's row: [Send] (to the review) and [Cancel].
fn send_or_cancel(task: MsgRef, user: UserId, lang: Lang, shared: &Shared) -> Vec<Vec<Button>> {
    vec![vec![
        button(Step::Review, task, user, lang, shared),
        button(Step::Cancel, task, user, lang, shared),
    ]]
}

fn button(step: Step, task: MsgRef, user: UserId, lang: Lang, shared: &Shared) -> Button {
    Button {
        label: label(step, lang).to_string(),
        data: shared.signer.sign(&Callback::HandIn { task, step }, user),
    }
}

/// Say `text` to the person through the outbox under `key`.
async fn tell(
    shared: &Arc<Shared>,
    key: String,
    user: UserId,
    text: String,
    buttons: Vec<Vec<Button>>,
) -> HandlerResult {
    let sh = shared.clone();
    let mut parts = super::compose::text_parts(&text);
    if let Some(last) = parts.last_mut() {
        last.buttons = buttons;
    }
    tokio::task::spawn_blocking(move || sh.send(&key, user.0, Kind::Reply, parts)).await??;
    Ok(())
}

/// Is `user` a member of `chat` now, as Telegram says? `None` when it
/// could not say; a person gone is recorded as gone.
async fn member_now(intake: &Intake, chat: ChatId, user: UserId) -> Option<bool> {
    let ask = intake.bot.get_chat_member(
        teloxide::types::ChatId(chat.0),
        teloxide::types::UserId(user.0 as u64),
    );
    match tokio::time::timeout(LOOKUP_TIMEOUT, ask.send()).await {
        Ok(Ok(m)) if m.is_present() => Some(true),
        Ok(Ok(_)) => {
            let now = intake.shared.now();
            let tz = intake.shared.engine().settings.tz;
            let known = intake.shared.engine().is_member(chat, user);
            if known {
                intake
                    .record_until_durable(vec![Fact::Event(Event::MemberLeft {
                        chat_id: chat,
                        user_id: user,
                        date: Some(local(now, tz)),
                    })])
                    .await;
            }
            Some(false)
        }
        Ok(Err(e)) => {
            tracing::warn!(chat = chat.0, "getChatMember failed: {e}");
            None
        }
        Err(_) => None,
    }
}

/// The plan for `task`, with each group's membership confirmed now.
async fn checked_plan(intake: &Intake, user: UserId, task: MsgRef) -> Option<Plan> {
    let mut p = plan_now(&intake.shared, user, task)?;
    // Asked together: the press waits for its answer meanwhile.
    let asks = p.targets.iter().map(|t| async move {
        let v = match member_now(intake, t.chat, user).await {
            Some(true) => None,
            Some(false) => Some(Skip::Left),
            None => Some(Skip::Unconfirmed),
        };
        (t.chat, v)
    });
    let verdicts: std::collections::HashMap<ChatId, Option<Skip>> =
        futures::future::join_all(asks).await.into_iter().collect();
    p.skip_unless(|c| verdicts.get(&c).copied().flatten());
    Some(p)
}

/// Open a draft for the item holding `task`; the answer to give.
async fn start(
    shared: &Arc<Shared>,
    user: UserId,
    chat: i64,
    task: MsgRef,
    key: String,
    digest: Option<Shown>,
) -> Result<Option<Say>, super::handlers::HandlerError> {
    let lang = shared.lang_of(user);
    let Some(p) = plan_now(shared, user, task) else {
        return Ok(Some(Say::NoItem));
    };
    if p.targets.is_empty() {
        return Ok(Some(Say::NoGroups));
    }
    let d = Draft {
        task,
        chat,
        messages: vec![],
        chosen: None,
        skipped: vec![],
        digest,
    };
    let sh = shared.clone();
    tokio::task::spawn_blocking(move || put_draft(&sh, user, Some(&d))).await??;
    let buttons = send_or_cancel(task, user, lang, shared);
    tell(
        shared,
        key,
        user,
        prompt(&p.title, p.targets.len(), lang),
        buttons,
    )
    .await?;
    Ok(None)
}

/// A hand-in button pressed.
pub async fn on_press(
    bot: &Bot,
    shared: &Arc<Shared>,
    intake: &Intake,
    q: &CallbackQuery,
    task: MsgRef,
    step: Step,
) -> HandlerResult {
    let user = uid(&q.from);
    let lang = shared.lang_of(user);
    let ui_key = format!("handin-ui:{}:{}", user.0, q.id);
    let answer = match step {
        Step::Start => start(shared, user, user.0, task, ui_key, shown_of_press(q)).await?,
        _ => pressed(shared, intake, user, task, step, ui_key).await?,
    };
    let text = match (answer, step) {
        (Some(s), _) => say(s, lang).to_string(),
        // The picks so far, as the buttons themselves do not change.
        (None, Step::Toggle(_)) => {
            let sh = shared.clone();
            tokio::task::spawn_blocking(move || chosen_titles(&sh, user, task))
                .await??
                .map(|t| chosen_text(&t, lang))
                .unwrap_or_default()
        }
        (None, _) => String::new(),
    };
    let mut a = bot.answer_callback_query(q.id.clone());
    if !text.is_empty() {
        a = a.text(text);
    }
    a.await?;
    // A refusal is also said in the chat, where it stays readable.
    if let Some(s) = answer.filter(|s| !matches!(s, Say::Sending | Say::Cancelled)) {
        tell(
            shared,
            format!("handin-no:{}:{}", user.0, q.id),
            user,
            say(s, lang).to_string(),
            vec![],
        )
        .await?;
    }
    Ok(())
}

/// The titles of the groups picked so far in the person's draft.
fn chosen_titles(
    shared: &Shared,
    user: UserId,
    task: MsgRef,
) -> Result<Option<Vec<String>>, StoreError> {
    let Some(d) = draft(shared, user)?.filter(|d| d.task == task) else {
        return Ok(None);
    };
    let chosen = d.chosen.unwrap_or_default();
    Ok(plan_now(shared, user, task).map(|p| {
        p.targets
            .into_iter()
            .filter(|t| chosen.contains(&t.chat.0))
            .map(|t| t.title)
            .collect()
    }))
}

/// "Chosen: A, B" for the answer to a pick.
pub fn chosen_text(titles: &[String], lang: Lang) -> String {
    match (lang, titles.is_empty()) {
        (Lang::Zh, true) => "还没有选择任何群".into(),
        (Lang::En, true) => "No group chosen".into(),
        (Lang::Zh, false) => format!("已选：{}", titles.join("、")),
        (Lang::En, false) => format!("Chosen: {}", titles.join(", ")),
    }
}

async fn pressed(
    shared: &Arc<Shared>,
    intake: &Intake,
    user: UserId,
    task: MsgRef,
    step: Step,
    ui_key: String,
) -> Result<Option<Say>, super::handlers::HandlerError> {
    let lang = shared.lang_of(user);
    let sh = shared.clone();
    let d = tokio::task::spawn_blocking(move || draft(&sh, user)).await??;
    let Some(mut d) = d.filter(|d| d.task == task) else {
        return Ok(Some(Say::NoDraft));
    };
    if step == Step::Cancel {
        let sh = shared.clone();
        tokio::task::spawn_blocking(move || put_draft(&sh, user, None)).await??;
        return Ok(Some(Say::Cancelled));
    }
    if d.messages.is_empty() {
        return Ok(Some(Say::Empty));
    }
    if let Step::Toggle(g) = step {
        let chosen = d.chosen.get_or_insert_with(BTreeSet::new);
        if !chosen.remove(&g.0) {
            chosen.insert(g.0);
        }
        let sh = shared.clone();
        tokio::task::spawn_blocking(move || put_draft(&sh, user, Some(&d))).await??;
        return Ok(None);
    }
    let Some(mut p) = checked_plan(intake, user, task).await else {
        return Ok(Some(Say::NoItem));
    };
    if p.targets.is_empty() {
        // Nothing changes: the draft stays until sent or cancelled.
        return Ok(Some(Say::NoGroups));
    }
    for (title, why) in &d.skipped {
        let known = p.skipped.iter().any(|(t, _)| t == title);
        if !known && !p.targets.iter().any(|t| &t.title == title) {
            p.skipped.push((title.clone(), *why));
        }
    }
    match step {
        Step::Review => {
            d.skipped = p.skipped.clone();
            let sh = shared.clone();
            let d2 = d.clone();
            tokio::task::spawn_blocking(move || put_draft(&sh, user, Some(&d2))).await??;
            let buttons = vec![vec![
                button(Step::All, task, user, lang, shared),
                button(Step::Choose, task, user, lang, shared),
                button(Step::Cancel, task, user, lang, shared),
            ]];
            tell(
                shared,
                ui_key,
                user,
                review(&p, d.messages.len(), lang),
                buttons,
            )
            .await?;
            Ok(None)
        }
        Step::Choose => {
            d.chosen = Some(BTreeSet::new());
            let sh = shared.clone();
            let d2 = d.clone();
            tokio::task::spawn_blocking(move || put_draft(&sh, user, Some(&d2))).await??;
            let mut rows: Vec<Vec<Button>> = p
                .targets
                .iter()
                .map(|t| {
                    vec![Button {
                        label: format!("☐ {}", t.title),
                        data: shared.signer.sign(
                            &Callback::HandIn {
                                task,
                                step: Step::Toggle(t.chat),
                            },
                            user,
                        ),
                    }]
                })
                .collect();
            rows.push(vec![
                button(Step::Chosen, task, user, lang, shared),
                button(Step::Cancel, task, user, lang, shared),
            ]);
            let text = match lang {
                Lang::Zh => "点群名选择（再点一次取消），然后点“发送到所选的群”。",
                Lang::En => {
                    "Press a group to pick it (again to unpick), then Send to the chosen groups."
                }
            };
            tell(shared, ui_key, user, text.to_string(), rows).await?;
            Ok(None)
        }
        Step::All | Step::Chosen => {
            if step == Step::Chosen {
                let chosen = d.chosen.clone().unwrap_or_default();
                if chosen.is_empty() {
                    return Ok(Some(Say::NoneChosen));
                }
                // Groups not picked are left out silently: the person chose.
                p.targets.retain(|t| chosen.contains(&t.chat.0));
                if p.targets.is_empty() {
                    return Ok(Some(Say::NoGroups));
                }
            }
            let name = {
                let e = shared.engine();
                super::compose::display_name(&e, user)
            };
            let sh = shared.clone();
            tokio::task::spawn_blocking(move || deliver(&sh, user, &d, &p, &name)).await??;
            Ok(Some(Say::Sending))
        }
        Step::Start | Step::Cancel | Step::Toggle(_) => Ok(None),
    }
}

/// A private message that is not a command: a Telegram reply to a digest
/// naming an item's number opens a draft; otherwise, with a draft open,
/// the message joins it. False when it is neither (the caller answers).
pub async fn on_message(
    shared: &Arc<Shared>,
    msg: &Message,
) -> Result<bool, super::handlers::HandlerError> {
    let Some(from) = msg.from.as_ref() else {
        return Ok(false);
    };
    let user = uid(from);
    let lang = shared.lang_of(user);
    let reply_key = format!("reply:{}:{}", msg.chat.id.0, msg.id.0);
    if let (Some(r), Some(text)) = (msg.reply_to_message(), msg.text())
        && let Ok(n) = text.trim().parse::<usize>()
        && r.from.as_ref().is_some_and(|f| f.is_bot)
    {
        let done = format!("✅ {n}");
        let task = r
            .reply_markup()
            .into_iter()
            .flat_map(|k| k.inline_keyboard.iter().flatten())
            .filter(|b| b.text == done)
            .find_map(|b| match &b.kind {
                teloxide::types::InlineKeyboardButtonKind::CallbackData(d) => {
                    match shared.signer.verify(d, user) {
                        Some(Callback::Done(t)) => Some(t),
                        _ => None,
                    }
                }
                _ => None,
            });
        let answer = match task {
            Some(t) => {
                let shown = shown_of(r, n);
                start(shared, user, msg.chat.id.0, t, reply_key.clone(), shown).await?
            }
            None => Some(Say::NoNumber),
        };
        if let Some(s) = answer {
            tell(shared, reply_key, user, say(s, lang).to_string(), vec![]).await?;
        }
        return Ok(true);
    }
    let sh = shared.clone();
    let Some(mut d) = tokio::task::spawn_blocking(move || draft(&sh, user)).await?? else {
        return Ok(false);
    };
    if d.messages.len() >= MAX_MESSAGES {
        tell(
            shared,
            reply_key,
            user,
            say(Say::TooMany, lang).to_string(),
            vec![],
        )
        .await?;
        return Ok(true);
    }
    let album = msg.media_group_id().map(|g| g.0.clone());
    let media = album.as_ref().and_then(|_| media_of(msg));
    // One answer per message or album, not per photo of an album.
    let first_of_album = album
        .as_ref()
        .is_none_or(|a| !d.messages.iter().any(|m| m.album.as_ref() == Some(a)));
    d.messages.push(DraftMsg {
        id: msg.id.0,
        album,
        media,
    });
    let task = d.task;
    let sh = shared.clone();
    tokio::task::spawn_blocking(move || put_draft(&sh, user, Some(&d))).await??;
    if first_of_album {
        let buttons = send_or_cancel(task, user, lang, shared);
        tell(
            shared,
            reply_key,
            user,
            say(Say::Collected, lang).to_string(),
            buttons,
        )
        .await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::digest::Source;
    use chrono::NaiveDate;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 3, 4)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("time")
    }

    fn src(chat: i64, msg: i64, h: u32, assigned: bool) -> Source {
        Source {
            msg: MsgRef {
                chat_id: ChatId(chat),
                message_id: msg,
            },
            chat_title: format!("群{}", -chat),
            sender_name: "周敏".into(),
            sent: at(h),
            deadline: None,
            text: "请报送照片".into(),
            link: None,
            assigned,
        }
    }

    fn item(sources: Vec<Source>) -> Item {
        Item {
            cluster: 1,
            deadline: None,
            deadlines: vec![],
            conflict: false,
            short_notice: false,
            overdue: false,
            pileup: false,
            sources,
            confidence: 1.0,
            title: "背街小巷整治照片".into(),
            maybe_same: vec![],
        }
    }

    #[test]
    fn each_group_gets_its_latest_ask_to_the_reader_and_others_are_skipped_with_a_reason() {
        let i = item(vec![
            src(-1, 10, 9, true),
            src(-1, 11, 11, true),
            src(-2, 20, 10, false),
            src(-3, 30, 9, true),
            src(-4, 40, 9, true),
        ]);
        let p = plan(&i, |c| c != ChatId(-4));
        let asks: Vec<i64> = p.targets.iter().map(|t| t.ask.message_id).collect();
        assert_eq!(asks, vec![11, 30]);
        assert_eq!(
            p.skipped,
            vec![
                ("群2".to_string(), Skip::Others),
                ("群4".to_string(), Skip::NotAllowed)
            ]
        );
        let mut p = p;
        p.skip_unless(|c| (c == ChatId(-3)).then_some(Skip::Left));
        assert_eq!(p.targets.len(), 1);
        assert_eq!(p.skipped.last(), Some(&("群3".to_string(), Skip::Left)));
    }

    #[test]
    fn an_album_is_sent_again_by_its_files_only_when_every_item_has_one() {
        let photo = |id: i32| DraftMsg {
            id,
            album: Some("a".into()),
            media: Some(Media {
                kind: MediaKind::Photo,
                file_id: format!("f{id}"),
                caption: None,
            }),
        };
        let msgs = vec![photo(7), photo(8), photo(9)];
        let files = album_media(&msgs, &[7, 8, 9]);
        assert_eq!(
            files.iter().map(|m| m.file_id.as_str()).collect::<Vec<_>>(),
            ["f7", "f8", "f9"]
        );
        // One message is no album; an item without a file leaves it copied.
        assert!(album_media(&msgs, &[7]).is_empty());
        let mut partial = msgs.clone();
        partial[1].media = None;
        assert!(album_media(&partial, &[7, 8, 9]).is_empty());
    }

    #[test]
    fn an_album_is_one_copy_and_other_messages_one_each() {
        let m = |id, a: Option<&str>| DraftMsg {
            id,
            album: a.map(str::to_string),
            media: None,
        };
        let u = units(&[
            m(5, None),
            m(8, Some("a")),
            m(7, Some("a")),
            m(9, Some("a")),
            m(10, None),
            m(11, Some("b")),
        ]);
        assert_eq!(u, vec![vec![5], vec![7, 8, 9], vec![10], vec![11]]);
    }

    #[test]
    fn the_heading_names_who_what_and_the_other_groups_escaped() {
        assert_eq!(
            heading("王磊", "背街小巷整治照片", 2, Lang::Zh),
            "王磊 交：背街小巷整治照片（另见 2 个群）"
        );
        assert_eq!(
            heading("Wang <Lei>", "photos", 1, Lang::En),
            "Wang &lt;Lei&gt; hands in: photos (also in 1 other group)"
        );
        assert_eq!(heading("A", "b", 0, Lang::En), "A hands in: b");
    }

    #[test]
    fn keys_name_person_draft_group_and_message_and_lead_back_to_the_hand_in() {
        let id = batch_id(UserId(2), 41);
        let k = key(&id, ChatId(-1001), "43");
        assert_eq!(k, "handin:2:41:-1001:43");
        assert_eq!(batch_of(&k).as_deref(), Some("2:41"));
        assert_ne!(k, key(&id, ChatId(-1002), "43"));
        assert_eq!(batch_of("reply:1:2"), None);
    }

    #[test]
    fn the_digest_line_of_the_item_is_noted_and_only_its_reply_button_goes() {
        let b = |l: &str| Button {
            label: l.into(),
            data: l.into(),
        };
        let shown = Shown {
            message_id: 7,
            html: "<b>📋 王磊 的待办</b>\n1. 台账 · 3 个群\n   来源：a\n11. 照片 · 2 个群".into(),
            buttons: vec![
                vec![b("✅ 1"), b("✅ 11")],
                vec![b("↩ 1 一次交给 3 个群")],
                vec![b("↩ 11 一次交给 2 个群")],
            ],
            number: 1,
        };
        let (text, buttons) = marked(&shown, &handed_note(3, at(10), Lang::Zh));
        assert_eq!(
            text,
            "<b>📋 王磊 的待办</b>\n1. 台账 · 3 个群 · ✅ 已交到 3 个群 10:00\n   来源：a\n11. 照片 · 2 个群"
        );
        assert_eq!(
            buttons,
            vec![vec![b("✅ 1"), b("✅ 11")], vec![b("↩ 11 一次交给 2 个群")]]
        );
        assert_eq!(
            handed_note(1, at(9), Lang::En),
            "✅ handed in to 1 group at 09:00"
        );
    }

    /// A hand-in whose deliveries all settled just before a crash, before
    /// the person was told: finished once at the next start, not twice.
    #[test]
    fn a_hand_in_settled_before_a_crash_is_finished_once_at_start() {
        use crate::bot::scheduler::{Clock, ManualClock};
        use crate::config::Config;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::default();
        config.groups.allow_all = true;
        let now = DateTime::parse_from_rfc3339("2024-03-04T10:42:00+08:00")
            .expect("date")
            .with_timezone(&Utc);
        let open = || {
            let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(now));
            Shared::open(&dir.path().join("state"), config.clone(), None, clock)
                .expect("state opens")
        };
        let target = |chat: i64, ask: i64| Target {
            chat: ChatId(chat),
            title: format!("群{}", -chat),
            ask: MsgRef {
                chat_id: ChatId(chat),
                message_id: ask,
            },
            asked_by: "周敏".into(),
            sent: at(9),
            text: "请报送".into(),
        };
        let plan = Plan {
            title: "照片".into(),
            targets: vec![target(-1, 10), target(-2, 20)],
            skipped: vec![],
        };
        let draft = Draft {
            task: plan.targets[0].ask,
            chat: 2,
            messages: vec![DraftMsg {
                id: 5,
                album: None,
                media: None,
            }],
            chosen: None,
            skipped: vec![],
            digest: None,
        };
        let events = |sh: &Shared| {
            sh.journal
                .events()
                .expect("events")
                .into_iter()
                .filter(|e| matches!(e, Event::HandIn { .. }))
                .count()
        };
        {
            let (sh, _rx) = open();
            put_draft(&sh, UserId(2), Some(&draft)).expect("draft");
            assert!(!no_draft(&sh));
            deliver(&sh, UserId(2), &draft, &plan, "王磊").expect("queued");
            assert!(no_draft(&sh), "the draft is gone once queued");
            let parts = sh.outbox.pending().expect("pending");
            assert_eq!(parts.len(), 4, "a heading and a copy per group");
            // Three settle: nothing is told yet.
            for q in &parts[..3] {
                sh.outbox.mark_sent(q, 1).expect("mark");
                progress(&sh, &q.key).expect("progress");
            }
            assert_eq!(events(&sh), 0);
            // The last settles, and the process dies before `progress`.
            sh.outbox.mark_sent(&parts[3], 1).expect("mark");
            sh.journal.flush().expect("flush");
        }
        let (sh, _rx) = open();
        resume(&sh).expect("resume");
        assert_eq!(events(&sh), 1);
        assert!(sh.outbox.contains("handin-report:2:5").expect("report"));
        resume(&sh).expect("again");
        progress(&sh, &key("2:5", ChatId(-1), "h")).expect("late");
        assert_eq!(events(&sh), 1, "finished once");
        assert!(sh.engine().is_done(UserId(2), draft.task));
    }

    fn no_draft(sh: &Shared) -> bool {
        draft(sh, UserId(2)).expect("draft").is_none()
    }

    #[test]
    fn the_report_says_where_it_went_when_and_what_failed() {
        let r = report(
            &["一组".into(), "二组".into()],
            &[("三组".into(), "Forbidden".into())],
            &[("四组".into(), Skip::Left)],
            at(10),
            Lang::En,
        );
        assert!(
            r.starts_with("✅ Handed in to 2 groups at 10:00: 一组, 二组"),
            "{r}"
        );
        assert!(r.contains("Could not deliver to 三组: Forbidden"), "{r}");
        assert!(
            r.contains("四组: not sent, you are no longer a member"),
            "{r}"
        );
    }
}
