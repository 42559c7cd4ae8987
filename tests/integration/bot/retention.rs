//! Retention and deletion: old group messages leave the journal, `/forget`
//! leaves nothing of a person, the state directory is private, a bad
//! retention value is refused.

use super::snapshot::{open_state, state_bytes};
use super::{digests_to, group_msg, private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use onedigest::bot::fact::Fact;
use onedigest::bot::{retention, snapshot};
use onedigest::event::Event;
use onedigest::model::{ChatId, MsgRef, UserId};
use serde_json::json;
use std::process::Command;

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_leaves_nothing_of_the_person_in_the_state() {
    let api = FakeApi::start().await;
    let now = utc("2024-03-04T12:00:00+08:00");
    let b = spawn_bot(&api, now, |c| c.groups.allow_all = true).await;
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    let (owner, owner_name) = (1, "周敏");
    let (user, name) = (2, "王磊");
    let g = fake_api::group(-1001, "县委宣传部群");
    let o = fake_api::user(owner, owner_name, None);
    api.set_admins(-1001, vec![fake_api::owner(&o)]);
    api.push(fake_api::bot_added(&g, &o, d));
    api.push(fake_api::joined(&g, &fake_api::user(user, name, None), d));
    api.push(private_msg(user, name, 1, d, "/start"));
    api.push(private_msg(user, name, 2, d, "/settings lang en"));
    api.push(group_msg(
        -1001,
        "县委宣传部群",
        owner,
        owner_name,
        10,
        d,
        "各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。",
    ));
    api.push(group_msg(
        -1001,
        "县委宣传部群",
        user,
        name,
        11,
        d,
        "收到，马上整理",
    ));
    api.push(private_msg(user, name, 3, d, "/digest"));
    b.settle().await;
    // They mark the item done.
    let done = digests_to(&api, user)
        .iter()
        .flat_map(|c| c.buttons())
        .find(|d| d.starts_with("d:"))
        .expect("a [Done] button");
    api.push(
        json!({"callback_query": {"id": "cb-1", "chat_instance": "ci",
        "from": fake_api::user(user, name, None), "data": done}}),
    );
    b.settle().await;
    let task = MsgRef {
        chat_id: ChatId(-1001),
        message_id: 10,
    };
    let person_scoped = |ev: &Event| match ev {
        Event::Person { user_id, .. } | Event::Done { user_id, .. } => *user_id == UserId(user),
        _ => false,
    };
    let events = b.shared.journal.events().expect("journal");
    assert!(
        events.iter().filter(|e| person_scoped(e)).count() >= 2,
        "{events:?}"
    );
    assert!(b.shared.people.get(UserId(user)).is_some());
    assert!(b.shared.engine().is_done(UserId(user), task));

    api.push(private_msg(user, name, 4, d, "/forget"));
    wait_until("the answer to /forget", 30, || {
        api.sent_to(user).iter().any(|c| {
            c.text()
                .contains("registration, settings and Done marks are deleted")
        })
    })
    .await;
    b.settle().await;

    let sh = &b.shared;
    // The registration and their own settings.
    assert!(sh.people.get(UserId(user)).is_none());
    let db = sh.journal.db();
    let people = db.open_tree("people").expect("tree");
    assert!(!people.contains_key(user.to_be_bytes()).expect("read"));
    // Their name and Done marks, in the events and in the identities.
    let events = sh.journal.events().expect("journal");
    assert!(!events.iter().any(person_scoped), "{events:?}");
    for (k, v) in sh.journal.raw() {
        for bytes in [&k, &v] {
            assert!(!contains(bytes, name), "their name is still journaled");
            let person_record =
                contains(bytes, "\"type\":\"person\"") || contains(bytes, "\"type\":\"done\"");
            assert!(
                !(person_record && contains(bytes, &format!("\"user_id\":{user}"))),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    // Nothing to them in the outbox, sent or queued.
    for tree in ["outbox", "outbox_queue"] {
        for kv in db.open_tree(tree).expect("tree").iter() {
            let (k, v) = kv.expect("entry");
            let text = format!(
                "{} {}",
                String::from_utf8_lossy(&k),
                String::from_utf8_lossy(&v)
            );
            assert!(
                !text.contains(&format!("\"chat\":{user},"))
                    && !text.contains(&format!(":{user}:")),
                "{tree}: {text}"
            );
        }
    }
    // The engine and its snapshot.
    {
        let e = sh.engine();
        assert!(!e.people.contains_key(&UserId(user)));
        assert!(!e.is_done(UserId(user), task));
    }
    let snap = std::fs::read(snapshot::path(sh.dir())).expect("a fresh snapshot");
    assert!(!contains(&snap, name), "their name is in the snapshot");
    // What they wrote in the group stays (the group's retention decides).
    assert!(events.iter().any(|e| matches!(e,
        Event::Message { sender_id, message_id: 11, .. } if *sender_id == UserId(user))));
    b.stop().await;
}

fn ev(json: &str) -> Event {
    serde_json::from_str(json).expect("event")
}

fn msg(id: i64, from: i64, date: &str, text: &str) -> Event {
    ev(&format!(
        r#"{{"type":"message","chat_id":-1001,"message_id":{id},"sender_id":{from},"date":"{date}","text":"{text}"}}"#
    ))
}

#[test]
fn retention_removes_old_messages_that_are_not_open_tasks_and_keeps_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = "2024-09-01T12:00:00+08:00";
    let setup = |c: &mut onedigest::config::Config| c.bot.retention_days = 30;
    let r = |id| MsgRef {
        chat_id: ChatId(-1001),
        message_id: id,
    };
    let (compacted, removed) = {
        let sh = open_state(dir.path(), now, setup);
        let events = vec![
            ev(r#"{"type":"group","chat_id":-1001,"title":"一组","owner_id":1}"#),
            ev(r#"{"type":"member","chat_id":-1001,"user_id":1}"#),
            ev(r#"{"type":"member","chat_id":-1001,"user_id":2}"#),
            msg(
                10,
                1,
                "2024-03-04T09:00:00+08:00",
                "请各位于3月6日12时前报送值班表",
            ),
            msg(11, 2, "2024-03-04T09:05:00+08:00", "收到"),
            ev(
                r#"{"type":"edit","chat_id":-1001,"message_id":11,"date":"2024-03-04T09:06:00+08:00","text":"收到了"}"#,
            ),
            msg(
                12,
                1,
                "2024-03-04T10:00:00+08:00",
                "请各位于12月31日前报送年度工作总结",
            ),
            ev(
                r#"{"type":"done","user_id":2,"task":{"chat_id":-1001,"message_id":10},"date":"2024-03-05T09:00:00+08:00"}"#,
            ),
            msg(13, 2, "2024-08-30T09:00:00+08:00", "好的"),
        ];
        let facts: Vec<Fact> = events.into_iter().map(Fact::Event).collect();
        sh.record(&facts).expect("recorded");
        {
            let e = sh.engine();
            assert!(e.tasks.contains_key(&r(10)) && e.tasks.contains_key(&r(12)));
        }
        let removed = retention::compact(&sh).expect("compaction");
        let left = sh.journal.events().expect("journal");
        let refs: Vec<MsgRef> = left.iter().filter_map(Event::msg_ref).collect();
        assert_eq!(refs, vec![r(12), r(13)], "{left:?}");
        assert!(!left.iter().any(|e| matches!(e, Event::Done { .. })));
        assert_eq!(sh.journal_len() as usize, left.len());
        {
            let e = sh.engine();
            assert!(!e.messages.contains_key(&r(10)) && !e.messages.contains_key(&r(11)));
            assert!(e.tasks.contains_key(&r(12)) && e.messages.contains_key(&r(13)));
        }
        let snap = std::fs::read(snapshot::path(sh.dir())).expect("a fresh snapshot");
        assert!(
            !contains(&snap, "值班表"),
            "the removed text is in the snapshot"
        );
        // Nothing more to remove on the next run.
        assert_eq!(retention::compact(&sh).expect("compaction"), 0);
        (state_bytes(&sh), removed)
    };
    assert_eq!(
        removed, 4,
        "the message, the reply, its edit and the Done mark"
    );
    // The engine after compaction is the compacted journal replayed.
    std::fs::remove_file(dir.path().join("state").join(snapshot::FILE)).expect("snapshot");
    let sh = open_state(dir.path(), now, setup);
    assert!(state_bytes(&sh) == compacted);
}

#[test]
fn the_state_directory_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("dir").permissions().mode() & 0o777;
    drop(open_state(dir.path(), "2024-03-04T12:00:00+08:00", |_| {}));
    assert_eq!(mode(&state), 0o700);
    // One made by hand with wider rights is tightened.
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    drop(open_state(dir.path(), "2024-03-04T12:00:00+08:00", |_| {}));
    assert_eq!(mode(&state), 0o700);
}

#[test]
fn a_bad_retention_value_is_refused_in_one_line_naming_the_file_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("c.toml");
    let state = dir.path().join("state");
    std::fs::write(
        &config,
        format!(
            "[groups]\nallow = [-1001]\nallow_all = false\n[bot]\nstate_dir = {:?}\nretention_days = 0\n",
            state.display().to_string()
        ),
    )
    .expect("config");
    let out = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .args(["--config", config.to_str().expect("utf-8"), "run"])
        .env("TELOXIDE_TOKEN", "123:abc")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("c.toml") && err.contains("bot.retention_days"),
        "{err}"
    );
    assert!(!state.exists(), "the state was touched");
}
