//! `--log-file`: a few lines about what the console did (start, scan end, effects, exit).
//! Never to the terminal: without the flag nothing is logged at all.

use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

static LOG: OnceLock<Mutex<File>> = OnceLock::new();

/// Opens (appends to) the log file.
pub fn init(path: &std::path::Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let _ = LOG.set(Mutex::new(file));
    Ok(())
}

/// Appends one line, with a timestamp, when logging is on.
pub fn line(text: &str) {
    if let Some(m) = LOG.get()
        && let Ok(mut f) = m.lock()
    {
        let now = humantime::format_rfc3339_millis(SystemTime::now());
        let _ = writeln!(f, "{now} {}", crate::text::sanitize(text));
    }
}
