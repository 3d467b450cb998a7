//! The removal dialog's state: what would be lost, and when the user saw it.

use std::time::Instant;

use crate::model::MsgQueue;

/// The question before a removal, with everything that would be lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveDialog {
    /// The queue as the user saw it.
    pub queue: MsgQueue,
    /// Its owner's name.
    pub owner: String,
    /// Its last sender, described.
    pub sender: String,
    /// Its last receiver, described.
    pub receiver: String,
    /// Tasks blocked on it, once looked up.
    pub blocked: Option<Vec<String>>,
    /// Tasks the blocked scan could not read.
    pub unchecked: u32,
    /// Its messages and bytes in the latest refresh (`None`: gone).
    pub live: Option<(u64, u64)>,
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
