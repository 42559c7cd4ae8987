//! Extraction: is a message a task, what is its deadline, who is it for?
//!
//! Pure: the message, its context and the send time in, a verdict out.

use super::deadline::{self, Ctx, Found};
use super::lexicon::{self, Words};
use super::normalize::fold;
use super::task_cues;
use super::task_model::{Cues, TaskModel, c};
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
    /// A reply by the sender to their own open ask: a follow-up.
    pub follows_own_ask: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub is_task: bool,
    /// The probability that the text is an ask, in percent (for
    /// explanations).
    pub task_score: i32,
    /// The cues the text shows (for explanations and `rules fit-tasks`).
    pub cues: Cues,
    pub deadline: Found,
    pub assignees: Assignees,
    pub folded: String,
    /// Where sentences open by addressing a member ("罗丽 …；钟伟 防溺水这块
    /// 你来抓"): byte offsets into `folded`, 0 when the message opens so. Asks
    /// of different people in turn are separate pieces of work.
    pub turns: Vec<usize>,
}

/// The word lists `extract` asks about, by bit.
const LISTS: [Words; 13] = [
    lexicon::ASK_CUES,
    lexicon::GROUP_ADDRESS,
    lexicon::HAND_IN_VERBS,
    lexicon::DEADLINE_MARKERS,
    lexicon::ADDRESSING,
    lexicon::CANCELLATIONS,
    lexicon::DETAILS_LATER,
    lexicon::INVITATIONS,
    lexicon::URGING,
    lexicon::THANKS,
    lexicon::EXHORTATIONS,
    lexicon::WORK_DONE,
    lexicon::STILL_OPEN,
];

/// A list of [`LISTS`], by its place there.
#[derive(Debug, Clone, Copy)]
enum List {
    AskCues,
    GroupAddress,
    HandInVerbs,
    DeadlineMarkers,
    Addressing,
    Cancellations,
    DetailsLater,
    Invitations,
    Urging,
    Thanks,
    Exhortations,
    WorkDone,
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
                for w in list.iter() {
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
    lexicon::ACKNOWLEDGEMENTS.iter().any(|a| {
        core == a || (core.starts_with(a) && core.chars().count() <= a.chars().count() + 3)
    })
}

/// Is the text a question asking for information rather than an ask?
fn is_info_question(f: &str) -> bool {
    let t = f.trim_end();
    if !(t.ends_with('?') || t.ends_with('？') || t.ends_with("吗") || t.ends_with("呢")) {
        return false;
    }
    // A request phrased as a question aimed at someone is still an ask.
    !lexicon::QUESTION_REQUESTS.in_text(t)
}

static PROMISE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"我们?[^，。,.!！？?你请各]{0,12}(?:发|报|交|给|送|弄|整理|提供|补|过来|对一下|看一下|处理|准备)").expect("valid regex")
});

// The sender and others of their side as the subject of a plan ("just
// confirming me and the 2 HCAs will stay for…"): a promise, not an ask.
static SELF_PLAN_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(?:me|myself) and [a-z0-9 ]{1,24}?(?:will|'ll|are going to|can)\b")
        .expect("valid regex")
});

fn is_promise(f: &str) -> bool {
    let head: String = f.chars().take(12).collect();
    lexicon::PROMISES.in_text(&head)
        || PROMISE_RE.is_match(f)
        || SELF_PLAN_RE.is_match(deadline::clip(f, 80))
        || f.starts_with("我") && !f.contains("请") && !f.contains("你")
}

/// English sentences that open with an imperative verb.
fn has_imperative(f: &str) -> bool {
    f.split(['.', '!', '?', ':', ';', '\n', '—', '-'])
        .map(|s| s.trim_start_matches(|c: char| !c.is_alphanumeric()))
        .any(|s| starts_with_word(s, lexicon::IMPERATIVES))
}

fn starts_with_word(s: &str, words: Words) -> bool {
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
pub fn extract(input: &Input<'_>, ctx: &Ctx<'_>, model: &TaskModel) -> Extraction {
    let folded = fold(input.text);
    let f = folded.as_str();
    let deadline = deadline::find_folded(f, ctx);
    let has = Present::of(f);
    let assignees = assignees(f, input, has);
    let strong = has.any(List::AskCues) || has_imperative(f);
    let addressed = !input.mentioned.is_empty()
        || matches!(assignees, Assignees::People(_))
        || has.any(List::GroupAddress);
    let vocative = is_vocative(f, input);
    let minute = matches!(deadline, Found::Deadline(Deadline::Minute(_)));
    // A deadline counts when it is marked as one or gives a clock time:
    // "今天下午" alone is often just when something happens.
    let marked = has.any(List::DeadlineMarkers);
    let day = matches!(deadline, Found::Deadline(Deadline::Day(_)));
    let mut x = Cues::default();
    x.set(c::REQUEST, strong);
    x.set(c::HAND_IN, has.any(List::HandInVerbs));
    x.set(
        c::CLOCK_DEADLINE,
        minute || matches!(deadline, Found::SameAsEarlier),
    );
    x.set(c::MARKED_DAY_DEADLINE, day && marked);
    x.set(c::UNMARKED_DAY, day && !marked);
    x.set(c::ADDRESSED, addressed);
    x.set(c::VOCATIVE, vocative);
    x.set(
        c::OWNER_HAND_IN,
        input.sender_is_owner && has.any(List::HandInVerbs),
    );
    x.set(c::ACKNOWLEDGEMENT, is_ack(f));
    // "Thanks Sam. Night crew, sign the sheet" asks after thanking.
    x.set(
        c::OPENS_WITH_THANKS,
        lexicon::ACKNOWLEDGEMENTS
            .iter()
            .any(|a| a.chars().count() >= 2 && f.starts_with(a))
            && !(strong && (f.starts_with("thank") || f.starts_with("谢谢"))),
    );
    x.set(c::INFORMATION_QUESTION, is_info_question(f));
    // "我汇总后报县里" beside "请各村报我" is the sender's next step, not the ask.
    let promise = is_promise(f);
    x.set(
        c::PROMISE_TO_ADDRESSEE,
        promise && has.any(List::Addressing),
    );
    x.set(c::PROMISE, promise && !has.any(List::Addressing));
    x.set(c::CANCELLATION, has.any(List::Cancellations));
    x.set(c::DETAILS_LATER, has.any(List::DetailsLater) && !strong);
    x.set(
        c::INVITATION,
        has.any(List::Invitations) && !has.any(List::Urging) && !(marked && strong),
    );
    x.set(c::THANKS, has.any(List::Thanks) && !strong && !minute);
    x.set(c::EXHORTATION, has.any(List::Exhortations));
    x.set(
        c::WORK_DONE,
        has.any(List::WorkDone) && !has.any(List::StillOpen),
    );
    x.set(c::ASKER_FOLLOW_UP, input.follows_own_ask);
    x.set(c::REPLY, input.is_reply);
    x.set(c::OWNER, input.sender_is_owner);
    // A request or hand-in with a time weighs more than either alone.
    let timed = !matches!(deadline, Found::None);
    x.set(c::REQUEST_WITH_TIME, strong && timed);
    x.set(c::HAND_IN_WITH_TIME, has.any(List::HandInVerbs) && timed);
    x.set(c::SHORT, f.chars().count() <= 12);
    x.set(c::TIMED_REPLY, input.is_reply && timed);
    let aimed =
        vocative || !input.mentioned.is_empty() || matches!(assignees, Assignees::People(_));
    task_cues::mark(&mut x, f, deadline, aimed, strong);
    let p = model.prob(x);
    Extraction {
        is_task: p >= model.threshold,
        task_score: (p * 100.0).round() as i32,
        cues: x,
        deadline,
        assignees,
        turns: turns(&folded, input),
        folded,
    }
}

/// How many sentence starts are checked for a turn.
const MAX_TURNS: usize = 64;

/// The starts of the sentences that open by addressing a member ("罗丽
/// 资助核查表你牵头，周三下班前给我；钟伟 防溺水这块你来抓"), 0 when the message
/// itself does.
fn turns(f: &str, input: &Input<'_>) -> Vec<usize> {
    if input.members.is_empty() {
        return Vec::new();
    }
    let opening = is_vocative(f, input).then_some(0);
    opening
        .into_iter()
        .chain(
            f.char_indices()
                .filter(|&(i, c)| {
                    matches!(c, '\n' | '。' | '；' | ';' | '!' | '！' | '?' | '？')
                        || (c == '.' && f[i + 1..].starts_with(' '))
                })
                .map(|(i, c)| i + c.len_utf8())
                .filter(|&p| p < f.len())
                // Each start is checked against every member's names: a
                // bound keeps a long notice in a large group cheap.
                .take(MAX_TURNS)
                .filter(|&p| is_vocative(&f[p..], input)),
        )
        .collect()
}

fn assignees(f: &str, input: &Input<'_>, has: Present) -> Assignees {
    if has.any(List::GroupAddress) {
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

    static CAL: std::sync::LazyLock<crate::core::calendar::holidays::Calendar> =
        std::sync::LazyLock::new(|| {
            crate::core::calendar::holidays::Calendar::bundled().expect("bundled calendar parses")
        });

    /// The shipped rules: the tests check the fitted task model.
    static MODEL: std::sync::LazyLock<crate::core::rules::Rules> =
        std::sync::LazyLock::new(|| crate::core::rules::Rules::bundled().expect("bundled rules"));

    fn ctx() -> Ctx<'static> {
        crate::core::deadline::test_ctx(&CAL)
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
                follows_own_ask: false,
            },
            &ctx(),
            &MODEL.task_model,
        )
    }

    #[test]
    fn sentences_opening_by_addressing_a_member_are_turns() {
        let x = run("两件事。王磊 台账你负责，周三前给我；Priya, can you send the photos?");
        let f = x.folded.as_str();
        let at = |s: &str| f.find(s).expect("in text");
        assert_eq!(x.turns, vec![at("王磊"), at("priya")]);
        // The opening counts as 0; a name inside a sentence is no turn.
        let x = run("王磊 周五前交台账，让priya nair也看一下。");
        assert_eq!(x.turns, vec![0]);
    }

    #[test]
    fn word_lists_found_in_one_pass_as_by_a_search_per_word() {
        // Each named list is the one at its place.
        for (list, words) in [
            (List::AskCues, lexicon::ASK_CUES),
            (List::GroupAddress, lexicon::GROUP_ADDRESS),
            (List::HandInVerbs, lexicon::HAND_IN_VERBS),
            (List::DeadlineMarkers, lexicon::DEADLINE_MARKERS),
            (List::Addressing, lexicon::ADDRESSING),
            (List::Cancellations, lexicon::CANCELLATIONS),
            (List::DetailsLater, lexicon::DETAILS_LATER),
            (List::Invitations, lexicon::INVITATIONS),
            (List::Urging, lexicon::URGING),
            (List::Thanks, lexicon::THANKS),
            (List::Exhortations, lexicon::EXHORTATIONS),
            (List::WorkDone, lexicon::WORK_DONE),
            (List::StillOpen, lexicon::STILL_OPEN),
        ] {
            assert_eq!(LISTS[list as usize], words, "{list:?}");
        }
        let mut texts: Vec<String> = LISTS
            .iter()
            .flat_map(|l| l.iter())
            .map(String::from)
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
                assert_eq!(has.0 & (1 << i) != 0, list.in_text(t), "{t} in list {i}");
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
        // Asked of whoever can: still an ask.
        assert!(
            run("Evening all. Could someone send me a list of the closed roads in the ward?")
                .is_task
        );
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

    #[test]
    fn the_sender_and_their_side_as_subject_is_a_promise() {
        let e = run("just confirming me and the two porters will cover the late shift tomorrow");
        assert!(e.cues.has(c::PROMISE), "{:?}", e.cues);
        let e = run("porters, please cover the late shift tomorrow");
        assert!(!e.cues.has(c::PROMISE), "{:?}", e.cues);
    }
}
