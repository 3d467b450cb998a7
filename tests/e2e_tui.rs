//! End-to-end tests: the real `ipctop` binary, in a pseudo-terminal for the
//! TUI (see `e2e/mod.rs` for the harness) and as a plain process for
//! `ipctop list`.
//!
//! Each test that needs a queue creates its own (`IPC_PRIVATE`) and removes
//! it with a drop guard, even when an assertion fails. Other tests create
//! queues at the same time, so a test finds its queue by id (and narrows
//! the table with the `/` filter), never by position or by totals.

mod common;
mod e2e;

use std::process::{Command, Stdio};

use common::QueueGuard;
use e2e::{BIN, Size, Tui, assert_terminal_restored, rfind};
use ipctop::sys::{msg, sem, shm};
use nix::sys::signal::Signal;

/// The refresh interval the TUI tests run with (the fastest allowed).
const FAST: [&str; 2] = ["--interval", "100ms"];

/// The name of the user running the tests (the owner of their queues).
fn me() -> String {
    let uid = nix::unistd::getuid();
    nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map_or_else(|| uid.to_string(), |u| u.name)
}

/// Waits for the first frame that shows a snapshot (the namespace in the
/// header); from then on the terminal is in raw mode and keys are read.
fn wait_ready(tui: &Tui) {
    tui.wait_for("the header with the namespace", |s| {
        s.rows()[0].contains("ipctop · ns ipc:[")
    });
}

/// Starts the TUI at 120x30, filters on `queue`'s id and waits until its
/// row shows `messages` messages.
fn tui_showing(queue: &QueueGuard, messages: u64) -> Tui {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    tui.send_keys(&format!("/{}\r", queue.id()));
    let want = messages.to_string();
    tui.wait_for(
        &format!("queue {} with {messages} messages", queue.id()),
        |s| {
            // Enter has applied the filter: the prompt's cursor is gone.
            s.contains(&format!("filter: /{} ", queue.id()))
                && s.cell(queue.id(), "MSGS").as_deref() == Some(want.as_str())
        },
    );
    tui
}

#[test]
fn shows_a_queue_the_test_created() {
    let queue = QueueGuard::new(0o600).expect("create a test queue");
    let mut tui = tui_showing(&queue, 0);
    let screen = tui.screen();
    assert_eq!(
        screen.cell(queue.id(), "KEY").as_deref(),
        Some("0x00000000"),
        "an IPC_PRIVATE queue has key 0:\n{screen}"
    );
    assert_eq!(screen.cell(queue.id(), "OWNER"), Some(me()));
    assert_eq!(screen.cell(queue.id(), "USED").as_deref(), Some("0 B"));
    // Esc in browse mode drops the filter.
    tui.send_keys("\x1b");
    tui.wait_for("the filter cleared", |s| !s.contains("filter: /"));
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn updates_live_without_a_key_press() {
    let queue = QueueGuard::new(0o600).expect("create a test queue");
    let mut tui = tui_showing(&queue, 0);
    for _ in 0..3 {
        queue.send(1, b"hello");
    }
    let screen = tui.wait_for(&format!("queue {} with 3 messages", queue.id()), |s| {
        s.cell(queue.id(), "MSGS").as_deref() == Some("3")
    });
    assert_eq!(
        screen.cell(queue.id(), "USED").as_deref(),
        Some("15 B"),
        "3 messages of 5 bytes:\n{screen}"
    );
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn paused_says_so_and_r_still_refreshes() {
    let queue = QueueGuard::new(0o600).expect("create a test queue");
    let mut tui = tui_showing(&queue, 0);
    tui.send_keys("p");
    tui.wait_for("PAUSED in the header", |s| s.rows()[0].contains("PAUSED"));
    for _ in 0..3 {
        queue.send(1, b"hello");
    }
    tui.send_keys("r");
    let screen = tui.wait_for(&format!("queue {} with 3 messages", queue.id()), |s| {
        s.cell(queue.id(), "MSGS").as_deref() == Some("3")
    });
    assert!(
        screen.rows()[0].contains("PAUSED"),
        "r does not resume:\n{screen}"
    );
    tui.send_keys("p");
    tui.wait_for("PAUSED gone from the header", |s| {
        !s.rows()[0].contains("PAUSED")
    });
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn help_lists_every_key_and_esc_closes_it() {
    // The whole list fits the classic 80x24 terminal.
    let mut tui = Tui::spawn(Size::new(80, 24), &FAST);
    wait_ready(&tui);
    tui.send_keys("?");
    // Each entry is one line: its keys, blanks, what they do.
    let lists = |s: &e2e::Screen, e: &ipctop::keymap::HelpEntry| {
        s.rows().iter().any(|row| {
            row.find(&format!(" {} ", e.keys)).is_some_and(|at| {
                row[at + e.keys.len() + 2..]
                    .trim_start()
                    .starts_with(&e.help)
            })
        })
    };
    let entries = ipctop::keymap::help_entries(ipctop::keymap::Context::Browse);
    tui.wait_for("every key in the help overlay", |s| {
        entries.iter().all(|e| lists(s, e))
    });
    tui.send_keys("\x1b");
    tui.wait_for("the help closed", |s| {
        !s.contains("show or hide this help") && s.header_row().is_some()
    });
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn q_quits_and_restores_the_terminal() {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    assert!(
        tui.screen().alternate,
        "the TUI runs on the alternate screen"
    );
    tui.send_keys("q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
    assert_terminal_restored(&tui);
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    // In raw mode Ctrl-C is a key, not SIGINT.
    tui.send_keys("\x03");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
    assert_terminal_restored(&tui);
}

/// Starts the TUI, sends it `signal` once it runs, and checks that it
/// exits with `code`, the terminal restored.
fn ends_on(signal: Signal, code: u32) {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    // The signal handler is installed before the first frame is drawn.
    wait_ready(&tui);
    tui.signal(signal);
    let status = tui.wait_exit();
    assert_eq!(
        (status.signal(), status.exit_code()),
        (None, code),
        "{signal} should restore the terminal and exit with {code}, got {status}"
    );
    assert_terminal_restored(&tui);
}

#[test]
fn stop_signals_restore_the_terminal() {
    // Each ends ipctop as `q` does. SIGHUP here comes without a hang-up.
    for signal in [
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGQUIT,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
    ] {
        ends_on(signal, 0);
    }
}

#[test]
fn sigabrt_restores_the_terminal_and_fails() {
    ends_on(Signal::SIGABRT, 1);
}

#[test]
fn sigpipe_is_ignored() {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    // An ignored signal is discarded as it is sent: once kill returns, the
    // program has survived it or is dying of it.
    tui.signal(Signal::SIGPIPE);
    tui.send_keys("p");
    tui.wait_for("PAUSED in the header", |s| s.rows()[0].contains("PAUSED"));
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
}

/// Clears the whole screen (what a full redraw starts with).
const CLEAR_SCREEN: &[u8] = b"\x1b[2J";

/// Starts the TUI, stops it with `stop`, checks that it stopped with the
/// terminal restored, continues it and checks that it redraws in full.
fn suspends_and_resumes(stop: impl FnOnce(&mut Tui)) {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    stop(&mut tui);
    tui.wait_stopped();
    // It wrote the restoring sequences before it stopped.
    tui.wait_for("the terminal restored", |s| {
        !s.alternate && !s.cursor_hidden
    });
    assert_terminal_restored(&tui);
    let mark = tui.raw_output().len();
    tui.signal(Signal::SIGCONT);
    // The emulator keeps the old alternate screen, so the header must come
    // after a clear to count as redrawn.
    tui.wait_for_output("the table redrawn after SIGCONT", |s, raw| {
        s.alternate
            && s.cursor_hidden
            && rfind(&raw[mark..], CLEAR_SCREEN).is_some()
            && s.rows()[0].contains("ipctop · ns ipc:[")
            && s.header_row().is_some()
    });
    let lflag = tui.termios().c_lflag;
    assert_eq!(lflag & libc::ICANON, 0, "raw mode again after SIGCONT");
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
}

#[test]
fn ctrl_z_suspends_and_sigcont_redraws() {
    suspends_and_resumes(|tui| tui.send_keys("\x1a"));
}

#[test]
fn sigtstp_suspends_and_sigcont_redraws() {
    suspends_and_resumes(|tui| tui.signal(Signal::SIGTSTP));
}

#[test]
fn sigcont_alone_redraws() {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    tui.send_keys("p");
    tui.wait_for("PAUSED in the header", |s| s.rows()[0].contains("PAUSED"));
    let mark = tui.raw_output().len();
    tui.signal(Signal::SIGCONT);
    tui.wait_for_output("a full redraw", |s, raw| {
        rfind(&raw[mark..], CLEAR_SCREEN).is_some() && s.rows()[0].contains("PAUSED")
    });
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
}

/// Checks that a program whose terminal was closed ended as on SIGHUP:
/// exit status 0, not killed by a signal (a panic in the panic hook
/// aborts: SIGABRT; a panic in `main` exits with 101; an error nobody can
/// read would be 1).
fn assert_ended_cleanly(status: &portable_pty::ExitStatus) {
    assert!(
        status.signal().is_none() && status.exit_code() == 0,
        "closing the terminal should end ipctop cleanly, got {status}"
    );
}

#[test]
fn closing_the_terminal_ends_cleanly() {
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    tui.hang_up();
    assert_ended_cleanly(&tui.wait_exit());
}

#[test]
fn the_harness_runs_each_program_in_a_private_home_it_removes() {
    let mut tui = Tui::spawn_program(
        Size::new(250, 10),
        "sh",
        &[
            "-c",
            r#"echo "home=$HOME state=$XDG_STATE_HOME config=$XDG_CONFIG_HOME pwd=$(pwd -P)""#,
        ],
        &[],
    );
    assert!(tui.wait_exit().success());
    let home = tui.home().to_path_buf();
    let real = std::fs::canonicalize(&home).expect("resolve the private home");
    let want = format!(
        "home={0} state={0} config={0} pwd={1}",
        home.display(),
        real.display()
    );
    tui.wait_for("the environment echoed", |s| s.contains(&want));
    drop(tui);
    assert!(!home.exists(), "{} removed with the Tui", home.display());

    // A test's own values win.
    let mut tui = Tui::spawn_program(
        Size::new(120, 10),
        "sh",
        &["-c", r#"echo "state=$XDG_STATE_HOME""#],
        &[("XDG_STATE_HOME", "/nonexistent/state")],
    );
    assert!(tui.wait_exit().success());
    tui.wait_for("the test's own value echoed", |s| {
        s.contains("state=/nonexistent/state")
    });
}

#[test]
fn closing_the_terminal_prints_no_panic() {
    // stderr in a file, to read what ipctop says once its terminal is gone.
    let dir = common::TempDir::new("e2e-hangup");
    let log = dir.path().join("stderr");
    let log = log.to_str().expect("a UTF-8 temporary path");
    let mut tui = Tui::spawn_program(
        Size::new(120, 30),
        "sh",
        &[
            "-c",
            r#"exec "$0" "$@" 2>"$IPCTOP_TEST_LOG""#,
            BIN,
            FAST[0],
            FAST[1],
        ],
        &[("IPCTOP_TEST_LOG", log)],
    );
    wait_ready(&tui);
    tui.hang_up();
    assert_ended_cleanly(&tui.wait_exit());
    let stderr = std::fs::read_to_string(log).expect("read the program's stderr");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}

/// The System V queues of uid [`common::NOBODY`] whose last sender is one
/// of `senders`, by id.
fn nobodys_queues_sent_to_by(senders: &[i32]) -> Vec<i32> {
    let table = std::fs::File::open("/proc/sysvipc/msg").expect("open /proc/sysvipc/msg");
    ipctop::collect::sysv_msg::parse_proc_msg(std::io::BufReader::new(table))
        .expect("parse /proc/sysvipc/msg")
        .into_iter()
        .filter(|q| q.cuid == common::NOBODY && senders.contains(&q.lspid))
        .map(|q| q.id)
        .collect()
}

/// The children of process `pid`.
fn children_of(pid: i32) -> Vec<i32> {
    let ppid = |stat: &str| -> Option<i32> {
        stat[stat.rfind(')')? + 1..]
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    std::fs::read_dir("/proc")
        .expect("list /proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|stat| ppid(&stat))
                == Some(pid)
        })
        .collect()
}

/// The shared-memory segments process `creator` made, by id.
fn segments_made_by(creator: i32) -> Vec<i32> {
    let highest = shm::info().expect("list segments").highest_index;
    (0..=highest)
        .filter_map(|index| shm::stat_any(index).expect("read a segment"))
        .filter(|(_, segment)| segment.cpid == creator)
        .map(|(id, _)| id)
        .collect()
}

/// The semaphore sets of uid [`common::NOBODY`] that one of `pids` last
/// operated on (a semaphore records no creator), by id.
fn nobodys_sets_used_by(pids: &[i32]) -> Vec<i32> {
    let highest = sem::info().expect("list semaphore sets").highest_index;
    (0..=highest)
        .filter_map(|index| sem::stat_any(index).expect("read a semaphore set"))
        .filter(|(id, set)| {
            set.cuid == common::NOBODY
                && (0..set.nsems).any(|n| sem::state(*id, n).is_ok_and(|s| pids.contains(&s.pid)))
        })
        .map(|(id, _)| id)
        .collect()
}

/// Objects a test found but did not make; removed with `remove` when
/// dropped, in case the program that made them leaked them.
struct Leaked {
    ids: Vec<i32>,
    remove: fn(i32) -> Result<(), ipctop::sys::SysError>,
}

impl Drop for Leaked {
    fn drop(&mut self) {
        for &id in &self.ids {
            let _ = (self.remove)(id);
        }
    }
}

#[test]
fn demo_as_another_user_cleans_up_when_the_terminal_closes() {
    const TEST: &str = "demo_as_another_user_cleans_up_when_the_terminal_closes";
    if !common::is_root() {
        common::skip(TEST, "switching to uid 65534 needs root");
        return;
    }
    // Not root: no private IPC namespace, so the demo's queues are shared
    // and only its own cleanup removes them.
    let nobody = common::NOBODY.to_string();
    let (reuid, regid) = (format!("--reuid={nobody}"), format!("--regid={nobody}"));
    let mut tui = Tui::spawn_program(
        Size::new(120, 30),
        "setpriv",
        &[
            &reuid,
            &regid,
            "--clear-groups",
            BIN,
            "demo",
            FAST[0],
            FAST[1],
        ],
        &[],
    );
    wait_ready(&tui);
    let demo = tui.pid();
    let workers = children_of(demo);
    assert_eq!(workers.len(), 2, "a producer and a consumer: {workers:?}");
    // The demo sent to its stale queue, the producer to the busy one.
    tui.send_keys("/demo-producer\r");
    tui.wait_for("the producer's first send", |s| {
        s.contains("filter: /demo-producer ") && s.contains(" demo-producer")
    });
    let mut senders = workers.clone();
    senders.push(demo);
    let queues = Leaked {
        ids: nobodys_queues_sent_to_by(&senders),
        remove: msg::remove,
    };
    assert_eq!(
        queues.ids.len(),
        2,
        "the demo's two queues: {:?}",
        queues.ids
    );
    // Its stats segment, and its semaphore set once a worker has used it.
    let deadline = std::time::Instant::now() + e2e::DEADLINE;
    let (segments, sets) = loop {
        let found = (segments_made_by(demo), nobodys_sets_used_by(&workers));
        if found.1.len() == 1 || std::time::Instant::now() > deadline {
            break found;
        }
        std::thread::yield_now();
    };
    let segments = Leaked {
        ids: segments,
        remove: shm::remove,
    };
    let sets = Leaked {
        ids: sets,
        remove: sem::remove,
    };
    assert_eq!(
        segments.ids.len(),
        1,
        "the demo's segment: {:?}",
        segments.ids
    );
    assert_eq!(sets.ids.len(), 1, "the demo's set: {:?}", sets.ids);
    let watched: Vec<_> = workers
        .iter()
        .map(|&w| ipctop::sys::pidfd::open(w).expect("watch a worker"))
        .collect();

    tui.hang_up();
    assert_ended_cleanly(&tui.wait_exit());
    let left: Vec<_> = nobodys_queues_sent_to_by(&senders)
        .into_iter()
        .filter(|id| queues.ids.contains(id))
        .collect();
    assert!(left.is_empty(), "the demo left its queues {left:?} behind");
    let left = segments_made_by(demo);
    assert!(left.is_empty(), "the demo left its segment {left:?} behind");
    let left: Vec<_> = (sets.ids.iter())
        .filter(|id| sem::stat(**id).is_ok())
        .collect();
    assert!(left.is_empty(), "the demo left its set {left:?} behind");
    for (pid, pidfd) in workers.iter().zip(&watched) {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        let mut ready = [PollFd::new(
            std::os::fd::AsFd::as_fd(pidfd),
            PollFlags::POLLIN,
        )];
        let exited = poll(&mut ready, PollTimeout::ZERO).expect("poll a pidfd");
        assert_eq!(exited, 1, "worker {pid} outlived the demo");
    }
}

#[test]
fn refuses_to_run_without_a_terminal() {
    let home = common::TempDir::new("no-terminal");
    let out = Command::new(BIN)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run ipctop");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("ipctop list"), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout, got {:?}",
        out.stdout
    );
}

#[test]
fn runs_at_the_smallest_drawn_size() {
    let queue = QueueGuard::new(0o600).expect("create a test queue");
    let mut tui = Tui::spawn(Size::new(20, 5), &FAST);
    wait_ready(&tui);
    // Only the most useful columns fit and ID is not one of them, so narrow
    // the table down to the queue and read the row under the heading.
    tui.send_keys(&format!("/{}\r", queue.id()));
    let cell = |s: &e2e::Screen, title| {
        let h = s.header_row()?;
        s.cell_in(h, s.rows().get(h + 1)?, title)
    };
    let screen = tui.wait_for("the filtered table with KEY and MSGS", |s| {
        s.contains(&format!("filter: /{} ", queue.id()))
            && cell(s, "KEY").as_deref() == Some("0x00000000")
            && cell(s, "MSGS").as_deref() == Some("0")
    });
    assert!(!screen.contains("terminal too small"), "{screen}");
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
}

#[test]
fn says_so_when_the_terminal_is_too_small() {
    let mut tui = Tui::spawn(Size::new(19, 4), &FAST);
    tui.wait_for("the too-small notice", |s| {
        s.contains("terminal too") && s.contains("small")
    });
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
}

#[test]
fn runs_on_a_huge_terminal() {
    let queue = QueueGuard::new(0o600).expect("create a test queue");
    let mut tui = Tui::spawn(Size::new(300, 100), &FAST);
    wait_ready(&tui);
    tui.send_keys(&format!("/{}\r", queue.id()));
    let screen = tui.wait_for(&format!("queue {} on a wide table", queue.id()), |s| {
        s.has_queue(queue.id())
    });
    // 300 columns fit every column.
    for title in ["PERMS", "CAP", "LAST RCV"] {
        assert!(
            screen.cell(queue.id(), title).is_some(),
            "no {title} column at 300 columns:\n{screen}"
        );
    }
    assert_eq!(
        screen.cell(queue.id(), "PERMS").as_deref(),
        Some("rw-------")
    );
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
}

#[test]
fn list_json_has_the_queue() {
    let queue = QueueGuard::new(0o600).expect("create a test queue");
    for _ in 0..2 {
        queue.send(1, b"hello");
    }
    let out = Command::new(BIN)
        .args(["list", "--json"])
        .stdin(Stdio::null())
        .output()
        .expect("run ipctop list --json");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "status {}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    assert!(doc["namespace"].is_u64(), "{doc}");
    let queues = doc["msg"].as_array().expect("a \"msg\" array");
    let q = queues
        .iter()
        .find(|q| q["id"].as_i64() == Some(i64::from(queue.id())))
        .unwrap_or_else(|| panic!("queue {} not in {stdout}", queue.id()));
    assert_eq!(q["key"].as_u64(), Some(0), "IPC_PRIVATE: {q}");
    assert_eq!(q["perms"].as_u64(), Some(0o600), "{q}");
    assert_eq!(q["messages"].as_u64(), Some(2), "{q}");
    assert_eq!(q["used_bytes"].as_u64(), Some(10), "{q}");
    assert!(q["max_bytes"].as_u64().is_some_and(|m| m > 0), "{q}");
    assert_eq!(q["owner"].as_str(), Some(me().as_str()), "{q}");
}

#[test]
fn list_prints_a_line_for_the_queue() {
    let queue = QueueGuard::new(0o600).expect("create a test queue");
    let out = Command::new(BIN)
        .arg("list")
        .stdin(Stdio::null())
        .output()
        .expect("run ipctop list");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "status {}", out.status);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("------ System V message queues ------"),
        "{stdout}"
    );
    assert!(
        lines.next().is_some_and(|h| h.starts_with("KEY")),
        "{stdout}"
    );
    let id = queue.id().to_string();
    let line = lines
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|fields| fields.get(1) == Some(&id.as_str()))
        .unwrap_or_else(|| panic!("no line for queue {id}:\n{stdout}"));
    // KEY ID OWNER PERMS MESSAGES USED-BYTES MAX-BYTES LSPID LRPID
    assert_eq!(line[0], "0x00000000", "{line:?}");
    assert_eq!(line[3], "600", "{line:?}");
    assert_eq!(line[4], "0", "{line:?}");
}

#[test]
fn the_configuration_file_chooses_the_columns_and_the_sort() {
    let config = common::TempDir::new("e2e-config");
    let dir = config.path().join("ipctop");
    std::fs::create_dir(&dir).expect("create the config dir");
    std::fs::write(
        dir.join("config.toml"),
        "[sysv_msg]\nsort = \"ID\"\ncolumns = [\"MSGS\", \"ID\", \"KEY\"]\n",
    )
    .expect("write the config file");
    let mut tui = Tui::spawn_with_env(
        Size::new(120, 30),
        &FAST,
        &[("XDG_CONFIG_HOME", config.as_str())],
    );
    wait_ready(&tui);
    let screen = tui.wait_for("the configured columns", |s| {
        s.rows()
            .iter()
            .any(|r| r.contains("KEY") && r.contains("ID▲"))
    });
    let header = screen
        .rows()
        .iter()
        .find(|r| r.contains("ID▲"))
        .cloned()
        .unwrap_or_default();
    let words: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(words, ["KEY", "ID▲", "MSGS"], "{screen}");
    // `s` steps through the shown columns alone.
    tui.send_keys("s");
    tui.wait_for("sorted by MSGS", |s| s.contains("MSGS▼"));
    tui.send_keys("s");
    tui.wait_for("sorted by KEY again", |s| s.contains("KEY▲"));
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
}

/// A mouse click (press and release of the left button) at the 0-based
/// cell `(column, row)`, as an xterm in SGR mouse mode sends it.
fn click(column: usize, row: usize) -> String {
    let (x, y) = (column + 1, row + 1);
    format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m")
}

#[test]
fn clicks_sort_by_a_header_and_select_a_row() {
    // Two queues under keys only they share a prefix of: the filter shows
    // just them, whatever other tests create meanwhile.
    let base = 0x4000_0000 | ((std::process::id() as i32 & 0x3f_ffff) << 4);
    let a = QueueGuard::with_key(base | 1, 0o600).expect("create a test queue");
    let b = QueueGuard::with_key(base | 2, 0o600).expect("create a test queue");
    let prefix = &format!("{base:#010x}")[..9];
    let mut tui = Tui::spawn(Size::new(120, 30), &FAST);
    wait_ready(&tui);
    tui.send_keys(&format!("/{prefix}\r"));
    let screen = tui.wait_for("both test queues, filtered", |s| {
        s.contains(&format!("filter: /{prefix} ")) && s.has_queue(a.id()) && s.has_queue(b.id())
    });
    let h = screen.header_row().expect("the table header");
    // Everything left of ID is ASCII: bytes are columns.
    let id_column = screen.rows()[h].find(" ID").expect("an ID column") + 1;
    tui.send_keys(&click(id_column, h));
    let (low, high) = (a.id().min(b.id()), a.id().max(b.id()));
    let id_of = |s: &e2e::Screen, row: usize| {
        let h = s.header_row()?;
        s.cell_in(h, s.rows().get(h + row)?, "ID")
    };
    tui.wait_for("sorted by ID, smallest first", |s| {
        s.header_row().is_some_and(|h| s.rows()[h].contains("ID▲"))
            && id_of(s, 1) == Some(low.to_string())
            && id_of(s, 2) == Some(high.to_string())
    });
    // Enter selected the first row; a click on the second selects it.
    assert!(tui.screen().contains(&format!("· id {low} ")));
    tui.send_keys(&click(3, h + 2));
    tui.wait_for("the second row selected", |s| {
        s.contains(&format!("· id {high} "))
    });
    tui.send_keys(&click(id_column, h));
    tui.wait_for("sorted by ID, largest first", |s| {
        s.header_row().is_some_and(|h| s.rows()[h].contains("ID▼"))
            && id_of(s, 1) == Some(high.to_string())
    });
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
    let raw = tui.raw_output();
    let on = rfind(&raw, b"\x1b[?1000h").expect("the mouse was captured");
    assert!(
        rfind(&raw, b"\x1b[?1000l").is_some_and(|off| off > on),
        "the mouse was left captured"
    );
}

#[test]
fn no_mouse_leaves_the_mouse_alone() {
    let mut tui = Tui::spawn(Size::new(80, 24), &["--interval", "100ms", "--no-mouse"]);
    wait_ready(&tui);
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert!(rfind(&tui.raw_output(), b"\x1b[?1000h").is_none());
}

/// The key of the demo's busy queue, as the table shows it.
const DEMO_BUSY_KEY: &str = "0x0de00001";
/// The key of the demo's stats segment.
const DEMO_STATS_KEY: &str = "0x0de00003";
/// The key of the demo's semaphore set.
const DEMO_SYNC_KEY: &str = "0x0de00004";

/// The id of the queue whose row shows key `key`, if one does.
fn id_of_key(s: &e2e::Screen, key: &str) -> Option<i32> {
    let header = s.header_row()?;
    s.rows()[header + 1..]
        .iter()
        .take_while(|row| !row.trim().is_empty() && !row.starts_with(['┌', '│', '└']))
        .find(|row| s.cell_in(header, row, "KEY").as_deref() == Some(key))
        .and_then(|row| s.cell_in(header, row, "ID")?.parse().ok())
}

/// The command (`comm`) of process `pid`, while it exists (a zombie
/// included).
fn comm(pid: i32) -> Option<String> {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(comm.trim_end().to_owned())
}

/// The children of `demo` named like its workers (`demo-producer`,
/// `demo-consumer`), zombies included, as `pgrep -P` would list them.
fn demo_workers(demo: i32) -> Vec<(i32, String)> {
    children_of(demo)
        .into_iter()
        .filter_map(|pid| Some((pid, comm(pid)?)))
        .filter(|(_, name)| name.starts_with("demo-"))
        .collect()
}

/// Starts `ipctop demo` (as root, in a private IPC namespace) at `size`
/// and waits until it shows its busy queue, selected; returns the queue's
/// id and the workers' pids by name.
fn start_demo(size: Size) -> (Tui, i32, Vec<(i32, String)>) {
    let tui = Tui::spawn(size, &["demo", FAST[0], FAST[1]]);
    let first = tui.wait_for("the demo's busy queue, selected", |s| {
        id_of_key(s, DEMO_BUSY_KEY).is_some() && s.contains(&format!("queue {DEMO_BUSY_KEY} · id"))
    });
    let busy = id_of_key(&first, DEMO_BUSY_KEY).expect("the busy queue's id");
    let workers = demo_workers(tui.pid());
    let mut names: Vec<&str> = workers.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["demo-consumer", "demo-producer"], "{workers:?}");
    (tui, busy, workers)
}

fn worker(workers: &[(i32, String)], name: &str) -> i32 {
    workers
        .iter()
        .find(|(_, n)| n == name)
        .map(|(pid, _)| *pid)
        .expect("the worker")
}

#[test]
fn demo_fills_its_queue_until_the_producer_blocks_and_c_stalls_the_consumer() {
    const TEST: &str = "demo_fills_its_queue_until_the_producer_blocks_and_c_stalls_the_consumer";
    if !common::root_or_skip(TEST, "the demo's private IPC namespace") {
        return;
    }
    let (mut tui, busy, workers) = start_demo(Size::new(120, 30));
    let producer = worker(&workers, "demo-producer");
    let consumer = worker(&workers, "demo-consumer");

    // The story's peak, within the first burst: full, and WAIT counts the
    // producer blocked in msgsnd.
    let screen = tui.wait_for("the busy queue full, its producer blocked in msgsnd", |s| {
        s.cell(busy, "FILL").is_some_and(|f| f.contains("100%"))
            && s.cell(busy, "WAIT")
                .and_then(|w| w.parse::<u32>().ok())
                .is_some_and(|n| n >= 1)
    });
    let named = format!("blocked in msgsnd: {producer} demo-producer");
    assert!(
        screen.contains(&named),
        "the detail pane names it:\n{screen}"
    );

    tui.send_keys("c");
    tui.wait_for("the consumer stalled", |s| s.contains("consumer stalled"));
    let deadline = std::time::Instant::now() + e2e::DEADLINE;
    while e2e::process_state(consumer) != Some('T') {
        assert!(
            std::time::Instant::now() < deadline,
            "consumer {consumer} not stopped"
        );
        std::thread::yield_now();
    }

    // Quitting with the consumer stalled leaves no worker behind.
    quit_demo(&mut tui, &workers);
}

/// Quits the demo with `q`; checks it ended well and left none of
/// `workers` behind.
fn quit_demo(tui: &mut Tui, workers: &[(i32, String)]) {
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(tui);
    for (pid, name) in workers {
        assert!(
            comm(*pid).is_none_or(|c| c != *name),
            "{name} ({pid}) outlived the demo"
        );
    }
}

/// Switches to tab `number`, narrows it to the object with key `key` and
/// waits until its row satisfies `cond`; returns the object's id.
fn demo_object(
    tui: &mut Tui,
    number: char,
    key: &str,
    what: &str,
    cond: impl Fn(&e2e::Screen, i32) -> bool,
) -> i32 {
    tui.send_keys(&format!("{number}/{key}\r"));
    let screen = tui.wait_for(what, |s| {
        s.contains(&format!("filter: /{key} ")) && id_of_key(s, key).is_some_and(|id| cond(s, id))
    });
    id_of_key(&screen, key).expect("the object's id")
}

/// The number in cell `title` of object `id`'s row.
fn number_in(s: &e2e::Screen, id: i32, title: &str) -> Option<u64> {
    s.cell(id, title)?.parse().ok()
}

#[test]
fn demo_shares_a_segment_both_workers_attach_and_a_set_its_producer_waits_on() {
    const TEST: &str = "demo_shares_a_segment_both_workers_attach_and_a_set_its_producer_waits_on";
    if !common::root_or_skip(TEST, "the demo's private IPC namespace") {
        return;
    }
    let (mut tui, _busy, workers) = start_demo(Size::new(160, 30));
    demo_object(
        &mut tui,
        '2',
        DEMO_STATS_KEY,
        "the stats segment, attached by the producer and the consumer",
        |s, id| number_in(s, id, "ATTACH") == Some(2),
    );
    // Used by the workers from the start (the stats lock); after the
    // burst the producer waits at the rest gate for the consumer.
    let set = demo_object(
        &mut tui,
        '3',
        DEMO_SYNC_KEY,
        "the semaphore set, the producer waiting at its gate",
        |s, id| number_in(s, id, "WAITING").is_some_and(|n| n >= 1),
    );
    let screen = tui.screen();
    let last = screen.cell(set, "LAST PID").unwrap_or_default();
    assert!(last.contains(" demo-"), "a worker operated last:\n{screen}");
    quit_demo(&mut tui, &workers);
}

#[test]
fn demo_removing_its_segment_and_set_the_workers_go_on_and_say_so() {
    const TEST: &str = "demo_removing_its_segment_and_set_the_workers_go_on_and_say_so";
    if !common::root_or_skip(TEST, "the demo's private IPC namespace") {
        return;
    }
    // Wide: the removal's outcome and the demo's news share the footer.
    let (mut tui, busy, workers) = start_demo(Size::new(250, 30));
    let segment = demo_object(
        &mut tui,
        '2',
        DEMO_STATS_KEY,
        "the stats segment, attached twice",
        |s, id| number_in(s, id, "ATTACH") == Some(2),
    );
    tui.send_keys("d");
    tui.wait_for("the segment's removal dialog", |s| {
        s.contains(&format!("remove segment {segment}?")) && s.contains("y remove")
    });
    tui.send_keys("y");
    let news = "demo: producer and consumer go on without their stats segment (removed)";
    // Marked only, it goes once both workers have detached.
    tui.wait_for("the news, the segment gone with its last user", |s| {
        s.footer().contains(news) && s.header_row().is_some() && s.cell(segment, "ID").is_none()
    });

    let set = demo_object(&mut tui, '3', DEMO_SYNC_KEY, "the semaphore set", |_, _| {
        true
    });
    tui.send_keys("d");
    tui.wait_for("the set's removal dialog, waiters looked up", |s| {
        s.contains(&format!("remove semaphore set {set}?"))
            && s.contains("y remove")
            && !s.contains("looking for blocked")
    });
    tui.send_keys("y");
    let news =
        "demo: producer and consumer go on without their stats segment and semaphore set (removed)";
    tui.wait_for("the news, the set gone", |s| {
        s.footer().contains(news) && s.header_row().is_some() && s.cell(set, "ID").is_none()
    });

    // The queue story goes on: both workers still at it.
    tui.send_keys("1");
    tui.wait_for("the busy queue, still there", |s| s.has_queue(busy));
    let mut running: Vec<String> = demo_workers(tui.pid())
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    running.sort_unstable();
    assert_eq!(running, ["demo-consumer", "demo-producer"]);
    quit_demo(&mut tui, &workers);
}

#[test]
fn demo_removing_its_queues_reaps_the_workers_and_says_so() {
    const TEST: &str = "demo_removing_its_queues_reaps_the_workers_and_says_so";
    if !common::root_or_skip(TEST, "the demo's private IPC namespace") {
        return;
    }
    let (mut tui, busy, _workers) = start_demo(Size::new(160, 30));
    let demo = tui.pid();
    let dialog_of = |what: String| {
        move |s: &e2e::Screen| {
            s.contains(&what) && s.contains("y remove") && !s.contains("looking for blocked")
        }
    };

    tui.send_keys("d");
    tui.wait_for(
        "the removal dialog, blocked tasks looked up",
        dialog_of(format!("remove queue {busy}?")),
    );
    tui.send_keys("y");
    let news = "demo: producer and consumer stopped: their queue was removed";
    tui.wait_for("the demo's news, the queue gone", |s| {
        s.contains(news) && !s.has_queue(busy)
    });
    // Both told of only once reaped: not even a zombie is left.
    assert_eq!(demo_workers(demo), [], "workers left behind");

    // The stale queue is the only one left, selected: remove it too.
    tui.send_keys("d");
    tui.wait_for(
        "the stale queue's removal dialog",
        dialog_of("key 0x0de00002".to_owned()),
    );
    tui.send_keys("y");
    let empty = tui.wait_for("the empty table", |s| {
        s.contains("no message queues in this namespace")
    });
    assert!(
        !empty.contains("try:"),
        "no demo suggested in the demo:\n{empty}"
    );
    tui.send_keys("q");
    assert!(tui.wait_exit().success());
}
