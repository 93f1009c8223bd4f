//! The versioned snapshot file: what `intransit scan` writes and `--snapshot FILE` reads.

use serde::{Deserialize, Serialize};

use super::PolicyBody;
use super::{
    Account, Bucket, BucketEncryption, Connectivity, ContextRead, DataCatalog, Estate, FetchError,
    PolicyText, PublicAccessBlock, ResourceControlPolicy, Table, Workgroup,
};
use crate::model::AthenaUsage;
use crate::policy::Tls;
use crate::policy::shape::Templates;
use std::sync::Arc;

pub const SNAPSHOT_SCHEMA: &str = "intransit.snapshot/v1";

/// Where the data came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Live,
    Demo,
    Snapshot,
}

impl Mode {
    pub fn badge(self) -> &'static str {
        match self {
            Mode::Live => "LIVE",
            Mode::Demo => "DEMO",
            Mode::Snapshot => "SNAPSHOT",
        }
    }
}

/// Progress of one fetcher (e.g. `s3`, `athena`, `ec2`): calls queued, running, finished.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetcherProgress {
    pub fetcher: String,
    pub queued: u64,
    pub in_flight: u64,
    pub done: u64,
    pub failed: u64,
}

impl FetcherProgress {
    pub fn finished(&self) -> bool {
        self.queued == 0 && self.in_flight == 0
    }
}

/// Facts about the scan itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanMeta {
    pub mode: Mode,
    pub tool_version: String,
    /// RFC 3339, UTC.
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_ms: Option<u64>,
    /// Milliseconds from the start of the scan until the last bucket got its TLS verdict
    /// (auditor context such as encryption may still arrive after).
    pub verdicts_complete_ms: Option<u64>,
    pub regions: Vec<String>,
    /// AWS API calls made (0 for demo and snapshot).
    pub api_calls: u64,
    /// Calls per operation, e.g. `s3:GetBucketPolicy` → 2000 (retries included).
    pub operations: std::collections::BTreeMap<String, u64>,
    pub progress: Vec<FetcherProgress>,
}

/// Snapshot text up to this size is read whole before it is parsed.
const IN_MEMORY: u64 = 256 << 20;

/// A whole scan, as written to disk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: String,
    pub scan: ScanMeta,
    #[serde(flatten)]
    pub estate: Estate,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not an intransit snapshot (line {line}, column {column}): {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path} has schema {found:?}; this intransit reads {SNAPSHOT_SCHEMA:?}")]
    Schema { path: String, found: String },
}

impl Snapshot {
    /// Reads and checks a snapshot file.
    pub fn from_json(path: &str, text: &str) -> Result<Snapshot, SnapshotError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SnapshotError::Json {
                path: path.to_string(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        let found = value
            .get("schema")
            .and_then(|s| s.as_str())
            .unwrap_or("(none)")
            .to_string();
        if found != SNAPSHOT_SCHEMA {
            return Err(SnapshotError::Schema {
                path: path.to_string(),
                found,
            });
        }
        serde_json::from_value(value).map_err(|e| SnapshotError::Json {
            path: path.to_string(),
            line: 0,
            column: 0,
            message: e.to_string(),
        })
    }

    /// Reads a snapshot to load it into a store from `reader`: each bucket's `tls` and `athena`
    /// are skipped, not parsed (the store derives them again), and nothing but the estate and
    /// the text (up to 256 MiB, streamed beyond) is held in memory, never a JSON tree. The
    /// buckets carry an `unknown` "not analyzed" `tls`.
    pub fn read_for_store(
        path: &str,
        mut reader: impl std::io::Read,
        probe: impl FnOnce() -> Option<String>,
    ) -> Result<Snapshot, SnapshotError> {
        use std::io::Read;
        // Parsed from memory when the text fits in `IN_MEMORY` (twice as fast as from a
        // reader, byte by byte), streamed beyond.
        let mut text = Vec::new();
        if let Err(source) = (&mut reader).take(IN_MEMORY).read_to_end(&mut text) {
            return Err(SnapshotError::Io {
                path: path.to_string(),
                source,
            });
        }
        let file: Result<SnapshotIn, _> = if (text.len() as u64) < IN_MEMORY {
            serde_json::from_slice(&text)
        } else {
            serde_json::from_reader(std::io::Cursor::new(text).chain(reader))
        };
        let json_error = |e: serde_json::Error| SnapshotError::Json {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let schema_error = |found: String| SnapshotError::Schema {
            path: path.to_string(),
            found,
        };
        let file = match file {
            Ok(f) => f,
            // A read that failed is not a malformed snapshot.
            Err(e) if e.is_io() => {
                return Err(SnapshotError::Io {
                    path: path.to_string(),
                    source: e.into(),
                });
            }
            // Another schema may have another shape: say which schema before how it differs.
            Err(e) => {
                return Err(match probe() {
                    Some(found) if found != SNAPSHOT_SCHEMA => schema_error(found),
                    _ => json_error(e),
                });
            }
        };
        if file.schema != SNAPSHOT_SCHEMA {
            return Err(schema_error(file.schema));
        }
        Ok(Snapshot {
            schema: file.schema,
            scan: file.scan,
            estate: Estate {
                accounts: file.accounts,
                buckets: file.buckets,
                workgroups: file.workgroups,
                catalogs: file.catalogs,
                tables: file.tables,
                connectivity: file.connectivity,
                resource_control_policies: file.resource_control_policies,
                errors: file.errors,
                traffic: file.traffic,
            },
        })
    }

    /// The `schema` of a snapshot file, read without keeping anything else; `(none)` when it
    /// has none, `None` when it is not a JSON object at all.
    pub fn probe_schema(reader: impl std::io::Read) -> Option<String> {
        #[derive(Deserialize)]
        struct Probe {
            schema: Option<serde_json::Value>,
        }
        let probe: Probe = serde_json::from_reader(reader).ok()?;
        Some(
            probe
                .schema
                .as_ref()
                .and_then(|s| s.as_str())
                .unwrap_or("(none)")
                .to_string(),
        )
    }
}

/// A snapshot file as the store loads it: the estate's fields by name (no `flatten`, which
/// would buffer the whole document), buckets without their derived fields.
#[derive(Deserialize)]
struct SnapshotIn {
    schema: String,
    scan: ScanMeta,
    accounts: Vec<Account>,
    #[serde(deserialize_with = "buckets_sharing_templates")]
    buckets: Vec<Bucket>,
    workgroups: Vec<Workgroup>,
    catalogs: Vec<DataCatalog>,
    tables: Vec<Table>,
    connectivity: Connectivity,
    resource_control_policies: Vec<ResourceControlPolicy>,
    errors: Vec<FetchError>,
    #[serde(default)]
    traffic: Option<Arc<crate::traffic::Traffic>>,
}

/// A bucket as read from a snapshot: what was scanned. `tls` and `athena` are derived, so a
/// file may omit them; when present they are skipped.
#[derive(Deserialize)]
struct BucketIn {
    account_id: String,
    name: String,
    region: String,
    creation_date: Option<String>,
    policy: PolicyText,
    policy_is_public: Option<bool>,
    public_access_block: Option<PublicAccessBlock>,
    encryption: Option<BucketEncryption>,
    #[serde(default)]
    context: ContextRead,
    errors: Vec<FetchError>,
}

/// The buckets of a file, each policy text shared with the buckets of its template as soon as
/// the bucket is read: only one bucket's own copy is alive at a time.
fn buckets_sharing_templates<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<Bucket>, D::Error> {
    struct Buckets;
    impl<'de> serde::de::Visitor<'de> for Buckets {
        type Value = Vec<Bucket>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of buckets")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<Bucket>, A::Error> {
            let mut templates = Templates::default();
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
            while let Some(b) = seq.next_element::<BucketIn>()? {
                let mut b = b.into_bucket();
                if let PolicyText::Present { text } = &mut b.policy
                    && let Some(template) = templates.share(&text.text(), &b.name)
                {
                    *text = PolicyBody::shared(template, Arc::from(b.name.as_str()));
                }
                out.push(b);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Buckets)
}

impl BucketIn {
    fn into_bucket(self) -> Bucket {
        Bucket {
            tls: Tls::default(),
            athena: AthenaUsage::default(),
            account_id: self.account_id,
            name: self.name,
            region: self.region,
            creation_date: self.creation_date,
            policy: self.policy,
            policy_is_public: self.policy_is_public,
            public_access_block: self.public_access_block,
            encryption: self.encryption,
            context: self.context,
            errors: self.errors,
        }
    }
}
