//! Every digest, /digest all list and warning of the project's fixtures as
//! Telegram HTML parts: each part parses (only Telegram's tags, balanced and
//! nested, text escaped) and fits Telegram's 4096 UTF-16 units.

use onedigest::config::Config;
use onedigest::core::engine::Settings;
use onedigest::event;
use onedigest::model::Lang;
use onedigest::render::{self, Format, Scope};
use std::path::PathBuf;

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
    if html.encode_utf16().count() > render::MAX_MESSAGE_UNITS {
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

fn fixtures() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join("tests/data"))
        .expect("tests/data")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    v.push(root.join("data/demo-org.jsonl"));
    v.sort();
    v
}

#[test]
fn the_checker_rejects_what_telegram_rejects() {
    assert_eq!(
        telegram_html_error("<b>a</b> &amp; <a href=\"x\">b</a>"),
        None
    );
    for bad in [
        "<b>cut",
        "<b><a href=\"x\">x</b></a>",
        "a < b",
        "a & b",
        "<div>x</div>",
        "x > y",
    ] {
        assert!(telegram_html_error(bad).is_some(), "{bad}");
    }
    assert!(telegram_html_error(&"任".repeat(4097)).is_some());
}

#[test]
fn every_fixture_digest_and_warning_is_valid_telegram_html() {
    let settings = Settings::from_config(&Config::default()).expect("settings");
    let mut parts = 0;
    for path in fixtures() {
        let events = event::read_log(&path).expect("fixture");
        let r = onedigest::replay::run(&events, settings.clone());
        let name = path.display();
        for d in &r.digests {
            for lang in [Lang::Zh, Lang::En] {
                for scope in [Scope::Daily, Scope::All] {
                    for p in render::digest_parts(d, "名字 <&>", lang, Format::Html, scope) {
                        if let Some(e) = telegram_html_error(&p.text) {
                            panic!("{name}: digest of {} at {}: {e}\n{}", d.user, d.at, p.text);
                        }
                        parts += 1;
                    }
                }
            }
        }
        for w in &r.warnings {
            for lang in [Lang::Zh, Lang::En] {
                let text = render::warning(&r.engine, w, lang, Format::Html);
                for p in render::split_lines(&text) {
                    if let Some(e) = telegram_html_error(&p) {
                        panic!("{name}: warning: {e}\n{p}");
                    }
                    parts += 1;
                }
            }
        }
    }
    assert!(parts > 100, "only {parts} parts checked");
}
