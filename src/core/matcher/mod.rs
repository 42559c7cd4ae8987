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

use super::dupmodel::{Features, N, f};
use super::rules::Rules;
use regex::Regex;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// A term's hash: 32 bits keep the index small; a rare collision only adds
/// a spurious shared bigram to one comparison.
pub type Term = u32;

/// What a task's text contributes to matching.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// Sorted, unique term hashes.
    pub terms: Box<[Term]>,
    /// Quoted titles, folded.
    pub quoted: Box<[Box<str>]>,
    /// Periods the work covers ("3月", "上旬", "2023年度", "q1"), sorted, unique.
    pub periods: Box<[Box<str>]>,
    /// What is to be handed in (值班表, 台账, 截图, "checklist"…), sorted, unique.
    /// Only the specific kinds: generic ones (photos, data) tell nothing apart.
    pub deliverables: Box<[Box<str>]>,
    /// The terms' total weight and the message count it was computed at:
    /// recomputed once the traffic has grown by a tenth (weights drift slowly),
    /// so scoring a candidate does not re-weigh all its terms.
    pub wsum: std::cell::Cell<(f32, u32)>,
}

/// Document frequencies of terms over the messages seen so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Df {
    pub docs: u32,
    #[serde(with = "crate::core::engine::state::sorted")]
    pub counts: FxHashMap<Term, u32>,
}

/// One reason behind a verdict, rendered in the organisation's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reason {
    /// How much of the work's wording the two asks share.
    Similar {
        shared: usize,
        similarity: f64,
    },
    /// The words they share (added when a warning or explanation is made).
    Words(Vec<String>),
    SameTitle(String),
    DifferentTitles,
    SameDeliverable(String),
    DifferentDeliverables(Box<[String]>, Box<[String]>),
    DifferentPeriods(Box<[String]>, Box<[String]>),
    SamePeriod(String),
    Reply,
    SameAsker,
    Relay,
    /// A reminder, chaser or moved time about an open ask in its group.
    FollowUp,
    DifferentPeople,
    AnotherInstance,
    DeadlinesFarApart,
    PersonSaid {
        same: bool,
    },
    /// A never/always-merge rule fired: (same?, a, b).
    Rule {
        same: bool,
        a: Box<str>,
        b: Box<str>,
    },
}

impl Reason {
    /// The reason in plain words.
    pub fn text(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang::{En, Zh};
        match (self, lang) {
            (Reason::Similar { shared, similarity }, Zh) => format!(
                "工作内容有{shared}处相同（相似度{:.0}%）",
                similarity * 100.0
            ),
            (Reason::Similar { shared, similarity }, En) => format!(
                "{shared} key terms in common (similarity {:.0}%)",
                similarity * 100.0
            ),
            (Reason::Words(w), Zh) => format!("共同的词：{}", w.join("、")),
            (Reason::Words(w), En) => format!("words in common: {}", w.join(", ")),
            (Reason::SameTitle(t), Zh) => format!("同一标题“{t}”"),
            (Reason::SameTitle(t), En) => format!("same title “{t}”"),
            (Reason::DifferentTitles, Zh) => "标题不同".into(),
            (Reason::DifferentTitles, En) => "different titles".into(),
            (Reason::SameDeliverable(d), Zh) => format!("要交的是同一样东西（{d}）"),
            (Reason::SameDeliverable(d), En) => format!("same deliverable ({d})"),
            (Reason::DifferentDeliverables(a, b), Zh) => {
                format!("要交的东西不同（{} / {}）", a.join("、"), b.join("、"))
            }
            (Reason::DifferentDeliverables(a, b), En) => format!(
                "different deliverables ({} vs {})",
                a.join("/"),
                b.join("/")
            ),
            (Reason::DifferentPeriods(a, b), Zh) => {
                format!("时期不同（{} / {}）", a.join("、"), b.join("、"))
            }
            (Reason::DifferentPeriods(a, b), En) => {
                format!("different periods ({} vs {})", a.join("/"), b.join("/"))
            }
            (Reason::SamePeriod(p), Zh) => format!("同一时期（{p}）"),
            (Reason::SamePeriod(p), En) => format!("same period ({p})"),
            (Reason::Reply, Zh) => "是对原通知的回复".into(),
            (Reason::Reply, En) => "a reply to the earlier ask".into(),
            (Reason::SameAsker, Zh) => "同一人在同一群里再次要求".into(),
            (Reason::SameAsker, En) => "same asker in the same group".into(),
            (Reason::Relay, Zh) => "发布人在另一个群收到过这项要求，是在转发".into(),
            (Reason::Relay, En) => {
                "the sender received the earlier ask and is passing it on".into()
            }
            (Reason::FollowUp, Zh) => "是对本群一项未完成要求的催办或调整".into(),
            (Reason::FollowUp, En) => "a reminder or change of an open ask in this group".into(),
            (Reason::DifferentPeople, Zh) => "要求的是不同的人".into(),
            (Reason::DifferentPeople, En) => "asked of different people".into(),
            (Reason::AnotherInstance, Zh) => "同一时刻、不同日期：是周期性工作的另一次".into(),
            (Reason::AnotherInstance, En) => {
                "same time on another day: another instance of recurring work".into()
            }
            (Reason::DeadlinesFarApart, Zh) => "截止时间相差太远".into(),
            (Reason::DeadlinesFarApart, En) => "deadlines far apart".into(),
            (Reason::PersonSaid { same: true }, Zh) => "有人确认过是同一项任务".into(),
            (Reason::PersonSaid { same: true }, En) => {
                "a person said these are the same task".into()
            }
            (Reason::PersonSaid { same: false }, Zh) => "有人确认过不是同一项任务".into(),
            (Reason::PersonSaid { same: false }, En) => {
                "a person said these are different tasks".into()
            }
            (Reason::Rule { same: true, a, b }, Zh) => format!("规则：“{a}”与“{b}”总是合并"),
            (Reason::Rule { same: true, a, b }, En) => {
                format!("rule: always merge “{a}” with “{b}”")
            }
            (Reason::Rule { same: false, a, b }, Zh) => format!("规则：“{a}”与“{b}”从不合并"),
            (Reason::Rule { same: false, a, b }, En) => {
                format!("rule: never merge “{a}” with “{b}”")
            }
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::model::Lang::En))
    }
}

/// Reasons in one language, joined.
pub fn reasons_text(reasons: &[Reason], lang: crate::model::Lang) -> String {
    let sep = match lang {
        crate::model::Lang::Zh => "；",
        crate::model::Lang::En => "; ",
    };
    reasons
        .iter()
        .map(|r| r.text(lang))
        .collect::<Vec<_>>()
        .join(sep)
}

impl Verdict {
    /// Add a reason when explaining.
    pub fn note(&mut self, explain: bool, reason: Reason) {
        if explain {
            self.reasons.push(reason);
        }
    }

    /// Add a reason in front when explaining.
    pub fn note_first(&mut self, explain: bool, reason: Reason) {
        if explain {
            self.reasons.insert(0, reason);
        }
    }
}

/// Reasons, collected only when asked for.
struct Reasons {
    on: bool,
    list: Vec<Reason>,
}

impl Reasons {
    fn push(&mut self, f: impl FnOnce() -> Reason) {
        if self.on {
            self.list.push(f());
        }
    }
}

impl Df {
    /// In how many messages seen so far a term occurs.
    pub fn count(&self, term: Term) -> u32 {
        self.counts.get(&term).copied().unwrap_or(0)
    }

    pub fn add(&mut self, sig: &Signature) {
        self.docs += 1;
        for t in sig.terms.iter() {
            *self.counts.entry(*t).or_insert(0) += 1;
        }
    }

    pub fn weight(&self, term: Term) -> f64 {
        let df = self.counts.get(&term).copied().unwrap_or(0) as f64;
        ((self.docs as f64 + 2.0) / (df + 1.0)).ln().max(0.05)
    }
}

/// Why two tasks were (or were not) judged the same work.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub score: f64,
    pub reasons: Vec<Reason>,
    /// The pair's signals for the duplicate model.
    pub features: Features,
}

static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"“([^”]{2,40})”|《([^》]{2,40})》|「([^」]{2,40})」|"([^"]{2,60})""#)
        .expect("valid regex")
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})月份|(\d{1,2})月(上旬|中旬|下旬)|(\d{4})年度?|(第?[1-4一二三四]季度|q[1-4])|(上|本|下)(周|月)(?:的|度)?|(?-u:\b)(last|this|next) (week|month)'?s?(?-u:\b)|(?-u:\b)(january|february|march|april|may|june|july|august|september|october|november|december)(?-u:\b)")
        .expect("valid regex")
});
static SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:【[^】]{1,10}】|\[[^\]]{1,10}\]|转发[^:：]{0,12}[:：]|转[:：]|fwd?:)*\s*(?:[^:：\n]{0,15}[^:：\n\d][:：])?").expect("valid regex")
});

/// A term's hash: FNV-1a, its halves folded together.
fn fnv(bytes: &[u8]) -> Term {
    let h = super::hash::fnv1a(bytes);
    (h ^ (h >> 32)) as Term
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
    let mut out = Vec::new();
    each_term(folded, names, rules, |t| out.push(t.to_string()));
    out
}

/// Call `f` with each term of a text, in order: the character bigrams of
/// every Han run and the stems of English words, after boilerplate,
/// synonyms and names are taken out. Terms are slices of the cleaned text,
/// so hashing them allocates nothing per term.
fn each_term(folded: &str, names: &[String], rules: &Rules, f: impl FnMut(&str)) {
    let canonical = rules.canonical(strip_boilerplate(folded));
    // Borrowed unless something was taken out: not copied once more.
    let mut body = rules.strip(&canonical);
    // People's names and @mentions say who is asked, not what.
    if body.contains('@') {
        body = std::borrow::Cow::Owned(MENTION.replace_all(&body, " ").into_owned());
    }
    for n in names {
        if body.contains(n.as_str()) {
            body = std::borrow::Cow::Owned(body.replace(n.as_str(), " "));
        }
    }
    body_terms(&body, rules, f);
}

/// [`each_term`] on the cleaned text.
fn body_terms(body: &str, rules: &Rules, mut f: impl FnMut(&str)) {
    // Byte offsets of the previous Han character (when the run goes on) and
    // of the current English word's start.
    let mut prev_han: Option<usize> = None;
    let mut word_start: Option<usize> = None;
    let word_end = |start: usize, end: usize, f: &mut dyn FnMut(&str)| {
        let w = &body[start..end];
        if w.len() >= 3 && !rules.is_stop_word(w) {
            f(stem(w));
        }
    };
    for (i, c) in body.char_indices() {
        if is_han(c) {
            if let Some(p) = prev_han {
                f(&body[p..i + c.len_utf8()]);
            }
            prev_han = Some(i);
        } else {
            prev_han = None;
        }
        if c.is_ascii_alphabetic() || (c == '\'' && word_start.is_some()) {
            word_start.get_or_insert(i);
        } else if let Some(st) = word_start.take() {
            word_end(st, i, &mut f);
        }
    }
    if let Some(st) = word_start {
        word_end(st, body.len(), &mut f);
    }
}

pub fn signature(folded: &str, names: &[String], rules: &Rules) -> Signature {
    let mut hashes: Vec<Term> = Vec::with_capacity(folded.len() / 2);
    each_term(folded, names, rules, |t| hashes.push(fnv(t.as_bytes())));
    hashes.sort_unstable();
    hashes.dedup();
    // The match is the title between its two quote characters (the one
    // capture group that took part), so no captures are resolved. (A byte
    // scan for quote characters first cost more than the regex's own
    // prefilter saves.)
    let quoted = QUOTED
        .find_iter(folded)
        .map(|m| {
            let mut cs = m.as_str().chars();
            cs.next();
            cs.next_back();
            Box::<str>::from(cs.as_str().trim())
        })
        .collect();
    let mut periods: Vec<&str> = PERIOD
        .find_iter(folded)
        .filter(|m| !times_the_ask(m.as_str(), &folded[m.end()..]))
        .map(|m| m.as_str().trim_end_matches(['的', '度', '\'', 's']))
        .collect();
    let mut deliverables: Vec<&str> = Vec::new();
    let mut forms: Vec<String> = Vec::new();
    for clause in asked_clauses(folded) {
        rules.each_deliverable(clause, |kind, generic| {
            if !generic {
                deliverables.push(kind);
            }
        });
        // A form online is named by its link: a questionnaire's address is
        // the same form wherever it is sent, another address another form.
        if clause.contains("://") {
            for m in LINK.find_iter(clause) {
                forms.push(format!("{FORM}{}", link_of(m.as_str())));
            }
        }
        // A form the vocabulary knows (统计表, 值班表) is weighed as its kind
        // already; only the others are added, so nothing counts twice.
        if clause.contains('表') {
            each_form(&rules.canonical(clause), |f| {
                let mut known = false;
                rules.each_deliverable(&f, |_, _| known = true);
                if !known {
                    forms.push(format!("{FORM}{f}"));
                }
            });
        }
    }
    deliverables.extend(forms.iter().map(String::as_str));
    Signature {
        terms: hashes.into(),
        quoted,
        periods: sorted_set(&mut periods),
        deliverables: sorted_set(&mut deliverables),
        wsum: Default::default(),
    }
}

/// Marks a named form among an ask's deliverables: a form is "the X表" the
/// text names (核查表, 成果表, 随访表), whatever X is, or the link it is
/// filled in at, where a deliverable kind comes from the rules' closed
/// vocabulary.
pub const FORM: char = '§';

/// A web address, up to the first character no address holds (Chinese
/// punctuation and text end it).
pub(crate) static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+").expect("valid link regex")
});

/// A link as a form's name: without the punctuation that ends its sentence.
pub(crate) fn link_of(m: &str) -> &str {
    m.trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\''])
}

/// Is this deliverable a named form (see [`FORM`])?
pub fn is_form(d: &str) -> bool {
    d.starts_with(FORM)
}

/// The forms a (canonical) clause names: each 表 after two Han characters
/// that make it a form's name, taken as those two and 表 ("资助对象核查表"
/// and "核查表" are one form). Not a form: 表 after a word that says how
/// many or which (一张表, 这个表), what is done with it (填表, 报表, 发表,
/// 代表), or that opens another word (表示, 表扬, 表格).
fn each_form(clause: &str, mut f: impl FnMut(String)) {
    const NOT_A_NAME: &str = "一二两三几张份个这那该此本各每填报发代列附图外上下的和与及或课时";
    const OPENS_A_WORD: &str = "示扬彰态现格率决达明演述";
    let cs: Vec<char> = clause.chars().collect();
    for (i, c) in cs.iter().enumerate() {
        if *c != '表' || i < 2 {
            continue;
        }
        let (a, b) = (cs[i - 2], cs[i - 1]);
        let opens = cs.get(i + 1).is_some_and(|n| OPENS_A_WORD.contains(*n));
        if is_han(a) && is_han(b) && !NOT_A_NAME.contains(b) && !opens {
            f(format!("{a}{b}表"));
        }
    }
}

/// The clauses of a text that name what is asked for. A purpose clause
/// ("厂里安全月总结要用", "用于年终总结") names the work the deliverable feeds,
/// and an inspection's scope ("检查组…重点看：1.隐患台账；2.作业审批记录") what
/// visitors will look at, not what is handed in: neither names the message's
/// deliverables. Texts with neither mark are one clause (no split).
fn asked_clauses(folded: &str) -> impl Iterator<Item = &str> {
    let text = match SCOPE.find(folded) {
        // The scope runs to the end of its sentence or line.
        Some(m) => {
            let end = folded[m.end()..]
                .find(['。', '\n', '!', '！'])
                .map_or(folded.len(), |i| m.end() + i);
            vec![&folded[..m.start()], &folded[end..]]
        }
        None => vec![folded],
    };
    let purpose = PURPOSE.is_match(folded) || OTHER_WORK.is_match(folded);
    let mut parts: Vec<&str> = if purpose {
        text.into_iter()
            .flat_map(|t| t.split(CLAUSE_BREAKS))
            .filter(|c| !PURPOSE.is_match(c) && !OTHER_WORK.is_match(c))
            .collect()
    } else {
        text
    };
    parts.retain(|c| !c.trim().is_empty());
    parts.into_iter()
}

/// The specific deliverables named by the clauses of a text that set the
/// ask apart from other work ("…是单独一张表，不要和回执统计表合并" names 统计表):
/// the work the ask says it is not.
pub fn other_work_deliverables<'a>(folded: &str, rules: &'a Rules) -> Vec<&'a str> {
    let mut out = Vec::new();
    if !OTHER_WORK.is_match(folded) {
        return out;
    }
    for clause in folded.split(CLAUSE_BREAKS) {
        if OTHER_WORK.is_match(clause) {
            rules.each_deliverable(clause, |kind, generic| {
                if !generic && !out.contains(&kind) {
                    out.push(kind);
                }
            });
        }
    }
    out
}

/// Where a clause ends, for clauses read on their own (purpose, other work).
const CLAUSE_BREAKS: [char; 10] = ['，', '。', '；', ',', ';', '\n', '（', '）', '(', ')'];

static PURPOSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"要用\s*$|要用[。！!]|用于|以便").expect("valid purpose regex"));

/// An @mention (Telegram usernames are ASCII letters, digits and `_`).
static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@[A-Za-z0-9_]+").expect("valid mention regex"));

/// A clause naming the other piece of work an ask says it is not
/// ("与本周的专项台账是两回事", "不是这次的专项台账", "不要和回执统计表合并"):
/// what it names is not the message's deliverable. A bare "和…分开报" is
/// not one: "台账和照片分开报" asks for both.
static OTHER_WORK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:与|和|跟)[^，。；,;]{1,24}(?:是两回事|不是一回事|不是同一|是两张表)|不是(?:这次|上次|本次|那次|上周|本周|上个月|这个月|之前|原来)的?|(?:不要|别|不用|勿)(?:和|跟|与)[^，。；,;]{1,24}(?:合并|合在|混)",
    )
    .expect("valid other-work regex")
});

/// Where an inspection's scope is listed: what the visitors will look at.
static SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:重点看|重点检查|重点查|检查重点|检查内容|主要检查|检查范围)(?:以下)?(?:几项|内容)?[:：]")
        .expect("valid scope regex")
});

/// Sorted and deduplicated before copying, so repeats are not allocated.
fn sorted_set(items: &mut Vec<&str>) -> Box<[Box<str>]> {
    if items.is_empty() {
        return Box::default();
    }
    items.sort_unstable();
    items.dedup();
    items.iter().map(|s| Box::<str>::from(*s)).collect()
}

/// The first named form (`forms`) or deliverable kind (`!forms`) two
/// sorted deliverable lists share.
pub fn first_shared_of<'a>(a: &'a [Box<str>], b: &[Box<str>], forms: bool) -> Option<&'a str> {
    let keep = |d: &&str| is_form(d) == forms;
    first_common(
        a.iter().map(|d| &**d).filter(keep),
        b.iter().map(|d| &**d).filter(keep),
    )
}

/// The first item two sorted slices share.
pub fn first_shared<'a>(a: &'a [Box<str>], b: &[Box<str>]) -> Option<&'a str> {
    first_common(a.iter().map(|d| &**d), b.iter().map(|d| &**d))
}

/// The first item two sorted sequences share, by one merge pass.
fn first_common<'a, 'b>(
    a: impl Iterator<Item = &'a str>,
    b: impl Iterator<Item = &'b str>,
) -> Option<&'a str> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        match (*x).cmp(*y) {
            std::cmp::Ordering::Less => {
                a.next();
            }
            std::cmp::Ordering::Greater => {
                b.next();
            }
            std::cmp::Ordering::Equal => return Some(x),
        }
    }
    None
}

/// A relative week or month that times the ask rather than naming the
/// period its work covers: 本周五前, 下周二, 本周内, 本月底 are deadlines;
/// 本周小结, 本月的 are periods.
fn times_the_ask(period: &str, after: &str) -> bool {
    let relative = period.starts_with(['上', '本', '下']);
    relative
        && !period.ends_with(['的', '度'])
        && after.starts_with([
            '一', '二', '三', '四', '五', '六', '日', '天', '末', '内', '前', '底', '初', '中',
            '星', '1', '2', '3', '4', '5', '6', '7',
        ])
}

/// The kind of a period, so that only periods of one kind are compared
/// (3月 vs 4月 differ; 2023年度 vs 3月 may both hold).
fn period_kind(p: &str) -> u8 {
    // `has`, not `str::contains`: this runs per candidate on short strings,
    // where a substring searcher's set-up costs more than the search.
    let has = |needle: &str| {
        p.as_bytes()
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    if p.ends_with("季") || has("季度") || p.starts_with('q') {
        1
    } else if p.ends_with("旬") {
        2
    } else if p.chars().all(|c| c.is_ascii_digit()) || p.ends_with('年') {
        0
    } else if p.ends_with("月份")
        || (p.ends_with('月') && p.starts_with(|c: char| c.is_ascii_digit()))
    {
        3
    } else if p.ends_with('周') || has("week") {
        4
    } else if p.ends_with('月') || has("month") {
        5
    } else {
        3
    }
}

/// Both name periods of one kind, and different ones (2月份 vs 3月份):
/// periods of different kinds are not compared.
fn periods_differ(a: &[Box<str>], b: &[Box<str>]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    // Each period's kind once, on the stack when there are few (this runs
    // per candidate, and texts name a period or two).
    let (mut sa, mut sb) = ([0u8; FEW_PERIODS], [0u8; FEW_PERIODS]);
    let (mut va, mut vb) = (Vec::new(), Vec::new());
    let ka = kinds_of(a, &mut sa, &mut va);
    let kb = kinds_of(b, &mut sb, &mut vb);
    // A kind (taken at its first period in `a`) that both name, with none
    // of `a`'s periods of that kind in `b`.
    (0..a.len()).any(|i| {
        let kind = ka[i];
        !ka[..i].contains(&kind)
            && kb.contains(&kind)
            && (0..a.len())
                .filter(|&j| ka[j] == kind)
                .all(|j| b.binary_search_by(|y| (**y).cmp(&*a[j])).is_err())
    })
}

const FEW_PERIODS: usize = 8;

/// The kinds of `periods`, in `stack` when they fit, else in `heap`.
fn kinds_of<'s>(
    periods: &[Box<str>],
    stack: &'s mut [u8; FEW_PERIODS],
    heap: &'s mut Vec<u8>,
) -> &'s [u8] {
    if periods.len() <= FEW_PERIODS {
        for (k, p) in stack.iter_mut().zip(periods) {
            *k = period_kind(p);
        }
        &stack[..periods.len()]
    } else {
        heap.extend(periods.iter().map(|p| period_kind(p)));
        heap
    }
}

/// A period finer than a year that both name (2月份, 6月上旬, 一季度): the
/// same month's work. A year says little: year-end work all covers it.
fn same_fine_period<'a>(a: &'a [Box<str>], b: &[Box<str>]) -> Option<&'a str> {
    a.iter()
        // Shared first: most candidates share none, and that check is cheaper.
        .find(|p| b.binary_search(p).is_ok() && matches!(period_kind(p), 1..=3))
        .map(|p| &**p)
}

/// A title quoted in `quoting` that `other` names without quotes: every
/// bigram of the title is among `other`'s terms (“三八”节 and 三八节活动).
fn names_title<'a>(quoting: &'a Signature, other: &Signature) -> Option<&'a str> {
    quoting.quoted.iter().map(|q| &**q).find(|q| {
        // Han bigrams as slices of the title, hashed like `each_term` does
        // (this runs per candidate: no allocation).
        let mut any = false;
        let mut prev: Option<(usize, char)> = None;
        for (i, c) in q.char_indices() {
            if let Some((p, pc)) = prev
                && is_han(pc)
                && is_han(c)
            {
                any = true;
                let t = &q[p..i + c.len_utf8()];
                if other.terms.binary_search(&fnv(t.as_bytes())).is_err() {
                    return false;
                }
            }
            prev = Some((i, c));
        }
        any
    })
}

fn cached_weight_sum(sig: &Signature, df: &Df) -> f64 {
    let (w, at) = sig.wsum.get();
    if at > 0 && (df.docs as f64) <= at as f64 * 1.1 {
        return w as f64;
    }
    let w = sig.terms.iter().map(|t| df.weight(*t)).sum::<f64>();
    sig.wsum.set((w as f32, df.docs.max(1)));
    w
}

/// A new ask's terms weighed once, to be compared with many candidates.
pub struct Weighed<'a> {
    pub sig: &'a Signature,
    weights: Vec<f64>,
    sum: f64,
    /// The terms by hash (`term << 32 | index + 1`, 0 = empty, at most a
    /// quarter full): a candidate's terms are looked up one by one, each
    /// lookup independent of the last, instead of merged step by step.
    table: Vec<u64>,
    shift: u32,
}

impl<'a> Weighed<'a> {
    pub fn new(sig: &'a Signature, df: &Df) -> Weighed<'a> {
        let weights: Vec<f64> = sig.terms.iter().map(|t| df.weight(*t)).collect();
        let sum = weights.iter().sum();
        let bits = (sig.terms.len() * 4)
            .next_power_of_two()
            .trailing_zeros()
            .max(6);
        let shift = 32 - bits;
        let mut table = vec![0u64; 1 << bits];
        let mask = table.len() - 1;
        for (i, t) in sig.terms.iter().enumerate() {
            let mut at = super::hash::fib_slot(*t, shift);
            while table[at] != 0 {
                at = (at + 1) & mask;
            }
            table[at] = (*t as u64) << 32 | (i as u64 + 1);
        }
        Weighed {
            sig,
            weights,
            sum,
            table,
            shift,
        }
    }

    /// The summed weight and the number of the terms `b` (sorted) shares
    /// with the new ask. Both lists are sorted, so shared terms come in
    /// the new ask's order and the sum is the same, to the last bit, as a
    /// merge of the two lists would give.
    fn shared(&self, b: &[Term]) -> (f64, usize) {
        let mask = self.table.len() - 1;
        let mut shared = 0.0;
        let mut n = 0;
        for &x in b {
            let mut at = super::hash::fib_slot(x, self.shift);
            loop {
                let s = self.table[at];
                if s == 0 {
                    break;
                }
                if (s >> 32) as Term == x {
                    shared += self.weights[(s as u32 - 1) as usize];
                    n += 1;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        (shared, n)
    }
}

/// Score how likely `new` is the same work as `old`, with reasons.
pub fn compare(new: &Signature, old: &Signature, df: &Df) -> Verdict {
    compare_with(new, old, df, true)
}

/// As [`compare`]; `explain = false` skips writing the reasons (the hot path
/// scores many candidates and explains only the best).
pub fn compare_with(new: &Signature, old: &Signature, df: &Df, explain: bool) -> Verdict {
    compare_weighed(&Weighed::new(new, df), old, df, explain)
}

/// The summed weight (`weights` run along `a`) and the number of the terms
/// two sorted term lists share, by merging them: what [`Weighed::shared`]
/// must give.
#[cfg(test)]
fn shared_weight(a: &[Term], weights: &[f64], b: &[Term]) -> (f64, usize) {
    let (mut i, mut j) = (0, 0);
    let mut shared = 0.0;
    let mut n = 0;
    while i < a.len() && j < b.len() && i < weights.len() {
        let (x, y) = (a[i], b[j]);
        let eq = x == y;
        shared += if eq { weights[i] } else { 0.0 };
        n += eq as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    (shared, n)
}

/// A message that names almost nothing of the work ("@X 呢？", "still two
/// outstanding"): a few terms and no title, period or deliverable kind (a
/// named form alone, "成果表还差两个里", is still a chaser's word). Such a
/// message points at one open ask; it must never tie two others together.
pub fn is_thin(sig: &Signature) -> bool {
    sig.terms.len() <= THIN_TERMS
        && sig.quoted.is_empty()
        && sig.periods.is_empty()
        && sig.deliverables.iter().all(|d| is_form(d))
}

/// At most this many match terms make a message thin.
const THIN_TERMS: usize = 3;

/// As [`compare_with`], with the new ask's weights computed once.
pub fn compare_weighed(w: &Weighed<'_>, old: &Signature, df: &Df, explain: bool) -> Verdict {
    let new = w.sig;
    let mut reasons = Reasons {
        on: explain,
        list: Vec::new(),
    };
    let (shared, nshared) = w.shared(&old.terms);
    let wa = w.sum;
    let wb = cached_weight_sum(old, df);
    let mut score = if wa > 0.0 && wb > 0.0 {
        let containment = shared / wa.min(wb);
        let dice = 2.0 * shared / (wa + wb);
        0.5 * containment + 0.5 * dice
    } else {
        0.0
    };
    let mut x: Features = [0.0; N];
    x[f::CONTENT] = score.clamp(0.0, 1.0);
    if nshared > 0 {
        reasons.push(|| Reason::Similar {
            shared: nshared,
            similarity: score,
        });
    }
    let same_title = new
        .quoted
        .iter()
        .map(|q| &**q)
        .find(|q| {
            old.quoted
                .iter()
                .any(|o| &**o == *q || o.contains(*q) || q.contains(&**o))
        })
        // Most asks quote nothing: skip the calls then.
        .or_else(|| (!old.quoted.is_empty()).then(|| names_title(old, new))?)
        .or_else(|| (!new.quoted.is_empty()).then(|| names_title(new, old))?);
    if let Some(q) = same_title {
        x[f::SAME_TITLE] = 1.0;
        score += 0.3;
        reasons.push(|| Reason::SameTitle(q.to_string()));
    } else if !new.quoted.is_empty() && !old.quoted.is_empty() {
        x[f::DIFFERENT_TITLES] = 1.0;
        score -= 0.2;
        reasons.push(|| Reason::DifferentTitles);
    }
    // Named forms are weighed apart from the vocabulary's kinds: the two
    // overlap (统计表 is both), and the fit decides what each is worth.
    let (dn, dold) = (&new.deliverables, &old.deliverables);
    // Whether both name something of the one sort (forms, or kinds).
    let both = |forms: bool| {
        [dn, dold]
            .iter()
            .all(|l| l.iter().any(|d| is_form(d) == forms))
    };
    if let Some(form) = first_shared_of(dn, dold, true) {
        x[f::SAME_FORM] = 1.0;
        reasons.push(|| Reason::SameDeliverable(form.trim_start_matches(FORM).to_string()));
    } else if both(true) {
        x[f::DIFFERENT_FORMS] = 1.0;
    }
    let same_deliverable = first_shared_of(dn, dold, false);
    if let Some(d) = same_deliverable {
        x[f::SAME_DELIVERABLE] = 1.0;
        if score >= 0.1 {
            score += 0.1;
            reasons.push(|| Reason::SameDeliverable(d.to_string()));
        }
    } else if both(false) {
        x[f::DIFFERENT_DELIVERABLES] = 1.0;
        score -= 0.25;
        let kinds = |l: &[Box<str>]| {
            l.iter()
                .filter(|x| !is_form(x))
                .map(|x| x.to_string())
                .collect()
        };
        reasons.push(|| Reason::DifferentDeliverables(kinds(dn), kinds(dold)));
    }
    let same_period = same_fine_period(&new.periods, &old.periods);
    x[f::SAME_PERIOD] = same_period.is_some() as u8 as f64;
    if score >= 0.1
        && let Some(p) = same_period
    {
        score += 0.1;
        reasons.push(|| Reason::SamePeriod(p.to_string()));
    }
    if periods_differ(&new.periods, &old.periods) {
        x[f::PERIODS_DIFFER] = 1.0;
        score -= 0.6;
        reasons.push(|| {
            Reason::DifferentPeriods(
                new.periods.iter().map(|x| x.to_string()).collect(),
                old.periods.iter().map(|x| x.to_string()).collect(),
            )
        });
    }
    Verdict {
        score: score.clamp(0.0, 1.0),
        reasons: reasons.list,
        features: x,
    }
}

/// The shared terms of two texts, rarest first, for explanations.
pub fn shared_terms(
    a: &str,
    b: &str,
    names: &[String],
    rules: &Rules,
    df: &Df,
    limit: usize,
) -> Vec<String> {
    let tb: BTreeSet<String> = terms(b, names, rules).into_iter().collect();
    let ta: Vec<String> = terms(a, names, rules);
    // Join overlapping shared bigrams back into phrases (背街+街小+小巷 →
    // 背街小巷), in the order they occur; English words stay whole.
    let mut phrases: Vec<(f64, String)> = Vec::new();
    let mut cur = String::new();
    let mut weight = 0.0;
    let mut last: Option<&str> = None;
    for t in &ta {
        let shared = tb.contains(t);
        let han = t.chars().count() == 2 && t.chars().all(is_han);
        let continues = shared && han && last.is_some_and(|l| l.chars().nth(1) == t.chars().next());
        if continues {
            cur.extend(t.chars().skip(1));
            weight += df.weight(fnv(t.as_bytes()));
        } else {
            if !cur.is_empty() {
                phrases.push((weight, std::mem::take(&mut cur)));
            }
            weight = 0.0;
            if shared {
                cur = t.clone();
                weight = df.weight(fnv(t.as_bytes()));
            }
        }
        last = if shared && han {
            Some(t.as_str())
        } else {
            None
        };
    }
    if !cur.is_empty() {
        phrases.push((weight, cur));
    }
    phrases.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, p) in phrases {
        if !out.iter().any(|o| o.contains(&p)) {
            out.push(p);
        }
        if out.len() == limit {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests;
