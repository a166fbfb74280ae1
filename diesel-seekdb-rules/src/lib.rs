//! seekdb 1.4's schema rules as plain data, shared by `diesel-seekdb`'s runtime DDL
//! builders and by `diesel-seekdb-derive`, so a rule cannot be accepted at compile time
//! and refused at run time (or the other way round).
//!
//! - [`index`]: vector index kinds, their parameters, ranges and defaults, the library
//!   each kind needs, the distances, and the rules that tie parameters together.
//! - [`fulltext`]: full-text parser names and their options.
//! - [`column_type`]: the one column type, [`ColumnType`], parsed from and rendered to
//!   SQL (declared types and the spellings the server reports), and its size rules.
//! - The constants below: dimension, storage and search limits.
//!
//! Every rule here was checked against a real seekdb 1.4 server (errno 1235 when
//! broken); the crate has no dependencies so the proc-macro crate can use it too.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod column_type;
pub mod fulltext;
pub mod index;
pub mod sql_type;

pub use column_type::ColumnType;

/// Largest `VECTOR(n)` dimension.
pub const MAX_DIMENSIONS: u32 = 16_000;
/// Largest dimension any vector index covers.
pub const MAX_INDEX_DIMENSIONS: u32 = 4096;
/// seekdb's default `LOB_INROW_THRESHOLD` in bytes (`ob_default_lob_inrow_threshold`):
/// IVF indexes need the vector (`4 * dim` bytes) to fit in it, i.e. 2048 dimensions.
pub const DEFAULT_LOB_INROW_THRESHOLD: u32 = 8192;
/// Largest `LOB_INROW_THRESHOLD`.
pub const MAX_LOB_INROW_THRESHOLD: u32 = 786_432;
/// Deepest `ARRAY(ARRAY(...))` nesting accepted (pyobvector's limit).
pub const MAX_ARRAY_DEPTH: usize = 6;
/// The largest `offset + limit` seekdb accepts with `APPROXIMATE`.
pub const MAX_TOPK: usize = 16_384;
/// Longest `VARCHAR(n)`.
pub const MAX_VARCHAR_LEN: u32 = 262_144;
/// Longest `CHAR(n)`.
pub const MAX_CHAR_LEN: u32 = 255;
/// Longest `BINARY(n)` (seekdb 1.4: errno 1074 above it).
pub const MAX_BINARY_LEN: u32 = 256;
/// Longest `VARBINARY(n)` (seekdb 1.4: errno 1074 above it).
pub const MAX_VARBINARY_LEN: u32 = 1_048_576;
/// Largest `DECIMAL` precision.
pub const MAX_DECIMAL_PRECISION: u32 = 65;
/// Largest `DECIMAL` scale.
pub const MAX_DECIMAL_SCALE: u32 = 30;

/// The most dimensions an IVF index covers on a table with this `LOB_INROW_THRESHOLD`
/// (the vector must be stored in-row: 4 bytes a dimension), capped at
/// [`MAX_INDEX_DIMENSIONS`].
pub fn max_ivf_dimensions(lob_inrow_threshold: u32) -> u32 {
    (lob_inrow_threshold / 4).min(MAX_INDEX_DIMENSIONS)
}

/// A broken rule: the parameter it concerns and why, in words fit for an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The parameter (`m`, `ef_construction`, `dim`, `column_type`, ...).
    pub parameter: String,
    /// What is wrong.
    pub reason: String,
}

impl Violation {
    pub(crate) fn new(parameter: impl Into<String>, reason: impl Into<String>) -> Self {
        Violation {
            parameter: parameter.into(),
            reason: reason.into(),
        }
    }
}

impl std::error::Error for Violation {}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.parameter, self.reason)
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
