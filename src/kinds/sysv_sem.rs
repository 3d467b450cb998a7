//! System V semaphore sets: their table and detail pane.
//!
//! What matters about a semaphore under load is who waits on it: tasks
//! waiting to decrement (`semncnt`) or for zero (`semzcnt`) are the
//! backpressure signal, as a full queue is for messages.

use std::borrow::Cow;

use serde::Serialize;

use super::parts;
use super::{
    CellValue, Chosen, ColumnSpec, DetailLine, Matcher, ObjectKind, Removable, Sort, SortKey, Tone,
};
use crate::collect::{CollectError, Collector, Tables, sysv_sem};
use crate::format;
use crate::model::{Kind, MsgSource, SemSet, SemTable, Semaphore, Snapshot, key_bits};
use crate::sys::{SysError, sem};

/// System V semaphore sets, as the engine sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SysvSem;

/// One set in `list --json`: the kernel's fields plus the owner's name.
#[derive(Debug, Serialize)]
pub struct SetJson<'s> {
    #[serde(flatten)]
    set: &'s SemSet,
    owner: Cow<'s, str>,
}

/// A column of the set table; also the sort keys, in `s` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// IPC key.
    Key,
    /// semid.
    Id,
    /// Owner user.
    Owner,
    /// Permission bits.
    Perms,
    /// Semaphores in the set.
    Nsems,
    /// Tasks waiting on its semaphores.
    Waiting,
    /// Last `semop` time.
    LastOp,
    /// Last change time.
    Changed,
    /// The process of the last operation.
    LastPid,
}

/// The process that last operated on `set`'s semaphores, as the row
/// shows it: the pid recorded on the most semaphores (ties: the lowest
/// numbered), with that semaphore and how many other pids the others
/// record. The kernel keeps no time per semaphore, so none is known to be
/// the latest; the majority is what a set used by one process at a time
/// shows.
fn last_operation(set: &SemSet) -> Option<(&Semaphore, usize)> {
    let mut pids: Vec<(i32, usize, &Semaphore)> = Vec::new();
    for s in set.sems.iter().filter(|s| s.pid > 0) {
        match pids.iter_mut().find(|(pid, ..)| *pid == s.pid) {
            Some((_, count, _)) => *count += 1,
            None => pids.push((s.pid, 1, s)),
        }
    }
    let others = pids.len().saturating_sub(1);
    // `max_by_key` keeps the last of equals: search from the end so the
    // lowest numbered semaphore wins a tie.
    pids.iter()
        .rev()
        .max_by_key(|(_, count, _)| *count)
        .map(|(_, _, s)| (*s, others))
}

/// The LAST PID cell: `4711 worker`, `4711 worker +2`, `-`, or `?` when
/// the semaphores could not be read.
fn last_pid_text(snap: &Snapshot, set: &SemSet) -> String {
    if !set.values_readable {
        return "?".to_owned();
    }
    match last_operation(set) {
        None => "-".to_owned(),
        Some((s, 0)) => format::process(s.pid, snap.sem_operator(set, s)),
        Some((s, others)) => format!(
            "{} +{others}",
            format::process(s.pid, snap.sem_operator(set, s))
        ),
    }
}

/// `2026-… (3s ago) by 4711 worker`, or `never`.
fn last_op_text(snap: &Snapshot, set: &SemSet) -> String {
    if set.otime == 0 {
        return "never".to_owned();
    }
    format!(
        "{} by {}",
        format::timestamp(set.otime, snap.taken_at),
        last_pid_text(snap, set)
    )
}

/// A count that is unknown when the semaphores could not be read.
fn waiting_text(set: &SemSet) -> String {
    if set.values_readable {
        format::count(set.waiting())
    } else {
        "?".to_owned()
    }
}

impl ObjectKind for SysvSem {
    type Object = SemSet;
    type Column = Column;

    const KIND: Kind = Kind::SysvSem;
    const COLUMNS: &'static [Column] = &[
        Column::Key,
        Column::Id,
        Column::Owner,
        Column::Perms,
        Column::Nsems,
        Column::Waiting,
        Column::LastOp,
        Column::Changed,
        Column::LastPid,
    ];
    const PRIORITY: &'static [Column] = &[
        Column::Key,
        Column::Waiting,
        Column::Id,
        Column::LastPid,
        Column::Nsems,
        Column::LastOp,
        Column::Owner,
        Column::Changed,
        Column::Perms,
    ];
    /// Sets with waiting processes first: that is where something stalls.
    const DEFAULT_SORT: Sort<Column> = Sort {
        column: Column::Waiting,
        descending: true,
    };
    const NOUN: &'static str = "semaphore set";
    const LONG_NOUN: &'static str = "semaphore set";

    fn column(column: Column) -> ColumnSpec {
        let (title, width, about) = match column {
            Column::Key => ("KEY", 10, "the IPC key (0x00000000: IPC_PRIVATE)"),
            Column::Id => ("ID", 8, "the semid, as ipcs and ipcrm take it"),
            Column::Owner => (
                "OWNER",
                10,
                "the owner (who, with the creator, may remove it)",
            ),
            Column::Perms => ("PERMS", 9, "read and alter permission, like ls"),
            Column::Nsems => ("NSEMS", 6, "semaphores in the set"),
            Column::Waiting => (
                "WAITING",
                8,
                "processes waiting on its semaphores, to decrement one or for one to be zero: the backpressure of a semaphore",
            ),
            Column::LastOp => ("LAST OP", 8, "time since the last semop"),
            Column::Changed => (
                "CHANGED",
                8,
                "time since it was created or changed (IPC_SET, SETVAL, SETALL)",
            ),
            Column::LastPid => (
                "LAST PID",
                21,
                "the process of the last operation (pid and command): the pid most of its semaphores record; +N: N other processes last operated on the others (the kernel keeps no time per semaphore)",
            ),
        };
        ColumnSpec {
            title,
            width,
            about,
            right: matches!(column, Column::Id | Column::Nsems | Column::Waiting),
            descending_first: matches!(
                column,
                Column::Nsems | Column::Waiting | Column::LastOp | Column::Changed
            ),
        }
    }

    fn objects(snap: &Snapshot) -> &[SemSet] {
        &snap.sem.sets
    }

    fn id(s: &SemSet) -> i64 {
        i64::from(s.id)
    }

    fn sort_key<'s>(column: Column, snap: &'s Snapshot, s: &SemSet) -> SortKey<'s> {
        let number = |n: i128| SortKey::Number(n);
        match column {
            Column::Key => number(key_bits(s.key).into()),
            Column::Id => number(s.id.into()),
            Column::Owner => SortKey::Text(Some(snap.user_name(s.uid))),
            Column::Perms => number(s.perms.into()),
            Column::Nsems => number(s.nsems.into()),
            Column::Waiting if !s.values_readable => number(-1),
            Column::Waiting => number(s.waiting().into()),
            Column::LastOp => number(s.otime.into()),
            Column::Changed => number(s.ctime.into()),
            Column::LastPid => SortKey::Text(
                last_operation(s)
                    .and_then(|(m, _)| snap.sem_operator(s, m).command())
                    .map(Cow::Borrowed),
            ),
        }
    }

    /// Key (hex), id, owner and the pids and commands of the last
    /// operations on its semaphores: what the row and detail show.
    fn matches<'s>(m: &mut Matcher<'s>, snap: &'s Snapshot, s: &'s SemSet) -> bool {
        let operators = s
            .sems
            .iter()
            .map(|sem| (sem.pid, snap.sem_operator(s, sem)));
        parts::matches_row(m, snap, (s.key, s.id, s.uid), operators)
    }

    fn cell(column: Column, snap: &Snapshot, s: &SemSet) -> CellValue {
        let now = snap.taken_at;
        CellValue::Text(match column {
            Column::Key => format::key(s.key),
            Column::Id => s.id.to_string(),
            Column::Owner => format::sanitize(&snap.user_name(s.uid)).into_owned(),
            Column::Perms => format::perms(s.perms),
            Column::Nsems => format::count(s.nsems.into()),
            Column::Waiting if s.values_readable && s.waiting() > 0 => {
                return CellValue::Alert(waiting_text(s));
            }
            Column::Waiting => waiting_text(s),
            Column::LastOp => format::age(s.otime, now),
            Column::Changed => format::age(s.ctime, now),
            Column::LastPid => last_pid_text(snap, s),
        })
    }

    fn detail_title(s: &SemSet) -> String {
        format!(" semaphore set {} · id {} ", format::key(s.key), s.id)
    }

    fn detail(snap: &Snapshot, s: &SemSet) -> Vec<DetailLine> {
        let now = snap.taken_at;
        let label = |text: &str| (Tone::Label, text.to_owned());
        let plain = |text: String| (Tone::Plain, text);
        let waiting = |n: u32| {
            let tone = if n > 0 { Tone::Alert } else { Tone::Plain };
            (tone, n.to_string())
        };
        let mut lines = vec![
            parts::ownership_line(snap, (s.uid, s.gid), (s.cuid, s.cgid), s.perms),
            vec![
                label("semaphores "),
                plain(format::count(s.nsems.into())),
                label(" · waiting "),
                match s.values_readable {
                    true => waiting(u32::try_from(s.waiting()).unwrap_or(u32::MAX)),
                    false => plain("?".to_owned()),
                },
            ],
            vec![
                label("last op      "),
                plain(format::timestamp(s.otime, now)),
            ],
            vec![
                label("changed      "),
                plain(format::timestamp(s.ctime, now)),
            ],
        ];
        if !s.values_readable {
            lines.push(vec![(
                Tone::Alert,
                "its semaphores cannot be read (no read permission)".to_owned(),
            )]);
        }
        lines.extend(s.sems.iter().map(|m| {
            vec![
                label("sem "),
                plain(format!("{:<4}", m.num)),
                label(" value "),
                plain(format!("{:<6}", m.value)),
                label(" last "),
                plain(format::process(m.pid, snap.sem_operator(s, m))),
                label(" · to decrement "),
                waiting(m.ncnt),
                label(" · for zero "),
                waiting(m.zcnt),
            ]
        }));
        lines
    }

    fn header_notes(snap: &Snapshot) -> Vec<DetailLine> {
        let mut notes = Vec::new();
        if snap.sem.source == MsgSource::ProcFile {
            notes.push(vec![(Tone::Label, " · via /proc".to_owned())]);
        }
        if snap.sem.unreadable > 0 {
            notes.push(vec![
                (Tone::Plain, " · ".to_owned()),
                (Tone::Alert, format!("{} unreadable", snap.sem.unreadable)),
            ]);
        }
        notes
    }

    fn summaries(snap: &Snapshot) -> Vec<String> {
        let sem = &snap.sem;
        let sets = format::plural(sem.sets.len() as u64, "set");
        let waiting: u64 = sem.sets.iter().map(SemSet::waiting).sum();
        let totals = format!(
            "{sets}/{} · {} sems/{} · {} waiting",
            format::count(sem.limits.semmni.into()),
            format::count(sem.usage.semaphores.into()),
            format::count(sem.limits.semmns.into()),
            format::count(waiting),
        );
        let limits = format!(
            " · semmsl {} · semopm {} · semvmx {}",
            format::count(sem.limits.semmsl.into()),
            format::count(sem.limits.semopm.into()),
            format::count(sem.limits.semvmx.into()),
        );
        let short = format!("{sets} · {} waiting ", format::count(waiting));
        vec![format!("{totals}{limits} "), format!("{totals} "), short]
    }

    /// As `ipcs -s` lays it out, with the waiting count.
    const PLAIN: &'static [(&'static str, usize, bool)] = &[
        ("KEY", 10, false),
        ("ID", 10, true),
        ("OWNER", 10, false),
        ("PERMS", 5, false),
        ("NSEMS", 8, true),
        ("WAITING", 8, true),
    ];

    fn plain_row(snap: &Snapshot, s: &SemSet) -> Vec<String> {
        parts::plain_row(
            snap,
            (s.key, s.id, s.uid, s.perms),
            [
                s.nsems.to_string(),
                if s.values_readable {
                    s.waiting().to_string()
                } else {
                    "?".to_owned()
                },
            ],
        )
    }

    type Json<'s> = SetJson<'s>;

    fn json<'s>(snap: &'s Snapshot, set: &'s SemSet) -> SetJson<'s> {
        SetJson {
            set,
            owner: snap.user_name(set.uid),
        }
    }

    const REMOVABLE: bool = true;

    fn chosen(s: &SemSet) -> Option<Chosen> {
        Some(Chosen::SysvSem(s.clone()))
    }

    fn empty(filter: &str, _suggestion: Option<&str>) -> String {
        if filter.is_empty() {
            "  no semaphore sets in this namespace".to_owned()
        } else {
            format!(
                "  no semaphore set matches \"{}\" (Esc clears the filter)",
                format::sanitize(filter)
            )
        }
    }
}

/// `1 process`, `2 processes`: what waits on a set.
fn waiters(s: &SemSet) -> String {
    match s.waiting() {
        1 => "1 process".to_owned(),
        n => format!("{} processes", format::count(n)),
    }
}

impl Removable for SysvSem {
    /// Another key, creator or change time is another set (or one changed
    /// with `IPC_SET`, `SETVAL` or `SETALL`); the operation time only moves
    /// forward, so an earlier one (or none) means a set created in the
    /// same second under the old id.
    fn changes(chosen: &SemSet, now: &SemSet) -> Vec<String> {
        let identity = |s: &SemSet| parts::Identity {
            key: s.key,
            creator: (s.cuid, s.cgid),
            ctime: s.ctime,
            history: [s.otime, s.otime],
        };
        let mut changes = parts::identity_changes(identity(chosen), identity(now), false);
        // A set's size is fixed at creation: another size is another set.
        if now.nsems != chosen.nsems {
            changes.push(format!(
                "it had {} semaphores, now {}",
                chosen.nsems, now.nsems
            ));
        }
        changes
    }

    fn current(id: i64) -> Result<Option<SemSet>, CollectError> {
        parts::current_by_id(id, sysv_sem::current)
    }

    fn remove(id: i64) -> Result<(), SysError> {
        parts::remove_by_id(id, Self::NOUN, sem::remove)
    }

    fn audit_names(s: &SemSet) -> Vec<(&'static str, String)> {
        parts::audit_names(s.key, s.id)
    }

    fn lost(s: &SemSet) -> Vec<(&'static str, u64)> {
        vec![("semaphores", s.nsems.into()), ("waiting", s.waiting())]
    }

    fn loss(s: &SemSet) -> String {
        let semaphores = format::plural(s.nsems.into(), "semaphore");
        match s.waiting() {
            0 => format!("{semaphores}, nobody waiting"),
            _ => format!("{semaphores}, {} waiting", waiters(s)),
        }
    }

    fn owner_uid(s: &SemSet) -> u32 {
        s.uid
    }

    fn key(s: &SemSet) -> Option<i32> {
        Some(s.key)
    }

    fn dialog_names(s: &SemSet) -> DetailLine {
        parts::key_and_id(s.key, s.id)
    }

    fn dialog_facts(snap: &Snapshot, s: &SemSet) -> Vec<DetailLine> {
        let line = |label: &str, value: String| {
            vec![(Tone::Label, label.to_owned()), (Tone::Plain, value)]
        };
        let mut facts = Vec::new();
        if s.waiting() > 0 {
            facts.push(vec![(
                Tone::Alert,
                format!(" {} waiting on it will fail with EIDRM", waiters(s)),
            )]);
        }
        facts.extend([
            line(" last op      ", last_op_text(snap, s)),
            line(
                " created/changed ",
                format::timestamp(s.ctime, snap.taken_at),
            ),
        ]);
        facts
    }

    fn describe(s: &SemSet) -> Result<Snapshot, CollectError> {
        let sem = SemTable {
            sets: vec![s.clone()],
            ..SemTable::default()
        };
        Ok(Collector::new()?.describe(Tables {
            sem,
            ..Tables::default()
        }))
    }

    fn summary(snap: &Snapshot, s: &SemSet) -> Vec<(&'static str, String)> {
        let now = snap.taken_at;
        let values = if s.values_readable {
            s.sems
                .iter()
                .map(|m| m.value.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            "unreadable (no read permission)".to_owned()
        };
        let mut lines = vec![("key", format::key(s.key))];
        lines.extend(parts::ownership_summary(
            snap,
            (s.uid, s.gid),
            (s.cuid, s.cgid),
            s.perms,
        ));
        lines.extend([
            ("semaphores", format::count(s.nsems.into())),
            ("values", values),
            ("waiting", waiting_text(s)),
            (
                "last op",
                format!(
                    "{} by {}",
                    format::timestamp(s.otime, now),
                    last_pid_text(snap, s)
                ),
            ),
            ("changed", format::timestamp(s.ctime, now)),
        ]);
        lines
    }
}
