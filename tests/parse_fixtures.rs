//! `parse_proc_msg` on captured-style `/proc/sysvipc/msg` files.
//!
//! The fixtures under `tests/fixtures/proc_sysvipc_msg/` use the kernel's
//! own header and row format (`ipc/msg.c`, `sysvipc_msg_proc_show`:
//! `"%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu"`);
//! `captured_ipcmk.txt` is a verbatim copy of the real file with two queues
//! made by `ipcmk -Q`.

use ipctop::collect::sysv_msg::{ParseError, parse_proc_msg};
use ipctop::model::{MsgQueue, key_bits};

const TYPICAL: &str = include_str!("fixtures/proc_sysvipc_msg/typical.txt");
const EMPTY: &str = include_str!("fixtures/proc_sysvipc_msg/empty.txt");
const HIGH_UIDS: &str = include_str!("fixtures/proc_sysvipc_msg/high_uids.txt");
const TRUNCATED: &str = include_str!("fixtures/proc_sysvipc_msg/truncated.txt");
const CAPTURED: &str = include_str!("fixtures/proc_sysvipc_msg/captured_ipcmk.txt");

/// The header line of the real file, byte for byte (`head -1
/// /proc/sysvipc/msg` on Linux 6.18).
const REAL_HEADER: &str = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime";

fn parse(text: &str) -> Result<Vec<MsgQueue>, ParseError> {
    parse_proc_msg(text.as_bytes())
}

/// A queue row as the parser should return it: `max_bytes` is never in
/// the file.
#[allow(clippy::too_many_arguments)]
fn row(
    key: i32,
    id: i32,
    perms: u32,
    (used_bytes, messages): (u64, u64),
    (lspid, lrpid): (i32, i32),
    (uid, gid, cuid, cgid): (u32, u32, u32, u32),
    (stime, rtime, ctime): (i64, i64, i64),
) -> MsgQueue {
    MsgQueue {
        key,
        id,
        uid,
        gid,
        cuid,
        cgid,
        perms,
        messages,
        used_bytes,
        max_bytes: None,
        lspid,
        lrpid,
        stime,
        rtime,
        ctime,
    }
}

#[test]
fn fixtures_carry_the_real_header() {
    for (name, text) in [
        ("typical", TYPICAL),
        ("empty", EMPTY),
        ("high_uids", HIGH_UIDS),
        ("truncated", TRUNCATED),
        ("captured_ipcmk", CAPTURED),
    ] {
        assert_eq!(text.lines().next(), Some(REAL_HEADER), "{name}.txt");
    }
}

/// The first queue `ipcmk -Q` made for the capture; `typical.txt` starts
/// with the same line.
fn first_ipcmk_queue() -> MsgQueue {
    row(
        -198_601_222,
        0,
        0o644,
        (0, 0),
        (0, 0),
        (0, 0, 0, 0),
        (0, 0, 1_795_852_314),
    )
}

#[test]
fn typical_file_decodes_every_column() {
    let queues = parse(TYPICAL).expect("typical.txt parses");
    assert_eq!(
        queues,
        vec![
            first_ipcmk_queue(),
            row(
                1_613_069_585,
                32769,
                0o600,
                (300, 3),
                (4242, 0),
                (1000, 1000, 1000, 1000),
                (1_795_852_400, 0, 1_795_852_390),
            ),
            row(
                0,
                65538,
                0o660,
                (16384, 128),
                (5120, 5121),
                (0, 0, 0, 0),
                (1_795_852_500, 1_795_852_499, 1_795_852_000),
            ),
            row(
                i32::MIN,
                98307,
                0o400,
                (8192, 1),
                (777, 778),
                (33, 33, 0, 0),
                (1_795_852_600, 1_795_852_601, 1_795_852_002),
            ),
        ]
    );
}

#[test]
fn negative_keys_keep_their_bit_pattern() {
    let queues = parse(TYPICAL).expect("typical.txt parses");
    let bits: Vec<u32> = queues.iter().map(|q| key_bits(q.key)).collect();
    assert_eq!(bits, [0xf429_95fa, 0x6025_7d11, 0, 0x8000_0000]);
    assert_eq!(format!("{:#010x}", key_bits(queues[0].key)), "0xf42995fa");
}

#[test]
fn perms_are_octal() {
    let queues = parse(TYPICAL).expect("typical.txt parses");
    let perms: Vec<u32> = queues.iter().map(|q| q.perms).collect();
    assert_eq!(perms, [420, 384, 432, 256]);
}

#[test]
fn header_only_file_has_no_rows() {
    assert_eq!(parse(EMPTY), Ok(vec![]));
}

#[test]
fn uids_and_gids_above_65535_are_preserved() {
    let queues = parse(HIGH_UIDS).expect("high_uids.txt parses");
    let ids: Vec<(u32, u32, u32, u32)> = queues
        .iter()
        .map(|q| (q.uid, q.gid, q.cuid, q.cgid))
        .collect();
    assert_eq!(
        ids,
        [
            (100_000, 100_000, 100_000, 100_000),
            (165_536, 165_536, 4_294_967_294, 65_536),
            (65_534, 65_534, 4_294_967_294, 4_294_967_294),
        ]
    );
    // Wide uids push the later columns right; they must still line up.
    let q = &queues[1];
    assert_eq!(key_bits(q.key), 0xdead_beef);
    assert_eq!((q.id, q.perms), (1, 0o660));
    assert_eq!((q.used_bytes, q.messages), (42, 1));
    assert_eq!((q.lspid, q.lrpid), (31337, 0));
    assert_eq!(
        (q.stime, q.rtime, q.ctime),
        (1_795_852_315, 0, 1_795_852_314)
    );
}

#[test]
fn truncated_file_is_an_error_naming_the_line() {
    let err = parse(TRUNCATED).expect_err("a row cut in half is rejected");
    assert_eq!(err.line, 4, "{err}");
    assert!(err.reason.contains("truncated"), "{err}");
    // The last row stops in the middle of its uid ("10"), so gid is the
    // first column missing.
    assert!(
        err.reason.contains("no gid column"),
        "names the first missing column: {err}"
    );
    let text = err.to_string();
    assert!(text.contains("line 4"), "{text}");
}

#[test]
fn real_capture_of_two_ipcmk_queues() {
    let queues = parse(CAPTURED).expect("captured_ipcmk.txt parses");
    assert_eq!(
        queues,
        vec![
            first_ipcmk_queue(),
            row(
                1_613_069_585,
                1,
                0o644,
                (0, 0),
                (0, 0),
                (0, 0, 0, 0),
                (0, 0, 1_795_852_314)
            ),
        ]
    );
}

#[test]
fn fixtures_can_also_be_read_from_disk() {
    // The collector reads through a BufReader over the file; do the same.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/proc_sysvipc_msg/typical.txt"
    );
    let file = std::fs::File::open(path).expect("open typical.txt");
    let from_disk = parse_proc_msg(std::io::BufReader::new(file)).expect("parses");
    assert_eq!(from_disk, parse(TYPICAL).expect("parses"));
}

// ---- /proc/sysvipc/sem ----

mod sem {
    use ipctop::collect::sysv_sem::parse_proc_sem;
    use ipctop::model::{SemSet, key_bits};

    const TYPICAL: &str = include_str!("fixtures/proc_sysvipc_sem/typical.txt");
    const EMPTY: &str = include_str!("fixtures/proc_sysvipc_sem/empty.txt");
    const HIGH_UIDS: &str = include_str!("fixtures/proc_sysvipc_sem/high_uids.txt");
    const TRUNCATED: &str = include_str!("fixtures/proc_sysvipc_sem/truncated.txt");

    /// The header line of the real file (`head -1 /proc/sysvipc/sem` on
    /// Linux 6.18).
    const REAL_HEADER: &str =
        "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime";

    fn parse(text: &str) -> Vec<SemSet> {
        parse_proc_sem(text.as_bytes()).expect("parses")
    }

    #[test]
    fn fixtures_carry_the_real_header() {
        for text in [TYPICAL, EMPTY, HIGH_UIDS, TRUNCATED] {
            assert_eq!(text.lines().next(), Some(REAL_HEADER));
        }
    }

    #[test]
    fn typical_file_decodes_every_column_and_no_semaphores() {
        let sets = parse(TYPICAL);
        assert_eq!(sets.len(), 3);
        let s = &sets[1];
        assert_eq!(
            (s.key, s.id, s.perms, s.nsems),
            (1_613_069_585, 32769, 0o600, 3)
        );
        assert_eq!((s.uid, s.gid, s.cuid, s.cgid), (1000, 1000, 1000, 1000));
        assert_eq!((s.otime, s.ctime), (1_796_169_700, 1_796_169_650));
        assert_eq!(
            key_bits(sets[0].key),
            0xcc04_7d1f,
            "negative key, as ipcmk made it"
        );
        assert_eq!(sets[2].nsems, 250);
        for s in &sets {
            assert!(s.sems.is_empty() && !s.values_readable, "not in the file");
        }
    }

    #[test]
    fn header_only_file_has_no_rows() {
        assert_eq!(parse(EMPTY), vec![]);
    }

    #[test]
    fn uids_and_gids_above_65535_are_preserved() {
        let ids: Vec<(u32, u32, u32, u32)> = parse(HIGH_UIDS)
            .iter()
            .map(|s| (s.uid, s.gid, s.cuid, s.cgid))
            .collect();
        assert_eq!(
            ids,
            [
                (100_000, 100_000, 100_000, 100_000),
                (165_536, 165_536, 4_294_967_294, 65_536)
            ]
        );
        let s = &parse(HIGH_UIDS)[1];
        assert_eq!(
            (key_bits(s.key), s.nsems, s.otime),
            (0xdead_beef, 4, 1_796_169_615)
        );
    }

    #[test]
    fn truncated_file_is_an_error_naming_the_file_line_and_column() {
        let err = parse_proc_sem(TRUNCATED.as_bytes()).expect_err("rejected");
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("no gid column"), "{err}");
        assert!(
            err.to_string().starts_with("/proc/sysvipc/sem line 3"),
            "{err}"
        );
    }
}

// ---- /proc/sysvipc/shm ----

mod shm {
    //! `parse_proc_shm` on `/proc/sysvipc/shm` files in the kernel's own
    //! format (`ipc/shm.c`, `sysvipc_shm_proc_show`); `captured_ipcmk.txt`
    //! is a verbatim copy of the real file with one segment made by
    //! `ipcmk -M 12288`.

    use ipctop::collect::sysv_shm::parse_proc_shm;
    use ipctop::model::ShmSegment;

    const TYPICAL: &str = include_str!("fixtures/proc_sysvipc_shm/typical.txt");
    const EMPTY: &str = include_str!("fixtures/proc_sysvipc_shm/empty.txt");
    const HIGH_UIDS: &str = include_str!("fixtures/proc_sysvipc_shm/high_uids.txt");
    const HUGE: &str = include_str!("fixtures/proc_sysvipc_shm/huge_dest_locked.txt");
    const TRUNCATED: &str = include_str!("fixtures/proc_sysvipc_shm/truncated.txt");
    const CAPTURED: &str = include_str!("fixtures/proc_sysvipc_shm/captured_ipcmk.txt");

    fn parse(text: &str) -> Vec<ShmSegment> {
        parse_proc_shm(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn typical_rows_read_every_column() {
        let segments = parse(TYPICAL);
        assert_eq!(segments.len(), 2);
        let s = &segments[0];
        assert_eq!(
            (s.key, s.id, s.perms, s.size),
            (0x5ea1_f00d, 0, 0o600, 1 << 20)
        );
        assert_eq!((s.cpid, s.lpid, s.nattch), (4711, 4702, 2));
        assert_eq!((s.uid, s.gid, s.cuid, s.cgid), (1000, 1000, 1000, 1000));
        assert_eq!(
            (s.atime, s.dtime, s.ctime),
            (1_764_316_740, 1_764_316_680, 1_764_309_600)
        );
        assert_eq!((s.rss, s.swap), (Some(1 << 19), Some(0)));
        assert!(!s.dest && !s.locked);
        assert_eq!(segments[1].key, -1_012_759_271, "negative keys");
    }

    #[test]
    fn uids_above_65535_are_read_whole() {
        let s = &parse(HIGH_UIDS)[0];
        assert_eq!(
            (s.uid, s.gid, s.cuid, s.cgid),
            (100_000, 165_536, 4_294_967_294, 200_000)
        );
    }

    #[test]
    fn huge_sizes_and_the_dest_and_locked_bits() {
        let segments = parse(HUGE);
        let (dest, locked, both) = (&segments[0], &segments[1], &segments[2]);
        assert_eq!(dest.size, 6 << 30);
        assert_eq!((dest.rss, dest.swap), (Some(5 << 30), Some(1 << 30)));
        assert!(dest.dest && !dest.locked);
        assert_eq!(dest.perms, 0o600, "perms keep only the permission bits");
        assert_eq!(locked.size, 1 << 40);
        assert!(locked.locked && !locked.dest);
        assert_eq!(locked.perms, 0o640);
        assert!(both.dest && both.locked);
    }

    #[test]
    fn empty_and_truncated_files() {
        assert!(parse(EMPTY).is_empty());
        assert!(parse("").is_empty());
        let err = parse_proc_shm(TRUNCATED.as_bytes()).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.reason.contains("truncated"), "{err}");
        assert!(
            err.to_string().starts_with("/proc/sysvipc/shm line 2"),
            "{err}"
        );
    }

    #[test]
    fn the_captured_file_has_the_ipcmk_segment() {
        let segments = parse(CAPTURED);
        assert_eq!(segments.len(), 1);
        assert_eq!((segments[0].size, segments[0].nattch), (12_288, 0));
        assert_eq!(segments[0].perms, 0o644);
    }
}
