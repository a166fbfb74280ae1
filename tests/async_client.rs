//! The vector type, the search DSL and `AsyncObVecClient` through diesel-async's
//! `AsyncMysqlConnection` (pure-Rust mysql_async driver) against a real seekdb server.

use std::sync::Arc;

use diesel::deserialize::{self, QueryableByName};
use diesel::mysql::{Mysql, MysqlType};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::row::{Field, NamedRow, Row};
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text, Untyped};
use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};
use diesel_seekdb::client::{AnnSearch, Distance, Filter};
use diesel_seekdb::ddl::{Column, ColumnType, CreateTable};
use diesel_seekdb::milvus::IndexParams;
use diesel_seekdb::prelude::*;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    docs (id) {
        id -> Integer,
        embedding -> Vector,
        meta -> Nullable<Json>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::{Array, Sparsevector, Vector};
    mixed (id) {
        id -> Integer,
        maybe -> Nullable<Vector>,
        sp -> Nullable<Sparsevector>,
        tags -> Nullable<Array>,
    }
}

#[derive(Insertable, Queryable, Selectable, Debug, PartialEq)]
#[diesel(table_name = docs)]
struct Doc {
    id: i32,
    embedding: Vector,
    meta: Option<serde_json::Value>,
}

const DS_NEAR: [i32; 5] = [10, 11, 12, 111, 112];
const FAR: [f32; 3] = [0.748479, 0.276979, 0.555195];

async fn connect(db: &TestDb) -> AsyncMysqlConnection {
    AsyncMysqlConnection::establish(&db.url).await.unwrap()
}

async fn create_docs(conn: &mut AsyncMysqlConnection, distance: &str) {
    conn.batch_execute(&format!(
        "CREATE TABLE docs (id INT PRIMARY KEY, embedding VECTOR(3) NOT NULL, meta JSON, \
         VECTOR INDEX vidx(embedding) WITH (distance={distance}, type=hnsw, lib=vsag))"
    ))
    .await
    .unwrap();
}

/// pyobvector's dataset: ids 0-9 share one vector, 10,11,12,111,112 share another.
async fn insert_ds(conn: &mut AsyncMysqlConnection, far: [f32; 3], near: [f32; 3]) -> usize {
    let rows: Vec<Doc> = (0..10)
        .map(|id| (id, far))
        .chain(DS_NEAR.iter().map(|&id| (id, near)))
        .map(|(id, v)| Doc {
            id,
            embedding: Vector::from(v),
            meta: Some(json!({ "page": id % 4 })),
        })
        .collect();
    diesel::insert_into(docs::table)
        .values(&rows)
        .execute(conn)
        .await
        .unwrap()
}

fn sorted(mut ids: Vec<i32>) -> Vec<i32> {
    ids.sort_unstable();
    ids
}

/// `EXPLAIN <query>` with the query's own bind parameters.
struct Explain<Q>(Q);

impl<Q: QueryFragment<Mysql>> QueryFragment<Mysql> for Explain<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        out.push_sql("EXPLAIN ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Explain<Q> {
    type SqlType = Untyped;
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "Query Plan")]
    line: String,
}

async fn explain<Q>(conn: &mut AsyncMysqlConnection, query: Q) -> String
where
    Q: QueryFragment<Mysql> + Send + 'static,
{
    let lines: Vec<PlanLine> = Explain(query).load(conn).await.unwrap();
    lines
        .into_iter()
        .map(|l| l.line)
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-5 * w.abs().max(1.0),
            "{got:?} vs {want:?}"
        );
    }
}

#[tokio::test]
async fn typed_vector_queries_run_through_async_mysql_connection() {
    let db = TestDb::new("async_dsl");
    let mut conn = connect(&db).await;
    create_docs(&mut conn, "l2").await;
    assert_eq!(insert_ds(&mut conn, FAR, [0.0; 3]).await, 15);

    // Queryable + Selectable: the vector comes back as written (to 6 digits).
    let three: Doc = docs::table
        .find(3)
        .select(Doc::as_select())
        .first(&mut conn)
        .await
        .unwrap();
    assert_close(three.embedding.as_slice(), &FAR);
    assert_eq!(three.meta, Some(json!({ "page": 3 })));

    let q = Vector::from(vec![0.0, 0.0, 0.0]);
    let query = docs::table
        .select((docs::id, docs::embedding.l2_distance(q.clone())))
        .order(docs::embedding.l2_distance(q.clone()).approximate())
        .limit(5);
    let rows: Vec<(i32, f64)> = query.clone().load(&mut conn).await.unwrap();
    assert_eq!(sorted(rows.iter().map(|r| r.0).collect()), DS_NEAR);
    assert!(rows.iter().all(|r| r.1 == 0.0), "{rows:?}");
    let far_distance = docs::table
        .find(0)
        .select(docs::embedding.l2_distance(q.clone()))
        .first::<f64>(&mut conn)
        .await
        .unwrap();
    let expected = FAR
        .iter()
        .map(|x| f64::from(*x).powi(2))
        .sum::<f64>()
        .sqrt();
    assert!((far_distance - expected).abs() < 1e-5, "{far_distance}");
    let plan = explain(&mut conn, query).await;
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");

    // sql_query + QueryableByName reads vector columns and binds a vector.
    #[derive(QueryableByName, Debug)]
    struct Row {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = VectorType)]
        embedding: Vector,
        #[diesel(sql_type = Double)]
        distance: f64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT id, embedding, l2_distance(embedding, ?) AS distance FROM docs \
         ORDER BY l2_distance(embedding, ?) APPROXIMATE LIMIT ?",
    )
    .bind::<VectorType, _>(Vector::from(FAR.to_vec()))
    .bind::<VectorType, _>(Vector::from(FAR.to_vec()))
    .bind::<BigInt, _>(3)
    .load(&mut conn)
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    for r in &rows {
        assert!(r.id < 10, "{r:?}");
        assert_close(r.embedding.as_slice(), &FAR);
        assert!(r.distance.abs() < 1e-6, "{r:?}");
    }

    // A filter keeps the index and still returns k rows.
    let filtered: Vec<i32> = docs::table
        .select(docs::id)
        .filter(docs::id.gt(10))
        .order(docs::embedding.l2_distance(q.clone()).approximate())
        .limit(3)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(sorted(filtered), vec![11, 12, 111]);
}

#[tokio::test]
async fn cosine_and_inner_product_indexes_are_used_through_async() {
    let db = TestDb::new("async_metric");
    let mut conn = connect(&db).await;

    create_docs(&mut conn, "inner_product").await;
    insert_ds(&mut conn, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]).await;
    let q = Vector::from(vec![0.0, 0.0, 1.0]);
    let query = docs::table
        .select((docs::id, docs::embedding.inner_product(q.clone())))
        .order(
            docs::embedding
                .negative_inner_product(q.clone())
                .approximate(),
        )
        .limit(5);
    let rows: Vec<(i32, f64)> = query.clone().load(&mut conn).await.unwrap();
    assert_eq!(sorted(rows.iter().map(|r| r.0).collect()), DS_NEAR);
    assert!(rows.iter().all(|r| (r.1 - 1.0).abs() < 1e-9), "{rows:?}");
    let plan = explain(&mut conn, query).await;
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");

    conn.batch_execute("DROP TABLE docs").await.unwrap();
    create_docs(&mut conn, "cosine").await;
    insert_ds(&mut conn, [1.0, 0.0, 0.0], [0.0, 0.5, 0.5]).await;
    let q = Vector::from(vec![0.0, 1.0, 1.0]);
    let query = docs::table
        .select((docs::id, docs::embedding.cosine_distance(q.clone())))
        .order(docs::embedding.cosine_distance(q.clone()).approximate())
        .limit(5);
    let rows: Vec<(i32, Option<f64>)> = query.clone().load(&mut conn).await.unwrap();
    assert_eq!(sorted(rows.iter().map(|r| r.0).collect()), DS_NEAR);
    assert!(
        rows.iter().all(|r| r.1.is_some_and(|d| d.abs() < 1e-6)),
        "{rows:?}"
    );
    let plan = explain(&mut conn, query).await;
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
}

/// Every field's name and the type diesel-async reports for it (None for NULL).
struct Types(Vec<(String, Option<MysqlType>)>);

impl QueryableByName<Mysql> for Types {
    fn build<'a>(row: &impl NamedRow<'a, Mysql>) -> deserialize::Result<Self> {
        let mut out = Vec::new();
        for i in 0..row.field_count() {
            if let Some(field) = Row::get(row, i) {
                out.push((
                    field.field_name().unwrap_or_default().to_string(),
                    field.value().map(|v| v.value_type()),
                ));
            }
        }
        Ok(Types(out))
    }
}

#[tokio::test]
async fn sparse_array_and_nullable_vectors_read_through_async() {
    let db = TestDb::new("async_types");
    let mut conn = connect(&db).await;
    conn.batch_execute(
        "CREATE TABLE mixed (id INT PRIMARY KEY, maybe VECTOR(3), sp SPARSEVECTOR, \
         tags ARRAY(VARCHAR(20)))",
    )
    .await
    .unwrap();
    let sp = SparseVector::from_pairs([(1, 0.5), (3, 1.25), (400_000, -1.5)]).unwrap();
    diesel::insert_into(mixed::table)
        .values(&vec![
            (
                mixed::id.eq(1),
                mixed::maybe.eq(Some(Vector::from(vec![1.5, -2.0, 0.25]))),
                mixed::sp.eq(Some(sp.clone())),
            ),
            (mixed::id.eq(2), mixed::maybe.eq(None), mixed::sp.eq(None)),
        ])
        .execute(&mut conn)
        .await
        .unwrap();
    conn.batch_execute(r#"UPDATE mixed SET tags = '["a","b"]' WHERE id = 1"#)
        .await
        .unwrap();

    let back: Vec<(i32, Option<Vector>, Option<SparseVector>)> = mixed::table
        .select((mixed::id, mixed::maybe, mixed::sp))
        .order(mixed::id)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(back.len(), 2);
    assert_close(back[0].1.as_ref().unwrap().as_slice(), &[1.5, -2.0, 0.25]);
    assert_eq!(back[0].2.as_ref(), Some(&sp));
    assert_eq!((back[1].1.as_ref(), back[1].2.as_ref()), (None, None));

    // A NULL vector gives a NULL distance; sparse inner product matches the client's.
    let scores: Vec<(i32, Option<f64>, Option<f64>)> = mixed::table
        .select((
            mixed::id,
            mixed::maybe.l2_distance(Vector::from(vec![1.5, -2.0, 0.25])),
            mixed::sp.inner_product(sp.clone()),
        ))
        .order(mixed::id)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(scores[0].1, Some(0.0));
    assert!(
        (scores[0].2.unwrap() - sp.dot(&sp)).abs() < 1e-3,
        "{scores:?}"
    );
    assert_eq!((scores[1].1, scores[1].2), (None, None));

    // What mysql_async reports: seekdb sends VECTOR, SPARSEVECTOR and ARRAY as
    // MYSQL_TYPE_STRING with the binary flag (a blob to Diesel), distances as DOUBLE,
    // JSON as JSON (a string to Diesel); none takes diesel-async's unsupported-type path.
    let types: Vec<Types> = diesel::sql_query(
        "SELECT maybe, sp, tags, l2_distance(maybe, '[0,0,0]') AS d, \
         cosine_distance(maybe, '[1,1,1]') AS c, inner_product(sp, '{1:1}') AS ip, \
         vector_dims(maybe) AS dims, JSON_OBJECT('a', 1) AS j, NULL AS n \
         FROM mixed WHERE id = 1",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let types: std::collections::HashMap<_, _> = types[0].0.iter().cloned().collect();
    for column in ["maybe", "sp", "tags"] {
        assert_eq!(types[column], Some(MysqlType::Blob), "{column}: {types:?}");
    }
    assert_eq!(types["d"], Some(MysqlType::Double), "{types:?}");
    assert_eq!(types["c"], Some(MysqlType::Double), "{types:?}");
    assert_eq!(types["ip"], Some(MysqlType::Double), "{types:?}");
    assert!(
        matches!(types["dims"], Some(MysqlType::LongLong | MysqlType::Long)),
        "{types:?}"
    );
    assert_eq!(types["j"], Some(MysqlType::String), "{types:?}");
    assert_eq!(types["n"], None, "{types:?}");

    // The JSON-row reader behind the client handles all of them.
    let c = AsyncObVecClient::from_connection(conn);
    let rows = c
        .get("mixed", &[json!(1), json!(2)], None, &[], &[])
        .await
        .unwrap();
    assert_eq!(rows[0]["maybe"], json!([1.5, -2.0, 0.25]));
    assert_eq!(rows[0]["tags"], json!(["a", "b"]));
    assert_eq!(rows[1]["maybe"], Value::Null);
    assert!(
        rows[0]["sp"].is_object() || rows[0]["sp"].is_string(),
        "{rows:?}"
    );
}

async fn docs_count(conn: &mut AsyncMysqlConnection) -> i64 {
    docs::table.count().get_result(conn).await.unwrap()
}

#[tokio::test]
async fn bad_vectors_are_typed_errors_through_async() {
    let db = TestDb::new("async_bad");
    let mut conn = connect(&db).await;
    create_docs(&mut conn, "l2").await;
    insert_ds(&mut conn, FAR, [0.0; 3]).await;
    let before = docs_count(&mut conn).await;

    for bad in [f32::NAN, f32::INFINITY] {
        let err = diesel::insert_into(docs::table)
            .values(&Doc {
                id: 600,
                embedding: Vector::from(vec![1.0, bad, 0.0]),
                meta: None,
            })
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert!(
            matches!(err, diesel::result::Error::SerializationError(_)),
            "{err:?}"
        );
        assert!(matches!(Error::from(err), Error::Validation { .. }));
    }
    let err = diesel::insert_into(docs::table)
        .values(&Doc {
            id: 601,
            embedding: Vector::from(vec![1.0, 2.0]),
            meta: None,
        })
        .execute(&mut conn)
        .await
        .unwrap_err();
    let err = Error::from(err);
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
    let err = docs::table
        .select(docs::id)
        .order(
            docs::embedding
                .l2_distance(Vector::from(vec![f32::NAN, 0.0, 0.0]))
                .approximate(),
        )
        .limit(3)
        .load::<i32>(&mut conn)
        .await
        .unwrap_err();
    assert!(matches!(Error::from(err), Error::Validation { .. }));

    // A vector column that holds text that is not a vector is a decode error, not a panic.
    #[derive(QueryableByName, Debug)]
    struct NotAVector {
        #[allow(dead_code)]
        #[diesel(sql_type = Nullable<VectorType>)]
        v: Option<Vector>,
    }
    let err = diesel::sql_query("SELECT 'not a vector' AS v")
        .load::<NotAVector>(&mut conn)
        .await
        .unwrap_err();
    assert!(
        matches!(err, diesel::result::Error::DeserializationError(_)),
        "{err:?}"
    );
    assert_eq!(docs_count(&mut conn).await, before);
}

fn ds_rows(far: [f32; 3], near: [f32; 3]) -> Vec<Value> {
    (0..10)
        .map(|id| json!({ "id": id, "embedding": far, "meta": { "page": id % 4 } }))
        .chain(
            DS_NEAR
                .iter()
                .map(|&id| json!({ "id": id, "embedding": near, "meta": null })),
        )
        .collect()
}

fn ds_table(name: &str) -> CreateTable {
    CreateTable::new(name)
        .column(Column::new("id", ColumnType::BigInt).primary_key())
        .column(Column::new("embedding", ColumnType::Vector(3)))
        .column(Column::new("meta", ColumnType::Json))
}

fn l2_index() -> IndexParams {
    let mut params = IndexParams::new();
    params
        .add_index("embedding", "HNSW", "vidx", json!({ "metric_type": "L2" }))
        .unwrap();
    params
}

fn ids(rows: &[serde_json::Map<String, Value>]) -> Vec<i32> {
    sorted(
        rows.iter()
            .map(|r| i32::try_from(r["id"].as_i64().unwrap()).unwrap())
            .collect(),
    )
}

async fn count(c: &AsyncObVecClient, table: &str) -> i64 {
    c.raw_sql(&format!("SELECT COUNT(*) AS n FROM `{table}`"))
        .await
        .unwrap()[0]["n"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn async_client_ds_top5_dml_and_index_maintenance() {
    let db = TestDb::new("async_obv");
    let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
    assert!(!c.table_exists("items").await.unwrap());
    c.create_table_with_indexes(ds_table("items"), Some(&l2_index()), &[])
        .await
        .unwrap();
    assert!(c.table_exists("items").await.unwrap());
    assert_eq!(
        c.insert("items", &ds_rows(FAR, [0.0; 3]), None)
            .await
            .unwrap(),
        15
    );

    let search = || {
        AnnSearch::new("items", "embedding", vec![0.0, 0.0, 0.0])
            .distance(Distance::L2)
            .with_dist(true)
            .topk(5)
            .output_columns(["id"])
    };
    let rows = c.ann_search(search()).await.unwrap();
    assert_eq!(ids(&rows), DS_NEAR);
    assert!(
        rows.iter().all(|r| r["distance"].as_f64() == Some(0.0)),
        "{rows:?}"
    );
    let plan = c.explain_ann_search(search()).await.unwrap();
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
    // The same builder gives the same SQL as the blocking client.
    let sync = ObVecClient::from_url(&db.url).unwrap();
    assert_eq!(
        c.ann_search_sql(search()).await.unwrap(),
        sync.ann_search_sql(search()).unwrap()
    );
    assert_eq!(
        sync.ann_search(search()).unwrap(),
        rows,
        "both clients return the same rows"
    );

    #[derive(QueryableByName, Debug)]
    struct Hit {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Double)]
        distance: f64,
    }
    let hits: Vec<Hit> = c.ann_search_as(search()).await.unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits
        .iter()
        .all(|h| DS_NEAR.contains(&(h.id as i32)) && h.distance == 0.0));
    let exact = c.precise_search(search().topk(7)).await.unwrap();
    assert_eq!(exact.len(), 7);
    assert!(exact[..5]
        .iter()
        .all(|r| r["distance"].as_f64() == Some(0.0)));

    // get: vectors as numbers, JSON as JSON.
    let rows = c.get("items", &[json!(3)], None, &[], &[]).await.unwrap();
    assert_eq!(rows[0]["meta"], json!({ "page": 3 }));
    let v: Vec<f32> = rows[0]["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect();
    assert_close(&v, &FAR);

    // upsert replaces, update changes, delete by id and by filter.
    c.upsert(
        "items",
        &[json!({ "id": 3, "embedding": [0, 0, 0], "meta": { "page": 99 } })],
        None,
    )
    .await
    .unwrap();
    let rows = c.ann_search(search().topk(6)).await.unwrap();
    assert_eq!(ids(&rows), vec![3, 10, 11, 12, 111, 112]);
    let mut values = serde_json::Map::new();
    values.insert("meta".into(), json!({ "page": 7 }));
    let changed = c
        .update(
            "items",
            &values,
            Some(Filter::expr(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "id < 2",
            ))),
            None,
        )
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let rows = c
        .get("items", &[json!(1)], None, &["meta"], &[])
        .await
        .unwrap();
    assert_eq!(rows[0]["meta"], json!({ "page": 7 }));
    assert_eq!(
        c.delete("items", &[json!(3), json!(4)], None, None)
            .await
            .unwrap(),
        2
    );
    // Neither ids nor a filter: refused (delete_all_rows is the opt-in).
    assert!(matches!(
        c.delete("items", &[], None, None).await,
        Err(Error::Validation { .. })
    ));
    assert_eq!(count(&c, "items").await, 13);

    // Session settings and index maintenance.
    c.set_ef_search(100).await.unwrap();
    assert_eq!(c.ef_search().await.unwrap(), 100);
    assert!(matches!(
        c.set_ef_search(0).await,
        Err(Error::Validation { .. })
    ));
    c.refresh_index("items", "vidx", 10000).await.unwrap();
    c.rebuild_index("items", "vidx", 0.2).await.unwrap();
    assert!(matches!(
        c.rebuild_index("items", "nosuch", 0.2).await,
        Err(Error::Validation { .. })
    ));
    assert_eq!(ids(&c.ann_search(search()).await.unwrap()), DS_NEAR);

    // create_index with pyobvector's vidx_params after dropping the first index.
    c.drop_index("items", "vidx").await.unwrap();
    assert!(c
        .table_info("items")
        .await
        .unwrap()
        .vector_index_on("embedding")
        .is_none());
    c.create_index(
        "items",
        true,
        "vidx2",
        &["embedding"],
        Some("distance=l2, type=hnsw, lib=vsag, m=16"),
    )
    .await
    .unwrap();
    assert!(c
        .explain_ann_search(search())
        .await
        .unwrap()
        .contains("VECTOR INDEX SCAN"));
    assert_eq!(ids(&c.ann_search(search()).await.unwrap()), DS_NEAR);

    c.drop_table("items").await.unwrap();
    assert!(!c.table_exists("items").await.unwrap());
}

#[tokio::test]
async fn async_client_bad_input_is_typed_and_batches_are_atomic() {
    let db = TestDb::new("async_obv_bad");
    let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
    c.create_table_with_indexes(ds_table("items"), Some(&l2_index()), &[])
        .await
        .unwrap();
    c.insert("items", &ds_rows(FAR, [0.0; 3]), None)
        .await
        .unwrap();
    let before = count(&c, "items").await;

    let err = c
        .insert("items", &[json!({ "id": 900, "embedding": [1, 2] })], None)
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
    let err = c
        .insert("nosuch", &[json!({ "id": 1 })], None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CollectionNotFound { .. }), "{err:?}");

    // A server-side failure in the last chunk of a 2500-row batch writes nothing.
    let mut batch: Vec<Value> = (1000..3500)
        .map(|id| json!({ "id": id, "embedding": [0.5, 0.5, 0.5] }))
        .collect();
    batch[2400] = json!({ "id": 1000, "embedding": [0.5, 0.5, 0.5] });
    let err = c.insert("items", &batch, None).await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    assert_eq!(count(&c, "items").await, before);
    // ... and the same batch without the duplicate is written whole.
    batch[2400] = json!({ "id": 3400, "embedding": [0.5, 0.5, 0.5] });
    assert_eq!(c.insert("items", &batch, None).await.unwrap(), 2500);
    assert_eq!(count(&c, "items").await, before + 2500);

    let nan = AnnSearch::new("items", "embedding", vec![f32::NAN, 0.0, 0.0]);
    assert!(matches!(
        c.ann_search(nan).await,
        Err(Error::Validation { .. })
    ));
    let short = AnnSearch::new("items", "embedding", vec![0.0, 0.0]);
    assert!(matches!(
        c.ann_search(short).await,
        Err(Error::Dimension {
            expected: 3,
            actual: 2
        })
    ));
    let err = c.raw_sql("SELECT * FROM nosuch").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Database { .. } | Error::CollectionNotFound { .. }
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_searches_through_a_pool() {
    let db = TestDb::new("async_pool");
    let pool = AsyncObVecClient::pool(&db.url, 4).await.unwrap();
    let c = Arc::new(AsyncObVecClient::from_pool(pool));
    c.create_table_with_indexes(ds_table("items"), Some(&l2_index()), &[])
        .await
        .unwrap();
    c.insert("items", &ds_rows(FAR, [0.0; 3]), None)
        .await
        .unwrap();
    c.set_ef_search(123).await.unwrap();

    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let c = Arc::clone(&c);
            tokio::spawn(async move {
                // Half search near the DS cluster, half near the far one.
                let (query, want_near) = if i % 2 == 0 {
                    (vec![0.0, 0.0, 0.0], true)
                } else {
                    (FAR.to_vec(), false)
                };
                let rows = c
                    .ann_search(
                        AnnSearch::new("items", "embedding", query)
                            .with_dist(true)
                            .topk(5)
                            .output_columns(["id"]),
                    )
                    .await
                    .unwrap();
                let ef = c.ef_search().await.unwrap();
                (ids(&rows), want_near, ef)
            })
        })
        .collect();
    for task in tasks {
        let (got, want_near, ef) = task.await.unwrap();
        if want_near {
            assert_eq!(got, DS_NEAR);
        } else {
            assert!(got.iter().all(|id| *id < 10), "{got:?}");
        }
        assert_eq!(ef, 123, "session settings applied on every checkout");
    }
}

#[tokio::test]
async fn result_types_diesel_async_cannot_read_are_errors_not_panics() {
    let db = TestDb::new("async_geo");
    let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
    c.raw_sql(
        "CREATE TABLE places (id INT PRIMARY KEY, name VARCHAR(20), g GEOMETRY, \
         embedding VECTOR(3))",
    )
    .await
    .unwrap();
    c.raw_sql(
        "INSERT INTO places VALUES (1, 'a', ST_GeomFromText('POINT(1 1)'), '[1,2,3]'), \
         (2, 'b', ST_GeomFromText('POINT(2 2)'), '[4,5,6]')",
    )
    .await
    .unwrap();
    // diesel-async has no mapping for MYSQL_TYPE_GEOMETRY and panics on it; the JSON
    // row reader turns that into an error naming the column.
    let err = c
        .raw_sql("SELECT id, g FROM places ORDER BY id")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("column `g`"), "{err}");
    let err = c.get("places", &[], None, &[], &[]).await.unwrap_err();
    assert!(err.to_string().contains("ST_AsText"), "{err}");
    // The connection is still usable, and the column reads as text.
    let rows = c
        .raw_sql("SELECT id, ST_AsText(g) AS g FROM places ORDER BY id")
        .await
        .unwrap();
    assert_eq!(rows[1]["g"], json!("POINT(2 2)"));
    let rows = c
        .get("places", &[json!(2)], None, &["name", "embedding"], &[])
        .await
        .unwrap();
    assert_eq!(rows[0]["embedding"], json!([4.0, 5.0, 6.0]));
}

/// pyobvector's method names (the `client::compat` layer) on the async client run the
/// same operations as the Rust names.
#[tokio::test]
async fn async_pyobvector_names_work_through_the_compatibility_layer() {
    use diesel_seekdb::ddl::FullTextIndex;
    use diesel_seekdb::milvus::IndexParam;
    let db = TestDb::new("async_obv_compat");
    let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
    assert!(!c.check_table_exists("docs").await.unwrap());
    let table = CreateTable::new("docs")
        .column(Column::new("id", ColumnType::BigInt).primary_key())
        .column(Column::new("body", ColumnType::Varchar(255)))
        .column(Column::new("embedding", ColumnType::Vector(3)));
    c.create_table_with_index_params(table, None, &[])
        .await
        .unwrap();
    assert!(c.check_table_exists("docs").await.unwrap());
    assert!(c.table_exists("docs").await.unwrap());

    let param = IndexParam::new("vidx", "embedding", "HNSW").metric_type("L2");
    c.create_vidx_with_vec_index_param("docs", &param)
        .await
        .unwrap();
    let info = c.table_info("docs").await.unwrap();
    let vidx = info.vector_index_on("embedding").unwrap();
    assert_eq!(
        (vidx.name.as_str(), vidx.distance.as_deref()),
        ("vidx", Some("L2"))
    );
    c.create_fts_idx_with_fts_index_param("docs", &FullTextIndex::new("ft_body", ["body"]))
        .await
        .unwrap();
    let info = c.table_info("docs").await.unwrap();
    assert!(info
        .indexes
        .iter()
        .any(|i| i.name == "ft_body" && i.index_type == "FULLTEXT"));

    c.set_ob_hnsw_ef_search(77).await.unwrap();
    assert_eq!(c.get_ob_hnsw_ef_search().await.unwrap(), 77);
    assert_eq!(c.ef_search().await.unwrap(), 77);

    c.insert(
        "docs",
        &[json!({ "id": 1, "body": "rust client", "embedding": [1, 0, 0] })],
        None,
    )
    .await
    .unwrap();
    let rows = c
        .perform_raw_text_sql("SELECT COUNT(*) AS n FROM docs")
        .await
        .unwrap();
    assert_eq!(rows[0]["n"].as_i64(), Some(1));
    assert_eq!(
        rows,
        c.raw_sql("SELECT COUNT(*) AS n FROM docs").await.unwrap()
    );

    c.drop_table_if_exist("docs").await.unwrap();
    assert!(!c.check_table_exists("docs").await.unwrap());
    // `IF EXISTS`: dropping a missing table is not an error.
    c.drop_table_if_exist("docs").await.unwrap();
}
