//! Removing an object, of any kind, guarded against recycled ids.
//!
//! There is no compare-and-remove in the kernel. Right before removing,
//! the object is read again and compared with what the user saw (the
//! kind says what tells two objects under one id apart); another object
//! under the id is left alone. So is an object of another IPC namespace
//! than the one ipctop runs in: ids repeat across namespaces.

use std::fmt;

use crate::kinds::Removable;
use crate::model::ObjectId;
use crate::sys::{Errno, SysError};

/// Why an object was not removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveError {
    /// What the object is called (`queue`).
    pub noun: &'static str,
    /// Its id.
    pub id: i64,
    /// Why not.
    pub why: NotRemoved,
}

/// The reasons for [`RemoveError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRemoved {
    /// The id now names another object, or the object was changed: what
    /// differs, in words.
    Replaced(String),
    /// No object has the id any more.
    Gone,
    /// We may not remove it.
    NotPermitted,
    /// It belongs to another IPC namespace than ipctop's.
    OtherNamespace {
        /// Its namespace (inode).
        its: u64,
        /// Ours, or `None` when it cannot be read.
        ours: Option<u64>,
    },
    /// The job named an object of another kind (a mix-up no caller
    /// should make; refused rather than acted on under the wrong kind).
    OtherKind(crate::model::Kind),
    /// It could not be read again before removing it.
    Unreadable(String),
    /// Anything else.
    Sys(SysError),
}

impl fmt::Display for RemoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { noun, id, why } = self;
        match why {
            NotRemoved::Replaced(what) => write!(
                f,
                "{noun} {id} was replaced since you selected it ({what}); not removed"
            ),
            NotRemoved::Gone => write!(f, "{noun} {id} is already gone"),
            NotRemoved::NotPermitted => write!(
                f,
                "{noun} {id} not removed: only its owner, its creator or root can remove it"
            ),
            NotRemoved::OtherNamespace { its, ours } => {
                let ours = ours.map_or_else(|| "unknown".to_owned(), |n| format!("ipc:[{n}]"));
                write!(
                    f,
                    "{noun} {id} not removed: it is in IPC namespace ipc:[{its}], ipctop in {ours}"
                )
            }
            NotRemoved::OtherKind(kind) => write!(
                f,
                "{noun} {id} not removed: the request was for a {}",
                kind.noun()
            ),
            NotRemoved::Unreadable(reason) => write!(f, "not removed: {reason}"),
            NotRemoved::Sys(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RemoveError {}

/// Compares what the user saw (`chosen`) with the object as it is now.
pub fn check<K: Removable>(chosen: &K::Object, now: &K::Object) -> Result<(), RemoveError> {
    let changes = K::changes(chosen, now);
    if changes.is_empty() {
        Ok(())
    } else {
        Err(error::<K>(
            K::id(chosen),
            NotRemoved::Replaced(changes.join(", ")),
        ))
    }
}

fn error<K: Removable>(id: i64, why: NotRemoved) -> RemoveError {
    RemoveError {
        noun: K::NOUN,
        id,
        why,
    }
}

/// Removes `chosen` (object `target` as the user saw it), and only that
/// object: in ipctop's own IPC namespace, under the same id, the same
/// incarnation. Returns the object as it was just before removal (what
/// was lost).
pub fn remove<K: Removable>(
    target: ObjectId,
    chosen: &K::Object,
) -> Result<K::Object, RemoveError> {
    let id = target.id;
    if target.kind != K::KIND {
        return Err(error::<K>(id, NotRemoved::OtherKind(target.kind)));
    }
    let ours = crate::collect::current_namespace().ok();
    if ours != Some(target.namespace) {
        let why = NotRemoved::OtherNamespace {
            its: target.namespace,
            ours,
        };
        return Err(error::<K>(id, why));
    }
    let now = K::current(id)
        .map_err(|e| error::<K>(id, NotRemoved::Unreadable(e.to_string())))?
        .ok_or_else(|| error::<K>(id, NotRemoved::Gone))?;
    check::<K>(chosen, &now)?;
    K::remove(id).map_err(|e| {
        let why = match e.errno {
            Errno::EPERM => NotRemoved::NotPermitted,
            Errno::EINVAL | Errno::EIDRM => NotRemoved::Gone,
            _ => NotRemoved::Sys(e),
        };
        error::<K>(id, why)
    })?;
    Ok(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::sysv_msg::SysvMsg;
    use crate::model::MsgQueue;

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

    fn replaced(result: Result<(), RemoveError>) -> bool {
        matches!(
            result,
            Err(RemoveError {
                why: NotRemoved::Replaced(_),
                ..
            })
        )
    }

    #[test]
    fn the_same_queue_passes_and_a_recycled_id_does_not() {
        let seen = queue();
        let mut later = seen.clone();
        later.messages = 99;
        later.uid = 0; // IPC_SET of the owner would change ctime too
        assert_eq!(check::<SysvMsg>(&seen, &later), Ok(()));

        let mut other = seen.clone();
        other.key = 0x9999;
        other.ctime = 2_000;
        let err = check::<SysvMsg>(&seen, &other).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("queue 65538 was replaced"), "{text}");
        assert!(text.contains("key 0x00001234 is now 0x00009999"), "{text}");
        assert!(text.ends_with("not removed"), "{text}");

        let mut recreated = seen.clone();
        recreated.ctime = 1_001;
        assert!(replaced(check::<SysvMsg>(&seen, &recreated)));

        // Same key, creator and second, but no history: another queue.
        let mut used = seen;
        used.stime = 1_000;
        used.rtime = 1_000;
        let mut same_second = used.clone();
        same_second.stime = 0;
        assert!(replaced(check::<SysvMsg>(&used, &same_second)));
    }

    #[test]
    fn an_object_named_as_another_kind_is_never_removed() {
        let ours = crate::collect::current_namespace().expect("our namespace");
        let target = ObjectId {
            namespace: ours,
            kind: crate::model::Kind::SysvShm,
            id: 65538,
        };
        let err = remove::<SysvMsg>(target, &queue()).unwrap_err();
        assert!(matches!(
            err.why,
            NotRemoved::OtherKind(crate::model::Kind::SysvShm)
        ));
    }

    #[test]
    fn an_object_of_another_namespace_is_never_removed() {
        let seen = queue();
        let ours = crate::collect::current_namespace().expect("our namespace");
        let target = ObjectId {
            namespace: ours + 1,
            kind: crate::model::Kind::SysvMsg,
            id: 65538,
        };
        let err = remove::<SysvMsg>(target, &seen).unwrap_err();
        assert!(
            matches!(err.why, NotRemoved::OtherNamespace { its, ours: Some(o) } if its == ours + 1 && o == ours)
        );
        assert!(
            err.to_string()
                .contains("not removed: it is in IPC namespace"),
            "{err}"
        );
    }
}
