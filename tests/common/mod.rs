//! Helpers shared by the integration tests that touch real kernel objects.
//!
//! Every test binary under `tests/` that needs them declares `mod common;`
//! and uses the subset it needs; hence the `dead_code` allowance below.
//!
//! Ground rules these helpers make easy to follow:
//! - Tests run in parallel, next to whatever else runs on the machine, all
//!   in one IPC namespace. A test creates its own objects (with
//!   `IPC_PRIVATE`, or a key that `IPC_EXCL` proved free), looks only at
//!   the ids it created, and never asserts on totals.
//! - Every object is owned by a drop guard, so it is removed even when an
//!   assertion panics half-way through the test.
//! - Nothing waits on the clock: every state change is made by the test
//!   itself with a non-blocking call, so it is complete when the call returns.

#![allow(dead_code)]

use std::os::unix::fs::MetadataExt;
use std::sync::atomic::{AtomicU32, Ordering};

use ipctop::model::{MsgQueue, MsgSource, SemSet, Snapshot};
use ipctop::sys::Errno;
use ipctop::sys::SysError;
use ipctop::sys::msg::{self, QueueStat};
use ipctop::sys::{sem, shm};

/// A System V message queue that exists for as long as the guard does:
/// the one guard every test uses for the queues it creates.
///
/// Dropping the guard removes the queue (`IPC_RMID`), also while a failed
/// assertion unwinds. A test that has the queue removed by other means
/// (the `ipctop` under test) says so with [`QueueGuard::assert_gone`], so
/// `Drop` leaves the id alone; errors in `Drop` are ignored (already gone
/// is fine).
///
/// The helpers that act on the queue panic with the kernel's answer when
/// it refuses: they are for tests, where that is a failure.
#[derive(Debug)]
pub struct QueueGuard {
    id: i32,
    key: i32,
    removed: bool,
}

impl QueueGuard {
    /// Creates a new private queue (`IPC_PRIVATE`) with permission bits
    /// `mode` (e.g. `0o600`).
    pub fn new(mode: i32) -> Result<Self, SysError> {
        let id = msg::get(libc::IPC_PRIVATE, libc::IPC_CREAT | mode)?;
        Ok(Self {
            id,
            key: libc::IPC_PRIVATE,
            removed: false,
        })
    }

    /// Creates a new queue under `key`, failing with `EEXIST` if a queue
    /// with that key already exists (it is then someone else's: never
    /// touch it).
    pub fn with_key(key: i32, mode: i32) -> Result<Self, SysError> {
        let id = msg::get(key, libc::IPC_CREAT | libc::IPC_EXCL | mode)?;
        Ok(Self {
            id,
            key,
            removed: false,
        })
    }

    /// Creates a new queue under a key whose bit pattern has the high bit
    /// set (a negative `key_t`, the case `/proc` prints with a minus sign).
    ///
    /// Keys are namespace-wide, so this tries keys derived from the pid and
    /// a counter until `IPC_EXCL` accepts one.
    pub fn with_negative_key(mode: i32) -> Result<Self, SysError> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let pid = std::process::id();
        let mut last = None;
        for _ in 0..64 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let bits = 0x8000_0000 | ((pid & 0x7fff) << 16) | (n & 0xffff);
            let key = i32::from_ne_bytes(bits.to_ne_bytes());
            match Self::with_key(key, mode) {
                Ok(guard) => return Ok(guard),
                Err(e) if e.errno == Errno::EEXIST => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| SysError::new("pick a free key", Errno::EEXIST)))
    }

    /// The queue's msqid.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// The key the queue was created with (`IPC_PRIVATE` is 0).
    pub fn key(&self) -> i32 {
        self.key
    }

    /// Removes the queue now and reports the kernel's answer. After a
    /// successful removal the guard's `Drop` does nothing, so it cannot
    /// remove a later queue that happened to get the same id.
    pub fn remove(mut self) -> Result<(), SysError> {
        msg::remove(self.id)?;
        self.removed = true;
        Ok(())
    }

    /// Puts one message of type `mtype` (> 0) on the queue, without
    /// blocking: a full queue fails the test rather than hanging it.
    pub fn send(&self, mtype: libc::c_long, payload: &[u8]) {
        msg::send(self.id, mtype, payload, libc::IPC_NOWAIT)
            .unwrap_or_else(|e| panic!("send to queue {}: {e}", self.id));
    }

    /// Takes (consumes) the first message `msgtyp` and `flags` select
    /// (as `msgrcv` does), without waiting; payloads up to 8 KiB.
    pub fn receive(&self, msgtyp: libc::c_long, flags: libc::c_int) -> (libc::c_long, Vec<u8>) {
        msg::receive(self.id, 8192, msgtyp, flags | libc::IPC_NOWAIT).unwrap_or_else(|e| {
            panic!(
                "msgrcv(queue {}, msgtyp {msgtyp}, flags {flags:#o}): {e}",
                self.id
            )
        })
    }

    /// `IPC_STAT` of the queue, which must exist.
    pub fn stat(&self) -> QueueStat {
        msg::stat(self.id).unwrap_or_else(|e| panic!("IPC_STAT on queue {}: {e}", self.id))
    }

    /// Asserts that the queue no longer exists (removed by the program
    /// under test); from then on `Drop` leaves the id alone, as it could
    /// name someone else's queue by then. While the queue is still there,
    /// the guard keeps it, to remove it on drop.
    pub fn assert_gone(&mut self) {
        self.removed = confirm_gone("queue", self.id, msg::stat(self.id));
    }
}

/// Panics unless `stat` (an `IPC_STAT` of `noun` `id`) says it is gone;
/// `true` when it is (the guard then leaves the id alone).
fn confirm_gone<S: std::fmt::Debug>(noun: &str, id: i32, stat: Result<S, SysError>) -> bool {
    match stat {
        Err(e) if matches!(e.errno, Errno::EINVAL | Errno::EIDRM) => true,
        Err(e) => panic!("IPC_STAT on removed {noun} {id}: unexpected {e}"),
        Ok(stat) => panic!("{noun} {id} still exists: {stat:?}"),
    }
}

impl Drop for QueueGuard {
    fn drop(&mut self) {
        if !self.removed {
            // Ignored on purpose: already removed is fine, and panicking in
            // drop during an unwind would abort the whole test binary.
            let _ = msg::remove(self.id);
        }
    }
}

/// A System V semaphore set that exists for as long as the guard does,
/// in the style of [`QueueGuard`]: dropping it removes the set (also
/// while a failed assertion unwinds), unless it was removed through the
/// guard or [`SemGuard::assert_gone`] saw it removed by the code under
/// test.
#[derive(Debug)]
pub struct SemGuard {
    id: i32,
    removed: bool,
}

impl SemGuard {
    /// Creates a new private set (`IPC_PRIVATE`) of `nsems` semaphores
    /// with permission bits `mode`.
    pub fn new(nsems: u32, mode: i32) -> Result<Self, SysError> {
        Self::with_key(libc::IPC_PRIVATE, nsems, mode)
    }

    /// Creates a new set under `key`, failing with `EEXIST` if a set
    /// with that key already exists (someone else's: never touch it).
    pub fn with_key(key: i32, nsems: u32, mode: i32) -> Result<Self, SysError> {
        let exclusive = if key == libc::IPC_PRIVATE {
            0
        } else {
            libc::IPC_EXCL
        };
        let id = sem::get(key, nsems, libc::IPC_CREAT | exclusive | mode)?;
        Ok(Self { id, removed: false })
    }

    /// The set's semid.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// Sets every value (`SETALL`); panics when the kernel refuses.
    pub fn set_all(&self, values: &[u16]) {
        sem::set_all(self.id, values).unwrap_or_else(|e| panic!("SETALL on set {}: {e}", self.id));
    }

    /// Removes the set now; afterwards `Drop` does nothing.
    pub fn remove(mut self) -> Result<(), SysError> {
        sem::remove(self.id)?;
        self.removed = true;
        Ok(())
    }

    /// Asserts that the set no longer exists (removed by the code under
    /// test); from then on `Drop` leaves the id alone.
    pub fn assert_gone(&mut self) {
        self.removed = confirm_gone("set", self.id, sem::stat(self.id));
    }
}

impl Drop for SemGuard {
    fn drop(&mut self) {
        if !self.removed {
            // Ignored on purpose, as in `QueueGuard`.
            let _ = sem::remove(self.id);
        }
    }
}

/// The set with semid `id` in `snapshot`, if it is there.
pub fn find_set(snapshot: &Snapshot, id: i32) -> Option<&SemSet> {
    snapshot.sem.sets.iter().find(|s| s.id == id)
}

/// A payload of `size` bytes whose content depends on `seed`, so messages
/// can be told apart when received.
pub fn payload(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| seed.wrapping_add(u8::try_from(i % 251).unwrap_or(0)))
        .collect()
}

/// Sends `count` messages of `size` bytes and type `mtype` (> 0) to queue
/// `id`, without blocking: a full queue is an error (`EAGAIN`), not a hang.
/// Message `i` carries `payload(size, i)`.
pub fn send_messages(
    id: i32,
    count: usize,
    size: usize,
    mtype: libc::c_long,
) -> Result<(), SysError> {
    for i in 0..count {
        let seed = u8::try_from(i % 256).unwrap_or(0);
        msg::send(id, mtype, &payload(size, seed), libc::IPC_NOWAIT)?;
    }
    Ok(())
}

/// Receives (consumes) the first message of queue `id` without blocking,
/// accepting payloads up to `max_size` bytes. Returns type and payload.
pub fn receive_one(id: i32, max_size: usize) -> Result<(libc::c_long, Vec<u8>), SysError> {
    msg::receive(id, max_size, 0, libc::IPC_NOWAIT)
}

/// This process's pid as the kernel's `pid_t`.
pub fn our_pid() -> i32 {
    i32::try_from(std::process::id()).expect("pid fits in pid_t")
}

/// The inode of this process's IPC namespace (`/proc/self/ns/ipc`).
pub fn ipc_namespace_inode() -> u64 {
    std::fs::metadata("/proc/self/ns/ipc")
        .expect("stat /proc/self/ns/ipc")
        .ino()
}

/// This process's command name as `/proc/self/comm` gives it (at most 15
/// bytes, no newline).
pub fn our_comm() -> String {
    let text = std::fs::read_to_string("/proc/self/comm").expect("read /proc/self/comm");
    text.trim_end_matches('\n').to_owned()
}

/// Whether the test runs as root (effective uid 0).
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// One fresh snapshot from a new collector reading queues from `source`;
/// every kind must have been read.
pub fn collect_with(source: MsgSource) -> Snapshot {
    read_all(ipctop::collect::Collector::with_source(source).expect("create collector"))
}

/// One fresh snapshot from `Collector::new()` (the best source for the
/// running kernel); every kind must have been read.
pub fn collect() -> Snapshot {
    read_all(ipctop::collect::Collector::new().expect("create collector"))
}

fn read_all(mut collector: ipctop::collect::Collector) -> Snapshot {
    let snapshot = collector.collect();
    assert!(
        snapshot.failures.is_empty(),
        "collect: {:?}",
        snapshot.failures
    );
    snapshot
}

/// The queue with msqid `id` in `snapshot`, if it is there.
pub fn find_queue(snapshot: &Snapshot, id: i32) -> Option<&MsgQueue> {
    snapshot.msg.queues.iter().find(|q| q.id == id)
}

/// What the collector should report for queue `id`, built field by field
/// from `msgctl(IPC_STAT)` independently of the collector's own mapping.
pub fn expected_queue(id: i32) -> MsgQueue {
    let s = msg::stat(id).unwrap_or_else(|e| panic!("IPC_STAT on our queue {id}: {e}"));
    MsgQueue {
        key: s.key,
        id,
        uid: s.uid,
        gid: s.gid,
        cuid: s.cuid,
        cgid: s.cgid,
        perms: s.mode & 0o777,
        messages: s.qnum,
        used_bytes: s.cbytes,
        max_bytes: Some(s.qbytes),
        lspid: s.lspid,
        lrpid: s.lrpid,
        stime: s.stime,
        rtime: s.rtime,
        ctime: s.ctime,
    }
}

/// `/proc/sys/kernel/msgmax`: the largest message the kernel accepts.
pub fn msgmax() -> usize {
    let text =
        std::fs::read_to_string("/proc/sys/kernel/msgmax").expect("read /proc/sys/kernel/msgmax");
    text.trim().parse().expect("msgmax is a number")
}

/// A fresh directory under the system's temporary directory, removed with
/// everything in it when the guard is dropped.
#[derive(Debug)]
pub struct TempDir {
    path: std::path::PathBuf,
}

impl TempDir {
    /// Creates `ipctop-<label>-<pid>-<n>` in the temporary directory.
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("ipctop-{label}-{}-{n}", std::process::id()));
        std::fs::create_dir(&path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        Self { path }
    }

    /// Where it is.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Where it is, as text (for environment variables and arguments; the
    /// temporary directory's path is UTF-8 on every machine tests run on).
    pub fn as_str(&self) -> &str {
        self.path
            .to_str()
            .expect("the temporary directory's path is UTF-8")
    }
}

impl TempDir {
    /// [`TempDir::new`] with mode 1777, like `/tmp`: every user may create
    /// files in it, and remove only their own.
    pub fn world_writable(label: &str) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = Self::new(label);
        std::fs::set_permissions(&dir.path, std::fs::Permissions::from_mode(0o1777))
            .unwrap_or_else(|e| panic!("chmod 1777 {}: {e}", dir.path.display()));
        dir
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Ignored on purpose, as in `QueueGuard`.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The environment variable that tells a test it runs as a helper child
/// process (see [`rerun_test_in_child`]), and in which role.
pub const CHILD_ROLE: &str = "IPCTOP_TEST_CHILD_ROLE";

/// The role this process was started in by [`rerun_test_in_child`], if any.
pub fn child_role() -> Option<String> {
    std::env::var(CHILD_ROLE).ok()
}

/// Starts this test binary again, running only the test `name` (exactly),
/// with [`CHILD_ROLE`] set to `role`. The test checks [`child_role`] first
/// and, in the child, plays the role instead of its usual body. This gives
/// a test a second process made of the same code, e.g. one that unshares
/// its IPC namespace without affecting the tests running beside it.
pub fn spawn_test_in_child(name: &str, role: &str) -> std::process::Child {
    test_in_child(name, role)
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("start the test binary again")
}

/// The command [`spawn_test_in_child`] runs, with stdout and stderr
/// piped, for callers that want the child's stdin too.
fn test_in_child(name: &str, role: &str) -> std::process::Command {
    let exe = std::env::current_exe().expect("path of the test binary");
    let mut cmd = std::process::Command::new(exe);
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, role)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// [`spawn_test_in_child`], waited for. Panics, with the child's output,
/// when it fails.
pub fn rerun_test_in_child(name: &str, role: &str) -> std::process::Output {
    let out = spawn_test_in_child(name, role)
        .wait_with_output()
        .expect("wait for the child test process");
    assert!(
        out.status.success(),
        "child process of test {name} ({role}) failed: {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// uid and gid of `nobody`.
pub const NOBODY: u32 = 65534;

/// Makes `cmd` run as uid and gid [`NOBODY`] with no supplementary
/// groups (the caller must be root).
pub fn as_nobody(cmd: &mut std::process::Command) -> &mut std::process::Command {
    use nix::unistd::{Gid, Uid, setgid, setgroups, setuid};
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before exec and only
    // makes three system calls (no allocation, no locks).
    unsafe {
        cmd.pre_exec(|| {
            setgroups(&[])?;
            setgid(Gid::from_raw(NOBODY))?;
            setuid(Uid::from_raw(NOBODY))?;
            Ok(())
        })
    }
}

/// Runs `program args…` as [`NOBODY`] (see [`as_nobody`]; the caller
/// must be root) and panics, with its output, unless it succeeds: how a
/// test plants files as another user.
pub fn run_as_nobody<S: AsRef<std::ffi::OsStr>>(program: &str, args: &[S]) {
    let out = as_nobody(std::process::Command::new(program).args(args))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {program} as nobody: {e}"));
    assert!(
        out.status.success(),
        "{program} as nobody failed: {}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Says, visibly, that `test` skips its body and why. Written straight to
/// the process's stderr: libtest captures `eprintln!` of passing tests,
/// and a skip must not be silent.
pub fn skip(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {why}");
}

/// Whether the test runs as root; if not, says visibly (see [`skip`])
/// that `test` skips its body, and why: `why` needs root.
pub fn root_or_skip(test: &str, why: &str) -> bool {
    let root = is_root();
    if !root {
        skip(test, &format!("{why} needs root"));
    }
    root
}

/// Runs `scenario` in a private IPC namespace: the test `name` re-runs
/// itself as a child process whose test thread unshares its IPC namespace
/// and runs `scenario` there (on that thread: `unshare` moves only the
/// calling thread). Needs root; without it the test says why it skips.
/// Namespace-wide changes (such as forcing `msg_next_id`) then touch no
/// other test, and the namespace vanishes with the child.
pub fn in_private_namespace(name: &str, scenario: fn()) {
    const DONE: &str = "private-namespace scenario passed";
    if child_role().as_deref() == Some(name) {
        let outside = thread_ipc_namespace();
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWIPC)
            .expect("unshare(CLONE_NEWIPC) (needs CAP_SYS_ADMIN)");
        assert_ne!(thread_ipc_namespace(), outside, "a new IPC namespace");
        scenario();
        println!("{DONE}");
        return;
    }
    if !is_root() {
        skip(name, "unshare(CLONE_NEWIPC) and msg_next_id need root");
        return;
    }
    let out = rerun_test_in_child(name, name);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(DONE),
        "the child did not run the scenario:\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The IPC namespace of the calling thread, by inode. `unshare` moves
/// only the calling thread, so this (not `/proc/self`) is the one to ask.
pub fn thread_ipc_namespace() -> u64 {
    std::fs::metadata("/proc/thread-self/ns/ipc")
        .expect("stat /proc/thread-self/ns/ipc")
        .ino()
}

/// A System V shared-memory segment that exists for as long as the guard
/// does, removed (`IPC_RMID`) on drop even while a failed assertion
/// unwinds, like [`QueueGuard`].
#[derive(Debug)]
pub struct SegmentGuard {
    id: i32,
    key: i32,
    removed: bool,
}

impl SegmentGuard {
    /// Creates a new private segment (`IPC_PRIVATE`) of `size` bytes with
    /// permission bits `mode`.
    pub fn new(size: usize, mode: i32) -> Result<Self, SysError> {
        Self::with_key(libc::IPC_PRIVATE, size, mode)
    }

    /// Creates a new segment under `key`, failing with `EEXIST` if one
    /// with that key exists (someone else's: never touch it).
    pub fn with_key(key: i32, size: usize, mode: i32) -> Result<Self, SysError> {
        let exclusive = if key == libc::IPC_PRIVATE {
            0
        } else {
            libc::IPC_EXCL
        };
        let id = shm::get(key, size, libc::IPC_CREAT | exclusive | mode)?;
        Ok(Self {
            id,
            key,
            removed: false,
        })
    }

    /// Creates a new segment under a key no other object has: keys
    /// derived from the pid and a counter until `IPC_EXCL` accepts one.
    pub fn with_unique_key(size: usize, mode: i32) -> Result<Self, SysError> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let pid = std::process::id();
        let mut last = None;
        for _ in 0..64 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let bits = 0x5300_0000 | ((pid & 0xfff) << 12) | (n & 0xfff);
            match Self::with_key(i32::from_ne_bytes(bits.to_ne_bytes()), size, mode) {
                Ok(guard) => return Ok(guard),
                Err(e) if e.errno == Errno::EEXIST => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| SysError::new("pick a free key", Errno::EEXIST)))
    }

    /// The segment's shmid.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// The key it was created with.
    pub fn key(&self) -> i32 {
        self.key
    }

    /// Removes the segment now (an attached one is only marked for
    /// removal); from then on `Drop` leaves the id alone.
    pub fn remove(&mut self) -> Result<(), SysError> {
        shm::remove(self.id)?;
        self.removed = true;
        Ok(())
    }

    /// `IPC_STAT` of the segment, which must exist.
    pub fn stat(&self) -> shm::SegmentStat {
        shm::stat(self.id).unwrap_or_else(|e| panic!("IPC_STAT on segment {}: {e}", self.id))
    }

    /// Asserts that the segment no longer exists; from then on `Drop`
    /// leaves the id alone (it could name someone else's segment).
    pub fn assert_gone(&mut self) {
        self.removed = confirm_gone("segment", self.id, shm::stat(self.id));
    }
}

impl Drop for SegmentGuard {
    fn drop(&mut self) {
        if !self.removed {
            // Ignored on purpose, as in `QueueGuard`.
            let _ = shm::remove(self.id);
        }
    }
}

/// The role of a child that attaches a segment (see [`Attacher`]).
pub const ATTACH_ROLE: &str = "attach:";

/// What an attaching child prints once attached.
const ATTACHED: &str = "ipctop-test-child-attached";

/// A child process (this test binary, re-run on test `name` in the role
/// `attach:ID`) that has segment ID attached until it is told to detach.
/// Dropping it kills the child, which detaches it too.
#[derive(Debug)]
pub struct Attacher {
    child: std::process::Child,
    /// The rest of its stdout, kept open so its last words never meet a
    /// closed pipe.
    output: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl Attacher {
    /// Starts the child and waits until it says it has attached.
    pub fn spawn(name: &str, id: i32) -> Self {
        use std::io::BufRead;
        let mut child = test_in_child(name, &format!("{ATTACH_ROLE}{id}"))
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("start the attaching child");
        let stdout = child.stdout.take().expect("the child's stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        // libtest may have begun the line (`test name ... `).
        let attached = lines
            .by_ref()
            .any(|line| line.is_ok_and(|l| l.contains(ATTACHED)));
        let mut attacher = Self {
            child,
            output: lines,
        };
        assert!(
            attached,
            "the child did not attach: {:?}",
            attacher.child.try_wait()
        );
        attacher
    }

    /// The child's pid.
    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid fits in pid_t")
    }

    /// Tells the child to detach (closes its stdin) and waits for it.
    pub fn detach(mut self) {
        drop(self.child.stdin.take());
        for _ in self.output.by_ref() {}
        let status = self.child.wait().expect("wait for the attaching child");
        assert!(status.success(), "the attaching child failed: {status}");
    }

    /// The child's side, for a test that finds itself in the role: attach
    /// segment ID, say so, and detach when stdin closes.
    pub fn play(role: &str) {
        use std::io::{Read, Write};
        let id: i32 = role
            .strip_prefix(ATTACH_ROLE)
            .and_then(|id| id.parse().ok())
            .expect("an attach role");
        let attached = shm::Attached::new(id, 0).expect("attach the segment");
        println!("{ATTACHED} {:#x}", attached.address());
        std::io::stdout().flush().expect("flush stdout");
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        attached.detach().expect("detach the segment");
    }
}

impl Drop for Attacher {
    fn drop(&mut self) {
        // Ignored: after `detach` the child is already reaped.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
