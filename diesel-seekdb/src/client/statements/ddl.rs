//! The DDL statements of `ObVecClient`: tables with indexes, indexes, columns, drops
//! and the `DBMS_VECTOR` index procedures.

use serde_json::Value;

use crate::client::meta::{ColumnKind, TableInfo};
use crate::ddl::{quote_ident, quote_string, validate_ident, IdentKind};
use crate::error::{Error, Result};

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
        index = index.dim(dim);
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

/// A `DBMS_VECTOR` index procedure and its threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum IndexCall {
    /// `REFRESH_INDEX`: pending rows needed before it does anything.
    Refresh(i64),
    /// `REBUILD_INDEX`: share (0..=1) of changed rows needed before it does anything.
    Rebuild(f64),
}

impl IndexCall {
    /// Checks the threshold (seekdb does not): a refresh threshold is a row count
    /// (negative ones are refused; the server takes them), a rebuild one a share.
    pub(crate) fn check(self) -> Result<Self> {
        match self {
            IndexCall::Refresh(rows) if rows < 0 => Err(Error::validation(
                "trigger_threshold",
                format!("{rows} is negative; give a row count >= 0"),
            )),
            IndexCall::Rebuild(share) if !(0.0..=1.0).contains(&share) => Err(Error::validation(
                "trigger_threshold",
                format!("{share} is outside 0..=1"),
            )),
            call => Ok(call),
        }
    }
}

/// `CALL DBMS_VECTOR.<procedure>(index, table, '', threshold)`: the one renderer of the
/// index procedures, for both clients and for [`crate::upkeep`]. Argument order is the
/// server's: index, then table.
pub(crate) fn index_call_sql(index: &str, table: &str, call: IndexCall) -> Result<String> {
    validate_ident("index_name", index, IdentKind::Index)?;
    validate_ident("table_name", table, IdentKind::Table)?;
    let (procedure, threshold) = match call.check()? {
        IndexCall::Refresh(rows) => ("REFRESH_INDEX", rows.to_string()),
        // `Display` of an f64 never uses an exponent: `0.2`, `1`, `0.0001`.
        IndexCall::Rebuild(share) => ("REBUILD_INDEX", share.to_string()),
    };
    Ok(format!(
        "CALL DBMS_VECTOR.{procedure}({}, {}, '', {threshold})",
        quote_string(index),
        quote_string(table)
    ))
}

/// [`index_call_sql`] for a table the client described, after checking the index
/// exists (seekdb does not, and its error names neither).
pub(crate) fn index_procedure(info: &TableInfo, index: &str, call: IndexCall) -> Result<String> {
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
    index_call_sql(index, &info.name, call)
}
