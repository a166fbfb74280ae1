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

use super::ident::{eq_ci, quote_string, validate_ident, IdentKind, IdentStyle};
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

    fn render(&self, out: &mut String) {
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

    fn validate(&self, parameter: &str) -> Result<()> {
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

fn render_values(values: &[PartitionValue], out: &mut String) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        v.render(out);
    }
}

fn validate_expr(parameter: &str, e: &str) -> Result<()> {
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

/// What a single partition holds.
#[derive(Debug, Clone, PartialEq)]
enum Bound {
    /// Hash / key partitions: a name only.
    None,
    /// `VALUES LESS THAN (...)`.
    LessThan(Vec<PartitionValue>),
    /// `VALUES IN (...)`.
    In(Vec<PartitionValue>),
}

/// One named partition (or sub-partition).
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionDef {
    name: String,
    bound: Bound,
    subpartitions: Vec<PartitionDef>,
}

impl PartitionDef {
    /// A range partition `VALUES LESS THAN (value)`.
    pub fn less_than(name: impl Into<String>, value: impl Into<PartitionValue>) -> Self {
        Self::less_than_values(name, [value.into()])
    }

    /// A range-columns partition over several columns: `VALUES LESS THAN (a, b)`.
    pub fn less_than_values<I>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = PartitionValue>,
    {
        PartitionDef {
            name: name.into(),
            bound: Bound::LessThan(values.into_iter().collect()),
            subpartitions: Vec::new(),
        }
    }

    /// A list partition `VALUES IN (v1, v2, ...)`.
    pub fn values_in<I, V>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<PartitionValue>,
    {
        PartitionDef {
            name: name.into(),
            bound: Bound::In(values.into_iter().map(Into::into).collect()),
            subpartitions: Vec::new(),
        }
    }

    /// The catch-all list partition `VALUES IN (DEFAULT)`.
    pub fn default_values(name: impl Into<String>) -> Self {
        Self::values_in(name, [PartitionValue::Default])
    }

    /// A hash / key partition: just a name.
    pub fn named(name: impl Into<String>) -> Self {
        PartitionDef {
            name: name.into(),
            bound: Bound::None,
            subpartitions: Vec::new(),
        }
    }

    /// Adds an explicit sub-partition to this partition (the parent's
    /// [`Partition::subpartition_by`] spec must then have neither a count nor a template).
    pub fn subpartition(mut self, sub: PartitionDef) -> Self {
        self.subpartitions.push(sub);
        self
    }

    /// The partition's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn render(&self, keyword: &str, style: IdentStyle, out: &mut String) {
        out.push_str(keyword);
        out.push(' ');
        out.push_str(&style.render(&self.name));
        match &self.bound {
            Bound::None => {}
            Bound::LessThan(v) => {
                out.push_str(" VALUES LESS THAN (");
                render_values(v, out);
                out.push(')');
            }
            Bound::In(v) => {
                out.push_str(" VALUES IN (");
                render_values(v, out);
                out.push(')');
            }
        }
        if !self.subpartitions.is_empty() {
            out.push_str(" (");
            for (i, s) in self.subpartitions.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                s.render("SUBPARTITION", style, out);
            }
            out.push(')');
        }
    }
}

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

    fn validate_level(&self, level: &str, is_sub: bool) -> Result<()> {
        let k = self.kind;
        let p = |what: &str| format!("{level}.{what}");
        match &self.expr {
            Some(PartitionExpr::Column(c)) => validate_ident(&p("column"), c, IdentKind::Column)?,
            Some(PartitionExpr::Expr(e)) => validate_expr(&p("expr"), e)?,
            None => {}
        }
        if k.uses_columns() {
            if self.columns.is_empty() && k != PartitionKind::Key {
                return Err(Error::validation(
                    p("columns"),
                    format!("{} needs at least one column", k.keyword()),
                ));
            }
            for (i, c) in self.columns.iter().enumerate() {
                validate_ident(&p(&format!("columns[{i}]")), c, IdentKind::Column)?;
            }
        }
        if let Some(n) = self.count {
            if !matches!(k, PartitionKind::Hash | PartitionKind::Key) {
                return Err(Error::validation(
                    p("partitions"),
                    format!(
                        "a partition count applies to HASH and KEY, not {}",
                        k.keyword()
                    ),
                ));
            }
            if n == 0 {
                return Err(Error::validation(p("partitions"), "must be at least 1"));
            }
            if !self.defs.is_empty() {
                return Err(Error::validation(
                    p("partitions"),
                    "give either a partition count or named partitions, not both",
                ));
            }
        }
        if (k.is_range() || k.is_list())
            && self.defs.is_empty()
            && !(is_sub && self.count.is_none())
        {
            return Err(Error::validation(
                p("partitions"),
                format!("{} partitioning needs at least one partition", k.keyword()),
            ));
        }
        let ncols = if k.uses_columns() {
            self.columns.len()
        } else {
            1
        };
        for (i, d) in self.defs.iter().enumerate() {
            let dp = p(&format!("partitions[{i}]"));
            validate_ident(&format!("{dp}.name"), &d.name, IdentKind::Partition)?;
            if self.defs[..i].iter().any(|o| eq_ci(&o.name, &d.name)) {
                return Err(Error::validation(
                    format!("{dp}.name"),
                    format!("partition name {:?} is used twice", d.name),
                ));
            }
            if is_sub && !d.subpartitions.is_empty() {
                return Err(Error::validation(
                    format!("{dp}.subpartitions"),
                    "at most two partition levels",
                ));
            }
            match (&d.bound, k) {
                (Bound::LessThan(v), PartitionKind::Range | PartitionKind::RangeColumns) => {
                    if v.len() != ncols {
                        return Err(Error::validation(
                            dp,
                            format!("VALUES LESS THAN needs {ncols} value(s), got {}", v.len()),
                        ));
                    }
                    for x in v {
                        if matches!(x, PartitionValue::Default | PartitionValue::Tuple(_)) {
                            return Err(Error::validation(
                                dp,
                                "range bounds are values or MAXVALUE",
                            ));
                        }
                        x.validate(&dp)?;
                    }
                }
                (Bound::In(v), PartitionKind::List | PartitionKind::ListColumns) => {
                    if v.is_empty() {
                        return Err(Error::validation(dp, "VALUES IN needs at least one value"));
                    }
                    if v.contains(&PartitionValue::Default) && v.len() > 1 {
                        return Err(Error::validation(dp, "DEFAULT must stand alone"));
                    }
                    for x in v {
                        if matches!(x, PartitionValue::MaxValue) {
                            return Err(Error::validation(dp, "MAXVALUE is for range partitions"));
                        }
                        if let PartitionValue::Tuple(t) = x {
                            if t.len() != ncols {
                                return Err(Error::validation(
                                    dp,
                                    format!("a tuple needs {ncols} value(s), got {}", t.len()),
                                ));
                            }
                        }
                        x.validate(&dp)?;
                    }
                }
                (Bound::None, PartitionKind::Hash | PartitionKind::Key) => {}
                _ => {
                    return Err(Error::validation(
                        dp,
                        format!(
                            "this partition's bound does not fit {} partitioning (range: \
                             less_than, list: values_in, hash/key: named)",
                            k.keyword()
                        ),
                    ))
                }
            }
        }
        if matches!(k, PartitionKind::Hash | PartitionKind::Key)
            && self.count.is_none()
            && self.defs.is_empty()
            && !is_sub
        {
            return Err(Error::validation(
                p("partitions"),
                "HASH/KEY partitioning needs a partition count or named partitions",
            ));
        }
        Ok(())
    }

    /// Checks both levels.
    pub fn validate(&self) -> Result<()> {
        self.validate_level("partition", false)?;
        let explicit = self.defs.iter().any(|d| !d.subpartitions.is_empty());
        match &self.sub {
            None => {
                if explicit {
                    return Err(Error::validation(
                        "partition.subpartitions",
                        "explicit sub-partitions need a sub-partition spec (subpartition_by)",
                    ));
                }
            }
            Some(sub) => {
                if sub.sub.is_some() {
                    return Err(Error::validation(
                        "subpartition",
                        "at most two partition levels: a sub-partition cannot be partitioned again",
                    ));
                }
                sub.validate_level("subpartition", true)?;
                let spec = sub.count.is_some() || !sub.defs.is_empty();
                if spec && explicit {
                    return Err(Error::validation(
                        "subpartition",
                        "give sub-partitions either as a count/template or per partition, not both",
                    ));
                }
                if !spec {
                    if self.defs.is_empty() || self.defs.iter().any(|d| d.subpartitions.is_empty())
                    {
                        return Err(Error::validation(
                            "subpartition",
                            "without a count or template every partition needs explicit sub-partitions",
                        ));
                    }
                    // Explicit sub-partitions must fit the sub-partition method.
                    let probe = Partition {
                        sub: None,
                        defs: Vec::new(),
                        ..(**sub).clone()
                    };
                    for (i, d) in self.defs.iter().enumerate() {
                        let check = Partition {
                            defs: d.subpartitions.clone(),
                            ..probe.clone()
                        };
                        check.validate_level(
                            &format!("partition.partitions[{i}].subpartitions"),
                            true,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

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
mod tests {
    use super::*;
    use PartitionValue::{Default as Def, MaxValue};

    fn param_of(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(Error::Validation { parameter, .. }) => parameter,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn py(p: &Partition) -> String {
        p.to_sql_with(IdentStyle::Minimal).unwrap()
    }

    fn ranges(p: Partition, bounds: &[(&str, i64)]) -> Partition {
        bounds
            .iter()
            .fold(p, |p, (n, b)| p.partition(PartitionDef::less_than(*n, *b)))
    }

    fn lists(p: Partition, bounds: &[(&str, &[i64])]) -> Partition {
        bounds.iter().fold(p, |p, (n, b)| {
            p.partition(PartitionDef::values_in(*n, b.iter().copied()))
        })
    }

    fn hash_names(p: Partition, names: &[&str]) -> Partition {
        names
            .iter()
            .fold(p, |p, n| p.partition(PartitionDef::named(*n)))
    }

    // pyobvector tests/test_partition_compile.py, every asserted string.

    #[test]
    fn pyobvector_range_and_range_columns_partition() {
        let range = Partition::range("id")
            .partition(PartitionDef::less_than("p0", 100))
            // pyobvector passes the raw string "maxvalue"
            .partition(PartitionDef::less_than(
                "p1",
                PartitionValue::expr("maxvalue"),
            ));
        assert_eq!(
            py(&range),
            "PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100),PARTITION p1 VALUES LESS THAN (maxvalue))"
        );
        let range_columns = Partition::range_columns(["log_date"])
            .partition(PartitionDef::less_than("M202001", "2020/02/01"))
            .partition(PartitionDef::less_than("M202002", "2020/03/01"))
            .partition(PartitionDef::less_than("M202003", "2020/04/01"))
            .partition(PartitionDef::less_than("MMAX", MaxValue));
        assert_eq!(
            py(&range_columns),
            "PARTITION BY RANGE COLUMNS (log_date) (PARTITION M202001 VALUES LESS THAN ('2020/02/01'),PARTITION M202002 VALUES LESS THAN ('2020/03/01'),PARTITION M202003 VALUES LESS THAN ('2020/04/01'),PARTITION MMAX VALUES LESS THAN (MAXVALUE))"
        );
    }

    #[test]
    fn pyobvector_list_and_list_columns_partition() {
        let list = lists(
            Partition::list("col1"),
            &[("p0", &[1, 2, 3]), ("p1", &[5, 6])],
        )
        .partition(PartitionDef::default_values("p2"));
        assert_eq!(
            py(&list),
            "PARTITION BY LIST (col1) (PARTITION p0 VALUES IN (1,2,3),PARTITION p1 VALUES IN (5,6),PARTITION p2 VALUES IN (DEFAULT))"
        );
        let list_columns = Partition::list_columns(["partition_id"])
            .partition(PartitionDef::values_in("p0", ["00", "01"]))
            .partition(PartitionDef::values_in("p1", ["02", "03"]))
            .partition(PartitionDef::values_in("p2", [Def]));
        assert_eq!(
            py(&list_columns),
            "PARTITION BY LIST COLUMNS (partition_id) (PARTITION p0 VALUES IN ('00','01'),PARTITION p1 VALUES IN ('02','03'),PARTITION p2 VALUES IN (DEFAULT))"
        );
    }

    #[test]
    fn pyobvector_hash_and_key_partition() {
        assert_eq!(
            py(&Partition::hash("col1").partitions(60)),
            "PARTITION BY HASH (col1) PARTITIONS 60"
        );
        assert_eq!(
            py(&Partition::key(["id", "gmt_create"]).partitions(10)),
            "PARTITION BY KEY (id,gmt_create) PARTITIONS 10"
        );
    }

    #[test]
    fn pyobvector_range_columns_with_sub_partition() {
        let main = || {
            ranges(
                Partition::range_columns(["col1"]),
                &[("p0", 100), ("p1", 200), ("p2", 300)],
            )
        };
        let tail = "(PARTITION p0 VALUES LESS THAN (100),PARTITION p1 VALUES LESS THAN (200),PARTITION p2 VALUES LESS THAN (300))";
        let sub = ranges(
            Partition::range("col3"),
            &[("mp0", 1000), ("mp1", 2000), ("mp2", 3000)],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY RANGE (col3) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (1000),SUBPARTITION mp1 VALUES LESS THAN (2000),SUBPARTITION mp2 VALUES LESS THAN (3000)) {tail}")
        );
        let sub = ranges(
            Partition::range_columns(["col2"]),
            &[("mp0", 1000), ("mp1", 2000), ("mp2", 3000)],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (1000),SUBPARTITION mp1 VALUES LESS THAN (2000),SUBPARTITION mp2 VALUES LESS THAN (3000)) {tail}")
        );
        let sub = lists(
            Partition::list_columns(["col2"]),
            &[("mp0", &[1, 3]), ("mp1", &[4, 6]), ("mp2", &[7])],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES IN (1,3),SUBPARTITION mp1 VALUES IN (4,6),SUBPARTITION mp2 VALUES IN (7)) {tail}")
        );
        assert_eq!(
            py(&main().subpartition_by(Partition::hash("col2").partitions(5))),
            format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY HASH (col2) SUBPARTITIONS 5 {tail}")
        );
        assert_eq!(
            py(&main().subpartition_by(Partition::key(["col2"]).partitions(3))),
            format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY KEY (col2) SUBPARTITIONS 3 {tail}")
        );
    }

    #[test]
    fn pyobvector_list_with_sub_partitions() {
        let main = || {
            lists(
                Partition::list("col1"),
                &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
            )
        };
        let tail = "(PARTITION p0 VALUES IN (1,3),PARTITION p1 VALUES IN (4,6),PARTITION p2 VALUES IN (7,9))";
        let sub = ranges(
            Partition::range("col2"),
            &[("mp0", 100), ("mp1", 200), ("mp2", 300)],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            format!("PARTITION BY LIST (col1) SUBPARTITION BY RANGE (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (100),SUBPARTITION mp1 VALUES LESS THAN (200),SUBPARTITION mp2 VALUES LESS THAN (300)) {tail}")
        );
        assert_eq!(
            py(&main().subpartition_by(Partition::hash("col3").partitions(3))),
            format!("PARTITION BY LIST (col1) SUBPARTITION BY HASH (col3) SUBPARTITIONS 3 {tail}")
        );
        assert_eq!(
            py(&main().subpartition_by(Partition::key(["col3"]).partitions(3))),
            format!("PARTITION BY LIST (col1) SUBPARTITION BY KEY (col3) SUBPARTITIONS 3 {tail}")
        );
    }

    #[test]
    fn pyobvector_list_columns_with_sub_partitions() {
        let main = || {
            lists(
                Partition::list_columns(["col1"]),
                &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
            )
        };
        let tail = "(PARTITION p0 VALUES IN (1,3),PARTITION p1 VALUES IN (4,6),PARTITION p2 VALUES IN (7,9))";
        let sub = ranges(
            Partition::range_columns(["col2"]),
            &[("mp0", 100), ("mp1", 200), ("mp2", 300)],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            format!("PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (100),SUBPARTITION mp1 VALUES LESS THAN (200),SUBPARTITION mp2 VALUES LESS THAN (300)) {tail}")
        );
        let sub = lists(
            Partition::list_columns(["col2"]),
            &[("mp0", &[2]), ("mp1", &[5]), ("mp2", &[8])],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            format!("PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES IN (2),SUBPARTITION mp1 VALUES IN (5),SUBPARTITION mp2 VALUES IN (8)) {tail}")
        );
        assert_eq!(
            py(&main().subpartition_by(Partition::hash("col2").partitions(5))),
            format!("PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY HASH (col2) SUBPARTITIONS 5 {tail}")
        );
        assert_eq!(
            py(&main().subpartition_by(Partition::key(["col2"]).partitions(3))),
            format!("PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY KEY (col2) SUBPARTITIONS 3 {tail}")
        );
    }

    #[test]
    fn pyobvector_hash_with_sub_partitions() {
        let main = || Partition::hash("col1").partitions(5);
        let sub = ranges(
            Partition::range_columns(["col2"]),
            &[("p0", 100), ("p1", 200), ("p2", 300)],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            "PARTITION BY HASH (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES LESS THAN (100),SUBPARTITION p1 VALUES LESS THAN (200),SUBPARTITION p2 VALUES LESS THAN (300)) PARTITIONS 5"
        );
        let sub = lists(
            Partition::list_columns(["col2"]),
            &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            "PARTITION BY HASH (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES IN (1,3),SUBPARTITION p1 VALUES IN (4,6),SUBPARTITION p2 VALUES IN (7,9)) PARTITIONS 5"
        );
        let sub = hash_names(Partition::hash("col2"), &["sp0", "sp1", "sp2"]);
        assert_eq!(
            py(&main().subpartition_by(sub)),
            "PARTITION BY HASH (col1) SUBPARTITION BY HASH (col2) SUBPARTITION TEMPLATE (SUBPARTITION sp0,SUBPARTITION sp1,SUBPARTITION sp2) PARTITIONS 5"
        );
        let sub = hash_names(Partition::key(["col2"]), &["sp0", "sp1", "sp2"]);
        assert_eq!(
            py(&main().subpartition_by(sub)),
            "PARTITION BY HASH (col1) SUBPARTITION BY KEY (col2) SUBPARTITION TEMPLATE (SUBPARTITION sp0,SUBPARTITION sp1,SUBPARTITION sp2) PARTITIONS 5"
        );
    }

    #[test]
    fn pyobvector_key_with_sub_partitions() {
        let main = || hash_names(Partition::key(["col1"]), &["p0", "p1", "p2"]);
        let sub = ranges(
            Partition::range_columns(["col2"]),
            &[("p0", 100), ("p1", 200), ("p2", 300)],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            "PARTITION BY KEY (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES LESS THAN (100),SUBPARTITION p1 VALUES LESS THAN (200),SUBPARTITION p2 VALUES LESS THAN (300)) (PARTITION p0,PARTITION p1,PARTITION p2)"
        );
        let sub = lists(
            Partition::list_columns(["col2"]),
            &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
        );
        assert_eq!(
            py(&main().subpartition_by(sub)),
            "PARTITION BY KEY (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES IN (1,3),SUBPARTITION p1 VALUES IN (4,6),SUBPARTITION p2 VALUES IN (7,9)) (PARTITION p0,PARTITION p1,PARTITION p2)"
        );
        let sub = hash_names(Partition::key(["col2"]), &["sp0", "sp1", "sp2"]);
        assert_eq!(
            py(&main().subpartition_by(sub)),
            "PARTITION BY KEY (col1) SUBPARTITION BY KEY (col2) SUBPARTITION TEMPLATE (SUBPARTITION sp0,SUBPARTITION sp1,SUBPARTITION sp2) (PARTITION p0,PARTITION p1,PARTITION p2)"
        );
    }

    #[test]
    fn pyobvector_named_hash() {
        assert_eq!(
            py(&hash_names(Partition::hash("c"), &["a", "b"])),
            "PARTITION BY HASH (c) (PARTITION a,PARTITION b)"
        );
    }

    // Our own rendering: quoted identifiers, escaped strings, explicit sub-partitions.

    #[test]
    fn quoted_rendering() {
        let p = Partition::range_columns(["id", "d"])
            .partition(PartitionDef::less_than_values(
                "p0",
                [10.into(), "2020-01-01".into()],
            ))
            .partition(PartitionDef::less_than_values("p1", [MaxValue, MaxValue]));
        assert_eq!(
            p.to_sql().unwrap(),
            "PARTITION BY RANGE COLUMNS (`id`,`d`) (PARTITION `p0` VALUES LESS THAN (10,'2020-01-01'),PARTITION `p1` VALUES LESS THAN (MAXVALUE,MAXVALUE))"
        );
        let p = Partition::list_columns(["d"])
            .partition(PartitionDef::values_in("p0", ["a'b", "c\\d"]))
            .partition(PartitionDef::default_values("p`1"));
        assert_eq!(
            p.to_sql().unwrap(),
            "PARTITION BY LIST COLUMNS (`d`) (PARTITION `p0` VALUES IN ('a''b','c\\\\d'),PARTITION `p``1` VALUES IN (DEFAULT))"
        );
        let p = Partition::list_columns(["a", "b"]).partition(PartitionDef::values_in(
            "p0",
            [
                PartitionValue::Tuple(vec![1.into(), "x".into()]),
                PartitionValue::Tuple(vec![2.into(), "y".into()]),
            ],
        ));
        assert_eq!(
            p.to_sql().unwrap(),
            "PARTITION BY LIST COLUMNS (`a`,`b`) (PARTITION `p0` VALUES IN ((1,'x'),(2,'y')))"
        );
        let p = Partition::range_expr("YEAR(d)")
            .partition(PartitionDef::less_than("p0", 2020u32))
            .partition(PartitionDef::less_than("p1", MaxValue));
        assert_eq!(
            p.to_sql().unwrap(),
            "PARTITION BY RANGE (YEAR(d)) (PARTITION `p0` VALUES LESS THAN (2020),PARTITION `p1` VALUES LESS THAN (MAXVALUE))"
        );
        assert_eq!(
            Partition::key(Vec::<String>::new())
                .partitions(3)
                .to_sql()
                .unwrap(),
            "PARTITION BY KEY () PARTITIONS 3"
        );
        let p = Partition::hash_expr("id % 7").partitions(2);
        assert_eq!(
            p.to_sql().unwrap(),
            "PARTITION BY HASH (id % 7) PARTITIONS 2"
        );
    }

    #[test]
    fn explicit_subpartitions() {
        let p = Partition::range("id")
            .partition(
                PartitionDef::less_than("p0", 100)
                    .subpartition(PartitionDef::named("a"))
                    .subpartition(PartitionDef::named("b")),
            )
            .partition(
                PartitionDef::less_than("p1", MaxValue).subpartition(PartitionDef::named("c")),
            )
            .subpartition_by(Partition::hash("c2"));
        assert_eq!(
            p.to_sql().unwrap(),
            "PARTITION BY RANGE (`id`) SUBPARTITION BY HASH (`c2`) (PARTITION `p0` VALUES LESS THAN (100) (SUBPARTITION `a`,SUBPARTITION `b`),PARTITION `p1` VALUES LESS THAN (MAXVALUE) (SUBPARTITION `c`))"
        );
        assert_eq!(
            p.names(),
            vec![
                ("p0".into(), Some("a".into())),
                ("p0".into(), Some("b".into())),
                ("p1".into(), Some("c".into()))
            ]
        );
        assert_eq!(p.key_columns(), vec!["id", "c2"]);
        let p = hash_names(Partition::key(["id"]), &[])
            .partition(
                PartitionDef::named("p0")
                    .subpartition(PartitionDef::less_than("s0", 5))
                    .subpartition(PartitionDef::less_than("s1", MaxValue)),
            )
            .subpartition_by(Partition::range("c2"));
        assert_eq!(
            p.to_sql().unwrap(),
            "PARTITION BY KEY (`id`) SUBPARTITION BY RANGE (`c2`) (PARTITION `p0` (SUBPARTITION `s0` VALUES LESS THAN (5),SUBPARTITION `s1` VALUES LESS THAN (MAXVALUE)))"
        );
    }

    #[test]
    fn rejects_bad_specs() {
        let sub = || Partition::hash("c").partitions(2);
        // third level
        let third = Partition::hash("a")
            .partitions(2)
            .subpartition_by(sub().subpartition_by(sub()));
        assert_eq!(param_of(third.to_sql()), "subpartition");
        // explicit sub-partitions inside a template
        let nested = Partition::hash("a").partitions(2).subpartition_by(
            Partition::range("b")
                .partition(PartitionDef::less_than("s", 1).subpartition(PartitionDef::named("x"))),
        );
        assert_eq!(
            param_of(nested.to_sql()),
            "subpartition.partitions[0].subpartitions"
        );
        assert_eq!(
            param_of(Partition::range("id").to_sql()),
            "partition.partitions"
        );
        assert_eq!(
            param_of(Partition::hash("id").to_sql()),
            "partition.partitions"
        );
        assert_eq!(
            param_of(Partition::hash("id").partitions(0).to_sql()),
            "partition.partitions"
        );
        assert_eq!(
            param_of(
                Partition::hash("id")
                    .partitions(2)
                    .partition(PartitionDef::named("a"))
                    .to_sql()
            ),
            "partition.partitions"
        );
        assert_eq!(
            param_of(Partition::range("id").partitions(2).to_sql()),
            "partition.partitions"
        );
        assert_eq!(
            param_of(
                Partition::range("id")
                    .partition(PartitionDef::values_in("p", [1]))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::list("id")
                    .partition(PartitionDef::less_than("p", 1))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::list("id")
                    .partition(PartitionDef::values_in("p", [MaxValue]))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::list("id")
                    .partition(PartitionDef::values_in("p", [Def, 1.into()]))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::list("id")
                    .partition(PartitionDef::values_in("p", Vec::<i64>::new()))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::range("id")
                    .partition(PartitionDef::less_than("p", Def))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::range_columns(["a", "b"])
                    .partition(PartitionDef::less_than("p", 1))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::range("id")
                    .partition(PartitionDef::less_than("p", 1))
                    .partition(PartitionDef::less_than("P", 2))
                    .to_sql()
            ),
            "partition.partitions[1].name"
        );
        assert_eq!(
            param_of(
                Partition::range("id")
                    .partition(PartitionDef::less_than("", 1))
                    .to_sql()
            ),
            "partition.partitions[0].name"
        );
        assert_eq!(
            param_of(
                Partition::range("id")
                    .partition(PartitionDef::less_than(
                        "p",
                        PartitionValue::expr("1; DROP TABLE x")
                    ))
                    .to_sql()
            ),
            "partition.partitions[0]"
        );
        assert_eq!(
            param_of(Partition::range_expr("a -- x").to_sql()),
            "partition.expr"
        );
        assert_eq!(param_of(Partition::range("").to_sql()), "partition.column");
        assert_eq!(
            param_of(Partition::range_columns(Vec::<String>::new()).to_sql()),
            "partition.columns"
        );
        // explicit sub-partitions without a spec, or mixed with a template
        let explicit = || {
            Partition::range("id")
                .partition(PartitionDef::less_than("p0", 1).subpartition(PartitionDef::named("a")))
        };
        assert_eq!(param_of(explicit().to_sql()), "partition.subpartitions");
        assert_eq!(
            param_of(explicit().subpartition_by(sub()).to_sql()),
            "subpartition"
        );
        let missing = explicit()
            .partition(PartitionDef::less_than("p1", 2))
            .subpartition_by(Partition::hash("c"));
        assert_eq!(param_of(missing.to_sql()), "subpartition");
        let wrong = explicit().subpartition_by(Partition::range("c"));
        assert_eq!(
            param_of(wrong.to_sql()),
            "partition.partitions[0].subpartitions.partitions[0]"
        );
        assert_eq!(
            param_of(
                Partition::hash("a")
                    .partitions(2)
                    .subpartition_by(Partition::hash("b"))
                    .to_sql()
            ),
            "subpartition"
        );
    }
}
