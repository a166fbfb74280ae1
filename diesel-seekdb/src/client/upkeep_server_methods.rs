//! The index memory and server-capability calls of [`ObVecClient`] and
//! [`AsyncObVecClient`] (built once in [`super::ops_upkeep`] and [`super::ops_server`];
//! see [`crate::upkeep`] and [`crate::server`]).

use super::ops_upkeep as ops;
use super::ObVecClient;
use crate::ddl::VectorIndex;
use crate::error::Result;
use crate::upkeep::{MemoryAdvice, VectorMemory};

impl ObVecClient {
    /// `DBMS_VECTOR.INDEX_VECTOR_MEMORY_ADVISOR`: the vector memory that building
    /// `index` over `rows` vectors of `dim` dimensions needs. Ask before creating it and
    /// compare with [`ObVecClient::vector_memory`]'s [`VectorMemory::free`].
    pub fn index_memory_advice(
        &self,
        index: &VectorIndex,
        rows: u64,
        dim: u32,
    ) -> Result<MemoryAdvice> {
        self.exec(ops::index_memory_advice(index, rows, dim))
    }

    /// Vector index memory held, used and allowed (`oceanbase.V$OB_VECTOR_MEMORY`).
    pub fn vector_memory(&self) -> Result<VectorMemory> {
        self.exec(ops::vector_memory())
    }
}

#[cfg(feature = "async")]
impl super::AsyncObVecClient {
    /// [`ObVecClient::index_memory_advice`].
    pub async fn index_memory_advice(
        &self,
        index: &VectorIndex,
        rows: u64,
        dim: u32,
    ) -> Result<MemoryAdvice> {
        self.exec(ops::index_memory_advice(index, rows, dim)).await
    }

    /// [`ObVecClient::vector_memory`].
    pub async fn vector_memory(&self) -> Result<VectorMemory> {
        self.exec(ops::vector_memory()).await
    }
}

// ---- the server and its features (see `crate::server`) --------------------------------

impl ObVecClient {
    /// The server this client talks to (read on first need, then cached): seekdb or
    /// OceanBase, and versions. Features a server lacks are refused with
    /// [`Error::NotSupported`](crate::Error::NotSupported) naming the version needed.
    pub fn server_info(&self) -> Result<std::sync::Arc<crate::server::ServerInfo>> {
        match self.state.server() {
            Some(info) => Ok(info),
            None => Ok(self
                .state
                .keep_server(self.run_plan(super::ops_server::read_server())?)),
        }
    }

    /// pyobvector's `sql_search`: `SELECT columns FROM HYBRID_SEARCH(TABLE t, dsl)`
    /// with an optional trusted `WHERE` / `ORDER BY` over its rows (`__score` among
    /// them). Needs OceanBase 4.6+; older servers (seekdb 1.4) get
    /// [`Error::NotSupported`](crate::Error::NotSupported) before anything is sent. Use
    /// [`ObVecClient::hybrid_search`] there.
    pub fn sql_search(
        &self,
        table: &str,
        body: &super::HybridSearch,
        columns: &[&str],
        where_sql: Option<&str>,
        order_by: Option<&str>,
    ) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        self.exec(super::ops_server::sql_search(
            table, body, columns, where_sql, order_by,
        ))
    }
}

#[cfg(feature = "async")]
impl super::AsyncObVecClient {
    /// [`ObVecClient::server_info`].
    pub async fn server_info(&self) -> Result<std::sync::Arc<crate::server::ServerInfo>> {
        match self.state.server() {
            Some(info) => Ok(info),
            None => Ok(self
                .state
                .keep_server(self.run_plan(super::ops_server::read_server()).await?)),
        }
    }

    /// [`ObVecClient::sql_search`].
    pub async fn sql_search(
        &self,
        table: &str,
        body: &super::HybridSearch,
        columns: &[&str],
        where_sql: Option<&str>,
        order_by: Option<&str>,
    ) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        self.exec(super::ops_server::sql_search(
            table, body, columns, where_sql, order_by,
        ))
        .await
    }
}
