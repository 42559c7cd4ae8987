//! Load, on demand (ignored by default).

use super::{group_msg, is_digest, private_msg, spawn_bot, test_config, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use onedigest::bot::scheduler::{Clock, ManualClock};
use onedigest::bot::state::Shared;
use onedigest::core::digest;
use onedigest::event::Event;
use onedigest::model::UserId;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// 1,000 groups, 200,000 messages, 10,000 people started, against the fake
/// server with Telegram's real limits. Run with
/// `cargo test --release --test integration -- --ignored load --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn load_1000_groups_200k_messages_10k_people() {
    let groups: i64 = std::env::var("LOAD_GROUPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let people: i64 = std::env::var("LOAD_PEOPLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let messages: i64 = std::env::var("LOAD_MESSAGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let api = FakeApi::start().await;
    let day0 = utc("2024-03-04T00:00:00+08:00");
    let b = spawn_bot(&api, day0, |c| {
        c.bot.messages_per_second = 30;
        c.bot.per_chat_interval_ms = 1000;
    })
    .await;
    let t0 = Instant::now();
    let d0 = day0.timestamp();
    let owner_base = 5_000_000;
    // Each person is in three groups; owners are separate (not started), so
    // their warnings are counted, not sent.
    for g in 0..groups {
        let chat = -1_009_000_000_000 - g;
        let owner = fake_api::user(owner_base + g, &format!("群主{g}"), None);
        api.set_admins(chat, vec![fake_api::owner(&owner)]);
        api.push(fake_api::bot_added(
            &fake_api::group(chat, &format!("工作群{g}")),
            &owner,
            d0,
        ));
    }
    for u in 1..=people {
        for k in 0..3 {
            let g = (u * 7 + k * 331) % groups;
            let chat = -1_009_000_000_000 - g;
            api.push(fake_api::joined(
                &fake_api::group(chat, &format!("工作群{g}")),
                &fake_api::user(u, &format!("人{u}"), None),
                d0,
            ));
        }
        api.push(private_msg(u, &format!("人{u}"), 1, d0, "/start"));
    }
    let topics = [
        "值班表",
        "安全检查台账",
        "学雷锋活动照片",
        "人口普查数据",
        "防汛物资清单",
        "党建材料",
        "网格员名单",
        "疫苗接种统计",
    ];
    for i in 0..messages {
        let g = (i * 7919) % groups;
        let chat = -1_009_000_000_000 - g;
        let from = 1 + (i * 104_729) % people;
        let text = if i % 5 == 0 {
            format!(
                "请各位于3月{}日{}点前报送{}",
                5 + i % 3,
                9 + i % 8,
                topics[(i / 5) as usize % topics.len()]
            )
        } else {
            format!("收到，第{i}条")
        };
        // Spread over three days before the digest on the 7th.
        let date = d0 + 3600 * 8 + (i * 3 * 86_400 / messages.max(1));
        api.push(group_msg(
            chat,
            &format!("工作群{g}"),
            from,
            &format!("人{from}"),
            10 + i,
            date,
            &text,
        ));
    }
    let fed = api.last_update_id();
    println!("queued {fed} updates in {:?}", t0.elapsed());
    let t_in = Instant::now();
    let end = Instant::now() + Duration::from_secs(3 * 3600);
    while api.acked() <= fed {
        assert!(Instant::now() < end, "intake stalled at {}", api.acked());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let intake = t_in.elapsed();
    println!(
        "intake: {fed} updates journaled and acknowledged in {intake:?} ({:.0} updates/s); journal {} events; tasks {}; duplicates {}",
        fed as f64 / intake.as_secs_f64(),
        b.shared.journal_len(),
        b.shared.engine().tasks.len(),
        b.shared
            .metrics
            .duplicates
            .load(std::sync::atomic::Ordering::Relaxed),
    );
    // Let the /start replies drain first, so the digest run is measured alone.
    let t_rep = Instant::now();
    wait_until("replies drained", 3 * 3600, || b.shared.outbox.depth() == 0).await;
    println!(
        "{} replies and notices sent in {:?}",
        api.sent().len(),
        t_rep.elapsed()
    );
    let before = api.sent().len();
    api.clear_calls();
    let t_dig = Instant::now();
    b.clock.set(utc("2024-03-07T07:30:00+08:00"));
    wait_until("every digest delivered", 3 * 3600, || {
        b.shared.outbox.depth() == 0
            && api.sent().iter().filter(|c| is_digest(c.text())).count() as i64 >= people
    })
    .await;
    let run = t_dig.elapsed();
    let sent = api.sent();
    let digests: Vec<&fake_api::Call> = sent.iter().filter(|c| is_digest(c.text())).collect();
    let persons: BTreeSet<i64> = digests.iter().filter_map(|c| c.chat()).collect();
    assert_eq!(
        persons.len() as i64,
        people,
        "every started person got a digest"
    );
    // Limits, as the server saw them.
    let mut t: Vec<Instant> = sent.iter().map(|c| c.at).collect();
    t.sort();
    let mut peak = 0;
    let mut j = 0;
    for i in 0..t.len() {
        while t[i] - t[j] >= Duration::from_secs(1) {
            j += 1;
        }
        peak = peak.max(i - j + 1);
    }
    let mut per_chat: BTreeMap<i64, Vec<Instant>> = BTreeMap::new();
    for c in &sent {
        per_chat
            .entry(c.chat().unwrap_or_default())
            .or_default()
            .push(c.at);
    }
    let min_gap = per_chat
        .values()
        .flat_map(|v| v.windows(2).map(|w| w[1] - w[0]))
        .min();
    let floor = Duration::from_secs_f64(sent.len() as f64 / 30.0);
    println!(
        "digest run: {} messages ({} digests) in {run:?}; floor at 30/s {floor:?} ({:.1}% over); peak {peak} in any 1 s window; least per-chat gap {min_gap:?}; earlier sends {before}",
        sent.len(),
        digests.len(),
        (run.as_secs_f64() / floor.as_secs_f64() - 1.0) * 100.0
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for l in status
            .lines()
            .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        {
            println!("memory {l}");
        }
    }
    assert!(peak <= 30, "more than 30 messages in a second: {peak}");
    assert!(
        min_gap.is_none_or(|g| g >= Duration::from_secs(1)),
        "{min_gap:?}"
    );
    let (shared, dir) = b.stop().await;
    let n = shared
        .journal
        .events()
        .expect("journal")
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .count() as i64;
    assert_eq!(n, messages, "every message journaled");
    drop(shared);
    // What a restart costs, and what the digests cost the core alone.
    let t_open = Instant::now();
    let mut cfg = test_config(dir.path());
    cfg.bot.messages_per_second = 30;
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(day0));
    let (shared, _rx) = tokio::task::spawn_blocking(move || {
        Shared::open(&dir.path().join("state"), cfg, None, clock).map(|(s, rx)| (s, (rx, dir)))
    })
    .await
    .expect("join")
    .expect("reopen");
    println!(
        "restart: state rebuilt from the journal in {:?}",
        t_open.elapsed()
    );
    let at = chrono::NaiveDate::from_ymd_opt(2024, 3, 7)
        .and_then(|d| d.and_hms_opt(7, 30, 0))
        .expect("time");
    let t_build = Instant::now();
    let engine = shared.engine();
    let mut items = 0;
    for u in 1..=people {
        items += digest::build(&engine, UserId(u), at).items.len();
    }
    println!(
        "core: {people} digests built in {:?} ({items} items)",
        t_build.elapsed()
    );
}
