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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GroupsConfig {
    /// When false, only the groups in `allow` are read; the others are left.
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Score at or above which a task joins an earlier pending one.
    pub duplicate_threshold: f64,
    /// Score at or above which the pair is only "maybe related" (never merged).
    pub maybe_threshold: f64,
    /// How long an undated task counts as pending.
    pub pending_window_days: i64,
}

impl Default for Organisation {
    fn default() -> Self {
        Organisation {
            tz: "Asia/Shanghai".into(),
            lang: Lang::Zh,
            workday_end: NaiveTime::from_hms_opt(17, 30, 0).unwrap_or(NaiveTime::MIN),
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

impl Default for GroupsConfig {
    fn default() -> Self {
        GroupsConfig {
            allow_all: true,
            allow: Vec::new(),
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

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            duplicate_threshold: 0.35,
            maybe_threshold: 0.2,
            pending_window_days: 14,
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

impl Config {
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
        let d = &self.dedup;
        if !(0.0..=1.0).contains(&d.duplicate_threshold) {
            return Err(bad(
                "dedup.duplicate_threshold",
                "must be between 0.0 and 1.0".into(),
            ));
        }
        if !(0.0..=d.duplicate_threshold).contains(&d.maybe_threshold) {
            return Err(bad(
                "dedup.maybe_threshold",
                "must be between 0.0 and dedup.duplicate_threshold".into(),
            ));
        }
        if d.pending_window_days < 1 {
            return Err(bad(
                "dedup.pending_window_days",
                "must be at least 1 (days an undated task stays pending)".into(),
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
        if !self.groups.allow_all && self.groups.allow.is_empty() {
            return Err(bad(
                "groups.allow",
                "is empty while groups.allow_all is false, so every group would be left; list the group chat ids or set allow_all = true".into(),
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

    pub fn is_allowed(&self, chat: ChatId) -> bool {
        self.groups.allow_all || self.groups.allow.contains(&chat)
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
    fn example_config_parses() {
        let text = include_str!("../config/onedigest.example.toml");
        let cfg = Config::parse("example", text).expect("example config is valid");
        assert!(!cfg.groups.allow_all);
        assert!(!cfg.groups.allow.is_empty());
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

    #[test]
    fn thresholds_are_range_checked() {
        let text = "[dedup]\nduplicate_threshold = 0.5\nmaybe_threshold = 0.7\n";
        let msg = Config::parse("c.toml", text)
            .expect_err("rejects")
            .to_string();
        assert!(msg.contains("dedup.maybe_threshold"), "{msg}");
    }
}
