//! The Vector type and the search DSL against a real seekdb server.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel_seekdb::prelude::*;
use diesel_seekdb::Error;
use diesel_seekdb_suite::TestDb;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    docs (id) {
        id -> Integer,
        embedding -> Vector,
        meta -> Nullable<Json>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    maybe (id) {
        id -> Integer,
        embedding -> Nullable<Vector>,
    }
}

#[derive(Insertable, Queryable, Selectable, AsChangeset, Debug, PartialEq)]
#[diesel(table_name = docs)]
struct Doc {
    id: i32,
    embedding: Vector,
    meta: Option<serde_json::Value>,
}

const DS_NEAR: [i32; 5] = [10, 11, 12, 111, 112];

fn create_docs(conn: &mut MysqlConnection, distance: &str) {
    conn.batch_execute(&format!(
        "CREATE TABLE docs (id INT PRIMARY KEY, embedding VECTOR(3) NOT NULL, meta JSON, \
         VECTOR INDEX vidx(embedding) WITH (distance={distance}, type=hnsw, lib=vsag))"
    ))
    .unwrap();
}

/// pyobvector's dataset: ids 0-9 share one vector, 10,11,12,111,112 share another.
fn insert_ds(conn: &mut MysqlConnection, far: [f32; 3], near: [f32; 3]) {
    let rows: Vec<Doc> = (0..10)
        .map(|id| (id, far))
        .chain(DS_NEAR.iter().map(|&id| (id, near)))
        .map(|(id, v)| Doc {
            id,
            embedding: Vector::from(v),
            meta: Some(serde_json::json!({ "page": id % 4 })),
        })
        .collect();
    diesel::insert_into(docs::table)
        .values(&rows)
        .execute(conn)
        .unwrap();
}

fn explain<Q>(conn: &mut MysqlConnection, query: &Q) -> String
where
    Q: diesel::query_builder::QueryFragment<diesel::mysql::Mysql>,
{
    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = Text, column_name = "Query Plan")]
        line: String,
    }
    // EXPLAIN cannot take bound parameters here, so render the query with its binds
    // inlined; the values are our own test vectors.
    let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(query).to_string();
    let (text, binds) = sql.split_once(" -- binds: ").unwrap();
    let binds = binds.trim_start_matches('[').trim_end_matches(']');
    let mut rendered = String::new();
    let mut values = split_binds(binds).into_iter();
    for part in text.split('?') {
        rendered.push_str(part);
        if let Some(v) = values.next() {
            rendered.push_str(&v);
        }
    }
    let plan: Vec<Plan> = diesel::sql_query(format!("EXPLAIN {rendered}"))
        .load(conn)
        .unwrap();
    plan.into_iter()
        .map(|p| p.line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits Diesel's debug bind list (`[Vector([0.0, 0.0, 0.0]), 5]`) into SQL literals.
fn split_binds(binds: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in binds.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(to_literal(current.trim()));
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(to_literal(current.trim()));
    }
    out
}

fn to_literal(bind: &str) -> String {
    match bind
        .strip_prefix("Vector(")
        .and_then(|s| s.strip_suffix(')'))
    {
        Some(list) => format!("'{}'", list.split_whitespace().collect::<String>()),
        None => bind.to_string(),
    }
}

fn ids(mut rows: Vec<i32>) -> Vec<i32> {
    rows.sort_unstable();
    rows
}

#[test]
fn l2_ann_returns_pyobvector_top5_through_the_index() {
    let mut db = TestDb::new("l2");
    create_docs(&mut db.conn, "l2");
    insert_ds(
        &mut db.conn,
        [0.748479, 0.276979, 0.555195],
        [0.0, 0.0, 0.0],
    );

    let q = Vector::from(vec![0.0, 0.0, 0.0]);
    let query = docs::table
        .select((docs::id, docs::embedding.l2_distance(&q)))
        .order(docs::embedding.l2_distance(&q).approximate())
        .limit(5);
    let rows: Vec<(i32, f64)> = query.load(&mut db.conn).unwrap();
    assert_eq!(ids(rows.iter().map(|r| r.0).collect()), DS_NEAR);
    assert!(rows.iter().all(|r| r.1.abs() < 1e-9), "{rows:?}");

    let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
    assert!(
        sql.contains("ORDER BY l2_distance(`docs`.`embedding`, ?) APPROXIMATE LIMIT ?"),
        "{sql}"
    );
    let plan = explain(&mut db.conn, &query);
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
}

#[test]
fn inner_product_index_is_searched_through_negative_inner_product() {
    let mut db = TestDb::new("ip");
    create_docs(&mut db.conn, "inner_product");
    insert_ds(&mut db.conn, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]);

    let q = Vector::from(vec![0.0, 0.0, 1.0]);
    let query = docs::table
        .select((docs::id, docs::embedding.inner_product(&q)))
        .order(docs::embedding.negative_inner_product(&q).approximate())
        .limit(5);
    let rows: Vec<(i32, f64)> = query.load(&mut db.conn).unwrap();
    assert_eq!(ids(rows.iter().map(|r| r.0).collect()), DS_NEAR);
    assert!(rows.iter().all(|r| (r.1 - 1.0).abs() < 1e-9), "{rows:?}");
    let plan = explain(&mut db.conn, &query);
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");

    // Ordering by inner_product descending gives the same rows but by full scan:
    // seekdb never uses the index for it, which is why it has no `.approximate()`.
    let exact = docs::table
        .select(docs::id)
        .order(docs::embedding.inner_product(&q).desc())
        .limit(5);
    assert_eq!(ids(exact.load(&mut db.conn).unwrap()), DS_NEAR);
    let plan = explain(&mut db.conn, &exact);
    assert!(
        !plan.contains("VECTOR INDEX") && plan.contains("FULL SCAN"),
        "{plan}"
    );
}

#[test]
fn cosine_index_and_metric_mismatch() {
    let mut db = TestDb::new("cos");
    create_docs(&mut db.conn, "cosine");
    insert_ds(&mut db.conn, [1.0, 0.0, 0.0], [0.0, 0.5, 0.5]);

    let q = Vector::from(vec![0.0, 1.0, 1.0]);
    let query = docs::table
        .select((docs::id, docs::embedding.cosine_distance(&q)))
        .order(docs::embedding.cosine_distance(&q).approximate())
        .limit(5);
    // cosine_distance is Nullable<Double>: seekdb answers NULL for a zero vector.
    let rows: Vec<(i32, Option<f64>)> = query.load(&mut db.conn).unwrap();
    assert_eq!(ids(rows.iter().map(|r| r.0).collect()), DS_NEAR);
    assert!(
        rows.iter().all(|r| r.1.is_some_and(|d| d.abs() < 1e-6)),
        "{rows:?}"
    );
    assert!(explain(&mut db.conn, &query).contains("VECTOR INDEX SCAN"));

    // l2 ordering on a cosine index silently falls back to an exact scan.
    let mismatch = docs::table
        .select(docs::id)
        .order(docs::embedding.l2_distance(&q).approximate())
        .limit(5);
    let plan = explain(&mut db.conn, &mismatch);
    assert!(
        !plan.contains("VECTOR INDEX") && plan.contains("FULL SCAN"),
        "{plan}"
    );
}

#[test]
fn filtered_ann_on_json_keeps_k_rows() {
    let mut db = TestDb::new("filt");
    create_docs(&mut db.conn, "l2");
    let rows: Vec<Doc> = (0..200)
        .map(|id| Doc {
            id,
            embedding: Vector::from(vec![id as f32, 0.0, 1.0]),
            meta: Some(serde_json::json!({ "page": id % 10 })),
        })
        .collect();
    diesel::insert_into(docs::table)
        .values(&rows)
        .execute(&mut db.conn)
        .unwrap();

    let q = Vector::from(vec![0.0, 0.0, 1.0]);
    let page_is_3 =
        diesel::dsl::sql::<Bool>("JSON_EXTRACT(`docs`.`meta`, '$.page') = ").bind::<BigInt, _>(3);
    let query = docs::table
        .filter(page_is_3)
        .select(docs::id)
        .order(docs::embedding.l2_distance(&q).approximate())
        .limit(5);
    let got: Vec<i32> = query.clone().load(&mut db.conn).unwrap();
    assert_eq!(got, vec![3, 13, 23, 33, 43]);
    let plan = explain(&mut db.conn, &query);
    assert!(plan.contains("VECTOR INDEX"), "{plan}");
}

#[test]
fn null_vectors_give_null_distances() {
    let mut db = TestDb::new("null");
    db.conn
        .batch_execute("CREATE TABLE maybe (id INT PRIMARY KEY, embedding VECTOR(2))")
        .unwrap();
    diesel::insert_into(maybe::table)
        .values(&vec![
            (
                maybe::id.eq(1),
                maybe::embedding.eq(Some(Vector::from(vec![3.0, 4.0]))),
            ),
            (maybe::id.eq(2), maybe::embedding.eq(None::<Vector>)),
        ])
        .execute(&mut db.conn)
        .unwrap();
    let q = Vector::from(vec![0.0, 0.0]);
    type Row = (i32, Option<Vector>, Option<f64>, Option<i64>, Option<f64>);
    let rows: Vec<Row> = maybe::table
        .select((
            maybe::id,
            maybe::embedding,
            maybe::embedding.l2_distance(&q),
            maybe::embedding.vector_dims(),
            maybe::embedding.vector_norm(),
        ))
        .order(maybe::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                1,
                Some(Vector::from(vec![3.0, 4.0])),
                Some(5.0),
                Some(2),
                Some(5.0)
            ),
            (2, None, None, None, None),
        ]
    );
}

#[test]
fn distance_functions_match_seekdb_reference_values() {
    let mut db = TestDb::new("fns");
    db.conn
        .batch_execute(
            "CREATE TABLE docs (id INT PRIMARY KEY, embedding VECTOR(3) NOT NULL, meta JSON)",
        )
        .unwrap();
    diesel::insert_into(docs::table)
        .values((
            docs::id.eq(1),
            docs::embedding.eq(Vector::from(vec![1.0, 2.0, 3.0])),
        ))
        .execute(&mut db.conn)
        .unwrap();
    let b = Vector::from(vec![4.0, 6.0, 8.0]);
    let row: (f64, f64, f64, Option<f64>, f64, f64, f64) = docs::table
        .select((
            docs::embedding.l2_distance(&b),
            docs::embedding.l2_squared(&b),
            docs::embedding.l1_distance(&b),
            docs::embedding.cosine_distance(&b),
            docs::embedding.inner_product(&b),
            docs::embedding.negative_inner_product(&b),
            docs::embedding.cosine_similarity(&b),
        ))
        .first(&mut db.conn)
        .unwrap();
    let expected = (
        7.0710678118654755,
        50.0,
        12.0,
        0.007416666029069763,
        40.0,
        -40.0,
        0.9962916374206543,
    );
    for (got, want) in [
        (row.0, expected.0),
        (row.1, expected.1),
        (row.2, expected.2),
        (row.3.expect("non-zero vectors"), expected.3),
        (row.4, expected.4),
        (row.5, expected.5),
        (row.6, expected.6),
    ] {
        assert!((got - want).abs() < 1e-9, "{got} != {want}");
    }
}

#[test]
fn values_round_trip_within_six_significant_digits() {
    let mut db = TestDb::new("rt");
    db.conn
        .batch_execute(
            "CREATE TABLE docs (id INT PRIMARY KEY, embedding VECTOR(64) NOT NULL, meta JSON)",
        )
        .unwrap();
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let originals: Vec<Doc> = (0..20)
        .map(|id| {
            let values = (0..64)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let mantissa = (state % 2_000_000) as f32 / 1_000_000.0 - 1.0;
                    let scale = [1e-7_f32, 1e-3, 1.0, 1e3, 1e9][(state >> 40) as usize % 5];
                    mantissa * scale
                })
                .collect::<Vec<f32>>();
            Doc {
                id,
                embedding: Vector::from(values),
                meta: None,
            }
        })
        .collect();
    diesel::insert_into(docs::table)
        .values(&originals)
        .execute(&mut db.conn)
        .unwrap();
    let back: Vec<Doc> = docs::table
        .select(Doc::as_select())
        .order(docs::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(back.len(), originals.len());
    for (a, b) in originals.iter().zip(&back) {
        assert_eq!(a.embedding.len(), b.embedding.len());
        for (x, y) in a.embedding.as_slice().iter().zip(b.embedding.as_slice()) {
            let tolerance = x.abs() * 5e-6 + f32::MIN_POSITIVE;
            assert!((x - y).abs() <= tolerance, "{x} came back as {y}");
        }
    }

    // The server holds the exact float: an inner product with a unit vector gives
    // back every bit of the stored value, beyond the 6 digits of the text form.
    let stored: f64 = docs::table
        .filter(docs::id.eq(0))
        .select(docs::embedding.inner_product(Vector::from(unit(64, 0))))
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(stored as f32, originals[0].embedding.as_slice()[0]);
}

fn unit(dim: usize, axis: usize) -> Vec<f32> {
    (0..dim)
        .map(|d| if d == axis { 1.0 } else { 0.0 })
        .collect()
}

fn count(conn: &mut MysqlConnection) -> i64 {
    docs::table.count().get_result(conn).unwrap()
}

#[test]
fn dimension_mismatch_is_typed_and_loses_nothing() {
    let mut db = TestDb::new("dim");
    create_docs(&mut db.conn, "l2");
    insert_ds(&mut db.conn, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]);
    let before = count(&mut db.conn);

    let err = diesel::insert_into(docs::table)
        .values(&Doc {
            id: 500,
            embedding: Vector::from(vec![1.0, 2.0]),
            meta: None,
        })
        .execute(&mut db.conn)
        .unwrap_err();
    let err = Error::from(err);
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
    assert!(err.to_string().contains("expected 3"), "{err}");
    assert_eq!(count(&mut db.conn), before);
}

#[test]
fn nan_and_infinity_are_refused_before_the_server() {
    let mut db = TestDb::new("nan");
    create_docs(&mut db.conn, "l2");
    insert_ds(&mut db.conn, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]);
    let before = count(&mut db.conn);
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let err = diesel::insert_into(docs::table)
            .values(&Doc {
                id: 600,
                embedding: Vector::from(vec![1.0, bad, 0.0]),
                meta: None,
            })
            .execute(&mut db.conn)
            .unwrap_err();
        // A serialization error is raised while binding, before the statement runs.
        assert!(
            matches!(err, diesel::result::Error::SerializationError(_)),
            "{err:?}"
        );
        let err = Error::from(err);
        assert!(
            matches!(&err, Error::Validation { parameter, .. } if parameter == "vector[1]"),
            "{err:?}"
        );
    }
    // A NaN query vector would return arbitrary rows at distance 0: refused too.
    let err = docs::table
        .select(docs::id)
        .order(
            docs::embedding
                .l2_distance(Vector::from(vec![f32::NAN, 0.0, 0.0]))
                .approximate(),
        )
        .limit(3)
        .load::<i32>(&mut db.conn)
        .unwrap_err();
    assert!(matches!(Error::from(err), Error::Validation { .. }));
    assert_eq!(count(&mut db.conn), before);
}

#[test]
fn sql_query_binds_and_reads_vectors_and_updates_through_as_changeset() {
    let mut db = TestDb::new("raw");
    create_docs(&mut db.conn, "l2");
    diesel::sql_query("INSERT INTO docs (id, embedding) VALUES (?, ?)")
        .bind::<Integer, _>(7)
        .bind::<diesel_seekdb::sql_types::Vector, _>(vec![0.5_f32, 0.25, 0.125])
        .execute(&mut db.conn)
        .unwrap();

    #[derive(QueryableByName, Debug)]
    struct Row {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = diesel_seekdb::sql_types::Vector)]
        embedding: Vector,
    }
    let row: Row = diesel::sql_query("SELECT id, embedding FROM docs WHERE id = ?")
        .bind::<Integer, _>(7)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(row.id, 7);
    assert_eq!(row.embedding.as_slice(), &[0.5, 0.25, 0.125]);

    let updated = Doc {
        id: 7,
        embedding: Vector::from(vec![9.0, 8.0, 7.0]),
        meta: Some(serde_json::json!({ "page": 2 })),
    };
    diesel::update(docs::table.find(7))
        .set(&updated)
        .execute(&mut db.conn)
        .unwrap();
    let back: Doc = docs::table
        .find(7)
        .select(Doc::as_select())
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(back, updated);
}

#[test]
fn malformed_vector_text_from_the_server_is_a_deserialization_error() {
    let mut db = TestDb::new("bad");
    db.conn
        .batch_execute(
            "CREATE TABLE fake (id INT PRIMARY KEY, v VARCHAR(64));\
             INSERT INTO fake VALUES (1, '[1,2'), (2, 'hello'), (3, '[1,NaN]'), (4, '[]')",
        )
        .unwrap();
    #[derive(QueryableByName, Debug)]
    #[allow(dead_code)]
    struct Row {
        #[diesel(sql_type = diesel_seekdb::sql_types::Vector)]
        v: Vector,
    }
    for id in 1..=4 {
        let err = diesel::sql_query("SELECT v FROM fake WHERE id = ?")
            .bind::<Integer, _>(id)
            .get_result::<Row>(&mut db.conn)
            .unwrap_err();
        assert!(
            matches!(err, diesel::result::Error::DeserializationError(_)),
            "{id}: {err:?}"
        );
        assert!(matches!(Error::from(err), Error::Decode { .. }));
    }
}

#[test]
fn session_ef_search_and_nprobes() {
    let mut db = TestDb::new("sess");
    assert_eq!(diesel_seekdb::ef_search(&mut db.conn).unwrap(), 64);
    diesel_seekdb::set_ef_search(&mut db.conn, 100).unwrap();
    assert_eq!(diesel_seekdb::ef_search(&mut db.conn).unwrap(), 100);
    diesel_seekdb::set_ivf_nprobes(&mut db.conn, 32).unwrap();
    assert_eq!(diesel_seekdb::ivf_nprobes(&mut db.conn).unwrap(), 32);
    let err = diesel_seekdb::set_ef_search(&mut db.conn, 0).unwrap_err();
    assert!(matches!(&err, Error::Validation { parameter, .. } if parameter == "ef_search"));
    assert_eq!(diesel_seekdb::ef_search(&mut db.conn).unwrap(), 100);
}

#[test]
fn r2d2_pool_applies_session_settings_to_every_connection() {
    use diesel::r2d2::{ConnectionManager, Pool};
    use diesel_seekdb::SessionSettings;
    let db = TestDb::new("pool");
    let pool = Pool::builder()
        .max_size(3)
        .connection_customizer(Box::new(
            SessionSettings::new().ef_search(200).ivf_nprobes(16),
        ))
        .build(ConnectionManager::<MysqlConnection>::new(&db.url))
        .unwrap();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                (
                    diesel_seekdb::ef_search(&mut conn).unwrap(),
                    diesel_seekdb::ivf_nprobes(&mut conn).unwrap(),
                )
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), (200, 16));
    }
}

#[test]
fn session_manager_restores_settings_on_every_checkout() {
    use diesel::r2d2::Pool;
    use diesel_seekdb::{SessionManager, SessionSettings};
    let db = TestDb::new("sessmgr");
    let settings = SessionSettings::new().ef_search(120).ivf_nprobes(12);
    let pool = Pool::builder()
        .max_size(1)
        .build(SessionManager::new(db.url.clone(), settings).unwrap())
        .unwrap();
    {
        let mut conn = pool.get().unwrap();
        assert_eq!(diesel_seekdb::ef_search(&mut *conn).unwrap(), 120);
        // A borrower changes its session; the one connection goes back to the pool.
        diesel_seekdb::set_ef_search(&mut *conn, 7).unwrap();
        diesel_seekdb::set_ivf_nprobes(&mut *conn, 3).unwrap();
        assert_eq!(diesel_seekdb::ef_search(&mut *conn).unwrap(), 7);
    }
    let mut conn = pool.get().unwrap();
    assert_eq!(diesel_seekdb::ef_search(&mut *conn).unwrap(), 120);
    assert_eq!(diesel_seekdb::ivf_nprobes(&mut *conn).unwrap(), 12);
    drop(conn);
    assert_eq!(
        pool.state().connections,
        1,
        "the same connection was reused"
    );

    let err = SessionManager::new(db.url.clone(), SessionSettings::new().ef_search(0)).unwrap_err();
    assert!(matches!(&err, Error::Validation { parameter, .. } if parameter == "ef_search"));
}
