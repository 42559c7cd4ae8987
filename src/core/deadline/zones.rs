//! Time zones named at a clock time ("4pm CET", 北京时间8点), for converting
//! it into the organisation's zone.

/// Time zones named after a clock time, with their offsets from UTC in
/// minutes (abbreviations that name one zone unambiguously enough; CST and
/// IST's other readings are left out: CST is China's here only as 北京时间).
const ZONES: &[(&str, i32)] = &[
    ("utc", 0),
    ("gmt", 0),
    ("wet", 0),
    ("west", 60),
    ("bst", 60),
    ("cet", 60),
    ("cest", 120),
    ("eet", 120),
    ("eest", 180),
    ("msk", 180),
    ("ist", 330),
    ("sgt", 480),
    ("hkt", 480),
    ("awst", 480),
    ("jst", 540),
    ("kst", 540),
    ("acst", 570),
    ("aest", 600),
    ("aedt", 660),
    ("nzst", 720),
    ("nzdt", 780),
    ("est", -300),
    ("edt", -240),
    ("cdt", -300),
    ("mst", -420),
    ("mdt", -360),
    ("pst", -480),
    ("pdt", -420),
    ("akst", -540),
    ("hst", -600),
];

/// Whether `w` names a time zone: one of [`ZONES`], or a US zone said
/// without its season ("noon ET", "9am PT"), which the organisation's own
/// zone already reads as local.
pub(super) fn is_zone_word(w: &str) -> bool {
    matches!(w, "et" | "pt" | "ct" | "mt" | "local time") || ZONES.iter().any(|(z, _)| *z == w)
}

/// The zone named right after a clock time ending at `end` ("4pm CET",
/// "9 am (BST)", "8:00 utc+2") or right before it starting at `start`
/// (北京时间8点): its offset in minutes and the end of the zone's text.
pub(super) fn zone_near(t: &str, start: usize, end: usize) -> Option<(i32, usize)> {
    let before = t.get(..start)?.trim_end();
    if before.ends_with("北京时间") {
        return Some((480, end));
    }
    let rest = t.get(end..)?;
    let lead = rest.len() - rest.trim_start().len();
    let mut r = &rest[lead..];
    let mut off = end + lead;
    let paren = r.starts_with('(');
    if paren {
        r = &r[1..];
        off += 1;
    }
    let n = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if !(3..=4).contains(&n) {
        return None;
    }
    let word = &r[..n];
    let &(_, mut zone) = ZONES.iter().find(|(z, _)| *z == word)?;
    let mut len = n;
    // "utc+8", "gmt-05:00".
    if matches!(word, "utc" | "gmt") {
        let tail = &r[n..];
        let sign = match tail.as_bytes().first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => 0,
        };
        if sign != 0 {
            let digits: String = tail[1..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ':')
                .collect();
            let (h, m) = match digits.split_once(':') {
                Some((h, m)) => (h.parse::<i32>().ok(), m.parse::<i32>().ok()),
                None => (digits.parse::<i32>().ok(), Some(0)),
            };
            if let (Some(h), Some(m)) = (h, m)
                && h <= 14
                && m < 60
            {
                zone = sign * (h * 60 + m);
                len += 1 + digits.len();
            }
        }
    }
    // A word, not the start of a longer one.
    if r[len..]
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    if paren && r[len..].starts_with(')') {
        len += 1;
    }
    Some((zone, off + len))
}
