//! Fast writes for the typed API: a bulk load that ends with a searchable table, and
//! multi-row inserts over the text protocol, both on the caller's own Diesel
//! connection and for any `Serialize` model (field names are column names).
//!
//! Diesel's `insert_into(..).values(&rows)` prepares a statement and binds every value
//! on each call; [`insert_rows`] writes the values into the statement text (vectors by
//! the codec) and sends it in one round trip, as hand-written SQL would.

use diesel::MysqlConnection;
use serde::Serialize;

use crate::client::{
    drive_on, exec_on_mysql, serialized, BulkLoadOptions, BulkLoadReport, LoadMethod,
};
use crate::error::Result;
use crate::model::SeekdbTable;

/// Loads `rows` into `table` all or nothing and builds its vector indexes: see
/// [`ObVecClient::bulk_load`](crate::ObVecClient::bulk_load), which does the same through
/// a client. Uses `LOAD DATA LOCAL INFILE` on `conn`.
pub fn bulk_load<'a, T, I>(
    conn: &mut MysqlConnection,
    table: &str,
    rows: I,
    options: BulkLoadOptions<'a>,
) -> Result<BulkLoadReport>
where
    T: Serialize,
    I: IntoIterator<Item = T>,
    I::IntoIter: Send + 'a,
{
    let job = crate::client::BulkJob::new(
        table,
        serialized(rows.into_iter()),
        options,
        LoadMethod::DirectLoad,
    )?;
    drive_on(conn, job)
}

/// [`bulk_load`] into the table a `#[derive(SeekdbTable)]` model declares.
pub fn bulk_load_model<'a, T, I>(
    conn: &mut MysqlConnection,
    rows: I,
    options: BulkLoadOptions<'a>,
) -> Result<BulkLoadReport>
where
    T: SeekdbTable + Serialize,
    I: IntoIterator<Item = T>,
    I::IntoIter: Send + 'a,
{
    bulk_load(conn, T::TABLE_NAME, rows, options)
}

/// Inserts `rows` into `table` with text-protocol multi-row `INSERT`s, batches cut by
/// bytes to fit `max_allowed_packet`, all in one transaction when there are several.
/// Values are checked against the table's column types first (dimensions, NaN/inf),
/// as the clients check them. Returns the rows inserted.
pub fn insert_rows<T: Serialize>(
    conn: &mut MysqlConnection,
    table: &str,
    rows: &[T],
) -> Result<usize> {
    let values = crate::client::to_values(rows)?;
    // A failure carries its errno (`err.code()`), as the clients report it.
    exec_on_mysql(
        conn,
        crate::client::write_rows_op("INSERT INTO", table, &values, None),
        crate::upkeep::IndexBusyRetry::NONE,
    )
}
