//! A tab's table as the model drives it, whatever its kind: the one
//! interface through which keys, clicks and refreshes reach a [`List`]
//! (the view draws the typed list itself).

use super::list::{List, Scroll};
use crate::kinds::{Chosen, ColumnSpec, DetailLine, ObjectKind};
use crate::layout;
use crate::model::{Kind, ObjectId, Snapshot};

/// A tab's list of objects, of any kind. Column positions are indices
/// into the columns visible on a `(columns, rows)` screen `size`: the
/// only ones a user can sort by.
pub trait Table {
    /// The kind listed.
    fn kind(&self) -> Kind;
    /// ipctop removes objects of the kind.
    fn removable(&self) -> bool;
    /// What one object is called (`queue`).
    fn noun(&self) -> &'static str;
    /// Recomputes the rows for `snap`, keeping the selection.
    fn rebuild(&mut self, snap: &Snapshot);
    /// Selects row `row` (clamped).
    fn select_row(&mut self, snap: &Snapshot, row: usize);
    /// Moves the selection by `delta` rows.
    fn move_by(&mut self, snap: &Snapshot, delta: isize);
    /// Scrolls so the selection is on screen when `visible` rows fit.
    fn scroll_into_view(&mut self, visible: usize);
    /// The selection and the first row on screen.
    fn scroll(&self) -> Scroll;
    /// Rows listed (after the filter).
    fn row_count(&self) -> usize;
    /// Objects of the kind in `snap` (before the filter).
    fn total(&self, snap: &Snapshot) -> usize;
    /// The filter, as typed.
    fn filter(&self) -> &str;
    /// Sets the filter (rebuild to apply it).
    fn set_filter(&mut self, text: String);
    /// The visible columns' descriptions, left to right.
    fn visible(&self, size: (u16, u16)) -> Vec<ColumnSpec>;
    /// Every column's description, for the help.
    fn every_column(&self) -> Vec<ColumnSpec>;
    /// The sorted column's description and direction (largest first).
    fn sorted(&self) -> (ColumnSpec, bool);
    /// Where the sorted column is among the visible ones, if it is.
    fn sorted_at(&self, size: (u16, u16)) -> Option<usize>;
    /// Sorts by the visible column `delta` places from the sorted one.
    fn sort_step(&mut self, size: (u16, u16), delta: isize);
    /// Sorts by visible column `at`, as the sort menu does.
    fn choose_sort(&mut self, size: (u16, u16), at: usize);
    /// Sorts by visible column `at`, as a click on its header does
    /// (again: reversed).
    fn sort_by(&mut self, size: (u16, u16), at: usize);
    /// Reverses the order.
    fn reverse(&mut self);
    /// The cells `[start, end)` of each visible column on a row starting
    /// at `x`.
    fn column_spans(&self, size: (u16, u16), x: u16) -> Vec<(u16, u16)>;
    /// The selected object's identity.
    fn selected_id(&self) -> Option<ObjectId>;
    /// The selected object, as a removal's choice; `None` when nothing is
    /// selected or the kind is not removed by ipctop.
    fn selected_choice(&self, snap: &Snapshot) -> Option<Chosen>;
    /// The title and lines of the detail of object `id` in `snap`, if it
    /// is there.
    fn detail(&self, snap: &Snapshot, id: ObjectId) -> Option<(String, Vec<DetailLine>)>;
    /// The header's notes on how the kind was read.
    fn header_notes(&self, snap: &Snapshot) -> Vec<DetailLine>;
    /// The header's summaries of the kind, longest first.
    fn summaries(&self, snap: &Snapshot) -> Vec<String>;
}

impl<K: ObjectKind> List<K> {
    fn visible_columns(&self, size: (u16, u16)) -> Vec<K::Column> {
        layout::table_columns::<K>(&self.columns, size)
    }
}

impl<K: ObjectKind> Table for List<K> {
    fn kind(&self) -> Kind {
        K::KIND
    }

    fn removable(&self) -> bool {
        K::REMOVABLE
    }

    fn noun(&self) -> &'static str {
        K::NOUN
    }

    fn rebuild(&mut self, snap: &Snapshot) {
        List::rebuild(self, snap);
    }

    fn select_row(&mut self, snap: &Snapshot, row: usize) {
        List::select_row(self, snap, row);
    }

    fn move_by(&mut self, snap: &Snapshot, delta: isize) {
        List::move_by(self, snap, delta);
    }

    fn scroll_into_view(&mut self, visible: usize) {
        List::scroll_into_view(self, visible);
    }

    fn scroll(&self) -> Scroll {
        self.scroll
    }

    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn total(&self, snap: &Snapshot) -> usize {
        K::objects(snap).len()
    }

    fn filter(&self) -> &str {
        &self.filter
    }

    fn set_filter(&mut self, text: String) {
        self.filter = text;
    }

    fn visible(&self, size: (u16, u16)) -> Vec<ColumnSpec> {
        self.visible_columns(size)
            .into_iter()
            .map(K::column)
            .collect()
    }

    fn every_column(&self) -> Vec<ColumnSpec> {
        K::COLUMNS.iter().copied().map(K::column).collect()
    }

    fn sorted(&self) -> (ColumnSpec, bool) {
        (K::column(self.sort.column), self.sort.descending)
    }

    fn sorted_at(&self, size: (u16, u16)) -> Option<usize> {
        self.visible_columns(size)
            .iter()
            .position(|c| *c == self.sort.column)
    }

    fn sort_step(&mut self, size: (u16, u16), delta: isize) {
        let visible = self.visible_columns(size);
        List::sort_step(self, &visible, delta);
    }

    fn choose_sort(&mut self, size: (u16, u16), at: usize) {
        if let Some(&column) = self.visible_columns(size).get(at) {
            List::choose_sort(self, column);
        }
    }

    fn sort_by(&mut self, size: (u16, u16), at: usize) {
        if let Some(&column) = self.visible_columns(size).get(at) {
            List::sort_by(self, column);
        }
    }

    fn reverse(&mut self) {
        self.sort.descending = !self.sort.descending;
    }

    fn column_spans(&self, size: (u16, u16), x: u16) -> Vec<(u16, u16)> {
        layout::column_spans::<K>(&self.visible_columns(size), x)
            .into_iter()
            .map(|(_, start, end)| (start, end))
            .collect()
    }

    fn selected_id(&self) -> Option<ObjectId> {
        self.selected
    }

    fn selected_choice(&self, snap: &Snapshot) -> Option<Chosen> {
        K::chosen(self.selected_object(snap)?)
    }

    fn detail(&self, snap: &Snapshot, id: ObjectId) -> Option<(String, Vec<DetailLine>)> {
        if id.kind != K::KIND || id.namespace != snap.namespace {
            return None;
        }
        let object = K::objects(snap).iter().find(|o| K::id(o) == id.id)?;
        Some((K::detail_title(object), K::detail(snap, object)))
    }

    fn header_notes(&self, snap: &Snapshot) -> Vec<DetailLine> {
        K::header_notes(snap)
    }

    fn summaries(&self, snap: &Snapshot) -> Vec<String> {
        K::summaries(snap)
    }
}
