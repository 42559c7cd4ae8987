//! Retention and deletion: what leaves the journal, and when.
//!
//! - Daily compaction: a group message older than `bot.retention_days`
//!   that is not an open task (or one shown as overdue) leaves the journal
//!   with its edits, the Done marks on it and the verdicts about it.
//! - `/forget`: a person's registration and own settings, their Done marks,
//!   their name as the groups showed it and every message to them in the
//!   outbox. What they wrote in groups stays as long as retention says.
//!
//! After either, the engine is rebuilt from the journal as it now is (off
//! the intake's path; the tail that arrived meanwhile is applied under the
//! write lock), and the snapshot, which held the removed data, is replaced.

use super::snapshot;
use super::state::{Shared, StoreError};
use crate::core::engine::Engine;
use crate::event::Event;
use crate::model::{MsgRef, UserId};
use chrono::{Duration, NaiveDateTime};
use rustc_hash::FxHashSet;

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
}

impl From<crate::journal::JournalError> for RetentionError {
    fn from(e: crate::journal::JournalError) -> Self {
        RetentionError::Store(e.into())
    }
}

/// The journal entries that retention removes: every event about a group
/// message first sent before `cutoff` (local) that is not in `keep`.
/// Events come in journal order, so a message is seen before its edits.
pub fn expired(
    events: Vec<(u64, Event)>,
    keep: &FxHashSet<MsgRef>,
    cutoff: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Vec<(u64, Event)> {
    let mut doomed: FxHashSet<MsgRef> = FxHashSet::default();
    events
        .into_iter()
        .filter(|(_, ev)| match ev {
            Event::Message { date, .. } => {
                let Some(m) = ev.msg_ref() else { return false };
                let old = date.with_timezone(&tz).naive_local() < cutoff;
                old && !keep.contains(&m) && doomed.insert(m)
            }
            Event::Edit { .. } => ev.msg_ref().is_some_and(|m| doomed.contains(&m)),
            Event::Done { task, .. } | Event::HandIn { task, .. } => doomed.contains(task),
            Event::Feedback { task, other, .. } => doomed.contains(task) || doomed.contains(other),
            _ => false,
        })
        .collect()
}

/// The journal entries that are about `user` alone: their name as the
/// groups showed it, and their Done marks.
pub fn about_person(events: Vec<(u64, Event)>, user: UserId) -> Vec<(u64, Event)> {
    events
        .into_iter()
        .filter(|(_, ev)| match ev {
            Event::Person { user_id, .. }
            | Event::Done { user_id, .. }
            | Event::HandIn { user_id, .. } => *user_id == user,
            _ => false,
        })
        .collect()
}

/// Remove what retention says from the journal; how many entries left.
pub fn compact(shared: &Shared) -> Result<usize, RetentionError> {
    let _m = shared.maintenance();
    let days = i64::from(shared.config().bot.retention_days);
    let overdue = i64::from(shared.config().digest.overdue_days);
    let now = shared.local_now();
    let (keep, tz) = {
        let e = shared.engine();
        let window = e.settings.rules.undated_days;
        // Open, or still shown as overdue.
        let shown_until = now - Duration::days(overdue);
        let keep: FxHashSet<MsgRef> = e
            .tasks
            .values()
            .filter(|t| t.is_pending_at(shown_until, window))
            .map(|t| t.src)
            .collect();
        (keep, e.settings.tz)
    };
    let doomed = expired(
        shared.journal.events_after(None)?,
        &keep,
        now - Duration::days(days),
        tz,
    );
    remove_and_rebuild(shared, &doomed)?;
    if !doomed.is_empty() {
        tracing::info!(
            removed = doomed.len(),
            "retention: journal entries older than {days} days removed"
        );
    }
    Ok(doomed.len())
}

/// What `/forget` removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    pub journal_entries: usize,
    pub outbox_messages: usize,
}

/// Forget a person: registration, settings, Done marks, name, outbox.
pub fn forget(shared: &Shared, user: UserId) -> Result<Forgotten, RetentionError> {
    let _m = shared.maintenance();
    shared.people.forget(user).map_err(StoreError::from)?;
    let outbox_messages = shared
        .outbox
        .forget_chat(user.0)
        .map_err(StoreError::from)?;
    // Their draft and hand-ins name their private chat's messages.
    super::handin::forget(shared, user)?;
    let doomed = about_person(shared.journal.events_after(None)?, user);
    remove_and_rebuild(shared, &doomed)?;
    // Removing nothing from the journal still leaves their registration gone.
    shared.journal.flush()?;
    Ok(Forgotten {
        journal_entries: doomed.len(),
        outbox_messages,
    })
}

/// Remove `doomed` from the journal (the snapshot first: it holds them
/// too), rebuild the engine from what is left, write a new snapshot. The
/// caller holds [`Shared::maintenance`].
fn remove_and_rebuild(shared: &Shared, doomed: &[(u64, Event)]) -> Result<(), RetentionError> {
    if doomed.is_empty() {
        return Ok(());
    }
    snapshot::remove(shared.dir())?;
    shared.journal.remove(doomed)?;
    shared.journal.flush()?;
    rebuild_engine(shared)?;
    if shared.config().bot.snapshot_every_secs > 0 {
        snapshot::write_now(shared, None)?;
    }
    Ok(())
}

/// Replace the engine with one rebuilt from the journal as it is now. The
/// replay runs without locks; only the events journaled meanwhile are
/// applied while intake waits. Their warnings were queued when they came.
pub fn rebuild_engine(shared: &Shared) -> Result<(), StoreError> {
    let settings = shared.engine().settings.clone();
    let events = shared.journal.events_after(None)?;
    let upto = events.last().map(|(s, _)| *s);
    let mut fresh = Engine::new(settings);
    // Quarantine-aware: an event that panicked once is skipped here too.
    for (_, ev) in &events {
        shared.quarantine.apply(&mut fresh, ev);
    }
    drop(events);
    shared.with_quiet_engine(|engine| -> Result<(), StoreError> {
        for (_, ev) in shared.journal.events_after(upto)? {
            shared.quarantine.apply(&mut fresh, &ev);
        }
        // A reload may have happened meanwhile.
        fresh.settings = engine.settings.clone();
        *engine = fresh;
        shared.recount_journal();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(json: &str) -> Event {
        serde_json::from_str(json).expect("event")
    }

    fn msg(id: i64, day: u32) -> Event {
        ev(&format!(
            r#"{{"type":"message","chat_id":-1,"message_id":{id},"sender_id":7,"date":"2024-03-{day:02}T09:00:00+08:00","text":"x"}}"#
        ))
    }

    fn r(id: i64) -> MsgRef {
        MsgRef {
            chat_id: crate::model::ChatId(-1),
            message_id: id,
        }
    }

    #[test]
    fn an_old_message_goes_with_its_edits_marks_and_verdicts_unless_kept() {
        let events: Vec<(u64, Event)> = [
            msg(1, 1),
            msg(2, 1),
            msg(3, 20),
            ev(r#"{"type":"edit","chat_id":-1,"message_id":1,"date":"2024-03-25T09:00:00+08:00","text":"y"}"#),
            ev(r#"{"type":"done","user_id":8,"task":{"chat_id":-1,"message_id":1},"date":"2024-03-02T09:00:00+08:00"}"#),
            ev(r#"{"type":"feedback","task":{"chat_id":-1,"message_id":2},"other":{"chat_id":-1,"message_id":1},"same":false,"by":8,"date":"2024-03-02T09:00:00+08:00"}"#),
            ev(r#"{"type":"person","user_id":7,"name":"n"}"#),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, e)| (i as u64, e))
        .collect();
        let cutoff = chrono::NaiveDate::from_ymd_opt(2024, 3, 10)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("cutoff");
        let keep: FxHashSet<MsgRef> = [r(2)].into_iter().collect();
        let gone: Vec<u64> = expired(events, &keep, cutoff, chrono_tz::Asia::Shanghai)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        // Message 1 (old, not kept) with its late edit, its Done mark and
        // the verdict naming it; message 2 is kept, 3 is recent.
        assert_eq!(gone, vec![0, 3, 4, 5]);
    }

    #[test]
    fn forgetting_takes_the_persons_name_and_marks_only() {
        let events: Vec<(u64, Event)> = [
            ev(r#"{"type":"person","user_id":7,"name":"n"}"#),
            ev(r#"{"type":"person","user_id":8,"name":"m"}"#),
            msg(1, 1),
            ev(r#"{"type":"done","user_id":7,"task":{"chat_id":-1,"message_id":1},"date":"2024-03-02T09:00:00+08:00"}"#),
            ev(r#"{"type":"member","chat_id":-1,"user_id":7}"#),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, e)| (i as u64, e))
        .collect();
        let gone: Vec<u64> = about_person(events, UserId(7))
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        assert_eq!(gone, vec![0, 3]);
    }
}
