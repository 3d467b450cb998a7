//! The frame around the tables: header, tab bar, footer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::style::Theme;
use super::table::{arrow, spans};
use crate::app::{App, Mode, Tab};
use crate::format;
use crate::keymap::Context;
use crate::layout;

/// Lays `left` and `right` out on one line, `right` flush right; `None`
/// when both do not fit.
fn spread<'a>(left: &[Span<'a>], right: &[Span<'a>], width: u16) -> Option<Line<'a>> {
    let used = |spans: &[Span<'_>]| spans.iter().map(Span::width).sum::<usize>();
    let gap = usize::from(width).checked_sub(used(left) + used(right))?;
    // Two texts that touch would read as one (`every 1s5 queues`).
    let touching = |a: Option<&Span<'_>>, b: Option<&Span<'_>>| {
        let end = a.and_then(|s| s.content.chars().last());
        let start = b.and_then(|s| s.content.chars().next());
        matches!((end, start), (Some(e), Some(s)) if e != ' ' && s != ' ')
    };
    if gap == 0 && touching(left.last(), right.first()) {
        return None;
    }
    let mut spans = left.to_vec();
    spans.push(Span::raw(" ".repeat(gap)));
    spans.extend_from_slice(right);
    Some(Line::from(spans))
}

/// `ipctop · ns ipc:[…] (host) · web-3 · 09:14:55 · every 1s · PAUSED`
/// and the totals.
pub fn header(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    // With or without what a narrow screen can spare: the namespace's
    // name goes first, then the host name and the time (`extras`: how
    // many of these two steps are kept).
    let left = |extras: u8| {
        let mut left = vec![Span::styled(" ipctop", theme.heading())];
        if let Some(snap) = &app.snapshot {
            left.push(Span::raw(format!(" · ns ipc:[{}]", snap.namespace)));
            if extras >= 2
                && let Some(label) = &snap.namespace_label
            {
                left.push(Span::raw(format!(" ({})", format::sanitize(label))));
            }
            if extras >= 1 {
                if !snap.hostname.is_empty() {
                    left.push(Span::raw(format!(
                        " · {}",
                        format::sanitize(&snap.hostname)
                    )));
                }
                left.push(Span::raw(format!(" · {}", format::clock(snap.taken_at))));
            }
        }
        left.push(Span::raw(format!(
            " · every {}",
            format::interval(app.interval)
        )));
        if let (Some(snap), Some(list)) = (&app.snapshot, app.table()) {
            for note in list.header_notes(snap) {
                left.extend(spans(note, theme));
            }
        }
        if app.paused {
            left.push(Span::raw(" · "));
            left.push(Span::styled("PAUSED", theme.alert()));
        }
        left
    };
    // The longest summary that fits, with the extras if they fit too,
    // down to none.
    let summaries = match (&app.snapshot, app.table()) {
        (Some(snap), Some(list)) => list.summaries(snap),
        (Some(_), None) => Vec::new(),
        (None, _) => vec!["reading… ".to_owned()],
    };
    let fitted = [2, 1, 0].into_iter().find_map(|extras| {
        let left = left(extras);
        summaries
            .iter()
            .find_map(|text| spread(&left, &[Span::raw(text.clone())], area.width))
    });
    let line = fitted.unwrap_or_else(|| Line::from(left(2)));
    frame.render_widget(Paragraph::new(line), area);
}

/// `[1 Queues] 2 Shm …` and the filter.
pub fn tabs(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let mut left = vec![Span::raw(" ")];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let label = layout::tab_label(i, *tab);
        if *tab == app.tab {
            left.push(Span::styled(format!("[{label}]"), theme.selected()));
        } else {
            left.push(Span::raw(format!(" {label} ")));
        }
        left.push(Span::raw(" "));
    }
    let filter = match &app.mode {
        Mode::Filter(line) => {
            let (before, after) = line.parts();
            Some(format!(
                "{}▏{}",
                format::sanitize(before),
                format::sanitize(after)
            ))
        }
        _ => app
            .table()
            .map(|list| list.filter().to_owned())
            .filter(|f| !f.is_empty()),
    };
    let on_table = app
        .table()
        .filter(|_| !matches!(app.mode, Mode::Peek(_) | Mode::Detail(_)));
    let (mut count, mut shown, mut sorted) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(f) = filter {
        // How many of them match: `7 of 67`.
        if let (Some(snap), Some(list)) = (&app.snapshot, on_table) {
            count.push(Span::raw(format!(
                "{} of {} · ",
                format::count(list.row_count() as u64),
                format::count(list.total(snap) as u64)
            )));
        }
        shown.push(Span::styled("filter: /", theme.dim()));
        shown.push(Span::raw(format::sanitize(&f).into_owned()));
        shown.push(Span::raw(" "));
    }
    // The sort column went off screen (a narrower terminal): say what
    // the rows are sorted by, since no header arrow can.
    if let Some(list) = on_table.filter(|list| list.sorted_at(app.size).is_none()) {
        let (column, descending) = list.sorted();
        sorted.push(Span::styled(
            format!("sorted by {} {} ", column.title, arrow(descending)),
            theme.dim(),
        ));
    }
    // What does not fit goes: first the count, then the sort; the filter
    // being typed stays, even over the tabs.
    let tries = [
        [count.as_slice(), &shown, &sorted].concat(),
        [shown.as_slice(), &sorted].concat(),
        shown.clone(),
    ];
    let line = if tries[0].is_empty() {
        Line::from(left)
    } else {
        tries
            .iter()
            .filter(|right| !right.is_empty())
            .find_map(|right| spread(&left, right, area.width))
            // No room beside the tabs: alone, as much of it as fits.
            .or_else(|| {
                tries
                    .iter()
                    .filter(|right| !right.is_empty())
                    .find_map(|right| spread(&[], right, area.width))
            })
            .unwrap_or_else(|| Line::from(if shown.is_empty() { sorted } else { shown }))
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Key hints, or what the filter prompt accepts, and the status.
pub fn footer(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let pause = if app.paused { "p resume" } else { "p pause" };
    // The demo's `c`, after the pause (dropped before it on a narrow screen).
    let pause = match app.demo.as_ref().and_then(|d| d.footer_hint()) {
        Some(demo) if app.context() == Context::Browse => format!("{pause} · {demo}"),
        _ => pause.to_owned(),
    };
    let hints = match &app.mode {
        _ if app.help => " Esc / q close help · Ctrl-C quit".to_owned(),
        Mode::Filter(_) => " type to filter · Enter apply · Esc clear".to_owned(),
        Mode::Peek(view) if view.opened.is_some() => {
            " ↑↓ scroll · x text/hex · w save · Esc back · ? help".to_owned()
        }
        Mode::Peek(_) => {
            " Enter open · t msgrcv preview · w save · n more · r reread · Esc back · ? help"
                .to_owned()
        }
        Mode::ConfirmRemove(_) => " y remove · n / Esc keep".to_owned(),
        Mode::SortMenu(_) => " ↑↓ choose · Enter sort · Esc close".to_owned(),
        Mode::Detail(view) if view.chosen.is_some() && !app.read_only => {
            " ↑↓ scroll · d delete · Esc back · ? help".to_owned()
        }
        Mode::Detail(_) => " ↑↓ scroll · Esc back · ? help".to_owned(),
        Mode::Browse if app.context() == Context::Placeholder => {
            let mark = if app.read_only { " · READ-ONLY" } else { "" };
            format!(" Tab / 1-6 switch tab · {pause} · ? help · q quit{mark}")
        }
        Mode::Browse => {
            let open = if app.context() == Context::Browse {
                "Enter peek"
            } else {
                "Enter details"
            };
            let removable = app.table().is_some_and(|list| list.removable());
            let (delete, mark) = match (removable, app.read_only) {
                (true, false) => (" · d delete", ""),
                (true, true) => ("", " · READ-ONLY"),
                (false, _) => ("", ""),
            };
            format!(" {open}{delete} · / filter · s sort · {pause} · ? help · q quit{mark}")
        }
    };
    let left = [Span::styled(hints.clone(), theme.dim())];
    let place = position(app).map(|text| Span::styled(format!("{text} "), theme.dim()));
    let line = match &app.status {
        Some(status) => {
            let style = if status.error {
                theme.alert()
            } else {
                Style::new()
            };
            let text = format!("{} ", format::sanitize(&status.text));
            let mut right = vec![Span::styled(text.clone(), style)];
            right.extend(
                place
                    .clone()
                    .map(|p| Span::styled(format!("· {}", p.content), p.style)),
            );
            // The status matters more than the hints and the position; too
            // long even alone, it loses its middle, so its subject and
            // outcome stay.
            spread(&left, &right, area.width)
                .or_else(|| spread(&left, &right[..1], area.width))
                .unwrap_or_else(|| {
                    let short = format::ellipsize_middle(&text, usize::from(area.width));
                    Line::from(Span::styled(short, style))
                })
        }
        // The position outranks the hints that tell what a key does,
        // never `? help`, `q quit` or READ-ONLY.
        None => place
            .and_then(|p| {
                let room = usize::from(area.width).saturating_sub(p.width());
                let hints = Span::styled(hints_within(&hints, room), theme.dim());
                spread(&[hints], &[p], area.width)
            })
            .unwrap_or_else(|| Line::from(left.to_vec())),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// `hints` (` a · b · c`) with the fewest left out, from the right, to
/// fit `room` cells; the ways to help, back and out, and READ-ONLY, stay.
fn hints_within(hints: &str, room: usize) -> String {
    let stays = |item: &str| {
        item.starts_with("? ")
            || item.starts_with("q ")
            || item.starts_with("Esc ")
            || item == "READ-ONLY"
    };
    let mut items: Vec<&str> = hints.trim_start().split(" · ").collect();
    loop {
        let text = format!(" {}", items.join(" · "));
        match items.iter().rposition(|item| !stays(item)) {
            Some(at) if Span::raw(text.as_str()).width() > room => {
                items.remove(at);
            }
            _ => return text,
        }
    }
}

/// Where the selection is in a list that does not fit on screen: `row 12
/// of 340` in a table, `12 of 500` in the peek view's messages.
fn position(app: &App) -> Option<String> {
    let (cursor, len, fits, word) = match &app.mode {
        _ if app.help => return None,
        Mode::Peek(view) if view.opened.is_some() => return None,
        Mode::Peek(view) => (
            view.scroll.cursor,
            view.messages.len(),
            layout::peek_layout(app.size).rows,
            "",
        ),
        Mode::Detail(_) => return None,
        _ => {
            let list = app.table()?;
            (
                list.scroll().cursor,
                list.row_count(),
                layout::table_rows(app.size, app.notice()),
                "row ",
            )
        }
    };
    (len > fits).then(|| {
        format!(
            "{word}{} of {}",
            format::count(cursor as u64 + 1),
            format::count(len as u64)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_texts_never_touch_on_one_line() {
        let text = |line: Option<Line<'_>>| line.map(|l| l.to_string());
        let (left, right) = ([Span::raw(" every 1s")], [Span::raw("5 queues ")]);
        assert_eq!(text(spread(&left, &right, 18)), None, "no room for a gap");
        assert_eq!(
            text(spread(&left, &right, 19)).as_deref(),
            Some(" every 1s 5 queues ")
        );
        // A space at either side is the gap already.
        let spaced = [Span::raw(" 5 queues ")];
        assert_eq!(
            text(spread(&left, &spaced, 19)).as_deref(),
            Some(" every 1s 5 queues ")
        );
    }
}
