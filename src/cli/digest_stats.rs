//! `digest-stats`: how long the digests of recorded logs are, as `replay`
//! renders them in plain text: the mean and 95th-percentile characters per
//! digest, how many take more than one message, and how many hold more
//! items than the daily digest shows (the rest behind `/digest all`).

use super::replay::name_of;
use super::{CliError, file_name};
use crate::core::engine::Settings;
use crate::event;
use crate::model::Lang;
use crate::render::{self, Format, Scope};
use crate::replay;
use std::io::Write;
use std::path::PathBuf;

/// Lengths of one file's digests, in characters, and their message counts.
#[derive(Debug, Default)]
struct Lengths {
    chars: Vec<usize>,
    split: usize,
    more: usize,
    /// HTML parts Telegram would reject (with `check`).
    bad: Vec<String>,
}

impl Lengths {
    fn add(&mut self, o: &Lengths) {
        self.chars.extend_from_slice(&o.chars);
        self.split += o.split;
        self.more += o.more;
        self.bad.extend(o.bad.iter().cloned());
    }
}

/// The mean and the 95th percentile (nearest rank) of `v`.
fn mean_p95(v: &[usize]) -> (f64, usize) {
    if v.is_empty() {
        return (0.0, 0);
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    let mean = s.iter().sum::<usize>() as f64 / s.len() as f64;
    let rank = (0.95 * s.len() as f64).ceil() as usize;
    (mean, s[rank.clamp(1, s.len()) - 1])
}

/// `digest-stats PATHS [--all] [--check]`: the daily digests, or with
/// `all` the full lists `/digest all` sends; with `check`, every digest and
/// warning is also rendered as Telegram HTML in both languages and each
/// part checked as Telegram would (exit 1 for a part it would reject).
pub fn digest_stats(
    paths: &[PathBuf],
    all: bool,
    check: bool,
    settings: &Settings,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let files = super::eval::score::expand(paths)?;
    writeln!(
        out,
        "{:<34} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "file",
        "digests",
        "mean",
        "p95",
        "max",
        "split",
        format!("over {}", render::SHOWN_ITEMS)
    )?;
    let mut total = Lengths::default();
    for f in &files {
        let events = event::read_log(f)?;
        let r = replay::run(&events, settings.clone());
        let lang = r.engine.settings.lang;
        let mut l = Lengths::default();
        for d in &r.digests {
            let scope = if all { Scope::All } else { Scope::Daily };
            let parts: Vec<String> =
                render::digest_parts(d, &name_of(&r, d.user), lang, Format::Text, scope)
                    .into_iter()
                    .map(|p| p.text)
                    .collect();
            l.chars
                .push(parts.iter().map(|p| p.chars().count()).sum::<usize>());
            l.split += usize::from(parts.len() > 1);
            l.more += usize::from(d.numbered().len() > render::SHOWN_ITEMS);
            if check {
                for lang in [Lang::Zh, Lang::En] {
                    for p in
                        render::digest_parts(d, &name_of(&r, d.user), lang, Format::Html, scope)
                    {
                        if let Some(e) = render::telegram_html_error(&p.text) {
                            l.bad.push(format!(
                                "{}: digest of {} at {}: {e}",
                                f.display(),
                                d.user,
                                d.at
                            ));
                        }
                    }
                }
            }
        }
        if check {
            for w in &r.warnings {
                for lang in [Lang::Zh, Lang::En] {
                    let text = render::warning(&r.engine, w, lang, Format::Html);
                    for p in render::split_lines(&text) {
                        if let Some(e) = render::telegram_html_error(&p) {
                            l.bad
                                .push(format!("{}: warning to {}: {e}", f.display(), w.to));
                        }
                    }
                }
            }
        }
        row(out, &file_name(&f.display().to_string()), &l)?;
        total.add(&l);
    }
    row(out, "OVERALL", &total)?;
    if check {
        for b in &total.bad {
            writeln!(out, "invalid Telegram HTML: {b}")?;
        }
        writeln!(out, "{} part(s) Telegram would reject", total.bad.len())?;
        if !total.bad.is_empty() {
            return Ok(1);
        }
    }
    Ok(0)
}

fn row(out: &mut impl Write, name: &str, l: &Lengths) -> Result<(), CliError> {
    let (mean, p95) = mean_p95(&l.chars);
    writeln!(
        out,
        "{:<34} {:>8} {:>8.0} {:>8} {:>8} {:>8} {:>8}",
        name,
        l.chars.len(),
        mean,
        p95,
        l.chars.iter().max().copied().unwrap_or(0),
        l.split,
        l.more
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::mean_p95;

    #[test]
    fn mean_and_nearest_rank_percentile() {
        assert_eq!(mean_p95(&[]), (0.0, 0));
        let v: Vec<usize> = (1..=100).collect();
        assert_eq!(mean_p95(&v), (50.5, 95));
        assert_eq!(mean_p95(&[7]), (7.0, 7));
    }
}
