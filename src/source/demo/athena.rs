//! Athena: workgroups (where query results land and how they are encrypted), data catalogs,
//! and the Glue tables whose data sits in the lake buckets.

use super::accounts::{
    ANALYTICS_PROD as A, AP_SOUTHEAST_2, DATA_LAKE as D, EU_WEST_1, REGIONS, SANDBOX as S,
    US_EAST_1, accounts,
};
use super::buckets::kms_key;
use crate::model::{DataCatalog, Table, Workgroup, bucket_of_location};

const ENGINE_V3: &str = "Athena engine version 3";

/// A description as someone pasted it: terminal escape sequences included (OSC 52 clipboard
/// write, clear screen). The raw model keeps it; the UI must strip it before display.
pub const HOSTILE_DESCRIPTION: &str =
    "Finance ad-hoc \u{1b}]52;c;ZWNobyBoYWNr\u{7} \u{1b}[2J queries";

struct Wg {
    account: &'static str,
    region: &'static str,
    name: &'static str,
    description: &'static str,
    output: Option<&'static str>,
    encryption: Option<&'static str>,
    enforce: bool,
    owner_check: bool,
}

#[rustfmt::skip]
fn specs() -> Vec<Wg> {
    let w = |account, region, name, description, output, encryption, enforce, owner_check| Wg {
        account, region, name, description, output, encryption, enforce, owner_check,
    };
    vec![
        w(A, US_EAST_1, "primary", "Default workgroup: scheduled dbt and Airflow queries",
          Some("s3://athena-results-analytics-prod-use1/primary/"), Some("SSE_KMS"), true, true),
        w(A, US_EAST_1, "finance-adhoc", HOSTILE_DESCRIPTION,
          Some("s3://athena-results-adhoc-analytics-prod-use1/finance/"), None, false, false),
        w(A, US_EAST_1, "ml-feature-engineering", "Feature pipelines for the churn and LTV models",
          Some("s3://athena-results-ml-analytics-prod-use1/features/"), Some("SSE_S3"), true, false),
        w(A, EU_WEST_1, "primary", "Default workgroup (unused in eu-west-1)",
          None, None, false, false),
        w(A, EU_WEST_1, "bi-dashboards", "QuickSight datasets for the EU sales dashboards",
          Some("s3://athena-results-analytics-prod-euw1/quicksight/"), Some("SSE_S3"), false, false),
        w(A, AP_SOUTHEAST_2, "apac-reporting", "Daily APAC sales reports",
          Some("s3://athena-results-analytics-prod-apse2/reports/"), None, true, false),
        w(D, EU_WEST_1, "lake-ops", "Data-lake compaction checks and Lake Formation audits",
          Some("s3://athena-results-data-lake-shared-euw1/ops/"), Some("SSE_KMS"), true, true),
        w(S, US_EAST_1, "sandbox-exploration", "Anyone can query here; results kept 7 days",
          Some("s3://athena-results-sandbox-use1/"), None, false, false),
    ]
}

pub fn workgroups() -> Vec<Workgroup> {
    specs()
        .into_iter()
        .map(|w| Workgroup {
            account_id: w.account.to_string(),
            region: w.region.to_string(),
            name: w.name.to_string(),
            description: Some(w.description.to_string()),
            state: Some("ENABLED".to_string()),
            engine_version: Some(ENGINE_V3.to_string()),
            output_location: w.output.map(str::to_string),
            output_bucket: w.output.and_then(bucket_of_location),
            result_encryption: w.encryption.map(str::to_string),
            kms_key: (w.encryption == Some("SSE_KMS"))
                .then(|| kms_key(w.account, w.region, "athena-results")),
            enforce_configuration: w.enforce,
            expected_bucket_owner: w.owner_check.then(|| w.account.to_string()),
            errors: Vec::new(),
        })
        .collect()
}

/// `AwsDataCatalog` (Glue) in every account and region, plus one federated DynamoDB catalog.
pub fn catalogs() -> Vec<DataCatalog> {
    let mut out = Vec::new();
    for account in accounts() {
        for region in REGIONS {
            out.push(DataCatalog {
                account_id: account.id.clone(),
                region: region.to_string(),
                name: "AwsDataCatalog".to_string(),
                kind: "GLUE".to_string(),
            });
        }
    }
    out.push(DataCatalog {
        account_id: A.to_string(),
        region: US_EAST_1.to_string(),
        name: "ddb_orders".to_string(),
        kind: "LAMBDA".to_string(),
    });
    out
}

#[rustfmt::skip]
pub fn tables() -> Vec<Table> {
    let t = |account: &str, region: &str, database: &str, name: &str, location: Option<&str>| Table {
        account_id: account.to_string(),
        region: region.to_string(),
        catalog: "AwsDataCatalog".to_string(),
        database: database.to_string(),
        name: name.to_string(),
        location: location.map(str::to_string),
        bucket: location.and_then(bucket_of_location),
    };
    let (use1, euw1, apse2) = (US_EAST_1, EU_WEST_1, AP_SOUTHEAST_2);
    vec![
        t(A, use1, "cur", "cur_daily", Some("s3://cur-reports-northwind/cur/northwind-cur/daily/")),
        t(A, use1, "cur", "cur_hourly", Some("s3://cur-reports-northwind/cur/northwind-cur/hourly/")),
        t(A, use1, "security_logs", "cloudtrail", Some("s3://cloudtrail-logs-northwind-org/AWSLogs/")),
        t(A, use1, "security_logs", "vpc_flow_logs", Some("s3://vpc-flow-logs-analytics-prod/AWSLogs/")),
        t(A, use1, "security_logs", "s3_access_logs", Some("s3://s3-access-logs-analytics-prod-use1/")),
        t(A, use1, "ml_features", "customer_features", Some("s3://ml-features-analytics-prod/features/customer/")),
        t(A, use1, "ml_features", "product_features", Some("s3://ml-features-analytics-prod/features/product/")),
        t(A, use1, "ml_features", "session_features", Some("s3://ml-features-analytics-prod/features/session/")),
        t(A, use1, "ml_features", "training_labels", Some("s3://ml-training-snapshots-use1/labels/")),
        t(A, use1, "clickstream", "raw_events", Some("s3://clickstream-landing-use1/events/")),
        t(A, use1, "clickstream", "raw_sessions", Some("s3://clickstream-landing-use1/sessions/")),
        t(A, use1, "clickstream", "page_views", Some("s3://clickstream-processed-use1/page_views/")),
        t(A, use1, "clickstream", "sessionized", Some("s3://clickstream-processed-use1/sessionized/")),
        t(A, use1, "finance_mart", "invoices", Some("s3://finance-mart-analytics-prod/invoices/")),
        t(A, use1, "finance_mart", "payments", Some("s3://finance-mart-analytics-prod/payments/")),
        t(A, use1, "finance_mart", "gl_entries", Some("s3://finance-mart-analytics-prod/gl_entries/")),
        t(A, use1, "finance_mart", "revenue_daily", Some("s3://datalake-curated-nwa-use1/finance/revenue_daily/")),
        t(A, use1, "finance_mart", "v_revenue_by_region", None),
        t(A, use1, "partner", "partner_orders", Some("s3://partner-feeds-inbound-use1/orders/")),
        t(A, use1, "partner", "partner_inventory", Some("s3://partner-feeds-inbound-use1/inventory/")),
        t(A, use1, "customer_360", "profiles", Some("s3://customer-360-curated-use1/profiles/")),
        t(A, use1, "customer_360", "events", Some("s3://datalake-curated-nwa-use1/customer/events/")),
        t(A, euw1, "bi_mart", "eu_customer_events", Some("s3://eu-customer-events-euw1/events/")),
        t(A, euw1, "bi_mart", "gdpr_requests", Some("s3://analytics-prod-euw1-gdpr-exports/requests/")),
        t(A, euw1, "bi_mart", "curated_orders", Some("s3://datalake-curated-nwa-euw1/orders/")),
        t(A, euw1, "bi_mart", "curated_customers", Some("s3://datalake-curated-nwa-euw1/customers/")),
        t(A, apse2, "apac_sales", "sales_ingest", Some("s3://apac-sales-ingest-apse2/incoming/sales/")),
        t(A, apse2, "apac_sales", "sales_curated", Some("s3://apac-sales-curated-apse2/sales/")),
        t(A, apse2, "apac_sales", "store_dim", Some("s3://apac-sales-curated-apse2/stores/")),
        t(D, euw1, "raw", "orders_raw", Some("s3://datalake-raw-nwa-euw1/orders/")),
        t(D, euw1, "raw", "customers_raw", Some("s3://datalake-raw-nwa-euw1/customers/")),
        t(D, euw1, "raw", "payments_raw", Some("s3://datalake-raw-nwa-euw1/payments/")),
        t(D, euw1, "raw", "staging_orders", Some("s3://datalake-staging-nwa-euw1/orders/")),
        t(D, euw1, "curated", "orders", Some("s3://datalake-curated-nwa-euw1/orders/")),
        t(D, euw1, "curated", "customers", Some("s3://datalake-curated-nwa-euw1/customers/")),
        t(D, euw1, "curated", "published_kpis", Some("s3://datalake-published-nwa-euw1/kpis/")),
        t(D, euw1, "reference", "currency_rates", Some("s3://datalake-reference-nwa-euw1/fx/")),
        t(D, euw1, "reference", "country_codes", Some("s3://datalake-reference-nwa-euw1/countries/")),
        t(D, use1, "raw_us", "landing_events", Some("s3://datalake-landing-nwa-use1/events/")),
        t(D, use1, "raw_us", "raw_orders", Some("s3://datalake-raw-nwa-use1/orders/")),
        t(D, use1, "raw_us", "iot_telemetry", Some("s3://datalake-iot-telemetry-use1/telemetry/")),
        t(D, apse2, "raw_apac", "raw_orders", Some("s3://datalake-raw-nwa-apse2/orders/")),
        t(S, use1, "scratch", "jdoe_test", Some("s3://sandbox-personal-jdoe-use1/tmp/")),
        t(S, use1, "scratch", "ml_experiments", Some("s3://sandbox-ml-experiments-use1/runs/")),
        t(S, apse2, "poc", "iceberg_orders", Some("s3://sandbox-iceberg-poc-apse2/warehouse/orders/")),
    ]
}
