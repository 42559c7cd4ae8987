//! The engine snapshot: a restart from it equals a full replay; a bad one
//! is ignored and changes nothing; how long a restart takes at scale.

use super::{repo, test_config, utc};
use onedigest::bot::fact::Fact;
use onedigest::bot::scheduler::{Clock, ManualClock};
use onedigest::bot::snapshot::{self, Position, SnapshotError};
use onedigest::bot::state::Shared;
use onedigest::config::Config;
use onedigest::core::digest;
use onedigest::event::{Event, read_log};
use onedigest::journal::Journal;
use onedigest::model::{ChatId, MsgRef, UserId};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The tests' config: every group read.
pub(super) fn config(dir: &Path) -> Config {
    let mut cfg = test_config(dir);
    cfg.groups.allow_all = true;
    cfg
}

pub(super) fn open_state(dir: &Path, now: &str, setup: impl FnOnce(&mut Config)) -> Arc<Shared> {
    let mut cfg = config(dir);
    setup(&mut cfg);
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(utc(now)));
    let (shared, _rx) =
        Shared::open(&cfg.bot.state_dir.clone(), cfg, None, clock).expect("state opens");
    shared
}

/// The engine's state in its canonical encoding.
pub(super) fn state_bytes(shared: &Shared) -> Vec<u8> {
    let pos = Position {
        last_seq: None,
        events: 0,
        fingerprint: 0,
    };
    snapshot::encode(&pos, &shared.engine()).expect("encodes")
}

/// Every person's digest at `at`, as text.
fn digests(shared: &Shared, at: &str) -> String {
    let at = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M").expect("time");
    let e = shared.engine();
    e.all_members()
        .into_iter()
        .map(|u| format!("{u}: {:?}\n", digest::build(&e, u, at)))
        .collect()
}

fn record(shared: &Shared, events: &[Event]) {
    let facts: Vec<Fact> = events.iter().cloned().map(Fact::Event).collect();
    shared.record(&facts).expect("recorded");
}

/// A fixture's events as the bot journals them (it never journals a
/// `scenario` line).
fn fixture() -> Vec<Event> {
    read_log(&repo().join("tests/data/fixture-zh-street.jsonl"))
        .expect("fixture")
        .into_iter()
        .filter(|e| !matches!(e, Event::Scenario { .. }))
        .collect()
}

fn first_tasks(shared: &Shared, n: usize) -> Vec<MsgRef> {
    shared
        .engine()
        .tasks
        .values()
        .take(n)
        .map(|t| t.src)
        .collect()
}

fn date() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2024-03-05T10:00:00+08:00").expect("date")
}

const NOW: &str = "2024-03-05T12:00:00+08:00";

#[test]
fn a_restart_from_a_snapshot_equals_a_full_replay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let events = fixture();
    let (first, rest) = events.split_at(events.len() / 2);
    {
        let shared = open_state(dir.path(), NOW, |_| {});
        record(&shared, first);
        let t = first_tasks(&shared, 1);
        record(
            &shared,
            &[Event::Done {
                user_id: UserId(5002),
                task: t[0],
                date: date(),
            }],
        );
        snapshot::take(&shared, None).expect("snapshot written");
        record(&shared, rest);
        let t = first_tasks(&shared, 3);
        record(
            &shared,
            &[Event::Feedback {
                task: t[2],
                other: t[1],
                same: false,
                by: UserId(5001),
                date: date(),
            }],
        );
    }
    let journal_len;
    let (from_snapshot, digests_snapshot) = {
        let pos = {
            let j = Journal::open(&state).expect("journal");
            journal_len = j.len();
            let (pos, _) = snapshot::load(&state, snapshot::fingerprint(&config(dir.path())), &j)
                .expect("usable")
                .expect("present");
            assert!(
                (pos.events as usize) < journal_len,
                "the snapshot stands for the first part only: {pos:?}"
            );
            pos
        };
        let shared = open_state(dir.path(), NOW, |_| {});
        assert_eq!(shared.journal_len() as usize, journal_len, "{pos:?}");
        (state_bytes(&shared), digests(&shared, "2024-03-05T07:30"))
    };
    std::fs::remove_file(snapshot::path(&state)).expect("remove the snapshot");
    let shared = open_state(dir.path(), NOW, |_| {});
    assert_eq!(shared.journal_len() as usize, journal_len);
    let full = state_bytes(&shared);
    assert!(full.len() > 10_000, "a real state: {} bytes", full.len());
    assert!(
        from_snapshot == full,
        "snapshot + tail differs from a full replay"
    );
    assert_eq!(digests_snapshot, digests(&shared, "2024-03-05T07:30"));
    let first = first_tasks(&shared, 1)[0];
    assert!(shared.engine().is_done(UserId(5002), first));
}

/// `report --db` over a stopped bot's state starts from its engine snapshot
/// and the journal's tail, and reads the same engine a full replay gives.
#[test]
fn the_report_reads_the_bots_snapshot_and_the_journals_tail() {
    use onedigest::cli::report::engine_from_db;
    use onedigest::core::engine::Settings;
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let events = fixture();
    let (first, rest) = events.split_at(events.len() / 2);
    let full = {
        let shared = open_state(dir.path(), NOW, |_| {});
        record(&shared, first);
        snapshot::take(&shared, None).expect("snapshot written");
        record(&shared, rest);
        state_bytes(&shared)
    };
    let cfg = config(dir.path());
    let settings = || Settings::from_config(&cfg).expect("settings");
    let (engine, n, from_snapshot) = engine_from_db(&state, &cfg, settings()).expect("engine");
    assert!(from_snapshot, "the snapshot was not read");
    let pos = Position {
        last_seq: None,
        events: 0,
        fingerprint: 0,
    };
    assert!(
        snapshot::encode(&pos, &engine).expect("encodes") == full,
        "snapshot + tail differs from the bot's engine"
    );
    // Without the snapshot: the whole journal, the same engine.
    std::fs::remove_file(snapshot::path(&state)).expect("remove the snapshot");
    let (engine, all, from_snapshot) = engine_from_db(&state, &cfg, settings()).expect("engine");
    assert!(!from_snapshot);
    assert_eq!(all, n, "both stand for every journal event");
    assert!(snapshot::encode(&pos, &engine).expect("encodes") == full);
}

#[test]
fn a_corrupt_snapshot_is_ignored_with_a_warning_naming_it_and_the_journal_is_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let events = fixture();
    let full = {
        let shared = open_state(dir.path(), NOW, |_| {});
        record(&shared, &events);
        snapshot::take(&shared, None).expect("snapshot written");
        state_bytes(&shared)
    };
    let file = snapshot::path(&state);
    let good = std::fs::read(&file).expect("snapshot");
    let raw = |s: &Path| Journal::open(s).expect("journal").raw();
    for (what, bytes) in [
        ("a flipped byte", {
            let mut b = good.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0x5a;
            b
        }),
        ("truncated", good[..good.len() - 100].to_vec()),
        ("another format version", {
            let mut b = good.clone();
            b[8] = b[8].wrapping_add(1);
            b
        }),
        ("not a snapshot", b"hello".to_vec()),
    ] {
        std::fs::write(&file, &bytes).expect("write");
        let before = raw(&state);
        let err = {
            let j = Journal::open(&state).expect("journal");
            match snapshot::load(&state, snapshot::fingerprint(&config(dir.path())), &j) {
                Err(e) => e,
                Ok(_) => panic!("{what}: a bad snapshot was accepted"),
            }
        };
        let msg = err.to_string();
        assert!(
            msg.starts_with(&file.display().to_string()) && !msg.contains('\n'),
            "{what}: {msg}"
        );
        assert!(
            matches!(
                err,
                SnapshotError::Checksum { .. }
                    | SnapshotError::Version { .. }
                    | SnapshotError::Magic { .. }
            ),
            "{what}: {err:?}"
        );
        // The bot starts all the same, rebuilt from the whole journal.
        let shared = open_state(dir.path(), NOW, |_| {});
        assert!(state_bytes(&shared) == full, "{what}: state differs");
        drop(shared);
        assert!(raw(&state) == before, "{what}: the journal changed");
    }
    // A snapshot made under other settings is stale: ignored too.
    std::fs::write(&file, &good).expect("write");
    let j = Journal::open(&state).expect("journal");
    let other = {
        let mut c = config(dir.path());
        c.groups.allow_all = false;
        c.groups.allow = vec![ChatId(-1)];
        c
    };
    let err = snapshot::load(&state, snapshot::fingerprint(&other), &j).err();
    assert!(
        matches!(err, Some(SnapshotError::Settings { .. })),
        "{err:?}"
    );
}

/// A restart after 250,000 journaled events, with and without a snapshot.
/// Run with `cargo test --test integration -- --ignored restart_at_scale
/// --nocapture` (`SCALE_MESSAGES` changes the message count).
#[test]
#[ignore]
fn restart_at_scale_with_and_without_a_snapshot() {
    let groups: i64 = 1000;
    let people: i64 = 10_000;
    let messages: i64 = std::env::var("SCALE_MESSAGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(209_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let t0 = Instant::now();
    {
        std::fs::create_dir_all(&state).expect("state dir");
        let j = Journal::open_with_cache(&state, Some(64 << 20)).expect("journal");
        let d0 = chrono::DateTime::parse_from_rfc3339("2024-03-04T08:00:00+08:00").expect("date");
        let chat = |g: i64| ChatId(-1_009_000_000_000 - g);
        let mut evs = Vec::new();
        for g in 0..groups {
            evs.push(Event::Group {
                chat_id: chat(g),
                title: format!("工作群{g}"),
                owner_id: Some(UserId(5_000_000 + g)),
            });
        }
        for u in 1..=people {
            evs.push(Event::Person {
                user_id: UserId(u),
                name: format!("人{u}"),
                username: None,
            });
            for k in 0..3 {
                evs.push(Event::Member {
                    chat_id: chat((u * 7 + k * 331) % groups),
                    user_id: UserId(u),
                    date: Some(d0),
                });
            }
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
            evs.push(Event::Message {
                chat_id: chat((i * 7919) % groups),
                message_id: 10 + i,
                sender_id: UserId(1 + (i * 104_729) % people),
                date: d0 + chrono::Duration::seconds(i * 3 * 86_400 / messages.max(1)),
                text,
                reply_to_message_id: None,
                mentions: vec![],
            });
        }
        for e in &evs {
            j.append(e).expect("append");
        }
        j.flush().expect("flush");
        println!("journaled {} events in {:?}", evs.len(), t0.elapsed());
    }
    let now = "2024-03-07T07:00:00+08:00";
    let t_full = Instant::now();
    let shared = open_state(dir.path(), now, |_| {});
    let full = t_full.elapsed();
    let events = shared.journal_len();
    let t_snap = Instant::now();
    snapshot::take(&shared, None).expect("snapshot");
    let write = t_snap.elapsed();
    let size = std::fs::metadata(snapshot::path(&state))
        .map(|m| m.len())
        .unwrap_or(0);
    let replayed = state_bytes(&shared);
    drop(shared);
    let t_quick = Instant::now();
    let shared = open_state(dir.path(), now, |_| {});
    let quick = t_quick.elapsed();
    assert!(state_bytes(&shared) == replayed, "snapshot start differs");
    println!(
        "restart after {events} events: {full:?} replaying the whole journal, {quick:?} from the snapshot ({size} bytes, written in {write:?}); tasks {}",
        shared.engine().tasks.len()
    );
    drop(shared);
    // `report --db` over this state: the engine from the snapshot and the
    // journal's tail, then the report itself.
    {
        use onedigest::cli::report::engine_from_db;
        use onedigest::core::engine::Settings;
        use onedigest::core::report::{self, Params};
        let cfg = config(dir.path());
        let settings = Settings::from_config(&cfg).expect("settings");
        let t = Instant::now();
        let (engine, n, from_snapshot) = engine_from_db(&state, &cfg, settings).expect("engine");
        let read = t.elapsed();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let params = Params {
            from: d("2024-03-04"),
            to: d("2024-03-08"),
            short_notice_minutes: 120,
            minutes_per_duplicate: 30.0,
            minutes_per_group_post: 1.0,
            top: report::DEFAULT_TOP,
        };
        let r = report::build(&engine, &params);
        println!(
            "report --db after {n} events (snapshot read: {from_snapshot}): engine in {read:?}, report in {:?} more; {} asks",
            t.elapsed() - read,
            r.totals.asks
        );
        assert!(from_snapshot);
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for l in status
            .lines()
            .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        {
            println!("memory {l}");
        }
    }
}
