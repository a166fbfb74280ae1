//! `DROP TABLE [IF EXISTS]` (`DROP INDEX` is beside the index builders).

use super::ident::{quote_ident, validate_ident, IdentKind};
use crate::Result;

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
