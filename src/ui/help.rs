//! The help overlay, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::Theme;
use crate::keymap::{Context, help_entries};

/// Draws the key list centred over `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, context: Context, read_only: bool, theme: &Theme) {
    let entries = help_entries(context);
    let label_width = entries
        .iter()
        .map(|e| e.keys.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line<'_>> = entries
        .into_iter()
        .map(|e| {
            Line::from(vec![
                Span::styled(format!(" {:<label_width$}  ", e.keys), theme.heading()),
                Span::raw(e.help),
            ])
        })
        .collect();
    let note = match context {
        Context::Browse => " Filter matches key, id, owner and commands.",
        Context::Peek => " Peeking never consumes: it copies (MSG_COPY).",
        Context::Dialog => " Nothing is removed without y.",
    };
    lines.push(Line::styled(note, theme.dim()));
    if read_only {
        lines.push(Line::styled(
            " Read-only (--read-only): nothing is removed.",
            theme.alert(),
        ));
    }
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let height = lines.len() as u16 + 2;
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" keys (Esc closes) ")),
        popup,
    );
}
