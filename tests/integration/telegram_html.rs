//! Every digest, /digest all list and warning of the project's fixtures as
//! Telegram HTML parts: each part parses (only Telegram's tags, balanced and
//! nested, text escaped) and fits Telegram's 4096 UTF-16 units.

use onedigest::config::Config;
use onedigest::core::engine::Settings;
use onedigest::event;
use onedigest::model::Lang;
use onedigest::render::{self, Format, Scope, telegram_html_error};
use std::path::PathBuf;

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
