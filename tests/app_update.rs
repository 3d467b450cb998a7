//! `App::update` sequences: selection, filter, sort, pause, interval.
//! No kernel and no terminal: keys and snapshots in, state and effects out.

mod synthetic;

use std::time::Duration;

use ipctop::app::line_edit::LineEdit;
use ipctop::app::{App, Drawn, Effect, Event, Mode, Tab};
use ipctop::kinds::sysv_msg::Column;
use ipctop::model::Kind;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use synthetic::{app_with, busy_queues, queue, snapshot};

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Event::Key(
        KeyEvent::new(code, KeyModifiers::NONE),
        synthetic::tick(),
    ))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn refresh(app: &mut App, queues: Vec<ipctop::model::MsgQueue>) {
    app.update(Event::Snapshot(Box::new(snapshot(queues))));
}

/// Ids of the listed rows, top to bottom.
fn listed(app: &App) -> Vec<i32> {
    let snap = app.snapshot.as_ref().expect("a snapshot");
    app.queues
        .rows
        .iter()
        .map(|&i| snap.msg.queues[i].id)
        .collect()
}

fn selected(app: &App) -> Option<i32> {
    let snap = app.snapshot.as_ref()?;
    app.queues.selected_object(snap).map(|q| q.id)
}

#[test]
fn default_order_is_fullest_first_with_the_first_row_selected() {
    let app = app_with((120, 30), snapshot(busy_queues()));
    assert_eq!(listed(&app), vec![65538, 131076, 65539, 98307, 163845]);
    assert_eq!(selected(&app), Some(65538));
    let chosen = app.queues.selected.expect("selection");
    assert_eq!(chosen.id, 65538);
    assert_eq!(chosen.namespace, synthetic::NAMESPACE);
}

#[test]
fn selection_follows_the_queue_when_rows_reorder() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Down);
    assert_eq!(selected(&app), Some(131076));

    // 65539 fills up and overtakes everything: the selection stays put.
    let mut queues = busy_queues();
    queues[1].used_bytes = 16_384;
    refresh(&mut app, queues);
    assert_eq!(listed(&app)[0], 65539);
    assert_eq!(selected(&app), Some(131076));
}

#[test]
fn a_vanished_selection_moves_to_its_neighbour_and_new_queues_do_not_steal_it() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(selected(&app), Some(65539));

    let mut queues = busy_queues();
    queues.retain(|q| q.id != 65539);
    queues.push(queue(200_000, 7, 0, 0));
    refresh(&mut app, queues);
    assert_eq!(selected(&app), Some(98307), "the row now in its place");

    refresh(&mut app, Vec::new());
    assert_eq!(selected(&app), None);
    assert!(app.queues.selected.is_none());
    refresh(&mut app, busy_queues());
    assert_eq!(selected(&app), Some(65538));
}

#[test]
fn filter_narrows_live_applies_on_enter_and_clears_on_esc() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.mode, Mode::Filter(LineEdit::default()));
    typed(&mut app, "5EA1");
    assert_eq!(listed(&app), vec![65538, 65539], "key in hex, any case");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(selected(&app), Some(65538), "Enter selects the first match");

    // The filter holds across refreshes.
    refresh(&mut app, busy_queues());
    assert_eq!(listed(&app), vec![65538, 65539]);

    key(&mut app, KeyCode::Esc);
    assert_eq!(listed(&app).len(), 5);
    assert_eq!(selected(&app), Some(65538));
}

#[test]
fn filter_matches_id_owner_and_commands() {
    let cases: [(&str, &[i32]); 8] = [
        ("98307", &[98307]),
        // Pids as the SENDER and RECEIVER cells show them.
        ("4711", &[65538, 65539]),
        ("4800", &[163845]),
        ("root", &[98307]),
        ("worker", &[65538, 65539]),
        ("evil", &[131076]),
        // pid 4800 was reused after 163845's last receive: not its receiver.
        ("reborn", &[]),
        ("no such thing", &[]),
    ];
    for (text, expected) in cases {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, text);
        key(&mut app, KeyCode::Enter);
        assert_eq!(listed(&app), expected, "filter {text:?}");
    }
}

#[test]
fn the_filter_is_echoed_as_typed_and_matched_in_any_case() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "WORKER");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.queues.filter, "WORKER", "kept as typed, for the echo");
    assert_eq!(listed(&app), vec![65538, 65539]);
}

#[test]
fn esc_while_typing_drops_the_filter_and_backspace_edits_it() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "rootx");
    assert!(listed(&app).is_empty());
    key(&mut app, KeyCode::Backspace);
    assert_eq!(listed(&app), vec![98307]);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(listed(&app).len(), 5);
}

#[test]
fn s_cycles_the_visible_sort_columns_and_capital_s_reverses() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    assert_eq!(app.queues.sort.column, Column::Fill);
    let visible = synthetic::visible_columns(&app);
    assert!(
        !visible.contains(&Column::Capacity),
        "hidden at 120 columns"
    );
    assert!(!visible.contains(&Column::Perms), "hidden at 120 columns");
    // Every visible column once, in table order, then back to FILL.
    let fill = visible
        .iter()
        .position(|c| *c == Column::Fill)
        .expect("FILL");
    for i in 1..=visible.len() {
        key(&mut app, KeyCode::Char('s'));
        assert_eq!(app.queues.sort.column, visible[(fill + i) % visible.len()]);
    }
    sort_until(&mut app, Column::Key);
    assert!(!app.queues.sort.descending);
    assert_eq!(listed(&app), vec![98307, 163845, 65538, 65539, 131076]);
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(listed(&app), vec![131076, 65539, 65538, 163845, 98307]);

    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.queues.sort.column, Column::Id);
    assert_eq!(listed(&app), vec![65538, 65539, 98307, 131076, 163845]);
    sort_until(&mut app, Column::Messages);
    assert!(app.queues.sort.descending, "numbers start largest first");
    assert_eq!(listed(&app), vec![65538, 65539, 131076, 163845, 98307]);
}

/// The visible columns, and where FILL (the default sort) is among them.
fn visible_and_fill(app: &App) -> (Vec<Column>, usize) {
    let visible = synthetic::visible_columns(app);
    let fill = visible.iter().position(|c| *c == Column::Fill);
    (visible, fill.expect("FILL is visible"))
}

/// Presses `s` until the table is sorted by `column`.
fn sort_until(app: &mut App, column: Column) {
    while app.queues.sort.column != column {
        key(app, KeyCode::Char('s'));
    }
}

#[test]
fn angle_brackets_move_the_sort_among_visible_columns() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    let (visible, fill) = visible_and_fill(&app);
    key(&mut app, KeyCode::Char('>'));
    assert_eq!(app.queues.sort.column, visible[fill + 1]);
    key(&mut app, KeyCode::Char('<'));
    key(&mut app, KeyCode::Char('<'));
    assert_eq!(app.queues.sort.column, visible[fill - 1]);
    key(&mut app, KeyCode::Home);
    while app.queues.sort.column != visible[0] {
        key(&mut app, KeyCode::Char('<'));
    }
    key(&mut app, KeyCode::Char('<'));
    assert_eq!(app.queues.sort.column, visible[visible.len() - 1], "wraps");
}

#[test]
fn a_sort_column_hidden_by_a_resize_is_left_for_its_visible_neighbour() {
    let mut app = app_with((220, 30), snapshot(busy_queues()));
    assert!(synthetic::visible_columns(&app).contains(&Column::Perms));
    sort_until(&mut app, Column::Perms);
    app.update(Event::Resize(120, 30));
    let visible = synthetic::visible_columns(&app);
    assert!(!visible.contains(&Column::Perms));
    assert_eq!(app.queues.sort.column, Column::Perms, "kept until changed");
    // PERMS stands between OWNER and MSGS in table order.
    key(&mut app, KeyCode::Char('>'));
    assert_eq!(app.queues.sort.column, Column::Messages);
    app.update(Event::Resize(220, 30));
    sort_until(&mut app, Column::Perms);
    app.update(Event::Resize(120, 30));
    key(&mut app, KeyCode::Char('<'));
    assert_eq!(app.queues.sort.column, Column::Owner);
}

#[test]
fn f6_opens_a_menu_of_the_visible_columns() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    let (visible, fill) = visible_and_fill(&app);
    key(&mut app, KeyCode::F(6));
    assert_eq!(app.mode, Mode::SortMenu(fill), "on the sorted column");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.queues.sort.column, Column::Fill);

    key(&mut app, KeyCode::F(6));
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.mode, Mode::SortMenu(0), "stops at the top");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.queues.sort.column, visible[0]);
    assert_eq!(listed(&app), vec![98307, 163845, 65538, 65539, 131076]);

    key(&mut app, KeyCode::F(6));
    key(&mut app, KeyCode::End);
    assert_eq!(app.mode, Mode::SortMenu(visible.len() - 1));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.queues.sort.column, visible[visible.len() - 1]);
}

#[test]
fn pause_and_refresh_are_effects_for_the_collector() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    assert_eq!(
        key(&mut app, KeyCode::Char('p')),
        vec![Effect::SetPaused(true)]
    );
    assert!(app.paused);
    assert_eq!(
        key(&mut app, KeyCode::Char(' ')),
        vec![Effect::SetPaused(false)]
    );
    assert!(!app.paused);
    assert_eq!(key(&mut app, KeyCode::Char('r')), vec![Effect::RefreshNow]);
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    assert_eq!(app.update(Event::Terminate), vec![Effect::Quit]);
}

#[test]
fn interval_steps_stop_at_the_bounds() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    assert_eq!(
        key(&mut app, KeyCode::Char('+')),
        vec![Effect::SetInterval(Duration::from_millis(500))]
    );
    for _ in 0..10 {
        key(&mut app, KeyCode::Char('+'));
    }
    assert_eq!(app.interval, Duration::from_millis(100));
    assert!(key(&mut app, KeyCode::Char('+')).is_empty());
    let said = |app: &App| app.status.as_ref().map(|s| s.text.clone());
    assert_eq!(
        said(&app).as_deref(),
        Some("already refreshing every 100ms, the fastest there is"),
        "a key that does nothing says why"
    );
    for _ in 0..20 {
        key(&mut app, KeyCode::Char('-'));
    }
    assert_eq!(app.interval, Duration::from_secs(60));
    assert!(key(&mut app, KeyCode::Char('-')).is_empty());
    assert_eq!(
        said(&app).as_deref(),
        Some("already refreshing every 60s, the slowest there is")
    );

    let clamped = App::new(Duration::from_millis(1), (80, 24));
    assert_eq!(clamped.interval, Duration::from_millis(100));
}

#[test]
fn paging_moves_a_screen_and_keeps_the_selection_visible() {
    let many: Vec<_> = (0..100).map(|i| queue(i, i, 0, 0)).collect();
    let mut app = app_with((80, 24), snapshot(many));
    key(&mut app, KeyCode::Char('s')); // sender: all equal, so by id
    let page = ipctop::layout::table_rows((80, 24), false);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.queues.scroll.cursor, page);
    assert!(app.queues.scroll.offset <= app.queues.scroll.cursor);
    assert!(app.queues.scroll.cursor < app.queues.scroll.offset + page);
    key(&mut app, KeyCode::End);
    assert_eq!(app.queues.scroll.cursor, 99);
    assert_eq!(app.queues.scroll.offset, 100 - page);
    key(&mut app, KeyCode::Char('g'));
    assert_eq!((app.queues.scroll.cursor, app.queues.scroll.offset), (0, 0));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.queues.scroll.cursor, 0, "no wrap above the top");

    // Shrinking the terminal keeps the selection on screen.
    key(&mut app, KeyCode::Char('G'));
    app.update(Event::Resize(80, 10));
    let page = ipctop::layout::table_rows((80, 10), false);
    assert!(app.queues.scroll.cursor < app.queues.scroll.offset + page);
}

#[test]
fn tabs_switch_by_number_and_cycle() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('6'));
    assert_eq!(app.tab, Tab::Limits);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::SysvMsg);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.tab, Tab::Limits);
    // Moving on a tab without a table changes nothing on the Queues tab.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(selected(&app), Some(65538));
}

#[test]
fn help_opens_and_closes_and_ctrl_c_always_quits() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    key(&mut app, KeyCode::Down);
    assert_eq!(selected(&app), Some(65538), "keys do not leak through help");
    key(&mut app, KeyCode::Esc);
    assert!(!app.help);
    assert_eq!(app.mode, Mode::Browse);

    // Help over the peek view returns to the peek view.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.mode, Mode::Peek(_)));
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char('/'));
    let quit = app.update(Event::Key(
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        synthetic::tick(),
    ));
    assert_eq!(quit, vec![Effect::Quit]);
}

#[test]
fn ctrl_z_and_sigtstp_suspend_from_every_view_and_sigcont_redraws() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    let ctrl_z = |app: &mut App| {
        app.update(Event::Key(
            KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL),
            synthetic::tick(),
        ))
    };
    assert_eq!(ctrl_z(&mut app), vec![Effect::Suspend]);
    // In a prompt Ctrl-Z is not text.
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "ro");
    assert_eq!(ctrl_z(&mut app), vec![Effect::Suspend]);
    assert_eq!(app.mode, Mode::Filter(LineEdit::from("ro")));
    key(&mut app, KeyCode::Esc);
    // Over the help and in the peek view.
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(ctrl_z(&mut app), vec![Effect::Suspend]);
    assert!(app.help, "suspending keeps the view");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    assert_eq!(ctrl_z(&mut app), vec![Effect::Suspend]);
    assert!(matches!(app.mode, Mode::Peek(_)));

    assert_eq!(app.update(Event::Suspend), vec![Effect::Suspend]);
    assert_eq!(app.update(Event::Continued), vec![Effect::Redraw]);
    assert!(matches!(app.mode, Mode::Peek(_)), "resuming keeps the view");
}

#[test]
fn a_kind_that_cannot_be_read_keeps_its_last_rows_until_it_can() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    let mut failed = snapshot(Vec::new());
    failed.users.clear();
    failed
        .failures
        .insert(Kind::SysvMsg, "cannot list message queues".into());
    app.update(Event::Snapshot(Box::new(failed)));
    let snap = app.snapshot.as_ref().expect("a snapshot");
    assert_eq!(
        snap.failure(Kind::SysvMsg),
        Some("cannot list message queues")
    );
    assert_eq!(listed(&app).len(), 5, "the last good table stays");
    assert_eq!(snap.user_name(1000), "app", "with the names it mentions");
    refresh(&mut app, busy_queues()[..2].to_vec());
    let snap = app.snapshot.as_ref().expect("a snapshot");
    assert_eq!(snap.failure(Kind::SysvMsg), None);
    assert_eq!(listed(&app).len(), 2, "a good read replaces it");
}

#[test]
fn a_paused_table_stays_still_until_r() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('p'));
    // Collected before the pause reached the collector: ignored.
    refresh(&mut app, Vec::new());
    assert_eq!(listed(&app).len(), 5);
    key(&mut app, KeyCode::Char('r'));
    refresh(&mut app, Vec::new());
    assert!(listed(&app).is_empty(), "r shows the new state");
    refresh(&mut app, busy_queues());
    assert!(listed(&app).is_empty(), "one refresh per r");
    key(&mut app, KeyCode::Char('p'));
    refresh(&mut app, busy_queues());
    assert_eq!(listed(&app).len(), 5);
}

#[test]
fn control_keys_do_not_type_into_the_filter() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "ro");
    for (c, modifiers) in [('x', KeyModifiers::CONTROL), ('x', KeyModifiers::ALT)] {
        app.update(Event::Key(
            KeyEvent::new(KeyCode::Char(c), modifiers),
            synthetic::tick(),
        ));
    }
    assert_eq!(app.mode, Mode::Filter(LineEdit::from("ro")));
    // The shell's editing keys edit, and the table follows.
    typed(&mut app, " ap");
    app.update(Event::Key(
        KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL),
        synthetic::tick(),
    ));
    assert_eq!(app.mode, Mode::Filter(LineEdit::from("ro ")));
    assert_eq!(app.queues.filter, "ro ");
}

#[test]
fn filter_and_sort_keys_do_nothing_on_tabs_without_a_table() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('4'));
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.mode, Mode::Browse);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.queues.sort.column, Column::Fill);
}

#[test]
fn a_fatal_error_quits_and_is_kept_for_the_exit_message() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    let effects = app.update(Event::Fatal("the input thread crashed".into()));
    assert_eq!(effects, vec![Effect::Quit]);
    assert_eq!(app.fatal.as_deref(), Some("the input thread crashed"));
}

mod peek_and_remove {
    use super::*;
    use ipctop::actions::peek::{Changes, Message, Page};
    use ipctop::actions::save::{FileId, Overwrite};
    use ipctop::actions::{Done, Job};
    use ipctop::app::peek::Prompt;
    use ipctop::kinds::Chosen;
    use ipctop::model::{Kind, ObjectId};
    use ipctop::sys::msg::QueueStat;

    /// Queue `id` of the synthetic snapshot holding `qnum` one-byte
    /// messages.
    fn stat(id: i32, qnum: u64) -> QueueStat {
        QueueStat {
            cbytes: qnum,
            qnum,
            ..synthetic::stat_of(id)
        }
    }

    /// A page of `mtypes` (one byte each) read from position `first`.
    fn page(id: i32, first: usize, mtypes: &[i64], total: u64) -> Page {
        let message = |index: usize, mtype: i64| Message {
            index,
            mtype,
            data: vec![b'a'],
        };
        Page {
            id,
            first,
            messages: mtypes
                .iter()
                .enumerate()
                .map(|(i, &mtype)| message(first + i, mtype))
                .collect(),
            // The pages these tests read are all of one mtype.
            overlap: first.checked_sub(1).map(|i| message(i, mtypes[0])),
            before: stat(id, total),
            after: stat(id, total),
            changes: Changes::default(),
            at_end: first as u64 + mtypes.len() as u64 >= total,
        }
    }

    fn view(app: &App) -> &ipctop::app::peek::PeekView {
        match &app.mode {
            Mode::Peek(view) => view,
            other => panic!("not peeking: {other:?}"),
        }
    }

    fn deliver(app: &mut App, id: i32, first: usize, page: Page) -> Vec<Effect> {
        app.update(Event::Done(Done::Peeked {
            queue: synthetic::object(id),
            first,
            result: Ok(Box::new(page)),
        }))
    }

    #[test]
    fn enter_peeks_the_selected_queue_and_esc_returns_with_the_selection_kept() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Down);
        let effects = key(&mut app, KeyCode::Enter);
        assert_eq!(
            effects,
            vec![Effect::Act(Job::Peek {
                queue: synthetic::object(131076),
                first: 0,
                count: 500
            })]
        );
        assert_eq!(view(&app).queue.id, 131076);
        deliver(&mut app, 131076, 0, page(131076, 0, &[1, 2, 2], 3));
        assert_eq!(view(&app).messages.len(), 3);
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.mode, Mode::Browse);
        assert_eq!(selected(&app), Some(131076));
    }

    #[test]
    fn pages_load_on_demand_and_stale_answers_are_ignored() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Enter);
        let first: Vec<i64> = vec![1; 500];
        deliver(&mut app, 65538, 0, page(65538, 0, &first, 1200));
        assert!(view(&app).progress().starts_with("showing 500 of 1,200"));
        // An answer for another queue changes nothing.
        deliver(&mut app, 7, 0, page(7, 0, &[9], 1));
        assert_eq!(view(&app).messages.len(), 500);
        // Reaching the last row read asks for the next page, once.
        let effects = key(&mut app, KeyCode::End);
        assert_eq!(
            effects,
            vec![Effect::Act(Job::Peek {
                queue: synthetic::object(65538),
                first: 500,
                count: 500
            })]
        );
        assert!(
            key(&mut app, KeyCode::Char('n')).is_empty(),
            "already reading"
        );
        deliver(&mut app, 65538, 500, page(65538, 500, &first, 1200));
        assert_eq!(view(&app).messages.len(), 1000);
        assert_eq!(view(&app).messages[999].index, 999);
    }

    #[test]
    fn a_page_from_another_queue_under_the_same_id_is_never_shown() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Enter);
        deliver(&mut app, 65538, 0, page(65538, 0, &[1; 500], 1200));
        // Page 2 comes from a queue created under the same id since.
        let mut next = page(65538, 500, &[7; 500], 1200);
        next.before.ctime += 60;
        next.after.ctime += 60;
        key(&mut app, KeyCode::End);
        deliver(&mut app, 65538, 500, next);
        let v = view(&app);
        assert_eq!(v.messages.len(), 500, "nothing of the new queue shown");
        assert!(v.messages.iter().all(|m| m.mtype == 1));
        let error = v.error.as_deref().unwrap_or_default();
        assert!(error.contains("queue 65538 was replaced"), "{error}");

        // Opened on a queue that was replaced before the first read.
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Enter);
        let mut first = page(65538, 0, &[7; 3], 3);
        first.before.key = 0x1234;
        deliver(&mut app, 65538, 0, first);
        assert!(view(&app).messages.is_empty());
        assert!(view(&app).error.is_some());
    }

    #[test]
    fn traffic_between_pages_is_said_in_the_header_state() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Enter);
        deliver(&mut app, 65538, 0, page(65538, 0, &[1; 500], 1200));
        key(&mut app, KeyCode::End);
        // The message before page 2 is not the one page 1 ended with.
        let mut moved = page(65538, 500, &[1; 500], 1200);
        moved.overlap = Some(Message {
            index: 499,
            mtype: 2,
            data: vec![b'b'],
        });
        deliver(&mut app, 65538, 500, moved);
        let read = view(&app).read.expect("read");
        assert!(read.changes.received && !read.changes.replaced);
        assert_eq!(view(&app).messages.len(), 1000, "shown, with the warning");
        assert!(view(&app).changed_since_read());
    }

    #[test]
    fn the_view_says_when_the_queue_changed_since_it_was_read() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Enter);
        deliver(&mut app, 65538, 0, page(65538, 0, &[1; 3], 3));
        // The live table still says 3,980 messages: not what was read.
        assert!(view(&app).changed_since_read());
        let mut queues = busy_queues();
        queues[0].messages = 3;
        queues[0].used_bytes = 3;
        refresh(&mut app, queues);
        assert!(!view(&app).changed_since_read());
        refresh(&mut app, Vec::new());
        assert!(view(&app).changed_since_read(), "gone");
    }

    #[test]
    fn msgtyp_preview_marks_the_message_msgrcv_would_take() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Enter);
        deliver(&mut app, 65538, 0, page(65538, 0, &[3, 1, 2, 1], 4));
        key(&mut app, KeyCode::Char('t'));
        typed(&mut app, "-2");
        key(&mut app, KeyCode::Enter);
        assert_eq!(view(&app).selector.map(|(_, p)| p), Some(Some(1)));
        assert_eq!(view(&app).scroll.cursor, 1, "the selection jumps to it");
        key(&mut app, KeyCode::Char('t'));
        assert_eq!(view(&app).prompt, Some(Prompt::Msgtyp(LineEdit::default())));
        typed(&mut app, "!3");
        key(&mut app, KeyCode::Enter);
        assert_eq!(view(&app).selector.map(|(_, p)| p), Some(Some(1)));
        key(&mut app, KeyCode::Char('t'));
        typed(&mut app, "x");
        key(&mut app, KeyCode::Enter);
        assert!(
            view(&app)
                .error
                .as_deref()
                .is_some_and(|e| e.contains("not a message type"))
        );
    }

    #[test]
    fn save_asks_again_before_replacing_a_file() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Enter);
        deliver(&mut app, 65538, 0, page(65538, 0, &[1], 1));
        key(&mut app, KeyCode::Char('w'));
        assert_eq!(
            view(&app).prompt,
            Some(Prompt::SavePath(LineEdit::proposed("msg-65538-0.bin")))
        );
        let effects = key(&mut app, KeyCode::Enter);
        let Some(Effect::Act(Job::Save {
            path, overwrite, ..
        })) = effects.first()
        else {
            panic!("no save: {effects:?}");
        };
        assert_eq!(*overwrite, Overwrite::Refuse);
        let path = path.clone();
        // The file in the way, as the failed save found it.
        let file = FileId { dev: 8, ino: 4711 };
        app.update(Event::Done(Done::Saved {
            path: path.clone(),
            result: Err(ipctop::actions::SaveFailure {
                existing: Some(file),
                reason: "exists".into(),
            }),
        }));
        assert!(matches!(
            &view(&app).prompt,
            Some(Prompt::Overwrite { path: p, data, file: f, shown_at: None })
                if *p == path && data == b"a" && *f == file
        ));
        assert!(
            key(&mut app, KeyCode::Char('q')).is_empty(),
            "q is not an answer"
        );
        assert!(
            key(&mut app, KeyCode::Char('y')).is_empty(),
            "a y typed before the question was drawn is no answer"
        );
        synthetic::seen_whole(&mut app);
        // Moving away cannot happen in a prompt, and the bytes saved are
        // the ones chosen when `w` was pressed; the yes replaces only the
        // file the question was about.
        let effects = key(&mut app, KeyCode::Char('y'));
        assert!(matches!(
            effects.as_slice(),
            [Effect::Act(Job::Save {
                overwrite: Overwrite::Confirmed(f),
                data,
                ..
            })] if data == b"a" && *f == file
        ));
        // An answer for a save this view did not ask for changes nothing.
        app.update(Event::Done(Done::Saved {
            path: "elsewhere.bin".into(),
            result: Ok(()),
        }));
        assert_eq!(view(&app).note, None);
        // The file was swapped after the question: said, and not asked again.
        let reason = format!(
            "{} changed since you were asked: not written",
            path.display()
        );
        app.update(Event::Done(Done::Saved {
            path: path.clone(),
            result: Err(ipctop::actions::SaveFailure {
                existing: None,
                reason: reason.clone(),
            }),
        }));
        assert_eq!(view(&app).prompt, None);
        assert_eq!(view(&app).error.as_deref(), Some(reason.as_str()));
        // A save that works then says so, and the failure is old news.
        key(&mut app, KeyCode::Char('w'));
        let effects = key(&mut app, KeyCode::Enter);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Act(Job::Save { .. })]
        ));
        app.update(Event::Done(Done::Saved {
            path: path.clone(),
            result: Ok(()),
        }));
        assert_eq!(view(&app).error, None);
        assert_eq!(
            view(&app).note,
            Some(format!("saved to {}", path.display()))
        );
    }

    #[test]
    fn delete_needs_a_yes_and_carries_what_the_user_saw() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        let effects = key(&mut app, KeyCode::Char('d'));
        assert_eq!(
            effects,
            vec![Effect::Act(Job::FindBlocked {
                target: synthetic::object(65538)
            })]
        );
        let Mode::ConfirmRemove(dialog) = &app.mode else {
            panic!("no dialog");
        };
        assert_eq!(dialog.chosen, Chosen::SysvMsg(busy_queues()[0].clone()));
        assert_eq!(dialog.owner, "app");
        synthetic::seen_whole(&mut app);
        assert!(
            key(&mut app, KeyCode::Char('y')).is_empty(),
            "no answer before the blocked tasks are listed"
        );
        assert!(
            app.status
                .as_ref()
                .is_some_and(|s| s.text.starts_with("y ignored: the blocked tasks")),
            "the early y is not dropped silently: {:?}",
            app.status
        );
        let before_the_list = synthetic::tick();
        app.update(Event::Done(Done::Blocked {
            target: synthetic::object(65538),
            tasks: vec!["4711 order-api: waiting to send 64 B".into()],
            unchecked: Vec::new(),
        }));
        let early = Event::Key(
            KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
            before_the_list,
        );
        synthetic::seen_whole(&mut app);
        assert!(
            app.update(early).is_empty(),
            "pressed before the complete dialog was drawn"
        );
        let Mode::ConfirmRemove(dialog) = &app.mode else {
            panic!("no dialog");
        };
        assert_eq!(dialog.blocked.as_ref().map(Vec::len), Some(1));
        // Navigation keys do nothing here.
        for code in [KeyCode::Down, KeyCode::Enter, KeyCode::Char('d')] {
            assert!(key(&mut app, code).is_empty());
        }
        // The queue filled up meanwhile: what is lost is what is there.
        let mut queues = busy_queues();
        queues[0].messages = 3990;
        refresh(&mut app, queues);
        let effects = key(&mut app, KeyCode::Char('y'));
        let queue = &busy_queues()[0];
        assert_eq!(
            effects,
            vec![Effect::Act(Job::Remove {
                target: ObjectId {
                    namespace: synthetic::NAMESPACE,
                    kind: Kind::SysvMsg,
                    id: 65538,
                },
                chosen: Chosen::SysvMsg(queue.clone()),
                owner: "app".into(),
                told: vec![("messages", 3990), ("bytes", 15_920)],
            })]
        );
        assert_eq!(app.mode, Mode::Browse);
        let effects = app.update(Event::Done(Done::Removed(Ok("removed queue 65538".into()))));
        assert_eq!(effects, vec![Effect::RefreshNow]);
        assert_eq!(app.status.as_ref().map(|s| s.error), Some(false));
    }

    #[test]
    fn a_yes_typed_before_the_dialog_was_drawn_removes_nothing() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        let before = synthetic::tick();
        key(&mut app, KeyCode::Char('d'));
        app.update(Event::Done(Done::Blocked {
            target: synthetic::object(65538),
            tasks: Vec::new(),
            unchecked: Vec::new(),
        }));
        // `d` and `y` read in one burst: the frame with the dialog is drawn
        // after both keys were read.
        let typed_ahead = Event::Key(
            KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
            before,
        );
        assert!(app.update(typed_ahead).is_empty());
        synthetic::seen_whole(&mut app);
        let late = Event::Key(
            KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
            before,
        );
        assert!(app.update(late).is_empty(), "read before the draw");
        assert!(matches!(app.mode, Mode::ConfirmRemove(_)));
        assert_eq!(key(&mut app, KeyCode::Char('y')).len(), 1);
    }

    #[test]
    fn a_dialog_not_seen_whole_cannot_be_confirmed() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Char('d'));
        app.update(Event::Done(Done::Blocked {
            target: synthetic::object(65538),
            tasks: Vec::new(),
            unchecked: Vec::new(),
        }));
        // The view could not show it whole (the screens tests check when).
        app.drawn(synthetic::tick(), Drawn::default());
        assert!(key(&mut app, KeyCode::Char('y')).is_empty());
        synthetic::seen_whole(&mut app);
        // The terminal shrank: what was seen whole is no longer on screen.
        app.drawn(synthetic::tick(), Drawn::default());
        assert!(key(&mut app, KeyCode::Char('y')).is_empty());
        synthetic::seen_whole(&mut app);
        assert_eq!(key(&mut app, KeyCode::Char('y')).len(), 1);
    }

    #[test]
    fn a_removal_while_paused_still_shows_the_table_without_it() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        key(&mut app, KeyCode::Char('p'));
        app.update(Event::Done(Done::Removed(Ok("removed queue 65538".into()))));
        let mut queues = busy_queues();
        queues.remove(0);
        refresh(&mut app, queues);
        assert_eq!(listed(&app).len(), 4);
    }

    #[test]
    fn no_and_esc_keep_the_queue() {
        for answer in [KeyCode::Char('n'), KeyCode::Esc] {
            let mut app = app_with((120, 30), snapshot(busy_queues()));
            key(&mut app, KeyCode::Delete);
            assert!(key(&mut app, answer).is_empty());
            assert_eq!(app.mode, Mode::Browse);
            let status = app.status.clone().expect("status");
            assert_eq!(status.text, "queue 65538 not removed");
        }
    }

    #[test]
    fn read_only_explains_why_nothing_happens() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        app.read_only = true;
        assert!(key(&mut app, KeyCode::F(9)).is_empty());
        assert_eq!(app.mode, Mode::Browse);
        let status = app.status.clone().expect("status");
        assert!(status.error && status.text.contains("read-only"));
        // Peeking changes nothing, so it still works.
        assert_eq!(key(&mut app, KeyCode::Enter).len(), 1);
    }

    #[test]
    fn a_refused_removal_is_an_error_in_the_status_line() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        app.update(Event::Done(Done::Removed(Err(
            "queue 65538 was replaced since you selected it (…); not removed".into(),
        ))));
        let status = app.status.clone().expect("status");
        assert!(status.error && status.text.contains("replaced"));
    }
}

#[test]
fn help_scrolls_when_it_does_not_fit() {
    let mut app = app_with((80, 12), snapshot(busy_queues()));
    key(&mut app, KeyCode::Char('?'));
    // The view drew it and could start it at line 7 at the most.
    let drawn = Drawn {
        help_last_scroll: 7,
        ..Drawn::default()
    };
    app.drawn(synthetic::tick(), drawn);
    key(&mut app, KeyCode::End);
    assert_eq!(app.help_scroll, 7, "the last line at the bottom");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.help_scroll, 7, "no further");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.help_scroll, 6);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.help_scroll, 0, "opens at the top");
    assert_eq!(selected(&app), Some(65538), "the table did not move");
}

#[test]
fn the_configuration_sets_the_model_and_the_sort_steps_through_shown_columns() {
    let settings = ipctop::config::parse(
        "interval = \"2s\"\nmouse = false\nread_only = true\nwarn = 50\n\
         [sysv_msg]\nsort = \"MSGS\"\ncolumns = [\"ID\", \"MSGS\"]\n",
    )
    .expect("a valid configuration");
    let mut app = App::new(Duration::from_secs(1), (120, 30));
    app.configure(&settings);
    assert_eq!(app.interval, Duration::from_secs(2));
    assert!(!app.mouse && app.read_only);
    assert_eq!(app.thresholds.warn, 50.0);
    assert_eq!(app.queues.sort.column, Column::Messages);
    assert!(app.queues.sort.descending, "MSGS sorts largest first");
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(
        app.queues.sort.column,
        Column::Id,
        "wraps to the first shown"
    );
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.queues.sort.column, Column::Messages);
}

mod mouse {
    use super::*;
    use ipctop::layout::{self, Areas};
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    use ratatui::layout::Rect;

    fn click(app: &mut App, column: u16, row: u16) -> Vec<Effect> {
        let down = MouseEventKind::Down(MouseButton::Left);
        app.update(Event::Mouse(down, column, row))
    }

    fn wheel(app: &mut App, down: bool) {
        let kind = if down {
            MouseEventKind::ScrollDown
        } else {
            MouseEventKind::ScrollUp
        };
        app.update(Event::Mouse(kind, 5, 5));
    }

    fn areas(app: &App) -> Areas {
        Areas::new(Rect::new(0, 0, app.size.0, app.size.1))
    }

    fn many() -> Vec<ipctop::model::MsgQueue> {
        (0..40).map(|i| queue(1000 + i, i, 0, 0)).collect()
    }

    #[test]
    fn a_click_on_a_row_selects_it_and_the_wheel_moves_three_rows() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        let first = areas(&app).body.y + 1;
        click(&mut app, 40, first + 2);
        assert_eq!(selected(&app), Some(65539), "third row");
        click(&mut app, 40, first + 20);
        assert_eq!(selected(&app), Some(65539), "below the last row: nothing");

        let mut app = app_with((80, 24), snapshot(many()));
        wheel(&mut app, true);
        assert_eq!(app.queues.scroll.cursor, 3);
        wheel(&mut app, true);
        wheel(&mut app, false);
        assert_eq!(app.queues.scroll.cursor, 3);
        // Scrolled: a click picks the row shown there, not the n-th row.
        for _ in 0..10 {
            wheel(&mut app, true);
        }
        let offset = app.queues.scroll.offset;
        assert!(offset > 0);
        click(&mut app, 3, first);
        assert_eq!(app.queues.scroll.cursor, offset);
    }

    #[test]
    fn a_click_on_a_header_sorts_by_it_and_again_reverses() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        let header = areas(&app).body.y;
        let columns = synthetic::visible_columns(&app);
        let spans = layout::column_spans::<ipctop::kinds::sysv_msg::SysvMsg>(&columns, 0);
        let (_, start, end) = spans
            .iter()
            .copied()
            .find(|(c, ..)| *c == Column::Id)
            .expect("ID visible");
        click(&mut app, end - 1, header);
        assert_eq!(app.queues.sort.column, Column::Id);
        assert!(!app.queues.sort.descending);
        assert_eq!(listed(&app), vec![65538, 65539, 98307, 131076, 163845]);
        click(&mut app, start, header);
        assert!(app.queues.sort.descending, "again: reversed");
        assert_eq!(listed(&app), vec![163845, 131076, 98307, 65539, 65538]);
        // The gap between two columns is no header.
        click(&mut app, end, header);
        assert_eq!(app.queues.sort.column, Column::Id);
    }

    #[test]
    fn a_click_on_a_tab_switches_to_it() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        let tabs = areas(&app).tabs;
        let spans = layout::tab_spans(tabs.x);
        let (tab, start, _) = spans[2];
        click(&mut app, start, tabs.y);
        assert_eq!(app.tab, tab);
        assert_eq!(app.tab, Tab::SysvSem);
        // Keys for the table do nothing here; a click on the table neither.
        click(&mut app, 3, tabs.y + 2);
        let (_, _, end) = spans[0];
        click(&mut app, end - 1, tabs.y);
        assert_eq!(app.tab, Tab::SysvMsg);
    }

    #[test]
    fn no_mouse_and_prompts_ignore_the_mouse() {
        let mut app = app_with((120, 30), snapshot(busy_queues()));
        app.mouse = false;
        let row = areas(&app).body.y + 3;
        click(&mut app, 40, row);
        assert_eq!(selected(&app), Some(65538));
        app.mouse = true;
        key(&mut app, KeyCode::Char('/'));
        click(&mut app, 40, row);
        assert_eq!(selected(&app), Some(65538), "typing a filter");
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::F(6));
        wheel(&mut app, true);
        assert_eq!(selected(&app), Some(65538), "in the sort menu");
    }

    #[test]
    fn in_the_peek_view_a_click_selects_a_message_and_the_wheel_scrolls() {
        let mut app = synthetic::peeking_at_many((80, 24), 30);
        let cursor = |app: &App| match &app.mode {
            Mode::Peek(view) => view.scroll.cursor,
            other => panic!("not peeking: {other:?}"),
        };
        let first = layout::peek_first_row(app.size);
        click(&mut app, 10, first + 4);
        assert_eq!(cursor(&app), 4);
        click(&mut app, 10, first - 1);
        assert_eq!(cursor(&app), 4, "the column header is no message");
        wheel(&mut app, true);
        assert_eq!(cursor(&app), 7);
        wheel(&mut app, false);
        wheel(&mut app, false);
        wheel(&mut app, false);
        assert_eq!(cursor(&app), 0);
    }
}

#[test]
fn a_status_answers_one_key_and_is_gone_with_the_next() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    app.read_only = true;
    key(&mut app, KeyCode::Char('d'));
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("read-only"))
    );
    refresh(&mut app, busy_queues());
    assert!(app.status.is_some(), "a refresh is not an answer");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.status, None, "the next key makes it old news");
    // Nor does it follow the user into the peek view.
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Peek(_)));
    assert_eq!(app.status, None);
}

#[test]
fn a_status_goes_when_its_time_is_up_and_only_that_one() {
    let mut app = app_with((120, 30), snapshot(busy_queues()));
    app.read_only = true;
    key(&mut app, KeyCode::Char('d'));
    let first = app.status.clone().expect("a status");
    assert!(first.error && first.lasts() > Duration::ZERO);
    // A new status with the same words is another status: the expiry
    // armed for the first one leaves it be.
    key(&mut app, KeyCode::Char('d'));
    let second = app.status.clone().expect("a status");
    assert_eq!(second.text, first.text);
    assert_ne!(second.serial, first.serial);
    app.update(Event::StatusExpired(first.serial));
    assert_eq!(app.status.as_ref(), Some(&second), "not its expiry");
    app.update(Event::StatusExpired(second.serial));
    assert_eq!(app.status, None, "shown long enough");
}

// ---- The demo: its busy queue first, `c`, its workers' end ----

mod demo {
    use super::*;
    use ipctop::actions::Done;
    use ipctop::app::demo::{Demo, Ending, Order, Report, Worker};

    /// An app in the demo whose busy queue is 65539 (the third row of
    /// [`busy_queues`]), after its first snapshot.
    fn demo_app() -> App {
        let mut app = App::new(Duration::from_secs(1), (120, 30));
        app.demo = Some(Demo::new(65539));
        refresh(&mut app, busy_queues());
        app
    }

    fn status(app: &App) -> &str {
        app.status.as_ref().map_or("", |s| s.text.as_str())
    }

    #[test]
    fn the_demo_opens_on_its_busy_queue_and_then_lets_the_user_move() {
        let mut app = demo_app();
        assert_eq!(selected(&app), Some(65539), "not the fullest: the busy one");
        key(&mut app, KeyCode::Up);
        refresh(&mut app, busy_queues());
        assert_eq!(
            selected(&app),
            Some(131076),
            "chosen once, not every refresh"
        );
    }

    #[test]
    fn c_stalls_and_resumes_the_consumer_in_the_demo_only() {
        let mut plain = app_with((120, 30), snapshot(busy_queues()));
        assert_eq!(key(&mut plain, KeyCode::Char('c')), vec![]);
        assert_eq!(plain.status, None);

        let mut app = demo_app();
        assert_eq!(
            key(&mut app, KeyCode::Char('c')),
            vec![Effect::Demo(Order::StallConsumer)]
        );
        // Stalled once the workload says so.
        assert!(!app.demo.as_ref().expect("demo").stalled);
        app.update(Event::Demo(Report::Consumer { stalled: true }));
        assert!(
            status(&app).starts_with("consumer stalled"),
            "{}",
            status(&app)
        );
        let demo = app.demo.as_ref().expect("demo");
        assert_eq!(demo.footer_hint(), Some("c resume consumer"));

        assert_eq!(
            key(&mut app, KeyCode::Char('c')),
            vec![Effect::Demo(Order::ResumeConsumer)]
        );
        app.update(Event::Demo(Report::Consumer { stalled: false }));
        assert!(
            status(&app).starts_with("consumer resumed"),
            "{}",
            status(&app)
        );
        assert_eq!(
            app.demo.as_ref().and_then(Demo::footer_hint),
            Some("c stall consumer")
        );

        // In a prompt, c is text.
        key(&mut app, KeyCode::Char('/'));
        assert_eq!(key(&mut app, KeyCode::Char('c')), vec![]);
        assert!(matches!(&app.mode, Mode::Filter(text) if text.text() == "c"));
    }

    #[test]
    fn c_says_so_when_the_consumer_has_ended_or_refused() {
        let mut app = demo_app();
        app.update(Event::Demo(Report::Refused(
            "cannot stall the consumer: No such process".to_owned(),
        )));
        assert!(app.status.as_ref().is_some_and(|s| s.error));
        app.update(Event::Demo(Report::Ended(
            Worker::Consumer,
            Ending::QueueRemoved,
        )));
        assert_eq!(key(&mut app, KeyCode::Char('c')), vec![]);
        assert_eq!(
            status(&app),
            "demo: the consumer has ended; nothing to stall"
        );
        assert_eq!(app.demo.as_ref().and_then(Demo::footer_hint), None);
    }

    #[test]
    fn removing_the_busy_queue_tells_of_its_workers_whichever_comes_first() {
        const REMOVED: &str = "removed queue 65539 (231 messages, 3.38 KiB)";
        const NEWS: &str = "demo: producer and consumer stopped: their queue was removed";
        let ended = |app: &mut App, worker| {
            app.update(Event::Demo(Report::Ended(worker, Ending::QueueRemoved)));
        };
        let removed = |app: &mut App| {
            app.update(Event::Done(Done::Removed(Ok(REMOVED.to_owned()))));
        };

        let mut app = demo_app();
        removed(&mut app);
        ended(&mut app, Worker::Consumer);
        assert_eq!(
            status(&app),
            format!("{REMOVED} · demo: consumer stopped: its queue was removed")
        );
        ended(&mut app, Worker::Producer);
        assert_eq!(status(&app), format!("{REMOVED} · {NEWS}"));

        let mut app = demo_app();
        ended(&mut app, Worker::Producer);
        ended(&mut app, Worker::Consumer);
        assert_eq!(status(&app), NEWS);
        removed(&mut app);
        assert_eq!(status(&app), format!("{REMOVED} · {NEWS}"));

        // Once a key has cleared it, the news does not follow later
        // statuses.
        key(&mut app, KeyCode::Down);
        removed(&mut app);
        assert_eq!(status(&app), REMOVED);
    }
}

// ---- Tabs of other kinds: semaphore sets, limits ----

mod other_kinds {
    use super::*;
    use ipctop::actions::Job;
    use ipctop::keymap::Context;
    use synthetic::with_sets_and_limits;

    fn app_on_tab(tab: char) -> App {
        let mut app = app_with((120, 30), with_sets_and_limits(snapshot(busy_queues())));
        key(&mut app, KeyCode::Char(tab));
        app
    }

    fn selected_set(app: &App) -> Option<i32> {
        let snap = app.snapshot.as_ref()?;
        app.sets.selected_object(snap).map(|s| s.id)
    }

    #[test]
    fn a_tab_shows_its_own_table_sorted_and_filtered_on_its_own() {
        let mut app = app_on_tab('3');
        assert_eq!(app.tab, Tab::SysvSem);
        assert_eq!(app.context(), Context::Objects);
        // Most waiters first: the set someone waits on.
        assert_eq!(app.sets.rows.len(), 2);
        assert_eq!(selected_set(&app), Some(98_307));
        key(&mut app, KeyCode::Down);
        assert_eq!(selected_set(&app), Some(131_076));
        typed(&mut app, "/5e5e");
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.sets.rows.len(), 1);
        // The queue table kept its own order, filter and selection.
        key(&mut app, KeyCode::Char('1'));
        assert!(app.queues.filter.is_empty());
        assert_eq!(app.queues.rows.len(), busy_queues().len());
        assert_eq!(selected(&app), Some(65538));
    }

    #[test]
    fn enter_shows_the_set_whole_and_d_there_asks_to_remove_it() {
        let mut app = app_on_tab('3');
        assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
        let Mode::Detail(view) = &app.mode else {
            panic!("the details view, not {:?}", app.mode);
        };
        assert_eq!((view.target.kind, view.target.id), (Kind::SysvSem, 98_307));
        assert_eq!(app.context(), Context::Detail);
        // Esc goes back to the table; Enter opens it again.
        key(&mut app, KeyCode::Esc);
        assert!(matches!(app.mode, Mode::Browse));
        key(&mut app, KeyCode::Enter);

        let effects = key(&mut app, KeyCode::Char('d'));
        let Mode::ConfirmRemove(dialog) = &app.mode else {
            panic!("the removal dialog, not {:?}", app.mode);
        };
        assert_eq!(
            (dialog.chosen.kind(), dialog.chosen.id()),
            (Kind::SysvSem, 98_307)
        );
        assert_eq!(
            effects,
            vec![Effect::Act(Job::FindBlocked {
                target: dialog.target
            })],
            "waiters are looked for"
        );
        assert_eq!(dialog.target.kind, Kind::SysvSem);
    }

    #[test]
    fn the_limits_are_read_not_removed() {
        let mut app = app_on_tab('6');
        assert_eq!(app.context(), Context::Rows);
        assert_eq!(key(&mut app, KeyCode::Char('d')), vec![]);
        assert!(matches!(app.mode, Mode::Browse), "no dialog for a limit");
        key(&mut app, KeyCode::Enter);
        let Mode::Detail(view) = &app.mode else {
            panic!("the details view, not {:?}", app.mode);
        };
        assert_eq!(view.chosen, None, "nothing to remove");
        assert_eq!(app.context(), Context::Reading);
        key(&mut app, KeyCode::Char('d'));
        assert!(matches!(app.mode, Mode::Detail(_)), "d means nothing here");
    }
}

#[test]
fn d_in_the_details_of_a_set_gone_since_asks_nothing() {
    let mut app = app_with(
        (120, 30),
        synthetic::with_sets_and_limits(snapshot(busy_queues())),
    );
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Enter);
    // The set is removed and another takes its id (created again).
    let mut snap = synthetic::with_sets_and_limits(snapshot(busy_queues()));
    snap.sem.sets[0].ctime += 1;
    app.update(Event::Snapshot(Box::new(snap)));
    assert_eq!(key(&mut app, KeyCode::Char('d')), vec![]);
    assert!(!matches!(app.mode, Mode::ConfirmRemove(_)), "no dialog");
    let status = app.status.clone().expect("a status");
    assert!(
        status.error && status.text == "semaphore set 98307 is already gone",
        "{status:?}"
    );
}
