//! Opening connections: URLs and their options ([`ConnectionUrl`]), the connect bound
//! and the per-call watchdog. Below both the clients (`client`) and the Diesel
//! glue ([`crate::SessionManager`]), which open connections the same way.

use diesel::connection::SimpleConnection;
use diesel::{Connection, MysqlConnection, RunQueryDsl};

use crate::error::Result;

pub(crate) mod url;
pub(crate) mod watchdog;

pub(crate) use url::encode;
pub use url::{tenant_user, ConnectionUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT};
use watchdog::Socket;

/// Opens a connection within the URL's `connect_timeout`, selects a database Diesel
/// could not take in its URL, and tags it with its socket for the call bounds.
pub(crate) fn open(url: &ConnectionUrl) -> Result<MysqlConnection> {
    let mut conn = establish(url)?;
    if let Some(socket) = find_socket(&mut conn, url) {
        watchdog::tag(&mut conn, socket);
    }
    Ok(conn)
}

/// Opens a connection within `connect_timeout` and selects the URL's database.
///
/// libmariadb has no connect bound we can set through Diesel, so the connect runs on
/// a thread of its own; one that overruns is abandoned (it ends when the OS gives up)
/// and the caller gets [`Error::Timeout`](crate::Error::Timeout).
pub(crate) fn establish(url: &ConnectionUrl) -> Result<MysqlConnection> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let diesel_url = url.diesel_url();
    std::thread::Builder::new()
        .name("seekdb-connect".into())
        .spawn(move || {
            let _ = tx.send(MysqlConnection::establish(&diesel_url));
        })
        .map_err(|e| url.connect_error(format!("cannot start a connect thread: {e}")))?;
    let mut conn = match rx.recv_timeout(url.connect_timeout()) {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => return Err(url.connect_error(e)),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => return Err(url.connect_timed_out()),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            return Err(url.connect_error("the connect thread ended without an answer"))
        }
    };
    if let Some(sql) = url.use_statement() {
        conn.batch_execute(&sql).map_err(|e| url.connect_error(e))?;
    }
    Ok(conn)
}

fn find_socket(conn: &mut MysqlConnection, url: &ConnectionUrl) -> Option<Socket> {
    let peer = url.tcp_port()?;
    let host: Option<String> = diesel::select(diesel::dsl::sql::<
        diesel::sql_types::Nullable<diesel::sql_types::Text>,
    >(
        "(SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID())",
    ))
    .get_result(conn)
    .ok()?;
    let local = host?.rsplit_once(':')?.1.parse().ok()?;
    Socket::find(local, peer)
}
