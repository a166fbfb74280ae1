//! DDL builders: vector and full-text indexes, partitions and tables, rendered as SQL.
//!
//! Organised by concern, like sea-query: [`ident`] (quoting and name limits), [`column`](mod@column),
//! [`distance`](mod@distance), [`vector_index`], [`fulltext`], [`partition`], [`table`]
//! (`CREATE TABLE`), [`alter`](mod@alter) and [`drop`](mod@drop). The rules every builder
//! checks are the shared table of the `diesel-seekdb-rules` crate. Every builder checks its
//! input against seekdb 1.4's rules and returns [`crate::Result`] from `to_sql()`-style
//! methods; a rejected builder never renders SQL. Identifiers are always backtick-quoted
//! and string literals escaped.

pub mod alter;
pub mod column;
pub mod distance;
pub mod drop;
pub mod fork;
pub mod fulltext;
pub mod ident;
mod index;
pub mod json_index;
pub mod partition;
pub mod table;
pub mod vector_index;

pub use distance::Distance;
pub use fulltext::{FullTextIndex, FullTextParser, IkMode};

pub use alter::AlterTable;
pub use drop::DropTable;
pub use fork::{ForkDatabase, ForkTable};
pub use ident::{
    quote_ident, quote_string, validate_ident, Ident, IdentKind, IdentStyle, MAX_COLUMN_NAME_LEN,
    MAX_DATABASE_NAME_LEN, MAX_INDEX_NAME_LEN, MAX_PARTITION_NAME_LEN, MAX_TABLE_NAME_LEN,
};
pub use json_index::{JsonCast, JsonPathIndex};
pub use partition::{Partition, PartitionDef, PartitionExpr, PartitionKind, PartitionValue};
pub use table::{
    Column, ColumnType, CreateTable, DefaultValue, Index, Organization, MAX_ARRAY_DEPTH,
};
pub use vector_index::{
    DropIndex, RefineType, SyncMode, VecIndexType, VectorIndex, VectorLib,
    DEFAULT_LOB_INROW_THRESHOLD, MAX_INDEX_DIMENSIONS, MAX_LOB_INROW_THRESHOLD,
};

#[allow(deprecated)]
pub use vector_index::VectorDistance;

/// Moved to [`crate::milvus::IndexParam`]: it describes an index the pymilvus way.
#[deprecated(since = "0.1.0", note = "use diesel_seekdb::milvus::IndexParam")]
pub type IndexParam = crate::milvus::IndexParam;
/// Moved to [`crate::milvus::IndexParams`]: it describes indexes the pymilvus way.
#[deprecated(since = "0.1.0", note = "use diesel_seekdb::milvus::IndexParams")]
pub type IndexParams = crate::milvus::IndexParams;
