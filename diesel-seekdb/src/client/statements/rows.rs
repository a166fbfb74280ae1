//! `SELECT`, `UPDATE` and `DELETE` by primary key and/or filter.

use serde_json::{Map, Value};

use super::check_cosine_value;
use crate::client::ann::push_partitions;
use crate::client::convert::to_bind;
use crate::client::meta::{ColumnKind, TableInfo};
use crate::client::query::{DynQuery, Filter};
use crate::ddl::quote_ident;
use crate::error::{Error, Result};
use crate::fragment::BindValue;

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
    let partitions = checked_partitions(info, partition.as_slice())?;
    let mut q = DynQuery::new();
    q.sql("DELETE");
    push_from_where(&mut q, info, &partitions, ids, filter)?;
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
    let partitions = checked_partitions(info, partitions)?;
    let mut q = DynQuery::new();
    q.sql("SELECT ");
    if output_columns.is_empty() {
        let names: Vec<String> = info
            .columns
            .iter()
            .map(crate::client::gis::select_item)
            .collect();
        q.sql(names.join(", "));
    } else {
        let mut names = Vec::new();
        for c in output_columns {
            names.push(crate::client::gis::select_item(
                info.require_column("output_column_name", c)?,
            ));
        }
        q.sql(names.join(", "));
    }
    push_from_where(&mut q, info, &partitions, ids, filter)?;
    if let Some(limit) = limit {
        q.sql(" LIMIT ")
            .bind(BindValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    Ok(q)
}

/// `SELECT COUNT(*) AS n FROM t [PARTITION(..)] [WHERE filter]`.
pub(crate) fn count_query(
    info: &TableInfo,
    filter: Option<Filter>,
    partitions: &[&str],
) -> Result<DynQuery> {
    let partitions = checked_partitions(info, partitions)?;
    let mut q = DynQuery::new();
    q.sql("SELECT COUNT(*) AS n");
    push_from_where(&mut q, info, &partitions, &[], filter)?;
    Ok(q)
}

/// `partitions`, checked against the table's.
fn checked_partitions(info: &TableInfo, partitions: &[&str]) -> Result<Vec<String>> {
    let partitions: Vec<String> = partitions.iter().map(|p| p.to_string()).collect();
    info.check_partitions(&partitions)?;
    Ok(partitions)
}

/// ` FROM t [PARTITION(..)] [WHERE ..]` of a read or a delete.
fn push_from_where(
    q: &mut DynQuery,
    info: &TableInfo,
    partitions: &[String],
    ids: &[Value],
    filter: Option<Filter>,
) -> Result<()> {
    q.sql(format!(" FROM {}", quote_ident(&info.name)));
    push_partitions(q, partitions);
    push_where(q, info, ids, filter)
}

/// Ids per statement. Integer ids go inline past
/// [`BIND_BUDGET`](crate::client::query::BIND_BUDGET), strings stay bound; either way a
/// longer list is cut, because one 70,000-id `DELETE` ran past seekdb's 10 s statement
/// timeout on a loaded server.
pub(crate) const TEXT_IDS_PER_STATEMENT: usize = 30_000;

/// `ids` cut into runs of at most [`TEXT_IDS_PER_STATEMENT`], each one statement.
/// Several runs need a filter that can be repeated (a fragment, not a Diesel
/// expression); with an expression filter, integer ids stay in one statement.
pub(crate) fn id_runs<'a>(
    info: &TableInfo,
    ids: &'a [Value],
    filter: Option<&Filter>,
) -> Result<Vec<&'a [Value]>> {
    let integer_key = matches!(
        info.primary_key().as_slice(),
        [key] if matches!(key.kind, ColumnKind::Integer { .. })
    );
    // A composite key binds one value per column of each id.
    let per_statement = TEXT_IDS_PER_STATEMENT / info.primary_key().len().max(1);
    if ids.len() <= per_statement || (integer_key && matches!(filter, Some(Filter::Expr(_)))) {
        return Ok(vec![ids]);
    }
    if let Some(Filter::Expr(_)) = filter {
        return Err(Error::validation(
            "ids",
            format!(
                "{} ids of a non-integer key need several statements, and a Diesel \
                 expression filter cannot be repeated; pass at most {per_statement} \
                 ids per call or use a fragment filter",
                ids.len()
            ),
        ));
    }
    Ok(ids.chunks(per_statement).collect())
}

/// A copy of a fragment filter for one more statement ([`id_runs`] refuses to cut
/// when the filter is a Diesel expression, so none is lost here).
pub(crate) fn repeat_filter(filter: &Option<Filter>) -> Option<Filter> {
    match filter {
        Some(Filter::Fragment(frag)) => Some(Filter::Fragment(frag.clone())),
        _ => None,
    }
}

/// ` WHERE pk IN (?, ...) AND (filter)`, with the ids converted by the key's type. A
/// composite key (e.g. one that covers a partition column) takes each id as an object of
/// its columns, as search hits and the Milvus client's `insert` report it:
/// ` WHERE (a, b) IN ((?, ?), ...)`.
fn push_where(
    q: &mut DynQuery,
    info: &TableInfo,
    ids: &[Value],
    filter: Option<Filter>,
) -> Result<()> {
    let mut has_where = false;
    if !ids.is_empty() {
        match info.primary_key().as_slice() {
            [] => {
                return Err(Error::validation(
                    "ids",
                    format!(
                        "table `{}` has no primary key to look rows up by id",
                        info.name
                    ),
                ))
            }
            [key] => {
                q.sql(format!(" WHERE {} IN (", quote_ident(&key.name)));
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        q.sql(", ");
                    }
                    q.bind(to_bind(&format!("ids[{i}]"), key, id)?);
                }
            }
            keys => {
                let names: Vec<String> = keys.iter().map(|k| quote_ident(&k.name)).collect();
                q.sql(format!(" WHERE ({}) IN (", names.join(", ")));
                for (i, id) in ids.iter().enumerate() {
                    let fields = composite_id(info, keys, i, id)?;
                    q.sql(if i > 0 { ", (" } else { "(" });
                    for (j, (key, value)) in keys.iter().zip(fields).enumerate() {
                        if j > 0 {
                            q.sql(", ");
                        }
                        q.bind(to_bind(&format!("ids[{i}].{}", key.name), key, value)?);
                    }
                    q.sql(")");
                }
            }
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

/// The values of a composite key's columns in `id` (an object with exactly those
/// columns, names matched as the server does: ignoring ASCII case).
fn composite_id<'a>(
    info: &TableInfo,
    keys: &[&crate::client::meta::ColumnInfo],
    i: usize,
    id: &'a Value,
) -> Result<Vec<&'a Value>> {
    let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
    let wrong = || {
        Error::validation(
            format!("ids[{i}]"),
            format!(
                "table `{}` has a composite primary key ({}): give each id as an object \
                 with exactly those columns, e.g. {{\"{}\": .., ...}}, got {id}",
                info.name,
                names.join(", "),
                names[0]
            ),
        )
    };
    let Value::Object(obj) = id else {
        return Err(wrong());
    };
    if obj.len() != keys.len() {
        return Err(wrong());
    }
    keys.iter()
        .map(|k| {
            obj.iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&k.name))
                .map(|(_, v)| v)
                .ok_or_else(wrong)
        })
        .collect()
}
