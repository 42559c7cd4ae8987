//! Intake: Telegram updates → facts (journal events and registry changes),
//! recorded durably before the update is acknowledged.
//!
//! [`facts`] is pure: an update and a read-only view in, facts out.
//! [`Journaled`] wraps teloxide's polling listener so that every update is
//! recorded (journaled and flushed) before the stream hands it on; the
//! polling stream asks Telegram for the next batch, which acknowledges the
//! previous one, only after the last update of the batch was handed on, so
//! only journaled updates are ever acknowledged. The webhook endpoint calls
//! the same [`Intake::take`] before it answers Telegram.

use super::commands::{self, Cmd, SettingsArg};
use super::fact::Fact;
use super::limits::Limiter;
use super::people::Change;
use super::press::{self, Press};
use super::signing::Signer;
use super::state::Shared;
use crate::core::engine::Engine;
use crate::event::{Event, Mention};
use crate::model::{ChatId, UserId};
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use futures::stream::{BoxStream, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{
    AllowedUpdate, ChatMember, ChatMemberUpdated, MessageEntity, MessageEntityKind, UpdateKind,
    User,
};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};

/// The updates the bot asks Telegram for. `chat_member` must be asked for
/// explicitly: Telegram does not send it by default.
pub const ALLOWED_UPDATES: &[AllowedUpdate] = &[
    AllowedUpdate::Message,
    AllowedUpdate::EditedMessage,
    AllowedUpdate::MyChatMember,
    AllowedUpdate::ChatMember,
    AllowedUpdate::CallbackQuery,
];

/// What the mapping may look at.
pub struct View<'a> {
    pub engine: &'a Engine,
    pub tz: Tz,
    pub me_id: Option<UserId>,
    pub me_username: &'a str,
    pub admins: &'a [UserId],
    pub now: DateTime<Utc>,
    /// Checks the signature of button presses.
    pub signer: &'a Signer,
}

pub fn uid(u: &User) -> UserId {
    UserId(u.id.0 as i64)
}

pub fn local(t: DateTime<Utc>, tz: Tz) -> DateTime<FixedOffset> {
    t.with_timezone(&tz).fixed_offset()
}

/// A group or a supergroup: where work is asked for.
pub fn is_group(chat: &teloxide::types::Chat) -> bool {
    chat.is_group() || chat.is_supergroup()
}

/// Accumulates facts, skipping people and memberships already known.
struct Out<'a> {
    v: &'a View<'a>,
    facts: Vec<Fact>,
}

impl Out<'_> {
    fn event(&mut self, e: Event) {
        self.facts.push(Fact::Event(e));
    }

    fn person(&mut self, u: &User) {
        // Bots (this one, others, the placeholders Telegram shows for
        // anonymous admins and channel posts) are not people.
        if u.is_bot || Some(uid(u)) == self.v.me_id {
            return;
        }
        let name = u.full_name();
        let known = self.v.engine.people.get(&uid(u));
        if known.is_some_and(|p| p.name == name && p.username == u.username) {
            return;
        }
        let ev = Event::Person {
            user_id: uid(u),
            name,
            username: u.username.clone(),
        };
        if !self.facts.contains(&Fact::Event(ev.clone())) {
            self.event(ev);
        }
    }

    fn member(&mut self, chat: ChatId, u: &User, date: DateTime<Utc>) {
        if u.is_bot || Some(uid(u)) == self.v.me_id {
            return;
        }
        self.person(u);
        if self.v.engine.is_member(chat, uid(u))
            || self.facts.iter().any(|f| {
                matches!(f, Fact::Event(Event::Member { chat_id, user_id, .. }) if *chat_id == chat && *user_id == uid(u))
            })
        {
            return;
        }
        self.event(Event::Member {
            chat_id: chat,
            user_id: uid(u),
            date: Some(local(date, self.v.tz)),
        });
    }
}

fn mentions(entities: Option<&[MessageEntity]>) -> Vec<Mention> {
    entities
        .unwrap_or_default()
        .iter()
        .filter_map(|e| match &e.kind {
            MessageEntityKind::Mention => Some(Mention {
                user_id: None,
                offset: e.offset,
                length: e.length,
            }),
            MessageEntityKind::TextMention { user } => Some(Mention {
                user_id: Some(uid(user)),
                offset: e.offset,
                length: e.length,
            }),
            _ => None,
        })
        .collect()
}

/// The facts one update carries. Group traffic only from allowed groups;
/// private chats only for commands; never the text of private messages.
pub fn facts(update: &Update, v: &View<'_>) -> Vec<Fact> {
    let mut out = Out {
        v,
        facts: Vec::new(),
    };
    match &update.kind {
        UpdateKind::Message(m) if is_group(&m.chat) => group_message(m, &mut out, false),
        UpdateKind::EditedMessage(m) if is_group(&m.chat) => group_message(m, &mut out, true),
        UpdateKind::Message(m) if m.chat.is_private() => private_message(m, &mut out),
        // A channel or an unknown chat kind: commands count only in private.
        UpdateKind::ChatMember(cm) => chat_member(cm, &mut out),
        UpdateKind::MyChatMember(cm) => {
            let chat = ChatId(cm.chat.id.0);
            if is_group(&cm.chat) && v.engine.settings.is_allowed(chat) && added(cm) {
                // The owner comes from getChatAdministrators (see `Intake::take`).
                if !v.engine.groups.contains_key(&chat) {
                    out.event(Event::Group {
                        chat_id: chat,
                        title: cm.chat.title().unwrap_or_default().to_string(),
                        owner_id: None,
                    });
                }
                out.member(chat, &cm.from, cm.date);
            } else if is_group(&cm.chat) && removed(cm) {
                // Removed or banned: the group becomes inactive.
                out.facts
                    .extend(super::membership::inactive(v.engine, chat, cm.date));
            }
        }
        UpdateKind::CallbackQuery(q) => {
            if let Some(e) = press::judge(q, v).event(q, v) {
                out.event(e);
            }
        }
        _ => {}
    }
    out.facts
}

/// Did this update add the bot (or a person) to the chat?
pub fn added(cm: &ChatMemberUpdated) -> bool {
    cm.new_chat_member.is_present() && !cm.old_chat_member.is_present()
}

/// Did this update remove them?
pub fn removed(cm: &ChatMemberUpdated) -> bool {
    !cm.new_chat_member.is_present() && cm.old_chat_member.is_present()
}

fn group_message(m: &Message, out: &mut Out<'_>, edit: bool) {
    let v = out.v;
    let chat = ChatId(m.chat.id.0);
    if !v.engine.settings.is_allowed(chat) {
        return;
    }
    let title = m.chat.title().unwrap_or_default().to_string();
    if let Some(new_title) = m.new_chat_title() {
        out.event(Event::Group {
            chat_id: chat,
            title: new_title.to_string(),
            owner_id: v.engine.groups.get(&chat).and_then(|g| g.owner),
        });
    } else if !v.engine.groups.contains_key(&chat) {
        out.event(Event::Group {
            chat_id: chat,
            title,
            owner_id: None,
        });
    }
    // Said on behalf of a chat (an anonymous admin, a linked channel's
    // post): `from` is a placeholder, not a member.
    if let Some(from) = m.from.as_ref().filter(|_| m.sender_chat.is_none()) {
        out.member(chat, from, m.date);
    }
    for u in m.new_chat_members().unwrap_or_default() {
        out.member(chat, u, m.date);
    }
    if let Some(u) = m.left_chat_member()
        && v.engine.is_member(chat, uid(u))
    {
        out.event(Event::MemberLeft {
            chat_id: chat,
            user_id: uid(u),
            date: Some(local(m.date, v.tz)),
        });
    }
    let (text, entities) = match (m.text(), m.caption()) {
        (Some(t), _) => (t, m.entities()),
        (None, Some(c)) => (c, m.caption_entities()),
        (None, None) => return,
    };
    let Some(from) = &m.from else {
        return;
    };
    if edit {
        out.event(Event::Edit {
            chat_id: chat,
            message_id: m.id.0 as i64,
            date: local(m.edit_date().copied().unwrap_or(m.date), v.tz),
            text: text.to_string(),
            mentions: mentions(entities),
        });
    } else {
        out.event(Event::Message {
            chat_id: chat,
            message_id: m.id.0 as i64,
            sender_id: uid(from),
            date: local(m.date, v.tz),
            text: text.to_string(),
            reply_to_message_id: m.reply_to_message().map(|r| r.id.0 as i64),
            mentions: mentions(entities),
        });
    }
}

fn private_message(m: &Message, out: &mut Out<'_>) {
    let v = out.v;
    let (Some(from), Some(text)) = (&m.from, m.text()) else {
        return;
    };
    let Some(cmd) = commands::parse(text, v.me_username) else {
        return;
    };
    let user = uid(from);
    let private = m.chat.is_private();
    match cmd {
        Cmd::Start(payload) if private => {
            out.person(from);
            let payload = payload.trim();
            out.facts.push(Fact::People(Change::Start {
                user,
                at: m.date,
                via: (!payload.is_empty()).then(|| payload.to_string()),
            }));
        }
        Cmd::Stop if private => out.facts.push(Fact::People(Change::Stop { user })),
        Cmd::Settings(args) if private => match commands::parse_settings(&args) {
            SettingsArg::Time(time) => out
                .facts
                .push(Fact::People(Change::DigestTime { user, time })),
            SettingsArg::Lang(lang) => out.facts.push(Fact::People(Change::Lang { user, lang })),
            SettingsArg::Show | SettingsArg::Bad => {}
        },
        Cmd::Notdup(args) if private && v.admins.contains(&user) => {
            // A verdict names two asks the bot knows, or nothing is stored.
            let known = |m: &crate::model::MsgRef| v.engine.tasks.contains_key(m);
            if let Some((a, b)) =
                commands::parse_notdup(&args).filter(|(a, b)| known(a) && known(b))
            {
                out.event(Event::Feedback {
                    task: a,
                    other: b,
                    same: false,
                    by: user,
                    date: local(m.date, v.tz),
                });
            }
        }
        _ => {}
    }
}

fn chat_member(cm: &ChatMemberUpdated, out: &mut Out<'_>) {
    let v = out.v;
    let chat = ChatId(cm.chat.id.0);
    if !is_group(&cm.chat) || !v.engine.settings.is_allowed(chat) {
        return;
    }
    let u = &cm.new_chat_member.user;
    if added(cm) {
        out.member(chat, u, cm.date);
    } else if removed(cm) && Some(uid(u)) != v.me_id {
        out.event(Event::MemberLeft {
            chat_id: chat,
            user_id: uid(u),
            date: Some(local(cm.date, v.tz)),
        });
    }
}

/// A group's record from its administrators: the creator is the owner
/// (who receives duplicate warnings); every administrator is a member.
pub fn group_facts(
    chat: ChatId,
    title: &str,
    admins: &[ChatMember],
    date: DateTime<Utc>,
    v: &View<'_>,
) -> Vec<Fact> {
    let mut out = Out {
        v,
        facts: Vec::new(),
    };
    let owner = admins
        .iter()
        .find(|m| m.is_owner() && !m.user.is_bot)
        .map(|m| uid(&m.user));
    let known = v.engine.groups.get(&chat);
    if known.is_none_or(|g| g.owner != owner || g.title != title) {
        out.event(Event::Group {
            chat_id: chat,
            title: title.to_string(),
            owner_id: owner.or(known.and_then(|g| g.owner)),
        });
    }
    for m in admins.iter().filter(|m| !m.user.is_bot) {
        out.member(chat, &m.user, date);
    }
    out.facts
}

/// The recorder every update goes through before it is acknowledged.
pub struct Intake {
    pub shared: Arc<Shared>,
    pub bot: Bot,
    /// Groups whose administrators this process looked up already.
    pub looked_up: std::sync::Mutex<std::collections::HashSet<i64>>,
    /// Commands and presses per person.
    limiter: Limiter,
    /// What the intake decided about presses and limited commands, by
    /// update id, for the handlers to answer from.
    decided: std::sync::Mutex<std::collections::HashMap<u32, Press>>,
}

impl Intake {
    pub fn new(shared: Arc<Shared>, bot: Bot) -> Intake {
        Intake {
            shared,
            bot,
            looked_up: Default::default(),
            limiter: Limiter::default(),
            decided: Default::default(),
        }
    }

    /// What the intake decided about this update (a press, or a command
    /// over its sender's rate limit), taken once.
    pub fn decision(&self, update: teloxide::types::UpdateId) -> Option<Press> {
        self.decided
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&update.0)
    }

    fn decide(&self, update: teloxide::types::UpdateId, p: Press) {
        let mut d = self.decided.lock().unwrap_or_else(|p| p.into_inner());
        // Handlers take their decision at once; this only bounds a leak.
        if d.len() > 10_000 {
            d.clear();
        }
        d.insert(update.0, p);
    }

    /// Who asks something of the bot in this update (a command or a
    /// press): they are rate limited. Group work traffic is not.
    fn asker(&self, update: &Update) -> Option<UserId> {
        match &update.kind {
            UpdateKind::CallbackQuery(q) => Some(uid(&q.from)),
            UpdateKind::Message(m) => {
                let me = self.shared.me().and_then(|m| m.user.username.clone())?;
                let text = m.text()?;
                commands::parse(text, &me)?;
                m.from.as_ref().map(uid)
            }
            _ => None,
        }
    }

    /// Over its sender's limit: nothing of it is recorded or answered
    /// (a press is told so).
    fn over_limit(&self, update: &Update) -> bool {
        let Some(user) = self.asker(update) else {
            return false;
        };
        let b = self.shared.config().bot;
        let ok = self.limiter.allow(
            user,
            std::time::Instant::now(),
            b.rate_per_minute,
            b.rate_burst,
        );
        if !ok {
            tracing::info!(user = user.0, "over the rate limit: ignored");
            self.decide(update.id, Press::Limited);
        }
        !ok
    }

    /// True the first time a group's owner lookup is asked for.
    pub fn first_lookup(&self, chat: i64) -> bool {
        self.looked_up
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(chat)
    }

    fn view_of<'a>(
        &'a self,
        engine: &'a Engine,
        username: &'a str,
        admins: &'a [UserId],
    ) -> View<'a> {
        View {
            engine,
            tz: engine.settings.tz,
            me_id: self.shared.me().map(|m| uid(&m.user)),
            me_username: username,
            admins,
            now: self.shared.now(),
            signer: &self.shared.signer,
        }
    }

    /// The facts of `update`, computed against the current state.
    pub fn facts_of(&self, update: &Update) -> Vec<Fact> {
        let username = self
            .shared
            .me()
            .and_then(|m| m.user.username.clone())
            .unwrap_or_default();
        let admins = self.shared.config().admins.users;
        let engine = self.shared.engine();
        facts(update, &self.view_of(&engine, &username, &admins))
    }

    /// Record a group's title, owner and administrators.
    pub async fn record_group(
        &self,
        chat: teloxide::types::ChatId,
        title: &str,
        date: DateTime<Utc>,
    ) {
        let admins = match tokio::time::timeout(
            Duration::from_secs(10),
            self.bot.get_chat_administrators(chat).send(),
        )
        .await
        {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => {
                tracing::warn!(
                    chat = chat.0,
                    "getChatAdministrators failed: {e}; the group's owner stays unknown for now"
                );
                return;
            }
            Err(_) => {
                tracing::warn!(
                    chat = chat.0,
                    "getChatAdministrators timed out; the group's owner stays unknown for now"
                );
                return;
            }
        };
        self.record_admins(chat, title, &admins, date).await;
    }

    /// Record a group's title, owner and administrators from `admins`.
    pub async fn record_admins(
        &self,
        chat: teloxide::types::ChatId,
        title: &str,
        admins: &[ChatMember],
        date: DateTime<Utc>,
    ) {
        let facts = {
            let admins_cfg = self.shared.config().admins.users;
            let engine = self.shared.engine();
            group_facts(
                ChatId(chat.0),
                title,
                admins,
                date,
                &self.view_of(&engine, "", &admins_cfg),
            )
        };
        self.record_until_durable(facts).await;
    }

    /// Record an update; return only once it is durable. A store that
    /// refuses writes stalls intake (nothing is acknowledged) rather than
    /// losing the update.
    pub async fn take(&self, update: &Update) {
        super::metrics::inc(&self.shared.metrics.updates_received);
        let _waiting = self.shared.liveness.waiting();
        self.take_inner(update).await;
    }

    async fn take_inner(&self, update: &Update) {
        if self.over_limit(update) {
            return;
        }
        if let UpdateKind::CallbackQuery(q) = &update.kind {
            let (p, facts) = {
                let username = String::new();
                let admins = self.shared.config().admins.users;
                let engine = self.shared.engine();
                let v = self.view_of(&engine, &username, &admins);
                let p = press::judge(q, &v);
                (p, p.event(q, &v).map(Fact::Event).into_iter().collect())
            };
            self.decide(update.id, p);
            self.record_until_durable(facts).await;
            return;
        }
        // A group the bot was just added to: learn its owner before any of
        // its messages, so that the first duplicate already warns them.
        if let UpdateKind::MyChatMember(cm) = &update.kind {
            let allowed = self
                .shared
                .engine()
                .settings
                .is_allowed(ChatId(cm.chat.id.0));
            if is_group(&cm.chat) && allowed && added(cm) {
                let facts = self.facts_of(update);
                self.record_until_durable(facts).await;
                self.record_group(cm.chat.id, cm.chat.title().unwrap_or_default(), cm.date)
                    .await;
                return;
            }
        }
        let facts = self.facts_of(update);
        self.record_until_durable(facts).await;
    }

    pub(crate) async fn record_until_durable(&self, facts: Vec<Fact>) {
        if facts.is_empty() {
            return;
        }
        let facts = Arc::new(facts);
        let mut delay = Duration::from_millis(100);
        loop {
            let shared = self.shared.clone();
            let f = facts.clone();
            let res = tokio::task::spawn_blocking(move || shared.record(&f)).await;
            match res {
                Ok(Ok(())) => return,
                Ok(Err(e)) => tracing::error!("cannot journal an update, retrying: {e}"),
                Err(e) => tracing::error!("journaling task failed, retrying: {e}"),
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(30));
        }
    }
}

/// teloxide's update listener, with every update recorded before it is
/// handed on (and so before its offset is acknowledged).
pub struct Journaled<L> {
    pub inner: L,
    pub intake: Arc<Intake>,
}

impl<'a, L> AsUpdateStream<'a> for Journaled<L>
where
    L: UpdateListener + 'a,
    L::Err: Send + 'a,
{
    type StreamErr = L::Err;
    type Stream = BoxStream<'a, Result<Update, L::Err>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let intake = self.intake.clone();
        self.inner
            .as_stream()
            .then(move |r| {
                let intake = intake.clone();
                async move {
                    if let Ok(u) = &r {
                        intake.take(u).await;
                    }
                    r
                }
            })
            .boxed()
    }
}

impl<L> UpdateListener for Journaled<L>
where
    L: UpdateListener + 'static,
    L::Err: Send + 'static,
{
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        let mut all: Vec<AllowedUpdate> = hint.collect();
        for a in ALLOWED_UPDATES {
            if !all.contains(a) {
                all.push(*a);
            }
        }
        self.inner.hint_allowed_updates(&mut all.into_iter());
    }
}

#[cfg(test)]
#[path = "intake_tests.rs"]
mod tests;
