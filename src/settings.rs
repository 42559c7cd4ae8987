//! The core's settings built from the config: the file reads they need
//! (the holiday calendar, the dedup rules) happen here, in the shell, so
//! that the core reads nothing. `Settings::from_config` and `Rules::load`
//! are the core types' constructors from files, kept next to those reads.

use crate::config::Config;
use crate::core::calendar::holidays::{Calendar, HolidayError};
use crate::core::conflicts::ConflictSettings;
use crate::core::engine::Settings;
use crate::core::rules::{Rules, RulesError};
use std::path::Path;
use std::sync::Arc;

/// Why the settings could not be made from a config.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Holidays(#[from] HolidayError),
    #[error(transparent)]
    Rules(#[from] RulesError),
}

impl Settings {
    /// Settings from a validated config; the holiday calendar is the bundled
    /// one unless the config names a file.
    pub fn from_config(cfg: &Config) -> Result<Settings, SettingsError> {
        let calendar = match &cfg.organisation.holidays {
            Some(p) => Calendar::load(p)?,
            None => Calendar::bundled()?,
        };
        let rules = match &cfg.dedup.rules {
            Some(p) => Rules::load(p)?,
            None => Rules::bundled()?,
        };
        let c = &cfg.conflicts;
        Ok(Settings {
            tz: cfg.tz(),
            date_order: cfg.organisation.date_order,
            lang: cfg.organisation.lang,
            workday_end: cfg.organisation.workday_end,
            digest_time: cfg.digest.time,
            overdue_days: cfg.digest.overdue_days,
            conflicts: ConflictSettings {
                pileup_count: c.pileup_count,
                pileup_window_minutes: c.pileup_window_minutes,
                short_notice_minutes: c.short_notice_minutes,
            },
            rules: Arc::new(rules),
            // An empty allow-list reads every group of a log (the offline
            // commands read the operator's own logs); the live bot never runs
            // so without `allow_all` ([`Config::open_to_all_refused`]).
            allow_all: cfg.groups.allow_all || cfg.groups.allow.is_empty(),
            allow: cfg.groups.allow.clone(),
            calendar: Arc::new(calendar),
        })
    }
}

impl Rules {
    /// The rules in a file ([`Rules::parse`] of its text).
    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Io {
            file: file.clone(),
            source,
        })?;
        Rules::parse(&file, &text)
    }
}

/// The holiday calendar in a file ([`Calendar::parse`] of its text).
impl Calendar {
    pub fn load(path: &Path) -> Result<Calendar, HolidayError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| HolidayError::Io {
            file: file.clone(),
            source,
        })?;
        Calendar::parse(&file, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_rules_file_is_named() {
        let text = "[dedup]\nrules = \"nowhere/rules.toml\"\n";
        let cfg = crate::config::Config::parse("c.toml", text).expect("syntax is fine");
        let err = Settings::from_config(&cfg).expect_err("missing file");
        assert!(err.to_string().contains("nowhere/rules.toml"), "{err}");
    }

    #[test]
    fn date_order_from_the_zone_unless_configured() {
        let order = |text: &str| {
            let cfg = crate::config::Config::parse("c.toml", text).expect("valid config");
            Settings::from_config(&cfg).expect("settings").day_first()
        };
        assert!(!order("[organisation]\ntz = \"Asia/Taipei\"\n"));
        assert!(!order("[organisation]\ntz = \"America/Chicago\"\n"));
        assert!(order("[organisation]\ntz = \"Europe/London\"\n"));
        assert!(order("[organisation]\ntz = \"Australia/Sydney\"\n"));
        assert!(order("[organisation]\ntz = \"America/Sao_Paulo\"\n"));
        assert!(!order(
            "[organisation]\ntz = \"Europe/London\"\ndate_order = \"mdy\"\n"
        ));
        assert!(order(
            "[organisation]\ntz = \"Asia/Shanghai\"\ndate_order = \"dmy\"\n"
        ));
        assert!(
            crate::config::Config::parse("c.toml", "[organisation]\ndate_order = \"dym\"\n")
                .is_err()
        );
    }

    #[test]
    fn load_reports_missing_file() {
        let e = Calendar::load(Path::new("/nonexistent/holidays.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("/nonexistent/holidays.toml: "), "{e}");
    }
}
