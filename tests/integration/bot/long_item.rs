//! An item asked in 60 groups goes out whole: the bot's digest parts reach
//! Telegram (the fake API) as valid HTML, each within 4096 UTF-16 units, the
//! item's lines in one part, its groups listed up to the room and then
//! "…and N more", and every item's [Done] button on the part that shows it.

use super::{digests_to, spawn_bot, utc};
use crate::fake_api::FakeApi;
use crate::telegram_html::telegram_html_error;
use chrono::NaiveDate;
use onedigest::bot::compose;
use onedigest::bot::outbox::Kind;
use onedigest::core::digest::{Digest, Item, Source, message_link};
use onedigest::model::{ChatId, Deadline, Lang, MsgRef, UserId};
use onedigest::render::Scope;

fn item(cluster: u64, title: &str, sources: Vec<Source>) -> Item {
    let due = Deadline::Minute(
        NaiveDate::from_ymd_opt(2025, 9, 4)
            .and_then(|d| d.and_hms_opt(17, 0, 0))
            .expect("due"),
    );
    Item {
        cluster,
        deadline: Some(due),
        deadlines: vec![due],
        conflict: false,
        short_notice: false,
        overdue: false,
        pileup: false,
        sources,
        confidence: 1.0,
        title: title.into(),
        maybe_same: vec![],
    }
}

fn source(group: i64, msg: i64) -> Source {
    let m = MsgRef {
        chat_id: ChatId(-1_002_100_000_000 - group),
        message_id: msg,
    };
    let sent = NaiveDate::from_ymd_opt(2025, 9, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("sent");
    Source {
        msg: m,
        // Telegram allows 128-character titles; markup-looking ones too.
        chat_title: format!("第{group}网格<工作群>&{}", "长".repeat(110)),
        sender_name: "Ada".into(),
        sent,
        deadline: None,
        text: String::new(),
        link: message_link(m),
        assigned: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sixty_source_item_arrives_whole_in_valid_html_parts() {
    let api = FakeApi::start().await;
    let b = spawn_bot(&api, utc("2025-09-03T00:00:00Z"), |_| {}).await;
    let reader = 4242;
    let big = item(
        1,
        "秋季防火检查表报安监站",
        (0..60).map(|g| source(g, 100 + g)).collect(),
    );
    let mut items = vec![big];
    for k in 0..30 {
        items.push(item(
            10 + k,
            &format!("其他任务 {k}"),
            vec![source(k as i64, 500 + k as i64)],
        ));
    }
    let d = Digest {
        user: UserId(reader),
        at: NaiveDate::from_ymd_opt(2025, 9, 3)
            .and_then(|d| d.and_hms_opt(7, 30, 0))
            .expect("at"),
        items,
        overdue: vec![],
        pileups: vec![],
    };
    let parts = compose::digest_parts(&d, "Ada", Lang::En, Scope::All);
    let n = parts.len();
    assert!(n >= 2, "31 long items take more than one message");
    b.shared
        .send_batch(vec![("long:1".into(), reader, Kind::Digest, parts)])
        .expect("queued");
    super::wait_until("every part delivered", 30, || {
        digests_to(&api, reader).len() == n
    })
    .await;
    let sent = digests_to(&api, reader);
    let mut buttons = Vec::new();
    for c in &sent {
        assert_eq!(c.body["parse_mode"], "HTML");
        if let Some(e) = telegram_html_error(c.text()) {
            panic!("{e}\n{}", c.text());
        }
        buttons.extend(c.buttons());
    }
    // The big item: its line and its sources line together in one part.
    let holder: Vec<&str> = sent
        .iter()
        .map(|c| c.text())
        .filter(|t| t.contains("1. 秋季防火检查表报安监站"))
        .collect();
    assert_eq!(holder.len(), 1);
    let lines: Vec<&str> = holder[0].lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("1. 秋季防火检查表报安监站"))
        .expect("item line");
    assert!(lines[at].contains("60 groups"), "{}", lines[at]);
    let sources = lines[at + 1];
    assert!(sources.starts_with("   asked in <a href="), "{sources}");
    let shown = sources.matches("<a href=").count();
    assert!(
        sources.ends_with(&format!("…and {} more", 60 - shown)),
        "{sources}"
    );
    assert!(shown >= 3, "{sources}");
    assert!(
        sources.contains("&lt;工作群&gt;&amp;"),
        "titles are escaped"
    );
    // One [Done] per item, each on the part that shows it.
    assert_eq!(buttons.len(), 31);
    b.stop().await;
}
