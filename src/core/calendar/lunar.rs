//! The Chinese lunisolar calendar (农历), 1900–2099: lunar to solar days.

use super::days::ymd;
use chrono::{Duration, NaiveDate};
use std::sync::LazyLock;

/// One word per lunar year from 1900 (the classic encoding): bits 4–15 say
/// whether month 1–12 has 30 days (bit 15 = month 1), bits 0–3 name the leap
/// month (0: none), bit 16 says whether the leap month has 30 days.
const LUNAR_YEARS: [u32; 200] = [
    0x04bd8, 0x04ae0, 0x0a570, 0x054d5, 0x0d260, 0x0d950, 0x16554, 0x056a0, 0x09ad0, 0x055d2,
    0x04ae0, 0x0a5b6, 0x0a4d0, 0x0d250, 0x1d255, 0x0b540, 0x0d6a0, 0x0ada2, 0x095b0, 0x14977,
    0x04970, 0x0a4b0, 0x0b4b5, 0x06a50, 0x06d40, 0x1ab54, 0x02b60, 0x09570, 0x052f2, 0x04970,
    0x06566, 0x0d4a0, 0x0ea50, 0x06e95, 0x05ad0, 0x02b60, 0x186e3, 0x092e0, 0x1c8d7, 0x0c950,
    0x0d4a0, 0x1d8a6, 0x0b550, 0x056a0, 0x1a5b4, 0x025d0, 0x092d0, 0x0d2b2, 0x0a950, 0x0b557,
    0x06ca0, 0x0b550, 0x15355, 0x04da0, 0x0a5d0, 0x14573, 0x052b0, 0x0a9a8, 0x0e950, 0x06aa0,
    0x0aea6, 0x0ab50, 0x04b60, 0x0aae4, 0x0a570, 0x05260, 0x0f263, 0x0d950, 0x05b57, 0x056a0,
    0x096d0, 0x04dd5, 0x04ad0, 0x0a4d0, 0x0d4d4, 0x0d250, 0x0d558, 0x0b540, 0x0b5a0, 0x195a6,
    0x095b0, 0x049b0, 0x0a974, 0x0a4b0, 0x0b27a, 0x06a50, 0x06d40, 0x0af46, 0x0ab60, 0x09570,
    0x04af5, 0x04970, 0x064b0, 0x074a3, 0x0ea50, 0x06b58, 0x05ac0, 0x0ab60, 0x096d5, 0x092e0,
    0x0c960, 0x0d954, 0x0d4a0, 0x0da50, 0x07552, 0x056a0, 0x0abb7, 0x025d0, 0x092d0, 0x0cab5,
    0x0a950, 0x0b4a0, 0x0baa4, 0x0ad50, 0x055d9, 0x04ba0, 0x0a5b0, 0x15176, 0x052b0, 0x0a930,
    0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, 0x0a6e6, 0x0a4e0, 0x0d260, 0x0ea65, 0x0d530,
    0x05aa0, 0x076a3, 0x096d0, 0x04afb, 0x04ad0, 0x0a4d0, 0x1d0b6, 0x0d250, 0x0d520, 0x0dd45,
    0x0b5a0, 0x056d0, 0x055b2, 0x049b0, 0x0a577, 0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0,
    0x14b63, 0x09370, 0x049f8, 0x04970, 0x064b0, 0x168a6, 0x0ea50, 0x06aa0, 0x1a6c4, 0x0aae0,
    0x092e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, 0x0da50, 0x05d55, 0x056a0, 0x0a6d0, 0x055d4,
    0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, 0x0ad50, 0x055a0, 0x0aba4, 0x0a5b0, 0x052b0,
    0x0b273, 0x06930, 0x07337, 0x06aa0, 0x0ad50, 0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160,
    0x0e968, 0x0d520, 0x0daa0, 0x16aa6, 0x056d0, 0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252,
];

/// Lunar 1900-01-01 fell on this solar day.
const LUNAR_EPOCH: (i32, u32, u32) = (1900, 1, 31);

/// The months of lunar year `y`: (month, leap, days), in order.
fn lunar_months(y: i32) -> Option<Vec<(u32, bool, u32)>> {
    let info = *LUNAR_YEARS.get(usize::try_from(y - 1900).ok()?)?;
    let leap = info & 0xf;
    let mut v = Vec::with_capacity(13);
    for m in 1..=12u32 {
        v.push((m, false, 29 + ((info >> (16 - m)) & 1)));
        if m == leap {
            v.push((m, true, 29 + ((info >> 16) & 1)));
        }
    }
    Some(v)
}

/// Solar days of each lunar new year, 1900–2099.
static LUNAR_NEW_YEARS: LazyLock<Vec<NaiveDate>> = LazyLock::new(|| {
    let mut out = Vec::with_capacity(LUNAR_YEARS.len());
    let Some(mut d) = ymd(LUNAR_EPOCH.0, LUNAR_EPOCH.1, LUNAR_EPOCH.2) else {
        return out;
    };
    for y in 1900..1900 + LUNAR_YEARS.len() as i32 {
        out.push(d);
        let days: u32 = lunar_months(y)
            .map(|v| v.iter().map(|x| x.2).sum())
            .unwrap_or(354);
        d += Duration::days(days as i64);
    }
    out
});

/// The solar day of lunar year `y`, month `m` (not the leap one), day `d`;
/// a day past the month's end (腊月三十 in a 29-day month) is its last day.
pub fn lunar_to_solar(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    let start = *LUNAR_NEW_YEARS.get(usize::try_from(y - 1900).ok()?)?;
    if !(1..=30).contains(&d) {
        return None;
    }
    let mut off = 0u32;
    for (mm, leap, days) in lunar_months(y)? {
        if mm == m && !leap {
            return Some(start + Duration::days((off + d.min(days) - 1) as i64));
        }
        off += days;
    }
    None
}

/// The lunar year a solar day falls in.
pub(crate) fn lunar_year_of(d: NaiveDate) -> Option<i32> {
    let i = LUNAR_NEW_YEARS.partition_point(|x| *x <= d);
    (i > 0).then(|| 1900 + i as i32 - 1)
}

/// The next solar day (counting `from`) that is lunar month `m`, day `d`.
pub(crate) fn next_lunar(from: NaiveDate, m: u32, d: u32) -> Option<NaiveDate> {
    let y = lunar_year_of(from)?;
    (y - 1..=y + 1)
        .filter_map(|yy| lunar_to_solar(yy, m, d))
        .find(|x| *x >= from)
}
