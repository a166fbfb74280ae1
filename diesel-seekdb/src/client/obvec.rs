//! `ObVecClient`: pyobvector's SQL-mode client on Diesel.

use std::sync::Arc;

use diesel::deserialize::QueryableByName;
use diesel::mysql::Mysql;
use diesel::r2d2::Pool;
use diesel::MysqlConnection;
use serde_json::{Map, Value};

use super::ann::{AnnSearch, SearchMode};
use super::bulk_load::{serialized, BulkJob, LoadMethod};
use super::meta::TableInfo;
use super::ops::{self, Rows};
use super::plan::ClientState;
use super::query::Filter;
use super::source::{ConnectOptions, SeekdbPool, Source};
use super::statements as stmt;
use super::url::ConnectionUrl;
use crate::diesel_ext::SessionManager;
use crate::error::Result;

/// pyobvector's `ObVecClient`: tables, indexes, DML and vector search over one Diesel
/// connection or an r2d2 pool. Methods take `&self`; the client is `Send + Sync`.
///
/// Values are JSON (`serde_json::Value` objects, or anything `Serialize`), converted
/// with each column's type as the server reports it: vectors are checked for
/// dimension and finiteness before anything is sent. Filters are Diesel expressions
/// ([`Filter::expr`]) or fragments with bound values, never spliced strings.
///
/// The async client (`AsyncObVecClient`) runs the very same operations (one
/// implementation of each), so both clients send the same SQL and answer alike.
///
/// pyobvector's method names (`check_table_exists`, `perform_raw_text_sql`, ...) are
/// kept beside the Rust ones: see [`compat`](crate::client::compat).
pub struct ObVecClient {
    pub(super) source: Source,
    pub(super) state: ClientState,
}

impl std::fmt::Debug for ObVecClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.source {
            Source::Single(_) => "connection",
            Source::Pool(_) => "pool",
            Source::SessionPool(_) => "session pool",
        };
        f.debug_struct("ObVecClient")
            .field("source", &kind)
            .finish()
    }
}

impl ObVecClient {
    /// Connects like pyobvector: `ObVecClient::connect("127.0.0.1:2881", "root@test", "", "test")`.
    ///
    /// The connection is reopened on the next call after it is lost.
    pub fn connect(uri: &str, user: &str, password: &str, db_name: &str) -> Result<Self> {
        Self::from_options(&ConnectOptions::new(uri, user, password, db_name))
    }

    /// Connects with [`ConnectOptions`] (and their timeouts).
    pub fn from_options(options: &ConnectOptions) -> Result<Self> {
        Ok(Self::new(Source::connect(options.connection_url()?)?))
    }

    /// Connects to a `mysql://` URL (options: [`ConnectionUrl`](super::ConnectionUrl)).
    /// The connection is reopened on the next call after it is lost.
    pub fn from_url(url: &str) -> Result<Self> {
        Ok(Self::new(Source::connect(ConnectionUrl::parse(url)?)?))
    }

    /// Uses an existing Diesel connection (not bounded, and not reopened when lost).
    pub fn from_connection(conn: MysqlConnection) -> Self {
        Self::new(Source::from_connection(conn))
    }

    /// Uses a plain r2d2 pool. Its connections carry whatever session a previous
    /// borrower left; settings set through the client
    /// ([`set_ef_search`](Self::set_ef_search)) are sent again on each
    /// checkout. Prefer [`from_session_pool`](Self::from_session_pool).
    pub fn from_pool(pool: SeekdbPool) -> Self {
        Self::new(Source::Pool(pool))
    }

    /// Uses a pool built on [`SessionManager`] (the pool the README builds): its
    /// checkout check is the session `SET`, so every call sees the manager's
    /// [`SessionSettings`](crate::SessionSettings) whatever an earlier borrower changed,
    /// and the client sends none itself. Settings set through the client are sent on
    /// each checkout, after the manager's.
    pub fn from_session_pool(pool: Pool<SessionManager>) -> Self {
        Self::new(Source::SessionPool(pool))
    }

    fn new(source: Source) -> Self {
        ObVecClient {
            source,
            state: ClientState::default(),
        }
    }

    /// Runs `f` with a connection (from the pool, with the client's session settings).
    /// A server error `f` returns gets its errno ([`Error::code`](crate::Error::code)) from that connection.
    pub fn with_connection<R>(
        &self,
        f: impl FnOnce(&mut MysqlConnection) -> Result<R>,
    ) -> Result<R> {
        // A single connection gets the settings again only when it had to be reopened;
        // empty settings send nothing.
        let setup = self.state.session().to_sql()?;
        self.source.with_conn(&setup, f)
    }

    // ---- metadata -------------------------------------------------------------------

    /// Whether `table` exists.
    pub fn table_exists(&self, table: &str) -> Result<bool> {
        self.exec(ops::table_exists(table))
    }

    /// The server's description of `table` (cached; DDL through this client refreshes it).
    pub fn table_info(&self, table: &str) -> Result<Arc<TableInfo>> {
        self.exec(ops::table_info(table))
    }

    /// Forgets cached table descriptions (pyobvector's `refresh_metadata`).
    pub fn refresh_metadata(&self) {
        self.state.forget_tables();
    }

    // ---- DDL ------------------------------------------------------------------------

    /// Runs DDL rendered by the [`crate::ddl`] builders (or any trusted statement) and
    /// forgets cached metadata for `table`.
    pub fn execute_table_ddl(&self, table: &str, sql: &str) -> Result<()> {
        self.exec(ops::table_ddl(table, sql.to_string()))
    }

    /// Trusted `CREATE ... INDEX index` on `table`, retried while the table is locked by
    /// another DDL or index build (the Milvus-style client's `create_index`).
    pub(crate) fn execute_index_ddl(&self, table: &str, index: &str, sql: &str) -> Result<()> {
        self.exec(ops::index_ddl(table, index, sql.to_string()))
    }

    /// `CREATE TABLE` from a [`CreateTable`](crate::ddl::CreateTable) builder (columns,
    /// keys, indexes, partitions and options, validated before anything is sent).
    pub fn create_table(&self, table: &crate::ddl::CreateTable) -> Result<()> {
        self.exec(ops::create_table(table))
    }

    /// The table plus vector indexes
    /// from [`IndexParams`](crate::milvus::IndexParams) and full-text indexes, in one
    /// statement. Vector index dimensions are checked against their columns.
    pub fn create_table_with_indexes(
        &self,
        table: crate::ddl::CreateTable,
        vidxs: Option<&crate::milvus::IndexParams>,
        fts_idxs: &[crate::ddl::FullTextIndex],
    ) -> Result<()> {
        self.exec(ops::create_table_with_indexes(table, vidxs, fts_idxs))
    }

    /// pyobvector's `create_index`: a normal index, or (with `is_vec_index`) a vector
    /// index whose `vidx_params` (`"distance=l2, type=hnsw, lib=vsag"`) are parsed and
    /// validated rather than passed through.
    pub fn create_index(
        &self,
        table: &str,
        is_vec_index: bool,
        index_name: &str,
        column_names: &[&str],
        vidx_params: Option<&str>,
    ) -> Result<()> {
        self.exec(ops::create_index(
            table,
            is_vec_index,
            index_name,
            column_names,
            vidx_params,
        ))
    }

    /// Creates a vector index from an [`IndexParam`](crate::milvus::IndexParam), checked
    /// against the column's dimension.
    pub fn create_vector_index(
        &self,
        table: &str,
        param: &crate::milvus::IndexParam,
    ) -> Result<()> {
        self.exec(ops::create_vidx(table, param))
    }

    /// Creates a full-text index.
    pub fn create_fulltext_index(
        &self,
        table: &str,
        index: &crate::ddl::FullTextIndex,
    ) -> Result<()> {
        self.exec(ops::create_fts(table, index))
    }

    /// `ALTER TABLE t ADD COLUMN ...` for each column.
    pub fn add_columns(&self, table: &str, columns: Vec<crate::ddl::Column>) -> Result<()> {
        self.exec(ops::add_columns(table, columns))
    }

    /// `DROP TABLE IF EXISTS`.
    pub fn drop_table(&self, table: &str) -> Result<()> {
        self.exec(ops::drop_table(table))
    }

    /// `DROP INDEX index ON table`.
    pub fn drop_index(&self, table: &str, index: &str) -> Result<()> {
        self.exec(ops::drop_index(table, index))
    }

    /// `ALTER TABLE t DROP COLUMN a, DROP COLUMN b`.
    pub fn drop_columns(&self, table: &str, columns: &[&str]) -> Result<()> {
        self.exec(ops::drop_columns(table, columns))
    }

    /// `CALL DBMS_VECTOR.REFRESH_INDEX(index, table, '', threshold)`: moves incremental
    /// index data (pyobvector's default threshold is 10000). Retried while another
    /// refresh or rebuild holds the index (error 4179).
    pub fn refresh_index(&self, table: &str, index: &str, trigger_threshold: i64) -> Result<()> {
        self.exec(ops::refresh_index(table, index, trigger_threshold))
    }

    /// `CALL DBMS_VECTOR.REBUILD_INDEX(index, table, '', threshold)`: merges incremental
    /// data into the base index (threshold 0..=1, pyobvector's default 0.2). Run it
    /// after a bulk load: until then ANN is 5-40x slower.
    pub fn rebuild_index(&self, table: &str, index: &str, trigger_threshold: f64) -> Result<()> {
        self.exec(ops::rebuild_index(table, index, trigger_threshold))
    }

    /// How `refresh_index` and `rebuild_index` wait out another refresh or rebuild of
    /// the same index (seekdb error 4179): `retries` more attempts, `delay` apart
    /// (default 60 and 2 s). Still busy after the last, the call fails with
    /// [`ServerErrorKind::IndexBusy`](crate::ServerErrorKind::IndexBusy).
    pub fn set_index_busy_retry(&self, retries: u32, delay: std::time::Duration) {
        self.state
            .set_busy(crate::upkeep::IndexBusyRetry { retries, delay });
    }

    /// Sets `ob_hnsw_ef_search` for this client's searches (1..=160000).
    pub fn set_ef_search(&self, ef_search: u32) -> Result<()> {
        self.exec(ops::set_session(self.state.session().ef_search(ef_search)))
    }

    /// Reads `ob_hnsw_ef_search` from the session.
    pub fn ef_search(&self) -> Result<u32> {
        self.exec(ops::get_ef_search())
    }

    // ---- DML ------------------------------------------------------------------------

    /// Inserts rows (JSON objects keyed by column). All rows or none: batches larger
    /// than one statement run in a transaction. Returns the rows inserted.
    pub fn insert(&self, table: &str, rows: &[Value], partition: Option<&str>) -> Result<usize> {
        self.exec(ops::write_rows("INSERT INTO", table, rows, partition))
    }

    /// Inserts rows, replacing any with the same primary key (`REPLACE INTO`).
    ///
    /// Returns the server's affected-row count, not the number of rows given: a new
    /// row counts 1, a replaced existing row counts 2 (deleted, then inserted).
    /// For a typed `ON DUPLICATE KEY UPDATE`, see [`crate::diesel_ext::values`].
    pub fn upsert(&self, table: &str, rows: &[Value], partition: Option<&str>) -> Result<usize> {
        self.exec(ops::write_rows("REPLACE INTO", table, rows, partition))
    }

    /// Inserts any serializable values (structs become rows by field name).
    pub fn insert_serialize<T: serde::Serialize>(
        &self,
        table: &str,
        rows: &[T],
        partition: Option<&str>,
    ) -> Result<usize> {
        self.insert(table, &stmt::to_values(rows)?, partition)
    }

    /// Loads `rows` (JSON objects keyed by column) all or nothing and leaves `table`
    /// with its vector indexes built and serving searches at full speed: rows go through
    /// `LOAD DATA /*+ direct */ LOCAL INFILE` into a staging copy, the indexes are built
    /// with `CREATE /*+ parallel(N) */ VECTOR INDEX`, and the copy replaces the table in
    /// one `RENAME`. A bad row (type, dimensions, NaN, length, duplicate key) is named in
    /// the error (`rows[17].embedding`) and leaves the table as it was, as does a timeout
    /// or a lost server. Rows written to `table` by others during the load are lost: see
    /// [`BulkLoadOptions`](super::BulkLoadOptions) and the `bulk_load` module notes.
    pub fn bulk_load<'a, I>(
        &self,
        table: &str,
        rows: I,
        options: super::BulkLoadOptions<'a>,
    ) -> Result<super::BulkLoadReport>
    where
        I: IntoIterator<Item = Value>,
        I::IntoIter: Send + 'a,
    {
        let rows = rows.into_iter().map(Ok);
        self.drive_bulk(BulkJob::new(table, rows, options, LoadMethod::DirectLoad)?)
    }

    /// [`bulk_load`](Self::bulk_load) for serializable values (model structs), each
    /// converted as the load reaches it.
    pub fn bulk_load_serialize<'a, T, I>(
        &self,
        table: &str,
        rows: I,
        options: super::BulkLoadOptions<'a>,
    ) -> Result<super::BulkLoadReport>
    where
        T: serde::Serialize,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'a,
    {
        let rows = serialized(rows.into_iter());
        self.drive_bulk(BulkJob::new(table, rows, options, LoadMethod::DirectLoad)?)
    }

    /// `INSERT INTO` like [`Self::insert`], returning for each statement the rows it
    /// inserted and its `LAST_INSERT_ID()` (the first generated `AUTO_INCREMENT` value;
    /// seekdb numbers the rows of one statement consecutively). For the Milvus layer's
    /// `insert`, which reports generated ids as pymilvus does.
    pub(crate) fn insert_with_last_ids(
        &self,
        table: &str,
        rows: &[Value],
        partition: Option<&str>,
    ) -> Result<Vec<(usize, u64)>> {
        self.exec(ops::insert_with_last_ids(table, rows, partition))
    }

    /// `UPDATE table SET col = value, ... WHERE filter`. Returns the affected rows.
    ///
    /// `filter` is required: without one this refuses (a `Validation` error on
    /// `filter`) instead of rewriting every row; use
    /// [`update_all_rows`](Self::update_all_rows) for that.
    pub fn update(
        &self,
        table: &str,
        values: &Map<String, Value>,
        filter: Option<Filter>,
        partition: Option<&str>,
    ) -> Result<usize> {
        let scope = stmt::RowScope::Selected;
        self.exec(ops::update_rows(table, values, filter, partition, scope))
    }

    /// `UPDATE table SET col = value, ...` on every row (of `partition`, if given).
    pub fn update_all_rows(
        &self,
        table: &str,
        values: &Map<String, Value>,
        partition: Option<&str>,
    ) -> Result<usize> {
        let scope = stmt::RowScope::All;
        self.exec(ops::update_rows(table, values, None, partition, scope))
    }

    /// Deletes rows by primary key and/or filter. Returns the affected rows.
    ///
    /// With neither ids nor a filter this refuses (a `Validation` error on `filter`)
    /// rather than guess; use [`delete_all_rows`](Self::delete_all_rows) to empty the
    /// table.
    pub fn delete(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
        partition: Option<&str>,
    ) -> Result<usize> {
        let scope = stmt::RowScope::Selected;
        self.exec(ops::delete_rows(table, ids, filter, partition, scope))
    }

    /// Deletes every row (of `partition`, if given).
    pub fn delete_all_rows(&self, table: &str, partition: Option<&str>) -> Result<usize> {
        let scope = stmt::RowScope::All;
        self.exec(ops::delete_rows(table, &[], None, partition, scope))
    }

    /// Reads rows by primary key and/or filter, as JSON objects (vectors as arrays,
    /// JSON columns as values). `output_columns` empty means every column.
    pub fn get(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
        output_columns: &[&str],
        partitions: &[&str],
    ) -> Result<Rows> {
        self.select(table, ids, filter, output_columns, partitions, None)
    }

    /// [`ObVecClient::get`] with an optional `LIMIT`.
    pub fn select(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
        output_columns: &[&str],
        partitions: &[&str],
        limit: Option<usize>,
    ) -> Result<Rows> {
        self.exec(ops::select(
            table,
            ids,
            filter,
            output_columns,
            partitions,
            limit,
        ))
    }

    // ---- search ---------------------------------------------------------------------

    /// The rows nearest to a point by a POINT column (`st_distance`, optionally only
    /// those `_st_dwithin` a distance), nearest first, each with its `distance`.
    pub fn spatial_search(&self, search: super::SpatialSearch) -> Result<Rows> {
        self.exec(super::ops_gis::spatial_search(search))
    }

    /// Approximate nearest neighbours through the vector index
    /// (`ORDER BY d APPROXIMATE LIMIT k`), as JSON objects.
    pub fn ann_search(&self, search: AnnSearch) -> Result<Rows> {
        self.exec(super::ops_explain::search(
            search,
            SearchMode::Approximate,
            self.state.strict(),
        ))
    }

    /// [`ObVecClient::ann_search`] that returns a short filtered result with the count
    /// of rows its filter matches instead of failing (see [`super::filtered`]).
    pub fn ann_search_report(&self, search: AnnSearch) -> Result<super::SearchReport> {
        self.exec(ops::search_report(search, SearchMode::Approximate))
    }

    /// [`ObVecClient::ann_search`] with typed rows (`#[derive(QueryableByName)]`).
    pub fn ann_search_as<T>(&self, search: AnnSearch) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + 'static,
    {
        self.load_as(self.exec(super::ops_explain::search_query(
            search,
            SearchMode::Approximate,
            self.state.strict(),
        ))?)
    }

    /// Exact search ordered by distance without `APPROXIMATE` (pyobvector's
    /// `post_ann_search`): a full scan that honours every filter exactly.
    pub fn post_ann_search(&self, search: AnnSearch) -> Result<Rows> {
        self.exec(ops::search(search, SearchMode::Exact))
    }

    /// Exact nearest neighbours (pyobvector's `precise_search`).
    pub fn precise_search(&self, search: AnnSearch) -> Result<Rows> {
        self.exec(ops::search(search, SearchMode::Exact))
    }

    /// The SQL an [`AnnSearch`] runs (with `?` placeholders), for `EXPLAIN` and logs.
    pub fn ann_search_sql(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::search_sql(search, SearchMode::Approximate))
    }

    /// The server's plan for an [`AnnSearch`] (`EXPLAIN`, one line per row): look for
    /// `VECTOR INDEX SCAN` to confirm the index is used.
    pub fn explain_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::explain(search, SearchMode::Approximate))
    }

    /// The server's plan for [`precise_search`](Self::precise_search) (an exact scan).
    pub fn explain_precise_search(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::explain(search, SearchMode::Exact))
    }

    /// The server's plan for [`post_ann_search`](Self::post_ann_search).
    pub fn explain_post_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::explain(search, SearchMode::Exact))
    }

    /// Hybrid search (`DBMS_HYBRID_SEARCH.SEARCH`): hits as JSON objects with `_score`.
    /// The knn vector is checked against the column's dimension first.
    pub fn hybrid_search(&self, table: &str, body: &super::HybridSearch) -> Result<Rows> {
        self.exec(ops::hybrid_search(table, body))
    }

    /// Hybrid search with a hand-written JSON body (the escape hatch).
    pub fn hybrid_search_raw(&self, table: &str, body: &Value) -> Result<Rows> {
        self.exec(ops::hybrid_search_raw(table, body))
    }

    /// The SQL seekdb generates for a hybrid search (`DBMS_HYBRID_SEARCH.GET_SQL`).
    pub fn hybrid_search_sql(&self, table: &str, body: &super::HybridSearch) -> Result<String> {
        self.exec(ops::hybrid_search_sql(table, body))
    }

    /// Runs any statement; rows (if it returns any) come back as JSON objects.
    pub fn raw_sql(&self, sql: &str) -> Result<Rows> {
        self.exec(ops::raw_sql(sql))
    }
}
