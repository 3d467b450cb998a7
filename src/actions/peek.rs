//! Reading a queue's messages without consuming them (`MSG_COPY`).
//!
//! Each copy walks the queue from its head, so reading N messages costs
//! O(N²) in the kernel: reads come in pages. The queue's state is read
//! before and after, so the caller can tell whether it changed meanwhile.

use std::fmt;

use crate::collect::names::NameCache;
use crate::format;
use crate::sys::kernel::{self, Version};
use crate::sys::msg::{self, QueueStat};
use crate::sys::{Errno, SysError};

/// Messages read per page.
pub const PAGE: usize = 500;

/// One message, copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Position in the queue, 0 = next to be received.
    pub index: usize,
    /// The message type.
    pub mtype: i64,
    /// The payload.
    pub data: Vec<u8>,
}

/// A run of consecutive messages and the queue around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The queue.
    pub id: i32,
    /// Index of the first message read.
    pub first: usize,
    /// The messages, in queue order.
    pub messages: Vec<Message>,
    /// The message just before `first` (for pages after the first), read
    /// again so the reader can check that it still stands where it was.
    pub overlap: Option<Message>,
    /// The queue just before reading.
    pub before: QueueStat,
    /// The queue just after reading.
    pub after: QueueStat,
    /// What changed while the page was read.
    pub changes: Changes,
    /// The last message of the queue is in this page.
    pub at_end: bool,
}

impl Page {
    /// What changed since the page before it, which ended with the queue
    /// as `earlier` and the message `last`: the queue between the pages,
    /// the message before this page (it must still be `last`), and what
    /// changed while this page was read.
    pub fn changes_since(&self, earlier: &QueueStat, last: Option<&Message>) -> Changes {
        let mut changes = Changes::between(earlier, &self.before) | self.changes;
        if !changes.replaced && self.overlap.as_ref() != last {
            changes.received = true;
        }
        changes
    }
}

/// What happened to a queue between two looks at it, as far as the
/// kernel lets anyone tell: `msqid_ds` has no sequence number, and its
/// times have one-second resolution, so the readers also check that a
/// message they hold still stands where they read it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Another queue has the id now (key, creator or creation time differ,
    /// or its history starts again), or `IPC_SET` changed it.
    pub replaced: bool,
    /// Messages were received: positions moved, so a list read in steps
    /// may skip some.
    pub received: bool,
    /// Messages were sent: the newest may be missing from the list.
    pub sent: bool,
}

impl Changes {
    /// What tells `later` from `earlier`, two reads of the same id.
    pub fn between(earlier: &QueueStat, later: &QueueStat) -> Self {
        let identity = |q: &QueueStat| (q.key, q.cuid, q.cgid, q.ctime);
        // Send and receive times only move forward on one queue.
        let replaced = identity(earlier) != identity(later)
            || later.stime < earlier.stime
            || later.rtime < earlier.rtime;
        Self {
            replaced,
            received: !replaced
                && (later.rtime != earlier.rtime
                    || later.lrpid != earlier.lrpid
                    || later.qnum < earlier.qnum),
            sent: !replaced
                && (later.stime != earlier.stime
                    || later.lspid != earlier.lspid
                    || later.qnum > earlier.qnum),
        }
    }

    /// Nothing changed that anyone could see.
    pub fn is_none(self) -> bool {
        self == Self::default()
    }

    /// The most serious change, in words, for queue `id`.
    pub fn describe(self, id: i32) -> Option<String> {
        if self.replaced {
            Some(format!(
                "queue {id} was replaced by another queue (or changed with IPC_SET) while it was read"
            ))
        } else if self.received {
            Some(format!(
                "messages were received from queue {id} while it was read: the list may skip some"
            ))
        } else if self.sent {
            Some(format!(
                "messages were sent to queue {id} while it was read: the newest may be missing"
            ))
        } else {
            None
        }
    }
}

impl std::ops::BitOr for Changes {
    type Output = Self;

    fn bitor(self, other: Self) -> Self {
        let replaced = self.replaced || other.replaced;
        Self {
            replaced,
            received: !replaced && (self.received || other.received),
            sent: !replaced && (self.sent || other.sent),
        }
    }
}

impl std::ops::BitOrAssign for Changes {
    fn bitor_assign(&mut self, other: Self) {
        *self = *self | other;
    }
}

/// Why messages could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeekError {
    /// The kernel predates `MSG_COPY` (or its version is unknown): it
    /// might consume the messages.
    KernelTooOld(Option<Version>),
    /// A message is larger than `msgmax` (it was lowered after the message
    /// was sent): the kernel cannot copy it.
    TooLarge {
        /// The queue.
        id: i32,
        /// The message's position.
        index: usize,
        /// The current `msgmax`.
        msgmax: usize,
    },
    /// The kernel has no `MSG_COPY` (built without checkpoint/restore).
    NoMsgCopy,
    /// No read permission on the queue.
    Denied {
        /// The queue.
        id: i32,
        /// Its mode and owner's name, when they could be read.
        owner: Option<(u32, String)>,
    },
    /// The queue is gone.
    Gone(i32),
    /// The queue asked for is not in ipctop's IPC namespace: why, in words.
    OtherNamespace(String),
    /// Another queue took over the id (or `IPC_SET` changed it) while its
    /// messages were read: what was read may mix two queues.
    Replaced(i32),
    /// Anything else.
    Sys(SysError),
}

impl fmt::Display for PeekError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KernelTooOld(Some((a, b, c))) => write!(
                f,
                "not peeking: kernel {a}.{b}.{c} predates MSG_COPY (3.8) and would consume the messages"
            ),
            Self::KernelTooOld(None) => write!(
                f,
                "not peeking: the kernel's version is unknown, and before 3.8 MSG_COPY consumes the messages"
            ),
            Self::TooLarge { id, index, msgmax } => write!(
                f,
                "message {index} of queue {id} is larger than msgmax ({msgmax} bytes), so the kernel cannot copy it; raise kernel.msgmax to read it"
            ),
            Self::NoMsgCopy => write!(
                f,
                "cannot peek: this kernel lacks MSG_COPY (built without CONFIG_CHECKPOINT_RESTORE)"
            ),
            Self::Denied {
                id,
                owner: Some((mode, owner)),
            } => {
                let owner = format::sanitize(owner);
                let who = if owner == "root" {
                    "root".to_owned()
                } else {
                    format!("{owner} or root")
                };
                write!(
                    f,
                    "permission denied: queue {id} is mode {mode:04o} owned by {owner}; run as {who}"
                )
            }
            Self::Denied { id, owner: None } => write!(
                f,
                "permission denied: no read permission on queue {id}; run as its owner or root"
            ),
            Self::Gone(id) => write!(
                f,
                "no message queue has id {id} (removed, or never existed)"
            ),
            Self::OtherNamespace(why) => write!(f, "not peeking: {why}"),
            Self::Replaced(id) => write!(
                f,
                "queue {id} was replaced by another queue (or changed with IPC_SET) while it was read; \
                 nothing is shown, so that no two queues pass for one: run the peek again"
            ),
            Self::Sys(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PeekError {}

impl PeekError {
    fn from_sys(id: i32, e: SysError) -> Self {
        match e.errno {
            Errno::EACCES => Self::Denied {
                id,
                owner: owner_of(id),
            },
            Errno::EINVAL | Errno::EIDRM => Self::Gone(id),
            Errno::ENOSYS => Self::NoMsgCopy,
            _ => Self::Sys(e),
        }
    }
}

/// The mode and owner of queue `id`, read without read permission (for
/// the message that says we have none).
fn owner_of(id: i32) -> Option<(u32, String)> {
    let queue = crate::collect::sysv_msg::current(id).ok()??;
    let owner = NameCache::users()
        .get(queue.uid)
        .map_or_else(|| queue.uid.to_string(), str::to_owned);
    Some((queue.perms, owner))
}

/// Refuses kernels on which `MSG_COPY` might consume.
pub fn check_kernel(version: Option<Version>) -> Result<(), PeekError> {
    if kernel::msg_copy_copies(version) {
        Ok(())
    } else {
        Err(PeekError::KernelTooOld(version))
    }
}

/// Reads up to `count` messages of queue `id` from position `first`.
pub fn read_page(id: i32, first: usize, count: usize) -> Result<Page, PeekError> {
    check_kernel(kernel::running_version())?;
    let error = |e| PeekError::from_sys(id, e);
    let msgmax = usize::try_from(msg::info().map_err(error)?.msgmax).unwrap_or(8192);
    read_page_with(
        id,
        first,
        count,
        msgmax,
        |index, size| msg::copy(id, index, size),
        || msg::stat(id),
    )
    .map_err(|e| match e {
        Copied::Sys(e) => error(e),
        Copied::TooLarge(index) => PeekError::TooLarge { id, index, msgmax },
    })
}

/// Why [`read_page_with`] stopped.
enum Copied {
    /// A call failed.
    Sys(SysError),
    /// The message at this index is larger than `msgmax`.
    TooLarge(usize),
}

/// The size of the buffer for copying a message from a queue holding
/// `cbytes`: no message is larger than the bytes on its queue, nor than
/// `msgmax`. The kernel allocates and fills min(buffer, msgmax) bytes on
/// every copy, whatever the message's size, so a `msgmax` buffer makes a
/// peek at a raised `msgmax` slow and memory-hungry.
pub fn copy_buffer(cbytes: u64, msgmax: usize) -> usize {
    usize::try_from(cbytes)
        .unwrap_or(usize::MAX)
        .clamp(1, msgmax.max(1))
}

/// [`read_page`] with the copy and stat calls given (tests count them).
fn read_page_with(
    id: i32,
    first: usize,
    count: usize,
    msgmax: usize,
    mut copy: impl FnMut(usize, usize) -> Result<Option<(i64, Vec<u8>)>, SysError>,
    mut stat: impl FnMut() -> Result<QueueStat, SysError>,
) -> Result<Page, Copied> {
    let before = stat().map_err(Copied::Sys)?;
    let mut buffer = copy_buffer(before.cbytes, msgmax);
    // Copies one message; a larger one than the buffer (sent since the
    // stat) makes the buffer grow, up to msgmax.
    let mut copy_at = |index: usize| loop {
        match copy(index, buffer) {
            Ok(found) => return Ok(found.map(|(mtype, data)| Message { index, mtype, data })),
            Err(e) if e.errno == Errno::E2BIG && buffer < msgmax => {
                let now = stat().map_err(Copied::Sys)?.cbytes;
                buffer = copy_buffer(now, msgmax).max(buffer.saturating_mul(2).min(msgmax));
            }
            Err(e) if e.errno == Errno::E2BIG => return Err(Copied::TooLarge(index)),
            Err(e) => return Err(Copied::Sys(e)),
        }
    };
    let overlap = match first.checked_sub(1) {
        Some(previous) => copy_at(previous)?,
        None => None,
    };
    let mut messages = Vec::with_capacity(count.min(usize::try_from(before.qnum).unwrap_or(0)));
    let mut at_end = false;
    for index in first..first.saturating_add(count) {
        match copy_at(index)? {
            Some(message) => messages.push(message),
            None => {
                at_end = true;
                break;
            }
        }
    }
    // The first message held, read again: if it moved, messages were
    // received while the page was read, even within the same second by
    // the same process (which no field of the queue would show).
    let held = overlap.as_ref().or(messages.first());
    let moved = match held {
        Some(m) => copy_at(m.index)?.as_ref() != Some(m),
        None => false,
    };
    let after = stat().map_err(Copied::Sys)?;
    let mut changes = Changes::between(&before, &after);
    if moved && !changes.replaced {
        changes.received = true;
    }
    // A page that stopped at `count` may still have ended the queue.
    let read = first.saturating_add(messages.len());
    at_end |= u64::try_from(read).is_ok_and(|read| read >= after.qnum);
    Ok(Page {
        id,
        first,
        messages,
        overlap,
        before,
        after,
        changes,
        at_end,
    })
}

/// Which message a real `msgrcv(.., msgtyp, flags)` would take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selector {
    /// The `msgtyp` argument.
    pub msgtyp: i64,
    /// `MSG_EXCEPT` given.
    pub except: bool,
}

impl Selector {
    /// Parses `3`, `-3`, `0`, or `!3` (MSG_EXCEPT: any type but 3).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (except, number) = match text.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, text),
        };
        let msgtyp = number
            .parse::<i64>()
            .map_err(|_| format!("not a message type: {text:?} (try 0, 5, -5 or !5)"))?;
        Ok(Self { msgtyp, except })
    }

    /// Position (in `mtypes`, queue order) of the message the kernel would
    /// hand out, following `find_msg` in ipc/msg.c: 0 takes the first;
    /// a positive type the first of that type (with `MSG_EXCEPT`, the first
    /// of any other type); a negative one the first of the lowest type not
    /// above its absolute value (`MSG_EXCEPT` is then ignored).
    pub fn pick(self, mtypes: impl IntoIterator<Item = i64>) -> Option<usize> {
        let mut mtypes = mtypes.into_iter().enumerate();
        match self.msgtyp {
            0 => mtypes.next().map(|(i, _)| i),
            t if t < 0 => {
                let limit = t.checked_neg().unwrap_or(i64::MAX);
                let mut best: Option<(usize, i64)> = None;
                for (i, mtype) in mtypes {
                    if mtype <= limit && best.is_none_or(|(_, b)| mtype < b) {
                        best = Some((i, mtype));
                        if mtype == 1 {
                            break;
                        }
                    }
                }
                best.map(|(i, _)| i)
            }
            t if self.except => mtypes.find(|(_, m)| *m != t).map(|(i, _)| i),
            t => mtypes.find(|(_, m)| *m == t).map(|(i, _)| i),
        }
    }

    /// Can [`Self::pick`] over only the first messages be trusted? Only
    /// the "lowest type" search needs to see them all (unless it met
    /// type 1, the lowest there is).
    pub fn needs_all(self, found: Option<i64>) -> bool {
        self.msgtyp < 0 && found != Some(1)
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.msgtyp, self.except) {
            (t, true) if t > 0 => write!(f, "msgtyp {t} with MSG_EXCEPT"),
            (t, _) => write!(f, "msgtyp {t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(text: &str, mtypes: &[i64]) -> Option<usize> {
        Selector::parse(text)
            .expect("selector")
            .pick(mtypes.iter().copied())
    }

    #[test]
    fn picks_like_the_kernel() {
        let q = [3, 1, 2, 1, 5];
        assert_eq!(pick("0", &q), Some(0));
        assert_eq!(pick("1", &q), Some(1));
        assert_eq!(pick("5", &q), Some(4));
        assert_eq!(pick("4", &q), None);
        assert_eq!(pick("!3", &q), Some(1));
        assert_eq!(pick("!9", &q), Some(0));
        assert_eq!(pick("-2", &q), Some(1), "lowest type <= 2 is 1");
        assert_eq!(pick("-3", &[3, 2, 2]), Some(1), "first of the lowest");
        assert_eq!(pick("-1", &[3, 2]), None);
        assert_eq!(pick("!-3", &[3, 2]), Some(1), "MSG_EXCEPT ignored");
        assert_eq!(pick("0", &[]), None);
        assert_eq!(
            Selector {
                msgtyp: i64::MIN,
                except: false
            }
            .pick([i64::MAX, 7]),
            Some(1)
        );
    }

    #[test]
    fn parses_what_users_type() {
        assert_eq!(
            Selector::parse(" !7 "),
            Ok(Selector {
                msgtyp: 7,
                except: true
            })
        );
        assert!(Selector::parse("x").unwrap_err().contains("try 0, 5"));
        assert_eq!(
            Selector::parse("7").map(|s| s.to_string()),
            Ok("msgtyp 7".into())
        );
    }

    #[test]
    fn permission_errors_say_whose_queue_it_is() {
        let denied = |owner: &str| PeekError::Denied {
            id: 65538,
            owner: Some((0o600, owner.to_owned())),
        };
        assert_eq!(
            denied("alice").to_string(),
            "permission denied: queue 65538 is mode 0600 owned by alice; run as alice or root"
        );
        assert!(denied("root").to_string().ends_with("run as root"));
        assert!(denied("ev\x1bil").to_string().contains("owned by ev·il"));
    }

    /// A fake queue: `messages` as (mtype, size), its stat, and a record
    /// of every copy's buffer size.
    struct FakeQueue {
        messages: Vec<(i64, usize)>,
        stat: QueueStat,
        buffers: Vec<usize>,
    }

    impl FakeQueue {
        fn new(messages: &[(i64, usize)]) -> Self {
            let stat = QueueStat {
                qnum: messages.len() as u64,
                cbytes: messages.iter().map(|(_, n)| *n as u64).sum(),
                ..QueueStat::default()
            };
            Self {
                messages: messages.to_vec(),
                stat,
                buffers: Vec::new(),
            }
        }

        /// What `msgrcv(MSG_COPY)` does: E2BIG when the buffer is short.
        fn copy(&mut self, index: usize, size: usize) -> Result<Option<(i64, Vec<u8>)>, SysError> {
            self.buffers.push(size);
            match self.messages.get(index) {
                None => Ok(None),
                Some((_, len)) if *len > size => Err(SysError::new("copy", Errno::E2BIG)),
                Some((mtype, len)) => Ok(Some((*mtype, vec![b'x'; *len]))),
            }
        }

        fn read(&mut self, first: usize, msgmax: usize) -> Result<Page, Copied> {
            let queue = std::cell::RefCell::new(self);
            read_page_with(
                1,
                first,
                PAGE,
                msgmax,
                |i, size| queue.borrow_mut().copy(i, size),
                || Ok(queue.borrow().stat),
            )
        }
    }

    #[test]
    fn the_copy_buffer_is_sized_by_the_queue_not_by_msgmax() {
        // msgmax raised to INT_MAX: a msgmax buffer would make the kernel
        // allocate and fill 2 GiB for each of these ten-byte messages.
        let mut queue = FakeQueue::new(&[(1, 10); 20]);
        let page = queue
            .read(0, i32::MAX as usize)
            .map_err(|_| ())
            .expect("read");
        assert_eq!(page.messages.len(), 20);
        assert!(
            queue.buffers.iter().all(|&b| b == 200),
            "{:?}",
            queue.buffers
        );
        assert_eq!(
            copy_buffer(0, 8192),
            1,
            "an empty queue still gets a buffer"
        );
        assert_eq!(copy_buffer(u64::MAX, 8192), 8192);
    }

    #[test]
    fn a_message_larger_than_the_buffer_grows_it_up_to_msgmax() {
        let mut queue = FakeQueue::new(&[(1, 10), (2, 10)]);
        // A 500-byte message arrived after the stat that sized the buffer.
        queue.messages[1].1 = 500;
        let page = queue.read(0, 8192).map_err(|_| ()).expect("read");
        assert_eq!(page.messages[1].data.len(), 500);
        assert!(queue.buffers.iter().all(|&b| b <= 8192));
        // Larger than msgmax (lowered after it was sent): said, not looped.
        let mut queue = FakeQueue::new(&[(1, 10), (2, 9000)]);
        assert!(matches!(queue.read(0, 8192), Err(Copied::TooLarge(1))));
    }

    #[test]
    fn a_message_that_moved_while_the_page_was_read_is_a_receive() {
        let mut queue = FakeQueue::new(&[(1, 1), (2, 1), (3, 1)]);
        let steady = queue.read(0, 8192).map_err(|_| ()).expect("read");
        assert!(steady.changes.is_none() && steady.overlap.is_none());
        // Page 2 re-reads the message before it.
        let second = queue.read(2, 8192).map_err(|_| ()).expect("read");
        assert_eq!(second.overlap.as_ref().map(|m| m.mtype), Some(2));
        assert!(
            second
                .changes_since(&steady.after, steady.messages.get(1))
                .is_none()
        );
        assert!(
            second
                .changes_since(&steady.after, steady.messages.first())
                .received
        );

        // A consumer took the head between the copies, and a producer
        // put one at the tail: counts, bytes, pids and times all as before.
        let queue = std::cell::RefCell::new(FakeQueue::new(&[(1, 1), (2, 1), (3, 1)]));
        let mut copies = 0;
        let page = read_page_with(
            1,
            0,
            PAGE,
            8192,
            |i, size| {
                copies += 1;
                if copies == 2 {
                    let mut q = queue.borrow_mut();
                    q.messages.remove(0);
                    q.messages.push((4, 1));
                }
                queue.borrow_mut().copy(i, size)
            },
            || Ok(queue.borrow().stat),
        )
        .map_err(|_| ())
        .expect("read");
        assert!(page.changes.received, "{:?}", page.changes);
    }

    #[test]
    fn changes_tell_a_new_queue_from_traffic() {
        let q = QueueStat {
            key: 7,
            ctime: 100,
            stime: 150,
            rtime: 140,
            qnum: 3,
            lspid: 10,
            lrpid: 11,
            ..QueueStat::default()
        };
        assert!(Changes::between(&q, &q).is_none());
        let sent = QueueStat {
            stime: 151,
            qnum: 4,
            ..q
        };
        assert_eq!(
            Changes::between(&q, &sent),
            Changes {
                sent: true,
                ..Changes::default()
            }
        );
        let received = QueueStat { lrpid: 12, ..q };
        assert!(Changes::between(&q, &received).received);
        for other in [
            QueueStat { key: 8, ..q },
            QueueStat { ctime: 101, ..q },
            QueueStat { cuid: 1, ..q },
            QueueStat {
                stime: 0,
                rtime: 0,
                ..q
            },
        ] {
            let changes = Changes::between(&q, &other);
            assert!(
                changes.replaced && !changes.sent && !changes.received,
                "{other:?}"
            );
            assert!(changes.describe(5).is_some_and(|w| w.contains("replaced")));
        }
        assert_eq!(
            (Changes::between(&q, &sent) | Changes::between(&q, &QueueStat { key: 8, ..q })),
            Changes {
                replaced: true,
                ..Changes::default()
            }
        );
    }

    #[test]
    fn refuses_kernels_that_would_consume() {
        assert_eq!(
            check_kernel(Some((3, 7, 10))),
            Err(PeekError::KernelTooOld(Some((3, 7, 10))))
        );
        assert!(check_kernel(Some((3, 8, 0))).is_ok());
        assert_eq!(check_kernel(None), Err(PeekError::KernelTooOld(None)));
        assert!(
            PeekError::KernelTooOld(Some((3, 2, 0)))
                .to_string()
                .contains("would consume")
        );
    }
}
