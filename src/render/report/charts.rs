//! The report's charts as SVG text (plotters): asks and duplicates per
//! office as bars, and per week as lines. Labels name a font list that
//! holds CJK fonts; the browser that opens the page draws them.

use super::words;
use crate::core::report::Report;
use crate::model::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The font families the charts ask for: CJK first, then any sans-serif.
pub const CJK_FONTS: &str = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif";

const ASKS: RGBColor = RGBColor(0x4e, 0x79, 0xa7);
const DUPLICATES: RGBColor = RGBColor(0xe1, 0x57, 0x59);

fn font(size: u32) -> TextStyle<'static> {
    (FontFamily::Name(CJK_FONTS), size).into_font().into()
}

/// Longest label the axes show, in characters.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lang: Lang,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let w = words(lang);
    let (width, _) = root.dim_in_pixel();
    let x = width as i32 - 260;
    for (i, (name, color)) in [(w.columns[0], ASKS), (w.columns[1], DUPLICATES)]
        .into_iter()
        .enumerate()
    {
        let x = x + i as i32 * 120;
        root.draw(&Rectangle::new([(x, 12), (x + 14, 26)], color.filled()))?;
        root.draw(&Text::new(name.to_string(), (x + 20, 12), font(14)))?;
    }
    Ok(())
}

/// Asks and duplicate asks per office, as horizontal bars.
pub fn office_bars_svg(r: &Report, lang: Lang) -> String {
    let mut svg = String::new();
    let n = r.offices.len().max(1) as u32;
    let height = 90 + 44 * n;
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        // Drawing into a string cannot fail but for a plotting bug; an empty
        // chart is then better than no report.
        let _ = draw_office_bars(&root, r, lang, n);
        let _ = root.present();
    }
    svg
}

fn draw_office_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &Report,
    lang: Lang,
    n: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let names: Vec<String> = r.offices.iter().map(|o| clip(&o.office, 14)).collect();
    let max = r
        .offices
        .iter()
        .map(|o| o.figures.asks)
        .max()
        .unwrap_or(1)
        .max(1) as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(words(lang).by_office, font(20))
        .margin(14)
        .x_label_area_size(30)
        .y_label_area_size(230)
        .build_cartesian_2d(0u32..max + max / 10 + 1, (0u32..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                names.get(*i as usize).cloned().unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        })
        .label_style(font(14))
        .draw()?;
    chart.draw_series(r.offices.iter().enumerate().map(|(i, o)| {
        let mut rect = Rectangle::new(
            [
                (0u32, SegmentValue::Exact(i as u32)),
                (o.figures.asks as u32, SegmentValue::Exact(i as u32 + 1)),
            ],
            ASKS.filled(),
        );
        rect.set_margin(8, 24, 0, 0);
        rect
    }))?;
    chart.draw_series(r.offices.iter().enumerate().map(|(i, o)| {
        let mut rect = Rectangle::new(
            [
                (0u32, SegmentValue::Exact(i as u32)),
                (
                    o.figures.duplicate_asks as u32,
                    SegmentValue::Exact(i as u32 + 1),
                ),
            ],
            DUPLICATES.filled(),
        );
        rect.set_margin(24, 8, 0, 0);
        rect
    }))?;
    draw_legend(root, lang)
}

/// Asks and duplicate asks per ISO week, as lines.
pub fn weekly_line_svg(r: &Report, lang: Lang) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 360)).into_drawing_area();
        let _ = draw_weekly(&root, r, lang);
        let _ = root.present();
    }
    svg
}

fn draw_weekly<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &Report,
    lang: Lang,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let weeks: Vec<&str> = r.weeks.iter().map(|w| w.week.as_str()).collect();
    let n = weeks.len().max(1) as i32;
    let max = r
        .weeks
        .iter()
        .map(|w| w.figures.asks)
        .max()
        .unwrap_or(1)
        .max(1) as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(words(lang).by_week, font(20))
        .margin(14)
        .x_label_area_size(34)
        .y_label_area_size(50)
        .build_cartesian_2d(-1i32..n, 0u32..max + max / 10 + 1)?;
    chart
        .configure_mesh()
        .x_labels(weeks.len() + 2)
        .x_label_formatter(&|i| {
            usize::try_from(*i)
                .ok()
                .and_then(|i| weeks.get(i))
                .map(|s| s.to_string())
                .unwrap_or_default()
        })
        .label_style(font(14))
        .draw()?;
    for (color, values) in [
        (
            ASKS,
            r.weeks.iter().map(|w| w.figures.asks).collect::<Vec<_>>(),
        ),
        (
            DUPLICATES,
            r.weeks.iter().map(|w| w.figures.duplicate_asks).collect(),
        ),
    ] {
        let points: Vec<(i32, u32)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as i32, *v as u32))
            .collect();
        chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(3)))?;
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 5, color.filled())),
        )?;
    }
    draw_legend(root, lang)
}
