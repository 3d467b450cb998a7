//! The sort menu (F6): the columns on screen, the sorted one marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, List, ListItem, ListState};

use super::style::Theme;
use super::table::arrow;
use crate::kinds::ColumnSpec;

/// Draws the menu of `columns` centred over `area`, the cursor on row
/// `cursor` and the sorted column (its place among `columns`, if it is
/// one of them, and its direction: largest first) marked with its arrow.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    columns: &[ColumnSpec],
    (sorted, descending): (Option<usize>, bool),
    cursor: usize,
    theme: &Theme,
) {
    let items: Vec<ListItem<'_>> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mark = if Some(i) == sorted {
                arrow(descending)
            } else {
                ' '
            };
            ListItem::new(format!(" {} {mark} ", c.title))
        })
        .collect();
    let widest = columns
        .iter()
        .map(|c| c.title.chars().count())
        .max()
        .unwrap_or(0);
    // The title, the items and the borders.
    let width = u16::try_from(widest + 6).unwrap_or(u16::MAX).max(14);
    let height = u16::try_from(items.len() + 2).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    );
    let list = List::new(items)
        .block(Block::bordered().title(Span::styled(" sort by ", theme.heading())))
        .highlight_style(theme.selected())
        .highlight_symbol("▶");
    let mut state =
        ListState::default().with_selected(Some(cursor.min(columns.len().saturating_sub(1))));
    frame.render_widget(Clear, popup);
    frame.render_stateful_widget(list, popup, &mut state);
}
