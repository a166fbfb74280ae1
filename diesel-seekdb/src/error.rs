//! The crate's one error type.

use std::fmt;

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
        /// MySQL error number when it can be recovered from the message.
        code: Option<u32>,
        /// The server's message.
        message: String,
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
}

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

    /// The MySQL error number, for server errors.
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::Database { code, .. } => *code,
            _ => None,
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
            } => write!(f, "seekdb error {code}: {message}"),
            Error::Database {
                code: None,
                message,
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

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::Error as D;
        match e {
            D::DatabaseError(_, info) => {
                let message = info.message().to_string();
                classify_server_message(&message).unwrap_or(Error::Database {
                    code: None,
                    message,
                })
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
    fn display_names_the_parameter() {
        let e = Error::validation("ef_construction", "must be greater than m (16)");
        assert_eq!(
            e.to_string(),
            "invalid `ef_construction`: must be greater than m (16)"
        );
    }
}
