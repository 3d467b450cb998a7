//! `ipctop demo`: a producer faster than its consumer, watched live.
//!
//! As root the demo first moves into a private IPC namespace, so every
//! object it makes dies with it whatever happens (even `kill -9`).
//! Otherwise drop guards remove the queues and stop the workers on every
//! exit path short of `kill -9`. Workers are this binary started again with
//! the hidden `demo-worker` subcommand; the kernel kills them when the
//! demo exits (`PR_SET_PDEATHSIG`).

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use clap::ValueEnum;
use nix::sched::{CloneFlags, unshare};
use nix::sys::prctl;
use nix::unistd::{geteuid, getpid, getppid};

use crate::sys::SysError;
use crate::sys::{child, msg};

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

/// A worker process; killed and reaped when dropped.
struct Worker(Child);

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
        command.spawn().map(Self)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sets up the workload, runs the monitor on it (taking the mouse if
/// `mouse`), and tears it down.
pub fn run(interval: Duration, mouse: bool) -> Result<(), Box<dyn std::error::Error>> {
    let private = geteuid().is_root() && unshare(CloneFlags::CLONE_NEWIPC).is_ok();

    let orders = DemoQueue::create(ORDERS_KEY)?;
    msg::set_capacity(orders.0, ORDERS_CAPACITY)?;
    let stale = DemoQueue::create(STALE_KEY)?;
    for n in 1..=3 {
        let text = format!("reminder {n}: nobody reads this queue");
        msg::send(stale.0, 7, text.as_bytes(), libc::IPC_NOWAIT)?;
    }
    let workers = [
        Worker::start(Role::Producer, orders.0)?,
        Worker::start(Role::Consumer, orders.0)?,
    ];
    let shown = crate::tui::run(interval, false, mouse);
    drop(workers);
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

/// Bursts of 20 orders a second for 10 s, then 15 s of quiet: against a
/// consumer of 8 a second the queue climbs to ~95% and drains again.
fn produce(msqid: i32) -> Result<(), SysError> {
    let mut serial: u64 = 0;
    loop {
        for _ in 0..200 {
            serial += 1;
            let mut order =
                format!("order {serial} item=widget qty={}", serial % 7 + 1).into_bytes();
            order.resize(ORDER_SIZE, b' ');
            let mtype = if serial.is_multiple_of(10) { 2 } else { 1 };
            // Blocks when the queue is full: that is the backpressure.
            msg::send(msqid, mtype, &order, 0)?;
            sleep(Duration::from_millis(50));
        }
        sleep(Duration::from_secs(15));
    }
}

/// Takes one order every 125 ms.
fn consume(msqid: i32) -> Result<(), SysError> {
    loop {
        msg::receive(msqid, ORDER_SIZE, 0, 0)?;
        sleep(Duration::from_millis(125));
    }
}
