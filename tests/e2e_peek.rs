//! End-to-end tests of the peek view and of removing a queue from the TUI:
//! the real `ipctop` binary in a pseudo-terminal (see `e2e/mod.rs`).
//!
//! Each test creates its own `IPC_PRIVATE` queue, owned by a drop guard
//! that removes it even when an assertion fails (and tolerates the TUI
//! having removed it first). Other tests create queues at the same time,
//! so a test narrows the table to its queue with the `/` filter and checks,
//! by the detail pane's title, that its queue is the one selected before
//! pressing anything that acts on the selection. Nothing sleeps: every
//! step waits for the screen to show its outcome.
//!
//! The recycled-id test is the exception: it forces a queue id, which is
//! namespace-wide, so it runs in a child process of its own with a private
//! IPC namespace (see `common::rerun_test_in_child`), where fixed keys are
//! safe too.

mod common;
mod e2e;

use std::path::Path;

use common::{QueueGuard, TempDir};
use e2e::{Screen, Size, Tui, assert_terminal_restored, rfind};
use ipctop::sys::Errno;
use ipctop::sys::msg;

/// The refresh interval most tests run with (the fastest allowed).
const FAST: [&str; 2] = ["--interval", "100ms"];
/// A roomy terminal.
const WIDE: Size = Size::new(120, 30);
/// The classic terminal every screen must work on.
const CLASSIC: Size = Size::new(80, 24);

/// Message 0: plain text.
const HELLO: &[u8] = b"hello world";
/// Message 1: sets the window title (OSC 2 ... BEL) and clears the screen
/// (CSI 2 J) if written to a terminal as is.
const HOSTILE: &[u8] = b"\x1b]2;pwned\x07title \x1b[2J clear";
/// How the preview shows [`HOSTILE`]: every control byte as `·`.
const HOSTILE_PREVIEW: &str = "·]2;pwned·title ·[2J clear";
/// The fixture's total size: 11 + 26 + 256 + 0 bytes.
const FIXTURE_BYTES: &str = "293 B";

/// Message 2: every byte value once.
fn all_bytes() -> Vec<u8> {
    (0..=255).collect()
}

/// The fixture's messages, in queue order: (mtype, payload).
fn fixture() -> Vec<(libc::c_long, Vec<u8>)> {
    vec![
        (1, HELLO.to_vec()),
        (2, HOSTILE.to_vec()),
        (3, all_bytes()),
        (2, Vec::new()),
    ]
}

/// A new private queue with mode 0600, holding [`fixture`].
fn queue_with_fixture() -> QueueGuard {
    let queue = QueueGuard::new(0o600).unwrap_or_else(|e| panic!("create a test queue: {e}"));
    for (mtype, payload) in fixture() {
        queue.send(mtype, &payload);
    }
    queue
}

/// The title of the detail pane while `queue` is selected.
fn detail_title(queue: &QueueGuard) -> String {
    format!("┌ queue 0x00000000 · id {} ", queue.id())
}

/// The start of the peek view's header for `queue`.
fn peek_title(queue: &QueueGuard) -> String {
    format!(" peek 0x00000000 · id {} · ", queue.id())
}

/// Waits for the first frame that shows a snapshot; from then on the
/// terminal is in raw mode and keys are read.
fn wait_ready(tui: &Tui) {
    tui.wait_for("the header with the namespace", |s| {
        s.rows()[0].contains("ipctop · ns ipc:[")
    });
}

/// Filters the table down to `queue` and waits until it is the selected
/// queue (its id in the detail pane's title). Needs 18 rows or more, for
/// the detail pane.
fn select(tui: &mut Tui, queue: &QueueGuard) {
    wait_ready(tui);
    tui.send_keys(&format!("/{}\r", queue.id()));
    let title = detail_title(queue);
    tui.wait_for(
        &format!("queue {} filtered and selected", queue.id()),
        |s| {
            // Enter has applied the filter: the prompt's cursor is gone.
            s.contains(&format!("filter: /{} ", queue.id()))
                && s.has_queue(queue.id())
                && s.contains(&title)
        },
    );
}

/// Does the peek list show the fixture's four messages, and has the read
/// finished?
fn shows_fixture(s: &Screen, queue: &QueueGuard) -> bool {
    s.contains(&peek_title(queue))
        && s.contains(&format!("4 messages · {FIXTURE_BYTES} · all 4 messages"))
        && (0..4).all(|i| s.peek_row(i).is_some())
}

/// Opens the peek view on the selected `queue` and waits for its four
/// messages.
fn open_peek(tui: &mut Tui, queue: &QueueGuard) -> Screen {
    tui.send_keys("\r");
    tui.wait_for(&format!("the peek view of queue {}", queue.id()), |s| {
        shows_fixture(s, queue)
    })
}

/// Ctrl-C, a clean exit, a restored terminal. Quits from wherever the test left the program: Ctrl-C quits from any
/// view (q only from the table: in the peek view it goes back).
fn quit(tui: &mut Tui) {
    tui.send_keys("\x03");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
    assert_terminal_restored(tui);
}

/// Does the footer show `text` (the status), with no removal dialog on
/// the screen?
fn status_without_dialog(s: &Screen, id: i32, text: &str) -> bool {
    s.footer().contains(text) && !s.contains(&format!("remove queue {id}?"))
}

#[test]
fn peek_lists_previews_and_never_writes_the_payloads_escapes() {
    let queue = queue_with_fixture();
    let before = queue.stat();
    let mut tui = Tui::spawn(WIDE, &FAST);
    select(&mut tui, &queue);
    // The payloads reach the program only from here on.
    let peek_from = tui.raw_output().len();
    let screen = open_peek(&mut tui, &queue);

    let row = |i| screen.peek_row(i).expect("a row per message");
    let cols = |r: e2e::PeekRow| (r.mtype, r.size, r.preview);
    let strings = |t: &str, s: &str, p: &str| (t.to_owned(), s.to_owned(), p.to_owned());
    assert_eq!(
        cols(row(0)),
        strings("1", "11 B", "hello world"),
        "{screen}"
    );
    assert_eq!(
        cols(row(1)),
        strings("2", "26 B", HOSTILE_PREVIEW),
        "{screen}"
    );
    assert_eq!(cols(row(3)), strings("2", "0 B", ""), "{screen}");
    let binary = row(2);
    assert_eq!(
        (binary.mtype.as_str(), binary.size.as_str()),
        ("3", "256 B")
    );
    // Bytes 0x00-0x1f as `·`, then printable ASCII as itself, cut with an
    // ellipsis where the column ends.
    let start = format!("{} !\"#$%&'()*+,-./0123456789:;<=>?@ABC", "·".repeat(32));
    assert!(
        binary.preview.starts_with(&start) && binary.preview.ends_with('…'),
        "preview of all byte values: {:?}\n{screen}",
        binary.preview
    );
    assert!(
        screen.contains(" types of the messages read: 1 ×1 · 2 ×2 · 3 ×1"),
        "the mtype histogram:\n{screen}"
    );
    for i in 0..4 {
        assert_eq!(row(i).index, i.to_string(), "{screen}");
    }

    quit(&mut tui);

    let raw = tui.raw_output();
    for (what, seq) in [
        ("the OSC 2 (set title) of the payload", &b"\x1b]2;pwned"[..]),
        ("a BEL", b"\x07"),
    ] {
        assert!(
            rfind(&raw, seq).is_none(),
            "{what} reached the terminal: {seq:?} at byte {:?} of the output",
            rfind(&raw, seq)
        );
    }
    // Not vacuous: the payload's printable part was written.
    assert!(
        rfind(&raw[peek_from..], "·]2;pwned·title".as_bytes()).is_some(),
        "the hostile message's preview is not in the output"
    );
    // ipctop may clear the screen itself (at start, on resize); not while
    // the peek view is open on a terminal that keeps its size.
    assert!(
        rfind(&raw[peek_from..], b"\x1b[2J").is_none(),
        "the payload's CSI 2 J reached the terminal"
    );
    // Neither did a lone byte of the binary payload (not UTF-8) nor a C1
    // control such as U+009B (CSI).
    let text = std::str::from_utf8(&raw).unwrap_or_else(|e| panic!("output is not UTF-8: {e}"));
    assert!(
        !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
        "a C1 control character reached the terminal"
    );

    // Peeking consumed nothing and changed nothing: not the counts, not
    // the last receiver, not the receive time.
    let after = queue.stat();
    assert_eq!(
        (after.qnum, after.cbytes, after.lrpid, after.rtime),
        (before.qnum, before.cbytes, before.lrpid, before.rtime)
    );
    assert_eq!(after, before, "IPC_STAT changed");
    // A consumer still receives every message, in order.
    for (i, (mtype, payload)) in fixture().into_iter().enumerate() {
        assert_eq!(queue.receive(0, 0), (mtype, payload), "message {i}");
    }
    assert_eq!(queue.stat().qnum, 0);
}

#[test]
fn message_view_escapes_text_shows_hex_and_esc_goes_back() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(CLASSIC, &FAST);
    select(&mut tui, &queue);
    open_peek(&mut tui, &queue);

    tui.send_keys("j");
    tui.send_keys("\r");
    let screen = tui.wait_for("message #1 as text", |s| {
        s.contains("message #1 · type 2 · 26 B · text")
            && s.contains(r"\x1b]2;pwned\x07title \x1b[2J clear")
    });
    assert!(
        screen.peek_header_row().is_none(),
        "the message replaces the list:\n{screen}"
    );

    tui.send_keys("x");
    tui.wait_for("message #1 as hex", |s| {
        s.contains("message #1 · type 2 · 26 B · hex")
            && s.contains(
                "00000000  1b 5d 32 3b 70 77 6e 65  64 07 74 69 74 6c 65 20  |.]2;pwned.title |",
            )
            && s.contains("00000010  1b 5b 32 4a 20 63 6c 65  61 72")
            && s.contains("|.[2J clear|")
    });
    tui.send_keys("x");
    tui.wait_for("message #1 as text again", |s| {
        s.contains("message #1 · type 2 · 26 B · text")
    });

    tui.send_keys("\x1b");
    let screen = tui.wait_for("the message list again", |s| {
        !s.contains("message #1 · type 2") && shows_fixture(s, &queue)
    });
    assert_eq!(
        screen.peek_row(1).map(|r| r.preview),
        Some(HOSTILE_PREVIEW.to_owned())
    );

    tui.send_keys("\x1b");
    let title = detail_title(&queue);
    let screen = tui.wait_for("the queue table, the same queue selected", |s| {
        !s.contains(&peek_title(&queue)) && s.has_queue(queue.id()) && s.contains(&title)
    });
    assert!(
        screen.contains(&format!("filter: /{} ", queue.id())),
        "the filter outlives the peek view:\n{screen}"
    );
    quit(&mut tui);
}

#[test]
fn msgrcv_preview_marks_what_msgrcv_would_take() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(CLASSIC, &FAST);
    select(&mut tui, &queue);
    open_peek(&mut tui, &queue);
    let prompt = |typed: &str| format!("msgtyp (0, 5, -5, !5): {typed}▏");
    let marked = |s: &Screen| -> Vec<usize> {
        (0..4)
            .filter(|&i| s.peek_row(i).is_some_and(|r| r.marked))
            .collect()
    };

    tui.send_keys("t");
    tui.wait_for("the msgtyp prompt", |s| s.contains(&prompt("")));
    tui.send_keys("-2");
    tui.wait_for("-2 typed", |s| s.contains(&prompt("-2")));
    tui.send_keys("\r");
    // The pick in the header, its mark in the list, the prompt closed.
    tui.wait_for("the pick of msgtyp -2", |s| {
        s.contains(" msgrcv with msgtyp -2 would take message #0 (type 1, 11 B)")
            && marked(s) == [0]
            && !s.contains(&prompt("-2"))
    });

    // Each prompt starts empty.
    tui.send_keys("t");
    tui.wait_for("the prompt, empty", |s| s.contains(&prompt("")));
    tui.send_keys("!1");
    tui.wait_for("!1 typed", |s| s.contains(&prompt("!1")));
    tui.send_keys("\r");
    tui.wait_for("the pick of !1", |s| {
        s.contains(" msgrcv with msgtyp 1 with MSG_EXCEPT would take message #1 (type 2, 26 B)")
            && marked(s) == [1]
            && !s.contains(&prompt("!1"))
    });

    tui.send_keys("t");
    tui.wait_for("the prompt, empty again", |s| s.contains(&prompt("")));
    tui.send_keys("5\r");
    tui.wait_for("no pick for msgtyp 5", |s| {
        s.contains(" msgtyp 5: no message matches; msgrcv would wait (ENOMSG with IPC_NOWAIT)")
            && marked(s).is_empty()
            && !s.contains(&prompt("5"))
            && (0..4).all(|i| s.peek_row(i).is_some())
    });
    quit(&mut tui);

    // The kernel agrees. Receiving changes the queue, so in an order
    // where each answer is still the one previewed on the full queue.
    let enomsg = msg::receive(queue.id(), 8192, 5, libc::IPC_NOWAIT).map_err(|e| e.errno);
    assert_eq!(enomsg, Err(Errno::ENOMSG), "msgtyp 5");
    assert_eq!(
        queue.receive(1, libc::MSG_EXCEPT),
        (2, HOSTILE.to_vec()),
        "!1 takes message #1"
    );
    assert_eq!(
        queue.receive(-2, 0),
        (1, HELLO.to_vec()),
        "-2 takes message #0"
    );
}

#[test]
fn d_then_y_removes_the_queue_and_logs_it() {
    let mut queue = queue_with_fixture();
    // No XDG_STATE_HOME of the test's own: the harness gives the program
    // a private one.
    let mut tui = Tui::spawn(WIDE, &FAST);
    select(&mut tui, &queue);

    tui.send_keys("d");
    // A frame arrives in pieces: wait for the whole dialog, not its top.
    let lines = [
        format!("remove queue {}?", queue.id()),
        format!("key 0x00000000 · id {} · owner ", queue.id()),
        format!("will lose 4 messages, {FIXTURE_BYTES}"),
        "blocked on it".to_owned(),
        "y remove   n / Esc keep it".to_owned(),
    ];
    tui.wait_for("the whole removal dialog, blocked tasks looked up", |s| {
        lines.iter().all(|line| s.contains(line)) && !s.contains("looking for blocked processes")
    });

    tui.send_keys("y");
    let status = format!("removed queue {} (4 messages, {FIXTURE_BYTES})", queue.id());
    tui.wait_for("the removal reported and the row gone", |s| {
        status_without_dialog(s, queue.id(), &status) && !s.has_queue(queue.id())
    });
    queue.assert_gone();
    quit(&mut tui);

    let log = tui.home().join("ipctop/actions.log");
    let text =
        std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("read {}: {e}", log.display()));
    let lines: Vec<&str> = text.lines().collect();
    let uid = nix::unistd::getuid();
    let want = format!(
        " uid={uid} kind=msg key=0x00000000 id={} owner=",
        queue.id()
    );
    assert!(
        lines.len() == 1
            && lines[0].contains(&want)
            && lines[0].ends_with(" messages=4 bytes=293 result=\"removed\""),
        "one line for the removal in {}:\n{text}",
        log.display()
    );
}

#[test]
fn n_and_esc_keep_the_queue() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(WIDE, &FAST);
    select(&mut tui, &queue);
    let dialog = format!("remove queue {}?", queue.id());
    let kept = format!("queue {} not removed", queue.id());
    // Every key that opens the dialog, and both that cancel it.
    for (open, cancel) in [
        ("d", "n"),
        ("\x1b[3~", "\x1b"), // Delete, Esc
        ("\x1b[20~", "n"),   // F9
    ] {
        tui.send_keys(open);
        tui.wait_for(&format!("the dialog opened by {open:?}"), |s| {
            s.contains(&dialog)
        });
        tui.send_keys(cancel);
        // The dialog closes with the status; a confirmation would say
        // "removing queue …" instead.
        let screen = tui.wait_for(&format!("the dialog cancelled by {cancel:?}"), |s| {
            status_without_dialog(s, queue.id(), &kept)
        });
        assert_eq!(
            screen.cell(queue.id(), "MSGS").as_deref(),
            Some("4"),
            "{screen}"
        );
        assert_eq!(queue.stat().qnum, 4, "the queue is still there");
    }
    quit(&mut tui);
    assert_eq!(queue.stat().qnum, 4);
}

#[test]
fn read_only_removes_nothing_but_still_peeks() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(WIDE, &[FAST[0], FAST[1], "--read-only"]);
    select(&mut tui, &queue);
    tui.wait_for("READ-ONLY in the key hints", |s| {
        s.footer().contains("READ-ONLY") && !s.footer().contains("d delete")
    });

    let refusal = "read-only mode (--read-only): nothing is removed";
    for key in ["d", "\x1b[3~", "\x1b[20~"] {
        tui.send_keys(key);
        let screen = tui.wait_for(&format!("the read-only refusal of {key:?}"), |s| {
            s.footer().contains(refusal)
        });
        assert!(
            !screen.contains(&format!("remove queue {}?", queue.id())),
            "no dialog in read-only mode:\n{screen}"
        );
        assert_eq!(queue.stat().qnum, 4, "the queue is still there");
    }

    let screen = open_peek(&mut tui, &queue);
    assert_eq!(
        screen.peek_row(1).map(|r| r.preview),
        Some(HOSTILE_PREVIEW.to_owned())
    );
    quit(&mut tui);
    assert_eq!(queue.stat().qnum, 4);
}

#[test]
fn an_error_status_outlives_the_next_refresh() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(WIDE, &[FAST[0], FAST[1], "--read-only"]);
    select(&mut tui, &queue);
    let refusal = "read-only mode (--read-only): nothing is removed";
    tui.send_keys("d");
    tui.wait_for("the read-only refusal", |s| s.footer().contains(refusal));
    // A refresh that shows the fifth message, with no key pressed: the
    // answer to the last key stays until the next key.
    queue.send(1, b"more");
    let screen = tui.wait_for("the refresh with 5 messages", |s| {
        s.cell(queue.id(), "MSGS").as_deref() == Some("5")
    });
    assert!(
        screen.footer().contains(refusal),
        "the answer to the last key vanished with the refresh:\n{screen}"
    );
    // The next key makes it old news.
    tui.send_keys("j");
    tui.wait_for("the refusal gone with the next key", |s| {
        !s.footer().contains(refusal)
    });
    quit(&mut tui);
}

#[test]
fn a_removal_that_cannot_be_logged_says_so() {
    let mut queue = queue_with_fixture();
    let state = TempDir::new("unloggable");
    // XDG_STATE_HOME under a regular file: the log's directory cannot be
    // created, whoever runs the test.
    let file = state.path().join("file");
    std::fs::write(&file, b"").expect("create a file");
    let state_home = file.to_str().expect("UTF-8 path").to_owned();
    let mut tui = Tui::spawn_with_env(WIDE, &FAST, &[("XDG_STATE_HOME", &state_home)]);
    select(&mut tui, &queue);
    tui.send_keys("d");
    tui.wait_for("the removal dialog, blocked tasks looked up", |s| {
        s.contains(&format!("remove queue {}?", queue.id()))
            && !s.contains("looking for blocked processes")
    });
    tui.send_keys("y");
    let removed = format!("removed queue {} (4 messages, {FIXTURE_BYTES})", queue.id());
    tui.wait_for("the removal and the log failure reported", |s| {
        !s.has_queue(queue.id())
            && s.footer().contains(&removed)
            // A long status loses its middle (the log's path), keeping
            // what happened and why the log failed.
            && s.footer().contains("(and cannot write")
            && s.footer().contains("something that is not a directory is in the way")
    });
    queue.assert_gone();
    quit(&mut tui);
}

/// `w`, the proposed name erased (Backspace) and `path` typed instead.
fn save_as(tui: &mut Tui, queue: &QueueGuard, path: &Path) {
    let proposed = format!("msg-{}-0.bin", queue.id());
    tui.send_keys("w");
    tui.wait_for("the save prompt", |s| {
        s.contains(&format!("save to file: {proposed}"))
    });
    let erase = "\x7f".repeat(proposed.len());
    tui.send_keys(&format!("{erase}{}\r", path.display()));
}

#[test]
fn save_never_follows_a_link_nor_replaces_a_file_swapped_after_the_question() {
    let queue = queue_with_fixture();
    let dir = common::TempDir::world_writable("e2e-save");
    let target = dir.path().join("precious");
    std::fs::write(&target, b"precious").expect("write the target");
    let name = dir.path().join("saved.bin");
    std::os::unix::fs::symlink(&target, &name).expect("plant a link");
    let mut tui = Tui::spawn(WIDE, &FAST);
    select(&mut tui, &queue);
    open_peek(&mut tui, &queue);

    save_as(&mut tui, &queue, &name);
    let said = format!("{} is a symbolic link: not written", name.display());
    tui.wait_for("the refusal", |s| s.contains(&said));
    assert_eq!(std::fs::read(&target).expect("read"), b"precious");

    // A regular file: asked about, then swapped for another before the yes.
    std::fs::remove_file(&name).expect("remove our link");
    std::fs::write(&name, b"asked about").expect("write a file");
    save_as(&mut tui, &queue, &name);
    let question = format!("{} exists. Replace it? y / n", name.display());
    tui.wait_for("the question", |s| s.contains(&question));
    let other = dir.path().join("other");
    std::fs::write(&other, b"not asked about").expect("write another file");
    std::fs::rename(&other, &name).expect("swap it in");
    tui.send_keys("y");
    let said = format!(
        "{} changed since you were asked: not written",
        name.display()
    );
    tui.wait_for("the refusal", |s| s.contains(&said));
    assert_eq!(std::fs::read(&name).expect("read"), b"not asked about");

    // Asked about, unchanged: replaced.
    save_as(&mut tui, &queue, &name);
    tui.wait_for("the question", |s| s.contains(&question));
    tui.send_keys("y");
    let saved = format!("saved to {}", name.display());
    tui.wait_for("the save", |s| s.contains(&saved));
    assert_eq!(std::fs::read(&name).expect("read"), HELLO);
    quit(&mut tui);
}

#[test]
fn a_y_typed_ahead_of_the_dialog_removes_nothing() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(WIDE, &FAST);
    select(&mut tui, &queue);
    // `d` and `y` in one write: the y was waiting when the d was read, so
    // it counts as pressed then, before the dialog was drawn, however the
    // threads are scheduled.
    tui.send_keys("dy");
    tui.wait_for("the dialog, still open", |s| {
        s.contains(&format!("remove queue {}?", queue.id()))
            && !s.contains("looking for blocked processes")
    });
    assert_eq!(queue.stat().qnum, 4, "the typed-ahead y removed nothing");
    tui.send_keys("n");
    tui.wait_for("the dialog closed", |s| {
        s.footer()
            .contains(&format!("queue {} not removed", queue.id()))
    });
    assert_eq!(queue.stat().qnum, 4);
    quit(&mut tui);
}

#[test]
fn the_dialog_refuses_a_queue_recreated_under_the_same_id() {
    common::in_private_namespace(
        "the_dialog_refuses_a_queue_recreated_under_the_same_id",
        recycled_id_dialog_scenario,
    );
}

/// The child's part of
/// [`the_dialog_refuses_a_queue_recreated_under_the_same_id`]: everything
/// on this one thread, which alone is in the new namespace; the TUI, the
/// forced id and both queues are there too.
fn recycled_id_dialog_scenario() {
    // Fixed keys are safe: the namespace is this process's alone.
    const OLD_KEY: i32 = 0x1d1d;
    const NEW_KEY: i32 = 0x2e2e;
    let namespace = common::thread_ipc_namespace();

    let old = QueueGuard::with_key(OLD_KEY, 0o600).expect("create the old queue");
    let id = old.id();
    for (mtype, payload) in [(1, &b"old one"[..]), (2, b"old two"), (1, b"old three")] {
        msg::send(id, mtype, payload, libc::IPC_NOWAIT).expect("send to the old queue");
    }

    let state = TempDir::new("recycled");
    // Wide, so that the whole refusal fits on the status line.
    let mut tui = Tui::spawn_with_env(
        Size::new(160, 30),
        &FAST,
        &[("XDG_STATE_HOME", state.as_str())],
    );
    // The TUI was started from this thread, so it is in the namespace too.
    tui.wait_for("the header with the private namespace", |s| {
        s.rows()[0].contains(&format!("ipctop · ns ipc:[{namespace}]"))
    });
    tui.send_keys(&format!("/{id}\r"));
    let title = format!("┌ queue 0x00001d1d · id {id} ");
    tui.wait_for(&format!("queue {id} filtered and selected"), |s| {
        s.contains(&format!("filter: /{id} ")) && s.has_queue(id) && s.contains(&title)
    });
    tui.send_keys("d");
    tui.wait_for("the removal dialog, blocked tasks looked up", |s| {
        s.contains(&format!("remove queue {id}?"))
            && s.contains(&format!("key 0x00001d1d · id {id} · owner "))
            && s.contains("will lose 3 messages, 23 B")
            && !s.contains("looking for blocked processes")
    });

    // While the dialog is open: the queue goes, another takes its id.
    old.remove().expect("remove the old queue");
    std::fs::write("/proc/sys/kernel/msg_next_id", id.to_string()).expect("write msg_next_id");
    let new = QueueGuard::with_key(NEW_KEY, 0o600).expect("create the new queue");
    assert_eq!(new.id(), id, "msg_next_id gave the new queue the old id");
    msg::send(id, 7, b"new", libc::IPC_NOWAIT).expect("send to the new queue");

    tui.send_keys("y");
    let screen = tui.wait_for("the refusal on the status line, the dialog closed", |s| {
        status_without_dialog(
            s,
            id,
            &format!("queue {id} was replaced since you selected it"),
        ) && s.footer().contains("not removed")
    });
    assert!(
        screen.footer().contains("key 0x00001d1d is now 0x00002e2e"),
        "the refusal says what changed:\n{screen}"
    );

    // The new queue is untouched.
    let survivor = msg::stat(id).unwrap_or_else(|e| panic!("IPC_STAT on the new queue {id}: {e}"));
    assert_eq!(
        (survivor.key, survivor.qnum, survivor.cbytes),
        (NEW_KEY, 1, 3),
        "the new queue survives, as it was"
    );
    // And the table shows it, under the old id.
    tui.wait_for("the new queue's key in the table", |s| {
        s.cell(id, "KEY").as_deref() == Some("0x00002e2e")
    });
    quit(&mut tui);

    let log = state.path().join("ipctop/actions.log");
    let text =
        std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("read {}: {e}", log.display()));
    let lines: Vec<&str> = text.lines().collect();
    let want = format!(" kind=msg key=0x00001d1d id={id} owner=");
    assert!(
        lines.len() == 1
            && lines[0].contains(&want)
            && lines[0]
                .split_once(" result=")
                .is_some_and(
                    |(_, result)| result.contains("replaced") && result.contains("not removed")
                ),
        "one line for the refusal in {}:\n{text}",
        log.display()
    );
    assert_eq!(msg::stat(id).map(|s| s.key), Ok(NEW_KEY), "still there");
    // The namespace, with the new queue, ends with this process.
    drop(new);
}

#[test]
fn q_in_the_peek_view_goes_back_and_q_in_the_table_quits() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(WIDE, &FAST);
    select(&mut tui, &queue);
    open_peek(&mut tui, &queue);
    tui.send_keys("q");
    let title = detail_title(&queue);
    tui.wait_for("the queue table again, the queue still selected", |s| {
        s.has_queue(queue.id()) && s.contains(&title)
    });
    tui.send_keys("q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
    assert_terminal_restored(&tui);
}

#[test]
fn a_status_leaves_by_itself_after_a_few_seconds() {
    let queue = queue_with_fixture();
    let mut tui = Tui::spawn(WIDE, &[FAST[0], FAST[1]]);
    select(&mut tui, &queue);
    // At the fastest interval already: `+` answers with a status.
    let answer = "the fastest there is";
    tui.send_keys("+");
    tui.wait_for("the answer to +", |s| s.footer().contains(answer));
    // No key is pressed: the status times out on its own (the main loop
    // wakes for it; refreshes keep coming meanwhile).
    tui.wait_for("the status gone without a key", |s| {
        !s.footer().contains(answer) && s.footer().contains("q quit")
    });
    quit(&mut tui);
}
