//! Child processes that must not outlive the process that started them.

use std::os::unix::process::CommandExt;
use std::process::Command;

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::unistd::{getpid, getppid};

/// Makes the kernel kill (`SIGKILL`) the process `command` starts as soon
/// as the calling thread exits (`PR_SET_PDEATHSIG`), so a worker cannot
/// outlive its parent even after a `kill -9`.
///
/// Call it from the thread that lives as long as the child should (the
/// main thread): the death signal follows the thread that forked, not the
/// whole process. If the parent died before the child armed the signal,
/// the child exits before `exec` (with `ESRCH`, which nobody is left to
/// read).
pub fn die_with_parent(command: &mut Command) -> &mut Command {
    let parent = getpid();
    // SAFETY: the hook runs in the child between fork and exec, where only
    // async-signal-safe work is allowed (another thread of the parent may
    // have held the allocator's lock at the fork). It calls prctl and
    // getppid, both async-signal-safe system calls, and builds its errors
    // from raw errnos (`io::Error::from(Errno)` does not allocate); it
    // touches no lock and no memory but the copied `parent`.
    unsafe {
        command.pre_exec(move || {
            prctl::set_pdeathsig(Signal::SIGKILL)?;
            // The parent may have died before the death signal was armed;
            // then the child was re-parented and nobody would kill it.
            if getppid() != parent {
                return Err(Errno::ESRCH.into());
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_of_a_live_parent_starts_and_runs() {
        let status = die_with_parent(&mut Command::new("true"))
            .status()
            .expect("run true");
        assert!(status.success());
    }
}
