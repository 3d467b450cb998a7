//! What the demo's producer and consumer share besides the busy queue: a
//! small stats segment and a set of two semaphores.
//!
//! The segment holds a [`Stats`] record: orders sent, orders taken, the
//! backlog between them and its peak. Both workers change the backlog (a
//! read-modify-write of one word), so each update is done holding the
//! set's [`LOCK`] semaphore (`semop -1` / `+1`, both with `SEM_UNDO`, so a
//! worker killed holding it releases it). The demo reads the record when
//! it ends and tells it.
//!
//! The set's [`GATE`] semaphore is the producer's rest: after a burst it
//! closes the gate (+1), *then* sends a rest order, and waits for the
//! gate to be zero; the consumer opens it (-1) when it takes the rest
//! order, that is once it has taken every order of the burst. The gate is
//! closed before the order that opens it is sent, so the consumer can
//! never try to open it too early.
//!
//! `c` stops the consumer (SIGSTOP) at any instant, even holding the lock
//! (a task stopped while waiting in `semop` may even be handed the lock
//! by the kernel). That cannot block the producer:
//! - the producer never waits for the lock: it tries with `IPC_NOWAIT`
//!   and, when the lock is busy, keeps the orders it sent to count next
//!   time (the counts are exact again once the consumer goes on);
//! - the producer holds the lock only while it writes the record, never
//!   across a blocking call, so the consumer's wait for it is short;
//! - at the gate the producer waits for the consumer, as it does on a
//!   full queue: that is the backpressure `c` is there to show, and it
//!   ends with SIGCONT. The wait is timed ([`sem::operate_within`]), so
//!   the producer still checks on its queue and ends when that is removed.
//!
//! A worker that finds the segment removed (marked: it stays while
//! attached) detaches and goes on without it; one that finds the set
//! removed goes on without the lock (so it stops counting) and without
//! the gate (the producer then rests until its queue is empty). Each says
//! so once, on its standard output, for the demo to report.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::app::demo::Tool;
use crate::sys::shm::{self, SharedWords};
use crate::sys::{Errno, SysError, sem};

/// The semaphore that guards the stats record: 1 free, 0 held.
pub const LOCK: u16 = 0;
/// The producer's rest gate: 0 open, 1 closed.
pub const GATE: u16 = 1;
/// The set's values when the demo makes it: the lock free, the gate open.
pub const INITIAL: [u16; 2] = [1, 0];
/// How many semaphores the set has.
pub const SEMAPHORES: u32 = INITIAL.len() as u32;
/// The size of the stats segment: one [`Stats`] record.
pub const SEGMENT_SIZE: usize = Stats::WORDS * size_of::<u64>();

/// The stats record as the segment holds it, one word each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Orders the producer sent (and counted).
    pub sent: u64,
    /// Orders the consumer took.
    pub taken: u64,
    /// Orders sent and not yet taken, as far as counted; below zero for
    /// a moment when the consumer counts an order the producer has not
    /// counted yet (the lock was busy).
    pub backlog: i64,
    /// The highest backlog counted.
    pub peak: i64,
}

impl Stats {
    /// Words in the segment.
    pub const WORDS: usize = 4;

    /// `n` more orders sent.
    pub fn sent(&mut self, n: u64) {
        self.sent += n;
        self.backlog += i64::try_from(n).unwrap_or(i64::MAX);
        self.peak = self.peak.max(self.backlog);
    }

    /// One more order taken.
    pub fn taken(&mut self) {
        self.taken += 1;
        self.backlog -= 1;
    }

    /// The record in `words` (shorter: zeros).
    pub fn load(words: &[AtomicU64]) -> Self {
        let word = |n: usize| words.get(n).map_or(0, |w| w.load(Ordering::SeqCst));
        Self {
            sent: word(0),
            taken: word(1),
            backlog: word(2).cast_signed(),
            peak: word(3).cast_signed(),
        }
    }

    /// Writes the record into `words`.
    pub fn store(&self, words: &[AtomicU64]) {
        let values = [
            self.sent,
            self.taken,
            self.backlog.cast_unsigned(),
            self.peak.cast_unsigned(),
        ];
        for (word, value) in words.iter().zip(values) {
            word.store(value, Ordering::SeqCst);
        }
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} orders sent, {} taken; the backlog peaked at {}",
            self.sent,
            self.taken,
            self.peak.max(0)
        )
    }
}

/// The line a worker writes when it goes on without `tool`.
pub fn notice(tool: Tool) -> &'static str {
    match tool {
        Tool::Segment => "lost segment",
        Tool::Set => "lost set",
    }
}

/// The tool a worker's line says it lost, if it is such a line.
pub fn parse_notice(line: &str) -> Option<Tool> {
    [Tool::Segment, Tool::Set]
        .into_iter()
        .find(|t| notice(*t) == line)
}

/// The segment or the set is gone (removed, or its id no longer valid).
fn gone(e: &SysError) -> bool {
    matches!(e.errno, Errno::EIDRM | Errno::EINVAL)
}

/// The demo's stats segment and semaphore set, as one worker uses them.
pub struct Shared {
    stats: Option<SharedWords>,
    set: Option<i32>,
    /// Orders sent and not yet in the record: the lock was busy.
    uncounted: u64,
}

impl Shared {
    /// Attaches segment `shmid` and uses set `semid`; one already removed
    /// is told of and done without.
    pub fn open(shmid: i32, semid: i32) -> Result<Self, SysError> {
        let mut shared = Self {
            stats: None,
            set: Some(semid),
            uncounted: 0,
        };
        match SharedWords::attach(shmid) {
            Ok(words) => shared.stats = Some(words),
            Err(e) if gone(&e) => tell(Tool::Segment),
            Err(e) => return Err(e),
        }
        shared.check()?;
        Ok(shared)
    }

    /// Looks whether the segment and the set are still there: goes on
    /// without either if it has been removed, and says so. Done before
    /// each update and while the producer rests, so a removal is noticed
    /// within moments whatever the worker is doing.
    pub fn check(&mut self) -> Result<(), SysError> {
        self.check_segment();
        match self.set.map(sem::stat) {
            Some(Err(e)) => self.lose_set(e),
            _ => Ok(()),
        }
    }

    /// Detaches from the segment if it has been marked for removal (it
    /// goes when the other worker detaches too), and says so.
    fn check_segment(&mut self) {
        let Some(words) = &self.stats else {
            return;
        };
        let removed = match shm::stat(words.id()) {
            Ok(stat) => stat.mode & shm::SHM_DEST != 0,
            Err(e) => gone(&e),
        };
        if removed {
            self.stats = None;
            tell(Tool::Segment);
        }
    }

    /// `ops` on the set; `Ok(false)` if they would wait and `flags` say
    /// not to, or the set is gone (then it is told of and done without).
    fn operate(&mut self, ops: &[sem::SemOp]) -> Result<bool, SysError> {
        let Some(semid) = self.set else {
            return Ok(false);
        };
        match sem::operate(semid, ops) {
            Ok(()) => Ok(true),
            Err(e) if e.errno == Errno::EAGAIN => Ok(false),
            Err(e) => self.lose_set(e).map(|()| false),
        }
    }

    /// Does without the set if `e` says it is gone; otherwise fails.
    fn lose_set(&mut self, e: SysError) -> Result<(), SysError> {
        if !gone(&e) {
            return Err(e);
        }
        self.set = None;
        tell(Tool::Set);
        Ok(())
    }

    /// Changes the record by `change`, holding the lock; `wait` says
    /// whether to wait for it. `Ok(false)`: not done (the lock was busy,
    /// or the segment or the set is gone).
    fn update(&mut self, wait: bool, change: impl FnOnce(&mut Stats)) -> Result<bool, SysError> {
        self.check()?;
        if self.stats.is_none() {
            return Ok(false);
        }
        let nowait = if wait { 0 } else { libc::IPC_NOWAIT as i16 };
        let undo = libc::SEM_UNDO as i16;
        let take = sem::SemOp {
            num: LOCK,
            op: -1,
            flags: undo | nowait,
        };
        if !self.operate(&[take])? {
            return Ok(false);
        }
        if let Some(words) = &self.stats {
            let mut stats = Stats::load(words.words());
            change(&mut stats);
            stats.store(words.words());
        }
        let give = sem::SemOp {
            num: LOCK,
            op: 1,
            flags: undo,
        };
        self.operate(&[give])
    }

    /// The producer sent an order: counted now if the lock is free,
    /// otherwise with a later one. Never waits (the lock's holder may be
    /// a stalled consumer).
    pub fn count_sent(&mut self) -> Result<(), SysError> {
        self.uncounted += 1;
        let n = self.uncounted;
        if self.update(false, |s| s.sent(n))? {
            self.uncounted = 0;
        }
        Ok(())
    }

    /// The consumer took an order: counted, waiting for the lock (held by
    /// the producer only while it writes the record).
    pub fn count_taken(&mut self) -> Result<(), SysError> {
        self.update(true, Stats::taken).map(drop)
    }

    /// The producer closes the gate, before it sends the rest order.
    pub fn close_gate(&mut self) -> Result<(), SysError> {
        self.operate(&[sem::SemOp {
            num: GATE,
            op: 1,
            flags: 0,
        }])
        .map(drop)
    }

    /// The consumer took the rest order: it opens the gate. Never waits
    /// (the gate is closed before that order is sent).
    pub fn open_gate(&mut self) -> Result<(), SysError> {
        self.operate(&[sem::SemOp {
            num: GATE,
            op: -1,
            flags: libc::IPC_NOWAIT as i16,
        }])
        .map(drop)
    }

    /// The producer waits at most `timeout` for the gate to open:
    /// `Some(true)` open, `Some(false)` not yet, `None` no gate (the set
    /// is gone).
    pub fn wait_at_gate(&mut self, timeout: Duration) -> Result<Option<bool>, SysError> {
        let Some(semid) = self.set else {
            return Ok(None);
        };
        let zero = sem::SemOp {
            num: GATE,
            op: 0,
            flags: 0,
        };
        match sem::operate_within(semid, &[zero], timeout) {
            Ok(open) => Ok(Some(open)),
            Err(e) => self.lose_set(e).map(|()| None),
        }
    }
}

/// Tells the demo that this worker goes on without `tool` (one line on
/// standard output, which the demo reads). A demo that no longer reads
/// has ended, and this worker with it: nothing to do about a failure.
fn tell(tool: Tool) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", notice(tool)).and_then(|()| out.flush());
}

/// What the demo's segment `shmid` says, read when the workers are gone;
/// `None` if it cannot be read (removed).
pub fn final_stats(shmid: i32) -> Option<Stats> {
    let words = SharedWords::attach(shmid).ok()?;
    Some(Stats::load(words.words()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_counts_the_backlog_and_its_peak_even_when_sends_are_counted_late() {
        let mut stats = Stats::default();
        stats.sent(3);
        stats.taken();
        // Two sends the producer could not count yet (the lock was busy)
        // are taken first: the backlog dips below zero for a while…
        stats.taken();
        stats.taken();
        stats.taken();
        assert_eq!(stats.backlog, -1);
        // …and is right again once they are counted.
        stats.sent(2);
        assert_eq!(
            stats,
            Stats {
                sent: 5,
                taken: 4,
                backlog: 1,
                peak: 3
            }
        );
        assert_eq!(
            stats.to_string(),
            "5 orders sent, 4 taken; the backlog peaked at 3"
        );
    }

    #[test]
    fn the_record_round_trips_through_words() {
        let stats = Stats {
            sent: 7,
            taken: 9,
            backlog: -2,
            peak: 5,
        };
        let words: Vec<AtomicU64> = (0..Stats::WORDS).map(|_| AtomicU64::new(0)).collect();
        stats.store(&words);
        assert_eq!(Stats::load(&words), stats);
        assert_eq!(SEGMENT_SIZE, 32);
    }

    #[test]
    fn notices_name_the_tool() {
        for tool in [Tool::Segment, Tool::Set] {
            assert_eq!(parse_notice(notice(tool)), Some(tool));
        }
        assert_eq!(parse_notice("lost queue"), None);
    }
}
