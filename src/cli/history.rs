//! `scan --out-dir DIR`: a history of snapshots, `DIR/intransit-<time>.json` per scan and
//! `DIR/latest.json` for the newest, which `diff --since DIR` compares against.

use std::path::{Path, PathBuf};

/// The name of the newest snapshot's copy.
pub const LATEST: &str = "latest.json";

/// `intransit-20261203T234512Z.json` (also `-2`… when two scans finish in one second).
pub fn is_history_file(name: &str) -> bool {
    order_key(name).is_some()
}

/// `20261203T234512Z` from an RFC 3339 time (`2026-12-03T23:45:12Z`): sorts as it reads.
pub fn stamp(rfc3339: &str) -> String {
    let mut out: String = rfc3339
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(15)
        .collect();
    out.push('Z');
    out
}

/// A path in `dir` for a snapshot finished at `finished` that no other scan wrote.
pub fn next_path(dir: &Path, finished: &str) -> PathBuf {
    let stamp = stamp(finished);
    let mut path = dir.join(format!("intransit-{stamp}.json"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("intransit-{stamp}-{n}.json"));
        n += 1;
    }
    path
}

/// The order of history files: by time, then by the `-2`… of scans in the same second.
pub fn order_key(name: &str) -> Option<(String, u32)> {
    let rest = name.strip_prefix("intransit-")?;
    let rest = rest
        .strip_suffix(".json")
        .or_else(|| rest.strip_suffix(".json.zst"))?;
    Some(match rest.split_once('-') {
        Some((stamp, n)) => (stamp.to_string(), n.parse().ok()?),
        None => (rest.to_string(), 1),
    })
}

/// Copies `snapshot` to `dir/latest.json` through a temporary file, so a reader never sees
/// half of it.
pub fn copy_latest(dir: &Path, snapshot: &Path) -> std::io::Result<PathBuf> {
    let tmp = dir.join(".latest.json.tmp");
    std::fs::copy(snapshot, &tmp)?;
    let latest = dir.join(LATEST);
    std::fs::rename(&tmp, &latest)?;
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_times_do() {
        assert_eq!(stamp("2026-12-03T23:45:12Z"), "20261203T234512Z");
        assert!(stamp("2026-12-03T23:45:12Z") < stamp("2026-12-10T01:00:00Z"));
        assert!(is_history_file("intransit-20261203T234512Z.json"));
        assert!(is_history_file("intransit-20261203T234512Z-2.json"));
        assert!(!is_history_file("latest.json"));
        let mut names = [
            "intransit-20261203T234512Z-2.json",
            "intransit-20261203T234512Z.json",
            "intransit-20261201T000000Z.json",
        ];
        names.sort_by_key(|n| order_key(n));
        assert_eq!(names[2], "intransit-20261203T234512Z-2.json");
    }
}
