//! Plain owned data handed from the collector to the UI and the CLI.
//!
//! Nothing here touches the kernel or the screen: a [`Snapshot`] is what one
//! refresh saw, complete with resolved user and process names, so the UI can
//! render it without any I/O and tests can build one by hand.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use serde::Serialize;

/// The kinds of IPC object ipctop knows about, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// System V message queue.
    SysvMsg,
    /// System V shared-memory segment.
    SysvShm,
    /// System V semaphore set.
    SysvSem,
    /// POSIX message queue.
    PosixMq,
    /// Pipe or FIFO.
    Pipe,
    /// A system-wide IPC limit (`msgmni`, `shmall`, …).
    Limit,
}

impl Kind {
    /// Every kind, in tab order.
    pub const ALL: [Kind; 6] = [
        Kind::SysvMsg,
        Kind::SysvShm,
        Kind::SysvSem,
        Kind::PosixMq,
        Kind::Pipe,
        Kind::Limit,
    ];

    /// The name on the command line and in `list --json` (`msg`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::SysvMsg => "msg",
            Kind::SysvShm => "shm",
            Kind::SysvSem => "sem",
            Kind::PosixMq => "mq",
            Kind::Pipe => "pipe",
            Kind::Limit => "limits",
        }
    }

    /// What one object of the kind is called, in words.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::SysvMsg => "System V message queue",
            Kind::SysvShm => "System V shared-memory segment",
            Kind::SysvSem => "System V semaphore set",
            Kind::PosixMq => "POSIX message queue",
            Kind::Pipe => "pipe or FIFO",
            Kind::Limit => "system IPC limit",
        }
    }
}

/// Identity of one IPC object across refreshes.
///
/// Ids repeat across IPC namespaces (msqid 0 exists in every container), so
/// the namespace is part of the identity from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    /// Inode of the IPC namespace (`/proc/self/ns/ipc`).
    pub namespace: u64,
    /// What kind of object the id names.
    pub kind: Kind,
    /// The kernel's id for it (msqid, shmid, ...; an inode for files).
    pub id: i64,
}

/// One System V message queue as `msgctl(MSG_STAT_ANY)` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MsgQueue {
    /// The key as the kernel stores it; shown as `0x%08x` of the bit pattern.
    #[serde(serialize_with = "serialize_key")]
    pub key: i32,
    /// The msqid.
    pub id: i32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Creator uid.
    pub cuid: u32,
    /// Creator gid.
    pub cgid: u32,
    /// Permission bits (`0o644` is 420).
    pub perms: u32,
    /// Messages on the queue (`msg_qnum`).
    pub messages: u64,
    /// Bytes of payload on the queue (`msg_cbytes`).
    pub used_bytes: u64,
    /// Capacity in bytes (`msg_qbytes`); `None` when it could not be read
    /// (the `/proc` fallback without read permission).
    pub max_bytes: Option<u64>,
    /// Pid of the last `msgsnd` (0: none).
    pub lspid: i32,
    /// Pid of the last `msgrcv` (0: none).
    pub lrpid: i32,
    /// Time of the last `msgsnd` (Unix seconds, 0: never).
    pub stime: i64,
    /// Time of the last `msgrcv` (Unix seconds, 0: never).
    pub rtime: i64,
    /// Time of the last change: creation or `IPC_SET` (Unix seconds).
    pub ctime: i64,
}

fn serialize_key<S: serde::Serializer>(key: &i32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u32(key_bits(*key))
}

/// The key's bit pattern, as `ipcs` shows it in hex.
pub fn key_bits(key: i32) -> u32 {
    u32::from_ne_bytes(key.to_ne_bytes())
}

impl MsgQueue {
    /// Fill level in percent of capacity, when the capacity is known and
    /// not zero.
    pub fn fill_percent(&self) -> Option<f64> {
        match self.max_bytes {
            Some(max) if max > 0 => Some(self.used_bytes as f64 * 100.0 / max as f64),
            _ => None,
        }
    }
}

/// System-wide message-queue limits from `/proc/sys/kernel`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MsgLimits {
    /// Most queues the namespace may hold (`msgmni`).
    pub msgmni: u64,
    /// Largest single message in bytes (`msgmax`).
    pub msgmax: u64,
    /// Default capacity of a new queue in bytes (`msgmnb`).
    pub msgmnb: u64,
}

/// Where the queue table (and the semaphore table: `SEM_STAT_ANY` came
/// with `MSG_STAT_ANY`) came from this refresh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MsgSource {
    /// `MSG_INFO` + a `MSG_STAT_ANY` loop (kernel 4.17+).
    #[default]
    StatAny,
    /// `/proc/sysvipc/msg` + `IPC_STAT` per queue (older kernels).
    ProcFile,
}

/// Every message queue of one namespace, with totals and limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MsgTable {
    /// One entry per queue, in kernel index order.
    pub queues: Vec<MsgQueue>,
    /// The limits in force.
    pub limits: MsgLimits,
    /// How the table was read.
    pub source: MsgSource,
    /// Queues the kernel would not describe (left out of `queues`).
    pub unreadable: u32,
    /// The processes of the table's namespace with a task blocked in
    /// `msgsnd` (the queue has no room for their message), by msqid: pids
    /// in ascending order, each once. Only queues that could block a
    /// sender are looked at, and only when there is one (see
    /// [`crate::collect::senders`]); a queue without entry has none.
    pub blocked_senders: BTreeMap<i32, Vec<i32>>,
    /// Processes with tasks the look for [`MsgTable::blocked_senders`]
    /// could not read (other users', some even to root) and that may be in
    /// the table's namespace: they might be blocked too.
    pub unchecked_processes: u32,
    total_messages: u64,
    total_bytes: u64,
}

impl MsgTable {
    /// A table of `queues`; the totals are summed once, here, rather than
    /// on every frame that shows them.
    pub fn new(queues: Vec<MsgQueue>, limits: MsgLimits, source: MsgSource) -> Self {
        let (total_messages, total_bytes) = queues
            .iter()
            .fold((0, 0), |(m, b), q| (m + q.messages, b + q.used_bytes));
        Self {
            queues,
            limits,
            source,
            unreadable: 0,
            blocked_senders: BTreeMap::new(),
            unchecked_processes: 0,
            total_messages,
            total_bytes,
        }
    }

    /// Messages on all queues together.
    pub fn total_messages(&self) -> u64 {
        self.total_messages
    }

    /// Payload bytes on all queues together.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// The processes blocked sending to queue `id` (see
    /// [`MsgTable::blocked_senders`]).
    pub fn blocked_senders_of(&self, id: i32) -> &[i32] {
        self.blocked_senders.get(&id).map_or(&[], Vec::as_slice)
    }
}

/// One semaphore of a set, as `GETVAL`, `GETPID`, `GETNCNT` and
/// `GETZCNT` report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Semaphore {
    /// Its number in the set (0-based).
    pub num: u32,
    /// Its value.
    pub value: u32,
    /// Pid of the last operation on it (0: none).
    pub pid: i32,
    /// Tasks waiting to decrement it (for its value to grow).
    pub ncnt: u32,
    /// Tasks waiting for it to be zero.
    pub zcnt: u32,
}

/// One System V semaphore set as `semctl(SEM_STAT_ANY)` reports it, with
/// its semaphores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SemSet {
    /// The key as the kernel stores it; shown as `0x%08x` of the bit pattern.
    #[serde(serialize_with = "serialize_key")]
    pub key: i32,
    /// The semid.
    pub id: i32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Creator uid.
    pub cuid: u32,
    /// Creator gid.
    pub cgid: u32,
    /// Permission bits (`0o600` is 384).
    pub perms: u32,
    /// Semaphores in the set.
    pub nsems: u32,
    /// Time of the last `semop` (Unix seconds, 0: never).
    pub otime: i64,
    /// Time of the last change: creation, `IPC_SET`, `SETVAL`, `SETALL`.
    pub ctime: i64,
    /// Its semaphores, by number; empty when they could not be read (see
    /// `values_readable`).
    pub sems: Vec<Semaphore>,
    /// Could the semaphores be read? (Reading them needs read permission.)
    pub values_readable: bool,
}

impl SemSet {
    /// Tasks waiting on any of its semaphores (to decrement, or for
    /// zero): the backpressure of a semaphore.
    pub fn waiting(&self) -> u64 {
        self.sems
            .iter()
            .map(|s| u64::from(s.ncnt) + u64::from(s.zcnt))
            .sum()
    }
}

/// The namespace's semaphore limits (`/proc/sys/kernel/sem`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SemLimits {
    /// Most sets (`semmni`).
    pub semmni: u32,
    /// Most semaphores in all sets together (`semmns`).
    pub semmns: u32,
    /// Most semaphores in one set (`semmsl`).
    pub semmsl: u32,
    /// Most operations in one `semop` (`semopm`).
    pub semopm: u32,
    /// Largest value of a semaphore (`semvmx`).
    pub semvmx: u32,
}

/// What is in use, as `SEM_INFO` counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SemUsage {
    /// Sets in use.
    pub sets: u32,
    /// Semaphores in all sets.
    pub semaphores: u32,
}

/// Every semaphore set of one namespace, with usage and limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SemTable {
    /// One entry per set, in kernel index order.
    pub sets: Vec<SemSet>,
    /// The limits in force.
    pub limits: SemLimits,
    /// What the kernel counts in use.
    pub usage: SemUsage,
    /// How the table was read.
    pub source: MsgSource,
    /// Sets the kernel would not describe fully: left out of `sets`, or
    /// in it without their semaphores.
    pub unreadable: u32,
}

/// A live process named by a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// Its command (`comm`); `None` when `/proc` hides it from us.
    pub command: Option<String>,
    /// When it started (Unix seconds; 0 if unknown), converted from the
    /// kernel's boot clock when the snapshot was taken, with the smallest
    /// lead of the wall clock over the boot clock the collector has seen:
    /// no time the kernel stamps on this process's operations while
    /// watched (`stime`, `rtime`) is earlier, whatever the clock steps.
    pub started_at: i64,
}

/// Who did an operation recorded as a pid and a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator<'a> {
    /// No pid recorded: the operation never happened.
    Nobody,
    /// This command, still running.
    Running(&'a str),
    /// A live process we may not look at.
    Hidden,
    /// The process is gone (its pid may belong to another one now).
    Exited,
}

impl<'a> Operator<'a> {
    /// The command, when it is known.
    pub fn command(self) -> Option<&'a str> {
        match self {
            Operator::Running(command) => Some(command),
            _ => None,
        }
    }
}

/// One refresh's view of the machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// When the collection finished; ages on screen count from here.
    pub taken_at: SystemTime,
    /// Inode of the IPC namespace the snapshot describes.
    pub namespace: u64,
    /// What the namespace is to a person: `host` for the machine's own,
    /// else a process in it (`1234 nginx`), when one could be seen.
    pub namespace_label: Option<String>,
    /// The machine's name (in ipctop's UTS namespace); empty if unknown.
    pub hostname: String,
    /// System V message queues.
    pub msg: MsgTable,
    /// The system-wide IPC limits, with what this snapshot's tables use
    /// of them.
    pub limits: Vec<Limit>,
    /// System V semaphore sets.
    pub sem: SemTable,
    /// System V shared-memory segments.
    pub shm: ShmTable,
    /// The live processes whose pids the tables mention.
    pub processes: HashMap<i32, Process>,
    /// User names of the uids the tables mention (owners and creators).
    pub users: HashMap<u32, String>,
    /// Group names of the gids the tables mention.
    pub groups: HashMap<u32, String>,
    /// The kinds whose objects could not be read this refresh, with the
    /// reason; their tables are empty, or, in the monitor, the last good
    /// read (see [`Snapshot::keep_failed_from`]). The other kinds are
    /// unaffected.
    pub failures: BTreeMap<Kind, String>,
}

impl Snapshot {
    /// The process that did something at Unix time `at` as `pid` (the
    /// last send or receive of a queue), if it is still alive: a process
    /// that started later only took the pid over.
    pub fn operator(&self, pid: i32, at: i64) -> Operator<'_> {
        if pid <= 0 {
            return Operator::Nobody;
        }
        match self.processes.get(&pid) {
            // Start times are made comparable with the stamps (see
            // `Process::started_at`); a second of slack covers NTP's slow
            // slewing between refreshes.
            Some(p) if at > 0 && p.started_at > at + 1 => Operator::Exited,
            Some(Process {
                command: Some(command),
                ..
            }) => Operator::Running(command),
            Some(_) => Operator::Hidden,
            None => Operator::Exited,
        }
    }

    /// Who last sent to `q`.
    pub fn sender(&self, q: &MsgQueue) -> Operator<'_> {
        self.operator(q.lspid, q.stime)
    }

    /// Who last received from `q`.
    pub fn receiver(&self, q: &MsgQueue) -> Operator<'_> {
        self.operator(q.lrpid, q.rtime)
    }

    /// Process `pid`, found blocked in `msgsnd` by this refresh (so alive
    /// when it was taken; no time to compare its start with).
    pub fn blocked_sender(&self, pid: i32) -> Operator<'_> {
        self.operator(pid, 0)
    }

    /// User name of `uid`, or the number when it has none.
    pub fn user_name(&self, uid: u32) -> Cow<'_, str> {
        name_or_number(&self.users, uid)
    }

    /// Group name of `gid`, or the number when it has none.
    pub fn group_name(&self, gid: u32) -> Cow<'_, str> {
        name_or_number(&self.groups, gid)
    }

    /// Why objects of `kind` could not be read this refresh, if they
    /// could not.
    pub fn failure(&self, kind: Kind) -> Option<&str> {
        self.failures.get(&kind).map(String::as_str)
    }

    /// For each kind that failed in this snapshot, takes `older`'s table
    /// of it (the last good read, if `older` had one), with the names and
    /// processes it mentions, so a failed refresh of one kind does not
    /// empty its tab. The failure stays recorded: the tab says its rows
    /// are from an earlier read.
    pub fn keep_failed_from(&mut self, older: &Snapshot) {
        let failed: Vec<Kind> = self.failures.keys().copied().collect();
        let mut kept = false;
        for kind in failed {
            kept |= self.keep_table_from(kind, older);
        }
        if !kept {
            return;
        }
        for (names, old) in [
            (&mut self.users, &older.users),
            (&mut self.groups, &older.groups),
        ] {
            for (id, name) in old {
                names.entry(*id).or_insert_with(|| name.clone());
            }
        }
        for (pid, process) in &older.processes {
            self.processes
                .entry(*pid)
                .or_insert_with(|| process.clone());
        }
    }

    /// Who last operated on semaphore `sem` of `set`. The kernel keeps
    /// one time per set, not per semaphore: the pid is checked against
    /// the later of the last `semop` and the last change (`SETVAL` and
    /// `SETALL` record their caller's pid too).
    pub fn sem_operator(&self, set: &SemSet, sem: &Semaphore) -> Operator<'_> {
        self.operator(sem.pid, set.otime.max(set.ctime))
    }

    /// Identity of a semaphore set in this snapshot.
    pub fn sem_object(&self, id: i32) -> ObjectId {
        ObjectId {
            namespace: self.namespace,
            kind: Kind::SysvSem,
            id: i64::from(id),
        }
    }

    /// Takes `older`'s table of `kind`; `false` for a kind the snapshot
    /// has no table of.
    fn keep_table_from(&mut self, kind: Kind, older: &Snapshot) -> bool {
        match kind {
            Kind::SysvMsg => self.msg = older.msg.clone(),
            Kind::SysvShm => self.shm = older.shm.clone(),
            Kind::SysvSem => self.sem = older.sem.clone(),
            Kind::PosixMq | Kind::Pipe | Kind::Limit => return false,
        }
        true
    }

    /// Who created `s`, if it is still alive.
    pub fn creator(&self, s: &ShmSegment) -> Operator<'_> {
        self.operator(s.cpid, s.ctime)
    }

    /// Who last attached or detached `s`, if it is still alive.
    pub fn last_user(&self, s: &ShmSegment) -> Operator<'_> {
        self.operator(s.lpid, s.last_used())
    }

    /// Identity of a queue in this snapshot.
    pub fn msg_object(&self, id: i32) -> ObjectId {
        ObjectId {
            namespace: self.namespace,
            kind: Kind::SysvMsg,
            id: i64::from(id),
        }
    }
}

fn name_or_number(names: &HashMap<u32, String>, id: u32) -> Cow<'_, str> {
    match names.get(&id) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(id.to_string()),
    }
}

/// What a limit's figures count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitUnit {
    /// Objects (queues, segments, sets, semaphores, operations).
    Count,
    /// Bytes.
    Bytes,
    /// Memory pages of this many bytes.
    Pages(u64),
    /// A semaphore's value.
    Value,
}

/// One system-wide IPC limit, as `lsipc -g` lists them: the kernel's
/// value (`IPC_INFO`), its `/proc/sys/kernel` setting as a cross-check,
/// and how much of it this snapshot's objects use, where a limit counts
/// something that is used up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// Its name, as `lsipc` gives it (`MSGMNI`).
    pub name: &'static str,
    /// What it limits, in words.
    pub about: &'static str,
    /// What its figures count.
    pub unit: LimitUnit,
    /// The limit in force, as the kernel reports it.
    pub value: u64,
    /// How much of it the snapshot's objects use; `None` for a limit on
    /// a single object or call (`MSGMAX`, `SHMMAX`).
    pub used: Option<u64>,
    /// The `/proc/sys/kernel` file that sets it and what the file says
    /// (`None`: it could not be read), for limits set there.
    pub sysctl: Option<(&'static str, Option<u64>)>,
}

impl Limit {
    /// Use in percent of the limit, for limits that are used up.
    pub fn use_percent(&self) -> Option<f64> {
        let used = self.used?;
        (self.value > 0).then(|| used as f64 * 100.0 / self.value as f64)
    }

    /// The `/proc/sys/kernel` setting, when it says something else than
    /// the kernel's `IPC_INFO` answer.
    pub fn disagreement(&self) -> Option<(&'static str, Option<u64>)> {
        self.sysctl.filter(|(_, set)| *set != Some(self.value))
    }
}

/// One System V shared-memory segment as `shmctl(SHM_STAT_ANY)` and
/// `/proc/sysvipc/shm` report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShmSegment {
    /// The key as the kernel stores it (0 once a segment still attached
    /// is removed); shown as `0x%08x` of the bit pattern.
    #[serde(serialize_with = "serialize_key")]
    pub key: i32,
    /// The shmid.
    pub id: i32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Creator uid.
    pub cuid: u32,
    /// Creator gid.
    pub cgid: u32,
    /// Permission bits (`0o777` at most).
    pub perms: u32,
    /// Removed while attached: it goes when the last process detaches.
    pub dest: bool,
    /// Locked in memory (`SHM_LOCK`): never swapped out.
    pub locked: bool,
    /// Size in bytes.
    pub size: u64,
    /// Attachments (`shm_nattch`).
    pub nattch: u64,
    /// Creator pid.
    pub cpid: i32,
    /// Pid of the last attach or detach (0: none).
    pub lpid: i32,
    /// Time of the last attach (Unix seconds, 0: never).
    pub atime: i64,
    /// Time of the last detach (Unix seconds, 0: never).
    pub dtime: i64,
    /// Time of the last change: creation or `IPC_SET` (Unix seconds).
    pub ctime: i64,
    /// Resident bytes, from `/proc/sysvipc/shm` (`None`: not read).
    pub rss: Option<u64>,
    /// Swapped-out bytes, from `/proc/sysvipc/shm` (`None`: not read).
    pub swap: Option<u64>,
}

impl ShmSegment {
    /// When `lpid` last attached or detached.
    pub fn last_used(&self) -> i64 {
        self.atime.max(self.dtime)
    }
}

/// One mapping of a segment in a process (a line of `/proc/PID/maps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachment {
    /// The process.
    pub pid: i32,
    /// First address of the mapping.
    pub start: u64,
    /// First address after it.
    pub end: u64,
    /// Mapped for writing (else read-only).
    pub writable: bool,
}

/// Shared-memory limits (`shmctl(IPC_INFO)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShmLimits {
    /// Most segments (`shmmni`).
    pub shmmni: u64,
    /// Most pages of all segments together (`shmall`).
    pub shmall: u64,
    /// Largest segment in bytes (`shmmax`).
    pub shmmax: u64,
    /// Smallest segment in bytes (`shmmin`).
    pub shmmin: u64,
}

/// Shared-memory usage of the namespace (`shmctl(SHM_INFO)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShmUsage {
    /// Segments in use.
    pub segments: u32,
    /// Pages allocated to them.
    pub pages: u64,
    /// Resident pages.
    pub rss_pages: u64,
    /// Swapped-out pages.
    pub swap_pages: u64,
}

/// How the scan of `/proc/PID/maps` for attachments went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttachScan {
    /// Whether it ran (only when some segment is attached).
    pub ran: bool,
    /// Processes whose maps were read.
    pub processes: u32,
    /// Processes whose maps could not be read (permission): their
    /// attachments are missing.
    pub unreadable: u32,
    /// Processes that exited during the scan.
    pub vanished: u32,
}

/// Every shared-memory segment of one namespace, with who attaches them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShmTable {
    /// One entry per segment, in kernel index order.
    pub segments: Vec<ShmSegment>,
    /// The mappings of each attached segment, by shmid, in pid order.
    pub attachments: BTreeMap<i32, Vec<Attachment>>,
    /// The limits in force.
    pub limits: ShmLimits,
    /// The namespace's usage.
    pub usage: ShmUsage,
    /// Segments the kernel would not describe (left out of `segments`).
    pub unreadable: u32,
    /// Read from `/proc/sysvipc/shm` alone (the kernel rejects
    /// `SHM_STAT_ANY`).
    pub via_proc: bool,
    /// How the attachment scan went.
    pub scan: AttachScan,
}

impl ShmTable {
    /// The mappings of segment `id` (none when nothing is attached, or
    /// the attachers could not be read).
    pub fn attachments_of(&self, id: i32) -> &[Attachment] {
        self.attachments.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The distinct pids attached to segment `id`, in order.
    pub fn attached_pids(&self, id: i32) -> Vec<i32> {
        let mut pids: Vec<i32> = self.attachments_of(id).iter().map(|a| a.pid).collect();
        pids.sort_unstable();
        pids.dedup();
        pids
    }
}
