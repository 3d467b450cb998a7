//! `ipctop demo`: a producer faster than its consumer, watched live.
//!
//! The story: the busy queue fills to 100 % within the first burst, its
//! producer blocks in `msgsnd` (the table's WAIT column shows it), then
//! the producer rests and the queue drains (see `BURST`). The producer and
//! the consumer keep their counts in a shared-memory segment (ATTACH 2 in
//! the Shm tab) under a semaphore lock, and the producer rests at a
//! semaphore gate the consumer opens (WAITING 1 in the Sem tab): see
//! [`shared`], which also tells why `c` cannot deadlock them. The monitor
//! opens on the busy queue; `c` stalls and resumes the consumer; workers
//! that end (their queue removed) are reaped and reported to the monitor,
//! as are workers that go on without a removed segment or set.
//!
//! As root the demo first moves into a private IPC namespace, so every
//! object it makes dies with it whatever happens (even `kill -9`).
//! Otherwise drop guards remove the objects and stop the workers on every
//! exit path short of `kill -9`. Workers are this binary started again with
//! the hidden `demo-worker` subcommand; the kernel kills them when the
//! demo exits (`PR_SET_PDEATHSIG`).

mod shared;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use nix::errno::Errno;
use nix::sched::{CloneFlags, unshare};
use nix::sys::prctl;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::{Pid, geteuid, getpid, getppid};

use crate::app::Event;
use crate::app::demo::{Demo, Ending, Order, Report, Worker as DemoWorker};
use crate::sys::SysError;
use crate::sys::{child, msg, sem, shm};
use crate::tui;

/// What a demo worker process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// Sends orders in bursts faster than they are consumed.
    Producer,
    /// Takes orders at a steady, slower pace.
    Consumer,
}

/// Key of the demo's busy queue (in a private namespace; elsewhere the
/// key is only used if free).
const ORDERS_KEY: i32 = 0x0de0_0001;
/// Key of the demo's forgotten queue: messages nobody will read.
const STALE_KEY: i32 = 0x0de0_0002;
/// Key of the demo's stats segment, which the producer and the consumer
/// attach.
const STATS_KEY: i32 = 0x0de0_0003;
/// Key of the demo's semaphore set: the stats lock and the rest gate.
const SYNC_KEY: i32 = 0x0de0_0004;
/// Capacity of the busy queue: 128 orders of 64 bytes.
const ORDERS_CAPACITY: u64 = 8 * 1024;
/// Size of one order.
const ORDER_SIZE: usize = 64;

/// An object the demo made (a queue, the segment, the set); removed when
/// dropped.
struct Made {
    id: i32,
    remove: fn(i32) -> Result<(), SysError>,
}

impl Made {
    /// Creates an object with `key` through `get(key, flags)`, or a
    /// private one if the key is taken; `remove` removes it.
    fn create(
        key: i32,
        get: impl Fn(i32, libc::c_int) -> Result<i32, SysError>,
        remove: fn(i32) -> Result<(), SysError>,
    ) -> Result<Self, SysError> {
        let flags = libc::IPC_CREAT | libc::IPC_EXCL | 0o644;
        let id = get(key, flags).or_else(|_| get(libc::IPC_PRIVATE, flags))?;
        Ok(Self { id, remove })
    }

    /// A queue.
    fn queue(key: i32) -> Result<Self, SysError> {
        Self::create(key, msg::get, msg::remove)
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        // Already gone is fine: nothing else to do on the way out.
        let _ = (self.remove)(self.id);
    }
}

/// The ids of the objects a worker uses.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    /// The busy queue.
    pub msqid: i32,
    /// The stats segment.
    pub shmid: i32,
    /// The semaphore set.
    pub semid: i32,
}

/// Names the demo process a worker belongs to; a worker refuses to run
/// without it, so `demo-worker consumer ID` typed by hand cannot drain a
/// real queue.
const PARENT_ENV: &str = "IPCTOP_DEMO_PARENT";

/// Locks `child`, even if a thread panicked holding it (a `Child` has no
/// invariant a panic could break).
fn lock(child: &Mutex<Child>) -> MutexGuard<'_, Child> {
    child.lock().unwrap_or_else(|e| e.into_inner())
}

/// A worker process; killed and reaped when dropped. Its `Child` is
/// shared with the thread that reaps it when it ends by itself: whoever
/// reaps it does so through the `Child`, which then never signals the pid
/// again (it may be another process's by then).
struct Worker {
    role: DemoWorker,
    pid: i32,
    child: Arc<Mutex<Child>>,
}

impl Worker {
    fn start(role: Role, ids: Ids) -> std::io::Result<Self> {
        let parent = getpid();
        let role_name = role
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(["demo-worker", &role_name])
            .args([ids.msqid, ids.shmid, ids.semid].map(|id| id.to_string()))
            .env(PARENT_ENV, parent.to_string())
            // Nothing a worker prints may land on the monitor's screen:
            // its notices come through a pipe (`watch`).
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        child::die_with_parent(&mut command);
        let child = command.spawn()?;
        Ok(Self {
            role: match role {
                Role::Producer => DemoWorker::Producer,
                Role::Consumer => DemoWorker::Consumer,
            },
            pid: i32::try_from(child.id()).unwrap_or(i32::MAX),
            child: Arc::new(Mutex::new(child)),
        })
    }

    /// Sends `signal` to the worker if it has not been reaped (so its pid
    /// is still its own).
    fn signal(&self, signal: Signal) -> Result<(), String> {
        let mut child = lock(&self.child);
        match child.try_wait() {
            Ok(None) => kill(Pid::from_raw(self.pid), signal).map_err(|e| e.desc().to_owned()),
            _ => Err(format!("the {} has ended", self.role.name())),
        }
    }

    /// Starts a thread that waits for the worker to end, reaps it, lets
    /// `partner` go on if it is stopped (a stalled consumer would never
    /// see its queue's removal), and reports the end to `events`; and
    /// one that reports the tools the worker says it goes on without.
    fn watch(&self, partner: Option<&Worker>, events: Sender<Event>) -> std::io::Result<()> {
        let (role, pid, child) = (self.role, self.pid, Arc::clone(&self.child));
        if let Some(notices) = lock(&child).stdout.take() {
            let events = events.clone();
            thread::Builder::new()
                .name(format!("demo-{}-notices", role.name()))
                .spawn(move || {
                    // Ends when the worker does (its end of the pipe
                    // closes).
                    for line in BufReader::new(notices).lines().map_while(Result::ok) {
                        if let Some(tool) = shared::parse_notice(&line) {
                            let _ = events.send(Event::Demo(Report::Lost(role, tool)));
                        }
                    }
                })?;
        }
        let partner = partner.map(|p| (p.pid, Arc::clone(&p.child)));
        thread::Builder::new()
            .name(format!("demo-{}", role.name()))
            .spawn(move || {
                let Some(how) = wait_for_end(pid) else {
                    // Reaped by the demo's own teardown.
                    return;
                };
                let _ = lock(&child).try_wait();
                if let Some((partner, child)) = partner {
                    let mut child = lock(&child);
                    if matches!(child.try_wait(), Ok(None)) {
                        let _ = kill(Pid::from_raw(partner), Signal::SIGCONT);
                    }
                }
                let _ = events.send(Event::Demo(Report::Ended(role, how)));
            })
            .map(drop)
    }
}

/// Waits until child `pid` has ended, without reaping it; how it ended,
/// or `None` if it is no longer a child to wait for.
fn wait_for_end(pid: i32) -> Option<Ending> {
    loop {
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
        return match waitid(Id::Pid(Pid::from_raw(pid)), flags) {
            Err(Errno::EINTR) => continue,
            Err(_) => None,
            // A worker ends with success only when its queue is gone.
            Ok(WaitStatus::Exited(_, 0)) => Some(Ending::QueueRemoved),
            Ok(WaitStatus::Exited(_, code)) => Some(Ending::Other(format!("exit status {code}"))),
            Ok(WaitStatus::Signaled(_, signal, _)) => {
                Some(Ending::Other(format!("killed by {}", signal.as_str())))
            }
            Ok(other) => Some(Ending::Other(format!("{other:?}"))),
        };
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The demo's workload, as the monitor steers it: the busy queue's
/// producer and consumer; `c` stalls and resumes the consumer.
struct Workload {
    busy_queue: i32,
    producer: Worker,
    consumer: Worker,
    /// The consumer is stopped by `c`.
    stalled: bool,
}

impl tui::Workload for Workload {
    fn model(&self) -> Demo {
        Demo::new(self.busy_queue)
    }

    fn watch(&mut self, events: Sender<Event>) -> std::io::Result<()> {
        self.producer.watch(Some(&self.consumer), events.clone())?;
        self.consumer.watch(None, events)
    }

    fn perform(&mut self, order: Order) -> Report {
        let (signal, stalled, verb) = match order {
            Order::StallConsumer => (Signal::SIGSTOP, true, "stall"),
            Order::ResumeConsumer => (Signal::SIGCONT, false, "resume"),
        };
        match self.consumer.signal(signal) {
            Ok(()) => {
                self.stalled = stalled;
                Report::Consumer { stalled }
            }
            Err(why) => Report::Refused(format!("cannot {verb} the consumer: {why}")),
        }
    }
}

impl Drop for Workload {
    fn drop(&mut self) {
        // Nothing is left stopped, whatever comes next.
        if self.stalled {
            let _ = self.consumer.signal(Signal::SIGCONT);
        }
    }
}

/// Sets up the workload, runs the monitor on it with `settings`, and
/// tears it down.
pub fn run(settings: &crate::config::Settings) -> Result<(), Box<dyn std::error::Error>> {
    let private = geteuid().is_root() && unshare(CloneFlags::CLONE_NEWIPC).is_ok();

    let orders = Made::queue(ORDERS_KEY)?;
    msg::set_capacity(orders.id, ORDERS_CAPACITY)?;
    let stale = Made::queue(STALE_KEY)?;
    for n in 1..=3 {
        let text = format!("reminder {n}: nobody reads this queue");
        msg::send(stale.id, 7, text.as_bytes(), libc::IPC_NOWAIT)?;
    }
    let segment = Made::create(
        STATS_KEY,
        |key, flags| shm::get(key, shared::SEGMENT_SIZE, flags),
        shm::remove,
    )?;
    let set = Made::create(
        SYNC_KEY,
        |key, flags| sem::get(key, shared::SEMAPHORES, flags),
        sem::remove,
    )?;
    sem::set_all(set.id, &shared::INITIAL)?;
    let ids = Ids {
        msqid: orders.id,
        shmid: segment.id,
        semid: set.id,
    };
    let mut workload = Workload {
        busy_queue: orders.id,
        producer: Worker::start(Role::Producer, ids)?,
        consumer: Worker::start(Role::Consumer, ids)?,
        stalled: false,
    };
    let shown = tui::run_with(settings, Some(&mut workload));
    drop(workload);
    // The workers are gone: nobody changes the record any more.
    let stats = shared::final_stats(segment.id);
    drop((orders, stale, segment, set));
    // Not `eprintln!`: after a hang-up stderr is gone, and the cleanup is
    // done either way.
    let mut err = std::io::stderr();
    if let Some(stats) = stats {
        let _ = writeln!(err, "ipctop demo: {stats}");
    }
    if !private {
        let _ = writeln!(
            err,
            "ipctop demo: stopped the demo processes and removed its queues, segment and semaphore set"
        );
    }
    Ok(shown?)
}

/// The body of a worker process: loops until its queue is removed.
pub fn work(role: Role, ids: Ids) -> Result<(), Box<dyn std::error::Error>> {
    let parent = std::env::var(PARENT_ENV).ok();
    if parent != Some(getppid().to_string()) {
        return Err("demo-worker is started by `ipctop demo`, not by hand".into());
    }
    let _ = prctl::set_name(match role {
        Role::Producer => c"demo-producer",
        Role::Consumer => c"demo-consumer",
    });
    let mut shared = shared::Shared::open(ids.shmid, ids.semid)?;
    let result = match role {
        Role::Producer => produce(ids.msqid, &mut shared),
        Role::Consumer => consume(ids.msqid, &mut shared),
    };
    match result {
        // The demo removed the queue: time to go.
        Err(e)
            if matches!(
                e.errno,
                nix::errno::Errno::EIDRM | nix::errno::Errno::EINVAL
            ) =>
        {
            Ok(())
        }
        other => Ok(other?),
    }
}

/// Pause between two orders of a burst: 25 orders a second.
const PRODUCER_PAUSE: Duration = Duration::from_millis(40);
/// Pause after taking an order: 8 orders a second.
const CONSUMER_PAUSE: Duration = Duration::from_millis(125);
/// How long a burst lasts. The queue gains 25 - 8 = 17 orders a second,
/// so its 128 orders of room are gone after 7.5 s: the producer then
/// waits in `msgsnd` for every order the consumer takes, 7.5 s more.
const BURST: Duration = Duration::from_secs(15);
/// The type of the order that ends a burst: the consumer opens the rest
/// gate when it takes it, the queue then empty (see [`shared`]).
const REST_ORDER: libc::c_long = 3;
/// How long the producer still rests once the consumer has emptied the
/// queue, for the empty queue to be seen.
const EMPTY_REST: Duration = Duration::from_secs(3);
/// How often a resting producer checks that its queue is still there,
/// so it ends soon after the queue is removed.
const QUIET_CHECK: Duration = Duration::from_millis(100);

/// Bursts of orders faster than the consumer takes them, then a rest
/// until the consumer has taken them all: the queue fills up, the
/// producer blocks, then the queue drains.
fn produce(msqid: i32, shared: &mut shared::Shared) -> Result<(), SysError> {
    let mut serial: u64 = 0;
    loop {
        let burst_ends = Instant::now() + BURST;
        let mut due = Instant::now();
        while Instant::now() < burst_ends {
            serial += 1;
            let order = format!("order {serial} item=widget qty={}", serial % 7 + 1);
            let mtype = if serial.is_multiple_of(10) { 2 } else { 1 };
            // Blocks when the queue is full: that is the backpressure.
            msg::send(msqid, mtype, &padded(order), 0)?;
            shared.count_sent()?;
            // Paced by the clock, not by a pause after each send: held up
            // in msgsnd, the producer is behind and sends again at once,
            // so while the queue is full it is always blocked in msgsnd
            // (and the table's WAIT says so at every refresh).
            due += PRODUCER_PAUSE;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                sleep(wait);
            }
        }
        // Closed before the order that opens it is sent.
        shared.close_gate()?;
        let rest = format!("rest after order {serial}: the gate opens when this is taken");
        msg::send(msqid, REST_ORDER, &padded(rest), 0)?;
        loop {
            let queue = msg::stat(msqid)?;
            shared.check()?;
            match shared.wait_at_gate(QUIET_CHECK)? {
                Some(true) => break,
                Some(false) => {}
                // No gate: the empty queue says the same.
                None if queue.qnum == 0 => break,
                None => sleep(QUIET_CHECK),
            }
        }
        let rest_ends = Instant::now() + EMPTY_REST;
        while Instant::now() < rest_ends {
            sleep(QUIET_CHECK);
            msg::stat(msqid)?;
            shared.check()?;
        }
    }
}

/// `text` as an order: [`ORDER_SIZE`] bytes.
fn padded(text: String) -> Vec<u8> {
    let mut order = text.into_bytes();
    order.resize(ORDER_SIZE, b' ');
    order
}

/// Takes one order every [`CONSUMER_PAUSE`]; opens the producer's rest
/// gate on taking its rest order.
fn consume(msqid: i32, shared: &mut shared::Shared) -> Result<(), SysError> {
    loop {
        let (mtype, _) = msg::receive(msqid, ORDER_SIZE, 0, 0)?;
        if mtype == REST_ORDER {
            shared.open_gate()?;
        } else {
            shared.count_taken()?;
        }
        sleep(CONSUMER_PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_queue_fills_early_in_a_burst_and_drains_in_the_quiet() {
        let room = (ORDERS_CAPACITY / ORDER_SIZE as u64) as f64;
        let per_second = |pause: Duration| 1.0 / pause.as_secs_f64();
        let gain = per_second(PRODUCER_PAUSE) - per_second(CONSUMER_PAUSE);
        let full_after = room / gain;
        // Full (its producer blocked) well within the first 20 seconds,
        // with seconds of it left in the burst to be seen.
        assert!(full_after < 10.0, "full after {full_after:.1} s");
        assert!(BURST.as_secs_f64() - full_after > 5.0);
        // Then the producer waits at the gate while the consumer empties
        // the queue (the rest order last): seconds of a waiter to see in
        // the Sem tab, and the next burst within half a minute.
        let drained_after = (room + 1.0) / per_second(CONSUMER_PAUSE);
        assert!(drained_after > 5.0, "drained after {drained_after:.1} s");
        assert!(drained_after + EMPTY_REST.as_secs_f64() < 30.0);
    }

    #[test]
    fn an_order_fills_its_size_whatever_its_text() {
        assert_eq!(padded("order 1".to_owned()).len(), ORDER_SIZE);
        assert!(padded("order 1".to_owned()).starts_with(b"order 1 "));
    }
}
