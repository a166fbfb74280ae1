//! The SQL-mode client (pyobvector's `ObVecClient`) and the pieces it is built from:
//! statements assembled at run time, table metadata and JSON rows.

mod ann;
mod convert;
mod hybrid;
mod meta;
mod obvec;
mod query;
mod row;
mod source;

pub use ann::{AnnSearch, DistanceFunc, MAX_TOPK};
pub use hybrid::{HybridSearch, Knn, SearchQuery};
pub use meta::{describe_table, table_exists, ColumnInfo, ColumnKind, IndexInfo, TableInfo};
pub use obvec::ObVecClient;
pub use query::{BoxedFilter, DynQuery, Filter};
#[cfg(feature = "fuzzing")]
pub(crate) use query::placeholders;
pub use row::JsonRow;
pub use source::{ConnectOptions, SeekdbPool};
