//! System V semaphore calls: `semctl`, `semget`, `semop`, `semtimedop`.

use std::mem::MaybeUninit;
use std::time::Duration;

use libc::{c_int, c_ushort};

use super::{Errno, SysError};

/// The fourth argument of `semctl`, which the caller must define
/// (`man semctl`); libc has none.
#[repr(C)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub union semun {
    /// `SETVAL`: the value.
    pub val: c_int,
    /// `IPC_STAT`, `SEM_STAT_ANY`, `IPC_SET`: a `semid_ds`.
    pub buf: *mut libc::semid_ds,
    /// `SETALL`: one `unsigned short` per semaphore.
    pub array: *mut c_ushort,
    /// `IPC_INFO`, `SEM_INFO`: a `seminfo`.
    pub info: *mut libc::seminfo,
}

/// `semctl(semid, semnum, cmd, arg)`; the return value, or the errno.
fn semctl(semid: c_int, semnum: c_int, cmd: c_int, arg: semun) -> Result<c_int, Errno> {
    // SAFETY: semctl reads or writes through `arg` only as `cmd` says;
    // every caller passes a union whose member for `cmd` points to live,
    // writable storage of the right type and size (or is not a pointer).
    let ret = unsafe { libc::semctl(semid, semnum, cmd, arg) };
    if ret < 0 {
        return Err(Errno::last());
    }
    Ok(ret)
}

/// A `semun` for the commands that take none.
fn no_arg() -> semun {
    semun { val: 0 }
}

fn to_u32(value: c_int) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// The namespace's semaphore limits (`/proc/sys/kernel/sem`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SemLimitsInfo {
    /// Most sets.
    pub semmni: u32,
    /// Most semaphores in all sets together.
    pub semmns: u32,
    /// Most semaphores in one set.
    pub semmsl: u32,
    /// Most operations in one `semop`.
    pub semopm: u32,
    /// Largest value of a semaphore.
    pub semvmx: u32,
}

/// What `semctl(SEM_INFO)` says about the whole namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemInfo {
    /// Highest index in use in the kernel's set array (-1: none).
    pub highest_index: i32,
    /// Sets in use (`semusz`).
    pub sets: u32,
    /// Semaphores in use in all sets (`semaem`).
    pub semaphores: u32,
    /// The limits in force.
    pub limits: SemLimitsInfo,
}

/// `semctl(0, 0, cmd)` for `IPC_INFO` or `SEM_INFO`: the filled
/// `seminfo` and the highest index in use.
fn raw_info(cmd: c_int, action: &str) -> Result<(c_int, libc::seminfo), SysError> {
    let mut raw = MaybeUninit::<libc::seminfo>::zeroed();
    let highest = semctl(
        0,
        0,
        cmd,
        semun {
            info: raw.as_mut_ptr(),
        },
    )
    .map_err(|errno| SysError::new(action, errno))?;
    // SAFETY: the call succeeded, so the kernel filled the struct (which
    // was zeroed before, so every byte is initialised either way).
    Ok((highest, unsafe { raw.assume_init() }))
}

fn limits_of(raw: &libc::seminfo) -> SemLimitsInfo {
    SemLimitsInfo {
        semmni: to_u32(raw.semmni),
        semmns: to_u32(raw.semmns),
        semmsl: to_u32(raw.semmsl),
        semopm: to_u32(raw.semopm),
        semvmx: to_u32(raw.semvmx),
    }
}

/// `semctl(0, 0, SEM_INFO)`: sets and semaphores in use, the highest
/// index, and the limits (which `SEM_INFO` reports like `IPC_INFO`).
pub fn info() -> Result<SemInfo, SysError> {
    let (highest, raw) = raw_info(libc::SEM_INFO, "list semaphore sets (semctl SEM_INFO)")?;
    Ok(SemInfo {
        highest_index: if raw.semusz == 0 { -1 } else { highest },
        sets: to_u32(raw.semusz),
        semaphores: to_u32(raw.semaem),
        limits: limits_of(&raw),
    })
}

/// `semctl(0, 0, IPC_INFO)`: the limits alone.
pub fn limits() -> Result<SemLimitsInfo, SysError> {
    raw_info(
        libc::IPC_INFO,
        "read the semaphore limits (semctl IPC_INFO)",
    )
    .map(|(_, raw)| limits_of(&raw))
}

/// The fields of `struct semid_ds`, owned and named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetStat {
    /// IPC key.
    pub key: i32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Creator uid.
    pub cuid: u32,
    /// Creator gid.
    pub cgid: u32,
    /// Mode bits (permissions in the low 9 bits).
    pub mode: u32,
    /// Semaphores in the set.
    pub nsems: u32,
    /// Last `semop` time.
    pub otime: i64,
    /// Last change time (creation, `IPC_SET`, `SETVAL`, `SETALL`).
    pub ctime: i64,
}

impl From<&libc::semid_ds> for SetStat {
    fn from(ds: &libc::semid_ds) -> Self {
        Self {
            key: ds.sem_perm.__key,
            uid: ds.sem_perm.uid,
            gid: ds.sem_perm.gid,
            cuid: ds.sem_perm.cuid,
            cgid: ds.sem_perm.cgid,
            mode: u32::from(ds.sem_perm.mode),
            nsems: u32::try_from(ds.sem_nsems).unwrap_or(u32::MAX),
            otime: ds.sem_otime,
            ctime: ds.sem_ctime,
        }
    }
}

/// One of the stat commands for `first` (an id, or an index for
/// `SEM_STAT_ANY`): the call's result and the set.
fn semctl_stat(first: c_int, cmd: c_int) -> Result<(i32, SetStat), Errno> {
    let mut ds = MaybeUninit::<libc::semid_ds>::zeroed();
    let ret = semctl(
        first,
        0,
        cmd,
        semun {
            buf: ds.as_mut_ptr(),
        },
    )?;
    // SAFETY: the call succeeded, so the kernel filled the struct (and it
    // was zeroed before, so even padding is initialised).
    let ds = unsafe { ds.assume_init() };
    Ok((ret, SetStat::from(&ds)))
}

/// `semctl(index, 0, SEM_STAT_ANY)` (Linux 4.17+, no read permission
/// needed): the set at a kernel array index, with its id. `Ok(None)` when
/// the slot is empty.
pub fn stat_any(index: i32) -> Result<Option<(i32, SetStat)>, SysError> {
    super::slot(
        semctl_stat(index, libc::SEM_STAT_ANY),
        "semaphore set",
        index,
    )
}

/// `semctl(id, 0, IPC_STAT)`: one set by id (needs read permission).
pub fn stat(id: i32) -> Result<SetStat, SysError> {
    semctl_stat(id, libc::IPC_STAT)
        .map(|(_, stat)| stat)
        .map_err(|errno| SysError::new(format!("read semaphore set {id}"), errno))
}

/// What `GETVAL`, `GETPID`, `GETNCNT` and `GETZCNT` say about one
/// semaphore. (Not `GETALL`: it writes as many values as the set the id
/// names has when it runs, and the id may name a larger set by then; one
/// value per call cannot overrun anything.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SemState {
    /// Its value.
    pub value: u32,
    /// Pid of the last operation on it (0: none).
    pub pid: i32,
    /// Tasks waiting for its value to grow (to decrement it).
    pub ncnt: u32,
    /// Tasks waiting for its value to be zero.
    pub zcnt: u32,
}

/// `GETVAL`, `GETPID`, `GETNCNT` and `GETZCNT` of semaphore `num` of
/// set `id`.
pub fn state(id: i32, num: u32) -> Result<SemState, SysError> {
    let num_arg = c_int::try_from(num).unwrap_or(c_int::MAX);
    let get = |cmd| {
        semctl(id, num_arg, cmd, no_arg()).map_err(|errno| {
            SysError::new(format!("read semaphore {num} of set {id}"), errno)
                .explained(Errno::EACCES, "no read permission on the set")
        })
    };
    Ok(SemState {
        value: to_u32(get(libc::GETVAL)?),
        pid: get(libc::GETPID)?,
        ncnt: to_u32(get(libc::GETNCNT)?),
        zcnt: to_u32(get(libc::GETZCNT)?),
    })
}

/// `semctl(id, 0, SETALL)`: sets every value of a set of the caller's
/// own at once. The kernel reads as many values as the set has: one
/// value per semaphore is checked first (the set is the caller's, so it
/// does not change size meanwhile).
pub fn set_all(id: i32, values: &[u16]) -> Result<(), SysError> {
    let nsems = stat(id)?.nsems;
    if usize::try_from(nsems).ok() != Some(values.len()) {
        return Err(SysError::new(
            format!(
                "set {} values of semaphore set {id}, which has {nsems}",
                values.len()
            ),
            Errno::EINVAL,
        ));
    }
    let mut values = values.to_vec();
    semctl(
        id,
        0,
        libc::SETALL,
        semun {
            array: values.as_mut_ptr(),
        },
    )
    .map(drop)
    .map_err(|errno| {
        SysError::new(format!("set the values of semaphore set {id}"), errno).explained(
            Errno::ERANGE,
            "a value is larger than semvmx (/proc/sys/kernel/sem)",
        )
    })
}

/// `semget(key, nsems, flags)`: opens or creates a set; returns its id.
pub fn get(key: i32, nsems: u32, flags: c_int) -> Result<i32, SysError> {
    let nsems = c_int::try_from(nsems).unwrap_or(c_int::MAX);
    // SAFETY: semget takes no pointers.
    let id = unsafe { libc::semget(key, nsems, flags) };
    if id < 0 {
        return Err(
            SysError::last(|| format!("open semaphore set with key {key:#x}")).explained(
                Errno::EINVAL,
                "the number of semaphores is above semmsl, or differs from the existing set's",
            ),
        );
    }
    Ok(id)
}

/// One operation of a `semop`: add `op` to semaphore `num` (a negative
/// `op` waits until it can subtract; 0 waits for zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemOp {
    /// The semaphore's number in the set.
    pub num: u16,
    /// What to add (< 0: take, 0: wait for zero).
    pub op: i16,
    /// `IPC_NOWAIT`, `SEM_UNDO`.
    pub flags: i16,
}

/// `ops` as the kernel reads them.
fn raw_ops(ops: &[SemOp]) -> Vec<libc::sembuf> {
    ops.iter()
        .map(|o| libc::sembuf {
            sem_num: o.num,
            sem_op: o.op,
            sem_flg: o.flags,
        })
        .collect()
}

/// `semop(id, ops)`: does all of `ops` at once, waiting unless
/// `IPC_NOWAIT` says otherwise.
pub fn operate(id: i32, ops: &[SemOp]) -> Result<(), SysError> {
    let mut raw = raw_ops(ops);
    // SAFETY: `raw` holds `raw.len()` `sembuf`s, the count semop is told
    // to read.
    if unsafe { libc::semop(id, raw.as_mut_ptr(), raw.len()) } < 0 {
        return Err(SysError::last(|| format!("operate on semaphore set {id}")));
    }
    Ok(())
}

/// `semtimedop(id, ops, timeout)`: [`operate`], waiting at most
/// `timeout`; `Ok(false)` when the time ran out with nothing done.
pub fn operate_within(id: i32, ops: &[SemOp], timeout: Duration) -> Result<bool, SysError> {
    let mut raw = raw_ops(ops);
    let timeout = libc::timespec {
        tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
        // Below 10^9: fits a `long` of any width.
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: `raw` holds `raw.len()` `sembuf`s, the count semtimedop is
    // told to read; `timeout` is a live `timespec` it only reads. libc has
    // no wrapper for this call, hence `syscall`.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_semtimedop,
            id,
            raw.as_mut_ptr(),
            raw.len(),
            &raw const timeout,
        )
    };
    if ret < 0 {
        return match Errno::last() {
            Errno::EAGAIN => Ok(false),
            errno => Err(SysError::new(
                format!("operate on semaphore set {id}"),
                errno,
            )),
        };
    }
    Ok(true)
}

/// `semctl(id, 0, IPC_RMID)`: removes a set, waking its waiters with
/// `EIDRM`.
pub fn remove(id: i32) -> Result<(), SysError> {
    semctl(id, 0, libc::IPC_RMID, no_arg())
        .map(drop)
        .map_err(|errno| SysError::new(format!("remove semaphore set {id}"), errno))
}
