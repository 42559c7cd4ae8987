//! China's public-holiday calendar (法定节假日 and 调休上班), kept as editable
//! data in `config/holidays.toml`, and the working-day arithmetic built on it.
//!
//! Pure: [`Calendar::parse`] reads a calendar from text (the shell reads
//! the file: `Calendar::load`); [`Calendar::bundled`] parses the copy of
//! `config/holidays.toml` compiled into the binary.
//!
//! Data format: one `[[holiday]]` table per holiday per year with `name`,
//! `name_en`, `day` (the holiday's own date), `start`/`end` (the whole break,
//! inclusive) and `workdays` (the swapped working days, 调休上班). Dates are
//! TOML local dates written bare (`start = 2024-01-01`); a quoted
//! `"2024-01-01"` is accepted too. TOML dates deserialize into
//! [`toml::value::Datetime`], which this module converts to [`NaiveDate`],
//! rejecting values that carry a time or an offset.
//!
//! Working days: Monday–Friday unless inside a holiday break; Saturday and
//! Sunday only when listed as a swapped working day. Dates in years the file
//! does not list fall back to plain Monday–Friday.
//!
//! "Occurrence" of a named holiday, as used by the queries below: the entry
//! of that name whose break contains `near` or, failing that, starts soonest
//! after it.

use std::collections::HashSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;
use toml::value::Datetime;

/// The name used in error messages for the bundled file.
pub const BUNDLED_FILE: &str = "config/holidays.toml";

const BUNDLED_TEXT: &str = include_str!("../../../config/holidays.toml");

/// A break longer than this is taken for a typo in `start` or `end`.
const MAX_BREAK_DAYS: i64 = 14;

#[derive(Debug, thiserror::Error)]
pub enum HolidayError {
    #[error("{file}: cannot read the holiday calendar: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The TOML does not parse, or a field has the wrong type or an unknown
    /// name. `holiday` and `field` are filled in when they can be read off
    /// the source around `line`.
    #[error("{file}:{line}: {}{message}", context(.holiday, .field, .message))]
    Syntax {
        file: String,
        line: usize,
        holiday: Option<String>,
        field: Option<String>,
        message: String,
    },
    /// The file parses but an entry makes no sense; `message` starts with
    /// the field's name.
    #[error("{file}:{line}: holiday `{holiday}`: {message}")]
    Invalid {
        file: String,
        line: usize,
        holiday: String,
        field: &'static str,
        message: String,
    },
}

fn context(holiday: &Option<String>, field: &Option<String>, message: &str) -> String {
    let mut out = String::new();
    if let Some(h) = holiday {
        out.push_str(&format!("holiday `{h}`: "));
    }
    if let Some(f) = field {
        // "unknown field `x`" already names it.
        if !message.contains(&format!("`{f}`")) {
            out.push_str(&format!("field `{f}`: "));
        }
    }
    out
}

/// One holiday of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub name_en: String,
    /// The holiday's own date (元旦 Jan 1, 春节 正月初一, 清明 the solar term...).
    pub day: NaiveDate,
    /// First day off of the break.
    pub start: NaiveDate,
    /// Last day off of the break, inclusive.
    pub end: NaiveDate,
    /// Swapped working days (Saturdays/Sundays worked) belonging to it.
    pub workdays: Vec<NaiveDate>,
}

impl Holiday {
    fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
}

#[derive(Debug, Clone)]
pub struct Calendar {
    /// Sorted by (start, day).
    holidays: Vec<Holiday>,
    off: HashSet<NaiveDate>,
    swapped: HashSet<NaiveDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    holiday: Vec<RawHoliday>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: Spanned<String>,
    name_en: String,
    day: Spanned<TomlDate>,
    start: Spanned<TomlDate>,
    end: Spanned<TomlDate>,
    #[serde(default)]
    workdays: Vec<Spanned<TomlDate>>,
}

/// A date read from a TOML local date (`2024-01-01`) or a string
/// (`"2024-01-01"`).
#[derive(Debug, Clone, Copy)]
struct TomlDate(NaiveDate);

impl<'de> Deserialize<'de> for TomlDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;

        impl<'de> Visitor<'de> for DateVisitor {
            type Value = TomlDate;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date like 2024-01-01")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<TomlDate, E> {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map(TomlDate)
                    .map_err(|e| E::custom(format!("`{s}` is not a date like 2024-01-01: {e}")))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TomlDate, A::Error> {
                // How the toml deserializer hands over a TOML datetime.
                let dt = Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                datetime_to_date(&dt)
                    .map(TomlDate)
                    .map_err(de::Error::custom)
            }
        }

        deserializer.deserialize_any(DateVisitor)
    }
}

fn datetime_to_date(dt: &Datetime) -> Result<NaiveDate, String> {
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .ok_or_else(|| format!("{dt} is not a valid date"))
        }
        _ => Err(format!(
            "{dt} has a time or an offset; write a plain date like 2024-01-01"
        )),
    }
}

/// Canonical key for a holiday name: aliases fold together, a trailing
/// 节 / 假期 / 长假 is ignored.
fn canonical(name: &str) -> String {
    let n = name.trim().to_lowercase();
    let n = ["长假", "假期", "放假"]
        .iter()
        .find_map(|suffix| n.strip_suffix(suffix).filter(|rest| !rest.is_empty()))
        .unwrap_or(&n);
    let key = match n {
        "元旦" | "元旦节" | "新年" | "阳历新年" | "new year" | "new year's day" => {
            "元旦"
        }
        "春节" | "过年" | "新春" | "农历新年" | "chinese new year" | "lunar new year" => {
            "春节"
        }
        "清明" | "清明节" => "清明",
        "劳动节" | "五一" | "五一节" | "五一劳动节" | "国际劳动节" | "51" | "labor day" => {
            "劳动"
        }
        "端午" | "端午节" => "端午",
        "中秋" | "中秋节" => "中秋",
        "国庆" | "国庆节" | "十一" => "国庆",
        other => other.strip_suffix('节').unwrap_or(other),
    };
    key.to_string()
}

fn name_matches(h: &Holiday, query: &str) -> bool {
    canonical(&h.name) == canonical(query) || h.name_en.eq_ignore_ascii_case(query.trim())
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_name(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `key` of a `key = value` line, if the key is a bare TOML key.
fn key_of(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    bare.then_some(key)
}

/// The `name = "..."` of the `[[holiday]]` table around 1-based `line`.
fn holiday_name_around(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return None;
    }
    let idx = line.saturating_sub(1).min(lines.len() - 1);
    let is_header = |l: &str| l.trim_start().starts_with('[');
    let first = (0..=idx).rev().find(|&i| is_header(lines[i])).unwrap_or(0);
    let last = (idx + 1..lines.len())
        .find(|&i| is_header(lines[i]))
        .unwrap_or(lines.len());
    lines[first..last].iter().find_map(|l| {
        if key_of(l)? != "name" {
            return None;
        }
        let (_, value) = l.split_once('=')?;
        let value = value.trim().strip_prefix('"')?;
        let (name, _) = value.split_once('"')?;
        Some(name.to_string())
    })
}

impl Calendar {
    /// The calendar compiled into the binary (`config/holidays.toml`).
    pub fn bundled() -> Result<Calendar, HolidayError> {
        Calendar::parse(BUNDLED_FILE, BUNDLED_TEXT)
    }

    /// Parses and checks a holiday file; `file_name` is only used in errors.
    pub fn parse(file_name: &str, text: &str) -> Result<Calendar, HolidayError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            let source_line = text.lines().nth(line - 1).unwrap_or("");
            HolidayError::Syntax {
                file: file_name.to_string(),
                line,
                holiday: holiday_name_around(text, line),
                field: key_of(source_line).map(str::to_string),
                // toml puts a detail on a second line ("invalid date-time\nvalue
                // is out of range"); keep the message on one line.
                message: e
                    .message()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(": "),
            }
        })?;

        let invalid = |line: usize, holiday: &str, field: &'static str, message: String| {
            HolidayError::Invalid {
                file: file_name.to_string(),
                line,
                holiday: holiday.to_string(),
                field,
                message,
            }
        };

        // Per entry: (holiday, line of start, lines of workdays).
        let mut entries: Vec<(Holiday, usize, Vec<usize>)> = Vec::with_capacity(raw.holiday.len());
        for r in &raw.holiday {
            let name = r.name.get_ref().trim().to_string();
            let name_line = line_of(text, r.name.span().start);
            if name.is_empty() {
                return Err(invalid(name_line, "", "name", "name is empty".into()));
            }
            let (day, start, end) = (r.day.get_ref().0, r.start.get_ref().0, r.end.get_ref().0);
            let end_line = line_of(text, r.end.span().start);
            if end < start {
                return Err(invalid(
                    end_line,
                    &name,
                    "end",
                    format!("end {end} is before start {start}"),
                ));
            }
            let len = (end - start).num_days() + 1;
            if len > MAX_BREAK_DAYS {
                return Err(invalid(
                    end_line,
                    &name,
                    "end",
                    format!(
                        "end {end} makes a {len}-day break from start {start}; \
                         a break is at most {MAX_BREAK_DAYS} days (a typo?)"
                    ),
                ));
            }
            if !(start <= day && day <= end) {
                return Err(invalid(
                    line_of(text, r.day.span().start),
                    &name,
                    "day",
                    format!("day {day} is outside the break {start}..{end}"),
                ));
            }
            let mut workdays = Vec::with_capacity(r.workdays.len());
            let mut workday_lines = Vec::with_capacity(r.workdays.len());
            for w in &r.workdays {
                let d = w.get_ref().0;
                let line = line_of(text, w.span().start);
                if !is_weekend(d) {
                    return Err(invalid(
                        line,
                        &name,
                        "workdays",
                        format!(
                            "workdays {d} is a {}; a swapped working day (调休上班) \
                             is a Saturday or Sunday",
                            weekday_name(d)
                        ),
                    ));
                }
                workdays.push(d);
                workday_lines.push(line);
            }
            let holiday = Holiday {
                name,
                name_en: r.name_en.trim().to_string(),
                day,
                start,
                end,
                workdays,
            };
            entries.push((holiday, line_of(text, r.start.span().start), workday_lines));
        }

        // Across entries.
        for (i, (h, start_line, workday_lines)) in entries.iter().enumerate() {
            for (other, _, _) in &entries[..i] {
                let overlaps = h.start <= other.end && other.start <= h.end;
                let same_break = h.start == other.start && h.end == other.end;
                if overlaps && !same_break {
                    return Err(invalid(
                        *start_line,
                        &h.name,
                        "start",
                        format!(
                            "start {}: the break {}..{} overlaps the `{}` break {}..{} \
                             (holidays sharing one break must have the same start and end)",
                            h.start, h.start, h.end, other.name, other.start, other.end
                        ),
                    ));
                }
                if canonical(&h.name) == canonical(&other.name) && h.day.year() == other.day.year()
                {
                    return Err(invalid(
                        line_of(text, raw.holiday[i].day.span().start),
                        &h.name,
                        "day",
                        format!(
                            "day {}: a second `{}` in {} (the first has day {})",
                            h.day,
                            h.name,
                            h.day.year(),
                            other.day
                        ),
                    ));
                }
            }
            for (d, line) in h.workdays.iter().zip(workday_lines) {
                if let Some((other, _, _)) = entries.iter().find(|(o, _, _)| o.contains(*d)) {
                    return Err(invalid(
                        *line,
                        &h.name,
                        "workdays",
                        format!(
                            "workdays {d} falls inside the `{}` break {}..{}",
                            other.name, other.start, other.end
                        ),
                    ));
                }
            }
        }

        let mut holidays: Vec<Holiday> = entries.into_iter().map(|(h, _, _)| h).collect();
        holidays.sort_by_key(|h| (h.start, h.day));
        let mut off = HashSet::new();
        let mut swapped = HashSet::new();
        for h in &holidays {
            off.extend(h.start.iter_days().take_while(|d| *d <= h.end));
            swapped.extend(h.workdays.iter().copied());
        }
        Ok(Calendar {
            holidays,
            off,
            swapped,
        })
    }

    /// All entries, sorted by the start of their break.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// Whether the file lists any holiday in `d`'s year (outside those
    /// years every Monday–Friday counts as a working day).
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.holidays.iter().any(|h| h.day.year() == d.year())
    }

    /// Monday–Friday unless inside a holiday break; Saturday/Sunday only if
    /// it is a swapped working day.
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        if self.swapped.contains(&d) {
            return true;
        }
        !self.off.contains(&d) && !is_weekend(d)
    }

    /// The `n`-th working day after `from` (`n == 0` returns `from`).
    pub fn add_workdays(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        for _ in 0..n {
            match self.next_workday_after(d) {
                Some(next) => d = next,
                None => break, // end of chrono's date range
            }
        }
        d
    }

    /// The first working day after the break of the occurrence of `name`
    /// nearest after or containing `near` ("元旦后第一个工作日").
    pub fn first_workday_after_holiday(&self, name: &str, near: NaiveDate) -> Option<NaiveDate> {
        let h = self.occurrence(name, near)?;
        self.next_workday_after(h.end)
    }

    /// The first day of the break of the next (or current) occurrence of
    /// `name`, for "X节前".
    pub fn holiday_start(&self, name: &str, near: NaiveDate) -> Option<NaiveDate> {
        self.occurrence(name, near).map(|h| h.start)
    }

    /// The holiday's own day (元旦 Jan 1, 春节 正月初一, 国庆 Oct 1, ...) of the
    /// next (or current) occurrence of `name`.
    pub fn holiday_day(&self, name: &str, near: NaiveDate) -> Option<NaiveDate> {
        self.occurrence(name, near).map(|h| h.day)
    }

    /// For a bare "节后第一个工作日": the first working day after the next
    /// (or current) holiday break of any name.
    pub fn after_break_first_workday(&self, near: NaiveDate) -> Option<NaiveDate> {
        let h = self.holidays.iter().find(|h| h.end >= near)?;
        self.next_workday_after(h.end)
    }

    fn occurrence(&self, name: &str, near: NaiveDate) -> Option<&Holiday> {
        // Sorted by start, so the first match is the nearest.
        self.holidays
            .iter()
            .find(|h| h.end >= near && name_matches(h, name))
    }

    fn next_workday_after(&self, d: NaiveDate) -> Option<NaiveDate> {
        let mut d = d.checked_add_days(Days::new(1))?;
        while !self.is_workday(d) {
            d = d.checked_add_days(Days::new(1))?;
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests;
