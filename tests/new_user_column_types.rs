//! README "Column types": hostile declared and server type strings give `Err`/`None`,
//! never a panic or a stack overflow.

use diesel_seekdb::ddl::ColumnType;

#[test]
fn hostile_type_strings_are_refused() {
    let deep = format!("{}INT{}", "ARRAY(".repeat(100_000), ")".repeat(100_000));
    for s in [
        "VECTOR(99999999999)",
        "VECTOR(-1)",
        "VECTOR(",
        "VARCHAR(4294967296)",
        "ARRAY(",
        "ARRAY()",
        "DECIMAL(1000,2)",
        "",
        "\u{0}",
        "vector(3",
        deep.as_str(),
    ] {
        assert!(s.parse::<ColumnType>().is_err(), "accepted {s:?}");
        let _ = ColumnType::from_server(s);
    }
    assert_eq!(
        "vector(3)".parse::<ColumnType>().unwrap(),
        ColumnType::Vector(3)
    );
}
