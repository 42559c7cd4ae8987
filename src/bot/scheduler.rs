//! The clock and the digest schedule.
//!
//! The clock is injectable: the system clock in production, a file in the
//! process-level tests (`ONEDIGEST_CLOCK_FILE`, a testing hook), a shared
//! value in the in-process tests. Deciding which digests are due is pure
//! ([`due`], the core's schedule that replay uses too); the loop around it
//! builds, renders and queues them.

use crate::core::schedule::{self, Until};
use crate::model::UserId;
use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The environment variable naming a file that holds the current time
/// (RFC 3339). A testing hook: when set, `onedigest run` reads "now" from
/// that file (re-read at every use) instead of the system clock.
pub const CLOCK_FILE_ENV: &str = "ONEDIGEST_CLOCK_FILE";

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock read from a file holding an RFC 3339 time (testing hook).
/// An unreadable file falls back to the system clock.
pub struct FileClock {
    pub path: PathBuf,
}

impl Clock for FileClock {
    fn now(&self) -> DateTime<Utc> {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now)
    }
}

/// A clock the caller sets (in-process tests).
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(t: DateTime<Utc>) -> ManualClock {
        ManualClock(Arc::new(Mutex::new(t)))
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The clock `onedigest run` uses: the file named by [`CLOCK_FILE_ENV`] if
/// set, else the system clock.
pub fn from_env() -> Arc<dyn Clock> {
    match std::env::var_os(CLOCK_FILE_ENV) {
        Some(p) if !p.is_empty() => Arc::new(FileClock { path: p.into() }),
        _ => Arc::new(SystemClock),
    }
}

pub use crate::core::schedule::{Due, digest_key};

/// One person as the bot's schedule sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub user: UserId,
    /// When they started the bot.
    pub started: DateTime<Utc>,
    /// Their digest time (their own or the organisation's).
    pub digest_time: NaiveTime,
}

/// Which of today's digests are due at `now`: each subscriber whose local
/// digest time has passed today and who had started by then. Only today's:
/// after downtime the digest whose time passed today is sent once, on
/// start-up; earlier days are not caught up. Whether one was already sent
/// is the outbox's to say (by key).
pub fn due(now: DateTime<Utc>, tz: Tz, subs: &[Subscriber]) -> Vec<Due> {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
    let subs: Vec<schedule::Subscriber> = subs
        .iter()
        .map(|s| schedule::Subscriber {
            user: s.user,
            digest_time: s.digest_time,
            started: Some(local(s.started)),
        })
        .collect();
    schedule::due(&subs, None, local(now), Until::Through)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("date")
            .with_timezone(&Utc)
    }

    fn sub(user: i64, started: &str, hhmm: (u32, u32)) -> Subscriber {
        Subscriber {
            user: UserId(user),
            started: utc(started),
            digest_time: NaiveTime::from_hms_opt(hhmm.0, hhmm.1, 0).expect("time"),
        }
    }

    #[test]
    fn due_at_and_after_the_local_digest_time_for_people_started_before_it() {
        let tz: Tz = "Asia/Shanghai".parse().expect("tz");
        let subs = vec![
            sub(1, "2024-03-03T12:00:00+08:00", (7, 30)),
            sub(2, "2024-03-03T12:00:00+08:00", (8, 0)),
            // Started after today's digest time: first digest tomorrow.
            sub(3, "2024-03-04T07:45:00+08:00", (7, 30)),
        ];
        assert!(due(utc("2024-03-04T07:29:59+08:00"), tz, &subs).is_empty());
        let d = due(utc("2024-03-04T07:30:00+08:00"), tz, &subs);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].key(), "digest:1:2024-03-04");
        assert_eq!(d[0].at.format("%H:%M").to_string(), "07:30");
        // Hours later (after downtime) today's digests are still due: the
        // outbox key keeps them to once.
        let d = due(utc("2024-03-04T13:00:00+08:00"), tz, &subs);
        assert_eq!(
            d.iter().map(|d| d.user.0).collect::<Vec<_>>(),
            vec![1, 2],
            "{d:?}"
        );
        let d = due(utc("2024-03-05T07:30:00+08:00"), tz, &subs);
        assert_eq!(d.len(), 2);
        assert!(d.iter().any(|d| d.user == UserId(3)));
    }

    #[test]
    fn the_local_day_is_the_organisations() {
        let tz: Tz = "America/Chicago".parse().expect("tz");
        let subs = vec![sub(1, "2024-10-01T00:00:00Z", (7, 30))];
        // 13:00 UTC is 08:00 in Chicago (CDT): the 14th's digest is due.
        let d = due(utc("2024-10-14T13:00:00Z"), tz, &subs);
        assert_eq!(d[0].key(), "digest:1:2024-10-14");
    }

    #[test]
    fn the_file_clock_reads_the_file_each_time() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("now");
        std::fs::write(&path, "2024-03-04T07:30:00+08:00\n").expect("write");
        let c = FileClock { path: path.clone() };
        assert_eq!(c.now(), utc("2024-03-03T23:30:00Z"));
        std::fs::write(&path, "2024-03-05T07:30:00+08:00").expect("write");
        assert_eq!(c.now(), utc("2024-03-04T23:30:00Z"));
    }
}
