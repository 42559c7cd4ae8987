//! Membership kept true. Telegram tells a bot of leaves only when it is an
//! admin and running, so before a group's tasks go into someone's digest
//! their membership is confirmed with `getChatMember` (once a day per
//! group and person; the confirmations live in the `membership` tree).
//! Each group's administrators are re-read daily (a new owner gets the
//! warnings, a former one no longer). A group the bot was removed from
//! becomes inactive: its members are recorded as gone, so its tasks reach
//! no digest and its owner no warning.

use super::fact::Fact;
use super::intake::{Intake, local};
use crate::core::engine::Engine;
use crate::event::Event;
use crate::model::{ChatId, UserId};
use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

/// How long a confirmation holds.
const DAY_SECS: i64 = 86_400;
/// `getChatMember` calls in flight at once during a digest round.
const CONCURRENCY: usize = 8;
const TIMEOUT: Duration = Duration::from_secs(10);
const TREE: &str = "membership";
/// When the administrators were last re-read (sorts after every check key).
const ADMINS_READ: &[u8] = b"~admins_read";

fn key(chat: ChatId, user: UserId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&chat.0.to_be_bytes());
    k[8..].copy_from_slice(&user.0.to_be_bytes());
    k
}

fn secs(v: Option<sled::IVec>) -> Option<i64> {
    v.and_then(|v| v.as_ref().try_into().ok().map(i64::from_be_bytes))
}

/// The events that make a group inactive: every member it has is gone.
pub fn inactive(engine: &Engine, chat: ChatId, date: DateTime<Utc>) -> Vec<Fact> {
    engine
        .members
        .get(&chat)
        .into_iter()
        .flatten()
        .map(|u| {
            Fact::Event(Event::MemberLeft {
                chat_id: chat,
                user_id: *u,
                date: Some(local(date, engine.settings.tz)),
            })
        })
        .collect()
}

/// Did Telegram say the bot is no longer in the chat?
fn removed(e: &RequestError) -> bool {
    matches!(
        e,
        RequestError::Api(
            ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::ChatNotFound
                | ApiError::BotBlocked
        )
    )
}

impl Intake {
    fn membership(&self) -> Option<sled::Tree> {
        match self.shared.journal.db().open_tree(TREE) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::error!("membership checks unavailable: {e}");
                None
            }
        }
    }

    /// Confirm each of `users`' memberships not confirmed within a day;
    /// record those Telegram says are gone. A failed lookup changes nothing.
    pub async fn confirm_members(&self, users: &[UserId]) {
        let Some(tree) = self.membership() else {
            return;
        };
        let now = self.shared.now();
        let stale: Vec<(ChatId, UserId)> = {
            let want: std::collections::HashSet<UserId> = users.iter().copied().collect();
            let engine = self.shared.engine();
            let mut out = Vec::new();
            for (chat, members) in &engine.members {
                for u in members.iter().filter(|u| want.contains(u)) {
                    let at = secs(tree.get(key(*chat, *u)).ok().flatten());
                    if at.is_none_or(|t| now.timestamp() - t >= DAY_SECS) {
                        out.push((*chat, *u));
                    }
                }
            }
            out
        };
        if stale.is_empty() {
            return;
        }
        let gone: Vec<(ChatId, UserId)> = stream::iter(stale)
            .map(|(chat, user)| {
                let tree = tree.clone();
                async move {
                    let ask = self.bot.get_chat_member(
                        teloxide::types::ChatId(chat.0),
                        teloxide::types::UserId(user.0 as u64),
                    );
                    match tokio::time::timeout(TIMEOUT, ask.send()).await {
                        Ok(Ok(m)) if m.is_present() => {
                            let _ = tree.insert(key(chat, user), &now.timestamp().to_be_bytes());
                            None
                        }
                        Ok(Ok(_)) => Some((chat, user)),
                        Ok(Err(e)) => {
                            tracing::debug!(
                                chat = chat.0,
                                user = user.0,
                                "getChatMember failed: {e}"
                            );
                            None
                        }
                        Err(_) => None,
                    }
                }
            })
            .buffer_unordered(CONCURRENCY)
            .filter_map(|g| async move { g })
            .collect()
            .await;
        if gone.is_empty() {
            return;
        }
        tracing::info!(
            left = gone.len(),
            "members Telegram says have left, recorded as gone"
        );
        let facts = gone
            .into_iter()
            .map(|(chat, user)| {
                Fact::Event(Event::MemberLeft {
                    chat_id: chat,
                    user_id: user,
                    date: Some(local(now, self.shared.engine().settings.tz)),
                })
            })
            .collect();
        self.record_until_durable(facts).await;
    }

    /// Once a day, re-read every active group's administrators: owner
    /// changes are recorded, a group the bot was removed from becomes
    /// inactive. The first call only starts the day's count (the groups
    /// were looked up as they appeared).
    pub async fn reread_admins(&self) {
        let Some(tree) = self.membership() else {
            return;
        };
        let now = self.shared.now();
        match secs(tree.get(ADMINS_READ).ok().flatten()) {
            Some(t) if now.timestamp() - t < DAY_SECS => return,
            Some(_) => {}
            None => {
                let _ = tree.insert(ADMINS_READ, &now.timestamp().to_be_bytes());
                return;
            }
        }
        let groups: Vec<(ChatId, String)> = {
            let e = self.shared.engine();
            e.groups
                .values()
                .filter(|g| e.members.get(&g.id).is_some_and(|m| !m.is_empty()))
                .map(|g| (g.id, g.title.clone()))
                .collect()
        };
        for (chat, title) in groups {
            let ask = self
                .bot
                .get_chat_administrators(teloxide::types::ChatId(chat.0));
            match tokio::time::timeout(TIMEOUT, ask.send()).await {
                Ok(Ok(admins)) => {
                    self.record_admins(teloxide::types::ChatId(chat.0), &title, &admins, now)
                        .await
                }
                Ok(Err(e)) if removed(&e) => {
                    tracing::info!(
                        chat = chat.0,
                        "the bot is no longer in this group ({e}): inactive"
                    );
                    let facts = inactive(&self.shared.engine(), chat, now);
                    self.record_until_durable(facts).await;
                }
                Ok(Err(e)) => tracing::warn!(chat = chat.0, "getChatAdministrators failed: {e}"),
                Err(_) => tracing::warn!(chat = chat.0, "getChatAdministrators timed out"),
            }
        }
        let _ = tree.insert(ADMINS_READ, &now.timestamp().to_be_bytes());
    }
}
