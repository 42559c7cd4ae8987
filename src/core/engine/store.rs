//! What the engine keeps per message, in arrival order: an arena indexed by
//! a dense id (what the retrieval index and clusters store, four bytes a
//! reference) and a map from message to id. Looking up by id is one array
//! access, and a million entries cost a small map of ids plus the entries
//! themselves, not a hash table of whole entries at half load.

use super::records::{Message, Task};
use crate::model::MsgRef;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An entry's place in its arena.
pub type TaskId = u32;

/// The tasks, by message and by id.
pub type Tasks = Store<Task>;
/// Every message seen (tasks or not), by message.
pub type Messages = Store<Message>;

#[derive(Debug, Clone)]
pub struct Store<T> {
    /// A removed entry (an edit made a task no request) leaves an empty slot,
    /// so ids held by the index stay valid; one that comes back gets a new id.
    slots: Vec<Option<T>>,
    ids: FxHashMap<MsgRef, TaskId>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            slots: Vec::new(),
            ids: FxHashMap::default(),
        }
    }
}

/// What is stored: it knows its own message.
pub trait Keyed {
    fn key(&self) -> MsgRef;
}

impl Keyed for Task {
    fn key(&self) -> MsgRef {
        self.src
    }
}

impl Keyed for Message {
    fn key(&self) -> MsgRef {
        self.src
    }
}

impl<T: Keyed> Store<T> {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn id(&self, m: &MsgRef) -> Option<TaskId> {
        self.ids.get(m).copied()
    }

    pub fn get(&self, m: &MsgRef) -> Option<&T> {
        self.id(m).and_then(|i| self.by_id(i))
    }

    pub fn get_mut(&mut self, m: &MsgRef) -> Option<&mut T> {
        let i = self.id(m)?;
        self.slots.get_mut(i as usize)?.as_mut()
    }

    pub fn contains_key(&self, m: &MsgRef) -> bool {
        self.ids.contains_key(m)
    }

    /// Ask the CPU to start loading an entry that will be read soon, every
    /// cache line of it (see [`prefetch`]); an id out of range is ignored.
    pub fn prefetch(&self, i: TaskId) {
        if let Some(slot) = self.slots.get(i as usize) {
            let start = (slot as *const Option<T>).cast::<u8>();
            for off in (0..std::mem::size_of_val(slot)).step_by(64) {
                prefetch_at(start.wrapping_add(off));
            }
        }
    }

    pub fn by_id(&self, i: TaskId) -> Option<&T> {
        self.slots.get(i as usize)?.as_ref()
    }

    pub fn by_id_mut(&mut self, i: TaskId) -> Option<&mut T> {
        self.slots.get_mut(i as usize)?.as_mut()
    }

    /// Add a task not yet present; returns its id.
    pub fn insert(&mut self, t: T) -> TaskId {
        let key = t.key();
        if let Some(i) = self.id(&key) {
            self.slots[i as usize] = Some(t);
            return i;
        }
        let i = self.slots.len() as TaskId;
        self.ids.insert(key, i);
        self.slots.push(Some(t));
        i
    }

    pub fn remove(&mut self, m: &MsgRef) -> Option<(TaskId, T)> {
        let i = self.ids.remove(m)?;
        self.slots.get_mut(i as usize)?.take().map(|t| (i, t))
    }

    /// All tasks, in arrival order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.slots.iter().flatten()
    }
}

/// Written as its slots: the map from message to id is rebuilt on reading.
impl<T: Serialize> Serialize for Store<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.slots.serialize(s)
    }
}

impl<'de, T: Deserialize<'de> + Keyed> Deserialize<'de> for Store<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let slots: Vec<Option<T>> = Vec::deserialize(d)?;
        let mut ids = FxHashMap::default();
        ids.reserve(slots.len());
        for (i, t) in slots.iter().enumerate() {
            if let Some(t) = t {
                ids.insert(t.key(), i as TaskId);
            }
        }
        Ok(Store { slots, ids })
    }
}

impl<T: Keyed> std::ops::Index<&MsgRef> for Store<T> {
    type Output = T;

    fn index(&self, m: &MsgRef) -> &T {
        match self.get(m) {
            Some(t) => t,
            None => panic!("no entry for {m}"),
        }
    }
}

/// Start loading the cache line holding `x`. Scoring reads a couple of
/// dozen entries scattered over a million; asking for all of them first lets
/// their memory reads overlap instead of each waiting for the last.
#[inline]
pub fn prefetch<T: ?Sized>(x: &T) {
    prefetch_at((x as *const T).cast::<u8>());
}

/// [`prefetch`] of an address, which need not be valid: a hint is never
/// dereferenced.
#[inline]
fn prefetch_at(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it never faults (whatever the
    // address), changes no memory and has no effect the program can observe.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::matcher::Signature;
    use crate::model::{Assignees, ChatId, UserId};

    fn task(chat: i64, id: i64) -> Task {
        Task {
            src: MsgRef {
                chat_id: ChatId(chat),
                message_id: id,
            },
            sender: UserId(1),
            sent: chrono::NaiveDate::from_ymd_opt(2024, 3, 4)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("date"),
            text: "x".into(),
            deadline: None,
            assignees: Assignees::Group,
            cluster: 1,
            link: None,
            best_unmerged: None,
            sig: Signature::default(),
            task_score: 1,
            considered: Box::default(),
        }
    }

    #[test]
    fn ids_stay_valid_after_removal_and_a_returning_task_gets_a_new_one() {
        let mut ts = Tasks::default();
        let a = ts.insert(task(-1, 1));
        let b = ts.insert(task(-1, 2));
        assert_eq!((a, b), (0, 1));
        let (ra, _) = ts.remove(&task(-1, 1).src).expect("present");
        assert_eq!(ra, a);
        assert!(ts.by_id(a).is_none());
        assert_eq!(ts.by_id(b).map(|t| t.src.message_id), Some(2));
        assert_eq!(ts.len(), 1);
        let again = ts.insert(task(-1, 1));
        assert_eq!(again, 2);
        assert_eq!(
            ts.values().map(|t| t.src.message_id).collect::<Vec<_>>(),
            vec![2, 1]
        );
    }
}
