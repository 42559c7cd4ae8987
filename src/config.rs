//! Configuration: TOML parsed once into typed structs, validated at start.
//!
//! Errors name the file, the line, the field and the fix.

use crate::model::{ChatId, Lang, UserId};
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub organisation: Organisation,
    pub digest: DigestConfig,
    pub groups: GroupsConfig,
    pub admins: AdminsConfig,
    pub conflicts: ConflictConfig,
    pub dedup: DedupConfig,
    pub bot: BotConfig,
    pub report: ReportConfig,
}

/// The burden report (`onedigest report`, `/report`): the assumptions behind
/// its time-saved estimate, and the font its charts are drawn with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// A CJK font (TTF, OTF or TTC) for the charts' labels. Absent: Noto Sans
    /// CJK or WenQuanYi from the usual /usr/share/fonts places. None found:
    /// the report comes without charts and says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_path: Option<std::path::PathBuf>,
    /// Assumed minutes one unnoticed duplicate ask costs.
    pub minutes_per_duplicate: f64,
    /// Assumed minutes one person spends finding and tracking one ask in a group.
    pub minutes_per_group_post: f64,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            font_path: None,
            minutes_per_duplicate: crate::core::report::DEFAULT_MINUTES_PER_DUPLICATE,
            minutes_per_group_post: crate::core::report::DEFAULT_MINUTES_PER_GROUP_POST,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Organisation {
    /// IANA zone that relative words and digest times are read in.
    pub tz: String,
    pub lang: Lang,
    /// What 下班前 / EOD / COB means.
    #[serde(with = "hhmm")]
    pub workday_end: NaiveTime,
    /// How `6/3`-style dates read: "dmy", "mdy" or "ymd"; absent: the
    /// zone's usual order (month first in the US, year first in East Asia,
    /// day first elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<crate::model::DateOrder>,
    /// Holiday calendar (TOML, see config/holidays.toml); the bundled one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// Local time each person's digest is built.
    #[serde(with = "hhmm")]
    pub time: NaiveTime,
    /// Overdue items are shown apart for this many days after their deadline.
    pub overdue_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct GroupsConfig {
    /// When false (the default), only the groups in `allow` are read; the
    /// others are left. The live bot refuses to start with an empty `allow`
    /// unless this (or `run --allow-all`) says every group is welcome.
    pub allow_all: bool,
    pub allow: Vec<ChatId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AdminsConfig {
    pub users: Vec<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConflictConfig {
    /// A pile-up is at least this many tasks due within `pileup_window_minutes`.
    pub pileup_count: usize,
    pub pileup_window_minutes: i64,
    /// Asked less than this long before its deadline is short notice.
    pub short_notice_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// The dedup rules file (thresholds, synonyms, boilerplate, deliverables,
    /// group overrides, never/always-merge pairs); the bundled
    /// `config/rules.toml` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<std::path::PathBuf>,
}

impl Default for Organisation {
    fn default() -> Self {
        Organisation {
            tz: "Asia/Shanghai".into(),
            lang: Lang::Zh,
            workday_end: NaiveTime::from_hms_opt(17, 30, 0).unwrap_or(NaiveTime::MIN),
            date_order: None,
            holidays: None,
        }
    }
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            time: NaiveTime::from_hms_opt(7, 30, 0).unwrap_or(NaiveTime::MIN),
            overdue_days: 2,
        }
    }
}

impl Default for ConflictConfig {
    fn default() -> Self {
        ConflictConfig {
            pileup_count: 3,
            pileup_window_minutes: 120,
            short_notice_minutes: 120,
        }
    }
}

/// The live bot (`onedigest run`). The token is never here: it comes from
/// the `TELOXIDE_TOKEN` environment variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BotConfig {
    /// Where the journal, outbox and people registry live (created if missing).
    pub state_dir: std::path::PathBuf,
    /// Another Bot API server (a local `telegram-bot-api`); `TELOXIDE_API_URL`
    /// and `--api-url` take precedence. Telegram's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// `polling` (long polling, the default) or `webhook`.
    pub mode: BotMode,
    /// Webhook mode: the public HTTPS URL Telegram posts updates to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Webhook mode: the local address the webhook server listens on.
    pub webhook_listen: String,
    /// Health (`/healthz`) and Prometheus (`/metrics`) endpoint; "" turns it off.
    pub metrics_addr: String,
    /// Long-polling timeout (seconds) of each getUpdates call.
    pub poll_timeout_secs: u64,
    /// Messages per second overall (Telegram allows about 30).
    pub messages_per_second: u32,
    /// Least time between two messages to one chat (Telegram: 1 s).
    pub per_chat_interval_ms: u64,
    /// Messages a minute into one group (Telegram: about 20), kept as an
    /// even spacing on top of `per_chat_interval_ms`; 0 turns it off.
    pub group_messages_per_minute: u32,
    /// Send requests in flight at once; also how many messages a crash can
    /// repeat (Telegram accepted them, the outbox had not marked them yet).
    pub max_in_flight: usize,
    /// Backoff after a 5xx or network error, doubling up to `retry_max_ms`.
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
    /// A message is given up on after this many failed attempts (429s not counted).
    pub max_send_attempts: u32,
    /// How often the digest schedule is checked.
    pub scheduler_tick_ms: u64,
    /// After start-up, wait this long (for the backlog of updates) before
    /// sending digests whose time passed while the bot was down.
    pub catch_up_delay_secs: u64,
    /// Every this many seconds the config file and the rules file it names
    /// are checked (modification time and length) and reloaded when changed;
    /// 0 turns the watcher off (SIGHUP and /reload still reload).
    pub watch_rules_secs: u64,
    /// `/healthz` answers 503 when updates have waited this long with
    /// nothing journaled (intake stuck).
    pub health_intake_secs: u64,
    /// `/healthz` answers 503 when the outbox is not empty and nothing was
    /// sent for this long (sender stuck: Telegram down, long 429s).
    pub health_sender_secs: u64,
    /// A delivered message's outbox record (its key, what became of each
    /// part; not its text) is kept this many days, then pruned. At least 2:
    /// the key must outlive its digest's day and Telegram's redelivery.
    pub outbox_retention_days: u32,
    /// Commands and button presses one person may make per minute, after a
    /// burst of `rate_burst`; more are ignored (a press is told so).
    pub rate_per_minute: u32,
    pub rate_burst: u32,
    /// Group messages older than this many days that are not open tasks
    /// are removed from the journal (with their edits, Done marks and
    /// verdicts), once a day.
    pub retention_days: u32,
    /// Every this many seconds the engine's state is written to
    /// `engine.snapshot` in the state directory, so that a restart replays
    /// only the journal's tail; 0 turns snapshots off.
    pub snapshot_every_secs: u64,
    /// sled's page cache, in MiB (sled's own default is 1 GiB).
    pub sled_cache_mb: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BotMode {
    #[default]
    Polling,
    Webhook,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            state_dir: "onedigest-state".into(),
            api_url: None,
            mode: BotMode::Polling,
            webhook_url: None,
            webhook_listen: "127.0.0.1:8443".into(),
            metrics_addr: "127.0.0.1:9464".into(),
            poll_timeout_secs: 30,
            messages_per_second: 30,
            per_chat_interval_ms: 1000,
            group_messages_per_minute: 20,
            max_in_flight: 10,
            retry_base_ms: 1000,
            retry_max_ms: 60_000,
            max_send_attempts: 10,
            scheduler_tick_ms: 15_000,
            catch_up_delay_secs: 10,
            watch_rules_secs: 5,
            health_intake_secs: 120,
            health_sender_secs: 300,
            outbox_retention_days: 7,
            rate_per_minute: 20,
            rate_burst: 10,
            retention_days: 180,
            snapshot_every_secs: 600,
            sled_cache_mb: 64,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{file}: cannot read the config: {source} (pass --config with an existing file, or leave it out to use the defaults)"
    )]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: field `{field}`: {message}")]
    Invalid {
        file: String,
        field: &'static str,
        message: String,
    },
}

/// Why the live bot will not read groups under this config.
pub const OPEN_TO_ALL: &str = "groups.allow is empty: list the group chat ids the bot may read in [groups] allow, or run with --allow-all to read every group it is added to";

impl Config {
    /// The live bot's start-up (and reload) check: a closed allow-list by
    /// default, every group only when asked for explicitly.
    pub fn open_to_all_refused(&self) -> Option<&'static str> {
        (self.groups.allow.is_empty() && !self.groups.allow_all).then_some(OPEN_TO_ALL)
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            file: file.clone(),
            source,
        })?;
        Config::parse(&file, &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            ConfigError::Syntax {
                file: file.to_string(),
                line,
                message: e.message().trim().to_string(),
            }
        })?;
        cfg.validate(file)?;
        Ok(cfg)
    }

    fn validate(&self, file: &str) -> Result<(), ConfigError> {
        let bad = |field: &'static str, message: String| ConfigError::Invalid {
            file: file.to_string(),
            field,
            message,
        };
        if self.organisation.tz.parse::<chrono_tz::Tz>().is_err() {
            return Err(bad(
                "organisation.tz",
                format!(
                    "`{}` is not an IANA time zone; use a name such as \"Asia/Shanghai\" or \"America/Chicago\"",
                    self.organisation.tz
                ),
            ));
        }
        let c = &self.conflicts;
        if c.pileup_count < 2 {
            return Err(bad(
                "conflicts.pileup_count",
                "must be at least 2 (tasks due close together)".into(),
            ));
        }
        if c.pileup_window_minutes < 1 || c.short_notice_minutes < 0 {
            return Err(bad(
                "conflicts.pileup_window_minutes",
                "windows must be positive numbers of minutes".into(),
            ));
        }
        for (field, v) in [
            (
                "report.minutes_per_duplicate",
                self.report.minutes_per_duplicate,
            ),
            (
                "report.minutes_per_group_post",
                self.report.minutes_per_group_post,
            ),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(bad(
                    field,
                    "must be a number of minutes, zero or more".into(),
                ));
            }
        }
        let b = &self.bot;
        if b.messages_per_second < 1 {
            return Err(bad(
                "bot.messages_per_second",
                "must be at least 1 (Telegram allows about 30)".into(),
            ));
        }
        if b.max_in_flight < 1 || b.max_send_attempts < 1 || b.scheduler_tick_ms < 1 {
            return Err(bad(
                "bot.max_in_flight",
                "bot.max_in_flight, bot.max_send_attempts and bot.scheduler_tick_ms must be at least 1".into(),
            ));
        }
        for (field, v) in [
            ("bot.health_intake_secs", b.health_intake_secs),
            ("bot.health_sender_secs", b.health_sender_secs),
        ] {
            if v < 1 {
                return Err(bad(field, "must be at least 1 (seconds)".into()));
            }
        }
        if b.outbox_retention_days < 2 {
            return Err(bad(
                "bot.outbox_retention_days",
                "must be at least 2 (a message's key must outlive its day)".into(),
            ));
        }
        if !(1..=36_500).contains(&b.retention_days) {
            return Err(bad(
                "bot.retention_days",
                format!(
                    "`{}` is not a retention period; give a number of days from 1 to 36500 (such as 180)",
                    b.retention_days
                ),
            ));
        }
        if !(1..=65_536).contains(&b.sled_cache_mb) {
            return Err(bad(
                "bot.sled_cache_mb",
                format!(
                    "`{}` is not a cache size; give MiB from 1 to 65536 (such as 64)",
                    b.sled_cache_mb
                ),
            ));
        }
        if b.webhook_listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(bad(
                "bot.webhook_listen",
                format!(
                    "`{}` is not an address; write it as \"127.0.0.1:8443\"",
                    b.webhook_listen
                ),
            ));
        }
        if !b.metrics_addr.is_empty() && b.metrics_addr.parse::<std::net::SocketAddr>().is_err() {
            return Err(bad(
                "bot.metrics_addr",
                format!(
                    "`{}` is not an address; write it as \"127.0.0.1:9464\", or \"\" to turn it off",
                    b.metrics_addr
                ),
            ));
        }
        if b.rate_burst == 0 {
            return Err(bad(
                "bot.rate_burst",
                "must be at least 1 (commands and presses one person may make at once)".into(),
            ));
        }
        if b.mode == BotMode::Webhook
            && !b
                .webhook_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
        {
            return Err(bad(
                "bot.webhook_url",
                "webhook mode needs the public https:// URL Telegram will post updates to".into(),
            ));
        }
        Ok(())
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        // Validated at load; the fallback only serves hand-built configs.
        self.organisation
            .tz
            .parse()
            .unwrap_or(chrono_tz::Asia::Shanghai)
    }
}

mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| {
            serde::de::Error::custom(format!(
                "`{s}` is not a clock time; write it as \"HH:MM\", e.g. \"17:30\""
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_retention_and_cache_values_name_the_file_and_field() {
        for (text, field) in [
            ("[bot]\nretention_days = 0\n", "bot.retention_days"),
            ("[bot]\nsled_cache_mb = 0\n", "bot.sled_cache_mb"),
        ] {
            let msg = Config::parse("c.toml", text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                msg.starts_with("c.toml: field `") && msg.contains(field),
                "{msg}"
            );
            assert!(!msg.contains('\n'), "{msg}");
        }
        let negative = Config::parse("c.toml", "[bot]\nretention_days = -5\n");
        assert!(
            negative.is_err_and(|e| e.to_string().starts_with("c.toml:2:")),
            "a negative value is a syntax error with its line"
        );
    }

    #[test]
    fn example_config_parses() {
        let text = include_str!("../config/onedigest.example.toml");
        let cfg = Config::parse("example", text).expect("example config is valid");
        assert!(!cfg.groups.allow_all);
        assert!(!cfg.groups.allow.is_empty());
        assert_eq!(cfg.open_to_all_refused(), None);
    }

    #[test]
    fn a_rate_burst_of_zero_is_rejected_naming_the_field() {
        let msg = Config::parse("c.toml", "[bot]\nrate_burst = 0\n")
            .expect_err("rejects")
            .to_string();
        assert!(msg.contains("bot.rate_burst"), "{msg}");
    }

    #[test]
    fn report_assumptions_are_read_and_a_negative_one_is_rejected() {
        let text = "[report]\nfont_path = \"/fonts/x.ttc\"\nminutes_per_duplicate = 45.0\n";
        let cfg = Config::parse("c.toml", text).expect("valid");
        assert_eq!(cfg.report.minutes_per_duplicate, 45.0);
        assert_eq!(cfg.report.minutes_per_group_post, 1.0);
        assert_eq!(
            cfg.report.font_path.as_deref(),
            Some(std::path::Path::new("/fonts/x.ttc"))
        );
        let msg = Config::parse("c.toml", "[report]\nminutes_per_group_post = -1.0\n")
            .expect_err("rejects")
            .to_string();
        assert!(msg.contains("report.minutes_per_group_post"), "{msg}");
        let msg = Config::parse("c.toml", "[report]\nfont = \"x\"\n")
            .expect_err("rejects")
            .to_string();
        assert!(msg.contains("font_path"), "{msg}");
    }

    #[test]
    fn the_default_allow_list_is_closed() {
        let cfg = Config::default();
        assert!(!cfg.groups.allow_all);
        assert!(cfg.open_to_all_refused().is_some());
    }

    #[test]
    fn unknown_field_names_file_line_and_field() {
        let text = "[organisation]\ntz = \"Asia/Shanghai\"\n\n[digest]\ntiem = \"07:30\"\n";
        let msg = Config::parse("c.toml", text)
            .expect_err("rejects")
            .to_string();
        assert!(msg.starts_with("c.toml:5:"), "{msg}");
        assert!(msg.contains("tiem"), "{msg}");
    }

    #[test]
    fn bad_zone_names_field_and_fix() {
        let text = "[organisation]\ntz = \"Asia/Shangai\"\n";
        let msg = Config::parse("c.toml", text)
            .expect_err("rejects")
            .to_string();
        assert!(
            msg.contains("organisation.tz") && msg.contains("Asia/Shanghai"),
            "{msg}"
        );
    }

    #[test]
    fn bad_clock_time_is_explained() {
        let text = "[organisation]\nworkday_end = \"5pm\"\n";
        let msg = Config::parse("c.toml", text)
            .expect_err("rejects")
            .to_string();
        assert!(
            msg.starts_with("c.toml:2:") && msg.contains("HH:MM"),
            "{msg}"
        );
    }
}
