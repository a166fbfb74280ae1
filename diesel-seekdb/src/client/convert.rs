//! JSON values to bind parameters and back, guided by each column's type.

use serde_json::{Map, Number, Value};

use super::meta::{ColumnInfo, ColumnKind};
use crate::error::{Error, Result};
use crate::fragment::BindValue;
use crate::sparse::SparseVector;
use crate::vector::check_dimensions;
use crate::Vector;

/// Converts a JSON value for `column` into a bind value, checking its type (and a
/// vector's dimensions and finiteness) before anything is sent. `parameter` names the
/// value in errors (e.g. `data[3].embedding`).
pub(crate) fn to_bind(parameter: &str, column: &ColumnInfo, value: &Value) -> Result<BindValue> {
    if value.is_null() {
        if !column.nullable && !column.auto_increment {
            return Err(Error::validation(
                parameter,
                format!("column `{}` is NOT NULL", column.name),
            ));
        }
        return Ok(BindValue::Null);
    }
    let wrong = |expected: &str| {
        Error::validation(
            parameter,
            format!(
                "column `{}` ({}) expects {expected}, got {}",
                column.name,
                column.column_type,
                describe(value)
            ),
        )
    };
    Ok(match &column.kind {
        ColumnKind::Vector(dim) => {
            let items = value
                .as_array()
                .ok_or_else(|| wrong("an array of numbers"))?;
            let values = floats(parameter, items)?;
            check_dimensions(&values, *dim).map_err(|e| match e {
                Error::Validation {
                    parameter: p,
                    reason,
                } => Error::validation(
                    format!("{parameter}{}", p.trim_start_matches("vector")),
                    reason,
                ),
                other => other,
            })?;
            BindValue::Vector(Vector::from(values))
        }
        ColumnKind::SparseVector => {
            let map = value
                .as_object()
                .ok_or_else(|| wrong("an object of index: value pairs"))?;
            let mut pairs = Vec::with_capacity(map.len());
            for (k, v) in map {
                let index: u32 = k
                    .parse()
                    .map_err(|_| wrong("non-negative 32-bit integer keys"))?;
                let v = v.as_f64().ok_or_else(|| wrong("numeric values"))? as f32;
                pairs.push((index, v));
            }
            let sparse = SparseVector::from_pairs(pairs)
                .map_err(|e| Error::validation(parameter, e.to_string()))?;
            BindValue::Text(sparse.to_sql_text())
        }
        ColumnKind::Array(_) => {
            if !value.is_array() {
                return Err(wrong("an array"));
            }
            BindValue::Text(value.to_string())
        }
        ColumnKind::Json => BindValue::Text(value.to_string()),
        ColumnKind::Point => BindValue::Point(super::gis::point_from_json(parameter, value)?),
        ColumnKind::Integer { unsigned } => match value {
            Value::Number(n) if n.is_i64() && !*unsigned => BindValue::Int(n.as_i64().unwrap_or(0)),
            Value::Number(n) if n.is_u64() => BindValue::UInt(n.as_u64().unwrap_or(0)),
            Value::Number(n) if n.is_i64() => {
                return Err(Error::validation(
                    parameter,
                    format!("column `{}` is unsigned, got {n}", column.name),
                ))
            }
            Value::Bool(b) => BindValue::Int(i64::from(*b)),
            _ => return Err(wrong("an integer")),
        },
        ColumnKind::Bool => match value {
            Value::Bool(b) => BindValue::Bool(*b),
            Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                BindValue::Bool(n.as_i64() == Some(1))
            }
            _ => return Err(wrong("a boolean")),
        },
        ColumnKind::Float => match value.as_f64() {
            Some(f) if f.is_finite() => BindValue::Float(f),
            _ => return Err(wrong("a number")),
        },
        ColumnKind::Text | ColumnKind::Temporal | ColumnKind::Other(_) => match value {
            Value::String(s) => BindValue::Text(s.clone()),
            Value::Number(n) => BindValue::Text(n.to_string()),
            Value::Bool(b) => BindValue::Text(b.to_string()),
            _ => return Err(wrong("a string")),
        },
    })
}

/// The elements of a JSON array as `f32`; a non-number is reported by its index.
fn floats(parameter: &str, items: &[Value]) -> Result<Vec<f32>> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_f64().map(|f| f as f32).ok_or_else(|| {
                // serde_json writes NaN and infinity as `null`, so a null element is
                // usually a non-finite float that was serialized.
                let got = if v.is_null() {
                    "null (NaN and infinity become null in JSON)".to_string()
                } else {
                    describe(v)
                };
                Error::validation(
                    format!("{parameter}[{i}]"),
                    format!("expected a number, got {got}"),
                )
            })
        })
        .collect()
}

fn describe(value: &Value) -> String {
    let text = value.to_string();
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    if text.len() > 40 {
        kind.to_string()
    } else {
        format!("{kind} ({text})")
    }
}

/// Turns the text the server returned for `column` into structured JSON: vectors into
/// arrays of numbers, sparse vectors into `{index: value}` objects, JSON and ARRAY
/// columns into their JSON values, booleans into `true`/`false`.
pub(crate) fn from_server(column: &ColumnInfo, value: Value) -> Result<Value> {
    Ok(match (&column.kind, value) {
        (_, Value::Null) => Value::Null,
        (ColumnKind::Vector(_), Value::String(text)) => {
            let v = Vector::parse(&text)?;
            Value::Array(
                v.as_slice()
                    .iter()
                    .map(|f| {
                        Number::from_f64(f64::from(*f))
                            .map(Value::Number)
                            .unwrap_or(Value::Null)
                    })
                    .collect(),
            )
        }
        (ColumnKind::SparseVector, Value::String(text)) => {
            let v = SparseVector::parse(&text)?;
            let mut map = Map::new();
            for (i, f) in v.iter() {
                map.insert(
                    i.to_string(),
                    Number::from_f64(f64::from(f))
                        .map(Value::Number)
                        .unwrap_or(Value::Null),
                );
            }
            Value::Object(map)
        }
        (ColumnKind::Json | ColumnKind::Array(_), Value::String(text)) => {
            serde_json::from_str(&text)
                .map_err(|e| Error::decode("JSON", format!("column `{}`: {e}", column.name)))?
        }
        (ColumnKind::Point, Value::String(hex)) => super::gis::point_to_json(&column.name, &hex)?,
        (ColumnKind::Bool, Value::Number(n)) => Value::Bool(n.as_i64().unwrap_or(0) != 0),
        (_, other) => other,
    })
}
