//! A local AWS endpoint with canned answers and a fixed delay per request, for measuring how
//! close a scan gets to the limit its concurrency allows (tests/e2e/bench_latency.sh).
//!
//! ```text
//! cargo run --release --manifest-path tests/e2e/latency_endpoint/Cargo.toml -- \
//!     --port 0 --latency-ms 20 --buckets 2000
//! ```
//!
//! Prints `READY http://127.0.0.1:PORT` once it accepts connections (port 0 = a free one).
//! Every AWS request is answered after `--latency-ms` (a timer, not a blocked thread), with
//! the wire shape the AWS SDK parses:
//!
//! | request | answer |
//! |---|---|
//! | STS `GetCallerIdentity` (query) | account 123456789012 |
//! | S3 `ListBuckets` | `bench-00000`.. with `BucketRegion`, paged by `max-buckets` / `continuation-token` |
//! | S3 `GetBucketPolicy` | even buckets: the canonical deny-HTTP policy; odd: 404 `NoSuchBucketPolicy` |
//! | EC2 `DescribeVpcEndpoints`, `DescribeVpnConnections`, `DescribeVpnGateways`, `DescribeTransitGateways`, `DescribeRegions` | empty sets (`DescribeRegions`: the bucket regions) |
//! | Athena `ListWorkGroups`, `ListDataCatalogs` (JSON 1.1) | empty lists |
//! | Direct Connect `DescribeConnections`, `DescribeVirtualInterfaces` | empty lists |
//! | Organizations `ListPolicies` | 400 `AWSOrganizationsNotInUseException` |
//!
//!
//! With `--accounts N` (default 1) the endpoint is also an AWS Organization of N accounts: the
//! management account 123456789012 (the base credentials) and members `200000000001`.. Each
//! account has `--buckets` buckets (`bench-00000`.. in the management account,
//! `bench-aNNNN-00000`.. in member N); `sts:AssumeRole` into any member answers credentials
//! whose access key names the account, so every later request is answered as that account's;
//! Organizations answers `ListAccounts`, `ListRoots`, `ListAccountsForParent` (20 a page, as
//! AWS), `ListOrganizationalUnitsForParent` (none) and `ListTagsForResource` (a `team` tag).
//!
//! Anything else is a 400 `UnknownOperation` (counted as `unknown:...`), so a scan that calls
//! something new fails visibly instead of being measured wrong. `GET /_bench/counts` (no delay)
//! answers the requests counted per operation as JSON, `GET /_bench/served` how long requests
//! took from arrival to answer written (mean and max, ms: the delay plus the endpoint's own time); the counts also go to stderr on
//! SIGTERM / SIGINT; `--verbose` logs every request there (arrival time since start, requests in
//! flight). Credentials and signatures are not checked. Only HTTP/1.1 with
//! `Content-Length` bodies (what the SDK sends for these reads); it listens on 127.0.0.1 only.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ACCOUNT: &str = "123456789012";

/// Account `k` of the organization: 0 is the management account.
fn account_id(k: usize) -> String {
    if k == 0 {
        ACCOUNT.to_string()
    } else {
        format!("{}", 200_000_000_000u64 + k as u64)
    }
}

/// `account_id`'s inverse, for accounts that exist.
fn account_index(id: &str, state: &State) -> Option<usize> {
    if id == ACCOUNT {
        return Some(0);
    }
    let k = id.parse::<u64>().ok()?.checked_sub(200_000_000_000)?;
    let k = usize::try_from(k).ok()?;
    (k >= 1 && k < state.accounts).then_some(k)
}

/// The access key of account `k`'s assumed-role credentials.
fn access_key(k: usize) -> String {
    format!("ASIABENCH{k:08}")
}

/// The account a request is signed for: the access key in its `Authorization` header.
fn request_account(request: &Request) -> usize {
    request
        .header("authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.strip_prefix("ASIABENCH"))
        .and_then(|c| c.get(..8))
        .and_then(|k| k.parse().ok())
        .unwrap_or(0)
}

/// `%3A` and friends decoded (form values).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A string field of a JSON request body (`"NextToken":"20"`), without a JSON parser: the SDK
/// writes these bodies compactly.
fn json_field<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\":\"");
    let start = body.find(&key)? + key.len();
    let len = body[start..].find('"')?;
    Some(&body[start..start + len])
}

struct Options {
    port: u16,
    latency: Duration,
    buckets: usize,
    accounts: usize,
    regions: Vec<String>,
    threads: Option<usize>,
    verbose: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: latency_endpoint [--port N] [--latency-ms MS] [--buckets N] [--accounts N] \
         [--regions r1,r2,...] [--threads N] [--verbose]"
    );
    std::process::exit(2)
}

fn options() -> Options {
    let mut o = Options {
        port: 0,
        latency: Duration::from_millis(20),
        buckets: 2000,
        accounts: 1,
        regions: vec!["us-east-1".to_string()],
        threads: None,
        verbose: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--port" => o.port = value().parse().unwrap_or_else(|_| usage()),
            "--latency-ms" => {
                o.latency = Duration::from_millis(value().parse().unwrap_or_else(|_| usage()))
            }
            "--buckets" => o.buckets = value().parse().unwrap_or_else(|_| usage()),
            "--accounts" => o.accounts = value().parse().unwrap_or_else(|_| usage()),
            "--regions" => o.regions = value().split(',').map(str::to_string).collect(),
            "--threads" => o.threads = Some(value().parse().unwrap_or_else(|_| usage())),
            "--verbose" => o.verbose = true,
            _ => usage(),
        }
    }
    if o.regions.iter().any(String::is_empty) || o.accounts == 0 || o.accounts > 9999 {
        usage()
    }
    o
}

/// What every connection shares.
struct State {
    latency: Duration,
    buckets: usize,
    accounts: usize,
    regions: Vec<String>,
    verbose: bool,
    started: std::time::Instant,
    in_flight: std::sync::atomic::AtomicUsize,
    /// Microseconds from a request's arrival to its answer written, summed, and the largest.
    served_us: std::sync::atomic::AtomicU64,
    served_max_us: std::sync::atomic::AtomicU64,
    counts: Mutex<BTreeMap<String, u64>>,
}

impl State {
    fn count(&self, operation: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry(operation.to_string()).or_default() += 1;
    }

    fn counts_json(&self) -> String {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let fields: Vec<String> = counts.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", fields.join(","))
    }
}

fn main() {
    let opts = options();
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = opts.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = rt.enable_all().build().expect("tokio runtime");
    rt.block_on(serve(opts));
}

async fn serve(opts: Options) {
    let listener = TcpListener::bind(("127.0.0.1", opts.port))
        .await
        .unwrap_or_else(|e| {
            eprintln!("cannot listen on 127.0.0.1:{}: {e}", opts.port);
            std::process::exit(1)
        });
    let port = listener.local_addr().expect("bound address").port();
    let state = Arc::new(State {
        latency: opts.latency,
        buckets: opts.buckets,
        accounts: opts.accounts,
        regions: opts.regions,
        verbose: opts.verbose,
        started: std::time::Instant::now(),
        in_flight: Default::default(),
        served_us: Default::default(),
        served_max_us: Default::default(),
        counts: Mutex::default(),
    });
    println!("READY http://127.0.0.1:{port}");
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, state.clone()));
                }
                Err(e) => eprintln!("accept: {e}"),
            },
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    eprintln!("requests {}", state.counts_json());
}

/// One parsed request.
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Serves requests on one keep-alive connection until the client closes it.
async fn connection(mut stream: TcpStream, state: Arc<State>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    loop {
        let request = match read_request(&mut stream, &mut buf).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(why) => {
                let _ = write_response(&mut stream, &plain(400, why), true).await;
                return;
            }
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let arrived = std::time::Instant::now();
        let timed = !request.target.starts_with("/_bench/");
        let response = if !timed {
            control(&request, &state)
        } else {
            let (operation, response) = answer(&request, &state);
            state.count(&operation);
            let in_flight = state.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
            if state.verbose {
                eprintln!(
                    "{:9.3} ms, {in_flight:3} in flight: {} {} -> {operation} {}",
                    state.started.elapsed().as_secs_f64() * 1000.0,
                    request.method,
                    request.target,
                    response.status
                );
            }
            tokio::time::sleep(state.latency).await;
            state.in_flight.fetch_sub(1, Ordering::Relaxed);
            response
        };
        let written = write_response(&mut stream, &response, close).await;
        if timed {
            let us = u64::try_from(arrived.elapsed().as_micros()).unwrap_or(u64::MAX);
            state.served_us.fetch_add(us, Ordering::Relaxed);
            state.served_max_us.fetch_max(us, Ordering::Relaxed);
        }
        if written.is_err() || close {
            return;
        }
    }
}

/// Reads one request (head and `Content-Length` body); `None` when the client closed the
/// connection between requests.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> Result<Option<Request>, &'static str> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return Err("request head too large");
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) if buf.is_empty() => return Ok(None),
            Ok(0) | Err(_) => return Err("connection closed mid-request"),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| "request head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target)) = (first.next(), first.next()) else {
        return Err("bad request line");
    };
    let (method, target) = (method.to_string(), target.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut request = Request {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    if request
        .header("transfer-encoding")
        .is_some_and(|v| !v.eq_ignore_ascii_case("identity"))
    {
        return Err("chunked request bodies are not supported");
    }
    let length: usize = match request.header("content-length") {
        Some(v) => v.parse().map_err(|_| "bad Content-Length")?,
        None => 0,
    };
    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await;
    }
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err("connection closed mid-body"),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    request.body = buf[body_start..body_start + length].to_vec();
    buf.drain(..body_start + length);
    Ok(Some(request))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

struct Response {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn plain(status: u16, body: &str) -> Response {
    Response {
        status,
        content_type: "text/plain",
        headers: Vec::new(),
        body: format!("{body}\n"),
    }
}

fn xml(status: u16, body: String) -> Response {
    Response {
        status,
        content_type: "application/xml",
        headers: Vec::new(),
        body,
    }
}

fn json(status: u16, body: String) -> Response {
    Response {
        status,
        content_type: "application/x-amz-json-1.1",
        headers: Vec::new(),
        body,
    }
}

async fn write_response(stream: &mut TcpStream, r: &Response, close: bool) -> std::io::Result<()> {
    let reason = match r.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Status",
    };
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         x-amzn-RequestId: bench-request\r\nx-amz-request-id: bench-request\r\n",
        r.status,
        r.content_type,
        r.body.len()
    );
    for (k, v) in &r.headers {
        let _ = write!(out, "{k}: {v}\r\n");
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&r.body);
    stream.write_all(out.as_bytes()).await
}

fn control(request: &Request, state: &State) -> Response {
    match (request.method.as_str(), request.target.as_str()) {
        ("GET", "/_bench/counts") => Response {
            status: 200,
            content_type: "application/json",
            headers: Vec::new(),
            body: state.counts_json(),
        },
        ("GET", "/_bench/served") => {
            let counts = state.counts.lock().unwrap_or_else(|p| p.into_inner());
            let n: u64 = counts.values().sum();
            drop(counts);
            let total = state.served_us.load(Ordering::Relaxed) as f64 / 1000.0;
            let max = state.served_max_us.load(Ordering::Relaxed) as f64 / 1000.0;
            Response {
                status: 200,
                content_type: "application/json",
                headers: Vec::new(),
                body: format!(
                    r#"{{"requests":{n},"mean_ms":{:.3},"max_ms":{max:.3}}}"#,
                    total / n.max(1) as f64
                ),
            }
        }
        _ => plain(404, "unknown control path"),
    }
}

/// The operation a request names and its canned answer.
fn answer(request: &Request, state: &State) -> (String, Response) {
    // JSON protocols name the operation in X-Amz-Target (`AmazonAthena.ListWorkGroups`).
    if let Some(target) = request.header("x-amz-target") {
        let (prefix, op) = target.split_once('.').unwrap_or((target, ""));
        let service = match prefix {
            "AmazonAthena" => "athena",
            "OvertureService" => "directconnect",
            "AWSOrganizationsV20161128" => "organizations",
            _ => "unknown",
        };
        let operation = format!("{service}:{op}");
        let response = match operation.as_str() {
            "athena:ListWorkGroups" => json(200, r#"{"WorkGroups":[]}"#.to_string()),
            "athena:ListDataCatalogs" => json(200, r#"{"DataCatalogsSummary":[]}"#.to_string()),
            "directconnect:DescribeConnections" => json(200, r#"{"connections":[]}"#.to_string()),
            "directconnect:DescribeVirtualInterfaces" => {
                json(200, r#"{"virtualInterfaces":[]}"#.to_string())
            }
            "organizations:ListPolicies" if state.accounts > 1 && request_account(request) > 0 => {
                json_error(
                    "AccessDeniedException",
                    "You don't have permissions to access this resource.",
                )
            }
            "organizations:ListPolicies" => json_error(
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            ),
            "organizations:ListAccounts" | "organizations:ListAccountsForParent" => {
                org_accounts(request, state)
            }
            "organizations:ListRoots" => json(
                200,
                format!(
                    r#"{{"Roots":[{{"Id":"r-bench","Arn":"arn:aws:organizations::{ACCOUNT}:root/o-bench/r-bench","Name":"Root","PolicyTypes":[]}}]}}"#
                ),
            ),
            "organizations:ListOrganizationalUnitsForParent" => {
                json(200, r#"{"OrganizationalUnits":[]}"#.to_string())
            }
            "organizations:ListTagsForResource" => {
                json(200, r#"{"Tags":[{"Key":"team","Value":"bench"}]}"#.to_string())
            }
            _ => json_error("UnknownOperationException", "not answered by this endpoint"),
        };
        return (known(operation, response.status), response);
    }
    // Query protocols (STS, EC2): a form body with Action=.
    if request.method == "POST" {
        let body = String::from_utf8_lossy(&request.body);
        let action = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or("")
            .to_string();
        return query_answer(&action, &body, request_account(request), state);
    }
    s3_answer(request, state)
}

/// `unknown:` in front of operations this endpoint does not answer.
fn known(operation: String, status: u16) -> String {
    if status == 400 && !operation.starts_with("organizations:") {
        format!("unknown:{operation}")
    } else {
        operation
    }
}

fn json_error(code: &str, message: &str) -> Response {
    let mut r = json(
        400,
        format!(r#"{{"__type":"{code}","Message":"{message}"}}"#),
    );
    r.headers.push(("x-amzn-ErrorType", code.to_string()));
    r
}

const EC2_NS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

/// One page of the organization's accounts (20, as AWS gives); the token is the next index.
fn org_accounts(request: &Request, state: &State) -> Response {
    let body = String::from_utf8_lossy(&request.body);
    let start: usize = json_field(&body, "NextToken")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let end = (start + 20).min(state.accounts);
    let accounts: Vec<String> = (start..end)
        .map(|k| {
            let id = account_id(k);
            format!(
                r#"{{"Id":"{id}","Arn":"arn:aws:organizations::{ACCOUNT}:account/o-bench/{id}","Email":"bench+{k}@example.com","Name":"bench-{k:04}","Status":"ACTIVE","State":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":1767225600}}"#
            )
        })
        .collect();
    let next = if end < state.accounts {
        format!(r#","NextToken":"{end}""#)
    } else {
        String::new()
    };
    json(200, format!(r#"{{"Accounts":[{}]{next}}}"#, accounts.join(",")))
}

fn query_answer(action: &str, body: &str, k: usize, state: &State) -> (String, Response) {
    let ec2_empty = |set: &str| {
        xml(
            200,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{EC2_NS}\">\
                 <requestId>bench-request</requestId><{set}/></{action}Response>"
            ),
        )
    };
    let (operation, response) = match action {
        "GetCallerIdentity" => {
            let id = account_id(k);
            let arn = if k == 0 {
                format!("arn:aws:iam::{id}:user/bench")
            } else {
                format!("arn:aws:sts::{id}:assumed-role/BenchRole/intransit-scan")
            };
            (
                "sts:GetCallerIdentity",
                xml(
                    200,
                    format!(
                        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                         <GetCallerIdentityResult><Arn>{arn}</Arn>\
                         <UserId>AIDABENCHBENCHBENCH01</UserId><Account>{id}</Account>\
                         </GetCallerIdentityResult><ResponseMetadata><RequestId>bench-request\
                         </RequestId></ResponseMetadata></GetCallerIdentityResponse>"
                    ),
                ),
            )
        }
        "AssumeRole" => {
            let role = body
                .split('&')
                .find_map(|kv| kv.strip_prefix("RoleArn="))
                .map(percent_decode)
                .unwrap_or_default();
            let target = role.split(':').nth(4).and_then(|id| account_index(id, state));
            let Some(target) = target else {
                return (
                    "sts:AssumeRole".to_string(),
                    xml(
                        403,
                        format!(
                            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                             <Message>no such account in this organization: {role}</Message>\
                             </Error><RequestId>bench-request</RequestId></ErrorResponse>"
                        ),
                    ),
                );
            };
            let id = account_id(target);
            (
                "sts:AssumeRole",
                xml(
                    200,
                    format!(
                        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                         <AssumeRoleResult><Credentials><AccessKeyId>{}</AccessKeyId>\
                         <SecretAccessKey>bench</SecretAccessKey><SessionToken>bench</SessionToken>\
                         <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
                         <AssumedRoleUser><AssumedRoleId>AROABENCH:intransit-scan</AssumedRoleId>\
                         <Arn>arn:aws:sts::{id}:assumed-role/BenchRole/intransit-scan</Arn>\
                         </AssumedRoleUser></AssumeRoleResult><ResponseMetadata>\
                         <RequestId>bench-request</RequestId></ResponseMetadata></AssumeRoleResponse>",
                        access_key(target)
                    ),
                ),
            )
        }
        "DescribeVpcEndpoints" => ("ec2:DescribeVpcEndpoints", ec2_empty("vpcEndpointSet")),
        "DescribeVpnConnections" => ("ec2:DescribeVpnConnections", ec2_empty("vpnConnectionSet")),
        "DescribeVpnGateways" => ("ec2:DescribeVpnGateways", ec2_empty("vpnGatewaySet")),
        "DescribeTransitGateways" => (
            "ec2:DescribeTransitGateways",
            ec2_empty("transitGatewaySet"),
        ),
        "DescribeRegions" => {
            let mut items = String::new();
            for r in &state.regions {
                let _ = write!(
                    items,
                    "<item><regionName>{r}</regionName>\
                     <regionEndpoint>ec2.{r}.amazonaws.com</regionEndpoint>\
                     <optInStatus>opt-in-not-required</optInStatus></item>"
                );
            }
            (
                "ec2:DescribeRegions",
                xml(
                    200,
                    format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeRegionsResponse \
                         xmlns=\"{EC2_NS}\"><requestId>bench-request</requestId>\
                         <regionInfo>{items}</regionInfo></DescribeRegionsResponse>"
                    ),
                ),
            )
        }
        _ => {
            let response = xml(
                400,
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
                     <Code>UnknownOperation</Code><Message>{action} is not answered by this \
                     endpoint</Message></Error></Errors><RequestID>bench-request</RequestID>\
                     </Response>"
                ),
            );
            return (format!("unknown:query:{action}"), response);
        }
    };
    (operation.to_string(), response)
}

const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// Bucket `i` of account `k`: `bench-01234` in the management account, `bench-a0007-01234` in
/// member 7.
fn bucket_name(k: usize, i: usize) -> String {
    if k == 0 {
        format!("bench-{i:05}")
    } else {
        format!("bench-a{k:04}-{i:05}")
    }
}

/// `bench-a0007-01234` -> (7, 1234), if such a bucket exists.
fn bucket_index(name: &str, state: &State) -> Option<(usize, usize)> {
    let rest = name.strip_prefix("bench-")?;
    let (k, digits) = match rest.strip_prefix('a') {
        Some(member) => {
            let (k, digits) = member.split_once('-')?;
            (k.parse::<usize>().ok().filter(|k| *k >= 1)?, digits)
        }
        None => (0, rest),
    };
    if digits.len() != 5 || k >= state.accounts {
        return None;
    }
    let i: usize = digits.parse().ok()?;
    (i < state.buckets).then_some((k, i))
}

fn no_such_bucket(bucket: &str) -> Response {
    s3_error(
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        bucket,
    )
}

fn s3_error(status: u16, code: &str, message: &str, bucket: &str) -> Response {
    xml(
        status,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
             <Message>{message}</Message><BucketName>{bucket}</BucketName>\
             <RequestId>bench-request</RequestId><HostId>bench-host</HostId></Error>"
        ),
    )
}

/// The canonical policy that refuses plain HTTP (AWS's documented `aws:SecureTransport` deny).
fn canonical_policy(bucket: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    )
}

fn s3_answer(request: &Request, state: &State) -> (String, Response) {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let params: Vec<(&str, &str)> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
        .collect();
    let param = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    // Path-style addressing: `/` is the service, `/bucket/` (or `/bucket`) a bucket.
    let bucket = path.trim_start_matches('/');
    let bucket = bucket.strip_suffix('/').unwrap_or(bucket);
    if bucket.contains('/') {
        return (
            format!("unknown:s3:{} {path}", request.method),
            s3_error(
                400,
                "UnknownOperation",
                "objects are not answered by this endpoint",
                bucket,
            ),
        );
    }
    if request.method != "GET" {
        return (
            format!("unknown:s3:{} {path}", request.method),
            s3_error(
                400,
                "UnknownOperation",
                "not answered by this endpoint",
                bucket,
            ),
        );
    }
    let k = request_account(request);
    if bucket.is_empty() {
        return ("s3:ListBuckets".to_string(), list_buckets(state, k, &param));
    }
    // Another account's bucket: the scan used the wrong credentials.
    if bucket_index(bucket, state).is_some_and(|(owner, _)| owner != k) {
        return (
            "wrong-account:s3".to_string(),
            s3_error(403, "AccessDenied", "Access Denied", bucket),
        );
    }
    if param("policy").is_some() {
        let response = match bucket_index(bucket, state) {
            None => no_such_bucket(bucket),
            Some((_, i)) if i % 2 == 0 => Response {
                status: 200,
                content_type: "application/json",
                headers: Vec::new(),
                body: canonical_policy(bucket),
            },
            Some(_) => s3_error(
                404,
                "NoSuchBucketPolicy",
                "The bucket policy does not exist",
                bucket,
            ),
        };
        return ("s3:GetBucketPolicy".to_string(), response);
    }
    if param("location").is_some() {
        let response = match bucket_index(bucket, state) {
            None => no_such_bucket(bucket),
            Some((_, i)) => {
                let region = &state.regions[i % state.regions.len()];
                let constraint = if region == "us-east-1" { "" } else { region };
                xml(
                    200,
                    format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint \
                         xmlns=\"{S3_NS}\">{constraint}</LocationConstraint>"
                    ),
                )
            }
        };
        return ("s3:GetBucketLocation".to_string(), response);
    }
    (
        format!("unknown:s3:GET {}", request.target),
        s3_error(
            400,
            "UnknownOperation",
            "not answered by this endpoint",
            bucket,
        ),
    )
}

/// One page of `ListBuckets`: the continuation token is the name of the next bucket.
fn list_buckets<'a>(
    state: &State,
    k: usize,
    param: &dyn Fn(&str) -> Option<&'a str>,
) -> Response {
    let start = param("continuation-token")
        .and_then(|t| bucket_index(t, state))
        .map_or(0, |(_, i)| i);
    let page = param("max-buckets")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(10_000)
        .clamp(1, 10_000);
    let end = (start + page).min(state.buckets);
    let mut body = String::with_capacity(160 * (end - start) + 512);
    let _ = write!(
        body,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"{S3_NS}\">\
         <Owner><ID>bench-owner</ID><DisplayName>bench</DisplayName></Owner><Buckets>"
    );
    for i in start..end {
        let region = &state.regions[i % state.regions.len()];
        let _ = write!(
            body,
            "<Bucket><Name>{}</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>\
             <BucketRegion>{region}</BucketRegion></Bucket>",
            bucket_name(k, i)
        );
    }
    body.push_str("</Buckets>");
    if end < state.buckets {
        let _ = write!(
            body,
            "<ContinuationToken>{}</ContinuationToken>",
            bucket_name(k, end)
        );
    }
    body.push_str("<Prefix></Prefix></ListAllMyBucketsResult>");
    xml(200, body)
}
