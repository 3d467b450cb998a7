//! `ipctop list` output from synthetic snapshots: exact shape, numbers as
//! numbers, and no byte that could drive a terminal.

mod synthetic;

use ipctop::cli::list::{write_json, write_table};
use synthetic::{busy_queues, busy_segments, snapshot};

fn hostile_snapshot() -> ipctop::model::Snapshot {
    let mut snap = snapshot(busy_queues());
    // Queue 131076 belongs to uid 4242: give it a name with a C1 CSI and a
    // right-to-left override.
    snap.users.insert(4242, "ev\u{9b}31mil\u{202e}x".to_owned());
    snap
}

#[test]
fn json_has_one_object_per_queue_with_numeric_members() {
    let mut out = Vec::new();
    write_json(&snapshot(busy_queues()), &mut out).expect("write");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(doc["namespace"], synthetic::NAMESPACE);
    let msg = doc["msg"].as_array().expect("msg array");
    assert_eq!(msg.len(), 5);
    let full = &msg[0];
    assert_eq!(full["key"], 0x5ea1_f00d_u32);
    assert_eq!(full["id"], 65538);
    assert_eq!(full["owner"], "app");
    assert_eq!(full["perms"], 0o660);
    assert_eq!(full["messages"], 3980);
    assert_eq!(full["used_bytes"], 15_920);
    assert_eq!(full["max_bytes"], 16_384);
    assert_eq!(
        (full["lspid"].clone(), full["lrpid"].clone()),
        (4711.into(), 4702.into())
    );
    assert_eq!(full["stime"], synthetic::NOW);
    for member in ["uid", "gid", "cuid", "cgid", "rtime", "ctime"] {
        assert!(full[member].is_number(), "{member}");
    }
    assert_eq!(msg[3]["key"], 0xc3a2_8519_u32, "negative keys print as u32");
    assert!(msg[4]["max_bytes"].is_null(), "unknown capacity is null");
}

#[test]
fn json_escapes_what_a_terminal_would_obey_and_keeps_the_meaning() {
    let snap = hostile_snapshot();
    let mut out = Vec::new();
    write_json(&snap, &mut out).expect("write");
    let text = String::from_utf8(out.clone()).expect("utf-8");
    assert!(
        !text.trim_end().chars().any(ipctop::format::is_unsafe),
        "{text}"
    );
    assert!(text.contains(r"ev\u009b31mil\u202ex"), "{text}");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(doc["msg"][3]["owner"], "ev\u{9b}31mil\u{202e}x");
}

#[test]
fn table_lines_up_like_ipcs_and_is_sanitized() {
    let mut out = Vec::new();
    write_table(&hostile_snapshot(), &mut out).expect("write");
    let text = String::from_utf8(out).expect("utf-8");
    // The queues' section, under its heading.
    let lines: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0], "------ System V message queues ------");
    let lines = &lines[1..];
    assert!(lines[0].starts_with("KEY "), "{}", lines[0]);
    let full: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        full,
        [
            "0x5ea1f00d",
            "65538",
            "app",
            "660",
            "3980",
            "15920",
            "16384",
            "4711",
            "4702"
        ]
    );
    assert!(lines[4].contains("ev·31mil·x"), "{}", lines[4]);
    assert!(lines[5].contains(" ? "), "unknown capacity: {}", lines[5]);
    for line in text.lines() {
        assert!(!line.chars().any(ipctop::format::is_unsafe), "{line}");
    }
}

#[test]
fn json_says_which_kind_could_not_be_read_instead_of_listing_none() {
    let mut snap = snapshot(Vec::new());
    snap.failures.insert(
        ipctop::model::Kind::SysvMsg,
        "read queue slot 3: \u{1b}[2Jdenied".into(),
    );
    let mut out = Vec::new();
    write_json(&snap, &mut out).expect("write");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert!(
        doc.get("msg").is_none(),
        "no empty list that would say none: {doc}"
    );
    assert_eq!(doc["errors"]["msg"], "read queue slot 3: \u{1b}[2Jdenied");
    assert!(!out.contains(&0x1b), "escaped, not raw");
    // All read: no errors member at all.
    let mut out = Vec::new();
    write_json(&snapshot(busy_queues()), &mut out).expect("write");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert!(doc.get("errors").is_none(), "{doc}");
}

/// A set of two semaphores, one process waiting on the second.
fn with_a_semaphore_set() -> ipctop::model::Snapshot {
    let mut snap = snapshot(busy_queues());
    snap.sem = synthetic::semaphore_sets();
    snap.sem.sets.truncate(1);
    snap
}

#[test]
fn json_sem_member_has_each_set_with_its_semaphores() {
    let mut out = Vec::new();
    write_json(&with_a_semaphore_set(), &mut out).expect("write");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let sets = doc["sem"].as_array().expect("sem array");
    assert_eq!(sets.len(), 1);
    let set = &sets[0];
    assert_eq!(
        set["key"], 0xc3a2_8519_u32,
        "keys print as u32, as for queues"
    );
    assert_eq!(set["id"], 98_307);
    assert_eq!(set["owner"], "app");
    assert_eq!(set["uid"], 1000);
    assert_eq!(set["perms"], 0o600);
    assert_eq!(set["nsems"], 2);
    assert_eq!(set["otime"], synthetic::NOW - 5);
    assert_eq!(set["ctime"], synthetic::NOW - 60);
    assert_eq!(
        set["sems"],
        serde_json::json!([
            {"num": 0, "value": 3, "pid": 4711, "ncnt": 0, "zcnt": 0},
            {"num": 1, "value": 0, "pid": 4702, "ncnt": 1, "zcnt": 0},
        ])
    );
}

#[test]
fn table_lists_sets_after_the_queues() {
    let mut out = Vec::new();
    write_table(&with_a_semaphore_set(), &mut out).expect("write");
    let text = String::from_utf8(out).expect("utf-8");
    let sets = text.split("\n\n").nth(2).expect("a third table");
    let lines: Vec<&str> = sets.lines().collect();
    assert_eq!(lines[0], "------ System V semaphore sets ------");
    let lines = &lines[1..];
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["KEY", "ID", "OWNER", "PERMS", "NSEMS", "WAITING"]);
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(row, ["0xc3a28519", "98307", "app", "600", "2", "1"]);
}

#[test]
fn json_shm_member_has_exactly_the_documented_fields() {
    let mut snap = snapshot(Vec::new());
    snap.shm = busy_segments();
    let mut out = Vec::new();
    write_json(&snap, &mut out).expect("write");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let shm = doc["shm"].as_array().expect("shm array");
    assert_eq!(shm.len(), 3);
    let mut fields: Vec<&str> = shm[0]
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    let mut expected = [
        "key", "id", "owner", "uid", "perms", "size", "nattch", "cpid", "lpid", "atime", "dtime",
        "ctime", "rss", "swap", "status", "attached",
    ];
    expected.sort_unstable();
    assert_eq!(fields, expected);
    let attached = &shm[0];
    assert_eq!(attached["key"], 0x5ea1_f00d_u32);
    assert_eq!(attached["id"], 32768);
    assert_eq!(attached["owner"], "app");
    assert_eq!(attached["perms"], 0o640);
    assert_eq!(attached["size"], 1 << 20);
    assert_eq!(attached["nattch"], 2);
    assert_eq!(attached["rss"], 1 << 19);
    assert_eq!(attached["attached"], serde_json::json!([4702, 4711]));
    assert_eq!(attached["status"], serde_json::json!([]));
    let removed = &shm[1];
    assert_eq!(removed["key"], 0);
    assert_eq!(
        removed["size"],
        6_u64 << 30,
        "sizes beyond 4 GiB stay exact"
    );
    assert_eq!(removed["status"], serde_json::json!(["dest", "locked"]));
    assert_eq!(removed["attached"], serde_json::json!([4711]));
    assert!(shm[2]["rss"].is_null(), "unknown resident bytes are null");
    assert_eq!(shm[2]["attached"], serde_json::json!([]));
}

#[test]
fn shm_table_lines_up_like_ipcs_m() {
    let mut snap = snapshot(Vec::new());
    snap.shm = busy_segments();
    let mut out = Vec::new();
    write_table(&snap, &mut out).expect("write");
    let text = String::from_utf8(out).expect("utf-8");
    // After the (empty) queue table, under its heading.
    let section = text.split("\n\n").nth(1).expect("a second table");
    let lines: Vec<&str> = section.lines().collect();
    assert_eq!(lines[0], "------ System V shared-memory segments ------");
    let lines = &lines[1..];
    let words = |n: usize| lines[n].split_whitespace().collect::<Vec<_>>();
    assert_eq!(
        words(0),
        ["KEY", "ID", "OWNER", "PERMS", "BYTES", "NATTCH", "STATUS"]
    );
    assert_eq!(
        words(1),
        ["0x5ea1f00d", "32768", "app", "640", "1048576", "2"]
    );
    assert_eq!(
        words(2),
        [
            "0x00000000",
            "32769",
            "app",
            "640",
            "6442450944",
            "1",
            "dest,locked"
        ]
    );
    assert!(lines.iter().all(|l| !l.ends_with(' ')), "{text}");
}
