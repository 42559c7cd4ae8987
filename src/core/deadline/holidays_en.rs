//! English deadlines set around a public holiday: "before Memorial Day"
//! and "by the bank holiday" (the day before it), "the first working day
//! after the bank holiday" (the next weekday after it). "The bank holiday"
//! is the next UK bank holiday from the send date.

use super::Ctx;
use super::matches::{DateM, add, span};
use crate::core::calendar::days::month_day;
use crate::core::calendar::named::{NAMED_MAP, Named, named_near};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;
use std::sync::LazyLock;

re!(
    R_AROUND,
    r"(?:(?:the )?(?:first|1st|next) (?:working|business|work) day after|before|by|ahead of) (?:the )?(memorial day|labou?r day|(?:early may |spring |summer |august )?bank holiday|easter monday|good friday|thanksgiving|presidents'? day|columbus day|mlk day|martin luther king(?: jr\.?)? day)(?: (?:weekend|monday))?"
);

/// The UK's Monday and Easter bank holidays, and the fixed ones.
const BANK_HOLIDAYS: [Named; 6] = [
    Named::Nth(5, 1, Weekday::Mon, 0),
    Named::Nth(5, 5, Weekday::Mon, 0),
    Named::Nth(8, 5, Weekday::Mon, 0),
    Named::Easter(-2),
    Named::Easter(1),
    Named::Fixed(12, 25),
];

/// The next day (from `from`) that the holiday named falls on.
fn holiday(name: &str, from: NaiveDate) -> Option<NaiveDate> {
    let named = |k: Named| named_near(k, from, 1);
    match name {
        "bank holiday" => BANK_HOLIDAYS.iter().filter_map(|k| named(*k)).min(),
        "early may bank holiday" => named(BANK_HOLIDAYS[0]),
        "spring bank holiday" => named(BANK_HOLIDAYS[1]),
        "summer bank holiday" | "august bank holiday" => named(BANK_HOLIDAYS[2]),
        n => NAMED_MAP
            .get(n)
            .and_then(|k| named(*k))
            .or_else(|| month_day(1, 1, from).filter(|_| n == "new year's day")),
    }
}

/// The next weekday after `d` (weekends are not working days here).
fn next_weekday(d: NaiveDate) -> Option<NaiveDate> {
    let mut n = d.succ_opt()?;
    while matches!(n.weekday(), Weekday::Sat | Weekday::Sun) {
        n += Duration::days(1);
    }
    Some(n)
}

pub(super) fn around_holidays(t: &str, ctx: &Ctx<'_>, out: &mut Vec<DateM>) {
    if !t.contains("day") && !t.contains("holiday") && !t.contains("thanksgiving") {
        return;
    }
    let sent = ctx.sent.date();
    for c in R_AROUND.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let Some(day) = holiday(&c[1], sent) else {
            continue;
        };
        let after = m.as_str().contains("after");
        let date = if after {
            next_weekday(day)
        } else {
            day.pred_opt()
        };
        add(out, span(&m), date, false, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_bank_holiday_is_the_next_one() {
        // Said in mid-May 2024: the spring bank holiday, Monday 27 May.
        assert_eq!(
            holiday("bank holiday", d(2024, 5, 14)),
            Some(d(2024, 5, 27))
        );
        // Said in late April: the early May one.
        assert_eq!(holiday("bank holiday", d(2024, 4, 29)), Some(d(2024, 5, 6)));
        assert_eq!(holiday("memorial day", d(2024, 5, 1)), Some(d(2024, 5, 27)));
        assert_eq!(next_weekday(d(2024, 5, 27)), Some(d(2024, 5, 28)));
        assert_eq!(next_weekday(d(2024, 5, 24)), Some(d(2024, 5, 27)));
    }
}
