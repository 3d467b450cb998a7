//! What each kind of IPC object shows: its columns, how it sorts and
//! filters, its cells and its detail lines. One [`ObjectKind`] per kind is
//! all the list engine ([`crate::app::list`]) and the table and detail
//! widgets of the view need; adding a kind adds a description here and
//! changes neither.
//!
//! Descriptions are neutral: values and tones, no terminal styles, so the
//! model can use them without importing the view.

pub mod limits;
mod parts;
pub mod sysv_msg;
pub mod sysv_sem;
pub mod sysv_shm;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write};

use crate::model::{Kind, Snapshot};

/// Cells of a fill bar ([`CellValue::Fill`]); its column is this plus
/// the figure and the mark wide.
pub const BAR_WIDTH: usize = 10;

/// A column's header and place in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The header text.
    pub title: &'static str,
    /// Width in cells.
    pub width: u16,
    /// Aligned right (numbers).
    pub right: bool,
    /// Sorted largest first when first chosen (numbers, times).
    pub descending_first: bool,
    /// What the column means, for the help.
    pub about: &'static str,
}

/// One cell's value, for the view to render.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Text, aligned as its column says.
    Text(String),
    /// A fill level in percent (`None`: unknown): a bar, the figure and
    /// a mark above the warning thresholds.
    Fill(Option<f64>),
    /// Text that signals trouble (senders blocked on a full queue),
    /// aligned as its column says and drawn as an alert.
    Alert(String),
}

/// How a piece of a detail line reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tone {
    /// A label (`owner `).
    Label,
    /// A value.
    Plain,
    /// A value coloured by a fill level in percent.
    Fill(f64),
    /// Something wrong (`3 unreadable`).
    Alert,
}

/// A detail line: pieces of text, each with its tone.
pub type DetailLine = Vec<(Tone, String)>;

/// What the list engine sorts a row by in one column: numbers or text,
/// computed once per row per rebuild (name look-ups are not repeated in
/// every comparison).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey<'s> {
    /// A number (keys, counts, times, fill in millionths of a percent).
    Number(i128),
    /// A name; `None` sorts first.
    Text(Option<Cow<'s, str>>),
}

/// Sort order of a table of columns `C`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<C> {
    /// The column compared first (ties go by id).
    pub column: C,
    /// Largest first.
    pub descending: bool,
}

/// Tests objects against a lower-case filter text. Names repeat across
/// objects, so each one is lower-cased and tested once per rebuild.
pub struct Matcher<'a> {
    needle: &'a str,
    names: HashMap<&'a str, bool>,
    digits: String,
}

impl<'a> Matcher<'a> {
    /// A matcher for `needle` (already lower case).
    pub fn new(needle: &'a str) -> Self {
        Self {
            needle,
            names: HashMap::new(),
            digits: String::new(),
        }
    }

    /// Does the filter match everything?
    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    /// Does `name` contain the filter, ignoring case?
    pub fn name(&mut self, name: &'a str) -> bool {
        let needle = self.needle;
        *self
            .names
            .entry(name)
            .or_insert_with(|| name.to_lowercase().contains(needle))
    }

    /// Does `value`, formatted, contain the filter?
    pub fn number(&mut self, value: impl fmt::Display) -> bool {
        self.digits.clear();
        let _ = write!(self.digits, "{value}");
        self.digits.contains(self.needle)
    }
}

/// Everything the engine and the widgets need to know of one kind.
pub trait ObjectKind: 'static {
    /// One object of the kind, as the snapshot holds it.
    type Object: 'static;
    /// The table's columns, which are also its sort keys.
    type Column: Copy + Eq + fmt::Debug + 'static;

    /// The kind, for object identities.
    const KIND: Kind;
    /// Every column, left to right; `s` steps through them in this order.
    const COLUMNS: &'static [Self::Column];
    /// The columns from most to least useful: narrow screens drop from
    /// the end.
    const PRIORITY: &'static [Self::Column];
    /// The order a fresh table has.
    const DEFAULT_SORT: Sort<Self::Column>;
    /// What one object is called (`queue`).
    const NOUN: &'static str;
    /// The same, in full where the kind is not on screen (`message
    /// queue`).
    const LONG_NOUN: &'static str;

    /// The column's header and place.
    fn column(column: Self::Column) -> ColumnSpec;
    /// The objects of the kind in `snap`, in the kernel's order.
    fn objects(snap: &Snapshot) -> &[Self::Object];
    /// The kernel's id of `object`.
    fn id(object: &Self::Object) -> i64;
    /// What `object` sorts by in `column`.
    fn sort_key<'s>(column: Self::Column, snap: &'s Snapshot, object: &Self::Object)
    -> SortKey<'s>;
    /// Does the filter match what the row of `object` shows?
    fn matches<'s>(matcher: &mut Matcher<'s>, snap: &'s Snapshot, object: &'s Self::Object)
    -> bool;
    /// The value of `object` in `column`.
    fn cell(column: Self::Column, snap: &Snapshot, object: &Self::Object) -> CellValue;
    /// The title of the detail pane for `object`.
    fn detail_title(object: &Self::Object) -> String;
    /// The detail pane's lines for `object`.
    fn detail(snap: &Snapshot, object: &Self::Object) -> Vec<DetailLine>;
    /// What an empty table says: with no objects at all (`filter` empty;
    /// `suggestion` is a command that would make some, to mention), or
    /// none matching `filter`.
    fn empty(filter: &str, suggestion: Option<&str>) -> String;

    /// Notes for the header about how the kind was read (`via /proc`,
    /// `2 unreadable`), each after a separator.
    fn header_notes(snap: &Snapshot) -> Vec<DetailLine>;
    /// The header's summary of the kind (totals, limits), longest first:
    /// the longest that fits is shown.
    fn summaries(snap: &Snapshot) -> Vec<String>;

    /// The columns of `ipctop list`'s plain table: header, width, aligned
    /// right.
    const PLAIN: &'static [(&'static str, usize, bool)];
    /// `object`'s cells in the plain table, one per [`Self::PLAIN`] column.
    fn plain_row(snap: &Snapshot, object: &Self::Object) -> Vec<String>;

    /// One object as `ipctop list --json` writes it: its fields, plus
    /// the names the snapshot resolved.
    type Json<'s>: serde::Serialize;
    /// `object` of `snap` for `list --json`.
    fn json<'s>(snap: &'s Snapshot, object: &'s Self::Object) -> Self::Json<'s>;
    /// For a kind whose `list --json` member is an object keyed by name
    /// (the limits, `"MSGMNI": {…}`), the name of an object; `None`: the
    /// member is an array.
    const JSON_KEY: Option<fn(&Self::Object) -> &'static str> = None;

    /// ipctop removes objects of the kind (it is [`Removable`], and
    /// [`ObjectKind::chosen`] gives them).
    const REMOVABLE: bool = false;

    /// `object`, as the user's choice of any kind for removal; `None` for
    /// kinds ipctop does not remove.
    fn chosen(object: &Self::Object) -> Option<Chosen> {
        let _ = object;
        None
    }
}

/// A kind whose objects ipctop removes: what tells an object from
/// another that took over its id (the kernel has no compare-and-remove),
/// what removing it loses, and the calls that read and remove it.
pub trait Removable: ObjectKind {
    /// Tasks can wait on an object of the kind (in `msgsnd`, `semop`…):
    /// the removal dialog looks for them, since removing wakes them with
    /// `EIDRM`. Nothing waits on a shared-memory segment.
    const CAN_BLOCK: bool = true;

    /// What tells `now` (read again under the same id) from `chosen` (as
    /// the user saw it), in words; empty when it is the same object.
    fn changes(chosen: &Self::Object, now: &Self::Object) -> Vec<String>;
    /// Object `id` as it is now; `None` when there is none.
    fn current(id: i64) -> Result<Option<Self::Object>, crate::collect::CollectError>;
    /// Removes object `id`.
    fn remove(id: i64) -> Result<(), crate::sys::SysError>;
    /// The audit log's fields naming the object (`key`, `id`).
    fn audit_names(object: &Self::Object) -> Vec<(&'static str, String)>;
    /// What removing `object` loses, counted, for the audit log
    /// (`messages`, `bytes`).
    fn lost(object: &Self::Object) -> Vec<(&'static str, u64)>;
    /// The same in words: `3,980 messages, 15.55 KiB`.
    fn loss(object: &Self::Object) -> String;
    /// What was done, said after the removal: `removed queue 65538 (3
    /// messages, 30 B)`.
    fn removed_text(removed: &Self::Object) -> String {
        format!(
            "removed {} {} ({})",
            Self::NOUN,
            Self::id(removed),
            Self::loss(removed)
        )
    }
    /// The user id of the owner, whose name the dialog and the log give.
    fn owner_uid(object: &Self::Object) -> u32;
    /// Its IPC key, for kinds that have one (`rm --expect-key`).
    fn key(object: &Self::Object) -> Option<i32>;
    /// The removal dialog's first line, naming the object (`key … · id …`;
    /// the owner follows).
    fn dialog_names(object: &Self::Object) -> DetailLine;
    /// The removal dialog's facts after what will be lost: its last users,
    /// its times.
    fn dialog_facts(snap: &Snapshot, object: &Self::Object) -> Vec<DetailLine>;
    /// `ipctop rm`'s summary: labelled facts, one per line.
    fn summary(snap: &Snapshot, object: &Self::Object) -> Vec<(&'static str, String)>;
    /// A snapshot holding just `object`, with the names it mentions
    /// resolved (for `ipctop rm`'s summary).
    fn describe(object: &Self::Object) -> Result<Snapshot, crate::collect::CollectError>;
}

/// An object the user chose, of any removable kind: what the removal
/// dialog and the removal job hold. One variant per kind; everything else
/// comes from the kind's [`Removable`] description, through
/// [`each_kind!`](crate::each_kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// A System V message queue.
    SysvMsg(crate::model::MsgQueue),
    /// A System V shared-memory segment.
    SysvShm(crate::model::ShmSegment),
    /// A System V semaphore set.
    SysvSem(crate::model::SemSet),
}

/// Runs `$body` with `$kind` naming the kind of `$chosen` and `$object`
/// its object: the one place that lists every removable kind.
#[macro_export]
macro_rules! each_kind {
    ($chosen:expr, |$kind:ident, $object:ident| $body:expr) => {
        match $chosen {
            $crate::kinds::Chosen::SysvMsg($object) => {
                type $kind = $crate::kinds::sysv_msg::SysvMsg;
                $body
            }
            $crate::kinds::Chosen::SysvShm($object) => {
                type $kind = $crate::kinds::sysv_shm::SysvShm;
                $body
            }
            $crate::kinds::Chosen::SysvSem($object) => {
                type $kind = $crate::kinds::sysv_sem::SysvSem;
                $body
            }
        }
    };
}

impl Chosen {
    /// The object's kind.
    pub fn kind(&self) -> Kind {
        crate::each_kind!(self, |K, _o| K::KIND)
    }

    /// The kernel's id of the object.
    pub fn id(&self) -> i64 {
        crate::each_kind!(self, |K, o| K::id(o))
    }

    /// What one object of its kind is called (`queue`).
    pub fn noun(&self) -> &'static str {
        crate::each_kind!(self, |K, _o| K::NOUN)
    }

    /// The same object in `snap`, if it is still there (the same
    /// incarnation, not another object under its id).
    pub fn in_snapshot(&self, snap: &Snapshot) -> Option<Chosen> {
        crate::each_kind!(self, |K, o| K::objects(snap)
            .iter()
            .find(|now| K::id(now) == K::id(o) && K::changes(o, now).is_empty())
            .and_then(K::chosen))
    }

    /// What removing it loses, counted (for the audit log).
    pub fn lost(&self) -> Vec<(&'static str, u64)> {
        crate::each_kind!(self, |K, o| K::lost(o))
    }

    /// What removing it loses, in words.
    pub fn loss(&self) -> String {
        crate::each_kind!(self, |K, o| K::loss(o))
    }

    /// Can tasks be blocked on it (see [`Removable::CAN_BLOCK`])?
    pub fn can_block(&self) -> bool {
        crate::each_kind!(self, |K, _o| K::CAN_BLOCK)
    }

    /// Its owner's uid.
    pub fn owner_uid(&self) -> u32 {
        crate::each_kind!(self, |K, o| K::owner_uid(o))
    }

    /// The dialog's line naming it.
    pub fn dialog_names(&self) -> DetailLine {
        crate::each_kind!(self, |K, o| K::dialog_names(o))
    }

    /// The dialog's facts about it, as of `snap`.
    pub fn dialog_facts(&self, snap: &Snapshot) -> Vec<DetailLine> {
        crate::each_kind!(self, |K, o| K::dialog_facts(snap, o))
    }
}
