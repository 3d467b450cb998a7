//! The list engine: which objects of a kind are listed, in what order,
//! and which one is selected — kept by identity across refreshes — plus
//! the scrolling every list shares (the tables and the peek view's
//! message list).

use crate::config::TabSettings;
use crate::kinds::{Matcher, ObjectKind, Sort, SortKey};
use crate::model::{ObjectId, Snapshot};

/// A selection over rows, and the first row on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    /// The selected row.
    pub cursor: usize,
    /// The first row on screen.
    pub offset: usize,
}

impl Scroll {
    /// Selects `row` of `len` rows (clamped; 0 when there are none).
    pub fn select(&mut self, row: usize, len: usize) {
        self.cursor = row.min(len.saturating_sub(1));
    }

    /// Moves the selection by `delta` rows of `len`.
    pub fn step(&mut self, delta: isize, len: usize) {
        self.select(self.cursor.saturating_add_signed(delta), len);
    }

    /// Scrolls so the selection is on screen when `visible` of `len` rows
    /// fit, without empty room below the last row.
    pub fn into_view(&mut self, visible: usize, len: usize) {
        let visible = visible.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + visible {
            self.offset = self.cursor + 1 - visible;
        }
        self.offset = self.offset.min(len.saturating_sub(visible));
    }
}

/// The listed objects of kind `K` and the selection.
#[derive(Debug, Clone)]
pub struct List<K: ObjectKind> {
    /// Indices into the snapshot's objects of kind `K`, filtered and
    /// sorted.
    pub rows: Vec<usize>,
    /// The selected object, by identity.
    pub selected: Option<ObjectId>,
    /// The selected row and the first row on screen.
    pub scroll: Scroll,
    /// Applied filter, as typed (matched ignoring case); empty shows
    /// everything.
    pub filter: String,
    /// Sort order.
    pub sort: Sort<K::Column>,
    /// The columns shown when they fit, in table order (all of them
    /// unless configured); `s` steps through these alone.
    pub columns: Vec<K::Column>,
}

impl<K: ObjectKind> Default for List<K> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            selected: None,
            scroll: Scroll::default(),
            filter: String::new(),
            sort: K::DEFAULT_SORT,
            columns: K::COLUMNS.to_vec(),
        }
    }
}

impl<K: ObjectKind> List<K> {
    /// Takes the sort and the columns `tab` configures.
    pub fn configure(&mut self, tab: &TabSettings<K>) {
        self.sort = tab.sort;
        self.columns.clone_from(&tab.columns);
    }

    /// Recomputes the rows for `snap`, keeping the selected object
    /// selected; if it is gone, the selection moves to the row now in its
    /// place.
    pub fn rebuild(&mut self, snap: &Snapshot) {
        let objects = K::objects(snap);
        let needle = self.filter.to_lowercase();
        let mut matcher = Matcher::new(&needle);
        let sort = self.sort;
        let mut keyed: Vec<(SortKey<'_>, usize)> = Vec::with_capacity(objects.len());
        keyed.extend(
            (0..objects.len())
                .filter(|&i| K::matches(&mut matcher, snap, &objects[i]))
                .map(|i| (K::sort_key(sort.column, snap, &objects[i]), i)),
        );
        keyed.sort_by(|(ka, a), (kb, b)| {
            let primary = if sort.descending {
                kb.cmp(ka)
            } else {
                ka.cmp(kb)
            };
            primary.then(K::id(&objects[*a]).cmp(&K::id(&objects[*b])))
        });
        self.rows = keyed.into_iter().map(|(_, i)| i).collect();
        let kept = self.selected.and_then(|sel| {
            self.rows
                .iter()
                .position(|&i| identity::<K>(snap, i) == sel)
        });
        let row = kept.unwrap_or(self.scroll.cursor);
        self.scroll.select(row, self.rows.len());
        self.selected = self.selected_identity(snap);
    }

    /// Moves the selection to row `row` (clamped) of `snap`'s list.
    pub fn select_row(&mut self, snap: &Snapshot, row: usize) {
        self.scroll.select(row, self.rows.len());
        self.selected = self.selected_identity(snap);
    }

    /// Moves the selection by `delta` rows.
    pub fn move_by(&mut self, snap: &Snapshot, delta: isize) {
        self.select_row(snap, self.scroll.cursor.saturating_add_signed(delta));
    }

    /// Scrolls so the selection is on screen when `visible` rows fit.
    pub fn scroll_into_view(&mut self, visible: usize) {
        self.scroll.into_view(visible, self.rows.len());
    }

    /// Sorts by the column `delta` places right (left, if negative) of
    /// the sorted one among `visible`, wrapping around, in that column's
    /// first direction. A sorted column that is hidden counts as where it
    /// stands in table order.
    pub fn sort_step(&mut self, visible: &[K::Column], delta: isize) {
        if visible.is_empty() {
            return;
        }
        let n = visible.len() as isize;
        let next = match visible.iter().position(|c| *c == self.sort.column) {
            Some(at) => (at as isize + delta).rem_euclid(n),
            None => {
                let order = |c: K::Column| K::COLUMNS.iter().position(|x| *x == c);
                let here = order(self.sort.column);
                // Where the hidden column would be among the visible ones.
                let gap = visible
                    .iter()
                    .position(|c| order(*c) > here)
                    .unwrap_or(visible.len()) as isize;
                let from = if delta > 0 { gap - 1 } else { gap };
                (from + delta).rem_euclid(n)
            }
        };
        let column = visible[next as usize];
        self.sort = Sort {
            column,
            descending: K::column(column).descending_first,
        };
    }

    /// Sorts by `column` (a click on its header): the sorted column again
    /// reverses the order, another starts in its first direction.
    pub fn sort_by(&mut self, column: K::Column) {
        if column == self.sort.column {
            self.sort.descending = !self.sort.descending;
        } else {
            self.choose_sort(column);
        }
    }

    /// Sorts by `column` (chosen from the sort menu): in its first
    /// direction, or as it is if it is the sorted column already.
    pub fn choose_sort(&mut self, column: K::Column) {
        if column != self.sort.column {
            self.sort = Sort {
                column,
                descending: K::column(column).descending_first,
            };
        }
    }

    /// The selected object in `snap`.
    pub fn selected_object<'s>(&self, snap: &'s Snapshot) -> Option<&'s K::Object> {
        self.rows
            .get(self.scroll.cursor)
            .map(|&i| &K::objects(snap)[i])
    }

    fn selected_identity(&self, snap: &Snapshot) -> Option<ObjectId> {
        self.rows
            .get(self.scroll.cursor)
            .map(|&i| identity::<K>(snap, i))
    }
}

/// The identity of object `index` of kind `K` in `snap`.
fn identity<K: ObjectKind>(snap: &Snapshot, index: usize) -> ObjectId {
    ObjectId {
        namespace: snap.namespace,
        kind: K::KIND,
        id: K::id(&K::objects(snap)[index]),
    }
}
