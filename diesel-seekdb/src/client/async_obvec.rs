//! `AsyncObVecClient`: [`ObVecClient`](super::ObVecClient) over diesel-async's
//! `AsyncMysqlConnection` (pyobvector's async client). Statements come from the same
//! builders as the blocking client, so both send the same SQL.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use diesel::deserialize::QueryableByName;
use diesel::mysql::Mysql;
use diesel::ConnectionError;
use diesel_async::pooled_connection::bb8;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::lock::{Mutex as AsyncMutex, MutexGuard as AsyncMutexGuard};
use serde_json::{Map, Value};

use super::ann::{AnnSearch, SearchMode};
use super::async_meta::{describe_table_async, table_exists_async};
use super::meta::TableInfo;
use super::query::{DynQuery, Filter};
use super::row::JsonRow;
use super::source::{redact, ConnectOptions};
use super::statements as stmt;
use crate::ddl::{validate_ident, IdentKind};
use crate::diesel_ext::SessionSettings;
use crate::error::{Error, Result};
use crate::fragment::BindValue;

/// A bb8 pool of async seekdb connections
/// (`diesel_async::pooled_connection::bb8::Pool<AsyncMysqlConnection>`).
pub type AsyncSeekdbPool = bb8::Pool<AsyncMysqlConnection>;

enum AsyncSource {
    Single(AsyncMutex<AsyncMysqlConnection>),
    Pool(AsyncSeekdbPool),
}

/// A connection borrowed from an [`AsyncObVecClient`]: the client's own connection
/// (held exclusively until dropped) or one checked out of its pool.
pub struct AsyncConnectionGuard<'a>(GuardInner<'a>);

enum GuardInner<'a> {
    Single(AsyncMutexGuard<'a, AsyncMysqlConnection>),
    Pool(bb8::PooledConnection<'a, AsyncMysqlConnection>),
}

impl Deref for AsyncConnectionGuard<'_> {
    type Target = AsyncMysqlConnection;

    fn deref(&self) -> &AsyncMysqlConnection {
        match &self.0 {
            GuardInner::Single(g) => g,
            GuardInner::Pool(c) => c,
        }
    }
}

impl DerefMut for AsyncConnectionGuard<'_> {
    fn deref_mut(&mut self) -> &mut AsyncMysqlConnection {
        match &mut self.0 {
            GuardInner::Single(g) => &mut *g,
            GuardInner::Pool(c) => &mut *c,
        }
    }
}

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
    tables: Mutex<HashMap<String, Arc<TableInfo>>>,
    session: Mutex<SessionSettings>,
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
    pub async fn connect(uri: &str, user: &str, password: &str, db_name: &str) -> Result<Self> {
        let options = ConnectOptions::new(uri, user, password, db_name);
        let conn = AsyncMysqlConnection::establish(&options.url())
            .await
            .map_err(|e| redact(e, password))?;
        Ok(Self::from_connection(conn))
    }

    /// Connects to a `mysql://` URL.
    pub async fn from_url(url: &str) -> Result<Self> {
        let conn = AsyncMysqlConnection::establish(url)
            .await
            .map_err(|e| redact(e, url_password(url)))?;
        Ok(Self::from_connection(conn))
    }

    /// Uses an existing connection.
    pub fn from_connection(conn: AsyncMysqlConnection) -> Self {
        Self::new(AsyncSource::Single(AsyncMutex::new(conn)))
    }

    /// Uses a bb8 pool; session settings set through the client are applied on every
    /// checkout.
    pub fn from_pool(pool: AsyncSeekdbPool) -> Self {
        Self::new(AsyncSource::Pool(pool))
    }

    /// Builds a bb8 pool of up to `max_size` connections to `url`.
    pub async fn pool(url: &str, max_size: u32) -> Result<AsyncSeekdbPool> {
        let manager = diesel_async::pooled_connection::AsyncDieselConnectionManager::<
            AsyncMysqlConnection,
        >::new(url);
        bb8::Pool::builder()
            .max_size(max_size)
            .build(manager)
            .await
            .map_err(|e| pool_error(e, url))
    }

    fn new(source: AsyncSource) -> Self {
        AsyncObVecClient {
            source,
            tables: Mutex::new(HashMap::new()),
            session: Mutex::new(SessionSettings::new()),
        }
    }

    /// A connection: the client's own, or one from the pool with the client's session
    /// settings applied.
    pub async fn connection(&self) -> Result<AsyncConnectionGuard<'_>> {
        match &self.source {
            AsyncSource::Single(conn) => {
                Ok(AsyncConnectionGuard(GuardInner::Single(conn.lock().await)))
            }
            AsyncSource::Pool(pool) => {
                let setup = self.session_settings().to_sql()?;
                let mut conn = pool.get().await.map_err(|e| pool_error(e, ""))?;
                if !setup.is_empty() {
                    conn.batch_execute(&setup).await?;
                }
                Ok(AsyncConnectionGuard(GuardInner::Pool(conn)))
            }
        }
    }

    fn session_settings(&self) -> SessionSettings {
        *self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn execute_ddl(&self, sql: &str) -> Result<()> {
        Ok(self.connection().await?.batch_execute(sql).await?)
    }

    async fn execute(&self, q: DynQuery) -> Result<usize> {
        Ok(q.execute(&mut *self.connection().await?).await?)
    }

    async fn load<T>(&self, q: DynQuery) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + Send + 'static,
    {
        Ok(q.load(&mut *self.connection().await?).await?)
    }

    // ---- metadata -------------------------------------------------------------------

    /// Whether `table` exists.
    pub async fn check_table_exists(&self, table: &str) -> Result<bool> {
        validate_ident("table_name", table, IdentKind::Table)?;
        table_exists_async(&mut *self.connection().await?, table).await
    }

    /// The server's description of `table` (cached; DDL through this client refreshes it).
    pub async fn table_info(&self, table: &str) -> Result<Arc<TableInfo>> {
        validate_ident("table_name", table, IdentKind::Table)?;
        let key = table.to_ascii_lowercase();
        if let Some(info) = self.cache().get(&key) {
            return Ok(info.clone());
        }
        let info = Arc::new(describe_table_async(&mut *self.connection().await?, table).await?);
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
        vidxs: Option<&crate::ddl::IndexParams>,
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

    /// Creates a vector index from an [`IndexParam`](crate::ddl::IndexParam), checked
    /// against the column's dimension.
    pub async fn create_vidx_with_vec_index_param(
        &self,
        table: &str,
        param: &crate::ddl::IndexParam,
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
        let mut attempt = 0;
        loop {
            let q = stmt::index_procedure(&info, procedure, index, threshold.clone())?;
            match self.execute(q).await {
                Err(e) if attempt < stmt::INDEX_BUSY_RETRIES && stmt::index_busy(&e) => {
                    attempt += 1;
                    tokio::time::sleep(stmt::INDEX_BUSY_DELAY).await;
                }
                other => return other.map(|_| ()),
            }
        }
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
        let mut statements = stmt::write_statements(verb, &info, rows, partition)?;
        // The server's affected-row count: what `upsert` documents.
        let mut conn = self.connection().await?;
        if statements.len() == 1 {
            let mut affected = 0;
            if let Some(q) = statements.pop() {
                affected = q.execute(&mut *conn).await?;
            }
            return Ok(affected);
        }
        conn.transaction(async move |conn| {
            let mut affected = 0;
            for q in statements {
                affected += q.execute(conn).await?;
            }
            Ok::<_, Error>(affected)
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
        let info = self.table_info(table).await?;
        let q = stmt::delete_query(&info, ids, filter, partition, stmt::RowScope::Selected)?;
        self.execute(q).await
    }

    /// Deletes every row (of `partition`, if given).
    pub async fn delete_all_rows(&self, table: &str, partition: Option<&str>) -> Result<usize> {
        let info = self.table_info(table).await?;
        let q = stmt::delete_query(&info, &[], None, partition, stmt::RowScope::All)?;
        self.execute(q).await
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
        let q = stmt::select_query(&info, ids, filter, output_columns, partitions, limit)?;
        self.load_json(&info, q).await
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
        let rows: Vec<JsonRow> = diesel::sql_query(sql.to_string())
            .load(&mut *self.connection().await?)
            .await?;
        Ok(rows.into_iter().map(JsonRow::into_inner).collect())
    }
}

/// The password part of a `mysql://user:password@host/db` URL, to keep out of errors.
fn url_password(url: &str) -> &str {
    url.split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(auth, _)| auth.split_once(':'))
        .map(|(_, p)| p)
        .unwrap_or_default()
}

fn pool_error(e: impl std::fmt::Display, url: &str) -> Error {
    redact(
        ConnectionError::BadConnection(e.to_string()),
        url_password(url),
    )
}
