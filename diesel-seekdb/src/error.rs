//! The crate's one error type.

use std::fmt;

pub use crate::errno::ServerErrorKind;

/// Everything that can go wrong in diesel-seekdb.
///
/// Validation failures are reported *before* anything is sent to the server, so a
/// rejected call never leaves partial writes behind.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A parameter was rejected client-side; `parameter` names it.
    Validation {
        /// The offending parameter (e.g. `"ef_construction"`, `"vector[3]"`).
        parameter: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A vector had the wrong number of dimensions.
    Dimension {
        /// Dimensions the column (or collection) declares.
        expected: usize,
        /// Dimensions the value has.
        actual: usize,
    },
    /// Text coming back from the server (or given by the user) is not a valid value.
    Decode {
        /// What was being decoded (`"vector"`, `"sparse vector"`, ...).
        what: &'static str,
        /// Why decoding failed.
        reason: String,
    },
    /// A Milvus-style filter expression could not be parsed or checked.
    Filter {
        /// 0-based offset, in characters, into the filter string.
        offset: usize,
        /// What is wrong there (and what was expected).
        message: String,
    },
    /// A collection (table) does not exist.
    CollectionNotFound {
        /// The collection's name.
        name: String,
    },
    /// The server does not support what was asked.
    NotSupported {
        /// What was asked for.
        feature: String,
        /// Why it is unavailable.
        reason: String,
    },
    /// The server answered with an error.
    Database {
        /// The MySQL/seekdb error number. The clients, migrations and
        /// [`SeekdbResultExt::with_errno`](crate::SeekdbResultExt::with_errno) fill it in;
        /// a bare `From<diesel::result::Error>` cannot (Diesel drops it).
        code: Option<u32>,
        /// The server's message.
        message: String,
        /// What the error means: from `code`, or from Diesel's kind without one.
        kind: ServerErrorKind,
    },
    /// A Diesel error that is not a server error (serialization, not found, ...).
    Diesel(diesel::result::Error),
    /// Connecting failed.
    Connection(diesel::ConnectionError),
    /// A connect or a call did not finish within its bound (`connect_timeout`,
    /// `read_timeout`, a pool's timeout); the connection it used is not reused.
    Timeout {
        /// What ran out of time, naming the server (never the password).
        operation: String,
        /// The bound that was exceeded.
        after: std::time::Duration,
    },
    /// Starting, stopping or installing a local seekdb failed.
    Runtime {
        /// What went wrong.
        reason: String,
    },
    /// A filtered approximate search returned fewer rows than asked while more rows
    /// match its filter: the search lost rows (see `client::filtered`).
    ShortResult {
        /// The table searched.
        table: String,
        /// Rows the search returned.
        returned: usize,
        /// Rows the filter matches, counted up to `topk`.
        matching: usize,
        /// Rows asked for.
        topk: usize,
    },
}

/// seekdb's number for "inconsistent dimension".
const DIMENSION_MISMATCH: u32 = 7600;

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::Validation`].
    pub fn validation(parameter: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation {
            parameter: parameter.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Decode`].
    pub fn decode(what: &'static str, reason: impl Into<String>) -> Self {
        Error::Decode {
            what,
            reason: reason.into(),
        }
    }

    /// The MySQL/seekdb error number of a server error (see [`Error::Database`]).
    /// [`Error::Dimension`] answers 7600, seekdb's number for the condition, also when
    /// the mismatch was caught before anything was sent.
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::Database { code, .. } => *code,
            Error::Dimension { .. } => Some(DIMENSION_MISMATCH),
            _ => None,
        }
    }

    /// What a server error (or a dimension mismatch) means; `None` for errors that
    /// did not come from the server.
    pub fn kind(&self) -> Option<ServerErrorKind> {
        match self {
            Error::Database { kind, .. } => Some(*kind),
            Error::Dimension { .. } => Some(ServerErrorKind::DimensionMismatch),
            _ => None,
        }
    }

    /// What to do about a server error seekdb users commonly meet (a busy or missing
    /// vector index, memory, timeouts); `Display` ends with it too.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Database {
                code: Some(code),
                message,
                ..
            } => crate::hints::for_server_error(*code, message),
            _ => None,
        }
    }

    /// A server error with its number (and the kind that follows from it).
    pub(crate) fn with_code(self, number: u32) -> Self {
        match self {
            Error::Database { message, .. } => Error::Database {
                code: Some(number),
                kind: ServerErrorKind::from_code(number),
                message,
            },
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation { parameter, reason } => {
                write!(f, "invalid `{parameter}`: {reason}")
            }
            Error::Dimension { expected, actual } => write!(
                f,
                "vector dimension mismatch: expected {expected} dimensions, got {actual}"
            ),
            Error::Decode { what, reason } => write!(f, "cannot decode {what}: {reason}"),
            Error::Filter { offset, message } => {
                write!(f, "invalid filter at offset {offset}: {message}")
            }
            Error::CollectionNotFound { name } => write!(f, "collection `{name}` does not exist"),
            Error::NotSupported { feature, reason } => {
                write!(f, "{feature} is not supported: {reason}")
            }
            Error::Database {
                code: Some(code),
                message,
                kind,
            } => {
                write!(f, "seekdb error {code}: {message}")?;
                match crate::hints::for_server_error(*code, message).or_else(|| kind.hint()) {
                    Some(hint) => write!(f, " (hint: {hint})"),
                    None => Ok(()),
                }
            }
            Error::Database {
                code: None,
                message,
                ..
            } => write!(f, "seekdb error: {message}"),
            Error::Diesel(e) => write!(f, "{e}"),
            Error::Connection(e) => write!(f, "cannot connect to seekdb: {e}"),
            Error::Timeout { operation, after } => {
                write!(
                    f,
                    "timed out after {:.1} s: {operation}",
                    after.as_secs_f64()
                )
            }
            Error::Runtime { reason } => write!(f, "local seekdb: {reason}"),
            Error::ShortResult {
                table,
                returned,
                matching,
                topk,
            } => write!(
                f,
                "the filtered search of `{table}` returned {returned} of {topk} rows while \
                 {matching} match the filter; raise ef_search, or run it exactly \
                 (precise_search)"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Diesel(e) => Some(e),
            Error::Connection(e) => Some(e),
            _ => None,
        }
    }
}

/// Server messages that carry a structured meaning we can surface as a typed error.
fn classify_server_message(message: &str) -> Option<Error> {
    // seekdb: "inconsistent dimension: expected 3 got 2"
    let rest = message.split("inconsistent dimension: expected ").nth(1)?;
    let mut words = rest.split_whitespace();
    let expected = words.next()?.parse().ok()?;
    if words.next()? != "got" {
        return None;
    }
    let actual = words
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    Some(Error::Dimension { expected, actual })
}

/// The errno of a "packet too large" message. The server closes the connection after
/// sending it, so `SHOW ERRORS` cannot be asked; the texts are fixed (server 1153
/// ER_NET_PACKET_TOO_LARGE; 2020 CR_NET_PACKET_TOO_LARGE for a client's own refusal).
fn packet_too_large(message: &str) -> Option<u32> {
    if message.contains("Got a packet bigger than 'max_allowed_packet' bytes") {
        Some(1153)
    } else if message.contains("Got packet bigger than 'max_allowed_packet' bytes")
        // mysql_async (diesel-async) refuses such a packet itself, before sending it.
        || message.ends_with("Input/output error: packet too large")
    {
        Some(2020)
    } else {
        None
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::Error as D;
        match e {
            D::DatabaseError(kind, info) => {
                let message = info.message().to_string();
                if let Some(e) = classify_server_message(&message) {
                    return e;
                }
                let e = Error::Database {
                    code: None,
                    kind: ServerErrorKind::from_diesel(&kind),
                    message,
                };
                match packet_too_large(e.to_string().as_str()) {
                    Some(code) => e.with_code(code),
                    None => e,
                }
            }
            D::SerializationError(inner) => match inner.downcast::<Error>() {
                Ok(ours) => *ours,
                Err(other) => Error::Diesel(D::SerializationError(other)),
            },
            D::DeserializationError(inner) => match inner.downcast::<Error>() {
                Ok(ours) => *ours,
                Err(other) => Error::Diesel(D::DeserializationError(other)),
            },
            other => Error::Diesel(other),
        }
    }
}

impl From<diesel::ConnectionError> for Error {
    fn from(e: diesel::ConnectionError) -> Self {
        Error::Connection(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_message_becomes_typed() {
        let e = classify_server_message("inconsistent dimension: expected 3 got 2").unwrap();
        assert!(matches!(
            e,
            Error::Dimension {
                expected: 3,
                actual: 2
            }
        ));
        assert!(classify_server_message("Invalid argument").is_none());
    }

    #[test]
    fn diesel_kinds_and_packet_messages_survive_conversion() {
        use diesel::result::{DatabaseErrorKind, Error as D};
        let dup = Error::from(D::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("Duplicate entry '1' for key 'PRIMARY'".to_string()),
        ));
        assert_eq!(dup.kind(), Some(ServerErrorKind::DuplicateKey));
        assert_eq!(dup.code(), None);
        let big = Error::from(D::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("Got a packet bigger than 'max_allowed_packet' bytes".to_string()),
        ));
        assert_eq!(big.kind(), Some(ServerErrorKind::PacketTooLarge));
        assert_eq!(big.code(), Some(1153));
        assert_eq!(
            Error::Dimension {
                expected: 3,
                actual: 2
            }
            .code(),
            Some(7600)
        );
    }

    #[test]
    fn display_names_the_parameter() {
        let e = Error::validation("ef_construction", "must be greater than m (16)");
        assert_eq!(
            e.to_string(),
            "invalid `ef_construction`: must be greater than m (16)"
        );
    }
}
