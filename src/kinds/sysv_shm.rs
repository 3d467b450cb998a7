//! System V shared-memory segments: their table and detail pane.

use std::borrow::Cow;

use serde::Serialize;

use super::{
    CellValue, Chosen, ColumnSpec, DetailLine, Matcher, ObjectKind, Removable, Sort, SortKey, Tone,
    parts,
};
use crate::collect::{CollectError, Collector, Tables, sysv_shm};
use crate::format;
use crate::model::{Kind, Operator, ShmSegment, ShmTable, Snapshot, key_bits};
use crate::sys::{SysError, shm};

/// System V shared-memory segments, as the engine sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SysvShm;

/// One segment in `list --json`.
#[derive(Debug, Serialize)]
pub struct SegmentJson<'s> {
    key: u32,
    id: i32,
    owner: Cow<'s, str>,
    uid: u32,
    perms: u32,
    size: u64,
    nattch: u64,
    cpid: i32,
    lpid: i32,
    atime: i64,
    dtime: i64,
    ctime: i64,
    rss: Option<u64>,
    swap: Option<u64>,
    status: Vec<&'static str>,
    attached: Vec<i32>,
}

/// A column of the segment table; also the sort keys, in `s` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// IPC key.
    Key,
    /// shmid.
    Id,
    /// Owner user.
    Owner,
    /// Permission bits.
    Perms,
    /// Size in bytes.
    Size,
    /// Attachments.
    Attach,
    /// `dest`, `locked`.
    Status,
    /// Leak hints.
    Flags,
    /// Creator process.
    Creator,
    /// Last attacher or detacher.
    Last,
    /// Last attach time.
    Attached,
    /// Last detach time.
    Detached,
    /// Last change time.
    Changed,
    /// Resident bytes.
    Rss,
    /// Swapped-out bytes.
    Swap,
}

/// Why a segment may be a leak: each a mark in the FLAGS column and a
/// sentence in the detail pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Nothing attached, and the process that created it is gone.
    CreatorGone,
    /// Removed, but still attached: its memory is not freed yet.
    RemovedButAttached,
    /// Key `IPC_PRIVATE` and nothing attached: no key leads to it.
    PrivateUnattached,
}

impl Hint {
    /// Its mark in the FLAGS column.
    pub fn mark(self) -> char {
        match self {
            Hint::CreatorGone => 'G',
            Hint::RemovedButAttached => 'D',
            Hint::PrivateUnattached => 'P',
        }
    }

    /// What it means, in words.
    pub fn text(self) -> &'static str {
        match self {
            Hint::CreatorGone => "nothing is attached and its creator is gone: likely leaked",
            Hint::RemovedButAttached => {
                "removed but still attached: its memory is freed when the last process detaches"
            }
            Hint::PrivateUnattached => {
                "private key and nothing attached: only its id reaches it, likely leaked"
            }
        }
    }
}

/// The leak hints that apply to `s`.
pub fn hints(snap: &Snapshot, s: &ShmSegment) -> Vec<Hint> {
    let mut hints = Vec::new();
    if s.nattch == 0 && snap.creator(s) == Operator::Exited {
        hints.push(Hint::CreatorGone);
    }
    if s.dest && s.nattch > 0 {
        hints.push(Hint::RemovedButAttached);
    }
    if s.key == libc::IPC_PRIVATE && s.nattch == 0 && !s.dest {
        hints.push(Hint::PrivateUnattached);
    }
    hints
}

/// `dest`, `locked`: the segment's state bits, in words.
pub fn status(s: &ShmSegment) -> Vec<&'static str> {
    [(s.dest, "dest"), (s.locked, "locked")]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect()
}

fn optional_size(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "?".to_owned(), format::size)
}

impl ObjectKind for SysvShm {
    type Object = ShmSegment;
    type Column = Column;

    const KIND: Kind = Kind::SysvShm;
    const COLUMNS: &'static [Column] = &[
        Column::Key,
        Column::Id,
        Column::Owner,
        Column::Perms,
        Column::Size,
        Column::Attach,
        Column::Status,
        Column::Flags,
        Column::Creator,
        Column::Last,
        Column::Attached,
        Column::Detached,
        Column::Changed,
        Column::Rss,
        Column::Swap,
    ];
    const PRIORITY: &'static [Column] = &[
        Column::Key,
        Column::Id,
        Column::Size,
        Column::Attach,
        Column::Flags,
        Column::Creator,
        Column::Owner,
        Column::Status,
        Column::Rss,
        Column::Last,
        Column::Detached,
        Column::Attached,
        Column::Swap,
        Column::Changed,
        Column::Perms,
    ];
    /// Largest segments first: memory is what a leak costs.
    const DEFAULT_SORT: Sort<Column> = Sort {
        column: Column::Size,
        descending: true,
    };
    const NOUN: &'static str = "segment";
    const LONG_NOUN: &'static str = "shared-memory segment";

    fn column(column: Column) -> ColumnSpec {
        let (title, width, about) = match column {
            Column::Key => (
                "KEY",
                10,
                "the IPC key (0x00000000: IPC_PRIVATE, or removed while attached)",
            ),
            Column::Id => ("ID", 8, "the shmid, as ipcs and ipcrm take it"),
            Column::Owner => (
                "OWNER",
                10,
                "the owner (who, with the creator, may remove it)",
            ),
            Column::Perms => ("PERMS", 9, "read and write permission, like ls"),
            Column::Size => ("SIZE", 9, "its size"),
            Column::Attach => ("ATTACH", 7, "attachments (shm_nattch)"),
            Column::Status => (
                "STATUS",
                11,
                "dest: removed, freed at the last detach; locked: never swapped",
            ),
            Column::Flags => (
                "FLAGS",
                5,
                "leak hints: G nothing attached and creator gone; D removed but still attached; P private key, nothing attached",
            ),
            Column::Creator => ("CREATOR", 21, "the creator's pid and command"),
            Column::Last => (
                "LAST",
                21,
                "the pid and command of the last attach or detach",
            ),
            Column::Attached => ("ATTACHED", 8, "time since the last attach"),
            Column::Detached => ("DETACHED", 8, "time since the last detach"),
            Column::Changed => ("CHANGED", 8, "time since it was created or changed"),
            Column::Rss => ("RSS", 9, "bytes resident in memory"),
            Column::Swap => ("SWAP", 9, "bytes swapped out"),
        };
        ColumnSpec {
            title,
            width,
            about,
            right: matches!(
                column,
                Column::Id | Column::Size | Column::Attach | Column::Rss | Column::Swap
            ),
            descending_first: matches!(
                column,
                Column::Size
                    | Column::Attach
                    | Column::Attached
                    | Column::Detached
                    | Column::Changed
                    | Column::Rss
                    | Column::Swap
            ),
        }
    }

    fn objects(snap: &Snapshot) -> &[ShmSegment] {
        &snap.shm.segments
    }

    fn id(s: &ShmSegment) -> i64 {
        i64::from(s.id)
    }

    fn sort_key<'s>(column: Column, snap: &'s Snapshot, s: &ShmSegment) -> SortKey<'s> {
        let number = |n: i128| SortKey::Number(n);
        let text = |who: Operator<'s>| SortKey::Text(who.command().map(Cow::Borrowed));
        match column {
            Column::Key => number(key_bits(s.key).into()),
            Column::Id => number(s.id.into()),
            Column::Owner => SortKey::Text(Some(snap.user_name(s.uid))),
            Column::Perms => number(s.perms.into()),
            Column::Size => number(s.size.into()),
            Column::Attach => number(s.nattch.into()),
            Column::Status => number(i128::from(s.dest) * 2 + i128::from(s.locked)),
            Column::Flags => SortKey::Text(Some(Cow::Owned(marks(snap, s)))),
            Column::Creator => text(snap.creator(s)),
            Column::Last => text(snap.last_user(s)),
            Column::Attached => number(s.atime.into()),
            Column::Detached => number(s.dtime.into()),
            Column::Changed => number(s.ctime.into()),
            Column::Rss => number(s.rss.map_or(-1, i128::from)),
            Column::Swap => number(s.swap.map_or(-1, i128::from)),
        }
    }

    /// Key (hex), id, owner, and the creator's and last user's pids and
    /// commands: what the row shows of them.
    fn matches<'s>(m: &mut Matcher<'s>, snap: &'s Snapshot, s: &'s ShmSegment) -> bool {
        let operators = [(s.cpid, snap.creator(s)), (s.lpid, snap.last_user(s))];
        parts::matches_row(m, snap, (s.key, s.id, s.uid), operators)
    }

    fn cell(column: Column, snap: &Snapshot, s: &ShmSegment) -> CellValue {
        let now = snap.taken_at;
        CellValue::Text(match column {
            Column::Key => format::key(s.key),
            Column::Id => s.id.to_string(),
            Column::Owner => format::sanitize(&snap.user_name(s.uid)).into_owned(),
            Column::Perms => format::perms(s.perms),
            Column::Size => format::size(s.size),
            Column::Attach => format::count(s.nattch),
            Column::Status => status(s).join(","),
            Column::Flags => marks(snap, s),
            Column::Creator => format::process(s.cpid, snap.creator(s)),
            Column::Last => format::process(s.lpid, snap.last_user(s)),
            Column::Attached => format::age(s.atime, now),
            Column::Detached => format::age(s.dtime, now),
            Column::Changed => format::age(s.ctime, now),
            Column::Rss => optional_size(s.rss),
            Column::Swap => optional_size(s.swap),
        })
    }

    fn detail_title(s: &ShmSegment) -> String {
        format!(" segment {} · id {} ", format::key(s.key), s.id)
    }

    fn detail(snap: &Snapshot, s: &ShmSegment) -> Vec<DetailLine> {
        let now = snap.taken_at;
        let label = |text: &str| (Tone::Label, text.to_owned());
        let plain = |text: String| (Tone::Plain, text);
        let status = status(s);
        let mut lines = vec![
            parts::ownership_line(snap, (s.uid, s.gid), (s.cuid, s.cgid), s.perms),
            vec![
                label("size "),
                plain(format!(
                    "{} ({} bytes)",
                    format::size(s.size),
                    format::count(s.size)
                )),
                label(" · resident "),
                plain(optional_size(s.rss)),
                label(" · swapped "),
                plain(optional_size(s.swap)),
                label(" · status "),
                plain(if status.is_empty() {
                    "-".to_owned()
                } else {
                    status.join(", ")
                }),
            ],
            vec![
                label("created by   "),
                plain(format::process(s.cpid, snap.creator(s))),
                label(" · changed "),
                plain(format::timestamp(s.ctime, now)),
            ],
            vec![
                label("last attach  "),
                plain(format::timestamp(s.atime, now)),
                label(" · last detach "),
                plain(format::timestamp(s.dtime, now)),
                label(" · by "),
                plain(format::process(s.lpid, snap.last_user(s))),
            ],
        ];
        lines.extend(
            hints(snap, s)
                .into_iter()
                .map(|h| vec![(Tone::Alert, format!("{} {}", h.mark(), h.text()))]),
        );
        lines.push(vec![
            label("attached     "),
            plain(format::plural(s.nattch, "time")),
            plain(attachers_note(snap, s)),
        ]);
        lines.extend(snap.shm.attachments_of(s.id).iter().map(|a| {
            vec![
                plain(format!(
                    "  {:<24}",
                    format::process(a.pid, snap.operator(a.pid, 0))
                )),
                plain(format!(" {:#x}-{:#x} ", a.start, a.end)),
                label(if a.writable { "rw" } else { "ro" }),
            ]
        }));
        lines
    }

    fn header_notes(snap: &Snapshot) -> Vec<DetailLine> {
        let shm = &snap.shm;
        let mut notes = Vec::new();
        if shm.via_proc {
            notes.push(vec![(Tone::Label, " · via /proc".to_owned())]);
        }
        let unreadable = [
            (shm.unreadable > 0).then(|| format!("{} unreadable", shm.unreadable)),
            // Their attachments are missing from the table.
            (shm.scan.unreadable > 0).then(|| {
                let n = u64::from(shm.scan.unreadable);
                format!(
                    "{} not checked for attachments",
                    format::plural(n, "process")
                )
            }),
        ];
        for text in unreadable.into_iter().flatten() {
            notes.push(vec![(Tone::Plain, " · ".to_owned()), (Tone::Alert, text)]);
        }
        notes
    }

    fn summaries(snap: &Snapshot) -> Vec<String> {
        let shm = &snap.shm;
        let segments = format::plural(shm.segments.len() as u64, "segment");
        // Sizes are the users' to choose: a few near 2^64 must not wrap.
        let bytes = shm
            .segments
            .iter()
            .fold(0, |sum: u64, s| sum.saturating_add(s.size));
        let rss = shm
            .segments
            .iter()
            .filter_map(|s| s.rss)
            .fold(0, u64::saturating_add);
        let attached = shm.segments.iter().filter(|s| s.nattch > 0).count();
        let totals = format!(
            "{segments}/{} · {} · {} resident · {attached} attached",
            format::count(shm.limits.shmmni),
            format::size(bytes),
            format::size(rss),
        );
        let limits = format!(
            " · shmmax {} · shmall {}",
            format::limit(shm.limits.shmmax, format::size),
            format::limit(shm.limits.shmall, |n| format::plural(n, "page"))
        );
        let short = format!("{segments} · {} ", format::size(bytes));
        vec![format!("{totals}{limits} "), format!("{totals} "), short]
    }

    /// As `ipcs -m` lays it out.
    const PLAIN: &'static [(&'static str, usize, bool)] = &[
        ("KEY", 10, false),
        ("ID", 10, true),
        ("OWNER", 10, false),
        ("PERMS", 5, false),
        ("BYTES", 20, true),
        ("NATTCH", 8, true),
        ("STATUS", 11, false),
    ];

    fn plain_row(snap: &Snapshot, s: &ShmSegment) -> Vec<String> {
        parts::plain_row(
            snap,
            (s.key, s.id, s.uid, s.perms),
            [
                s.size.to_string(),
                s.nattch.to_string(),
                status(s).join(","),
            ],
        )
    }

    type Json<'s> = SegmentJson<'s>;

    fn json<'s>(snap: &'s Snapshot, s: &'s ShmSegment) -> SegmentJson<'s> {
        SegmentJson {
            key: key_bits(s.key),
            id: s.id,
            owner: snap.user_name(s.uid),
            uid: s.uid,
            perms: s.perms,
            size: s.size,
            nattch: s.nattch,
            cpid: s.cpid,
            lpid: s.lpid,
            atime: s.atime,
            dtime: s.dtime,
            ctime: s.ctime,
            rss: s.rss,
            swap: s.swap,
            status: status(s),
            attached: snap.shm.attached_pids(s.id),
        }
    }

    const REMOVABLE: bool = true;

    fn chosen(s: &ShmSegment) -> Option<Chosen> {
        Some(Chosen::SysvShm(s.clone()))
    }

    fn empty(filter: &str, _suggestion: Option<&str>) -> String {
        if filter.is_empty() {
            "  no shared-memory segments in this namespace".to_owned()
        } else {
            format!(
                "  no segment matches \"{}\" (Esc clears the filter)",
                format::sanitize(filter)
            )
        }
    }
}

/// The FLAGS cell: one mark per hint.
fn marks(snap: &Snapshot, s: &ShmSegment) -> String {
    hints(snap, s).into_iter().map(Hint::mark).collect()
}

/// After the attachment count: what the scan found, or why it may have
/// missed some.
fn attachers_note(snap: &Snapshot, s: &ShmSegment) -> String {
    if s.nattch == 0 {
        return String::new();
    }
    let pids = snap.shm.attached_pids(s.id);
    let mut note = format!(", by {}", format::plural(pids.len() as u64, "process"));
    let mapped = snap.shm.attachments_of(s.id).len() as u64;
    if mapped < s.nattch && snap.shm.scan.unreadable > 0 {
        note.push_str(&format!(
            " (some may be among the {} processes ipctop may not read)",
            snap.shm.scan.unreadable
        ));
    }
    note
}

/// `4711 worker, 4712 ?`: the attached processes of `s`.
fn attacher_names(snap: &Snapshot, s: &ShmSegment) -> String {
    let pids = snap.shm.attached_pids(s.id);
    if pids.is_empty() {
        return "not found (their /proc/PID/maps could not be read)".to_owned();
    }
    // A few by name, the rest counted: the line must fit the dialog (a
    // database's segment has a process per connection).
    const NAMED: usize = 3;
    let mut names: Vec<String> = pids
        .iter()
        .take(NAMED)
        .map(|&pid| format::process(pid, snap.operator(pid, 0)))
        .collect();
    if pids.len() > NAMED {
        names.push(format!(
            "and {} more",
            format::count((pids.len() - NAMED) as u64)
        ));
    }
    names.join(", ")
}

impl Removable for SysvShm {
    const CAN_BLOCK: bool = false;

    /// Another creator, creator pid, size or change time is another
    /// segment (or one changed with `IPC_SET`); so is another key, except
    /// that a segment removed while attached shows key 0 (and `dest`)
    /// from then on: the same segment, not a new one. `dest` is never
    /// cleared, and attach and detach times only move forward.
    fn changes(chosen: &ShmSegment, now: &ShmSegment) -> Vec<String> {
        let identity = |s: &ShmSegment| parts::Identity {
            key: s.key,
            creator: (s.cuid, s.cgid),
            ctime: s.ctime,
            history: [s.atime, s.dtime],
        };
        let removed_since = now.dest && now.key == libc::IPC_PRIVATE;
        let mut changes = parts::identity_changes(identity(chosen), identity(now), removed_since);
        if chosen.dest && !now.dest {
            changes.push("it is no longer marked for removal".to_owned());
        }
        if now.cpid != chosen.cpid {
            changes.push(format!("creator pid {} is now {}", chosen.cpid, now.cpid));
        }
        if now.size != chosen.size {
            changes.push(format!(
                "size {} is now {}",
                format::size(chosen.size),
                format::size(now.size)
            ));
        }
        changes
    }

    fn current(id: i64) -> Result<Option<ShmSegment>, CollectError> {
        parts::current_by_id(id, sysv_shm::current)
    }

    fn remove(id: i64) -> Result<(), SysError> {
        parts::remove_by_id(id, Self::NOUN, shm::remove)
    }

    fn audit_names(s: &ShmSegment) -> Vec<(&'static str, String)> {
        parts::audit_names(s.key, s.id)
    }

    fn lost(s: &ShmSegment) -> Vec<(&'static str, u64)> {
        vec![("bytes", s.size), ("attached", s.nattch)]
    }

    fn loss(s: &ShmSegment) -> String {
        if s.nattch == 0 {
            format!("{} of shared memory", format::size(s.size))
        } else {
            format!(
                "{}, still attached {}",
                format::size(s.size),
                format::plural(s.nattch, "time")
            )
        }
    }

    fn removed_text(s: &ShmSegment) -> String {
        if s.nattch == 0 {
            return format!("removed segment {} ({})", s.id, Self::loss(s));
        }
        format!(
            "marked segment {} for removal ({}): it disappears when the last process detaches",
            s.id,
            Self::loss(s)
        )
    }

    fn owner_uid(s: &ShmSegment) -> u32 {
        s.uid
    }

    fn key(s: &ShmSegment) -> Option<i32> {
        Some(s.key)
    }

    fn dialog_names(s: &ShmSegment) -> DetailLine {
        parts::key_and_id(s.key, s.id)
    }

    fn dialog_facts(snap: &Snapshot, s: &ShmSegment) -> Vec<DetailLine> {
        let line = |label: &str, value: String| {
            vec![(Tone::Label, label.to_owned()), (Tone::Plain, value)]
        };
        let mut facts = vec![
            line(" creator   ", format::process(s.cpid, snap.creator(s))),
            line(" last user ", format::process(s.lpid, snap.last_user(s))),
            line(
                " created/changed ",
                format::timestamp(s.ctime, snap.taken_at),
            ),
        ];
        if s.nattch > 0 {
            // Two short lines: the dialog must fit an 80-column screen.
            facts.push(vec![(
                Tone::Alert,
                format!(
                    " still attached {}: only marked for removal,",
                    format::plural(s.nattch, "time")
                ),
            )]);
            facts.push(vec![(
                Tone::Alert,
                " freed when the last process detaches".to_owned(),
            )]);
            facts.push(line(" attached by ", attacher_names(snap, s)));
        }
        facts
    }

    fn describe(s: &ShmSegment) -> Result<Snapshot, CollectError> {
        let mut collector = Collector::new()?;
        let mut table = ShmTable {
            segments: vec![s.clone()],
            ..ShmTable::default()
        };
        sysv_shm::attach(&mut table, collector.namespace());
        Ok(collector.describe(Tables {
            shm: table,
            ..Tables::default()
        }))
    }

    fn summary(snap: &Snapshot, s: &ShmSegment) -> Vec<(&'static str, String)> {
        let now = snap.taken_at;
        let status = status(s);
        let mut lines = vec![("key", format::key(s.key))];
        lines.extend(parts::ownership_summary(
            snap,
            (s.uid, s.gid),
            (s.cuid, s.cgid),
            s.perms,
        ));
        lines.extend([
            (
                "size",
                format!("{} ({})", format::count(s.size), format::size(s.size)),
            ),
            (
                "status",
                if status.is_empty() {
                    "-".to_owned()
                } else {
                    status.join(", ")
                },
            ),
            ("created by", format::process(s.cpid, snap.creator(s))),
            ("last attach", format::timestamp(s.atime, now)),
            ("last detach", format::timestamp(s.dtime, now)),
            ("attached", format::plural(s.nattch, "time")),
        ]);
        if s.nattch > 0 {
            lines.push(("attached by", attacher_names(snap, s)));
            lines.push((
                "on removal",
                "only marked for removal: it disappears when the last process detaches".to_owned(),
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Process;
    use std::time::{Duration, UNIX_EPOCH};

    fn segment() -> ShmSegment {
        ShmSegment {
            key: 0x1234,
            id: 32768,
            uid: 1000,
            gid: 1000,
            cuid: 1000,
            cgid: 100,
            perms: 0o600,
            dest: false,
            locked: false,
            size: 4096,
            nattch: 1,
            cpid: 4711,
            lpid: 4712,
            atime: 1_500,
            dtime: 0,
            ctime: 1_000,
            rss: Some(4096),
            swap: Some(0),
        }
    }

    #[test]
    fn a_segment_removed_while_attached_is_the_same_segment() {
        let seen = segment();
        let mut removed = seen.clone();
        removed.key = 0;
        removed.dest = true;
        removed.nattch = 3;
        removed.atime = 1_600;
        assert_eq!(SysvShm::changes(&seen, &removed), Vec::<String>::new());
        // And what was seen removed stays itself too.
        assert!(SysvShm::changes(&removed, &removed).is_empty());
    }

    #[test]
    fn another_segment_under_the_id_is_told_apart() {
        let seen = segment();
        let mut other = seen.clone();
        other.key = 0x9999;
        other.ctime = 2_000;
        let changes = SysvShm::changes(&seen, &other);
        assert!(changes.contains(&"key 0x00001234 is now 0x00009999".to_owned()));

        // Key 0 without `dest` is a new private segment, not ours removed.
        let mut private = seen.clone();
        private.key = 0;
        assert!(!SysvShm::changes(&seen, &private).is_empty());

        // A private segment seen removed, and a new private one in the
        // same second by another process: the creator pid tells.
        let mut was = seen.clone();
        (was.key, was.dest) = (0, true);
        let mut new = seen.clone();
        (new.key, new.cpid) = (0, 4800);
        let changes = SysvShm::changes(&was, &new);
        assert!(
            changes.contains(&"it is no longer marked for removal".to_owned()),
            "{changes:?}"
        );
        assert!(changes.contains(&"creator pid 4711 is now 4800".to_owned()));

        for change in [
            |s: &mut ShmSegment| s.size = 8192,
            |s: &mut ShmSegment| s.cuid = 0,
            |s: &mut ShmSegment| s.atime = 0,
            |s: &mut ShmSegment| s.ctime = 1_001,
        ] {
            let mut now = seen.clone();
            change(&mut now);
            assert!(!SysvShm::changes(&seen, &now).is_empty(), "{now:?}");
        }
    }

    fn snap_with(segments: Vec<ShmSegment>, processes: &[(i32, &str)]) -> Snapshot {
        let mut snap = Snapshot {
            taken_at: UNIX_EPOCH + Duration::from_secs(10_000),
            namespace: 1,
            namespace_label: None,
            hostname: String::new(),
            msg: Default::default(),
            limits: Vec::new(),
            shm: ShmTable {
                segments,
                ..ShmTable::default()
            },
            sem: Default::default(),
            processes: Default::default(),
            users: Default::default(),
            groups: Default::default(),
            failures: Default::default(),
        };
        for &(pid, command) in processes {
            snap.processes.insert(
                pid,
                Process {
                    command: Some(command.to_owned()),
                    started_at: 1,
                },
            );
        }
        snap
    }

    #[test]
    fn leak_hints_mark_what_is_likely_leaked() {
        let mut orphan = segment();
        orphan.nattch = 0;
        let mut held = segment();
        (held.key, held.dest) = (0, true);
        let mut private = orphan.clone();
        private.key = 0;
        let snap = snap_with(vec![], &[]);
        assert_eq!(marks(&snap, &orphan), "G");
        assert_eq!(marks(&snap, &held), "D");
        assert_eq!(marks(&snap, &private), "GP");
        let alive = snap_with(vec![], &[(4711, "creator")]);
        assert_eq!(marks(&alive, &orphan), "");
        assert_eq!(marks(&alive, &segment()), "", "attached: no hint");
        let detail = SysvShm::detail(&snap, &held);
        let text: Vec<String> = detail
            .iter()
            .map(|line| line.iter().map(|(_, t)| t.as_str()).collect())
            .collect();
        assert!(
            text.iter()
                .any(|l| l.starts_with("D removed but still attached")),
            "{text:?}"
        );
    }

    #[test]
    fn the_dialog_says_an_attached_segment_is_only_marked() {
        let s = segment();
        let mut snap = snap_with(vec![s.clone()], &[(4712, "worker")]);
        snap.shm.attachments.insert(
            s.id,
            vec![crate::model::Attachment {
                pid: 4712,
                start: 0x1000,
                end: 0x2000,
                writable: true,
            }],
        );
        let facts: Vec<String> = SysvShm::dialog_facts(&snap, &s)
            .iter()
            .map(|line| line.iter().map(|(_, t)| t.as_str()).collect())
            .collect();
        assert!(
            facts.iter().any(|f| f.contains("only marked for removal")),
            "{facts:?}"
        );
        assert!(
            facts.iter().any(|f| f.contains("attached by 4712 worker")),
            "{facts:?}"
        );
        assert!(SysvShm::removed_text(&s).starts_with("marked segment 32768 for removal"));
        let mut unattached = s;
        unattached.nattch = 0;
        assert_eq!(
            SysvShm::removed_text(&unattached),
            "removed segment 32768 (4 KiB of shared memory)"
        );
    }
}
