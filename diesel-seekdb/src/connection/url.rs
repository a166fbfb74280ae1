//! Connection URLs, parsed once into parts that both clients (blocking and async)
//! connect with, and that error messages are built from without the password.
//!
//! # URL options
//!
//! `mysql://user:password@host:port/database?option=value&...`; user, password and
//! database are percent-decoded (`probe_a%20b` is the database `probe_a b`).
//! An OceanBase tenant login (`user@tenant`, `user@tenant#cluster`) may be written
//! plainly or percent-encoded (`user%40tenant%23cluster`); see [`tenant_user`].
//!
//! | option | meaning | default |
//! |---|---|---|
//! | `connect_timeout` | seconds to open a connection (TCP and the handshake) | 10 |
//! | `read_timeout` | seconds to wait for the server's answer to one call; `0` = no bound | 300 |
//! | `write_timeout` | seconds to send one call; `0` = no bound | 300 |
//! | `ssl_mode` | `disabled`, `preferred`, `required`, `verify_ca`, `verify_identity` | library default |
//! | `ssl_ca`, `ssl_cert`, `ssl_key` | TLS files (blocking client only) | none |
//! | `unix_socket` | a Unix socket path instead of TCP | none |
//!
//! Seconds may have a fraction (`0.5`). Any other option is refused with
//! [`Error::Validation`] rather than ignored. A connect or call that runs out of
//! time fails with [`Error::Timeout`]; the connection it used is not reused.
//!
//! The async client (mysql_async, built without TLS) accepts `ssl_mode=disabled` and
//! `preferred` (plain text) and `unix_socket`; it refuses the TLS-requiring modes and
//! files with a clear error.
//!
//! Both clients bound one whole call by `read_timeout + write_timeout` (either `0`:
//! unbounded). On the blocking client that bound is kept by a watchdog that shuts the
//! socket of a call that overruns (Linux; see `connection/watchdog.rs`); elsewhere only
//! `connect_timeout` applies. Connections handed in by the user
//! (`from_connection`) and pools of Diesel's own `ConnectionManager` are not bounded;
//! [`SessionManager`](crate::SessionManager) pools get the connect bound.

use std::fmt;
use std::time::Duration;

use percent_encoding::percent_decode_str;

use crate::error::{Error, Result};

/// Default bound for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default bound for one call's reading and writing.
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(300);

const SSL_MODES: [&str; 5] = [
    "disabled",
    "preferred",
    "required",
    "verify_ca",
    "verify_identity",
];

/// A parsed `mysql://` URL: where to connect, as whom, and with which bounds.
///
/// `Debug` and `Display` never show the password.
///
/// ```
/// use std::time::Duration;
/// use diesel_seekdb::client::ConnectionUrl;
/// let url = ConnectionUrl::parse("mysql://app:s3cret@db:2881/my%20db?connect_timeout=2").unwrap();
/// assert_eq!(url.database(), Some("my db"));
/// assert_eq!(url.endpoint(), "db:2881");
/// assert_eq!(url.connect_timeout(), Duration::from_secs(2));
/// assert!(!format!("{url} {url:?}").contains("s3cret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionUrl {
    user: String,
    password: String,
    host: String,
    port: Option<u16>,
    database: Option<String>,
    unix_socket: Option<String>,
    ssl_mode: Option<String>,
    ssl_files: Vec<(&'static str, String)>,
    connect_timeout: Duration,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl ConnectionUrl {
    /// Parses a `mysql://` URL; errors name the part at fault, never the password.
    pub fn parse(url: &str) -> Result<Self> {
        let parsed = url::Url::parse(&tenant::encode_tenant_user(url))
            .map_err(|e| Error::validation("url", format!("not a valid URL: {e}")))?;
        if parsed.scheme() != "mysql" {
            return Err(Error::validation(
                "url",
                format!("the scheme must be `mysql`, not `{}`", parsed.scheme()),
            ));
        }
        let segments: Vec<&str> = parsed.path_segments().map_or(Vec::new(), Iterator::collect);
        if segments.len() > 1 {
            return Err(Error::validation(
                "url",
                "the path must be one database name (`/db`), not several segments",
            ));
        }
        let database = match segments.first() {
            None | Some(&"") => None,
            Some(s) => Some(decode("database", s)?),
        };
        let host = match parsed.host() {
            Some(url::Host::Ipv6(a)) => a.to_string(),
            Some(h) => h.to_string(),
            None => String::new(),
        };
        let mut out = ConnectionUrl {
            user: decode("user", parsed.username())?,
            password: decode("password", parsed.password().unwrap_or(""))?,
            host,
            port: parsed.port(),
            database,
            unix_socket: None,
            ssl_mode: None,
            ssl_files: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: Some(DEFAULT_IO_TIMEOUT),
            write_timeout: Some(DEFAULT_IO_TIMEOUT),
        };
        for (key, value) in parsed.query_pairs() {
            out.set_option(&key, &value)?;
        }
        if out.host.is_empty() && out.unix_socket.is_none() {
            return Err(Error::validation("url", "the URL names no host"));
        }
        Ok(out)
    }

    /// Parts as pyobvector takes them: `uri` is `host:port`, `user` may carry an
    /// OceanBase tenant (`root@test`); nothing is percent-decoded.
    pub fn from_parts(uri: &str, user: &str, password: &str, db_name: &str) -> Result<Self> {
        let uri = uri.trim_start_matches("mysql://");
        let (host, port) = match uri.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') => {
                let port = p.parse::<u16>().map_err(|_| {
                    Error::validation("uri", format!("`{uri}`: the port must be a number"))
                })?;
                (h.trim_start_matches('[').trim_end_matches(']'), Some(port))
            }
            _ => (uri, None),
        };
        if host.is_empty() {
            return Err(Error::validation("uri", "names no host"));
        }
        Ok(ConnectionUrl {
            user: user.to_string(),
            password: password.to_string(),
            host: host.to_string(),
            port,
            database: (!db_name.is_empty()).then(|| db_name.to_string()),
            unix_socket: None,
            ssl_mode: None,
            ssl_files: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: Some(DEFAULT_IO_TIMEOUT),
            write_timeout: Some(DEFAULT_IO_TIMEOUT),
        })
    }

    fn set_option(&mut self, key: &str, value: &str) -> Result<()> {
        match key {
            "connect_timeout" => {
                self.connect_timeout = seconds(key, value)?.unwrap_or(DEFAULT_CONNECT_TIMEOUT)
            }
            "read_timeout" => self.read_timeout = seconds(key, value)?,
            "write_timeout" => self.write_timeout = seconds(key, value)?,
            "unix_socket" => self.unix_socket = Some(value.to_string()),
            "ssl_mode" => {
                let mode = value.to_ascii_lowercase();
                if !SSL_MODES.contains(&mode.as_str()) {
                    return Err(Error::validation(
                        "ssl_mode",
                        format!("`{value}` is not one of {}", SSL_MODES.join(", ")),
                    ));
                }
                self.ssl_mode = Some(mode);
            }
            "ssl_ca" => self.ssl_files.push(("ssl_ca", value.to_string())),
            "ssl_cert" => self.ssl_files.push(("ssl_cert", value.to_string())),
            "ssl_key" => self.ssl_files.push(("ssl_key", value.to_string())),
            other => {
                return Err(Error::validation(
                    other,
                    "unknown URL option; known: connect_timeout, read_timeout, write_timeout, \
                     ssl_mode, ssl_ca, ssl_cert, ssl_key, unix_socket",
                ))
            }
        }
        Ok(())
    }

    /// Bounds opening a connection (TCP connect and handshake); `None` or zero = the default.
    pub fn with_connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout
            .filter(|d| !d.is_zero())
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        self
    }

    /// Bounds waiting for the answer to one call; `None` = no bound.
    pub fn with_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout.filter(|d| !d.is_zero());
        self
    }

    /// Bounds sending one call; `None` = no bound.
    pub fn with_write_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.write_timeout = timeout.filter(|d| !d.is_zero());
        self
    }

    /// The same server and options with another default database (`None`: none).
    pub fn with_database(mut self, database: Option<&str>) -> Self {
        self.database = database.map(str::to_string);
        self
    }

    /// The user (percent-decoded).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The database, if the URL names one (percent-decoded).
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// `host:port` (or the Unix socket path): what error messages name.
    pub fn endpoint(&self) -> String {
        match (&self.unix_socket, self.port) {
            (Some(path), _) => format!("unix socket {path}"),
            (None, Some(port)) if self.host.contains(':') => format!("[{}]:{port}", self.host),
            (None, Some(port)) => format!("{}:{port}", self.host),
            (None, None) => format!("{}:3306", self.host),
        }
    }

    /// The TCP port connected to (`None` over a Unix socket).
    pub(crate) fn tcp_port(&self) -> Option<u16> {
        match self.unix_socket {
            Some(_) => None,
            None => Some(self.port.unwrap_or(3306)),
        }
    }

    /// The bound on opening a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The bound on waiting for one call's answer (`None`: unbounded).
    pub fn read_timeout(&self) -> Option<Duration> {
        self.read_timeout
    }

    /// The bound on sending one call (`None`: unbounded).
    pub fn write_timeout(&self) -> Option<Duration> {
        self.write_timeout
    }

    /// The longer of the read and write bounds: how long one call may take.
    pub(crate) fn call_timeout(&self) -> Option<Duration> {
        match (self.read_timeout, self.write_timeout) {
            (Some(r), Some(w)) => Some(r + w),
            _ => None,
        }
    }

    fn authority(&self, with_password: bool) -> String {
        let mut s = encode(&self.user);
        if with_password && !self.password.is_empty() {
            s.push(':');
            s.push_str(&encode(&self.password));
        }
        s.push('@');
        if self.host.contains(':') {
            s.push_str(&format!("[{}]", self.host));
        } else {
            s.push_str(&self.host);
        }
        if let Some(port) = self.port {
            s.push_str(&format!(":{port}"));
        }
        s
    }

    /// Diesel hands the URL path to the server undecoded, so a database name that
    /// needs percent-encoding is selected with `USE` after connecting instead.
    pub(crate) fn database_in_url(&self) -> Option<&str> {
        self.database
            .as_deref()
            .filter(|d| d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    }

    /// `USE` for a database name Diesel cannot take in its URL.
    pub(crate) fn use_statement(&self) -> Option<String> {
        match (&self.database, self.database_in_url()) {
            (Some(db), None) => Some(format!("USE `{}`", db.replace('`', "``"))),
            _ => None,
        }
    }

    /// The URL `MysqlConnection::establish` gets (it carries the password).
    pub(crate) fn diesel_url(&self) -> String {
        let mut url = format!(
            "mysql://{}/{}",
            self.authority(true),
            self.database_in_url().unwrap_or("")
        );
        let mut query = Vec::new();
        if let Some(mode) = &self.ssl_mode {
            query.push(format!("ssl_mode={mode}"));
        }
        for (k, v) in &self.ssl_files {
            query.push(format!("{k}={}", encode(v)));
        }
        if let Some(path) = &self.unix_socket {
            query.push(format!("unix_socket={}", encode(path)));
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        url
    }

    /// The URL mysql_async gets: Diesel-style options mapped to its names, or refused.
    #[cfg(feature = "async")]
    pub(crate) fn async_url(&self) -> Result<String> {
        let mut url = format!(
            "mysql://{}/{}",
            self.authority(true),
            self.database.as_deref().map(encode).unwrap_or_default()
        );
        let mut query = Vec::new();
        match self.ssl_mode.as_deref() {
            None | Some("disabled") | Some("preferred") => {}
            Some(mode) => {
                return Err(Error::validation(
                    "ssl_mode",
                    format!(
                        "`{mode}` needs TLS, which the async client (mysql_async without a TLS \
                         backend) cannot do; use the blocking client or ssl_mode=disabled"
                    ),
                ))
            }
        }
        if let Some((key, _)) = self.ssl_files.first() {
            return Err(Error::validation(
                *key,
                "TLS files are not supported by the async client (mysql_async without a TLS \
                 backend); use the blocking client",
            ));
        }
        if let Some(path) = &self.unix_socket {
            query.push(format!("socket={}", encode(path)));
            query.push("prefer_socket=true".to_string());
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        Ok(url)
    }

    /// A connect failure, told from the URL's parts (never the password) with a hint
    /// when nothing answered.
    pub(crate) fn connect_error(&self, cause: impl fmt::Display) -> Error {
        let cause = cause.to_string();
        let unreachable = [
            "Can't connect",
            "Connection refused",
            "os error 111",
            "(111)",
        ]
        .iter()
        .any(|m| cause.contains(m));
        let hint = if unreachable {
            format!(
                "; is seekdb running at {}? (start the project-local one with `scripts/dev start`)",
                self.endpoint()
            )
        } else {
            String::new()
        };
        Error::Connection(diesel::ConnectionError::BadConnection(format!(
            "{} as `{}`: {cause}{hint}",
            self.endpoint(),
            self.user
        )))
    }

    /// A connect that ran out of time.
    pub(crate) fn connect_timed_out(&self) -> Error {
        self.timed_out("connecting to", self.connect_timeout)
    }

    /// `doing` (`"connecting to"`, ...) the server ran out of time after `after`.
    pub(crate) fn timed_out(&self, doing: &str, after: Duration) -> Error {
        Error::Timeout {
            operation: format!(
                "{doing} seekdb at {} as `{}` (is the server up and answering?)",
                self.endpoint(),
                self.user
            ),
            after,
        }
    }
}

impl fmt::Display for ConnectionUrl {
    /// The URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mysql://{}/{}",
            self.authority(false),
            self.database.as_deref().map(encode).unwrap_or_default()
        )
    }
}

impl fmt::Debug for ConnectionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionUrl")
            .field("user", &self.user)
            .field("password", &"***")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("unix_socket", &self.unix_socket)
            .field("ssl_mode", &self.ssl_mode)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("write_timeout", &self.write_timeout)
            .finish()
    }
}

fn decode(part: &str, s: &str) -> Result<String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| Error::validation(part, "is not UTF-8 once percent-decoded"))
}

/// `None` for 0 (no bound).
fn seconds(key: &str, value: &str) -> Result<Option<Duration>> {
    let secs: f64 = value
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s <= 86_400.0 * 365.0)
        .ok_or_else(|| {
            Error::validation(
                key,
                format!("`{value}` is not a number of seconds (0 = no bound)"),
            )
        })?;
    Ok((secs > 0.0).then(|| Duration::from_secs_f64(secs)))
}

/// Percent-encodes everything but unreserved URL characters.
pub(crate) fn encode(s: &str) -> String {
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

mod tenant;
pub use tenant::tenant_user;

#[cfg(test)]
mod tests;
