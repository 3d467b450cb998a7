//! Colours and emphasis: a dark, a light and a high-contrast palette, and
//! no colour at all for `NO_COLOR` (emphasis and the text marks remain).

use ratatui::style::{Color, Modifier, Style};

use crate::config::{ThemeChoice, Thresholds};

/// The colours of one theme.
#[derive(Debug, Clone, Copy)]
struct Palette {
    heading: Color,
    dim: Color,
    alert: Color,
    ok: Color,
    warn: Color,
    critical: Color,
}

impl Palette {
    fn of(choice: ThemeChoice) -> Self {
        match choice {
            ThemeChoice::Dark => Self {
                heading: Color::Cyan,
                dim: Color::DarkGray,
                alert: Color::Red,
                ok: Color::Green,
                warn: Color::Yellow,
                critical: Color::Red,
            },
            // The 256-colour cube's darker tones: plain yellow and grey
            // vanish on a white background.
            ThemeChoice::Light => Self {
                heading: Color::Blue,
                dim: Color::Indexed(243),
                alert: Color::Indexed(124),
                ok: Color::Indexed(28),
                warn: Color::Indexed(130),
                critical: Color::Indexed(124),
            },
            // Nothing dim: secondary text in the terminal's own colour.
            ThemeChoice::HighContrast => Self {
                heading: Color::LightCyan,
                dim: Color::Reset,
                alert: Color::LightRed,
                ok: Color::LightGreen,
                warn: Color::LightYellow,
                critical: Color::LightRed,
            },
        }
    }
}

/// The styles the view uses.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// `None`: no colour (`NO_COLOR`).
    palette: Option<Palette>,
    high_contrast: bool,
    thresholds: Thresholds,
}

impl Theme {
    /// The `choice` theme, with or without colour, marking fill levels at
    /// `thresholds`.
    pub fn new(choice: ThemeChoice, color: bool, thresholds: Thresholds) -> Self {
        Self {
            palette: color.then(|| Palette::of(choice)),
            high_contrast: choice == ThemeChoice::HighContrast,
            thresholds,
        }
    }

    fn fg(&self, color: impl Fn(&Palette) -> Color) -> Style {
        match &self.palette {
            Some(p) => Style::new().fg(color(p)),
            None => Style::new(),
        }
    }

    /// Column headers and titles.
    pub fn heading(&self) -> Style {
        let style = self.fg(|p| p.heading).add_modifier(Modifier::BOLD);
        if self.high_contrast {
            style.add_modifier(Modifier::UNDERLINED)
        } else {
            style
        }
    }

    /// The selected row.
    pub fn selected(&self) -> Style {
        let style = Style::new().add_modifier(Modifier::REVERSED);
        if self.high_contrast {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    /// Secondary text.
    pub fn dim(&self) -> Style {
        match (&self.palette, self.high_contrast) {
            (_, true) => Style::new(),
            (Some(p), false) => Style::new().fg(p.dim),
            (None, false) => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// Errors and PAUSED.
    pub fn alert(&self) -> Style {
        self.fg(|p| p.alert).add_modifier(Modifier::BOLD)
    }

    /// A fill level: green, yellow from the warning threshold, bold red
    /// from the critical one (bold alone without colour).
    pub fn fill(&self, percent: f64) -> Style {
        if percent >= self.thresholds.critical {
            self.fg(|p| p.critical).add_modifier(Modifier::BOLD)
        } else if percent >= self.thresholds.warn {
            let style = self.fg(|p| p.warn);
            if self.high_contrast {
                style.add_modifier(Modifier::BOLD)
            } else {
                style
            }
        } else {
            self.fg(|p| p.ok)
        }
    }

    /// Marks a fill level in text too, for `NO_COLOR` and colour-blind
    /// eyes: `!` from the warning threshold, `!!` from the critical one.
    pub fn fill_marker(&self, percent: f64) -> &'static str {
        if percent >= self.thresholds.critical {
            "!!"
        } else if percent >= self.thresholds.warn {
            "! "
        } else {
            "  "
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(theme: &Theme) -> Vec<Style> {
        vec![
            theme.heading(),
            theme.selected(),
            theme.dim(),
            theme.alert(),
            theme.fill(10.0),
            theme.fill(85.0),
            theme.fill(99.0),
        ]
    }

    #[test]
    fn themes_differ() {
        let t = Thresholds::default();
        let dark = styles(&Theme::new(ThemeChoice::Dark, true, t));
        let light = styles(&Theme::new(ThemeChoice::Light, true, t));
        let high = styles(&Theme::new(ThemeChoice::HighContrast, true, t));
        assert_ne!(dark, light);
        assert_ne!(dark, high);
        assert_ne!(light, high);
    }

    #[test]
    fn no_color_means_no_colour_in_any_theme() {
        for choice in [
            ThemeChoice::Dark,
            ThemeChoice::Light,
            ThemeChoice::HighContrast,
        ] {
            for style in styles(&Theme::new(choice, false, Thresholds::default())) {
                assert_eq!((style.fg, style.bg), (None, None), "{choice:?}: {style:?}");
            }
        }
    }

    #[test]
    fn marks_follow_the_thresholds() {
        let theme = Theme::new(
            ThemeChoice::Dark,
            false,
            Thresholds {
                warn: 50.0,
                critical: 70.0,
            },
        );
        assert_eq!(theme.fill_marker(49.9), "  ");
        assert_eq!(theme.fill_marker(50.0), "! ");
        assert_eq!(theme.fill_marker(70.0), "!!");
        assert_eq!(theme.fill(70.0), Style::new().add_modifier(Modifier::BOLD));
    }
}
