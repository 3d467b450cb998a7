//! The Queues tab: the table of message queues and the detail pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::style::{self, Theme};
use crate::app::App;
use crate::app::queues::Column;
use crate::format;
use crate::layout::Areas;
use std::time::SystemTime;

use crate::model::{MsgQueue, Operator, Snapshot};

/// Cells of the fill bar.
const BAR_WIDTH: usize = 10;

/// Width of each column, in cells.
fn width(column: Column) -> u16 {
    match column {
        Column::Key => 10,
        Column::Id => 8,
        Column::Owner => 10,
        Column::Perms => 9,
        Column::Messages => 7,
        Column::Used => 9,
        Column::Capacity => 9,
        Column::Fill => BAR_WIDTH as u16 + 7,
        Column::Sender | Column::Receiver => 21,
        Column::LastSend | Column::LastReceive => 8,
    }
}

/// Columns of numbers, aligned right.
fn numeric(column: Column) -> bool {
    matches!(
        column,
        Column::Id | Column::Messages | Column::Used | Column::Capacity
    )
}

/// Columns from most to least useful: narrow screens drop from the end.
const PRIORITY: [Column; 12] = [
    Column::Key,
    Column::Messages,
    Column::Fill,
    Column::Id,
    Column::Used,
    Column::Sender,
    Column::Owner,
    Column::Receiver,
    Column::LastSend,
    Column::LastReceive,
    Column::Capacity,
    Column::Perms,
];

/// The columns that fit in `available` cells, in table order.
pub fn visible_columns(available: u16) -> Vec<Column> {
    let mut keep = PRIORITY.len();
    let total = |n: usize| -> u16 {
        PRIORITY[..n].iter().map(|c| width(*c)).sum::<u16>() + n.saturating_sub(1) as u16
    };
    while keep > 1 && total(keep) > available {
        keep -= 1;
    }
    Column::ALL
        .into_iter()
        .filter(|c| PRIORITY[..keep].contains(c))
        .collect()
}

/// Draws the table into `areas.body` and the selected queue's details.
pub fn draw(frame: &mut Frame<'_>, areas: Areas, app: &App, theme: &Theme) {
    let Some(snap) = &app.snapshot else {
        frame.render_widget(
            Paragraph::new("  reading message queues…").style(theme.dim()),
            areas.body,
        );
        return;
    };
    table(frame, areas.body, app, snap, theme);
    if let Some(area) = areas.detail {
        detail(frame, area, app, snap, theme);
    }
}

fn table(frame: &mut Frame<'_>, area: Rect, app: &App, snap: &Snapshot, theme: &Theme) {
    let list = &app.queues;
    let columns = visible_columns(area.width);
    let header = Row::new(columns.iter().map(|c| {
        let mut title = c.title().to_owned();
        if *c == list.sort.column {
            title.push(if list.sort.descending { '▼' } else { '▲' });
        }
        if numeric(*c) {
            Cell::from(Line::from(title).right_aligned())
        } else {
            Cell::from(title)
        }
    }))
    .style(theme.heading());

    let visible = usize::from(area.height.saturating_sub(1));
    let rows = list
        .rows
        .iter()
        .skip(list.offset)
        .take(visible)
        .map(|&i| row(&columns, &snap.msg.queues[i], snap, theme));
    let widths = columns.iter().map(|c| Constraint::Length(width(*c)));
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default();
    if !list.rows.is_empty() {
        state.select(Some(list.cursor.saturating_sub(list.offset)));
    }
    frame.render_stateful_widget(table, area, &mut state);

    if list.rows.is_empty() {
        let text = if list.filter.is_empty() {
            "  no message queues in this namespace (try: ipctop demo)".to_owned()
        } else {
            format!(
                "  no queue matches \"{}\" (Esc clears the filter)",
                format::sanitize(&list.filter)
            )
        };
        let below_header = Rect {
            y: area.y.saturating_add(1),
            height: area.height.saturating_sub(1),
            ..area
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim()), below_header);
    }
}

fn row<'a>(columns: &[Column], q: &MsgQueue, snap: &'a Snapshot, theme: &Theme) -> Row<'a> {
    Row::new(columns.iter().map(|c| cell(*c, q, snap, theme)))
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).right_aligned())
}

fn cell<'a>(column: Column, q: &MsgQueue, snap: &'a Snapshot, theme: &Theme) -> Cell<'a> {
    let now = snap.taken_at;
    match column {
        Column::Key => Cell::from(format::key(q.key)),
        Column::Id => right(q.id.to_string()),
        Column::Owner => Cell::from(format::sanitize(&snap.user_name(q.uid)).into_owned()),
        Column::Perms => Cell::from(format::perms(q.perms)),
        Column::Messages => right(format::count(q.messages)),
        Column::Used => right(format::size(q.used_bytes)),
        Column::Capacity => right(q.max_bytes.map_or_else(|| "?".to_owned(), format::size)),
        Column::Fill => fill_cell(q, theme),
        Column::Sender => Cell::from(format::process(q.lspid, snap.sender(q))),
        Column::Receiver => Cell::from(format::process(q.lrpid, snap.receiver(q))),
        Column::LastSend => Cell::from(format::age(q.stime, now)),
        Column::LastReceive => Cell::from(format::age(q.rtime, now)),
    }
}

/// `█████▌     56%`, coloured by threshold.
fn fill_cell(q: &MsgQueue, theme: &Theme) -> Cell<'static> {
    let Some(percent) = q.fill_percent() else {
        return right("?".to_owned());
    };
    let text = format!(
        "{}{:>4.0}%{}",
        bar(percent, BAR_WIDTH),
        percent.min(999.0),
        style::fill_marker(percent)
    );
    Cell::from(Span::styled(text, theme.fill(percent)))
}

/// A bar of `width` cells with eighth-block resolution.
pub fn bar(percent: f64, width: usize) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = ((percent.clamp(0.0, 100.0) / 100.0) * (width * 8) as f64).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(EIGHTHS[eighths % 8]);
    }
    let used = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width - used));
    out
}

fn detail(frame: &mut Frame<'_>, area: Rect, app: &App, snap: &Snapshot, theme: &Theme) {
    let Some(q) = app.queues.selected_queue(snap) else {
        frame.render_widget(
            Paragraph::new(" no queue selected")
                .style(theme.dim())
                .block(Block::bordered().border_style(theme.dim())),
            area,
        );
        return;
    };
    let title = format!(" queue {} · id {} ", format::key(q.key), q.id);
    let block = Block::bordered()
        .title(Span::styled(title, theme.heading()))
        .border_style(theme.dim());
    let now = snap.taken_at;
    let who = |uid: u32, gid: u32| {
        format!(
            "{} ({uid}) : {} ({gid})",
            format::sanitize(&snap.user_name(uid)),
            format::sanitize(&snap.group_name(gid))
        )
    };
    let label = |text: &'static str| Span::styled(text, theme.dim());
    let capacity = match q.max_bytes {
        Some(max) => format!(
            "{} of {} ({:.0}%, {} free)",
            format::size(q.used_bytes),
            format::size(max),
            q.fill_percent().unwrap_or(0.0),
            format::size(max.saturating_sub(q.used_bytes)),
        ),
        None => format!("{} of unknown capacity", format::size(q.used_bytes)),
    };
    let lines = vec![
        Line::from(vec![
            label("owner "),
            Span::raw(who(q.uid, q.gid)),
            label(" · creator "),
            Span::raw(who(q.cuid, q.cgid)),
            label(" · mode "),
            Span::raw(format!("{:04o} {}", q.perms, format::perms(q.perms))),
        ]),
        Line::from(vec![
            label("messages "),
            Span::raw(format::count(q.messages)),
            label(" · used "),
            Span::styled(
                capacity,
                q.fill_percent().map_or(Style::new(), |p| theme.fill(p)),
            ),
        ]),
        last_operation(
            label("last send    "),
            q.stime,
            q.lspid,
            snap.sender(q),
            now,
        ),
        last_operation(
            label("last receive "),
            q.rtime,
            q.lrpid,
            snap.receiver(q),
            now,
        ),
        Line::from(vec![
            label("changed      "),
            Span::raw(format::timestamp(q.ctime, now)),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `last send 2026-… (3s ago) by 4711 producer`, or just `never`.
fn last_operation<'a>(
    label: Span<'a>,
    time: i64,
    pid: i32,
    who: Operator<'_>,
    now: SystemTime,
) -> Line<'a> {
    let mut spans = vec![label, Span::raw(format::timestamp(time, now))];
    if pid > 0 {
        spans.push(Span::raw(" by "));
        spans.push(Span::raw(format::process(pid, who)));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_eighths() {
        assert_eq!(bar(0.0, 4), "    ");
        assert_eq!(bar(100.0, 4), "████");
        assert_eq!(bar(50.0, 4), "██  ");
        assert_eq!(bar(12.5 / 4.0 * 1.0, 4), "▏   ");
        assert_eq!(bar(250.0, 4), "████");
    }

    #[test]
    fn narrow_screens_keep_the_most_useful_columns() {
        assert_eq!(visible_columns(5), vec![Column::Key]);
        let mid = visible_columns(80);
        assert!(mid.contains(&Column::Fill) && mid.contains(&Column::Messages));
        assert!(!mid.contains(&Column::Perms));
        assert_eq!(visible_columns(300).len(), Column::ALL.len());
    }
}
