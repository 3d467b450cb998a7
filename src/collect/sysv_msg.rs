//! Reading every System V message queue of the namespace.
//!
//! The fast path is `MSG_INFO` + one `MSG_STAT_ANY` per kernel index: it
//! returns capacity and works without read permission. Kernels before 4.17
//! lack `MSG_STAT_ANY`; there the table comes from `/proc/sysvipc/msg`,
//! completed by `IPC_STAT` where permission allows.

use std::io::BufRead;

use super::CollectError;
pub use super::sysvipc::ParseError;
use super::sysvipc::{parse_table, stat_loop, stat_or_scan};
use crate::model::{MsgLimits, MsgQueue, MsgSource, MsgTable};
use crate::sys::msg::{self, QueueStat};

/// Where the fallback path reads the queue table.
pub const PROC_MSG: &str = "/proc/sysvipc/msg";

/// A queue from the kernel's `msqid_ds` fields.
pub fn queue_from_stat(id: i32, s: &QueueStat) -> MsgQueue {
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

/// Limits as `MSG_INFO` reports them.
fn limits(info: &msg::MsgInfo) -> MsgLimits {
    MsgLimits {
        msgmni: info.msgmni,
        msgmax: info.msgmax,
        msgmnb: info.msgmnb,
    }
}

/// Queue `id` as it is now, `None` if there is none. Uses `IPC_STAT`,
/// or, without read permission (an owner may remove a queue it may not
/// read), a scan of the table.
pub fn current(id: i32) -> Result<Option<MsgQueue>, CollectError> {
    stat_or_scan(msg::stat(id).map(|stat| queue_from_stat(id, &stat)), || {
        let table = read_table(super::kernel::best_msg_source())?;
        Ok(table.queues.into_iter().find(|q| q.id == id))
    })
}

/// Reads the table the way `source` says.
pub fn read_table(source: MsgSource) -> Result<MsgTable, CollectError> {
    let info = msg::info()?;
    let (mut queues, unreadable) = match source {
        MsgSource::StatAny => read_stat_any(info.highest_index),
        MsgSource::ProcFile => (read_proc_file()?, 0),
    };
    // A kernel that rejects MSG_STAT_ANY answers EINVAL for every slot,
    // which looks like an empty table: believe MSG_INFO's count instead.
    let mut source = source;
    if source == MsgSource::StatAny && queues.is_empty() && info.queues > 0 {
        queues = read_proc_file()?;
        source = MsgSource::ProcFile;
    }
    let mut table = MsgTable::new(queues, limits(&info), source);
    table.unreadable = unreadable;
    Ok(table)
}

/// One `MSG_STAT_ANY` per index up to `highest_index`. Empty slots and
/// queues removed mid-scan are skipped; a slot the kernel refuses (a
/// security module may) is counted, never fatal: one object must not hide
/// all the others.
pub fn read_stat_any(highest_index: i32) -> (Vec<MsgQueue>, u32) {
    stat_loop(highest_index, msg::stat_any, queue_from_stat)
}

fn read_proc_file() -> Result<Vec<MsgQueue>, CollectError> {
    let file = std::fs::File::open(PROC_MSG).map_err(|e| CollectError::Io(PROC_MSG, e))?;
    let rows = parse_proc_msg(std::io::BufReader::new(file))?;
    Ok(rows.into_iter().map(complete_with_ipc_stat).collect())
}

/// The file lacks `msg_qbytes`; `IPC_STAT` has it when we may read the
/// queue. The rest of the row stays as the file said (it is the same data).
fn complete_with_ipc_stat(mut queue: MsgQueue) -> MsgQueue {
    queue.max_bytes = msg::stat(queue.id).ok().map(|s| s.qbytes);
    queue
}

const COLUMNS: [&str; 14] = [
    "key", "msqid", "perms", "cbytes", "qnum", "lspid", "lrpid", "uid", "gid", "cuid", "cgid",
    "stime", "rtime", "ctime",
];

/// Parses `/proc/sysvipc/msg`: a header naming the columns, then one line
/// per queue. Keys are signed decimal, perms octal. Capacity is not in the
/// file, so `max_bytes` is `None`.
pub fn parse_proc_msg(reader: impl BufRead) -> Result<Vec<MsgQueue>, ParseError> {
    parse_table(PROC_MSG, &COLUMNS, reader, |row| {
        Ok(MsgQueue {
            key: row.decimal(0)?,
            id: row.decimal(1)?,
            perms: row.octal(2)? & 0o777,
            used_bytes: row.decimal(3)?,
            messages: row.decimal(4)?,
            lspid: row.decimal(5)?,
            lrpid: row.decimal(6)?,
            uid: row.decimal(7)?,
            gid: row.decimal(8)?,
            cuid: row.decimal(9)?,
            cgid: row.decimal(10)?,
            stime: row.decimal(11)?,
            rtime: row.decimal(12)?,
            ctime: row.decimal(13)?,
            max_bytes: None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n";

    fn parse(body: &str) -> Result<Vec<MsgQueue>, ParseError> {
        parse_proc_msg(format!("{HEADER}{body}").as_bytes())
    }

    #[test]
    fn garbage_number_is_an_error() {
        let err = parse("0 x 600 0 0 0 0 0 0 0 0 0 0 0\n").unwrap_err();
        assert!(err.reason.contains("msqid"), "{err}");
    }

    #[test]
    fn columns_are_found_by_name_not_position() {
        let text = "msqid key perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime\n7 -1 660 1 1 0 0 0 0 0 0 0 0 0\n";
        let q = parse_proc_msg(text.as_bytes()).unwrap();
        assert_eq!((q[0].id, q[0].key), (7, -1));
    }

    #[test]
    fn header_without_a_needed_column_is_an_error() {
        let err = parse_proc_msg(&b"key msqid\n"[..]).unwrap_err();
        assert_eq!(err.line, 1);
    }
}
