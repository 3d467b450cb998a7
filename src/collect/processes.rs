//! pid → the process behind it (command and start time), cached while the
//! process lives.
//!
//! A pid alone is a poor cache key: it is recycled. Each cached entry keeps
//! a pidfd, which becomes readable when its process exits, so one `poll`
//! over all of them per refresh evicts exactly the dead entries. The start
//! time lets the view tell whether a live process with a queue's `lspid`
//! can really be the one that sent (it may have taken a dead sender's pid).
//! Kernels without `pidfd_open` (< 5.3) simply re-read each refresh.

use std::collections::{HashMap, HashSet};
use std::os::fd::{AsFd, OwnedFd};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::model::Process;
use crate::sys::pidfd;

/// Most processes kept open at once; beyond it they are read uncached
/// (each entry holds a file descriptor, and those are limited).
pub const MAX_CACHED: usize = 256;

#[derive(Debug)]
struct Entry {
    process: Process,
    watch: OwnedFd,
}

/// What one look-up found.
enum Found {
    /// Alive (and possibly watched).
    Alive(Process, Option<OwnedFd>),
    /// No such process.
    Gone,
}

/// Processes named by the tables, for one collector.
#[derive(Debug, Default)]
pub struct ProcessCache {
    entries: HashMap<i32, Entry>,
}

impl ProcessCache {
    /// The live processes among `pids` (0, negative and dead pids are left
    /// out). Each distinct pid is looked up at most once per call, dead ones
    /// included: a crashed producer may be the last sender of thousands of
    /// queues. Entries no longer named are dropped, closing their pidfds.
    pub fn lookup(&mut self, pids: impl IntoIterator<Item = i32>) -> HashMap<i32, Process> {
        self.lookup_with(pids, read_process)
    }

    fn lookup_with(
        &mut self,
        pids: impl IntoIterator<Item = i32>,
        mut read: impl FnMut(i32) -> Option<Process>,
    ) -> HashMap<i32, Process> {
        self.evict_exited();
        let mut seen = HashSet::new();
        let mut out = HashMap::new();
        for pid in pids {
            if pid <= 0 || !seen.insert(pid) {
                continue;
            }
            if let Some(process) = self.find(pid, &mut read) {
                out.insert(pid, process);
            }
        }
        self.entries.retain(|pid, _| seen.contains(pid));
        out
    }

    fn find(&mut self, pid: i32, read: impl FnOnce(i32) -> Option<Process>) -> Option<Process> {
        if let Some(entry) = self.entries.get(&pid) {
            return Some(entry.process.clone());
        }
        match look_up(pid, read, self.entries.len() < MAX_CACHED) {
            Found::Gone => None,
            Found::Alive(process, None) => Some(process),
            Found::Alive(process, Some(watch)) => {
                let entry = Entry {
                    process: process.clone(),
                    watch,
                };
                self.entries.insert(pid, entry);
                Some(process)
            }
        }
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
        let exited: Vec<i32> = match poll(&mut fds, PollTimeout::ZERO) {
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

    /// Number of processes currently watched.
    #[cfg(test)]
    fn cached(&self) -> usize {
        self.entries.len()
    }
}

/// Watches `pid` first (when `watch` allows), then reads it: the watch is
/// the cheap liveness test, and opening it before reading means the data
/// read belongs to the process watched (or the watch already reports its
/// exit). A live process whose `/proc` entry cannot be read (`hidepid`)
/// has no command.
fn look_up(pid: i32, read: impl FnOnce(i32) -> Option<Process>, watch: bool) -> Found {
    let watched = if watch { Some(pidfd::open(pid)) } else { None };
    match watched {
        Some(Err(e)) if e.errno == Errno::ESRCH => Found::Gone,
        Some(Ok(fd)) => {
            let process = read(pid).unwrap_or(Process {
                command: None,
                started_at: 0,
            });
            Found::Alive(process, Some(fd))
        }
        // No pidfds here (old kernel, or too many cached): reading decides.
        _ => match read(pid) {
            Some(process) => Found::Alive(process, None),
            None => Found::Gone,
        },
    }
}

/// Reads `/proc/PID/stat`: the command and the start time.
fn read_process(pid: i32) -> Option<Process> {
    let stat = procfs::process::Process::new(pid).ok()?.stat().ok()?;
    let started_at = procfs::boot_time_secs()
        .ok()
        .and_then(|boot| {
            let since_boot = stat.starttime / procfs::ticks_per_second().max(1);
            i64::try_from(boot + since_boot).ok()
        })
        .unwrap_or(0);
    Some(Process {
        command: Some(stat.comm),
        started_at,
    })
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
    /// certainly exec'd, so its command is "cat".
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

    fn pid_of(child: &Reaped) -> i32 {
        i32::try_from(child.0.id()).expect("pid")
    }

    #[test]
    fn finds_live_processes_and_forgets_them_when_they_exit() {
        let mut cat = running_cat();
        let pid = pid_of(&cat);
        let mut cache = ProcessCache::default();
        let found = cache.lookup([pid, pid, 0, -5]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[&pid].command.as_deref(), Some("cat"));
        // Started after this test process and before a later child: the
        // order of starts, which no clock setting can change.
        let parent = read_process(std::process::id() as i32).expect("read ourselves");
        let later = running_cat();
        let after = read_process(pid_of(&later)).expect("read the later child");
        let started = found[&pid].started_at;
        assert!(
            parent.started_at > 0 && (parent.started_at..=after.started_at).contains(&started),
            "started {started}, between {} and {}",
            parent.started_at,
            after.started_at
        );
        assert_eq!(cache.cached(), 1);

        cat.0.kill().expect("kill cat");
        cat.0.wait().expect("reap cat");
        let found = cache.lookup([pid]);
        assert!(found.is_empty(), "a reaped process is gone: {found:?}");
        assert_eq!(cache.cached(), 0);
    }

    #[test]
    fn a_dead_pid_costs_no_read_and_is_tried_once_per_refresh() {
        let mut cat = running_cat();
        let pid = pid_of(&cat);
        cat.0.kill().expect("kill cat");
        cat.0.wait().expect("reap cat");
        let mut cache = ProcessCache::default();
        let mut reads = 0;
        let found = cache.lookup_with(std::iter::repeat_n(pid, 1000), |p| {
            reads += 1;
            read_process(p)
        });
        assert!(found.is_empty());
        assert_eq!(reads, 0, "the failed pidfd_open already says it is gone");
    }

    #[test]
    fn unreadable_live_process_has_no_command_and_unnamed_entries_are_dropped() {
        let cat = running_cat();
        let pid = pid_of(&cat);
        let mut cache = ProcessCache::default();
        let found = cache.lookup_with([pid], |_| None);
        assert_eq!(found[&pid].command, None, "alive but hidden");
        assert_eq!(cache.cached(), 1);
        cache.lookup([]);
        assert_eq!(cache.cached(), 0, "no queue names it any more");
    }
}
