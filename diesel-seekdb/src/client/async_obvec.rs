//! `AsyncObVecClient`: [`ObVecClient`](super::ObVecClient) over diesel-async's
//! `AsyncMysqlConnection` (pyobvector's async client). Statements come from the same
//! builders as the blocking client, so both send the same SQL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use diesel::deserialize::QueryableByName;
use diesel::mysql::Mysql;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::future::BoxFuture;
use futures_util::lock::Mutex as AsyncMutex;
use futures_util::FutureExt;
use serde_json::{Map, Value};

use super::ann::{AnnSearch, SearchMode};
use super::async_meta::{describe_table_async, table_exists_async};
use super::async_source::{build_pool, establish_async, AsyncSource, CallGuard, LastError};
pub use super::async_source::{AsyncConnectionGuard, AsyncSeekdbPool};
use super::meta::TableInfo;
use super::query::{DynQuery, Filter};
use super::row::JsonRow;
use super::source::{is_connection_lost, ConnectOptions};
use super::statements as stmt;
use super::url::ConnectionUrl;
use crate::ddl::{validate_ident, IdentKind};
use crate::diesel_ext::SessionSettings;
use crate::error::{Error, Result};
use crate::fragment::BindValue;

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
pub struct AsyncObVecClient {
    source: AsyncSource,
    /// How to reopen the single connection, and the call bound.
    url: Option<ConnectionUrl>,
    /// The last error a pool built by [`AsyncObVecClient::connect_pool`] met while
    /// connecting, reported with a checkout timeout.
    pool_error: Option<LastError>,
    tables: Mutex<HashMap<String, Arc<TableInfo>>>,
    session: Mutex<SessionSettings>,
    limits: OnceLock<stmt::StatementLimits>,
    busy: Mutex<stmt::BusyRetry>,
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

    /// Uses a bb8 pool; session settings set through the client are applied on every
    /// checkout.
    pub fn from_pool(pool: AsyncSeekdbPool) -> Self {
        Self::new(AsyncSource::Pool(pool))
    }

    /// Builds a bb8 pool of up to `max_size` connections to `url`, each opened within
    /// the URL's `connect_timeout`.
    pub async fn pool(url: &str, max_size: u32) -> Result<AsyncSeekdbPool> {
        let url = ConnectionUrl::parse(url)?;
        build_pool(&url, max_size, None).await
    }

    /// A client over a new bb8 pool of up to `max_size` connections to `url`: calls are
    /// bounded by the URL's read and write timeouts, and a checkout that times out
    /// reports why the pool could not connect.
    pub async fn connect_pool(url: &str, max_size: u32) -> Result<Self> {
        let url = ConnectionUrl::parse(url)?;
        let slot = Arc::new(Mutex::new(None));
        let pool = build_pool(&url, max_size, Some(slot.clone())).await?;
        let mut client = Self::from_pool(pool);
        client.url = Some(url);
        client.pool_error = Some(slot);
        Ok(client)
    }

    fn new(source: AsyncSource) -> Self {
        AsyncObVecClient {
            source,
            url: None,
            pool_error: None,
            tables: Mutex::new(HashMap::new()),
            session: Mutex::new(SessionSettings::new()),
            limits: OnceLock::new(),
            busy: Mutex::new(stmt::BusyRetry::default()),
        }
    }

    /// A connection: the client's own, or one from the pool with the client's session
    /// settings applied.
    ///
    /// The client's own connection is reopened here if an earlier call lost it.
    pub async fn connection(&self) -> Result<AsyncConnectionGuard<'_>> {
        let setup = self.session_settings().to_sql()?;
        self.source
            .get(self.url.as_ref(), self.pool_error.as_ref(), &setup)
            .await
    }

    /// Runs `f` on a connection within the URL's call bound. A connection whose call
    /// timed out or was lost is thrown away, never handed out again half-read; the
    /// call is not retried.
    async fn run<R, F>(&self, f: F) -> Result<R>
    where
        F: for<'c> FnOnce(&'c mut AsyncMysqlConnection) -> BoxFuture<'c, Result<R>>,
    {
        let mut call = CallGuard(Some(self.connection().await?));
        let bound = self.url.as_ref().and_then(ConnectionUrl::call_timeout);
        let conn = call.conn();
        let outcome = match bound {
            Some(limit) => tokio::time::timeout(limit, f(conn)).await.ok(),
            None => Some(f(conn).await),
        };
        let conn = call.finish();
        match outcome {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) if is_connection_lost(&e) => {
                conn.discard();
                Err(e)
            }
            // The failed statement's errno, asked on the connection it failed on.
            Some(Err(e)) => {
                let mut conn = conn;
                Err(crate::errno::fill_async(&mut *conn, e).await)
            }
            None => {
                conn.discard();
                let at = self
                    .url
                    .as_ref()
                    .map(|u| format!(" at {}", u.endpoint()))
                    .unwrap_or_default();
                Err(Error::Timeout {
                    operation: format!(
                        "a call to seekdb{at} (the connection was dropped; the call was not retried)"
                    ),
                    after: bound.unwrap_or_default(),
                })
            }
        }
    }

    fn session_settings(&self) -> SessionSettings {
        *self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn execute_ddl(&self, sql: &str) -> Result<()> {
        // Owned: the call's future may not borrow from the caller (see `run`).
        let sql = sql.to_string();
        self.run(move |c| async move { Ok(c.batch_execute(&sql).await?) }.boxed())
            .await
    }

    async fn execute(&self, q: DynQuery) -> Result<usize> {
        self.run(|c| async move { Ok(q.execute(c).await?) }.boxed())
            .await
    }

    async fn load<T>(&self, q: DynQuery) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + Send + 'static,
    {
        self.run(|c| async move { Ok(q.load(c).await?) }.boxed())
            .await
    }

    /// How large one statement may be, read from the server once per client.
    async fn statement_limits(&self) -> Result<stmt::StatementLimits> {
        if let Some(limits) = self.limits.get() {
            return Ok(*limits);
        }
        let mut q = DynQuery::new();
        q.sql(stmt::MAX_ALLOWED_PACKET_SQL);
        let rows: Vec<JsonRow> = self.load(q).await?;
        Ok(*self
            .limits
            .get_or_init(|| stmt::StatementLimits::from_rows(&rows)))
    }

    // ---- metadata -------------------------------------------------------------------

    /// Whether `table` exists.
    pub async fn check_table_exists(&self, table: &str) -> Result<bool> {
        validate_ident("table_name", table, IdentKind::Table)?;
        let table = table.to_string();
        self.run(move |c| async move { table_exists_async(c, &table).await }.boxed())
            .await
    }

    /// The server's description of `table` (cached; DDL through this client refreshes it).
    pub async fn table_info(&self, table: &str) -> Result<Arc<TableInfo>> {
        validate_ident("table_name", table, IdentKind::Table)?;
        let key = table.to_ascii_lowercase();
        if let Some(info) = self.cache().get(&key) {
            return Ok(info.clone());
        }
        let info = Arc::new(
            self.run({
                let table = table.to_string();
                move |c| async move { describe_table_async(c, &table).await }.boxed()
            })
            .await?,
        );
        self.cache().insert(key, info.clone());
        Ok(info)
    }

    /// Forgets cached table descriptions (pyobvector's `refresh_metadata`).
    pub fn refresh_metadata(&self) {
        self.cache().clear();
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<TableInfo>>> {
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget(&self, table: &str) {
        self.cache().remove(&table.to_ascii_lowercase());
    }

    // ---- DDL ------------------------------------------------------------------------

    /// Runs DDL rendered by the [`crate::ddl`] builders (or any trusted statement) and
    /// forgets cached metadata for `table`.
    pub async fn execute_table_ddl(&self, table: &str, sql: &str) -> Result<()> {
        self.forget(table);
        self.execute_ddl(sql).await
    }

    /// `CREATE TABLE` from a [`CreateTable`](crate::ddl::CreateTable) builder.
    pub async fn create_table(&self, table: &crate::ddl::CreateTable) -> Result<()> {
        let sql = table.to_sql()?;
        self.execute_table_ddl(table.name(), &sql).await
    }

    /// pyobvector's `create_table_with_index_params`: the table plus vector and
    /// full-text indexes in one statement.
    pub async fn create_table_with_index_params(
        &self,
        table: crate::ddl::CreateTable,
        vidxs: Option<&crate::milvus::IndexParams>,
        fts_idxs: &[crate::ddl::FullTextIndex],
    ) -> Result<()> {
        let table = stmt::table_with_index_params(table, vidxs, fts_idxs)?;
        self.create_table(&table).await
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
        let info = self.table_info(table).await?;
        let sql =
            stmt::create_index_sql(&info, is_vec_index, index_name, column_names, vidx_params)?;
        self.execute_table_ddl(&info.name, &sql).await
    }

    /// Creates a vector index from an [`IndexParam`](crate::milvus::IndexParam), checked
    /// against the column's dimension.
    pub async fn create_vidx_with_vec_index_param(
        &self,
        table: &str,
        param: &crate::milvus::IndexParam,
    ) -> Result<()> {
        let info = self.table_info(table).await?;
        let sql = stmt::create_vidx_sql(&info, param)?;
        self.execute_table_ddl(&info.name, &sql).await
    }

    /// `ALTER TABLE t ADD COLUMN ...` for each column.
    pub async fn add_columns(&self, table: &str, columns: Vec<crate::ddl::Column>) -> Result<()> {
        let sql = stmt::add_columns_sql(table, columns)?;
        self.execute_table_ddl(table, &sql).await
    }

    /// Creates a full-text index.
    pub async fn create_fts_idx_with_fts_index_param(
        &self,
        table: &str,
        index: &crate::ddl::FullTextIndex,
    ) -> Result<()> {
        let info = self.table_info(table).await?;
        let sql = index.to_create_sql(&info.name)?;
        self.execute_table_ddl(&info.name, &sql).await
    }

    /// `ALTER TABLE t DROP COLUMN a, DROP COLUMN b`.
    pub async fn drop_columns(&self, table: &str, columns: &[&str]) -> Result<()> {
        let sql = stmt::drop_columns_sql(table, columns)?;
        self.execute_table_ddl(table, &sql).await
    }

    /// `DROP TABLE IF EXISTS`.
    pub async fn drop_table_if_exist(&self, table: &str) -> Result<()> {
        let sql = stmt::drop_table_sql(table)?;
        self.execute_table_ddl(table, &sql).await
    }

    /// `DROP INDEX index ON table`.
    pub async fn drop_index(&self, table: &str, index: &str) -> Result<()> {
        let sql = stmt::drop_index_sql(table, index)?;
        self.execute_table_ddl(table, &sql).await
    }

    /// `CALL DBMS_VECTOR.REFRESH_INDEX(index, table, '', threshold)`, retried while
    /// another refresh or rebuild holds the index (error 4179).
    pub async fn refresh_index(
        &self,
        table: &str,
        index: &str,
        trigger_threshold: i64,
    ) -> Result<()> {
        self.call_index_procedure(
            "REFRESH_INDEX",
            table,
            index,
            BindValue::Int(trigger_threshold),
        )
        .await
    }

    /// `CALL DBMS_VECTOR.REBUILD_INDEX(index, table, '', threshold)` (threshold 0..=1).
    pub async fn rebuild_index(
        &self,
        table: &str,
        index: &str,
        trigger_threshold: f64,
    ) -> Result<()> {
        stmt::check_rebuild_threshold(trigger_threshold)?;
        self.call_index_procedure(
            "REBUILD_INDEX",
            table,
            index,
            BindValue::Float(trigger_threshold),
        )
        .await
    }

    async fn call_index_procedure(
        &self,
        procedure: &str,
        table: &str,
        index: &str,
        threshold: BindValue,
    ) -> Result<()> {
        let info = self.table_info(table).await?;
        let retry = self.busy_retry();
        let mut attempt = 0;
        loop {
            let q = stmt::index_procedure(&info, procedure, index, threshold.clone())?;
            let result = self.execute(q).await;
            match retry.wait_before_retry(attempt, &result) {
                Some(delay) => {
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                }
                None => return result.map(|_| ()),
            }
        }
    }

    /// How `refresh_index` and `rebuild_index` wait out another refresh or rebuild of
    /// the same index (seekdb error 4179): `retries` more attempts, `delay` apart
    /// (default 10 and 2 s). Still busy after the last, the call fails with
    /// [`ServerErrorKind::IndexBusy`](crate::ServerErrorKind::IndexBusy).
    pub fn set_index_busy_retry(&self, retries: u32, delay: std::time::Duration) {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner()) = stmt::BusyRetry { retries, delay };
    }

    fn busy_retry(&self) -> stmt::BusyRetry {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets `ob_hnsw_ef_search` for this client's searches (1..=160000).
    pub async fn set_ob_hnsw_ef_search(&self, ef_search: u32) -> Result<()> {
        let settings = self.session_settings().ef_search(ef_search);
        let sql = settings.to_sql()?;
        if let AsyncSource::Single(_) = self.source {
            self.execute_ddl(&sql).await?;
        }
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = settings;
        Ok(())
    }

    /// Reads `ob_hnsw_ef_search` from the session.
    pub async fn get_ob_hnsw_ef_search(&self) -> Result<u32> {
        use crate::diesel_ext::session::{setting_sql, setting_value};
        let variable = "ob_hnsw_ef_search";
        let mut q = DynQuery::new();
        q.sql(setting_sql(variable));
        setting_value(variable, self.load(q).await?)
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
        self.write_rows("INSERT INTO", table, rows, partition).await
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
        self.write_rows("REPLACE INTO", table, rows, partition)
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

    async fn write_rows(
        &self,
        verb: &str,
        table: &str,
        rows: &[Value],
        partition: Option<&str>,
    ) -> Result<usize> {
        if rows.is_empty() {
            return Ok(0);
        }
        let info = self.table_info(table).await?;
        let limits = self.statement_limits().await?;
        let mut statements = stmt::write_statements(verb, &info, rows, partition, limits)?;
        // The server's affected-row count: what `upsert` documents.
        self.run(|conn| {
            async move {
                if statements.len() == 1 {
                    let mut affected = 0;
                    if let Some(q) = statements.pop() {
                        affected = q.execute(conn).await?;
                    }
                    return Ok(affected);
                }
                conn.transaction(async move |conn| {
                    let mut affected = 0;
                    for q in statements {
                        // The errno is asked before the rollback clears it.
                        let result = q.execute(conn).await;
                        affected += with_errno(conn, result).await?;
                    }
                    Ok::<_, Error>(affected)
                })
                .await
            }
            .boxed()
        })
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
        let info = self.table_info(table).await?;
        let q = stmt::update_query(&info, values, filter, partition, stmt::RowScope::Selected)?;
        self.execute(q).await
    }

    /// `UPDATE table SET col = value, ...` on every row (of `partition`, if given).
    pub async fn update_all_rows(
        &self,
        table: &str,
        values: &Map<String, Value>,
        partition: Option<&str>,
    ) -> Result<usize> {
        let info = self.table_info(table).await?;
        let q = stmt::update_query(&info, values, None, partition, stmt::RowScope::All)?;
        self.execute(q).await
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
        self.delete_rows(table, ids, filter, partition, stmt::RowScope::Selected)
            .await
    }

    /// Deletes every row (of `partition`, if given).
    pub async fn delete_all_rows(&self, table: &str, partition: Option<&str>) -> Result<usize> {
        self.delete_rows(table, &[], None, partition, stmt::RowScope::All)
            .await
    }

    async fn delete_rows(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
        partition: Option<&str>,
        scope: stmt::RowScope,
    ) -> Result<usize> {
        let info = self.table_info(table).await?;
        let runs = stmt::id_runs(&info, ids, filter.as_ref())?;
        if let [ids] = runs.as_slice() {
            let q = stmt::delete_query(&info, ids, filter, partition, scope)?;
            return self.execute(q).await;
        }
        let mut statements = Vec::new();
        for run in runs {
            let filter = stmt::repeat_filter(&filter);
            statements.push(stmt::delete_query(&info, run, filter, partition, scope)?);
        }
        // All or nothing, like one statement.
        self.run(|conn| {
            async move {
                conn.transaction(async move |conn| {
                    let mut deleted = 0;
                    for q in statements {
                        // The errno is asked before the rollback clears it.
                        let result = q.execute(conn).await;
                        deleted += with_errno(conn, result).await?;
                    }
                    Ok::<_, Error>(deleted)
                })
                .await
            }
            .boxed()
        })
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
    ) -> Result<Vec<Map<String, Value>>> {
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
    ) -> Result<Vec<Map<String, Value>>> {
        let info = self.table_info(table).await?;
        let runs = stmt::id_runs(&info, ids, filter.as_ref())?;
        if let [ids] = runs.as_slice() {
            let q = stmt::select_query(&info, ids, filter, output_columns, partitions, limit)?;
            return self.load_json(&info, q).await;
        }
        let mut rows = Vec::new();
        for run in runs {
            let left = limit.map(|l| l.saturating_sub(rows.len()));
            if left == Some(0) {
                break;
            }
            let filter = stmt::repeat_filter(&filter);
            let q = stmt::select_query(&info, run, filter, output_columns, partitions, left)?;
            rows.extend(self.load_json(&info, q).await?);
        }
        Ok(rows)
    }

    // ---- search ---------------------------------------------------------------------

    /// Approximate nearest neighbours through the vector index
    /// (`ORDER BY d APPROXIMATE LIMIT k`), as JSON objects.
    pub async fn ann_search(&self, search: AnnSearch) -> Result<Vec<Map<String, Value>>> {
        self.search_json(search, SearchMode::Approximate).await
    }

    /// [`AsyncObVecClient::ann_search`] with typed rows (`#[derive(QueryableByName)]`).
    pub async fn ann_search_as<T>(&self, search: AnnSearch) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + Send + 'static,
    {
        let info = self.table_info(&search.table).await?;
        let q = search.build(&info, SearchMode::Approximate)?;
        self.load(q).await
    }

    /// Exact search ordered by distance without `APPROXIMATE` (pyobvector's
    /// `post_ann_search` / `precise_search`).
    pub async fn precise_search(&self, search: AnnSearch) -> Result<Vec<Map<String, Value>>> {
        self.search_json(search, SearchMode::Exact).await
    }

    /// Exact search ordered by distance without `APPROXIMATE` (pyobvector's
    /// `post_ann_search`; the same statement as [`precise_search`](Self::precise_search)).
    pub async fn post_ann_search(&self, search: AnnSearch) -> Result<Vec<Map<String, Value>>> {
        self.search_json(search, SearchMode::Exact).await
    }

    /// The SQL an [`AnnSearch`] runs (with `?` placeholders).
    pub async fn ann_search_sql(&self, search: AnnSearch) -> Result<String> {
        let info = self.table_info(&search.table).await?;
        Ok(search.build(&info, SearchMode::Approximate)?.to_sql())
    }

    /// The server's plan for an [`AnnSearch`]: look for `VECTOR INDEX SCAN`.
    pub async fn explain_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.explain_search(search, SearchMode::Approximate).await
    }

    /// The server's plan for [`precise_search`](Self::precise_search) (an exact scan).
    pub async fn explain_precise_search(&self, search: AnnSearch) -> Result<String> {
        self.explain_search(search, SearchMode::Exact).await
    }

    /// The server's plan for [`post_ann_search`](Self::post_ann_search).
    pub async fn explain_post_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.explain_search(search, SearchMode::Exact).await
    }

    async fn explain_search(&self, search: AnnSearch, mode: SearchMode) -> Result<String> {
        let info = self.table_info(&search.table).await?;
        let q = stmt::explain(search.build(&info, mode)?);
        Ok(stmt::plan_text(self.load(q).await?))
    }

    async fn search_json(
        &self,
        search: AnnSearch,
        mode: SearchMode,
    ) -> Result<Vec<Map<String, Value>>> {
        let info = self.table_info(&search.table).await?;
        let q = search.build(&info, mode)?;
        self.load_json(&info, q).await
    }

    async fn load_json(&self, info: &TableInfo, q: DynQuery) -> Result<Vec<Map<String, Value>>> {
        let rows: Vec<JsonRow> = self.load(q).await?;
        stmt::json_rows(info, rows)
    }

    /// Hybrid search (`DBMS_HYBRID_SEARCH.SEARCH`): hits as JSON objects with `_score`.
    pub async fn hybrid_search(
        &self,
        table: &str,
        body: &super::HybridSearch,
    ) -> Result<Vec<Map<String, Value>>> {
        let info = self.table_info(table).await?;
        stmt::check_hybrid_knn(&info, body)?;
        let q = stmt::hybrid_call("SEARCH", &info.name, &body.to_json()?)?;
        stmt::hybrid_hits(stmt::hybrid_result(self.load(q).await?))
    }

    /// Runs any statement; rows (if it returns any) come back as JSON objects.
    pub async fn perform_raw_text_sql(&self, sql: &str) -> Result<Vec<Map<String, Value>>> {
        let q = diesel::sql_query(sql.to_string());
        let rows: Vec<JsonRow> = self
            .run(|c| async move { Ok(q.load(c).await?) }.boxed())
            .await?;
        Ok(rows.into_iter().map(JsonRow::into_inner).collect())
    }
}

/// `result` as this crate's [`Result`]; a server error gets its errno from `conn`, the
/// connection it failed on, before anything else runs there.
async fn with_errno<T>(
    conn: &mut AsyncMysqlConnection,
    result: diesel::QueryResult<T>,
) -> Result<T> {
    match result {
        Ok(v) => Ok(v),
        Err(e) => Err(Error::from_diesel_async(e, conn).await),
    }
}
