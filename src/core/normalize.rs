//! Text folding shared by extraction and matching: one canonical form for
//! full-width forms, Traditional characters and Chinese numerals.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Fold `text` for matching: full-width ASCII to half-width, ideographic
/// punctuation to ASCII where it carries meaning for times, traditional
/// characters to Simplified, ASCII to lower case, and Chinese
/// numerals that count something (3月, 两点, 二〇二四年) to digits.
pub fn fold(text: &str) -> String {
    fold_cow(text).into_owned()
}

/// As [`fold`], borrowing `text` when nothing in it folds (most messages:
/// no capitals, full-width forms or numerals next to a unit), so the common
/// case neither allocates nor copies.
pub fn fold_cow(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    // Built lazily: text[copied..i] is unchanged and not yet in `out`.
    let mut out: Option<String> = None;
    let mut copied = 0;
    // Where the first numeral is, if any: the numeral pass starts there.
    let mut numeral_at: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            // ASCII, the common case, only changes case.
            if x.is_ascii_uppercase() {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..i]);
                o.push(x.to_ascii_lowercase() as char);
                copied = i + 1;
            }
            i += 1;
            continue;
        }
        // The code point, decoded by hand from valid UTF-8 (cheaper than a
        // char iterator); characters beyond the BMP never fold.
        let (w, cp) = match x {
            0xC0..=0xDF => (2, (u32::from(x & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F)),
            0xE0..=0xEF => (
                3,
                (u32::from(x & 0x0F) << 12)
                    | (u32::from(b[i + 1] & 0x3F) << 6)
                    | u32::from(b[i + 2] & 0x3F),
            ),
            _ => (4, 0),
        };
        if w == 4 || !special(cp) {
            i += w;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let m = fold_char(c).to_ascii_lowercase();
        if numeral_at.is_none() && is_numeral(m) {
            numeral_at = Some(out.as_ref().map_or(0, String::len) + (i - copied));
        }
        if m != c {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..i]);
            o.push(m);
            copied = i + w;
        }
        i += w;
    }
    let folded = match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    };
    match numeral_at.and_then(|at| convert_numerals(&folded, at)) {
        Some(s) => Cow::Owned(s),
        None => folded,
    }
}

/// Which BMP characters [`fold_char`] changes or [`is_numeral`] flags, one
/// bit each, derived from those two functions so it cannot drift from them:
/// every other character is copied through without the lookup.
static SPECIAL: LazyLock<Box<[u64; 1024]>> = LazyLock::new(|| {
    let mut bits = Box::new([0u64; 1024]);
    for cp in 0x80..0x10000u32 {
        if let Some(c) = char::from_u32(cp)
            && (fold_char(c) != c || is_numeral(c))
        {
            bits[(cp >> 6) as usize] |= 1 << (cp & 63);
        }
    }
    bits
});

fn special(cp: u32) -> bool {
    SPECIAL
        .get((cp >> 6) as usize)
        .is_some_and(|w| w & (1 << (cp & 63)) != 0)
}

/// The folded form of one non-ASCII character (before lower-casing).
fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{00B7}' | '\u{30FB}' => '·',
        '—' | '–' | '〜' => '-',
        '\u{2236}' => ':',
        _ => T2S.get(&c).copied().unwrap_or(c),
    }
}

/// Traditional characters and their Simplified forms, one for one, from
/// fast2s's table (its few phrase exceptions such as 乾隆 do not matter for
/// reading asks). Only CJK ideographs are looked at: the table has no others.
static T2S: LazyLock<FxHashMap<char, char>> = LazyLock::new(|| {
    let mut map = FxHashMap::default();
    let mut buf = [0u8; 4];
    for cp in (0x3400..0x4DC0).chain(0x4E00..0xA000).chain(0xF900..0xFB00) {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let simplified = fast2s::convert(c.encode_utf8(&mut buf));
        let mut it = simplified.chars();
        if let (Some(s), None) = (it.next(), it.next())
            && s != c
        {
            map.insert(c, s);
        }
    }
    map
});

fn digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_numeral(c: char) -> bool {
    digit(c).is_some() || matches!(c, '十' | '百' | '千' | '廿' | '卅')
}

/// A run with a place word (十, 百, 千, 廿, 卅) is read by value; one without
/// (二〇二四, 九零) digit by digit.
fn positional(run: &str) -> bool {
    run.chars()
        .any(|c| matches!(c, '十' | '百' | '千' | '廿' | '卅'))
}

/// Characters after which a run of Chinese numerals is a count or a date
/// part, so it is safe to turn into digits.
fn is_unit(c: char) -> bool {
    matches!(
        c,
        '年' | '月' | '日' | '号' | '点' | '时' | '分' | '个' | '小' | '天' | '周' | '刻' | '秒'
    )
}

/// Appends the value of a numeral run like 十二, 二十三, 一百零五 to `out`
/// (written in place: no string per run); year-style runs (二〇二四) are
/// read digit by digit. False, with `out` untouched, if it has no value.
fn push_numeral_value(run: &str, out: &mut String) -> bool {
    if !positional(run) {
        for c in run.chars() {
            if let Some(d) = digit(c) {
                out.push(char::from_digit(d, 10).unwrap_or('0'));
            }
        }
        return true;
    }
    let mut total = 0u32;
    let mut cur = 0u32;
    for c in run.chars() {
        match c {
            '十' => {
                total += if cur == 0 { 10 } else { cur * 10 };
                cur = 0;
            }
            '百' => {
                total += cur.max(1) * 100;
                cur = 0;
            }
            '千' => {
                total += cur.max(1) * 1000;
                cur = 0;
            }
            '廿' => {
                total += 20;
                cur = 0;
            }
            '卅' => {
                total += 30;
                cur = 0;
            }
            _ => match digit(c) {
                Some(d) => cur = d,
                None => return false,
            },
        }
    }
    let v = total + cur;
    // At most ten digits, most significant first.
    let mut buf = [0u8; 10];
    let mut n = buf.len();
    let mut r = v;
    loop {
        n -= 1;
        buf[n] = b'0' + (r % 10) as u8;
        r /= 10;
        if r == 0 {
            break;
        }
    }
    out.extend(buf[n..].iter().map(|&d| d as char));
    true
}

/// `s` with its numeral runs that count something turned into digits, the
/// scan starting at `from` (the first numeral); `None` when no run turns
/// (一起, 周一: the common case), so the caller keeps `s` as is.
fn convert_numerals(s: &str, from: usize) -> Option<String> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    // The character before the current position (runs are maximal, so the
    // one before a run is never a numeral).
    let mut prev = s.get(..from).and_then(|h| h.chars().next_back());
    let mut it = s.get(from..)?.char_indices().map(|(i, c)| (i + from, c));
    let mut pending = it.next();
    while let Some((start, c)) = pending {
        if !is_numeral(c) {
            prev = Some(c);
            pending = it.next();
            continue;
        }
        let mut end = start + c.len_utf8();
        pending = None;
        for (j, d) in it.by_ref() {
            if !is_numeral(d) {
                pending = Some((j, d));
                break;
            }
            end = j + d.len_utf8();
        }
        let run = &s[start..end];
        let next = pending.map(|(_, d)| d);
        // 第一时间 / 一时间: 时间 is "time", not an hour after a numeral.
        let after_next = pending.and_then(|(j, d)| s[j + d.len_utf8()..].chars().next());
        let unit_next =
            next.is_some_and(is_unit) && !(next == Some('时') && after_next == Some('间'));
        // 周一 / 星期三 / 礼拜五 are weekdays, not counts.
        let weekday = matches!(prev, Some('周' | '期' | '拜'));
        // 一刻 / 三刻 stay literal: quarter hours are read by the deadline parser.
        let quarter = next == Some('刻');
        let after_hour = matches!(prev, Some('点' | '时')) && next != Some('刻');
        // 八月十五 / 初八 / 廿二: the day of a (lunar) month, unless a
        // counter follows (三月一次).
        let day_of_month = matches!(prev, Some('月' | '初'))
            && !next.is_some_and(|c| "次个批场份人项家起期届回趟遍轮".contains(c));
        // 廿二 / 卅 without 日 or 号 mark a lunar day: left for the parser.
        let lunar_day = (c == '廿' || c == '卅') && !unit_next;
        let bit = run == "一" && a_bit(&s[..start], next, after_next);
        let convert =
            !weekday && !quarter && !lunar_day && !bit && (unit_next || after_hour || day_of_month);
        if convert {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            let mark = o.len();
            o.push_str(&s[copied..start]);
            if push_numeral_value(run, o) {
                copied = end;
            } else {
                o.truncate(mark);
            }
        }
    }
    let mut o = out?;
    o.push_str(&s[copied..]);
    Some(o)
}

/// 一点 meaning "a bit" (快一点, 注意一点, 晚一点交, 一点儿, 第一点 "point one"),
/// not one o'clock: it follows an adjective, a verb or 第/这, or is 一点儿 /
/// 一点点; after 今晚 / 明晚 it is the hour. And 一日 before a count (一日三报)
/// is "a day", not the 1st. (Only for a run that is 一 alone.)
///
/// `before` is the text before the 一, `next` and `after_next` the two
/// characters after it.
fn a_bit(before: &str, next: Option<char>, after_next: Option<char>) -> bool {
    // 一日三报 / 一日一报: a frequency, not the 1st of a month.
    if next == Some('日') {
        return after_next.is_some_and(is_numeral);
    }
    if next != Some('点') {
        return false;
    }
    if matches!(after_next, Some('儿' | '点')) {
        return true;
    }
    let mut back = before.chars().rev();
    match back.next() {
        Some('晚') => !matches!(back.next(), Some('今' | '明' | '昨' | '当' | '傍')),
        Some(p) => "快早多少好慢心意有差大高低紧轻细强重远近些这第".contains(p),
        None => false,
    }
}

/// The fold before its fast path (per-character pushes, a `Vec<char>` for
/// numerals), kept to check the fast one against on arbitrary text.
#[cfg(test)]
mod reference {
    // What the fast path did not change is shared, not copied.
    use super::{digit, is_numeral, is_unit};

    pub(super) fn fold(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut numerals = false;
        for c in text.chars() {
            // ASCII, the common case, only changes case.
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            // The same per-character map: what is checked is the fast path.
            let c = super::fold_char(c);
            numerals |= is_numeral(c);
            out.push(c.to_ascii_lowercase());
        }
        if numerals {
            convert_numerals(&out)
        } else {
            out
        }
    }

    /// A run with a place word (十, 百, 千, 廿, 卅) is read by value; one without
    /// (二〇二四, 九零) digit by digit.
    fn positional(run: &[char]) -> bool {
        run.iter()
            .any(|c| matches!(c, '十' | '百' | '千' | '廿' | '卅'))
    }

    /// The value of a numeral run like 十二, 二十三, 一百零五; year-style runs
    /// (二〇二四) are read digit by digit.
    fn numeral_value(run: &[char]) -> Option<String> {
        if !positional(run) {
            return Some(
                run.iter()
                    .filter_map(|&c| digit(c))
                    .map(|d| char::from_digit(d, 10).unwrap_or('0'))
                    .collect(),
            );
        }
        let mut total = 0u32;
        let mut cur = 0u32;
        for &c in run {
            match c {
                '十' => {
                    total += if cur == 0 { 10 } else { cur * 10 };
                    cur = 0;
                }
                '百' => {
                    total += cur.max(1) * 100;
                    cur = 0;
                }
                '千' => {
                    total += cur.max(1) * 1000;
                    cur = 0;
                }
                '廿' => {
                    total += 20;
                    cur = 0;
                }
                '卅' => {
                    total += 30;
                    cur = 0;
                }
                _ => cur = digit(c)?,
            }
        }
        Some((total + cur).to_string())
    }

    fn convert_numerals(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            if is_numeral(chars[i]) {
                let start = i;
                while i < chars.len() && is_numeral(chars[i]) {
                    i += 1;
                }
                let run = &chars[start..i];
                let prev = if start > 0 {
                    Some(chars[start - 1])
                } else {
                    None
                };
                let next = chars.get(i).copied();
                // 周一 / 星期三 / 礼拜五 are weekdays, not counts.
                let weekday = matches!(prev, Some('周' | '期' | '拜'));
                // 一刻 / 三刻 stay literal: quarter hours are read by the deadline parser.
                let quarter = next == Some('刻');
                let after_hour = matches!(prev, Some('点' | '时')) && next != Some('刻');
                // 八月十五 / 初八 / 廿二: the day of a (lunar) month, unless a
                // counter follows (三月一次).
                let day_of_month = matches!(prev, Some('月' | '初'))
                    && !next.is_some_and(|c| "次个批场份人项家起期届回趟遍轮".contains(c));
                // 廿二 / 卅 without 日 or 号 mark a lunar day: left for the parser.
                let unit_next = next.is_some_and(is_unit)
                    && !(next == Some('时') && chars.get(i + 1) == Some(&'间'));
                let lunar_day = (run[0] == '廿' || run[0] == '卅') && !unit_next;
                let before: String = chars[..start].iter().collect();
                let bit = run == ['一'] && super::a_bit(&before, next, chars.get(i + 1).copied());
                let convert = !weekday
                    && !quarter
                    && !lunar_day
                    && !bit
                    && (unit_next || after_hour || day_of_month);
                match (convert, numeral_value(run)) {
                    (true, Some(v)) => out.push_str(&v),
                    _ => out.extend(run.iter()),
                }
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{fold, fold_cow, reference};
    use proptest::prelude::*;

    #[test]
    fn time_after_a_numeral_is_no_hour() {
        // 第一时间 is "at once"; 一时 alone is an hour.
        assert_eq!(fold("遇突发情况第一时间报告"), "遇突发情况第一时间报告");
        assert_eq!(fold("下午三时前"), "下午3时前");
    }

    #[test]
    fn a_bit_is_no_one_oclock() {
        for t in [
            "快一点",
            "注意一点",
            "晚一点交",
            "有一点问题",
            "一点儿",
            "第一点",
            "差一点忘了",
        ] {
            assert!(fold(t).contains("一点"), "{t}: {}", fold(t));
        }
        for (t, want) in [
            ("明天一点前交", "明天1点前交"),
            ("今晚一点", "今晚1点"),
            ("下午一点半", "下午1点半"),
            ("一点前交", "1点前交"),
        ] {
            assert_eq!(fold(t), want);
        }
    }

    #[test]
    fn full_width_and_case() {
        assert_eq!(fold("１７：００前 EOD"), "17:00前 eod");
    }

    #[test]
    fn numerals_with_units() {
        assert_eq!(fold("十二月三日"), "12月3日");
        assert_eq!(fold("二〇二四年一月"), "2024年1月");
        assert_eq!(fold("两点半"), "2点半");
        assert_eq!(fold("五点一刻"), "5点一刻");
        assert_eq!(fold("二十三号"), "23号");
        assert_eq!(fold("三个工作日内"), "3个工作日内");
        assert_eq!(fold("五点三十"), "5点30");
        assert_eq!(fold("两千零四年八月十五"), "2004年8月15");
        assert_eq!(fold("九零年"), "90年");
        assert_eq!(fold("五月廿二"), "5月廿二");
        assert_eq!(fold("腊月初十"), "腊月初10");
        assert_eq!(fold("三月一次"), "3月一次");
        assert_eq!(fold("下個月廿號"), "下个月20号");
    }

    #[test]
    fn weekdays_and_words_untouched() {
        assert_eq!(fold("下周一"), "下周一");
        assert_eq!(fold("星期三"), "星期三");
        assert_eq!(fold("週五"), "周五");
        assert_eq!(fold("一起"), "一起");
        assert_eq!(fold("三八节"), "三八节");
    }

    #[test]
    fn traditional_script_folds_to_simplified() {
        // Asks read the same in either script: request, hand-in and time words.
        assert_eq!(
            fold("請各里於週五下午三點半前繳交報表"),
            "请各里于周五下午3点半前缴交报表"
        );
        assert_eq!(fold("禮拜一開會"), fold("礼拜一开会"));
        // Simplified text and other scripts pass through.
        assert_eq!(fold("请各村周五前报送"), "请各村周五前报送");
        assert_eq!(fold("Due by 3pm"), "due by 3pm");
    }

    #[test]
    fn unchanged_text_is_borrowed() {
        assert!(matches!(
            fold_cow("请明天下班前交"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            fold_cow("一起去周一"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(fold_cow("Eod"), std::borrow::Cow::Owned(_)));
    }

    #[test]
    fn same_as_reference_on_edge_cases() {
        for t in [
            "",
            "Ａ１：００ＰＭ",
            "兩點半",
            "一",
            "十",
            "廿",
            "卅号",
            "月十五",
            "初一次",
            "五点一刻三十",
            "二〇二四年 𝟘 😀 é",
            "下周一二三四五六七八九十百千年",
            "九千九百九十九万",
            "三月一次",
        ] {
            assert_eq!(fold(t), reference::fold(t), "{t:?}");
        }
    }

    /// Text rich in what fold touches: numerals, units, markers,
    /// traditional and full-width forms, capitals, other scripts.
    fn arb_text() -> impl Strategy<Value = String> {
        let pieces: Vec<&'static str> = vec![
            "一", "二", "两", "兩", "三", "十", "百", "千", "廿", "卅", "〇", "零", "九", "年",
            "月", "日", "号", "號", "点", "點", "时", "時", "分", "个", "個", "小", "天", "周",
            "週", "刻", "秒", "期", "拜", "初", "次", "起", "轮", "Ａ", "ｚ", "１", "：",
            "\u{3000}", "—", "·", "\u{30FB}", "A", "Z", "a", "1", " ", "é", "😀", "前", "。",
        ];
        prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(pieces).prop_map(str::to_string),
                1 => any::<char>().prop_map(String::from),
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn fast_fold_matches_the_reference(t in arb_text()) {
            prop_assert_eq!(fold(&t), reference::fold(&t));
        }

        #[test]
        fn fast_fold_matches_the_reference_on_any_string(t in any::<String>()) {
            prop_assert_eq!(fold(&t), reference::fold(&t));
        }
    }
}
