//! Where the clients get a connection: one owned connection or an r2d2 pool.
//!
//! Connections opened here (from a URL or [`ConnectOptions`]) are bounded as the
//! [URL options](super::ConnectionUrl) say: opening by `connect_timeout`, each call by
//! `read_timeout` + `write_timeout` (see [`crate::connection::watchdog`]). A single-connection
//! client whose connection was lost ("Server has gone away", "Lost connection", a
//! timeout) reports that error and opens a new connection on its next call; the
//! failed call is never retried, since a write may or may not have happened.

use std::sync::Mutex;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel::{ConnectionError, MysqlConnection};

use crate::connection::{establish, open, watchdog, ConnectionUrl};
use crate::diesel_ext::SessionManager;
use crate::error::{Error, Result};

/// An r2d2 pool of seekdb connections.
pub type SeekdbPool = Pool<ConnectionManager<MysqlConnection>>;

pub(crate) enum Source {
    Single(Box<Single>),
    /// A plain pool: the client's own settings are sent on each checkout.
    Pool(SeekdbPool),
    /// A [`SessionManager`] pool: its checkout applies the session settings.
    SessionPool(Pool<SessionManager>),
}

/// The client's own connection, and how to open it again.
pub(crate) struct Single {
    /// `None` for a connection the user opened: it cannot be reopened.
    url: Option<ConnectionUrl>,
    live: Mutex<Option<MysqlConnection>>,
}

impl Source {
    /// A client-owned connection to `url`, reopened after it is lost.
    pub(crate) fn connect(url: ConnectionUrl) -> Result<Source> {
        let conn = open(&url)?;
        Ok(Source::Single(Box::new(Single {
            url: Some(url),
            live: Mutex::new(Some(conn)),
        })))
    }

    /// A connection the user opened (no bounds, not reopened).
    pub(crate) fn from_connection(conn: MysqlConnection) -> Source {
        Source::Single(Box::new(Single {
            url: None,
            live: Mutex::new(Some(conn)),
        }))
    }

    /// Whether this is the client's one connection (not a pool).
    pub(crate) fn is_own(&self) -> bool {
        matches!(self, Source::Single(_))
    }

    /// Runs `f` on a connection. `setup` (the client's session settings, empty unless
    /// set through the client) runs on every pool checkout, and on a single connection
    /// after it was reopened; a [`SessionManager`] pool applies its own at checkout.
    pub(crate) fn with_conn<R>(
        &self,
        setup: &str,
        f: impl FnOnce(&mut MysqlConnection) -> Result<R>,
    ) -> Result<R> {
        match self {
            Source::Single(single) => single.with_conn(setup, f),
            Source::Pool(pool) => pooled(pool, setup, f),
            Source::SessionPool(pool) => pooled(pool, setup, f),
        }
    }
}

fn pooled<M, R>(
    pool: &Pool<M>,
    setup: &str,
    f: impl FnOnce(&mut MysqlConnection) -> Result<R>,
) -> Result<R>
where
    M: diesel::r2d2::ManageConnection<Connection = MysqlConnection>,
{
    let mut conn: PooledConnection<M> = pool
        .get()
        .map_err(|e| Error::Connection(ConnectionError::BadConnection(e.to_string())))?;
    if !setup.is_empty() {
        conn.batch_execute(setup)
            .map_err(|e| crate::errno::fill(&mut conn, e.into()))?;
    }
    // The failed statement's errno, asked before the connection goes back.
    f(&mut conn).map_err(|e| crate::errno::fill(&mut conn, e))
}

impl Single {
    fn with_conn<R>(
        &self,
        setup: &str,
        f: impl FnOnce(&mut MysqlConnection) -> Result<R>,
    ) -> Result<R> {
        // A panic in another thread does not corrupt a connection between statements.
        let mut guard = self.live.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let url = self.url.as_ref().ok_or_else(|| {
                Error::Connection(ConnectionError::BadConnection(
                    "the connection was lost; this client was built from a connection and \
                     cannot reopen it"
                        .into(),
                ))
            })?;
            let mut conn = open(url)?;
            if !setup.is_empty() {
                conn.batch_execute(setup)?;
            }
            *guard = Some(conn);
        }
        let conn = guard.as_mut().expect("set above");
        let bound = self.url.as_ref().and_then(ConnectionUrl::call_timeout);
        let (result, timed_out) = watchdog::bounded(conn, bound, f);
        // The failed statement's errno, asked on the same connection before anything
        // else runs on it (a closed or lost connection has none to give).
        let result = match result {
            Err(e) if !timed_out && !is_connection_lost(&e) => Err(crate::errno::fill(conn, e)),
            other => other,
        };
        if timed_out {
            // Its socket was shut, whether or not the call got its answer first.
            *guard = None;
        }
        match result {
            Err(e) if timed_out => {
                let url = self.url.as_ref().expect("armed only with a URL");
                Err(Error::Timeout {
                    operation: format!(
                        "a call to seekdb at {} (the connection was closed and is reopened \
                         on the next call; the call was not retried: {e})",
                        url.endpoint()
                    ),
                    after: bound.unwrap_or_default(),
                })
            }
            Err(e) if self.url.is_some() && is_connection_lost(&e) => {
                *guard = None;
                Err(e)
            }
            other => other,
        }
    }
}

/// Errors after which the connection is unusable (client errors 2006, 2013, 2055).
pub(crate) fn is_connection_lost(e: &Error) -> bool {
    let text = e.to_string();
    [
        "gone away",
        "Lost connection",
        "Broken pipe",
        "Connection reset",
        "Can't connect",
        "not connected",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// Connection parameters in pyobvector's shape (`uri`, `user`, `password`, `db_name`),
/// with the bounds of the [URL options](super::ConnectionUrl).
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
    connect_timeout: Option<std::time::Duration>,
    read_timeout: Option<Option<std::time::Duration>>,
    write_timeout: Option<Option<std::time::Duration>>,
}

impl ConnectOptions {
    /// `uri` is `host:port`; `user` may carry an OceanBase tenant (`root@test`).
    pub fn new(uri: &str, user: &str, password: &str, db_name: &str) -> Self {
        ConnectOptions {
            uri: uri.trim_start_matches("mysql://").to_string(),
            user: user.to_string(),
            password: password.to_string(),
            db_name: db_name.to_string(),
            connect_timeout: None,
            read_timeout: None,
            write_timeout: None,
        }
    }

    /// Bounds opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Bounds waiting for one call's answer (default 300 s; `None`: no bound).
    pub fn read_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Bounds sending one call (default 300 s; `None`: no bound).
    pub fn write_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.write_timeout = Some(timeout);
        self
    }

    /// The parsed parts every connection is made from.
    pub fn connection_url(&self) -> Result<ConnectionUrl> {
        let mut url =
            ConnectionUrl::from_parts(&self.uri, &self.user, &self.password, &self.db_name)?;
        if let Some(t) = self.connect_timeout {
            url = url.with_connect_timeout(Some(t));
        }
        if let Some(t) = self.read_timeout {
            url = url.with_read_timeout(t);
        }
        if let Some(t) = self.write_timeout {
            url = url.with_write_timeout(t);
        }
        Ok(url)
    }

    /// The `mysql://` URL Diesel connects with (user, password and database
    /// percent-encoded). Diesel's own `ConnectionManager` sends the database name
    /// undecoded; [`connect`](Self::connect), the clients and
    /// [`SessionManager`](crate::SessionManager) decode it.
    pub fn url(&self) -> String {
        use crate::connection::encode;
        let auth = if self.password.is_empty() {
            encode(&self.user)
        } else {
            format!("{}:{}", encode(&self.user), encode(&self.password))
        };
        format!("mysql://{auth}@{}/{}", self.uri, encode(&self.db_name))
    }

    /// Opens a connection within the connect bound.
    pub fn connect(&self) -> Result<MysqlConnection> {
        establish(&self.connection_url()?)
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
