//! Screens drawn from synthetic snapshots, compared with insta snapshots.
//! Local date-times depend on the machine's time zone, so they are
//! redacted; everything else is fixed by the synthetic data.

mod synthetic;

use ipctop::app::{App, Drawn, Event};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use synthetic::{app_with, busy_queues, snapshot, with_blocked_senders};

fn render(app: &App) -> (Terminal<TestBackend>, Drawn) {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    let mut drawn = Drawn::default();
    terminal
        .draw(|frame| drawn = ipctop::ui::draw(frame, app))
        .expect("draw");
    (terminal, drawn)
}

fn screen(app: &App) -> String {
    render(app).0.backend().to_string()
}

/// As in the real loop: a frame is drawn (and what it showed reported to
/// the model), then the key is read.
fn press(app: &mut App, code: KeyCode) {
    let (_, drawn) = render(app);
    app.drawn(synthetic::tick(), drawn);
    app.update(Event::Key(
        KeyEvent::new(code, KeyModifiers::NONE),
        synthetic::tick(),
    ));
}

macro_rules! assert_screen {
    ($name:expr, $app:expr) => {
        insta::with_settings!({filters => vec![
            (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "[date-time]"),
            (r"\d\d:\d\d:\d\d", "[time]"),
        ]}, {
            insta::assert_snapshot!($name, screen(&$app));
        });
    };
}

#[test]
fn queues_80x24() {
    // The full queue's producer waits for room: WAIT and the detail say so.
    let snap = with_blocked_senders(snapshot(busy_queues()), 65538, &[4711]);
    assert_screen!("queues_80x24", app_with((80, 24), snap));
}

#[test]
fn queues_120x30() {
    assert_screen!(
        "queues_120x30",
        app_with(
            (120, 30),
            with_blocked_senders(snapshot(busy_queues()), 65538, &[4711])
        )
    );
}

#[test]
fn paused_with_filter_120x30() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Char('/'));
    for c in "app".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_screen!("paused_with_filter_120x30", app);
}

#[test]
fn help_overlay_80x24() {
    let mut app = app_with((80, 24), snapshot(busy_queues()));
    press(&mut app, KeyCode::Char('?'));
    assert_screen!("help_80x24", app);
}

#[test]
fn empty_namespace_and_unbuilt_tab_80x24() {
    let mut app = app_with((80, 24), snapshot(Vec::new()));
    assert_screen!("empty_80x24", app);
    press(&mut app, KeyCode::Char('4'));
    assert_screen!("mq_not_built_80x24", app);
}

#[test]
fn no_control_character_from_the_data_reaches_the_screen() {
    // The hostile queue's sender is named "evil\e]2;pwned\a\e[2J".
    let mut app = app_with((300, 40), snapshot(busy_queues()));
    press(&mut app, KeyCode::Char('/'));
    for c in "evil".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let (terminal, _) = render(&app);
    let text = terminal.backend().to_string();
    assert!(text.contains("evil·]2;pwned··[2J"), "{text}");
    for cell in terminal.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character in cell {:?}",
            cell.symbol()
        );
    }
}

#[test]
fn no_control_character_of_a_segment_or_set_user_reaches_the_screen() {
    let mut snap = synthetic::with_sets_and_limits(snapshot(busy_queues()));
    // pid 6666 is named "evil\e]2;pwned\a\e[2J"; uid 4242 has no name.
    snap.shm.segments[0].cpid = 6666;
    snap.shm.segments[0].uid = 4242;
    snap.sem.sets[0].sems[0].pid = 6666;
    for tab in ['2', '3'] {
        let mut app = app_with((300, 40), snap.clone());
        press(&mut app, KeyCode::Char(tab));
        press(&mut app, KeyCode::Char('/'));
        for c in "evil".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
        for view in [None, Some(KeyCode::Enter), Some(KeyCode::Char('d'))] {
            if let Some(code) = view {
                press(&mut app, code);
            }
            let (terminal, _) = render(&app);
            let text = terminal.backend().to_string();
            assert!(
                text.contains("evil·]2;pwned··"),
                "tab {tab} {view:?}:\n{text}"
            );
            for cell in terminal.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(char::is_control),
                    "tab {tab} {view:?}: control character in cell {:?}",
                    cell.symbol()
                );
            }
        }
    }
}

#[test]
fn any_size_renders_without_panic() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (80, 24), (300, 100)] {
        let mut app = app_with((w, h), snapshot(busy_queues()));
        render(&app);
        press(&mut app, KeyCode::Char('?'));
        render(&app);
        // Every tab, its details and its removal dialog.
        let mut app = app_with(
            (w, h),
            synthetic::with_sets_and_limits(snapshot(busy_queues())),
        );
        for tab in ['2', '3', '6'] {
            for code in [KeyCode::Char(tab), KeyCode::Enter, KeyCode::Char('d')] {
                press(&mut app, code);
                render(&app);
            }
            press(&mut app, KeyCode::Esc);
        }
    }
}

#[test]
fn narrow_terminals_drop_columns_instead_of_wrapping() {
    let app = app_with((60, 24), snapshot(busy_queues()));
    let text = screen(&app);
    let header = text
        .lines()
        .find(|l| l.contains("KEY"))
        .expect("column header");
    assert!(
        header.contains("MSGS") && header.contains("FILL"),
        "{header}"
    );
    assert!(!header.contains("PERMS"), "{header}");
}

#[test]
fn header_says_when_the_table_is_read_the_slow_way_or_is_incomplete() {
    let mut snap = snapshot(busy_queues());
    snap.msg.source = ipctop::model::MsgSource::ProcFile;
    snap.msg.unreadable = 2;
    let text = screen(&app_with((120, 30), snap));
    let header = text.lines().next().expect("header line");
    assert!(header.contains("via /proc"), "{header}");
    assert!(header.contains("2 unreadable"), "{header}");
}

fn peeking(size: (u16, u16)) -> App {
    // Queue 65539 has 231 messages in the table; the read found these.
    let mut queues = busy_queues();
    queues[1].messages = synthetic::HOSTILE_MESSAGES.len() as u64;
    queues[1].used_bytes = synthetic::HOSTILE_MESSAGES
        .iter()
        .map(|(_, d)| d.len() as u64)
        .sum();
    let mut app = app_with(size, snapshot(queues));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    synthetic::deliver_messages(&mut app, 65539, synthetic::HOSTILE_MESSAGES);
    app
}

#[test]
fn peek_list_120x30() {
    assert_screen!("peek_list_120x30", peeking((120, 30)));
}

#[test]
fn peek_list_80x24_with_msgrcv_preview() {
    let mut app = peeking((80, 24));
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    assert_screen!("peek_preview_80x24", app);
}

#[test]
fn peek_message_text_and_hex_80x24() {
    let mut app = peeking((80, 24));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_screen!("peek_message_text_80x24", app);
    press(&mut app, KeyCode::Char('x'));
    assert_screen!("peek_message_hex_80x24", app);
}

#[test]
fn remove_dialog_80x24() {
    let mut app = app_with((80, 24), snapshot(busy_queues()));
    press(&mut app, KeyCode::Char('d'));
    app.update(Event::Done(ipctop::actions::Done::Blocked {
        target: synthetic::object(65538),
        tasks: vec!["4711/4713 order-api: waiting to send 64 B".into()],
        unchecked: Vec::new(),
    }));
    assert_screen!("remove_dialog_80x24", app);
}

/// The removal dialog for the fullest queue with `tasks` blocked tasks,
/// drawn once on a `size` screen; and whether `y` then removes.
fn dialog_answers_y(size: (u16, u16), tasks: usize) -> (String, bool) {
    let mut app = app_with(size, snapshot(busy_queues()));
    press(&mut app, KeyCode::Char('d'));
    app.update(Event::Done(ipctop::actions::Done::Blocked {
        target: synthetic::object(65538),
        tasks: (0..tasks)
            .map(|t| format!("4711/{} order-api: waiting to send 64 B", 4713 + t))
            .collect(),
        unchecked: Vec::new(),
    }));
    let shown = screen(&app);
    let (_, drawn) = render(&app);
    app.drawn(synthetic::tick(), drawn);
    let effects = app.update(Event::Key(
        KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
        synthetic::tick(),
    ));
    (shown, !effects.is_empty())
}

#[test]
fn y_counts_only_when_every_line_of_the_dialog_was_on_screen() {
    // Too low for the dialog.
    let (shown, removed) = dialog_answers_y((40, 8), 0);
    assert!(!removed, "{shown}");
    assert!(shown.contains("too small: enlarge it"), "{shown}");
    // High enough, but too narrow: the task lines are cut.
    let (shown, removed) = dialog_answers_y((40, 18), 5);
    assert!(!removed, "{shown}");
    assert!(
        shown.contains("too small: enlarge it · n keeps it"),
        "{shown}"
    );
    assert!(!shown.contains("y remove   n"), "{shown}");
    // Where it all fits, y answers.
    let (shown, removed) = dialog_answers_y((80, 24), 5);
    assert!(removed, "{shown}");
}

#[test]
fn peek_screens_never_show_payload_control_characters() {
    let mut app = peeking((120, 30));
    for keys in [
        &[][..],
        &[KeyCode::Down, KeyCode::Enter][..],
        &[KeyCode::Char('x')][..],
    ] {
        for k in keys {
            press(&mut app, *k);
        }
        let (terminal, _) = render(&app);
        for cell in terminal.backend().buffer().content() {
            assert!(
                !cell.symbol().chars().any(ipctop::format::is_unsafe),
                "unsafe character in cell {:?}",
                cell.symbol()
            );
        }
    }
}

#[test]
fn help_scrolled_to_the_end_80x12() {
    let mut app = app_with((80, 12), snapshot(busy_queues()));
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::End);
    assert_screen!("help_scrolled_80x12", app);
}

#[test]
fn peek_list_shows_the_largest_mtypes_whole() {
    for size in [(80, 24), (40, 12)] {
        let mut app = app_with(size, snapshot(busy_queues()));
        press(&mut app, KeyCode::Enter);
        synthetic::deliver_messages(
            &mut app,
            65538,
            &[
                (i64::MAX, b"largest"),
                (1, b"small"),
                (4_000_000_000, b"wide"),
            ],
        );
        let screen = screen(&app);
        for whole in ["9223372036854775807", "4000000000"] {
            assert!(screen.contains(whole), "{size:?}: {whole} cut:\n{screen}");
        }
    }
    // Too narrow for 19 digits: cut where the eye sees it.
    let mut app = app_with((24, 12), snapshot(busy_queues()));
    press(&mut app, KeyCode::Enter);
    synthetic::deliver_messages(&mut app, 65538, &[(i64::MAX, b"largest")]);
    let screen = screen(&app);
    assert!(screen.contains(" 9223372036854… "), "{screen}");
}

#[test]
fn a_kind_that_cannot_be_read_says_so_on_its_tab() {
    let mut failed = snapshot(Vec::new());
    failed.failures.insert(
        ipctop::model::Kind::SysvMsg,
        "read queue slot 3: permission denied \x1b[2J".into(),
    );
    let mut app = app_with((80, 24), snapshot(busy_queues()));
    app.update(Event::Snapshot(Box::new(failed.clone())));
    let shown = screen(&app);
    assert!(
        shown.contains(" cannot read them: read queue slot 3: permission denied ·[2J · rows from"),
        "{shown}"
    );
    assert!(
        shown.contains("0x5ea1f00d"),
        "the last good rows stay:\n{shown}"
    );
    // Failing from the first refresh: nothing to keep.
    let fresh = app_with((80, 24), failed);
    let shown = screen(&fresh);
    assert!(
        shown.contains(" cannot read them: read queue slot 3"),
        "{shown}"
    );
    assert!(!shown.contains("rows from"), "{shown}");
}

#[test]
fn the_dialog_says_which_processes_could_not_be_checked_and_why() {
    let mut app = app_with((80, 24), snapshot(busy_queues()));
    press(&mut app, KeyCode::Char('d'));
    app.update(Event::Done(ipctop::actions::Done::Blocked {
        target: synthetic::object(65538),
        tasks: Vec::new(),
        unchecked: vec![
            "1 process_api (permission denied)".into(),
            "77 agent (permission denied)".into(),
        ],
    }));
    let shown = screen(&app);
    assert!(
        shown.contains(" no process found blocked on it "),
        "{shown}"
    );
    assert!(
        shown.contains(" not checked: 1 process_api (permission denied) and 1 more"),
        "{shown}"
    );
    assert!(shown.contains(" y remove "), "still answerable:\n{shown}");
}

#[test]
fn the_footer_offers_to_resume_while_paused() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    assert!(screen(&app).contains(" p pause "));
    press(&mut app, KeyCode::Char('p'));
    let shown = screen(&app);
    assert!(
        shown.contains(" p resume ") && !shown.contains(" p pause "),
        "{shown}"
    );
}

fn line(app: &App, y: usize) -> String {
    screen(app).lines().nth(y).unwrap_or_default().to_owned()
}

#[test]
fn the_sort_arrow_shows_on_a_full_title_and_a_hidden_sort_is_named() {
    let mut app = app_with((200, 30), snapshot(busy_queues()));
    while app.queues.sort.column != ipctop::kinds::sysv_msg::Column::LastReceive {
        press(&mut app, KeyCode::Char('s'));
    }
    let header = line(&app, 2);
    assert!(header.contains("LAST RC▼"), "{header}");
    assert!(!line(&app, 1).contains("sorted by"), "the arrow says it");

    app.update(Event::Resize(80, 24));
    let tabs = line(&app, 1);
    assert!(tabs.contains("sorted by LAST RCV ▼"), "{tabs}");
    assert!(!line(&app, 2).contains('▼'), "no column shows it");
}

#[test]
fn sort_menu_80x24() {
    let mut app = app_with((80, 24), snapshot(busy_queues()));
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Down);
    assert_screen!("sort_menu_80x24", app);
}

#[test]
fn a_table_that_scrolls_says_where_it_is() {
    let queues: Vec<_> = (0..40)
        .map(|i| synthetic::queue(1000 + i, i, 0, 0))
        .collect();
    let mut app = app_with((80, 24), snapshot(queues.clone()));
    let footer = line(&app, 23);
    assert!(footer.ends_with("row 1 of 40 \""), "{footer}");
    press(&mut app, KeyCode::End);
    assert!(line(&app, 23).contains("row 40 of 40"));
    // Five rows fit: no sign.
    let app = app_with((80, 24), snapshot(busy_queues()));
    assert!(!line(&app, 23).contains(" of "));

    // With a filter, the tab bar counts the matches.
    let mut app = app_with((80, 24), snapshot(queues));
    press(&mut app, KeyCode::Char('/'));
    for c in "100".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let tabs = line(&app, 1);
    assert!(tabs.contains("10 of 40 · filter: /100"), "{tabs}");
}

#[test]
fn a_long_message_list_says_where_it_is() {
    let mut app = synthetic::peeking_at_many((80, 24), 30);
    assert!(line(&app, 23).ends_with("1 of 30 \""), "{}", line(&app, 23));
    press(&mut app, KeyCode::Down);
    assert!(line(&app, 23).ends_with("2 of 30 \""), "{}", line(&app, 23));
}

/// The text of cells `[start, end)` of screen row `y`.
fn cells(terminal: &Terminal<TestBackend>, y: u16, (start, end): (u16, u16)) -> String {
    let buffer = terminal.backend().buffer();
    (start..end).map(|x| buffer[(x, y)].symbol()).collect()
}

#[test]
fn the_mouse_regions_are_where_the_screen_draws_them() {
    use ipctop::kinds::ObjectKind;
    use ipctop::kinds::sysv_msg::SysvMsg;
    use ipctop::layout::{self, Areas};
    use ratatui::layout::Rect;

    for size in [(80, 24), (120, 30), (200, 30)] {
        let app = app_with(size, snapshot(busy_queues()));
        let (terminal, _) = render(&app);
        let areas = Areas::new(Rect::new(0, 0, size.0, size.1));
        for (i, (tab, start, end)) in layout::tab_spans(areas.tabs.x).into_iter().enumerate() {
            let text = cells(&terminal, areas.tabs.y, (start, end));
            let label = layout::tab_label(i, tab);
            assert!(
                text == format!("[{label}]") || text == format!(" {label} "),
                "{size:?} tab {i}: {text:?}"
            );
        }
        let table = layout::table_area(areas.body, false);
        let columns = synthetic::visible_columns(&app);
        for (column, start, end) in layout::column_spans::<SysvMsg>(&columns, table.x) {
            let text = cells(&terminal, table.y, (start, end));
            let title = SysvMsg::column(column).title;
            assert!(
                text.trim().trim_end_matches(['▲', '▼']) == title,
                "{size:?} {column:?}: {text:?}"
            );
        }
        let first_key = cells(&terminal, table.y + 1, (table.x, table.x + 10));
        assert_eq!(first_key, "0x5ea1f00d", "{size:?}: the first row");
    }

    let app = peeking((80, 24));
    let (terminal, _) = render(&app);
    let row = cells(&terminal, layout::peek_first_row(app.size), (0, 80));
    assert!(row.contains("order 1 item=widget"), "{row:?}");
}

#[test]
fn the_peek_header_shows_a_change_and_the_msgrcv_preview_together() {
    let mut app = peeking((80, 24));
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    // The queue moves on after the read.
    let mut queues = busy_queues();
    queues[1].messages = 9;
    app.update(Event::Snapshot(Box::new(snapshot(queues))));
    let shown = screen(&app);
    for line in [
        " types of the messages read: 1 ×2 · 2 ×2 · 3 ×1",
        " changed since read: now 9 messages",
        " msgrcv with msgtyp 2 would take message #1",
    ] {
        assert!(shown.contains(line), "no {line:?}:\n{shown}");
    }
}

#[test]
fn only_the_demo_offers_c_and_never_suggests_itself() {
    use ipctop::app::demo::Demo;
    let mut plain = app_with((120, 30), snapshot(busy_queues()));
    assert!(!screen(&plain).contains("consumer"));
    press(&mut plain, KeyCode::Char('?'));
    assert!(!screen(&plain).contains("stall"), "{}", screen(&plain));

    let mut demo = App::new(std::time::Duration::from_secs(1), (120, 30));
    demo.demo = Some(Demo::new(65538));
    demo.suggestion = ipctop::app::demo::suggestion(true, |_| true);
    demo.update(Event::Snapshot(Box::new(snapshot(busy_queues()))));
    let shown = screen(&demo);
    let footer = shown.lines().last().unwrap_or_default();
    assert!(
        footer.contains("p pause · c stall consumer · ? help · q quit"),
        "{footer}"
    );
    press(&mut demo, KeyCode::Char('?'));
    assert!(
        screen(&demo).contains("demo: stall / resume the consumer"),
        "{}",
        screen(&demo)
    );
    press(&mut demo, KeyCode::Esc);

    // An empty namespace in the demo (its queues removed): no `try:`.
    demo.update(Event::Snapshot(Box::new(snapshot(Vec::new()))));
    let empty = screen(&demo);
    assert!(
        empty.contains("no message queues in this namespace "),
        "{empty}"
    );
    assert!(!empty.contains("try:"), "{empty}");
}

#[test]
fn semaphore_sets_and_their_details_120x30() {
    let mut app = app_with(
        (120, 30),
        synthetic::with_sets_and_limits(snapshot(busy_queues())),
    );
    press(&mut app, KeyCode::Char('3'));
    assert_screen!("sem_120x30", app);
    press(&mut app, KeyCode::Enter);
    assert_screen!("sem_details_120x30", app);
    // The set is replaced under its id (created again): its details are
    // not shown as those of the set the user opened.
    let mut snap = synthetic::with_sets_and_limits(snapshot(busy_queues()));
    snap.sem.sets[0].ctime += 1;
    app.update(Event::Snapshot(Box::new(snap)));
    let text = screen(&app);
    assert!(
        text.contains("semaphore set 98307 is gone") && !text.contains("sem 1    value"),
        "{text}"
    );
}

#[test]
fn limits_80x24_and_120x30() {
    let snap = synthetic::with_sets_and_limits(snapshot(busy_queues()));
    let mut app = app_with((80, 24), snap.clone());
    press(&mut app, KeyCode::Char('6'));
    assert_screen!("limits_80x24", app);
    let mut app = app_with((120, 30), snap);
    press(&mut app, KeyCode::Char('6'));
    assert_screen!("limits_120x30", app);
}

#[test]
fn segments_and_their_details_120x30() {
    let mut app = app_with(
        (120, 30),
        synthetic::with_sets_and_limits(snapshot(busy_queues())),
    );
    press(&mut app, KeyCode::Char('2'));
    assert_screen!("shm_120x30", app);
    press(&mut app, KeyCode::Enter);
    assert_screen!("shm_details_120x30", app);
    // From the details, d asks; the dialog says the segment is only
    // marked while attached, and looks for no blocked task.
    press(&mut app, KeyCode::Char('d'));
    let text = screen(&app);
    assert!(
        text.contains("only marked for removal,") && !text.contains("blocked"),
        "{text}"
    );
}
