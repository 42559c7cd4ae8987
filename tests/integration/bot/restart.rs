//! The process killed (SIGKILL) mid-stream and restarted: the journal
//! loses no update, no digest goes out twice.

use super::{Proc, digests_to, group_msg, private_msg, utc, wait_until};
use crate::fake_api::{self, FakeApi};
use onedigest::event::Event;
use onedigest::journal::Journal;
use onedigest::model::{ChatId, MsgRef};
use std::collections::BTreeSet;
use std::process::Child;
use std::time::{Duration, Instant};

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
    let p = Proc::new(
        dir.path(),
        &api,
        "poll_timeout_secs = 1\nmessages_per_second = 1000\nper_chat_interval_ms = 0\nscheduler_tick_ms = 50\ncatch_up_delay_secs = 0\n",
    );
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
