//! The engine as a whole: events in, tasks, clusters, digests and
//! warnings out.

use super::judge::passes_on_in_time;
use super::*;
use crate::config::Config;
use crate::core::matcher;
use crate::model::Deadline;

/// The reasons kept for a candidate: only the best one's are.
fn reasons_of<'a>(t: &'a Task, c: &Candidate) -> &'a [matcher::Reason] {
    t.link
        .iter()
        .chain(t.best_unmerged.as_deref())
        .find(|l| l.to == c.to)
        .map(|l| l.reasons.as_slice())
        .unwrap_or(&[])
}
use crate::core::digest;

fn ev(json: &str) -> Event {
    serde_json::from_str(json).expect("valid test event")
}

fn engine() -> Engine {
    let mut e = people_and_groups();
    for j in [
        r#"{"type":"message","chat_id":-1001,"message_id":10,"sender_id":1,"date":"2024-03-04T09:00:00+08:00","text":"各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。"}"#,
        r#"{"type":"message","chat_id":-1002,"message_id":20,"sender_id":3,"date":"2024-03-04T10:00:00+08:00","text":"各村：学雷锋志愿服务活动信息和照片请明天下午5点前报我。"}"#,
    ] {
        e.apply(&ev(j));
    }
    e
}

/// Two groups: 周敏 (1) owns -1001, 李娜 (3) owns -1002, 王磊 (2) is in both.
fn people_and_groups() -> Engine {
    let mut e = Engine::new(Settings::from_config(&Config::default()).expect("settings"));
    for j in [
        r#"{"type":"person","user_id":1,"name":"周敏"}"#,
        r#"{"type":"person","user_id":2,"name":"王磊"}"#,
        r#"{"type":"person","user_id":3,"name":"李娜"}"#,
        r#"{"type":"group","chat_id":-1001,"title":"县委宣传部群","owner_id":1}"#,
        r#"{"type":"group","chat_id":-1002,"title":"镇宣传办群","owner_id":3}"#,
        r#"{"type":"member","chat_id":-1001,"user_id":1}"#,
        r#"{"type":"member","chat_id":-1001,"user_id":2}"#,
        r#"{"type":"member","chat_id":-1002,"user_id":3}"#,
        r#"{"type":"member","chat_id":-1002,"user_id":2}"#,
    ] {
        e.apply(&ev(j));
    }
    e
}

const A: MsgRef = MsgRef {
    chat_id: ChatId(-1001),
    message_id: 10,
};
const B: MsgRef = MsgRef {
    chat_id: ChatId(-1002),
    message_id: 20,
};

fn at() -> NaiveDateTime {
    NaiveDateTime::parse_from_str("2024-03-05T07:30", "%Y-%m-%dT%H:%M").expect("time")
}

#[test]
fn a_persons_groups_follow_joins_and_leaves() {
    let mut e = engine();
    let (a, b) = (ChatId(-100), ChatId(-200));
    let member = |chat: ChatId, user: i64| {
        ev(&format!(
            r#"{{"type":"member","chat_id":{},"user_id":{user}}}"#,
            chat.0
        ))
    };
    e.apply(&member(b, 7));
    e.apply(&member(a, 7));
    e.apply(&member(a, 7));
    e.apply(&member(a, 8));
    e.apply(&ev(&format!(
        r#"{{"type":"member_left","chat_id":{},"user_id":7}}"#,
        b.0
    )));
    for (chat, user) in [(a, 7), (b, 7), (a, 8), (b, 8), (a, 9)] {
        assert_eq!(
            e.in_group(UserId(user), chat),
            e.is_member(chat, UserId(user)),
            "{chat:?} {user}"
        );
    }
    assert!(e.in_group(UserId(7), a) && !e.in_group(UserId(7), b));
    assert_eq!(e.groups_of[&UserId(7)], vec![a]);
}

#[test]
fn the_same_ask_from_two_offices_is_one_item_with_both_sources() {
    let e = engine();
    assert_eq!(
        e.tasks[&A].cluster, e.tasks[&B].cluster,
        "{:?}",
        e.tasks[&B].considered
    );
    let d = digest::build(&e, UserId(2), at());
    assert_eq!(d.items.len(), 1);
    assert_eq!(d.items[0].sources.len(), 2);
    assert!(d.items[0].conflict, "3/6 12:00 and 3/5 17:00 differ");
}

#[test]
fn a_never_merge_verdict_is_honoured_at_once_and_same_merges_back() {
    let mut e = engine();
    e.apply(&ev(r#"{"type":"feedback","task":{"chat_id":-1002,"message_id":20},"other":{"chat_id":-1001,"message_id":10},"same":false,"by":3,"date":"2024-03-04T10:05:00+08:00"}"#));
    assert_ne!(e.tasks[&A].cluster, e.tasks[&B].cluster);
    assert_eq!(
        digest::build(&e, UserId(2), at()).items.len(),
        2,
        "both asks still shown, apart"
    );
    // A later chaser that looks like both cannot bring them back together
    // through the pair the person separated.
    assert_eq!(e.verdict(A, B), Some(false));
    e.apply(&ev(r#"{"type":"feedback","task":{"chat_id":-1002,"message_id":20},"other":{"chat_id":-1001,"message_id":10},"same":true,"by":3,"date":"2024-03-04T10:06:00+08:00"}"#));
    assert_eq!(e.tasks[&A].cluster, e.tasks[&B].cluster);
}

fn msg(chat: i64, id: i64, sender: i64, date: &str, text: &str) -> Event {
    ev(&serde_json::json!({
        "type": "message", "chat_id": chat, "message_id": id, "sender_id": sender,
        "date": date, "text": text,
    })
    .to_string())
}

fn r(chat: i64, id: i64) -> MsgRef {
    MsgRef {
        chat_id: ChatId(chat),
        message_id: id,
    }
}

#[test]
fn the_askers_reminder_in_the_group_joins_the_open_ask() {
    let mut e = engine();
    e.apply(&msg(
        -1002,
        21,
        3,
        "2024-03-04T10:30:00+08:00",
        "各村：请把本村冬春季节水利设施巡护记录表整理好，周三下午5点前发群里。",
    ));
    e.apply(&msg(
        -1002,
        22,
        3,
        "2024-03-04T11:00:00+08:00",
        "各村：请组织村民开展一次人居环境整治，整治前后对比照片周四前报我。",
    ));
    e.apply(&msg(
        -1002,
        23,
        3,
        "2024-03-05T16:00:00+08:00",
        "提醒：水利设施巡护记录表还有3个村没发，抓紧。",
    ));
    let t = &e.tasks[&r(-1002, 23)];
    assert_eq!(
        t.cluster,
        e.tasks[&r(-1002, 21)].cluster,
        "{:?}",
        t.considered
    );
    assert!(
        t.link
            .as_ref()
            .is_some_and(|l| l.reasons.contains(&matcher::Reason::FollowUp)),
        "{:?}",
        t.link
    );
    // Precision trap: the same chaser words about nothing the group was
    // asked for stay a piece of work of their own.
    e.apply(&msg(
        -1002,
        24,
        3,
        "2024-03-05T16:10:00+08:00",
        "提醒：防火宣传横幅还有3个村没挂，抓紧。",
    ));
    let t = &e.tasks[&r(-1002, 24)];
    assert!(t.link.is_none(), "{:?}", t.link);
}

#[test]
fn a_reminder_in_another_group_is_no_follow_up() {
    let mut e = engine();
    // 李娜 (3) chases in her own group an ask that only 周敏's group got.
    e.apply(&msg(
        -1001,
        11,
        1,
        "2024-03-04T10:30:00+08:00",
        "各乡镇：请把冬春季节水利设施巡护记录表整理好，周三下午5点前报送。",
    ));
    e.apply(&msg(
        -1002,
        25,
        3,
        "2024-03-05T16:00:00+08:00",
        "提醒：巡护记录还有人没发。",
    ));
    let t = &e.tasks[&r(-1002, 25)];
    assert!(
        !t.considered
            .iter()
            .any(|l| reasons_of(t, l).contains(&matcher::Reason::FollowUp)),
        "{:?}",
        t.considered
    );
}

#[test]
fn passing_an_ask_on_sets_an_earlier_deadline_not_a_later_one() {
    // 王磊 (2) received A (due 3/6 12:00) in -1001 and asks in -1002.
    let a = r#"{"type":"message","chat_id":-1001,"message_id":10,"sender_id":1,"date":"2024-03-04T09:00:00+08:00","text":"各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。"}"#;
    let mut e = people_and_groups();
    e.apply(&ev(a));
    e.apply(&msg(
        -1002,
        31,
        2,
        "2024-03-04T11:00:00+08:00",
        "各村：学雷锋志愿服务活动信息和照片3月5日下班前报我汇总。",
    ));
    let relay = &e.tasks[&r(-1002, 31)];
    assert_eq!(relay.cluster, e.tasks[&A].cluster, "{:?}", relay.considered);
    assert!(
        relay
            .link
            .as_ref()
            .is_some_and(|l| l.reasons.contains(&matcher::Reason::Relay)),
        "{:?}",
        relay.link
    );
    // Precision trap: due after what he received, it is not his relay of it.
    let mut e = people_and_groups();
    e.apply(&ev(a));
    e.apply(&msg(
        -1002,
        32,
        2,
        "2024-03-04T11:00:00+08:00",
        "各村：学雷锋志愿服务活动信息和照片3月9日下班前报我汇总。",
    ));
    let later = &e.tasks[&r(-1002, 32)];
    assert!(
        !later
            .considered
            .iter()
            .any(|l| reasons_of(later, l).contains(&matcher::Reason::Relay)),
        "{:?}",
        later.considered
    );
    assert!(passes_on_in_time(None, Some(Deadline::Day(at().date()))));
}

#[test]
fn an_earlier_internal_deadline_at_the_same_hour_is_no_other_instance() {
    let mut e = engine();
    e.apply(&msg(
        -1001,
        12,
        1,
        "2024-03-04T09:00:00+08:00",
        "各乡镇：请于3月8日17:30前报送春季森林防火值班表。",
    ));
    e.apply(&msg(
        -1002,
        33,
        2,
        "2024-03-04T10:00:00+08:00",
        "各村：春季森林防火值班表3月7日17:30前报我。",
    ));
    let t = &e.tasks[&r(-1002, 33)];
    assert_eq!(
        t.cluster,
        e.tasks[&r(-1001, 12)].cluster,
        "{:?}",
        t.considered
    );
    assert!(
        t.link
            .as_ref()
            .is_some_and(|l| !l.reasons.contains(&matcher::Reason::AnotherInstance)),
        "{:?}",
        t.link
    );
    // The same hour on a later day is (a sign of) the next round.
    e.apply(&msg(
        -1002,
        34,
        3,
        "2024-03-04T10:05:00+08:00",
        "各村：每日秸秆禁烧巡查情况今天17:30前报我。",
    ));
    e.apply(&msg(
        -1002,
        35,
        3,
        "2024-03-04T16:00:00+08:00",
        "各村：每日秸秆禁烧巡查情况明天17:30前报我。",
    ));
    let t = &e.tasks[&r(-1002, 35)];
    assert!(
        t.considered
            .first()
            .is_some_and(|l| reasons_of(t, l).contains(&matcher::Reason::AnotherInstance)),
        "{:?}",
        t.considered
    );
}

#[test]
fn done_hides_the_item_for_that_person_only() {
    let mut e = engine();
    e.apply(&ev(r#"{"type":"member","chat_id":-1002,"user_id":1}"#));
    e.apply(&ev(r#"{"type":"done","user_id":2,"task":{"chat_id":-1002,"message_id":20},"date":"2024-03-04T11:00:00+08:00"}"#));
    assert!(digest::build(&e, UserId(2), at()).items.is_empty());
    assert_eq!(digest::build(&e, UserId(1), at()).items.len(), 1);
}

#[test]
fn an_owner_is_warned_when_another_office_already_asked() {
    let mut e = engine();
    e.apply(&ev(
        r#"{"type":"group","chat_id":-1003,"title":"县文旅局群","owner_id":4}"#,
    ));
    e.apply(&ev(r#"{"type":"member","chat_id":-1003,"user_id":4}"#));
    e.apply(&ev(r#"{"type":"member","chat_id":-1003,"user_id":2}"#));
    let fx = e.apply(&ev(r#"{"type":"message","chat_id":-1003,"message_id":30,"sender_id":4,"date":"2024-03-04T11:00:00+08:00","text":"各文化站：学雷锋志愿服务活动开展情况（文字+照片）3月6日前报送。"}"#));
    let Some(Effect::Warning(w)) = fx.first() else {
        panic!("no warning: {fx:?}")
    };
    assert_eq!(w.to, UserId(4));
    assert!(w.duplicate_of.contains(&A));
    assert!(!w.reasons.is_empty());
}

/// A message at `hh:mm` on March `day` 2024 in group `chat`.
fn say(
    e: &mut Engine,
    chat: i64,
    id: i64,
    sender: i64,
    day: u32,
    hhmm: &str,
    text: &str,
) -> MsgRef {
    e.apply(&ev(&format!(
        r#"{{"type":"message","chat_id":{chat},"message_id":{id},"sender_id":{sender},"date":"2024-03-{day:02}T{hhmm}:00+08:00","text":"{text}"}}"#
    )));
    MsgRef {
        chat_id: ChatId(chat),
        message_id: id,
    }
}

#[test]
fn a_chaser_attaches_to_one_ask_and_never_bridges_two() {
    let mut e = people_and_groups();
    let fire = say(
        &mut e,
        -1001,
        30,
        1,
        4,
        "09:00",
        "各村：请于3月8日前报送春季森林防火巡查台账。",
    );
    let chaser = say(&mut e, -1001, 31, 1, 5, "09:00", "@王磊 抓紧报一下");
    assert!(e.tasks.contains_key(&chaser), "the chaser is an ask");
    assert!(matcher::is_thin(&e.tasks[&chaser].sig));
    let other = say(
        &mut e,
        -1001,
        32,
        1,
        5,
        "10:00",
        "@王磊 请明天报一下党员学习笔记",
    );
    assert!(
        e.tasks[&other].considered.iter().all(|c| c.to != chaser),
        "a chaser is no target: {:?}",
        e.tasks[&other].considered
    );
    assert_ne!(e.tasks[&other].cluster, e.tasks[&fire].cluster);
}

#[test]
fn each_days_instance_of_recurring_work_stays_apart() {
    let mut e = people_and_groups();
    let text = "各村：请报送夜班交班记录和值守人员名单。";
    let mon = say(&mut e, -1001, 40, 1, 4, "08:00", text);
    let mon_again = say(&mut e, -1001, 41, 1, 4, "08:30", text);
    let tue = say(&mut e, -1001, 42, 1, 5, "08:00", text);
    assert_eq!(
        e.tasks[&mon].cluster, e.tasks[&mon_again].cluster,
        "the same day's ask twice is one piece of work"
    );
    assert_ne!(
        e.tasks[&mon].cluster, e.tasks[&tue].cluster,
        "the next day's shift handover is its own: {:?}",
        e.tasks[&tue].considered
    );
}

#[test]
fn an_ask_that_says_it_is_separate_work_does_not_merge() {
    let mut e = people_and_groups();
    let fire = say(
        &mut e,
        -1001,
        50,
        1,
        4,
        "09:00",
        "各村：请于3月8日前报送消防安全隐患排查台账。",
    );
    let gas = say(
        &mut e,
        -1001,
        51,
        1,
        4,
        "10:00",
        "各村：燃气安全隐患排查台账和消防安全隐患排查台账是两回事，请于3月8日前报送燃气安全隐患排查台账。",
    );
    held_apart_though_alike(&e, gas, fire);
}

/// `new`'s best candidate is `old`, alike enough to merge, yet `new` is
/// kept apart (what it says sets it apart).
fn held_apart_though_alike(e: &Engine, new: MsgRef, old: MsgRef) {
    let best = e.tasks[&new].considered.first().expect("a candidate");
    assert_eq!(best.to, old);
    assert!(
        f64::from(best.score) >= e.settings.rules.duplicate,
        "alike enough to merge but for the statement: {}",
        best.score
    );
    assert_ne!(e.tasks[&new].cluster, e.tasks[&old].cluster);
}

#[test]
fn an_english_answer_that_says_separate_does_not_merge() {
    let mut e = people_and_groups();
    let weekly = say(
        &mut e,
        -1001,
        52,
        1,
        4,
        "09:00",
        "Observers: please log the hand hygiene audit observations in the app by Friday.",
    );
    let extra = say(
        &mut e,
        -1001,
        53,
        1,
        4,
        "09:30",
        "Observers: please log 10 extra hand hygiene audit observations in the app by Friday; they're separate.",
    );
    held_apart_though_alike(&e, extra, weekly);
}

#[test]
fn a_chaser_replying_to_an_open_ask_joins_it() {
    let mut e = people_and_groups();
    let ask = say(
        &mut e,
        -1001,
        60,
        1,
        4,
        "09:00",
        "各村：请于3月8日前报送春季森林防火巡查台账。",
    );
    e.apply(&ev(r#"{"type":"message","chat_id":-1001,"message_id":61,"sender_id":1,"date":"2024-03-06T09:00:00+08:00","text":"@王磊 抓紧报一下","reply_to_message_id":60}"#));
    let chaser = MsgRef {
        chat_id: ChatId(-1001),
        message_id: 61,
    };
    assert!(e.tasks.contains_key(&chaser), "the chaser is an ask");
    assert!(matcher::is_thin(&e.tasks[&chaser].sig));
    assert_eq!(
        e.tasks[&chaser].cluster, e.tasks[&ask].cluster,
        "{:?}",
        e.tasks[&chaser].considered
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Whatever asks, chasers and relays arrive, in whatever order and
    /// groups, a message joins at most one piece of work: two asks that
    /// were apart before a message are apart after it (no reply or pointer
    /// here names two asks at once).
    #[test]
    fn no_message_joins_two_existing_pieces_of_work(
        steps in proptest::collection::vec(
            (0usize..2, 0usize..4, 0usize..4, 0usize..3, 4u32..8),
            1..24,
        ),
    ) {
        const WORK: [&str; 4] = ["森林防火巡查台账", "学雷锋志愿服务活动照片", "燃气安全隐患排查表", "党员学习笔记"];
        const WHEN: [&str; 3] = ["3月8日前", "明天下午5点前", "今天下班前"];
        const FORM: [&str; 4] = [
            "各村：请于{when}报送{work}。",
            "{work}请{when}报我，谢谢",
            "还没报{work}的抓紧，{when}",
            "@王磊 抓紧报一下",
        ];
        let mut e = people_and_groups();
        for (i, (g, w, f, t, day)) in steps.iter().enumerate() {
            let chat = if *g == 0 { -1001 } else { -1002 };
            let sender = if *g == 0 { 1 } else { 3 };
            let text = FORM[*f].replace("{work}", WORK[*w]).replace("{when}", WHEN[*t]);
            let before: Vec<(MsgRef, u64)> =
                e.tasks.values().map(|t| (t.src, t.cluster)).collect();
            say(&mut e, chat, 100 + i as i64, sender, *day, "09:00", &text);
            for (a, ca) in &before {
                for (b, cb) in &before {
                    if ca != cb
                        && let (Some(ta), Some(tb)) = (e.tasks.get(a), e.tasks.get(b))
                    {
                        proptest::prop_assert_ne!(
                            ta.cluster, tb.cluster,
                            "{} and {} were apart before “{}”", a, b, text
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_pointer_at_the_usual_time_takes_todays_instance_of_it() {
    let mut e = people_and_groups();
    let first = say(
        &mut e,
        -1001,
        60,
        1,
        4,
        "08:00",
        "各村：今天起每天下午2点前报送秸秆禁烧巡查日志。",
    );
    assert_eq!(
        e.tasks[&first].deadline.map(|d| d.to_label()).as_deref(),
        Some("2024-03-04T14:00")
    );
    let pointer = say(
        &mut e,
        -1001,
        61,
        1,
        6,
        "09:00",
        "秸秆禁烧巡查日志 at the usual time please",
    );
    assert_eq!(
        e.tasks[&pointer].deadline.map(|d| d.to_label()).as_deref(),
        Some("2024-03-06T14:00"),
        "the passed 14:00 carried to today"
    );
    // A pointed-at time still ahead stays as it is.
    let meeting = say(
        &mut e,
        -1002,
        62,
        3,
        6,
        "09:00",
        "各村：请于3月8日上午9点前报送春耕备耕情况表。",
    );
    let moved = say(
        &mut e,
        -1002,
        63,
        3,
        6,
        "10:00",
        "春耕备耕情况表改为电子版，截止时间不变，请各村注意。",
    );
    assert_eq!(
        e.tasks[&moved].deadline,
        e.tasks[&meeting].deadline,
        "{:?}",
        e.tasks.get(&moved).map(|t| &t.text)
    );
}

#[test]
fn a_pointer_at_a_notice_takes_that_notice_also_when_another_posted_it() {
    let mut e = people_and_groups();
    // Member 2's own earlier ask, passed by now.
    say(
        &mut e,
        -1001,
        70,
        2,
        4,
        "09:00",
        "各组长周一下班前把参会人数报我。",
    );
    // Member 1's notice, still open.
    let notice = say(
        &mut e,
        -1001,
        71,
        1,
        5,
        "09:00",
        "【支部通知】主题党日定于3月8日下午4点在三楼开展，请全体党员3:50前签到。",
    );
    let pointer = say(
        &mut e,
        -1001,
        72,
        2,
        6,
        "10:00",
        "主题党日时间地点有调整，以书记修改后的通知为准，请大家相互转告。",
    );
    assert_eq!(
        e.tasks[&pointer].deadline.map(|d| d.to_label()).as_deref(),
        Some("2024-03-08T15:50")
    );
    assert_eq!(e.tasks[&pointer].deadline, e.tasks[&notice].deadline);
}

#[test]
fn a_not_duplicate_verdict_splits_a_large_cluster_along_its_links() {
    // 20,000 asks in one cluster, each linked to an earlier one (ask i to
    // ask (i - 1) / 2: a binary tree). "Not a duplicate" on the root and
    // ask 1 moves ask 1 and every ask linked to it, through others too.
    let mut e = engine();
    let proto = e.tasks.get(&A).expect("a task").clone();
    let n: i64 = 20_000;
    let src = |i: i64| MsgRef {
        chat_id: ChatId(-1001),
        message_id: 1_000 + i,
    };
    let cluster = 9_999;
    for i in 0..n {
        let mut t = proto.clone();
        t.src = src(i);
        t.sent = proto.sent + chrono::Duration::minutes(i);
        t.cluster = cluster;
        t.link = (i > 0).then(|| Link {
            to: src((i - 1) / 2),
            score: 0.9,
            reasons: vec![],
        });
        let id = e.tasks.insert(t);
        e.clusters.entry(cluster).or_default().push(id);
    }
    e.feedback(src(0), src(1), false);
    // Ask i is under ask 1 when halving i + 1 reaches 2 before 1.
    let under_one = |i: i64| {
        let mut k = i + 1;
        while k > 3 {
            k /= 2;
        }
        k == 2
    };
    let fresh = e.tasks.get(&src(1)).expect("ask 1").cluster;
    assert_ne!(fresh, cluster);
    assert!(e.tasks.get(&src(1)).expect("ask 1").link.is_none());
    let mut moved = 0;
    for i in 0..n {
        let t = e.tasks.get(&src(i)).expect("ask");
        let want = if under_one(i) { fresh } else { cluster };
        assert_eq!(t.cluster, want, "ask {i}");
        moved += usize::from(under_one(i));
    }
    assert_eq!(e.clusters[&fresh].len(), moved);
    assert_eq!(e.clusters[&cluster].len(), n as usize - moved);
    assert!(moved > 9_000, "{moved}");
    assert_eq!(e.verdict(src(1), src(0)), Some(false));
}

#[test]
fn a_readers_view_builds_the_same_digest_as_the_whole_engine() {
    let mut e = engine();
    for j in [
        r#"{"type":"member","chat_id":-1002,"user_id":1}"#,
        r#"{"type":"group","chat_id":-1003,"title":"别的群","owner_id":3}"#,
        r#"{"type":"member","chat_id":-1003,"user_id":3}"#,
        r#"{"type":"member","chat_id":-1003,"user_id":1}"#,
        r#"{"type":"message","chat_id":-1003,"message_id":30,"sender_id":3,"date":"2024-03-04T11:00:00+08:00","text":"请周敏明天上午10点前报送防汛物资清单。"}"#,
        r#"{"type":"message","chat_id":-1001,"message_id":11,"sender_id":1,"date":"2024-03-04T12:00:00+08:00","text":"各位：请今天下午5点前报送值班表。"}"#,
        r#"{"type":"message","chat_id":-1002,"message_id":21,"sender_id":3,"date":"2024-03-05T12:00:00+08:00","text":"请各村明天报送人口普查数据。"}"#,
        r#"{"type":"done","user_id":2,"task":{"chat_id":-1001,"message_id":11},"date":"2024-03-04T13:00:00+08:00"}"#,
    ] {
        e.apply(&ev(j));
    }
    for user in [1, 2, 3, 4] {
        for t in ["2024-03-04T11:30", "2024-03-05T07:30", "2024-03-06T07:30"] {
            let at = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").expect("time");
            let whole = digest::build(&e, UserId(user), at);
            let view = e.reader_view(UserId(user), at);
            assert_eq!(
                digest::build(&view, UserId(user), at),
                whole,
                "{user} at {t}"
            );
            assert_eq!(view.people.get(&UserId(user)), e.people.get(&UserId(user)));
        }
    }
    // Something to compare: person 2 sees items, not the group apart.
    let at = NaiveDateTime::parse_from_str("2024-03-05T07:30", "%Y-%m-%dT%H:%M").expect("t");
    assert!(!digest::build(&e, UserId(2), at).items.is_empty());
    let view = e.reader_view(UserId(2), at);
    assert!(!view.groups.contains_key(&ChatId(-1003)));
    assert!(view.tasks.len() < e.tasks.len());
}

/// The signals kept for one scored pair.
fn signals(e: &Engine, new: MsgRef, old: MsgRef) -> crate::core::dupmodel::Features {
    e.samples()
        .iter()
        .find(|s| s.new == new && s.old == old)
        .map(|s| s.x)
        .unwrap_or_else(|| panic!("{new} was not scored against {old}"))
}

#[test]
fn a_pair_says_whether_it_keeps_the_time_and_who_chases_whose_ask() {
    use crate::core::dupmodel::f;
    let mut e = people_and_groups();
    e.collect_samples();
    for (chat, id, sender, date, text) in [
        (
            -1002,
            41,
            3,
            "2024-03-04T09:00:00+08:00",
            "各村：请把本村水利设施巡护记录表整理好，周三下午5点前发群里。",
        ),
        // Relayed with the same time, and with another.
        (
            -1001,
            42,
            1,
            "2024-03-04T09:30:00+08:00",
            "各乡镇：水利设施巡护记录表周三下午5点前报送。",
        ),
        (
            -1001,
            43,
            1,
            "2024-03-04T09:40:00+08:00",
            "各乡镇：水利设施巡护记录表周二下午5点前报送。",
        ),
        // The asker's own reminder, then a colleague's.
        (
            -1002,
            44,
            3,
            "2024-03-05T16:00:00+08:00",
            "提醒：水利设施巡护记录表还有3个村没发，抓紧。",
        ),
        (
            -1002,
            45,
            2,
            "2024-03-05T16:30:00+08:00",
            "提醒：水利设施巡护记录表还没发的抓紧。",
        ),
    ] {
        e.apply(&msg(chat, id, sender, date, text));
    }
    let x = signals(&e, r(-1001, 42), r(-1002, 41));
    assert_eq!(x[f::SAME_DEADLINE], 1.0, "{x:?}");
    assert_eq!(x[f::CHASES_HERE], 0.0, "{x:?}");
    let x = signals(&e, r(-1001, 43), r(-1002, 41));
    assert_eq!(x[f::SAME_DEADLINE], 0.0, "{x:?}");
    let x = signals(&e, r(-1002, 44), r(-1002, 41));
    assert_eq!((x[f::CHASES_HERE], x[f::CHASES_OWN]), (1.0, 1.0), "{x:?}");
    let x = signals(&e, r(-1002, 45), r(-1002, 41));
    assert_eq!((x[f::CHASES_HERE], x[f::CHASES_OWN]), (1.0, 0.0), "{x:?}");
    // A chaser in another group points at nothing there.
    let x = signals(&e, r(-1002, 44), r(-1001, 42));
    assert_eq!(x[f::CHASES_HERE], 0.0, "{x:?}");
}

/// A reminder of one's own ask in a group is weighed against the work as
/// it was asked there, not against the same work's asks in other groups,
/// in other words: a colleague's reminder still has to fit the whole.
#[test]
fn an_own_reminder_fits_the_work_as_asked_in_its_group() {
    let mut e = people_and_groups();
    e.collect_samples();
    let county = say(
        &mut e,
        -1001,
        70,
        1,
        4,
        "09:00",
        "各乡镇：请于3月8日前报送春季森林防火巡查台账，附巡查照片3张，报县应急局。",
    );
    let relay = say(
        &mut e,
        -1002,
        71,
        3,
        4,
        "10:00",
        "各村：县应急局要春季森林防火巡查台账和巡查照片，请3月7日下午5点前报我。",
    );
    assert_eq!(
        e.tasks[&relay].cluster, e.tasks[&county].cluster,
        "the relay joins"
    );
    // From here the whole-work threshold sits between the reminder's score
    // against its own ask and its mean over the work's asks.
    const WHOLE: f64 = 0.85;
    std::sync::Arc::make_mut(&mut e.settings.rules).cluster = WHOLE;
    let reminder = "提醒：森林防火台账还有3个村没报，请今天下午5点前报我。";
    let own = say(&mut e, -1002, 72, 3, 6, "09:00", reminder);
    e.apply(&ev(r#"{"type":"person","user_id":4,"name":"赵强"}"#));
    e.apply(&ev(r#"{"type":"member","chat_id":-1002,"user_id":4}"#));
    let theirs = say(&mut e, -1002, 73, 4, 6, "09:30", reminder);
    let score = |new: MsgRef, old: MsgRef| {
        let x = signals(&e, new, old);
        e.settings.rules.model.as_ref().map_or(0.0, |m| m.prob(&x))
    };
    let (here, there) = (score(own, relay), score(own, county));
    assert!(
        here >= WHOLE && (here + there) / 2.0 < WHOLE,
        "{here} {there}"
    );
    assert_eq!(e.tasks[&own].cluster, e.tasks[&relay].cluster);
    // A colleague's reminder, closest to the county's ask, must still fit
    // the whole work.
    let (here, there) = (score(theirs, relay), score(theirs, county));
    assert!(
        there >= e.settings.rules.duplicate && (here + there) / 2.0 < WHOLE,
        "{here} {there}"
    );
    assert_ne!(e.tasks[&theirs].cluster, e.tasks[&relay].cluster);
}

#[test]
fn a_moved_time_moves_its_senders_ask_in_its_group() {
    use crate::core::dupmodel::f;
    let mut e = people_and_groups();
    e.collect_samples();
    for (chat, id, sender, date, text) in [
        (
            -1002,
            51,
            3,
            "2024-03-04T09:00:00+08:00",
            "各村：周三上午9点在村委会三楼开春耕备耕工作会，村书记参加。",
        ),
        (
            -1001,
            52,
            1,
            "2024-03-04T09:20:00+08:00",
            "各乡镇：春耕备耕工作会周三上午9点在县政府召开。",
        ),
        // The asker moves it; a colleague moves it; a reminder moves nothing.
        (
            -1002,
            53,
            3,
            "2024-03-05T10:00:00+08:00",
            "春耕备耕工作会改到周四上午9点，地点不变。",
        ),
        (
            -1002,
            54,
            2,
            "2024-03-05T10:30:00+08:00",
            "春耕备耕工作会推迟到周四上午10点，请村书记准时参加。",
        ),
        (
            -1002,
            55,
            3,
            "2024-03-05T11:00:00+08:00",
            "提醒：春耕备耕工作会村书记都要参加。",
        ),
    ] {
        e.apply(&msg(chat, id, sender, date, text));
    }
    let x = signals(&e, r(-1002, 53), r(-1002, 51));
    assert_eq!(x[f::MOVES_OWN], 1.0, "{x:?}");
    let x = signals(&e, r(-1002, 54), r(-1002, 51));
    assert_eq!(x[f::MOVES_OWN], 0.0, "a colleague's: {x:?}");
    let x = signals(&e, r(-1002, 53), r(-1001, 52));
    assert_eq!(x[f::MOVES_OWN], 0.0, "another group's: {x:?}");
    let x = signals(&e, r(-1002, 55), r(-1002, 51));
    assert_eq!(
        (x[f::MOVES_OWN], x[f::CHASES_OWN]),
        (0.0, 1.0),
        "a reminder: {x:?}"
    );
}

#[test]
fn one_asker_handing_out_work_person_by_person_is_parallel_work() {
    use crate::core::dupmodel::f;
    let mut e = people_and_groups();
    for j in [
        r#"{"type":"person","user_id":4,"name":"黄志强"}"#,
        r#"{"type":"member","chat_id":-1002,"user_id":4}"#,
    ] {
        e.apply(&ev(j));
    }
    e.collect_samples();
    for (id, sender, date, text) in [
        (
            61,
            3,
            "2024-03-06T11:00:00+08:00",
            "王磊 柳塘村农家书屋的开放时间表和管理员名单，今天下班前发我。",
        ),
        (
            62,
            3,
            "2024-03-06T11:01:00+08:00",
            "黄志强 石桥村的也一样，农家书屋开放时间表和管理员名单，今天下班前。",
        ),
        // A chaser is no new hand-out, whoever it names.
        (
            63,
            3,
            "2024-03-06T16:00:00+08:00",
            "黄志强 农家书屋开放时间表还没发，抓紧。",
        ),
    ] {
        e.apply(&msg(-1002, id, sender, date, text));
    }
    let x = signals(&e, r(-1002, 62), r(-1002, 61));
    assert_eq!(
        (x[f::DIFFERENT_PEOPLE], x[f::PARALLEL]),
        (1.0, 1.0),
        "{x:?}"
    );
    assert_ne!(
        e.tasks[&r(-1002, 62)].cluster,
        e.tasks[&r(-1002, 61)].cluster
    );
    let x = signals(&e, r(-1002, 63), r(-1002, 61));
    assert_eq!(
        (x[f::DIFFERENT_PEOPLE], x[f::PARALLEL]),
        (1.0, 0.0),
        "{x:?}"
    );
}

#[test]
fn a_statement_of_separateness_bars_only_the_work_it_names() {
    let mut e = people_and_groups();
    let [visits, ledger, relay, wrong] = [
        (
            -1001,
            60,
            1,
            "09:00",
            "各村：防溺水家访情况统计表周五前报送。",
        ),
        (
            -1001,
            61,
            1,
            "09:10",
            "各村：防溺水隐患排查台账周五前报送。",
        ),
        // 王磊 relays the ledger and names the table it is not…
        (
            -1002,
            62,
            2,
            "10:00",
            "各村：防溺水隐患排查台账是单独一张表，不要和家访情况统计表合并，周五前报我。",
        ),
        // …and the same statement about the table it names.
        (
            -1002,
            63,
            2,
            "10:30",
            "各村：防溺水家访情况统计表是单独一张表，不要和隐患排查台账合并，周五前报我。",
        ),
    ]
    .map(|(chat, id, sender, hhmm, text)| say(&mut e, chat, id, sender, 4, hhmm, text));
    let cluster = |m: MsgRef| e.tasks[&m].cluster;
    assert_eq!(
        cluster(relay),
        cluster(ledger),
        "{:?}",
        e.tasks[&relay].considered
    );
    assert_ne!(cluster(relay), cluster(visits));
    // Never the work it names.
    assert_ne!(cluster(wrong), cluster(ledger));
}
