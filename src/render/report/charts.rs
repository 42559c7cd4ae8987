//! The report's charts (plotters): asks and duplicates per office as bars,
//! and per week as lines; as SVG text for the HTML page (labels name a list
//! of CJK font families, the browser draws them) and as one PNG for
//! Telegram (labels drawn from the font [`super::font`] registered).

use super::words;
use crate::core::report::{OfficeRow, Report};
use crate::model::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A chart that could not be drawn: no font to measure its labels with, or
/// (a plotting bug) a drawing error; the report goes on without it.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ChartError {
    #[error(transparent)]
    Font(#[from] super::font::FontError),
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
}

fn drawn<E: std::error::Error + Send + Sync>(
    r: Result<(), DrawingAreaErrorKind<E>>,
) -> Result<(), ChartError> {
    r.map_err(|e| ChartError::Draw(e.to_string()))
}

/// Offices the PNG shows, most asks first (the page shows them all).
pub const PNG_OFFICES: usize = 12;
pub const PNG_WIDTH: u32 = 1000;

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

fn bars_height(offices: usize) -> u32 {
    90 + 44 * offices.max(1) as u32
}

const WEEKLY_HEIGHT: u32 = 360;

/// Asks and duplicate asks per office, as horizontal bars.
pub fn office_bars_svg(r: &Report, lang: Lang) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, bars_height(r.offices.len())))
            .into_drawing_area();
        drawn(draw_office_bars(&root, &r.offices, lang))?;
        drawn(root.present())?;
    }
    Ok(svg)
}

fn draw_office_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    offices: &[OfficeRow],
    lang: Lang,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = offices.len().max(1) as u32;
    let names: Vec<String> = offices.iter().map(|o| clip(&o.office, 14)).collect();
    let max = offices
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
        // Segments 0..=n-1, one per office.
        .build_cartesian_2d(0u32..max + max / 10 + 1, (0u32..n - 1).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                // The most asks on top: row 0 is the last office.
                names
                    .get((n - 1).saturating_sub(*i) as usize)
                    .cloned()
                    .unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        })
        .label_style(font(14))
        .draw()?;
    chart.draw_series(offices.iter().enumerate().map(|(i, o)| {
        let mut rect = Rectangle::new(
            [
                (0u32, SegmentValue::Exact(n - 1 - i as u32)),
                (o.figures.asks as u32, SegmentValue::Exact(n - i as u32)),
            ],
            ASKS.filled(),
        );
        rect.set_margin(8, 24, 0, 0);
        rect
    }))?;
    chart.draw_series(offices.iter().enumerate().map(|(i, o)| {
        let mut rect = Rectangle::new(
            [
                (0u32, SegmentValue::Exact(n - 1 - i as u32)),
                (
                    o.figures.duplicate_asks as u32,
                    SegmentValue::Exact(n - i as u32),
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
pub fn weekly_line_svg(r: &Report, lang: Lang) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, WEEKLY_HEIGHT)).into_drawing_area();
        drawn(draw_weekly(&root, r, lang))?;
        drawn(root.present())?;
    }
    Ok(svg)
}

/// Both charts as SVG, or why they cannot be drawn.
pub fn svgs(r: &Report, lang: Lang) -> Result<[String; 2], ChartError> {
    Ok([office_bars_svg(r, lang)?, weekly_line_svg(r, lang)?])
}

/// Both charts, bars over lines, as one PNG for Telegram: 1000 px wide and
/// at most 90 + 44 × 12 + 360 = 978 px high (the top offices only), well
/// inside a photo's limits (10 MB, width + height ≤ 10000, sides ≤ 20:1).
/// Needs [`super::font::ensure`] to have found a font.
pub fn png(r: &Report, lang: Lang) -> Result<Vec<u8>, ChartError> {
    let offices = &r.offices[..r.offices.len().min(PNG_OFFICES)];
    let (w, top) = (PNG_WIDTH, bars_height(offices.len()));
    let h = top + WEEKLY_HEIGHT;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        let (upper, lower) = root.split_vertically(top);
        drawn(draw_office_bars(&upper, offices, lang))?;
        drawn(draw_weekly(&lower, r, lang))?;
        drawn(root.present())?;
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()
        .and_then(|mut wr| wr.write_image_data(&rgb))
        .map_err(|e| ChartError::Draw(e.to_string()))?;
    Ok(out)
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
        .max_light_lines(2)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::report::{Figures, OfficeRow, Period, TimeSaved, WeekRow};
    use chrono::NaiveDate;

    fn report(offices: usize, weeks: usize) -> Report {
        let day = NaiveDate::from_ymd_opt(2024, 3, 4).expect("date");
        let f = |asks| Figures {
            asks,
            duplicate_asks: asks / 3,
            ..Figures::default()
        };
        Report {
            period: Period {
                from: day,
                to: day + chrono::Duration::weeks(weeks as i64),
                short_notice_minutes: 120,
                workday_end: "17:30".into(),
            },
            totals: f(offices * 10),
            weeks: (0..weeks)
                .map(|i| WeekRow {
                    week: format!("2024-W{:02}", 10 + i),
                    starts: day + chrono::Duration::weeks(i as i64),
                    figures: f(10 + i),
                })
                .collect(),
            offices: (0..offices)
                .map(|i| OfficeRow {
                    office: format!("第{i}县应急管理局"),
                    named_in_title: true,
                    groups: vec![],
                    figures: f(offices + 1 - i),
                })
                .collect(),
            top_work: vec![],
            conflicts: vec![],
            pileups: vec![],
            group_overlap: vec![],
            time_saved: TimeSaved {
                minutes_per_duplicate: 30.0,
                minutes_per_group_post: 1.0,
                duplicate_asks: 0,
                group_posts_read: 0,
                by_duplicate_warnings_minutes: 0.0,
                by_digest_minutes: 0.0,
                total_minutes: 0.0,
                total_hours: 0.0,
                assumptions: vec![],
            },
        }
    }

    /// Width and height from a PNG's IHDR chunk.
    fn size(png: &[u8]) -> (u32, u32) {
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
        (be(16), be(20))
    }

    #[test]
    fn the_png_stays_a_telegram_photo_however_many_offices_and_weeks() {
        if let Err(e) = super::super::font::ensure(None) {
            println!("skipped: {e}");
            return;
        }
        for (offices, weeks) in [(1, 1), (3, 52), (400, 12)] {
            let png = png(&report(offices, weeks), Lang::Zh).expect("drawn");
            let (w, h) = size(&png);
            // Telegram: at most 10 MB, width + height 10000, sides 20:1.
            assert!(png.len() <= 10 << 20, "{} bytes", png.len());
            assert!(w + h <= 10_000 && w.max(h) <= 20 * w.min(h), "{w}x{h}");
            assert_eq!(w, PNG_WIDTH);
            assert_eq!(h, 90 + 44 * offices.min(PNG_OFFICES) as u32 + 360);
        }
    }
}
