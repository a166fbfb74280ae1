//! Partitioning: `PARTITION BY RANGE | RANGE COLUMNS | LIST | LIST COLUMNS | HASH | KEY`,
//! with at most one sub-partition level.
//!
//! The shape follows pyobvector (`<head> [<subpartition clause>] <partition list |
//! PARTITIONS n>`, items joined by `,`), so for ordinary names
//! [`Partition::to_sql_with`]`(`[`IdentStyle::Minimal`]`)` produces exactly the strings
//! pyobvector's tests assert; the default [`Partition::to_sql`] backtick-quotes every
//! identifier. Sub-partitions come in three forms:
//!
//! * a count: `SUBPARTITION BY HASH (c) SUBPARTITIONS 4` ([`Partition::partitions`] on
//!   the sub-partition spec);
//! * a template applied to every partition: `SUBPARTITION TEMPLATE (SUBPARTITION ...)`
//!   ([`Partition::partition`] on the sub-partition spec);
//! * explicit lists per partition: `PARTITION p0 ... (SUBPARTITION a, ...)`
//!   ([`PartitionDef::subpartition`] on each partition, and a sub-partition spec with
//!   neither count nor definitions).
//!
//! ```
//! use diesel_seekdb::ddl::{Partition, PartitionDef, PartitionValue};
//! let p = Partition::range("id")
//!     .partition(PartitionDef::less_than("p0", 100))
//!     .partition(PartitionDef::less_than("p1", PartitionValue::MaxValue))
//!     .subpartition_by(Partition::key(["c2"]).partitions(2));
//! assert_eq!(
//!     p.to_sql()?,
//!     "PARTITION BY RANGE (`id`) SUBPARTITION BY KEY (`c2`) SUBPARTITIONS 2 \
//!      (PARTITION `p0` VALUES LESS THAN (100),PARTITION `p1` VALUES LESS THAN (MAXVALUE))"
//! );
//! # Ok::<(), diesel_seekdb::Error>(())
//! ```

mod def;
mod validate;
mod value;

use super::ident::IdentStyle;
use crate::Result;

pub use def::PartitionDef;
pub use value::PartitionValue;

/// The partitioning method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartitionKind {
    /// `RANGE (expr)`.
    Range,
    /// `RANGE COLUMNS (c1, ...)`.
    RangeColumns,
    /// `LIST (expr)`.
    List,
    /// `LIST COLUMNS (c1, ...)`.
    ListColumns,
    /// `HASH (expr)`.
    Hash,
    /// `KEY (c1, ...)` (empty: the primary key).
    Key,
}

impl PartitionKind {
    fn keyword(self) -> &'static str {
        match self {
            PartitionKind::Range => "RANGE",
            PartitionKind::RangeColumns => "RANGE COLUMNS",
            PartitionKind::List => "LIST",
            PartitionKind::ListColumns => "LIST COLUMNS",
            PartitionKind::Hash => "HASH",
            PartitionKind::Key => "KEY",
        }
    }

    fn uses_columns(self) -> bool {
        matches!(
            self,
            PartitionKind::RangeColumns | PartitionKind::ListColumns | PartitionKind::Key
        )
    }

    fn is_range(self) -> bool {
        matches!(self, PartitionKind::Range | PartitionKind::RangeColumns)
    }

    fn is_list(self) -> bool {
        matches!(self, PartitionKind::List | PartitionKind::ListColumns)
    }
}

/// The partitioning expression of `RANGE`, `LIST` and `HASH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionExpr {
    /// A column (quoted when rendered).
    Column(String),
    /// A raw SQL expression (trusted text, e.g. `YEAR(created)`), rendered as is.
    Expr(String),
}

/// A partitioning spec (one level), optionally with a sub-partition spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    kind: PartitionKind,
    expr: Option<PartitionExpr>,
    columns: Vec<String>,
    defs: Vec<PartitionDef>,
    count: Option<u32>,
    sub: Option<Box<Partition>>,
}

impl Partition {
    fn with_expr(kind: PartitionKind, expr: PartitionExpr) -> Self {
        Partition {
            kind,
            expr: Some(expr),
            columns: Vec::new(),
            defs: Vec::new(),
            count: None,
            sub: None,
        }
    }

    fn with_columns<I, S>(kind: PartitionKind, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Partition {
            kind,
            expr: None,
            columns: columns.into_iter().map(Into::into).collect(),
            defs: Vec::new(),
            count: None,
            sub: None,
        }
    }

    /// `RANGE (`column`)`.
    pub fn range(column: impl Into<String>) -> Self {
        Self::with_expr(PartitionKind::Range, PartitionExpr::Column(column.into()))
    }

    /// `RANGE (expr)` over a raw SQL expression such as `YEAR(created)`.
    pub fn range_expr(sql: impl Into<String>) -> Self {
        Self::with_expr(PartitionKind::Range, PartitionExpr::Expr(sql.into()))
    }

    /// `RANGE COLUMNS (c1, ...)`.
    pub fn range_columns<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_columns(PartitionKind::RangeColumns, columns)
    }

    /// `LIST (`column`)`.
    pub fn list(column: impl Into<String>) -> Self {
        Self::with_expr(PartitionKind::List, PartitionExpr::Column(column.into()))
    }

    /// `LIST (expr)` over a raw SQL expression.
    pub fn list_expr(sql: impl Into<String>) -> Self {
        Self::with_expr(PartitionKind::List, PartitionExpr::Expr(sql.into()))
    }

    /// `LIST COLUMNS (c1, ...)`.
    pub fn list_columns<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_columns(PartitionKind::ListColumns, columns)
    }

    /// `HASH (`column`)`.
    pub fn hash(column: impl Into<String>) -> Self {
        Self::with_expr(PartitionKind::Hash, PartitionExpr::Column(column.into()))
    }

    /// `HASH (expr)` over a raw SQL expression.
    pub fn hash_expr(sql: impl Into<String>) -> Self {
        Self::with_expr(PartitionKind::Hash, PartitionExpr::Expr(sql.into()))
    }

    /// `KEY (c1, ...)`; no columns means the primary key (`KEY ()`).
    pub fn key<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_columns(PartitionKind::Key, columns)
    }

    /// Adds a named partition (for a sub-partition spec: a template entry).
    pub fn partition(mut self, def: PartitionDef) -> Self {
        self.defs.push(def);
        self
    }

    /// Hash / key only: `PARTITIONS n` (or `SUBPARTITIONS n` on a sub-partition spec).
    pub fn partitions(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Sets the sub-partition spec (second and last level).
    pub fn subpartition_by(mut self, sub: Partition) -> Self {
        self.sub = Some(Box::new(sub));
        self
    }

    /// The method.
    pub fn kind(&self) -> PartitionKind {
        self.kind
    }

    /// The columns the partitioning (of both levels) depends on, where known: plain
    /// column expressions and column lists (`KEY ()` and raw expressions add none).
    pub fn key_columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = match &self.expr {
            Some(PartitionExpr::Column(c)) => vec![c.as_str()],
            _ => self.columns.iter().map(String::as_str).collect(),
        };
        if let Some(sub) = &self.sub {
            out.extend(sub.key_columns());
        }
        out
    }

    /// Every (sub-)partition name this spec declares, as `(partition, subpartition)`.
    pub fn names(&self) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for d in &self.defs {
            if d.subpartitions.is_empty() {
                out.push((d.name.clone(), None));
            }
            for s in &d.subpartitions {
                out.push((d.name.clone(), Some(s.name.clone())));
            }
        }
        out
    }
}

impl Partition {
    fn head(&self, style: IdentStyle) -> String {
        let target = match &self.expr {
            Some(PartitionExpr::Column(c)) => style.render(c),
            Some(PartitionExpr::Expr(e)) => e.clone(),
            None => self
                .columns
                .iter()
                .map(|c| style.render(c))
                .collect::<Vec<_>>()
                .join(","),
        };
        format!("{} ({target})", self.kind.keyword())
    }

    fn render_sub(&self, style: IdentStyle) -> String {
        let mut out = format!("SUBPARTITION BY {}", self.head(style));
        if let Some(n) = self.count {
            out.push_str(&format!(" SUBPARTITIONS {n}"));
        } else if !self.defs.is_empty() {
            out.push_str(" SUBPARTITION TEMPLATE (");
            for (i, d) in self.defs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                d.render("SUBPARTITION", style, &mut out);
            }
            out.push(')');
        }
        out
    }

    /// The validated clause, identifiers rendered in `style`.
    pub fn to_sql_with(&self, style: IdentStyle) -> Result<String> {
        self.validate()?;
        let mut out = format!("PARTITION BY {}", self.head(style));
        if let Some(sub) = &self.sub {
            out.push(' ');
            out.push_str(&sub.render_sub(style));
        }
        if let Some(n) = self.count {
            out.push_str(&format!(" PARTITIONS {n}"));
        } else if !self.defs.is_empty() {
            out.push_str(" (");
            for (i, d) in self.defs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                d.render("PARTITION", style, &mut out);
            }
            out.push(')');
        }
        Ok(out)
    }

    /// The validated clause with every identifier backtick-quoted.
    pub fn to_sql(&self) -> Result<String> {
        self.to_sql_with(IdentStyle::Quoted)
    }
}

#[cfg(test)]
mod tests;
