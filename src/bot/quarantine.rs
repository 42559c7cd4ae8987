//! A poison event cannot keep the bot down: an event whose application
//! panics is quarantined (kept in the `quarantine` tree with the panic's
//! message, logged, skipped) and the bot goes on. The journal keeps the
//! event; a restart skips what the quarantine holds instead of replaying
//! it into the same panic.
//!
//! A panic may leave part of its event applied, so the engine is then
//! rebuilt from the journal without the quarantined events ([`Quarantine::replay`]).

use crate::core::engine::{Effect, Engine, Settings};
use crate::event::Event;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

const TREE: &str = "quarantine";

/// Test hook, in debug builds only (release builds compile it out and
/// ignore the variable): a message whose text holds the value of this
/// variable panics when applied, so that the tests can feed the bot a
/// poison event.
pub const TEST_POISON_ENV: &str = "ONEDIGEST_TEST_POISON";

pub struct Quarantine {
    tree: sled::Tree,
    /// Events quarantined by this process.
    caught: AtomicU64,
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
            caught: AtomicU64::new(0),
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
                self.caught.fetch_add(1, Ordering::Relaxed);
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

    /// How many events this process has quarantined: a change means the
    /// engine must be [replayed](Quarantine::replay).
    pub fn caught(&self) -> u64 {
        self.caught.load(Ordering::Relaxed)
    }

    /// An engine rebuilt from `events`, skipping the quarantined ones (and
    /// quarantining any that panics now); their effects are not wanted.
    pub fn replay(&self, settings: Settings, events: &[Event]) -> Engine {
        loop {
            let before = self.caught();
            let mut engine = Engine::new(settings.clone());
            for ev in events {
                self.apply(&mut engine, ev);
            }
            // A panic in this pass left its own half-applied changes.
            if self.caught() == before {
                return engine;
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

#[cfg(all(test, debug_assertions))]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::{ChatId, UserId};

    fn msg(id: i64, text: &str) -> Event {
        Event::Message {
            chat_id: ChatId(-1001),
            message_id: id,
            sender_id: UserId(1),
            date: chrono::DateTime::parse_from_rfc3339("2024-03-04T09:00:00+08:00").expect("date"),
            text: text.into(),
            reply_to_message_id: None,
            mentions: vec![],
        }
    }

    #[test]
    fn a_panicking_event_is_kept_skipped_and_left_out_of_a_replay() {
        let db = sled::Config::new().temporary(true).open().expect("db");
        let mut q = Quarantine::open(&db).expect("tree");
        q.poison = Some("☠".into());
        let settings = Settings::from_config(&Config::default()).expect("settings");
        let mut engine = Engine::new(settings.clone());
        let events = [
            msg(1, "请各位明天下午5点前交表。"),
            msg(2, "请今天交 ☠"),
            msg(3, "请各位周五前报送值班表。"),
        ];
        for ev in &events {
            q.apply(&mut engine, ev);
        }
        assert_eq!(q.caught(), 1);
        let kept = q.all();
        assert!(matches!(&kept[..], [k] if k.event == events[1] && k.panic.contains("poison")));
        // Met again (a restart's replay): skipped, no second panic.
        assert!(q.apply(&mut engine, &events[1]).is_empty());
        assert_eq!(q.caught(), 1);
        let replayed = q.replay(settings, &events);
        assert_eq!(replayed.tasks.len(), engine.tasks.len());
        assert_eq!(replayed.tasks.len(), 2);
    }
}
