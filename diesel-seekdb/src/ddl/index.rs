//! Normal, unique and spatial secondary indexes (`KEY` in `CREATE TABLE`, `CREATE INDEX`).

use super::ident::{eq_ci, quote_ident, validate_ident, IdentKind};
use crate::{Error, Result};

/// A normal, unique or spatial secondary index.
///
/// ```
/// use diesel_seekdb::ddl::Index;
/// assert_eq!(Index::unique("uk", ["a", "b"]).to_inline_sql()?, "UNIQUE KEY `uk` (`a`, `b`)");
/// assert_eq!(Index::new("k", ["a"]).to_create_sql("t")?, "CREATE INDEX `k` ON `t` (`a`)");
/// assert_eq!(Index::spatial("sp", "location").to_inline_sql()?, "SPATIAL KEY `sp` (`location`)");
/// assert_eq!(Index::spatial("sp", "p").to_create_sql("t")?, "CREATE SPATIAL INDEX `sp` ON `t` (`p`)");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub(super) name: String,
    pub(super) columns: Vec<String>,
    pub(super) unique: bool,
    pub(super) spatial: bool,
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
            spatial: false,
        }
    }

    /// A `SPATIAL` index on one `POINT` (geometry) column, which `_st_dwithin` filters use
    /// (seekdb plans a `TABLE RANGE SCAN` on it).
    pub fn spatial(name: impl Into<String>, column: impl Into<String>) -> Self {
        Index {
            spatial: true,
            ..Self::new(name, [column.into()])
        }
    }

    /// Whether this is a `SPATIAL` index.
    pub fn is_spatial(&self) -> bool {
        self.spatial
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

    pub(super) fn validate(&self) -> Result<()> {
        validate_ident("index_name", &self.name, IdentKind::Index)?;
        validate_columns(&format!("indexes.{}", self.name), &self.columns)?;
        if self.spatial && self.columns.len() != 1 {
            return Err(Error::validation(
                format!("indexes.{}", self.name),
                "a SPATIAL index covers exactly one geometry column",
            ));
        }
        Ok(())
    }

    fn prefix(&self) -> &'static str {
        match (self.spatial, self.unique) {
            (true, _) => "SPATIAL ",
            (false, true) => "UNIQUE ",
            (false, false) => "",
        }
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
            self.prefix(),
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
            self.prefix(),
            quote_ident(&self.name),
            quote_ident(table),
            self.cols()
        ))
    }
}

pub(super) fn validate_columns(parameter: &str, columns: &[String]) -> Result<()> {
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
