//! The [`crate::upkeep`] calls on diesel-async's `AsyncMysqlConnection`: the same
//! operations as the blocking ones and the clients', run by the async executor (a busy
//! index is waited out with the runtime's timer, never by blocking its thread).

use diesel_async::AsyncMysqlConnection;

use super::{IndexBusyRetry, MemoryAdvice, RebuildIndex, RefreshIndex, VectorMemory};
use crate::client::exec_on_retrying;
use crate::client::{ops, ops_upkeep};
use crate::ddl::VectorIndex;
use crate::error::Result;

/// `execute_async` / `execute_async_with`: the blocking pair's operation on the async
/// executor.
macro_rules! index_procedure_execute_async {
    ($ty:ident) => {
        impl $ty {
            #[doc = concat!("[`", stringify!($ty), "::execute`] on an async connection.")]
            pub async fn execute_async(&self, conn: &mut AsyncMysqlConnection) -> Result<()> {
                self.execute_async_with(conn, IndexBusyRetry::default())
                    .await
            }

            #[doc = concat!("[`", stringify!($ty), "::execute_with`] on an async connection.")]
            pub async fn execute_async_with(
                &self,
                conn: &mut AsyncMysqlConnection,
                retry: IndexBusyRetry,
            ) -> Result<()> {
                exec_on_retrying(conn, ops::index_call(self.to_sql()?), retry).await
            }
        }
    };
}

index_procedure_execute_async!(RefreshIndex);
index_procedure_execute_async!(RebuildIndex);

/// [`index_memory_advice`](super::index_memory_advice) on an async connection.
pub async fn index_memory_advice_async(
    conn: &mut AsyncMysqlConnection,
    index: &VectorIndex,
    rows: u64,
    dim: u32,
) -> Result<MemoryAdvice> {
    let op = ops_upkeep::index_memory_advice(index, rows, dim);
    exec_on_retrying(conn, op, IndexBusyRetry::NONE).await
}

/// [`vector_memory`](super::vector_memory) on an async connection.
pub async fn vector_memory_async(conn: &mut AsyncMysqlConnection) -> Result<VectorMemory> {
    exec_on_retrying(conn, ops_upkeep::vector_memory(), IndexBusyRetry::NONE).await
}
