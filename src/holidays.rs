//! China's public-holiday calendar (法定节假日 and 调休上班), kept as editable
//! data in `config/holidays.toml`, and the working-day arithmetic built on it.
//!
//! Pure: the only I/O is [`Calendar::load`]. [`Calendar::bundled`] parses the
//! copy of `config/holidays.toml` compiled into the binary.
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
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;
use toml::value::Datetime;

/// The name used in error messages for the bundled file.
pub const BUNDLED_FILE: &str = "config/holidays.toml";

const BUNDLED_TEXT: &str = include_str!("../config/holidays.toml");

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

    pub fn load(path: &Path) -> Result<Calendar, HolidayError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| HolidayError::Io {
            file: file.clone(),
            source,
        })?;
        Calendar::parse(&file, &text)
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
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn cal() -> Calendar {
        Calendar::bundled().expect("bundled calendar parses")
    }

    fn parse_err(text: &str) -> String {
        match Calendar::parse("t.toml", text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    const ONE: &str = r#"[[holiday]]
name = "元旦"
name_en = "New Year's Day"
day = 2024-01-01
start = 2023-12-30
end = 2024-01-01
workdays = []
"#;

    #[test]
    fn bundled_parses() {
        let c = cal();
        assert_eq!(c.holidays().len(), 28);
        for year in 2023..=2026 {
            assert!(c.covers(ymd(year, 6, 1)), "{year}");
            let names: HashSet<String> = c
                .holidays()
                .iter()
                .filter(|h| h.day.year() == year)
                .map(|h| canonical(&h.name))
                .collect();
            assert_eq!(names.len(), 7, "{year}: {names:?}");
        }
        assert!(!c.covers(ymd(2027, 6, 1)));
    }

    /// Weekdays off minus swapped working days must equal the statutory
    /// days off: 11 a year until 2024, 13 from 2025 (除夕 and May 2 added).
    #[test]
    fn bundled_statutory_day_counts() {
        let c = cal();
        for (year, statutory) in [(2023, 11), (2024, 11), (2025, 13), (2026, 13)] {
            let mut breaks: Vec<(NaiveDate, NaiveDate)> = Vec::new();
            let mut swaps = 0;
            for h in c.holidays().iter().filter(|h| h.day.year() == year) {
                if !breaks.contains(&(h.start, h.end)) {
                    breaks.push((h.start, h.end));
                }
                swaps += h.workdays.len();
            }
            let weekdays_off: usize = breaks
                .iter()
                .map(|(s, e)| {
                    s.iter_days()
                        .take_while(|d| d <= e)
                        .filter(|d| !is_weekend(*d))
                        .count()
                })
                .sum();
            assert_eq!(weekdays_off - swaps, statutory, "{year}");
        }
    }

    #[test]
    fn spring_festival_2024_swaps() {
        let c = cal();
        assert!(c.is_workday(ymd(2024, 2, 4)), "Sunday 02-04 is worked");
        assert!(c.is_workday(ymd(2024, 2, 18)), "Sunday 02-18 is worked");
        assert!(c.is_workday(ymd(2024, 2, 9)), "除夕 2024 is not a day off");
        for d in 10..=17 {
            assert!(!c.is_workday(ymd(2024, 2, d)), "2024-02-{d}");
        }
        assert!(!c.is_workday(ymd(2024, 2, 3)), "a plain Saturday");
    }

    #[test]
    fn national_day_2024() {
        let c = cal();
        for d in 1..=7 {
            assert!(!c.is_workday(ymd(2024, 10, d)), "2024-10-0{d}");
        }
        assert!(c.is_workday(ymd(2024, 9, 29)));
        assert!(c.is_workday(ymd(2024, 10, 12)));
        assert!(c.is_workday(ymd(2024, 10, 8)));
        let fri = ymd(2024, 9, 27);
        assert_eq!(c.add_workdays(fri, 0), fri);
        // Sat 09-28 off, Sun 09-29 worked (调休), Mon 09-30 an ordinary
        // working day, 10-01..07 off, Sat 10-12 worked.
        assert_eq!(c.add_workdays(fri, 1), ymd(2024, 9, 29));
        assert_eq!(c.add_workdays(fri, 2), ymd(2024, 9, 30));
        assert_eq!(c.add_workdays(fri, 3), ymd(2024, 10, 8));
        assert_eq!(c.add_workdays(fri, 7), ymd(2024, 10, 12));
        // From inside a break.
        assert_eq!(c.add_workdays(ymd(2024, 10, 3), 1), ymd(2024, 10, 8));
    }

    #[test]
    fn plain_weekdays_outside_the_data() {
        let c = cal();
        assert!(c.is_workday(ymd(2027, 3, 3)));
        assert!(!c.is_workday(ymd(2027, 3, 6)));
        assert_eq!(c.add_workdays(ymd(2027, 3, 5), 1), ymd(2027, 3, 8));
    }

    #[test]
    fn first_workday_after_named_holiday() {
        let c = cal();
        let asked = ymd(2023, 12, 26);
        assert_eq!(
            c.first_workday_after_holiday("元旦", asked),
            Some(ymd(2024, 1, 2))
        );
        assert_eq!(
            c.first_workday_after_holiday("新年", asked),
            Some(ymd(2024, 1, 2))
        );
        // Inside the break still means this break.
        assert_eq!(
            c.first_workday_after_holiday("元旦", ymd(2024, 1, 1)),
            Some(ymd(2024, 1, 2))
        );
        assert_eq!(
            c.first_workday_after_holiday("春节", ymd(2024, 2, 12)),
            Some(ymd(2024, 2, 18))
        );
        assert_eq!(
            c.first_workday_after_holiday("春节", ymd(2026, 1, 5)),
            Some(ymd(2026, 2, 24))
        );
        assert_eq!(
            c.first_workday_after_holiday("五一", ymd(2026, 4, 20)),
            Some(ymd(2026, 5, 6))
        );
        assert_eq!(
            c.first_workday_after_holiday("国庆假期", ymd(2025, 9, 1)),
            Some(ymd(2025, 10, 9))
        );
        assert_eq!(
            c.first_workday_after_holiday("中秋节", ymd(2025, 9, 1)),
            Some(ymd(2025, 10, 9))
        );
        assert_eq!(
            c.first_workday_after_holiday("National Day", ymd(2024, 9, 1)),
            Some(ymd(2024, 10, 8))
        );
        assert_eq!(c.first_workday_after_holiday("圣诞节", asked), None);
        assert_eq!(c.first_workday_after_holiday("元旦", ymd(2026, 6, 1)), None);
    }

    #[test]
    fn start_and_day_of_named_holiday() {
        let c = cal();
        assert_eq!(
            c.holiday_start("元旦", ymd(2023, 12, 26)),
            Some(ymd(2023, 12, 30))
        );
        assert_eq!(
            c.holiday_day("元旦", ymd(2023, 12, 26)),
            Some(ymd(2024, 1, 1))
        );
        assert_eq!(
            c.holiday_start("春节", ymd(2025, 1, 2)),
            Some(ymd(2025, 1, 28))
        );
        assert_eq!(
            c.holiday_day("春节", ymd(2025, 1, 2)),
            Some(ymd(2025, 1, 29))
        );
        assert_eq!(
            c.holiday_day("清明", ymd(2026, 3, 1)),
            Some(ymd(2026, 4, 5))
        );
        assert_eq!(
            c.holiday_start("清明节", ymd(2026, 3, 1)),
            Some(ymd(2026, 4, 4))
        );
        assert_eq!(
            c.holiday_day("端午", ymd(2025, 5, 1)),
            Some(ymd(2025, 5, 31))
        );
        assert_eq!(
            c.holiday_day("中秋", ymd(2025, 9, 1)),
            Some(ymd(2025, 10, 6))
        );
        assert_eq!(
            c.holiday_start("中秋", ymd(2025, 9, 1)),
            Some(ymd(2025, 10, 1))
        );
        assert_eq!(
            c.holiday_day("国庆节", ymd(2024, 10, 5)),
            Some(ymd(2024, 10, 1))
        );
        assert_eq!(
            c.holiday_day("劳动节", ymd(2024, 5, 6)),
            Some(ymd(2025, 5, 1))
        );
    }

    #[test]
    fn bare_after_break() {
        let c = cal();
        assert_eq!(
            c.after_break_first_workday(ymd(2024, 2, 12)),
            Some(ymd(2024, 2, 18))
        );
        assert_eq!(
            c.after_break_first_workday(ymd(2024, 9, 16)),
            Some(ymd(2024, 9, 18))
        );
        assert_eq!(
            c.after_break_first_workday(ymd(2024, 9, 20)),
            Some(ymd(2024, 10, 8))
        );
        assert_eq!(
            c.after_break_first_workday(ymd(2023, 9, 20)),
            Some(ymd(2023, 10, 7))
        );
        assert_eq!(c.after_break_first_workday(ymd(2026, 10, 8)), None);
    }

    #[test]
    fn minimal_file_parses() {
        let c = Calendar::parse("t.toml", ONE).expect("parses");
        assert!(!c.is_workday(ymd(2023, 12, 30)));
        assert!(c.is_workday(ymd(2024, 1, 2)));
        let empty = Calendar::parse("t.toml", "").expect("empty parses");
        assert!(empty.holidays().is_empty());
        let quoted = ONE.replace("end = 2024-01-01", "end = \"2024-01-01\"");
        assert!(Calendar::parse("t.toml", &quoted).is_ok());
    }

    #[test]
    fn end_before_start_names_line_and_field() {
        let text = ONE.replace("start = 2023-12-30", "start = 2024-01-03");
        assert_eq!(
            parse_err(&text),
            "t.toml:6: holiday `元旦`: end 2024-01-01 is before start 2024-01-03"
        );
    }

    #[test]
    fn unknown_field_names_line_and_field() {
        let text = ONE.replace("workdays = []", "workdays = []\nholidays = 3");
        let e = parse_err(&text);
        assert!(e.starts_with("t.toml:8: "), "{e}");
        assert!(e.contains("`holidays`"), "{e}");
        assert!(e.contains("holiday `元旦`"), "{e}");
    }

    #[test]
    fn bad_date_names_line_and_field() {
        let text = ONE.replace("end = 2024-01-01", "end = 2024-13-01");
        let e = parse_err(&text);
        assert!(e.starts_with("t.toml:6: "), "{e}");
        assert!(e.contains("field `end`"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");

        let text = ONE.replace("end = 2024-01-01", "end = \"2024-02-30\"");
        let e = parse_err(&text);
        assert!(e.starts_with("t.toml:6: "), "{e}");
        assert!(e.contains("field `end`") && e.contains("2024-02-30"), "{e}");

        let text = ONE.replace("day = 2024-01-01", "day = 2024-01-01T09:00:00");
        let e = parse_err(&text);
        assert!(e.starts_with("t.toml:4: "), "{e}");
        assert!(e.contains("field `day`") && e.contains("plain date"), "{e}");

        let text = ONE.replace("start = 2023-12-30", "start = 5");
        let e = parse_err(&text);
        assert!(e.starts_with("t.toml:5: "), "{e}");
        assert!(e.contains("field `start`"), "{e}");
    }

    #[test]
    fn missing_field_is_named() {
        let text = ONE.replace("name_en = \"New Year's Day\"\n", "");
        let e = parse_err(&text);
        assert!(e.contains("t.toml:"), "{e}");
        assert!(e.contains("name_en"), "{e}");
    }

    #[test]
    fn semantic_checks() {
        let text = ONE.replace("workdays = []", "workdays = [2024-01-03]");
        assert_eq!(
            parse_err(&text),
            "t.toml:7: holiday `元旦`: workdays 2024-01-03 is a Wednesday; \
             a swapped working day (调休上班) is a Saturday or Sunday"
        );

        let text = ONE.replace("workdays = []", "workdays = [2023-12-30]");
        let e = parse_err(&text);
        assert!(
            e.starts_with("t.toml:7: holiday `元旦`: workdays 2023-12-30"),
            "{e}"
        );

        let text = ONE.replace("day = 2024-01-01", "day = 2024-01-02");
        let e = parse_err(&text);
        assert!(
            e.starts_with("t.toml:4: holiday `元旦`: day 2024-01-02"),
            "{e}"
        );

        let text = ONE.replace("end = 2024-01-01", "end = 2024-10-01");
        let e = parse_err(&text);
        assert!(
            e.starts_with("t.toml:6: holiday `元旦`: end 2024-10-01"),
            "{e}"
        );

        let overlap = format!(
            "{ONE}\n{}",
            ONE.replace("\"元旦\"", "\"春节\"")
                .replace("start = 2023-12-30", "start = 2023-12-31")
        );
        let e = parse_err(&overlap);
        assert!(e.starts_with("t.toml:13: holiday `春节`: start"), "{e}");

        let twice = format!("{ONE}\n{ONE}");
        let e = parse_err(&twice);
        assert!(e.starts_with("t.toml:12: holiday `元旦`: day"), "{e}");

        let e = parse_err(&ONE.replace("name = \"元旦\"", "name = \" \""));
        assert!(e.starts_with("t.toml:2: "), "{e}");
    }

    #[test]
    fn shared_break_is_allowed() {
        let text = format!(
            "{ONE}\n{}",
            ONE.replace("\"元旦\"", "\"中秋节\"")
                .replace("day = 2024-01-01", "day = 2023-12-31")
        );
        let c = Calendar::parse("t.toml", &text).expect("shared break parses");
        assert_eq!(c.holidays().len(), 2);
    }

    #[test]
    fn load_reports_missing_file() {
        let e = Calendar::load(Path::new("/nonexistent/holidays.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("/nonexistent/holidays.toml: "), "{e}");
    }

    #[test]
    fn aliases() {
        for (a, b) in [
            ("清明", "清明节"),
            ("端午", "端午节"),
            ("中秋", "中秋节"),
            ("国庆", "国庆节"),
            ("五一", "劳动节"),
            ("新年", "元旦"),
            ("十一", "国庆节"),
            ("春节假期", "春节"),
        ] {
            assert_eq!(canonical(a), canonical(b), "{a} / {b}");
        }
        assert_ne!(canonical("中秋"), canonical("国庆"));
    }
}
