//! Thin wrappers over the system calls ipctop makes.
//!
//! Every `unsafe` block of the crate lives below this module (the crate
//! root denies `unsafe_code` everywhere else), one file per syscall family,
//! and every failure leaves here as a [`SysError`] whose message is a
//! sentence a user can act on.

pub mod child;
pub mod kernel;
pub mod msg;
pub mod pidfd;
pub mod sem;
pub mod shm;
pub mod time;

use std::fmt;

pub use nix::errno::Errno;

/// The answer of a `*_STAT_ANY` call on kernel array slot `index` of
/// objects called `what` (`queue`): the object there with its id, `None`
/// for a slot that is empty (or was emptied meanwhile).
fn slot<T>(answer: Result<T, Errno>, what: &str, index: i32) -> Result<Option<T>, SysError> {
    match answer {
        Ok(found) => Ok(Some(found)),
        Err(Errno::EINVAL | Errno::EIDRM) => Ok(None),
        Err(errno) => Err(SysError::new(format!("read {what} slot {index}"), errno)),
    }
}

/// A failed system call: what ipctop was doing, and why the kernel said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysError {
    /// What was attempted, e.g. "read queue 65538".
    pub action: String,
    /// The kernel's answer.
    pub errno: Errno,
    /// What the errno means for this particular call, where the general
    /// explanation would mislead.
    pub reason: Option<&'static str>,
}

impl SysError {
    /// Wraps `errno` with the action that failed.
    pub fn new(action: impl Into<String>, errno: Errno) -> Self {
        Self {
            action: action.into(),
            errno,
            reason: None,
        }
    }

    /// Replaces the general explanation when the errno is `errno`.
    pub fn explained(mut self, errno: Errno, reason: &'static str) -> Self {
        if self.errno == errno {
            self.reason = Some(reason);
        }
        self
    }

    /// The error of the call that just failed. `errno` is read before
    /// `action` runs, because building the message may allocate, and an
    /// allocation may change `errno`.
    pub fn last(action: impl FnOnce() -> String) -> Self {
        let errno = Errno::last();
        Self::new(action(), errno)
    }
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = self.reason.unwrap_or_else(|| explain(self.errno));
        write!(f, "cannot {}: {reason}", self.action)
    }
}

impl std::error::Error for SysError {}

/// Says in words what an errno means for an IPC object.
pub fn explain(errno: Errno) -> &'static str {
    match errno {
        Errno::EACCES => {
            "permission denied (the object's mode does not allow it; run as its owner or root)"
        }
        Errno::EPERM => "operation not permitted (only the owner, the creator or root may do this)",
        Errno::EINVAL => "invalid request: no such object, or the kernel does not support it",
        Errno::EIDRM => "the object was removed",
        Errno::ENOENT => "no such object",
        Errno::ENOSYS => "the kernel does not support this call",
        Errno::ENOMSG => "no message of the requested kind",
        Errno::E2BIG => "the message is larger than the buffer",
        Errno::EAGAIN => "it would have to wait (for a message queue: it is full)",
        Errno::ENOSPC => "a system-wide limit was reached",
        Errno::EFAULT => "bad address (an ipctop bug)",
        Errno::EMFILE | Errno::ENFILE => "too many open files",
        Errno::ENOMEM => "out of memory",
        other => other.desc(),
    }
}

/// What went wrong with a file, in words (never `(os error 13)`).
pub fn explain_io(e: &std::io::Error) -> String {
    let Some(errno) = e.raw_os_error().map(Errno::from_raw) else {
        return e.to_string();
    };
    match errno {
        Errno::EACCES | Errno::EPERM => "permission denied".to_owned(),
        Errno::ENOENT => "no such file or directory".to_owned(),
        Errno::ENOTDIR => "a part of the path is not a directory".to_owned(),
        Errno::EEXIST => "something that is not a directory is in the way".to_owned(),
        Errno::EISDIR => "it is a directory".to_owned(),
        Errno::ELOOP => "it is a symbolic link".to_owned(),
        Errno::EROFS => "the file system is read-only".to_owned(),
        Errno::ENOSPC => "no space left on the device".to_owned(),
        Errno::EDQUOT => "the disk quota is exhausted".to_owned(),
        Errno::ENAMETOOLONG => "the name is too long".to_owned(),
        Errno::EMFILE | Errno::ENFILE => "too many open files".to_owned(),
        Errno::EIO => "input/output error on the device".to_owned(),
        other => other.desc().to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn errors_are_words_without_error_numbers() {
        let e = io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(explain_io(&e), "permission denied");
        let e = io::Error::from_raw_os_error(libc::EXDEV);
        assert!(!explain_io(&e).contains("os error"), "{}", explain_io(&e));
        assert_eq!(explain_io(&io::Error::other("short write")), "short write");
    }
}
