//! Duplicate matching at scale: a pending index of 1,000,000 synthetic tasks,
//! then each new message step by step: reading (fold, task detection,
//! deadline), the duplicate decision (normalise, retrieve, score) and the
//! commit (index update, owner warning). Prints p50/p99 of each and of the
//! whole, and the index's resident memory,
//! then runs the Python MinHashLSH peer (benches/peers/minhash_peer.py) on
//! the same kind of texts when it is installed, and prints the ratio.
//!
//! `cargo bench --bench matching` (set ONEDIGEST_BENCH_TASKS for a smaller index).

#[path = "synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use onedigest::config::Config;
use onedigest::core::engine::{Engine, Settings};
use std::time::Instant;

fn rss_mib() -> f64 {
    // Resident set size from /proc (Linux): pages × page size.
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|x| x.parse::<f64>().ok())
        })
        .map(|pages| pages * 4096.0 / (1024.0 * 1024.0))
        .unwrap_or(f64::NAN)
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("ONEDIGEST_BENCH_TASKS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let (groups, people) = (1000, 5000);
    let mut rng = synth::Rng::new(42);
    let settings = Settings::from_config(&Config::default()).expect("settings");
    let before = rss_mib();
    let t0 = Instant::now();
    let mut engine = Engine::new(settings);
    // Streamed, so that the resident memory measured is the index's, not the log's.
    for ev in synth::log(&mut rng, groups, people, 0) {
        engine.apply(&ev);
    }
    // The peer indexes the same texts (the first ONEDIGEST_PEER_TASKS asks).
    let n_peer: usize = std::env::var("ONEDIGEST_PEER_TASKS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let mut peer_texts: Vec<String> = Vec::with_capacity(n_peer + 1000);
    let t_start = chrono::DateTime::parse_from_rfc3339("2024-03-04T08:00:00+08:00").expect("date");
    for i in 0..n {
        let ev = synth::message(
            &mut rng,
            groups,
            people,
            i as i64 + 1,
            t_start + chrono::Duration::milliseconds(i as i64 * 10),
        );
        if i < n_peer
            && let onedigest::event::Event::Message { text, .. } = &ev
        {
            peer_texts.push(text.clone());
        }
        engine.apply(&ev);
    }
    let built = t0.elapsed();
    let after = rss_mib();
    println!(
        "index: {} tasks from {n} asks built in {:.1} s ({:.1} µs/ask); resident memory {:.0} MiB → {:.0} MiB (+{:.0} MiB)",
        engine.tasks.len(),
        built.as_secs_f64(),
        built.as_secs_f64() * 1e6 / n as f64,
        before,
        after,
        after - before
    );
    // Percentiles of single messages, each step timed: reading (fold, task
    // detection, deadline), the decision (normalise, count terms, retrieve,
    // score) and the commit (task store, index update, owner warning).
    let start = chrono::DateTime::parse_from_rfc3339("2024-03-04T10:00:00+08:00").expect("date");
    let (mut read_us, mut decide_us, mut commit_us, mut total_us) = (
        Vec::with_capacity(10_000),
        Vec::with_capacity(10_000),
        Vec::with_capacity(10_000),
        Vec::with_capacity(10_000),
    );
    let mut next_id = n as i64 + 1;
    for i in 0..10_000 {
        let ev = synth::message(
            &mut rng,
            groups,
            people,
            next_id,
            start + chrono::Duration::seconds(i),
        );
        if let onedigest::event::Event::Message { text, .. } = &ev
            && i < 1000
        {
            peer_texts.push(text.clone());
        }
        next_id += 1;
        let t0 = Instant::now();
        let Some((src, sent)) = engine.record(&ev) else {
            continue;
        };
        let Some(reading) = engine.read(src, sent) else {
            continue;
        };
        let t1 = Instant::now();
        let sig = engine.normalise(&reading);
        engine.count_terms(&sig);
        let decision = engine.decide(&reading, &sig);
        let t2 = Instant::now();
        std::hint::black_box(engine.commit(reading, sig, decision, true));
        let t3 = Instant::now();
        let us = |a: Instant, b: Instant| (b - a).as_nanos() as f64 / 1000.0;
        read_us.push(us(t0, t1));
        decide_us.push(us(t1, t2));
        commit_us.push(us(t2, t3));
        total_us.push(us(t0, t3));
    }
    let pct = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 - 1.0) * q) as usize]
    };
    let (d50, d99) = (pct(&mut decide_us, 0.5), pct(&mut decide_us, 0.99));
    let (r50, r99) = (pct(&mut read_us, 0.5), pct(&mut read_us, 0.99));
    let (c50, c99) = (pct(&mut commit_us, 0.5), pct(&mut commit_us, 0.99));
    let (t50, t99) = (pct(&mut total_us, 0.5), pct(&mut total_us, 0.99));
    println!(
        "per-message duplicate decision (normalise, count terms, retrieve, score) over {} probes: p50 {d50:.1} µs, p99 {d99:.1} µs",
        decide_us.len()
    );
    println!(
        "  reading before it (fold, task detection, deadline): p50 {r50:.1} µs, p99 {r99:.1} µs; commit after it (task store, index update, owner warning): p50 {c50:.1} µs, p99 {c99:.1} µs"
    );
    println!("  the whole message end to end: p50 {t50:.1} µs, p99 {t99:.1} µs");
    // Criterion on the decision alone: each new message is stored, read and
    // its terms counted outside the timed part; its decision is not
    // committed, so the index stays as built.
    let engine = std::cell::RefCell::new(engine);
    c.bench_function("decide_one_message_1M_index", |b| {
        b.iter_batched(
            || {
                next_id += 1;
                let ev = synth::message(
                    &mut rng,
                    groups,
                    people,
                    next_id,
                    start + chrono::Duration::seconds(next_id % 86_400),
                );
                let mut e = engine.borrow_mut();
                let (src, sent) = e.record(&ev)?;
                e.read(src, sent)
            },
            |r| {
                let e = engine.borrow();
                r.map(|r| {
                    let sig = e.normalise(&r);
                    std::hint::black_box(e.decide(&r, &sig))
                })
            },
            criterion::BatchSize::SmallInput,
        )
    });
    // The peer's time covers hashing, querying and inserting a text: it is
    // set against our whole message, reading included.
    peer(t50, &peer_texts);
}

/// The Python peer on the same kind of texts, side by side.
fn peer(ours_p50_us: f64, texts: &[String]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/minhash_peer.py");
    let n = texts.len().saturating_sub(1000).to_string();
    let file = std::env::temp_dir().join("onedigest-bench-texts.txt");
    if let Err(e) = std::fs::write(&file, texts.join("\n")) {
        println!("peer skipped: cannot write {}: {e}", file.display());
        return;
    }
    let file = file.display().to_string();
    match std::process::Command::new("python3")
        .args([
            script,
            "--synthetic",
            &n,
            "--texts",
            &file,
            "--queries",
            "1000",
            "--json",
        ])
        .output()
    {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let json = text
                .lines()
                .rev()
                .find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok());
            match json
                .as_ref()
                .and_then(|j| j["p50_us"].as_f64().or(j["decision_us"]["p50"].as_f64()))
            {
                Some(theirs) => println!(
                    "peer datasketch MinHashLSH at {n} texts: p50 {theirs:.1} µs per message; ours at the full index, whole message: p50 {ours_p50_us:.1} µs → {:.1}× faster",
                    theirs / ours_p50_us
                ),
                None => println!("peer output not understood: {text}"),
            }
        }
        Ok(out) => println!(
            "peer skipped: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("failed")
        ),
        Err(e) => println!("peer skipped: python3 not available ({e})"),
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
