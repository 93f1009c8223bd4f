//! Unified diffs of policies and settings, as `diff -u` writes them.

use similar::TextDiff;

/// The unified diff of `old` → `new` (three lines of context), headed `a/NAME` and `b/NAME`;
/// empty when they are the same.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let old = with_newline(old);
    let new = with_newline(new);
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

fn with_newline(s: &str) -> String {
    if s.is_empty() || s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn a_diff_marks_what_was_added() {
        let d = unified("p.json", "a\nb\n", "a\nb\nc\n");
        assert!(d.starts_with("--- a/p.json\n+++ b/p.json\n"), "{d}");
        assert!(d.contains("\n+c\n"), "{d}");
        assert_eq!(unified("p.json", "same", "same"), "");
    }
}
