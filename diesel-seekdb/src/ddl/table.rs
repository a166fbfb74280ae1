//! Tables: `CREATE TABLE` with typed columns, keys, vector and full-text indexes,
//! partitions and table options; `ALTER TABLE ... ADD/DROP COLUMN`; `DROP TABLE`.
//!
//! Checked before rendering (seekdb's server error codes in parentheses):
//! * vector dimensions 1..=16000 (error 1235); `ARRAY` element types (error 1235);
//! * vector, sparse-vector, array, TEXT and JSON columns can't have a default (error 1101),
//!   be (part of) a primary key (error 1167) or a normal/unique index (error 1235);
//! * a vector index goes on one `VECTOR`/`SPARSEVECTOR` column, one per column (error 1235),
//!   with the type-specific rules of [`VectorIndex`] (using the column's dimension and
//!   the table's `LOB_INROW_THRESHOLD`);
//! * full-text indexes cover text columns only (error 1283);
//! * a primary key must include the partitioning columns (error 1503);
//! * `AUTO_INCREMENT` on one integer column; names unique and within seekdb's limits.

use std::fmt::Write as _;

use super::fulltext::FullTextIndex;
use super::ident::{eq_ci, quote_ident, quote_string, validate_ident, IdentKind};
use super::partition::Partition;
use super::vector_index::{SyncMode, VectorIndex, MAX_LOB_INROW_THRESHOLD};
use crate::codec::MAX_DIMENSIONS;
use crate::{Error, Result};

/// Deepest `ARRAY(ARRAY(...))` nesting accepted (pyobvector's limit).
pub const MAX_ARRAY_DEPTH: usize = 6;

/// A column type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnType {
    /// `TINYINT`.
    TinyInt,
    /// `TINYINT UNSIGNED`.
    TinyIntUnsigned,
    /// `SMALLINT`.
    SmallInt,
    /// `SMALLINT UNSIGNED`.
    SmallIntUnsigned,
    /// `INT`.
    Int,
    /// `INT UNSIGNED`.
    IntUnsigned,
    /// `BIGINT`.
    BigInt,
    /// `BIGINT UNSIGNED`.
    BigIntUnsigned,
    /// `FLOAT`.
    Float,
    /// `DOUBLE`.
    Double,
    /// `DECIMAL(precision, scale)` (precision 1–65, scale ≤ 30 and ≤ precision).
    Decimal(u32, u32),
    /// `VARCHAR(n)` (1–262144 characters).
    Varchar(u32),
    /// `CHAR(n)` (1–255 characters).
    Char(u32),
    /// `TEXT`.
    Text,
    /// `LONGTEXT`.
    LongText,
    /// `JSON`.
    Json,
    /// `DATETIME`.
    DateTime,
    /// `TIMESTAMP`.
    Timestamp,
    /// `DATE`.
    Date,
    /// `BOOL` (stored as `TINYINT(1)`).
    Bool,
    /// `VECTOR(dim)`, 1 ≤ dim ≤ 16000.
    Vector(u32),
    /// `SPARSEVECTOR`.
    SparseVector,
    /// `ARRAY(element)`: elements may be integer types, FLOAT, DOUBLE, BOOL,
    /// VARCHAR(n), VECTOR(n) or a nested ARRAY (depth ≤ 6).
    Array(Box<ColumnType>),
}

impl ColumnType {
    /// `ARRAY(element)`.
    pub fn array(element: ColumnType) -> Self {
        ColumnType::Array(Box::new(element))
    }

    /// The SQL spelling.
    pub fn to_sql(&self) -> String {
        match self {
            ColumnType::TinyInt => "TINYINT".into(),
            ColumnType::TinyIntUnsigned => "TINYINT UNSIGNED".into(),
            ColumnType::SmallInt => "SMALLINT".into(),
            ColumnType::SmallIntUnsigned => "SMALLINT UNSIGNED".into(),
            ColumnType::Int => "INT".into(),
            ColumnType::IntUnsigned => "INT UNSIGNED".into(),
            ColumnType::BigInt => "BIGINT".into(),
            ColumnType::BigIntUnsigned => "BIGINT UNSIGNED".into(),
            ColumnType::Float => "FLOAT".into(),
            ColumnType::Double => "DOUBLE".into(),
            ColumnType::Decimal(p, s) => format!("DECIMAL({p}, {s})"),
            ColumnType::Varchar(n) => format!("VARCHAR({n})"),
            ColumnType::Char(n) => format!("CHAR({n})"),
            ColumnType::Text => "TEXT".into(),
            ColumnType::LongText => "LONGTEXT".into(),
            ColumnType::Json => "JSON".into(),
            ColumnType::DateTime => "DATETIME".into(),
            ColumnType::Timestamp => "TIMESTAMP".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Bool => "BOOL".into(),
            ColumnType::Vector(d) => format!("VECTOR({d})"),
            ColumnType::SparseVector => "SPARSEVECTOR".into(),
            ColumnType::Array(e) => format!("ARRAY({})", e.to_sql()),
        }
    }

    /// Integer types (the ones `AUTO_INCREMENT` accepts).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::TinyInt
                | ColumnType::TinyIntUnsigned
                | ColumnType::SmallInt
                | ColumnType::SmallIntUnsigned
                | ColumnType::Int
                | ColumnType::IntUnsigned
                | ColumnType::BigInt
                | ColumnType::BigIntUnsigned
        )
    }

    /// Types a full-text index can cover.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            ColumnType::Varchar(_) | ColumnType::Char(_) | ColumnType::Text | ColumnType::LongText
        )
    }

    /// Types that take no default and no normal index / primary key.
    fn is_lob_like(&self) -> bool {
        matches!(
            self,
            ColumnType::Text
                | ColumnType::LongText
                | ColumnType::Json
                | ColumnType::Vector(_)
                | ColumnType::SparseVector
                | ColumnType::Array(_)
        )
    }

    /// Checks sizes and array element types.
    pub fn validate(&self, parameter: &str) -> Result<()> {
        self.validate_depth(parameter, 0)
    }

    fn validate_depth(&self, parameter: &str, depth: usize) -> Result<()> {
        match self {
            ColumnType::Vector(d) if *d == 0 || *d as usize > MAX_DIMENSIONS => {
                return Err(Error::validation(
                    parameter,
                    format!("VECTOR dimension must be 1..={MAX_DIMENSIONS}, got {d}"),
                ));
            }
            ColumnType::Decimal(p, s) if *p == 0 || *p > 65 || *s > 30 || s > p => {
                return Err(Error::validation(
                    parameter,
                    format!(
                        "DECIMAL({p}, {s}): precision must be 1..=65, scale <= 30 and <= precision"
                    ),
                ));
            }
            ColumnType::Varchar(n) if *n == 0 || *n > 262_144 => {
                return Err(Error::validation(
                    parameter,
                    format!("VARCHAR length must be 1..=262144, got {n}"),
                ));
            }
            ColumnType::Char(n) if *n == 0 || *n > 255 => {
                return Err(Error::validation(
                    parameter,
                    format!("CHAR length must be 1..=255, got {n}"),
                ));
            }
            ColumnType::Array(e) => {
                if depth + 1 > MAX_ARRAY_DEPTH {
                    return Err(Error::validation(
                        parameter,
                        format!("ARRAY nesting deeper than {MAX_ARRAY_DEPTH}"),
                    ));
                }
                let ok = e.is_integer()
                    || matches!(
                        **e,
                        ColumnType::Float
                            | ColumnType::Double
                            | ColumnType::Bool
                            | ColumnType::Varchar(_)
                            | ColumnType::Vector(_)
                            | ColumnType::Array(_)
                    );
                if !ok {
                    return Err(Error::validation(
                        parameter,
                        format!(
                            "seekdb does not support ARRAY({}): elements may be integers, \
                             FLOAT, DOUBLE, BOOL, VARCHAR(n), VECTOR(n) or ARRAY",
                            e.to_sql()
                        ),
                    ));
                }
                e.validate_depth(parameter, depth + 1)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// A typed column default.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DefaultValue {
    /// `DEFAULT NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A finite float.
    Float(f64),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// A string literal (quoted and escaped).
    Str(String),
    /// `CURRENT_TIMESTAMP`.
    CurrentTimestamp,
}

impl DefaultValue {
    fn to_sql(&self) -> String {
        match self {
            DefaultValue::Null => "NULL".into(),
            DefaultValue::Int(v) => v.to_string(),
            DefaultValue::UInt(v) => v.to_string(),
            DefaultValue::Float(v) => v.to_string(),
            DefaultValue::Bool(true) => "TRUE".into(),
            DefaultValue::Bool(false) => "FALSE".into(),
            DefaultValue::Str(s) => quote_string(s),
            DefaultValue::CurrentTimestamp => "CURRENT_TIMESTAMP".into(),
        }
    }
}

impl From<i64> for DefaultValue {
    fn from(v: i64) -> Self {
        DefaultValue::Int(v)
    }
}
impl From<i32> for DefaultValue {
    fn from(v: i32) -> Self {
        DefaultValue::Int(v.into())
    }
}
impl From<u64> for DefaultValue {
    fn from(v: u64) -> Self {
        DefaultValue::UInt(v)
    }
}
impl From<f64> for DefaultValue {
    fn from(v: f64) -> Self {
        DefaultValue::Float(v)
    }
}
impl From<bool> for DefaultValue {
    fn from(v: bool) -> Self {
        DefaultValue::Bool(v)
    }
}
impl From<&str> for DefaultValue {
    fn from(v: &str) -> Self {
        DefaultValue::Str(v.into())
    }
}
impl From<String> for DefaultValue {
    fn from(v: String) -> Self {
        DefaultValue::Str(v)
    }
}

/// A column definition.
///
/// ```
/// use diesel_seekdb::ddl::{Column, ColumnType};
/// let c = Column::new("id", ColumnType::BigIntUnsigned).not_null().auto_increment().comment("row id");
/// assert_eq!(c.to_sql()?, "`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'row id'");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    name: String,
    ty: ColumnType,
    nullable: bool,
    default: Option<DefaultValue>,
    auto_increment: bool,
    comment: Option<String>,
    primary_key: bool,
}

impl Column {
    /// A nullable column.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: true,
            default: None,
            auto_increment: false,
            comment: None,
            primary_key: false,
        }
    }

    /// `NOT NULL`.
    pub fn not_null(self) -> Self {
        self.nullable(false)
    }

    /// Sets nullability (columns are nullable by default).
    pub fn nullable(mut self, nullable: bool) -> Self {
        self.nullable = nullable;
        self
    }

    /// `DEFAULT value`.
    pub fn default(mut self, value: impl Into<DefaultValue>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// `AUTO_INCREMENT` (integer columns).
    pub fn auto_increment(mut self) -> Self {
        self.auto_increment = true;
        self
    }

    /// `COMMENT '...'`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Makes this column (part of) the primary key; also implies `NOT NULL`.
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self.nullable = false;
        self
    }

    /// The column name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column type.
    pub fn column_type(&self) -> &ColumnType {
        &self.ty
    }

    /// Checks the column on its own.
    pub fn validate(&self) -> Result<()> {
        let p = format!("columns.{}", self.name);
        validate_ident("column", &self.name, IdentKind::Column)?;
        self.ty.validate(&p)?;
        if let Some(d) = &self.default {
            if self.ty.is_lob_like() {
                return Err(Error::validation(
                    format!("{p}.default"),
                    format!("{} columns can't have a default value", self.ty.to_sql()),
                ));
            }
            if *d == DefaultValue::Null && !self.nullable {
                return Err(Error::validation(
                    format!("{p}.default"),
                    "DEFAULT NULL on a NOT NULL column",
                ));
            }
            if let DefaultValue::Float(f) = d {
                if !f.is_finite() {
                    return Err(Error::validation(
                        format!("{p}.default"),
                        "a default must be a finite number",
                    ));
                }
            }
            if self.auto_increment {
                return Err(Error::validation(
                    format!("{p}.default"),
                    "an AUTO_INCREMENT column can't have a default",
                ));
            }
        }
        if self.auto_increment && !self.ty.is_integer() {
            return Err(Error::validation(
                format!("{p}.auto_increment"),
                format!(
                    "AUTO_INCREMENT needs an integer column, not {}",
                    self.ty.to_sql()
                ),
            ));
        }
        if self.primary_key {
            check_keyable(&p, &self.ty, "a primary key")?;
        }
        Ok(())
    }

    /// The column definition (`` `name` TYPE [NOT NULL] [DEFAULT ..] ... ``), without
    /// the primary-key marker (keys are rendered by [`CreateTable`]).
    pub fn to_sql(&self) -> Result<String> {
        self.validate()?;
        let mut out = format!("{} {}", quote_ident(&self.name), self.ty.to_sql());
        if !self.nullable {
            out.push_str(" NOT NULL");
        }
        if let Some(d) = &self.default {
            let _ = write!(out, " DEFAULT {}", d.to_sql());
        }
        if self.auto_increment {
            out.push_str(" AUTO_INCREMENT");
        }
        if let Some(c) = &self.comment {
            let _ = write!(out, " COMMENT {}", quote_string(c));
        }
        Ok(out)
    }
}

fn check_keyable(parameter: &str, ty: &ColumnType, what: &str) -> Result<()> {
    if ty.is_lob_like() {
        return Err(Error::validation(
            parameter,
            format!(
                "{} columns can't be part of {what}{}",
                ty.to_sql(),
                if matches!(ty, ColumnType::Vector(_) | ColumnType::SparseVector) {
                    " (use a vector index)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(())
}

/// A normal or unique secondary index.
///
/// ```
/// use diesel_seekdb::ddl::Index;
/// assert_eq!(Index::unique("uk", ["a", "b"]).to_inline_sql()?, "UNIQUE KEY `uk` (`a`, `b`)");
/// assert_eq!(Index::new("k", ["a"]).to_create_sql("t")?, "CREATE INDEX `k` ON `t` (`a`)");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    name: String,
    columns: Vec<String>,
    unique: bool,
}

impl Index {
    /// A normal index.
    pub fn new<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Index {
            name: name.into(),
            columns: columns.into_iter().map(Into::into).collect(),
            unique: false,
        }
    }

    /// A unique index.
    pub fn unique<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Index {
            unique: true,
            ..Self::new(name, columns)
        }
    }

    /// The index name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The indexed columns.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    fn validate(&self) -> Result<()> {
        validate_ident("index_name", &self.name, IdentKind::Index)?;
        validate_columns(&format!("indexes.{}", self.name), &self.columns)
    }

    fn cols(&self) -> String {
        self.columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// As a `CREATE TABLE` element: ``[UNIQUE] KEY `name` (`a`, ...)``.
    pub fn to_inline_sql(&self) -> Result<String> {
        self.validate()?;
        Ok(format!(
            "{}KEY {} ({})",
            if self.unique { "UNIQUE " } else { "" },
            quote_ident(&self.name),
            self.cols()
        ))
    }

    /// ``CREATE [UNIQUE] INDEX `name` ON `t` (`a`, ...)``.
    pub fn to_create_sql(&self, table: &str) -> Result<String> {
        validate_ident("table", table, IdentKind::Table)?;
        self.validate()?;
        Ok(format!(
            "CREATE {}INDEX {} ON {} ({})",
            if self.unique { "UNIQUE " } else { "" },
            quote_ident(&self.name),
            quote_ident(table),
            self.cols()
        ))
    }
}

fn validate_columns(parameter: &str, columns: &[String]) -> Result<()> {
    if columns.is_empty() {
        return Err(Error::validation(parameter, "needs at least one column"));
    }
    for (i, c) in columns.iter().enumerate() {
        validate_ident(&format!("{parameter}[{i}]"), c, IdentKind::Column)?;
        if columns[..i].iter().any(|o| eq_ci(o, c)) {
            return Err(Error::validation(
                format!("{parameter}[{i}]"),
                format!("column {c:?} is listed twice"),
            ));
        }
    }
    Ok(())
}

/// `ORGANIZATION INDEX | HEAP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Organization {
    /// Index-organised (seekdb's default): rows stored in primary-key order.
    Index,
    /// Heap-organised; hybrid search needs this when the table has a primary key.
    Heap,
}

impl Organization {
    fn as_str(self) -> &'static str {
        match self {
            Organization::Index => "INDEX",
            Organization::Heap => "HEAP",
        }
    }
}

/// `CREATE TABLE`.
///
/// ```
/// use diesel_seekdb::ddl::*;
/// let sql = CreateTable::new("items")
///     .if_not_exists()
///     .column(Column::new("id", ColumnType::BigInt).primary_key().auto_increment())
///     .column(Column::new("title", ColumnType::Varchar(200)).not_null().default(""))
///     .column(Column::new("embedding", ColumnType::Vector(3)))
///     .vector_index(VectorIndex::new("vidx", "embedding").m(16))
///     .fulltext_index(FullTextIndex::new("ft", ["title"]).parser(FullTextParser::ngram(2)))
///     .organization(Organization::Heap)
///     .partition(Partition::hash("id").partitions(4))
///     .to_sql()?;
/// assert_eq!(
///     sql,
///     "CREATE TABLE IF NOT EXISTS `items` (`id` BIGINT NOT NULL AUTO_INCREMENT, \
///      `title` VARCHAR(200) NOT NULL DEFAULT '', `embedding` VECTOR(3), PRIMARY KEY (`id`), \
///      VECTOR INDEX `vidx` (`embedding`) WITH (distance=l2, type=hnsw, lib=vsag, m=16), \
///      FULLTEXT INDEX `ft` (`title`) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=2)) \
///      ORGANIZATION HEAP PARTITION BY HASH (`id`) PARTITIONS 4"
/// );
/// // Rules are checked first: a vector column can't be a primary key.
/// let err = CreateTable::new("t").column(Column::new("v", ColumnType::Vector(3)).primary_key()).to_sql();
/// assert!(err.is_err());
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    name: String,
    if_not_exists: bool,
    columns: Vec<Column>,
    primary_key: Vec<String>,
    indexes: Vec<Index>,
    vector_indexes: Vec<VectorIndex>,
    fulltext_indexes: Vec<FullTextIndex>,
    partition: Option<Partition>,
    organization: Option<Organization>,
    lob_inrow_threshold: Option<u32>,
    comment: Option<String>,
}

impl CreateTable {
    /// A table named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        CreateTable {
            name: name.into(),
            if_not_exists: false,
            columns: Vec::new(),
            primary_key: Vec::new(),
            indexes: Vec::new(),
            vector_indexes: Vec::new(),
            fulltext_indexes: Vec::new(),
            partition: None,
            organization: None,
            lob_inrow_threshold: None,
            comment: None,
        }
    }

    /// `IF NOT EXISTS`.
    pub fn if_not_exists(mut self) -> Self {
        self.if_not_exists = true;
        self
    }

    /// Adds a column.
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Adds several columns.
    pub fn columns<I: IntoIterator<Item = Column>>(mut self, columns: I) -> Self {
        self.columns.extend(columns);
        self
    }

    /// A (composite) primary key; alternative to [`Column::primary_key`] (the two are
    /// merged, column order first here).
    pub fn primary_key<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a normal or unique index.
    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Adds a vector index.
    pub fn vector_index(mut self, index: VectorIndex) -> Self {
        self.vector_indexes.push(index);
        self
    }

    /// Adds a full-text index.
    pub fn fulltext_index(mut self, index: FullTextIndex) -> Self {
        self.fulltext_indexes.push(index);
        self
    }

    /// Partitions the table.
    pub fn partition(mut self, partition: Partition) -> Self {
        self.partition = Some(partition);
        self
    }

    /// `ORGANIZATION HEAP | INDEX`.
    pub fn organization(mut self, organization: Organization) -> Self {
        self.organization = Some(organization);
        self
    }

    /// `LOB_INROW_THRESHOLD=bytes` (0–786432; raise it for IVF indexes above 2048
    /// dimensions: 4 bytes per dimension).
    ///
    /// seekdb 1.4 replaces the value with its own (78643) on `ORGANIZATION HEAP` tables
    /// that carry a vector index; `SHOW CREATE TABLE` then shows that value.
    pub fn lob_inrow_threshold(mut self, bytes: u32) -> Self {
        self.lob_inrow_threshold = Some(bytes);
        self
    }

    /// `COMMENT '...'` on the table.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// The table name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The primary-key columns (table-level list, then column-level markers).
    pub fn primary_key_columns(&self) -> Vec<&str> {
        let mut pk: Vec<&str> = self.primary_key.iter().map(String::as_str).collect();
        for c in &self.columns {
            if c.primary_key && !pk.iter().any(|p| eq_ci(p, &c.name)) {
                pk.push(&c.name);
            }
        }
        pk
    }

    fn find(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| eq_ci(&c.name, name))
    }

    fn need(&self, parameter: &str, name: &str) -> Result<&Column> {
        self.find(name).ok_or_else(|| {
            Error::validation(
                parameter,
                format!("no column {name:?} in table {:?}", self.name),
            )
        })
    }

    /// Checks the whole table (see the [module docs](self)).
    pub fn validate(&self) -> Result<()> {
        validate_ident("table", &self.name, IdentKind::Table)?;
        if self.columns.is_empty() {
            return Err(Error::validation(
                "columns",
                "a table needs at least one column",
            ));
        }
        for (i, c) in self.columns.iter().enumerate() {
            c.validate()?;
            if self.columns[..i].iter().any(|o| eq_ci(&o.name, &c.name)) {
                return Err(Error::validation(
                    format!("columns.{}", c.name),
                    "column defined twice",
                ));
            }
        }
        if self.columns.iter().filter(|c| c.auto_increment).count() > 1 {
            return Err(Error::validation(
                "auto_increment",
                "only one AUTO_INCREMENT column per table",
            ));
        }
        let pk = self.primary_key_columns();
        if !self.primary_key.is_empty() {
            validate_columns("primary_key", &self.primary_key)?;
        }
        for p in &pk {
            let c = self.need("primary_key", p)?;
            check_keyable(&format!("primary_key.{p}"), &c.ty, "a primary key")?;
            if c.default == Some(DefaultValue::Null) {
                return Err(Error::validation(
                    format!("columns.{p}.default"),
                    "a primary-key column can't default to NULL",
                ));
            }
        }

        // index names are unique across every kind of index
        let mut names: Vec<&str> = Vec::new();
        let claim = |names: &[&str], name: &str| -> Result<()> {
            if names.iter().any(|o| eq_ci(o, name)) {
                return Err(Error::validation(
                    "index_name",
                    format!("index name {name:?} is used twice"),
                ));
            }
            Ok(())
        };
        for i in &self.indexes {
            i.validate()?;
            claim(&names, &i.name)?;
            for col in &i.columns {
                let c = self.need(&format!("indexes.{}", i.name), col)?;
                check_keyable(
                    &format!("indexes.{}.{col}", i.name),
                    &c.ty,
                    "a normal or unique index",
                )?;
            }
            names.push(&i.name);
        }
        let lob = self.lob_inrow_threshold;
        if let Some(l) = lob {
            if l > MAX_LOB_INROW_THRESHOLD {
                return Err(Error::validation(
                    "lob_inrow_threshold",
                    format!("{l} is out of range: seekdb accepts 0..={MAX_LOB_INROW_THRESHOLD}"),
                ));
            }
        }
        let mut vector_columns: Vec<&str> = Vec::new();
        for v in &self.vector_indexes {
            let param = format!("vector_indexes.{}", v.name());
            let c = self.need(&param, v.column())?;
            let dim = match c.ty {
                ColumnType::Vector(d) => Some(d),
                ColumnType::SparseVector => {
                    if !v.get_index_type().is_sparse() {
                        return Err(Error::validation(
                            "index_type",
                            format!(
                                "SPARSEVECTOR column {:?} needs a sindi index, not {}",
                                c.name,
                                v.get_index_type()
                            ),
                        ));
                    }
                    None
                }
                _ => {
                    return Err(Error::validation(
                        param,
                        format!(
                            "vector indexes go on VECTOR or SPARSEVECTOR columns; {:?} is {}",
                            c.name,
                            c.ty.to_sql()
                        ),
                    ))
                }
            };
            v.with_context(dim, lob).validate()?;
            // seekdb 1.4: "create vector index on partition table without primary key"
            // (1235); a heap table's key is a hidden one.
            if v.get_index_type().is_ivf()
                && self.partition.is_some()
                && (self.primary_key_columns().is_empty()
                    || self.organization == Some(Organization::Heap))
            {
                return Err(Error::validation(
                    &param,
                    format!(
                        "seekdb builds {} indexes on a partitioned table only when it is \
                         index-organised with a primary key",
                        v.get_index_type()
                    ),
                ));
            }
            if v.get_sync_mode() == Some(SyncMode::Async)
                && self.organization != Some(Organization::Heap)
            {
                return Err(Error::validation(
                    "sync_mode",
                    format!(
                        "vector index {:?}: sync_mode=async needs ORGANIZATION HEAP; \
                         index-organised tables take only immediate",
                        v.name()
                    ),
                ));
            }
            claim(&names, v.name())?;
            if vector_columns.iter().any(|o| eq_ci(o, &c.name)) {
                return Err(Error::validation(
                    param,
                    format!(
                        "column {:?} already has a vector index (one per column)",
                        c.name
                    ),
                ));
            }
            vector_columns.push(&c.name);
            names.push(v.name());
        }
        for f in &self.fulltext_indexes {
            f.validate()?;
            claim(&names, f.name())?;
            for col in f.columns() {
                let c = self.need(&format!("fulltext_indexes.{}", f.name()), col)?;
                if !c.ty.is_text() {
                    return Err(Error::validation(
                        format!("fulltext_indexes.{}.{col}", f.name()),
                        format!(
                            "full-text indexes cover text columns only, not {}",
                            c.ty.to_sql()
                        ),
                    ));
                }
            }
            names.push(f.name());
        }
        if let Some(p) = &self.partition {
            p.validate()?;
            for col in p.key_columns() {
                self.need("partition", col)?;
                if !pk.is_empty() && !pk.iter().any(|k| eq_ci(k, col)) {
                    return Err(Error::validation(
                        "partition",
                        format!("the primary key must include the partitioning column {col:?}"),
                    ));
                }
                for u in self.indexes.iter().filter(|i| i.unique) {
                    if !u.columns.iter().any(|k| eq_ci(k, col)) {
                        return Err(Error::validation(
                            format!("indexes.{}", u.name),
                            format!("a unique index must include the partitioning column {col:?}"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The statement.
    pub fn to_sql(&self) -> Result<String> {
        self.validate()?;
        let lob = self.lob_inrow_threshold;
        let mut items: Vec<String> = Vec::new();
        for c in &self.columns {
            items.push(c.to_sql()?);
        }
        let pk = self.primary_key_columns();
        if !pk.is_empty() {
            items.push(format!(
                "PRIMARY KEY ({})",
                pk.iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for i in &self.indexes {
            items.push(i.to_inline_sql()?);
        }
        for v in &self.vector_indexes {
            let dim = match self.find(v.column()).map(|c| &c.ty) {
                Some(ColumnType::Vector(d)) => Some(*d),
                _ => None,
            };
            items.push(v.with_context(dim, lob).to_inline_sql()?);
        }
        for f in &self.fulltext_indexes {
            items.push(f.to_inline_sql()?);
        }
        let mut out = format!(
            "CREATE TABLE {}{} ({})",
            if self.if_not_exists {
                "IF NOT EXISTS "
            } else {
                ""
            },
            quote_ident(&self.name),
            items.join(", ")
        );
        if let Some(o) = self.organization {
            let _ = write!(out, " ORGANIZATION {}", o.as_str());
        }
        if let Some(l) = lob {
            let _ = write!(out, " LOB_INROW_THRESHOLD={l}");
        }
        if let Some(c) = &self.comment {
            let _ = write!(out, " COMMENT={}", quote_string(c));
        }
        if let Some(p) = &self.partition {
            out.push(' ');
            out.push_str(&p.to_sql()?);
        }
        Ok(out)
    }
}

/// `ALTER TABLE ... ADD COLUMN ... / DROP COLUMN ...` (several actions, one statement).
///
/// ```
/// use diesel_seekdb::ddl::{AlterTable, Column, ColumnType};
/// let sql = AlterTable::new("items")
///     .add_column(Column::new("score", ColumnType::Double).default(0.5))
///     .drop_column("old")
///     .to_sql()?;
/// assert_eq!(sql, "ALTER TABLE `items` ADD COLUMN `score` DOUBLE DEFAULT 0.5, DROP COLUMN `old`");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    table: String,
    actions: Vec<AlterAction>,
}

#[derive(Debug, Clone, PartialEq)]
enum AlterAction {
    AddColumn(Column),
    DropColumn(String),
}

impl AlterTable {
    /// Alters `table`.
    pub fn new(table: impl Into<String>) -> Self {
        AlterTable {
            table: table.into(),
            actions: Vec::new(),
        }
    }

    /// `ADD COLUMN ...` (a primary-key marker on the column is refused: the key can't be
    /// changed this way).
    pub fn add_column(mut self, column: Column) -> Self {
        self.actions.push(AlterAction::AddColumn(column));
        self
    }

    /// `DROP COLUMN ...` (seekdb refuses to drop a column that carries a vector index:
    /// drop the index first).
    pub fn drop_column(mut self, name: impl Into<String>) -> Self {
        self.actions.push(AlterAction::DropColumn(name.into()));
        self
    }

    /// The statement.
    pub fn to_sql(&self) -> Result<String> {
        validate_ident("table", &self.table, IdentKind::Table)?;
        if self.actions.is_empty() {
            return Err(Error::validation(
                "actions",
                "ALTER TABLE needs at least one action",
            ));
        }
        let mut parts = Vec::new();
        for a in &self.actions {
            match a {
                AlterAction::AddColumn(c) => {
                    if c.primary_key {
                        return Err(Error::validation(
                            format!("columns.{}", c.name),
                            "can't add a primary-key column with ALTER TABLE",
                        ));
                    }
                    parts.push(format!("ADD COLUMN {}", c.to_sql()?));
                }
                AlterAction::DropColumn(n) => {
                    validate_ident("column", n, IdentKind::Column)?;
                    parts.push(format!("DROP COLUMN {}", quote_ident(n)));
                }
            }
        }
        Ok(format!(
            "ALTER TABLE {} {}",
            quote_ident(&self.table),
            parts.join(", ")
        ))
    }
}

/// `DROP TABLE [IF EXISTS] `t``.
///
/// ```
/// use diesel_seekdb::ddl::DropTable;
/// assert_eq!(DropTable::new("items").if_exists().to_sql()?, "DROP TABLE IF EXISTS `items`");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropTable {
    table: String,
    if_exists: bool,
}

impl DropTable {
    /// Drops `table`.
    pub fn new(table: impl Into<String>) -> Self {
        DropTable {
            table: table.into(),
            if_exists: false,
        }
    }

    /// `IF EXISTS`.
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }

    /// The statement.
    pub fn to_sql(&self) -> Result<String> {
        validate_ident("table", &self.table, IdentKind::Table)?;
        Ok(format!(
            "DROP TABLE {}{}",
            if self.if_exists { "IF EXISTS " } else { "" },
            quote_ident(&self.table)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddl::{FullTextParser, PartitionDef, PartitionValue, VecIndexType};

    fn param_of(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(Error::Validation { parameter, .. }) => parameter,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn t() -> CreateTable {
        CreateTable::new("t").column(Column::new("id", ColumnType::Int).primary_key())
    }

    #[test]
    fn renders_types() {
        let all = [
            (ColumnType::TinyInt, "TINYINT"),
            (ColumnType::TinyIntUnsigned, "TINYINT UNSIGNED"),
            (ColumnType::SmallInt, "SMALLINT"),
            (ColumnType::SmallIntUnsigned, "SMALLINT UNSIGNED"),
            (ColumnType::Int, "INT"),
            (ColumnType::IntUnsigned, "INT UNSIGNED"),
            (ColumnType::BigInt, "BIGINT"),
            (ColumnType::BigIntUnsigned, "BIGINT UNSIGNED"),
            (ColumnType::Float, "FLOAT"),
            (ColumnType::Double, "DOUBLE"),
            (ColumnType::Decimal(10, 2), "DECIMAL(10, 2)"),
            (ColumnType::Varchar(64), "VARCHAR(64)"),
            (ColumnType::Char(2), "CHAR(2)"),
            (ColumnType::Text, "TEXT"),
            (ColumnType::LongText, "LONGTEXT"),
            (ColumnType::Json, "JSON"),
            (ColumnType::DateTime, "DATETIME"),
            (ColumnType::Timestamp, "TIMESTAMP"),
            (ColumnType::Date, "DATE"),
            (ColumnType::Bool, "BOOL"),
            (ColumnType::Vector(3), "VECTOR(3)"),
            (ColumnType::SparseVector, "SPARSEVECTOR"),
            (
                ColumnType::array(ColumnType::array(ColumnType::Int)),
                "ARRAY(ARRAY(INT))",
            ),
            (
                ColumnType::array(ColumnType::Varchar(20)),
                "ARRAY(VARCHAR(20))",
            ),
        ];
        for (ty, sql) in all {
            assert_eq!(ty.to_sql(), sql);
            assert!(ty.validate("c").is_ok(), "{sql}");
        }
        for bad in [
            ColumnType::Vector(0),
            ColumnType::Vector(16_001),
            ColumnType::Decimal(0, 0),
            ColumnType::Decimal(66, 0),
            ColumnType::Decimal(5, 6),
            ColumnType::Varchar(0),
            ColumnType::Char(256),
            ColumnType::array(ColumnType::Text),
            ColumnType::array(ColumnType::Json),
            ColumnType::array(ColumnType::Decimal(5, 2)),
            ColumnType::array(ColumnType::Char(3)),
            ColumnType::array(ColumnType::Date),
            ColumnType::array(ColumnType::SparseVector),
            ColumnType::array(ColumnType::array(ColumnType::Text)),
        ] {
            assert_eq!(param_of(bad.validate("c")), "c", "{bad:?}");
        }
        assert!(ColumnType::Vector(16_000).validate("c").is_ok());
        let mut deep = ColumnType::Int;
        for _ in 0..6 {
            deep = ColumnType::array(deep);
        }
        assert!(deep.validate("c").is_ok());
        assert!(ColumnType::array(deep).validate("c").is_err());
    }

    #[test]
    fn renders_columns() {
        let c = Column::new("n", ColumnType::Varchar(10))
            .not_null()
            .default("it's")
            .comment("a\\b");
        assert_eq!(
            c.to_sql().unwrap(),
            "`n` VARCHAR(10) NOT NULL DEFAULT 'it''s' COMMENT 'a\\\\b'"
        );
        assert_eq!(
            Column::new("b", ColumnType::Bool)
                .default(true)
                .to_sql()
                .unwrap(),
            "`b` BOOL DEFAULT TRUE"
        );
        assert_eq!(
            Column::new("d", ColumnType::DateTime)
                .default(DefaultValue::CurrentTimestamp)
                .to_sql()
                .unwrap(),
            "`d` DATETIME DEFAULT CURRENT_TIMESTAMP"
        );
        assert_eq!(
            Column::new("x", ColumnType::Int)
                .default(DefaultValue::Null)
                .to_sql()
                .unwrap(),
            "`x` INT DEFAULT NULL"
        );
        assert_eq!(
            Column::new("x", ColumnType::BigIntUnsigned)
                .default(7u64)
                .to_sql()
                .unwrap(),
            "`x` BIGINT UNSIGNED DEFAULT 7"
        );
        assert_eq!(
            param_of(
                Column::new("v", ColumnType::Vector(3))
                    .default("[0,0,0]")
                    .to_sql()
            ),
            "columns.v.default"
        );
        assert_eq!(
            param_of(Column::new("j", ColumnType::Json).default("{}").to_sql()),
            "columns.j.default"
        );
        assert_eq!(
            param_of(
                Column::new("x", ColumnType::Int)
                    .not_null()
                    .default(DefaultValue::Null)
                    .to_sql()
            ),
            "columns.x.default"
        );
        assert_eq!(
            param_of(
                Column::new("x", ColumnType::Double)
                    .default(f64::NAN)
                    .to_sql()
            ),
            "columns.x.default"
        );
        assert_eq!(
            param_of(
                Column::new("x", ColumnType::Varchar(3))
                    .auto_increment()
                    .to_sql()
            ),
            "columns.x.auto_increment"
        );
        assert_eq!(
            param_of(
                Column::new("x", ColumnType::Int)
                    .auto_increment()
                    .default(1)
                    .to_sql()
            ),
            "columns.x.default"
        );
        assert_eq!(
            param_of(Column::new("", ColumnType::Int).to_sql()),
            "column"
        );
    }

    #[test]
    fn renders_tables() {
        let sql = CreateTable::new("t")
            .column(Column::new("a", ColumnType::Int).not_null())
            .column(Column::new("b", ColumnType::Varchar(10)).not_null())
            .column(Column::new("v", ColumnType::Vector(4096)))
            .column(Column::new("sv", ColumnType::SparseVector))
            .column(Column::new("body", ColumnType::Text))
            .primary_key(["a", "b"])
            .index(Index::new("k1", ["b"]))
            .index(Index::unique("u1", ["a", "b"]))
            .vector_index(VectorIndex::new("vi", "v").index_type(VecIndexType::IvfFlat))
            .vector_index(VectorIndex::sparse("si", "sv"))
            .fulltext_index(FullTextIndex::new("fi", ["body"]).parser(FullTextParser::beng()))
            .organization(Organization::Index)
            .lob_inrow_threshold(65_536)
            .comment("demo")
            .partition(Partition::key(["a"]).partitions(2))
            .to_sql()
            .unwrap();
        assert_eq!(
            sql,
            "CREATE TABLE `t` (`a` INT NOT NULL, `b` VARCHAR(10) NOT NULL, `v` VECTOR(4096), `sv` SPARSEVECTOR, `body` TEXT, \
             PRIMARY KEY (`a`, `b`), KEY `k1` (`b`), UNIQUE KEY `u1` (`a`, `b`), \
             VECTOR INDEX `vi` (`v`) WITH (distance=l2, type=ivf_flat, lib=ob), \
             VECTOR INDEX `si` (`sv`) WITH (distance=inner_product, type=sindi, lib=vsag), \
             FULLTEXT INDEX `fi` (`body`) WITH PARSER beng) ORGANIZATION INDEX LOB_INROW_THRESHOLD=65536 COMMENT='demo' \
             PARTITION BY KEY (`a`) PARTITIONS 2"
        );
        assert_eq!(
            t().to_sql().unwrap(),
            "CREATE TABLE `t` (`id` INT NOT NULL, PRIMARY KEY (`id`))"
        );
    }

    #[test]
    fn table_rules() {
        let v3 = || Column::new("v", ColumnType::Vector(3));
        assert_eq!(param_of(CreateTable::new("t").to_sql()), "columns");
        assert_eq!(
            param_of(CreateTable::new("x".repeat(65)).column(v3()).to_sql()),
            "table"
        );
        assert_eq!(
            param_of(t().column(Column::new("ID", ColumnType::Int)).to_sql()),
            "columns.ID"
        );
        assert_eq!(
            param_of(t().column(v3()).primary_key(["id", "v"]).to_sql()),
            "primary_key.v"
        );
        assert_eq!(
            param_of(t().column(v3().primary_key()).to_sql()),
            "columns.v"
        );
        assert_eq!(param_of(t().primary_key(["nope"]).to_sql()), "primary_key");
        assert_eq!(
            param_of(t().column(v3()).index(Index::new("k", ["v"])).to_sql()),
            "indexes.k.v"
        );
        assert_eq!(
            param_of(
                t().column(Column::new("j", ColumnType::Json))
                    .index(Index::unique("k", ["j"]))
                    .to_sql()
            ),
            "indexes.k.j"
        );
        assert_eq!(
            param_of(t().index(Index::new("k", ["zz"])).to_sql()),
            "indexes.k"
        );
        assert_eq!(
            param_of(t().index(Index::new("k", Vec::<String>::new())).to_sql()),
            "indexes.k"
        );
        assert_eq!(
            param_of(
                t().column(v3())
                    .index(Index::new("k", ["id"]))
                    .vector_index(VectorIndex::new("K", "v"))
                    .to_sql()
            ),
            "index_name"
        );
        assert_eq!(
            param_of(
                t().column(v3())
                    .vector_index(VectorIndex::new("a", "v"))
                    .vector_index(VectorIndex::new("b", "v"))
                    .to_sql()
            ),
            "vector_indexes.b"
        );
        assert_eq!(
            param_of(t().vector_index(VectorIndex::new("a", "id")).to_sql()),
            "vector_indexes.a"
        );
        assert_eq!(
            param_of(t().vector_index(VectorIndex::new("a", "zz")).to_sql()),
            "vector_indexes.a"
        );
        assert_eq!(
            param_of(
                t().column(Column::new("sv", ColumnType::SparseVector))
                    .vector_index(VectorIndex::new("a", "sv"))
                    .to_sql()
            ),
            "index_type"
        );
        assert_eq!(
            param_of(
                t().column(v3())
                    .vector_index(VectorIndex::sparse("a", "v"))
                    .to_sql()
            ),
            "index_type"
        );
        // ivf_pq m must divide the column's dimension, known from the column
        assert_eq!(
            param_of(
                t().column(v3())
                    .vector_index(
                        VectorIndex::new("a", "v")
                            .index_type(VecIndexType::IvfPq)
                            .m(2)
                    )
                    .to_sql()
            ),
            "m"
        );
        // IVF above 2048 dims needs a raised LOB_INROW_THRESHOLD
        let big = || {
            t().column(Column::new("v", ColumnType::Vector(4096)))
                .vector_index(VectorIndex::new("a", "v").index_type(VecIndexType::IvfSq8))
        };
        assert_eq!(param_of(big().to_sql()), "dim");
        assert!(big().lob_inrow_threshold(16_384).to_sql().is_ok());
        assert_eq!(
            param_of(big().lob_inrow_threshold(786_433).to_sql()),
            "lob_inrow_threshold"
        );
        assert_eq!(
            param_of(
                t().column(Column::new("v", ColumnType::Vector(4097)))
                    .vector_index(VectorIndex::new("a", "v"))
                    .to_sql()
            ),
            "dim"
        );
        assert_eq!(
            param_of(t().fulltext_index(FullTextIndex::new("f", ["id"])).to_sql()),
            "fulltext_indexes.f.id"
        );
        assert_eq!(
            param_of(
                t().column(Column::new("c", ColumnType::Int))
                    .partition(Partition::hash("c").partitions(2))
                    .to_sql()
            ),
            "partition"
        );
        assert_eq!(
            param_of(t().partition(Partition::hash("zz").partitions(2)).to_sql()),
            "partition"
        );
        assert!(t()
            .partition(Partition::hash("id").partitions(2))
            .to_sql()
            .is_ok());
        assert!(t()
            .partition(Partition::key(Vec::<String>::new()).partitions(2))
            .to_sql()
            .is_ok());
        assert_eq!(
            param_of(
                t().column(Column::new("u", ColumnType::Int))
                    .index(Index::unique("uk", ["u"]))
                    .partition(Partition::hash("id").partitions(2))
                    .to_sql()
            ),
            "indexes.uk"
        );
        let ranged = CreateTable::new("t")
            .column(Column::new("id", ColumnType::Int))
            .column(Column::new("d", ColumnType::Varchar(8)))
            .primary_key(["id", "d"])
            .partition(
                Partition::range("id")
                    .partition(PartitionDef::less_than("p0", 10))
                    .partition(PartitionDef::less_than("p1", PartitionValue::MaxValue))
                    .subpartition_by(Partition::key(["d"]).partitions(2)),
            );
        assert!(ranged.to_sql().is_ok());
        assert_eq!(
            param_of(
                t().column(Column::new("a", ColumnType::Int).auto_increment())
                    .column(Column::new("b", ColumnType::Int).auto_increment())
                    .to_sql()
            ),
            "auto_increment"
        );
    }

    #[test]
    fn alter_and_drop() {
        assert_eq!(
            AlterTable::new("t")
                .add_column(Column::new("c", ColumnType::Vector(3)))
                .to_sql()
                .unwrap(),
            "ALTER TABLE `t` ADD COLUMN `c` VECTOR(3)"
        );
        assert_eq!(
            AlterTable::new("t").drop_column("a`b").to_sql().unwrap(),
            "ALTER TABLE `t` DROP COLUMN `a``b`"
        );
        assert_eq!(param_of(AlterTable::new("t").to_sql()), "actions");
        assert_eq!(
            param_of(AlterTable::new("t").drop_column("").to_sql()),
            "column"
        );
        assert_eq!(
            param_of(
                AlterTable::new("t")
                    .add_column(Column::new("c", ColumnType::Int).primary_key())
                    .to_sql()
            ),
            "columns.c"
        );
        assert_eq!(
            param_of(
                AlterTable::new("t")
                    .add_column(Column::new("c", ColumnType::Vector(0)))
                    .to_sql()
            ),
            "columns.c"
        );
        assert_eq!(DropTable::new("t").to_sql().unwrap(), "DROP TABLE `t`");
        assert_eq!(param_of(DropTable::new("").to_sql()), "table");
        assert_eq!(
            Index::unique("u", ["a"]).to_create_sql("t").unwrap(),
            "CREATE UNIQUE INDEX `u` ON `t` (`a`)"
        );
    }
}
