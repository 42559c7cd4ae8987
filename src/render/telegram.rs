//! Whether a text is a message Telegram's HTML parse mode accepts: only
//! its tags, balanced and nested, text escaped, at most 4096 UTF-16 units.
//! Tests and `digest-stats --check` use it to prove the rendering.

/// The tags Telegram's HTML parse mode accepts.
const ALLOWED: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "blockquote",
];

/// Why `html` is not a valid Telegram message, if it is not.
pub fn telegram_html_error(html: &str) -> Option<String> {
    if html.encode_utf16().count() > super::MAX_MESSAGE_UNITS {
        return Some(format!("{} UTF-16 units", html.encode_utf16().count()));
    }
    if html.trim().is_empty() {
        return Some("empty".into());
    }
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '>', '&']) {
        let (c, after) = (rest.as_bytes()[i], &rest[i + 1..]);
        match c {
            b'>' => {
                return Some(format!(
                    "raw '>' before {:?}",
                    &after[..after.len().min(20)]
                ));
            }
            b'&' => {
                let Some(end) = after.find(';') else {
                    return Some("raw '&'".into());
                };
                let name = &after[..end];
                let ok = matches!(name, "lt" | "gt" | "amp" | "quot")
                    || name
                        .strip_prefix('#')
                        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
                if !ok {
                    return Some(format!("bad entity &{name};"));
                }
                rest = &after[end + 1..];
            }
            _ => {
                let Some(end) = after.find('>') else {
                    return Some("unclosed '<'".into());
                };
                let tag = &after[..end];
                if let Some(name) = tag.strip_prefix('/') {
                    if open.pop().as_deref() != Some(name) {
                        return Some(format!("</{name}> does not close the open tag"));
                    }
                } else {
                    let name = tag.split_whitespace().next().unwrap_or("");
                    if !ALLOWED.contains(&name) {
                        return Some(format!("tag <{name}> not allowed"));
                    }
                    if name == "a" && !tag.starts_with("a href=\"") {
                        return Some(format!("<{tag}>"));
                    }
                    if tag.matches('"').count() % 2 == 1 {
                        return Some(format!("<{tag}>: unbalanced quotes"));
                    }
                    open.push(name.to_string());
                }
                rest = &after[end + 1..];
            }
        }
    }
    (!open.is_empty()).then(|| format!("unclosed {open:?}"))
}
