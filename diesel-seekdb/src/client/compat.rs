//! pyobvector's method names on [`ObVecClient`] and `AsyncObVecClient`, so code ported
//! from Python reads the same.
//!
//! The clients' own names are the Rust ones; each method here is the same call under
//! pyobvector's name (an inherent method: no import needed, not deprecated). Names that
//! already read well in Rust (`insert`, `upsert`, `get`, `delete`, `update`,
//! `ann_search`, `post_ann_search`, `precise_search`, `hybrid_search`, `create_table`,
//! `create_index`, `drop_index`, `add_columns`, `drop_columns`, `refresh_index`,
//! `rebuild_index`, `refresh_metadata`) are the same in both.
//!
//! | pyobvector name | Rust name |
//! |---|---|
//! | `check_table_exists` | [`table_exists`](ObVecClient::table_exists) |
//! | `create_table_with_index_params` | [`create_table_with_indexes`](ObVecClient::create_table_with_indexes) |
//! | `create_vidx_with_vec_index_param` | [`create_vector_index`](ObVecClient::create_vector_index) |
//! | `create_fts_idx_with_fts_index_param` | [`create_fulltext_index`](ObVecClient::create_fulltext_index) |
//! | `drop_table_if_exist` | [`drop_table`](ObVecClient::drop_table) |
//! | `set_ob_hnsw_ef_search` | [`set_ef_search`](ObVecClient::set_ef_search) |
//! | `get_ob_hnsw_ef_search` | [`ef_search`](ObVecClient::ef_search) |
//! | `perform_raw_text_sql` | [`raw_sql`](ObVecClient::raw_sql) |
//!
//! The async client has the same pairs, each an `async fn`.

use super::ops::Rows;
use super::ObVecClient;
use crate::ddl::{CreateTable, FullTextIndex};
use crate::error::Result;
use crate::milvus::{IndexParam, IndexParams};

/// pyobvector's names (see the [table](crate::client::compat)).
impl ObVecClient {
    /// pyobvector's name for [`table_exists`](Self::table_exists).
    pub fn check_table_exists(&self, table: &str) -> Result<bool> {
        self.table_exists(table)
    }

    /// pyobvector's name for [`create_table_with_indexes`](Self::create_table_with_indexes).
    pub fn create_table_with_index_params(
        &self,
        table: CreateTable,
        vidxs: Option<&IndexParams>,
        fts_idxs: &[FullTextIndex],
    ) -> Result<()> {
        self.create_table_with_indexes(table, vidxs, fts_idxs)
    }

    /// pyobvector's name for [`create_vector_index`](Self::create_vector_index).
    pub fn create_vidx_with_vec_index_param(&self, table: &str, param: &IndexParam) -> Result<()> {
        self.create_vector_index(table, param)
    }

    /// pyobvector's name for [`create_fulltext_index`](Self::create_fulltext_index).
    pub fn create_fts_idx_with_fts_index_param(
        &self,
        table: &str,
        index: &FullTextIndex,
    ) -> Result<()> {
        self.create_fulltext_index(table, index)
    }

    /// pyobvector's name for [`drop_table`](Self::drop_table).
    pub fn drop_table_if_exist(&self, table: &str) -> Result<()> {
        self.drop_table(table)
    }

    /// pyobvector's name for [`set_ef_search`](Self::set_ef_search).
    pub fn set_ob_hnsw_ef_search(&self, ef_search: u32) -> Result<()> {
        self.set_ef_search(ef_search)
    }

    /// pyobvector's name for [`ef_search`](Self::ef_search).
    pub fn get_ob_hnsw_ef_search(&self) -> Result<u32> {
        self.ef_search()
    }

    /// pyobvector's name for [`raw_sql`](Self::raw_sql).
    pub fn perform_raw_text_sql(&self, sql: &str) -> Result<Rows> {
        self.raw_sql(sql)
    }
}

/// pyobvector's names (see the [table](crate::client::compat)).
#[cfg(feature = "async")]
impl super::AsyncObVecClient {
    /// pyobvector's name for [`table_exists`](Self::table_exists).
    pub async fn check_table_exists(&self, table: &str) -> Result<bool> {
        self.table_exists(table).await
    }

    /// pyobvector's name for [`create_table_with_indexes`](Self::create_table_with_indexes).
    pub async fn create_table_with_index_params(
        &self,
        table: CreateTable,
        vidxs: Option<&IndexParams>,
        fts_idxs: &[FullTextIndex],
    ) -> Result<()> {
        self.create_table_with_indexes(table, vidxs, fts_idxs).await
    }

    /// pyobvector's name for [`create_vector_index`](Self::create_vector_index).
    pub async fn create_vidx_with_vec_index_param(
        &self,
        table: &str,
        param: &IndexParam,
    ) -> Result<()> {
        self.create_vector_index(table, param).await
    }

    /// pyobvector's name for [`create_fulltext_index`](Self::create_fulltext_index).
    pub async fn create_fts_idx_with_fts_index_param(
        &self,
        table: &str,
        index: &FullTextIndex,
    ) -> Result<()> {
        self.create_fulltext_index(table, index).await
    }

    /// pyobvector's name for [`drop_table`](Self::drop_table).
    pub async fn drop_table_if_exist(&self, table: &str) -> Result<()> {
        self.drop_table(table).await
    }

    /// pyobvector's name for [`set_ef_search`](Self::set_ef_search).
    pub async fn set_ob_hnsw_ef_search(&self, ef_search: u32) -> Result<()> {
        self.set_ef_search(ef_search).await
    }

    /// pyobvector's name for [`ef_search`](Self::ef_search).
    pub async fn get_ob_hnsw_ef_search(&self) -> Result<u32> {
        self.ef_search().await
    }

    /// pyobvector's name for [`raw_sql`](Self::raw_sql).
    pub async fn perform_raw_text_sql(&self, sql: &str) -> Result<Rows> {
        self.raw_sql(sql).await
    }
}
