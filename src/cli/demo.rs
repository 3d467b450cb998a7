//! `ipctop demo`: a producer faster than its consumer, watched live.
//!
//! The story: the busy queue fills to 100 % within the first burst, its
//! producer blocks in `msgsnd` (the table's WAIT column shows it), then
//! the producer rests and the queue drains (see `BURST`). The monitor
//! opens on the busy queue; `c` stalls and resumes the consumer; workers
//! that end (their queue removed) are reaped and reported to the monitor.
//!
//! As root the demo first moves into a private IPC namespace, so every
//! object it makes dies with it whatever happens (even `kill -9`).
//! Otherwise drop guards remove the queues and stop the workers on every
//! exit path short of `kill -9`. Workers are this binary started again with
//! the hidden `demo-worker` subcommand; the kernel kills them when the
//! demo exits (`PR_SET_PDEATHSIG`).

use std::io::Write;
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
use crate::sys::{child, msg};
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
/// Capacity of the busy queue: 128 orders of 64 bytes.
const ORDERS_CAPACITY: u64 = 8 * 1024;
/// Size of one order.
const ORDER_SIZE: usize = 64;

/// A queue the demo made; removed when dropped.
struct DemoQueue(i32);

impl DemoQueue {
    /// Creates a queue with `key`, or a private one if the key is taken.
    fn create(key: i32) -> Result<Self, SysError> {
        let flags = libc::IPC_CREAT | libc::IPC_EXCL | 0o644;
        let id = msg::get(key, flags).or_else(|_| msg::get(libc::IPC_PRIVATE, flags))?;
        Ok(Self(id))
    }
}

impl Drop for DemoQueue {
    fn drop(&mut self) {
        // Already gone is fine: nothing else to do on the way out.
        let _ = msg::remove(self.0);
    }
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
    fn start(role: Role, msqid: i32) -> std::io::Result<Self> {
        let parent = getpid();
        let role_name = role
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(["demo-worker", &role_name, &msqid.to_string()])
            .env(PARENT_ENV, parent.to_string())
            // Nothing a worker prints may land on the monitor's screen.
            .stdin(Stdio::null())
            .stdout(Stdio::null())
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
    /// see its queue's removal), and reports the end to `events`.
    fn watch(&self, partner: Option<&Worker>, events: Sender<Event>) -> std::io::Result<()> {
        let (role, pid, child) = (self.role, self.pid, Arc::clone(&self.child));
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

    let orders = DemoQueue::create(ORDERS_KEY)?;
    msg::set_capacity(orders.0, ORDERS_CAPACITY)?;
    let stale = DemoQueue::create(STALE_KEY)?;
    for n in 1..=3 {
        let text = format!("reminder {n}: nobody reads this queue");
        msg::send(stale.0, 7, text.as_bytes(), libc::IPC_NOWAIT)?;
    }
    let mut workload = Workload {
        busy_queue: orders.0,
        producer: Worker::start(Role::Producer, orders.0)?,
        consumer: Worker::start(Role::Consumer, orders.0)?,
        stalled: false,
    };
    let shown = tui::run_with(settings, Some(&mut workload));
    drop(workload);
    drop((orders, stale));
    if !private {
        // Not `eprintln!`: after a hang-up stderr is gone, and the
        // cleanup is done either way.
        let _ = writeln!(
            std::io::stderr(),
            "ipctop demo: stopped the demo processes and removed its queues"
        );
    }
    Ok(shown?)
}

/// The body of a worker process: loops until its queue is removed.
pub fn work(role: Role, msqid: i32) -> Result<(), Box<dyn std::error::Error>> {
    let parent = std::env::var(PARENT_ENV).ok();
    if parent != Some(getppid().to_string()) {
        return Err("demo-worker is started by `ipctop demo`, not by hand".into());
    }
    let _ = prctl::set_name(match role {
        Role::Producer => c"demo-producer",
        Role::Consumer => c"demo-consumer",
    });
    let result = match role {
        Role::Producer => produce(msqid),
        Role::Consumer => consume(msqid),
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
/// How long the producer rests after a burst: the consumer takes up to
/// 8 × 18 = 144 orders meanwhile, enough to empty the queue.
const QUIET: Duration = Duration::from_secs(18);
/// How often a resting producer checks that its queue is still there,
/// so it ends soon after the queue is removed.
const QUIET_CHECK: Duration = Duration::from_millis(100);

/// Bursts of orders faster than the consumer takes them, then quiet:
/// the queue fills up, the producer blocks, then the queue drains.
fn produce(msqid: i32) -> Result<(), SysError> {
    let mut serial: u64 = 0;
    loop {
        let burst_ends = Instant::now() + BURST;
        while Instant::now() < burst_ends {
            serial += 1;
            let mut order =
                format!("order {serial} item=widget qty={}", serial % 7 + 1).into_bytes();
            order.resize(ORDER_SIZE, b' ');
            let mtype = if serial.is_multiple_of(10) { 2 } else { 1 };
            // Blocks when the queue is full: that is the backpressure.
            msg::send(msqid, mtype, &order, 0)?;
            sleep(PRODUCER_PAUSE);
        }
        let quiet_ends = Instant::now() + QUIET;
        while Instant::now() < quiet_ends {
            sleep(QUIET_CHECK);
            msg::stat(msqid)?;
        }
    }
}

/// Takes one order every [`CONSUMER_PAUSE`].
fn consume(msqid: i32) -> Result<(), SysError> {
    loop {
        msg::receive(msqid, ORDER_SIZE, 0, 0)?;
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
        // Then the consumer empties it before the next burst.
        assert!(QUIET.as_secs_f64() * per_second(CONSUMER_PAUSE) >= room);
    }
}
