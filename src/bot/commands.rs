//! Commands: parsing (pure, shared by the intake and the handlers) and the
//! replies' wording. Nothing here talks to Telegram or the store.

use crate::config::Config;
use crate::model::{ChatId, Lang, MsgRef, UserId};
use crate::render::html_escape as esc;
use chrono::{NaiveDate, NaiveTime};
use teloxide::utils::command::BotCommands;

/// Every command the bot understands. People: /start, /stop, /digest,
/// /settings, /help. Config admins only: /status, /rules, /reload, /notdup,
/// /report.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Cmd {
    #[command(description = "register for your daily digest by private message")]
    Start(String),
    #[command(description = "pause your digests (and warnings) until the next /start")]
    Stop,
    #[command(description = "send your digest now; /digest all lists every item")]
    Digest(String),
    #[command(
        description = "your digest time and language: /settings time 08:00, /settings lang en"
    )]
    Settings(String),
    #[command(description = "what this bot does")]
    Help,
    #[command(
        description = "delete your registration, settings and Done marks (what you wrote in groups stays as long as the groups' retention)"
    )]
    Forget,
    #[command(description = "(admins) groups, people reachable, outbox depth, last digest run")]
    Status,
    #[command(description = "(admins) the duplicate and conflict rules in force")]
    Rules,
    #[command(description = "(admins) reload the configuration file")]
    Reload,
    #[command(description = "(admins) two asks are different tasks: /notdup LINK LINK")]
    Notdup(String),
    #[command(
        description = "(admins) the burden report as a chart and a summary: /report week, /report month"
    )]
    Report(String),
}

impl Cmd {
    pub fn is_admin_only(&self) -> bool {
        matches!(
            self,
            Cmd::Status | Cmd::Rules | Cmd::Reload | Cmd::Notdup(_) | Cmd::Report(_)
        )
    }

    pub fn name(&self) -> &'static str {
        match self {
            Cmd::Start(_) => "/start",
            Cmd::Stop => "/stop",
            Cmd::Digest(_) => "/digest",
            Cmd::Settings(_) => "/settings",
            Cmd::Help => "/help",
            Cmd::Forget => "/forget",
            Cmd::Status => "/status",
            Cmd::Rules => "/rules",
            Cmd::Reload => "/reload",
            Cmd::Notdup(_) => "/notdup",
            Cmd::Report(_) => "/report",
        }
    }
}

/// Parse a message text as a command addressed to this bot (`/cmd` or
/// `/cmd@bot_username`).
pub fn parse(text: &str, bot_username: &str) -> Option<Cmd> {
    if !text.starts_with('/') {
        return None;
    }
    Cmd::parse(text.trim(), bot_username).ok()
}

/// Does `/digest ARGS` ask for every item rather than the daily eight?
pub fn digest_scope(args: &str) -> crate::render::Scope {
    match args.trim().to_lowercase().as_str() {
        "all" | "全部" => crate::render::Scope::All,
        _ => crate::render::Scope::Daily,
    }
}

/// What `/settings ARGS` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsArg {
    Show,
    Time(NaiveTime),
    Lang(Lang),
    Bad,
}

pub fn parse_settings(args: &str) -> SettingsArg {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        [] => SettingsArg::Show,
        ["time", t] => NaiveTime::parse_from_str(t, "%H:%M")
            .map(SettingsArg::Time)
            .unwrap_or(SettingsArg::Bad),
        ["lang", l] => match l.to_ascii_lowercase().as_str() {
            "zh" | "中文" => SettingsArg::Lang(Lang::Zh),
            "en" | "english" => SettingsArg::Lang(Lang::En),
            _ => SettingsArg::Bad,
        },
        _ => SettingsArg::Bad,
    }
}

/// One message reference: `CHAT_ID/MESSAGE_ID`, `CHAT_ID MESSAGE_ID` is not
/// accepted (ambiguous with two refs); or a `https://t.me/c/N/M` link.
pub fn parse_msg_ref(s: &str) -> Option<MsgRef> {
    let s = s.trim().trim_end_matches('/');
    if let Some(rest) = s
        .strip_prefix("https://t.me/c/")
        .or_else(|| s.strip_prefix("http://t.me/c/"))
        .or_else(|| s.strip_prefix("t.me/c/"))
    {
        let mut it = rest.split('/');
        let internal: i64 = it.next()?.parse().ok()?;
        let msg: i64 = it.next()?.parse().ok()?;
        return Some(MsgRef {
            chat_id: ChatId(-1_000_000_000_000 - internal),
            message_id: msg,
        });
    }
    let (c, m) = s.split_once('/')?;
    Some(MsgRef {
        chat_id: ChatId(c.parse().ok()?),
        message_id: m.parse().ok()?,
    })
}

/// `/notdup A B`: the two asks an admin says are different work.
pub fn parse_notdup(args: &str) -> Option<(MsgRef, MsgRef)> {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        [a, b] => Some((parse_msg_ref(a)?, parse_msg_ref(b)?)),
        _ => None,
    }
}

// ---- wording ----

pub fn help(lang: Lang) -> String {
    match lang {
        Lang::Zh => "我读取你所在的工作群，每天按时私信你一份待办汇总：跨群合并、最早截止在前、每项都链接原始消息。几个群要同一份材料时，点该项的 ↩ 按钮（或回复汇总消息该项的编号），交一次，我替你回复到每个群。\n\n/start 开始接收每日汇总\n/stop 暂停\n/digest 立即发送一份（/digest all 列出全部）\n/settings 设置时间和语言，例如 <code>/settings time 08:00</code>、<code>/settings lang en</code>".into(),
        Lang::En => "I read your work groups and send you one digest a day by private message: what you owe, merged across groups, soonest first, each item linking every message that asked for it. When several groups want the same thing, press the item's ↩ button (or reply to the digest with its number) and hand it in once: I reply in every group for you.\n\n/start get your daily digest\n/stop pause it\n/digest send one now (/digest all lists every item)\n/settings time and language, e.g. <code>/settings time 08:00</code>, <code>/settings lang en</code>".into(),
    }
}

pub fn started(lang: Lang, name: &str, time: NaiveTime, first_today: bool) -> String {
    let t = time.format("%H:%M");
    let name = esc(name);
    match (lang, first_today) {
        (Lang::Zh, true) => format!(
            "你好，{name}！已为你开启每日待办汇总，每天 {t} 发送。今天的汇总时间还没到，到时见。发送 /digest 可随时查看。"
        ),
        (Lang::Zh, false) => format!(
            "你好，{name}！已为你开启每日待办汇总，每天 {t} 发送，明天开始。发送 /digest 可立即查看。"
        ),
        (Lang::En, true) => format!(
            "Hello {name}! You will get your digest every day at {t}, starting today. Send /digest to see it now."
        ),
        (Lang::En, false) => format!(
            "Hello {name}! You will get your digest every day at {t}, starting tomorrow. Send /digest to see it now."
        ),
    }
}

pub fn stopped(lang: Lang) -> String {
    match lang {
        Lang::Zh => "已暂停每日汇总。发送 /start 可恢复。".into(),
        Lang::En => "Your digests are paused. Send /start to resume.".into(),
    }
}

/// The answer to `/forget`, sent straight (not kept in the outbox).
pub fn forgotten(lang: Lang) -> String {
    match lang {
        Lang::Zh => "已删除你的登记、个人设置和已完成标记。你在群里发的消息按群的保留期限保存。发送 /start 可重新开始。".into(),
        Lang::En => "Your registration, settings and Done marks are deleted. What you wrote in groups is kept as long as the groups' retention says. Send /start to begin again.".into(),
    }
}

pub fn not_started(lang: Lang) -> String {
    match lang {
        Lang::Zh => "你还没有开启汇总：请先发送 /start。".into(),
        Lang::En => "You have not started the bot yet: send /start first.".into(),
    }
}

pub fn settings(lang: Lang, arg: &SettingsArg, time: NaiveTime, cur: Lang) -> String {
    let t = time.format("%H:%M");
    let l = match cur {
        Lang::Zh => "中文 (zh)",
        Lang::En => "English (en)",
    };
    match (arg, lang) {
        (SettingsArg::Bad, Lang::Zh) => "没看懂。用法：<code>/settings time 08:00</code> 或 <code>/settings lang zh|en</code>".into(),
        (SettingsArg::Bad, Lang::En) => "I did not understand that. Use <code>/settings time 08:00</code> or <code>/settings lang zh|en</code>".into(),
        (SettingsArg::Show, Lang::Zh) => format!("汇总时间：{t}\n语言：{l}\n修改：<code>/settings time 08:00</code>、<code>/settings lang en</code>"),
        (SettingsArg::Show, Lang::En) => format!("Digest time: {t}\nLanguage: {l}\nChange: <code>/settings time 08:00</code>, <code>/settings lang zh</code>"),
        (_, Lang::Zh) => format!("已保存。汇总时间：{t}，语言：{l}。"),
        (_, Lang::En) => format!("Saved. Digest time: {t}, language: {l}."),
    }
}

pub fn refusal(lang: Lang, cmd: &Cmd) -> String {
    match lang {
        Lang::Zh => format!("抱歉，{} 仅限本机器人的管理员使用。", cmd.name()),
        Lang::En => format!(
            "Sorry, {} is only for this bot's administrators.",
            cmd.name()
        ),
    }
}

pub fn not_allowed_group(lang: Lang) -> String {
    match lang {
        Lang::Zh => "本群不在 onedigest 的允许名单上，我先退出了。如需使用，请让管理员把本群的 ID 加入配置中的 groups.allow。".into(),
        Lang::En => "This group is not on onedigest's allow-list, so I am leaving. To use me here, ask the bot's admin to add this group's id to groups.allow in the configuration.".into(),
    }
}

pub fn joined_group(lang: Lang, deep_link: &str) -> String {
    match lang {
        Lang::Zh => format!(
            "大家好！我会整理本群的任务，每天私信每位成员一份待办汇总。请点此开启：{deep_link}"
        ),
        Lang::En => format!(
            "Hello! I collect this group's tasks and send each member one digest a day by private message. Start it here: {deep_link}"
        ),
    }
}

pub fn notdup_usage(lang: Lang) -> String {
    match lang {
        Lang::Zh => "用法：<code>/notdup 链接1 链接2</code>（消息链接 https://t.me/c/…/… 或 群ID/消息ID）".into(),
        Lang::En => "Usage: <code>/notdup LINK1 LINK2</code> (message links https://t.me/c/…/… or CHAT_ID/MESSAGE_ID)".into(),
    }
}

pub fn notdup_unknown(lang: Lang) -> String {
    match lang {
        Lang::Zh => "找不到这两条消息中的任务，未作记录。".into(),
        Lang::En => "I do not know a task at one of those links; nothing was recorded.".into(),
    }
}

/// `/report [week|month]`: the local days `[from, to)` it covers, the
/// last 7 or 30 days up to and including `today`; `None` for anything else.
pub fn report_period(args: &str, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let days = match args.trim().to_lowercase().as_str() {
        "" | "week" | "周" | "本周" => 7,
        "month" | "月" | "本月" => 30,
        _ => return None,
    };
    let to = today.succ_opt()?;
    Some((to - chrono::Duration::days(days), to))
}

pub fn report_usage(lang: Lang) -> String {
    match lang {
        Lang::Zh => "用法：<code>/report week</code>（最近7天）或 <code>/report month</code>（最近30天）".into(),
        Lang::En => "Usage: <code>/report week</code> (the last 7 days) or <code>/report month</code> (the last 30 days)".into(),
    }
}

/// `/report` over a period without asks.
pub fn report_empty(lang: Lang, from: NaiveDate, to: NaiveDate) -> String {
    let last = to.pred_opt().unwrap_or(to);
    match lang {
        Lang::Zh => format!("{from} 至 {last} 没有布置任何工作，无报告。"),
        Lang::En => format!("No asks from {from} to {last}; nothing to report."),
    }
}

/// An admin command said in a group: one line, nothing else.
pub fn ask_in_private(lang: Lang) -> String {
    match lang {
        Lang::Zh => "请私信我使用这个命令。".into(),
        Lang::En => "Ask me in a private chat.".into(),
    }
}

pub fn notdup_done(lang: Lang, a: MsgRef, b: MsgRef) -> String {
    match lang {
        Lang::Zh => format!("已记录：{a} 与 {b} 是不同的任务，今后不会合并。"),
        Lang::En => format!("Noted: {a} and {b} are different tasks and will not be merged."),
    }
}

pub fn reloaded(lang: Lang) -> String {
    match lang {
        Lang::Zh => "配置已重新加载，新规则对之后的消息生效。".into(),
        Lang::En => "Configuration reloaded; the new rules apply to messages from now on.".into(),
    }
}

pub fn reload_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!("重新加载失败，仍使用原配置：{}", esc(why)),
        Lang::En => format!(
            "Reload failed; the old configuration stays in force: {}",
            esc(why)
        ),
    }
}

/// An automatic reload (file change, SIGHUP) was rejected.
pub fn auto_reload_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Zh => format!(
            "配置或规则文件有改动，但无法加载，仍使用原规则：{}",
            esc(why)
        ),
        Lang::En => format!(
            "The configuration or rules file changed but could not be loaded; the old rules stay in force: {}",
            esc(why)
        ),
    }
}

/// The dedup figures in force (from the engine's rules), for /rules.
#[derive(Debug, Clone, Default)]
pub struct RulesView {
    pub duplicate: f64,
    pub maybe: f64,
    pub undated_days: i64,
    pub never_merge: usize,
    pub always_merge: usize,
}

/// The rules in force, for /rules.
pub fn rules(cfg: &Config, r: &RulesView) -> String {
    let c = &cfg.conflicts;
    let allow = if cfg.groups.allow_all {
        "all groups".to_string()
    } else {
        cfg.groups
            .allow
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let file = cfg
        .dedup
        .rules
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "bundled config/rules.toml".into());
    format!(
        "<b>Rules in force</b> ({})\nduplicate at score ≥ {}\n\"maybe related\" at ≥ {}\nundated asks pending {} days\nnever-merge pairs: {}, always-merge pairs: {}\npile-up: {} tasks within {} min\nshort notice: under {} min\ndigest at {} ({}), overdue shown {} days\nallowed groups: {}",
        esc(&file),
        r.duplicate,
        r.maybe,
        r.undated_days,
        r.never_merge,
        r.always_merge,
        c.pileup_count,
        c.pileup_window_minutes,
        c.short_notice_minutes,
        cfg.digest.time.format("%H:%M"),
        esc(&cfg.organisation.tz),
        cfg.digest.overdue_days,
        esc(&allow)
    )
}

/// What /status shows.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// (title, members, owner known)
    pub groups: Vec<(String, usize, bool)>,
    pub people_started: usize,
    pub people_paused: usize,
    /// Group members who cannot be written to yet: (name, why).
    pub unreachable: Vec<(String, String)>,
    pub outbox_depth: usize,
    pub last_digest_run: Option<String>,
    pub journal_events: u64,
}

pub fn status(s: &Status) -> String {
    let mut out = format!(
        "<b>Status</b>\ngroups: {}\npeople started: {} ({} paused)\noutbox depth: {}\nlast digest run: {}\njournal events: {}",
        s.groups.len(),
        s.people_started,
        s.people_paused,
        s.outbox_depth,
        s.last_digest_run.as_deref().unwrap_or("never"),
        s.journal_events
    );
    for (title, members, owner) in s.groups.iter().take(30) {
        out.push_str(&format!(
            "\n• {} ({} members{})",
            esc(title),
            members,
            if *owner { "" } else { ", owner unknown" }
        ));
    }
    if s.groups.len() > 30 {
        out.push_str(&format!("\n… and {} more groups", s.groups.len() - 30));
    }
    out.push_str(&format!(
        "\n\n<b>cannot be reached yet: {}</b>",
        s.unreachable.len()
    ));
    for (name, why) in s.unreachable.iter().take(50) {
        out.push_str(&format!("\n• {} ({})", esc(name), esc(why)));
    }
    if s.unreachable.len() > 50 {
        out.push_str(&format!("\n… and {} more", s.unreachable.len() - 50));
    }
    out
}

/// A user id as a name when nothing better is known.
pub fn who(name: Option<&str>, id: UserId) -> String {
    name.map(str::to_string).unwrap_or_else(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_and_without_the_bot_name() {
        assert_eq!(parse("/start", "odbot"), Some(Cmd::Start(String::new())));
        assert_eq!(
            parse("/start g-1001", "odbot"),
            Some(Cmd::Start("g-1001".into()))
        );
        assert_eq!(parse("/status@odbot", "odbot"), Some(Cmd::Status));
        assert_eq!(parse("/status@otherbot", "odbot"), None);
        assert_eq!(parse("hello", "odbot"), None);
        assert_eq!(parse("/unknown", "odbot"), None);
        assert!(Cmd::Report(String::new()).is_admin_only());
        assert_eq!(
            parse("/report month", "odbot"),
            Some(Cmd::Report("month".into()))
        );
        assert!(Cmd::Notdup(String::new()).is_admin_only());
        assert!(!Cmd::Digest(String::new()).is_admin_only());
        assert_eq!(
            parse("/digest all", "odbot"),
            Some(Cmd::Digest("all".into()))
        );
    }

    #[test]
    fn settings_and_message_refs_parse() {
        assert_eq!(parse_settings(""), SettingsArg::Show);
        assert_eq!(
            parse_settings("time 08:15"),
            SettingsArg::Time(NaiveTime::from_hms_opt(8, 15, 0).expect("t"))
        );
        assert_eq!(parse_settings("lang EN"), SettingsArg::Lang(Lang::En));
        assert_eq!(parse_settings("time 8am"), SettingsArg::Bad);
        let a = parse_msg_ref("https://t.me/c/2041000031/7715").expect("link");
        assert_eq!(a.chat_id, ChatId(-1_002_041_000_031));
        assert_eq!(a.message_id, 7715);
        let (x, y) = parse_notdup("-1002041000031/7715 https://t.me/c/2041000032/9").expect("two");
        assert_eq!(x, a);
        assert_eq!(y.chat_id, ChatId(-1_002_041_000_032));
        assert_eq!(parse_notdup("one"), None);
    }

    #[test]
    fn report_periods_end_with_today() {
        let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).expect("date");
        // Today (18 June) is in; the period ends the day after it.
        assert_eq!(report_period("", d(6, 18)), Some((d(6, 12), d(6, 19))));
        assert_eq!(report_period("WEEK", d(6, 18)), Some((d(6, 12), d(6, 19))));
        assert_eq!(report_period("month", d(6, 18)), Some((d(5, 20), d(6, 19))));
        assert_eq!(report_period("year", d(6, 18)), None);
    }
}
