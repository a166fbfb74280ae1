//! Writes and id lookups larger than one statement may be (seekdb's 16 MiB
//! `max_allowed_packet`, the protocol's 65,535 placeholders) against a real server:
//! they are cut to size and stay all-or-nothing.

use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use diesel_seekdb::milvus::{MilvusFilter, MilvusLikeClient, QuickCollection};
use diesel_seekdb::{AsyncObVecClient, ObVecClient, ServerErrorKind};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut diesel::MysqlConnection, table: &str) -> i64 {
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM `{table}`"))
        .get_result::<Count>(conn)
        .unwrap()
        .n
}

fn max_allowed_packet(conn: &mut diesel::MysqlConnection) -> usize {
    diesel::sql_query("SELECT @@max_allowed_packet AS n")
        .get_result::<Count>(conn)
        .unwrap()
        .n as usize
}

/// A 1536-d embedding whose components print with 8-9 significant digits.
fn embedding(seed: i64) -> Vec<f32> {
    (0..1536)
        .map(|d| ((seed * 7919 + d * 104_729) % 1_000_003) as f32 / 1_000_003.0 - 0.5)
        .collect()
}

fn embedding_rows(ids: std::ops::Range<i64>) -> Vec<Value> {
    ids.map(|id| json!({"id": id, "v": embedding(id)}))
        .collect()
}

/// What the rows would weigh as one statement's vector text.
fn vector_text_bytes(rows: &[Value]) -> usize {
    rows.iter()
        .map(|r| {
            let v: Vec<f32> = serde_json::from_value(r["v"].clone()).unwrap();
            diesel_seekdb::codec::encode(&v).unwrap().len()
        })
        .sum()
}

const EMBEDDINGS: &str = "CREATE TABLE emb (id INT PRIMARY KEY, v VECTOR(1536))";

#[test]
fn a_thousand_1536d_embeddings_exceeding_the_packet_limit_insert() {
    let mut db = TestDb::new("batch_emb");
    db.conn.batch_execute(EMBEDDINGS).unwrap();
    let rows = embedding_rows(0..1000);
    let packet = max_allowed_packet(&mut db.conn);
    assert!(
        vector_text_bytes(&rows) > packet,
        "the rows must not fit one statement ({} <= {packet})",
        vector_text_bytes(&rows)
    );
    let client = ObVecClient::from_url(&db.url).unwrap();
    assert_eq!(client.insert("emb", &rows, None).unwrap(), 1000);
    assert_eq!(count(&mut db.conn, "emb"), 1000);
    // The values arrive intact (6 significant digits back).
    let got = client.get("emb", &[json!(999)], None, &["v"], &[]).unwrap();
    let v: Vec<f32> = serde_json::from_value(got[0]["v"].clone()).unwrap();
    for (a, b) in v.iter().zip(embedding(999)) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
    // Upsert takes the same path.
    assert_eq!(client.upsert("emb", &rows, None).unwrap(), 1000);
    assert_eq!(count(&mut db.conn, "emb"), 1000);
}

#[tokio::test]
async fn async_client_cuts_by_bytes_too() {
    let mut db = TestDb::new("batch_emb_async");
    db.conn.batch_execute(EMBEDDINGS).unwrap();
    let rows = embedding_rows(0..1000);
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    assert_eq!(client.insert("emb", &rows, None).await.unwrap(), 1000);
    assert_eq!(count(&mut db.conn, "emb"), 1000);
}

#[test]
fn a_bad_row_in_the_last_batch_leaves_the_table_unchanged() {
    let mut db = TestDb::new("batch_atomic");
    db.conn.batch_execute(EMBEDDINGS).unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    client.insert("emb", &embedding_rows(0..5), None).unwrap();
    // 2,000 new rows (several statements), the last one a duplicate of id 3.
    let mut rows = embedding_rows(100..2099);
    rows.push(json!({"id": 3, "v": embedding(3)}));
    assert!(vector_text_bytes(&rows) > 2 * max_allowed_packet(&mut db.conn));
    let err = client.insert("emb", &rows, None).unwrap_err();
    assert_eq!(err.kind(), Some(ServerErrorKind::DuplicateKey), "{err:?}");
    assert_eq!(err.code(), Some(1062), "{err:?}");
    assert_eq!(count(&mut db.conn, "emb"), 5);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
        let err = client.insert("emb", &rows, None).await.unwrap_err();
        assert_eq!(err.code(), Some(1062), "{err:?}");
    });
    assert_eq!(count(&mut db.conn, "emb"), 5);
}

#[test]
fn a_71_column_table_takes_a_thousand_rows() {
    let mut db = TestDb::new("batch_wide");
    let columns: Vec<String> = (0..70).map(|c| format!("c{c} INT")).collect();
    db.conn
        .batch_execute(&format!(
            "CREATE TABLE wide (id INT PRIMARY KEY, {})",
            columns.join(", ")
        ))
        .unwrap();
    let rows: Vec<Value> = (0..1000)
        .map(|id| {
            let mut row = serde_json::Map::new();
            row.insert("id".into(), json!(id));
            for c in 0..70 {
                row.insert(format!("c{c}"), json!(id * 100 + c));
            }
            Value::Object(row)
        })
        .collect();
    assert!(71 * rows.len() > 65_535);
    let client = ObVecClient::from_url(&db.url).unwrap();
    assert_eq!(client.insert("wide", &rows, None).unwrap(), 1000);
    assert_eq!(count(&mut db.conn, "wide"), 1000);
    let got = client
        .get("wide", &[json!(999)], None, &["c69"], &[])
        .unwrap();
    assert_eq!(got[0]["c69"], json!(99_969));
}

const MANY: i64 = 70_000;

fn many_ids() -> Vec<Value> {
    (0..MANY).map(|id| json!(id)).collect()
}

fn small_rows() -> Vec<Value> {
    (0..MANY)
        .map(|id| json!({"id": id, "vector": [id as f32, 1.0, 2.0]}))
        .collect()
}

#[test]
fn get_and_delete_take_70000_ids() {
    let mut db = TestDb::new("batch_ids");
    let milvus = MilvusLikeClient::from_url(&db.url).unwrap();
    milvus
        .create_collection_quick("items", 3, QuickCollection::default())
        .unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    assert_eq!(
        client.insert("items", &small_rows(), None).unwrap(),
        MANY as usize
    );

    let ids = many_ids();
    let got = client.get("items", &ids, None, &["id"], &[]).unwrap();
    assert_eq!(got.len(), MANY as usize);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = runtime.block_on(async {
        let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
        client.get("items", &ids, None, &["id"], &[]).await.unwrap()
    });
    assert_eq!(got.len(), MANY as usize);
    assert_eq!(
        milvus.get("items", &ids, &["id"], &[]).unwrap().len(),
        MANY as usize
    );

    // Delete all but the last: one statement, all or nothing.
    let deleted = client
        .delete("items", &ids[..ids.len() - 1], None, None)
        .unwrap();
    assert_eq!(deleted, MANY as usize - 1);
    assert_eq!(count(&mut db.conn, "items"), 1);
}

#[test]
fn milvus_id_in_a_70000_element_list_queries_and_deletes() {
    let mut db = TestDb::new("batch_milvus_in");
    let milvus = MilvusLikeClient::from_url(&db.url).unwrap();
    milvus
        .create_collection_quick("items", 3, QuickCollection::default())
        .unwrap();
    milvus.insert("items", &small_rows(), None).unwrap();
    let list: Vec<String> = (0..MANY).map(|id| id.to_string()).collect();
    let expr = format!("id in [{}]", list.join(", "));

    let rows = milvus
        .query(
            "items",
            Some(MilvusFilter::from(expr.as_str())),
            &["id"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(rows.len(), MANY as usize);
    // The same list as a template parameter.
    let filter = MilvusFilter::with_params("id in {ids}", json!({ "ids": many_ids() })).unwrap();
    let rows = milvus
        .query("items", Some(filter), &["id"], &[], None)
        .unwrap();
    assert_eq!(rows.len(), MANY as usize);

    let not_last = format!("id in [{}] and id < {}", list.join(", "), MANY - 1);
    let out = milvus
        .delete("items", &[], Some(MilvusFilter::from(not_last)), None)
        .unwrap();
    assert_eq!(out["delete_count"], json!(MANY - 1));
    assert_eq!(count(&mut db.conn, "items"), 1);
}

#[test]
fn get_and_delete_take_70000_text_ids() {
    let mut db = TestDb::new("batch_text_ids");
    db.conn
        .batch_execute("CREATE TABLE docs (id VARCHAR(32) PRIMARY KEY, n INT)")
        .unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    let rows: Vec<Value> = (0..MANY)
        .map(|i| json!({"id": format!("doc-{i}"), "n": i}))
        .collect();
    assert_eq!(client.insert("docs", &rows, None).unwrap(), MANY as usize);
    let ids: Vec<Value> = (0..MANY).map(|i| json!(format!("doc-{i}"))).collect();

    assert_eq!(
        client.get("docs", &ids, None, &["n"], &[]).unwrap().len(),
        MANY as usize
    );
    let limited = client
        .select("docs", &ids, None, &["n"], &[], Some(40_000))
        .unwrap();
    assert_eq!(limited.len(), 40_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = runtime.block_on(async {
        let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
        client.get("docs", &ids, None, &["n"], &[]).await.unwrap()
    });
    assert_eq!(got.len(), MANY as usize);

    // A Diesel expression filter cannot be repeated over several statements.
    let err = client
        .delete(
            "docs",
            &ids,
            Some(diesel_seekdb::client::Filter::expr(diesel::dsl::sql::<
                diesel::sql_types::Bool,
            >("TRUE"))),
            None,
        )
        .unwrap_err();
    assert!(
        matches!(err, diesel_seekdb::Error::Validation { .. }),
        "{err:?}"
    );
    assert_eq!(count(&mut db.conn, "docs"), MANY);

    let deleted = client.delete("docs", &ids[1..], None, None).unwrap();
    assert_eq!(deleted, MANY as usize - 1);
    assert_eq!(count(&mut db.conn, "docs"), 1);
}
