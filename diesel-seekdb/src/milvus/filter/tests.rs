//! End-to-end checks of `compile`: the SQL text, the bound values, and the errors
//! (offset plus what was expected) for every grammar form.

use serde_json::json;

use super::*;
use crate::fragment::BindValue as B;

fn schema() -> FilterSchema {
    FilterSchema::new()
        .field("id", FieldKind::Scalar(ScalarKind::Int64))
        .field("age", FieldKind::Scalar(ScalarKind::Int32))
        .field("score", FieldKind::Scalar(ScalarKind::Float))
        .field("price", FieldKind::Scalar(ScalarKind::Double))
        .field("name", FieldKind::Scalar(ScalarKind::VarChar))
        .field("flag", FieldKind::Scalar(ScalarKind::Bool))
        .field("meta", FieldKind::Json)
        .field("tags", FieldKind::Array(ScalarKind::Int64))
        .field("labels", FieldKind::Array(ScalarKind::VarChar))
        .field("emb", FieldKind::FloatVector)
        .field("sp", FieldKind::SparseVector)
}

fn c(filter: &str) -> SqlFragment {
    compile(filter, &schema(), None)
        .unwrap_or_else(|e| panic!("{filter:?}: {e}"))
        .expect("non-empty filter")
}

fn cp(filter: &str, params: serde_json::Value) -> SqlFragment {
    let serde_json::Value::Object(params) = params else {
        panic!()
    };
    compile(filter, &schema(), Some(&params)).unwrap().unwrap()
}

fn sql(filter: &str) -> String {
    c(filter).sql
}

fn err(filter: &str) -> (usize, String) {
    match compile(filter, &schema(), None) {
        Err(Error::Filter { offset, message }) => (offset, message),
        other => panic!("expected a filter error for {filter:?}, got {other:?}"),
    }
}

fn assert_err(filter: &str, offset: usize, expected: &str) {
    let (o, m) = err(filter);
    assert_eq!(o, offset, "{filter:?}: {m}");
    assert!(
        m.contains(expected),
        "{filter:?}: {m:?} should contain {expected:?}"
    );
}

fn path(p: &str) -> B {
    B::Text(p.into())
}

#[test]
fn empty_filter_means_no_condition() {
    assert_eq!(compile("", &schema(), None).unwrap(), None);
    assert_eq!(compile(" \t\n ", &schema(), None).unwrap(), None);
}

#[test]
fn scalar_comparisons() {
    let f = c("id < 100");
    assert_eq!(f.sql, "(`id` < ?)");
    assert_eq!(f.binds, vec![B::Int(100)]);
    assert_eq!(sql("id == 1"), "(`id` = ?)");
    assert_eq!(sql("id != 1"), "(`id` <> ?)");
    assert_eq!(sql("age >= 1"), "(`age` >= ?)");
    assert_eq!(sql("5 > age"), "(`age` < ?)", "constant on the left flips");
    let f = c("price <= 2");
    assert_eq!(f.sql, "(`price` <= ?)");
    assert_eq!(
        f.binds,
        vec![B::Float(2.0)],
        "FLOAT field takes an integer literal"
    );
    let f = c("score == 0.1");
    assert_eq!(f.sql, "(`score` = CAST(? AS FLOAT))");
    let f = c("flag == true");
    assert_eq!(
        (f.sql.as_str(), f.binds),
        ("(`flag` = ?)", vec![B::Bool(true)])
    );
    assert_eq!(sql("age < price"), "(`age` < `price`)");
    assert_eq!(sql("name == name"), "(BINARY `name` = BINARY `name`)");
}

#[test]
fn strings_compare_by_code_point() {
    let f = c(r#"name == "Abc ""#);
    assert_eq!(f.sql, "(BINARY `name` = BINARY ?)");
    assert_eq!(f.binds, vec![B::Text("Abc ".into())]);
    assert_eq!(sql("name > 'a'"), "(BINARY `name` > BINARY ?)");
    let f = c(r#"name like "数_库%""#);
    assert_eq!(
        f.sql,
        "(CONVERT(`name` USING utf8mb4) COLLATE utf8mb4_bin LIKE ?)"
    );
    assert_eq!(f.binds, vec![B::Text("数_库%".into())]);
    let f = c(r#"name like "50\\%""#);
    assert_eq!(
        f.binds,
        vec![B::Text("50\\%".into())],
        "a literal % is spelled \\\\% in the filter"
    );
}

#[test]
fn logical_operators_and_not() {
    assert_eq!(
        sql("id == 1 and age == 2 or id == 3"),
        "(((`id` = ?) AND (`age` = ?)) OR (`id` = ?))"
    );
    assert_eq!(
        sql("id == 1 && (age == 2 || id == 3)"),
        "((`id` = ?) AND ((`age` = ?) OR (`id` = ?)))"
    );
    assert_eq!(sql("not (id == 1)"), "(NOT (`id` = ?))");
    assert_eq!(sql("!(id == 1)"), "(NOT (`id` = ?))");
    assert_eq!(
        sql("NOT (id == 1 AND age == 2)"),
        "(NOT ((`id` = ?) AND (`age` = ?)))"
    );
    assert_err("not claps > 50", 0, "expected `not (…)`");
    assert_err("not age > 50", 0, "expected `not (…)`");
    assert_err("!age", 0, "expected `not (…)`");
}

#[test]
fn in_lists() {
    let f = c("id in [1, 2, 3]");
    assert_eq!(f.sql, "(`id` IN (?, ?, ?))");
    assert_eq!(f.binds, vec![B::Int(1), B::Int(2), B::Int(3)]);
    assert_eq!(sql("id not in [1]"), "(`id` NOT IN (?))");
    assert_eq!(
        sql(r#"name in ["a", 'b']"#),
        "(BINARY `name` IN (BINARY ?, BINARY ?))"
    );
    assert_eq!(
        sql("score in [1, 2.5]"),
        "(`score` IN (CAST(? AS FLOAT), CAST(? AS FLOAT)))"
    );
    let f = c(r#"meta["k"] in [1, "1", true]"#);
    assert_eq!(f.sql, "(JSON_EXTRACT(`meta`, ?) IN (?, ?, TRUE))");
    assert_eq!(
        f.binds,
        vec![path("$.\"k\""), B::Int(1), B::Text("1".into())]
    );
    // seekdb rejects `IN ()`; NULL stays NULL so negation never matches it.
    assert_eq!(sql("id in []"), "(`id` IS NULL AND NULL)");
    assert_eq!(sql("id not in []"), "(NOT (`id` IS NULL AND NULL))");
    assert_err("id in [1, 2.5]", 10, "expected an integer, found a float");
    assert_err("id in [1, age]", 10, "expected a constant");
    assert_err("tags in [1]", 0, "array_contains_any");
}

#[test]
fn ranges() {
    let f = c("1 < age <= 5");
    assert_eq!(f.sql, "(`age` > ? AND `age` <= ?)");
    assert_eq!(f.binds, vec![B::Int(1), B::Int(5)]);
    assert_eq!(sql("10 >= price > 1"), "(`price` <= ? AND `price` > ?)");
    let f = c(r#"1 <= meta["n"] < 2.5"#);
    assert_eq!(
        f.sql,
        "(JSON_TYPE(JSON_EXTRACT(`meta`, ?)) IN ('INTEGER','UNSIGNED INTEGER','DOUBLE','DECIMAL') AND JSON_EXTRACT(`meta`, ?) >= ? AND JSON_EXTRACT(`meta`, ?) < ?)"
    );
    assert_eq!(f.binds.len(), 5);
    assert_eq!(
        sql(r#""a" <= name < "b""#),
        "(BINARY `name` >= BINARY ? AND BINARY `name` < BINARY ?)"
    );
    assert_err("1 < age < 2.5", 10, "expected an integer, found a float");
    assert_err(r#"1 < meta["x"] < "z""#, 16, "numbers, or both strings");
}

#[test]
fn null_tests() {
    assert_eq!(sql("name is null"), "(`name` IS NULL)");
    assert_eq!(sql("name IS NOT NULL"), "(`name` IS NOT NULL)");
    let f = c(r#"meta["k"] is null"#);
    assert_eq!(
        f.sql,
        "(COALESCE(JSON_TYPE(JSON_EXTRACT(`meta`, ?)), 'NULL') = 'NULL')"
    );
    assert_eq!(
        sql("meta is not null"),
        "(COALESCE(JSON_TYPE(`meta`), 'NULL') <> 'NULL')"
    );
    assert_eq!(sql("tags[0] is null"), "(element_at(`tags`, ?) IS NULL)");
    assert_err("emb is null", 0, "vectors cannot be filtered");
}

#[test]
fn json_paths() {
    let f = c(r#"meta["a"]["b"][0] == 5"#);
    assert_eq!(f.sql, "(JSON_EXTRACT(`meta`, ?) = ?)");
    assert_eq!(f.binds, vec![path(r#"$."a"."b"[0]"#), B::Int(5)]);
    // Member names are quoted and escaped: `*` is a literal key, quotes stay inside.
    let f = c(r#"meta["*"]['say "hi"\\'][12] == "x""#);
    assert_eq!(f.binds[0], path(r#"$."*"."say \"hi\"\\"[12]"#));
    assert_eq!(
        sql(r#"meta["b"] == true"#),
        "(JSON_EXTRACT(`meta`, ?) = TRUE)"
    );
    assert_eq!(
        sql(r#"meta["b"] != False"#),
        "(JSON_EXTRACT(`meta`, ?) <> FALSE)"
    );
    let f = c(r#"meta["s"] == "x""#);
    assert_eq!(f.sql, "(JSON_EXTRACT(`meta`, ?) = ?)");
    assert_eq!(f.binds[1], B::Text("x".into()));
    assert_eq!(
        sql(r#"meta["n"] > 3"#),
        "(JSON_TYPE(JSON_EXTRACT(`meta`, ?)) IN ('INTEGER','UNSIGNED INTEGER','DOUBLE','DECIMAL') AND JSON_EXTRACT(`meta`, ?) > ?)"
    );
    assert_eq!(
        sql(r#"meta["s"] >= "b""#),
        "(JSON_TYPE(JSON_EXTRACT(`meta`, ?)) = 'STRING' AND BINARY JSON_UNQUOTE(JSON_EXTRACT(`meta`, ?)) >= BINARY ?)"
    );
    assert_eq!(
        sql(r#"meta["s"] like "a%""#),
        "(JSON_TYPE(JSON_EXTRACT(`meta`, ?)) = 'STRING' AND JSON_UNQUOTE(JSON_EXTRACT(`meta`, ?)) COLLATE utf8mb4_bin LIKE ?)"
    );
    let f = c(r#"exists meta["a"]["b"]"#);
    assert_eq!(f.sql, "JSON_CONTAINS_PATH(`meta`, 'one', ?)");
    assert_eq!(f.binds, vec![path(r#"$."a"."b""#)]);
    assert_err(r#"meta["b"] > true"#, 10, "expected `==` or `!=`");
    assert_err("exists meta", 7, "expected a JSON path");
    assert_err("exists id", 7, "expected a JSON path");
    assert_err(r#"id["a"] == 1"#, 2, "expected a JSON or ARRAY field");
}

#[test]
fn arithmetic() {
    let f = c("age % 2 == 1");
    assert_eq!(f.sql, "((`age` % ?) = ?)");
    assert_eq!(f.binds, vec![B::Int(2), B::Int(1)]);
    assert_eq!(
        sql("age / 2 == 3"),
        "((`age` DIV ?) = ?)",
        "INT division truncates"
    );
    assert_eq!(sql("price / 2 > 1"), "((`price` / ?) > ?)");
    assert_eq!(sql("age * 2 + 1 < 9"), "(((`age` * ?) + ?) < ?)");
    let f = c("age + 2 * 3 == 10 - 1");
    assert_eq!(f.binds, vec![B::Int(6), B::Int(9)], "constants folded");
    assert_eq!(
        sql(r#"meta["n"] % 2 == 0"#),
        "(JSON_TYPE(JSON_EXTRACT(`meta`, ?)) IN ('INTEGER','UNSIGNED INTEGER','DOUBLE','DECIMAL') AND (JSON_EXTRACT(`meta`, ?) % ?) = ?)"
    );
    assert_err("age + 0.5 > 1", 6, "expected an integer, found a float");
    assert_err("age / 0 == 1", 4, "expected a non-zero divisor");
    assert_err("price % 2 == 1", 6, "`%` needs integers");
    assert_err("age ** 2 == 4", 4, "`**` applies only to constants");
    assert_err("2 + age == 4", 0, "expected a field on the left");
    assert_err("-age == 4", 1, "negating a field");
    assert_err("name + 1 == 2", 0, "not numeric");
    assert_err(r#"age + 1 == "x""#, 11, "expected a number, found a string");
    assert_err("1 == 1", 0, "expected a field on one side");
}

#[test]
fn array_functions() {
    let f = c("array_contains(tags, 3)");
    assert_eq!(f.sql, "array_contains(`tags`, ?)");
    assert_eq!(f.binds, vec![B::Int(3)]);
    assert_eq!(
        sql("ARRAY_CONTAINS_ALL(tags, [1, 2])"),
        "array_contains_all(`tags`, [?, ?])"
    );
    assert_eq!(
        sql("array_contains_any(labels, ['a', \"b\"])"),
        "array_overlaps(`labels`, [?, ?])"
    );
    assert_eq!(
        sql("array_contains_all(tags, [])"),
        "(NOT (`tags` IS NULL AND NULL))"
    );
    assert_eq!(
        sql("array_contains_any(tags, [])"),
        "(`tags` IS NULL AND NULL)"
    );
    assert_eq!(sql("array_length(tags) == 2"), "(array_length(`tags`) = ?)");
    let f = c("tags[0] > 1");
    assert_eq!(f.sql, "(element_at(`tags`, ?) > ?)");
    assert_eq!(
        f.binds,
        vec![B::Int(1), B::Int(1)],
        "0-based index becomes 1-based position"
    );
    assert_eq!(
        sql("labels[2] == 'x'"),
        "(BINARY element_at(`labels`, ?) = BINARY ?)"
    );
    assert_eq!(
        sql("labels[0] like 'x%'"),
        "(element_at(`labels`, ?) COLLATE utf8mb4_bin LIKE ?)"
    );
    assert_err(
        "array_contains(tags, 'x')",
        21,
        "expected an integer, found a string",
    );
    assert_err(
        "array_contains(age, 1)",
        15,
        "expected an ARRAY field or JSON path",
    );
    assert_err("array_contains_all(tags, 1)", 25, "expected a list");
    assert_err("array_contains(tags, [1])", 21, "expected a constant");
    assert_err("tags == 1", 8, "expected array_contains");
    assert_err("tags['a'] == 1", 4, "expected an integer index");
    assert_err("tags[0][1] == 1", 7, "expected a single index");
    assert_err(
        "array_length(age) == 1",
        13,
        "expected an ARRAY field or JSON path",
    );
}

#[test]
fn json_functions() {
    let guard = "JSON_TYPE(JSON_EXTRACT(`meta`, ?)) = 'ARRAY'";
    let f = c(r#"json_contains(meta["a"], 1)"#);
    assert_eq!(
        f.sql,
        format!("({guard} AND ? MEMBER OF (JSON_EXTRACT(`meta`, ?)))")
    );
    assert_eq!(f.binds, vec![path("$.\"a\""), B::Int(1), path("$.\"a\"")]);
    assert_eq!(
        sql(r#"json_contains(meta["a"], true)"#),
        format!("({guard} AND TRUE MEMBER OF (JSON_EXTRACT(`meta`, ?)))")
    );
    assert_eq!(
        sql(r#"JSON_CONTAINS_ALL(meta["a"], [1, "x", false])"#),
        format!("({guard} AND JSON_CONTAINS(JSON_EXTRACT(`meta`, ?), JSON_ARRAY(?, ?, FALSE)))")
    );
    assert_eq!(
        sql(r#"json_contains_any(meta["a"], [])"#),
        format!("({guard} AND JSON_OVERLAPS(JSON_EXTRACT(`meta`, ?), JSON_ARRAY()))")
    );
    // The array_* names work on JSON and the json_* names on ARRAY columns, as in Milvus.
    assert_eq!(sql("json_contains(tags, 1)"), "array_contains(`tags`, ?)");
    assert_eq!(
        sql(r#"array_length(meta["a"]) > 1"#),
        format!("({guard} AND JSON_LENGTH(JSON_EXTRACT(`meta`, ?)) > ?)")
    );
    assert_err(
        r#"json_contains(meta["a"], [1])"#,
        25,
        "expected a constant",
    );
}

#[test]
fn templates_bind_values() {
    let f = cp(
        "id in {ids} and name == {n} and age > {a}",
        json!({"ids": [1, 2, 3], "n": "x'--", "a": 5}),
    );
    assert_eq!(
        f.sql,
        "((`id` IN (?, ?, ?)) AND (BINARY `name` = BINARY ?) AND (`age` > ?))"
    );
    assert_eq!(
        f.binds,
        vec![
            B::Int(1),
            B::Int(2),
            B::Int(3),
            B::Text("x'--".into()),
            B::Int(5)
        ]
    );
    let f = cp("array_contains_any(tags, {t})", json!({"t": [7]}));
    assert_eq!(
        (f.sql.as_str(), f.binds),
        ("array_overlaps(`tags`, [?])", vec![B::Int(7)])
    );
    let f = cp(
        r#"meta["b"] == {b} and id in [{x}, 9]"#,
        json!({"b": true, "x": 8}),
    );
    assert_eq!(
        f.sql,
        "((JSON_EXTRACT(`meta`, ?) = TRUE) AND (`id` IN (?, ?)))"
    );
    let f = cp("id in {ids}", json!({"ids": []}));
    assert_eq!(f.sql, "(`id` IS NULL AND NULL)");
    let params = json!({"f": 1.5, "big": u64::MAX, "o": {"a": 1}, "z": null});
    let serde_json::Value::Object(params) = params else {
        panic!()
    };
    let e = |filter: &str| match compile(filter, &schema(), Some(&params)) {
        Err(Error::Filter { offset, message }) => (offset, message),
        other => panic!("{other:?}"),
    };
    let (o, m) = e("id == {f}");
    assert_eq!(o, 6);
    assert!(m.contains("expected an integer, found a float"), "{m}");
    let (o, m) = e("id == {big}");
    assert!(o == 6 && m.contains("int64"), "{m}");
    let (o, m) = e("id == {o}");
    assert!(o == 6 && m.contains("expected a number"), "{m}");
    let (o, m) = e("id == {z}");
    assert!(o == 6 && m.contains("expected a number"), "{m}");
    let (o, m) = e("id == {missing}");
    assert!(
        o == 6 && m.contains("expected `missing` in filter_params"),
        "{m}"
    );
    assert_err("id == {x}", 6, "expected `x` in filter_params");
}

#[test]
fn schema_errors_point_at_the_field() {
    assert_err(
        "nope == 1",
        0,
        "unknown field `nope`; expected one of: id, age",
    );
    assert_err("id == 1 and Age == 2", 12, "unknown field `Age`");
    assert_err("emb == 1", 0, "FLOAT_VECTOR field; expected a scalar");
    assert_err("sp is not null", 0, "SPARSE_FLOAT_VECTOR");
    assert_err("id == 1.5", 6, "INT64; expected an integer, found a float");
    assert_err(
        "name == 1",
        8,
        "VARCHAR; expected a string, found an integer",
    );
    assert_err("flag == 1", 8, "expected `true` or `false`");
    assert_err("flag > true", 5, "expected `==` or `!=`");
    assert_err("age like 'x'", 0, "expected a VARCHAR field or JSON path");
    assert_err("name like 1", 10, "expected a string pattern");
    assert_err("id", 0, "expected a boolean expression");
    assert_err("flag", 0, "expected a boolean expression");
    assert_err("true", 0, "expected a boolean expression");
    assert_err("id == 1 and 5", 12, "expected a boolean expression");
    assert_err(
        "(id == 1) == true",
        1,
        "expected a value, found a boolean expression",
    );
    assert_err("id == [1]", 6, "expected a single value");
    assert_err(
        "name == age",
        8,
        "expected a constant or a field of the same type",
    );
    assert_err(
        "meta == meta",
        8,
        "expected a constant or a field of the same type",
    );
}

#[test]
fn dynamic_field_and_alias() {
    let s = schema().dynamic_field("meta").table_alias("t");
    let f = compile(r#"color == "red" and id > 1 and size["w"] > 2"#, &s, None)
        .unwrap()
        .unwrap();
    assert!(
        f.sql
            .starts_with("((JSON_EXTRACT(`t`.`meta`, ?) = ?) AND (`t`.`id` > ?)"),
        "{}",
        f.sql
    );
    assert_eq!(f.binds[0], path("$.\"color\""));
    assert_eq!(f.binds[4], path(r#"$."size"."w""#));
    let weird = FilterSchema::new()
        .field("a", FieldKind::Scalar(ScalarKind::Int64))
        .table_alias("x`y");
    assert_eq!(
        compile("a == 1", &weird, None).unwrap().unwrap().sql,
        "(`x``y`.`a` = ?)"
    );
}

#[test]
fn hostile_input_never_reaches_sql_text() {
    for (filter, offset, expected) in [
        (
            "id == 1; DROP TABLE t",
            7,
            "expected a field, literal or operator",
        ),
        (
            "id == 1 -- comment",
            6,
            "expected a field on the left of `-`",
        ),
        ("id == 1 /* c */", 9, "expected a field, literal"),
        ("id == 1 OR 1=1", 12, "expected `==`"),
        ("`id` == 1", 0, "unexpected character"),
        (
            "id == '1' OR '1' == '1'",
            6,
            "expected an integer, found a string",
        ),
        (
            "name == \"x\" or \"a\" == \"a\"",
            15,
            "expected a field on one side",
        ),
        ("name == \"unterminated", 8, "unterminated string"),
        ("name == 'x\\'; DROP TABLE t; --", 8, "unterminated string"),
        ("名字 == 1", 0, "unexpected character"),
        ("id == 1 )", 8, "expected an operator or the end"),
        ("((id == 1)", 10, "expected `)`"),
        ("id in [1, 2", 11, "expected `,` or `]`"),
        ("id == 99999999999999999999", 6, "int64"),
        ("id == 0x8000000000000000", 6, "int64"),
        ("id == SLEEP(5)", 6, "unknown function"),
        ("meta[\"a\"]\"b\" == 1", 9, "expected an operator"),
    ] {
        assert_err(filter, offset, expected);
    }
    // Quotes, backticks, comments and unicode inside string literals are only data.
    let f = c(r#"name == "x'`; DROP TABLE t; -- /* 数据 \" \\" "#);
    assert_eq!(f.sql, "(BINARY `name` = BINARY ?)");
    assert_eq!(
        f.binds,
        vec![B::Text("x'`; DROP TABLE t; -- /* 数据 \" \\".into())]
    );
    let f = c(r#"meta["`); DROP TABLE t; --"] == 1"#);
    assert_eq!(f.sql, "(JSON_EXTRACT(`meta`, ?) = ?)");
}

#[test]
fn error_offsets_are_in_characters() {
    assert_err(
        r#"name == "数据库" and nope == 1"#,
        18,
        "unknown field `nope`",
    );
}

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn hundred_levels_compile_on_a_small_stack() {
    on_small_stack(|| {
        let parens = format!("{}id == 1{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(sql(&parens), "(`id` = ?)");
        let nots = format!("{}id == 1{}", "not (".repeat(100), ")".repeat(100));
        assert!(sql(&nots).starts_with("(NOT (NOT "));
        let bangs = format!("{}(id == 1)", "!".repeat(100));
        assert!(sql(&bangs).ends_with(&format!("(NOT (`id` = ?){}", ")".repeat(100))));
        let mixed = format!("{}id == 1{}", "(id == 0 or (".repeat(50), "))".repeat(50));
        assert_eq!(c(&mixed).binds.len(), 51);
    });
}

#[test]
fn ten_thousand_levels_error_on_a_small_stack() {
    on_small_stack(|| {
        for filter in [
            format!("{}id == 1{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("{}id == 1{}", "not (".repeat(10_000), ")".repeat(10_000)),
            format!("{}(id == 1)", "not ".repeat(10_000)),
            format!("id in {}1{}", "[".repeat(10_000), "]".repeat(10_000)),
            format!("id == {}1", "-".repeat(10_000)),
            format!("id{} == 1", " + 1".repeat(10_000)),
            format!("{}id == 1", "id == 1 == ".repeat(10_000)),
        ] {
            let (offset, message) = err(&filter);
            assert!(
                message.contains("nested too deeply; expected at most 150"),
                "{message}"
            );
            assert!(offset > 0 && offset < filter.chars().count());
        }
    });
}
