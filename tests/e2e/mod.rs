//! A harness for end-to-end tests: the real `ipctop` binary in a
//! pseudo-terminal, its output parsed by a `vt100` terminal emulator.
//!
//! ```ignore
//! let mut tui = Tui::spawn(Size::new(120, 30), &["--interval", "100ms"]);
//! tui.wait_for("the header", |s| s.rows()[0].contains("ipctop · ns ipc:["));
//! tui.send_keys("q");
//! assert!(tui.wait_exit().success());
//! ```
//!
//! How it synchronises: a reader thread feeds every byte the program writes
//! into a [`vt100::Parser`] (and keeps a copy of the raw bytes), then wakes
//! any waiter through a [`Condvar`]. [`Tui::wait_for`] re-checks its
//! condition on the parsed screen after every chunk of output, so a test
//! proceeds the moment the screen is right. Nothing sleeps: the only clock
//! is [`DEADLINE`], a generous failure timeout after which the test panics
//! and prints the screen it was looking at.
//!
//! Keys sent before the program has switched the terminal to raw mode would
//! be line-buffered and echoed by the tty, so always wait for the first
//! frame (e.g. the header) before [`Tui::send_keys`].
//!
//! Column arithmetic in [`Screen`] assumes narrow (one-cell) characters,
//! which is all ipctop draws in its tables.
//!
//! Every program runs with `HOME`, `XDG_STATE_HOME`, `XDG_CONFIG_HOME`
//! and its working directory in a fresh temporary directory of the
//! [`Tui`]'s own (removed with it), unless the test passes its own values:
//! no test reads the configuration file of the user running the tests
//! (a test writes `ipctop/config.toml` under [`Tui::home`] to give one), and
//! nothing a test does,
//! such as removing a queue (which appends to the audit log under
//! `XDG_STATE_HOME`, or `HOME` without it) or saving a message under a
//! relative name, can write to the files of the user running the tests.
//!
//! The harness uses `common` (for [`TempDir`]): a test binary that
//! declares `mod e2e;` declares `mod common;` too. Each uses the subset it
//! needs; hence the `dead_code` allowance.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

use crate::common::TempDir;

/// How long any wait may take before the test fails. A failure timeout,
/// not a synchronisation delay: passing tests finish far sooner.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The path of the binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_ipctop");

/// Terminal size in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Columns.
    pub cols: u16,
    /// Rows.
    pub rows: u16,
}

impl Size {
    /// `cols` x `rows`.
    pub const fn new(cols: u16, rows: u16) -> Self {
        Self { cols, rows }
    }
}

/// What the reader thread shares with the test.
struct Output {
    /// The emulated terminal.
    parser: vt100::Parser,
    /// Every byte the program wrote, in order.
    raw: Vec<u8>,
    /// The pty reported end of file: every holder of the slave side (the
    /// program and anything it started) has closed it.
    eof: bool,
}

/// The output and the condition variable signalled on every change.
type Shared = Arc<(Mutex<Output>, Condvar)>;

fn lock(shared: &Shared) -> MutexGuard<'_, Output> {
    // A panicking test must still be able to print the screen.
    shared.0.lock().unwrap_or_else(|e| e.into_inner())
}

/// The program's side of the pty while the terminal is open.
struct Pty {
    master: Box<dyn MasterPty + Send>,
    /// Where keys are typed: a descriptor of the master of our own (the
    /// writer `portable-pty` hands out types "\n" + EOF when dropped,
    /// which a closed window never does).
    keys: File,
    /// Closing it stops the reader thread.
    stop_reader: OwnedFd,
}

/// The program running in a pseudo-terminal. Dropping it ends the program
/// (SIGHUP, then SIGKILL) if it still runs.
pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    /// `None` once [`Tui::hang_up`] closed the terminal.
    pty: Option<Pty>,
    shared: Shared,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
    size: Size,
    /// The program's `HOME`, `XDG_STATE_HOME`, `XDG_CONFIG_HOME` and working
    /// directory (unless
    /// the test gave its own), removed when the `Tui` is dropped, after the
    /// program has ended.
    home: TempDir,
}

/// A close-on-exec duplicate of `fd`, so that no program started by
/// another test holds the terminal open.
fn dup_master(master: &dyn MasterPty) -> File {
    let fd: RawFd = master.as_raw_fd().expect("the pty master has an fd");
    // SAFETY: `master` owns `fd` and outlives this borrow, which is only
    // used to duplicate it.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    File::from(fd.try_clone_to_owned().expect("duplicate the pty master"))
}

impl Tui {
    /// Starts `ipctop args…` in a fresh pseudo-terminal of `size`, with
    /// `TERM=xterm-256color`.
    pub fn spawn(size: Size, args: &[&str]) -> Self {
        Self::spawn_with_env(size, args, &[])
    }

    /// Like [`Tui::spawn`], with extra environment variables.
    pub fn spawn_with_env(size: Size, args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn_program(size, BIN, args, env)
    }

    /// Starts `program args…` (which runs ipctop, e.g. `setpriv … ipctop`,
    /// keeping its pid) in a fresh pseudo-terminal of `size`, with
    /// `TERM=xterm-256color` and `env`, in a private home (see the module
    /// docs).
    pub fn spawn_program(size: Size, program: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: size.rows,
                cols: size.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let home = TempDir::new("e2e-home");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(home.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home.path());
        cmd.env("XDG_STATE_HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path());
        // The test's own values, set last, win.
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("start {program}: {e:#}"));
        // Only the child may hold the slave side, so that the reader sees
        // end of file when the child is gone.
        drop(pair.slave);

        let mut tty = dup_master(&*pair.master);
        let keys = dup_master(&*pair.master);
        let (stopped, stop_reader) =
            nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).expect("a pipe");
        let parser = vt100::Parser::new(
            size.rows.try_into().expect("at least one row"),
            size.cols.try_into().expect("at least one column"),
            0,
        );
        let shared: Shared = Arc::new((
            Mutex::new(Output {
                parser,
                raw: Vec::new(),
                eof: false,
            }),
            Condvar::new(),
        ));
        let feed = Arc::clone(&shared);
        let reader = std::thread::Builder::new()
            .name("pty-reader".into())
            .spawn(move || {
                use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
                let mut buf = [0u8; 16 * 1024];
                loop {
                    let mut ready = [
                        PollFd::new(tty.as_fd(), PollFlags::POLLIN),
                        PollFd::new(stopped.as_fd(), PollFlags::POLLIN),
                    ];
                    match poll(&mut ready, PollTimeout::NONE) {
                        Ok(_) => {}
                        Err(nix::errno::Errno::EINTR) => continue,
                        Err(_) => break,
                    }
                    // The test hangs up: let go of the master.
                    if ready[1].any().unwrap_or(true) {
                        break;
                    }
                    let n = match tty.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        // Linux reports a closed slave side as EIO.
                        Err(_) => break,
                    };
                    let mut out = lock(&feed);
                    out.parser.process(&buf[..n]);
                    out.raw.extend_from_slice(&buf[..n]);
                    drop(out);
                    feed.1.notify_all();
                }
                lock(&feed).eof = true;
                feed.1.notify_all();
            })
            .expect("start the pty reader thread");

        Self {
            child,
            pty: Some(Pty {
                master: pair.master,
                keys,
                stop_reader,
            }),
            shared,
            reader: Some(reader),
            status: None,
            size,
            home,
        }
    }

    /// The private directory the program runs in, which is also its
    /// `HOME`, `XDG_STATE_HOME` and `XDG_CONFIG_HOME` unless the test gave
    /// its own.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The program's process id.
    pub fn pid(&self) -> i32 {
        let pid = self.child.process_id().expect("the child has a pid");
        i32::try_from(pid).expect("pid fits in pid_t")
    }

    /// The terminal size the program was started with.
    pub fn size(&self) -> Size {
        self.size
    }

    fn pty(&self) -> &Pty {
        self.pty.as_ref().expect("the terminal was hung up")
    }

    /// Types `keys` as raw bytes: `"\r"` is Enter, `"\x1b"` Esc,
    /// `"\x03"` Ctrl-C.
    pub fn send_keys(&mut self, keys: &str) {
        let mut tty = &self.pty().keys;
        tty.write_all(keys.as_bytes())
            .unwrap_or_else(|e| panic!("type {keys:?}: {e}"));
    }

    /// Closes the terminal as a closed window, a dropped ssh connection or
    /// `tmux kill-pane` does: every descriptor of the master side is
    /// closed, so the kernel hangs the terminal up (SIGHUP to the program,
    /// EIO on its writes). What the program writes afterwards is lost.
    pub fn hang_up(&mut self) {
        let Some(pty) = self.pty.take() else {
            return;
        };
        let Pty {
            master,
            keys,
            stop_reader,
        } = pty;
        drop(stop_reader);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the pty reader thread panicked");
        }
        drop((keys, master));
    }

    /// Sends `signal` to the program.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid()), signal)
            .unwrap_or_else(|e| panic!("send {signal}: {e}"));
    }

    /// The screen as it is now.
    pub fn screen(&self) -> Screen {
        Screen::of(lock(&self.shared).parser.screen())
    }

    /// Every byte the program has written so far.
    pub fn raw_output(&self) -> Vec<u8> {
        lock(&self.shared).raw.clone()
    }

    /// Waits until `cond` holds for the screen and returns that screen.
    /// Panics, printing the screen, if that takes longer than [`DEADLINE`]
    /// or the program exits first; `what` says what was expected.
    pub fn wait_for(&self, what: &str, cond: impl Fn(&Screen) -> bool) -> Screen {
        self.wait_for_output(what, |screen, _| cond(screen))
    }

    /// Like [`Tui::wait_for`], with `cond` also given every byte the
    /// program has written so far.
    pub fn wait_for_output(&self, what: &str, cond: impl Fn(&Screen, &[u8]) -> bool) -> Screen {
        let deadline = Instant::now() + DEADLINE;
        let mut out = lock(&self.shared);
        loop {
            let screen = Screen::of(out.parser.screen());
            if cond(&screen, &out.raw) {
                return screen;
            }
            let now = Instant::now();
            if out.eof || now >= deadline {
                let why = if out.eof {
                    "the program exited".to_owned()
                } else {
                    format!("gave up after {DEADLINE:?}")
                };
                drop(out);
                panic!("waiting for {what}: {why}; the screen:\n{screen}");
            }
            out = self
                .shared
                .1
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits for the program to exit (its side of the terminal closed, or
    /// the terminal hung up) and returns its exit status. Panics, printing
    /// the screen, after [`DEADLINE`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        if let Some(status) = &self.status {
            return status.clone();
        }
        let deadline = Instant::now() + DEADLINE;
        let mut out = lock(&self.shared);
        while !out.eof {
            let now = Instant::now();
            if now >= deadline {
                let screen = Screen::of(out.parser.screen());
                drop(out);
                panic!("the program did not exit within {DEADLINE:?}; the screen:\n{screen}");
            }
            out = self
                .shared
                .1
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        drop(out);
        // Output ends as the process exits, so this returns at once, but
        // after a hang-up the program may still be on its way out.
        assert!(
            wait_gone(self.pid(), deadline),
            "the program did not exit within {DEADLINE:?}"
        );
        let status = self.child.wait().expect("wait for the program");
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the pty reader thread panicked");
        }
        self.status = Some(status.clone());
        status
    }

    /// Waits until the program is stopped (job control), and checks that
    /// `/proc` says so too. Panics after [`DEADLINE`].
    pub fn wait_stopped(&self) {
        use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
        let pid = nix::unistd::Pid::from_raw(self.pid());
        let (tx, rx) = std::sync::mpsc::channel();
        // waitid blocks without a timeout, so it waits on a thread of its
        // own; WNOWAIT leaves the stop to be reported again.
        std::thread::spawn(move || {
            let _ = tx.send(waitid(
                Id::Pid(pid),
                WaitPidFlag::WSTOPPED | WaitPidFlag::WNOWAIT,
            ));
        });
        match rx.recv_timeout(DEADLINE) {
            Ok(Ok(WaitStatus::Stopped(..))) => {}
            Ok(other) => panic!("waiting for the program to stop: {other:?}"),
            Err(_) => panic!(
                "the program did not stop within {DEADLINE:?}; the screen:\n{}",
                self.screen()
            ),
        }
        assert_eq!(process_state(self.pid()), Some('T'), "stopped, says /proc");
    }

    /// The terminal's current settings, read through the master side (they
    /// are the slave's settings, and outlive the program).
    pub fn termios(&self) -> libc::termios {
        let fd: RawFd = self
            .pty()
            .master
            .as_raw_fd()
            .expect("the pty master has an fd");
        // SAFETY: tcgetattr writes one `termios` into the zeroed struct.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is the open master and `t` a valid `termios`.
        let rc = unsafe { libc::tcgetattr(fd, &mut t) };
        assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        t
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.status.is_none() {
            if let Ok(None) = self.child.try_wait() {
                // SIGHUP, and SIGKILL if that did not end it.
                let _ = self.child.kill();
            }
            let _ = self.child.wait();
        }
        // Closing the stop pipe ends the reader even if the program left a
        // grandchild holding the terminal.
        if let Some(pty) = self.pty.take() {
            drop(pty.stop_reader);
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// Waits until process `pid` has exited (it may be a zombie), at most
/// until `deadline`; `false` if it still runs then.
pub fn wait_gone(pid: i32, deadline: Instant) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let Ok(pidfd) = ipctop::sys::pidfd::open(pid) else {
        // Reaped already.
        return true;
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
        let mut ready = [PollFd::new(pidfd.as_fd(), PollFlags::POLLIN)];
        match poll(&mut ready, timeout) {
            Ok(0) => return false,
            Ok(_) => return true,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => panic!("poll the pidfd of {pid}: {e}"),
        }
    }
}

/// The state letter of process `pid` in `/proc/PID/stat` (`R`, `S`, `T`,
/// …); `None` if it is gone.
pub fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold blanks and parentheses: the state follows
    // the last `)`.
    stat[stat.rfind(')')? + 1..].trim_start().chars().next()
}

/// A copy of the terminal's text, one `String` per row, one character per
/// cell (wide characters take one character for their two cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    rows: Vec<String>,
    /// The alternate screen is active.
    pub alternate: bool,
    /// The cursor is hidden.
    pub cursor_hidden: bool,
}

impl Screen {
    fn of(screen: &vt100::Screen) -> Self {
        let (rows, cols) = screen.size();
        let rows = (0..rows.get())
            .map(|r| {
                let mut line = String::with_capacity(usize::from(cols.get()));
                for c in 0..cols.get() {
                    match screen.cell(r, c) {
                        Some(cell) if cell.is_wide_continuation() => {}
                        Some(cell) if cell.has_contents() => line.push_str(cell.contents()),
                        _ => line.push(' '),
                    }
                }
                line
            })
            .collect();
        Self {
            rows,
            alternate: screen.alternate_screen(),
            cursor_hidden: screen.hide_cursor(),
        }
    }

    /// The rows, full width (trailing blanks included).
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// Does any row contain `needle`? (Text wrapped across rows does not
    /// count.)
    pub fn contains(&self, needle: &str) -> bool {
        self.rows.iter().any(|r| r.contains(needle))
    }

    /// The row index of the table's column headings (the first row that
    /// starts with `KEY`).
    pub fn header_row(&self) -> Option<usize> {
        self.rows.iter().position(|r| r.starts_with("KEY "))
    }

    /// The text of column `title` (e.g. `"MSGS"`) in the table row whose
    /// ID column reads `id`. `None` while no such row is shown or the
    /// column is not (narrow terminals drop columns); `Some("")` for a
    /// blank cell. See [`Screen::cell_in`] for how cells are found.
    pub fn cell(&self, id: i32, title: &str) -> Option<String> {
        let header = self.header_row()?;
        let id = id.to_string();
        self.rows[header + 1..]
            .iter()
            // The table ends at a blank row or at the detail pane's border.
            .take_while(|row| !row.trim().is_empty() && !row.starts_with(['┌', '│', '└']))
            .find(|row| self.cell_in(header, row, "ID").as_deref() == Some(id.as_str()))
            .and_then(|row| self.cell_in(header, row, title))
    }

    /// Does the table show a row for queue `id`?
    pub fn has_queue(&self, id: i32) -> bool {
        self.cell(id, "ID").is_some()
    }

    /// Cell `title` of `row`, read against the heading row `header`.
    ///
    /// The table's column widths are private to the UI, so cells are found
    /// from what is on screen: a title is aligned like its values (left, or
    /// right for numbers), so every non-blank value shares at least one
    /// cell with its title. The cell is the run of words (separated by
    /// single blanks) that overlaps the title and no other heading word —
    /// `0 B` under `USED`, `rw-------` under `PERMS`. A value that does not
    /// touch its title (the percentage of an empty `FILL` bar) reads as
    /// blank.
    pub fn cell_in(&self, header: usize, row: &str, title: &str) -> Option<String> {
        let heading = &self.rows[header];
        let target = title_span(heading, title)?;
        let heading_words = words(heading);
        let foreign = |w: Span| {
            heading_words
                .iter()
                .any(|h| overlaps(*h, w) && !overlaps(*h, target))
        };
        let chars: Vec<char> = row.chars().collect();
        let row_words = words(row);
        let Some(first) = row_words
            .iter()
            .position(|w| overlaps(*w, target) && !foreign(*w))
        else {
            return Some(String::new());
        };
        let mut last = first;
        while last + 1 < row_words.len()
            && row_words[last + 1].0 == row_words[last].1 + 1
            && !foreign(row_words[last + 1])
        {
            last += 1;
        }
        let mut first = first;
        while first > 0
            && row_words[first - 1].1 + 1 == row_words[first].0
            && !foreign(row_words[first - 1])
        {
            first -= 1;
        }
        Some(
            chars[row_words[first].0..row_words[last].1]
                .iter()
                .collect(),
        )
    }
}

/// A range of columns, `[start, end)`.
type Span = (usize, usize);

fn overlaps(a: Span, b: Span) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The runs of non-blank characters of `line`.
fn words(line: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.chars().chain([' ']).enumerate() {
        match (c == ' ', start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Where `title` is in `heading`, matched as whole words; a sort arrow
/// (`▲`/`▼`) right after it belongs to it.
fn title_span(heading: &str, title: &str) -> Option<Span> {
    let h: Vec<char> = heading.chars().collect();
    let t: Vec<char> = title.chars().collect();
    let start = (0..h.len()).find(|&i| {
        h[i..].starts_with(&t)
            && (i == 0 || h[i - 1] == ' ')
            && h.get(i + t.len())
                .is_none_or(|c| matches!(c, ' ' | '▲' | '▼'))
    })?;
    let mut end = start + t.len();
    if h.get(end).is_some_and(|c| matches!(c, '▲' | '▼')) {
        end += 1;
    }
    Some((start, end))
}

impl std::fmt::Display for Screen {
    /// The rows in a frame, trailing blanks trimmed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = self.rows.first().map_or(0, |r| r.chars().count());
        writeln!(f, "┌{}┐", "─".repeat(width))?;
        for row in &self.rows {
            writeln!(f, "│{}", row.trim_end())?;
        }
        write!(
            f,
            "└{}┘ (alternate screen: {}, cursor hidden: {})",
            "─".repeat(width),
            self.alternate,
            self.cursor_hidden
        )
    }
}

/// The byte offset of the last occurrence of `needle` in `hay`.
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Leaves the alternate screen (DECSET 1049 reset).
pub const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
/// Enters the alternate screen.
pub const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";
/// Shows the cursor (DECTCEM set).
pub const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
/// Hides the cursor.
pub const HIDE_CURSOR: &[u8] = b"\x1b[?25l";

/// Checks that a program that has exited left the terminal as it found
/// it: the raw output leaves the alternate screen and shows the cursor
/// after the last time it entered / hid them, the emulated terminal agrees,
/// and the tty is back in cooked mode (canonical input, echo).
pub fn assert_terminal_restored(tui: &Tui) {
    let raw = tui.raw_output();
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).into_owned();
    let after = |done: &[u8], undone: &[u8]| match (rfind(&raw, done), rfind(&raw, undone)) {
        (Some(d), Some(u)) => d > u,
        (Some(_), None) => true,
        (None, _) => false,
    };
    assert!(
        after(LEAVE_ALTERNATE_SCREEN, ENTER_ALTERNATE_SCREEN),
        "the output does not end by leaving the alternate screen (\\e[?1049l); its end: {tail:?}"
    );
    assert!(
        after(SHOW_CURSOR, HIDE_CURSOR),
        "the output does not end by showing the cursor (\\e[?25h); its end: {tail:?}"
    );
    let screen = tui.screen();
    assert!(
        !screen.alternate && !screen.cursor_hidden,
        "terminal left in a TUI state:\n{screen}"
    );
    let lflag = tui.termios().c_lflag;
    assert!(
        lflag & libc::ICANON != 0 && lflag & libc::ECHO != 0,
        "the tty was left in raw mode (c_lflag {lflag:#o})"
    );
}

/// One row of the peek view's message list, as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeekRow {
    /// The row carries the msgrcv-preview mark (`▶`).
    pub marked: bool,
    /// The `#` column: the message's position in the queue (`1,234`).
    pub index: String,
    /// The `MTYPE` column.
    pub mtype: String,
    /// The `SIZE` column (`11 B`).
    pub size: String,
    /// The `PREVIEW` column, trailing blanks trimmed.
    pub preview: String,
}

impl Screen {
    /// The row index of the peek view's column headings (`#`, `MTYPE`,
    /// `SIZE`, `PREVIEW`), while the message list is shown.
    pub fn peek_header_row(&self) -> Option<usize> {
        self.rows.iter().position(|r| {
            r.trim_start().starts_with("# ") && r.contains(" MTYPE ") && r.contains(" PREVIEW")
        })
    }

    /// The peek list's row for the message at queue position `index`.
    ///
    /// The numeric columns are right-aligned under left-aligned headings,
    /// so they are read as words (`#`, `MTYPE`, then the two words of
    /// `SIZE`); the preview is everything from the `PREVIEW` heading's
    /// column on, so a preview's own blanks are kept (but for trailing
    /// ones).
    pub fn peek_row(&self, index: usize) -> Option<PeekRow> {
        let header = self.peek_header_row()?;
        let (preview_at, _) = title_span(&self.rows[header], "PREVIEW")?;
        let want = index.to_string();
        self.rows[header + 1..]
            .iter()
            .take_while(|row| !row.trim().is_empty())
            .find_map(|row| {
                let chars: Vec<char> = row.chars().collect();
                let marked = chars.first() == Some(&'▶');
                let numbers: String = chars.get(1..preview_at.min(chars.len()))?.iter().collect();
                let words: Vec<&str> = numbers.split_whitespace().collect();
                let [idx, mtype, amount, unit] = words[..] else {
                    return None;
                };
                (idx.replace(',', "") == want).then(|| PeekRow {
                    marked,
                    index: idx.to_owned(),
                    mtype: mtype.to_owned(),
                    size: format!("{amount} {unit}"),
                    preview: chars
                        .get(preview_at..)
                        .map(|p| p.iter().collect::<String>().trim_end().to_owned())
                        .unwrap_or_default(),
                })
            })
    }

    /// The last row (the footer: key hints and the status), trimmed.
    pub fn footer(&self) -> &str {
        self.rows.last().map_or("", |r| r.trim())
    }
}
