//! Compliance: a data-driven catalog of programs and controls, the checks that evidence them,
//! and the evaluation that turns an [`Estate`](crate::model::Estate) into control statuses
//! with findings and evidence. Pure and synchronous: no I/O, no async, no AWS types.
//!
//! ```
//! use intransit::compliance::{Catalog, evaluate};
//! let catalog = Catalog::builtin();
//! let estate = intransit::model::Estate::default();
//! let evaluation = evaluate(&catalog, &estate);
//! assert!(!evaluation.programs.is_empty());
//! ```
//!
//! Rules (also in `docs/COMPLIANCE.md`): a control's status is the worst status of the
//! findings of the checks it maps to, in the order `fail < unknown < partial < pass`, with
//! `not_applicable` findings ignored and `not_applicable` when nothing else is left. A control
//! with a `cap` is no better than the cap, and a `manual` control (which the scan cannot
//! evidence) is always `unknown`. A program's status is the worst of its required
//! (non-optional) controls.

mod catalog;
pub mod checks;
mod evaluate;
pub mod exceptions;
mod finding;
pub mod paths;
mod status;

pub use catalog::{
    AthenaScope, AwsScope, CATALOG_SCHEMA, Catalog, CatalogError, Control, EvidenceSource, Program,
};
pub use checks::Check;
pub use evaluate::{
    CheckResult, ControlResult, Evaluation, Open, ProgramResult, control_key, evaluate,
};
pub use finding::{
    Attribute, Counts, Evidence, Finding, Resource, ResourceKind, Severity, Status, statement_ref,
};
