//! pyobvector's MilvusLikeClient scenarios against a real seekdb server.

use diesel_seekdb::ddl::partition::{Partition, PartitionDef, PartitionValue};
use diesel_seekdb::milvus::{
    DataType, FieldSchema, MilvusFilter, MilvusLikeClient, QuickCollection, SearchRequest,
};
use diesel_seekdb::Error;
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

fn client(db: &TestDb) -> MilvusLikeClient {
    MilvusLikeClient::from_url(&db.url).unwrap()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

/// The DS collection: id, embedding VECTOR(3) with an HNSW index, meta JSON, range
/// partitions p0 (< 100) and p1.
fn create_ds(c: &MilvusLikeClient, name: &str, metric: &str) {
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(3))
        .add_field(FieldSchema::new("meta", DataType::Json).nullable(true))
        .partitions(
            Partition::range("id")
                .partition(PartitionDef::less_than("p0", 100))
                .partition(PartitionDef::less_than("p1", PartitionValue::MaxValue)),
        );
    let mut index = MilvusLikeClient::prepare_index_params();
    index
        .add_index(
            "embedding",
            "HNSW",
            "vidx",
            json!({ "metric_type": metric, "params": { "M": 16, "efConstruction": 256 } }),
        )
        .unwrap();
    c.create_collection(name, &schema, Some(&index)).unwrap();
}

fn ds_rows(far: [f32; 3], near: [f32; 3]) -> Vec<Value> {
    (0..10)
        .map(|id| json!({ "id": id, "embedding": far, "meta": { "page": id } }))
        .chain(
            [10, 11, 12, 111, 112]
                .iter()
                .map(|id| json!({ "id": id, "embedding": near, "meta": null })),
        )
        .collect()
}

#[test]
fn quick_mode_collections_and_lifecycle() {
    let db = TestDb::new("mv_quick");
    let c = client(&db);
    c.create_collection_quick("items_int", 3, QuickCollection::default())
        .unwrap();
    c.create_collection_quick(
        "items_str",
        3,
        QuickCollection {
            id_type: DataType::VarChar,
            max_length: 64,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        c.get_collection_stats("items_int").unwrap(),
        json!({ "row_count": 0 })
    );
    assert_eq!(
        c.get_collection_stats("items_str").unwrap(),
        json!({ "row_count": 0 })
    );
    assert!(c.has_collection("items_int").unwrap());
    assert_eq!(
        c.list_collections().unwrap(),
        vec!["items_int", "items_str"]
    );

    let desc = c.describe_collection("items_str").unwrap();
    assert_eq!(desc["fields"][0]["type"], "VARCHAR");
    assert_eq!(desc["fields"][0]["params"]["max_length"], 64);
    assert_eq!(desc["fields"][1]["type"], "FLOAT_VECTOR");
    assert_eq!(desc["fields"][1]["params"]["dim"], 3);
    assert_eq!(desc["indexes"][0]["index_type"], "HNSW");
    assert_eq!(desc["indexes"][0]["metric_type"], "L2");
    assert_eq!(desc["indexes"][0]["field_name"], "vector");

    c.rename_collection("items_int", "renamed").unwrap();
    assert!(!c.has_collection("items_int").unwrap());
    assert!(c.has_collection("renamed").unwrap());
    c.drop_collection("renamed").unwrap();
    assert!(!c.has_collection("renamed").unwrap());

    let err = c.get_collection_stats("nosuch").unwrap_err();
    assert!(
        matches!(err, Error::CollectionNotFound { ref name } if name == "nosuch"),
        "{err:?}"
    );
    let err = c.rename_collection("nosuch", "x").unwrap_err();
    assert!(matches!(err, Error::CollectionNotFound { .. }), "{err:?}");
}

#[test]
fn ds_search_get_query_delete_with_partitions() {
    let db = TestDb::new("mv_ds");
    let c = client(&db);
    create_ds(&c, "ds", "L2");
    c.insert(
        "ds",
        &ds_rows([0.748479, 0.276979, 0.555195], [0.0; 3]),
        None,
    )
    .unwrap();
    assert_eq!(c.get_collection_stats("ds").unwrap()["row_count"], 15);

    let hits = c
        .search(
            "ds",
            SearchRequest::new("embedding", vec![vec![0.0, 0.0, 0.0]])
                .limit(5)
                .output_fields(["id"]),
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        sorted(hits[0].iter().map(|h| h.id.as_i64().unwrap()).collect()),
        vec![10, 11, 12, 111, 112]
    );
    assert!(hits[0].iter().all(|h| h.distance == Some(0.0)));

    // Two query vectors: one hit list each.
    let hits = c
        .search(
            "ds",
            SearchRequest::new(
                "embedding",
                vec![vec![0.0; 3], vec![0.748479, 0.276979, 0.555195]],
            )
            .limit(3)
            .search_params(json!({ "metric_type": "l2", "params": { "ef": 100 } }))
            .unwrap(),
        )
        .unwrap();
    assert_eq!(hits.len(), 2);
    assert!(hits[1].iter().all(|h| h.id.as_i64().unwrap() < 10));

    let hits = c
        .search(
            "ds",
            SearchRequest::new("embedding", vec![vec![0.0; 3]])
                .limit(5)
                .partition_names(["p1"]),
        )
        .unwrap();
    assert_eq!(
        sorted(hits[0].iter().map(|h| h.id.as_i64().unwrap()).collect()),
        vec![111, 112]
    );

    let hits = c
        .search(
            "ds",
            SearchRequest::new("embedding", vec![vec![0.0; 3]])
                .limit(3)
                .filter(r#"meta["page"] >= 5"#)
                .output_fields(["meta"]),
        )
        .unwrap();
    assert_eq!(hits[0].len(), 3);
    assert!(hits[0]
        .iter()
        .all(|h| h.entity["meta"]["page"].as_i64().unwrap() >= 5));

    let rows = c
        .get(
            "ds",
            &[json!(12), json!(90), json!(112), json!(190)],
            &["id", "meta"],
            &[],
        )
        .unwrap();
    assert_eq!(
        sorted(rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()),
        vec![12, 112]
    );

    let rows = c
        .query(
            "ds",
            Some("id < 100 and meta[\"page\"] in [1, 2]".into()),
            &["id"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(
        sorted(rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()),
        vec![1, 2]
    );
    let rows = c
        .query(
            "ds",
            Some(
                MilvusFilter::with_params("id in {ids}", json!({ "ids": [3, 111, 500] })).unwrap(),
            ),
            &["id"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(
        sorted(rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()),
        vec![3, 111]
    );
    assert_eq!(c.query("ds", None, &["id"], &[], Some(4)).unwrap().len(), 4);

    let deleted = c
        .delete("ds", &[json!(12), json!(112)], None, Some("p0"))
        .unwrap();
    assert_eq!(deleted["delete_count"], 1);
    let deleted = c.delete("ds", &[], Some("id >= 100".into()), None).unwrap();
    assert_eq!(deleted["delete_count"], 2);
    assert_eq!(c.get_collection_stats("ds").unwrap()["row_count"], 12);

    // pymilvus counts entities: one replaced row is 1, not the server's 2.
    let upserted = c
        .upsert(
            "ds",
            &[json!({ "id": 1, "embedding": [1, 2, 3], "meta": { "doc": "hhh1" } })],
            None,
        )
        .unwrap();
    assert_eq!(upserted["upsert_count"], 1);
    let rows = c.get("ds", &[json!(1)], &["meta"], &[]).unwrap();
    assert_eq!(rows[0]["meta"], json!({ "doc": "hhh1" }));

    // Bad filters are refused before anything runs.
    let err = c
        .query("ds", Some("nosuch > 1".into()), &[], &[], None)
        .unwrap_err();
    assert!(matches!(err, Error::Filter { offset: 0, .. }), "{err:?}");
    let err = c
        .delete("ds", &[], Some("id == 1; DROP TABLE ds".into()), None)
        .unwrap_err();
    assert!(matches!(err, Error::Filter { .. }), "{err:?}");
    assert_eq!(c.get_collection_stats("ds").unwrap()["row_count"], 12);
}

#[test]
fn neg_ip_search_and_drop_index() {
    let db = TestDb::new("mv_ip");
    let c = client(&db);
    create_ds(&c, "ipc", "IP");
    c.insert("ipc", &ds_rows([1.0, 0.0, 0.0], [0.0, 0.0, 1.0]), None)
        .unwrap();
    for metric in ["neg_ip", "ip"] {
        let hits = c
            .search(
                "ipc",
                SearchRequest::new("embedding", vec![vec![0.0, 0.0, 1.0]])
                    .limit(5)
                    .search_params(json!({ "metric_type": metric }))
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(
            sorted(hits[0].iter().map(|h| h.id.as_i64().unwrap()).collect()),
            vec![10, 11, 12, 111, 112]
        );
        let expected = if metric == "ip" { 1.0 } else { -1.0 };
        assert!(
            hits[0].iter().all(|h| h.distance == Some(expected)),
            "{metric}: {hits:?}"
        );
    }
    // Without a metric, the search uses the index's own (inner product here).
    let hits = c
        .search(
            "ipc",
            SearchRequest::new("embedding", vec![vec![0.0, 0.0, 1.0]]).limit(5),
        )
        .unwrap();
    assert!(hits[0].iter().all(|h| h.distance == Some(1.0)), "{hits:?}");
    c.drop_index("ipc", "vidx").unwrap();
    assert_eq!(c.describe_collection("ipc").unwrap()["indexes"], json!([]));
    c.rebuild_index("ipc", "vidx", 0.2).unwrap_err();
}

#[test]
fn hash_partitioned_schema_with_index_and_wrong_dimensions() {
    let db = TestDb::new("mv_med");
    let c = client(&db);
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(
            FieldSchema::new("id", DataType::Int64)
                .primary()
                .auto_id(true),
        )
        .add_field(FieldSchema::new("title", DataType::VarChar).max_length(512))
        .add_field(FieldSchema::new("title_vector", DataType::FloatVector).dim(8))
        .add_field(FieldSchema::new("reading_time", DataType::Int64))
        .add_field(FieldSchema::new("claps", DataType::Int8))
        .add_field(
            FieldSchema::new("tags", DataType::Array)
                .element_type(DataType::VarChar)
                .max_length(20)
                .nullable(true),
        )
        .partitions(Partition::hash("id").partitions(4));
    let mut index = MilvusLikeClient::prepare_index_params();
    index
        .add_index(
            "title_vector",
            "HNSW",
            "vidx_title_vector",
            json!({ "metric_type": "L2", "params": { "M": 16, "efConstruction": 256 } }),
        )
        .unwrap();
    c.create_collection("medium_articles_2020", &schema, Some(&index))
        .unwrap();
    let desc = c.describe_collection("medium_articles_2020").unwrap();
    assert_eq!(desc["partitions"], json!(["p0", "p1", "p2", "p3"]));
    assert_eq!(desc["fields"][4]["type"], "INT8");

    let rows: Vec<Value> = (0..20)
        .map(|i| {
            json!({
                "title": format!("article {i}"),
                "title_vector": [i as f32, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                "reading_time": i % 7,
                "claps": i * 5,
                "tags": if i % 2 == 0 { json!(["rust", "db"]) } else { json!(["python"]) },
            })
        })
        .collect();
    assert_eq!(
        c.insert("medium_articles_2020", &rows, None).unwrap()["insert_count"],
        20
    );

    let found = c
        .query(
            "medium_articles_2020",
            Some(
                "1 < reading_time <= 3 and array_contains(tags, \"rust\") and not (claps >= 60)"
                    .into(),
            ),
            &["title"],
            &[],
            None,
        )
        .unwrap();
    let mut titles: Vec<String> = found
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    assert_eq!(titles, vec!["article 10", "article 2"]);

    let before = c.get_collection_stats("medium_articles_2020").unwrap();
    let bad = [json!({ "title": "x", "title_vector": [1.0, 2.0], "reading_time": 1, "claps": 1 })];
    let err = c.insert("medium_articles_2020", &bad, None).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Dimension {
                expected: 8,
                actual: 2
            }
        ),
        "{err:?}"
    );
    let err = c
        .search(
            "medium_articles_2020",
            SearchRequest::new("title_vector", vec![vec![1.0; 3]]),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Dimension {
                expected: 8,
                actual: 3
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        c.get_collection_stats("medium_articles_2020").unwrap(),
        before
    );
}

#[test]
fn multi_level_partitions_and_too_many_levels() {
    let db = TestDb::new("mv_multi");
    let c = client(&db);
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("col3", DataType::Int32).primary())
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(3))
        .partitions(
            Partition::range("id")
                .partition(PartitionDef::less_than("p0", 100))
                .partition(PartitionDef::less_than("p1", 200))
                .subpartition_by(Partition::hash("col3").partitions(2)),
        );
    let mut index = MilvusLikeClient::prepare_index_params();
    index
        .add_index("embedding", "HNSW", "vidx", json!({ "metric_type": "L2" }))
        .unwrap();
    c.create_collection("multi", &schema, Some(&index)).unwrap();
    let parts = c.describe_collection("multi").unwrap()["partitions"].clone();
    assert_eq!(
        parts,
        json!(["p0", "p0sp0", "p0sp1", "p1", "p1sp0", "p1sp1"])
    );
    let rows: Vec<Value> = (0..200)
        .step_by(10)
        .map(|id| json!({ "id": id, "col3": id % 3, "embedding": [id as f32, 0.0, 1.0] }))
        .collect();
    c.insert("multi", &rows, None).unwrap();
    let hits = c
        .search(
            "multi",
            SearchRequest::new("embedding", vec![vec![150.0, 0.0, 1.0]])
                .limit(3)
                .partition_names(["p1"]),
        )
        .unwrap();
    assert_eq!(
        sorted(
            hits[0]
                .iter()
                .map(|h| h.id["id"].as_i64().unwrap())
                .collect()
        ),
        vec![140, 150, 160]
    );
    assert!(hits[0].iter().all(|h| h.id["col3"].is_i64()));

    // A third level is refused before anything is sent.
    let mut deep = MilvusLikeClient::create_schema();
    deep.add_field(FieldSchema::new("id", DataType::Int64).primary())
        .partitions(
            Partition::range("id")
                .partition(PartitionDef::less_than("p0", 100))
                .subpartition_by(
                    Partition::hash("id")
                        .partitions(2)
                        .subpartition_by(Partition::hash("id").partitions(2)),
                ),
        );
    let err = c.create_collection("deep", &deep, None).unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert!(!c.has_collection("deep").unwrap());
}

/// The index upkeep, memory and server calls with Milvus-shaped arguments (collection,
/// then index name; an `IndexParam` for the advisor), each equal to the core client's.
#[test]
fn index_upkeep_memory_and_server_passthroughs() {
    let db = TestDb::new("mv_upkeep");
    let c = client(&db);
    create_ds(&c, "docs", "l2");
    let rows: Vec<Value> = (0..20)
        .map(|i| json!({"id": i, "embedding": [i as f32, 1.0, 0.5], "meta": null}))
        .collect();
    c.insert("docs", &rows, None).unwrap();
    c.refresh_index("docs", "vidx", 0).unwrap();
    c.rebuild_index("docs", "vidx", 0.0).unwrap();
    match c.refresh_index("docs", "nosuch", 0) {
        Err(Error::Validation { parameter, reason }) => {
            assert_eq!(parameter, "index_name");
            assert!(reason.contains("no index `nosuch`"), "{reason}");
        }
        other => panic!("{other:?}"),
    }

    let param = diesel_seekdb::milvus::IndexParam::new("vidx2", "embedding", "HNSW")
        .metric_type("COSINE")
        .params(json!({"M": 16}));
    let advice = c.index_memory_advice(&param, 20_000, 128).unwrap();
    assert!(
        advice
            .message
            .starts_with("Suggested minimum vector memory is"),
        "{advice:?}"
    );
    assert!(advice.minimum_bytes > 10 << 20, "{advice:?}");
    let core = c
        .sql_client()
        .index_memory_advice(&param.to_vector_index().unwrap(), 20_000, 128)
        .unwrap();
    assert_eq!(advice, core);
    // An index type the advisor cannot take from a Milvus name is refused before sending.
    let bad = diesel_seekdb::milvus::IndexParam::new("v", "embedding", "NOSUCH");
    assert!(
        matches!(
            c.index_memory_advice(&bad, 10, 3),
            Err(Error::Validation { .. })
        ),
        "NOSUCH index type accepted"
    );

    let memory = c.vector_memory().unwrap();
    assert!(memory.limit > 0 && memory.hold > 0, "{memory:?}");
    assert!(memory.hold <= memory.limit, "{memory:?}");

    let info = c.server_info().unwrap();
    assert_eq!(info.flavor(), diesel_seekdb::server::Flavor::Seekdb);
    assert!(info.kernel_version().is_some(), "{info:?}");
}
