//! Start-up with the Bot API: who the bot is (getMe, retried on network
//! trouble), whether privacy mode hides group messages from it, and the
//! command menu.

use super::commands::Cmd;
use super::error::BotError;
use super::state::Shared;
use crate::model::ChatId;
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::Me;
use tokio::sync::watch;

/// getMe, retried on network trouble; an invalid token fails at once.
pub async fn get_me(bot: &Bot, stop: &mut watch::Receiver<bool>) -> Result<Option<Me>, BotError> {
    let mut delay = Duration::from_millis(500);
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(Some(me)),
            Err(teloxide::RequestError::Api(teloxide::ApiError::InvalidToken)) => {
                return Err(BotError::Unauthorized("invalid token".into()));
            }
            Err(teloxide::RequestError::Api(e)) => {
                return Err(BotError::Unauthorized(e.to_string()));
            }
            Err(e) => {
                let why = match &e {
                    teloxide::RequestError::Network(n) => {
                        let n: &reqwest::Error = n;
                        format!(
                            "network error: {}",
                            std::error::Error::source(n)
                                .map(|s| s.to_string())
                                .unwrap_or_else(|| "unreachable".into())
                        )
                    }
                    other => other.to_string(),
                };
                tracing::warn!("getMe failed ({why}); retrying in {delay:?}");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.wait_for(|v| *v) => return Ok(None),
        }
        delay = (delay * 2).min(Duration::from_secs(30));
    }
}

/// Privacy mode hides ordinary group messages from bots that are not admins.
pub async fn privacy_check(bot: &Bot, shared: &Arc<Shared>, me: &Me) {
    if me.can_read_all_group_messages {
        return;
    }
    let groups: Vec<ChatId> = shared.engine().groups.keys().copied().take(50).collect();
    let mut blind = Vec::new();
    for g in &groups {
        match bot
            .get_chat_member(teloxide::types::ChatId(g.0), me.id)
            .await
        {
            Ok(m) if m.is_privileged() => {}
            _ => blind.push(g.0.to_string()),
        }
    }
    if groups.is_empty() || !blind.is_empty() {
        tracing::warn!(
            "privacy mode is on (can_read_all_group_messages is false): in groups where the bot is not an admin it only sees commands and replies to it, so tasks are missed{}. Fix: in @BotFather send /setprivacy, choose the bot, Disable (then remove and re-add it to each group), or make the bot an admin of each group",
            if blind.is_empty() {
                String::new()
            } else {
                format!("; not an admin in: {}", blind.join(", "))
            }
        );
    }
}

pub async fn register_commands(bot: &Bot) {
    use teloxide::utils::command::BotCommands;
    if let Err(e) = bot.set_my_commands(Cmd::bot_commands()).await {
        tracing::warn!("setMyCommands failed: {e}");
    }
}
