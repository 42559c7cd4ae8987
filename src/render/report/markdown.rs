//! The burden report as Markdown: the same figures as the HTML page, as
//! tables.

use super::{
    Words, conflict_rows, duration, office_rows, pair_text, percent, period_text, row,
    top_work_rows, words,
};
use crate::core::report::Report;
use crate::model::Lang;
use std::fmt::Write;

/// A Markdown table cell: no pipes or line breaks inside.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(head.len()));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

fn with_columns<'a>(first: &'a [&'a str], w: &'a Words) -> Vec<&'a str> {
    first.iter().copied().chain(w.columns).collect()
}

pub fn markdown(r: &Report, lang: Lang) -> String {
    let w = words(lang);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n\n{}: {}\n", w.title, w.period, period_text(r));
    let _ = writeln!(out, "## {}\n", w.totals);
    table(
        &mut out,
        &w.columns,
        &[row(&r.totals, lang).into_iter().collect()],
    );
    let _ = writeln!(out, "## {}\n", w.by_week);
    let rows: Vec<Vec<String>> = r
        .weeks
        .iter()
        .map(|x| {
            std::iter::once(x.week.clone())
                .chain(row(&x.figures, lang))
                .collect()
        })
        .collect();
    table(&mut out, &with_columns(&[w.week], w), &rows);
    let _ = writeln!(out, "## {}\n", w.by_office);
    let rows = office_rows(r, w, lang);
    table(&mut out, &with_columns(&[w.office, w.groups], w), &rows);
    let _ = writeln!(out, "## {}\n", w.top_work);
    let rows = top_work_rows(r);
    table(
        &mut out,
        &[w.work, w.asks, w.group_count, w.people, w.groups],
        &rows,
    );
    let _ = writeln!(out, "## {}\n\n{}\n", w.overlap, w.overlap_advice);
    let rows: Vec<Vec<String>> = r
        .group_overlap
        .iter()
        .map(|o| vec![pair_text(o), o.shared_work.to_string(), percent(o.share)])
        .collect();
    table(&mut out, &[w.pair, w.shared, w.share], &rows);
    let _ = writeln!(out, "## {}\n", w.conflicts);
    let rows = conflict_rows(r);
    table(&mut out, &[w.work, w.group_count, w.deadlines], &rows);
    let _ = writeln!(out, "## {}\n", w.pileups);
    let rows: Vec<Vec<String>> = r
        .pileups
        .iter()
        .map(|p| vec![p.person.clone(), p.deadlines.join(", "), p.work.join("; ")])
        .collect();
    table(&mut out, &[w.person, w.deadlines, w.work], &rows);
    let t = &r.time_saved;
    let _ = writeln!(
        out,
        "## {}\n\n**{} {}** ({})\n",
        w.time_saved,
        t.total_hours,
        w.hours,
        duration(t.total_minutes, lang)
    );
    let _ = writeln!(out, "{}:\n", w.assumptions);
    for a in &super::assumptions(t, lang) {
        let _ = writeln!(out, "- {a}");
    }
    out
}
