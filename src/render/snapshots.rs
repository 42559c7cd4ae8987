//! Snapshot tests of the rendered digest, in both languages and both
//! formats, against the expected files in `tests/data/snapshots/`. Set
//! `UPDATE_SNAPSHOTS=1` to rewrite them after a deliberate change.

use super::{Format, Scope, digest_parts};
use crate::core::digest::{Digest, Item, Source};
use crate::model::{ChatId, Deadline, Lang, MsgRef, UserId};
use chrono::{NaiveDate, NaiveDateTime};
use std::path::PathBuf;

fn t(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 9, d)
        .and_then(|x| x.and_hms_opt(h, m, 0))
        .expect("time")
}

fn source(chat: i64, msg: i64, title: &str, sent: NaiveDateTime, due: Option<Deadline>) -> Source {
    let m = MsgRef {
        chat_id: ChatId(chat),
        message_id: msg,
    };
    Source {
        msg: m,
        chat_title: title.into(),
        sender_name: "Lin".into(),
        sent,
        deadline: due,
        text: String::new(),
        link: crate::core::digest::message_link(m),
        assigned: true,
    }
}

fn item(cluster: u64, title: &str, due: Option<Deadline>, sources: Vec<Source>) -> Item {
    let mut deadlines: Vec<Deadline> = sources.iter().filter_map(|s| s.deadline).collect();
    deadlines.sort_by_key(|d| d.sort_key());
    deadlines.dedup();
    Item {
        cluster,
        deadline: due,
        conflict: deadlines.len() > 1,
        deadlines,
        short_notice: false,
        overdue: false,
        pileup: false,
        sources,
        confidence: 1.0,
        title: title.into(),
        maybe_same: vec![],
    }
}

fn digest(items: Vec<Item>, overdue: Vec<Item>) -> Digest {
    Digest {
        user: UserId(7),
        at: t(3, 7, 30),
        items,
        overdue,
        pileups: vec![],
    }
}

const G1: i64 = -1_002_000_000_001;
const G2: i64 = -1_002_000_000_002;
const G3: i64 = -1_002_000_000_003;

fn min(d: u32, h: u32, m: u32) -> Option<Deadline> {
    Some(Deadline::Minute(t(d, h, m)))
}

fn cases() -> Vec<(&'static str, Digest)> {
    let one = digest(
        vec![item(
            1,
            "秋季防火检查表报安监站 <A&B>",
            min(3, 17, 0),
            vec![source(G1, 11, "镇政府工作群", t(2, 9, 0), min(3, 17, 0))],
        )],
        vec![],
    );
    let merged = digest(
        vec![item(
            2,
            "Send the Q3 vaccination figures",
            min(3, 16, 0),
            vec![
                source(G1, 12, "Town hall", t(1, 9, 0), min(3, 16, 0)),
                source(G1, 13, "Town hall", t(1, 15, 0), min(4, 12, 0)),
                source(G2, 21, "Health office", t(2, 10, 0), min(5, 17, 0)),
                source(G1, 14, "Town hall", t(2, 11, 0), min(3, 16, 0)),
            ],
        )],
        vec![],
    );
    let undated = digest(
        vec![item(
            3,
            "整理防汛物资台账",
            None,
            vec![source(G3, 31, "防汛专班", t(2, 18, 0), None)],
        )],
        vec![],
    );
    let mut late = item(
        4,
        "上报清明假期安全生产情况",
        min(2, 17, 0),
        vec![source(G1, 15, "镇政府工作群", t(2, 8, 0), min(2, 17, 0))],
    );
    late.overdue = true;
    let mut late2 = item(
        5,
        "Return the fire drill sign-in sheet",
        Some(Deadline::Day(
            NaiveDate::from_ymd_opt(2025, 9, 1).expect("d"),
        )),
        vec![source(G2, 22, "Health office", t(1, 8, 0), None)],
    );
    late2.overdue = true;
    let overdue = digest(
        vec![item(
            6,
            "Book the training room",
            min(5, 12, 0),
            vec![source(G2, 23, "Health office", t(2, 9, 0), min(5, 12, 0))],
        )],
        vec![late, late2],
    );
    let long = digest(
        (0..12u32)
            .map(|k| {
                let due = min(3 + k / 3, 9 + k % 8, 0);
                item(
                    10 + u64::from(k),
                    &format!("Task number {k}"),
                    due,
                    vec![source(G1, 40 + i64::from(k), "Town hall", t(1, 9, 0), due)],
                )
            })
            .collect(),
        vec![],
    );
    vec![
        ("one-item", one),
        ("merged-conflict", merged),
        ("undated", undated),
        ("overdue", overdue),
        ("long-more", long),
    ]
}

fn render_all(d: &Digest, lang: Lang) -> String {
    let mut out = String::new();
    for (f, name) in [(Format::Text, "text"), (Format::Html, "html")] {
        out.push_str(&format!("==== {name} ====\n"));
        for p in digest_parts(d, "Lin", lang, f, Scope::Daily) {
            out.push_str(&p.text);
            let done: Vec<String> = p.items.iter().map(|(n, _)| n.to_string()).collect();
            out.push_str(&format!("\n---- buttons: {}\n", done.join(" ")));
        }
    }
    out
}

#[test]
fn rendered_digests_match_their_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut wrong = Vec::new();
    for (name, d) in cases() {
        for (lang, l) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            let got = render_all(&d, lang);
            let path = dir.join(format!("{name}.{l}.txt"));
            if update {
                std::fs::write(&path, &got).expect("write snapshot");
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_default();
            if got != want {
                wrong.push(format!("{}:\n{got}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "snapshots differ (UPDATE_SNAPSHOTS=1 to accept):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn all_lists_what_the_daily_digest_leaves_for_later() {
    let (_, long) = cases().pop().expect("long");
    let daily = digest_parts(&long, "Lin", Lang::En, Format::Text, Scope::Daily);
    let all = digest_parts(&long, "Lin", Lang::En, Format::Text, Scope::All);
    let count = |ps: &[super::DigestPart]| ps.iter().map(|p| p.items.len()).sum::<usize>();
    assert_eq!(count(&daily), super::SHOWN_ITEMS);
    assert_eq!(count(&all), 12);
    assert!(
        daily
            .iter()
            .any(|p| p.text.contains("+ 4 more: /digest all"))
    );
    assert!(!all.iter().any(|p| p.text.contains("/digest all")));
}

#[test]
fn maybe_the_same_names_only_shown_items_and_merged_items_carry_no_percentage() {
    let (_, mut long) = cases().pop().expect("long");
    long.items[0].maybe_same = vec![long.items[1].cluster, long.items[11].cluster];
    long.items[0].confidence = 0.44;
    let daily = digest_parts(&long, "Lin", Lang::En, Format::Text, Scope::Daily);
    assert!(
        daily[0].text.contains("maybe the same as #2\n"),
        "{}",
        daily[0].text
    );
    let all = digest_parts(&long, "Lin", Lang::Zh, Format::Text, Scope::All);
    assert!(
        all[0].text.contains("可能与第 2、12 项是同一件事"),
        "{}",
        all[0].text
    );
    assert!(!all[0].text.contains('%'));
}
