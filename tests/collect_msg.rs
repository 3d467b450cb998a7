//! The System V message-queue collector against the real kernel.
//!
//! Each test creates its own queues (drop guards remove them), finds them by
//! id in a fresh snapshot and compares them with what `msgctl(IPC_STAT)`
//! says. Other queues on the machine, and totals, are never looked at:
//! tests run in parallel and other processes may own queues.

mod common;

use common::{
    QueueGuard, collect, collect_with, expected_queue, find_queue, ipc_namespace_inode, is_root,
    our_comm, our_pid, payload, receive_one, send_messages,
};
use ipctop::collect::Collector;
use ipctop::model::{Kind, MsgQueue, MsgSource, Operator, Snapshot, key_bits};
use ipctop::sys::{Errno, msg};

/// Our queue in `snapshot`; panics with the id when it is missing.
fn ours(snapshot: &Snapshot, id: i32) -> MsgQueue {
    find_queue(snapshot, id)
        .unwrap_or_else(|| panic!("queue {id} missing from the snapshot"))
        .clone()
}

#[test]
fn fresh_queue_matches_ipc_stat() {
    let queue = QueueGuard::new(0o640).expect("create queue");
    let snapshot = collect();
    let got = ours(&snapshot, queue.id());
    let want = expected_queue(queue.id());
    assert_eq!(got, want);

    // And the values themselves, so a bug shared by the collector and the
    // IPC_STAT wrapper does not go unnoticed.
    let (euid, egid) = (
        nix::unistd::geteuid().as_raw(),
        nix::unistd::getegid().as_raw(),
    );
    assert_eq!(got.key, libc::IPC_PRIVATE);
    assert_eq!(got.perms, 0o640);
    assert_eq!((got.uid, got.cuid), (euid, euid));
    assert_eq!((got.gid, got.cgid), (egid, egid));
    assert_eq!((got.messages, got.used_bytes), (0, 0));
    assert_eq!((got.lspid, got.lrpid), (0, 0));
    assert_eq!((got.stime, got.rtime), (0, 0));
    assert!(got.ctime > 0, "creation sets ctime: {got:?}");
    assert!(got.max_bytes.is_some_and(|b| b > 0), "{got:?}");
}

#[test]
fn best_source_on_a_modern_kernel_is_stat_any() {
    let version = ipctop::sys::kernel::running_version();
    let snapshot = collect();
    match version {
        Some(v) if v >= (4, 17, 0) => assert_eq!(snapshot.msg.source, MsgSource::StatAny),
        _ => eprintln!("kernel {version:?} predates MSG_STAT_ANY: source not checked"),
    }
}

#[test]
fn sending_and_receiving_update_counts_pids_and_times() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    // One collector across refreshes, as the UI uses it: its caches must
    // not hide changes.
    let mut collector = Collector::new().expect("create collector");

    let before = ours(&collector.collect(), id);
    assert_eq!((before.messages, before.lspid, before.stime), (0, 0, 0));

    send_messages(id, 3, 100, 1).expect("send 3 messages");
    let sent = ours(&collector.collect(), id);
    assert_eq!(sent.messages, 3);
    assert_eq!(sent.used_bytes, 300);
    assert_eq!(sent.lspid, our_pid());
    assert!(sent.stime > 0, "{sent:?}");
    assert_eq!((sent.lrpid, sent.rtime), (0, 0), "nothing received yet");
    assert_eq!(sent, expected_queue(id));

    let (mtype, body) = receive_one(id, 100).expect("receive one message");
    assert_eq!((mtype, body), (1, payload(100, 0)), "first in, first out");
    let received = ours(&collector.collect(), id);
    assert_eq!(received.messages, 2);
    assert_eq!(received.used_bytes, 200);
    assert_eq!(received.lrpid, our_pid());
    assert!(received.rtime > 0, "{received:?}");
    assert_eq!(received.lspid, our_pid());
    assert_eq!(received, expected_queue(id));
}

#[test]
fn lowering_capacity_shows_in_max_bytes_and_ctime() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    msg::set_capacity(id, 1000).expect("lower msg_qbytes to 1000");

    let got = ours(&collect(), id);
    let stat = msg::stat(id).expect("IPC_STAT");
    assert_eq!(got.max_bytes, Some(1000));
    assert_eq!(stat.qbytes, 1000);
    assert_eq!(got.ctime, stat.ctime, "IPC_SET updates ctime");
    assert_eq!(got, expected_queue(id));
}

#[test]
fn full_queue_is_100_percent() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    msg::set_capacity(id, 1000).expect("lower msg_qbytes to 1000");
    send_messages(id, 10, 100, 7).expect("fill the queue");
    let err = send_messages(id, 1, 100, 7).expect_err("an 11th message does not fit");
    assert_eq!(err.errno, Errno::EAGAIN, "{err}");

    let got = ours(&collect(), id);
    assert_eq!((got.messages, got.used_bytes), (10, 1000));
    assert_eq!(got.fill_percent(), Some(100.0));
    assert_eq!(got, expected_queue(id));
}

#[test]
fn removed_queue_is_absent_from_the_next_snapshot() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    assert!(find_queue(&collect(), id).is_some(), "queue {id} listed");

    queue.remove().expect("remove our queue");
    // Ids are `seq << 15 | index` and seq grows on reuse, so no parallel
    // test can get the same id back within this test.
    for source in [MsgSource::StatAny, MsgSource::ProcFile] {
        let snapshot = collect_with(source);
        assert!(
            find_queue(&snapshot, id).is_none(),
            "removed queue {id} still listed by {source:?}"
        );
    }
    assert_eq!(
        msg::stat(id).map_err(|e| e.errno),
        Err(Errno::EINVAL),
        "the kernel agrees it is gone"
    );
}

#[test]
fn proc_file_fallback_agrees_with_stat_any() {
    let queue = QueueGuard::new(0o604).expect("create queue");
    let id = queue.id();
    msg::set_capacity(id, 4096).expect("lower msg_qbytes");
    send_messages(id, 5, 33, 2).expect("send 5 messages");
    receive_one(id, 33).expect("receive one message");

    let fast = collect_with(MsgSource::StatAny);
    let slow = collect_with(MsgSource::ProcFile);
    assert_eq!(fast.msg.source, MsgSource::StatAny);
    assert_eq!(slow.msg.source, MsgSource::ProcFile);

    let from_stat_any = ours(&fast, id);
    let from_proc = ours(&slow, id);
    if is_root() {
        // Root may IPC_STAT anything, so the fallback knows capacity too.
        assert_eq!(from_proc, from_stat_any);
    } else {
        eprintln!("not root: comparing the fallback without max_bytes");
        let without_capacity = |q: &MsgQueue| MsgQueue {
            max_bytes: None,
            ..q.clone()
        };
        assert_eq!(
            without_capacity(&from_proc),
            without_capacity(&from_stat_any)
        );
    }
    assert_eq!(from_stat_any, expected_queue(id));
    assert_eq!((from_stat_any.messages, from_stat_any.used_bytes), (4, 132));
    assert_eq!(from_stat_any.perms, 0o604);
}

#[test]
fn negative_key_is_the_same_in_both_sources() {
    let queue = QueueGuard::with_negative_key(0o600).expect("create keyed queue");
    let id = queue.id();
    assert!(queue.key() < 0);

    let fast = ours(&collect_with(MsgSource::StatAny), id);
    let slow = ours(&collect_with(MsgSource::ProcFile), id);
    assert_eq!(fast.key, queue.key());
    assert_eq!(slow.key, queue.key(), "/proc prints the key signed");
    assert_eq!(key_bits(fast.key) & 0x8000_0000, 0x8000_0000);
    assert_eq!(fast, expected_queue(id));
    if is_root() {
        assert_eq!(slow, fast);
    }
}

#[test]
fn snapshot_names_our_process_and_our_user() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let id = queue.id();
    send_messages(id, 1, 8, 1).expect("send a message");

    let snapshot = collect();
    let got = ours(&snapshot, id);
    assert_eq!(got.lspid, our_pid());
    // /proc/PID/comm is the main thread's name, whichever test thread sent.
    assert_eq!(
        snapshot.sender(&got),
        Operator::Running(our_comm().as_str())
    );
    assert_eq!(snapshot.receiver(&got), Operator::Nobody, "never received");

    // Whoever runs the tests owns the queue: its name is what the user
    // database says, not a fixed "root".
    let name_of = |uid: u32| {
        nix::unistd::User::from_uid(uid.into())
            .expect("read the user database")
            .map_or_else(|| uid.to_string(), |u| u.name)
    };
    assert_eq!(snapshot.user_name(got.uid), name_of(got.uid));
    assert_eq!(snapshot.user_name(got.cuid), name_of(got.cuid));
}

#[test]
fn snapshot_namespace_is_our_ipc_namespace() {
    let queue = QueueGuard::new(0o600).expect("create queue");
    let snapshot = collect();
    let namespace = ipc_namespace_inode();
    assert_eq!(snapshot.namespace, namespace);

    let object = snapshot.msg_object(queue.id());
    assert_eq!(object.namespace, namespace);
    assert_eq!(object.kind, Kind::SysvMsg);
    assert_eq!(object.id, i64::from(queue.id()));
}

#[test]
fn guard_removes_its_queue_when_the_test_panics() {
    let outcome = std::panic::catch_unwind(|| {
        let queue = QueueGuard::new(0o600).expect("create queue");
        let id = queue.id();
        assert!(find_queue(&collect(), id).is_some(), "queue {id} listed");
        std::panic::panic_any(id);
    });
    let payload = outcome.expect_err("the closure panics");
    let id = *payload
        .downcast_ref::<i32>()
        .expect("the panic carries the id");
    assert_eq!(
        msg::stat(id).map_err(|e| e.errno),
        Err(Errno::EINVAL),
        "queue {id} was removed during unwinding"
    );
    assert!(find_queue(&collect(), id).is_none());
}
