//! Matching: is a new task the same piece of work as an earlier pending one?
//!
//! The score blends several signals, each explained in plain words:
//! - the work's key terms (Chinese character bigrams and English words left
//!   after boilerplate is stripped), weighted by how rare they are in the
//!   traffic seen so far, so template words ("请于…前报送") count for little;
//! - quoted titles (“…”, 《…》) shared or different;
//! - the period the work covers (2月份 vs 3月份, 上旬 vs 中旬) when both say;
//! - a reply to the earlier ask.
//!
//! Pure: signatures and document frequencies in, a verdict out.

use super::rules::Rules;
use regex::Regex;
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

/// What a task's text contributes to matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signature {
    /// Sorted, unique term hashes.
    pub terms: Vec<u64>,
    /// Quoted titles, folded.
    pub quoted: Vec<String>,
    /// Periods the work covers ("3月", "上旬", "2023年度", "q1").
    pub periods: BTreeSet<String>,
    /// What is to be handed in (值班表, 台账, 截图, "checklist"…).
    /// Only the specific kinds: generic ones (photos, data) tell nothing apart.
    pub deliverables: BTreeSet<String>,
}

/// Document frequencies of terms over the messages seen so far.
#[derive(Debug, Clone, Default)]
pub struct Df {
    pub docs: u32,
    pub counts: HashMap<u64, u32>,
}

impl Verdict {
    /// Add a reason when explaining.
    pub fn note(&mut self, explain: bool, reason: impl Into<String>) {
        if explain {
            self.reasons.push(reason.into());
        }
    }

    /// Add a reason in front when explaining.
    pub fn note_first(&mut self, explain: bool, reason: impl Into<String>) {
        if explain {
            self.reasons.insert(0, reason.into());
        }
    }
}

/// Reasons, collected only when asked for.
struct Reasons {
    on: bool,
    list: Vec<String>,
}

impl Reasons {
    fn push(&mut self, f: impl FnOnce() -> String) {
        if self.on {
            self.list.push(f());
        }
    }
}

impl Df {
    /// In how many messages seen so far a term occurs.
    pub fn count(&self, term: u64) -> u32 {
        self.counts.get(&term).copied().unwrap_or(0)
    }

    pub fn add(&mut self, sig: &Signature) {
        self.docs += 1;
        for t in &sig.terms {
            *self.counts.entry(*t).or_insert(0) += 1;
        }
    }

    pub fn weight(&self, term: u64) -> f64 {
        let df = self.counts.get(&term).copied().unwrap_or(0) as f64;
        ((self.docs as f64 + 2.0) / (df + 1.0)).ln().max(0.05)
    }
}

/// Why two tasks were (or were not) judged the same work.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub score: f64,
    pub reasons: Vec<String>,
}

static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"“([^”]{2,40})”|《([^》]{2,40})》|「([^」]{2,40})」|"([^"]{2,60})""#)
        .expect("valid regex")
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})月份|(\d{1,2})月(上旬|中旬|下旬)|(\d{4})年度?|(第?[1-4一二三四]季度|q[1-4])|(上|本|下)(周|月)(?:的|度)?|\b(last|this|next) (week|month)'?s?\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b")
        .expect("valid regex")
});
static SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:【[^】]{1,10}】|\[[^\]]{1,10}\]|转发[^:：]{0,12}[:：]|转[:：]|fwd?:)*\s*[^:：\n]{1,16}[:：]").expect("valid regex")
});


fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Strip the leading salutation and forwarding markers: they name who is
/// asked, not what.
pub fn strip_boilerplate(folded: &str) -> &str {
    match SALUTATION.find(folded) {
        Some(m) if m.end() < folded.len() => &folded[m.end()..],
        _ => folded,
    }
}

/// Crude English stemming: a word's first five letters, so "absence" meets
/// "absenteeism" and "photos" meets "photo".
fn stem(w: &str) -> &str {
    let w = w.trim_end_matches("'s");
    match w.char_indices().nth(5) {
        Some((i, _)) => &w[..i],
        None => w.trim_end_matches('s'),
    }
}

/// The readable terms of a text, for explanations and hashing alike.
pub fn terms(folded: &str, names: &[String], rules: &Rules) -> Vec<String> {
    let body = rules.canonical(strip_boilerplate(folded));
    let mut body = rules.strip(&body).into_owned();
    // People's names say who is asked, not what.
    for n in names {
        if body.contains(n.as_str()) {
            body = body.replace(n.as_str(), " ");
        }
    }
    let body = body.as_str();
    let mut out = Vec::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut Vec<String>| {
        if run.len() >= 2 {
            for w in run.windows(2) {
                out.push(w.iter().collect());
            }
        }
        run.clear();
    };
    let mut word = String::new();
    for c in body.chars() {
        if is_han(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
        }
        if c.is_ascii_alphabetic() || (c == '\'' && !word.is_empty()) {
            word.push(c);
        } else {
            if word.len() >= 3 && !rules.is_stop_word(&word) {
                out.push(stem(&word).to_string());
            }
            word.clear();
        }
    }
    flush(&mut run, &mut out);
    if word.len() >= 3 && !rules.is_stop_word(&word) {
        out.push(stem(&word).to_string());
    }
    out
}

pub fn signature(folded: &str, names: &[String], rules: &Rules) -> Signature {
    let mut hashes: Vec<u64> = terms(folded, names, rules)
        .iter()
        .map(|t| fnv(t.as_bytes()))
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    let quoted = QUOTED
        .captures_iter(folded)
        .filter_map(|c| {
            c.iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| m.as_str().trim().to_string())
        })
        .collect();
    let periods = PERIOD
        .find_iter(folded)
        .map(|m| {
            m.as_str()
                .trim_end_matches(['的', '度', '\'', 's'])
                .to_string()
        })
        .collect();
    let deliverables = rules.deliverables(folded).into_iter().filter(|(_, generic)| !generic).map(|(k, _)| k).collect();
    Signature {
        terms: hashes,
        quoted,
        periods,
        deliverables,
    }
}

fn weight_sum(terms: &[u64], df: &Df) -> f64 {
    terms.iter().map(|t| df.weight(*t)).sum()
}

/// Score how likely `new` is the same work as `old`, with reasons.
pub fn compare(new: &Signature, old: &Signature, df: &Df) -> Verdict {
    compare_with(new, old, df, true)
}

/// As [`compare`]; `explain = false` skips writing the reasons (the hot path
/// scores many candidates and explains only the best).
pub fn compare_with(new: &Signature, old: &Signature, df: &Df, explain: bool) -> Verdict {
    let mut reasons = Reasons {
        on: explain,
        list: Vec::new(),
    };
    let (mut i, mut j) = (0, 0);
    let mut shared = 0.0;
    let mut nshared = 0;
    while i < new.terms.len() && j < old.terms.len() {
        match new.terms[i].cmp(&old.terms[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += df.weight(new.terms[i]);
                nshared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let wa = weight_sum(&new.terms, df);
    let wb = weight_sum(&old.terms, df);
    let mut score = if wa > 0.0 && wb > 0.0 {
        let containment = shared / wa.min(wb);
        let dice = 2.0 * shared / (wa + wb);
        0.5 * containment + 0.5 * dice
    } else {
        0.0
    };
    if nshared > 0 {
        reasons.push(|| format!("{nshared} key terms in common (similarity {:.2})", score));
    }
    let same_title = new.quoted.iter().find(|q| {
        old.quoted
            .iter()
            .any(|o| o == *q || o.contains(q.as_str()) || q.contains(o.as_str()))
    });
    if let Some(q) = same_title {
        score += 0.3;
        reasons.push(|| format!("same title “{q}”"));
    } else if !new.quoted.is_empty() && !old.quoted.is_empty() {
        score -= 0.2;
        reasons.push(|| "different titles".to_string());
    }
    let (dn, dold) = (&new.deliverables, &old.deliverables);
    let same_deliverable = dn.intersection(&dold).next();
    if let Some(d) = same_deliverable {
        if score >= 0.1 {
            score += 0.1;
            reasons.push(|| format!("same deliverable ({d})"));
        }
    } else if !dn.is_empty() && !dold.is_empty() {
        score -= 0.25;
        reasons.push(|| {
            format!(
                "different deliverables ({} vs {})",
                dn.iter().cloned().collect::<Vec<_>>().join("/"),
                dold.iter().cloned().collect::<Vec<_>>().join("/")
            )
        });
    }
    if !new.periods.is_empty() && !old.periods.is_empty() && new.periods.is_disjoint(&old.periods) {
        score -= 0.6;
        reasons.push(|| {
            format!(
                "different periods ({} vs {})",
                new.periods.iter().cloned().collect::<Vec<_>>().join("/"),
                old.periods.iter().cloned().collect::<Vec<_>>().join("/")
            )
        });
    }
    Verdict {
        score: score.clamp(0.0, 1.0),
        reasons: reasons.list,
    }
}

/// The shared terms of two texts, rarest first, for explanations.
pub fn shared_terms(a: &str, b: &str, names: &[String], rules: &Rules, df: &Df, limit: usize) -> Vec<String> {
    let tb: BTreeSet<String> = terms(b, names, rules).into_iter().collect();
    let mut shared: Vec<(f64, String)> = terms(a, names, rules)
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|t| tb.contains(t))
        .map(|t| (df.weight(fnv(t.as_bytes())), t))
        .collect();
    shared.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
    shared.into_iter().take(limit).map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::normalize::fold;

    static RULES: std::sync::LazyLock<Rules> = std::sync::LazyLock::new(|| Rules::bundled().expect("bundled rules"));

    fn signature_of(f: &str) -> Signature {
        signature(f, &[], &RULES)
    }

    fn df_of(texts: &[&str]) -> Df {
        let mut df = Df::default();
        for t in texts {
            df.add(&signature(&fold(t), &[], &RULES));
        }
        df
    }

    const A: &str = "【通知】各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息（附照片3张）";
    const B: &str = "各村联络员：学雷锋志愿服务活动的照片和情况说明，明天下午5点前发我";
    const C: &str = "各乡镇：请于3月6日12时前报送2月份文化站活动统计表";

    #[test]
    fn same_work_worded_differently_scores_above_template_twins() {
        let df = df_of(&[A, B, C, "收到", "好的", "各位：今天下午5点前报送走访照片"]);
        let ab = compare(&signature_of(&fold(B)), &signature_of(&fold(A)), &df);
        let ac = compare(&signature_of(&fold(C)), &signature_of(&fold(A)), &df);
        assert!(ab.score > ac.score, "ab {ab:?} ac {ac:?}");
    }

    #[test]
    fn different_periods_are_penalised_and_explained() {
        let df = df_of(&[]);
        let x = signature_of(&fold("请报送2月份文化活动统计表"));
        let y = signature_of(&fold("请报送3月份文化活动统计表"));
        let v = compare(&x, &y, &df);
        assert!(
            v.reasons.iter().any(|r| r.contains("different periods")),
            "{v:?}"
        );
        let same = compare(&x, &x, &df);
        assert!(same.score > v.score + 0.3);
    }

    #[test]
    fn shared_title_is_a_reason() {
        let df = df_of(&[]);
        let x = signature_of(&fold("请点赞转发《云岭县工作要点》并截图"));
        let y = signature_of(&fold("转发今日推文《云岭县工作要点》，截图发群"));
        let v = compare(&x, &y, &df);
        assert!(v.reasons.iter().any(|r| r.contains("same title")), "{v:?}");
    }

    #[test]
    fn salutation_is_not_work() {
        assert_eq!(strip_boilerplate("各村宣传联络员：明天交"), "明天交");
        assert_eq!(strip_boilerplate("【通知】各乡镇：请报"), "请报");
    }
}

#[cfg(test)]
mod deliverable_tests {
    use super::*;
    use crate::core::normalize::fold;

    #[test]
    fn same_deliverable_is_a_reason() {
        let rules = Rules::bundled().expect("bundled rules");
        let a = signature(
            &fold("Site leads, please complete the site readiness checklist (room, tables)"),
            &[],
            &rules,
        );
        let b = signature(
            &fold("can you walk the gym and do the readiness checklist?"),
            &[],
            &rules,
        );
        assert!(a.deliverables.contains("checklist"), "{:?}", a.deliverables);
        let v = compare(&b, &a, &Df::default());
        assert!(
            v.reasons.iter().any(|r| r.contains("same deliverable")),
            "{v:?}"
        );
    }
}
