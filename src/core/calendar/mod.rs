//! Calendar arithmetic: Gregorian days, the Chinese lunisolar calendar,
//! named days (festivals, solar terms) and the public-holiday calendar.
//! Pure: the tables are compiled in; nothing here reads a file or the clock.

pub mod days;
pub mod holidays;
pub mod lunar;
pub mod named;
