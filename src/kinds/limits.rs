//! The system-wide IPC limits: their table and detail pane, like
//! `lsipc -g`, live, with how much of each is used.

use serde::Serialize;

use super::{
    BAR_WIDTH, CellValue, ColumnSpec, DetailLine, Matcher, ObjectKind, Sort, SortKey, Tone,
};
use crate::format;
use crate::model::{Kind, Limit, LimitUnit, Snapshot};

/// The system-wide IPC limits, as the engine sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits;

/// A column of the limits table; also the sort keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `MSGMNI`.
    Name,
    /// What it limits.
    About,
    /// The limit.
    Limit,
    /// How much is used.
    Used,
    /// Used against the limit.
    Use,
}

/// One limit in `list --json` (a member of the `"limits"` object, named
/// by the limit).
#[derive(Debug, Serialize)]
pub struct LimitJson {
    limit: u64,
    used: Option<u64>,
}

/// `limit`'s figure `n` in its unit: `32,000`, `8 KiB`, `2,097,152 pages`.
fn figure(unit: LimitUnit, n: u64) -> String {
    match unit {
        LimitUnit::Count | LimitUnit::Value => format::count(n),
        LimitUnit::Bytes => format::size(n),
        LimitUnit::Pages(_) => format::plural(n, "page"),
    }
}

/// The same, with the bytes that many pages hold.
fn figure_in_full(unit: LimitUnit, n: u64) -> String {
    match unit {
        LimitUnit::Pages(page) => format!(
            "{} ({})",
            figure(unit, n),
            format::size(n.saturating_mul(page))
        ),
        _ => figure(unit, n),
    }
}

/// What running out of `limit` does, for the detail pane.
fn when_exhausted(limit: &Limit) -> &'static str {
    match limit.name {
        "MSGMNI" => "msgget() fails with ENOSPC for every program in the namespace",
        "MSGMAX" => "msgsnd() of a larger message fails with EINVAL",
        "MSGMNB" => "new queues hold this many bytes; msgsnd() blocks when one is full",
        "SHMMNI" => "shmget() fails with ENOSPC for every program in the namespace",
        "SHMALL" => "shmget() fails with ENOSPC once the pages of all segments reach it",
        "SHMMAX" => "shmget() of a larger segment fails with EINVAL",
        "SHMMIN" => "shmget() of a smaller segment fails with EINVAL",
        "SEMMNI" => "semget() fails with ENOSPC for every program in the namespace",
        "SEMMNS" => "semget() fails with ENOSPC once the semaphores of all sets reach it",
        "SEMMSL" => "semget() of a larger set fails with EINVAL",
        "SEMOPM" => "semop() with more operations fails with E2BIG",
        "SEMVMX" => "semop() or SETVAL past it fails with ERANGE",
        _ => "",
    }
}

impl ObjectKind for Limits {
    type Object = Limit;
    type Column = Column;

    const KIND: Kind = Kind::Limit;
    const COLUMNS: &'static [Column] = &[
        Column::Name,
        Column::About,
        Column::Limit,
        Column::Used,
        Column::Use,
    ];
    const PRIORITY: &'static [Column] = &[
        Column::Name,
        Column::Use,
        Column::Limit,
        Column::Used,
        Column::About,
    ];
    /// The kernel's order: message queues, shared memory, semaphores.
    const DEFAULT_SORT: Sort<Column> = Sort {
        column: Column::Name,
        descending: false,
    };
    const NOUN: &'static str = "limit";
    const LONG_NOUN: &'static str = "system IPC limit";

    fn column(column: Column) -> ColumnSpec {
        let (title, width, about) = match column {
            Column::Name => ("NAME", 8, "the limit, as lsipc -g and sysctl name it"),
            Column::About => ("WHAT IT LIMITS", 34, "what it limits"),
            Column::Limit => (
                "LIMIT",
                16,
                "the value in force (IPC_INFO); * where /proc/sys/kernel says otherwise",
            ),
            Column::Used => ("USED", 16, "how much the namespace's objects use now"),
            Column::Use => (
                "USE",
                BAR_WIDTH as u16 + 7,
                "used against the limit: at 100% creating more fails for everyone",
            ),
        };
        ColumnSpec {
            title,
            width,
            about,
            right: matches!(column, Column::Limit | Column::Used),
            descending_first: matches!(column, Column::Limit | Column::Used | Column::Use),
        }
    }

    fn objects(snap: &Snapshot) -> &[Limit] {
        &snap.limits
    }

    /// Its place in the kernel's order.
    fn id(limit: &Limit) -> i64 {
        ORDER
            .iter()
            .position(|name| *name == limit.name)
            .map_or(i64::MAX, |at| at as i64)
    }

    fn sort_key<'s>(column: Column, _snap: &'s Snapshot, limit: &Limit) -> SortKey<'s> {
        match column {
            // Names sort in the kernel's order, kind by kind.
            Column::Name => SortKey::Number(Self::id(limit).into()),
            Column::About => SortKey::Text(Some(limit.about.into())),
            Column::Limit => SortKey::Number(limit.value.into()),
            Column::Used => SortKey::Number(limit.used.map_or(-1, i128::from)),
            Column::Use => SortKey::Number(
                limit
                    .use_percent()
                    .map_or(-1, |percent| (percent * 1e6) as i128),
            ),
        }
    }

    fn matches<'s>(m: &mut Matcher<'s>, _snap: &'s Snapshot, limit: &'s Limit) -> bool {
        m.is_empty() || m.name(limit.name) || m.name(limit.about)
    }

    fn cell(column: Column, _snap: &Snapshot, limit: &Limit) -> CellValue {
        CellValue::Text(match column {
            Column::Name => limit.name.to_owned(),
            Column::About => limit.about.to_owned(),
            Column::Limit => {
                // The setting says otherwise: the detail pane says how.
                let mark = if limit.disagreement().is_some() {
                    " *"
                } else {
                    ""
                };
                let value = format::limit(limit.value, |n| figure(limit.unit, n));
                format!("{value}{mark}")
            }
            Column::Used => limit
                .used
                .map_or_else(|| "-".to_owned(), |n| figure(limit.unit, n)),
            Column::Use => {
                return match limit.use_percent() {
                    Some(percent) => CellValue::Fill(Some(percent)),
                    None => CellValue::Text(String::new()),
                };
            }
        })
    }

    fn detail_title(limit: &Limit) -> String {
        format!(" {} · {} ", limit.name, limit.about)
    }

    fn detail(_snap: &Snapshot, limit: &Limit) -> Vec<DetailLine> {
        let label = |text: &str| (Tone::Label, text.to_owned());
        let plain = |text: String| (Tone::Plain, text);
        let mut lines = vec![vec![
            label("limit     "),
            plain(figure_in_full(limit.unit, limit.value)),
            label(if format::is_unlimited(limit.value) {
                " (IPC_INFO): in effect no limit"
            } else {
                " (IPC_INFO)"
            }),
        ]];
        if let (Some(used), Some(percent)) = (limit.used, limit.use_percent()) {
            lines.push(vec![
                label("used      "),
                (
                    Tone::Fill(percent),
                    format!(
                        "{} ({percent:.0}%, {} left)",
                        figure_in_full(limit.unit, used),
                        figure(limit.unit, limit.value.saturating_sub(used))
                    ),
                ),
            ]);
        }
        if let Some((file, _)) = limit.sysctl {
            let path = format!("/proc/sys/kernel/{file}");
            lines.push(match limit.disagreement() {
                None => vec![label("set in    "), plain(path)],
                Some((_, Some(set))) => vec![
                    label("set in    "),
                    plain(path),
                    (
                        Tone::Alert,
                        format!(
                            " to {}: the kernel applies another value",
                            format::count(set)
                        ),
                    ),
                ],
                Some((_, None)) => vec![
                    label("set in    "),
                    plain(path),
                    (Tone::Alert, " (cannot be read)".to_owned()),
                ],
            });
        }
        let exhausted = when_exhausted(limit);
        if !exhausted.is_empty() {
            lines.push(vec![label("at limit  "), plain(exhausted.to_owned())]);
        }
        lines
    }

    fn empty(filter: &str, _suggestion: Option<&str>) -> String {
        if filter.is_empty() {
            "  no IPC limits could be read".to_owned()
        } else {
            format!(
                "  no limit matches \"{}\" (Esc clears the filter)",
                format::sanitize(filter)
            )
        }
    }

    fn header_notes(snap: &Snapshot) -> Vec<DetailLine> {
        let unknown: Vec<&str> = [Kind::SysvMsg, Kind::SysvShm, Kind::SysvSem]
            .into_iter()
            .filter(|kind| snap.failure(*kind).is_some())
            .map(Kind::name)
            .collect();
        if unknown.is_empty() {
            return Vec::new();
        }
        vec![vec![
            (Tone::Plain, " · ".to_owned()),
            (
                Tone::Alert,
                format!("{} limits unknown", unknown.join(", ")),
            ),
        ]]
    }

    /// What `ipcs -u` prints: what is allocated, as the kernel counts
    /// it (`SHM_INFO`, `SEM_INFO`) or as the tables add up.
    fn summaries(snap: &Snapshot) -> Vec<String> {
        let msg = &snap.msg;
        let queues = format!(
            "{} · {} msgs · {}",
            format::plural(msg.queues.len() as u64, "queue"),
            format::count(msg.total_messages()),
            format::size(msg.total_bytes())
        );
        let shm = &snap.shm.usage;
        let segments = format!(
            "{} · {} pages, {} resident, {} swapped",
            format::plural(shm.segments.into(), "segment"),
            format::count(shm.pages),
            format::count(shm.rss_pages),
            format::count(shm.swap_pages)
        );
        let sem = &snap.sem.usage;
        let sets = format!(
            "{} · {} sems",
            format::plural(sem.sets.into(), "set"),
            format::count(sem.semaphores.into())
        );
        vec![
            format!("{queues} · {segments} · {sets} "),
            format!("{queues} · {sets} "),
            format!("{queues} "),
        ]
    }

    const PLAIN: &'static [(&'static str, usize, bool)] = &[
        ("RESOURCE", 8, false),
        ("DESCRIPTION", 34, false),
        ("LIMIT", 22, true),
        ("USED", 12, true),
        ("USE%", 6, true),
    ];

    /// Figures in full, as `lsipc -g --bytes` gives them.
    fn plain_row(_snap: &Snapshot, limit: &Limit) -> Vec<String> {
        vec![
            limit.name.to_owned(),
            limit.about.to_owned(),
            limit.value.to_string(),
            limit.used.map_or_else(|| "-".to_owned(), |n| n.to_string()),
            limit
                .use_percent()
                .map_or_else(|| "-".to_owned(), |p| format!("{p:.2}%")),
        ]
    }

    type Json<'s> = LimitJson;
    const JSON_KEY: Option<fn(&Limit) -> &'static str> = Some(|limit| limit.name);

    fn json<'s>(_snap: &'s Snapshot, limit: &'s Limit) -> LimitJson {
        LimitJson {
            limit: limit.value,
            used: limit.used,
        }
    }
}

/// The limits in the kernel's order, as `lsipc -g` lists them.
const ORDER: [&str; 12] = [
    "MSGMNI", "MSGMAX", "MSGMNB", "SHMMNI", "SHMALL", "SHMMAX", "SHMMIN", "SEMMNI", "SEMMNS",
    "SEMMSL", "SEMOPM", "SEMVMX",
];
