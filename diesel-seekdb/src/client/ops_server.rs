//! Operations that depend on which server the client talks to (see [`crate::server`]):
//! reading it once, and the OceanBase 4.6 features refused on older servers.

use std::sync::Arc;

use serde_json::Value;

use super::plan::{rows, Op, Plan, Statement};
use super::query::DynQuery;
use super::HybridSearch;
use crate::ddl::{quote_ident, quote_string, validate_ident, FullTextIndex, IdentKind};
use crate::error::Result;
use crate::server::{Feature, ServerInfo, SERVER_INFO_SQL};

/// Reads the server's identity (the executor caches it per client).
pub(crate) fn read_server() -> Plan<'static, ServerInfo> {
    let mut q = DynQuery::new();
    q.sql(SERVER_INFO_SQL);
    Plan::new(vec![Statement::Load(q)], |out| {
        ServerInfo::from_rows(&rows(out))
    })
}

/// `then`, once the server is known to have `feature`.
pub(crate) fn requiring<'a, R: 'a>(
    feature: Feature,
    then: impl FnOnce() -> Result<Op<'a, R>> + Send + 'a,
) -> Result<Op<'a, R>> {
    Ok(Op::Server(Box::new(move |info: Arc<ServerInfo>| {
        info.require(feature)?;
        then()
    })))
}

/// `then`, checking first that the server has the `analyzer` parser when one of
/// `indexes` uses it.
pub(crate) fn with_fts_parsers<'a, R: 'a>(
    indexes: &[FullTextIndex],
    then: impl FnOnce() -> Result<Op<'a, R>> + Send + 'a,
) -> Result<Op<'a, R>> {
    if indexes.iter().any(FullTextIndex::uses_analyzer) {
        requiring(Feature::AnalyzerParser, then)
    } else {
        then()
    }
}

/// `SELECT <columns> FROM HYBRID_SEARCH(TABLE t, '<dsl>')` (OceanBase 4.6+), with an
/// optional `WHERE` and `ORDER BY` applied to its rows (`__score` among them) through a
/// subquery, as pyobvector's `sql_search` renders it. `where_sql` and `order_by` are
/// trusted SQL.
///
/// ```
/// use diesel_seekdb::client::{hybrid_search_table_sql, HybridSearch, SearchQuery};
/// let body = HybridSearch::new().query(SearchQuery::match_text("body", "rust"));
/// let sql = hybrid_search_table_sql("docs", &body, &["id", "__score"], Some("id > 3"), Some("__score DESC"))?;
/// assert_eq!(
///     sql,
///     "SELECT `id`, `__score` FROM (SELECT * FROM HYBRID_SEARCH(TABLE `docs`, \
///      '{\"query\":{\"match\":{\"body\":\"rust\"}}}')) AS `hs` \
///      WHERE id > 3 ORDER BY __score DESC"
/// );
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
pub fn hybrid_search_table_sql(
    table: &str,
    body: &HybridSearch,
    columns: &[&str],
    where_sql: Option<&str>,
    order_by: Option<&str>,
) -> Result<String> {
    validate_ident("table_name", table, IdentKind::Table)?;
    let select = if columns.is_empty() {
        "*".to_string()
    } else {
        columns
            .iter()
            .map(|c| validate_ident("columns", c, IdentKind::Column).map(|_| quote_ident(c)))
            .collect::<Result<Vec<_>>>()?
            .join(", ")
    };
    let source = format!(
        "HYBRID_SEARCH(TABLE {}, {})",
        quote_ident(table),
        quote_string(&body.to_json()?.to_string())
    );
    let clauses: String = [("WHERE", where_sql), ("ORDER BY", order_by)]
        .into_iter()
        .filter_map(|(kw, sql)| {
            sql.filter(|s| !s.trim().is_empty())
                .map(|s| format!(" {kw} {s}"))
        })
        .collect();
    Ok(if clauses.is_empty() {
        format!("SELECT {select} FROM {source}")
    } else {
        format!("SELECT {select} FROM (SELECT * FROM {source}) AS `hs`{clauses}")
    })
}

/// pyobvector's `sql_search`: rows of [`hybrid_search_table_sql`], refused before
/// anything is sent on servers older than OceanBase 4.6.
pub(crate) fn sql_search<'a>(
    table: &str,
    body: &HybridSearch,
    columns: &[&str],
    where_sql: Option<&str>,
    order_by: Option<&str>,
) -> Result<Op<'a, Vec<serde_json::Map<String, Value>>>> {
    let sql = hybrid_search_table_sql(table, body, columns, where_sql, order_by)?;
    requiring(Feature::HybridSearchTable, move || {
        Op::run(Plan::new(vec![Statement::Raw(sql)], |out| {
            Ok(rows(out).into_iter().map(|r| r.into_inner()).collect())
        }))
    })
}
