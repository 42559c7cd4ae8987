//! Groups and admins: the allow-list, admin commands and everyone else.

use super::{group_msg, private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use onedigest::event::Event;
use onedigest::model::{ChatId, Lang, UserId};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_off_the_allow_list_is_left_and_nothing_of_it_is_journaled() {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2024-03-04T09:00:00+08:00"), |c| {
        c.groups.allow_all = false;
        c.groups.allow = vec![ChatId(-1001)];
    })
    .await;
    let date = utc("2024-03-04T09:00:00+08:00").timestamp();
    let stranger = fake_api::group(-1009, "不在名单的群");
    api.set_admins(
        -1001,
        vec![fake_api::owner(&fake_api::user(1, "周敏", None))],
    );
    api.push(fake_api::bot_added(
        &stranger,
        &fake_api::user(5, "某人", None),
        date,
    ));
    api.push(group_msg(
        -1009,
        "不在名单的群",
        5,
        "某人",
        1,
        date,
        "请各位明天交表",
    ));
    api.push(fake_api::bot_added(
        &fake_api::group(-1001, "宣传群"),
        &fake_api::user(1, "周敏", None),
        date,
    ));
    api.push(group_msg(
        -1001,
        "宣传群",
        1,
        "周敏",
        2,
        date,
        "请各位明天下午5点前交表",
    ));
    b.settle().await;
    wait_until("left the group", 10, || {
        api.calls_to("leaveChat")
            .iter()
            .any(|c| c.chat() == Some(-1009))
    })
    .await;
    let said = api.sent_to(-1009);
    assert!(
        said.iter().any(|c| c.text().contains("允许名单")),
        "{said:?}"
    );
    assert!(
        api.calls_to("leaveChat")
            .iter()
            .all(|c| c.chat() == Some(-1009))
    );
    let (shared, _dir) = b.stop().await;
    let events = shared.journal.events().expect("journal");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Message { chat_id, .. } if chat_id.0 == -1001))
    );
    assert!(
        events.iter().all(|e| match e {
            Event::Message { chat_id, .. }
            | Event::Group { chat_id, .. }
            | Event::Member { chat_id, .. } => chat_id.0 != -1009,
            _ => true,
        }),
        "nothing of the stranger group: {events:?}"
    );
    // The allowed group was recorded with its owner.
    assert!(events.iter().any(|e| matches!(e, Event::Group { chat_id, owner_id: Some(o), .. } if chat_id.0 == -1001 && o.0 == 1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_answer_admins_and_politely_refuse_everyone_else() {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2024-10-14T09:00:00-05:00"), |c| {
        c.organisation.lang = Lang::En;
        c.admins.users = vec![UserId(42)];
    })
    .await;
    let d = utc("2024-10-14T09:00:00-05:00").timestamp();
    api.set_admins(
        -1001,
        vec![fake_api::owner(&fake_api::user(42, "Ada", None))],
    );
    api.push(fake_api::bot_added(
        &fake_api::group(-1001, "Ops"),
        &fake_api::user(42, "Ada", None),
        d,
    ));
    api.push(fake_api::joined(
        &fake_api::group(-1001, "Ops"),
        &fake_api::user(43, "Bob", None),
        d,
    ));
    api.push(private_msg(43, "Bob", 1, d, "/start"));
    api.push(private_msg(43, "Bob", 2, d, "/status"));
    api.push(private_msg(43, "Bob", 3, d, "/notdup -1001/1 -1001/2"));
    api.push(private_msg(42, "Ada", 4, d, "/status"));
    api.push(private_msg(42, "Ada", 5, d, "/rules"));
    b.settle().await;
    let bob: Vec<String> = api
        .sent_to(43)
        .iter()
        .map(|c| c.text().to_string())
        .collect();
    assert_eq!(
        bob.iter()
            .filter(|t| t.contains("only for this bot's administrators"))
            .count(),
        2,
        "{bob:?}"
    );
    assert!(bob.iter().all(|t| !t.contains("outbox depth")));
    let ada: Vec<String> = api
        .sent_to(42)
        .iter()
        .map(|c| c.text().to_string())
        .collect();
    let status = ada
        .iter()
        .find(|t| t.contains("outbox depth"))
        .unwrap_or_else(|| panic!("status for the admin: {ada:?}"));
    assert!(status.contains("people started: 1"), "{status}");
    // Ada is a member who never started the bot: listed as unreachable.
    assert!(
        status.contains("cannot be reached yet: 1") && status.contains("Ada"),
        "{status}"
    );
    assert!(ada.iter().any(|t| t.contains("Rules in force")), "{ada:?}");
    let (shared, _dir) = b.stop().await;
    // The refused /notdup left no verdict in the journal.
    assert!(
        !shared
            .journal
            .events()
            .expect("journal")
            .iter()
            .any(|e| matches!(e, Event::Feedback { .. }))
    );
}
