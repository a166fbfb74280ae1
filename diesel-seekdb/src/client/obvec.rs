//! `ObVecClient`: pyobvector's SQL-mode client on Diesel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use diesel::connection::SimpleConnection;
use diesel::deserialize::QueryableByName;
use diesel::mysql::Mysql;
use diesel::{MysqlConnection, RunQueryDsl};
use serde_json::{Map, Value};

use super::ann::{AnnSearch, SearchMode};
use super::meta::{describe_table, table_exists, TableInfo};
use super::query::{DynQuery, Filter};
use super::row::JsonRow;
use super::source::{ConnectOptions, SeekdbPool, Source};
use super::statements as stmt;
use super::url::ConnectionUrl;
use crate::ddl::{validate_ident, IdentKind};
use crate::diesel_ext::SessionSettings;
use crate::errno::SeekdbResultExt;
use crate::error::{Error, Result};
use crate::fragment::BindValue;

/// pyobvector's `ObVecClient`: tables, indexes, DML and vector search over one Diesel
/// connection or an r2d2 pool. Methods take `&self`; the client is `Send + Sync`.
///
/// Values are JSON (`serde_json::Value` objects, or anything `Serialize`), converted
/// with each column's type as the server reports it: vectors are checked for
/// dimension and finiteness before anything is sent. Filters are Diesel expressions
/// ([`Filter::expr`]) or fragments with bound values, never spliced strings.
pub struct ObVecClient {
    source: Source,
    tables: Mutex<HashMap<String, Arc<TableInfo>>>,
    session: Mutex<SessionSettings>,
    limits: OnceLock<stmt::StatementLimits>,
    busy: Mutex<stmt::BusyRetry>,
}

impl std::fmt::Debug for ObVecClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.source {
            Source::Single(_) => "connection",
            Source::Pool(_) => "pool",
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

    /// Uses an r2d2 pool; session settings set through the client are applied on
    /// every checkout.
    pub fn from_pool(pool: SeekdbPool) -> Self {
        Self::new(Source::Pool(pool))
    }

    fn new(source: Source) -> Self {
        ObVecClient {
            source,
            tables: Mutex::new(HashMap::new()),
            session: Mutex::new(SessionSettings::new()),
            limits: OnceLock::new(),
            busy: Mutex::new(stmt::BusyRetry::default()),
        }
    }

    /// Runs `f` with a connection (from the pool, with the client's session settings).
    /// A server error `f` returns gets its errno ([`Error::code`]) from that connection.
    pub fn with_connection<R>(
        &self,
        f: impl FnOnce(&mut MysqlConnection) -> Result<R>,
    ) -> Result<R> {
        // A single connection gets the settings again only when it had to be reopened.
        let setup = self.session_settings().to_sql()?;
        self.source.with_conn(&setup, f)
    }

    /// How large one statement may be, read from the server once per client.
    fn statement_limits(&self) -> Result<stmt::StatementLimits> {
        if let Some(limits) = self.limits.get() {
            return Ok(*limits);
        }
        let rows: Vec<JsonRow> = self.with_connection(|conn| {
            Ok(diesel::sql_query(stmt::MAX_ALLOWED_PACKET_SQL).load(conn)?)
        })?;
        Ok(*self
            .limits
            .get_or_init(|| stmt::StatementLimits::from_rows(&rows)))
    }

    fn session_settings(&self) -> SessionSettings {
        *self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn execute_ddl(&self, sql: &str) -> Result<()> {
        self.with_connection(|conn| Ok(conn.batch_execute(sql)?))
    }

    // ---- metadata -------------------------------------------------------------------

    /// Whether `table` exists.
    pub fn check_table_exists(&self, table: &str) -> Result<bool> {
        validate_ident("table_name", table, IdentKind::Table)?;
        self.with_connection(|conn| table_exists(conn, table))
    }

    /// The server's description of `table` (cached; DDL through this client refreshes it).
    pub fn table_info(&self, table: &str) -> Result<Arc<TableInfo>> {
        validate_ident("table_name", table, IdentKind::Table)?;
        let key = table.to_ascii_lowercase();
        if let Some(info) = self.cache().get(&key) {
            return Ok(info.clone());
        }
        let info = Arc::new(self.with_connection(|conn| describe_table(conn, table))?);
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
    pub fn execute_table_ddl(&self, table: &str, sql: &str) -> Result<()> {
        self.forget(table);
        self.execute_ddl(sql)
    }

    /// `CREATE TABLE` from a [`CreateTable`](crate::ddl::CreateTable) builder (columns,
    /// keys, indexes, partitions and options, validated before anything is sent).
    pub fn create_table(&self, table: &crate::ddl::CreateTable) -> Result<()> {
        let sql = table.to_sql()?;
        self.execute_table_ddl(table.name(), &sql)
    }

    /// pyobvector's `create_table_with_index_params`: the table plus vector indexes
    /// from [`IndexParams`](crate::milvus::IndexParams) and full-text indexes, in one
    /// statement. Vector index dimensions are checked against their columns.
    pub fn create_table_with_index_params(
        &self,
        table: crate::ddl::CreateTable,
        vidxs: Option<&crate::milvus::IndexParams>,
        fts_idxs: &[crate::ddl::FullTextIndex],
    ) -> Result<()> {
        self.create_table(&stmt::table_with_index_params(table, vidxs, fts_idxs)?)
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
        let info = self.table_info(table)?;
        let sql =
            stmt::create_index_sql(&info, is_vec_index, index_name, column_names, vidx_params)?;
        self.execute_table_ddl(&info.name, &sql)
    }

    /// Creates a vector index from an [`IndexParam`](crate::milvus::IndexParam), checked
    /// against the column's dimension.
    pub fn create_vidx_with_vec_index_param(
        &self,
        table: &str,
        param: &crate::milvus::IndexParam,
    ) -> Result<()> {
        let info = self.table_info(table)?;
        let sql = stmt::create_vidx_sql(&info, param)?;
        self.execute_table_ddl(&info.name, &sql)
    }

    /// Creates a full-text index.
    pub fn create_fts_idx_with_fts_index_param(
        &self,
        table: &str,
        index: &crate::ddl::FullTextIndex,
    ) -> Result<()> {
        let info = self.table_info(table)?;
        let sql = index.to_create_sql(&info.name)?;
        self.execute_table_ddl(&info.name, &sql)
    }

    /// `ALTER TABLE t ADD COLUMN ...` for each column.
    pub fn add_columns(&self, table: &str, columns: Vec<crate::ddl::Column>) -> Result<()> {
        let sql = stmt::add_columns_sql(table, columns)?;
        self.execute_table_ddl(table, &sql)
    }

    /// `DROP TABLE IF EXISTS`.
    pub fn drop_table_if_exist(&self, table: &str) -> Result<()> {
        let sql = stmt::drop_table_sql(table)?;
        self.forget(table);
        self.execute_ddl(&sql)
    }

    /// `DROP INDEX index ON table`.
    pub fn drop_index(&self, table: &str, index: &str) -> Result<()> {
        let sql = stmt::drop_index_sql(table, index)?;
        self.forget(table);
        self.execute_ddl(&sql)
    }

    /// `ALTER TABLE t DROP COLUMN a, DROP COLUMN b`.
    pub fn drop_columns(&self, table: &str, columns: &[&str]) -> Result<()> {
        let sql = stmt::drop_columns_sql(table, columns)?;
        self.forget(table);
        self.execute_ddl(&sql)
    }

    /// `CALL DBMS_VECTOR.REFRESH_INDEX(index, table, '', threshold)`: moves incremental
    /// index data (pyobvector's default threshold is 10000). Retried while another
    /// refresh or rebuild holds the index (error 4179).
    pub fn refresh_index(&self, table: &str, index: &str, trigger_threshold: i64) -> Result<()> {
        self.call_index_procedure(
            "REFRESH_INDEX",
            table,
            index,
            BindValue::Int(trigger_threshold),
        )
    }

    /// `CALL DBMS_VECTOR.REBUILD_INDEX(index, table, '', threshold)`: merges incremental
    /// data into the base index (threshold 0..=1, pyobvector's default 0.2). Run it
    /// after a bulk load: until then ANN is 5-40x slower.
    pub fn rebuild_index(&self, table: &str, index: &str, trigger_threshold: f64) -> Result<()> {
        stmt::check_rebuild_threshold(trigger_threshold)?;
        self.call_index_procedure(
            "REBUILD_INDEX",
            table,
            index,
            BindValue::Float(trigger_threshold),
        )
    }

    fn call_index_procedure(
        &self,
        procedure: &str,
        table: &str,
        index: &str,
        threshold: BindValue,
    ) -> Result<()> {
        let info = self.table_info(table)?;
        let retry = self.busy_retry();
        let mut attempt = 0;
        loop {
            let q = stmt::index_procedure(&info, procedure, index, threshold.clone())?;
            let result = self.with_connection(|conn| Ok(q.execute(conn)?));
            match retry.wait_before_retry(attempt, &result) {
                Some(delay) => {
                    attempt += 1;
                    std::thread::sleep(delay);
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
    pub fn set_ob_hnsw_ef_search(&self, ef_search: u32) -> Result<()> {
        let settings = self.session_settings().ef_search(ef_search);
        settings.to_sql()?;
        if let Source::Single(_) = self.source {
            self.with_connection(|conn| settings.apply(conn))?;
        }
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = settings;
        Ok(())
    }

    /// Reads `ob_hnsw_ef_search` from the session.
    pub fn get_ob_hnsw_ef_search(&self) -> Result<u32> {
        self.with_connection(crate::diesel_ext::ef_search)
    }

    // ---- DML ------------------------------------------------------------------------

    /// Inserts rows (JSON objects keyed by column). All rows or none: batches larger
    /// than one statement run in a transaction. Returns the rows inserted.
    pub fn insert(&self, table: &str, rows: &[Value], partition: Option<&str>) -> Result<usize> {
        self.write_rows("INSERT INTO", table, rows, partition)
    }

    /// Inserts rows, replacing any with the same primary key (`REPLACE INTO`).
    ///
    /// Returns the server's affected-row count, not the number of rows given: a new
    /// row counts 1, a replaced existing row counts 2 (deleted, then inserted).
    /// For a typed `ON DUPLICATE KEY UPDATE`, see [`crate::diesel_ext::values`].
    pub fn upsert(&self, table: &str, rows: &[Value], partition: Option<&str>) -> Result<usize> {
        self.write_rows("REPLACE INTO", table, rows, partition)
    }

    /// Inserts any serializable values (structs become rows by field name).
    pub fn insert_serialize<T: serde::Serialize>(
        &self,
        table: &str,
        rows: &[T],
        partition: Option<&str>,
    ) -> Result<usize> {
        let values = stmt::to_values(rows)?;
        self.insert(table, &values, partition)
    }

    fn write_rows(
        &self,
        verb: &str,
        table: &str,
        rows: &[Value],
        partition: Option<&str>,
    ) -> Result<usize> {
        if rows.is_empty() {
            return Ok(0);
        }
        let info = self.table_info(table)?;
        let limits = self.statement_limits()?;
        let statements = stmt::write_statements(verb, &info, rows, partition, limits)?;

        // The server's affected-row count: what `upsert` documents.
        self.with_connection(move |conn| {
            if statements.len() == 1 {
                let mut affected = 0;
                for q in statements {
                    affected += q.execute(conn).with_errno(conn)?;
                }
                return Ok(affected);
            }
            diesel::Connection::transaction::<_, Error, _>(conn, move |conn| {
                let mut affected = 0;
                for q in statements {
                    // The errno is asked before the rollback clears it.
                    affected += q.execute(conn).with_errno(conn)?;
                }
                Ok(affected)
            })
        })
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
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let info = self.table_info(table)?;
        let limits = self.statement_limits()?;
        let statements = stmt::write_statements("INSERT INTO", &info, rows, partition, limits)?;
        self.with_connection(move |conn| {
            diesel::Connection::transaction::<_, Error, _>(conn, move |conn| {
                let mut out = Vec::with_capacity(statements.len());
                for q in statements {
                    // The errno is asked before the rollback clears it.
                    let n = q.execute(conn).with_errno(conn)?;
                    let first = diesel::select(diesel::dsl::sql::<
                        diesel::sql_types::Unsigned<diesel::sql_types::BigInt>,
                    >("LAST_INSERT_ID()"))
                    .get_result::<u64>(conn)?;
                    out.push((n, first));
                }
                Ok(out)
            })
        })
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
        self.update_rows(table, values, filter, partition, stmt::RowScope::Selected)
    }

    /// `UPDATE table SET col = value, ...` on every row (of `partition`, if given).
    pub fn update_all_rows(
        &self,
        table: &str,
        values: &Map<String, Value>,
        partition: Option<&str>,
    ) -> Result<usize> {
        self.update_rows(table, values, None, partition, stmt::RowScope::All)
    }

    fn update_rows(
        &self,
        table: &str,
        values: &Map<String, Value>,
        filter: Option<Filter>,
        partition: Option<&str>,
        scope: stmt::RowScope,
    ) -> Result<usize> {
        let info = self.table_info(table)?;
        let q = stmt::update_query(&info, values, filter, partition, scope)?;
        self.with_connection(|conn| Ok(q.execute(conn)?))
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
        self.delete_rows(table, ids, filter, partition, stmt::RowScope::Selected)
    }

    /// Deletes every row (of `partition`, if given).
    pub fn delete_all_rows(&self, table: &str, partition: Option<&str>) -> Result<usize> {
        self.delete_rows(table, &[], None, partition, stmt::RowScope::All)
    }

    fn delete_rows(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
        partition: Option<&str>,
        scope: stmt::RowScope,
    ) -> Result<usize> {
        let info = self.table_info(table)?;
        let runs = stmt::id_runs(&info, ids, filter.as_ref())?;
        if let [ids] = runs.as_slice() {
            let q = stmt::delete_query(&info, ids, filter, partition, scope)?;
            return self.with_connection(|conn| Ok(q.execute(conn)?));
        }
        let mut statements = Vec::new();
        for run in runs {
            let filter = stmt::repeat_filter(&filter);
            statements.push(stmt::delete_query(&info, run, filter, partition, scope)?);
        }
        // All or nothing, like one statement.
        self.with_connection(move |conn| {
            diesel::Connection::transaction::<_, Error, _>(conn, move |conn| {
                let mut deleted = 0;
                for q in statements {
                    deleted += q.execute(conn).with_errno(conn)?;
                }
                Ok(deleted)
            })
        })
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
    ) -> Result<Vec<Map<String, Value>>> {
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
    ) -> Result<Vec<Map<String, Value>>> {
        let info = self.table_info(table)?;
        let runs = stmt::id_runs(&info, ids, filter.as_ref())?;
        if let [ids] = runs.as_slice() {
            let q = stmt::select_query(&info, ids, filter, output_columns, partitions, limit)?;
            return self.load_json(&info, q);
        }
        let mut rows = Vec::new();
        for run in runs {
            let left = limit.map(|l| l.saturating_sub(rows.len()));
            if left == Some(0) {
                break;
            }
            let filter = stmt::repeat_filter(&filter);
            let q = stmt::select_query(&info, run, filter, output_columns, partitions, left)?;
            rows.extend(self.load_json(&info, q)?);
        }
        Ok(rows)
    }

    // ---- search ---------------------------------------------------------------------

    /// Approximate nearest neighbours through the vector index
    /// (`ORDER BY d APPROXIMATE LIMIT k`), as JSON objects.
    pub fn ann_search(&self, search: AnnSearch) -> Result<Vec<Map<String, Value>>> {
        self.search_json(search, SearchMode::Approximate)
    }

    /// [`ObVecClient::ann_search`] with typed rows (`#[derive(QueryableByName)]`).
    pub fn ann_search_as<T>(&self, search: AnnSearch) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + 'static,
    {
        let info = self.table_info(&search.table)?;
        let q = search.build(&info, SearchMode::Approximate)?;
        self.with_connection(|conn| Ok(q.load::<T>(conn)?))
    }

    /// Exact search ordered by distance without `APPROXIMATE` (pyobvector's
    /// `post_ann_search`): a full scan that honours every filter exactly.
    pub fn post_ann_search(&self, search: AnnSearch) -> Result<Vec<Map<String, Value>>> {
        self.search_json(search, SearchMode::Exact)
    }

    /// Exact nearest neighbours (pyobvector's `precise_search`).
    pub fn precise_search(&self, search: AnnSearch) -> Result<Vec<Map<String, Value>>> {
        self.search_json(search, SearchMode::Exact)
    }

    /// The SQL an [`AnnSearch`] runs (with `?` placeholders), for `EXPLAIN` and logs.
    pub fn ann_search_sql(&self, search: AnnSearch) -> Result<String> {
        let info = self.table_info(&search.table)?;
        Ok(search.build(&info, SearchMode::Approximate)?.to_sql())
    }

    /// The server's plan for an [`AnnSearch`] (`EXPLAIN`, one line per row): look for
    /// `VECTOR INDEX SCAN` to confirm the index is used.
    pub fn explain_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.explain_search(search, SearchMode::Approximate)
    }

    /// The server's plan for [`precise_search`](Self::precise_search) (an exact scan).
    pub fn explain_precise_search(&self, search: AnnSearch) -> Result<String> {
        self.explain_search(search, SearchMode::Exact)
    }

    /// The server's plan for [`post_ann_search`](Self::post_ann_search).
    pub fn explain_post_ann_search(&self, search: AnnSearch) -> Result<String> {
        self.explain_search(search, SearchMode::Exact)
    }

    fn explain_search(&self, search: AnnSearch, mode: SearchMode) -> Result<String> {
        let info = self.table_info(&search.table)?;
        let q = stmt::explain(search.build(&info, mode)?);
        let lines: Vec<stmt::PlanLine> = self.with_connection(|conn| Ok(q.load(conn)?))?;
        Ok(stmt::plan_text(lines))
    }

    fn search_json(&self, search: AnnSearch, mode: SearchMode) -> Result<Vec<Map<String, Value>>> {
        let info = self.table_info(&search.table)?;
        let q = search.build(&info, mode)?;
        self.load_json(&info, q)
    }

    fn load_json(&self, info: &TableInfo, q: DynQuery) -> Result<Vec<Map<String, Value>>> {
        let rows: Vec<JsonRow> = self.with_connection(|conn| Ok(q.load(conn)?))?;
        stmt::json_rows(info, rows)
    }

    /// Hybrid search (`DBMS_HYBRID_SEARCH.SEARCH`): hits as JSON objects with `_score`.
    /// The knn vector is checked against the column's dimension first.
    pub fn hybrid_search(
        &self,
        table: &str,
        body: &super::HybridSearch,
    ) -> Result<Vec<Map<String, Value>>> {
        let info = self.table_info(table)?;
        stmt::check_hybrid_knn(&info, body)?;
        self.hybrid_search_raw(&info.name, &body.to_json()?)
    }

    /// Hybrid search with a hand-written JSON body (the escape hatch).
    pub fn hybrid_search_raw(&self, table: &str, body: &Value) -> Result<Vec<Map<String, Value>>> {
        stmt::hybrid_hits(self.hybrid_call("SEARCH", table, body)?)
    }

    /// The SQL seekdb generates for a hybrid search (`DBMS_HYBRID_SEARCH.GET_SQL`).
    pub fn hybrid_search_sql(&self, table: &str, body: &super::HybridSearch) -> Result<String> {
        let info = self.table_info(table)?;
        Ok(self
            .hybrid_call("GET_SQL", &info.name, &body.to_json()?)?
            .unwrap_or_default())
    }

    fn hybrid_call(&self, function: &str, table: &str, body: &Value) -> Result<Option<String>> {
        let q = stmt::hybrid_call(function, table, body)?;
        let rows: Vec<JsonRow> = self.with_connection(|conn| Ok(q.load(conn)?))?;
        Ok(stmt::hybrid_result(rows))
    }

    /// Runs any statement; rows (if it returns any) come back as JSON objects.
    pub fn perform_raw_text_sql(&self, sql: &str) -> Result<Vec<Map<String, Value>>> {
        let rows: Vec<JsonRow> = self.with_connection(|conn| {
            match diesel::sql_query(sql).load(conn) {
                // Diesel reads the result metadata before executing, so a statement that
                // returns no rows (DDL, INSERT, SET) has not run yet: run it as such.
                Err(diesel::result::Error::DeserializationError(e))
                    if e.to_string() == "No metadata exists" =>
                {
                    diesel::sql_query(sql).execute(conn)?;
                    Ok(Vec::new())
                }
                other => Ok(other?),
            }
        })?;
        Ok(rows.into_iter().map(JsonRow::into_inner).collect())
    }
}
