//! The table of a tab and the detail pane of its selected object, for
//! any kind: what they show comes from the kind's description
//! ([`ObjectKind`]), how they look from here.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::style::Theme;
use crate::app::list::List;
use crate::format;
use crate::kinds::{BAR_WIDTH, CellValue, DetailLine, ObjectKind, Tone};
use crate::layout::{self, Areas, visible_columns};
use crate::model::Snapshot;

/// Draws the table of `list` into `areas.body` and the selected object's
/// details into `areas.detail`; `loading` says what is being read before
/// the first snapshot, `suggestion` what an empty table suggests running.
pub fn draw<K: ObjectKind>(
    frame: &mut Frame<'_>,
    areas: Areas,
    list: &List<K>,
    snap: Option<&Snapshot>,
    (loading, suggestion): (&str, Option<&str>),
    theme: &Theme,
) {
    let Some(snap) = snap else {
        frame.render_widget(Paragraph::new(loading).style(theme.dim()), areas.body);
        return;
    };
    let body = layout::table_area(areas.body, snap.failure(K::KIND).is_some());
    if let Some(why) = snap.failure(K::KIND) {
        // This kind alone could not be read: say so above its table (the
        // last good rows, if there were any), and leave the others be.
        let notice = Rect {
            height: 1,
            y: areas.body.y,
            ..areas.body
        };
        let kept = if list.rows.is_empty() {
            ""
        } else {
            " · rows from the last good read"
        };
        let text = format!(" cannot read them: {}{kept}", format::sanitize(why));
        frame.render_widget(Paragraph::new(text).style(theme.alert()), notice);
    }
    table(frame, body, list, snap, suggestion, theme);
    if let Some(area) = areas.detail {
        detail(frame, area, list, snap, theme);
    }
}

fn table<K: ObjectKind>(
    frame: &mut Frame<'_>,
    area: Rect,
    list: &List<K>,
    snap: &Snapshot,
    suggestion: Option<&str>,
    theme: &Theme,
) {
    let columns = visible_columns::<K>(&list.columns, area.width);
    let header = Row::new(columns.iter().map(|c| {
        let spec = K::column(*c);
        let title = if *c == list.sort.column {
            sorted_title(spec.title, spec.width, list.sort.descending)
        } else {
            spec.title.to_owned()
        };
        aligned(title, spec.right)
    }))
    .style(theme.heading());

    let visible = usize::from(area.height.saturating_sub(1));
    let objects = K::objects(snap);
    let rows = list
        .rows
        .iter()
        .skip(list.scroll.offset)
        .take(visible)
        .map(|&i| {
            Row::new(columns.iter().map(|c| {
                let right = K::column(*c).right;
                let width = usize::from(K::column(*c).width);
                match K::cell(*c, snap, &objects[i]) {
                    CellValue::Text(text) => aligned(fitted(text, width), right),
                    CellValue::Alert(text) => {
                        aligned(fitted(text, width), right).style(theme.alert())
                    }
                    CellValue::Fill(percent) => fill_cell(percent, theme),
                }
            }))
        });
    let widths = columns
        .iter()
        .map(|c| Constraint::Length(K::column(*c).width));
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default();
    if !list.rows.is_empty() {
        state.select(Some(list.scroll.cursor.saturating_sub(list.scroll.offset)));
    }
    frame.render_stateful_widget(table, area, &mut state);

    if list.rows.is_empty() {
        let below_header = Rect {
            y: area.y.saturating_add(1),
            height: area.height.saturating_sub(1),
            ..area
        };
        frame.render_widget(
            Paragraph::new(K::empty(&list.filter, suggestion)).style(theme.dim()),
            below_header,
        );
    }
}

/// The title of the sorted column with its arrow, which always shows:
/// a title that fills its column loses its last characters to it.
pub fn sorted_title(title: &str, width: u16, descending: bool) -> String {
    let room = usize::from(width).saturating_sub(1).max(1);
    let mut text: String = title.chars().take(room).collect();
    text.push(arrow(descending));
    text
}

/// `▼` for largest first, `▲` for smallest first.
pub fn arrow(descending: bool) -> char {
    if descending { '▼' } else { '▲' }
}

/// `text` cut to `width` cells with a visible `…` when it is wider: a
/// value never loses characters silently (a right-aligned number would
/// lose its head and show another number).
pub fn fitted(text: String, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if Span::raw(text.as_str()).width() <= width {
        return text;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn aligned(text: String, right: bool) -> Cell<'static> {
    if right {
        Cell::from(Line::from(text).right_aligned())
    } else {
        Cell::from(text)
    }
}

/// `█████▌     56%`, coloured by threshold.
fn fill_cell(percent: Option<f64>, theme: &Theme) -> Cell<'static> {
    let Some(percent) = percent else {
        return aligned("?".to_owned(), true);
    };
    let text = format!(
        "{}{:>4}%{}",
        fill_bar(percent),
        shown_percent(percent),
        theme.fill_marker(percent)
    );
    Cell::from(Span::styled(text, theme.fill(percent)))
}

/// The whole percent a fill shows as (999 at most).
fn shown_percent(percent: f64) -> u32 {
    percent.clamp(0.0, 999.0).round() as u32
}

/// The fill bar, drawn from the percent shown beside it: one rounding for
/// both, so `1%` never stands beside an empty bar while another `1%` has
/// a sliver.
fn fill_bar(percent: f64) -> String {
    bar(f64::from(shown_percent(percent)), BAR_WIDTH)
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

fn detail<K: ObjectKind>(
    frame: &mut Frame<'_>,
    area: Rect,
    list: &List<K>,
    snap: &Snapshot,
    theme: &Theme,
) {
    let Some(object) = list.selected_object(snap) else {
        frame.render_widget(
            Paragraph::new(format!(" no {} selected", K::NOUN))
                .style(theme.dim())
                .block(Block::bordered().border_style(theme.dim())),
            area,
        );
        return;
    };
    let block = Block::bordered()
        .title(Span::styled(K::detail_title(object), theme.heading()))
        .border_style(theme.dim());
    let lines: Vec<Line<'_>> = K::detail(snap, object)
        .into_iter()
        .map(|pieces| Line::from(spans(pieces, theme)))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A line of a kind's description, styled by its tones.
pub fn spans(pieces: DetailLine, theme: &Theme) -> Vec<Span<'static>> {
    pieces
        .into_iter()
        .map(|(tone, text)| match tone {
            Tone::Label => Span::styled(text, theme.dim()),
            Tone::Plain => Span::raw(text),
            Tone::Fill(percent) => Span::styled(text, theme.fill(percent)),
            Tone::Alert => Span::styled(text, theme.alert()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::sysv_msg::{Column, SysvMsg};

    #[test]
    fn bars_fill_in_eighths() {
        assert_eq!(bar(0.0, 4), "    ");
        assert_eq!(bar(100.0, 4), "████");
        assert_eq!(bar(50.0, 4), "██  ");
        assert_eq!(bar(12.5 / 4.0 * 1.0, 4), "▏   ");
        assert_eq!(bar(250.0, 4), "████");
    }

    #[test]
    fn the_bar_and_the_figure_round_alike() {
        // 90 B and 140 B of 16 KiB: both show 1%, so both show a sliver.
        for bytes in [90.0, 140.0] {
            let percent = bytes * 100.0 / 16_384.0;
            assert_eq!(shown_percent(percent), 1, "{bytes}");
            assert_eq!(fill_bar(percent), "▏         ", "{bytes}");
        }
        // Below half a percent: 0% and no bar, together.
        assert_eq!((shown_percent(0.4), fill_bar(0.4)), (0, " ".repeat(10)));
        assert_eq!(shown_percent(2000.0), 999);
    }

    #[test]
    fn a_value_too_wide_for_its_column_is_cut_visibly() {
        assert_eq!(fitted("32,000".to_owned(), 6), "32,000");
        assert_eq!(fitted("32,000".to_owned(), 5), "32,0…");
        assert_eq!(fitted("日本語".to_owned(), 4), "日…");
    }

    #[test]
    fn the_sort_arrow_shows_even_when_the_title_fills_its_column() {
        assert_eq!(sorted_title("LAST RCV", 8, true), "LAST RC▼");
        assert_eq!(sorted_title("MSGS", 7, false), "MSGS▲");
    }

    #[test]
    fn narrow_screens_keep_the_most_useful_columns() {
        let all = SysvMsg::COLUMNS;
        assert_eq!(visible_columns::<SysvMsg>(all, 5), vec![Column::Key]);
        let mid = visible_columns::<SysvMsg>(all, 80);
        assert!(mid.contains(&Column::Fill) && mid.contains(&Column::Messages));
        assert!(!mid.contains(&Column::Perms));
        assert_eq!(visible_columns::<SysvMsg>(all, 300).len(), all.len());
    }

    #[test]
    fn only_configured_columns_are_shown() {
        let shown = [Column::Perms, Column::Id];
        assert_eq!(
            visible_columns::<SysvMsg>(&shown, 300),
            vec![Column::Id, Column::Perms]
        );
        assert_eq!(visible_columns::<SysvMsg>(&shown, 9), vec![Column::Id]);
    }
}
