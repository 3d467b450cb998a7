//! Tasks blocked in a System V message-queue or semaphore call, and on
//! which object.
//!
//! For every task that is not on a CPU, the kernel shows the system call it
//! is in and the call's raw arguments in `/proc/PID/task/TID/syscall`. A
//! task in `msgsnd` is the producer of a full queue; one in `msgrcv` is the
//! consumer of an empty one (or of one without a message of the type it
//! wants); one in `semop` or `semtimedop` waits for a semaphore to grow or
//! to reach zero. The first argument is the msqid or semid.
//!
//! Cost: one open and one read of `syscall` per task, every thread
//! included (a queue is often drained by a worker thread, not `main`).
//! Only a task found in an IPC call costs one more read (`stat`, for its
//! name and state). `wchan` is not needed: syscall numbers are stable ABI,
//! wait-function names are not.
//!
//! Processes and threads come and go during a scan. A task that vanished
//! is skipped silently; one whose files refuse to be read (another user's
//! task, or pid 1 in a container, even to root) is skipped and counted, so
//! a refresh never fails because of one task.
//!
//! Numbers differ per architecture ([`IpcAbi`]). Not recognised: 32-bit
//! programs on a 64-bit kernel (their numbers are the 32-bit ABI's and the
//! file does not say which ABI a task uses), and the old `ipc` multiplexer
//! through which glibc still routes these calls on some 32-bit targets.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use crate::model::Kind;

/// Where the kernel shows processes, for [`scan`].
pub const PROC: &str = "/proc";

/// A system call a task is inside, with its six raw argument registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syscall {
    /// The system-call number, in the task's ABI.
    pub nr: i64,
    /// The argument registers, as the kernel prints them (`0x%llx`). A
    /// 32-bit argument may carry garbage in the upper half: the kernel
    /// ignores it, and so does [`classify`].
    pub args: [u64; 6],
}

/// What one `/proc/PID/task/TID/syscall` line says about its task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskSyscall {
    /// `running`: the task was runnable when read, so it is not waiting.
    Running,
    /// `-1 SP PC`: the task is sleeping outside any system call (in a page
    /// fault, say).
    Outside,
    /// `NR ARG1 .. ARG6 SP PC`: the task is in this system call.
    In(Syscall),
}

/// A `syscall` line that does not have the kernel's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyscallParseError {
    /// The offending line (without its newline).
    pub line: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for SyscallParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected syscall line {:?}: {}",
            self.line, self.reason
        )
    }
}

impl std::error::Error for SyscallParseError {}

/// Parses one `/proc/PID/task/TID/syscall` line.
///
/// The kernel (`proc_pid_syscall` in `fs/proc/base.c`) prints exactly one
/// of `running`, `NR SP PC` with a negative `NR`, or `NR` followed by six
/// arguments, `SP` and `PC`; `NR` in decimal, the rest as `0x` hex. Any
/// other shape (truncated, extra fields, bad numbers) is an error.
pub fn parse_syscall(line: &str) -> Result<TaskSyscall, SyscallParseError> {
    let line = line.trim_end_matches('\n');
    let error = |reason| SyscallParseError {
        line: line.to_owned(),
        reason,
    };
    if line == "running" {
        return Ok(TaskSyscall::Running);
    }
    if line.is_empty() {
        return Err(error("empty line"));
    }
    let fields: Vec<&str> = line.split(' ').collect();
    let (nr, rest) = fields.split_first().ok_or_else(|| error("empty line"))?;
    let nr: i32 = nr
        .parse()
        .map_err(|_| error("the syscall number is not a decimal int"))?;
    let words: Vec<u64> = rest
        .iter()
        .map(|w| hex(w).ok_or_else(|| error("a register is not 0x-prefixed hex")))
        .collect::<Result<_, _>>()?;
    if nr < 0 {
        return match words.len() {
            2 => Ok(TaskSyscall::Outside),
            _ => Err(error("outside a syscall the line has exactly SP and PC")),
        };
    }
    match words.as_slice() {
        [a0, a1, a2, a3, a4, a5, _sp, _pc] => Ok(TaskSyscall::In(Syscall {
            nr: i64::from(nr),
            args: [*a0, *a1, *a2, *a3, *a4, *a5],
        })),
        _ => Err(error("in a syscall the line has six arguments, SP and PC")),
    }
}

/// `0x` followed by 1 to 16 hex digits.
fn hex(word: &str) -> Option<u64> {
    let digits = word.strip_prefix("0x")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

/// The System V message-queue and semaphore system calls of one kernel
/// ABI.
///
/// Numbers are from the kernel's uapi headers (`asm/unistd_64.h`,
/// `unistd_x32.h`, `unistd_32.h`, `asm-generic/unistd.h`) and syscall
/// tables, or, for the others, the `libc` crate's `SYS_msgsnd`,
/// `SYS_msgrcv`, `SYS_semop` and `SYS_semtimedop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpcAbi {
    /// Name of the ABI, for messages and tests.
    pub name: &'static str,
    /// `msgsnd(msqid, msgp, msgsz, msgflg)`.
    pub msgsnd: i64,
    /// `msgrcv(msqid, msgp, msgsz, msgtyp, msgflg)`.
    pub msgrcv: i64,
    /// `semop(semid, sops, nsops)`, where the ABI has it (glibc calls
    /// `semtimedop` for it on most).
    pub semop: Option<i64>,
    /// `semtimedop(semid, sops, nsops, timeout)`: every number it has
    /// (32-bit ABIs add `semtimedop_time64`, 420).
    pub semtimedop: &'static [i64],
    /// Width of a register, hence of `long` and `size_t` arguments (a
    /// 32-bit kernel prints registers zero-extended: `-5` is `0xfffffffb`).
    pub word_bits: u32,
}

/// x32's syscall numbers are x86_64's with this bit set.
const X32_BIT: i64 = 0x4000_0000;

impl IpcAbi {
    /// x86_64 (`asm/unistd_64.h`).
    pub const X86_64: Self = Self::new("x86_64", (69, 70), (Some(65), &[220]), 64);
    /// x32: x86_64's numbers with `__X32_SYSCALL_BIT` (`0x40000000`) set.
    /// The kernel reads the arguments as full 64-bit registers.
    pub const X32: Self = Self::new(
        "x32",
        (X32_BIT + 69, X32_BIT + 70),
        (Some(X32_BIT + 65), &[X32_BIT + 220]),
        64,
    );
    /// i386, Linux 5.1+ (`asm/unistd_32.h`), which has no `semop` and only
    /// the 64-bit-time `semtimedop`. Older kernels, and glibc builds that
    /// support them, use the `ipc` multiplexer (117) instead.
    pub const I386: Self = Self::new("i386", (400, 401), (None, &[420]), 32);
    /// The generic table (`asm-generic/unistd.h`) on 64-bit targets:
    /// aarch64, riscv64, loongarch64.
    pub const GENERIC_64: Self = Self::new("generic 64-bit", (189, 188), (Some(193), &[192]), 64);
    /// The generic table on 32-bit targets: riscv32, csky.
    pub const GENERIC_32: Self =
        Self::new("generic 32-bit", (189, 188), (Some(193), &[192, 420]), 32);
    /// 32-bit ARM, EABI.
    pub const ARM: Self = Self::new("arm", (301, 302), (Some(298), &[312, 420]), 32);
    /// mips64, n64 ABI.
    pub const MIPS64: Self = Self::new(
        "mips64 n64",
        (5000 + 67, 5000 + 68),
        (Some(5000 + 63), &[5000 + 214]),
        64,
    );
    /// powerpc64, Linux 5.1+ (before: the `ipc` multiplexer); no `semop`.
    pub const POWERPC64: Self = Self::new("powerpc64", (400, 401), (None, &[392]), 64);
    /// s390x, Linux 5.1+ (before: the `ipc` multiplexer); no `semop`.
    pub const S390X: Self = Self::new("s390x", (400, 401), (None, &[392]), 64);

    const fn new(
        name: &'static str,
        (msgsnd, msgrcv): (i64, i64),
        (semop, semtimedop): (Option<i64>, &'static [i64]),
        word_bits: u32,
    ) -> Self {
        Self {
            name,
            msgsnd,
            msgrcv,
            semop,
            semtimedop,
            word_bits,
        }
    }

    /// The ABIs native programs on this machine use; empty on
    /// architectures ipctop has no numbers for (nothing is then found).
    pub fn native() -> &'static [Self] {
        if cfg!(target_arch = "x86_64") {
            &[Self::X86_64, Self::X32]
        } else if cfg!(target_arch = "x86") {
            &[Self::I386]
        } else if cfg!(any(
            target_arch = "aarch64",
            target_arch = "riscv64",
            target_arch = "loongarch64"
        )) {
            &[Self::GENERIC_64]
        } else if cfg!(any(target_arch = "riscv32", target_arch = "csky")) {
            &[Self::GENERIC_32]
        } else if cfg!(target_arch = "arm") {
            &[Self::ARM]
        } else if cfg!(target_arch = "mips64") {
            &[Self::MIPS64]
        } else if cfg!(target_arch = "powerpc64") {
            &[Self::POWERPC64]
        } else if cfg!(target_arch = "s390x") {
            &[Self::S390X]
        } else {
            &[]
        }
    }

    /// A register's value as the kernel reads a `long` argument.
    fn long(&self, word: u64) -> i64 {
        if self.word_bits == 32 {
            i64::from(low_i32(word))
        } else {
            word as i64
        }
    }

    /// A register's value as the kernel reads a `size_t` argument.
    fn size(&self, word: u64) -> u64 {
        if self.word_bits == 32 {
            word & 0xffff_ffff
        } else {
            word
        }
    }
}

/// A register's value as the kernel reads an `int` argument: the low 32
/// bits (the kernel's syscall wrappers truncate; glibc sign-extends, a raw
/// `syscall()` may leave anything in the upper half).
fn low_i32(word: u64) -> i32 {
    word as u32 as i32
}

/// What a task waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitOp {
    /// In `msgsnd`: the queue has no room for its message.
    Send,
    /// In `msgrcv`: the queue has no message it wants.
    Receive {
        /// The type asked for: 0 any; > 0 that type (any other with
        /// `except`); < 0 the lowest type up to `-msgtyp`.
        msgtyp: i64,
        /// `MSG_EXCEPT` was given.
        except: bool,
    },
    /// In `semop` or `semtimedop`: an operation of it cannot be done yet
    /// (a semaphore must grow before it can be decremented, or must reach
    /// zero). Which one is in the caller's memory, not in its registers.
    Semaphore {
        /// `semtimedop` with a timeout: it gives up at some point.
        timed: bool,
    },
}

impl WaitOp {
    /// The kind of object the task waits on.
    pub fn kind(self) -> Kind {
        match self {
            Self::Send | Self::Receive { .. } => Kind::SysvMsg,
            Self::Semaphore { .. } => Kind::SysvSem,
        }
    }
}

/// A message-queue or semaphore call, read from a [`Syscall`]'s
/// arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpcCall {
    /// The queue's msqid or the set's semid (the kind is `op`'s).
    pub id: i32,
    /// What the call waits for.
    pub op: WaitOp,
    /// `msgsz`: the message's size for a sender (the room it waits for),
    /// the largest it accepts for a receiver; for a semaphore call, the
    /// number of operations (`nsops`).
    pub size: u64,
}

impl IpcAbi {
    /// What a call numbered `nr` waits for, if it is one of the ABI's IPC
    /// calls; `a3` and `a4` are its fourth and fifth arguments.
    fn op(&self, nr: i64, a3: u64, a4: u64) -> Option<WaitOp> {
        if nr == self.msgsnd {
            Some(WaitOp::Send)
        } else if nr == self.msgrcv {
            Some(WaitOp::Receive {
                msgtyp: self.long(a3),
                except: low_i32(a4) & libc::MSG_EXCEPT != 0,
            })
        } else if self.semop == Some(nr) {
            Some(WaitOp::Semaphore { timed: false })
        } else if self.semtimedop.contains(&nr) {
            Some(WaitOp::Semaphore { timed: a3 != 0 })
        } else {
            None
        }
    }
}

/// The IPC call `call` is under one of `abis`, if it is one.
pub fn classify(call: &Syscall, abis: &[IpcAbi]) -> Option<IpcCall> {
    let [id, _buffer, size, a3, a4, _] = call.args;
    abis.iter().find_map(|abi| {
        Some(IpcCall {
            op: abi.op(call.nr, a3, a4)?,
            id: low_i32(id),
            size: abi.size(size),
        })
    })
}

/// A task waiting in `msgsnd`, `msgrcv`, `semop` or `semtimedop`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// The process (thread-group id).
    pub pid: i32,
    /// The task (thread id; equals `pid` for the main thread).
    pub tid: i32,
    /// The task's name (a thread may have its own), unsanitised; `None`
    /// when it could not be read.
    pub command: Option<String>,
    /// The queue's msqid or the set's semid.
    pub id: i32,
    /// What it waits for (and so on which kind of object).
    pub op: WaitOp,
    /// `msgsz` or `nsops` of the call (see [`IpcCall::size`]).
    pub size: u64,
    /// The task is stopped (`SIGSTOP`, a debugger) inside the call. It has
    /// then left the queue's wait list: a message sent meanwhile stays on
    /// the queue. It retries the call when continued.
    pub stopped: bool,
}

/// What one scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockedScan {
    /// Tasks in an IPC call (message queue or semaphore), by pid then tid.
    pub blocked: Vec<Blocked>,
    /// Processes with tasks that could not be read (or whose `syscall`
    /// line made no sense), by pid: they might be blocked too.
    pub unreadable: Vec<Unchecked>,
}

/// A process the scan could not check, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchecked {
    /// The process.
    pub pid: i32,
    /// Its command (`comm`), when even that can be read.
    pub command: Option<String>,
    /// Its tasks that could not be read (0: its task list itself).
    pub tasks: u32,
    /// Why, in words (`permission denied`).
    pub why: String,
}

/// [`scan_in`] over `/proc` with this machine's ABIs.
pub fn scan() -> io::Result<BlockedScan> {
    scan_in(Path::new(PROC), IpcAbi::native())
}

/// Finds every task under `proc_root` (laid out as `/proc`) that is in a
/// message-queue or semaphore call of one of `abis`.
///
/// Fails only when `proc_root` itself cannot be listed.
pub fn scan_in(proc_root: &Path, abis: &[IpcAbi]) -> io::Result<BlockedScan> {
    let mut found = BlockedScan::default();
    if abis.is_empty() {
        return Ok(found);
    }
    for entry in fs::read_dir(proc_root)?.flatten() {
        let Some(pid) = numeric(&entry.file_name()) else {
            continue;
        };
        let process = entry.path();
        let unchecked = |tasks, why: String| Unchecked {
            pid,
            command: read_comm(&process),
            tasks,
            why,
        };
        let listing = match fs::read_dir(process.join("task")) {
            Ok(listing) => listing,
            Err(e) if vanished(&e) => continue,
            Err(e) => {
                found.unreadable.push(unchecked(0, reason(&e)));
                continue;
            }
        };
        let mut refused: Option<(u32, String)> = None;
        for task in listing.flatten() {
            let Some(tid) = numeric(&task.file_name()) else {
                continue;
            };
            let dir = task.path();
            match read_task(&dir, abis) {
                Ok(None) => {}
                Ok(Some(call)) => {
                    if let Some(blocked) = describe(&dir, pid, tid, call) {
                        found.blocked.push(blocked);
                    }
                }
                Err(Unread::Vanished) => {}
                Err(Unread::Refused(why)) => {
                    let (tasks, _) = refused.get_or_insert((0, why));
                    *tasks += 1;
                }
            }
        }
        if let Some((tasks, why)) = refused {
            found.unreadable.push(unchecked(tasks, why));
        }
    }
    found.unreadable.sort_by_key(|u| u.pid);
    found.blocked.sort_by_key(|b| (b.pid, b.tid));
    Ok(found)
}

/// Is process `pid` in the IPC namespace with inode `namespace`? A task
/// blocked on "queue 3" of another namespace (a container) waits on
/// another queue. Unknown (the process is gone or hidden) counts as no.
pub fn in_namespace(pid: i32, namespace: u64) -> bool {
    namespace_of(pid) == Some(namespace)
}

/// The IPC namespace (inode) of process `pid`, when it can be read.
pub fn namespace_of(pid: i32) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("{PROC}/{pid}/ns/ipc"))
        .ok()
        .map(|m| m.ino())
}

/// The tasks of `list` waiting on object `id` of kind `kind`.
pub fn blocked_on(list: &[Blocked], kind: Kind, id: i32) -> impl Iterator<Item = &Blocked> {
    list.iter()
        .filter(move |b| b.id == id && b.op.kind() == kind)
}

/// Why a task's `syscall` gave no answer.
enum Unread {
    /// The task exited during the scan.
    Vanished,
    /// Permission denied, or a line of the wrong shape: why, in words.
    Refused(String),
}

/// An error reading a task's files, in words.
fn reason(e: &io::Error) -> String {
    crate::sys::explain_io(e)
}

/// The command of the process in `dir` (`comm`), if it can be read.
fn read_comm(dir: &Path) -> Option<String> {
    let comm = fs::read_to_string(dir.join("comm")).ok()?;
    Some(comm.trim_end_matches('\n').to_owned())
}

/// The IPC call the task in `dir` is in, if any.
fn read_task(dir: &Path, abis: &[IpcAbi]) -> Result<Option<IpcCall>, Unread> {
    // The longest line is 9 fields of at most 18 characters.
    let mut buf = [0u8; 256];
    let len = read_small(&dir.join("syscall"), &mut buf).map_err(|e| {
        if vanished(&e) {
            Unread::Vanished
        } else {
            Unread::Refused(reason(&e))
        }
    })?;
    let malformed = || Unread::Refused("its syscall line made no sense".to_owned());
    let text = std::str::from_utf8(&buf[..len]).map_err(|_| malformed())?;
    match parse_syscall(text) {
        Ok(TaskSyscall::In(call)) => Ok(classify(&call, abis)),
        Ok(TaskSyscall::Running | TaskSyscall::Outside) => Ok(None),
        Err(_) => Err(malformed()),
    }
}

/// Fills `buf` from the file at `path` (seq_file hands a short file over
/// in one read; the loop is for correctness). A file longer than `buf` is
/// refused as malformed.
fn read_small(path: &Path, buf: &mut [u8]) -> io::Result<usize> {
    let mut file = File::open(path)?;
    let mut len = 0;
    loop {
        if len == buf.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
        }
        match file.read(&mut buf[len..]) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Completes a found call with the task's name and state, from its `stat`.
/// `None` when the task vanished meanwhile (it no longer waits).
fn describe(dir: &Path, pid: i32, tid: i32, call: IpcCall) -> Option<Blocked> {
    let (command, stopped) = match fs::read(dir.join("stat")) {
        Ok(stat) => match parse_task_stat(&stat) {
            Some((command, state)) => (Some(command), matches!(state, b'T' | b't')),
            None => (None, false),
        },
        Err(e) if vanished(&e) => return None,
        Err(_) => (None, false),
    };
    Some(Blocked {
        pid,
        tid,
        command,
        id: call.id,
        op: call.op,
        size: call.size,
        stopped,
    })
}

/// The name and state letter from a `stat` line, `PID (COMM) S ...`. The
/// name may itself hold `)`, spaces or invalid UTF-8, so it runs from the
/// first `(` to the last `)`.
fn parse_task_stat(stat: &[u8]) -> Option<(String, u8)> {
    let open = stat.iter().position(|&b| b == b'(')?;
    let close = stat.iter().rposition(|&b| b == b')')?;
    let comm = stat.get(open + 1..close)?;
    let state = *stat.get(close + 2)?;
    if stat.get(close + 1) != Some(&b' ') || !state.is_ascii_alphabetic() {
        return None;
    }
    Some((String::from_utf8_lossy(comm).into_owned(), state))
}

/// A `/proc` entry named by digits only (not `self`, `sys`, ...).
pub(crate) fn numeric(name: &OsStr) -> Option<i32> {
    let name = name.to_str()?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok()
}

/// The task exited: its directory is gone (`ENOENT`) or its files no
/// longer reach it (`ESRCH`).
pub(crate) fn vanished(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ESRCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "loongarch64",
        target_arch = "arm",
        target_arch = "mips64"
    ))]
    #[test]
    // `c_long` is `i32` on the 32-bit targets among these.
    #[allow(clippy::useless_conversion)]
    fn native_numbers_agree_with_libc() {
        let native = IpcAbi::native()[0];
        assert_eq!(native.msgsnd, i64::from(libc::SYS_msgsnd));
        assert_eq!(native.msgrcv, i64::from(libc::SYS_msgrcv));
        assert_eq!(native.semop, Some(i64::from(libc::SYS_semop)));
        assert_eq!(native.semtimedop[0], i64::from(libc::SYS_semtimedop));
        assert_eq!(native.word_bits, libc::c_long::BITS);
    }

    #[test]
    fn semop_and_semtimedop_wait_on_their_first_argument() {
        let call = |nr, args| classify(&Syscall { nr, args }, &[IpcAbi::X86_64]);
        // glibc's semop(7, sops, 2) is semtimedop with no timeout.
        assert_eq!(
            call(220, [7, 0x7ffd_0000, 2, 0, 0, 0]),
            Some(IpcCall {
                id: 7,
                op: WaitOp::Semaphore { timed: false },
                size: 2,
            })
        );
        let timed = call(220, [0x1_0000_8000, 0x7ffd_0000, 1, 0x7ffd_0100, 0, 0]);
        assert_eq!(
            timed.map(|c| (c.id, c.op)),
            Some((0x8000, WaitOp::Semaphore { timed: true }))
        );
        assert_eq!(
            call(65, [9, 0, 1, 0x7ffd_0100, 0, 0]).map(|c| c.op),
            Some(WaitOp::Semaphore { timed: false }),
            "semop has no timeout, whatever its fourth register holds"
        );
        assert_eq!(
            call(220, [7, 0, 1, 0, 0, 0]).map(|c| c.op.kind()),
            Some(Kind::SysvSem)
        );
        assert_eq!(
            call(69, [7, 0, 1, 0, 0, 0]).map(|c| c.op.kind()),
            Some(Kind::SysvMsg)
        );
    }

    #[test]
    fn semaphore_numbers_are_the_abis_own() {
        let semtimedop = |nr, abi: IpcAbi| {
            classify(
                &Syscall {
                    nr,
                    args: [3, 0, 1, 0, 0, 0],
                },
                &[abi],
            )
            .map(|c| c.op)
        };
        let waits = Some(WaitOp::Semaphore { timed: false });
        assert_eq!(semtimedop(192, IpcAbi::GENERIC_64), waits);
        assert_eq!(semtimedop(193, IpcAbi::GENERIC_64), waits, "semop");
        assert_eq!(semtimedop(420, IpcAbi::ARM), waits, "semtimedop_time64");
        assert_eq!(semtimedop(312, IpcAbi::ARM), waits);
        assert_eq!(semtimedop(392, IpcAbi::POWERPC64), waits);
        assert_eq!(semtimedop(0x4000_00dc, IpcAbi::X32), waits);
        // x86_64's semtimedop is another call elsewhere, and back.
        assert_eq!(semtimedop(220, IpcAbi::GENERIC_64), None);
        assert_eq!(semtimedop(192, IpcAbi::X86_64), None);
        assert_eq!(semtimedop(65, IpcAbi::I386), None, "i386 has no semop");
    }

    #[test]
    fn a_task_waits_on_an_object_of_one_kind() {
        let task = |id, op| Blocked {
            pid: 1,
            tid: 1,
            command: None,
            id,
            op,
            size: 1,
            stopped: false,
        };
        let list = [
            task(5, WaitOp::Send),
            task(5, WaitOp::Semaphore { timed: false }),
        ];
        let on = |kind| blocked_on(&list, kind, 5).map(|b| b.op).collect::<Vec<_>>();
        assert_eq!(on(Kind::SysvMsg), [WaitOp::Send]);
        assert_eq!(on(Kind::SysvSem), [WaitOp::Semaphore { timed: false }]);
        assert_eq!(blocked_on(&list, Kind::SysvSem, 6).count(), 0);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn x86_64_knows_native_and_x32_tasks() {
        assert_eq!(IpcAbi::native(), &[IpcAbi::X86_64, IpcAbi::X32]);
        assert_eq!(
            (IpcAbi::X32.msgsnd, IpcAbi::X32.msgrcv),
            (0x4000_0045, 0x4000_0046)
        );
    }

    #[test]
    fn registers_are_read_at_the_width_of_the_argument() {
        let call = |nr, args| Syscall { nr, args };
        // A 32-bit kernel prints msgtyp -5 zero-extended.
        let arm = classify(&call(302, [7, 0, 64, 0xffff_fffb, 0, 0]), &[IpcAbi::ARM]);
        assert_eq!(
            arm.map(|c| c.op),
            Some(WaitOp::Receive {
                msgtyp: -5,
                except: false
            })
        );
        // The same bits on a 64-bit ABI are a large positive type.
        let wide = classify(&call(70, [7, 0, 64, 0xffff_fffb, 0, 0]), &[IpcAbi::X86_64]);
        assert_eq!(
            wide.map(|c| c.op),
            Some(WaitOp::Receive {
                msgtyp: 0xffff_fffb,
                except: false
            })
        );
        // size_t on a 32-bit ABI ignores the upper half.
        let size = classify(&call(301, [7, 0, 0x1_0000_0010, 0, 0, 0]), &[IpcAbi::ARM]);
        assert_eq!(size.map(|c| c.size), Some(0x10));
        // Other syscalls are not message calls, whatever their arguments.
        assert_eq!(
            classify(&call(0, [7, 0, 64, 0, 0, 0]), &[IpcAbi::X86_64]),
            None
        );
        assert_eq!(classify(&call(70, [7, 0, 64, 0, 0, 0]), &[]), None);
    }

    #[test]
    fn stat_gives_name_and_state_however_odd_the_name() {
        assert_eq!(
            parse_task_stat(b"12610 (perl) S 12604 12604 9118 0 -1"),
            Some(("perl".to_owned(), b'S'))
        );
        assert_eq!(
            parse_task_stat(b"7 (a) b (c)) T 1 2"),
            Some(("a) b (c)".to_owned(), b'T'))
        );
        assert_eq!(
            parse_task_stat(b"7 (\xff\x1b[2J) t 1"),
            Some(("\u{fffd}\u{1b}[2J".to_owned(), b't'))
        );
        assert_eq!(parse_task_stat(b"7 (perl"), None);
        assert_eq!(parse_task_stat(b"7 (perl)"), None);
        assert_eq!(parse_task_stat(b""), None);
    }

    #[test]
    fn only_digit_names_are_tasks() {
        assert_eq!(numeric(OsStr::new("4242")), Some(4242));
        for name in ["self", "thread-self", "", "+1", "-1", "1a", "99999999999"] {
            assert_eq!(numeric(OsStr::new(name)), None, "{name:?}");
        }
    }

    #[test]
    fn hex_needs_the_prefix_and_fits_64_bits() {
        assert_eq!(hex("0x0"), Some(0));
        assert_eq!(hex("0xffffffffffffffff"), Some(u64::MAX));
        assert_eq!(hex("0xFF"), Some(255));
        for word in ["0x", "ff", "0x+1", "0x1ffffffffffffffff", "0xg", " 0x1"] {
            assert_eq!(hex(word), None, "{word:?}");
        }
    }

    #[test]
    fn an_unreadable_syscall_file_is_refused_not_vanished() {
        let dir = std::env::temp_dir().join(format!("ipctop-blocked-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("syscall")).expect("create dir");
        assert!(matches!(
            read_task(&dir, IpcAbi::native()),
            Err(Unread::Refused(why)) if why == "it is a directory"
        ));
        fs::remove_dir_all(&dir).expect("clean up");
        assert!(matches!(
            read_task(&dir, IpcAbi::native()),
            Err(Unread::Vanished)
        ));
    }
}
