//! The interactive console: a k9s-style dashboard over the store.
//!
//! - [`app`]: view stack, breadcrumbs, keys → [`app::Effect`]s (no I/O);
//! - [`draw`]: one frame, a pure function of the store's state and the app;
//! - [`views`]: one module per view;
//! - [`event_loop`]: input, store changes, spinner ticks and signals in one `select!`;
//! - [`terminal`]: raw mode, alternate screen, restore on exit / panic / signals;
//! - [`theme`]: `themes/*.toml`, colour depth, `NO_COLOR`;
//! - [`screenshot`]: the demo estate rendered to SVG and text.

pub mod app;
pub mod bindings;
pub mod clipboard;
pub mod command;
pub mod complete;
pub mod draw;
pub mod element;
pub mod event_loop;
pub mod log;
pub mod pace;
pub mod page;
pub mod screenshot;
pub mod table;
pub mod terminal;
pub mod theme;
pub mod views;
pub mod widgets;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use app::{App, Effect, Kind, Link, Top, View};
pub use theme::{Depth, Theme};

use crate::source::SourceSpec;

/// Settings from `$XDG_CONFIG_HOME/intransit/config.toml` (unknown keys are ignored: other
/// parts of intransit may read the same file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub theme: Option<String>,
    pub mouse: Option<bool>,
}

impl Config {
    pub fn path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
        Some(base.join("intransit").join("config.toml"))
    }

    /// The user's key bindings: `keys.toml` beside `config.toml`.
    pub fn keys_path() -> Option<PathBuf> {
        Config::path().map(|p| p.with_file_name("keys.toml"))
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let theme = match table.get("theme") {
            None => None,
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(_) => return Err("theme must be a string".into()),
        };
        let mouse = match table.get("mouse") {
            None => None,
            Some(toml::Value::Boolean(b)) => Some(*b),
            Some(_) => return Err("mouse must be true or false".into()),
        };
        Ok(Config { theme, mouse })
    }

    /// The user's config, when there is one; an unreadable one is an error.
    pub fn load() -> Result<Config, String> {
        let Some(path) = Config::path() else {
            return Ok(Config::default());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

/// What the command line asks of the console.
#[derive(Clone, Debug)]
pub struct Launch {
    pub spec: SourceSpec,
    pub theme: Option<String>,
    pub mouse: bool,
    pub log_file: Option<PathBuf>,
    /// `--baseline`: the earlier snapshot to compare with, and the name it is shown by.
    pub baseline: Option<(String, crate::model::Snapshot)>,
    /// `--access-logs`, `--cloudtrail`: logs read beside the estate.
    pub traffic: Option<std::sync::Arc<crate::traffic::Traffic>>,
    /// Accepted exceptions to mark, and the day they are judged on.
    pub exceptions: Option<(
        crate::compliance::exceptions::Exceptions,
        crate::compliance::exceptions::Day,
    )>,
}

/// Whether both ends of the console are terminals.
pub fn interactive() -> bool {
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// Runs the console; returns the process exit code.
pub fn run(launch: Launch) -> ExitCode {
    if let Some(path) = &launch.log_file
        && let Err(e) = log::init(path)
    {
        crate::say!("cannot open the log file {}: {e}", path.display());
        return ExitCode::from(2);
    }
    log::line("launch");
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            crate::say!("config: {e}");
            return ExitCode::from(2);
        }
    };
    let bindings = match Config::keys_path().filter(|p| p.exists()) {
        Some(path) => match bindings::Bindings::with_user_file(&path) {
            Ok(b) => b,
            Err(e) => {
                crate::say!("keys: {e}");
                return ExitCode::from(2);
            }
        },
        None => bindings::Bindings::builtin(),
    };
    let depth = Depth::detect();
    let theme_name = launch
        .theme
        .clone()
        .or(config.theme.clone())
        .unwrap_or_else(|| "default".to_string());
    let theme = match Theme::load(&theme_name, depth) {
        Ok(t) => t,
        Err(e) => {
            crate::say!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            crate::say!("cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let opts = event_loop::Options {
        spec: launch.spec,
        theme,
        mouse: launch.mouse || config.mouse.unwrap_or(false),
        exceptions: launch.exceptions,
        baseline: launch.baseline,
        traffic: launch.traffic,
        bindings,
    };
    let result = runtime.block_on(event_loop::run(opts));
    terminal::restore();
    // Fetches still running are abandoned; nothing waits for them.
    runtime.shutdown_background();
    match result {
        Ok(exit) => {
            log::line(&format!("exit: {exit:?}"));
            match exit {
                event_loop::Exit::Interrupted if !terminal::is_gone() => {
                    crate::say!("interrupted")
                }
                event_loop::Exit::Terminated if !terminal::is_gone() => {
                    crate::say!("terminated")
                }
                _ => {}
            }
            ExitCode::from(exit.code())
        }
        Err(e) => {
            log::line(&format!("error: {e}"));
            crate::say!("{e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn config_file() {
        assert_eq!(
            Config::parse("theme = \"dark\"\nmouse = true\nother = 1\n"),
            Ok(Config {
                theme: Some("dark".into()),
                mouse: Some(true)
            })
        );
        assert!(Config::parse("theme = 3").is_err());
        assert_eq!(Config::parse(""), Ok(Config::default()));
    }
}
