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
