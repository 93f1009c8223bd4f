//! Completion of the `:` command line: command names, then the argument of the commands that
//! take a name (a bucket, a program, a theme), matched fuzzily (the typed letters in order,
//! anywhere), best first: a prefix, then the tightest run of letters, then the shortest name.

use super::theme::BUILTIN;
use crate::compliance::Evaluation;
use crate::store::State;

/// Names offered at most.
pub const SHOWN: usize = 8;

/// How well `name` matches `typed` (lower is better), or `None`.
pub fn score(typed: &str, name: &str) -> Option<(u8, usize, usize)> {
    let t = typed.to_lowercase();
    let n = name.to_lowercase();
    if n.starts_with(&t) {
        return Some((0, 0, n.len()));
    }
    let mut at = 0;
    let mut first = None;
    let mut last = 0;
    for c in t.chars() {
        let found = n[at..].find(c)? + at;
        first.get_or_insert(found);
        last = found;
        at = found + c.len_utf8();
    }
    Some((1, last - first.unwrap_or(0), n.len()))
}

/// The names that match `typed`, best first.
fn ranked(typed: &str, names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut hits: Vec<((u8, usize, usize), String)> = names
        .into_iter()
        .filter_map(|n| score(typed, &n).map(|s| (s, n)))
        .collect();
    hits.sort();
    hits.dedup_by(|a, b| a.1 == b.1);
    hits.into_iter().map(|(_, n)| n).collect()
}

/// The one candidate `typed` begins, when only one does.
pub fn only_prefix<'a>(typed: &str, items: &'a [String]) -> Option<&'a String> {
    let t = typed.to_lowercase();
    let mut hits = items.iter().filter(|i| i.to_lowercase().starts_with(&t));
    match (hits.next(), hits.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// What the command line `text` can become: the part kept, and each candidate for the rest.
pub fn candidates(text: &str, state: &State, eval: Option<&Evaluation>) -> (String, Vec<String>) {
    let Some((word, arg)) = text.split_once(' ') else {
        let names = super::command::all()
            .flat_map(|(n, aliases, _)| std::iter::once(n).chain(aliases.iter().copied()))
            .map(str::to_string);
        return (String::new(), ranked(text, names));
    };
    let keep = format!("{word} ");
    let names: Vec<String> = match word {
        "bucket" | "buckets" | "b" | "s3" => state
            .estate
            .buckets
            .iter()
            .map(|b| b.name.clone())
            .collect(),
        "compliance" | "comp" | "programs" => eval
            .map(|e| e.programs.iter().map(|p| p.id.clone()).collect())
            .unwrap_or_default(),
        "theme" => BUILTIN.iter().map(|(n, _)| n.to_string()).collect(),
        "accounts" | "acct" | "org" => state
            .estate
            .accounts
            .iter()
            .flat_map(|a| std::iter::once(a.id.clone()).chain(a.name.clone()))
            .collect(),
        _ => Vec::new(),
    };
    (keep, ranked(arg.trim_start(), names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_first_then_the_tightest_letters() {
        let names = [
            "athena-results-sandbox-use1",
            "sandbox-scratch-use1",
            "sandbox-athena-spill-use1",
        ]
        .map(String::from);
        // Both start so: the shorter first.
        assert_eq!(ranked("sandbox", names.clone())[0], "sandbox-scratch-use1");
        let r = ranked("sbx", names.clone());
        assert!(r.is_empty() || r.iter().all(|n| score("sbx", n).is_some()));
        assert_eq!(ranked("ath res", names.clone()), Vec::<String>::new());
        assert_eq!(ranked("athres", names)[0], "athena-results-sandbox-use1");
        assert_eq!(score("", "x"), Some((0, 0, 1)));
    }
}
