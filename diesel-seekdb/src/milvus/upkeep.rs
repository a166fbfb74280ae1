//! [`MilvusLikeClient`]'s index memory and server calls: one-line passthroughs to the
//! client core (see [`crate::upkeep`] and [`crate::server`]), with Milvus-shaped
//! arguments where Milvus has a shape for them (an [`IndexParam`]).

use std::sync::Arc;

use super::{IndexParam, MilvusLikeClient};
use crate::error::Result;
use crate::server::ServerInfo;
use crate::upkeep::{MemoryAdvice, VectorMemory};

impl MilvusLikeClient {
    /// `DBMS_VECTOR.INDEX_VECTOR_MEMORY_ADVISOR` for the vector index `index` (as given
    /// to `create_index`) over `rows` vectors of `dim` dimensions: ask before creating
    /// it, and compare with [`MilvusLikeClient::vector_memory`]'s
    /// [`VectorMemory::free`].
    pub fn index_memory_advice(
        &self,
        index: &IndexParam,
        rows: u64,
        dim: u32,
    ) -> Result<MemoryAdvice> {
        self.sql_client()
            .index_memory_advice(&index.to_vector_index()?, rows, dim)
    }

    /// Vector index memory held, used and allowed (`oceanbase.V$OB_VECTOR_MEMORY`).
    pub fn vector_memory(&self) -> Result<VectorMemory> {
        self.sql_client().vector_memory()
    }

    /// The server this client talks to (seekdb or OceanBase, and versions; cached).
    pub fn server_info(&self) -> Result<Arc<ServerInfo>> {
        self.sql_client().server_info()
    }
}
