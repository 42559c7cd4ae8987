//! The burden report as one self-contained HTML page: inline SVG charts,
//! inline styles, no scripts, nothing fetched.

use super::charts::{CJK_FONTS, svgs};
use super::font::FontError;
use super::{
    Words, conflict_rows, duration, office_rows, percent, period_text, row, top_work_rows, words,
};
use crate::core::report::Report;
use crate::model::Lang;
use crate::render::html_escape as esc;
use std::fmt::Write;

fn table(out: &mut String, head: &[&str], rows: &[Vec<String>], none: &str) {
    out.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\">{}</td></tr>",
            head.len(),
            esc(none)
        );
    }
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", esc(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

fn heads<'a>(first: &'a [&'a str], w: &'a Words) -> Vec<&'a str> {
    first.iter().copied().chain(w.columns).collect()
}

/// The page; `font` is whether the charts have a font to measure their
/// labels with (without one they are left out, and the page says why).
pub fn html(r: &Report, lang: Lang, font: Result<(), FontError>) -> String {
    let w = words(lang);
    let charts = font
        .map_err(super::ChartError::from)
        .and_then(|()| svgs(r, lang));
    let chart = |i: usize| match &charts {
        Ok(c) => c[i].clone(),
        Err(e) if i == 0 => format!("<p class=\"note\">{}</p>\n", esc(&e.to_string())),
        Err(_) => String::new(),
    };
    let mut out = String::new();
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>\
         body{{font-family:{CJK_FONTS};margin:24px;color:#222;max-width:1000px}}\
         table{{border-collapse:collapse;margin:8px 0 20px}}\
         th,td{{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}}\
         th{{background:#f2f2f2}} .big{{font-size:28px;font-weight:bold}}\
         .bar{{display:inline-block;height:10px;background:#e15759;margin-right:6px}}\
         svg{{max-width:100%;height:auto;display:block;margin:8px 0}} .note{{color:#a33}}\
         </style></head><body>\n<h1>{title}</h1><p>{period}: {range}</p>\n",
        title = esc(w.title),
        period = esc(w.period),
        range = esc(&period_text(r)),
    );
    let t = &r.totals;
    let _ = writeln!(
        out,
        "<p><span class=\"big\">{}</span> {} · <span class=\"big\">{}</span> {} ({}) · \
         <span class=\"big\">{}</span> {}</p>",
        t.asks,
        esc(w.columns[0]),
        t.duplicate_asks,
        esc(w.columns[1]),
        percent(t.duplicate_share),
        r.time_saved.total_hours,
        esc(&format!("{} · {}", w.hours, w.time_saved)),
    );
    let _ = writeln!(out, "<h2>{}</h2>", esc(w.totals));
    table(
        &mut out,
        &w.columns,
        &[row(t, lang).into_iter().collect()],
        w.none,
    );
    out.push_str(&chart(0));
    let _ = writeln!(out, "<h2>{}</h2>", esc(w.by_office));
    let rows = office_rows(r, w, lang);
    table(&mut out, &heads(&[w.office, w.groups], w), &rows, w.none);
    out.push_str(&chart(1));
    let _ = writeln!(out, "<h2>{}</h2>", esc(w.by_week));
    let rows: Vec<Vec<String>> = r
        .weeks
        .iter()
        .map(|x| {
            std::iter::once(x.week.clone())
                .chain(row(&x.figures, lang))
                .collect()
        })
        .collect();
    table(&mut out, &heads(&[w.week], w), &rows, w.none);
    let _ = writeln!(
        out,
        "<h2>{}</h2><p>{}</p>",
        esc(w.overlap),
        esc(w.overlap_advice)
    );
    overlap_table(&mut out, r, w);
    let _ = writeln!(out, "<h2>{}</h2>", esc(w.top_work));
    let rows = top_work_rows(r);
    table(
        &mut out,
        &[w.work, w.asks, w.group_count, w.people, w.groups],
        &rows,
        w.none,
    );
    let _ = writeln!(out, "<h2>{}</h2>", esc(w.conflicts));
    let rows = conflict_rows(r);
    table(
        &mut out,
        &[w.work, w.group_count, w.deadlines],
        &rows,
        w.none,
    );
    let _ = writeln!(out, "<h2>{}</h2>", esc(w.pileups));
    let rows: Vec<Vec<String>> = r
        .pileups
        .iter()
        .map(|p| vec![p.person.clone(), p.deadlines.join(", "), p.work.join("; ")])
        .collect();
    table(&mut out, &[w.person, w.deadlines, w.work], &rows, w.none);
    let s = &r.time_saved;
    let _ = write!(
        out,
        "<h2>{}</h2><p><span class=\"big\">{} {}</span> ({})</p><p>{}:</p><ul>",
        esc(w.time_saved),
        s.total_hours,
        esc(w.hours),
        esc(&duration(s.total_minutes, lang)),
        esc(w.assumptions)
    );
    for a in &super::assumptions(s, lang) {
        let _ = write!(out, "<li>{}</li>", esc(a));
    }
    out.push_str("</ul>\n</body></html>\n");
    out
}

/// Group pairs with a bar for their share of shared work.
fn overlap_table(out: &mut String, r: &Report, w: &Words) {
    out.push_str("<table><thead><tr>");
    for h in [w.pair, w.shared, w.share] {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    if r.group_overlap.is_empty() {
        let _ = write!(out, "<tr><td colspan=\"3\">{}</td></tr>", esc(w.none));
    }
    for o in &r.group_overlap {
        let _ = write!(
            out,
            "<tr><td>{} ↔ {}</td><td>{}</td><td><span class=\"bar\" style=\"width:{}px\"></span>{}</td></tr>",
            esc(&o.a.title),
            esc(&o.b.title),
            o.shared_work,
            (o.share * 160.0).round() as i64,
            percent(o.share)
        );
    }
    out.push_str("</tbody></table>\n");
}
