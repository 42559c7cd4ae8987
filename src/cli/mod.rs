//! The command line: the arguments (clap), one function per subcommand,
//! and the exit code each error means.

mod demo;
mod digest_stats;
pub mod eval;
pub mod eval_time;
pub mod explain;
pub mod fit;
pub mod fit_tasks;
mod replay;
pub mod report;
pub mod rules;

pub use demo::DEMO_LOG;

use crate::config::{Config, ConfigError};
use crate::core::engine::Settings;
use crate::event::LogError;
use crate::journal::JournalError;
use clap::{Parser, Subcommand, ValueEnum};
use eval::score::EvalError;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "onedigest",
    version,
    about = "One digest a day per person from many chat work groups: tasks merged across groups, duplicate warnings for owners, deadline conflicts."
)]
pub struct Cli {
    /// Configuration file (TOML); defaults apply when omitted.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutFormat {
    Text,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole pipeline on a bundled sample organisation and print each
    /// person's digests and each owner warning. No token, no network, a
    /// temporary store.
    Demo {
        /// Print Telegram HTML instead of plain text.
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Replay a recorded event log (JSONL) through the core.
    Replay {
        /// The event log; labels, if any, are ignored.
        log: PathBuf,
        /// Print the machine-readable contract (tasks, warnings, digests).
        #[arg(long)]
        json: bool,
        /// Journal the log into this sled store (kept), instead of a temporary one.
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Explain what the pipeline decided about one message: task or not,
    /// deadline, cluster, and the candidates it was weighed against.
    Explain {
        #[arg(allow_negative_numbers = true)]
        chat_id: i64,
        message_id: i64,
        /// Replay this log (otherwise the journal in --db).
        #[arg(long, value_name = "FILE", required_unless_present = "db")]
        log: Option<PathBuf>,
        /// The sled journal to rebuild state from.
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Dedup rules: check a rules file, or test it on recorded logs.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Score the pipeline on labeled scenarios (files or folders of *.jsonl).
    Eval {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Fail (exit 1) when a score falls below a floor in this TOML file.
        #[arg(long, value_name = "FILE")]
        floors: Option<PathBuf>,
        /// Print the reports as JSON.
        #[arg(long)]
        json: bool,
        /// List every miss (task, deadline, duplicate, digest).
        #[arg(long)]
        verbose: bool,
    },
    /// Digest lengths over recorded logs (files or folders of *.jsonl), as
    /// `replay` renders them in plain text: mean and 95th-percentile
    /// characters per digest, and how many take more than one message.
    DigestStats {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Measure the full lists `/digest all` sends instead.
        #[arg(long)]
        all: bool,
        /// Also render every digest and warning as Telegram HTML in both
        /// languages and check each part as Telegram would (exit 1 if one
        /// would be rejected).
        #[arg(long)]
        check: bool,
    },
    /// Score the time-expression parser on third-party labelled corpora
    /// (files or folders of *.jsonl; format in their README): per file, the
    /// share of labelled spans found and resolved correctly.
    EvalTime {
        /// Corpus files or folders [default: ../shared/corpus/time].
        paths: Vec<PathBuf>,
        /// Fail (exit 1) when a file's accuracy falls below its floor in this TOML file.
        #[arg(long, value_name = "FILE")]
        floors: Option<PathBuf>,
        /// List every miss with what the parser found instead.
        #[arg(long)]
        verbose: bool,
    },
    /// The burden report: per week and asking office, the asks, duplicates,
    /// short notice, after-hours deadlines, conflicts and pile-ups; the work
    /// asked in most groups, overlapping groups and the time saved.
    Report(report::ReportArgs),
    /// Run the live Telegram bot: read the allowed groups, journal every
    /// update before acknowledging it, send each person's digest at their
    /// digest time and each owner's duplicate warnings. Needs TELOXIDE_TOKEN.
    Run(crate::bot::RunArgs),
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Validate a rules file (exit 2 with the line and field if it is wrong).
    Check { rules: PathBuf },
    /// Replay logs under the rules in force and under FILE, and print which
    /// pairs of asks would now merge or split (with P/R/F1 for labeled logs).
    Test {
        /// The candidate rules file.
        #[arg(long, value_name = "FILE")]
        rules: PathBuf,
        /// Event logs or folders of them (labels, if present, give scores).
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Pair lines to print per kind and log.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Fit the duplicate model's weights and thresholds from labeled logs;
    /// print leave-one-file-out P/R, then the fitted `[thresholds]` and
    /// `[model]` (exit 2 for a log without labels).
    Fit {
        /// Labeled event logs or folders of them.
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Also learn from owners' [Not a duplicate] / [Same task] presses
        /// (feedback events) in the logs.
        #[arg(long)]
        feedback: bool,
        /// Write the fitted tables to FILE instead of printing them.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Fit the task model's cue weights and threshold from labeled logs;
    /// print leave-one-file-out task P/R and deadline accuracy, then the
    /// fitted `[task_model]` (exit 2 for a log without labels).
    FitTasks {
        /// Labeled event logs or folders of them.
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Write the fitted table to FILE instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error("output: {0}")]
    Output(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    BelowFloors(String),
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    #[error(transparent)]
    TimeEval(#[from] eval_time::score::TimeEvalError),
    #[error(transparent)]
    Fit(#[from] fit::FitError),
    #[error(transparent)]
    Report(#[from] report::ReportError),
    #[error(transparent)]
    Store(#[from] crate::bot::state::StoreError),
}

impl CliError {
    /// 2 for bad input (log, config, labels), 1 for failed checks and
    /// internal failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Config(_)
            | CliError::Log(_)
            | CliError::Settings(_)
            | CliError::TimeEval(_)
            | CliError::Fit(_)
            | CliError::Report(_) => 2,
            CliError::Eval(
                EvalError::Log(_)
                | EvalError::Label { .. }
                | EvalError::Empty(_)
                | EvalError::Io { .. }
                | EvalError::Floors { .. },
            ) => 2,
            _ => 1,
        }
    }
}

fn load_config(path: &Option<PathBuf>) -> Result<Config, CliError> {
    Ok(match path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    })
}

/// Run a parsed command line; the exit code on success.
pub fn run(cli: Cli) -> Result<u8, CliError> {
    let config = load_config(&cli.config)?;
    let settings = Settings::from_config(&config)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Run(args) => Ok(crate::bot::run_cli(args, config, cli.config.clone())),
        Command::Report(args) => report::run(&args, &config, settings, &mut out),
        Command::Demo { format } => demo::demo(format, settings, &mut out),
        Command::Replay {
            log,
            json,
            db,
            format,
        } => replay::replay(&log, json, db.as_ref(), format, settings, &mut out),
        Command::Explain {
            chat_id,
            message_id,
            log,
            db,
        } => explain::explain(
            chat_id,
            message_id,
            log.as_ref(),
            db.as_ref(),
            settings,
            &mut out,
        ),
        Command::Rules {
            action: RulesAction::Check { rules },
        } => rules::check(&rules, &mut out),
        Command::Rules {
            action: RulesAction::Test { rules, logs, limit },
        } => rules::test(&rules, &logs, limit, &settings, &mut out),
        Command::Rules {
            action:
                RulesAction::Fit {
                    logs,
                    feedback,
                    out: file,
                },
        } => fit::run(&logs, feedback, file.as_deref(), &settings, &mut out),
        Command::Rules {
            action: RulesAction::FitTasks { logs, out: file },
        } => fit_tasks::run(&logs, file.as_deref(), &settings, &mut out),
        Command::Eval {
            paths,
            floors,
            json,
            verbose,
        } => eval::eval(&paths, floors.as_ref(), json, verbose, &settings, &mut out),
        Command::DigestStats { paths, all, check } => {
            digest_stats::digest_stats(&paths, all, check, &settings, &mut out)
        }
        Command::EvalTime {
            paths,
            floors,
            verbose,
        } => eval_time::eval_time(paths, floors, verbose, &settings.calendar, &mut out),
    }
}

/// The last component of a path, for report tables.
pub(crate) fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}
