//! `demo`: the whole pipeline on a bundled sample organisation.

use super::replay::{fmt_of, journal_and_replay, print_human};
use super::{CliError, OutFormat};
use crate::core::engine::Settings;
use crate::event;
use std::io::Write;

/// The bundled sample organisation for `demo` (our own, not the shared corpus).
pub const DEMO_LOG: &str = include_str!("../../data/demo-org.jsonl");

/// `demo`: each person's digests and each owner warning, no token, no
/// network, a temporary store.
pub fn demo(format: OutFormat, settings: Settings, out: &mut impl Write) -> Result<u8, CliError> {
    let events = event::parse_log("data/demo-org.jsonl", DEMO_LOG)?;
    let r = journal_and_replay(&events, None, settings)?;
    print_human(&r, fmt_of(format), out)?;
    Ok(0)
}
