//! Collectors: read the kernel, return an owned [`Snapshot`].
//!
//! They know nothing of the screen. One file per IPC kind plus the shared
//! name caches; [`Collector`] ties them together for one refresh.

pub mod blocked;
mod error;
pub mod kernel;
pub mod names;
pub mod processes;
pub mod sysv_msg;
pub mod sysv_shm;
pub mod sysvipc;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::time::SystemTime;

use crate::model::{Kind, MsgLimits, MsgSource, MsgTable, ShmTable, Snapshot};
pub use error::CollectError;
use names::NameCache;
use processes::ProcessCache;

/// The IPC namespace the calling thread is in, by inode: the one its
/// IPC calls act on (`unshare` moves a single thread; kernels before 3.17
/// have no `/proc/thread-self`, and then the process's is taken).
pub fn current_namespace() -> Result<u64, CollectError> {
    const THREAD: &str = "/proc/thread-self/ns/ipc";
    const PROCESS: &str = "/proc/self/ns/ipc";
    std::fs::metadata(THREAD)
        .or_else(|_| std::fs::metadata(PROCESS))
        .map(|m| m.ino())
        .map_err(|e| CollectError::Io(PROCESS, e))
}

/// The inode of the machine's initial IPC namespace (`PROC_IPC_INIT_INO`),
/// which every kernel gives it.
pub const HOST_IPC_NAMESPACE: u64 = 0xEFFF_FFFF;

/// What IPC namespace `inode` is to a person: `host`, or the lowest pid
/// in it with its command (looked up once, when a collector starts).
fn namespace_label(inode: u64) -> Option<String> {
    if inode == HOST_IPC_NAMESPACE {
        return Some("host".to_owned());
    }
    let mut pids: Vec<i32> = std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    let pid = pids
        .into_iter()
        .find(|&pid| blocked::namespace_of(pid) == Some(inode))?;
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(format!("{pid} {}", comm.trim_end()))
}

/// Everything one refresh needs that outlives the refresh: caches and
/// the choice of source.
#[derive(Debug)]
pub struct Collector {
    namespace: u64,
    namespace_label: Option<String>,
    hostname: String,
    source: MsgSource,
    users: NameCache,
    groups: NameCache,
    processes: ProcessCache,
    /// Resolve groups and processes (the TUI shows them).
    details: bool,
}

impl Collector {
    /// A collector for this process's namespace, using `MSG_STAT_ANY` where
    /// the kernel has it.
    pub fn new() -> Result<Self, CollectError> {
        Self::with_source(kernel::best_msg_source())
    }

    /// A collector that reads message queues from `source` (tests use this
    /// to exercise the fallback on any kernel).
    pub fn with_source(source: MsgSource) -> Result<Self, CollectError> {
        let namespace = current_namespace()?;
        Ok(Self {
            namespace,
            namespace_label: namespace_label(namespace),
            hostname: std::fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|name| name.trim_end().to_owned())
                .unwrap_or_default(),
            source,
            users: NameCache::users(),
            groups: NameCache::groups(),
            processes: ProcessCache::default(),
            details: true,
        })
    }

    /// A collector for `ipctop list`, which prints owners but neither
    /// groups nor processes: it skips looking those up.
    pub fn for_listing() -> Result<Self, CollectError> {
        Ok(Self {
            details: false,
            ..Self::new()?
        })
    }

    /// Reads every object and resolves the names it mentions. A kind
    /// that cannot be read is recorded in [`Snapshot::failures`] with an
    /// empty table; the other kinds are read all the same.
    pub fn collect(&mut self) -> Snapshot {
        let mut failures = BTreeMap::new();
        let msg = sysv_msg::read_table(self.source).unwrap_or_else(|e| {
            failures.insert(Kind::SysvMsg, e.to_string());
            MsgTable::new(Vec::new(), MsgLimits::default(), self.source)
        });
        let shm = match sysv_shm::read_table(self.source) {
            Ok(mut table) => {
                sysv_shm::attach(&mut table, self.namespace);
                table
            }
            Err(e) => {
                failures.insert(Kind::SysvShm, e.to_string());
                ShmTable::default()
            }
        };
        Snapshot {
            failures,
            ..self.describe(msg, shm)
        }
    }

    /// A snapshot of the tables with the user, group and process names
    /// their objects mention (also for tables read some other way, such
    /// as the one object `ipctop rm` shows).
    pub fn describe(&mut self, msg: MsgTable, shm: ShmTable) -> Snapshot {
        let (queues, segments) = (&msg.queues, &shm.segments);
        let users = self.users.names_of(
            queues
                .iter()
                .flat_map(|q| [q.uid, q.cuid])
                .chain(segments.iter().flat_map(|s| [s.uid, s.cuid])),
        );
        let (groups, processes) = if self.details {
            let groups = self.groups.names_of(
                queues
                    .iter()
                    .flat_map(|q| [q.gid, q.cgid])
                    .chain(segments.iter().flat_map(|s| [s.gid, s.cgid])),
            );
            let attached = shm.attachments.values().flatten().map(|a| a.pid);
            let processes = self.processes.lookup(
                queues
                    .iter()
                    .flat_map(|q| [q.lspid, q.lrpid])
                    .chain(segments.iter().flat_map(|s| [s.cpid, s.lpid]))
                    .chain(attached),
            );
            (groups, processes)
        } else {
            Default::default()
        };
        Snapshot {
            taken_at: SystemTime::now(),
            namespace: self.namespace,
            namespace_label: self.namespace_label.clone(),
            hostname: self.hostname.clone(),
            msg,
            shm,
            processes,
            users,
            groups,
            failures: BTreeMap::new(),
        }
    }

    /// The IPC namespace the collector reads (inode).
    pub fn namespace(&self) -> u64 {
        self.namespace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machines_own_namespace_is_called_host() {
        assert_eq!(namespace_label(HOST_IPC_NAMESPACE).as_deref(), Some("host"));
        // One no process is in: no name rather than a wrong one.
        assert_eq!(namespace_label(1), None);
    }
}
