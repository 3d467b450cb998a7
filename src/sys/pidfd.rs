//! Process file descriptors (`pidfd_open`, Linux 5.3+): a handle on one
//! process that becomes readable when it exits, so a cache keyed by pid can
//! tell a live process from a recycled pid without reading `/proc`.

use std::os::fd::{FromRawFd, OwnedFd};

use super::{Errno, SysError};

/// Opens a pidfd for `pid`.
pub fn open(pid: i32) -> Result<OwnedFd, SysError> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor
    // or -1; no memory is passed.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(SysError::last(|| format!("watch process {pid}")));
    }
    let fd = i32::try_from(fd).map_err(|_| SysError::new("watch a process", Errno::EBADF))?;
    // SAFETY: the kernel just returned this descriptor to us; nothing else
    // owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
