//! `intransit fix`: what would fix each failing resource — bucket policies with the plain-HTTP
//! deny merged in (proved), workgroups, VPN tunnels, the RCP — as text to review, JSON, a shell
//! script with backup and rollback, Terraform or CloudFormation; and the top fixes, each
//! evaluated on the estate with it applied. It reads and writes files only: it calls nothing
//! that changes AWS.
//!
//! Exit status: 0 when written; 2 when nothing could be written (no selection, an unknown
//! bucket, the source unusable, the output not writable).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::source_args::SourceArgs;
use crate::compliance::{Catalog, evaluate};
use crate::fix::{self, FixSet, Selection, render};
use crate::policy::TlsVersion;
use crate::source::{self, SourceSpec};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum FixFormat {
    /// For a reviewer: each change as a diff, its proof, and its apply and rollback commands.
    #[default]
    Text,
    Json,
    /// A script that backs every policy up, applies each change, and prints the rollback.
    Sh,
    Terraform,
    Cloudformation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MinTls {
    #[value(name = "1.2")]
    V12,
    #[value(name = "1.3")]
    V13,
}

impl From<MinTls> for TlsVersion {
    fn from(v: MinTls) -> TlsVersion {
        match v {
            MinTls::V12 => TlsVersion::V1_2,
            MinTls::V13 => TlsVersion::V1_3,
        }
    }
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub exceptions: super::ExceptionArgs,
    #[command(flatten)]
    pub traffic: super::TrafficArgs,
    /// Fix this bucket's policy (repeat for several).
    #[arg(long = "bucket", value_name = "NAME")]
    pub buckets: Vec<String>,
    /// Fix every resource that does not pass: bucket policies, workgroups, VPN tunnels, and
    /// accounts without the plain-HTTP RCP.
    #[arg(long)]
    pub failing: bool,
    /// Deny TLS older than this too (a second statement on `s3:TlsVersion`).
    #[arg(long, value_enum, value_name = "VERSION")]
    pub min_tls: Option<MinTls>,
    #[arg(long, value_enum, default_value_t)]
    pub format: FixFormat,
    /// Write the files (script or template, and the policies beside it) into this directory
    /// instead of standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Only the top fixes, ranked by what each resolves (of everything failing, unless
    /// --bucket names some).
    #[arg(long)]
    pub plan: bool,
    /// How many candidate actions the plan evaluates (each is a full evaluation).
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub plan_limit: usize,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    crate::say!("{message}");
    ExitCode::from(2)
}

pub fn run(args: &FixArgs) -> ExitCode {
    if args.buckets.is_empty() && !args.failing && !args.plan {
        return fail("name the buckets to fix with --bucket NAME, or give --failing (or --plan)");
    }
    let loaded = match args.exceptions.load() {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(_) => return ExitCode::from(2),
    };
    let spec = match args.source.spec() {
        SourceSpec::Demo { .. } => SourceSpec::Demo { latency: false },
        other => other,
    };
    let store = match runtime.block_on(async { source::start(&spec).await?.finish().await }) {
        Ok(store) => store,
        Err(e) => return fail(format!("cannot read the estate: {e}")),
    };
    super::apply_traffic(&store, args.traffic.read(args.source.demo).as_ref());
    let snapshot = store.into_snapshot();
    let set = match build(args, &snapshot, &loaded) {
        Ok(set) => set,
        Err(e) => return fail(e),
    };
    match write(args, &set) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The fixes and the plan for `snapshot`.
pub fn build(
    args: &FixArgs,
    snapshot: &crate::model::Snapshot,
    loaded: &super::Loaded,
) -> Result<FixSet, String> {
    let catalog = Catalog::builtin();
    let mut evaluation = evaluate(&catalog, &snapshot.estate);
    loaded.apply(&mut evaluation, &snapshot.estate);
    let selection = Selection {
        buckets: args.buckets.clone(),
        // The plan alone ranks everything that fails.
        failing: args.failing || (args.plan && args.buckets.is_empty()),
        floor: args.min_tls.map(TlsVersion::from),
    };
    let (fixes, unchanged) = fix::fixes(&snapshot.estate, &evaluation, &selection)?;
    let accept = |e: &mut crate::compliance::Evaluation, estate: &crate::model::Estate| {
        if loaded.exceptions.source.is_some() {
            e.accept(&loaded.exceptions, estate, loaded.as_of);
        }
    };
    let plan = fix::plan(
        snapshot,
        &evaluation,
        &fixes,
        &catalog,
        &accept,
        args.plan_limit,
    );
    Ok(FixSet {
        schema: fix::SCHEMA,
        fixes: if args.plan { Vec::new() } else { fixes },
        unchanged: if args.plan { Vec::new() } else { unchanged },
        plan: plan.items,
        not_evaluated: plan.not_evaluated,
        all: plan.all,
    })
}

fn write(args: &FixArgs, set: &FixSet) -> Result<(), String> {
    let inline = args.out.is_none();
    let files = match args.format {
        FixFormat::Text => vec![("fix.txt".to_string(), render::text(set))],
        FixFormat::Json => vec![("fix.json".to_string(), render::json(set))],
        FixFormat::Sh => fix::script::sh(set, inline),
        FixFormat::Terraform => render::terraform(set, inline),
        FixFormat::Cloudformation => render::cloudformation(set, inline)?,
    };
    match &args.out {
        None => super::write_output(None, &files[0].1, "fixes"),
        Some(dir) => write_files(dir, &files),
    }
}

fn write_files(dir: &Path, files: &render::Files) -> Result<(), String> {
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        #[cfg(unix)]
        if path.extension().is_some_and(|x| x == "sh") {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
        }
    }
    crate::say!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}
