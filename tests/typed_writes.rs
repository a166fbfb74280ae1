//! The typed API's fast writes on a plain Diesel connection: `diesel_ext::insert_rows`
//! (text-protocol multi-row INSERT) and `diesel_ext::bulk_load_model` (a
//! `#[derive(SeekdbTable)]` model loaded all or nothing, index built), and the clients'
//! text-protocol inserts with values that need quoting.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_seekdb::client::{BulkLoadOptions, BulkLoadPhase};
use diesel_seekdb::diesel_ext::{bulk_load_model, insert_rows};
use diesel_seekdb::model::SeekdbTable;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, Vector};
use diesel_seekdb_derive::SeekdbTable;
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

#[derive(SeekdbTable, serde::Serialize)]
#[seekdb(table = "papers")]
struct Paper {
    #[seekdb(primary_key)]
    id: i64,
    #[seekdb(varchar(len = 64))]
    title: String,
    #[seekdb(vector(dim = 4), index(kind = "hnsw", distance = "l2", m = 16))]
    embedding: Vector,
}

fn paper(id: i64) -> Paper {
    let f = id as f32;
    Paper {
        id,
        title: format!("paper {id}: it's \\ \"quoted\" \u{00e9}"),
        embedding: Vector::try_new(vec![f, f / 2.0, 1.0 / (f + 1.0), -f]).unwrap(),
    }
}

#[derive(QueryableByName, Debug)]
struct Back {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    embedding: String,
}

fn read_back(conn: &mut MysqlConnection) -> Vec<Back> {
    diesel::sql_query("SELECT id, title, embedding FROM papers ORDER BY id")
        .load(conn)
        .unwrap()
}

fn assert_same(back: &Back, want: &Paper) {
    assert_eq!(back.id, want.id);
    assert_eq!(back.title, want.title);
    let v = diesel_seekdb::codec::decode(back.embedding.as_bytes()).unwrap();
    for (a, b) in v.iter().zip(want.embedding.as_slice()) {
        assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{v:?}");
    }
}

#[test]
fn typed_insert_rows_and_bulk_load_model() {
    let mut db = TestDb::new("typed_writes");
    db.conn
        .batch_execute(&Paper::create_table_sql().unwrap())
        .unwrap();

    let first: Vec<Paper> = (0..300).map(paper).collect();
    assert_eq!(insert_rows(&mut db.conn, "papers", &first).unwrap(), 300);
    let back = read_back(&mut db.conn);
    assert_eq!(back.len(), 300);
    for (b, w) in back.iter().zip(&first) {
        assert_same(b, w);
    }
    // Checked before sending: a wrong dimension names the row, nothing is written.
    let bad = vec![json!({"id": 900, "title": "x", "embedding": [1.0, 2.0]})];
    let err = insert_rows(&mut db.conn, "papers", &bad).unwrap_err();
    assert!(
        matches!(err, Error::Validation { .. } | Error::Dimension { .. }),
        "{err:?}"
    );

    let phases = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = phases.clone();
    let options = BulkLoadOptions::new()
        .parallel(2)
        .on_progress(move |p| sink.lock().unwrap().push(p.phase));
    let report = bulk_load_model(&mut db.conn, (300..2300).map(paper), options).unwrap();
    assert_eq!((report.rows_loaded, report.rows_total), (2000, 2300));
    assert_eq!(report.indexes_built, vec!["embedding_vidx".to_string()]);
    assert_eq!(phases.lock().unwrap().last(), Some(&BulkLoadPhase::Done));
    let back = read_back(&mut db.conn);
    assert_eq!(back.len(), 2300);
    for id in [0usize, 299, 300, 1234, 2299] {
        assert_same(&back[id], &paper(id as i64));
    }
    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "Query Plan")]
        plan: String,
    }
    let plan: Vec<Plan> = diesel::sql_query(
        "EXPLAIN SELECT id FROM papers ORDER BY l2_distance(embedding, '[1,2,3,4]') \
         APPROXIMATE LIMIT 5",
    )
    .load(&mut db.conn)
    .unwrap();
    let plan: String = plan.into_iter().map(|p| p.plan + "\n").collect();
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
}

fn hostile_rows() -> Vec<Value> {
    vec![
        json!({"id": 1, "note": "it's", "meta": {"k": "a'b\\c"}, "score": 1e300}),
        json!({"id": 2, "note": "back\\slash\nnew line\ttab\u{0}nul", "meta": null, "score": -0.1}),
        json!({"id": 3, "note": "'; DROP TABLE notes; --", "meta": [1, "x"], "score": 0}),
        // No `note`: the column default applies.
        json!({"id": 4, "meta": {}, "score": 2.5}),
        json!({"id": 5, "note": "\u{1F600} emoji", "meta": "str", "score": 3}),
    ]
}

const NOTES: &str = "CREATE TABLE notes (id BIGINT PRIMARY KEY, note VARCHAR(64) DEFAULT 'dflt', \
                     meta JSON, score DOUBLE)";

fn check_notes(rows: Vec<serde_json::Map<String, Value>>) {
    let got: Vec<(i64, Value, f64)> = rows
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["note"].clone(),
                r["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got[0], (1, json!("it's"), 1e300));
    assert_eq!(
        got[1],
        (2, json!("back\\slash\nnew line\ttab\u{0}nul"), -0.1)
    );
    assert_eq!(got[2].1, json!("'; DROP TABLE notes; --"));
    assert_eq!(got[3].1, json!("dflt"));
    assert_eq!(got[4].1, json!("\u{1F600} emoji"));
    let meta: Value = match &rows[0]["meta"] {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        other => other.clone(),
    };
    assert_eq!(meta, json!({"k": "a'b\\c"}));
    assert_eq!(rows[1]["meta"], Value::Null);
}

#[test]
fn blocking_text_inserts_keep_every_value() {
    let db = TestDb::new("text_inserts_b");
    let c = ObVecClient::from_url(&db.url).unwrap();
    c.perform_raw_text_sql(NOTES).unwrap();
    assert_eq!(c.insert("notes", &hostile_rows(), None).unwrap(), 5);
    check_notes(
        c.perform_raw_text_sql("SELECT * FROM notes ORDER BY id")
            .unwrap(),
    );
    // A duplicate key fails the whole call: nothing of it stays.
    let err = c
        .insert("notes", &[json!({"id": 6}), json!({"id": 1})], None)
        .unwrap_err();
    assert_eq!(err.code(), Some(1062), "{err:?}");
    let n = c
        .perform_raw_text_sql("SELECT COUNT(*) AS n FROM notes")
        .unwrap();
    assert_eq!(n[0]["n"].as_i64(), Some(5));
}

#[tokio::test]
async fn async_text_inserts_keep_every_value() {
    let db = TestDb::new("text_inserts_a");
    let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
    c.perform_raw_text_sql(NOTES).await.unwrap();
    assert_eq!(c.insert("notes", &hostile_rows(), None).await.unwrap(), 5);
    check_notes(
        c.perform_raw_text_sql("SELECT * FROM notes ORDER BY id")
            .await
            .unwrap(),
    );
}
