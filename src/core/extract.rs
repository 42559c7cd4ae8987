//! Extraction: is a message a task, what is its deadline, who is it for?
//!
//! Pure: the message, its context and the send time in, a verdict out.

use super::deadline::{self, Ctx, Found};
use super::normalize::fold;
use super::task_cues;
use crate::model::{Assignees, Deadline, UserId};
use aho_corasick::AhoCorasick;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A person the text may name.
#[derive(Debug, Clone)]
pub struct Named<'a> {
    pub user: UserId,
    /// Folded (`normalize::fold`): compared with the folded text as is, so
    /// a big group costs no folding per member per message.
    pub name: &'a str,
    /// Lower-cased.
    pub username: Option<&'a str>,
}

/// Everything extraction reads about one message.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub text: &'a str,
    pub sender: UserId,
    /// Users the message's entities mention, already resolved.
    pub mentioned: &'a [UserId],
    /// Members of the chat (besides the sender) whose plain-text names count.
    pub members: &'a [Named<'a>],
    pub is_reply: bool,
    /// The sender owns (administers) the group: most asks come from owners.
    pub sender_is_owner: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub is_task: bool,
    /// How strongly the text reads as an ask (for explanations).
    pub task_score: i32,
    pub deadline: Found,
    pub assignees: Assignees,
    pub folded: String,
}

const ACKS: &[&str] = &[
    "收到",
    "好的",
    "好",
    "明白",
    "已收到",
    "收到了",
    "ok",
    "okay",
    "ok!",
    "好嘞",
    "嗯",
    "谢谢",
    "辛苦了",
    "辛苦",
    "了解",
    "got it",
    "will do",
    "thanks",
    "thank you",
    "noted",
    "roger",
    "on it",
    "done",
    "sent",
    "yes",
    "sure",
    "收到👌",
    "👍",
    "👌",
    "🙏",
];

/// Words that on their own make a message an ask.
const STRONG: &[&str] = &[
    "请",
    "麻烦",
    "务必",
    "抓紧",
    "尽快",
    "必须",
    "记得",
    "别忘",
    "不要忘",
    "要求",
    "提醒",
    "需要",
    "一定要",
    "每天",
    "每日",
    "发这里",
    "发群里",
    "交这里",
    "报我",
    "发我",
    "给我",
    "交我",
    "报过来",
    "发过来",
    "你把",
    "你去",
    "你负责",
    "你跟",
    "你带",
    "你和",
    "你排",
    "你准备",
    "你弄",
    "一下",
    "补交",
    "补报",
    "重新报",
    "重新发",
    "速报",
    "立即",
    "准时",
    "截止",
    "前报",
    "前交",
    "前提交",
    "前上传",
    "前完成",
    "前发",
    "前上报",
    "前填报",
    "前录入",
    "前到",
    "前收齐",
    "没交的",
    "还没交",
    "还没报",
    "还差",
    "没发的",
    "没报的",
    "未报",
    "未交",
    "未上传",
    "抓紧",
    "please",
    "pls",
    "need ",
    "needs ",
    "must",
    "required",
    "reminder",
    "remind",
    "due",
    "deadline",
    "make sure",
    "still missing",
    "still need",
    "haven't",
    "hasn't",
    "can you",
    "could you",
    "would you",
    "if you can",
    "if you have a minute",
    "asap",
    "wants",
];

/// Verbs that hand something in or do something.
const HAND_IN: &[&str] = &[
    "报送", "上报", "提交", "交", "报", "发", "上传", "反馈", "填报", "录入", "回复", "参加",
    "参会", "到场", "签到", "转发", "点赞", "完成", "统计", "排查", "拍照", "组织", "开展", "设置",
    "收缴", "动员", "集合", "值班", "到岗", "落实", "做好", "submit", "send", "upload", "fill",
    "share", "attend", "join", "check in", "complete", "finish", "update", "grab", "return",
    "text ", "photo", "drop",
];

/// English imperatives at the start of a sentence.
const IMPERATIVE: &[&str] = &[
    "send",
    "submit",
    "upload",
    "fill",
    "complete",
    "share",
    "drop",
    "get ",
    "grab",
    "return",
    "bring",
    "check",
    "text ",
    "update",
    "make sure",
    "finish",
    "email",
    "call",
    "post",
    "print",
    "sign",
    "bring",
    "join",
    "attend",
    "arrive",
    "report",
    "confirm",
    "reply",
    "respond",
    "add ",
    "log ",
    "book",
    "order",
];

/// Thanks, praise and well-wishing: closing words, not asks.
const THANKS: &[&str] = &[
    "谢谢",
    "感谢",
    "辛苦",
    "表扬",
    "不错",
    "圆满",
    "注意安全",
    "快乐",
    "thanks",
    "thank you",
    "great job",
    "well done",
    "smooth",
];

/// A generic exhortation with no concrete deliverable.
const EXHORT: &[&str] = &[
    "认真贯彻落实",
    "贯彻落实",
    "学习领会",
    "抓好落实",
    "高度重视",
];

/// Someone reporting work done, not asking for it.
const STATUS: &[&str] = &[
    "填好了",
    "弄好了",
    "做好了",
    "已补报",
    "已补交",
    "补交了",
    "已交齐",
    "已汇总",
    "已全部",
    "都收齐了",
    "已收齐",
    "收齐了",
    "交齐了",
    "已完成",
    "已报送",
    "已上传",
    "已提交",
];

/// Plans and promises of the sender are not asks.
const PROMISE: &[&str] = &[
    "我会",
    "我马上",
    "我这就",
    "我稍后",
    "我明天",
    "我今天",
    "我下午",
    "我晚点",
    "我周",
    "我们会",
    "我们马上",
    "我们明天",
    "我来",
    "我先",
    "我把",
    "我们把",
    "我这边",
    "马上发",
    "马上报",
    "稍后发",
    "i'll",
    "i will",
    "we'll",
    "we will",
    "i'm going to",
    "will send",
    "will have",
];

const CANCEL: &[&str] = &[
    "取消",
    "不用来了",
    "不用交",
    "不用报",
    "不用参加",
    "cancelled",
    "canceled",
    "is off",
    "called off",
    "no longer needed",
    "not needed",
];

const LATER: &[&str] = &[
    "随后发",
    "另行通知",
    "后续通知",
    "详见后续",
    "details to follow",
    "more details to follow",
    "details later",
];

const INVITE: &[&str] = &[
    "欢迎",
    "welcome",
    "anyone curious",
    "if you're interested",
    "feel free to come",
    "all are welcome",
];

/// Words that address everyone in the group, or units in it.
const GROUP_WORDS: &[&str] = &[
    "各位",
    "大家",
    "全体",
    "各村",
    "各乡镇",
    "各办",
    "各支部",
    "各部门",
    "各单位",
    "各科室",
    "各社区",
    "各网格",
    "各站",
    "各文化站",
    "各位同志",
    "所有",
    "各组",
    "全镇",
    "各联络员",
    "各村联络员",
    "all ",
    "everyone",
    "everybody",
    "team",
    "principals",
    "site leads",
    "nurses",
    "all staff",
    "folks",
];

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// The word lists `extract` asks about, by bit.
const MARKED: &[&str] = &[
    "前", "截止", "之内", "以内", "by ", "due", "before", "until", "within", "no later",
];
const ADDRESS: &[&str] = &["请", "你", "各", "please", "you"];
const URGE: &[&str] = &["请", "务必", "must", "please"];
const STILL_OPEN: &[&str] = &["还", "未", "没", "不用重复"];
const LISTS: [&[&str]; 13] = [
    STRONG,
    GROUP_WORDS,
    HAND_IN,
    MARKED,
    ADDRESS,
    CANCEL,
    LATER,
    INVITE,
    URGE,
    THANKS,
    EXHORT,
    STATUS,
    STILL_OPEN,
];

/// A list of [`LISTS`], by its place there.
#[derive(Debug, Clone, Copy)]
enum List {
    Strong,
    GroupWords,
    HandIn,
    Marked,
    Address,
    Cancel,
    Later,
    Invite,
    Urge,
    Thanks,
    Exhort,
    Status,
    StillOpen,
}

/// Which of [`LISTS`] have a word in a text, found in one pass over it
/// instead of one substring search per word (a hundred and more).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Present(u32);

impl Present {
    fn of(text: &str) -> Present {
        // Each distinct word once, with the lists it is in.
        static WORDS: LazyLock<(AhoCorasick, Vec<u32>)> = LazyLock::new(|| {
            let mut lists_of: BTreeMap<&str, u32> = BTreeMap::new();
            for (i, list) in LISTS.iter().enumerate() {
                for w in *list {
                    *lists_of.entry(w).or_default() |= 1 << i;
                }
            }
            let ac = AhoCorasick::new(lists_of.keys()).expect("fixed word lists");
            (ac, lists_of.into_values().collect())
        });
        let (ac, masks) = &*WORDS;
        // Overlapping: a word inside another word still counts, as with
        // a substring search per word.
        Present(
            ac.find_overlapping_iter(text)
                .fold(0, |m, hit| m | masks[hit.pattern().as_usize()]),
        )
    }

    fn any(self, list: List) -> bool {
        self.0 & (1 << list as u32) != 0
    }
}

fn is_ack(f: &str) -> bool {
    let core: String = f
        .chars()
        .filter(|c| !c.is_ascii_punctuation() && !"，。！？、~～ ".contains(*c))
        .collect();
    if core.is_empty() {
        return true;
    }
    ACKS.iter().any(|a| {
        core == *a || (core.starts_with(a) && core.chars().count() <= a.chars().count() + 3)
    })
}

/// Is the text a question asking for information rather than an ask?
fn is_info_question(f: &str) -> bool {
    let t = f.trim_end();
    if !(t.ends_with('?') || t.ends_with('？') || t.ends_with("吗") || t.ends_with("呢")) {
        return false;
    }
    // A request phrased as a question aimed at someone is still an ask.
    let request = [
        "能把",
        "能不能把",
        "可以把",
        "帮我",
        "帮忙",
        "麻烦",
        "can you",
        "could you",
        "would you",
        "can someone",
        "please",
    ];
    !contains_any(t, &request)
}

static PROMISE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"我们?[^，。,.!！？?你请各]{0,12}(?:发|报|交|给|送|弄|整理|提供|补|过来|对一下|看一下|处理|准备)").expect("valid regex")
});

fn is_promise(f: &str) -> bool {
    let head: String = f.chars().take(12).collect();
    contains_any(&head, PROMISE)
        || PROMISE_RE.is_match(f)
        || f.starts_with("我") && !f.contains("请") && !f.contains("你")
}

/// English sentences that open with an imperative verb.
fn has_imperative(f: &str) -> bool {
    f.split(['.', '!', '?', ':', ';', '\n', '—', '-'])
        .map(|s| s.trim_start_matches(|c: char| !c.is_alphanumeric()))
        .any(|s| starts_with_word(s, IMPERATIVE))
}

fn starts_with_word(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        s.starts_with(w)
            && (w.ends_with(' ') || !s[w.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
    })
}

/// Does the message open by addressing a member ("罗强 你…", "Priya, …")?
fn is_vocative(f: &str, input: &Input<'_>) -> bool {
    let head = f.trim_start_matches(|c: char| c.is_whitespace() || !c.is_alphanumeric());
    input
        .members
        .iter()
        .filter(|m| m.user != input.sender)
        .any(|m| {
            let name = m.name;
            let first = name.split_whitespace().next().unwrap_or("");
            [Some(name), Some(first), m.username]
                .into_iter()
                .flatten()
                .filter(|n| n.chars().count() >= 2)
                .any(|n| {
                    head.starts_with(n)
                        && head[n.len()..].chars().next().is_none_or(|c| {
                            c.is_whitespace() || "，,、:：".contains(c) || !c.is_ascii()
                        })
                })
        })
}

/// Decide whether the message asks for something, and for whom and by when.
pub fn extract(input: &Input<'_>, ctx: &Ctx<'_>) -> Extraction {
    let folded = fold(input.text);
    let f = folded.as_str();
    let deadline = deadline::find_folded(f, ctx);
    let has = Present::of(f);
    let assignees = assignees(f, input, has);
    let strong = has.any(List::Strong) || has_imperative(f);
    let addressed = !input.mentioned.is_empty()
        || matches!(assignees, Assignees::People(_))
        || has.any(List::GroupWords);
    let mut score = 0;
    if strong {
        score += 3;
    }
    if has.any(List::HandIn) {
        score += 1;
    }
    // A deadline counts when it is marked as one or gives a clock time:
    // "今天下午" alone is often just when something happens.
    let marked = has.any(List::Marked);
    match deadline {
        Found::Deadline(Deadline::Minute(_)) | Found::SameAsEarlier => score += 1,
        Found::Deadline(Deadline::Day(_)) if marked => score += 1,
        _ => {}
    }
    if addressed {
        score += 1;
    }
    let vocative = is_vocative(f, input);
    if vocative {
        score += 2;
    }
    if input.sender_is_owner && has.any(List::HandIn) {
        score += 1;
    }
    if is_ack(f) {
        score -= 10;
    }
    if ACKS
        .iter()
        .any(|a| a.chars().count() >= 2 && f.starts_with(a))
        && !(strong && (f.starts_with("thank") || f.starts_with("谢谢")))
    {
        // "Thanks Sam. Night crew, sign the sheet" asks after thanking.
        score -= 4;
    }
    if is_info_question(f) {
        score -= 4;
    }
    if is_promise(f) {
        // "我汇总后报县里" beside "请各村报我" is the sender's next step, not the ask.
        score -= if has.any(List::Address) { 1 } else { 5 };
    }
    if has.any(List::Cancel) {
        score -= 6;
    }
    if has.any(List::Later) && !strong {
        score -= 4;
    }
    if has.any(List::Invite) && !has.any(List::Urge) && !(marked && strong) {
        score -= 4;
    }
    if has.any(List::Thanks) && !strong && !matches!(deadline, Found::Deadline(Deadline::Minute(_)))
    {
        score -= 2;
    }
    if has.any(List::Exhort) {
        score -= 4;
    }
    if has.any(List::Status) && !has.any(List::StillOpen) {
        score -= 3;
    }
    let aimed =
        vocative || !input.mentioned.is_empty() || matches!(assignees, Assignees::People(_));
    score += task_cues::adjust(f, deadline, aimed, strong);
    Extraction {
        is_task: score >= 3,
        task_score: score,
        deadline,
        assignees,
        folded,
    }
}

fn assignees(f: &str, input: &Input<'_>, has: Present) -> Assignees {
    if has.any(List::GroupWords) {
        return Assignees::Group;
    }
    let mut people: Vec<UserId> = input
        .mentioned
        .iter()
        .copied()
        .filter(|u| *u != input.sender)
        .collect();
    for m in input.members {
        if m.user == input.sender || people.contains(&m.user) {
            continue;
        }
        let full = m.name;
        let named = full.chars().count() >= 2 && f.contains(full);
        let by_username = m.username.is_some_and(|u| {
            !u.is_empty() && f.match_indices('@').any(|(i, _)| f[i + 1..].starts_with(u))
        });
        // English first names count too ("Priya, could you…").
        let first = full.split_whitespace().next().unwrap_or("");
        let by_first = full.contains(' ')
            && first.len() >= 3
            && f.split(|c: char| !c.is_alphanumeric()).any(|w| w == first);
        if named || by_username || by_first {
            people.push(m.user);
        }
    }
    if people.is_empty() {
        Assignees::Group
    } else {
        people.sort();
        people.dedup();
        Assignees::People(people)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;
    use chrono::{NaiveDateTime, NaiveTime};

    static CAL: std::sync::LazyLock<crate::core::calendar::holidays::Calendar> =
        std::sync::LazyLock::new(|| {
            crate::core::calendar::holidays::Calendar::bundled().expect("bundled calendar parses")
        });

    fn ctx() -> Ctx<'static> {
        Ctx {
            sent: NaiveDateTime::parse_from_str("2024-05-07T08:30", "%Y-%m-%dT%H:%M")
                .expect("time"),
            workday_end: NaiveTime::from_hms_opt(17, 30, 0).expect("time"),
            lang: Lang::Zh,
            day_first: false,
            cal: &CAL,
            utc_offset: None,
        }
    }

    fn run(text: &str) -> Extraction {
        let members = [
            Named {
                user: UserId(2),
                name: "王磊",
                username: Some("wanglei"),
            },
            Named {
                user: UserId(3),
                name: "priya nair",
                username: None,
            },
        ];
        extract(
            &Input {
                text,
                sender: UserId(1),
                mentioned: &[],
                members: &members,
                is_reply: false,
                sender_is_owner: false,
            },
            &ctx(),
        )
    }

    #[test]
    fn word_lists_found_in_one_pass_as_by_a_search_per_word() {
        // Each named list is the one at its place.
        for (list, words) in [
            (List::Strong, STRONG),
            (List::GroupWords, GROUP_WORDS),
            (List::HandIn, HAND_IN),
            (List::Marked, MARKED),
            (List::Address, ADDRESS),
            (List::Cancel, CANCEL),
            (List::Later, LATER),
            (List::Invite, INVITE),
            (List::Urge, URGE),
            (List::Thanks, THANKS),
            (List::Exhort, EXHORT),
            (List::Status, STATUS),
            (List::StillOpen, STILL_OPEN),
        ] {
            assert_eq!(LISTS[list as usize], words, "{list:?}");
        }
        let mut texts: Vec<String> = LISTS
            .iter()
            .flat_map(|l| l.iter())
            .map(|w| w.to_string())
            .collect();
        texts.extend(
            [
                "请各村于今天17:00前报送活动照片",
                "收到，谢谢",
                "still missing two reports, please send by friday",
                "会议取消，另行通知",
                "",
            ]
            .map(String::from),
        );
        for t in &texts {
            let has = Present::of(t);
            for (i, list) in LISTS.iter().enumerate() {
                assert_eq!(
                    has.0 & (1 << i) != 0,
                    contains_any(t, list),
                    "{t} in list {i}"
                );
            }
        }
    }

    #[test]
    fn acknowledgements_are_not_tasks() {
        for t in ["收到", "收到👌", "好的！", "👍", "ok", "Got it, thanks"] {
            assert!(!run(t).is_task, "{t}");
        }
    }

    #[test]
    fn asks_are_tasks() {
        for t in [
            "请各村于5月8日前报送活动照片",
            "还没交的抓紧，下午4点前发我",
            "Please send me the counts by noon",
            "再次提醒：台账今天下班前交",
        ] {
            assert!(run(t).is_task, "{t}");
        }
    }

    #[test]
    fn questions_promises_cancellations_are_not() {
        for t in [
            "下周再交行吗？",
            "我周三前把方案给您",
            "I'll have it to you by Wednesday",
            "周四的培训取消了，不用来了",
            "月中要搞一次应急演练，方案随后发",
            "周末有书画展，欢迎带家人参观",
        ] {
            assert!(!run(t).is_task, "{t}");
        }
    }

    #[test]
    fn asks_without_a_request_word_are_tasks() {
        for t in [
            // A chaser naming only the missing piece.
            "北区的呢？",
            // An arrival time for a meeting.
            "周五安全例会，各站负责人8点40到场",
            // An ask after thanks.
            "Thanks Sam. Night crew, please sign the sheet by 1900",
        ] {
            assert!(run(t).is_task, "{t}");
        }
    }

    #[test]
    fn look_alikes_are_not_tasks() {
        for t in [
            "台账已发您邮箱，请查收",
            "节日期间手机保持畅通",
            "听说下周要查消防，大家留意一下",
            "这张表和上周那张不是一回事",
        ] {
            assert!(!run(t).is_task, "{t}");
        }
    }

    #[test]
    fn request_in_question_form_is_a_task() {
        assert!(run("王磊，能把签到表整理一下发我吗？").is_task);
        assert!(run("Priya, could you send me the rota?").is_task);
    }

    #[test]
    fn assignees_from_names_or_group() {
        assert_eq!(
            run("王磊 明天中午前把表发我").assignees,
            Assignees::People(vec![UserId(2)])
        );
        assert_eq!(
            run("Priya, please send the list by 2pm").assignees,
            Assignees::People(vec![UserId(3)])
        );
        assert_eq!(
            run("各村：王磊负责汇总，明天前报").assignees,
            Assignees::Group
        );
        assert_eq!(run("请明天前报").assignees, Assignees::Group);
    }
}
