//! `/healthz` tells the truth: 503 while the sender is stuck, 200 again once
//! it delivers; `/metrics` has the flush age and the outbox depth.

use super::{free_port, private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::{Fail, FakeApi};
use serde_json::Value;
use std::time::{Duration, Instant};

async fn health(addr: &str) -> (u16, Value) {
    let r = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .expect("healthz answers");
    let code = r.status().as_u16();
    (code, r.json().await.expect("healthz is JSON"))
}

/// Poll `/healthz` until it answers `code` (at most `secs`).
async fn health_becomes(addr: &str, code: u16, secs: u64) -> Value {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let (c, v) = health(addr).await;
        if c == code {
            return v;
        }
        assert!(Instant::now() < end, "healthz never answered {code}: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_says_503_while_the_sender_is_stuck_and_metrics_show_flush_age_and_depth() {
    let api = FakeApi::start().await;
    let addr = format!("127.0.0.1:{}", free_port());
    let now = utc("2024-03-04T07:00:00+08:00");
    let a = addr.clone();
    let b = spawn_bot(&api, now, move |c| {
        c.bot.metrics_addr = a;
        c.bot.health_sender_secs = 1;
        c.bot.health_intake_secs = 1;
    })
    .await;
    let (code, v) = health(&addr).await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["status"], "ok");

    // Telegram holds every message to person 1 back for 4 s (429).
    api.fail("sendMessage", Some(1), Some(1), Fail::RetryAfter(4));
    api.push(private_msg(1, "甲", 1, now.timestamp(), "/start"));
    let v = health_becomes(&addr, 503, 10).await;
    assert_eq!(v["status"], "unhealthy");
    let problems = v["problems"].to_string();
    assert!(problems.contains("sender stuck"), "{problems}");
    assert!(!problems.contains("intake"), "{problems}");
    assert_eq!(v["gauges"]["outbox_depth"], 1, "{v}");
    let metrics = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("\nonedigest_outbox_depth 1\n"),
        "{metrics}"
    );
    let age: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("onedigest_last_flush_age_seconds "))
        .expect("flush age exposed")
        .parse()
        .expect("a number");
    // Seconds since the /start was journaled, a moment ago.
    assert!((0.0..4.0).contains(&age), "flush age {age}");

    // The 429 is waited out, the reply delivered: healthy again.
    let v = health_becomes(&addr, 200, 15).await;
    assert_eq!(v["gauges"]["outbox_depth"], 0, "{v}");
    wait_until("the reply", 5, || !api.sent_to(1).is_empty()).await;
    b.stop().await;
}
