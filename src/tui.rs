//! The interactive monitor: terminal setup, the main loop, and teardown.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::app::{App, Effect, Msg};
use crate::collect::Collector;
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

/// Restores the terminal however the loop ends (ratatui's panic hook
/// covers panics).
struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the monitor until the user quits or a signal arrives. With
/// `read_only`, nothing that changes the kernel is done.
pub fn run(interval: Duration, read_only: bool) -> Result<(), TuiError> {
    if !std::io::stdout().is_terminal() {
        return Err(TuiError::NotATerminal);
    }
    let collector = Collector::new().map_err(TuiError::Collect)?;
    let (tx, rx) = mpsc::channel();
    // Signals are caught before the terminal changes, and the guard exists
    // before it does: no exit path leaves a raw terminal behind.
    event::spawn_signals(tx.clone())?;
    let _restore = RestoreOnDrop;
    let mut terminal = ratatui::try_init()?;
    let size = terminal.size()?;
    let mut app = App::new(interval, (size.width, size.height));
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    app.read_only = read_only;

    let collector = event::spawn_collector(collector, app.interval, tx.clone())?;
    let actions = event::spawn_actions(&tx)?;
    event::spawn_input(tx)?;

    loop {
        // Keys read before this frame began cannot answer what it shows.
        let drawing = Instant::now();
        terminal.draw(|frame| ui::draw(frame, &app))?;
        app.drawn(drawing);
        let Ok(first) = rx.recv() else {
            return Ok(());
        };
        // Take everything already waiting, so a burst costs one frame.
        let mut effects = Vec::new();
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            if matches!(msg, Msg::Snapshot(_)) {
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
                Effect::SetInterval(d) => Control::SetInterval(d),
                Effect::SetPaused(p) => Control::SetPaused(p),
                Effect::RefreshNow => Control::RefreshNow,
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
