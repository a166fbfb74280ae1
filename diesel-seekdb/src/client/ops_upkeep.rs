//! Index memory operations of both clients (see [`crate::upkeep`]): the advisor before
//! an index is created, and the vector memory in use.

use super::plan::{rows, Op, Plan, Statement};
use super::query::DynQuery;
use crate::ddl::VectorIndex;
use crate::error::Result;
use crate::upkeep::{self, MemoryAdvice, VectorMemory};

pub(crate) fn index_memory_advice<'a>(
    index: &VectorIndex,
    rows_count: u64,
    dim: u32,
) -> Result<Op<'a, MemoryAdvice>> {
    let mut q = DynQuery::new();
    q.sql(upkeep::memory_advice_sql(index, rows_count, dim)?);
    Op::run(Plan::new(vec![Statement::Load(q)], |out| {
        upkeep::advice_from_rows(&rows(out))
    }))
}

pub(crate) fn vector_memory<'a>() -> Result<Op<'a, VectorMemory>> {
    let mut q = DynQuery::new();
    q.sql(upkeep::VECTOR_MEMORY_SQL);
    Op::run(Plan::new(vec![Statement::Load(q)], |out| {
        upkeep::memory_from_rows(&rows(out))
    }))
}
