//! The steps a migration is made of: the DDL builders, [`CreateIndex`] and [`RawSql`].

use super::rerun;
use crate::ddl::{AlterTable, CreateTable, DropIndex, DropTable, FullTextIndex, VectorIndex};
use crate::{Error, Result};

/// One DDL statement of a migration, rendered (and validated) to SQL.
///
/// Implemented by the [`crate::ddl`] statement builders, [`CreateIndex`] and
/// [`RawSql`]; implement it for your own statement types.
pub trait MigrationStep {
    /// The statement's SQL, or the builder's validation error.
    fn to_step_sql(&self) -> Result<String>;

    /// The statement as a re-run of a half-applied migration sends it (`IF NOT EXISTS`
    /// / `IF EXISTS` where seekdb accepts them); by default [`Self::to_step_sql`].
    fn to_rerunnable_sql(&self) -> Result<String> {
        self.to_step_sql()
    }

    /// A query whose column `n` is 1 when the step's effect is already in place, so
    /// a re-run skips it (for statements seekdb has no `IF [NOT] EXISTS` for); by
    /// default none (the step always runs).
    fn applied_check(&self) -> Option<String> {
        None
    }
}

impl MigrationStep for CreateTable {
    fn to_step_sql(&self) -> Result<String> {
        self.to_sql()
    }

    fn to_rerunnable_sql(&self) -> Result<String> {
        self.clone().if_not_exists().to_sql()
    }
}

impl MigrationStep for AlterTable {
    fn to_step_sql(&self) -> Result<String> {
        self.to_sql()
    }

    fn applied_check(&self) -> Option<String> {
        let (table, adds, column) = self.first_action()?;
        Some(rerun::column_is(table, column, adds))
    }
}

impl MigrationStep for DropTable {
    fn to_step_sql(&self) -> Result<String> {
        self.to_sql()
    }

    fn to_rerunnable_sql(&self) -> Result<String> {
        self.clone().if_exists().to_sql()
    }
}

impl MigrationStep for DropIndex {
    fn to_step_sql(&self) -> Result<String> {
        self.to_sql()
    }

    fn applied_check(&self) -> Option<String> {
        let (index, table) = self.parts();
        Some(rerun::index_missing(table, index))
    }
}

impl<T: MigrationStep + ?Sized> MigrationStep for &T {
    fn to_step_sql(&self) -> Result<String> {
        (**self).to_step_sql()
    }

    fn to_rerunnable_sql(&self) -> Result<String> {
        (**self).to_rerunnable_sql()
    }

    fn applied_check(&self) -> Option<String> {
        (**self).applied_check()
    }
}

/// `CREATE VECTOR INDEX` / `CREATE FULLTEXT INDEX` on an existing table.
///
/// ```
/// use diesel_seekdb::ddl::{FullTextIndex, FullTextParser};
/// use diesel_seekdb::migration::{CreateIndex, MigrationStep};
/// let step = CreateIndex::full_text("articles", FullTextIndex::new("ft_title", ["title"]));
/// assert_eq!(step.to_step_sql()?, "CREATE FULLTEXT INDEX `ft_title` ON `articles` (`title`)");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIndex {
    table: String,
    index: IndexKind,
}

#[derive(Debug, Clone, PartialEq)]
enum IndexKind {
    Vector(VectorIndex),
    FullText(FullTextIndex),
}

impl CreateIndex {
    /// A vector index on `table`.
    pub fn vector(table: impl Into<String>, index: VectorIndex) -> Self {
        CreateIndex {
            table: table.into(),
            index: IndexKind::Vector(index),
        }
    }

    /// A full-text index on `table`.
    pub fn full_text(table: impl Into<String>, index: FullTextIndex) -> Self {
        CreateIndex {
            table: table.into(),
            index: IndexKind::FullText(index),
        }
    }
}

impl MigrationStep for CreateIndex {
    fn to_step_sql(&self) -> Result<String> {
        match &self.index {
            IndexKind::Vector(i) => i.to_create_sql(&self.table),
            IndexKind::FullText(i) => i.to_create_sql(&self.table),
        }
    }

    fn applied_check(&self) -> Option<String> {
        let name = match &self.index {
            IndexKind::Vector(i) => i.name(),
            IndexKind::FullText(i) => i.name(),
        };
        Some(rerun::index_exists(&self.table, name))
    }
}

/// Hand-written SQL, for what the builders don't cover (it is sent as written: only
/// emptiness is checked).
///
/// ```
/// use diesel_seekdb::migration::{MigrationStep, RawSql};
/// assert!(RawSql::new("  ").to_step_sql().is_err());
/// assert_eq!(RawSql::new("ALTER TABLE t ALTER INDEX i INVISIBLE").to_step_sql()?,
///            "ALTER TABLE t ALTER INDEX i INVISIBLE");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSql(String);

impl RawSql {
    /// Wraps `sql`.
    pub fn new(sql: impl Into<String>) -> Self {
        RawSql(sql.into())
    }
}

impl MigrationStep for RawSql {
    fn to_step_sql(&self) -> Result<String> {
        if self.0.trim().is_empty() {
            return Err(Error::validation("sql", "a migration step needs SQL text"));
        }
        Ok(self.0.clone())
    }
}
