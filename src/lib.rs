//! onedigest: one digest a day per person from many chat work groups.
//!
//! Functional core ([`core`]: extract, match, conflicts, digest; pure, the
//! clock is an argument), imperative shell (journal, replay driver, CLI).

pub mod bot;
pub mod cli;
pub mod config;
pub mod core;
pub mod event;
pub mod journal;
pub mod model;
pub mod render;
pub mod replay;
pub mod settings;
