//! `MilvusLikeClient`: pymilvus's `MilvusClient` surface over [`ObVecClient`].

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::describe::{describe_field, describe_indexes, filter_schema};
use super::fields::{outputs, plain_fields, Outputs};
use super::filter::{compile, FilterParams};
use super::ids::{generated_ids, id_source, keys_with_generated, row_ids, IdSource};
use super::schema::{CollectionSchema, DataType, FieldSchema};
use super::search::{check_query_vector, to_hit, without_null_distances};
use super::search::{Hit, SearchRequest};
use super::{IndexParam, IndexParams};
use crate::client::{
    AnnSearch, ColumnKind, ConnectOptions, Distance, Filter, ObVecClient, SeekdbPool, TableInfo,
};
use crate::ddl::{quote_ident, validate_ident, IdentKind, VectorIndex};
use crate::error::{Error, Result};
use crate::fragment::SqlFragment;
use crate::Vector;

/// A filter for `query`, `delete` and `search`: a Milvus boolean expression
/// (`id < 100 and meta["page"] in [1, 2]`) or a Diesel expression.
pub enum MilvusFilter {
    /// A Milvus expression, with `{name}` template values.
    Expr(String, Option<FilterParams>),
    /// A Diesel (or pre-built) filter.
    Diesel(Filter),
}

impl From<&str> for MilvusFilter {
    fn from(s: &str) -> Self {
        MilvusFilter::Expr(s.to_string(), None)
    }
}

impl From<String> for MilvusFilter {
    fn from(s: String) -> Self {
        MilvusFilter::Expr(s, None)
    }
}

impl From<Filter> for MilvusFilter {
    fn from(f: Filter) -> Self {
        MilvusFilter::Diesel(f)
    }
}

impl MilvusFilter {
    /// A Milvus expression with template values (`id in {ids}` + `{"ids": [1, 2]}`).
    pub fn with_params(expr: &str, params: Value) -> Result<Self> {
        match params {
            Value::Object(map) => Ok(MilvusFilter::Expr(expr.to_string(), Some(map))),
            _ => Err(Error::validation("filter_params", "must be a JSON object")),
        }
    }
}

/// pyobvector's `MilvusLikeClient`: collections, indexes and data through
/// pymilvus-shaped calls, with Milvus filter expressions compiled to bound SQL.
#[derive(Debug)]
pub struct MilvusLikeClient {
    inner: ObVecClient,
}

impl MilvusLikeClient {
    /// Connects like pyobvector: `("127.0.0.1:2881", "root@test", "", "test")`.
    pub fn connect(uri: &str, user: &str, password: &str, db_name: &str) -> Result<Self> {
        Ok(Self::from_client(ObVecClient::from_options(
            &ConnectOptions::new(uri, user, password, db_name),
        )?))
    }

    /// Connects to a `mysql://` URL.
    pub fn from_url(url: &str) -> Result<Self> {
        Ok(Self::from_client(ObVecClient::from_url(url)?))
    }

    /// Uses an existing Diesel connection.
    pub fn from_connection(conn: diesel::MysqlConnection) -> Self {
        Self::from_client(ObVecClient::from_connection(conn))
    }

    /// Uses an r2d2 pool.
    pub fn from_pool(pool: SeekdbPool) -> Self {
        Self::from_client(ObVecClient::from_pool(pool))
    }

    /// Uses a [`SessionManager`](crate::SessionManager) pool, whose checkout applies
    /// the session settings (see [`ObVecClient::from_session_pool`]).
    pub fn from_session_pool(pool: diesel::r2d2::Pool<crate::SessionManager>) -> Self {
        Self::from_client(ObVecClient::from_session_pool(pool))
    }

    /// Wraps an [`ObVecClient`].
    pub fn from_client(inner: ObVecClient) -> Self {
        MilvusLikeClient { inner }
    }

    /// The SQL-mode client underneath.
    pub fn sql_client(&self) -> &ObVecClient {
        &self.inner
    }

    // ---- schema and collections -----------------------------------------------------

    /// An empty schema.
    pub fn create_schema() -> CollectionSchema {
        CollectionSchema::new()
    }

    /// An empty set of index parameters.
    pub fn prepare_index_params() -> IndexParams {
        IndexParams::new()
    }

    /// Quick mode: a primary key (`id_type` INT64 or VARCHAR) and a `VECTOR(dimension)`
    /// field with an HNSW index of `metric_type`.
    pub fn create_collection_quick(
        &self,
        collection_name: &str,
        dimension: u32,
        options: QuickCollection,
    ) -> Result<()> {
        let mut schema = CollectionSchema::new();
        let mut pk = FieldSchema::new(&options.primary_field_name, options.id_type).primary();
        match options.id_type {
            DataType::Int64 => pk = pk.auto_id(options.auto_id),
            DataType::VarChar => {
                if options.auto_id {
                    return Err(Error::validation(
                        "auto_id",
                        "VARCHAR ids cannot be auto-generated",
                    ));
                }
                pk = pk.max_length(options.max_length);
            }
            other => {
                return Err(Error::validation(
                    "id_type",
                    format!("the primary key must be INT64 or VARCHAR, not {other:?}"),
                ))
            }
        }
        schema.add_field(pk);
        schema.add_field(
            FieldSchema::new(&options.vector_field_name, DataType::FloatVector).dim(dimension),
        );
        let mut index = IndexParams::new();
        index.add(
            IndexParam::new(
                format!("{}_idx", options.vector_field_name),
                &options.vector_field_name,
                "HNSW",
            )
            .metric_type(options.metric_type.clone()),
        )?;
        self.create_collection(collection_name, &schema, Some(&index))
    }

    /// Schema mode: creates the table with its vector indexes and partitions, through
    /// [`CollectionSchema::to_create_table`] (the table builder's rules apply).
    pub fn create_collection(
        &self,
        collection_name: &str,
        schema: &CollectionSchema,
        index_params: Option<&IndexParams>,
    ) -> Result<()> {
        let sql = schema
            .to_create_table(collection_name, index_params)?
            .to_sql()?;
        self.inner.execute_table_ddl(collection_name, &sql)
    }

    /// Whether the collection exists.
    pub fn has_collection(&self, collection_name: &str) -> Result<bool> {
        self.inner.table_exists(collection_name)
    }

    /// Drops the collection (no error when it does not exist).
    pub fn drop_collection(&self, collection_name: &str) -> Result<()> {
        self.inner.drop_table(collection_name)
    }

    /// Renames a collection.
    pub fn rename_collection(&self, old_name: &str, new_name: &str) -> Result<()> {
        validate_ident("new_name", new_name, IdentKind::Table)?;
        self.require(old_name)?;
        self.inner.execute_table_ddl(
            old_name,
            &format!(
                "RENAME TABLE {} TO {}",
                quote_ident(old_name),
                quote_ident(new_name)
            ),
        )?;
        self.inner.refresh_metadata();
        Ok(())
    }

    /// Collections in the current database.
    pub fn list_collections(&self) -> Result<Vec<String>> {
        let rows = self.inner.raw_sql(
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.get("name").and_then(Value::as_str).map(str::to_string))
            .filter(|n| !n.starts_with("__"))
            .collect())
    }

    /// `{"row_count": n}`.
    pub fn get_collection_stats(&self, collection_name: &str) -> Result<Value> {
        let info = self.require(collection_name)?;
        let rows = self.inner.raw_sql(&format!(
            "SELECT COUNT(*) AS n FROM {}",
            quote_ident(&info.name)
        ))?;
        let n = rows
            .first()
            .and_then(|r| r.get("n"))
            .cloned()
            .unwrap_or(json!(0));
        Ok(json!({ "row_count": n }))
    }

    /// Reads the collection's description from the server (pyobvector's `load_table`).
    pub fn load_table(&self, collection_name: &str) -> Result<Arc<TableInfo>> {
        self.inner.refresh_metadata();
        self.require(collection_name)
    }

    /// Fields (Milvus type names: `INT64`, `VARCHAR`, `ARRAY` with `element_type`
    /// `INT32`, `FLOAT_VECTOR` ...), indexes (vector ones with `metric_type` and
    /// `params`) and partitions, read back from the server.
    pub fn describe_collection(&self, collection_name: &str) -> Result<Value> {
        let info = self.load_table(collection_name)?;
        let fields: Vec<Value> = info.columns.iter().map(describe_field).collect();
        let ddl = if info
            .indexes
            .iter()
            .any(|i| i.index_type.eq_ignore_ascii_case("VECTOR"))
        {
            self.inner
                .raw_sql(&format!("SHOW CREATE TABLE {}", quote_ident(&info.name)))?
                .first()
                .and_then(|r| r.get("Create Table"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        } else {
            String::new()
        };
        Ok(json!({
            "collection_name": info.name,
            "auto_id": info.columns.iter().any(|c| c.primary_key && c.auto_increment),
            "fields": fields,
            "indexes": describe_indexes(&info, &ddl),
            "partitions": info.partitions,
        }))
    }

    // ---- indexes --------------------------------------------------------------------

    /// Creates the vector indexes in `index_params` on an existing collection.
    pub fn create_index(&self, collection_name: &str, index_params: &IndexParams) -> Result<()> {
        let info = self.require(collection_name)?;
        for index in index_params.to_vector_indexes()? {
            let column = info.require_column("field_name", index.column())?;
            let index: VectorIndex = match column.kind {
                ColumnKind::Vector(dim) => index.dim(dim),
                _ => index,
            };
            let sql = index.to_create_sql(&info.name)?;
            self.inner
                .execute_index_ddl(&info.name, index.name(), &sql)?;
        }
        for index in index_params.to_scalar_indexes()? {
            info.require_column("field_name", index.field())?;
            let sql = index.to_create_sql(&info.name)?;
            self.inner
                .execute_index_ddl(&info.name, index.index_name(), &sql)?;
        }
        Ok(())
    }

    /// Drops an index.
    pub fn drop_index(&self, collection_name: &str, index_name: &str) -> Result<()> {
        self.require(collection_name)?;
        self.inner.drop_index(collection_name, index_name)
    }

    /// `DBMS_VECTOR.REFRESH_INDEX` (default threshold 10000).
    pub fn refresh_index(
        &self,
        collection_name: &str,
        index_name: &str,
        trigger_threshold: i64,
    ) -> Result<()> {
        self.inner
            .refresh_index(collection_name, index_name, trigger_threshold)
    }

    /// `DBMS_VECTOR.REBUILD_INDEX` (default threshold 0.2).
    pub fn rebuild_index(
        &self,
        collection_name: &str,
        index_name: &str,
        trigger_threshold: f64,
    ) -> Result<()> {
        self.inner
            .rebuild_index(collection_name, index_name, trigger_threshold)
    }

    // ---- data -----------------------------------------------------------------------

    /// Inserts rows (JSON objects); all or nothing. Returns
    /// `{"insert_count": n, "ids": [...]}` as pymilvus does: the rows' primary keys, or
    /// for an `auto_id` collection whose rows leave the key out, the generated ones.
    pub fn insert(
        &self,
        collection_name: &str,
        data: &[Value],
        partition_name: Option<&str>,
    ) -> Result<Value> {
        let info = self.require(collection_name)?;
        let ids = match id_source(&info, data)? {
            IdSource::Generated => keys_with_generated(
                &info.primary_key(),
                data,
                generated_ids(&self.inner.insert_with_last_ids(
                    collection_name,
                    data,
                    partition_name,
                )?),
            ),
            IdSource::Rows => {
                self.inner.insert(collection_name, data, partition_name)?;
                row_ids(&info.primary_key(), data)
            }
        };
        Ok(json!({ "insert_count": ids.len(), "ids": ids }))
    }

    /// Loads rows into an existing collection all or nothing and leaves its vector index
    /// built and serving searches: [`ObVecClient::bulk_load`].
    pub fn bulk_load<'a, I>(
        &self,
        collection_name: &str,
        data: I,
        options: crate::client::BulkLoadOptions<'a>,
    ) -> Result<crate::client::BulkLoadReport>
    where
        I: IntoIterator<Item = Value>,
        I::IntoIter: Send + 'a,
    {
        self.require(collection_name)?;
        self.inner.bulk_load(collection_name, data, options)
    }

    /// Inserts serializable rows (structs become rows by field name); returns what
    /// [`Self::insert`] does.
    pub fn insert_serialize<T: serde::Serialize>(
        &self,
        collection_name: &str,
        data: &[T],
        partition_name: Option<&str>,
    ) -> Result<Value> {
        let values = data
            .iter()
            .enumerate()
            .map(|(i, r)| {
                serde_json::to_value(r)
                    .map_err(|e| Error::validation(format!("data[{i}]"), e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        self.insert(collection_name, &values, partition_name)
    }

    /// Inserts or replaces rows by primary key. Returns `{"upsert_count": n}` with `n`
    /// the number of entities written, as pymilvus reports it (the server's affected-row
    /// count, where a replaced row counts 2, is what [`ObVecClient::upsert`] returns).
    pub fn upsert(
        &self,
        collection_name: &str,
        data: &[Value],
        partition_name: Option<&str>,
    ) -> Result<Value> {
        self.require(collection_name)?;
        self.inner.upsert(collection_name, data, partition_name)?;
        Ok(json!({ "upsert_count": data.len() }))
    }

    /// Rows by primary key.
    pub fn get(
        &self,
        collection_name: &str,
        ids: &[Value],
        output_fields: &[&str],
        partition_names: &[&str],
    ) -> Result<Vec<Map<String, Value>>> {
        let info = self.require(collection_name)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let fields = plain_fields(&info, output_fields)?;
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        self.inner
            .get(collection_name, ids, None, &fields, partition_names)
    }

    /// Deletes by ids and/or filter. Returns `{"delete_count": n}`.
    pub fn delete(
        &self,
        collection_name: &str,
        ids: &[Value],
        filter: Option<MilvusFilter>,
        partition_name: Option<&str>,
    ) -> Result<Value> {
        let info = self.require(collection_name)?;
        let filter = self.compile_filter(&info, filter)?;
        let n = self
            .inner
            .delete(collection_name, ids, filter, partition_name)?;
        Ok(json!({ "delete_count": n }))
    }

    /// Rows matching a filter (all rows for `None`), optionally limited.
    pub fn query(
        &self,
        collection_name: &str,
        filter: Option<MilvusFilter>,
        output_fields: &[&str],
        partition_names: &[&str],
        limit: Option<usize>,
    ) -> Result<Vec<Map<String, Value>>> {
        let info = self.require(collection_name)?;
        let filter = self.compile_filter(&info, filter)?;
        let fields = match outputs(&info, output_fields, true)? {
            Outputs::Count => {
                let n = self.inner.count(collection_name, filter, partition_names)?;
                let mut row = Map::new();
                row.insert("count(*)".into(), json!(n));
                return Ok(vec![row]);
            }
            Outputs::Fields(fields) => fields,
        };
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        self.inner.select(
            collection_name,
            &[],
            filter,
            &fields,
            partition_names,
            limit,
        )
    }

    /// Approximate search: one hit list per query vector.
    pub fn search(&self, collection_name: &str, request: SearchRequest) -> Result<Vec<Vec<Hit>>> {
        let info = self.require(collection_name)?;
        // A composite key (e.g. one that covers a partition column) is reported as an
        // object of its columns.
        let pk: Vec<String> = info.primary_key().iter().map(|c| c.name.clone()).collect();
        if pk.is_empty() {
            return Err(Error::NotSupported {
                feature: "search".into(),
                reason: format!("collection `{}` has no primary key", info.name),
            });
        }
        let metric = match &request.metric {
            Some(m) => Distance::parse(m)?,
            None => Self::index_metric(&info, &request.anns_field)?,
        };
        if !request.exact {
            super::search::check_index_metric(&info, &request.anns_field, metric)?;
        }
        let asked: Vec<&str> = request.output_fields.iter().map(String::as_str).collect();
        let asked = plain_fields(&info, &asked)?;
        let mut outputs = asked.clone();
        for f in &outputs {
            info.require_column("output_fields", f)?;
        }
        for key in pk.iter().rev() {
            if !outputs.iter().any(|f| f.eq_ignore_ascii_case(key)) {
                outputs.insert(0, key.clone());
            }
        }
        super::search::add_group_field(&info, &request, &mut outputs)?;
        if request.data.is_empty() {
            return Err(Error::validation("data", "no query vectors"));
        }
        // Compiled once; each query vector binds its own copy.
        let filter = match &request.filter {
            Some((expr, params)) => compile(expr, &filter_schema(&info), params.as_ref())?,
            None => None,
        };
        let mut results = Vec::with_capacity(request.data.len());
        for (i, vector) in request.data.iter().enumerate() {
            check_query_vector(metric, i, vector)?;
            let run = |filter: Option<SqlFragment>| {
                let mut search = AnnSearch::new(
                    &info.name,
                    &request.anns_field,
                    Vector::from(vector.clone()),
                )
                .distance(metric)
                .with_dist(true)
                .topk(request.limit)
                .output_columns(outputs.clone())
                .partitions(request.partitions.clone());
                if let Some(ef) = request.ef {
                    search = search.ef_search(ef);
                }
                if let Some(f) = filter {
                    search = search.filter(f);
                }
                super::search::run(&self.inner, search, &request)
            };
            let mut rows = run(filter.clone())?;
            // NULL sorts first: a NULL (or, under cosine, zero) stored vector would take
            // the top places. Such rows are rare, so only then is the search run again
            // without them (the extra condition costs an index pre-filter).
            if rows
                .iter()
                .any(|r| r.get("distance").is_none_or(Value::is_null))
            {
                rows = run(Some(without_null_distances(
                    metric,
                    &request.anns_field,
                    vector,
                    filter.as_ref(),
                )))?;
            }
            results.push(
                rows.into_iter()
                    .map(|row| to_hit(row, &pk, &asked))
                    .collect(),
            );
        }
        Ok(results)
    }

    /// Hybrid full-text + vector search (see [`crate::client::HybridSearch`]).
    pub fn hybrid_search(
        &self,
        collection_name: &str,
        body: &crate::client::HybridSearch,
    ) -> Result<Vec<Map<String, Value>>> {
        self.require(collection_name)?;
        self.inner.hybrid_search(collection_name, body)
    }

    /// Runs SQL directly; rows as JSON objects.
    pub fn perform_raw_text_sql(&self, sql: &str) -> Result<Vec<Map<String, Value>>> {
        self.inner.raw_sql(sql)
    }

    // ---- helpers --------------------------------------------------------------------

    fn require(&self, collection_name: &str) -> Result<Arc<TableInfo>> {
        validate_ident("collection_name", collection_name, IdentKind::Table)?;
        self.inner.table_info(collection_name)
    }

    /// The metric of the vector index on `field` (l2 when there is none).
    fn index_metric(info: &TableInfo, field: &str) -> Result<Distance> {
        info.require_column("anns_field", field)?;
        let distance = info
            .vector_index_on(field)
            .and_then(|i| i.distance.as_deref())
            .unwrap_or("L2");
        Ok(match distance {
            "INNER_PRODUCT" => Distance::InnerProduct,
            "COSINE" => Distance::Cosine,
            _ => Distance::L2,
        })
    }

    fn compile_filter(
        &self,
        info: &TableInfo,
        filter: Option<MilvusFilter>,
    ) -> Result<Option<Filter>> {
        Ok(match filter {
            None => None,
            Some(MilvusFilter::Diesel(f)) => Some(f),
            Some(MilvusFilter::Expr(expr, params)) => {
                compile(&expr, &filter_schema(info), params.as_ref())?.map(Filter::Fragment)
            }
        })
    }
}

/// Quick-mode options for [`MilvusLikeClient::create_collection_quick`].
#[derive(Debug, Clone)]
pub struct QuickCollection {
    /// Primary key name (default `id`).
    pub primary_field_name: String,
    /// INT64 (default) or VARCHAR.
    pub id_type: DataType,
    /// VARCHAR id length (default 16384... capped to 1024 for a key).
    pub max_length: usize,
    /// Vector field name (default `vector`).
    pub vector_field_name: String,
    /// `l2` (default), `ip`/`inner_product` or `cosine`.
    pub metric_type: String,
    /// Auto-increment ids (INT64 only).
    pub auto_id: bool,
}

impl Default for QuickCollection {
    fn default() -> Self {
        QuickCollection {
            primary_field_name: "id".into(),
            id_type: DataType::Int64,
            max_length: 1024,
            vector_field_name: "vector".into(),
            metric_type: "l2".into(),
            auto_id: false,
        }
    }
}
