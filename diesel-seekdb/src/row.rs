//! Rows of any shape, read into `serde_json` maps.

use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::mysql::{Mysql, MysqlType, MysqlValue};
use diesel::row::{Field, NamedRow, Row};
use diesel::sql_types::{BigInt, Date, Datetime, Double, Time, Unsigned};
use serde_json::{Map, Number, Value};

/// One result row as a JSON object keyed by column name.
///
/// Integers become JSON integers, floating-point values JSON numbers, dates and times
/// ISO-8601 strings, and everything else text. Columns whose text is JSON or a vector
/// are converted by the clients, which know each column's type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonRow(pub Map<String, Value>);

impl JsonRow {
    /// The value of `column`, if present.
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.0.get(column)
    }

    /// The map.
    pub fn into_inner(self) -> Map<String, Value> {
        self.0
    }
}

impl From<JsonRow> for Value {
    fn from(row: JsonRow) -> Self {
        Value::Object(row.0)
    }
}

impl QueryableByName<Mysql> for JsonRow {
    fn build<'a>(row: &impl NamedRow<'a, Mysql>) -> deserialize::Result<Self> {
        let mut map = Map::new();
        for i in 0..row.field_count() {
            let Some(field) = Row::get(row, i) else {
                continue;
            };
            let name = field.field_name().unwrap_or_default().to_string();
            let value = match read_value(&field, &name)? {
                None => Value::Null,
                Some(raw) => to_json(raw)?,
            };
            map.insert(name, value);
        }
        Ok(JsonRow(map))
    }
}

/// The field's raw value. diesel-async's MySQL rows panic (`unimplemented!`) on
/// result types they cannot map, such as seekdb's GEOMETRY; that becomes an error
/// naming the column. The panic happens before the row is touched, so reading on is safe.
fn read_value<'f, 'a, F>(field: &'f F, name: &str) -> deserialize::Result<Option<MysqlValue<'f>>>
where
    F: Field<'a, Mysql>,
{
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| field.value())).map_err(|_| {
        format!(
            "column `{name}` has a result type the MySQL driver cannot read \
             (e.g. GEOMETRY); select it as text, e.g. ST_AsText(`{name}`)"
        )
        .into()
    })
}

fn to_json(raw: MysqlValue<'_>) -> deserialize::Result<Value> {
    Ok(match raw.value_type() {
        MysqlType::Tiny
        | MysqlType::Short
        | MysqlType::Long
        | MysqlType::LongLong
        | MysqlType::UnsignedTiny
        | MysqlType::UnsignedShort
        | MysqlType::UnsignedLong => Value::from(<i64 as FromSql<BigInt, Mysql>>::from_sql(raw)?),
        MysqlType::UnsignedLongLong => {
            Value::from(<u64 as FromSql<Unsigned<BigInt>, Mysql>>::from_sql(raw)?)
        }
        MysqlType::Float | MysqlType::Double => {
            let v = <f64 as FromSql<Double, Mysql>>::from_sql(raw)?;
            Number::from_f64(v)
                .map(Value::Number)
                .unwrap_or(Value::Null)
        }
        MysqlType::Numeric => {
            let text = std::str::from_utf8(raw.as_bytes())?;
            text.parse::<Number>()
                .map(Value::Number)
                .unwrap_or_else(|_| Value::String(text.to_string()))
        }
        MysqlType::Date => {
            let d = <chrono::NaiveDate as FromSql<Date, Mysql>>::from_sql(raw)?;
            Value::String(d.to_string())
        }
        MysqlType::Time => {
            let t = <chrono::NaiveTime as FromSql<Time, Mysql>>::from_sql(raw)?;
            Value::String(t.to_string())
        }
        MysqlType::DateTime | MysqlType::Timestamp => {
            let t = <chrono::NaiveDateTime as FromSql<Datetime, Mysql>>::from_sql(raw)?;
            Value::String(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
        }
        _ => Value::String(String::from_utf8_lossy(raw.as_bytes()).into_owned()),
    })
}
