//! A fork for one test or experiment: `FORK TABLE` / `FORK DATABASE` of a prepared
//! table or database (rows and built indexes, copy-on-write), dropped again when the
//! guard is dropped, also when the test panics.
//!
//! Preparing a table with a vector index once and forking it per test skips loading
//! and index building in every test; the copies are independent, so tests that write
//! or rebuild indexes do not see each other.
//!
//! ```no_run
//! use diesel::prelude::*;
//! use diesel_seekdb::fork::Fork;
//!
//! # fn demo() -> diesel_seekdb::Result<()> {
//! let url = "mysql://root@127.0.0.1:2881/eval";
//! // `docs` was loaded and indexed once; each experiment gets its own copy.
//! let mut branch = Fork::table(url, "docs", &Fork::unique_name("docs"))?;
//! diesel::sql_query(format!("DELETE FROM `{}` WHERE id < 100", branch.name()))
//!     .execute(branch.conn())?;
//! // ... search the copy ...
//! drop(branch); // DROP TABLE IF EXISTS
//! # Ok(()) }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::SimpleConnection;
use diesel::MysqlConnection;

use crate::connection::{self, ConnectionUrl};
use crate::ddl::{quote_ident, ForkDatabase, ForkTable};
use crate::errno::SeekdbResultExt;
use crate::error::Result;

/// A forked table or database that is dropped with the guard.
pub struct Fork {
    conn: MysqlConnection,
    url: ConnectionUrl,
    name: String,
    drop_sql: Option<String>,
}

impl std::fmt::Debug for Fork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fork")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("drops", &self.drop_sql)
            .finish()
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Fork {
    /// Forks table `source` of `url`'s database to `target` in the same database.
    pub fn table(url: &str, source: &str, target: &str) -> Result<Fork> {
        Self::table_with(url, ForkTable::new(source, target))
    }

    /// Runs `fork` (which may name other databases) on a connection to `url`.
    pub fn table_with(url: &str, fork: ForkTable) -> Result<Fork> {
        let sql = fork.to_sql()?;
        let url = ConnectionUrl::parse(url)?;
        let url = match fork.target_database() {
            Some(db) => url.with_database(Some(db)),
            None => url,
        };
        let target = fork.target().to_string();
        let drop_sql = match fork.target_database() {
            Some(db) => format!(
                "DROP TABLE IF EXISTS {}.{}",
                quote_ident(db),
                quote_ident(&target)
            ),
            None => format!("DROP TABLE IF EXISTS {}", quote_ident(&target)),
        };
        Self::run(url, &sql, target, drop_sql, None)
    }

    /// Forks database `source` to `target`; [`Fork::conn`] and [`Fork::url`] use the copy.
    pub fn database(url: &str, source: &str, target: &str) -> Result<Fork> {
        let fork = ForkDatabase::new(source, target);
        let sql = fork.to_sql()?;
        let url = ConnectionUrl::parse(url)?;
        let drop_sql = format!("DROP DATABASE IF EXISTS {}", quote_ident(target));
        let use_sql = format!("USE {}", quote_ident(target));
        let url = url.with_database(Some(target));
        Self::run(url, &sql, target.to_string(), drop_sql, Some(use_sql))
    }

    fn run(
        url: ConnectionUrl,
        sql: &str,
        name: String,
        drop_sql: String,
        then: Option<String>,
    ) -> Result<Fork> {
        // The fork's own database may not exist yet: connect without one, then `USE`.
        let mut conn = connection::establish(&url.clone().with_database(None))?;
        if let Some(db) = url.database() {
            if then.is_none() {
                conn.batch_execute(&format!("USE {}", quote_ident(db)))
                    .with_errno(&mut conn)?;
            }
        }
        // A failed fork drops nothing: the name may be someone else's table.
        conn.batch_execute(sql).with_errno(&mut conn)?;
        let mut fork = Fork {
            conn,
            url,
            name,
            drop_sql: Some(drop_sql),
        };
        if let Some(use_sql) = then {
            fork.conn
                .batch_execute(&use_sql)
                .with_errno(&mut fork.conn)?;
        }
        Ok(fork)
    }

    /// `<prefix>_fork_<process>_<n>`: a name no other fork of this process or of a
    /// concurrently running one uses.
    pub fn unique_name(prefix: &str) -> String {
        format!(
            "{prefix}_fork_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// The copy's name (the table, or the database).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The guard's connection; its default database holds the copy.
    pub fn conn(&mut self) -> &mut MysqlConnection {
        &mut self.conn
    }

    /// The URL's server and options, with the copy's database as default database.
    pub fn url(&self) -> &ConnectionUrl {
        &self.url
    }

    /// Another connection whose default database holds the copy.
    pub fn connect(&self) -> Result<MysqlConnection> {
        connection::establish(&self.url)
    }

    /// Keeps the copy (nothing is dropped) and returns its name.
    pub fn keep(mut self) -> String {
        self.drop_sql = None;
        std::mem::take(&mut self.name)
    }

    /// Drops the copy now, reporting a failure (`Drop` can only ignore it).
    pub fn drop_now(mut self) -> Result<()> {
        match self.drop_sql.take() {
            Some(sql) => self.conn.batch_execute(&sql).with_errno(&mut self.conn),
            None => Ok(()),
        }
    }
}

impl Drop for Fork {
    fn drop(&mut self) {
        if let Some(sql) = self.drop_sql.take() {
            // Dropping runs during a panic too; a failure here must not panic again.
            let _ = self.conn.batch_execute(&sql);
        }
    }
}
