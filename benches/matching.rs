//! Duplicate matching at scale: a pending index of 1,000,000 synthetic tasks,
//! then the full per-message decision (normalise, extract, retrieve, score,
//! insert) for new messages. Prints p50/p99 and the index's resident memory,
//! then runs the Python MinHashLSH peer (benches/peers/minhash_peer.py) on
//! the same kind of texts when it is installed, and prints the ratio.
//!
//! `cargo bench --bench matching` (set ONEDIGEST_BENCH_TASKS for a smaller index).

#[path = "synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use onedigest::config::Config;
use onedigest::core::engine::{Engine, Settings};
use onedigest::core::extract::{self, Input};
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
    // Percentiles of single decisions.
    let start = chrono::DateTime::parse_from_rfc3339("2024-03-04T10:00:00+08:00").expect("date");
    let mut samples = Vec::with_capacity(10_000);
    // The same messages through task detection and deadline parsing alone
    // (no index), so the matching part of each decision can be told apart.
    let mut extract_samples = Vec::with_capacity(10_000);
    let mut match_samples = Vec::with_capacity(10_000);
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
        let extract_us = match &ev {
            onedigest::event::Event::Message {
                text,
                sender_id,
                date,
                ..
            } => {
                let sent = engine.settings.local(*date);
                let t = Instant::now();
                std::hint::black_box(extract::extract(
                    &Input {
                        text,
                        sender: *sender_id,
                        mentioned: &[],
                        members: &[],
                        is_reply: false,
                        sender_is_owner: false,
                    },
                    &engine.ctx(sent),
                ));
                t.elapsed().as_nanos() as f64 / 1000.0
            }
            _ => 0.0,
        };
        let t = Instant::now();
        std::hint::black_box(engine.apply(&ev));
        let us = t.elapsed().as_nanos() as f64 / 1000.0;
        samples.push(us);
        extract_samples.push(extract_us);
        match_samples.push((us - extract_us).max(0.0));
    }
    let pct = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 - 1.0) * q) as usize]
    };
    let (e50, e99) = (
        pct(&mut extract_samples, 0.5),
        pct(&mut extract_samples, 0.99),
    );
    let (m50, m99) = (pct(&mut match_samples, 0.5), pct(&mut match_samples, 0.99));
    samples.sort_by(f64::total_cmp);
    let p = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize];
    println!(
        "per-message decision over {} probes (everything: task detection, deadline, normalise, retrieve, score, index update, owner warning): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        samples.len(),
        p(0.5),
        p(0.99),
        p(1.0)
    );
    println!(
        "  of which task detection + deadline parsing alone: p50 {e50:.1} µs, p99 {e99:.1} µs; the rest (normalise, retrieve, score, index update, warning): p50 {m50:.1} µs, p99 {m99:.1} µs"
    );
    c.bench_function("decide_one_message_1M_index", |b| {
        b.iter_batched(
            || {
                next_id += 1;
                synth::message(
                    &mut rng,
                    groups,
                    people,
                    next_id,
                    start + chrono::Duration::seconds(next_id % 86_400),
                )
            },
            |ev| std::hint::black_box(engine.apply(&ev)),
            criterion::BatchSize::SmallInput,
        )
    });
    peer(p(0.5), &peer_texts);
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
                    "peer datasketch MinHashLSH at {n} texts: p50 {theirs:.1} µs per message; ours at the full index: p50 {ours_p50_us:.1} µs → {:.1}× faster",
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
