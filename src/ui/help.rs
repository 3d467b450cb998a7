//! The help overlay, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::Theme;
use crate::keymap::{KEYMAP, binding_label};

/// Draws the key list centred over `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let label_width = KEYMAP
        .iter()
        .map(|b| binding_label(b).chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line<'_>> = KEYMAP
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(
                    format!(" {:<label_width$}  ", binding_label(b)),
                    theme.heading(),
                ),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        " Filter matches key, id, owner and commands.",
        theme.dim(),
    ));
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let height = lines.len() as u16 + 2;
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" keys (Esc closes) ")),
        popup,
    );
}
