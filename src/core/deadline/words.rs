//! Words several rule families read: month and weekday names, years
//! relative to this one.

use chrono::{NaiveDate, Weekday};

pub(super) const EN_MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

pub(super) const EN_WD: &str = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun";

pub(super) fn weekday_from(c: &str) -> Option<Weekday> {
    Some(match c {
        "一" | "1" | "monday" | "mon" => Weekday::Mon,
        "二" | "2" | "tuesday" | "tue" | "tues" => Weekday::Tue,
        "三" | "3" | "wednesday" | "wed" | "weds" => Weekday::Wed,
        "四" | "4" | "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "五" | "5" | "friday" | "fri" => Weekday::Fri,
        "六" | "6" | "saturday" | "sat" => Weekday::Sat,
        "日" | "天" | "7" | "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

pub(super) fn month_of(s: &str) -> u32 {
    let p: String = s.chars().take(3).collect();
    match p.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => 0,
    }
}

pub(super) fn is_month_word(s: &str) -> bool {
    month_of(s) != 0
}

/// A 2-digit year: 00–49 → 2000s, 50–99 → 1900s (15年 → 2015, 九零年 → 1990).
pub(super) fn full_year(y: i32, digits: usize, _sent: NaiveDate) -> i32 {
    match digits {
        0..=2 if y < 50 => 2000 + y,
        0..=2 => 1900 + y,
        _ => y,
    }
}

pub(super) fn year_rel(w: &str) -> i32 {
    match w {
        "去" => -1,
        "明" => 1,
        "前" => -2,
        "后" => 2,
        "大前" => -3,
        _ => 0,
    }
}
