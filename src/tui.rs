//! The interactive monitor: terminal setup, the main loop, and teardown.

use std::io::{self, IsTerminal, Stdout};
use std::mem::ManuallyDrop;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use nix::sys::termios::{LocalFlags, tcgetattr};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Rect;

use crate::app::demo::{Demo, Order, Report};
use crate::app::{App, Drawn, Effect, Event};
use crate::collect::Collector;
use crate::config::Settings;
use crate::event::{self, Control};
use crate::ui;

/// Why the TUI could not run.
#[derive(Debug)]
pub enum TuiError {
    /// stdout is a file or a pipe.
    NotATerminal,
    /// Reading the kernel failed before anything could be shown.
    Collect(crate::collect::CollectError),
    /// The terminal failed.
    Io(std::io::Error),
    /// The monitor stopped because a part of it failed.
    Fatal(String),
}

impl std::fmt::Display for TuiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotATerminal => write!(
                f,
                "stdout is not a terminal; for scripts use `ipctop list` or `ipctop list --json`"
            ),
            Self::Collect(e) => e.fmt(f),
            Self::Io(e) => write!(f, "terminal error: {e}"),
            Self::Fatal(reason) => write!(f, "stopped: {reason}"),
        }
    }
}

impl std::error::Error for TuiError {}

impl From<std::io::Error> for TuiError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// The terminal ipctop draws on: stdout.
type Screen = Terminal<CrosstermBackend<Stdout>>;

/// Full-screen mode: raw input, the alternate screen, no cursor, and
/// the mouse reported to us if `mouse`.
fn enter(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, Hide)?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

/// Puts the terminal back as the shell had it. Every step is tried and
/// every failure ignored: this runs on the way out (and in the panic
/// hook), where a vanished terminal fails each write with EIO, and nobody
/// is left to tell. Nothing here may panic.
fn restore() {
    let _ = disable_raw_mode();
    // Always: it may be on even if this run did not turn it on (a crash
    // of ours mid-way), and turning it off twice is harmless.
    let _ = execute!(io::stdout(), DisableMouseCapture);
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

/// Full-screen mode again after a stop (ours or anyone's: a shell may have
/// reset the terminal meanwhile), then a full redraw on the next frame.
fn resume(screen: &mut Screen, mouse: bool) -> io::Result<()> {
    // crossterm sets raw mode only if it thinks it is off. Turning it off
    // first only when the terminal is in line mode anyway never puts a
    // raw terminal in line mode, not even for a moment.
    if line_mode() {
        let _ = disable_raw_mode();
    }
    enter(mouse)?;
    // Clears the screen and ratatui's idea of it, so the next frame draws
    // every cell, at the terminal's size now. (`Terminal::clear` would ask
    // the terminal where its cursor is, and the answer would race the
    // input thread for the keyboard.)
    let size = screen.size()?;
    screen.resize(Rect::new(0, 0, size.width, size.height))
}

/// Is the terminal in line mode (cooked), as a shell leaves it?
fn line_mode() -> bool {
    tcgetattr(io::stdout()).is_ok_and(|t| t.local_flags.contains(LocalFlags::ICANON))
}

/// Ctrl-Z or SIGTSTP: the terminal restored, the process stopped like
/// any job; on SIGCONT the screen comes back. SIGSTOP, not SIGTSTP: the
/// kernel drops a SIGTSTP to a process group without a shell to resume
/// it (an orphaned one), and the terminal would be restored for nothing.
fn suspend(screen: &mut Screen, mouse: bool) -> io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    resume(screen, mouse)
}

/// Is `e` the error of a terminal that went away (window closed, ssh
/// dropped)? Writes to a hung-up terminal fail with EIO.
fn vanished(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EIO)
}

/// Restores the terminal however the loop ends, and on a panic before the
/// message is printed (ratatui's own hook reports a failed restore with
/// `eprintln!`, which panics again on a vanished terminal and aborts).
struct RestoreOnDrop;

impl RestoreOnDrop {
    fn install() -> Self {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            hook(info);
        }));
        Self
    }
}

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        restore();
    }
}

/// A workload the monitor runs beside and steers: `ipctop demo`'s.
pub trait Workload {
    /// The demo's part of the model, as the workload starts.
    fn model(&self) -> Demo;
    /// From now on, tells `events` what happens to the workload
    /// ([`Event::Demo`]).
    fn watch(&mut self, events: mpsc::Sender<Event>) -> io::Result<()>;
    /// Carries out `order`; says how it went.
    fn perform(&mut self, order: Order) -> Report;
}

/// Runs the monitor with `settings` until the user quits or a signal
/// arrives.
pub fn run(settings: &Settings) -> Result<(), TuiError> {
    run_with(settings, None)
}

/// [`run`], beside `workload` (the demo's), if there is one.
pub fn run_with(settings: &Settings, workload: Option<&mut dyn Workload>) -> Result<(), TuiError> {
    match show(settings, workload) {
        // A vanished terminal is a normal way to end (as the SIGHUP that
        // comes with it is): nothing to restore, nobody to tell.
        Err(TuiError::Io(e)) if vanished(&e) => Ok(()),
        other => other,
    }
}

fn show(settings: &Settings, mut workload: Option<&mut dyn Workload>) -> Result<(), TuiError> {
    if !std::io::stdout().is_terminal() {
        return Err(TuiError::NotATerminal);
    }
    let collector = Collector::new().map_err(TuiError::Collect)?;
    let (tx, rx) = mpsc::channel();
    // Signals are caught before the terminal changes, and the guard exists
    // before it does: no exit path leaves a raw terminal behind.
    event::spawn_signals(tx.clone())?;
    let _restore = RestoreOnDrop::install();
    enter(false)?;
    // Never dropped: its Drop shows the cursor and reports a failure with
    // `eprintln!`, which panics when stderr is a vanished terminal;
    // `restore` shows the cursor instead.
    let mut terminal = ManuallyDrop::new(Terminal::new(CrosstermBackend::new(io::stdout()))?);
    let size = terminal.size()?;
    let mut app = App::new(settings.interval, (size.width, size.height));
    app.configure(settings);
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    app.demo = workload.as_ref().map(|w| w.model());
    app.suggestion =
        crate::app::demo::suggestion(app.demo.is_some(), |var| std::env::var_os(var).is_some());
    if let Some(w) = workload.as_deref_mut() {
        w.watch(tx.clone())?;
    }
    let reports = tx.clone();
    if app.mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }

    let collector = event::spawn_collector(collector, app.interval, tx.clone())?;
    let actions = event::spawn_actions(&tx)?;
    event::spawn_input(tx)?;

    // The status on screen and when it has been shown long enough.
    let mut expiry: Option<(u64, Instant)> = None;
    loop {
        // Keys read before this frame began cannot answer what it shows.
        let drawing = Instant::now();
        let mut drawn = Drawn::default();
        terminal.draw(|frame| drawn = ui::draw(frame, &app))?;
        app.drawn(drawing, drawn);
        expiry = match (&app.status, expiry) {
            (Some(status), Some((serial, at))) if serial == status.serial => Some((serial, at)),
            (Some(status), _) => Some((status.serial, drawing + status.lasts())),
            (None, _) => None,
        };
        // Asleep until something happens, or the status is due to go.
        let first = match expiry {
            Some((serial, at)) => {
                match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => Event::StatusExpired(serial),
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            }
            None => match rx.recv() {
                Ok(event) => event,
                Err(_) => return Ok(()),
            },
        };
        // Take everything already waiting, so a burst costs one frame.
        let mut effects = Vec::new();
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            if matches!(msg, Event::Snapshot(_)) {
                collector.snapshot_taken();
            }
            effects.extend(app.update(msg));
        }
        for effect in effects {
            let order = match effect {
                Effect::Quit => {
                    return match app.fatal.take() {
                        Some(reason) => Err(TuiError::Fatal(reason)),
                        None => Ok(()),
                    };
                }
                Effect::Suspend => {
                    suspend(&mut terminal, app.mouse)?;
                    continue;
                }
                Effect::Redraw => {
                    resume(&mut terminal, app.mouse)?;
                    continue;
                }
                Effect::SetInterval(d) => Control::SetInterval(d),
                Effect::SetPaused(p) => Control::SetPaused(p),
                Effect::RefreshNow => Control::RefreshNow,
                Effect::Demo(order) => {
                    if let Some(w) = workload.as_deref_mut() {
                        // Taken with the next batch, like any event.
                        let _ = reports.send(Event::Demo(w.perform(order)));
                    }
                    continue;
                }
                Effect::Act(job) => {
                    if !actions.send(job) {
                        return Err(TuiError::Fatal("the actions thread stopped".to_owned()));
                    }
                    continue;
                }
            };
            if !collector.send(order) {
                return Ok(());
            }
        }
    }
}
