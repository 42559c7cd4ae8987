//! Extraction: is a message a task, what is its deadline, who is it for?
//!
//! Pure: the message, its context and the send time in, a verdict out.

use super::deadline::{self, Ctx, Found};
use super::normalize::fold;
use crate::model::{Assignees, UserId};

/// A person the text may name.
#[derive(Debug, Clone)]
pub struct Named<'a> {
    pub user: UserId,
    pub name: &'a str,
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

/// Words that ask somebody to do something.
const ASK: &[&str] = &[
    "请",
    "麻烦",
    "务必",
    "抓紧",
    "尽快",
    "要求",
    "需要",
    "提醒",
    "截止",
    "必须",
    "记得",
    "别忘",
    "不要忘",
    "报送",
    "上报",
    "提交",
    "填报",
    "上传",
    "报我",
    "发我",
    "给我",
    "发群",
    "发到群",
    "发本群",
    "参加",
    "参会",
    "到场",
    "签到",
    "转发",
    "点赞",
    "补交",
    "补报",
    "还没交",
    "还差",
    "还没报",
    "没报",
    "没交",
    "没发",
    "还没发",
    "还没看到",
    "看一下",
    "去看",
    "负责",
    "到位",
    "转移",
    "录入",
    "填好",
    "填写",
    "交来",
    "交齐",
    "收齐",
    "报过来",
    "发过来",
    "准时",
    "排查",
    "整改",
    "统计一下",
    "报一下",
    "发一下",
    "传一下",
    "对接",
    "拍照",
    "拍个照",
    "前交",
    "前报",
    "前发",
    "前完成",
    "前上传",
    "前提交",
    "重新报",
    "重新发",
    "改好",
    "排一下",
    "完成",
    "组织",
    "开展",
    "设置",
    "收缴",
    "装好",
    "动员",
    "带队",
    "带人",
    "出发",
    "集合",
    "值班",
    "报到",
    "到村部",
    "到岗",
    "到镇",
    "进行",
    "落实",
    "做好",
    "please",
    "pls",
    "need",
    "needs",
    "must",
    "required",
    "reminder",
    "remind",
    "due",
    "deadline",
    "submit",
    "send",
    "upload",
    "fill out",
    "fill in",
    "make sure",
    "get it",
    "get your",
    "get the",
    "drop",
    "share",
    "attend",
    "join",
    "check in",
    "text ",
    "still missing",
    "still need",
    "haven't",
    "hasn't",
    "can you",
    "could you",
    "would you",
    "by eod",
    "by cob",
    "asap",
    "complete",
    "finish",
    "update",
    "grab",
    "work with",
    "have your",
    "ask ",
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

fn is_promise(f: &str) -> bool {
    let head: String = f.chars().take(12).collect();
    contains_any(&head, PROMISE) || f.starts_with("我") && !f.contains("请") && !f.contains("你")
}

/// Decide whether the message asks for something, and for whom and by when.
pub fn extract(input: &Input<'_>, ctx: &Ctx) -> Extraction {
    let folded = fold(input.text);
    let f = folded.as_str();
    let deadline = deadline::find_folded(f, ctx);
    let assignees = assignees(f, input);
    let mut score = 0;
    if contains_any(f, ASK) {
        score += 2;
    }
    if matches!(deadline, Found::Deadline(_) | Found::SameAsEarlier) {
        score += 2;
    }
    if !input.mentioned.is_empty() || matches!(assignees, Assignees::People(_)) {
        score += 1;
    }
    if contains_any(f, GROUP_WORDS) {
        score += 1;
    }
    if is_ack(f) {
        score -= 10;
    }
    if is_info_question(f) {
        score -= 4;
    }
    if is_promise(f) {
        score -= 4;
    }
    if contains_any(f, CANCEL) {
        score -= 6;
    }
    if contains_any(f, LATER) && !contains_any(f, &["报", "交", "send", "submit"]) {
        score -= 4;
    }
    if contains_any(f, INVITE) && !contains_any(f, &["请", "务必", "must", "please"]) {
        score -= 4;
    }
    // Statements that work is done ("已报送", "已上传") answer an ask.
    if (f.starts_with("已")
        || f.contains("已经报")
        || f.contains("已报")
        || f.contains("已上传")
        || f.contains("已提交"))
        && !contains_any(f, &["还", "未", "没", "请", "不用重复"])
    {
        score -= 3;
    }
    Extraction {
        is_task: score >= 3,
        task_score: score,
        deadline,
        assignees,
        folded,
    }
}

fn assignees(f: &str, input: &Input<'_>) -> Assignees {
    if contains_any(f, GROUP_WORDS) {
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
        let full = fold(m.name);
        let named = full.chars().count() >= 2 && f.contains(full.as_str());
        let by_username = m
            .username
            .is_some_and(|u| f.contains(&format!("@{}", u.to_ascii_lowercase())));
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

    fn ctx() -> Ctx {
        Ctx {
            sent: NaiveDateTime::parse_from_str("2024-05-07T08:30", "%Y-%m-%dT%H:%M")
                .expect("time"),
            workday_end: NaiveTime::from_hms_opt(17, 30, 0).expect("time"),
            lang: Lang::Zh,
            day_first: false,
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
                name: "Priya Nair",
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
            },
            &ctx(),
        )
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
