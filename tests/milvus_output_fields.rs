//! pymilvus's output-field forms on the Milvus-style client, against a real seekdb:
//! `output_fields=["count(*)"]` in `query` counts (with a filter and partitions), and
//! `"*"` returns every field in `query`, `get` and `search`.

use diesel_seekdb::ddl::partition::{Partition, PartitionDef, PartitionValue};
use diesel_seekdb::milvus::{DataType, FieldSchema, MilvusFilter, MilvusLikeClient, SearchRequest};
use diesel_seekdb::Error;
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

fn setup(db: &TestDb) -> MilvusLikeClient {
    let c = MilvusLikeClient::from_url(&db.url).unwrap();
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(3))
        .add_field(FieldSchema::new("title", DataType::VarChar).max_length(64))
        .partitions(
            Partition::range("id")
                .partition(PartitionDef::less_than("p0", 100))
                .partition(PartitionDef::less_than("p1", PartitionValue::MaxValue)),
        );
    let mut index = MilvusLikeClient::prepare_index_params();
    index
        .add_index("embedding", "HNSW", "vidx", json!({ "metric_type": "L2" }))
        .unwrap();
    c.create_collection("docs", &schema, Some(&index)).unwrap();
    let rows: Vec<Value> = [1, 2, 3, 150, 151]
        .iter()
        .map(|&id| json!({"id": id, "embedding": [id as f32, 0.0, 1.0], "title": format!("t{id}")}))
        .collect();
    c.insert("docs", &rows, None).unwrap();
    c
}

fn count(rows: &[serde_json::Map<String, Value>]) -> i64 {
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0]["count(*)"].as_i64().unwrap()
}

#[test]
fn count_star_counts_with_filter_and_partitions() {
    let db = TestDb::new("mv_count");
    let c = setup(&db);
    assert_eq!(
        count(&c.query("docs", None, &["count(*)"], &[], None).unwrap()),
        5
    );
    let filter = MilvusFilter::from("id >= 2");
    assert_eq!(
        count(
            &c.query("docs", Some(filter), &["count(*)"], &[], None)
                .unwrap()
        ),
        4
    );
    assert_eq!(
        count(&c.query("docs", None, &["COUNT(*)"], &["p1"], None).unwrap()),
        2
    );
    // Alone only, and not in a search.
    let err = c
        .query("docs", None, &["count(*)", "id"], &[], None)
        .unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err}");
    let err = c
        .search(
            "docs",
            SearchRequest::new("embedding", vec![vec![1.0, 0.0, 1.0]]).output_fields(["count(*)"]),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err}");
}

#[test]
fn star_returns_every_field() {
    let db = TestDb::new("mv_star");
    let c = setup(&db);
    let rows = c
        .query(
            "docs",
            Some(MilvusFilter::from("id == 2")),
            &["*"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["title"], "t2");
    assert_eq!(rows[0]["id"], 2);
    assert_eq!(rows[0]["embedding"], json!([2.0, 0.0, 1.0]));

    let got = c.get("docs", &[json!(150)], &["*"], &[]).unwrap();
    assert_eq!(got[0]["title"], "t150");
    assert!(got[0].contains_key("embedding"));

    let hits = c
        .search(
            "docs",
            SearchRequest::new("embedding", vec![vec![3.0, 0.0, 1.0]])
                .limit(2)
                .output_fields(["*"]),
        )
        .unwrap();
    assert_eq!(hits[0][0].id, json!(3));
    assert_eq!(hits[0][0].entity["title"], "t3");
    assert!(hits[0][0].entity.contains_key("embedding"));
}
