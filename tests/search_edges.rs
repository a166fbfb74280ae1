//! Issue 11, point 5 edges on a real seekdb server: `array_to_string` as a typed
//! function, and EXPLAIN for `precise_search` / `post_ann_search`.

use diesel::prelude::*;
use diesel_seekdb::client::{AnnSearch, Distance};
use diesel_seekdb::diesel_ext::array_to_string;
use diesel_seekdb::{AsyncObVecClient, ObVecClient};
use diesel_seekdb_suite::TestDb;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::{Array, Vector};
    ar (id) {
        id -> Integer,
        nums -> Nullable<Array>,
        words -> Nullable<Array>,
        embedding -> Vector,
    }
}

#[test]
fn array_to_string_joins_arrays_and_vectors() {
    let mut db = TestDb::new("edge_a2s");
    diesel::sql_query(
        "CREATE TABLE ar (id INT PRIMARY KEY, nums ARRAY(INT), words ARRAY(VARCHAR(10)), \
         embedding VECTOR(3) NOT NULL)",
    )
    .execute(&mut db.conn)
    .unwrap();
    diesel::sql_query(
        "INSERT INTO ar VALUES (1, '[1,2,3]', '[\"x\",\"y\"]', '[1,2.5,3]'), \
         (2, NULL, '[]', '[0,0,0]'), (3, '[1,null,3]', '[\"a\",null]', '[-1,0,1]')",
    )
    .execute(&mut db.conn)
    .unwrap();
    type Row = (i32, Option<String>, Option<String>, Option<String>, String);
    let rows: Vec<Row> = ar::table
        .select((
            ar::id,
            array_to_string(ar::nums, ","),
            array_to_string(ar::nums, ",").null_text("NULL"),
            array_to_string(ar::words, "|").null_text("*"),
            array_to_string(ar::embedding, " "),
        ))
        .order(ar::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                1,
                Some("1,2,3".into()),
                Some("1,2,3".into()),
                Some("x|y".into()),
                "1 2.5 3".into()
            ),
            (2, None, None, Some(String::new()), "0 0 0".into()),
            (
                3,
                Some("1,3".into()),
                Some("1,NULL,3".into()),
                Some("a|*".into()),
                "-1 0 1".into()
            ),
        ]
    );
    // Usable in a filter like any Text expression.
    let hit: Vec<i32> = ar::table
        .filter(array_to_string(ar::words, "|").eq("x|y"))
        .select(ar::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(hit, [1]);
}

fn setup(c: &ObVecClient) {
    c.execute_table_ddl(
        "items",
        "CREATE TABLE items (id INT PRIMARY KEY, embedding VECTOR(3), \
         VECTOR INDEX vidx(embedding) WITH (distance=l2, type=hnsw, lib=vsag))",
    )
    .unwrap();
    let rows: Vec<serde_json::Value> = (1..=20)
        .map(|i| serde_json::json!({"id": i, "embedding": [i, 1, 0]}))
        .collect();
    c.insert("items", &rows, None).unwrap();
}

fn search() -> AnnSearch {
    AnnSearch::new("items", "embedding", vec![3.0, 1.0, 0.0])
        .distance(Distance::L2)
        .topk(3)
}

#[test]
fn precise_and_post_ann_searches_can_be_explained() {
    let db = TestDb::new("edge_explain");
    let c = ObVecClient::from_url(&db.url).unwrap();
    setup(&c);
    let ann = c.explain_ann_search(search()).unwrap();
    assert!(ann.contains("VECTOR INDEX SCAN"), "{ann}");
    for plan in [
        c.explain_precise_search(search()).unwrap(),
        c.explain_post_ann_search(search()).unwrap(),
    ] {
        // The exact form scans the table and sorts: no vector index.
        assert!(
            plan.contains("Query Plan") || plan.contains("OPERATOR"),
            "{plan}"
        );
        assert!(!plan.contains("VECTOR INDEX"), "{plan}");
        assert!(
            plan.contains("TOP-N SORT") || plan.contains("SORT"),
            "{plan}"
        );
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
        let plan = c.explain_precise_search(search()).await.unwrap();
        assert!(!plan.contains("VECTOR INDEX"), "{plan}");
        assert!(plan.contains("SORT"), "{plan}");
        let plan = c.explain_post_ann_search(search()).await.unwrap();
        assert!(!plan.contains("VECTOR INDEX"), "{plan}");
        let hits = c.post_ann_search(search()).await.unwrap();
        assert_eq!(hits[0]["id"], 3);
        let plan = c.explain_ann_search(search()).await.unwrap();
        assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
    });
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    items (id) {
        id -> Integer,
        embedding -> Nullable<Vector>,
    }
}

#[test]
fn approximate_mistakes_are_refused_before_sending_not_by_a_1064() {
    use diesel_seekdb::diesel_ext::{check_approximate, ApproximateQueryDsl};
    use diesel_seekdb::prelude::*;
    let mut db = TestDb::new("edge_approx");
    setup(&ObVecClient::from_url(&db.url).unwrap());
    let d = || items::embedding.l2_distance(Vector::from(vec![3.0, 1.0, 0.0]));

    // Unchecked, the server answers with a bare syntax error.
    let raw = items::table
        .select(items::id)
        .order(d().approximate())
        .load::<i32>(&mut db.conn)
        .unwrap_err();
    assert!(raw.to_string().contains("syntax"), "{raw}");

    let refused = |err: diesel::result::Error, why: &str| match err {
        diesel::result::Error::SerializationError(e) => {
            assert!(e.to_string().contains(why), "{e}");
        }
        other => panic!("expected a refusal before sending, got {other:?}"),
    };
    refused(
        items::table
            .select(items::id)
            .order(d().approximate())
            .checked_approximate()
            .load::<i32>(&mut db.conn)
            .unwrap_err(),
        "needs a LIMIT",
    );
    refused(
        items::table
            .select(items::id)
            .order((d().approximate(), items::id))
            .limit(3)
            .checked_approximate()
            .load::<i32>(&mut db.conn)
            .unwrap_err(),
        "only ORDER BY item",
    );
    refused(
        items::table
            .select(items::id)
            .order(d().approximate())
            .limit(16_385)
            .checked_approximate()
            .load::<i32>(&mut db.conn)
            .unwrap_err(),
        "at most 16384",
    );
    let good = items::table
        .select(items::id)
        .order(d().approximate())
        .limit(3);
    assert!(check_approximate(&good).is_ok());
    let mut ids: Vec<i32> = good.checked_approximate().load(&mut db.conn).unwrap();
    assert_eq!(ids[0], 3, "the exact match first");
    ids[1..].sort_unstable();
    assert_eq!(ids, [3, 2, 4], "then the two rows at distance 1");
}
