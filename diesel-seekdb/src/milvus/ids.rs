//! The primary keys `insert` reports (pymilvus's `{"insert_count": n, "ids": [...]}`).

use serde_json::{Map, Value};

use crate::client::{ColumnInfo, TableInfo};
use crate::error::{Error, Result};

/// The value of `column` in a row, matching the name as the server does (case-insensitively).
fn field<'a>(row: &'a Map<String, Value>, column: &str) -> Option<&'a Value> {
    row.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(column))
        .map(|(_, v)| v)
}

/// How the ids of an insert are known.
#[derive(Debug, PartialEq)]
pub(crate) enum IdSource {
    /// Every row carries its key: the ids are read from the rows.
    Rows,
    /// No row carries the `AUTO_INCREMENT` key: the server generates them.
    Generated,
}

/// Decides where the ids of `rows` come from. An `AUTO_INCREMENT` key given in some
/// rows and not in others is refused: the generated ids of such a statement can't be
/// told apart from the given ones.
pub(crate) fn id_source(info: &TableInfo, rows: &[Value]) -> Result<IdSource> {
    let pk = info.primary_key();
    let Some(auto) = pk.iter().find(|c| c.auto_increment) else {
        return Ok(IdSource::Rows);
    };
    let given = |row: &Value| {
        row.as_object()
            .and_then(|r| field(r, &auto.name))
            .is_some_and(|v| !v.is_null())
    };
    let count = rows.iter().filter(|r| given(r)).count();
    if count == 0 && !rows.is_empty() {
        Ok(IdSource::Generated)
    } else if count == rows.len() {
        Ok(IdSource::Rows)
    } else {
        let i = rows.iter().position(|r| !given(r)).unwrap_or(0);
        Err(Error::validation(
            format!("data[{i}].{}", auto.name),
            format!(
                "the auto_id field `{}` must be given in every row or in none",
                auto.name
            ),
        ))
    }
}

/// The key of each row: the value of a one-column key, an object of the columns of a
/// composite one.
pub(crate) fn row_ids(pk: &[&ColumnInfo], rows: &[Value]) -> Vec<Value> {
    rows.iter()
        .map(|row| {
            let get = |c: &ColumnInfo| {
                row.as_object()
                    .and_then(|r| field(r, &c.name))
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            match pk {
                [single] => get(single),
                keys => Value::Object(keys.iter().map(|c| (c.name.clone(), get(c))).collect()),
            }
        })
        .collect()
}

/// The generated ids of statements that each inserted `n` rows numbered from `first`
/// (`LAST_INSERT_ID()`; seekdb numbers one statement's rows consecutively with
/// `auto_increment_increment` = 1).
pub(crate) fn generated_ids(batches: &[(usize, u64)]) -> Vec<Value> {
    batches
        .iter()
        .flat_map(|&(n, first)| (0..n as u64).map(move |k| Value::from(first + k)))
        .collect()
}

/// The keys of rows whose `AUTO_INCREMENT` column got `generated`: the generated value
/// for a one-column key; for a composite one (an id plus a partitioning column), an
/// object with the generated value and the rows' other key columns.
pub(crate) fn keys_with_generated(
    pk: &[&ColumnInfo],
    rows: &[Value],
    generated: Vec<Value>,
) -> Vec<Value> {
    if pk.len() <= 1 {
        return generated;
    }
    row_ids(pk, rows)
        .into_iter()
        .zip(generated)
        .map(|(mut key, id)| {
            if let (Value::Object(map), Some(auto)) =
                (&mut key, pk.iter().find(|c| c.auto_increment))
            {
                map.insert(auto.name.clone(), id);
            }
            key
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_follow_each_statement() {
        assert_eq!(
            generated_ids(&[(2, 10), (1, 40)]),
            vec![Value::from(10), Value::from(11), Value::from(40)]
        );
        assert!(generated_ids(&[]).is_empty());
    }
}
