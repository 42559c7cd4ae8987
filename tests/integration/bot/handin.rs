//! One reply, every group (issue 14): a person replies once to a merged
//! digest item and each group that asked gets it once, as a reply to its
//! own ask; groups they left or that refuse are skipped and said so.

use super::{Proc, TestBot, callback, private_msg, spawn_bot, utc, wait_until};
use crate::fake_api::{self, Call, Fail, FakeApi};
use onedigest::bot::compose::{Callback, Step};
use onedigest::event::Event;
use onedigest::journal::Journal;
use onedigest::model::{ChatId, MsgRef, UserId};
use serde_json::{Value, json};
use std::process::Child;
use std::time::{Duration, Instant};

const WANG: i64 = 2;
/// The three groups (id, title) and the ask each posted (message id).
const GROUPS: [(i64, &str, i64); 3] = [
    (-1001, "县委宣传部群", 10),
    (-1002, "镇宣传办群", 20),
    (-1003, "县文旅局群", 30),
];
/// 王磊's messages: a text, then an album of three photos.
const TEXT_ID: i64 = 50;
const ALBUM: [i64; 3] = [51, 52, 53];
/// The id the digest message has in 王磊's chat.
const DIGEST_ID: i64 = 700;

/// Telegram HTML as the client shows it: tags gone, entities decoded.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn day() -> i64 {
    utc("2024-03-04T09:00:00+08:00").timestamp()
}

/// Three groups ask for the same report; 王磊 is in all three.
fn seed(api: &FakeApi) {
    let d = day();
    let people = [(1, "周敏"), (2, "王磊"), (3, "李娜"), (4, "赵强")];
    for (u, n) in people {
        api.push(private_msg(u, n, 1, d, "/start"));
    }
    let texts = [
        "各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。",
        "各村：学雷锋志愿服务活动信息和照片请明天下午5点前报我。",
        "各文化站：学雷锋志愿服务活动信息（文字+照片）3月6日前报送。",
    ];
    for (k, ((chat, title, ask), owner)) in GROUPS.iter().zip([1, 3, 4]).enumerate() {
        let g = fake_api::group(*chat, title);
        let o = fake_api::user(owner, people[(owner - 1) as usize].1, None);
        api.set_admins(*chat, vec![fake_api::owner(&o)]);
        api.push(fake_api::bot_added(&g, &o, d));
        api.push(fake_api::joined(&g, &fake_api::user(WANG, "王磊", None), d));
        api.push(json!({"message": fake_api::message(&g, &o, *ask, d + 600 * k as i64, texts[k])}));
    }
}

fn wang() -> Value {
    fake_api::user(WANG, "王磊", None)
}

/// A photo of an album, sent by 王磊 in his private chat.
fn photo(id: i64, album: &str) -> Value {
    json!({"message": {
        "message_id": id, "date": day(), "chat": fake_api::private(WANG, "王磊"),
        "from": wang(), "media_group_id": album,
        "photo": [{"file_id": format!("f{id}"), "file_unique_id": format!("u{id}"), "width": 10, "height": 10}],
    }})
}

/// The step a button's data stands for.
fn step_of(data: &str) -> Option<Step> {
    match callback(data) {
        Some(Callback::HandIn { step, .. }) => Some(step),
        _ => None,
    }
}

/// The data of the last button for `want` sent to 王磊.
fn find_button(api: &FakeApi, want: impl Fn(Step) -> bool) -> String {
    api.sent_to(WANG)
        .iter()
        .rev()
        .flat_map(|c| c.buttons())
        .find(|d| step_of(d).is_some_and(&want))
        .unwrap_or_else(|| panic!("no such button among {:?}", texts_to(api, WANG)))
}

fn texts_to(api: &FakeApi, chat: i64) -> Vec<String> {
    api.sent_to(chat)
        .iter()
        .map(|c| c.text().to_string())
        .collect()
}

static PRESS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn press(api: &FakeApi, data: &str) {
    let n = PRESS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    api.push(fake_api::press(&format!("p{n}"), &wang(), data));
}

/// The answers 王磊's presses got.
fn answers(api: &FakeApi) -> Vec<String> {
    api.calls_to("answerCallbackQuery")
        .iter()
        .map(|c| c.body["text"].as_str().unwrap_or("").to_string())
        .collect()
}

/// A bot at noon that lets 王磊 press as often as the tests do.
async fn bot(api: &FakeApi) -> TestBot {
    spawn_bot(api, utc("2024-03-04T12:00:00+08:00"), |c| {
        c.bot.rate_burst = 100;
    })
    .await
}

/// A bot with the three asks journaled and 王磊's digest in hand; the
/// digest's [Reply to all 3] pressed; the text and the album sent.
async fn drafted(api: &FakeApi) -> TestBot {
    let b = bot(api).await;
    seed(api);
    b.settle().await;
    api.push(private_msg(WANG, "王磊", 2, day(), "/digest"));
    b.settle().await;
    let start = find_button(api, |s| s == Step::Start);
    let label = api
        .sent_to(WANG)
        .iter()
        .flat_map(Call::labelled)
        .find(|(_, d)| *d == start)
        .map(|(l, _)| l)
        .unwrap_or_default();
    assert!(label.contains("3 个群"), "{label}");
    // Pressed on the digest message, as Telegram sends it back.
    let digest = api
        .sent_to(WANG)
        .into_iter()
        .rfind(|c| c.buttons().contains(&start))
        .expect("the digest");
    let n = PRESS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut p = fake_api::press(&format!("p{n}"), &wang(), &start);
    p["callback_query"]["message"] = json!({
        "message_id": DIGEST_ID, "date": day(), "chat": fake_api::private(WANG, "王磊"),
        "from": fake_api::bot_user(), "text": plain(digest.text()),
        "reply_markup": digest.body["reply_markup"],
    });
    api.push(p);
    b.settle().await;
    let prompt = texts_to(api, WANG).last().cloned().unwrap_or_default();
    assert!(prompt.starts_with("请发送要交的内容"), "{prompt}");
    api.push(private_msg(
        WANG,
        "王磊",
        TEXT_ID,
        day(),
        "本周活动信息见下，照片 3 张。",
    ));
    for id in ALBUM {
        api.push(photo(id, "album-1"));
    }
    b.settle().await;
    b
}

/// Press [Send], check the review names every group, then press `then`.
async fn review_then(b: &TestBot, api: &FakeApi) -> String {
    press(api, &find_button(api, |s| s == Step::Review));
    b.settle().await;
    texts_to(api, WANG).last().cloned().unwrap_or_default()
}

/// What 王磊 was told once the hand-in finished.
async fn report(api: &FakeApi) -> String {
    let find = || {
        texts_to(api, WANG)
            .into_iter()
            .find(|t| t.starts_with("✅ 已交到") || t.starts_with("⚠️"))
    };
    wait_until("the hand-in report", 30, || find().is_some()).await;
    find().unwrap_or_default()
}

/// The heading, the text and the album as `chat` received them.
fn received(api: &FakeApi, chat: i64) -> (Vec<Call>, Vec<Call>, Vec<Call>) {
    let heads = api
        .ok_to("sendMessage", chat)
        .into_iter()
        .filter(|c| c.text().contains("王磊 交："))
        .collect();
    (
        heads,
        api.ok_to("copyMessage", chat),
        api.ok_to("sendMediaGroup", chat),
    )
}

/// `chat` got the reply exactly once: heading and text as replies to
/// `ask`, the album whole, in that order.
fn got_it_once(api: &FakeApi, chat: i64, ask: i64, others: usize) {
    let (heads, texts, albums) = received(api, chat);
    assert_eq!(heads.len(), 1, "{chat}: one heading");
    assert_eq!(
        heads[0].reply_to(),
        Some(ask),
        "{chat}: heading answers the ask"
    );
    let h = heads[0].text();
    assert!(
        h.starts_with("王磊 交：") && h.contains("学雷锋志愿服务活动"),
        "{h}"
    );
    if others > 0 {
        assert!(
            heads[0]
                .text()
                .ends_with(&format!("（另见 {others} 个群）")),
            "{}",
            heads[0].text()
        );
    }
    assert_eq!(texts.len(), 1, "{chat}: the text once");
    assert_eq!(texts[0].body["message_id"], json!(TEXT_ID));
    assert_eq!(texts[0].body["from_chat_id"], json!(WANG));
    assert_eq!(
        texts[0].reply_to(),
        Some(ask),
        "{chat}: the text answers the ask"
    );
    assert_eq!(albums.len(), 1, "{chat}: the album once");
    // Sent again whole by its photos' file ids, as a reply to the ask too.
    let files: Vec<String> = albums[0].body["media"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|x| x["media"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let want: Vec<String> = ALBUM.iter().map(|id| format!("f{id}")).collect();
    assert_eq!(files, want, "{chat}: the album's photos");
    assert_eq!(
        albums[0].reply_to(),
        Some(ask),
        "{chat}: the album answers the ask"
    );
    assert!(heads[0].at <= texts[0].at && texts[0].at <= albums[0].at);
}

fn got_nothing(api: &FakeApi, chat: i64) {
    let (h, t, a) = received(api, chat);
    assert!(
        h.is_empty() && t.is_empty() && a.is_empty(),
        "{chat} got some"
    );
}

fn hand_ins(b: &TestBot) -> Vec<Event> {
    b.shared
        .journal
        .events()
        .expect("events")
        .into_iter()
        .filter(|e| matches!(e, Event::HandIn { .. }))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_reaches_each_group_once_as_a_reply_to_its_ask_and_the_item_is_done() {
    let api = FakeApi::start().await;
    let b = drafted(&api).await;
    let review = review_then(&b, &api).await;
    for (_, title, _) in GROUPS {
        assert!(review.contains(title), "{review}");
    }
    assert!(review.contains("4 条消息将交到 3 个群"), "{review}");
    got_nothing(&api, -1001);
    press(&api, &find_button(&api, |s| s == Step::All));
    let r = report(&api).await;
    assert!(r.starts_with("✅ 已交到 3 个群（"), "{r}");
    b.settle().await;
    for (chat, _, ask) in GROUPS {
        got_it_once(&api, chat, ask, 2);
    }
    // The digest message it started from now says so, without its
    // [Reply to all] button.
    let edit = api
        .calls_to("editMessageText")
        .into_iter()
        .find(|c| c.ok)
        .expect("the digest edited");
    assert_eq!(edit.body["message_id"], json!(DIGEST_ID));
    let line = edit
        .text()
        .lines()
        .find(|l| l.starts_with("1. "))
        .unwrap_or_default()
        .to_string();
    assert!(
        line.contains("学雷锋") && line.ends_with("✅ 已交到 3 个群 12:00"),
        "{line}"
    );
    assert!(edit.buttons().iter().all(|d| step_of(d).is_none()));
    assert!(!edit.buttons().is_empty(), "[Done] stays");
    // Journaled, and the item is done: gone from the next digest.
    let evs = hand_ins(&b);
    assert_eq!(evs.len(), 1, "{evs:?}");
    let Event::HandIn {
        user_id,
        groups,
        messages,
        ..
    } = &evs[0]
    else {
        unreachable!()
    };
    assert_eq!(*user_id, UserId(WANG));
    assert_eq!(groups.len(), 3);
    assert_eq!(*messages, 4);
    api.push(private_msg(WANG, "王磊", 60, day(), "/digest"));
    b.settle().await;
    let last = api.sent_to(WANG).last().cloned().expect("a digest");
    assert!(!last.text().contains("学雷锋"), "{}", last.text());
    // The old button now finds nothing, and changes nothing.
    let before = api.calls().len();
    press(&api, &find_button(&api, |s| s == Step::All));
    b.settle().await;
    assert!(answers(&api).last().is_some_and(|a| a.contains("已结束")));
    assert!(
        api.calls()[before..]
            .iter()
            .all(|c| c.chat() != Some(-1001))
    );
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choose_limits_the_reply_to_the_chosen_groups() {
    let api = FakeApi::start().await;
    let b = drafted(&api).await;
    review_then(&b, &api).await;
    press(&api, &find_button(&api, |s| s == Step::Choose));
    b.settle().await;
    // Nothing chosen yet: refused, nothing sent.
    press(&api, &find_button(&api, |s| s == Step::Chosen));
    b.settle().await;
    assert!(answers(&api).last().is_some_and(|a| a.contains("至少选择")));
    // Pick two, unpick one.
    for g in [-1002, -1003, -1003] {
        press(&api, &find_button(&api, |s| s == Step::Toggle(ChatId(g))));
        b.settle().await;
    }
    assert_eq!(
        answers(&api).last().map(String::as_str),
        Some("已选：镇宣传办群")
    );
    press(&api, &find_button(&api, |s| s == Step::Chosen));
    let r = report(&api).await;
    assert!(
        r.starts_with("✅ 已交到 1 个群（") && r.contains("镇宣传办群"),
        "{r}"
    );
    b.settle().await;
    got_it_once(&api, -1002, 20, 0);
    got_nothing(&api, -1001);
    got_nothing(&api, -1003);
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_the_person_left_is_skipped_and_said_so() {
    let api = FakeApi::start().await;
    let b = drafted(&api).await;
    // Left without the bot hearing of it: only getChatMember knows.
    api.set_status(-1003, WANG, "left");
    let review = review_then(&b, &api).await;
    assert!(
        review.contains("县文旅局群：不发送，你已不在该群"),
        "{review}"
    );
    assert!(review.contains("交到 2 个群"), "{review}");
    press(&api, &find_button(&api, |s| s == Step::All));
    let r = report(&api).await;
    assert!(r.starts_with("✅ 已交到 2 个群"), "{r}");
    assert!(r.contains("县文旅局群：不发送，你已不在该群"), "{r}");
    b.settle().await;
    got_it_once(&api, -1001, 10, 1);
    got_it_once(&api, -1002, 20, 1);
    got_nothing(&api, -1003);
    // The leave is recorded.
    assert!(!b.shared.engine().is_member(ChatId(-1003), UserId(WANG)));
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_plain_answer_and_changes_nothing() {
    let api = FakeApi::start().await;
    let b = bot(&api).await;
    seed(&api);
    b.settle().await;
    api.push(private_msg(WANG, "王磊", 2, day(), "/digest"));
    b.settle().await;
    let start = find_button(&api, |s| s == Step::Start);
    let journal = b.shared.journal_len();

    // A button for an item that does not exist.
    let gone = b.shared.signer.sign(
        &Callback::HandIn {
            task: MsgRef {
                chat_id: ChatId(-1001),
                message_id: 999,
            },
            step: Step::Start,
        },
        UserId(WANG),
    );
    press(&api, &gone);
    b.settle().await;
    assert!(
        texts_to(&api, WANG)
            .last()
            .is_some_and(|t| t.contains("已不在你的汇总中"))
    );
    // No draft was opened: a message is answered with the help.
    api.push(private_msg(WANG, "王磊", 3, day(), "你好"));
    b.settle().await;
    assert!(!texts_to(&api, WANG).iter().any(|t| t.contains("已收到")));

    // A draft with nothing in it: [Send] is refused.
    press(&api, &start);
    b.settle().await;
    press(&api, &find_button(&api, |s| s == Step::Review));
    b.settle().await;
    assert!(
        answers(&api)
            .last()
            .is_some_and(|a| a.contains("还没有要交的内容"))
    );

    // Every group gone by the time it is sent: refused, nothing sent.
    api.push(private_msg(WANG, "王磊", TEXT_ID, day(), "照片见附件"));
    b.settle().await;
    for (chat, _, _) in GROUPS {
        api.set_status(chat, WANG, "left");
    }
    press(&api, &find_button(&api, |s| s == Step::Review));
    b.settle().await;
    assert!(
        answers(&api)
            .last()
            .is_some_and(|a| a.contains("都无法接收"))
    );
    // The draft is still there: asked again, the item is gone (the
    // leaves Telegram confirmed are recorded), not the draft.
    press(&api, &find_button(&api, |s| s == Step::Review));
    b.settle().await;
    let again = answers(&api).last().cloned().unwrap_or_default();
    assert!(again.contains("已不在你的汇总中"), "{again}");
    for (chat, _, _) in GROUPS {
        got_nothing(&api, chat);
    }
    assert!(hand_ins(&b).is_empty());
    // Only the leaves were journaled.
    let left = b
        .shared
        .journal
        .events()
        .expect("events")
        .into_iter()
        .skip(journal as usize)
        .all(|e| matches!(e, Event::MemberLeft { .. }));
    assert!(left);
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_delays_only_its_group_and_a_refusal_is_reported_while_the_others_get_it() {
    let api = FakeApi::start().await;
    let b = drafted(&api).await;
    review_then(&b, &api).await;
    api.fail("copyMessage", Some(-1001), Some(1), Fail::RetryAfter(2));
    api.fail("copyMessage", Some(-1002), None, Fail::Forbidden);
    api.fail("sendMediaGroup", Some(-1003), None, Fail::BadRequest);
    press(&api, &find_button(&api, |s| s == Step::All));
    let r = report(&api).await;
    b.settle().await;
    assert!(
        r.starts_with("✅ 已交到 1 个群") && r.contains("县委宣传部群"),
        "{r}"
    );
    assert!(r.contains("未能发到 镇宣传办群"), "{r}");
    assert!(r.contains("未能发到 县文旅局群"), "{r}");
    // The 429 held back only its own group, and then it went, once.
    got_it_once(&api, -1001, 10, 2);
    let refused = api
        .calls_to("copyMessage")
        .into_iter()
        .find(|c| !c.ok && c.chat() == Some(-1001))
        .expect("the 429");
    let (_, retried, _) = received(&api, -1001);
    assert!(retried[0].at >= refused.at + Duration::from_millis(1900));
    let (_, other, _) = received(&api, -1003);
    assert_eq!(other.len(), 1, "the third group's text went");
    assert!(
        other[0].at < retried[0].at,
        "not held back by the other's 429"
    );
    // The refusing group got its heading, nothing after; nobody was
    // marked unreachable for it.
    let (h, t, a) = received(&api, -1002);
    assert_eq!((h.len(), t.len(), a.len()), (1, 0, 0));
    assert!(b.shared.people.is_active(UserId(WANG)));
    // Delivered somewhere: journaled with that group only.
    let evs = hand_ins(&b);
    assert!(
        matches!(&evs[..], [Event::HandIn { groups, .. }] if groups == &vec![ChatId(-1001)]),
        "{evs:?}"
    );
    b.stop().await;
}

fn kill(mut c: Child) {
    c.kill().expect("kill");
    let _ = c.wait();
}

/// A Telegram reply to the digest naming the item's number opens the
/// draft, like the button; the bot is then killed (SIGKILL) after the
/// first two groups got everything and while the third group's first send
/// is in flight; restarted, every group has the reply exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_groups_and_restarted_every_group_has_the_reply_exactly_once() {
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = Proc::new(
        dir.path(),
        &api,
        "poll_timeout_secs = 1\nmessages_per_second = 1000\nper_chat_interval_ms = 0\ngroup_messages_per_minute = 0\nscheduler_tick_ms = 50\ncatch_up_delay_secs = 0\n",
    );
    p.set_clock("2024-03-04T12:00:00+08:00");
    seed(&api);
    api.push(private_msg(WANG, "王磊", 2, day(), "/digest"));
    let child = p.spawn();
    let digest = || {
        api.sent_to(WANG)
            .into_iter()
            .find(|c| super::is_digest(c.text()))
    };
    wait_until("the digest", 30, || digest().is_some()).await;
    let digest = digest().expect("digest");
    let number = digest
        .labelled()
        .into_iter()
        .find(|(_, d)| step_of(d) == Some(Step::Start))
        .and_then(|(l, _)| l.split_whitespace().nth(1).map(str::to_string))
        .expect("a [Reply to all] button");
    // The reply carries the digest message as Telegram shows it.
    let mut reply = private_msg(WANG, "王磊", 40, day(), &number);
    reply["message"]["reply_to_message"] = json!({
        "message_id": 100_000, "date": day(), "chat": fake_api::private(WANG, "王磊"),
        "from": fake_api::bot_user(), "text": digest.text(),
        "reply_markup": digest.body["reply_markup"],
    });
    api.push(reply);
    wait_until("the prompt", 30, || {
        texts_to(&api, WANG)
            .iter()
            .any(|t| t.starts_with("请发送要交的内容"))
    })
    .await;
    api.push(private_msg(WANG, "王磊", TEXT_ID, day(), "活动信息见下"));
    let mut last = 0;
    for id in ALBUM {
        last = api.push(photo(id, "album-1"));
    }
    // Every message journaled (acknowledged) before [Send].
    wait_until("the album journaled", 30, || api.acked() > last).await;
    wait_until("collected", 30, || {
        texts_to(&api, WANG).iter().any(|t| t.starts_with("已收到"))
    })
    .await;
    // Journaled is not yet read: on a loaded machine the album's last
    // photos can still be on their way through the bot when [Send] is
    // pressed, and a review that counts fewer is asked for again.
    let review = find_button(&api, |s| s == Step::Review);
    let reviewed = || {
        texts_to(&api, WANG)
            .iter()
            .any(|t| t.contains("4 条消息将交到 3 个群"))
    };
    let end = Instant::now() + Duration::from_secs(30);
    while !reviewed() {
        assert!(
            Instant::now() < end,
            "timed out waiting: the review of the text and the album"
        );
        press(&api, &review);
        let step = Instant::now() + Duration::from_secs(2);
        while !reviewed() && Instant::now() < step {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // The third group's first send hangs: in flight when the bot dies.
    api.fail("sendMessage", Some(-1003), None, Fail::Stall(120));
    press(&api, &find_button(&api, |s| s == Step::All));
    wait_until("two groups served", 30, || {
        [-1001, -1002].iter().all(|c| {
            let (h, t, a) = received(&api, *c);
            h.len() + t.len() + a.len() == 3
        }) && api
            .calls_to("sendMessage")
            .iter()
            .any(|c| c.chat() == Some(-1003))
    })
    .await;
    // Killed once the two groups' sends are recorded durably (only the
    // third group's three entries left): what Telegram accepted and the
    // outbox marked is never sent again. (A send accepted but not yet
    // marked would be, once: the documented in-flight window.)
    let end = Instant::now() + Duration::from_secs(30);
    while p.outbox_depth().await != Some(3) {
        assert!(
            Instant::now() < end,
            "the served groups' marks never became durable"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill(child);
    api.clear_fails("sendMessage");
    got_nothing(&api, -1003);

    let child = p.spawn();
    let end = Instant::now() + Duration::from_secs(30);
    while !texts_to(&api, WANG)
        .iter()
        .any(|t| t.starts_with("✅ 已交到"))
    {
        assert!(Instant::now() < end, "no report after the restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    p.wait_drained().await;
    kill(child);
    for (chat, _, ask) in GROUPS {
        got_it_once(&api, chat, ask, 2);
    }
    let reports: Vec<String> = texts_to(&api, WANG)
        .into_iter()
        .filter(|t| t.starts_with("✅ 已交到"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].starts_with("✅ 已交到 3 个群"), "{}", reports[0]);
    let j = Journal::open(&p.dir.join("state")).expect("journal");
    let n = j
        .events()
        .expect("events")
        .iter()
        .filter(|e| matches!(e, Event::HandIn { .. }))
        .count();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_left_the_allow_list_is_skipped_and_said_so() {
    use onedigest::bot::reload::Host;
    use onedigest::core::engine::Settings;
    let api = FakeApi::start().await;
    let b = drafted(&api).await;
    // The admins take the third group off the list while the draft is open.
    let mut config = b.shared.config();
    config.groups.allow_all = false;
    config.groups.allow = vec![ChatId(-1001), ChatId(-1002)];
    let settings = Settings::from_config(&config).expect("settings");
    b.shared.install(settings, config);
    let review = review_then(&b, &api).await;
    assert!(review.contains("交到 2 个群"), "{review}");
    assert!(
        review.contains("县文旅局群：不发送，该群已不在机器人服务的群列表中"),
        "{review}"
    );
    press(&api, &find_button(&api, |s| s == Step::All));
    let r = report(&api).await;
    assert!(r.starts_with("✅ 已交到 2 个群"), "{r}");
    assert!(r.contains("县文旅局群：不发送"), "{r}");
    b.settle().await;
    got_it_once(&api, -1001, 10, 1);
    got_it_once(&api, -1002, 20, 1);
    got_nothing(&api, -1003);
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ask_addressed_to_someone_else_is_skipped_with_a_note() {
    let api = FakeApi::start().await;
    let b = bot(&api).await;
    seed(&api);
    // A fourth group asks the same of 李娜 by name.
    let g = fake_api::group(-1004, "县妇联群");
    let o = fake_api::user(1, "周敏", None);
    api.set_admins(-1004, vec![fake_api::owner(&o)]);
    api.push(fake_api::bot_added(&g, &o, day()));
    api.push(fake_api::joined(&g, &wang(), day()));
    let text = "李娜：请于3月6日12时前报送学雷锋志愿服务活动信息，附照片3张。";
    let mut m = fake_api::message(&g, &o, 40, day() + 3000, text);
    m["entities"] = json!([{"type": "text_mention", "offset": 0, "length": 2,
        "user": fake_api::user(3, "李娜", None)}]);
    api.push(json!({"message": m}));
    b.settle().await;
    api.push(private_msg(WANG, "王磊", 2, day(), "/digest"));
    b.settle().await;
    press(&api, &find_button(&api, |s| s == Step::Start));
    b.settle().await;
    api.push(private_msg(WANG, "王磊", TEXT_ID, day(), "活动信息见下"));
    b.settle().await;
    let review = review_then(&b, &api).await;
    assert!(
        review.contains("县妇联群：不发送，该群的通知是发给其他人的"),
        "{review}"
    );
    press(&api, &find_button(&api, |s| s == Step::All));
    let r = report(&api).await;
    assert!(r.contains("县妇联群：不发送"), "{r}");
    b.settle().await;
    got_nothing(&api, -1004);
    assert_eq!(received(&api, -1001).1.len(), 1);
    b.stop().await;
}
