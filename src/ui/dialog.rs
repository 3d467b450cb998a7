//! The confirmation dialog before a removal.

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::layout::{DIALOG_TASKS, remove_dialog_height};
use super::style::Theme;
use crate::app::RemoveDialog;
use crate::format;

/// Draws the dialog centred over `area`; ages are counted back from `now`,
/// the time of the snapshot on screen.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    dialog: &RemoveDialog,
    now: SystemTime,
    theme: &Theme,
) {
    let q = &dialog.queue;
    let label = |text: &'static str| Span::styled(text, theme.dim());
    let loss = match dialog.live {
        Some((messages, bytes)) => Span::styled(
            format!(
                "{}, {}",
                format::plural(messages, "message"),
                format::size(bytes)
            ),
            theme.alert(),
        ),
        None => Span::styled("nothing: the queue is gone or was replaced", theme.dim()),
    };
    let mut lines = vec![
        Line::from(vec![
            label(" key "),
            Span::raw(format::key(q.key)),
            label(" · id "),
            Span::raw(q.id.to_string()),
            label(" · owner "),
            Span::raw(format::sanitize(&dialog.owner).into_owned()),
        ]),
        Line::from(vec![label(" will lose "), loss]),
        Line::from(vec![
            label(" last sender   "),
            Span::raw(dialog.sender.clone()),
        ]),
        Line::from(vec![
            label(" last receiver "),
            Span::raw(dialog.receiver.clone()),
        ]),
        Line::from(vec![
            label(" created/changed "),
            Span::raw(format::timestamp(q.ctime, now)),
        ]),
    ];
    match &dialog.blocked {
        None => lines.push(Line::styled(" looking for blocked processes…", theme.dim())),
        Some(tasks) if tasks.is_empty() && dialog.unchecked > 0 => {
            lines.push(Line::styled(
                format!(
                    " no process found blocked on it ({} could not be checked)",
                    format::plural(u64::from(dialog.unchecked), "task")
                ),
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
                    .take(DIALOG_TASKS)
                    .map(|t| Line::raw(format!("   {t}"))),
            );
            if tasks.len() > DIALOG_TASKS {
                lines.push(Line::raw(format!(
                    "   and {} more",
                    tasks.len() - DIALOG_TASKS
                )));
            }
        }
    }
    lines.push(Line::raw(""));
    let tasks = dialog.blocked.as_ref().map_or(0, Vec::len);
    if remove_dialog_height(tasks) <= area.height {
        lines.push(Line::from(vec![
            Span::styled(" y", theme.heading()),
            Span::raw(" remove   "),
            Span::styled("n", theme.heading()),
            Span::raw(" / "),
            Span::styled("Esc", theme.heading()),
            Span::raw(" keep it"),
        ]));
    } else {
        lines.insert(
            0,
            Line::styled(
                " enlarge the terminal to answer · n keeps it",
                theme.alert(),
            ),
        );
    }
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 4;
    let height = lines.len() as u16 + 2;
    let popup = area.centered(
        Constraint::Length(width.max(40)),
        Constraint::Length(height),
    );
    frame.render_widget(Clear, popup);
    let title = format!(" remove queue {}? ", q.id);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(title, theme.alert()))),
        popup,
    );
}
