//! `POINT` columns in the clients: JSON values in and out, and how such a column is
//! selected so that every driver can read it.

use serde_json::{json, Value};

use super::meta::{ColumnInfo, ColumnKind};
use crate::ddl::quote_ident;
use crate::error::{Error, Result};
use crate::Point;

/// The select-list item for `column`: its name, or for a point its stored bytes as
/// hex under its own name. diesel-async's driver cannot read a GEOMETRY result, and
/// the C client's bytes would not survive the rows' text conversion; hex does both.
pub(crate) fn select_item(column: &ColumnInfo) -> String {
    let name = quote_ident(&column.name);
    match column.kind {
        ColumnKind::Point => format!("HEX(CAST({name} AS BINARY)) AS {name}"),
        _ => name,
    }
}

/// A point from JSON: `{"x": 1, "y": 2, "srid": 0}` (srid optional), `[x, y]` or
/// well-known text `"POINT(x y)"` (SRID 0).
pub(crate) fn point_from_json(parameter: &str, value: &Value) -> Result<Point> {
    let number = |v: Option<&Value>, what: &str| -> Result<f64> {
        v.and_then(Value::as_f64).ok_or_else(|| {
            Error::validation(
                format!("{parameter}.{what}"),
                "expected a number (NaN and infinity become null in JSON)",
            )
        })
    };
    let point = match value {
        Value::Object(map) => {
            let srid = match map.get("srid") {
                None | Some(Value::Null) => crate::point::DEFAULT_SRID,
                Some(v) => v
                    .as_u64()
                    .and_then(|s| u32::try_from(s).ok())
                    .ok_or_else(|| {
                        Error::validation(
                            format!("{parameter}.srid"),
                            "expected an unsigned 32-bit integer",
                        )
                    })?,
            };
            Point::with_srid(number(map.get("x"), "x")?, number(map.get("y"), "y")?, srid)
        }
        Value::Array(items) if items.len() == 2 => {
            Point::new(number(items.first(), "x")?, number(items.get(1), "y")?)
        }
        Value::String(text) => Point::parse_wkt(text, crate::point::DEFAULT_SRID)
            .map_err(|e| Error::validation(parameter, e.to_string()))?,
        _ => return Err(Error::validation(
            parameter,
            "a POINT column expects {\"x\": .., \"y\": .., \"srid\": ..}, [x, y] or \"POINT(x y)\"",
        )),
    };
    point
        .validate()
        .map_err(|e| Error::validation(parameter, e.to_string()))?;
    Ok(point)
}

/// The JSON of a point read through [`select_item`] (hex of SRID + WKB).
pub(crate) fn point_to_json(column: &str, hex: &str) -> Result<Value> {
    let bytes = decode_hex(hex)
        .ok_or_else(|| Error::decode("point", format!("column `{column}`: not hex")))?;
    let p = Point::from_bytes(&bytes)?;
    Ok(json!({ "x": p.x, "y": p.y, "srid": p.srid }))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let pairs = text.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    pairs
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_forms_and_hex() {
        let p = point_from_json("d", &json!({"x": 1.5, "y": 2})).unwrap();
        assert_eq!(p, Point::new(1.5, 2.0));
        assert_eq!(
            point_from_json("d", &json!([3, 4])).unwrap(),
            Point::new(3.0, 4.0)
        );
        assert_eq!(
            point_from_json("d", &json!("POINT(5 6)")).unwrap(),
            Point::new(5.0, 6.0)
        );
        let err = point_from_json("data[0].loc", &json!({"x": null, "y": 1})).unwrap_err();
        assert!(err.to_string().contains("data[0].loc.x"), "{err}");
        assert!(point_from_json("d", &json!(7)).is_err());
        let v = point_to_json("loc", "000000000101000000000000000000F83F0000000000000040").unwrap();
        assert_eq!(v, json!({"x": 1.5, "y": 2.0, "srid": 0}));
        assert!(point_to_json("loc", "zz").is_err());
    }
}
