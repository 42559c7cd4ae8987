//! Whether the bot is making progress, for `/healthz` and `/metrics`.
//!
//! Intake and sender note what they do (a journal flush, a delivered
//! message, updates waiting to be journaled); [`Liveness::problems`] turns
//! that, the outbox depth and the configured limits into what is wrong.
//! Times are real (monotonic), not the injectable clock: health is about
//! this process moving, whatever day it thinks it is.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

/// How long intake or sender may stand still before health says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Updates waiting to be journaled, nothing flushed for this long.
    pub intake: Duration,
    /// Outbox not empty, nothing sent for this long.
    pub sender: Duration,
}

#[derive(Debug)]
struct Marks {
    last_flush: Instant,
    /// The last part settled (delivered or given up on), or when the sender
    /// last had nothing to do.
    last_progress: Instant,
}

/// One update waiting to be journaled.
pub struct Waiting<'a>(&'a AtomicI64);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[derive(Debug)]
pub struct Liveness {
    marks: Mutex<Marks>,
    /// Updates received and not yet journaled.
    waiting: AtomicI64,
}

impl Default for Liveness {
    fn default() -> Self {
        Liveness::new(Instant::now())
    }
}

impl Liveness {
    pub fn new(now: Instant) -> Liveness {
        Liveness {
            marks: Mutex::new(Marks {
                last_flush: now,
                last_progress: now,
            }),
            waiting: AtomicI64::new(0),
        }
    }

    fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        self.marks.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Intake made the journal durable.
    pub fn flushed(&self, now: Instant) {
        self.marks().last_flush = now;
    }

    /// The sender settled a part (delivered it or gave up on it), or had
    /// nothing to do until now.
    pub fn progressed(&self, now: Instant) {
        self.marks().last_progress = now;
    }

    /// An update arrived; it waits until the guard is dropped (journaled,
    /// or abandoned with its request).
    pub fn waiting(&self) -> Waiting<'_> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        Waiting(&self.waiting)
    }

    /// Time since intake last flushed the journal.
    pub fn flush_age(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.marks().last_flush)
    }

    /// Time since the sender last delivered or was idle.
    pub fn send_age(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.marks().last_progress)
    }

    /// What is wrong at `now` with `depth` parts in the outbox; empty when
    /// healthy.
    pub fn problems(&self, now: Instant, depth: usize, limits: Limits) -> Vec<String> {
        let mut out = Vec::new();
        let flush = self.flush_age(now);
        if self.waiting.load(Ordering::Relaxed) > 0 && flush > limits.intake {
            out.push(format!(
                "intake stuck: updates waiting, nothing journaled for {} s",
                flush.as_secs()
            ));
        }
        let send = self.send_age(now);
        if depth > 0 && send > limits.sender {
            out.push(format!(
                "sender stuck: {depth} parts queued, nothing sent for {} s",
                send.as_secs()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        intake: Duration::from_secs(60),
        sender: Duration::from_secs(120),
    };

    #[test]
    fn intake_is_stuck_only_with_updates_waiting_past_the_limit() {
        let t0 = Instant::now();
        let l = Liveness::new(t0);
        let late = t0 + Duration::from_secs(61);
        // Quiet groups: nothing to journal is not a fault.
        assert!(l.problems(late, 0, LIMITS).is_empty());
        let w = l.waiting();
        assert!(
            l.problems(t0 + Duration::from_secs(59), 0, LIMITS)
                .is_empty()
        );
        let p = l.problems(late, 0, LIMITS);
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("intake stuck"), "{p:?}");
        l.flushed(late);
        assert!(
            l.problems(late + Duration::from_secs(1), 0, LIMITS)
                .is_empty()
        );
        drop(w);
        assert!(
            l.problems(late + Duration::from_secs(600), 0, LIMITS)
                .is_empty()
        );
    }

    #[test]
    fn the_sender_is_stuck_only_with_a_queue_and_no_progress_past_the_limit() {
        let t0 = Instant::now();
        let l = Liveness::new(t0);
        let late = t0 + Duration::from_secs(121);
        assert!(l.problems(late, 0, LIMITS).is_empty(), "empty outbox");
        let p = l.problems(late, 5, LIMITS);
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("sender stuck: 5 parts"), "{p:?}");
        l.progressed(late);
        assert!(
            l.problems(late + Duration::from_secs(120), 5, LIMITS)
                .is_empty()
        );
        assert_eq!(
            l.send_age(late + Duration::from_secs(7)),
            Duration::from_secs(7)
        );
    }
}
