//! `ALTER TABLE ... ADD COLUMN / DROP COLUMN`.

use super::column::Column;
use super::ident::{quote_ident, validate_ident, IdentKind};
use crate::{Error, Result};

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

    /// The table, and the first action as (adds?, column), for migrations' re-run
    /// checks: one `ALTER TABLE` is applied whole or not at all.
    pub(crate) fn first_action(&self) -> Option<(&str, bool, &str)> {
        self.actions.first().map(|a| match a {
            AlterAction::AddColumn(c) => (self.table.as_str(), true, c.name.as_str()),
            AlterAction::DropColumn(n) => (self.table.as_str(), false, n.as_str()),
        })
    }
}
