//! Typing a line of text (the filter, the peek view's prompts).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKey {
    /// A character was added or removed.
    Edited,
    /// Enter: take the line.
    Submit,
    /// Esc: drop it.
    Cancel,
    /// Anything else, including control-key chords (so Ctrl-W does not
    /// type a `w`).
    Ignored,
}

/// Applies `key` to `text`.
pub fn edit(text: &mut String, key: &KeyEvent) -> LineKey {
    match key.code {
        KeyCode::Enter => LineKey::Submit,
        KeyCode::Esc => LineKey::Cancel,
        KeyCode::Backspace => {
            text.pop();
            LineKey::Edited
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            text.push(c);
            LineKey::Edited
        }
        _ => LineKey::Ignored,
    }
}
