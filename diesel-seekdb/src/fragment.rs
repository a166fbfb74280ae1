//! SQL text plus its bound values, for statements whose shape is known only at run
//! time (filters parsed from strings, tables described by a schema).
//!
//! Values never become SQL text: each is a `?` placeholder bound through Diesel when
//! the fragment runs (the client turns it into a query with [`SqlFragment::into_query`]).
//! This module is plain data: it depends on no other layer.

use crate::Vector;

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BindValue {
    /// SQL NULL.
    Null,
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A double.
    Float(f64),
    /// A boolean (sent as TINYINT 0/1).
    Bool(bool),
    /// A string.
    Text(String),
    /// A dense vector (validated and encoded when bound).
    Vector(Vector),
    /// JSON, sent as text (seekdb refuses parameters typed as JSON).
    Json(serde_json::Value),
    /// A point, sent as `ST_GeomFromWKB(?, ?)` (its WKB and SRID; checked finite first).
    Point(crate::Point),
}

/// SQL text with `?` placeholders and the values that fill them, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlFragment {
    /// The SQL text.
    pub sql: String,
    /// One value per `?` in `sql`.
    pub binds: Vec<BindValue>,
}

impl SqlFragment {
    /// An empty fragment.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fragment with no placeholders.
    pub fn raw(sql: impl Into<String>) -> Self {
        SqlFragment {
            sql: sql.into(),
            binds: Vec::new(),
        }
    }

    /// Appends SQL text (never user data: use [`SqlFragment::push_bind`]).
    pub fn push_sql(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a `?` and its value.
    pub fn push_bind(&mut self, value: BindValue) -> &mut Self {
        self.sql.push('?');
        self.binds.push(value);
        self
    }

    /// Appends another fragment.
    pub fn append(&mut self, other: SqlFragment) -> &mut Self {
        self.sql.push_str(&other.sql);
        self.binds.extend(other.binds);
        self
    }

    /// Whether there is no SQL text.
    pub fn is_empty(&self) -> bool {
        self.sql.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_text_and_binds_in_order() {
        let mut f = SqlFragment::raw("`id` < ");
        f.push_bind(BindValue::Int(100)).push_sql(" AND `t` = ");
        f.push_bind(BindValue::Text("x'; DROP TABLE t; --".into()));
        assert_eq!(f.sql, "`id` < ? AND `t` = ?");
        assert_eq!(f.binds.len(), 2);
    }
}
