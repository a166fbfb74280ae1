//! `INSERT` / `REPLACE` statements, cut into batches that fit the statement limits.

use serde_json::Value;

use super::check_cosine_value;
use super::limits::{bind_bytes, StatementLimits};
use crate::client::ann::push_partitions;
use crate::client::convert::to_bind;
use crate::client::meta::{ColumnInfo, TableInfo};
use crate::client::query::DynQuery;
use crate::ddl::quote_ident;
use crate::error::{Error, Result};
use crate::fragment::BindValue;

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
    let (columns, converted) = convert_rows(info, rows)?;
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

/// One row's values, in column order; `None` where the row lacks the column.
type Converted = Vec<Vec<Option<BindValue>>>;

/// The columns `rows` name (in first-seen order) and each row's values, converted and
/// checked.
fn convert_rows<'i>(
    info: &'i TableInfo,
    rows: &[Value],
) -> Result<(Vec<&'i ColumnInfo>, Converted)> {
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

    Ok((columns, converted))
}

/// `INSERT INTO` statements for `rows` as SQL text with the values written in
/// (vectors by the codec), each at most `limits.max_bytes` long: one round trip per
/// statement over the text protocol, no statement preparation. Every row is converted
/// (and so validated) before any statement exists.
pub(crate) fn insert_text_statements(
    info: &TableInfo,
    rows: &[Value],
    partition: Option<&str>,
    limits: StatementLimits,
) -> Result<Vec<String>> {
    let partitions: Vec<String> = partition.into_iter().map(str::to_string).collect();
    info.check_partitions(&partitions)?;
    let (columns, converted) = convert_rows(info, rows)?;
    let mut head = format!("INSERT INTO {}", quote_ident(&info.name));
    if !partitions.is_empty() {
        let names: Vec<String> = partitions.iter().map(|p| quote_ident(p)).collect();
        head.push_str(&format!(" PARTITION({})", names.join(", ")));
    }
    let names: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
    head.push_str(&format!(" ({}) VALUES ", names.join(", ")));
    let budget = limits.max_bytes.saturating_sub(1024).max(1);
    let mut out = Vec::new();
    let mut tuple = String::new();
    // The prepared path's statement boundaries (bytes and rows per statement), so a
    // statement into an indexed table takes no longer than before; within them, the
    // text's real length (quoted text may be longer than estimated) may cut again.
    for chunk in batches(&converted, limits) {
        let mut sql = String::new();
        for row in chunk {
            tuple.clear();
            tuple.push('(');
            for (c, value) in row.iter().enumerate() {
                if c > 0 {
                    tuple.push(',');
                }
                match value {
                    Some(v) => crate::client::bulk_encode::push_literal(&mut tuple, v),
                    // A key missing from this row takes the column default.
                    None => tuple.push_str("DEFAULT"),
                }
            }
            tuple.push(')');
            if !sql.is_empty() && sql.len() + tuple.len() + 1 > budget {
                out.push(std::mem::take(&mut sql));
            }
            if sql.is_empty() {
                sql.push_str(&head);
            } else {
                sql.push(',');
            }
            sql.push_str(&tuple);
        }
        if !sql.is_empty() {
            out.push(sql);
        }
    }
    Ok(out)
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
