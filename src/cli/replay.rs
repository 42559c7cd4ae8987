//! `replay`: a recorded log through the core, printed for people or as the
//! machine-readable contract; and the journal-then-replay path that `demo`
//! and `explain` share.

use super::{CliError, OutFormat};
use crate::core::engine::{Settings, Warning};
use crate::event::{self, Event};
use crate::journal::Journal;
use crate::model::UserId;
use crate::render::{self, Format};
use crate::replay::{self, Contract, Replayer};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `replay LOG`.
pub fn replay(
    log: &Path,
    json: bool,
    db: Option<&PathBuf>,
    format: OutFormat,
    settings: Settings,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let events = event::read_log(log)?;
    let r = journal_and_replay(&events, db, settings)?;
    if json {
        serde_json::to_writer(&mut *out, &Contract::from_run(&r))?;
        writeln!(out)?;
    } else {
        print_human(&r, fmt_of(format), out)?;
    }
    Ok(0)
}

/// Journal the events (all or nothing was already decided by parsing), then
/// rebuild everything from the journal: one path for live and replay.
pub(super) fn journal_and_replay(
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

pub(super) fn print_human(r: &Replayer, f: Format, out: &mut impl Write) -> Result<(), CliError> {
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
            print_warning(r, w, f, out)?;
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
        for msg in render::digest(d, &name_of(r, d.user), lang, f) {
            writeln!(out, "\n{msg}")?;
        }
    }
    for w in warnings {
        print_warning(r, w, f, out)?;
    }
    for h in &r.hand_ins {
        writeln!(
            out,
            "\n── {} handed one reply ({} message(s)) in to {} groups at {} ──",
            name_of(r, h.user_id),
            h.messages,
            h.groups.len(),
            h.at
        )?;
    }
    Ok(())
}

/// A person's name as the engine knows it, else their id.
pub(super) fn name_of(r: &Replayer, user: UserId) -> String {
    r.engine
        .people
        .get(&user)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| user.to_string())
}

fn print_warning(
    r: &Replayer,
    w: &Warning,
    f: Format,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let lang = r.engine.settings.lang;
    writeln!(
        out,
        "\n── warning to {} ──\n{}",
        name_of(r, w.to),
        render::warning(&r.engine, w, lang, f)
    )?;
    Ok(())
}

pub(super) fn fmt_of(f: OutFormat) -> Format {
    match f {
        OutFormat::Text => Format::Text,
        OutFormat::Html => Format::Html,
    }
}
