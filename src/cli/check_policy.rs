//! `intransit check-policy`: analyze one policy file (or stdin) for one bucket.
//!
//! Exit status: 0 whenever an analysis was produced (any verdict); 1 when the policy cannot be
//! read or parsed (one line on stderr saying where); 2 for usage errors.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Format;
use crate::model::Partition;
use crate::policy::{Target, analyze_bucket_policy, parse_policy, render};

#[derive(Debug, Args)]
pub struct CheckPolicyArgs {
    /// Bucket the policy is attached to.
    #[arg(long)]
    pub bucket: String,
    /// AWS partition of the bucket: aws, aws-us-gov or aws-cn.
    #[arg(long, default_value = "aws")]
    pub partition: Partition,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Policy JSON file, or - for standard input.
    pub file: PathBuf,
}

pub fn run(args: &CheckPolicyArgs) -> ExitCode {
    let name = args.file.display().to_string();
    let text = match read_input(&args.file) {
        Ok(t) => t,
        Err(e) => {
            crate::say!("cannot read {name}: {e}");
            return ExitCode::from(1);
        }
    };
    let policy = match parse_policy(&text) {
        Ok(p) => p,
        Err(e) => {
            crate::say!("{name}: {e}");
            return ExitCode::from(1);
        }
    };
    let analysis = analyze_bucket_policy(Some(&policy), &Target::new(&args.bucket, args.partition));
    let out = match args.format {
        Format::Text => render::text(&analysis),
        Format::Json => match serde_json::to_string_pretty(&analysis) {
            Ok(s) => crate::text::json_safe(s) + "\n",
            Err(e) => {
                crate::say!("cannot encode the analysis: {e}");
                return ExitCode::from(1);
            }
        },
    };
    // A closed pipe (e.g. `| head`) is not an analysis failure: the exit status stays 0.
    let _ = super::write_output(None, &out, "analysis");
    ExitCode::SUCCESS
}

fn read_input(path: &PathBuf) -> std::io::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
    }
}
