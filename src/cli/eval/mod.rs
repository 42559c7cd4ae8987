//! `eval`: score the pipeline on labeled scenarios and print the table
//! (or JSON), failing below the floors.

pub mod categories;
pub mod score;

use super::{CliError, file_name};
use score::{Counts, Floors, Scores};
use std::io::Write;
use std::path::PathBuf;

/// `eval PATHS`.
pub fn eval(
    paths: &[PathBuf],
    floors: Option<&PathBuf>,
    json: bool,
    verbose: bool,
    settings: &crate::core::engine::Settings,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let files = score::expand(paths)?;
    let mut reports = Vec::new();
    let mut total = Counts::default();
    for f in &files {
        let r = score::eval_file(f, settings)?;
        total.add(&r.counts);
        reports.push(r);
    }
    let overall = total.scores();
    if json {
        serde_json::to_writer_pretty(
            &mut *out,
            &serde_json::json!({"files": reports, "overall": overall}),
        )?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{:<34} {:>6} {:>6} {:>6} {:>8} {:>6} {:>6} {:>6} {:>8}",
            "file", "task P", "task R", "task F", "deadline", "dup P", "dup R", "dup F", "digest"
        )?;
        for r in &reports {
            let name = file_name(&r.file);
            line(out, &name, &r.scores)?;
        }
        line(out, "OVERALL", &overall)?;
        writeln!(out)?;
        writeln!(
            out,
            "{:<34} {:>8} {:>8} {:>9} {:>8} {:>10} {:>9} {:>9} {:>10}",
            "file",
            "mixed",
            "largest",
            "warnings",
            "warn P",
            "maybe/day",
            "saved/pw",
            "right/pw",
            "handed/pw"
        )?;
        for r in &reports {
            mix_line(out, &file_name(&r.file), &r.counts)?;
        }
        mix_line(out, "OVERALL", &total)?;
        if verbose {
            for r in &reports {
                for m in r.misses.iter().filter(|m| m.category.is_empty()) {
                    writeln!(
                        out,
                        "{}: {:<12} {} expected {} got {}",
                        r.file, m.kind, m.msg, m.expected, m.got
                    )?;
                }
            }
            by_category(out, &reports)?;
        }
    }
    if let Some(p) = floors {
        let fl = Floors::load(p)?;
        let below = fl.check(&p.display().to_string(), &reports, &overall)?;
        if !below.is_empty() {
            return Err(CliError::BelowFloors(below.join("\n")));
        }
        writeln!(out, "all scores at or above the floors in {}", p.display())?;
    }
    Ok(0)
}

/// Cluster purity and what owners are sent: predicted clusters that mix
/// labeled pieces of work, the largest mix, warning precision, and the
/// "maybe" questions per owner on a day they get any, and the group posts
/// a person would save each week replying once per merged item (all merges,
/// and right merges only), and those the log's hand-ins did save.
fn mix_line(out: &mut impl Write, name: &str, k: &Counts) -> Result<(), CliError> {
    // Group posts saved per person per week by one reply per merged item.
    let per_week = |n: usize| n as f64 / k.person_weeks.max(1) as f64;
    let per_day = if k.maybe_owner_days == 0 {
        0.0
    } else {
        k.maybe_questions as f64 / k.maybe_owner_days as f64
    };
    writeln!(
        out,
        "{:<34} {:>8} {:>8} {:>9} {:>8.3} {:>10.2} {:>9.2} {:>9.2} {:>10.2}",
        name,
        k.clusters_mixed,
        k.largest_mix,
        k.warnings,
        k.scores().warning_precision,
        per_day,
        per_week(k.posts_saved),
        per_week(k.posts_saved_right),
        per_week(k.posts_handed_in)
    )?;
    Ok(())
}

fn line(out: &mut impl Write, name: &str, s: &Scores) -> Result<(), CliError> {
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

/// Task and deadline misses grouped by phenomenon: counts per category,
/// then the misses under each.
fn by_category(out: &mut dyn Write, reports: &[score::FileReport]) -> Result<(), CliError> {
    for kind in ["task-missed", "task-extra", "deadline"] {
        let mut groups: std::collections::BTreeMap<&str, Vec<(&str, &score::Miss)>> =
            std::collections::BTreeMap::new();
        for r in reports {
            for m in r.misses.iter().filter(|m| m.kind == kind) {
                groups
                    .entry(m.category)
                    .or_default()
                    .push((r.file.as_str(), m));
            }
        }
        if groups.is_empty() {
            continue;
        }
        let mut order: Vec<(&str, usize)> = groups.iter().map(|(c, v)| (*c, v.len())).collect();
        order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let counts: Vec<String> = order.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(out, "\n{kind} by category: {}", counts.join(", "))?;
        for (c, _) in &order {
            writeln!(out, "  {c}:")?;
            for (file, m) in &groups[c] {
                writeln!(
                    out,
                    "    {}: {} expected {} got {}",
                    file, m.msg, m.expected, m.got
                )?;
            }
        }
    }
    Ok(())
}
