//! Per-person rate limits on what people ask of the bot (commands, button
//! presses): one token bucket each, refilled at `rate_per_minute` up to
//! `rate_burst`. Group work traffic is never limited. The time is an
//! argument, so the bucket is tested without waiting.

use crate::model::UserId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// People not heard from for this long are forgotten (a full bucket).
const IDLE: Duration = Duration::from_secs(3600);
/// Past this many people, idle buckets are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug, Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<UserId, Bucket>>,
}

impl Limiter {
    /// Take one token from `user`'s bucket; false when it is empty.
    pub fn allow(&self, user: UserId, now: Instant, per_minute: u32, burst: u32) -> bool {
        let burst = f64::from(burst.max(1));
        let rate = f64::from(per_minute) / 60.0;
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > SWEEP_AT {
            b.retain(|_, k| now.saturating_duration_since(k.at) < IDLE);
        }
        let k = b.entry(user).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(k.at).as_secs_f64();
        k.tokens = (k.tokens + elapsed * rate).min(burst);
        k.at = now;
        if k.tokens >= 1.0 {
            k.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_refill_rate_per_person() {
        let l = Limiter::default();
        let t0 = Instant::now();
        let (a, b) = (UserId(1), UserId(2));
        for _ in 0..3 {
            assert!(l.allow(a, t0, 6, 3));
        }
        assert!(!l.allow(a, t0, 6, 3));
        // Someone else has their own bucket.
        assert!(l.allow(b, t0, 6, 3));
        // Six a minute: one token every ten seconds.
        assert!(!l.allow(a, t0 + Duration::from_secs(9), 6, 3));
        assert!(l.allow(a, t0 + Duration::from_secs(11), 6, 3));
        assert!(!l.allow(a, t0 + Duration::from_secs(11), 6, 3));
    }
}
