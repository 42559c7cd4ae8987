//! Buttons bound to who may press them, and limits on what one person can
//! make the bot store or do: forged presses change nothing, [Done] is
//! stored once, verdicts on unknown tasks are refused, commands and presses
//! are rate limited per person.

use super::{TestBot, callback, digests_to, group_msg, private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use onedigest::bot::compose::Callback;
use onedigest::bot::press::Press;
use onedigest::bot::signing::Signer;
use onedigest::config::Config;
use onedigest::event::Event;
use onedigest::model::{ChatId, Lang, MsgRef, UserId};
use serde_json::json;

/// Three groups asking for the same report; 王磊 (2) sits in all three,
/// 赵强 (4) owns the third and is warned.
async fn three_groups(setup: impl FnOnce(&mut Config)) -> (FakeApi, TestBot) {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2024-03-04T12:00:00+08:00"), setup).await;
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    let people = [(1, "周敏"), (2, "王磊"), (3, "李娜"), (4, "赵强")];
    for (u, n) in people {
        api.push(private_msg(u, n, 1, d, "/start"));
    }
    for (chat, title, owner) in [
        (-1001, "县委宣传部群", 1),
        (-1002, "镇宣传办群", 3),
        (-1003, "县文旅局群", 4),
    ] {
        let g = fake_api::group(chat, title);
        let o = fake_api::user(owner, people[(owner - 1) as usize].1, None);
        api.set_admins(chat, vec![fake_api::owner(&o)]);
        api.push(fake_api::bot_added(&g, &o, d));
        api.push(fake_api::joined(&g, &fake_api::user(2, "王磊", None), d));
    }
    for (chat, title, from, name, id, at, text) in [
        (
            -1001,
            "县委宣传部群",
            1,
            "周敏",
            10,
            d,
            "各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。",
        ),
        (
            -1002,
            "镇宣传办群",
            3,
            "李娜",
            20,
            d + 3600,
            "各村：学雷锋志愿服务活动信息和照片请明天下午5点前报我。",
        ),
        (
            -1003,
            "县文旅局群",
            4,
            "赵强",
            30,
            d + 7200,
            "各文化站：学雷锋志愿服务活动开展情况（文字+照片）3月6日前报送。",
        ),
    ] {
        api.push(group_msg(chat, title, from, name, id, at, text));
    }
    b.settle().await;
    (api, b)
}

fn press(api: &FakeApi, id: &str, from: i64, data: &str) {
    api.push(json!({"callback_query": {"id": id, "chat_instance": "ci",
        "from": fake_api::user(from, "某人", None), "data": data}}));
}

/// The text each press was answered with.
fn answer(api: &FakeApi, id: &str) -> String {
    api.calls_to("answerCallbackQuery")
        .iter()
        .find(|c| c.body["callback_query_id"] == id)
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("press {id} answered"))
}

fn presses_journaled(b: &TestBot) -> (usize, usize) {
    let events = b.shared.journal.events().expect("journal");
    let fb = events
        .iter()
        .filter(|e| matches!(e, Event::Feedback { .. }))
        .count();
    let done = events
        .iter()
        .filter(|e| matches!(e, Event::Done { .. }))
        .count();
    (fb, done)
}

fn the_task() -> MsgRef {
    MsgRef {
        chat_id: ChatId(-1003),
        message_id: 30,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_presses_change_nothing_and_real_ones_count_once() {
    let (api, b) = three_groups(|_| {}).await;
    let not_dup = api
        .sent_to(4)
        .iter()
        .flat_map(|c| c.buttons())
        .find(|d| {
            matches!(callback(d), Some(Callback::Feedback { same: false, task, .. }) if task == the_task())
        })
        .expect("[Not a duplicate] on the owner's warning");
    api.push(private_msg(
        2,
        "王磊",
        2,
        utc("2024-03-04T12:00:00+08:00").timestamp(),
        "/digest",
    ));
    b.settle().await;
    let done = digests_to(&api, 2)
        .last()
        .map(|c| c.buttons())
        .and_then(|b| b.into_iter().find(|d| d.starts_with("d:")))
        .expect("[Done] on 王磊's digest");
    let (body, tag) = not_dup.rsplit_once('.').expect("signed");

    // Forgeries: another person pressing the owner's button; the tag
    // altered; no tag; the verdict flipped under the owner's tag; the
    // owner pressing someone else's [Done].
    let mut t: Vec<char> = tag.chars().collect();
    let last = t.len() - 1;
    t[last] = if t[last] == '0' { '1' } else { '0' };
    let flipped_tag: String = t.into_iter().collect();
    press(&api, "other-user", 2, &not_dup);
    press(&api, "altered-tag", 4, &format!("{body}.{flipped_tag}"));
    press(&api, "unsigned", 4, body);
    press(
        &api,
        "flipped",
        4,
        &format!("{}.{tag}", body.replacen("f0", "f1", 1)),
    );
    press(&api, "not-his-done", 4, &done);
    b.settle().await;
    let invalid = Press::Invalid.answer(Lang::Zh);
    for id in [
        "other-user",
        "altered-tag",
        "unsigned",
        "flipped",
        "not-his-done",
    ] {
        assert_eq!(answer(&api, id), invalid, "{id}");
    }
    assert_eq!(presses_journaled(&b), (0, 0), "nothing stored");
    // The merged item is still one for 王磊.
    assert!(!b.shared.engine().is_done(UserId(2), the_task()));

    // A verdict on a task the bot does not know, signed with the real key
    // (as a stolen button would be): refused, nothing stored.
    let signer = Signer::load_or_create(&b.shared.config().bot.state_dir).expect("key");
    let unknown = signer.sign(
        &Callback::Feedback {
            task: the_task(),
            other: MsgRef {
                chat_id: ChatId(-1003),
                message_id: 9999,
            },
            same: true,
        },
        UserId(4),
    );
    press(&api, "unknown-task", 4, &unknown);
    b.settle().await;
    assert_eq!(
        answer(&api, "unknown-task"),
        Press::UnknownTask.answer(Lang::Zh)
    );
    assert_eq!(presses_journaled(&b), (0, 0));

    // The real presses: the owner's verdict counts; [Done] twice is one mark.
    press(&api, "owner", 4, &not_dup);
    press(&api, "done-1", 2, &done);
    press(&api, "done-2", 2, &done);
    b.settle().await;
    assert!(answer(&api, "owner").contains("不同的任务"));
    assert_eq!(answer(&api, "done-2"), Press::AlreadyDone.answer(Lang::Zh));
    assert_eq!(presses_journaled(&b), (1, 1));
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_and_presses_are_rate_limited_per_person() {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2024-03-04T12:00:00+08:00"), |c| {
        c.bot.rate_burst = 3;
        c.bot.rate_per_minute = 1;
    })
    .await;
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    for i in 0..5 {
        api.push(private_msg(2, "王磊", 10 + i, d, "/help"));
    }
    api.push(private_msg(3, "李娜", 20, d, "/help"));
    for i in 0..4 {
        press(&api, &format!("p{i}"), 3, "nonsense");
    }
    b.settle().await;
    wait_until("every press answered", 10, || {
        api.calls_to("answerCallbackQuery").len() == 4
    })
    .await;
    assert_eq!(api.sent_to(2).len(), 3, "a burst of three, then silence");
    assert_eq!(api.sent_to(3).len(), 1, "someone else has their own bucket");
    let answers: Vec<String> = (0..4).map(|i| answer(&api, &format!("p{i}"))).collect();
    let limited = Press::Limited.answer(Lang::Zh);
    assert_eq!(
        answers.iter().filter(|a| *a == limited).count(),
        2,
        "{answers:?}"
    );
    b.stop().await;
}
