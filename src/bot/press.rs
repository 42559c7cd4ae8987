//! What a button press amounts to, decided once by the intake against the
//! state before it is recorded: a [Done] mark or a verdict on a pair of
//! asks, or a refusal (someone else's or altered button, a verdict from
//! someone who is neither the warned owner nor an admin, an unknown task,
//! a mark already made, too many presses). Pure; the handlers word the
//! answer from it.

use super::intake::{View, local, uid};
use crate::event::Event;
use crate::model::{Lang, MsgRef};
use teloxide::types::CallbackQuery;

use super::compose::{Callback, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    /// A new [Done] mark.
    Done(MsgRef),
    /// [Done] pressed again: nothing new to store.
    AlreadyDone,
    /// A verdict from the warned owner (or an admin).
    Feedback {
        task: MsgRef,
        other: MsgRef,
        same: bool,
    },
    /// The button names a task the bot does not know (any more).
    UnknownTask,
    /// A verdict from someone who no longer owns the group the ask was
    /// posted in and is no admin.
    NotOwner,
    /// Unsigned, altered, or signed for someone else.
    Invalid,
    /// Over the presser's rate limit.
    Limited,
    /// A step of a hand-in (issue 14): signed for the presser; what it
    /// may do is decided by [`super::handin`] against the draft.
    HandIn { task: MsgRef, step: Step },
}

/// Judge a press against the state in `v`.
pub fn judge(q: &CallbackQuery, v: &View<'_>) -> Press {
    let presser = uid(&q.from);
    let Some(cb) = q.data.as_deref().and_then(|d| v.signer.verify(d, presser)) else {
        return Press::Invalid;
    };
    let known = |m: &MsgRef| v.engine.tasks.contains_key(m);
    match cb {
        Callback::Done(task) if !known(&task) => Press::UnknownTask,
        Callback::Done(task) if v.engine.is_done(presser, task) => Press::AlreadyDone,
        Callback::Done(task) => Press::Done(task),
        Callback::HandIn { task, step } => Press::HandIn { task, step },
        Callback::Feedback { task, other, .. } if !known(&task) || !known(&other) => {
            Press::UnknownTask
        }
        Callback::Feedback { task, other, same } => {
            let owner = v.engine.groups.get(&task.chat_id).and_then(|g| g.owner);
            if owner == Some(presser) || v.admins.contains(&presser) {
                Press::Feedback { task, other, same }
            } else {
                Press::NotOwner
            }
        }
    }
}

impl Press {
    /// The event to journal, if the press changes anything.
    pub fn event(&self, q: &CallbackQuery, v: &View<'_>) -> Option<Event> {
        let date = local(v.now, v.tz);
        match *self {
            Press::Done(task) => Some(Event::Done {
                user_id: uid(&q.from),
                task,
                date,
            }),
            Press::Feedback { task, other, same } => Some(Event::Feedback {
                task,
                other,
                same,
                by: uid(&q.from),
                date,
            }),
            _ => None,
        }
    }

    /// The answer shown to the presser (every press is answered).
    pub fn answer(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Press::Done(_), Lang::Zh) => "已标记完成，之后的汇总中不再显示。",
            (Press::Done(_), Lang::En) => "Marked done: it will not appear in your later digests.",
            (Press::AlreadyDone, Lang::Zh) => "这一项已经标记为完成。",
            (Press::AlreadyDone, Lang::En) => "Already marked done.",
            (Press::Feedback { same: false, .. }, Lang::Zh) => "已记录：这是两项不同的任务。",
            (Press::Feedback { same: false, .. }, Lang::En) => {
                "Thanks: recorded as different tasks."
            }
            (Press::Feedback { same: true, .. }, Lang::Zh) => "已记录：这是同一项任务。",
            (Press::Feedback { same: true, .. }, Lang::En) => "Thanks: recorded as the same task.",
            (Press::UnknownTask, Lang::Zh) => "找不到这项任务，未作记录。",
            (Press::UnknownTask, Lang::En) => "That task is not known; nothing was recorded.",
            (Press::NotOwner, Lang::Zh) => "只有该群的群主或管理员的意见会被记录。",
            (Press::NotOwner, Lang::En) => {
                "Only the group's owner or an admin can answer this; nothing was recorded."
            }
            (Press::Invalid, Lang::Zh) => "这个按钮已失效。",
            (Press::Invalid, Lang::En) => "This button is no longer valid.",
            (Press::Limited, Lang::Zh) => "操作太频繁，请稍后再试。",
            (Press::Limited, Lang::En) => "Too many presses; please try again in a minute.",
            // Answered by the hand-in's own handler.
            (Press::HandIn { .. }, _) => "",
        }
    }
}
