//! SQL types for seekdb's vector, sparse-vector and array columns.
//!
//! The names match what `diesel print-schema` emits for seekdb columns when
//! `diesel_seekdb::sql_types::*` is imported (`Vector`, `Sparsevector`, `Array`), so a
//! generated `schema.rs` compiles unchanged.

/// seekdb `VECTOR(n)`: a dense `f32` vector, sent and received as text.
///
/// On the wire the value is a MySQL string (seekdb reports type 254); the dimension is
/// a property of the column and is checked by the server (and by the clients).
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(mysql_type(name = "String"))]
pub struct Vector;

/// seekdb `SPARSEVECTOR`: index → value pairs, text `{1:0.5,3:1}`.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(mysql_type(name = "String"))]
pub struct SparseVector;

/// The spelling `diesel print-schema` generates for `SPARSEVECTOR` columns.
pub type Sparsevector = SparseVector;

/// seekdb `ARRAY(t)`: a typed array, JSON text on the wire.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(mysql_type(name = "String"))]
pub struct Array;
