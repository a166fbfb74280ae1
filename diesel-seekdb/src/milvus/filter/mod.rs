//! Milvus (pymilvus) boolean filter expressions, compiled to seekdb SQL.
//!
//! ```
//! use diesel_seekdb::milvus::filter::{compile, FieldKind, FilterSchema, ScalarKind};
//! let schema = FilterSchema::new()
//!     .field("id", FieldKind::Scalar(ScalarKind::Int64))
//!     .field("meta", FieldKind::Json);
//! let frag = compile(r#"id < 100 and meta["page"] in [1, 2]"#, &schema, None)?.unwrap();
//! assert_eq!(frag.sql, "((`id` < ?) AND (JSON_EXTRACT(`meta`, ?) IN (?, ?)))");
//! assert_eq!(frag.binds.len(), 4);
//! # Ok::<(), diesel_seekdb::Error>(())
//! ```
//!
//! The pipeline is [`parse`] (lexer, then a depth-limited parser that folds constant
//! arithmetic) → a schema and type check → rendering into a
//! [`SqlFragment`] whose every literal is a bound
//! parameter. Errors are [`Error::Filter`] with the 0-based
//! character offset of the problem.

pub mod ast;
mod check;
mod fold;
mod indexed;
mod ir;
mod lexer;
mod parser;
mod render;
mod schema;
#[cfg(test)]
mod tests;

pub use parser::{parse, MAX_DEPTH};
pub use schema::{FieldKind, FilterSchema, ScalarKind};

use crate::fragment::SqlFragment;
use crate::{Error, Result};

/// Template values for `{name}` placeholders (pymilvus's `filter_params`).
pub type FilterParams = serde_json::Map<String, serde_json::Value>;

/// Compiles a filter into a WHERE condition; `None` for an empty or all-whitespace
/// filter (no condition).
///
/// Columns are checked against `schema`; `{name}` templates are taken from `params`.
pub fn compile(
    filter: &str,
    schema: &FilterSchema,
    params: Option<&FilterParams>,
) -> Result<Option<SqlFragment>> {
    if filter.trim().is_empty() {
        return Ok(None);
    }
    let expr = parse(filter)?;
    let pred = check::check(&expr, schema, params)?;
    Ok(Some(render::render(&pred, schema)))
}

fn error_at(offset: usize, message: impl Into<String>) -> Error {
    Error::Filter {
        offset,
        message: message.into(),
    }
}
