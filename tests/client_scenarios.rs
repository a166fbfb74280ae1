//! One scenario suite, run against both transports: the blocking `ObVecClient` (one
//! Diesel connection, or an r2d2 `SessionManager` pool) and the async
//! `AsyncObVecClient` (diesel-async). Both execute the same plans, so every scenario
//! must give the same answers on each.

use std::future::Future;

use diesel::dsl::sql;
use diesel::sql_types::Bool;
use diesel_seekdb::client::{AnnSearch, Distance, Filter, HybridSearch, Knn, SearchQuery};
use diesel_seekdb::ddl::{Column, ColumnType, CreateTable, FullTextIndex, Organization};
use diesel_seekdb::milvus::IndexParams;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, Result, ServerErrorKind};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Map, Value};

type Rows = Vec<Map<String, Value>>;

/// The client surface the scenarios use; each transport implements it by calling its
/// client's method of the same name. The futures must be `Send` (checked here for the
/// async client: a tokio task may hold any of them).
trait Transport: Sync {
    fn exists(&self, table: &str) -> impl Future<Output = Result<bool>> + Send;
    fn create(
        &self,
        table: CreateTable,
        vidx: Option<&IndexParams>,
        fts: &[FullTextIndex],
    ) -> impl Future<Output = Result<()>> + Send;
    fn insert(&self, table: &str, rows: &[Value]) -> impl Future<Output = Result<usize>> + Send;
    fn upsert(&self, table: &str, rows: &[Value]) -> impl Future<Output = Result<usize>> + Send;
    fn get(
        &self,
        table: &str,
        ids: &[Value],
        filter: Option<Filter>,
    ) -> impl Future<Output = Result<Rows>> + Send;
    fn update(
        &self,
        table: &str,
        values: &Map<String, Value>,
        filter: Option<Filter>,
    ) -> impl Future<Output = Result<usize>> + Send;
    fn delete(&self, table: &str, ids: &[Value]) -> impl Future<Output = Result<usize>> + Send;
    fn ann(&self, search: AnnSearch) -> impl Future<Output = Result<Rows>> + Send;
    fn precise(&self, search: AnnSearch) -> impl Future<Output = Result<Rows>> + Send;
    fn post_ann(&self, search: AnnSearch) -> impl Future<Output = Result<Rows>> + Send;
    fn ann_sql(&self, search: AnnSearch) -> impl Future<Output = Result<String>> + Send;
    fn explain_ann(&self, search: AnnSearch) -> impl Future<Output = Result<String>> + Send;
    fn explain_post_ann(&self, search: AnnSearch) -> impl Future<Output = Result<String>> + Send;
    fn hybrid_raw(&self, table: &str, body: &Value) -> impl Future<Output = Result<Rows>> + Send;
    fn hybrid_sql(
        &self,
        table: &str,
        body: &HybridSearch,
    ) -> impl Future<Output = Result<String>> + Send;
    fn refresh(&self, table: &str, index: &str) -> impl Future<Output = Result<()>> + Send;
    fn rebuild(&self, table: &str, index: &str, t: f64) -> impl Future<Output = Result<()>> + Send;
    fn set_ef(&self, ef: u32) -> impl Future<Output = Result<()>> + Send;
    fn get_ef(&self) -> impl Future<Output = Result<u32>> + Send;
    fn raw(&self, sql: &str) -> impl Future<Output = Result<Rows>> + Send;
}

struct Blocking(ObVecClient);
struct Async(AsyncObVecClient);

/// `$($aw)*` is `.await` for the async client and nothing for the blocking one.
macro_rules! transport {
    ($ty:ident $($aw:tt)*) => {
        impl Transport for $ty {
            async fn exists(&self, table: &str) -> Result<bool> {
                self.0.table_exists(table) $($aw)*
            }
            async fn create(
                &self,
                table: CreateTable,
                vidx: Option<&IndexParams>,
                fts: &[FullTextIndex],
            ) -> Result<()> {
                self.0.create_table_with_indexes(table, vidx, fts) $($aw)*
            }
            async fn insert(&self, table: &str, rows: &[Value]) -> Result<usize> {
                self.0.insert(table, rows, None) $($aw)*
            }
            async fn upsert(&self, table: &str, rows: &[Value]) -> Result<usize> {
                self.0.upsert(table, rows, None) $($aw)*
            }
            async fn get(&self, table: &str, ids: &[Value], filter: Option<Filter>) -> Result<Rows> {
                self.0.get(table, ids, filter, &[], &[]) $($aw)*
            }
            async fn update(
                &self,
                table: &str,
                values: &Map<String, Value>,
                filter: Option<Filter>,
            ) -> Result<usize> {
                self.0.update(table, values, filter, None) $($aw)*
            }
            async fn delete(&self, table: &str, ids: &[Value]) -> Result<usize> {
                self.0.delete(table, ids, None, None) $($aw)*
            }
            async fn ann(&self, search: AnnSearch) -> Result<Rows> {
                self.0.ann_search(search) $($aw)*
            }
            async fn precise(&self, search: AnnSearch) -> Result<Rows> {
                self.0.precise_search(search) $($aw)*
            }
            async fn post_ann(&self, search: AnnSearch) -> Result<Rows> {
                self.0.post_ann_search(search) $($aw)*
            }
            async fn ann_sql(&self, search: AnnSearch) -> Result<String> {
                self.0.ann_search_sql(search) $($aw)*
            }
            async fn explain_ann(&self, search: AnnSearch) -> Result<String> {
                self.0.explain_ann_search(search) $($aw)*
            }
            async fn explain_post_ann(&self, search: AnnSearch) -> Result<String> {
                self.0.explain_post_ann_search(search) $($aw)*
            }
            async fn hybrid_raw(&self, table: &str, body: &Value) -> Result<Rows> {
                self.0.hybrid_search_raw(table, body) $($aw)*
            }
            async fn hybrid_sql(&self, table: &str, body: &HybridSearch) -> Result<String> {
                self.0.hybrid_search_sql(table, body) $($aw)*
            }
            async fn refresh(&self, table: &str, index: &str) -> Result<()> {
                self.0.refresh_index(table, index, 10_000) $($aw)*
            }
            async fn rebuild(&self, table: &str, index: &str, t: f64) -> Result<()> {
                self.0.rebuild_index(table, index, t) $($aw)*
            }
            async fn set_ef(&self, ef: u32) -> Result<()> {
                self.0.set_ef_search(ef) $($aw)*
            }
            async fn get_ef(&self) -> Result<u32> {
                self.0.ef_search() $($aw)*
            }
            async fn raw(&self, sql: &str) -> Result<Rows> {
                self.0.raw_sql(sql) $($aw)*
            }
        }
    };
}

transport!(Blocking);
transport!(Async.await);

/// Each scenario as two tests: the blocking client on one connection and the async one.
macro_rules! on_both {
    ($scenario:ident, $blocking:ident, $async:ident) => {
        #[tokio::test]
        async fn $blocking() {
            let db = TestDb::new(stringify!($blocking));
            $scenario(&Blocking(ObVecClient::from_url(&db.url).unwrap())).await;
        }

        #[tokio::test]
        async fn $async() {
            let db = TestDb::new(stringify!($async));
            $scenario(&Async(AsyncObVecClient::from_url(&db.url).await.unwrap())).await;
        }
    };
}

const NEAR: [i64; 5] = [10, 11, 12, 111, 112];

fn items_table() -> (CreateTable, IndexParams) {
    let mut vidx = IndexParams::new();
    vidx.add_index("embedding", "HNSW", "vidx", json!({ "metric_type": "L2" }))
        .unwrap();
    let table = CreateTable::new("items")
        .column(Column::new("id", ColumnType::BigInt).primary_key())
        .column(Column::new("embedding", ColumnType::Vector(3)))
        .column(Column::new("tag", ColumnType::Varchar(32)));
    (table, vidx)
}

fn item_rows() -> Vec<Value> {
    (0..10)
        .map(|id| json!({ "id": id, "embedding": [0.7, 0.3, 0.5], "tag": "far" }))
        .chain(
            NEAR.iter()
                .map(|&id| json!({ "id": id, "embedding": [0.0, 0.0, 0.0], "tag": "near" })),
        )
        .collect()
}

fn ids(rows: &[Map<String, Value>]) -> Vec<i64> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids
}

fn search() -> AnnSearch {
    AnnSearch::new("items", "embedding", vec![0.0, 0.0, 0.0])
        .distance(Distance::L2)
        .with_dist(true)
        .topk(5)
        .output_columns(["id"])
}

async fn count<T: Transport>(c: &T) -> i64 {
    c.raw("SELECT COUNT(*) AS n FROM items").await.unwrap()[0]["n"]
        .as_i64()
        .unwrap()
}

async fn dml_search_and_index_maintenance<T: Transport>(c: &T) {
    assert!(!c.exists("items").await.unwrap());
    let (table, vidx) = items_table();
    c.create(table, Some(&vidx), &[]).await.unwrap();
    assert!(c.exists("items").await.unwrap());

    assert_eq!(c.insert("items", &item_rows()).await.unwrap(), 15);
    // REPLACE of an existing key: the server counts the delete and the insert.
    let replaced = json!({ "id": 3, "embedding": [0.7, 0.3, 0.5], "tag": "again" });
    assert_eq!(c.upsert("items", &[replaced]).await.unwrap(), 2);
    let got = c.get("items", &[json!(3)], None).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["tag"], json!("again"));
    let v: Vec<f64> = got[0]["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!(
        (v[0] - 0.7).abs() < 1e-6 && (v[2] - 0.5).abs() < 1e-6,
        "{v:?}"
    );

    let values = Map::from_iter([("tag".to_string(), json!("low"))]);
    let low = Filter::expr(sql::<Bool>("id < 3"));
    assert_eq!(c.update("items", &values, Some(low)).await.unwrap(), 3);
    let got = c
        .get("items", &[], Some(Filter::expr(sql::<Bool>("tag = 'low'"))))
        .await
        .unwrap();
    assert_eq!(ids(&got), vec![0, 1, 2]);
    // No filter: refused, nothing rewritten.
    let err = c.update("items", &values, None).await.unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");

    assert_eq!(ids(&c.ann(search()).await.unwrap()), NEAR);
    let exact = c.precise(search()).await.unwrap();
    assert_eq!(ids(&exact), NEAR);
    assert!(
        exact.iter().all(|r| r["distance"].as_f64() == Some(0.0)),
        "{exact:?}"
    );
    assert_eq!(ids(&c.post_ann(search()).await.unwrap()), NEAR);
    let plan = c.explain_ann(search()).await.unwrap();
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
    let plan = c.explain_post_ann(search()).await.unwrap();
    assert!(!plan.is_empty() && !plan.contains("APPROXIMATE"), "{plan}");
    assert_eq!(
        c.ann_sql(search()).await.unwrap(),
        "SELECT `id`, l2_distance(`embedding`, ?) AS `distance` FROM `items` \
         ORDER BY l2_distance(`embedding`, ?) APPROXIMATE LIMIT ?"
    );

    assert_eq!(c.delete("items", &[json!(10), json!(11)]).await.unwrap(), 2);
    assert_eq!(count(c).await, 13);
    assert_eq!(ids(&c.ann(search()).await.unwrap()).len(), 5);

    c.refresh("items", "vidx").await.unwrap();
    c.rebuild("items", "vidx", 0.2).await.unwrap();
    let err = c.rebuild("items", "nosuch", 0.2).await.unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");

    c.set_ef(77).await.unwrap();
    assert_eq!(c.get_ef().await.unwrap(), 77);
    assert_eq!(ids(&c.ann(search()).await.unwrap()).len(), 5);
}
on_both!(
    dml_search_and_index_maintenance,
    dml_search_blocking,
    dml_search_async
);

async fn server_errors_carry_their_errno<T: Transport>(c: &T) {
    let (table, vidx) = items_table();
    c.create(table.clone(), Some(&vidx), &[]).await.unwrap();
    c.insert("items", &item_rows()).await.unwrap();

    let err = c
        .insert("items", &[json!({ "id": 1, "embedding": [1, 1, 1] })])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ServerErrorKind::DuplicateKey), "{err:?}");
    assert_eq!(err.code(), Some(1062), "{err:?}");

    let err = c.create(table, None, &[]).await.unwrap_err();
    assert_eq!(err.kind(), Some(ServerErrorKind::TableExists), "{err:?}");

    // A batch whose second row fails: the errno survives the rollback, no row stays.
    let before = count(c).await;
    let rows = [
        json!({ "id": 500, "embedding": [1, 1, 1] }),
        json!({ "id": 0, "embedding": [1, 1, 1] }),
    ];
    let err = c.insert("items", &rows).await.unwrap_err();
    assert_eq!(err.kind(), Some(ServerErrorKind::DuplicateKey), "{err:?}");
    assert_eq!(count(c).await, before);

    let err = c.raw("SELEC 1").await.unwrap_err();
    assert_eq!(err.kind(), Some(ServerErrorKind::Syntax), "{err:?}");

    // Client-side refusals never reach the server.
    let err = c.get("nosuch", &[json!(1)], None).await.unwrap_err();
    assert!(matches!(err, Error::CollectionNotFound { .. }), "{err:?}");
    let err = c
        .insert("items", &[json!({ "id": 900, "embedding": [1, 2] })])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Dimension {
                expected: 3,
                actual: 2
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(c).await, before);
}
on_both!(server_errors_carry_their_errno, errno_blocking, errno_async);

async fn hybrid_raw_and_sql<T: Transport>(c: &T) {
    let mut vidx = IndexParams::new();
    vidx.add_index("embedding", "HNSW", "vidx", json!({ "metric_type": "L2" }))
        .unwrap();
    let table = CreateTable::new("docs")
        .column(Column::new("doc_id", ColumnType::BigInt))
        .column(Column::new("body", ColumnType::Varchar(255)))
        .column(Column::new("embedding", ColumnType::Vector(3)))
        .organization(Organization::Heap);
    c.create(
        table,
        Some(&vidx),
        &[FullTextIndex::new("ft_body", ["body"])],
    )
    .await
    .unwrap();
    let rows = [
        json!({ "doc_id": 1, "body": "rust database client", "embedding": [1, 0, 0] }),
        json!({ "doc_id": 2, "body": "cooking with garlic", "embedding": [0, 0, 1] }),
    ];
    c.insert("docs", &rows).await.unwrap();
    let body = json!({ "query": { "match": { "body": "garlic" } }, "_source": ["doc_id"] });
    // Heap tables index new rows asynchronously (0.1-0.3 s).
    let mut hits = Vec::new();
    for _ in 0..40 {
        hits = c.hybrid_raw("docs", &body).await.unwrap();
        if !hits.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["doc_id"], 2);

    let search = HybridSearch::new()
        .query(SearchQuery::query_string(["body"], "database"))
        .knn(Knn::new("embedding", 2, vec![0.0, 0.0, 1.0]));
    let sql = c.hybrid_sql("docs", &search).await.unwrap();
    assert!(sql.to_lowercase().contains("l2_distance"), "{sql}");
}
on_both!(hybrid_raw_and_sql, hybrid_blocking, hybrid_async);

/// Pools: settings come from the pool's checkout, whatever a borrower changed.
mod pools {
    use super::*;
    use diesel::r2d2::Pool;
    use diesel_seekdb::{SessionManager, SessionSettings};

    #[tokio::test]
    async fn session_manager_pool_settings_hold_in_client_calls() {
        let db = TestDb::new("cs_sess_pool");
        let settings = SessionSettings::new().ef_search(120);
        let pool = Pool::builder()
            .max_size(1)
            .build(SessionManager::new(db.url.clone(), settings).unwrap())
            .unwrap();
        {
            // A borrower changes the session of the pool's only connection.
            let mut conn = pool.get().unwrap();
            diesel_seekdb::set_ef_search(&mut *conn, 7).unwrap();
            assert_eq!(diesel_seekdb::ef_search(&mut *conn).unwrap(), 7);
        }
        let c = Blocking(ObVecClient::from_session_pool(pool.clone()));
        // The client sent no SET of its own: the checkout restored the manager's value.
        assert_eq!(c.get_ef().await.unwrap(), 120);
        dml_search_and_index_maintenance(&c).await;
        // The client's own setting travels on each checkout after the manager's.
        assert_eq!(c.get_ef().await.unwrap(), 77);
    }

    #[tokio::test]
    async fn async_session_pool_settings_hold_in_client_calls() {
        let db = TestDb::new("cs_async_pool");
        let settings = SessionSettings::new().ef_search(130);
        let pool = AsyncObVecClient::session_pool(&db.url, 1, settings)
            .await
            .unwrap();
        {
            let mut conn = pool.get().await.unwrap();
            use diesel_async::SimpleAsyncConnection;
            conn.batch_execute("SET @@ob_hnsw_ef_search = 9")
                .await
                .unwrap();
        }
        let c = Async(AsyncObVecClient::from_pool(pool));
        assert_eq!(c.get_ef().await.unwrap(), 130);
        dml_search_and_index_maintenance(&c).await;
    }

    #[tokio::test]
    async fn connect_pool_applies_client_settings_at_checkout() {
        let db = TestDb::new("cs_conn_pool");
        let c = AsyncObVecClient::connect_pool(&db.url, 2).await.unwrap();
        c.set_ef_search(140).await.unwrap();
        for _ in 0..4 {
            assert_eq!(c.ef_search().await.unwrap(), 140);
        }
        {
            let mut conn = c.connection().await.unwrap();
            use diesel_async::SimpleAsyncConnection;
            conn.batch_execute("SET @@ob_hnsw_ef_search = 11")
                .await
                .unwrap();
        }
        for _ in 0..4 {
            assert_eq!(c.ef_search().await.unwrap(), 140);
        }
    }
}
