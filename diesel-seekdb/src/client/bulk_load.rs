//! Bulk loading: from rows in hand to a table whose vector index serves searches at
//! full speed, all or nothing.
//!
//! Why this shape (measured on seekdb 1.4, see `docs/benchmarks.md`): rows written into
//! a table that already has an HNSW index go in at ~1,500 rows/s and leave the index
//! slow until a rebuild, while a table without the index takes `LOAD DATA /*+ direct */`
//! at ~16,000 rows/s and a `CREATE VECTOR INDEX` afterwards serves searches at once.
//! `LOAD DATA` is not all-or-nothing (a timeout part-way leaves the rows before it
//! committed), so the loader never writes into the target table:
//!
//! 1. a staging table `CREATE TABLE ... LIKE` the target, its vector indexes dropped;
//! 2. the target's existing rows copied into it (`INSERT ... SELECT`);
//! 3. the new rows, each checked client-side first (type, dimensions, NaN/inf, length,
//!    duplicate key) and named in the error (`rows[17].embedding`), loaded in chunks
//!    (`LOAD DATA /*+ direct(true, 0) */ LOCAL INFILE` on the blocking client,
//!    text-protocol multi-row `INSERT` on the async one), with progress after each;
//! 4. the row count checked (`LOAD DATA LOCAL` skips duplicate keys silently);
//! 5. the target's vector indexes built on the staging table, `CREATE /*+ parallel(N) */`;
//! 6. `RENAME TABLE target TO old, staging TO target` (one atomic statement), then
//!    `DROP TABLE old`.
//!
//! A failure before step 6 drops the staging table and leaves the target as it was. The
//! price: the target is replaced by a copy, so rows written to it by others during the
//! load are lost (load into a table nobody else writes meanwhile), and grants on the
//! table itself do not carry over. The load's statements run with `ob_query_timeout` /
//! `ob_trx_timeout` raised to [`BulkLoadOptions::timeout`] and set back afterwards.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

pub(crate) use super::bulk_job::BulkJob;
use super::bulk_job::Next;
use crate::error::{Error, Result};

/// A progress callback.
type ProgressFn<'a> = Box<dyn FnMut(&BulkLoadProgress) + Send + 'a>;

/// How a bulk load runs. `BulkLoadOptions::default()` suits most loads.
pub struct BulkLoadOptions<'a> {
    pub(crate) parallel: u32,
    pub(crate) timeout: Duration,
    pub(crate) chunk_bytes: usize,
    pub(crate) temp_dir: Option<PathBuf>,
    pub(crate) progress: Option<ProgressFn<'a>>,
}

impl Default for BulkLoadOptions<'_> {
    fn default() -> Self {
        BulkLoadOptions {
            parallel: std::thread::available_parallelism()
                .map(|n| n.get() as u32)
                .unwrap_or(2),
            timeout: Duration::from_secs(3600),
            chunk_bytes: 32 * 1024 * 1024,
            temp_dir: None,
            progress: None,
        }
    }
}

impl std::fmt::Debug for BulkLoadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkLoadOptions")
            .field("parallel", &self.parallel)
            .field("timeout", &self.timeout)
            .field("chunk_bytes", &self.chunk_bytes)
            .field("temp_dir", &self.temp_dir)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl<'a> BulkLoadOptions<'a> {
    /// The defaults: parallel index build on every core of this machine, one hour of
    /// timeout per statement, 32 MiB chunks, the system's temporary directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Degree of the `CREATE /*+ parallel(N) */ VECTOR INDEX` (and of the copy of
    /// existing rows). The server's cores are what count; at least 1.
    pub fn parallel(mut self, degree: u32) -> Self {
        self.parallel = degree.max(1);
        self
    }

    /// `ob_query_timeout` and `ob_trx_timeout` for each statement of the load (the
    /// server's default, 10 s, is too short for a load of any size).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// About how many bytes of row text each load statement carries; progress is
    /// reported after each. A multi-row `INSERT` is also kept within the server's
    /// `max_allowed_packet`.
    pub fn chunk_bytes(mut self, bytes: usize) -> Self {
        self.chunk_bytes = bytes.max(1);
        self
    }

    /// Where the blocking client writes the chunk files `LOAD DATA LOCAL INFILE` reads
    /// (deleted after each chunk). Default: [`std::env::temp_dir`].
    pub fn temp_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.temp_dir = Some(dir.into());
        self
    }

    /// Called after each step: each loaded chunk, and before and after the index build.
    pub fn on_progress(mut self, f: impl FnMut(&BulkLoadProgress) + Send + 'a) -> Self {
        self.progress = Some(Box::new(f));
        self
    }
}

/// Where a bulk load is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BulkLoadPhase {
    /// Rows are being loaded into the staging table.
    Loading,
    /// The vector indexes are being built (reported before the build starts).
    Indexing,
    /// The staging table has replaced the target.
    Done,
}

/// What a progress callback is told.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkLoadProgress {
    /// The current phase.
    pub phase: BulkLoadPhase,
    /// New rows loaded so far (not counting the rows the table had).
    pub rows_loaded: u64,
    /// Time since the load started.
    pub elapsed: Duration,
    /// `rows_loaded` over the time spent loading them.
    pub rows_per_sec: f64,
}

/// How the rows reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadMethod {
    /// `LOAD DATA /*+ direct(true, 0) */ LOCAL INFILE` (blocking client).
    DirectLoad,
    /// Multi-row `INSERT` over the text protocol (async client).
    MultiRowInsert,
}

/// What a finished bulk load did.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkLoadReport {
    /// New rows loaded.
    pub rows_loaded: u64,
    /// Rows in the table afterwards (the rows it had plus the new ones).
    pub rows_total: u64,
    /// How the rows were sent.
    pub method: LoadMethod,
    /// Time to copy the existing rows and load the new ones.
    pub load_time: Duration,
    /// Time to build the vector indexes.
    pub index_time: Duration,
    /// Time from the call to the swapped, searchable table.
    pub total_time: Duration,
    /// New rows per second of `load_time`.
    pub rows_per_sec: f64,
    /// The vector indexes built, by name.
    pub indexes_built: Vec<String>,
    /// The old copy of the table when dropping it failed after the swap (the load
    /// itself succeeded; drop it by hand).
    pub leftover_table: Option<String>,
}

/// Rows given as serializable values, converted one at a time as the load reads them.
pub(crate) fn serialized<'a, T: serde::Serialize>(
    rows: impl Iterator<Item = T> + Send + 'a,
) -> impl Iterator<Item = Result<Value>> + Send + 'a {
    rows.enumerate().map(|(i, r)| {
        serde_json::to_value(r).map_err(|e| Error::validation(format!("rows[{i}]"), e.to_string()))
    })
}

/// Runs `job` to its end on the caller's connection (the typed API).
pub(crate) fn drive_on(
    conn: &mut diesel::MysqlConnection,
    mut job: BulkJob<'_>,
) -> Result<BulkLoadReport> {
    let mut last = None;
    loop {
        match job.next(last.take()) {
            // Each failure with its errno (`err.code()`), as the clients report it.
            Next::Run(op) => {
                last = Some(super::exec_on_mysql(
                    conn,
                    Ok(op),
                    crate::upkeep::IndexBusyRetry::NONE,
                ))
            }
            Next::Finished(result) => return result,
        }
    }
}

impl super::ObVecClient {
    /// Runs `job` to its end, each step on a connection of the client.
    pub(super) fn drive_bulk(&self, mut job: BulkJob<'_>) -> Result<BulkLoadReport> {
        let mut last = None;
        loop {
            match job.next(last.take()) {
                Next::Run(op) => last = Some(self.exec(Ok(op))),
                Next::Finished(result) => return result,
            }
        }
    }
}

#[cfg(feature = "async")]
impl super::AsyncObVecClient {
    /// Runs `job` to its end, each step on a connection of the client.
    pub(super) async fn drive_bulk(&self, mut job: BulkJob<'_>) -> Result<BulkLoadReport> {
        let mut last = None;
        loop {
            match job.next(last.take()) {
                Next::Run(op) => last = Some(self.exec(Ok(op)).await),
                Next::Finished(result) => return result,
            }
        }
    }
}
