//! `eval-time`: score the time-expression parser on third-party labelled
//! corpora: per file, the share of labelled spans found and resolved
//! correctly.

mod compare;
mod format;
pub mod score;

use super::{CliError, file_name};
use std::io::Write;
use std::path::PathBuf;

/// `eval-time`: per-file share of labelled time spans resolved correctly.
pub fn eval_time(
    paths: Vec<PathBuf>,
    floors: Option<PathBuf>,
    verbose: bool,
    cal: &crate::core::calendar::holidays::Calendar,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(score::DEFAULT_PATH)]
    } else {
        paths
    };
    let mut reports = Vec::new();
    for f in score::expand(&paths)? {
        reports.push(score::eval_file(&f, cal)?);
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
        let cats: Vec<String> = score::categories(r)
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
        let below = score::Floors::load(&p)?.check(&reports);
        if !below.is_empty() {
            return Err(CliError::BelowFloors(below.join("\n")));
        }
        writeln!(out, "all files at or above the floors in {}", p.display())?;
    }
    Ok(0)
}
