//! Zero and NULL vectors under cosine (issue 11, point 3), on a real seekdb server:
//! seekdb answers NULL for the cosine distance of a zero or NULL vector and NULL sorts
//! first, so every search path must keep such rows out of the top k.

use diesel::prelude::*;
use diesel::sql_types::{Double, Integer, Nullable};
use diesel_seekdb::client::{AnnSearch, Distance};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Map, Value};

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    docs (id) {
        id -> Integer,
        embedding -> Vector,
    }
}

/// The exact match of [`QUERY`].
const EXACT: i32 = 1;
const QUERY: [f32; 3] = [1.0, 0.0, 0.0];
/// Rows whose stored vector is zero.
const ZERO_IDS: [i32; 4] = [20, 21, 22, 23];

/// A cosine-indexed table: the exact match, two near rows, four zero vectors, far
/// rows, and (when `nullable`) two NULL vectors.
fn create(conn: &mut MysqlConnection, nullable: bool) {
    let not_null = if nullable { "" } else { " NOT NULL" };
    diesel::sql_query(format!(
        "CREATE TABLE docs (id INT PRIMARY KEY, embedding VECTOR(3){not_null}, \
         VECTOR INDEX vidx(embedding) WITH (distance=cosine, type=hnsw, lib=vsag))"
    ))
    .execute(conn)
    .unwrap();
    let mut rows = vec![
        "(1, '[1,0,0]')".to_string(),
        "(2, '[1,0.1,0]')".into(),
        "(3, '[1,0,0.2]')".into(),
    ];
    rows.extend(ZERO_IDS.iter().map(|id| format!("({id}, '[0,0,0]')")));
    rows.extend((40..50).map(|id| format!("({id}, '[-1,{},1]')", id - 40)));
    if nullable {
        rows.extend(["(30, NULL)".to_string(), "(31, NULL)".into()]);
    }
    diesel::sql_query(format!("INSERT INTO docs VALUES {}", rows.join(", ")))
        .execute(conn)
        .unwrap();
}

fn explain<Q>(conn: &mut MysqlConnection, query: &Q) -> String
where
    Q: diesel::query_builder::QueryFragment<diesel::mysql::Mysql>,
{
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "Query Plan")]
        line: String,
    }
    // EXPLAIN cannot take bound parameters here: inline our own values in order.
    let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(query).to_string();
    let text = sql.split(" -- binds").next().unwrap_or_default();
    let mut values = ["'[1,0,0]'", "'[1,0,0]'", "3"].into_iter();
    let mut sql = String::new();
    for (i, part) in text.split('?').enumerate() {
        if i > 0 {
            sql.push_str(values.next().expect("three binds"));
        }
        sql.push_str(part);
    }
    let lines: Vec<Line> = diesel::sql_query(format!("EXPLAIN {sql}"))
        .load(conn)
        .unwrap();
    lines
        .into_iter()
        .map(|l| l.line)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn dsl_cosine_distance_is_nullable_and_the_documented_filter_keeps_the_index() {
    let mut db = TestDb::new("vsem_dsl");
    create(&mut db.conn, false);
    let q = Vector::from(QUERY.to_vec());
    let d = docs::embedding.cosine_distance(&q);

    // On a NOT NULL column the server still returns NULL for the zero rows: with the
    // old `Double` typing this load failed with UnexpectedNullError.
    let all: Vec<(i32, Option<f64>)> = docs::table
        .select((docs::id, d))
        .order(docs::id)
        .load(&mut db.conn)
        .unwrap();
    let nulls: Vec<i32> = all.iter().filter(|r| r.1.is_none()).map(|r| r.0).collect();
    assert_eq!(nulls, ZERO_IDS, "{all:?}");

    // Unfiltered exact order: NULL sorts first, ahead of the exact match.
    let exact_unfiltered: Vec<(i32, Option<f64>)> = docs::table
        .select((docs::id, d))
        .order(d)
        .limit(3)
        .load(&mut db.conn)
        .unwrap();
    assert!(exact_unfiltered.iter().all(|r| r.1.is_none()));

    // The documented pattern, exact and through the index: k real rows, best first.
    for approximate in [false, true] {
        let filtered = docs::table
            .select((docs::id, d))
            .filter(d.is_not_null())
            .limit(3)
            .into_boxed();
        let filtered = if approximate {
            filtered.order(d.approximate())
        } else {
            filtered.order(d)
        };
        let rows: Vec<(i32, Option<f64>)> = filtered.load(&mut db.conn).unwrap();
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].0, EXACT, "{rows:?}");
        assert!(rows[0].1.is_some_and(|d| d.abs() < 1e-6), "{rows:?}");
        let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
        assert_eq!(ids, [1, 2, 3], "approximate={approximate}");
    }
    // The checked constructor refuses a zero query before anything is built.
    match docs::embedding.cosine_distance_checked(vec![0.0, 0.0, 0.0]) {
        Err(err) => assert_zero_refused(err),
        Ok(_) => panic!("a zero cosine query was accepted"),
    }
    let checked = docs::embedding.cosine_distance_checked(QUERY).unwrap();
    let best: Vec<i32> = docs::table
        .select(docs::id)
        .filter(checked.clone().is_not_null())
        .order(checked.approximate())
        .limit(1)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(best, [EXACT]);
    let plan = explain(
        &mut db.conn,
        &docs::table
            .select(docs::id)
            .filter(d.is_not_null())
            .order(d.approximate())
            .limit(3),
    );
    assert!(plan.contains("VECTOR INDEX"), "{plan}");
}

fn hit_ids(rows: &[Map<String, Value>]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

fn assert_real_hits(rows: &[Map<String, Value>], k: usize) {
    assert_eq!(rows.len(), k, "{rows:?}");
    assert_eq!(hit_ids(rows)[..3], [1, 2, 3], "{rows:?}");
    for row in rows {
        let d = row["distance"].as_f64();
        assert!(d.is_some_and(f64::is_finite), "{rows:?}");
    }
}

fn search(k: usize) -> AnnSearch {
    AnnSearch::new("docs", "embedding", QUERY.to_vec())
        .distance(Distance::Cosine)
        .with_dist(true)
        .output_columns(["id"])
        .topk(k)
}

fn zero_query() -> AnnSearch {
    AnnSearch::new("docs", "embedding", vec![0.0, 0.0, 0.0]).distance(Distance::Cosine)
}

fn assert_zero_refused(err: Error) {
    match err {
        Error::Validation { parameter, reason } => {
            assert!(reason.contains("zero vector"), "{parameter}: {reason}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn obvec_searches_keep_zero_and_null_vectors_out_and_refuse_zero_queries() {
    let mut db = TestDb::new("vsem_obv");
    create(&mut db.conn, true);
    let c = ObVecClient::from_url(&db.url).unwrap();
    // k = 8 reaches past the three real near rows into the zero/NULL ones.
    assert_real_hits(&c.ann_search(search(8)).unwrap(), 8);
    assert_real_hits(&c.precise_search(search(8)).unwrap(), 8);
    assert_real_hits(&c.post_ann_search(search(8)).unwrap(), 8);
    let plan = c.explain_ann_search(search(8)).unwrap();
    assert!(plan.contains("VECTOR INDEX"), "{plan}");

    assert_zero_refused(c.ann_search(zero_query()).unwrap_err());
    assert_zero_refused(c.precise_search(zero_query()).unwrap_err());
    // A hybrid search's knn part on a cosine-indexed column: refused the same way.
    let body = diesel_seekdb::client::HybridSearch::new().knn(diesel_seekdb::client::Knn::new(
        "embedding",
        3,
        vec![0.0, 0.0, 0.0],
    ));
    assert_zero_refused(c.hybrid_search("docs", &body).unwrap_err());
    // Other metrics accept a zero query.
    let l2 = AnnSearch::new("docs", "embedding", vec![0.0, 0.0, 0.0]).output_columns(["id"]);
    assert_eq!(c.precise_search(l2.topk(2)).unwrap().len(), 2);

    // Writes: a zero vector in a cosine-indexed column is refused, nothing is written.
    let err = c
        .insert(
            "docs",
            &[
                json!({"id": 100, "embedding": [0.5, 0.5, 0.0]}),
                json!({"id": 101, "embedding": [0.0, 0.0, 0.0]}),
            ],
            None,
        )
        .unwrap_err();
    assert_zero_refused(err);
    assert_zero_refused(
        c.upsert("docs", &[json!({"id": 1, "embedding": [0, 0, 0]})], None)
            .unwrap_err(),
    );
    let mut values = Map::new();
    values.insert("embedding".into(), json!([0, 0, 0]));
    assert_zero_refused(
        c.update(
            "docs",
            &values,
            Some(diesel_seekdb::client::Filter::expr(docs::id.eq(1))),
            None,
        )
        .unwrap_err(),
    );
    let n: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM docs WHERE id >= 100")
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(n[0].n, 0);
    let exact: Vec<(i32, Option<f64>)> = docs::table
        .select((
            docs::id,
            docs::embedding.cosine_distance(Vector::from(QUERY.to_vec())),
        ))
        .filter(docs::id.eq(1))
        .load(&mut db.conn)
        .unwrap();
    assert!(
        exact[0].1.is_some_and(|d| d.abs() < 1e-6),
        "row 1 untouched"
    );
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[test]
fn async_searches_keep_zero_and_null_vectors_out_and_refuse_zero_queries() {
    let mut db = TestDb::new("vsem_async");
    create(&mut db.conn, true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
        assert_real_hits(&c.ann_search(search(8)).await.unwrap(), 8);
        assert_real_hits(&c.precise_search(search(8)).await.unwrap(), 8);
        assert_zero_refused(c.ann_search(zero_query()).await.unwrap_err());
        assert_zero_refused(c.precise_search(zero_query()).await.unwrap_err());
    });
}

/// The raw distance really is NULL on the server, so the tests above can fail.
#[test]
fn the_server_returns_null_cosine_distances_for_zero_vectors() {
    let mut db = TestDb::new("vsem_raw");
    #[derive(QueryableByName, Debug)]
    struct Row {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Nullable<Double>)]
        d: Option<f64>,
    }
    create(&mut db.conn, true);
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT id, cosine_distance(embedding, '[1,0,0]') AS d FROM docs ORDER BY d LIMIT 6",
    )
    .load(&mut db.conn)
    .unwrap();
    assert!(rows.iter().all(|r| r.d.is_none()), "{rows:?}");
    assert!(rows.iter().all(|r| r.id != EXACT), "{rows:?}");
}
