//! `onedigest report` end to end: the figures of a hand-labeled fixture
//! counted by hand, the HTML page self-contained, bad input a one-line
//! answer with exit 2.

use crate::cli::{repo, run};
use serde_json::{Value, json};
use std::path::PathBuf;

/// A small county scenario written for this test (`tests/data/report/`, kept
/// out of `tests/data/` whose scenarios the other tests hold to floors). What it
/// holds, as its labels say (week 2025-W24 starts Monday 9 June):
///
/// | ask | group | sent | deadline | work |
/// | --- | --- | --- | --- | --- |
/// | A1 | G1 文化站工作群 | Mon 06-09 09:00 | 06-11 17:00 | Dragon Boat stats |
/// | A2 | G2 非遗保护群 | Mon 06-09 10:00 | 06-11 12:00 | Dragon Boat stats |
/// | A3 | G1 | Tue 06-10 09:00 | 06-10 18:00 | outreach shows |
/// | A4 | G3 第二网格群 | Tue 06-10 14:00 | 06-10 17:00 | flood supplies |
/// | A5 | G3 | Tue 06-10 15:00 | 06-10 16:30 | grid patrol |
/// | A6 | G1 | Mon 06-16 09:00 | Sat 06-21 (a day) | library ledger |
/// | A7 | G2 | Mon 06-16 10:00 | Sat 06-21 (a day) | library ledger |
/// | A8 | G3 | Wed 06-18 09:00 | none | fire-lane photos |
///
/// G1 and G2 are both titled 县文旅局…, one office; G3's title names none.
/// Members: G1 {刘芳 (owner, asks), 吴强, 杨静}, G2 {陈伟 (owner, asks),
/// 吴强, 杨静}, G3 {黄丽 (owner, asks), 吴强}. Workday end 17:30, short
/// notice under 120 minutes, a pile-up is 3 clock deadlines within 120
/// minutes for one person (the defaults).
fn fixture() -> PathBuf {
    repo().join("tests/data/report/fixture-zh-county-report.jsonl")
}

fn report(extra: &[&str]) -> (Option<i32>, String, String) {
    let log = fixture();
    let mut args = vec!["report", "--log", log.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    let out = run(&args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_report() -> Value {
    let (code, out, err) = report(&[
        "--from",
        "2025-06-09",
        "--to",
        "2025-06-23",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    serde_json::from_str(&out).expect("report --format json prints one JSON document")
}

/// The figures in the JSON's order; `median` in minutes.
#[allow(clippy::too_many_arguments)]
fn figures(
    asks: u64,
    dup: u64,
    with_deadline: u64,
    short: u64,
    after_hours: u64,
    non_working_day: u64,
    conflicting: u64,
    pileups: u64,
    median: f64,
) -> Value {
    let share = (dup as f64 / asks as f64 * 1000.0).round() / 1000.0;
    json!({
        "asks": asks,
        "duplicate_asks": dup,
        "duplicate_share": share,
        "with_deadline": with_deadline,
        "short_notice": short,
        "after_hours": after_hours,
        "non_working_day": non_working_day,
        "conflicting_deadlines": conflicting,
        "pileups": pileups,
        "median_notice_minutes": median,
    })
}

fn pick(v: &Value, keys: &Value) -> Value {
    let keys = keys.as_object().expect("object");
    keys.keys().map(|k| (k.clone(), v[k].clone())).collect()
}

const DAY: f64 = 24.0 * 60.0;

#[test]
fn the_fixtures_figures_are_the_hand_counted_ones() {
    let r = json_report();
    // Notice, ask to deadline, in minutes (a bare day is due at 17:30):
    let a1 = 2.0 * DAY + 8.0 * 60.0; // 09:00 -> 17:00 two days on
    let a2 = 2.0 * DAY + 2.0 * 60.0; // 10:00 -> 12:00 two days on
    let a3 = 9.0 * 60.0; // 09:00 -> 18:00
    let a4 = 3.0 * 60.0; // 14:00 -> 17:00
    let a5 = 90.0; // 15:00 -> 16:30: the only one under 120
    let a6 = 5.0 * DAY + 8.5 * 60.0; // Mon 09:00 -> Sat 17:30
    let a7 = a6 - 60.0; // an hour later, same deadline
    // Duplicates: A2 (A1 pending in G1 until the 11th), A7 (A6 pending in
    // G1 until the 21st). After hours: A3 only (18:00 > 17:30; A6/A7 are
    // bare days). Days off: A6, A7 (a Saturday). Conflict: the Dragon Boat
    // stats, 12:00 in G2 and 17:00 in G1; the ledger's two asks agree.
    // Pile-up: 吴强, in every group, owes 16:30 (A5), 17:00 (A4) and 18:00
    // (A3) on the 10th, three within 120 minutes; 杨静 owes only two clock
    // deadlines, the askers none of their own.
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let total = figures(
        8,
        2,
        7,
        1,
        1,
        2,
        1,
        1,
        median(vec![a1, a2, a3, a4, a5, a6, a7]),
    );
    assert_eq!(pick(&r["totals"], &total), total);
    assert_eq!(total["median_notice_minutes"], json!(3000.0));

    // Week 24: A1-A5 (the conflict and the pile-up fall in it); week 25:
    // A6-A8, one with no deadline.
    let weeks = r["weeks"].as_array().expect("weeks");
    assert_eq!(weeks.len(), 2);
    assert_eq!(weeks[0]["week"], "2025-W24");
    assert_eq!(weeks[0]["starts"], "2025-06-09");
    let w24 = figures(5, 1, 5, 1, 1, 0, 1, 1, median(vec![a1, a2, a3, a4, a5]));
    assert_eq!(pick(&weeks[0], &w24), w24);
    assert_eq!(weeks[1]["week"], "2025-W25");
    let w25 = figures(3, 1, 2, 0, 0, 2, 0, 0, median(vec![a6, a7]));
    assert_eq!(pick(&weeks[1], &w25), w25);

    // Offices, most asks first: 县文旅局 (G1 + G2: A1-A3, A6, A7), then the
    // grid group under its own title (A4, A5, A8). The pile-up touches both.
    let offices = r["offices"].as_array().expect("offices");
    assert_eq!(offices.len(), 2);
    assert_eq!(offices[0]["office"], "县文旅局");
    assert_eq!(offices[0]["named_in_title"], true);
    let titles: Vec<&str> = offices[0]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["title"].as_str().expect("title"))
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(
        titles.iter().all(|t| t.starts_with("县文旅局")),
        "{titles:?}"
    );
    let owners: Vec<&str> = offices[0]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["owner_name"].as_str().expect("owner"))
        .collect();
    assert!(owners.contains(&"刘芳") && owners.contains(&"陈伟"));
    let office = figures(5, 2, 5, 0, 1, 2, 1, 1, median(vec![a1, a2, a3, a6, a7]));
    assert_eq!(pick(&offices[0], &office), office);
    assert_eq!(offices[1]["office"], "第二网格群");
    assert_eq!(offices[1]["named_in_title"], false);
    let grid = figures(3, 0, 2, 1, 0, 0, 0, 1, median(vec![a4, a5]));
    assert_eq!(pick(&offices[1], &grid), grid);

    // Work asked in two groups: the stats, then the ledger (a tie on groups,
    // people and asks; the earlier first). Each reached 吴强 and 杨静.
    let top = r["top_work"].as_array().expect("top_work");
    assert_eq!(top.len(), 2);
    for (w, word, first) in [
        (&top[0], "端午活动", "2025-06-09T09:00:00"),
        (&top[1], "借阅台账", "2025-06-16T09:00:00"),
    ] {
        assert!(w["title"].as_str().expect("title").contains(word), "{w}");
        assert_eq!(
            (&w["asks"], &w["groups"], &w["people_reached"]),
            (&json!(2), &json!(2), &json!(2))
        );
        assert_eq!(w["first_asked"], first);
    }
    let conflicts = r["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        conflicts[0]["deadlines"],
        json!(["2025-06-11T12:00", "2025-06-11T17:00"])
    );
    let pileups = r["pileups"].as_array().expect("pileups");
    assert_eq!(pileups.len(), 1);
    assert_eq!(pileups[0]["person"], "吴强");
    assert_eq!(
        pileups[0]["deadlines"],
        json!(["2025-06-10T16:30", "2025-06-10T17:00", "2025-06-10T18:00"])
    );

    // Overlap: G1 asks 3 pieces of work, G2 2, both of them G1's too; G3
    // shares none. One pair, 2 of 3.
    let overlap = r["group_overlap"].as_array().expect("overlap");
    assert_eq!(overlap.len(), 1);
    assert_eq!(overlap[0]["shared_work"], 2);
    assert_eq!(overlap[0]["share"], json!(0.667));

    // Time saved: 2 duplicates x 30 min; posts read: each ask reaches its
    // group but the asker, G1 and G2 two people, G3 one: A1-A3, A6, A7
    // 2 each, A4, A5, A8 1 each = 13, x 1 min. 73 minutes, 1.2 hours.
    let t = &r["time_saved"];
    assert_eq!(t["duplicate_asks"], 2);
    assert_eq!(t["group_posts_read"], 13);
    assert_eq!(t["total_minutes"], json!(2.0 * 30.0 + 13.0));
    assert_eq!(t["total_hours"], json!(1.2));
    assert_eq!(t["assumptions"].as_array().map(Vec::len), Some(2));
}

#[test]
fn the_assumptions_and_short_notice_follow_the_options() {
    let (code, out, err) = report(&[
        "--format",
        "json",
        "--minutes-per-duplicate",
        "45",
        "--minutes-per-post",
        "0.5",
        "--short-notice-hours",
        "4",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let r: Value = serde_json::from_str(&out).expect("json");
    // Under 240 minutes: A5 (90) and A4 (180).
    assert_eq!(r["totals"]["short_notice"], 2);
    assert_eq!(r["period"]["short_notice_minutes"], 240);
    assert_eq!(
        r["time_saved"]["total_minutes"],
        json!(2.0 * 45.0 + 13.0 * 0.5)
    );
    let said = r["time_saved"]["assumptions"].to_string();
    assert!(said.contains("45") && said.contains("0.5"), "{said}");
    // The default period: from the first ask's day to the day after the
    // last event.
    assert_eq!(r["period"]["from"], "2025-06-09");
    assert_eq!(r["period"]["to"], "2025-06-19");
}

/// The report of the fixture in `format`, written to `out`, its charts
/// drawn with the test font: a subset of a CJK font kept with the fixtures
/// (`tests/data/fonts/`), so that they are drawn whether or not the machine
/// has one installed. Exits 0, or the test fails with what it said.
fn report_with_test_font(format: &str, out: &std::path::Path) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("font.toml");
    let font = repo().join("tests/data/fonts/wqy-microhei-subset.ttf");
    std::fs::write(
        &cfg,
        format!("[report]\nfont_path = \"{}\"\n", font.display()),
    )
    .expect("write");
    let log = fixture();
    let done = run(&[
        "--config",
        cfg.to_str().expect("utf-8"),
        "report",
        "--log",
        log.to_str().expect("utf-8"),
        "--format",
        format,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

#[test]
fn html_is_one_self_contained_page_and_markdown_has_the_same_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("r.html");
    report_with_test_font("html", &page);
    let html = std::fs::read_to_string(&page).expect("the page was written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Two charts, inline, with the offices' names as labels.
    assert_eq!(html.matches("<svg").count(), 2, "charts");
    assert!(html.contains("县文旅局") && html.contains("2025-W24"));
    // Nothing fetched: no scripts, links, imports or remote sources.
    for bad in [
        "<script",
        "<link",
        "@import",
        "src=\"http",
        "url(",
        "href=\"http",
    ] {
        assert!(!html.contains(bad), "the page holds {bad}");
    }
    let (code, md, err) = report(&["--format", "md"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(md.contains("| 县文旅局 |"), "{md}");
    assert!(md.contains("| 2025-W24 | 5 | 1 |"), "{md}");
}

fn one_line_exit_2(args: &[&str], says: &str) {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(says), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_input_is_a_one_line_answer_and_exit_2() {
    let log = fixture();
    let log = log.to_str().expect("utf-8");
    one_line_exit_2(
        &["report", "--log", log, "--from", "09/06/2025"],
        "not a date; use YYYY-MM-DD",
    );
    one_line_exit_2(
        &[
            "report",
            "--log",
            log,
            "--from",
            "2025-06-12",
            "--to",
            "2025-06-12",
        ],
        "is empty",
    );
    // A period the log has no asks in.
    one_line_exit_2(
        &[
            "report",
            "--log",
            log,
            "--from",
            "2030-01-01",
            "--to",
            "2030-02-01",
        ],
        "no asks between 2030-01-01 and 2030-02-01",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").expect("write");
    // A journal that holds no events (made by replaying an empty log).
    let db = dir.path().join("db");
    let db = db.to_str().expect("utf-8");
    let made = run(&["replay", "--db", db, empty.to_str().expect("utf-8")]);
    assert!(made.status.success(), "{made:?}");
    one_line_exit_2(&["report", "--db", db], "holds no events");
    one_line_exit_2(
        &[
            "report",
            "--db",
            dir.path().join("nope").to_str().expect("utf-8"),
        ],
        "no such journal",
    );
    one_line_exit_2(
        &["report", "--log", empty.to_str().expect("utf-8")],
        "holds no events",
    );
    one_line_exit_2(
        &["report", "--log", log, "--minutes-per-post=-1"],
        "zero or more",
    );
}

#[test]
fn with_a_font_the_png_for_telegram_is_drawn_within_its_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("r.png");
    report_with_test_font("png", &png);
    let bytes = std::fs::read(&png).expect("the picture was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    // IHDR's width and height, big-endian, right after the signature.
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let (w, h) = (be(16), be(20));
    // What Telegram takes as a photo: at most 10 MB, width + height at most
    // 10000, sides at most 20:1; the report's own bounds: 1000 wide.
    assert_eq!(w, 1000, "width");
    assert!(
        h > 0 && h <= 978 && w + h <= 10_000 && w <= 20 * h,
        "{w}×{h}"
    );
    assert!(bytes.len() < 10 * 1024 * 1024);
}

#[test]
fn without_a_usable_font_the_page_says_why_and_png_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.toml");
    let missing = dir.path().join("no-such-font.ttc");
    std::fs::write(
        &cfg,
        format!("[report]\nfont_path = \"{}\"\n", missing.display()),
    )
    .expect("write");
    let cfg = cfg.to_str().expect("utf-8");
    let log = fixture();
    let log = log.to_str().expect("utf-8");
    let out = run(&["--config", cfg, "report", "--log", log, "--format", "html"]);
    assert_eq!(out.status.code(), Some(0));
    let html = String::from_utf8_lossy(&out.stdout);
    // The figures are all there; the charts are not, and the page says why.
    assert!(!html.contains("<svg"), "no charts without a font");
    assert!(html.contains("the chart needs a CJK font"), "{html}");
    assert!(html.contains("no-such-font.ttc"));
    assert!(html.contains("县文旅局"));
    let png = dir.path().join("r.png");
    let png = png.to_str().expect("utf-8");
    one_line_exit_2(
        &[
            "--config", cfg, "report", "--log", log, "--format", "png", "--out", png,
        ],
        "the chart needs a CJK font",
    );
    one_line_exit_2(
        &["report", "--log", log, "--format", "png"],
        "give it a file with --out",
    );
}
