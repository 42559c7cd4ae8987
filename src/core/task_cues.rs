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
use super::task_model::{Cues, c};
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

/// The phenomenon-level cues a message shows, added to `x`.
pub(super) fn mark(x: &mut Cues, f: &str, deadline: Found, aimed: bool, strong: bool) {
    let minute = matches!(deadline, Found::Deadline(Deadline::Minute(_)));
    let timed = minute || matches!(deadline, Found::Deadline(_));
    x.set(c::CHASER, is_chaser(f, aimed));
    let missing = any(f, STILL_MISSING);
    x.set(c::STILL_MISSING, missing && (aimed || timed));
    x.set(c::STILL_MISSING_UNAIMED, missing && !(aimed || timed));
    // Being somewhere at a time, or a meeting moved: attendance is the ask.
    let attend = any(f, ATTENDANCE) && minute;
    let moved = any(f, MEETINGS) && timed && any(f, MEETING_CHANGED);
    x.set(c::ATTENDANCE, attend || moved);
    x.set(c::DELIVERY_REPORTED, any(f, DELIVERY_REPORTED));
    x.set(
        c::STANDING_MANNER,
        any(f, STANDING_MANNER) && !minute && !strong_hand_in(f),
    );
    // A clarification that sets its own hand-in and time is still an ask.
    x.set(
        c::CLARIFICATION,
        any(f, CLARIFICATIONS) && !minute && !(timed && strong_hand_in(f)),
    );
    x.set(c::HEARSAY, any(f, HEARSAY_NOTICE) && !(strong && minute));
    x.set(c::TO_SUPERIOR, any(f, TO_SUPERIOR) && !f.contains('请'));
    x.set(c::RELAY_TO_ME, R_TO_ME.is_match(f));
    x.set(c::HAND_OVER_CONSTRUCTION, hands_over(f));
    x.set(c::UNITS_ADDRESSED, units_addressed(f));
    x.set(c::TO_READER, R_TO_READER.is_match(f));
}

/// The disposal construction with a hand-over verb ("各村周一把名单核一遍",
/// "下周一前把回复内容给民政课"): an ask, unless the sender is the one
/// doing it ("我把表发群里").
fn hands_over(f: &str) -> bool {
    R_BA.find_iter(f).any(|m| !f[..m.start()].ends_with('我'))
}

static R_BA: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"把[^，。,.;；!！?？]{1,24}?(?:交|报|给|发|送|传|填|核|整理|汇总|统计|准备|上传)",
    )
    .expect("valid regex R_BA")
});

/// "各" before a unit ("各校", "各课室", "各中心校"), not a quantifier
/// ("各种", "各项", "各自").
fn units_addressed(f: &str) -> bool {
    f.match_indices('各').any(|(i, _)| {
        f[i + '各'.len_utf8()..]
            .chars()
            .next()
            .is_some_and(|n| is_han(n) && !"种类项个自样方式位".contains(n))
    })
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Something the sender will hand to the reader ("6点前发你", "I'll send
/// you"): the sender owes it, not the reader.
static R_TO_READER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?:发|报|交|给|送|传)(?:给)?你(?:[^们]|$)|\b(?:i'll|i will|will)\s+(?:send|get|email|forward)\s+(?:it\s+)?(?:to\s+)?you\b")
        .expect("valid regex R_TO_READER")
});

/// Something to be handed to the sender ("周五前发我", "给我看一下",
/// "send me the list"): the sender collects, so the reader owes it.
static R_TO_ME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?:发|报|交|给|送|传|回)(?:给)?我|\b(?:send|email|give|get|forward|pass)\s+(?:it\s+|them\s+|these\s+|this\s+)?(?:over\s+|back\s+)?(?:to\s+)?me\b",
    )
    .expect("valid regex R_TO_ME")
});

/// The hand-set cue weights' sum for a message (tests read the cues'
/// direction through it).
#[cfg(test)]
fn adjust(f: &str, deadline: Found, aimed: bool, strong: bool) -> i32 {
    let mut x = Cues::default();
    mark(&mut x, f, deadline, aimed, strong);
    let m = super::task_model::TaskModel::hand_set();
    (m.logit(x) - m.bias).round() as i32
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

    #[test]
    fn hand_overs_units_and_who_owes_whom() {
        assert!(hands_over("各组下周二把巡检记录交到办公室"));
        assert!(hands_over("周五前把照片发群里"));
        assert!(!hands_over("我把排班表发群里了"));
        assert!(units_addressed("各中队注意"));
        assert!(units_addressed("请各班组长签字"));
        assert!(!units_addressed("各种表格太多了"));
        assert!(!units_addressed("各自保管好"));
        assert!(R_TO_READER.is_match("稍后发你"));
        assert!(R_TO_READER.is_match("i'll send you the rota tonight"));
        assert!(!R_TO_READER.is_match("发你们各组长的表"));
        assert!(R_TO_ME.is_match("明早九点前发我"));
        assert!(R_TO_ME.is_match("please send me the list"));
        assert!(!R_TO_ME.is_match("thanks for the list"));
    }
}
