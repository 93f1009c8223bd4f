//! Help (`?`): the keys of the view it was opened from, then the keys that work everywhere,
//! the filter words and the commands.

use ratatui::text::{Line, Span};

use super::super::app::Kind;
use super::super::command::COMMANDS;
use super::super::keymap::{GLOBAL, view_keys};
use super::super::theme::Theme;
use super::super::widgets::Doc;

pub fn doc(about: Kind, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    let key_w = 20;
    let line = |keys: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!("  {keys:<key_w$} "), t.key),
            Span::styled(what.to_string(), t.base),
        ])
    };
    let (name, keys) = view_keys(about);
    if about != Kind::Help {
        doc.heading(name, t);
        for (k, what) in keys {
            doc.push(line(k, what));
        }
        doc.blank();
    }
    doc.heading("Everywhere", t);
    for (k, what) in GLOBAL {
        doc.push(line(k, what));
    }
    doc.blank();
    doc.heading("Commands (:)", t);
    for (name, aliases, what) in COMMANDS {
        let mut k = format!(":{name}");
        if !aliases.is_empty() {
            k.push_str(&format!(" :{}", aliases.join(" :")));
        }
        doc.push(line(&k, what));
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
