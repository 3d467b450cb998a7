//! Semaphore sets read from the real kernel: values, waiters (children
//! blocked in `semop`), removal through ipctop's guarded path waking them
//! with `EIDRM`, a recycled id told apart, and `ipctop rm sem`.
//!
//! Every test makes its own sets behind `SemGuard`s and looks only at
//! their ids; children are waited for by the kernel's own counts
//! (`GETNCNT`, `GETZCNT`), with a deadline, never by sleeping.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{SemGuard, TempDir};
use ipctop::actions::remove::{self, NotRemoved};
use ipctop::actions::{Done, Job, perform};
use ipctop::kinds::Removable;
use ipctop::kinds::sysv_sem::SysvSem;
use ipctop::model::MsgSource;
use ipctop::sys::Errno;
use ipctop::sys::sem::{self, SemOp};

const BIN: &str = env!("CARGO_BIN_EXE_ipctop");

/// How long a child may take to start waiting before the test fails.
const DEADLINE: Duration = Duration::from_secs(20);

/// What a waiting child prints when removal wakes it.
const WOKEN: &str = "woken by removal (EIDRM)";

/// In a child role `wait:ID:NUM:OP`: waits in `semop` on semaphore NUM of
/// set ID with operation OP, and reports how the wait ended.
fn play_waiter(role: &str) {
    let fields: Vec<i32> = role
        .strip_prefix("wait:")
        .expect("a waiter role")
        .split(':')
        .map(|f| f.parse().expect("a number"))
        .collect();
    let [id, num, op] = fields[..] else {
        panic!("role {role:?}")
    };
    let op = SemOp {
        num: u16::try_from(num).expect("semaphore number"),
        op: i16::try_from(op).expect("operation"),
        flags: 0,
    };
    let result = sem::operate(id, &[op]);
    let error = result.expect_err("the wait ends only by removal");
    assert_eq!(error.errno, Errno::EIDRM, "{error}");
    println!("{WOKEN}");
}

/// Starts this test again as a child that waits on semaphore `num` of
/// set `id` with operation `op` (-1: to decrement, 0: for zero).
fn spawn_waiter(test: &str, id: i32, num: u16, op: i16) -> Child {
    common::spawn_test_in_child(test, &format!("wait:{id}:{num}:{op}"))
}

/// Waits until `count` (a reading of the kernel's) is `want`.
fn wait_for(what: &str, want: u32, count: impl Fn() -> u32) {
    let start = Instant::now();
    while count() != want {
        assert!(
            start.elapsed() < DEADLINE,
            "{what} not {want} in {DEADLINE:?}"
        );
        thread::yield_now();
    }
}

fn state(id: i32, num: u32) -> sem::SemState {
    sem::state(id, num).unwrap_or_else(|e| panic!("read semaphore {num} of set {id}: {e}"))
}

/// The child's output, which must say removal woke it.
fn assert_woken(child: Child) {
    let out = child.wait_with_output().expect("wait for the waiter");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(WOKEN),
        "waiter: {}\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn values_set_by_setall_are_read_back() {
    let set = SemGuard::new(3, 0o640).expect("create set");
    set.set_all(&[3, 0, 7]);
    for snap in [common::collect(), common::collect_with(MsgSource::ProcFile)] {
        let found = common::find_set(&snap, set.id()).expect("our set is listed");
        assert_eq!(found.nsems, 3);
        assert_eq!(found.perms, 0o640);
        assert!(found.values_readable);
        let values: Vec<u32> = found.sems.iter().map(|s| s.value).collect();
        assert_eq!(values, [3, 0, 7], "read via {:?}", snap.sem.source);
        let nums: Vec<u32> = found.sems.iter().map(|s| s.num).collect();
        assert_eq!(nums, [0, 1, 2]);
        assert_eq!(found.waiting(), 0);
        assert_eq!(found.otime, 0, "no semop yet");
    }
}

#[test]
fn waiters_are_counted_found_and_woken_by_removal() {
    const TEST: &str = "waiters_are_counted_found_and_woken_by_removal";
    if let Some(role) = common::child_role() {
        return play_waiter(&role);
    }
    let mut set = SemGuard::new(3, 0o600).expect("create set");
    let id = set.id();
    set.set_all(&[0, 0, 5]);
    let decrement = spawn_waiter(TEST, id, 1, -1);
    let zero = spawn_waiter(TEST, id, 2, 0);
    wait_for("waiting to decrement semaphore 1", 1, || state(id, 1).ncnt);
    wait_for("waiting for semaphore 2 to be zero", 1, || {
        state(id, 2).zcnt
    });

    let snap = common::collect();
    let found = common::find_set(&snap, id).expect("our set is listed");
    let counts: Vec<(u32, u32)> = found.sems.iter().map(|s| (s.ncnt, s.zcnt)).collect();
    assert_eq!(counts, [(0, 0), (1, 0), (0, 1)]);
    assert_eq!(found.waiting(), 2);
    assert!(SysvSem::loss(found).contains("2 processes waiting"));

    // The removal dialog's search finds both children, by their pids.
    let target = snap.sem_object(id);
    let Done::Blocked { tasks, .. } = perform(Job::FindBlocked { target }) else {
        panic!("not a search result");
    };
    for child in [&decrement, &zero] {
        let pid = child.id().to_string();
        assert!(
            tasks
                .iter()
                .any(|t| t.split([' ', '/']).next() == Some(pid.as_str())
                    && t.contains("waiting in semop (1 operation)")),
            "child {pid} not found blocked on set {id}: {tasks:?}"
        );
    }

    let removed = remove::remove::<SysvSem>(target, found).expect("remove through ipctop");
    assert_eq!(removed.waiting(), 2, "what was lost");
    set.assert_gone();
    assert_woken(decrement);
    assert_woken(zero);
}

#[test]
fn a_recycled_id_is_never_taken_for_the_set_the_user_saw() {
    common::in_private_namespace(
        "a_recycled_id_is_never_taken_for_the_set_the_user_saw",
        recycled_id_scenario,
    );
}

fn recycled_id_scenario() {
    // Fixed keys are safe: the namespace is this process's alone.
    let old = SemGuard::with_key(0x1d1d, 2, 0o600).expect("create the old set");
    let id = old.id();
    let seen = SysvSem::current(id.into())
        .expect("read")
        .expect("the old set");
    old.remove().expect("remove the old set");
    std::fs::write("/proc/sys/kernel/sem_next_id", id.to_string()).expect("write sem_next_id");
    let new = SemGuard::with_key(0x2e2e, 2, 0o600).expect("create the new set");
    assert_eq!(new.id(), id, "sem_next_id gave the new set the old id");

    let now = SysvSem::current(id.into())
        .expect("read")
        .expect("the new set");
    let changes = SysvSem::changes(&seen, &now);
    assert!(
        changes
            .iter()
            .any(|c| c.contains("key 0x00001d1d is now 0x00002e2e")),
        "{changes:?}"
    );
    let target = ipctop::model::ObjectId {
        namespace: common::thread_ipc_namespace(),
        kind: ipctop::model::Kind::SysvSem,
        id: id.into(),
    };
    let refused = remove::remove::<SysvSem>(target, &seen).expect_err("refused");
    assert!(
        matches!(refused.why, NotRemoved::Replaced(_)),
        "{refused:?}"
    );
    assert!(sem::stat(id).is_ok(), "the new set survives");

    // An unchanged set is the same set, even after a semop moved otime.
    sem::operate(
        id,
        &[SemOp {
            num: 0,
            op: 1,
            flags: 0,
        }],
    )
    .expect("semop");
    let later = SysvSem::current(id.into()).expect("read").expect("set");
    assert_eq!(SysvSem::changes(&now, &later), Vec::<String>::new());
    // A set whose history starts again (otime back to never) is another.
    assert!(!SysvSem::changes(&later, &now).is_empty());

    // Created again under the same id with the same key by the same
    // user, most likely in the same second and never operated on: only
    // its size can tell it from the set seen.
    new.remove().expect("remove the new set");
    std::fs::write("/proc/sys/kernel/sem_next_id", id.to_string()).expect("write sem_next_id");
    let twin = SemGuard::with_key(0x2e2e, 3, 0o600).expect("create the twin");
    assert_eq!(twin.id(), id, "sem_next_id gave the twin the same id");
    let twin_now = SysvSem::current(id.into()).expect("read").expect("twin");
    let changes = SysvSem::changes(&now, &twin_now);
    assert!(
        changes.iter().any(|c| c == "it had 2 semaphores, now 3"),
        "{changes:?}"
    );
}

fn ipctop(args: &[&str], state: &TempDir) -> Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_STATE_HOME", state.path())
        .env("HOME", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .stdin(Stdio::null())
        .output()
        .expect("run ipctop")
}

fn describe(out: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn cli_rm_sem_follows_the_rules_of_rm_msg() {
    let mut set = SemGuard::new(2, 0o600).expect("create set");
    let id = set.id().to_string();
    set.set_all(&[4, 2]);
    let state = TempDir::new("rm-sem");

    let out = ipctop(
        &["rm", "sem", &id, "--yes", "--expect-key", "0x12345678"],
        &state,
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has key 0x00000000, not 0x12345678"),
        "{}",
        describe(&out)
    );
    let out = ipctop(&["rm", "sem", &id], &state);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stdin is not a terminal"),
        "{}",
        describe(&out)
    );
    assert!(sem::stat(set.id()).is_ok(), "refusals remove nothing");

    let out = ipctop(&["rm", "sem", &id, "--yes"], &state);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("  values         4, 2"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "removed semaphore set {id} (2 semaphores, nobody waiting)"
        )),
        "{stdout}"
    );
    set.assert_gone();

    let out = ipctop(&["rm", "sem", &id, "--yes"], &state);
    assert_eq!(out.status.code(), Some(1), "gone: {}", describe(&out));
}

#[test]
fn list_json_shows_the_set_with_its_semaphores() {
    let set = SemGuard::new(2, 0o600).expect("create set");
    set.set_all(&[1, 9]);
    let state = TempDir::new("list-sem");
    let out = ipctop(&["list", "--json"], &state);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let sets = doc["sem"].as_array().expect("sem array");
    let ours = sets
        .iter()
        .find(|s| s["id"] == set.id())
        .expect("our set is listed");
    assert_eq!(ours["nsems"], 2);
    assert_eq!(ours["perms"], 0o600);
    let values: Vec<&serde_json::Value> = ours["sems"]
        .as_array()
        .expect("sems")
        .iter()
        .map(|s| &s["value"])
        .collect();
    assert_eq!(values, [1, 9]);
}
