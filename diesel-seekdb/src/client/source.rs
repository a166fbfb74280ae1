//! Where the clients get a connection: one owned connection or an r2d2 pool.

use std::sync::Mutex;

use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel::{Connection, ConnectionError, MysqlConnection};

use crate::error::{Error, Result};

/// An r2d2 pool of seekdb connections.
pub type SeekdbPool = Pool<ConnectionManager<MysqlConnection>>;

pub(crate) enum Source {
    Single(Box<Mutex<MysqlConnection>>),
    Pool(SeekdbPool),
}

impl Source {
    pub(crate) fn with_conn<R>(
        &self,
        setup: &str,
        f: impl FnOnce(&mut MysqlConnection) -> Result<R>,
    ) -> Result<R> {
        match self {
            Source::Single(conn) => {
                // A panic in another thread does not corrupt a connection between statements.
                let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
                f(&mut guard).map_err(|e| crate::errno::fill(&mut guard, e))
            }
            Source::Pool(pool) => {
                let mut conn: PooledConnection<_> = pool.get().map_err(|e| {
                    Error::Connection(ConnectionError::BadConnection(e.to_string()))
                })?;
                if !setup.is_empty() {
                    diesel::connection::SimpleConnection::batch_execute(&mut *conn, setup)
                        .map_err(|e| crate::errno::fill(&mut conn, e.into()))?;
                }
                // The failed statement's errno, asked before the connection goes back.
                f(&mut conn).map_err(|e| crate::errno::fill(&mut conn, e))
            }
        }
    }
}

/// Connection parameters in pyobvector's shape (`uri`, `user`, `password`, `db_name`).
///
/// `Debug` and `Display` never show the password.
///
/// ```
/// use diesel_seekdb::client::ConnectOptions;
/// let o = ConnectOptions::new("127.0.0.1:2881", "root@test", "s3cret", "test");
/// assert_eq!(o.url(), "mysql://root%40test:s3cret@127.0.0.1:2881/test");
/// assert!(!format!("{o:?} {o}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct ConnectOptions {
    uri: String,
    user: String,
    password: String,
    db_name: String,
}

impl ConnectOptions {
    /// `uri` is `host:port`; `user` may carry an OceanBase tenant (`root@test`).
    pub fn new(uri: &str, user: &str, password: &str, db_name: &str) -> Self {
        ConnectOptions {
            uri: uri.trim_start_matches("mysql://").to_string(),
            user: user.to_string(),
            password: password.to_string(),
            db_name: db_name.to_string(),
        }
    }

    /// The `mysql://` URL Diesel connects with (user and password percent-encoded).
    pub fn url(&self) -> String {
        let auth = if self.password.is_empty() {
            encode(&self.user)
        } else {
            format!("{}:{}", encode(&self.user), encode(&self.password))
        };
        format!("mysql://{auth}@{}/{}", self.uri, encode(&self.db_name))
    }

    /// Opens a connection.
    pub fn connect(&self) -> Result<MysqlConnection> {
        MysqlConnection::establish(&self.url()).map_err(|e| redact(e, &self.password))
    }
}

impl Default for ConnectOptions {
    /// pyobvector's defaults: `127.0.0.1:2881`, `root@test`, no password, `test`.
    fn default() -> Self {
        ConnectOptions::new("127.0.0.1:2881", "root@test", "", "test")
    }
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("uri", &self.uri)
            .field("user", &self.user)
            .field("password", &"***")
            .field("db_name", &self.db_name)
            .finish()
    }
}

impl std::fmt::Display for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}/{}", self.user, self.uri, self.db_name)
    }
}

/// Percent-encodes everything but unreserved URL characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Connection errors can echo the URL; make sure the password never leaves.
pub(crate) fn redact(e: ConnectionError, password: &str) -> Error {
    if password.is_empty() {
        return Error::Connection(e);
    }
    let text = e.to_string();
    if text.contains(password) || text.contains(&encode(password)) {
        let cleaned = text
            .replace(&encode(password), "***")
            .replace(password, "***");
        Error::Connection(ConnectionError::BadConnection(cleaned))
    } else {
        Error::Connection(e)
    }
}

/// Opens a connection from a URL, keeping any password out of the error.
pub(crate) fn connect_url(url: &str) -> Result<MysqlConnection> {
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(auth, _)| auth.split_once(':'))
        .map(|(_, p)| p.to_string())
        .unwrap_or_default();
    MysqlConnection::establish(url).map_err(|e| redact(e, &password))
}
