//! Hostile and bad input against a real seekdb server (issue 6 §2).
//!
//! Every case asserts three things: the exact `diesel_seekdb::Error` variant with a
//! message that names the problem, that nothing panicked, and that the fixture's
//! tables hold exactly the rows and values they held before (row count plus every
//! column of every row, read back from the server).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Integer;
use diesel_seekdb::client::AnnSearch;
use diesel_seekdb::milvus::IndexParam;
use diesel_seekdb::milvus::{DataType, FieldSchema, MilvusFilter, MilvusLikeClient, SearchRequest};
use diesel_seekdb::{Error, ObVecClient, SparseVector, Vector};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Map, Value};

/// Rows in `items` before each case.
const ROWS: i64 = 20;

/// A private database with two tables:
///
/// * `items`: `id BIGINT` key, `title`, `embedding VECTOR(3) NOT NULL` with an HNSW
///   index, `meta JSON`, `sp SPARSEVECTOR`, hash-partitioned into `p0`/`p1`;
/// * `other`: a bystander that hostile names must never reach.
struct Fixture {
    db: TestDb,
    c: ObVecClient,
    m: MilvusLikeClient,
    before: String,
}

impl Fixture {
    fn new(prefix: &str) -> Self {
        let db = TestDb::new(prefix);
        let c = ObVecClient::from_url(&db.url).unwrap();
        c.execute_table_ddl(
            "items",
            "CREATE TABLE items (id BIGINT PRIMARY KEY, title VARCHAR(64), \
             embedding VECTOR(3) NOT NULL, meta JSON, sp SPARSEVECTOR, \
             VECTOR INDEX vidx(embedding) WITH (distance=l2, type=hnsw, lib=vsag)) \
             PARTITION BY HASH(id) PARTITIONS 2",
        )
        .unwrap();
        c.execute_table_ddl(
            "other",
            "CREATE TABLE other (id BIGINT PRIMARY KEY, v VECTOR(3))",
        )
        .unwrap();
        let rows: Vec<Value> = (0..ROWS)
            .map(|id| {
                let title = if id == 3 {
                    "naïve 日本語 🙂".to_string()
                } else {
                    format!("t{id}")
                };
                json!({
                    "id": id,
                    "title": title,
                    "embedding": [id as f32, id as f32 / 2.0, 1.0],
                    "meta": { "page": id % 4 },
                    "sp": { (id + 1).to_string(): 0.5 },
                })
            })
            .collect();
        c.insert("items", &rows, None).unwrap();
        c.insert(
            "other",
            &[
                json!({ "id": 1, "v": [1, 2, 3] }),
                json!({ "id": 2, "v": [4, 5, 6] }),
            ],
            None,
        )
        .unwrap();
        let m = MilvusLikeClient::from_url(&db.url).unwrap();
        let mut f = Fixture {
            db,
            c,
            m,
            before: String::new(),
        };
        f.before = f.snapshot();
        assert_eq!(f.count("items"), ROWS);
        f
    }

    fn count(&self, table: &str) -> i64 {
        self.c
            .perform_raw_text_sql(&format!("SELECT COUNT(*) AS n FROM `{table}`"))
            .unwrap()[0]["n"]
            .as_i64()
            .unwrap()
    }

    /// Every row of both tables as the server returns them, plus the table list.
    fn snapshot(&self) -> String {
        let items = self
            .c
            .perform_raw_text_sql("SELECT id, title, embedding, meta, sp FROM items ORDER BY id")
            .unwrap();
        let other = self
            .c
            .perform_raw_text_sql("SELECT id, v FROM other ORDER BY id")
            .unwrap();
        let tables = self
            .c
            .perform_raw_text_sql(
                "SELECT TABLE_NAME AS t FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
            )
            .unwrap();
        format!(
            "items={} rows {}\nother={}\ntables={}",
            items.len(),
            Value::from(items.into_iter().map(Value::Object).collect::<Vec<_>>()),
            Value::from(other.into_iter().map(Value::Object).collect::<Vec<_>>()),
            Value::from(tables.into_iter().map(Value::Object).collect::<Vec<_>>()),
        )
    }

    /// Row count and content of every table are what they were before the case.
    fn assert_unchanged(&self) {
        assert_eq!(self.count("items"), ROWS);
        assert_eq!(self.snapshot(), self.before, "the fixture's data changed");
    }
}

// ---- expectations on the error ------------------------------------------------------

#[track_caller]
fn validation<T: std::fmt::Debug>(r: Result<T, Error>, parameter: &str, reason: &str) -> Error {
    assert!(
        !reason.is_empty(),
        "name the expected reason: \"\" matches anything"
    );
    let err = r.expect_err("expected a validation error");
    match &err {
        Error::Validation {
            parameter: p,
            reason: why,
        } => {
            assert_eq!(p, parameter, "{err}");
            assert!(why.contains(reason), "reason {why:?} lacks {reason:?}");
        }
        other => panic!("expected Validation({parameter}), got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(parameter) && text.contains(reason), "{text}");
    err
}

#[track_caller]
fn dimension<T: std::fmt::Debug>(r: Result<T, Error>, expected: u32, actual: usize) {
    match r.expect_err("expected a dimension error") {
        Error::Dimension {
            expected: e,
            actual: a,
        } if (e, a) == (expected, actual) => {
            let text = Error::Dimension {
                expected: e,
                actual: a,
            }
            .to_string();
            assert!(
                text.contains(&format!("expected {expected} dimensions, got {actual}")),
                "{text}"
            );
        }
        other => panic!("expected Dimension({expected}, {actual}), got {other:?}"),
    }
}

#[track_caller]
fn not_found<T: std::fmt::Debug>(r: Result<T, Error>, name: &str) {
    match r.expect_err("expected CollectionNotFound") {
        Error::CollectionNotFound { name: n } => {
            assert_eq!(n, name);
            let text = Error::CollectionNotFound { name: n }.to_string();
            assert!(
                text.contains(name) && text.contains("does not exist"),
                "{text}"
            );
        }
        other => panic!("expected CollectionNotFound({name}), got {other:?}"),
    }
}

#[track_caller]
fn filter_error<T: std::fmt::Debug>(r: Result<T, Error>, offset: Option<usize>, message: &str) {
    assert!(
        !message.is_empty(),
        "name the expected message: \"\" matches anything"
    );
    let err = r.expect_err("expected a filter error");
    match &err {
        Error::Filter {
            offset: o,
            message: m,
        } => {
            if let Some(offset) = offset {
                assert_eq!(*o, offset, "{err}");
            }
            assert!(m.contains(message), "message {m:?} lacks {message:?}");
        }
        other => panic!("expected Filter, got {other:?}"),
    }
    assert!(
        err.to_string().contains("invalid filter at offset"),
        "{err}"
    );
}

#[track_caller]
fn database<T: std::fmt::Debug>(r: Result<T, Error>, message: &str) {
    assert!(
        !message.is_empty(),
        "name the expected message: \"\" matches anything"
    );
    let err = r.expect_err("expected a server error");
    match &err {
        Error::Database { message: m, .. } => {
            assert!(m.contains(message), "message {m:?} lacks {message:?}")
        }
        other => panic!("expected Database, got {other:?}"),
    }
    assert!(err.to_string().starts_with("seekdb error"), "{err}");
}

#[track_caller]
fn decode(err: diesel::result::Error, what: &str, reason: &str) {
    assert!(
        !reason.is_empty(),
        "name the expected reason: \"\" matches anything"
    );
    assert!(
        matches!(err, diesel::result::Error::DeserializationError(_)),
        "{err:?}"
    );
    match Error::from(err) {
        Error::Decode { what: w, reason: r } => {
            assert_eq!(w, what);
            assert!(r.contains(reason), "reason {r:?} lacks {reason:?}");
            let text = Error::Decode { what: w, reason: r }.to_string();
            assert!(text.starts_with(&format!("cannot decode {what}")), "{text}");
        }
        other => panic!("expected Decode({what}), got {other:?}"),
    }
}

fn row(id: i64, embedding: Value) -> Value {
    json!({ "id": id, "title": "new", "embedding": embedding })
}

// ---- wrong dimensions ---------------------------------------------------------------

#[test]
fn insert_with_too_few_dimensions() {
    let f = Fixture::new("h_dim_ins");
    dimension(f.c.insert("items", &[row(100, json!([1, 2]))], None), 3, 2);
    f.assert_unchanged();
}

#[test]
fn milvus_insert_with_too_many_dimensions() {
    let f = Fixture::new("h_dim_mv");
    dimension(
        f.m.insert("items", &[row(100, json!([1, 2, 3, 4, 5]))], None),
        3,
        5,
    );
    f.assert_unchanged();
}

#[test]
fn upsert_and_update_with_wrong_dimensions_keep_the_old_vector() {
    let f = Fixture::new("h_dim_ups");
    dimension(f.c.upsert("items", &[row(5, json!([9, 9]))], None), 3, 2);
    dimension(
        f.m.upsert("items", &[row(5, json!([9, 9, 9, 9]))], None),
        3,
        4,
    );
    let mut values = Map::new();
    values.insert("embedding".into(), json!([7, 7]));
    let only_5 = diesel_seekdb::client::Filter::expr(diesel::dsl::sql::<diesel::sql_types::Bool>(
        "`id` = 5",
    ));
    dimension(f.c.update("items", &values, Some(only_5), None), 3, 2);
    f.assert_unchanged();
}

#[test]
fn search_with_wrong_dimensions() {
    let f = Fixture::new("h_dim_srch");
    dimension(
        f.c.ann_search(AnnSearch::new("items", "embedding", vec![0.0, 0.0])),
        3,
        2,
    );
    dimension(
        f.c.precise_search(AnnSearch::new("items", "embedding", vec![0.0; 4])),
        3,
        4,
    );
    // One bad query vector among good ones: no partial answer.
    dimension(
        f.m.search(
            "items",
            SearchRequest::new("embedding", vec![vec![0.0; 3], vec![0.0; 7]]),
        ),
        3,
        7,
    );
    f.assert_unchanged();
}

#[test]
fn diesel_insert_of_a_wrong_dimension_vector_is_typed() {
    let mut f = Fixture::new("h_dim_dsl");
    let err = diesel::sql_query("INSERT INTO other (id, v) VALUES (?, ?)")
        .bind::<Integer, _>(9)
        .bind::<diesel_seekdb::sql_types::Vector, _>(Vector::from(vec![1.0, 2.0]))
        .execute(&mut f.db.conn)
        .unwrap_err();
    dimension(Err::<(), _>(Error::from(err)), 3, 2);
    f.assert_unchanged();
}

// ---- NaN, infinity, empty and mistyped vectors ---------------------------------------

#[test]
fn nan_and_infinity_in_a_diesel_bind_are_refused() {
    let mut f = Fixture::new("h_nan_dsl");
    for (bad, what) in [
        (f32::NAN, "NaN"),
        (f32::INFINITY, "inf"),
        (f32::NEG_INFINITY, "-inf"),
    ] {
        let err = diesel::sql_query("INSERT INTO other (id, v) VALUES (?, ?)")
            .bind::<Integer, _>(9)
            .bind::<diesel_seekdb::sql_types::Vector, _>(Vector::from(vec![1.0, bad, 0.0]))
            .execute(&mut f.db.conn)
            .unwrap_err();
        let err = validation(
            Err::<(), _>(Error::from(err)),
            "vector[1]",
            "is not a finite number; seekdb would silently store it as 0",
        );
        assert!(err.to_string().contains(&format!("{what} is not")), "{err}");
    }
    f.assert_unchanged();
}

#[test]
fn json_numbers_that_overflow_f32_are_refused() {
    let f = Fixture::new("h_inf_json");
    // 1e39 is a finite JSON number but infinite as f32: seekdb would store garbage.
    validation(
        f.c.insert("items", &[row(100, json!([1, 1e39, 0]))], None),
        "data[0].embedding[1]",
        "inf",
    );
    validation(
        f.c.upsert("items", &[row(4, json!([-1e39, 0, 0]))], None),
        "data[0].embedding[0]",
        "-inf",
    );
    f.assert_unchanged();
}

#[test]
fn nan_in_a_serialized_row_is_refused() {
    #[derive(serde::Serialize)]
    struct Row {
        id: i64,
        embedding: Vec<f32>,
    }
    let f = Fixture::new("h_nan_ser");
    // serde_json writes NaN as `null`: the element is reported, not silently zeroed.
    validation(
        f.c.insert_serialize(
            "items",
            &[Row {
                id: 100,
                embedding: vec![0.0, f32::NAN, 1.0],
            }],
            None,
        ),
        "data[0].embedding[1]",
        "expected a number, got null (NaN and infinity become null in JSON)",
    );
    f.assert_unchanged();
}

#[test]
fn nan_and_empty_query_vectors_are_refused() {
    let f = Fixture::new("h_nan_q");
    validation(
        f.c.ann_search(AnnSearch::new(
            "items",
            "embedding",
            vec![f32::NAN, 0.0, 0.0],
        )),
        "vector[0]",
        "NaN",
    );
    validation(
        f.c.ann_search(AnnSearch::new("items", "embedding", Vec::<f32>::new())),
        "vector",
        "at least one dimension",
    );
    validation(
        f.m.search(
            "items",
            SearchRequest::new("embedding", vec![vec![0.0, f32::INFINITY, 0.0]]),
        ),
        "vector[1]",
        "inf",
    );
    validation(
        f.m.search("items", SearchRequest::new("embedding", vec![])),
        "data",
        "no query vectors",
    );
    f.assert_unchanged();
}

#[test]
fn empty_and_mistyped_vectors_are_refused() {
    let f = Fixture::new("h_empty");
    validation(
        f.c.insert("items", &[row(100, json!([]))], None),
        "data[0].embedding",
        "at least one dimension",
    );
    validation(
        f.c.insert("items", &[row(100, json!("[1,2,3]"))], None),
        "data[0].embedding",
        "expects an array of numbers, got a string",
    );
    validation(
        f.c.insert("items", &[row(100, json!([1, "2", 3]))], None),
        "data[0].embedding[1]",
        "expected a number, got a string (\"2\")",
    );
    validation(
        f.c.insert("items", &[row(100, json!({ "0": 1 }))], None),
        "data[0].embedding",
        "got an object",
    );
    f.assert_unchanged();
}

#[test]
fn bad_sparse_values_are_refused() {
    let f = Fixture::new("h_sparse");
    let with_sp = |sp: Value| json!({ "id": 100, "embedding": [0, 0, 0], "sp": sp });
    validation(
        f.c.insert("items", &[with_sp(json!({ "-1": 0.5 }))], None),
        "data[0].sp",
        "non-negative 32-bit integer keys",
    );
    validation(
        f.c.insert("items", &[with_sp(json!({ "4294967296": 0.5 }))], None),
        "data[0].sp",
        "non-negative 32-bit integer keys",
    );
    validation(
        f.c.insert("items", &[with_sp(json!({ "1": "x" }))], None),
        "data[0].sp",
        "numeric values",
    );
    validation(
        f.c.insert("items", &[with_sp(json!([0.5, 1.0]))], None),
        "data[0].sp",
        "an object of index: value pairs",
    );
    validation(
        f.c.insert("items", &[with_sp(json!({ "1": 1e39 }))], None),
        "data[0].sp",
        "inf is not a finite number",
    );
    f.assert_unchanged();
}

// ---- malformed text coming back from the server --------------------------------------

/// A VARCHAR column read as a vector type: whatever text the server sends must
/// decode or fail with `Error::Decode`, never panic.
fn fake_column(f: &mut Fixture, texts: &[&str]) {
    let mut sql = String::from("CREATE TABLE fake (id INT PRIMARY KEY, v VARCHAR(200));");
    for (i, t) in texts.iter().enumerate() {
        sql.push_str(&format!(
            "INSERT INTO fake VALUES ({i}, {});",
            diesel_seekdb::ddl::quote_string(t)
        ));
    }
    f.db.conn.batch_execute(&sql).unwrap();
    f.before = f.snapshot();
}

#[derive(QueryableByName, Debug)]
#[allow(dead_code)]
struct DenseRow {
    #[diesel(sql_type = diesel_seekdb::sql_types::Vector)]
    v: Vector,
}

#[derive(QueryableByName, Debug)]
#[allow(dead_code)]
struct SparseRow {
    #[diesel(sql_type = diesel_seekdb::sql_types::SparseVector)]
    v: SparseVector,
}

fn read_fake<T: QueryableByName<diesel::mysql::Mysql> + 'static>(
    f: &mut Fixture,
    id: usize,
) -> diesel::result::Error {
    diesel::sql_query("SELECT v FROM fake WHERE id = ?")
        .bind::<Integer, _>(id as i32)
        .get_result::<T>(&mut f.db.conn)
        .map(|_| ())
        .expect_err("malformed text must not decode")
}

#[test]
fn malformed_vector_text_is_a_decode_error() {
    let mut f = Fixture::new("h_dec_vec");
    let texts = [
        ("[1,2", "expected"),
        ("hello", "expected"),
        ("[1,,2]", "expected a number"),
        ("[1 2]", "expected"),
        ("[1,2]x", "expected"),
        ("[0x10]", "expected"),
        ("{1:2}", "expected"),
        ("[[1],[2]]", "expected a number"),
        ("[1e]", "expected an exponent"),
    ];
    fake_column(&mut f, &texts.map(|(t, _)| t));
    for (i, (_, reason)) in texts.iter().enumerate() {
        decode(read_fake::<DenseRow>(&mut f, i), "vector", reason);
    }
    f.assert_unchanged();
}

#[test]
fn non_finite_and_empty_vector_text_is_a_decode_error() {
    let mut f = Fixture::new("h_dec_nan");
    let cases = [
        ("[1,NaN]", "expected a number at byte 3"),
        ("[inf]", "expected a number at byte 1"),
        ("[1e39]", "`1e39` does not fit in a 32-bit float"),
        ("[-3.5e38]", "`-3.5e38` does not fit in a 32-bit float"),
        ("[]", "the vector is empty"),
        ("", "expected `[` at byte 0"),
        ("   ", "expected `[` at byte 3"),
    ];
    let texts: Vec<&str> = cases.iter().map(|(text, _)| *text).collect();
    fake_column(&mut f, &texts);
    for (i, (_, reason)) in cases.iter().enumerate() {
        decode(read_fake::<DenseRow>(&mut f, i), "vector", reason);
    }
    f.assert_unchanged();
}

#[test]
fn malformed_sparse_text_is_a_decode_error() {
    let mut f = Fixture::new("h_dec_sp");
    let cases = [
        ("{1:0.5", "expected `,` or `}` at byte 6"),
        ("{a:1}", "expected an unsigned integer index at byte 1"),
        ("{1:NaN}", "expected a number at byte 3"),
        ("{-1:1}", "expected an unsigned integer index at byte 1"),
        ("{4294967296:1}", "exceeds the maximum of 4294967295"),
        ("[1,2]", "expected `{` at byte 0"),
        ("{1:1e39}", "`1e39` does not fit in a 32-bit float"),
        ("{1:}", "expected a number at byte 3"),
        ("{1:2,,3:4}", "expected an unsigned integer index at byte 5"),
    ];
    let texts: Vec<&str> = cases.iter().map(|(text, _)| *text).collect();
    fake_column(&mut f, &texts);
    for (i, (_, reason)) in cases.iter().enumerate() {
        decode(read_fake::<SparseRow>(&mut f, i), "sparse vector", reason);
    }
    f.assert_unchanged();
}

#[test]
fn null_read_as_a_non_null_vector_is_an_error() {
    let mut f = Fixture::new("h_dec_null");
    f.db.conn
        .batch_execute("CREATE TABLE fake (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO fake VALUES (0, NULL)")
        .unwrap();
    f.before = f.snapshot();
    let err = read_fake::<DenseRow>(&mut f, 0);
    match Error::from(err) {
        Error::Diesel(diesel::result::Error::DeserializationError(e)) => {
            assert!(e.to_string().contains("null"), "{e}")
        }
        other => panic!("expected a deserialization error, got {other:?}"),
    }
    f.assert_unchanged();
}

// ---- unknown collections, tables, fields, partitions and indexes ---------------------

#[test]
fn unknown_table_through_the_sql_client() {
    let f = Fixture::new("h_unk_tbl");
    not_found(
        f.c.insert("nosuch", &[row(1, json!([1, 2, 3]))], None),
        "nosuch",
    );
    not_found(
        f.c.upsert("nosuch", &[row(1, json!([1, 2, 3]))], None),
        "nosuch",
    );
    not_found(f.c.get("nosuch", &[json!(1)], None, &[], &[]), "nosuch");
    not_found(f.c.delete("nosuch", &[json!(1)], None, None), "nosuch");
    not_found(
        f.c.ann_search(AnnSearch::new("nosuch", "embedding", vec![0.0; 3])),
        "nosuch",
    );
    assert!(!f.c.check_table_exists("nosuch").unwrap());
    // Raw SQL gets the server's own error, typed.
    database(
        f.c.perform_raw_text_sql("SELECT * FROM nosuch"),
        "doesn't exist",
    );
    f.assert_unchanged();
}

#[test]
fn unknown_collection_through_the_milvus_client() {
    let f = Fixture::new("h_unk_col");
    not_found(
        f.m.insert("ghost", &[row(1, json!([1, 2, 3]))], None),
        "ghost",
    );
    not_found(f.m.query("ghost", None, &[], &[], None), "ghost");
    not_found(
        f.m.search("ghost", SearchRequest::new("embedding", vec![vec![0.0; 3]])),
        "ghost",
    );
    not_found(f.m.describe_collection("ghost"), "ghost");
    not_found(f.m.get_collection_stats("ghost"), "ghost");
    not_found(f.m.delete("ghost", &[json!(1)], None, None), "ghost");
    not_found(f.m.rename_collection("ghost", "ghost2"), "ghost");
    not_found(f.m.drop_index("ghost", "vidx"), "ghost");
    assert!(!f.m.has_collection("ghost").unwrap());
    f.assert_unchanged();
}

#[test]
fn unknown_fields_are_named() {
    let f = Fixture::new("h_unk_fld");
    validation(
        f.c.insert(
            "items",
            &[json!({ "id": 100, "embedding": [0, 0, 0], "nosuch": 1 })],
            None,
        ),
        "data[0].nosuch",
        "table `items` has no column `nosuch`",
    );
    validation(
        f.c.get("items", &[json!(1)], None, &["id", "nosuch"], &[]),
        "output_column_name",
        "no column `nosuch`",
    );
    validation(
        f.c.ann_search(AnnSearch::new("items", "nosuch", vec![0.0; 3])),
        "vec_column_name",
        "no column `nosuch`",
    );
    validation(
        f.c.ann_search(AnnSearch::new("items", "title", vec![0.0; 3])),
        "vec_column_name",
        "not a VECTOR",
    );
    validation(
        f.m.search(
            "items",
            SearchRequest::new("embedding", vec![vec![0.0; 3]]).output_fields(["ghost"]),
        ),
        "output_fields",
        "no column `ghost`",
    );
    validation(
        f.m.search("items", SearchRequest::new("ghost", vec![vec![0.0; 3]])),
        "anns_field",
        "no column `ghost`",
    );
    f.assert_unchanged();
}

#[test]
fn unknown_partitions_are_named() {
    let f = Fixture::new("h_unk_part");
    validation(
        f.c.insert("items", &[row(100, json!([0, 0, 0]))], Some("p9")),
        "partition_names",
        "has no partition `p9` (it has p0, p1)",
    );
    validation(
        f.c.get("items", &[], None, &[], &["p0", "p9"]),
        "partition_names",
        "no partition `p9`",
    );
    validation(
        f.m.search(
            "items",
            SearchRequest::new("embedding", vec![vec![0.0; 3]]).partition_names(["nope"]),
        ),
        "partition_names",
        "no partition `nope`",
    );
    validation(
        f.c.delete("other", &[json!(1)], None, Some("p0")),
        "partition_names",
        "table `other` is not partitioned",
    );
    f.assert_unchanged();
}

#[test]
fn unknown_indexes_are_named() {
    let f = Fixture::new("h_unk_idx");
    validation(
        f.c.refresh_index("items", "ghost_idx", 10_000),
        "index_name",
        "table `items` has no index `ghost_idx`",
    );
    validation(
        f.c.rebuild_index("items", "ghost_idx", 0.2),
        "index_name",
        "no index `ghost_idx`",
    );
    validation(
        f.c.ann_search(AnnSearch::new("items", "embedding", vec![0.0; 3]).index_hint("ghost")),
        "index_hint",
        "no index `ghost`",
    );
    // Dropping an index that does not exist: the server says so; nothing else drops.
    let err =
        f.c.drop_index("items", "vidx`; DROP TABLE other; --")
            .unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    f.assert_unchanged();
}

// ---- hostile identifiers ------------------------------------------------------------

/// Creates, fills, reads and drops a collection called `name`; the fixture's tables
/// are untouched.
fn round_trip_collection(f: &Fixture, name: &str) {
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(3));
    f.m.create_collection(name, &schema, None).unwrap();
    assert!(f.m.has_collection(name).unwrap(), "{name}");
    // seekdb stores table names in lower case.
    assert!(f
        .m
        .list_collections()
        .unwrap()
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name)));
    f.m.insert(name, &[json!({ "id": 1, "embedding": [1, 2, 3] })], None)
        .unwrap();
    assert_eq!(f.m.get_collection_stats(name).unwrap()["row_count"], 1);
    let hits =
        f.m.search(
            name,
            SearchRequest::new("embedding", vec![vec![1.0, 2.0, 3.0]]),
        )
        .unwrap();
    assert_eq!(hits[0][0].id, json!(1));
    f.m.drop_collection(name).unwrap();
    assert!(!f.m.has_collection(name).unwrap(), "{name}");
    f.assert_unchanged();
}

#[test]
fn identifier_with_backticks_is_quoted() {
    let f = Fixture::new("h_id_tick");
    round_trip_collection(&f, "we`ird`` name");
}

#[test]
fn identifier_with_an_injected_statement_is_only_a_name() {
    let f = Fixture::new("h_id_drop");
    round_trip_collection(&f, "x`; DROP TABLE other; --");
    // Never created: reads of it say so and touch nothing.
    not_found(
        f.c.get("items`; DROP TABLE other; --", &[], None, &[], &[]),
        "items`; DROP TABLE other; --",
    );
    f.assert_unchanged();
}

#[test]
fn identifier_with_quotes_is_only_a_name() {
    let f = Fixture::new("h_id_quote");
    round_trip_collection(&f, r#"it's "quoted" \ name"#);
}

#[test]
fn unicode_identifier_round_trips() {
    let f = Fixture::new("h_id_uni");
    round_trip_collection(&f, "向量表_ñ");
}

#[test]
fn too_long_empty_and_nul_identifiers_are_refused() {
    let f = Fixture::new("h_id_len");
    let long = "t".repeat(65);
    validation(
        f.m.has_collection(&long),
        "table_name",
        "65 characters long; seekdb allows at most 64",
    );
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(3));
    // Characters, not bytes: 65 three-byte characters are too long too.
    validation(
        f.m.create_collection(&"表".repeat(65), &schema, None),
        "collection_name",
        "at most 64",
    );
    validation(
        f.m.create_collection("", &schema, None),
        "collection_name",
        "must not be empty",
    );
    validation(
        f.m.create_collection("a\0b", &schema, None),
        "collection_name",
        "must not contain NUL",
    );
    validation(
        f.c.insert("", &[row(1, json!([1, 2, 3]))], None),
        "table_name",
        "empty",
    );
    validation(
        f.m.rename_collection("items", &long),
        "new_name",
        "at most 64",
    );
    f.assert_unchanged();
}

#[test]
fn hostile_column_and_partition_names_are_refused() {
    let f = Fixture::new("h_id_col");
    let evil = "id`) VALUES (1); DROP TABLE other; --";
    validation(
        f.c.insert(
            "items",
            &[json!({ "id": 100, "embedding": [0, 0, 0], evil: 1 })],
            None,
        ),
        &format!("data[0].{evil}"),
        "has no column",
    );
    validation(
        f.c.get("items", &[], None, &[evil], &[]),
        "output_column_name",
        "has no column",
    );
    validation(
        f.c.get("items", &[], None, &[], &["p0`) ; DROP TABLE other; --"]),
        "partition_names",
        "has no partition",
    );
    validation(
        f.c.drop_columns("items", &["embedding", ""]),
        "column_names",
        "must not be empty",
    );
    f.assert_unchanged();
}

// ---- hostile filter strings ---------------------------------------------------------

fn ids(rows: &[Map<String, Value>]) -> Vec<i64> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn filter_with_a_statement_separator_is_refused() {
    let f = Fixture::new("h_f_drop");
    filter_error(
        f.m.query(
            "items",
            Some("id == 1; DROP TABLE other".into()),
            &[],
            &[],
            None,
        ),
        Some(7),
        "expected",
    );
    filter_error(
        f.m.delete(
            "items",
            &[],
            Some("id >= 0; DELETE FROM items".into()),
            None,
        ),
        Some(7),
        "expected",
    );
    f.assert_unchanged();
}

#[test]
fn filter_with_comments_is_refused() {
    let f = Fixture::new("h_f_cmt");
    for (filter, offset, message) in [
        (
            "id == 1 /* */ OR TRUE",
            9,
            "expected a field, literal, `(` or function, found `*`",
        ),
        ("id == 1 -- DROP TABLE other", 16, "unexpected `TABLE`"),
        ("id == 1 # comment", 8, "unexpected character '#'"),
    ] {
        filter_error(
            f.m.delete("items", &[], Some(filter.into()), None),
            Some(offset),
            message,
        );
    }
    f.assert_unchanged();
}

#[test]
fn filter_with_backticks_is_refused() {
    let f = Fixture::new("h_f_tick");
    filter_error(
        f.m.query("items", Some("`id` == 1".into()), &[], &[], None),
        Some(0),
        "unexpected character '`'",
    );
    filter_error(
        f.m.delete("items", &[], Some("id == 1 OR `1` == `1`".into()), None),
        Some(11),
        "unexpected character '`'",
    );
    f.assert_unchanged();
}

#[test]
fn quotes_inside_filter_literals_are_only_data() {
    let f = Fixture::new("h_f_quote");
    for filter in [
        r#"title == "x' OR '1'='1""#,
        r#"title == 'x" OR "1"="1'"#,
        r#"title like "%'; DELETE FROM items; #""#,
        r#"meta["'); DROP TABLE other; --"] == 1"#,
        r#"title == "\\' OR 1=1 -- ""#,
    ] {
        assert_eq!(
            f.m.query("items", Some(filter.into()), &["id"], &[], None)
                .unwrap(),
            Vec::<Map<String, Value>>::new(),
            "{filter}"
        );
        assert_eq!(
            f.m.delete("items", &[], Some(filter.into()), None).unwrap(),
            json!({ "delete_count": 0 }),
            "{filter}"
        );
    }
    // Unbalanced quotes are a filter error at the opening quote.
    filter_error(
        f.m.delete("items", &[], Some(r#"title == "x"#.into()), None),
        Some(9),
        "unterminated string",
    );
    f.assert_unchanged();
}

#[test]
fn unicode_in_filters() {
    let f = Fixture::new("h_f_uni");
    let rows =
        f.m.query(
            "items",
            Some(r#"title == "naïve 日本語 🙂""#.into()),
            &["id"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(ids(&rows), vec![3]);
    let rows =
        f.m.query(
            "items",
            Some(r#"title like "naïve 日%""#.into()),
            &["id"],
            &[],
            None,
        )
        .unwrap();
    assert_eq!(ids(&rows), vec![3]);
    // Offsets count characters, not bytes: the first non-ASCII name character is the
    // 12th; field names are ASCII words.
    filter_error(
        f.m.query("items", Some("id == 1 or 名前 == 2".into()), &[], &[], None),
        Some(11),
        "unexpected character '名'",
    );
    filter_error(
        f.m.query(
            "items",
            Some("id == 1 \u{202e} or id == 2".into()),
            &[],
            &[],
            None,
        ),
        Some(8),
        // The message escapes the invisible character instead of printing it.
        "unexpected character '\\u{202e}'",
    );
    f.assert_unchanged();
}

/// Runs `f` on a thread with the platform's default stack (2 MiB for spawned
/// threads), so deep nesting must be refused before it can overflow the stack.
fn on_default_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().expect("no panic, no overflow")
}

#[test]
fn ten_thousand_deep_nesting_is_refused_without_overflow() {
    let f = Fixture::new("h_f_deep");
    let n = 10_000;
    // Nested 10 000 levels deep: refused by the depth limit.
    let nested = vec![
        format!("{}id == 1{}", "(".repeat(n), ")".repeat(n)),
        format!("{}id == 1", "not ".repeat(n)),
        format!("{}id == 1", "!".repeat(n)),
        format!("id == {}1", "-".repeat(n)),
        format!("id in {}1{}", "[".repeat(n), "]".repeat(n)),
        format!("{}id{} == 1", "array_length(".repeat(n), ")".repeat(n)),
        format!("id == {}1{}", "(1 + ".repeat(n), ")".repeat(n)),
    ];
    // 10 000 terms long but flat: compiled without deep recursion; the server then
    // answers or refuses with a typed error.
    let flat = vec![
        format!("id == -1{}", " or id == -1".repeat(n)),
        format!("id == {}", "1 + ".repeat(n) + "1"),
        format!("meta{} == 1", r#"["a"]"#.repeat(n)),
    ];
    let url = f.db.url.clone();
    let (nested, flat) = on_default_stack(move || {
        let m = MilvusLikeClient::from_url(&url).unwrap();
        let run = |filters: Vec<String>| {
            filters
                .iter()
                .map(|filter| {
                    let q = m.query("items", Some(filter.as_str().into()), &["id"], &[], None);
                    let d = m.delete("items", &[], Some(filter.as_str().into()), None);
                    (q.map(|r| r.len()), d)
                })
                .collect::<Vec<_>>()
        };
        (run(nested), run(flat))
    });
    for (q, d) in nested {
        filter_error(q, None, "nested too deeply");
        filter_error(d, None, "nested too deeply");
    }
    for (i, (q, d)) in flat.into_iter().enumerate() {
        eprintln!("flat filter {i}: query {q:?}, delete {d:?}");
        match (q, d) {
            // None of them matches a row (`id == 10001`, `id == -1`, no key "a").
            (Ok(0), Ok(d)) => assert_eq!(d, json!({ "delete_count": 0 })),
            (Err(Error::Database { .. } | Error::Filter { .. }), Err(e)) => {
                assert!(
                    matches!(e, Error::Database { .. } | Error::Filter { .. }),
                    "{e:?}"
                )
            }
            other => panic!("flat filter {i}: {other:?}"),
        }
    }
    f.assert_unchanged();
}

#[test]
fn filters_on_unknown_fields_or_wrong_types_are_refused() {
    let f = Fixture::new("h_f_type");
    filter_error(
        f.m.query("items", Some("ghost > 1".into()), &[], &[], None),
        Some(0),
        "ghost",
    );
    filter_error(
        f.m.delete("items", &[], Some("embedding > 1".into()), None),
        Some(0),
        "`embedding` is a FLOAT_VECTOR field; expected a scalar, JSON or ARRAY field",
    );
    filter_error(
        f.m.delete("items", &[], Some("id == SLEEP(5)".into()), None),
        Some(6),
        "unknown function `SLEEP`",
    );
    filter_error(
        f.m.delete("items", &[], Some("id in {ids}".into()), None),
        Some(6),
        "ids",
    );
    f.assert_unchanged();
}

// ---- index parameters out of range --------------------------------------------------

/// Tries to add `param` to the `items` table through both clients; the table's
/// indexes stay as they were.
fn bad_index(f: &Fixture, param: IndexParam, parameter: &str, reason: &str) {
    let mut params = MilvusLikeClient::prepare_index_params();
    let added = params.add(param.clone()).map(|_| ());
    let result = match added {
        Err(e) => Err(e),
        Ok(()) => f.m.create_index("items", &params),
    };
    validation(result, parameter, reason);
    validation(
        f.c.create_vidx_with_vec_index_param("items", &param),
        parameter,
        reason,
    );
    let desc = f.m.describe_collection("items").unwrap();
    assert_eq!(desc["indexes"].as_array().unwrap().len(), 1, "{desc}");
    f.assert_unchanged();
}

fn hnsw(params: Value) -> IndexParam {
    IndexParam::new("vidx2", "embedding", "HNSW")
        .metric_type("L2")
        .params(params)
}

#[test]
fn index_m_zero_is_refused() {
    let f = Fixture::new("h_ix_m0");
    bad_index(
        &f,
        hnsw(json!({ "M": 0 })),
        "m",
        "0 is out of range: seekdb accepts 5..=128",
    );
}

#[test]
fn index_m_huge_is_refused() {
    let f = Fixture::new("h_ix_mbig");
    bad_index(
        &f,
        hnsw(json!({ "M": 100_000 })),
        "m",
        "100000 is out of range: seekdb accepts 5..=128",
    );
    bad_index(
        &f,
        hnsw(json!({ "M": 1u64 << 40 })),
        "params.M",
        "too large",
    );
    bad_index(
        &f,
        hnsw(json!({ "M": -16 })),
        "params.M",
        "non-negative integer",
    );
}

#[test]
fn index_ef_construction_zero_is_refused() {
    let f = Fixture::new("h_ix_ef0");
    bad_index(
        &f,
        hnsw(json!({ "efConstruction": 0 })),
        "ef_construction",
        "0 is out of range: seekdb accepts 1..=1000",
    );
    bad_index(
        &f,
        hnsw(json!({ "efConstruction": 1_000_000 })),
        "ef_construction",
        "1000000 is out of range: seekdb accepts 1..=1000",
    );
}

#[test]
fn index_nlist_zero_is_refused() {
    let f = Fixture::new("h_ix_nl0");
    let ivf = |nlist: u64| {
        IndexParam::new("ivf2", "embedding", "IVF_FLAT")
            .metric_type("L2")
            .params(json!({ "nlist": nlist }))
    };
    bad_index(
        &f,
        ivf(0),
        "nlist",
        "0 is out of range: seekdb accepts 1..=65536",
    );
    bad_index(
        &f,
        ivf(1 << 20),
        "nlist",
        "1048576 is out of range: seekdb accepts 1..=65536",
    );
}

#[test]
fn unknown_index_type_metric_and_parameter_are_refused() {
    let f = Fixture::new("h_ix_type");
    bad_index(
        &f,
        IndexParam::new("x", "embedding", "FAISS_MAGIC"),
        "index_type",
        "FAISS_MAGIC",
    );
    bad_index(&f, hnsw(json!({ "turbo": 1 })), "params.turbo", "unknown");
    bad_index(
        &f,
        IndexParam::new("x", "embedding", "HNSW").metric_type("hamming"),
        "metric_type",
        "hamming",
    );
    bad_index(&f, hnsw(json!([16])), "params", "expected a JSON object");
    // pyobvector's string form through create_index.
    validation(
        f.c.create_index("items", true, "x", &["embedding"], Some("distance=l2, m")),
        "vidx_params",
        "`m` is not key=value",
    );
    validation(
        f.c.create_index(
            "items",
            true,
            "x",
            &["embedding"],
            Some("distance=l2, type=hnsw, m=abc"),
        ),
        "params.m",
        "expected a non-negative integer",
    );
    f.assert_unchanged();
}

// ---- a batch with one bad row -------------------------------------------------------

fn big_batch() -> Vec<Value> {
    (1000..3500)
        .map(|id| row(id, json!([0.5, 0.5, 0.5])))
        .collect()
}

#[test]
fn one_bad_dimension_in_a_large_batch_writes_nothing() {
    let f = Fixture::new("h_b_dim");
    let mut batch = big_batch();
    batch[2400] = row(3400, json!([0.5, 0.5]));
    dimension(f.c.insert("items", &batch, None), 3, 2);
    dimension(f.m.upsert("items", &batch, None), 3, 2);
    f.assert_unchanged();
}

#[test]
fn one_server_rejected_row_in_a_large_batch_writes_nothing() {
    let f = Fixture::new("h_b_dup");
    let mut batch = big_batch();
    // Valid for the client, refused by the server in the last statement of the
    // transaction: the first two thousand rows are rolled back.
    batch[2400] = row(5, json!([0.5, 0.5, 0.5]));
    database(f.c.insert("items", &batch, None), "Duplicate entry");
    f.assert_unchanged();
}

#[test]
fn one_malformed_row_in_a_batch_writes_nothing() {
    let f = Fixture::new("h_b_obj");
    let mut batch = big_batch();
    batch[17] = json!([1, 2, 3]);
    validation(
        f.c.insert("items", &batch, None),
        "data[17]",
        "each row must be a JSON object",
    );
    let mut batch = big_batch();
    batch[1999] = json!({ "id": 2999, "embedding": null });
    validation(
        f.c.insert("items", &batch, None),
        "data[1999].embedding",
        "column `embedding` is NOT NULL",
    );
    let mut batch = big_batch();
    batch[3] = json!({ "id": "three", "embedding": [0, 0, 0] });
    validation(
        f.c.insert("items", &batch, None),
        "data[3].id",
        "expects an integer",
    );
    f.assert_unchanged();
}

#[test]
fn one_bad_row_in_an_upsert_of_existing_rows_changes_nothing() {
    let f = Fixture::new("h_b_ups");
    // Every row would overwrite an existing one; the last is malformed.
    let mut batch: Vec<Value> = (0..ROWS).map(|id| row(id, json!([9, 9, 9]))).collect();
    batch.push(row(ROWS - 1, json!([9, f64::MAX, 9])));
    validation(
        f.c.upsert("items", &batch, None),
        &format!("data[{ROWS}].embedding[1]"),
        "inf",
    );
    f.assert_unchanged();
}

// ---- other out-of-range arguments ---------------------------------------------------

#[test]
fn out_of_range_search_arguments() {
    let f = Fixture::new("h_args");
    validation(
        f.c.ann_search(AnnSearch::new("items", "embedding", vec![0.0; 3]).topk(0)),
        "topk",
        "outside 1..=16384",
    );
    validation(
        f.c.ann_search(AnnSearch::new("items", "embedding", vec![0.0; 3]).topk(16_385)),
        "topk",
        "outside 1..=16384",
    );
    validation(
        SearchRequest::new("embedding", vec![vec![0.0; 3]])
            .search_params(json!({ "metric_type": 7 })),
        "search_params.metric_type",
        "must be a string",
    );
    validation(
        SearchRequest::new("embedding", vec![vec![0.0; 3]])
            .search_params(json!({ "params": { "ef": -1 } })),
        "search_params.params.ef",
        "positive integer",
    );
    validation(
        f.c.set_ob_hnsw_ef_search(0),
        "ef_search",
        "0 is outside seekdb's range 1..=160000",
    );
    validation(
        f.c.rebuild_index("items", "vidx", 1.5),
        "trigger_threshold",
        "outside 0..=1",
    );
    f.assert_unchanged();
}

#[test]
fn ids_of_the_wrong_type_delete_nothing() {
    let f = Fixture::new("h_ids");
    validation(
        f.c.delete("items", &[json!(1), json!("2 OR 1=1")], None, None),
        "ids[1]",
        "expects an integer",
    );
    validation(
        f.m.delete("items", &[json!(1), json!({ "$gt": 0 })], None, None),
        "ids[1]",
        "expects an integer",
    );
    validation(
        f.m.get("items", &[json!(1.5)], &[], &[]),
        "ids[0]",
        "expects an integer",
    );
    f.assert_unchanged();
    // A filter given as a `MilvusFilter` with non-object params is refused too.
    assert!(matches!(
        MilvusFilter::with_params("id in {ids}", json!([1])),
        Err(Error::Validation { .. })
    ));
}
