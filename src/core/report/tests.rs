//! The report over a hand-made state: asks placed directly (pieces of work
//! and deadlines chosen), so every figure below is counted by hand.

use super::*;
use crate::config::Config;
use crate::core::engine::Settings;
use crate::core::event::Event;
use crate::model::MsgRef;

fn engine() -> Engine {
    let mut e = Engine::new(Settings::from_config(&Config::default()).expect("settings"));
    for j in [
        r#"{"type":"person","user_id":1,"name":"周敏"}"#,
        r#"{"type":"person","user_id":2,"name":"王磊"}"#,
        r#"{"type":"person","user_id":3,"name":"李娜"}"#,
        r#"{"type":"person","user_id":4,"name":"陈晨"}"#,
        r#"{"type":"person","user_id":5,"name":"赵刚"}"#,
        r#"{"type":"group","chat_id":-1001,"title":"县委宣传部工作群","owner_id":1}"#,
        r#"{"type":"group","chat_id":-1002,"title":"县文旅局·文化站群","owner_id":3}"#,
        r#"{"type":"group","chat_id":-1003,"title":"第三网格群","owner_id":5}"#,
    ] {
        e.apply(&serde_json::from_str::<Event>(j).expect("test event"));
    }
    for (chat, users) in [(-1001, [1, 2, 4]), (-1002, [3, 2, 4]), (-1003, [5, 2, 0])] {
        for u in users.into_iter().filter(|u| *u != 0) {
            let j = format!(r#"{{"type":"member","chat_id":{chat},"user_id":{u}}}"#);
            e.apply(&serde_json::from_str::<Event>(&j).expect("member"));
        }
    }
    // Monday 4 March 2024 starts week 10; 16 March is a Saturday.
    for (chat, id, sender, sent, deadline, cluster) in [
        (-1001, 1, 1, "03-04 09:00", Some("03-06T12:00"), 1),
        (-1002, 1, 3, "03-04 10:00", Some("03-06T17:00"), 1),
        (-1003, 1, 5, "03-05 16:00", Some("03-05T17:00"), 2),
        (-1001, 2, 1, "03-05 09:00", Some("03-05T18:00"), 3),
        (-1002, 2, 3, "03-11 09:00", Some("03-16"), 4),
        (-1001, 3, 1, "03-11 10:00", None, 4),
        (-1003, 2, 5, "03-01 09:00", Some("03-20"), 5),
        (-1002, 3, 3, "03-12 09:00", None, 5),
        (-1003, 3, 5, "03-05 08:00", Some("03-05T18:30"), 6),
    ] {
        e.tasks
            .insert(task(chat, id, sender, sent, deadline, cluster));
    }
    e
}

fn task(chat: i64, id: i64, sender: i64, sent: &str, deadline: Option<&str>, cluster: u64) -> Task {
    let sent =
        NaiveDateTime::parse_from_str(&format!("2024-{sent}"), "%Y-%m-%d %H:%M").expect("sent");
    Task {
        src: MsgRef {
            chat_id: ChatId(chat),
            message_id: id,
        },
        sender: UserId(sender),
        sent,
        text: format!("请报送第{cluster}项材料").into(),
        deadline: deadline.map(|d| Deadline::parse_label(&format!("2024-{d}")).expect("deadline")),
        assignees: Assignees::Group,
        cluster,
        link: None,
        best_unmerged: None,
        sig: Default::default(),
        task_score: 1,
        considered: Box::new([]),
    }
}

fn params() -> Params {
    Params {
        from: NaiveDate::from_ymd_opt(2024, 3, 4).expect("date"),
        to: NaiveDate::from_ymd_opt(2024, 3, 18).expect("date"),
        short_notice_minutes: 120,
        minutes_per_duplicate: DEFAULT_MINUTES_PER_DUPLICATE,
        minutes_per_group_post: DEFAULT_MINUTES_PER_GROUP_POST,
        top: DEFAULT_TOP,
    }
}

#[allow(clippy::too_many_arguments)]
fn figures(
    asks: usize,
    dup: usize,
    share: f64,
    with_deadline: usize,
    [short, after, off, conflicting, pileups]: [usize; 5],
    median: Option<f64>,
) -> Figures {
    Figures {
        asks,
        duplicate_asks: dup,
        duplicate_share: share,
        with_deadline,
        short_notice: short,
        after_hours: after,
        non_working_day: off,
        conflicting_deadlines: conflicting,
        pileups,
        median_notice_minutes: median,
    }
}

#[test]
fn totals_count_each_kind_of_burden_once() {
    let r = build(&engine(), &params());
    // Eight asks in the period (one on 1 March is before it). Duplicates:
    // -1002#1 (same work pending in -1001), -1001#3 (pending in -1002),
    // -1002#3 (pending in -1003 since 1 March). Notices in minutes: 3060,
    // 3300, 60, 540, 7710 (a bare Saturday: its 17:30), 630.
    assert_eq!(
        r.totals,
        figures(8, 3, 0.375, 6, [1, 2, 1, 1, 1], Some(1845.0))
    );
    assert_eq!(r.period.workday_end, "17:30");
}

#[test]
fn weeks_and_offices_split_the_same_asks() {
    let r = build(&engine(), &params());
    let weeks: Vec<(&str, &Figures)> = r
        .weeks
        .iter()
        .map(|w| (w.week.as_str(), &w.figures))
        .collect();
    assert_eq!(
        weeks,
        vec![
            (
                "2024-W10",
                &figures(5, 1, 0.2, 5, [1, 2, 0, 1, 1], Some(630.0))
            ),
            (
                "2024-W11",
                &figures(3, 2, 0.667, 1, [0, 0, 1, 0, 0], Some(7710.0))
            ),
        ]
    );
    let offices: Vec<(&str, bool, &Figures)> = r
        .offices
        .iter()
        .map(|o| (o.office.as_str(), o.named_in_title, &o.figures))
        .collect();
    assert_eq!(
        offices,
        vec![
            (
                "县委宣传部",
                true,
                &figures(3, 1, 0.333, 2, [0, 1, 0, 1, 1], Some(1800.0))
            ),
            (
                "县文旅局",
                true,
                &figures(3, 2, 0.667, 2, [0, 0, 1, 1, 0], Some(5505.0))
            ),
            (
                "第三网格群",
                false,
                &figures(2, 0, 0.0, 2, [1, 1, 0, 0, 1], Some(345.0))
            ),
        ]
    );
    assert_eq!(r.offices[0].groups[0].owner_name.as_deref(), Some("周敏"));
}

#[test]
fn shared_work_overlap_pileups_and_time_saved() {
    let r = build(&engine(), &params());
    let top: Vec<(usize, usize, usize)> = r
        .top_work
        .iter()
        .map(|w| (w.asks, w.groups, w.people_reached))
        .collect();
    assert_eq!(top, vec![(2, 2, 2), (2, 2, 2)]);
    assert!(r.top_work[0].first_asked < r.top_work[1].first_asked);
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(
        r.conflicts[0].deadlines,
        vec!["2024-03-06T12:00", "2024-03-06T17:00"]
    );
    assert_eq!(r.pileups.len(), 1);
    assert_eq!(r.pileups[0].person, "王磊");
    assert_eq!(
        r.pileups[0].deadlines,
        vec!["2024-03-05T17:00", "2024-03-05T18:00", "2024-03-05T18:30"]
    );
    assert_eq!(r.group_overlap.len(), 1);
    let o = &r.group_overlap[0];
    assert_eq!(
        (o.a.chat_id, o.b.chat_id, o.shared_work, o.share),
        (ChatId(-1002), ChatId(-1001), 2, 0.5)
    );
    // 3 duplicates × 30 min; 14 person-posts (two people per ask, one in
    // the grid group whose sender is the only other member) × 1 min.
    let t = &r.time_saved;
    assert_eq!(
        (t.group_posts_read, t.total_minutes, t.total_hours),
        (14, 104.0, 1.7)
    );
    assert_eq!(t.assumptions.len(), 2);
}

#[test]
fn a_period_without_asks_reports_zeros() {
    let mut p = params();
    p.from = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    p.to = NaiveDate::from_ymd_opt(2025, 2, 1).expect("date");
    let r = build(&engine(), &p);
    assert_eq!(r.totals, Figures::default());
    assert!(r.weeks.is_empty() && r.offices.is_empty() && r.group_overlap.is_empty());
}

#[test]
fn pending_elsewhere_agrees_with_comparing_every_earlier_ask() {
    // Random asks of one piece of work from four groups; the one-pass answer
    // against the pairwise one it replaces.
    let base = NaiveDate::from_ymd_opt(2024, 3, 4)
        .expect("date")
        .and_time(NaiveTime::MIN);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _ in 0..200 {
        let asks: Vec<(ChatId, NaiveDateTime, NaiveDateTime)> = (0..12)
            .map(|i| {
                let sent = base + chrono::Duration::hours(i * 3);
                let until = sent + chrono::Duration::hours(next(40) as i64);
                (ChatId(-(next(4) as i64) - 1), sent, until)
            })
            .collect();
        let mut open = Pending::default();
        for (i, (chat, sent, until)) in asks.iter().enumerate() {
            let pairwise = asks[..i].iter().any(|(c, _, u)| c != chat && sent < u);
            assert_eq!(open.elsewhere_at(*chat, *sent), pairwise, "{asks:?} at {i}");
            open.add(*chat, *until);
        }
    }
}
