//! The burden report over a journal of 250,000 events: synthetic traffic
//! (`synth.rs`: 1,000 groups titled after their offices, 5,000 people,
//! the rest asks spread over twelve weeks), replayed into an engine once
//! (timed and printed, not part of the measure), then `core::report::build`
//! measured by criterion. The target is under 2 s.
//!
//! `cargo bench --bench report` (ONEDIGEST_BENCH_EVENTS for another size).

#[path = "synth.rs"]
mod synth;

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use onedigest::config::Config;
use onedigest::core::engine::{Engine, Settings};
use onedigest::core::report::{self, Params};
use onedigest::event::Event;
use std::time::Instant;

const OFFICES: &[&str] = &[
    "县应急管理局",
    "县民政局",
    "县文旅局",
    "镇党政办",
    "县委宣传部",
];

fn journal(n: usize) -> Vec<Event> {
    let (groups, people) = (1000, 5000);
    let mut rng = synth::Rng::new(7);
    let mut evs = synth::log(&mut rng, groups, people, 0);
    // Half the groups name an office in their title, as real ones do, so
    // the per-office rows gather several groups.
    for (i, e) in evs.iter_mut().enumerate() {
        if let Event::Group { title, .. } = e
            && i % 2 == 0
        {
            *title = format!("{}·{title}", OFFICES[i % OFFICES.len()]);
        }
    }
    let asks = n.saturating_sub(evs.len());
    let start = chrono::DateTime::parse_from_rfc3339("2024-03-04T08:00:00+08:00").expect("date");
    let span = Duration::weeks(12).num_seconds();
    for i in 0..asks {
        let at = start + Duration::seconds(span * i as i64 / asks.max(1) as i64);
        evs.push(synth::message(&mut rng, groups, people, i as i64 + 1, at));
    }
    evs
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("ONEDIGEST_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(250_000);
    let events = journal(n);
    let settings = Settings::from_config(&Config::default()).expect("settings");
    let t0 = Instant::now();
    let mut engine = Engine::new(settings);
    for ev in &events {
        engine.apply(ev);
    }
    let replayed = t0.elapsed();
    let from = NaiveDate::from_ymd_opt(2024, 3, 4).expect("date");
    let params = Params {
        from,
        to: from + Duration::weeks(12),
        short_notice_minutes: 120,
        minutes_per_duplicate: report::DEFAULT_MINUTES_PER_DUPLICATE,
        minutes_per_group_post: report::DEFAULT_MINUTES_PER_GROUP_POST,
        top: report::DEFAULT_TOP,
    };
    let t1 = Instant::now();
    let r = report::build(&engine, &params);
    let once = t1.elapsed();
    println!(
        "{} events ({} tasks) replayed in {:.1} s; one report: {:.3} s, {} asks, {} duplicates, {} weeks, {} offices, {} overlapping pairs",
        events.len(),
        engine.tasks.len(),
        replayed.as_secs_f64(),
        once.as_secs_f64(),
        r.totals.asks,
        r.totals.duplicate_asks,
        r.weeks.len(),
        r.offices.len(),
        r.group_overlap.len(),
    );
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.bench_function("build over 250k events", |b| {
        b.iter(|| std::hint::black_box(report::build(&engine, &params)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
