//! Keeping vector indexes healthy and sized: `DBMS_VECTOR.REFRESH_INDEX` /
//! `REBUILD_INDEX` as typed calls, `DBMS_VECTOR.INDEX_VECTOR_MEMORY_ADVISOR` (will the
//! next index fit?) and `oceanbase.V$OB_VECTOR_MEMORY` (vector memory in use).
//!
//! The same statements back [`ObVecClient`](crate::ObVecClient) and
//! [`AsyncObVecClient`](crate::AsyncObVecClient) (`refresh_index`, `rebuild_index`,
//! `index_memory_advice`, `vector_memory`): the calls here run the clients' operations
//! on a typed-DSL user's own `MysqlConnection`, or with the `async` feature on
//! diesel-async's `AsyncMysqlConnection` (`execute_async`, `index_memory_advice_async`,
//! `vector_memory_async`).
//!
//! ```
//! use diesel_seekdb::ddl::{Distance, VectorIndex};
//! use diesel_seekdb::upkeep::{memory_advice_sql, RebuildIndex, RefreshIndex};
//!
//! assert_eq!(
//!     RefreshIndex::new("items_vidx", "items").threshold(5000).to_sql()?,
//!     "CALL DBMS_VECTOR.REFRESH_INDEX('items_vidx', 'items', '', 5000)"
//! );
//! assert_eq!(
//!     RebuildIndex::new("items_vidx", "items").to_sql()?,
//!     "CALL DBMS_VECTOR.REBUILD_INDEX('items_vidx', 'items', '', 0.2)"
//! );
//! let index = VectorIndex::new("items_vidx", "embedding").distance(Distance::Cosine).m(16);
//! assert_eq!(
//!     memory_advice_sql(&index, 20_000, 128)?,
//!     "SELECT DBMS_VECTOR.INDEX_VECTOR_MEMORY_ADVISOR('HNSW', 20000, 128, 'FLOAT32', \
//!      'DISTANCE=COSINE,TYPE=HNSW,LIB=VSAG,M=16') AS `advice`"
//! );
//! # Ok::<(), diesel_seekdb::Error>(())
//! ```

use diesel::MysqlConnection;
use serde_json::Value;

use crate::client::exec_on_mysql;
use crate::client::statements::{index_call_sql, IndexCall};
use crate::ddl::{quote_string, VectorIndex};
use crate::error::{Error, Result};
use crate::row::JsonRow;

#[path = "upkeep_retry.rs"]
mod retry;
pub use retry::IndexBusyRetry;
pub(crate) use retry::Retryable;

#[cfg(feature = "async")]
#[path = "upkeep_async.rs"]
mod asynchronous;
#[cfg(feature = "async")]
pub use asynchronous::{index_memory_advice_async, vector_memory_async};

/// Runs the index procedure `sql` on `conn`, again while the index is busy (by error
/// number 4179): the clients' operation, on a bare connection.
fn call_retrying(conn: &mut MysqlConnection, sql: String, retry: IndexBusyRetry) -> Result<()> {
    exec_on_mysql(conn, crate::client::ops::index_call(sql), retry)
}

/// `CALL DBMS_VECTOR.REFRESH_INDEX(index, table, '', threshold)`: moves rows written
/// since the last refresh into the index once at least `threshold` are pending
/// (default 10000, pyobvector's). Argument order is the server's: index, then table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshIndex {
    index: String,
    table: String,
    threshold: i64,
}

impl RefreshIndex {
    /// Refresh `index` of `table` (a table of the connection's database).
    pub fn new(index: impl Into<String>, table: impl Into<String>) -> Self {
        RefreshIndex {
            index: index.into(),
            table: table.into(),
            threshold: 10_000,
        }
    }

    /// Pending rows needed before the refresh does anything (`0`: always).
    pub fn threshold(mut self, rows: i64) -> Self {
        self.threshold = rows;
        self
    }

    /// The `CALL` statement.
    pub fn to_sql(&self) -> Result<String> {
        index_call_sql(&self.index, &self.table, IndexCall::Refresh(self.threshold))
    }
}

/// `CALL DBMS_VECTOR.REBUILD_INDEX(index, table, '', threshold)`: rebuilds the index
/// from the table once the share of rows written since the last build reaches
/// `threshold` (0..=1, default 0.2, pyobvector's). Run it after a bulk load into an
/// indexed table: until then approximate search is much slower.
#[derive(Debug, Clone, PartialEq)]
pub struct RebuildIndex {
    index: String,
    table: String,
    threshold: f64,
}

impl RebuildIndex {
    /// Rebuild `index` of `table` (a table of the connection's database).
    pub fn new(index: impl Into<String>, table: impl Into<String>) -> Self {
        RebuildIndex {
            index: index.into(),
            table: table.into(),
            threshold: 0.2,
        }
    }

    /// Share of changed rows (0..=1) needed before the rebuild does anything (`0`: always).
    pub fn threshold(mut self, share: f64) -> Self {
        self.threshold = share;
        self
    }

    /// The `CALL` statement.
    pub fn to_sql(&self) -> Result<String> {
        index_call_sql(&self.index, &self.table, IndexCall::Rebuild(self.threshold))
    }
}

/// `execute` / `execute_with` of an index procedure (its `to_sql` is the `CALL`).
macro_rules! index_procedure_execute {
    ($ty:ident, $what:literal) => {
        impl $ty {
            #[doc = concat!("Runs the ", $what, ", waiting out a concurrent refresh or rebuild with")]
            /// the default [`IndexBusyRetry`].
            pub fn execute(&self, conn: &mut MysqlConnection) -> Result<()> {
                self.execute_with(conn, IndexBusyRetry::default())
            }

            #[doc = concat!("Runs the ", $what, " with `retry` for a busy index.")]
            pub fn execute_with(
                &self,
                conn: &mut MysqlConnection,
                retry: IndexBusyRetry,
            ) -> Result<()> {
                call_retrying(conn, self.to_sql()?, retry)
            }
        }
    };
}

index_procedure_execute!(RefreshIndex, "refresh");
index_procedure_execute!(RebuildIndex, "rebuild");

/// What `DBMS_VECTOR.INDEX_VECTOR_MEMORY_ADVISOR` answered for an index not yet built.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryAdvice {
    /// The server's sentence, e.g. `Suggested minimum vector memory is 33.1 MB`.
    pub message: String,
    /// The suggested minimum vector memory, in bytes (the server rounds to 0.1 unit).
    pub minimum_bytes: u64,
    /// Memory while serving searches, when the server gives it (IVF and quantized HNSW).
    pub search_bytes: Option<u64>,
}

impl MemoryAdvice {
    /// Reads the advisor's sentence.
    pub fn parse(message: &str) -> Result<Self> {
        let bad = || Error::decode("memory advice", format!("unexpected text {message:?}"));
        let after = |marker: &str| -> Option<Result<u64>> {
            let rest = message.split(marker).nth(1)?;
            let mut words = rest.split_whitespace();
            let number = words.next()?;
            let unit = words.next()?.trim_end_matches([',', '.']);
            Some(bytes(number, unit).ok_or_else(bad))
        };
        let minimum_bytes = after("minimum vector memory is ").ok_or_else(bad)??;
        let search_bytes = after("providing search service is ").transpose()?;
        Ok(MemoryAdvice {
            message: message.to_string(),
            minimum_bytes,
            search_bytes,
        })
    }

    /// Whether the minimum fits in `free` bytes (compare with [`VectorMemory::free`]).
    pub fn fits_in(&self, free: u64) -> bool {
        self.minimum_bytes <= free
    }
}

/// `33.1` and `MB` as bytes (the advisor's units are powers of 1024).
fn bytes(number: &str, unit: &str) -> Option<u64> {
    let n: f64 = number
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let scale = match unit.to_ascii_uppercase().as_str() {
        "B" | "BYTES" => 1u64,
        "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        "TB" => 1 << 40,
        _ => return None,
    };
    Some((n * scale as f64).round() as u64)
}

/// The advisor call for building `index` over `rows` vectors of `dim` dimensions
/// (`FLOAT32`, the only element type seekdb 1.4 advises on). `dim` is checked as
/// `CREATE VECTOR INDEX` would check it (at most 4096, IVF in-row storage, ivf_pq `m`
/// dividing it): seekdb's advisor answers for any dimension, even one no index can have.
pub fn memory_advice_sql(index: &VectorIndex, rows: u64, dim: u32) -> Result<String> {
    if rows == 0 || dim == 0 {
        return Err(Error::validation(
            if rows == 0 { "rows" } else { "dim" },
            "must be at least 1",
        ));
    }
    // A sparse (sindi) index has no dense dimension to check.
    let checked = match index.get_index_type() {
        crate::ddl::VecIndexType::Sindi => index.clone(),
        _ => index.clone().dim(dim),
    };
    // `WITH (distance=cosine, type=hnsw, ...)`: the advisor takes the same pairs,
    // comma-separated, in capitals.
    let with = checked.with_clause()?;
    let params = with
        .trim_start_matches("WITH (")
        .trim_end_matches(')')
        .replace(", ", ",")
        .to_ascii_uppercase();
    let kind = index.get_index_type().as_str().to_ascii_uppercase();
    Ok(format!(
        "SELECT DBMS_VECTOR.INDEX_VECTOR_MEMORY_ADVISOR({}, {rows}, {dim}, 'FLOAT32', {}) AS `advice`",
        quote_string(&kind),
        quote_string(&params)
    ))
}

/// Reads the advisor's row.
pub(crate) fn advice_from_rows(rows: &[JsonRow]) -> Result<MemoryAdvice> {
    let text = rows
        .first()
        .and_then(|r| r.get("advice"))
        .and_then(Value::as_str)
        .ok_or_else(|| Error::decode("memory advice", "the advisor returned no text"))?;
    MemoryAdvice::parse(text)
}

/// Vector index memory of the server (tenant), from `oceanbase.V$OB_VECTOR_MEMORY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VectorMemory {
    /// Bytes held by vector indexes (`VECTOR_MEM_HOLD`).
    pub hold: u64,
    /// Bytes in use (`VECTOR_MEM_USED`).
    pub used: u64,
    /// The limit (`VECTOR_MEM_LIMIT`).
    pub limit: u64,
}

impl VectorMemory {
    /// Bytes still available to vector indexes (`limit - hold`).
    pub fn free(&self) -> u64 {
        self.limit.saturating_sub(self.hold)
    }
}

/// The statement that reads [`VectorMemory`].
pub const VECTOR_MEMORY_SQL: &str = "SELECT VECTOR_MEM_HOLD AS `hold`, VECTOR_MEM_USED AS `used`, \
     VECTOR_MEM_LIMIT AS `limit` FROM oceanbase.V$OB_VECTOR_MEMORY";

/// Reads the view's row (one per tenant; several are summed).
pub(crate) fn memory_from_rows(rows: &[JsonRow]) -> Result<VectorMemory> {
    if rows.is_empty() {
        return Err(Error::decode(
            "vector memory",
            "oceanbase.V$OB_VECTOR_MEMORY returned no row",
        ));
    }
    let field = |row: &JsonRow, name: &str| -> Result<u64> {
        match row.get(name) {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| Error::decode("vector memory", format!("`{name}` is not a byte count")))
    };
    let mut total = VectorMemory {
        hold: 0,
        used: 0,
        limit: 0,
    };
    for row in rows {
        total.hold = total.hold.saturating_add(field(row, "hold")?);
        total.used = total.used.saturating_add(field(row, "used")?);
        total.limit = total.limit.saturating_add(field(row, "limit")?);
    }
    Ok(total)
}

/// Asks the server how much vector memory building `index` over `rows` vectors of
/// `dim` dimensions needs (before creating it).
pub fn index_memory_advice(
    conn: &mut MysqlConnection,
    index: &VectorIndex,
    rows: u64,
    dim: u32,
) -> Result<MemoryAdvice> {
    let op = crate::client::ops_upkeep::index_memory_advice(index, rows, dim);
    exec_on_mysql(conn, op, IndexBusyRetry::NONE)
}

/// Vector index memory held, used and allowed on the server.
pub fn vector_memory(conn: &mut MysqlConnection) -> Result<VectorMemory> {
    exec_on_mysql(
        conn,
        crate::client::ops_upkeep::vector_memory(),
        IndexBusyRetry::NONE,
    )
}

#[cfg(test)]
#[path = "upkeep_tests.rs"]
mod tests;
