//! `athena.enforce_configuration`: the workgroup overrides client-side settings, so a client
//! cannot send query results to another location or turn result encryption off.

use super::{Check, Context};
use crate::compliance::finding::{Evidence, Finding, ResourceKind, Severity, Status};

pub const ID: &str = "athena.enforce_configuration";

pub const CHECK: Check = Check {
    id: ID,
    title: "Athena workgroup enforces its configuration",
    description: "Passes when the workgroup's 'override client-side settings' \
        (EnforceWorkGroupConfiguration) is on: every query writes results to the workgroup's \
        location with the workgroup's encryption. Fails when it is off: a client can name any \
        output location, including a bucket that accepts plain HTTP. Disabled workgroups are \
        not applicable.",
    resource_kind: ResourceKind::AthenaWorkgroup,
    run,
};

pub(super) fn workgroup_evidence(w: &crate::model::Workgroup) -> Evidence {
    let mut ev = Evidence::default()
        .attr("enforce_configuration", w.enforce_configuration.to_string())
        .attr(
            "output_location",
            w.output_location.as_deref().unwrap_or("none").to_string(),
        )
        .attr(
            "result_encryption",
            w.result_encryption.as_deref().unwrap_or("none").to_string(),
        );
    if let Some(state) = &w.state {
        ev = ev.attr("state", state.clone());
    }
    ev.errors = w.errors.as_slice().into();
    ev
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = ctx.listing_failures(
        ID,
        Severity::Medium,
        &["athena:ListWorkGroups"],
        "Athena workgroups",
    );
    for w in &ctx.estate.workgroups {
        let enabled = w.enabled();
        let (status, message) = if !enabled {
            (
                Status::NotApplicable,
                "The workgroup is disabled: it runs no queries.".to_string(),
            )
        } else if !w.errors.is_empty() {
            let shorts: Vec<String> = w.errors.iter().map(|e| e.short()).collect();
            (
                Status::Unknown,
                format!(
                    "The workgroup's configuration could not be read ({}).",
                    shorts.join(", ")
                ),
            )
        } else if w.enforce_configuration {
            (
                Status::Pass,
                "The workgroup overrides client-side settings: clients cannot change the \
                 result location or turn result encryption off."
                    .to_string(),
            )
        } else {
            (
                Status::Fail,
                "Clients can override the workgroup's settings: a query can send its results \
                 to any location the caller names (including a bucket that accepts plain HTTP) \
                 and turn result encryption off."
                    .to_string(),
            )
        };
        out.push(
            Finding::new(
                ID,
                status,
                Severity::Medium,
                ctx.workgroup_resource(w),
                message,
            )
            .with_evidence(workgroup_evidence(w)),
        );
    }
    out
}
