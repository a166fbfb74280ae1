//! The SQL-mode client (pyobvector's `ObVecClient`) and the pieces it is built from:
//! statements assembled at run time, table metadata and JSON rows.

mod ann;
#[cfg(feature = "async")]
mod async_obvec;
#[cfg(feature = "async")]
mod async_source;
mod bulk_encode;
mod bulk_job;
mod bulk_job_statements;
mod bulk_load;
pub mod compat;
mod convert;
#[cfg(feature = "async")]
mod exec_async;

mod count;
mod exec_sync;
pub(crate) mod explain;
pub mod filtered;
mod gis;
mod group;
mod group_methods;
mod guard_methods;
mod hybrid;
mod iter;
mod iter_methods;
mod meta;
mod obvec;
pub(crate) mod ops;
mod ops_explain;
mod ops_filtered;
mod ops_gis;
mod ops_meta;
pub(crate) mod ops_server;
pub(crate) mod ops_upkeep;
pub(crate) mod plan;
mod query;
pub(crate) mod source;
pub(crate) mod statements;
mod tuning;
mod tuning_methods;
mod upkeep_server_methods;

pub use crate::connection::{
    tenant_user, ConnectionUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT,
};
pub use crate::ddl::Distance;
pub use crate::row::JsonRow;
#[allow(deprecated)]
pub use ann::DistanceFunc;
pub use ann::{AnnSearch, MAX_TOPK};
#[cfg(feature = "async")]
pub use async_obvec::{AsyncConnectionGuard, AsyncObVecClient, AsyncSeekdbPool};
pub(crate) use bulk_load::{drive_on, serialized, BulkJob};
pub use bulk_load::{BulkLoadOptions, BulkLoadPhase, BulkLoadProgress, BulkLoadReport, LoadMethod};
#[cfg(feature = "async")]
pub(crate) use exec_async::exec_on_retrying;
#[cfg(feature = "async")]
pub use exec_async::{describe_table_async, table_exists_async};
pub(crate) use exec_sync::exec_on_mysql;
pub use exec_sync::{describe_table, table_exists};
pub use explain::{FullScanReason, IndexFilter, SearchPlan, VectorAccess};
pub use filtered::{filtered_ef_search, SearchReport, FILTERED_EF_SEARCH};
pub use group::{GroupedSearch, SearchGroup};
pub use hybrid::{HybridSearch, Knn, SearchQuery};
pub use iter::{QueryIter, SearchIter, DEFAULT_BATCH_SIZE};
pub use iter_methods::Pages;
pub use meta::{ColumnInfo, ColumnKind, IndexInfo, TableInfo};
pub use obvec::ObVecClient;
pub(crate) use ops::write_rows as write_rows_op;
pub use ops_gis::SpatialSearch;
pub use ops_server::hybrid_search_table_sql;
#[cfg(feature = "fuzzing")]
pub(crate) use query::placeholders;
pub use query::{BoxedFilter, DynQuery, Filter};
pub use source::{ConnectOptions, SeekdbPool};
pub(crate) use statements::to_values;
pub use tuning::{RecallReport, RecallSample, SearchKnob, Tuned};
// `obvec.rs` and `async_obvec.rs` name the URL type through `super::url`.
use crate::connection::url;
