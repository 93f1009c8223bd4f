//! From records to rows: each access-log record and CloudTrail event read is counted in one
//! client row (and a plain-HTTP access-log record also in one `plain_http` row), keyed by
//! the fields the rows are named for. A row's key is built in one reused buffer and looked
//! up by `&str`: a record of a client already seen allocates nothing.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use super::access_log::{self, Transport};
use super::cloudtrail::Event;
use super::summary::{
    BucketSeen, Client, Coverage, Log, NO_TLS, Outcome, PlainHttp, Traffic, endpoint,
};
use super::time;

/// Examples kept per row.
const EXAMPLES: usize = 3;

/// Rows being counted, by key.
struct Rows<T> {
    index: HashMap<String, usize>,
    rows: Vec<T>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            index: HashMap::new(),
            rows: Vec::new(),
        }
    }
}

impl<T> Rows<T> {
    /// The row of `key`, made by `new` the first time.
    fn get(&mut self, key: &str, new: impl FnOnce() -> T) -> &mut T {
        let at = match self.index.get(key) {
            Some(&i) => i,
            None => {
                self.rows.push(new());
                self.index.insert(key.to_string(), self.rows.len() - 1);
                self.rows.len() - 1
            }
        };
        &mut self.rows[at]
    }
}

/// When a row was seen, and the ids of its earliest records (by time, then id) to find
/// them again.
#[derive(Default)]
struct Seen {
    count: u64,
    first: Option<i64>,
    last: Option<i64>,
    /// At most [`EXAMPLES`], earliest first; a record without a time sorts last.
    examples: Vec<(i64, String)>,
}

impl Seen {
    fn add(&mut self, at: Option<i64>, id: Option<&str>) {
        self.count += 1;
        if let Some(t) = at {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        let Some(id) = id else {
            return;
        };
        let key = at.unwrap_or(i64::MAX);
        if self.examples.iter().any(|(_, e)| e == id) {
            return;
        }
        let later = |(t, e): &(i64, String)| (*t, e.as_str()) > (key, id);
        if self.examples.len() < EXAMPLES {
            self.examples.push((key, id.to_string()));
        } else if self.examples.last().is_some_and(later) {
            self.examples.pop();
            self.examples.push((key, id.to_string()));
        } else {
            return;
        }
        self.examples.sort();
    }
}

struct ClientRow {
    client: Client,
    seen: Seen,
    buckets: BTreeSet<String>,
    operations: BTreeSet<String>,
}

struct PlainRow {
    row: PlainHttp,
    seen: Seen,
}

/// Counts records into rows; [`Aggregator::finish`] gives the [`Traffic`].
#[derive(Default)]
pub struct Aggregator {
    since: Option<i64>,
    key: String,
    clients: Rows<ClientRow>,
    plain: Rows<PlainRow>,
    coverage: Coverage,
    first: Option<i64>,
    last: Option<i64>,
    accounts: BTreeSet<String>,
    regions: BTreeSet<String>,
}

/// The fields of a client row's key, borrowed from a record.
struct ClientKey<'a> {
    log: Log,
    principal: &'a str,
    source_ip: &'a str,
    user_agent: Option<&'a str>,
    event_source: &'a str,
    endpoint: &'a str,
    tls_version: Option<&'a str>,
    via_service: Option<&'a str>,
    account_id: Option<&'a str>,
    region: Option<&'a str>,
}

/// Whether a record counts (inside the window), as the aggregator decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Yes,
    OutsideWindow,
}

impl Aggregator {
    /// Counts only records at or after `since` (seconds since the epoch); records without a
    /// readable time are counted.
    pub fn new(since: Option<i64>) -> Aggregator {
        Aggregator {
            since,
            coverage: Coverage {
                since: since.map(time::format),
                ..Coverage::default()
            },
            ..Aggregator::default()
        }
    }

    fn in_window(&mut self, at: Option<i64>) -> Counted {
        self.coverage.records += 1;
        if let (Some(since), Some(t)) = (self.since, at)
            && t < since
        {
            self.coverage.outside_window += 1;
            return Counted::OutsideWindow;
        }
        if let Some(t) = at {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        Counted::Yes
    }

    /// Counts one access-log record.
    pub fn access_log(&mut self, r: &access_log::Record<'_>) -> Counted {
        let at = time::access_log(r.time);
        if self.in_window(at) == Counted::OutsideWindow {
            return Counted::OutsideWindow;
        }
        self.bucket_seen(r);
        let principal = r.requester.unwrap_or("anonymous");
        let source_ip = r.remote_ip.unwrap_or("-");
        let via = access_log_service(r);
        let key = ClientKey {
            log: Log::AccessLog,
            principal,
            source_ip,
            user_agent: r.user_agent,
            event_source: "s3.amazonaws.com",
            endpoint: access_log_endpoint(r.remote_ip, via),
            tls_version: match r.transport {
                Transport::PlainHttp => Some(NO_TLS),
                Transport::Tls(v) => Some(v),
                Transport::NotRecorded => None,
            },
            via_service: via,
            account_id: None,
            region: None,
        };
        let row = self.client_row(&key);
        row.seen.add(at, r.request_id);
        if !row.buckets.contains(r.bucket) {
            row.buckets.insert(r.bucket.to_string());
        }
        if !row.operations.contains(r.operation) {
            row.operations.insert(r.operation.to_string());
        }
        if r.transport == Transport::PlainHttp {
            self.plain_http(r, principal, source_ip, at);
        }
        Counted::Yes
    }

    fn bucket_seen(&mut self, r: &access_log::Record<'_>) {
        if !self.coverage.buckets.contains_key(r.bucket) {
            self.coverage
                .buckets
                .insert(r.bucket.to_string(), BucketSeen::default());
        }
        let Some(seen) = self.coverage.buckets.get_mut(r.bucket) else {
            return;
        };
        seen.records += 1;
        match r.transport {
            Transport::PlainHttp => match Outcome::of(r.http_status) {
                Outcome::Accepted => seen.plain_http_accepted += 1,
                Outcome::Denied => seen.plain_http_denied += 1,
            },
            Transport::NotRecorded => seen.tls_not_recorded += 1,
            Transport::Tls(v) => match seen.tls_versions.get_mut(v) {
                Some(n) => *n += 1,
                None => {
                    seen.tls_versions.insert(v.to_string(), 1);
                }
            },
        }
    }

    fn plain_http(
        &mut self,
        r: &access_log::Record<'_>,
        principal: &str,
        ip: &str,
        at: Option<i64>,
    ) {
        let outcome = Outcome::of(r.http_status);
        self.key.clear();
        for part in [r.bucket, principal, ip, r.operation, outcome.as_str()] {
            self.key.push_str(part);
            self.key.push('\u{1f}');
        }
        if let Some(s) = r.http_status {
            self.key.push_str(&s.to_string());
        }
        let row = self.plain.get(&self.key, || PlainRow {
            row: PlainHttp {
                bucket: r.bucket.to_string(),
                principal: principal.to_string(),
                source_ip: ip.to_string(),
                operation: r.operation.to_string(),
                outcome,
                http_status: r.http_status,
                count: 0,
                first_seen: None,
                last_seen: None,
                examples: Vec::new(),
            },
            seen: Seen::default(),
        });
        row.seen.add(at, r.request_id);
    }

    /// Counts one CloudTrail event.
    pub fn cloudtrail(&mut self, e: &Event) -> Counted {
        let at = e.event_time.as_deref().and_then(time::rfc3339);
        if self.in_window(at) == Counted::OutsideWindow {
            return Counted::OutsideWindow;
        }
        let who = e.user_identity.as_ref();
        let account = e
            .recipient_account_id
            .as_deref()
            .or(who.and_then(|u| u.account_id.as_deref()));
        if let Some(a) = account.filter(|a| !self.accounts.contains(*a)) {
            self.accounts.insert(a.to_string());
        }
        if let Some(r) = e
            .aws_region
            .as_deref()
            .filter(|r| !self.regions.contains(*r))
        {
            self.regions.insert(r.to_string());
        }
        let source_ip = e.source_ip_address.as_deref().unwrap_or("-");
        let via = who
            .and_then(|u| u.invoked_by.as_deref())
            .or_else(|| is_service_name(source_ip).then_some(source_ip));
        let endpoint = match (&e.vpc_endpoint_id, via) {
            (Some(id), _) => id.as_str(),
            (None, Some(_)) => endpoint::AWS_NETWORK,
            (None, None) if source_ip == "-" => endpoint::NOT_RECORDED,
            (None, None) => endpoint::PUBLIC,
        };
        let key = ClientKey {
            log: Log::Cloudtrail,
            principal: cloudtrail_principal(e),
            source_ip,
            user_agent: e.user_agent.as_deref(),
            event_source: e.event_source.as_deref().unwrap_or("-"),
            endpoint,
            tls_version: e
                .tls_details
                .as_ref()
                .and_then(|t| t.tls_version.as_deref()),
            via_service: via,
            account_id: account,
            region: e.aws_region.as_deref(),
        };
        let row = self.client_row(&key);
        row.seen
            .add(at, e.event_id.as_deref().or(e.request_id.as_deref()));
        if let Some(name) = e.event_name.as_deref()
            && !row.operations.contains(name)
        {
            row.operations.insert(name.to_string());
        }
        Counted::Yes
    }

    fn client_row(&mut self, k: &ClientKey<'_>) -> &mut ClientRow {
        self.key.clear();
        self.key.push_str(k.log.as_str());
        for part in [
            Some(k.principal),
            Some(k.source_ip),
            k.user_agent,
            Some(k.event_source),
            Some(k.endpoint),
            k.tls_version,
            k.via_service,
            k.account_id,
            k.region,
        ] {
            self.key.push('\u{1f}');
            match part {
                Some(p) => {
                    self.key.push('=');
                    self.key.push_str(p);
                }
                None => self.key.push('\u{0}'),
            }
        }
        let own = |s: Option<&str>| s.map(str::to_string);
        self.clients.get(&self.key, || ClientRow {
            client: Client {
                log: k.log,
                principal: k.principal.to_string(),
                source_ip: k.source_ip.to_string(),
                user_agent: own(k.user_agent),
                event_source: k.event_source.to_string(),
                endpoint: k.endpoint.to_string(),
                tls_version: own(k.tls_version),
                via_service: own(k.via_service),
                account_id: own(k.account_id),
                region: own(k.region),
                buckets: Vec::new(),
                operations: Vec::new(),
                count: 0,
                first_seen: None,
                last_seen: None,
                examples: Vec::new(),
            },
            seen: Seen::default(),
            buckets: BTreeSet::new(),
            operations: BTreeSet::new(),
        })
    }

    /// The coverage being filled (files are recorded by the reader).
    pub fn coverage_mut(&mut self) -> &mut Coverage {
        &mut self.coverage
    }

    /// The rows, sorted; the coverage with its time range, accounts and regions.
    pub fn finish(self) -> Traffic {
        let clients: Vec<Client> = self
            .clients
            .rows
            .into_iter()
            .map(|r| {
                let mut c = r.client;
                c.buckets = r.buckets.into_iter().collect();
                c.operations = r.operations.into_iter().collect();
                fill(
                    &mut c.count,
                    &mut c.first_seen,
                    &mut c.last_seen,
                    &mut c.examples,
                    r.seen,
                );
                c
            })
            .collect();
        let plain_http: Vec<PlainHttp> = self
            .plain
            .rows
            .into_iter()
            .map(|r| {
                let mut p = r.row;
                fill(
                    &mut p.count,
                    &mut p.first_seen,
                    &mut p.last_seen,
                    &mut p.examples,
                    r.seen,
                );
                p
            })
            .collect();
        let mut coverage = self.coverage;
        coverage.first_seen = self.first.map(time::format);
        coverage.last_seen = self.last.map(time::format);
        coverage.accounts = self.accounts.into_iter().collect();
        coverage.regions = self.regions.into_iter().collect();
        let mut traffic = Traffic {
            clients,
            plain_http,
            coverage,
        };
        traffic.sort();
        traffic
    }
}

fn fill(
    count: &mut u64,
    first: &mut Option<String>,
    last: &mut Option<String>,
    examples: &mut Vec<String>,
    seen: Seen,
) {
    *count = seen.count;
    *first = seen.first.map(time::format);
    *last = seen.last.map(time::format);
    *examples = seen.examples.into_iter().map(|(_, id)| id).collect();
}

/// `athena.amazonaws.com`: an AWS service's name where a log has an address or agent.
fn is_service_name(s: &str) -> bool {
    s.strip_suffix(".amazonaws.com").is_some_and(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    })
}

/// The service that made an access-logged request for the requester: a `svc:` requester,
/// or a service's name as the remote address or user agent.
fn access_log_service<'a>(r: &access_log::Record<'a>) -> Option<&'a str> {
    if let Some(svc) = r.requester.and_then(|q| q.strip_prefix("svc:")) {
        return Some(svc);
    }
    [r.remote_ip, r.user_agent]
        .into_iter()
        .flatten()
        .find(|s| is_service_name(s))
}

/// The path of an access-logged request: S3 records the caller's address, not the endpoint;
/// a private address can only reach S3 through a VPC endpoint.
fn access_log_endpoint(remote_ip: Option<&str>, via: Option<&str>) -> &'static str {
    if via.is_some() {
        return endpoint::AWS_NETWORK;
    }
    match remote_ip.and_then(|ip| ip.parse::<IpAddr>().ok()) {
        Some(ip) if private(ip) => endpoint::VPCE_UNNAMED,
        Some(_) => endpoint::PUBLIC,
        None => endpoint::NOT_RECORDED,
    }
}

/// RFC 1918, carrier-grade NAT (RFC 6598) and IPv6 unique local addresses.
fn private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => v6.is_unique_local(),
    }
}

/// The caller of a CloudTrail event: its ARN; the service for AWS service events;
/// `anonymous` for unauthenticated requests; else the account id or the identity type.
fn cloudtrail_principal(e: &Event) -> &str {
    let Some(u) = e.user_identity.as_ref() else {
        return "unknown";
    };
    if let Some(arn) = u.arn.as_deref() {
        return arn;
    }
    match (u.kind.as_deref(), u.account_id.as_deref()) {
        (_, Some("ANONYMOUS_PRINCIPAL")) | (Some("Anonymous"), _) => "anonymous",
        (Some("AWSService"), _) => u.invoked_by.as_deref().unwrap_or("AWSService"),
        (_, Some(id)) => id,
        (Some(kind), None) => kind,
        (None, None) => "unknown",
    }
}
