//! The limits tab against the real kernel: values as `IPC_INFO` gives
//! them agree with `/proc/sys/kernel`, and what is used is counted from
//! the same snapshot's tables.

mod common;

use std::fs;

use common::{QueueGuard, SegmentGuard, SemGuard, collect};
use ipctop::model::{Limit, Snapshot};

fn limit<'s>(snap: &'s Snapshot, name: &str) -> &'s Limit {
    snap.limits
        .iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", snap.limits))
}

/// `/proc/sys/kernel/NAME`'s numbers.
fn sysctl(name: &str) -> Vec<u64> {
    fs::read_to_string(format!("/proc/sys/kernel/{name}"))
        .unwrap_or_else(|e| panic!("read /proc/sys/kernel/{name}: {e}"))
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect()
}

#[test]
fn the_limits_agree_with_proc_sys_kernel() {
    let snap = collect();
    for (name, file) in [
        ("MSGMNI", "msgmni"),
        ("MSGMAX", "msgmax"),
        ("MSGMNB", "msgmnb"),
    ] {
        let limit = limit(&snap, name);
        assert_eq!(vec![limit.value], sysctl(file), "{name}");
        assert_eq!(limit.disagreement(), None, "{name}");
    }
    for (name, file) in [
        ("SHMMNI", "shmmni"),
        ("SHMALL", "shmall"),
        ("SHMMAX", "shmmax"),
    ] {
        let limit = limit(&snap, name);
        assert_eq!(vec![limit.value], sysctl(file), "{name}");
        assert_eq!(limit.disagreement(), None, "{name}");
    }
    // One file holds four semaphore limits.
    let sem = sysctl("sem");
    for (name, at) in [("SEMMSL", 0), ("SEMMNS", 1), ("SEMOPM", 2), ("SEMMNI", 3)] {
        let limit = limit(&snap, name);
        assert_eq!(limit.value, sem[at], "{name}");
        assert_eq!(limit.disagreement(), None, "{name}");
    }
    // Limits on one object or call have no use to count.
    assert_eq!(limit(&snap, "MSGMAX").used, None);
    assert_eq!(limit(&snap, "SEMMSL").used, None);
    assert!(limit(&snap, "SEMVMX").value >= 32767, "at least SHRT_MAX");
}

/// In a namespace of our own nothing else has objects: the use is exactly
/// what the test made, and the limit what it set.
#[test]
fn what_is_used_is_counted_from_the_snapshot_in_a_private_namespace() {
    common::in_private_namespace(
        "what_is_used_is_counted_from_the_snapshot_in_a_private_namespace",
        used_scenario,
    );
}

fn used_scenario() {
    fs::write("/proc/sys/kernel/msgmni", "5").expect("write msgmni");
    let _queues: Vec<QueueGuard> = (0..4)
        .map(|_| QueueGuard::new(0o600).expect("create a queue"))
        .collect();
    let snap = collect();
    let msgmni = limit(&snap, "MSGMNI");
    assert_eq!((msgmni.value, msgmni.used), (5, Some(4)));
    assert_eq!(msgmni.use_percent(), Some(80.0), "highlighted from 80%");
    let _sets: Vec<SemGuard> = (0..2)
        .map(|_| SemGuard::new(3, 0o600).expect("create a set"))
        .collect();
    let snap = collect();
    assert_eq!(limit(&snap, "SEMMNI").used, Some(2));
    assert_eq!(limit(&snap, "SEMMNS").used, Some(6), "3 semaphores each");

    // Two segments of a page and a byte: two pages each.
    let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .expect("sysconf")
        .expect("a page size") as usize;
    let _segments: Vec<SegmentGuard> = (0..2)
        .map(|_| SegmentGuard::new(page + 1, 0o600).expect("create a segment"))
        .collect();
    let snap = collect();
    assert_eq!(limit(&snap, "SHMMNI").used, Some(2));
    assert_eq!(limit(&snap, "SHMALL").used, Some(4), "whole pages");

    let mut out = Vec::new();
    ipctop::cli::list::write_json(&snap, &mut out).expect("write");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(
        doc["limits"]["MSGMNI"],
        serde_json::json!({"limit": 5, "used": 4})
    );
    assert_eq!(doc["limits"]["MSGMAX"]["used"], serde_json::Value::Null);
}
