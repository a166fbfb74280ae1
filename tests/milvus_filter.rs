//! Milvus filter strings compiled to SQL and run against a real seekdb: each case
//! states the ids a filter must select, covering NULLs, missing JSON keys, case and
//! trailing-space string variants, and JSON `"5"` against `5`.

use diesel::{QueryableByName, RunQueryDsl};
use diesel_seekdb::fragment::SqlFragment;
use diesel_seekdb::milvus::filter::{compile, FieldKind, FilterParams, FilterSchema, ScalarKind};
use diesel_seekdb::Error;
use serde_json::json;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

fn schema() -> FilterSchema {
    FilterSchema::new()
        .field("id", FieldKind::Scalar(ScalarKind::Int64))
        .field("age", FieldKind::Scalar(ScalarKind::Int32))
        .field("score", FieldKind::Scalar(ScalarKind::Float))
        .field("price", FieldKind::Scalar(ScalarKind::Double))
        .field("name", FieldKind::Scalar(ScalarKind::VarChar))
        .field("flag", FieldKind::Scalar(ScalarKind::Bool))
        .field("meta", FieldKind::Json)
        .field("tags", FieldKind::Array(ScalarKind::Int32))
        .field("labels", FieldKind::Array(ScalarKind::VarChar))
        .table_alias("t")
}

const SETUP: &[&str] = &[
    "CREATE TABLE t (id BIGINT PRIMARY KEY, age INT, score FLOAT, price DOUBLE, \
     name VARCHAR(64), flag BOOL, meta JSON, tags ARRAY(INT), labels ARRAY(VARCHAR(20)))",
    r#"INSERT INTO t VALUES
     (1, 10, 0.1, 1.5, 'abc', TRUE,
      '{"k": 5, "s": "abc", "b": true, "arr": [1, 2, "x"], "n": null, "nested": {"a": [10, 20]}}',
      '[1, 2, 3]', '["数据库", "x"]'),
     (2, 20, 2.5, 2.5, 'ABC', FALSE, '{"k": "5", "s": "ABC", "b": 1, "arr": "1"}', '[4]', '["abc "]'),
     (3, 30, NULL, NULL, 'abc ', NULL, '{"k": 5.0, "s": "abc ", "arr": []}', NULL, NULL),
     (4, NULL, 1, 0, NULL, TRUE, NULL, '[]', '[]'),
     (5, 7, 3, -1, '数据库', FALSE, '{"k": 7, "b": false, "arr": [true, "5"]}', '[5, 6]', '["a", "b"]')"#,
];

fn select(
    conn: &mut diesel::MysqlConnection,
    filter: &str,
    params: Option<&FilterParams>,
) -> Vec<i64> {
    let condition = compile(filter, &schema(), params)
        .unwrap_or_else(|e| panic!("{filter:?}: {e}"))
        .expect("non-empty filter");
    let mut query = SqlFragment::raw("SELECT CAST(id AS SIGNED) AS id FROM t WHERE ");
    query.append(condition).push_sql(" ORDER BY id");
    let sql = query.sql.clone();
    query
        .into_query()
        .load::<Id>(conn)
        .unwrap_or_else(|e| panic!("{filter:?} → {sql}: {e}"))
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn count(conn: &mut diesel::MysqlConnection) -> i64 {
    diesel::sql_query("SELECT COUNT(*) AS id FROM t")
        .load::<Id>(conn)
        .expect("table t still exists")[0]
        .id
}

#[test]
fn filters_select_the_expected_rows() {
    let mut db = diesel_seekdb_suite::TestDb::new("filter");
    for stmt in SETUP {
        diesel::sql_query(*stmt).execute(&mut db.conn).expect(stmt);
    }
    let cases: &[(&str, &[i64])] = &[
        ("id < 3", &[1, 2]),
        ("age == 10", &[1]),
        // NULL never matches, not even under negation.
        ("age != 10", &[2, 3, 5]),
        ("not (age == 10)", &[2, 3, 5]),
        ("not (not (age == 10))", &[1]),
        ("age not in [10, 20]", &[3, 5]),
        ("age in []", &[]),
        ("age not in []", &[1, 2, 3, 5]),
        ("1 < age <= 20", &[1, 2, 5]),
        ("30 >= age > 10", &[2, 3]),
        ("age % 7 == 0", &[5]),
        ("age / 3 == 3", &[1]),
        ("age + 5 > 30", &[3]),
        ("age * 2 - 1 == 19", &[1]),
        ("score == 0.1", &[1]),
        ("score > 1 and score < 3", &[2]),
        ("price == 2.5 or price < 0", &[2, 5]),
        ("price >= 0x1", &[1, 2]),
        // Strings: case-sensitive, no trailing-space padding, code-point order.
        (r#"name == "abc""#, &[1]),
        (r#"name != "abc""#, &[2, 3, 5]),
        (r#"name == "abc ""#, &[3]),
        (r#"name in ["abc", 'ABC']"#, &[1, 2]),
        (r#"name > "abc""#, &[3, 5]),
        (r#"name like "ab%""#, &[1, 3]),
        (r#"name like "abc""#, &[1]),
        (r#"name like "数_库""#, &[5]),
        (r#"name like "\u6570%""#, &[5]),
        (r#"id > 0 and not (name like "a%")"#, &[2, 5]),
        ("name is null", &[4]),
        ("name is not null", &[1, 2, 3, 5]),
        ("flag == true", &[1, 4]),
        ("flag != True", &[2, 5]),
        // JSON: type-strict, booleans are not numbers, missing keys never match.
        (r#"meta["k"] == 5"#, &[1, 3]),
        (r#"meta["k"] == "5""#, &[2]),
        (r#"meta["k"] != 5"#, &[2, 5]),
        (r#"meta["k"] > 4"#, &[1, 3, 5]),
        (r#"not (meta["k"] > 4)"#, &[2]),
        (r#"meta["k"] in [5]"#, &[1, 3]),
        (r#"meta["k"] not in [5]"#, &[2, 5]),
        (r#"4 < meta["k"] < 6"#, &[1, 3]),
        (r#"meta["k"] % 2 == 1"#, &[1, 3, 5]),
        (r#"meta["b"] == true"#, &[1]),
        (r#"meta["b"] == false"#, &[5]),
        (r#"meta["b"] != true"#, &[2, 5]),
        (r#"meta["s"] == "abc""#, &[1]),
        (r#"meta["s"] in ["abc", "ABC"]"#, &[1, 2]),
        (r#"meta["s"] < "abc ""#, &[1, 2]),
        (r#"meta["s"] like "a_c%""#, &[1, 3]),
        (r#"meta["nested"]["a"][1] == 20"#, &[1]),
        (r#"meta["n"] is null"#, &[1, 2, 3, 4, 5]),
        (r#"meta["k"] is null"#, &[4]),
        (r#"meta["k"] is not null"#, &[1, 2, 3, 5]),
        (r#"exists meta["n"]"#, &[1]),
        (r#"not exists meta["n"]"#, &[2, 3, 5]),
        (r#"json_contains(meta["arr"], 1)"#, &[1]),
        (r#"json_contains(meta["arr"], "5")"#, &[5]),
        (r#"json_contains(meta["arr"], true)"#, &[5]),
        (r#"json_contains_all(meta["arr"], [1, "x"])"#, &[1]),
        (r#"json_contains_any(meta["arr"], [2, "5"])"#, &[1, 5]),
        (r#"array_length(meta["arr"]) == 0"#, &[3]),
        // ARRAY columns.
        ("array_contains(tags, 2)", &[1]),
        ("array_contains_all(tags, [1, 3])", &[1]),
        ("array_contains_any(tags, [3, 5])", &[1, 5]),
        ("array_contains_any(tags, [])", &[]),
        ("array_contains_all(tags, [])", &[1, 2, 4, 5]),
        ("array_length(tags) == 0", &[4]),
        ("tags[0] == 4", &[2]),
        ("tags[1] > 1", &[1, 5]),
        ("tags is null", &[3]),
        (r#"array_contains(labels, "数据库")"#, &[1]),
        (r#"labels[0] == "abc""#, &[]),
        (r#"labels[0] == "abc ""#, &[2]),
        (r#"labels[0] like "数_库""#, &[1]),
        // Combinations.
        (r#"(age > 5 and flag == true) or name == "ABC""#, &[1, 2]),
        (r#"age > 100 || meta["k"] == 7"#, &[5]),
        (r#"id in [1, 2, 3] && !(meta["s"] == "abc")"#, &[2, 3]),
    ];
    let mut failures = Vec::new();
    for (filter, expected) in cases {
        let got = select(&mut db.conn, filter, None);
        if got != *expected {
            failures.push(format!("{filter}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn templates_are_bound() {
    let mut db = diesel_seekdb_suite::TestDb::new("filter");
    for stmt in SETUP {
        diesel::sql_query(*stmt).execute(&mut db.conn).expect(stmt);
    }
    let serde_json::Value::Object(params) = json!({
        "ids": [1, 5, 9],
        "n": "ABC",
        "evil": "abc' OR '1'='1",
        "lo": 1,
        "tags": [3, 4],
    }) else {
        unreachable!()
    };
    let p = Some(&params);
    assert_eq!(select(&mut db.conn, "id in {ids}", p), vec![1, 5]);
    assert_eq!(select(&mut db.conn, "name == {n}", p), vec![2]);
    assert_eq!(select(&mut db.conn, "name == {evil}", p), Vec::<i64>::new());
    assert_eq!(
        select(&mut db.conn, "{lo} < age <= 20 and id in [{lo}, 2]", p),
        vec![1, 2]
    );
    assert_eq!(
        select(&mut db.conn, "array_contains_any(tags, {tags})", p),
        vec![1, 2]
    );
}

#[test]
fn hostile_filters_are_refused_and_the_table_survives() {
    let mut db = diesel_seekdb_suite::TestDb::new("filter");
    for stmt in SETUP {
        diesel::sql_query(*stmt).execute(&mut db.conn).expect(stmt);
    }
    for (filter, offset) in [
        ("id == 1; DROP TABLE t", 7),
        ("id == 1 OR 1=1", 12),
        ("id == 1 /* */ OR TRUE", 9),
        ("id == 1 -- DROP TABLE t", 16),
        ("`id` == 1", 0),
        ("id == 1) OR (1 == 1", 7),
        ("name == 'x' OR 'a' == 'a'", 15),
        ("id == SLEEP(5)", 6),
        ("id IN (SELECT id FROM t)", 6),
    ] {
        match compile(filter, &schema(), None) {
            Err(Error::Filter { offset: o, message }) => {
                assert_eq!(o, offset, "{filter}: {message}");
                assert!(message.contains("expected"), "{filter}: {message}");
            }
            other => panic!("{filter}: expected a filter error, got {other:?}"),
        }
    }
    // Hostile text inside literals and JSON keys is only ever data.
    for filter in [
        r#"name == "x'; DROP TABLE t; --""#,
        r#"name like "%'; DROP TABLE t; #""#,
        r#"meta["'); DROP TABLE t; --"] == 1"#,
        r#"meta["a\"]') OR 1=1 --"] is not null"#,
        r#"array_contains(labels, "`); DROP TABLE t; --")"#,
    ] {
        assert_eq!(
            select(&mut db.conn, filter, None),
            Vec::<i64>::new(),
            "{filter}"
        );
    }
    assert_eq!(count(&mut db.conn), 5);
}
