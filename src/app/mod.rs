//! The model: everything the screen shows, and `update`, the only place
//! it changes. `update` does no I/O; what must touch the world comes back
//! as an [`Effect`] for the event loop to carry out.

pub mod demo;
pub mod line_edit;
pub mod list;
pub mod peek;
mod remove_dialog;
pub mod table;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEventKind};
use ratatui::layout::Rect;

use crate::actions::remove;
use crate::actions::{Done, Job};
use crate::config::{Settings, ThemeChoice, Thresholds};
use crate::format;
use crate::keymap::{self, Action, Context};
use crate::kinds::limits::Limits;
use crate::kinds::sysv_msg::SysvMsg;
use crate::kinds::sysv_sem::SysvSem;
use crate::kinds::sysv_shm::SysvShm;
use crate::kinds::{Chosen, ObjectKind};
use crate::layout;
use crate::model::{ObjectId, Snapshot};
use demo::Demo;
use line_edit::{LineEdit, LineKey};
use list::List;
use peek::{Outcome, PeekView};
pub use remove_dialog::RemoveDialog;
use table::Table;

/// The tabs, in order; one per IPC kind plus the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    /// System V message queues.
    SysvMsg,
    /// System V shared memory.
    SysvShm,
    /// System V semaphores.
    SysvSem,
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
        Tab::SysvMsg,
        Tab::SysvShm,
        Tab::SysvSem,
        Tab::PosixMq,
        Tab::Pipes,
        Tab::Limits,
    ];

    /// The tab's name.
    pub fn title(self) -> &'static str {
        match self {
            Tab::SysvMsg => "SysV Msg",
            Tab::SysvShm => "SysV Shm",
            Tab::SysvSem => "SysV Sem",
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
    Filter(LineEdit),
    /// A queue's messages.
    Peek(Box<PeekView>),
    /// One object's details, the whole screen high.
    Detail(DetailView),
    /// "Remove this queue?"
    ConfirmRemove(Box<RemoveDialog>),
    /// The sort menu (F6): the visible columns, and the one the cursor is
    /// on.
    SortMenu(usize),
}

/// Something that happened.
#[derive(Debug)]
pub enum Event {
    /// A key was pressed (read from the terminal) at this moment.
    Key(KeyEvent, Instant),
    /// The terminal is now this size (columns, rows).
    Resize(u16, u16),
    /// The mouse did this at this cell (column, row).
    Mouse(MouseEventKind, u16, u16),
    /// A refresh finished.
    Snapshot(Box<Snapshot>),
    /// A signal asked us to stop (SIGTERM, SIGHUP, SIGINT, SIGQUIT,
    /// SIGUSR1, SIGUSR2), or the terminal went away.
    Terminate,
    /// SIGTSTP: suspend, as Ctrl-Z does.
    Suspend,
    /// SIGCONT: the process was stopped, by us or anyone; the terminal
    /// may have been reset and drawn over meanwhile.
    Continued,
    /// Something the monitor cannot go on without failed; the reason.
    Fatal(String),
    /// An action finished.
    Done(Done),
    /// The status with this serial has been shown long enough.
    StatusExpired(u64),
    /// The demo's workload says something.
    Demo(demo::Report),
}

/// Something `update` wants done outside the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run an action off the UI thread.
    Act(Job),
    /// Refresh every this often.
    SetInterval(Duration),
    /// Stop or resume refreshing.
    SetPaused(bool),
    /// Refresh once, now.
    RefreshNow,
    /// Restore the terminal and exit.
    Quit,
    /// Restore the terminal, stop the process (job control), and take the
    /// terminal back when continued.
    Suspend,
    /// Take the terminal back (raw mode, alternate screen) and draw it
    /// whole.
    Redraw,
    /// Give the demo's workload an order.
    Demo(demo::Order),
}

/// What a frame showed, as the view reports it: the view alone knows what
/// fitted, and some answers count only if their question was seen whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    /// The removal dialog was on screen whole: every line at the width it
    /// was drawn, its answer keys included.
    pub dialog_complete: bool,
    /// The largest first line the help overlay can start at (0: it fits).
    pub help_last_scroll: usize,
}

/// Rows one notch of the mouse wheel moves the selection.
pub const WHEEL_ROWS: isize = 3;

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

/// A line for the status bar. It lasts until the next key, or until
/// the event loop says it has been shown for [`Status::lasts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The words.
    pub text: String,
    /// Shown as an error.
    pub error: bool,
    /// Tells this status from every other one, even with the same words:
    /// an expiry is for the status it was armed for.
    pub serial: u64,
}

/// The serial of the next status.
static NEXT_STATUS: AtomicU64 = AtomicU64::new(1);

impl Status {
    fn new(text: String, error: bool) -> Self {
        Self {
            text,
            error,
            serial: NEXT_STATUS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// A plain message.
    pub fn info(text: String) -> Self {
        Self::new(text, false)
    }

    /// An error.
    pub fn error(text: String) -> Self {
        Self::new(text, true)
    }

    /// How long it stays on screen without a key: errors twice as long,
    /// they may need reading twice.
    pub fn lasts(&self) -> Duration {
        if self.error {
            Duration::from_secs(10)
        } else {
            Duration::from_secs(5)
        }
    }
}

/// One object's details over the whole screen (Enter on a table whose
/// kind has no peek view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailView {
    /// The object.
    pub target: ObjectId,
    /// The object as it was when opened, for kinds ipctop removes: another
    /// object under its id is not shown as this one.
    pub chosen: Option<Chosen>,
    /// The first line shown.
    pub scroll: usize,
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
    pub queues: List<SysvMsg>,
    /// The shared-memory table's.
    pub segments: List<SysvShm>,
    /// The semaphore-set table's.
    pub sets: List<SysvSem>,
    /// The limits table's.
    pub limits: List<Limits>,
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
    /// The key list is shown over everything.
    pub help: bool,
    /// First line of the key list shown, when it does not fit.
    pub help_scroll: usize,
    /// The largest `help_scroll` the last frame could use.
    pub help_last_scroll: usize,
    /// `--read-only`: nothing that changes the kernel is done.
    pub read_only: bool,
    /// Use the mouse (off with `--no-mouse` or `mouse = false`).
    pub mouse: bool,
    /// The colours, from the configuration.
    pub theme: ThemeChoice,
    /// Fill levels marked as worth a look and as critical.
    pub thresholds: Thresholds,
    /// `ipctop demo`'s state, when the monitor runs the demo.
    pub demo: Option<Demo>,
    /// What the empty queue table suggests running (see
    /// [`demo::suggestion`]).
    pub suggestion: Option<&'static str>,
}

impl App {
    /// A fresh model refreshing every `interval`, for a terminal of `size`.
    pub fn new(interval: Duration, size: (u16, u16)) -> Self {
        Self {
            snapshot: None,
            tab: Tab::SysvMsg,
            mode: Mode::Browse,
            queues: List::default(),
            segments: List::default(),
            sets: List::default(),
            limits: List::default(),
            interval: interval.clamp(MIN_INTERVAL, MAX_INTERVAL),
            paused: false,
            status: None,
            size,
            color: true,
            refresh_requested: false,
            fatal: None,
            help: false,
            help_scroll: 0,
            help_last_scroll: 0,
            read_only: false,
            mouse: true,
            theme: ThemeChoice::default(),
            thresholds: Thresholds::default(),
            demo: None,
            suggestion: demo::suggestion(false, |_| false),
        }
    }

    /// Takes what `settings` say: interval, read-only, mouse, theme,
    /// thresholds, and each tab's sort and columns.
    pub fn configure(&mut self, settings: &Settings) {
        self.interval = settings.interval.clamp(MIN_INTERVAL, MAX_INTERVAL);
        self.read_only = settings.read_only;
        self.mouse = settings.mouse;
        self.theme = settings.theme;
        self.thresholds = settings.thresholds;
        self.queues.configure(&settings.sysv_msg);
        self.segments.configure(&settings.sysv_shm);
        self.sets.configure(&settings.sysv_sem);
        self.limits.configure(&settings.limits);
    }

    /// Applies one message; returns what must be done outside.
    pub fn update(&mut self, msg: Event) -> Vec<Effect> {
        match msg {
            Event::Key(key, pressed) => return self.on_key(key, pressed),
            Event::Mouse(kind, column, row) => return self.on_mouse(kind, column, row),
            Event::Resize(w, h) => {
                self.size = (w, h);
                self.scroll();
            }
            // One collected before the pause took effect: the table must
            // not move once PAUSED shows, unless `r` asked for it.
            Event::Snapshot(_) if self.paused && !self.refresh_requested => {}
            Event::Snapshot(mut snap) => {
                self.refresh_requested = false;
                // A kind that could not be read keeps its last good rows.
                if let Some(older) = &self.snapshot {
                    snap.keep_failed_from(older);
                }
                self.demo_snapshot(&snap);
                self.snapshot = Some(*snap);
                self.with_table(|list, snap| list.rebuild(snap));
                let Some(snap) = &self.snapshot else {
                    return Vec::new();
                };
                match &mut self.mode {
                    // The depth of the very queue the user chose: a queue
                    // that took over its id counts as gone.
                    Mode::Peek(view) => {
                        view.live = snap
                            .msg
                            .queues
                            .iter()
                            .find(|q| {
                                q.id == view.queue.id
                                    && remove::check::<SysvMsg>(&view.queue, q).is_ok()
                            })
                            .map(|q| (q.messages, q.used_bytes));
                    }
                    Mode::ConfirmRemove(dialog) => dialog.live = dialog.chosen.in_snapshot(snap),
                    Mode::Browse | Mode::Filter(_) | Mode::SortMenu(_) | Mode::Detail(_) => {}
                }
                self.scroll();
            }
            Event::StatusExpired(serial) => {
                if self.status.as_ref().is_some_and(|s| s.serial == serial) {
                    self.status = None;
                }
            }
            Event::Terminate => return vec![Effect::Quit],
            Event::Suspend => return vec![Effect::Suspend],
            Event::Continued => return vec![Effect::Redraw],
            Event::Fatal(reason) => {
                self.fatal = Some(reason);
                return vec![Effect::Quit];
            }
            Event::Done(done) => return self.on_done(done),
            Event::Demo(report) => self.on_demo_report(report),
        }
        Vec::new()
    }

    /// An action finished: show its outcome where the user is looking.
    fn on_done(&mut self, done: Done) -> Vec<Effect> {
        match (done, &mut self.mode) {
            (
                Done::Peeked {
                    queue,
                    first,
                    result,
                },
                Mode::Peek(view),
            ) if view.target == queue => match result {
                Ok(page) => view.take_page(first, *page),
                Err(e) => view.read_failed(e.to_string()),
            },
            (Done::Saved { path, result }, Mode::Peek(view)) => view.saved(path, result),
            (
                Done::Blocked {
                    target,
                    tasks,
                    unchecked,
                },
                Mode::ConfirmRemove(dialog),
            ) if dialog.target == target => {
                dialog.blocked = Some(tasks);
                dialog.unchecked = unchecked;
            }
            (Done::Removed(result), _) => {
                let status = match result {
                    Ok(text) => Status::info(text),
                    Err(text) => Status::error(text),
                };
                self.status = Some(self.with_demo_news(status));
                // Show the table without it, paused or not.
                self.refresh_requested = true;
                return vec![Effect::RefreshNow];
            }
            // Late answers for a view that is gone.
            _ => {}
        }
        Vec::new()
    }

    fn on_key(&mut self, key: KeyEvent, pressed: Instant) -> Vec<Effect> {
        // Ctrl-C and Ctrl-Z work everywhere, even in a prompt.
        match keymap::overriding(&key) {
            Some(Action::Quit) => return vec![Effect::Quit],
            Some(Action::Suspend) => return vec![Effect::Suspend],
            _ => {}
        }
        // A status answers the key before (or an action that finished
        // since): this key makes it old news, and it never follows the
        // user into another view. What this key causes says its own.
        self.status = None;
        if self.help {
            let last = self.help_last_scroll;
            // The help is a view on top: q closes it, as Esc does (Ctrl-C,
            // above, quits).
            let delta = match keymap::action_for(self.context(), &key) {
                Some(Action::Quit | Action::Help) => return self.close_help(),
                _ if key.code == KeyCode::Esc => return self.close_help(),
                Some(Action::Up) => -1,
                Some(Action::Down) => 1,
                Some(Action::PageUp | Action::Top) => isize::MIN,
                Some(Action::PageDown | Action::Bottom) => isize::MAX,
                _ => 0,
            };
            self.help_scroll = self.help_scroll.saturating_add_signed(delta).min(last);
            return Vec::new();
        }
        match &mut self.mode {
            Mode::Filter(_) => {
                self.on_filter_key(key);
                Vec::new()
            }
            Mode::SortMenu(cursor) => {
                let cursor = *cursor;
                self.on_menu_key(cursor, key)
            }
            Mode::Peek(view) => match view.on_key(key, pressed, layout::peek_layout(self.size)) {
                Outcome::Stay(jobs) => jobs.into_iter().map(Effect::Act).collect(),
                Outcome::Close => {
                    self.mode = Mode::Browse;
                    Vec::new()
                }
                Outcome::Quit => vec![Effect::Quit],
                Outcome::Help => {
                    self.help = true;
                    Vec::new()
                }
            },
            Mode::Detail(_) => self.on_detail_key(key),
            Mode::ConfirmRemove(dialog) => match keymap::action_for(Context::Dialog, &key) {
                Some(Action::Confirm) if dialog.answerable(pressed) => {
                    let told = dialog.live.as_ref().unwrap_or(&dialog.chosen).lost();
                    let job = Job::Remove {
                        target: dialog.target,
                        chosen: dialog.chosen.clone(),
                        owner: dialog.owner.clone(),
                        told,
                    };
                    self.status = Some(Status::info(format!(
                        "removing {} {}…",
                        dialog.chosen.noun(),
                        dialog.chosen.id()
                    )));
                    self.mode = Mode::Browse;
                    vec![Effect::Act(job)]
                }
                // Not answerable yet: say so, rather than drop the key.
                Some(Action::Confirm) if dialog.blocked.is_none() => {
                    self.status = Some(Status::info(
                        "y ignored: the blocked tasks are still being listed; answer once they are"
                            .to_owned(),
                    ));
                    Vec::new()
                }
                Some(Action::Cancel) => {
                    self.status = Some(Status::info(format!(
                        "{} {} not removed",
                        dialog.chosen.noun(),
                        dialog.chosen.id()
                    )));
                    self.mode = Mode::Browse;
                    Vec::new()
                }
                Some(Action::Quit) => vec![Effect::Quit],
                _ => Vec::new(),
            },
            Mode::Browse => match keymap::action_for(self.context(), &key) {
                _ if self.demo.is_some() && keymap::demo_action(&key).is_some() => {
                    self.demo_key(&key).unwrap_or_default()
                }
                Some(action) => self.act(action),
                None if key.code == KeyCode::Esc => {
                    self.set_filter(String::new());
                    Vec::new()
                }
                None => Vec::new(),
            },
        }
    }

    /// A click or a turn of the wheel at `(column, row)`, mapped through
    /// the same layout the view draws with: the wheel moves the selection
    /// by [`WHEEL_ROWS`]; a click on a tab switches to it, on a column
    /// header sorts by it (again: reverses), on a row selects it. Only
    /// the table and the peek view take the mouse; prompts, menus and
    /// dialogs wait for keys.
    fn on_mouse(&mut self, kind: MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
        let wheel = match kind {
            MouseEventKind::ScrollUp => Some(-WHEEL_ROWS),
            MouseEventKind::ScrollDown => Some(WHEEL_ROWS),
            MouseEventKind::Down(MouseButton::Left) => None,
            _ => return Vec::new(),
        };
        if !self.mouse || self.help {
            return Vec::new();
        }
        match &mut self.mode {
            Mode::Peek(view) => {
                let first_row = layout::peek_first_row(self.size);
                let jobs = view.on_mouse(wheel, row, first_row, layout::peek_layout(self.size));
                return jobs.into_iter().map(Effect::Act).collect();
            }
            Mode::Detail(view) => {
                if let Some(delta) = wheel {
                    view.scroll = view.scroll.saturating_add_signed(delta);
                }
                return Vec::new();
            }
            Mode::Browse => {}
            Mode::Filter(_) | Mode::ConfirmRemove(_) | Mode::SortMenu(_) => return Vec::new(),
        }
        if let Some(delta) = wheel {
            self.move_selection(delta);
            return Vec::new();
        }
        let areas = layout::Areas::new(Rect::new(0, 0, self.size.0, self.size.1));
        let within = |(start, end): (u16, u16)| (start..end).contains(&column);
        if row == areas.tabs.y {
            if let Some((tab, ..)) = layout::tab_spans(areas.tabs.x)
                .into_iter()
                .find(|&(_, start, end)| within((start, end)))
            {
                self.tab = tab;
            }
            return Vec::new();
        }
        let size = self.size;
        let Some(list) = self.table() else {
            return Vec::new();
        };
        let table = layout::table_area(areas.body, self.notice());
        if row == table.y {
            if let Some(at) = list
                .column_spans(size, table.x)
                .into_iter()
                .position(within)
            {
                self.change_table(|list| list.sort_by(size, at));
            }
        } else if row > table.y && row < table.y + table.height {
            let at = list.scroll().offset + usize::from(row - table.y - 1);
            if at < list.row_count() {
                self.with_table(|list, snap| list.select_row(snap, at));
            }
        }
        Vec::new()
    }

    /// The screen was drawn at `at`, showing what `drawn` says: a question
    /// on it now counts as seen (if it was seen whole).
    pub fn drawn(&mut self, at: Instant, drawn: Drawn) {
        self.help_last_scroll = drawn.help_last_scroll;
        match &mut self.mode {
            Mode::ConfirmRemove(dialog) => dialog.drawn(at, drawn.dialog_complete),
            Mode::Peek(view) => view.drawn(at),
            Mode::Browse | Mode::Filter(_) | Mode::SortMenu(_) | Mode::Detail(_) => {}
        }
    }

    /// The table of the tab shown, if its kind has one yet.
    pub fn table(&self) -> Option<&dyn Table> {
        match self.tab {
            Tab::SysvMsg => Some(&self.queues),
            Tab::SysvShm => Some(&self.segments),
            Tab::SysvSem => Some(&self.sets),
            Tab::Limits => Some(&self.limits),
            Tab::PosixMq | Tab::Pipes => None,
        }
    }

    fn table_mut(&mut self) -> Option<&mut dyn Table> {
        match self.tab {
            Tab::SysvMsg => Some(&mut self.queues),
            Tab::SysvShm => Some(&mut self.segments),
            Tab::SysvSem => Some(&mut self.sets),
            Tab::Limits => Some(&mut self.limits),
            Tab::PosixMq | Tab::Pipes => None,
        }
    }

    /// Does the table stand below a notice that its kind could not be read?
    pub fn notice(&self) -> bool {
        match (&self.snapshot, self.table()) {
            (Some(snap), Some(list)) => snap.failure(list.kind()).is_some(),
            _ => false,
        }
    }

    /// The key context the user is in.
    pub fn context(&self) -> Context {
        match &self.mode {
            Mode::Browse | Mode::Filter(_) => match self.table() {
                None => Context::Placeholder,
                Some(list) if list.kind() == SysvMsg::KIND => Context::Browse,
                // Kinds without a peek view open their details.
                Some(list) if list.removable() => Context::Objects,
                Some(_) => Context::Rows,
            },
            Mode::Peek(_) => Context::Peek,
            Mode::Detail(view) if view.chosen.is_some() => Context::Detail,
            Mode::Detail(_) => Context::Reading,
            Mode::ConfirmRemove(_) => Context::Dialog,
            Mode::SortMenu(_) => Context::Menu,
        }
    }

    /// The details view: movement scrolls, Esc or q goes back, d asks to
    /// remove the object.
    fn on_detail_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let context = self.context();
        let Mode::Detail(view) = &mut self.mode else {
            return Vec::new();
        };
        let page = layout::detail_view_rows(self.size).max(1) as isize;
        let delta = match keymap::action_for(context, &key) {
            Some(Action::Back) => {
                self.mode = Mode::Browse;
                return Vec::new();
            }
            Some(Action::Help) => {
                self.help = true;
                return Vec::new();
            }
            Some(Action::Delete) => {
                let chosen = view.chosen.clone();
                self.mode = Mode::Browse;
                return match chosen {
                    Some(chosen) => self.ask_remove_chosen(chosen),
                    None => Vec::new(),
                };
            }
            Some(Action::Up) => -1,
            Some(Action::Down) => 1,
            Some(Action::PageUp) => -page,
            Some(Action::PageDown) => page,
            Some(Action::Top) => isize::MIN,
            Some(Action::Bottom) => isize::MAX,
            _ => 0,
        };
        // The view clamps what is past the last line.
        view.scroll = view.scroll.saturating_add_signed(delta);
        Vec::new()
    }

    fn close_help(&mut self) -> Vec<Effect> {
        self.help = false;
        self.help_scroll = 0;
        Vec::new()
    }

    /// The sort menu: ↑↓ move, Enter sorts by the column, Esc closes.
    fn on_menu_key(&mut self, cursor: usize, key: KeyEvent) -> Vec<Effect> {
        let size = self.size;
        let columns = self.table().map_or(0, |list| list.visible(size).len());
        let last = columns.saturating_sub(1);
        let at = cursor.min(last);
        let next = match keymap::action_for(Context::Menu, &key) {
            Some(Action::Up) => at.saturating_sub(1),
            Some(Action::Down) => (at + 1).min(last),
            Some(Action::Top | Action::PageUp) => 0,
            Some(Action::Bottom | Action::PageDown) => last,
            Some(Action::Help) => {
                self.help = true;
                at
            }
            Some(Action::Open) => {
                self.mode = Mode::Browse;
                self.change_table(|list| list.choose_sort(size, at));
                return Vec::new();
            }
            // A picker: `q` goes back, like Esc.
            Some(Action::Back | Action::Quit) => {
                self.mode = Mode::Browse;
                return Vec::new();
            }
            _ => at,
        };
        self.mode = Mode::SortMenu(next);
        Vec::new()
    }

    /// Typing a filter narrows the table live; Enter keeps it and selects
    /// the first match, Esc drops it.
    fn on_filter_key(&mut self, key: KeyEvent) {
        let Mode::Filter(text) = &mut self.mode else {
            return;
        };
        match text.edit(&key) {
            LineKey::Edited => {
                let text = text.text().to_owned();
                self.set_filter(text);
            }
            LineKey::Submit => {
                self.mode = Mode::Browse;
                self.with_table(|list, snap| list.select_row(snap, 0));
            }
            LineKey::Cancel => {
                self.mode = Mode::Browse;
                self.set_filter(String::new());
            }
            LineKey::Moved | LineKey::Ignored => {}
        }
    }

    fn set_filter(&mut self, text: String) {
        self.change_table(|list| list.set_filter(text));
    }

    /// Runs `f` on the shown tab's table and the snapshot (if there are
    /// both), then keeps the selection on screen.
    fn with_table(&mut self, f: impl FnOnce(&mut dyn Table, &Snapshot)) {
        // The snapshot is taken out for the call: the table borrows the
        // rest of the model.
        if let Some(snap) = self.snapshot.take() {
            if let Some(list) = self.table_mut() {
                f(list, &snap);
            }
            self.snapshot = Some(snap);
        }
        self.scroll();
    }

    /// Changes the shown tab's table with `f` (its sort, its filter),
    /// then lists its rows anew.
    fn change_table(&mut self, f: impl FnOnce(&mut dyn Table)) {
        if let Some(list) = self.table_mut() {
            f(list);
        }
        self.with_table(|list, snap| list.rebuild(snap));
    }

    /// Shows `tab`, its table rebuilt for the snapshot on screen (tables
    /// of tabs not shown are left as they were).
    fn go_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.with_table(|list, snap| list.rebuild(snap));
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        let page = layout::table_rows(self.size, self.notice()).max(1) as isize;
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Suspend => return vec![Effect::Suspend],
            Action::Help => self.help = true,
            Action::NextTab => self.go_tab(self.tab.step(1)),
            Action::PrevTab => self.go_tab(self.tab.step(-1)),
            Action::GoTab(tab) => self.go_tab(tab),
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.move_selection(isize::MIN),
            Action::Bottom => self.move_selection(isize::MAX),
            // Tabs without a table bind none of these (`Context::Placeholder`).
            Action::Open if self.tab == Tab::SysvMsg => return self.open_peek(),
            Action::Open => self.open_detail(),
            Action::Delete => return self.ask_remove(),
            Action::Filter => {
                let typed = self.table().map(|list| LineEdit::from(list.filter()));
                if let Some(typed) = typed {
                    self.mode = Mode::Filter(typed);
                }
            }
            Action::SortRight => self.sort_step(1),
            Action::SortLeft => self.sort_step(-1),
            Action::SortMenu => {
                let at = self.table().and_then(|list| list.sorted_at(self.size));
                self.mode = Mode::SortMenu(at.unwrap_or(0));
            }
            Action::SortReverse => self.change_table(|list| list.reverse()),
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
            // Keys of other contexts.
            Action::Back
            | Action::ToggleHex
            | Action::PickType
            | Action::Save
            | Action::MoreMessages
            | Action::Confirm
            | Action::Cancel
            | Action::StallConsumer => {}
        }
        Vec::new()
    }

    fn sort_step(&mut self, delta: isize) {
        let size = self.size;
        self.change_table(|list| list.sort_step(size, delta));
    }

    fn open_peek(&mut self) -> Vec<Effect> {
        let Some(snap) = &self.snapshot else {
            return Vec::new();
        };
        let Some(queue) = self.queues.selected_object(snap) else {
            return Vec::new();
        };
        let owner = snap.user_name(queue.uid).into_owned();
        let (view, job) = PeekView::open(snap.msg_object(queue.id), queue.clone(), owner);
        self.mode = Mode::Peek(Box::new(view));
        vec![Effect::Act(job)]
    }

    fn open_detail(&mut self) {
        let (Some(snap), Some(list)) = (&self.snapshot, self.table()) else {
            return;
        };
        if let Some(target) = list.selected_id() {
            let chosen = list.selected_choice(snap);
            self.mode = Mode::Detail(DetailView {
                target,
                chosen,
                scroll: 0,
            });
        }
    }

    fn ask_remove(&mut self) -> Vec<Effect> {
        let chosen = match (&self.snapshot, self.table()) {
            (Some(snap), Some(list)) => list.selected_choice(snap),
            _ => None,
        };
        match chosen {
            Some(chosen) => self.ask_remove_chosen(chosen),
            None => Vec::new(),
        }
    }

    /// Opens the removal dialog for `chosen`, and looks for the tasks
    /// blocked on it.
    fn ask_remove_chosen(&mut self, chosen: Chosen) -> Vec<Effect> {
        if self.read_only {
            self.status = Some(Status::error(
                "read-only mode (--read-only): nothing is removed".to_owned(),
            ));
            return Vec::new();
        }
        let Some(snap) = &self.snapshot else {
            return Vec::new();
        };
        // Asked from a details view left open, the object may be gone (or
        // its id another's) since: nothing to ask about.
        let Some(live) = chosen.in_snapshot(snap) else {
            self.status = Some(Status::error(format!(
                "{} {} is already gone",
                chosen.noun(),
                chosen.id()
            )));
            return Vec::new();
        };
        let owner = snap.user_name(chosen.owner_uid()).into_owned();
        let target = ObjectId {
            namespace: snap.namespace,
            kind: chosen.kind(),
            id: chosen.id(),
        };
        // Nothing can wait on some kinds: no one to look for.
        let (blocked, effects) = if chosen.can_block() {
            (None, vec![Effect::Act(Job::FindBlocked { target })])
        } else {
            (Some(Vec::new()), Vec::new())
        };
        self.mode = Mode::ConfirmRemove(Box::new(RemoveDialog {
            target,
            live: Some(live),
            chosen,
            owner,
            blocked,
            unchecked: Vec::new(),
            shown_at: None,
        }));
        effects
    }

    fn move_selection(&mut self, delta: isize) {
        self.with_table(|list, snap| list.move_by(snap, delta));
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
            None => {
                let (limit, which) = if slower {
                    (MAX_INTERVAL, "slowest")
                } else {
                    (MIN_INTERVAL, "fastest")
                };
                self.status = Some(Status::info(format!(
                    "already refreshing every {}, the {which} there is",
                    format::interval(limit)
                )));
                Vec::new()
            }
        }
    }

    fn scroll(&mut self) {
        let visible = layout::table_rows(self.size, self.notice());
        if let Some(list) = self.table_mut() {
            list.scroll_into_view(visible);
        }
    }
}
