//! Bucket-policy analysis: parse IAM policy JSON and decide whether plain-HTTP requests to a
//! bucket are denied. Pure and synchronous: no I/O, no async, no AWS types.
//! The rules applied are written down in `docs/POLICY-ANALYSIS.md`.

pub mod actions;
mod analysis;
mod analyze;
mod condition;
mod document;
mod fix;
mod glob;
mod parse;
pub mod render;
pub mod shape;

pub use analysis::{
    Analysis, Evidence, Gap, GapKind, PolicySource, Role, Verdict, Warning, WarningKind,
};
pub use analyze::{Bounded, PolicyInput, Target, analyze, analyze_bucket_policy, analyze_within};
pub use condition::{TlsVersion, Transport, Tri, secure_transport_may_hold_over_tls};
pub use document::{Effect, Policy, Statement};
pub use fix::{DENY_HTTP_SID, deny_insecure_transport};
pub use glob::{Budget, MAX_STATES, Pattern, Variables, WORK_LIMIT};
pub use parse::{PolicyError, parse_policy, parse_policy_value};
pub use shape::{StatementJson, Tls};
