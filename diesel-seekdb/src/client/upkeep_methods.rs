//! The index memory calls of [`ObVecClient`] and [`AsyncObVecClient`] (built once in
//! [`super::ops_upkeep`]; see [`crate::upkeep`]).

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
