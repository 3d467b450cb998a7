//! The removal dialog's state: what would be lost, and when the user saw it.

use std::time::Instant;

use crate::kinds::Chosen;
use crate::model::ObjectId;

/// The question before a removal, with everything that would be lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveDialog {
    /// Which object: namespace, kind, id.
    pub target: ObjectId,
    /// The object as the user saw it.
    pub chosen: Chosen,
    /// Its owner's name.
    pub owner: String,
    /// Tasks blocked on it, once looked up.
    pub blocked: Option<Vec<String>>,
    /// Processes the blocked scan could not check, described.
    pub unchecked: Vec<String>,
    /// The same object in the latest refresh (`None`: gone, or another
    /// object has its id): what removing it loses now.
    pub live: Option<Chosen>,
    /// When the dialog was first on screen complete (blocked tasks listed,
    /// every line whole at the width drawn, answer keys included); only a
    /// key pressed after that can confirm it. A frame that could not show
    /// it whole (the terminal shrank) takes that back.
    pub shown_at: Option<Instant>,
}

impl RemoveDialog {
    /// Can `y`, pressed at `pressed`, be taken as the user's answer? Only
    /// once the complete dialog, with its list of blocked tasks, has been
    /// on screen before the key was pressed: a `y` typed ahead, or one on
    /// a screen too small for the dialog, removes nothing.
    pub fn answerable(&self, pressed: Instant) -> bool {
        self.blocked.is_some() && self.shown_at.is_some_and(|shown| pressed >= shown)
    }

    /// A frame drawn at `at` showed the dialog whole, or not.
    pub fn drawn(&mut self, at: Instant, complete: bool) {
        if complete && self.blocked.is_some() {
            self.shown_at.get_or_insert(at);
        } else {
            self.shown_at = None;
        }
    }
}
