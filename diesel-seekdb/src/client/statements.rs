//! The statements `ObVecClient` sends, built from the server's description of a table.
//! Building is separate from running so the blocking and async clients send the
//! same SQL and check the same things before anything is sent.

use serde_json::{Map, Value};

use super::ann::push_partitions;
use super::convert::{from_server, to_bind};
use super::meta::{ColumnInfo, ColumnKind, TableInfo};
use super::query::{DynQuery, Filter};
use crate::ddl::{quote_ident, validate_ident, IdentKind};
use crate::error::{Error, Result};
use crate::fragment::BindValue;
use crate::row::JsonRow;

/// What one statement may carry: the server's `max_allowed_packet` and the protocol's
/// placeholder count. Larger writes are split into several statements in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatementLimits {
    /// Estimated bytes (SQL text plus bound values) per statement.
    pub(crate) max_bytes: usize,
    /// Placeholders per statement.
    pub(crate) max_binds: usize,
}

/// Reads the server's packet limit; run once per client and cached.
pub(crate) const MAX_ALLOWED_PACKET_SQL: &str = "SELECT @@max_allowed_packet AS `value`";

/// seekdb's and MySQL's default `max_allowed_packet`, used until the server has answered.
pub(crate) const DEFAULT_MAX_ALLOWED_PACKET: u64 = 16 * 1024 * 1024;

impl StatementLimits {
    /// Limits for a server whose `max_allowed_packet` is `packet` bytes. Half of it is
    /// used: the size is an estimate, and the protocol adds per-value headers.
    pub(crate) fn for_packet(packet: u64) -> Self {
        let half = usize::try_from(packet / 2).unwrap_or(usize::MAX);
        StatementLimits {
            max_bytes: half.max(4096),
            max_binds: super::query::BIND_BUDGET,
        }
    }

    /// `@@max_allowed_packet` as a row of [`MAX_ALLOWED_PACKET_SQL`] gave it.
    pub(crate) fn from_rows(rows: &[JsonRow]) -> Self {
        let packet = rows
            .first()
            .and_then(|r| r.get("value"))
            .and_then(|v| match v {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            })
            .unwrap_or(DEFAULT_MAX_ALLOWED_PACKET);
        Self::for_packet(packet)
    }
}

/// An upper bound on what `value` adds to a statement: its encoding plus the
/// placeholder text and the protocol's type and length bytes.
fn bind_bytes(value: Option<&BindValue>) -> usize {
    const OVERHEAD: usize = 16;
    OVERHEAD
        + match value {
            None | Some(BindValue::Null | BindValue::Bool(_)) => 8,
            Some(BindValue::Int(_) | BindValue::UInt(_) | BindValue::Float(_)) => 8,
            Some(BindValue::Text(t)) => t.len(),
            // A float's shortest text is at most 15 bytes ("-1.1754944e-38") plus a comma.
            Some(BindValue::Vector(v)) => v.len() * 16 + 2,
            Some(BindValue::Json(j)) => j.to_string().len(),
        }
}

/// How a client retries a refresh or rebuild while another one holds the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BusyRetry {
    /// Retries after the first attempt.
    pub(crate) retries: u32,
    /// The wait between attempts.
    pub(crate) delay: std::time::Duration,
}

impl Default for BusyRetry {
    /// Ten retries two seconds apart (seekdb needs about two seconds).
    fn default() -> Self {
        BusyRetry {
            retries: 10,
            delay: std::time::Duration::from_secs(2),
        }
    }
}

impl BusyRetry {
    /// The wait before attempt `attempt + 1` when `result` failed with 4179 and retries
    /// remain; `None` when `result` is final (success, another error, or still busy
    /// after the last retry, which then reaches the caller as
    /// [`ServerErrorKind::IndexBusy`](crate::ServerErrorKind::IndexBusy)).
    pub(crate) fn wait_before_retry<T>(
        &self,
        attempt: u32,
        result: &Result<T>,
    ) -> Option<std::time::Duration> {
        match result {
            Err(e) if attempt < self.retries && index_busy(e) => Some(self.delay),
            _ => None,
        }
    }
}

/// Whether `err` is seekdb's 4179 "other refresh/rebuild tasks may be running" (by its
/// number: messages change between versions).
pub(crate) fn index_busy(err: &Error) -> bool {
    err.kind() == Some(crate::ServerErrorKind::IndexBusy)
}

/// The table plus vector indexes from `vidxs` and full-text indexes.
pub(crate) fn table_with_index_params(
    table: crate::ddl::CreateTable,
    vidxs: Option<&crate::milvus::IndexParams>,
    fts_idxs: &[crate::ddl::FullTextIndex],
) -> Result<crate::ddl::CreateTable> {
    let mut table = table;
    if let Some(params) = vidxs {
        for index in params.to_vector_indexes()? {
            table = table.vector_index(index);
        }
    }
    for fts in fts_idxs {
        table = table.fulltext_index(fts.clone());
    }
    Ok(table)
}

/// `CREATE INDEX` for pyobvector's `create_index`: a normal index, or a vector index
/// whose `vidx_params` (`"distance=l2, type=hnsw, lib=vsag"`) are parsed and validated.
pub(crate) fn create_index_sql(
    info: &TableInfo,
    is_vec_index: bool,
    index_name: &str,
    column_names: &[&str],
    vidx_params: Option<&str>,
) -> Result<String> {
    if !is_vec_index {
        return crate::ddl::Index::new(index_name, column_names.iter().copied())
            .to_create_sql(&info.name);
    }
    let [column] = column_names else {
        return Err(Error::validation(
            "column_names",
            "a vector index covers exactly one column",
        ));
    };
    let mut params = serde_json::Map::new();
    let mut index_type = "hnsw".to_string();
    for pair in vidx_params.unwrap_or("distance=l2, type=hnsw").split(',') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            Error::validation("vidx_params", format!("`{pair}` is not key=value"))
        })?;
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        match key.as_str() {
            "type" => index_type = value.to_string(),
            "distance" => {
                params.insert("metric_type".into(), Value::String(value.to_string()));
            }
            _ => {
                let v = value
                    .parse::<i64>()
                    .map(Value::from)
                    .or_else(|_| value.parse::<f64>().map(Value::from))
                    .unwrap_or_else(|_| Value::String(value.to_string()));
                params.insert(key, v);
            }
        }
    }
    let param = crate::milvus::IndexParam::new(index_name, *column, index_type)
        .params(Value::Object(params));
    create_vidx_sql(info, &param)
}

/// `CREATE VECTOR INDEX` from an [`IndexParam`](crate::milvus::IndexParam), with the
/// dimension taken from the column.
pub(crate) fn create_vidx_sql(
    info: &TableInfo,
    param: &crate::milvus::IndexParam,
) -> Result<String> {
    let mut index = param.to_vector_index()?;
    let column = info.require_column("field_name", index.column())?;
    if let ColumnKind::Vector(dim) = column.kind {
        index = index.dim(u32::try_from(dim).unwrap_or(u32::MAX));
    }
    index.to_create_sql(&info.name)
}

/// `ALTER TABLE t ADD COLUMN ...` for each column.
pub(crate) fn add_columns_sql(table: &str, columns: Vec<crate::ddl::Column>) -> Result<String> {
    let mut alter = crate::ddl::AlterTable::new(table);
    for c in columns {
        alter = alter.add_column(c);
    }
    alter.to_sql()
}

/// `DROP TABLE IF EXISTS`.
pub(crate) fn drop_table_sql(table: &str) -> Result<String> {
    validate_ident("table_name", table, IdentKind::Table)?;
    Ok(format!("DROP TABLE IF EXISTS {}", quote_ident(table)))
}

/// `DROP INDEX index ON table`.
pub(crate) fn drop_index_sql(table: &str, index: &str) -> Result<String> {
    validate_ident("table_name", table, IdentKind::Table)?;
    validate_ident("index_name", index, IdentKind::Index)?;
    Ok(format!(
        "DROP INDEX {} ON {}",
        quote_ident(index),
        quote_ident(table)
    ))
}

/// `ALTER TABLE t DROP COLUMN a, DROP COLUMN b`.
pub(crate) fn drop_columns_sql(table: &str, columns: &[&str]) -> Result<String> {
    validate_ident("table_name", table, IdentKind::Table)?;
    if columns.is_empty() {
        return Err(Error::validation("column_names", "no columns given"));
    }
    let mut parts = Vec::new();
    for c in columns {
        validate_ident("column_names", c, IdentKind::Column)?;
        parts.push(format!("DROP COLUMN {}", quote_ident(c)));
    }
    Ok(format!(
        "ALTER TABLE {} {}",
        quote_ident(table),
        parts.join(", ")
    ))
}

/// Checks `REBUILD_INDEX`'s threshold (seekdb does not).
pub(crate) fn check_rebuild_threshold(trigger_threshold: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&trigger_threshold) {
        return Err(Error::validation(
            "trigger_threshold",
            format!("{trigger_threshold} is outside 0..=1"),
        ));
    }
    Ok(())
}

/// `CALL DBMS_VECTOR.<procedure>(index, table, '', threshold)` after checking the
/// index exists (seekdb does not).
pub(crate) fn index_procedure(
    info: &TableInfo,
    procedure: &str,
    index: &str,
    threshold: BindValue,
) -> Result<DynQuery> {
    if !info
        .indexes
        .iter()
        .any(|i| i.name.eq_ignore_ascii_case(index))
    {
        return Err(Error::validation(
            "index_name",
            format!("table `{}` has no index `{index}`", info.name),
        ));
    }
    let mut q = DynQuery::new();
    q.sql(format!("CALL DBMS_VECTOR.{procedure}("))
        .bind(BindValue::Text(index.to_string()))
        .sql(", ")
        .bind(BindValue::Text(info.name.clone()))
        .sql(", '', ")
        .bind(threshold)
        .sql(")");
    Ok(q)
}

/// Serializable values as JSON rows (structs become objects by field name).
pub(crate) fn to_values<T: serde::Serialize>(rows: &[T]) -> Result<Vec<Value>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::to_value(r)
                .map_err(|e| Error::validation(format!("data[{i}]"), e.to_string()))
        })
        .collect()
}

/// `verb` (`INSERT INTO` / `REPLACE INTO`) statements for `rows`, each within `limits`.
/// Every row is converted (and so validated) before any statement exists.
pub(crate) fn write_statements(
    verb: &str,
    info: &TableInfo,
    rows: &[Value],
    partition: Option<&str>,
    limits: StatementLimits,
) -> Result<Vec<DynQuery>> {
    let partitions: Vec<String> = partition.into_iter().map(str::to_string).collect();
    info.check_partitions(&partitions)?;

    let mut columns: Vec<&ColumnInfo> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let object = row.as_object().ok_or_else(|| {
            Error::validation(format!("data[{i}]"), "each row must be a JSON object")
        })?;
        for key in object.keys() {
            let column = info.require_column(&format!("data[{i}].{key}"), key)?;
            if !columns.iter().any(|c| c.name == column.name) {
                columns.push(column);
            }
        }
    }
    let mut converted: Vec<Vec<Option<BindValue>>> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        // A column missing from this row stays `None` and takes its default.
        let mut values: Vec<Option<BindValue>> = vec![None; columns.len()];
        for (key, value) in row.as_object().into_iter().flatten() {
            if let Some(slot) = columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(key))
            {
                let parameter = format!("data[{i}].{key}");
                let bind = to_bind(&parameter, columns[slot], value)?;
                check_cosine_value(info, columns[slot], &parameter, &bind)?;
                values[slot] = Some(bind);
            }
        }
        converted.push(values);
    }

    Ok(batches(&converted, limits)
        .into_iter()
        .map(|chunk| {
            let mut q = DynQuery::new();
            q.sql(format!("{verb} {}", quote_ident(&info.name)));
            push_partitions(&mut q, &partitions);
            let names: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
            q.sql(format!(" ({}) VALUES ", names.join(", ")));
            for (r, row) in chunk.iter().enumerate() {
                q.sql(if r == 0 { "(" } else { ", (" });
                for (c, value) in row.iter().enumerate() {
                    if c > 0 {
                        q.sql(", ");
                    }
                    match value {
                        Some(v) => q.bind(v.clone()),
                        // A key missing from this row takes the column default.
                        None => q.sql("DEFAULT"),
                    };
                }
                q.sql(")");
            }
            q
        })
        .collect())
}

/// `rows` cut into runs that each fit `limits`; a row too large on its own still gets a
/// statement of its own (the server then reports it as too large).
fn batches(
    rows: &[Vec<Option<BindValue>>],
    limits: StatementLimits,
) -> Vec<&[Vec<Option<BindValue>>]> {
    // Room for the statement's fixed text (verb, table, column list).
    let budget = limits.max_bytes.saturating_sub(64 * 1024).max(1);
    let mut out = Vec::new();
    let (mut start, mut bytes, mut binds) = (0, 0, 0);
    for (i, row) in rows.iter().enumerate() {
        let row_bytes: usize = 4 + row.iter().map(|v| bind_bytes(v.as_ref())).sum::<usize>();
        let row_binds = row.iter().filter(|v| v.is_some()).count();
        if i > start && (bytes + row_bytes > budget || binds + row_binds > limits.max_binds) {
            out.push(&rows[start..i]);
            (start, bytes, binds) = (i, 0, 0);
        }
        bytes += row_bytes;
        binds += row_binds;
    }
    if start < rows.len() {
        out.push(&rows[start..]);
    }
    out
}

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

/// Which rows an `update` or `delete` that names no ids and no filter may touch.
///
/// One rule for both: without ids or a filter the call is refused, unless the caller
/// opted into every row (`update_all_rows` / `delete_all_rows`). A forgotten filter
/// must neither rewrite a whole table nor silently do nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowScope {
    /// Only the rows the ids and/or filter select; one of them is required.
    Selected,
    /// Every row (in the partition, when one is given).
    All,
}

fn check_scope(scope: RowScope, verb: &str, has_selection: bool) -> Result<()> {
    if scope == RowScope::Selected && !has_selection {
        return Err(Error::validation(
            "filter",
            format!(
                "{verb} without ids or a filter would affect every row; \
                 call {verb}_all_rows to do that on purpose"
            ),
        ));
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

/// `UPDATE table SET col = value, ... WHERE filter` (see [`RowScope`]).
pub(crate) fn update_query(
    info: &TableInfo,
    values: &Map<String, Value>,
    filter: Option<Filter>,
    partition: Option<&str>,
    scope: RowScope,
) -> Result<DynQuery> {
    if values.is_empty() {
        return Err(Error::validation("values_clause", "nothing to update"));
    }
    check_scope(scope, "update", filter.is_some())?;
    let partitions: Vec<String> = partition.into_iter().map(str::to_string).collect();
    info.check_partitions(&partitions)?;
    let mut q = DynQuery::new();
    q.sql(format!("UPDATE {}", quote_ident(&info.name)));
    push_partitions(&mut q, &partitions);
    q.sql(" SET ");
    for (i, (key, value)) in values.iter().enumerate() {
        let column = info.require_column(&format!("values_clause.{key}"), key)?;
        if i > 0 {
            q.sql(", ");
        }
        q.sql(format!("{} = ", quote_ident(&column.name)));
        let parameter = format!("values_clause.{key}");
        let bind = to_bind(&parameter, column, value)?;
        check_cosine_value(info, column, &parameter, &bind)?;
        q.bind(bind);
    }
    if let Some(filter) = filter {
        q.sql(" WHERE ");
        q.filter(filter);
    }
    Ok(q)
}

/// `DELETE` by primary key and/or filter (see [`RowScope`]).
pub(crate) fn delete_query(
    info: &TableInfo,
    ids: &[Value],
    filter: Option<Filter>,
    partition: Option<&str>,
    scope: RowScope,
) -> Result<DynQuery> {
    check_scope(scope, "delete", !ids.is_empty() || filter.is_some())?;
    let partitions: Vec<String> = partition.into_iter().map(str::to_string).collect();
    info.check_partitions(&partitions)?;
    let mut q = DynQuery::new();
    q.sql(format!("DELETE FROM {}", quote_ident(&info.name)));
    push_partitions(&mut q, &partitions);
    push_where(&mut q, info, ids, filter)?;
    Ok(q)
}

/// `SELECT` by primary key and/or filter; `output_columns` empty means every column.
pub(crate) fn select_query(
    info: &TableInfo,
    ids: &[Value],
    filter: Option<Filter>,
    output_columns: &[&str],
    partitions: &[&str],
    limit: Option<usize>,
) -> Result<DynQuery> {
    let partitions: Vec<String> = partitions.iter().map(|p| p.to_string()).collect();
    info.check_partitions(&partitions)?;
    let mut q = DynQuery::new();
    q.sql("SELECT ");
    if output_columns.is_empty() {
        let names: Vec<String> = info.columns.iter().map(|c| quote_ident(&c.name)).collect();
        q.sql(names.join(", "));
    } else {
        let mut names = Vec::new();
        for c in output_columns {
            names.push(quote_ident(
                &info.require_column("output_column_name", c)?.name,
            ));
        }
        q.sql(names.join(", "));
    }
    q.sql(format!(" FROM {}", quote_ident(&info.name)));
    push_partitions(&mut q, &partitions);
    push_where(&mut q, info, ids, filter)?;
    if let Some(limit) = limit {
        q.sql(" LIMIT ")
            .bind(BindValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    Ok(q)
}

/// Ids per statement when the key is not an integer (integers go inline past
/// [`BIND_BUDGET`](super::query::BIND_BUDGET), strings stay bound).
pub(crate) const TEXT_IDS_PER_STATEMENT: usize = 30_000;

/// `ids` cut so that each run fits one statement's placeholders: one run unless the
/// key is not an integer and there are more than [`TEXT_IDS_PER_STATEMENT`]. Several
/// runs need a filter that can be repeated (a fragment, not a Diesel expression).
pub(crate) fn id_runs<'a>(
    info: &TableInfo,
    ids: &'a [Value],
    filter: Option<&Filter>,
) -> Result<Vec<&'a [Value]>> {
    let integer_key = matches!(
        info.primary_key().as_slice(),
        [key] if matches!(key.kind, ColumnKind::Integer { .. })
    );
    if integer_key || ids.len() <= TEXT_IDS_PER_STATEMENT {
        return Ok(vec![ids]);
    }
    if let Some(Filter::Expr(_)) = filter {
        return Err(Error::validation(
            "ids",
            format!(
                "{} ids of a non-integer key need several statements, and a Diesel \
                 expression filter cannot be repeated; pass at most {TEXT_IDS_PER_STATEMENT} \
                 ids per call or use a fragment filter",
                ids.len()
            ),
        ));
    }
    Ok(ids.chunks(TEXT_IDS_PER_STATEMENT).collect())
}

/// A copy of a fragment filter for one more statement ([`id_runs`] refuses to cut
/// when the filter is a Diesel expression, so none is lost here).
pub(crate) fn repeat_filter(filter: &Option<Filter>) -> Option<Filter> {
    match filter {
        Some(Filter::Fragment(frag)) => Some(Filter::Fragment(frag.clone())),
        _ => None,
    }
}

/// ` WHERE pk IN (?, ...) AND (filter)`, with the ids converted by the key's type.
fn push_where(
    q: &mut DynQuery,
    info: &TableInfo,
    ids: &[Value],
    filter: Option<Filter>,
) -> Result<()> {
    let mut has_where = false;
    if !ids.is_empty() {
        let pk = info.primary_key();
        let [key] = pk.as_slice() else {
            return Err(Error::validation(
                "ids",
                format!(
                    "table `{}` needs a single-column primary key to look rows up by id",
                    info.name
                ),
            ));
        };
        q.sql(format!(" WHERE {} IN (", quote_ident(&key.name)));
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                q.sql(", ");
            }
            q.bind(to_bind(&format!("ids[{i}]"), key, id)?);
        }
        q.sql(")");
        has_where = true;
    }
    if let Some(filter) = filter {
        q.sql(if has_where { " AND " } else { " WHERE " });
        q.filter(filter);
    }
    Ok(())
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
