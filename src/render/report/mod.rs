//! The burden report ([`crate::core::report`]) for people: Markdown tables,
//! and one self-contained HTML page with SVG charts. The words are the
//! organisation's language; the JSON form is the report itself.

mod charts;
pub mod font;
mod html;
mod markdown;
mod summary;

pub use charts::{CJK_FONTS, ChartError, PNG_OFFICES, PNG_WIDTH, png, svgs};
pub use html::html;
pub use markdown::markdown;
pub use summary::summary;

use crate::core::report::{Figures, Report};
use crate::model::Lang;

/// The words of the report in one language.
pub(crate) struct Words {
    pub title: &'static str,
    pub period: &'static str,
    pub totals: &'static str,
    pub by_week: &'static str,
    pub by_office: &'static str,
    pub top_work: &'static str,
    pub conflicts: &'static str,
    pub pileups: &'static str,
    pub overlap: &'static str,
    pub overlap_advice: &'static str,
    pub time_saved: &'static str,
    pub assumptions: &'static str,
    pub week: &'static str,
    pub office: &'static str,
    pub groups: &'static str,
    pub owner: &'static str,
    /// The figures' column heads, in [`row`]'s order.
    pub columns: [&'static str; 10],
    pub work: &'static str,
    pub asks: &'static str,
    pub group_count: &'static str,
    pub people: &'static str,
    pub deadlines: &'static str,
    pub person: &'static str,
    pub pair: &'static str,
    pub shared: &'static str,
    pub share: &'static str,
    pub none: &'static str,
    pub hours: &'static str,
}

pub(crate) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

const ZH: Words = Words {
    title: "工作负担报告",
    period: "统计期间",
    totals: "总体",
    by_week: "按周",
    by_office: "按发起单位",
    top_work: "被最多群重复布置的工作",
    conflicts: "截止时间冲突",
    pileups: "截止时间扎堆",
    overlap: "群之间的重复",
    overlap_advice: "重复最多的两个群，建议合并或统一布置",
    time_saved: "估计节省的时间",
    assumptions: "假设",
    week: "周",
    office: "单位",
    groups: "群",
    owner: "群主",
    columns: [
        "布置",
        "重复",
        "重复占比",
        "有截止",
        "临时通知",
        "下班后截止",
        "休息日截止",
        "冲突",
        "扎堆",
        "通知时长中位数",
    ],
    work: "工作",
    asks: "布置次数",
    group_count: "群数",
    people: "涉及人数",
    deadlines: "截止时间",
    person: "人员",
    pair: "两个群",
    shared: "共同工作",
    share: "占比",
    none: "无",
    hours: "小时",
};

const EN: Words = Words {
    title: "Workload report",
    period: "Period",
    totals: "Overall",
    by_week: "By week",
    by_office: "By asking office",
    top_work: "Work asked in the most groups",
    conflicts: "Conflicting deadlines",
    pileups: "Deadline pile-ups",
    overlap: "Group overlap",
    overlap_advice: "Groups that ask the same work most: consider merging or coordinating them",
    time_saved: "Estimated time saved",
    assumptions: "Assumptions",
    week: "Week",
    office: "Office",
    groups: "Groups",
    owner: "Owner",
    columns: [
        "Asks",
        "Duplicates",
        "Duplicate share",
        "With deadline",
        "Short notice",
        "After hours",
        "Day off",
        "Conflicts",
        "Pile-ups",
        "Median notice",
    ],
    work: "Work",
    asks: "Asks",
    group_count: "Groups",
    people: "People reached",
    deadlines: "Deadlines",
    person: "Person",
    pair: "Groups",
    shared: "Shared work",
    share: "Share",
    none: "none",
    hours: "h",
};

/// One row's figures as cells, in [`Words::columns`]'s order.
pub(crate) fn row(f: &Figures, lang: Lang) -> [String; 10] {
    [
        f.asks.to_string(),
        f.duplicate_asks.to_string(),
        percent(f.duplicate_share),
        f.with_deadline.to_string(),
        f.short_notice.to_string(),
        f.after_hours.to_string(),
        f.non_working_day.to_string(),
        f.conflicting_deadlines.to_string(),
        f.pileups.to_string(),
        f.median_notice_minutes
            .map_or_else(|| "–".into(), |m| duration(m, lang)),
    ]
}

/// One row per asking office: the office, its groups (with their owners),
/// then its figures, as both the page and the Markdown tables show them.
pub(crate) fn office_rows(r: &Report, w: &Words, lang: Lang) -> Vec<Vec<String>> {
    r.offices
        .iter()
        .map(|o| {
            let groups: Vec<String> = o
                .groups
                .iter()
                .map(|g| match &g.owner_name {
                    Some(n) => format!("{} ({}: {n})", g.title, w.owner),
                    None => g.title.clone(),
                })
                .collect();
            [o.office.clone(), groups.join("; ")]
                .into_iter()
                .chain(row(&o.figures, lang))
                .collect()
        })
        .collect()
}

/// One row per piece of work asked in the most groups: its title, asks,
/// groups, people reached and the groups' titles.
pub(crate) fn top_work_rows(r: &Report) -> Vec<Vec<String>> {
    r.top_work
        .iter()
        .map(|x| {
            vec![
                x.title.clone(),
                x.asks.to_string(),
                x.groups.to_string(),
                x.people_reached.to_string(),
                x.group_titles.join("; "),
            ]
        })
        .collect()
}

/// One row per piece of work with conflicting deadlines: its title, how
/// many groups asked, the deadlines they gave.
pub(crate) fn conflict_rows(r: &Report) -> Vec<Vec<String>> {
    r.conflicts
        .iter()
        .map(|c| {
            vec![
                c.title.clone(),
                c.groups.to_string(),
                c.deadlines.join(", "),
            ]
        })
        .collect()
}

pub(crate) fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Minutes as the largest sensible unit: `2 d 5 h`, `3 h 10 min`, `45 min`.
pub(crate) fn duration(minutes: f64, lang: Lang) -> String {
    let m = minutes.round() as i64;
    let (d, h, mm) = (m / 1440, (m % 1440) / 60, m % 60);
    let (ud, uh, um) = match lang {
        Lang::Zh => ("天", "小时", "分钟"),
        Lang::En => (" d", " h", " min"),
    };
    let sep = if lang == Lang::Zh { "" } else { " " };
    if d != 0 {
        format!("{d}{ud}{sep}{h}{uh}")
    } else if h != 0 {
        format!("{h}{uh}{sep}{mm}{um}")
    } else {
        format!("{mm}{um}")
    }
}

/// The time-saved estimate's assumptions in the report's language (the
/// JSON keeps the core's English sentences).
pub(crate) fn assumptions(t: &crate::core::report::TimeSaved, lang: Lang) -> Vec<String> {
    match lang {
        Lang::En => t.assumptions.clone(),
        Lang::Zh => vec![
            format!(
                "每次没被发现的重复布置耗费 {} 分钟（同一项工作做两遍或事后核对）",
                t.minutes_per_duplicate
            ),
            format!(
                "每条布置让收到的每个人花 {} 分钟在群里查找和跟踪；摘要把它列出来，省去这一步",
                t.minutes_per_group_post
            ),
        ],
    }
}

/// The period as `2024-03-04 – 2024-03-17` (the last day, inclusive).
pub(crate) fn period_text(r: &Report) -> String {
    let last = r.period.to.pred_opt().unwrap_or(r.period.to);
    format!("{} – {}", r.period.from, last)
}

/// A group pair as "A ↔ B".
pub(crate) fn pair_text(o: &crate::core::report::Overlap) -> String {
    format!("{} ↔ {}", o.a.title, o.b.title)
}
