//! English number words read as digits ("twenty nine" → 29, "one thirty"
//! → 1:30, "two thousand ten" → 2010) before the rule families run.

use super::Ctx;
use super::words::{month_of, weekday_from};
use crate::model::Lang;

const EN_CARD: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

const EN_ORDW: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
];

fn card(w: &str) -> Option<u32> {
    if !(3..=9).contains(&w.len()) {
        return None;
    }
    EN_CARD.iter().find(|(k, _)| *k == w).map(|x| x.1)
}

fn ordw(w: &str) -> Option<u32> {
    if !(5..=11).contains(&w.len()) {
        return None;
    }
    EN_ORDW.iter().find(|(k, _)| *k == w).map(|x| x.1)
}

fn ord_suffix(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// English number words to digits where they count or date something:
/// "twenty nine" → 29, "one thirty" → 1:30, "twelve-oh-three" → 12:03,
/// "january twenty fourth" → january 24th, "tuesday the eleventh" → the
/// 11th. `None` when there is nothing to convert.
fn en_numbers(t: &str) -> Option<String> {
    // Words: (start, end) of ASCII-letter runs.
    let b = t.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() {
            let s = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            words.push((s, i));
        } else {
            i += 1;
        }
    }
    let w = |k: usize| words.get(k).map(|&(s, e)| &t[s..e]);
    if !words
        .iter()
        .any(|&(s, e)| card(&t[s..e]).is_some() || ordw(&t[s..e]).is_some())
    {
        return None;
    }
    // Only a space or a hyphen joins two number words.
    let joined = |k: usize| -> bool {
        match (words.get(k), words.get(k + 1)) {
            (Some(&(_, e)), Some(&(s, _))) => matches!(&t[e..s], " " | "-"),
            _ => false,
        }
    };
    // A cardinal or compound (twenty nine) at word k: (value, words used, ordinal).
    let number_at = |k: usize| -> Option<(u32, usize, bool)> {
        let a = w(k)?;
        if let Some(v) = card(a) {
            if v >= 20 && joined(k) {
                if let Some(u) = w(k + 1).and_then(card).filter(|u| *u < 10) {
                    return Some((v + u, 2, false));
                }
                if let Some(u) = w(k + 1).and_then(ordw).filter(|u| *u < 10) {
                    return Some((v + u, 2, true));
                }
            }
            return Some((v, 1, false));
        }
        ordw(a).map(|v| (v, 1, true))
    };
    let mut out = String::with_capacity(t.len());
    let mut last = 0;
    let mut k = 0;
    let mut changed = false;
    while k < words.len() {
        let Some((v, used, ordinal)) = number_at(k) else {
            k += 1;
            continue;
        };
        let (s, _) = words[k];
        let mut e = words[k + used - 1].1;
        let mut used = used;
        if let Some((year, n)) = spelled_year(k, v, used, ordinal, &w, &joined, &number_at) {
            out.push_str(&t[last..s]);
            out.push_str(&year.to_string());
            last = words[k + n - 1].1;
            changed = true;
            k += n;
            continue;
        }
        let rep = if ordinal {
            let prev = k.checked_sub(1).and_then(w).unwrap_or("");
            let next = w(k + used).unwrap_or("");
            let after = t[e..].trim_start();
            let prev2 = k.checked_sub(2).and_then(w).unwrap_or("");
            let next2 = w(k + used + 1).unwrap_or("");
            let ok = month_of(prev) != 0 && prev.len() >= 3
                || next == "of"
                || (next == "day" && next2 == "of")
                || (prev == "the" && weekday_from(prev2).is_some())
                || month_of(next) != 0 && next.len() >= 3
                || (prev == "the"
                    && (after.is_empty()
                        || after.starts_with([',', '.', '!', '?', ';'])
                        || matches!(next, "at" | "day" | "in" | "on" | "of")));
            if !ok || v > 31 {
                k += used;
                continue;
            }
            format!("{v}{}", ord_suffix(v))
        } else if v <= 12 && joined(k + used - 1) {
            // Hour and minutes: "one thirty", "twelve-oh-three".
            let nk = k + used;
            let minutes = match w(nk) {
                Some("oh" | "o") if joined(nk) => {
                    w(nk + 1).and_then(card).filter(|u| *u < 10).map(|u| (u, 2))
                }
                _ => number_at(nk)
                    .filter(|(m, _, ord)| !ord && (10..60).contains(m))
                    .map(|(m, n, _)| (m, n)),
            };
            match minutes {
                Some((mi, n)) => {
                    used += n;
                    e = words[k + used - 1].1;
                    format!("{v}:{mi:02}")
                }
                None => v.to_string(),
            }
        } else {
            v.to_string()
        };
        out.push_str(&t[last..s]);
        out.push_str(&rep);
        last = e;
        changed = true;
        k += used;
    }
    if !changed {
        return None;
    }
    out.push_str(&t[last..]);
    Some(out)
}

/// A year in words at word `k` (whose number reads `v` over `used` words):
/// "two thousand (and) ten", "nineteen eighty six", "nineteen hundred
/// (and) ninety three". The year and the words it takes.
fn spelled_year<'a>(
    k: usize,
    v: u32,
    used: usize,
    ordinal: bool,
    w: &impl Fn(usize) -> Option<&'a str>,
    joined: &impl Fn(usize) -> bool,
    number_at: &impl Fn(usize) -> Option<(u32, usize, bool)>,
) -> Option<(u32, usize)> {
    if ordinal || used != 1 || !joined(k) {
        return None;
    }
    // The tens and units after `at` (skipping "and"): (value, words).
    let rest = |at: usize| -> Option<(u32, usize)> {
        let (at, extra) = if w(at) == Some("and") && joined(at) {
            (at + 1, 1)
        } else {
            (at, 0)
        };
        number_at(at)
            .filter(|(n, _, ord)| !ord && *n < 100)
            .map(|(n, u, _)| (n, u + extra))
    };
    let next = w(k + 1)?;
    if next == "thousand" && (1..=2).contains(&v) {
        let base = v * 1000;
        return Some(match joined(k + 1).then(|| rest(k + 2)).flatten() {
            Some((n, u)) => (base + n, 2 + u),
            None => (base, 2),
        });
    }
    if !(11..=20).contains(&v) {
        return None;
    }
    if next == "hundred" {
        let (n, u) = joined(k + 1)
            .then(|| rest(k + 2))
            .flatten()
            .unwrap_or((0, 0));
        return Some((v * 100 + n, 2 + u));
    }
    // "nineteen eighty six": the tens must be 10–99 ("nineteen five" is not).
    if v >= 13 {
        let (n, u, ord) = number_at(k + 1)?;
        if !ord && (10..100).contains(&n) {
            return Some((v * 100 + n, 1 + u));
        }
    }
    None
}

/// English number words read as digits, when the text has any.
pub(super) fn with_numbers<'a>(t: &'a str, ctx: &Ctx<'_>) -> std::borrow::Cow<'a, str> {
    if ctx.lang == Lang::En
        && let Some(s) = en_numbers(t)
    {
        return std::borrow::Cow::Owned(s);
    }
    std::borrow::Cow::Borrowed(t)
}
