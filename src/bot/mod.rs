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
//!
//! Modules: [`run`] (`onedigest run`: options, environment, exit codes),
//! [`serve`] (start-up, polling or webhook, the schedule loop),
//! [`handlers`] (the dispatcher's tree), [`health`] (health and metrics
//! endpoints), [`reload`] (config reloads), [`intake`] (updates → facts),
//! [`state`] (journal, engine, registry, outbox), [`signing`] (buttons
//! signed for their recipient), [`press`] (what a press may change),
//! [`limits`] (per-person rate limits), [`handin`] (one reply handed in
//! to every group of a merged item).

pub mod commands;
pub mod compose;
pub mod connect;
pub mod error;
pub mod fact;
pub mod handin;
pub mod handlers;
pub mod health;
pub mod intake;
pub mod limits;
pub mod liveness;
pub mod logging;
pub mod membership;
pub mod metrics;
pub mod order;
pub mod outbox;
pub mod people;
pub mod press;
pub mod quarantine;
pub mod reload;
pub mod retention;
pub mod run;
pub mod scheduler;
pub mod sender;
pub mod serve;
pub mod signing;
pub mod snapshot;
pub mod state;
pub mod webhook;

pub use error::{BotError, TOKEN_ENV};
pub use handlers::{schema, status};
pub use run::{API_URL_ENV, ModeArg, RunArgs, WEBHOOK_SECRET_ENV, run_cli};
pub use serve::{Options, digest_round, serve};
