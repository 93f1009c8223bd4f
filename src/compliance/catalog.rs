//! The control catalog: compliance programs, their controls, and the checks each control
//! relies on. Data, not code: the built-in catalog is `compliance/catalog.toml` compiled in,
//! and `--catalog FILE` adds programs or overrides them control by control.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::checks;
use super::finding::Status;

/// Version tag every catalog file carries.
pub const CATALOG_SCHEMA: &str = "intransit.catalog/v1";

const BUILTIN: &str = include_str!("../../compliance/catalog.toml");

/// Whether AWS lists Amazon Athena in scope of a program: AWS's side of the shared
/// responsibility, reported next to (never mixed with) the customer's evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AthenaScope {
    /// AWS lists Athena in scope of its attestation for this program.
    InScope,
    /// AWS has an attestation for this program but does not list Athena.
    NotListed,
    /// The program has no service-level attestation (a benchmark, a regulation, a framework).
    NotApplicable,
}

impl AthenaScope {
    pub fn as_str(self) -> &'static str {
        match self {
            AthenaScope::InScope => "in_scope",
            AthenaScope::NotListed => "not_listed",
            AthenaScope::NotApplicable => "not_applicable",
        }
    }
}

/// AWS's side of a program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsScope {
    pub athena: AthenaScope,
    /// The AWS attestation this rests on (`SOC 1, SOC 2, SOC 3 reports`), if any.
    #[serde(default)]
    pub attestation: Option<String>,
    /// Where the statement comes from.
    pub source: String,
    /// Whether the catalog authors checked the statement against `source`. `false` means:
    /// confirm on AWS's "Services in Scope by Compliance Program" page or in AWS Artifact.
    pub verified: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a control's evidence comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// The mapped checks evidence the control (the default).
    #[default]
    Checks,
    /// The scan cannot evidence the control at all (an inventory, a procedure): it maps no
    /// check and its status is always `unknown`, until the user attaches their own evidence.
    Manual,
}

impl EvidenceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceSource::Checks => "checks",
            EvidenceSource::Manual => "manual",
        }
    }
}

/// One control (requirement) of a program, and the checks that evidence it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// The program's own identifier: `4.2.1`, `SC-8(1)`, `CC6.7`.
    pub id: String,
    pub title: String,
    /// What the control asks of the customer, in our own words (never the standard's text).
    pub requirement: String,
    /// Where it is written: document, version, section.
    pub citation: String,
    /// Check ids (see `intransit::compliance::checks::ALL`). Empty, and may be omitted, only
    /// for a `manual` control.
    #[serde(default)]
    pub checks: Vec<String>,
    /// `manual`: the scan cannot evidence this control (no checks; always `unknown`).
    #[serde(default)]
    pub evidence: EvidenceSource,
    /// The best status the control can reach (`partial`, `unknown` or `fail`), for a control
    /// the checks evidence only in part: every mapped finding passing gives `cap`, not `pass`.
    /// The note says what the scan cannot see.
    #[serde(default)]
    pub cap: Option<Status>,
    /// Reported, but never decides the program status or `--fail-on`.
    #[serde(default)]
    pub optional: bool,
    /// How the checks map to the control, and what they do not cover.
    #[serde(default)]
    pub note: Option<String>,
}

/// A compliance program (standard, regulation, benchmark or framework).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// Short stable id used by `--program`: `pci-dss-4.0`.
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub aws_scope: Option<AwsScope>,
    #[serde(default)]
    pub note: Option<String>,
    pub controls: Vec<Control>,
}

/// The whole catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub schema: String,
    pub programs: Vec<Program>,
}

/// Why a catalog was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogError {
    #[error("{origin}: not a valid catalog: {message}")]
    Toml { origin: String, message: String },
    #[error("{origin}: schema {found:?}; this intransit reads {CATALOG_SCHEMA:?}")]
    Schema { origin: String, found: String },
    #[error("{origin}: {}", .issues.join("; "))]
    Invalid { origin: String, issues: Vec<String> },
}

impl Catalog {
    /// The catalog shipped with intransit. It is validated by the test suite, so this never
    /// fails in a released build.
    pub fn builtin() -> Catalog {
        match Catalog::from_toml(BUILTIN) {
            Ok(c) => c,
            Err(e) => panic!("the built-in catalog is invalid: {e}"),
        }
    }

    /// The built-in catalog's text (for `--catalog` authors who want a template).
    pub fn builtin_text() -> &'static str {
        BUILTIN
    }

    /// Parses and validates a complete catalog.
    pub fn from_toml(text: &str) -> Result<Catalog, CatalogError> {
        Catalog::from_toml_named("catalog", text)
    }

    /// As [`Catalog::from_toml`], naming the origin (a file path) in errors.
    pub fn from_toml_named(origin: &str, text: &str) -> Result<Catalog, CatalogError> {
        let value: toml::Table = toml::from_str(text).map_err(|e| CatalogError::Toml {
            origin: origin.to_string(),
            message: e.to_string().trim().to_string(),
        })?;
        let found = value
            .get("schema")
            .and_then(|v| v.as_str())
            .unwrap_or("(none)")
            .to_string();
        if found != CATALOG_SCHEMA {
            return Err(CatalogError::Schema {
                origin: origin.to_string(),
                found,
            });
        }
        let catalog: Catalog = toml::from_str(text).map_err(|e| CatalogError::Toml {
            origin: origin.to_string(),
            message: e.to_string().trim().to_string(),
        })?;
        catalog.validate().map_err(|issues| CatalogError::Invalid {
            origin: origin.to_string(),
            issues,
        })?;
        Ok(catalog)
    }

    /// Adds `other`'s programs and overrides matching ones: a program with a new id is
    /// appended; a program with an existing id takes `other`'s name, version, publisher, url,
    /// AWS scope and note, and its controls are merged by id (a control with the same id
    /// replaces the old one in place, a new id is appended). Controls `other` does not mention
    /// are kept. The result is validated.
    pub fn merge(&mut self, other: Catalog) -> Result<(), CatalogError> {
        for program in other.programs {
            match self.programs.iter_mut().find(|p| p.id == program.id) {
                None => self.programs.push(program),
                Some(existing) => {
                    existing.name = program.name;
                    existing.version = program.version;
                    existing.publisher = program.publisher;
                    existing.url = program.url.or(existing.url.take());
                    existing.aws_scope = program.aws_scope.or(existing.aws_scope.take());
                    existing.note = program.note.or(existing.note.take());
                    for control in program.controls {
                        match existing.controls.iter_mut().find(|c| c.id == control.id) {
                            Some(c) => *c = control,
                            None => existing.controls.push(control),
                        }
                    }
                }
            }
        }
        self.validate().map_err(|issues| CatalogError::Invalid {
            origin: "merged catalog".to_string(),
            issues,
        })
    }

    /// Every problem with the catalog: duplicate ids, programs without controls, controls
    /// without checks or mapping to a check that does not exist, manual controls with checks
    /// or a cap, a cap that is not `partial`, `unknown` or `fail`, empty required text.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let known: BTreeSet<&str> = checks::ALL.iter().map(|c| c.id).collect();
        let mut issues = Vec::new();
        let mut programs = BTreeSet::new();
        if self.programs.is_empty() {
            issues.push("the catalog has no programs".to_string());
        }
        for p in &self.programs {
            if p.id.trim().is_empty() {
                issues.push("a program has an empty id".to_string());
            }
            if !programs.insert(p.id.as_str()) {
                issues.push(format!("duplicate program id {:?}", p.id));
            }
            for (field, value) in [
                ("name", &p.name),
                ("version", &p.version),
                ("publisher", &p.publisher),
            ] {
                if value.trim().is_empty() {
                    issues.push(format!("program {:?} has an empty {field}", p.id));
                }
            }
            if p.controls.is_empty() {
                issues.push(format!("program {:?} has no controls", p.id));
            }
            let mut controls = BTreeSet::new();
            for c in &p.controls {
                let at = format!("{}/{}", p.id, c.id);
                if c.id.trim().is_empty() {
                    issues.push(format!("program {:?} has a control with an empty id", p.id));
                }
                if !controls.insert(c.id.as_str()) {
                    issues.push(format!("duplicate control id {at:?}"));
                }
                for (field, value) in [
                    ("title", &c.title),
                    ("requirement", &c.requirement),
                    ("citation", &c.citation),
                ] {
                    if value.trim().is_empty() {
                        issues.push(format!("control {at:?} has an empty {field}"));
                    }
                }
                match c.evidence {
                    EvidenceSource::Checks if c.checks.is_empty() => {
                        issues.push(format!("control {at:?} maps to no check"));
                    }
                    EvidenceSource::Manual if !c.checks.is_empty() => issues.push(format!(
                        "control {at:?} has evidence = \"manual\" but maps checks; a manual \
                         control maps none (its status is always unknown)"
                    )),
                    EvidenceSource::Manual if c.cap.is_some() => issues.push(format!(
                        "control {at:?} has evidence = \"manual\" and a cap; a manual control \
                         is always unknown, there is nothing to cap"
                    )),
                    _ => {}
                }
                if let Some(cap @ (Status::Pass | Status::NotApplicable)) = c.cap {
                    issues.push(format!(
                        "control {at:?} has cap = {:?}; a cap is partial, unknown or fail",
                        cap.as_str()
                    ));
                }
                let mut seen = BTreeSet::new();
                for check in &c.checks {
                    if !known.contains(check.as_str()) {
                        issues.push(format!(
                            "control {at:?} maps to check {check:?}, which does not exist (known: {})",
                            known.iter().copied().collect::<Vec<_>>().join(", ")
                        ));
                    }
                    if !seen.insert(check.as_str()) {
                        issues.push(format!("control {at:?} lists check {check:?} twice"));
                    }
                }
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    pub fn program(&self, id: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.id == id)
    }

    /// Ids of the checks some control maps to, deduplicated, in `checks::ALL` order.
    pub fn mapped_checks(&self) -> Vec<&'static str> {
        let used: BTreeSet<&str> = self
            .programs
            .iter()
            .flat_map(|p| &p.controls)
            .flat_map(|c| &c.checks)
            .map(String::as_str)
            .collect();
        checks::ALL
            .iter()
            .map(|c| c.id)
            .filter(|id| used.contains(id))
            .collect()
    }
}
