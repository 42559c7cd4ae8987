//! The headline ask of a message that lists several: a notice of numbered
//! items ("1) binders to Quality by noon Tue 2) two tracer names by COB
//! 3) EOC sweep by 1500") is labelled, matched and titled by the one item
//! whose time is the message's deadline. Its other items are separate
//! pieces of work, labelled where they are asked on their own; matching
//! them too would let this one message bridge their relays into one
//! cluster.

use super::deadline::{self, Ctx, Found};
use super::lexicon;
use crate::model::Deadline;

/// The text that names the message's headline ask: the text up to the end
/// of the item that holds the deadline, so the items after it (separate
/// asks) are left out. The whole text when it is no list, has no deadline,
/// the deadline is not in exactly one item, or that item is the last (one
/// ask in steps, "1.周四前检查 2.记录周五前交", keeps every step).
pub fn headline<'t>(folded: &'t str, found: Found, ctx: &Ctx<'_>, turns: &[usize]) -> &'t str {
    let Some(due) = found.deadline() else {
        return folded;
    };
    if let Some(head) = before_later_turn(folded, due, ctx, turns) {
        return head;
    }
    let items = items(folded);
    if items.len() < 2 {
        return before_side_ask(folded, due, ctx);
    }
    let mut holding = items.iter().enumerate().filter(|(_, r)| {
        deadline::find_folded(&folded[r.start..r.end], ctx).deadline() == Some(due)
    });
    match (holding.next(), holding.next()) {
        (Some((k, r)), None) if k + 1 < items.len() => &folded[..r.end],
        _ => folded,
    }
}

/// Members asked in turn ("罗丽 资助核查表你牵头，周三下班前给我；钟伟 防溺水这块
/// 你来抓，回执和照片收到安全办"): a turn after the one that holds the deadline
/// asks someone else, a piece of work of its own like a side ask, and is
/// left out. `turns` are the starts of the sentences that open by addressing
/// a member (from `extract`, 0 when the message opens so). Only turns after
/// an addressed one count: a notice to all followed by "@X please tell the
/// residents" makes X's ask the message's own. Turns before the one holding
/// the deadline stay: people asked in turn for parts of one piece of work
/// ("dev – stats; nadia – scores; one draft to me by Friday") name it together.
fn before_later_turn<'t>(
    t: &'t str,
    due: Deadline,
    ctx: &Ctx<'_>,
    turns: &[usize],
) -> Option<&'t str> {
    // `turns` ascend (as `extract` finds them). The first turn is the
    // addressed one; each later one costs a deadline read of the text before
    // it, so only the first few are tried.
    turns
        .iter()
        .copied()
        .filter(|&p| p < t.len())
        .skip(1)
        .take(MAX_LATER_TURNS)
        .find(|&p| deadline::find_folded(&t[..p], ctx).deadline() == Some(due))
        .map(|p| &t[..p])
}

/// How many later turns are tried as the end of the headline.
const MAX_LATER_TURNS: usize = 8;

/// The text before a side ask that opens its own sentence ("…周三上午9点开会。
/// 另外，上周的进度表今天下班前传我", "… Also send me …"), when the deadline
/// is the headline's, read before it: the side ask is a piece of work of its
/// own (labelled where it is asked on its own).
fn before_side_ask<'t>(t: &'t str, due: Deadline, ctx: &Ctx<'_>) -> &'t str {
    let side = t.char_indices().find_map(|(i, c)| {
        let stop = matches!(c, '\n' | '。' | '；' | ';' | '!' | '！')
            || (c == '.' && t[i + 1..].starts_with(' '));
        if !stop {
            return None;
        }
        let rest = t[i + c.len_utf8()..].trim_start();
        lexicon::SECONDARY_ASK
            .iter()
            .any(|w| rest.starts_with(w))
            .then_some(i)
    });
    match side {
        Some(p) if p > 0 && deadline::find_folded(&t[..p], ctx).deadline() == Some(due) => &t[..p],
        _ => t,
    }
}

/// The byte ranges of a numbered list's items, numbered 1, 2, … from the
/// first, each up to the next item (the last to the end of its line); empty
/// when the text has no such list.
fn items(t: &str) -> Vec<std::ops::Range<usize>> {
    if !t.contains('\n') {
        return Vec::new();
    }
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for line in t.split_inclusive('\n') {
        if let Some(n) = item_number(line)
            && n == starts.len() as u32 + 1
        {
            starts.push((at, at + line.len()));
        }
        at += line.len();
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, &(s, line_end)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(line_end, |&(next, _)| next);
        out.push(s..end);
    }
    out
}

/// The number a list item opens with: "1.", "2)", "（3）", "二、", "①".
fn item_number(line: &str) -> Option<u32> {
    let l = line.trim_start_matches([' ', '\t', '-', '*', '•', '(', '（']);
    let mut chars = l.chars();
    let c = chars.next()?;
    if let Some(k) = "①②③④⑤⑥⑦⑧⑨".chars().position(|x| x == c) {
        return Some(k as u32 + 1);
    }
    let n = match c.to_digit(10) {
        Some(d) => d,
        None => "一二三四五六七八九".chars().position(|x| x == c)? as u32 + 1,
    };
    // One digit then a marker: "1." "1)" "1、" "1）" (not "10:00", "3月").
    let next = chars.next()?;
    let marked = matches!(next, '.' | ')' | '、' | '）' | '．' | ':' | '：');
    (marked && !chars.next().is_some_and(|c| c.is_ascii_digit())).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::calendar::holidays::Calendar;
    use crate::core::deadline::test_ctx as ctx;

    fn head(text: &str) -> String {
        let cal = Calendar::bundled().expect("calendar");
        let c = ctx(&cal);
        let folded = crate::core::normalize::fold(text);
        headline(&folded, deadline::find(text, &c), &c, &[]).to_string()
    }

    #[test]
    fn a_list_of_separate_asks_is_named_by_the_item_holding_the_deadline() {
        let h = head(
            "各站所：\n1.请于5月20日前报送一季度工作小结；\n2.自下周起，每周一上午10点前上报考勤；\n3.安全台账本周内自查。",
        );
        assert!(h.contains("工作小结"), "{h}");
        assert!(h.contains("各站所"), "{h}");
        assert!(!h.contains("考勤") && !h.contains("台账"), "{h}");
    }

    /// The headline when the sentences opening with `names` address members.
    fn head_turns(text: &str, names: &[&str]) -> String {
        let cal = Calendar::bundled().expect("calendar");
        let c = ctx(&cal);
        let folded = crate::core::normalize::fold(text);
        let turns: Vec<usize> = names.iter().filter_map(|n| folded.find(n)).collect();
        headline(&folded, deadline::find(text, &c), &c, &turns).to_string()
    }

    #[test]
    fn a_later_turn_asking_another_member_is_left_out() {
        let t = "今天两件事，经费报表和安全检查。张伟 经费报表你负责，周三下班前给我；李强 安全检查你来抓，照片收到办公室。";
        let h = head_turns(t, &["张伟", "李强"]);
        assert!(h.contains("经费报表你负责") && !h.contains("照片"), "{h}");
        // Parts of one piece of work asked in turn, the deadline in the last.
        let t = "调研报告：张伟 写数据部分；李强 写案例部分，合稿周五前给我。";
        assert_eq!(
            head_turns(t, &["张伟", "李强"]),
            crate::core::normalize::fold(t)
        );
        // A notice to all, then one member asked to pass it on: that ask is
        // the message's own, nothing is cut.
        let t = "明天例会改在二楼会议室，时间不变（下午3点）。王芳 麻烦再通知一下各村";
        assert_eq!(head_turns(t, &["王芳"]), crate::core::normalize::fold(t));
    }

    #[test]
    fn a_side_ask_in_its_own_sentence_is_left_out() {
        let h = head(
            "本周例会定于周三上午9点，请各站准备汇报。\n另外，上周的台账还没交的，今天下班前传给我。",
        );
        assert!(h.contains("例会") && !h.contains("台账"), "{h}");
        // The deadline is the side ask's (no time before it): whole text.
        let t = "请各站准备汇报材料。另外，上周的台账今天下班前传给我。";
        assert_eq!(head(t), crate::core::normalize::fold(t));
    }

    #[test]
    fn steps_of_one_ask_and_plain_texts_stay_whole() {
        // The deadline is in the last item: every step is kept.
        let t = "请各村：\n1.周四前检查完灭火器；\n2.检查记录周五上午10点前交。";
        assert_eq!(head(t), crate::core::normalize::fold(t));
        // No list, or no deadline: unchanged.
        let t = "请于5月20日前报送一季度工作小结";
        assert_eq!(head(t), crate::core::normalize::fold(t));
        let t = "请大家：\n1.注意安全\n2.保持手机畅通";
        assert_eq!(head(t), crate::core::normalize::fold(t));
    }

    #[test]
    fn item_numbers_are_read_and_times_are_not() {
        assert_eq!(item_number("1. 报名单"), Some(1));
        assert_eq!(item_number("2) names"), Some(2));
        assert_eq!(item_number("（3）台账"), Some(3));
        assert_eq!(item_number("二、工作要求"), Some(2));
        assert_eq!(item_number("②照片"), Some(2));
        assert_eq!(item_number("10:00前报"), None);
        assert_eq!(item_number("3月5日前报"), None);
        assert_eq!(item_number("1.5万元"), None);
    }
}
