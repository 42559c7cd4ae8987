//! Named days: fixed, lunar, nth-weekday, Easter-based, observed and solar
//! term days by formula, and the Islamic, Hebrew, Hindu and Buddhist days
//! of the generated table `config/named_days.toml`.

use super::days::{last_day_of_month, next_weekday, ymd};
use super::lunar::lunar_to_solar;
use crate::core::normalize::fold;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Named {
    Fixed(u32, u32),
    Lunar(u32, u32),
    /// 除夕: the last day of the lunar year.
    LunarEve,
    /// The `n`th (5: last) weekday of a month, plus a day offset.
    Nth(u32, u32, Weekday, i64),
    /// Days from (Western) Easter Sunday.
    Easter(i64),
    /// Days from Orthodox Easter Sunday.
    Orthodox(i64),
    /// One of the 24 solar terms (节气), 0 = 小寒 … 23 = 冬至.
    Term(u32),
    /// A day of [`TABLE`] (Islamic, Hebrew, Hindu, Buddhist calendars).
    Table(u16),
    /// A fixed day moved off the weekend: Saturday to Friday, Sunday to
    /// Monday (`sat_back` false) or to Saturday (`sat_back` true: Sunday only).
    Observed(u32, u32, bool),
}

/// A named day whose dates come from `config/named_days.toml` (generated
/// from well-known calendar libraries, see that file's header): the
/// Islamic, Hebrew, Hindu and Buddhist days no closed formula gives.
pub(crate) struct TableDay {
    /// Folded (lower-case, simplified) aliases.
    pub(crate) aliases: Vec<String>,
    /// Sorted.
    pub(crate) dates: Vec<NaiveDate>,
    /// The day begins at sunset the evening before (Hebrew calendar).
    pub(crate) eve: bool,
}

#[derive(serde::Deserialize)]
pub(crate) struct RawTable {
    day: Vec<RawTableDay>,
}

#[derive(serde::Deserialize)]
pub(crate) struct RawTableDay {
    aliases: Vec<String>,
    dates: Vec<String>,
    #[serde(default)]
    eve: bool,
}

/// The bundled named-day table (compiled in: data, not I/O).
pub(crate) const TABLE_TEXT: &str = include_str!("../../../config/named_days.toml");

pub(crate) static TABLE: LazyLock<Vec<TableDay>> = LazyLock::new(|| {
    let raw: RawTable = toml::from_str(TABLE_TEXT).expect("config/named_days.toml parses");
    raw.day
        .into_iter()
        .map(|d| {
            let mut dates: Vec<NaiveDate> = d
                .dates
                .iter()
                .filter_map(|x| NaiveDate::parse_from_str(x, "%Y-%m-%d").ok())
                .collect();
            dates.sort();
            TableDay {
                aliases: d.aliases.iter().map(|a| fold(a)).collect(),
                dates,
                eve: d.eve,
            }
        })
        .collect()
});

/// Whether an expression's text names a table day that begins at sunset
/// the evening before (Hebrew-calendar days, which some sources date by
/// that eve).
pub fn names_eve_day(text: &str) -> bool {
    TABLE
        .iter()
        .filter(|d| d.eve)
        .any(|d| d.aliases.iter().any(|a| text.contains(a.as_str())))
}

pub(crate) const NAMED: &[(&[&str], Named)] = &[
    (
        &[
            "元旦节",
            "元旦",
            "阳历新年",
            "新年",
            "new year's day",
            "new years day",
            "new year day",
            "new year's",
            "new years",
            "yuandan",
        ],
        Named::Fixed(1, 1),
    ),
    (
        &[
            "情人节",
            "圣瓦伦丁节",
            "valentine's day",
            "valentines day",
            "valentine's",
            "valentine day",
            "valentines",
        ],
        Named::Fixed(2, 14),
    ),
    (&["女生节"], Named::Fixed(3, 7)),
    (
        &[
            "三八妇女节",
            "国际妇女节",
            "妇女节",
            "三八节",
            "women's day",
        ],
        Named::Fixed(3, 8),
    ),
    (&["植树节"], Named::Fixed(3, 12)),
    (
        &["国际消费者权益日", "消费者权益日", "三一五"],
        Named::Fixed(3, 15),
    ),
    (
        &[
            "st patrick's day",
            "st. patrick's day",
            "saint patrick's day",
            "st patrick's",
            "saint paddy's day",
            "st paddy's day",
            "st. paddy's day",
            "st patricks day",
            "saint patricks day",
            "saint patty's day",
            "saint patrick",
            "st patrick",
            "st. patrick",
        ],
        Named::Fixed(3, 17),
    ),
    (
        &[
            "愚人节",
            "april fools day",
            "april fool's day",
            "april fools' day",
            "april fools",
        ],
        Named::Fixed(4, 1),
    ),
    (&["earth day"], Named::Fixed(4, 22)),
    (
        &[
            "五一国际劳动节",
            "五一劳动节",
            "国际劳动节",
            "劳动节",
            "五一",
            "may day",
            "international workers' day",
            "international workers day",
            "workers' day",
        ],
        Named::Fixed(5, 1),
    ),
    (&["五四青年节", "青年节"], Named::Fixed(5, 4)),
    (
        &["六一儿童节", "国际儿童节", "儿童节", "children's day"],
        Named::Fixed(6, 1),
    ),
    (&["建党节"], Named::Fixed(7, 1)),
    (
        &[
            "independence day",
            "fourth of july",
            "4th of july",
            "july fourth",
            "july 4th",
        ],
        Named::Fixed(7, 4),
    ),
    (&["八一建军节", "建军节"], Named::Fixed(8, 1)),
    (&["教师节"], Named::Fixed(9, 10)),
    (&["国庆节", "国庆"], Named::Fixed(10, 1)),
    (
        &[
            "老板节",
            "老闆节",
            "boss's day",
            "bosses day",
            "boss day",
            "national boss day",
        ],
        Named::Observed(10, 16, false),
    ),
    (&["万圣节", "halloween"], Named::Fixed(10, 31)),
    (
        &[
            "koningsdag",
            "king's day",
            "kings day",
            "荷兰国王节",
            "国王节",
        ],
        Named::Observed(4, 27, true),
    ),
    (&["光棍节", "双十一", "双11"], Named::Fixed(11, 11)),
    (
        &["veterans day", "veteran's day", "veterans' day"],
        Named::Fixed(11, 11),
    ),
    (&["澳门回归纪念日"], Named::Fixed(12, 20)),
    (
        &["平安夜", "christmas eve", "xmas eve"],
        Named::Fixed(12, 24),
    ),
    (
        &[
            "圣诞节",
            "圣诞",
            "christmas day",
            "christmas",
            "xmas day",
            "xmas",
        ],
        Named::Fixed(12, 25),
    ),
    (
        &["new year's eve", "new years eve", "new year eve"],
        Named::Fixed(12, 31),
    ),
    (
        &[
            "春节",
            "农历新年",
            "新春",
            "大年初一",
            "正月正时",
            "正月朔日",
            "chinese new year",
            "lunar new year",
        ],
        Named::Lunar(1, 1),
    ),
    (&["元宵节", "元宵"], Named::Lunar(1, 15)),
    (&["端午节", "端午"], Named::Lunar(5, 5)),
    (&["七夕节", "七夕"], Named::Lunar(7, 7)),
    (&["中秋节", "中秋"], Named::Lunar(8, 15)),
    (&["重阳节", "重阳"], Named::Lunar(9, 9)),
    (&["腊八节", "腊八"], Named::Lunar(12, 8)),
    (&["除夕", "大年三十", "大年夜"], Named::LunarEve),
    (&["清明节", "清明"], Named::Term(6)),
    (&["小寒"], Named::Term(0)),
    (&["大寒"], Named::Term(1)),
    (&["立春"], Named::Term(2)),
    (&["雨水"], Named::Term(3)),
    (&["惊蛰"], Named::Term(4)),
    (&["春分"], Named::Term(5)),
    (&["谷雨"], Named::Term(7)),
    (&["立夏"], Named::Term(8)),
    (&["小满"], Named::Term(9)),
    (&["芒种"], Named::Term(10)),
    (&["夏至"], Named::Term(11)),
    (&["小暑"], Named::Term(12)),
    (&["大暑"], Named::Term(13)),
    (&["立秋"], Named::Term(14)),
    (&["处暑"], Named::Term(15)),
    (&["白露"], Named::Term(16)),
    (&["秋分"], Named::Term(17)),
    (&["寒露"], Named::Term(18)),
    (&["霜降"], Named::Term(19)),
    (&["立冬"], Named::Term(20)),
    (&["小雪"], Named::Term(21)),
    (&["大雪"], Named::Term(22)),
    (&["冬至"], Named::Term(23)),
    (
        &["母亲节", "mother's day", "mothers day", "mothers' day"],
        Named::Nth(5, 2, Weekday::Sun, 0),
    ),
    (
        &["父亲节", "father's day", "fathers day", "fathers' day"],
        Named::Nth(6, 3, Weekday::Sun, 0),
    ),
    (
        &[
            "感恩节",
            "thanksgiving day",
            "thanksgiving",
            "thanks giving day",
            "thanks giving",
        ],
        Named::Nth(11, 4, Weekday::Thu, 0),
    ),
    (
        &["黑色星期五", "black friday"],
        Named::Nth(11, 4, Weekday::Thu, 1),
    ),
    (&["cyber monday"], Named::Nth(11, 4, Weekday::Thu, 4)),
    (
        &[
            "martin luther king day",
            "martin luther king jr. day",
            "mlk day",
            "mlk jr. day",
        ],
        Named::Nth(1, 3, Weekday::Mon, 0),
    ),
    (
        &["presidents day", "presidents' day", "president's day"],
        Named::Nth(2, 3, Weekday::Mon, 0),
    ),
    (&["memorial day"], Named::Nth(5, 5, Weekday::Mon, 0)),
    (
        &["labor day", "labour day"],
        Named::Nth(9, 1, Weekday::Mon, 0),
    ),
    (&["columbus day"], Named::Nth(10, 2, Weekday::Mon, 0)),
    (
        &["复活节星期一", "easter monday", "easter mon"],
        Named::Easter(1),
    ),
    (
        &[
            "复活节",
            "主复活日",
            "easter sunday",
            "easter day",
            "easter",
        ],
        Named::Easter(0),
    ),
    (
        &[
            "耶稣受难日",
            "主受难日",
            "主受难节",
            "圣周五",
            "沈默周五",
            "good friday",
        ],
        Named::Easter(-2),
    ),
    (
        &[
            "神圣周六",
            "圣周六",
            "耶稣受难日翌日",
            "主受难节翌日",
            "复活节前夜",
            "黑色星期六",
            "holy saturday",
            "black saturday",
            "easter eve",
        ],
        Named::Easter(-1),
    ),
    (
        &[
            "神圣星期四",
            "圣周星期四",
            "圣周四",
            "濯足节",
            "设立圣餐日",
            "maundy thursday",
            "covenant thursday",
            "covenant thu",
            "holy thursday",
            "thu of mysteries",
            "thursday of mysteries",
        ],
        Named::Easter(-3),
    ),
    (
        &[
            "棕枝主日",
            "圣枝主日",
            "圣树主日",
            "基督苦难主日",
            "palm sunday",
            "branch sunday",
            "passion sunday",
        ],
        Named::Easter(-7),
    ),
    (
        &[
            "大斋首日",
            "圣灰星期三",
            "圣灰礼仪日",
            "圣灰日",
            "灰日",
            "ash wednesday",
        ],
        Named::Easter(-46),
    ),
    (
        &[
            "忏悔节",
            "忏悔火曜日",
            "煎饼星期二",
            "shrove tuesday",
            "mardi gras",
            "pancake day",
            "pancake tuesday",
        ],
        Named::Easter(-47),
    ),
    (
        &["ascension day", "ascension thursday", "ascension"],
        Named::Easter(39),
    ),
    (
        &[
            "五旬节",
            "圣灵降临节",
            "圣灵降临日",
            "pentecost",
            "whit sunday",
            "white sunday",
            "whitsunday",
            "whitsun",
        ],
        Named::Easter(49),
    ),
    (
        &[
            "圣灵节庆日",
            "whit monday",
            "pentecost monday",
            "monday of the holy spirit",
        ],
        Named::Easter(50),
    ),
    (
        &[
            "圣三一主日",
            "天主三一主日",
            "天主圣三一节",
            "圣三主日",
            "圣三节",
            "trinity sunday",
        ],
        Named::Easter(56),
    ),
    (
        &[
            "基督圣体节",
            "基督圣体圣血瞻礼",
            "基督圣体圣血节",
            "corpus christi",
        ],
        Named::Easter(60),
    ),
    (
        &["东正教复活节星期一", "orthodox easter monday"],
        Named::Orthodox(1),
    ),
    (
        &["东正教复活节", "orthodox easter sunday", "orthodox easter"],
        Named::Orthodox(0),
    ),
    (
        &[
            "东正教神圣周六",
            "东正教圣周六",
            "东正教耶稣受难日翌日",
            "东正教主受难节翌日",
            "东正教复活节前夜",
            "orthodox holy saturday",
        ],
        Named::Orthodox(-1),
    ),
    (
        &[
            "东正教耶稣受难日",
            "东正教主受难节",
            "东正教圣周五",
            "东正教沈默周五",
            "orthodox good friday",
        ],
        Named::Orthodox(-2),
    ),
    (
        &[
            "东正教棕枝主日",
            "东正教圣枝主日",
            "东正教圣树主日",
            "东正教基督苦难主日",
            "orthodox palm sunday",
        ],
        Named::Orthodox(-7),
    ),
    (
        &["拉撒路圣周六", "拉匝路周六", "lazarus saturday"],
        Named::Orthodox(-8),
    ),
    (
        &[
            "orthodox shrove monday",
            "clean monday",
            "orthodox ash monday",
        ],
        Named::Orthodox(-48),
    ),
];

pub(crate) static NAMED_MAP: LazyLock<std::collections::HashMap<&'static str, Named>> =
    LazyLock::new(|| {
        let mut m: std::collections::HashMap<&'static str, Named> = TABLE
            .iter()
            .enumerate()
            .flat_map(|(i, d)| {
                d.aliases
                    .iter()
                    .map(move |a| (a.as_str(), Named::Table(i as u16)))
            })
            .collect();
        // The formula days win a shared name.
        m.extend(
            NAMED
                .iter()
                .flat_map(|(names, k)| names.iter().map(move |n| (*n, *k))),
        );
        m
    });

/// Gregorian Easter Sunday (anonymous Gregorian algorithm).
pub(crate) fn easter(y: i32) -> Option<NaiveDate> {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(y, month as u32, day as u32)
}

/// Orthodox Easter Sunday (Meeus' Julian algorithm, shifted to Gregorian;
/// valid 1900–2099).
pub(crate) fn orthodox_easter(y: i32) -> Option<NaiveDate> {
    let a = y % 4;
    let b = y % 7;
    let c = y % 19;
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    ymd(y, month as u32, day as u32).map(|x| x + Duration::days(13))
}

/// The `n`th (5: last) `wd` of month `m`.
pub(crate) fn nth_weekday(y: i32, m: u32, n: u32, wd: Weekday) -> Option<NaiveDate> {
    if n >= 5 {
        let last = last_day_of_month(y, m)?;
        let back =
            (last.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64 + 7)
                % 7;
        return Some(last - Duration::days(back));
    }
    let first = ymd(y, m, 1)?;
    let d = next_weekday(first, wd) + Duration::days(7 * (n.max(1) as i64 - 1));
    (d.month() == m).then_some(d)
}

/// The solar terms' constants for the usual formula (21st century): day =
/// ⌊Y·0.2422 + C⌋ − ⌊L/4⌋, Y the year in the century, L = Y − 1 for the
/// January and February terms, else Y.
pub(crate) const TERM_C: [f64; 24] = [
    5.4055, 20.12, 3.87, 18.73, 5.63, 20.646, 4.81, 20.1, 5.52, 21.04, 5.678, 21.37, 7.108, 22.83,
    7.5, 23.13, 7.646, 23.042, 8.318, 23.438, 7.438, 22.36, 7.18, 21.94,
];

/// Solar term `k` (0 = 小寒) in year `y`; 小寒 and 大寒 of a term year fall in
/// the next calendar January (the cycle runs 立春 to 大寒).
pub(crate) fn solar_term(y: i32, k: u32, term_year: bool) -> Option<NaiveDate> {
    let c = *TERM_C.get(k as usize)?;
    let y = if term_year && k < 2 { y + 1 } else { y };
    let yy = y.rem_euclid(100);
    let l = if k < 4 { yy - 1 } else { yy };
    let d = (yy as f64 * 0.2422 + c).floor() as i32 - l.div_euclid(4);
    ymd(y, k / 2 + 1, u32::try_from(d).ok()?)
}

/// The named day in (Gregorian) year `y`; for lunar days, lunar year `y`.
pub(crate) fn named_in(k: Named, y: i32) -> Option<NaiveDate> {
    match k {
        Named::Fixed(m, d) => ymd(y, m, d),
        Named::Lunar(m, d) => lunar_to_solar(y, m, d),
        Named::LunarEve => lunar_to_solar(y + 1, 1, 1).and_then(|d| d.pred_opt()),
        Named::Nth(m, n, wd, off) => nth_weekday(y, m, n, wd).map(|d| d + Duration::days(off)),
        Named::Easter(off) => easter(y).map(|d| d + Duration::days(off)),
        Named::Orthodox(off) => orthodox_easter(y).map(|d| d + Duration::days(off)),
        Named::Term(k) => solar_term(y, k, false),
        Named::Observed(m, d, sunday_only) => {
            let x = ymd(y, m, d)?;
            Some(match (x.weekday(), sunday_only) {
                (Weekday::Sun, true) => x - Duration::days(1),
                (Weekday::Sat, false) => x - Duration::days(1),
                (Weekday::Sun, false) => x + Duration::days(1),
                _ => x,
            })
        }
        Named::Table(i) => TABLE
            .get(i as usize)?
            .dates
            .iter()
            .find(|d| d.year() == y)
            .copied(),
    }
}

/// The named day's next occurrence counting `from` (`dir` > 0), its last
/// one before `from` (`dir` < 0).
pub(crate) fn named_near(k: Named, from: NaiveDate, dir: i32) -> Option<NaiveDate> {
    if let Named::Table(i) = k {
        let dates = &TABLE.get(i as usize)?.dates;
        let at = dates.partition_point(|d| *d < from);
        return if dir < 0 {
            at.checked_sub(1).and_then(|j| dates.get(j)).copied()
        } else {
            dates.get(at).copied()
        };
    }
    let y = from.year();
    if dir < 0 {
        (y - 2..=y)
            .rev()
            .filter_map(|yy| named_in(k, yy))
            .find(|d| *d < from)
    } else {
        (y - 1..=y + 1)
            .filter_map(|yy| named_in(k, yy))
            .find(|d| *d >= from)
    }
}
