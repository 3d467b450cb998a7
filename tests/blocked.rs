//! Finding tasks blocked in `msgsnd`/`msgrcv`: the `syscall` line parser
//! and classifier on fixtures, the scan on a miniature `/proc`, and the
//! scan of the real `/proc` against threads this test blocks on queues it
//! made (looking only at those queues: tests run in parallel).

mod common;

use std::path::Path;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{QueueGuard, SemGuard};
use ipctop::collect::blocked::{
    Blocked, IpcAbi, IpcCall, Syscall, TaskSyscall, WaitOp, blocked_on, classify, parse_syscall,
    scan, scan_in,
};
use ipctop::model::Kind;
use ipctop::sys::sem::{self, SemOp};
use ipctop::sys::{Errno, SysError, msg};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/proc_task_syscall/", $name))
    };
}

/// Both ABIs an x86_64 kernel runs natively; explicit, so the fixture
/// tests mean the same on every host.
const X86: &[IpcAbi] = &[IpcAbi::X86_64, IpcAbi::X32];

fn call_in(line: &str) -> Syscall {
    match parse_syscall(line) {
        Ok(TaskSyscall::In(call)) => call,
        other => panic!("{line:?} parsed as {other:?}"),
    }
}

fn msg_call(line: &str) -> IpcCall {
    classify(&call_in(line), X86).unwrap_or_else(|| panic!("{line:?} is no message call"))
}

// ---- The parser, on fixtures ----

#[test]
fn running_task_is_not_in_a_call() {
    assert_eq!(
        parse_syscall(fixture!("running.txt")),
        Ok(TaskSyscall::Running)
    );
}

#[test]
fn negative_number_means_outside_any_call() {
    assert_eq!(
        parse_syscall(fixture!("not_in_syscall.txt")),
        Ok(TaskSyscall::Outside)
    );
}

#[test]
fn captured_msgrcv_line_gives_number_and_all_six_arguments() {
    let call = call_in(fixture!("msgrcv_x86_64.txt"));
    assert_eq!(call.nr, 70);
    assert_eq!(
        call.args,
        [
            0x70020,
            0x5654_b5d0_a5d0,
            0x40,
            u64::MAX - 4,
            0,
            0x5654_b5ce_bf20
        ]
    );
}

#[test]
fn captured_msgrcv_is_a_receive_of_type_minus_5() {
    assert_eq!(
        msg_call(fixture!("msgrcv_x86_64.txt")),
        IpcCall {
            id: 0x70020,
            op: WaitOp::Receive {
                msgtyp: -5,
                except: false
            },
            size: 64,
        }
    );
}

#[test]
fn captured_msgsnd_is_a_send_of_10_bytes() {
    assert_eq!(
        msg_call(fixture!("msgsnd_x86_64.txt")),
        IpcCall {
            id: 0x70024,
            op: WaitOp::Send,
            size: 10,
        }
    );
}

#[test]
fn msg_except_flag_is_reported_with_the_type() {
    let call = msg_call(fixture!("msgrcv_except.txt"));
    assert_eq!(call.id, 0x8000, "seq 1, index 0");
    assert_eq!(
        call.op,
        WaitOp::Receive {
            msgtyp: 3,
            except: true
        }
    );
    assert_eq!(call.size, 0x2000);
}

#[test]
fn msqid_is_the_low_32_bits_of_its_register() {
    // Garbage above bit 31 (a raw syscall() may leave it): the kernel
    // reads an int, and so do we.
    assert_eq!(msg_call(fixture!("msqid_high_garbage.txt")).id, 0x8000);
    // A sign-extended negative int stays negative (the kernel would
    // refuse it with EINVAL at once, so no task really waits on it).
    assert_eq!(msg_call(fixture!("msqid_sign_extended.txt")).id, i32::MIN);
}

#[test]
fn x32_task_is_recognised_by_its_syscall_bit() {
    let line = fixture!("msgrcv_x32.txt");
    assert_eq!(call_in(line).nr, 0x4000_0046);
    assert_eq!(
        msg_call(line),
        IpcCall {
            id: i32::MAX,
            op: WaitOp::Receive {
                msgtyp: 1,
                except: false
            },
            size: 0x40,
        }
    );
    assert_eq!(classify(&call_in(line), &[IpcAbi::X86_64]), None);
}

#[test]
fn other_syscalls_are_not_message_calls() {
    let call = call_in(fixture!("clock_nanosleep.txt"));
    assert_eq!(call.nr, 230);
    assert_eq!(classify(&call, X86), None);
}

#[test]
fn the_same_numbers_mean_other_calls_elsewhere() {
    // 70 and 69 are not message calls in the generic table, and the
    // generic numbers are not in x86_64's.
    let rcv = call_in(fixture!("msgrcv_x86_64.txt"));
    assert_eq!(classify(&rcv, &[IpcAbi::GENERIC_64]), None);
    let generic = Syscall { nr: 188, ..rcv };
    assert_eq!(classify(&generic, X86), None);
    assert_eq!(
        classify(&generic, &[IpcAbi::GENERIC_64]).map(|c| c.op),
        Some(WaitOp::Receive {
            msgtyp: -5,
            except: false
        })
    );
}

#[test]
fn malformed_lines_are_errors() {
    for (name, line) in [
        ("truncated", fixture!("truncated.txt")),
        ("too_long", fixture!("too_long.txt")),
        (
            "not_in_syscall_truncated",
            fixture!("not_in_syscall_truncated.txt"),
        ),
        ("garbage_word", fixture!("garbage_word.txt")),
        ("garbage_no_prefix", fixture!("garbage_no_prefix.txt")),
        ("garbage_hex_nr", fixture!("garbage_hex_nr.txt")),
        ("empty", fixture!("empty.txt")),
        ("blank line", "\n"),
        ("double space", "70  0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8"),
        (
            "nr beyond int",
            "4294967366 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
        ),
        (
            "register beyond 64 bits",
            "70 0x10000000000000000 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
        ),
    ] {
        let got = parse_syscall(line);
        let error = got.expect_err(name);
        assert_eq!(error.line, line.trim_end_matches('\n'), "{name}");
        assert!(error.to_string().contains(error.reason), "{name}: {error}");
    }
}

// ---- The scan, on a miniature /proc ----

#[test]
fn scan_of_fixture_tree_finds_every_waiting_thread_and_counts_the_refusals() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/proc_task_syscall/tree");
    let found = scan_in(&root, X86).expect("scan the fixture tree");
    let blocked = |pid, tid, command: Option<&str>, id, op, size, stopped| Blocked {
        pid,
        tid,
        command: command.map(str::to_owned),
        id,
        op,
        size,
        stopped,
    };
    let receive = |msgtyp, except| WaitOp::Receive { msgtyp, except };
    assert_eq!(
        found.blocked,
        [
            blocked(
                100,
                100,
                Some("consumer"),
                0x70020,
                receive(-5, false),
                64,
                false
            ),
            blocked(
                100,
                101,
                Some("worker (1)"),
                0x70024,
                WaitOp::Send,
                10,
                true
            ),
            blocked(
                500,
                500,
                Some("x32 app"),
                i32::MAX,
                receive(1, false),
                0x40,
                false
            ),
            blocked(600, 600, None, 0x8000, receive(3, true), 0x2000, false),
        ]
    );
    // 300 (malformed line), 700 (syscall is a directory), 800 (task is a
    // file); not 301, 400 or 550, which vanished. Each says why.
    let unchecked: Vec<(i32, u32, &str)> = found
        .unreadable
        .iter()
        .map(|u| (u.pid, u.tasks, u.why.as_str()))
        .collect();
    assert_eq!(
        unchecked,
        [
            (300, 1, "its syscall line made no sense"),
            (700, 1, "it is a directory"),
            (800, 0, "a part of the path is not a directory"),
        ]
    );

    let on_first: Vec<i32> = blocked_on(&found.blocked, Kind::SysvMsg, 0x70020)
        .map(|b| b.tid)
        .collect();
    assert_eq!(on_first, [100]);
    assert_eq!(blocked_on(&found.blocked, Kind::SysvMsg, 12345).count(), 0);

    // With no known ABI nothing is read, so nothing is found or refused.
    assert_eq!(scan_in(&root, &[]).expect("scan"), Default::default());
}

#[test]
fn scan_of_a_missing_root_fails() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/no-such-proc");
    assert!(scan_in(&missing, X86).is_err());
}

// ---- The scan of the real /proc ----

/// How long a thread may take to be seen blocked before the test fails.
const DEADLINE: Duration = Duration::from_secs(20);

/// Starts a thread named `name` that reports its tid, then runs `call`
/// (which should block); returns the tid and the thread.
fn blocking_thread<T: Send + 'static>(
    name: &str,
    call: impl FnOnce() -> T + Send + 'static,
) -> (i32, JoinHandle<T>) {
    let (tx, rx) = mpsc::channel();
    let thread = thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            tx.send(nix::unistd::gettid().as_raw()).expect("send tid");
            call()
        })
        .expect("spawn thread");
    let tid = rx.recv().expect("receive tid");
    (tid, thread)
}

/// Scans `/proc` until task `tid` is seen blocked on queue `msqid`.
fn wait_until_blocked(msqid: i32, tid: i32) -> Blocked {
    wait_until_blocked_on(Kind::SysvMsg, msqid, tid)
}

/// Scans `/proc` until task `tid` is seen blocked on object `id` of `kind`.
fn wait_until_blocked_on(kind: Kind, msqid: i32, tid: i32) -> Blocked {
    let start = Instant::now();
    let mut scans = 0;
    loop {
        let found = scan().expect("scan /proc");
        scans += 1;
        if let Some(b) = blocked_on(&found.blocked, kind, msqid).find(|b| b.tid == tid) {
            eprintln!(
                "task {tid} seen blocked on {msqid} after {scans} scans, {:?}",
                start.elapsed()
            );
            return b.clone();
        }
        assert!(
            start.elapsed() < DEADLINE,
            "task {tid} not seen blocked on queue {msqid} in {DEADLINE:?} ({scans} scans)"
        );
        thread::yield_now();
    }
}

fn assert_woken_by_removal<T: std::fmt::Debug>(result: Result<T, SysError>) {
    let error = result.expect_err("a call on a removed queue fails");
    assert_eq!(error.errno, Errno::EIDRM, "{error}");
}

#[test]
fn receiver_on_an_empty_queue_is_found_blocked_receiving() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    let (tid, receiver) = blocking_thread("ipctop-recv", move || msg::receive(id, 64, 0, 0));

    let blocked = wait_until_blocked(id, tid);
    assert_eq!(
        blocked,
        Blocked {
            pid: common::our_pid(),
            tid,
            command: Some("ipctop-recv".to_owned()),
            id,
            op: WaitOp::Receive {
                msgtyp: 0,
                except: false
            },
            size: 64,
            stopped: false,
        }
    );
    assert_ne!(
        tid,
        common::our_pid(),
        "found in a thread, not the main task"
    );

    queue.remove().expect("remove queue");
    assert_woken_by_removal(receiver.join().expect("receiver thread"));
}

#[test]
fn sender_on_a_full_queue_is_found_blocked_sending() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    msg::set_capacity(id, 100).expect("lower capacity to 100 bytes");
    msg::send(id, 1, &[0u8; 100], libc::IPC_NOWAIT).expect("fill the queue");
    let (tid, sender) = blocking_thread("ipctop-send", move || msg::send(id, 1, &[1u8; 10], 0));

    let blocked = wait_until_blocked(id, tid);
    assert_eq!(
        blocked,
        Blocked {
            pid: common::our_pid(),
            tid,
            command: Some("ipctop-send".to_owned()),
            id,
            op: WaitOp::Send,
            size: 10,
            stopped: false,
        }
    );

    queue.remove().expect("remove queue");
    assert_woken_by_removal(sender.join().expect("sender thread"));
}

#[test]
fn receivers_report_the_type_they_wait_for() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    let (lowest, lowest_thread) =
        blocking_thread("ipctop-lowest", move || msg::receive(id, 32, -5, 0));
    let (other, other_thread) = blocking_thread("ipctop-except", move || {
        msg::receive(id, 16, 3, libc::MSG_EXCEPT | libc::MSG_NOERROR)
    });

    let lowest_seen = wait_until_blocked(id, lowest);
    let other_seen = wait_until_blocked(id, other);
    assert_eq!(
        (lowest_seen.op, lowest_seen.size),
        (
            WaitOp::Receive {
                msgtyp: -5,
                except: false
            },
            32
        )
    );
    assert_eq!(
        (other_seen.op, other_seen.size),
        (
            WaitOp::Receive {
                msgtyp: 3,
                except: true
            },
            16
        )
    );
    let found = scan().expect("scan /proc");
    let mut tids: Vec<i32> = blocked_on(&found.blocked, Kind::SysvMsg, id)
        .map(|b| b.tid)
        .collect();
    tids.sort_unstable();
    let mut want = vec![lowest, other];
    want.sort_unstable();
    assert_eq!(tids, want, "both waiters, nobody else");

    queue.remove().expect("remove queue");
    assert_woken_by_removal(lowest_thread.join().expect("thread"));
    assert_woken_by_removal(other_thread.join().expect("thread"));
}

#[test]
fn waiter_on_a_semaphore_is_found_blocked_in_semop() {
    let set = SemGuard::new(2, 0o600).expect("create set");
    let id = set.id();
    let take = SemOp {
        num: 1,
        op: -1,
        flags: 0,
    };
    let (tid, waiter) = blocking_thread("ipctop-semop", move || sem::operate(id, &[take]));

    let blocked = wait_until_blocked_on(Kind::SysvSem, id, tid);
    assert_eq!(
        blocked,
        Blocked {
            pid: common::our_pid(),
            tid,
            command: Some("ipctop-semop".to_owned()),
            id,
            op: WaitOp::Semaphore { timed: false },
            size: 1,
            stopped: false,
        }
    );
    let found = scan().expect("scan /proc");
    assert_eq!(
        blocked_on(&found.blocked, Kind::SysvMsg, id).count(),
        0,
        "a semaphore waiter is not a queue's"
    );

    set.remove().expect("remove set");
    assert_woken_by_removal(waiter.join().expect("waiter thread"));
}

// ---- The monitor's refresh: blocked senders per queue ----

/// The child role that sends to a full queue, followed by its msqid.
const SENDER_ROLE: &str = "blocked-sender:";

/// Kills and reaps a helper child on drop, even when the test fails.
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_refresh_names_the_process_blocked_sending_to_a_full_queue() {
    const TEST: &str = "a_refresh_names_the_process_blocked_sending_to_a_full_queue";
    if let Some(id) = common::child_role().and_then(|r| r.strip_prefix(SENDER_ROLE)?.parse().ok()) {
        // The child: one more message than the queue has room for. The
        // test removes the queue, which ends the wait with EIDRM.
        assert_woken_by_removal(msg::send(id, 1, &[1u8; 10], 0));
        return;
    }
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    msg::set_capacity(id, 100).expect("lower capacity to 100 bytes");
    msg::send(id, 1, &[0u8; 100], libc::IPC_NOWAIT).expect("fill the queue");
    let child = ChildGuard(common::spawn_test_in_child(
        TEST,
        &format!("{SENDER_ROLE}{id}"),
    ));
    let pid = i32::try_from(child.0.id()).expect("a pid");

    let mut collector = ipctop::collect::Collector::new().expect("create collector");
    let start = Instant::now();
    let snapshot = loop {
        let snapshot = collector.collect();
        if snapshot.msg.blocked_senders_of(id).contains(&pid) {
            break snapshot;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "process {pid} not seen blocked sending to queue {id} in {DEADLINE:?}"
        );
        thread::yield_now();
    };
    assert_eq!(snapshot.msg.blocked_senders_of(id), [pid], "nobody else");
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).expect("read comm");
    assert_eq!(
        snapshot.blocked_sender(pid).command(),
        Some(comm.trim_end()),
        "its command is resolved for the screen"
    );

    queue.remove().expect("remove queue");
    let mut child = child;
    let status = child.0.wait().expect("wait for the sender");
    assert!(status.success(), "the sender saw EIDRM: {status}");
}
