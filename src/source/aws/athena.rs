//! Athena in one region: workgroups (where results go, encrypted or not, enforced or not),
//! data catalogs, and for each Glue catalog its databases and tables (where data is read from).

use std::sync::Arc;

use aws_sdk_athena::types::{DataCatalogType, WorkGroupSummary};
use tokio::task::JoinSet;

use super::client::ReadOnly;
use super::report_panics;
use crate::model::{DataCatalog, Table, Workgroup, bucket_of_location};
use crate::store::Update;

/// The catalog every account has; read even when `ListDataCatalogs` is refused.
const DEFAULT_CATALOG: &str = "AwsDataCatalog";

pub(super) async fn scan(ro: Arc<ReadOnly>, region: String) {
    let mut tasks = JoinSet::new();
    tasks.spawn(workgroups(ro.clone(), region.clone()));
    tasks.spawn(catalogs(ro.clone(), region));
    report_panics(ro.store(), "athena", tasks).await;
}

async fn workgroups(ro: Arc<ReadOnly>, region: String) {
    let mut summaries: Vec<WorkGroupSummary> = Vec::new();
    let mut token = None;
    loop {
        match ro.athena_list_work_groups(&region, token.take()).await {
            Ok(page) => {
                summaries.extend(page.work_groups().iter().cloned());
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Err(e) => {
                ro.store().apply(Update::Error(e));
                break;
            }
        }
    }
    let mut tasks = JoinSet::new();
    for summary in summaries {
        tasks.spawn(workgroup(ro.clone(), region.clone(), summary));
    }
    report_panics(ro.store(), "athena", tasks).await;
}

async fn workgroup(ro: Arc<ReadOnly>, region: String, summary: WorkGroupSummary) {
    let Some(name) = summary.name() else { return };
    let mut wg = Workgroup {
        account_id: ro.account_id().to_string(),
        region: region.clone(),
        name: name.to_string(),
        description: summary
            .description()
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        state: summary.state().map(|s| s.as_str().to_string()),
        engine_version: summary.engine_version().and_then(|e| {
            e.effective_engine_version()
                .or(e.selected_engine_version())
                .map(str::to_string)
        }),
        output_location: None,
        output_bucket: None,
        result_encryption: None,
        kms_key: None,
        enforce_configuration: false,
        expected_bucket_owner: None,
        errors: Vec::new(),
    };
    match ro.athena_get_work_group(&region, name).await {
        Ok(out) => {
            if let Some(full) = out.work_group() {
                if let Some(d) = full.description().filter(|d| !d.is_empty()) {
                    wg.description = Some(d.to_string());
                }
                if let Some(s) = full.state() {
                    wg.state = Some(s.as_str().to_string());
                }
                if let Some(conf) = full.configuration() {
                    wg.enforce_configuration =
                        conf.enforce_work_group_configuration().unwrap_or(false);
                    if let Some(e) = conf.engine_version() {
                        // The effective version is what runs; the selected one may be AUTO.
                        if let Some(v) =
                            e.effective_engine_version().or(e.selected_engine_version())
                        {
                            wg.engine_version = Some(v.to_string());
                        }
                    }
                    if let Some(rc) = conf.result_configuration() {
                        wg.output_location = rc
                            .output_location()
                            .filter(|l| !l.is_empty())
                            .map(str::to_string);
                        wg.output_bucket =
                            wg.output_location.as_deref().and_then(bucket_of_location);
                        if let Some(enc) = rc.encryption_configuration() {
                            wg.result_encryption =
                                Some(enc.encryption_option().as_str().to_string());
                            wg.kms_key = enc.kms_key().map(str::to_string);
                        }
                        wg.expected_bucket_owner = rc.expected_bucket_owner().map(str::to_string);
                    }
                }
            }
        }
        Err(e) => wg.errors.push(e),
    }
    ro.store().apply(Update::Workgroup(wg));
}

async fn catalogs(ro: Arc<ReadOnly>, region: String) {
    let mut glue: Vec<String> = Vec::new();
    let mut token = None;
    let mut listed = true;
    loop {
        match ro.athena_list_data_catalogs(&region, token.take()).await {
            Ok(page) => {
                let mut updates = Vec::new();
                for c in page.data_catalogs_summary() {
                    let Some(name) = c.catalog_name() else {
                        continue;
                    };
                    let kind = c
                        .r#type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default();
                    if c.r#type() == Some(&DataCatalogType::Glue) {
                        glue.push(name.to_string());
                    }
                    updates.push(Update::Catalog(DataCatalog {
                        account_id: ro.account_id().to_string(),
                        region: region.clone(),
                        name: name.to_string(),
                        kind,
                    }));
                }
                ro.store().apply_all(updates);
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Err(e) => {
                ro.store().apply(Update::Error(e));
                listed = false;
                break;
            }
        }
    }
    if !listed && !glue.iter().any(|c| c == DEFAULT_CATALOG) {
        glue.push(DEFAULT_CATALOG.to_string());
    }
    let mut tasks = JoinSet::new();
    for catalog in glue {
        tasks.spawn(databases(ro.clone(), region.clone(), catalog));
    }
    report_panics(ro.store(), "athena", tasks).await;
}

async fn databases(ro: Arc<ReadOnly>, region: String, catalog: String) {
    let mut names: Vec<String> = Vec::new();
    let mut token = None;
    loop {
        match ro
            .athena_list_databases(&region, &catalog, token.take())
            .await
        {
            Ok(page) => {
                names.extend(page.database_list().iter().map(|d| d.name().to_string()));
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Err(e) => {
                ro.store().apply(Update::Error(e));
                break;
            }
        }
    }
    let mut tasks = JoinSet::new();
    for database in names {
        tasks.spawn(tables(
            ro.clone(),
            region.clone(),
            catalog.clone(),
            database,
        ));
    }
    report_panics(ro.store(), "athena", tasks).await;
}

async fn tables(ro: Arc<ReadOnly>, region: String, catalog: String, database: String) {
    let mut token = None;
    loop {
        let page = match ro
            .athena_list_table_metadata(&region, &catalog, &database, token.take())
            .await
        {
            Ok(page) => page,
            Err(e) => return ro.store().apply(Update::Error(e)),
        };
        let updates: Vec<Update> = page
            .table_metadata_list()
            .iter()
            .map(|t| {
                let location = t
                    .parameters()
                    .and_then(|p| p.get("location"))
                    .filter(|l| !l.is_empty())
                    .cloned();
                Update::Table(Table {
                    account_id: ro.account_id().to_string(),
                    region: region.clone(),
                    catalog: catalog.clone(),
                    database: database.clone(),
                    name: t.name().to_string(),
                    bucket: location.as_deref().and_then(bucket_of_location),
                    location,
                })
            })
            .collect();
        ro.store().apply_all(updates);
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return,
        }
    }
}
