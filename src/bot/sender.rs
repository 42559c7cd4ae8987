//! The one sender: takes queued parts from the outbox and delivers them
//! within Telegram's limits (about 30 messages a second overall, one a
//! second per chat, about 20 a minute into one group), one at a time per
//! chat, honouring `429 retry_after`, retrying 5xx and network errors with
//! backoff, marking a person unreachable on 403 (a group's 403 fails only
//! what was queued for that group), and marking every delivered part in
//! the outbox. Hand-in parts are copies (`copyMessage(s)`) or replies.
//!
//! Pacing is planned by [`Pacer`] (pure; times are offsets, so it is tested
//! with a fast clock) and kept with a small safety margin, so that the
//! limits hold as Telegram measures them, not only as we do.

use super::metrics;
use super::outbox::{Button, Kind, Queued};
use super::people::Change;
use super::state::Shared;
use crate::config::BotConfig;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, ParseMode};
use teloxide::{ApiError, RequestError};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Pacing is kept this much (in thousandths) slower than the limits: starts
/// spaced exactly at the limit arrive bunched after any network or server
/// stall (the load test, on a loaded machine, saw 32 arrivals in one second
/// with a 2 % margin).
const SAFETY_PERMILLE: u32 = 50;
/// How late a send may start and still keep to its plan (timer wake-ups).
const SLACK: Duration = Duration::from_millis(3);

/// The sender's limits (from `[bot]` in the config).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Messages per second, overall.
    pub per_second: u32,
    /// Minimum time between two messages to one chat.
    pub per_chat: Duration,
    /// Minimum time between two messages to one group (Telegram allows
    /// about 20 a minute in a group); zero when off.
    pub per_group: Duration,
    /// Requests in flight at once.
    pub max_in_flight: usize,
    /// Backoff after the first 5xx or network error; doubles each time.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Give up on a part after this many failed attempts (429s not counted).
    pub max_attempts: u32,
}

impl Limits {
    pub fn from_config(b: &BotConfig) -> Limits {
        Limits {
            per_second: b.messages_per_second.max(1),
            per_chat: Duration::from_millis(b.per_chat_interval_ms),
            per_group: match b.group_messages_per_minute {
                0 => Duration::ZERO,
                n => Duration::from_secs(60) / n,
            },
            max_in_flight: b.max_in_flight.max(1),
            retry_base: Duration::from_millis(b.retry_base_ms.max(1)),
            retry_max: Duration::from_millis(b.retry_max_ms.max(b.retry_base_ms).max(1)),
            max_attempts: b.max_send_attempts.max(1),
        }
    }

    /// The least time between two sends, overall, margin included.
    pub fn spacing(&self) -> Duration {
        Duration::from_secs(1) / self.per_second * (1000 + SAFETY_PERMILLE) / 1000
    }

    /// The least time between two sends to one chat, margin included; a
    /// group (negative id) is also held to its own per-minute limit.
    pub fn chat_spacing(&self, chat: i64) -> Duration {
        let least = if chat < 0 {
            self.per_chat.max(self.per_group)
        } else {
            self.per_chat
        };
        least * (1000 + SAFETY_PERMILLE) / 1000
    }

    /// Backoff before attempt `n + 1` after `n` failures.
    pub fn backoff(&self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(20);
        (self.retry_base * 2u32.pow(exp)).min(self.retry_max)
    }
}

/// Plans send times: one chat at a time per chat, spaced; overall spaced.
/// Times are offsets from any fixed start.
#[derive(Debug, Clone)]
pub struct Pacer {
    limits: Limits,
    next_global: Duration,
    next_chat: HashMap<i64, Duration>,
}

impl Pacer {
    pub fn new(limits: Limits) -> Pacer {
        Pacer {
            limits,
            next_global: Duration::ZERO,
            next_chat: HashMap::new(),
        }
    }

    /// The earliest time a message to `chat` may start, not before `now`.
    pub fn earliest(&self, chat: i64, now: Duration) -> Duration {
        let c = self.next_chat.get(&chat).copied().unwrap_or_default();
        now.max(self.next_global).max(c)
    }

    /// Note a send to `chat` planned for `planned`, starting at `now`. A
    /// start at most [`SLACK`] late (timer wake-up) keeps the plan, so that
    /// lateness does not pile up; a later one restarts it from `now`.
    pub fn sent(&mut self, chat: i64, planned: Duration, now: Duration) {
        let at = if now > planned + SLACK { now } else { planned };
        self.next_global = at + self.limits.spacing();
        self.next_chat
            .insert(chat, at + self.limits.chat_spacing(chat));
    }

    /// Hold `chat` back until `until` (retry_after, backoff).
    pub fn hold(&mut self, chat: i64, until: Duration) {
        let c = self.next_chat.entry(chat).or_default();
        *c = (*c).max(until);
    }
}

/// What came of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent(i32),
    /// 429: wait this long, then send again.
    RetryAfter(Duration),
    /// 5xx, timeouts, connection errors: back off and retry.
    Transient(String),
    /// 403 and friends: the person blocked the bot or never started it.
    Unreachable(String),
    /// Telegram refused this message for good (bad markup…).
    Permanent(String),
}

/// Classify a failed request.
pub fn classify(e: &RequestError) -> Outcome {
    match e {
        RequestError::RetryAfter(s) => Outcome::RetryAfter(s.duration()),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            Outcome::Transient(e.to_string())
        }
        RequestError::MigrateToChatId(_) => Outcome::Permanent(e.to_string()),
        RequestError::Api(api) => match api {
            ApiError::BotBlocked
            | ApiError::CantInitiateConversation
            | ApiError::UserDeactivated
            | ApiError::CantTalkWithBots
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::ChatNotFound
            | ApiError::UserNotFound => Outcome::Unreachable(api.to_string()),
            ApiError::Unknown(s) => {
                let l = s.to_ascii_lowercase();
                if l.starts_with("forbidden") {
                    Outcome::Unreachable(s.clone())
                } else if [
                    "internal server error",
                    "bad gateway",
                    "service unavailable",
                    "gateway timeout",
                    "timeout",
                    "restart",
                ]
                .iter()
                .any(|w| l.contains(w))
                {
                    Outcome::Transient(s.clone())
                } else {
                    Outcome::Permanent(s.clone())
                }
            }
            other => Outcome::Permanent(other.to_string()),
        },
    }
}

fn keyboard(rows: &[Vec<Button>]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.iter().map(|r| {
        r.iter()
            .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
            .collect::<Vec<_>>()
    }))
}

/// Copy a person's messages into a group (one, or an album at once).
async fn copy(bot: Bot, q: &Queued, c: &super::outbox::Copy) -> Outcome {
    use teloxide::types::{ChatId as TgChat, MessageId};
    let to = TgChat(q.chat);
    let from = TgChat(c.from_chat);
    let res = match c.message_ids.as_slice() {
        [one] => {
            let mut req = bot.copy_message(to, from, MessageId(*one));
            if let Some(r) = q.reply_to {
                req = req.reply_parameters(answering(r));
            }
            req.send().await.map(|m| m.0)
        }
        // An album by its files: sendMediaGroup keeps it whole and, unlike
        // copyMessages, answers the ask.
        many if c.media.len() == many.len() => {
            let mut req = bot.send_media_group(to, c.media.iter().map(input_media));
            if let Some(r) = q.reply_to {
                req = req.reply_parameters(answering(r));
            }
            req.send().await.map(|ms| ms.first().map_or(0, |m| m.id.0))
        }
        // No files known: copyMessages takes no reply parameters, so the
        // album follows the heading, which is the reply.
        many => bot
            .copy_messages(to, from, many.iter().map(|i| MessageId(*i)))
            .send()
            .await
            .map(|ids| ids.first().map_or(0, |m| m.0)),
    };
    match res {
        Ok(id) => Outcome::Sent(id),
        Err(e) => classify(&e),
    }
}

/// One album item for sendMediaGroup, by its Telegram file id.
fn input_media(m: &super::outbox::Media) -> teloxide::types::InputMedia {
    use super::outbox::MediaKind;
    use teloxide::types::{
        FileId, InputFile, InputMedia, InputMediaAudio, InputMediaDocument, InputMediaPhoto,
        InputMediaVideo,
    };
    let file = InputFile::file_id(FileId(m.file_id.clone()));
    let caption = m.caption.clone();
    match m.kind {
        MediaKind::Photo => InputMedia::Photo(InputMediaPhoto {
            caption,
            ..InputMediaPhoto::new(file)
        }),
        MediaKind::Video => InputMedia::Video(InputMediaVideo {
            caption,
            ..InputMediaVideo::new(file)
        }),
        MediaKind::Document => InputMedia::Document(InputMediaDocument {
            caption,
            ..InputMediaDocument::new(file)
        }),
        MediaKind::Audio => InputMedia::Audio(InputMediaAudio {
            caption,
            ..InputMediaAudio::new(file)
        }),
    }
}

/// Links are not previewed: a digest or a warning full of links would
/// otherwise show a card for the first.
fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// A reply to message `r` of the chat, sent even if it was deleted meanwhile.
fn answering(r: i32) -> teloxide::types::ReplyParameters {
    teloxide::types::ReplyParameters {
        allow_sending_without_reply: Some(true),
        ..teloxide::types::ReplyParameters::new(teloxide::types::MessageId(r))
    }
}

/// Replace a message's text and buttons (a digest after a hand-in).
async fn edit(bot: Bot, q: &Queued, id: i32) -> Outcome {
    let mut req = bot
        .edit_message_text(
            teloxide::types::ChatId(q.chat),
            teloxide::types::MessageId(id),
            q.text.clone(),
        )
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if !q.buttons.is_empty() {
        req = req.reply_markup(keyboard(&q.buttons));
    }
    match req.send().await {
        Ok(m) => Outcome::Sent(m.id.0),
        Err(e) => classify(&e),
    }
}

async fn attempt(bot: Bot, q: &Queued) -> Outcome {
    if let Some(c) = &q.copy {
        return copy(bot, q, c).await;
    }
    if let Some(id) = q.edit {
        return edit(bot, q, id).await;
    }
    let mut req = bot
        .send_message(teloxide::types::ChatId(q.chat), q.text.clone())
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if !q.buttons.is_empty() {
        req = req.reply_markup(keyboard(&q.buttons));
    }
    if let Some(r) = q.reply_to {
        req = req.reply_parameters(answering(r));
    }
    match req.send().await {
        Ok(m) => Outcome::Sent(m.id.0),
        Err(e) => classify(&e),
    }
}

struct ChatQ {
    items: VecDeque<Queued>,
    busy: bool,
    scheduled: bool,
    failures: u32,
}

/// The sender's loop. Runs until `stop` turns true; what is in flight then
/// is abandoned unmarked (and so resent after a restart).
///
/// Delivery is at least once: Telegram has no idempotency key, so a part
/// Telegram accepted just before a crash, but not yet marked, is sent again
/// after the restart. Each part is marked (and flushed) by the task that
/// sent it, right after the reply and before its slot is freed, so what a
/// crash can repeat is what holds a slot: at most `max_in_flight` parts.
pub async fn run(
    shared: Arc<Shared>,
    bot: Bot,
    mut rx: mpsc::UnboundedReceiver<Queued>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let start = Instant::now();
    let mut pacer = Pacer::new(limits.clone());
    let mut chats: HashMap<i64, ChatQ> = HashMap::new();
    // (earliest start, seq of the chat's head, chat)
    let mut ready: BinaryHeap<Reverse<(Duration, u64, i64)>> = BinaryHeap::new();
    let mut inflight: JoinSet<(i64, Queued, Outcome)> = JoinSet::new();
    let mut open = true;

    fn schedule(
        chats: &mut HashMap<i64, ChatQ>,
        ready: &mut BinaryHeap<Reverse<(Duration, u64, i64)>>,
        pacer: &Pacer,
        chat: i64,
        now: Duration,
    ) {
        if let Some(c) = chats.get_mut(&chat)
            && !c.busy
            && !c.scheduled
            && let Some(head) = c.items.front()
        {
            c.scheduled = true;
            ready.push(Reverse((pacer.earliest(chat, now), head.seq, chat)));
        }
    }

    loop {
        // Start every send that may start now.
        let mut wake: Option<Duration> = None;
        while inflight.len() < limits.max_in_flight {
            let Some(Reverse((at, seq, chat))) = ready.peek().copied() else {
                break;
            };
            let now = start.elapsed();
            // The plan may have moved (another chat sent meanwhile).
            let t = at.max(pacer.earliest(chat, Duration::ZERO));
            if t > now {
                if t > at {
                    ready.pop();
                    ready.push(Reverse((t, seq, chat)));
                }
                wake = Some(t);
                break;
            }
            ready.pop();
            let Some(c) = chats.get_mut(&chat) else {
                continue;
            };
            c.scheduled = false;
            let Some(q) = c.items.front().cloned() else {
                continue;
            };
            c.busy = true;
            pacer.sent(chat, t, now);
            let bot = bot.clone();
            let sh = shared.clone();
            inflight.spawn(async move {
                // A hand-in never goes to a group that left the allow-list
                // after it was queued.
                let allowed = q.kind != Kind::HandIn
                    || sh
                        .engine()
                        .settings
                        .is_allowed(crate::model::ChatId(q.chat));
                let out = if allowed {
                    attempt(bot, &q).await
                } else {
                    Outcome::Permanent("the group is no longer on the allow-list".into())
                };
                if let Outcome::Sent(id) = out {
                    // Marked durably before the slot is freed: a crash can
                    // repeat only what holds a slot, at most max_in_flight.
                    let q2 = q.clone();
                    let res =
                        tokio::task::spawn_blocking(move || sh.outbox.mark_sent(&q2, id)).await;
                    match res {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => tracing::error!(chat, "cannot mark a message delivered: {e}"),
                        Err(e) => tracing::error!(chat, "cannot mark a message delivered: {e}"),
                    }
                }
                (chat, q, out)
            });
        }
        let sleep = async {
            match wake {
                Some(t) => tokio::time::sleep_until(start + t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            q = rx.recv(), if open => match q {
                Some(q) => {
                    if chats.is_empty() && inflight.is_empty() {
                        // Idle until now: the wait for progress starts here.
                        shared.liveness.progressed(std::time::Instant::now());
                    }
                    let chat = q.chat;
                    chats.entry(chat).or_insert_with(|| ChatQ {
                        items: VecDeque::new(),
                        busy: false,
                        scheduled: false,
                        failures: 0,
                    }).items.push_back(q);
                    schedule(&mut chats, &mut ready, &pacer, chat, start.elapsed());
                }
                None => open = false,
            },
            Some(done) = inflight.join_next(), if !inflight.is_empty() => {
                let Ok((chat, q, outcome)) = done else { continue };
                let now = start.elapsed();
                let Some(c) = chats.get_mut(&chat) else { continue };
                c.busy = false;
                match outcome {
                    Outcome::Sent(_) => {
                        c.items.pop_front();
                        c.failures = 0;
                        metrics::inc(&shared.metrics.messages_sent);
                        shared.liveness.progressed(std::time::Instant::now());
                        settled(&shared, &q).await;
                    }
                    Outcome::RetryAfter(d) => {
                        metrics::inc(&shared.metrics.send_retries);
                        tracing::warn!(chat, "429: retrying after {}s", d.as_secs());
                        pacer.hold(chat, now + d);
                    }
                    Outcome::Transient(why) => {
                        c.failures += 1;
                        if c.failures >= limits.max_attempts {
                            tracing::error!(chat, key = %q.key, "giving up after {} attempts: {why}", c.failures);
                            c.items.pop_front();
                            c.failures = 0;
                            shared.liveness.progressed(std::time::Instant::now());
                            fail(&shared, &q, &why).await;
                        } else {
                            metrics::inc(&shared.metrics.send_retries);
                            let d = limits.backoff(c.failures);
                            tracing::warn!(chat, "send failed ({why}); retry {} in {:?}", c.failures, d);
                            pacer.hold(chat, now + d);
                        }
                    }
                    Outcome::Unreachable(why) if chat < 0 => {
                        // A group that refuses the bot (removed, muted):
                        // what was queued for it fails, nobody is marked.
                        tracing::warn!(chat, "the group refuses the bot ({why})");
                        let dropped: Vec<Queued> = c.items.drain(..).collect();
                        c.failures = 0;
                        shared.liveness.progressed(std::time::Instant::now());
                        for d in &dropped {
                            fail(&shared, d, &why).await;
                        }
                    }
                    Outcome::Unreachable(why) => {
                        tracing::warn!(chat, "cannot reach this person ({why}): marked unreachable");
                        let dropped: Vec<Queued> = c.items.drain(..).collect();
                        c.failures = 0;
                        shared.liveness.progressed(std::time::Instant::now());
                        let sh = shared.clone();
                        let change = Change::Unreachable { user: crate::model::UserId(chat), reason: why.clone() };
                        let _ = tokio::task::spawn_blocking(move || {
                            sh.people.apply(&change).map(|_| ()).map_err(|e| e.to_string())
                        }).await;
                        for d in &dropped {
                            fail(&shared, d, &why).await;
                        }
                    }
                    Outcome::Permanent(why) => {
                        tracing::error!(chat, key = %q.key, "Telegram refused a message: {why}");
                        c.items.pop_front();
                        c.failures = 0;
                        shared.liveness.progressed(std::time::Instant::now());
                        fail(&shared, &q, &why).await;
                    }
                }
                schedule(&mut chats, &mut ready, &pacer, chat, now);
                if chats.get(&chat).is_some_and(|c| c.items.is_empty() && !c.busy) {
                    chats.remove(&chat);
                }
            }
            _ = sleep => {}
            _ = stop.changed() => {
                if *stop.borrow() {
                    return;
                }
            }
        }
    }
}

async fn fail(shared: &Arc<Shared>, q: &Queued, why: &str) {
    metrics::inc(&shared.metrics.send_failures);
    let sh = shared.clone();
    let q = q.clone();
    let why = why.to_string();
    let q2 = q.clone();
    let res = tokio::task::spawn_blocking(move || sh.outbox.mark_failed(&q2, &why)).await;
    if let Ok(Err(e)) = res {
        tracing::error!("cannot mark a message failed: {e}");
    }
    settled(shared, &q).await;
}

/// A hand-in part settled: once its whole batch has, the person is told
/// and the hand-in journaled ([`super::handin::progress`]).
async fn settled(shared: &Arc<Shared>, q: &Queued) {
    if q.kind != Kind::HandIn {
        return;
    }
    let sh = shared.clone();
    let key = q.key.clone();
    let res = tokio::task::spawn_blocking(move || super::handin::progress(&sh, &key)).await;
    match res {
        Ok(Err(e)) => tracing::error!("cannot finish a hand-in: {e}"),
        Err(e) => tracing::error!("cannot finish a hand-in: {e}"),
        Ok(Ok(())) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_second: u32, per_chat_ms: u64) -> Limits {
        Limits {
            per_second,
            per_chat: Duration::from_millis(per_chat_ms),
            per_group: Duration::ZERO,
            max_in_flight: 8,
            retry_base: Duration::from_millis(500),
            retry_max: Duration::from_secs(60),
            max_attempts: 5,
        }
    }

    /// Simulate the pacer greedily with instant sends: every start time.
    fn simulate(l: Limits, queue: &[i64]) -> Vec<(Duration, i64)> {
        let mut p = Pacer::new(l);
        let mut pending: VecDeque<i64> = queue.iter().copied().collect();
        let mut now = Duration::ZERO;
        let mut out = Vec::new();
        while !pending.is_empty() {
            // The earliest-startable chat first, like the heap.
            let (i, t) = pending
                .iter()
                .enumerate()
                .map(|(i, c)| (i, p.earliest(*c, now)))
                .min_by_key(|(i, t)| (*t, *i))
                .expect("non-empty");
            let chat = pending.remove(i).expect("index");
            now = t;
            p.sent(chat, t, now);
            out.push((now, chat));
        }
        out
    }

    #[test]
    fn the_real_limits_hold_in_every_window() {
        // 300 messages to 100 chats, three each: Telegram's real limits.
        let queue: Vec<i64> = (0..300).map(|i| i % 100).collect();
        let sends = simulate(limits(30, 1000), &queue);
        assert_eq!(sends.len(), 300);
        for (i, (t, _)) in sends.iter().enumerate() {
            // Any 31 consecutive sends span more than a second.
            if let Some((t30, _)) = sends.get(i + 30) {
                assert!(*t30 - *t > Duration::from_secs(1), "{i}: {:?}", *t30 - *t);
            }
        }
        let mut last: HashMap<i64, Duration> = HashMap::new();
        for (t, c) in &sends {
            if let Some(prev) = last.insert(*c, *t) {
                assert!(*t - prev >= Duration::from_secs(1), "chat {c}");
            }
        }
        // And it is not much slower than the limit: 300 at 30/s ≈ 10 s.
        let total = sends.last().expect("sends").0;
        assert!(total < Duration::from_millis(10_600), "{total:?}");
    }

    #[test]
    fn one_chat_is_paced_at_its_own_limit() {
        let sends = simulate(limits(30, 1000), &[5, 5, 5]);
        assert_eq!(sends[1].0, Duration::from_millis(1050));
        assert_eq!(sends[2].0, Duration::from_millis(2100));
    }

    #[test]
    fn a_slightly_late_start_keeps_the_plan_a_very_late_one_restarts_it() {
        let mut p = Pacer::new(limits(10, 0));
        // Planned at 0, woke 2 ms late: the next stays at 105 ms.
        p.sent(1, Duration::ZERO, Duration::from_millis(2));
        assert_eq!(p.earliest(2, Duration::ZERO), Duration::from_millis(105));
        // Planned at 105, started at 500 (idle): the next is 500 + 105.
        p.sent(2, Duration::from_millis(105), Duration::from_millis(500));
        assert_eq!(p.earliest(3, Duration::ZERO), Duration::from_millis(605));
    }

    #[test]
    fn a_group_is_held_to_its_own_per_minute_limit_a_person_is_not() {
        let l = Limits {
            per_group: Duration::from_secs(3),
            ..limits(30, 1000)
        };
        // 20 a minute into one group: every 3 s (and the 5 % margin).
        let sends = simulate(l.clone(), &[-7, -7, -7, 5, 5]);
        let group: Vec<Duration> = sends
            .iter()
            .filter(|(_, c)| *c == -7)
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(
            group,
            vec![
                Duration::ZERO,
                Duration::from_millis(3150),
                Duration::from_millis(6300)
            ]
        );
        // A person meanwhile at one a second, not held by the group.
        let person: Vec<Duration> = sends
            .iter()
            .filter(|(_, c)| *c == 5)
            .map(|(t, _)| *t)
            .collect();
        assert!(
            person[1] - person[0] < Duration::from_millis(1100),
            "{person:?}"
        );
        // In any 60 s window, at most 20 sends into the group.
        let many = simulate(l, &[-7; 45]);
        for (i, (t, _)) in many.iter().enumerate() {
            if let Some((t20, _)) = many.get(i + 20) {
                assert!(*t20 - *t >= Duration::from_secs(60), "{i}");
            }
        }
    }

    #[test]
    fn hold_delays_only_that_chat() {
        let mut p = Pacer::new(limits(1000, 0));
        p.hold(1, Duration::from_secs(3));
        assert_eq!(p.earliest(1, Duration::ZERO), Duration::from_secs(3));
        assert_eq!(p.earliest(2, Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let l = limits(30, 1000);
        assert_eq!(l.backoff(1), Duration::from_millis(500));
        assert_eq!(l.backoff(2), Duration::from_millis(1000));
        assert_eq!(l.backoff(3), Duration::from_millis(2000));
        assert_eq!(l.backoff(30), Duration::from_secs(60));
    }

    #[test]
    fn errors_are_classified() {
        use teloxide::types::Seconds;
        assert_eq!(
            classify(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            Outcome::RetryAfter(Duration::from_secs(3))
        );
        assert!(matches!(
            classify(&RequestError::Api(ApiError::BotBlocked)),
            Outcome::Unreachable(_)
        ));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::CantInitiateConversation)),
            Outcome::Unreachable(_)
        ));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::Unknown("Bad Gateway".into()))),
            Outcome::Transient(_)
        ));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::Unknown(
                "Forbidden: something new".into()
            ))),
            Outcome::Unreachable(_)
        ));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::MessageTextIsEmpty)),
            Outcome::Permanent(_)
        ));
    }
}
