//! `intransit report`: evaluate the estate against the control catalog and write a report
//! (JSON, CSV, Markdown evidence pack, or OCSF Compliance Findings).
//!
//! Exit status: 0 when the report was written and no `--fail-on` threshold was reached; 1 when
//! `--fail-on` was given and a selected required control is at or below it once the findings
//! accepted by `--exceptions` are set aside (the report is still written); 2 when no report could be produced (bad catalog, unknown program, source
//! unusable, output not writable) and for usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::source_args::SourceArgs;
use crate::compliance::{Catalog, Status, evaluate};
use crate::report::{self, Format, ReportInput};
use crate::source::{self, SourceSpec};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    Json,
    Csv,
    #[default]
    Markdown,
    Ocsf,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Json => Format::Json,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Ocsf => Format::Ocsf,
        }
    }
}

/// The `--fail-on` threshold, in the order fail < unknown < partial < pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when a control fails.
    Fail,
    /// Exit 1 when a control fails or is unknown.
    Unknown,
    /// Exit 1 when a control fails, is unknown or is partial.
    Partial,
}

impl From<FailOn> for Status {
    fn from(f: FailOn) -> Status {
        match f {
            FailOn::Fail => Status::Fail,
            FailOn::Unknown => Status::Unknown,
            FailOn::Partial => Status::Partial,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub exceptions: super::ExceptionArgs,
    #[command(flatten)]
    pub traffic: super::TrafficArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Report on one program only (e.g. pci-dss-4.0, soc2, nist-800-53-r5).
    #[arg(long, value_name = "ID")]
    pub program: Option<String>,
    /// Exit 1 when a selected required control is at or below this status
    /// (fail < unknown < partial < pass).
    #[arg(long, value_enum, value_name = "STATUS")]
    pub fail_on: Option<FailOn>,
    /// A catalog file (TOML) that adds programs or overrides them control by control;
    /// repeat to apply several in order.
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Count the findings per account or per OU too: a `groups` list in the JSON summary,
    /// and the Markdown report's accounts section one line per OU instead of per account.
    #[arg(long, value_enum, value_name = "BY")]
    pub group_by: Option<crate::report::GroupBy>,
    /// Write the report here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The built-in catalog plus each `--catalog` file, in order.
pub fn load_catalog(files: &[PathBuf]) -> Result<(Catalog, Vec<String>), String> {
    let mut catalog = Catalog::builtin();
    let mut sources = vec!["builtin".to_string()];
    for path in files {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let extra = Catalog::from_toml_named(&shown, &text).map_err(|e| e.to_string())?;
        catalog.merge(extra).map_err(|e| format!("{shown}: {e}"))?;
        sources.push(shown);
    }
    Ok((catalog, sources))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    crate::say!("{message}");
    ExitCode::from(2)
}

pub fn run(args: &ReportArgs) -> ExitCode {
    let (catalog, sources) = match load_catalog(&args.catalog) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if let Some(id) = args
        .program
        .as_ref()
        .filter(|id| catalog.program(id).is_none())
    {
        let known: Vec<&str> = catalog.programs.iter().map(|p| p.id.as_str()).collect();
        return fail(format!(
            "unknown program {id:?}; known: {}",
            known.join(", ")
        ));
    }
    let exceptions = match args.exceptions.load() {
        Ok(e) => e,
        Err(e) => return fail(e),
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(_) => return ExitCode::from(2),
    };
    // Headless: the demo's simulated latency would only slow the report down.
    let spec = match args.source.spec() {
        SourceSpec::Demo { .. } => SourceSpec::Demo { latency: false },
        other => other,
    };
    let store = match runtime.block_on(async {
        let scan = source::start(&spec).await?;
        scan.finish().await
    }) {
        Ok(store) => store,
        Err(e) => return fail(format!("cannot read the estate: {e}")),
    };
    super::apply_traffic(&store, args.traffic.read(args.source.demo).as_ref());
    let snapshot = store.into_snapshot();
    let mut full = evaluate(&catalog, &snapshot.estate);
    exceptions.apply(&mut full, &snapshot.estate);
    // The pack's "Top fixes" (the whole catalog's, so not with --program).
    let planned = (args.format == ReportFormat::Markdown
        && args.program.is_none()
        && snapshot.estate.buckets.len() <= crate::fix::PLAN_MAX_BUCKETS)
        .then(|| {
            let accept = |e: &mut crate::compliance::Evaluation, estate: &crate::model::Estate| {
                if exceptions.exceptions.source.is_some() {
                    e.accept(&exceptions.exceptions, estate, exceptions.as_of);
                }
            };
            crate::fix::Planned::make(&snapshot.estate, &full, &accept)
        });
    let evaluation = match &args.program {
        Some(id) => match full.only_program(id) {
            Some(e) => e,
            None => return fail(format!("unknown program {id:?}")),
        },
        None => full,
    };
    let input = ReportInput {
        group_by: args.group_by,
        evaluation: &evaluation,
        estate: &snapshot.estate,
        meta: &snapshot.scan,
        catalog_sources: &sources,
        plan: planned.as_ref(),
    };
    let written = super::write_output_with(args.out.as_deref(), "report", |out| {
        report::write(args.format.into(), &input, out)
    });
    if let Err(e) = written {
        return fail(e);
    }
    let code = fail_on(args, &evaluation);
    // About to exit: freeing an organization's estate and findings piece by piece takes
    // longer than the process's exit.
    std::mem::forget(evaluation);
    std::mem::forget(snapshot);
    code
}

/// Exit 1, naming them, when `--fail-on` was given and controls are at or below it.
fn fail_on(args: &ReportArgs, evaluation: &crate::compliance::Evaluation) -> ExitCode {
    if let Some(threshold) = args.fail_on {
        let threshold = Status::from(threshold);
        let hits = evaluation.controls_at_or_below(threshold);
        if !hits.is_empty() {
            let list: Vec<String> = hits
                .iter()
                .map(|(p, c)| {
                    format!(
                        "{} {} ({})",
                        crate::text::sanitize(p),
                        crate::text::sanitize(&c.id),
                        c.open_status()
                    )
                })
                .collect();
            crate::say!(
                "{} control{} at or below {threshold}: {}",
                hits.len(),
                if hits.len() == 1 { "" } else { "s" },
                list.join(", ")
            );
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
