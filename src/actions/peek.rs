//! Reading a queue's messages without consuming them (`MSG_COPY`).
//!
//! Each copy walks the queue from its head, so reading N messages costs
//! O(N²) in the kernel: reads come in pages. The queue's state is read
//! before and after, so the caller can tell whether it changed meanwhile.

use std::fmt;

use super::remove;
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
    /// The queue just before reading.
    pub before: QueueStat,
    /// The queue just after reading.
    pub after: QueueStat,
    /// The last message of the queue is in this page.
    pub at_end: bool,
}

impl Page {
    /// Did messages come or go while the page was read?
    pub fn changed_while_reading(&self) -> bool {
        (self.before.qnum, self.before.cbytes) != (self.after.qnum, self.after.cbytes)
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
    let queue = remove::current(id).ok()??;
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
    let before = msg::stat(id).map_err(error)?;
    let msgmax = usize::try_from(msg::info().map_err(error)?.msgmax).unwrap_or(8192);
    let mut messages = Vec::with_capacity(count.min(usize::try_from(before.qnum).unwrap_or(0)));
    let mut at_end = false;
    for index in first..first.saturating_add(count) {
        // The kernel copies at most msgmax bytes whatever the buffer, so a
        // msgmax buffer holds any message that can be copied at all.
        match msg::copy(id, index, msgmax) {
            Ok(Some((mtype, data))) => messages.push(Message { index, mtype, data }),
            Ok(None) => {
                at_end = true;
                break;
            }
            Err(e) if e.errno == Errno::E2BIG => {
                return Err(PeekError::TooLarge { id, index, msgmax });
            }
            Err(e) => return Err(error(e)),
        }
    }
    let after = msg::stat(id).map_err(error)?;
    // A page that stopped at `count` may still have ended the queue.
    let read = first.saturating_add(messages.len());
    at_end |= u64::try_from(read).is_ok_and(|read| read >= after.qnum);
    Ok(Page {
        id,
        first,
        messages,
        before,
        after,
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
