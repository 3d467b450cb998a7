//! Hand-made snapshots for tests of the model and the view: no kernel, so
//! every value is fixed and screens can be compared byte for byte.

#![allow(dead_code)]

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, UNIX_EPOCH};

use ipctop::app::{App, Drawn, Event};
use ipctop::model::{
    Attachment, Kind, MsgLimits, MsgQueue, MsgSource, MsgTable, ObjectId, Process, ShmSegment,
    ShmTable, Snapshot,
};
use ipctop::sys::msg::QueueStat;

/// 2025-11-28 08:00:00 UTC: "now" in every synthetic snapshot.
pub const NOW: i64 = 1_764_316_800;
/// A test clock for key presses and draws: each call is one millisecond
/// after the previous one on this thread, so "pressed before it was drawn"
/// follows the order of the calls, never the resolution of the machine's
/// clock (two readings of a coarse clock can be equal).
pub fn tick() -> Instant {
    thread_local! {
        static LAST: Cell<Option<Instant>> = const { Cell::new(None) };
    }
    LAST.with(|last| {
        let next = last
            .get()
            .map_or_else(Instant::now, |t| t + Duration::from_millis(1));
        last.set(Some(next));
        next
    })
}

/// Tells `app` a frame showed its question whole (as the view would on a
/// screen large enough), at the next [`tick`].
pub fn seen_whole(app: &mut App) {
    let drawn = Drawn {
        dialog_complete: true,
        ..Drawn::default()
    };
    app.drawn(tick(), drawn);
}

/// The namespace inode synthetic snapshots claim.
pub const NAMESPACE: u64 = 4_026_531_839;

/// The identity of queue `id` in synthetic snapshots.
pub fn object(id: i32) -> ObjectId {
    ObjectId {
        namespace: NAMESPACE,
        kind: Kind::SysvMsg,
        id: i64::from(id),
    }
}

/// A queue with the given id, key and fill; the rest plausible.
pub fn queue(id: i32, key: i32, messages: u64, used_bytes: u64) -> MsgQueue {
    MsgQueue {
        key,
        id,
        uid: 1000,
        gid: 1000,
        cuid: 1000,
        cgid: 1000,
        perms: 0o660,
        messages,
        used_bytes,
        max_bytes: Some(16_384),
        lspid: 0,
        lrpid: 0,
        stime: 0,
        rtime: 0,
        ctime: NOW - 7200,
    }
}

/// A process that has run since long before any queue operation.
fn running(command: &str) -> Process {
    Process {
        command: Some(command.to_owned()),
        started_at: NOW - 86_400,
    }
}

/// A snapshot of `queues` with names for uids 0 and 1000 and a few
/// commands, one of them hostile.
pub fn snapshot(queues: Vec<MsgQueue>) -> Snapshot {
    Snapshot {
        taken_at: UNIX_EPOCH + Duration::from_secs(NOW as u64),
        namespace: NAMESPACE,
        namespace_label: Some("host".to_owned()),
        hostname: "web-3".to_owned(),
        limits: Vec::new(),
        msg: MsgTable::new(
            queues,
            MsgLimits {
                msgmni: 32_000,
                msgmax: 8_192,
                msgmnb: 16_384,
            },
            MsgSource::StatAny,
        ),
        sem: Default::default(),
        shm: Default::default(),
        processes: HashMap::from([
            (4711, running("order-api")),
            (4702, running("worker")),
            (6666, running("evil\x1b]2;pwned\x07\x1b[2J")),
            // Took over pid 4800 after the queue's last receive.
            (
                4800,
                Process {
                    command: Some("reborn".to_owned()),
                    started_at: NOW - 10,
                },
            ),
            (
                5000,
                Process {
                    command: None,
                    started_at: NOW - 86_400,
                },
            ),
        ]),
        users: HashMap::from([(0, "root".to_owned()), (1000, "app".to_owned())]),
        groups: HashMap::from([(0, "root".to_owned()), (1000, "app".to_owned())]),
        failures: Default::default(),
    }
}

/// `snap` with processes `pids` found blocked sending to queue `id`.
pub fn with_blocked_senders(mut snap: Snapshot, id: i32, pids: &[i32]) -> Snapshot {
    snap.msg.blocked_senders.insert(id, pids.to_vec());
    snap
}

/// The queues the screen tests show: full, busy, idle, hostile, orphan.
pub fn busy_queues() -> Vec<MsgQueue> {
    let mut full = queue(65538, 0x5ea1_f00d, 3980, 15_920);
    full.lspid = 4711;
    full.lrpid = 4702;
    full.stime = NOW;
    full.rtime = NOW - 41;

    let mut busy = queue(65539, 0x5ea1_f00e, 231, 3_465);
    busy.lspid = 4711;
    busy.lrpid = 4702;
    busy.stime = NOW - 1;
    busy.rtime = NOW - 1;

    let mut idle = queue(98307, 0, 0, 0);
    idle.uid = 0;
    idle.gid = 0;
    idle.perms = 0o600;
    idle.lspid = 5000; // alive, but /proc hides it
    idle.stime = NOW - 600;

    let mut hostile = queue(131076, -1_012_759_271, 12, 13_500);
    hostile.uid = 4242;
    hostile.lspid = 6666;
    hostile.stime = NOW - 300;

    let mut orphan = queue(163845, 0x0000_beef, 3, 105);
    orphan.lspid = 999;
    orphan.stime = NOW - 86_400 * 3;
    orphan.max_bytes = None;
    orphan.lrpid = 4800;
    orphan.rtime = NOW - 3600;

    vec![full, busy, idle, hostile, orphan]
}

/// An app of `size` that has received `snapshot`.
pub fn app_with(size: (u16, u16), snapshot: Snapshot) -> App {
    let mut app = App::new(Duration::from_secs(1), size);
    app.update(Event::Snapshot(Box::new(snapshot)));
    app
}

/// An app of `size` peeking at queue 65539 of [`busy_queues`] (the third
/// row), whose read found `count` one-byte messages.
pub fn peeking_at_many(size: (u16, u16), count: i64) -> App {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = app_with(size, snapshot(busy_queues()));
    for code in [KeyCode::Down, KeyCode::Down, KeyCode::Enter] {
        app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE), tick()));
    }
    let messages: Vec<(i64, &[u8])> = (0..count).map(|i| (i, &b"m"[..])).collect();
    deliver_messages(&mut app, 65539, &messages);
    app
}

/// Delivers to `app`'s peek view a complete read of queue `id` holding
/// `messages` (type, payload) in order.
pub fn deliver_messages(app: &mut App, id: i32, messages: &[(i64, &[u8])]) {
    use ipctop::actions::Done;
    use ipctop::actions::peek::{Message, Page};
    let bytes: u64 = messages.iter().map(|(_, d)| d.len() as u64).sum();
    let stat = QueueStat {
        cbytes: bytes,
        qnum: messages.len() as u64,
        ..stat_of(id)
    };
    let page = Page {
        id,
        first: 0,
        messages: messages
            .iter()
            .enumerate()
            .map(|(index, (mtype, data))| Message {
                index,
                mtype: *mtype,
                data: data.to_vec(),
            })
            .collect(),
        overlap: None,
        before: stat,
        after: stat,
        changes: Default::default(),
        at_end: true,
    };
    app.update(Event::Done(Done::Peeked {
        queue: object(id),
        first: 0,
        result: Ok(Box::new(page)),
    }));
}

/// What `IPC_STAT` would say of queue `id` of [`busy_queues`] (the
/// default for an id not among them): pages read from it carry its
/// identity.
pub fn stat_of(id: i32) -> QueueStat {
    let Some(q) = busy_queues().into_iter().find(|q| q.id == id) else {
        return QueueStat::default();
    };
    QueueStat {
        key: q.key,
        uid: q.uid,
        gid: q.gid,
        cuid: q.cuid,
        cgid: q.cgid,
        mode: q.perms,
        stime: q.stime,
        rtime: q.rtime,
        ctime: q.ctime,
        cbytes: q.used_bytes,
        qnum: q.messages,
        qbytes: q.max_bytes.unwrap_or(16_384),
        lspid: q.lspid,
        lrpid: q.lrpid,
    }
}

/// Messages with every awkward kind of payload.
pub const HOSTILE_MESSAGES: &[(i64, &[u8])] = &[
    (1, b"order 1 item=widget qty=2"),
    (2, b"\x1b]2;pwned\x07title \x1b[2J clear"),
    (3, b"\x00\x01\x02\xff\xfe binary \x80"),
    (2, b""),
    (1, "na\u{ef}ve \u{202e}rtl".as_bytes()),
];

/// The queue table's columns on `app`'s screen: the only sort targets
/// (the view draws exactly these).
pub fn visible_columns(app: &App) -> Vec<ipctop::kinds::sysv_msg::Column> {
    ipctop::layout::table_columns::<ipctop::kinds::sysv_msg::SysvMsg>(&app.queues.columns, app.size)
}

/// The semaphore sets the screen tests show: one with a waiter (of
/// order-api, on semaphore 1), one idle and unreadable.
pub fn semaphore_sets() -> ipctop::model::SemTable {
    use ipctop::model::{SemLimits, SemSet, SemTable, SemUsage, Semaphore};
    let sem = |num, value, pid, ncnt| Semaphore {
        num,
        value,
        pid,
        ncnt,
        zcnt: 0,
    };
    let waited_on = SemSet {
        key: -1_012_759_271,
        id: 98_307,
        uid: 1000,
        gid: 1000,
        cuid: 1000,
        cgid: 1000,
        perms: 0o600,
        nsems: 2,
        otime: NOW - 5,
        ctime: NOW - 60,
        sems: vec![sem(0, 3, 4711, 0), sem(1, 0, 4702, 1)],
        values_readable: true,
    };
    let unreadable = SemSet {
        key: 0x0000_5e5e,
        id: 131_076,
        uid: 0,
        gid: 0,
        cuid: 0,
        cgid: 0,
        perms: 0o600,
        nsems: 4,
        otime: 0,
        ctime: NOW - 3600,
        sems: Vec::new(),
        values_readable: false,
    };
    SemTable {
        sets: vec![waited_on, unreadable],
        limits: SemLimits {
            semmni: 2,
            semmns: 64,
            semmsl: 32,
            semopm: 500,
            semvmx: 32_767,
        },
        usage: SemUsage {
            sets: 2,
            semaphores: 6,
        },
        ..SemTable::default()
    }
}

/// `snap` with [`semaphore_sets`], [`busy_segments`] and the limits of
/// all (SEMMNI at 100%), as `/proc/sys/kernel` would set them but for
/// MSGMAX.
pub fn with_sets_and_limits(mut snap: Snapshot) -> Snapshot {
    use ipctop::collect::limits::{Sysctl, rows};
    snap.sem = semaphore_sets();
    snap.shm = busy_segments();
    snap.shm.limits = ipctop::model::ShmLimits {
        shmmni: 4096,
        // The kernel's defaults: in effect no limit.
        shmall: u64::MAX - (1 << 24),
        shmmax: u64::MAX - (1 << 24),
        shmmin: 1,
    };
    let sysctl = Sysctl {
        msgmni: Some(32_000),
        msgmax: Some(65_536),
        msgmnb: Some(16_384),
        shmmni: Some(4096),
        shmall: Some(u64::MAX - (1 << 24)),
        shmmax: Some(u64::MAX - (1 << 24)),
        sem: [Some(32), Some(64), Some(500), Some(2)],
        page_size: 4096,
    };
    snap.limits = rows(&snap, &sysctl);
    snap
}

/// A segment with the given id, key, size and attachment count; the rest
/// plausible (created by the running `order-api`, owned by uid 1000).
pub fn segment(id: i32, key: i32, size: u64, nattch: u64) -> ShmSegment {
    ShmSegment {
        key,
        id,
        uid: 1000,
        gid: 1000,
        cuid: 1000,
        cgid: 1000,
        perms: 0o640,
        dest: false,
        locked: false,
        size,
        nattch,
        cpid: 4711,
        lpid: 4702,
        atime: NOW - 60,
        dtime: NOW - 120,
        ctime: NOW - 7200,
        rss: Some(size / 2),
        swap: Some(0),
    }
}

/// Segments of every interesting sort: attached by two processes, removed
/// but still attached (key 0, locked, larger than 4 GiB), and leaked (its
/// creator gone, private key).
pub fn busy_segments() -> ShmTable {
    let attached = segment(32768, 0x5ea1_f00d, 1 << 20, 2);
    let mut removed = segment(32769, 0, 6 << 30, 1);
    removed.dest = true;
    removed.locked = true;
    let mut leaked = segment(32770, 0, 4096, 0);
    leaked.cpid = 9999;
    leaked.rss = None;
    let mapping = |pid, start: u64, writable| Attachment {
        pid,
        start,
        end: start + 0x10_0000,
        writable,
    };
    ShmTable {
        segments: vec![attached, removed, leaked],
        attachments: BTreeMap::from([
            (
                32768,
                vec![
                    mapping(4702, 0x7f00_0000_0000, true),
                    mapping(4711, 0x7f10_0000_0000, false),
                ],
            ),
            (32769, vec![mapping(4711, 0x7f20_0000_0000, true)]),
        ]),
        ..ShmTable::default()
    }
}
