//! Membership kept true: a person who left without the bot hearing of it
//! stops receiving the group's tasks once Telegram confirms it; a group the
//! bot was removed from becomes inactive; bots, anonymous admins and
//! channel posts are not people.

use super::{digests_to, group_msg, linked_sources, private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use chrono::Duration as CDuration;
use onedigest::event::Event;
use onedigest::model::{ChatId, MsgRef, UserId};
use serde_json::json;

fn src(chat: i64, id: i64) -> MsgRef {
    MsgRef {
        chat_id: ChatId(chat),
        message_id: id,
    }
}

/// The sources of the last digest sent to `user`.
fn last_digest(api: &FakeApi, user: i64) -> std::collections::BTreeSet<MsgRef> {
    digests_to(api, user)
        .last()
        .map(|c| linked_sources(c.text()))
        .unwrap_or_default()
}

fn member_checks(api: &FakeApi, chat: i64, user: i64) -> usize {
    api.calls_to("getChatMember")
        .iter()
        .filter(|c| c.chat() == Some(chat) && c.body["user_id"].as_i64() == Some(user))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_left_unseen_gets_no_more_of_the_groups_tasks() {
    let api = FakeApi::start().await;
    let start = utc("2024-03-04T12:00:00+08:00");
    let b = spawn_bot(&api, start, |_| {}).await;
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    let owner = fake_api::user(1, "周敏", None);
    let wang = fake_api::user(2, "王磊", None);
    let (ops, board) = (
        fake_api::group(-1002000000001, "宣传群"),
        fake_api::group(-1002000000002, "办公室群"),
    );
    for (chat, g) in [(-1002000000001, &ops), (-1002000000002, &board)] {
        api.set_admins(chat, vec![fake_api::owner(&owner)]);
        api.push(fake_api::bot_added(g, &owner, d));
        api.push(fake_api::joined(g, &wang, d));
    }
    // Not people: another bot joining, an anonymous admin, a channel post.
    let other_bot =
        json!({"id": 5001, "is_bot": true, "first_name": "Helper", "username": "helper_bot"});
    api.push(fake_api::joined(&ops, &other_bot, d));
    let anon = json!({"id": 1087968824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"});
    let mut m = fake_api::message(&ops, &anon, 5, d, "各位：本周五前请交考勤表。");
    m["sender_chat"] = ops.clone();
    api.push(json!({"message": m}));
    let channel_bot = json!({"id": 136817688, "is_bot": true, "first_name": "Channel", "username": "Channel_Bot"});
    let mut m = fake_api::message(&ops, &channel_bot, 6, d, "通知：明天停电。");
    m["sender_chat"] = json!({"id": -1005550001, "type": "channel", "title": "新闻"});
    api.push(json!({"message": m}));
    api.push(private_msg(2, "王磊", 1, d, "/start"));
    api.push(group_msg(
        -1002000000001,
        "宣传群",
        1,
        "周敏",
        10,
        d,
        "请各位明天下午5点前交学习心得。",
    ));
    api.push(group_msg(
        -1002000000002,
        "办公室群",
        1,
        "周敏",
        20,
        d,
        "请各位3月8日前报送值班表。",
    ));
    b.settle().await;

    api.push(private_msg(2, "王磊", 2, d, "/digest"));
    b.settle().await;
    let first = last_digest(&api, 2);
    assert!(
        first.contains(&src(-1002000000001, 10)) && first.contains(&src(-1002000000002, 20)),
        "{first:?} {:?}",
        digests_to(&api, 2)
            .iter()
            .map(|c| c.text().to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        member_checks(&api, -1002000000001, 2),
        1,
        "confirmed before the digest"
    );
    // Confirmed once a day, not before every digest.
    api.push(private_msg(2, "王磊", 3, d, "/digest"));
    b.settle().await;
    assert_eq!(member_checks(&api, -1002000000001, 2), 1);

    // 王磊 leaves the first group while the bot hears nothing of it; the
    // bot is removed from the second.
    api.set_status(-1002000000001, 2, "left");
    api.push(fake_api::bot_removed(&board, &owner, d + 60));
    b.clock.set(start + CDuration::hours(25));
    api.push(group_msg(
        -1002000000001,
        "宣传群",
        1,
        "周敏",
        11,
        d + 86_400,
        "请各位3月9日前交整改报告。",
    ));
    b.settle().await;
    api.push(private_msg(2, "王磊", 4, d + 90_000, "/digest"));
    b.settle().await;
    assert_eq!(
        member_checks(&api, -1002000000001, 2),
        2,
        "checked again after a day"
    );
    let after = last_digest(&api, 2);
    assert!(
        after
            .iter()
            .all(|m| m.chat_id != ChatId(-1002000000001) && m.chat_id != ChatId(-1002000000002)),
        "nothing of either group: {after:?}"
    );

    // A day on, each active group's administrators are read again.
    wait_until("administrators re-read", 10, || {
        api.calls_to("getChatAdministrators")
            .iter()
            .filter(|c| c.chat() == Some(-1002000000001))
            .count()
            >= 2
    })
    .await;
    let (shared, _dir) = b.stop().await;
    let events = shared.journal.events().expect("journal");
    let left = |chat: i64| {
        events.iter().any(|e| {
            matches!(e, Event::MemberLeft { chat_id, user_id, .. } if chat_id.0 == chat && *user_id == UserId(2))
        })
    };
    assert!(
        left(-1002000000001) && left(-1002000000002),
        "recorded as gone"
    );
    for not_people in [5001, 1087968824, 136817688] {
        assert!(
            !events.iter().any(|e| match e {
                Event::Person { user_id, .. } | Event::Member { user_id, .. } =>
                    user_id.0 == not_people,
                _ => false,
            }),
            "{not_people} is not a person"
        );
    }
    // The anonymous admin's ask is still read as the group's.
    assert!(
        events.iter().any(
            |e| matches!(e, Event::Message { chat_id, message_id: 5, .. } if chat_id.0 == -1002000000001)
        )
    );
}
