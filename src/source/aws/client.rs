//! The read-only wrapper: the ONLY place AWS SDK clients are built and called.
//!
//! It exposes Get / List / Describe operations, plus `sts:GetCallerIdentity` and
//! `sts:AssumeRole`, and nothing else: the SDK clients are private to this module, so no other
//! part of intransit can reach a mutating operation. Every call goes through `ReadOnly::call`,
//! which holds one permit of the scan-wide semaphore, reports progress for its fetcher and maps
//! failures to `FetchError`. Every attempt on the wire is counted by the `Recorder`
//! interceptor installed on each client.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_athena as athena;
use aws_sdk_cloudtrail as cloudtrail;
use aws_sdk_directconnect as directconnect;
use aws_sdk_ec2 as ec2;
use aws_sdk_organizations as organizations;
use aws_sdk_s3 as s3;
use aws_sdk_sts as sts;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// The session name of every role intransit assumes (visible in the accounts' CloudTrail).
const SESSION_NAME: &str = "intransit-scan";
use tokio::sync::Semaphore;

use super::answers::AnswerCheck;
use super::breaker::{Breakers, Stop};
use super::errors::{self, Context};
use super::pace::{self, Pace};
use super::recorder::Recorder;
use crate::model::FetchError;
use crate::model::codes;
use crate::source::AwsOptions;
use crate::store::{Progress, Store, Update};

/// Each operation the scan calls (`service:Operation`, as the recorder names it) and the IAM
/// actions it needs. API and IAM names differ for some S3 operations, and Athena's catalog
/// reads on `AwsDataCatalog` also need Glue read actions. `docs/iam-policy.json` grants
/// exactly the union of these actions (a test checks it).
pub const OPERATIONS: &[(&str, &[&str])] = &[
    ("sts:GetCallerIdentity", &["sts:GetCallerIdentity"]),
    ("sts:AssumeRole", &["sts:AssumeRole"]),
    ("s3:ListBuckets", &["s3:ListAllMyBuckets"]),
    ("s3:GetBucketLocation", &["s3:GetBucketLocation"]),
    ("s3:GetBucketPolicy", &["s3:GetBucketPolicy"]),
    ("s3:GetBucketPolicyStatus", &["s3:GetBucketPolicyStatus"]),
    (
        "s3:GetPublicAccessBlock",
        &["s3:GetBucketPublicAccessBlock"],
    ),
    ("s3:GetBucketEncryption", &["s3:GetEncryptionConfiguration"]),
    ("athena:ListWorkGroups", &["athena:ListWorkGroups"]),
    ("athena:GetWorkGroup", &["athena:GetWorkGroup"]),
    // `intransit traffic --athena-query`: the results are read from the query's output
    // location in S3 by Athena on the caller's behalf.
    (
        "athena:GetQueryResults",
        &["athena:GetQueryResults", "s3:GetObject"],
    ),
    ("athena:ListDataCatalogs", &["athena:ListDataCatalogs"]),
    (
        "athena:ListDatabases",
        &["athena:ListDatabases", "glue:GetDatabases"],
    ),
    (
        "athena:ListTableMetadata",
        &["athena:ListTableMetadata", "glue:GetTables"],
    ),
    ("ec2:DescribeRegions", &["ec2:DescribeRegions"]),
    ("cloudtrail:LookupEvents", &["cloudtrail:LookupEvents"]),
    ("ec2:DescribeVpcEndpoints", &["ec2:DescribeVpcEndpoints"]),
    (
        "ec2:DescribeVpnConnections",
        &["ec2:DescribeVpnConnections"],
    ),
    ("ec2:DescribeVpnGateways", &["ec2:DescribeVpnGateways"]),
    (
        "ec2:DescribeTransitGateways",
        &["ec2:DescribeTransitGateways"],
    ),
    (
        "directconnect:DescribeConnections",
        &["directconnect:DescribeConnections"],
    ),
    (
        "directconnect:DescribeVirtualInterfaces",
        &["directconnect:DescribeVirtualInterfaces"],
    ),
    (
        "organizations:ListPolicies",
        &["organizations:ListPolicies"],
    ),
    (
        "organizations:DescribePolicy",
        &["organizations:DescribePolicy"],
    ),
    (
        "organizations:ListTargetsForPolicy",
        &["organizations:ListTargetsForPolicy"],
    ),
    (
        "organizations:ListAccounts",
        &["organizations:ListAccounts"],
    ),
    (
        "organizations:ListAccountsForParent",
        &["organizations:ListAccountsForParent"],
    ),
    (
        "organizations:ListOrganizationalUnitsForParent",
        &["organizations:ListOrganizationalUnitsForParent"],
    ),
    (
        "organizations:DescribeOrganization",
        &["organizations:DescribeOrganization"],
    ),
    ("organizations:ListRoots", &["organizations:ListRoots"]),
    (
        "organizations:ListTagsForResource",
        &["organizations:ListTagsForResource"],
    ),
];

/// The IAM actions `operation` (`s3:GetPublicAccessBlock`) needs, if the scan ever calls it.
pub fn iam_actions(operation: &str) -> Option<&'static [&'static str]> {
    OPERATIONS
        .iter()
        .find(|(op, _)| *op == operation)
        .map(|(_, actions)| *actions)
}

/// Page sizes: the largest each API accepts.
const S3_MAX_BUCKETS: i32 = 1000;
const ATHENA_MAX_WORKGROUPS: i32 = 50;
const ATHENA_MAX_CATALOGS: i32 = 50;
const ATHENA_MAX_DATABASES: i32 = 50;
const ATHENA_MAX_TABLES: i32 = 50;
const EC2_MAX_RESULTS: i32 = 1000;
const EC2_MAX_TGW_RESULTS: i32 = 1000;
pub(super) const CLOUDTRAIL_MAX_EVENTS: i32 = 50;

/// What every account of one scan shares: the store, the global semaphore and the base SDK
/// configuration (credential chain, profile, endpoint, retry and timeouts).
pub(super) struct Shared {
    store: Store,
    permits: Semaphore,
    /// Calls one account may have in flight: half the scan's when it reads several accounts,
    /// so one account with 100,000 buckets leaves the other half to the rest.
    account_cap: usize,
    breakers: Breakers,
    /// `sts:AssumeRole` calls, spaced to the STS quota of the base account (`pace.rs`).
    assume_pace: Pace,
    /// Organizations calls in flight: they all land on one organization (`pace.rs`).
    organizations: Semaphore,
    /// The custom endpoint, when every service is reached through one.
    endpoint_url: Option<String>,
    /// Read every bucket's context too (`--context`).
    context: bool,
    base: SdkConfig,
    path_style: bool,
    home_region: String,
}

impl Shared {
    /// Loads the SDK configuration the usual way (`--profile`, environment, SSO, ...) with
    /// retries and the per-call timeouts; the credential chain is not changed.
    ///
    /// Retries use the standard mode: throttling and 5xx are retried up to 5 attempts with
    /// exponential backoff and jitter. The SDK's adaptive mode was tried and measured: its
    /// client-side rate limiter, seeded from the low request rate of a small scan, stalled one
    /// bucket's policy read past a 15 s budget after two SlowDown answers (tests/e2e_moto.rs,
    /// `failures_are_recorded_and_the_scan_completes`), while the global concurrency limit
    /// already bounds how hard a scan can push.
    pub(super) async fn load(store: Store, opts: &AwsOptions) -> Arc<Shared> {
        let attempt = opts.call_timeout.max(Duration::from_millis(100));
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(attempt.min(Duration::from_secs(10)))
            .operation_attempt_timeout(attempt)
            .operation_timeout(attempt * 3)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https_client())
            .retry_config(RetryConfig::standard().with_max_attempts(5))
            .timeout_config(timeouts);
        if let Some(profile) = &opts.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &opts.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let base = loader.load().await;
        // A custom endpoint (option or AWS_ENDPOINT_URL) is an emulator or a proxy: buckets
        // are then addressed by path, not by virtual host.
        let path_style = base.endpoint_url().is_some();
        let home_region = base
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_string());
        let deadline = opts.scan_timeout.map(|t| tokio::time::Instant::now() + t);
        let concurrency = opts.concurrency.max(1);
        let several = opts.org.is_some() || opts.role_arns.len() > 1;
        Arc::new(Shared {
            store,
            permits: Semaphore::new(concurrency),
            account_cap: if several {
                concurrency.div_ceil(2)
            } else {
                concurrency
            },
            breakers: Breakers::new(deadline),
            assume_pace: Pace::per_second(pace::ASSUME_ROLE_PER_SECOND),
            organizations: Semaphore::new(pace::ORGANIZATIONS_IN_FLIGHT),
            endpoint_url: base.endpoint_url().map(str::to_string),
            context: opts.context,
            base,
            path_style,
            home_region,
        })
    }

    /// The profile's region (or `us-east-1`): where STS, EC2 DescribeRegions, S3 ListBuckets
    /// and Organizations are called.
    pub(super) fn home_region(&self) -> &str {
        &self.home_region
    }

    /// Whether the scan reads every bucket's context (`--context`).
    pub(super) fn reads_context(&self) -> bool {
        self.context
    }

    /// The endpoint a call of `service` in `region` goes to, as the breakers name it.
    fn endpoint(&self, service: &str, region: Option<&str>) -> String {
        match &self.endpoint_url {
            Some(url) => format!("the endpoint {url}"),
            None => format!("{service} in {}", region.unwrap_or(&self.home_region)),
        }
    }

    /// Read access with the base credentials.
    pub(super) fn base(self: &Arc<Self>) -> ReadOnly {
        ReadOnly::new(self.clone(), self.base.clone(), None)
    }
}

/// The one HTTP client of a scan, shared by every service client and credential provider.
///
/// Without it each SDK client (S3 and EC2 per region, STS, Athena, Direct Connect,
/// Organizations) builds its own connector, TLS root store and connection pool on its first
/// call, on the path of that call; with one client they share the pool, so a connection opened
/// for STS serves ListBuckets, and every endpoint's connections are reused by every service.
/// The connector is the SDK's default one (`aws-smithy-runtime`, `default-https-client`):
/// rustls with aws-lc, the per-call connect timeout, and the proxy from the environment
/// (`HTTPS_PROXY`, `NO_PROXY`), as the behavior version intransit uses asks.
fn https_client() -> SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector =
            ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// An assumed role's credentials: the session the scan's own `AssumeRole` returned, until five
/// minutes before it expires; then a new session from the SDK's provider, one for every
/// client of the account. The SDK keeps a credentials cache per client, and concurrent first
/// reads of a new client each ask the provider: without this, an organization scan assumed
/// each role about 22 times (22,188 `AssumeRole` calls for 1,000 accounts on the latency
/// endpoint), outside the scan's concurrency limit and call counts.
#[derive(Debug)]
struct SessionCredentials {
    current: tokio::sync::Mutex<sts::config::Credentials>,
    again: aws_config::sts::AssumeRoleProvider,
}

/// How long before its expiry a session is replaced.
const SESSION_MARGIN: Duration = Duration::from_secs(300);

impl sts::config::ProvideCredentials for SessionCredentials {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move {
            let mut current = self.current.lock().await;
            let stale = current
                .expiry()
                .is_some_and(|e| e <= std::time::SystemTime::now() + SESSION_MARGIN);
            if stale {
                *current = self.again.provide_credentials().await?;
            }
            Ok(current.clone())
        })
    }
}

/// STS's answer as the credentials the SDK signs with.
fn session_credentials(c: &sts::types::Credentials) -> sts::config::Credentials {
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "intransit-assume-role",
    )
}

/// The caller, as `sts:GetCallerIdentity` reports it.
pub(super) struct Identity {
    pub account_id: String,
    pub arn: String,
}

/// Read-only access to one account: lazily built per-region clients over one credential set.
pub(super) struct ReadOnly {
    shared: Arc<Shared>,
    /// This account's share of the scan's calls in flight (`Shared::account_cap`).
    permits: Semaphore,
    config: SdkConfig,
    assumed_role: Option<String>,
    account_id: OnceLock<String>,
    s3: Mutex<HashMap<String, s3::Client>>,
    athena: Mutex<HashMap<String, athena::Client>>,
    ec2: Mutex<HashMap<String, ec2::Client>>,
    directconnect: Mutex<HashMap<String, directconnect::Client>>,
    cloudtrail: Mutex<HashMap<String, cloudtrail::Client>>,
    sts: OnceLock<sts::Client>,
    organizations: OnceLock<organizations::Client>,
}

/// Gets or builds the client of `region` in `cache`.
fn cached<C: Clone>(
    cache: &Mutex<HashMap<String, C>>,
    region: &str,
    build: impl FnOnce() -> C,
) -> C {
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(region.to_string()).or_insert_with(build).clone()
}

impl ReadOnly {
    fn new(shared: Arc<Shared>, config: SdkConfig, assumed_role: Option<String>) -> ReadOnly {
        ReadOnly {
            permits: Semaphore::new(shared.account_cap),
            shared,
            config,
            assumed_role,
            account_id: OnceLock::new(),
            s3: Mutex::default(),
            athena: Mutex::default(),
            ec2: Mutex::default(),
            directconnect: Mutex::default(),
            cloudtrail: Mutex::default(),
            sts: OnceLock::new(),
            organizations: OnceLock::new(),
        }
    }

    pub(super) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    pub(super) fn store(&self) -> &Store {
        &self.shared.store
    }

    pub(super) fn assumed_role(&self) -> Option<&str> {
        self.assumed_role.as_deref()
    }

    /// Sets the account id without a call, for an account the scan already identified.
    pub(super) fn known_account(&self, account_id: &str) {
        let _ = self.account_id.set(account_id.to_string());
    }

    /// The account id, once `ReadOnly::identify` succeeded.
    pub(super) fn account_id(&self) -> &str {
        self.account_id.get().map(String::as_str).unwrap_or("")
    }

    /// Error context in this account.
    pub(super) fn ctx(&self, region: Option<&str>, resource: Option<&str>) -> Context {
        Context {
            account_id: self.account_id.get().cloned(),
            region: region.map(str::to_string),
            resource: resource.map(str::to_string),
        }
    }

    /// A success answer that cannot be what `operation` returns (`why` says what it lacked).
    pub(super) fn invalid_answer(
        &self,
        operation: &str,
        region: &str,
        resource: &str,
        why: String,
    ) -> FetchError {
        let ctx = self.ctx(Some(region), Some(resource));
        errors::other(operation, &ctx, codes::UNEXPECTED_ANSWER, why)
    }

    // ---- clients ---------------------------------------------------------------------------

    fn region(&self, region: &str) -> Region {
        Region::new(region.to_string())
    }

    fn recorder(&self, service: &'static str) -> Recorder {
        Recorder::new(service, self.shared.store.clone())
    }

    fn s3(&self, region: &str) -> s3::Client {
        cached(&self.s3, region, || {
            let conf = s3::config::Builder::from(&self.config)
                .region(self.region(region))
                .force_path_style(self.shared.path_style)
                .interceptor(self.recorder("s3"))
                .interceptor(AnswerCheck)
                .build();
            s3::Client::from_conf(conf)
        })
    }

    fn athena(&self, region: &str) -> athena::Client {
        cached(&self.athena, region, || {
            let conf = athena::config::Builder::from(&self.config)
                .region(self.region(region))
                .interceptor(self.recorder("athena"))
                .interceptor(AnswerCheck)
                .build();
            athena::Client::from_conf(conf)
        })
    }

    fn ec2(&self, region: &str) -> ec2::Client {
        cached(&self.ec2, region, || {
            let conf = ec2::config::Builder::from(&self.config)
                .region(self.region(region))
                .interceptor(self.recorder("ec2"))
                .interceptor(AnswerCheck)
                .build();
            ec2::Client::from_conf(conf)
        })
    }

    fn directconnect(&self, region: &str) -> directconnect::Client {
        cached(&self.directconnect, region, || {
            let conf = directconnect::config::Builder::from(&self.config)
                .region(self.region(region))
                .interceptor(self.recorder("directconnect"))
                .interceptor(AnswerCheck)
                .build();
            directconnect::Client::from_conf(conf)
        })
    }

    fn cloudtrail(&self, region: &str) -> cloudtrail::Client {
        cached(&self.cloudtrail, region, || {
            let conf = cloudtrail::config::Builder::from(&self.config)
                .region(self.region(region))
                .interceptor(self.recorder("cloudtrail"))
                .interceptor(AnswerCheck)
                .build();
            cloudtrail::Client::from_conf(conf)
        })
    }

    fn sts(&self) -> &sts::Client {
        self.sts.get_or_init(|| {
            let conf = sts::config::Builder::from(&self.config)
                .region(self.region(&self.shared.home_region))
                .interceptor(self.recorder("sts"))
                .interceptor(AnswerCheck)
                .build();
            sts::Client::from_conf(conf)
        })
    }

    fn organizations(&self) -> &organizations::Client {
        self.organizations.get_or_init(|| {
            let conf = organizations::config::Builder::from(&self.config)
                .region(self.region(&self.shared.home_region))
                .interceptor(self.recorder("organizations"))
                .interceptor(AnswerCheck)
                .build();
            organizations::Client::from_conf(conf)
        })
    }

    // ---- the one call path -----------------------------------------------------------------

    /// Runs one SDK call (all its retries) under one permit of the global semaphore, reporting
    /// progress for the operation's service. `expected` lists error codes that are answers,
    /// not failures (e.g. `NoSuchBucketPolicy`): they still come back as `Err` but count as done.
    ///
    /// The request is built, and its (large) future allocated, only once the permit is held:
    /// thousands of waiting calls then cost a few hundred bytes each, not the SDK's full
    /// in-flight state.
    async fn call<T, E, F>(
        &self,
        operation: &'static str,
        ctx: Context,
        expected: &[&str],
        request: impl FnOnce() -> F,
    ) -> Result<T, FetchError>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let fetcher = operation.split(':').next().unwrap_or(operation).to_string();
        let store = &self.shared.store;
        let progress = |event| {
            store.apply(Update::Progress {
                fetcher: fetcher.clone(),
                event,
            })
        };
        let endpoint = self.shared.endpoint(&fetcher, ctx.region.as_deref());
        let breakers = &self.shared.breakers;
        progress(Progress::Queued(1));
        let not_sent = |stop: Stop| {
            progress(Progress::Started);
            progress(Progress::Failed);
            errors::stopped(operation, &ctx, &stop, false)
        };
        if let Err(stop) = breakers.check(&endpoint) {
            return Err(not_sent(stop));
        }
        if operation == "sts:AssumeRole" {
            self.shared.assume_pace.wait().await;
        }
        // The semaphores are never closed; without a permit the call would still be correct.
        // The account's permit first: an account at its cap queues no more calls for the
        // scan's permits, so the others' calls are not stuck behind its thousands; an
        // Organizations call takes its service's permit before the scan's for the same reason.
        let permit = tokio::select! {
            permits = async {
                let account = self.permits.acquire().await.ok();
                let service = match fetcher.as_str() {
                    "organizations" => self.shared.organizations.acquire().await.ok(),
                    _ => None,
                };
                (account, service, self.shared.permits.acquire().await.ok())
            } => permits,
            stop = breakers.stopped(&endpoint) => return Err(not_sent(stop)),
        };
        progress(Progress::Started);
        let result = tokio::select! {
            result = Box::pin(request()) => result,
            stop = breakers.stopped(&endpoint) => {
                drop(permit);
                progress(Progress::Failed);
                return Err(errors::stopped(operation, &ctx, &stop, true));
            }
        };
        drop(permit);
        let (result, event) = match result {
            Ok(out) => {
                breakers.record(&endpoint, None);
                (Ok(out), Progress::Done)
            }
            Err(e) => {
                let err = errors::fetch_error(operation, &ctx, &e);
                let lost = matches!(err.code.as_str(), "Timeout" | "Network");
                breakers.record(&endpoint, lost.then(|| err.short()).as_deref());
                let event = if expected.contains(&err.code.as_str()) {
                    Progress::Done
                } else {
                    Progress::Failed
                };
                (Err(err), event)
            }
        };
        progress(event);
        result
    }

    // ---- STS -------------------------------------------------------------------------------

    /// `sts:GetCallerIdentity`; remembers the account id for later error contexts.
    pub(super) async fn identify(&self) -> Result<Identity, FetchError> {
        let ctx = self.ctx(Some(&self.shared.home_region), self.assumed_role());
        let out = self
            .call("sts:GetCallerIdentity", ctx.clone(), &[], || {
                self.sts().get_caller_identity().send()
            })
            .await?;
        let (Some(account_id), Some(arn)) = (out.account(), out.arn()) else {
            return Err(errors::other(
                "sts:GetCallerIdentity",
                &ctx,
                "InvalidResponse",
                "GetCallerIdentity returned no account or ARN".to_string(),
            ));
        };
        let _ = self.account_id.set(account_id.to_string());
        Ok(Identity {
            account_id: account_id.to_string(),
            arn: arn.to_string(),
        })
    }

    /// `sts:AssumeRole` into `role_arn`; read access in that account.
    ///
    /// The first AssumeRole is made here, through the recorder and the concurrency limit, so an
    /// unreachable account fails at once with a clear error. The account's clients then get a
    /// provider that assumes the role again whenever the SDK's identity cache finds the session
    /// near expiry, so a scan longer than the role's session (one hour by default) keeps going.
    pub(super) async fn assume_role(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
    ) -> Result<ReadOnly, FetchError> {
        let mut ctx = self.ctx(Some(&self.shared.home_region), Some(role_arn));
        // The failure is the role's account's: it is that account that could not be entered.
        if let Some(account) = super::account_of_arn(role_arn) {
            ctx.account_id = Some(account.to_string());
        }
        let mut request = self
            .sts()
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(SESSION_NAME);
        if let Some(id) = external_id {
            request = request.external_id(id);
        }
        let out = self
            .call("sts:AssumeRole", ctx.clone(), &[], || request.send())
            .await?;
        let Some(first) = out.credentials().map(session_credentials) else {
            return Err(errors::other(
                "sts:AssumeRole",
                &ctx,
                "InvalidResponse",
                "AssumeRole returned no credentials".to_string(),
            ));
        };
        let mut again = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name(SESSION_NAME)
            .configure(&self.config);
        if let Some(id) = external_id {
            again = again.external_id(id);
        }
        let provider = SessionCredentials {
            current: tokio::sync::Mutex::new(first),
            again: again.build().await,
        };
        let config = self
            .config
            .to_builder()
            .credentials_provider(sts::config::SharedCredentialsProvider::new(provider))
            .build();
        Ok(ReadOnly::new(
            self.shared.clone(),
            config,
            Some(role_arn.to_string()),
        ))
    }

    // ---- CloudTrail ------------------------------------------------------------------------

    /// One page of `cloudtrail:LookupEvents` for the events of `source`
    /// (`athena.amazonaws.com`) since `start`, newest first, at most `max` (1 to 50) events.
    pub(super) async fn cloudtrail_lookup_events(
        &self,
        region: &str,
        source: &str,
        start: std::time::SystemTime,
        max: i32,
        token: Option<String>,
    ) -> Result<cloudtrail::operation::lookup_events::LookupEventsOutput, FetchError> {
        use cloudtrail::types::{LookupAttribute, LookupAttributeKey};
        let ctx = self.ctx(Some(region), Some(source));
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventSource)
            .attribute_value(source)
            .build()
            .map_err(|e| {
                errors::other(
                    "cloudtrail:LookupEvents",
                    &ctx,
                    "InvalidRequest",
                    e.to_string(),
                )
            })?;
        let request = || {
            self.cloudtrail(region)
                .lookup_events()
                .lookup_attributes(attribute)
                .set_start_time(Some(aws_smithy_types::DateTime::from(start)))
                .max_results(max.clamp(1, CLOUDTRAIL_MAX_EVENTS))
                .set_next_token(token)
                .send()
        };
        self.call("cloudtrail:LookupEvents", ctx.clone(), &[], request)
            .await
    }

    // ---- S3 --------------------------------------------------------------------------------

    /// One page of `ListBuckets` (paginated form: `BucketRegion` is included).
    pub(super) async fn s3_list_buckets(
        &self,
        token: Option<String>,
    ) -> Result<s3::operation::list_buckets::ListBucketsOutput, FetchError> {
        let region = self.shared.home_region.clone();
        let request = || {
            self.s3(&region)
                .list_buckets()
                .max_buckets(S3_MAX_BUCKETS)
                .set_continuation_token(token)
                .send()
        };
        self.call("s3:ListBuckets", self.ctx(None, None), &[], request)
            .await
    }

    /// The bucket's region (`GetBucketLocation`, asked in the home region).
    pub(super) async fn s3_get_bucket_location(
        &self,
        bucket: &str,
    ) -> Result<s3::operation::get_bucket_location::GetBucketLocationOutput, FetchError> {
        let region = self.shared.home_region.clone();
        let request = || self.s3(&region).get_bucket_location().bucket(bucket).send();
        self.call(
            "s3:GetBucketLocation",
            self.ctx(None, Some(bucket)),
            &[],
            request,
        )
        .await
    }

    /// `NoSuchBucketPolicy` comes back as an error with that code.
    pub(super) async fn s3_get_bucket_policy(
        &self,
        region: &str,
        bucket: &str,
    ) -> Result<s3::operation::get_bucket_policy::GetBucketPolicyOutput, FetchError> {
        let request = || self.s3(region).get_bucket_policy().bucket(bucket).send();
        self.call(
            "s3:GetBucketPolicy",
            self.ctx(Some(region), Some(bucket)),
            &["NoSuchBucketPolicy"],
            request,
        )
        .await
    }

    pub(super) async fn s3_get_bucket_policy_status(
        &self,
        region: &str,
        bucket: &str,
    ) -> Result<s3::operation::get_bucket_policy_status::GetBucketPolicyStatusOutput, FetchError>
    {
        let request = || {
            self.s3(region)
                .get_bucket_policy_status()
                .bucket(bucket)
                .send()
        };
        self.call(
            "s3:GetBucketPolicyStatus",
            self.ctx(Some(region), Some(bucket)),
            &["NoSuchBucketPolicy"],
            request,
        )
        .await
    }

    pub(super) async fn s3_get_public_access_block(
        &self,
        region: &str,
        bucket: &str,
    ) -> Result<s3::operation::get_public_access_block::GetPublicAccessBlockOutput, FetchError>
    {
        let request = || {
            self.s3(region)
                .get_public_access_block()
                .bucket(bucket)
                .send()
        };
        self.call(
            "s3:GetPublicAccessBlock",
            self.ctx(Some(region), Some(bucket)),
            &["NoSuchPublicAccessBlockConfiguration"],
            request,
        )
        .await
    }

    pub(super) async fn s3_get_bucket_encryption(
        &self,
        region: &str,
        bucket: &str,
    ) -> Result<s3::operation::get_bucket_encryption::GetBucketEncryptionOutput, FetchError> {
        let request = || {
            self.s3(region)
                .get_bucket_encryption()
                .bucket(bucket)
                .send()
        };
        self.call(
            "s3:GetBucketEncryption",
            self.ctx(Some(region), Some(bucket)),
            &["ServerSideEncryptionConfigurationNotFoundError"],
            request,
        )
        .await
    }

    // ---- Athena ----------------------------------------------------------------------------

    pub(super) async fn athena_list_work_groups(
        &self,
        region: &str,
        token: Option<String>,
    ) -> Result<athena::operation::list_work_groups::ListWorkGroupsOutput, FetchError> {
        let request = || {
            self.athena(region)
                .list_work_groups()
                .max_results(ATHENA_MAX_WORKGROUPS)
                .set_next_token(token)
                .send()
        };
        self.call(
            "athena:ListWorkGroups",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    /// One page of a finished query's results.
    pub(super) async fn athena_get_query_results(
        &self,
        region: &str,
        id: &str,
        token: Option<String>,
    ) -> Result<athena::operation::get_query_results::GetQueryResultsOutput, FetchError> {
        let request = || {
            self.athena(region)
                .get_query_results()
                .query_execution_id(id)
                .set_next_token(token)
                .send()
        };
        self.call(
            "athena:GetQueryResults",
            self.ctx(Some(region), Some(id)),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn athena_get_work_group(
        &self,
        region: &str,
        name: &str,
    ) -> Result<athena::operation::get_work_group::GetWorkGroupOutput, FetchError> {
        let request = || self.athena(region).get_work_group().work_group(name).send();
        self.call(
            "athena:GetWorkGroup",
            self.ctx(Some(region), Some(name)),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn athena_list_data_catalogs(
        &self,
        region: &str,
        token: Option<String>,
    ) -> Result<athena::operation::list_data_catalogs::ListDataCatalogsOutput, FetchError> {
        let request = || {
            self.athena(region)
                .list_data_catalogs()
                .max_results(ATHENA_MAX_CATALOGS)
                .set_next_token(token)
                .send()
        };
        self.call(
            "athena:ListDataCatalogs",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn athena_list_databases(
        &self,
        region: &str,
        catalog: &str,
        token: Option<String>,
    ) -> Result<athena::operation::list_databases::ListDatabasesOutput, FetchError> {
        let request = || {
            self.athena(region)
                .list_databases()
                .catalog_name(catalog)
                .max_results(ATHENA_MAX_DATABASES)
                .set_next_token(token)
                .send()
        };
        self.call(
            "athena:ListDatabases",
            self.ctx(Some(region), Some(catalog)),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn athena_list_table_metadata(
        &self,
        region: &str,
        catalog: &str,
        database: &str,
        token: Option<String>,
    ) -> Result<athena::operation::list_table_metadata::ListTableMetadataOutput, FetchError> {
        let request = || {
            self.athena(region)
                .list_table_metadata()
                .catalog_name(catalog)
                .database_name(database)
                .max_results(ATHENA_MAX_TABLES)
                .set_next_token(token)
                .send()
        };
        self.call(
            "athena:ListTableMetadata",
            self.ctx(Some(region), Some(&format!("{catalog}/{database}"))),
            &[],
            request,
        )
        .await
    }

    // ---- EC2 -------------------------------------------------------------------------------

    /// The regions enabled for this account (opt-in regions only once opted in).
    pub(super) async fn ec2_describe_regions(
        &self,
    ) -> Result<ec2::operation::describe_regions::DescribeRegionsOutput, FetchError> {
        let region = self.shared.home_region.clone();
        let request = || self.ec2(&region).describe_regions().send();
        self.call(
            "ec2:DescribeRegions",
            self.ctx(Some(&region), None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn ec2_describe_vpc_endpoints(
        &self,
        region: &str,
        token: Option<String>,
    ) -> Result<ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput, FetchError>
    {
        let request = || {
            self.ec2(region)
                .describe_vpc_endpoints()
                .max_results(EC2_MAX_RESULTS)
                .set_next_token(token)
                .send()
        };
        self.call(
            "ec2:DescribeVpcEndpoints",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn ec2_describe_vpn_connections(
        &self,
        region: &str,
    ) -> Result<ec2::operation::describe_vpn_connections::DescribeVpnConnectionsOutput, FetchError>
    {
        let request = || self.ec2(region).describe_vpn_connections().send();
        self.call(
            "ec2:DescribeVpnConnections",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn ec2_describe_vpn_gateways(
        &self,
        region: &str,
    ) -> Result<ec2::operation::describe_vpn_gateways::DescribeVpnGatewaysOutput, FetchError> {
        let request = || self.ec2(region).describe_vpn_gateways().send();
        self.call(
            "ec2:DescribeVpnGateways",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn ec2_describe_transit_gateways(
        &self,
        region: &str,
        token: Option<String>,
    ) -> Result<ec2::operation::describe_transit_gateways::DescribeTransitGatewaysOutput, FetchError>
    {
        let request = || {
            self.ec2(region)
                .describe_transit_gateways()
                .max_results(EC2_MAX_TGW_RESULTS)
                .set_next_token(token)
                .send()
        };
        self.call(
            "ec2:DescribeTransitGateways",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    // ---- Direct Connect --------------------------------------------------------------------

    pub(super) async fn dx_describe_connections(
        &self,
        region: &str,
    ) -> Result<directconnect::operation::describe_connections::DescribeConnectionsOutput, FetchError>
    {
        let request = || self.directconnect(region).describe_connections().send();
        self.call(
            "directconnect:DescribeConnections",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn dx_describe_virtual_interfaces(
        &self,
        region: &str,
    ) -> Result<
        directconnect::operation::describe_virtual_interfaces::DescribeVirtualInterfacesOutput,
        FetchError,
    > {
        let request = || {
            self.directconnect(region)
                .describe_virtual_interfaces()
                .send()
        };
        self.call(
            "directconnect:DescribeVirtualInterfaces",
            self.ctx(Some(region), None),
            &[],
            request,
        )
        .await
    }

    // ---- Organizations ---------------------------------------------------------------------

    /// Codes meaning "this account cannot read its organization's policies": not an error of
    /// the estate, the scan just has no RCPs from here.
    pub(super) const ORGANIZATIONS_UNREADABLE: &'static [&'static str] = &[
        "AWSOrganizationsNotInUseException",
        "AccessDeniedException",
        "AccessDenied",
    ];

    /// One page of resource control policies.
    pub(super) async fn org_list_rcps(
        &self,
        token: Option<String>,
    ) -> Result<organizations::operation::list_policies::ListPoliciesOutput, FetchError> {
        let request = || {
            self.organizations()
                .list_policies()
                .filter(organizations::types::PolicyType::ResourceControlPolicy)
                .set_next_token(token)
                .send()
        };
        self.call(
            "organizations:ListPolicies",
            self.ctx(None, None),
            Self::ORGANIZATIONS_UNREADABLE,
            request,
        )
        .await
    }

    /// The organization, for its management account (RCPs never apply there).
    pub(super) async fn org_describe_organization(
        &self,
    ) -> Result<
        organizations::operation::describe_organization::DescribeOrganizationOutput,
        FetchError,
    > {
        let request = || self.organizations().describe_organization().send();
        self.call(
            "organizations:DescribeOrganization",
            self.ctx(None, None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn org_describe_policy(
        &self,
        policy_id: &str,
    ) -> Result<organizations::operation::describe_policy::DescribePolicyOutput, FetchError> {
        let request = || {
            self.organizations()
                .describe_policy()
                .policy_id(policy_id)
                .send()
        };
        self.call(
            "organizations:DescribePolicy",
            self.ctx(None, Some(policy_id)),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn org_list_targets_for_policy(
        &self,
        policy_id: &str,
        token: Option<String>,
    ) -> Result<
        organizations::operation::list_targets_for_policy::ListTargetsForPolicyOutput,
        FetchError,
    > {
        let request = || {
            self.organizations()
                .list_targets_for_policy()
                .policy_id(policy_id)
                .set_next_token(token)
                .send()
        };
        self.call(
            "organizations:ListTargetsForPolicy",
            self.ctx(None, Some(policy_id)),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn org_list_accounts(
        &self,
        token: Option<String>,
    ) -> Result<organizations::operation::list_accounts::ListAccountsOutput, FetchError> {
        let request = || {
            self.organizations()
                .list_accounts()
                .set_next_token(token)
                .send()
        };
        self.call(
            "organizations:ListAccounts",
            self.ctx(None, None),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn org_list_accounts_for_parent(
        &self,
        parent_id: &str,
        token: Option<String>,
    ) -> Result<
        organizations::operation::list_accounts_for_parent::ListAccountsForParentOutput,
        FetchError,
    > {
        let request = || {
            self.organizations()
                .list_accounts_for_parent()
                .parent_id(parent_id)
                .set_next_token(token)
                .send()
        };
        self.call(
            "organizations:ListAccountsForParent",
            self.ctx(None, Some(parent_id)),
            &[],
            request,
        )
        .await
    }

    pub(super) async fn org_list_ous_for_parent(
        &self,
        parent_id: &str,
        token: Option<String>,
    ) -> Result<
        organizations::operation::list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput,
        FetchError,
    >{
        let request = || {
            self.organizations()
                .list_organizational_units_for_parent()
                .parent_id(parent_id)
                .set_next_token(token)
                .send()
        };
        self.call(
            "organizations:ListOrganizationalUnitsForParent",
            self.ctx(None, Some(parent_id)),
            &[],
            request,
        )
        .await
    }
    /// The organization's root (one per organization), for the OU tree.
    pub(super) async fn org_list_roots(
        &self,
        token: Option<String>,
    ) -> Result<organizations::operation::list_roots::ListRootsOutput, FetchError> {
        let request = || {
            self.organizations()
                .list_roots()
                .set_next_token(token)
                .send()
        };
        self.call(
            "organizations:ListRoots",
            self.ctx(None, None),
            &[],
            request,
        )
        .await
    }

    /// One page of an account's tags in Organizations.
    pub(super) async fn org_list_tags_for_resource(
        &self,
        resource_id: &str,
        token: Option<String>,
    ) -> Result<
        organizations::operation::list_tags_for_resource::ListTagsForResourceOutput,
        FetchError,
    > {
        let request = || {
            self.organizations()
                .list_tags_for_resource()
                .resource_id(resource_id)
                .set_next_token(token)
                .send()
        };
        self.call(
            "organizations:ListTagsForResource",
            self.ctx(None, Some(resource_id)),
            &[],
            request,
        )
        .await
    }
}
