//! Counters, and the local health and Prometheus endpoint.
//!
//! `GET /healthz` answers `ok` with a few figures as JSON; `GET /metrics`
//! answers the Prometheus text format. Bind it to a local address: it is
//! for the operator's scraper, not for the world.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    pub updates_received: AtomicU64,
    pub events_journaled: AtomicU64,
    pub duplicates: AtomicU64,
    pub messages_sent: AtomicU64,
    pub send_failures: AtomicU64,
    pub send_retries: AtomicU64,
    pub digests_queued: AtomicU64,
    pub warnings_queued: AtomicU64,
}

/// Figures read from the state when scraped.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Gauges {
    pub tasks: usize,
    pub groups: usize,
    pub people_started: usize,
    pub outbox_depth: usize,
    pub journal_events: u64,
    /// When the last digest round queued something (RFC 3339), if ever.
    pub last_digest_run: Option<String>,
    /// Seconds since intake last flushed the journal (or the start).
    pub last_flush_age_secs: f64,
    /// Seconds since the sender last delivered or was idle.
    pub last_send_age_secs: f64,
}

pub fn inc(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

fn get(c: &AtomicU64) -> u64 {
    c.load(Ordering::Relaxed)
}

impl Metrics {
    /// The Prometheus text exposition.
    pub fn render(&self, g: &Gauges) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            let _ = writeln!(out, "{name} {v}");
        };
        metric(
            "onedigest_updates_received_total",
            "counter",
            "Telegram updates received and journaled.",
            get(&self.updates_received),
        );
        metric(
            "onedigest_events_journaled_total",
            "counter",
            "New events written to the journal by this process.",
            get(&self.events_journaled),
        );
        metric(
            "onedigest_duplicates_total",
            "counter",
            "Tasks found to duplicate a pending ask elsewhere (owner warnings raised).",
            get(&self.duplicates),
        );
        metric(
            "onedigest_messages_sent_total",
            "counter",
            "Messages delivered to Telegram.",
            get(&self.messages_sent),
        );
        metric(
            "onedigest_send_failures_total",
            "counter",
            "Messages given up on (blocked, refused, retries exhausted).",
            get(&self.send_failures),
        );
        metric(
            "onedigest_send_retries_total",
            "counter",
            "Send attempts retried after 429, 5xx or a network error.",
            get(&self.send_retries),
        );
        metric(
            "onedigest_digests_queued_total",
            "counter",
            "Digests written to the outbox.",
            get(&self.digests_queued),
        );
        metric(
            "onedigest_warnings_queued_total",
            "counter",
            "Owner warnings written to the outbox.",
            get(&self.warnings_queued),
        );
        metric(
            "onedigest_tasks",
            "gauge",
            "Tasks the engine holds.",
            g.tasks as u64,
        );
        metric(
            "onedigest_groups",
            "gauge",
            "Allowed groups the engine knows.",
            g.groups as u64,
        );
        metric(
            "onedigest_people_started",
            "gauge",
            "People registered with /start.",
            g.people_started as u64,
        );
        metric(
            "onedigest_outbox_depth",
            "gauge",
            "Message parts waiting to be sent.",
            g.outbox_depth as u64,
        );
        metric(
            "onedigest_journal_events",
            "gauge",
            "Events in the journal.",
            g.journal_events,
        );
        for (name, help, v) in [
            (
                "onedigest_last_flush_age_seconds",
                "Seconds since intake last flushed the journal (or the start).",
                g.last_flush_age_secs,
            ),
            (
                "onedigest_last_send_age_seconds",
                "Seconds since the sender last delivered a message or was idle.",
                g.last_send_age_secs,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
            let _ = writeln!(out, "{name} {v:.3}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_help_type_and_value_for_each_metric() {
        let m = Metrics::default();
        inc(&m.messages_sent);
        inc(&m.messages_sent);
        let text = m.render(&Gauges {
            outbox_depth: 3,
            last_flush_age_secs: 2.5,
            ..Gauges::default()
        });
        assert!(
            text.contains("\nonedigest_last_flush_age_seconds 2.500\n"),
            "{text}"
        );
        assert!(
            text.contains("\nonedigest_messages_sent_total 2\n"),
            "{text}"
        );
        assert!(text.contains("\nonedigest_outbox_depth 3\n"), "{text}");
        assert!(text.contains("# TYPE onedigest_updates_received_total counter"));
        for name in [
            "updates_received",
            "tasks",
            "duplicates",
            "messages_sent",
            "send_failures",
            "outbox_depth",
        ] {
            assert!(text.contains(&format!("onedigest_{name}")), "{name}");
        }
    }
}
