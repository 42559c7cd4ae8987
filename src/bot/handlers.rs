//! The dispatcher's handlers, as one `dptree` tree: group messages, private
//! commands, and admin commands (from either) behind one admin filter.
//! Filters decide whether a handler applies; endpoints then do the I/O.
//! The intake has already journaled every update before it reaches these;
//! they only answer.

use super::commands::{self, Cmd, SettingsArg};
use super::intake::{self, Intake, is_group, uid};
use super::outbox::{Kind, Part};
use super::people;
use super::press::{self, Press};
use super::reload::{Outcome, Trigger};
use super::state::Shared;
use crate::model::{ChatId, Lang, UserId};
use std::sync::Arc;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{Chat, ChatMemberUpdated, Me, User};

pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;
type HandlerResult = Result<(), HandlerError>;

/// Where a message was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Group,
    Private,
    /// A channel: nothing to answer.
    Elsewhere,
}

/// A message the handlers may answer: who said it, where, which command.
#[derive(Debug, Clone)]
struct Said {
    chat: i64,
    from: User,
    user: UserId,
    cmd: Option<Cmd>,
    place: Place,
}

impl Said {
    /// `None` for a message without a sender: nothing to answer.
    fn of(msg: Message, me: Me) -> Option<Said> {
        let from = msg.from.clone()?;
        let place = if is_group(&msg.chat) {
            Place::Group
        } else if msg.chat.is_private() {
            Place::Private
        } else {
            Place::Elsewhere
        };
        Some(Said {
            chat: msg.chat.id.0,
            user: uid(&from),
            from,
            cmd: msg.text().and_then(|t| commands::parse(t, me.username())),
            place,
        })
    }

    /// The outbox key of the reply to `msg`.
    fn reply_key(&self, msg: &Message) -> String {
        format!("reply:{}:{}", self.chat, msg.id.0)
    }

    /// Groups are answered in the organisation's language, people in theirs.
    fn lang(&self, shared: &Shared) -> Lang {
        match self.place {
            Place::Group => shared.config().organisation.lang,
            _ => shared.lang_of(self.user),
        }
    }

    fn in_unlisted_group(&self, shared: &Shared) -> bool {
        self.place == Place::Group && !shared.engine().settings.is_allowed(ChatId(self.chat))
    }

    /// A config admins' command said in a group or a private chat.
    fn admin_command(&self) -> Option<AdminCommand> {
        self.cmd
            .clone()
            .filter(|c| self.place != Place::Elsewhere && c.is_admin_only())
            .map(AdminCommand)
    }
}

/// A command only config admins may use.
#[derive(Debug, Clone)]
struct AdminCommand(Cmd);

/// The dispatcher's handler tree.
pub fn schema() -> UpdateHandler<HandlerError> {
    let ok = |_: Update| async { HandlerResult::Ok(()) };
    let admin = dptree::filter_map(|said: Said| said.admin_command())
        .branch(dptree::filter(|said: Said| said.place == Place::Group).endpoint(on_admin_in_group))
        .branch(
            dptree::filter(|said: Said, shared: Arc<Shared>| shared.is_admin(said.user))
                .endpoint(on_admin_command),
        )
        .endpoint(on_refused_command);
    let messages = Update::filter_message()
        .filter_map(Said::of)
        .inspect(warn_migration)
        .branch(
            dptree::filter(|upd: Update, intake: Arc<Intake>| {
                intake.decision(upd.id) == Some(Press::Limited)
            })
            .endpoint(ok_message),
        )
        .branch(
            dptree::filter(|said: Said, shared: Arc<Shared>| said.in_unlisted_group(&shared))
                .endpoint(on_unlisted_group),
        )
        .inspect_async(note_group)
        .branch(admin)
        .branch(dptree::filter(|said: Said| said.place == Place::Group).endpoint(on_group_message))
        .branch(
            dptree::filter(|said: Said| {
                said.place == Place::Private && said.cmd == Some(Cmd::Forget)
            })
            .endpoint(on_forget),
        )
        .branch(
            dptree::filter(|said: Said| said.place == Place::Private).endpoint(on_private_message),
        );
    dptree::entry()
        .branch(messages)
        .branch(Update::filter_edited_message().endpoint(ok))
        .branch(Update::filter_my_chat_member().endpoint(on_my_chat_member))
        .branch(Update::filter_chat_member().endpoint(ok))
        .branch(Update::filter_callback_query().endpoint(on_callback))
}

/// A command over its sender's rate limit: not answered.
async fn ok_message() -> HandlerResult {
    Ok(())
}

fn reply_part(text: String) -> Vec<Part> {
    super::compose::text_parts(&text)
}

/// Send through the outbox (paced, idempotent by key).
async fn send(
    shared: &Arc<Shared>,
    key: String,
    chat: i64,
    kind: Kind,
    parts: Vec<Part>,
) -> HandlerResult {
    let sh = shared.clone();
    tokio::task::spawn_blocking(move || sh.send(&key, chat, kind, parts)).await??;
    Ok(())
}

async fn leave_group(bot: &Bot, shared: &Arc<Shared>, chat: &Chat) -> HandlerResult {
    let lang = shared.config().organisation.lang;
    tracing::info!(
        chat = chat.id.0,
        "leaving a group that is not on the allow-list"
    );
    // Said directly, not queued: the bot is gone before the queue would send it.
    if let Err(e) = bot
        .send_message(chat.id, commands::not_allowed_group(lang))
        .await
    {
        tracing::warn!(chat = chat.id.0, "could not say why it leaves: {e}");
    }
    bot.leave_chat(chat.id).await?;
    Ok(())
}

fn deep_link(me: &Me, chat: i64) -> String {
    format!("https://t.me/{}?start=g{}", me.username(), chat)
}

fn warn_migration(said: Said, msg: Message) {
    if let Some(to) = msg.migrate_to_chat_id() {
        tracing::warn!(
            chat = said.chat,
            to = to.0,
            "the group became a supergroup with a new id: add {} to groups.allow (and /reload) or the bot will leave it",
            to.0
        );
    }
}

async fn on_unlisted_group(bot: Bot, shared: Arc<Shared>, msg: Message) -> HandlerResult {
    leave_group(&bot, &shared, &msg.chat).await
}

/// In a group whose owner is not known yet, ask Telegram once who the
/// administrators are.
async fn note_group(said: Said, msg: Message, shared: Arc<Shared>, intake: Arc<Intake>) {
    if said.place != Place::Group {
        return;
    }
    let owner_unknown = shared
        .engine()
        .groups
        .get(&ChatId(said.chat))
        .is_none_or(|g| g.owner.is_none());
    if owner_unknown && intake.first_lookup(said.chat) {
        intake
            .record_group(msg.chat.id, msg.chat.title().unwrap_or_default(), msg.date)
            .await;
    }
}

async fn on_admin_command(
    bot: Bot,
    said: Said,
    AdminCommand(cmd): AdminCommand,
    shared: Arc<Shared>,
    msg: Message,
) -> HandlerResult {
    if let Cmd::Report(args) = &cmd {
        return on_report(&bot, &said, &shared, &msg, args).await;
    }
    let text = admin_reply(&shared, &cmd, said.lang(&shared));
    send(
        &shared,
        said.reply_key(&msg),
        said.chat,
        Kind::Reply,
        reply_part(text),
    )
    .await
}

/// `/report [week|month]` from an admin in private (groups took the
/// `ask_in_private` branch, others the refusal): the charts as a photo,
/// sent directly (a picture has no place in the text outbox; a failed one
/// is logged and the text still goes), then the summary through the outbox.
/// Without a CJK font the summary says the chart needs one.
async fn on_report(
    bot: &Bot,
    said: &Said,
    shared: &Arc<Shared>,
    msg: &Message,
    args: &str,
) -> HandlerResult {
    let lang = said.lang(shared);
    let today = shared.local_now().date();
    let text = match commands::report_period(args, today) {
        None => commands::report_usage(lang),
        Some((from, to)) => {
            let sh = shared.clone();
            let font_path = shared.config().report.font_path;
            let (text, photo) =
                tokio::task::spawn_blocking(move || report_now(&sh, from, to, font_path, lang))
                    .await?;
            if let Some(png) = photo {
                let sent = bot
                    .send_photo(
                        teloxide::types::ChatId(said.chat),
                        teloxide::types::InputFile::memory(png).file_name("report.png"),
                    )
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(chat = said.chat, error = %e, "the report's chart was not sent");
                }
            }
            text
        }
    };
    send(
        shared,
        said.reply_key(msg),
        said.chat,
        Kind::Reply,
        reply_part(text),
    )
    .await
}

/// The report's summary text and, when a CJK font is at hand, its chart.
fn report_now(
    shared: &Shared,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    font_path: Option<std::path::PathBuf>,
    lang: Lang,
) -> (String, Option<Vec<u8>>) {
    let cfg = shared.config();
    let params = crate::core::report::Params {
        from,
        to,
        short_notice_minutes: cfg.conflicts.short_notice_minutes,
        minutes_per_duplicate: cfg.report.minutes_per_duplicate,
        minutes_per_group_post: cfg.report.minutes_per_group_post,
        top: crate::core::report::DEFAULT_TOP,
    };
    let r = crate::core::report::build(&shared.engine(), &params);
    if r.totals.asks == 0 {
        return (commands::report_empty(lang, from, to), None);
    }
    let text = crate::render::report::summary(&r, lang);
    let chart = crate::render::report::font::ensure(font_path.as_deref())
        .map_err(crate::render::report::ChartError::from)
        .and_then(|_| crate::render::report::png(&r, lang));
    match chart {
        Ok(png) => (text, Some(png)),
        Err(e) => {
            tracing::warn!(error = %e, "/report without its chart");
            (
                format!("{text}\n\n{}", crate::render::html_escape(&e.to_string())),
                None,
            )
        }
    }
}

/// An admin command said in a group: one line pointing to the private
/// chat, whoever asks; nothing about groups or people.
async fn on_admin_in_group(said: Said, shared: Arc<Shared>, msg: Message) -> HandlerResult {
    let text = commands::ask_in_private(said.lang(&shared));
    send(
        &shared,
        said.reply_key(&msg),
        said.chat,
        Kind::Reply,
        reply_part(text),
    )
    .await
}

async fn on_refused_command(
    said: Said,
    AdminCommand(cmd): AdminCommand,
    shared: Arc<Shared>,
    msg: Message,
) -> HandlerResult {
    let text = commands::refusal(said.lang(&shared), &cmd);
    send(
        &shared,
        said.reply_key(&msg),
        said.chat,
        Kind::Reply,
        reply_part(text),
    )
    .await
}

/// In a group the bot answers only commands: people's commands with a
/// pointer to the private chat.
async fn on_group_message(said: Said, shared: Arc<Shared>, me: Me, msg: Message) -> HandlerResult {
    let reply = match &said.cmd {
        Some(
            Cmd::Start(_) | Cmd::Help | Cmd::Digest(_) | Cmd::Settings(_) | Cmd::Stop | Cmd::Forget,
        ) => {
            let lang = shared.config().organisation.lang;
            Some(commands::joined_group(lang, &deep_link(&me, said.chat)))
        }
        _ => None,
    };
    match reply {
        Some(text) => {
            send(
                &shared,
                said.reply_key(&msg),
                said.chat,
                Kind::Reply,
                reply_part(text),
            )
            .await
        }
        None => Ok(()),
    }
}

async fn on_private_message(
    said: Said,
    shared: Arc<Shared>,
    intake: Arc<Intake>,
    msg: Message,
) -> HandlerResult {
    let user = said.user;
    let chat = said.chat;
    let lang = shared.lang_of(user);
    // Not a command: perhaps a reply being handed in.
    if said.cmd.is_none() && super::handin::on_message(&shared, &msg).await? {
        return Ok(());
    }
    let text = match said.cmd.clone() {
        None | Some(Cmd::Help) => commands::help(lang),
        Some(Cmd::Start(_)) => {
            let time = shared.digest_time_of(user);
            let local = shared.local_now();
            commands::started(lang, &said.from.full_name(), time, local.time() < time)
        }
        Some(_) if shared.people.get(user).is_none() => commands::not_started(lang),
        Some(Cmd::Stop) => commands::stopped(lang),
        Some(Cmd::Settings(args)) => {
            let arg = commands::parse_settings(&args);
            let lang_now = shared.lang_of(user);
            let shown = if matches!(arg, SettingsArg::Bad) {
                lang
            } else {
                lang_now
            };
            commands::settings(shown, &arg, shared.digest_time_of(user), lang_now)
        }
        Some(Cmd::Digest(args)) => {
            intake.confirm_members(&[user]).await;
            let at = shared.local_now();
            let sh = shared.clone();
            let scope = commands::digest_scope(&args);
            let parts =
                tokio::task::spawn_blocking(move || sh.digest_parts(UserId(user.0), at, scope))
                    .await?;
            return send(
                &shared,
                format!("now:{chat}:{}", msg.id.0),
                chat,
                Kind::Digest,
                parts,
            )
            .await;
        }
        // Admin commands took the admin branch.
        Some(_) => commands::help(lang),
    };
    send(
        &shared,
        said.reply_key(&msg),
        chat,
        Kind::Reply,
        reply_part(text),
    )
    .await
}

/// `/forget` in a private chat: delete what is kept about the person, then
/// say so directly (an outbox record would keep their chat id).
async fn on_forget(bot: Bot, said: Said, shared: Arc<Shared>) -> HandlerResult {
    let lang = shared.lang_of(said.user);
    let sh = shared.clone();
    let user = said.user;
    let gone = tokio::task::spawn_blocking(move || super::retention::forget(&sh, user)).await??;
    tracing::info!(
        journal = gone.journal_entries,
        outbox = gone.outbox_messages,
        "a person asked to be forgotten"
    );
    bot.send_message(
        teloxide::types::ChatId(said.chat),
        commands::forgotten(lang),
    )
    .await?;
    Ok(())
}

/// An admin command's answer (the sender is a config admin).
fn admin_reply(shared: &Arc<Shared>, cmd: &Cmd, lang: Lang) -> String {
    match cmd {
        Cmd::Status => commands::status(&status(shared)),
        Cmd::Rules => {
            let view = {
                let e = shared.engine();
                let r = &e.settings.rules;
                commands::RulesView {
                    duplicate: r.duplicate,
                    maybe: r.maybe,
                    undated_days: r.undated_days,
                    never_merge: r.never_merge.len(),
                    always_merge: r.always_merge.len(),
                }
            };
            commands::rules(&shared.config(), &view)
        }
        Cmd::Reload => match shared.reload(Trigger::Command) {
            Outcome::Failed { error, .. } => commands::reload_failed(lang, &error.to_string()),
            Outcome::Reloaded { .. } | Outcome::Unchanged => commands::reloaded(lang),
        },
        Cmd::Notdup(args) => match commands::parse_notdup(args) {
            Some((a, b)) => {
                let e = shared.engine();
                if e.tasks.contains_key(&a) && e.tasks.contains_key(&b) {
                    // The intake journaled the verdict already.
                    commands::notdup_done(lang, a, b)
                } else {
                    commands::notdup_unknown(lang)
                }
            }
            None => commands::notdup_usage(lang),
        },
        _ => commands::help(lang),
    }
}

/// What /status shows, from the current state.
pub fn status(shared: &Shared) -> commands::Status {
    let people = shared.people.all();
    let engine = shared.engine();
    let groups = engine
        .groups
        .values()
        .map(|g| {
            (
                g.title.clone(),
                engine.members.get(&g.id).map_or(0, |m| m.len()),
                g.owner.is_some(),
            )
        })
        .collect();
    let regs: std::collections::HashMap<UserId, &people::Registration> =
        people.iter().map(|(u, r)| (*u, r)).collect();
    let unreachable = engine
        .all_members()
        .into_iter()
        .filter_map(|u| {
            let why = match regs.get(&u) {
                None => "has not started the bot".to_string(),
                Some(r) if r.unreachable.is_some() => r.unreachable.clone().unwrap_or_default(),
                Some(r) if r.paused => "paused".to_string(),
                Some(_) => return None,
            };
            let name = engine.people.get(&u).map(|p| p.name.as_str());
            Some((commands::who(name, u), why))
        })
        .collect();
    drop(engine);
    commands::Status {
        groups,
        people_started: people.len(),
        people_paused: people.iter().filter(|(_, r)| r.paused).count(),
        unreachable,
        outbox_depth: shared.outbox.depth(),
        last_digest_run: shared.last_digest_run(),
        journal_events: shared.journal_len(),
    }
}

async fn on_my_chat_member(
    bot: Bot,
    shared: Arc<Shared>,
    me: Me,
    upd: ChatMemberUpdated,
) -> HandlerResult {
    if !is_group(&upd.chat) {
        return Ok(());
    }
    let chat = upd.chat.id.0;
    if intake::added(&upd) {
        if !shared.engine().settings.is_allowed(ChatId(chat)) {
            return leave_group(&bot, &shared, &upd.chat).await;
        }
        if !me.can_read_all_group_messages && !upd.new_chat_member.is_privileged() {
            tracing::warn!(
                chat,
                "added to a group as a plain member while privacy mode is on: it will see only commands there. Make the bot an admin of this group, or disable privacy in @BotFather (/setprivacy)"
            );
        }
        let lang = shared.config().organisation.lang;
        let text = commands::joined_group(lang, &deep_link(&me, chat));
        send(
            &shared,
            format!("joined:{chat}:{}", upd.date.timestamp()),
            chat,
            Kind::Reply,
            reply_part(text),
        )
        .await?;
    } else if intake::removed(&upd) {
        tracing::info!(chat, "removed from a group");
    }
    Ok(())
}

async fn on_callback(
    bot: Bot,
    shared: Arc<Shared>,
    intake: Arc<Intake>,
    upd: Update,
    q: CallbackQuery,
) -> HandlerResult {
    let lang = shared.lang_of(uid(&q.from));
    // The intake judged the press before recording it; judged again only
    // if it somehow did not (the answer then may say "already done").
    let p = intake.decision(upd.id).unwrap_or_else(|| {
        let admins = shared.config().admins.users;
        let engine = shared.engine();
        let v = intake::View {
            engine: &engine,
            tz: engine.settings.tz,
            me_id: None,
            me_username: "",
            admins: &admins,
            now: shared.now(),
            signer: &shared.signer,
        };
        press::judge(&q, &v)
    });
    if let Press::HandIn { task, step } = p {
        return super::handin::on_press(&bot, &shared, &intake, &q, task, step).await;
    }
    bot.answer_callback_query(q.id).text(p.answer(lang)).await?;
    Ok(())
}
