//! IAM wildcard patterns (`*` any run of characters, `?` one character) and exact coverage
//! questions over them: "does this set of patterns match every key under a prefix?".
//!
//! Coverage is decided with a subset construction over the patterns' positions, so it is
//! exact for any mix of patterns, `Not...` elements and statements, not a string heuristic.

use std::collections::{HashSet, VecDeque};

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
    /// The search ran out of its work budget; the answer is not known.
    TooComplex,
}

/// Work units one analysis may spend on automaton searches (see [`Budget`]). Calibrated so
/// the worst bucket policy found (20 KB, S3's limit) is decided or given up on in well under
/// 50 ms on one core.
pub const WORK_LIMIT: u64 = 2_500_000;

/// Work units of exploring any state, however small the automaton: hashing, storing and
/// queueing it cost about as much as stepping 16 words.
const STATE_OVERHEAD: u64 = 16;

/// States one search may explore.
pub const MAX_STATES: usize = 4096;

/// The work allowed to the automaton searches of one analysis, counted in deterministic units
/// (never wall-clock time), so a policy gets the same answer on every machine.
///
/// One unit is one 64-position word of an automaton state stepped, canonicalized or stored,
/// or one pattern examined while canonicalizing: exploring one state of an automaton with `W`
/// words over `P` patterns costs `W + P + 16` units (16 for storing and queueing it). A search
/// also stops after `max_states` states.
#[derive(Clone, Debug)]
pub struct Budget {
    limit: u64,
    used: u64,
    max_states: usize,
    exhausted: bool,
}

impl Budget {
    pub fn new(limit: u64, max_states: usize) -> Budget {
        Budget {
            limit,
            used: 0,
            max_states,
            exhausted: false,
        }
    }

    /// The budget of one analysis: [`WORK_LIMIT`] units, at most [`MAX_STATES`] states per
    /// search.
    pub fn standard() -> Budget {
        Budget::new(WORK_LIMIT, MAX_STATES)
    }

    /// No limit at all: every question is decided, however long it takes.
    pub fn unlimited() -> Budget {
        Budget::new(u64::MAX, usize::MAX)
    }

    /// Units allowed in all.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Units spent so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Whether some search was cut short.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// Takes `n` units; false (and nothing taken) when that would pass the limit.
    fn charge(&mut self, n: u64) -> bool {
        match self.used.checked_add(n) {
            Some(total) if total <= self.limit => {
                self.used = total;
                true
            }
            _ => {
                self.exhausted = true;
                false
            }
        }
    }
}

/// Finds a non-empty suffix `s` such that `prefix + s` is selected by some group (`want ==
/// true`) or by no group (`want == false`).
///
/// `covers every key under prefix` is `find_suffix(.., false) == NotFound`.
///
/// `hints` are examples found for other questions over the same prefix: when the shortest
/// example is not found quickly, one of them that fits is returned instead.
///
/// The example is otherwise the shortest such suffix, and among those the first in the order of the
/// search alphabet, whatever the fast paths and pruning below do: they only skip states from
/// which no example can be reached and merge states with the same future.
pub fn find_suffix(
    groups: &[Group<'_>],
    prefix: &str,
    want: bool,
    budget: &mut Budget,
    hints: &[String],
) -> Search {
    search(groups, prefix, want, budget, true, hints)
}

/// Like [`find_suffix`], but the example may be any suffix, not the shortest: for questions
/// whose answer is only found / not found, it takes shortcuts the shortest example forbids.
pub fn any_suffix(groups: &[Group<'_>], prefix: &str, want: bool, budget: &mut Budget) -> Search {
    search(groups, prefix, want, budget, false, &[])
}

fn search(
    groups: &[Group<'_>],
    prefix: &str,
    want: bool,
    budget: &mut Budget,
    shortest: bool,
    hints: &[String],
) -> Search {
    // Identical patterns within a group, and identical groups, select the same strings.
    let mut owned: Vec<(bool, Vec<&[Tok]>)> = Vec::with_capacity(groups.len());
    for g in groups {
        let mut pats: Vec<&[Tok]> = Vec::with_capacity(g.patterns.len());
        for p in g.patterns {
            if !pats.contains(&p.toks.as_slice()) {
                pats.push(&p.toks);
            }
        }
        if !owned.iter().any(|(n, q)| *n == g.negated && *q == pats) {
            owned.push((g.negated, pats));
        }
    }
    let fold = groups
        .iter()
        .flat_map(|g| g.patterns.iter())
        .any(|p| p.case_insensitive);
    let fold_char = |c: char| if fold { c.to_ascii_lowercase() } else { c };
    // Charged before the automaton is built: an exhausted budget costs nothing more.
    let positions: usize = owned
        .iter()
        .flat_map(|(_, g)| g.iter())
        .map(|t| t.len() + 1)
        .sum();
    let patterns = owned.iter().map(|(_, g)| g.len()).sum::<usize>();
    let cost = (positions.div_ceil(64).max(1) + patterns) as u64 + STATE_OVERHEAD;
    if !budget.charge(cost * (prefix.chars().count() as u64 + 1)) {
        return Search::TooComplex;
    }
    let full = Automaton::new(&owned);
    let mut state = full.start();
    for c in prefix.chars() {
        state = full.step(&state, &full.advance_mask(fold_char(c)));
    }
    if !want && full.some_positive_pattern_accepts_everything(&state) {
        return Search::NotFound;
    }
    let all_positive = owned.iter().all(|(negated, _)| !negated);
    let one_negated = owned.len() == 1 && owned[0].0;
    if (want && all_positive) || (!want && one_negated && !shortest) {
        // Selected by a positive group, or not selected by a single negated group: some
        // pattern can still reach its end after at least one more character, a plain
        // reachability question, no subset construction needed.
        return match full.completion(&state) {
            Some(example) => Search::Found(example),
            None => Search::NotFound,
        };
    }
    // The alphabet: the literals the patterns can still consume, after one character none of
    // them names (tried first: it is the usual witness of a gap).
    let mut alphabet: Vec<char> = full.literals_from(&state);
    let other = ['x', 'z', 'q', '0', '9', '_', '~', '-', '!', '\u{2603}']
        .into_iter()
        .chain(('a'..='z').chain('0'..='9'))
        .find(|c| !alphabet.contains(c))
        .unwrap_or('\u{10FFFF}');
    alphabet.insert(0, other);

    if !full.canonicalize(&mut state, want) {
        return Search::NotFound;
    }
    // Positions before the first live one of a pattern can never be live again (the
    // automaton only moves forward): search a smaller automaton over what is left.
    let (compact, mut state) = full.rebase(&state);
    let auto = Automaton::new(&compact);
    if !auto.canonicalize(&mut state, want) {
        return Search::NotFound;
    }
    let cost = auto.cost();
    let masks: Vec<Vec<u64>> = alphabet.iter().map(|&c| auto.advance_mask(c)).collect();
    let mut seen: HashSet<Vec<u64>, FxBuild> = HashSet::default();
    let mut queue: VecDeque<(Vec<u64>, String)> = VecDeque::new();
    seen.insert(state.clone());
    let root = state.clone();
    queue.push_back((state, String::new()));
    let mut shortcuts_tried = false;
    while let Some((state, path)) = queue.pop_front() {
        for (&c, mask) in alphabet.iter().zip(&masks) {
            if !budget.charge(cost) {
                return Search::TooComplex;
            }
            let mut next = auto.step(&state, mask);
            if auto.selected(&next) == want {
                let mut example = path.clone();
                example.push(c);
                return Search::Found(example);
            }
            // No example below this state: nothing to explore.
            if !auto.canonicalize(&mut next, want) {
                continue;
            }
            if !seen.contains(&next) {
                if seen.len() >= budget.max_states {
                    budget.exhausted = true;
                    return Search::TooComplex;
                }
                if seen.len() >= QUICK_STATES && !shortcuts_tried {
                    // The shortest example is not in sight: an example is an example, try
                    // the quick ways to one before exploring further.
                    shortcuts_tried = true;
                    if let Some(example) =
                        auto.shortcut(&root, want, hints, &alphabet, fold_char, budget)
                    {
                        return Search::Found(example);
                    }
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

/// States a search explores looking for the shortest example before it tries quicker ways to
/// any example (known examples, then a greedy walk).
const QUICK_STATES: usize = 16;

/// Groups as (negated, token lists of their patterns).
type GroupToks<'a> = Vec<(bool, Vec<&'a [Tok]>)>;

/// One pattern inside the automaton: its tokens and where its positions start.
struct Pat<'a> {
    toks: &'a [Tok],
    /// Bit of the pattern's first position; position `i` is bit `offset + i`, the end (the
    /// pattern fully matched) is bit `offset + toks.len()`.
    offset: usize,
    /// For a pattern whose positions fit in 64 bits: its `*` positions, relative to `offset`
    /// (0 otherwise; see `Automaton::reduce`).
    stars: u64,
}

impl Pat<'_> {
    fn toks(&self) -> &[Tok] {
        self.toks
    }
    fn end(&self) -> usize {
        self.offset + self.toks.len()
    }
}

/// The position automaton of several groups of patterns, run in lockstep, bit-parallel: a
/// state is one bit per position of every pattern.
struct Automaton<'a> {
    /// Per group: whether it is negated, and its patterns' range in `pats`.
    groups: Vec<(bool, std::ops::Range<usize>)>,
    pats: Vec<Pat<'a>>,
    words: usize,
    /// Positions holding `*`.
    many: Vec<u64>,
    /// Positions holding `?`.
    one: Vec<u64>,
    /// Positions holding a `*` that is the pattern's last token: from there, every
    /// continuation matches.
    tail: Vec<u64>,
    /// Literal characters and the positions holding each.
    lits: Vec<(char, Vec<u64>)>,
}

impl<'a> Automaton<'a> {
    fn new(groups: &[(bool, Vec<&'a [Tok]>)]) -> Self {
        let mut pats = Vec::new();
        let mut ranges = Vec::with_capacity(groups.len());
        let mut bit = 0;
        for (negated, patterns) in groups {
            let first = pats.len();
            for toks in patterns {
                let stars = if toks.len() < 64 {
                    toks.iter()
                        .enumerate()
                        .filter(|(_, t)| **t == Tok::Many)
                        .fold(0u64, |m, (i, _)| m | (1 << i))
                } else {
                    0
                };
                pats.push(Pat {
                    toks,
                    offset: bit,
                    stars,
                });
                bit += toks.len() + 1;
            }
            ranges.push((*negated, first..pats.len()));
        }
        let words = bit.div_ceil(64).max(1);
        let mut many = vec![0u64; words];
        let mut one = vec![0u64; words];
        let mut tail = vec![0u64; words];
        let mut lits: Vec<(char, Vec<u64>)> = Vec::new();
        for p in &pats {
            let n = p.toks().len();
            for (i, t) in p.toks().iter().enumerate() {
                let b = p.offset + i;
                match *t {
                    Tok::Many => {
                        set(&mut many, b);
                        if i + 1 == n {
                            set(&mut tail, b);
                        }
                    }
                    Tok::One => set(&mut one, b),
                    Tok::Lit(c) => match lits.iter_mut().find(|(x, _)| *x == c) {
                        Some((_, m)) => set(m, b),
                        None => {
                            let mut m = vec![0u64; words];
                            set(&mut m, b);
                            lits.push((c, m));
                        }
                    },
                    Tok::Never => {}
                }
            }
        }
        Automaton {
            groups: ranges,
            pats,
            words,
            many,
            one,
            tail,
            lits,
        }
    }

    /// Work units of exploring one state (see [`Budget`]).
    fn cost(&self) -> u64 {
        (self.words + self.pats.len()) as u64 + STATE_OVERHEAD
    }

    /// The same groups with each pattern cut before its first position live in `s` (patterns
    /// with none dropped), and `s` in the new numbering.
    fn rebase(&self, s: &[u64]) -> (GroupToks<'a>, Vec<u64>) {
        let mut groups = Vec::with_capacity(self.groups.len());
        let mut live: Vec<usize> = Vec::new();
        let mut bit = 0;
        for (negated, range) in &self.groups {
            let mut pats: Vec<&'a [Tok]> = Vec::new();
            for p in &self.pats[range.clone()] {
                let Some(first) = (0..p.toks.len()).find(|&i| get(s, p.offset + i)) else {
                    continue;
                };
                let toks = &p.toks[first..];
                for i in first..=p.toks.len() {
                    if get(s, p.offset + i) {
                        live.push(bit + i - first);
                    }
                }
                bit += toks.len() + 1;
                pats.push(toks);
            }
            groups.push((*negated, pats));
        }
        let mut state = vec![0u64; bit.div_ceil(64).max(1)];
        for b in live {
            set(&mut state, b);
        }
        (groups, state)
    }

    /// Positions that move one step forward on character `c`: `?` and the literal `c`.
    fn advance_mask(&self, c: char) -> Vec<u64> {
        let mut m = self.one.clone();
        if let Some((_, l)) = self.lits.iter().find(|(x, _)| *x == c) {
            for (a, b) in m.iter_mut().zip(l) {
                *a |= b;
            }
        }
        m
    }

    /// Quick ways to some example from `root` when the shortest one is not in sight: a known
    /// example (`hints`) that works here too, then, when looking for a string no group selects,
    /// a greedy walk.
    fn shortcut(
        &self,
        root: &[u64],
        want: bool,
        hints: &[String],
        alphabet: &[char],
        fold: impl Fn(char) -> char,
        budget: &mut Budget,
    ) -> Option<String> {
        for hint in hints.iter().filter(|h| !h.is_empty()) {
            if !budget.charge(self.cost() * hint.chars().count() as u64) {
                return None;
            }
            let mut s = root.to_vec();
            for c in hint.chars() {
                s = self.step(&s, &self.advance_mask(fold(c)));
            }
            if self.selected(&s) == want {
                return Some(hint.clone());
            }
        }
        if want {
            return None;
        }
        self.greedy(root, alphabet, budget)
    }

    /// A string no group selects, built by completing one pattern of each negated group in
    /// turn (its furthest partial match, one character at a time), those ending in `*` first:
    /// once such a pattern is complete, its group matches every continuation. `None` when a
    /// step would let a positive group select every continuation, or the end result is
    /// selected after all.
    fn greedy(&self, root: &[u64], alphabet: &[char], budget: &mut Budget) -> Option<String> {
        let other = alphabet[0];
        let cost = self.cost();
        let mut s = root.to_vec();
        let mut path = String::new();
        let tail_ending = |p: &Pat<'_>| p.toks.last() == Some(&Tok::Many);
        let mut order: Vec<usize> = (0..self.groups.len())
            .filter(|&g| self.groups[g].0)
            .collect();
        order.sort_by_key(|&g| !self.pats[self.groups[g].1.clone()].iter().any(&tail_ending));
        for g in order {
            let range = self.groups[g].1.clone();
            let pats = &self.pats[range];
            if pats.iter().any(|p| tail_ending(p) && get(&s, p.end() - 1)) {
                continue;
            }
            // The patterns closest to complete first, those ending in `*` before the others.
            let mut candidates: Vec<(bool, usize, &Pat<'_>)> = pats
                .iter()
                .filter_map(|p| {
                    let h = (p.offset..p.end()).rev().find(|&b| get(&s, b))?;
                    Some((!tail_ending(p), p.end() - h, p))
                })
                .collect();
            candidates.sort_by_key(|(non_tail, left, _)| (*non_tail, *left));
            let mut done = false;
            for (_, _, p) in candidates {
                let mut t = s.clone();
                let mut q = path.clone();
                let complete = |t: &[u64]| {
                    if tail_ending(p) {
                        get(t, p.end() - 1)
                    } else {
                        get(t, p.end())
                    }
                };
                let mut ok = true;
                while !complete(&t) {
                    let Some(h) = (p.offset..p.end()).rev().find(|&b| get(&t, b)) else {
                        ok = false;
                        break;
                    };
                    let c = match p.toks[h - p.offset] {
                        Tok::Lit(c) => c,
                        Tok::One => other,
                        Tok::Many | Tok::Never => {
                            ok = false;
                            break;
                        }
                    };
                    if !budget.charge(cost) {
                        return None;
                    }
                    t = self.step(&t, &self.advance_mask(c));
                    q.push(c);
                    if !self.canonicalize(&mut t, false) {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    s = t;
                    path = q;
                    done = true;
                    break;
                }
            }
            if !done {
                return None;
            }
        }
        if !path.is_empty() && !self.selected(&s) {
            return Some(path);
        }
        // One more character keeps every pattern that ends in `*` complete.
        for &c in alphabet {
            if !budget.charge(cost) {
                return None;
            }
            if !self.selected(&self.step(&s, &self.advance_mask(c))) {
                path.push(c);
                return Some(path);
            }
        }
        None
    }

    /// Literals the patterns can still consume from state `s` (positions at or after the
    /// first live one of each pattern).
    fn literals_from(&self, s: &[u64]) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for p in &self.pats {
            let Some(first) = (0..=p.toks().len()).find(|&i| get(s, p.offset + i)) else {
                continue;
            };
            for t in &p.toks()[first..] {
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
        self.groups
            .iter()
            .filter(|(negated, _)| !negated)
            .flat_map(|(_, r)| &self.pats[r.clone()])
            .any(|p| {
                let n = p.toks().len();
                (0..n)
                    .any(|i| get(s, p.offset + i) && p.toks()[i..].iter().all(|t| *t == Tok::Many))
            })
    }

    /// A non-empty string that takes some pattern from state `s` to its end, if one exists.
    fn completion(&self, s: &[u64]) -> Option<String> {
        for p in &self.pats {
            for i in 0..p.toks().len() {
                if !get(s, p.offset + i) || p.toks()[i..].contains(&Tok::Never) {
                    continue;
                }
                let mut example = String::new();
                for t in &p.toks()[i..] {
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
        for p in &self.pats {
            set(&mut s, p.offset);
        }
        self.close(&mut s);
        s
    }

    /// A `*` position also stands at the position after it (the `*` matched nothing). Runs of
    /// `*` are collapsed, so one shift is enough.
    fn close(&self, s: &mut [u64]) {
        let mut carry = 0u64;
        for (w, m) in s.iter_mut().zip(&self.many) {
            let t = *w & m;
            *w |= (t << 1) | carry;
            carry = t >> 63;
        }
    }

    /// The state after one character whose advancing positions are `advance`.
    fn step(&self, s: &[u64], advance: &[u64]) -> Vec<u64> {
        let mut n = vec![0u64; self.words];
        let mut carry = 0u64;
        for w in 0..self.words {
            let moved = s[w] & advance[w];
            n[w] = (moved << 1) | carry | (s[w] & self.many[w]);
            carry = moved >> 63;
        }
        self.close(&mut n);
        n
    }

    /// Rewrites `s` into a smaller state with the same future, and tells whether an example
    /// can still be reached from it (false: prune it).
    ///
    /// - Within a pattern, a live `*` makes every earlier position redundant: whatever they
    ///   can still match, the `*` matches too. They are cleared.
    /// - When looking for a string no group selects (`want == false`): a positive group with
    ///   a pattern before a final `*` selects every continuation, and a negated group with no
    ///   live position selects every continuation: no example below. A negated group with a
    ///   pattern before a final `*` never selects again: only that position is kept.
    /// - When looking for a string some group selects: if no positive group has a live
    ///   position and every negated group has a pattern before a final `*`, nothing is ever
    ///   selected again.
    fn canonicalize(&self, s: &mut [u64], want: bool) -> bool {
        let mut positive_alive = false;
        let mut negated_all_tail = true;
        for (negated, range) in &self.groups {
            let mut group_alive = false;
            let mut tail_at: Option<usize> = None;
            let mut nonempty = 0;
            for p in &self.pats[range.clone()] {
                let (alive, star) = self.reduce(s, p);
                nonempty += usize::from(alive || get(s, p.end()));
                if let Some(star) = star
                    && tail_at.is_none()
                    && get(&self.tail, star)
                {
                    tail_at = Some(star);
                }
                group_alive |= alive;
            }
            match (negated, tail_at) {
                (false, Some(_)) if !want => return false,
                (false, _) => positive_alive |= group_alive,
                (true, _) if !want && !group_alive => return false,
                (true, Some(star)) => {
                    // Keep the final `*` and the end it stands on; drop the rest of the group.
                    let lo = self.pats[range.start].offset;
                    let hi = self.pats[range.end - 1].end() + 1;
                    // Already so when that pattern is the group's only one with a position.
                    if nonempty > 1 {
                        clear_range(s, lo, hi);
                        set(s, star);
                        set(s, star + 1);
                    }
                }
                (true, None) => negated_all_tail = false,
            }
        }
        !want || positive_alive || !negated_all_tail
    }

    /// Clears the positions of pattern `p` below its highest live `*`; tells whether a
    /// position before its end is live, and that `*`.
    fn reduce(&self, s: &mut [u64], p: &Pat<'_>) -> (bool, Option<usize>) {
        let n = p.toks.len();
        let (w, sh) = (p.offset / 64, p.offset % 64);
        if n < 64 {
            // The pattern fits in one 64-bit window: read it, reduce it, write it back.
            let mask = if n + 1 == 64 {
                !0u64
            } else {
                (1u64 << (n + 1)) - 1
            };
            let straddles = sh + n + 1 > 64;
            let mut x = s[w] >> sh;
            if straddles {
                x |= s[w + 1] << (64 - sh);
            }
            x &= mask;
            if x == 0 {
                return (false, None);
            }
            let stars = x & p.stars;
            let mut star = None;
            if stars != 0 {
                let top = 63 - stars.leading_zeros() as usize;
                let below = (1u64 << top) - 1;
                if x & below != 0 {
                    x &= !below;
                    s[w] = (s[w] & !(mask << sh)) | (x << sh);
                    if straddles {
                        s[w + 1] = (s[w + 1] & !(mask >> (64 - sh))) | (x >> (64 - sh));
                    }
                }
                star = Some(p.offset + top);
            }
            return (x & (mask >> 1) != 0, star);
        }
        let (lo, hi) = (p.offset, p.end());
        let star = highest_set(s, &self.many, lo, hi);
        if let Some(star) = star {
            clear_range(s, lo, star);
        }
        (any_in(s, lo, hi), star)
    }

    /// Whether some group selects the string that led to state `s`.
    fn selected(&self, s: &[u64]) -> bool {
        self.groups.iter().any(|(negated, range)| {
            let any = self.pats[range.clone()].iter().any(|p| get(s, p.end()));
            any != *negated
        })
    }
}

fn set(s: &mut [u64], bit: usize) {
    s[bit / 64] |= 1 << (bit % 64);
}

fn get(s: &[u64], bit: usize) -> bool {
    s[bit / 64] & (1 << (bit % 64)) != 0
}

/// Mask of the bits of word `w` that fall in `lo..hi`.
fn word_mask(w: usize, lo: usize, hi: usize) -> u64 {
    let start = (w * 64).max(lo) - w * 64;
    let end = ((w + 1) * 64).min(hi) - w * 64;
    if end >= 64 {
        !0u64 << start
    } else {
        ((1u64 << end) - 1) & (!0u64 << start)
    }
}

/// Whether any bit of `s` in `lo..hi` is set.
fn any_in(s: &[u64], lo: usize, hi: usize) -> bool {
    if lo >= hi {
        return false;
    }
    (lo / 64..=(hi - 1) / 64).any(|w| s[w] & word_mask(w, lo, hi) != 0)
}

/// The highest bit in `lo..hi` set in both `s` and `m`.
fn highest_set(s: &[u64], m: &[u64], lo: usize, hi: usize) -> Option<usize> {
    if lo >= hi {
        return None;
    }
    (lo / 64..=(hi - 1) / 64).rev().find_map(|w| {
        let x = s[w] & m[w] & word_mask(w, lo, hi);
        (x != 0).then(|| w * 64 + 63 - x.leading_zeros() as usize)
    })
}

fn clear_range(s: &mut [u64], lo: usize, hi: usize) {
    if lo >= hi {
        return;
    }
    for (w, word) in s
        .iter_mut()
        .enumerate()
        .take((hi - 1) / 64 + 1)
        .skip(lo / 64)
    {
        *word &= !word_mask(w, lo, hi);
    }
}

/// A fast, deterministic hash for automaton states (the FxHash mix).
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

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
            &mut Budget::unlimited(),
            &[],
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
        assert_eq!(
            find_suffix(&groups, pre, false, &mut Budget::unlimited(), &[]),
            Search::NotFound
        );
    }

    #[test]
    fn intersection() {
        let pats = [p("arn:aws:s3:::b/logs/*")];
        let g = [Group {
            patterns: &pats,
            negated: false,
        }];
        assert!(matches!(
            find_suffix(&g, "arn:aws:s3:::b/", true, &mut Budget::unlimited(), &[]),
            Search::Found(_)
        ));
        assert_eq!(
            find_suffix(&g, "arn:aws:s3:::c/", true, &mut Budget::unlimited(), &[]),
            Search::NotFound
        );
    }
}
