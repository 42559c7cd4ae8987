//! `onedigest rules fit LOG... [--feedback] [--out FILE]`: fit the duplicate
//! model's weights and thresholds from labeled history (and, with
//! `--feedback`, the owners' [Not a duplicate] / [Same task] presses in the
//! logs), show leave-one-file-out figures, then the fit on all logs, before
//! anything is applied.

use super::CliError;
use super::eval::score::{self as eval, Counts};
use super::rules::with_rules;
use crate::core::engine::Settings;
use crate::core::fit::{self, Asked, Fitted};
use crate::core::rules::Rules;
use crate::event::{self, Event};
use crate::model::MsgRef;
use crate::replay::Replayer;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error(
        "{0}: no labels to fit on (no message carries a `label`{feedback})",
        feedback = if *.1 { " and no feedback events" } else { "" }
    )]
    Unlabeled(String, bool),
    #[error("the logs hold no pair of each kind (same work and other work): nothing to fit")]
    OneClass,
    #[error(
        "{0}: none of its labeled messages was read (are its groups on the allow list of the configuration in use?)"
    )]
    NoneRead(String),
    #[error("the logs' labels hold no ask or no message that is not one: nothing to fit")]
    NoAsksOrNone,
    #[error("{file}: {reason}")]
    Bad { file: String, reason: String },
}

/// One log's scored pairs, labeled.
struct LogPairs {
    path: PathBuf,
    asked: Vec<Asked>,
}

/// `rules fit`.
pub fn run(
    logs: &[PathBuf],
    feedback: bool,
    out_file: Option<&Path>,
    settings: &Settings,
    out: &mut impl std::io::Write,
) -> Result<u8, CliError> {
    let files = eval::expand(logs)?;
    let mut all = Vec::new();
    for f in &files {
        all.push(collect(f, feedback, settings)?);
    }
    let mut text = String::new();
    // Leave one file out: each file scored by weights fitted without it.
    let mut total = Counts::default();
    // The same held-out files under looser thresholds: what more recall
    // would cost, measured the same honest way.
    let mut looser = [(); LOOSER.len()].map(|_| Counts::default());
    if all.len() > 1 {
        writeln!(
            text,
            "leave-one-file-out (each file scored by a fit on the others):"
        )
        .ok();
        writeln!(
            text,
            "{:<36} {:>6} {:>6} {:>6} {:>6} {:>7}",
            "file", "dup P", "dup R", "dup F", "mixed", "warn P"
        )
        .ok();
        for (i, held) in all.iter().enumerate() {
            let train: Vec<Asked> = all
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, l)| l.asked.iter().cloned())
                .collect();
            let Some(fitted) = fit::fit(&train) else {
                continue;
            };
            let others: Vec<&Path> = all
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| l.path.as_path())
                .collect();
            let rules = with_cluster(&settings.rules, &fitted, &others, settings)?;
            for (k, sum) in LOOSER.iter().zip(looser.iter_mut()) {
                let s = with_rules(settings, loosened(&rules, *k));
                sum.add(&eval::eval_file(&held.path, &s)?.counts);
            }
            let s = with_rules(settings, rules);
            let report = eval::eval_file(&held.path, &s)?;
            line(&mut text, &report.file, &report.counts);
            total.add(&report.counts);
        }
        line(&mut text, "OVERALL", &total);
        text.push('\n');
        trade_off(&mut text, &total, &looser);
    }
    let asked: Vec<Asked> = all.iter().flat_map(|l| l.asked.iter().cloned()).collect();
    let fitted = fit::fit(&asked).ok_or(FitError::OneClass)?;
    let paths: Vec<&Path> = all.iter().map(|l| l.path.as_path()).collect();
    let rules = with_cluster(&settings.rules, &fitted, &paths, settings)?;
    let pairs: usize = asked.iter().map(|a| a.pairs.len()).sum();
    let mut toml = format!(
        "# Fitted by `onedigest rules fit` on {} log(s), {} asks, {} scored pairs.\n",
        all.len(),
        asked.len(),
        pairs
    );
    if all.len() > 1 {
        let s = total.scores();
        writeln!(
            toml,
            "# Leave-one-file-out duplicate P {:.3} R {:.3} F1 {:.3}; warning P {:.3}; {} mixed clusters.",
            s.dup_precision, s.dup_recall, s.dup_f1, s.warning_precision, total.clusters_mixed
        )
        .ok();
    }
    let [p, r, _] = fit::decide_at(&fitted.model, &asked, fitted.duplicate, 1.0);
    writeln!(
        toml,
        "# On the training asks at duplicate = {:.2}: join precision {p:.3}, recall {r:.3}.",
        fitted.duplicate
    )
    .ok();
    write!(
        toml,
        "[thresholds]\nduplicate = {:.2}\nmaybe = {:.2}\ncluster = {:.2}\n\n{}",
        fitted.duplicate,
        fitted.maybe,
        rules.cluster,
        fitted.model.to_toml()
    )
    .ok();
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

/// The rules in force with the fitted model and thresholds.
fn applied(base: &Rules, f: &Fitted, cluster: f64) -> Rules {
    let mut r = base.clone();
    r.model = Some(f.model.clone());
    r.duplicate = f.duplicate;
    r.maybe = f.maybe;
    r.cluster = cluster;
    r
}

/// Fractions of the fitted join and whole-cluster thresholds at which the
/// held-out files are scored again, for the trade-off table.
const LOOSER: [f64; 5] = [0.85, 0.7, 0.55, 0.4, 0.25];

/// The rules with both thresholds scaled by `k`; the owner is still asked
/// from `maybe` up, or from the join threshold when that falls below it.
fn loosened(rules: &Rules, k: f64) -> Rules {
    let mut r = rules.clone();
    r.duplicate = rules.duplicate * k;
    r.cluster = rules.cluster * k;
    r.maybe = rules.maybe.min(r.duplicate);
    r
}

/// What recall costs in precision: the held-out figures at the fitted
/// thresholds, then at each looser pair. An admin sees before lowering a
/// threshold how many wrong merges its recall would bring.
fn trade_off(text: &mut String, fitted: &Counts, looser: &[Counts]) {
    writeln!(
        text,
        "what more recall costs (the same held-out files, both thresholds scaled down):"
    )
    .ok();
    writeln!(
        text,
        "{:<10} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7}",
        "thresholds", "dup P", "dup R", "dup F", "mixed", "largest", "warn P"
    )
    .ok();
    let rows = std::iter::once((1.0, fitted)).chain(LOOSER.iter().copied().zip(looser));
    for (k, c) in rows {
        let s = c.scores();
        writeln!(
            text,
            "{:<10} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>7} {:>7.3}",
            format!("× {k:.2}"),
            s.dup_precision,
            s.dup_recall,
            s.dup_f1,
            c.clusters_mixed,
            c.largest_mix,
            s.warning_precision
        )
        .ok();
    }
    text.push('\n');
}

/// The hand-set scores' thresholds: pairs are collected under them.
const HAND_SET_DUPLICATE: f64 = 0.35;
const HAND_SET_MAYBE: f64 = 0.2;

/// The rules with the hand-set scores instead of a model: which pairs are
/// scored depends on what merged before, and collecting them without the
/// model in force makes a refit on the same logs give the same weights.
fn hand_set(base: &Rules) -> Rules {
    let mut r = base.clone();
    r.model = None;
    r.duplicate = HAND_SET_DUPLICATE;
    r.maybe = HAND_SET_MAYBE;
    r.cluster = HAND_SET_DUPLICATE;
    r
}

/// Fractions of the join threshold tried for the whole-cluster threshold.
const CLUSTER_GRID: [f64; 13] = [
    0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0,
];

/// The pairwise precision the whole-cluster threshold must keep on the
/// training logs, over all of them and in each one: a wrong merge hides
/// work, a miss costs a digest line, and no organisation should pay for
/// another's recall.
pub const PRECISION_TARGET: f64 = 0.95;
pub const FILE_PRECISION_TARGET: f64 = 0.90;

/// One whole-cluster threshold tried on the training logs.
struct Tried {
    precision: f64,
    recall: f64,
    /// The lowest precision of a log with merged pairs.
    worst_file: f64,
    rules: Rules,
}

impl Tried {
    fn keeps_precision(&self) -> bool {
        self.precision >= PRECISION_TARGET && self.worst_file >= FILE_PRECISION_TARGET
    }
}

/// The fitted rules with the whole-cluster threshold that, when the
/// training logs are replayed, keeps precision at the targets with the
/// most recall (the best F-beta, the join threshold's
/// [`BETA`](crate::core::fit::BETA), when none keeps them): it acts on
/// clusters as they grow, which scored pairs alone do not show.
fn with_cluster(
    base: &Rules,
    f: &Fitted,
    train: &[&Path],
    settings: &Settings,
) -> Result<Rules, CliError> {
    let mut tried = Vec::with_capacity(CLUSTER_GRID.len());
    for k in CLUSTER_GRID {
        let rules = applied(base, f, f.duplicate * k);
        let s = with_rules(settings, rules.clone());
        let mut total = Counts::default();
        let mut worst_file: f64 = 1.0;
        for p in train {
            let counts = eval::eval_file(p, &s)?.counts;
            if counts.pair_tp + counts.pair_fp > 0 {
                worst_file = worst_file.min(counts.scores().dup_precision);
            }
            total.add(&counts);
        }
        let sc = total.scores();
        tried.push(Tried {
            precision: sc.dup_precision,
            recall: sc.dup_recall,
            worst_file,
            rules,
        });
    }
    Ok(pick_cluster(tried).unwrap_or_else(|| applied(base, f, f.duplicate)))
}

/// Of the thresholds tried, the one with the most recall among those that
/// keep the precision targets, else the best F-beta; ties go to the
/// stricter threshold (tried later).
fn pick_cluster(tried: Vec<Tried>) -> Option<Rules> {
    let b2 = crate::core::fit::BETA * crate::core::fit::BETA;
    let f_beta = |p: f64, r: f64| {
        if p + r == 0.0 {
            0.0
        } else {
            (1.0 + b2) * p * r / (b2 * p + r)
        }
    };
    let mut best: Option<((bool, f64), Rules)> = None;
    for t in tried {
        let ok = t.keeps_precision();
        let key = (
            ok,
            if ok {
                t.recall
            } else {
                f_beta(t.precision, t.recall)
            },
        );
        if best.as_ref().is_none_or(|(b, _)| key >= *b) {
            best = Some((key, t.rules));
        }
    }
    best.map(|(_, r)| r)
}

fn line(text: &mut String, file: &str, k: &Counts) {
    let s = k.scores();
    writeln!(
        text,
        "{:<36} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>7.3}",
        super::file_name(file),
        s.dup_precision,
        s.dup_recall,
        s.dup_f1,
        k.clusters_mixed,
        s.warning_precision
    )
    .ok();
}

/// Replay one log keeping every scored pair, and label the pairs: same
/// `dup` key (or an owner's press, with `feedback`) = same work.
fn collect(path: &Path, feedback: bool, settings: &Settings) -> Result<LogPairs, CliError> {
    let log = read_labeled(path)?;
    let labeled = !log.labels.is_empty();
    let mut dup: HashMap<MsgRef, String> = HashMap::new();
    for (m, label) in &log.labels {
        if label["task"].as_bool() == Some(true)
            && let Some(d) = label["dup"].as_str()
        {
            dup.insert(*m, d.to_string());
        }
    }
    let (file, events) = (log.file, log.events);
    let mut pressed: HashMap<(MsgRef, MsgRef), bool> = HashMap::new();
    if feedback {
        for e in &events {
            if let Event::Feedback {
                task, other, same, ..
            } = e
            {
                pressed.insert((*task, *other), *same);
                pressed.insert((*other, *task), *same);
            }
        }
    }
    if !labeled && pressed.is_empty() {
        return Err(FitError::Unlabeled(file, feedback).into());
    }
    let mut r = Replayer::new(with_rules(settings, hand_set(&settings.rules)));
    r.engine.collect_samples();
    for e in &events {
        r.feed(e);
    }
    let mut by_new: BTreeMap<MsgRef, Vec<(crate::core::dupmodel::Features, bool)>> =
        BTreeMap::new();
    for s in r.engine.samples() {
        let y = match pressed.get(&(s.new, s.old)) {
            Some(same) => Some(*same),
            None if labeled => Some(dup.get(&s.new).is_some_and(|d| dup.get(&s.old) == Some(d))),
            None => None,
        };
        if let Some(y) = y {
            by_new.entry(s.new).or_default().push((s.x, y));
        }
    }
    // Which tasks had an earlier ask of the same work, in the log's order.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut has_partner: HashSet<MsgRef> = HashSet::new();
    for e in &events {
        if let Event::Message {
            chat_id,
            message_id,
            ..
        } = e
        {
            let m = MsgRef {
                chat_id: *chat_id,
                message_id: *message_id,
            };
            if let Some(d) = dup.get(&m)
                && !seen.insert(d.as_str())
            {
                has_partner.insert(m);
            }
        }
    }
    let mut asked: Vec<Asked> = by_new
        .iter()
        .map(|(m, pairs)| Asked {
            pairs: pairs.clone(),
            has_partner: has_partner.contains(m),
        })
        .collect();
    // Asks with an earlier partner that retrieval never offered: misses
    // the thresholds cannot fix, but they count against recall.
    asked.extend(
        has_partner
            .iter()
            .filter(|m| !by_new.contains_key(m))
            .map(|_| Asked {
                pairs: Vec::new(),
                has_partner: true,
            }),
    );
    Ok(LogPairs {
        path: path.to_path_buf(),
        asked,
    })
}

/// A labeled log: its events, and each labeled message's `label`.
pub(super) struct LabeledLog {
    pub file: String,
    pub events: Vec<Event>,
    pub labels: Vec<(MsgRef, serde_json::Value)>,
}

/// Read a log and the labels its messages carry.
pub(super) fn read_labeled(path: &Path) -> Result<LabeledLog, CliError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| eval::EvalError::Io {
        file: file.clone(),
        source,
    })?;
    let events = event::parse_log(&file, &text)?;
    let mut labels = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let mut v: serde_json::Value = serde_json::from_str(l).map_err(|e| FitError::Bad {
            file: file.clone(),
            reason: format!("line {}: {e}", i + 1),
        })?;
        let (Some(c), Some(m)) = (v["chat_id"].as_i64(), v["message_id"].as_i64()) else {
            continue;
        };
        if let Some(label) = v.get_mut("label").map(serde_json::Value::take) {
            labels.push((
                MsgRef {
                    chat_id: crate::model::ChatId(c),
                    message_id: m,
                },
                label,
            ));
        }
    }
    Ok(LabeledLog {
        file,
        events,
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tried(points: &[(f64, f64, f64, f64)]) -> Vec<Tried> {
        let base = Rules::bundled().expect("bundled rules");
        points
            .iter()
            .map(|&(precision, recall, worst_file, cluster)| {
                let mut rules = base.clone();
                rules.cluster = cluster;
                Tried {
                    precision,
                    recall,
                    worst_file,
                    rules,
                }
            })
            .collect()
    }

    #[test]
    fn the_cluster_threshold_keeps_precision_first_then_recall() {
        // The loosest threshold has the best F-beta but misses the target.
        let picked = pick_cluster(tried(&[
            (0.90, 0.60, 0.90, 0.2),
            (0.95, 0.45, 0.92, 0.3),
            (0.97, 0.40, 0.95, 0.4),
        ]))
        .expect("one picked");
        assert_eq!(picked.cluster, 0.3);
        // Precise overall but not in one organisation's log: not kept.
        let picked = pick_cluster(tried(&[(0.96, 0.50, 0.85, 0.2), (0.97, 0.40, 0.95, 0.4)]))
            .expect("one picked");
        assert_eq!(picked.cluster, 0.4);
        // None keeps the targets: the best F-beta.
        let picked = pick_cluster(tried(&[(0.80, 0.60, 0.8, 0.2), (0.90, 0.30, 0.9, 0.3)]))
            .expect("one picked");
        assert_eq!(picked.cluster, 0.2);
        assert!(pick_cluster(Vec::new()).is_none());
    }
}
