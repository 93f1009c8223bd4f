//! A finished Athena query's results, every page (`athena:GetQueryResults`), as column names
//! and rows of text: what `intransit traffic --athena-query ID` reads.

use super::client::Shared;
use crate::source::AwsOptions;
use crate::store::Store;
use crate::traffic::athena_rows::Row;

/// Pages read at most (1,000 rows each): ten million rows.
const MAX_PAGES: usize = 10_000;

/// The column names and every row of query `id` in `region`, with the base credentials.
pub async fn read(
    opts: &AwsOptions,
    region: &str,
    id: &str,
) -> Result<(Vec<String>, Vec<Row>), String> {
    let shared = Shared::load(Store::new(crate::model::Mode::Live), opts).await;
    let ro = shared.base();
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let out = ro
            .athena_get_query_results(region, id, token.take())
            .await
            .map_err(|e| format!("{}: {}", e.short(), e.message))?;
        let Some(set) = out.result_set() else {
            return Err("athena:GetQueryResults answered without a result set".to_string());
        };
        if names.is_empty() {
            names = set
                .result_set_metadata()
                .map(|m| {
                    m.column_info()
                        .iter()
                        .map(|c| c.name().to_string())
                        .collect()
                })
                .unwrap_or_default();
        }
        rows.extend(set.rows().iter().map(|r| {
            r.data()
                .iter()
                .map(|d| d.var_char_value().map(str::to_string))
                .collect()
        }));
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok((names, rows));
        }
    }
    Err(format!("the results have more than {MAX_PAGES} pages"))
}
