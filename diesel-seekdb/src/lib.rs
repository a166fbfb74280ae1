//! OceanBase **seekdb** vector search for **Diesel** (MySQL backend).
//!
//! diesel-seekdb adds seekdb's `VECTOR(n)`, `SPARSEVECTOR` and `ARRAY(t)` columns to
//! Diesel's typed query builder: distance functions, approximate (index) ordering, DDL
//! builders for vector and full-text indexes, partitions and tables, and the two client
//! styles of the Python SDK pyobvector (`ObVecClient`, `MilvusLikeClient`). It works with
//! seekdb and with OceanBase clusters, which speak the same SQL.
//!
//! # Five lines
//!
//! ```no_run
//! use diesel::prelude::*;
//! use diesel_seekdb::prelude::*;
//!
//! diesel::table! {
//!     use diesel::sql_types::*;
//!     use diesel_seekdb::sql_types::Vector;
//!     items (id) { id -> Bigint, embedding -> Vector }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = MysqlConnection::establish("mysql://root@127.0.0.1:2881/test")?;
//! let query = Vector::from(vec![0.1, 0.2, 0.3]);
//! let nearest: Vec<i64> = items::table
//!     .select(items::id)
//!     .order(items::embedding.l2_distance(&query).approximate()) // uses the vector index
//!     .limit(5)
//!     .load(&mut conn)?;
//! # let _ = nearest;
//! # Ok(())
//! # }
//! ```
//!
//! # Where things live
//!
//! | You want | Look at |
//! |---|---|
//! | column types for `table!` (what `diesel print-schema` writes) | [`sql_types`]: `Vector`, `Sparsevector`, `Array` |
//! | the Rust values of those columns | [`Vector`], [`SparseVector`], [`diesel_ext::SqlArray`] |
//! | distances, `.approximate()`, `MATCH ... AGAINST`, array functions | [`prelude`] ([`VectorExpressionMethods`], [`SparseVectorExpressionMethods`], [`diesel_ext`]) |
//! | session settings (`ef_search`, `ivf_nprobes`) kept on a pool | [`SessionSettings`], [`SessionManager`] |
//! | DDL: tables, vector / full-text indexes, partitions | [`ddl`] |
//! | a table declared on the model struct | [`model`] and `#[derive(SeekdbTable)]` (crate `diesel-seekdb-derive`) |
//! | migrations written with the DDL builders | [`migration`] |
//! | pyobvector's SQL-mode client | [`client::ObVecClient`] (async: `client::AsyncObVecClient`, feature `async`) |
//! | pyobvector's / pymilvus's Milvus-style client and filter strings | [`milvus::MilvusLikeClient`], [`milvus::filter`] |
//! | the text codecs as plain functions | [`codec`] |
//! | a vector whose dimension is in its type; points (GIS) | `FixedVector<N>` / `sql_types::VectorOf<N>`; `Point`, `st_distance`, `st_dwithin` in `diesel_ext` |
//! | load many rows and end with a searchable index, all or nothing | `bulk_load` on the clients, `diesel_ext::bulk_load` |
//! | fast filtered search: scalar / JSON-path indexes, index hints, a partition per filter value | `ddl::JsonPathIndex`, `#[seekdb(key)]`, `diesel_ext::index_hint`, `ddl::Partition::list`, `AnnSearch::partitions` |
//! | does this search use the index? strict mode | `search_plan` on the clients, `diesel_ext::explain_search` |
//! | recall and `ef_search` tuning, keyset iterators, grouping search | `tune_ef_search`, `query_iter` / `search_iter`, `GroupedSearch` |
//! | index refresh / rebuild, memory advisor, forks, server capabilities (blocking and `_async`) | `upkeep`, `fork`, `server` |
//! | start or attach to a local seekdb | `runtime` (feature `runtime`) |
//! | errors | [`Error`] (one enum; [`SeekdbResultExt`] for server error numbers) |
//!
//! # Features
//!
//! `serde` (Serialize/Deserialize for the value types), `async` (diesel-async:
//! `AsyncObVecClient` and the DSL on `AsyncMysqlConnection`), `runtime` (the local
//! server manager).
//!
//! # What to expect from seekdb
//!
//! * Values are checked before anything is sent: NaN and ±infinity (seekdb would store
//!   0), empty vectors and more than 16000 dimensions are [`Error::Validation`].
//! * Vectors come back as text with 6 significant digits: compare with a tolerance.
//! * `.approximate()` exists only on distances an index can order by; an inner-product
//!   index is searched with `negative_inner_product` ascending. A metric that does not
//!   match the index silently becomes an exact scan.
//! * DDL commits implicitly: a transaction does not undo `CREATE TABLE` or an index.
//!
//! The repository README walks from `cargo add` to a searched table in a fresh crate,
//! and lists the examples.

#![deny(unsafe_code)]
#![warn(missing_docs)]

// README's Rust blocks stay doctests, without being the front page.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme_doctests {}

mod array;
mod array_codec;
pub mod client;
pub mod codec;
mod connection;
pub mod ddl;
pub mod diesel_ext;
mod errno;
mod error;
mod fixed_vector;
pub mod fork;
pub mod fragment;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod hints;
pub mod migration;
pub mod milvus;
pub mod model;
pub mod point;
mod row;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod server;
pub mod sparse;
pub mod sql_types;
pub mod upkeep;
mod vector;

#[cfg(feature = "async")]
pub use client::AsyncObVecClient;
pub use client::ObVecClient;
pub use diesel_ext::{
    ef_search, ivf_nprobes, set_ef_search, set_ivf_nprobes, SessionManager, SessionSettings,
    SparseVectorExpressionMethods, VectorExpressionMethods,
};
pub use errno::SeekdbResultExt;
pub use error::{Error, Result, ServerErrorKind};
pub use fixed_vector::FixedVector;
pub use point::Point;
pub use sparse::SparseVector;
pub use vector::Vector;

/// Everything needed to write vector queries: `use diesel_seekdb::prelude::*;`.
pub mod prelude {
    pub use crate::diesel_ext::{
        match_against, ArrayExpressionMethods, PointExpressionMethods,
        SparseVectorExpressionMethods, SqlArray, VectorExpressionMethods,
    };
    pub use crate::sql_types::{
        Array as ArrayType, Point as PointType, SparseVector as SparseVectorType,
        Vector as VectorType, VectorOf,
    };
    pub use crate::{FixedVector, Point, SessionManager, SessionSettings, SparseVector, Vector};
}
