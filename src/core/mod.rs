//! The pure core: data and `now` in, data out. No clock reads, no I/O.
//!
//! The core is a leaf. Nothing under `src/core/` uses the shell's modules
//! (the config, the bot, the journal, replay, the CLI), reads a file, the
//! clock, the store or the network: its settings are built in the shell
//! (`crate::settings`) and handed in, files are read there and parsed here
//! (`Rules::parse`), and the time is the events' own dates or an argument.
//! Tests may build their fixtures through the shell (the default config's
//! settings); the test below holds the rest of the core to the rule.

pub mod calendar;
pub mod conflicts;
pub mod deadline;
pub mod digest;
pub mod dupmodel;
pub mod engine;
pub mod event;
pub mod extract;
pub mod fit;
pub mod hash;
pub mod headline;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
pub mod report;
pub mod rules;
pub mod schedule;
mod task_cues;
pub mod task_model;
pub mod title;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// What the core must not name: the shell's modules, file reads and
    /// clock reads. Split so that this file does not name them itself.
    const FORBIDDEN: &[[&str; 2]] = &[
        ["crate::", "config"],
        ["crate::", "bot"],
        ["crate::", "journal"],
        ["crate::", "replay"],
        ["crate::", "cli"],
        ["std::", "fs"],
        ["Utc::", "now"],
        ["Local::", "now"],
        ["System", "Time"],
        ["Instant::", "now"],
    ];

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).expect("src/core is readable");
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// A file's code before its test module (tests may use the shell).
    fn non_test_code(path: &Path, text: &str) -> String {
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            return String::new();
        }
        text.lines()
            .take_while(|l| !l.trim_end().ends_with("mod tests {"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_core_uses_no_shell_module_file_or_clock() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 10, "found {files:?}");
        let mut found = Vec::new();
        for path in &files {
            let text = std::fs::read_to_string(path).expect("core source is readable");
            let code = non_test_code(path, &text);
            for [a, b] in FORBIDDEN {
                let pattern = format!("{a}{b}");
                for (i, line) in code.lines().enumerate() {
                    if line.contains(&pattern) {
                        found.push(format!("{}:{}: {pattern}", path.display(), i + 1));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "the core must stay a leaf:\n{}",
            found.join("\n")
        );
    }
}
