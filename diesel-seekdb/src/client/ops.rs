//! Every client operation as a [`Plan`] (or the steps towards one), built without I/O.
//! [`ObVecClient`](super::ObVecClient) and [`AsyncObVecClient`](super::AsyncObVecClient)
//! call these and execute the result, so each operation is written once.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::ann::{AnnSearch, SearchMode};
use super::meta::{TableInfo, TABLE_EXISTS_SQL};
use super::plan::{affected, rows, Op, Output, Plan, Statement};
use super::query::{DynQuery, Filter};
use super::statements as stmt;
use super::HybridSearch;
use crate::ddl::{validate_ident, IdentKind};
use crate::diesel_ext::SessionSettings;
use crate::error::{Error, Result};
use crate::fragment::BindValue;
use crate::row::JsonRow;
use crate::upkeep::Retryable;

/// JSON objects, as the clients return rows.
pub(crate) type Rows = Vec<Map<String, Value>>;

/// The server's statement limits, read once per client.
pub(crate) fn read_limits() -> Plan<'static, stmt::StatementLimits> {
    let mut q = DynQuery::new();
    q.sql(stmt::MAX_ALLOWED_PACKET_SQL);
    Plan::new(vec![Statement::Load(q)], |out| {
        Ok(stmt::StatementLimits::from_rows(&rows(out)))
    })
}

// ---- metadata and DDL -----------------------------------------------------------------

/// `table`'s description (the client's cached one when it has it).
pub(crate) fn table_info<'a>(table: &str) -> Result<Op<'a, Arc<TableInfo>>> {
    Op::with_table(table, |info| Ok(Op::Ready(info)))
}

/// `table`'s description read from the server, for a bare connection (no cache).
pub(crate) fn describe_table<'a>(table: &str) -> Result<Op<'a, TableInfo>> {
    super::ops_meta::describe(table, Box::new(|info| Ok(Op::Ready(info))))
}

pub(crate) fn table_exists<'a>(table: &str) -> Result<Op<'a, bool>> {
    validate_ident("table_name", table, IdentKind::Table)?;
    let mut q = DynQuery::new();
    // The statement's one `?` is the table name.
    q.sql(TABLE_EXISTS_SQL.trim_end_matches('?'))
        .bind(BindValue::Text(table.to_string()));
    Op::run(Plan::new(vec![Statement::Load(q)], |out| {
        let n = rows(out)
            .first()
            .and_then(|r| r.get("n"))
            .and_then(Value::as_i64)
            .ok_or_else(|| Error::decode("table_exists", "COUNT(*) returned no number"))?;
        Ok(n > 0)
    }))
}

/// Trusted DDL for `table`, whose cached description is forgotten.
pub(crate) fn table_ddl<'a>(table: &str, sql: String) -> Result<Op<'a, ()>> {
    Op::run(Plan::new(vec![Statement::Batch(sql)], |_| Ok(())).forgets(table))
}

pub(crate) fn create_table<'a>(table: &crate::ddl::CreateTable) -> Result<Op<'a, ()>> {
    let (name, sql) = (table.name().to_string(), table.to_sql()?);
    super::ops_server::with_fts_parsers(table.fulltext_indexes(), move || table_ddl(&name, sql))
}

pub(crate) fn create_table_with_indexes<'a>(
    table: crate::ddl::CreateTable,
    vidxs: Option<&crate::milvus::IndexParams>,
    fts_idxs: &[crate::ddl::FullTextIndex],
) -> Result<Op<'a, ()>> {
    create_table(&stmt::table_with_index_params(table, vidxs, fts_idxs)?)
}

/// Index DDL rendered from `table`'s description by `render` (see [`index_ddl`]).
fn index_ddl_on_table<'a>(
    table: &str,
    index: &str,
    render: impl FnOnce(&TableInfo) -> Result<String> + Send + 'a,
) -> Result<Op<'a, ()>> {
    let index = index.to_string();
    Op::with_table(table, move |info| {
        index_ddl(&info.name, &index, render(&info)?)
    })
}

/// Trusted `CREATE ... INDEX index` DDL on the existing `table`, retried while the
/// table's lock or its vector index is held by another DDL or index build (1205, 4179;
/// see [`Retryable::IndexDdl`]). A retry first reads `SHOW INDEX`: an index already
/// there was made by the attempt that failed, and the operation is done.
pub(crate) fn index_ddl<'a>(table: &str, index: &str, sql: String) -> Result<Op<'a, ()>> {
    let (table, index) = (table.to_string(), index.to_string());
    Ok(Op::RetryBusy(
        Box::new(move |attempt| {
            let (table, sql) = (table.clone(), sql.clone());
            if attempt == 0 {
                return table_ddl(&table, sql);
            }
            let show = format!("SHOW INDEX FROM {}", crate::ddl::quote_ident(&table));
            let index = index.clone();
            Ok(Op::Step(Plan::new(
                vec![Statement::Raw(show)],
                move |out| {
                    if has_index(&rows(out), &index) {
                        Ok(Op::Ready(()))
                    } else {
                        table_ddl(&table, sql)
                    }
                },
            )))
        }),
        Retryable::IndexDdl,
    ))
}

/// Whether `SHOW INDEX` rows list `index` (index names ignore case).
pub(crate) fn has_index(show_index: &[JsonRow], index: &str) -> bool {
    show_index.iter().any(|r| {
        r.get("Key_name")
            .and_then(Value::as_str)
            .is_some_and(|name| name.eq_ignore_ascii_case(index))
    })
}

pub(crate) fn create_index<'a>(
    table: &str,
    is_vec_index: bool,
    index_name: &'a str,
    column_names: &'a [&'a str],
    vidx_params: Option<&'a str>,
) -> Result<Op<'a, ()>> {
    index_ddl_on_table(table, index_name, move |info| {
        stmt::create_index_sql(info, is_vec_index, index_name, column_names, vidx_params)
    })
}

pub(crate) fn create_vidx<'a>(
    table: &str,
    param: &'a crate::milvus::IndexParam,
) -> Result<Op<'a, ()>> {
    index_ddl_on_table(table, &param.index_name, move |info| {
        stmt::create_vidx_sql(info, param)
    })
}

pub(crate) fn create_fts<'a>(
    table: &str,
    index: &'a crate::ddl::FullTextIndex,
) -> Result<Op<'a, ()>> {
    let table = table.to_string();
    super::ops_server::with_fts_parsers(std::slice::from_ref(index), move || {
        index_ddl_on_table(&table, index.name(), move |info| {
            index.to_create_sql(&info.name)
        })
    })
}

pub(crate) fn add_columns<'a>(table: &str, columns: Vec<crate::ddl::Column>) -> Result<Op<'a, ()>> {
    table_ddl(table, stmt::add_columns_sql(table, columns)?)
}

pub(crate) fn drop_table<'a>(table: &str) -> Result<Op<'a, ()>> {
    table_ddl(table, stmt::drop_table_sql(table)?)
}

pub(crate) fn drop_index<'a>(table: &str, index: &str) -> Result<Op<'a, ()>> {
    table_ddl(table, stmt::drop_index_sql(table, index)?)
}

pub(crate) fn drop_columns<'a>(table: &str, columns: &[&str]) -> Result<Op<'a, ()>> {
    table_ddl(table, stmt::drop_columns_sql(table, columns)?)
}

pub(crate) fn refresh_index<'a>(table: &str, index: &'a str, threshold: i64) -> Result<Op<'a, ()>> {
    index_procedure(table, index, stmt::IndexCall::Refresh(threshold))
}

pub(crate) fn rebuild_index<'a>(table: &str, index: &'a str, threshold: f64) -> Result<Op<'a, ()>> {
    index_procedure(table, index, stmt::IndexCall::Rebuild(threshold))
}

/// `CALL DBMS_VECTOR.<procedure>` on a described table whose index exists.
fn index_procedure<'a>(table: &str, index: &'a str, call: stmt::IndexCall) -> Result<Op<'a, ()>> {
    let call = call.check()?;
    Op::with_table(table, move |info| {
        index_call(stmt::index_procedure(&info, index, call)?)
    })
}

/// Runs a rendered index procedure, again while another refresh or rebuild holds the
/// index (how often: the executor's [`IndexBusyRetry`](crate::upkeep::IndexBusyRetry)).
/// [`crate::upkeep`] runs it as is on bare connections.
pub(crate) fn index_call<'a>(sql: String) -> Result<Op<'a, ()>> {
    Ok(Op::RetryBusy(
        Box::new(move |_| Op::run(Plan::new(vec![Statement::Batch(sql.clone())], |_| Ok(())))),
        Retryable::IndexBusy,
    ))
}

/// Keeps `settings` as the client's session settings (sent on the client's own
/// connection now; a pool applies them at checkout).
pub(crate) fn set_session<'a>(settings: SessionSettings) -> Result<Op<'a, ()>> {
    let sql = settings.to_sql()?;
    let mut plan = Plan::new(vec![Statement::Session(sql)], |_| Ok(()));
    plan.keeps_session = Some(settings);
    Op::run(plan)
}

pub(crate) fn get_ef_search<'a>() -> Result<Op<'a, u32>> {
    use crate::diesel_ext::session::{setting_sql, setting_value_json};
    let variable = "ob_hnsw_ef_search";
    let mut q = DynQuery::new();
    q.sql(setting_sql(variable));
    Op::run(Plan::new(vec![Statement::Load(q)], move |out| {
        setting_value_json(variable, rows(out))
    }))
}

// ---- DML ------------------------------------------------------------------------------

/// `INSERT INTO` / `REPLACE INTO` sized by the server's limits; several statements run
/// in one transaction. The server's affected-row count (what `upsert` documents).
pub(crate) fn write_rows<'a>(
    verb: &'static str,
    table: &str,
    rows: &'a [Value],
    partition: Option<&'a str>,
) -> Result<Op<'a, usize>> {
    if rows.is_empty() {
        return Ok(Op::Ready(0));
    }
    Op::with_table(table, move |info| {
        Op::with_limits(move |limits| {
            if verb == "INSERT INTO" {
                // Text protocol, values written in: one round trip per statement and no
                // prepare (issue 14: the prepared path ran at 0.71-0.82x of raw SQL). An
                // INSERT without IGNORE either adds every row or fails.
                let n = rows.len();
                let statements = stmt::insert_text_statements(&info, rows, partition, limits)?;
                let statements = statements.into_iter().map(Statement::Batch).collect();
                return Op::run(Plan::new(statements, move |_| Ok(n)).atomic());
            }
            let statements = stmt::write_statements(verb, &info, rows, partition, limits)?;
            let statements = statements.into_iter().map(Statement::Execute).collect();
            Op::run(Plan::new(statements, affected).atomic())
        })
    })
}

/// `INSERT INTO` with each statement's rows and `LAST_INSERT_ID()` (the first
/// generated `AUTO_INCREMENT` value; seekdb numbers one statement's rows consecutively).
pub(crate) fn insert_with_last_ids<'a>(
    table: &str,
    rows: &'a [Value],
    partition: Option<&'a str>,
) -> Result<Op<'a, Vec<(usize, u64)>>> {
    if rows.is_empty() {
        return Ok(Op::Ready(Vec::new()));
    }
    Op::with_table(table, move |info| {
        Op::with_limits(move |limits| {
            let inserts = stmt::write_statements("INSERT INTO", &info, rows, partition, limits)?;
            let mut statements = Vec::with_capacity(inserts.len() * 2);
            for q in inserts {
                statements.push(Statement::Execute(q));
                let mut last = DynQuery::new();
                last.sql("SELECT LAST_INSERT_ID() AS `id`");
                statements.push(Statement::Load(last));
            }
            Op::run(Plan::new(statements, last_ids).atomic())
        })
    })
}

fn last_ids(outputs: Vec<Output>) -> Result<Vec<(usize, u64)>> {
    let mut out = Vec::new();
    let mut outputs = outputs.into_iter();
    while let (Some(Output::Affected(n)), Some(Output::Rows(r))) = (outputs.next(), outputs.next())
    {
        let id = r
            .first()
            .and_then(|row| row.get("id"))
            .and_then(Value::as_u64)
            .ok_or_else(|| Error::decode("LAST_INSERT_ID()", "no unsigned integer came back"))?;
        out.push((n, id));
    }
    Ok(out)
}

pub(crate) fn update_rows<'a>(
    table: &str,
    values: &'a Map<String, Value>,
    filter: Option<Filter>,
    partition: Option<&'a str>,
    scope: stmt::RowScope,
) -> Result<Op<'a, usize>> {
    Op::with_table(table, move |info| {
        let q = stmt::update_query(&info, values, filter, partition, scope)?;
        Op::run(Plan::new(vec![Statement::Execute(q)], affected))
    })
}

/// Deletes by key runs and/or filter; several statements are one transaction.
pub(crate) fn delete_rows<'a>(
    table: &str,
    ids: &'a [Value],
    filter: Option<Filter>,
    partition: Option<&'a str>,
    scope: stmt::RowScope,
) -> Result<Op<'a, usize>> {
    Op::with_table(table, move |info| {
        let statements = per_id_run(&info, ids, filter, |run, filter| {
            Ok(Statement::Execute(stmt::delete_query(
                &info, run, filter, partition, scope,
            )?))
        })?;
        Op::run(Plan::new(statements, affected).atomic())
    })
}

/// Reads rows by key runs and/or filter, at most `limit` in all.
pub(crate) fn select<'a>(
    table: &str,
    ids: &'a [Value],
    filter: Option<Filter>,
    output_columns: &'a [&'a str],
    partitions: &'a [&'a str],
    limit: Option<usize>,
) -> Result<Op<'a, Rows>> {
    Op::with_table(table, move |info| {
        let statements = per_id_run(&info, ids, filter, |run, filter| {
            let q = stmt::select_query(&info, run, filter, output_columns, partitions, limit)?;
            Ok(Statement::Load(q))
        })?;
        Op::run(Plan::new(statements, move |out| {
            let mut rows = stmt::json_rows(&info, rows(out))?;
            if let Some(limit) = limit {
                rows.truncate(limit);
            }
            Ok(rows)
        }))
    })
}

/// One statement per run of ids that fits a statement ([`stmt::id_runs`]); several
/// runs each get a copy of the (fragment) filter.
fn per_id_run(
    info: &TableInfo,
    ids: &[Value],
    filter: Option<Filter>,
    mut statement: impl FnMut(&[Value], Option<Filter>) -> Result<Statement>,
) -> Result<Vec<Statement>> {
    let runs = stmt::id_runs(info, ids, filter.as_ref())?;
    if let [run] = runs.as_slice() {
        return Ok(vec![statement(run, filter)?]);
    }
    runs.into_iter()
        .map(|run| statement(run, stmt::repeat_filter(&filter)))
        .collect()
}

// ---- search ---------------------------------------------------------------------------

/// The statement of a vector search (for typed rows and `EXPLAIN`).
pub(crate) fn search_query<'a>(search: AnnSearch, mode: SearchMode) -> Result<Op<'a, DynQuery>> {
    let table = search.table.clone();
    Op::with_table(&table, move |info| {
        Ok(Op::Ready(search.build(&info, mode)?))
    })
}

pub(crate) fn search<'a>(search: AnnSearch, mode: SearchMode) -> Result<Op<'a, Rows>> {
    super::ops_filtered::search_reported(search, mode, |report, table| report.into_rows(table))
}

/// [`search`] with the short-result count in the answer instead of an error.
pub(crate) fn search_report<'a>(
    search: AnnSearch,
    mode: SearchMode,
) -> Result<Op<'a, super::SearchReport>> {
    super::ops_filtered::search_reported(search, mode, |report, _| Ok(report))
}

pub(crate) fn search_sql<'a>(search: AnnSearch, mode: SearchMode) -> Result<Op<'a, String>> {
    let table = search.table.clone();
    Op::with_table(&table, move |info| {
        Ok(Op::Ready(search.build(&info, mode)?.to_sql()))
    })
}

/// The server's plan, one line per row.
pub(crate) fn explain<'a>(search: AnnSearch, mode: SearchMode) -> Result<Op<'a, String>> {
    let table = search.table.clone();
    Op::with_table(&table, move |info| {
        let q = stmt::explain(search.build(&info, mode)?);
        Op::run(Plan::new(vec![Statement::Load(q)], |out| {
            Ok(plan_text(rows(out)))
        }))
    })
}

pub(crate) fn plan_text(lines: Vec<JsonRow>) -> String {
    lines
        .into_iter()
        .filter_map(|mut r| match r.0.remove("Query Plan") {
            Some(Value::String(s)) => Some(s),
            Some(other) => Some(other.to_string()),
            None => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Hybrid search; the knn vector is checked against its column first.
pub(crate) fn hybrid_search<'a>(table: &str, body: &'a HybridSearch) -> Result<Op<'a, Rows>> {
    Op::with_table(table, move |info| {
        stmt::check_hybrid_knn(&info, body)?;
        hybrid_search_raw(&info.name, &body.to_json()?)
    })
}

/// Hybrid search with a hand-written JSON body.
pub(crate) fn hybrid_search_raw<'a>(table: &str, body: &Value) -> Result<Op<'a, Rows>> {
    let q = stmt::hybrid_call("SEARCH", table, body)?;
    Op::run(Plan::new(vec![Statement::Load(q)], |out| {
        stmt::hybrid_hits(stmt::hybrid_result(rows(out)))
    }))
}

/// The SQL seekdb generates for a hybrid search.
pub(crate) fn hybrid_search_sql<'a>(table: &str, body: &'a HybridSearch) -> Result<Op<'a, String>> {
    Op::with_table(table, move |info| {
        let q = stmt::hybrid_call("GET_SQL", &info.name, &body.to_json()?)?;
        Op::run(Plan::new(vec![Statement::Load(q)], |out| {
            Ok(stmt::hybrid_result(rows(out)).unwrap_or_default())
        }))
    })
}

/// Any statement; rows (if it returns any) as JSON objects.
pub(crate) fn raw_sql<'a>(sql: &str) -> Result<Op<'a, Rows>> {
    Op::run(Plan::new(vec![Statement::Raw(sql.to_string())], |out| {
        Ok(rows(out).into_iter().map(JsonRow::into_inner).collect())
    }))
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
