//! One message through the engine: read (is it a request, by when, for
//! whom) → normalise (its match terms) → decide (no task, an edit, or a new
//! task and what it duplicates) → commit (store, index, clusters, warnings).
//! Each step is public so that a benchmark can time it.

use super::Engine;
use super::judge::{Cues, Probe};
use super::records::{Candidate, Decision, Effect, Reading, Sample, Task};
use super::retrieval::TOO_COMMON;
use crate::core::deadline::Found;
use crate::core::event::Mention;
use crate::core::extract::{self, Input, Named};
use crate::core::headline;
use crate::core::matcher::{self, Signature};
use crate::model::{Deadline, MsgRef, UserId};
use chrono::NaiveDateTime;
use std::sync::Arc;

impl Engine {
    /// Resolve mention entities to users: `text_mention` carries the id, a
    /// plain `@username` is looked up.
    fn mentioned(&self, text: &str, mentions: &[Mention]) -> Vec<UserId> {
        if mentions.is_empty() {
            return Vec::new();
        }
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let mut out = Vec::new();
        for m in mentions {
            if let Some(u) = m.user_id {
                out.push(u);
                continue;
            }
            let end = (m.offset + m.length).min(utf16.len());
            let start = m.offset.min(end);
            let s = String::from_utf16_lossy(&utf16[start..end]);
            let name = s.trim_start_matches('@');
            if let Some(p) = self.people.values().find(|p| {
                p.username
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(name))
            }) {
                out.push(p.id);
            }
        }
        out
    }

    /// (Re)judge a message as a task. `new` is false for edits.
    /// The steps are public so that a benchmark can time each one.
    pub(super) fn consider(&mut self, src: MsgRef, at: NaiveDateTime, new: bool) -> Vec<Effect> {
        let Some(reading) = self.read(src, at) else {
            return vec![];
        };
        if self.collect {
            self.task_cues.insert(src, reading.ex.cues);
        }
        let sig = self.normalise(&reading);
        if new {
            self.count_terms(&sig);
        }
        let decision = self.decide(&reading, &sig);
        self.commit(reading, sig, decision, new)
    }

    /// Read a stored message: is it a request, by when, for whom (task
    /// detection and deadline parsing, with the text folded once).
    pub fn read(&self, src: MsgRef, at: NaiveDateTime) -> Option<Reading> {
        let msg = self.messages.get(&src)?;
        let mentioned = self.mentioned(&msg.text, &msg.mentions);
        let names: Vec<Named<'_>> = self
            .members
            .get(&src.chat_id)
            .into_iter()
            .flatten()
            .filter_map(|u| self.people.get(u))
            .map(|p| Named {
                user: p.id,
                name: &p.folded_name,
                username: p.folded_username.as_deref(),
            })
            .collect();
        let input = Input {
            text: &msg.text,
            sender: msg.sender,
            mentioned: &mentioned,
            members: &names,
            is_reply: msg.reply_to.is_some(),
            sender_is_owner: self
                .groups
                .get(&src.chat_id)
                .is_some_and(|g| g.owner == Some(msg.sender)),
            follows_own_ask: msg.reply_to.is_some_and(|id| {
                self.tasks
                    .get(&MsgRef {
                        chat_id: src.chat_id,
                        message_id: id,
                    })
                    .is_some_and(|t| t.sender == msg.sender)
            }),
        };
        let ex = extract::extract(&input, &self.ctx(at), &self.settings.rules.task_model);
        Some(Reading {
            src,
            at,
            sender: msg.sender,
            sent: msg.sent,
            text: Arc::clone(&msg.text),
            reply_to: msg.reply_to,
            ex,
        })
    }

    /// What the text contributes to matching: its key terms after
    /// boilerplate and synonyms, titles, periods and deliverables.
    pub fn normalise(&self, r: &Reading) -> Signature {
        // People's names stay in the terms: a chaser naming the same person
        // as an open ask is (weak) evidence of the same work, and skipping the
        // name scan keeps matching fast in large groups.
        // A notice listing separate asks is matched by its headline ask.
        let text = headline::headline(&r.ex.folded, r.ex.deadline, &self.ctx(r.at), &r.ex.turns);
        matcher::signature(text, &[], &self.settings.rules)
    }

    /// Count a new message's terms into the document frequencies (before it
    /// is judged, so that its own words weigh as they will from now on).
    pub fn count_terms(&mut self, sig: &Signature) {
        self.df.add(sig);
    }

    /// Decide what a read message is: no task, an edit of a known task, or a
    /// new task with the earlier asks it duplicates or may relate to
    /// (retrieve, score). Changes nothing; [`Engine::commit`] applies it.
    pub fn decide(&self, r: &Reading, sig: &Signature) -> Decision {
        let src = r.src;
        let reply_task = r
            .reply_to
            .map(|id| MsgRef {
                chat_id: src.chat_id,
                message_id: id,
            })
            .filter(|m| self.tasks.contains_key(m));
        if !r.ex.is_task {
            return Decision::NotTask;
        }
        let deadline = match r.ex.deadline {
            Found::Deadline(d) => Some(d),
            Found::SameAsEarlier => self.earlier_deadline(src, r, sig),
            Found::None => None,
        };
        if self.tasks.contains_key(&src) {
            return Decision::Edited { deadline };
        }
        let folded = &r.ex.folded;
        let cues = Cues::of(folded);
        let probe = Probe {
            src,
            sender: r.sender,
            at: r.at,
            folded,
            sig,
            reply_to: reply_task,
            deadline,
            assignees: &r.ex.assignees,
            reschedules: cues.reschedules,
            makeup: cues.makeup,
            follows_up: cues.follows_up || cues.reschedules,
            daily: cues.daily,
            weekly: cues.weekly,
        };
        let mut samples = Vec::new();
        let scorer = self.scorer(&probe);
        let mut considered = self.best_match(&probe, &scorer, self.collect.then_some(&mut samples));
        let thin = matcher::is_thin(sig);
        // A chaser that replies to an open ask belongs to that ask, however
        // little it says: it goes first, and is what the chaser joins.
        let replied = thin
            .then(|| considered.iter().position(|l| Some(l.to) == probe.reply_to))
            .flatten();
        if let Some(i) = replied {
            considered[..=i].rotate_right(1);
        }
        let rules = &self.settings.rules;
        let threshold = if rules.merges_in(src.chat_id) {
            rules.threshold_for(src.chat_id)
        } else {
            f64::INFINITY
        };
        // An ask that sets itself apart from other work ("…是两回事") joins
        // nothing but what it replies to; a chaser attaches to what it
        // replies to or its best match; any other ask must fit the cluster
        // as a whole.
        let joins = considered
            .first()
            .filter(|l| l.score >= threshold || (replied.is_some() && threshold.is_finite()))
            .and_then(|l| self.tasks.get(&l.to).map(|t| (l, t)))
            .filter(|(l, t)| {
                !cues.separate || probe.reply_to == Some(l.to) || self.not_the_other_work(folded, t)
            })
            .map(|(_, t)| t)
            .filter(|t| {
                // A follow-up of the sender's own ask in this group is
                // weighed against the work as it was asked here.
                thin || self.fits_cluster(
                    &probe,
                    &scorer,
                    t.cluster,
                    rules.cluster,
                    probe.follows_own(t),
                )
            })
            .map(|t| t.cluster);
        Decision::New {
            deadline,
            considered,
            joins,
            samples,
        }
    }

    /// Apply a decision: update the task store, the retrieval index and the
    /// clusters, and say which owner warnings to send.
    pub fn commit(
        &mut self,
        r: Reading,
        sig: Signature,
        decision: Decision,
        new: bool,
    ) -> Vec<Effect> {
        let src = r.src;
        match decision {
            Decision::NotTask => {
                if let Some((id, t)) = self.tasks.remove(&src) {
                    if let Some(v) = self.clusters.get_mut(&t.cluster) {
                        v.retain(|m| *m != id);
                    }
                    self.refresh_open(t.cluster);
                    if let Some(v) = self.by_chat.get_mut(&src.chat_id) {
                        v.retain(|m| *m != id);
                    }
                }
                vec![]
            }
            Decision::Edited { deadline } => {
                let Some(id) = self.tasks.id(&src) else {
                    return vec![];
                };
                let Some(t) = self.tasks.by_id_mut(id) else {
                    return vec![];
                };
                // An edit of a task keeps its place in its cluster; its new terms
                // join the index (stale ones are harmless: candidates are rescored).
                for term in sig
                    .terms
                    .iter()
                    .filter(|x| t.sig.terms.binary_search(x).is_err())
                {
                    let post = self.postings.entry(*term).or_default();
                    if post.len() <= TOO_COMMON {
                        post.push(id);
                    }
                }
                t.text = r.text;
                t.deadline = deadline;
                t.assignees = r.ex.assignees;
                t.sig = sig;
                t.task_score = r.ex.task_score;
                let c = t.cluster;
                self.refresh_open(c);
                vec![]
            }
            Decision::New {
                deadline,
                considered,
                joins,
                samples,
            } => {
                self.samples
                    .extend(
                        samples
                            .into_iter()
                            .map(|(old, x)| Sample { new: src, old, x }),
                    );
                let best = considered.first().cloned();
                let (cluster, link) = match (joins, best.clone()) {
                    (Some(c), Some(l)) => (c, Some(l)),
                    _ => {
                        let c = self.next_cluster;
                        self.next_cluster += 1;
                        (c, None)
                    }
                };
                let maybe = if link.is_none() {
                    best.clone()
                        .filter(|m| m.score >= self.settings.rules.maybe)
                } else {
                    None
                };
                let task = Task {
                    src,
                    sender: r.sender,
                    sent: r.sent,
                    text: r.text,
                    deadline,
                    assignees: r.ex.assignees,
                    cluster,
                    link: link.clone(),
                    best_unmerged: if link.is_none() {
                        best.map(Box::new)
                    } else {
                        None
                    },
                    sig,
                    task_score: r.ex.task_score,
                    considered: considered
                        .iter()
                        .map(|l| Candidate {
                            to: l.to,
                            score: l.score as f32,
                        })
                        .collect(),
                };
                self.open_until
                    .slot(cluster)
                    .add(&task, self.settings.rules.undated_match_days);
                let id = self.tasks.insert(task);
                if let Some(t) = self.tasks.by_id(id) {
                    for term in t.sig.terms.iter() {
                        let post = self.postings.entry(*term).or_default();
                        if post.len() <= TOO_COMMON {
                            post.push(id);
                        }
                    }
                }
                self.clusters.entry(cluster).or_default().push(id);
                self.by_chat.entry(src.chat_id).or_default().push(id);
                if !new {
                    return vec![];
                }
                self.warnings(src, r.sender, r.at, link, maybe)
            }
        }
    }

    /// The deadline of the asker's previous task in the same chat, for
    /// "same time as before".
    fn earlier_deadline(&self, src: MsgRef, r: &Reading, sig: &Signature) -> Option<Deadline> {
        let (sender, at) = (r.sender, r.sent);
        // The asker's earlier ask in this group that it points at: the most
        // alike, then the most recent ("同上" follows what it refers to).
        // A pointer at a notice ("以书记修改后的通知为准", "see the updated
        // post") may point at another member's, and at one still open.
        let at_notice = POINTS_AT_NOTICE.is_match(&r.ex.folded);
        self.chat_tasks(src.chat_id)
            .filter(|t| {
                t.sent <= at
                    && t.src != src
                    && t.deadline.is_some()
                    && (at_notice || t.sender == sender)
            })
            .map(|t| {
                let open = at_notice && t.deadline.is_some_and(|d| d.is_pending_at(at));
                (open, matcher::compare(sig, &t.sig, &self.df).score, t)
            })
            .max_by(|(o1, a, x), (o2, b, y)| {
                o1.cmp(o2)
                    .then_with(|| a.total_cmp(b))
                    .then_with(|| (x.sent, x.src.message_id).cmp(&(y.sent, y.src.message_id)))
            })
            .map(|(_, s, t)| (s, t))
            .and_then(|(_, t)| t.deadline)
            .map(|d| next_instance(d, at))
    }
}

/// A pointer at a notice, which may be another member's.
static POINTS_AT_NOTICE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?:通知|公告|安排|修改后的|更新后的|最新的?)[^，。,.]{0,6}为准|(?:updated|revised|latest|new) (?:post|notice|message|version)",
    )
    .expect("valid regex")
});

/// A pointed-at clock time that has passed ("at the usual time", "same
/// time as always" about yesterday's 14:00): the next time the clock shows
/// it, for work that recurs; a pending time or a day stays as it is.
fn next_instance(d: Deadline, at: NaiveDateTime) -> Deadline {
    match d {
        Deadline::Minute(t) if t < at => {
            let today = at.date().and_time(t.time());
            Deadline::Minute(if today >= at {
                today
            } else {
                today + chrono::Duration::days(1)
            })
        }
        other => other,
    }
}
