//! The report in a few lines of Telegram HTML, for `/report`: the totals,
//! the top offices, the work asked in most groups, the most overlapping
//! pair of groups and the time saved with its assumptions.

use super::{duration, pair_text, percent, period_text, words};
use crate::core::report::Report;
use crate::model::Lang;
use crate::render::html_escape as esc;
use std::fmt::Write;

/// Rows of each list the summary shows.
const TOP: usize = 3;

pub fn summary(r: &Report, lang: Lang) -> String {
    let w = words(lang);
    let t = &r.totals;
    let zh = lang == Lang::Zh;
    let mut out = format!("<b>{}</b> {}\n", esc(w.title), esc(&period_text(r)));
    let median = t
        .median_notice_minutes
        .map_or_else(|| "–".into(), |m| duration(m, lang));
    let _ = writeln!(
        out,
        "{}",
        esc(&if zh {
            format!(
                "布置 {} 次，其中重复 {} 次（{}）；临时通知 {}，下班后截止 {}，休息日截止 {}，截止冲突 {}，扎堆 {}；通知时长中位数 {median}。",
                t.asks,
                t.duplicate_asks,
                percent(t.duplicate_share),
                t.short_notice,
                t.after_hours,
                t.non_working_day,
                t.conflicting_deadlines,
                t.pileups
            )
        } else {
            format!(
                "{} asks, {} of them duplicates ({}); short notice {}, after hours {}, on a day off {}, conflicting deadlines {}, pile-ups {}; median notice {median}.",
                t.asks,
                t.duplicate_asks,
                percent(t.duplicate_share),
                t.short_notice,
                t.after_hours,
                t.non_working_day,
                t.conflicting_deadlines,
                t.pileups
            )
        })
    );
    if !r.offices.is_empty() {
        let _ = writeln!(out, "\n<b>{}</b>", esc(w.by_office));
        for o in r.offices.iter().take(TOP) {
            let f = &o.figures;
            let _ = writeln!(
                out,
                "• {}: {} {}, {} {} ({})",
                esc(&o.office),
                w.columns[0],
                f.asks,
                w.columns[1],
                f.duplicate_asks,
                percent(f.duplicate_share)
            );
        }
    }
    if !r.top_work.is_empty() {
        let _ = writeln!(out, "\n<b>{}</b>", esc(w.top_work));
        for x in r.top_work.iter().take(TOP) {
            let _ = writeln!(
                out,
                "• {}: {} {}, {} {}",
                esc(&x.title),
                w.group_count,
                x.groups,
                w.people,
                x.people_reached
            );
        }
    }
    if let Some(o) = r.group_overlap.first() {
        let _ = writeln!(
            out,
            "\n<b>{}</b>\n• {}: {} {} ({}). {}",
            esc(w.overlap),
            esc(&pair_text(o)),
            w.shared,
            o.shared_work,
            percent(o.share),
            esc(w.overlap_advice)
        );
    }
    let s = &r.time_saved;
    let _ = write!(
        out,
        "\n<b>{}</b>: {} {}\n{}: {}",
        esc(w.time_saved),
        s.total_hours,
        esc(w.hours),
        esc(w.assumptions),
        esc(&super::assumptions(s, lang).join("; "))
    );
    out
}
