//! Why the bot stops or does not start, and the exit code each means.

use super::state::{OpenError, StoreError};

/// The environment variable holding the bot token.
pub const TOKEN_ENV: &str = "TELOXIDE_TOKEN";

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error(
        "{TOKEN_ENV} is not set: create a bot with @BotFather and run `{TOKEN_ENV}=<token> onedigest run --config FILE`"
    )]
    NoToken,
    #[error("bad Bot API URL `{0}`: {1}")]
    ApiUrl(String, String),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("Telegram refused the bot at start-up ({0}); check {TOKEN_ENV}")]
    Unauthorized(String),
    #[error("{what} {addr}: {source}")]
    Bind {
        what: &'static str,
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("setWebhook failed: {0}")]
    Webhook(String),
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl BotError {
    pub fn exit_code(&self) -> u8 {
        match self {
            BotError::NoToken
            | BotError::ApiUrl(..)
            | BotError::Config(_)
            | BotError::Unauthorized(_) => 2,
            BotError::Open(e) if e.is_config() => 2,
            _ => 1,
        }
    }
}
