//! The confirmation dialog before a removal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::style::Theme;
use super::table::spans;
use crate::app::RemoveDialog;
use crate::format;
use crate::model::Snapshot;

/// `1 process_api (permission denied)`, `… and 3 more`: the first of
/// `processes`, the rest counted.
fn listed(processes: &[String]) -> String {
    match processes {
        [] => String::new(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    }
}

/// Blocked tasks listed in the dialog; more are counted.
const LISTED_TASKS: usize = 5;

/// Draws the dialog centred over `area`, with facts (and their ages) as
/// of `snap`, the snapshot on screen. Returns whether it was on screen
/// whole: every line at full width, its answer keys included. Lines are
/// never wrapped (a wrapped dialog's height is guesswork): one too wide is
/// cut, and the dialog then says to enlarge the terminal instead of
/// offering `y`.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    dialog: &RemoveDialog,
    snap: &Snapshot,
    theme: &Theme,
) -> bool {
    let chosen = &dialog.chosen;
    let label = |text: &'static str| Span::styled(text, theme.dim());
    let loss = match &dialog.live {
        Some(live) => Span::styled(live.loss(), theme.alert()),
        None => Span::styled(
            format!("nothing: the {} is gone or was replaced", chosen.noun()),
            theme.dim(),
        ),
    };
    let mut names = spans(chosen.dialog_names(), theme);
    names.push(label(" · owner "));
    names.push(Span::raw(format::sanitize(&dialog.owner).into_owned()));
    let mut lines = vec![
        Line::from(names),
        Line::from(vec![label(" will lose "), loss]),
    ];
    lines.extend(
        chosen
            .dialog_facts(snap)
            .into_iter()
            .map(|facts| Line::from(spans(facts, theme))),
    );
    match &dialog.blocked {
        // Nothing waits on it: there is nothing to say.
        _ if !chosen.can_block() => {}
        None => lines.push(Line::styled(" looking for blocked processes…", theme.dim())),
        Some(tasks) if tasks.is_empty() && !dialog.unchecked.is_empty() => {
            lines.push(Line::styled(" no process found blocked on it", theme.dim()));
            lines.push(Line::styled(
                format!(" not checked: {}", listed(&dialog.unchecked)),
                theme.dim(),
            ));
        }
        Some(tasks) if tasks.is_empty() => {
            lines.push(Line::styled(" no process is blocked on it", theme.dim()));
        }
        Some(tasks) => {
            lines.push(Line::styled(
                format!(
                    " {} will wake with EIDRM:",
                    format::plural(tasks.len() as u64, "blocked task")
                ),
                theme.alert(),
            ));
            lines.extend(
                tasks
                    .iter()
                    .take(LISTED_TASKS)
                    .map(|t| Line::raw(format!("   {t}"))),
            );
            if tasks.len() > LISTED_TASKS {
                lines.push(Line::raw(format!(
                    "   and {} more",
                    tasks.len() - LISTED_TASKS
                )));
            }
        }
    }
    let keys = Line::from(vec![
        Span::styled(" y", theme.heading()),
        Span::raw(" remove   "),
        Span::styled("n", theme.heading()),
        Span::raw(" / "),
        Span::styled("Esc", theme.heading()),
        Span::raw(" keep it"),
    ]);
    lines.push(Line::raw(""));
    lines.push(keys);
    // Borders and a margin of one column on each side.
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 4;
    let width = u16::try_from(width).unwrap_or(u16::MAX).max(40);
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let complete = width <= area.width && height <= area.height;
    if !complete {
        lines.pop();
        lines.insert(
            0,
            Line::styled(" too small: enlarge it · n keeps it", theme.alert()),
        );
    }
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let title = format!(" remove {} {}? ", chosen.noun(), chosen.id());
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(title, theme.alert()))),
        popup,
    );
    complete
}
