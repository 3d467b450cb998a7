//! The frame around the tables: header, tab bar, footer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::style::Theme;
use super::table::spans;
use crate::app::{App, Mode, Tab};
use crate::format;
use crate::kinds::ObjectKind;
use crate::kinds::sysv_msg::SysvMsg;

/// Lays `left` and `right` out on one line, `right` flush right; `None`
/// when both do not fit.
fn spread<'a>(left: &[Span<'a>], right: &[Span<'a>], width: u16) -> Option<Line<'a>> {
    let used = |spans: &[Span<'_>]| spans.iter().map(Span::width).sum::<usize>();
    let gap = usize::from(width).checked_sub(used(left) + used(right))?;
    let mut spans = left.to_vec();
    spans.push(Span::raw(" ".repeat(gap)));
    spans.extend_from_slice(right);
    Some(Line::from(spans))
}

/// `ipctop · ns ipc:[…] · every 1s · PAUSED` and the totals.
pub fn header(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let mut left = vec![Span::styled(" ipctop", theme.heading())];
    if let Some(snap) = &app.snapshot {
        left.push(Span::raw(format!(" · ns ipc:[{}]", snap.namespace)));
    }
    left.push(Span::raw(format!(
        " · every {}",
        format::interval(app.interval)
    )));
    if let Some(snap) = &app.snapshot {
        for note in SysvMsg::header_notes(snap) {
            left.extend(spans(note, theme));
        }
    }
    if app.paused {
        left.push(Span::raw(" · "));
        left.push(Span::styled("PAUSED", theme.alert()));
    }
    // The longest summary that fits, down to none.
    let summaries = match &app.snapshot {
        Some(snap) => SysvMsg::summaries(snap),
        None => vec!["reading… ".to_owned()],
    };
    let line = summaries
        .into_iter()
        .find_map(|text| spread(&left, &[Span::raw(text)], area.width))
        .unwrap_or_else(|| Line::from(left));
    frame.render_widget(Paragraph::new(line), area);
}

/// `[1 Queues] 2 Shm …` and the filter.
pub fn tabs(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let mut left = vec![Span::raw(" ")];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let label = format!("{} {}", i + 1, tab.title());
        if *tab == app.tab {
            left.push(Span::styled(format!("[{label}]"), theme.selected()));
        } else {
            left.push(Span::raw(format!(" {label} ")));
        }
        left.push(Span::raw(" "));
    }
    let filter = match &app.mode {
        Mode::Filter(text) => Some(format!("{text}▏")),
        _ if !app.queues.filter.is_empty() => Some(app.queues.filter.clone()),
        _ => None,
    };
    let line = match filter {
        Some(f) => {
            let right = [
                Span::styled("filter: /", theme.dim()),
                Span::raw(format::sanitize(&f).into_owned()),
                Span::raw(" "),
            ];
            spread(&left, &right, area.width).unwrap_or_else(|| Line::from(right.to_vec()))
        }
        None => Line::from(left),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Key hints, or what the filter prompt accepts, and the status.
pub fn footer(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let pause = if app.paused { "p resume" } else { "p pause" };
    let hints = match &app.mode {
        _ if app.help => " Esc / q close help · Ctrl-C quit".to_owned(),
        Mode::Filter(_) => " type to filter · Enter apply · Esc clear".to_owned(),
        Mode::Peek(view) if view.opened.is_some() => {
            " ↑↓ scroll · x text/hex · w save · Esc back · ? help".to_owned()
        }
        Mode::Peek(_) => {
            " Enter open · t msgrcv preview · w save · n more · r reread · Esc back · ? help"
                .to_owned()
        }
        Mode::ConfirmRemove(_) => " y remove · n / Esc keep".to_owned(),
        Mode::Browse if app.read_only => {
            format!(" Enter peek · / filter · s sort · {pause} · ? help · q quit · READ-ONLY")
        }
        Mode::Browse => {
            format!(" Enter peek · d delete · / filter · s sort · {pause} · ? help · q quit")
        }
    };
    let left = [Span::styled(hints, theme.dim())];
    let line = match &app.status {
        Some(status) => {
            let style = if status.error {
                theme.alert()
            } else {
                Style::new()
            };
            let text = format!("{} ", format::sanitize(&status.text));
            let right = [Span::styled(text.clone(), style)];
            // The status matters more than the hints; too long even alone,
            // it loses its middle, so its subject and outcome stay.
            spread(&left, &right, area.width).unwrap_or_else(|| {
                let short = format::ellipsize_middle(&text, usize::from(area.width));
                Line::from(Span::styled(short, style))
            })
        }
        None => Line::from(left.to_vec()),
    };
    frame.render_widget(Paragraph::new(line), area);
}
