//! The text a person reads in a terminal: verdict first, then the gaps, the statements that
//! decided it and the warnings. Every line is sanitized: Sids and patterns are untrusted.

use std::fmt::Write;

use super::analysis::{Analysis, Role, Verdict};
use crate::text::sanitize;

/// A one-line explanation of a verdict.
pub fn verdict_sentence(v: Verdict) -> &'static str {
    match v {
        Verdict::Enforced => "every plain-HTTP request to the bucket and its objects is denied",
        Verdict::Partial => "some plain-HTTP requests are denied, others are accepted",
        Verdict::NotEnforced => "plain-HTTP requests are accepted",
        Verdict::Unknown => "the policy could not be read or fully decided",
    }
}

/// Renders an analysis as plain text (no colour; safe to pipe).
pub fn text(a: &Analysis) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}): {} - {}",
        a.bucket,
        a.partition,
        a.verdict.as_str().to_uppercase().replace('_', " "),
        verdict_sentence(a.verdict)
    );
    let _ = match a.min_tls {
        Some(v) => writeln!(s, "Minimum TLS: {v} (older versions are denied)"),
        None => writeln!(s, "Minimum TLS: not set by the policy"),
    };
    if let Some(e) = &a.error {
        let _ = writeln!(s, "Error: {e}");
    }
    if !a.gaps.is_empty() {
        let _ = writeln!(s, "\nStill accepted over plain HTTP:");
        for g in &a.gaps {
            let _ = writeln!(s, "  - {}", g.message);
        }
    }
    if !a.evidence.is_empty() {
        let _ = writeln!(s, "\nDeciding statements:");
        for e in &a.evidence {
            let roles: Vec<&str> = e
                .roles
                .iter()
                .map(|r| match r {
                    Role::DeniesHttp => "denies plain HTTP",
                    Role::DeniesHttpConditionally => "denies plain HTTP under a condition",
                    Role::SetsTlsFloor => "sets the TLS floor",
                })
                .collect();
            let sid = e
                .sid
                .as_deref()
                .map(|s| format!(" {s:?}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  [{}]{sid} ({}) {}:\n      {}",
                e.statement,
                e.source.label(),
                roles.join(", "),
                e.summary
            );
        }
    }
    if !a.warnings.is_empty() {
        let _ = writeln!(s, "\nWarnings:");
        for w in &a.warnings {
            let _ = writeln!(s, "  ! {}", w.message);
        }
    }
    s.lines().map(|l| sanitize(l).into_owned() + "\n").collect()
}
