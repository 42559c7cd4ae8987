//! The webhook: the secret checked, the update journaled before the answer.

use super::{free_port, group_msg, spawn_bot_with, utc, wait_until};
use crate::fake_api::FakeApi;
use onedigest::event::Event;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_checks_the_secret_and_journals_before_answering() {
    let api = FakeApi::start().await;
    let (b, port) = webhook_bot(&api).await;
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
    // No idle keep-alive connection for the server's shutdown to wait on.
    drop(client);
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_updates_arriving_out_of_order_are_applied_in_order() {
    let api = FakeApi::start().await;
    let (b, port) = webhook_bot(&api).await;
    wait_until("setWebhook", 10, || !api.calls_to("setWebhook").is_empty()).await;
    assert_eq!(
        api.calls_to("setWebhook")[0].body["max_connections"],
        1,
        "Telegram is asked for one connection at a time"
    );
    let url = format!("http://127.0.0.1:{port}/tg/hook");
    let client = reqwest::Client::new();
    let mut tries = 0;
    while client.get(&url).send().await.is_err() {
        tries += 1;
        assert!(tries < 100, "webhook unreachable");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let d = utc("2024-03-04T09:00:00+08:00").timestamp();
    // Updates 1..=4 arrive as 4, 2, 3, 1 (each a moment after the last).
    let mut posts = Vec::new();
    for id in [4i64, 2, 3, 1] {
        let mut update = group_msg(-1001, "宣传群", 1, "周敏", 10 * id, d, &format!("第{id}条"));
        update["update_id"] = json!(id);
        let (client, url) = (client.clone(), url.clone());
        posts.push(tokio::spawn(async move {
            client
                .post(&url)
                .header("X-Telegram-Bot-Api-Secret-Token", "s3cret-token")
                .json(&update)
                .send()
                .await
                .expect("post")
                .status()
        }));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for p in posts {
        assert_eq!(p.await.expect("join"), 200);
    }
    let order: Vec<i64> = b
        .shared
        .journal
        .events()
        .expect("journal")
        .iter()
        .filter_map(|e| match e {
            Event::Message { message_id, .. } => Some(*message_id),
            _ => None,
        })
        .collect();
    assert_eq!(order, vec![10, 20, 30, 40], "journaled in update_id order");
    // No idle keep-alive connection for the server's shutdown to wait on.
    drop(client);
    b.stop().await;
}

/// A bot in webhook mode with a secret, and the port it listens on.
async fn webhook_bot(api: &FakeApi) -> (super::TestBot, u16) {
    let port = free_port();
    let b = spawn_bot_with(
        api,
        utc("2024-03-04T09:00:00+08:00"),
        |c| {
            c.bot.mode = onedigest::config::BotMode::Webhook;
            c.bot.webhook_url = Some("https://bot.example.org/tg/hook".into());
            c.bot.webhook_listen = format!("127.0.0.1:{port}");
        },
        Some("s3cret-token"),
    )
    .await;
    (b, port)
}
