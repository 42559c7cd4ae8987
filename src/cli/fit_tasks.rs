//! `onedigest rules fit-tasks LOG... [--out FILE]`: fit the task model's
//! cue weights and threshold from labeled messages, show leave-one-file-out
//! figures (each log scored by a fit on the others), then the fit on all
//! logs, before anything is applied.

use super::CliError;
use super::eval::score::{self as eval, Counts};
use super::fit::FitError;
use super::rules::with_rules;
use crate::core::engine::Settings;
use crate::core::fit;
use crate::core::task_model::{Cues, TaskModel};
use crate::model::MsgRef;
use crate::replay::Replayer;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One log's labeled messages: their cues and whether each is an ask.
struct Labeled {
    path: PathBuf,
    messages: Vec<(Cues, bool)>,
}

/// `rules fit-tasks`.
pub fn run(
    logs: &[PathBuf],
    out_file: Option<&Path>,
    settings: &Settings,
    out: &mut impl std::io::Write,
) -> Result<u8, CliError> {
    let files = eval::expand(logs)?;
    let mut all = Vec::new();
    for f in &files {
        all.push(collect(f, settings)?);
    }
    let mut text = String::new();
    let mut total = Counts::default();
    if all.len() > 1 {
        writeln!(
            text,
            "leave-one-file-out (each file scored by a fit on the others):"
        )
        .ok();
        writeln!(
            text,
            "{:<36} {:>6} {:>6} {:>6} {:>8}",
            "file", "task P", "task R", "task F", "deadline"
        )
        .ok();
        for (i, held) in all.iter().enumerate() {
            let train: Vec<(Cues, bool)> = all
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, l)| l.messages.iter().copied())
                .collect();
            let Some(model) = fit::fit_tasks(&train) else {
                continue;
            };
            let report = eval::eval_file(&held.path, &applied(settings, model))?;
            line(&mut text, &report.file, &report.counts);
            total.add(&report.counts);
        }
        line(&mut text, "OVERALL", &total);
        text.push('\n');
    }
    let labeled: Vec<(Cues, bool)> = all
        .iter()
        .flat_map(|l| l.messages.iter().copied())
        .collect();
    let model = fit::fit_tasks(&labeled).ok_or(FitError::NoAsksOrNone)?;
    let asks = labeled.iter().filter(|l| l.1).count();
    let mut toml = format!(
        "# Fitted by `onedigest rules fit-tasks` on {} log(s), {} labeled messages ({asks} asks).\n",
        all.len(),
        labeled.len(),
    );
    if all.len() > 1 {
        let s = total.scores();
        writeln!(
            toml,
            "# Leave-one-file-out task P {:.3} R {:.3} F1 {:.3}; deadline accuracy {:.3}.",
            s.task_precision, s.task_recall, s.task_f1, s.deadline_accuracy
        )
        .ok();
    }
    toml.push_str(&model.to_toml());
    write!(out, "{text}")?;
    match out_file {
        Some(path) => {
            std::fs::write(path, &toml)?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => write!(out, "{toml}")?,
    }
    Ok(0)
}

/// The settings with `model` deciding which messages are asks.
fn applied(settings: &Settings, model: TaskModel) -> Settings {
    let mut rules = (*settings.rules).clone();
    rules.task_model = model;
    with_rules(settings, rules)
}

fn line(text: &mut String, file: &str, k: &Counts) {
    let s = k.scores();
    writeln!(
        text,
        "{:<36} {:>6.3} {:>6.3} {:>6.3} {:>8.3}",
        super::file_name(file),
        s.task_precision,
        s.task_recall,
        s.task_f1,
        s.deadline_accuracy
    )
    .ok();
}

/// Replay one log under the hand-set task weights (so that a refit on the
/// same logs gives the same weights whatever the rules in force hold) and
/// pair each labeled message's cues with its label.
fn collect(path: &Path, settings: &Settings) -> Result<Labeled, CliError> {
    let log = super::fit::read_labeled(path)?;
    let label: HashMap<MsgRef, bool> = log
        .labels
        .iter()
        .filter_map(|(m, l)| l["task"].as_bool().map(|t| (*m, t)))
        .collect();
    if label.is_empty() {
        return Err(FitError::Unlabeled(log.file, false).into());
    }
    let events = log.events;
    let mut r = Replayer::new(applied(settings, TaskModel::hand_set()));
    r.engine.collect_samples();
    for e in &events {
        r.feed(e);
    }
    let messages = r
        .engine
        .task_cues()
        .iter()
        .filter_map(|(m, x)| label.get(m).map(|y| (*x, *y)))
        .collect::<Vec<_>>();
    if messages.is_empty() {
        return Err(FitError::NoneRead(log.file).into());
    }
    Ok(Labeled {
        path: path.to_path_buf(),
        messages,
    })
}
