//! One object's details over the whole screen: every line the kind has
//! for it, scrolled when they do not fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::Theme;
use super::table::spans;
use crate::app::DetailView;
use crate::app::table::Table;
use crate::model::Snapshot;

/// Draws `view` of an object listed in `list` into `area`: its lines
/// from `view.scroll` on (clamped so the last line stays in sight), or
/// that it is gone.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &DetailView,
    list: &dyn Table,
    snap: &Snapshot,
    theme: &Theme,
) {
    // The very object that was opened: another one under its id is not it.
    let same = view
        .chosen
        .as_ref()
        .is_none_or(|chosen| chosen.in_snapshot(snap).is_some());
    let Some((title, lines)) = list.detail(snap, view.target).filter(|_| same) else {
        let text = format!(
            " {} {} is gone (removed, or its id now names another one) · Esc back",
            list.noun(),
            view.target.id
        );
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.alert())
                .block(Block::bordered().border_style(theme.dim())),
            area,
        );
        return;
    };
    let room = usize::from(area.height.saturating_sub(2));
    let first = view.scroll.min(lines.len().saturating_sub(room));
    let shown = lines.len().min(first + room);
    let mut block = Block::bordered()
        .title(Span::styled(title, theme.heading()))
        .border_style(theme.dim());
    if lines.len() > room {
        block = block.title_bottom(
            Line::from(format!(
                " lines {}-{} of {} ",
                first + 1,
                shown,
                lines.len()
            ))
            .right_aligned(),
        );
    }
    let text: Vec<Line<'_>> = lines
        .into_iter()
        .skip(first)
        .take(room)
        .map(|pieces| Line::from(spans(pieces, theme)))
        .collect();
    frame.render_widget(Paragraph::new(text).block(block), area);
}
