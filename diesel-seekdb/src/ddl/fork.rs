//! `FORK TABLE a TO b` and `FORK DATABASE a TO b`: seekdb's copy-on-write copies, vector
//! and full-text indexes included, made without rewriting the data or rebuilding an
//! index. For a guard that forks for one test or experiment and drops the copy
//! afterwards (even when the test panics), see [`crate::fork::Fork`].
//!
//! seekdb 1.4 accepts no `IF NOT EXISTS` here: forking onto an existing name fails
//! with 1050 (table) or 1007 (database).
//!
//! ```
//! use diesel_seekdb::ddl::{ForkDatabase, ForkTable};
//! assert_eq!(ForkTable::new("items", "items_eval").to_sql()?, "FORK TABLE `items` TO `items_eval`");
//! assert_eq!(
//!     ForkTable::new("items", "items_eval").from_database("prod").to_database("eval").to_sql()?,
//!     "FORK TABLE `prod`.`items` TO `eval`.`items_eval`"
//! );
//! assert_eq!(ForkDatabase::new("prod", "prod_branch").to_sql()?, "FORK DATABASE `prod` TO `prod_branch`");
//! # Ok::<(), diesel_seekdb::Error>(())
//! ```

use super::ident::{quote_ident, validate_ident, IdentKind};
use crate::error::{Error, Result};

/// `[db.]table`, validated and quoted.
fn qualified(parameter: &str, database: Option<&str>, table: &str) -> Result<String> {
    validate_ident(parameter, table, IdentKind::Table)?;
    Ok(match database {
        Some(db) => {
            validate_ident(parameter, db, IdentKind::Database)?;
            format!("{}.{}", quote_ident(db), quote_ident(table))
        }
        None => quote_ident(table),
    })
}

/// `FORK TABLE source TO target`: a copy of `source` (rows and indexes) named `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkTable {
    source: String,
    target: String,
    source_database: Option<String>,
    target_database: Option<String>,
}

impl ForkTable {
    /// Forks `source` to `target`, both in the connection's database.
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> Self {
        ForkTable {
            source: source.into(),
            target: target.into(),
            source_database: None,
            target_database: None,
        }
    }

    /// The database `source` is in (default: the connection's).
    pub fn from_database(mut self, database: impl Into<String>) -> Self {
        self.source_database = Some(database.into());
        self
    }

    /// The database `target` is created in (default: the connection's).
    pub fn to_database(mut self, database: impl Into<String>) -> Self {
        self.target_database = Some(database.into());
        self
    }

    /// The table forked from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The table created.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The database the copy is created in, when given.
    pub fn target_database(&self) -> Option<&str> {
        self.target_database.as_deref()
    }

    /// The statement.
    pub fn to_sql(&self) -> Result<String> {
        let source = qualified("source", self.source_database.as_deref(), &self.source)?;
        let target = qualified("target", self.target_database.as_deref(), &self.target)?;
        same_refused(&source, &target)?;
        Ok(format!("FORK TABLE {source} TO {target}"))
    }
}

/// `FORK DATABASE source TO target`: a copy of every table of `source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkDatabase {
    source: String,
    target: String,
}

impl ForkDatabase {
    /// Forks database `source` to a new database `target`.
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> Self {
        ForkDatabase {
            source: source.into(),
            target: target.into(),
        }
    }

    /// The database forked from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The database created.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The statement.
    pub fn to_sql(&self) -> Result<String> {
        validate_ident("source", &self.source, IdentKind::Database)?;
        validate_ident("target", &self.target, IdentKind::Database)?;
        let (source, target) = (quote_ident(&self.source), quote_ident(&self.target));
        same_refused(&source, &target)?;
        Ok(format!("FORK DATABASE {source} TO {target}"))
    }
}

/// Names are case-insensitive on seekdb: a fork onto itself can only fail.
fn same_refused(source: &str, target: &str) -> Result<()> {
    if source.eq_ignore_ascii_case(target) {
        return Err(Error::validation(
            "target",
            format!("{target} is the source itself; give the copy another name"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_quoted_and_bad_ones_refused() {
        assert_eq!(
            ForkTable::new("a`b", "c d").to_sql().unwrap(),
            "FORK TABLE `a``b` TO `c d`"
        );
        assert_eq!(
            ForkDatabase::new("x`; DROP DATABASE y; --", "z")
                .to_sql()
                .unwrap(),
            "FORK DATABASE `x``; DROP DATABASE y; --` TO `z`"
        );
        let e = ForkTable::new("items", "").to_sql().unwrap_err();
        assert!(matches!(e, Error::Validation { ref parameter, .. } if parameter == "target"));
        let e = ForkTable::new("items", "ITEMS").to_sql().unwrap_err();
        assert!(matches!(e, Error::Validation { ref parameter, .. } if parameter == "target"));
        let e = ForkDatabase::new("a", &"x".repeat(129))
            .to_sql()
            .unwrap_err();
        assert!(matches!(e, Error::Validation { ref parameter, .. } if parameter == "target"));
        // The same table name in another database is a different table.
        assert!(ForkTable::new("items", "items")
            .to_database("eval")
            .to_sql()
            .is_ok());
    }
}
