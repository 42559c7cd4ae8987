//! A fake Telegram Bot API server on 127.0.0.1 for the bot's tests.
//!
//! It queues updates for `getUpdates` (long polling, honouring `offset` as
//! Telegram does: asking for offset N acknowledges every update below N),
//! records every call with its arrival time, and can answer any method with
//! an error (429 with retry_after, 403, 5xx) for a chosen chat, once or
//! every time.

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub const BOT_ID: i64 = 777_000;
pub const BOT_USERNAME: &str = "onedigest_test_bot";

/// One call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    pub at: Instant,
    /// Whether it was answered with success.
    pub ok: bool,
}

impl Call {
    pub fn chat(&self) -> Option<i64> {
        self.body.get("chat_id").and_then(Value::as_i64)
    }

    pub fn text(&self) -> &str {
        self.body.get("text").and_then(Value::as_str).unwrap_or("")
    }

    /// The message this one answers (reply_parameters).
    pub fn reply_to(&self) -> Option<i64> {
        self.body
            .pointer("/reply_parameters/message_id")
            .and_then(Value::as_i64)
    }

    /// Every (label, callback_data) of the inline keyboard.
    pub fn labelled(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for row in self
            .body
            .pointer("/reply_markup/inline_keyboard")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for b in row.as_array().into_iter().flatten() {
                if let (Some(l), Some(d)) = (
                    b.get("text").and_then(Value::as_str),
                    b.get("callback_data").and_then(Value::as_str),
                ) {
                    out.push((l.to_string(), d.to_string()));
                }
            }
        }
        out
    }

    /// Every callback_data of the inline keyboard.
    pub fn buttons(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(rows) = self
            .body
            .pointer("/reply_markup/inline_keyboard")
            .and_then(Value::as_array)
        {
            for row in rows {
                for b in row.as_array().into_iter().flatten() {
                    if let Some(d) = b.get("callback_data").and_then(Value::as_str) {
                        out.push(d.to_string());
                    }
                }
            }
        }
        out
    }
}

/// A scripted error answer.
#[derive(Debug, Clone, Copy)]
pub enum Fail {
    RetryAfter(u32),
    Forbidden,
    ServerError(u16),
    /// 400: Telegram refuses this request for good.
    BadRequest,
    /// No answer for this many seconds, then a 502: a call in flight when
    /// the bot is killed, never delivered.
    Stall(u64),
}

#[derive(Debug)]
struct Script {
    method: String,
    chat: Option<i64>,
    /// How many more times; `None` forever.
    times: Option<usize>,
    fail: Fail,
}

struct Inner {
    updates: Mutex<VecDeque<Value>>,
    next_update: AtomicI64,
    /// Every update below this id was acknowledged.
    acked: AtomicI64,
    calls: Mutex<Vec<Call>>,
    scripts: Mutex<Vec<Script>>,
    admins: Mutex<HashMap<i64, Vec<Value>>>,
    /// getChatMember's status by (chat, user); "member" when not set.
    statuses: Mutex<HashMap<(i64, i64), String>>,
    me: Mutex<Value>,
    next_message: AtomicI64,
    batch: AtomicUsize,
    notify: Notify,
    poll_cap: Duration,
    /// How long sendMessage takes to answer, after it is recorded (ms).
    send_delay_ms: AtomicU64,
}

#[derive(Clone)]
pub struct FakeApi {
    pub url: String,
    inner: Arc<Inner>,
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn fail(f: Fail) -> Response {
    let (status, body) = match f {
        Fail::RetryAfter(s) => (
            StatusCode::TOO_MANY_REQUESTS,
            json!({"ok": false, "error_code": 429, "description": format!("Too Many Requests: retry after {s}"), "parameters": {"retry_after": s}}),
        ),
        Fail::Forbidden => (
            StatusCode::FORBIDDEN,
            json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
        ),
        Fail::BadRequest => (
            StatusCode::BAD_REQUEST,
            json!({"ok": false, "error_code": 400, "description": "Bad Request: message to be replied not found"}),
        ),
        Fail::Stall(_) => (
            StatusCode::BAD_GATEWAY,
            json!({"ok": false, "error_code": 502, "description": "Bad Gateway"}),
        ),
        Fail::ServerError(code) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY),
            json!({"ok": false, "error_code": code, "description": "Bad Gateway"}),
        ),
    };
    (status, axum::Json(body)).into_response()
}

pub fn user(id: i64, name: &str, username: Option<&str>) -> Value {
    let mut u = json!({"id": id, "is_bot": false, "first_name": name});
    if let Some(n) = username {
        u["username"] = json!(n);
    }
    u
}

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "onedigest", "username": BOT_USERNAME})
}

pub fn group(id: i64, title: &str) -> Value {
    json!({"id": id, "type": "supergroup", "title": title})
}

pub fn private(id: i64, name: &str) -> Value {
    json!({"id": id, "type": "private", "first_name": name})
}

/// A text message.
pub fn message(chat: &Value, from: &Value, id: i64, date: i64, text: &str) -> Value {
    json!({"message_id": id, "date": date, "chat": chat, "from": from, "text": text})
}

pub fn member(user: &Value, status: &str) -> Value {
    json!({"user": user, "status": status})
}

pub fn owner(user: &Value) -> Value {
    json!({"user": user, "status": "creator", "is_anonymous": false})
}

/// A `my_chat_member` update body: the bot added to (or removed from) a chat.
pub fn bot_added(chat: &Value, by: &Value, date: i64) -> Value {
    json!({"my_chat_member": {
        "chat": chat, "from": by, "date": date,
        "old_chat_member": member(&bot_user(), "left"),
        "new_chat_member": member(&bot_user(), "member"),
    }})
}

/// A `my_chat_member` update body: the bot removed from a group.
pub fn bot_removed(chat: &Value, by: &Value, date: i64) -> Value {
    json!({"my_chat_member": {
        "chat": chat, "from": by, "date": date,
        "old_chat_member": member(&bot_user(), "member"),
        "new_chat_member": {"user": bot_user(), "status": "kicked", "until_date": 0},
    }})
}

/// A `chat_member` update body: `user` joined.
pub fn joined(chat: &Value, user: &Value, date: i64) -> Value {
    json!({"chat_member": {
        "chat": chat, "from": user, "date": date,
        "old_chat_member": member(user, "left"),
        "new_chat_member": member(user, "member"),
    }})
}

/// A `callback_query` update body.
pub fn press(id: &str, from: &Value, data: &str) -> Value {
    json!({"callback_query": {"id": id, "from": from, "chat_instance": "ci", "data": data}})
}

impl FakeApi {
    /// Start the server on an ephemeral port.
    pub async fn start() -> FakeApi {
        let inner = Arc::new(Inner {
            updates: Mutex::new(VecDeque::new()),
            next_update: AtomicI64::new(1),
            acked: AtomicI64::new(0),
            calls: Mutex::new(Vec::new()),
            scripts: Mutex::new(Vec::new()),
            admins: Mutex::new(HashMap::new()),
            statuses: Mutex::new(HashMap::new()),
            me: Mutex::new(json!({
                "id": BOT_ID, "is_bot": true, "first_name": "onedigest", "username": BOT_USERNAME,
                "can_join_groups": true, "can_read_all_group_messages": true,
                "supports_inline_queries": false, "can_connect_to_business": false,
                "has_main_web_app": false
            })),
            next_message: AtomicI64::new(100_000),
            batch: AtomicUsize::new(100),
            notify: Notify::new(),
            poll_cap: Duration::from_millis(300),
            send_delay_ms: AtomicU64::new(0),
        });
        let app = Router::new()
            .route("/{bot}/{method}", post(handle))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Bot API");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeApi {
            url: format!("http://{addr}"),
            inner,
        }
    }

    /// Queue one update (its `update_id` is assigned here); returns the id.
    pub fn push(&self, body: Value) -> i64 {
        let id = self.inner.next_update.fetch_add(1, Ordering::SeqCst);
        let mut u = body;
        u["update_id"] = json!(id);
        self.lock_updates().push_back(u);
        self.inner.notify.notify_waiters();
        id
    }

    fn lock_updates(&self) -> std::sync::MutexGuard<'_, VecDeque<Value>> {
        self.inner.updates.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The id of the last update queued.
    pub fn last_update_id(&self) -> i64 {
        self.inner.next_update.load(Ordering::SeqCst) - 1
    }

    /// Every update below this id has been acknowledged.
    pub fn acked(&self) -> i64 {
        self.inner.acked.load(Ordering::SeqCst)
    }

    /// Serve at most this many updates per getUpdates.
    pub fn set_batch(&self, n: usize) {
        self.inner.batch.store(n, Ordering::SeqCst);
    }

    /// Answer each sendMessage this long after recording it, as a slow
    /// Telegram would: the message counts as delivered, the answer is late.
    pub fn set_send_delay(&self, d: Duration) {
        self.inner
            .send_delay_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    pub fn set_privacy(&self, can_read_all: bool) {
        self.inner.me.lock().unwrap_or_else(|p| p.into_inner())["can_read_all_group_messages"] =
            json!(can_read_all);
    }

    pub fn set_admins(&self, chat: i64, members: Vec<Value>) {
        self.inner
            .admins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(chat, members);
    }

    /// What getChatMember says of `user` in `chat` from now on ("left",
    /// "kicked", "member", ...), without any update telling the bot.
    pub fn set_status(&self, chat: i64, user: i64, status: &str) {
        self.inner
            .statuses
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((chat, user), status.to_string());
    }

    /// Answer `method` (for `chat`, or any) with `fail`, `times` times or forever.
    pub fn fail(&self, method: &str, chat: Option<i64>, times: Option<usize>, fail: Fail) {
        self.inner
            .scripts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Script {
                method: method.into(),
                chat,
                times,
                fail,
            });
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner
            .calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// Successful sendMessage calls.
    pub fn sent(&self) -> Vec<Call> {
        self.calls_to("sendMessage")
            .into_iter()
            .filter(|c| c.ok)
            .collect()
    }

    pub fn sent_to(&self, chat: i64) -> Vec<Call> {
        self.sent()
            .into_iter()
            .filter(|c| c.chat() == Some(chat))
            .collect()
    }

    /// Stop answering `method` with the scripted errors.
    pub fn clear_fails(&self, method: &str) {
        self.inner
            .scripts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|s| s.method != method);
    }

    /// Successful calls of `method` into `chat`.
    pub fn ok_to(&self, method: &str, chat: i64) -> Vec<Call> {
        self.calls_to(method)
            .into_iter()
            .filter(|c| c.ok && c.chat() == Some(chat))
            .collect()
    }

    pub fn clear_calls(&self) {
        self.inner
            .calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

fn record(inner: &Inner, method: &str, body: &Value, ok: bool) {
    // Long polls are not worth keeping.
    if method == "getUpdates" {
        return;
    }
    inner
        .calls
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Call {
            method: method.to_string(),
            body: body.clone(),
            at: Instant::now(),
            ok,
        });
}

fn scripted(inner: &Inner, method: &str, chat: Option<i64>) -> Option<Fail> {
    let mut scripts = inner.scripts.lock().unwrap_or_else(|p| p.into_inner());
    let i = scripts
        .iter()
        .position(|s| s.method == method && (s.chat.is_none() || s.chat == chat))?;
    let f = scripts[i].fail;
    if let Some(n) = scripts[i].times.as_mut() {
        *n -= 1;
        if *n == 0 {
            scripts.remove(i);
        }
    }
    Some(f)
}

/// The fields of a multipart/form-data body (teloxide sends setWebhook so),
/// each value parsed as JSON when it is JSON.
fn multipart(content_type: &str, body: &[u8]) -> Option<Value> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let mut out = serde_json::Map::new();
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        out.insert(
            name.to_string(),
            serde_json::from_str(value).unwrap_or_else(|_| json!(value)),
        );
    }
    Some(Value::Object(out))
}

/// A multipart body's `photo` file, described: its size in bytes and, when
/// it is a PNG, its width and height (from the IHDR chunk).
fn photo(content_type: &str, body: &[u8]) -> Option<Value> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let part = |name: &[u8]| -> Option<&[u8]> {
        let head = [b"name=\"", name, b"\""].concat();
        let at = find(body, &head)?;
        let start = at + find(&body[at..], b"\r\n\r\n")? + 4;
        let len = find(&body[start..], format!("\r\n--{boundary}").as_bytes())?;
        Some(&body[start..start + len])
    };
    // teloxide names the file's own part and points to it (`attach://NAME`).
    let mut data = part(b"photo")?;
    if let Some(name) = data.strip_prefix(b"attach://") {
        data = part(name)?;
    }
    let be = |i: usize| {
        data.get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let png = data.starts_with(b"\x89PNG\r\n\x1a\n") && data.get(12..16) == Some(b"IHDR");
    Some(json!({
        "bytes": data.len(),
        "png": png,
        "width": if png { be(16) } else { None },
        "height": if png { be(20) } else { None },
    }))
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    Path((_bot, method)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let body: Value = if ct.starts_with("multipart/form-data") {
        let mut v = multipart(ct, &body).unwrap_or(json!({}));
        if let (Some(png), Some(o)) = (photo(ct, &body), v.as_object_mut()) {
            o.insert("photo".into(), png);
        }
        v
    } else {
        serde_json::from_slice(&body).unwrap_or(json!({}))
    };
    // teloxide writes method names in PascalCase (Telegram ignores case).
    let method = {
        let mut c = method.chars();
        c.next()
            .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    let chat = body.get("chat_id").and_then(Value::as_i64);
    if let Some(f) = scripted(&inner, &method, chat) {
        record(&inner, &method, &body, false);
        if let Fail::Stall(secs) = f {
            tokio::time::sleep(Duration::from_secs(secs)).await;
        }
        return fail(f);
    }
    record(&inner, &method, &body, true);
    match method.as_str() {
        "getMe" => ok(inner.me.lock().unwrap_or_else(|p| p.into_inner()).clone()),
        "getUpdates" => get_updates(&inner, &body).await,
        "getWebhookInfo" => {
            ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0}))
        }
        "sendMessage" => {
            let delay = inner.send_delay_ms.load(Ordering::SeqCst);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            let id = inner.next_message.fetch_add(1, Ordering::SeqCst);
            let chat_id = chat.unwrap_or_default();
            let chat = if chat_id < 0 {
                group(chat_id, "group")
            } else {
                private(chat_id, "person")
            };
            ok(json!({
                "message_id": id,
                "date": 1_700_000_000,
                "chat": chat,
                "from": bot_user(),
                "text": body.get("text").cloned().unwrap_or(json!("")),
            }))
        }
        "editMessageText" => ok(json!({
            "message_id": body.get("message_id").cloned().unwrap_or(json!(0)),
            "date": 1_700_000_000,
            "chat": private(chat.unwrap_or_default(), "person"),
            "from": bot_user(),
            "text": body.get("text").cloned().unwrap_or(json!("")),
        })),
        "copyMessage" => ok(json!({
            "message_id": inner.next_message.fetch_add(1, Ordering::SeqCst)
        })),
        "copyMessages" => {
            let n = body
                .get("message_ids")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let ids: Vec<Value> = (0..n)
                .map(|_| json!({"message_id": inner.next_message.fetch_add(1, Ordering::SeqCst)}))
                .collect();
            ok(Value::Array(ids))
        }
        "sendMediaGroup" => {
            let n = body
                .get("media")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let chat_id = chat.unwrap_or_default();
            let ids: Vec<Value> = (0..n)
                .map(|_| {
                    json!({
                        "message_id": inner.next_message.fetch_add(1, Ordering::SeqCst),
                        "date": 1_700_000_000,
                        "chat": group(chat_id, "group"),
                        "from": bot_user(),
                        "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
                    })
                })
                .collect();
            ok(Value::Array(ids))
        }
        "sendPhoto" => {
            let id = inner.next_message.fetch_add(1, Ordering::SeqCst);
            let chat_id = chat.unwrap_or_default();
            ok(json!({
                "message_id": id,
                "date": 1_700_000_000,
                "chat": private(chat_id, "person"),
                "from": bot_user(),
                "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
            }))
        }
        "getChatAdministrators" => {
            let admins = inner
                .admins
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&chat.unwrap_or_default())
                .cloned()
                .unwrap_or_default();
            ok(Value::Array(admins))
        }
        "getChatMember" => {
            let uid = body
                .get("user_id")
                .and_then(Value::as_i64)
                .unwrap_or(BOT_ID);
            let who = if uid == BOT_ID {
                bot_user()
            } else {
                user(uid, "person", None)
            };
            let status = inner
                .statuses
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&(chat.unwrap_or_default(), uid))
                .cloned()
                .unwrap_or_else(|| "member".into());
            let mut m = member(&who, &status);
            if status == "kicked" {
                m["until_date"] = json!(0);
            }
            ok(m)
        }
        _ => ok(json!(true)),
    }
}

async fn get_updates(inner: &Inner, body: &Value) -> Response {
    let offset = body.get("offset").and_then(Value::as_i64).unwrap_or(0);
    let limit = body
        .get("limit")
        .and_then(Value::as_u64)
        .unwrap_or(100)
        .clamp(1, 100) as usize;
    let limit = limit.min(inner.batch.load(Ordering::SeqCst));
    let timeout = body.get("timeout").and_then(Value::as_u64).unwrap_or(0);
    inner.acked.fetch_max(offset, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(timeout).min(inner.poll_cap);
    loop {
        let notified = inner.notify.notified();
        let batch: Vec<Value> = {
            let mut q = inner.updates.lock().unwrap_or_else(|p| p.into_inner());
            // Asking for `offset` confirms everything below it.
            while q
                .front()
                .and_then(|u| u["update_id"].as_i64())
                .is_some_and(|id| id < offset)
            {
                q.pop_front();
            }
            q.iter().take(limit).cloned().collect()
        };
        if !batch.is_empty() || Instant::now() >= deadline {
            return ok(Value::Array(batch));
        }
        let _ = tokio::time::timeout(deadline - Instant::now(), notified).await;
    }
}
