//! Tables declared on model structs: [`SeekdbTable`], implemented by
//! `#[derive(SeekdbTable)]` from the `diesel-seekdb-derive` crate.
//!
//! The derive reads the struct's field types and `#[seekdb(...)]` attributes, refuses
//! misuse at compile time (a vector without a dimension, an unknown index kind or
//! distance, a parameter the kind does not take, a value out of seekdb's range), and
//! generates code that builds the [`crate::ddl`] builders, so the SQL that reaches the
//! server is rendered and checked by the same code as hand-written DDL.
//!
//! ```
//! use diesel_seekdb::model::SeekdbTable;
//! use diesel_seekdb::Vector;
//! use diesel_seekdb_derive::SeekdbTable;
//!
//! #[derive(SeekdbTable)]
//! #[seekdb(table = "docs", partition(key(id), partitions = 2))]
//! struct Doc {
//!     #[seekdb(primary_key, auto_increment)]
//!     id: i64,
//!     #[seekdb(varchar(len = 200), fulltext(parser = "ngram", ngram_token_size = 2))]
//!     title: String,
//!     #[seekdb(vector(dim = 3), index(kind = "hnsw", distance = "cosine", m = 16))]
//!     embedding: Vector,
//! }
//!
//! assert_eq!(
//!     Doc::create_table_sql()?,
//!     "CREATE TABLE `docs` (`id` BIGINT NOT NULL AUTO_INCREMENT, `title` VARCHAR(200) NOT NULL, \
//!      `embedding` VECTOR(3) NOT NULL, PRIMARY KEY (`id`), \
//!      VECTOR INDEX `embedding_vidx` (`embedding`) WITH (distance=cosine, type=hnsw, lib=vsag, m=16), \
//!      FULLTEXT INDEX `title_ftidx` (`title`) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=2)) \
//!      PARTITION BY KEY (`id`) PARTITIONS 2"
//! );
//! # Ok::<(), diesel_seekdb::Error>(())
//! ```

use diesel::{MysqlConnection, RunQueryDsl};

use crate::ddl::{CreateTable, DropTable};
use crate::milvus::{CollectionSchema, IndexParams, MilvusCollection};
use crate::Result;

/// A seekdb table described by a model struct (see the [module docs](self)).
pub trait SeekdbTable {
    /// The table's name (Diesel's `#[diesel(table_name = ...)]`, `#[seekdb(table = "...")]`
    /// or the struct name in snake case plus `s`, as Diesel infers it).
    const TABLE_NAME: &'static str;

    /// The `CREATE TABLE` builder: columns, primary key, vector and full-text indexes,
    /// partitions and table options. Adjust it before rendering if needed
    /// (`.if_not_exists()`, another comment, ...).
    fn create_table() -> CreateTable;

    /// The same table as a Milvus-style schema.
    #[deprecated(
        since = "0.1.0",
        note = "use diesel_seekdb::milvus::MilvusCollection::milvus_schema"
    )]
    fn collection_schema() -> Result<CollectionSchema>
    where
        Self: MilvusCollection,
    {
        Self::milvus_schema()
    }

    /// The struct's vector indexes as Milvus-style index parameters.
    #[deprecated(
        since = "0.1.0",
        note = "use diesel_seekdb::milvus::MilvusCollection::milvus_index_params"
    )]
    fn index_params() -> Result<IndexParams>
    where
        Self: MilvusCollection,
    {
        Self::milvus_index_params()
    }

    /// The table's name.
    fn table_name() -> &'static str {
        Self::TABLE_NAME
    }

    /// The validated `CREATE TABLE` statement.
    fn create_table_sql() -> Result<String> {
        Self::create_table().to_sql()
    }

    /// `DROP TABLE` for this table (add `.if_exists()` as needed).
    fn drop_table() -> DropTable {
        DropTable::new(Self::TABLE_NAME)
    }

    /// Creates the table; fails if it exists.
    fn create(conn: &mut MysqlConnection) -> Result<()> {
        execute(conn, &Self::create_table_sql()?)
    }

    /// Creates the table unless a table of that name exists (its definition is not
    /// compared).
    fn create_if_not_exists(conn: &mut MysqlConnection) -> Result<()> {
        execute(conn, &Self::create_table().if_not_exists().to_sql()?)
    }

    /// Drops the table if it exists.
    fn drop_if_exists(conn: &mut MysqlConnection) -> Result<()> {
        execute(conn, &Self::drop_table().if_exists().to_sql()?)
    }
}

fn execute(conn: &mut MysqlConnection, sql: &str) -> Result<()> {
    diesel::sql_query(sql).execute(conn)?;
    Ok(())
}

/// Support for the code `#[derive(SeekdbTable)]` generates; not a public API.
#[doc(hidden)]
pub mod __private {
    use serde_json::{Map, Value};

    use crate::milvus::IndexParam;

    /// A vector-index parameter value as written in the attribute.
    #[derive(Debug, Clone, Copy)]
    pub enum ParamValue {
        /// An integer.
        Int(u64),
        /// A float.
        Float(f64),
        /// `true` / `false`.
        Bool(bool),
        /// A bare word (`lib`, `refine_type`).
        Word(&'static str),
    }

    /// The Milvus-style parameters of one vector index.
    pub fn index_param(
        name: &str,
        column: &str,
        kind: &str,
        distance: &str,
        params: &[(&str, ParamValue)],
    ) -> IndexParam {
        let mut obj = Map::new();
        for (key, value) in params {
            let value = match *value {
                ParamValue::Int(v) => Value::from(v),
                ParamValue::Float(v) => Value::from(v),
                ParamValue::Bool(v) => Value::from(v),
                ParamValue::Word(v) => Value::from(v),
            };
            obj.insert((*key).to_string(), value);
        }
        IndexParam::new(name, column, kind)
            .metric_type(distance)
            .params(Value::Object(obj))
    }
}
