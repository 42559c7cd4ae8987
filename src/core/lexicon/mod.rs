//! The lexicon: every word list the core reads, one file per language.
//!
//! A list is named for what it tells the reader of a message (an ask cue,
//! a hand-in verb, a follow-up, a context word before a time), not for the
//! code that reads it. Each language's words for a purpose live in that
//! language's file ([`zh`], [`en`]); the constants here join them into the
//! one list a consumer searches, Chinese first, then English, then the few
//! marks that belong to no language. Adding a phrasing means adding it to
//! one language's file.
//!
//! Grammar and data stay with their parsers: regexes that embed words
//! (month names), the cue words that only gate which deadline regexes run
//! (`deadline::cues`), the glue between a date and a time, number words,
//! time-zone names and holiday names. The admins' synonyms, stop words and
//! deliverables come from the rules file (`core::rules`), not from here.

pub mod en;
pub mod zh;

/// A purpose's words across languages, searched as one list: the
/// Chinese words, then the English ones, then marks of no language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Words {
    zh: &'static [&'static str],
    en: &'static [&'static str],
    marks: &'static [&'static str],
}

impl Words {
    const fn new(zh: &'static [&'static str], en: &'static [&'static str]) -> Words {
        Words { zh, en, marks: &[] }
    }

    const fn with_marks(self, marks: &'static [&'static str]) -> Words {
        Words { marks, ..self }
    }

    /// Every word, in order: Chinese, English, marks.
    pub fn iter(self) -> impl Iterator<Item = &'static str> + Clone {
        self.zh.iter().chain(self.en).chain(self.marks).copied()
    }

    /// How many words (one in two languages counted twice).
    pub fn len(self) -> usize {
        self.zh.len() + self.en.len() + self.marks.len()
    }

    /// Whether there are no words at all.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether `text` contains one of the words.
    pub fn in_text(self, text: &str) -> bool {
        self.iter().any(|w| text.contains(w))
    }

    /// Whether `word` is one of the words, exactly.
    pub fn has(self, word: &str) -> bool {
        self.iter().any(|w| w == word)
    }

    /// The lists, in order: Chinese, English, marks (for searches that
    /// walk each list as a slice).
    #[inline]
    pub fn lists(self) -> [&'static [&'static str]; 3] {
        [self.zh, self.en, self.marks]
    }
}

/// Acknowledgements in no language's words.
const ACK_SYMBOLS: &[&str] = &["👍", "👌", "🙏"];

/// Range marks between two times ("5-7", "5~7"): the first time is context.
const RANGE_MARKS: &[&str] = &["-", "~", "–"];

/// ASCII marks that end the word after 今天: a clause or an aside begins.
const CLAUSE_MARKS: &[&str] = &[",", " ", "("];

// Is a message a task? (`core::extract`)

/// Replies that only acknowledge.
pub const ACKNOWLEDGEMENTS: Words =
    Words::new(zh::ACKNOWLEDGEMENTS, en::ACKNOWLEDGEMENTS).with_marks(ACK_SYMBOLS);
/// Words that on their own make a message an ask.
pub const ASK_CUES: Words = Words::new(zh::ASK_CUES, en::ASK_CUES);
/// Verbs that hand something in or do something.
pub const HAND_IN_VERBS: Words = Words::new(zh::HAND_IN_VERBS, en::HAND_IN_VERBS);
/// Imperative verbs that open a sentence.
pub const IMPERATIVES: Words = Words::new(&[], en::IMPERATIVES);
/// Thanks, praise and well-wishing.
pub const THANKS: Words = Words::new(zh::THANKS, en::THANKS);
/// Exhortations with no concrete deliverable.
pub const EXHORTATIONS: Words = Words::new(zh::EXHORTATIONS, &[]);
/// Reports of work done.
pub const WORK_DONE: Words = Words::new(zh::WORK_DONE, &[]);
/// Work still outstanding.
pub const STILL_OPEN: Words = Words::new(zh::STILL_OPEN, &[]);
/// The sender's own plans and promises.
pub const PROMISES: Words = Words::new(zh::PROMISES, en::PROMISES);
/// Something called off.
pub const CANCELLATIONS: Words = Words::new(zh::CANCELLATIONS, en::CANCELLATIONS);
/// Details to come later.
pub const DETAILS_LATER: Words = Words::new(zh::DETAILS_LATER, en::DETAILS_LATER);
/// Invitations.
pub const INVITATIONS: Words = Words::new(zh::INVITATIONS, en::INVITATIONS);
/// Addressing everyone in the group, or units in it.
pub const GROUP_ADDRESS: Words = Words::new(zh::GROUP_ADDRESS, en::GROUP_ADDRESS);
/// Marking a date as a deadline.
pub const DEADLINE_MARKERS: Words = Words::new(zh::DEADLINE_MARKERS, en::DEADLINE_MARKERS);
/// Addressing the reader.
pub const ADDRESSING: Words = Words::new(zh::ADDRESSING, en::ADDRESSING);
/// Pressing the reader.
pub const URGING: Words = Words::new(zh::URGING, en::URGING);
/// Requests phrased as questions.
pub const QUESTION_REQUESTS: Words = Words::new(zh::QUESTION_REQUESTS, en::QUESTION_REQUESTS);

// Which time is the deadline? (`core::deadline`)

/// A hand-in verb in the clause after a time.
pub const HAND_IN_DEADLINE_CUES: Words =
    Words::new(zh::HAND_IN_DEADLINE_CUES, en::HAND_IN_DEADLINE_CUES);
/// A meeting in the clause after a time.
pub const MEETING_CUES: Words = Words::new(zh::MEETING_CUES, en::MEETING_CUES);
/// A time quoted from upstream.
pub const UPSTREAM: Words = Words::new(zh::UPSTREAM, en::UPSTREAM);
/// Before a time: a visiting party (inspectors, 检查组).
pub const VISITORS: Words = Words::new(zh::VISITORS, en::VISITORS);
/// Before a time in its phrase: an English hand-in verb.
pub const HAND_IN_BEFORE_TIME: Words = Words::new(&[], en::HAND_IN_BEFORE_TIME);
/// Right after a time: a deadline.
pub const DEADLINE_AFTER: Words = Words::new(zh::DEADLINE_AFTER, en::DEADLINE_AFTER);
/// Right before a time: a deadline.
pub const DEADLINE_BEFORE: Words = Words::new(zh::DEADLINE_BEFORE, en::DEADLINE_BEFORE);
/// Right after a time: an arrival.
pub const ARRIVAL_AFTER: Words = Words::new(zh::ARRIVAL_AFTER, en::ARRIVAL_AFTER);
/// Right before a time: the end of a window that stays open until then
/// (a window with a stated end is due at its end).
pub const WINDOW_END_BEFORE: Words = Words::new(zh::WINDOW_END_BEFORE, en::WINDOW_END_BEFORE);
/// Right after a time: the end of a window ("至6月30日止").
pub const WINDOW_END_AFTER: Words = Words::new(zh::WINDOW_END_AFTER, &[]);
/// Right before a time: an arrival.
pub const ARRIVAL_BEFORE: Words = Words::new(zh::ARRIVAL_BEFORE, en::ARRIVAL_BEFORE);
/// The day itself is the last day.
pub const LAST_DAY: Words = Words::new(zh::LAST_DAY, en::LAST_DAY);
/// Right before a time: the time an ask was moved to.
pub const MOVED_TO: Words = Words::new(zh::MOVED_TO, en::MOVED_TO);
/// Right before a time: context, not a deadline.
pub const CONTEXT_BEFORE: Words = Words::new(zh::CONTEXT_BEFORE, en::CONTEXT_BEFORE);
/// Right after a time: context, not a deadline.
pub const CONTEXT_AFTER: Words =
    Words::new(zh::CONTEXT_AFTER, en::CONTEXT_AFTER).with_marks(RANGE_MARKS);
/// Right before a time: a secondary ask.
pub const SECONDARY_ASK: Words = Words::new(zh::SECONDARY_ASK, en::SECONDARY_ASK);
/// What may follow 今天 or 今日 when it times the ask.
pub const TODAY_TIMED_BY: Words = Words::new(zh::TODAY_TIMED_BY, &[]).with_marks(CLAUSE_MARKS);

/// Right after 本周: the week names the work.
pub const WORK_AFTER_WEEK: Words = Words::new(zh::WORK_AFTER_WEEK, &[]);
/// After "by 3": the number is an hour.
pub const HOUR_AFTER_BY: Words = Words::new(&[], en::HOUR_AFTER_BY);

// Is a new ask the same work as an earlier one? (`core::engine`)

/// A reminder or chaser.
pub const FOLLOW_UP: Words = Words::new(zh::FOLLOW_UP, en::FOLLOW_UP);
/// Asking anew for what an expired ask did not get.
pub const MAKEUP: Words = Words::new(zh::MAKEUP, en::MAKEUP);
/// Moving an earlier ask's time.
pub const RESCHEDULE: Words = Words::new(zh::RESCHEDULE, en::RESCHEDULE);
/// Words of work that recurs each week: each week's instance is its own.
pub const WEEKLY: Words = Words::new(zh::WEEKLY, en::WEEKLY);
/// Words of work that recurs each day or shift: each day's instance is its own piece of work.
pub const DAILY: Words = Words::new(zh::DAILY, en::DAILY);
/// Words that say two pieces of work are separate ("…和上周的是两回事", "a different return from last month's"): the ask never joins the work it sets itself apart from.
pub const SEPARATE: Words = Words::new(zh::SEPARATE, en::SEPARATE);
/// Characters that end an institution's name.
pub const OFFICE_SUFFIXES: &[char] = zh::OFFICE_SUFFIXES;

// Task cues by phenomenon (`core::task_cues`) and 24-hour clock cues
// (`core::deadline::hhmm`).

/// Something still outstanding, named without a request word.
pub const STILL_MISSING: Words = Words::new(zh::STILL_MISSING, en::STILL_MISSING);

/// Being somewhere at a time: arrival, assembly, sign-in.
pub const ATTENDANCE: Words = Words::new(zh::ATTENDANCE, en::ATTENDANCE);

/// A meeting, drill or session that people attend.
pub const MEETINGS: Words = Words::new(zh::MEETINGS, en::MEETINGS);

/// A meeting moved or its time or place changed.
pub const MEETING_CHANGED: Words = Words::new(zh::MEETING_CHANGED, en::MEETING_CHANGED);

/// The sender reports something delivered (to be checked by the reader).
pub const DELIVERY_REPORTED: Words = Words::new(zh::DELIVERY_REPORTED, en::DELIVERY_REPORTED);

/// Standing rules of manner: how to behave, not a piece of work.
pub const STANDING_MANNER: Words = Words::new(zh::STANDING_MANNER, en::STANDING_MANNER);

/// A clarification: two things are not one, something is not needed.
pub const CLARIFICATIONS: Words = Words::new(zh::CLARIFICATIONS, en::CLARIFICATIONS);

/// Hearsay and advance notice of work not yet asked for.
pub const HEARSAY_NOTICE: Words = Words::new(zh::HEARSAY_NOTICE, en::HEARSAY_NOTICE);

/// The sender promises to deliver to a superior (您: the reader ranks above).
pub const TO_SUPERIOR: Words = Words::new(zh::TO_SUPERIOR, en::TO_SUPERIOR);

/// Words after which four digits are a time of day.
pub const CLOCK_24H_BEFORE: Words =
    Words::new(zh::CLOCK_24H_BEFORE, en::CLOCK_24H_BEFORE).with_marks(&["@"]);

/// Words that make a message about shifts and days, where "by 2000" is
/// 8 p.m. rather than a year.
pub const CLOCK_24H_DAY_TALK: Words = Words::new(zh::CLOCK_24H_DAY_TALK, en::CLOCK_24H_DAY_TALK);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every joined list, by name.
    const ALL: &[(&str, Words)] = &[
        ("ACKNOWLEDGEMENTS", ACKNOWLEDGEMENTS),
        ("ASK_CUES", ASK_CUES),
        ("HAND_IN_VERBS", HAND_IN_VERBS),
        ("IMPERATIVES", IMPERATIVES),
        ("THANKS", THANKS),
        ("EXHORTATIONS", EXHORTATIONS),
        ("WORK_DONE", WORK_DONE),
        ("STILL_OPEN", STILL_OPEN),
        ("PROMISES", PROMISES),
        ("CANCELLATIONS", CANCELLATIONS),
        ("DETAILS_LATER", DETAILS_LATER),
        ("INVITATIONS", INVITATIONS),
        ("GROUP_ADDRESS", GROUP_ADDRESS),
        ("DEADLINE_MARKERS", DEADLINE_MARKERS),
        ("ADDRESSING", ADDRESSING),
        ("URGING", URGING),
        ("QUESTION_REQUESTS", QUESTION_REQUESTS),
        ("HAND_IN_DEADLINE_CUES", HAND_IN_DEADLINE_CUES),
        ("MEETING_CUES", MEETING_CUES),
        ("UPSTREAM", UPSTREAM),
        ("VISITORS", VISITORS),
        ("HAND_IN_BEFORE_TIME", HAND_IN_BEFORE_TIME),
        ("DEADLINE_AFTER", DEADLINE_AFTER),
        ("DEADLINE_BEFORE", DEADLINE_BEFORE),
        ("ARRIVAL_AFTER", ARRIVAL_AFTER),
        ("ARRIVAL_BEFORE", ARRIVAL_BEFORE),
        ("WINDOW_END_BEFORE", WINDOW_END_BEFORE),
        ("WINDOW_END_AFTER", WINDOW_END_AFTER),
        ("LAST_DAY", LAST_DAY),
        ("MOVED_TO", MOVED_TO),
        ("CONTEXT_BEFORE", CONTEXT_BEFORE),
        ("CONTEXT_AFTER", CONTEXT_AFTER),
        ("SECONDARY_ASK", SECONDARY_ASK),
        ("STILL_MISSING", STILL_MISSING),
        ("ATTENDANCE", ATTENDANCE),
        ("MEETINGS", MEETINGS),
        ("MEETING_CHANGED", MEETING_CHANGED),
        ("DELIVERY_REPORTED", DELIVERY_REPORTED),
        ("STANDING_MANNER", STANDING_MANNER),
        ("CLARIFICATIONS", CLARIFICATIONS),
        ("HEARSAY_NOTICE", HEARSAY_NOTICE),
        ("TO_SUPERIOR", TO_SUPERIOR),
        ("CLOCK_24H_BEFORE", CLOCK_24H_BEFORE),
        ("CLOCK_24H_DAY_TALK", CLOCK_24H_DAY_TALK),
        ("TODAY_TIMED_BY", TODAY_TIMED_BY),
        ("WORK_AFTER_WEEK", WORK_AFTER_WEEK),
        ("HOUR_AFTER_BY", HOUR_AFTER_BY),
        ("FOLLOW_UP", FOLLOW_UP),
        ("MAKEUP", MAKEUP),
        ("WEEKLY", WEEKLY),
        ("DAILY", DAILY),
        ("SEPARATE", SEPARATE),
        ("RESCHEDULE", RESCHEDULE),
    ];

    fn is_han(c: char) -> bool {
        ('\u{4E00}'..='\u{9FFF}').contains(&c)
    }

    #[test]
    fn question_requests_are_the_question_form_ask_cues() {
        let q = en::QUESTION_REQUESTS;
        assert!(
            q.contains(&"please") && q.contains(&"could someone"),
            "{q:?}"
        );
        assert!(!q.contains(&"must") && !q.contains(&"pls"), "{q:?}");
        assert!(q.iter().all(|w| en::ASK_CUES.contains(w)));
    }

    #[test]
    fn each_word_is_in_its_languages_file() {
        for (name, words) in ALL {
            let [zh, en, marks] = words.lists();
            for w in zh {
                assert!(
                    !w.is_ascii() && !w.chars().any(|c| c.is_ascii_alphabetic()),
                    "{name}: {w:?} in zh.rs is not Chinese"
                );
            }
            for w in en {
                assert!(
                    w.chars().any(|c| c.is_ascii_alphabetic()) && !w.chars().any(is_han),
                    "{name}: {w:?} in en.rs is not English"
                );
            }
            for w in marks {
                assert!(
                    !w.chars().any(|c| c.is_alphabetic()),
                    "{name}: {w:?} is a word"
                );
            }
        }
        assert!(OFFICE_SUFFIXES.iter().all(|c| is_han(*c)));
    }

    #[test]
    fn lists_are_non_empty_without_repeats() {
        for (name, words) in ALL {
            assert!(!words.is_empty(), "{name}");
            for list in words.lists() {
                for (i, w) in list.iter().enumerate() {
                    assert!(!w.trim().is_empty() || *w == " ", "{name}: a blank word");
                    assert!(!list[..i].contains(w), "{name}: {w:?} twice");
                }
            }
        }
    }

    #[test]
    fn joined_lists_put_chinese_first_then_english() {
        let words: Vec<&str> = HAND_IN_VERBS.iter().collect();
        assert_eq!(words.len(), HAND_IN_VERBS.len());
        assert_eq!(words[0], zh::HAND_IN_VERBS[0]);
        assert_eq!(words[zh::HAND_IN_VERBS.len()], en::HAND_IN_VERBS[0]);
        assert!(ASK_CUES.in_text("please send it"));
        assert!(ASK_CUES.in_text("请报送"));
        assert!(!ASK_CUES.in_text("收到"));
    }
}
