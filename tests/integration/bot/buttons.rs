//! Buttons: presses answered, later digests changed.

use super::{callback, digests_to, group_msg, private_msg, spawn_bot, utc};
use crate::fake_api::{self, FakeApi};
use onedigest::bot::compose::Callback;
use onedigest::model::{ChatId, MsgRef};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn button_presses_are_answered_and_change_later_digests() {
    let api = FakeApi::start().await;
    let now = utc("2024-03-04T12:00:00+08:00");
    let b = spawn_bot(&api, now, |_| {}).await;
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    let people = [(1, "周敏"), (2, "王磊"), (3, "李娜"), (4, "赵强")];
    for (u, n) in people {
        api.push(private_msg(u, n, 1, d, "/start"));
    }
    let groups = [
        (-1001, "县委宣传部群", 1),
        (-1002, "镇宣传办群", 3),
        (-1003, "县文旅局群", 4),
    ];
    for (chat, title, owner) in groups {
        let g = fake_api::group(chat, title);
        let o = fake_api::user(owner, people[(owner - 1) as usize].1, None);
        api.set_admins(chat, vec![fake_api::owner(&o)]);
        api.push(fake_api::bot_added(&g, &o, d));
        api.push(fake_api::joined(&g, &fake_api::user(2, "王磊", None), d));
    }
    api.push(group_msg(
        -1001,
        "县委宣传部群",
        1,
        "周敏",
        10,
        d,
        "各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。",
    ));
    api.push(group_msg(
        -1002,
        "镇宣传办群",
        3,
        "李娜",
        20,
        d + 3600,
        "各村：学雷锋志愿服务活动信息和照片请明天下午5点前报我。",
    ));
    api.push(group_msg(
        -1003,
        "县文旅局群",
        4,
        "赵强",
        30,
        d + 7200,
        "各文化站：学雷锋志愿服务活动信息（文字+照片）3月6日前报送。",
    ));
    b.settle().await;
    // The owner of the third group was warned, with both buttons.
    let warning = api
        .sent_to(4)
        .into_iter()
        .find(|c| c.buttons().iter().any(|d| d.starts_with('f')))
        .expect("a warning to the third group's owner");
    assert!(
        warning.text().contains("县委宣传部群"),
        "{}",
        warning.text()
    );
    let not_dup = warning
        .buttons()
        .into_iter()
        .find(|d| {
            matches!(callback(d), Some(Callback::Feedback { same: false, task, .. })
                if task == MsgRef { chat_id: ChatId(-1003), message_id: 30 })
        })
        .expect("[Not a duplicate]");
    assert!(not_dup.len() <= 64);

    // 王磊 is in all three groups: one merged item.
    let done_buttons = |api: &FakeApi| -> Vec<Vec<String>> {
        digests_to(api, 2)
            .iter()
            .map(|c| {
                c.buttons()
                    .into_iter()
                    .filter(|d| d.starts_with("d:"))
                    .collect()
            })
            .collect()
    };
    api.push(private_msg(2, "王磊", 2, d, "/digest"));
    b.settle().await;
    let first = done_buttons(&api);
    assert_eq!(first.last().map(Vec::len), Some(1), "{first:?}");

    // The owner says it is not a duplicate: answered, and later digests split it.
    api.push(
        json!({"callback_query": {"id": "cb-1", "chat_instance": "ci",
        "from": fake_api::user(4, "赵强", None), "data": not_dup}}),
    );
    b.settle().await;
    let answers = api.calls_to("answerCallbackQuery");
    assert!(
        answers
            .iter()
            .any(|c| c.body["callback_query_id"] == "cb-1"),
        "{answers:?}"
    );
    api.push(private_msg(2, "王磊", 3, d, "/digest"));
    b.settle().await;
    let second = done_buttons(&api);
    let split = second.last().cloned().unwrap_or_default();
    assert_eq!(split.len(), 2, "{second:?}");

    // 王磊 marks the first item done: answered, gone from his next digest.
    api.push(
        json!({"callback_query": {"id": "cb-2", "chat_instance": "ci",
        "from": fake_api::user(2, "王磊", None), "data": split[0]}}),
    );
    // A stale button is answered too.
    api.push(
        json!({"callback_query": {"id": "cb-3", "chat_instance": "ci",
        "from": fake_api::user(2, "王磊", None), "data": "nonsense"}}),
    );
    b.settle().await;
    let answers = api.calls_to("answerCallbackQuery");
    for id in ["cb-2", "cb-3"] {
        assert!(
            answers.iter().any(|c| c.body["callback_query_id"] == id),
            "{id} answered"
        );
    }
    api.push(private_msg(2, "王磊", 4, d, "/digest"));
    b.settle().await;
    let third = done_buttons(&api);
    assert_eq!(
        third.last().cloned().unwrap_or_default(),
        vec![split[1].clone()]
    );
    b.stop().await;
}
