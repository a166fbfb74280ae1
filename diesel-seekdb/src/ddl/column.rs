//! Columns: [`ColumnType`] (re-exported from the rules crate), [`DefaultValue`] and
//! [`Column`] (with charset and collation).

use std::fmt::Write as _;

use super::ident::{quote_ident, quote_string, validate_ident, IdentKind};

use crate::{Error, Result};

/// Deepest `ARRAY(ARRAY(...))` nesting accepted (pyobvector's limit).
pub const MAX_ARRAY_DEPTH: usize = diesel_seekdb_rules::MAX_ARRAY_DEPTH;

/// A column type: the one type shared with the derive, table metadata and the Milvus
/// schema, defined (with its grammar and size rules) in
/// [`diesel_seekdb_rules::column_type`]. `ColumnType::parse` / `FromStr` /
/// `ColumnType::validate` report a [`diesel_seekdb_rules::Violation`], which `?` turns
/// into [`Error::Validation`].
///
/// ```
/// use diesel_seekdb::ddl::ColumnType;
/// assert_eq!(ColumnType::parse("vector(3)")?, ColumnType::Vector(3));
/// assert_eq!(ColumnType::parse("ARRAY(int unsigned)")?, ColumnType::array(ColumnType::IntUnsigned));
/// assert!(ColumnType::parse("VECTOR(0)").is_err());
/// assert_eq!(ColumnType::Decimal(10, 2).to_sql(), "DECIMAL(10, 2)");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
pub use diesel_seekdb_rules::column_type::ColumnType;

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
/// // Byte-exact keys: 'abc', 'ABC' and 'abc ' are three values.
/// let k = Column::new("pk", ColumnType::Varchar(64)).charset("binary").primary_key();
/// assert_eq!(k.to_sql()?, "`pk` VARCHAR(64) CHARACTER SET `binary` NOT NULL");
/// let t = Column::new("title", ColumnType::Varchar(64)).collation("utf8mb4_bin");
/// assert_eq!(t.to_sql()?, "`title` VARCHAR(64) COLLATE `utf8mb4_bin`");
/// assert!(Column::new("n", ColumnType::Int).collation("utf8mb4_bin").to_sql().is_err());
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub(super) name: String,
    pub(super) ty: ColumnType,
    pub(super) nullable: bool,
    pub(super) default: Option<DefaultValue>,
    pub(super) auto_increment: bool,
    pub(super) comment: Option<String>,
    pub(super) primary_key: bool,
    pub(super) charset: Option<String>,
    pub(super) collation: Option<String>,
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
            charset: None,
            collation: None,
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

    /// `CHARACTER SET name` (text columns). seekdb 1.4 knows `utf8mb4` and `binary`;
    /// `binary` turns `VARCHAR(n)` into `VARBINARY(n)` (n bytes), whose comparisons are
    /// byte-exact: the only way to make `'abc'` and `'abc '` distinct keys.
    pub fn charset(mut self, charset: impl Into<String>) -> Self {
        self.charset = Some(charset.into());
        self
    }

    /// `COLLATE name` (text columns). seekdb 1.4 knows `utf8mb4_general_ci` (the
    /// default: case- and trailing-space-insensitive), `utf8mb4_bin` (case-sensitive,
    /// still ignores trailing spaces) and `binary`.
    pub fn collation(mut self, collation: impl Into<String>) -> Self {
        self.collation = Some(collation.into());
        self
    }

    /// The column name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether NULL is allowed.
    pub fn is_nullable(&self) -> bool {
        self.nullable
    }

    /// Whether the column is `AUTO_INCREMENT`.
    pub fn is_auto_increment(&self) -> bool {
        self.auto_increment
    }

    /// The column comment, if any.
    pub fn get_comment(&self) -> Option<&str> {
        self.comment.as_deref()
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
        if self.charset.is_some() || self.collation.is_some() {
            if !self.ty.is_text() {
                return Err(Error::validation(
                    format!("{p}.charset"),
                    format!(
                        "a character set or collation applies to text columns, not {}",
                        self.ty.to_sql()
                    ),
                ));
            }
            check_charset(&p, self.charset.as_deref(), self.collation.as_deref())?;
        }
        Ok(())
    }

    /// Whether values compare byte for byte (`CHARACTER SET binary`).
    pub fn is_binary(&self) -> bool {
        self.charset
            .as_deref()
            .or(self.collation.as_deref())
            .is_some_and(|c| c.eq_ignore_ascii_case("binary"))
    }

    /// The column definition (`` `name` TYPE [NOT NULL] [DEFAULT ..] ... ``), without
    /// the primary-key marker (keys are rendered by [`CreateTable`](super::CreateTable)).
    pub fn to_sql(&self) -> Result<String> {
        self.validate()?;
        let mut out = format!("{} {}", quote_ident(&self.name), self.ty.to_sql());
        out.push_str(&charset_sql(
            self.charset.as_deref(),
            self.collation.as_deref(),
            false,
        ));
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

pub(super) fn check_keyable(parameter: &str, ty: &ColumnType, what: &str) -> Result<()> {
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

/// Checks a character set and collation name pair: plain names (letters, digits, `_`),
/// and a collation that belongs to the character set (`utf8mb4_bin` to `utf8mb4`,
/// `binary` to `binary`), which seekdb otherwise refuses with error 1253.
pub(super) fn check_charset(
    parameter: &str,
    charset: Option<&str>,
    collation: Option<&str>,
) -> Result<()> {
    for (what, name) in [("charset", charset), ("collation", collation)] {
        if let Some(n) = name {
            let plain = !n.is_empty()
                && n.len() <= 64
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !plain {
                return Err(Error::validation(
                    format!("{parameter}.{what}"),
                    format!("{n:?} is not a {what} name (letters, digits and _ only)"),
                ));
            }
        }
    }
    if let (Some(cs), Some(co)) = (charset, collation) {
        let fits = if cs.eq_ignore_ascii_case("binary") || co.eq_ignore_ascii_case("binary") {
            cs.eq_ignore_ascii_case(co)
        } else {
            co.len() > cs.len()
                && co[..cs.len()].eq_ignore_ascii_case(cs)
                && co.as_bytes()[cs.len()] == b'_'
        };
        if !fits {
            return Err(Error::validation(
                format!("{parameter}.collation"),
                format!("collation {co:?} does not belong to character set {cs:?}"),
            ));
        }
    }
    Ok(())
}

/// ` CHARACTER SET `cs` COLLATE `co`` for a column, or the table-option form
/// ` DEFAULT CHARSET=`cs` COLLATE=`co``. Names are backtick-quoted because `binary` is
/// a keyword.
pub(super) fn charset_sql(charset: Option<&str>, collation: Option<&str>, table: bool) -> String {
    let mut out = String::new();
    if let Some(cs) = charset {
        if table {
            let _ = write!(out, " DEFAULT CHARSET={}", quote_ident(cs));
        } else {
            let _ = write!(out, " CHARACTER SET {}", quote_ident(cs));
        }
    }
    if let Some(co) = collation {
        if table {
            let _ = write!(out, " COLLATE={}", quote_ident(co));
        } else {
            let _ = write!(out, " COLLATE {}", quote_ident(co));
        }
    }
    out
}
