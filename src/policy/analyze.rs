//! The TLS-enforcement analyzer: applies IAM evaluation semantics to decide which plain-HTTP
//! (and old-TLS) requests to one bucket are explicitly denied, across all statements of all
//! policies that govern it (the bucket policy and any resource control policies).
//!
//! The request space is cut into cells: each S3 action from the catalog (on the bucket ARN or
//! on object ARNs), plus "any action the policy does not name". For every principal class
//! (each principal a policy names, and everyone else) a cell is covered when the Deny
//! statements that apply unconditionally to that class and action together cover the bucket
//! ARN or every object key (decided exactly by the automaton in `glob`).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::actions::{S3_ACTIONS, S3Action};
use super::analysis::{
    Analysis, Evidence, Gap, GapKind, PolicySource, Role, Verdict, Warning, WarningKind,
};
use super::condition::{self, SECURE_TRANSPORT, TLS_VERSION, TlsVersion, Transport, Tri};
use super::document::{Effect, Matcher, Policy, PrincipalElement, Statement};
use super::glob::{Budget, Group, Pattern, Search, any_suffix, find_suffix};
use super::shape::StatementJson;
use crate::model::Partition;

/// The bucket being judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub bucket: String,
    pub partition: Partition,
}

impl Target {
    pub fn new(bucket: impl Into<String>, partition: Partition) -> Target {
        Target {
            bucket: bucket.into(),
            partition,
        }
    }

    pub fn bucket_arn(&self) -> String {
        format!("arn:{}:s3:::{}", self.partition, self.bucket)
    }

    fn object_prefix(&self) -> String {
        format!("arn:{}:s3:::{}/", self.partition, self.bucket)
    }
}

/// One policy that governs the bucket, with where it came from.
#[derive(Clone, Copy, Debug)]
pub struct PolicyInput<'a> {
    pub source: &'a PolicySource,
    pub policy: &'a Policy,
}

/// Analyzes a bucket governed by its bucket policy alone (`None`: the bucket has no policy).
pub fn analyze_bucket_policy(policy: Option<&Policy>, target: &Target) -> Analysis {
    static SOURCE: PolicySource = PolicySource::BucketPolicy;
    let inputs: Vec<PolicyInput<'_>> = policy
        .map(|policy| PolicyInput {
            source: &SOURCE,
            policy,
        })
        .into_iter()
        .collect();
    analyze(target, &inputs)
}

const CATALOG_WORDS: usize = 4;

/// A set of catalog actions.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct ActionSet([u64; CATALOG_WORDS]);

impl ActionSet {
    fn all() -> ActionSet {
        let mut s = ActionSet::default();
        for i in 0..S3_ACTIONS.len() {
            s.insert(i);
        }
        s
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

const _: () = assert!(S3_ACTIONS.len() <= CATALOG_WORDS * 64);

/// Catalog action names as `s3:name` in lower case, the form action patterns match.
fn catalog_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        S3_ACTIONS
            .iter()
            .map(|a| format!("s3:{}", a.name.to_ascii_lowercase()))
            .collect()
    })
}

/// Which principals a Deny statement applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PrincipalCov {
    All,
    AllExcept(Vec<String>),
    Only(Vec<String>),
}

impl PrincipalCov {
    fn applies_to(&self, class: Option<&str>) -> bool {
        match (self, class) {
            (PrincipalCov::All, _) => true,
            (PrincipalCov::AllExcept(_), None) => true,
            (PrincipalCov::AllExcept(ex), Some(p)) => !ex.iter().any(|e| e == p),
            (PrincipalCov::Only(_), None) => false,
            (PrincipalCov::Only(only), Some(p)) => only.iter().any(|o| o == p),
        }
    }

    fn names(&self) -> &[String] {
        match self {
            PrincipalCov::All => &[],
            PrincipalCov::AllExcept(v) | PrincipalCov::Only(v) => v,
        }
    }

    fn describe(&self) -> String {
        match self {
            PrincipalCov::All => "everyone".to_string(),
            PrincipalCov::AllExcept(v) => format!("everyone except {}", v.join(", ")),
            PrincipalCov::Only(v) if v.is_empty() => "no principal".to_string(),
            PrincipalCov::Only(v) => v.join(", "),
        }
    }
}

/// How much of the bucket's object space a statement's resources reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    All,
    Some,
    None,
    /// The budget ran out before it was decided; `some` when the statement is known to reach
    /// at least one object.
    Undecided {
        some: bool,
    },
}

impl Reach {
    /// Whether the statement is known to reach at least one object.
    fn proven_some(self) -> bool {
        matches!(
            self,
            Reach::All | Reach::Some | Reach::Undecided { some: true }
        )
    }
}

/// What the analyzer knows about one statement with respect to the target bucket.
struct Fact<'a> {
    source: &'a PolicySource,
    st: &'a Statement,
    principals: PrincipalCov,
    bucket_hit: bool,
    objects: Reach,
    /// Statements with the same resource element share an id: their object coverage is the
    /// same question.
    resource_id: usize,
    /// The actions select every `s3:` action, named or not (`Unknown`: undecided).
    ns_full: Tri,
    actions: ActionSet,
    /// Condition outcome per transport, in `Transport::ALL` order.
    conds: [Tri; 5],
    /// The statement may reach at least one (action, resource) pair of this bucket.
    effective: bool,
    /// It is known to reach one (always, unless the budget ran out).
    proven_effective: bool,
}

impl Fact<'_> {
    fn cond(&self, t: usize) -> Tri {
        self.conds[t]
    }
}

const HTTP: usize = 0;

/// An analysis with the work it took.
#[derive(Clone, Debug)]
pub struct Bounded {
    pub analysis: Analysis,
    /// Work units spent on automaton searches (deterministic: the same policy always costs
    /// the same).
    pub work: u64,
    /// Some question was cut short by the budget: the verdict is then never `enforced`.
    pub exhausted: bool,
}

/// Analyzes the bucket against every policy that governs it, within the standard work budget
/// (`Budget::standard`).
pub fn analyze(target: &Target, inputs: &[PolicyInput<'_>]) -> Analysis {
    analyze_within(target, inputs, Budget::standard()).analysis
}

/// Analyzes the bucket within `budget`. When the budget runs out, every question left
/// undecided is named (a `too_complex` gap and warning), and the verdict is only what was
/// proven: `partial` when a gap and a denied request are both proven, `not_enforced` when no
/// statement can deny plain HTTP, `unknown` otherwise; never `enforced`.
pub fn analyze_within(target: &Target, inputs: &[PolicyInput<'_>], budget: Budget) -> Bounded {
    let mut ctx = Ctx::new(budget);
    let mut warnings: Vec<Warning> = Vec::new();
    let bucket_arn = target.bucket_arn();
    let prefix = target.object_prefix();

    let mut facts: Vec<Fact<'_>> = Vec::new();
    for input in inputs {
        let variables_literal = input.policy.version.as_deref() != Some("2012-10-17");
        for st in &input.policy.statements {
            if variables_literal && mentions_variable(st) {
                warnings.push(Warning {
                    kind: WarningKind::Version2008,
                    statement: Some(st.index),
                    message: format!(
                        "{} uses ${{...}} but the policy has no \"Version\": \"2012-10-17\", so IAM reads it as literal text, not a policy variable",
                        name(st)
                    ),
                });
            }
            if let Some(w) = allow_only_tls_warning(st) {
                warnings.push(w);
            }
            if st.effect != Effect::Deny {
                continue;
            }
            for c in &st.conditions {
                if let Some(reason) = condition::undecidable_reason(c) {
                    warnings.push(Warning {
                        kind: WarningKind::UndecidableOperator,
                        statement: Some(st.index),
                        message: format!("{}: {c}: {reason}", name(st)),
                    });
                }
            }
            let mut fact = fact_for(
                input.source,
                st,
                target.partition,
                &bucket_arn,
                &prefix,
                &mut ctx,
                &mut warnings,
            );
            statement_warnings(&fact, target, &mut warnings);
            if fact.effective {
                fact.resource_id = facts
                    .iter()
                    .find(|f| same_matcher(&f.st.resource, &st.resource))
                    .map_or(facts.len(), |f| f.resource_id);
                facts.push(fact);
            }
        }
    }

    // Coverage per transport: HTTP with gaps, each TLS version as a yes/no. When the gaps are
    // described from the coverage at best (below), this one only has to tell whether there is
    // a gap: it stops at the first one found.
    let conditional = facts.iter().any(|f| f.cond(HTTP) == Tri::Unknown);
    let http = coverage(
        &facts,
        HTTP,
        &prefix,
        &mut ctx,
        conditional,
        Assume::Nothing,
    );
    let mut tls_complete = [false; 4];
    for (i, done) in tls_complete.iter_mut().enumerate() {
        *done = coverage(&facts, i + 1, &prefix, &mut ctx, true, Assume::Nothing).complete();
    }
    // What would be denied if every undecidable condition held: the gaps a conditional
    // statement leaves even then (actions, resources, principals) are reported beside the
    // condition itself. Without conditional statements this is the coverage above.
    let http_at_best = conditional.then(|| {
        coverage(
            &facts,
            HTTP,
            &prefix,
            &mut ctx,
            false,
            Assume::ConditionsHold,
        )
    });
    // A floor names the oldest version still accepted: when TLS 1.3 is denied too, nothing is
    // accepted over TLS and there is no floor to report. A version whose coverage was left
    // undecided counts as accepted.
    let min_tls = if tls_complete[3] {
        None
    } else if tls_complete[0] && tls_complete[1] && tls_complete[2] {
        Some(TlsVersion::V1_3)
    } else if tls_complete[0] && tls_complete[1] {
        Some(TlsVersion::V1_2)
    } else {
        None
    };
    let exhausted = ctx.budget.exhausted();
    if exhausted {
        warnings.push(Warning {
            kind: WarningKind::TooComplex,
            statement: None,
            message: format!(
                "the policy is too complex to decide fully: the analysis stopped at its work budget ({}) before deciding {}; the verdict counts only what was decided, and is never enforced",
                budget_words(&ctx.budget),
                ctx.undecided_text(NAMED_QUESTIONS)
            ),
        });
    }
    if tls_complete[3] {
        warnings.push(Warning {
            kind: WarningKind::DeniesAllTls,
            statement: None,
            message: "every request over TLS is denied too, TLS 1.3 included: no principal can use this bucket, so no TLS floor is reported".to_string(),
        });
    }
    if min_tls == Some(TlsVersion::V1_3) {
        warnings.push(Warning {
            kind: WarningKind::Tls13Floor,
            statement: None,
            message: "TLS 1.2 is denied: clients that cannot use TLS 1.3 fail, including requests through AWS PrivateLink interface endpoints and Multi-Region Access Points, which do not support TLS 1.3".to_string(),
        });
    }

    let denies_some_http = facts.iter().any(|f| f.cond(HTTP) != Tri::False);
    let proven_denies_http = facts
        .iter()
        .any(|f| f.cond(HTTP) != Tri::False && f.proven_effective);
    let verdict = if !denies_some_http {
        Verdict::NotEnforced
    } else if http.complete() && !exhausted {
        Verdict::Enforced
    } else if !exhausted {
        Verdict::Partial
    } else if http.proven_gap() && proven_denies_http {
        // The budget ran out, but a request that is denied and one that is not are both
        // proven: nothing left undecided can change that.
        Verdict::Partial
    } else {
        Verdict::Unknown
    };
    let gaps = describe_gaps(
        verdict,
        &facts,
        http_at_best.as_ref().unwrap_or(&http),
        target,
        &ctx,
    );
    let evidence = collect_evidence(&facts, min_tls);
    let error = (verdict == Verdict::Unknown).then(|| {
        format!(
            "the policy is too complex to decide within the analysis budget ({}): {} left undecided",
            budget_words(&ctx.budget),
            ctx.undecided_text(1)
        )
    });
    Bounded {
        analysis: Analysis {
            bucket: target.bucket.clone(),
            partition: target.partition,
            verdict,
            min_tls,
            gaps,
            evidence,
            warnings,
            error,
        },
        work: ctx.budget.used(),
        exhausted,
    }
}

/// "20,000,000 work units", for messages.
fn budget_words(budget: &Budget) -> String {
    let digits = budget.limit().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} work units")
}

/// Whether two resource (or action) elements are written the same.
fn same_matcher(a: &Matcher, b: &Matcher) -> bool {
    a.negated == b.negated
        && a.patterns.len() == b.patterns.len()
        && a.patterns
            .iter()
            .zip(&b.patterns)
            .all(|(p, q)| p.as_str() == q.as_str())
}

fn name(st: &Statement) -> String {
    match &st.sid {
        Some(sid) => format!("statement {} ({sid:?})", st.index),
        None => format!("statement {}", st.index),
    }
}

fn mentions_variable(st: &Statement) -> bool {
    let has = |m: &Matcher| m.patterns.iter().any(|p| p.as_str().contains("${"));
    has(&st.action) || has(&st.resource)
}

fn normalize_principal(partition: Partition, ptype: &str, value: &str) -> String {
    if ptype == "AWS" && crate::model::is_account_id(value) {
        return format!("arn:{partition}:iam::{value}:root");
    }
    if ptype == "AWS" {
        value.to_string()
    } else {
        format!("{ptype}:{value}")
    }
}

fn fact_for<'a>(
    source: &'a PolicySource,
    st: &'a Statement,
    partition: Partition,
    bucket_arn: &str,
    prefix: &str,
    ctx: &mut Ctx,
    warnings: &mut Vec<Warning>,
) -> Fact<'a> {
    let norm = |ps: &super::document::Principals| -> Vec<String> {
        let mut v: Vec<String> = ps
            .named
            .iter()
            .map(|(t, n)| normalize_principal(partition, t, n))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let principals = match &st.principal {
        PrincipalElement::Absent => PrincipalCov::All,
        PrincipalElement::Principal(p) if p.everyone => PrincipalCov::All,
        PrincipalElement::Principal(p) => PrincipalCov::Only(norm(p)),
        PrincipalElement::NotPrincipal(p) if p.everyone => PrincipalCov::Only(Vec::new()),
        PrincipalElement::NotPrincipal(p) => PrincipalCov::AllExcept(norm(p)),
    };

    let bucket_hit = st.resource.selects(bucket_arn);
    let rgroup = [group(&st.resource)];
    // Only found / not found matters here: the examples are never shown.
    let all = any_suffix(&rgroup, prefix, false, &mut ctx.budget);
    let objects = if all == Search::NotFound {
        Reach::All
    } else {
        match (all, any_suffix(&rgroup, prefix, true, &mut ctx.budget)) {
            (_, Search::NotFound) => Reach::None,
            (Search::Found(_), Search::Found(_)) => Reach::Some,
            (_, some) => Reach::Undecided {
                some: matches!(some, Search::Found(_)),
            },
        }
    };
    if let Reach::Undecided { .. } = objects {
        ctx.note(|| format!("which objects {} reaches", name(st)));
        warnings.push(Warning {
            kind: WarningKind::TooComplex,
            statement: Some(st.index),
            message: format!(
                "{}: resource patterns too complex to decide which object keys they select within the analysis budget",
                name(st)
            ),
        });
    }

    let fast_full = !st.action.negated
        && st
            .action
            .patterns
            .iter()
            .any(|p| p.is_match_all() || p.as_str().eq_ignore_ascii_case("s3:*"));
    let agroup = [group(&st.action)];
    let ns_full = if fast_full {
        Tri::True
    } else {
        match any_suffix(&agroup, "s3:", false, &mut ctx.budget) {
            Search::NotFound => Tri::True,
            Search::Found(_) => Tri::False,
            Search::TooComplex => {
                ctx.note(|| format!("whether {} selects every S3 action", name(st)));
                Tri::Unknown
            }
        }
    };
    let actions = if ns_full == Tri::True {
        ActionSet::all()
    } else {
        let mut set = ActionSet::default();
        for (i, n) in catalog_names().iter().enumerate() {
            if st.action.selects(n) {
                set.insert(i);
            }
        }
        set
    };

    let mut conds = [Tri::False; 5];
    for (slot, t) in conds.iter_mut().zip(Transport::ALL) {
        *slot = condition::eval_all(&st.conditions, t);
    }

    let reaches_resource = |a: &S3Action, proven: bool| {
        (a.targets.bucket && bucket_hit)
            || (a.targets.object
                && if proven {
                    objects.proven_some()
                } else {
                    objects != Reach::None
                })
    };
    let principal_nonempty = !matches!(&principals, PrincipalCov::Only(v) if v.is_empty());
    let reaches = |proven: bool| {
        principal_nonempty
            && S3_ACTIONS
                .iter()
                .enumerate()
                .any(|(i, a)| actions.contains(i) && reaches_resource(a, proven))
    };
    Fact {
        source,
        st,
        principals,
        bucket_hit,
        objects,
        resource_id: 0,
        ns_full,
        actions,
        conds,
        effective: reaches(false),
        proven_effective: reaches(true),
    }
}

fn group(m: &Matcher) -> Group<'_> {
    Group {
        patterns: &m.patterns,
        negated: m.negated,
    }
}

fn mentions_key(st: &Statement, key: &str) -> bool {
    st.conditions.iter().any(|c| c.key_lower == key)
}

/// Warnings about a Deny statement that are visible from the statement alone.
fn statement_warnings(f: &Fact<'_>, target: &Target, warnings: &mut Vec<Warning>) {
    let st = f.st;
    let transport_related = mentions_key(st, SECURE_TRANSPORT) || mentions_key(st, TLS_VERSION);
    if !f.effective {
        if transport_related {
            warnings.push(Warning {
                kind: WarningKind::NotThisBucket,
                statement: Some(st.index),
                message: if f.bucket_hit || f.objects != Reach::None {
                    format!(
                        "{} names only actions that never act on the resources it lists for bucket {} (bucket-level actions on object ARNs, or object actions on the bucket ARN), so it enforces nothing here",
                        name(st),
                        target.bucket
                    )
                } else if matches!(&f.principals, PrincipalCov::Only(v) if v.is_empty()) {
                    format!(
                        "{} applies to no principal (NotPrincipal \"*\"), so it enforces nothing",
                        name(st)
                    )
                } else {
                    format!(
                        "{} does not reach bucket {} or its objects (resources: {}), so it enforces nothing here",
                        name(st),
                        target.bucket,
                        patterns_text(&st.resource)
                    )
                },
            });
        }
        return;
    }
    let secure_false_on_http = st.conditions.iter().any(|c| {
        c.key_lower == SECURE_TRANSPORT && condition::eval(c, Transport::Http) == Tri::False
    });
    let tls_applies = f.conds[1..].iter().any(|c| *c != Tri::False);
    if f.cond(HTTP) == Tri::False && secure_false_on_http && tls_applies {
        warnings.push(Warning {
            kind: WarningKind::DeniesHttps,
            statement: Some(st.index),
            message: format!(
                "{} denies requests made over HTTPS (aws:SecureTransport = true), not plain HTTP: the condition is inverted; use \"false\"",
                name(st)
            ),
        });
    } else if f.conds.iter().all(|c| *c == Tri::False) && transport_related {
        warnings.push(Warning {
            kind: WarningKind::NeverApplies,
            statement: Some(st.index),
            message: format!(
                "{} can never apply: its conditions cannot all hold for any request (plain HTTP has aws:SecureTransport = false and no s3:TlsVersion; TLS requests have aws:SecureTransport = true)",
                name(st)
            ),
        });
    }
}

fn allow_only_tls_warning(st: &Statement) -> Option<Warning> {
    if st.effect != Effect::Allow || !mentions_key(st, SECURE_TRANSPORT) {
        return None;
    }
    let http = condition::eval_all(&st.conditions, Transport::Http);
    let tls = condition::eval_all(&st.conditions, Transport::Tls(TlsVersion::V1_2));
    if http == Tri::False && tls != Tri::False {
        Some(Warning {
            kind: WarningKind::AllowDoesNotDeny,
            statement: Some(st.index),
            message: format!(
                "{} allows only over TLS, but an Allow denies nothing: IAM policies, ACLs and other statements still let plain HTTP through; use a Deny with aws:SecureTransport = \"false\"",
                name(st)
            ),
        })
    } else {
        None
    }
}

/// What the searches of one analysis share: the work budget, object coverage results per set
/// of resource elements (across transports and principal classes), and the example keys found
/// so far.
struct Ctx {
    budget: Budget,
    /// Distinct resource ids of a set of statements → its object coverage.
    objects: HashMap<Vec<usize>, ObjectsGap>,
    /// Sets of resource ids proven to cover every object: a superset covers them too.
    covered: Vec<Vec<usize>>,
    /// Example keys found so far (suffixes after the object prefix); when a search runs out of
    /// budget, one that no statement of the set selects still proves a gap.
    examples: Vec<String>,
    /// The first questions the budget left undecided, in words.
    undecided: Vec<String>,
    /// How many questions it left undecided.
    undecided_count: usize,
}

/// Undecided questions named in messages.
const NAMED_QUESTIONS: usize = 3;

/// Example keys kept for reuse.
const KEPT_EXAMPLES: usize = 32;

impl Ctx {
    fn new(budget: Budget) -> Ctx {
        Ctx {
            budget,
            objects: HashMap::new(),
            covered: Vec::new(),
            examples: Vec::new(),
            undecided: Vec::new(),
            undecided_count: 0,
        }
    }

    /// Records an undecided question (the first few are named in messages).
    fn note(&mut self, what: impl FnOnce() -> String) {
        self.undecided_count += 1;
        if self.undecided.len() < NAMED_QUESTIONS {
            let what = what();
            if !self.undecided.contains(&what) {
                self.undecided.push(what);
            }
        }
    }

    /// The undecided questions for a message: the first `shown`, and how many more.
    fn undecided_text(&self, shown: usize) -> String {
        let mut parts: Vec<String> = self.undecided.iter().take(shown).cloned().collect();
        if self.undecided_count > parts.len() {
            parts.push(format!(
                "{} more questions",
                self.undecided_count - parts.len()
            ));
        }
        if parts.is_empty() {
            "part of the policy".to_string()
        } else {
            statement_list(&parts)
        }
    }
}

/// Whether a set of statements covers every object key.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ObjectsGap {
    Covered,
    /// An example key (suffix after the object prefix) none of them covers.
    Gap(String),
    /// The budget ran out before it was decided.
    Undecided,
}

/// What one principal class can still do over a transport.
#[derive(Clone, Default)]
struct ClassGaps {
    /// Catalog actions no applicable statement names.
    unnamed: Vec<usize>,
    /// Bucket-level actions named, but the bucket ARN is not covered.
    bucket: Vec<usize>,
    /// Object-level actions named, but some key is not covered: (action, example key).
    objects: Vec<(usize, String)>,
    /// Actions outside the catalog are not covered.
    unlisted: bool,
    /// Object-level actions whose object coverage the budget left undecided, with the
    /// statements (indices into the facts) that name them.
    undecided: Vec<(usize, Vec<usize>)>,
    /// Whether actions outside the catalog are covered was left undecided.
    unlisted_undecided: bool,
    /// Statements counted for this class only because their conditions were assumed to hold
    /// (indices into the facts); empty outside `Assume::ConditionsHold`.
    conditional: Vec<usize>,
}

impl ClassGaps {
    /// Every request of the class is denied, and that is decided.
    fn complete(&self) -> bool {
        !self.proven_gap() && self.undecided.is_empty() && !self.unlisted_undecided
    }

    /// Some request of the class is proven to be accepted.
    fn proven_gap(&self) -> bool {
        !self.unnamed.is_empty()
            || !self.bucket.is_empty()
            || !self.objects.is_empty()
            || self.unlisted
    }
}

struct Coverage {
    /// `None` = principals not named in any policy; `Some(p)` = that principal.
    classes: Vec<(Option<String>, ClassGaps)>,
}

impl Coverage {
    fn complete(&self) -> bool {
        self.classes.iter().all(|(_, g)| g.complete())
    }
    fn proven_gap(&self) -> bool {
        self.classes.iter().any(|(_, g)| g.proven_gap())
    }
    fn others(&self) -> &ClassGaps {
        &self.classes[0].1
    }
}

/// Which statements a coverage counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assume {
    /// Only statements whose conditions are true for the transport: what is really denied.
    Nothing,
    /// Also statements whose conditions are undecidable, as if they held: what is denied at
    /// best, so the limits of a conditional statement (actions, resources, principals) show.
    ConditionsHold,
}

/// The coverage of every principal class; with `stop_at_first_gap`, only until one class is
/// proven to have a gap (enough to tell complete from incomplete).
fn coverage(
    facts: &[Fact<'_>],
    t: usize,
    prefix: &str,
    ctx: &mut Ctx,
    stop_at_first_gap: bool,
    assume: Assume,
) -> Coverage {
    let counts = |f: &Fact<'_>| match assume {
        Assume::Nothing => f.cond(t) == Tri::True,
        Assume::ConditionsHold => f.cond(t) != Tri::False,
    };
    let applicable: Vec<(usize, &Fact<'_>)> = facts
        .iter()
        .enumerate()
        .filter(|(_, f)| counts(f))
        .collect();
    let mut names: Vec<&str> = applicable
        .iter()
        .flat_map(|(_, f)| f.principals.names().iter().map(String::as_str))
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut classes: Vec<(Option<String>, ClassGaps)> = Vec::with_capacity(names.len() + 1);
    // Classes to which exactly the same statements apply have the same gaps.
    let mut by_statements: Vec<(Vec<usize>, usize)> = Vec::new();
    for class in std::iter::once(None).chain(names.into_iter().map(Some)) {
        let mine: Vec<(usize, &Fact<'_>)> = applicable
            .iter()
            .filter(|(_, f)| f.principals.applies_to(class))
            .copied()
            .collect();
        let key: Vec<usize> = mine.iter().map(|(i, _)| *i).collect();
        let gaps = match by_statements.iter().find(|(k, _)| *k == key) {
            Some((_, at)) => classes[*at].1.clone(),
            None => {
                let mut gaps = class_gaps(&mine, prefix, ctx, stop_at_first_gap);
                gaps.conditional = mine
                    .iter()
                    .filter(|(_, f)| f.cond(t) == Tri::Unknown)
                    .map(|(i, _)| *i)
                    .collect();
                by_statements.push((key, classes.len()));
                gaps
            }
        };
        let done = stop_at_first_gap && gaps.proven_gap();
        classes.push((class.map(str::to_string), gaps));
        if done {
            break;
        }
    }
    Coverage { classes }
}

fn class_gaps(
    facts: &[(usize, &Fact<'_>)],
    prefix: &str,
    ctx: &mut Ctx,
    stop_at_first_gap: bool,
) -> ClassGaps {
    let mut gaps = ClassGaps::default();
    if facts.is_empty() {
        gaps.unnamed = (0..S3_ACTIONS.len()).collect();
        gaps.unlisted = true;
        return gaps;
    }
    let mut selected: Vec<(usize, &Fact<'_>)> = Vec::with_capacity(facts.len());
    for (i, action) in S3_ACTIONS.iter().enumerate() {
        selected.clear();
        selected.extend(facts.iter().filter(|(_, f)| f.actions.contains(i)).copied());
        if selected.is_empty() {
            gaps.unnamed.push(i);
        } else {
            if action.targets.bucket && !selected.iter().any(|(_, f)| f.bucket_hit) {
                gaps.bucket.push(i);
            }
            if action.targets.object {
                match objects_gap(&selected, prefix, ctx) {
                    ObjectsGap::Covered => {}
                    ObjectsGap::Gap(example) => gaps.objects.push((i, example)),
                    ObjectsGap::Undecided => gaps
                        .undecided
                        .push((i, selected.iter().map(|(j, _)| *j).collect())),
                }
            }
        }
        if stop_at_first_gap && gaps.proven_gap() {
            return gaps;
        }
    }
    match unlisted_covered(facts, prefix, ctx) {
        Tri::True => {}
        Tri::False => gaps.unlisted = true,
        Tri::Unknown => gaps.unlisted_undecided = true,
    }
    gaps
}

/// Three-valued OR.
fn tri_or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::True, _) | (_, Tri::True) => Tri::True,
        (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
        _ => Tri::False,
    }
}

/// Whether actions outside the catalog (named nowhere, or added by AWS later) are denied on the
/// bucket ARN and every object. Decided conservatively: the statements that reach the bucket
/// ARN must together select the whole `s3:` namespace, and so must the statements that reach
/// every object (or the namespace-wide statements must cover all objects between them).
/// `Unknown` when the budget ran out first.
fn unlisted_covered(facts: &[(usize, &Fact<'_>)], prefix: &str, ctx: &mut Ctx) -> Tri {
    let namespace_covered = |pick: &dyn Fn(&Fact<'_>) -> bool, ctx: &mut Ctx| -> Tri {
        if facts.iter().any(|(_, f)| f.ns_full == Tri::True && pick(f)) {
            return Tri::True;
        }
        // A literal catalog name (`s3:GetObject`) never selects an action outside the catalog,
        // in Action or NotAction alike, so it is dropped: NotAction [s3:GetObject] then selects
        // every unlisted action, which is exactly what it does.
        let owned: Vec<(bool, Vec<Pattern>)> = facts
            .iter()
            .filter(|(_, f)| pick(f))
            .map(|(_, f)| {
                let kept =
                    f.st.action
                        .patterns
                        .iter()
                        .filter(|p| !is_catalog_literal(p))
                        .cloned()
                        .collect();
                (f.st.action.negated, kept)
            })
            .collect();
        let groups: Vec<Group<'_>> = owned
            .iter()
            .map(|(negated, patterns)| Group {
                patterns,
                negated: *negated,
            })
            .collect();
        if groups.is_empty() {
            return Tri::False;
        }
        match any_suffix(&groups, "s3:", false, &mut ctx.budget) {
            Search::NotFound => Tri::True,
            Search::Found(_) => Tri::False,
            Search::TooComplex => {
                ctx.note(|| "whether S3 actions the policy does not name are denied".to_string());
                Tri::Unknown
            }
        }
    };
    let bucket = namespace_covered(&|f| f.bucket_hit, ctx);
    if bucket == Tri::False {
        return Tri::False;
    }
    let all_objects = namespace_covered(&|f| f.objects == Reach::All, ctx);
    if all_objects == Tri::True {
        return bucket;
    }
    let full: Vec<(usize, &Fact<'_>)> = facts
        .iter()
        .filter(|(_, f)| f.ns_full == Tri::True)
        .copied()
        .collect();
    let mut between = if full.is_empty() {
        Tri::False
    } else {
        match objects_gap(&full, prefix, ctx) {
            ObjectsGap::Covered => Tri::True,
            ObjectsGap::Gap(_) => Tri::False,
            ObjectsGap::Undecided => Tri::Unknown,
        }
    };
    // A statement whose namespace coverage is undecided might have joined `full`.
    if between == Tri::False && facts.iter().any(|(_, f)| f.ns_full == Tri::Unknown) {
        between = Tri::Unknown;
    }
    bucket.and(tri_or(all_objects, between))
}

fn is_catalog_literal(p: &Pattern) -> bool {
    p.is_literal()
        && catalog_names()
            .iter()
            .any(|n| n.eq_ignore_ascii_case(p.as_str()))
}

/// Whether the statements together cover every object key: an example key they miss when not.
fn objects_gap(facts: &[(usize, &Fact<'_>)], prefix: &str, ctx: &mut Ctx) -> ObjectsGap {
    if facts.iter().any(|(_, f)| f.objects == Reach::All) {
        return ObjectsGap::Covered;
    }
    let searched = |f: &Fact<'_>| matches!(f.objects, Reach::Some | Reach::Undecided { .. });
    // Statements with the same resource element ask the same question.
    let mut key: Vec<usize> = facts
        .iter()
        .filter(|(_, f)| searched(f))
        .map(|(_, f)| f.resource_id)
        .collect();
    key.sort_unstable();
    key.dedup();
    if let Some(hit) = ctx.objects.get(&key) {
        return hit.clone();
    }
    // More statements never cover less.
    if ctx
        .covered
        .iter()
        .any(|c| c.iter().all(|id| key.binary_search(id).is_ok()))
    {
        ctx.objects.insert(key, ObjectsGap::Covered);
        return ObjectsGap::Covered;
    }
    let mut seen: Vec<usize> = Vec::with_capacity(key.len());
    let mut resources: Vec<&Matcher> = Vec::with_capacity(key.len());
    for (_, f) in facts.iter().filter(|(_, f)| searched(f)) {
        if !seen.contains(&f.resource_id) {
            seen.push(f.resource_id);
            resources.push(&f.st.resource);
        }
    }
    let groups: Vec<Group<'_>> = resources.iter().map(|m| group(m)).collect();
    let result = match find_suffix(&groups, prefix, false, &mut ctx.budget, &ctx.examples) {
        Search::NotFound => ObjectsGap::Covered,
        Search::Found(example) => {
            if ctx.examples.len() < KEPT_EXAMPLES && !ctx.examples.contains(&example) {
                ctx.examples.push(example.clone());
            }
            ObjectsGap::Gap(example)
        }
        Search::TooComplex => {
            // A key found for another set of statements still proves a gap when none of
            // these selects it.
            let known = ctx.examples.iter().find(|e| {
                let key = format!("{prefix}{e}");
                resources.iter().all(|m| !m.selects(&key))
            });
            match known {
                Some(example) => ObjectsGap::Gap(example.clone()),
                None => {
                    ctx.note(|| {
                        let names: Vec<String> = facts
                            .iter()
                            .filter(|(_, f)| searched(f))
                            .map(|(_, f)| name(f.st))
                            .collect();
                        format!("whether {} cover every object key", statement_list(&names))
                    });
                    ObjectsGap::Undecided
                }
            }
        }
    };
    if result == ObjectsGap::Covered {
        ctx.covered.push(key.clone());
    }
    ctx.objects.insert(key, result.clone());
    result
}

/// "statement 0", "statements 0 and 3", "statement 0 ("Sid"), statement 3 and 5 more".
fn statement_list(names: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut parts: Vec<String> = names.iter().take(SHOWN).cloned().collect();
    if names.len() > SHOWN {
        parts.push(format!("{} more statements", names.len() - SHOWN));
    }
    match parts.len() {
        0 => "no statement".to_string(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

fn action_list(idx: &[usize]) -> String {
    const SHOWN: usize = 6;
    let mut names: Vec<String> = idx
        .iter()
        .take(SHOWN)
        .map(|&i| format!("s3:{}", S3_ACTIONS[i].name))
        .collect();
    if idx.len() > SHOWN {
        names.push(format!("and {} more", idx.len() - SHOWN));
    }
    names.join(", ")
}

fn patterns_text(m: &Matcher) -> String {
    let list: Vec<&str> = m.patterns.iter().map(|p| p.as_str()).collect();
    let joined = list.join(", ");
    if m.negated {
        format!("everything except {joined}")
    } else {
        joined
    }
}

/// The gaps in words. `http` is the coverage at best (undecidable conditions assumed to hold),
/// so a conditional statement's own limits (actions, resources, principals) are reported beside
/// its condition rather than hidden behind it; the verdict comes from the real coverage.
fn describe_gaps(
    verdict: Verdict,
    facts: &[Fact<'_>],
    http: &Coverage,
    target: &Target,
    ctx: &Ctx,
) -> Vec<Gap> {
    let mut gaps = Vec::new();
    if verdict == Verdict::Enforced {
        return gaps;
    }
    describe_http_gaps(verdict, facts, http, target, &mut gaps);
    // Whatever the budget left undecided is a gap too: requests that may be accepted.
    if ctx.budget.exhausted() && !gaps.iter().any(|g| g.kind == GapKind::TooComplex) {
        gaps.push(Gap {
            kind: GapKind::TooComplex,
            message: format!(
                "The policy is too complex to decide fully within the analysis budget ({}): {} left undecided, so plain-HTTP requests they concern may be accepted",
                budget_words(&ctx.budget),
                ctx.undecided_text(NAMED_QUESTIONS)
            ),
        });
    }
    gaps
}

fn describe_http_gaps(
    verdict: Verdict,
    facts: &[Fact<'_>],
    http: &Coverage,
    target: &Target,
    gaps: &mut Vec<Gap>,
) {
    if verdict == Verdict::NotEnforced {
        gaps.push(Gap {
            kind: GapKind::NoDeny,
            message: format!(
                "No Deny statement refuses plain-HTTP requests to {}: anyone an IAM policy, ACL or Allow lets in can read and write over HTTP",
                target.bucket
            ),
        });
        return;
    }
    // Conditions first: the gaps after them are what stays open even where they hold.
    let unconditional = facts.iter().any(|f| f.cond(HTTP) == Tri::True);
    for f in facts.iter().filter(|f| f.cond(HTTP) == Tri::Unknown) {
        let conds: Vec<String> =
            f.st.conditions
                .iter()
                .filter(|c| condition::eval(c, Transport::Http) == Tri::Unknown)
                .map(|c| c.to_string())
                .collect();
        let unless = if unconditional {
            " unless another statement denies them unconditionally"
        } else {
            ""
        };
        gaps.push(Gap {
            kind: GapKind::Conditions,
            message: format!(
                "{} denies plain HTTP only when {}; requests that do not meet that are accepted over HTTP{unless}",
                name(f.st),
                conds.join(" and ")
            ),
        });
    }

    let total = S3_ACTIONS.len();
    let others = http.others();
    let who = (http.classes.len() > 1).then_some("principals the policy does not name");
    class_gap_messages(others, None, who, facts, target, total, gaps);

    if !others.complete() {
        for f in facts.iter().filter(|f| f.cond(HTTP) != Tri::False) {
            if let PrincipalCov::Only(only) = &f.principals {
                gaps.push(Gap {
                    kind: GapKind::Principals,
                    message: format!(
                        "{} denies plain HTTP only to {}; every other principal is not covered by it",
                        name(f.st),
                        only.join(", ")
                    ),
                });
            }
        }
    }

    // When no Deny reaches principals the policies do not name, every Deny is limited to named
    // principals: say what each of them still leaves open to those principals.
    let only_named_covered = others.unnamed.len() == total;
    for (class, g) in &http.classes[1..] {
        let Some(p) = class else { continue };
        if only_named_covered {
            class_gap_messages(g, Some(p), Some(p), facts, target, total, gaps);
            continue;
        }
        // Principals named in the policies: exempt ones, and Denies limited to a few principals.
        let worse = g.unnamed.len() > others.unnamed.len()
            || g.bucket.len() > others.bucket.len()
            || g.objects.len() > others.objects.len()
            || (g.unlisted && !others.unlisted);
        if g.undecided.len() > others.undecided.len()
            || (g.unlisted_undecided && !others.unlisted_undecided)
        {
            undecided_messages(g, Some(p), facts, gaps);
        }
        if !worse {
            continue;
        }
        let exempting: Vec<String> = facts
            .iter()
            .filter(|f| matches!(&f.principals, PrincipalCov::AllExcept(ex) if ex.contains(p)))
            .map(|f| name(f.st))
            .collect();
        let why = if exempting.is_empty() {
            String::new()
        } else {
            format!(" (NotPrincipal in {})", exempting.join(", "))
        };
        gaps.push(Gap {
            kind: GapKind::Principals,
            message: format!("{p} is exempt{why}: its plain-HTTP requests are not denied"),
        });
    }
}

/// The `too_complex` gaps of a class: the object coverage and the unnamed actions the budget
/// left undecided, with the statements concerned.
fn undecided_messages(g: &ClassGaps, who: Option<&str>, facts: &[Fact<'_>], gaps: &mut Vec<Gap>) {
    // A few are enough to say what was left open; the `too_complex` warning counts them all.
    const SHOWN: usize = 4;
    let full = |gaps: &[Gap]| {
        gaps.iter()
            .filter(|g| g.kind == GapKind::TooComplex)
            .count()
            >= SHOWN
    };
    if full(gaps) {
        return;
    }
    let for_whom = who.map(|p| format!(" for {p}")).unwrap_or_default();
    let mut by_statements: Vec<(&[usize], Vec<usize>)> = Vec::new();
    for (action, statements) in &g.undecided {
        match by_statements
            .iter_mut()
            .find(|(s, _)| *s == statements.as_slice())
        {
            Some((_, actions)) => actions.push(*action),
            None => by_statements.push((statements, vec![*action])),
        }
    }
    for (statements, actions) in by_statements {
        if full(gaps) {
            return;
        }
        let names: Vec<String> = statements.iter().map(|&i| name(facts[i].st)).collect();
        gaps.push(Gap {
            kind: GapKind::TooComplex,
            message: format!(
                "The policy is too complex to decide within the analysis budget whether {} deny plain HTTP on every object key ({}){for_whom}: such requests may be accepted over plain HTTP",
                statement_list(&names),
                action_list(&actions)
            ),
        });
    }
    if g.unlisted_undecided {
        gaps.push(Gap {
            kind: GapKind::TooComplex,
            message: format!(
                "The policy is too complex to decide within the analysis budget whether S3 actions it does not name are denied over plain HTTP on the bucket and every object{for_whom}"
            ),
        });
    }
}

/// "Even when the conditions of statement 0 hold", for gaps that stay open where the conditions
/// of the class's conditional statements hold; `None` when none applied.
fn even_when(g: &ClassGaps, facts: &[Fact<'_>]) -> Option<String> {
    if g.conditional.is_empty() {
        return None;
    }
    let names: Vec<String> = g.conditional.iter().map(|&i| name(facts[i].st)).collect();
    Some(format!(
        "Even when the conditions of {} hold",
        names.join(" and ")
    ))
}

/// A sentence that starts with `lead` when there is one ("Even when ..., objects ...") and
/// with `rest` capitalized otherwise.
fn lead_sentence(lead: Option<&str>, rest: &str) -> String {
    match lead {
        Some(lead) => format!("{lead}, {rest}"),
        None => {
            let mut chars = rest.chars();
            match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// The object resources the statements denying `actions` to `class` name, for "objects outside
/// arn:aws:s3:::b/logs/*"; `None` when one of them is a `NotResource` (no short way to say it).
fn denied_objects_text(
    facts: &[Fact<'_>],
    class: Option<&str>,
    actions: &[usize],
) -> Option<String> {
    let mut patterns: Vec<&str> = Vec::new();
    for f in facts.iter().filter(|f| {
        f.cond(HTTP) != Tri::False
            && f.objects == Reach::Some
            && f.principals.applies_to(class)
            && actions.iter().any(|&i| f.actions.contains(i))
    }) {
        if f.st.resource.negated {
            return None;
        }
        // A literal without '/' names a bucket, never an object.
        for p in
            f.st.resource
                .patterns
                .iter()
                .filter(|p| !p.is_literal() || p.as_str().contains('/'))
        {
            if !patterns.contains(&p.as_str()) {
                patterns.push(p.as_str());
            }
        }
    }
    (!patterns.is_empty()).then(|| patterns.join(", "))
}

fn class_gap_messages(
    g: &ClassGaps,
    class: Option<&str>,
    who: Option<&str>,
    facts: &[Fact<'_>],
    target: &Target,
    total: usize,
    gaps: &mut Vec<Gap>,
) {
    let for_whom = who.map(|p| format!(" for {p}")).unwrap_or_default();
    let lead = even_when(g, facts);
    let lead = lead.as_deref();
    // When no action at all is denied for this class, the reason is a principal limit, and
    // that gap says it; an `actions` gap would not.
    if !g.unnamed.is_empty() && g.unnamed.len() < total {
        let mut is_unnamed = vec![false; total];
        for &i in &g.unnamed {
            is_unnamed[i] = true;
        }
        let denied: Vec<usize> = (0..total).filter(|&i| !is_unnamed[i]).collect();
        let mut message = if lead.is_some() && denied.len() <= 6 {
            let verb = if denied.len() == 1 { "is" } else { "are" };
            lead_sentence(
                lead,
                &format!(
                    "only {} {verb} denied over plain HTTP{for_whom}; {} of {total} S3 actions are not: {}",
                    action_list(&denied),
                    g.unnamed.len(),
                    action_list(&g.unnamed)
                ),
            )
        } else {
            lead_sentence(
                lead,
                &format!(
                    "{} of {total} S3 actions are not denied over plain HTTP{for_whom}: {}",
                    g.unnamed.len(),
                    action_list(&g.unnamed)
                ),
            )
        };
        let bucket_level_denied = denied.iter().any(|&i| S3_ACTIONS[i].targets.bucket);
        if !bucket_level_denied {
            message.push_str(&format!(
                "; no bucket-level action (e.g. s3:ListBucket) is denied on {} itself",
                target.bucket_arn()
            ));
        }
        gaps.push(Gap {
            kind: GapKind::Actions,
            message,
        });
    }
    if !g.bucket.is_empty() {
        gaps.push(Gap {
            kind: GapKind::BucketResource,
            message: lead_sentence(
                lead,
                &format!(
                    "bucket-level requests on {} are not denied over plain HTTP{for_whom} ({}): no Deny naming them covers the bucket ARN itself",
                    target.bucket_arn(),
                    action_list(&g.bucket)
                ),
            ),
        });
    }
    if !g.objects.is_empty() {
        // Group actions by the example key they leave open.
        let mut by_example: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, ex) in &g.objects {
            match by_example.iter_mut().find(|(e, _)| e == ex) {
                Some((_, v)) => v.push(*i),
                None => by_example.push((ex, vec![*i])),
            }
        }
        for (example, actions) in by_example {
            let outside = denied_objects_text(facts, class, &actions)
                .unwrap_or_else(|| "the denied resources".to_string());
            gaps.push(Gap {
                kind: GapKind::Objects,
                message: lead_sentence(
                    lead,
                    &format!(
                        "objects outside {outside} accept plain HTTP{for_whom}, e.g. {}{example} ({})",
                        target.object_prefix(),
                        action_list(&actions)
                    ),
                ),
            });
        }
    }
    undecided_messages(g, who, facts, gaps);
    if g.unlisted && g.unnamed.is_empty() && g.bucket.is_empty() && g.objects.is_empty() {
        gaps.push(Gap {
            kind: GapKind::UnlistedActions,
            message: lead_sentence(
                lead,
                &format!(
                    "S3 actions the policy does not name (including actions AWS adds later) are not denied over plain HTTP{for_whom}: no Deny covers all of s3:* on the bucket and every object"
                ),
            ),
        });
    }
}

fn summary(f: &Fact<'_>) -> String {
    let st = f.st;
    let conds: Vec<String> = st.conditions.iter().map(|c| c.to_string()).collect();
    let when = if conds.is_empty() {
        String::new()
    } else {
        format!(" when {}", conds.join(" and "))
    };
    format!(
        "Deny {} on {} to {}{when}",
        patterns_text(&st.action),
        patterns_text(&st.resource),
        f.principals.describe()
    )
}

fn collect_evidence(facts: &[Fact<'_>], min_tls: Option<TlsVersion>) -> Vec<Evidence> {
    let mut out = Vec::new();
    // A statement counts only when it is known to reach the bucket.
    for f in facts.iter().filter(|f| f.proven_effective) {
        let mut roles = Vec::new();
        match f.cond(HTTP) {
            Tri::True => roles.push(Role::DeniesHttp),
            Tri::Unknown => roles.push(Role::DeniesHttpConditionally),
            Tri::False => {}
        }
        // TLS floor: denies some TLS version below the floor (1.0/1.1, or 1.2 for a 1.3 floor).
        let floor_versions = match min_tls {
            Some(TlsVersion::V1_3) => 3,
            Some(_) => 2,
            None => 0,
        };
        let denies_old = (1..=floor_versions).any(|t| f.cond(t) == Tri::True);
        let denies_current = f.cond(4) == Tri::True;
        if denies_old && !denies_current {
            roles.push(Role::SetsTlsFloor);
        }
        if roles.is_empty() {
            continue;
        }
        out.push(Evidence {
            source: f.source.clone(),
            statement: f.st.index,
            sid: f.st.sid.clone(),
            roles,
            summary: summary(f),
            json: StatementJson::new(f.st.json.clone()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse::parse_policy;

    fn run(policy: &str) -> Analysis {
        let p = parse_policy(policy).unwrap();
        analyze_bucket_policy(Some(&p), &Target::new("b", Partition::Aws))
    }

    #[test]
    fn canonical_policy_is_enforced() {
        let a = run(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*",
            "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        );
        assert_eq!(a.verdict, Verdict::Enforced, "{a:#?}");
        assert_eq!(a.min_tls, None);
        assert_eq!(a.evidence.len(), 1);
        assert!(a.gaps.is_empty());
    }

    #[test]
    fn objects_only_is_partial() {
        let a = run(
            r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*",
            "Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#,
        );
        assert_eq!(a.verdict, Verdict::Partial);
        assert!(
            a.gaps.iter().any(|g| g.kind == GapKind::BucketResource),
            "{:#?}",
            a.gaps
        );
    }

    #[test]
    fn no_policy_is_not_enforced() {
        let a = analyze_bucket_policy(None, &Target::new("b", Partition::Aws));
        assert_eq!(a.verdict, Verdict::NotEnforced);
        assert_eq!(a.gaps[0].kind, GapKind::NoDeny);
    }
}
