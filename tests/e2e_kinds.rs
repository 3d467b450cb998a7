//! The shared-memory, semaphore and limits tabs, driven as a user would
//! in a pseudo-terminal: switch to the tab, find the test's own object,
//! open its details, remove it with `d` and `y`.

mod common;
mod e2e;

use common::{SegmentGuard, SemGuard};
use e2e::{Screen, Size, Tui, assert_terminal_restored};
use ipctop::sys::shm;

const FAST: [&str; 2] = ["--interval", "100ms"];
const WIDE: Size = Size::new(120, 30);

fn quit(tui: &mut Tui) {
    tui.send_keys("\x03");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
    assert_terminal_restored(tui);
}

/// Switches to tab `number`, filters its table down to object `id` and
/// waits until it is selected (`title`, the detail pane's, on screen).
fn select(tui: &mut Tui, number: char, id: i32, title: &str) -> Screen {
    tui.wait_for("the header with the namespace", |s| {
        s.rows()[0].contains("ipctop · ns ipc:[")
    });
    tui.send_keys(&format!("{number}/{id}\r"));
    tui.wait_for(&format!("object {id} filtered and selected"), |s| {
        s.contains(&format!("filter: /{id} ")) && s.cell(id, "ID").is_some() && s.contains(title)
    })
}

/// The audit log's lines.
fn audit_log(tui: &Tui) -> Vec<String> {
    let log = tui.home().join("ipctop/actions.log");
    std::fs::read_to_string(&log)
        .unwrap_or_else(|e| panic!("read {}: {e}", log.display()))
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_semaphore_set_is_found_shown_whole_and_removed() {
    let mut set = SemGuard::new(3, 0o600).expect("create a set");
    set.set_all(&[1, 2, 3]);
    let id = set.id();
    let mut tui = Tui::spawn(WIDE, &FAST);
    let title = format!("┌ semaphore set 0x00000000 · id {id} ");
    let screen = select(&mut tui, '3', id, &title);
    assert_eq!(screen.cell(id, "NSEMS").as_deref(), Some("3"), "{screen}");
    assert_eq!(screen.cell(id, "WAITING").as_deref(), Some("0"), "{screen}");

    // Enter: every semaphore, the whole screen high.
    tui.send_keys("\r");
    tui.wait_for("the set's details, every semaphore", |s| {
        s.contains(&title)
            && (0..3).all(|n| s.contains(&format!("sem {n}    value {}", n + 1)))
            && s.footer().contains("Esc back")
    });

    // d from the details: the dialog, then y.
    tui.send_keys("d");
    let lines = [
        format!("remove semaphore set {id}?"),
        "will lose 3 semaphores, nobody waiting".to_owned(),
        "blocked on it".to_owned(),
        "y remove   n / Esc keep it".to_owned(),
    ];
    tui.wait_for("the whole removal dialog, waiters looked up", |s| {
        lines.iter().all(|line| s.contains(line)) && !s.contains("looking for blocked processes")
    });
    tui.send_keys("y");
    let status = format!("removed semaphore set {id} (3 semaphores, nobody waiting)");
    tui.wait_for("the removal reported and the row gone", |s| {
        s.footer().contains(&status) && s.cell(id, "ID").is_none()
    });
    set.assert_gone();
    quit(&mut tui);

    let log = audit_log(&tui);
    let want = format!(" kind=sem key=0x00000000 id={id} owner=");
    assert!(
        log.len() == 1 && log[0].contains(&want) && log[0].ends_with("result=\"removed\""),
        "one line for the removal: {log:?}"
    );
}

#[test]
fn an_attached_segment_is_found_with_its_users_and_only_marked_for_removal() {
    let mut segment = SegmentGuard::new(8192, 0o600).expect("create a segment");
    let id = segment.id();
    // This test process is the one attached.
    let attached = shm::Attached::new(id, 0).expect("attach the segment");
    let me = std::process::id();
    let mut tui = Tui::spawn(WIDE, &FAST);
    let title = format!("┌ segment 0x00000000 · id {id} ");
    let screen = select(&mut tui, '2', id, &title);
    assert_eq!(screen.cell(id, "ATTACH").as_deref(), Some("1"), "{screen}");
    assert_eq!(
        screen.cell(id, "SIZE").as_deref(),
        Some("8 KiB"),
        "{screen}"
    );

    // Enter: the processes attached, with their mappings.
    tui.send_keys("\r");
    tui.wait_for("the segment's details, its attacher listed", |s| {
        s.contains(&title)
            && s.rows()
                .iter()
                .any(|r| r.starts_with(&format!("│  {me} ")) && r.contains(" rw"))
    });

    // d, y: attached, so only marked; no blocked-task search for shm.
    tui.send_keys("d");
    let lines = [
        format!("remove segment {id}?"),
        "still attached 1 time: only marked for removal,".to_owned(),
        "freed when the last process detaches".to_owned(),
        "y remove   n / Esc keep it".to_owned(),
    ];
    let dialog = tui.wait_for("the whole removal dialog", |s| {
        lines.iter().all(|line| s.contains(line))
    });
    assert!(
        !dialog.contains("blocked"),
        "nothing blocks on a segment:\n{dialog}"
    );
    tui.send_keys("y");
    let status = format!("marked segment {id} for removal");
    tui.wait_for("the segment marked, still listed as dest", |s| {
        s.footer().contains(&status) && s.cell(id, "STATUS").as_deref() == Some("dest")
    });
    // The last detach frees it: the row goes by itself.
    attached.detach().expect("detach");
    tui.wait_for("the segment gone with its last user", |s| {
        s.header_row().is_some() && s.cell(id, "ID").is_none()
    });
    segment.assert_gone();
    quit(&mut tui);
    let log = audit_log(&tui);
    assert!(
        log.len() == 1 && log[0].contains(&format!(" kind=shm key=0x00000000 id={id} ")),
        "one line for the removal: {log:?}"
    );
}

#[test]
fn the_limits_tab_lists_the_kernel_limits_with_their_use() {
    let mut tui = Tui::spawn(WIDE, &FAST);
    tui.send_keys("6");
    let screen = tui.wait_for("the limits table", |s| {
        [
            "MSGMNI", "MSGMAX", "MSGMNB", "SHMMNI", "SHMALL", "SHMMAX", "SEMMNI", "SEMMNS",
            "SEMMSL",
        ]
        .iter()
        .all(|name| s.contains(name))
    });
    let msgmni = std::fs::read_to_string("/proc/sys/kernel/msgmni").expect("read msgmni");
    let msgmni: u64 = msgmni.trim().parse().expect("a number");
    let row = screen
        .rows()
        .iter()
        .find(|r| r.starts_with("MSGMNI "))
        .expect("a MSGMNI row");
    assert!(
        row.contains(&ipctop::format::count(msgmni)),
        "the limit in force: {row}"
    );
    // Enter: what the limit is, where it is set, what running out does.
    tui.send_keys("g\r");
    tui.wait_for("the details of MSGMNI", |s| {
        s.contains("/proc/sys/kernel/msgmni") && s.contains("ENOSPC")
    });
    quit(&mut tui);
}
