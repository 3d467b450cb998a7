//! The frame around the tables: header, tab bar, footer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format;
use super::style::Theme;
use crate::app::{App, Mode, Tab};

/// Lays `left` and `right` out on one line; `right` is dropped when both
/// do not fit.
fn spread<'a>(left: Vec<Span<'a>>, right: Vec<Span<'a>>, width: u16) -> Line<'a> {
    let width = usize::from(width);
    let used = |spans: &[Span<'_>]| spans.iter().map(Span::width).sum::<usize>();
    let (l, r) = (used(&left), used(&right));
    let mut spans = left;
    if l + r < width {
        spans.push(Span::raw(" ".repeat(width - l - r)));
        spans.extend(right);
    }
    Line::from(spans)
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
    if app.paused {
        left.push(Span::raw(" · "));
        left.push(Span::styled("PAUSED", theme.alert()));
    }
    let right = match &app.snapshot {
        Some(snap) => {
            let msg = &snap.msg;
            vec![Span::raw(format!(
                "{} queues/{} · {} msgs · {} · msgmax {} · msgmnb {} ",
                format::count(msg.queues.len() as u64),
                format::count(msg.limits.msgmni),
                format::count(msg.total_messages()),
                format::size(msg.total_bytes()),
                format::size(msg.limits.msgmax),
                format::size(msg.limits.msgmnb),
            ))]
        }
        None => vec![Span::styled("reading… ", theme.dim())],
    };
    frame.render_widget(Paragraph::new(spread(left, right, area.width)), area);
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
    let right = filter
        .map(|f| {
            vec![
                Span::styled("filter: /", theme.dim()),
                Span::raw(format::sanitize(&f).into_owned()),
                Span::raw(" "),
            ]
        })
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(spread(left, right, area.width)), area);
}

/// Key hints, or what the filter prompt accepts, and the status.
pub fn footer(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let hints = match app.mode {
        Mode::Filter(_) => " type to filter · Enter apply · Esc clear",
        Mode::Help => " Esc close help · q quit",
        Mode::Browse => " / filter · s sort · p pause · +/- interval · r refresh · ? help · q quit",
    };
    let left = vec![Span::styled(hints, theme.dim())];
    let right = match &app.status {
        Some(status) => {
            let style = if status.error {
                theme.alert()
            } else {
                ratatui::style::Style::new()
            };
            vec![Span::styled(
                format!("{} ", format::sanitize(&status.text)),
                style,
            )]
        }
        None => Vec::new(),
    };
    // The status matters more than the hints: when both do not fit, show it.
    let line = if right.is_empty() {
        Line::from(left)
    } else {
        let l: usize = left.iter().map(Span::width).sum();
        let r: usize = right.iter().map(Span::width).sum();
        if l + r < usize::from(area.width) {
            spread(left, right, area.width)
        } else {
            Line::from(right)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}
