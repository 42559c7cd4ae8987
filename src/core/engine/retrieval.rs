//! Retrieval: the index from match terms to the tasks holding them, and
//! the per-cluster windows that say which clusters still take new asks.
//! Finds the few earlier tasks worth scoring for a new ask without
//! scanning the rest.

use super::Engine;
use super::records::Task;
use super::store::TaskId;
use crate::core::matcher::Signature;
use crate::model::{ChatId, MsgRef};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// A term held by more tasks than this is template wording: it retrieves
/// nothing, so its postings stop growing (a million asks would otherwise
/// keep hundreds of megabytes of ids no search reads).
pub(super) const TOO_COMMON: usize = 50_000;

/// Until when a cluster takes new asks: its latest dated deadline, and per
/// group its latest undated ask's window.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct OpenUntil {
    dated: Option<NaiveDateTime>,
    /// Per group: the day of its latest undated ask and until when it is open.
    undated: Vec<(ChatId, NaiveDate, NaiveDateTime)>,
}

impl OpenUntil {
    pub(super) fn add(&mut self, t: &Task, undated_match_days: i64) {
        match t.deadline {
            Some(d) => {
                self.dated = Some(self.dated.map_or(d.expires_at(), |x| x.max(d.expires_at())))
            }
            None => {
                let until = (t.sent.date() + Duration::days(1 + undated_match_days))
                    .and_time(NaiveTime::MIN);
                match self
                    .undated
                    .iter_mut()
                    .find(|(c, _, _)| *c == t.src.chat_id)
                {
                    Some((_, day, u)) => {
                        *day = (*day).max(t.sent.date());
                        *u = (*u).max(until);
                    }
                    None => self.undated.push((t.src.chat_id, t.sent.date(), until)),
                }
            }
        }
    }

    /// Open for a new ask in `chat`: a dated ask not yet due; an undated ask
    /// in the same group through its window, or in another group that day.
    #[inline]
    fn is_open(&self, at: NaiveDateTime, chat: ChatId, dated_only: bool) -> bool {
        self.dated.is_some_and(|d| at < d)
            || (!dated_only
                && self.undated.iter().any(|(c, day, u)| {
                    if *c == chat {
                        at < *u
                    } else {
                        at.date() == *day
                    }
                }))
    }
}

/// A value per cluster in a dense array: cluster ids are handed out in
/// order from 1, so an id is an index. One read, which can be prefetched,
/// and a million clusters cost their values, not a hash table at half load.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PerCluster<T> {
    values: Vec<T>,
}

impl<T> Default for PerCluster<T> {
    fn default() -> Self {
        PerCluster { values: Vec::new() }
    }
}

impl<T: Default> PerCluster<T> {
    // Ids are counted up from 1 by the engine, never read from input.
    #[inline]
    pub(super) fn get(&self, cluster: u64) -> Option<&T> {
        self.values.get(cluster as usize)
    }

    /// The cluster's value, made (default) if it has none yet.
    pub(super) fn slot(&mut self, cluster: u64) -> &mut T {
        let i = cluster as usize;
        if i >= self.values.len() {
            self.values.resize_with(i + 1, T::default);
        }
        &mut self.values[i]
    }
}

/// Retrieval's tally of how many query terms each task holds: open
/// addressing over a fixed table (at most 8 × 64 ids are counted). A slot
/// packs an id and its count (`id << 8 | count`, 0 = empty), so a probe is
/// one load.
struct Counts {
    slots: [u64; Counts::SLOTS],
    /// The slots in use, so that draining reads only those.
    used: [u16; Counts::SLOTS / 2],
    n_used: usize,
    /// How many ids have each count, so that draining can skip the ids
    /// that cannot be among the best; and the highest count.
    hist: [u16; 256],
    top: usize,
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            slots: [0; Counts::SLOTS],
            used: [0; Counts::SLOTS / 2],
            n_used: 0,
            hist: [0; 256],
            top: 0,
        }
    }
}

impl Counts {
    const SLOTS: usize = 1024;

    #[inline]
    fn bump(&mut self, id: TaskId) {
        let mut i = crate::core::hash::fib_slot(id, 22);
        loop {
            i &= Self::SLOTS - 1;
            let s = self.slots[i];
            if s == 0 {
                // Past half full the table would probe long: the cap keeps it sparse.
                if self.n_used < Self::SLOTS / 2 {
                    self.slots[i] = (id as u64) << 8 | 1;
                    self.used[self.n_used] = i as u16;
                    self.n_used += 1;
                    self.hist[1] += 1;
                    self.top = self.top.max(1);
                }
                return;
            }
            if (s >> 8) as u32 == id {
                let c = (s & 0xff) as usize;
                if c < 255 {
                    self.slots[i] = s + 1;
                    self.hist[c] -= 1;
                    self.hist[c + 1] += 1;
                    self.top = self.top.max(c + 1);
                }
                return;
            }
            i += 1;
        }
    }

    /// The `keep` ids with the highest counts (then the highest ids), as
    /// `count << 32 | id`, leaving the table empty for the next search.
    fn drain_best(&mut self, keep: usize) -> Vec<u64> {
        // The lowest count that can still make the cut: at least `keep` ids
        // have it or more, so none with less is among the best (none at all
        // when none is to be kept).
        let mut at_least = 0;
        let mut floor = if keep == 0 { u64::MAX } else { 1 };
        for c in (1..=self.top).rev().filter(|_| keep > 0) {
            at_least += self.hist[c] as usize;
            if at_least >= keep {
                floor = c as u64;
                break;
            }
        }
        // The best so far, highest first: few ids pass the last one, so
        // most cost one comparison.
        let mut best: Vec<u64> = Vec::with_capacity(keep + 1);
        for &i in &self.used[..self.n_used] {
            let s = self.slots[i as usize];
            self.slots[i as usize] = 0;
            let count = s & 0xff;
            if count < floor {
                continue;
            }
            let key = count << 32 | (s >> 8);
            if best.len() == keep {
                if best.last().is_some_and(|&l| key <= l) {
                    continue;
                }
                best.pop();
            }
            let at = best.partition_point(|&b| b > key);
            best.insert(at, key);
        }
        self.hist[..=self.top].fill(0);
        self.n_used = 0;
        self.top = 0;
        best
    }
}

thread_local! {
    /// One tally table per thread, emptied after each search: zeroing a
    /// fresh 5 KiB table per message cost more than the counting.
    static COUNTS: std::cell::RefCell<Counts> = std::cell::RefCell::new(Counts::default());
}

impl Engine {
    /// Tasks worth scoring for a new ask (its terms, its group, the ask it
    /// replies to): those sharing its rarest terms (most recent first), its
    /// reply target, and the group's recent asks.
    /// An index, not a scan: the cost does not grow with the number of
    /// tasks, only with how common the new ask's words are.
    pub(super) fn retrieve(
        &self,
        sig: &Signature,
        chat: ChatId,
        reply_to: Option<MsgRef>,
    ) -> Vec<TaskId> {
        const QUERY_TERMS: usize = 8;
        const PER_TERM: usize = 64;
        /// Candidates scored in full: those sharing the most rare terms.
        const KEEP: usize = 16;
        // The rarest terms that some earlier task shares (a term only this
        // message has retrieves nothing); rarity is the number of tasks
        // holding the term, read off the postings themselves.
        // Ordered by `holders << 32 | term`: the rarest, then the lowest
        // term; each with its newest postings, the only ones counted.
        let mut posts: Vec<(u64, &[TaskId])> = Vec::with_capacity(sig.terms.len());
        posts.extend(
            sig.terms
                .iter()
                .filter_map(|t| self.postings.get(t).map(|v| (v.len(), *t, v.as_slice())))
                .filter(|(n, _, _)| (1..=TOO_COMMON).contains(n))
                .map(|(n, t, v)| {
                    (
                        (n as u64) << 32 | t as u64,
                        &v[n.saturating_sub(PER_TERM)..],
                    )
                }),
        );
        if posts.len() > QUERY_TERMS {
            posts.select_nth_unstable_by_key(QUERY_TERMS, |(k, _)| *k);
            posts.truncate(QUERY_TERMS);
        }
        // Those postings are read next: start loading them all.
        for (_, newest) in &posts {
            for x in newest.iter().step_by(16) {
                super::store::prefetch(x);
            }
        }
        // Count how many of those terms each of their newest tasks holds, in
        // a small open-addressed table that stays in L1, and keep the tasks
        // that share the most (then the newest). Newest first, so that the
        // best come early and few later ids displace them.
        let best = COUNTS.with_borrow_mut(|table| {
            for (_, newest) in &posts {
                for &id in newest.iter().rev() {
                    table.bump(id);
                }
            }
            table.drain_best(KEEP)
        });
        let recent = self.by_chat.get(&chat);
        let mut out: Vec<TaskId> = Vec::with_capacity(best.len() + 9);
        out.extend(best.into_iter().map(|k| k as TaskId));
        if let Some(r) = reply_to.and_then(|r| self.tasks.id(&r)) {
            out.push(r);
        }
        if let Some(v) = recent {
            out.extend(v.iter().rev().take(8));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Is any ask of the cluster still open for `chat` at `at`?
    #[inline]
    pub(super) fn cluster_open(
        &self,
        cluster: u64,
        at: NaiveDateTime,
        chat: ChatId,
        dated_only: bool,
    ) -> bool {
        self.open_until
            .get(cluster)
            .is_some_and(|o| o.is_open(at, chat, dated_only))
    }

    /// Recompute a cluster's open window from its members (after edits and
    /// people's verdicts; new asks update it incrementally).
    pub(super) fn refresh_open(&mut self, cluster: u64) {
        let days = self.settings.rules.undated_match_days;
        let mut o = OpenUntil::default();
        for m in self.clusters.get(&cluster).into_iter().flatten() {
            if let Some(t) = self.tasks.by_id(*m) {
                o.add(t, days);
            }
        }
        *self.open_until.slot(cluster) = o;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    proptest::proptest! {
        /// The tally keeps what sorting every counted id would keep: the
        /// highest counts, then the newest (highest) ids.
        #[test]
        fn the_tally_keeps_the_ids_sharing_most_terms(
            lists in proptest::collection::vec(proptest::collection::vec(0u32..300, 0..64), 0..9),
            keep in 0usize..20,
        ) {
            let mut table = Counts::default();
            let mut naive: BTreeMap<u32, u64> = BTreeMap::new();
            for list in &lists {
                let mut list = list.clone();
                list.sort_unstable();
                list.dedup();
                for id in list {
                    table.bump(id);
                    *naive.entry(id).or_default() += 1;
                }
            }
            let mut want: Vec<u64> = naive.iter().map(|(id, c)| c << 32 | *id as u64).collect();
            want.sort_unstable_by(|a, b| b.cmp(a));
            want.truncate(keep);
            proptest::prop_assert_eq!(table.drain_best(keep), want);
            // Emptied for the next search.
            table.bump(7);
            proptest::prop_assert_eq!(table.drain_best(5), vec![1u64 << 32 | 7]);
        }
    }
}
