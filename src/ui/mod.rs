//! The view: draws an [`App`] and nothing else — no I/O, no state changes.

mod chrome;
mod detail;
mod dialog;
mod help;
mod menu;
mod peek;
mod style;
mod table;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{App, Drawn, Mode, Tab};
use crate::keymap::Context;
use crate::layout::Areas;

/// Smallest screen ipctop draws on; below it, one line says so.
pub const MIN_SIZE: (u16, u16) = (20, 5);

/// Draws the whole screen for `app`, and says what it could show.
pub fn draw(frame: &mut Frame<'_>, app: &App) -> Drawn {
    let mut drawn = Drawn::default();
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        frame.render_widget(
            Paragraph::new("terminal too small").wrap(Wrap { trim: true }),
            area,
        );
        return drawn;
    }
    let areas = Areas::new(area);
    let theme = style::Theme::new(app.theme, app.color, app.thresholds);
    chrome::header(frame, areas.header, app, &theme);
    chrome::tabs(frame, areas.tabs, app, &theme);
    match (&app.mode, app.tab, &app.snapshot, app.table()) {
        (Mode::Peek(view), ..) => peek::draw(frame, areas.below_tabs(), view, &theme),
        (Mode::Detail(view), _, Some(snap), Some(list)) => {
            detail::draw(frame, areas.below_tabs(), view, list, snap, &theme);
        }
        (_, Tab::SysvMsg, ..) => table::draw(
            frame,
            areas,
            &app.queues,
            app.snapshot.as_ref(),
            ("  reading message queues…", app.suggestion),
            &theme,
        ),
        (_, Tab::SysvShm, ..) => table::draw(
            frame,
            areas,
            &app.segments,
            app.snapshot.as_ref(),
            ("  reading shared-memory segments…", None),
            &theme,
        ),
        (_, Tab::SysvSem, ..) => table::draw(
            frame,
            areas,
            &app.sets,
            app.snapshot.as_ref(),
            ("  reading semaphore sets…", None),
            &theme,
        ),
        (_, Tab::Limits, ..) => table::draw(
            frame,
            areas,
            &app.limits,
            app.snapshot.as_ref(),
            ("  reading the limits…", None),
            &theme,
        ),
        (_, other, ..) => not_built(frame, areas.body, other),
    }
    chrome::footer(frame, areas.footer, app, &theme);
    // A dialog is opened from a snapshot, so there always is one.
    if let (Mode::ConfirmRemove(dialog), Some(snap)) = (&app.mode, &app.snapshot) {
        drawn.dialog_complete = dialog::draw(frame, area, dialog, snap, &theme);
    }
    if let (Mode::SortMenu(cursor), Some(list)) = (&app.mode, app.table()) {
        let sorted = (list.sorted_at(app.size), list.sorted().1);
        menu::draw(
            frame,
            area,
            &list.visible(app.size),
            sorted,
            *cursor,
            &theme,
        );
    }
    if app.help {
        // Over a table, the help also says what its columns mean.
        let columns: Vec<(&str, &str)> = match (app.context(), app.table()) {
            (Context::Browse | Context::Objects | Context::Rows, Some(list)) => list
                .every_column()
                .into_iter()
                .map(|spec| (spec.title, spec.about))
                .collect(),
            _ => Vec::new(),
        };
        drawn.help_last_scroll = help::draw(
            frame,
            area,
            (app.context(), app.demo.is_some()),
            app.read_only,
            app.help_scroll,
            &columns,
            &theme,
        );
    }
    drawn
}

/// A tab whose collector does not exist yet says so, plainly.
fn not_built(frame: &mut Frame<'_>, area: Rect, tab: Tab) {
    let (what, meanwhile) = match tab {
        Tab::SysvShm => ("System V shared-memory segments", "ipcs -m"),
        Tab::SysvSem => ("System V semaphore sets", "ipcs -s"),
        Tab::PosixMq => (
            "POSIX message queues",
            "ls -l /dev/mqueue, where an mqueue file system is mounted (grep mqueue /proc/self/mountinfo)",
        ),
        Tab::Pipes => ("pipes and FIFOs", "lsfd -Q 'TYPE == \"FIFO\"'"),
        Tab::Limits => ("system IPC limits", "lsipc -g"),
        Tab::SysvMsg => ("message queues", "ipcs -q"),
    };
    let text = format!(
        "\n  {} is not built yet: this version of ipctop does not show {what}.\n\n  Meanwhile: {meanwhile}",
        tab.title()
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}
