//! Phenomenon-level cues for task detection, beside the request words of
//! `extract`: chasers that name only the missing piece, attendance and
//! arrival times, meeting changes, and the messages that look like asks but
//! are not (a delivery reported, a standing rule of manner, a clarification,
//! hearsay or an advance notice).

use super::deadline::Found;
use super::lexicon::{
    ATTENDANCE, CLARIFICATIONS, DELIVERY_REPORTED, HEARSAY_NOTICE, MEETING_CHANGED, MEETINGS,
    STANDING_MANNER, STILL_MISSING, TO_SUPERIOR, Words,
};
use crate::model::Deadline;

fn any(f: &str, words: Words) -> bool {
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
    let attend = any(f, ATTENDANCE) && minute;
    let moved = any(f, MEETINGS) && timed && any(f, MEETING_CHANGED);
    if attend || moved {
        s += 3;
    }
    if any(f, DELIVERY_REPORTED) {
        s -= 6;
    }
    if any(f, STANDING_MANNER) && !minute && !strong_hand_in(f) {
        s -= 5;
    }
    // A clarification that sets its own hand-in and time is still an ask.
    if any(f, CLARIFICATIONS) && !minute && !(timed && strong_hand_in(f)) {
        s -= 4;
    }
    if any(f, HEARSAY_NOTICE) && !(strong && minute) {
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
