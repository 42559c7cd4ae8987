//! Webhook updates taken in `update_id` order.
//!
//! Telegram is asked for one webhook connection at a time, which keeps its
//! deliveries in order; this is the guard for when they still arrive out of
//! order (concurrent requests, a proxy's retries). [`Reorder`] is the pure
//! rule: an update goes when nothing else is being taken and it is the
//! lowest one waiting, and either it follows the last one taken or the
//! oldest waiting has waited [`Reorder::wait`] (Telegram's ids may skip, and
//! after a start the last id is unknown). [`Gate`] runs it for the async
//! handlers.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How long an update waits for lower ids that may still come.
pub const WAIT: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct Reorder {
    wait: Duration,
    /// The highest id taken so far.
    last: Option<i64>,
    /// Ids waiting, with when each arrived.
    waiting: BTreeMap<i64, Instant>,
    /// An update is being taken.
    busy: bool,
}

impl Reorder {
    pub fn new(wait: Duration) -> Reorder {
        Reorder {
            wait,
            last: None,
            waiting: BTreeMap::new(),
            busy: false,
        }
    }

    pub fn arrive(&mut self, id: i64, now: Instant) {
        self.waiting.entry(id).or_insert(now);
    }

    /// May `id` be taken now? If so it is taken (call [`Reorder::done`]
    /// after). If not, the time worth checking again, if any.
    pub fn try_take(&mut self, id: i64, now: Instant) -> Result<(), Option<Instant>> {
        let Some((&lowest, _)) = self.waiting.first_key_value() else {
            return Err(None);
        };
        let oldest = self.waiting.values().min().copied().unwrap_or(now);
        let next = self.last.is_some_and(|l| lowest <= l + 1);
        if self.busy || lowest != id || !(next || now >= oldest + self.wait) {
            return Err((!self.busy && !next).then_some(oldest + self.wait));
        }
        self.waiting.remove(&id);
        self.busy = true;
        Ok(())
    }

    /// `id` was taken.
    pub fn done(&mut self, id: i64) {
        self.busy = false;
        self.last = Some(self.last.map_or(id, |l| l.max(id)));
    }
}

/// [`Reorder`] shared by the webhook's handlers.
pub struct Gate {
    state: Mutex<Reorder>,
    changed: Notify,
}

impl Gate {
    pub fn new(wait: Duration) -> Gate {
        Gate {
            state: Mutex::new(Reorder::new(wait)),
            changed: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Reorder> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Run `take` for update `id` once every lower id that is coming has
    /// been taken.
    pub async fn in_order<F: Future<Output = ()>>(&self, id: i64, take: F) {
        self.state().arrive(id, Instant::now());
        loop {
            let changed = self.changed.notified();
            let until = match self.state().try_take(id, Instant::now()) {
                Ok(()) => break,
                Err(until) => until,
            };
            // Woken by a change, or at the deadline (with a cap, in case a
            // wake-up was missed).
            let cap = Instant::now() + Duration::from_millis(100);
            let at = until.map_or(cap, |u| u.min(cap));
            let _ = tokio::time::timeout_at(at.into(), changed).await;
        }
        // Released even if the request is dropped mid-way.
        struct Done<'a>(&'a Gate, i64);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.state().done(self.1);
                self.0.changed.notify_waiters();
            }
        }
        let _done = Done(self, id);
        take.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_arrivals_are_taken_in_order() {
        let t0 = Instant::now();
        let mut r = Reorder::new(WAIT);
        // 3 and 2 arrive before 1; the last id is not known yet.
        r.arrive(3, t0);
        r.arrive(2, t0);
        assert_eq!(r.try_take(3, t0), Err(Some(t0 + WAIT)));
        r.arrive(1, t0 + Duration::from_millis(10));
        assert!(r.try_take(1, t0 + Duration::from_millis(10)).is_err());
        // The oldest has waited long enough: the lowest goes first.
        let t1 = t0 + WAIT;
        assert!(r.try_take(3, t1).is_err());
        assert!(r.try_take(2, t1).is_err());
        assert_eq!(r.try_take(1, t1), Ok(()));
        assert!(r.try_take(2, t1).is_err(), "one at a time");
        r.done(1);
        assert_eq!(r.try_take(2, t1), Ok(()));
        r.done(2);
        assert_eq!(r.try_take(3, t1), Ok(()));
        r.done(3);
        // The next id goes at once; a later one waits for it.
        let t2 = t1 + Duration::from_secs(5);
        r.arrive(5, t2);
        assert_eq!(r.try_take(5, t2), Err(Some(t2 + WAIT)));
        r.arrive(4, t2);
        assert_eq!(r.try_take(4, t2), Ok(()));
        r.done(4);
        assert_eq!(r.try_take(5, t2), Ok(()));
        r.done(5);
        // A gap that never fills holds the next one only for the wait.
        r.arrive(7, t2);
        assert!(r.try_take(7, t2 + Duration::from_millis(999)).is_err());
        assert_eq!(r.try_take(7, t2 + WAIT), Ok(()));
        r.done(7);
        // A redelivered old id goes at once.
        r.arrive(6, t2 + WAIT);
        assert_eq!(r.try_take(6, t2 + WAIT), Ok(()));
    }
}
