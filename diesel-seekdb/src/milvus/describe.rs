//! What the server says about a collection, in Milvus terms: field types
//! (`INT32`, `VARCHAR`, `ARRAY` of `INT64`, ...), vector index metrics and parameters,
//! and the filter schema that Milvus expressions are checked against.

use serde_json::{json, Map, Value};

use super::filter::{FieldKind, FilterSchema, ScalarKind};
use crate::client::{ColumnInfo, TableInfo};
use crate::ddl::{quote_ident, ColumnType};

/// The filter columns of a table, from the server's description.
pub fn filter_schema(info: &TableInfo) -> FilterSchema {
    let mut schema = FilterSchema::new();
    for c in &info.columns {
        if let Some(kind) = field_kind(c) {
            schema.add_field(c.name.clone(), kind);
        }
    }
    // Functional indexes over JSON paths: the filter then tests their expression.
    for index in &info.indexes {
        let parsed = index
            .expression
            .as_deref()
            .and_then(crate::ddl::json_index::parse_expression);
        if let Some((column, path, cast)) = parsed {
            schema = schema.json_index(column, &path, cast);
        }
    }
    schema
}

/// The Milvus scalar kind of a column type. Milvus has no exact-decimal or temporal
/// type: DECIMAL/NUMERIC compare as DOUBLE, dates and times as strings. `VARBINARY(n)`
/// is how the server shows the byte-exact VARCHAR keys of Milvus collections
/// (`CHARACTER SET binary`).
fn scalar_of(ty: &ColumnType) -> Option<ScalarKind> {
    Some(match ty {
        ColumnType::Bool => ScalarKind::Bool,
        ColumnType::TinyInt | ColumnType::TinyIntUnsigned => ScalarKind::Int8,
        ColumnType::SmallInt | ColumnType::SmallIntUnsigned => ScalarKind::Int16,
        ColumnType::BigInt | ColumnType::BigIntUnsigned => ScalarKind::Int64,
        t if t.is_integer() => ScalarKind::Int32,
        ColumnType::Float => ScalarKind::Float,
        ColumnType::Double | ColumnType::Decimal(..) => ScalarKind::Double,
        t if t.is_text() => ScalarKind::VarChar,
        ColumnType::Binary(_)
        | ColumnType::VarBinary(_)
        | ColumnType::Enum(_)
        | ColumnType::Set(_)
        | ColumnType::DateTime
        | ColumnType::Timestamp
        | ColumnType::Date
        | ColumnType::Time
        | ColumnType::Year => ScalarKind::VarChar,
        _ => return None,
    })
}

fn field_kind(c: &ColumnInfo) -> Option<FieldKind> {
    Some(match c.parsed_type.as_ref()? {
        ColumnType::Vector(_) => FieldKind::FloatVector,
        ColumnType::SparseVector => FieldKind::SparseVector,
        ColumnType::Json => FieldKind::Json,
        ColumnType::Array(element) => FieldKind::Array(scalar_of(element)?),
        t => FieldKind::Scalar(scalar_of(t)?),
    })
}

/// The `n` of `varchar(n)` / `varbinary(n)` / `char(n)` / `binary(n)`.
fn text_length(ty: &ColumnType) -> Option<u64> {
    match ty {
        ColumnType::Varchar(n)
        | ColumnType::Char(n)
        | ColumnType::Binary(n)
        | ColumnType::VarBinary(n) => Some(u64::from(*n)),
        _ => None,
    }
}

/// The Milvus name of a scalar column type (`STRING` for other text and temporal
/// types, and for types [`ColumnType`] does not model).
fn scalar_name(ty: Option<&ColumnType>) -> &'static str {
    match ty.and_then(scalar_of) {
        Some(ScalarKind::Bool) => "BOOL",
        Some(ScalarKind::Int8) => "INT8",
        Some(ScalarKind::Int16) => "INT16",
        Some(ScalarKind::Int32) => "INT32",
        Some(ScalarKind::Int64) => "INT64",
        Some(ScalarKind::Float) => "FLOAT",
        Some(ScalarKind::Double) => "DOUBLE",
        _ if ty.and_then(text_length).is_some() => "VARCHAR",
        _ => "STRING",
    }
}

/// A field of `describe_collection`: `name`, `type` (Milvus name), `params`
/// (`dim`, `max_length`), `element_type` for arrays, key and nullability flags.
pub(crate) fn describe_field(c: &ColumnInfo) -> Value {
    let mut field = Map::new();
    field.insert("name".into(), json!(c.name));
    let ty = c.parsed_type.as_ref();
    let (dtype, params) = match ty {
        Some(ColumnType::Vector(dim)) => ("FLOAT_VECTOR", json!({ "dim": dim })),
        Some(ColumnType::SparseVector) => ("SPARSE_FLOAT_VECTOR", json!({})),
        Some(ColumnType::Json) => ("JSON", json!({})),
        Some(ColumnType::Point(_)) => ("GEOMETRY", json!({})),
        Some(ColumnType::Array(element)) => {
            let name = scalar_name(Some(element));
            field.insert("element_type".into(), json!(name));
            let mut params = json!({ "element_type": name });
            if let Some(n) = text_length(element) {
                params["max_length"] = json!(n);
            }
            ("ARRAY", params)
        }
        _ => {
            let name = scalar_name(ty);
            let params = match ty.and_then(text_length) {
                Some(n) if name == "VARCHAR" => json!({ "max_length": n }),
                _ => json!({}),
            };
            (name, params)
        }
    };
    field.insert("type".into(), json!(dtype));
    field.insert("params".into(), params);
    field.insert("is_primary".into(), json!(c.primary_key));
    field.insert("auto_id".into(), json!(c.auto_increment));
    field.insert("nullable".into(), json!(c.nullable));
    field.insert("description".into(), json!(c.comment));
    Value::Object(field)
}

/// The Milvus metric name of a seekdb distance (`INNER_PRODUCT` is `IP`).
fn metric_name(distance: &str) -> String {
    match distance.to_ascii_uppercase().as_str() {
        "INNER_PRODUCT" => "IP".into(),
        "NEG_IP" | "NEGATIVE_INNER_PRODUCT" => "IP".into(),
        other => other.to_string(),
    }
}

/// The `WITH (...)` parameters of index `name` in `SHOW CREATE TABLE` output, whose
/// index lines read ``VECTOR KEY `vidx` (`v`) WITH (DISTANCE=L2, TYPE=HNSW, M=16, ...)``.
fn index_with_params(ddl: &str, name: &str) -> Vec<(String, String)> {
    let key = format!("KEY {} (", quote_ident(name));
    let Some(line) = ddl.lines().find(|l| l.contains(&key)) else {
        return Vec::new();
    };
    let Some(start) = line.find("WITH (") else {
        return Vec::new();
    };
    let with = &line[start + "WITH (".len()..];
    let Some(end) = with.find(')') else {
        return Vec::new();
    };
    with[..end]
        .split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

/// The indexes of `describe_collection`: name, fields, type and, for vector indexes,
/// `metric_type` (`L2`, `IP`, `COSINE`) and the build `params` (`m`,
/// `ef_construction`, ...) read from `SHOW CREATE TABLE` (`ddl`).
pub(crate) fn describe_indexes(info: &TableInfo, ddl: &str) -> Vec<Value> {
    info.indexes
        .iter()
        .filter(|i| i.name != "PRIMARY")
        .map(|i| {
            let mut index = json!({
                "index_name": i.name,
                "fields": i.columns,
                "field_name": i.columns.first(),
                "index_type": i.index_type,
            });
            if i.index_type.eq_ignore_ascii_case("VECTOR") {
                let mut params = Map::new();
                let mut metric = i.distance.as_deref().map(metric_name);
                for (k, v) in index_with_params(ddl, &i.name) {
                    match k.as_str() {
                        "distance" => metric = Some(metric_name(&v)),
                        "type" => index["index_type"] = json!(v.to_ascii_uppercase()),
                        _ => {
                            let value = v
                                .parse::<i64>()
                                .map(Value::from)
                                .or_else(|_| v.parse::<f64>().map(Value::from))
                                .unwrap_or_else(|_| Value::from(v.to_ascii_lowercase()));
                            params.insert(k, value);
                        }
                    }
                }
                index["metric_type"] = json!(metric);
                index["params"] = Value::Object(params);
            }
            // A functional index over a JSON path: its JSON field, not the hidden column.
            let json = i
                .expression
                .as_deref()
                .and_then(crate::ddl::json_index::parse_expression);
            if let Some((column, path, cast)) = json {
                index["fields"] = json!([column]);
                index["field_name"] = json!(column);
                let cast = match cast {
                    crate::ddl::JsonCast::Signed => "int64",
                    crate::ddl::JsonCast::Double => "double",
                    _ => "varchar",
                };
                index["params"] = json!({ "json_path": path, "json_cast_type": cast });
            }
            index
        })
        .collect()
}

#[cfg(test)]
#[path = "describe_tests.rs"]
mod tests;
