//! Colours and emphasis, with a colourless variant for `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

/// Fill level at which a queue is worth a look.
pub const WARN_PERCENT: f64 = 80.0;
/// Fill level at which producers are about to block.
pub const CRITICAL_PERCENT: f64 = 95.0;

/// Marks a fill level in text too, for `NO_COLOR` and colour-blind eyes:
/// `!` from [`WARN_PERCENT`], `!!` from [`CRITICAL_PERCENT`].
pub fn fill_marker(percent: f64) -> &'static str {
    if percent >= CRITICAL_PERCENT {
        "!!"
    } else if percent >= WARN_PERCENT {
        "! "
    } else {
        "  "
    }
}

/// The styles the view uses.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// A theme with or without colour.
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// Column headers and titles.
    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The selected row.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Secondary text.
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// Errors and PAUSED.
    pub fn alert(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// A fill level: green, yellow past [`WARN_PERCENT`], bold red past
    /// [`CRITICAL_PERCENT`] (bold alone without colour).
    pub fn fill(&self, percent: f64) -> Style {
        if percent >= CRITICAL_PERCENT {
            self.fg(Color::Red).add_modifier(Modifier::BOLD)
        } else if percent >= WARN_PERCENT {
            self.fg(Color::Yellow)
        } else {
            self.fg(Color::Green)
        }
    }
}
