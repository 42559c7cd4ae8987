//! The intake's mapping from updates to facts, by example.

use super::*;
use crate::bot::compose::Callback;
use crate::config::Config;
use crate::core::engine::Settings;

fn engine(allow: &[i64]) -> Engine {
    let mut cfg = Config::default();
    if !allow.is_empty() {
        cfg.groups.allow_all = false;
        cfg.groups.allow = allow.iter().map(|c| ChatId(*c)).collect();
    }
    Engine::new(Settings::from_config(&cfg).expect("settings"))
}

/// Parsed from text, as teloxide does (its `UpdateKind` needs borrowed keys).
fn update(json: serde_json::Value) -> Update {
    let u: Update = serde_json::from_str(&json.to_string()).expect("valid update");
    assert!(!matches!(u.kind, UpdateKind::Error(_)), "{json}");
    u
}

fn view<'a>(e: &'a Engine, admins: &'a [UserId]) -> View<'a> {
    View {
        engine: e,
        tz: e.settings.tz,
        me_id: Some(UserId(999)),
        me_username: "odbot",
        admins,
        now: DateTime::parse_from_rfc3339("2024-03-04T02:00:00Z")
            .expect("now")
            .with_timezone(&Utc),
        signer: &SIGNER,
    }
}

static SIGNER: Signer = Signer::new([1; 32]);

/// Tasks -1001/17 and -1001/18, posted by 7, the group's owner.
fn engine_with_tasks() -> Engine {
    let mut e = engine(&[]);
    for id in [17, 18] {
        let mut u = group_msg(-1001, 7, "请各位明天下午5点前交表");
        if let UpdateKind::Message(m) = &mut u.kind {
            m.id = teloxide::types::MessageId(id);
        }
        for f in facts(&u, &view(&e, &[])) {
            if let Fact::Event(ev) = f {
                e.apply(&ev);
            }
        }
    }
    e.apply(&Event::Group {
        chat_id: ChatId(-1001),
        title: "宣传群".into(),
        owner_id: Some(UserId(7)),
    });
    assert_eq!(e.tasks.len(), 2, "two tasks");
    e
}

fn r(chat: i64, msg: i64) -> crate::model::MsgRef {
    crate::model::MsgRef {
        chat_id: ChatId(chat),
        message_id: msg,
    }
}

fn group_msg(chat: i64, from: i64, text: &str) -> Update {
    update(serde_json::json!({
        "update_id": 1,
        "message": {
            "message_id": 17, "date": 1709514000,
            "chat": {"id": chat, "type": "supergroup", "title": "宣传群"},
            "from": {"id": from, "is_bot": false, "first_name": "王", "last_name": "磊", "username": "wl"},
            "text": text,
            "entities": [{"type": "text_mention", "offset": 0, "length": 2, "user": {"id": 5, "is_bot": false, "first_name": "李"}}]
        }
    }))
}

#[test]
fn a_group_message_becomes_group_person_member_and_message_events() {
    let e = engine(&[]);
    let f = facts(&group_msg(-1001, 7, "@李 请明天交表"), &view(&e, &[]));
    let kinds: Vec<&str> = f
        .iter()
        .map(|f| match f {
            Fact::Event(Event::Group { .. }) => "group",
            Fact::Event(Event::Person { .. }) => "person",
            Fact::Event(Event::Member { .. }) => "member",
            Fact::Event(Event::Message { .. }) => "message",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["group", "person", "member", "message"]);
    let Fact::Event(Event::Message {
        mentions,
        date,
        sender_id,
        ..
    }) = &f[3]
    else {
        panic!("{f:?}")
    };
    assert_eq!(mentions[0].user_id, Some(UserId(5)));
    assert_eq!(*sender_id, UserId(7));
    assert_eq!(date.to_rfc3339(), "2024-03-04T09:00:00+08:00");
    let Fact::Event(Event::Person { name, .. }) = &f[1] else {
        panic!()
    };
    assert_eq!(name, "王 磊");
}

#[test]
fn groups_off_the_allow_list_and_private_chatter_record_nothing() {
    let e = engine(&[-1002]);
    assert!(facts(&group_msg(-1001, 7, "请交表"), &view(&e, &[])).is_empty());
    let private = update(serde_json::json!({
        "update_id": 2,
        "message": {"message_id": 3, "date": 1709514000,
            "chat": {"id": 7, "type": "private", "first_name": "王"},
            "from": {"id": 7, "is_bot": false, "first_name": "王"},
            "text": "我的私事"}
    }));
    assert!(facts(&private, &view(&e, &[])).is_empty());
}

#[test]
fn start_registers_and_only_admins_record_notdup_on_known_tasks() {
    let e = engine_with_tasks();
    let msg = |text: &str| {
        update(serde_json::json!({
            "update_id": 2,
            "message": {"message_id": 3, "date": 1709514000,
                "chat": {"id": 8, "type": "private", "first_name": "王"},
                "from": {"id": 8, "is_bot": false, "first_name": "王"},
                "text": text}
        }))
    };
    let f = facts(&msg("/start g-1001"), &view(&e, &[]));
    assert!(f.iter().any(|f| matches!(f, Fact::People(Change::Start { user, via: Some(v), .. }) if *user == UserId(8) && v == "g-1001")));
    let nd = msg("/notdup -1001/17 -1001/18");
    assert!(facts(&nd, &view(&e, &[])).is_empty());
    let f = facts(&nd, &view(&e, &[UserId(8)]));
    assert!(matches!(
        &f[..],
        [Fact::Event(Event::Feedback { same: false, .. })]
    ));
    // A verdict on asks the bot does not know stores nothing.
    let unknown = msg("/notdup -1001/17 -1002/2");
    assert!(facts(&unknown, &view(&e, &[UserId(8)])).is_empty());
}

#[test]
fn presses_count_only_signed_for_the_presser_on_known_tasks_once() {
    let mut e = engine_with_tasks();
    let press = |from: i64, data: &str| {
        update(serde_json::json!({
            "update_id": 3,
            "callback_query": {"id": "q1", "chat_instance": "c",
                "from": {"id": from, "is_bot": false, "first_name": "王"},
                "data": data}
        }))
    };
    let done = SIGNER.sign(&Callback::Done(r(-1001, 17)), UserId(5));
    let f = facts(&press(5, &done), &view(&e, &[]));
    assert!(matches!(&f[..], [Fact::Event(Event::Done { user_id, .. })] if *user_id == UserId(5)));
    // Someone else pressing it, or the data unsigned: nothing.
    assert!(facts(&press(6, &done), &view(&e, &[])).is_empty());
    let unsigned = Callback::Done(r(-1001, 17)).encode();
    assert!(facts(&press(5, &unsigned), &view(&e, &[])).is_empty());
    // Pressed again once marked: nothing new.
    for f in f {
        if let Fact::Event(ev) = f {
            e.apply(&ev);
        }
    }
    assert!(facts(&press(5, &done), &view(&e, &[])).is_empty());
    // A verdict from the owner counts; signed for a former owner, not,
    // unless they are an admin.
    let fb = Callback::Feedback {
        task: r(-1001, 18),
        other: r(-1001, 17),
        same: true,
    };
    let f = facts(&press(7, &SIGNER.sign(&fb, UserId(7))), &view(&e, &[]));
    assert!(matches!(
        &f[..],
        [Fact::Event(Event::Feedback { same: true, .. })]
    ));
    let stale = SIGNER.sign(&fb, UserId(9));
    assert!(facts(&press(9, &stale), &view(&e, &[])).is_empty());
    assert!(!facts(&press(9, &stale), &view(&e, &[UserId(9)])).is_empty());
    // On an unknown task: nothing.
    let gone = Callback::Feedback {
        task: r(-1001, 18),
        other: r(-1002, 4),
        same: false,
    };
    let f = facts(&press(7, &SIGNER.sign(&gone, UserId(7))), &view(&e, &[]));
    assert!(f.is_empty());
    assert!(facts(&press(7, "garbage"), &view(&e, &[])).is_empty());
}

#[test]
fn joins_and_leaves_become_member_events() {
    let e = engine(&[]);
    let cm = |old: &str, new: &str| {
        update(serde_json::json!({
            "update_id": 4,
            "chat_member": {
                "chat": {"id": -1001, "type": "supergroup", "title": "群"},
                "from": {"id": 1, "is_bot": false, "first_name": "管"},
                "date": 1709514000,
                "old_chat_member": {"user": {"id": 8, "is_bot": false, "first_name": "新"}, "status": old},
                "new_chat_member": {"user": {"id": 8, "is_bot": false, "first_name": "新"}, "status": new}
            }
        }))
    };
    let f = facts(&cm("left", "member"), &view(&e, &[]));
    assert!(
        f.iter().any(
            |f| matches!(f, Fact::Event(Event::Member { user_id, .. }) if *user_id == UserId(8))
        )
    );
    let f = facts(&cm("member", "left"), &view(&e, &[]));
    assert!(matches!(&f[..], [Fact::Event(Event::MemberLeft { .. })]));
}
