//! Who is blocked sending to a full queue, found on every refresh that
//! needs it.
//!
//! Finding blocked tasks means reading every task's `syscall` file
//! ([`blocked::scan`]): a few milliseconds on a busy machine. A refresh
//! pays it only when some queue of its table could block a sender
//! ([`could_block_a_sender`]): an idle monitor costs nothing extra.

use std::collections::{BTreeMap, HashMap};
use std::io;

use super::blocked::{self, BlockedScan, WaitOp};
use crate::model::{MsgQueue, MsgTable};

/// Could a `msgsnd` to `q` block now? The kernel makes a sender wait while
/// `msgsz + cbytes > qbytes` or `qnum + 1 > qbytes` (the count of messages
/// is bounded by the capacity in bytes too). A message may be as large as
/// `msgmax`, so the queue could block one when its free bytes are fewer
/// than `msgmax`, or when it holds as many messages as it has bytes. A
/// queue of unknown capacity (the `/proc` fallback without read
/// permission) cannot be ruled out.
pub fn could_block_a_sender(q: &MsgQueue, msgmax: u64) -> bool {
    match q.max_bytes {
        Some(max) => max.saturating_sub(q.used_bytes) < msgmax || q.messages >= max,
        None => true,
    }
}

/// The queues of `table` that could block a sender, by msqid: the only
/// ones whose senders are looked for.
pub fn candidates(table: &MsgTable) -> Vec<i32> {
    table
        .queues
        .iter()
        .filter(|q| could_block_a_sender(q, table.limits.msgmax))
        .map(|q| q.id)
        .collect()
}

/// Fills `table`'s [`MsgTable::blocked_senders`] and
/// [`MsgTable::unchecked_processes`] from a scan of `/proc`, counting only
/// processes in IPC namespace `namespace`. Scans nothing when no queue
/// could block a sender; a scan that fails (`/proc` unreadable) leaves
/// both empty.
pub fn attach(table: &mut MsgTable, namespace: u64) {
    attach_with(table, namespace, blocked::scan, blocked::namespace_of);
}

/// [`attach`] with the scan and the namespace look-up given (tests pass
/// their own, to see when the scan runs).
pub fn attach_with(
    table: &mut MsgTable,
    namespace: u64,
    scan: impl FnOnce() -> io::Result<BlockedScan>,
    namespace_of: impl Fn(i32) -> Option<u64>,
) {
    table.blocked_senders.clear();
    table.unchecked_processes = 0;
    let candidates = candidates(table);
    if candidates.is_empty() {
        return;
    }
    let Ok(found) = scan() else {
        return;
    };
    let mut namespaces: HashMap<i32, Option<u64>> = HashMap::new();
    let mut namespace_of = |pid| *namespaces.entry(pid).or_insert_with(|| namespace_of(pid));
    let mut senders: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for task in &found.blocked {
        if task.op == WaitOp::Send
            && candidates.contains(&task.id)
            && namespace_of(task.pid) == Some(namespace)
        {
            senders.entry(task.id).or_default().push(task.pid);
        }
    }
    for pids in senders.values_mut() {
        // The scan lists tasks by pid: threads of one process are adjacent.
        pids.dedup();
    }
    table.blocked_senders = senders;
    // A process whose namespace cannot be read may be in ours.
    table.unchecked_processes = found
        .unreadable
        .iter()
        .filter(|u| namespace_of(u.pid).is_none_or(|ns| ns == namespace))
        .count()
        .try_into()
        .unwrap_or(u32::MAX);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::blocked::{Blocked, Unchecked};
    use crate::model::{MsgLimits, MsgSource};

    const OURS: u64 = 7;
    const MSGMAX: u64 = 8192;

    fn queue(id: i32, messages: u64, used_bytes: u64, max_bytes: Option<u64>) -> MsgQueue {
        MsgQueue {
            key: 0,
            id,
            uid: 0,
            gid: 0,
            cuid: 0,
            cgid: 0,
            perms: 0o600,
            messages,
            used_bytes,
            max_bytes,
            lspid: 0,
            lrpid: 0,
            stime: 0,
            rtime: 0,
            ctime: 0,
        }
    }

    fn table(queues: Vec<MsgQueue>) -> MsgTable {
        let limits = MsgLimits {
            msgmni: 32_000,
            msgmax: MSGMAX,
            msgmnb: 16_384,
        };
        MsgTable::new(queues, limits, MsgSource::StatAny)
    }

    fn sender(pid: i32, tid: i32, msqid: i32, op: WaitOp) -> Blocked {
        Blocked {
            pid,
            tid,
            command: Some("producer".to_owned()),
            id: msqid,
            op,
            size: 64,
            stopped: false,
        }
    }

    #[test]
    fn only_a_queue_without_room_for_the_largest_message_could_block() {
        // 16 KiB capacity: room for msgmax until more than 8 KiB is used.
        assert!(!could_block_a_sender(&queue(1, 0, 0, Some(16_384)), MSGMAX));
        assert!(!could_block_a_sender(
            &queue(1, 128, 8_192, Some(16_384)),
            MSGMAX
        ));
        assert!(could_block_a_sender(
            &queue(1, 129, 8_193, Some(16_384)),
            MSGMAX
        ));
        // Smaller than msgmax: even empty it could refuse a large message.
        assert!(could_block_a_sender(&queue(1, 0, 0, Some(8_191)), MSGMAX));
        // As many messages as bytes of capacity: no room for one more,
        // however small (zero-length messages).
        assert!(could_block_a_sender(&queue(1, 16, 0, Some(16)), 0));
        assert!(could_block_a_sender(&queue(1, 0, 0, None), MSGMAX));
    }

    #[test]
    fn no_queue_that_could_block_means_no_scan() {
        let mut idle = table(vec![
            queue(1, 0, 0, Some(16_384)),
            queue(2, 3, 90, Some(16_384)),
        ]);
        assert_eq!(candidates(&idle), Vec::<i32>::new());
        attach_with(
            &mut idle,
            OURS,
            || panic!("scanned /proc for an idle table"),
            |_| panic!("looked up a namespace for an idle table"),
        );
        assert!(idle.blocked_senders.is_empty());
        assert_eq!(idle.unchecked_processes, 0);
        // No queue at all: no scan either.
        attach_with(
            &mut table(Vec::new()),
            OURS,
            || panic!("scanned /proc for no queue"),
            |_| None,
        );
    }

    #[test]
    fn senders_of_candidate_queues_in_our_namespace_are_kept_once_per_process() {
        let full = queue(1, 128, 16_384, Some(16_384));
        let idle = queue(2, 0, 0, Some(16_384));
        let mut t = table(vec![full, idle]);
        let mut scans = 0;
        attach_with(
            &mut t,
            OURS,
            || {
                scans += 1;
                Ok(BlockedScan {
                    blocked: vec![
                        sender(100, 100, 1, WaitOp::Send),
                        sender(100, 101, 1, WaitOp::Send),
                        // A receiver is no sender.
                        sender(
                            150,
                            150,
                            1,
                            WaitOp::Receive {
                                msgtyp: 0,
                                except: false,
                            },
                        ),
                        // Queue 1 of another namespace is another queue.
                        sender(200, 200, 1, WaitOp::Send),
                        // Not a queue that could block (stopped in the call
                        // since it had room).
                        sender(300, 300, 2, WaitOp::Send),
                    ],
                    unreadable: vec![
                        Unchecked {
                            pid: 1,
                            command: Some("init".to_owned()),
                            tasks: 13,
                            why: "permission denied".to_owned(),
                        },
                        Unchecked {
                            pid: 400,
                            command: None,
                            tasks: 0,
                            why: "permission denied".to_owned(),
                        },
                        Unchecked {
                            pid: 500,
                            command: None,
                            tasks: 2,
                            why: "permission denied".to_owned(),
                        },
                    ],
                })
            },
            |pid| match pid {
                200 | 1 => Some(OURS + 1),
                400 => None,
                _ => Some(OURS),
            },
        );
        assert_eq!(scans, 1);
        assert_eq!(t.blocked_senders, BTreeMap::from([(1, vec![100])]));
        assert_eq!(t.blocked_senders_of(1), [100]);
        assert_eq!(t.blocked_senders_of(2), [] as [i32; 0]);
        // pid 1 is elsewhere; 400 (its list unreadable, its namespace
        // unknown) and 500 (two tasks) are a process each.
        assert_eq!(t.unchecked_processes, 2);
    }

    #[test]
    fn a_failed_scan_finds_nobody() {
        let mut t = table(vec![queue(1, 128, 16_384, Some(16_384))]);
        t.unchecked_processes = 9;
        attach_with(
            &mut t,
            OURS,
            || Err(io::Error::from(io::ErrorKind::PermissionDenied)),
            |_| Some(OURS),
        );
        assert!(t.blocked_senders.is_empty());
        assert_eq!(t.unchecked_processes, 0);
    }
}
