//! IAM wildcard patterns (`*` any run of characters, `?` one character) and exact coverage
//! questions over them: "does this set of patterns match every key under a prefix?".
//!
//! Coverage is decided with a subset construction over the patterns' positions, so it is
//! exact for any mix of patterns, `Not...` elements and statements, not a string heuristic.

use std::collections::{HashSet, VecDeque};

/// Maximum number of automaton states explored before giving up with `Search::TooComplex`.
const MAX_STATES: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Lit(char),
    One,
    Many,
    /// Matches nothing: stands for a policy variable whose value is not known.
    Never,
}

/// How an unresolved policy variable (`${aws:username}`) is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variables {
    /// Version 2008-10-17: `${...}` is literal text.
    Literal,
    /// The variable matches no fixed string (safe inside `Action`/`Resource` of a Deny).
    MatchNothing,
    /// The variable may match anything (safe inside `NotResource` of a Deny).
    MatchAnything,
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    text: String,
    toks: Vec<Tok>,
    case_insensitive: bool,
    has_variable: bool,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.toks == other.toks && self.case_insensitive == other.case_insensitive
    }
}

impl Pattern {
    /// Compiles `text`; `case_insensitive` folds ASCII case (IAM action names).
    pub fn new(text: &str, case_insensitive: bool, variables: Variables) -> Pattern {
        let mut toks = Vec::with_capacity(text.len());
        let mut has_variable = false;
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if variables != Variables::Literal
                && rest.starts_with("${")
                && let Some(end) = rest.find('}')
            {
                let name = &rest[2..end];
                match name {
                    "*" => toks.push(Tok::Lit('*')),
                    "?" => toks.push(Tok::Lit('?')),
                    "$" => toks.push(Tok::Lit('$')),
                    _ => {
                        has_variable = true;
                        toks.push(match variables {
                            Variables::MatchAnything => Tok::Many,
                            _ => Tok::Never,
                        });
                    }
                }
                rest = &rest[end + 1..];
                continue;
            }
            toks.push(match c {
                '*' => Tok::Many,
                '?' => Tok::One,
                c if case_insensitive => Tok::Lit(c.to_ascii_lowercase()),
                c => Tok::Lit(c),
            });
            rest = &rest[c.len_utf8()..];
        }
        // Collapse runs of `*`: same language, fewer states.
        toks.dedup_by(|b, a| *a == Tok::Many && *b == Tok::Many);
        Pattern {
            text: text.to_string(),
            toks,
            case_insensitive,
            has_variable,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern contains a policy variable other than the escapes.
    pub fn has_variable(&self) -> bool {
        self.has_variable
    }

    /// True when the pattern has no wildcard: it matches one string.
    pub fn is_literal(&self) -> bool {
        self.toks.iter().all(|t| matches!(t, Tok::Lit(_)))
    }

    /// True when the pattern is only `*`: it matches every string.
    pub fn is_match_all(&self) -> bool {
        self.toks == [Tok::Many]
    }

    /// Whether `s` matches the whole pattern.
    pub fn matches(&self, s: &str) -> bool {
        if s.is_ascii() {
            wildcard_match(
                &self.toks,
                s.as_bytes(),
                |b| b as char,
                self.case_insensitive,
            )
        } else {
            let chars: Vec<char> = s.chars().collect();
            wildcard_match(&self.toks, &chars, |c| c, self.case_insensitive)
        }
    }
}

/// Wildcard matching with single-star backtracking: linear for the shapes policies use,
/// O(n*m) at worst.
fn wildcard_match<T: Copy>(p: &[Tok], s: &[T], to_char: impl Fn(T) -> char, fold: bool) -> bool {
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        let c = to_char(s[si]);
        let c = if fold { c.to_ascii_lowercase() } else { c };
        match p.get(pi) {
            Some(Tok::Many) => {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            Some(Tok::One) => {
                si += 1;
                pi += 1;
                continue;
            }
            Some(Tok::Lit(x)) if *x == c => {
                si += 1;
                pi += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Many)
}

/// A set of patterns that selects a string when any pattern matches it, or, when `negated`
/// (`NotAction`, `NotResource`), when none does.
#[derive(Clone, Copy, Debug)]
pub struct Group<'a> {
    pub patterns: &'a [Pattern],
    pub negated: bool,
}

/// The outcome of a search over all strings `prefix + s` with `s` non-empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// Such a string exists; an example suffix `s`.
    Found(String),
    NotFound,
    /// The automaton grew past its limit; the answer is not known.
    TooComplex,
}

/// Finds a non-empty suffix `s` such that `prefix + s` is selected by some group (`want ==
/// true`) or by no group (`want == false`).
///
/// `covers every key under prefix` is `find_suffix(.., false) == NotFound`.
pub fn find_suffix(groups: &[Group<'_>], prefix: &str, want: bool) -> Search {
    let fold = groups
        .iter()
        .flat_map(|g| g.patterns.iter())
        .any(|p| p.case_insensitive);
    let auto = Automaton::new(groups);
    let mut state = auto.start();
    for c in prefix.chars() {
        let c = if fold { c.to_ascii_lowercase() } else { c };
        state = auto.step(&state, c);
    }
    if !want && auto.some_positive_pattern_accepts_everything(&state) {
        return Search::NotFound;
    }
    if want && groups.iter().all(|g| !g.negated) {
        // Selected by a positive group = some pattern can still reach its end after at least
        // one more character: a plain reachability question, no subset construction needed.
        return match auto.completion(&state) {
            Some(example) => Search::Found(example),
            None => Search::NotFound,
        };
    }
    // The alphabet: the literals the patterns can still consume, after one character none of
    // them names (tried first: it is the usual witness of a gap).
    let mut alphabet: Vec<char> = auto.literals_from(&state);
    let other = ['x', 'z', 'q', '0', '9', '_', '~', '-', '!', '\u{2603}']
        .into_iter()
        .chain(('a'..='z').chain('0'..='9'))
        .find(|c| !alphabet.contains(c))
        .unwrap_or('\u{10FFFF}');
    alphabet.insert(0, other);

    let mut seen: HashSet<Vec<u64>> = HashSet::new();
    let mut queue: VecDeque<(Vec<u64>, String)> = VecDeque::new();
    seen.insert(state.clone());
    queue.push_back((state, String::new()));
    while let Some((state, path)) = queue.pop_front() {
        for &c in &alphabet {
            let next = auto.step(&state, c);
            if auto.selected(&next) == want {
                let mut example = path.clone();
                example.push(c);
                return Search::Found(example);
            }
            if !seen.contains(&next) {
                if seen.len() >= MAX_STATES {
                    return Search::TooComplex;
                }
                seen.insert(next.clone());
                let mut example = path.clone();
                example.push(c);
                queue.push_back((next, example));
            }
        }
    }
    Search::NotFound
}

/// The position automaton of several groups of patterns, run in lockstep.
struct Automaton<'a> {
    groups: &'a [Group<'a>],
    /// For each pattern (in group order): first bit of its positions.
    offsets: Vec<usize>,
    words: usize,
}

impl<'a> Automaton<'a> {
    fn new(groups: &'a [Group<'a>]) -> Self {
        let mut offsets = Vec::new();
        let mut bit = 0;
        for g in groups {
            for p in g.patterns {
                offsets.push(bit);
                bit += p.toks.len() + 1;
            }
        }
        Automaton {
            groups,
            offsets,
            words: bit.div_ceil(64).max(1),
        }
    }

    fn patterns(&self) -> impl Iterator<Item = (usize, &'a Pattern)> + '_ {
        self.groups
            .iter()
            .flat_map(|g| g.patterns.iter())
            .zip(self.offsets.iter().copied())
            .map(|(p, o)| (o, p))
    }

    /// Literals the patterns can still consume from state `s` (positions at or after the
    /// first live one of each pattern).
    fn literals_from(&self, s: &[u64]) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for (o, p) in self.patterns() {
            let Some(first) = (0..=p.toks.len()).find(|&i| get(s, o + i)) else {
                continue;
            };
            for t in &p.toks[first..] {
                if let Tok::Lit(c) = t
                    && !out.contains(c)
                {
                    out.push(*c);
                }
            }
        }
        out
    }

    /// Whether a pattern of a positive group sits, in state `s`, before nothing but `*`: then
    /// every continuation is selected.
    fn some_positive_pattern_accepts_everything(&self, s: &[u64]) -> bool {
        let mut idx = 0;
        for g in self.groups {
            for p in g.patterns {
                let o = self.offsets[idx];
                idx += 1;
                if g.negated {
                    continue;
                }
                let n = p.toks.len();
                if (0..n).any(|i| get(s, o + i) && p.toks[i..].iter().all(|t| *t == Tok::Many)) {
                    return true;
                }
            }
        }
        false
    }

    /// A non-empty string that takes some pattern from state `s` to its end, if one exists.
    fn completion(&self, s: &[u64]) -> Option<String> {
        for (o, p) in self.patterns() {
            for i in 0..p.toks.len() {
                if !get(s, o + i) || p.toks[i..].contains(&Tok::Never) {
                    continue;
                }
                let mut example = String::new();
                for t in &p.toks[i..] {
                    match *t {
                        Tok::Lit(c) => example.push(c),
                        Tok::One => example.push('x'),
                        Tok::Many if example.is_empty() => example.push('x'),
                        _ => {}
                    }
                }
                if !example.is_empty() {
                    return Some(example);
                }
            }
        }
        None
    }

    fn start(&self) -> Vec<u64> {
        let mut s = vec![0u64; self.words];
        for (o, _) in self.patterns() {
            set(&mut s, o);
        }
        self.close(&mut s);
        s
    }

    fn close(&self, s: &mut [u64]) {
        for (o, p) in self.patterns() {
            for (i, t) in p.toks.iter().enumerate() {
                if *t == Tok::Many && get(s, o + i) {
                    set(s, o + i + 1);
                }
            }
        }
    }

    fn step(&self, s: &[u64], c: char) -> Vec<u64> {
        let mut n = vec![0u64; self.words];
        for (o, p) in self.patterns() {
            for (i, t) in p.toks.iter().enumerate() {
                if !get(s, o + i) {
                    continue;
                }
                match *t {
                    Tok::Many => set(&mut n, o + i),
                    Tok::One => set(&mut n, o + i + 1),
                    Tok::Lit(x) if x == c => set(&mut n, o + i + 1),
                    _ => {}
                }
            }
        }
        self.close(&mut n);
        n
    }

    /// Whether some group selects the string that led to state `s`.
    fn selected(&self, s: &[u64]) -> bool {
        let mut idx = 0;
        for g in self.groups {
            let mut any = false;
            for p in g.patterns {
                let o = self.offsets[idx];
                idx += 1;
                any |= get(s, o + p.toks.len());
            }
            if any != g.negated {
                return true;
            }
        }
        false
    }
}

fn set(s: &mut [u64], bit: usize) {
    s[bit / 64] |= 1 << (bit % 64);
}

fn get(s: &[u64], bit: usize) -> bool {
    s[bit / 64] & (1 << (bit % 64)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::new(s, false, Variables::MatchNothing)
    }

    fn covers(pats: &[&str], negated: bool, prefix: &str) -> Search {
        let pats: Vec<Pattern> = pats.iter().map(|s| p(s)).collect();
        find_suffix(
            &[Group {
                patterns: &pats,
                negated,
            }],
            prefix,
            false,
        )
    }

    #[test]
    fn wildcard_matching() {
        assert!(p("arn:aws:s3:::b/*").matches("arn:aws:s3:::b/k"));
        assert!(!p("arn:aws:s3:::b/*").matches("arn:aws:s3:::b"));
        assert!(p("arn:aws:s3:::b*").matches("arn:aws:s3:::b"));
        assert!(p("arn:aws:s3:::b?").matches("arn:aws:s3:::bx"));
        assert!(!p("arn:aws:s3:::B").matches("arn:aws:s3:::b"));
        assert!(p("*").matches(""));
        assert!(p("a*b*c").matches("aXbYbc"));
        assert!(!p("a*b*c").matches("aXbYbd"));
        assert!(p("k/?").matches("k/\u{e9}"));
        let ci = Pattern::new("s3:Get*", true, Variables::MatchNothing);
        assert!(ci.matches("S3:GETOBJECT"));
    }

    #[test]
    fn variables_and_escapes() {
        let v = p("arn:aws:s3:::b/${aws:username}/*");
        assert!(v.has_variable());
        assert!(!v.matches("arn:aws:s3:::b/alice/x"));
        let any = Pattern::new("b/${aws:username}/*", false, Variables::MatchAnything);
        assert!(any.matches("b/alice/x"));
        let esc = p("b/${*}");
        assert!(esc.matches("b/*"));
        assert!(!esc.matches("b/x"));
        let lit = Pattern::new("b/${aws:username}", false, Variables::Literal);
        assert!(lit.matches("b/${aws:username}"));
    }

    #[test]
    fn coverage_of_all_keys() {
        let pre = "arn:aws:s3:::b/";
        assert_eq!(covers(&["arn:aws:s3:::b/*"], false, pre), Search::NotFound);
        assert_eq!(covers(&["arn:aws:s3:::b*"], false, pre), Search::NotFound);
        assert_eq!(covers(&["*"], false, pre), Search::NotFound);
        assert_eq!(covers(&["arn:*:s3:::*/*"], false, pre), Search::NotFound);
        assert_eq!(covers(&["arn:aws:s3:::b/?*"], false, pre), Search::NotFound);
        assert!(matches!(
            covers(&["arn:aws:s3:::b/logs/*"], false, pre),
            Search::Found(_)
        ));
        assert!(matches!(
            covers(&["arn:aws:s3:::b"], false, pre),
            Search::Found(_)
        ));
        assert!(matches!(
            covers(&["arn:aws:s3:::other/*"], false, pre),
            Search::Found(_)
        ));
        // NotResource excluding a prefix leaves that prefix uncovered, with an example in it.
        match covers(&["arn:aws:s3:::b/public/*"], true, pre) {
            Search::Found(ex) => assert!(ex.starts_with("public/"), "{ex}"),
            other => panic!("{other:?}"),
        }
        // Two prefixes that between them are everything: a* and everything not starting with a.
        let a = [p("arn:aws:s3:::b/a*")];
        let not_a = [p("arn:aws:s3:::b/a*")];
        let groups = [
            Group {
                patterns: &a,
                negated: false,
            },
            Group {
                patterns: &not_a,
                negated: true,
            },
        ];
        assert_eq!(find_suffix(&groups, pre, false), Search::NotFound);
    }

    #[test]
    fn intersection() {
        let pats = [p("arn:aws:s3:::b/logs/*")];
        let g = [Group {
            patterns: &pats,
            negated: false,
        }];
        assert!(matches!(
            find_suffix(&g, "arn:aws:s3:::b/", true),
            Search::Found(_)
        ));
        assert_eq!(find_suffix(&g, "arn:aws:s3:::c/", true), Search::NotFound);
    }
}
