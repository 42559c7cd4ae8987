//! Dedup rules: data an admin edits (`config/rules.toml`), parsed once and
//! compiled into regexes and tables the matcher reads. Pure: text in, rules
//! (or an error naming the file, line and field) out.

use crate::core::dupmodel::Model;
use crate::core::task_model::TaskModel;
use crate::model::ChatId;
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// The rules compiled into the binary.
pub const BUNDLED: &str = include_str!("../../config/rules.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    thresholds: Thresholds,
    #[serde(default)]
    pending: Pending,
    #[serde(default)]
    synonyms: Vec<SynonymGroup>,
    #[serde(default)]
    boilerplate: Boilerplate,
    #[serde(default)]
    deliverable: Vec<DeliverableKind>,
    #[serde(default)]
    group: Vec<GroupRule>,
    #[serde(default)]
    never_merge: Vec<TermPair>,
    #[serde(default)]
    always_merge: Vec<TermPair>,
    /// The duplicate model's weights (`bias` and one per signal); without
    /// it the hand-set score is used.
    #[serde(default)]
    model: Option<std::collections::BTreeMap<String, f64>>,
    /// The task model's weights (`bias`, `threshold` and one per cue);
    /// without it the hand-set weights are used.
    #[serde(default)]
    task_model: Option<std::collections::BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    duplicate: f64,
    maybe: f64,
    /// The mean score a joining ask needs against the cluster's latest
    /// asks (default: `duplicate`).
    #[serde(default)]
    cluster: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Pending {
    undated_days: i64,
    undated_match_days: i64,
}

impl Default for Pending {
    fn default() -> Self {
        Pending {
            undated_days: 14,
            undated_match_days: 1,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymGroup {
    words: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Boilerplate {
    patterns: Vec<String>,
    stop_words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliverableKind {
    kind: String,
    words: Vec<String>,
    #[serde(default)]
    generic: bool,
}

/// Overrides for one group.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    pub chat_id: ChatId,
    /// A threshold of its own for asks posted in this group.
    #[serde(default)]
    pub duplicate: Option<f64>,
    /// False: asks posted in this group are never merged with anything.
    #[serde(default = "yes")]
    pub merge: bool,
}

fn yes() -> bool {
    true
}

/// Asks naming `a` and asks naming `b`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TermPair {
    pub a: String,
    pub b: String,
}

/// The compiled rules.
#[derive(Debug, Clone)]
pub struct Rules {
    pub duplicate: f64,
    pub maybe: f64,
    /// The mean score a joining ask needs against its cluster's latest asks.
    pub cluster: f64,
    pub undated_days: i64,
    pub undated_match_days: i64,
    /// Each word → the first word of its synonym group.
    synonyms: HashMap<String, String>,
    synonym_re: Option<Words>,
    /// By the automaton's pattern id: the word's group's first word.
    synonym_by_id: Vec<String>,
    boilerplate: Option<Regex>,
    stop_words: HashSet<String>,
    deliverable_re: Option<Words>,
    /// By the automaton's pattern id: (kind, generic).
    deliverable_by_id: Vec<(String, bool)>,
    /// Word → (kind, generic).
    deliverables: HashMap<String, (String, bool)>,
    groups: HashMap<ChatId, GroupRule>,
    pub never_merge: Vec<TermPair>,
    pub always_merge: Vec<TermPair>,
    /// The fitted duplicate model: when set, a pair's score is its probability.
    pub model: Option<Model>,
    /// Which messages are asks.
    pub task_model: TaskModel,
}

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{file}: cannot read the rules: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {field}: {message}")]
    Invalid {
        file: String,
        field: String,
        message: String,
    },
}

/// Does this word match as a whole English word only?
fn is_english(w: &str) -> bool {
    w.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
}

/// The words, longest first, so 排查表 wins over 排查.
fn longest_first<'w>(words: &[&'w str]) -> Vec<&'w str> {
    let mut ws: Vec<&str> = words.to_vec();
    ws.sort_by_key(|w| std::cmp::Reverse(w.len()));
    ws
}

fn alternation(words: &[&str]) -> Option<Regex> {
    if words.is_empty() {
        return None;
    }
    let pat = longest_first(words)
        .iter()
        .map(|w| {
            let e = regex::escape(w);
            // English words match whole words only.
            if is_english(w) {
                // ASCII word boundaries: a Unicode \b would push the regex
                // engine onto its slow path for every Chinese text.
                format!(r"(?-u:\b){e}(?-u:\b)")
            } else {
                e
            }
        })
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&pat).ok()
}

/// A word list compiled for finding: the regex of [`alternation`] and an
/// Aho-Corasick automaton over the same words in the same order, which finds
/// the same matches for a fraction of the regex's work (no reverse scan for
/// each match's start, no lazy-DFA bookkeeping).
#[derive(Debug, Clone)]
struct Words {
    re: Regex,
    /// None when a word is empty: the regex's empty matches are not
    /// emulated, the regex alone finds.
    ac: Option<AhoCorasick>,
    /// By pattern id: must the word stand as a whole ASCII word?
    bounded: Vec<bool>,
}

/// An ASCII word byte, as `(?-u:\b)` sees it.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `(?-u:\b)` at byte offset `at`.
fn ascii_boundary(text: &[u8], at: usize) -> bool {
    let before = at > 0 && text.get(at - 1).is_some_and(|&b| is_word_byte(b));
    let after = text.get(at).is_some_and(|&b| is_word_byte(b));
    before != after
}

impl Words {
    /// `words` are the keys of `values`; each pattern id gets its word's value.
    fn new<V: Clone>(values: &HashMap<String, V>) -> Option<(Words, Vec<V>)> {
        let words: Vec<&str> = values.keys().map(String::as_str).collect();
        let words = &words;
        let re = alternation(words)?;
        let ws = longest_first(words);
        let ac = if ws.iter().any(|w| w.is_empty()) {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&ws)
                .ok()
        };
        // Every word is a key; were one not, ids would not line up and the
        // regex alone finds.
        let by_id: Option<Vec<V>> = ws.iter().map(|w| values.get(*w).cloned()).collect();
        let ac = ac.filter(|_| by_id.is_some());
        Some((
            Words {
                re,
                ac,
                bounded: ws.iter().map(|w| is_english(w)).collect(),
            },
            by_id.unwrap_or_default(),
        ))
    }

    /// Call `f` with each match the regex's `find_iter` yields, in order:
    /// the byte span and, when the automaton found it, the word's pattern id.
    ///
    /// The automaton's leftmost-first match is the regex's whenever its
    /// word needs no boundaries or has them: no word (boundaries or not)
    /// starts earlier, and no word ahead of it in the order matches there.
    /// When its word lacks a boundary, another word may match at that start
    /// or later: the regex decides that one match, searching from that start
    /// (nothing starts before it), and the automaton goes on after it.
    /// Matches are never empty, so each search starts where the last ended,
    /// as `find_iter`'s do.
    fn find_each(&self, text: &str, mut f: impl FnMut(usize, usize, Option<usize>)) {
        let Some(ac) = &self.ac else {
            for m in self.re.find_iter(text) {
                f(m.start(), m.end(), None);
            }
            return;
        };
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < text.len() {
            let Some(m) = ac.find(aho_corasick::Input::new(text).span(at..text.len())) else {
                return;
            };
            let id = m.pattern().as_usize();
            let bounded = self.bounded.get(id).copied().unwrap_or(true);
            if !bounded || (ascii_boundary(bytes, m.start()) && ascii_boundary(bytes, m.end())) {
                f(m.start(), m.end(), Some(id));
                at = m.end();
            } else {
                match self.re.find_at(text, m.start()) {
                    Some(r) => {
                        f(r.start(), r.end(), None);
                        at = r.end();
                    }
                    None => return,
                }
            }
        }
    }

    /// The value of the word matched: by pattern id when the automaton
    /// found it, else by the matched text.
    fn value<'a, V>(
        by_id: &'a [V],
        values: &'a HashMap<String, V>,
        text: &str,
        start: usize,
        end: usize,
        id: Option<usize>,
    ) -> Option<&'a V> {
        match id {
            Some(i) => by_id.get(i),
            None => values.get(&text[start..end]),
        }
    }
}

impl Rules {
    /// The rules compiled into the binary.
    pub fn bundled() -> Result<Rules, RulesError> {
        Rules::parse("config/rules.toml (bundled)", BUNDLED)
    }

    pub fn parse(file: &str, text: &str) -> Result<Rules, RulesError> {
        let raw: RulesFile = toml::from_str(text).map_err(|e| RulesError::Syntax {
            file: file.to_string(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        let bad = |field: String, message: String| RulesError::Invalid {
            file: file.to_string(),
            field,
            message,
        };
        let t = raw.thresholds;
        if !(0.0..=1.0).contains(&t.duplicate) {
            return Err(bad(
                "thresholds.duplicate".into(),
                "must be between 0.0 and 1.0".into(),
            ));
        }
        if t.cluster.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
            return Err(bad(
                "thresholds.cluster".into(),
                "must be between 0.0 and 1.0".into(),
            ));
        }
        if !(0.0..=t.duplicate).contains(&t.maybe) {
            return Err(bad(
                "thresholds.maybe".into(),
                "must be between 0.0 and thresholds.duplicate".into(),
            ));
        }
        if raw.pending.undated_days < 1 || raw.pending.undated_match_days < 0 {
            return Err(bad(
                "pending".into(),
                "undated_days must be at least 1 and undated_match_days at least 0".into(),
            ));
        }
        let mut synonyms = HashMap::new();
        for (i, g) in raw.synonyms.iter().enumerate() {
            let Some(first) = g.words.first() else {
                return Err(bad(
                    format!("synonyms[{i}].words"),
                    "is empty; list at least two words".into(),
                ));
            };
            for w in &g.words {
                synonyms.insert(w.to_lowercase(), first.to_lowercase());
            }
        }
        let (synonym_re, synonym_by_id) = Words::new(&synonyms).unzip();
        for (i, p) in raw.boilerplate.patterns.iter().enumerate() {
            Regex::new(p).map_err(|e| {
                bad(
                    format!("boilerplate.patterns[{i}]"),
                    format!("`{p}` is not a valid regex: {e}"),
                )
            })?;
        }
        let boilerplate = if raw.boilerplate.patterns.is_empty() {
            None
        } else {
            let joined = raw
                .boilerplate
                .patterns
                .iter()
                .map(|p| format!("(?:{p})"))
                .collect::<Vec<_>>()
                .join("|");
            Some(
                Regex::new(&joined)
                    .map_err(|e| bad("boilerplate.patterns".into(), e.to_string()))?,
            )
        };
        let mut deliverables = HashMap::new();
        for (i, d) in raw.deliverable.iter().enumerate() {
            if d.words.is_empty() {
                return Err(bad(
                    format!("deliverable[{i}].words"),
                    format!("kind `{}` names no words", d.kind),
                ));
            }
            for w in &d.words {
                deliverables.insert(w.to_lowercase(), (d.kind.clone(), d.generic));
            }
        }
        let (deliverable_re, deliverable_by_id) = Words::new(&deliverables).unzip();
        let mut groups = HashMap::new();
        for (i, g) in raw.group.into_iter().enumerate() {
            if g.duplicate.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
                return Err(bad(
                    format!("group[{i}].duplicate"),
                    "must be between 0.0 and 1.0".into(),
                ));
            }
            groups.insert(g.chat_id, g);
        }
        for (name, pairs) in [
            ("never_merge", &raw.never_merge),
            ("always_merge", &raw.always_merge),
        ] {
            for (i, p) in pairs.iter().enumerate() {
                if p.a.trim().is_empty() || p.b.trim().is_empty() {
                    return Err(bad(
                        format!("{name}[{i}]"),
                        "both `a` and `b` must name some text".into(),
                    ));
                }
            }
        }
        let model = match &raw.model {
            Some(table) => Some(Model::from_table(table).map_err(|m| {
                let (field, message) = m.split_once(": ").unwrap_or(("model", &m));
                bad(field.into(), message.into())
            })?),
            None => None,
        };
        let task_model = match &raw.task_model {
            Some(table) => TaskModel::from_table(table).map_err(|m| {
                let (field, message) = m.split_once(": ").unwrap_or(("task_model", &m));
                bad(field.into(), message.into())
            })?,
            None => TaskModel::hand_set(),
        };
        Ok(Rules {
            model,
            task_model,
            duplicate: t.duplicate,
            maybe: t.maybe,
            cluster: t.cluster.unwrap_or(t.duplicate),
            undated_days: raw.pending.undated_days,
            undated_match_days: raw.pending.undated_match_days,
            synonyms,
            synonym_re,
            synonym_by_id: synonym_by_id.unwrap_or_default(),
            boilerplate,
            stop_words: raw
                .boilerplate
                .stop_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            deliverable_re,
            deliverable_by_id: deliverable_by_id.unwrap_or_default(),
            deliverables,
            groups,
            never_merge: raw.never_merge,
            always_merge: raw.always_merge,
        })
    }

    /// Replace synonyms by the first word of their group.
    pub fn canonical<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let Some(re) = &self.synonym_re else {
            return std::borrow::Cow::Borrowed(text);
        };
        let mut out = String::new();
        let mut last = 0;
        re.find_each(text, |start, end, id| {
            if out.is_empty() {
                // Room for the usual few replacements without regrowing.
                out.reserve(text.len() + 16);
            }
            out.push_str(&text[last..start]);
            let m = &text[start..end];
            let to = Words::value(&self.synonym_by_id, &self.synonyms, text, start, end, id);
            out.push_str(to.map_or(m, String::as_str));
            last = end;
        });
        if last == 0 && out.is_empty() {
            return std::borrow::Cow::Borrowed(text);
        }
        out.push_str(&text[last..]);
        std::borrow::Cow::Owned(out)
    }

    /// Remove boilerplate.
    pub fn strip<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        match &self.boilerplate {
            Some(re) => re.replace_all(text, " "),
            None => std::borrow::Cow::Borrowed(text),
        }
    }

    pub fn is_stop_word(&self, w: &str) -> bool {
        self.stop_words.contains(w)
    }

    /// The deliverable kinds a text names, as (kind, generic).
    pub fn deliverables(&self, text: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        self.each_deliverable(text, |kind, generic| out.push((kind.to_string(), generic)));
        out
    }

    /// Call `f` with each deliverable kind a text names and whether it is
    /// generic, in order, without copying them.
    pub fn each_deliverable<'a>(&'a self, text: &str, mut f: impl FnMut(&'a str, bool)) {
        let Some(re) = &self.deliverable_re else {
            return;
        };
        re.find_each(text, |start, end, id| {
            let by_id = &self.deliverable_by_id;
            if let Some((kind, generic)) =
                Words::value(by_id, &self.deliverables, text, start, end, id)
            {
                f(kind, *generic);
            }
        });
    }

    /// [`Rules::canonical`] by the regex alone, as it was before the
    /// automaton: the reference the fast path is held to.
    #[cfg(test)]
    pub(crate) fn canonical_by_regex(&self, text: &str) -> String {
        let Some(re) = &self.synonym_re else {
            return text.to_string();
        };
        re.re
            .replace_all(text, |c: &regex::Captures<'_>| {
                let m = c.get(0).map_or("", |m| m.as_str());
                self.synonyms.get(m).map_or(m, String::as_str).to_string()
            })
            .into_owned()
    }

    /// [`Rules::deliverables`] by the regex alone.
    #[cfg(test)]
    pub(crate) fn deliverables_by_regex(&self, text: &str) -> Vec<(String, bool)> {
        let Some(re) = &self.deliverable_re else {
            return Vec::new();
        };
        re.re
            .find_iter(text)
            .filter_map(|m| self.deliverables.get(m.as_str()).cloned())
            .collect()
    }

    /// The duplicate threshold for an ask posted in `chat`.
    pub fn threshold_for(&self, chat: ChatId) -> f64 {
        self.groups
            .get(&chat)
            .and_then(|g| g.duplicate)
            .unwrap_or(self.duplicate)
    }

    /// May asks posted in `chat` be merged at all?
    pub fn merges_in(&self, chat: ChatId) -> bool {
        self.groups.get(&chat).is_none_or(|g| g.merge)
    }

    /// What the term-pair rules say about two texts: Some(false) never
    /// merge, Some(true) always merge, with the rule in words.
    pub fn pair_rule(&self, a: &str, b: &str) -> Option<(bool, &TermPair)> {
        let hit = |p: &&TermPair| {
            (a.contains(&p.a) && b.contains(&p.b)) || (a.contains(&p.b) && b.contains(&p.a))
        };
        if let Some(p) = self.never_merge.iter().find(hit) {
            return Some((false, p));
        }
        self.always_merge.iter().find(hit).map(|p| (true, p))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Rule sets unlike the bundled one, for holding fast paths to the
    /// general one: overlapping words of every length, English words
    /// inside others, words with spaces, hyphens, digits, quotes and
    /// apostrophes, boilerplate that matches empty text or single letters.
    pub(crate) const ODD_RULES: [&str; 3] = [
        r#"
[thresholds]
duplicate = 0.4
maybe = 0.2
[[synonyms]]
words = ["a", "ab", "abc", "b", "check in", "check-in", "报", "报送", "送", "x-ray", "1", "12"]
[[synonyms]]
words = ["表", "统计表", "plan", "plans", "the", "it's", "s", "pic"]
[boilerplate]
patterns = ['\b\w+\b', '(?i)PLAN', '^请', '$', '', '[0-9]+', '(?m)^\s*', '前']
stop_words = ["abc"]
[[deliverable]]
kind = "a"
words = ["a", "ab", "abc", "b", "表", "统计表", "check in", "1", "-", " "]
[[deliverable]]
kind = "q"
words = ["q1", "plan", "plans", "x-ray", "报送", "“", "photo"]
generic = true
"#,
        r#"
[thresholds]
duplicate = 0.4
maybe = 0.2
[[synonyms]]
words = ["燃气", "gas", "GAS", "Gas station", "值班", "_x", "a_b"]
[boilerplate]
patterns = ['\d+', '[a-z]{2}', '(?u:\b)报(?u:\b)', '“', '值']
[[deliverable]]
kind = "k"
words = ["report", "Report", "值班表", "值班", "班表", "s", "'s", "photos", "photo"]
"#,
        r#"
[thresholds]
duplicate = 0.4
maybe = 0.2
[[synonyms]]
words = ["", "x", "值班"]
[[deliverable]]
kind = "e"
words = ["", "log", "logs"]
"#,
    ];

    /// Text pieces the strategies below string together.
    pub(crate) const PIECES: &[&str] = &[
        "值班表",
        "排班表",
        "值班",
        "班表",
        "台账",
        "排查表",
        "排查",
        "检查",
        "液化气",
        "燃气",
        "照片",
        "图片",
        "统计表",
        "表",
        "报送",
        "请于",
        "各村",
        "明天",
        "3月",
        "12",
        "1",
        "2024年度",
        "第一季度",
        "q1",
        "本周",
        "下周五",
        "“",
        "”",
        "《",
        "》",
        "「",
        "」",
        "\"",
        "a",
        "ab",
        "abc",
        "b",
        "s",
        "'s",
        "pic",
        "picture",
        "photo",
        "photos",
        "epic",
        "check in",
        "check-in",
        "checkin",
        "x-ray",
        "plan",
        "plans",
        "log",
        "logs",
        "logo",
        "names",
        "report",
        "the",
        "it's",
        "gas",
        "Gas station",
        "_x",
        "a_b",
        "_",
        "-",
        " ",
        "  ",
        "\n",
        "，",
        "：",
        "。",
        "🙂",
        "é",
        "ｑ",
        "march",
        "next week",
        "this month's",
        "https://x.y/z",
        "张三",
    ];

    pub(crate) fn text_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        proptest::collection::vec(
            prop_oneof![
                4 => proptest::sample::select(PIECES).prop_map(str::to_string),
                1 => "[a-z0-9_' -]{0,4}",
                1 => "\\PC{0,3}",
            ],
            0..24,
        )
        .prop_map(|v| v.concat())
    }

    proptest::proptest! {
        /// The automaton finds what the regex finds: the same synonyms
        /// replaced, the same deliverables in the same order.
        #[test]
        fn words_are_found_as_the_regex_finds_them(text in text_strategy()) {
            let mut sets = vec![Rules::bundled().expect("bundled")];
            for r in ODD_RULES {
                sets.push(Rules::parse("odd.toml", r).expect("valid"));
            }
            for r in &sets {
                proptest::prop_assert_eq!(r.canonical(&text).into_owned(), r.canonical_by_regex(&text));
                proptest::prop_assert_eq!(r.deliverables(&text), r.deliverables_by_regex(&text));
            }
        }
    }

    #[test]
    fn bundled_rules_parse() {
        let r = Rules::bundled().expect("bundled rules are valid");
        assert!(r.duplicate > r.maybe);
        assert_eq!(r.canonical("沿街饭店液化气"), "沿街餐饮燃气");
        assert_eq!(
            r.deliverables("请报防汛值班表和照片"),
            vec![("值班表".to_string(), false), ("照片".to_string(), true)]
        );
        assert!(r.strip("请于明天报送值班表").contains("值班表"));
        assert!(!r.strip("请于明天报送值班表").contains("请于"));
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = Rules::parse(
            "r.toml",
            "[thresholds]\nduplicate = 0.4\nmaybe = 0.2\n\n[boilerplate]\npaterns = []\n",
        )
        .expect_err("unknown field");
        let m = e.to_string();
        assert!(m.starts_with("r.toml:6:") && m.contains("paterns"), "{m}");
        let e = Rules::parse(
            "r.toml",
            "[thresholds]\nduplicate = 0.4\nmaybe = 0.2\n[boilerplate]\npatterns = ['(unclosed']\n",
        )
        .expect_err("bad regex");
        assert!(e.to_string().contains("boilerplate.patterns[0]"), "{e}");
        let e = Rules::parse("r.toml", "[thresholds]\nduplicate = 0.4\nmaybe = 0.6\n")
            .expect_err("maybe above duplicate");
        assert!(e.to_string().contains("thresholds.maybe"), "{e}");
    }

    #[test]
    fn group_overrides_and_pair_rules() {
        let r = Rules::parse(
            "r.toml",
            "[thresholds]\nduplicate = 0.4\nmaybe = 0.2\n[[group]]\nchat_id = -7\nduplicate = 0.8\n[[group]]\nchat_id = -8\nmerge = false\n[[never_merge]]\na = \"安全生产\"\nb = \"防汛\"\n[[always_merge]]\na = \"学雷锋\"\nb = \"志愿服务月\"\n",
        )
        .expect("valid");
        assert_eq!(r.threshold_for(ChatId(-7)), 0.8);
        assert_eq!(r.threshold_for(ChatId(-1)), 0.4);
        assert!(!r.merges_in(ChatId(-8)) && r.merges_in(ChatId(-7)));
        assert_eq!(
            r.pair_rule("7月安全生产值班表", "主汛期防汛值班表")
                .map(|x| x.0),
            Some(false)
        );
        assert_eq!(
            r.pair_rule("志愿服务月活动", "学雷锋活动照片").map(|x| x.0),
            Some(true)
        );
        assert_eq!(r.pair_rule("值班表", "值班表"), None);
    }
}
