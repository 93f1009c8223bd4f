//! One frame: a pure function of the store's state and the app's view state. No I/O, no
//! clock, no awaiting: the same state and app give the same cells.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{App, InputKind, Top};
use super::views;
use super::widgets::{clean, truncate, width};
use crate::model::Mode;
use crate::store::State;

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the whole console.
pub fn draw(frame: &mut Frame, app: &App, state: &State) {
    draw_frame(frame, app, state);
}

/// Draws the whole console; where the cursor is shown, if it is (the command line's end).
pub fn draw_frame(frame: &mut Frame, app: &App, state: &State) -> Option<Position> {
    let area = frame.area();
    let theme = &app.theme;
    frame.render_widget(Block::default().style(theme.base), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app);
        return None;
    }
    let message = match (&app.input, &app.message) {
        (None, Some(m)) => message_rows(&clean(&m.text), usize::from(area.width), MESSAGE_ROWS),
        _ => Vec::new(),
    };
    let prompt = app.input.is_some() || !message.is_empty();
    let prompt_rows = if app.input.is_some() {
        1
    } else {
        message.len()
    };
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(prompt_rows as u16),
        Constraint::Length(1),
    ])
    .split(area);
    header(frame, rows[0], app, state);
    tabs(frame, rows[1], app);
    views::draw_body(frame, rows[2], app, state);
    let mut cursor = None;
    if prompt {
        cursor = prompt_line(frame, rows[3], app, message, app.search_count(state));
        completion_list(frame, rows[2], rows[3], app);
    }
    status(frame, rows[4], app, state);
    guard(frame);
    cursor
}

/// Belt and braces: whatever a view forgot to sanitize, no control character leaves as a
/// cell (the views already strip escape sequences from untrusted text).
fn guard(frame: &mut Frame) {
    let buf = frame.buffer_mut();
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(char::is_control) {
            cell.set_symbol(" ");
        }
    }
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let text = vec![
        Line::from(Span::styled("Terminal too small", app.theme.bad)),
        Line::from(format!("{}×{}", area.width, area.height)),
        Line::from(format!(
            "intransit needs at least {MIN_WIDTH}×{MIN_HEIGHT}."
        )),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    let h = (text.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let r = Rect {
        x: area.x,
        y,
        width: area.width,
        height: h,
    };
    frame.render_widget(
        Paragraph::new(text)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: true })
            .style(app.theme.base),
        r,
    );
}

/// Who the scan ran as: the session name of the base identity.
pub fn caller(state: &State) -> Option<String> {
    let entered = || {
        state
            .estate
            .accounts
            .iter()
            .filter(|a| a.caller_arn.is_some())
    };
    let base = entered()
        .find(|a| a.assumed_role.is_none())
        .or_else(|| entered().next())?;
    let arn = base.caller_arn.as_deref().unwrap_or_default();
    let who = arn
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(arn);
    let account = match &base.name {
        Some(n) => format!("{} {}", base.id, n),
        None => base.id.clone(),
    };
    let more = state.estate.accounts.len().saturating_sub(1);
    let more = if more > 0 {
        format!(" +{more} account{}", if more == 1 { "" } else { "s" })
    } else {
        String::new()
    };
    Some(clean(&format!("{who} · {account}{more}")))
}

fn header(frame: &mut Frame, area: Rect, app: &App, state: &State) {
    let t = &app.theme;
    let mode = state.meta.mode;
    let badge = match mode {
        Mode::Demo => t.badge_demo,
        Mode::Live => t.badge_live,
        Mode::Snapshot => t.badge_snapshot,
    };
    let mut left = vec![
        Span::styled(" intransit ", t.title),
        Span::styled(format!(" {} ", mode.badge()), badge),
        Span::raw(" "),
        Span::styled(" READ-ONLY ", t.badge_readonly),
        Span::raw("  "),
    ];
    let regions = clean(&state.meta.regions.join(" "));
    let used: usize = left.iter().map(|s| width(&s.content)).sum();
    let who_w = caller(state).map(|w| width(&w)).unwrap_or(0);
    // The caller matters more than the regions (the diagram shows those).
    let right = if regions.is_empty()
        || used + who_w.min(40) + width(&regions) + 3 > usize::from(area.width)
    {
        String::new()
    } else {
        format!("{regions} ")
    };
    let room = usize::from(area.width).saturating_sub(used + width(&right) + 2);
    if let Some(who) = caller(state) {
        left.push(Span::styled(truncate(&who, room).into_owned(), t.header));
    }
    let used: usize = left.iter().map(|s| width(&s.content)).sum();
    let gap = usize::from(area.width).saturating_sub(used + width(&right));
    left.push(Span::styled(" ".repeat(gap), t.header));
    if used + width(&right) <= usize::from(area.width) {
        left.push(Span::styled(right, t.muted.patch(t.header)));
    }
    frame.render_widget(Paragraph::new(Line::from(left)).style(t.header), area);
}

fn tabs(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let current = app.top();
    let mut spans = vec![Span::raw(" ")];
    let labels = views::tab_labels(current, area.width);
    for (i, (top, label)) in Top::ALL.iter().zip(labels).enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        if *top == current {
            spans.push(Span::styled(
                label,
                t.accent.add_modifier(Modifier::UNDERLINED),
            ));
        } else {
            let (key, rest) = label.split_at(1);
            spans.push(Span::styled(key.to_string(), t.key));
            spans.push(Span::styled(rest.to_string(), t.muted));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.base), area);
}

fn prompt_line(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    message: Vec<String>,
    count: Option<usize>,
) -> Option<Position> {
    let t = &app.theme;
    let mut cursor = None;
    let line = if let Some(input) = &app.input {
        let (sigil, hint) = match input.kind {
            InputKind::Filter => ("/", "  Enter keeps · Esc clears · !word excludes".into()),
            InputKind::Command => (":", "  Enter runs · Tab completes · Esc cancels".into()),
            InputKind::Search => (
                "/",
                match count {
                    Some(1) => "  1 line matches · Enter keeps · n / N next, previous".into(),
                    Some(n) => format!("  {n} lines match · Enter keeps · n / N next, previous"),
                    None => "  search this view · Enter keeps · n / N next, previous".into(),
                },
            ),
        };
        let (text, hint) = input_shown(&clean(&input.text), hint, usize::from(area.width));
        let cursor_x = area.x + 1 + width(&text) as u16;
        let at = Position::new(cursor_x.min(area.right().saturating_sub(1)), area.y);
        frame.set_cursor_position(at);
        cursor = Some(at);
        Line::from(vec![
            Span::styled(sigil, t.key),
            Span::styled(text, t.base.add_modifier(Modifier::BOLD)),
            Span::styled(hint, t.muted),
        ])
    } else if let Some(m) = &app.message {
        let style = if m.error { t.error } else { t.good };
        let lines: Vec<Line> = message
            .into_iter()
            .map(|row| Line::from(Span::styled(format!(" {row}"), style)))
            .collect();
        frame.render_widget(Paragraph::new(lines).style(t.base), area);
        return None;
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line).style(t.base), area);
    cursor
}

/// What fits of the typed text and its hint on a `w`-cell line after the sigil, with room for
/// the cursor: the hint whole or not at all, and the text's end (where the cursor is) when
/// the text alone is too long, behind `…`.
fn input_shown(text: &str, hint: String, w: usize) -> (String, String) {
    let room = w.saturating_sub(2);
    if width(text) + width(&hint) <= room {
        return (text.to_string(), hint);
    }
    if width(text) <= room {
        return (text.to_string(), String::new());
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > room {
            break;
        }
        tail.push(c);
        used += cw;
    }
    let shown: String = std::iter::once('…').chain(tail.into_iter().rev()).collect();
    (shown, String::new())
}

/// A message takes up to this many rows above the status bar (a console URL is shown whole,
/// to be opened by hand).
const MESSAGE_ROWS: usize = 3;

/// `text` in at most `max` rows of a `w`-cell line (after a leading space): words wrapped, a
/// word longer than a row (a URL) starting a row and broken across the next, `…` where it
/// still does not fit.
pub fn message_rows(text: &str, w: usize, max: usize) -> Vec<String> {
    let room = w.saturating_sub(1).max(1);
    let mut rows = vec![String::new()];
    let mut used = 0;
    for word in text.split_whitespace() {
        let ww = width(word);
        let gap = usize::from(used > 0);
        if used > 0 && used + gap + ww > room {
            rows.push(String::new());
            used = 0;
        } else if used > 0 {
            rows.last_mut().expect("a row").push(' ');
            used += 1;
        }
        for c in word.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cw > room {
                rows.push(String::new());
                used = 0;
            }
            rows.last_mut().expect("a row").push(c);
            used += cw;
        }
    }
    if rows.len() > max {
        rows.truncate(max);
        let last = rows.last_mut().expect("a row");
        *last = truncate(&format!("{last}…"), room).into_owned();
    }
    rows
}

/// Tab's candidates, in a box over the bottom of the body, just above the command line.
fn completion_list(frame: &mut Frame, body: Rect, prompt: Rect, app: &App) {
    let Some(c) = app.completion() else {
        return;
    };
    let t = &app.theme;
    let shown = c.items.len().min(super::complete::SHOWN);
    let start = c.at.map_or(0, |at| at.saturating_sub(shown - 1));
    let mut lines: Vec<Line> = c.items[start..start + shown]
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let style = if Some(start + i) == c.at {
                t.selected
            } else {
                t.base
            };
            Line::from(Span::styled(format!(" {} ", clean(item)), style))
        })
        .collect();
    if c.items.len() > shown {
        let where_ = match c.at {
            Some(i) => format!(" {} of {} (Tab: next)", i + 1, c.items.len()),
            None => format!(" {} candidates (Tab: next)", c.items.len()),
        };
        lines.push(Line::from(Span::styled(where_, t.muted)));
    }
    let inner_w = lines.iter().map(|l| l.width()).max().unwrap_or(0) as u16;
    let w = (inner_w + 2).min(body.width);
    let h = (lines.len() as u16 + 2).min(body.height);
    let area = Rect {
        x: prompt.x,
        y: prompt.y.saturating_sub(h),
        width: w,
        height: h,
    };
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(t.border)
                .title(Span::styled(" Tab ", t.key)),
        ),
        area,
    );
}

/// Total fetch errors: estate-wide plus those recorded on buckets and workgroups.
pub fn error_count(state: &State) -> usize {
    state.estate.fetch_error_count()
}

fn fetcher_short(name: &str) -> &str {
    match name {
        "organizations" => "org",
        "directconnect" => "dx",
        other => other,
    }
}

fn status(frame: &mut Frame, area: Rect, app: &App, state: &State) {
    let t = &app.theme;
    let mut left: Vec<Span> = vec![Span::raw(" ")];
    if app.scan_done(state) {
        let done = match state.meta.mode {
            Mode::Snapshot => match &state.meta.finished_at {
                Some(at) => format!("snapshot of {}", clean(at)),
                None => "snapshot loaded".to_string(),
            },
            _ => "scan complete".to_string(),
        };
        left.push(Span::styled(format!("✔ {done}"), t.good));
        left.push(Span::styled(
            format!(
                " · {} buckets · {} workgroups",
                state.estate.buckets.len(),
                state.estate.workgroups.len()
            ),
            t.muted,
        ));
    } else {
        let frame_glyph = SPINNER[app.spinner % SPINNER.len()];
        left.push(Span::styled(format!("{frame_glyph} scanning"), t.accent));
        for p in state.progress.values() {
            let total = p.done + p.failed + p.in_flight + p.queued;
            let finished = p.finished();
            left.push(Span::styled(
                format!(
                    " {} {}/{}{}",
                    fetcher_short(&p.fetcher),
                    p.done + p.failed,
                    total,
                    if finished { " ✔" } else { "" }
                ),
                if finished { t.muted } else { t.base },
            ));
        }
    }
    let errors = error_count(state);
    let err_style = if errors > 0 { t.error } else { t.muted };
    let mut right = vec![
        Span::styled(format!("{} errors", errors), err_style),
        Span::styled(" ·", t.muted),
    ];
    // The hints of the keys bound here, from the binding table.
    for b in app.bindings.in_view(app.view().kind()) {
        if let (Some(word), Some(key)) = (&b.hint, b.keys.first()) {
            right.push(Span::styled(format!(" {key}"), t.key));
            right.push(Span::styled(format!(" {word}"), t.muted));
        }
    }
    right.push(Span::raw(" "));
    let rw: usize = right.iter().map(|s| width(&s.content)).sum();
    let w = usize::from(area.width);
    let left = super::widgets::fit(left, w.saturating_sub(rw + 1));
    let mut spans = left;
    spans.push(Span::raw(" "));
    spans.extend(right);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(t.base.patch(Style::default())),
        area,
    );
}

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn a_long_input_shows_its_end_and_drops_the_hint_it_cannot_fit_whole() {
        let hint = || "  Enter runs".to_string();
        assert_eq!(
            input_shown("abc", hint(), 20),
            ("abc".into(), "  Enter runs".into())
        );
        assert_eq!(
            input_shown("abcdefghij", hint(), 20),
            ("abcdefghij".into(), String::new())
        );
        let (shown, h) = input_shown(&("x".repeat(30) + "END"), hint(), 20);
        assert_eq!((shown.as_str(), h.as_str()), ("…xxxxxxxxxxxxxxEND", ""));
        assert_eq!(
            width(&shown),
            18,
            "one cell for the sigil, one for the cursor"
        );
    }

    #[test]
    fn a_message_wraps_by_words_and_breaks_a_url_across_rows() {
        assert_eq!(message_rows("copied 35 bytes", 80, 3), ["copied 35 bytes"]);
        assert_eq!(
            message_rows("one two three four", 11, 3),
            ["one two", "three four"]
        );
        let url = "https://eu-west-1.console.aws.amazon.com/s3/buckets/b?region=eu-west-1";
        let rows = message_rows(&format!("copied {url}"), 41, 3);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0], "copied", "a URL starts a row of its own");
        assert!(rows.iter().all(|r| width(r) <= 40), "{rows:?}");
        assert_eq!(rows.concat(), format!("copied{url}"));
    }

    #[test]
    fn what_does_not_fit_in_the_rows_ends_in_an_ellipsis() {
        let rows = message_rows(&"word ".repeat(40), 21, 2);
        assert_eq!(rows.len(), 2);
        assert!(rows[1].ends_with('…'), "{rows:?}");
        assert!(rows.iter().all(|r| width(r) <= 20), "{rows:?}");
        let rows = message_rows(&"x".repeat(100), 11, 2);
        assert_eq!(rows, ["xxxxxxxxxx", "xxxxxxxxx…"]);
    }
}
