//! The statements `ObVecClient` sends, built from the server's description of a table.
//! Building is separate from running so the blocking and async clients send the
//! same SQL and check the same things before anything is sent.
//!
//! By concern: [`ddl`] (tables, indexes, columns, index procedures), [`write`]
//! (`INSERT`/`REPLACE` in batches), [`rows`] (`SELECT`/`UPDATE`/`DELETE` by id or
//! filter), [`limits`] (statement size); here the checks they share
//! and the reading of results (JSON rows, `EXPLAIN`, hybrid search).

mod ddl;
mod limits;
mod rows;
mod write;

pub(crate) use ddl::{
    add_columns_sql, create_index_sql, create_vidx_sql, drop_columns_sql, drop_index_sql,
    drop_table_sql, index_call_sql, index_procedure, table_with_index_params, IndexCall,
};
pub(crate) use limits::{StatementLimits, MAX_ALLOWED_PACKET_SQL};
pub(crate) use rows::{
    count_query, delete_query, id_runs, repeat_filter, select_query, update_query, RowScope,
};
pub(crate) use write::{insert_text_statements, to_values, write_statements};
// The clients' tests size their id lists by it.
#[cfg(test)]
pub(crate) use rows::TEXT_IDS_PER_STATEMENT;

use serde_json::{Map, Value};

use super::convert::from_server;
use super::meta::{ColumnInfo, ColumnKind, TableInfo};
use super::query::DynQuery;
use crate::ddl::{validate_ident, IdentKind};
use crate::error::{Error, Result};
use crate::fragment::BindValue;
use crate::row::JsonRow;

/// Refuses a zero vector for a column a cosine index covers: its cosine distance is
/// NULL, which would rank it before every real match.
fn check_cosine_value(
    info: &TableInfo,
    column: &ColumnInfo,
    parameter: &str,
    value: &BindValue,
) -> Result<()> {
    let BindValue::Vector(vector) = value else {
        return Ok(());
    };
    if cosine_indexed(info, column) {
        crate::vector::check_cosine_operand(parameter, vector.as_slice())?;
    }
    Ok(())
}

/// Whether a cosine vector index covers `column`.
fn cosine_indexed(info: &TableInfo, column: &ColumnInfo) -> bool {
    info.indexes.iter().any(|i| {
        i.distance
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case("cosine"))
            && i.columns
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&column.name))
    })
}

/// `EXPLAIN` of `q`.
pub(crate) fn explain(q: DynQuery) -> DynQuery {
    let mut explain = DynQuery::new();
    explain.sql("EXPLAIN ");
    explain.append(q);
    explain
}

/// Rows as JSON objects, each value converted by its column's type (vectors become
/// arrays, JSON columns values).
pub(crate) fn json_rows(info: &TableInfo, rows: Vec<JsonRow>) -> Result<Vec<Map<String, Value>>> {
    rows.into_iter()
        .map(|row| {
            let mut out = Map::new();
            for (name, value) in row.0 {
                let value = match info.column(&name) {
                    Some(column) => from_server(column, value)?,
                    None => value,
                };
                out.insert(name, value);
            }
            Ok(out)
        })
        .collect()
}

/// Checks a hybrid search's knn vector against its column's dimension.
pub(crate) fn check_hybrid_knn(info: &TableInfo, body: &super::HybridSearch) -> Result<()> {
    if let Some(knn) = body.knn_part() {
        let column = info.require_column("knn.field", knn.field())?;
        if let ColumnKind::Vector(dim) = column.kind {
            crate::vector::check_dimensions(knn.vector(), dim)?;
        }
        if cosine_indexed(info, column) {
            crate::vector::check_cosine_operand("knn.query_vector", knn.vector())?;
        }
    }
    Ok(())
}

/// `SELECT DBMS_HYBRID_SEARCH.<function>(table, body) AS result`.
pub(crate) fn hybrid_call(function: &str, table: &str, body: &Value) -> Result<DynQuery> {
    validate_ident("table_name", table, IdentKind::Table)?;
    let mut q = DynQuery::new();
    q.sql(format!("SELECT DBMS_HYBRID_SEARCH.{function}("))
        .bind(BindValue::Text(table.to_string()))
        .sql(", ")
        .bind(BindValue::Text(body.to_string()))
        .sql(") AS `result`");
    Ok(q)
}

/// The text [`hybrid_call`] returned; `None` for SQL NULL (nothing matched).
pub(crate) fn hybrid_result(rows: Vec<JsonRow>) -> Option<String> {
    rows.into_iter()
        .next()
        .and_then(|r| r.0.get("result").cloned())
        .and_then(|v| match v {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => Some(other.to_string()),
        })
}

/// `DBMS_HYBRID_SEARCH.SEARCH`'s JSON array as hit objects.
pub(crate) fn hybrid_hits(text: Option<String>) -> Result<Vec<Map<String, Value>>> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(hits)) => Ok(hits
                .into_iter()
                .map(|h| match h {
                    Value::Object(map) => map,
                    other => Map::from_iter([("value".to_string(), other)]),
                })
                .collect()),
            Ok(other) => Err(Error::decode(
                "hybrid search result",
                format!("expected an array, got {other}"),
            )),
            Err(e) => Err(Error::decode("hybrid search result", e.to_string())),
        },
    }
}

#[cfg(test)]
#[path = "statements_tests.rs"]
mod tests;
