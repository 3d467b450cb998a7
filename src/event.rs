//! The threads that feed the main loop: keyboard and mouse, signals,
//! collector.
//!
//! Each sends [`Event`]s into one channel; the main loop sleeps on it, so
//! between refreshes and key presses the process does nothing at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event as TermEvent};
use signal_hook::consts::{
    SIGABRT, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGUSR1, SIGUSR2,
};
use signal_hook::iterator::Signals;

use crate::actions::{self, Job, Lane};
use crate::app::Event;
use crate::collect::Collector;

/// Orders for the collector thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Refresh every this often from now on.
    SetInterval(Duration),
    /// Stop or resume refreshing.
    SetPaused(bool),
    /// Refresh once now, paused or not.
    RefreshNow,
}

/// Reads keys and resizes until the terminal goes away; then, or if the
/// thread panics, the main loop is told to stop (raw mode turns Ctrl-C
/// into a key, so a UI without input could not be left).
pub fn spawn_input(tx: Sender<Event>) -> std::io::Result<()> {
    thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            let _stop_ui_on_panic = StopOnPanic(tx.clone());
            let mut arrival = Arrival::default();
            loop {
                // Asked before reading: is an event already waiting?
                let waiting = matches!(event::poll(Duration::ZERO), Ok(true));
                let read = event::read();
                let at = arrival.stamp(waiting, Instant::now);
                let msg = match read {
                    Ok(TermEvent::Resize(w, h)) => Event::Resize(w, h),
                    Ok(TermEvent::Mouse(m)) => Event::Mouse(m.kind, m.column, m.row),
                    Ok(other) => match other.as_key_press_event() {
                        Some(key) => Event::Key(key, at),
                        None => continue,
                    },
                    // The terminal went away: a normal way to end.
                    Err(e) if e.raw_os_error() == Some(libc::EIO) => Event::Terminate,
                    Err(e) => Event::Fatal(format!("cannot read the terminal: {e}")),
                };
                let last = matches!(msg, Event::Fatal(_));
                if tx.send(msg).is_err() || last {
                    return;
                }
            }
        })
        .map(drop)
}

/// When keys arrived, as far as the input thread can tell.
///
/// A key is stamped when its read returns; but keys that were already
/// waiting (typed ahead, pasted, or sent in one write as `dy`) arrived no
/// later than the read that found the first of them, and keep its time.
/// Otherwise a `y` read just after the main loop drew the dialog its `d`
/// opened would count as typed after the dialog was shown. A key stamped
/// too early can only be refused as typed ahead, never wrongly taken.
#[derive(Debug, Default)]
struct Arrival {
    last: Option<Instant>,
}

impl Arrival {
    /// The time of the event just read, `waiting` if it was there before
    /// the read began; `now` reads the clock.
    fn stamp(&mut self, waiting: bool, now: impl FnOnce() -> Instant) -> Instant {
        let at = match self.last {
            Some(last) if waiting => last,
            _ => now(),
        };
        self.last = Some(at);
        at
    }
}

/// The signals that end ipctop the normal way, as `q` does: terminal
/// restored, every cleanup run, exit status 0. (SIGABRT ends it too, as
/// an error; SIGPIPE stays ignored, as the Rust runtime sets it.)
pub const STOP_SIGNALS: [i32; 6] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2];

/// What a caught signal asks of the main loop.
pub fn signal_event(signal: i32) -> Event {
    match signal {
        SIGTSTP => Event::Suspend,
        SIGCONT => Event::Continued,
        SIGABRT => Event::Fatal("aborted (SIGABRT)".to_owned()),
        _ => Event::Terminate,
    }
}

/// Turns the [`STOP_SIGNALS`], SIGABRT, SIGTSTP and SIGCONT into
/// messages (see [`signal_msg`]), so the main loop restores the terminal
/// on its normal path, and suspends and resumes it.
pub fn spawn_signals(tx: Sender<Event>) -> std::io::Result<()> {
    let mut caught = STOP_SIGNALS.to_vec();
    caught.extend([SIGABRT, SIGTSTP, SIGCONT]);
    let mut signals = Signals::new(caught)?;
    thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if tx.send(signal_event(signal)).is_err() {
                    return;
                }
            }
        })
        .map(drop)
}

/// Steers the collector thread.
#[derive(Debug)]
pub struct CollectorHandle {
    control: Sender<Control>,
    in_flight: Arc<AtomicBool>,
}

impl CollectorHandle {
    /// Passes an order on; `false` if the collector is gone.
    pub fn send(&self, order: Control) -> bool {
        self.control.send(order).is_ok()
    }

    /// The main loop took the last snapshot: the collector may send another.
    pub fn snapshot_taken(&self) {
        self.in_flight.store(false, Ordering::Release);
    }
}

/// Runs `collector` every `interval` on its own thread, sending each
/// snapshot. While the main loop has not taken the last one (a stalled
/// terminal), refreshes are skipped rather than piled up.
pub fn spawn_collector(
    mut collector: Collector,
    interval: Duration,
    tx: Sender<Event>,
) -> std::io::Result<CollectorHandle> {
    let (control, orders) = mpsc::channel();
    let in_flight = Arc::new(AtomicBool::new(false));
    let sent = Arc::clone(&in_flight);
    thread::Builder::new()
        .name("collector".into())
        .spawn(move || {
            let _stop_ui_on_panic = StopOnPanic(tx.clone());
            let mut schedule = Schedule::new(interval);
            loop {
                if schedule.due(Instant::now()) {
                    if !sent.load(Ordering::Acquire) {
                        let snapshot = Event::Snapshot(Box::new(collector.collect()));
                        sent.store(true, Ordering::Release);
                        if tx.send(snapshot).is_err() {
                            return;
                        }
                    }
                    schedule.collected(Instant::now());
                }
                let order = match schedule.wait(Instant::now()) {
                    None => orders.recv().map_err(|_| RecvTimeoutError::Disconnected),
                    Some(wait) => orders.recv_timeout(wait),
                };
                match order {
                    Ok(order) => schedule.apply(order, Instant::now()),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        })?;
    Ok(CollectorHandle { control, in_flight })
}

/// Hands jobs to the actions threads.
#[derive(Debug)]
pub struct ActionsHandle {
    messages: Sender<Job>,
    removal: Sender<Job>,
}

impl ActionsHandle {
    /// Queues `job` in its lane; `false` if that lane's thread is gone.
    pub fn send(&self, job: Job) -> bool {
        let lane = match job.lane() {
            Lane::Messages => &self.messages,
            Lane::Removal => &self.removal,
        };
        lane.send(job).is_ok()
    }
}

/// Runs actions (peek, save, remove, …) off the UI thread, so the screen
/// stays live while the kernel works: one thread per [`Lane`], each doing
/// its jobs in order, so a slow peek never delays a removal dialog. Each
/// outcome comes back as [`Event::Done`].
pub fn spawn_actions(tx: &Sender<Event>) -> std::io::Result<ActionsHandle> {
    let lane = |name: &str| -> std::io::Result<Sender<Job>> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let tx = tx.clone();
        thread::Builder::new().name(name.into()).spawn(move || {
            let _stop_ui_on_panic = StopOnPanic(tx.clone());
            for job in queue {
                if tx.send(Event::Done(actions::perform(job))).is_err() {
                    return;
                }
            }
        })?;
        Ok(jobs)
    };
    Ok(ActionsHandle {
        messages: lane("messages")?,
        removal: lane("removal")?,
    })
}

/// Ends the main loop if a feeding thread panics: the panic hook has
/// already restored the terminal, so there is nothing left to show.
struct StopOnPanic(Sender<Event>);

impl Drop for StopOnPanic {
    fn drop(&mut self) {
        if thread::panicking() {
            let name = thread::current().name().unwrap_or("a").to_owned();
            let _ = self
                .0
                .send(Event::Fatal(format!("the {name} thread crashed")));
        }
    }
}

/// When the next refresh is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    interval: Duration,
    paused: bool,
    next: Instant,
    forced: bool,
}

impl Schedule {
    /// Due at once, then every `interval`.
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            paused: false,
            next: Instant::now(),
            forced: true,
        }
    }

    /// Should a refresh run at `now`?
    pub fn due(&self, now: Instant) -> bool {
        self.forced || (!self.paused && now >= self.next)
    }

    /// A refresh just finished at `now`.
    pub fn collected(&mut self, now: Instant) {
        self.forced = false;
        self.next = now + self.interval;
    }

    /// How long to sleep before the next refresh; `None`: until an order.
    pub fn wait(&self, now: Instant) -> Option<Duration> {
        (!self.paused).then(|| self.next.saturating_duration_since(now))
    }

    /// Takes an order given at `now`.
    pub fn apply(&mut self, order: Control, now: Instant) {
        match order {
            Control::SetInterval(interval) => {
                self.next = self.next.min(now + interval);
                self.interval = interval;
            }
            Control::SetPaused(paused) => {
                self.paused = paused;
                self.forced |= !paused;
            }
            Control::RefreshNow => self.forced = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_become_messages() {
        for signal in STOP_SIGNALS {
            assert!(matches!(signal_event(signal), Event::Terminate), "{signal}");
        }
        assert!(matches!(signal_event(SIGTSTP), Event::Suspend));
        assert!(matches!(signal_event(SIGCONT), Event::Continued));
        assert!(matches!(signal_event(SIGABRT), Event::Fatal(r) if r.contains("SIGABRT")));
    }

    #[test]
    fn schedule_refreshes_on_time_and_on_demand() {
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        let mut s = Schedule::new(second);
        assert!(s.due(t0), "the first refresh is immediate");
        s.collected(t0);
        assert!(!s.due(t0));
        assert_eq!(s.wait(t0), Some(second));
        assert!(s.due(t0 + second));

        s.apply(Control::SetPaused(true), t0);
        assert!(!s.due(t0 + 10 * second));
        assert_eq!(s.wait(t0), None, "paused: sleep until told");
        s.apply(Control::RefreshNow, t0);
        assert!(s.due(t0), "r refreshes even when paused");
        s.collected(t0);
        assert!(!s.due(t0 + 10 * second));
        s.apply(Control::SetPaused(false), t0);
        assert!(s.due(t0), "resuming refreshes at once");
    }

    #[test]
    fn keys_already_waiting_keep_the_time_of_the_first_read() {
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(1);
        let mut arrival = Arrival::default();
        assert_eq!(arrival.stamp(true, || t0), t0, "nothing earlier to go by");
        assert_eq!(arrival.stamp(true, || later), t0, "typed ahead with it");
        assert_eq!(arrival.stamp(false, || later), later, "waited for");
    }

    #[test]
    fn shorter_interval_brings_the_next_refresh_forward() {
        let t0 = Instant::now();
        let mut s = Schedule::new(Duration::from_secs(60));
        s.collected(t0);
        s.apply(Control::SetInterval(Duration::from_millis(100)), t0);
        assert!(s.due(t0 + Duration::from_millis(100)));
    }
}
