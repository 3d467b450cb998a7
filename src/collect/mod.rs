//! Collectors: read the kernel, return an owned [`Snapshot`].
//!
//! They know nothing of the screen. One file per IPC kind plus the shared
//! name caches; [`Collector`] ties them together for one refresh.

pub mod blocked;
mod error;
pub mod kernel;
pub mod limits;
pub mod names;
pub mod processes;
pub mod senders;
pub mod sysv_msg;
pub mod sysv_sem;
pub mod sysv_shm;
pub mod sysvipc;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::time::SystemTime;

use crate::model::{Kind, MsgLimits, MsgSource, MsgTable, SemTable, ShmTable, Snapshot};
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

/// The tables of one refresh, before names are resolved; a kind left
/// out is empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    /// System V message queues.
    pub msg: MsgTable,
    /// System V shared-memory segments.
    pub shm: ShmTable,
    /// System V semaphore sets.
    pub sem: SemTable,
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
    attachments: sysv_shm::AttachCache,
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
            attachments: sysv_shm::AttachCache::default(),
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

    /// Reads every object, the processes blocked sending to a full queue
    /// (only when some queue could block one: see [`senders`]) and
    /// resolves the names they mention. A kind that cannot be read is
    /// recorded in [`Snapshot::failures`] with an empty table; the other
    /// kinds are read all the same.
    pub fn collect(&mut self) -> Snapshot {
        let mut failures = BTreeMap::new();
        let msg = match sysv_msg::read_table(self.source) {
            Ok(mut table) => {
                senders::attach(&mut table, self.namespace);
                table
            }
            Err(e) => {
                failures.insert(Kind::SysvMsg, e.to_string());
                MsgTable::new(Vec::new(), MsgLimits::default(), self.source)
            }
        };
        let sem = sysv_sem::read_table(self.source).unwrap_or_else(|e| {
            failures.insert(Kind::SysvSem, e.to_string());
            SemTable {
                source: self.source,
                ..SemTable::default()
            }
        });
        let shm = match sysv_shm::read_table(self.source) {
            Ok(mut table) => {
                self.attachments.attach(&mut table, self.namespace);
                table
            }
            Err(e) => {
                failures.insert(Kind::SysvShm, e.to_string());
                ShmTable::default()
            }
        };
        let mut snap = Snapshot {
            failures,
            ..self.describe(Tables { msg, shm, sem })
        };
        snap.limits = limits::rows(&snap, &limits::Sysctl::read(limits::SYSCTL_DIR));
        snap
    }

    /// A snapshot of `tables` with the user, group and process names
    /// their objects mention (also for tables read some other way, such
    /// as the one object `ipctop rm` shows).
    pub fn describe(&mut self, tables: Tables) -> Snapshot {
        let Tables { msg, shm, sem } = tables;
        let (queues, segments, sets) = (&msg.queues, &shm.segments, &sem.sets);
        let owners = queues.iter().map(|q| (q.uid, q.gid, q.cuid, q.cgid));
        let owners = owners
            .chain(segments.iter().map(|s| (s.uid, s.gid, s.cuid, s.cgid)))
            .chain(sets.iter().map(|s| (s.uid, s.gid, s.cuid, s.cgid)));
        let users = self
            .users
            .names_of(owners.clone().flat_map(|(uid, _, cuid, _)| [uid, cuid]));
        let (groups, processes) = if self.details {
            let groups = self
                .groups
                .names_of(owners.flat_map(|(_, gid, _, cgid)| [gid, cgid]));
            let pids = queues.iter().flat_map(|q| [q.lspid, q.lrpid]);
            let pids = pids
                .chain(segments.iter().flat_map(|s| [s.cpid, s.lpid]))
                .chain(shm.attachments.values().flatten().map(|a| a.pid))
                .chain(sets.iter().flat_map(|s| s.sems.iter().map(|m| m.pid)))
                .chain(msg.blocked_senders.values().flatten().copied());
            let processes = self.processes.lookup(pids);
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
            limits: Vec::new(),
            shm,
            sem,
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
