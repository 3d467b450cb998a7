//! The help overlay, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::Theme;
use crate::keymap::{Context, demo_help_entries, help_entries};

/// What the marks in the tables mean.
const MARKS: [(&str, &str); 5] = [
    (
        "!",
        "fill at or above the warning threshold (80% unless configured)",
    ),
    (
        "!!",
        "fill at or above the critical threshold (95% unless configured)",
    ),
    (
        "(exited)",
        "that process is gone (its pid may be another's now)",
    ),
    (
        "?",
        "not known: a process /proc hides, a capacity that cannot be read",
    ),
    ("·", "a character that would drive the terminal, not shown"),
];

/// The help's lines for `context` (in the demo if `demo`): one per key
/// entry, then notes, then (with a table on screen) what its `columns`
/// and the marks mean.
fn lines(
    (context, demo): (Context, bool),
    read_only: bool,
    columns: &[(&'static str, &'static str)],
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut entries = help_entries(context);
    if demo && context == Context::Browse {
        entries.extend(demo_help_entries());
    }
    let label_width = entries
        .iter()
        .map(|e| e.keys.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line<'static>> = entries
        .into_iter()
        .map(|e| {
            Line::from(vec![
                Span::styled(format!(" {:<label_width$}  ", e.keys), theme.heading()),
                Span::raw(e.help),
            ])
        })
        .collect();
    let note = match context {
        Context::Rows => " Filter matches the names and what they limit (any case).",
        Context::Reading => {
            " The kernel's value, the setting it comes from, what running out does."
        }
        Context::Browse | Context::Objects => {
            " Filter matches key, id, owner, pids and commands (any case)."
        }
        Context::Detail => " Every field the kernel keeps for it, as of the last refresh.",
        Context::Peek => " Peeking never consumes: it copies (MSG_COPY).",
        Context::Dialog => " Nothing is removed without y.",
        Context::Menu => " Only the columns on screen sort the table.",
        Context::Placeholder => " This tab is not built yet: these keys work here.",
    };
    lines.push(Line::styled(note, theme.dim()));
    if read_only {
        lines.push(Line::styled(
            " Read-only (--read-only): nothing is removed.",
            theme.alert(),
        ));
    }
    if !columns.is_empty() {
        let explained = columns.iter().copied().chain(MARKS);
        let width = explained
            .clone()
            .map(|(t, _)| t.chars().count())
            .max()
            .unwrap_or(0);
        lines.push(Line::styled(" Columns and marks:", theme.heading()));
        lines.extend(explained.map(|(title, about)| {
            Line::from(vec![
                Span::styled(format!(" {title:<width$}  "), theme.heading()),
                Span::raw(about),
            ])
        }));
    }
    lines
}

/// Draws the key list of `context` (in the demo if `demo`) centred over
/// `area`, from line `scroll` on when it does not fit; returns the last
/// line it could start from.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    context: (Context, bool),
    read_only: bool,
    scroll: usize,
    columns: &[(&'static str, &'static str)],
    theme: &Theme,
) -> usize {
    let lines = lines(context, read_only, columns, theme);
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let room = usize::from(area.height.saturating_sub(2)).max(1);
    let last_scroll = lines.len().saturating_sub(room);
    let scroll = scroll.min(last_scroll);
    let title = if lines.len() > room {
        " keys (↑↓ scroll, Esc closes) "
    } else {
        " keys (Esc closes) "
    };
    let height = lines.len().min(room) as u16 + 2;
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let shown: Vec<Line<'_>> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(
        Paragraph::new(shown).block(Block::bordered().title(title)),
        popup,
    );
    last_scroll
}
