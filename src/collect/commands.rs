//! pid → command name (`/proc/PID/comm`), cached while the process lives.
//!
//! A pid alone is a poor cache key: it is recycled. Each cached entry keeps
//! a pidfd, which becomes readable when its process exits, so one `poll`
//! over all of them per refresh evicts exactly the dead entries. Kernels
//! without `pidfd_open` (< 5.3) simply re-read the name each refresh.

use std::collections::{HashMap, HashSet};
use std::os::fd::{AsFd, OwnedFd};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::sys::pidfd;

/// Most processes kept open at once; beyond it names are read uncached
/// (each entry holds a file descriptor, and those are limited).
pub const MAX_CACHED: usize = 256;

#[derive(Debug)]
struct Entry {
    name: String,
    watch: OwnedFd,
}

/// Command names of live processes.
#[derive(Debug, Default)]
pub struct CommandCache {
    entries: HashMap<i32, Entry>,
}

impl CommandCache {
    /// Names of the distinct `pids` (0 and dead processes are left out).
    pub fn names_of(&mut self, pids: impl IntoIterator<Item = i32>) -> HashMap<i32, String> {
        self.names_of_with(pids, read_comm)
    }

    /// [`Self::names_of`] with the uncached lookup given, so tests can
    /// count lookups. Each distinct pid is looked up at most once, dead
    /// ones included: a crashed producer may be the last sender of
    /// thousands of queues.
    fn names_of_with(
        &mut self,
        pids: impl IntoIterator<Item = i32>,
        mut read: impl FnMut(i32) -> Option<String>,
    ) -> HashMap<i32, String> {
        self.evict_exited();
        let mut seen = HashSet::new();
        let mut out = HashMap::new();
        for pid in pids {
            if pid <= 0 || !seen.insert(pid) {
                continue;
            }
            if let Some(name) = self.name(pid, &mut read) {
                out.insert(pid, name);
            }
        }
        out
    }

    fn name(&mut self, pid: i32, read: impl FnOnce(i32) -> Option<String>) -> Option<String> {
        if let Some(entry) = self.entries.get(&pid) {
            return Some(entry.name.clone());
        }
        // Open the watch before reading, so the name read belongs to the
        // process the watch follows (or the watch already reports its exit).
        let watch = (self.entries.len() < MAX_CACHED)
            .then(|| pidfd::open(pid).ok())
            .flatten();
        let name = read(pid)?;
        if let Some(watch) = watch {
            self.entries.insert(
                pid,
                Entry {
                    name: name.clone(),
                    watch,
                },
            );
        }
        Some(name)
    }

    fn evict_exited(&mut self) {
        if self.entries.is_empty() {
            return;
        }
        let pids: Vec<i32> = self.entries.keys().copied().collect();
        let mut fds: Vec<PollFd<'_>> = pids
            .iter()
            .map(|pid| PollFd::new(self.entries[pid].watch.as_fd(), PollFlags::POLLIN))
            .collect();
        let polled = poll(&mut fds, PollTimeout::ZERO);
        let exited: Vec<i32> = match polled {
            Ok(0) => Vec::new(),
            Ok(_) => pids
                .iter()
                .zip(&fds)
                .filter(|(_, fd)| fd.revents().is_some_and(|r| !r.is_empty()))
                .map(|(pid, _)| *pid)
                .collect(),
            // If poll itself fails, trust nothing cached.
            Err(_) => pids,
        };
        drop(fds);
        for pid in exited {
            self.entries.remove(&pid);
        }
    }

    /// Number of processes currently cached.
    pub fn cached(&self) -> usize {
        self.entries.len()
    }
}

fn read_comm(pid: i32) -> Option<String> {
    let mut text = std::fs::read(format!("/proc/{pid}/comm")).ok()?;
    if text.last() == Some(&b'\n') {
        text.pop();
    }
    Some(String::from_utf8_lossy(&text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Child, Command, Stdio};

    /// A child that is killed and reaped however the test ends.
    struct Reaped(Child);

    impl Drop for Reaped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Starts `cat` and waits until it echoes a line: by then it has
    /// certainly exec'd, so its comm is "cat".
    fn running_cat() -> Reaped {
        let mut child = Reaped(
            Command::new("cat")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn cat"),
        );
        let mut stdin = child.0.stdin.take().expect("stdin");
        writeln!(stdin, "ready").expect("write to cat");
        child.0.stdin = Some(stdin);
        let mut line = String::new();
        let stdout = child.0.stdout.as_mut().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read from cat");
        assert_eq!(line, "ready\n");
        child
    }

    #[test]
    fn names_live_processes_and_forgets_them_when_they_exit() {
        let mut cat = running_cat();
        let pid = i32::try_from(cat.0.id()).expect("pid");
        let mut cache = CommandCache::default();
        let names = cache.names_of([pid, pid, 0, -5]);
        assert_eq!(names.len(), 1);
        assert_eq!(names[&pid], "cat");
        assert_eq!(cache.cached(), 1);

        cat.0.kill().expect("kill cat");
        cat.0.wait().expect("reap cat");
        let names = cache.names_of([pid]);
        assert!(names.is_empty(), "a reaped process has no name: {names:?}");
        assert_eq!(cache.cached(), 0);
    }

    #[test]
    fn a_dead_pid_is_looked_up_once_per_refresh() {
        let mut cat = running_cat();
        let pid = i32::try_from(cat.0.id()).expect("pid");
        cat.0.kill().expect("kill cat");
        cat.0.wait().expect("reap cat");
        let mut cache = CommandCache::default();
        let mut lookups = 0;
        let names = cache.names_of_with(std::iter::repeat_n(pid, 1000), |p| {
            lookups += 1;
            read_comm(p)
        });
        assert!(names.is_empty());
        assert_eq!(lookups, 1);
    }
}
