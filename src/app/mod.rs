//! The model: everything the screen shows, and `update`, the only place
//! it changes. `update` does no I/O; what must touch the world comes back
//! as an [`Effect`] for the event loop to carry out.

pub mod queues;

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::keymap::{self, Action};
use crate::model::Snapshot;
use crate::ui::layout;
use queues::QueueList;

/// The tabs, in order; one per IPC kind plus the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    /// System V message queues.
    Queues,
    /// System V shared memory.
    Shm,
    /// System V semaphores.
    Sem,
    /// POSIX message queues.
    PosixMq,
    /// Pipes and FIFOs.
    Pipes,
    /// System limits.
    Limits,
}

impl Tab {
    /// All tabs, left to right.
    pub const ALL: [Tab; 6] = [
        Tab::Queues,
        Tab::Shm,
        Tab::Sem,
        Tab::PosixMq,
        Tab::Pipes,
        Tab::Limits,
    ];

    /// The tab's name.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Queues => "Queues",
            Tab::Shm => "Shm",
            Tab::Sem => "Sem",
            Tab::PosixMq => "POSIX MQ",
            Tab::Pipes => "Pipes",
            Tab::Limits => "Limits",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    fn step(self, delta: isize) -> Tab {
        let n = Self::ALL.len() as isize;
        Self::ALL[(self.index() as isize + delta).rem_euclid(n) as usize]
    }
}

/// What the keyboard is talking to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The table.
    Browse,
    /// Typing a filter; the text so far.
    Filter(String),
    /// The key list.
    Help,
}

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    /// A key was pressed.
    Key(KeyEvent),
    /// The terminal is now this size (columns, rows).
    Resize(u16, u16),
    /// A refresh finished.
    Snapshot(Box<Snapshot>),
    /// A refresh failed; the reason in words.
    CollectFailed(String),
    /// A signal asked us to stop (SIGTERM, SIGHUP, SIGINT).
    Terminate,
    /// Something the monitor cannot go on without failed; the reason.
    Fatal(String),
}

/// Something `update` wants done outside the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Refresh every this often.
    SetInterval(Duration),
    /// Stop or resume refreshing.
    SetPaused(bool),
    /// Refresh once, now.
    RefreshNow,
    /// Restore the terminal and exit.
    Quit,
}

/// Refresh intervals `+` and `-` step through.
pub const INTERVAL_STEPS: [Duration; 9] = [
    Duration::from_millis(100),
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// Shortest allowed refresh interval.
pub const MIN_INTERVAL: Duration = INTERVAL_STEPS[0];
/// Longest allowed refresh interval.
pub const MAX_INTERVAL: Duration = INTERVAL_STEPS[INTERVAL_STEPS.len() - 1];

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The words.
    pub text: String,
    /// Shown as an error.
    pub error: bool,
}

/// The whole state of the TUI.
#[derive(Debug, Clone)]
pub struct App {
    /// The last refresh, once there is one.
    pub snapshot: Option<Snapshot>,
    /// The tab shown.
    pub tab: Tab,
    /// Where keys go.
    pub mode: Mode,
    /// The queue table's rows and selection.
    pub queues: QueueList,
    /// Refresh interval.
    pub interval: Duration,
    /// Refreshing is stopped.
    pub paused: bool,
    /// The last action's outcome or the last error.
    pub status: Option<Status>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Use colour (off when `NO_COLOR` is set).
    pub color: bool,
    /// `r` was pressed and its snapshot has not arrived yet.
    pub refresh_requested: bool,
    /// Why the monitor had to stop, if it did.
    pub fatal: Option<String>,
}

impl App {
    /// A fresh model refreshing every `interval`, for a terminal of `size`.
    pub fn new(interval: Duration, size: (u16, u16)) -> Self {
        Self {
            snapshot: None,
            tab: Tab::Queues,
            mode: Mode::Browse,
            queues: QueueList::default(),
            interval: interval.clamp(MIN_INTERVAL, MAX_INTERVAL),
            paused: false,
            status: None,
            size,
            color: true,
            refresh_requested: false,
            fatal: None,
        }
    }

    /// Applies one message; returns what must be done outside.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => return self.on_key(key),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.scroll();
            }
            // One collected before the pause took effect: the table must
            // not move once PAUSED shows, unless `r` asked for it.
            Msg::Snapshot(_) if self.paused && !self.refresh_requested => {}
            Msg::Snapshot(snap) => {
                self.refresh_requested = false;
                self.queues.rebuild(&snap);
                self.snapshot = Some(*snap);
                if self.status.as_ref().is_some_and(|s| s.error) {
                    self.status = None;
                }
                self.scroll();
            }
            Msg::CollectFailed(reason) => {
                self.status = Some(Status {
                    text: format!("refresh failed: {reason}"),
                    error: true,
                });
            }
            Msg::Terminate => return vec![Effect::Quit],
            Msg::Fatal(reason) => {
                self.fatal = Some(reason);
                return vec![Effect::Quit];
            }
        }
        Vec::new()
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return vec![Effect::Quit];
        }
        match self.mode {
            Mode::Filter(_) => {
                self.on_filter_key(key);
                Vec::new()
            }
            Mode::Help => match keymap::action_for(&key) {
                Some(Action::Quit) => vec![Effect::Quit],
                Some(Action::Help) => self.close_overlay(),
                _ if key.code == KeyCode::Esc => self.close_overlay(),
                _ => Vec::new(),
            },
            Mode::Browse => match keymap::action_for(&key) {
                Some(action) => self.act(action),
                None if key.code == KeyCode::Esc => {
                    self.set_filter(String::new());
                    Vec::new()
                }
                None => Vec::new(),
            },
        }
    }

    fn close_overlay(&mut self) -> Vec<Effect> {
        self.mode = Mode::Browse;
        Vec::new()
    }

    /// Typing a filter narrows the table live; Enter keeps it and selects
    /// the first match, Esc drops it.
    fn on_filter_key(&mut self, key: KeyEvent) {
        let Mode::Filter(text) = &mut self.mode else {
            return;
        };
        match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                text.push(c)
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Enter => {
                self.mode = Mode::Browse;
                self.with_snapshot(|list, snap| list.select_row(snap, 0));
                return;
            }
            KeyCode::Esc => {
                self.mode = Mode::Browse;
                self.set_filter(String::new());
                return;
            }
            _ => return,
        }
        let text = text.clone();
        self.set_filter(text);
    }

    fn set_filter(&mut self, text: String) {
        self.queues.filter = text.to_lowercase();
        self.with_snapshot(QueueList::rebuild);
    }

    /// Runs `f` on the queue list and the snapshot (if there is one yet),
    /// then keeps the selection on screen.
    fn with_snapshot(&mut self, f: impl FnOnce(&mut QueueList, &Snapshot)) {
        if let Some(snap) = &self.snapshot {
            f(&mut self.queues, snap);
        }
        self.scroll();
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        let page = layout::table_rows(self.size).max(1) as isize;
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Help => self.mode = Mode::Help,
            Action::NextTab => self.tab = self.tab.step(1),
            Action::PrevTab => self.tab = self.tab.step(-1),
            Action::GoTab(tab) => self.tab = tab,
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.move_selection(isize::MIN),
            Action::Bottom => self.move_selection(isize::MAX),
            Action::Filter | Action::SortNext | Action::SortReverse if self.tab != Tab::Queues => {}
            Action::Filter => self.mode = Mode::Filter(self.queues.filter.clone()),
            Action::SortNext => {
                let column = self.queues.sort.column.next();
                self.queues.sort.column = column;
                self.queues.sort.descending = column.descending_by_default();
                self.with_snapshot(QueueList::rebuild);
            }
            Action::SortReverse => {
                self.queues.sort.descending = !self.queues.sort.descending;
                self.with_snapshot(QueueList::rebuild);
            }
            Action::Pause => {
                self.paused = !self.paused;
                return vec![Effect::SetPaused(self.paused)];
            }
            Action::Faster => return self.step_interval(false),
            Action::Slower => return self.step_interval(true),
            Action::Refresh => {
                self.refresh_requested = true;
                return vec![Effect::RefreshNow];
            }
        }
        Vec::new()
    }

    fn move_selection(&mut self, delta: isize) {
        if self.tab == Tab::Queues {
            self.with_snapshot(|list, snap| list.move_by(snap, delta));
        }
    }

    fn step_interval(&mut self, slower: bool) -> Vec<Effect> {
        let current = self.interval;
        let next = if slower {
            INTERVAL_STEPS.iter().find(|s| **s > current)
        } else {
            INTERVAL_STEPS.iter().rev().find(|s| **s < current)
        };
        match next {
            Some(&next) => {
                self.interval = next;
                vec![Effect::SetInterval(next)]
            }
            None => Vec::new(),
        }
    }

    fn scroll(&mut self) {
        let visible = layout::table_rows(self.size);
        self.queues.scroll_into_view(visible);
    }
}
