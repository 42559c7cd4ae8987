//! Replay: feed a recorded log through the core, producing digests at each
//! day's digest time exactly as the live bot would: both decide which
//! digests are due with [`schedule::due`].

use crate::core::digest::{self, Digest};
use crate::core::engine::{Effect, Engine, Settings, Warning};
use crate::core::schedule::{self, Subscriber, Until};
use crate::event::Event;
use crate::model::{Assignees, ChatId, Deadline, MsgRef, UserId};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// Drives an [`Engine`] over events, emitting digests when the clock
/// (the events' own dates) passes each day's digest time.
pub struct Replayer {
    pub engine: Engine,
    /// The latest time the schedule was checked at.
    checked: Option<NaiveDateTime>,
    pub warnings: Vec<Warning>,
    pub digests: Vec<Digest>,
    /// Replies handed in to several groups at once (`hand_in` events).
    pub hand_ins: Vec<HandInOut>,
}

impl Replayer {
    pub fn new(settings: Settings) -> Replayer {
        Replayer {
            engine: Engine::new(settings),
            checked: None,
            warnings: Vec::new(),
            digests: Vec::new(),
            hand_ins: Vec::new(),
        }
    }

    /// Emit the digests due by `now` ([`Until::Through`]: at `now` too), as
    /// the live bot's schedule decides them: every member at the
    /// organisation's digest time. An event stamped exactly at the digest
    /// time is in that digest.
    fn advance_to(&mut self, now: NaiveDateTime, until: Until) {
        let since = self.checked;
        self.checked = Some(since.map_or(now, |c| c.max(now)));
        let time = self.engine.settings.digest_time;
        // Most events pass no digest time: skip listing the members.
        if schedule::rounds(time, since, now, until).next().is_none() {
            return;
        }
        let subs: Vec<Subscriber> = self
            .engine
            .all_members()
            .into_iter()
            .map(|user| Subscriber {
                user,
                digest_time: time,
                started: None,
            })
            .collect();
        for d in schedule::due(&subs, since, now, until) {
            self.digests.push(digest::build(&self.engine, d.user, d.at));
        }
    }

    pub fn feed(&mut self, ev: &Event) {
        if let Some(d) = ev.date() {
            let local = self.engine.settings.local(d);
            self.advance_to(local, Until::Before);
        }
        if let Event::HandIn {
            user_id,
            task,
            groups,
            messages,
            date,
        } = ev
        {
            self.hand_ins.push(HandInOut {
                user_id: *user_id,
                task: *task,
                groups: groups.clone(),
                messages: *messages,
                at: self
                    .engine
                    .settings
                    .local(*date)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
            });
        }
        for effect in self.engine.apply(ev) {
            match effect {
                Effect::Warning(w) => self.warnings.push(w),
            }
        }
    }

    /// Close the log: digests through the day after the last event.
    pub fn finish(&mut self) {
        if let Some(last) = self.engine.last_seen {
            let end = (last.date() + Duration::days(1)).and_time(self.engine.settings.digest_time);
            self.advance_to(end, Until::Through);
        }
    }
}

/// Replay a whole log.
pub fn run(events: &[Event], settings: Settings) -> Replayer {
    let mut r = Replayer::new(settings);
    for ev in events {
        r.feed(ev);
    }
    r.finish();
    r
}

// ---- the `replay --json` contract ----

#[derive(Debug, Serialize, PartialEq)]
pub struct Contract {
    pub tasks: Vec<TaskOut>,
    pub warnings: Vec<WarningOut>,
    pub digests: Vec<DigestOut>,
    /// Only when the log has any: older readers see the contract unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hand_ins: Vec<HandInOut>,
}

/// One reply handed in to several groups (issue 14).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HandInOut {
    pub user_id: UserId,
    /// A source of the item it answered.
    pub task: MsgRef,
    /// The groups it was delivered to.
    pub groups: Vec<ChatId>,
    /// The person's messages, each copied into every group.
    pub messages: usize,
    pub at: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct TaskOut {
    pub chat_id: ChatId,
    pub message_id: i64,
    pub deadline: Option<Deadline>,
    pub assignees: Assignees,
    pub cluster: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct WarningOut {
    pub to: UserId,
    pub chat_id: ChatId,
    pub message_id: i64,
    pub duplicate_of: Vec<MsgRef>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct DigestOut {
    pub user_id: UserId,
    pub at: String,
    pub items: Vec<ItemOut>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ItemOut {
    pub cluster: String,
    pub deadline: Option<Deadline>,
    pub conflict: bool,
    pub sources: Vec<MsgRef>,
}

pub fn cluster_name(c: u64) -> String {
    format!("c{c}")
}

impl Contract {
    pub fn from_run(r: &Replayer) -> Contract {
        let mut tasks: Vec<_> = r.engine.tasks.values().collect();
        tasks.sort_by_key(|t| (t.sent, t.src));
        Contract {
            tasks: tasks
                .into_iter()
                .map(|t| TaskOut {
                    chat_id: t.src.chat_id,
                    message_id: t.src.message_id,
                    deadline: t.deadline,
                    assignees: t.assignees.clone(),
                    cluster: cluster_name(t.cluster),
                })
                .collect(),
            warnings: r
                .warnings
                .iter()
                .filter(|w| !w.maybe)
                .map(|w| WarningOut {
                    to: w.to,
                    chat_id: w.task.chat_id,
                    message_id: w.task.message_id,
                    duplicate_of: w.duplicate_of.clone(),
                })
                .collect(),
            digests: r
                .digests
                .iter()
                .map(|d| DigestOut {
                    user_id: d.user,
                    at: d.at.format("%Y-%m-%dT%H:%M").to_string(),
                    items: d
                        .items
                        .iter()
                        .map(|i| ItemOut {
                            cluster: cluster_name(i.cluster),
                            deadline: i.deadline,
                            conflict: i.conflict,
                            sources: i.sources.iter().map(|s| s.msg).collect(),
                        })
                        .collect(),
                })
                .collect(),
            hand_ins: r.hand_ins.clone(),
        }
    }
}

#[cfg(test)]
mod props {
    //! Properties over generated logs: the security and never-hide rules hold
    //! whatever the traffic.
    use super::*;
    use crate::config::Config;
    use crate::event::Mention;
    use crate::model::{ChatId, MsgRef, UserId};
    use chrono::{DateTime, FixedOffset};
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    const ASKS: &[&str] = &[
        "请各村今天下午5点前报送学雷锋活动照片",
        "各位：明天中午12点前把值班表发我",
        "再次提醒：值班表今天下班前交",
        "请于周五前完成网络学院学习并截图发群里",
        "转发：各村周三中午12点前报我汇总",
        "收到",
        "好的👍",
        "请尽快把台账补交",
        "Please send me the consent counts by 5pm today",
        "Reminder: the checklist is due tomorrow by noon",
        "明天上午9点开会，请准时参加",
        "我下午把表发您",
    ];

    #[derive(Debug, Clone)]
    enum Step {
        Msg {
            group: usize,
            sender: usize,
            text: usize,
            mention: Option<usize>,
            minutes: i64,
        },
        Join {
            group: usize,
            person: usize,
            minutes: i64,
        },
        Leave {
            group: usize,
            person: usize,
            minutes: i64,
        },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            6 => (0..3usize, 0..6usize, 0..ASKS.len(), proptest::option::of(0..6usize), 1..600i64)
                .prop_map(|(group, sender, text, mention, minutes)| Step::Msg { group, sender, text, mention, minutes }),
            1 => (0..3usize, 0..6usize, 1..600i64).prop_map(|(group, person, minutes)| Step::Join { group, person, minutes }),
            1 => (0..3usize, 0..6usize, 1..600i64).prop_map(|(group, person, minutes)| Step::Leave { group, person, minutes }),
        ]
    }

    fn build(members: &[Vec<bool>], steps: &[Step]) -> Vec<Event> {
        let tz = FixedOffset::east_opt(8 * 3600).expect("offset");
        let mut t: DateTime<FixedOffset> =
            DateTime::parse_from_rfc3339("2024-03-04T08:00:00+08:00").expect("date");
        let _ = tz;
        let person = |i: usize| UserId(100 + i as i64);
        let chat = |g: usize| ChatId(-1009000000001 - g as i64);
        let mut evs = vec![Event::Scenario {
            name: None,
            lang: crate::model::Lang::Zh,
            tz: "Asia/Shanghai".into(),
            workday_end: chrono::NaiveTime::from_hms_opt(17, 30, 0).expect("time"),
        }];
        for i in 0..6 {
            evs.push(Event::Person {
                user_id: person(i),
                name: format!("人员{i}"),
                username: Some(format!("user{i}")),
            });
        }
        for (g, group_members) in members.iter().enumerate().take(3) {
            evs.push(Event::Group {
                chat_id: chat(g),
                title: format!("工作群{g}"),
                owner_id: Some(person(g)),
            });
            for (i, m) in group_members.iter().enumerate() {
                if *m || i == g {
                    evs.push(Event::Member {
                        chat_id: chat(g),
                        user_id: person(i),
                        date: None,
                    });
                }
            }
        }
        for (n, s) in steps.iter().enumerate() {
            match s {
                Step::Msg {
                    group,
                    sender,
                    text,
                    mention,
                    minutes,
                } => {
                    t += chrono::Duration::minutes(*minutes);
                    let body = ASKS[*text].to_string();
                    let (text, mentions) = match mention {
                        Some(m) => (
                            format!("@user{m} {body}"),
                            vec![Mention {
                                user_id: Some(person(*m)),
                                offset: 0,
                                length: 6,
                            }],
                        ),
                        None => (body, vec![]),
                    };
                    evs.push(Event::Message {
                        chat_id: chat(*group),
                        message_id: n as i64 + 1,
                        sender_id: person(*sender),
                        date: t,
                        text,
                        reply_to_message_id: None,
                        mentions,
                    });
                }
                Step::Join {
                    group,
                    person: p,
                    minutes,
                } => {
                    t += chrono::Duration::minutes(*minutes);
                    evs.push(Event::Member {
                        chat_id: chat(*group),
                        user_id: person(*p),
                        date: Some(t),
                    });
                }
                Step::Leave {
                    group,
                    person: p,
                    minutes,
                } => {
                    t += chrono::Duration::minutes(*minutes);
                    evs.push(Event::MemberLeft {
                        chat_id: chat(*group),
                        user_id: person(*p),
                        date: Some(t),
                    });
                }
            }
        }
        evs
    }

    /// Membership at a moment, straight from the events.
    fn members_at(
        evs: &[Event],
        settings: &Settings,
        at: chrono::NaiveDateTime,
    ) -> BTreeSet<(ChatId, UserId)> {
        let mut m = BTreeSet::new();
        for e in evs {
            if e.date().is_some_and(|d| settings.local(d) > at) {
                break;
            }
            match e {
                Event::Member {
                    chat_id, user_id, ..
                } => {
                    m.insert((*chat_id, *user_id));
                }
                Event::MemberLeft {
                    chat_id, user_id, ..
                } => {
                    m.remove(&(*chat_id, *user_id));
                }
                _ => {}
            }
        }
        m
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn digests_show_only_members_groups_and_hide_no_task(
            members in proptest::collection::vec(proptest::collection::vec(any::<bool>(), 6), 3),
            steps in proptest::collection::vec(step(), 1..40),
            threshold in 0.0f64..1.0,
        ) {
            let mut settings = Settings::from_config(&Config::default()).expect("settings");
            // Whatever the rules say, nothing may be hidden or leaked.
            let mut rules = (*settings.rules).clone();
            rules.duplicate = threshold;
            rules.maybe = threshold / 2.0;
            settings.rules = std::sync::Arc::new(rules);
            let evs = build(&members, &steps);
            let r = run(&evs, settings.clone());
            let window = settings.rules.undated_days;
            for d in &r.digests {
                let m = members_at(&evs, &settings, d.at);
                let mut clusters = BTreeSet::new();
                let mut seen: BTreeMap<MsgRef, usize> = BTreeMap::new();
                for item in &d.items {
                    prop_assert!(clusters.insert(item.cluster), "cluster {} split across items", item.cluster);
                    for s in &item.sources {
                        prop_assert!(m.contains(&(s.msg.chat_id, d.user)), "{} sees {} from a group they are not in", d.user, s.msg);
                        *seen.entry(s.msg).or_default() += 1;
                    }
                }
                // Every pending task addressed to the reader is in exactly one item
                // (no edits in these logs, so the final tasks are the tasks then).
                for t in r.engine.tasks.values() {
                    if t.sent > d.at || !t.is_pending_at(d.at, window) || !m.contains(&(t.src.chat_id, d.user)) {
                        continue;
                    }
                    let addressed = match &t.assignees {
                        crate::model::Assignees::Group => t.sender != d.user,
                        crate::model::Assignees::People(p) => p.contains(&d.user),
                    };
                    if addressed {
                        prop_assert_eq!(seen.get(&t.src).copied(), Some(1), "{} missing from {}'s digest", t.src, d.user);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod hand_in_tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn a_hand_in_is_counted_and_its_item_leaves_the_persons_later_digests() {
        let log = r#"
{"type":"group","chat_id":-1001,"title":"一组"}
{"type":"group","chat_id":-1002,"title":"二组"}
{"type":"member","chat_id":-1001,"user_id":1}
{"type":"member","chat_id":-1002,"user_id":1}
{"type":"member","chat_id":-1001,"user_id":2}
{"type":"member","chat_id":-1002,"user_id":3}
{"type":"message","chat_id":-1001,"message_id":10,"sender_id":2,"date":"2024-03-04T09:00:00+08:00","text":"各位：请于3月8日12时前报送学雷锋志愿服务活动信息，附照片3张。"}
{"type":"message","chat_id":-1002,"message_id":20,"sender_id":3,"date":"2024-03-04T09:10:00+08:00","text":"各位：学雷锋志愿服务活动信息和照片请3月8日下午5点前报我。"}
{"type":"hand_in","user_id":1,"task":{"chat_id":-1001,"message_id":10},"groups":[-1001,-1002],"messages":4,"date":"2024-03-04T10:42:00+08:00"}
{"type":"message","chat_id":-1001,"message_id":11,"sender_id":2,"date":"2024-03-05T09:00:00+08:00","text":"收到"}
"#;
        let events = crate::event::parse_log("log", log).expect("the log parses");
        // Written back as it was read.
        let line = serde_json::to_string(&events[8]).expect("serialise");
        assert_eq!(
            serde_json::from_str::<Event>(&line).expect("parse"),
            events[8]
        );
        let mut settings = Settings::from_config(&Config::default()).expect("settings");
        settings.allow_all = true;
        let r = run(&events, settings);
        let c = Contract::from_run(&r);
        assert_eq!(c.hand_ins.len(), 1);
        assert_eq!(c.hand_ins[0].groups, vec![ChatId(-1001), ChatId(-1002)]);
        assert_eq!(c.hand_ins[0].at, "2024-03-04T10:42");
        let user1 = |day: &str| {
            c.digests
                .iter()
                .find(|d| d.user_id == UserId(1) && d.at.starts_with(day))
                .map(|d| d.items.len())
        };
        assert_eq!(user1("2024-03-04"), Some(0), "before the asks");
        assert_eq!(user1("2024-03-05"), Some(0), "handed in: done");
        let without: Vec<Event> = events
            .iter()
            .filter(|e| !matches!(e, Event::HandIn { .. }))
            .cloned()
            .collect();
        let mut settings = Settings::from_config(&Config::default()).expect("settings");
        settings.allow_all = true;
        let c = Contract::from_run(&run(&without, settings));
        let items = c
            .digests
            .iter()
            .find(|d| d.user_id == UserId(1) && d.at.starts_with("2024-03-05"))
            .map(|d| d.items.len());
        assert_eq!(
            items,
            Some(1),
            "the same log without it still owes the item"
        );
        assert!(c.hand_ins.is_empty());
        let json = serde_json::to_string(&c).expect("json");
        assert!(
            !json.contains("hand_ins"),
            "the contract unchanged without any"
        );
    }
}
