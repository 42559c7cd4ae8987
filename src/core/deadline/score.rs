//! Which time is the deadline: each candidate (a date, a time on its day,
//! a duration) scored by the words around it.

use super::clock::{resolve, times};
use super::cues::Cues;
use super::dates::dates;
use super::durations::{ago_spans, arrive_early, durations};
use super::matches::{DateM, TimeM};
use super::relative::{R_WD_EN, R_WD_ZH};
use super::zones::{is_zone_word, zone_near};
use super::{Cand, Ctx};
use crate::core::lexicon::{self, Words};
use crate::model::Deadline;
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use chrono::Duration;
use regex::Regex;
use std::sync::LazyLock;

/// A word list searched as one automaton, built once: a single walk over
/// the text finds any of the words (a loop per word and byte cost
/// thousands of instructions per candidate). A plain DFA without a
/// prefilter: the texts searched are a few dozen bytes.
macro_rules! words {
    ($name:ident, $list:expr) => {
        static $name: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .prefilter(false)
                .build($list.iter())
                .expect(concat!("valid word list ", stringify!($name)))
        });
    };
}

words!(HAND_IN_WORDS, lexicon::HAND_IN_DEADLINE_CUES);
words!(MEETING_WORDS, lexicon::MEETING_CUES);
words!(UPSTREAM_WORDS, lexicon::UPSTREAM);

// "be on your ward by", "be at the depot for", "be there at": the readers'
// own arrival time, ending the text before a time.
re!(
    BE_SOMEWHERE_BY,
    r"(?:^|\W)(?:be|meet|muster|assemble|gather) (?:there|here|back|on|at|in)\b[^.,;:!?]{0,28}\b(?:by|for|at) ?$"
);

/// A dash that ends a range before the time ("3-5pm", "0900 - 1300",
/// "Mon - Fri"), not a spaced dash after words ("still open - month end",
/// "for today - 3pm").
fn range_before(before: &str) -> bool {
    let Some(b) = before.strip_suffix('-') else {
        return false;
    };
    let b = b.trim_end();
    if !before.ends_with(" -") {
        return true;
    }
    // "zone 5 - 3pm": a numbered thing, not the start of a range.
    let mut words = b.rsplit(' ');
    if let (Some(n), Some(w)) = (words.next(), words.next())
        && n.len() <= 3
        && n.bytes().all(|c| c.is_ascii_digit())
        && w.bytes().all(|c| c.is_ascii_lowercase())
        && ![
            "at", "from", "between", "by", "to", "and", "or", "till", "until",
        ]
        .contains(&w)
    {
        return false;
    }
    RANGE_START.is_match(b)
}

re!(
    RANGE_START,
    r"(?i:(?:\d|\b(?:am|pm|noon|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)))$"
);

/// A date set aside by what comes before it ("not Wed", "instead of", 原定),
/// or the last day of a run ("every shift through Mon 5/27"): not the day
/// of a time that follows.
fn negated(t: &str, d: &DateM) -> bool {
    SET_ASIDE.is_match(clip_back(&t[..d.start], 24))
}

re!(
    SET_ASIDE,
    r"(?:(?:^|\W)(?:not|instead of|rather than|moved from|through|thru)|原定|原来|不是|而非|改自)[\s(（]*$"
);

// Right before a date: it restates what came before ("i.e.", 即).
re!(
    RESTATED,
    r"(?:(?:^|\W)(?:i\.e\.?|ie|that is|namely),?|即|也就是)\s*$"
);

// The sender as the one who owes the work.
re!(
    SENDER_OWES,
    r"(?:^|\W)i (?:owe|have to (?:send|submit|get|hand)|need to (?:send|submit|get|hand)|must (?:send|submit))\b|(?:^|\W)i(?:'ve| have)(?: got)? (?:a|an|my|our)\b"
);

// A role named as the label of a clause: "fire wardens:", "各网格员：".
re!(
    SUBGROUP_LABEL,
    r"^(?:([a-z][a-z -]{2,24})|各?\p{Han}{1,6}(?:员|长|们|组|老师|班主任|同志))$"
);

/// Whether the time at `start..end` is an arrival or assembly time.
pub(super) fn arrival_at(t: &str, start: usize, end: usize) -> bool {
    let head = &t[..start];
    is_arrival(head, before_of(head), t[end..].trim_start())
}

/// Where the clause a time ends in starts, when it opens with a role's
/// label ("Fire wardens: hi-vis by 10:15", "各组长：…"): a side job for that
/// role when the message named the headline's time before it.
pub(super) fn role_clause_start(head: &str) -> Option<usize> {
    let clause = clause_of(head);
    // The label is short and ends in a word ("10:30" is no label).
    let colon = clause.find([':', '：'])?;
    let label = clause[..colon].trim_end();
    if label.len() > 30 || !label.ends_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    let c = SUBGROUP_LABEL.captures(label)?;
    // Headings, not roles: "Deadline:", "NB:", "Update:".
    if c.get(1).is_some_and(|w| {
        [
            "deadline", "due", "time", "date", "when", "note", "nb", "ps", "reminder", "update",
            "action", "re", "fyi",
        ]
        .iter()
        .any(|x| w.as_str().trim() == *x || w.as_str().starts_with(x))
    }) {
        return None;
    }
    Some(head.len() - clause.len())
}

/// An English week or month ("this week", "next month") that names the
/// period a thing covers, not when it is due: at the end of an of-phrase
/// after a noun ("a list of the missed collections in Hilltop ward this
/// week", "the names of anyone off sick this week"), or in a clause telling
/// what has happened ("I've had four residents ring me … this week"). Not
/// after a quantifier ("all of your training this week" is when to do it),
/// nor with a verb, a modal or a deadline word between (`clause` is the
/// clause before the period, lower-cased).
fn period_it_covers(clause: &str, span: &str) -> bool {
    let period = (span.starts_with("this ") || span.starts_with("next "))
        && (span.ends_with("week") || span.ends_with("month"));
    if !period || !clause.is_ascii() {
        return false;
    }
    // "I've had four residents ring me about missed bins this week": what
    // happened in it, told in the perfect or the past.
    if lexicon::en::PAST_TELLING.iter().any(|w| clause.contains(w)) {
        return true;
    }
    let Some(i) = clause.rfind(" of ") else {
        return false;
    };
    let owner = clause[..i].rsplit(' ').next().unwrap_or("");
    let inside = &clause[i + 3..];
    !lexicon::en::QUANTIFIERS.contains(&owner)
        && !lexicon::en::VERB_LINKS.iter().any(|w| inside.contains(w))
}

/// A date alone in brackets right after a name, not after a time word.
fn dates_a_name(head: &str, after: &str) -> bool {
    let h = head.trim_end();
    let Some(h) = h.strip_suffix(['(', '（']) else {
        return false;
    };
    let h = h.trim_end();
    let last_word = h
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    after.starts_with([')', '）'])
        && h.ends_with(|c: char| c.is_alphabetic())
        && !["时间", "日期", "截止"].iter().any(|w| h.ends_with(w))
        && !["前", "后", "底", "末", "内"].iter().any(|w| h.ends_with(w))
        // "by end of term (12 July)": the date restates a time phrase.
        && ![
            "deadline", "due", "date", "by", "before", "until", "term", "month", "week", "year",
            "quarter", "holiday", "holidays", "break", "day", "weekend", "today", "tomorrow",
        ]
        .contains(&last_word)
}

// A party that comes to the readers, and the English hand-in verbs before
// a time: automata, looked for in every candidate's clause or phrase.
words!(VISITORS, lexicon::VISITORS);
words!(HAND_IN_VERBS_EN, lexicon::HAND_IN_BEFORE_TIME);

// English puts the hand-in verb before its time ("and send me findings +
// photos by COP Fri"): in one ask in steps, the hand-in's time governs.
re!(
    HANDED_IN_BEFORE,
    r"(?:^|\W)(?:send|submit|return|e-?mail|upload|hand in|hand over|drop off|forward|get (?:it|them|this|these|those) (?:to|back))\b"
);

/// The phrase a time ends: the text since the last comma, clause or
/// sentence break, at most 80 bytes back.
fn phrase_of(head: &str) -> &str {
    let w = clip_back(head, 80);
    let w = match w.rfind([',', '，', ';', '；', '\n', '?', '!', '。']) {
        Some(i) => &w[i + w[i..].chars().next().map_or(1, char::len_utf8)..],
        None => w,
    };
    match w.rfind(". ") {
        Some(i) => &w[i + 2..],
        None => w,
    }
}

/// The readers hand something in, by the time that ends `phrase` ("send me
/// findings by COP Fri"); not the sender ("so I can get it to them by 3").
fn readers_hand_in(phrase: &str) -> bool {
    // The automaton first: most phrases name no such verb.
    if !HAND_IN_VERBS_EN.is_match(phrase) {
        return false;
    }
    HANDED_IN_BEFORE
        .find(phrase)
        .is_some_and(|m| !SENDER_SUBJECT.is_match(&phrase[..m.start()]))
}

re!(
    SENDER_SUBJECT,
    r"(?:^|\W)(?:i|we)(?:'ll|'d| can| could| will| would| need to| have to| must| to| then)?$"
);

// A time or day named earlier in the message (for "also…").
re!(
    EARLIER_TIME,
    r"\d|今天|明天|后天|周[一二三四五六日天]|星期|(?i:\b(?:today|tomorrow|tonight|mon|tue|wed|thu|fri|sat|sun)\w*\b)"
);

// "当天7点前到": the day named earlier in the message, not the send day.
re!(
    SAME_DAY,
    r"(?:当天|当日|that day|on the day)[^，。,.;；]{0,6}$"
);

/// The last `n` bytes of `s` or fewer (a char boundary).
fn clip_back(s: &str, n: usize) -> &str {
    let mut from = s.len().saturating_sub(n);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    &s[from..]
}

/// At most the first `n` bytes of `s`, cut on a character boundary.
pub(crate) fn clip(s: &str, n: usize) -> &str {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    &s[..n]
}

/// Whether `s` starts with one of `words` (a byte loop: these lists are
/// checked per candidate and the words are short).
#[inline]
fn starts_with_any(s: &str, words: Words) -> bool {
    let s = s.as_bytes();
    let Some(&first) = s.first() else {
        return false;
    };
    words.lists().iter().flat_map(|l| l.iter()).any(|w| {
        let w = w.as_bytes();
        w.first() == Some(&first) && w.len() <= s.len() && s.iter().zip(w).all(|(a, b)| a == b)
    })
}

/// Whether `s` ends with one of `words`.
#[inline]
fn ends_with_any(s: &str, words: Words) -> bool {
    let s = s.as_bytes();
    let Some(&last) = s.last() else {
        return false;
    };
    words.lists().iter().flat_map(|l| l.iter()).any(|w| {
        let w = w.as_bytes();
        w.last() == Some(&last)
            && w.len() <= s.len()
            && s.iter().rev().zip(w.iter().rev()).all(|(a, b)| a == b)
    })
}

/// The clause `head` ends in: the text since the last sentence or line
/// break ("另外，上周的表今天下班前传给我", "Also reply … by noon"), lower-cased
/// already, trimmed at its start.
fn clause_of(head: &str) -> &str {
    // Looked for in the last 240 bytes only (linear over long texts); a
    // clause longer than that has no start to read.
    let w = clip_back(head, 240);
    // A byte scan from the end: the stops are ASCII or end in one of three
    // UTF-8 sequences (。 E3 80 82; ；！？ EF BC 9B/81/9F), cheaper than
    // decoding characters backwards.
    let b = w.as_bytes();
    let stop = (0..b.len()).rev().find_map(|i| match b[i] {
        b'\n' | b';' | b'!' | b'?' => Some(i + 1),
        0x82 if i >= 2 && b[i - 2] == 0xE3 && b[i - 1] == 0x80 => Some(i + 1),
        0x9B | 0x81 | 0x9F if i >= 2 && b[i - 2] == 0xEF && b[i - 1] == 0xBC => Some(i + 1),
        _ => None,
    });
    let from = stop.or_else(|| w.rfind(". ").map(|i| i + 2));
    match from {
        Some(i) => w[i..].trim_start(),
        None if w.len() == head.len() => w.trim_start(),
        None => "",
    }
}

/// The 14 characters before `start`, trimmed.
fn before_of(head: &str) -> &str {
    let from = head
        .char_indices()
        .rev()
        .nth(13)
        .map(|(i, _)| i)
        .unwrap_or(0);
    head[from..].trim_end()
}

/// The text after a time past a deadline mark ("前到场" → "到场",
/// "前把材料发我" → "把材料发我").
fn arriving_after(after: &str) -> &str {
    let a = after
        .strip_prefix("之前")
        .or_else(|| after.strip_prefix("以前"))
        .or_else(|| after.strip_prefix('前'))
        .unwrap_or(after);
    // "2点20再出发", "8点准时集合": an adverb before the arrival.
    ["再", "就", "准时", "统一"]
        .iter()
        .find_map(|w| a.strip_prefix(w))
        .unwrap_or(a)
}

/// An arrival, assembly or sign-in time ("2:10前到场", "集合时间", "be on
/// your ward by"), given the text before the time, its last 14 characters
/// and the text after it.
fn is_arrival(head: &str, before: &str, after: &str) -> bool {
    let arriving = arriving_after(after);
    (arriving.starts_with('到') && !arriving.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        || starts_with_any(arriving, lexicon::ARRIVAL_AFTER)
        || ends_with_any(before, lexicon::ARRIVAL_BEFORE)
        || be_somewhere_by(clip_back(head, 48))
}

/// [`BE_SOMEWHERE_BY`], run only where one of its verbs is (the regex runs
/// on every candidate's tail otherwise; most have none).
fn be_somewhere_by(tail: &str) -> bool {
    ["be ", "meet", "muster", "assemble", "gather"]
        .iter()
        .any(|w| tail.contains(w))
        && BE_SOMEWHERE_BY.is_match(tail)
}

fn score(t: &str, start: usize, end: usize, d: Deadline, minute: bool, ctx: &Ctx<'_>) -> i32 {
    // The 14 characters before the span (a slice: no allocation).
    let head = &t[..start];
    let before = before_of(head);
    let after_full = &t[end..];
    let after = after_full.trim_start();
    let mut s = 0;
    // Marked as a deadline.
    if t[start..end].ends_with('前')
        || starts_with_any(after, lexicon::DEADLINE_AFTER)
        || ends_with_any(before, lexicon::DEADLINE_BEFORE)
    {
        s += 4;
    }
    // An enumeration ("8:00、20:00在群里签到") shares what follows it.
    let window = if after.starts_with('、') || after.starts_with("和") {
        16
    } else {
        10
    };
    // What follows within the same clause.
    let after2 = {
        let mut end = after.len();
        for (k, (i, c)) in after.char_indices().enumerate() {
            if k == window || matches!(c, '，' | ',' | '。' | '；' | ';' | '\n') {
                end = i;
                break;
            }
        }
        &after[..end]
    };
    // An arrival, assembly or sign-in time replaces the event's start, also
    // when a deadline mark comes between ("2:10前到场", "8点45前到机房").
    let marked = s > 0;
    // A visiting party's time ("检查组定于13日上午9:00到厂检查", "the
    // inspectors now come at 2:30"): when they come, not what the readers
    // must do by then, which the message says apart ("明天下班前把资料准备好").
    let clause = clause_of(head);
    // Every visitor word ends in 组, "or" or names a team: the automaton
    // only runs where one can be (a memchr-fast check first).
    let visiting = (clause.contains('组') || clause.contains("or") || clause.contains("team"))
        && VISITORS.is_match(clause);
    let arrival = !visiting && is_arrival(head, before, after);
    if arrival {
        s += 5;
        // "Be there by X" is what the readers must do: it outranks the
        // start or arrival of the event itself ("检查组3点到").
        if marked {
            s += 2;
        }
    }
    // The sender's own obligation ("I owe Linda a plan by 5/31, … bullet
    // points to me by Friday"): context for the time set for the readers.
    // The English phrase the time ends is cut only when one of its two
    // checks can apply (the last 80 bytes name "i " or a hand-in verb).
    let tail = clip_back(head, 80);
    if (tail.contains("i ") || tail.contains("i'")) && SENDER_OWES.is_match(phrase_of(head)) {
        s -= 3;
    }
    // A date alone in brackets after a name ("Housing Panel update
    // (13/06): first draft to me Tuesday week") dates the thing named.
    if dates_a_name(head, after) {
        s -= 6;
    }
    // "a list of the missed collections in Hilltop ward this week": a week
    // inside an of-phrase says what the thing covers, not when it is due.
    if period_it_covers(clause, &t[start..end]) {
        s -= 6;
    }
    // A time the sender quotes from upstream ("县里周五要") yields to the one
    // they set for their own readers.
    if UPSTREAM_WORDS.is_match(before) {
        s -= 3;
    }
    // "今天是…最后一天": the day itself is the deadline.
    if after.starts_with('是') && lexicon::LAST_DAY.in_text(clip(after_full, 80)) {
        s += 10;
    }
    // "within 10 working days, i.e. Tues 04/06", "3个工作日内，即6月5日前":
    // the sender's own reckoning restated as a date is the deadline.
    if RESTATED.is_match(clip_back(head, 16)) {
        s += 6;
    }
    // A new time after 改至 / 顺延至 / "moved to" is the deadline now.
    // "… on the first working day after the bank holiday instead": the
    // new time, over the one it replaces.
    if (ends_with_any(before, lexicon::MOVED_TO) && !visiting)
        || after
            .strip_prefix("instead")
            .is_some_and(|r| !r.starts_with(" of"))
    {
        s += 4;
    }
    // "各网格员周一把名单核一遍": the time of the readers' own action.
    if after.starts_with('把') || arriving_after(after).starts_with('把') {
        s += 2;
    }
    // "本周例会订周三上午9点": the day an event is set for.
    if before.ends_with(['订', '定']) {
        s += 2;
    }
    if HAND_IN_WORDS.is_match(after2)
        || (HAND_IN_VERBS_EN.is_match(tail) && readers_hand_in(phrase_of(head)))
    {
        s += 2;
    } else if MEETING_WORDS.is_match(after2) {
        // Meetings and attendance: the start is the deadline.
        s += 2;
    }
    if minute {
        s += 1;
    }
    // The end of a window left open until then: due at its end.
    let window_end = ends_with_any(before, lexicon::WINDOW_END_BEFORE)
        || starts_with_any(after, lexicon::WINDOW_END_AFTER);
    if window_end {
        s += 4;
    }
    // "today's my deadline", "Friday's the last day": 's is "is", not a
    // possessive naming the work ("today's report").
    let is_contraction = after.strip_prefix("'s ").is_some_and(|r| {
        r.split(' ').next().is_some_and(|w| {
            matches!(
                w,
                "my" | "the" | "our" | "your" | "his" | "her" | "their" | "a" | "an"
            )
        })
    });
    if is_contraction
        && (clip(after, 40).contains("deadline") || clip(after, 40).contains("last day"))
    {
        s += 4;
    }
    // A dash between spaces before a word opens an aside ("by 0945 – the
    // auditors…"), not a range of times.
    let aside = (after_full.starts_with(char::is_whitespace) || t[..end].ends_with(' '))
        && after
            .strip_prefix(['-', '–', '—'])
            .is_some_and(|r| r.starts_with(' ') && r.trim_start().starts_with(char::is_alphabetic));
    // Context, not deadline.
    // "端午前后" is around the holiday, not before it: no deadline at all.
    if t[start..end].ends_with('前') && after_full.starts_with('后') {
        s -= 10;
    }
    if ends_with_any(before, lexicon::CONTEXT_BEFORE)
        || (starts_with_any(after, lexicon::CONTEXT_AFTER) && !aside && !is_contraction)
        // 至 ends a range (3日至5日), unless it is a move's (改至 5日).
        || (before.ends_with("至") && !ends_with_any(before, lexicon::MOVED_TO) && !window_end)
        || range_before(before)
        || (after.starts_with('的') && !minute)
    {
        s -= 6;
    }
    // A secondary ask ("另请…", "also…") does not replace the headline ask
    // (one named before it); "also Thurs 2pm" opening a message adds to an
    // earlier message and is this one's own time.
    // (Bounded looks back: a long text with many times stays linear.)
    if (ends_with_any(
        before.trim_end_matches(|c: char| !c.is_alphanumeric() && !c.is_alphabetic()),
        lexicon::SECONDARY_ASK,
    ) || starts_with_any(clause, lexicon::SECONDARY_ASK))
        && EARLIER_TIME.is_match(clip_back(head, 480))
    {
        s -= 5;
    }
    // 今日推文 / 今天的X name today's work, not a time to hand it in.
    let span = &t[start..end];
    // "今天白班的交接班", "今天南塘的晨检": a short name between 今天 and 的.
    let names_today = (span == "今天" || span == "今日")
        && after_full
            .char_indices()
            .take(6)
            .find(|&(_, c)| c == '的' || !('\u{4e00}'..='\u{9fff}').contains(&c))
            .is_some_and(|(i, c)| {
                c == '的'
                    && i > 0
                    && !after_full[..i]
                        .contains(|c: char| "前内后点时分半上下午务必须要请把将就".contains(c))
            });
    if names_today {
        s -= 6;
    } else if span == "今日" || (span == "今天" && after_full.starts_with('的')) {
        let next: String = after_full.chars().take(2).collect();
        if next.chars().next().is_some_and(|c| !c.is_ascii())
            && !lexicon::TODAY_TIMED_BY.iter().any(|w| next.starts_with(w))
            && !next.is_empty()
        {
            s -= 6;
        }
    }
    // Past times are not deadlines of a new ask.
    if !d.is_pending_at(ctx.sent) {
        s -= 10;
    }
    s
}

/// Deadline candidates; `full` also reads the context-only families that a
/// deadline never comes from (named days, 第N天), for [`expressions`].
pub(super) fn candidates(t: &str, ctx: &Ctx<'_>, full: bool) -> Vec<Cand> {
    // The cue characters and words, found once for every family below.
    let cu = Cues::new(t);
    let found = dates(t, &cu, ctx, full);
    let ds = merge_adjacent(t, found);
    let ts = times(t, &cu, ctx);
    let ago = ago_spans(t, &cu);
    // Sentence starts, for a time that inherits the day named earlier:
    // found on the first such time only (most texts have none), once, so
    // the whole stays linear.
    let mut stops: Option<Vec<usize>> = None;
    // The day recurring work starts on, looked for once (on the first
    // day-less time) so that the whole stays linear.
    let mut recurring_start: Option<Option<chrono::NaiveDate>> = None;
    let mut recurring: Option<bool> = None;
    let mut used = vec![false; ds.len()];
    let mut out = Vec::new();
    for tm in &ts {
        // The day this time is on: right before it, right after it, or the
        // last day named earlier on the same line.
        let before_idx = ds.partition_point(|d| d.end <= tm.start);
        let day = day_of(t, &ds, tm, before_idx, !full);
        let weak = day.is_some_and(|(_, d)| d.weak);
        let (start, end, date) = match day {
            Some((k, d)) => {
                used[k] = true;
                (d.start.min(tm.start), d.end.max(tm.end), Some(d.date))
            }
            None => {
                // The day the time names itself, else the last day named
                // earlier in the same sentence.
                let stops = stops.get_or_insert_with(|| {
                    t.char_indices()
                        .filter(|&(p, c)| {
                            matches!(c, '\n' | '。' | '；' | ';' | '!' | '！' | '?' | '？')
                                // "…on Wed. Reply by 3": a full stop after a
                                // word (not "1.通报", "6.30pm").
                                || (c == '.'
                                    && t[p + 1..].starts_with(char::is_whitespace)
                                    && t[..p].ends_with(|b: char| b.is_alphabetic()))
                        })
                        .map(|(p, _)| p + 1)
                        .collect()
                });
                let si = stops.partition_point(|&p| p <= tm.start);
                let sentence_start = if si == 0 { 0 } else { stops[si - 1] };
                let inherited = match tm.own_day {
                    Some(off) => Some(ctx.sent.date() + Duration::days(off)),
                    // Not a day set aside: "now Thu 3pm (not Wed 11am),
                    // … be there for 14:45" is on Thursday.
                    None => ds[..before_idx]
                        .iter()
                        .enumerate()
                        .rev()
                        .take_while(|(_, d)| d.start >= sentence_start)
                        .find(|(_, d)| !negated(t, d))
                        .map(|(k, d)| {
                            if full {
                                d.date
                            } else {
                                first_listed(t, &ds, k)
                            }
                        })
                        // "昨天的周报…12点前改好": a past day names the work.
                        .filter(|d| *d >= ctx.sent.date()),
                };
                (tm.start, tm.end, inherited)
            }
        };
        let Some(mut dl) = resolve(date, tm.spec, ctx) else {
            continue;
        };
        // A day-less time already past on the send day ("…改为明天下午3点。
        // 各位下午2:45前到会议室", sent at 5 p.m.) is on the later day the
        // message named before it, in an earlier sentence too.
        // So is the readers' arrival for an event on a day named before
        // ("6月14日下午3点开会：…\n请各组长2:50前签到").
        let head = &t[..tm.start];
        if date.is_none()
            && (!dl.is_pending_at(ctx.sent)
                || SAME_DAY.is_match(clip_back(head, 24))
                || is_arrival(head, before_of(head), t[tm.end..].trim_start()))
        {
            let mut named = ds[..before_idx].iter().filter(|d| !negated(t, d));
            // A daily time on the days a roster names ("8日 钟伟，9日 罗丽。
            // 每天早上8点交接") is first due on the first of them.
            let later = if *recurring.get_or_insert_with(|| RECURRING.is_match(t)) {
                named.map(|d| d.date).filter(|d| *d > ctx.sent.date()).min()
            } else {
                named
                    .next_back()
                    .map(|d| d.date)
                    .filter(|d| *d > ctx.sent.date())
            };
            if let Some(l) = later.and_then(|l| resolve(Some(l), tm.spec, ctx)) {
                dl = l;
            }
        }
        // A daily time that starts on a later day ("每天晚上8点前报，从明天
        // 开始", "daily by 9am, starting Monday"): its first instance.
        if date.is_none()
            && let Some(first) = (*recurring_start.get_or_insert_with(|| {
                if *recurring.get_or_insert_with(|| RECURRING.is_match(t)) {
                    starts_on(t, &ds)
                } else {
                    None
                }
            }))
            .filter(|d| *d > ctx.sent.date())
            && let Some(l) = resolve(Some(first), tm.spec, ctx)
        {
            dl = l;
        }
        // "4pm CET", "8:00 GMT", 北京时间8点: into the organisation's zone.
        let mut end = end;
        if let (Some(frame), Deadline::Minute(at)) = (ctx.utc_offset, dl)
            && let Some((zone, zend)) = zone_near(t, tm.start, tm.end)
        {
            dl = Deadline::Minute(at + Duration::minutes((frame - zone) as i64));
            end = end.max(zend);
        }
        let minute = matches!(dl, Deadline::Minute(_));
        let sc = score(t, start, end, dl, minute, ctx) - if weak { 8 } else { 0 };
        out.push(Cand {
            start,
            end,
            deadline: dl,
            score: sc,
            dayless: date.is_none(),
        });
    }
    days_alone(t, ctx, &ds, &used, &ago, &mut out);
    durations(t, &cu, ctx, &mut out);
    arrive_early(t, &cu, &mut out);
    out.sort_by_key(|c| c.start);
    out
}

/// Adjacent dates (3月7日（周四）, "Tuesday Oct 22") describe one day: keep
/// the explicit one.
fn merge_adjacent(t: &str, found: Vec<DateM>) -> Vec<DateM> {
    let mut ds: Vec<DateM> = Vec::with_capacity(found.len());
    for b in found {
        if let Some(&a) = ds.last() {
            let gap = t[a.end..b.start].trim();
            if gap.is_empty() || gap == "(" || gap == "（" || gap == "," {
                // A calendar date in brackets says which day the phrase
                // before it means ("节后第一个工作日（6月11日）", "后天（3月8日）").
                let bracket = gap == "(" || gap == "（";
                let keep = if b.explicit && (!a.explicit || bracket) {
                    b
                } else {
                    a
                };
                // 3月7日（周四）: the merged span takes the closing paren too.
                let rest = &t[b.end..];
                let end = if gap != "," && (rest.starts_with(')') || rest.starts_with('）')) {
                    b.end + rest.chars().next().map(char::len_utf8).unwrap_or(0)
                } else {
                    b.end
                };
                let last = ds.len() - 1;
                ds[last] = DateM {
                    start: a.start,
                    end,
                    ..keep
                };
                continue;
            }
        }
        ds.push(b);
    }
    ds
}

/// Mentions are short: glue is searched only this far (keeps it linear).
const NEAR: usize = 256;

/// The day a time is on, with its index in `ds`: the date right before it
/// (`ds[..before_idx]` end before it), else right after it, joined by glue;
/// for a deadline (`first_instance`), the first day of a list it ends.
fn day_of(
    t: &str,
    ds: &[DateM],
    tm: &TimeM,
    before_idx: usize,
    first_instance: bool,
) -> Option<(usize, DateM)> {
    let mut day: Option<(usize, DateM)> = None;
    for k in (0..before_idx).rev() {
        let d = ds[k];
        if tm.start - d.end > NEAR {
            break;
        }
        if is_glue(&t[d.end..tm.start]) {
            // "周六、周日照常9点前报": an enumeration's first day is the
            // first instance.
            day = Some((
                k,
                DateM {
                    date: if first_instance {
                        first_listed(t, ds, k)
                    } else {
                        d.date
                    },
                    ..d
                },
            ));
            break;
        }
    }
    if day.is_none() {
        for (k, d) in ds
            .iter()
            .enumerate()
            .skip(ds.partition_point(|d| d.start < tm.end))
        {
            if d.start - tm.end > NEAR {
                break;
            }
            let gap = &t[tm.end..d.start];
            // "by noon ET Tuesday 5/21": the zone belongs to the time.
            if is_glue(gap) || (gap.len() <= 16 && (names_event(gap) || is_zone_word(gap.trim()))) {
                day = Some((k, *d));
                break;
            }
        }
    }
    day
}

/// One word naming the event a time belongs to, between the time and its
/// day: "before 0700 huddle tomorrow", "the 9am call Friday".
fn names_event(gap: &str) -> bool {
    let g = gap.trim();
    g.len() < gap.len() && lexicon::en::EVENT_NOUNS.contains(&g)
}

/// The dates no time was read on, each a day-precision candidate, except
/// inside an ago phrase (两天前).
fn days_alone(
    t: &str,
    ctx: &Ctx<'_>,
    ds: &[DateM],
    used: &[bool],
    ago: &[(usize, usize)],
    out: &mut Vec<Cand>,
) {
    for (k, d) in ds.iter().enumerate() {
        if used[k] {
            continue;
        }
        let ai = ago.partition_point(|&(a, _)| a <= d.start);
        if ai > 0 && ago[ai - 1].1 >= d.end {
            continue;
        }
        let dl = Deadline::Day(d.date);
        let mut sc = score(t, d.start, d.end, dl, false, ctx);
        if d.weak {
            sc -= 8;
        }
        out.push(Cand {
            start: d.start,
            end: d.end,
            deadline: dl,
            score: sc,
            dayless: false,
        });
    }
}

// Recurring work: each day, night or week.
re!(
    RECURRING,
    r"每天|每日|每晚|每早|(?i:\b(?:daily|every (?:day|night|morning|evening)|each (?:day|night|morning|evening))\b)"
);

/// The day recurring work starts on ("从明天开始", "starting Monday"), in a
/// text about recurring work (the caller has seen [`RECURRING`] match).
fn starts_on(t: &str, ds: &[DateM]) -> Option<chrono::NaiveDate> {
    ds.iter()
        .find(|d| {
            let after = t[d.end..].trim_start();
            let before = t[..d.start].trim_end();
            after.starts_with("开始")
                || after.starts_with('起')
                || before.ends_with('从')
                || before.ends_with('自')
                || before.ends_with("starting")
                || before.ends_with("beginning")
                || before.ends_with("from")
        })
        .map(|d| d.date)
}

/// The date of `ds[k]`, or of the first date of a list it ends ("周六、周日").
fn first_listed(t: &str, ds: &[DateM], k: usize) -> chrono::NaiveDate {
    let mut first = k;
    while first > 0 && is_enumeration(&t[ds[first - 1].end..ds[first].start]) {
        first -= 1;
    }
    ds[first].date
}

/// Does the text between two dates list them ("周六、周日", "Sat and Sun")?
fn is_enumeration(gap: &str) -> bool {
    matches!(
        gap.trim(),
        "、" | "和" | "及" | "与" | "," | "and" | "&" | "/"
    )
}

/// Is the text between two mentions short glue ("（周四）", " on ", ", ")?
fn is_glue(gap: &str) -> bool {
    let g = gap.trim();
    if g.chars().count() > 8 {
        return false;
    }
    // "(…this morning) by EOD": a closing paren first ends the clause.
    let close = g.find([')', '）']);
    let open = g.find(['(', '（']);
    if close.is_some_and(|c| open.is_none_or(|o| c < o)) {
        return false;
    }
    // Removing words only drops characters: nothing left is glue, and a
    // character no glue word or weekday has stays (the common cases,
    // decided without allocating or running the weekday regexes).
    if g.is_empty() {
        return true;
    }
    if !g.chars().all(glue_char) {
        return false;
    }
    let mut s = g.to_string();
    for w in [
        "(", ")", "（", "）", ",", "，", "的", "at", "by", "on", "the", "before", "前", "、",
    ] {
        s = s.replace(w, "");
    }
    let s = R_WD_ZH.replace_all(&s, "");
    let s = R_WD_EN.replace_all(&s, "");
    s.trim().is_empty()
}

/// Whether `c` can be removed as (part of) glue below: a character of a glue
/// word or of a weekday (any ASCII letter, for brevity), or whitespace,
/// which trimming removes once the words around it are gone.
fn glue_char(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_lowercase()
        || matches!(
            c,
            '(' | ')' | '（' | '）' | ',' | '，' | '、' | '.' | '1'
                ..='7'
                    | '的'
                    | '前'
                    | '上'
                    | '下'
                    | '个'
                    | '本'
                    | '这'
                    | '今'
                    | '周'
                    | '星'
                    | '期'
                    | '礼'
                    | '拜'
                    | '一'
                    | '二'
                    | '三'
                    | '四'
                    | '五'
                    | '六'
                    | '日'
                    | '天'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `clause_of` as it was before its byte scan.
    fn clause_by_chars(head: &str) -> &str {
        let w = clip_back(head, 240);
        let from = w
            .rfind(['\n', '。', '；', ';', '!', '！', '?', '？'])
            .map(|i| i + w[i..].chars().next().map_or(1, char::len_utf8))
            .or_else(|| w.rfind(". ").map(|i| i + 2));
        match from {
            Some(i) => w[i..].trim_start(),
            None if w.len() == head.len() => w.trim_start(),
            None => "",
        }
    }

    proptest::proptest! {
        #[test]
        fn the_byte_scan_finds_the_clause_the_char_scan_did(
            head in "[a-z 。；;!！?？\\n.，,组前0-9]{0,300}"
        ) {
            proptest::prop_assert_eq!(clause_of(&head), clause_by_chars(&head));
        }
    }

    #[test]
    fn every_visitor_word_passes_the_gate_before_the_automaton() {
        // `score` runs VISITORS only where 组, "or" or "team" is.
        for w in lexicon::VISITORS.iter() {
            assert!(
                w.ends_with('组') || w.contains("or") || w.contains("team"),
                "{w}"
            );
        }
    }

    #[test]
    fn clause_starts_after_the_last_stop() {
        assert_eq!(clause_of("周三开会。另外，报表"), "另外，报表");
        assert_eq!(clause_of("first line\nsecond"), "second");
        assert_eq!(clause_of("done! then"), "then");
        assert_eq!(clause_of("on Wed. Reply by"), "Reply by");
    }
}
