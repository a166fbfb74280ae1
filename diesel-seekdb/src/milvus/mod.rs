//! The Milvus-style client (pyobvector's `MilvusLikeClient`), its schemas and its
//! filter language.
//!
//! Milvus's contracts hold on seekdb:
//! * strings are exact. seekdb's default collation ignores case and trailing spaces, so a
//!   collection's VARCHAR primary key is `CHARACTER SET binary` (VARBINARY: `'abc'`,
//!   `'ABC'` and `'abc '` are three keys; `utf8mb4_bin` would still pad) and its other
//!   VARCHAR fields `utf8mb4_bin`; filters compare strings with `BINARY` on both sides and
//!   `like` under `utf8mb4_bin`. Values still read back as JSON strings.
//! * one DDL path: [`CollectionSchema::to_create_table`] turns a schema and its index
//!   parameters into a [`crate::ddl::CreateTable`], whose rules run before any SQL.
//! * `describe_collection` speaks Milvus (`INT32`, `ARRAY` of `element_type`,
//!   `metric_type` `L2`/`IP`/`COSINE` and the index's build parameters); `insert` returns
//!   `{"insert_count": n, "ids": [...]}`, the generated ids for `auto_id` collections.
//! * a hit's distance is `Option<f64>`, never NaN: a zero query vector under cosine is
//!   refused, and rows whose stored vector has no distance (NULL, or zero under cosine)
//!   are kept out of the results instead of sorting first.

mod client;
mod data_type;
mod describe;
mod fields;
pub mod filter;
mod ids;
mod index_param;
mod iterators;
mod scalar_index;
mod schema;
mod search;
mod upkeep;

pub use client::{MilvusFilter, MilvusLikeClient, QuickCollection};
pub use describe::filter_schema;
pub use index_param::{IndexParam, IndexParams};
pub use scalar_index::ScalarIndex;
pub use schema::{CollectionSchema, DataType, FieldSchema, MilvusCollection};
pub use search::{Hit, SearchRequest};
