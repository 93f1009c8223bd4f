//! Keys as data: the table in `bindings.toml` (compiled in), optionally overridden by the
//! user's `keys.toml`, maps a key in a scope (a view, or everywhere) to an [`Action`]. The
//! console dispatches on the action; Help and the status bar's hints are written from the same
//! table.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::app::Kind;

const BUILTIN: &str = include_str!("bindings.toml");

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Down,
    Up,
    First,
    Last,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Open,
    ClearOrBack,
    Back,
    NextView,
    PreviousView,
    Overview,
    Buckets,
    Workgroups,
    Connectivity,
    Compliance,
    Errors,
    Accounts,
    HelpView,
    Filter,
    Command,
    Copy,
    Write,
    Rescan,
    Help,
    Quit,
    Sort,
    ReverseSort,
    SearchNext,
    SearchPrevious,
    CopyArn,
    CopyJson,
    ConsoleUrl,
}

impl Action {
    /// Every action, for the test that each is bound.
    pub const ALL: [Action; 35] = [
        Action::Down,
        Action::Up,
        Action::First,
        Action::Last,
        Action::PageDown,
        Action::PageUp,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::Open,
        Action::ClearOrBack,
        Action::Back,
        Action::NextView,
        Action::PreviousView,
        Action::Overview,
        Action::Buckets,
        Action::Workgroups,
        Action::Connectivity,
        Action::Compliance,
        Action::Errors,
        Action::Accounts,
        Action::HelpView,
        Action::Filter,
        Action::Command,
        Action::Copy,
        Action::Write,
        Action::Rescan,
        Action::Help,
        Action::Quit,
        Action::Sort,
        Action::ReverseSort,
        Action::SearchNext,
        Action::SearchPrevious,
        Action::CopyArn,
        Action::CopyJson,
        Action::ConsoleUrl,
    ];
}

/// Where a binding works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    View(Kind),
}

/// Every view kind (the registry's list), to read scope names back.
pub const KINDS: &[Kind] = Kind::ALL;

fn scope_of(name: &str) -> Option<Scope> {
    if name == "global" {
        return Some(Scope::Global);
    }
    KINDS
        .iter()
        .find(|k| k.scope() == name)
        .map(|k| Scope::View(*k))
}

/// One key, as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Named(KeyCode),
}

impl Key {
    pub fn parse(name: &str) -> Option<Key> {
        if let Some(c) = name.strip_prefix("Ctrl-") {
            let mut chars = c.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) => Some(Key::Ctrl(c.to_ascii_lowercase())),
                _ => None,
            };
        }
        let named = match name {
            "Space" => return Some(Key::Char(' ')),
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "Shift-Tab" => KeyCode::BackTab,
            "Backspace" => KeyCode::Backspace,
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "PgUp" => KeyCode::PageUp,
            "PgDn" => KeyCode::PageDown,
            _ => {
                let mut chars = name.chars();
                return match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() => Some(Key::Char(c)),
                    _ => None,
                };
            }
        };
        Some(Key::Named(named))
    }

    /// The terminal event of this key.
    pub fn event(self) -> KeyEvent {
        match self {
            Key::Char(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Key::Named(code) => KeyEvent::new(code, KeyModifiers::NONE),
        }
    }

    /// The key a terminal event is (Shift is in the character itself).
    pub fn of(e: &KeyEvent) -> Key {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        match e.code {
            KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
            KeyCode::Char(c) => Key::Char(c),
            other => Key::Named(other),
        }
    }
}

/// One entry of the table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindEntry {
    keys: Vec<String>,
    action: Action,
    scope: String,
    #[serde(default)]
    help: String,
    #[serde(default)]
    hint: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteEntry {
    scope: String,
    keys: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    bind: Vec<BindEntry>,
    #[serde(default)]
    note: Vec<NoteEntry>,
}

/// A binding, read and checked.
#[derive(Clone, Debug)]
pub struct Binding {
    /// As written (`Ctrl-f`), for Help.
    pub keys: Vec<String>,
    pub action: Action,
    pub scope: Scope,
    pub help: String,
    /// The status bar's word for it (`quit`), when the status bar shows it.
    pub hint: Option<String>,
}

/// What a key does in one view, for Help.
#[derive(Clone, Debug)]
pub struct Note {
    pub scope: Kind,
    pub keys: String,
    pub text: String,
}

/// Why a keys file was refused.
#[derive(Debug, thiserror::Error)]
pub enum BindingsError {
    #[error("{file}: {message}")]
    Toml { file: String, message: String },
    #[error(
        "{file}: unknown scope {scope:?} (global, or a view: overview, buckets, bucket_detail, ...)"
    )]
    Scope { file: String, scope: String },
    #[error("{file}: unknown key {key:?} for {action:?}")]
    Key {
        file: String,
        key: String,
        action: Action,
    },
    #[error("{file}: {key} is bound to both {first:?} and {second:?} in {scope}")]
    Duplicate {
        file: String,
        key: String,
        first: Action,
        second: Action,
        scope: String,
    },
    #[error("cannot read {file}: {message}")]
    Io { file: String, message: String },
}

/// The table.
#[derive(Clone, Debug)]
pub struct Bindings {
    pub bindings: Vec<Binding>,
    pub notes: Vec<Note>,
    map: HashMap<(Scope, Key), Action>,
}

impl Default for Bindings {
    fn default() -> Self {
        Bindings::builtin()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::View(k) => f.write_str(k.scope()),
        }
    }
}

fn parse_file(name: &str, text: &str) -> Result<File, BindingsError> {
    toml::from_str(text).map_err(|e| BindingsError::Toml {
        file: name.to_string(),
        message: e.to_string(),
    })
}

impl Bindings {
    /// The compiled-in table.
    pub fn builtin() -> Bindings {
        let file = parse_file("bindings.toml", BUILTIN).expect("the built-in bindings parse");
        Bindings::from_entries("bindings.toml", file.bind, file.note)
            .expect("the built-in bindings are valid")
    }

    /// The built-in table with `path`'s entries replacing the keys of the actions they name.
    pub fn with_user_file(path: &Path) -> Result<Bindings, BindingsError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BindingsError::Io {
            file: name.clone(),
            message: e.to_string(),
        })?;
        Bindings::with_user_text(&name, &text)
    }

    pub fn with_user_text(name: &str, text: &str) -> Result<Bindings, BindingsError> {
        let user = parse_file(name, text)?;
        let base = parse_file("bindings.toml", BUILTIN).expect("the built-in bindings parse");
        let mut entries = base.bind;
        for u in user.bind {
            if scope_of(&u.scope).is_none() {
                return Err(BindingsError::Scope {
                    file: name.to_string(),
                    scope: u.scope,
                });
            }
            match entries
                .iter_mut()
                .find(|e| e.action == u.action && e.scope == u.scope)
            {
                Some(e) => e.keys = u.keys,
                None => entries.push(u),
            }
        }
        Bindings::from_entries(name, entries, base.note)
    }

    fn from_entries(
        file: &str,
        entries: Vec<BindEntry>,
        notes: Vec<NoteEntry>,
    ) -> Result<Bindings, BindingsError> {
        let mut map: HashMap<(Scope, Key), Action> = HashMap::new();
        let mut bindings = Vec::new();
        for e in entries {
            let scope = scope_of(&e.scope).ok_or_else(|| BindingsError::Scope {
                file: file.to_string(),
                scope: e.scope.clone(),
            })?;
            for k in &e.keys {
                let key = Key::parse(k).ok_or_else(|| BindingsError::Key {
                    file: file.to_string(),
                    key: k.clone(),
                    action: e.action,
                })?;
                let clash = map.get(&(scope, key)).copied().or(match scope {
                    Scope::View(_) => map.get(&(Scope::Global, key)).copied(),
                    Scope::Global => None,
                });
                if let Some(first) = clash.filter(|a| *a != e.action) {
                    return Err(BindingsError::Duplicate {
                        file: file.to_string(),
                        key: k.clone(),
                        first,
                        second: e.action,
                        scope: scope.to_string(),
                    });
                }
                map.insert((scope, key), e.action);
            }
            bindings.push(Binding {
                keys: e.keys,
                action: e.action,
                scope,
                help: e.help,
                hint: e.hint,
            });
        }
        let notes = notes
            .into_iter()
            .filter_map(|n| match scope_of(&n.scope) {
                Some(Scope::View(kind)) => Some(Note {
                    scope: kind,
                    keys: n.keys,
                    text: n.text,
                }),
                _ => None,
            })
            .collect();
        let out = Bindings {
            bindings,
            notes,
            map,
        };
        out.check_views_against_globals(file)?;
        Ok(out)
    }

    /// A view's key that is also a global key for another action is a clash, whichever of
    /// the two entries came first.
    fn check_views_against_globals(&self, file: &str) -> Result<(), BindingsError> {
        for b in self.bindings.iter().filter(|b| b.scope != Scope::Global) {
            for k in &b.keys {
                let Some(key) = Key::parse(k) else { continue };
                if let Some(global) = self.map.get(&(Scope::Global, key))
                    && *global != b.action
                {
                    return Err(BindingsError::Duplicate {
                        file: file.to_string(),
                        key: k.clone(),
                        first: *global,
                        second: b.action,
                        scope: b.scope.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The action of `key` in `view`: the view's own binding, else the global one.
    pub fn action(&self, view: Kind, key: &KeyEvent) -> Option<Action> {
        let key = Key::of(key);
        self.map
            .get(&(Scope::View(view), key))
            .or_else(|| self.map.get(&(Scope::Global, key)))
            .copied()
    }

    /// The bindings that work in `view` (its own first), for Help and the status bar.
    pub fn in_view(&self, view: Kind) -> impl Iterator<Item = &Binding> {
        let own = self
            .bindings
            .iter()
            .filter(move |b| b.scope == Scope::View(view) && !b.keys.is_empty());
        let global = self
            .bindings
            .iter()
            .filter(|b| b.scope == Scope::Global && !b.keys.is_empty());
        own.chain(global)
    }

    /// The notes of `view`.
    pub fn notes(&self, view: Kind) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.scope == view)
    }

    /// The first key of `action` in `view` (its own binding, else the global one).
    pub fn key_for(&self, view: Kind, action: Action) -> Option<&str> {
        self.in_view(view)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(String::as_str)
    }
}
