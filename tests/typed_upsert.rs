//! Typed upserts on seekdb (issue 11, point 5): `ON DUPLICATE KEY UPDATE col =
//! VALUES(col)` through Diesel's `on_conflict(DuplicatedKeys)`, and the affected-row
//! counts `upsert()` reports.

use diesel::prelude::*;
use diesel_seekdb::diesel_ext::{excluded, values};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{AsyncObVecClient, ObVecClient};
use diesel_seekdb_suite::TestDb;
use serde_json::json;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    items (id) {
        id -> Integer,
        title -> Text,
        hits -> Integer,
        meta -> Nullable<Json>,
        embedding -> Vector,
    }
}

type Row = (i32, String, i32, Option<serde_json::Value>, Vector);

fn create(conn: &mut MysqlConnection) {
    diesel::sql_query(
        "CREATE TABLE items (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL, \
         hits INT NOT NULL, meta JSON, embedding VECTOR(3) NOT NULL, \
         VECTOR INDEX vidx(embedding) WITH (distance=l2, type=hnsw, lib=vsag))",
    )
    .execute(conn)
    .unwrap();
}

fn all(conn: &mut MysqlConnection) -> Vec<Row> {
    items::table.order(items::id).load(conn).unwrap()
}

fn close(a: &Vector, b: &[f32]) -> bool {
    a.len() == b.len()
        && a.as_slice()
            .iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() < 1e-5)
}

#[test]
fn on_duplicate_key_update_with_values_updates_vector_json_and_scalars() {
    let mut db = TestDb::new("upsert_typed");
    create(&mut db.conn);
    let row = |id: i32, title: &str, hits: i32, meta: serde_json::Value, v: [f32; 3]| {
        (
            items::id.eq(id),
            items::title.eq(title.to_string()),
            items::hits.eq(hits),
            items::meta.eq(Some(meta)),
            items::embedding.eq(Vector::from(v)),
        )
    };
    let inserted = diesel::insert_into(items::table)
        .values(row(1, "first", 1, json!({"v": 1}), [1.0, 0.0, 0.0]))
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(inserted, 1);

    // Row 1 exists (counts 2: updated), row 2 is new (counts 1).
    let upsert = diesel::insert_into(items::table)
        .values(vec![
            row(
                1,
                "first v2",
                5,
                json!({"v": 2, "tags": ["a"]}),
                [0.0, 1.0, 0.5],
            ),
            row(2, "second", 7, json!({"v": 1}), [0.0, 0.0, 1.0]),
        ])
        .on_conflict(diesel::dsl::DuplicatedKeys)
        .do_update()
        .set((
            items::title.eq(values(items::title)),
            items::hits.eq(items::hits + values(items::hits)),
            items::meta.eq(values(items::meta)),
            items::embedding.eq(excluded(items::embedding)),
        ));
    let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&upsert).to_string();
    assert!(sql.contains("`embedding` = VALUES(`embedding`)"), "{sql}");
    assert_eq!(upsert.execute(&mut db.conn).unwrap(), 3);

    let rows = all(&mut db.conn);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].1, "first v2");
    assert_eq!(rows[0].2, 6, "hits = old 1 + proposed 5");
    assert_eq!(rows[0].3, Some(json!({"v": 2, "tags": ["a"]})));
    assert!(close(&rows[0].4, &[0.0, 1.0, 0.5]), "{:?}", rows[0].4);
    assert_eq!(rows[1].1, "second");
    assert!(close(&rows[1].4, &[0.0, 0.0, 1.0]));

    // An upsert that changes nothing still counts 2: Diesel connects with
    // CLIENT_FOUND_ROWS, so a matched row counts as affected.
    let same = diesel::insert_into(items::table)
        .values(row(2, "second", 0, json!({"v": 1}), [0.0, 0.0, 1.0]))
        .on_conflict(diesel::dsl::DuplicatedKeys)
        .do_update()
        .set(items::title.eq(values(items::title)))
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(same, 2);

    // The vector index sees the updated vector.
    let nearest: Vec<i32> = items::table
        .select(items::id)
        .order(
            items::embedding
                .l2_distance(Vector::from(vec![0.0, 1.0, 0.5]))
                .approximate(),
        )
        .limit(1)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(nearest, [1]);
}

#[test]
fn upsert_returns_the_servers_affected_row_count() {
    let mut db = TestDb::new("upsert_count");
    create(&mut db.conn);
    let c = ObVecClient::from_url(&db.url).unwrap();
    let r = |id: i32, hits: i32| json!({"id": id, "title": "t", "hits": hits, "embedding": [1.0, 2.0, 3.0]});
    assert_eq!(c.upsert("items", &[r(1, 1), r(2, 1)], None).unwrap(), 2);
    // REPLACE of an existing row deletes and inserts: 2 for row 1, 1 for new row 3.
    assert_eq!(c.upsert("items", &[r(1, 9), r(3, 1)], None).unwrap(), 3);
    let rows = all(&mut db.conn);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(rows[0].2, 9);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let n = rt.block_on(async {
        let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
        c.upsert("items", &[r(2, 4), r(4, 1)], None).await.unwrap()
    });
    assert_eq!(n, 3);
}
