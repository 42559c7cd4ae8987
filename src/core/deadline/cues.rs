//! The cue pre-filter: which cue characters and words a text holds, found
//! in one pass, so that a rule family whose cue is absent is skipped
//! without running its regex.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::Regex;
use std::sync::LazyLock;

/// `re.captures_iter(t)` when the cue is present, else nothing (without
/// even the search's capture allocation).
pub(super) fn caps<'r, 'h>(
    re: &'r Regex,
    cue: bool,
    t: &'h str,
) -> Gated<regex::CaptureMatches<'r, 'h>> {
    Gated(cue.then(|| re.captures_iter(t)))
}

/// `re.find_iter(t)` when the cue is present, else nothing.
pub(super) fn finds<'r, 'h>(re: &'r Regex, cue: bool, t: &'h str) -> Gated<regex::Matches<'r, 'h>> {
    Gated(cue.then(|| re.find_iter(t)))
}

/// A regex iterator run only when its cue is present (an `Option` walked in
/// place: `flatten` would move the large iterator on every call).
pub(super) struct Gated<I>(Option<I>);

impl<I: Iterator> Iterator for Gated<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        self.0.as_mut()?.next()
    }
}

/// Which cue characters a text holds, found in one pass, so that a regex
/// family whose cue is absent is skipped without rescanning the text.
pub(super) struct Cues<'a> {
    t: &'a str,
    ascii: u128,
    cjk: u64,
    /// The [`Cue`] word families present.
    words: u32,
}

/// Families of cue words, each a bit in [`Cues::words`].
#[derive(Clone, Copy)]
pub(super) enum Cue {
    MonthRel,
    Lunar,
    EnWeekday,
    EnMonth,
    Month,
    EndOrWeek,
    Before,
    WorkdayEnd,
    AmPm,
    Past,
    NoonMid,
    EnPod,
    Ago,
    In,
    Early,
}

/// The words of each cue family (a word may be in several).
const CUE_WORDS: &[(Cue, &[&str])] = &[
    (
        Cue::MonthRel,
        &["本月", "个月", "下月", "上月", "这月", "同月", "当月"],
    ),
    (
        Cue::Lunar,
        &[
            "农历", "阴历", "正月", "腊月", "冬月", "初", "廿", "卅", "大年",
        ],
    ),
    (
        Cue::EnWeekday,
        &["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    ),
    (
        Cue::EnMonth,
        &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    ),
    (Cue::Month, &["month"]),
    (Cue::EndOrWeek, &["end", "week", "weekend"]),
    (Cue::Before, &["before"]),
    (Cue::WorkdayEnd, &["下班", "eod", "cob", "cop", "of "]),
    (Cue::AmPm, &["am", "pm", "a.m", "p.m"]),
    (Cue::Past, &["past", "after", " to ", "before", "til"]),
    (Cue::NoonMid, &["noon", "mid"]),
    (Cue::EnPod, &["morning", "afternoon", "evening", "lunch"]),
    (Cue::Ago, &["ago"]),
    (Cue::In, &["in"]),
    (Cue::Early, &["提前", "early"]),
];

/// Every cue word in one automaton, with the families each belongs to: one
/// pass over the text instead of a substring search per word.
static CUE_AC: LazyLock<(AhoCorasick, Vec<u32>)> = LazyLock::new(|| {
    let mut words: Vec<&str> = Vec::new();
    let mut fams: Vec<u32> = Vec::new();
    for &(cue, list) in CUE_WORDS {
        for &w in list {
            match words.iter().position(|x| *x == w) {
                Some(i) => fams[i] |= 1 << cue as u32,
                None => {
                    words.push(w);
                    fams.push(1 << cue as u32);
                }
            }
        }
    }
    let ac = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(&words)
        .expect("valid cue words");
    (ac, fams)
});

/// The non-ASCII cue characters, each with its bit in [`Cues`].
const CJK_CUES: [char; 23] = [
    '月', '日', '号', '第', '天', '晚', '早', '晨', '夜', '儿', '周', '期', '拜', '年', '后', '前',
    '点', '时', '内', '·', '初', '廿', '卅',
];

/// Where the CJK cue characters live (U+4E00 on): a table indexed by code
/// point, one load per character instead of a search through the list.
const CJK_BASE: u32 = 0x4E00;
static CJK_TABLE: LazyLock<Box<[u8]>> = LazyLock::new(|| {
    let mut table = vec![0u8; 0xA000 - CJK_BASE as usize].into_boxed_slice();
    for (bit, c) in CJK_CUES.iter().enumerate() {
        if let Some(slot) = (*c as u32)
            .checked_sub(CJK_BASE)
            .and_then(|i| table.get_mut(i as usize))
        {
            *slot = bit as u8 + 1;
        }
    }
    table
});

/// The bit of a non-ASCII cue character in [`Cues`].
fn cjk_bit(c: char) -> Option<u32> {
    let cp = c as u32;
    // The one cue below U+4E00 (its place in CJK_CUES; the test holds it).
    if c == '·' {
        return Some(19);
    }
    let slot = *CJK_TABLE.get(cp.checked_sub(CJK_BASE)? as usize)?;
    slot.checked_sub(1).map(u32::from)
}

impl<'a> Cues<'a> {
    pub(super) fn new(t: &'a str) -> Self {
        let (mut ascii, mut cjk) = (0u128, 0u64);
        for c in t.chars() {
            if c.is_ascii() {
                ascii |= 1 << (c as u32);
            } else if let Some(b) = cjk_bit(c) {
                cjk |= 1 << b;
            }
        }
        let (ac, fams) = &*CUE_AC;
        let mut words = 0;
        for m in ac.find_overlapping_iter(t) {
            words |= fams[m.pattern().as_usize()];
        }
        Cues {
            t,
            ascii,
            cjk,
            words,
        }
    }

    /// Whether a word of the family is in the text.
    pub(super) fn word(&self, cue: Cue) -> bool {
        self.words & (1 << cue as u32) != 0
    }

    /// Whether the text holds an ASCII digit.
    pub(super) fn digits(&self) -> bool {
        self.ascii & (0x3ff << b'0') != 0
    }

    pub(super) fn has(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii & (1 << (c as u32)) != 0
        } else if let Some(b) = cjk_bit(c) {
            self.cjk & (1 << b) != 0
        } else {
            self.t.contains(c)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cue_character_has_its_own_bit_and_no_other_character_has_one() {
        for (i, c) in CJK_CUES.iter().enumerate() {
            assert_eq!(cjk_bit(*c), Some(i as u32), "{c}");
        }
        for c in ['一', '交', '午', 'a', '。', '\u{9FFF}', '\u{A000}', '😀'] {
            assert_eq!(cjk_bit(c), None, "{c}");
        }
        let cu = Cues::new("周五前交");
        assert!(cu.has('周') && cu.has('前') && !cu.has('月'));
    }
}
