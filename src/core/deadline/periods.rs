//! Periods and holidays: 月底, 本周内, "end of the month", 节后第一个工作日,
//! 国庆前, 第3天, and named days (春节, Easter), which alone are context.

use super::Ctx;
use super::cues::{Cue, Cues, caps, finds};
use super::matches::{DateM, Roll, add, next_char, num, prev_char, span};
use super::words::{full_year, year_rel};
use crate::core::calendar::days::{
    add_months, last_day_of_month, month_day, this_week_friday, ymd,
};
use crate::core::calendar::named::{
    NAMED, NAMED_MAP, Named, TABLE, named_in, named_near, solar_term,
};
use crate::core::lexicon;
use chrono::{Datelike, Duration};
use regex::Regex;
use std::sync::LazyLock;

re!(R_BEFORE_NEXT_HOLIDAY, r"节日?前");

re!(
    R_PERIOD,
    r"本月底|月底|本月末|月末|明年底|明年末|去年底|年底|年末|本周内|这周内|本周之内|本周|这周|(?:这个?|本)(?:礼拜|星期)(?:之?内)?|end of (?:the )?month|month[- ]end|end of (?:the )?week|(?:before|ahead of) the weekend|周末前|this week|end of (?:the )?year|year[- ]end"
);

re!(
    R_FIRST_WORKDAY,
    r"(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后(?:的)?第?1个工作日|(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后上班第?1天|(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|节|假)后上班后?"
);

re!(
    R_HOLIDAY_BEFORE,
    r"(元旦|春节|清明节?|国庆节?|劳动节|五一|端午节?|中秋节?|三八节?|妇女节|christmas|new year'?s?(?: day)?)(?:节)?(前|之前|以前|(?-u:\b))?"
);

re!(R_NTH_DAY, r"(?:(\d{4})年)?第(\d{1,3})天");

re!(
    R_NAMED_SHIFT,
    r"^,? (?:in (a|an|\d+) (year|month|week)s?|(a|an|\d+) (year|month|week)s? (ago|hence|from now|later))(?-u:\b)"
);

static R_NAMED: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = NAMED.iter().flat_map(|(n, _)| n.iter().copied()).collect();
    names.extend(
        TABLE
            .iter()
            .flat_map(|d| d.aliases.iter().map(String::as_str)),
    );
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    let alt: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    let pat = format!(
        r"(?:(\d{{2,4}})\s*年|(今|去|明|前|后|大前)年)?(?:的)?(?:(?-u:\b)(next|last|this|the next|the last|the following|following|upcoming|coming|previous|the previous) )?({})(?:,?\s*(?:of |in )?(this year|next year|last year|\d{{4}})(?-u:\b))?",
        alt.join("|")
    );
    Regex::new(&super::ascii_classes(&pat)).expect("valid named-day regex")
});

/// 月底, 年底, 本周内, "end of the week".
pub(super) fn periods(
    t: &str,
    cu: &Cues<'_>,
    ctx: &Ctx<'_>,
    ascii_words: bool,
    out: &mut Vec<DateM>,
) {
    let sent = ctx.sent.date();
    let period_cue = ['月', '年', '周', '拜', '期'].iter().any(|c| cu.has(*c))
        || (ascii_words && cu.word(Cue::EndOrWeek));
    for m in finds(&R_PERIOD, period_cue, t) {
        let w = m.as_str();
        let date = match w {
            "本月底" | "月底" | "本月末" | "月末" | "end of the month" | "end of month"
            | "month end" | "month-end" => last_day_of_month(sent.year(), sent.month()),
            "年底" | "年末" | "end of the year" | "end of year" | "year end" | "year-end" => {
                ymd(sent.year(), 12, 31)
            }
            "明年底" | "明年末" => ymd(sent.year() + 1, 12, 31),
            "去年底" => ymd(sent.year() - 1, 12, 31),
            "本周" | "这周" | "this week" | "这礼拜" | "这个礼拜" | "本礼拜" | "这星期"
            | "这个星期" | "本星期" => {
                // Only when it times the ask; 本周小结 / "this week's report" name the work.
                let next: String = t[m.end()..].chars().take(2).collect();
                let names_object = next.starts_with('\'')
                    || next.starts_with('的')
                    || next.starts_with('末')
                    || lexicon::WORK_AFTER_WEEK.iter().any(|w| next.starts_with(w))
                    || next
                        .chars()
                        .next()
                        .is_some_and(|c| "一二三四五六日天".contains(c));
                // "本周例会定于周三": a weekday named in the same clause
                // is the day; this week only says which Wednesday.
                let clause: String = t[m.end()..]
                    .chars()
                    .take_while(|c| !"，,。；;\n".contains(*c))
                    .take(24)
                    .collect();
                let names_object = names_object || super::relative::R_WD_ZH.is_match(&clause);
                if names_object {
                    None
                } else {
                    Some(this_week_friday(sent))
                }
            }
            _ => Some(this_week_friday(sent)),
        };
        add(out, span(&m), date, false, false);
    }
}

/// 节后第一个工作日 and the day before a holiday (国庆前, "before Christmas").
pub(super) fn holidays(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>, out: &mut Vec<DateM>) {
    let sent = ctx.sent.date();
    // A bare 节前 / 节日前 ("节前必须学完"): the day before the next holiday's
    // own day (a named one, 端午节前, is read whole and wins the overlap).
    if cu.has('节') {
        for m in R_BEFORE_NEXT_HOLIDAY.find_iter(t) {
            // "节前必须学完" times the ask; "节前安全自查表" names the work.
            let after = &t[m.end()..];
            let times_it = after.is_empty()
                || after.starts_with(['，', '。', ',', '.', '！', '!', '；', ';', ' '])
                || [
                    "必须", "务必", "一定", "要", "需", "请", "完成", "全部", "交", "报", "提交",
                    "发", "把", "做完", "学完", "办完", "弄完",
                ]
                .iter()
                .any(|w| after.starts_with(w));
            if !times_it {
                continue;
            }
            let date = ctx
                .cal
                .holidays()
                .iter()
                .find(|h| h.day > sent)
                .and_then(|h| h.day.pred_opt());
            add(out, span(&m), date, false, true);
        }
    }
    for c in caps(&R_FIRST_WORKDAY, cu.has('后'), t) {
        let Some(m) = c.get(0) else { continue };
        let name = c
            .get(1)
            .or(c.get(2))
            .or(c.get(3))
            .map(|x| x.as_str())
            .unwrap_or("节");
        let date = match name {
            "节" | "假" => ctx.cal.after_break_first_workday(sent),
            n => ctx.cal.first_workday_after_holiday(n, sent),
        };
        add(out, span(&m), date, false, true);
    }
    for c in caps(&R_HOLIDAY_BEFORE, cu.has('前') || cu.word(Cue::Before), t) {
        let Some(m) = c.get(0) else { continue };
        if c.get(2).is_none() {
            continue;
        }
        if c.get(2).is_some_and(|g| g.as_str().is_empty())
            && (!c[1].is_ascii() || !t[..m.start()].trim_end().ends_with("before"))
        {
            continue;
        }
        // "Before X" is the calendar day before the holiday itself.
        let name = &c[1];
        let day = match name {
            "三八" | "三八节" | "妇女节" => month_day(3, 8, sent),
            s if s.starts_with("christmas") => month_day(12, 25, sent),
            s if s.starts_with("new year") => month_day(1, 1, sent),
            "元旦" => ctx
                .cal
                .holiday_day("元旦", sent)
                .or_else(|| month_day(1, 1, sent)),
            "国庆" | "国庆节" => ctx
                .cal
                .holiday_day("国庆", sent)
                .or_else(|| month_day(10, 1, sent)),
            "劳动节" | "五一" => ctx
                .cal
                .holiday_day("劳动节", sent)
                .or_else(|| month_day(5, 1, sent)),
            other => ctx.cal.holiday_day(other, sent).or_else(|| {
                // Outside the calendar's years: the lunar or solar-term day.
                let key = if other.ends_with('节') {
                    other.to_string()
                } else {
                    format!("{other}节")
                };
                NAMED_MAP
                    .get(key.as_str())
                    .or_else(|| NAMED_MAP.get(other))
                    .and_then(|k| named_near(*k, sent, 1))
            }),
        };
        add(out, span(&m), day.and_then(|d| d.pred_opt()), false, true);
    }
}

/// 第3天, 2025年第1天 (context, for [`super::expressions`]).
pub(super) fn nth_days(t: &str, ctx: &Ctx<'_>, full: bool, out: &mut Vec<DateM>) {
    let sent = ctx.sent.date();
    // 第3天 / 2025年第1天: counted from today or from the year's start.
    for c in caps(&R_NTH_DAY, full, t) {
        let Some(m) = c.get(0) else { continue };
        let n: i64 = num(&c, 2);
        let first = match c.get(1) {
            Some(y) => ymd(y.as_str().parse().unwrap_or(0), 1, 1),
            None => Some(sent),
        };
        if let Some(d) = first
            .filter(|_| n >= 1)
            .and_then(|d| d.checked_add_signed(Duration::try_days(n - 1)?))
        {
            out.push(DateM {
                start: m.start(),
                end: m.end(),
                date: d,
                explicit: true,
                weak: true,
                roll: Roll::None,
                alt: None,
            });
        }
    }
}

/// Named days (春节, 中秋, Easter), with a year or a shift ("in 3 years").
pub(super) fn named_days(
    t: &str,
    ctx: &Ctx<'_>,
    ascii_words: bool,
    full: bool,
    out: &mut Vec<DateM>,
) {
    let sent = ctx.sent.date();
    // Named days (春节, 中秋, Easter…) alone are context, not deadlines.
    let named_cue = full && (!t.is_ascii() || ascii_words);
    if named_cue {
        for c in R_NAMED.captures_iter(t) {
            let Some(m) = c.get(0) else { continue };
            let Some(name) = c.get(4) else { continue };
            let Some(&k) = NAMED_MAP.get(name.as_str()) else {
                continue;
            };
            // English names need word boundaries.
            if name.as_str().is_ascii()
                && (prev_char(t, name.start()).is_some_and(|p| p.is_ascii_alphanumeric())
                    || next_char(t, name.end()).is_some_and(|p| p.is_ascii_alphanumeric()))
            {
                continue;
            }
            let year = if let Some(y) = c.get(1) {
                Some(full_year(
                    y.as_str().parse().unwrap_or(0),
                    y.as_str().len(),
                    sent,
                ))
            } else if let Some(r) = c.get(2) {
                Some(sent.year() + year_rel(r.as_str()))
            } else {
                match c.get(5).map(|g| g.as_str()) {
                    Some("this year") => Some(sent.year()),
                    Some("next year") => Some(sent.year() + 1),
                    Some("last year") => Some(sent.year() - 1),
                    Some(y) => y.parse().ok(),
                    None => None,
                }
            };
            let date = match year {
                Some(y) => match k {
                    Named::Term(i) => solar_term(y, i, true),
                    _ => named_in(k, y),
                },
                None => match c.get(3).map(|g| g.as_str()) {
                    Some("last" | "the last" | "previous" | "the previous") => {
                        named_near(k, sent, -1)
                    }
                    _ => named_near(k, sent, 1),
                },
            };
            // "thanksgiving in 3 years", "diwali 2 years ago": the next
            // occurrence from the shifted day.
            let mut end = m.end();
            let mut date = date;
            if year.is_none()
                && c.get(3).is_none()
                && let Some(sc) = t.get(end..).and_then(|r| R_NAMED_SHIFT.captures(r))
            {
                let n = sc.get(1).or(sc.get(3)).map(|g| g.as_str()).unwrap_or("1");
                let n: i32 = n.parse().unwrap_or(1);
                let n = if sc.get(5).is_some_and(|g| g.as_str() == "ago") {
                    -n
                } else {
                    n
                };
                let unit = sc.get(2).or(sc.get(4)).map(|g| g.as_str()).unwrap_or("");
                let base = match unit {
                    "year" => add_months(sent, 12 * n),
                    "month" => add_months(sent, n),
                    _ => Duration::try_weeks(n as i64).and_then(|w| sent.checked_add_signed(w)),
                };
                if let Some(b) = base {
                    date = named_near(k, b, 1);
                    end += sc.get(0).map(|g| g.end()).unwrap_or(0);
                }
            }
            if let Some(date) = date {
                out.push(DateM {
                    start: m.start(),
                    end,
                    date,
                    explicit: true,
                    weak: true,
                    roll: Roll::None,
                    alt: None,
                });
            }
        }
    }
}
