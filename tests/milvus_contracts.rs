//! Milvus contracts of the Milvus-style client, against a real seekdb server: exact
//! string keys, one DDL path through `CreateTable`, Milvus names in
//! `describe_collection`, generated ids from `insert`, and hits without NaN.

use diesel_seekdb::ddl::partition::Partition;
use diesel_seekdb::milvus::IndexParams;
use diesel_seekdb::milvus::{
    CollectionSchema, DataType, FieldSchema, MilvusFilter, MilvusLikeClient, QuickCollection,
    SearchRequest,
};
use diesel_seekdb::Error;
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Map, Value};

fn client(db: &TestDb) -> MilvusLikeClient {
    MilvusLikeClient::from_url(&db.url).unwrap()
}

fn validation_parameter<T: std::fmt::Debug>(r: diesel_seekdb::Result<T>) -> String {
    match r {
        Err(Error::Validation { parameter, .. }) => parameter,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn strings(rows: &[Map<String, Value>], field: &str) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .map(|r| r[field].as_str().expect("a string").to_string())
        .collect();
    v.sort();
    v
}

fn show_create(c: &MilvusLikeClient, table: &str) -> String {
    c.perform_raw_text_sql(&format!("SHOW CREATE TABLE `{table}`"))
        .unwrap()[0]["Create Table"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `id` VARCHAR key, `tag` VARCHAR field, `v` VECTOR(3) (L2 HNSW).
fn create_strings(c: &MilvusLikeClient, name: &str) {
    let mut schema = CollectionSchema::new();
    schema
        .add_field(
            FieldSchema::new("id", DataType::VarChar)
                .max_length(16)
                .primary(),
        )
        .add_field(FieldSchema::new("tag", DataType::VarChar).max_length(16))
        .add_field(FieldSchema::new("v", DataType::FloatVector).dim(3));
    let mut index = IndexParams::new();
    index
        .add_index("v", "HNSW", "v_idx", json!({ "metric_type": "l2" }))
        .unwrap();
    c.create_collection(name, &schema, Some(&index)).unwrap();
}

/// An empty filter string means no WHERE clause (Milvus filter rule 14): every row.
const EVERY_ROW: &str = "";

fn query_ids(c: &MilvusLikeClient, name: &str, filter: &str) -> Vec<String> {
    strings(
        &c.query(name, Some(filter.into()), &["id"], &[], None)
            .unwrap(),
        "id",
    )
}

#[test]
fn string_keys_and_values_are_exact() {
    let db = TestDb::new("mc_exact");
    let c = client(&db);
    create_strings(&c, "s");
    let keys = ["abc", "ABC", "abc "];
    let rows: Vec<Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| json!({ "id": k, "tag": k, "v": [i as f32, 1.0, 0.0] }))
        .collect();
    let inserted = c.insert("s", &rows, None).unwrap();
    assert_eq!(
        inserted,
        json!({ "insert_count": 3, "ids": ["abc", "ABC", "abc "] })
    );
    assert_eq!(c.get_collection_stats("s").unwrap()["row_count"], 3);
    // Keys and values read back as strings, trailing space included.
    assert_eq!(
        query_ids(&c, "s", EVERY_ROW),
        vec!["ABC".to_string(), "abc".into(), "abc ".into()]
    );

    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for field in ["id", "tag"] {
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} == "abc""#)),
            ids(&["abc"])
        );
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} == "abc ""#)),
            ids(&["abc "])
        );
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} != "abc""#)),
            ids(&["ABC", "abc "])
        );
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} in ["abc ", "ABC"]"#)),
            ids(&["ABC", "abc "])
        );
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} not in ["abc"]"#)),
            ids(&["ABC", "abc "])
        );
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} like "ab_""#)),
            ids(&["abc"])
        );
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} like "abc%""#)),
            ids(&["abc", "abc "])
        );
        assert_eq!(
            query_ids(&c, "s", &format!(r#"{field} like "A%""#)),
            ids(&["ABC"])
        );
    }

    for k in keys {
        let got = c.get("s", &[json!(k)], &["id", "tag"], &[]).unwrap();
        assert_eq!(got.len(), 1, "get({k:?}): {got:?}");
        assert_eq!(got[0]["id"], json!(k));
        assert_eq!(got[0]["tag"], json!(k));
    }
    assert!(c
        .get("s", &[json!("Abc")], &["id"], &[])
        .unwrap()
        .is_empty());

    // Search hits carry the exact key.
    let hits = c
        .search(
            "s",
            SearchRequest::new("v", vec![vec![2.0, 1.0, 0.0]]).limit(1),
        )
        .unwrap();
    assert_eq!(hits[0][0].id, json!("abc "));

    assert_eq!(
        c.delete("s", &[json!("abc ")], None, None).unwrap(),
        json!({ "delete_count": 1 })
    );
    assert_eq!(query_ids(&c, "s", EVERY_ROW), ids(&["ABC", "abc"]));
    assert_eq!(
        c.delete("s", &[], Some(MilvusFilter::from(r#"id == "ABC""#)), None)
            .unwrap(),
        json!({ "delete_count": 1 })
    );
    assert_eq!(query_ids(&c, "s", EVERY_ROW), ids(&["abc"]));

    // A key that differs only by a trailing space is a new key, not a duplicate.
    c.insert(
        "s",
        &[json!({ "id": "abc  ", "tag": "x", "v": [0, 0, 1] })],
        None,
    )
    .unwrap();
    assert!(c
        .insert(
            "s",
            &[json!({ "id": "abc", "tag": "x", "v": [0, 0, 1] })],
            None
        )
        .is_err());
    assert_eq!(query_ids(&c, "s", EVERY_ROW), ids(&["abc", "abc  "]));

    // Quick mode gets the same byte-exact key.
    c.create_collection_quick(
        "q",
        3,
        QuickCollection {
            id_type: DataType::VarChar,
            max_length: 8,
            ..Default::default()
        },
    )
    .unwrap();
    let rows: Vec<Value> = keys
        .iter()
        .map(|k| json!({ "id": k, "vector": [1, 2, 3] }))
        .collect();
    c.insert("q", &rows, None).unwrap();
    assert_eq!(c.get_collection_stats("q").unwrap()["row_count"], 3);
    let ddl = show_create(&c, "q");
    assert!(ddl.contains("`id` varbinary(8) NOT NULL"), "{ddl}");
}

#[test]
fn create_collection_renders_through_create_table() {
    let db = TestDb::new("mc_ddl");
    let c = client(&db);
    let mut schema = CollectionSchema::new();
    schema
        .add_field(
            FieldSchema::new("id", DataType::VarChar)
                .max_length(32)
                .primary(),
        )
        .add_field(FieldSchema::new("title", DataType::VarChar).max_length(64))
        .add_field(FieldSchema::new("v", DataType::FloatVector).dim(3))
        .add_field(FieldSchema::new("meta", DataType::Json).nullable(true));
    let mut index = IndexParams::new();
    index
        .add_index(
            "v",
            "HNSW",
            "v_idx",
            json!({ "metric_type": "cosine", "params": { "M": 8 } }),
        )
        .unwrap();
    let sql = schema
        .to_create_table("docs", Some(&index))
        .unwrap()
        .to_sql()
        .unwrap();
    assert_eq!(
        sql,
        "CREATE TABLE `docs` (`id` VARCHAR(32) CHARACTER SET `binary` NOT NULL, \
         `title` VARCHAR(64) COLLATE `utf8mb4_bin` NOT NULL, `v` VECTOR(3) NOT NULL, \
         `meta` JSON, PRIMARY KEY (`id`), \
         VECTOR INDEX `v_idx` (`v`) WITH (distance=cosine, type=hnsw, lib=vsag, m=8))"
    );
    c.create_collection("docs", &schema, Some(&index)).unwrap();
    let ddl = show_create(&c, "docs");
    assert!(ddl.contains("`id` varbinary(32) NOT NULL"), "{ddl}");
    assert!(
        ddl.contains("`title` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"),
        "{ddl}"
    );

    // The table builder's rules now run for collections, before any SQL is sent.
    let mut bad = schema.clone();
    bad.partitions(Partition::hash("title").partitions(2));
    let r = c.create_collection("bad1", &bad, Some(&index));
    assert_eq!(validation_parameter(r), "partition");
    let mut on_json = IndexParams::new();
    on_json
        .add_index("meta", "HNSW", "m_idx", json!({ "metric_type": "l2" }))
        .unwrap();
    let r = c.create_collection("bad2", &schema, Some(&on_json));
    assert_eq!(validation_parameter(r), "vector_indexes.m_idx");
    let mut sparse = CollectionSchema::new();
    sparse
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("sv", DataType::SparseFloatVector));
    let mut hnsw_on_sparse = IndexParams::new();
    hnsw_on_sparse
        .add_index("sv", "HNSW", "s_idx", json!({ "metric_type": "ip" }))
        .unwrap();
    let r = c.create_collection("bad3", &sparse, Some(&hnsw_on_sparse));
    assert_eq!(validation_parameter(r), "index_type");
    let mut bad_m = IndexParams::new();
    let r = match bad_m.add_index(
        "v",
        "HNSW",
        "v_idx",
        json!({ "metric_type": "l2", "params": { "M": 0 } }),
    ) {
        Ok(_) => c.create_collection("bad4", &schema, Some(&bad_m)),
        Err(e) => Err(e),
    };
    validation_parameter(r);
    for name in ["bad1", "bad2", "bad3", "bad4"] {
        assert!(!c.has_collection(name).unwrap(), "{name} was created");
    }
}

#[test]
fn describe_collection_uses_milvus_names() {
    let db = TestDb::new("mc_desc");
    let c = client(&db);
    let mut schema = CollectionSchema::new();
    schema
        .add_field(
            FieldSchema::new("id", DataType::Int64)
                .primary()
                .auto_id(true),
        )
        .add_field(FieldSchema::new("b", DataType::Bool))
        .add_field(FieldSchema::new("i8", DataType::Int8))
        .add_field(FieldSchema::new("i16", DataType::Int16))
        .add_field(FieldSchema::new("i32", DataType::Int32))
        .add_field(FieldSchema::new("f", DataType::Float))
        .add_field(FieldSchema::new("d", DataType::Double))
        .add_field(FieldSchema::new("s", DataType::VarChar).max_length(40))
        .add_field(FieldSchema::new("txt", DataType::String).nullable(true))
        .add_field(FieldSchema::new("j", DataType::Json).nullable(true))
        .add_field(
            FieldSchema::new("ai", DataType::Array)
                .element_type(DataType::Int32)
                .nullable(true),
        )
        .add_field(
            FieldSchema::new("as", DataType::Array)
                .element_type(DataType::VarChar)
                .max_length(20)
                .nullable(true),
        )
        .add_field(FieldSchema::new("v", DataType::FloatVector).dim(4))
        .add_field(FieldSchema::new("sv", DataType::SparseFloatVector).nullable(true));
    let mut index = IndexParams::new();
    index
        .add_index(
            "v",
            "HNSW",
            "v_idx",
            json!({ "metric_type": "COSINE", "params": { "M": 20, "efConstruction": 100 } }),
        )
        .unwrap();
    c.create_collection("all_types", &schema, Some(&index))
        .unwrap();
    let desc = c.describe_collection("all_types").unwrap();
    let fields = desc["fields"].as_array().unwrap();
    let types: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        types,
        vec![
            ("id", "INT64"),
            ("b", "BOOL"),
            ("i8", "INT8"),
            ("i16", "INT16"),
            ("i32", "INT32"),
            ("f", "FLOAT"),
            ("d", "DOUBLE"),
            ("s", "VARCHAR"),
            ("txt", "STRING"),
            ("j", "JSON"),
            ("ai", "ARRAY"),
            ("as", "ARRAY"),
            ("v", "FLOAT_VECTOR"),
            ("sv", "SPARSE_FLOAT_VECTOR"),
        ]
    );
    assert_eq!(desc["auto_id"], true);
    assert_eq!(fields[0]["is_primary"], true);
    assert_eq!(fields[0]["auto_id"], true);
    assert_eq!(fields[7]["params"]["max_length"], 40);
    assert_eq!(fields[10]["element_type"], "INT32");
    assert_eq!(fields[10]["params"]["element_type"], "INT32");
    assert_eq!(fields[11]["element_type"], "VARCHAR");
    assert_eq!(fields[11]["params"]["max_length"], 20);
    assert_eq!(fields[12]["params"]["dim"], 4);
    let indexes = desc["indexes"].as_array().unwrap();
    assert_eq!(indexes.len(), 1, "{desc}");
    assert_eq!(indexes[0]["index_name"], "v_idx");
    assert_eq!(indexes[0]["field_name"], "v");
    assert_eq!(indexes[0]["index_type"], "HNSW");
    assert_eq!(indexes[0]["metric_type"], "COSINE");
    assert_eq!(indexes[0]["params"]["m"], 20);
    assert_eq!(indexes[0]["params"]["ef_construction"], 100);

    // Inner product is Milvus's IP.
    c.create_collection_quick(
        "ipq",
        3,
        QuickCollection {
            metric_type: "ip".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let desc = c.describe_collection("ipq").unwrap();
    assert_eq!(desc["indexes"][0]["metric_type"], "IP");
    assert_eq!(desc["auto_id"], false);
}

/// Checks that `ids` are the rows' real keys: each row carries `n`, its position.
fn assert_ids_are_real(c: &MilvusLikeClient, name: &str, ids: &[Value]) {
    let mut params = Map::new();
    params.insert("ids".into(), Value::Array(ids.to_vec()));
    let rows = c
        .query(
            name,
            Some(MilvusFilter::with_params("id in {ids}", Value::Object(params)).unwrap()),
            &["id", "n"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(rows.len(), ids.len());
    for row in rows {
        let n = row["n"].as_u64().unwrap() as usize;
        assert_eq!(row["id"], ids[n], "row {n}");
    }
}

fn auto_schema(partitioned: bool) -> CollectionSchema {
    let mut schema = CollectionSchema::new();
    schema
        .add_field(
            FieldSchema::new("id", DataType::Int64)
                .primary()
                .auto_id(true),
        )
        .add_field(FieldSchema::new("n", DataType::Int64))
        .add_field(FieldSchema::new("v", DataType::FloatVector).dim(2));
    if partitioned {
        schema.partitions(Partition::hash("id").partitions(3));
    }
    schema
}

#[test]
fn insert_returns_the_generated_ids() {
    let db = TestDb::new("mc_autoid");
    let c = client(&db);
    for (name, partitioned) in [("auto", false), ("auto_parts", true)] {
        c.create_collection(name, &auto_schema(partitioned), None)
            .unwrap();
        let rows = |from: usize, count: usize| -> Vec<Value> {
            (from..from + count)
                .map(|n| json!({ "n": n, "v": [n as f32, 1.0] }))
                .collect()
        };
        let first = c.insert(name, &rows(0, 3), None).unwrap();
        assert_eq!(first["insert_count"], 3);
        let ids = first["ids"].as_array().unwrap().clone();
        assert_ids_are_real(&c, name, &ids);

        // More rows than one INSERT statement takes: ids from every statement.
        let second = c.insert(name, &rows(0, 2500), None).unwrap();
        assert_eq!(second["insert_count"], 2500);
        let more = second["ids"].as_array().unwrap().clone();
        let mut distinct: Vec<i64> = ids
            .iter()
            .chain(&more)
            .map(|v| v.as_i64().unwrap())
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 2503);
        // Rows 0..2500 of the second insert, looked up by the ids it reported.
        c.delete(name, &ids, None, None).unwrap();
        assert_ids_are_real(&c, name, &more);
        assert_eq!(c.get_collection_stats(name).unwrap()["row_count"], 2500);

        // Rows that give their own keys report those keys.
        let given = c
            .insert(name, &[json!({ "id": 900_000, "n": 0, "v": [0, 0] })], None)
            .unwrap();
        assert_eq!(given, json!({ "insert_count": 1, "ids": [900_000] }));
        // Some rows with a key and some without is refused; nothing is written.
        let mixed = [
            json!({ "id": 900_001, "n": 0, "v": [0, 0] }),
            json!({ "n": 1, "v": [0, 0] }),
        ];
        assert_eq!(
            validation_parameter(c.insert(name, &mixed, None)),
            "data[1].id"
        );
        assert_eq!(c.get_collection_stats(name).unwrap()["row_count"], 2501);
    }

    // A composite key (generated id + partitioning column): each id is an object.
    let mut schema = CollectionSchema::new();
    schema
        .add_field(
            FieldSchema::new("id", DataType::Int64)
                .primary()
                .auto_id(true),
        )
        .add_field(FieldSchema::new("part", DataType::Int64).primary())
        .add_field(FieldSchema::new("v", DataType::FloatVector).dim(2))
        .partitions(Partition::hash("part").partitions(2));
    c.create_collection("auto_pair", &schema, None).unwrap();
    let rows: Vec<Value> = (0..4)
        .map(|p| json!({ "part": p, "v": [p as f32, 0.0] }))
        .collect();
    let out = c.insert("auto_pair", &rows, None).unwrap();
    let keys = out["ids"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 4, "{out}");
    for (p, key) in keys.iter().enumerate() {
        assert_eq!(key["part"], json!(p), "{out}");
        let filter = format!("id == {} and part == {p}", key["id"]);
        let got = c
            .query("auto_pair", Some(filter.as_str().into()), &["v"], &[], None)
            .unwrap();
        assert_eq!(got.len(), 1, "{filter}: {got:?}");
        assert_eq!(got[0]["v"], json!([p as f32, 0.0]), "{filter}");
    }
}

#[test]
fn null_and_zero_vectors_never_outrank_real_matches() {
    let db = TestDb::new("mc_zero");
    let c = client(&db);
    for metric in ["cosine", "l2", "ip"] {
        let name = format!("z_{metric}");
        let mut schema = CollectionSchema::new();
        schema
            .add_field(FieldSchema::new("id", DataType::Int64).primary())
            .add_field(FieldSchema::new("n", DataType::Int64))
            .add_field(
                FieldSchema::new("v", DataType::FloatVector)
                    .dim(3)
                    .nullable(true),
            );
        let mut index = IndexParams::new();
        index
            .add_index("v", "HNSW", "v_idx", json!({ "metric_type": metric }))
            .unwrap();
        c.create_collection(&name, &schema, Some(&index)).unwrap();
        let rows = vec![
            json!({ "id": 1, "n": 1, "v": [1, 0, 0] }),
            json!({ "id": 2, "n": 1, "v": [0.9, 0.1, 0] }),
            json!({ "id": 3, "n": 2, "v": [0, 1, 0] }),
            json!({ "id": 4, "n": 1, "v": [0, 0, 0] }),
            json!({ "id": 5, "n": 1, "v": null }),
            json!({ "id": 6, "n": 2, "v": [0, 0, 0] }),
            json!({ "id": 7, "n": 1, "v": null }),
        ];
        if metric == "cosine" {
            // The client refuses zero vectors for a cosine index (their distance is
            // NULL); rows written by other programs can still hold them.
            let r = c.insert(&name, &rows, None);
            assert!(validation_parameter(r).ends_with(".v"));
            let (zero, rest): (Vec<Value>, Vec<Value>) =
                rows.into_iter().partition(|r| r["v"] == json!([0, 0, 0]));
            c.insert(&name, &rest, None).unwrap();
            for r in zero {
                c.perform_raw_text_sql(&format!(
                    "INSERT INTO `{name}` (id, n, v) VALUES ({}, {}, '[0,0,0]')",
                    r["id"], r["n"]
                ))
                .unwrap();
            }
        } else {
            c.insert(&name, &rows, None).unwrap();
        }
        let search = |request: SearchRequest| c.search(&name, request).unwrap().remove(0);
        let hits = search(SearchRequest::new("v", vec![vec![1.0, 0.0, 0.0]]).limit(3));
        assert_eq!(hits.len(), 3, "{metric}: {hits:?}");
        assert_eq!(hits[0].id, json!(1), "{metric}: {hits:?}");
        assert!(
            hits.iter().all(|h| h.distance.is_some()),
            "{metric}: {hits:?}"
        );
        assert!(
            hits.iter().all(|h| h.id != json!(5) && h.id != json!(7)),
            "{metric}: NULL vectors ranked: {hits:?}"
        );
        if metric == "cosine" {
            assert_eq!(hits[1].id, json!(2), "{hits:?}");
            assert!(
                hits.iter().all(|h| h.id != json!(4) && h.id != json!(6)),
                "zero vectors ranked: {hits:?}"
            );
            let all = search(SearchRequest::new("v", vec![vec![1.0, 0.0, 0.0]]).limit(10));
            let mut ids: Vec<i64> = all.iter().map(|h| h.id.as_i64().unwrap()).collect();
            ids.sort_unstable();
            assert_eq!(ids, vec![1, 2, 3], "{all:?}");
            // With a user filter too.
            let filtered = search(
                SearchRequest::new("v", vec![vec![1.0, 0.0, 0.0]])
                    .limit(3)
                    .filter("n == 1"),
            );
            let ids: Vec<Value> = filtered.iter().map(|h| h.id.clone()).collect();
            assert_eq!(ids, vec![json!(1), json!(2)], "{filtered:?}");
            // A zero query vector has no cosine distance.
            let r = c.search(
                &name,
                SearchRequest::new("v", vec![vec![1.0, 0.0, 0.0], vec![0.0; 3]]),
            );
            assert_eq!(validation_parameter(r), "data[1]");
            // JSON keeps a missing distance as null, never NaN.
            assert!(Value::from(all[0].clone())["distance"].is_number());
        }
    }
}
