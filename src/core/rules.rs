//! Dedup rules: data an admin edits (`config/rules.toml`), parsed once and
//! compiled into regexes and tables the matcher reads. Pure: text in, rules
//! (or an error naming the file, line and field) out.

use crate::model::ChatId;
use regex::Regex;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

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
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    duplicate: f64,
    maybe: f64,
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
    pub undated_days: i64,
    pub undated_match_days: i64,
    /// Each word → the first word of its synonym group.
    synonyms: HashMap<String, String>,
    synonym_re: Option<Regex>,
    boilerplate: Option<Regex>,
    stop_words: HashSet<String>,
    deliverable_re: Option<Regex>,
    /// Word → (kind, generic).
    deliverables: HashMap<String, (String, bool)>,
    groups: HashMap<ChatId, GroupRule>,
    pub never_merge: Vec<TermPair>,
    pub always_merge: Vec<TermPair>,
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

fn alternation(words: &[&str]) -> Option<Regex> {
    if words.is_empty() {
        return None;
    }
    let mut ws: Vec<&str> = words.to_vec();
    // Longest first, so 排查表 wins over 排查.
    ws.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let pat = ws
        .iter()
        .map(|w| {
            let e = regex::escape(w);
            // English words match whole words only.
            if w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
            {
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

impl Rules {
    /// The rules compiled into the binary.
    pub fn bundled() -> Result<Rules, RulesError> {
        Rules::parse("config/rules.toml (bundled)", BUNDLED)
    }

    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Io {
            file: file.clone(),
            source,
        })?;
        Rules::parse(&file, &text)
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
        let keys: Vec<&str> = synonyms.keys().map(String::as_str).collect();
        let synonym_re = alternation(&keys);
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
        let dkeys: Vec<&str> = deliverables.keys().map(String::as_str).collect();
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
        Ok(Rules {
            duplicate: t.duplicate,
            maybe: t.maybe,
            undated_days: raw.pending.undated_days,
            undated_match_days: raw.pending.undated_match_days,
            synonyms,
            synonym_re,
            boilerplate,
            stop_words: raw
                .boilerplate
                .stop_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            deliverable_re: alternation(&dkeys),
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
        // Matches only, no capture groups (what `replace_all` with a closure
        // would resolve for every match).
        let mut out = String::new();
        let mut last = 0;
        for m in re.find_iter(text) {
            out.push_str(&text[last..m.start()]);
            out.push_str(
                self.synonyms
                    .get(m.as_str())
                    .map_or(m.as_str(), String::as_str),
            );
            last = m.end();
        }
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
        let Some(re) = &self.deliverable_re else {
            return Vec::new();
        };
        re.find_iter(text)
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
mod tests {
    use super::*;

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
