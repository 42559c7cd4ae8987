//! Evaluation on labeled scenarios (`../shared/corpus/FORMAT.md`, "What
//! scoring derives from the labels"). Labels are read here and only here:
//! the pipeline replays the same log with labels ignored.

use crate::core::engine::Settings;
use crate::event::{self, Event, LogError};
use crate::model::{Deadline, MsgRef, UserId};
use crate::replay::{self, Contract};
use chrono::{Datelike, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error("{file}:{line}: label: {reason}")]
    Label {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("{0}: no labeled scenarios (*.jsonl) found")]
    Empty(String),
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {reason}")]
    Floors { file: String, reason: String },
}

#[derive(Debug, Clone, Deserialize)]
struct Label {
    task: bool,
    deadline: Option<String>,
    assignees: Option<serde_json::Value>,
    dup: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Labeled {
    #[serde(rename = "type")]
    kind: String,
    chat_id: Option<i64>,
    message_id: Option<i64>,
    label: Option<Label>,
}

/// Raw counts: summed across files for the overall figures.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Counts {
    pub task_tp: usize,
    pub task_fp: usize,
    pub task_fn: usize,
    pub deadline_ok: usize,
    pub deadline_total: usize,
    pub pair_tp: usize,
    pub pair_fp: usize,
    pub pair_fn: usize,
    pub digest_ok: usize,
    pub digest_total: usize,
    pub clusters_split: usize,
    pub clusters_seen: usize,
    pub conflicts_labeled: usize,
    pub conflicts_found: usize,
    /// Predicted clusters holding asks of two or more labeled pieces of work.
    pub clusters_mixed: usize,
    /// The most labeled pieces of work one predicted cluster holds.
    pub largest_mix: usize,
    /// Owner warnings sent ("duplicate" verdicts), and those whose task is
    /// labeled the same work as one it points at.
    pub warnings: usize,
    pub warnings_true: usize,
    /// "Maybe the same?" questions to owners, and the (owner, day) pairs
    /// that get at least one.
    pub maybe_questions: usize,
    pub maybe_owner_days: usize,
    /// Group posts a person would save by replying once per merged digest
    /// item (its source groups − 1, each (person, item) counted once), the
    /// part of them whose merged asks are labeled one piece of work, and
    /// the (person, ISO week) pairs that got a digest.
    pub posts_saved: usize,
    pub posts_saved_right: usize,
    pub person_weeks: usize,
    /// Group posts people did save: for each `hand_in` in the log, the
    /// groups it reached − 1 (the live bot journals these).
    pub posts_handed_in: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scores {
    pub task_precision: f64,
    pub task_recall: f64,
    pub task_f1: f64,
    pub deadline_accuracy: f64,
    pub dup_precision: f64,
    pub dup_recall: f64,
    pub dup_f1: f64,
    pub digest_completeness: f64,
    pub cluster_integrity: f64,
    pub warning_precision: f64,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.task_tp += o.task_tp;
        self.task_fp += o.task_fp;
        self.task_fn += o.task_fn;
        self.deadline_ok += o.deadline_ok;
        self.deadline_total += o.deadline_total;
        self.pair_tp += o.pair_tp;
        self.pair_fp += o.pair_fp;
        self.pair_fn += o.pair_fn;
        self.digest_ok += o.digest_ok;
        self.digest_total += o.digest_total;
        self.clusters_split += o.clusters_split;
        self.clusters_seen += o.clusters_seen;
        self.conflicts_labeled += o.conflicts_labeled;
        self.conflicts_found += o.conflicts_found;
        self.clusters_mixed += o.clusters_mixed;
        self.largest_mix = self.largest_mix.max(o.largest_mix);
        self.warnings += o.warnings;
        self.warnings_true += o.warnings_true;
        self.maybe_questions += o.maybe_questions;
        self.maybe_owner_days += o.maybe_owner_days;
        self.posts_saved += o.posts_saved;
        self.posts_saved_right += o.posts_saved_right;
        self.posts_handed_in += o.posts_handed_in;
        self.person_weeks += o.person_weeks;
    }

    pub fn scores(&self) -> Scores {
        let tp = ratio(self.task_tp, self.task_tp + self.task_fp);
        let tr = ratio(self.task_tp, self.task_tp + self.task_fn);
        let dp = ratio(self.pair_tp, self.pair_tp + self.pair_fp);
        let dr = ratio(self.pair_tp, self.pair_tp + self.pair_fn);
        Scores {
            task_precision: tp,
            task_recall: tr,
            task_f1: f1(tp, tr),
            deadline_accuracy: ratio(self.deadline_ok, self.deadline_total),
            dup_precision: dp,
            dup_recall: dr,
            dup_f1: f1(dp, dr),
            digest_completeness: ratio(self.digest_ok, self.digest_total),
            cluster_integrity: 1.0
                - ratio(self.clusters_split, self.clusters_seen.max(1)).min(1.0)
                    * (self.clusters_seen > 0) as u8 as f64,
            warning_precision: ratio(self.warnings_true, self.warnings),
        }
    }
}

/// One mismatch, for `eval --verbose`.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub kind: &'static str,
    /// The phenomenon of a task or deadline miss (empty for the others).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub category: &'static str,
    pub msg: MsgRef,
    pub expected: String,
    pub got: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub counts: Counts,
    pub scores: Scores,
    #[serde(skip)]
    pub misses: Vec<Miss>,
}

/// Why paths could not be expanded into files; each caller words it.
#[derive(Debug)]
pub enum ExpandError {
    Io {
        file: String,
        source: std::io::Error,
    },
    /// A folder without `*.jsonl` files.
    Empty(String),
}

/// Folders become their `*.jsonl` files, sorted; files stay as given.
/// Shared by `eval`, `rules test` and `eval-time`.
pub fn jsonl_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ExpandError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|source| ExpandError::Io {
                file: p.display().to_string(),
                source,
            })?;
            let mut v: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|x| x.extension().is_some_and(|e| e == "jsonl"))
                .collect();
            v.sort();
            if v.is_empty() {
                return Err(ExpandError::Empty(p.display().to_string()));
            }
            out.extend(v);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Folders become their `*.jsonl` files, sorted.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, EvalError> {
    jsonl_files(paths).map_err(|e| match e {
        ExpandError::Io { file, source } => EvalError::Io { file, source },
        ExpandError::Empty(p) => EvalError::Empty(p),
    })
}

/// Evaluate one labeled file.
pub fn eval_file(path: &Path, settings: &Settings) -> Result<FileReport, EvalError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        file: file.clone(),
        source,
    })?;
    let events = event::parse_log(&file, &text)?;
    let mut labels: BTreeMap<MsgRef, Label> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let l: Labeled = serde_json::from_str(line).map_err(|e| EvalError::Label {
            file: file.clone(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        if l.kind == "message" || l.kind == "edit" {
            let (Some(c), Some(m)) = (l.chat_id, l.message_id) else {
                continue;
            };
            let Some(label) = l.label else {
                return Err(EvalError::Label {
                    file,
                    line: i + 1,
                    reason: "missing `label`".into(),
                });
            };
            labels.insert(
                MsgRef {
                    chat_id: crate::model::ChatId(c),
                    message_id: m,
                },
                label,
            );
        }
    }
    let run = replay::run(&events, settings.clone());
    let contract = Contract::from_run(&run);
    let (mut counts, mut misses) = score(&events, &labels, &contract, &run.engine.settings);
    warnings(&run, &labels, &mut counts, &mut misses);
    counts.posts_handed_in = run
        .hand_ins
        .iter()
        .map(|h| h.groups.len().saturating_sub(1))
        .sum();
    let texts = super::categories::texts(&events);
    let not_tasks: HashSet<MsgRef> = misses
        .iter()
        .filter(|m| m.kind == "task-missed")
        .map(|m| m.msg)
        .collect();
    for m in &mut misses {
        if m.kind == "deadline" && not_tasks.contains(&m.msg) {
            // Its deadline was never looked for: the task miss is the cause.
            m.category = "task missed";
        } else if let Some(t) = texts.get(&m.msg) {
            m.category = super::categories::category(m.kind, t, &m.expected, &m.got);
        }
    }
    misses.sort_by(|a, b| (a.kind, a.msg, &a.expected).cmp(&(b.kind, b.msg, &b.expected)));
    // Say how close each wrong pair came, so thresholds can be judged.
    for m in &mut misses {
        if m.kind.starts_with("dup-") {
            let other = m
                .expected
                .rsplit(' ')
                .next()
                .and_then(|s| s.split_once('/'))
                .and_then(|(c, i)| {
                    Some(MsgRef {
                        chat_id: crate::model::ChatId(c.parse().ok()?),
                        message_id: i.parse().ok()?,
                    })
                });
            if let (Some(a), Some(b)) = (
                run.engine.tasks.get(&m.msg),
                other.and_then(|o| run.engine.tasks.get(&o)),
            ) {
                let (new, old) = if a.sent >= b.sent { (a, b) } else { (b, a) };
                let v = crate::core::matcher::compare(&new.sig, &old.sig, run.engine.df());
                m.got = format!(
                    "{} (score {:.2}: {})",
                    m.got,
                    v.score,
                    crate::core::matcher::reasons_text(&v.reasons, crate::model::Lang::En)
                );
            }
        }
    }
    Ok(FileReport {
        file,
        scores: counts.scores(),
        counts,
        misses,
    })
}

fn label_deadline(l: &Label) -> Option<Deadline> {
    l.deadline.as_deref().and_then(Deadline::parse_label)
}

fn score(
    events: &[Event],
    labels: &BTreeMap<MsgRef, Label>,
    c: &Contract,
    settings: &Settings,
) -> (Counts, Vec<Miss>) {
    let mut k = Counts::default();
    let mut misses = Vec::new();
    let predicted: HashMap<MsgRef, (Option<Deadline>, &str)> = c
        .tasks
        .iter()
        .map(|t| {
            (
                MsgRef {
                    chat_id: t.chat_id,
                    message_id: t.message_id,
                },
                (t.deadline, t.cluster.as_str()),
            )
        })
        .collect();
    // Tasks.
    for (m, l) in labels {
        let p = predicted.get(m);
        match (l.task, p.is_some()) {
            (true, true) => k.task_tp += 1,
            (true, false) => {
                k.task_fn += 1;
                misses.push(Miss {
                    category: "",
                    kind: "task-missed",
                    msg: *m,
                    expected: "task".into(),
                    got: "not a task".into(),
                });
            }
            (false, true) => {
                k.task_fp += 1;
                misses.push(Miss {
                    category: "",
                    kind: "task-extra",
                    msg: *m,
                    expected: "not a task".into(),
                    got: "task".into(),
                });
            }
            (false, false) => {}
        }
        // Deadlines.
        if l.task {
            let want = label_deadline(l);
            let got = p.and_then(|x| x.0);
            if want.is_some() || got.is_some() {
                k.deadline_total += 1;
                if want.is_some() && want == got {
                    k.deadline_ok += 1;
                } else {
                    misses.push(Miss {
                        category: "",
                        kind: "deadline",
                        msg: *m,
                        expected: want.map(|d| d.to_label()).unwrap_or("null".into()),
                        got: got.map(|d| d.to_label()).unwrap_or("null".into()),
                    });
                }
            }
        }
    }
    // Duplicate pairs over all task messages (labeled or predicted).
    let truth: Vec<(MsgRef, &str)> = labels
        .iter()
        .filter(|(_, l)| l.task)
        .filter_map(|(m, l)| l.dup.as_deref().map(|d| (*m, d)))
        .collect();
    let true_pairs: HashSet<(MsgRef, MsgRef)> = pairs(&truth);
    let pred: Vec<(MsgRef, &str)> = predicted.iter().map(|(m, (_, c))| (*m, *c)).collect();
    let pred_pairs: HashSet<(MsgRef, MsgRef)> = pairs(&pred);
    k.pair_tp = true_pairs.intersection(&pred_pairs).count();
    k.pair_fp = pred_pairs.len() - k.pair_tp;
    k.pair_fn = true_pairs.len() - k.pair_tp;
    (k.clusters_mixed, k.largest_mix) = mixes(&truth, &pred);
    for (a, b) in true_pairs.difference(&pred_pairs) {
        misses.push(Miss {
            category: "",
            kind: "dup-split",
            msg: *a,
            expected: format!("same work as {b}"),
            got: "apart".into(),
        });
    }
    for (a, b) in pred_pairs.difference(&true_pairs) {
        misses.push(Miss {
            category: "",
            kind: "dup-merged",
            msg: *a,
            expected: format!("other work than {b}"),
            got: "merged".into(),
        });
    }
    // Conflicts.
    let mut by_dup: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (m, l) in labels {
        if let (true, Some(d)) = (l.task, l.dup.as_deref()) {
            let e = by_dup.entry(d).or_default();
            if let Some(x) = &l.deadline {
                e.insert(x.clone());
            }
            let _ = m;
        }
    }
    k.conflicts_labeled = by_dup.values().filter(|s| s.len() > 1).count();
    let mut by_cluster: BTreeMap<&str, BTreeSet<Deadline>> = BTreeMap::new();
    for t in &c.tasks {
        let e = by_cluster.entry(t.cluster.as_str()).or_default();
        if let Some(d) = t.deadline {
            e.insert(d);
        }
    }
    k.conflicts_found = by_cluster.values().filter(|s| s.len() > 1).count();
    // Digest completeness.
    let dup_of: HashMap<MsgRef, &str> = truth.iter().copied().collect();
    // Each (person, item) once, with every source it showed over the days.
    let mut person_items: BTreeMap<(i64, &str), BTreeSet<MsgRef>> = BTreeMap::new();
    let mut person_weeks: BTreeSet<(i64, i32, u32)> = BTreeSet::new();
    for d in &c.digests {
        // An empty digest is not sent: only readers with items count.
        if let (false, Ok(at)) = (
            d.items.is_empty(),
            NaiveDateTime::parse_from_str(&d.at, "%Y-%m-%dT%H:%M"),
        ) {
            let w = at.iso_week();
            person_weeks.insert((d.user_id.0, w.year(), w.week()));
        }
        for item in &d.items {
            person_items
                .entry((d.user_id.0, item.cluster.as_str()))
                .or_default()
                .extend(item.sources.iter().copied());
        }
    }
    for sources in person_items.values() {
        let groups: BTreeSet<i64> = sources.iter().map(|s| s.chat_id.0).collect();
        k.posts_saved += groups.len().saturating_sub(1);
        // Right merges only: the most groups one labeled piece of work spans.
        let mut by_piece: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        for s in sources {
            let piece = dup_of
                .get(s)
                .map_or_else(|| s.to_string(), |k| k.to_string());
            by_piece.entry(piece).or_default().insert(s.chat_id.0);
        }
        k.posts_saved_right += by_piece.values().map(|g| g.len() - 1).max().unwrap_or(0);
    }
    k.person_weeks = person_weeks.len();
    for d in &c.digests {
        let Ok(at) = NaiveDateTime::parse_from_str(&d.at, "%Y-%m-%dT%H:%M") else {
            continue;
        };
        let members = membership_at(events, settings, at);
        let mut seen: HashMap<MsgRef, usize> = HashMap::new();
        let mut dup_items: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for item in &d.items {
            for s in &item.sources {
                *seen.entry(*s).or_default() += 1;
                if let Some(key) = dup_of.get(s) {
                    dup_items
                        .entry(key)
                        .or_default()
                        .insert(item.cluster.as_str());
                }
            }
        }
        for (m, l) in labels {
            if !l.task {
                continue;
            }
            let Some((sender, sent)) = sent_info(events, settings, *m) else {
                continue;
            };
            if sent > at {
                continue;
            }
            if let Some(dl) = label_deadline(l)
                && !dl.is_pending_at(at)
            {
                continue;
            }
            let assigned = match &l.assignees {
                Some(serde_json::Value::Array(v)) => {
                    v.iter().any(|x| x.as_i64() == Some(d.user_id.0))
                }
                _ => d.user_id != sender && members.contains(&(m.chat_id.0, d.user_id)),
            };
            if !assigned || !members.contains(&(m.chat_id.0, d.user_id)) {
                continue;
            }
            k.digest_total += 1;
            if seen.get(m) == Some(&1) {
                k.digest_ok += 1;
            } else {
                misses.push(Miss {
                    category: "",
                    kind: "digest",
                    msg: *m,
                    expected: format!("in {}'s digest at {}", d.user_id, d.at),
                    got: format!("{} items", seen.get(m).copied().unwrap_or(0)),
                });
            }
        }
        for items in dup_items.values() {
            k.clusters_seen += 1;
            if items.len() > 1 {
                k.clusters_split += 1;
            }
        }
    }
    (k, misses)
}

/// Every pair of messages that share a cluster (or a label key).
/// Warning precision and the owners' "maybe" load, from the engine's own
/// warnings (the contract keeps only the sure ones).
fn warnings(
    run: &replay::Replayer,
    labels: &BTreeMap<MsgRef, Label>,
    k: &mut Counts,
    misses: &mut Vec<Miss>,
) {
    let dup = |m: &MsgRef| {
        labels
            .get(m)
            .filter(|l| l.task)
            .and_then(|l| l.dup.as_deref())
    };
    let mut owner_days = BTreeSet::new();
    for w in &run.warnings {
        if w.maybe {
            k.maybe_questions += 1;
            if let Some(t) = run.engine.tasks.get(&w.task) {
                owner_days.insert((w.to, t.sent.date()));
            }
            continue;
        }
        k.warnings += 1;
        let same = dup(&w.task).is_some_and(|d| w.duplicate_of.iter().any(|o| dup(o) == Some(d)));
        k.warnings_true += usize::from(same);
        if !same {
            // Which warning misled its owner, for `eval --verbose`.
            let refs: Vec<String> = w.duplicate_of.iter().map(ToString::to_string).collect();
            misses.push(Miss {
                category: "",
                kind: "warn-wrong",
                msg: w.task,
                expected: dup(&w.task).unwrap_or("no piece of work").to_string(),
                got: format!("a duplicate of {}", refs.join(", ")),
            });
        }
    }
    k.maybe_owner_days = owner_days.len();
}

/// How many labeled pieces of work each predicted cluster mixes: the
/// number of clusters with two or more, and the largest mix.
fn mixes(truth: &[(MsgRef, &str)], pred: &[(MsgRef, &str)]) -> (usize, usize) {
    let piece: HashMap<MsgRef, &str> = truth.iter().copied().collect();
    let mut held: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (m, c) in pred {
        if let Some(d) = piece.get(m) {
            held.entry(*c).or_default().insert(*d);
        }
    }
    let mixed = held.values().filter(|s| s.len() >= 2).count();
    let largest = held.values().map(BTreeSet::len).max().unwrap_or(0);
    (mixed, largest)
}

pub fn pairs(xs: &[(MsgRef, &str)]) -> HashSet<(MsgRef, MsgRef)> {
    let mut by: HashMap<&str, Vec<MsgRef>> = HashMap::new();
    for (m, c) in xs {
        by.entry(c).or_default().push(*m);
    }
    let mut out = HashSet::new();
    for v in by.values_mut() {
        v.sort();
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                out.insert((v[i], v[j]));
            }
        }
    }
    out
}

fn sent_info(events: &[Event], settings: &Settings, m: MsgRef) -> Option<(UserId, NaiveDateTime)> {
    events.iter().find_map(|e| match e {
        Event::Message {
            chat_id,
            message_id,
            sender_id,
            date,
            ..
        } if *chat_id == m.chat_id && *message_id == m.message_id => {
            Some((*sender_id, settings.local(*date)))
        }
        _ => None,
    })
}

/// (chat, user) pairs that are members at `at`, from the log's own events.
fn membership_at(
    events: &[Event],
    settings: &Settings,
    at: NaiveDateTime,
) -> HashSet<(i64, UserId)> {
    let mut m = HashSet::new();
    for e in events {
        if let Some(d) = e.date()
            && settings.local(d) > at
        {
            break;
        }
        match e {
            Event::Member {
                chat_id, user_id, ..
            } => {
                m.insert((chat_id.0, *user_id));
            }
            Event::MemberLeft {
                chat_id, user_id, ..
            } => {
                m.remove(&(chat_id.0, *user_id));
            }
            _ => {}
        }
    }
    m
}

/// Minimum scores CI holds the eval to (`ci/floors.toml`).
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Floors {
    #[serde(default)]
    pub overall: BTreeMap<String, f64>,
    /// Per-file floors, keyed by file name.
    #[serde(default)]
    pub files: BTreeMap<String, BTreeMap<String, f64>>,
}

fn metric(s: &Scores, name: &str) -> Option<f64> {
    Some(match name {
        "task_precision" => s.task_precision,
        "task_recall" => s.task_recall,
        "task_f1" => s.task_f1,
        "deadline_accuracy" => s.deadline_accuracy,
        "dup_precision" => s.dup_precision,
        "dup_recall" => s.dup_recall,
        "dup_f1" => s.dup_f1,
        "digest_completeness" => s.digest_completeness,
        "cluster_integrity" => s.cluster_integrity,
        "warning_precision" => s.warning_precision,
        _ => return None,
    })
}

impl Floors {
    pub fn load(path: &Path) -> Result<Floors, EvalError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
            file: file.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| EvalError::Floors {
            file,
            reason: e.message().to_string(),
        })
    }

    /// Every floor a score falls below, as readable lines.
    pub fn check(
        &self,
        file: &str,
        reports: &[FileReport],
        overall: &Scores,
    ) -> Result<Vec<String>, EvalError> {
        let mut out = Vec::new();
        let mut test =
            |scope: &str, s: &Scores, floors: &BTreeMap<String, f64>| -> Result<(), EvalError> {
                for (name, floor) in floors {
                    let v = metric(s, name).ok_or_else(|| EvalError::Floors {
                        file: file.to_string(),
                        reason: format!("unknown metric `{name}` in [{scope}]"),
                    })?;
                    if v + 1e-9 < *floor {
                        out.push(format!(
                            "{scope}: {name} {v:.3} is below its floor {floor:.3}"
                        ));
                    }
                }
                Ok(())
            };
        let mut missing = Vec::new();
        test("overall", overall, &self.overall)?;
        for (name, floors) in &self.files {
            let Some(r) = reports.iter().find(|r| {
                Path::new(&r.file)
                    .file_name()
                    .is_some_and(|f| f.to_string_lossy() == *name)
            }) else {
                missing.push(format!(
                    "{name}: floors are set but the file was not evaluated"
                ));
                continue;
            };
            test(name, &r.scores, floors)?;
        }
        out.extend(missing);
        Ok(out)
    }
}
