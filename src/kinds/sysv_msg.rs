//! System V message queues: their table and detail pane.

use std::borrow::Cow;

use serde::Serialize;

use super::{
    BAR_WIDTH, CellValue, Chosen, ColumnSpec, DetailLine, Matcher, ObjectKind, Removable, Sort,
    SortKey, Tone, parts,
};
use crate::collect::{CollectError, Collector, Tables, sysv_msg};
use crate::format;
use crate::model::{Kind, MsgLimits, MsgQueue, MsgSource, MsgTable, Operator, Snapshot, key_bits};
use crate::sys::{SysError, msg};

/// System V message queues, as the engine sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SysvMsg;

/// One queue in `list --json`: the kernel's fields plus the owner's name
/// and the pids of the processes blocked sending to it.
#[derive(Debug, Serialize)]
pub struct QueueJson<'s> {
    #[serde(flatten)]
    queue: &'s MsgQueue,
    owner: Cow<'s, str>,
    blocked_senders: &'s [i32],
}

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
    /// Processes blocked in `msgsnd`.
    Waiting,
    /// Last sender.
    Sender,
    /// Last receiver.
    Receiver,
    /// Last send time.
    LastSend,
    /// Last receive time.
    LastReceive,
}

impl ObjectKind for SysvMsg {
    type Object = MsgQueue;
    type Column = Column;

    const KIND: Kind = Kind::SysvMsg;
    const COLUMNS: &'static [Column] = &[
        Column::Key,
        Column::Id,
        Column::Owner,
        Column::Perms,
        Column::Messages,
        Column::Used,
        Column::Capacity,
        Column::Fill,
        Column::Waiting,
        Column::Sender,
        Column::Receiver,
        Column::LastSend,
        Column::LastReceive,
    ];
    const PRIORITY: &'static [Column] = &[
        Column::Key,
        Column::Messages,
        Column::Fill,
        Column::Waiting,
        Column::Id,
        Column::Used,
        Column::Sender,
        Column::Owner,
        Column::Receiver,
        Column::LastSend,
        Column::LastReceive,
        Column::Capacity,
        Column::Perms,
    ];
    /// Fullest queues first: backpressure is what ipctop is for.
    const DEFAULT_SORT: Sort<Column> = Sort {
        column: Column::Fill,
        descending: true,
    };
    const NOUN: &'static str = "queue";
    const LONG_NOUN: &'static str = "message queue";

    fn column(column: Column) -> ColumnSpec {
        let (title, width, about) = match column {
            Column::Key => ("KEY", 10, "the IPC key (0x00000000: IPC_PRIVATE)"),
            Column::Id => ("ID", 8, "the msqid, as ipcs and ipcrm take it"),
            Column::Owner => (
                "OWNER",
                10,
                "the owner (who, with the creator, may remove it)",
            ),
            Column::Perms => ("PERMS", 9, "read and write permission, like ls"),
            Column::Messages => ("MSGS", 7, "messages waiting"),
            Column::Used => ("USED", 9, "bytes of payload waiting"),
            Column::Capacity => ("CAP", 9, "the most bytes it holds (msg_qbytes)"),
            Column::Fill => (
                "FILL",
                BAR_WIDTH as u16 + 7,
                "used against capacity: a full queue blocks its senders",
            ),
            Column::Waiting => (
                "WAIT",
                4,
                "senders blocked in msgsnd: the queue is full for them",
            ),
            Column::Sender => ("SENDER", 21, "the last sender's pid and command"),
            Column::Receiver => ("RECEIVER", 21, "the last receiver's pid and command"),
            Column::LastSend => ("LAST SND", 8, "time since the last send"),
            Column::LastReceive => ("LAST RCV", 8, "time since the last receive"),
        };
        ColumnSpec {
            title,
            width,
            about,
            right: matches!(
                column,
                Column::Id | Column::Messages | Column::Used | Column::Capacity | Column::Waiting
            ),
            descending_first: matches!(
                column,
                Column::Messages
                    | Column::Used
                    | Column::Capacity
                    | Column::Fill
                    | Column::Waiting
                    | Column::LastSend
                    | Column::LastReceive
            ),
        }
    }

    fn objects(snap: &Snapshot) -> &[MsgQueue] {
        &snap.msg.queues
    }

    fn id(q: &MsgQueue) -> i64 {
        i64::from(q.id)
    }

    fn sort_key<'s>(column: Column, snap: &'s Snapshot, q: &MsgQueue) -> SortKey<'s> {
        let number = |n: i128| SortKey::Number(n);
        match column {
            Column::Key => number(key_bits(q.key).into()),
            Column::Id => number(q.id.into()),
            Column::Owner => SortKey::Text(Some(snap.user_name(q.uid))),
            Column::Perms => number(q.perms.into()),
            Column::Messages => number(q.messages.into()),
            Column::Used => number(q.used_bytes.into()),
            Column::Capacity => number(q.max_bytes.map_or(-1, i128::from)),
            // Millionths of a percent: exact enough, and totally ordered.
            Column::Fill => number(q.fill_percent().map_or(-1, |p| (p * 1e6) as i128)),
            Column::Waiting => number(snap.msg.blocked_senders_of(q.id).len() as i128),
            Column::Sender => SortKey::Text(snap.sender(q).command().map(Cow::Borrowed)),
            Column::Receiver => SortKey::Text(snap.receiver(q).command().map(Cow::Borrowed)),
            Column::LastSend => number(q.stime.into()),
            Column::LastReceive => number(q.rtime.into()),
        }
    }

    /// Key (hex), id, owner, the last sender's and receiver's pids and
    /// commands (what the row shows of them) and those of the processes
    /// blocked sending (what the detail pane names).
    fn matches<'s>(m: &mut Matcher<'s>, snap: &'s Snapshot, q: &'s MsgQueue) -> bool {
        let blocked = snap.msg.blocked_senders_of(q.id).iter();
        let operators = [(q.lspid, snap.sender(q)), (q.lrpid, snap.receiver(q))]
            .into_iter()
            .chain(blocked.map(|&pid| (pid, snap.blocked_sender(pid))));
        parts::matches_row(m, snap, (q.key, q.id, q.uid), operators)
    }

    fn cell(column: Column, snap: &Snapshot, q: &MsgQueue) -> CellValue {
        let now = snap.taken_at;
        CellValue::Text(match column {
            Column::Key => format::key(q.key),
            Column::Id => q.id.to_string(),
            Column::Owner => format::sanitize(&snap.user_name(q.uid)).into_owned(),
            Column::Perms => format::perms(q.perms),
            Column::Messages => format::count(q.messages),
            Column::Used => format::size(q.used_bytes),
            Column::Capacity => q.max_bytes.map_or_else(|| "?".to_owned(), format::size),
            Column::Fill => return CellValue::Fill(q.fill_percent()),
            Column::Waiting => match snap.msg.blocked_senders_of(q.id).len() {
                0 => "0".to_owned(),
                n => return CellValue::Alert(format::count(n as u64)),
            },
            Column::Sender => format::process(q.lspid, snap.sender(q)),
            Column::Receiver => format::process(q.lrpid, snap.receiver(q)),
            Column::LastSend => format::age(q.stime, now),
            Column::LastReceive => format::age(q.rtime, now),
        })
    }

    fn detail_title(q: &MsgQueue) -> String {
        format!(" queue {} · id {} ", format::key(q.key), q.id)
    }

    fn detail(snap: &Snapshot, q: &MsgQueue) -> Vec<DetailLine> {
        let now = snap.taken_at;
        let label = |text: &str| (Tone::Label, text.to_owned());
        let plain = |text: String| (Tone::Plain, text);
        let capacity = match q.max_bytes {
            Some(max) => format!(
                "{} of {} ({:.0}%, {} free)",
                format::size(q.used_bytes),
                format::size(max),
                q.fill_percent().unwrap_or(0.0),
                format::size(max.saturating_sub(q.used_bytes)),
            ),
            None => format!("{} of unknown capacity", format::size(q.used_bytes)),
        };
        // `last send 2026-… (3s ago) by 4711 producer`, or just `never`.
        let operation = |name: &str, time: i64, pid: i32, who: Operator<'_>| {
            let mut line = vec![label(name), plain(format::timestamp(time, now))];
            if pid > 0 {
                line.push(plain(" by ".to_owned()));
                line.push(plain(format::process(pid, who)));
            }
            line
        };
        vec![
            parts::ownership_line(snap, (q.uid, q.gid), (q.cuid, q.cgid), q.perms),
            vec![
                label("messages "),
                plain(format::count(q.messages)),
                label(" · used "),
                (q.fill_percent().map_or(Tone::Plain, Tone::Fill), capacity),
            ],
            operation("last send    ", q.stime, q.lspid, snap.sender(q)),
            operation("last receive ", q.rtime, q.lrpid, snap.receiver(q)),
            // Blocked senders come first on the last line: the pane has
            // five, and they matter more than the change time.
            match blocked_senders(snap, q) {
                Some(blocked) => vec![
                    blocked,
                    label(" · changed "),
                    plain(format::timestamp(q.ctime, now)),
                ],
                None => vec![
                    label("changed      "),
                    plain(format::timestamp(q.ctime, now)),
                ],
            },
        ]
    }

    fn header_notes(snap: &Snapshot) -> Vec<DetailLine> {
        let mut notes = Vec::new();
        if snap.msg.source == MsgSource::ProcFile {
            notes.push(vec![(Tone::Label, " · via /proc".to_owned())]);
        }
        if snap.msg.unreadable > 0 {
            notes.push(vec![
                (Tone::Plain, " · ".to_owned()),
                (Tone::Alert, format!("{} unreadable", snap.msg.unreadable)),
            ]);
        }
        if snap.msg.unchecked_processes > 0 {
            // Some sender might be blocked without WAIT counting it.
            notes.push(vec![(
                Tone::Label,
                format!(
                    " · {} not checked for WAIT",
                    format::plural(u64::from(snap.msg.unchecked_processes), "process")
                ),
            )]);
        }
        notes
    }

    fn summaries(snap: &Snapshot) -> Vec<String> {
        let msg = &snap.msg;
        let queues = format::plural(msg.queues.len() as u64, "queue");
        let totals = format!(
            "{queues}/{} · {} msgs · {}",
            format::count(msg.limits.msgmni),
            format::count(msg.total_messages()),
            format::size(msg.total_bytes()),
        );
        let limits = format!(
            " · msgmax {} · msgmnb {}",
            format::size(msg.limits.msgmax),
            format::size(msg.limits.msgmnb)
        );
        let short = format!("{queues} · {} msgs ", format::count(msg.total_messages()));
        vec![format!("{totals}{limits} "), format!("{totals} "), short]
    }

    /// As `ipcs -q` lays it out.
    const PLAIN: &'static [(&'static str, usize, bool)] = &[
        ("KEY", 10, false),
        ("ID", 10, true),
        ("OWNER", 10, false),
        ("PERMS", 5, false),
        ("MESSAGES", 10, true),
        ("USED-BYTES", 12, true),
        ("MAX-BYTES", 12, true),
        ("LSPID", 8, true),
        ("LRPID", 8, true),
    ];

    fn plain_row(snap: &Snapshot, q: &MsgQueue) -> Vec<String> {
        parts::plain_row(
            snap,
            (q.key, q.id, q.uid, q.perms),
            [
                q.messages.to_string(),
                q.used_bytes.to_string(),
                q.max_bytes
                    .map_or_else(|| "?".to_owned(), |m| m.to_string()),
                q.lspid.to_string(),
                q.lrpid.to_string(),
            ],
        )
    }

    type Json<'s> = QueueJson<'s>;

    fn json<'s>(snap: &'s Snapshot, queue: &'s MsgQueue) -> QueueJson<'s> {
        QueueJson {
            queue,
            owner: snap.user_name(queue.uid),
            blocked_senders: snap.msg.blocked_senders_of(queue.id),
        }
    }

    const REMOVABLE: bool = true;

    fn chosen(q: &MsgQueue) -> Option<Chosen> {
        Some(Chosen::SysvMsg(q.clone()))
    }

    fn empty(filter: &str, suggestion: Option<&str>) -> String {
        if filter.is_empty() {
            match suggestion {
                Some(command) => format!("  no message queues in this namespace (try: {command})"),
                None => "  no message queues in this namespace".to_owned(),
            }
        } else {
            format!(
                "  no queue matches \"{}\" (Esc clears the filter)",
                format::sanitize(filter)
            )
        }
    }
}

/// `blocked in msgsnd: 4711 demo-producer, 4720 order-api` when some
/// process waits for room in `q`, as an alert; nothing otherwise.
fn blocked_senders(snap: &Snapshot, q: &MsgQueue) -> Option<(Tone, String)> {
    let pids = snap.msg.blocked_senders_of(q.id);
    if pids.is_empty() {
        return None;
    }
    let who: Vec<String> = pids
        .iter()
        .map(|&pid| format::process(pid, snap.blocked_sender(pid)))
        .collect();
    Some((
        Tone::Alert,
        format!("blocked in msgsnd: {}", who.join(", ")),
    ))
}

impl Removable for SysvMsg {
    /// Another key, creator or change time is another queue (or one
    /// changed with `IPC_SET`); send and receive times only move forward,
    /// so earlier ones (or none) mean a queue created in the same second
    /// under the old id.
    fn changes(chosen: &MsgQueue, now: &MsgQueue) -> Vec<String> {
        let identity = |q: &MsgQueue| parts::Identity {
            key: q.key,
            creator: (q.cuid, q.cgid),
            ctime: q.ctime,
            history: [q.stime, q.rtime],
        };
        parts::identity_changes(identity(chosen), identity(now), false)
    }

    fn current(id: i64) -> Result<Option<MsgQueue>, CollectError> {
        parts::current_by_id(id, sysv_msg::current)
    }

    fn remove(id: i64) -> Result<(), SysError> {
        parts::remove_by_id(id, Self::NOUN, msg::remove)
    }

    fn audit_names(q: &MsgQueue) -> Vec<(&'static str, String)> {
        parts::audit_names(q.key, q.id)
    }

    fn lost(q: &MsgQueue) -> Vec<(&'static str, u64)> {
        vec![("messages", q.messages), ("bytes", q.used_bytes)]
    }

    fn loss(q: &MsgQueue) -> String {
        format!(
            "{}, {}",
            format::plural(q.messages, "message"),
            format::size(q.used_bytes)
        )
    }

    fn owner_uid(q: &MsgQueue) -> u32 {
        q.uid
    }

    fn key(q: &MsgQueue) -> Option<i32> {
        Some(q.key)
    }

    fn dialog_names(q: &MsgQueue) -> DetailLine {
        parts::key_and_id(q.key, q.id)
    }

    fn dialog_facts(snap: &Snapshot, q: &MsgQueue) -> Vec<DetailLine> {
        let line = |label: &str, value: String| {
            vec![(Tone::Label, label.to_owned()), (Tone::Plain, value)]
        };
        vec![
            line(" last sender   ", format::process(q.lspid, snap.sender(q))),
            line(
                " last receiver ",
                format::process(q.lrpid, snap.receiver(q)),
            ),
            line(
                " created/changed ",
                format::timestamp(q.ctime, snap.taken_at),
            ),
        ]
    }

    fn describe(q: &MsgQueue) -> Result<Snapshot, CollectError> {
        let msg = MsgTable::new(vec![q.clone()], MsgLimits::default(), MsgSource::StatAny);
        Ok(Collector::new()?.describe(Tables {
            msg,
            ..Tables::default()
        }))
    }

    fn summary(snap: &Snapshot, q: &MsgQueue) -> Vec<(&'static str, String)> {
        let now = snap.taken_at;
        let last = |time: i64, pid: i32, who| {
            if time == 0 && pid <= 0 {
                "never".to_owned()
            } else {
                format!(
                    "{} by {}",
                    format::timestamp(time, now),
                    format::process(pid, who)
                )
            }
        };
        let mut lines = vec![("key", format::key(q.key))];
        lines.extend(parts::ownership_summary(
            snap,
            (q.uid, q.gid),
            (q.cuid, q.cgid),
            q.perms,
        ));
        lines.extend([
            ("messages", format::count(q.messages)),
            (
                "bytes",
                format!(
                    "{} ({})",
                    format::count(q.used_bytes),
                    format::size(q.used_bytes)
                ),
            ),
            ("last send", last(q.stime, q.lspid, snap.sender(q))),
            ("last receive", last(q.rtime, q.lrpid, snap.receiver(q))),
        ]);
        lines
    }
}
