//! `onedigest run`: the command-line options, the token and API URL from
//! the environment, the runtime; one-line errors and exit codes.

use super::error::{BotError, TOKEN_ENV};
use super::logging;
use super::scheduler;
use super::serve::{Options, serve};
use crate::config::{BotMode, Config};
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::sync::watch;

/// The environment variable naming another Bot API server.
pub const API_URL_ENV: &str = "TELOXIDE_API_URL";
/// The environment variable holding the webhook secret token.
pub const WEBHOOK_SECRET_ENV: &str = "ONEDIGEST_WEBHOOK_SECRET";

const RUN_ENV_HELP: &str = "\
Environment:
  TELOXIDE_TOKEN            the bot token from @BotFather (required; never logged)
  TELOXIDE_API_URL          another Bot API server (e.g. a local telegram-bot-api)
  ONEDIGEST_WEBHOOK_SECRET  webhook mode: the secret token Telegram must send
                            (a random one per start when unset)
  RUST_LOG                  log filter, e.g. info, onedigest=debug (default info)
  ONEDIGEST_CLOCK_FILE      testing hook: read \"now\" (RFC 3339) from this file

Every other setting is in the config file's [bot] section
(see config/onedigest.example.toml). Exit codes: 0 stopped cleanly,
1 failed while running, 2 bad configuration, no token or a token Telegram refuses.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    Polling,
    Webhook,
}

/// `onedigest run`: options that override the config's `[bot]` section.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(after_help = RUN_ENV_HELP)]
pub struct RunArgs {
    /// State directory: journal, outbox, people registry [config: bot.state_dir; default ./onedigest-state].
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Bot API server URL [precedence: this, then TELOXIDE_API_URL, then bot.api_url, then Telegram's].
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// Receive updates by long polling (default) or by webhook [config: bot.mode].
    #[arg(long, value_enum, value_name = "MODE")]
    pub mode: Option<ModeArg>,
    /// Webhook mode: the public https:// URL Telegram posts to [config: bot.webhook_url].
    #[arg(long, value_name = "URL")]
    pub webhook_url: Option<String>,
    /// Webhook mode: the local address to listen on [config: bot.webhook_listen; default 127.0.0.1:8443].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Health (/healthz) and Prometheus (/metrics) address, "" to turn off [config: bot.metrics_addr; default 127.0.0.1:9464].
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<String>,
    /// Read every group the bot is added to, not only those in groups.allow (without it, an empty allow-list refuses to start) [config: groups.allow_all].
    #[arg(long)]
    pub allow_all: bool,
}

/// `onedigest run`: read the token and options, run until stopped.
/// Prints its own one-line errors; returns the exit code.
pub fn run_cli(args: RunArgs, mut config: Config, config_path: Option<PathBuf>) -> u8 {
    match prepare(args, &mut config) {
        Ok((token, api_url)) => {
            logging::init(&token);
            let opts = Options {
                token,
                api_url,
                config,
                config_path,
                clock: scheduler::from_env(),
                webhook_secret: std::env::var(WEBHOOK_SECRET_ENV)
                    .ok()
                    .filter(|s| !s.is_empty()),
                handle_signals: true,
                ready: None,
            };
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => return report(&BotError::Runtime(e)),
            };
            let (_tx, rx) = watch::channel(false);
            // A panic that reaches this far is an internal error (exit 1, so
            // that systemd restarts the bot), never a configuration one.
            let run = std::panic::AssertUnwindSafe(|| rt.block_on(serve(opts, rx)));
            match std::panic::catch_unwind(run) {
                Ok(Ok(())) => 0,
                Ok(Err(e)) => report(&e),
                Err(_) => report(&BotError::Internal("the bot panicked".into())),
            }
        }
        Err(e) => report(&e),
    }
}

fn report(e: &BotError) -> u8 {
    eprintln!("onedigest: {e}");
    e.exit_code()
}

/// Apply the command-line overrides; read the token and the API URL.
fn prepare(args: RunArgs, config: &mut Config) -> Result<(String, Option<reqwest::Url>), BotError> {
    let token = std::env::var(TOKEN_ENV)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or(BotError::NoToken)?;
    if args.allow_all {
        config.groups.allow_all = true;
    }
    if let Some(why) = config.open_to_all_refused() {
        return Err(BotError::Config(why.into()));
    }
    let b = &mut config.bot;
    if let Some(d) = args.state_dir {
        b.state_dir = d;
    }
    if let Some(m) = args.mode {
        b.mode = match m {
            ModeArg::Polling => BotMode::Polling,
            ModeArg::Webhook => BotMode::Webhook,
        };
    }
    if let Some(u) = args.webhook_url {
        b.webhook_url = Some(u);
    }
    if let Some(l) = args.listen {
        b.webhook_listen = l.to_string();
    }
    if let Some(m) = args.metrics_addr {
        if !m.is_empty() && m.parse::<SocketAddr>().is_err() {
            return Err(BotError::Config(format!(
                "--metrics-addr `{m}` is not an address such as 127.0.0.1:9464"
            )));
        }
        b.metrics_addr = m;
    }
    if b.mode == BotMode::Webhook
        && !b
            .webhook_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    {
        return Err(BotError::Config(
            "webhook mode needs --webhook-url (or bot.webhook_url): the public https:// URL Telegram posts to".into(),
        ));
    }
    let url = args
        .api_url
        .or_else(|| std::env::var(API_URL_ENV).ok().filter(|s| !s.is_empty()))
        .or_else(|| b.api_url.clone());
    let api_url = match url {
        Some(u) => {
            Some(reqwest::Url::parse(&u).map_err(|e| BotError::ApiUrl(u.clone(), e.to_string()))?)
        }
        None => None,
    };
    Ok((token, api_url))
}
