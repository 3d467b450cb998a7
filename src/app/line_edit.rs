//! Typing a line of text (the filter, the peek view's prompts), edited
//! like a shell line: ← → Home End (Ctrl-A, Ctrl-E) move, Backspace and
//! Delete remove a character, Ctrl-U the start of the line, Ctrl-W the
//! word before the cursor. A proposed text (a save path) starts selected:
//! typing replaces it, a movement key keeps it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKey {
    /// The text changed.
    Edited,
    /// Only the cursor moved (or the selection was dropped).
    Moved,
    /// Enter: take the line.
    Submit,
    /// Esc: drop it.
    Cancel,
    /// Anything else, including other control-key chords (so Ctrl-X does
    /// not type an `x`).
    Ignored,
}

/// A line being typed: its text, the cursor (a byte offset on a character
/// boundary) and whether the whole text is selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    cursor: usize,
    selected: bool,
}

impl From<&str> for LineEdit {
    /// `text` with the cursor at its end.
    fn from(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            cursor: text.len(),
            selected: false,
        }
    }
}

impl LineEdit {
    /// `text` proposed: selected, so that typing replaces it.
    pub fn proposed(text: &str) -> Self {
        Self {
            selected: !text.is_empty(),
            ..Self::from(text)
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text before and after the cursor.
    pub fn parts(&self) -> (&str, &str) {
        self.text.split_at(self.cursor)
    }

    /// Is the whole text selected (typing replaces it)?
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// Applies `key`.
    pub fn edit(&mut self, key: &KeyEvent) -> LineKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Enter => LineKey::Submit,
            KeyCode::Esc => LineKey::Cancel,
            KeyCode::Char('a') if ctrl => self.move_to(0),
            KeyCode::Char('e') if ctrl => self.move_to(self.text.len()),
            KeyCode::Char('u') if ctrl => self.remove(0..self.cursor),
            KeyCode::Char('w') if ctrl => self.remove(self.word_start()..self.cursor),
            KeyCode::Char(c) if !ctrl && !alt => {
                if self.selected {
                    self.clear();
                }
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
                LineKey::Edited
            }
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(self.text.len()),
            KeyCode::Left => self.move_to(self.previous(self.cursor)),
            KeyCode::Right => self.move_to(self.next(self.cursor)),
            KeyCode::Backspace => self.remove(self.previous(self.cursor)..self.cursor),
            KeyCode::Delete => self.remove(self.cursor..self.next(self.cursor)),
            _ => LineKey::Ignored,
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
        self.selected = false;
    }

    fn move_to(&mut self, at: usize) -> LineKey {
        self.cursor = at;
        self.selected = false;
        LineKey::Moved
    }

    /// Removes `range` (the whole text, when it is selected).
    fn remove(&mut self, range: std::ops::Range<usize>) -> LineKey {
        if self.selected {
            self.clear();
            return LineKey::Edited;
        }
        if range.is_empty() {
            return LineKey::Ignored;
        }
        self.cursor = range.start;
        self.text.replace_range(range, "");
        LineKey::Edited
    }

    fn previous(&self, at: usize) -> usize {
        self.text[..at].char_indices().last().map_or(0, |(i, _)| i)
    }

    fn next(&self, at: usize) -> usize {
        self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8())
    }

    /// Where the word before the cursor starts (blanks before it too, as
    /// a shell's Ctrl-W).
    fn word_start(&self) -> usize {
        let before = self.text[..self.cursor].trim_end();
        before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(line: &mut LineEdit, keys: &[(KeyCode, KeyModifiers)]) {
        for (code, modifiers) in keys {
            line.edit(&KeyEvent::new(*code, *modifiers));
        }
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    #[test]
    fn edits_like_a_shell_line() {
        let mut line = LineEdit::from("order api");
        typed(
            &mut line,
            &[(KeyCode::Home, NONE), (KeyCode::Char('x'), NONE)],
        );
        assert_eq!(line.text(), "xorder api");
        typed(
            &mut line,
            &[(KeyCode::Delete, NONE), (KeyCode::Delete, NONE)],
        );
        assert_eq!((line.text(), line.parts().0), ("xder api", "x"));
        typed(
            &mut line,
            &[(KeyCode::Char('e'), CTRL), (KeyCode::Char('w'), CTRL)],
        );
        assert_eq!(line.text(), "xder ");
        typed(
            &mut line,
            &[(KeyCode::Left, NONE), (KeyCode::Char('u'), CTRL)],
        );
        assert_eq!((line.text(), line.parts()), (" ", ("", " ")));
        typed(
            &mut line,
            &[(KeyCode::Char('a'), CTRL), (KeyCode::Backspace, NONE)],
        );
        assert_eq!(line.text(), " ", "nothing before the cursor");
        // Wide and multi-byte characters move as one.
        let mut line = LineEdit::from("naïve");
        typed(&mut line, &[(KeyCode::Left, NONE), (KeyCode::Left, NONE)]);
        typed(&mut line, &[(KeyCode::Backspace, NONE)]);
        assert_eq!(line.text(), "nave", "the two-byte ï went whole");
        assert_eq!(
            line.edit(&KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT)),
            LineKey::Ignored
        );
    }

    #[test]
    fn a_proposed_text_is_replaced_by_typing_and_kept_by_moving() {
        let mut line = LineEdit::proposed("msg-0-0.bin");
        assert!(line.is_selected());
        typed(
            &mut line,
            &[(KeyCode::Char('/'), NONE), (KeyCode::Char('t'), NONE)],
        );
        assert_eq!(line.text(), "/t", "typed over, not appended");
        let mut line = LineEdit::proposed("msg-0-0.bin");
        typed(
            &mut line,
            &[(KeyCode::End, NONE), (KeyCode::Char('x'), NONE)],
        );
        assert_eq!(line.text(), "msg-0-0.binx");
        let mut line = LineEdit::proposed("msg-0-0.bin");
        typed(&mut line, &[(KeyCode::Backspace, NONE)]);
        assert_eq!(line.text(), "");
    }
}
