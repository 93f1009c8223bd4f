//! `--access-logs` and `--cloudtrail`: observed traffic read beside the estate, shared by the
//! console, `report` and `traffic`.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use crate::store::{Store, Update};
use crate::traffic::{self, Inputs, Traffic};

#[derive(Debug, Args, Clone, Default)]
pub struct TrafficArgs {
    /// S3 server access log files or directories (walked); repeat for several.
    #[arg(long = "access-logs", value_name = "PATH")]
    pub access_logs: Vec<PathBuf>,
    /// CloudTrail log files (`.json`, `.json.gz`), directories of them, or `aws cloudtrail
    /// lookup-events` output; repeat for several.
    #[arg(long = "cloudtrail", value_name = "PATH")]
    pub cloudtrail: Vec<PathBuf>,
}

impl TrafficArgs {
    pub fn inputs(&self) -> Inputs {
        Inputs {
            access_logs: self.access_logs.clone(),
            cloudtrail: self.cloudtrail.clone(),
        }
    }

    /// The logs given, read (with the demo's when `demo`), or `None` when none were given.
    pub fn read(&self, demo: bool) -> Option<Arc<Traffic>> {
        let inputs = self.inputs();
        (!inputs.is_empty()).then(|| Arc::new(traffic::read(&inputs, demo, None)))
    }
}

/// Gives `store` the traffic read from the command line, when there is any.
pub fn apply(store: &Store, traffic: Option<&Arc<Traffic>>) {
    if let Some(t) = traffic {
        store.apply(Update::Traffic(t.clone()));
    }
}
