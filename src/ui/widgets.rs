//! Building blocks shared by the views: list navigation, scrolling documents with links,
//! tables that only build their visible rows, status glyphs, truncation and wrapping.

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthChar;

use super::app::Link;
use super::theme::Theme;
use crate::policy::Verdict;
use crate::text::sanitize;

/// Untrusted text (anything that came from AWS or a policy) made safe for the screen.
pub fn clean(s: &str) -> String {
    sanitize(s).into_owned()
}

/// Same as [`clean`], borrowing when nothing had to be removed.
pub fn clean_cow(s: &str) -> Cow<'_, str> {
    sanitize(s)
}

/// A status with its glyph and word: colour is never the only signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Bad,
    Unknown,
    Warn,
    Good,
    Info,
}

impl Status {
    pub fn glyph(self) -> &'static str {
        match self {
            Status::Good => "✔",
            Status::Warn => "◐",
            Status::Bad => "✘",
            Status::Unknown => "?",
            Status::Info => "·",
        }
    }

    pub fn of_verdict(v: Verdict) -> Status {
        match v {
            Verdict::Enforced => Status::Good,
            Verdict::Partial => Status::Warn,
            Verdict::NotEnforced => Status::Bad,
            Verdict::Unknown => Status::Unknown,
        }
    }
}

/// `✘ not enforced`: the verdict as glyph and words.
pub fn verdict_text(v: Verdict) -> String {
    format!("{} {}", v.glyph(), verdict_word(v))
}

pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Enforced => "enforced",
        Verdict::Partial => "partial",
        Verdict::NotEnforced => "not enforced",
        Verdict::Unknown => "unknown",
    }
}

pub fn verdict_span(v: Verdict, theme: &Theme) -> Span<'static> {
    Span::styled(verdict_text(v), theme.verdict(v))
}

pub fn status_span(s: Status, text: impl Into<String>, theme: &Theme) -> Span<'static> {
    Span::styled(format!("{} {}", s.glyph(), text.into()), theme.status(s))
}

/// `s` cut to `w` cells (with `…`) and padded to exactly `w`: a column of a document's lines.
pub fn column(s: &str, w: usize) -> String {
    let cut = truncate(s, w);
    let pad = w.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(pad))
}

/// The width of a document column: its widest cell, up to `cap`.
pub fn column_width<'a>(cells: impl IntoIterator<Item = &'a str>, cap: usize) -> usize {
    cells.into_iter().map(width).max().unwrap_or(0).min(cap)
}

/// Display width of a string (cells).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to `max` cells, with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Spans cut (with `…`) and padded to exactly `w` cells.
pub fn fit(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| width(&s.content)).sum();
    let mut out = Vec::with_capacity(spans.len() + 1);
    if total <= w {
        out.extend(spans);
        if total < w {
            out.push(Span::raw(" ".repeat(w - total)));
        }
        return out;
    }
    if w == 0 {
        return out;
    }
    let budget = w - 1;
    let mut used = 0;
    let mut last_style = Style::default();
    for s in spans {
        last_style = s.style;
        let sw = width(&s.content);
        if used + sw <= budget {
            used += sw;
            out.push(s);
            continue;
        }
        let mut t = String::new();
        for c in s.content.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > budget {
                break;
            }
            t.push(c);
            used += cw;
        }
        out.push(Span::styled(t, s.style));
        break;
    }
    out.push(Span::styled("…", last_style));
    used += 1;
    if used < w {
        out.push(Span::raw(" ".repeat(w - used)));
    }
    out
}

/// Words of `text` wrapped to `w` cells; the first line after `first`, the others after `rest`.
pub fn wrap(text: &str, w: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = first.to_string();
    let mut cur_w = width(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        let ww = width(word);
        if !empty && cur_w + 1 + ww > w {
            lines.push(std::mem::take(&mut cur));
            cur = rest.to_string();
            cur_w = width(rest);
            empty = true;
        }
        if !empty {
            cur.push(' ');
            cur_w += 1;
        }
        // A single word longer than the line is hard-cut.
        let room = w.saturating_sub(cur_w).max(8);
        if ww > room {
            cur.push_str(&truncate(word, room));
            cur_w += room;
        } else {
            cur.push_str(word);
            cur_w += ww;
        }
        empty = false;
    }
    if !empty || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Selection and scroll position of a list. The offset is adjusted while drawing (like
/// ratatui's `TableState`), so it lives in a `Cell`.
#[derive(Clone, Debug, Default)]
pub struct ListNav {
    pub selected: usize,
    offset: Cell<usize>,
    page: Cell<usize>,
}

impl ListNav {
    pub fn at(selected: usize) -> ListNav {
        ListNav {
            selected,
            ..ListNav::default()
        }
    }

    pub fn offset(&self) -> usize {
        self.offset.get()
    }

    /// Rows per page as last drawn (at least 1).
    pub fn page(&self) -> usize {
        self.page.get().max(1)
    }

    /// Shows the list from its first row (the selection is kept in view when drawn).
    pub fn to_top(&mut self) {
        self.offset.set(0);
    }

    /// Moves the first row shown by `delta` (the window keeps it within the list).
    pub fn scroll_by(&mut self, delta: isize) {
        let off = self.offset.get() as isize + delta;
        self.offset.set(off.max(0) as usize);
    }

    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    pub fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.selected = 0;
            return;
        }
        let cur = self.selected.min(len - 1) as isize;
        self.selected = (cur + delta).clamp(0, len as isize - 1) as usize;
    }

    /// The rows to show in `height` lines, keeping the selection visible.
    pub fn window(&self, len: usize, height: usize) -> Range<usize> {
        self.page.set(height);
        if height == 0 || len == 0 {
            return 0..0;
        }
        let sel = self.selected.min(len - 1);
        let mut off = self.offset.get();
        if sel < off {
            off = sel;
        }
        if sel >= off + height {
            off = sel + 1 - height;
        }
        if off + height > len {
            off = len.saturating_sub(height);
        }
        self.offset.set(off);
        off..(off + height).min(len)
    }
}

/// One line of a document view, optionally a link Enter follows.
#[derive(Clone, Debug)]
pub struct DocLine {
    pub line: Line<'static>,
    pub link: Option<Link>,
}

/// A scrolling document: detail views, the overview, help.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub lines: Vec<DocLine>,
}

impl Doc {
    pub fn push(&mut self, line: impl Into<Line<'static>>) {
        self.lines.push(DocLine {
            line: line.into(),
            link: None,
        });
    }

    pub fn link(&mut self, line: impl Into<Line<'static>>, link: Link) {
        self.lines.push(DocLine {
            line: line.into(),
            link: Some(link),
        });
    }

    pub fn blank(&mut self) {
        self.push(Line::default());
    }

    pub fn heading(&mut self, text: impl Into<String>, theme: &Theme) {
        self.push(Line::from(Span::styled(text.into(), theme.title)));
    }

    /// A paragraph wrapped to `w` cells, each line in `style`.
    pub fn para(&mut self, text: &str, w: usize, first: &str, rest: &str, style: Style) {
        for l in wrap(text, w, first, rest) {
            self.push(Line::from(Span::styled(l, style)));
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn link_at(&self, i: usize) -> Option<&Link> {
        self.lines.get(i).and_then(|l| l.link.as_ref())
    }

    /// The next line with a link after (or before) `from`.
    pub fn next_link(&self, from: usize, forward: bool) -> Option<usize> {
        if forward {
            (from + 1..self.lines.len()).find(|&i| self.lines[i].link.is_some())
        } else {
            (0..from.min(self.lines.len()))
                .rev()
                .find(|&i| self.lines[i].link.is_some())
        }
    }

    pub fn first_link(&self) -> Option<usize> {
        self.lines.iter().position(|l| l.link.is_some())
    }
}

/// A bordered block with the view's title (breadcrumbs) on the top border.
pub fn panel<'a>(title: Line<'a>, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(ratatui::widgets::BorderType::Rounded)
        .border_style(theme.border)
        .title(title)
        .style(theme.base)
}

/// The selected row: one even bar in reverse video (the row's glyphs and words stay, its
/// colours go, so the bar reads the same in every theme and with NO_COLOR).
pub fn selected_line(spans: Vec<Span<'static>>, theme: &Theme) -> Line<'static> {
    let style = Style::new()
        .fg(theme.base.fg.unwrap_or_default())
        .bg(theme.base.bg.unwrap_or_default())
        .add_modifier(ratatui::style::Modifier::REVERSED);
    Line::from(
        spans
            .into_iter()
            .map(|s| Span::styled(s.content, style))
            .collect::<Vec<_>>(),
    )
    .style(style)
}

/// Draws `doc` in `area` with the cursor line in reverse video.
pub fn draw_doc(
    frame: &mut Frame,
    area: Rect,
    doc: &Doc,
    nav: &ListNav,
    cursor: bool,
    theme: &Theme,
) {
    let range = nav.window(doc.len(), usize::from(area.height));
    let sel = nav.selected;
    let w = usize::from(area.width);
    let lines: Vec<Line> = range
        .map(|i| {
            let l = &doc.lines[i];
            let long = l.line.width() > w;
            if cursor && i == sel {
                selected_line(fit(l.line.spans.clone(), w), theme)
            } else if long {
                Line::from(fit(l.line.spans.clone(), w)).style(l.line.style)
            } else {
                l.line.clone()
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).style(theme.base), area);
    scrollbar(frame, area, doc.len(), nav.offset(), theme);
}

/// A scroll thumb drawn over the border just right of `area`, when the content is taller.
pub fn scrollbar(frame: &mut Frame, area: Rect, len: usize, offset: usize, theme: &Theme) {
    let h = usize::from(area.height);
    if len <= h || h < 3 {
        return;
    }
    let thumb = (h * h / len).max(1);
    let top = (offset * (h - thumb)) / (len - h).max(1);
    let x = area.x + area.width;
    let buf = frame.buffer_mut();
    if x >= buf.area.right() {
        return;
    }
    for i in top..(top + thumb).min(h) {
        let y = area.y + i as u16;
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.set_symbol("┃").set_style(theme.accent);
        }
    }
}

/// A table column: shown when it fits, widest-first by `priority` (0 = always).
#[derive(Clone, Debug)]
pub struct Column {
    pub title: &'static str,
    pub min: u16,
    /// Share of the leftover width (0: fixed at `min`).
    pub flex: u16,
    pub priority: u8,
}

impl Column {
    pub const fn new(title: &'static str, min: u16, flex: u16, priority: u8) -> Column {
        Column {
            title,
            min,
            flex,
            priority,
        }
    }
}

/// Chooses the columns that fit `w` cells and their widths; returns (column index, width).
///
/// With `wide` (a column and the width of its longest cell), that column (the name) takes the
/// spare width first, up to what its longest cell needs; what is left goes to the flexible
/// columns by their shares.
pub fn layout_columns(cols: &[Column], w: u16, wide: Option<(usize, u16)>) -> Vec<(usize, u16)> {
    // A column is never narrower than its title and the sort arrow beside it.
    let min: Vec<u16> = cols
        .iter()
        .map(|c| c.min.max(width(c.title) as u16 + 1))
        .collect();
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| (cols[i].priority, i));
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 0;
    for i in order {
        let need = min[i] + u16::from(!chosen.is_empty());
        if used + need <= w {
            used += need;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    let mut left = w.saturating_sub(used);
    let mut extra = vec![0u16; cols.len()];
    let mut flex: Vec<u16> = cols.iter().map(|c| c.flex).collect();
    if let Some((c, want)) = wide.filter(|(c, _)| chosen.contains(c)) {
        let need = want.saturating_sub(min[c]);
        let more = need.min(left);
        extra[c] = more;
        left -= more;
        // A name that fits needs no more: the others share what is left.
        if more == need {
            flex[c] = 0;
        }
    }
    let flex_total: u16 = chosen.iter().map(|&i| flex[i]).sum();
    let mut given = 0;
    let last_flex = chosen.iter().rev().find(|&&i| flex[i] > 0).copied();
    let mut out: Vec<(usize, u16)> = Vec::new();
    for &i in &chosen {
        let mut cw = min[i] + extra[i];
        if flex_total > 0 && flex[i] > 0 {
            let share = if Some(i) == last_flex {
                left - given
            } else {
                left * flex[i] / flex_total
            };
            given += share;
            cw += share;
        }
        out.push((i, cw));
    }
    out
}

/// A table to draw: its columns, the sorted one, the wide one and how many rows it has.
pub struct Table<'a> {
    pub cols: &'a [Column],
    /// The sorted column and whether it is descending (its header gets `↑` or `↓`).
    pub sorted: Option<(usize, bool)>,
    /// The name column and the width of its longest cell ([`layout_columns`]).
    pub wide: Option<(usize, u16)>,
    pub len: usize,
}

/// Draws a table whose rows are built only for the visible window: `cell(row, column)`.
pub fn draw_table(
    frame: &mut Frame,
    area: Rect,
    table: &Table,
    nav: &ListNav,
    theme: &Theme,
    cell: &dyn Fn(usize, usize) -> Vec<Span<'static>>,
) {
    if area.height == 0 {
        return;
    }
    let (cols, len) = (table.cols, table.len);
    let layout = layout_columns(cols, area.width.saturating_sub(1).max(1), table.wide);
    let header: Vec<Span> = {
        let mut spans = Vec::new();
        for (n, &(i, w)) in layout.iter().enumerate() {
            if n > 0 {
                spans.push(Span::raw(" "));
            }
            let mut title = vec![Span::styled(cols[i].title.to_string(), theme.muted)];
            if let Some((s, descending)) = table.sorted
                && s == i
            {
                // k9s's sorter: the arrow right after the name, in the key colour.
                let arrow = super::table::TableSort::arrow_of(descending);
                title.push(Span::styled(arrow, theme.key));
            }
            spans.extend(fit(title, usize::from(w)));
        }
        spans
    };
    let mut lines = vec![Line::from(header).style(theme.title)];
    let body_h = usize::from(area.height - 1);
    let range = nav.window(len, body_h);
    for r in range.clone() {
        let mut spans = Vec::new();
        for (n, &(i, w)) in layout.iter().enumerate() {
            if n > 0 {
                spans.push(Span::raw(" "));
            }
            spans.extend(fit(cell(r, i), usize::from(w)));
        }
        lines.push(if r == nav.selected {
            selected_line(spans, theme)
        } else {
            Line::from(spans)
        });
    }
    if len == 0 {
        lines.push(Line::from(Span::styled("  (nothing to show)", theme.muted)));
    }
    frame.render_widget(Paragraph::new(lines).style(theme.base), area);
    let body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    scrollbar(frame, body, len, nav.offset(), theme);
}

/// One term of a filter: lower-case text, whether it must be there (`!word`: must not), and
/// its searcher, built once per keystroke rather than once per row.
#[derive(Clone, Debug)]
pub struct Term {
    pub want: bool,
    pub text: String,
    finder: memchr::memmem::Finder<'static>,
}

impl Term {
    fn new(want: bool, text: String) -> Term {
        let finder = memchr::memmem::Finder::new(text.as_bytes()).into_owned();
        Term { want, text, finder }
    }

    fn found_in(&self, hay: &str) -> bool {
        if self.text.contains('*') {
            hay.split_whitespace().any(|w| glob(&self.text, w))
        } else {
            self.finder.find(hay.as_bytes()).is_some()
        }
    }
}

/// Splits a filter into lower-case terms; a leading `!` negates a term. A pasted S3 ARN
/// (`arn:aws:s3:::bucket/key`) or URI (`s3://bucket/prefix`) stands for its bucket's name.
pub fn filter_terms(filter: &str) -> Vec<Term> {
    filter
        .split_whitespace()
        .map(|t| match t.strip_prefix('!') {
            Some(rest) => (false, bucket_of(rest).to_lowercase()),
            None => (true, bucket_of(t).to_lowercase()),
        })
        .filter(|(_, t)| !t.is_empty())
        .map(|(want, text)| Term::new(want, text))
        .collect()
}

/// The bucket an S3 ARN or URI names; anything else as it is.
fn bucket_of(term: &str) -> &str {
    let rest = term.strip_prefix("s3://").or_else(|| {
        term.split_once(":s3:::")
            .map(|(_, r)| r)
            .filter(|_| term.starts_with("arn:"))
    });
    match rest {
        Some(r) => r.split('/').next().unwrap_or(r),
        None => term,
    }
}

/// Whether `token` is what `glob` says, `*` standing for any run of characters, the rest
/// matched whole (`athena-*-use1`, `*-prod`).
fn glob(glob: &str, token: &str) -> bool {
    let mut parts = glob.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = token.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, p) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(p);
        }
        match rest.find(p) {
            Some(at) => rest = &rest[at + p.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether a lower-case haystack matches every term: a term with `*` a whole word of it
/// (a glob), any other term a part of it.
pub fn matches(hay: &str, terms: &[Term]) -> bool {
    terms.iter().all(|t| t.found_in(hay) == t.want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_and_fitting() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        let f = fit(vec![Span::raw("hello"), Span::raw(" world")], 8);
        let s: String = f.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(s, "hello w…");
        let f = fit(vec![Span::raw("hi")], 4);
        let s: String = f.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(s, "hi  ");
    }

    #[test]
    fn filters_take_globs_and_pasted_s3_names() {
        let hay = "athena-results-sandbox-use1 777788889999 sandbox us-east-1 not-enforced";
        let ok = |f: &str| matches(hay, &filter_terms(f));
        assert!(ok("athena-*-use1"));
        assert!(ok("*-use1 sandbox"));
        assert!(!ok("athena-*-use2"));
        assert!(!ok("results-*"), "a glob matches a whole word");
        assert!(ok("arn:aws:s3:::athena-results-sandbox-use1/2024/q.csv"));
        assert!(ok("s3://athena-results-sandbox-use1/prefix/"));
        assert!(!ok("!s3://athena-results-sandbox-use1"));
        assert!(ok("arn:aws:iam::111122223333:user/x") == hay.contains("arn:aws:iam"));
    }

    #[test]
    fn wrapping() {
        assert_eq!(
            wrap("one two three four", 10, "- ", "  "),
            vec!["- one two", "  three", "  four"]
        );
        assert_eq!(wrap("", 10, "x", "y"), vec!["x"]);
    }

    #[test]
    fn windows_follow_the_selection() {
        let mut nav = ListNav::default();
        assert_eq!(nav.window(100, 10), 0..10);
        nav.step(15, 100);
        assert_eq!(nav.window(100, 10), 6..16);
        nav.step(-3, 100);
        assert_eq!(nav.window(100, 10), 6..16);
        nav.step(-10, 100);
        assert_eq!(nav.window(100, 10), 2..12);
        nav.step(1000, 100);
        assert_eq!(nav.window(100, 10), 90..100);
    }

    #[test]
    fn columns_drop_by_priority() {
        let cols = [
            Column::new("A", 10, 1, 0),
            Column::new("B", 10, 0, 2),
            Column::new("C", 10, 1, 1),
        ];
        assert_eq!(layout_columns(&cols, 21, None), vec![(0, 10), (2, 10)]);
        assert_eq!(
            layout_columns(&cols, 40, None),
            vec![(0, 14), (1, 10), (2, 14)]
        );
    }

    #[test]
    fn the_name_column_takes_the_spare_width_it_needs_first() {
        let cols = [
            Column::new("NAME", 10, 1, 0),
            Column::new("B", 10, 0, 2),
            Column::new("C", 10, 1, 1),
        ];
        // 40 cells: 32 used, 8 spare. A name 15 wide takes 5; C gets what is left.
        assert_eq!(
            layout_columns(&cols, 40, Some((0, 15))),
            vec![(0, 15), (1, 10), (2, 10 + 3)]
        );
        // A name longer than the spare width takes all of it; nothing is left to share.
        assert_eq!(
            layout_columns(&cols, 40, Some((0, 60))),
            vec![(0, 18), (1, 10), (2, 10)]
        );
        // A dropped name column takes nothing.
        assert_eq!(
            layout_columns(&cols, 21, Some((1, 60))),
            vec![(0, 10), (2, 10)]
        );
    }
}
