//! The command line: parse arguments, run a command, map errors to exit codes.

use crate::config::{Config, ConfigError};
use crate::core::engine::Settings;
use crate::eval::{self, EvalError, Floors};
use crate::event::{self, Event, LogError};
use crate::journal::{Journal, JournalError};
use crate::render::{self, Format};
use crate::replay::{self, Contract, Replayer};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// The bundled sample organisation for `demo` (our own, not the shared corpus).
pub const DEMO_LOG: &str = include_str!("../data/demo-org.jsonl");

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
    Settings(#[from] crate::core::engine::SettingsError),
    #[error(transparent)]
    TimeEval(#[from] crate::timeeval::TimeEvalError),
}

impl CliError {
    /// 2 for bad input (log, config, labels), 1 for failed checks and
    /// internal failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Config(_)
            | CliError::Log(_)
            | CliError::Settings(_)
            | CliError::TimeEval(_) => 2,
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

/// Journal the events (all or nothing was already decided by parsing), then
/// rebuild everything from the journal: one path for live and replay.
fn journal_and_replay(
    events: &[Event],
    db: Option<&PathBuf>,
    settings: Settings,
) -> Result<Replayer, CliError> {
    let journal = match db {
        Some(p) => Journal::open(p)?,
        None => Journal::temporary()?,
    };
    journal.append_all(events)?;
    let stored = journal.events()?;
    Ok(replay::run(&stored, settings))
}

fn print_human(r: &Replayer, f: Format, out: &mut impl Write) -> Result<(), CliError> {
    let lang = r.engine.settings.lang;
    let mut last_at = None;
    let mut warnings = r.warnings.iter().peekable();
    for d in &r.digests {
        // Warnings are printed in time order, between the digest rounds.
        while let Some(w) = warnings.peek() {
            let sent = r.engine.tasks.get(&w.task).map(|t| t.sent);
            if sent.is_some_and(|s| s >= d.at) {
                break;
            }
            let to = r
                .engine
                .people
                .get(&w.to)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| w.to.to_string());
            writeln!(
                out,
                "\n── warning to {to} ──\n{}",
                render::warning(&r.engine, w, lang, f)
            )?;
            warnings.next();
        }
        if last_at != Some(d.at) {
            writeln!(
                out,
                "\n════ digests at {} ════",
                d.at.format("%Y-%m-%d %H:%M")
            )?;
            last_at = Some(d.at);
        }
        let name = r
            .engine
            .people
            .get(&d.user)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| d.user.to_string());
        for msg in render::digest(d, &name, lang, f) {
            writeln!(out, "\n{msg}")?;
        }
    }
    for w in warnings {
        let to = r
            .engine
            .people
            .get(&w.to)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| w.to.to_string());
        writeln!(
            out,
            "\n── warning to {to} ──\n{}",
            render::warning(&r.engine, w, lang, f)
        )?;
    }
    Ok(())
}

fn fmt_of(f: OutFormat) -> Format {
    match f {
        OutFormat::Text => Format::Text,
        OutFormat::Html => Format::Html,
    }
}

/// Run a parsed command line; the exit code on success.
pub fn run(cli: Cli) -> Result<u8, CliError> {
    let config = load_config(&cli.config)?;
    let settings = Settings::from_config(&config)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Run(args) => Ok(crate::bot::run_cli(args, config, cli.config.clone())),
        Command::Demo { format } => {
            let events = event::parse_log("data/demo-org.jsonl", DEMO_LOG)?;
            let r = journal_and_replay(&events, None, settings)?;
            print_human(&r, fmt_of(format), &mut out)?;
            Ok(0)
        }
        Command::Replay {
            log,
            json,
            db,
            format,
        } => {
            let events = event::read_log(&log)?;
            let r = journal_and_replay(&events, db.as_ref(), settings)?;
            if json {
                serde_json::to_writer(&mut out, &Contract::from_run(&r))?;
                writeln!(out)?;
            } else {
                print_human(&r, fmt_of(format), &mut out)?;
            }
            Ok(0)
        }
        Command::Explain {
            chat_id,
            message_id,
            log,
            db,
        } => {
            let events = match &log {
                Some(l) => event::read_log(l)?,
                None => Vec::new(),
            };
            let r = journal_and_replay(&events, db.as_ref(), settings)?;
            let m = crate::model::MsgRef {
                chat_id: crate::model::ChatId(chat_id),
                message_id,
            };
            writeln!(out, "{}", crate::explain::explain(&r.engine, m))?;
            Ok(0)
        }
        Command::Rules {
            action: RulesAction::Check { rules },
        } => {
            let r = crate::core::rules::Rules::load(&rules)
                .map_err(crate::core::engine::SettingsError::from)?;
            writeln!(
                out,
                "{}: valid (duplicate ≥ {}, maybe ≥ {})",
                rules.display(),
                r.duplicate,
                r.maybe
            )?;
            Ok(0)
        }
        Command::Rules {
            action: RulesAction::Test { rules, logs, limit },
        } => {
            let candidate = crate::core::rules::Rules::load(&rules)
                .map_err(crate::core::engine::SettingsError::from)?;
            let candidate = crate::rulestest::with_rules(&settings, candidate);
            let mut diffs = Vec::new();
            for log in eval::expand(&logs)? {
                diffs.push(crate::rulestest::diff_log(&log, &settings, &candidate)?);
            }
            write!(
                out,
                "{}",
                crate::rulestest::report(&diffs, &settings, limit)
            )?;
            Ok(0)
        }
        Command::Eval {
            paths,
            floors,
            json,
            verbose,
        } => {
            let files = eval::expand(&paths)?;
            let mut reports = Vec::new();
            let mut total = eval::Counts::default();
            for f in &files {
                let r = eval::eval_file(f, &settings)?;
                total.add(&r.counts);
                reports.push(r);
            }
            let overall = total.scores();
            if json {
                serde_json::to_writer_pretty(
                    &mut out,
                    &serde_json::json!({"files": reports, "overall": overall}),
                )?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{:<34} {:>6} {:>6} {:>6} {:>8} {:>6} {:>6} {:>6} {:>8}",
                    "file",
                    "task P",
                    "task R",
                    "task F",
                    "deadline",
                    "dup P",
                    "dup R",
                    "dup F",
                    "digest"
                )?;
                for r in &reports {
                    let name = file_name(&r.file);
                    line(&mut out, &name, &r.scores)?;
                }
                line(&mut out, "OVERALL", &overall)?;
                if verbose {
                    for r in &reports {
                        for m in &r.misses {
                            writeln!(
                                out,
                                "{}: {:<12} {} expected {} got {}",
                                r.file, m.kind, m.msg, m.expected, m.got
                            )?;
                        }
                    }
                }
            }
            if let Some(p) = floors {
                let fl = Floors::load(&p)?;
                let below = fl.check(&p.display().to_string(), &reports, &overall)?;
                if !below.is_empty() {
                    return Err(CliError::BelowFloors(below.join("\n")));
                }
                writeln!(out, "all scores at or above the floors in {}", p.display())?;
            }
            Ok(0)
        }
        Command::EvalTime {
            paths,
            floors,
            verbose,
        } => eval_time(paths, floors, verbose, &settings.calendar, &mut out),
    }
}

/// `eval-time`: per-file share of labelled time spans resolved correctly.
fn eval_time(
    paths: Vec<PathBuf>,
    floors: Option<PathBuf>,
    verbose: bool,
    cal: &crate::core::calendar::holidays::Calendar,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    use crate::timeeval;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(timeeval::DEFAULT_PATH)]
    } else {
        paths
    };
    let mut reports = Vec::new();
    for f in timeeval::expand(&paths)? {
        reports.push(timeeval::eval_file(&f, cal)?);
    }
    writeln!(
        out,
        "{:<24} {:>6} {:>7} {:>10} {:>8}",
        "file", "spans", "correct", "none found", "accuracy"
    )?;
    for r in &reports {
        let name = file_name(&r.file);
        writeln!(
            out,
            "{:<24} {:>6} {:>7} {:>10} {:>8.3}",
            name, r.spans, r.correct, r.not_found, r.accuracy
        )?;
        let cats: Vec<String> = timeeval::categories(r)
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        if !cats.is_empty() {
            writeln!(out, "    misses: {}", cats.join(", "))?;
        }
    }
    if verbose {
        for r in &reports {
            for m in &r.misses {
                writeln!(
                    out,
                    "{}: [{}] {} | span {:?} ({}) expected {} got [{}]",
                    r.file,
                    m.category,
                    m.text,
                    m.span,
                    m.kind,
                    m.expected,
                    m.got.join(", ")
                )?;
            }
        }
    }
    if let Some(p) = floors {
        let below = timeeval::Floors::load(&p)?.check(&reports);
        if !below.is_empty() {
            return Err(CliError::BelowFloors(below.join("\n")));
        }
        writeln!(out, "all files at or above the floors in {}", p.display())?;
    }
    Ok(0)
}

fn line(out: &mut impl Write, name: &str, s: &eval::Scores) -> Result<(), CliError> {
    writeln!(
        out,
        "{:<34} {:>6.3} {:>6.3} {:>6.3} {:>8.3} {:>6.3} {:>6.3} {:>6.3} {:>8.3}",
        name,
        s.task_precision,
        s.task_recall,
        s.task_f1,
        s.deadline_accuracy,
        s.dup_precision,
        s.dup_recall,
        s.dup_f1,
        s.digest_completeness
    )?;
    Ok(())
}

/// The last component of a path, for report tables.
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}
