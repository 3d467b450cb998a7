//! The peek view: a queue's messages, one shown whole, and its prompts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState};

use super::style::Theme;
use crate::actions::peek::Message;
use crate::app::line_edit::LineEdit;
use crate::app::peek::{PeekView, Prompt};
use crate::format;
use crate::layout::PEEK_HEADER;

/// Draws the view into `area` (the body and detail areas of the screen).
pub fn draw(frame: &mut Frame<'_>, area: Rect, view: &PeekView, theme: &Theme) {
    let [header, list] =
        Layout::vertical([Constraint::Length(PEEK_HEADER), Constraint::Min(0)]).areas(area);
    draw_header(frame, header, view, theme);
    match view.opened {
        Some(opened) => draw_message(frame, list, view, opened.hex, opened.scroll, theme),
        None => draw_list(frame, list, view, theme),
    }
    if let Some(prompt) = &view.prompt {
        draw_prompt(frame, area, prompt, theme);
    }
}

fn draw_header(frame: &mut Frame<'_>, area: Rect, view: &PeekView, theme: &Theme) {
    let q = &view.queue;
    let first = vec![
        Span::styled(
            format!(" peek {} · id {}", format::key(q.key), q.id),
            theme.heading(),
        ),
        Span::raw(format!(
            " · owner {} · {} · {}",
            format::sanitize(&view.owner),
            format::plural(view.read.map_or(q.messages, |r| r.after.qnum), "message"),
            format::size(view.read.map_or(q.used_bytes, |r| r.after.cbytes)),
        )),
        Span::styled(format!(" · {}", view.progress()), theme.dim()),
    ];
    // Each thing has its line, so none hides another: what was read (the
    // type histogram), whether the queue changed since (or the error of
    // the last read or save), and what the last key found (a save's
    // outcome, the msgrcv preview).
    let types = Line::styled(
        format!(" types of the messages read: {}", histogram(view)),
        theme.dim(),
    );
    let while_reading = view.read.and_then(|r| r.changes.describe(q.id));
    let changed = view
        .changed_since_read()
        .then(|| match (view.live, while_reading) {
            (None, _) => " the queue is gone".to_owned(),
            (Some(_), Some(words)) => format!(" {words} (r reads again)"),
            (Some((messages, bytes)), None) => format!(
                " changed since read: now {}, {} (r reads again)",
                format::plural(messages, "message"),
                format::size(bytes)
            ),
        });
    let state = match (&view.error, changed) {
        (Some(error), _) => Line::styled(format!(" {}", format::sanitize(error)), theme.alert()),
        (None, Some(changed)) => Line::styled(changed, theme.alert()),
        (None, None) if view.read.is_some() => Line::styled(" unchanged since read", theme.dim()),
        (None, None) => Line::raw(""),
    };
    let answer = match (&view.note, &view.selector) {
        (Some(note), _) => Line::raw(format!(" {}", format::sanitize(note))),
        (None, Some((selector, picked))) => {
            Line::from(pick_text(view, *selector, *picked)).style(theme.heading())
        }
        (None, None) => Line::styled(
            " t: which message would msgrcv take? · w: save the selected message",
            theme.dim(),
        ),
    };
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), types, state, answer]),
        area,
    );
}

/// `msgtyp 2 would take message #7 (type 2, 64 B)`.
fn pick_text(
    view: &PeekView,
    selector: crate::actions::peek::Selector,
    picked: Option<usize>,
) -> String {
    let partial = !view.read.is_some_and(|r| r.at_end);
    match picked.and_then(|i| view.messages.get(i)) {
        Some(m) => {
            let unsure = if partial && selector.needs_all(Some(m.mtype)) {
                " among those read (n reads more)"
            } else {
                ""
            };
            format!(
                " msgrcv with {selector} would take message #{} (type {}, {}){unsure}",
                m.index,
                m.mtype,
                format::size(m.data.len() as u64)
            )
        }
        None if partial => format!(" {selector}: no match among those read (n reads more)"),
        None => {
            format!(" {selector}: no message matches; msgrcv would wait (ENOMSG with IPC_NOWAIT)")
        }
    }
}

/// `label` and the line typed, with the cursor shown (`▏`), and a
/// proposed text shown selected (typing replaces it).
fn typed(label: &'static str, line: &LineEdit) -> Line<'static> {
    let (before, after) = line.parts();
    let sanitized = |text: &str| format::sanitize(text).into_owned();
    if line.is_selected() {
        return Line::from(vec![
            Span::raw(label),
            // The prompt line is drawn reversed already: underline marks it.
            Span::styled(
                sanitized(line.text()),
                Style::new().add_modifier(Modifier::UNDERLINED),
            ),
        ]);
    }
    Line::from(vec![
        Span::raw(label),
        Span::raw(sanitized(before)),
        Span::raw("▏"),
        Span::raw(sanitized(after)),
    ])
}

/// `1 ×412 · 2 ×37`: how many messages of each type were read.
fn histogram(view: &PeekView) -> String {
    let mut counts = std::collections::BTreeMap::<i64, u64>::new();
    for m in &view.messages {
        *counts.entry(m.mtype).or_default() += 1;
    }
    if counts.is_empty() {
        return "-".to_owned();
    }
    counts
        .iter()
        .map(|(t, n)| format!("{t} ×{}", format::count(*n)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn draw_list(frame: &mut Frame<'_>, area: Rect, view: &PeekView, theme: &Theme) {
    if view.messages.is_empty() {
        let text = if view.loading {
            "  reading messages…"
        } else if view.error.is_some() {
            ""
        } else {
            "  the queue is empty"
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim()), area);
        return;
    }
    let picked = view.selector.and_then(|(_, p)| p);
    let visible = usize::from(area.height.saturating_sub(1));
    // Numbers are never cut: each column is as wide as its widest value
    // on screen (an mtype can take 20 characters).
    let shown: Vec<(usize, &Message, [String; 3])> = view
        .messages
        .iter()
        .enumerate()
        .skip(view.scroll.offset)
        .take(visible)
        .map(|(i, m)| {
            let numbers = [
                format::count(m.index as u64),
                m.mtype.to_string(),
                format::size(m.data.len() as u64),
            ];
            (i, m, numbers)
        })
        .collect();
    const TITLES: [&str; 3] = ["#", "MTYPE", "SIZE"];
    let number_widths = number_columns(
        std::array::from_fn(|c| {
            let widest = shown.iter().map(|(_, _, n)| n[c].len()).max().unwrap_or(0);
            widest.max(TITLES[c].len())
        }),
        usize::from(area.width),
    );
    // The mark, the three numbers and the gaps between the five columns.
    let used = 1 + number_widths.iter().sum::<usize>() + 4;
    let preview_width = usize::from(area.width).saturating_sub(used).max(8);
    let rows = shown.into_iter().map(|(i, m, numbers)| {
        let mark = if picked == Some(i) { "▶" } else { " " };
        let mut cells = vec![Cell::from(mark)];
        cells.extend(numbers.into_iter().zip(number_widths).map(|(n, width)| {
            // Cut visibly, never silently: `92233720…`.
            let n = if n.len() > width {
                format!("{}…", &n[..width.saturating_sub(1)])
            } else {
                n
            };
            Cell::from(Line::from(n).right_aligned())
        }));
        cells.push(Cell::from(format::payload_preview(&m.data, preview_width)));
        Row::new(cells)
    });
    let right = |title: &'static str| Cell::from(Line::from(title).right_aligned());
    let mut header = vec![Cell::from("")];
    header.extend(TITLES.map(right));
    header.push(Cell::from("PREVIEW"));
    let header = Row::new(header).style(theme.heading());
    let mut widths = vec![Constraint::Length(1)];
    widths.extend(number_widths.map(|w| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX))));
    widths.push(Constraint::Min(0));
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default()
        .with_selected(Some(view.scroll.cursor.saturating_sub(view.scroll.offset)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// Widths of the `#`, MTYPE and SIZE columns for values at most `needed`
/// wide on a list `width` columns wide: steady widths for everyday values
/// (so columns do not jump while scrolling) where they leave room for a
/// preview, else just what the values need; on a screen too narrow even
/// for that, MTYPE (the longest) gives way, and its values are cut with a
/// visible `…`.
fn number_columns(needed: [usize; 3], width: usize) -> [usize; 3] {
    const USUAL: [usize; 3] = [7, 10, 10];
    // The mark, the gaps between the five columns, and a useful preview.
    const AROUND: usize = 1 + 4 + 8;
    let steady: [usize; 3] = std::array::from_fn(|c| needed[c].max(USUAL[c]));
    if steady.iter().sum::<usize>() + AROUND <= width {
        return steady;
    }
    let room = width.saturating_sub(1 + 4);
    let [index, mtype, size] = needed;
    [
        index,
        mtype.min(room.saturating_sub(index + size)).max(1),
        size,
    ]
}

fn draw_message(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &PeekView,
    hex: bool,
    scroll: usize,
    theme: &Theme,
) {
    let Some(m) = view.selected() else {
        return;
    };
    let inner_width = usize::from(area.width.saturating_sub(2)).max(1);
    let lines = format::message_lines(&m.data, hex, inner_width);
    let title = format!(
        " message #{} · type {} · {} · {} (x switches, Esc back) ",
        m.index,
        m.mtype,
        format::size(m.data.len() as u64),
        if hex { "hex" } else { "text" }
    );
    let inner_height = usize::from(area.height.saturating_sub(2)).max(1);
    let scroll = scroll.min(lines.len().saturating_sub(inner_height));
    let shown: Vec<Line<'_>> = lines
        .into_iter()
        .skip(scroll)
        .take(inner_height)
        .map(Line::from)
        .collect();
    let block = Block::bordered()
        .title(Span::styled(title, theme.heading()))
        .border_style(theme.dim());
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

fn draw_prompt(frame: &mut Frame<'_>, area: Rect, prompt: &Prompt, theme: &Theme) {
    let text = match prompt {
        Prompt::Msgtyp(line) => typed(" msgtyp (0, 5, -5, !5): ", line),
        Prompt::SavePath(line) => typed(" save to file: ", line),
        Prompt::Overwrite { path, .. } => {
            Line::raw(format!(" {} exists. Replace it? y / n", format::path(path)))
        }
    };
    let line_area = Rect {
        y: area.y + area.height.saturating_sub(1),
        height: area.height.min(1),
        ..area
    };
    frame.render_widget(Clear, line_area);
    frame.render_widget(
        Paragraph::new(text).style(Style::new().patch(theme.selected())),
        line_area,
    );
}
