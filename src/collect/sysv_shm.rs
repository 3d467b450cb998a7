//! Reading every System V shared-memory segment of the namespace, and
//! the processes that have it attached.
//!
//! The fast path is `SHM_INFO` + one `SHM_STAT_ANY` per kernel index,
//! which needs no read permission; resident and swapped bytes are only in
//! `/proc/sysvipc/shm`, joined by shmid. Where the kernel rejects
//! `SHM_STAT_ANY` (before 4.17) the file alone gives the table.
//!
//! Who has a segment attached is in no table: it is in the attachers'
//! `/proc/PID/maps`, as a shared mapping of a file whose inode is the
//! shmid. Reading every process's maps costs, so it is done only when
//! some segment is attached at all.

use std::collections::HashMap;
use std::io::{BufRead, Read};

use memchr::memmem;

use super::sysvipc::{ParseError, parse_table, stat_loop, stat_or_scan};
use super::{CollectError, blocked};
use crate::model::{
    AttachScan, Attachment, MsgSource, ShmLimits, ShmSegment, ShmTable, ShmUsage, key_bits,
};
use crate::sys::shm::{self, SHM_DEST, SHM_LOCKED, SegmentStat};

/// Where resident and swapped bytes (and the fallback table) are read.
pub const PROC_SHM: &str = "/proc/sysvipc/shm";

/// A segment from the kernel's `shmid_ds` fields (no resident or swapped
/// bytes: those are not in it).
pub fn segment_from_stat(id: i32, s: &SegmentStat) -> ShmSegment {
    ShmSegment {
        key: s.key,
        id,
        uid: s.uid,
        gid: s.gid,
        cuid: s.cuid,
        cgid: s.cgid,
        perms: s.mode & 0o777,
        dest: s.mode & SHM_DEST != 0,
        locked: s.mode & SHM_LOCKED != 0,
        size: s.size,
        nattch: s.nattch,
        cpid: s.cpid,
        lpid: s.lpid,
        atime: s.atime,
        dtime: s.dtime,
        ctime: s.ctime,
        rss: None,
        swap: None,
    }
}

/// Segment `id` as it is now, `None` if there is none. Uses `IPC_STAT`,
/// or, without read permission (an owner may remove a segment it may not
/// read), a scan of the table.
pub fn current(id: i32) -> Result<Option<ShmSegment>, CollectError> {
    stat_or_scan(
        shm::stat(id).map(|stat| segment_from_stat(id, &stat)),
        || {
            let table = read_table(super::kernel::best_msg_source())?;
            Ok(table.segments.into_iter().find(|s| s.id == id))
        },
    )
}

/// Reads the segments (not their attachments: see [`attach`]) the way
/// `source` says; `StatAny` falls back to the file when the kernel
/// rejects `SHM_STAT_ANY`.
pub fn read_table(source: MsgSource) -> Result<ShmTable, CollectError> {
    let info = shm::info()?;
    let limits = shm::limits()?;
    let mut table = ShmTable {
        limits: ShmLimits {
            shmmni: limits.shmmni,
            shmall: limits.shmall,
            shmmax: limits.shmmax,
            shmmin: limits.shmmin,
        },
        usage: ShmUsage {
            segments: info.segments,
            pages: info.pages,
            rss_pages: info.rss_pages,
            swap_pages: info.swap_pages,
        },
        ..ShmTable::default()
    };
    if source == MsgSource::StatAny {
        (table.segments, table.unreadable) = read_stat_any(info.highest_index);
    }
    // A kernel that rejects SHM_STAT_ANY answers EINVAL for every slot,
    // which looks like an empty table: believe SHM_INFO's count instead.
    if source == MsgSource::ProcFile || (table.segments.is_empty() && info.segments > 0) {
        table.segments = read_proc_file()?;
        table.via_proc = true;
    } else if !table.segments.is_empty() {
        // Only resident and swapped bytes are missing; without them the
        // table is still right, so a file that cannot be read is no
        // failure: they stay unknown.
        if let Ok(from_file) = read_proc_file() {
            join_memory(&mut table.segments, &from_file);
        }
    }
    Ok(table)
}

/// One `SHM_STAT_ANY` per index up to `highest_index`. Empty slots and
/// segments removed mid-scan are skipped; a slot the kernel refuses is
/// counted, never fatal.
pub fn read_stat_any(highest_index: i32) -> (Vec<ShmSegment>, u32) {
    stat_loop(highest_index, shm::stat_any, segment_from_stat)
}

/// Copies resident and swapped bytes from the file's rows to the
/// segments of the same shmid.
fn join_memory(segments: &mut [ShmSegment], from_file: &[ShmSegment]) {
    let memory: HashMap<i32, (Option<u64>, Option<u64>)> =
        from_file.iter().map(|s| (s.id, (s.rss, s.swap))).collect();
    for segment in segments {
        if let Some(&(rss, swap)) = memory.get(&segment.id) {
            (segment.rss, segment.swap) = (rss, swap);
        }
    }
}

fn read_proc_file() -> Result<Vec<ShmSegment>, CollectError> {
    let file = std::fs::File::open(PROC_SHM).map_err(|e| CollectError::Io(PROC_SHM, e))?;
    Ok(parse_proc_shm(std::io::BufReader::new(file))?)
}

const COLUMNS: [&str; 16] = [
    "key", "shmid", "perms", "size", "cpid", "lpid", "nattch", "uid", "gid", "cuid", "cgid",
    "atime", "dtime", "ctime", "rss", "swap",
];

/// Parses `/proc/sysvipc/shm`: a header naming the columns, then one line
/// per segment. Keys are signed decimal, perms octal with the
/// [`SHM_DEST`] and [`SHM_LOCKED`] bits; rss and swap are bytes. Every
/// id is read at its full width (uids above 65535 included).
pub fn parse_proc_shm(reader: impl BufRead) -> Result<Vec<ShmSegment>, ParseError> {
    parse_table(PROC_SHM, &COLUMNS, reader, |row| {
        let mode = row.octal(2)?;
        Ok(ShmSegment {
            key: row.decimal(0)?,
            id: row.decimal(1)?,
            perms: mode & 0o777,
            dest: mode & SHM_DEST != 0,
            locked: mode & SHM_LOCKED != 0,
            size: row.decimal(3)?,
            cpid: row.decimal(4)?,
            lpid: row.decimal(5)?,
            nattch: row.decimal(6)?,
            uid: row.decimal(7)?,
            gid: row.decimal(8)?,
            cuid: row.decimal(9)?,
            cgid: row.decimal(10)?,
            atime: row.decimal(11)?,
            dtime: row.decimal(12)?,
            ctime: row.decimal(13)?,
            rss: Some(row.decimal(14)?),
            swap: Some(row.decimal(15)?),
        })
    })
}

/// A line of `/proc/PID/maps` that maps a System V segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SysvMapping {
    /// First address.
    pub start: u64,
    /// First address after it.
    pub end: u64,
    /// Mapped for writing.
    pub writable: bool,
    /// The segment's id: the inode of its file.
    pub shmid: i32,
    /// The key in the file's name (`/SYSV5ea1f00d`): the key the segment
    /// was created with, which the name keeps after a removal.
    pub name_key: u32,
}

/// The next space-separated field of `rest`, advancing past it.
fn next_field<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let start = rest.iter().position(|&b| b != b' ')?;
    let field = &rest[start..];
    let len = field.iter().position(|&b| b == b' ').unwrap_or(field.len());
    *rest = &field[len..];
    Some(&field[..len])
}

fn hex(bytes: &[u8]) -> Option<u64> {
    u64::from_str_radix(std::str::from_utf8(bytes).ok()?, 16).ok()
}

/// Reads `line` of `/proc/PID/maps` as a mapping of a System V segment:
/// shared, on an anonymous device (major 0: the kernel's internal shm
/// mount, or hugetlbfs), named `/SYSV` and eight hex digits (with
/// ` (deleted)` after a removal). Any other line is `None`.
pub fn sysv_mapping(line: &[u8]) -> Option<SysvMapping> {
    let mut rest = line;
    let range = next_field(&mut rest)?;
    let perms = next_field(&mut rest)?;
    let _offset = next_field(&mut rest)?;
    let device = next_field(&mut rest)?;
    let inode = next_field(&mut rest)?;
    let name = rest.trim_ascii();

    let key = name.strip_prefix(b"/SYSV")?;
    let (key, after) = key.split_at_checked(8)?;
    if !(after.is_empty() || after == b" (deleted)") || !key.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    if perms.len() != 4 || perms[3] != b's' {
        return None;
    }
    let (major, _minor) = device.split_at(device.iter().position(|&b| b == b':')?);
    if hex(major)? != 0 {
        return None;
    }
    let dash = range.iter().position(|&b| b == b'-')?;
    let shmid = std::str::from_utf8(inode).ok()?.parse().ok()?;
    Some(SysvMapping {
        start: hex(&range[..dash])?,
        end: hex(&range[dash + 1..])?,
        writable: perms[1] == b'w',
        shmid,
        name_key: u32::try_from(hex(key)?).ok()?,
    })
}

/// Finds the processes of IPC namespace `namespace` that have the
/// attached segments of `table` mapped, and records them (with how the
/// scan went) in the table. Does nothing when no segment is attached.
pub fn attach(table: &mut ShmTable, namespace: u64) {
    attach_in(table, std::path::Path::new("/proc"), |pid| {
        blocked::in_namespace(pid, namespace)
    });
}

/// What the attachments of a table depend on: for each attached segment,
/// its id, key, attach count, attach and detach times, last pid and
/// whether it is removed. Every attach, detach, fork and exit of a user
/// changes one of them.
type AttachState = Vec<(i32, i32, u64, i64, i64, i32, bool)>;

fn attach_state(table: &ShmTable) -> AttachState {
    table
        .segments
        .iter()
        .filter(|s| s.nattch > 0)
        .map(|s| (s.id, s.key, s.nattch, s.atime, s.dtime, s.lpid, s.dest))
        .collect()
}

/// What a scan found: the attachments by shmid, and how it went.
type Scanned = (std::collections::BTreeMap<i32, Vec<Attachment>>, AttachScan);

/// The last attachment scan, reused while no attached segment changed:
/// an idle desktop (X11 and databases keep segments attached) then pays
/// nothing for it. Times are in seconds, so two changes in one second
/// could cancel out: the scan is redone at least every
/// [`AttachCache::MAX_AGE`] anyway.
#[derive(Debug, Default)]
pub struct AttachCache {
    last: Option<(AttachState, std::time::Instant, Scanned)>,
}

impl AttachCache {
    /// The longest a scan is reused.
    pub const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(10);

    /// Fills `table`'s attachments as [`attach`] does, from the last scan
    /// when no attached segment changed since and it is recent.
    pub fn attach(&mut self, table: &mut ShmTable, namespace: u64) {
        self.attach_with(table, |table| attach(table, namespace));
    }

    /// [`AttachCache::attach`] with the scan given (tests count them).
    pub fn attach_with(&mut self, table: &mut ShmTable, scan: impl FnOnce(&mut ShmTable)) {
        let state = attach_state(table);
        if let Some((seen, at, (attachments, how))) = &self.last
            && *seen == state
            && at.elapsed() < Self::MAX_AGE
        {
            table.attachments.clone_from(attachments);
            table.scan = *how;
            return;
        }
        scan(table);
        let scanned = (table.attachments.clone(), table.scan);
        self.last = Some((state, std::time::Instant::now(), scanned));
    }
}

/// [`attach`] over a `/proc` at `proc_root`, with `in_namespace` telling
/// whether a process is in the table's namespace (a process of another
/// namespace maps another segment under the same shmid). Processes that
/// vanish or refuse are counted and skipped.
pub fn attach_in(
    table: &mut ShmTable,
    proc_root: &std::path::Path,
    in_namespace: impl Fn(i32) -> bool,
) {
    // The key a mapping's name must carry: the segment's own, except once
    // removed (the kernel then shows key 0, the name keeps the old one).
    let wanted: HashMap<i32, Option<u32>> = table
        .segments
        .iter()
        .filter(|s| s.nattch > 0)
        .map(|s| (s.id, (!s.dest).then(|| key_bits(s.key))))
        .collect();
    table.attachments.clear();
    table.scan = AttachScan::default();
    if wanted.is_empty() {
        return;
    }
    table.scan.ran = true;
    let Ok(listing) = std::fs::read_dir(proc_root) else {
        table.scan.unreadable += 1;
        return;
    };
    let finder = memmem::Finder::new(b" /SYSV");
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut path = proc_root.to_path_buf();
    let mut found = Vec::new();
    for entry in listing.flatten() {
        let Some(pid) = blocked::numeric(&entry.file_name()) else {
            continue;
        };
        path.push(entry.file_name());
        path.push("maps");
        buf.clear();
        let read = std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut buf));
        path.pop();
        path.pop();
        match read {
            Ok(_) => table.scan.processes += 1,
            Err(e) if blocked::vanished(&e) => {
                table.scan.vanished += 1;
                continue;
            }
            Err(_) => {
                table.scan.unreadable += 1;
                continue;
            }
        }
        found.clear();
        for at in finder.find_iter(&buf) {
            let start = memchr::memrchr(b'\n', &buf[..at]).map_or(0, |n| n + 1);
            let end = memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |n| at + n);
            let Some(mapping) = sysv_mapping(&buf[start..end]) else {
                continue;
            };
            match wanted.get(&mapping.shmid) {
                Some(&key) if key.is_none_or(|k| k == mapping.name_key) => found.push(mapping),
                _ => {}
            }
        }
        if found.is_empty() || !in_namespace(pid) {
            continue;
        }
        for m in &found {
            table
                .attachments
                .entry(m.shmid)
                .or_default()
                .push(Attachment {
                    pid,
                    start: m.start,
                    end: m.end,
                    writable: m.writable,
                });
        }
    }
    for list in table.attachments.values_mut() {
        list.sort_by_key(|a| (a.pid, a.start));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attachment_scan_is_reused_until_an_attached_segment_changes() {
        let attached = |nattch, atime| {
            let stat = SegmentStat {
                size: 4096,
                nattch,
                atime,
                cpid: 10,
                lpid: 11,
                ..SegmentStat::default()
            };
            ShmTable {
                segments: vec![segment_from_stat(7, &stat)],
                ..ShmTable::default()
            }
        };
        let mut cache = AttachCache::default();
        let scans = std::cell::Cell::new(0);
        let mut refresh = |table: &mut ShmTable| {
            cache.attach_with(table, |t| {
                scans.set(scans.get() + 1);
                t.attachments.insert(7, Vec::new());
            });
        };
        let mut table = attached(1, 100);
        refresh(&mut table);
        refresh(&mut attached(1, 100));
        let mut again = attached(1, 100);
        refresh(&mut again);
        assert_eq!(scans.get(), 1, "nothing changed: one scan");
        assert!(again.attachments.contains_key(&7), "the last scan's result");
        // Another process attached (a fork): count and time move.
        refresh(&mut attached(2, 101));
        assert_eq!(scans.get(), 2);
        refresh(&mut attached(1, 101));
        assert_eq!(scans.get(), 3, "a detach is a change too");
    }

    const LINE: &[u8] =
        b"7f3c2a600000-7f3c2a700000 rw-s 00000000 00:01 32790                      /SYSV5ea1f00d";

    #[test]
    fn a_segment_mapping_is_read_from_its_maps_line() {
        let m = sysv_mapping(LINE).expect("a SysV mapping");
        assert_eq!(
            m,
            SysvMapping {
                start: 0x7f3c_2a60_0000,
                end: 0x7f3c_2a70_0000,
                writable: true,
                shmid: 32790,
                name_key: 0x5ea1_f00d,
            }
        );
    }

    #[test]
    fn a_removed_segment_keeps_its_old_name_and_read_only_shows() {
        let line = b"7f00-8f00 r--s 00001000 00:01 5   /SYSV00000000 (deleted)";
        let m = sysv_mapping(line).expect("a SysV mapping");
        assert!(!m.writable);
        assert_eq!((m.shmid, m.name_key, m.start), (5, 0, 0x7f00));
    }

    #[test]
    fn other_mappings_are_not_segments() {
        for line in [
            // POSIX shared memory, a private copy, a real device, no name.
            &b"7f00-8f00 rw-s 00000000 00:1b 18   /dev/shm/SYSV5ea1f00d"[..],
            b"7f00-8f00 rw-p 00000000 00:01 5   /SYSV5ea1f00d",
            b"7f00-8f00 rw-s 00000000 08:01 5   /SYSV5ea1f00d",
            b"7f00-8f00 rw-s 00000000 00:01 5   /SYSV5ea1f00dx",
            b"7f00-8f00 rw-s 00000000 00:01 5   /SYSV5ea1",
            b"7f00-8f00 rw-s 00000000 00:01 5   /SYSVzzzzzzzz",
            b"7f00-8f00 rw-s 00000000 00:01 5",
            b"7f00-8f00 rw-s 00000000 00:01 x   /SYSV5ea1f00d",
            b"",
        ] {
            assert_eq!(
                sysv_mapping(line),
                None,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }
}
