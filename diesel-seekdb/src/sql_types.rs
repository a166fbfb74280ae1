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

/// seekdb `VECTOR(N)` with its dimension in the type, for `table!`:
/// `embedding -> VectorOf<768>`.
///
/// The distance functions, `.eq()` and inserts on such a column accept a
/// [`FixedVector<N>`](crate::FixedVector) (or `[f32; N]` through `FixedVector::from`)
/// of the same `N` only, so a 1536-d value for a 768-d column fails to compile. A
/// dynamic [`Vector`](crate::Vector) is still accepted, and its dimension is checked
/// when it is bound, before anything is sent. Loads into `FixedVector<N>`, `Vector`
/// and `Vec<f32>`; a stored vector of another dimension is a deserialization error
/// naming both. `diesel print-schema` writes plain [`Vector`]; change the column's type
/// by hand (or with a patch file) to opt in.
///
/// ```
/// # use diesel::prelude::*;
/// # use diesel_seekdb::prelude::*;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::VectorOf;
///     docs (id) { id -> Integer, embedding -> VectorOf<3> }
/// }
/// let q = FixedVector::new([0.0, 0.0, 1.0]);
/// let query = docs::table
///     .select(docs::id)
///     .order(docs::embedding.l2_distance(q).approximate())
///     .limit(5);
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with("SELECT `docs`.`id` FROM `docs` ORDER BY l2_distance(`docs`.`embedding`, ?) APPROXIMATE LIMIT ?"), "{sql}");
/// ```
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(mysql_type(name = "String"))]
pub struct VectorOf<const N: usize>;

/// seekdb `POINT` (a `GEOMETRY` column holding points), read and written as the
/// server's stored form: SRID then WKB.
///
/// The C client reads such a column directly. diesel-async's driver cannot read a
/// `GEOMETRY` result at all (it panics in the driver), so through it select
/// [`readable()`](crate::diesel_ext::PointExpressionMethods::readable), which is
/// `CAST(p AS BINARY)` (the same bytes, typed as a blob), or `st_astext(p)`.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(mysql_type(name = "Blob"))]
pub struct Point;
