use super::{parse, ColumnType as T};
use crate::MAX_DIMENSIONS;

/// Every variant at least once (both signednesses, size limits, nesting, quoting).
fn every_type() -> Vec<T> {
    vec![
        T::TinyInt,
        T::TinyIntUnsigned,
        T::SmallInt,
        T::SmallIntUnsigned,
        T::MediumInt,
        T::MediumIntUnsigned,
        T::Int,
        T::IntUnsigned,
        T::BigInt,
        T::BigIntUnsigned,
        T::Float,
        T::Double,
        T::Decimal(10, 2),
        T::Decimal(65, 30),
        T::Varchar(1),
        T::Varchar(262_144),
        T::Char(255),
        T::Binary(256),
        T::VarBinary(1_048_576),
        T::TinyText,
        T::Text,
        T::MediumText,
        T::LongText,
        T::Json,
        T::DateTime,
        T::Timestamp,
        T::Date,
        T::Time,
        T::Year,
        T::Bool,
        T::Vector(1),
        T::Vector(MAX_DIMENSIONS),
        T::SparseVector,
        T::Enum(vec!["a".into(), "it's".into(), "b\\c".into()]),
        T::Set(vec!["x".into(), "Y z".into()]),
        T::array(T::Varchar(20)),
        T::array(T::BigIntUnsigned),
        T::array(T::array(T::Vector(3))),
        T::Point(None),
        T::Point(Some(0)),
        T::Point(Some(4326)),
    ]
}

#[test]
fn points_parse_with_and_without_srid() {
    assert_eq!(parse("point"), Ok(T::Point(None)));
    assert_eq!(parse("Point  srid  0"), Ok(T::Point(Some(0))));
    // seekdb 1.4 reports a POINT column of any SRID as `point`.
    assert_eq!(T::from_server("point"), Some(T::Point(None)));
    assert!(parse("POINT SRID x").is_err());
    assert!(parse("POINT(3)").is_err());
    assert!(parse("POINTS").is_err());
    assert!(parse("ARRAY(POINT)").is_err());
}

#[test]
fn declared_grammar_round_trips_every_variant() {
    for t in every_type() {
        let sql = t.to_sql();
        assert_eq!(parse(&sql).as_ref(), Ok(&t), "{sql}");
        assert_eq!(T::parse(&sql).as_ref(), Ok(&t), "{sql}");
        assert_eq!(sql.parse::<T>().as_ref(), Ok(&t), "{sql}");
        assert_eq!(t.to_string(), sql);
        // Keywords are case-insensitive (quoted ENUM/SET values are not).
        if !matches!(t, T::Enum(_) | T::Set(_)) {
            assert_eq!(parse(&sql.to_lowercase()).as_ref(), Ok(&t), "{sql}");
        }
        // What the grammar renders, the server reading reads the same (but for
        // quoting inside ENUM/SET values, which the server does not escape).
        if !matches!(t, T::Enum(_) | T::Set(_)) {
            assert_eq!(T::from_server(&sql).as_ref(), Some(&t), "{sql}");
        }
    }
}

#[test]
fn declared_grammar_accepts_aliases_and_refuses_the_rest() {
    assert_eq!(parse("integer unsigned"), Ok(T::IntUnsigned));
    assert_eq!(parse("TINYINT( 1 )"), Ok(T::Bool));
    assert_eq!(parse("boolean"), Ok(T::Bool));
    assert_eq!(parse("real"), Ok(T::Double));
    assert_eq!(parse("numeric(8,3)"), Ok(T::Decimal(8, 3)));
    assert_eq!(parse(" vector ( 3 ) "), Ok(T::Vector(3)));
    for bad in [
        "VECTOR(0)",
        "VECTOR(16001)",
        "VARCHAR(0)",
        "VARCHAR(262145)",
        "CHAR(256)",
        "BINARY(257)",
        "VARBINARY(1048577)",
        "DECIMAL(0, 0)",
        "DECIMAL(66, 2)",
        "DECIMAL(10, 31)",
        "DECIMAL(5, 6)",
        "ARRAY(TEXT)",
        "ARRAY(JSON)",
        "ARRAY(MEDIUMINT)",
        "ARRAY(CHAR(3))",
        "ARRAY(ARRAY(ARRAY(ARRAY(ARRAY(ARRAY(ARRAY(INT)))))))",
        "MEDIUMBLOB",
        "VECTOR(3",
        "VECTOR(3) x",
        "FLOAT(3)",
        "FLOAT UNSIGNED",
        "INT(11)",
        "INT(11) UNSIGNED",
        "DATETIME(6)",
        "VARCHAR",
        "DECIMAL(10)",
        "VECTOR(x)",
        "ENUM()",
        "ENUM(a)",
        "ENUM('a'",
        "SET('a' 'b')",
        "",
    ] {
        let e = T::parse(bad).unwrap_err();
        assert_eq!(e.parameter, "column_type", "{bad}");
        assert!(!e.reason.is_empty(), "{bad}");
    }
    assert!(parse("ARRAY(ARRAY(ARRAY(ARRAY(ARRAY(ARRAY(INT))))))").is_ok());
    assert_eq!(
        T::Vector(0).validate("columns.v").unwrap_err().parameter,
        "columns.v"
    );
}

/// The spellings a seekdb 1.4 server printed in information_schema.COLUMNS.COLUMN_TYPE
/// for each declared type (recorded from a real server).
#[test]
fn reads_what_the_server_reports() {
    for (server, t) in [
        ("tinyint(4)", T::TinyInt),
        ("tinyint(3) unsigned", T::TinyIntUnsigned),
        ("smallint(6)", T::SmallInt),
        ("smallint(5) unsigned", T::SmallIntUnsigned),
        ("mediumint(9)", T::MediumInt),
        ("mediumint(8) unsigned", T::MediumIntUnsigned),
        ("int(11)", T::Int),
        ("int(10) unsigned", T::IntUnsigned),
        ("bigint(20)", T::BigInt),
        ("bigint(20) unsigned", T::BigIntUnsigned),
        ("tinyint(1)", T::Bool),
        ("float", T::Float),
        ("float(10,2)", T::Float),
        ("double", T::Double),
        ("double unsigned", T::Double),
        ("decimal(10,2)", T::Decimal(10, 2)),
        ("varchar(20)", T::Varchar(20)),
        ("char(5)", T::Char(5)),
        ("varbinary(16)", T::VarBinary(16)),
        ("binary(4)", T::Binary(4)),
        ("tinytext", T::TinyText),
        ("text", T::Text),
        ("mediumtext", T::MediumText),
        ("longtext", T::LongText),
        ("json", T::Json),
        ("datetime", T::DateTime),
        ("datetime(6)", T::DateTime),
        ("timestamp", T::Timestamp),
        ("date", T::Date),
        ("time", T::Time),
        ("year(4)", T::Year),
        ("VECTOR(3)", T::Vector(3)),
        ("SPARSEVECTOR", T::SparseVector),
        ("ARRAY(INT)", T::array(T::Int)),
        ("ARRAY(TINYINT)", T::array(T::TinyInt)),
        ("ARRAY(BIGINT UNSIGNED)", T::array(T::BigIntUnsigned)),
        ("ARRAY(VARCHAR(10))", T::array(T::Varchar(10))),
        ("ARRAY(ARRAY(FLOAT))", T::array(T::array(T::Float))),
        ("ARRAY(VECTOR(2))", T::array(T::Vector(2))),
        ("enum('a','b')", T::Enum(vec!["a".into(), "b".into()])),
        // The server prints inner quotes unescaped.
        ("set('it's','x')", T::Set(vec!["it's".into(), "x".into()])),
    ] {
        assert_eq!(T::from_server(server).as_ref(), Some(&t), "{server}");
    }
    // Types the enum does not model stay unparsed, never a panic.
    for other in [
        "blob",
        "bit(3)",
        "geometry",
        "VECTOR(x)",
        "int(",
        "",
        "()",
        "enum('a",
    ] {
        assert_eq!(T::from_server(other), None, "{other}");
    }
}

#[test]
fn predicates() {
    assert!(T::MediumIntUnsigned.is_integer() && T::MediumIntUnsigned.is_unsigned());
    assert!(!T::Bool.is_integer());
    assert!(T::TinyText.is_text() && T::TinyText.is_lob_like());
    assert!(!T::VarBinary(4).is_text() && !T::VarBinary(4).is_lob_like());
    assert_eq!(T::Vector(768).vector_dim(), Some(768));
    assert_eq!(T::Int.vector_dim(), None);
}
