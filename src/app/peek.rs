//! The peek view's state: a queue's messages, read without consuming
//! them, the one shown whole, and the prompts of the view.

use std::path::PathBuf;
use std::time::Instant;

use ratatui::crossterm::event::KeyEvent;

use super::line_edit::{LineEdit, LineKey};
use super::list::Scroll;
use crate::actions::peek::{Changes, Message, PAGE, Page, Selector};
use crate::actions::remove;
use crate::actions::save::{FileId, Overwrite};
use crate::actions::{Job, SaveFailure};
use crate::collect::sysv_msg::queue_from_stat;
use crate::format;
use crate::keymap::{self, Action, Context};
use crate::kinds::sysv_msg::SysvMsg;
use crate::layout::PeekLayout;
use crate::model::{MsgQueue, ObjectId};
use crate::sys::msg::QueueStat;

/// A line the user is typing, or a question, inside the peek view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// A msgtyp for the "which message would msgrcv take" preview.
    Msgtyp(LineEdit),
    /// A file name to save the selected message to.
    SavePath(LineEdit),
    /// The file exists: replace it with `data`?
    Overwrite {
        /// The file.
        path: PathBuf,
        /// The bytes the user chose to save.
        data: Vec<u8>,
        /// The regular file the question is about: a yes replaces this
        /// one, not whatever has the name by then.
        file: FileId,
        /// When the question was first on screen; only a key pressed
        /// after that can answer it.
        shown_at: Option<Instant>,
    },
}

/// How the selected message is shown whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    /// Hex + ASCII dump instead of text.
    pub hex: bool,
    /// First line shown.
    pub scroll: usize,
}

/// What the last read said about the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadState {
    /// The queue when the last page was read.
    pub after: QueueStat,
    /// Every message has been read.
    pub at_end: bool,
    /// What changed while the messages shown were read.
    pub changes: Changes,
}

/// What the view asks of the app after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stay, and do these.
    Stay(Vec<Job>),
    /// Back to the queue table.
    Close,
    /// Quit ipctop.
    Quit,
    /// Show the help.
    Help,
}

/// The peek view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeekView {
    /// Which queue: namespace, kind, msqid.
    pub target: ObjectId,
    /// The queue, as selected.
    pub queue: MsgQueue,
    /// Its owner's name.
    pub owner: String,
    /// Messages read so far, in queue order from position 0.
    pub messages: Vec<Message>,
    /// The last read, once there is one.
    pub read: Option<ReadState>,
    /// A read is under way.
    pub loading: bool,
    /// Why the last read or save failed.
    pub error: Option<String>,
    /// The selected message (its index into `messages`) and the first
    /// row on screen.
    pub scroll: Scroll,
    /// The selected message, shown whole.
    pub opened: Option<Opened>,
    /// The msgtyp preview, and the position it picks among those read.
    pub selector: Option<(Selector, Option<usize>)>,
    /// A prompt at the bottom of the view.
    pub prompt: Option<Prompt>,
    /// The queue's depth in the latest refresh (`None`: it is gone).
    pub live: Option<(u64, u64)>,
    /// The last thing the view did, in words.
    pub note: Option<String>,
    /// The save under way: its file and bytes.
    pub pending_save: Option<(PathBuf, Vec<u8>)>,
}

impl PeekView {
    /// A view of `queue`, and the job that reads its first page.
    pub fn open(target: ObjectId, queue: MsgQueue, owner: String) -> (Self, Job) {
        let live = Some((queue.messages, queue.used_bytes));
        let job = Job::Peek {
            queue: target,
            first: 0,
            count: PAGE,
        };
        let view = Self {
            target,
            queue,
            owner,
            messages: Vec::new(),
            read: None,
            loading: true,
            error: None,
            scroll: Scroll::default(),
            opened: None,
            selector: None,
            prompt: None,
            live,
            note: None,
            pending_save: None,
        };
        (view, job)
    }

    /// The selected message.
    pub fn selected(&self) -> Option<&Message> {
        self.messages.get(self.scroll.cursor)
    }

    /// Has the queue changed since it was read?
    pub fn changed_since_read(&self) -> bool {
        match (self.read, self.live) {
            (Some(read), Some(live)) => {
                !read.changes.is_none() || (read.after.qnum, read.after.cbytes) != live
            }
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Takes a page read for this view (pages for other queues, and
    /// pages that no longer fit, are ignored). A page from another queue
    /// that took over the id is refused whole: the view never shows the
    /// messages of two queues as one.
    pub fn take_page(&mut self, first: usize, page: Page) {
        if page.id != self.queue.id || first > self.messages.len() {
            return;
        }
        self.loading = false;
        let changes = match (first, self.read) {
            (1.., Some(read)) => page.changes_since(
                &read.after,
                first.checked_sub(1).and_then(|i| self.messages.get(i)),
            ),
            _ => {
                let now = queue_from_stat(self.queue.id, &page.before);
                let replaced = remove::check::<SysvMsg>(&self.queue, &now).is_err();
                page.changes
                    | Changes {
                        replaced,
                        ..Changes::default()
                    }
            }
        };
        if changes.replaced {
            self.error = Some(format!(
                "queue {} was replaced by another queue (or changed with IPC_SET) since you opened it: \
                 nothing more is shown from it; Esc, then open it again",
                self.queue.id
            ));
            self.read = self.read.map(|read| ReadState { changes, ..read });
            return;
        }
        self.error = None;
        let earlier = if first == 0 {
            Changes::default()
        } else {
            self.read.map_or_else(Changes::default, |r| r.changes)
        };
        self.read = Some(ReadState {
            after: page.after,
            at_end: page.at_end,
            changes: earlier | changes,
        });
        self.messages.truncate(first);
        self.messages.extend(page.messages);
        let cursor = self.scroll.cursor;
        self.scroll.select(cursor, self.messages.len());
        self.scroll.offset = self.scroll.offset.min(self.scroll.cursor);
        self.repick();
    }

    /// A read failed.
    pub fn read_failed(&mut self, reason: String) {
        self.loading = false;
        self.error = Some(reason);
    }

    /// A save finished; one this view did not ask for is ignored.
    pub fn saved(&mut self, path: PathBuf, result: Result<(), SaveFailure>) {
        let Some((pending, data)) = self.pending_save.take() else {
            return;
        };
        if pending != path {
            self.pending_save = Some((pending, data));
            return;
        }
        match result {
            Ok(()) => {
                // An earlier failure is old news, and would hide the note.
                self.error = None;
                self.note = Some(format!("saved to {}", format::path(&path)));
            }
            Err(SaveFailure {
                existing: Some(file),
                ..
            }) => {
                self.prompt = Some(Prompt::Overwrite {
                    path,
                    data,
                    file,
                    shown_at: None,
                });
            }
            Err(failure) => self.error = Some(failure.reason),
        }
    }

    /// The screen was drawn at `at`: a question now on screen starts
    /// counting as seen.
    pub fn drawn(&mut self, at: Instant) {
        if let Some(Prompt::Overwrite { shown_at, .. }) = &mut self.prompt {
            shown_at.get_or_insert(at);
        }
    }

    fn repick(&mut self) {
        if let Some((selector, _)) = self.selector {
            let picked = selector.pick(self.messages.iter().map(|m| m.mtype));
            self.selector = Some((selector, picked));
        }
    }

    /// Handles a key pressed at `pressed`, with the room `layout` gives.
    pub fn on_key(&mut self, key: KeyEvent, pressed: Instant, layout: PeekLayout) -> Outcome {
        // A note answers the key before; this key makes it old news.
        self.note = None;
        if self.prompt.is_some() {
            return Outcome::Stay(self.on_prompt_key(key, pressed, layout));
        }
        let visible = layout.rows;
        let Some(action) = keymap::action_for(Context::Peek, &key) else {
            return Outcome::Stay(Vec::new());
        };
        let page = visible.max(1) as isize;
        let jobs = match action {
            Action::Quit => return Outcome::Quit,
            Action::Help => return Outcome::Help,
            Action::Back if self.opened.is_some() => {
                self.opened = None;
                Vec::new()
            }
            Action::Back => return Outcome::Close,
            Action::Up => self.step(-1, layout),
            Action::Down => self.step(1, layout),
            Action::PageUp => self.step(-page, layout),
            Action::PageDown => self.step(page, layout),
            Action::Top => self.step(isize::MIN, layout),
            Action::Bottom => self.step(isize::MAX, layout),
            Action::Open => {
                if self.selected().is_some() {
                    self.opened = Some(Opened {
                        hex: false,
                        scroll: 0,
                    });
                }
                Vec::new()
            }
            Action::ToggleHex => {
                if self.selected().is_some() {
                    let hex = self.opened.is_none_or(|o| !o.hex);
                    self.opened = Some(Opened { hex, scroll: 0 });
                }
                Vec::new()
            }
            Action::PickType => {
                self.prompt = Some(Prompt::Msgtyp(LineEdit::default()));
                Vec::new()
            }
            Action::Save => {
                if let Some(m) = self.selected() {
                    let name = format!("msg-{}-{}.bin", self.queue.id, m.index);
                    self.prompt = Some(Prompt::SavePath(LineEdit::proposed(&name)));
                }
                Vec::new()
            }
            Action::MoreMessages => self.more(),
            Action::Refresh => self.reload(),
            _ => Vec::new(),
        };
        Outcome::Stay(jobs)
    }

    /// The mouse: the wheel (`Some(rows)`) moves the selection or scrolls
    /// the opened message; a click on screen row `row` selects the message
    /// shown there (the list's first message is at `first_row`).
    pub fn on_mouse(
        &mut self,
        wheel: Option<isize>,
        row: u16,
        first_row: u16,
        layout: PeekLayout,
    ) -> Vec<Job> {
        if self.prompt.is_some() {
            return Vec::new();
        }
        if let Some(delta) = wheel {
            return self.step(delta, layout);
        }
        let Some(on_screen) = row.checked_sub(first_row).map(usize::from) else {
            return Vec::new();
        };
        let at = self.scroll.offset + on_screen;
        if self.opened.is_some() || on_screen >= layout.rows || at >= self.messages.len() {
            return Vec::new();
        }
        self.note = None;
        self.step(at as isize - self.scroll.cursor as isize, layout)
    }

    /// Moves the selection (or scrolls the opened message); reaching the
    /// end of what was read asks for the next page.
    fn step(&mut self, delta: isize, layout: PeekLayout) -> Vec<Job> {
        if let Some(opened) = self.opened {
            let lines = self.selected().map_or(0, |m| {
                format::message_lines(&m.data, opened.hex, layout.message_width).len()
            });
            let last = lines.saturating_sub(layout.message_rows.max(1));
            let scroll = opened.scroll.saturating_add_signed(delta).min(last);
            self.opened = Some(Opened { scroll, ..opened });
            return Vec::new();
        }
        if self.messages.is_empty() {
            return Vec::new();
        }
        let len = self.messages.len();
        self.scroll.step(delta, len);
        self.scroll.into_view(layout.rows, len);
        if self.scroll.cursor + 1 == len {
            self.more()
        } else {
            Vec::new()
        }
    }

    fn more(&mut self) -> Vec<Job> {
        let done = self.read.is_none_or(|r| r.at_end);
        if done || self.loading {
            return Vec::new();
        }
        self.loading = true;
        vec![Job::Peek {
            queue: self.target,
            first: self.messages.len(),
            count: PAGE,
        }]
    }

    fn reload(&mut self) -> Vec<Job> {
        self.loading = true;
        self.note = None;
        vec![Job::Peek {
            queue: self.target,
            first: 0,
            count: self.messages.len().max(PAGE),
        }]
    }

    fn on_prompt_key(&mut self, key: KeyEvent, pressed: Instant, layout: PeekLayout) -> Vec<Job> {
        let Some(prompt) = &mut self.prompt else {
            return Vec::new();
        };
        if let Prompt::Overwrite { shown_at, .. } = prompt {
            let seen = shown_at.is_some_and(|shown| pressed >= shown);
            return match keymap::action_for(Context::Dialog, &key) {
                // A `y` typed before the question was on screen is no answer.
                Some(Action::Confirm) if seen => match self.prompt.take() {
                    Some(Prompt::Overwrite {
                        path, data, file, ..
                    }) => {
                        self.pending_save = Some((path.clone(), data.clone()));
                        vec![Job::Save {
                            path,
                            data,
                            overwrite: Overwrite::Confirmed(file),
                        }]
                    }
                    _ => Vec::new(),
                },
                Some(Action::Cancel) => {
                    self.prompt = None;
                    self.note = Some("not saved".to_owned());
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        let (Prompt::Msgtyp(text) | Prompt::SavePath(text)) = prompt else {
            return Vec::new();
        };
        match text.edit(&key) {
            LineKey::Cancel => self.prompt = None,
            LineKey::Submit => match self.prompt.take() {
                Some(Prompt::Msgtyp(line)) => self.apply_msgtyp(line.text(), layout.rows),
                Some(Prompt::SavePath(line)) if !line.text().trim().is_empty() => {
                    return self.save_job(PathBuf::from(line.text().trim()), Overwrite::Refuse);
                }
                _ => {}
            },
            LineKey::Edited | LineKey::Moved | LineKey::Ignored => {}
        }
        Vec::new()
    }

    fn apply_msgtyp(&mut self, text: &str, visible: usize) {
        if text.trim().is_empty() {
            self.selector = None;
            return;
        }
        match Selector::parse(text) {
            Ok(selector) => {
                self.selector = Some((selector, None));
                self.repick();
                if let Some((_, Some(at))) = self.selector {
                    self.scroll.select(at, self.messages.len());
                    self.scroll.into_view(visible, self.messages.len());
                }
                self.error = None;
            }
            Err(reason) => self.error = Some(reason),
        }
    }

    fn save_job(&mut self, path: PathBuf, overwrite: Overwrite) -> Vec<Job> {
        let Some(data) = self.selected().map(|m| m.data.clone()) else {
            return Vec::new();
        };
        self.pending_save = Some((path.clone(), data.clone()));
        vec![Job::Save {
            path,
            data,
            overwrite,
        }]
    }

    /// `showing 500 of 16,384` and the state of the read, for the header.
    pub fn progress(&self) -> String {
        let Some(read) = self.read else {
            return "reading…".to_owned();
        };
        let shown = self.messages.len() as u64;
        let mut text = if read.at_end || shown >= read.after.qnum {
            format!("all {}", format::plural(shown, "message"))
        } else {
            format!(
                "showing {} of {} (n reads more)",
                format::count(shown),
                format::count(read.after.qnum)
            )
        };
        if self.loading {
            text.push_str(" · reading…");
        }
        text
    }
}
