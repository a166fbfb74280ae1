//! The server's error number for a failed statement.
//!
//! Neither Diesel's `mysqlclient` backend nor diesel-async keeps the MySQL errno: both
//! reduce it to a few `DatabaseErrorKind`s and a message. seekdb answers `SHOW ERRORS`
//! on the same connection right after the failure, so the clients ask it there, on the
//! error path only. The answer is trusted only when its message is the failure's own:
//! any other statement in between (a `ROLLBACK`, a query) clears or replaces the list.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{MysqlConnection, RunQueryDsl};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::row::JsonRow;

/// What a server error means, for callers that branch on it; the number itself is
/// [`Error::code`]. Non-exhaustive: more kinds may be named later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerErrorKind {
    /// A unique or primary key already holds the value (1062, 1586, 1859, 1022).
    DuplicateKey,
    /// `CREATE TABLE` of a table that exists (1050).
    TableExists,
    /// The table does not exist (1146, 1051).
    TableMissing,
    /// Another refresh or rebuild holds the vector index (seekdb 4179); worth retrying.
    IndexBusy,
    /// A vector's dimension differs from the column's (seekdb 7600).
    DimensionMismatch,
    /// A statement is larger than the server's `max_allowed_packet` (1153, 1301, 2020).
    PacketTooLarge,
    /// The SQL does not parse (1064, 1149).
    Syntax,
    /// The server does not support the statement or option (1235).
    Unsupported,
    /// A NOT NULL column got NULL (1048, 1364).
    NotNullViolation,
    /// A foreign key refused the change (1216, 1217, 1451, 1452).
    ForeignKeyViolation,
    /// A CHECK constraint refused the row (3819).
    CheckViolation,
    /// The server has no such spatial reference system (3548, "Spatial reference
    /// system is empty"): seekdb 1.4 knows only SRID 0, so `SRID 4326` is refused.
    UnknownSpatialReference,
    /// The bytes sent to a geometry column are not a geometry it accepts (1416); a
    /// bound `Option<Point>` in an SRID the server lacks is refused this way.
    InvalidGeometry,
    /// Any other server error.
    Other,
}

impl ServerErrorKind {
    /// The kind of MySQL/seekdb error number `code`.
    pub fn from_code(code: u32) -> Self {
        match code {
            1022 | 1062 | 1586 | 1859 => ServerErrorKind::DuplicateKey,
            1050 => ServerErrorKind::TableExists,
            1051 | 1146 => ServerErrorKind::TableMissing,
            4179 => ServerErrorKind::IndexBusy,
            7600 => ServerErrorKind::DimensionMismatch,
            1153 | 1301 | 2020 => ServerErrorKind::PacketTooLarge,
            1064 | 1149 => ServerErrorKind::Syntax,
            1235 => ServerErrorKind::Unsupported,
            1048 | 1364 => ServerErrorKind::NotNullViolation,
            1216 | 1217 | 1451 | 1452 => ServerErrorKind::ForeignKeyViolation,
            3819 => ServerErrorKind::CheckViolation,
            3548 => ServerErrorKind::UnknownSpatialReference,
            1416 => ServerErrorKind::InvalidGeometry,
            _ => ServerErrorKind::Other,
        }
    }

    /// How to fix an error of this kind, where the server's message does not say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ServerErrorKind::UnknownSpatialReference => Some(
                "seekdb 1.4 supports only SRID 0: declare the column `POINT SRID 0` and \
                 write points in SRID 0 (`Point::new(x, y)`, ST_GeomFromText(wkt, 0))",
            ),
            ServerErrorKind::InvalidGeometry => Some(
                "send a geometry of the column's type; seekdb 1.4 also refuses a point \
                 in an SRID other than 0 this way (use `Point::new(x, y)`, SRID 0)",
            ),
            _ => None,
        }
    }

    /// The kind Diesel kept when the number is unknown (Diesel maps a few numbers).
    pub(crate) fn from_diesel(kind: &DatabaseErrorKind) -> Self {
        match kind {
            DatabaseErrorKind::UniqueViolation => ServerErrorKind::DuplicateKey,
            DatabaseErrorKind::NotNullViolation => ServerErrorKind::NotNullViolation,
            DatabaseErrorKind::ForeignKeyViolation => ServerErrorKind::ForeignKeyViolation,
            DatabaseErrorKind::CheckViolation => ServerErrorKind::CheckViolation,
            _ => ServerErrorKind::Other,
        }
    }
}

/// The statement that lists the last statement's errors.
const SHOW_ERRORS: &str = "SHOW ERRORS";

/// The errno among `SHOW ERRORS` rows whose message is `message` (the server may cut
/// long messages, so a prefix either way matches).
pub(crate) fn code_from_rows(rows: &[JsonRow], message: &str) -> Option<u32> {
    let message = message.trim();
    if message.is_empty() {
        return None;
    }
    rows.iter().find_map(|row| {
        let text = row.get("Message").and_then(Value::as_str)?.trim();
        let same = !text.is_empty()
            && (text == message || message.starts_with(text) || text.starts_with(message));
        if !same {
            return None;
        }
        match row.get("Code")? {
            Value::Number(n) => n.as_u64().and_then(|c| u32::try_from(c).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    })
}

/// Messages of a connection the client already knows is gone: asking it anything
/// more only waits for another failure.
const CONNECTION_LOST: [&str; 3] = [
    "Lost connection to",
    "MySQL server has gone away",
    "Can't connect to",
];

/// Whether `e` came from the server and its number is still unknown.
fn wants_code(e: &Error) -> Option<&str> {
    match e {
        Error::Database {
            code: None,
            message,
            ..
        } if !CONNECTION_LOST.iter().any(|m| message.contains(m)) => Some(message),
        _ => None,
    }
}

/// `e` with the server's errno from `SHOW ERRORS` on `conn`, when `e` is a server error
/// without one. Run it before anything else touches `conn`.
pub(crate) fn fill(conn: &mut MysqlConnection, e: Error) -> Error {
    let Some(message) = wants_code(&e) else {
        return e;
    };
    // A failing SHOW ERRORS (the connection is gone) leaves the error as it was.
    let rows: Vec<JsonRow> = match diesel::sql_query(SHOW_ERRORS).load(conn) {
        Ok(rows) => rows,
        Err(_) => return e,
    };
    match code_from_rows(&rows, message) {
        Some(code) => e.with_code(code),
        None => e,
    }
}

/// [`fill`] over diesel-async's connection.
#[cfg(feature = "async")]
pub(crate) async fn fill_async(conn: &mut diesel_async::AsyncMysqlConnection, e: Error) -> Error {
    let Some(message) = wants_code(&e) else {
        return e;
    };
    let rows: Vec<JsonRow> =
        match diesel_async::RunQueryDsl::load(diesel::sql_query(SHOW_ERRORS), conn).await {
            Ok(rows) => rows,
            Err(_) => return e,
        };
    match code_from_rows(&rows, message) {
        Some(code) => e.with_code(code),
        None => e,
    }
}

/// Diesel results with the server's error number attached, for the typed DSL.
///
/// ```no_run
/// use diesel::prelude::*;
/// use diesel_seekdb::{SeekdbResultExt, ServerErrorKind};
/// # fn demo(conn: &mut MysqlConnection) -> diesel_seekdb::Result<()> {
/// let err = diesel::sql_query("INSERT INTO items (id) VALUES (1)")
///     .execute(conn)
///     .with_errno(conn)
///     .unwrap_err();
/// if err.kind() == Some(ServerErrorKind::DuplicateKey) {
///     assert_eq!(err.code(), Some(1062));
/// }
/// # Ok(()) }
/// ```
pub trait SeekdbResultExt<T> {
    /// Converts into [`crate::Result`]; a server error asks `SHOW ERRORS` on `conn` (the
    /// connection that just failed, before it runs anything else) for its errno.
    fn with_errno(self, conn: &mut MysqlConnection) -> Result<T>;
}

impl<T> SeekdbResultExt<T> for std::result::Result<T, DieselError> {
    fn with_errno(self, conn: &mut MysqlConnection) -> Result<T> {
        self.map_err(|e| Error::from_diesel(e, conn))
    }
}

impl<T> SeekdbResultExt<T> for Result<T> {
    fn with_errno(self, conn: &mut MysqlConnection) -> Result<T> {
        self.map_err(|e| fill(conn, e))
    }
}

impl Error {
    /// Converts a Diesel error like `From` does, and for a server error asks
    /// `SHOW ERRORS` on `conn` (the connection that just failed) for its errno.
    pub fn from_diesel(e: DieselError, conn: &mut MysqlConnection) -> Self {
        fill(conn, Error::from(e))
    }

    /// [`Error::from_diesel`] over diesel-async's `AsyncMysqlConnection`.
    #[cfg(feature = "async")]
    pub async fn from_diesel_async(
        e: DieselError,
        conn: &mut diesel_async::AsyncMysqlConnection,
    ) -> Self {
        fill_async(conn, Error::from(e)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: Value, message: &str) -> JsonRow {
        let mut map = serde_json::Map::new();
        map.insert("Level".into(), Value::from("Error"));
        map.insert("Code".into(), code);
        map.insert("Message".into(), Value::from(message));
        JsonRow(map)
    }

    #[test]
    fn the_row_with_the_failures_message_gives_the_code() {
        let rows = [row(
            Value::from(1062),
            "Duplicate entry '1' for key 'PRIMARY'",
        )];
        assert_eq!(
            code_from_rows(&rows, "Duplicate entry '1' for key 'PRIMARY'"),
            Some(1062)
        );
        let rows = [row(Value::from("1146"), "Table 'd.t' doesn't exist")];
        assert_eq!(
            code_from_rows(&rows, "Table 'd.t' doesn't exist"),
            Some(1146)
        );
    }

    #[test]
    fn another_statements_errors_are_not_taken() {
        let rows = [row(Value::from(1050), "Table 't' already exists")];
        assert_eq!(code_from_rows(&rows, "Duplicate entry '1'"), None);
        assert_eq!(code_from_rows(&[], "anything"), None);
        assert_eq!(code_from_rows(&[row(Value::Null, "x")], "x"), None);
    }

    #[test]
    fn kinds_follow_the_number() {
        assert_eq!(ServerErrorKind::from_code(4179), ServerErrorKind::IndexBusy);
        assert_eq!(
            ServerErrorKind::from_code(7600),
            ServerErrorKind::DimensionMismatch
        );
        assert_eq!(
            ServerErrorKind::from_code(1062),
            ServerErrorKind::DuplicateKey
        );
        assert_eq!(ServerErrorKind::from_code(1), ServerErrorKind::Other);
        let srs = ServerErrorKind::from_code(3548);
        assert_eq!(srs, ServerErrorKind::UnknownSpatialReference);
        assert!(srs.hint().is_some_and(|h| h.contains("SRID 0")));
    }
}
