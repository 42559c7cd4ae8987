//! Outbox records are pruned once delivered and past the retention period.

use super::{private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::FakeApi;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivered_message_record_is_pruned_after_the_retention_period() {
    let api = FakeApi::start().await;
    let now = utc("2024-03-04T07:00:00+08:00");
    let b = spawn_bot(&api, now, |c| c.bot.outbox_retention_days = 3).await;
    api.push(private_msg(1, "甲", 1, now.timestamp(), "/start"));
    b.settle().await;
    assert!(!api.sent_to(1).is_empty(), "the welcome was sent");
    let key = "reply:1:1";
    assert!(b.shared.outbox.contains(key).expect("outbox"));
    // Two days on (that day's digest goes out meanwhile): kept.
    b.clock.set(utc("2024-03-06T08:00:00+08:00"));
    b.settle().await;
    assert!(b.shared.outbox.contains(key).expect("outbox"), "kept");
    // Past three days: pruned on the next hourly round.
    b.clock.set(utc("2024-03-07T07:30:00+08:00"));
    wait_until("the record pruned", 10, || {
        !b.shared.outbox.contains(key).expect("outbox")
    })
    .await;
    b.stop().await;
}
