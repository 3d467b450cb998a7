//! The removal dialog's state: what would be lost, and when the user saw it.

use std::time::Instant;

use crate::model::MsgQueue;
use crate::ui::layout;

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
    /// When the dialog was first on screen complete (blocked tasks listed);
    /// only a key pressed after that can confirm it.
    pub shown_at: Option<Instant>,
}

impl RemoveDialog {
    /// Can `y`, pressed at `pressed`, be taken as the user's answer? Only
    /// once the dialog, with its list of blocked tasks, has been on screen
    /// before the key was pressed: a `y` typed ahead removes nothing.
    /// It must also fit the screen (`rows` high), answer keys included.
    pub fn answerable(&self, pressed: Instant, rows: u16) -> bool {
        let fits = self
            .blocked
            .as_ref()
            .is_some_and(|tasks| layout::remove_dialog_height(tasks.len()) <= rows);
        fits && self.shown_at.is_some_and(|shown| pressed >= shown)
    }
}
