//! What an update tells the bot that must outlive the process: the intake
//! produces facts, the state records them.

use super::people::Change;
use crate::event::Event;

/// Something an update tells us that must outlive the process.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Event(Event),
    People(Change),
}
