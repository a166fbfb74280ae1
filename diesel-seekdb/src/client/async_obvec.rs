//! `AsyncObVecClient`: [`ObVecClient`](super::ObVecClient) over diesel-async's
//! `AsyncMysqlConnection` (pyobvector's async client). Statements come from the same
//! builders as the blocking client, so both send the same SQL.

use std::sync::{Arc, Mutex};

use diesel::deserialize::QueryableByName;
use diesel::mysql::Mysql;
use diesel_async::AsyncMysqlConnection;
use futures_util::lock::Mutex as AsyncMutex;
use serde_json::{Map, Value};

use super::ann::{AnnSearch, SearchMode};
use super::async_source::{build_pool, establish_async, AsyncSource, CheckoutSql, LastError};
pub use super::async_source::{AsyncConnectionGuard, AsyncSeekdbPool};
use super::bulk_load::{serialized, BulkJob, LoadMethod};
use super::meta::TableInfo;
use super::ops::{self, Rows};
use super::plan::ClientState;
use super::query::Filter;
use super::source::ConnectOptions;
use super::statements as stmt;
use super::url::ConnectionUrl;
use crate::diesel_ext::SessionSettings;
use crate::error::Result;

/// pyobvector's `ObVecClient` on diesel-async: tables, indexes, DML and vector search
/// over one `AsyncMysqlConnection` or a bb8 pool. Methods take `&self` and return
/// `Send` futures; the client is `Send + Sync`, so share it in an `Arc`.
///
/// Values, validation and SQL are those of [`ObVecClient`](super::ObVecClient): JSON
/// values converted by each column's type, vectors checked for dimension and
/// finiteness before anything is sent, filters as Diesel expressions.
///
/// With one connection, calls wait for each other; use a pool
/// ([`AsyncObVecClient::from_pool`]) to run searches concurrently.
///
/// Every operation is the blocking client's own (one implementation of each), so both
/// clients send the same SQL and answer alike. pyobvector's method names
/// (`check_table_exists`, `perform_raw_text_sql`, ...) are kept beside the Rust ones:
/// see [`compat`](crate::client::compat).
pub struct AsyncObVecClient {
    pub(super) source: AsyncSource,
    /// How to reopen the single connection, and the call bound.
    pub(super) url: Option<ConnectionUrl>,
    /// The last error a pool built by [`AsyncObVecClient::connect_pool`] met while
    /// connecting, reported with a checkout timeout.
    pool_error: Option<LastError>,
    /// For a pool built by [`AsyncObVecClient::connect_pool`]: the session `SET` its
    /// checkout runs, kept in step with the client's settings.
    pub(super) pool_session: Option<CheckoutSql>,
    pub(super) state: ClientState,
}

impl std::fmt::Debug for AsyncObVecClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.source {
            AsyncSource::Single(_) => "connection",
            AsyncSource::Pool(_) => "pool",
        };
        f.debug_struct("AsyncObVecClient")
            .field("source", &kind)
            .finish()
    }
}

impl AsyncObVecClient {
    /// Connects like pyobvector: `("127.0.0.1:2881", "root@test", "", "test")`.
    ///
    /// The connection is reopened on the next call after it is lost.
    pub async fn connect(uri: &str, user: &str, password: &str, db_name: &str) -> Result<Self> {
        Self::from_options(&ConnectOptions::new(uri, user, password, db_name)).await
    }

    /// Connects with [`ConnectOptions`] (and their timeouts).
    pub async fn from_options(options: &ConnectOptions) -> Result<Self> {
        Self::from_connection_url(options.connection_url()?).await
    }

    /// Connects to a `mysql://` URL; the options are those of the blocking client
    /// ([`ConnectionUrl`]). The connection is reopened on the next call after it is lost.
    pub async fn from_url(url: &str) -> Result<Self> {
        Self::from_connection_url(ConnectionUrl::parse(url)?).await
    }

    async fn from_connection_url(url: ConnectionUrl) -> Result<Self> {
        let conn = establish_async(&url).await?;
        let mut client = Self::from_connection(conn);
        client.url = Some(url);
        Ok(client)
    }

    /// Uses an existing connection (calls are not bounded, and it is not reopened).
    pub fn from_connection(conn: AsyncMysqlConnection) -> Self {
        Self::new(AsyncSource::Single(AsyncMutex::new(Some(conn))))
    }

    /// Uses a bb8 pool. A pool from [`AsyncObVecClient::session_pool`] applies its
    /// settings at checkout; settings set through the client
    /// ([`set_ef_search`](Self::set_ef_search)) are sent again on each
    /// checkout.
    pub fn from_pool(pool: AsyncSeekdbPool) -> Self {
        Self::new(AsyncSource::Pool(pool))
    }

    /// Builds a bb8 pool of up to `max_size` connections to `url`, each opened within
    /// the URL's `connect_timeout`.
    pub async fn pool(url: &str, max_size: u32) -> Result<AsyncSeekdbPool> {
        Self::session_pool(url, max_size, SessionSettings::new()).await
    }

    /// [`AsyncObVecClient::pool`] whose checkout check is the `SET` of `settings` (the
    /// async counterpart of [`SessionManager`](crate::SessionManager)): every borrower,
    /// and every call of a client over it, sees `settings` whatever an earlier borrower
    /// changed, and the client sends none itself.
    pub async fn session_pool(
        url: &str,
        max_size: u32,
        settings: SessionSettings,
    ) -> Result<AsyncSeekdbPool> {
        let url = ConnectionUrl::parse(url)?;
        let checkout = Arc::new(Mutex::new(settings.to_sql()?));
        build_pool(&url, max_size, None, checkout).await
    }

    /// A client over a new bb8 pool of up to `max_size` connections to `url`: calls are
    /// bounded by the URL's read and write timeouts, and a checkout that times out
    /// reports why the pool could not connect.
    pub async fn connect_pool(url: &str, max_size: u32) -> Result<Self> {
        let url = ConnectionUrl::parse(url)?;
        let slot = Arc::new(Mutex::new(None));
        let checkout = CheckoutSql::default();
        let pool = build_pool(&url, max_size, Some(slot.clone()), checkout.clone()).await?;
        let mut client = Self::from_pool(pool);
        client.url = Some(url);
        client.pool_error = Some(slot);
        client.pool_session = Some(checkout);
        Ok(client)
    }

    fn new(source: AsyncSource) -> Self {
        AsyncObVecClient {
            source,
            url: None,
            pool_error: None,
            pool_session: None,
            state: ClientState::default(),
        }
    }

    /// A connection: the client's own, or one from the pool with the client's session
    /// settings applied.
    ///
    /// The client's own connection is reopened here if an earlier call lost it.
    pub async fn connection(&self) -> Result<AsyncConnectionGuard<'_>> {
        // A pool built by `connect_pool` applies the settings in its checkout check.
        let setup = match self.pool_session {
            Some(_) => String::new(),
            None => self.state.session().to_sql()?,
        };
        self.source
            .get(self.url.as_ref(), self.pool_error.as_ref(), &setup)
            .await
    }

    // ---- metadata -------------------------------------------------------------------

    /// Whether `table` exists.
    pub async fn table_exists(&self, table: &str) -> Result<bool> {
        self.exec(ops::table_exists(table)).await
    }

    /// The server's description of `table` (cached; DDL through this client refreshes it).
    pub async fn table_info(&self, table: &str) -> Result<Arc<TableInfo>> {
        self.exec(ops::table_info(table)).await
    }

    /// Forgets cached table descriptions (pyobvector's `refresh_metadata`).
    pub fn refresh_metadata(&self) {
        self.state.forget_tables();
    }

    // ---- DDL ------------------------------------------------------------------------

    /// Runs DDL rendered by the [`crate::ddl`] builders (or any trusted statement) and
    /// forgets cached metadata for `table`.
    pub async fn execute_table_ddl(&self, table: &str, sql: &str) -> Result<()> {
        self.exec(ops::table_ddl(table, sql.to_string())).await
    }

    /// `CREATE TABLE` from a [`CreateTable`](crate::ddl::CreateTable) builder.
    pub async fn create_table(&self, table: &crate::ddl::CreateTable) -> Result<()> {
        self.exec(ops::create_table(table)).await
    }

    /// The table plus vector indexes (from [`IndexParams`](crate::milvus::IndexParams))
    /// and full-text indexes, in one statement.
    pub async fn create_table_with_indexes(
        &self,
        table: crate::ddl::CreateTable,
        vidxs: Option<&crate::milvus::IndexParams>,
        fts_idxs: &[crate::ddl::FullTextIndex],
    ) -> Result<()> {
        self.exec(ops::create_table_with_indexes(table, vidxs, fts_idxs))
            .await
    }

    /// pyobvector's `create_index`: a normal index, or (with `is_vec_index`) a vector
    /// index whose `vidx_params` (`"distance=l2, type=hnsw, lib=vsag"`) are validated.
    pub async fn create_index(
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
        .await
    }

    /// Creates a vector index from an [`IndexParam`](crate::milvus::IndexParam), checked
    /// against the column's dimension.
    pub async fn create_vector_index(
        &self,
        table: &str,
        param: &crate::milvus::IndexParam,
    ) -> Result<()> {
        self.exec(ops::create_vidx(table, param)).await
    }

    /// `ALTER TABLE t ADD COLUMN ...` for each column.
    pub async fn add_columns(&self, table: &str, columns: Vec<crate::ddl::Column>) -> Result<()> {
        self.exec(ops::add_columns(table, columns)).await
    }

    /// Creates a full-text index.
    pub async fn create_fulltext_index(
        &self,
        table: &str,
        index: &crate::ddl::FullTextIndex,
    ) -> Result<()> {
        self.exec(ops::create_fts(table, index)).await
    }

    /// `ALTER TABLE t DROP COLUMN a, DROP COLUMN b`.
    pub async fn drop_columns(&self, table: &str, columns: &[&str]) -> Result<()> {
        self.exec(ops::drop_columns(table, columns)).await
    }

    /// `DROP TABLE IF EXISTS`.
    pub async fn drop_table(&self, table: &str) -> Result<()> {
        self.exec(ops::drop_table(table)).await
    }

    /// `DROP INDEX index ON table`.
    pub async fn drop_index(&self, table: &str, index: &str) -> Result<()> {
        self.exec(ops::drop_index(table, index)).await
    }

    /// `CALL DBMS_VECTOR.REFRESH_INDEX(index, table, '', threshold)`, retried while
    /// another refresh or rebuild holds the index (error 4179).
    pub async fn refresh_index(
        &self,
        table: &str,
        index: &str,
        trigger_threshold: i64,
    ) -> Result<()> {
        self.exec(ops::refresh_index(table, index, trigger_threshold))
            .await
    }

    /// `CALL DBMS_VECTOR.REBUILD_INDEX(index, table, '', threshold)` (threshold 0..=1).
    pub async fn rebuild_index(
        &self,
        table: &str,
        index: &str,
        trigger_threshold: f64,
    ) -> Result<()> {
        self.exec(ops::rebuild_index(table, index, trigger_threshold))
            .await
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
    pub async fn set_ef_search(&self, ef_search: u32) -> Result<()> {
        self.exec(ops::set_session(self.state.session().ef_search(ef_search)))
            .await
    }

    /// Reads `ob_hnsw_ef_search` from the session.
    pub async fn ef_search(&self) -> Result<u32> {
        self.exec(ops::get_ef_search()).await
    }

    // ---- DML ------------------------------------------------------------------------

    /// Inserts rows (JSON objects keyed by column). All rows or none: batches larger
    /// than one statement run in a transaction. Returns the rows inserted.
    pub async fn insert(
        &self,
        table: &str,
        rows: &[Value],
        partition: Option<&str>,
    ) -> Result<usize> {
        self.exec(ops::write_rows("INSERT INTO", table, rows, partition))
            .await
    }

    /// Inserts rows, replacing any with the same primary key (`REPLACE INTO`).
    ///
    /// Returns the server's affected-row count: a new row counts 1, a replaced existing
    /// row counts 2 (deleted, then inserted).
    pub async fn upsert(
        &self,
        table: &str,
        rows: &[Value],
        partition: Option<&str>,
    ) -> Result<usize> {
        self.exec(ops::write_rows("REPLACE INTO", table, rows, partition))
            .await
    }

    /// Inserts any serializable values (structs become rows by field name).
    pub async fn insert_serialize<T: serde::Serialize>(
        &self,
        table: &str,
        rows: &[T],
        partition: Option<&str>,
    ) -> Result<usize> {
        let values = stmt::to_values(rows)?;
        self.insert(table, &values, partition).await
    }

    /// The blocking client's [`bulk_load`](super::ObVecClient::bulk_load), all or
    /// nothing alike; the rows go as text-protocol multi-row `INSERT`s (the async
    /// driver has no `LOCAL INFILE`) into the staging copy.
    pub async fn bulk_load<'a, I>(
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
        self.drive_bulk(BulkJob::new(
            table,
            rows,
            options,
            LoadMethod::MultiRowInsert,
        )?)
        .await
    }

    /// [`bulk_load`](Self::bulk_load) for serializable values (model structs).
    pub async fn bulk_load_serialize<'a, T, I>(
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
        self.drive_bulk(BulkJob::new(
            table,
            rows,
            options,
            LoadMethod::MultiRowInsert,
        )?)
        .await
    }

    /// `UPDATE table SET col = value, ... WHERE filter`. Returns the affected rows.
    /// Without a filter this refuses; see [`update_all_rows`](Self::update_all_rows).
    pub async fn update(
        &self,
        table: &str,
        values: &Map<String, Value>,
        filter: Option<Filter>,
        partition: Option<&str>,
    ) -> Result<usize> {
        let scope = stmt::RowScope::Selected;
        self.exec(ops::update_rows(table, values, filter, partition, scope))
            .await
    }

    /// `UPDATE table SET col = value, ...` on every row (of `partition`, if given).
    pub async fn update_all_rows(
        &self,
        table: &str,
        values: &Map<String, Value>,
        partition: Option<&str>,
    ) -> Result<usize> {
        let scope = stmt::RowScope::All;
        self.exec(ops::update_rows(table, values, None, partition, scope))
            .await
    }

    /// Deletes rows by primary key and/or filter. With neither this refuses; see
    /// [`delete_all_rows`](Self::delete_all_rows).
    pub async fn delete(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
        partition: Option<&str>,
    ) -> Result<usize> {
        let scope = stmt::RowScope::Selected;
        self.exec(ops::delete_rows(table, ids, filter, partition, scope))
            .await
    }

    /// Deletes every row (of `partition`, if given).
    pub async fn delete_all_rows(&self, table: &str, partition: Option<&str>) -> Result<usize> {
        let scope = stmt::RowScope::All;
        self.exec(ops::delete_rows(table, &[], None, partition, scope))
            .await
    }

    /// Reads rows by primary key and/or filter, as JSON objects (vectors as arrays).
    /// `output_columns` empty means every column.
    pub async fn get(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
        output_columns: &[&str],
        partitions: &[&str],
    ) -> Result<Rows> {
        self.select(table, ids, filter, output_columns, partitions, None)
            .await
    }

    /// [`AsyncObVecClient::get`] with an optional `LIMIT`.
    pub async fn select(
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
        .await
    }

    // ---- search ---------------------------------------------------------------------

    /// [`ObVecClient::spatial_search`](super::ObVecClient::spatial_search).
    pub async fn spatial_search(&self, search: super::SpatialSearch) -> Result<Rows> {
        self.exec(super::ops_gis::spatial_search(search)).await
    }

    /// Approximate nearest neighbours through the vector index
    /// (`ORDER BY d APPROXIMATE LIMIT k`), as JSON objects.
    pub async fn ann_search(&self, search: AnnSearch) -> Result<Rows> {
        self.exec(super::ops_explain::search(
            search,
            SearchMode::Approximate,
            self.state.strict(),
        ))
        .await
    }

    /// [`AsyncObVecClient::ann_search`] that returns a short filtered result with the
    /// count of rows its filter matches instead of failing (see [`super::filtered`]).
    pub async fn ann_search_report(&self, search: AnnSearch) -> Result<super::SearchReport> {
        self.exec(ops::search_report(search, SearchMode::Approximate))
            .await
    }

    /// [`AsyncObVecClient::ann_search`] with typed rows (`#[derive(QueryableByName)]`).
    pub async fn ann_search_as<T>(&self, search: AnnSearch) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + Send + 'static,
    {
        let query = self
            .exec(super::ops_explain::search_query(
                search,
                SearchMode::Approximate,
                self.state.strict(),
            ))
            .await?;
        self.load_as(query).await
    }

    /// Exact nearest neighbours (pyobvector's `precise_search`).
    pub async fn precise_search(&self, search: AnnSearch) -> Result<Rows> {
        self.exec(ops::search(search, SearchMode::Exact)).await
    }

    /// Exact search ordered by distance without `APPROXIMATE` (pyobvector's
    /// `post_ann_search`; the same statement as [`precise_search`](Self::precise_search)).
    pub async fn post_ann_search(&self, search: AnnSearch) -> Result<Rows> {
        self.exec(ops::search(search, SearchMode::Exact)).await
    }

    /// The SQL an [`AnnSearch`] runs (with `?` placeholders).
    pub async fn ann_search_sql(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::search_sql(search, SearchMode::Approximate))
            .await
    }

    /// The server's plan for an [`AnnSearch`]: look for `VECTOR INDEX SCAN`.
    pub async fn explain_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::explain(search, SearchMode::Approximate))
            .await
    }

    /// The server's plan for [`precise_search`](Self::precise_search) (an exact scan).
    pub async fn explain_precise_search(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::explain(search, SearchMode::Exact)).await
    }

    /// The server's plan for [`post_ann_search`](Self::post_ann_search).
    pub async fn explain_post_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.exec(ops::explain(search, SearchMode::Exact)).await
    }

    /// Hybrid search (`DBMS_HYBRID_SEARCH.SEARCH`): hits as JSON objects with `_score`.
    pub async fn hybrid_search(&self, table: &str, body: &super::HybridSearch) -> Result<Rows> {
        self.exec(ops::hybrid_search(table, body)).await
    }

    /// Hybrid search with a hand-written JSON body (the escape hatch).
    pub async fn hybrid_search_raw(&self, table: &str, body: &Value) -> Result<Rows> {
        self.exec(ops::hybrid_search_raw(table, body)).await
    }

    /// The SQL seekdb generates for a hybrid search (`DBMS_HYBRID_SEARCH.GET_SQL`).
    pub async fn hybrid_search_sql(
        &self,
        table: &str,
        body: &super::HybridSearch,
    ) -> Result<String> {
        self.exec(ops::hybrid_search_sql(table, body)).await
    }

    /// Runs any statement; rows (if it returns any) come back as JSON objects.
    pub async fn raw_sql(&self, sql: &str) -> Result<Rows> {
        self.exec(ops::raw_sql(sql)).await
    }
}
