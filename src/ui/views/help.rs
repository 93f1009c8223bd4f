//! Help (`?`): what the keys do in the view it was opened from, then every key that works
//! there (the view's own, then the global ones), the commands and how to read the screen. All
//! of it from the binding table, so Help lists exactly the keys that are bound.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::super::app::Kind;
use super::super::bindings::{Bindings, Scope};
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, width, wrap};
use crate::compliance::Evaluation;

/// Help about the view it was opened from.
#[derive(Clone, Debug)]
pub struct HelpView {
    pub about: Kind,
    pub nav: ListNav,
}

impl HelpView {
    pub fn about(about: Kind) -> HelpView {
        HelpView {
            about,
            nav: ListNav::default(),
        }
    }
}

impl Page for HelpView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Help".into()
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        let d = doc(self.about, &cx.app.bindings, cx.theme(), cx.width());
        Some(Arc::new(d))
    }
}

/// Keys and what they do, the description in one column, wrapped to the width `w`; keys
/// wider than theirs stand on a line of their own, as a man page lists an option.
fn entry(doc: &mut Doc, keys: &str, what: &str, t: &Theme, w: usize) {
    const KEY_W: usize = 20;
    let indent = " ".repeat(KEY_W + 3);
    let room = w.saturating_sub(KEY_W + 4).max(20);
    let mut rows = wrap(what, room, "", "").into_iter();
    let first = rows.next().unwrap_or_default();
    if width(keys) <= KEY_W {
        doc.push(Line::from(vec![
            Span::styled(format!("  {keys:<KEY_W$} "), t.key),
            Span::styled(first, t.base),
        ]));
    } else {
        doc.push(Span::styled(format!("  {keys}"), t.key));
        doc.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(first, t.base),
        ]));
    }
    for row in rows {
        doc.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(row, t.base),
        ]));
    }
}

pub fn doc(about: Kind, bindings: &Bindings, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    doc.heading(about.title(), t);
    for n in bindings.notes(about) {
        entry(&mut doc, &n.keys, &n.text, t, w);
    }
    doc.blank();
    doc.heading("Keys", t);
    for b in bindings.in_view(about) {
        let keys = b.keys.join(" ");
        let what = match b.scope {
            Scope::Global => b.help.clone(),
            Scope::View(_) => format!("{} (this view)", b.help),
        };
        entry(&mut doc, &keys, &what, t, w);
    }
    doc.blank();
    doc.heading("Commands (:)", t);
    for (name, aliases, what) in super::super::command::all() {
        let mut k = format!(":{name}");
        if !aliases.is_empty() {
            k.push_str(&format!(" :{}", aliases.join(" :")));
        }
        entry(&mut doc, &k, what, t, w);
    }
    doc.blank();
    doc.heading("Reading the screen", t);
    for text in [
        "✔ enforced: every plain-HTTP request to the bucket and its objects is denied",
        "◐ partial: some plain-HTTP requests are denied, others accepted (see the gaps)",
        "✘ not enforced: plain HTTP is accepted",
        "? unknown: the policy could not be read, or not decided within the analysis budget",
        "Colour is never the only signal: every status has a glyph and a word.",
        "Set NO_COLOR=1 for no colour; --theme default|dark|light|high-contrast|colorblind.",
    ] {
        doc.para(text, w, "  ", "    ", t.base);
    }
    doc
}
