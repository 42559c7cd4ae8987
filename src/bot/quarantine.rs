//! A poison event cannot keep the bot down: an event whose application
//! panics is quarantined (kept in the `quarantine` tree with the panic's
//! message, logged, skipped) and the bot goes on. The journal keeps the
//! event; a restart skips what the quarantine holds instead of replaying
//! it into the same panic.
//!
//! The engine may hold part of a quarantined event's changes until the
//! next restart, which rebuilds it without the event.

use crate::core::engine::{Effect, Engine};
use crate::event::Event;
use std::panic::{AssertUnwindSafe, catch_unwind};

const TREE: &str = "quarantine";

/// Test hook, in debug builds only (release builds compile it out and
/// ignore the variable): a message whose text holds the value of this
/// variable panics when applied, so that the tests can feed the bot a
/// poison event.
pub const TEST_POISON_ENV: &str = "ONEDIGEST_TEST_POISON";

pub struct Quarantine {
    tree: sled::Tree,
    #[cfg(debug_assertions)]
    poison: Option<String>,
}

/// One quarantined event, as kept.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    pub event: Event,
    pub panic: String,
}

fn message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

impl Quarantine {
    pub fn open(db: &sled::Db) -> sled::Result<Quarantine> {
        Ok(Quarantine {
            tree: db.open_tree(TREE)?,
            #[cfg(debug_assertions)]
            poison: std::env::var(TEST_POISON_ENV)
                .ok()
                .filter(|s| !s.is_empty()),
        })
    }

    /// Apply `ev` unless it is quarantined; quarantine it if it panics.
    /// Its effects, or none.
    pub fn apply(&self, engine: &mut Engine, ev: &Event) -> Vec<Effect> {
        let id = ev.identity();
        if self.tree.contains_key(&id).unwrap_or(false) {
            return vec![];
        }
        match catch_unwind(AssertUnwindSafe(|| {
            self.test_poison(ev);
            engine.apply(ev)
        })) {
            Ok(effects) => effects,
            Err(p) => {
                let panic = message(p.as_ref());
                tracing::error!(
                    event = ?ev,
                    "applying an event panicked ({panic}): quarantined and skipped; the bot goes on"
                );
                let kept = Kept {
                    event: ev.clone(),
                    panic,
                };
                match serde_json::to_vec(&kept) {
                    Ok(body) => {
                        if let Err(e) = self.tree.insert(id, body) {
                            tracing::error!("cannot keep the quarantined event: {e}");
                        }
                    }
                    Err(e) => tracing::error!("cannot keep the quarantined event: {e}"),
                }
                vec![]
            }
        }
    }

    /// Every quarantined event.
    pub fn all(&self) -> Vec<Kept> {
        self.tree
            .iter()
            .values()
            .filter_map(|v| v.ok())
            .filter_map(|v| serde_json::from_slice(&v).ok())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    #[cfg(debug_assertions)]
    fn test_poison(&self, ev: &Event) {
        if let (Some(p), Event::Message { text, .. }) = (&self.poison, ev)
            && text.contains(p.as_str())
        {
            panic!("test poison event");
        }
    }

    #[cfg(not(debug_assertions))]
    fn test_poison(&self, _: &Event) {}
}
