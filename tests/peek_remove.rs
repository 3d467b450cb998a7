//! Peeking (`MSG_COPY`) and removing, against real kernel queues: through
//! the library (`actions::peek`, `actions::remove`) and through the
//! `ipctop peek` / `ipctop rm` command line.
//!
//! Every test creates its own queues behind drop guards and looks only at
//! their ids; nothing sleeps. Tests that need a second process (another
//! receiver, another user, another IPC namespace) start one: the `ipctop`
//! binary, or this test binary re-run on one test in a "child role" (see
//! `common::rerun_test_in_child`).

mod common;
mod e2e;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{QueueGuard, TempDir};
use e2e::BIN;
use ipctop::actions::peek::{self, Message, Selector};
use ipctop::actions::remove::{self, NotRemoved, RemoveError};
use ipctop::collect::sysv_msg;
use ipctop::kinds::sysv_msg::SysvMsg;
use ipctop::model::{Kind, ObjectId};
use ipctop::sys::Errno;
use ipctop::sys::msg::{self, QueueStat};

/// Sends each `(mtype, payload)` without blocking.
fn send_all(id: i32, messages: &[(i64, Vec<u8>)]) {
    for (mtype, data) in messages {
        msg::send(id, *mtype, data, libc::IPC_NOWAIT)
            .unwrap_or_else(|e| panic!("send type {mtype}, {} bytes: {e}", data.len()));
    }
}

fn stat(id: i32) -> QueueStat {
    msg::stat(id).unwrap_or_else(|e| panic!("IPC_STAT of our queue {id}: {e}"))
}

/// `ipctop args…` with stdin from /dev/null and the audit log under
/// `state` (never the real user's): `state` is its `XDG_STATE_HOME`, and
/// its `HOME` too, for tests that take `XDG_STATE_HOME` away; and its
/// `XDG_CONFIG_HOME`, so no configuration file of the user's applies.
fn ipctop(args: &[&str], state: &TempDir) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("XDG_STATE_HOME", state.path())
        .env("HOME", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run ipctop")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("ipctop writes UTF-8")
}

fn describe(out: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn audit_log(state: &TempDir) -> Option<String> {
    fs::read_to_string(state.path().join("ipctop/actions.log")).ok()
}

/// Nothing in `bytes` can drive a terminal: no C0 control but newline, no
/// DEL, no C1 control (as UTF-8), no bidi or zero-width character.
fn assert_terminal_safe(bytes: &[u8]) {
    let s = text(bytes);
    let bad: Vec<char> = s
        .chars()
        .filter(|&c| c != '\n' && ipctop::format::is_unsafe(c))
        .collect();
    assert!(bad.is_empty(), "unsafe characters {bad:?} in {s:?}");
}

const TITLE: &[u8] = b"\x1b]2;title\x07";
const CLEAR: &[u8] = b"\x1b[2J";

/// The messages of the byte-exactness test: empty, `msgmax` bytes, every
/// byte value, terminal escapes, the largest type.
fn awkward_messages() -> Vec<(i64, Vec<u8>)> {
    vec![
        (1, Vec::new()),
        (2, common::payload(common::msgmax(), 7)),
        (3, (0..=255).collect()),
        (1, TITLE.to_vec()),
        (4, CLEAR.to_vec()),
        (i64::MAX, b"largest type".to_vec()),
    ]
}

/// Role of the child in [`peek_is_byte_exact_and_consumes_nothing`].
const RECEIVE_ONE: &str = "receive-one";

#[test]
fn peek_is_byte_exact_and_consumes_nothing() {
    if let Some(role) = common::child_role() {
        // The child: another process receives the first message, so the
        // queue's lrpid is not ours and a consuming peek would change it.
        let id: i32 = role
            .strip_prefix(RECEIVE_ONE)
            .and_then(|r| r.strip_prefix(':'))
            .and_then(|r| r.parse().ok())
            .expect("role receive-one:ID");
        common::receive_one(id, 64).expect("the child receives the warm-up message");
        return;
    }

    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    let msgmax = common::msgmax();
    let sent = awkward_messages();
    let needed: usize = sent.iter().map(|(_, d)| d.len()).sum();
    let capacity = stat(id).qbytes;
    assert!(
        u64::try_from(needed).is_ok_and(|n| n <= capacity),
        "the test needs {needed} bytes on one queue, its capacity is {capacity} \
         (msgmax {msgmax}); raising it above msgmnb needs CAP_SYS_RESOURCE"
    );

    msg::send(id, 9, b"warm-up", libc::IPC_NOWAIT).expect("send warm-up");
    let receiver = common::spawn_test_in_child(
        "peek_is_byte_exact_and_consumes_nothing",
        &format!("{RECEIVE_ONE}:{id}"),
    );
    let receiver_pid = i32::try_from(receiver.id()).expect("pid");
    let out = receiver.wait_with_output().expect("wait for the receiver");
    assert!(out.status.success(), "receiver: {}", describe(&out));
    send_all(id, &sent);

    let before = stat(id);
    assert_eq!(before.lrpid, receiver_pid);
    assert_ne!(before.rtime, 0);
    assert_eq!(before.qnum, sent.len() as u64);

    let page = peek::read_page(id, 0, peek::PAGE).expect("peek");
    assert!(page.at_end);
    assert!(page.changes.is_none(), "{:?}", page.changes);
    assert_eq!((page.before, page.after), (before, before));
    let expected: Vec<Message> = sent
        .iter()
        .enumerate()
        .map(|(index, (mtype, data))| Message {
            index,
            mtype: *mtype,
            data: data.clone(),
        })
        .collect();
    assert_eq!(page.messages.len(), expected.len());
    for (got, want) in page.messages.iter().zip(&expected) {
        assert_eq!(got, want, "message {} differs", want.index);
    }
    assert_eq!(page.messages[1].data.len(), msgmax);

    // A page from the middle.
    let middle = peek::read_page(id, 3, 2).expect("peek 3..5");
    assert_eq!(middle.messages, expected[3..5]);
    assert!(!middle.at_end);

    let after = stat(id);
    assert_eq!(
        (after.qnum, after.cbytes, after.rtime, after.lrpid),
        (before.qnum, before.cbytes, before.rtime, before.lrpid),
        "peeking changed the queue"
    );
    assert_eq!(after, before, "peeking changed the queue");

    for want in &expected {
        let (mtype, data) = msg::receive(id, msgmax, 0, libc::IPC_NOWAIT)
            .unwrap_or_else(|e| panic!("receive message {}: {e}", want.index));
        assert_eq!((mtype, &data), (want.mtype, &want.data), "{}", want.index);
    }
    let err = common::receive_one(id, msgmax).expect_err("the queue is empty now");
    assert_eq!(err.errno, Errno::ENOMSG);
    assert_eq!(stat(id).lrpid, common::our_pid(), "we consumed them");
}

#[test]
fn long_queues_are_read_in_pages() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    let sent: Vec<(i64, Vec<u8>)> = (0..1200u32)
        .map(|i| (i64::from(i % 7 + 1), i.to_le_bytes().to_vec()))
        .collect();
    send_all(id, &sent);

    let mut first = 0;
    for (count, at_end) in [(500, false), (500, false), (200, true)] {
        let page = peek::read_page(id, first, 500).expect("peek a page");
        assert_eq!(page.first, first);
        assert_eq!(page.messages.len(), count, "page at {first}");
        assert_eq!(page.at_end, at_end, "page at {first}");
        for m in &page.messages {
            let (mtype, data) = &sent[m.index];
            assert_eq!((m.mtype, &m.data), (*mtype, data), "message {}", m.index);
        }
        assert_eq!(page.messages[0].index, first);
        first += count;
    }
    assert_eq!(stat(id).qnum, 1200);
}

/// For each case: the message [`Selector::pick`] predicts from peeked
/// types is the one a real `msgrcv` takes from a copy of the queue.
#[test]
fn msgtyp_preview_agrees_with_a_real_msgrcv() {
    let types: &[i64] = &[3, 1, 2, 1, 5, 2, 4];
    let cases: &[(&[i64], i64, bool)] = &[
        (types, 0, false),
        (types, 0, true),
        (types, 2, false),
        (types, 5, false),
        (types, 9, false),
        (types, -2, false),
        (types, -3, false),
        (types, -9, false),
        (&[4, 3, 3, 5], -3, false),
        (&[4, 5], -3, false),
        (types, 3, true),
        (types, 1, true),
        (&[2, 2], 2, true),
        (types, -2, true),
        (types, i64::MIN, false),
        (&[], 0, false),
        (&[], -5, false),
    ];
    let msgmax = common::msgmax();
    for &(types, msgtyp, except) in cases {
        let case = format!("types {types:?}, msgtyp {msgtyp}, except {except}");
        let original = QueueGuard::new(0o600).expect("create queue");
        let sent: Vec<(i64, Vec<u8>)> = types
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, format!("message {i}").into_bytes()))
            .collect();
        send_all(original.id(), &sent);

        let page = peek::read_page(original.id(), 0, peek::PAGE).expect("peek");
        assert!(page.at_end, "{case}");
        let predicted = Selector { msgtyp, except }.pick(page.messages.iter().map(|m| m.mtype));

        // The copy: the peeked messages, sent in the same order.
        let copy = QueueGuard::new(0o600).expect("create the copy");
        let copied: Vec<(i64, Vec<u8>)> = page
            .messages
            .iter()
            .map(|m| (m.mtype, m.data.clone()))
            .collect();
        send_all(copy.id(), &copied);
        let flags = libc::IPC_NOWAIT | if except { libc::MSG_EXCEPT } else { 0 };
        let received = msg::receive(copy.id(), msgmax, msgtyp, flags);
        match (predicted, received) {
            (Some(i), Ok(got)) => assert_eq!(got, sent[i], "{case}"),
            (None, Err(e)) => assert_eq!(e.errno, Errno::ENOMSG, "{case}"),
            (p, r) => panic!("{case}: predicted {p:?}, msgrcv gave {r:?}"),
        }
        assert_eq!(stat(original.id()).qnum, types.len() as u64, "{case}");
    }
}

#[test]
fn unprivileged_user_can_neither_peek_nor_remove() {
    if !common::root_or_skip(
        "unprivileged_user_can_neither_peek_nor_remove",
        "switching to uid 65534",
    ) {
        return;
    }
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    send_all(id, &[(1, b"secret".to_vec()), (2, TITLE.to_vec())]);
    let before = stat(id);
    let state = TempDir::new("nobody-state");
    fs::set_permissions(state.path(), fs::Permissions::from_mode(0o777)).expect("chmod");
    let id_text = id.to_string();

    let out = run(common::as_nobody(&mut ipctop(&["peek", &id_text], &state)));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(
        text(&out.stderr),
        format!("ipctop: permission denied: queue {id} is mode 0600 owned by root; run as root\n")
    );
    assert!(out.stdout.is_empty(), "{}", describe(&out));

    let out = run(common::as_nobody(&mut ipctop(
        &["rm", "msg", &id_text, "--yes"],
        &state,
    )));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains(&format!(
            "ipctop: queue {id} not removed: only its owner, its creator or root can remove it"
        )),
        "{}",
        describe(&out)
    );
    assert!(
        text(&out.stdout).starts_with(&format!("message queue {id}\n")),
        "the summary comes from MSG_STAT_ANY without read permission: {}",
        describe(&out)
    );
    assert_terminal_safe(&out.stdout);

    let log = audit_log(&state).expect("the refused removal is logged");
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(
        log.contains(&format!(
            " uid={} kind=msg key=0x00000000 id={id} owner=\"root\" messages=2 bytes=16 result=\"queue {id} not removed: only its owner, its creator or root can remove it\"",
            common::NOBODY
        )),
        "{log}"
    );
    assert_eq!(stat(id), before, "the queue and its messages are untouched");
}

/// Recycled ids: the guard in `remove::remove` must refuse a queue that
/// took the id of the one the user chose.
///
/// Forcing an id means writing `/proc/sys/kernel/msg_next_id`, which is
/// namespace-wide: a parallel test could take the id first. So the
/// scenario runs in a private IPC namespace: this test re-runs itself as
/// a child process (`common::rerun_test_in_child`), and the child calls
/// `unshare(CLONE_NEWIPC)`. That moves only the calling thread, so the
/// child does everything on that one thread (libtest's thread for this
/// test): its queues, the sysctl write (`/proc/sys/kernel` shows the
/// namespace of the thread that opens it), and the `ipctop` it spawns
/// (a new process inherits the spawning thread's namespace). The
/// namespace and everything in it vanish when the child exits.
#[test]
fn recycled_id_is_refused_in_a_private_namespace() {
    common::in_private_namespace(
        "recycled_id_is_refused_in_a_private_namespace",
        recycled_id_scenario,
    );
}

fn recycled_id_scenario() {
    const OLD_KEY: i32 = 0x1d1d;
    const NEW_KEY: i32 = 0x2e2e;
    // Fixed keys are safe here: the namespace is ours alone.

    let old = QueueGuard::with_key(OLD_KEY, 0o600).expect("create the old queue");
    let id = old.id();
    msg::send(id, 1, b"old", libc::IPC_NOWAIT).expect("send");
    let seen = sysv_msg::current(id)
        .expect("read the old queue")
        .expect("the old queue exists");
    let target = ObjectId {
        namespace: common::thread_ipc_namespace(),
        kind: Kind::SysvMsg,
        id: i64::from(id),
    };
    old.remove().expect("remove the old queue");

    fs::write("/proc/sys/kernel/msg_next_id", id.to_string()).expect("write msg_next_id");
    let new = QueueGuard::with_key(NEW_KEY, 0o600).expect("create the new queue");
    assert_eq!(new.id(), id, "msg_next_id gave the new queue the old id");
    msg::send(id, 1, b"new", libc::IPC_NOWAIT).expect("send");

    let err =
        remove::remove::<SysvMsg>(target, &seen).expect_err("a replaced queue is not removed");
    let RemoveError {
        id: refused,
        why: NotRemoved::Replaced(what),
        ..
    } = &err
    else {
        panic!("expected Replaced, got {err:?}");
    };
    assert_eq!(*refused, i64::from(id));
    assert!(what.contains("key 0x00001d1d is now 0x00002e2e"), "{what}");
    assert!(err.to_string().ends_with("; not removed"), "{err}");
    let survivor = stat(id);
    assert_eq!((survivor.key, survivor.qnum), (NEW_KEY, 1));

    // The command line's guard for scripts: the key they knew.
    let state = TempDir::new("recycled-state");
    let out = run(&mut ipctop(
        &[
            "rm",
            "msg",
            &id.to_string(),
            "--yes",
            "--expect-key",
            "0x00001d1d",
        ],
        &state,
    ));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains(&format!(
            "queue {id} has key 0x00002e2e, not 0x00001d1d; not removed"
        )),
        "{}",
        describe(&out)
    );
    assert_eq!(stat(id).key, NEW_KEY, "the new queue survives");
}

#[test]
fn cli_peek_json_has_every_payload_in_hex() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    let sent = awkward_messages();
    send_all(id, &sent);
    let before = stat(id);
    let state = TempDir::new("peek-json");

    let out = run(&mut ipctop(&["peek", &id.to_string(), "--json"], &state));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(out.stdout.is_ascii());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["id"], id);
    let messages = doc["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), sent.len());
    for (i, (m, (mtype, data))) in messages.iter().zip(&sent).enumerate() {
        assert_eq!(m["index"], i);
        assert_eq!(m["mtype"], *mtype);
        assert_eq!(m["size"], data.len());
        let hex = m["hex"].as_str().expect("hex string");
        let expected: String = data.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected, "message {i}");
    }
    assert!(out.stderr.is_empty(), "{}", describe(&out));

    // What --max leaves unread is said on stderr; stdout stays JSON.
    let out = run(&mut ipctop(
        &["peek", &id.to_string(), "--json", "--max", "2"],
        &state,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(text(&out.stderr), "ipctop: showing 2 of 6 messages\n");
    assert_eq!(stat(id), before, "ipctop peek --json consumed nothing");
}

#[test]
fn cli_peek_table_shows_previews_and_never_raw_escapes() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    send_all(id, &awkward_messages());
    let before = stat(id);
    let state = TempDir::new("peek-table");

    let out = run(&mut ipctop(&["peek", &id.to_string()], &state));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_terminal_safe(&out.stdout);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["INDEX", "MTYPE", "SIZE", "PREVIEW"]);
    assert_eq!(lines.len(), 1 + 6, "{stdout}");
    let row = |i: usize| lines[1 + i].split_whitespace().collect::<Vec<_>>();
    assert_eq!(row(0), ["0", "1", "0"]);
    assert_eq!(row(3), ["3", "1", "10", "·]2;title·"]);
    assert_eq!(row(4), ["4", "4", "4", "·[2J"]);
    assert_eq!(
        row(5),
        ["5", &i64::MAX.to_string(), "12", "largest", "type"]
    );
    assert!(
        lines[3].ends_with('…') && lines[2].ends_with('…'),
        "{stdout}"
    );
    assert!(out.stderr.is_empty(), "{}", describe(&out));
    assert_eq!(stat(id), before, "ipctop peek consumed nothing");

    let out = run(&mut ipctop(
        &["peek", &id.to_string(), "--max", "2"],
        &state,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1 + 2 + 1, "{stdout}");
    assert!(stdout.ends_with("\nshowing 2 of 6 messages\n"), "{stdout}");

    let empty = QueueGuard::new(0o600).expect("create queue");
    let out = run(&mut ipctop(&["peek", &empty.id().to_string()], &state));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(
        text(&out.stdout),
        format!("queue {} has no messages\n", empty.id())
    );
}

#[test]
fn cli_peek_type_shows_what_msgrcv_would_take() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    send_all(
        id,
        &[
            (1, b"first".to_vec()),
            (2, b"second".to_vec()),
            (1, b"third".to_vec()),
            (2, b"fourth".to_vec()),
        ],
    );
    let before = stat(id);
    let state = TempDir::new("peek-type");
    let id_text = id.to_string();
    let peek = |extra: &[&str]| {
        let mut args = vec!["peek", id_text.as_str()];
        args.extend_from_slice(extra);
        let out = run(&mut ipctop(&args, &state));
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        text(&out.stdout)
    };

    let out = peek(&["--type", "2"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["1", "2", "6", "second"]
    );
    assert_eq!(
        lines[2],
        "msgrcv with msgtyp 2 would take index 1 (of 4 messages)"
    );

    let out = peek(&["--type", "1", "--except"]);
    assert!(out.contains("\n    1      2     6  second\n"), "{out}");
    assert!(
        out.ends_with("msgrcv with msgtyp 1 with MSG_EXCEPT would take index 1 (of 4 messages)\n")
    );

    let out = peek(&["--type", "-2"]);
    assert!(out.contains("  first\n"), "{out}");

    let out = peek(&["--type", "7"]);
    assert_eq!(out.lines().count(), 1, "only the verdict: {out}");
    assert!(
        out.ends_with("no message for msgrcv with msgtyp 7 among 4 messages: it would fail with ENOMSG (or wait, without IPC_NOWAIT)\n"),
        "{out}"
    );

    let out = peek(&["--type", "2", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let messages = doc["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["index"], 1);
    assert_eq!(messages[0]["hex"], "7365636f6e64");

    let out = peek(&["--type", "7", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["messages"].as_array().map(Vec::len), Some(0));

    // With --max, a verdict that the unread messages could change says so.
    let out = peek(&["--type", "2", "--max", "1"]);
    assert!(
        out.ends_with(
            "no message for msgrcv with msgtyp 2 among the first 1 of 4 messages; \
             the rest were not read (--max)\n"
        ),
        "{out}"
    );
    let out = peek(&["--type", "-2", "--max", "1"]);
    assert!(
        out.ends_with("msgrcv with msgtyp -2 would take index 0 (1 of 4 messages read)\n"),
        "type 1 is the lowest there is: {out}"
    );

    assert_eq!(stat(id), before, "ipctop peek --type consumed nothing");
}

#[test]
fn cli_peek_of_a_missing_queue_fails() {
    // A removed queue's id is not reused for a long time.
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    q.remove().expect("remove");
    let state = TempDir::new("peek-missing");
    let out = run(&mut ipctop(&["peek", &id.to_string()], &state));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(
        text(&out.stderr),
        format!("ipctop: no message queue has id {id} (removed, or never existed)\n")
    );
}

#[test]
fn cli_rm_with_a_wrong_key_refuses_and_the_right_key_removes() {
    let mut q = QueueGuard::with_negative_key(0o600).expect("create queue");
    let id = q.id();
    send_all(id, &[(1, b"keep me".to_vec())]);
    let key_hex = format!("{:#010x}", u32::from_ne_bytes(q.key().to_ne_bytes()));
    let state = TempDir::new("rm-key");
    let id_text = id.to_string();

    let out = run(&mut ipctop(
        &["rm", "msg", &id_text, "--yes", "--expect-key", "0x12345678"],
        &state,
    ));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(
        text(&out.stderr),
        format!("ipctop: queue {id} has key {key_hex}, not 0x12345678; not removed\n")
    );
    assert_eq!(stat(id).qnum, 1, "the queue survives");
    assert_eq!(audit_log(&state), None, "nothing reached the kernel");

    // The key as /proc/sysvipc/msg prints it: signed decimal.
    let out = run(&mut ipctop(
        &[
            "rm",
            "msg",
            &id_text,
            "--yes",
            "--expect-key",
            &q.key().to_string(),
        ],
        &state,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    q.assert_gone();
}

#[test]
fn cli_rm_yes_removes_and_logs() {
    let mut q = QueueGuard::new(0o640).expect("create queue");
    let id = q.id();
    send_all(id, &[(1, b"lost".to_vec()), (2, CLEAR.to_vec())]);
    let state = TempDir::new("rm-yes");

    let out = run(&mut ipctop(
        &["rm", "msg", &id.to_string(), "--yes"],
        &state,
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    q.assert_gone();

    assert_terminal_safe(&out.stdout);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("message queue {id}"));
    assert!(
        stdout.contains("\n  key            0x00000000\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n  mode           rw-r----- (640)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\n  messages       2\n"), "{stdout}");
    assert!(stdout.contains("\n  bytes          8 (8 B)\n"), "{stdout}");
    assert!(
        stdout.contains(&format!(" by {} ", common::our_pid())),
        "the last sender is this test: {stdout}"
    );
    assert!(stdout.contains("\n  last receive   never\n"), "{stdout}");
    assert_eq!(
        lines.last().copied(),
        Some(format!("removed queue {id} (2 messages, 8 B)").as_str())
    );

    let log = audit_log(&state).expect("the audit log was written");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 1, "{log}");
    let (time, rest) = lines[0].split_once(' ').expect("time first");
    assert!(time.ends_with('Z') && time.len() == 20, "{time}");
    let uid = nix::unistd::geteuid();
    let owner = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map_or_else(|| uid.to_string(), |u| u.name);
    assert_eq!(
        rest,
        format!(
            "uid={uid} kind=msg key=0x00000000 id={id} owner={owner:?} messages=2 bytes=8 result=\"removed\""
        )
    );
}

/// `ipctop rm msg ID --yes` on a new, empty queue, with the audit log
/// under `state` unless `env` points it elsewhere. Asserts the removal
/// stands whatever happens to the log, and returns what ipctop said on
/// stderr.
fn rm_logging(state: &TempDir, env: impl FnOnce(&mut Command)) -> String {
    let mut q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    let mut cmd = ipctop(&["rm", "msg", &id.to_string(), "--yes"], state);
    env(&mut cmd);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    q.assert_gone(); // all the same
    assert!(
        text(&out.stdout).ends_with(&format!("removed queue {id} (0 messages, 0 B)\n")),
        "{}",
        describe(&out)
    );
    assert_terminal_safe(&out.stderr);
    text(&out.stderr)
}

/// The warning `ipctop rm` gives when the log is refused.
fn not_logged(what: &str, path: &Path, why: &str) -> String {
    format!(
        "ipctop: warning: the audit log{what} {} {why}: not logged\n",
        path.display()
    )
}

#[test]
fn cli_rm_warns_about_an_unwritable_audit_log_and_still_removes() {
    let state = TempDir::new("rm-bad-log");
    // XDG_STATE_HOME under a regular file: the log's directory cannot
    // exist. Its name is a terminal escape, which must not reach stderr.
    let file = state.path().join("file");
    fs::write(&file, b"").expect("create a file");
    let evil = file.join("\x1b]0;PWNED\x07");
    let stderr = rm_logging(&state, |cmd| {
        cmd.env("XDG_STATE_HOME", &evil);
    });
    assert_eq!(
        stderr,
        format!(
            "ipctop: warning: cannot write the audit log {}/\u{b7}]0;PWNED\u{b7}/ipctop/actions.log: \
             a part of the path is not a directory\n",
            file.display()
        )
    );
}

#[test]
fn cli_rm_creates_a_private_audit_log() {
    let state = TempDir::new("rm-private-log");
    let home = state.path().join("new/state");
    let stderr = rm_logging(&state, |cmd| {
        cmd.env("XDG_STATE_HOME", &home);
    });
    assert_eq!(stderr, "");
    let mode = |p: &Path| fs::symlink_metadata(p).expect("lstat").mode() & 0o7777;
    for dir in ["new", "new/state", "new/state/ipctop"] {
        assert_eq!(mode(&state.path().join(dir)), 0o700, "{dir}");
    }
    let log = home.join("ipctop/actions.log");
    assert_eq!(mode(&log), 0o600);
    assert_eq!(fs::read_to_string(&log).expect("read").lines().count(), 1);
}

#[test]
fn cli_rm_never_logs_through_a_symbolic_link() {
    let state = TempDir::new("rm-log-link");
    let elsewhere = TempDir::new("rm-log-target");
    let target = elsewhere.path().join("precious");
    fs::write(&target, TITLE).expect("write the target");
    let dir = state.path().join("ipctop");
    fs::create_dir(&dir).expect("mkdir");
    let log = dir.join("actions.log");
    std::os::unix::fs::symlink(&target, &log).expect("plant the link");
    assert_eq!(
        rm_logging(&state, |_| {}),
        not_logged("", &log, "is a symbolic link")
    );
    assert_eq!(
        fs::read(&target).expect("read"),
        TITLE,
        "the target is untouched"
    );

    // The directory a link to another one.
    fs::remove_file(&log).expect("remove our link");
    fs::remove_dir(&dir).expect("remove our directory");
    std::os::unix::fs::symlink(elsewhere.path(), &dir).expect("plant the link");
    assert_eq!(
        rm_logging(&state, |_| {}),
        not_logged("'s directory", &dir, "is a symbolic link")
    );
    let names: Vec<_> = fs::read_dir(elsewhere.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["precious"], "nothing was created through the link");
}

#[test]
fn cli_rm_logs_only_into_its_own_private_files() {
    if !common::root_or_skip(
        "cli_rm_logs_only_into_its_own_private_files",
        "making files of uid 65534",
    ) {
        return;
    }
    // Root with HOME pointing at another user's home (`su` without `-`):
    // the log's directory there is that user's.
    let state = TempDir::new("rm-log-owner");
    let home = state.path();
    let dir = home.join(".local/state/ipctop");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).expect("chmod");
    std::os::unix::fs::chown(&dir, Some(common::NOBODY), Some(common::NOBODY)).expect("chown");
    let stderr = rm_logging(&state, |cmd| {
        cmd.env_remove("XDG_STATE_HOME").env("HOME", home);
    });
    let owned = format!("is owned by uid {}, not by you", common::NOBODY);
    assert_eq!(stderr, not_logged("'s directory", &dir, &owned));
    assert_eq!(
        fs::read_dir(&dir).expect("list").count(),
        0,
        "nothing created"
    );

    // Our directory, but a log others may write to, or another user's log.
    std::os::unix::fs::chown(&dir, Some(0), Some(0)).expect("chown");
    let log = dir.join("actions.log");
    fs::write(&log, b"earlier line\n").expect("write the log");
    for (mode, owner, why) in [
        (0o666, 0, "is writable by others"),
        (0o620, 0, "is writable by others"),
        (0o600, common::NOBODY, owned.as_str()),
    ] {
        fs::set_permissions(&log, fs::Permissions::from_mode(mode)).expect("chmod");
        std::os::unix::fs::chown(&log, Some(owner), None).expect("chown");
        let stderr = rm_logging(&state, |cmd| {
            cmd.env_remove("XDG_STATE_HOME").env("HOME", home);
        });
        assert_eq!(stderr, not_logged("", &log, why), "mode {mode:o}");
        assert_eq!(fs::read(&log).expect("read"), b"earlier line\n");
    }

    // A directory others may write to.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).expect("chmod");
    let stderr = rm_logging(&state, |cmd| {
        cmd.env_remove("XDG_STATE_HOME").env("HOME", home);
    });
    assert_eq!(
        stderr,
        not_logged("'s directory", &dir, "is writable by others")
    );
}

#[test]
fn cli_rm_without_a_terminal_refuses() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    send_all(id, &[(1, b"keep me".to_vec())]);
    let state = TempDir::new("rm-no-tty");

    let out = run(&mut ipctop(&["rm", "msg", &id.to_string()], &state));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(
        text(&out.stderr),
        format!(
            "ipctop: queue {id} not removed: stdin is not a terminal to confirm on \
             (pass --yes to remove without asking)\n"
        )
    );
    assert_eq!(stat(id).qnum, 1, "the queue survives");
    assert_eq!(audit_log(&state), None, "nothing reached the kernel");
}

#[test]
fn cli_rm_under_read_only_refuses() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    let state = TempDir::new("rm-read-only");
    let out = run(&mut ipctop(
        &["--read-only", "rm", "msg", &id.to_string(), "--yes"],
        &state,
    ));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(
        text(&out.stderr),
        format!("ipctop: queue {id} not removed: ipctop runs with --read-only\n")
    );
    assert!(msg::stat(id).is_ok(), "the queue survives");
    assert_eq!(audit_log(&state), None, "nothing reached the kernel");
}

#[test]
fn cli_rm_refuses_when_the_configuration_says_read_only() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    let state = TempDir::new("rm-config-read-only");
    let config = state.path().join("ipctop");
    fs::create_dir(&config).expect("create the config dir");
    fs::write(config.join("config.toml"), "read_only = true\n").expect("write the config");
    let out = run(&mut ipctop(
        &["rm", "msg", &id.to_string(), "--yes"],
        &state,
    ));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("not removed"),
        "{}",
        describe(&out)
    );
    assert!(msg::stat(id).is_ok(), "the queue survives");
    assert_eq!(audit_log(&state), None, "nothing reached the kernel");
}

#[test]
fn cli_rm_asks_on_a_terminal() {
    let mut q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    send_all(id, &[(1, TITLE.to_vec())]);
    let state = TempDir::new("rm-tty");
    let state_path = state.as_str();
    let id_text = id.to_string();
    let args = ["rm", "msg", id_text.as_str()];
    let env = [("XDG_STATE_HOME", state_path)];
    let prompt = format!("remove queue {id}? [y/N]");
    let size = e2e::Size::new(100, 30);

    let mut tty = e2e::Tui::spawn_with_env(size, &args, &env);
    tty.wait_for("the question", |s| s.contains(&prompt));
    tty.send_keys("n\r");
    assert_eq!(tty.wait_exit().exit_code(), 1);
    assert!(
        tty.screen()
            .contains(&format!("ipctop: queue {id} not removed"))
    );
    assert_eq!(stat(id).qnum, 1, "the queue survives a no");
    assert_eq!(audit_log(&state), None);

    let mut tty = e2e::Tui::spawn_with_env(size, &args, &env);
    tty.wait_for("the question", |s| s.contains(&prompt));
    tty.send_keys("y\r");
    assert_eq!(tty.wait_exit().exit_code(), 0);
    q.assert_gone();
    assert!(
        tty.screen()
            .contains(&format!("removed queue {id} (1 message, 10 B)"))
    );
    assert_eq!(audit_log(&state).map(|l| l.lines().count()), Some(1));
}

#[test]
fn cli_rm_usage_errors_exit_2() {
    let state = TempDir::new("rm-usage");
    for args in [
        &["rm", "pipe", "5"][..],
        &["rm", "msg"],
        &["rm", "msg", "five"],
        &["rm", "msg", "5", "--expect-key", "0xzz"],
        &["peek"],
        &["peek", "5", "--except"],
        // --read-only only where something could change.
        &["--read-only", "list"],
        &["list", "--read-only"],
        &["--read-only", "peek", "5"],
    ] {
        let out = run(&mut ipctop(args, &state));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
    }
    assert_eq!(audit_log(&state), None);
}

#[test]
fn hostile_arguments_never_reach_stderr_raw() {
    let state = TempDir::new("hostile-args");
    for args in [
        &["peek", "\x1b]0;PWNED\x07"][..],
        &["rm", "msg", "\x1b[2J\r7"],
        &["\x1b]2;title\x07\x08"],
        &["list", "--\x1b[31mred"],
    ] {
        let out = run(&mut ipctop(args, &state));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            !stderr.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?}: a control character reached stderr: {stderr:?}"
        );
        // On a terminal too, where clap would colour its message and echo
        // the argument as typed.
        let mut tty = e2e::Tui::spawn(e2e::Size::new(100, 20), args);
        assert_eq!(tty.wait_exit().exit_code(), 2, "{args:?}");
        let raw = tty.raw_output();
        for obeyed in [&b"\x1b]"[..], b"\x07", b"\x1b[2J", b"\x1b[31m", b"\x08"] {
            assert!(
                e2e::rfind(&raw, obeyed).is_none(),
                "{args:?}: {obeyed:?} reached the terminal: {:?}",
                String::from_utf8_lossy(&raw)
            );
        }
    }
}

/// `count` messages of type 1 whose payloads say their number, so a list
/// that skipped one could be told from a complete one.
fn numbered(count: usize) -> Vec<(i64, Vec<u8>)> {
    (0..count)
        .map(|n| (1, format!("#{n}").into_bytes()))
        .collect()
}

/// Pages one and two of queue `id`, with `between` done in between, and
/// what page two says changed since page one.
fn two_pages(id: i32, between: impl FnOnce()) -> (peek::Page, peek::Changes) {
    let first = peek::read_page(id, 0, peek::PAGE).expect("page 1");
    assert!(first.changes.is_none() && !first.at_end, "{first:?}");
    between();
    let second = peek::read_page(id, peek::PAGE, peek::PAGE).expect("page 2");
    let changes = second.changes_since(&first.after, first.messages.last());
    (second, changes)
}

#[test]
fn a_consumer_in_lockstep_with_a_producer_is_noticed_between_pages() {
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    // A warm-up receive: from now on the last receiver is this process.
    send_all(id, &numbered(1));
    common::receive_one(id, 64).expect("receive the warm-up");
    send_all(id, &numbered(600));
    let before = stat(id);
    // One taken, one added, by this very process and very likely in the
    // same second: count, bytes, pids and (often) times are all as they
    // were, yet every message moved one place forward.
    let (page, changes) = two_pages(id, || {
        common::receive_one(id, 64).expect("receive one");
        msg::send(id, 1, b"#600", libc::IPC_NOWAIT).expect("send one");
    });
    let after = stat(id);
    assert_eq!(after.qnum, before.qnum);
    assert!(changes.received && !changes.replaced, "{changes:?}");
    assert_eq!(
        page.messages.first().map(|m| m.data.as_slice()),
        Some(&b"#501"[..]),
        "#500 was skipped: exactly what the warning is for"
    );
    // And with no traffic, nothing is claimed.
    let (_, quiet) = two_pages(id, || {});
    assert!(quiet.is_none(), "{quiet:?}");
}

#[test]
fn a_queue_replaced_between_pages_is_never_taken_for_the_same_one() {
    common::in_private_namespace(
        "a_queue_replaced_between_pages_is_never_taken_for_the_same_one",
        replaced_between_pages_scenario,
    );
}

fn replaced_between_pages_scenario() {
    // Fixed keys are safe: the namespace is this process's alone.
    const OLD_KEY: i32 = 0x1d1d;
    const NEW_KEY: i32 = 0x2e2e;
    let old = QueueGuard::with_key(OLD_KEY, 0o600).expect("create the old queue");
    let id = old.id();
    send_all(id, &numbered(600));
    let mut new = None;
    let (_, changes) = two_pages(id, || {
        old.remove().expect("remove the old queue");
        fs::write("/proc/sys/kernel/msg_next_id", id.to_string()).expect("write msg_next_id");
        let queue = QueueGuard::with_key(NEW_KEY, 0o600).expect("create the new queue");
        assert_eq!(queue.id(), id, "msg_next_id gave the new queue the old id");
        send_all(id, &numbered(600));
        new = Some(queue);
    });
    assert!(changes.replaced, "{changes:?}");
    assert!(
        changes
            .describe(id)
            .is_some_and(|w| w.contains(&format!("queue {id} was replaced"))),
    );

    // The same again with the same key and creator, in what is most
    // likely the same second: nothing in msqid_ds tells the queues apart,
    // but the message before page two is not the one page one ended with.
    // (A twin identical there too cannot be told apart at all: the README
    // says so.)
    drop(new);
    let old = QueueGuard::new(0o600).expect("create a queue");
    let id = old.id();
    send_all(id, &numbered(600));
    let mut twin = None;
    let (_, changes) = two_pages(id, || {
        old.remove().expect("remove it");
        fs::write("/proc/sys/kernel/msg_next_id", id.to_string()).expect("write msg_next_id");
        let queue = QueueGuard::new(0o600).expect("create its twin");
        assert_eq!(queue.id(), id);
        send_all(id, &numbered(499));
        send_all(id, &[(1, b"not the old #499".to_vec())]);
        send_all(id, &numbered(600)[500..]);
        twin = Some(queue);
    });
    assert!(changes.replaced || changes.received, "{changes:?}");
}

#[test]
fn peeking_at_a_raised_msgmax_reads_exactly_and_copies_little() {
    common::in_private_namespace(
        "peeking_at_a_raised_msgmax_reads_exactly_and_copies_little",
        raised_msgmax_scenario,
    );
}

fn raised_msgmax_scenario() {
    // The largest msgmax there is: a buffer of msgmax bytes per copy would
    // make the kernel allocate and fill 2 GiB for each ten-byte message.
    fs::write("/proc/sys/kernel/msgmax", i32::MAX.to_string()).expect("raise msgmax");
    assert_eq!(common::msgmax(), i32::MAX as usize);
    let q = QueueGuard::new(0o600).expect("create queue");
    let id = q.id();
    let sent: Vec<(i64, Vec<u8>)> = (0..20)
        .map(|n| (n + 1, format!("ten bytes{n}").into_bytes()[..10].to_vec()))
        .collect();
    send_all(id, &sent);
    let before = stat(id);
    let page = peek::read_page(id, 0, peek::PAGE).expect("peek");
    assert!(page.at_end && page.changes.is_none(), "{page:?}");
    let got: Vec<(i64, Vec<u8>)> = page
        .messages
        .into_iter()
        .map(|m| (m.mtype, m.data))
        .collect();
    assert_eq!(got, sent);
    assert_eq!(stat(id), before, "nothing consumed");
    assert_eq!(peek::copy_buffer(before.cbytes, common::msgmax()), 200);
}
