//! The engine's state as plain data, for snapshots: everything an
//! [`Engine`] holds but its settings (those come from the config at start)
//! and the samples kept for fitting. Written in a canonical order (hashed
//! maps sorted by key), so that two engines in the same state give the same
//! bytes whatever their history. Encoding and files are the shell's.

use super::records::{Group, Person};
use super::retrieval::{OpenUntil, PerCluster};
use super::store::{Messages, TaskId, Tasks};
use super::{Engine, Settings};
use crate::core::matcher::{Df, Term};
use crate::model::{ChatId, MsgRef, UserId};
use chrono::NaiveDateTime;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The state, borrowed from a live engine to be written.
#[derive(Serialize)]
pub struct StateRef<'a> {
    people: &'a BTreeMap<UserId, Person>,
    groups: &'a BTreeMap<ChatId, Group>,
    #[serde(serialize_with = "sorted::by_ref")]
    members: &'a FxHashMap<ChatId, BTreeSet<UserId>>,
    #[serde(serialize_with = "sorted::by_ref")]
    groups_of: &'a FxHashMap<UserId, Vec<ChatId>>,
    messages: &'a Messages,
    tasks: &'a Tasks,
    df: &'a Df,
    verdicts: &'a BTreeMap<(MsgRef, MsgRef), bool>,
    done: &'a BTreeSet<(UserId, MsgRef)>,
    #[serde(serialize_with = "sorted::by_ref")]
    postings: &'a FxHashMap<Term, Vec<TaskId>>,
    #[serde(serialize_with = "sorted::by_ref")]
    clusters: &'a FxHashMap<u64, Vec<TaskId>>,
    open_until: &'a PerCluster<OpenUntil>,
    #[serde(serialize_with = "sorted::by_ref")]
    by_chat: &'a FxHashMap<ChatId, Vec<TaskId>>,
    #[serde(serialize_with = "sorted::by_ref")]
    offices: &'a FxHashMap<ChatId, Box<[char]>>,
    next_cluster: u64,
    last_seen: Option<NaiveDateTime>,
}

/// The state, read back (the same fields, in the same order, owned).
#[derive(Deserialize)]
pub struct State {
    people: BTreeMap<UserId, Person>,
    groups: BTreeMap<ChatId, Group>,
    #[serde(with = "sorted")]
    members: FxHashMap<ChatId, BTreeSet<UserId>>,
    #[serde(with = "sorted")]
    groups_of: FxHashMap<UserId, Vec<ChatId>>,
    messages: Messages,
    tasks: Tasks,
    df: Df,
    verdicts: BTreeMap<(MsgRef, MsgRef), bool>,
    done: BTreeSet<(UserId, MsgRef)>,
    #[serde(with = "sorted")]
    postings: FxHashMap<Term, Vec<TaskId>>,
    #[serde(with = "sorted")]
    clusters: FxHashMap<u64, Vec<TaskId>>,
    open_until: PerCluster<OpenUntil>,
    #[serde(with = "sorted")]
    by_chat: FxHashMap<ChatId, Vec<TaskId>>,
    #[serde(with = "sorted")]
    offices: FxHashMap<ChatId, Box<[char]>>,
    next_cluster: u64,
    last_seen: Option<NaiveDateTime>,
}

impl Engine {
    /// The state to write, borrowed.
    pub fn state(&self) -> StateRef<'_> {
        StateRef {
            people: &self.people,
            groups: &self.groups,
            members: &self.members,
            groups_of: &self.groups_of,
            messages: &self.messages,
            tasks: &self.tasks,
            df: &self.df,
            verdicts: &self.verdicts,
            done: &self.done,
            postings: &self.postings,
            clusters: &self.clusters,
            open_until: &self.open_until,
            by_chat: &self.by_chat,
            offices: &self.offices,
            next_cluster: self.next_cluster,
            last_seen: self.last_seen,
        }
    }

    /// An engine in a state read back, under `settings`.
    pub fn from_state(settings: Settings, s: State) -> Engine {
        let mut e = Engine::new(settings);
        e.people = s.people;
        e.groups = s.groups;
        e.members = s.members;
        e.groups_of = s.groups_of;
        e.messages = s.messages;
        e.tasks = s.tasks;
        e.df = s.df;
        e.verdicts = s.verdicts;
        e.done = s.done;
        e.postings = s.postings;
        e.clusters = s.clusters;
        e.open_until = s.open_until;
        e.by_chat = s.by_chat;
        e.offices = s.offices;
        e.next_cluster = s.next_cluster;
        e.last_seen = s.last_seen;
        // A task shares its text with its message, as when it was made.
        let texts: Vec<_> = e
            .tasks
            .values()
            .filter_map(|t| e.messages.get(&t.src).map(|m| (t.src, m.text.clone())))
            .collect();
        for (src, text) in texts {
            if let Some(t) = e.tasks.get_mut(&src)
                && t.text == text
            {
                t.text = text;
            }
        }
        e
    }
}

/// A hashed map written as its entries sorted by key.
pub(crate) mod sorted {
    use rustc_hash::FxHashMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::hash::Hash;

    pub fn serialize<K, V, S>(m: &FxHashMap<K, V>, s: S) -> Result<S::Ok, S::Error>
    where
        K: Ord + Serialize,
        V: Serialize,
        S: Serializer,
    {
        let mut v: Vec<(&K, &V)> = m.iter().collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        s.collect_seq(v)
    }

    pub fn by_ref<K, V, S>(m: &&FxHashMap<K, V>, s: S) -> Result<S::Ok, S::Error>
    where
        K: Ord + Serialize,
        V: Serialize,
        S: Serializer,
    {
        serialize(*m, s)
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<FxHashMap<K, V>, D::Error>
    where
        K: Eq + Hash + Deserialize<'de>,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        let v: Vec<(K, V)> = Vec::deserialize(d)?;
        Ok(v.into_iter().collect())
    }
}

/// Fields whose usual serde form is the `replay --json` contract's (or skips
/// absent values), written exactly here instead.
pub(crate) mod exact {
    use crate::core::event::Mention;
    use crate::model::{Assignees, Deadline, UserId};
    use chrono::{NaiveDate, NaiveDateTime};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum DeadlineRepr {
        Minute(NaiveDateTime),
        Day(NaiveDate),
    }

    pub mod deadline {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Deadline>, s: S) -> Result<S::Ok, S::Error> {
            d.map(|d| match d {
                Deadline::Minute(t) => DeadlineRepr::Minute(t),
                Deadline::Day(d) => DeadlineRepr::Day(d),
            })
            .serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Deadline>, D::Error> {
            Ok(Option::<DeadlineRepr>::deserialize(d)?.map(|r| match r {
                DeadlineRepr::Minute(t) => Deadline::Minute(t),
                DeadlineRepr::Day(d) => Deadline::Day(d),
            }))
        }
    }

    pub mod assignees {
        use super::*;

        pub fn serialize<S: Serializer>(a: &Assignees, s: S) -> Result<S::Ok, S::Error> {
            match a {
                Assignees::Group => None,
                Assignees::People(p) => Some(p),
            }
            .serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Assignees, D::Error> {
            Ok(match Option::<Vec<UserId>>::deserialize(d)? {
                None => Assignees::Group,
                Some(p) => Assignees::People(p),
            })
        }
    }

    pub mod mentions {
        use super::*;

        pub fn serialize<S: Serializer>(m: &[Mention], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(m.iter().map(|m| (m.user_id, m.offset, m.length)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[Mention]>, D::Error> {
            let v: Vec<(Option<UserId>, usize, usize)> = Vec::deserialize(d)?;
            Ok(v.into_iter()
                .map(|(user_id, offset, length)| Mention {
                    user_id,
                    offset,
                    length,
                })
                .collect())
        }
    }
}
