//! `ColumnInfo::parsed_type` from a real server's description, on both transports: a
//! table declared with every `ColumnType` variant the table builder renders reads back
//! as the same types (declared -> server -> parsed), and the server's own spellings
//! (display widths, `datetime(6)`, types the enum does not model) parse as documented.

use diesel_seekdb::client::{ColumnKind, TableInfo};
use diesel_seekdb::ddl::{Column, ColumnType as T, CreateTable};
use diesel_seekdb::{AsyncObVecClient, ObVecClient};
use diesel_seekdb_suite::TestDb;

/// Every variant, as `(column name, type)`.
fn declared() -> Vec<(&'static str, T)> {
    vec![
        ("c_tinyint", T::TinyInt),
        ("c_tinyint_u", T::TinyIntUnsigned),
        ("c_smallint", T::SmallInt),
        ("c_smallint_u", T::SmallIntUnsigned),
        ("c_mediumint", T::MediumInt),
        ("c_mediumint_u", T::MediumIntUnsigned),
        ("c_int", T::Int),
        ("c_int_u", T::IntUnsigned),
        ("c_bigint_u", T::BigIntUnsigned),
        ("c_float", T::Float),
        ("c_double", T::Double),
        ("c_decimal", T::Decimal(10, 2)),
        ("c_varchar", T::Varchar(20)),
        ("c_char", T::Char(5)),
        ("c_binary", T::Binary(4)),
        ("c_varbinary", T::VarBinary(16)),
        ("c_tinytext", T::TinyText),
        ("c_text", T::Text),
        ("c_mediumtext", T::MediumText),
        ("c_longtext", T::LongText),
        ("c_json", T::Json),
        ("c_datetime", T::DateTime),
        ("c_timestamp", T::Timestamp),
        ("c_date", T::Date),
        ("c_time", T::Time),
        ("c_year", T::Year),
        ("c_bool", T::Bool),
        ("c_vector", T::Vector(3)),
        ("c_sparse", T::SparseVector),
        ("c_enum", T::Enum(vec!["a".into(), "it's".into()])),
        ("c_set", T::Set(vec!["x".into(), "y".into()])),
        ("c_array_int", T::array(T::Int)),
        ("c_array_varchar", T::array(T::Varchar(10))),
        ("c_array_nested", T::array(T::array(T::Float))),
        ("c_array_vector", T::array(T::Vector(2))),
        // The SRID is read from information_schema.COLUMNS.SRS_ID (COLUMN_TYPE is `point`).
        ("c_point_srid", T::Point(Some(0))),
        ("c_point", T::Point(None)),
    ]
}

fn table() -> CreateTable {
    declared().into_iter().fold(
        CreateTable::new("typed").column(Column::new("id", T::BigInt).primary_key()),
        |t, (name, ty)| t.column(Column::new(name, ty)),
    )
}

/// Types the enum does not model, and server spellings with widths and precisions.
const EXTRA_SQL: &str = "CREATE TABLE extra (id INT PRIMARY KEY, b BLOB, bits BIT(3), \
                         dt6 DATETIME(6), fl FLOAT(10, 2), ab ARRAY(BOOL))";

fn check(info: &TableInfo, extra: &TableInfo) {
    let id = info.column("id").unwrap();
    assert_eq!(id.parsed_type, Some(T::BigInt), "{}", id.column_type);
    for (name, ty) in declared() {
        let c = info.column(name).unwrap();
        assert_eq!(
            c.parsed_type.as_ref(),
            Some(&ty),
            "{name}: the server reports `{}`",
            c.column_type
        );
        // `Other` carries the spelling: the server's here, the renderer's there.
        match ColumnKind::of_type(&ty) {
            ColumnKind::Other(_) => assert!(matches!(c.kind, ColumnKind::Other(_)), "{name}"),
            kind => assert_eq!(c.kind, kind, "{name}"),
        }
    }
    // Display widths are the server's, not the declaration's.
    assert_eq!(info.column("c_int").unwrap().column_type, "int(11)");
    assert_eq!(info.column("c_bool").unwrap().column_type, "tinyint(1)");
    assert_eq!(
        info.column("c_vector").unwrap().kind,
        ColumnKind::Vector(3u32)
    );
    assert_eq!(info.column("c_year").unwrap().kind, ColumnKind::Temporal);
    assert_eq!(
        info.column("c_varbinary").unwrap().kind,
        ColumnKind::Other("varbinary(16)".into())
    );

    for (name, server, parsed) in [
        ("b", "blob", None),
        ("bits", "bit(3)", None),
        ("dt6", "datetime(6)", Some(T::DateTime)),
        ("fl", "float(10,2)", Some(T::Float)),
        ("ab", "ARRAY(TINYINT)", Some(T::array(T::TinyInt))),
    ] {
        let c = extra.column(name).unwrap();
        assert_eq!(c.column_type, server, "{name}");
        assert_eq!(c.parsed_type, parsed, "{name}");
    }
    // A type the enum does not model stays representable: its kind keeps the
    // server's spelling.
    assert_eq!(
        extra.column("b").unwrap().kind,
        ColumnKind::Other("blob".into())
    );
}

#[test]
fn blocking_table_info_parses_column_types() {
    let db = TestDb::new("blocking_table_info_parses_column_types");
    let c = ObVecClient::from_url(&db.url).unwrap();
    c.create_table(&table()).unwrap();
    c.raw_sql(EXTRA_SQL).unwrap();
    check(
        &c.table_info("typed").unwrap(),
        &c.table_info("extra").unwrap(),
    );
}

#[tokio::test]
async fn async_table_info_parses_column_types() {
    let db = TestDb::new("async_table_info_parses_column_types");
    let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
    c.create_table(&table()).await.unwrap();
    c.raw_sql(EXTRA_SQL).await.unwrap();
    check(
        &c.table_info("typed").await.unwrap(),
        &c.table_info("extra").await.unwrap(),
    );
}

/// A table with a vector index (its distance comes from `SHOW CREATE TABLE`) and a
/// partitioning, for the free functions on a bare connection.
const INDEXED_SQL: &str = "CREATE TABLE indexed (id INT PRIMARY KEY, v VECTOR(3), \
                           VECTOR INDEX vidx (v) WITH (distance=inner_product, type=hnsw)) \
                           PARTITION BY HASH(id) PARTITIONS 2";

fn check_indexed(info: &TableInfo) {
    assert_eq!(info.name, "indexed");
    assert_eq!(info.column("v").unwrap().parsed_type, Some(T::Vector(3)));
    let vidx = info.vector_index_on("v").unwrap();
    assert_eq!(vidx.name, "vidx");
    assert_eq!(vidx.distance.as_deref(), Some("INNER_PRODUCT"));
    assert_eq!(info.partitions, ["p0", "p1"]);
    assert!(info.indexes.iter().any(|i| i.name == "PRIMARY" && i.unique));
}

#[test]
fn describe_table_on_a_bare_connection() {
    use diesel::connection::SimpleConnection;
    let db = TestDb::new("describe_table_on_a_bare_connection");
    let mut conn = diesel_seekdb_suite::connect(&db.url);
    conn.batch_execute(INDEXED_SQL).unwrap();
    check_indexed(&diesel_seekdb::client::describe_table(&mut conn, "indexed").unwrap());
    assert!(diesel_seekdb::client::table_exists(&mut conn, "INDEXED").unwrap());
    assert!(!diesel_seekdb::client::table_exists(&mut conn, "nope").unwrap());
    assert!(matches!(
        diesel_seekdb::client::describe_table(&mut conn, "nope"),
        Err(diesel_seekdb::Error::CollectionNotFound { name }) if name == "nope"
    ));
}

#[tokio::test]
async fn describe_table_async_on_a_bare_connection() {
    use diesel_async::{AsyncConnection, AsyncMysqlConnection, SimpleAsyncConnection};
    let db = TestDb::new("describe_table_async_on_a_bare_connection");
    let mut conn = AsyncMysqlConnection::establish(&db.url).await.unwrap();
    conn.batch_execute(INDEXED_SQL).await.unwrap();
    let info = diesel_seekdb::client::describe_table_async(&mut conn, "indexed")
        .await
        .unwrap();
    check_indexed(&info);
    assert!(
        diesel_seekdb::client::table_exists_async(&mut conn, "indexed")
            .await
            .unwrap()
    );
    assert!(matches!(
        diesel_seekdb::client::describe_table_async(&mut conn, "nope").await,
        Err(diesel_seekdb::Error::CollectionNotFound { .. })
    ));
}
