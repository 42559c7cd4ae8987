//! The live bot end to end: the real teloxide client and Dispatcher, over
//! real long polling (and a webhook), against a fake Bot API server on
//! 127.0.0.1 (`fake_api.rs`). The clock is injected: a shared value for the
//! in-process bots, a file (`ONEDIGEST_CLOCK_FILE`) for the child processes
//! of the kill-and-restart test.

use crate::fake_api::{self, Fail, FakeApi};
use chrono::{DateTime, Duration as CDuration, NaiveTime, Utc};
use onedigest::bot::scheduler::{Clock, ManualClock};
use onedigest::bot::state::Shared;
use onedigest::bot::{self, Options};
use onedigest::config::Config;
use onedigest::core::digest;
use onedigest::core::engine::{Effect, Engine, Settings};
use onedigest::event::Event;
use onedigest::journal::Journal;
use onedigest::model::{ChatId, Lang, MsgRef, UserId};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};

const TOKEN: &str = "123456:TEST-token-SECRET-abcdefghij";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test date")
        .with_timezone(&Utc)
}

/// A config for fast tests: limits high, ticks short.
fn test_config(dir: &Path) -> Config {
    let mut c = Config::default();
    c.bot.state_dir = dir.join("state");
    c.bot.metrics_addr = String::new();
    c.bot.poll_timeout_secs = 1;
    c.bot.messages_per_second = 1000;
    c.bot.per_chat_interval_ms = 0;
    c.bot.scheduler_tick_ms = 50;
    c.bot.catch_up_delay_secs = 0;
    c.bot.retry_base_ms = 100;
    c.bot.retry_max_ms = 1000;
    c
}

struct TestBot {
    api: FakeApi,
    clock: ManualClock,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), bot::BotError>>,
    _dir: tempfile::TempDir,
}

/// Start the bot in this process against `api`, the clock at `now`.
async fn spawn_bot(api: &FakeApi, now: DateTime<Utc>, setup: impl FnOnce(&mut Config)) -> TestBot {
    spawn_bot_with(api, now, setup, None).await
}

async fn spawn_bot_with(
    api: &FakeApi,
    now: DateTime<Utc>,
    setup: impl FnOnce(&mut Config),
    webhook_secret: Option<&str>,
) -> TestBot {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(dir.path());
    setup(&mut config);
    let clock = ManualClock::new(now);
    let (tx, rx) = watch::channel(false);
    let (ready_tx, ready_rx) = oneshot::channel();
    let opts = Options {
        token: TOKEN.into(),
        api_url: Some(reqwest::Url::parse(&api.url).expect("url")),
        config,
        config_path: None,
        clock: Arc::new(clock.clone()) as Arc<dyn Clock>,
        webhook_secret: webhook_secret.map(str::to_string),
        handle_signals: false,
        ready: Some(ready_tx),
    };
    let task = tokio::spawn(bot::serve(opts, rx));
    let shared = tokio::time::timeout(Duration::from_secs(20), ready_rx)
        .await
        .expect("the bot starts within 20 s")
        .expect("the bot reports ready");
    TestBot {
        api: api.clone(),
        clock,
        shared,
        stop: tx,
        task,
        _dir: dir,
    }
}

impl TestBot {
    async fn stop(self) -> (Arc<Shared>, tempfile::TempDir) {
        let _ = self.stop.send(true);
        let res = tokio::time::timeout(Duration::from_secs(20), self.task)
            .await
            .expect("the bot stops within 20 s")
            .expect("the bot task");
        assert!(res.is_ok(), "{res:?}");
        (self.shared, self._dir)
    }

    /// Wait until every queued update is acknowledged, the handlers are
    /// done with them (no new call for a while) and the outbox is empty.
    async fn settle(&self) {
        let last = self.api.last_update_id();
        wait_until("updates acknowledged", 30, || self.api.acked() > last).await;
        let end = Instant::now() + Duration::from_secs(30);
        let mut calls = usize::MAX;
        loop {
            let now_calls = self.api.calls().len();
            if now_calls == calls && self.shared.outbox.depth() == 0 {
                return;
            }
            assert!(Instant::now() < end, "the bot never settled");
            calls = now_calls;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

async fn wait_until(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn private_msg(user: i64, name: &str, id: i64, date: i64, text: &str) -> Value {
    json!({"message": fake_api::message(
        &fake_api::private(user, name),
        &fake_api::user(user, name, None),
        id, date, text)})
}

fn group_msg(
    chat: i64,
    title: &str,
    from: i64,
    name: &str,
    id: i64,
    date: i64,
    text: &str,
) -> Value {
    json!({"message": fake_api::message(
        &fake_api::group(chat, title),
        &fake_api::user(from, name, None),
        id, date, text)})
}

/// Is this a digest message (its header)?
fn is_digest(text: &str) -> bool {
    text.starts_with("<b>📋")
}

fn digests_to(api: &FakeApi, chat: i64) -> Vec<fake_api::Call> {
    api.sent_to(chat)
        .into_iter()
        .filter(|c| is_digest(c.text()))
        .collect()
}

/// The sources a digest message links to (`t.me/c/N/M` → chat, message).
fn linked_sources(text: &str) -> BTreeSet<MsgRef> {
    let mut out = BTreeSet::new();
    for piece in text.split("https://t.me/c/").skip(1) {
        let mut it = piece.split(|c: char| !c.is_ascii_digit());
        let (Some(c), Some(m)) = (it.next(), it.next()) else {
            continue;
        };
        if let (Ok(c), Ok(m)) = (c.parse::<i64>(), m.parse::<i64>()) {
            out.insert(MsgRef {
                chat_id: ChatId(-1_000_000_000_000 - c),
                message_id: m,
            });
        }
    }
    out
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---- a dev scenario fed as updates ----

/// A scenario as the updates Telegram would send, and the events the bot
/// should journal from them (the scenario's own, plus the memberships the
/// bot learns from senders and from getChatAdministrators).
struct Fed {
    updates: Vec<Value>,
    expected: Vec<Event>,
    people: Vec<i64>,
    settings: Settings,
    config: Config,
}

fn feed_scenario(path: &Path, api: &FakeApi) -> Fed {
    let events = onedigest::event::read_log(path).expect("scenario parses");
    let mut config = Config::default();
    let mut names: BTreeMap<i64, (String, Option<String>)> = BTreeMap::new();
    let mut titles: BTreeMap<i64, String> = BTreeMap::new();
    let mut members: BTreeSet<(i64, i64)> = BTreeSet::new();
    for e in &events {
        match e {
            Event::Scenario {
                lang,
                tz,
                workday_end,
                ..
            } => {
                config.organisation.tz = tz.clone();
                config.organisation.lang = *lang;
                config.organisation.workday_end = *workday_end;
            }
            Event::Person {
                user_id,
                name,
                username,
            } => {
                names.insert(user_id.0, (name.clone(), username.clone()));
            }
            _ => {}
        }
    }
    let settings = Settings::from_config(&config).expect("settings");
    let first = events
        .iter()
        .filter_map(Event::date)
        .min()
        .expect("dated events");
    let t0 = (first - CDuration::hours(1)).timestamp();
    let user = |id: i64| {
        let (n, u) = names.get(&id).cloned().unwrap_or((id.to_string(), None));
        fake_api::user(id, &n, u.as_deref())
    };
    let mut updates = Vec::new();
    let mut expected = Vec::new();
    // Everyone starts the bot first.
    for (i, id) in names.keys().enumerate() {
        let (n, _) = &names[id];
        updates.push(private_msg(*id, n, 1 + i as i64, t0, "/start"));
    }
    for e in &events {
        match e {
            Event::Group {
                chat_id,
                title,
                owner_id,
            } => {
                titles.insert(chat_id.0, title.clone());
                let chat = fake_api::group(chat_id.0, title);
                let owner = owner_id
                    .map(|o| o.0)
                    .unwrap_or(names.keys().next().copied().unwrap_or(1));
                api.set_admins(chat_id.0, vec![fake_api::owner(&user(owner))]);
                updates.push(fake_api::bot_added(&chat, &user(owner), t0));
                expected.push(e.clone());
                if members.insert((chat_id.0, owner)) {
                    expected.push(Event::Member {
                        chat_id: *chat_id,
                        user_id: UserId(owner),
                        date: None,
                    });
                }
            }
            Event::Member {
                chat_id,
                user_id,
                date,
            } => {
                let chat = fake_api::group(chat_id.0, &titles[&chat_id.0]);
                let d = date.map(|d| d.timestamp()).unwrap_or(t0);
                updates.push(fake_api::joined(&chat, &user(user_id.0), d));
                if members.insert((chat_id.0, user_id.0)) {
                    expected.push(e.clone());
                }
            }
            Event::MemberLeft {
                chat_id,
                user_id,
                date,
            } => {
                let chat = fake_api::group(chat_id.0, &titles[&chat_id.0]);
                let d = date.map(|d| d.timestamp()).unwrap_or(t0);
                updates.push(json!({"chat_member": {
                    "chat": chat, "from": user(user_id.0), "date": d,
                    "old_chat_member": fake_api::member(&user(user_id.0), "member"),
                    "new_chat_member": fake_api::member(&user(user_id.0), "left"),
                }}));
                members.remove(&(chat_id.0, user_id.0));
                expected.push(e.clone());
            }
            Event::Message {
                chat_id,
                message_id,
                sender_id,
                date,
                text,
                reply_to_message_id,
                mentions,
            } => {
                let chat = fake_api::group(chat_id.0, &titles[&chat_id.0]);
                let mut m = fake_api::message(
                    &chat,
                    &user(sender_id.0),
                    *message_id,
                    date.timestamp(),
                    text,
                );
                if let Some(r) = reply_to_message_id {
                    m["reply_to_message"] = json!({"message_id": r, "date": date.timestamp(), "chat": chat, "text": "…"});
                }
                if !mentions.is_empty() {
                    m["entities"] = entities(mentions, &user);
                }
                updates.push(json!({ "message": m }));
                if members.insert((chat_id.0, sender_id.0)) {
                    expected.push(Event::Member {
                        chat_id: *chat_id,
                        user_id: *sender_id,
                        date: None,
                    });
                }
                expected.push(e.clone());
            }
            Event::Edit {
                chat_id,
                message_id,
                date,
                text,
                mentions,
            } => {
                let chat = fake_api::group(chat_id.0, &titles[&chat_id.0]);
                // The sender is not in an edit event; the original's is.
                let sender = events
                    .iter()
                    .find_map(|x| match x {
                        Event::Message {
                            chat_id: c,
                            message_id: m,
                            sender_id,
                            date,
                            ..
                        } if c == chat_id && m == message_id => {
                            Some((sender_id.0, date.timestamp()))
                        }
                        _ => None,
                    })
                    .unwrap_or((0, date.timestamp()));
                let mut m = fake_api::message(&chat, &user(sender.0), *message_id, sender.1, text);
                m["edit_date"] = json!(date.timestamp());
                if !mentions.is_empty() {
                    m["entities"] = entities(mentions, &user);
                }
                updates.push(json!({ "edited_message": m }));
                expected.push(e.clone());
            }
            _ => expected.push(e.clone()),
        }
    }
    Fed {
        updates,
        expected,
        people: names.keys().copied().collect(),
        settings,
        config,
    }
}

fn entities(mentions: &[onedigest::event::Mention], user: &dyn Fn(i64) -> Value) -> Value {
    Value::Array(
        mentions
            .iter()
            .map(|m| match m.user_id {
                Some(u) => json!({"type": "text_mention", "offset": m.offset, "length": m.length, "user": user(u.0)}),
                None => json!({"type": "mention", "offset": m.offset, "length": m.length}),
            })
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dev_scenario_fed_as_updates_gives_each_person_their_digest_and_each_owner_the_warnings()
{
    let api = FakeApi::start().await;
    let path = repo().join("tests/data/fixture-en-parish-office.jsonl");
    let fed = feed_scenario(&path, &api);
    let last = fed
        .expected
        .iter()
        .filter_map(Event::date)
        .max()
        .expect("dated");
    let tz = fed.settings.tz;
    let first = fed
        .expected
        .iter()
        .filter_map(Event::date)
        .min()
        .expect("dated");
    let cfg = fed.config.clone();
    let b = spawn_bot(
        &api,
        (first - CDuration::hours(1)).with_timezone(&Utc),
        |c| {
            c.organisation = cfg.organisation.clone();
        },
    )
    .await;
    for u in &fed.updates {
        api.push(u.clone());
    }
    b.settle().await;

    // The expected state: the same events through the same core.
    let mut engine = Engine::new(fed.settings.clone());
    let mut warnings = Vec::new();
    for e in &fed.expected {
        for Effect::Warning(w) in engine.apply(e) {
            warnings.push(w);
        }
    }
    assert!(
        warnings.iter().filter(|w| !w.maybe).count() >= 2,
        "the scenario has duplicates: {warnings:?}"
    );
    // Each warning reached its owner, with both feedback buttons.
    let sent = api.sent();
    for w in &warnings {
        let prefix = format!(":{}:{}:", w.task.chat_id.0, w.task.message_id);
        let hit = sent.iter().filter(|c| {
            c.chat() == Some(w.to.0)
                && c.buttons()
                    .iter()
                    .any(|d| d.starts_with("f:0") && d.contains(&prefix))
        });
        assert_eq!(hit.count(), 1, "warning to {} about {}", w.to, w.task);
    }
    let warning_msgs = sent
        .iter()
        .filter(|c| c.buttons().iter().any(|d| d.starts_with("f:")))
        .count();
    assert_eq!(warning_msgs, warnings.len(), "no other warnings");

    // Nothing before the digest time.
    assert!(fed.people.iter().all(|p| digests_to(&api, *p).is_empty()));
    // The day after the last message, at the digest time: everyone's digest.
    let day = last.with_timezone(&tz).date_naive() + CDuration::days(1);
    let at = day.and_time(NaiveTime::from_hms_opt(7, 30, 0).expect("time"));
    let at_utc = at
        .and_local_timezone(tz)
        .single()
        .expect("local")
        .with_timezone(&Utc);
    b.clock.set(at_utc - CDuration::seconds(1));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        fed.people.iter().all(|p| digests_to(&api, *p).is_empty()),
        "not a second early"
    );
    b.clock.set(at_utc);
    wait_until("every started person has a digest", 30, || {
        fed.people.iter().all(|p| !digests_to(&api, *p).is_empty())
    })
    .await;
    b.settle().await;
    let mut with_items = 0;
    for p in &fed.people {
        let want = digest::build(&engine, UserId(*p), at);
        let want: BTreeSet<MsgRef> = want
            .items
            .iter()
            .chain(&want.overdue)
            .flat_map(|i| i.sources.iter().map(|s| s.msg))
            .collect();
        let msgs = digests_to(&api, *p);
        let got: BTreeSet<MsgRef> = msgs.iter().flat_map(|c| linked_sources(c.text())).collect();
        assert_eq!(got, want, "digest of {p}");
        if !want.is_empty() {
            with_items += 1;
            // A [Done] button per item.
            assert!(
                msgs.iter()
                    .any(|c| c.buttons().iter().any(|d| d.starts_with("d:")))
            );
        }
        assert!(msgs.iter().all(|c| c.body["parse_mode"] == "HTML"));
    }
    assert!(with_items >= 3, "digests with items: {with_items}");
    // A second later: nothing twice.
    b.clock.set(at_utc + CDuration::minutes(5));
    tokio::time::sleep(Duration::from_millis(300)).await;
    for p in &fed.people {
        assert_eq!(digests_to(&api, *p).len(), 1, "{p} got one digest message");
    }
    let (shared, _dir) = b.stop().await;
    // Every fed message is in the journal, once.
    let journaled: BTreeSet<MsgRef> = shared
        .journal
        .events()
        .expect("journal")
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .filter_map(Event::msg_ref)
        .collect();
    let fed_msgs: BTreeSet<MsgRef> = fed
        .expected
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .filter_map(Event::msg_ref)
        .collect();
    assert_eq!(journaled, fed_msgs);
}

// ---- groups, admins ----

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

// ---- the sender ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_waited_out_5xx_retried_and_a_403_marks_only_that_person_unreachable() {
    let api = FakeApi::start().await;
    let morning = utc("2024-03-04T07:00:00+08:00");
    let b = spawn_bot(&api, morning, |c| {
        c.bot.per_chat_interval_ms = 1000;
        c.bot.messages_per_second = 30;
    })
    .await;
    let d = morning.timestamp();
    let g = fake_api::group(-1001, "宣传群");
    api.set_admins(
        -1001,
        vec![fake_api::owner(&fake_api::user(9, "群主", None))],
    );
    api.push(fake_api::bot_added(&g, &fake_api::user(9, "群主", None), d));
    for (u, n) in [(1, "甲"), (2, "乙"), (3, "丙"), (4, "丁")] {
        api.push(fake_api::joined(&g, &fake_api::user(u, n, None), d));
        api.push(private_msg(u, n, 10 + u, d, "/start"));
    }
    api.push(group_msg(
        -1001,
        "宣传群",
        9,
        "群主",
        50,
        d,
        "各位：请今天下午5点前报送值班表。",
    ));
    b.settle().await;
    // Now the script: person 1 is rate limited once, 2 blocked the bot,
    // Telegram fails once with 502 for person 3.
    api.fail("sendMessage", Some(1), Some(1), Fail::RetryAfter(1));
    api.fail("sendMessage", Some(2), None, Fail::Forbidden);
    api.fail("sendMessage", Some(3), Some(1), Fail::ServerError(502));
    api.clear_calls();
    b.clock.set(utc("2024-03-04T07:30:00+08:00"));
    wait_until("digests for 1, 3 and 4", 40, || {
        [1, 3, 4].iter().all(|u| !digests_to(&api, *u).is_empty())
    })
    .await;
    b.settle().await;
    let calls = api.calls_to("sendMessage");
    let to = |u: i64| {
        calls
            .iter()
            .filter(|c| c.chat() == Some(u))
            .cloned()
            .collect::<Vec<_>>()
    };
    // 429: refused once, sent once, at least retry_after later.
    let one = to(1);
    assert_eq!(one.len(), 2, "{one:?}");
    assert!(!one[0].ok && one[1].ok);
    assert!(
        one[1].at - one[0].at >= Duration::from_secs(1),
        "{:?}",
        one[1].at - one[0].at
    );
    assert_eq!(digests_to(&api, 1).len(), 1);
    // 5xx: retried, delivered once.
    let three = to(3);
    assert_eq!(three.iter().filter(|c| c.ok).count(), 1, "{three:?}");
    assert!(!three[0].ok);
    // 403: one attempt, then unreachable; the others still got theirs.
    assert_eq!(to(2).len(), 1);
    assert!(!to(2)[0].ok);
    let reg = b.shared.people.get(UserId(2)).expect("registered");
    assert!(reg.unreachable.is_some(), "{reg:?}");
    assert_eq!(digests_to(&api, 4).len(), 1);
    assert_eq!(
        b.shared
            .metrics
            .send_failures
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    // And /status shows them as unreachable.
    let st = bot::status(&b.shared);
    assert!(
        st.unreachable
            .iter()
            .any(|(n, why)| n == "乙" && why.contains("blocked")),
        "{:?}",
        st.unreachable
    );
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sender_keeps_the_per_chat_and_overall_limits() {
    let api = FakeApi::start().await;
    let now = utc("2024-03-04T12:00:00+08:00");
    // Telegram's per-chat limit (1 s) and a smaller overall one (10/s) so
    // that both bind with ten people.
    let b = spawn_bot(&api, now, |c| {
        c.bot.messages_per_second = 10;
        c.bot.per_chat_interval_ms = 1000;
    })
    .await;
    let d = now.timestamp();
    // Ten people each ask for four digests at once: 10 replies + 30 digests.
    for u in 1..=10 {
        for k in 0..4 {
            api.push(private_msg(
                u,
                "x",
                100 * u + k,
                d,
                if k == 0 { "/start" } else { "/digest" },
            ));
        }
    }
    b.settle().await;
    let sent = api.sent();
    assert_eq!(sent.len(), 40);
    // As the server saw them: never 11 within a second overall, never two
    // within a second to one chat.
    let mut t: Vec<Instant> = sent.iter().map(|c| c.at).collect();
    t.sort();
    for w in t.windows(11) {
        assert!(
            w[10] - w[0] > Duration::from_secs(1),
            "more than 10 in a second"
        );
    }
    for u in 1..=10 {
        let s: Vec<Instant> = sent
            .iter()
            .filter(|c| c.chat() == Some(u))
            .map(|c| c.at)
            .collect();
        assert_eq!(s.len(), 4);
        for w in s.windows(2) {
            assert!(
                w[1] - w[0] >= Duration::from_secs(1),
                "chat {u}: {:?}",
                w[1] - w[0]
            );
        }
    }
    // And not much slower than the limits allow: 40 at 10/s ≈ 4 s.
    assert!(t[39] - t[0] < Duration::from_secs(6), "{:?}", t[39] - t[0]);
    b.stop().await;
}

// ---- buttons ----

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
        "各文化站：学雷锋志愿服务活动开展情况（文字+照片）3月6日前报送。",
    ));
    b.settle().await;
    // The owner of the third group was warned, with both buttons.
    let warning = api
        .sent_to(4)
        .into_iter()
        .find(|c| c.buttons().iter().any(|d| d.starts_with("f:")))
        .expect("a warning to the third group's owner");
    assert!(
        warning.text().contains("县委宣传部群"),
        "{}",
        warning.text()
    );
    let not_dup = warning
        .buttons()
        .into_iter()
        .find(|d| d.starts_with("f:0:-1003:30:"))
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

// ---- webhook ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_checks_the_secret_and_journals_before_answering() {
    let api = FakeApi::start().await;
    let port = free_port();
    let b = spawn_bot_with(
        &api,
        utc("2024-03-04T09:00:00+08:00"),
        |c| {
            c.bot.mode = onedigest::config::BotMode::Webhook;
            c.bot.webhook_url = Some("https://bot.example.org/tg/hook".into());
            c.bot.webhook_listen = format!("127.0.0.1:{port}");
        },
        Some("s3cret-token"),
    )
    .await;
    wait_until("setWebhook", 10, || !api.calls_to("setWebhook").is_empty()).await;
    let set = &api.calls_to("setWebhook")[0];
    assert_eq!(set.body["secret_token"], "s3cret-token");
    assert!(
        set.body["allowed_updates"]
            .as_array()
            .is_some_and(|a| a.iter().any(|u| u == "chat_member"))
    );
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    let mut update = group_msg(-1001, "宣传群", 1, "周敏", 7, d, "请各位明天交表");
    update["update_id"] = json!(1);
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/tg/hook");
    // The server may need a moment to bind.
    let mut tries = 0;
    let no_secret = loop {
        match client.post(&url).json(&update).send().await {
            Ok(r) => break r,
            Err(_) if tries < 100 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("webhook unreachable: {e}"),
        }
    };
    assert_eq!(no_secret.status(), 401);
    let wrong = client
        .post(&url)
        .header("X-Telegram-Bot-Api-Secret-Token", "guess")
        .json(&update)
        .send()
        .await
        .expect("post");
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        b.shared.journal_len(),
        0,
        "nothing journaled from refused posts"
    );
    let right = client
        .post(&url)
        .header("X-Telegram-Bot-Api-Secret-Token", "s3cret-token")
        .json(&update)
        .send()
        .await
        .expect("post");
    assert_eq!(right.status(), 200);
    // Journaled before the 200.
    let evs = b.shared.journal.events().expect("journal");
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::Message { message_id: 7, .. })),
        "{evs:?}"
    );
    b.stop().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

// ---- the process: killed mid-stream and restarted ----

struct Proc {
    dir: PathBuf,
    config: PathBuf,
    clock: PathBuf,
    api: String,
    metrics: String,
    log: PathBuf,
}

impl Proc {
    fn spawn(&self) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        Command::new(env!("CARGO_BIN_EXE_onedigest"))
            .args(["--config", self.config.to_str().expect("utf-8"), "run"])
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", &self.api)
            .env("ONEDIGEST_CLOCK_FILE", &self.clock)
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the onedigest binary runs")
    }

    fn set_clock(&self, t: &str) {
        std::fs::write(&self.clock, t).expect("clock file");
    }

    /// The health endpoint's outbox depth, once it answers.
    async fn outbox_depth(&self) -> Option<u64> {
        let r = reqwest::get(format!("http://{}/healthz", self.metrics))
            .await
            .ok()?;
        let v: Value = r.json().await.ok()?;
        v["gauges"]["outbox_depth"].as_u64()
    }

    async fn wait_drained(&self) {
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if self.outbox_depth().await == Some(0) {
                return;
            }
            assert!(Instant::now() < end, "outbox never drained");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn kill(mut c: Child) {
    // SIGKILL: no clean shutdown, nothing flushed on the way out.
    c.kill().expect("kill");
    let _ = c.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_process_killed_mid_stream_and_restarted_loses_no_update_and_sends_no_digest_twice() {
    let api = FakeApi::start().await;
    api.set_privacy(false);
    api.set_batch(5);
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let p = Proc {
        dir: dir.path().to_path_buf(),
        config: dir.path().join("onedigest.toml"),
        clock: dir.path().join("now"),
        api: api.url.clone(),
        metrics: format!("127.0.0.1:{port}"),
        log: dir.path().join("stderr.log"),
    };
    std::fs::write(
        &p.config,
        format!(
            "[bot]\nstate_dir = \"{}\"\nmetrics_addr = \"{}\"\npoll_timeout_secs = 1\nmessages_per_second = 1000\nper_chat_interval_ms = 0\nscheduler_tick_ms = 50\ncatch_up_delay_secs = 0\n",
            p.dir.join("state").display(),
            p.metrics
        ),
    )
    .expect("config");
    p.set_clock("2024-03-04T07:00:00+08:00");
    let d = utc("2024-03-04T06:00:00+08:00").timestamp();
    let people: Vec<i64> = (1..=5).collect();
    let g1 = fake_api::group(-1001, "一组");
    let g2 = fake_api::group(-1002, "二组");
    api.set_admins(
        -1001,
        vec![fake_api::owner(&fake_api::user(1, "人1", None))],
    );
    api.set_admins(
        -1002,
        vec![fake_api::owner(&fake_api::user(2, "人2", None))],
    );
    api.push(fake_api::bot_added(&g1, &fake_api::user(1, "人1", None), d));
    api.push(fake_api::bot_added(&g2, &fake_api::user(2, "人2", None), d));
    for u in &people {
        api.push(private_msg(*u, &format!("人{u}"), 1, d, "/start"));
    }
    let n_msgs = 400;
    let mut fed = BTreeSet::new();
    for i in 0..n_msgs {
        let (chat, title) = if i % 2 == 0 {
            (-1001, "一组")
        } else {
            (-1002, "二组")
        };
        let from = people[i % people.len()];
        let text = if i % 10 == 0 {
            format!("请各位今天下午{}点前报送第{}项材料", 2 + i % 4, i)
        } else {
            format!("收到 {i}")
        };
        api.push(group_msg(
            chat,
            title,
            from,
            &format!("人{from}"),
            1000 + i as i64,
            d + 60 + i as i64,
            &text,
        ));
        fed.insert(MsgRef {
            chat_id: ChatId(chat),
            message_id: 1000 + i as i64,
        });
    }
    let last = api.last_update_id();

    // 1. Killed mid-stream.
    let child = p.spawn();
    let end = Instant::now() + Duration::from_secs(30);
    while api.acked() < last / 3 {
        assert!(Instant::now() < end, "no progress: acked {}", api.acked());
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    kill(child);
    let acked_at_kill = api.acked();
    assert!(
        acked_at_kill <= last,
        "killed before the end of the stream ({acked_at_kill}/{last})"
    );

    // 2. Restarted: the rest comes in; nothing lost.
    let child = p.spawn();
    let end = Instant::now() + Duration::from_secs(60);
    while api.acked() <= last {
        assert!(
            Instant::now() < end,
            "stream not finished: acked {}",
            api.acked()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    p.wait_drained().await;
    kill(child);
    {
        let j = Journal::open(&p.dir.join("state")).expect("journal after SIGKILL");
        let evs = j.events().expect("events");
        let journaled: Vec<MsgRef> = evs
            .iter()
            .filter(|e| matches!(e, Event::Message { .. }))
            .filter_map(Event::msg_ref)
            .collect();
        let set: BTreeSet<MsgRef> = journaled.iter().copied().collect();
        assert_eq!(journaled.len(), set.len(), "each message journaled once");
        assert_eq!(set, fed, "every message fed is in the journal");
    }

    // 3. The digest time comes: each person's digest, once.
    p.set_clock("2024-03-04T07:30:00+08:00");
    let child = p.spawn();
    wait_until("digests at 07:30", 30, || {
        people.iter().all(|u| !digests_to(&api, *u).is_empty())
    })
    .await;
    p.wait_drained().await;
    kill(child);
    // Restarted the same day: not again.
    let child = p.spawn();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    p.wait_drained().await;
    kill(child);
    for u in &people {
        assert_eq!(
            digests_to(&api, *u).len(),
            1,
            "person {u}: one digest on the 4th"
        );
    }

    // 4. Down over the next morning's digest time, up at 09:00: the missed
    // digest is sent once, and not again after another kill.
    p.set_clock("2024-03-05T09:00:00+08:00");
    let child = p.spawn();
    wait_until("missed digests", 30, || {
        people.iter().all(|u| digests_to(&api, *u).len() >= 2)
    })
    .await;
    p.wait_drained().await;
    kill(child);
    let child = p.spawn();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    p.wait_drained().await;
    kill(child);
    for u in &people {
        let ds = digests_to(&api, *u);
        assert_eq!(
            ds.len(),
            2,
            "person {u}: one digest a day: {:?}",
            ds.iter().map(|c| c.text()).collect::<Vec<_>>()
        );
        assert!(ds[1].text().contains("3月5日"), "{}", ds[1].text());
    }
    let log = std::fs::read_to_string(&p.log).expect("log");
    assert!(
        !log.contains("TEST-token-SECRET"),
        "the token leaked into the log"
    );
    assert!(
        log.contains("privacy mode is on"),
        "the privacy warning is logged"
    );
}

// ---- live reloading of the rules ----

/// The bot as a child process with `--config` naming a rules file of its
/// own, admin 42 (Ada) started, the watcher polling every `watch_secs`.
struct Reloading {
    api: FakeApi,
    proc_: Proc,
    rules: PathBuf,
    child: Child,
    next_msg: i64,
    _dir: tempfile::TempDir,
}

/// The bundled rules with another duplicate threshold.
fn rules_with_threshold(t: &str) -> String {
    let text = std::fs::read_to_string(repo().join("config/rules.toml")).expect("bundled rules");
    let at = text
        .find("\nduplicate = ")
        .expect("the bundled threshold line")
        + "\nduplicate = ".len();
    let end = at + text[at..].find(' ').expect("a comment after the value");
    format!("{}{t}{}", &text[..at], &text[end..])
}

/// What the log says after each reload that took effect.
const RELOADED: &str = "new messages use the new rules";

impl Drop for Reloading {
    fn drop(&mut self) {
        // Also when an assertion failed: no bot outlives its test.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Reloading {
    async fn start(watch_secs: u64) -> Reloading {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let rules = dir.path().join("rules.toml");
        std::fs::write(&rules, rules_with_threshold("0.5")).expect("rules");
        let proc_ = Proc {
            dir: dir.path().to_path_buf(),
            config: dir.path().join("onedigest.toml"),
            clock: dir.path().join("now"),
            api: api.url.clone(),
            metrics: format!("127.0.0.1:{}", free_port()),
            log: dir.path().join("stderr.log"),
        };
        std::fs::write(
            &proc_.config,
            format!(
                "[organisation]\nlang = \"en\"\n[admins]\nusers = [42]\n[dedup]\nrules = {:?}\n[bot]\nstate_dir = {:?}\nmetrics_addr = \"{}\"\npoll_timeout_secs = 1\nper_chat_interval_ms = 0\nwatch_rules_secs = {watch_secs}\n",
                rules.display().to_string(),
                proc_.dir.join("state").display().to_string(),
                proc_.metrics
            ),
        )
        .expect("config");
        proc_.set_clock("2024-10-14T09:00:00+08:00");
        let child = proc_.spawn();
        let mut r = Reloading {
            api,
            proc_,
            rules,
            child,
            next_msg: 1,
            _dir: dir,
        };
        r.say("/start", "").await;
        r
    }

    /// Ada writes `text` to the bot; the first message to her since that
    /// contains `expect` (a reload notice may come in between).
    async fn say(&mut self, text: &str, expect: &str) -> String {
        let before = self.api.sent_to(42).len();
        let d = utc("2024-10-14T09:00:00+08:00").timestamp();
        self.api
            .push(private_msg(42, "Ada", self.next_msg, d, text));
        self.next_msg += 1;
        let answer = || {
            self.api.sent_to(42)[before..]
                .iter()
                .map(|c| c.text().to_string())
                .find(|t| t.contains(expect))
        };
        wait_until(&format!("an answer to {text} with `{expect}`"), 30, || {
            answer().is_some()
        })
        .await;
        answer().unwrap_or_default()
    }

    /// The duplicate threshold `/rules` says is in force.
    async fn threshold(&mut self) -> String {
        let rules = self.say("/rules", "Rules in force").await;
        rules
            .split("duplicate at score ≥ ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no threshold in {rules}"))
            .to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.proc_.log).unwrap_or_default()
    }

    async fn wait_log(&self, what: &str, times: usize) {
        wait_until(&format!("{times} × `{what}` in the log"), 30, || {
            self.log().matches(what).count() >= times
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rules_file_rewritten_is_reloaded_without_a_restart_and_a_bad_version_is_rejected_once() {
    let mut r = Reloading::start(1).await;
    assert_eq!(r.threshold().await, "0.5");

    // (a) A new threshold, picked up by the watcher.
    std::fs::write(&r.rules, rules_with_threshold("0.85")).expect("rules");
    r.wait_log(RELOADED, 1).await;
    assert_eq!(r.threshold().await, "0.85");
    let log = r.log();
    assert!(log.contains(&r.rules.display().to_string()), "{log}");

    // (b) Half written: rejected with the file and line; the rules stay.
    let full = rules_with_threshold("0.6");
    let cut = full.find("\nduplicate = 0.6").expect("threshold line") + "\nduplicate = 0.".len();
    std::fs::write(&r.rules, &full[..cut]).expect("rules");
    r.wait_log("reload rejected", 1).await;
    let line = full[..cut].matches('\n').count() + 1;
    let named = format!("{}:{line}:", r.rules.display());
    let log = r.log();
    assert!(log.contains(&named), "the log names {named}: {log}");
    assert_eq!(r.threshold().await, "0.85");
    // Ada (a config admin who started the bot) is told once, by private message.
    wait_until("the admin hears of the rejection", 30, || {
        r.api
            .sent_to(42)
            .iter()
            .any(|c| c.text().contains("could not be loaded") && c.text().contains(&named))
    })
    .await;
    // Several polls later the bad version is still reported only once.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(r.log().matches("reload rejected").count(), 1, "{}", r.log());
    assert_eq!(
        r.api
            .sent_to(42)
            .iter()
            .filter(|c| c.text().contains("could not be loaded"))
            .count(),
        1
    );

    // The writer finishes: the new version is in force.
    std::fs::write(&r.rules, &full).expect("rules");
    r.wait_log(RELOADED, 2).await;
    assert_eq!(r.threshold().await, "0.6");
    assert!(
        r.child.try_wait().expect("child").is_none(),
        "never restarted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_rules_with_the_watcher_off() {
    let mut r = Reloading::start(0).await;
    assert_eq!(r.threshold().await, "0.5");
    std::fs::write(&r.rules, rules_with_threshold("0.75")).expect("rules");
    // The watcher is off: nothing happens by itself.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(r.threshold().await, "0.5");

    let status = Command::new("kill")
        .args(["-HUP", &r.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    r.wait_log(RELOADED, 1).await;
    assert!(r.log().contains("SIGHUP"), "{}", r.log());
    assert_eq!(r.threshold().await, "0.75");
    assert!(
        r.child.try_wait().expect("child").is_none(),
        "SIGHUP does not end the bot"
    );

    // /reload takes the same path: an invalid file is refused in the chat.
    std::fs::write(&r.rules, "[thresholds]\nduplicate = 2.0\nmaybe = 0.1\n").expect("rules");
    let reply = r.say("/reload", "Reload failed").await;
    assert!(reply.contains("thresholds.duplicate"), "{reply}");
    assert_eq!(r.threshold().await, "0.75");
}

// ---- the command line ----

#[test]
fn run_help_documents_every_option() {
    let out = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .args(["run", "--help"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--config",
        "--state-dir",
        "--api-url",
        "--mode",
        "--webhook-url",
        "--listen",
        "--metrics-addr",
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "ONEDIGEST_WEBHOOK_SECRET",
        "RUST_LOG",
        "ONEDIGEST_CLOCK_FILE",
    ] {
        assert!(help.contains(opt), "run --help lacks {opt}:\n{help}");
    }
}

#[test]
fn run_without_a_token_fails_with_one_line_and_exit_code_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .arg("run")
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("TELOXIDE_TOKEN"), "{err}");
}

#[test]
fn the_token_never_reaches_the_log_even_when_requests_fail() {
    // Nothing listens on this port: every request fails with its URL, and
    // the URL holds the token.
    let port = free_port();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_onedigest"))
        .args(["run", "--metrics-addr", "", "--state-dir"])
        .arg(dir.path().join("state"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", format!("http://127.0.0.1:{port}"))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    std::thread::sleep(Duration::from_millis(2500));
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("getMe failed"), "{log}");
    assert!(
        !log.contains("TEST-token-SECRET"),
        "the token leaked:\n{log}"
    );
}

// ---- load: on demand ----

/// 1,000 groups, 200,000 messages, 10,000 people started, against the fake
/// server with Telegram's real limits. Run with
/// `cargo test --release --test integration -- --ignored load --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn load_1000_groups_200k_messages_10k_people() {
    let groups: i64 = std::env::var("LOAD_GROUPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let people: i64 = std::env::var("LOAD_PEOPLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let messages: i64 = std::env::var("LOAD_MESSAGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let api = FakeApi::start().await;
    let day0 = utc("2024-03-04T00:00:00+08:00");
    let b = spawn_bot(&api, day0, |c| {
        c.bot.messages_per_second = 30;
        c.bot.per_chat_interval_ms = 1000;
    })
    .await;
    let t0 = Instant::now();
    let d0 = day0.timestamp();
    let owner_base = 5_000_000;
    // Each person is in three groups; owners are separate (not started), so
    // their warnings are counted, not sent.
    for g in 0..groups {
        let chat = -1_009_000_000_000 - g;
        let owner = fake_api::user(owner_base + g, &format!("群主{g}"), None);
        api.set_admins(chat, vec![fake_api::owner(&owner)]);
        api.push(fake_api::bot_added(
            &fake_api::group(chat, &format!("工作群{g}")),
            &owner,
            d0,
        ));
    }
    for u in 1..=people {
        for k in 0..3 {
            let g = (u * 7 + k * 331) % groups;
            let chat = -1_009_000_000_000 - g;
            api.push(fake_api::joined(
                &fake_api::group(chat, &format!("工作群{g}")),
                &fake_api::user(u, &format!("人{u}"), None),
                d0,
            ));
        }
        api.push(private_msg(u, &format!("人{u}"), 1, d0, "/start"));
    }
    let topics = [
        "值班表",
        "安全检查台账",
        "学雷锋活动照片",
        "人口普查数据",
        "防汛物资清单",
        "党建材料",
        "网格员名单",
        "疫苗接种统计",
    ];
    for i in 0..messages {
        let g = (i * 7919) % groups;
        let chat = -1_009_000_000_000 - g;
        let from = 1 + (i * 104_729) % people;
        let text = if i % 5 == 0 {
            format!(
                "请各位于3月{}日{}点前报送{}",
                5 + i % 3,
                9 + i % 8,
                topics[(i / 5) as usize % topics.len()]
            )
        } else {
            format!("收到，第{i}条")
        };
        // Spread over three days before the digest on the 7th.
        let date = d0 + 3600 * 8 + (i * 3 * 86_400 / messages.max(1));
        api.push(group_msg(
            chat,
            &format!("工作群{g}"),
            from,
            &format!("人{from}"),
            10 + i,
            date,
            &text,
        ));
    }
    let fed = api.last_update_id();
    println!("queued {fed} updates in {:?}", t0.elapsed());
    let t_in = Instant::now();
    let end = Instant::now() + Duration::from_secs(3 * 3600);
    while api.acked() <= fed {
        assert!(Instant::now() < end, "intake stalled at {}", api.acked());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let intake = t_in.elapsed();
    println!(
        "intake: {fed} updates journaled and acknowledged in {intake:?} ({:.0} updates/s); journal {} events; tasks {}; duplicates {}",
        fed as f64 / intake.as_secs_f64(),
        b.shared.journal_len(),
        b.shared.engine().tasks.len(),
        b.shared
            .metrics
            .duplicates
            .load(std::sync::atomic::Ordering::Relaxed),
    );
    // Let the /start replies drain first, so the digest run is measured alone.
    let t_rep = Instant::now();
    wait_until("replies drained", 3 * 3600, || b.shared.outbox.depth() == 0).await;
    println!(
        "{} replies and notices sent in {:?}",
        api.sent().len(),
        t_rep.elapsed()
    );
    let before = api.sent().len();
    api.clear_calls();
    let t_dig = Instant::now();
    b.clock.set(utc("2024-03-07T07:30:00+08:00"));
    wait_until("every digest delivered", 3 * 3600, || {
        b.shared.outbox.depth() == 0
            && api.sent().iter().filter(|c| is_digest(c.text())).count() as i64 >= people
    })
    .await;
    let run = t_dig.elapsed();
    let sent = api.sent();
    let digests: Vec<&fake_api::Call> = sent.iter().filter(|c| is_digest(c.text())).collect();
    let persons: BTreeSet<i64> = digests.iter().filter_map(|c| c.chat()).collect();
    assert_eq!(
        persons.len() as i64,
        people,
        "every started person got a digest"
    );
    // Limits, as the server saw them.
    let mut t: Vec<Instant> = sent.iter().map(|c| c.at).collect();
    t.sort();
    let mut peak = 0;
    let mut j = 0;
    for i in 0..t.len() {
        while t[i] - t[j] >= Duration::from_secs(1) {
            j += 1;
        }
        peak = peak.max(i - j + 1);
    }
    let mut per_chat: BTreeMap<i64, Vec<Instant>> = BTreeMap::new();
    for c in &sent {
        per_chat
            .entry(c.chat().unwrap_or_default())
            .or_default()
            .push(c.at);
    }
    let min_gap = per_chat
        .values()
        .flat_map(|v| v.windows(2).map(|w| w[1] - w[0]))
        .min();
    let floor = Duration::from_secs_f64(sent.len() as f64 / 30.0);
    println!(
        "digest run: {} messages ({} digests) in {run:?}; floor at 30/s {floor:?} ({:.1}% over); peak {peak} in any 1 s window; least per-chat gap {min_gap:?}; earlier sends {before}",
        sent.len(),
        digests.len(),
        (run.as_secs_f64() / floor.as_secs_f64() - 1.0) * 100.0
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for l in status
            .lines()
            .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        {
            println!("memory {l}");
        }
    }
    assert!(peak <= 30, "more than 30 messages in a second: {peak}");
    assert!(
        min_gap.is_none_or(|g| g >= Duration::from_secs(1)),
        "{min_gap:?}"
    );
    let (shared, dir) = b.stop().await;
    let n = shared
        .journal
        .events()
        .expect("journal")
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .count() as i64;
    assert_eq!(n, messages, "every message journaled");
    drop(shared);
    // What a restart costs, and what the digests cost the core alone.
    let t_open = Instant::now();
    let mut cfg = test_config(dir.path());
    cfg.bot.messages_per_second = 30;
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(day0));
    let (shared, _rx) = tokio::task::spawn_blocking(move || {
        Shared::open(&dir.path().join("state"), cfg, None, clock).map(|(s, rx)| (s, (rx, dir)))
    })
    .await
    .expect("join")
    .expect("reopen");
    println!(
        "restart: state rebuilt from the journal in {:?}",
        t_open.elapsed()
    );
    let at = chrono::NaiveDate::from_ymd_opt(2024, 3, 7)
        .and_then(|d| d.and_hms_opt(7, 30, 0))
        .expect("time");
    let t_build = Instant::now();
    let engine = shared.engine();
    let mut items = 0;
    for u in 1..=people {
        items += digest::build(&engine, UserId(u), at).items.len();
    }
    println!(
        "core: {people} digests built in {:?} ({items} items)",
        t_build.elapsed()
    );
}
