//! A dev scenario fed as updates: each person's digest, each owner's
//! warnings, every message journaled once.

use super::{callback, digests_to, linked_sources, private_msg, repo, spawn_bot, wait_until};
use crate::fake_api::{self, FakeApi};
use chrono::{Duration as CDuration, NaiveTime, Utc};
use onedigest::bot::compose::Callback;
use onedigest::config::Config;
use onedigest::core::digest;
use onedigest::core::engine::{Effect, Engine, Settings};
use onedigest::event::Event;
use onedigest::model::{MsgRef, UserId};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

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
        let hit = sent.iter().filter(|c| {
            c.chat() == Some(w.to.0)
                && c.buttons().iter().any(|d| {
                    matches!(callback(d), Some(Callback::Feedback { same: false, task, .. }) if task == w.task)
                })
        });
        assert_eq!(hit.count(), 1, "warning to {} about {}", w.to, w.task);
    }
    let warning_msgs = sent
        .iter()
        .filter(|c| c.buttons().iter().any(|d| d.starts_with('f')))
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
        let built = digest::build(&engine, UserId(*p), at);
        // Each shown item links the first ask in every group that asked.
        let numbered = built.numbered();
        let want: BTreeSet<MsgRef> = numbered
            .iter()
            .take(onedigest::render::SHOWN_ITEMS)
            .flat_map(|(_, _, i)| {
                let mut seen = BTreeSet::new();
                i.sources
                    .iter()
                    .filter(move |s| seen.insert(s.chat_title.clone()))
                    .map(|s| s.msg)
                    .collect::<Vec<_>>()
            })
            .collect();
        let more = numbered.len() > onedigest::render::SHOWN_ITEMS;
        let msgs = digests_to(&api, *p);
        let got: BTreeSet<MsgRef> = msgs.iter().flat_map(|c| linked_sources(c.text())).collect();
        assert_eq!(got, want, "digest of {p}");
        assert_eq!(
            msgs.iter().any(|c| c.text().contains("/digest all")),
            more,
            "\"more\" pointer in the digest of {p}"
        );
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
