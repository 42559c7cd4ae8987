//! Days relative to the send day: 今天/明天/后天, today/tomorrow, and
//! weekdays (周五, 下周一, "next Friday", "Friday week").

use super::Ctx;
use super::cues::{Cue, Cues, caps, finds};
use super::matches::{DateM, add, part_of_day_over, span};
use super::words::{EN_WD, weekday_from};
use crate::core::calendar::days::{next_weekday, prev_weekday, weekday_next_week};
use chrono::{Datelike, Duration, Timelike};
use regex::Regex;
use std::sync::LazyLock;

re!(
    R_REL,
    r"大大后天|大后天|大后日|后天|后日|明天|明日|明早|明晚|明晨|明儿|听日|今天|今日|今晚|今早|今晨|今夜|本日|当天|当日|当晚|大前天|前天|前日|昨天|昨日|昨晚|昨夜|寻日|the day after tomorrow|day after tomorrow|the day after tmrw|day after tmrw|the day before yesterday|day before yesterday|today|tonight|tomorrow|tmrw|this morning|this afternoon|this evening|yesterday|last night"
);

re!(
    pub(super) R_WD_ZH,
    r"(上上个|上上|下下个|下下|下个|下|上个|上|本|这个|这|今个)?(?:周|星期|礼拜)(?:周|星期|礼拜)?([一二三四五六日天1-7])"
);

re!(
    pub(super) R_WD_EN,
    &format!(
        r"(?-u:\b)(this past |this coming |this upcoming |next |this |coming |upcoming |following |last |previous |past )?({EN_WD})(?-u:\b)\.?( week| after next| of next week| of this week| of last week| next week| this week| last week)?"
    )
);

re!(
    R_WD_EN_WEEK,
    &format!(
        r"(?-u:\b)(next|last|this|previous|following) week(?:'s)?,? (?:on )?({EN_WD})(?-u:\b)"
    )
);

/// 今天, 明天, "tomorrow" and Chinese weekdays.
pub(super) fn days_and_weekdays(
    t: &str,
    cu: &Cues<'_>,
    ctx: &Ctx<'_>,
    ascii_words: bool,
    out: &mut Vec<DateM>,
) {
    let sent = ctx.sent.date();
    let rel_cue = ascii_words
        || ['天', '日', '晚', '早', '晨', '夜', '儿']
            .iter()
            .any(|c| cu.has(*c));
    for m in finds(&R_REL, rel_cue, t) {
        let w = m.as_str();
        if part_of_day_over(w, ctx.sent.hour()) {
            continue;
        }
        let (off, pod) = match w {
            "今天" | "今日" | "today" | "当天" | "当日" | "本日" => (0, false),
            "今晚" | "今早" | "今晨" | "今夜" | "当晚" | "tonight" | "this morning"
            | "this afternoon" | "this evening" => (0, true),
            "明天" | "明日" | "明儿" | "听日" | "tomorrow" | "tmrw" => (1, false),
            "明早" | "明晚" | "明晨" => (1, true),
            "后天"
            | "后日"
            | "day after tomorrow"
            | "the day after tomorrow"
            | "day after tmrw"
            | "the day after tmrw" => (2, false),
            "大后天" | "大后日" => (3, false),
            "大大后天" => (4, false),
            "前天" | "前日" | "day before yesterday" | "the day before yesterday" => {
                (-2, false)
            }
            "大前天" => (-3, false),
            "昨晚" | "昨夜" | "last night" => (-1, true),
            _ => (-1, false),
        };
        add(out, span(&m), Some(sent + Duration::days(off)), pod, false);
    }
    let wd_zh = ['周', '期', '拜'].iter().any(|c| cu.has(*c));
    for c in caps(&R_WD_ZH, wd_zh, t) {
        let Some(m) = c.get(0) else { continue };
        let Some(wd) = weekday_from(&c[2]) else {
            continue;
        };
        let date = match c.get(1).map(|p| p.as_str()) {
            Some("下" | "下个") => weekday_next_week(sent, wd),
            Some("下下" | "下下个") => weekday_next_week(sent, wd) + Duration::days(7),
            Some("上" | "上个") => weekday_next_week(sent, wd) - Duration::days(14),
            Some("上上" | "上上个") => weekday_next_week(sent, wd) - Duration::days(21),
            Some("本" | "这" | "这个" | "今个") => {
                let monday = sent - Duration::days(sent.weekday().num_days_from_monday() as i64);
                monday + Duration::days(wd.num_days_from_monday() as i64)
            }
            _ => next_weekday(sent, wd),
        };
        add(out, span(&m), Some(date), false, false);
    }
}

/// English weekdays ("next Friday", "Friday week", "next week Monday"),
/// for English text.
pub(super) fn en_weekdays(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>, out: &mut Vec<DateM>) {
    let sent = ctx.sent.date();
    let has_wd = cu.word(Cue::EnWeekday);
    for c in caps(&R_WD_EN, has_wd, t) {
        let Some(m) = c.get(0) else { continue };
        let Some(wd) = weekday_from(&c[2]) else {
            continue;
        };
        let mut date = match c.get(1).map(|p| p.as_str().trim()) {
            Some("next" | "following") => weekday_next_week(sent, wd),
            // "last Wednesday": last week's.
            Some("last" | "previous") => weekday_next_week(sent, wd) - Duration::days(14),
            Some("past" | "this past") => prev_weekday(sent, wd),
            Some("coming" | "upcoming" | "this coming" | "this upcoming") => {
                next_weekday(sent + Duration::days(1), wd)
            }
            _ => next_weekday(sent, wd),
        };
        match c.get(3).map(|g| g.as_str()) {
            Some(" week" | " after next") => date += Duration::days(7),
            Some(" of next week" | " next week") => date = weekday_next_week(sent, wd),
            Some(" of last week" | " last week") => {
                date = weekday_next_week(sent, wd) - Duration::days(14)
            }
            Some(" of this week" | " this week") => {
                date = weekday_next_week(sent, wd) - Duration::days(7);
            }
            _ => {}
        }
        add(out, span(&m), Some(date), false, false);
    }
    for c in caps(&R_WD_EN_WEEK, has_wd, t) {
        let Some(m) = c.get(0) else { continue };
        let Some(wd) = weekday_from(&c[2]) else {
            continue;
        };
        let next = weekday_next_week(sent, wd);
        let date = match &c[1] {
            "next" | "following" => next,
            "this" => next - Duration::days(7),
            _ => next - Duration::days(14),
        };
        add(out, span(&m), Some(date), false, false);
    }
}
