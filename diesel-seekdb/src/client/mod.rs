//! The SQL-mode client (pyobvector's `ObVecClient`) and the pieces it is built from:
//! statements assembled at run time, table metadata and JSON rows.

mod ann;
#[cfg(feature = "async")]
mod async_obvec;
#[cfg(feature = "async")]
mod async_source;
pub mod compat;
mod convert;
#[cfg(feature = "async")]
mod exec_async;
mod exec_sync;
mod hybrid;
mod meta;
mod obvec;
mod ops;
mod ops_meta;
mod plan;
mod query;
pub(crate) mod source;
mod statements;

pub use crate::connection::{ConnectionUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT};
pub use crate::ddl::Distance;
pub use crate::row::JsonRow;
#[allow(deprecated)]
pub use ann::DistanceFunc;
pub use ann::{AnnSearch, MAX_TOPK};
#[cfg(feature = "async")]
pub use async_obvec::{AsyncConnectionGuard, AsyncObVecClient, AsyncSeekdbPool};
#[cfg(feature = "async")]
pub use exec_async::{describe_table_async, table_exists_async};
pub use exec_sync::{describe_table, table_exists};
pub use hybrid::{HybridSearch, Knn, SearchQuery};
pub use meta::{ColumnInfo, ColumnKind, IndexInfo, TableInfo};
pub use obvec::ObVecClient;
#[cfg(feature = "fuzzing")]
pub(crate) use query::placeholders;
pub use query::{BoxedFilter, DynQuery, Filter};
pub use source::{ConnectOptions, SeekdbPool};
// `obvec.rs` and `async_obvec.rs` name the URL type through `super::url`.
use crate::connection::url;
