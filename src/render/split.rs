//! Packing Telegram messages: text goes out in parts of at most 4096 UTF-16
//! code units (Telegram's measure), broken only between chunks (a digest
//! item, a status line) and, for a chunk too long on its own, between its
//! lines. Every line is balanced HTML, so no part ever holds an open tag;
//! a single line over the limit loses its markup and is shortened whole.

/// Telegram's limit on one message's text, in UTF-16 code units.
pub const MAX_MESSAGE_UNITS: usize = 4096;

/// Length as Telegram counts it.
pub fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Lines kept together in one part where they fit, with what they carry
/// (a digest item's [Done] target).
#[derive(Debug, Clone)]
pub struct Chunk<T> {
    /// One or more lines, each balanced HTML (or plain text).
    pub text: String,
    pub tag: Option<T>,
    /// A blank line before it (a new section) rather than a line break.
    pub blank_before: bool,
}

impl<T> Chunk<T> {
    pub fn new(text: String, tag: Option<T>, blank_before: bool) -> Chunk<T> {
        Chunk {
            text,
            tag,
            blank_before,
        }
    }
}

/// A line cut to `max` units: tags dropped, never inside an entity, "…" at the end.
fn fit_line(line: &str, max: usize) -> String {
    if units(line) <= max {
        return line.to_string();
    }
    let mut plain = String::new();
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let mut out = String::new();
    let mut n = 0;
    for c in plain.chars() {
        if n + c.len_utf16() + 1 > max {
            break;
        }
        n += c.len_utf16();
        out.push(c);
    }
    // An entity cut in two ("&am") is dropped whole.
    if let Some(amp) = out.rfind('&') {
        if !out[amp..].contains(';') {
            out.truncate(amp);
        }
    }
    out.push('…');
    out
}

/// Pack chunks into parts of at most `limit` units, each starting with
/// `header` (which may be empty). A chunk's tag goes with the part that
/// holds its first line.
pub fn pack<T>(header: &str, chunks: Vec<Chunk<T>>, limit: usize) -> Vec<(String, Vec<T>)> {
    let mut out = Vec::new();
    let mut cur = header.to_string();
    let mut tags = Vec::new();
    let room = limit.saturating_sub(units(header) + 2).max(1);
    for c in chunks {
        let sep = |cur: &str, blank: bool| match (cur.is_empty(), blank) {
            (true, _) => "",
            (false, true) => "\n\n",
            (false, false) => "\n",
        };
        let s = sep(&cur, c.blank_before);
        if units(&cur) + units(s) + units(&c.text) > limit && cur != header {
            out.push((std::mem::replace(&mut cur, header.to_string()), tags));
            tags = Vec::new();
        }
        let mut tag = c.tag;
        for (k, line) in c.text.lines().enumerate() {
            let line = fit_line(line, room);
            // After the header, and before a new section, a blank line.
            let blank = (k == 0 && c.blank_before) || cur == header;
            if units(&cur) + units(sep(&cur, blank)) + units(&line) > limit {
                out.push((std::mem::replace(&mut cur, header.to_string()), tags));
                tags = Vec::new();
            }
            let s = sep(&cur, blank || cur == header);
            cur.push_str(s);
            cur.push_str(&line);
            tags.extend(tag.take());
        }
    }
    if cur != header || out.is_empty() {
        out.push((cur, tags));
    }
    out
}

/// A text of balanced lines (a /status reply, a warning) in parts.
pub fn split_lines(text: &str) -> Vec<String> {
    let mut chunks: Vec<Chunk<()>> = Vec::new();
    let mut blank = false;
    for line in text.split('\n') {
        if line.is_empty() {
            blank = true;
        } else {
            chunks.push(Chunk::new(line.to_string(), None, blank));
            blank = false;
        }
    }
    pack("", chunks, MAX_MESSAGE_UNITS)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_whole_and_parts_stay_under_the_limit() {
        let chunks: Vec<Chunk<usize>> = (0..50)
            .map(|i| {
                Chunk::new(
                    format!("[#{i}#] {}\n  {}", "任".repeat(150), "𠀀".repeat(40)),
                    Some(i),
                    i % 5 == 0,
                )
            })
            .collect();
        let parts = pack("header", chunks.clone(), MAX_MESSAGE_UNITS);
        assert!(parts.len() > 1);
        let mut tags = Vec::new();
        for (p, t) in &parts {
            assert!(units(p) <= MAX_MESSAGE_UNITS, "{}", units(p));
            assert!(p.starts_with("header\n\n"));
            tags.extend(t.iter().copied());
        }
        assert_eq!(tags, (0..50).collect::<Vec<_>>());
        let joined: String = parts.iter().map(|(p, _)| p.as_str()).collect();
        for c in &chunks {
            assert_eq!(joined.matches(c.text.as_str()).count(), 1);
        }
    }

    #[test]
    fn surrogate_pairs_count_twice() {
        assert_eq!(units("𠀀a任"), 4);
        // 2100 astral characters are 4200 units: over the limit in one line.
        let line = "𠀀".repeat(2100);
        let parts = split_lines(&line);
        assert_eq!(parts.len(), 1);
        assert!(units(&parts[0]) <= MAX_MESSAGE_UNITS);
        assert!(parts[0].ends_with('…'));
    }

    #[test]
    fn an_oversized_chunk_breaks_between_lines_and_a_long_line_loses_its_tags() {
        let lines: Vec<String> = (0..400)
            .map(|i| format!("<b>line {i}</b> &amp; more"))
            .collect();
        let parts = pack(
            "h",
            vec![Chunk::new(lines.join("\n"), Some(7), false)],
            1000,
        );
        assert!(parts.len() > 5);
        assert_eq!(parts[0].1, vec![7]);
        for (p, _) in &parts {
            assert!(units(p) <= 1000);
            assert_eq!(p.matches("<b>").count(), p.matches("</b>").count());
        }
        let long = format!("<a href=\"x\">{}</a>", "&amp;".repeat(2000));
        let cut = fit_line(&long, 100);
        assert!(!cut.contains('<'), "{cut}");
        assert!(cut.ends_with("&amp;…"), "{cut}");
        assert!(units(&cut) <= 100);
    }

    #[test]
    fn lines_of_a_reply_keep_their_blank_lines() {
        assert_eq!(split_lines("a\n\nb"), vec!["a\n\nb".to_string()]);
    }
}
