//! Buckets whose policies differ only in the bucket name share one analysis.
//!
//! An organization's buckets mostly carry a handful of policy shapes, each naming its own
//! bucket (`arn:aws:s3:::NAME/*`). The store analyzes a shape once, for a *marked* name (the
//! bucket name replaced by a run of [`MARK`] of the same length), and each bucket renders that
//! analysis with its own name. This is exact, not an approximation, when [`shareable`] holds:
//!
//! - the name occurs only in `Sid`s and in `Resource` / `NotResource` patterns that begin
//!   `arn:PARTITION:s3:::NAME` (the literal start forces the name onto the target's name, so
//!   what follows is matched against the same key for every name);
//! - every other resource pattern matches the bucket and each key the same way for every name:
//!   `*`, a literal start that disagrees with `arn:PARTITION:s3:::`, a literal bucket segment
//!   (another bucket: never this one), or a `*` segment followed by `/` or the end (it spans
//!   the whole name, which holds no `/`);
//! - the name has the same length, so every pattern has the same length and the analysis
//!   spends the same work units (the budget's verdict is the same too);
//! - the mark is a character the analyzer never writes itself and the text does not contain,
//!   so rendering replaces exactly the name's occurrences.
//!
//! `tests/shape.rs` checks the rendered analysis against a direct one for every policy of the
//! corpus and many names.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::analysis::{Analysis, Evidence, Gap, PolicySource, Verdict, Warning};
use super::condition::TlsVersion;
use super::document::{Matcher, Policy};
use crate::model::Partition;

/// Stands for one character of the bucket name in a shared analysis. Never in a bucket name
/// (`[a-z0-9.-]`, and `A-Z` and `_` in old buckets), never written by the analyzer.
pub const MARK: char = '^';

/// Whether `name` can be replaced by marks: only bucket-name characters.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// The policy text with every occurrence of the bucket name replaced by marks, or `None` when
/// the text cannot be shared: an unusual name, a JSON escape (it could spell the name where
/// the text does not), or a mark already in the text.
pub fn template(text: &str, bucket: &str) -> Option<String> {
    if !plain_name(bucket) || text.contains(['\\', MARK]) {
        return None;
    }
    Some(text.replace(bucket, &marked_name(bucket.len())))
}

/// Policy texts read from a file, kept once per template: buckets whose policies differ only
/// in their own name share one text from the moment they are read, so a large snapshot never
/// holds a copy per bucket.
#[derive(Default)]
pub struct Templates(crate::text::Interned);

impl Templates {
    /// The shared template of `text` for the bucket `name`, when it renders back to exactly
    /// `text` (see [`template`]).
    pub fn share(&mut self, text: &str, name: &str) -> Option<Arc<str>> {
        Some(self.0.get(&template(text, name)?))
    }
}

/// The marked name of `len` characters.
pub fn marked_name(len: usize) -> String {
    std::iter::repeat_n(MARK, len).collect()
}

/// `arn:PARTITION:s3:::`, how every target ARN of a bucket begins.
fn arn_start(partition: Partition) -> String {
    format!("arn:{partition}:s3:::")
}

/// Whether the analysis of `policy` (parsed from a [`template`] of a name of `len`
/// characters) for the marked name, rendered with a name, is that name's analysis.
pub fn shareable(policy: &Policy, partition: Partition, len: usize) -> bool {
    let start = arn_start(partition);
    policy
        .statements
        .iter()
        .all(|st| statement_ok(&st.json) && matcher_ok(&st.resource, &start, len))
}

/// Whether a resource control policy leaves the analysis of `bucket` name-independent: its
/// text cannot spell the name, and its resource patterns match every name alike.
pub fn rcp_shareable(content: &str, policy: &Policy, bucket: &str, partition: Partition) -> bool {
    let start = arn_start(partition);
    plain_name(bucket)
        && !content.contains(['\\', MARK])
        && !content.contains(bucket)
        && policy
            .statements
            .iter()
            .all(|st| matcher_ok(&st.resource, &start, 0))
}

/// The name may appear in the statement only in its `Sid` and its resource elements (checked
/// pattern by pattern in [`matcher_ok`]); nowhere else, object keys included.
fn statement_ok(json: &Value) -> bool {
    match json {
        Value::Object(map) => map.iter().all(|(k, v)| {
            !k.contains(MARK)
                && (matches!(k.as_str(), "Sid" | "Resource" | "NotResource") || !mentions_mark(v))
        }),
        _ => !mentions_mark(json),
    }
}

fn mentions_mark(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains(MARK),
        Value::Array(a) => a.iter().any(mentions_mark),
        Value::Object(m) => m.iter().any(|(k, v)| k.contains(MARK) || mentions_mark(v)),
        _ => false,
    }
}

fn matcher_ok(m: &Matcher, start: &str, len: usize) -> bool {
    m.patterns.iter().all(|p| {
        let p = p.as_str();
        if p.contains(MARK) {
            names_the_bucket(p, start, len)
        } else {
            same_for_every_name(p, start)
        }
    })
}

/// `arn:PARTITION:s3:::NAME` followed by anything without the name.
fn names_the_bucket(p: &str, start: &str, len: usize) -> bool {
    let Some(rest) = p.strip_prefix(start) else {
        return false;
    };
    let run = rest.bytes().take_while(|&b| b == MARK as u8).count();
    len > 0 && run == len && !rest[run..].contains(MARK)
}

/// A pattern without the name that matches the bucket ARN and each of its object ARNs the same
/// way whatever the name (see the module documentation).
fn same_for_every_name(p: &str, start: &str) -> bool {
    if p == "*" {
        return true;
    }
    let literal_end = p.find(['*', '?', '$']).unwrap_or(p.len());
    let literal = &p[..literal_end];
    let common = literal.len().min(start.len());
    if literal.as_bytes()[..common] != start.as_bytes()[..common] {
        return true; // disagrees with how every target begins: never matches
    }
    if literal.len() < start.len() {
        return false; // a wildcard before the bucket name
    }
    let rest = &p[start.len()..];
    let segment = &rest[..rest.find('/').unwrap_or(rest.len())];
    !segment.contains(['*', '?', '$']) || segment == "*"
}

/// `text` (a template, or anything an analysis of one wrote) with the marked name replaced by
/// `name`; borrowed when it holds no mark. The one rendering rule.
pub fn render<'a>(text: &'a str, name: &str) -> Cow<'a, str> {
    if text.contains(MARK) {
        Cow::Owned(text.replace(&marked_name(name.len()), name))
    } else {
        Cow::Borrowed(text)
    }
}

fn render_value(v: &Value, name: &str) -> Value {
    match v {
        Value::String(s) => Value::String(render(s, name).into_owned()),
        Value::Array(a) => Value::Array(a.iter().map(|x| render_value(x, name)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (render(k, name).into_owned(), render_value(x, name)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A statement exactly as written; when shared between buckets, rendered with one bucket's
/// name wherever it is read or written.
#[derive(Clone, Debug)]
pub struct StatementJson {
    value: Arc<Value>,
    name: Option<Arc<str>>,
}

impl StatementJson {
    pub fn new(value: Arc<Value>) -> StatementJson {
        StatementJson { value, name: None }
    }

    fn named(&self, name: &Arc<str>) -> StatementJson {
        StatementJson {
            value: self.value.clone(),
            name: Some(name.clone()),
        }
    }

    /// The statement as the bucket's policy has it.
    pub fn value(&self) -> Cow<'_, Value> {
        match &self.name {
            None => Cow::Borrowed(&self.value),
            Some(name) => Cow::Owned(render_value(&self.value, name)),
        }
    }
}

impl PartialEq for StatementJson {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl Serialize for StatementJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for StatementJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(StatementJson::new(Arc::new(Value::deserialize(d)?)))
    }
}

/// A bucket's TLS analysis: its own, or one shared with every bucket of the same policy shape
/// and rendered with this bucket's name. Everything read from it is about this bucket.
#[derive(Clone, Debug)]
pub struct Tls {
    analysis: Arc<Analysis>,
    /// `Some`: the analysis is for the marked name; this is the name to render.
    name: Option<Arc<str>>,
}

impl Tls {
    /// The bucket's own analysis.
    pub fn own(analysis: Analysis) -> Tls {
        Tls {
            analysis: Arc::new(analysis),
            name: None,
        }
    }

    /// A shared analysis (for the marked name of `name`'s length) rendered as `name`'s.
    pub fn shared(analysis: Arc<Analysis>, name: impl Into<Arc<str>>) -> Tls {
        Tls {
            analysis,
            name: Some(name.into()),
        }
    }

    /// Whether this analysis is shared with other buckets.
    /// The bucket name a shared analysis is rendered with.
    pub fn shared_name(&self) -> Option<&Arc<str>> {
        self.name.as_ref()
    }

    pub fn is_shared(&self) -> bool {
        self.name.is_some()
    }

    pub fn verdict(&self) -> Verdict {
        self.analysis.verdict
    }

    pub fn min_tls(&self) -> Option<TlsVersion> {
        self.analysis.min_tls
    }

    pub fn partition(&self) -> Partition {
        self.analysis.partition
    }

    fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        match &self.name {
            Some(name) => render(s, name),
            None => Cow::Borrowed(s),
        }
    }

    /// Why the verdict is `unknown`.
    pub fn error(&self) -> Option<Cow<'_, str>> {
        self.analysis.error.as_deref().map(|e| self.text(e))
    }

    pub fn gap_count(&self) -> usize {
        self.analysis.gaps.len()
    }

    /// The gaps, in words about this bucket.
    pub fn gaps(&self) -> impl Iterator<Item = Gap> + '_ {
        self.analysis.gaps.iter().map(|g| Gap {
            kind: g.kind,
            message: self.text(&g.message).into_owned(),
        })
    }

    /// The gaps' words.
    pub fn gap_messages(&self) -> impl Iterator<Item = Cow<'_, str>> + '_ {
        self.analysis.gaps.iter().map(|g| self.text(&g.message))
    }

    /// The first gap's words.
    pub fn first_gap(&self) -> Option<Cow<'_, str>> {
        self.analysis.gaps.first().map(|g| self.text(&g.message))
    }

    pub fn warnings(&self) -> impl Iterator<Item = Warning> + '_ {
        self.analysis.warnings.iter().map(|w| Warning {
            kind: w.kind,
            statement: w.statement,
            message: self.text(&w.message).into_owned(),
        })
    }

    /// Whether the analysis warns of `kind`.
    pub fn has_warning(&self, kind: super::analysis::WarningKind) -> bool {
        self.analysis.warnings.iter().any(|w| w.kind == kind)
    }

    /// The deciding statements; their JSON is shared, rendered when read.
    pub fn evidence(&self) -> impl Iterator<Item = Evidence> + '_ {
        self.analysis.evidence.iter().map(|e| Evidence {
            source: e.source.clone(),
            statement: e.statement,
            sid: e.sid.as_deref().map(|s| self.text(s).into_owned()),
            roles: e.roles.clone(),
            summary: self.text(&e.summary).into_owned(),
            json: match &self.name {
                None => e.json.clone(),
                Some(name) => e.json.named(name),
            },
        })
    }

    /// Which policy sources deny plain HTTP unconditionally.
    pub fn enforcing_sources(&self) -> Vec<&PolicySource> {
        self.analysis.enforcing_sources()
    }

    pub fn enforced_only_by_rcp(&self) -> bool {
        self.analysis.enforced_only_by_rcp()
    }

    /// `bucket policy`, `RCP`, `RCP + bucket policy`, or `—`.
    pub fn enforced_by(&self) -> &'static str {
        self.analysis.enforced_by()
    }

    /// The whole analysis, about this bucket.
    pub fn analysis(&self) -> Cow<'_, Analysis> {
        let Some(name) = &self.name else {
            return Cow::Borrowed(&self.analysis);
        };
        let a = &self.analysis;
        Cow::Owned(Analysis {
            bucket: name.to_string(),
            partition: a.partition,
            verdict: a.verdict,
            min_tls: a.min_tls,
            gaps: self.gaps().collect(),
            evidence: self.evidence().collect(),
            warnings: self.warnings().collect(),
            error: self.error().map(Cow::into_owned),
        })
    }
}

impl Default for Tls {
    /// Not analyzed yet (the store derives every bucket's analysis).
    fn default() -> Tls {
        Tls::own(Analysis::unknown("", Partition::default(), "not analyzed"))
    }
}

impl Tls {
    /// What a snapshot keeps of the analysis: the verdict and the TLS floor (loading a snapshot
    /// derives the rest again).
    pub fn serialize_summary<S: Serializer>(tls: &Tls, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Summary {
            verdict: Verdict,
            min_tls: Option<TlsVersion>,
        }
        Summary {
            verdict: tls.verdict(),
            min_tls: tls.min_tls(),
        }
        .serialize(s)
    }
}

impl PartialEq for Tls {
    fn eq(&self, other: &Self) -> bool {
        (Arc::ptr_eq(&self.analysis, &other.analysis) && self.name == other.name)
            || self.analysis() == other.analysis()
    }
}

impl Serialize for Tls {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.analysis().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Tls {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Tls::own(Analysis::deserialize(d)?))
    }
}
