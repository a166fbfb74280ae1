//! Partition bound and list values.

use super::super::ident::quote_string;
use crate::{Error, Result};

/// A partition bound or list value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PartitionValue {
    /// An integer: `100`.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A string literal, quoted and escaped when rendered: `'2020-01-01'`.
    Str(String),
    /// A raw SQL expression (trusted text, rendered as is): `TO_DAYS('2020-01-01')`.
    /// It may not contain `;`, NUL or comment markers.
    Expr(String),
    /// `MAXVALUE` (range bounds).
    MaxValue,
    /// `DEFAULT` (the catch-all list partition).
    Default,
    /// A parenthesised tuple, for multi-column `LIST COLUMNS`: `(1,'a')`.
    Tuple(Vec<PartitionValue>),
}

impl PartitionValue {
    /// A raw SQL expression.
    pub fn expr(sql: impl Into<String>) -> Self {
        PartitionValue::Expr(sql.into())
    }

    /// A string literal.
    pub fn string(s: impl Into<String>) -> Self {
        PartitionValue::Str(s.into())
    }

    pub(super) fn render(&self, out: &mut String) {
        match self {
            PartitionValue::Int(v) => out.push_str(&v.to_string()),
            PartitionValue::UInt(v) => out.push_str(&v.to_string()),
            PartitionValue::Str(s) => out.push_str(&quote_string(s)),
            PartitionValue::Expr(e) => out.push_str(e),
            PartitionValue::MaxValue => out.push_str("MAXVALUE"),
            PartitionValue::Default => out.push_str("DEFAULT"),
            PartitionValue::Tuple(items) => {
                out.push('(');
                render_values(items, out);
                out.push(')');
            }
        }
    }

    pub(super) fn validate(&self, parameter: &str) -> Result<()> {
        match self {
            PartitionValue::Expr(e) => validate_expr(parameter, e),
            PartitionValue::Tuple(items) => {
                if items.is_empty() {
                    return Err(Error::validation(parameter, "an empty tuple"));
                }
                for v in items {
                    if matches!(
                        v,
                        PartitionValue::Tuple(_)
                            | PartitionValue::Default
                            | PartitionValue::MaxValue
                    ) {
                        return Err(Error::validation(
                            parameter,
                            "a tuple holds plain values only",
                        ));
                    }
                    v.validate(parameter)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

pub(super) fn render_values(values: &[PartitionValue], out: &mut String) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        v.render(out);
    }
}

pub(super) fn validate_expr(parameter: &str, e: &str) -> Result<()> {
    if e.trim().is_empty() {
        return Err(Error::validation(parameter, "an empty expression"));
    }
    if e.contains(';')
        || e.contains('\0')
        || e.contains("--")
        || e.contains("/*")
        || e.contains('#')
    {
        return Err(Error::validation(
            parameter,
            format!("expression {e:?} may not contain `;`, NUL or comments"),
        ));
    }
    Ok(())
}

impl From<i64> for PartitionValue {
    fn from(v: i64) -> Self {
        PartitionValue::Int(v)
    }
}
impl From<i32> for PartitionValue {
    fn from(v: i32) -> Self {
        PartitionValue::Int(v.into())
    }
}
impl From<u64> for PartitionValue {
    fn from(v: u64) -> Self {
        PartitionValue::UInt(v)
    }
}
impl From<u32> for PartitionValue {
    fn from(v: u32) -> Self {
        PartitionValue::UInt(v.into())
    }
}
/// A `&str` is a string literal (use [`PartitionValue::expr`] for SQL).
impl From<&str> for PartitionValue {
    fn from(v: &str) -> Self {
        PartitionValue::Str(v.into())
    }
}
/// A `String` is a string literal (use [`PartitionValue::expr`] for SQL).
impl From<String> for PartitionValue {
    fn from(v: String) -> Self {
        PartitionValue::Str(v)
    }
}
