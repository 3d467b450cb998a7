//! pid → the process behind it (command and start time), cached while the
//! process lives.
//!
//! A pid alone is a poor cache key: it is recycled. Each cached entry keeps
//! a pidfd, which becomes readable when its process exits, so one `poll`
//! over all of them per refresh evicts exactly the dead entries. The start
//! time lets the view tell whether a live process with a queue's `lspid`
//! can really be the one that sent (it may have taken a dead sender's pid).
//! Kernels without `pidfd_open` (< 5.3) simply re-read each refresh.
//!
//! # Start times and clock steps
//!
//! The kernel keeps a process's start on its boot clock (ticks since boot,
//! which no wall-clock step moves), but stamps a queue's `stime`/`rtime`
//! with the wall clock of the moment. The cache keeps the boot-clock start
//! and converts it to wall-clock seconds at every look-up, so a value
//! cached before a step is never compared with stamps made after it.
//!
//! The offset between the two clocks is the kernel's own word for it,
//! `btime` in `/proc/stat` (the wall-clock time of boot, as of now, in
//! whole seconds): the same clock the kernel stamps `stime` with, whatever
//! this process's idea of the time (a `faketime` preload, say).
//!
//! The conversion uses the *lowest* wall-minus-boot offset this cache has
//! seen, the current one included, which makes every step fail safe:
//! a stamp the kernel made while the cache was watching is never earlier
//! than the start converted with that offset, so a live operator is never
//! taken for one that started after its own operation. The price: after a
//! step of size Δ (either way), a process that took a pid over less than
//! Δ after the last operation under it may be shown as that operation's
//! operator. A step made before the cache first looked is invisible to it.

use std::collections::{HashMap, HashSet};
use std::os::fd::{AsFd, OwnedFd};
use std::time::Duration;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::model::Process;
use crate::sys::pidfd;

/// How far the kernel's wall clock is ahead of its boot clock now, in
/// nanoseconds: `btime` of `/proc/stat`. `None` if it cannot be read.
fn wall_minus_boot() -> Option<i64> {
    parse_btime(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// `btime` of a `/proc/stat` text, in nanoseconds.
fn parse_btime(stat: &str) -> Option<i64> {
    let seconds: i64 = stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    seconds.checked_mul(1_000_000_000)
}

/// Most processes kept open at once; beyond it they are read uncached
/// (each entry holds a file descriptor, and those are limited).
pub const MAX_CACHED: usize = 256;

/// What is known of one live process: nothing a clock step can move.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    /// Its command (`comm`); `None` when `/proc` hides it.
    command: Option<String>,
    /// When it started, on the boot clock (`CLOCK_BOOTTIME`); `None` if
    /// unknown.
    started: Option<Duration>,
}

impl Seen {
    /// A live process `/proc` will not describe.
    const HIDDEN: Self = Self {
        command: None,
        started: None,
    };

    /// The process as a snapshot shows it, its start converted to the wall
    /// clock with `offset` (nanoseconds of wall clock ahead of boot clock).
    fn at_offset(&self, offset: Option<i64>) -> Process {
        Process {
            command: self.command.clone(),
            started_at: wall_seconds(self.started, offset),
        }
    }
}

/// Unix seconds of boot-clock time `started` under `offset`, rounded
/// down like the kernel's own stamps; 0 (unknown) without both.
fn wall_seconds(started: Option<Duration>, offset: Option<i64>) -> i64 {
    let (Some(started), Some(offset)) = (started, offset) else {
        return 0;
    };
    let nanos = i128::try_from(started.as_nanos()).unwrap_or(i128::MAX) + i128::from(offset);
    i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or(0)
}

#[derive(Debug)]
struct Entry {
    seen: Seen,
    watch: OwnedFd,
}

/// What one look-up found.
enum Found {
    /// Alive (and possibly watched).
    Alive(Seen, Option<OwnedFd>),
    /// No such process.
    Gone,
}

/// Processes named by the tables, for one collector.
#[derive(Debug, Default)]
pub struct ProcessCache {
    entries: HashMap<i32, Entry>,
    /// The lowest wall-minus-boot offset seen so far (see the module
    /// docs): what start times are converted with.
    lowest_offset: Option<i64>,
}

impl ProcessCache {
    /// The live processes among `pids` (0, negative and dead pids are left
    /// out). Each distinct pid is looked up at most once per call, dead ones
    /// included: a crashed producer may be the last sender of thousands of
    /// queues. Entries no longer named are dropped, closing their pidfds.
    ///
    /// Start times are converted to the wall clock with the clocks read
    /// now, in this call (see the module docs for clock steps).
    pub fn lookup(&mut self, pids: impl IntoIterator<Item = i32>) -> HashMap<i32, Process> {
        self.lookup_at(pids, wall_minus_boot(), read_process)
    }

    /// [`ProcessCache::lookup`] with the current wall-minus-boot `offset`
    /// given, and `read` in place of reading `/proc`.
    fn lookup_at(
        &mut self,
        pids: impl IntoIterator<Item = i32>,
        offset: Option<i64>,
        mut read: impl FnMut(i32) -> Option<Seen>,
    ) -> HashMap<i32, Process> {
        self.lowest_offset = match (self.lowest_offset, offset) {
            (Some(lowest), Some(now)) => Some(lowest.min(now)),
            (lowest, now) => lowest.or(now),
        };
        let offset = self.lowest_offset;
        self.evict_exited();
        let mut seen = HashSet::new();
        let mut out = HashMap::new();
        for pid in pids {
            if pid <= 0 || !seen.insert(pid) {
                continue;
            }
            if let Some(seen) = self.find(pid, &mut read) {
                out.insert(pid, seen.at_offset(offset));
            }
        }
        self.entries.retain(|pid, _| seen.contains(pid));
        out
    }

    fn find(&mut self, pid: i32, read: impl FnOnce(i32) -> Option<Seen>) -> Option<Seen> {
        if let Some(entry) = self.entries.get(&pid) {
            return Some(entry.seen.clone());
        }
        match look_up(pid, read, self.entries.len() < MAX_CACHED) {
            Found::Gone => None,
            Found::Alive(seen, None) => Some(seen),
            Found::Alive(seen, Some(watch)) => {
                let entry = Entry {
                    seen: seen.clone(),
                    watch,
                };
                self.entries.insert(pid, entry);
                Some(seen)
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
fn look_up(pid: i32, read: impl FnOnce(i32) -> Option<Seen>, watch: bool) -> Found {
    let watched = if watch { Some(pidfd::open(pid)) } else { None };
    match watched {
        Some(Err(e)) if e.errno == Errno::ESRCH => Found::Gone,
        Some(Ok(fd)) => Found::Alive(read(pid).unwrap_or(Seen::HIDDEN), Some(fd)),
        // No pidfds here (old kernel, or too many cached): reading decides.
        _ => match read(pid) {
            Some(seen) => Found::Alive(seen, None),
            None => Found::Gone,
        },
    }
}

/// Reads `/proc/PID/stat`: the command and the start time, which the
/// kernel gives in clock ticks of its boot clock.
fn read_process(pid: i32) -> Option<Seen> {
    let stat = procfs::process::Process::new(pid).ok()?.stat().ok()?;
    let ticks_per_second = u128::from(procfs::ticks_per_second().max(1));
    let nanos = u128::from(stat.starttime) * 1_000_000_000 / ticks_per_second;
    Some(Seen {
        command: Some(stat.comm),
        started: u64::try_from(nanos).ok().map(Duration::from_nanos),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_time_is_the_kernels_btime() {
        let stat = "cpu  1 2 3\nintr 5\nbtime 1764316800\nprocesses 9\n";
        assert_eq!(parse_btime(stat), Some(1_764_316_800_000_000_000));
        assert_eq!(parse_btime("cpu 1\n"), None);
        assert_eq!(parse_btime("btime x\n"), None);
        // And this machine's is after 1970.
        assert!(wall_minus_boot().is_some_and(|offset| offset > 0));
    }
    use crate::model::{MsgLimits, MsgSource, MsgTable, Operator, Snapshot};
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

    const SECOND: i64 = 1_000_000_000;
    const HOUR: i64 = 3600;
    /// Seconds of wall clock ahead of boot clock before any step (a boot
    /// some day in 2027): a made-up offset, so no test reads the wall clock.
    const BEFORE: i64 = 1_800_000_000;

    #[test]
    fn finds_live_processes_and_forgets_them_when_they_exit() {
        let mut cat = running_cat();
        let pid = pid_of(&cat);
        let mut cache = ProcessCache::default();
        let found = cache.lookup_at([pid, pid, 0, -5], Some(BEFORE * SECOND), read_process);
        assert_eq!(found.len(), 1);
        assert_eq!(found[&pid].command.as_deref(), Some("cat"));
        // Started after this test process and before a later child: the
        // order of starts, which no clock setting can change.
        let parent = read_process(std::process::id() as i32).expect("read ourselves");
        let later = running_cat();
        let after = read_process(pid_of(&later)).expect("read the later child");
        let [parent, after] =
            [parent, after].map(|p| wall_seconds(p.started, Some(BEFORE * SECOND)));
        let started = found[&pid].started_at;
        assert!(
            parent > BEFORE && (parent..=after).contains(&started),
            "started {started}, between {parent} and {after}"
        );
        assert_eq!(cache.cached(), 1);

        cat.0.kill().expect("kill cat");
        cat.0.wait().expect("reap cat");
        let found = cache.lookup_at([pid], Some(BEFORE * SECOND), read_process);
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
        let found = cache.lookup_at(std::iter::repeat_n(pid, 1000), None, |p| {
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
        let found = cache.lookup_at([pid], None, |_| None);
        assert_eq!(found[&pid].command, None, "alive but hidden");
        assert_eq!(cache.cached(), 1);
        cache.lookup_at([], None, read_process);
        assert_eq!(cache.cached(), 0, "no queue names it any more");
    }

    /// Whether a snapshot taken when the wall clock is `offset` seconds
    /// ahead of the boot clock names a live process that started `started`
    /// seconds after boot as the operator of an operation stamped `stamp`
    /// (Unix seconds), rather than calling it exited. The process is this
    /// test's own (alive, so it is watched); `cache` may already know it.
    fn shown_as_operator(cache: &mut ProcessCache, started: u64, offset: i64, stamp: i64) -> bool {
        let pid = i32::try_from(std::process::id()).expect("pid");
        let read = |_| {
            Some(Seen {
                command: Some("sender".to_owned()),
                started: Some(Duration::from_secs(started)),
            })
        };
        let snapshot = Snapshot {
            taken_at: std::time::UNIX_EPOCH,
            namespace: 0,
            namespace_label: None,
            hostname: String::new(),
            msg: MsgTable::new(Vec::new(), MsgLimits::default(), MsgSource::StatAny),
            limits: Vec::new(),
            sem: Default::default(),
            shm: Default::default(),
            processes: cache.lookup_at([pid], Some(offset * SECOND), read),
            users: HashMap::new(),
            groups: HashMap::new(),
            failures: Default::default(),
        };
        match snapshot.operator(pid, stamp) {
            Operator::Running("sender") => true,
            Operator::Exited => false,
            other => panic!("neither the sender nor exited: {other:?}"),
        }
    }

    /// A cache that has already looked once with the clocks `offset`
    /// seconds apart.
    fn watching_since(offset: i64) -> ProcessCache {
        let mut cache = ProcessCache::default();
        cache.lookup_at([], Some(offset * SECOND), read_process);
        cache
    }

    #[test]
    fn a_live_sender_stays_the_sender_when_the_clock_steps_forward() {
        // Started 100 s after boot, sent at 200 s, then the clock jumped
        // an hour ahead; the cache knew the process from before the jump.
        let sent = BEFORE + 200;
        let mut cache = ProcessCache::default();
        assert!(shown_as_operator(&mut cache, 100, BEFORE, sent));
        assert!(shown_as_operator(&mut cache, 100, BEFORE + HOUR, sent));
        // The same with a process first read after the jump.
        let mut cache = watching_since(BEFORE);
        assert!(shown_as_operator(&mut cache, 100, BEFORE + HOUR, sent));
        // And a send after the jump, stamped with the new setting.
        assert!(shown_as_operator(
            &mut cache,
            100,
            BEFORE + HOUR,
            BEFORE + HOUR + 300
        ));
    }

    #[test]
    fn a_live_sender_stays_the_sender_when_the_clock_steps_back() {
        let sent = BEFORE + 200;
        let mut cache = ProcessCache::default();
        assert!(shown_as_operator(&mut cache, 100, BEFORE, sent));
        assert!(shown_as_operator(&mut cache, 100, BEFORE - HOUR, sent));
        // First seen only after the step.
        let mut cache = ProcessCache::default();
        assert!(shown_as_operator(&mut cache, 100, BEFORE - HOUR, sent));
        // A send after the step, stamped with the earlier setting.
        assert!(shown_as_operator(
            &mut cache,
            100,
            BEFORE - HOUR,
            BEFORE - HOUR + 300
        ));
    }

    #[test]
    fn a_recycled_pid_is_told_apart_except_within_a_step() {
        let fresh = ProcessCache::default;
        let sent = BEFORE + 200;
        // No step: a process that started after the send took the pid.
        assert!(!shown_as_operator(&mut fresh(), 300, BEFORE, sent));
        assert!(
            shown_as_operator(&mut fresh(), 201, BEFORE, sent),
            "a second of slack"
        );

        // The clock stepped back an hour after the send: a process that
        // started within the hour after it passes for the sender; later
        // ones are still told apart.
        assert!(shown_as_operator(&mut fresh(), 300, BEFORE - HOUR, sent));
        let much_later = 200 + HOUR.unsigned_abs() + 2;
        assert!(!shown_as_operator(
            &mut fresh(),
            much_later,
            BEFORE - HOUR,
            sent
        ));

        // It jumped ahead an hour after the send, while watched: told
        // apart exactly for sends before the jump...
        let mut cache = watching_since(BEFORE);
        assert!(!shown_as_operator(&mut cache, 300, BEFORE + HOUR, sent));
        // ...and within the hour for sends after it.
        let sent_after = BEFORE + HOUR + 400;
        let mut cache = watching_since(BEFORE);
        assert!(shown_as_operator(
            &mut cache,
            500,
            BEFORE + HOUR,
            sent_after
        ));
        let mut cache = watching_since(BEFORE);
        assert!(!shown_as_operator(
            &mut cache,
            much_later + 200,
            BEFORE + HOUR,
            sent_after
        ));
    }

    #[test]
    fn boot_clock_starts_become_unix_seconds_rounded_down() {
        let started = Some(Duration::from_millis(1_500));
        assert_eq!(wall_seconds(started, Some(BEFORE * SECOND)), BEFORE + 1);
        assert_eq!(
            wall_seconds(started, Some(BEFORE * SECOND - 600_000_000)),
            BEFORE
        );
        // Without either clock nothing is known, and nothing is "exited".
        assert_eq!(wall_seconds(None, Some(BEFORE * SECOND)), 0);
        assert_eq!(wall_seconds(started, None), 0);
    }
}
