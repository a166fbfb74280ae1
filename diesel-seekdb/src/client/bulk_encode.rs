//! Rows as text for the bulk loader and the text-protocol inserts: one row of JSON
//! becomes a tab-separated line for `LOAD DATA` or a `(...)` tuple of SQL literals.
//! Every value is converted (type, dimensions, finiteness, length) before a byte is
//! written, so a bad row is named before anything reaches the server.

use std::collections::HashSet;

use serde_json::Value;

use diesel_seekdb_rules::sql_type::{classify, TypeClass};

use super::convert::to_bind;
use super::meta::{ColumnInfo, TableInfo};
use crate::error::{Error, Result};
use crate::fragment::BindValue;

/// The columns one load writes, fixed by its first row, and what checks each value.
pub(crate) struct RowEncoder {
    columns: Vec<ColumnInfo>,
    /// Per column: the declared character length, checked because `LOAD DATA LOCAL`
    /// truncates a longer value without an error or a warning.
    lengths: Vec<Option<u32>>,
    /// Per column: the integer range, checked because `LOAD DATA LOCAL` clamps.
    ranges: Vec<Option<(i128, i128)>>,
    /// The single-column primary key's position, when the rows give it.
    key: Option<usize>,
    seen_keys: HashSet<String>,
    cosine: Vec<bool>,
}

impl RowEncoder {
    /// The encoder for rows shaped like `first` (its keys, in table order).
    pub(crate) fn new(info: &TableInfo, first: &Value, parameter: &str) -> Result<Self> {
        let object = first
            .as_object()
            .ok_or_else(|| Error::validation(parameter, "each row must be a JSON object"))?;
        let mut columns: Vec<ColumnInfo> = Vec::new();
        for key in object.keys() {
            let column = info.require_column(&format!("{parameter}.{key}"), key)?;
            columns.push(column.clone());
        }
        // Table order keeps the statement stable whatever order the keys came in.
        columns.sort_by_key(|c| info.columns.iter().position(|t| t.name == c.name));
        if columns.is_empty() {
            return Err(Error::validation(parameter, "a row without columns"));
        }
        let lengths = columns
            .iter()
            .map(|c| match classify(&c.column_type) {
                TypeClass::Text {
                    length,
                    binary: false,
                } => length,
                _ => None,
            })
            .collect();
        let ranges = columns
            .iter()
            .map(|c| match classify(&c.column_type) {
                TypeClass::Integer { bits, unsigned } if bits < 64 => Some(if unsigned {
                    (0, (1i128 << bits) - 1)
                } else {
                    (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                }),
                _ => None,
            })
            .collect();
        let keys: Vec<&str> = info
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.as_str())
            .collect();
        let key = match keys.as_slice() {
            [one] => columns.iter().position(|c| c.name == *one),
            _ => None,
        };
        let cosine = columns
            .iter()
            .map(|c| {
                info.indexes.iter().any(|i| {
                    i.distance
                        .as_deref()
                        .is_some_and(|d| d.eq_ignore_ascii_case("cosine"))
                        && i.columns.iter().any(|n| n.eq_ignore_ascii_case(&c.name))
                })
            })
            .collect();
        Ok(RowEncoder {
            columns,
            lengths,
            ranges,
            key,
            seen_keys: HashSet::new(),
            cosine,
        })
    }

    /// The columns, in the order each encoded row gives them.
    pub(crate) fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    /// `row`'s values in column order, checked. `parameter` names the row (`rows[17]`).
    pub(crate) fn convert(&mut self, row: &Value, parameter: &str) -> Result<Vec<BindValue>> {
        let object = row
            .as_object()
            .ok_or_else(|| Error::validation(parameter, "each row must be a JSON object"))?;
        if object.len() != self.columns.len() {
            for key in object.keys() {
                if !self
                    .columns
                    .iter()
                    .any(|c| c.name.eq_ignore_ascii_case(key))
                {
                    return Err(Error::validation(
                        format!("{parameter}.{key}"),
                        "every row of a bulk load must have the first row's columns, and no others",
                    ));
                }
            }
        }
        let mut values = Vec::with_capacity(self.columns.len());
        for (i, column) in self.columns.iter().enumerate() {
            let name = format!("{parameter}.{}", column.name);
            let value = object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&column.name))
                .map(|(_, v)| v)
                .ok_or_else(|| {
                    Error::validation(
                        &name,
                        "missing: every row of a bulk load must have the first row's columns",
                    )
                })?;
            let bind = to_bind(&name, column, value).map_err(|e| match e {
                Error::Dimension { expected, actual } => Error::validation(
                    &name,
                    format!("expected {expected} dimensions, got {actual}"),
                ),
                other => other,
            })?;
            self.check(i, &name, &bind)?;
            values.push(bind);
        }
        if let Some(k) = self.key {
            let text = literal_key(&values[k]);
            if !self.seen_keys.insert(text) {
                return Err(Error::validation(
                    format!("{parameter}.{}", self.columns[k].name),
                    "duplicate primary key within the loaded rows",
                ));
            }
        }
        Ok(values)
    }

    fn check(&self, i: usize, name: &str, bind: &BindValue) -> Result<()> {
        if let (Some(max), BindValue::Text(s)) = (self.lengths[i], bind) {
            let chars = s.chars().count();
            if chars > max as usize {
                return Err(Error::validation(
                    name,
                    format!(
                        "{chars} characters do not fit {} (the load would truncate it)",
                        self.columns[i].column_type
                    ),
                ));
            }
        }
        if let Some((lo, hi)) = self.ranges[i] {
            let n = match bind {
                BindValue::Int(n) => Some(i128::from(*n)),
                BindValue::UInt(n) => Some(i128::from(*n)),
                _ => None,
            };
            if n.is_some_and(|n| n < lo || n > hi) {
                return Err(Error::validation(
                    name,
                    format!("out of range for {}", self.columns[i].column_type),
                ));
            }
        }
        if let (true, BindValue::Vector(v)) = (self.cosine[i], bind) {
            crate::vector::check_cosine_operand(name, v.as_slice())?;
        }
        Ok(())
    }
}

fn literal_key(value: &BindValue) -> String {
    let mut out = String::new();
    push_literal(&mut out, value);
    // Keys compare case-insensitively under the default collation.
    out.to_lowercase()
}

/// Appends `values` as one `LOAD DATA` line: tab-separated, `\N` for NULL, the
/// default escapes (`ESCAPED BY '\\'`), newline-terminated.
pub(crate) fn push_tsv_line(out: &mut Vec<u8>, values: &[BindValue]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match v {
            BindValue::Null | BindValue::Json(Value::Null) => out.extend_from_slice(b"\\N"),
            BindValue::Text(s) => push_tsv_text(out, s),
            BindValue::Json(j) => push_tsv_text(out, &j.to_string()),
            BindValue::Vector(vec) => crate::codec::encode_unchecked(vec.as_slice(), out),
            other => {
                let mut s = String::new();
                push_literal(&mut s, other);
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out.push(b'\n');
}

fn push_tsv_text(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0 => out.extend_from_slice(b"\\0"),
            _ => out.push(b),
        }
    }
}

/// Appends `value` as an SQL literal for the text protocol. Strings that hold a quote,
/// a backslash or a control character go as `_utf8mb4 X'..'`, which reads the same
/// whether or not the session has `NO_BACKSLASH_ESCAPES`; others go quoted as they are.
pub(crate) fn push_literal(out: &mut String, value: &BindValue) {
    use std::fmt::Write;
    match value {
        BindValue::Null => out.push_str("NULL"),
        BindValue::Int(n) => {
            let _ = write!(out, "{n}");
        }
        BindValue::UInt(n) => {
            let _ = write!(out, "{n}");
        }
        // `to_bind` refuses non-finite numbers. Always with an exponent: a double
        // literal, as a bound double would be, and short for 1e300.
        BindValue::Float(f) if f.is_finite() => {
            let _ = write!(out, "{f:e}");
        }
        BindValue::Float(_) => out.push_str("NULL"),
        BindValue::Bool(b) => out.push(if *b { '1' } else { '0' }),
        BindValue::Text(s) => push_text_literal(out, s),
        BindValue::Json(Value::Null) => out.push_str("NULL"),
        BindValue::Json(j) => push_text_literal(out, &j.to_string()),
        // `to_bind` refuses non-finite coordinates, as for floats.
        BindValue::Point(p) if p.validate().is_ok() => {
            out.push_str("ST_GeomFromText(");
            push_text_literal(out, &p.to_wkt());
            let _ = write!(out, ", {})", p.srid);
        }
        BindValue::Point(_) => out.push_str("NULL"),
        BindValue::Vector(v) => {
            let mut bytes = Vec::with_capacity(v.len() * 12 + 4);
            bytes.push(b'\'');
            crate::codec::encode_unchecked(v.as_slice(), &mut bytes);
            bytes.push(b'\'');
            // The codec writes ASCII digits, signs, dots, commas and brackets only.
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

fn push_text_literal(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'\'' && b != b'\\') {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
        return;
    }
    out.push_str("_utf8mb4 X'");
    for b in s.bytes() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out.push('\'');
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// One vector index as `SHOW CREATE TABLE` prints it, to be built again on a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VectorIndexDef {
    /// The index name, unquoted.
    pub(crate) name: String,
    /// The column list as printed, e.g. `` (`v`) ``.
    pub(crate) columns: String,
    /// The `WITH (...)` parameters as printed.
    pub(crate) with: String,
}

/// The vector indexes of a `SHOW CREATE TABLE` text.
pub(crate) fn vector_index_defs(create_sql: &str) -> Vec<VectorIndexDef> {
    create_sql
        .lines()
        .filter_map(|line| parse_vector_key(line.trim()))
        .collect()
}

fn parse_vector_key(line: &str) -> Option<VectorIndexDef> {
    let rest = line.strip_prefix("VECTOR KEY ")?;
    let (name, rest) = parse_quoted(rest)?;
    let rest = rest.trim_start();
    let close = rest.find(") WITH (")?;
    let columns = rest[..=close].to_string();
    let with_start = close + ") WITH ".len();
    let with_text = &rest[with_start..];
    let end = with_text.find(')')?;
    Some(VectorIndexDef {
        name,
        columns,
        with: with_text[..=end].to_string(),
    })
}

/// A backquoted identifier at the start of `s` (doubled backquotes inside), and the rest.
fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('`')?;
    let mut name = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            if chars.peek().map(|(_, n)| *n) == Some('`') {
                chars.next();
                name.push('`');
            } else {
                return Some((name, &body[i + 1..]));
            }
        } else {
            name.push(c);
        }
    }
    None
}

#[cfg(test)]
#[path = "bulk_encode_tests.rs"]
mod tests;
