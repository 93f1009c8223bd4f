//! `intransit diff` output: text for a terminal, JSON (versioned) for machines, Markdown for
//! a ticket or a pull request. Every string from the estate is sanitized (text) or escaped
//! (Markdown); JSON is exact.

use std::fmt::Write;

use serde::Serialize;

use super::{Change, Diff, Impact};
use crate::report::md_escape;
use crate::text::sanitize;

pub const DIFF_SCHEMA: &str = "intransit.diff/v1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    #[default]
    Text,
    Json,
    Markdown,
}

const GROUPS: [(Impact, &str); 3] = [
    (Impact::Regression, "Regressions"),
    (Impact::Improvement, "Improvements"),
    (Impact::Neutral, "Neutral"),
];

/// `diff` in `format`, ending with a newline.
pub fn render(diff: &Diff, format: DiffFormat) -> String {
    match format {
        DiffFormat::Text => text(diff),
        DiffFormat::Json => json(diff),
        DiffFormat::Markdown => markdown(diff),
    }
}

fn summary(diff: &Diff) -> String {
    format!(
        "{} regression{}, {} improvement{}, {} neutral",
        diff.count(Impact::Regression),
        if diff.count(Impact::Regression) == 1 {
            ""
        } else {
            "s"
        },
        diff.count(Impact::Improvement),
        if diff.count(Impact::Improvement) == 1 {
            ""
        } else {
            "s"
        },
        diff.count(Impact::Neutral),
    )
}

fn text(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "base: {}", sanitize(&diff.base.label()));
    let _ = writeln!(out, "new:  {}", sanitize(&diff.new.label()));
    let _ = writeln!(out, "{}", summary(diff));
    if diff.changes.is_empty() {
        let _ = writeln!(out, "\nNo change.");
    }
    for (impact, title) in GROUPS {
        let group: Vec<&Change> = diff.changes.iter().filter(|c| c.impact == impact).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({})", group.len());
        let mark = match impact {
            Impact::Regression => "✘",
            Impact::Improvement => "✔",
            Impact::Neutral => "·",
        };
        for c in group {
            let account = c
                .account_id
                .as_deref()
                .map(|a| format!("  [{a}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {mark} {}: {}  {}{account}",
                c.kind.words(),
                sanitize(&c.subject),
                sanitize(&c.before_after()),
            );
            if !c.controls.is_empty() {
                let _ = writeln!(
                    out,
                    "      controls: {}",
                    sanitize(&controls_line(&c.controls))
                );
            }
        }
    }
    out
}

/// Controls listed per finding in text before "and N more" (JSON and Markdown list all).
const CONTROLS_SHOWN: usize = 4;

fn controls_line(controls: &[String]) -> String {
    let shown = controls[..controls.len().min(CONTROLS_SHOWN)].join(", ");
    match controls.len().saturating_sub(CONTROLS_SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    base: &'a super::Side,
    new: &'a super::Side,
    summary: Summary,
    changes: &'a [Change],
}

#[derive(Serialize)]
struct Summary {
    regressions: usize,
    improvements: usize,
    neutral: usize,
}

fn json(diff: &Diff) -> String {
    let doc = Json {
        schema: DIFF_SCHEMA,
        base: &diff.base,
        new: &diff.new,
        summary: Summary {
            regressions: diff.count(Impact::Regression),
            improvements: diff.count(Impact::Improvement),
            neutral: diff.count(Impact::Neutral),
        },
        changes: &diff.changes,
    };
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    crate::text::json_safe(text + "\n")
}

fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# What changed in transit protection\n");
    let _ = writeln!(out, "- **Base:** {}", md_escape(&diff.base.label()));
    let _ = writeln!(out, "- **New:** {}", md_escape(&diff.new.label()));
    let _ = writeln!(out, "- **Changes:** {}\n", summary(diff));
    for (impact, title) in GROUPS {
        let group: Vec<&Change> = diff.changes.iter().filter(|c| c.impact == impact).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title} ({})\n", group.len());
        let _ = writeln!(
            out,
            "| Change | Subject | Account | Before | After | Controls |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for c in group {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                c.kind.words(),
                md_escape(&c.subject),
                md_escape(c.account_id.as_deref().unwrap_or("")),
                md_escape(c.before.as_deref().unwrap_or("—")),
                md_escape(c.after.as_deref().unwrap_or("—")),
                md_escape(&c.controls.join(", ")),
            );
        }
        out.push('\n');
    }
    if diff.changes.is_empty() {
        let _ = writeln!(out, "No change.");
    }
    out
}
