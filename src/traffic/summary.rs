//! What observed traffic comes to: the clients seen (one row per kind of client), the
//! plain-HTTP requests per bucket, and what was read to say so. This is the `intransit
//! traffic --format json` contract and what a snapshot carries as its `traffic`.
//!
//! Every record read is counted in exactly one client row or as outside the time window:
//! `Σ clients[].count + coverage.outside_window = coverage.records`. Lines and events that
//! are not records are counted as `coverage.refused`, never dropped silently.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const TRAFFIC_SCHEMA: &str = "intransit.traffic/v1";

/// The log a row was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Log {
    /// S3 server access logs.
    AccessLog,
    /// CloudTrail events (trail files, lookup-events output, or read live).
    Cloudtrail,
}

impl Log {
    pub fn as_str(self) -> &'static str {
        match self {
            Log::AccessLog => "access_log",
            Log::Cloudtrail => "cloudtrail",
        }
    }
}

/// `endpoint` values besides a VPC endpoint's id.
pub mod endpoint {
    /// The service's public endpoint, from an address outside AWS.
    pub const PUBLIC: &str = "public";
    /// Made by an AWS service on the caller's behalf: AWS's own network.
    pub const AWS_NETWORK: &str = "aws_network";
    /// Through a VPC endpoint the log does not name (access logs record the caller's private
    /// address, not the endpoint).
    pub const VPCE_UNNAMED: &str = "vpce";
    /// The log says nothing of the path (no source address).
    pub const NOT_RECORDED: &str = "not_recorded";
}

/// `tls_version` of plain-HTTP requests (`null` means the log did not record it).
pub const NO_TLS: &str = "none";

/// Requests of one kind of client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub log: Log,
    /// The caller: an IAM ARN, a canonical user id, `anonymous`, or the AWS service.
    pub principal: String,
    /// `-` when the log has no address; an AWS service's name when it made the call.
    pub source_ip: String,
    pub user_agent: Option<String>,
    /// `s3.amazonaws.com`, `athena.amazonaws.com`, ...
    pub event_source: String,
    /// A VPC endpoint id or one of [`endpoint`].
    pub endpoint: String,
    /// `TLSv1.2`, ...; `none` for plain HTTP; `null` when not recorded.
    pub tls_version: Option<String>,
    /// The AWS service that made these requests on the principal's behalf.
    pub via_service: Option<String>,
    /// The account the requests were made to (CloudTrail's recipient account).
    pub account_id: Option<String>,
    pub region: Option<String>,
    /// Buckets requested (access logs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<String>,
    /// Operations or event names, sorted.
    pub operations: Vec<String>,
    pub count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// The first few event ids or request ids, to find the records again.
    pub examples: Vec<String>,
}

/// The fields a client row is keyed by, in order.
type ClientKey<'a> = (
    Log,
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

impl Client {
    fn key(&self) -> ClientKey<'_> {
        (
            self.log,
            &self.principal,
            &self.source_ip,
            self.user_agent.as_deref(),
            &self.event_source,
            &self.endpoint,
            self.tls_version.as_deref(),
            self.via_service.as_deref(),
            self.account_id.as_deref(),
            self.region.as_deref(),
        )
    }

    /// TLS older than 1.2 (SSL 3 and TLS 1.0 or 1.1).
    pub fn old_tls(&self) -> bool {
        self.tls_version.as_deref().is_some_and(below_tls_1_2)
    }

    pub fn plain_http(&self) -> bool {
        self.tls_version.as_deref() == Some(NO_TLS)
    }

    /// `athena.amazonaws.com`, or `s3.amazonaws.com (by athena.amazonaws.com)` when a
    /// service made the requests for the caller.
    pub fn service(&self) -> String {
        match &self.via_service {
            Some(by) => format!("{} (by {by})", self.event_source),
            None => self.event_source.clone(),
        }
    }

    /// Reached the public endpoint from outside AWS.
    pub fn public(&self) -> bool {
        self.endpoint == endpoint::PUBLIC
    }
}

/// Whether a recorded TLS version is older than 1.2: `TLSv1`, `TLSv1.0`, `TLSv1.1`, `SSLv3`
/// (any case); `none` and unreadable versions are not.
pub fn below_tls_1_2(version: &str) -> bool {
    let v = version.to_ascii_lowercase();
    if v.starts_with("ssl") {
        return true;
    }
    matches!(
        v.strip_prefix("tlsv").or_else(|| v.strip_prefix("tls")),
        Some("1" | "1.0" | "1.1" | "1_0" | "1_1")
    )
}

/// What S3 did with a plain-HTTP request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Served: any answer but 403 (a 404 is a request the policy let through).
    Accepted,
    /// Refused with 403, as a policy's Deny does.
    Denied,
}

impl Outcome {
    pub fn of(http_status: Option<u16>) -> Outcome {
        if http_status == Some(403) {
            Outcome::Denied
        } else {
            Outcome::Accepted
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Denied => "denied",
        }
    }
}

/// Plain-HTTP requests to one bucket of one kind, from access-log lines whose TLS version
/// is `-`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainHttp {
    pub bucket: String,
    pub principal: String,
    pub source_ip: String,
    /// `REST.GET.OBJECT`, ...
    pub operation: String,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// The first few request ids.
    pub examples: Vec<String>,
}

impl PlainHttp {
    fn key(&self) -> (&str, &str, &str, &str, Option<u16>) {
        (
            &self.bucket,
            &self.principal,
            &self.source_ip,
            &self.operation,
            self.http_status,
        )
    }
}

/// One file (or live read) and what it gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRead {
    /// The path, or `lookup-events <account> <region>` for a live read.
    pub name: String,
    pub log: Log,
    pub records: u64,
    pub refused: u64,
    pub outside_window: u64,
    /// Why the first refused lines or events were refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first_refused: Vec<String>,
    /// Why the file could not be read (whole or in part).
    pub error: Option<String>,
    /// A live read: the account and region it read, and whether it stopped at its bound
    /// (`--max-events`) with events left unread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sampled: bool,
}

/// `TLSv1.2 ×48, TLSv1.3 ×64`: requests per TLS version, as every screen and finding words
/// them; `none recorded` when there are none.
pub fn versions_text<'a>(versions: impl IntoIterator<Item = (&'a str, u64)>) -> String {
    let parts: Vec<String> = versions
        .into_iter()
        .map(|(v, n)| format!("{v} ×{n}"))
        .collect();
    if parts.is_empty() {
        "none recorded".into()
    } else {
        parts.join(", ")
    }
}

/// What the access logs of one bucket say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketSeen {
    pub records: u64,
    pub plain_http_accepted: u64,
    pub plain_http_denied: u64,
    /// Records written before S3 logged the TLS version: plain or not is not known.
    pub tls_not_recorded: u64,
    /// Requests per TLS version (plain HTTP not included).
    pub tls_versions: BTreeMap<String, u64>,
}

/// What was read to say what the rows say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub files: Vec<FileRead>,
    /// Records read (access-log lines and CloudTrail events that parsed).
    pub records: u64,
    /// Lines and events that are not records.
    pub refused: u64,
    /// Records before `since`: read, not counted in any row.
    pub outside_window: u64,
    /// Files that could not be read.
    pub unreadable_files: u64,
    /// Only records at or after this time were counted.
    pub since: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Accounts and regions CloudTrail events were recorded in.
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// Access-log records counted, per bucket.
    pub buckets: BTreeMap<String, BucketSeen>,
    /// Not every event of the window was read (a live read stopped at its bound).
    pub sampled: bool,
}

/// Observed traffic, aggregated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    /// Most requests first.
    pub clients: Vec<Client>,
    /// Accepted first, then most requests first.
    pub plain_http: Vec<PlainHttp>,
    pub coverage: Coverage,
}

impl Traffic {
    /// Clients with most requests first, plain-HTTP rows accepted first then most requests
    /// first; ties by every field of the row's key.
    pub fn sort(&mut self) {
        self.clients
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key().cmp(&b.key())));
        self.plain_http.sort_by(|a, b| {
            (a.outcome, std::cmp::Reverse(a.count), a.key()).cmp(&(
                b.outcome,
                std::cmp::Reverse(b.count),
                b.key(),
            ))
        });
    }

    /// Clients below TLS 1.2.
    pub fn old_tls(&self) -> impl Iterator<Item = &Client> {
        self.clients.iter().filter(|c| c.old_tls())
    }

    /// Plain-HTTP requests to `bucket`.
    pub fn plain_http_to<'a>(&'a self, bucket: &'a str) -> impl Iterator<Item = &'a PlainHttp> {
        self.plain_http.iter().filter(move |p| p.bucket == bucket)
    }

    /// What the access logs of `bucket` say, when any were read.
    pub fn bucket(&self, bucket: &str) -> Option<&BucketSeen> {
        self.coverage.buckets.get(bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_tls_versions() {
        for old in ["TLSv1", "TLSv1.0", "tlsv1.1", "SSLv3", "TLS1.0"] {
            assert!(below_tls_1_2(old), "{old}");
        }
        for new in ["TLSv1.2", "TLSv1.3", "none", "", "TLSv1.10"] {
            assert!(!below_tls_1_2(new), "{new}");
        }
    }

    #[test]
    fn only_403_is_a_denial() {
        assert_eq!(Outcome::of(Some(403)), Outcome::Denied);
        for s in [Some(200), Some(404), Some(301), Some(500), None] {
            assert_eq!(Outcome::of(s), Outcome::Accepted, "{s:?}");
        }
    }
}
