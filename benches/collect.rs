//! Cost of one refresh at 1,000 / 10,000 / 32,000 message queues.
//!
//! Run with `cargo bench --bench collect`. For each size it reports, in the
//! same run and on the same queues:
//!
//! - **floor**: `msg::info()` + `msg::stat_any(i)` for every index — the
//!   syscalls alone, the least any listing can cost;
//! - **collect**: `Collector::collect()` on one reused collector (as the TUI
//!   does), and its ratio to the floor (target <= 1.5x);
//! - **update**: `App::update(Event::Snapshot)` — filter and sort of all rows,
//!   run on every refresh; also with a filter typed and sorted by sender;
//! - **frame**: one `terminal.draw(|f| ui::draw(f, &app))` on a 120x40
//!   `TestBackend` — should not grow with the number of queues, since only
//!   visible rows are built. Frames of all sizes are timed round-robin at
//!   the end, so machine load hits them alike;
//! - **shared memory** (4,000 segments, every 100th attached): one
//!   `sysv_shm::read_table` against its floor (`SHM_INFO` + the
//!   `SHM_STAT_ANY` loop + reading `/proc/sysvipc/shm`), `ipcs -m` on the
//!   same segments, and the `/proc/PID/maps` attachment scan on its own;
//! - a **crashed-producer** scenario: the last sender of every queue has
//!   exited; collect must still stay near the floor;
//! - **semaphores**: 10,000 sets, read in full (`sysv_sem::read_table`)
//!   against the same syscalls made raw, and `ipcs -s`;
//! - **all kinds at once** (issue 10): 10,000 queues, the 4,000 segments
//!   and the 10,000 sets present together; one `Collector::collect()` (the
//!   real full refresh: every kind, names, limits) against the sum of the
//!   three floors (target <= 1.5x), first with every 100th segment
//!   attached (the `/proc/PID/maps` scan runs), then with none attached
//!   (no scan), so the scan's share shows; `ipcs -a` and `lsipc -q`,
//!   `-m`, `-s` on the same objects.
//!
//! Every floor and what it is compared with alternate within one loop
//! (`alternating`), so machine load hits both alike.
//!
//! Isolation: as root the process first calls `unshare(CLONE_NEWIPC)`, so it
//! works in a private IPC namespace that only it (and the helper children it
//! starts) can see; the kernel frees every queue when the last of them exits.
//! Without root, or if unshare fails, it says so and creates `IPC_PRIVATE`
//! queues in the shared namespace, each removed by a drop guard (also after
//! Ctrl-C, which is polled between steps); there the listings also include
//! everybody else's queues, and 32,000 is skipped unless `msgmni` has room.
//!
//! Helper processes (this same binary, re-executed with `IPCTOP_BENCH_ROLE`)
//! send a few messages so the sender/receiver columns have pids and command
//! names: a "producer" that stays alive until the bench ends, and a "gone"
//! sender that exits at once (its pid shows as `(exited)`).
//!
//! Without `--bench` (as `cargo test --all-targets` runs bench targets) it
//! does a quick smoke run at 200 queues with a few iterations.

use std::hint::black_box;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ipctop::app::{App, Event};
use ipctop::collect::Collector;
use ipctop::collect::{sysv_sem, sysv_shm};
use ipctop::model::{MsgSource, ShmTable, Snapshot};
use ipctop::sys::{msg, sem, shm};
use nix::sched::{CloneFlags, unshare};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

type Error = Box<dyn std::error::Error>;

/// Environment variable that turns a re-executed copy into a helper.
const ROLE_ENV: &str = "IPCTOP_BENCH_ROLE";

/// Size of the terminal the frames are drawn on.
const SCREEN: (u16, u16) = (120, 40);

fn main() -> Result<(), Error> {
    if let Ok(role) = std::env::var(ROLE_ENV) {
        return helper(&role);
    }
    // First thing, while the process has a single thread: unshare acts on
    // the calling thread only, and every later thread inherits it.
    let isolation = isolate();
    let full = std::env::args().any(|a| a == "--bench");
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let mut bench = Bench::new(isolation, full, stop)?;
    bench.run()
}

/// Where the queues live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isolation {
    /// A private IPC namespace: nothing to clean up, nobody else's queues.
    Private,
    /// The shared namespace: our queues are removed by a guard.
    Shared,
}

fn isolate() -> Isolation {
    if !nix::unistd::geteuid().is_root() {
        eprintln!(
            "note: not root, so no private IPC namespace: queues are created in the shared \
             namespace and removed on exit; figures include other users' queues"
        );
        return Isolation::Shared;
    }
    match unshare(CloneFlags::CLONE_NEWIPC) {
        Ok(()) => Isolation::Private,
        Err(e) => {
            eprintln!(
                "note: unshare(CLONE_NEWIPC) failed ({e}): queues are created in the shared \
                 namespace and removed on exit; figures include other users' queues"
            );
            Isolation::Shared
        }
    }
}

/// Objects (queues, semaphore sets) we created; in the shared namespace
/// they are removed on drop with `remove`.
struct Owned {
    ids: Vec<i32>,
    remove: fn(i32) -> Result<(), ipctop::sys::SysError>,
    remove_on_drop: bool,
}

impl Drop for Owned {
    fn drop(&mut self) {
        if self.remove_on_drop {
            for &id in &self.ids {
                // Ignored: an object already gone is what we want.
                let _ = (self.remove)(id);
            }
        }
    }
}

/// Helper processes; killed and reaped on drop.
#[derive(Default)]
struct Helpers(Vec<Child>);

impl Drop for Helpers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

struct Bench {
    isolation: Isolation,
    full: bool,
    stop: Arc<AtomicBool>,
    // Order matters for drop: helpers die before the queues go.
    helpers: Helpers,
    queues: Owned,
    sets: Owned,
    segments: Segments,
}

/// Segments we created, and our attachments to some of them (detached
/// first); in the shared namespace the segments are removed on drop.
#[derive(Default)]
struct Segments {
    attached: Vec<shm::Attached>,
    ids: Vec<i32>,
    remove_on_drop: bool,
}

impl Drop for Segments {
    fn drop(&mut self) {
        self.attached.clear();
        if self.remove_on_drop {
            for &id in &self.ids {
                // Ignored: a segment already gone is what we want.
                let _ = shm::remove(id);
            }
        }
    }
}

/// One size's figures.
struct Row {
    queues: usize,
    listed: usize,
    floor: Stats,
    collect: Stats,
    update: Stats,
    update_filter: Stats,
    update_sender: Stats,
    frame: Stats,
}

impl Bench {
    fn new(isolation: Isolation, full: bool, stop: Arc<AtomicBool>) -> Result<Self, Error> {
        Ok(Self {
            isolation,
            full,
            stop,
            helpers: Helpers::default(),
            queues: Owned {
                ids: Vec::new(),
                remove: msg::remove,
                remove_on_drop: isolation == Isolation::Shared,
            },
            sets: Owned {
                ids: Vec::new(),
                remove: sem::remove,
                remove_on_drop: isolation == Isolation::Shared,
            },
            segments: Segments::default(),
        })
    }

    fn stopped(&self) -> Result<(), Error> {
        if self.stop.load(Ordering::Relaxed) {
            return Err("interrupted".into());
        }
        Ok(())
    }

    fn run(&mut self) -> Result<(), Error> {
        let sizes: &[usize] = if self.full {
            &[1_000, 10_000, 32_000]
        } else {
            &[200]
        };
        let budget = if self.full {
            Duration::from_millis(800)
        } else {
            Duration::from_millis(20)
        };
        print_machine(self.isolation);
        let mut rows = Vec::new();
        let mut apps = Vec::new();
        for &size in sizes {
            if !self.make_room(size)? {
                continue;
            }
            let started = Instant::now();
            self.grow_to(size)?;
            eprintln!(
                "  {size} queues ready in {:.2?}; measuring…",
                started.elapsed()
            );
            let (row, app) = self.measure(size, budget)?;
            rows.push(row);
            apps.push(app);
        }
        // Frames of all sizes are timed together, round-robin, so that a
        // burst of load on the machine cannot fake a growth with size.
        self.stopped()?;
        for (row, frame) in rows.iter_mut().zip(time_frames(budget, &apps)?) {
            row.frame = frame;
        }
        print_table(&rows, self.full);
        if self.full {
            self.dead_sender(budget)?;
        }
        self.semaphores(if self.full { 10_000 } else { 200 }, budget)?;
        self.shared_memory(budget)?;
        self.all_kinds(if self.full { 10_000 } else { 200 }, budget)
    }

    /// Every kind at once: `queues` queues (ours beyond that are removed),
    /// the segments and the sets made before. One full refresh against the
    /// sum of the three floors, with some segments attached and with none,
    /// and the `ipcs` / `lsipc` listings of the same objects.
    fn all_kinds(&mut self, queues: usize, budget: Duration) -> Result<(), Error> {
        self.stopped()?;
        while self.queues.ids.len() > queues {
            let id = self.queues.ids.pop().ok_or("no queue")?;
            msg::remove(id)?;
        }
        let private = self.isolation == Isolation::Private;
        let expected = (
            self.queues.ids.len(),
            self.segments.ids.len(),
            self.sets.ids.len(),
        );
        let mut proc_text = String::new();
        let mut floors = || -> Result<(), Error> {
            let seen = (floor()?, shm_floor(&mut proc_text)?, sem_floor()?);
            if private && seen != expected {
                return Err(format!(
                    "expected (queues, segments, sets) {expected:?}, the floors saw {seen:?}"
                )
                .into());
            }
            Ok(())
        };
        let mut collector = Collector::new()?;
        let mut refresh = |attached: bool| -> Result<(Stats, Stats), Error> {
            let snap = collector.collect();
            if let Some((kind, why)) = snap.failures.iter().next() {
                return Err(format!("collect could not read {}: {why}", kind.name()).into());
            }
            let seen = (
                snap.msg.queues.len(),
                snap.shm.segments.len(),
                snap.sem.sets.len(),
            );
            if private && seen != expected {
                return Err(format!(
                    "expected (queues, segments, sets) {expected:?}, collect saw {seen:?}"
                )
                .into());
            }
            if snap.shm.scan.ran != attached {
                return Err(format!("the maps scan ran: {}", snap.shm.scan.ran).into());
            }
            alternating(budget, &mut floors, || {
                drop(black_box(collector.collect()));
                Ok(())
            })
        };
        let attached = self.segments.attached.len();
        let (floor_scan, collect_scan) = refresh(attached > 0)?;
        let (scan, _) = time_scan(budget)?;
        self.segments.attached.clear();
        let (floor_none, collect_none) = refresh(false)?;
        self.stopped()?;
        let ipcs = time_command(budget, &[&["ipcs", "-a"]]);
        let lsipc = time_command(
            budget,
            &[&["lsipc", "-q"], &["lsipc", "-m"], &["lsipc", "-s"]],
        );

        let (q, m, s) = expected;
        let full = self.full;
        println!();
        println!(
            "  all kinds: {q} queues, {m} segments, {s} semaphore sets; one full refresh \
             (Collector::collect: every kind, names, limits) against the sum of the msg, shm \
             and sem floors"
        );
        let print = |what: &str, floor: Stats, collect: Stats| {
            let r = ratio(collect.median, floor.median);
            let target = if full {
                format!(" (target <= 1.5x: {})", verdict(r <= 1.5))
            } else {
                String::new()
            };
            println!(
                "  {what}: floor {} | collect {} | ratio {r:.2}x{target}",
                pair(floor),
                pair(collect),
            );
        };
        print(
            &format!("{attached} segments attached (maps scan)"),
            floor_scan,
            collect_scan,
        );
        print("no segment attached (no scan)", floor_none, collect_none);
        println!(
            "  the maps scan on its own {} | {:.1} % of the full refresh",
            pair(scan),
            100.0 * ratio(scan.median, collect_scan.median)
        );
        let refresh = (collect_scan, "the full refresh (scan included)");
        print_command("ipcs -a", ipcs, refresh);
        print_command("lsipc -q, -m, -s", lsipc, refresh);
        Ok(())
    }

    /// Shared memory: one read of the segment table against the raw
    /// floor, `ipcs -m` on the same segments, and the cost of finding
    /// who is attached (every process's `/proc/PID/maps`) on its own.
    fn shared_memory(&mut self, budget: Duration) -> Result<(), Error> {
        self.stopped()?;
        let size = if self.full { 4_000 } else { 100 };
        let info = shm::info()?;
        let limits = shm::limits()?;
        let needed = u64::from(info.segments) + size as u64;
        if needed > limits.shmmni {
            if self.isolation == Isolation::Private {
                // shmmni is per IPC namespace: this changes only ours.
                std::fs::write("/proc/sys/kernel/shmmni", needed.to_string())?;
            } else {
                println!(
                    "\n  shm: skipped, shmmni {} leaves no room for {size}",
                    limits.shmmni
                );
                return Ok(());
            }
        }
        self.segments.remove_on_drop = self.isolation == Isolation::Shared;
        while self.segments.ids.len() < size {
            self.segments
                .ids
                .push(shm::get(libc::IPC_PRIVATE, 4096, libc::IPC_CREAT | 0o600)?);
        }
        // Every 100th segment attached by this process: the scan has
        // something to find.
        for &id in self.segments.ids.iter().step_by(100) {
            self.segments.attached.push(shm::Attached::new(id, 0)?);
        }
        let mut proc_text = String::new();
        let read = || -> Result<(), Error> {
            black_box(sysv_shm::read_table(MsgSource::StatAny)?);
            Ok(())
        };
        let (floor_stats, read_stats) =
            alternating(budget, || shm_floor(&mut proc_text).map(drop), read)?;
        let (scan, scanned) = time_scan(budget)?;
        let ipcs = time_command(budget, &[&["ipcs", "-m"]]);
        let r = ratio(read_stats.median, floor_stats.median);
        println!();
        println!(
            "  shm: {} segments ({} listed), {} attached by this process",
            size,
            scanned.segments.len(),
            self.segments.attached.len()
        );
        println!(
            "  floor (SHM_INFO + SHM_STAT_ANY loop + read {}) {} | read_table {} | ratio {r:.2}x",
            sysv_shm::PROC_SHM,
            pair(floor_stats),
            pair(read_stats),
        );
        print_command("ipcs -m", ipcs, (read_stats, "read_table"));
        println!(
            "  attachment scan (/proc/PID/maps of {} processes, {} unreadable): {} | {} mappings found",
            scanned.scan.processes,
            scanned.scan.unreadable,
            pair(scan),
            scanned.attachments.values().map(Vec::len).sum::<usize>(),
        );
        Ok(())
    }

    /// `count` semaphore sets of 1 to 4 semaphores: the full read
    /// (`sysv_sem::read_table`) against the floor of the same syscalls
    /// made raw, and `ipcs -s`, in one run.
    fn semaphores(&mut self, count: usize, budget: Duration) -> Result<(), Error> {
        self.stopped()?;
        let started = Instant::now();
        for n in self.sets.ids.len()..count {
            let nsems = 1 + (n % 4) as u32;
            let id = sem::get(libc::IPC_PRIVATE, nsems, libc::IPC_CREAT | 0o600)?;
            self.sets.ids.push(id);
            let values: Vec<u16> = (0..nsems as u16).map(|v| v + n as u16 % 7).collect();
            sem::set_all(id, &values)?;
        }
        eprintln!(
            "  {count} semaphore sets ready in {:.2?}; measuring…",
            started.elapsed()
        );
        let source = ipctop::collect::kernel::best_msg_source();
        let private = self.isolation == Isolation::Private;
        let expect = |what: &str, seen: usize| -> Result<(), Error> {
            if private && seen != count {
                return Err(format!("expected {count} sets, {what} saw {seen}").into());
            }
            Ok(())
        };
        let (floor_stats, read_stats) = alternating(
            budget,
            || expect("the floor", sem_floor()?),
            || {
                let table = sysv_sem::read_table(source)?;
                expect("the read", table.sets.len())?;
                drop(black_box(table));
                Ok(())
            },
        )?;
        let ipcs = time_command(budget, &[&["ipcs", "-s"]]);
        println!();
        println!("  semaphores: {count} sets of 1 to 4 semaphores");
        println!(
            "  floor (SEM_INFO, SEM_STAT_ANY, GETVAL/GETPID/GETNCNT/GETZCNT per semaphore, SEM_STAT_ANY again) {}",
            pair(floor_stats)
        );
        println!(
            "  full read {} | ratio {:.2}x",
            pair(read_stats),
            ratio(read_stats.median, floor_stats.median)
        );
        print_command("ipcs -s", ipcs, (read_stats, "the full read"));
        Ok(())
    }

    /// A crashed producer: one process that has exited was the last
    /// sender on every queue. Its pid has no command name, so nothing can
    /// cache it, and collect must not pay for it once per queue.
    fn dead_sender(&mut self, budget: Duration) -> Result<(), Error> {
        self.stopped()?;
        let ids = self.queues.ids.clone();
        let mut gone = spawn_helper("gone", &ids)?;
        if !gone.wait()?.success() {
            return Err("helper 'gone' failed".into());
        }
        let mut collector = Collector::new()?;
        let (floor_stats, collect) = floor_and_collect(budget, &mut collector)?;
        let r = ratio(collect.median, floor_stats.median);
        println!();
        println!(
            "  scenario: the last sender of all {} queues has exited (a crashed producer)",
            ids.len()
        );
        println!(
            "  floor {} | collect {} | ratio {r:.2}x (target <= 1.5x: {})",
            pair(floor_stats),
            pair(collect),
            verdict(r <= 1.5)
        );
        Ok(())
    }

    /// Checks (and in a private namespace raises) `msgmni` so `size`
    /// queues fit; `false` when they cannot.
    fn make_room(&self, size: usize) -> Result<bool, Error> {
        let info = msg::info()?;
        let ours = self.queues.ids.len();
        let others = (info.queues as usize).saturating_sub(ours);
        let needed = (size + others) as u64;
        if needed <= info.msgmni {
            return Ok(true);
        }
        if self.isolation == Isolation::Private {
            // msgmni is per IPC namespace: this changes only ours.
            std::fs::write("/proc/sys/kernel/msgmni", needed.to_string())?;
            if msg::info()?.msgmni >= needed {
                return Ok(true);
            }
        }
        eprintln!(
            "  skipping {size} queues: msgmni is {} and {others} queues exist already",
            info.msgmni
        );
        Ok(false)
    }

    /// Creates queues up to `size` and has helpers put messages on some.
    fn grow_to(&mut self, size: usize) -> Result<(), Error> {
        let first_new = self.queues.ids.len();
        while self.queues.ids.len() < size {
            if self.queues.ids.len().is_multiple_of(1000) {
                self.stopped()?;
            }
            let id = msg::get(libc::IPC_PRIVATE, libc::IPC_CREAT | 0o600)?;
            self.queues.ids.push(id);
        }
        let new = &self.queues.ids[first_new..];
        // Every 50th new queue gets 1..=8 messages of 64..=1024 bytes from a
        // live producer (so fill levels differ and sorting has work to do),
        // every 97th one message from a process that then exits.
        let produced: Vec<i32> = new.iter().copied().step_by(50).collect();
        let from_gone: Vec<i32> = new.iter().copied().skip(1).step_by(97).collect();
        self.helpers.0.push(spawn_helper("producer", &produced)?);
        let mut gone = spawn_helper("gone", &from_gone)?;
        let status = gone.wait()?;
        if !status.success() {
            return Err(format!("helper 'gone' failed: {status}").into());
        }
        // The producer says "ready" on stdout once its messages are queued.
        let producer = self.helpers.0.last_mut().ok_or("no producer")?;
        let mut ready = [0u8; 1];
        producer
            .stdout
            .as_mut()
            .ok_or("producer has no stdout")?
            .read_exact(&mut ready)?;
        // This process receives one message from every 100th new queue, so
        // the receiver column has a pid too.
        for &id in new.iter().step_by(100) {
            let _ = msg::receive(id, 8192, 0, libc::IPC_NOWAIT);
        }
        Ok(())
    }

    /// Times everything but the frame; returns the figures and an app
    /// holding the snapshot, ready to draw.
    fn measure(&self, size: usize, budget: Duration) -> Result<(Row, App), Error> {
        self.stopped()?;
        let listed = floor()?;
        if self.isolation == Isolation::Private && listed != size {
            return Err(format!("expected {size} queues, the floor loop saw {listed}").into());
        }
        let mut collector = Collector::new()?;
        let (floor_stats, collect_stats) = floor_and_collect(budget, &mut collector)?;
        self.stopped()?;

        let snap = collector.collect();
        if let Some((kind, why)) = snap.failures.iter().next() {
            return Err(format!("collect could not read {}: {why}", kind.name()).into());
        }
        if self.isolation == Isolation::Private && snap.msg.queues.len() != size {
            return Err(format!("collect saw {} queues, not {size}", snap.msg.queues.len()).into());
        }
        let update = time_update(budget, &snap, |_| {})?;
        let update_filter = time_update(budget, &snap, |app| {
            // What one keystroke of `/produc` costs: a rebuild with a
            // filter that matches only some rows.
            app.queues.filter = "produc".to_owned();
        })?;
        let update_sender = time_update(budget, &snap, |app| {
            app.queues.sort.column = ipctop::kinds::sysv_msg::Column::Sender;
            app.queues.sort.descending = false;
        })?;
        self.stopped()?;

        let mut app = App::new(Duration::from_secs(1), SCREEN);
        app.update(Event::Snapshot(Box::new(snap)));
        let row = Row {
            queues: size,
            listed,
            floor: floor_stats,
            collect: collect_stats,
            update,
            update_filter,
            update_sender,
            frame: Stats::default(),
        };
        Ok((row, app))
    }
}

/// The raw floor: `MSG_INFO` and one `MSG_STAT_ANY` per index, nothing else.
/// Returns how many queues it saw.
fn floor() -> Result<usize, Error> {
    stat_floor(msg::info()?.highest_index, msg::stat_any)
}

/// One `*_STAT_ANY` call (`stat_any`) per index up to `highest_index`, the
/// answers dropped; returns how many objects it saw.
fn stat_floor<T>(
    highest_index: i32,
    stat_any: impl Fn(i32) -> Result<Option<T>, ipctop::sys::SysError>,
) -> Result<usize, Error> {
    let mut seen = 0;
    for index in 0..=highest_index {
        if let Some(found) = stat_any(index)? {
            black_box(&found);
            seen += 1;
        }
    }
    Ok(seen)
}

/// The raw floor of a semaphore read: every syscall `read_table` makes
/// (the set's stat, its values, each semaphore's pid and counts, the stat
/// again that proves it is the same set), with nothing around them.
/// Returns how many sets it saw.
fn sem_floor() -> Result<usize, Error> {
    let info = sem::info()?;
    let mut seen = 0;
    for index in 0..=info.highest_index {
        if let Some((id, stat)) = sem::stat_any(index)? {
            for num in 0..stat.nsems {
                black_box(sem::state(id, num)?);
            }
            black_box(sem::stat_any(index)?);
            seen += 1;
        }
    }
    Ok(seen)
}

/// The raw floor of a segment read: `SHM_INFO`, one `SHM_STAT_ANY` per
/// index, and reading `/proc/sysvipc/shm` (into `text`, reused) for the
/// resident and swapped bytes. Returns how many segments it saw.
fn shm_floor(text: &mut String) -> Result<usize, Error> {
    let seen = stat_floor(shm::info()?.highest_index, shm::stat_any)?;
    text.clear();
    std::fs::File::open(sysv_shm::PROC_SHM)?.read_to_string(text)?;
    black_box(&text);
    Ok(seen)
}

/// Times the `/proc/PID/maps` attachment scan on its own, over a fresh
/// read of the segment table; returns its figures and the table scanned.
fn time_scan(budget: Duration) -> Result<(Stats, ShmTable), Error> {
    let namespace = ipctop::collect::current_namespace()?;
    let table = sysv_shm::read_table(MsgSource::StatAny)?;
    let scan = time(
        budget,
        || table.clone(),
        |mut t| {
            sysv_shm::attach(&mut t, namespace);
            black_box(t);
            Ok(())
        },
    )?;
    let mut scanned = table;
    sysv_shm::attach(&mut scanned, namespace);
    Ok((scan, scanned))
}

/// Times running each of `commands` (program and arguments) in turn,
/// output discarded, as one operation.
fn time_command(budget: Duration, commands: &[&[&str]]) -> Result<Stats, Error> {
    time(
        budget,
        || (),
        |()| {
            for command in commands {
                let (program, args) = command.split_first().ok_or("empty command")?;
                let status = Command::new(program)
                    .args(args)
                    .stdout(Stdio::null())
                    .status()?;
                if !status.success() {
                    return Err(format!("{} failed: {status}", command.join(" ")).into());
                }
            }
            Ok(())
        },
    )
}

/// Prints the figures of command `what` (or why there are none) and its
/// ratio to `reference`, which is the figures of what `reference.1` names.
fn print_command(what: &str, stats: Result<Stats, Error>, reference: (Stats, &str)) {
    match stats {
        Ok(stats) => println!(
            "  {what} {} | {:.1}x {}",
            pair(stats),
            ratio(stats.median, reference.0.median),
            reference.1
        ),
        Err(e) => println!("  {what}: not measured ({e})"),
    }
}

/// Times the floor and a full collect, alternating one of each per round
/// so both see the same machine load and their ratio is fair.
fn floor_and_collect(budget: Duration, collector: &mut Collector) -> Result<(Stats, Stats), Error> {
    alternating(
        budget,
        || floor().map(drop),
        || {
            drop(black_box(collector.collect()));
            Ok(())
        },
    )
}

/// Times `a` and `b`, one of each per round (after a warm-up of both),
/// so both see the same machine load and their ratio is fair.
fn alternating(
    budget: Duration,
    mut a: impl FnMut() -> Result<(), Error>,
    mut b: impl FnMut() -> Result<(), Error>,
) -> Result<(Stats, Stats), Error> {
    let warm_until = Instant::now() + budget / 8;
    let mut warmups = 0;
    while warmups < 3 || Instant::now() < warm_until {
        a()?;
        b()?;
        warmups += 1;
    }
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let deadline = Instant::now() + budget * 2;
    while first.len() < MIN_ITERATIONS
        || (first.len() < MAX_ITERATIONS && Instant::now() < deadline)
    {
        let start = Instant::now();
        a()?;
        first.push(start.elapsed());
        let start = Instant::now();
        b()?;
        second.push(start.elapsed());
    }
    Ok((summarize(first), summarize(second)))
}

/// Times one full frame of each app on its own 120x40 `TestBackend`
/// terminal (which, like the real one, diffs against its previous frame),
/// one frame of each app per round.
fn time_frames(budget: Duration, apps: &[App]) -> Result<Vec<Stats>, Error> {
    let mut terminals = apps
        .iter()
        .map(|_| Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut draw = |i: usize| -> Result<Duration, Error> {
        let app = &apps[i];
        let start = Instant::now();
        terminals[i].draw(|f| {
            ipctop::ui::draw(f, app);
        })?;
        Ok(start.elapsed())
    };
    for _ in 0..20 {
        for i in 0..apps.len() {
            draw(i)?;
        }
    }
    let mut samples = vec![Vec::new(); apps.len()];
    let deadline = Instant::now() + budget * apps.len() as u32;
    while samples[0].len() < MIN_ITERATIONS
        || (samples[0].len() < MAX_ITERATIONS && Instant::now() < deadline)
    {
        for (i, s) in samples.iter_mut().enumerate() {
            s.push(draw(i)?);
        }
    }
    Ok(samples.into_iter().map(summarize).collect())
}

/// Times `App::update(Event::Snapshot)` on a fresh clone of `snap` each
/// iteration (the clone is not timed), after `prepare` set up the app.
fn time_update(
    budget: Duration,
    snap: &Snapshot,
    prepare: impl Fn(&mut App),
) -> Result<Stats, Error> {
    let mut app = App::new(Duration::from_secs(1), SCREEN);
    prepare(&mut app);
    app.update(Event::Snapshot(Box::new(snap.clone())));
    time(
        budget,
        || Box::new(snap.clone()),
        |snap| {
            black_box(app.update(Event::Snapshot(snap)));
            Ok(())
        },
    )
}

/// Median and 90th percentile of one operation.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    median: Duration,
    p90: Duration,
    iterations: usize,
}

/// Fewest timed iterations per measurement.
const MIN_ITERATIONS: usize = 10;
/// Most timed iterations per measurement.
const MAX_ITERATIONS: usize = 2_000;

/// Warms up (3 runs or an eighth of the budget, whichever is longer), then
/// runs `op`, each time on a fresh, untimed `setup()`, until `budget` is
/// spent, within `MIN_ITERATIONS..=MAX_ITERATIONS`.
fn time<T>(
    budget: Duration,
    mut setup: impl FnMut() -> T,
    mut op: impl FnMut(T) -> Result<(), Error>,
) -> Result<Stats, Error> {
    let warm_until = Instant::now() + budget / 8;
    let mut warmups = 0;
    while warmups < 3 || Instant::now() < warm_until {
        op(setup())?;
        warmups += 1;
    }
    let mut samples = Vec::new();
    let deadline = Instant::now() + budget;
    while samples.len() < MIN_ITERATIONS
        || (samples.len() < MAX_ITERATIONS && Instant::now() < deadline)
    {
        let input = setup();
        let start = Instant::now();
        op(input)?;
        samples.push(start.elapsed());
    }
    Ok(summarize(samples))
}

/// Median and p90 of `samples`.
fn summarize(mut samples: Vec<Duration>) -> Stats {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p90: at(0.9),
        iterations: samples.len(),
    }
}

/// Starts a helper and gives it, on its stdin, the first line: the
/// comma-separated msqids to send to (too many for an environment
/// variable at 32,000 queues). A producer keeps its stdin open after that.
fn spawn_helper(role: &str, ids: &[i32]) -> Result<Child, Error> {
    let list: Vec<String> = ids.iter().map(i32::to_string).collect();
    let mut child = Command::new(std::env::current_exe()?)
        .env(ROLE_ENV, role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.as_mut().ok_or("helper has no stdin")?;
    writeln!(stdin, "{}", list.join(","))?;
    stdin.flush()?;
    if role != "producer" {
        drop(child.stdin.take());
    }
    Ok(child)
}

/// A re-executed copy: sends to the queues listed on the first line of
/// stdin; a producer then says "ready" and waits for the rest of stdin to
/// close (or to be killed).
fn helper(role: &str) -> Result<(), Error> {
    let name = match role {
        "producer" => c"bench-producer",
        "gone" => c"bench-gone",
        other => return Err(format!("unknown helper role {other:?}").into()),
    };
    nix::sys::prctl::set_name(name)?;
    let mut ids = String::new();
    std::io::stdin().read_line(&mut ids)?;
    for (n, id) in ids.trim().split(',').filter(|s| !s.is_empty()).enumerate() {
        let id: i32 = id.parse()?;
        let count = if role == "producer" { 1 + n % 8 } else { 1 };
        for m in 0..count {
            let payload = vec![b'x'; 64 << ((n + m) % 5)];
            msg::send(id, 1 + (m as libc::c_long), &payload, libc::IPC_NOWAIT)?;
        }
    }
    if role == "producer" {
        std::io::stdout().write_all(b"r")?;
        std::io::stdout().flush()?;
        let mut rest = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut rest);
    }
    Ok(())
}

fn print_machine(isolation: Isolation) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let kernel = nix::sys::utsname::uname()
        .map(|u| u.release().to_string_lossy().into_owned())
        .unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "optimised"
    };
    println!("ipctop collect/render benchmark");
    println!("  machine: {cpu}, {cpus} CPUs, Linux {kernel}; {profile} build");
    println!(
        "  namespace: {}",
        match isolation {
            Isolation::Private => "private (unshare CLONE_NEWIPC)",
            Isolation::Shared => "SHARED (fallback; includes others' queues)",
        }
    );
    println!(
        "  frame: {}x{} TestBackend; times are median / p90",
        SCREEN.0, SCREEN.1
    );
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

fn pair(s: Stats) -> String {
    format!("{} / {}", fmt(s.median), fmt(s.p90))
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

fn print_table(rows: &[Row], full: bool) {
    println!();
    println!(
        "{:>7} | {:>21} | {:>21} | {:>6} | {:>21} | {:>21}",
        "queues", "floor (syscalls)", "collect", "ratio", "update (sort fill)", "frame 120x40"
    );
    println!("{}", "-".repeat(7 + 21 * 4 + 6 + 5 * 3));
    for r in rows {
        println!(
            "{:>7} | {:>21} | {:>21} | {:>5.2}x | {:>21} | {:>21}",
            r.queues,
            pair(r.floor),
            pair(r.collect),
            ratio(r.collect.median, r.floor.median),
            pair(r.update),
            pair(r.frame),
        );
    }
    println!();
    println!(
        "{:>7} | {:>21} | {:>21} | {:>8} | iterations (floor/collect/update/frame)",
        "queues", "update, filter typed", "update, sort sender", "ns/queue"
    );
    for r in rows {
        println!(
            "{:>7} | {:>21} | {:>21} | {:>8.0} | {}/{}/{}/{}{}",
            r.queues,
            pair(r.update_filter),
            pair(r.update_sender),
            r.floor.median.as_secs_f64() * 1e9 / r.listed.max(1) as f64,
            r.floor.iterations,
            r.collect.iterations,
            r.update.iterations,
            r.frame.iterations,
            if r.listed == r.queues {
                String::new()
            } else {
                format!(" (listed {})", r.listed)
            },
        );
    }
    println!();
    if !full {
        println!(
            "  smoke run (no --bench): figures are not meaningful; use `cargo bench --bench collect`"
        );
        return;
    }
    for r in rows {
        let collect = ratio(r.collect.median, r.floor.median);
        println!(
            "  {:>6} queues: collect/floor {collect:.2}x (target <= 1.5x: {})",
            r.queues,
            verdict(collect <= 1.5)
        );
    }
    let frame_at = |n: usize| rows.iter().find(|r| r.queues == n).map(|r| r.frame.median);
    if let (Some(small), Some(large)) = (frame_at(1_000), frame_at(10_000)) {
        let growth = ratio(large, small);
        println!(
            "  frame(10k)/frame(1k) = {growth:.2} (should be ~1, say <= 1.25: {})",
            verdict(growth <= 1.25)
        );
    }
    if let (Some(small), Some(large)) = (frame_at(1_000), frame_at(32_000)) {
        println!("  frame(32k)/frame(1k) = {:.2}", ratio(large, small));
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}
