//! A work's short title for the digest: from the representative ask, the
//! first clause that names what is to be delivered, without its addressee,
//! politeness or deadline (the digest shows the deadline beside it), trimmed
//! at a clause boundary to about 30 Chinese or 60 English characters.
//!
//! Heuristic and lexical on purpose: the digest line only has to tell the
//! reader which piece of work it is; the sources line links the full text.

use regex::Regex;
use std::sync::LazyLock;

/// Longest title, in characters, for text that is mostly Chinese.
pub const MAX_ZH: usize = 30;
/// Longest title, in characters, for other text.
pub const MAX_EN: usize = 60;

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect(concat!("valid regex ", stringify!($name))));
    };
}

// Labels and asides that carry no work: 【通知】, [Reminder], (…), @someone.
re!(R_LABEL, r"^\s*(【[^】]{0,12}】|\[[^\]]{0,20}\])\s*");
re!(R_PARENS, r"（[^（）]*）|\([^()]*\)");
re!(R_MENTION, r"@\S+\s*|https?://\S+");
// "各社区：", "All wards:", "Hi team,": a short lead-in before a colon.
re!(R_ADDRESSEE_COLON, r"^[^：:，,。\d]{1,12}[：:]\s*");
re!(
    R_ADDRESSEE_ZH,
    r"^(请|請)?(各(单位|單位|社区|社區|村|科室|部门|部門|乡镇|鄉鎮|街道|课室|課室|课|課|区|區|里|科|组|組|校|站所|站|处|處|中心)(负责人|負責人|主任|书记|書記|里长|里長)?|各位[^\s，,。]{0,4}|全体[^\s，,。]{0,4}|全體[^\s，,。]{0,4}|大家|同志们|同志們)[，,、]?"
);
re!(
    R_ADDRESSEE_EN,
    r"(?i)^((hi|hello|dear|morning|good morning)\b[^,.:!]{0,25}[,.:!]\s*|(all|everyone|team|colleagues|folks)\s*[,:]\s*)"
);
// Politeness and the ask's markers; the verb that follows names the work.
re!(
    R_POLITE_ZH,
    r"^(麻烦|麻煩|烦请|煩請|辛苦|请务必|請務必|务必|務必|请大家|請大家|请|請|务请|務請)+"
);
re!(
    R_POLITE_EN,
    r"(?i)^(could you( all)?|can you( all)?|would you|please|pls|kindly|just a reminder( that)?|reminder:?|a reminder( that)?)\s+"
);
re!(R_PLEASE_EN, r"(?i)\s*\b(please|pls|kindly)\b");
// Thanks at the end of a clause.
re!(
    R_THANKS,
    r"(?i)[\s，,]*(谢谢|謝謝|辛苦了|感谢|感謝|thanks|thank you|cheers)[\s!！。.~～🙏]*$"
);
// Deadline phrases, wherever they stand in the clause: a day, part of day
// or time, then 前/内 ("整改前后" has no time, and stays).
re!(
    R_DEADLINE_ZH,
    concat!(
        r"(于|於|在)?(?:(?:(\d{1,4}年)?\d{1,2}月\d{1,2}[日号號]|\d{1,2}/\d{1,2}|今天|今日|明天|明日|后天|後天|本周[一二三四五六日天]?|本週[一二三四五六日天]?|下周[一二三四五六日天]?|下週[一二三四五六日天]?|周[一二三四五六日天]|週[一二三四五六日天]|星期[一二三四五六日天]|月底|年底|本月)(?:（[^）]*）)?(?:上午|下午|晚上|中午|早上)?(?:\d{1,2}([:：]\d{2}|[点點时時](半|\d{1,2}分?)?)|下班)?",
        r"|(?:上午|下午|晚上|中午|早上)?(?:\d{1,2}([:：]\d{2}|[点點时時](半|\d{1,2}分?)?)|下班)|(?:上午|下午|晚上|中午|早上))(前|之前|以前|内|內)"
    )
);
re!(
    R_DEADLINE_EN,
    r"(?i)\s*\b(due\s+)?(by|before|no later than|until|due)\s+(the\s+)?(end of (the )?(day|week|month)|eod|cob|close of (business|play)|today|tonight|tomorrow( morning| afternoon)?|noon|midday|this (morning|afternoon|evening|week)|next \w+|(mon|tues?|wed(nes)?|thu(rs?)?|fri|sat(ur)?|sun)(day)?\b( \d{1,2}/\d{1,2}(/\d{2,4})?| \d{1,2}(st|nd|rd|th)? [a-z]{3,})?|\d{1,2}/\d{1,2}(/\d{2,4})?|\d{3,4}h?\b|\d{1,2}(st|nd|rd|th)\b|\d{1,2}(:\d{2})?\s*(am|pm)?|\d{1,2}(st|nd|rd|th)?\s+[a-z]+|[a-z]+ \d{1,2}(st|nd|rd|th)?)(\s+(at\s+)?\d{1,2}(:\d{2})?\s*(am|pm)?)?(\s+(today|tomorrow|tonight|on [a-z]+day)( morning| afternoon| evening)?)?"
);
// A leading date or time: when a meeting is, not what it is.
re!(
    R_LEAD_TIME_ZH,
    r"^((\d{1,4}年)?\d{1,2}月\d{1,2}[日号號]|\d{1,2}/\d{1,2})?(上午|下午|晚上|中午|早上)?(\d{1,2}[:：]\d{2}|\d{1,2}[点點时時]半?)?(在|於|于)?"
);
// A clause that asks for something.
re!(R_REQUEST_ZH, r"请|請|麻烦|麻煩|务必|務必|需要|要求");
re!(
    R_REQUEST_EN,
    r"(?i)\b(please|kindly|could you|can you|would you|need(s)? to|must|are asked to|required to)\b"
);
// A clause that names a deliverable or an act to be done.
re!(
    R_WORK_ZH,
    r"报|報|交|填|发|發|完成|参加|參加|出席|上传|上傳|汇总|匯總|签到|簽到|方案|名单|名單|表|材料|照片|报告|報告|台账|台帳|统计|統計|清单|清單|召开|召開|会议|會議|排查|整改|核对|核對|复核|複核|确认|確認|回复|回覆"
);
re!(
    R_WORK_EN,
    r"(?i)\b(send|submit|return|complete|fill|upload|attend|report|form|list|photos?|update|review|prepare|provide|confirm|sign|book|register|meeting|return|figures|survey|audit|check)\b"
);
// Clause boundaries: sentence ends always; commas split clauses too.
re!(R_SENTENCE, r"[。！？；;!?\n]+|\.\s+|\.$");
re!(R_COMMA_ZH, r"[，,]");
re!(R_COMMA_EN, r",\s*|\s+-\s+|\s+–\s+");

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Mostly Chinese: more CJK characters than Latin letters.
fn is_zh(s: &str) -> bool {
    let cjk = s.chars().filter(|c| is_cjk(*c)).count();
    let latin = s.chars().filter(|c| c.is_ascii_alphabetic()).count();
    cjk * 2 >= latin && cjk > 0
}

/// The clause without its lead-in, politeness and deadline.
fn clean(clause: &str, zh: bool) -> String {
    let mut s = clause.trim().to_string();
    for _ in 0..3 {
        let before = s.clone();
        s = R_ADDRESSEE_COLON.replace(&s, "").trim().to_string();
        if zh {
            s = R_ADDRESSEE_ZH.replace(&s, "").to_string();
            s = R_POLITE_ZH.replace(&s, "").to_string();
        } else {
            s = R_ADDRESSEE_EN.replace(&s, "").to_string();
            s = R_POLITE_EN.replace(&s, "").to_string();
        }
        if s == before {
            break;
        }
    }
    if zh {
        s = R_DEADLINE_ZH.replace_all(&s, "").to_string();
        s = R_POLITE_ZH.replace(&s, "").to_string();
        s = R_LEAD_TIME_ZH.replace(&s, "").to_string();
        // "请…把X报Y": the politeness may follow the deadline just removed.
        s = s.replace("请", "").replace("請", "");
    } else {
        s = R_DEADLINE_EN.replace_all(&s, " ").to_string();
        s = R_PLEASE_EN.replace_all(&s, "").to_string();
    }
    let s = R_THANKS.replace(&s, "");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '，' | ',' | '、' | '：' | ':' | '-' | '—' | '.')
    });
    // Capitalise an English title whose lead-in was removed.
    let mut cs = s.chars();
    match cs.next() {
        Some(f) if !zh => f.to_uppercase().chain(cs).collect(),
        _ => s.to_string(),
    }
}

/// Cut `s` to `max` characters: at the last clause boundary (、，, and for
/// English a space) that keeps at least half, else hard, with "…".
fn trim_to(s: &str, max: usize, zh: bool) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let fits = &chars[..max - 1];
    let boundary = fits
        .iter()
        .rposition(|c| matches!(c, '、' | '，' | ',' | '；' | ';') || (!zh && c.is_whitespace()));
    let cut = match boundary {
        Some(b) if b >= max / 2 => b,
        _ => max - 1,
    };
    let mut out: String = chars[..cut].iter().collect();
    out = out
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | '；'))
        .to_string();
    out.push('…');
    out
}

/// Build every pattern now (they are otherwise built on first use).
pub fn prepare() {
    for r in [
        &R_LABEL,
        &R_PARENS,
        &R_MENTION,
        &R_ADDRESSEE_COLON,
        &R_ADDRESSEE_ZH,
        &R_ADDRESSEE_EN,
        &R_POLITE_ZH,
        &R_POLITE_EN,
        &R_PLEASE_EN,
        &R_THANKS,
        &R_DEADLINE_ZH,
        &R_DEADLINE_EN,
        &R_LEAD_TIME_ZH,
        &R_REQUEST_ZH,
        &R_REQUEST_EN,
        &R_WORK_ZH,
        &R_WORK_EN,
        &R_SENTENCE,
        &R_COMMA_ZH,
        &R_COMMA_EN,
    ] {
        LazyLock::force(r);
    }
}

/// The short title of the ask `text`.
pub fn short_title(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let zh = is_zh(&one);
    let one = R_LABEL.replace(&one, "");
    let one = R_MENTION.replace_all(&one, "");
    let one = R_PARENS.replace_all(&one, "");
    let (comma, work, max) = if zh {
        (&*R_COMMA_ZH, &*R_WORK_ZH, MAX_ZH)
    } else {
        (&*R_COMMA_EN, &*R_WORK_EN, MAX_EN)
    };
    let request = if zh { &*R_REQUEST_ZH } else { &*R_REQUEST_EN };
    // (asks for something, cleaned text)
    let clauses: Vec<(bool, String)> = R_SENTENCE
        .split(&one)
        .flat_map(|sentence| comma.split(sentence).collect::<Vec<_>>())
        .map(|c| (request.is_match(c), clean(c, zh)))
        .filter(|(_, c)| c.chars().count() > 1)
        .collect();
    // The clause that asks, else the first naming work, else the first.
    let Some(i) = clauses
        .iter()
        .position(|(asks, _)| *asks)
        .or_else(|| clauses.iter().position(|(_, c)| work.is_match(c)))
        .or((!clauses.is_empty()).then_some(0))
    else {
        return trim_to(one.trim(), max, zh);
    };
    let mut title = clauses[i].1.clone();
    // A bare act ("把名单报民政科", "完成") reads better with the clause
    // before it, which names the work; a lone verb gives way to it.
    let (short, bare) = if zh { (10, 4) } else { (25, 12) };
    // A name called out ("Mo, can you…") is not the work.
    let substantial = |c: &str| {
        work.is_match(c)
            || if zh {
                c.chars().count() >= 6
            } else {
                c.split_whitespace().count() >= 3
            }
    };
    if i > 0 && title.chars().count() < short && substantial(&clauses[i - 1].1) {
        let prev = &clauses[i - 1].1;
        let sep = if zh { "，" } else { ", " };
        let joined = format!("{prev}{sep}{title}");
        if title.chars().count() < bare {
            title = prev.clone();
        } else if joined.chars().count() <= max {
            title = joined;
        } else if work.is_match(prev) {
            title = prev.clone();
        }
    }
    trim_to(&title, max, zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_addressee_politeness_and_deadline_go() {
        assert_eq!(
            short_title("各单位：请于9月5日下午5点前将秋季防火检查表报安监站，谢谢！"),
            "将秋季防火检查表报安监站"
        );
        assert_eq!(
            short_title("@王磊 @李娜 麻烦明天中午前把三季度用电台账发我一下"),
            "把三季度用电台账发我一下"
        );
        assert_eq!(
            short_title("【提醒】大家好，本周五下班前提交个人述职报告（不少于1500字），逾期不候。"),
            "提交个人述职报告"
        );
    }

    #[test]
    fn a_bare_act_keeps_the_clause_naming_the_work() {
        assert_eq!(
            short_title("秋季征兵体检人员要再核一遍，请周三上午11点前把名单报武装部。"),
            "秋季征兵体检人员要再核一遍，把名单报武装部"
        );
    }

    #[test]
    fn a_meeting_loses_its_time_not_its_place() {
        assert_eq!(
            short_title(
                "【通知】3月12日（周二）下午2:30在二楼会议室召开防汛部署会，请各站所负责人参加。"
            ),
            "二楼会议室召开防汛部署会"
        );
    }

    #[test]
    fn traditional_chinese_is_handled_alike() {
        assert_eq!(
            short_title("各里辦公處：請於11月20日前將長者健檢名單報區公所社會課，謝謝。"),
            "將長者健檢名單報區公所社會課"
        );
    }

    #[test]
    fn english_lead_ins_and_deadlines_go() {
        assert_eq!(
            short_title(
                "Hi all, could you please send me your team's leave plans for December by Friday 3pm? Thanks!"
            ),
            "Send me your team's leave plans for December"
        );
        assert_eq!(
            short_title(
                "@sam @priya Reminder: fire warden training sign-up sheet due by end of day tomorrow."
            ),
            "Fire warden training sign-up sheet"
        );
    }

    #[test]
    fn long_titles_are_cut_at_a_boundary() {
        let t = short_title(
            "请各社区把辖区内养老机构、托育机构、小餐饮、小作坊、小网吧、出租屋、人员密集场所的消防通道排查结果汇总上报",
        );
        assert!(t.chars().count() <= MAX_ZH, "{t}");
        assert!(t.ends_with('…'), "{t}");
        assert!(t.starts_with("把辖区内养老机构"), "{t}");
        let e = short_title(
            "Please complete the quarterly building inspection survey covering fire doors, emergency lighting, alarm panels and first aid kits",
        );
        assert!(e.chars().count() <= MAX_EN, "{e}");
        assert!(
            e.starts_with("Complete the quarterly building inspection"),
            "{e}"
        );
        assert!(!e.contains("  "), "{e}");
    }

    #[test]
    fn links_numeric_dates_and_a_trailing_please_go() {
        assert_eq!(
            short_title("各課主管:請於5/22(三)下午5點前填寫問卷 https://forms.example/abc 謝謝"),
            "填寫問卷"
        );
        assert_eq!(
            short_title("Mo, can you put the cones out by 10 pls."),
            "Put the cones out"
        );
        assert_eq!(
            short_title("Timesheets must be signed off on the portal by Friday 31/05/24."),
            "Timesheets must be signed off on the portal"
        );
    }

    #[test]
    fn something_is_always_left() {
        assert_eq!(short_title(""), "");
        assert!(!short_title("谢谢").is_empty());
        assert!(!short_title("@someone").contains('@'));
    }
}
