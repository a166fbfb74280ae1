use super::*;
use crate::client::ColumnKind;

fn parsed(server: &str) -> ColumnType {
    ColumnType::from_server(server).unwrap_or_else(|| panic!("{server} does not parse"))
}

/// The Milvus layer and the client metadata read a server type the same way (one
/// classification, from the rules crate).
#[test]
fn milvus_kinds_agree_with_column_kinds() {
    for (server, kind, scalar) in [
        ("decimal(10,2)", ColumnKind::Float, Some(ScalarKind::Double)),
        ("numeric(10,2)", ColumnKind::Float, Some(ScalarKind::Double)),
        ("double", ColumnKind::Float, Some(ScalarKind::Double)),
        ("float", ColumnKind::Float, Some(ScalarKind::Float)),
        ("datetime", ColumnKind::Temporal, Some(ScalarKind::VarChar)),
        ("date", ColumnKind::Temporal, Some(ScalarKind::VarChar)),
        ("year", ColumnKind::Temporal, Some(ScalarKind::VarChar)),
        ("tinyint(1)", ColumnKind::Bool, Some(ScalarKind::Bool)),
        (
            "tinyint(4)",
            ColumnKind::Integer { unsigned: false },
            Some(ScalarKind::Int8),
        ),
        (
            "mediumint(9)",
            ColumnKind::Integer { unsigned: false },
            Some(ScalarKind::Int32),
        ),
        (
            "bigint(20) unsigned",
            ColumnKind::Integer { unsigned: true },
            Some(ScalarKind::Int64),
        ),
        ("varchar(20)", ColumnKind::Text, Some(ScalarKind::VarChar)),
        ("set('a','b')", ColumnKind::Text, Some(ScalarKind::VarChar)),
        ("json", ColumnKind::Json, None),
    ] {
        assert_eq!(ColumnKind::from_column_type(server), kind, "{server}");
        assert_eq!(scalar_of(&parsed(server)), scalar, "{server}");
    }
    assert_eq!(text_length(&parsed("varbinary(64)")), Some(64));
    assert_eq!(text_length(&parsed("char(3)")), Some(3));
    assert_eq!(text_length(&parsed("text")), None);
    assert_eq!(scalar_name(Some(&parsed("varchar(5)"))), "VARCHAR");
    assert_eq!(scalar_name(Some(&parsed("longtext"))), "STRING");
    assert_eq!(scalar_name(None), "STRING");
}
