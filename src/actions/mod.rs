//! What the user asks ipctop to do to the kernel, beyond watching it:
//! peek at messages, save one, remove a queue, find who waits on it.
//! `update` only asks for these (as [`Job`]s); they run off the UI thread,
//! and their outcome comes back as a [`Done`].

pub mod audit;
pub mod file;
pub mod peek;
pub mod remove;
pub mod save;

use std::path::PathBuf;

use crate::collect::blocked::{self, Blocked, Unchecked, WaitOp};
use crate::format;
use crate::kinds::{Chosen, Removable};
use crate::model::ObjectId;
use peek::{Page, PeekError};
use remove::RemoveError;
use save::Overwrite;

/// Work for the actions thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Copy up to `count` messages of `queue` from position `first`.
    Peek {
        /// The queue: namespace, kind, msqid.
        queue: ObjectId,
        /// First position.
        first: usize,
        /// How many at most.
        count: usize,
    },
    /// Write `data` to `path`.
    Save {
        /// The file.
        path: PathBuf,
        /// The bytes.
        data: Vec<u8>,
        /// May an existing file be replaced?
        overwrite: Overwrite,
    },
    /// Remove the object the user saw, and log it.
    Remove {
        /// Which object: its namespace, kind and id (checked against
        /// ipctop's namespace before anything is removed).
        target: ObjectId,
        /// The object as the user saw it.
        chosen: Chosen,
        /// The owner's name, for the log.
        owner: String,
        /// What the user was told would be lost, counted (logged when the
        /// removal fails; a removal logs what was really lost).
        told: Vec<(&'static str, u64)>,
    },
    /// Find the tasks blocked on `target`, among the tasks of its IPC
    /// namespace (ids repeat across namespaces).
    FindBlocked {
        /// The object: namespace, kind, id.
        target: ObjectId,
    },
}

/// The jobs that run one after another; jobs of different lanes never
/// wait for each other, so a slow peek (a long queue, a huge `msgmax`)
/// cannot hold up a removal dialog's search for blocked tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// Reading messages and saving them.
    Messages,
    /// Looking for blocked tasks and removing.
    Removal,
}

impl Job {
    /// The lane the job runs in.
    pub fn lane(&self) -> Lane {
        match self {
            Self::Peek { .. } | Self::Save { .. } => Lane::Messages,
            Self::Remove { .. } | Self::FindBlocked { .. } => Lane::Removal,
        }
    }
}

/// The outcome of a [`Job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// Messages read (or why not).
    Peeked {
        /// The queue.
        queue: ObjectId,
        /// The position asked for.
        first: usize,
        /// The page.
        result: Result<Box<Page>, PeekError>,
    },
    /// A file written (or why not).
    Saved {
        /// The file.
        path: PathBuf,
        /// Written, or why not (an existing file is left alone).
        result: Result<(), SaveFailure>,
    },
    /// A removal's outcome, in words for the status line.
    Removed(Result<String, String>),
    /// The tasks blocked on an object, described.
    Blocked {
        /// The object.
        target: ObjectId,
        /// One line per task.
        tasks: Vec<String>,
        /// Processes that could not be checked (another user's, as a
        /// normal user; some even to root) and may be blocked too,
        /// described with why: only those that can be in the object's IPC
        /// namespace.
        unchecked: Vec<String>,
    },
}

/// Why a save failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveFailure {
    /// A regular file is in the way, with this identity: ask before
    /// replacing it, and replace only this one
    /// ([`Overwrite::Confirmed`]).
    pub existing: Option<save::FileId>,
    /// What went wrong, in words.
    pub reason: String,
}

/// Does `job`. Blocking: run it off the UI thread.
pub fn perform(job: Job) -> Done {
    match job {
        Job::Peek {
            queue,
            first,
            count,
        } => Done::Peeked {
            queue,
            first,
            result: in_our_namespace(queue)
                .map_err(PeekError::OtherNamespace)
                .and_then(|id| peek::read_page(id, first, count))
                .map(Box::new),
        },
        Job::Save {
            path,
            data,
            overwrite,
        } => {
            let result = save::save(&path, &data, overwrite).map_err(|e| SaveFailure {
                existing: e.existing(),
                reason: e.to_string(),
            });
            Done::Saved { path, result }
        }
        Job::Remove {
            target,
            chosen,
            owner,
            told,
        } => Done::Removed(crate::each_kind!(&chosen, |K, object| {
            removal_status::<K>(remove_logged::<K>(target, object, &owner, &told))
        })),
        Job::FindBlocked { target } => {
            let tasks = match (i32::try_from(target.id), blocked::scan()) {
                (Ok(id), Ok(scan)) => Ok((
                    blocked::blocked_on(&scan.blocked, target.kind, id)
                        .filter(|task| blocked::in_namespace(task.pid, target.namespace))
                        .map(describe_blocked)
                        .collect(),
                    scan.unreadable
                        .iter()
                        .filter(|u| {
                            blocked::namespace_of(u.pid).is_none_or(|ns| ns == target.namespace)
                        })
                        .map(describe_unchecked)
                        .collect(),
                )),
                (Err(_), _) => Err(format!(
                    "no {} can have id {}",
                    target.kind.noun(),
                    target.id
                )),
                (_, Err(e)) => Err(e.to_string()),
            };
            let (tasks, unchecked) = tasks.unwrap_or_else(|e| {
                (
                    vec![format!("cannot look for blocked processes: {e}")],
                    Vec::new(),
                )
            });
            Done::Blocked {
                target,
                tasks,
                unchecked,
            }
        }
    }
}

/// The msqid of `queue` when it is in the IPC namespace this thread's
/// calls act on; otherwise what it is and where ipctop is, in words.
fn in_our_namespace(queue: ObjectId) -> Result<i32, String> {
    if queue.kind != crate::model::Kind::SysvMsg {
        return Err(format!(
            "object {} is a {}, not a message queue",
            queue.id,
            queue.kind.noun()
        ));
    }
    let ours = crate::collect::current_namespace().ok();
    if ours != Some(queue.namespace) {
        let ours = ours.map_or_else(|| "unknown".to_owned(), |n| format!("ipc:[{n}]"));
        return Err(format!(
            "queue {} is in IPC namespace ipc:[{}], ipctop in {ours}",
            queue.id, queue.namespace
        ));
    }
    i32::try_from(queue.id).map_err(|_| format!("no queue can have id {}", queue.id))
}

/// A removal attempt and its audit-log line.
#[derive(Debug)]
pub struct Logged<T> {
    /// The object as it was when removed, or why it was not.
    pub outcome: Result<T, RemoveError>,
    /// Where the line went, or why it could not be written.
    pub log: Result<PathBuf, String>,
}

/// Removes `chosen`, object `target` as the user saw it (see
/// [`remove::remove`]), and logs the attempt, whatever its outcome. `told`
/// is what the user was told would be lost; a removal logs what was
/// really lost.
pub fn remove_logged<K: Removable>(
    target: ObjectId,
    chosen: &K::Object,
    owner: &str,
    told: &[(&'static str, u64)],
) -> Logged<K::Object> {
    let outcome = remove::remove::<K>(target, chosen);
    let (result, lost) = match &outcome {
        Ok(removed) => ("removed".to_owned(), K::lost(removed)),
        Err(e) => (e.to_string(), told.to_vec()),
    };
    let log = audit::append(&audit::Entry {
        kind: K::KIND.name(),
        names: K::audit_names(chosen),
        owner,
        lost,
        result: &result,
    });
    Logged { outcome, log }
}

/// The status line for a removal from the monitor.
fn removal_status<K: Removable>(logged: Logged<K::Object>) -> Result<String, String> {
    let text = match &logged.outcome {
        Ok(removed) => removed_text::<K>(removed),
        Err(e) => e.to_string(),
    };
    match (logged.outcome.is_ok(), logged.log) {
        (true, Ok(_)) => Ok(text),
        (_, Err(log)) => Err(format!("{text} (and {log})")),
        (false, Ok(_)) => Err(text),
    }
}

/// `removed queue 65538 (3 messages, 30 B)`, as the kind says it.
pub fn removed_text<K: Removable>(removed: &K::Object) -> String {
    K::removed_text(removed)
}

/// `1 process_api (permission denied)`: a process that could not be
/// checked, and why (sanitized).
pub fn describe_unchecked(u: &Unchecked) -> String {
    let who = u
        .command
        .as_deref()
        .map_or_else(|| "?".to_owned(), |c| format::sanitize(c).into_owned());
    format!("{} {who} ({})", u.pid, format::sanitize(&u.why))
}

/// `4711/4713 worker: waiting to send 100 B`, `4711 worker: waiting in
/// semop (1 operation)` (sanitized).
pub fn describe_blocked(b: &Blocked) -> String {
    let who = match &b.command {
        Some(c) => format::sanitize(c).into_owned(),
        None => "?".to_owned(),
    };
    let task = if b.tid == b.pid {
        b.pid.to_string()
    } else {
        format!("{}/{}", b.pid, b.tid)
    };
    let what = match b.op {
        WaitOp::Send => format!("waiting to send {}", format::size(b.size)),
        WaitOp::Receive { msgtyp: 0, .. } => "waiting for a message".to_owned(),
        WaitOp::Receive { msgtyp, except } => format!(
            "waiting for a message ({})",
            peek::Selector { msgtyp, except }
        ),
        WaitOp::Semaphore { timed } => format!(
            "waiting in semop ({}{})",
            format::plural(b.size, "operation"),
            if timed { ", with a timeout" } else { "" }
        ),
    };
    let stopped = if b.stopped { " (stopped)" } else { "" };
    format!("{task} {who}: {what}{stopped}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn a_peek_for_another_namespace_reads_nothing() {
        let ours = crate::collect::current_namespace().expect("our namespace");
        let queue = ObjectId {
            namespace: ours + 1,
            kind: Kind::SysvMsg,
            id: 0,
        };
        let done = perform(Job::Peek {
            queue,
            first: 0,
            count: 1,
        });
        let Done::Peeked { result, .. } = done else {
            panic!("not a peek: {done:?}");
        };
        let Err(PeekError::OtherNamespace(why)) = result else {
            panic!("read in the wrong namespace: {result:?}");
        };
        assert!(why.contains(&format!("ipc:[{}]", ours + 1)), "{why}");
    }
}
