//! The live Telegram bot (`onedigest run`): the imperative shell around the
//! pure core.
//!
//! ```text
//! Telegram ─getUpdates/webhook─▶ intake (update → events; journaled, flushed)
//!                                   │ only then acknowledged
//!                                   ▼
//!            engine (rebuilt from the journal at start) ─ warnings ─┐
//!   scheduler (each person's local digest time, injectable clock) ──┤
//!   handlers (commands, buttons, joins: decide, then do the I/O) ───┤
//!                                                                   ▼
//!                    outbox (sled, idempotency keys) ─▶ sender (limits, retries)
//! ```
//!
//! [`schema`] builds the dispatcher's handler tree; [`serve`] runs
//! everything until stopped; [`run_cli`] is `onedigest run`.

pub mod commands;
pub mod compose;
pub mod intake;
pub mod logging;
pub mod metrics;
pub mod outbox;
pub mod people;
pub mod reload;
pub mod scheduler;
pub mod sender;
pub mod state;
pub mod webhook;

use crate::config::{BotMode, Config};
use crate::model::{ChatId, UserId};
use commands::{Cmd, SettingsArg};
use compose::Callback;
use intake::{Intake, Journaled, uid};
use outbox::{Kind, Part};
use scheduler::{Clock, Subscriber};
use state::{Shared, StoreError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::types::{ChatMemberUpdated, Me};
use teloxide::update_listeners::Polling;
use tokio::sync::watch;

/// The environment variable holding the bot token.
pub const TOKEN_ENV: &str = "TELOXIDE_TOKEN";
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
}

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
    Open(#[from] state::OpenError),
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
}

impl BotError {
    pub fn exit_code(&self) -> u8 {
        match self {
            BotError::NoToken
            | BotError::ApiUrl(..)
            | BotError::Config(_)
            | BotError::Unauthorized(_) => 2,
            _ => 1,
        }
    }
}

/// Everything [`serve`] needs.
pub struct Options {
    pub token: String,
    pub api_url: Option<reqwest::Url>,
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    pub webhook_secret: Option<String>,
    /// Stop cleanly on Ctrl-C (teloxide's handler) and SIGTERM.
    pub handle_signals: bool,
    /// Testing hook: receives the state once the bot is connected.
    pub ready: Option<tokio::sync::oneshot::Sender<Arc<Shared>>>,
}

type HandlerError = Box<dyn std::error::Error + Send + Sync>;
type HandlerResult = Result<(), HandlerError>;

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
            match rt.block_on(serve(opts, rx)) {
                Ok(()) => 0,
                Err(e) => report(&e),
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

/// Run the bot until `stop` turns true (or Ctrl-C/SIGTERM with
/// `handle_signals`). Everything it acknowledged is in the journal; what it
/// did not send is still in the outbox.
pub async fn serve(mut opts: Options, mut stop: watch::Receiver<bool>) -> Result<(), BotError> {
    let cfg = opts.config.clone();
    let b = cfg.bot.clone();
    // Listening from the start: SIGHUP's default action ends the process.
    let hangup = if opts.handle_signals {
        reload::hangup()
    } else {
        None
    };
    let dir = b.state_dir.clone();
    let (shared, rx) = {
        let (config, path, clock) = (
            opts.config.clone(),
            opts.config_path.clone(),
            opts.clock.clone(),
        );
        tokio::task::spawn_blocking(move || Shared::open(&dir, config, path, clock))
            .await
            .map_err(|e| BotError::Config(format!("start-up failed: {e}")))??
    };
    tracing::info!(
        events = shared.journal_len(),
        people = shared.people.len(),
        outbox = shared.outbox.depth(),
        "state rebuilt from the journal in {}",
        b.state_dir.display()
    );
    let client = teloxide::net::default_reqwest_settings()
        .timeout(Duration::from_secs(b.poll_timeout_secs + 30))
        .build()
        .map_err(|e| BotError::Client(e.without_url().to_string()))?;
    let mut bot = Bot::with_client(opts.token.clone(), client);
    if let Some(u) = &opts.api_url {
        bot = bot.set_api_url(u.clone());
    }
    let Some(me) = get_me(&bot, &mut stop).await? else {
        return Ok(());
    };
    shared.set_me(me.clone());
    tracing::info!(bot = %me.username(), "connected to the Bot API");
    privacy_check(&bot, &shared, &me).await;
    register_commands(&bot).await;

    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(sender::run(
        shared.clone(),
        bot.clone(),
        rx,
        sender::Limits::from_config(&b),
        stop_rx.clone(),
    ));
    tasks.spawn(schedule(
        shared.clone(),
        Duration::from_millis(b.scheduler_tick_ms),
        Duration::from_secs(b.catch_up_delay_secs),
        stop_rx.clone(),
    ));
    if let Some(hup) = hangup {
        tasks.spawn(reload::on_hangup(shared.clone(), hup, stop_rx.clone()));
    }
    match (&opts.config_path, b.watch_rules_secs) {
        (Some(path), secs) if secs > 0 => {
            tracing::info!(
                "watching {} and the rules it names every {secs} s",
                path.display()
            );
            tasks.spawn(reload::watch_files(
                shared.clone(),
                Duration::from_secs(secs),
                stop_rx.clone(),
            ));
        }
        (Some(_), _) => tracing::info!("bot.watch_rules_secs = 0: not watching the config"),
        (None, _) => tracing::info!(
            "no --config: the bundled rules are in force and there is no file to reload"
        ),
    }
    if !b.metrics_addr.is_empty() {
        let addr = b.metrics_addr.clone();
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|source| BotError::Bind {
                what: "health and metrics endpoint",
                addr: addr.clone(),
                source,
            })?;
        tracing::info!("health and metrics on http://{addr}/healthz and /metrics");
        let mut s = stop_rx.clone();
        let app = health_router(shared.clone());
        tasks.spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = s.wait_for(|v| *v).await;
                })
                .await;
        });
    }

    let intake = Arc::new(Intake::new(shared.clone(), bot.clone()));
    if let Some(tx) = opts.ready.take() {
        let _ = tx.send(shared.clone());
    }
    let mut builder = Dispatcher::builder(bot.clone(), schema())
        .dependencies(dptree::deps![shared.clone(), intake.clone()])
        .default_handler(|_| async {})
        .error_handler(LoggingErrorHandler::with_custom_text(
            "an update handler failed",
        ));
    if opts.handle_signals {
        builder = builder.enable_ctrlc_handler();
    }
    let mut dispatcher = builder.build();
    let shutdown = dispatcher.shutdown_token();
    {
        let mut outer = stop.clone();
        let handle_signals = opts.handle_signals;
        tokio::spawn(async move {
            tokio::select! {
                _ = outer.wait_for(|v| *v) => {}
                _ = sigterm(), if handle_signals => {
                    tracing::info!("SIGTERM: stopping");
                }
            }
            // The dispatcher may not be running yet: try until it stops.
            loop {
                match shutdown.shutdown() {
                    Ok(f) => {
                        f.await;
                        return;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
    }

    match b.mode {
        BotMode::Polling => {
            let polling = Polling::builder(bot.clone())
                .timeout(Duration::from_secs(b.poll_timeout_secs))
                .allowed_updates(intake::ALLOWED_UPDATES.to_vec())
                .delete_webhook()
                .await
                .build();
            let listener = Journaled {
                inner: polling,
                intake: intake.clone(),
            };
            tracing::info!("receiving updates by long polling");
            dispatcher
                .dispatch_with_listener(
                    listener,
                    LoggingErrorHandler::with_custom_text("getUpdates failed"),
                )
                .await;
        }
        BotMode::Webhook => {
            let url = b.webhook_url.clone().unwrap_or_default();
            let parsed = reqwest::Url::parse(&url)
                .map_err(|e| BotError::Config(format!("bot.webhook_url `{url}`: {e}")))?;
            let secret = opts
                .webhook_secret
                .clone()
                .unwrap_or_else(webhook::random_secret);
            bot.set_webhook(parsed.clone())
                .secret_token(secret.clone())
                .allowed_updates(intake::ALLOWED_UPDATES.to_vec())
                .await
                .map_err(|e| BotError::Webhook(logging::redact(&e.to_string(), &opts.token)))?;
            let (app, listener, flag) = webhook::router(intake.clone(), &secret, parsed.path());
            let addr = b.webhook_listen.clone();
            let tcp = tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|source| BotError::Bind {
                    what: "webhook listener",
                    addr: addr.clone(),
                    source,
                })?;
            tracing::info!("receiving updates by webhook on {addr}{}", parsed.path());
            tasks.spawn(async move {
                let _ = axum::serve(tcp, app).with_graceful_shutdown(flag).await;
            });
            dispatcher
                .dispatch_with_listener(
                    listener,
                    LoggingErrorHandler::with_custom_text("webhook listener failed"),
                )
                .await;
        }
    }
    tracing::info!("stopping");
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    let _ = shared.journal.flush();
    Ok(())
}

async fn sigterm() {
    #[cfg(unix)]
    {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}

/// getMe, retried on network trouble; an invalid token fails at once.
async fn get_me(bot: &Bot, stop: &mut watch::Receiver<bool>) -> Result<Option<Me>, BotError> {
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
async fn privacy_check(bot: &Bot, shared: &Arc<Shared>, me: &Me) {
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

async fn register_commands(bot: &Bot) {
    use teloxide::utils::command::BotCommands;
    if let Err(e) = bot.set_my_commands(Cmd::bot_commands()).await {
        tracing::warn!("setMyCommands failed: {e}");
    }
}

// ---- handlers: decide whether they apply, then do the I/O ----

/// The dispatcher's handler tree. The intake has already journaled every
/// update before it reaches these; they only answer.
pub fn schema() -> UpdateHandler<HandlerError> {
    let ok = |_: Update| async { HandlerResult::Ok(()) };
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_edited_message().endpoint(ok))
        .branch(Update::filter_my_chat_member().endpoint(on_my_chat_member))
        .branch(Update::filter_chat_member().endpoint(ok))
        .branch(Update::filter_callback_query().endpoint(on_callback))
}

fn is_group(chat: &teloxide::types::Chat) -> bool {
    chat.is_group() || chat.is_supergroup()
}

fn reply_part(text: String) -> Vec<Part> {
    vec![Part::new(text, vec![])]
}

/// Send through the outbox (paced, idempotent by key).
async fn send(
    shared: &Arc<Shared>,
    key: String,
    chat: i64,
    kind: Kind,
    parts: Vec<Part>,
) -> HandlerResult {
    let sh = shared.clone();
    tokio::task::spawn_blocking(move || sh.send(&key, chat, kind, parts)).await??;
    Ok(())
}

async fn leave_group(
    bot: &Bot,
    shared: &Arc<Shared>,
    chat: &teloxide::types::Chat,
) -> HandlerResult {
    let lang = shared.config().organisation.lang;
    tracing::info!(
        chat = chat.id.0,
        "leaving a group that is not on the allow-list"
    );
    // Said directly, not queued: the bot is gone before the queue would send it.
    if let Err(e) = bot
        .send_message(chat.id, commands::not_allowed_group(lang))
        .await
    {
        tracing::warn!(chat = chat.id.0, "could not say why it leaves: {e}");
    }
    bot.leave_chat(chat.id).await?;
    Ok(())
}

fn deep_link(me: &Me, chat: i64) -> String {
    format!("https://t.me/{}?start=g{}", me.username(), chat)
}

async fn on_message(
    bot: Bot,
    shared: Arc<Shared>,
    intake: Arc<Intake>,
    me: Me,
    msg: Message,
) -> HandlerResult {
    let chat = msg.chat.id.0;
    let cmd = msg.text().and_then(|t| commands::parse(t, me.username()));
    let Some(from) = msg.from.clone() else {
        return Ok(());
    };
    let user = uid(&from);
    let key = format!("reply:{chat}:{}", msg.id.0);
    if let Some(to) = msg.migrate_to_chat_id() {
        tracing::warn!(
            chat,
            to = to.0,
            "the group became a supergroup with a new id: add {} to groups.allow (and /reload) or the bot will leave it",
            to.0
        );
    }
    if is_group(&msg.chat) {
        let allowed = shared.engine().settings.is_allowed(ChatId(chat));
        if !allowed {
            return leave_group(&bot, &shared, &msg.chat).await;
        }
        let owner_unknown = shared
            .engine()
            .groups
            .get(&ChatId(chat))
            .is_none_or(|g| g.owner.is_none());
        if owner_unknown && intake.first_lookup(chat) {
            intake
                .record_group(msg.chat.id, msg.chat.title().unwrap_or_default(), msg.date)
                .await;
        }
        let lang = shared.config().organisation.lang;
        let reply = match &cmd {
            Some(Cmd::Start(_) | Cmd::Help | Cmd::Digest | Cmd::Settings(_) | Cmd::Stop) => {
                Some(commands::joined_group(lang, &deep_link(&me, chat)))
            }
            Some(c) if c.is_admin_only() => Some(admin_reply(&shared, user, c, lang)),
            _ => None,
        };
        if let Some(text) = reply {
            send(&shared, key, chat, Kind::Reply, reply_part(text)).await?;
        }
        return Ok(());
    }
    if !msg.chat.is_private() {
        return Ok(());
    }
    let lang = shared.lang_of(user);
    let reg = shared.people.get(user);
    let text = match cmd {
        None => commands::help(lang),
        Some(Cmd::Help) => commands::help(lang),
        Some(Cmd::Start(_)) => {
            let time = shared.digest_time_of(user);
            let local = shared.local_now();
            commands::started(lang, &from.full_name(), time, local.time() < time)
        }
        Some(c) if c.is_admin_only() => admin_reply(&shared, user, &c, lang),
        Some(_) if reg.is_none() => commands::not_started(lang),
        Some(Cmd::Stop) => commands::stopped(lang),
        Some(Cmd::Settings(args)) => {
            let arg = commands::parse_settings(&args);
            let lang_now = shared.lang_of(user);
            let shown = if matches!(arg, SettingsArg::Bad) {
                lang
            } else {
                lang_now
            };
            commands::settings(shown, &arg, shared.digest_time_of(user), lang_now)
        }
        Some(Cmd::Digest) => {
            let at = shared.local_now();
            let sh = shared.clone();
            let parts =
                tokio::task::spawn_blocking(move || sh.digest_parts(UserId(user.0), at)).await?;
            return send(
                &shared,
                format!("now:{chat}:{}", msg.id.0),
                chat,
                Kind::Digest,
                parts,
            )
            .await;
        }
        Some(c) => admin_reply(&shared, user, &c, lang),
    };
    send(&shared, key, chat, Kind::Reply, reply_part(text)).await
}

/// An admin command's answer, or a polite refusal.
fn admin_reply(shared: &Arc<Shared>, user: UserId, cmd: &Cmd, lang: crate::model::Lang) -> String {
    if !shared.is_admin(user) {
        return commands::refusal(lang, cmd);
    }
    match cmd {
        Cmd::Status => commands::status(&status(shared)),
        Cmd::Rules => {
            let view = {
                let e = shared.engine();
                let r = &e.settings.rules;
                commands::RulesView {
                    duplicate: r.duplicate,
                    maybe: r.maybe,
                    undated_days: r.undated_days,
                    never_merge: r.never_merge.len(),
                    always_merge: r.always_merge.len(),
                }
            };
            commands::rules(&shared.config(), &view)
        }
        Cmd::Reload => match reload::run(shared, reload::Trigger::Command) {
            reload::Outcome::Failed { error, .. } => {
                commands::reload_failed(lang, &error.to_string())
            }
            reload::Outcome::Reloaded { .. } | reload::Outcome::Unchanged => {
                commands::reloaded(lang)
            }
        },
        Cmd::Notdup(args) => match commands::parse_notdup(args) {
            // The intake journaled the verdict already.
            Some((a, b)) => commands::notdup_done(lang, a, b),
            None => commands::notdup_usage(lang),
        },
        _ => commands::help(lang),
    }
}

/// What /status shows, from the current state.
pub fn status(shared: &Shared) -> commands::Status {
    let people = shared.people.all();
    let engine = shared.engine();
    let groups = engine
        .groups
        .values()
        .map(|g| {
            (
                g.title.clone(),
                engine.members.get(&g.id).map_or(0, |m| m.len()),
                g.owner.is_some(),
            )
        })
        .collect();
    let regs: std::collections::HashMap<UserId, &people::Registration> =
        people.iter().map(|(u, r)| (*u, r)).collect();
    let unreachable = engine
        .all_members()
        .into_iter()
        .filter_map(|u| {
            let why = match regs.get(&u) {
                None => "has not started the bot".to_string(),
                Some(r) if r.unreachable.is_some() => r.unreachable.clone().unwrap_or_default(),
                Some(r) if r.paused => "paused".to_string(),
                Some(_) => return None,
            };
            let name = engine.people.get(&u).map(|p| p.name.as_str());
            Some((commands::who(name, u), why))
        })
        .collect();
    drop(engine);
    commands::Status {
        groups,
        people_started: people.len(),
        people_paused: people.iter().filter(|(_, r)| r.paused).count(),
        unreachable,
        outbox_depth: shared.outbox.depth(),
        last_digest_run: shared.last_digest_run(),
        journal_events: shared.journal_len(),
    }
}

async fn on_my_chat_member(
    bot: Bot,
    shared: Arc<Shared>,
    me: Me,
    upd: ChatMemberUpdated,
) -> HandlerResult {
    if !is_group(&upd.chat) {
        return Ok(());
    }
    let chat = upd.chat.id.0;
    if intake::added(&upd) {
        if !shared.engine().settings.is_allowed(ChatId(chat)) {
            return leave_group(&bot, &shared, &upd.chat).await;
        }
        if !me.can_read_all_group_messages && !upd.new_chat_member.is_privileged() {
            tracing::warn!(
                chat,
                "added to a group as a plain member while privacy mode is on: it will see only commands there. Make the bot an admin of this group, or disable privacy in @BotFather (/setprivacy)"
            );
        }
        let lang = shared.config().organisation.lang;
        let text = commands::joined_group(lang, &deep_link(&me, chat));
        send(
            &shared,
            format!("joined:{chat}:{}", upd.date.timestamp()),
            chat,
            Kind::Reply,
            reply_part(text),
        )
        .await?;
    } else if intake::removed(&upd) {
        tracing::info!(chat, "removed from a group");
    }
    Ok(())
}

async fn on_callback(bot: Bot, shared: Arc<Shared>, q: CallbackQuery) -> HandlerResult {
    let lang = shared.lang_of(uid(&q.from));
    let text = match (q.data.as_deref().and_then(Callback::decode), lang) {
        (Some(Callback::Done(_)), crate::model::Lang::Zh) => "已标记完成，之后的汇总中不再显示。",
        (Some(Callback::Done(_)), crate::model::Lang::En) => {
            "Marked done: it will not appear in your later digests."
        }
        (Some(Callback::Feedback { same: false, .. }), crate::model::Lang::Zh) => {
            "已记录：这是两项不同的任务。"
        }
        (Some(Callback::Feedback { same: false, .. }), crate::model::Lang::En) => {
            "Thanks: recorded as different tasks."
        }
        (Some(Callback::Feedback { same: true, .. }), crate::model::Lang::Zh) => {
            "已记录：这是同一项任务。"
        }
        (Some(Callback::Feedback { same: true, .. }), crate::model::Lang::En) => {
            "Thanks: recorded as the same task."
        }
        (None, crate::model::Lang::Zh) => "这个按钮已失效。",
        (None, crate::model::Lang::En) => "This button is no longer valid.",
    };
    bot.answer_callback_query(q.id).text(text).await?;
    Ok(())
}

// ---- the digest schedule ----

/// Check the schedule every `tick`: queue each due digest once. The first
/// check waits `catch_up` after start-up so that the backlog of updates
/// arrives first.
async fn schedule(
    shared: Arc<Shared>,
    tick: Duration,
    catch_up: Duration,
    mut stop: watch::Receiver<bool>,
) {
    tokio::select! {
        _ = tokio::time::sleep(catch_up) => {}
        _ = stop.wait_for(|v| *v) => return,
    }
    loop {
        let sh = shared.clone();
        match tokio::task::spawn_blocking(move || digest_round(&sh)).await {
            Ok(Ok(n)) if n > 0 => tracing::info!("queued {n} digests"),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!("digest round failed: {e}"),
            Err(e) => tracing::error!("digest round failed: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.wait_for(|v| *v) => return,
        }
    }
}

/// Queue every digest due now that the outbox does not hold yet.
pub fn digest_round(shared: &Shared) -> Result<usize, StoreError> {
    let now = shared.now();
    let default_time = shared.config().digest.time;
    let tz = shared.engine().settings.tz;
    let subs: Vec<Subscriber> = shared
        .people
        .all()
        .into_iter()
        .filter(|(_, r)| r.is_active())
        .map(|(user, r)| Subscriber {
            user,
            started: r.started,
            digest_time: r.digest_time.unwrap_or(default_time),
        })
        .collect();
    let mut queued = 0;
    let mut batch = Vec::new();
    for d in scheduler::due(now, tz, &subs) {
        let key = d.key();
        if shared.outbox.contains(&key)? {
            continue;
        }
        let parts = shared.digest_parts(d.user, d.at);
        batch.push((key, d.user.0, Kind::Digest, parts));
        if batch.len() >= 200 {
            queued += shared.send_batch(std::mem::take(&mut batch))?;
        }
    }
    queued += shared.send_batch(batch)?;
    for _ in 0..queued {
        metrics::inc(&shared.metrics.digests_queued);
    }
    if queued > 0 {
        shared.note_digest_run(now)?;
        shared.journal.flush()?;
    }
    Ok(queued)
}

// ---- health and metrics ----

fn health_router(shared: Arc<Shared>) -> axum::Router {
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/healthz",
            get(
                |axum::extract::State(s): axum::extract::State<Arc<Shared>>| async move {
                    let g = s.gauges();
                    axum::Json(serde_json::json!({"status": "ok", "gauges": g}))
                },
            ),
        )
        .route(
            "/metrics",
            get(
                |axum::extract::State(s): axum::extract::State<Arc<Shared>>| async move {
                    let g = s.gauges();
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4",
                        )],
                        s.metrics.render(&g),
                    )
                },
            ),
        )
        .with_state(shared)
}
