//! Reading every System V semaphore set of the namespace, with its
//! semaphores.
//!
//! The fast path is `SEM_INFO` + one `SEM_STAT_ANY` per kernel index (no
//! read permission needed); kernels before 4.17 lack `SEM_STAT_ANY`, and
//! there the sets come from `/proc/sysvipc/sem`. Either way each set's
//! semaphores are then read by id: `GETVAL`, `GETPID`, `GETNCNT`,
//! `GETZCNT` for each semaphore (not `GETALL`, which could overrun its
//! buffer if the id named a larger set by then). Those need read
//! permission; a
//! set without it is listed without its semaphores and counted.
//!
//! The semaphores are read in several calls, during which the set may be
//! removed and its id even given to a new set (`sem_next_id` allows it):
//! the set is read again afterwards and must still have the same key and
//! change time, or the read is retried, so a row never mixes two sets.

use std::io::BufRead;

use super::CollectError;
pub use super::sysvipc::ParseError;
use super::sysvipc::parse_table;
use crate::model::{MsgSource, SemLimits, SemSet, SemTable, SemUsage, Semaphore};
use crate::sys::sem::{self, SetStat};
use crate::sys::{Errno, SysError};

/// Where the fallback path reads the set table.
pub const PROC_SEM: &str = "/proc/sysvipc/sem";

/// How often a set that keeps changing while its semaphores are read is
/// read again before it is left for the next refresh.
const ATTEMPTS: usize = 3;

/// A set from the kernel's `semid_ds` fields, without its semaphores.
pub fn set_from_stat(id: i32, s: &SetStat) -> SemSet {
    SemSet {
        key: s.key,
        id,
        uid: s.uid,
        gid: s.gid,
        cuid: s.cuid,
        cgid: s.cgid,
        perms: s.mode & 0o777,
        nsems: s.nsems,
        otime: s.otime,
        ctime: s.ctime,
        sems: Vec::new(),
        values_readable: false,
    }
}

/// Limits as `SEM_INFO` reports them.
fn limits(info: &sem::SemInfo) -> SemLimits {
    let l = info.limits;
    SemLimits {
        semmni: l.semmni,
        semmns: l.semmns,
        semmsl: l.semmsl,
        semopm: l.semopm,
        semvmx: l.semvmx,
    }
}

/// The set was removed (`EIDRM`), or its id no longer names one (`EINVAL`).
fn gone(e: &SysError) -> bool {
    matches!(e.errno, Errno::EINVAL | Errno::EIDRM)
}

/// Every semaphore of set `id`, which has `nsems` of them.
fn read_semaphores(id: i32, nsems: u32) -> Result<Vec<Semaphore>, SysError> {
    (0..nsems)
        .map(|num| {
            let state = sem::state(id, num)?;
            Ok(Semaphore {
                num,
                value: state.value,
                pid: state.pid,
                ncnt: state.ncnt,
                zcnt: state.zcnt,
            })
        })
        .collect()
}

/// A set with its semaphores. `stat` reads the set (`None`: there is
/// none); it is called before and after the semaphores, and the two must
/// agree on id, key and change time. Without read permission the set
/// comes without semaphores. `Ok(None)` when there is no set, or it kept
/// changing.
fn read_set(
    stat: impl Fn() -> Result<Option<(i32, SetStat)>, SysError>,
) -> Result<Option<SemSet>, SysError> {
    for _ in 0..ATTEMPTS {
        let Some((id, before)) = stat()? else {
            return Ok(None);
        };
        let mut set = set_from_stat(id, &before);
        match read_semaphores(id, before.nsems) {
            Ok(sems) => set.sems = sems,
            // Removed meanwhile: what the slot holds now, if anything.
            Err(e) if gone(&e) => continue,
            // Nothing read, so nothing to mix up.
            Err(_) => return Ok(Some(set)),
        }
        set.values_readable = true;
        match stat()? {
            Some((again, after))
                if again == id && after.key == before.key && after.ctime == before.ctime =>
            {
                return Ok(Some(set));
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Set `id` by `IPC_STAT`, `None` if there is none.
fn stat_by_id(id: i32) -> Result<Option<(i32, SetStat)>, SysError> {
    match sem::stat(id) {
        Ok(stat) => Ok(Some((id, stat))),
        Err(e) if gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Set `id` as it is now, `None` if there is none. Uses `IPC_STAT`, or,
/// without read permission (an owner may remove a set it may not read),
/// a scan of the table.
pub fn current(id: i32) -> Result<Option<SemSet>, CollectError> {
    match read_set(|| stat_by_id(id)) {
        Ok(set) => Ok(set),
        Err(e) if e.errno == Errno::EACCES => {
            let table = read_table(super::kernel::best_msg_source())?;
            Ok(table.sets.into_iter().find(|s| s.id == id))
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads the table the way `source` says.
pub fn read_table(source: MsgSource) -> Result<SemTable, CollectError> {
    let info = sem::info()?;
    let mut sets = match source {
        MsgSource::StatAny => read_stat_any(info.highest_index),
        MsgSource::ProcFile => read_proc_file()?,
    };
    // A kernel that rejects SEM_STAT_ANY answers EINVAL for every slot,
    // which looks like an empty table: believe SEM_INFO's count instead.
    let mut source = source;
    if source == MsgSource::StatAny && sets.sets.is_empty() && info.sets > 0 {
        sets = read_proc_file()?;
        source = MsgSource::ProcFile;
    }
    Ok(SemTable {
        limits: limits(&info),
        usage: SemUsage {
            sets: info.sets,
            semaphores: info.semaphores,
        },
        source,
        ..sets
    })
}

/// Sets read so far, and how many were not read in full.
fn table_of(found: impl Iterator<Item = Result<Option<SemSet>, SysError>>) -> SemTable {
    let mut table = SemTable::default();
    for set in found {
        match set {
            Ok(Some(set)) => {
                table.unreadable += u32::from(!set.values_readable);
                table.sets.push(set);
            }
            Ok(None) => {}
            Err(_) => table.unreadable += 1,
        }
    }
    table
}

/// One `SEM_STAT_ANY` per index up to `highest_index`, and the semaphores
/// of each set. Empty slots and sets removed mid-scan are skipped; a slot
/// the kernel refuses (a security module may) is counted, never fatal:
/// one object must not hide all the others.
pub fn read_stat_any(highest_index: i32) -> SemTable {
    table_of((0..=highest_index).map(|index| read_set(|| sem::stat_any(index))))
}

fn read_proc_file() -> Result<SemTable, CollectError> {
    let file = std::fs::File::open(PROC_SEM).map_err(|e| CollectError::Io(PROC_SEM, e))?;
    let rows = parse_proc_sem(std::io::BufReader::new(file))?;
    Ok(table_of(rows.into_iter().map(|row| {
        match read_set(|| stat_by_id(row.id)) {
            // Without read permission the file's row is all there is.
            Err(e) if e.errno == Errno::EACCES => Ok(Some(row)),
            read => read,
        }
    })))
}

const COLUMNS: [&str; 10] = [
    "key", "semid", "perms", "nsems", "uid", "gid", "cuid", "cgid", "otime", "ctime",
];

/// Parses `/proc/sysvipc/sem`: a header naming the columns, then one line
/// per set. Keys are signed decimal, perms octal. The semaphores are not
/// in the file: `sems` is empty and `values_readable` false.
pub fn parse_proc_sem(reader: impl BufRead) -> Result<Vec<SemSet>, ParseError> {
    parse_table(PROC_SEM, &COLUMNS, reader, |row| {
        Ok(SemSet {
            key: row.decimal(0)?,
            id: row.decimal(1)?,
            perms: row.octal(2)? & 0o777,
            nsems: row.decimal(3)?,
            uid: row.decimal(4)?,
            gid: row.decimal(5)?,
            cuid: row.decimal(6)?,
            cgid: row.decimal(7)?,
            otime: row.decimal(8)?,
            ctime: row.decimal(9)?,
            sems: Vec::new(),
            values_readable: false,
        })
    })
}
