//! Table metadata and statement limits as plans, and the one place where an [`Op`]'s
//! metadata steps meet the client's cache ([`ClientState::next`]): both executors, and
//! the free functions on a bare connection, only run what it hands them.

use serde_json::Value;

use super::meta::{vector_index_distance, ColumnInfo, ColumnKind, IndexInfo, TableInfo};
use super::ops::read_limits;
use super::plan::{Attempt, ClientState, Op, Output, Plan, Statement, Then};
use super::query::DynQuery;
use crate::ddl::{quote_ident, ColumnType};
use crate::error::{Error, Result};
use crate::fragment::BindValue;
use crate::row::JsonRow;

/// What an executor does next with an [`Op`], once cached metadata has been handed on.
pub(crate) enum Next<'a, R> {
    /// The result.
    Done(R),
    /// Run this plan; its result is the operation's.
    Run(Plan<'a, R>),
    /// Run this plan; its result is the next step.
    Step(Plan<'a, Op<'a, R>>),
    /// Run the attempt's operation again while it fails with an error it retries.
    RetryBusy(Attempt<'a, R>, crate::upkeep::Retryable),
}

impl ClientState {
    /// Resolves what `op` needs without statements: a cached table description or
    /// statement limits goes to the next step; a missing one becomes the plans that
    /// read it, and what they read is kept here before the operation goes on.
    pub(crate) fn next<'a, R: 'a>(&self, mut op: Op<'a, R>) -> Result<Next<'a, R>> {
        loop {
            op = match op {
                Op::Ready(r) => return Ok(Next::Done(r)),
                Op::Run(plan) => return Ok(Next::Run(plan)),
                Op::Step(plan) => return Ok(Next::Step(plan)),
                Op::RetryBusy(attempt, what) => return Ok(Next::RetryBusy(attempt, what)),
                Op::Table(table, then) => match self.cached_table(&table)? {
                    Some(info) => then(info)?,
                    None => describe(
                        &table.clone(),
                        Box::new(move |info| Ok(Op::KeepTable(table, info, then))),
                    )?,
                },
                Op::KeepTable(table, info, then) => then(self.remember_table(&table, info))?,
                Op::Limits(then) => match self.limits() {
                    Some(limits) => then(limits)?,
                    None => {
                        let plan = read_limits().map(move |l| Ok(Op::KeepLimits(l, then)));
                        return Ok(Next::Step(plan));
                    }
                },
                Op::KeepLimits(limits, then) => then(self.keep_limits(limits))?,
                Op::Server(then) => match self.server() {
                    Some(info) => then(info)?,
                    None => {
                        let plan = super::ops_server::read_server()
                            .map(move |info| Ok(Op::KeepServer(info, then)));
                        return Ok(Next::Step(plan));
                    }
                },
                Op::KeepServer(info, then) => then(self.keep_server(info))?,
            }
        }
    }
}

/// The columns of table `?`.
const COLUMNS_SQL: [&str; 2] = [
    "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, \
     COLUMN_KEY AS column_key, EXTRA AS extra, COLUMN_COMMENT AS comment, \
     TABLE_NAME AS table_name, SRS_ID AS srs_id \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ",
    " ORDER BY ORDINAL_POSITION",
];

/// The partitions of table `?`.
const PARTITIONS_SQL: [&str; 2] = [
    "SELECT PARTITION_NAME AS part, SUBPARTITION_NAME AS sub FROM information_schema.PARTITIONS \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ",
    " AND PARTITION_NAME IS NOT NULL \
     ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION",
];

fn bound(sql: [&str; 2], value: &str) -> Statement {
    let mut q = DynQuery::new();
    q.sql(sql[0])
        .bind(BindValue::Text(value.to_string()))
        .sql(sql[1]);
    Statement::Load(q)
}

fn plain(sql: String) -> Statement {
    let mut q = DynQuery::new();
    q.sql(sql);
    Statement::Load(q)
}

/// Reads `table`'s description ([`Error::CollectionNotFound`] when it does not exist),
/// then goes on with `then`: its columns first (which give the stored name), then its
/// indexes and partitions, then, for vector indexes, `SHOW CREATE TABLE` (the only
/// place the server shows their distance).
pub(crate) fn describe<'a, R: 'a>(table: &str, then: Then<'a, TableInfo, R>) -> Result<Op<'a, R>> {
    let table = table.to_string();
    Ok(Op::Step(Plan::new(
        vec![bound(COLUMNS_SQL, &table)],
        move |out| {
            let (name, columns) = columns_from_rows(&table, outputs(out).remove(0))?;
            let statements = vec![
                plain(format!("SHOW INDEX FROM {}", quote_ident(&name))),
                bound(PARTITIONS_SQL, &name),
            ];
            Ok(Op::Step(Plan::new(statements, move |out| {
                let mut out = outputs(out).into_iter();
                let indexes = indexes_from_rows(out.next().unwrap_or_default())?;
                let partitions = partitions_from_rows(out.next().unwrap_or_default());
                let info = TableInfo {
                    name,
                    columns,
                    indexes,
                    partitions,
                };
                if !info
                    .indexes
                    .iter()
                    .any(|i| i.index_type.eq_ignore_ascii_case("VECTOR"))
                {
                    return then(info);
                }
                let show = plain(format!("SHOW CREATE TABLE {}", quote_ident(&info.name)));
                Ok(Op::Step(Plan::new(vec![show], move |out| {
                    let mut info = info;
                    let rows = outputs(out).remove(0);
                    let ddl = rows
                        .first()
                        .and_then(|r| text(r, "Create Table"))
                        .ok_or_else(|| {
                            Error::decode("table description", "SHOW CREATE TABLE gave no DDL")
                        })?;
                    for index in &mut info.indexes {
                        index.distance = vector_index_distance(&ddl, &index.name);
                    }
                    then(info)
                })))
            })))
        },
    )))
}

/// Each statement's rows, in order (always one entry per statement).
fn outputs(out: Vec<Output>) -> Vec<Vec<JsonRow>> {
    let mut rows: Vec<Vec<JsonRow>> = out
        .into_iter()
        .map(|o| match o {
            Output::Rows(r) => r,
            Output::Affected(_) => Vec::new(),
        })
        .collect();
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows
}

/// A text (or number) column of a row; `None` when absent or NULL.
fn text(row: &JsonRow, key: &str) -> Option<String> {
    match row.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn required(row: &JsonRow, key: &str) -> Result<String> {
    text(row, key).ok_or_else(|| {
        Error::decode(
            "table description",
            format!("the server gave no `{key}` for a column"),
        )
    })
}

/// The stored table name and its user columns; [`Error::CollectionNotFound`] when the
/// table has no columns (does not exist).
fn columns_from_rows(table: &str, rows: Vec<JsonRow>) -> Result<(String, Vec<ColumnInfo>)> {
    let Some(stored_name) = rows.first().and_then(|r| text(r, "table_name")) else {
        return Err(Error::CollectionNotFound {
            name: table.to_string(),
        });
    };
    let mut columns = Vec::with_capacity(rows.len());
    for r in &rows {
        let name = required(r, "name")?;
        // seekdb's hidden bookkeeping columns (`__pk_increment`, ...) are not the user's.
        if name.starts_with("__") {
            continue;
        }
        let column_type = required(r, "column_type")?;
        let mut parsed_type = ColumnType::from_server(&column_type);
        // `COLUMN_TYPE` says only `point`; the SRID a column is declared with (`SRID 0`)
        // is in SRS_ID (NULL for a plain POINT, which stays `Point(None)`).
        if let Some(ColumnType::Point(srid @ None)) = parsed_type.as_mut() {
            *srid = text(r, "srs_id").and_then(|s| s.parse().ok());
        }
        let flag = |key: &str| text(r, key).unwrap_or_default();
        columns.push(ColumnInfo {
            kind: ColumnKind::classify(parsed_type.as_ref(), &column_type),
            parsed_type,
            nullable: flag("is_nullable").eq_ignore_ascii_case("YES"),
            primary_key: flag("column_key").eq_ignore_ascii_case("PRI"),
            auto_increment: flag("extra")
                .to_ascii_lowercase()
                .contains("auto_increment"),
            name,
            column_type,
            comment: flag("comment"),
        });
    }
    Ok((stored_name, columns))
}

/// One [`IndexInfo`] per index of `SHOW INDEX` rows, columns in order (distances not
/// yet known).
fn indexes_from_rows(rows: Vec<JsonRow>) -> Result<Vec<IndexInfo>> {
    let mut indexes: Vec<IndexInfo> = Vec::new();
    for r in &rows {
        let name = required(r, "Key_name")?;
        let column = required(r, "Column_name")?;
        match indexes.iter_mut().find(|i| i.name == name) {
            Some(existing) => existing.columns.push(column),
            None => indexes.push(IndexInfo {
                name,
                columns: vec![column],
                index_type: text(r, "Index_type").unwrap_or_default(),
                unique: text(r, "Non_unique").as_deref() == Some("0"),
                distance: None,
                expression: text(r, "Expression"),
            }),
        }
    }
    Ok(indexes)
}

/// Partition and sub-partition names, each once, in order.
fn partitions_from_rows(rows: Vec<JsonRow>) -> Vec<String> {
    let mut partitions = Vec::new();
    for r in &rows {
        for name in [text(r, "part"), text(r, "sub")].into_iter().flatten() {
            if !partitions.contains(&name) {
                partitions.push(name);
            }
        }
    }
    partitions
}
