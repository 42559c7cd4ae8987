//! `onedigest rules check`: validate a rules file. `onedigest rules test`:
//! replay recorded logs under the rules in force and under a candidate rules
//! file, and show what would change before an admin switches the new rules
//! on.

use super::CliError;
use super::eval::score::{self as eval, EvalError};
use crate::core::engine::Settings;
use crate::core::rules::Rules;
use crate::event;
use crate::model::MsgRef;
use crate::replay::{self, Replayer};
use crate::settings::SettingsError;
use std::collections::HashSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `rules check RULES`.
pub fn check(rules: &Path, out: &mut impl std::io::Write) -> Result<u8, CliError> {
    let r = Rules::load(rules).map_err(SettingsError::from)?;
    writeln!(
        out,
        "{}: valid (duplicate ≥ {}, maybe ≥ {})",
        rules.display(),
        r.duplicate,
        r.maybe
    )?;
    Ok(0)
}

/// `rules test --rules FILE LOGS`.
pub fn test(
    rules: &Path,
    logs: &[PathBuf],
    limit: usize,
    settings: &Settings,
    out: &mut impl std::io::Write,
) -> Result<u8, CliError> {
    let candidate = Rules::load(rules).map_err(SettingsError::from)?;
    let candidate = with_rules(settings, candidate);
    let mut diffs = Vec::new();
    for log in eval::expand(logs)? {
        diffs.push(diff_log(&log, settings, &candidate)?);
    }
    write!(out, "{}", report(&diffs, settings, limit))?;
    Ok(0)
}

/// What changes in one log.
#[derive(Debug, Default)]
pub struct LogDiff {
    pub file: String,
    /// Pairs of asks the candidate rules merge and the current ones keep apart.
    pub merge: Vec<(MsgRef, MsgRef)>,
    /// Pairs the current rules merge and the candidate rules keep apart.
    pub split: Vec<(MsgRef, MsgRef)>,
    /// Labeled logs: (current, candidate) duplicate P/R/F1.
    pub scores: Option<([f64; 3], [f64; 3])>,
}

fn pairs(r: &Replayer) -> HashSet<(MsgRef, MsgRef)> {
    let named: Vec<(MsgRef, String)> = r
        .engine
        .tasks
        .values()
        .map(|t| (t.src, t.cluster.to_string()))
        .collect();
    let refs: Vec<(MsgRef, &str)> = named.iter().map(|(m, c)| (*m, c.as_str())).collect();
    eval::pairs(&refs)
}

fn is_labeled(text: &str) -> bool {
    text.lines().any(|l| l.contains("\"label\""))
}

/// Compare the rules in force (`current`) with `candidate` on one log.
pub fn diff_log(
    path: &Path,
    current: &Settings,
    candidate: &Settings,
) -> Result<LogDiff, EvalError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        file: file.clone(),
        source,
    })?;
    let events = event::parse_log(&file, &text)?;
    let a = replay::run(&events, current.clone());
    let b = replay::run(&events, candidate.clone());
    let (pa, pb) = (pairs(&a), pairs(&b));
    let scores = if is_labeled(&text) {
        let s = |st: &Settings| -> Result<[f64; 3], EvalError> {
            let r = eval::eval_file(path, st)?;
            Ok([r.scores.dup_precision, r.scores.dup_recall, r.scores.dup_f1])
        };
        Some((s(current)?, s(candidate)?))
    } else {
        None
    };
    let mut merge: Vec<(MsgRef, MsgRef)> = pb.difference(&pa).copied().collect();
    let mut split: Vec<(MsgRef, MsgRef)> = pa.difference(&pb).copied().collect();
    merge.sort();
    split.sort();
    Ok(LogDiff {
        file,
        merge,
        split,
        scores,
    })
}

/// Settings identical to `base` but for the rules.
pub fn with_rules(base: &Settings, rules: Rules) -> Settings {
    let mut s = base.clone();
    s.rules = Arc::new(rules);
    s
}

fn snippet(r: &Replayer, m: MsgRef) -> String {
    r.engine
        .tasks
        .get(&m)
        .map(|t| {
            t.text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(40)
                .collect()
        })
        .unwrap_or_default()
}

/// A readable report; `limit` pair lines per kind and log.
pub fn report(diffs: &[LogDiff], current: &Settings, limit: usize) -> String {
    let mut out = String::new();
    for d in diffs {
        let _ = writeln!(
            out,
            "{}: {} pairs would now merge, {} would now split",
            d.file,
            d.merge.len(),
            d.split.len()
        );
        if let Some((a, b)) = d.scores {
            let _ = writeln!(
                out,
                "  duplicates P/R/F1: {:.3}/{:.3}/{:.3} now → {:.3}/{:.3}/{:.3} with the new rules",
                a[0], a[1], a[2], b[0], b[1], b[2]
            );
        }
        if d.merge.is_empty() && d.split.is_empty() {
            continue;
        }
        // The texts, for reading the pairs.
        let events = event::read_log(Path::new(&d.file)).unwrap_or_default();
        let r = replay::run(&events, current.clone());
        for (label, list) in [("merge", &d.merge), ("split", &d.split)] {
            for (x, y) in list.iter().take(limit) {
                let _ = writeln!(
                    out,
                    "  would now {label}: {x} “{}” ~ {y} “{}”",
                    snippet(&r, *x),
                    snippet(&r, *y)
                );
            }
            if list.len() > limit {
                let _ = writeln!(out, "  … and {} more to {label}", list.len() - limit);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn a_stricter_threshold_shows_the_splits_and_a_looser_one_the_merges() {
        let base = Settings::from_config(&Config::default()).expect("settings");
        let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo-org.jsonl");
        let mut strict = (*base.rules).clone();
        strict.duplicate = 0.99;
        strict.maybe = 0.5;
        let d = diff_log(&log, &base, &with_rules(&base, strict)).expect("diff");
        assert!(d.merge.is_empty());
        assert!(
            !d.split.is_empty(),
            "the demo has merges that a 0.99 threshold undoes"
        );
        let (now, new) = d.scores.expect("the demo is labeled");
        assert!(new[1] < now[1], "recall falls with a stricter threshold");
        let mut loose = (*base.rules).clone();
        // Loose at both gates: a new ask joins its best match, and the
        // whole-cluster check does not turn it away.
        loose.duplicate = 0.05;
        loose.maybe = 0.0;
        loose.cluster = 0.0;
        let d = diff_log(&log, &base, &with_rules(&base, loose)).expect("diff");
        assert!(!d.merge.is_empty() && d.split.is_empty());
        let text = report(&[d], &base, 3);
        assert!(text.contains("would now merge"), "{text}");
    }
}
