//! Test and example support for the diesel-seekdb workspace (not published).
//!
//! Every test gets a database of its own ([`TestDb`]), so tests run in parallel and
//! against a shared server without seeing each other's tables.

pub mod own_server;
pub mod progress;
pub mod schema;

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::{Connection, MysqlConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations};

/// The project's migrations (`migrations/`), embedded at compile time.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The server the examples and tests use: `SEEKDB_URL`, or the project-local seekdb
/// that `scripts/dev` starts on port 2881.
pub fn database_url() -> String {
    std::env::var("SEEKDB_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:2881/test".into())
}

/// The error type of the examples' `run` functions.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An example's exit status: success, or `error: ...` on stderr and a failure status,
/// so `scripts/dev examples` (and CI) notice a wrong result.
pub fn exit_code(result: Result<(), BoxError>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `url` with its database replaced by `database`.
pub fn url_with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("mysql", url));
    let (authority, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{scheme}://{authority}/{database}{query}")
}

/// Connects to [`database_url`], explaining how to start a server when none answers.
pub fn connect(url: &str) -> MysqlConnection {
    MysqlConnection::establish(url).unwrap_or_else(|e| {
        panic!(
            "cannot connect to seekdb at {url}: {e}\n\
             start the project-local server with `scripts/dev start`, \
             or run the suite with `scripts/dev test`, or set SEEKDB_URL"
        )
    })
}

/// A database created for one test and dropped when the value is dropped.
pub struct TestDb {
    /// A connection whose default database is [`TestDb::name`].
    pub conn: MysqlConnection,
    /// The database's name.
    pub name: String,
    /// A URL that connects to this database (for pools and second connections).
    pub url: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    /// Creates a fresh, uniquely named database.
    pub fn new(prefix: &str) -> Self {
        let base = database_url();
        let mut admin = connect(&base);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "t_{prefix}_{}_{}_{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        diesel::sql_query(format!("CREATE DATABASE `{name}`"))
            .execute(&mut admin)
            .expect("create test database");
        let url = url_with_database(&base, &name);
        let conn = connect(&url);
        TestDb { conn, name, url }
    }

    /// Another connection to the same database.
    pub fn connect(&self) -> MysqlConnection {
        connect(&self.url)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::env::var_os("KEEP_TEST_DB").is_some() {
            return;
        }
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS `{}`", self.name))
            .execute(&mut self.conn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_in_a_url() {
        assert_eq!(
            url_with_database("mysql://root@127.0.0.1:2881/test", "x"),
            "mysql://root@127.0.0.1:2881/x"
        );
        assert_eq!(
            url_with_database("mysql://u:p@h:1/test?ssl_mode=required", "x"),
            "mysql://u:p@h:1/x?ssl_mode=required"
        );
        assert_eq!(url_with_database("mysql://h", "x"), "mysql://h/x");
    }
}
