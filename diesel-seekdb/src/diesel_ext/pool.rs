//! An r2d2 connection manager that re-applies session settings on every checkout.
//!
//! r2d2's `CustomizeConnection` runs only when a connection is opened, so a setting
//! changed on a borrowed connection (`set_ef_search(&mut conn, 10)`) would travel back
//! into the pool and surprise the next borrower. r2d2 already runs a validity check on
//! every checkout (`test_on_check_out`, on by default); this manager makes that check the
//! `SET` statement itself, so the settings are restored at no extra round trip.

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, ManageConnection};
use diesel::MysqlConnection;

use diesel::ConnectionError;

use super::session::SessionSettings;
use crate::connection::{open, watchdog, ConnectionUrl};
use crate::error::Result;

/// r2d2 manager for seekdb connections whose [`SessionSettings`] hold on every checkout.
///
/// ```no_run
/// use diesel::r2d2::Pool;
/// use diesel_seekdb::{SessionManager, SessionSettings};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let settings = SessionSettings::new().ef_search(100).ivf_nprobes(16);
/// let pool = Pool::builder()
///     .max_size(8)
///     .build(SessionManager::new("mysql://root@127.0.0.1:2881/test", settings)?)?;
/// let mut conn = pool.get()?; // ob_hnsw_ef_search = 100 here, whatever the last borrower set
/// assert_eq!(diesel_seekdb::ef_search(&mut *conn)?, 100);
/// # Ok(())
/// # }
/// ```
///
/// [`ObVecClient::from_session_pool`](crate::ObVecClient::from_session_pool) runs the
/// client on such a pool: its calls see these settings and send no `SET` of their own.
/// The check runs only while the pool keeps r2d2's `test_on_check_out` (the default).
///
/// Connections open within the URL's `connect_timeout` (see
/// [`ConnectionUrl`](crate::client::ConnectionUrl)), so a checkout that has to connect
/// to a server that does not answer returns within the pool's `connection_timeout`.
/// A percent-encoded database name (`my%20db`) is decoded.
pub struct SessionManager {
    inner: ConnectionManager<MysqlConnection>,
    url: ConnectionUrl,
    settings: SessionSettings,
    set_sql: String,
}

impl std::fmt::Debug for SessionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManager")
            .field("url", &self.url)
            .field("settings", &self.settings)
            .finish()
    }
}

impl SessionManager {
    /// A manager connecting to `database_url`; the URL and the settings are checked here.
    pub fn new(database_url: impl Into<String>, settings: SessionSettings) -> Result<Self> {
        let database_url = database_url.into();
        let url = ConnectionUrl::parse(&database_url)?;
        let set_sql = settings.to_sql()?;
        Ok(Self {
            inner: ConnectionManager::new(url.diesel_url()),
            url,
            settings,
            set_sql,
        })
    }

    /// The settings every checkout gets.
    pub fn settings(&self) -> SessionSettings {
        self.settings
    }

    fn apply(&self, conn: &mut MysqlConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&self.set_sql)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

impl ManageConnection for SessionManager {
    type Connection = MysqlConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> std::result::Result<MysqlConnection, Self::Error> {
        let mut conn = open(&self.url).map_err(|e| {
            diesel::r2d2::Error::ConnectionError(ConnectionError::BadConnection(e.to_string()))
        })?;
        if !self.set_sql.is_empty() {
            self.apply(&mut conn)?;
        }
        Ok(conn)
    }

    /// Bounded by the URL's `connect_timeout` (Linux), so a checkout from a pool whose
    /// server stopped answering ends within the pool's `connection_timeout` when that
    /// is longer; the connection is then closed, not reused.
    fn is_valid(&self, conn: &mut MysqlConnection) -> std::result::Result<(), Self::Error> {
        let (result, timed_out) =
            watchdog::bounded(conn, Some(self.url.connect_timeout()), |conn| {
                if self.set_sql.is_empty() {
                    self.inner.is_valid(conn)
                } else {
                    // A successful SET proves the connection alive, like the default `SELECT 1`.
                    self.apply(conn)
                }
            });
        if timed_out {
            // Its socket was shut, whether or not the check got its answer first.
            let e = self.url.timed_out(
                "checking a pooled connection to",
                self.url.connect_timeout(),
            );
            return Err(diesel::r2d2::Error::ConnectionError(
                ConnectionError::BadConnection(e.to_string()),
            ));
        }
        result
    }

    fn has_broken(&self, conn: &mut MysqlConnection) -> bool {
        self.inner.has_broken(conn)
    }
}
