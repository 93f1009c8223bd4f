//! `--exceptions FILE` and `--as-of DATE`: the accepted exceptions a command applies.

use std::path::PathBuf;

use clap::Args;

use crate::compliance::Evaluation;
use crate::compliance::exceptions::{Day, Exceptions};
use crate::model::Estate;

#[derive(Clone, Debug, Default, Args)]
pub struct ExceptionArgs {
    /// Accepted exceptions (TOML, `[[exception]]` entries with reason, owner and expiry).
    /// Default: .intransit/exceptions.toml in the working directory, when it exists.
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
    /// Judge the exceptions' expiry as of this day (YYYY-MM-DD, UTC) instead of today: what
    /// counts again once they expire.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub as_of: Option<Day>,
}

fn parse_day(text: &str) -> Result<Day, String> {
    Day::parse(text)
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

impl ExceptionArgs {
    /// Reads the exceptions (before any scan: a typo in the file should not cost one). An
    /// unreadable or malformed file is an error: nothing is accepted without it.
    pub fn load(&self) -> Result<Loaded, String> {
        let exceptions = Exceptions::find(self.exceptions.as_deref()).map_err(|e| e.to_string())?;
        Ok(Loaded {
            exceptions,
            as_of: self.as_of.unwrap_or_else(Day::today),
        })
    }
}

/// The exceptions a command applies, and the day it judges them on.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub exceptions: Exceptions,
    pub as_of: Day,
}

impl Loaded {
    /// Applies the exceptions to `evaluation` (nothing without a file), saying on standard
    /// error which expired entries make findings count again.
    pub fn apply(&self, evaluation: &mut Evaluation, estate: &Estate) {
        if self.exceptions.source.is_none() {
            return;
        }
        evaluation.accept(&self.exceptions, estate, self.as_of);
        for w in evaluation.acceptance.warnings() {
            crate::say!("warning: {w}");
        }
    }
}
