//! Which digests are due: one rule for the live bot and for replay, so that
//! `eval` measures what the bot sends.
//!
//! Times are local (the organisation's zone); the caller converts. A digest
//! is due once per person and local day, at that person's digest time, when
//! that time falls in the window from the last check to `now`.

use crate::model::UserId;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// One person as the schedule sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub user: UserId,
    /// Their digest time.
    pub digest_time: NaiveTime,
    /// When they started receiving digests (local); `None`: always did.
    pub started: Option<NaiveDateTime>,
}

/// A digest that is due: for `user`, of local day `day`, built at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub user: UserId,
    pub day: NaiveDate,
    pub at: NaiveDateTime,
}

impl Due {
    /// The digest's identity: one per person per local day, ever.
    pub fn key(&self) -> String {
        digest_key(self.user, self.day)
    }
}

pub fn digest_key(user: UserId, day: NaiveDate) -> String {
    format!("digest:{}:{}", user.0, day.format("%Y-%m-%d"))
}

/// Whether a digest whose time is exactly `now` is due at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Not yet: a message stamped at the digest time is in that digest.
    Before,
    /// Yes.
    Through,
}

/// The times a digest at `time` of day falls due in the window: from
/// `since` (the last check, inclusive; `None`: the start of `now`'s day, so
/// only today's) to `now` (see [`Until`]).
pub fn rounds(
    time: NaiveTime,
    since: Option<NaiveDateTime>,
    now: NaiveDateTime,
    until: Until,
) -> impl Iterator<Item = NaiveDateTime> {
    let from = since.unwrap_or_else(|| now.date().and_time(NaiveTime::MIN));
    from.date()
        .iter_days()
        .take_while(move |d| *d <= now.date())
        .map(move |d| d.and_time(time))
        .filter(move |at| *at >= from)
        .take_while(move |at| *at < now || (until == Until::Through && *at == now))
}

/// The digests due in the window from `since` to `now` (as in [`rounds`]):
/// each subscriber's digest of each local day whose digest time falls in it,
/// for those who had started by then. In time order, subscribers in the
/// order given at the same time.
pub fn due(
    subs: &[Subscriber],
    since: Option<NaiveDateTime>,
    now: NaiveDateTime,
    until: Until,
) -> Vec<Due> {
    let mut out: Vec<Due> = subs
        .iter()
        .flat_map(|s| {
            rounds(s.digest_time, since, now, until)
                .filter(|at| s.started.is_none_or(|st| st <= *at))
                .map(|at| Due {
                    user: s.user,
                    day: at.date(),
                    at,
                })
        })
        .collect();
    out.sort_by_key(|d| d.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    fn sub(user: i64, hh: u32, started: Option<&str>) -> Subscriber {
        Subscriber {
            user: UserId(user),
            digest_time: NaiveTime::from_hms_opt(hh, 0, 0).expect("time"),
            started: started.map(t),
        }
    }

    #[test]
    fn without_a_last_check_only_todays_digest_is_due() {
        let subs = [sub(1, 8, None)];
        assert!(due(&subs, None, t("2024-03-04 07:59"), Until::Through).is_empty());
        let d = due(&subs, None, t("2024-03-04 08:00"), Until::Through);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].key(), "digest:1:2024-03-04");
        assert!(due(&subs, None, t("2024-03-04 08:00"), Until::Before).is_empty());
    }

    #[test]
    fn a_window_over_several_days_has_each_days_digest_in_time_order() {
        let subs = [sub(1, 9, None), sub(2, 8, Some("2024-03-04 12:00"))];
        let d = due(
            &subs,
            Some(t("2024-03-04 08:30")),
            t("2024-03-06 08:00"),
            Until::Before,
        );
        let got: Vec<(i64, String)> = d
            .iter()
            .map(|d| (d.user.0, d.at.format("%d %H").to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "04 09".to_string()),
                (2, "05 08".to_string()),
                (1, "05 09".to_string())
            ]
        );
    }
}
