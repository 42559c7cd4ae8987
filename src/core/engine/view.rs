//! One reader's view of the engine: a small copy holding only what that
//! person's digest is built from, so that the shell copies it while holding
//! the engine and builds the digest after letting go.

use super::{Engine, Task};
use crate::model::{MsgRef, UserId};
use chrono::NaiveDateTime;

impl Engine {
    /// A copy for building `user`'s digest at `at`: the settings, the
    /// reader's groups (with the reader as their only member), the asks
    /// sent there by `at` without what only matching and `explain` read,
    /// the people who sent them, and the reader's Done marks. One pass over
    /// those asks; [`crate::core::digest::build`] on it gives what it gives
    /// on the whole engine.
    pub fn reader_view(&self, user: UserId, at: NaiveDateTime) -> Engine {
        let mut v = Engine::new(self.settings.clone());
        let mut chats: Vec<_> = self
            .members
            .iter()
            .filter(|(_, m)| m.contains(&user))
            .map(|(c, _)| *c)
            .collect();
        chats.sort_unstable();
        if let Some(p) = self.people.get(&user) {
            v.people.insert(user, p.clone());
        }
        for &chat in &chats {
            if let Some(g) = self.groups.get(&chat) {
                v.groups.insert(chat, g.clone());
            }
            v.members.insert(chat, [user].into());
            let mut ids = Vec::new();
            for t in self.chat_tasks(chat).filter(|t| t.sent <= at) {
                if !v.people.contains_key(&t.sender)
                    && let Some(p) = self.people.get(&t.sender)
                {
                    v.people.insert(t.sender, p.clone());
                }
                ids.push(v.tasks.insert(lean(t)));
            }
            v.by_chat.insert(chat, ids);
        }
        v.groups_of.insert(user, chats);
        let first = MsgRef {
            chat_id: crate::model::ChatId(i64::MIN),
            message_id: i64::MIN,
        };
        v.done = self
            .done
            .range((user, first)..)
            .take_while(|(u, _)| *u == user)
            .copied()
            .collect();
        v
    }
}

/// An ask without its matching signature, its candidates and its link's
/// reasons (the digest reads the link's score only).
fn lean(t: &Task) -> Task {
    Task {
        src: t.src,
        sender: t.sender,
        sent: t.sent,
        text: t.text.clone(),
        deadline: t.deadline,
        assignees: t.assignees.clone(),
        cluster: t.cluster,
        link: t.link.as_ref().map(|l| super::Link {
            to: l.to,
            score: l.score,
            reasons: Vec::new(),
        }),
        best_unmerged: None,
        sig: Default::default(),
        task_score: t.task_score,
        considered: Box::new([]),
    }
}
