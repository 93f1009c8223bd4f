//! What a view is: the behaviour every view provides, in its own file. The console's
//! machinery (keys, the stack, drawing the frame) asks the current view through [`Page`] and
//! never matches on which view it is; `views::register!` lists the views once.
//!
//! A view is a document (its lines, some of them links: the Overview, the diagram, every
//! detail) or a table (rows, a filter, a sort). The defaults are a document's; a table
//! overrides `len`, `link`, `draw` and what it filters and sorts.

use std::collections::HashSet;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::{App, Link};
use super::table::TableSort;
use super::theme::Theme;
use super::widgets::{Column, Doc, ListNav, draw_doc};
use crate::compliance::Evaluation;
use crate::store::State;

/// What a view reads while it answers: the console and the store's state.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub app: &'a App,
    pub state: &'a State,
}

impl<'a> Cx<'a> {
    pub fn new(app: &'a App, state: &'a State) -> Cx<'a> {
        Cx { app, state }
    }

    pub fn eval(&self) -> Option<&'a Evaluation> {
        self.app.evaluation()
    }

    pub fn theme(&self) -> &'a Theme {
        &self.app.theme
    }

    /// The width a view's content has (inside the panel border).
    pub fn width(&self) -> usize {
        self.app.body_width()
    }
}

/// What a view may follow when the store or the evaluation changed.
pub struct Fresh<'a> {
    pub state: &'a State,
    /// The evaluation and the store version it was made from.
    pub eval: Option<(u64, &'a Evaluation)>,
    /// Buckets that changed since the baseline.
    pub changed: &'a Arc<HashSet<String>>,
}

/// The behaviour of one view. Every method but the first three has a document view's default.
pub trait Page {
    fn nav(&self) -> &ListNav;
    fn nav_mut(&mut self) -> &mut ListNav;
    /// The breadcrumb naming this view on the stack.
    fn crumb(&self, eval: Option<&Evaluation>) -> String;

    /// The lines a document view shows; `None` for a table.
    fn doc(&self, _cx: Cx) -> Option<Arc<Doc>> {
        None
    }

    /// Rows (a table) or lines (a document).
    fn len(&self, cx: Cx) -> usize {
        self.doc(cx).map_or(0, |d| d.len())
    }

    /// Where Enter goes from row `row`.
    fn link(&self, cx: Cx, row: usize) -> Option<Link> {
        self.doc(cx)?.link_at(row).cloned()
    }

    /// The resource a detail view is about (`Y`, `J`, `o` use it before the selection).
    fn subject(&self) -> Option<Link> {
        None
    }

    /// What `y` copies; `None`: what the selected link names.
    fn copy_text(&self, _cx: Cx) -> Option<String> {
        None
    }

    /// The right side of the panel title: counts, sort and filter.
    fn info(&self, _cx: Cx) -> String {
        String::new()
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: Cx) {
        if let Some(doc) = self.doc(cx) {
            draw_doc(frame, area, &doc, self.nav(), true, cx.theme());
        }
    }

    /// Views whose cursor stops only on links (the Overview, the diagram): `Some(placed)`,
    /// where `placed` says the operator put the cursor (until then it follows the first link).
    fn links_only(&self) -> Option<bool> {
        None
    }

    /// The operator moved a links-only cursor: it stays where they put it.
    fn placed(&mut self) {}

    /// Opened by its command, the cursor starts on the first link (the worst item first).
    fn opens_on_first_link(&self) -> bool {
        false
    }

    /// The view shows the top fixes, which are planned before it opens.
    fn shows_plan(&self) -> bool {
        false
    }

    /// The view's filter, for views that have one.
    fn filter(&self) -> Option<&str> {
        None
    }

    /// The view's filter text, to set: tables that filter as they draw need nothing else.
    fn filter_mut(&mut self) -> Option<&mut String> {
        None
    }

    /// Sets the filter (on every keystroke); the cursor goes back to the first row.
    fn set_filter(&mut self, filter: String, _state: &State) {
        if let Some(f) = self.filter_mut() {
            *f = filter;
            self.nav_mut().selected = 0;
        }
    }

    /// A table's sort, for `s`, `S` and header clicks.
    fn table_sort(&mut self) -> Option<&mut TableSort> {
        None
    }

    /// The sort changed: tables that keep their rows order them again.
    fn resorted(&mut self, _cx: &Fresh) {}

    /// `s` (next column) or `S` (reverse): what the message line says, or `None` when the view
    /// has nothing to sort.
    fn sort(&mut self, reverse: bool, cx: &Fresh) -> Option<String> {
        let cols = self.columns();
        let sort = self.table_sort()?;
        if reverse {
            sort.flip();
        } else {
            sort.next(cols.len());
        }
        let said = sort.describe(cols);
        self.resorted(cx);
        Some(said)
    }

    /// A click on column `column`'s header (with `--mouse`): sorted by it.
    fn sort_by_column(&mut self, column: usize, cx: &Fresh) -> Option<String> {
        let cols = self.columns();
        let sort = self.table_sort()?;
        sort.click(column);
        let said = sort.describe(cols);
        self.resorted(cx);
        Some(said)
    }

    /// A table's columns (none for a document).
    fn columns(&self) -> &'static [Column] {
        &[]
    }

    /// The name column and the width of its longest cell: it takes the spare width.
    fn wide(&self, _cx: Cx) -> Option<(usize, u16)> {
        None
    }

    /// Lines a table draws above its header, at `width` (a summary).
    fn header_row(&self, _cx: Cx, _width: u16) -> u16 {
        0
    }

    /// Follows the store and the evaluation (sorted and filtered rows).
    fn refresh(&mut self, _cx: &Fresh) {}

    /// Forgets derived rows (the store was replaced by a rescan).
    fn invalidate(&mut self) {}

    /// The cursor moved: a table remembers the row it is on.
    fn remember(&mut self, _state: &State) {}
}

/// `nav()` and `nav_mut()` for a view whose cursor is its `nav` field.
macro_rules! nav {
    () => {
        fn nav(&self) -> &$crate::ui::widgets::ListNav {
            &self.nav
        }
        fn nav_mut(&mut self) -> &mut $crate::ui::widgets::ListNav {
            &mut self.nav
        }
    };
}
pub(crate) use nav;
