//! Webhook mode: an axum endpoint that checks Telegram's secret token,
//! records the update (journaled and flushed) and only then answers 200, so
//! Telegram redelivers whatever we could not make durable. Updates are taken
//! in `update_id` order ([`super::order`]). They then reach the dispatcher
//! through [`Listener`].

use super::intake::Intake;
use super::order::{self, Gate};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use futures::stream::{BoxStream, StreamExt};
use std::convert::Infallible;
use std::sync::Arc;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::Update;
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use tokio::sync::mpsc;

/// The header Telegram sends the secret token in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    intake: Arc<Intake>,
    secret: Arc<str>,
    tx: mpsc::UnboundedSender<Update>,
    gate: Arc<Gate>,
}

/// Does the request carry our secret? (Constant-time compare.)
pub fn secret_ok(headers: &HeaderMap, secret: &str) -> bool {
    let Some(got) = headers.get(SECRET_HEADER).map(|v| v.as_bytes()) else {
        return false;
    };
    let want = secret.as_bytes();
    got.len() == want.len() && got.iter().zip(want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

async fn receive(State(h): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if !secret_ok(&headers, &h.secret) {
        tracing::warn!("webhook request without the right secret token: refused");
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            // Telegram would redeliver it forever: take it and say why.
            tracing::error!("webhook update is not valid JSON: {e}");
            return StatusCode::OK;
        }
    };
    let id = i64::from(update.id.0);
    h.gate
        .in_order(id, async {
            h.intake.take(&update).await;
            let _ = h.tx.send(update.clone());
        })
        .await;
    StatusCode::OK
}

/// The router serving `path`, and the listener the dispatcher reads.
pub fn router(intake: Arc<Intake>, secret: &str, path: &str) -> (Router, Listener, StopFlag) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (token, flag) = mk_stop_token();
    let hook = Hook {
        intake,
        secret: Arc::from(secret),
        tx,
        gate: Arc::new(Gate::new(order::WAIT)),
    };
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let router = Router::new().route(&path, post(receive)).with_state(hook);
    (router, Listener { rx, token }, flag)
}

/// Updates accepted by the webhook, for the dispatcher.
pub struct Listener {
    rx: mpsc::UnboundedReceiver<Update>,
    token: StopToken,
}

impl<'a> AsUpdateStream<'a> for Listener {
    type StreamErr = Infallible;
    type Stream = BoxStream<'a, Result<Update, Infallible>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        futures::stream::poll_fn(move |cx| self.rx.poll_recv(cx).map(|o| o.map(Ok))).boxed()
    }
}

impl UpdateListener for Listener {
    type Err = Infallible;

    fn stop_token(&mut self) -> StopToken {
        self.token.clone()
    }
}

/// A secret token for the webhook when none is configured: 32 hex digits
/// from the process's random hasher keys.
pub fn random_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut s = String::new();
    for i in 0..2u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        s.push_str(&format!("{:016x}", h.finish()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_secret_passes() {
        let mut h = HeaderMap::new();
        assert!(!secret_ok(&h, "abc"));
        h.insert(SECRET_HEADER, "abd".parse().expect("header"));
        assert!(!secret_ok(&h, "abc"));
        h.insert(SECRET_HEADER, "abc".parse().expect("header"));
        assert!(secret_ok(&h, "abc"));
        let s = random_secret();
        assert_eq!(s.len(), 32);
        assert_ne!(s, random_secret());
    }
}
