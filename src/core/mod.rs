//! The pure core: data and `now` in, data out. No clock reads, no I/O.

pub mod calendar;
pub mod conflicts;
pub mod deadline;
pub mod digest;
pub mod engine;
pub mod extract;
pub mod matcher;
pub mod normalize;
pub mod rules;
pub mod store;
