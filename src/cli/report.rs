//! `report`: the burden report over a journal or logs, for a period, as
//! HTML (with charts), Markdown or JSON.

use super::CliError;
use crate::config::Config;
use crate::core::engine::{Engine, Settings};
use crate::core::report::{self, Params};
use crate::event;
use crate::journal::Journal;
use crate::render::report as render;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    Json,
    /// The charts as the PNG `/report` sends (needs --out and a CJK font).
    Png,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The sled journal to rebuild state from (the bot's must be stopped).
    #[arg(
        long,
        value_name = "PATH",
        required_unless_present = "log",
        conflicts_with = "log"
    )]
    pub db: Option<PathBuf>,
    /// Event logs (JSONL) to replay instead, in order.
    #[arg(long, value_name = "LOG", num_args = 1..)]
    pub log: Vec<PathBuf>,
    /// First day of the period, YYYY-MM-DD [default: the first ask's day].
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Day after the period, YYYY-MM-DD, exclusive [default: the day after the last event].
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReportFormat,
    /// Write the report here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Short notice: asked less than this many hours before the deadline
    /// [default: the config's conflicts.short_notice_minutes].
    #[arg(long, value_name = "HOURS")]
    pub short_notice_hours: Option<f64>,
    /// Assumed minutes one unnoticed duplicate ask costs
    /// [default: the config's report.minutes_per_duplicate, 30].
    #[arg(long, value_name = "MIN")]
    pub minutes_per_duplicate: Option<f64>,
    /// Assumed minutes a person spends finding and tracking one ask in a
    /// group [default: the config's report.minutes_per_group_post, 1].
    #[arg(long, value_name = "MIN")]
    pub minutes_per_post: Option<f64>,
}

/// Bad input to `report`: each a one-line answer, exit 2.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("--{field}: `{value}` is not a date; use YYYY-MM-DD, e.g. 2024-03-04")]
    Date { field: &'static str, value: String },
    #[error(
        "the period {from} to {to} is empty: its end (--to, exclusive) must be later than its start (--from)"
    )]
    EmptyPeriod { from: NaiveDate, to: NaiveDate },
    #[error("no asks between {from} and {to} (exclusive); the asks run from {first} to {last}")]
    NoAsks {
        from: NaiveDate,
        to: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    },
    #[error("{0}: holds no asks; nothing to report")]
    NoTasks(String),
    #[error("{0}: holds no events; nothing to report")]
    NoEvents(String),
    #[error("{0}: no such journal")]
    NoJournal(String),
    #[error("--format png writes a picture: give it a file with --out FILE")]
    PngNeedsOut,
    #[error(transparent)]
    Chart(#[from] render::ChartError),
    #[error("--{field}: {value} must be a number of zero or more")]
    Negative { field: &'static str, value: f64 },
}

fn date(field: &'static str, value: &Option<String>) -> Result<Option<NaiveDate>, ReportError> {
    value
        .as_deref()
        .map(|v| {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| ReportError::Date {
                field,
                value: v.to_string(),
            })
        })
        .transpose()
}

pub fn run(
    args: &ReportArgs,
    full: &Config,
    settings: Settings,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let config = &full.report;
    // Everything the user typed is checked before any store is opened.
    if matches!(args.format, ReportFormat::Png) && args.out.is_none() {
        return Err(ReportError::PngNeedsOut.into());
    }
    let from = date("from", &args.from)?;
    let to = date("to", &args.to)?;
    if let (Some(f), Some(t)) = (from, to)
        && t <= f
    {
        return Err(ReportError::EmptyPeriod { from: f, to: t }.into());
    }
    let minutes_per_duplicate = args
        .minutes_per_duplicate
        .unwrap_or(config.minutes_per_duplicate);
    let minutes_per_group_post = args
        .minutes_per_post
        .unwrap_or(config.minutes_per_group_post);
    for (field, value) in [
        ("minutes-per-duplicate", minutes_per_duplicate),
        ("minutes-per-post", minutes_per_group_post),
        ("short-notice-hours", args.short_notice_hours.unwrap_or(0.0)),
    ] {
        if !(value >= 0.0 && value.is_finite()) {
            return Err(ReportError::Negative { field, value }.into());
        }
    }
    let (engine, source) = match &args.db {
        Some(db) => {
            if !db.exists() {
                return Err(ReportError::NoJournal(db.display().to_string()).into());
            }
            let source = db.display().to_string();
            let (engine, events, _) = engine_from_db(db, full, settings)?;
            if events == 0 {
                return Err(ReportError::NoEvents(source).into());
            }
            (engine, source)
        }
        None => {
            let mut all = Vec::new();
            for l in &args.log {
                all.extend(event::read_log(l)?);
            }
            let names: Vec<String> = args.log.iter().map(|l| l.display().to_string()).collect();
            let source = names.join(", ");
            if all.is_empty() {
                return Err(ReportError::NoEvents(source).into());
            }
            // The engine's state is all the report reads: the events applied,
            // without the replay's daily digests for everyone.
            let mut engine = Engine::new(settings);
            for ev in &all {
                engine.apply(ev);
            }
            (engine, source)
        }
    };
    let short_notice_minutes = args
        .short_notice_hours
        .map_or(engine.settings.conflicts.short_notice_minutes, |h| {
            (h * 60.0).round() as i64
        });
    let first_ask = engine.tasks.values().map(|t| t.sent.date()).min();
    let last = engine.last_seen.map(|t| t.date());
    let Some(last) = last.or(first_ask) else {
        return Err(ReportError::NoEvents(source).into());
    };
    let from = from.or(first_ask).unwrap_or(last);
    let to = to.unwrap_or_else(|| last.succ_opt().unwrap_or(last));
    if to <= from {
        return Err(ReportError::EmptyPeriod { from, to }.into());
    }
    let params = Params {
        from,
        to,
        short_notice_minutes,
        minutes_per_duplicate,
        minutes_per_group_post,
        top: report::DEFAULT_TOP,
    };
    let r = report::build(&engine, &params);
    if r.totals.asks == 0 {
        // A report of zeros reads as "no burden"; say the period missed instead.
        let sent = || engine.tasks.values().map(|t| t.sent.date());
        return Err(match (sent().min(), sent().max()) {
            (Some(first), Some(last)) => ReportError::NoAsks {
                from,
                to,
                first,
                last,
            },
            _ => ReportError::NoTasks(source),
        }
        .into());
    }
    let lang = engine.settings.lang;
    let text: Vec<u8> = match args.format {
        ReportFormat::Json => (serde_json::to_string_pretty(&r)? + "\n").into(),
        ReportFormat::Png => {
            render::font::ensure(config.font_path.as_deref())
                .map_err(|e| ReportError::Chart(e.into()))?;
            render::png(&r, lang).map_err(ReportError::Chart)?
        }
        ReportFormat::Md => render::markdown(&r, lang).into(),
        ReportFormat::Html => {
            let font = render::font::ensure(config.font_path.as_deref()).map(|_| ());
            render::html(&r, lang, font).into()
        }
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            CliError::Output(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", path.display()),
            ))
        })?,
        None => out.write_all(&text)?,
    }
    Ok(0)
}

/// The engine a report reads from the bot's state directory `db`: the
/// engine snapshot and the journal's tail after it when the snapshot was
/// written by this build with this configuration (a restart's quick path:
/// seconds, not a replay of the whole journal), else the whole journal
/// replayed. Also how many journal events it stands for, and whether the
/// snapshot was read.
pub fn engine_from_db(
    db: &Path,
    config: &Config,
    settings: Settings,
) -> Result<(Engine, u64, bool), CliError> {
    let journal = Journal::open(db)?;
    let (mut engine, base, tail) = crate::bot::snapshot::start(db, config, settings, &journal)?;
    for (_, ev) in &tail {
        engine.apply(ev);
    }
    Ok((engine, base + tail.len() as u64, base > 0))
}
