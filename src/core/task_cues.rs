//! Phenomenon-level cues for task detection, beside the request words of
//! `extract`: chasers that name only the missing piece, attendance and
//! arrival times, meeting changes, and the messages that look like asks but
//! are not (a delivery reported, a standing rule of manner, a clarification,
//! hearsay or an advance notice).

use super::deadline::Found;
use crate::model::Deadline;

/// Something still outstanding, named without a request word.
const STILL_MISSING: &[&str] = &[
    "还没收到",
    "还没看到",
    "还没动",
    "还没回",
    "还没有",
    "没回的",
    "还没交",
    "still open",
    "still outstanding",
    "not in yet",
    "not received",
];

/// Being somewhere at a time: arrival, assembly, sign-in.
const ATTEND: &[&str] = &[
    "到场",
    "报到",
    "报倒",
    "集合",
    "签到",
    "到就好",
    "出发",
    "到岗",
    "参加",
    "参会",
    "be at ",
    "be there",
    "be on ",
    "meet at",
    "meet ",
    "arrive",
    "sign the sheet",
    "sign in",
    "report to",
    "attend",
    "stay for",
];

/// A meeting, drill or session that people attend.
const MEETING: &[&str] = &[
    "会议",
    "大会",
    "例会",
    "培训",
    "演练",
    "教研",
    "班前会",
    "会商",
    "预演",
    "meeting",
    "conference",
    "huddle",
    "drill",
    "training",
    "briefing",
    "toolbox talk",
    "mock code",
    "check-off",
    "dmt",
    "session",
];

/// A meeting moved or its time or place changed.
const CHANGED: &[&str] = &[
    "改到",
    "改为",
    "改成",
    "推迟到",
    "提前到",
    "调整到",
    "moved to",
    "moved",
    "now ",
    "changed to",
    "rescheduled",
];

/// The sender reports something delivered (to be checked by the reader).
const DELIVERED: &[&str] = &[
    "请查收",
    "请审核",
    "请审阅",
    "已发你",
    "已发您",
    "已发到",
    "已寄",
    "已传",
    "已回传",
    "发你邮箱了",
    "发您邮箱",
    "已于",
    "in your inbox",
    "attached for",
    "are in the template",
    "is in the shared",
    "are in the shared",
];

/// Standing rules of manner: how to behave, not a piece of work.
const MANNER: &[&str] = &[
    "保持通讯畅通",
    "保持畅通",
    "通讯畅通",
    "24小时开机",
    "手机开机",
    "坚守岗位",
    "第一时间报告",
    "请勿",
    "注意自身安全",
    "穿长袖",
    "不得离开",
    "keep your phones on",
    "keep phones on",
];

/// A clarification: two things are not one, something is not needed.
const CLARIFY: &[&str] = &[
    "不是一回事",
    "两件事",
    "不是一张表",
    "是两份",
    "不是一份",
    "请勿混报",
    "无需",
    "不需要",
    "no, separate",
    "not the same",
];

/// Hearsay and advance notice of work not yet asked for.
const NOTICE: &[&str] = &[
    "听说",
    "说明天起",
    "好像",
    "拟组织",
    "拟于",
    "到时候",
    "先有个准备",
    "陆续",
    "heads up: the",
    "goes live",
    "i'll post when",
    "if anyone wants",
];

/// The sender promises to deliver to a superior (您: the reader ranks above).
const TO_SUPERIOR: &[&str] = &["给您", "发您", "报您", "送您"];

fn any(f: &str, words: &[&str]) -> bool {
    words.iter().any(|w| f.contains(w))
}

/// A chaser naming only the missing piece ("南湖的呢？", "@x 你们班的呢",
/// "Lauren??"): a task when it is aimed at someone.
fn is_chaser(f: &str, aimed: bool) -> bool {
    let t = f.trim_end_matches(|c: char| c.is_whitespace() || c == '?' || c == '？');
    if t.len() == f.trim_end().len() {
        // No question mark: only 的呢 itself marks a chaser.
        return t.ends_with("的呢");
    }
    if t.ends_with("的呢") || (t.ends_with('呢') && aimed) {
        return true;
    }
    // "Lauren??", "@dev ?": a name alone, nothing asked about.
    let rest: Vec<&str> = t
        .split_whitespace()
        .filter(|w| !w.starts_with('@'))
        .collect();
    aimed && rest.len() <= 1 && rest.iter().all(|w| w.chars().count() <= 12) && !t.ends_with('吗')
}

/// What the cues add to `extract`'s task score.
pub(super) fn adjust(f: &str, deadline: Found, aimed: bool, strong: bool) -> i32 {
    let minute = matches!(deadline, Found::Deadline(Deadline::Minute(_)));
    let timed = minute || matches!(deadline, Found::Deadline(_));
    let mut s = 0;
    if is_chaser(f, aimed) {
        // Outweighs the information-question penalty: a task by itself.
        s += 7;
    }
    if any(f, STILL_MISSING) && (aimed || timed) {
        s += 3;
    }
    // Being somewhere at a time, or a meeting moved: attendance is the ask.
    let attend = any(f, ATTEND) && minute;
    let moved = any(f, MEETING) && timed && any(f, CHANGED);
    if attend || moved {
        s += 3;
    }
    if any(f, DELIVERED) {
        s -= 6;
    }
    if any(f, MANNER) && !minute && !strong_hand_in(f) {
        s -= 5;
    }
    // A clarification that sets its own hand-in and time is still an ask.
    if any(f, CLARIFY) && !minute && !(timed && strong_hand_in(f)) {
        s -= 4;
    }
    if any(f, NOTICE) && !(strong && minute) {
        s -= 4;
    }
    if any(f, TO_SUPERIOR) && !f.contains('请') {
        s -= 5;
    }
    s
}

/// A deliverable named with its hand-in ("下周一前单独报", "schedules
/// posted before…").
fn strong_hand_in(f: &str) -> bool {
    R_HAND_IN_BY.is_match(f)
}

static R_HAND_IN_BY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"前[^，。,.;；]{0,3}?(?:报|交|提交|上传|发)|posted|submit|send ")
        .expect("valid regex R_HAND_IN_BY")
});

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32) -> Found {
        Found::Deadline(Deadline::Minute(
            NaiveDate::from_ymd_opt(2024, 6, 3)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .expect("time"),
        ))
    }

    #[test]
    fn chasers_aimed_at_someone() {
        assert!(is_chaser("@lihua 三班的呢？", true));
        assert!(is_chaser("北区的呢", false));
        assert!(is_chaser("priya??", true));
        assert!(!is_chaser("会议几点开始呢？", false));
        assert!(!is_chaser("priya, thanks for the update", true));
    }

    #[test]
    fn arrival_and_meeting_changes_count() {
        assert!(adjust("例会改到三楼，8点40到就好", at(8), true, false) >= 3);
        assert!(
            adjust(
                "stand-up briefing moved to 1130, room 2",
                at(11),
                false,
                false
            ) >= 3
        );
    }

    #[test]
    fn a_clarification_with_its_own_hand_in_is_an_ask() {
        let monday = Found::Deadline(Deadline::Day(
            NaiveDate::from_ymd_opt(2024, 6, 10).expect("date"),
        ));
        assert!(adjust("两件事，别混。这张表下周一前另外报我", monday, false, true) >= 0);
        assert!(adjust("这张表和上周那张不是一回事", Found::None, false, false) < 0);
    }

    #[test]
    fn look_alikes_that_are_no_asks() {
        assert!(adjust("台账已发您邮箱，请查收", Found::None, true, true) < 0);
        assert!(adjust("假期保持通讯畅通，注意自身安全", Found::None, false, true) < 0);
        assert!(adjust("这张表和上周那张不是一回事", Found::None, false, false) < 0);
        assert!(adjust("听说下周要查消防，大家留意", Found::None, false, false) < 0);
        assert!(adjust("下午4点前给您", at(16), true, false) < 0);
    }
}
