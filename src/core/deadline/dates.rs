//! All the date mentions in a text: each rule family pushes its matches in
//! a fixed order (which decides ties between equal spans), then overlaps
//! are resolved in favour of the longer.

use super::cues::Cues;
use super::matches::DateM;
use super::{Ctx, english, holidays_en, numeric, periods, relative};
use crate::model::Lang;

/// All date mentions, overlapping ones resolved in favour of the longer.
/// The families push in a fixed order, which decides ties; `full` also
/// reads the context-only ones (第N天, named days).
pub(super) fn dates(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>, full: bool) -> Vec<DateM> {
    let mut out: Vec<DateM> = Vec::new();
    let ascii_words = ctx.lang == Lang::En || t.is_ascii();
    if cu.digits() {
        numeric::dates(t, cu, ctx, &mut out);
    }
    relative::days_and_weekdays(t, cu, ctx, ascii_words, &mut out);
    if ascii_words {
        relative::en_weekdays(t, cu, ctx, &mut out);
        english::dates(t, cu, ctx, &mut out);
        holidays_en::around_holidays(t, ctx, &mut out);
    }
    periods::periods(t, cu, ctx, ascii_words, &mut out);
    periods::holidays(t, cu, ctx, &mut out);
    periods::nth_days(t, ctx, full, &mut out);
    periods::named_days(t, ctx, ascii_words, full, &mut out);
    // Overlaps: keep the longest span (3月6日 beats 6日).
    out.sort_by_key(|d| (d.start, std::cmp::Reverse(d.end)));
    let mut kept: Vec<DateM> = Vec::new();
    for d in out {
        if let Some(last) = kept.last()
            && d.start < last.end
        {
            continue;
        }
        kept.push(d);
    }
    // 当天 / 当日 / 当晚 is the day named before it ("周四义诊…当天7点前到"),
    // the send day only when none was.
    for i in 1..kept.len() {
        if ["当天", "当日", "当晚"]
            .iter()
            .any(|w| t[kept[i].start..].starts_with(w))
            && let Some(prev) = kept[..i]
                .iter()
                .rev()
                .find(|d| !d.weak && !t[d.start..].starts_with('当'))
        {
            kept[i].date = prev.date;
        }
    }
    kept
}
