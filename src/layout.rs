//! Where each part of the screen goes, as a pure function of its size: the
//! model (how many rows a page is) and the view (where to draw) share it.

use ratatui::layout::{Constraint, Layout, Rect};

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

/// How many data rows the queue table shows on a `(columns, rows)` screen.
pub fn table_rows((width, height): (u16, u16)) -> usize {
    let body = Areas::new(Rect::new(0, 0, width, height)).body;
    usize::from(body.height.saturating_sub(1))
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

/// Rows of the peek view's own header.
pub const PEEK_HEADER: u16 = 2;

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
            table_rows((80, 24)),
            24 - 3 - 1 - usize::from(DETAIL_HEIGHT)
        );
        assert_eq!(table_rows((20, 5)), 1);
    }
}
