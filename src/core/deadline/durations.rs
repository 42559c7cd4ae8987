//! Durations and offsets from the send time: N小时内, 半小时内, 还有N分钟,
//! "within N hours" as
//! deadlines, ago spans (两天前) that rule a date out, and 提前N分钟.

use super::cues::{Cue, Cues, caps, finds};
use super::{Cand, Ctx};
use crate::model::Deadline;
use chrono::Duration;
use regex::Regex;
use std::sync::LazyLock;

re!(
    R_DURATION,
    r"(\d+|半)\s*个?(小时|分钟|天|日|工作日)(?:内|之内|以内)|(?-u:\b)within (?:the next )?(\d+|half an?) (hours?|minutes?|mins?|days?|business days?|working days?)(?-u:\b)|(?-u:\b)(?:closes |due |ends )?in (\d+|half an?) (minutes?|mins?|hours?)(?-u:\b)|还(?:有|剩)\s*(\d+|半)\s*个?(小时|分钟)"
);

re!(
    R_AGO,
    r"(\d+)\s*个?(天|小时|分钟|周|星期|个月|月|年)(?:之|以)?前|(?-u:\b)\d+ (?:days?|hours?|minutes?|weeks?|months?) ago(?-u:\b)"
);

re!(R_EARLY, r"提前(\d+)分钟|(\d+) min(?:ute)?s? early");

/// The spans of ago phrases (两天前, "3 days ago"): a date inside one is no
/// deadline.
pub(super) fn ago_spans(t: &str, cu: &Cues<'_>) -> Vec<(usize, usize)> {
    if cu.digits() {
        let cue = cu.has('前') || cu.word(Cue::Ago);
        finds(&R_AGO, cue, t)
            .map(|m| (m.start(), m.end()))
            .collect()
    } else {
        Vec::new()
    }
}

/// N小时内, "within N days", "in 30 minutes": deadlines from the send time.
pub(super) fn durations(t: &str, cu: &Cues<'_>, ctx: &Ctx<'_>, out: &mut Vec<Cand>) {
    // 还有40分钟 (a chaser's time left) counts from the send time too.
    let cue = cu.has('内') || cu.has('还') || cu.word(Cue::In);
    for c in caps(&R_DURATION, cue, t) {
        let Some(m) = c.get(0) else { continue };
        // "简报（3分钟内）", "发言控制在5分钟以内", "(under 10 minutes)": how
        // long something lasts, not when it is due.
        let lead = t[..m.start()].trim_end();
        if [
            "(",
            "（",
            "控制在",
            "限",
            "不超过",
            "限时",
            "under",
            "no more than",
            // "接班后30分钟内": counted from an event, not from the message.
            "后",
        ]
        .iter()
        .any(|w| lead.ends_with(w))
        {
            continue;
        }
        let num = c
            .get(1)
            .or(c.get(3))
            .or(c.get(5))
            .or(c.get(7))
            .map(|g| g.as_str())
            .unwrap_or("0");
        let unit = c
            .get(2)
            .or(c.get(4))
            .or(c.get(6))
            .or(c.get(8))
            .map(|g| g.as_str())
            .unwrap_or("");
        // 半小时 / "half an hour": thirty minutes; half of any other unit is
        // too vague to be a deadline.
        let half = num == "半" || num.starts_with("half");
        if half && !(unit.starts_with("小时") || unit.starts_with("hour")) {
            continue;
        }
        let n: i64 = num.parse().unwrap_or(0);
        let unit = if half { "分钟" } else { unit };
        let n = if half { 30 } else { n };
        // Checked: a run of digits ("2024122024小时内") is no duration and
        // must not overflow the calendar.
        // A duration beyond a year or so is a count, not a time to hand in.
        let later = |d: Option<Duration>| {
            d.filter(|d| d.num_days() <= 400)
                .and_then(|d| ctx.sent.checked_add_signed(d))
        };
        let dl = if unit.starts_with("小时") || unit.starts_with("hour") {
            let Some(t) = later(Duration::try_hours(n)) else {
                continue;
            };
            Deadline::Minute(t)
        } else if unit.starts_with("分钟") || unit.starts_with("min") {
            let Some(t) = later(Duration::try_minutes(n)) else {
                continue;
            };
            Deadline::Minute(t)
        } else if unit.contains("工作日") || unit.contains("business") || unit.contains("working")
        {
            Deadline::Day(
                ctx.cal
                    .add_workdays(ctx.sent.date(), n.clamp(0, 366) as u32),
            )
        } else {
            let Some(t) = later(Duration::try_days(n)) else {
                continue;
            };
            Deadline::Day(t.date())
        };
        out.push(Cand {
            start: m.start(),
            end: m.end(),
            deadline: dl,
            score: 5,
            dayless: false,
        });
    }
}

/// Moves the meeting time before 提前N分钟 / "N minutes early" that much earlier.
pub(super) fn arrive_early(t: &str, cu: &Cues<'_>, out: &mut [Cand]) {
    // "提前10分钟到场": the meeting time before it, moved earlier, is the arrival time.
    if cu.word(Cue::Early)
        && let Some(c) = R_EARLY.captures(t)
        && let Some(m) = c.get(0)
    {
        let mins: i64 = c
            .get(1)
            .or(c.get(2))
            .and_then(|g| g.as_str().parse().ok())
            .unwrap_or(0);
        if let Some(cand) = out
            .iter_mut()
            .rev()
            .find(|x| x.start < m.start() && matches!(x.deadline, Deadline::Minute(_)))
        {
            if let Deadline::Minute(at) = cand.deadline
                && let Some(early) =
                    Duration::try_minutes(mins).and_then(|d| at.checked_sub_signed(d))
            {
                cand.deadline = Deadline::Minute(early);
                cand.score += 3;
            }
        }
    }
}
