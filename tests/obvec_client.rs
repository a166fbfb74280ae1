//! pyobvector's ObVecClient scenarios against a real seekdb server.

use diesel::dsl::sql;
use diesel::sql_types::{BigInt, Bool, Integer};
use diesel_seekdb::client::{AnnSearch, Distance, Filter};
use diesel_seekdb::{Error, ObVecClient};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

const DS_NEAR: [i64; 5] = [10, 11, 12, 111, 112];

fn client(db: &TestDb) -> ObVecClient {
    ObVecClient::from_url(&db.url).unwrap()
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

fn create_ds(client: &ObVecClient, table: &str, distance: &str) {
    client
        .execute_table_ddl(
            table,
            &format!(
                "CREATE TABLE `{table}` (id BIGINT PRIMARY KEY, embedding VECTOR(3), meta JSON, \
                 VECTOR INDEX vidx(embedding) WITH (distance={distance}, type=hnsw, lib=vsag))"
            ),
        )
        .unwrap();
}

fn ids(rows: &[serde_json::Map<String, Value>]) -> Vec<i64> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids
}

fn count(client: &ObVecClient, table: &str) -> i64 {
    client
        .raw_sql(&format!("SELECT COUNT(*) AS n FROM `{table}`"))
        .unwrap()[0]["n"]
        .as_i64()
        .unwrap()
}

#[test]
fn ds_ann_search_returns_top5_at_distance_zero_through_the_index() {
    let db = TestDb::new("obv_ds");
    let c = client(&db);
    create_ds(&c, "items", "l2");
    assert_eq!(
        c.insert(
            "items",
            &ds_rows([0.748479, 0.276979, 0.555195], [0.0; 3]),
            None
        )
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
    let rows = c.ann_search(search()).unwrap();
    assert_eq!(ids(&rows), DS_NEAR);
    assert!(
        rows.iter().all(|r| r["distance"].as_f64() == Some(0.0)),
        "{rows:?}"
    );
    let plan = c.explain_ann_search(search()).unwrap();
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
    assert_eq!(
        c.ann_search_sql(search()).unwrap(),
        "SELECT `id`, l2_distance(`embedding`, ?) AS `distance` FROM `items` \
         ORDER BY l2_distance(`embedding`, ?) APPROXIMATE LIMIT ?"
    );

    // Whole rows come back with the vector as numbers and JSON as JSON.
    let rows = c.get("items", &[json!(3)], None, &[], &[]).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["meta"], json!({ "page": 3 }));
    let v: Vec<f64> = rows[0]["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!((v[0] - 0.748479).abs() < 1e-6, "{v:?}");

    // Typed rows through QueryableByName.
    #[derive(diesel::QueryableByName, Debug)]
    struct Hit {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        distance: f64,
    }
    let hits: Vec<Hit> = c.ann_search_as(search()).unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits
        .iter()
        .all(|h| DS_NEAR.contains(&h.id) && h.distance == 0.0));
}

#[test]
fn inner_product_search_uses_the_index_and_threshold_means_at_least() {
    let db = TestDb::new("obv_ip");
    let c = client(&db);
    create_ds(&c, "items", "inner_product");
    c.insert("items", &ds_rows([1.0, 0.0, 0.0], [0.0, 0.0, 1.0]), None)
        .unwrap();
    let search = || {
        AnnSearch::new("items", "embedding", vec![0.0, 0.0, 1.0])
            .distance(Distance::InnerProduct)
            .with_dist(true)
            .topk(5)
            .output_columns(["id"])
    };
    let rows = c.ann_search(search()).unwrap();
    assert_eq!(ids(&rows), DS_NEAR);
    assert!(rows.iter().all(|r| r["distance"].as_f64() == Some(1.0)));
    assert!(c
        .explain_ann_search(search())
        .unwrap()
        .contains("VECTOR INDEX SCAN"));

    // At least 0.5 similar: only the five near rows qualify, even with topk 10.
    let rows = c
        .precise_search(search().topk(10).distance_threshold(0.5))
        .unwrap();
    assert_eq!(ids(&rows), DS_NEAR);
}

#[test]
fn filtered_search_keeps_k_rows_and_partitions_restrict() {
    let db = TestDb::new("obv_part");
    let c = client(&db);
    c.execute_table_ddl(
        "items",
        "CREATE TABLE items (id BIGINT PRIMARY KEY, embedding VECTOR(3), meta JSON, \
         VECTOR INDEX vidx(embedding) WITH (distance=l2, type=hnsw, lib=vsag)) \
         PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN (MAXVALUE))",
    )
    .unwrap();
    c.insert(
        "items",
        &ds_rows([0.748479, 0.276979, 0.555195], [0.0; 3]),
        None,
    )
    .unwrap();
    let base = || {
        AnnSearch::new("items", "embedding", vec![0.0, 0.0, 0.0])
            .topk(5)
            .output_columns(["id"])
    };
    let rows = c.ann_search(base().partitions(["p1"])).unwrap();
    assert_eq!(ids(&rows), vec![111, 112]);

    // A filter on the same table is a pre-filter: still k rows.
    let filter = || Filter::expr(sql::<Bool>("`id` < ").bind::<BigInt, _>(10));
    let rows = c.ann_search(base().filter(filter())).unwrap();
    assert_eq!(rows.len(), 5);
    assert!(ids(&rows).iter().all(|&id| id < 10));
    let plan = c.explain_ann_search(base().filter(filter())).unwrap();
    assert!(plan.contains("VECTOR INDEX"), "{plan}");

    let err = c.ann_search(base().partitions(["p9"])).unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "partition_names"),
        "{err}"
    );
}

#[test]
fn string_keys_delete_and_get_with_json_filter() {
    let db = TestDb::new("obv_str");
    let c = client(&db);
    c.execute_table_ddl(
        "docs",
        "CREATE TABLE docs (id VARCHAR(64) PRIMARY KEY, embedding VECTOR(3), meta JSON, \
         VECTOR INDEX vidx(embedding) WITH (distance=l2, type=hnsw, lib=vsag))",
    )
    .unwrap();
    let rows: Vec<Value> = ["abc", "bcd", "cde", "def"]
        .iter()
        .enumerate()
        .map(|(i, id)| json!({ "id": id, "embedding": [i as f32, 0.0, 1.0], "meta": { "page": i + 1 } }))
        .collect();
    c.insert("docs", &rows, None).unwrap();
    assert_eq!(
        c.delete("docs", &[json!("bcd"), json!("def")], None, None)
            .unwrap(),
        2
    );
    let page_over_1 = Filter::expr(sql::<Bool>("`meta`->'$.page' > ").bind::<Integer, _>(1));
    let got = c
        .get(
            "docs",
            &[json!("abc"), json!("bcd"), json!("cde"), json!("def")],
            Some(page_over_1),
            &["id"],
            &[],
        )
        .unwrap();
    assert_eq!(
        got,
        vec![serde_json::from_value(json!({ "id": "cde" })).unwrap()]
    );

    let changed = c
        .update(
            "docs",
            &serde_json::from_value(json!({ "meta": { "doc": "HHH" } })).unwrap(),
            Some(Filter::expr(
                sql::<Bool>("`id` = ").bind::<diesel::sql_types::Text, _>("abc"),
            )),
            None,
        )
        .unwrap();
    assert_eq!(changed, 1);
    let got = c
        .get("docs", &[json!("abc")], None, &["meta"], &[])
        .unwrap();
    assert_eq!(got[0]["meta"], json!({ "doc": "HHH" }));

    // upsert replaces by key
    c.upsert(
        "docs",
        &[json!({ "id": "abc", "embedding": [9, 9, 9], "meta": null })],
        None,
    )
    .unwrap();
    let got = c.get("docs", &[json!("abc")], None, &[], &[]).unwrap();
    assert_eq!(got[0]["embedding"], json!([9.0, 9.0, 9.0]));
    assert_eq!(got[0]["meta"], Value::Null);
}

#[test]
fn ef_search_set_and_get_and_index_maintenance() {
    let db = TestDb::new("obv_ef");
    let c = client(&db);
    c.set_ef_search(100).unwrap();
    assert_eq!(c.ef_search().unwrap(), 100);
    assert!(matches!(c.set_ef_search(0), Err(Error::Validation { .. })));

    create_ds(&c, "items", "l2");
    c.insert("items", &ds_rows([1.0, 0.0, 0.0], [0.0; 3]), None)
        .unwrap();
    c.refresh_index("items", "vidx", 10000).unwrap();
    c.rebuild_index("items", "vidx", 0.2).unwrap();
    assert!(matches!(
        c.rebuild_index("items", "nosuch", 0.2),
        Err(Error::Validation { .. })
    ));
    assert!(matches!(
        c.rebuild_index("items", "vidx", 2.0),
        Err(Error::Validation { .. })
    ));
    c.drop_index("items", "vidx").unwrap();
    assert!(c
        .table_info("items")
        .unwrap()
        .vector_index_on("embedding")
        .is_none());
    c.drop_columns("items", &["meta"]).unwrap();
    assert!(c.table_info("items").unwrap().column("meta").is_none());
    c.drop_table("items").unwrap();
    assert!(!c.table_exists("items").unwrap());
}

#[test]
fn pool_applies_session_settings_on_checkout() {
    let db = TestDb::new("obv_pool");
    let manager = diesel::r2d2::ConnectionManager::<diesel::MysqlConnection>::new(&db.url);
    let pool = diesel::r2d2::Pool::builder()
        .max_size(3)
        .build(manager)
        .unwrap();
    let c = ObVecClient::from_pool(pool);
    c.set_ef_search(123).unwrap();
    for _ in 0..5 {
        assert_eq!(c.ef_search().unwrap(), 123);
    }
}

#[test]
fn bad_input_is_typed_and_changes_nothing() {
    let db = TestDb::new("obv_bad");
    let c = client(&db);
    create_ds(&c, "items", "l2");
    c.insert("items", &ds_rows([1.0, 0.0, 0.0], [0.0; 3]), None)
        .unwrap();
    let before = count(&c, "items");

    let err = c
        .insert("items", &[json!({ "id": 900, "embedding": [1, 2] })], None)
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
        .insert(
            "items",
            &[json!({ "id": 901, "embedding": [1, 2, "x"] })],
            None,
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "data[0].embedding[2]"),
        "{err:?}"
    );
    let err = c
        .insert("items", &[json!({ "id": 902, "nosuch": 1 })], None)
        .unwrap_err();
    assert!(err.to_string().contains("no column `nosuch`"), "{err}");
    let err = c.insert("nosuch", &[json!({ "id": 1 })], None).unwrap_err();
    assert!(matches!(err, Error::CollectionNotFound { .. }), "{err:?}");
    let err = c
        .insert("bad`name", &[json!({ "id": 1 })], None)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::CollectionNotFound { .. } | Error::Validation { .. }
        ),
        "{err:?}"
    );

    // One bad row in a large batch: nothing of the batch is written.
    let mut batch: Vec<Value> = (1000..3500)
        .map(|id| json!({ "id": id, "embedding": [0.5, 0.5, 0.5] }))
        .collect();
    batch[2400] = json!({ "id": 3400, "embedding": [0.5, 0.5] });
    assert!(c.insert("items", &batch, None).is_err());
    // ... also when the server rejects it (duplicate key in the last chunk).
    batch[2400] = json!({ "id": 1000, "embedding": [0.5, 0.5, 0.5] });
    let err = c.insert("items", &batch, None).unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    assert_eq!(count(&c, "items"), before);

    let search = AnnSearch::new("items", "embedding", vec![f32::NAN, 0.0, 0.0]);
    assert!(matches!(
        c.ann_search(search),
        Err(Error::Validation { .. })
    ));
    let search = AnnSearch::new("items", "embedding", vec![0.0, 0.0]);
    assert!(matches!(
        c.ann_search(search),
        Err(Error::Dimension {
            expected: 3,
            actual: 2
        })
    ));
    let search = AnnSearch::new("items", "meta", vec![0.0, 0.0, 0.0]);
    assert!(matches!(
        c.ann_search(search),
        Err(Error::Validation { .. })
    ));
    let search = AnnSearch::new("items", "embedding", vec![0.0; 3]).topk(20_000);
    assert!(matches!(
        c.ann_search(search),
        Err(Error::Validation { .. })
    ));
    let search = AnnSearch::new("items", "embedding", vec![0.0; 3]).index_hint("nosuch");
    assert!(matches!(
        c.ann_search(search),
        Err(Error::Validation { .. })
    ));
    assert_eq!(count(&c, "items"), before);
}

#[test]
fn ddl_builders_through_the_client_and_every_index_type_finds_the_ds_top5() {
    use diesel_seekdb::ddl::{Column, ColumnType, CreateTable};
    let db = TestDb::new("obv_types");
    let c = client(&db);
    for (i, (kind, params)) in [
        (
            "hnsw",
            "distance=l2, type=hnsw, lib=vsag, m=16, ef_construction=200",
        ),
        ("hnsw_sq", "distance=l2, type=hnsw_sq"),
        ("hnsw_bq", "distance=l2, type=hnsw_bq"),
        ("ivf_flat", "distance=l2, type=ivf_flat, nlist=2"),
        ("ivf_sq8", "distance=l2, type=ivf_sq8, nlist=2"),
        ("ivf_pq", "distance=l2, type=ivf_pq, m=2, nlist=2"),
    ]
    .into_iter()
    .enumerate()
    {
        let table = format!("t_{kind}");
        c.create_table(
            &CreateTable::new(&table)
                .column(Column::new("id", ColumnType::BigInt).primary_key())
                .column(Column::new("embedding", ColumnType::Vector(4)))
                .column(Column::new("meta", ColumnType::Json)),
        )
        .unwrap();
        let rows: Vec<Value> = (0..10)
            .map(|id| json!({ "id": id, "embedding": [0.748479, 0.276979, 0.555195, 0.1] }))
            .chain(
                DS_NEAR
                    .iter()
                    .map(|&id| json!({ "id": id, "embedding": [0, 0, 0, 0] })),
            )
            .collect();
        c.insert(&table, &rows, None).unwrap();
        // IVF indexes are trained on the data present when they are built: load first.
        c.create_index(&table, true, "vidx", &["embedding"], Some(params))
            .unwrap();
        let search = || {
            AnnSearch::new(&table, "embedding", vec![0.0; 4])
                .topk(5)
                .output_columns(["id"])
        };
        let got = c.ann_search(search()).unwrap();
        assert_eq!(ids(&got), DS_NEAR, "{kind}");
        let plan = c.explain_ann_search(search()).unwrap();
        assert!(plan.contains("VECTOR INDEX SCAN"), "{kind}: {plan}");
        // Creating the same vector index twice is refused with a typed server error.
        let err = c
            .create_index(&table, true, "vidx2", &["embedding"], Some(params))
            .unwrap_err();
        assert!(matches!(err, Error::Database { .. }), "{i} {kind}: {err:?}");
    }
    let err = c
        .create_index(
            "t_hnsw",
            true,
            "bad",
            &["embedding"],
            Some("distance=l2, type=hnsw, m=16, ef_construction=8"),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "ef_construction"),
        "{err:?}"
    );

    c.add_columns(
        "t_hnsw",
        vec![Column::new("title", ColumnType::Varchar(64))],
    )
    .unwrap();
    c.create_index("t_hnsw", false, "title_idx", &["title"], None)
        .unwrap();
    let info = c.table_info("t_hnsw").unwrap();
    assert!(info.indexes.iter().any(|i| i.name == "title_idx"));
}

#[test]
fn hybrid_search_combines_text_and_vector_hits() {
    use diesel_seekdb::client::{HybridSearch, Knn, SearchQuery};
    use diesel_seekdb::ddl::{Column, ColumnType, CreateTable, FullTextIndex, Organization};
    use diesel_seekdb::milvus::IndexParams;
    let db = TestDb::new("obv_hyb");
    let c = client(&db);
    let mut vidx = IndexParams::new();
    vidx.add_index("embedding", "HNSW", "vidx", json!({ "metric_type": "L2" }))
        .unwrap();
    c.create_table_with_indexes(
        CreateTable::new("docs")
            .column(Column::new("doc_id", ColumnType::BigInt))
            .column(Column::new("body", ColumnType::Varchar(255)))
            .column(Column::new("embedding", ColumnType::Vector(3)))
            .organization(Organization::Heap),
        Some(&vidx),
        &[FullTextIndex::new("ft_body", ["body"])],
    )
    .unwrap();
    let docs = [
        (1, "rust database client", [1.0, 0.0, 0.0]),
        (2, "python database driver", [0.0, 1.0, 0.0]),
        (3, "cooking with garlic", [0.0, 0.0, 1.0]),
        (4, "gardening in spring", [0.1, 0.0, 1.0]),
    ];
    let rows: Vec<Value> = docs
        .iter()
        .map(|(id, body, v)| json!({ "doc_id": id, "body": body, "embedding": v }))
        .collect();
    c.insert("docs", &rows, None).unwrap();

    let body = HybridSearch::new()
        .query(SearchQuery::query_string(["body"], "database"))
        .knn(Knn::new("embedding", 2, vec![0.0, 0.0, 1.0]))
        .size(10)
        .source(["doc_id", "_keyword_score", "_semantic_score"]);
    // Heap tables index new rows asynchronously (0.1-0.3 s): wait until both sides see them.
    let mut hits = Vec::new();
    for _ in 0..40 {
        hits = c.hybrid_search("docs", &body).unwrap();
        let text = hits
            .iter()
            .filter(|h| {
                h.get("_keyword_score")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
                    > 0.0
            })
            .count();
        let vector = hits
            .iter()
            .filter(|h| {
                h.get("_semantic_score")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
                    > 0.0
            })
            .count();
        if text >= 2 && vector >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let mut found: Vec<i64> = hits.iter().map(|h| h["doc_id"].as_i64().unwrap()).collect();
    found.sort_unstable();
    // 1 and 2 match "database"; 3 and 4 are the vector neighbours of [0,0,1].
    assert_eq!(found, vec![1, 2, 3, 4], "{hits:?}");
    assert!(hits.iter().all(|h| h["_score"].as_f64().is_some()));

    let sql = c.hybrid_search_sql("docs", &body).unwrap();
    assert!(sql.to_lowercase().contains("l2_distance"), "{sql}");
    let err = c
        .hybrid_search(
            "docs",
            &HybridSearch::new().knn(Knn::new("embedding", 2, vec![1.0, 2.0])),
        )
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
    let raw = c
        .hybrid_search_raw(
            "docs",
            &json!({ "query": { "match": { "body": "garlic" } }, "_source": ["doc_id"] }),
        )
        .unwrap();
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0]["doc_id"], 3);
}

#[test]
fn raw_text_sql_runs_statements_with_and_without_rows() {
    let db = TestDb::new("rawsql");
    let c = client(&db);
    let none = c
        .raw_sql("CREATE TABLE raw_t (id INT PRIMARY KEY, v VECTOR(2))")
        .unwrap();
    assert!(none.is_empty());
    c.raw_sql("INSERT INTO raw_t VALUES (1, '[1,2]'), (2, '[3,4]')")
        .unwrap();
    let rows = c.raw_sql("SELECT id, v FROM raw_t ORDER BY id").unwrap();
    assert_eq!(ids(&rows), vec![1, 2]);
    assert_eq!(rows[1]["v"], json!("[3,4]"));
    assert_eq!(count(&c, "raw_t"), 2);
    let err = c.raw_sql("INSERT INTO raw_t VALUES (1, '[9,9]')");
    assert!(matches!(err, Err(Error::Database { .. })), "{err:?}");
    assert_eq!(count(&c, "raw_t"), 2);
}

/// pyobvector's method names (the `client::compat` layer) run the same operations as
/// the Rust names, so code ported from Python keeps working.
#[test]
fn pyobvector_names_work_through_the_compatibility_layer() {
    use diesel_seekdb::ddl::{Column, ColumnType, CreateTable, FullTextIndex};
    use diesel_seekdb::milvus::IndexParam;
    let db = TestDb::new("obv_compat");
    let c = client(&db);
    assert!(!c.check_table_exists("docs").unwrap());
    c.create_table_with_index_params(
        CreateTable::new("docs")
            .column(Column::new("id", ColumnType::BigInt).primary_key())
            .column(Column::new("body", ColumnType::Varchar(255)))
            .column(Column::new("embedding", ColumnType::Vector(3))),
        None,
        &[],
    )
    .unwrap();
    assert!(c.check_table_exists("docs").unwrap());
    assert!(c.table_exists("docs").unwrap());

    let param = IndexParam::new("vidx", "embedding", "HNSW").metric_type("L2");
    c.create_vidx_with_vec_index_param("docs", &param).unwrap();
    let info = c.table_info("docs").unwrap();
    let vidx = info.vector_index_on("embedding").unwrap();
    assert_eq!(
        (vidx.name.as_str(), vidx.distance.as_deref()),
        ("vidx", Some("L2"))
    );
    c.create_fts_idx_with_fts_index_param("docs", &FullTextIndex::new("ft_body", ["body"]))
        .unwrap();
    let info = c.table_info("docs").unwrap();
    assert!(info
        .indexes
        .iter()
        .any(|i| i.name == "ft_body" && i.index_type == "FULLTEXT"));

    c.set_ob_hnsw_ef_search(77).unwrap();
    assert_eq!(c.get_ob_hnsw_ef_search().unwrap(), 77);
    assert_eq!(c.ef_search().unwrap(), 77);

    c.insert(
        "docs",
        &[json!({ "id": 1, "body": "rust client", "embedding": [1, 0, 0] })],
        None,
    )
    .unwrap();
    let rows = c
        .perform_raw_text_sql("SELECT COUNT(*) AS n FROM docs")
        .unwrap();
    assert_eq!(rows[0]["n"].as_i64(), Some(1));
    assert_eq!(rows, c.raw_sql("SELECT COUNT(*) AS n FROM docs").unwrap());

    c.drop_table_if_exist("docs").unwrap();
    assert!(!c.check_table_exists("docs").unwrap());
    // `IF EXISTS`: dropping a missing table is not an error.
    c.drop_table_if_exist("docs").unwrap();
}
