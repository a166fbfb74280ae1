//! A new user's first hour with diesel-seekdb (session 5), written from the README only
//! and checked against the real server: the Milvus-style client end to end with an exact
//! brute-force top-k, the partitioned layout from "Filtered search" through the derive,
//! async parity for bulk loading and index upkeep, and the bad input a new user hits
//! (each must be a typed error, never a panic, never a silent empty result).

use diesel_seekdb::ddl::partition::{Partition, PartitionDef};
use diesel_seekdb::milvus::{DataType, FieldSchema, MilvusFilter, MilvusLikeClient, SearchRequest};
use diesel_seekdb::Error;
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

const DIM: usize = 4;

/// A deterministic vector per seed (an LCG): no ties among distances.
fn vector(seed: u64) -> Vec<f32> {
    let mut x = seed
        .wrapping_mul(2862933555777941757)
        .wrapping_add(3037000493);
    (0..DIM)
        .map(|_| {
            x = x.wrapping_mul(2862933555777941757).wrapping_add(3037000493);
            ((x >> 33) as f64 / (1u64 << 31) as f64) as f32
        })
        .collect()
}

fn l2(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The exact top-k ids (and distances) among `rows` (id, vector) that pass `keep`.
fn brute_force(
    rows: &[(i64, Vec<f32>)],
    q: &[f32],
    k: usize,
    keep: impl Fn(i64) -> bool,
) -> Vec<(i64, f64)> {
    let mut all: Vec<(i64, f64)> = rows
        .iter()
        .filter(|(id, _)| keep(*id))
        .map(|(id, v)| (*id, l2(v, q)))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    all.truncate(k);
    all
}

fn hit_ids(hits: &[diesel_seekdb::milvus::Hit]) -> Vec<i64> {
    hits.iter().map(|h| h.id.as_i64().unwrap()).collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

// ---------------------------------------------------------------------------------
// 1. Milvus-style end to end
// ---------------------------------------------------------------------------------

const MN: i64 = 80;

/// cat = id % 4, meta = {"tag": "a" for even ids else "b", "n": id}
fn milvus_row(id: i64) -> Value {
    json!({
        "id": id,
        "embedding": vector(id as u64),
        "cat": id % 4,
        "meta": { "tag": if id % 2 == 0 { "a" } else { "b" }, "n": id },
    })
}

fn create_docs(c: &MilvusLikeClient, name: &str, partitioned: bool) {
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(DIM as u32))
        .add_field(FieldSchema::new("cat", DataType::Int64))
        .add_field(FieldSchema::new("meta", DataType::Json).nullable(true));
    if partitioned {
        schema.partitions(
            Partition::range("id")
                .partition(PartitionDef::less_than("p_low", 1000))
                .partition(PartitionDef::less_than("p_high", 2000)),
        );
    }
    let mut index = MilvusLikeClient::prepare_index_params();
    index
        .add_index(
            "embedding",
            "HNSW",
            "vidx",
            json!({"metric_type": "L2", "params": {"M": 16, "efConstruction": 200}}),
        )
        .unwrap();
    c.create_collection(name, &schema, Some(&index)).unwrap();
}

#[test]
fn milvus_end_to_end_matches_brute_force() {
    let db = TestDb::new("s5_mv");
    let c = MilvusLikeClient::from_url(&db.url).unwrap();
    create_docs(&c, "docs", false);

    // has / list / describe
    assert!(c.has_collection("docs").unwrap());
    assert!(!c.has_collection("nope").unwrap());
    assert_eq!(c.list_collections().unwrap(), vec!["docs".to_string()]);
    let desc = c.describe_collection("docs").unwrap();
    let text = desc.to_string();
    assert!(
        text.contains("FloatVector") || text.contains("FLOAT_VECTOR"),
        "{desc}"
    );
    assert!(text.contains("L2") || text.contains("l2"), "{desc}");

    // insert
    let rows: Vec<Value> = (0..MN).map(milvus_row).collect();
    let res = c.insert("docs", &rows, None).unwrap();
    assert_eq!(res["insert_count"], MN);
    assert_eq!(c.get_collection_stats("docs").unwrap()["row_count"], MN);
    let mut vecs: Vec<(i64, Vec<f32>)> = (0..MN).map(|i| (i, vector(i as u64))).collect();

    // unfiltered search == brute force, with distances
    let q = vector(9_999);
    let k = 7;
    let hits = c
        .search(
            "docs",
            SearchRequest::new("embedding", vec![q.clone()])
                .limit(k)
                .search_params(json!({"metric_type": "L2", "params": {"ef": 200}}))
                .unwrap(),
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
    let exact = brute_force(&vecs, &q, k, |_| true);
    assert_eq!(
        hit_ids(&hits[0]),
        exact.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    for (h, e) in hits[0].iter().zip(&exact) {
        let d = h.distance.expect("a distance");
        assert!((d - e.1).abs() < 1e-4, "distance {d} vs exact {}", e.1);
    }

    // filtered search with output fields: scalar and JSON path
    let hits = c
        .search(
            "docs",
            SearchRequest::new("embedding", vec![q.clone()])
                .limit(k)
                .filter(r#"cat in [1, 2] and meta["n"] >= 10"#)
                .output_fields(["cat", "meta"]),
        )
        .unwrap();
    let exact = brute_force(&vecs, &q, k, |id| (id % 4 == 1 || id % 4 == 2) && id >= 10);
    assert_eq!(
        hit_ids(&hits[0]),
        exact.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    for h in &hits[0] {
        let id = h.id.as_i64().unwrap();
        assert_eq!(h.entity["cat"], json!(id % 4), "{h:?}");
        assert_eq!(h.entity["meta"]["n"], json!(id), "{h:?}");
        assert!(!h.entity.contains_key("embedding"), "{h:?}");
    }

    // query by filter
    let got = c
        .query(
            "docs",
            Some(r#"meta["tag"] == "a" and id < 10"#.into()),
            &["id", "cat"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(
        sorted(got.iter().map(|r| r["id"].as_i64().unwrap()).collect()),
        vec![0, 2, 4, 6, 8]
    );
    assert!(got.iter().all(|r| r["cat"].as_i64().unwrap() % 2 == 0));

    // get by ids
    let got = c
        .get(
            "docs",
            &[json!(3), json!(5), json!(500)],
            &["id", "meta"],
            &[],
        )
        .unwrap();
    assert_eq!(
        sorted(got.iter().map(|r| r["id"].as_i64().unwrap()).collect()),
        vec![3, 5]
    );
    assert_eq!(
        got.iter().find(|r| r["id"] == 3).unwrap()["meta"]["tag"],
        "b"
    );

    // upsert: move id 3 onto the query vector, add id 1000
    let up = c
        .upsert(
            "docs",
            &[
                json!({"id": 3, "embedding": q, "cat": 3, "meta": {"tag": "moved", "n": 3}}),
                json!({"id": 1000, "embedding": vector(1000), "cat": 0, "meta": null}),
            ],
            None,
        )
        .unwrap();
    assert_eq!(up["upsert_count"], 2);
    vecs[3].1 = q.clone();
    vecs.push((1000, vector(1000)));
    let hits = c
        .search(
            "docs",
            SearchRequest::new("embedding", vec![q.clone()])
                .limit(3)
                .output_fields(["meta"]),
        )
        .unwrap();
    assert_eq!(hits[0][0].id, json!(3));
    assert_eq!(hits[0][0].distance, Some(0.0));
    assert_eq!(hits[0][0].entity["meta"]["tag"], "moved");
    assert_eq!(c.get_collection_stats("docs").unwrap()["row_count"], MN + 1);

    // delete by filter
    let del = c
        .delete("docs", &[], Some(MilvusFilter::from("cat == 0")), None)
        .unwrap();
    // ids 0,4,...,76 (20 rows) and 1000
    assert_eq!(del["delete_count"], 21);
    let left = c
        .query("docs", Some("cat == 0".into()), &["id"], &[], None)
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let hits = c
        .search(
            "docs",
            SearchRequest::new("embedding", vec![q.clone()]).limit(k),
        )
        .unwrap();
    let exact = brute_force(&vecs, &q, k, |id| id != 1000 && id % 4 != 0);
    assert_eq!(
        hit_ids(&hits[0]),
        exact.iter().map(|e| e.0).collect::<Vec<_>>()
    );

    // drop
    c.drop_collection("docs").unwrap();
    assert!(!c.has_collection("docs").unwrap());
    assert!(c.list_collections().unwrap().is_empty());
}

/// pymilvus users create partitions by name (`create_partition`); seekdb partitions are
/// declared with the table (the schema's `partitions`, README "Filtered search"), so a
/// partitioned collection is declared up front, filled per partition and searched with
/// `partition_names`.
#[test]
fn milvus_partitions_insert_and_search() {
    let db = TestDb::new("s5_mvp");
    let c = MilvusLikeClient::from_url(&db.url).unwrap();
    create_docs(&c, "docs", true);
    let low: Vec<Value> = (0..40).map(milvus_row).collect();
    let high: Vec<Value> = (1000..1040).map(milvus_row).collect();
    c.insert("docs", &low, Some("p_low")).unwrap();
    c.insert("docs", &high, Some("p_high")).unwrap();
    // A row that does not belong to the named partition is refused by the server.
    let err = c.insert("docs", &[milvus_row(1500)], Some("p_low"));
    assert!(err.is_err(), "{err:?}");

    let vecs: Vec<(i64, Vec<f32>)> = (0..40)
        .chain(1000..1040)
        .map(|i| (i, vector(i as u64)))
        .collect();
    let q = vector(77);
    for (part, keep) in [
        ("p_low", (|id: i64| id < 1000) as fn(i64) -> bool),
        ("p_high", |id: i64| id >= 1000),
    ] {
        let hits = c
            .search(
                "docs",
                SearchRequest::new("embedding", vec![q.clone()])
                    .limit(5)
                    .partition_names([part])
                    .output_fields(["cat"]),
            )
            .unwrap();
        let exact = brute_force(&vecs, &q, 5, keep);
        assert_eq!(
            hit_ids(&hits[0]),
            exact.iter().map(|e| e.0).collect::<Vec<_>>(),
            "{part}"
        );
        // query and get scoped to the partition too
        let rows = c.query("docs", None, &["id"], &[part], None).unwrap();
        assert_eq!(rows.len(), 40, "{part}");
        assert!(rows.iter().all(|r| keep(r["id"].as_i64().unwrap())));
    }
    let got = c
        .get("docs", &[json!(1), json!(1001)], &["id"], &["p_high"])
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["id"], 1001);
    c.drop_collection("docs").unwrap();
}

// ---------------------------------------------------------------------------------
// 2. The partitioned layout from README "Filtered search", through the derive
// ---------------------------------------------------------------------------------

mod layout {
    use diesel::prelude::*;
    use diesel_seekdb::client::{AnnSearch, BulkLoadOptions, Distance};
    use diesel_seekdb::diesel_ext::{bulk_load_model, insert_rows};
    use diesel_seekdb::model::SeekdbTable;
    use diesel_seekdb::prelude::*;
    use diesel_seekdb::{ObVecClient, ServerErrorKind, Vector};
    use diesel_seekdb_derive::SeekdbTable;
    use diesel_seekdb_suite::TestDb;

    use super::{brute_force, vector};

    diesel::table! {
        use diesel::sql_types::*;
        use diesel_seekdb::sql_types::Vector;
        items (id, page) { id -> BigInt, page -> Integer, embedding -> Vector, }
    }

    #[derive(Queryable, Selectable, Insertable, SeekdbTable, serde::Serialize)]
    #[diesel(table_name = items, primary_key(id, page))]
    #[seekdb(partition(list(page), values_in(p0(0), p1(1), p2(2), p3(3), p4(4))))]
    pub struct Item {
        pub id: i64,
        pub page: i32,
        #[seekdb(vector(dim = 4), index(kind = "hnsw", distance = "l2", m = 16))]
        pub embedding: Vector,
    }

    const N: i64 = 1000;
    const K: usize = 10;

    pub fn item(id: i64) -> Item {
        Item {
            id,
            page: (id % 5) as i32,
            embedding: Vector::try_new(vector(id as u64)).unwrap(),
        }
    }

    #[test]
    fn derive_partitioned_bulk_load_then_filtered_searches() {
        let mut db = TestDb::new("s5_layout");
        let sql = Item::create_table_sql().unwrap();
        assert!(
            sql.contains("PARTITION BY LIST (`page`)")
                && sql.contains("PRIMARY KEY (`id`, `page`)"),
            "{sql}"
        );
        Item::create(&mut db.conn).unwrap();
        let report = bulk_load_model(
            &mut db.conn,
            (0..N).map(item),
            BulkLoadOptions::new().parallel(2),
        )
        .unwrap();
        assert_eq!(report.rows_loaded, N as u64);
        assert_eq!(report.indexes_built, vec!["embedding_vidx".to_string()]);

        // A row whose page has no partition: the load fails as a whole with the server's
        // number (1526; the typed API used to lose it: `code: None`), the table unchanged.
        let stray = Item {
            page: 9,
            ..item(N + 1)
        };
        let err = bulk_load_model(
            &mut db.conn,
            (N..N + 1).map(item).chain([stray]),
            BulkLoadOptions::new(),
        )
        .unwrap_err();
        assert_eq!(err.code(), Some(1526), "{err:?}");
        // The typed insert reports server errors with their number too.
        let err = insert_rows(&mut db.conn, "items", &[item(7)]).unwrap_err();
        assert_eq!(err.code(), Some(1062), "{err:?}");
        assert_eq!(err.kind(), Some(ServerErrorKind::DuplicateKey));
        let count: i64 = items::table.count().get_result(&mut db.conn).unwrap();
        assert_eq!(count, N);

        let rows: Vec<(i64, Vec<f32>)> = (0..N).map(|i| (i, vector(i as u64))).collect();
        let qv = vector(31_337);
        let q = Vector::try_new(qv.clone()).unwrap();
        let exact3: Vec<i64> = brute_force(&rows, &qv, K, |id| id % 5 == 3)
            .into_iter()
            .map(|e| e.0)
            .collect();

        // Typed DSL: a plain WHERE on the partition column, approximate order.
        let typed: Vec<(i64, i32)> = items::table
            .select((items::id, items::page))
            .filter(items::page.eq(3))
            .order(items::embedding.l2_distance(&q).approximate())
            .limit(K as i64)
            .load(&mut db.conn)
            .unwrap();
        assert!(typed.iter().all(|r| r.1 == 3), "{typed:?}");
        assert_eq!(typed.iter().map(|r| r.0).collect::<Vec<_>>(), exact3);

        // The model reads back whole.
        let back: Vec<Item> = items::table
            .filter(items::id.eq(42))
            .select(Item::as_select())
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].page, 2);
        // Read back within the server's 6 significant digits (README "Vector search in
        // Diesel"); stored exactly: its distance to the original is 0.
        for (a, b) in back[0].embedding.as_slice().iter().zip(vector(42)) {
            assert!((a - b).abs() <= 1e-5, "{a} vs {b}");
        }
        let exact42 = Vector::try_new(vector(42)).unwrap();
        let d: Vec<f64> = items::table
            .filter(items::id.eq(42))
            .select(items::embedding.l2_distance(&exact42))
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(d, vec![0.0]);

        // ObVecClient: the partition itself, no filter.
        let client = ObVecClient::from_url(&db.url).unwrap();
        let search = || {
            AnnSearch::new("items", "embedding", qv.clone())
                .distance(Distance::L2)
                .topk(K)
                .output_columns(["id", "page"])
                .partitions(["p3"])
        };
        let hits = client.ann_search(search()).unwrap();
        assert!(hits.iter().all(|h| h["page"] == 3), "{hits:?}");
        assert_eq!(
            hits.iter()
                .map(|h| h["id"].as_i64().unwrap())
                .collect::<Vec<_>>(),
            exact3
        );
        let plan = client.explain_ann_search(search()).unwrap();
        assert!(plan.contains("p3"), "{plan}");
        // Two partitions: the exact top-k over their union.
        let hits = client
            .ann_search(
                AnnSearch::new("items", "embedding", qv.clone())
                    .distance(Distance::L2)
                    .topk(K)
                    .output_columns(["id"])
                    .partitions(["p1", "p4"]),
            )
            .unwrap();
        let exact14: Vec<i64> = brute_force(&rows, &qv, K, |id| id % 5 == 1 || id % 5 == 4)
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            hits.iter()
                .map(|h| h["id"].as_i64().unwrap())
                .collect::<Vec<_>>(),
            exact14
        );
    }
}

/// The same derived, partitioned model through the Milvus client (`milvus_schema` /
/// `milvus_index_params`): the partitioned layout needs a composite key (id, page), and
/// the ids that `insert` and `search` report (objects of the key's columns) go back into
/// `get` and `delete` on every client (they used to be refused: "needs a single-column
/// primary key").
#[tokio::test]
async fn derived_partitioned_collection_round_trips_composite_ids() {
    use diesel_seekdb::milvus::MilvusCollection;
    use diesel_seekdb::{AsyncObVecClient, ObVecClient};
    use layout::Item;

    let db = TestDb::new("s5_pk2");
    let c = MilvusLikeClient::from_url(&db.url).unwrap();
    let schema = Item::milvus_schema().unwrap();
    let index = Item::milvus_index_params().unwrap();
    c.create_collection("items", &schema, Some(&index)).unwrap();
    let desc = c.describe_collection("items").unwrap();
    assert_eq!(
        desc["partitions"],
        json!(["p0", "p1", "p2", "p3", "p4"]),
        "{desc}"
    );
    let rows: Vec<Item> = (0..50).map(layout::item).collect();
    let out = c.insert_serialize("items", &rows, None).unwrap();
    assert_eq!(out["insert_count"], 50);
    assert_eq!(out["ids"][7], json!({"id": 7, "page": 2}));

    let vecs: Vec<(i64, Vec<f32>)> = (0..50).map(|i| (i, vector(i as u64))).collect();
    let q = vector(5);
    let hits = c
        .search(
            "items",
            SearchRequest::new("embedding", vec![q.clone()])
                .limit(4)
                .filter("page == 0")
                .output_fields(["page"]),
        )
        .unwrap();
    let exact = brute_force(&vecs, &q, 4, |id| id % 5 == 0);
    let ids: Vec<Value> = hits[0].iter().map(|h| h.id.clone()).collect();
    assert_eq!(
        ids,
        exact
            .iter()
            .map(|e| json!({"id": e.0, "page": 0}))
            .collect::<Vec<_>>()
    );

    // Hit ids straight back into get, on the Milvus, blocking and async clients.
    let got = c.get("items", &ids, &["id", "page"], &[]).unwrap();
    assert_eq!(got.len(), 4, "{got:?}");
    let sql = ObVecClient::from_url(&db.url).unwrap();
    assert_eq!(sql.get("items", &ids, None, &["id"], &[]).unwrap().len(), 4);
    let a = AsyncObVecClient::from_url(&db.url).await.unwrap();
    assert_eq!(
        a.get("items", &ids, None, &["id"], &["p0"])
            .await
            .unwrap()
            .len(),
        4
    );
    // A key whose page is wrong names no row; a bare id is refused, naming the key.
    let wrong = [json!({"id": 5, "page": 1})];
    assert!(c.get("items", &wrong, &[], &[]).unwrap().is_empty());
    match c.get("items", &[json!(5)], &[], &[]) {
        Err(Error::Validation { parameter, reason }) => {
            assert_eq!(parameter, "ids[0]");
            assert!(reason.contains("(id, page)"), "{reason}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    match c.get("items", &[json!({"id": 5})], &[], &[]) {
        Err(Error::Validation { parameter, .. }) => assert_eq!(parameter, "ids[0]"),
        other => panic!("expected a validation error, got {other:?}"),
    }

    // ... and into delete.
    let del = c.delete("items", &ids[..2], None, None).unwrap();
    assert_eq!(del["delete_count"], 2);
    assert_eq!(sql.delete("items", &ids[2..], None, None).unwrap(), 2);
    assert!(c.get("items", &ids, &[], &[]).unwrap().is_empty());
    assert_eq!(c.get_collection_stats("items").unwrap()["row_count"], 46);
}

// ---------------------------------------------------------------------------------
// 3. Async parity for what is new, and the Milvus client's upkeep and server calls
// ---------------------------------------------------------------------------------

mod async_parity {
    use diesel::connection::SimpleConnection;
    use diesel_async::{AsyncConnection, AsyncMysqlConnection};
    use diesel_seekdb::client::{AnnSearch, BulkLoadOptions, BulkLoadPhase};
    use diesel_seekdb::ddl::{Distance, VectorIndex};
    use diesel_seekdb::milvus::MilvusLikeClient;
    use diesel_seekdb::model::SeekdbTable;
    use diesel_seekdb::server::{self, Flavor};
    use diesel_seekdb::upkeep::{self, RebuildIndex, RefreshIndex};
    use diesel_seekdb::{AsyncObVecClient, ObVecClient, Vector};
    use diesel_seekdb_derive::SeekdbTable;
    use diesel_seekdb_suite::TestDb;
    use serde_json::json;

    use super::{brute_force, vector};

    #[derive(SeekdbTable, serde::Serialize)]
    #[seekdb(table = "adocs")]
    #[allow(dead_code)]
    struct ADoc {
        #[seekdb(primary_key)]
        id: i64,
        #[seekdb(vector(dim = 4), index(kind = "hnsw", distance = "l2", m = 16))]
        embedding: Vector,
    }

    const N: i64 = 1500;

    #[tokio::test]
    async fn async_bulk_load_rebuild_and_memory() {
        let mut db = TestDb::new("s5_async");
        db.conn
            .batch_execute(&ADoc::create_table_sql().unwrap())
            .unwrap();
        let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
        let phases = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = phases.clone();
        let report = client
            .bulk_load(
                "adocs",
                (0..N).map(|i| json!({"id": i, "embedding": vector(i as u64)})),
                BulkLoadOptions::new()
                    .parallel(2)
                    .on_progress(move |p| sink.lock().unwrap().push(p.phase)),
            )
            .await
            .unwrap();
        assert_eq!(
            (report.rows_loaded, report.rows_total),
            (N as u64, N as u64)
        );
        assert_eq!(report.indexes_built, vec!["embedding_vidx".to_string()]);
        assert!(report.leftover_table.is_none());
        assert_eq!(phases.lock().unwrap().last(), Some(&BulkLoadPhase::Done));

        let rows: Vec<(i64, Vec<f32>)> = (0..N).map(|i| (i, vector(i as u64))).collect();
        let q = vector(4242);
        let exact: Vec<i64> = brute_force(&rows, &q, 10, |_| true)
            .into_iter()
            .map(|e| e.0)
            .collect();
        let search = || {
            AnnSearch::new("adocs", "embedding", q.clone())
                .topk(10)
                .output_columns(["id"])
        };
        let ids = |hits: Vec<serde_json::Map<String, serde_json::Value>>| -> Vec<i64> {
            hits.iter().map(|h| h["id"].as_i64().unwrap()).collect()
        };
        assert_eq!(ids(client.ann_search(search()).await.unwrap()), exact);
        let plan = client.explain_ann_search(search()).await.unwrap();
        assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");

        // Index upkeep on diesel-async's connection.
        let mut conn = AsyncMysqlConnection::establish(&db.url).await.unwrap();
        RebuildIndex::new("embedding_vidx", "adocs")
            .execute_async(&mut conn)
            .await
            .unwrap();
        RefreshIndex::new("embedding_vidx", "adocs")
            .threshold(0)
            .execute_async(&mut conn)
            .await
            .unwrap();
        assert_eq!(ids(client.ann_search(search()).await.unwrap()), exact);
        // A rebuild of an index that does not exist is a typed server error (1210).
        let err = RebuildIndex::new("nosuch_vidx", "adocs")
            .execute_async(&mut conn)
            .await
            .unwrap_err();
        assert!(
            matches!(err, diesel_seekdb::Error::Database { .. }),
            "{err:?}"
        );

        // The advisor, as README "Index upkeep and memory" quotes it for 20,000 x 128.
        let index = VectorIndex::new("docs_vidx", "embedding")
            .distance(Distance::L2)
            .m(16);
        let advice = upkeep::index_memory_advice_async(&mut conn, &index, 20_000, 128)
            .await
            .unwrap();
        assert!(advice.message.contains("33.1 MB"), "{}", advice.message);
        assert!(advice.minimum_bytes > 30_000_000 && advice.minimum_bytes < 40_000_000);
        let sync_advice = upkeep::index_memory_advice(&mut db.conn, &index, 20_000, 128).unwrap();
        assert_eq!(advice.message, sync_advice.message);
        assert_eq!(advice.minimum_bytes, sync_advice.minimum_bytes);
        let client_advice = client
            .index_memory_advice(&index, 20_000, 128)
            .await
            .unwrap();
        assert_eq!(client_advice.minimum_bytes, advice.minimum_bytes);

        let too_wide = upkeep::index_memory_advice_async(&mut conn, &index, 10, 5000).await;
        assert!(
            matches!(too_wide, Err(diesel_seekdb::Error::Validation { ref parameter, .. }) if parameter == "dim"),
            "{too_wide:?}"
        );
        let memory = upkeep::vector_memory_async(&mut conn).await.unwrap();
        assert!(memory.limit > 0, "{memory:?}");
        assert!(memory.free() <= memory.limit, "{memory:?}");
        let sync_memory = upkeep::vector_memory(&mut db.conn).unwrap();
        assert_eq!(memory.limit, sync_memory.limit);

        let info = server::server_info_async(&mut conn).await.unwrap();
        assert_eq!(info.flavor(), Flavor::Seekdb);
        assert!(!info.version().is_empty());
        assert_eq!(info, server::server_info(&mut db.conn).unwrap());
    }

    #[test]
    fn milvus_memory_advice_vector_memory_and_server_info() {
        let db = TestDb::new("s5_mvup");
        let c = MilvusLikeClient::from_url(&db.url).unwrap();
        let mut params = MilvusLikeClient::prepare_index_params();
        params
            .add_index(
                "embedding",
                "HNSW",
                "vidx",
                json!({"metric_type": "L2", "params": {"M": 16}}),
            )
            .unwrap();
        let param = params.iter().next().unwrap();
        let advice = c.index_memory_advice(param, 20_000, 128).unwrap();
        assert!(advice.message.contains("33.1 MB"), "{}", advice.message);
        assert!(advice.minimum_bytes > 0);
        assert!(advice.fits_in(u64::MAX));
        // IVF_FLAT answers with the search memory too.
        let mut ivf = MilvusLikeClient::prepare_index_params();
        ivf.add_index(
            "embedding",
            "IVF_FLAT",
            "ivf",
            json!({"metric_type": "L2", "params": {"nlist": 128}}),
        )
        .unwrap();
        let ivf_advice = c
            .index_memory_advice(ivf.iter().next().unwrap(), 20_000, 128)
            .unwrap();
        assert!(ivf_advice.minimum_bytes > 0, "{ivf_advice:?}");
        assert!(ivf_advice.search_bytes.unwrap_or(0) > 0, "{ivf_advice:?}");

        // A dimension no vector index can have (over 4096) is refused before asking: the
        // advisor itself answers for any (9.2 MB for 10 x 100,000).
        for dim in [4097, 100_000] {
            match c.index_memory_advice(param, 10, dim) {
                Err(diesel_seekdb::Error::Validation { parameter, .. }) => {
                    assert_eq!(parameter, "dim")
                }
                other => panic!("dim {dim}: expected a validation error, got {other:?}"),
            }
        }
        let memory = c.vector_memory().unwrap();
        assert!(memory.limit > 0, "{memory:?}");
        let info = c.server_info().unwrap();
        assert_eq!(info.flavor(), Flavor::Seekdb);
        assert!(!info.version().is_empty());
        assert!(info.kernel_version().is_some(), "{info:?}");
        assert!(info.seekdb_version().is_some(), "{info:?}");
        let sql = ObVecClient::from_url(&db.url).unwrap();
        assert_eq!(*info, *sql.server_info().unwrap());
    }
}

// ---------------------------------------------------------------------------------
// 4. Bad input a new user hits: typed errors, never a panic, never silently empty
// ---------------------------------------------------------------------------------

mod bad_input {
    use diesel_seekdb::client::AnnSearch;
    use diesel_seekdb::milvus::{MilvusLikeClient, SearchRequest};
    use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, ServerErrorKind};
    use diesel_seekdb_suite::TestDb;
    use serde_json::{json, Value};

    use super::{create_docs, milvus_row};

    fn milvus(db: &TestDb) -> MilvusLikeClient {
        let c = MilvusLikeClient::from_url(&db.url).unwrap();
        create_docs(&c, "docs", true);
        let rows: Vec<Value> = (0..20).map(milvus_row).collect();
        c.insert("docs", &rows, None).unwrap();
        c
    }

    fn q() -> Vec<f32> {
        vec![0.1, 0.2, 0.3, 0.4]
    }

    macro_rules! assert_err {
        ($result:expr, $pattern:pat $(if $guard:expr)?) => {
            match $result {
                Err($pattern) $(if $guard)? => {}
                other => panic!("expected {}, got {other:?}", stringify!($pattern)),
            }
        };
    }

    #[test]
    fn milvus_client_bad_input_is_typed() {
        let db = TestDb::new("s5_bad_mv");
        let c = milvus(&db);
        let req = || SearchRequest::new("embedding", vec![q()]).limit(3);
        // A collection that does not exist, for every call that names one.
        assert_err!(c.search("nosuch", req()), Error::CollectionNotFound { name } if name == "nosuch");
        assert_err!(
            c.get("nosuch", &[json!(1)], &[], &[]),
            Error::CollectionNotFound { .. }
        );
        assert_err!(
            c.query("nosuch", None, &[], &[], None),
            Error::CollectionNotFound { .. }
        );
        assert_err!(
            c.delete("nosuch", &[json!(1)], None, None),
            Error::CollectionNotFound { .. }
        );
        assert_err!(
            c.describe_collection("nosuch"),
            Error::CollectionNotFound { .. }
        );
        assert_err!(
            c.insert("nosuch", &[milvus_row(1)], None),
            Error::CollectionNotFound { .. }
        );
        // Wrong dimensions, in a query and in a row.
        assert_err!(
            c.search(
                "docs",
                SearchRequest::new("embedding", vec![vec![0.1, 0.2, 0.3]]).limit(3)
            ),
            Error::Dimension {
                expected: 4,
                actual: 3
            }
        );
        assert_err!(
            c.insert(
                "docs",
                &[json!({"id": 100, "embedding": [1.0], "cat": 1, "meta": null})],
                None
            ),
            Error::Dimension {
                expected: 4,
                actual: 1
            }
        );
        // NaN and infinity: in a query, and in a serialized row (JSON makes them null).
        for bad in [f32::NAN, f32::INFINITY] {
            assert_err!(
                c.search("docs", SearchRequest::new("embedding", vec![vec![0.1, bad, 0.3, 0.4]]).limit(3)),
                Error::Validation { parameter, .. } if parameter == "vector[1]"
            );
        }
        #[derive(serde::Serialize)]
        struct Row {
            id: i64,
            embedding: Vec<f32>,
            cat: i64,
        }
        let nan_row = Row {
            id: 101,
            embedding: vec![1.0, f32::NAN, 0.0, 0.0],
            cat: 1,
        };
        assert_err!(
            c.insert_serialize("docs", &[nan_row], None),
            Error::Validation { parameter, .. } if parameter == "data[0].embedding[1]"
        );
        // A partition that does not exist: search, query, get, insert.
        let nope = |e: &Error| {
            matches!(e, Error::Validation { parameter, reason }
            if parameter == "partition_names" && reason.contains("nope") && reason.contains("p_low"))
        };
        assert!(nope(
            &c.search("docs", req().partition_names(["nope"]))
                .unwrap_err()
        ));
        assert!(nope(
            &c.query("docs", None, &["id"], &["nope"], None).unwrap_err()
        ));
        assert!(nope(
            &c.get("docs", &[json!(1)], &[], &["nope"]).unwrap_err()
        ));
        assert!(nope(
            &c.insert("docs", &[milvus_row(100)], Some("nope"))
                .unwrap_err()
        ));
        c.create_collection_quick("flat", 4, Default::default())
            .unwrap();
        assert_err!(
            c.search("flat", SearchRequest::new("vector", vec![q()]).limit(3).partition_names(["p0"])),
            Error::Validation { reason, .. } if reason.contains("not partitioned")
        );
        // Filter syntax errors carry the offset of the problem.
        for (filter, offset) in [
            ("cat == ", 7),
            ("cat = 1", 4),
            ("cat == 1 and", 12),
            ("\"unterminated", 0),
            (r#"meta["n" == 1"#, 9),
            ("nosuchfield == 1", 0),
            ("cat == 'x'", 7),
            ("cat == {x}", 7),
        ] {
            match c.search("docs", req().filter(filter)) {
                Err(Error::Filter { offset: o, message }) => {
                    assert_eq!(o, offset, "{filter}: {message}");
                    assert!(!message.is_empty());
                }
                other => panic!("{filter}: expected Error::Filter, got {other:?}"),
            }
        }
        assert_err!(
            c.query("docs", Some("id >".into()), &["id"], &[], None),
            Error::Filter { offset: 4, .. }
        );
        assert_err!(
            c.delete("docs", &[], Some("cat === 1".into()), None),
            Error::Filter { .. }
        );
        // Other slips: an unknown vector field, no query vectors, an empty vector, limit 0.
        assert_err!(
            c.search("docs", SearchRequest::new("nosuchvec", vec![q()]).limit(3)),
            Error::Validation { parameter, .. } if parameter == "anns_field"
        );
        assert_err!(
            c.search("docs", SearchRequest::new("embedding", vec![]).limit(3)),
            Error::Validation { .. }
        );
        assert_err!(
            c.search(
                "docs",
                SearchRequest::new("embedding", vec![vec![]]).limit(3)
            ),
            Error::Validation { .. }
        );
        assert_err!(
            c.search("docs", SearchRequest::new("embedding", vec![q()]).limit(0)),
            Error::Validation { parameter, .. } if parameter == "topk"
        );
        // pymilvus range search and other search_params the search cannot apply are
        // refused by name (they used to be ignored: a range search returned the plain
        // top-k, rows outside the radius included).
        let range = json!({"metric_type": "L2", "params": {"radius": 0.5, "range_filter": 0.1}});
        assert_err!(
            SearchRequest::new("embedding", vec![q()]).search_params(range),
            Error::Validation { parameter, reason }
                if parameter == "search_params.params.radius" && reason.contains("range search")
        );
        assert_err!(
            SearchRequest::new("embedding", vec![q()]).search_params(json!({"offset": 5})),
            Error::Validation { parameter, .. } if parameter == "search_params.offset"
        );
        // Nothing above wrote a row.
        assert_eq!(c.get_collection_stats("docs").unwrap()["row_count"], 20);
    }

    #[tokio::test]
    async fn sql_clients_bad_input_is_typed() {
        let db = TestDb::new("s5_bad_sql");
        let _c = milvus(&db);
        let s = ObVecClient::from_url(&db.url).unwrap();
        let a = AsyncObVecClient::from_url(&db.url).await.unwrap();
        let search = |table: &str, v: Vec<f32>| AnnSearch::new(table, "embedding", v).topk(3);
        let nan = vec![0.0, f32::NAN, 0.0, 0.0];
        assert_err!(
            s.ann_search(search("nosuch", q())),
            Error::CollectionNotFound { .. }
        );
        assert_err!(
            a.ann_search(search("nosuch", q())).await,
            Error::CollectionNotFound { .. }
        );
        assert_err!(
            s.ann_search(search("docs", vec![1.0])),
            Error::Dimension {
                expected: 4,
                actual: 1
            }
        );
        assert_err!(
            a.ann_search(search("docs", vec![1.0])).await,
            Error::Dimension {
                expected: 4,
                actual: 1
            }
        );
        assert_err!(
            s.ann_search(search("docs", nan.clone())),
            Error::Validation { .. }
        );
        assert_err!(
            a.ann_search(search("docs", nan.clone())).await,
            Error::Validation { .. }
        );
        assert_err!(
            s.ann_search(search("docs", q()).partitions(["nope"])),
            Error::Validation { parameter, .. } if parameter == "partition_names"
        );
        assert_err!(
            a.ann_search(search("docs", q()).partitions(["nope"])).await,
            Error::Validation { parameter, .. } if parameter == "partition_names"
        );
        assert_err!(
            s.ann_search(search("docs", q()).output_columns(["nosuch"])),
            Error::Validation { .. }
        );
        // Bulk loads check every row before anything is written; the error names the row.
        assert_err!(
            a.bulk_load("nosuch", vec![json!({"id": 1})], Default::default())
                .await,
            Error::CollectionNotFound { .. }
        );
        assert_err!(
            a.bulk_load(
                "docs",
                vec![json!({"id": 1000, "embedding": [1.0], "cat": 1})],
                Default::default()
            )
            .await,
            Error::Validation { parameter, .. } if parameter == "rows[0].embedding"
        );
        assert_err!(
            s.bulk_load(
                "docs",
                vec![json!({"id": 1000, "embedding": [1.0, 2.0, 3.0, 1e39], "cat": 1})],
                Default::default()
            ),
            Error::Validation { parameter, .. } if parameter == "rows[0].embedding[3]"
        );
        assert_eq!(
            s.get("docs", &[json!(1000)], None, &[], &[]).unwrap().len(),
            0
        );
        // A typed DSL query with a wrong-dimension vector: the server's 7600, typed.
        {
            use diesel::prelude::*;
            use diesel_seekdb::prelude::*;
            use diesel_seekdb::SeekdbResultExt;
            diesel::table! {
                use diesel::sql_types::*;
                use diesel_seekdb::sql_types::Vector;
                docs (id) { id -> BigInt, embedding -> Vector, }
            }
            let mut conn = db.connect();
            let v = diesel_seekdb::Vector::from(vec![1.0_f32, 2.0]);
            let r: Result<Vec<i64>, _> = docs::table
                .select(docs::id)
                .order(docs::embedding.l2_distance(&v).approximate())
                .limit(3)
                .load(&mut conn);
            let err = r.with_errno(&mut conn).unwrap_err();
            assert_eq!(
                err.kind(),
                Some(ServerErrorKind::DimensionMismatch),
                "{err:?}"
            );
            assert_eq!(err.code(), Some(7600));
            // NaN in a typed query is refused while binding, before the server sees it.
            let v = diesel_seekdb::Vector::from(vec![f32::NAN, 0.0, 0.0, 0.0]);
            let r: Result<Vec<i64>, _> = docs::table
                .select(docs::id)
                .order(docs::embedding.l2_distance(&v).approximate())
                .limit(3)
                .load(&mut conn);
            assert!(r.is_err(), "{r:?}");
        }
    }
}

// ---------------------------------------------------------------------------------
// The README's client examples, run as written (on a test database)
// ---------------------------------------------------------------------------------

/// README "The Milvus-style client": the example's calls and values, with the printed
/// results checked.
#[test]
fn readme_milvus_example_runs_as_written() {
    let db = TestDb::new("s5_readme_mv");
    let client = MilvusLikeClient::from_url(&db.url).unwrap();
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("title", DataType::VarChar).max_length(512))
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(3))
        .add_field(FieldSchema::new("meta", DataType::Json).nullable(true));
    let mut index = MilvusLikeClient::prepare_index_params();
    index
        .add_index(
            "embedding",
            "HNSW",
            "vidx",
            json!({"metric_type": "L2", "params": {"M": 16}}),
        )
        .unwrap();
    client
        .create_collection("articles", &schema, Some(&index))
        .unwrap();

    client
        .insert(
            "articles",
            &[json!({"id": 1, "title": "intro", "embedding": [0.1, 0.2, 0.3], "meta": {"page": 1}})],
            None,
        )
        .unwrap();
    let hits = client
        .search(
            "articles",
            SearchRequest::new("embedding", vec![vec![0.1, 0.2, 0.3]])
                .limit(5)
                .filter(r#"id < 100 and meta["page"] in [1, 2] and title like "intro%""#)
                .output_fields(["title"])
                .search_params(json!({"metric_type": "l2", "params": {"ef": 64}}))
                .unwrap(),
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].len(), 1);
    assert_eq!(hits[0][0].id, json!(1));
    assert_eq!(hits[0][0].distance, Some(0.0));
    assert_eq!(hits[0][0].entity["title"], "intro");
    let rows = client
        .query(
            "articles",
            Some("not (id >= 10)".into()),
            &["id"],
            &[],
            Some(10),
        )
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], 1);
    assert_eq!(
        client.get_collection_stats("articles").unwrap(),
        json!({"row_count": 1})
    );
}

/// README "The SQL-mode client": the example's insert and search on an `items` table
/// with the columns it uses.
#[test]
fn readme_obvec_example_runs_as_written() {
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Bool};
    use diesel_seekdb::client::{AnnSearch, Distance, Filter};
    use diesel_seekdb::ObVecClient;

    let db = TestDb::new("s5_readme_ob");
    let client = ObVecClient::from_url(&db.url).unwrap();
    client
        .raw_sql(
            "CREATE TABLE items (id BIGINT PRIMARY KEY, embedding VECTOR(3), meta JSON, \
             VECTOR INDEX vidx (embedding) WITH (distance=l2, type=hnsw, lib=vsag))",
        )
        .unwrap();
    client
        .insert(
            "items",
            &[json!({"id": 1, "embedding": [0.1, 0.2, 0.3], "meta": {"page": 3}})],
            None,
        )
        .unwrap();
    let hits = client
        .ann_search(
            AnnSearch::new("items", "embedding", vec![0.0, 0.2, 0.3])
                .distance(Distance::L2)
                .with_dist(true)
                .topk(5)
                .output_columns(["id", "meta"])
                .filter(Filter::expr(sql::<Bool>("`id` > ").bind::<BigInt, _>(0))),
        )
        .unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["id"], 1);
    assert_eq!(hits[0]["meta"], json!({"page": 3}));
    let d = hits[0]
        .iter()
        .find(|(k, _)| k.contains("dist"))
        .and_then(|(_, v)| v.as_f64())
        .expect("a distance column");
    assert!((d - 0.1).abs() < 1e-5, "{hits:?}");
}
