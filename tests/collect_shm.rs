//! Shared-memory segments against the real kernel: what the collector
//! reads (the table, the `/proc` fallback, who is attached), and removal
//! of an attached segment (only marked until the last detach), through
//! the library and through `ipctop rm shm`.
//!
//! Every segment is created here behind a `SegmentGuard`; attaching
//! processes are children of this test binary (`common::Attacher`) that
//! say when they have attached and detach when told: nothing sleeps.

mod common;
mod e2e;

use std::process::{Command, Stdio};

use common::{Attacher, SegmentGuard, TempDir};
use ipctop::actions::remove::{self, NotRemoved, RemoveError};
use ipctop::collect::sysv_shm;
use ipctop::kinds::Removable;
use ipctop::kinds::sysv_shm::SysvShm;
use ipctop::model::{Kind, MsgSource, ObjectId, ShmSegment, Snapshot};
use ipctop::sys::shm;

const SIZE: usize = 64 * 1024;

/// Plays the child's part when this test binary was re-run as one.
fn child_plays(_name: &str) -> bool {
    match common::child_role() {
        Some(role) if role.starts_with(common::ATTACH_ROLE) => {
            Attacher::play(&role);
            true
        }
        _ => false,
    }
}

fn find(snap: &Snapshot, id: i32) -> Option<&ShmSegment> {
    snap.shm.segments.iter().find(|s| s.id == id)
}

#[test]
fn two_attached_children_are_found_and_a_removed_segment_lingers_until_they_detach() {
    const NAME: &str =
        "two_attached_children_are_found_and_a_removed_segment_lingers_until_they_detach";
    if child_plays(NAME) {
        return;
    }
    let mut guard = SegmentGuard::with_unique_key(SIZE, 0o600).expect("create a segment");
    let id = guard.id();
    let first = Attacher::spawn(NAME, id);
    let second = Attacher::spawn(NAME, id);
    let mut pids = vec![first.pid(), second.pid()];
    pids.sort_unstable();

    let snap = common::collect();
    let seen = find(&snap, id).expect("our segment is listed");
    assert_eq!((seen.key, seen.nattch), (guard.key(), 2));
    assert_eq!((seen.dest, seen.locked), (false, false));
    assert_eq!(seen.size, SIZE as u64);
    assert_eq!(seen.cpid, common::our_pid());
    assert_eq!(seen.perms, 0o600);
    assert!(seen.rss.is_some() && seen.swap.is_some(), "{seen:?}");
    assert_eq!(snap.shm.attached_pids(id), pids);
    let mappings = snap.shm.attachments_of(id);
    assert!(
        mappings
            .iter()
            .all(|a| a.writable && a.end - a.start >= SIZE as u64)
    );
    assert!(snap.shm.scan.ran);

    guard.remove().expect("remove the attached segment");
    let snap = common::collect();
    let removed = find(&snap, id).expect("still there while attached");
    assert!(removed.dest, "{removed:?}");
    assert_eq!((removed.key, removed.nattch), (0, 2));
    assert_eq!(
        snap.shm.attached_pids(id),
        pids,
        "found by inode, though the name keeps the old key"
    );
    assert!(
        SysvShm::changes(seen, removed).is_empty(),
        "the same segment"
    );

    first.detach();
    let snap = common::collect();
    assert_eq!(find(&snap, id).map(|s| s.nattch), Some(1));
    assert_eq!(snap.shm.attached_pids(id), [second.pid()]);
    second.detach();
    assert_eq!(
        sysv_shm::current(id).expect("read"),
        None,
        "gone at the last detach"
    );
    guard.assert_gone();
}

#[test]
fn the_proc_file_alone_gives_the_same_segment() {
    let guard = SegmentGuard::with_unique_key(SIZE, 0o640).expect("create a segment");
    let attached = shm::Attached::new(guard.id(), shm::SHM_RDONLY).expect("attach");
    let fast = common::collect_with(MsgSource::StatAny);
    let slow = common::collect_with(MsgSource::ProcFile);
    let (fast, slow) = (
        find(&fast, guard.id()).expect("listed"),
        find(&slow, guard.id()).expect("listed via /proc"),
    );
    assert_eq!(fast, slow);
    assert_eq!(slow.nattch, 1);
    let slow_snap = common::collect_with(MsgSource::ProcFile);
    let mine: Vec<_> = slow_snap
        .shm
        .attachments_of(guard.id())
        .iter()
        .filter(|a| a.pid == common::our_pid())
        .collect();
    assert_eq!(mine.len(), 1);
    assert!(!mine[0].writable, "attached read-only");
    assert_eq!(mine[0].start, attached.address() as u64);
    attached.detach().expect("detach");
}

#[test]
fn a_removed_attached_segment_is_still_the_one_chosen() {
    let mut guard = SegmentGuard::with_unique_key(SIZE, 0o600).expect("create a segment");
    let id = guard.id();
    let attached = shm::Attached::new(id, 0).expect("attach");
    let seen = sysv_shm::current(id).expect("read").expect("exists");
    guard.remove().expect("mark for removal");
    let now = sysv_shm::current(id)
        .expect("read")
        .expect("still attached");
    assert!(now.dest && now.key == 0, "{now:?}");
    assert_eq!(SysvShm::changes(&seen, &now), Vec::<String>::new());
    // Removing it again (from what the user saw) is allowed and harmless.
    let target = ObjectId {
        namespace: common::thread_ipc_namespace(),
        kind: Kind::SysvShm,
        id: i64::from(id),
    };
    let removed = remove::remove::<SysvShm>(target, &seen).expect("the same segment");
    assert!(
        SysvShm::removed_text(&removed).starts_with(&format!("marked segment {id} for removal"))
    );
    attached.detach().expect("detach");
    guard.assert_gone();
}

#[test]
fn cli_rm_of_an_attached_segment_marks_it_and_exits_0() {
    const NAME: &str = "cli_rm_of_an_attached_segment_marks_it_and_exits_0";
    if child_plays(NAME) {
        return;
    }
    let mut guard = SegmentGuard::with_unique_key(SIZE, 0o600).expect("create a segment");
    let id = guard.id();
    let child = Attacher::spawn(NAME, id);
    let state = TempDir::new("rm-shm-state");
    let out = Command::new(e2e::BIN)
        .args(["rm", "shm", &id.to_string(), "--yes"])
        .env("XDG_STATE_HOME", state.path())
        .env("HOME", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .stdin(Stdio::null())
        .output()
        .expect("run ipctop");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with(&format!("shared-memory segment {id}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("attached by    {} ", child.pid())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("marked segment {id} for removal")),
        "{stdout}"
    );
    let log = std::fs::read_to_string(state.path().join("ipctop/actions.log")).expect("audit log");
    assert!(log.contains("shm") && log.contains("removed"), "{log}");
    let now = guard.stat();
    assert_eq!(now.mode & shm::SHM_DEST, shm::SHM_DEST, "marked, not gone");
    child.detach();
    guard.assert_gone();
}

/// Recycled ids: `shm_next_id` is namespace-wide, so this runs in a
/// private IPC namespace (see `common::in_private_namespace`).
#[test]
fn a_recycled_segment_id_is_refused_in_a_private_namespace() {
    common::in_private_namespace(
        "a_recycled_segment_id_is_refused_in_a_private_namespace",
        recycled_id_scenario,
    );
}

fn recycled_id_scenario() {
    let mut old = SegmentGuard::with_key(0x1d1d, SIZE, 0o600).expect("create the old segment");
    let id = old.id();
    let seen = sysv_shm::current(id).expect("read").expect("exists");
    old.remove().expect("remove the old segment");
    std::fs::write("/proc/sys/kernel/shm_next_id", id.to_string()).expect("write shm_next_id");
    let new = SegmentGuard::with_key(0x2e2e, SIZE, 0o600).expect("create the new segment");
    assert_eq!(new.id(), id, "shm_next_id gave the new segment the old id");
    let target = ObjectId {
        namespace: common::thread_ipc_namespace(),
        kind: Kind::SysvShm,
        id: i64::from(id),
    };
    let err = remove::remove::<SysvShm>(target, &seen).expect_err("a replaced segment stays");
    let RemoveError {
        why: NotRemoved::Replaced(what),
        ..
    } = &err
    else {
        panic!("expected Replaced, got {err:?}");
    };
    assert!(what.contains("key 0x00001d1d is now 0x00002e2e"), "{what}");
    assert_eq!(new.stat().key, 0x2e2e, "the new segment survives");
}
