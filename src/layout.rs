//! Where each part of the screen goes, as a pure function of its size: the
//! model (how many rows a page is) and the view (where to draw) share it.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::Tab;
use crate::kinds::ObjectKind;

/// Rows of the detail pane, borders included.
pub const DETAIL_HEIGHT: u16 = 7;
/// Below this many rows the detail pane is left out for the table's sake.
pub const DETAIL_MIN_SCREEN: u16 = 18;

/// The named areas of the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// Totals, limits, interval.
    pub header: Rect,
    /// Tab bar.
    pub tabs: Rect,
    /// The tab's content (the table, with its column header row).
    pub body: Rect,
    /// The selected object's details, when there is room.
    pub detail: Option<Rect>,
    /// Key hints and the status line.
    pub footer: Rect,
}

impl Areas {
    /// Splits `area` into the main screen's parts.
    pub fn new(area: Rect) -> Self {
        let detail = if area.height >= DETAIL_MIN_SCREEN {
            DETAIL_HEIGHT
        } else {
            0
        };
        let [header, tabs, body, detail_area, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(detail),
            Constraint::Length(1),
        ])
        .areas(area);
        Areas {
            header,
            tabs,
            body,
            detail: (detail > 0).then_some(detail_area),
            footer,
        }
    }
}

/// How many data rows the table shows on a `(columns, rows)` screen, below
/// a one-line notice that its kind could not be read when `notice`.
pub fn table_rows((width, height): (u16, u16), notice: bool) -> usize {
    let body = Areas::new(Rect::new(0, 0, width, height)).body;
    usize::from(table_area(body, notice).height.saturating_sub(1))
}

/// The columns of `shown` (a kind's columns, as configured) that fit in
/// `available` cells, in table order: the least useful give way first.
pub fn visible_columns<K: ObjectKind>(shown: &[K::Column], available: u16) -> Vec<K::Column> {
    let priority: Vec<K::Column> = K::PRIORITY
        .iter()
        .copied()
        .filter(|c| shown.contains(c))
        .collect();
    let total = |n: usize| -> u16 {
        priority[..n]
            .iter()
            .map(|c| K::column(*c).width)
            .sum::<u16>()
            + n.saturating_sub(1) as u16
    };
    let mut keep = priority.len();
    while keep > 1 && total(keep) > available {
        keep -= 1;
    }
    K::COLUMNS
        .iter()
        .copied()
        .filter(|c| priority[..keep].contains(c))
        .collect()
}

/// The columns of `shown` the table shows on a `(columns, rows)` screen.
pub fn table_columns<K: ObjectKind>(
    shown: &[K::Column],
    (width, height): (u16, u16),
) -> Vec<K::Column> {
    visible_columns::<K>(shown, Areas::new(Rect::new(0, 0, width, height)).body.width)
}

/// Where the table goes in `body`: all of it, or below a one-line notice
/// that its kind could not be read.
pub fn table_area(body: Rect, notice: bool) -> Rect {
    let skip = u16::from(notice).min(body.height);
    Rect {
        y: body.y + skip,
        height: body.height - skip,
        ..body
    }
}

/// The cells `[start, end)` each of `columns` takes on a table row that
/// starts at `x`, one cell apart, as the table widget lays them out.
pub fn column_spans<K: ObjectKind>(columns: &[K::Column], x: u16) -> Vec<(K::Column, u16, u16)> {
    let mut start = x;
    columns
        .iter()
        .map(|&c| {
            let end = start.saturating_add(K::column(c).width);
            let span = (c, start, end);
            start = end.saturating_add(1);
            span
        })
        .collect()
}

/// A tab's label in the tab bar, without its brackets (`1 SysV Msg`).
pub fn tab_label(index: usize, tab: Tab) -> String {
    format!("{} {}", index + 1, tab.title())
}

/// The cells `[start, end)` each tab's label takes in a tab bar starting
/// at `x`: a space, then each label in brackets (or spaces), a space after.
pub fn tab_spans(x: u16) -> Vec<(Tab, u16, u16)> {
    let mut start = x.saturating_add(1);
    Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, &tab)| {
            let width = tab_label(i, tab).chars().count() as u16 + 2;
            let span = (tab, start, start.saturating_add(width));
            start = start.saturating_add(width + 1);
            span
        })
        .collect()
}

impl Areas {
    /// Everything between the tab bar and the footer: where a full-screen
    /// view such as the peek view goes.
    pub fn below_tabs(&self) -> Rect {
        Rect {
            height: self.footer.y.saturating_sub(self.body.y),
            ..self.body
        }
    }
}

/// Lines of an object's details the details view shows at once (inside
/// its frame).
pub fn detail_view_rows((width, height): (u16, u16)) -> usize {
    let area = Areas::new(Rect::new(0, 0, width, height)).below_tabs();
    usize::from(area.height.saturating_sub(2))
}

/// Rows of the peek view's own header.
pub const PEEK_HEADER: u16 = 4;

/// The screen row of the first message in the peek view's list (below
/// the view's header and the list's column header).
pub fn peek_first_row((width, height): (u16, u16)) -> u16 {
    let area = Areas::new(Rect::new(0, 0, width, height)).below_tabs();
    area.y + PEEK_HEADER + 1
}

/// What fits in the peek view on a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeekLayout {
    /// Messages listed at once.
    pub rows: usize,
    /// Lines of an opened message shown at once.
    pub message_rows: usize,
    /// Columns of an opened message's lines.
    pub message_width: usize,
}

/// The peek view's room on a `(columns, rows)` screen.
pub fn peek_layout((width, height): (u16, u16)) -> PeekLayout {
    let area = Areas::new(Rect::new(0, 0, width, height)).below_tabs();
    let below_header = area.height.saturating_sub(PEEK_HEADER);
    PeekLayout {
        // Less the column header.
        rows: usize::from(below_header.saturating_sub(1)),
        // Less the frame.
        message_rows: usize::from(below_header.saturating_sub(2)),
        message_width: usize::from(area.width.saturating_sub(2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_and_huge_screens_split_without_overlap() {
        for (w, h) in [(1, 1), (20, 5), (80, 24), (300, 100)] {
            let a = Areas::new(Rect::new(0, 0, w, h));
            let used = a.header.height
                + a.tabs.height
                + a.body.height
                + a.detail.map_or(0, |d| d.height)
                + a.footer.height;
            assert!(used <= h, "{w}x{h}: {a:?}");
        }
        assert_eq!(
            table_rows((80, 24), false),
            24 - 3 - 1 - usize::from(DETAIL_HEIGHT)
        );
        // A notice that the kind could not be read takes a row.
        assert_eq!(table_rows((80, 24), true), table_rows((80, 24), false) - 1);
        assert_eq!(table_rows((20, 5), false), 1);
    }
}
