//! Removing a queue (`IPC_RMID`), guarded against recycled ids.
//!
//! There is no compare-and-remove in the kernel. Right before removing,
//! the queue is read again and compared with what the user saw: a queue
//! with the same id but another key, creator or change time is another
//! queue (or was changed with `IPC_SET`), and is left alone.

use std::fmt;

use crate::collect::{CollectError, kernel, sysv_msg};
use crate::format;
use crate::model::MsgQueue;
use crate::sys::msg;
use crate::sys::{Errno, SysError};

/// What the user saw of a queue when choosing to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    /// The msqid.
    pub id: i32,
    /// Its key.
    pub key: i32,
    /// Its creator uid.
    pub cuid: u32,
    /// Its creator gid.
    pub cgid: u32,
    /// Its last change time.
    pub ctime: i64,
    /// Its last send time.
    pub stime: i64,
    /// Its last receive time.
    pub rtime: i64,
}

impl From<&MsgQueue> for Expected {
    fn from(q: &MsgQueue) -> Self {
        Self {
            id: q.id,
            key: q.key,
            cuid: q.cuid,
            cgid: q.cgid,
            ctime: q.ctime,
            stime: q.stime,
            rtime: q.rtime,
        }
    }
}

/// Why a queue was not removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoveError {
    /// The id now names another queue, or the queue was changed.
    Replaced {
        /// The msqid.
        id: i32,
        /// What differs, in words.
        what: String,
    },
    /// No queue has this id any more.
    Gone(i32),
    /// We may not remove it.
    NotPermitted(i32),
    /// The queue could not be read again before removing it.
    Unreadable(String),
    /// Anything else.
    Sys(SysError),
}

impl fmt::Display for RemoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Replaced { id, what } => {
                write!(
                    f,
                    "queue {id} was replaced since you selected it ({what}); not removed"
                )
            }
            Self::Gone(id) => write!(f, "queue {id} is already gone"),
            Self::NotPermitted(id) => write!(
                f,
                "queue {id} not removed: only its owner, its creator or root can remove it"
            ),
            Self::Unreadable(reason) => write!(f, "not removed: {reason}"),
            Self::Sys(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RemoveError {}

/// The queue with id `id` as it is now, `None` if there is none. Uses
/// `IPC_STAT`, or, without read permission (an owner may remove a queue
/// it may not read), a `MSG_STAT_ANY` scan.
pub fn current(id: i32) -> Result<Option<MsgQueue>, CollectError> {
    match msg::stat(id) {
        Ok(stat) => Ok(Some(sysv_msg::queue_from_stat(id, &stat))),
        Err(e) if matches!(e.errno, Errno::EINVAL | Errno::EIDRM) => Ok(None),
        Err(e) if e.errno == Errno::EACCES => {
            let table = sysv_msg::read_table(kernel::best_msg_source())?;
            Ok(table.queues.into_iter().find(|q| q.id == id))
        }
        Err(e) => Err(e.into()),
    }
}

/// Compares what the user saw with the queue as it is now.
pub fn check(expected: &Expected, now: &MsgQueue) -> Result<(), RemoveError> {
    let mut changes = Vec::new();
    if now.key != expected.key {
        changes.push(format!(
            "key {} is now {}",
            format::key(expected.key),
            format::key(now.key)
        ));
    }
    if (now.cuid, now.cgid) != (expected.cuid, expected.cgid) {
        changes.push(format!(
            "creator {}:{} is now {}:{}",
            expected.cuid, expected.cgid, now.cuid, now.cgid
        ));
    }
    if now.ctime != expected.ctime {
        changes.push("it was created or changed again".to_owned());
    }
    // A queue's send and receive times only move forward: earlier ones
    // (or none) mean a queue created in the same second under the old id.
    if now.stime < expected.stime || now.rtime < expected.rtime {
        changes.push("its history starts again".to_owned());
    }
    if changes.is_empty() {
        Ok(())
    } else {
        Err(RemoveError::Replaced {
            id: expected.id,
            what: changes.join(", "),
        })
    }
}

/// Removes the queue the user saw, and only that one. Returns the queue
/// as it was just before removal (what was lost).
pub fn remove(expected: &Expected) -> Result<MsgQueue, RemoveError> {
    let id = expected.id;
    let now = current(id)
        .map_err(|e| RemoveError::Unreadable(e.to_string()))?
        .ok_or(RemoveError::Gone(id))?;
    check(expected, &now)?;
    msg::remove(id).map_err(|e| match e.errno {
        Errno::EPERM => RemoveError::NotPermitted(id),
        Errno::EINVAL | Errno::EIDRM => RemoveError::Gone(id),
        _ => RemoveError::Sys(e),
    })?;
    Ok(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue() -> MsgQueue {
        MsgQueue {
            key: 0x1234,
            id: 65538,
            uid: 1000,
            gid: 1000,
            cuid: 1000,
            cgid: 100,
            perms: 0o600,
            messages: 3,
            used_bytes: 30,
            max_bytes: Some(16384),
            lspid: 0,
            lrpid: 0,
            stime: 0,
            rtime: 0,
            ctime: 1_000,
        }
    }

    #[test]
    fn the_same_queue_passes_and_a_recycled_id_does_not() {
        let seen = queue();
        let expected = Expected::from(&seen);
        let mut later = seen.clone();
        later.messages = 99;
        later.uid = 0; // IPC_SET of the owner would change ctime too
        assert_eq!(check(&expected, &later), Ok(()));

        let mut other = seen.clone();
        other.key = 0x9999;
        other.ctime = 2_000;
        let err = check(&expected, &other).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("queue 65538 was replaced"), "{text}");
        assert!(text.contains("key 0x00001234 is now 0x00009999"), "{text}");
        assert!(text.ends_with("not removed"), "{text}");

        let mut recreated = seen.clone();
        recreated.ctime = 1_001;
        assert!(matches!(
            check(&expected, &recreated),
            Err(RemoveError::Replaced { .. })
        ));

        // Same key, creator and second, but no history: another queue.
        let mut used = seen;
        used.stime = 1_000;
        used.rtime = 1_000;
        let mut same_second = used.clone();
        same_second.stime = 0;
        assert!(matches!(
            check(&Expected::from(&used), &same_second),
            Err(RemoveError::Replaced { .. })
        ));
    }
}
