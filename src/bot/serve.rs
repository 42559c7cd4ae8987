//! Serving: open the state, connect, then run the sender, the digest
//! schedule, the reload triggers, the health endpoint and the dispatcher
//! (by long polling or by webhook) until stopped.

use super::connect::{get_me, privacy_check, register_commands};
use super::error::BotError;
use super::handlers::schema;
use super::health::health_router;
use super::intake::{self, Intake, Journaled};
use super::logging;
use super::metrics;
use super::outbox::Kind;
use super::reload;
use super::scheduler::{self, Clock, Subscriber};
use super::sender;
use super::state::{Shared, StoreError};
use super::webhook;
use crate::config::{BotMode, Config};
use crate::model::UserId;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::update_listeners::Polling;
use tokio::sync::watch;

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
            .map_err(|e| BotError::Internal(format!("start-up failed: {e}")))??
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

    // Hand-ins whose last delivery settled just before a crash.
    let sh = shared.clone();
    match tokio::task::spawn_blocking(move || super::handin::resume(&sh)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!("cannot finish earlier hand-ins: {e}"),
        Err(e) => tracing::error!("cannot finish earlier hand-ins: {e}"),
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(sender::run(
        shared.clone(),
        bot.clone(),
        rx,
        sender::Limits::from_config(&b),
        stop_rx.clone(),
    ));
    let intake = Arc::new(Intake::new(shared.clone(), bot.clone()));
    tasks.spawn(schedule(
        intake.clone(),
        Duration::from_millis(b.scheduler_tick_ms),
        Duration::from_secs(b.catch_up_delay_secs),
        stop_rx.clone(),
    ));
    tasks.spawn(super::snapshot::maintain(shared.clone(), stop_rx.clone()));
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

    // The digest's title patterns are built now, not inside the first digest.
    crate::core::title::prepare();
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
                // One connection at a time keeps Telegram's deliveries in order.
                .max_connections(1)
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

// ---- the digest schedule ----

/// Digests whose members are confirmed and queued together.
const DUE_SLICE: usize = 500;

/// Check the schedule every `tick`: queue each due digest once, and prune
/// the outbox once an hour (by the bot's clock). The first
/// check waits `catch_up` after start-up so that the backlog of updates
/// arrives first.
async fn schedule(
    intake: Arc<Intake>,
    tick: Duration,
    catch_up: Duration,
    mut stop: watch::Receiver<bool>,
) {
    tokio::select! {
        _ = tokio::time::sleep(catch_up) => {}
        _ = stop.wait_for(|v| *v) => return,
    }
    let shared = intake.shared.clone();
    let mut last_prune = None;
    loop {
        intake.reread_admins().await;
        let sh = shared.clone();
        let due = match tokio::task::spawn_blocking(move || due_now(&sh)).await {
            Ok(Ok(due)) => due,
            Ok(Err(e)) => {
                tracing::error!("digest round failed: {e}");
                vec![]
            }
            Err(e) => {
                tracing::error!("digest round failed: {e}");
                vec![]
            }
        };
        // Memberships are confirmed before the digests that rely on them,
        // a slice at a time, so the first digests need not wait for all.
        let mut queued = 0;
        for slice in due.chunks(DUE_SLICE) {
            let users: Vec<UserId> = slice.iter().map(|d| d.user).collect();
            intake.confirm_members(&users).await;
            let (sh, slice) = (shared.clone(), slice.to_vec());
            match tokio::task::spawn_blocking(move || queue_digests(&sh, &slice)).await {
                Ok(Ok(n)) => queued += n,
                Ok(Err(e)) => tracing::error!("digest round failed: {e}"),
                Err(e) => tracing::error!("digest round failed: {e}"),
            }
        }
        if queued > 0 {
            tracing::info!("queued {queued} digests");
        }
        let now = shared.now();
        if last_prune.is_none_or(|t| now - t >= chrono::TimeDelta::hours(1)) {
            last_prune = Some(now);
            let sh = shared.clone();
            match tokio::task::spawn_blocking(move || prune_outbox(&sh, now)).await {
                Ok(Ok(n)) if n > 0 => tracing::info!("pruned {n} delivered outbox records"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!("outbox pruning failed: {e}"),
                Err(e) => tracing::error!("outbox pruning failed: {e}"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.wait_for(|v| *v) => return,
        }
    }
}

/// Drop the outbox records settled before the retention period (from `now`).
pub fn prune_outbox(
    shared: &Shared,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, super::outbox::OutboxError> {
    let days = shared.config().bot.outbox_retention_days;
    shared
        .outbox
        .prune(now - chrono::TimeDelta::days(i64::from(days)))
}

/// The digests due now that the outbox does not hold yet.
fn due_digests(shared: &Shared) -> Vec<scheduler::Due> {
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
    scheduler::due(now, tz, &subs)
}

/// The digests due now that were not queued yet.
pub fn due_now(shared: &Shared) -> Result<Vec<scheduler::Due>, StoreError> {
    let mut out = Vec::new();
    for d in due_digests(shared) {
        if !shared.outbox.contains(&d.key())? {
            out.push(d);
        }
    }
    Ok(out)
}

/// Queue every digest due now that the outbox does not hold yet.
pub fn digest_round(shared: &Shared) -> Result<usize, StoreError> {
    queue_digests(shared, &due_now(shared)?)
}

/// Queue these digests (each once: the outbox key decides).
pub fn queue_digests(shared: &Shared, due: &[scheduler::Due]) -> Result<usize, StoreError> {
    let now = shared.now();
    let mut queued = 0;
    let mut batch = Vec::new();
    for d in due {
        let key = d.key();
        if shared.outbox.contains(&key)? {
            continue;
        }
        let parts = shared.digest_parts(d.user, d.at, crate::render::Scope::Daily);
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
