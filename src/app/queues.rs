//! The Queues tab's state: which queues are listed, in what order, and
//! which one is selected — kept by identity across refreshes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write};

use crate::model::{MsgQueue, ObjectId, Operator, Snapshot, key_bits};

/// A column of the queue table; also the sort keys, in `s` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// IPC key.
    Key,
    /// msqid.
    Id,
    /// Owner user.
    Owner,
    /// Permission bits.
    Perms,
    /// Messages queued.
    Messages,
    /// Bytes queued.
    Used,
    /// Capacity.
    Capacity,
    /// Used / capacity.
    Fill,
    /// Last sender.
    Sender,
    /// Last receiver.
    Receiver,
    /// Last send time.
    LastSend,
    /// Last receive time.
    LastReceive,
}

impl Column {
    /// Every column, left to right.
    pub const ALL: [Column; 12] = [
        Column::Key,
        Column::Id,
        Column::Owner,
        Column::Perms,
        Column::Messages,
        Column::Used,
        Column::Capacity,
        Column::Fill,
        Column::Sender,
        Column::Receiver,
        Column::LastSend,
        Column::LastReceive,
    ];

    /// The column after this one, wrapping.
    pub fn next(self) -> Column {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The header text.
    pub fn title(self) -> &'static str {
        match self {
            Column::Key => "KEY",
            Column::Id => "ID",
            Column::Owner => "OWNER",
            Column::Perms => "PERMS",
            Column::Messages => "MSGS",
            Column::Used => "USED",
            Column::Capacity => "CAP",
            Column::Fill => "FILL",
            Column::Sender => "SENDER",
            Column::Receiver => "RECEIVER",
            Column::LastSend => "LAST SND",
            Column::LastReceive => "LAST RCV",
        }
    }

    /// Numbers sort largest first by default; names and keys A→Z.
    pub fn descending_by_default(self) -> bool {
        matches!(
            self,
            Column::Messages
                | Column::Used
                | Column::Capacity
                | Column::Fill
                | Column::LastSend
                | Column::LastReceive
        )
    }

    /// What `q` sorts by in this column. Computed once per row per
    /// rebuild, so name lookups are not repeated in every comparison.
    fn sort_key<'s>(self, snap: &'s Snapshot, q: &MsgQueue) -> SortKey<'s> {
        let number = |n: i128| SortKey::Number(n);
        match self {
            Column::Key => number(key_bits(q.key).into()),
            Column::Id => number(q.id.into()),
            Column::Owner => SortKey::Text(Some(snap.user_name(q.uid))),
            Column::Perms => number(q.perms.into()),
            Column::Messages => number(q.messages.into()),
            Column::Used => number(q.used_bytes.into()),
            Column::Capacity => number(q.max_bytes.map_or(-1, i128::from)),
            // Millionths of a percent: exact enough, and totally ordered.
            Column::Fill => number(q.fill_percent().map_or(-1, |p| (p * 1e6) as i128)),
            Column::Sender => SortKey::Text(snap.sender(q).command().map(Cow::Borrowed)),
            Column::Receiver => SortKey::Text(snap.receiver(q).command().map(Cow::Borrowed)),
            Column::LastSend => number(q.stime.into()),
            Column::LastReceive => number(q.rtime.into()),
        }
    }
}

/// A row's value in the sort column.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey<'s> {
    Number(i128),
    Text(Option<Cow<'s, str>>),
}

/// Sort order of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The column compared first (ties go by id).
    pub column: Column,
    /// Largest first.
    pub descending: bool,
}

impl Default for Sort {
    /// Fullest queues first: backpressure is what ipctop is for.
    fn default() -> Self {
        Sort {
            column: Column::Fill,
            descending: true,
        }
    }
}

/// Tests queues against a lower-case filter text: key (hex), id, owner
/// and the last sender's and receiver's commands. Names repeat across
/// queues, so each one is lower-cased and tested once per rebuild.
struct Matcher<'a> {
    needle: &'a str,
    names: HashMap<&'a str, bool>,
    digits: String,
}

impl<'a> Matcher<'a> {
    fn new(needle: &'a str) -> Self {
        Self {
            needle,
            names: HashMap::new(),
            digits: String::new(),
        }
    }

    fn name(&mut self, name: &'a str) -> bool {
        let needle = self.needle;
        *self
            .names
            .entry(name)
            .or_insert_with(|| name.to_lowercase().contains(needle))
    }

    fn number(&mut self, value: impl fmt::Display) -> bool {
        self.digits.clear();
        let _ = write!(self.digits, "{value}");
        self.digits.contains(self.needle)
    }

    fn matches(&mut self, snap: &'a Snapshot, queue: &MsgQueue) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        let key = format_args!("{:#010x}", key_bits(queue.key));
        self.number(key)
            || self.number(queue.id)
            || match snap.users.get(&queue.uid) {
                Some(owner) => self.name(owner),
                None => self.number(queue.uid),
            }
            || [snap.sender(queue), snap.receiver(queue)]
                .into_iter()
                .filter_map(Operator::command)
                .any(|command| self.name(command))
    }
}

/// The listed queues and the selection.
#[derive(Debug, Clone, Default)]
pub struct QueueList {
    /// Indices into `snapshot.msg.queues`, filtered and sorted.
    pub rows: Vec<usize>,
    /// The selected queue, by identity.
    pub selected: Option<ObjectId>,
    /// Row of the selection in `rows`.
    pub cursor: usize,
    /// First row on screen.
    pub offset: usize,
    /// Applied filter (lower case); empty shows everything.
    pub filter: String,
    /// Sort order.
    pub sort: Sort,
}

impl QueueList {
    /// Recomputes the rows for `snap`, keeping the selected queue selected;
    /// if it is gone, the selection moves to the row now in its place.
    pub fn rebuild(&mut self, snap: &Snapshot) {
        let queues = &snap.msg.queues;
        let mut matcher = Matcher::new(&self.filter);
        self.rows = (0..queues.len())
            .filter(|&i| matcher.matches(snap, &queues[i]))
            .collect();
        let sort = self.sort;
        let mut keyed: Vec<(SortKey<'_>, usize)> = self
            .rows
            .iter()
            .map(|&i| (sort.column.sort_key(snap, &queues[i]), i))
            .collect();
        keyed.sort_by(|(ka, a), (kb, b)| {
            let primary = if sort.descending {
                kb.cmp(ka)
            } else {
                ka.cmp(kb)
            };
            primary.then(queues[*a].id.cmp(&queues[*b].id))
        });
        self.rows = keyed.into_iter().map(|(_, i)| i).collect();
        let kept = self.selected.and_then(|sel| {
            self.rows
                .iter()
                .position(|&i| snap.msg_object(queues[i].id) == sel)
        });
        self.cursor = kept.unwrap_or(self.cursor.min(self.rows.len().saturating_sub(1)));
        self.selected = self
            .rows
            .get(self.cursor)
            .map(|&i| snap.msg_object(queues[i].id));
    }

    /// Moves the selection to row `row` (clamped) of `snap`'s list.
    pub fn select_row(&mut self, snap: &Snapshot, row: usize) {
        if self.rows.is_empty() {
            self.cursor = 0;
            self.selected = None;
            return;
        }
        self.cursor = row.min(self.rows.len() - 1);
        self.selected = Some(snap.msg_object(snap.msg.queues[self.rows[self.cursor]].id));
    }

    /// Moves the selection by `delta` rows.
    pub fn move_by(&mut self, snap: &Snapshot, delta: isize) {
        let row = self.cursor.saturating_add_signed(delta);
        self.select_row(snap, row);
    }

    /// Scrolls so the selection is on screen when `visible` rows fit.
    pub fn scroll_into_view(&mut self, visible: usize) {
        let visible = visible.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + visible {
            self.offset = self.cursor + 1 - visible;
        }
        let last_page_start = self.rows.len().saturating_sub(visible);
        self.offset = self.offset.min(last_page_start);
    }

    /// The selected queue in `snap`.
    pub fn selected_queue<'s>(&self, snap: &'s Snapshot) -> Option<&'s MsgQueue> {
        self.rows.get(self.cursor).map(|&i| &snap.msg.queues[i])
    }
}
