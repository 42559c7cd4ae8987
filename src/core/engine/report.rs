//! What the engine reports about its state: owners' duplicate warnings,
//! the words two asks share (for explanations), who is asked to do a task,
//! a chat's asks and everyone in any group.

use super::Engine;
use super::records::{Effect, Link, Person, Task, Warning};
use crate::core::matcher;
use crate::model::{Assignees, ChatId, MsgRef, UserId};
use chrono::NaiveDateTime;
use std::collections::BTreeSet;

impl Engine {
    /// The asks posted in a chat, oldest first.
    pub fn chat_tasks(&self, chat: ChatId) -> impl DoubleEndedIterator<Item = &Task> {
        self.by_chat
            .get(&chat)
            .into_iter()
            .flatten()
            .filter_map(|m| self.tasks.by_id(*m))
    }

    pub(super) fn warnings(
        &self,
        src: MsgRef,
        sender: UserId,
        at: NaiveDateTime,
        link: Option<Link>,
        maybe: Option<Link>,
    ) -> Vec<Effect> {
        let Some(owner) = self.groups.get(&src.chat_id).and_then(|g| g.owner) else {
            return vec![];
        };
        let window = self.settings.rules.undated_days;
        let (l, is_maybe) = match (link, maybe) {
            (Some(l), _) => (l, false),
            (None, Some(m)) => (m, true),
            _ => return vec![],
        };
        let Some(cluster) = self.tasks.get(&l.to).map(|t| t.cluster) else {
            return vec![];
        };
        // Earlier pending asks in other groups the sender is not in: a relay
        // by someone who received the ask is no news to them.
        // The most recent asks suffice: a warning names where it was asked
        // lately, and a huge cluster must not make every message slow.
        let others: Vec<MsgRef> = self
            .clusters
            .get(&cluster)
            .into_iter()
            .flat_map(|ms| ms.iter().rev().take(64))
            .filter_map(|m| self.tasks.by_id(*m))
            .filter(|t| {
                t.src != src
                    && t.src.chat_id != src.chat_id
                    && t.is_pending_at(at, window)
                    && !self.is_member(t.src.chat_id, sender)
            })
            .map(|t| t.src)
            // A warning names the latest few places; more would not be read.
            .take(8)
            .collect();
        if others.is_empty() {
            return vec![];
        }
        // The shared words are added when the warning is rendered: most
        // warnings are never read twice, and finding them costs a re-read of
        // both texts.
        let reasons = l.reasons;
        vec![Effect::Warning(Warning {
            to: owner,
            task: src,
            duplicate_of: others,
            score: l.score,
            reasons,
            maybe: is_maybe,
        })]
    }

    /// Name words of the members of these chats, longest first (a full name
    /// before its first name).
    fn names_in(&self, chats: &[ChatId]) -> Vec<String> {
        let mut out: Vec<String> = chats
            .iter()
            .filter_map(|c| self.members.get(c))
            .flatten()
            .filter_map(|u| self.people.get(u))
            .flat_map(Person::name_words)
            .collect();
        out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        out.dedup();
        out
    }

    /// The rarest words two asks share, for explanations.
    pub fn shared_words(&self, a: MsgRef, b: MsgRef, limit: usize) -> Vec<String> {
        let text = |m: MsgRef| {
            self.messages
                .get(&m)
                .map(|x| crate::core::normalize::fold(&x.text))
        };
        match (text(a), text(b)) {
            (Some(x), Some(y)) => matcher::shared_terms(
                &x,
                &y,
                &self.names_in(&[a.chat_id, b.chat_id]),
                &self.settings.rules,
                &self.df,
                limit,
            ),
            _ => Vec::new(),
        }
    }

    /// Is `user` asked to do `task`?
    pub fn is_assigned(&self, task: &Task, user: UserId) -> bool {
        match &task.assignees {
            Assignees::Group => task.sender != user && self.is_member(task.src.chat_id, user),
            Assignees::People(p) => p.contains(&user),
        }
    }

    /// The office a group belongs to, as read off its title (None when the
    /// title names none).
    pub fn office(&self, chat: ChatId) -> Option<String> {
        self.offices.get(&chat).map(|o| o.iter().collect())
    }

    /// Everyone who is a member of any group, in id order.
    pub fn all_members(&self) -> BTreeSet<UserId> {
        self.members.values().flatten().copied().collect()
    }
}
