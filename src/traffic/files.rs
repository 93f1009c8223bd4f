//! Reading the logs a user points at: files or directories (walked, in name order) of S3
//! server access logs and of CloudTrail. Gzip is recognised by its magic bytes, whatever the
//! name. A file that cannot be read is recorded in the coverage with why, and the others are
//! read: one bad file never ends the read.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::aggregate::{Aggregator, Counted};
use super::summary::{FileRead, Log};
use super::{access_log, cloudtrail};

/// The logs to read.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub access_logs: Vec<PathBuf>,
    pub cloudtrail: Vec<PathBuf>,
}

impl Inputs {
    pub fn is_empty(&self) -> bool {
        self.access_logs.is_empty() && self.cloudtrail.is_empty()
    }
}

/// Reads every file of `inputs` into `agg`.
pub fn read(inputs: &Inputs, agg: &mut Aggregator) {
    for (paths, log) in [
        (&inputs.access_logs, Log::AccessLog),
        (&inputs.cloudtrail, Log::Cloudtrail),
    ] {
        for path in paths {
            for file in walk(path, log) {
                let name = file.display().to_string();
                let read = match std::fs::File::open(&file) {
                    Ok(f) => read_one(&name, log, f, agg),
                    Err(e) => unreadable(&name, log, format!("cannot open: {e}")),
                };
                record(agg, read);
            }
        }
    }
}

/// Reads one log from `input`, named `name` in the coverage.
pub fn read_named(name: &str, log: Log, input: impl Read, agg: &mut Aggregator) {
    let read = read_one(name, log, input, agg);
    record(agg, read);
}

/// Adds what reading one file (or one live read) gave to the coverage.
pub fn record(agg: &mut Aggregator, read: FileRead) {
    let c = agg.coverage_mut();
    c.sampled |= read.sampled;
    c.refused += read.refused;
    c.unreadable_files += u64::from(read.error.is_some());
    c.files.push(read);
}

/// A read that gave nothing, and why.
pub fn unreadable(name: &str, log: Log, error: String) -> FileRead {
    FileRead {
        name: name.to_string(),
        log,
        records: 0,
        refused: 0,
        outside_window: 0,
        first_refused: Vec::new(),
        error: Some(error),
        account_id: None,
        region: None,
        sampled: false,
    }
}

/// The files of `path`: itself when a file; when a directory, every file under it (CloudTrail:
/// `.json` and `.json.gz` only), hidden ones left out, in path order. A path that does not
/// exist is returned as is, to be reported unreadable.
fn walk(path: &Path, log: Log) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            out.push(dir);
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                pending.push(p);
            } else if log == Log::AccessLog || name.ends_with(".json") || name.ends_with(".json.gz")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read_one(name: &str, log: Log, input: impl Read, agg: &mut Aggregator) -> FileRead {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let gzip = match input.fill_buf() {
        Ok(head) => head.starts_with(&[0x1f, 0x8b]),
        Err(e) => return unreadable(name, log, e.to_string()),
    };
    let mut read = unreadable(name, log, String::new());
    read.error = None;
    // Counted as handed on, so a file that fails halfway still says what it gave.
    let (mut records, mut outside) = (0u64, 0u64);
    let mut tally = |counted: Counted| {
        records += 1;
        outside += u64::from(counted == Counted::OutsideWindow);
    };
    match log {
        Log::AccessLog => {
            let mut each = |r: &access_log::Record<'_>| tally(agg.access_log(r));
            let result = if gzip {
                let decoded = BufReader::new(flate2::read::MultiGzDecoder::new(input));
                access_log::read(decoded, &mut each)
            } else {
                access_log::read(input, &mut each)
            };
            match result {
                Ok(count) => {
                    read.refused = count.refused;
                    read.first_refused = count
                        .first_refused
                        .iter()
                        .map(|(line, why)| format!("line {line}: {why}"))
                        .collect();
                }
                Err(e) => read.error = Some(format!("read stopped: {e}")),
            }
        }
        Log::Cloudtrail => {
            let mut each = |e: &cloudtrail::Event| tally(agg.cloudtrail(e));
            match cloudtrail::read(input, gzip, &mut each) {
                Ok(count) => {
                    read.refused = count.refused;
                    read.first_refused = count.first_refused;
                }
                Err(e) => read.error = Some(e.to_string()),
            }
        }
    }
    read.records = records;
    read.outside_window = outside;
    read
}
