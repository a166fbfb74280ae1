//! Unit tests of the table builder (rendering and rules, no server).

use super::*;
use crate::ddl::{
    AlterTable, DropTable, FullTextParser, PartitionDef, PartitionValue, VecIndexType,
};

fn param_of(r: Result<impl std::fmt::Debug>) -> String {
    match r {
        Err(Error::Validation { parameter, .. }) => parameter,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn t() -> CreateTable {
    CreateTable::new("t").column(Column::new("id", ColumnType::Int).primary_key())
}

#[test]
fn renders_types() {
    let all = [
        (ColumnType::TinyInt, "TINYINT"),
        (ColumnType::TinyIntUnsigned, "TINYINT UNSIGNED"),
        (ColumnType::SmallInt, "SMALLINT"),
        (ColumnType::SmallIntUnsigned, "SMALLINT UNSIGNED"),
        (ColumnType::Int, "INT"),
        (ColumnType::IntUnsigned, "INT UNSIGNED"),
        (ColumnType::BigInt, "BIGINT"),
        (ColumnType::BigIntUnsigned, "BIGINT UNSIGNED"),
        (ColumnType::Float, "FLOAT"),
        (ColumnType::Double, "DOUBLE"),
        (ColumnType::Decimal(10, 2), "DECIMAL(10, 2)"),
        (ColumnType::Varchar(64), "VARCHAR(64)"),
        (ColumnType::Char(2), "CHAR(2)"),
        (ColumnType::Text, "TEXT"),
        (ColumnType::LongText, "LONGTEXT"),
        (ColumnType::Json, "JSON"),
        (ColumnType::DateTime, "DATETIME"),
        (ColumnType::Timestamp, "TIMESTAMP"),
        (ColumnType::Date, "DATE"),
        (ColumnType::Bool, "BOOL"),
        (ColumnType::Vector(3), "VECTOR(3)"),
        (ColumnType::SparseVector, "SPARSEVECTOR"),
        (
            ColumnType::array(ColumnType::array(ColumnType::Int)),
            "ARRAY(ARRAY(INT))",
        ),
        (
            ColumnType::array(ColumnType::Varchar(20)),
            "ARRAY(VARCHAR(20))",
        ),
    ];
    for (ty, sql) in all {
        assert_eq!(ty.to_sql(), sql);
        assert!(ty.validate("c").is_ok(), "{sql}");
    }
    for bad in [
        ColumnType::Vector(0),
        ColumnType::Vector(16_001),
        ColumnType::Decimal(0, 0),
        ColumnType::Decimal(66, 0),
        ColumnType::Decimal(5, 6),
        ColumnType::Varchar(0),
        ColumnType::Char(256),
        ColumnType::array(ColumnType::Text),
        ColumnType::array(ColumnType::Json),
        ColumnType::array(ColumnType::Decimal(5, 2)),
        ColumnType::array(ColumnType::Char(3)),
        ColumnType::array(ColumnType::Date),
        ColumnType::array(ColumnType::SparseVector),
        ColumnType::array(ColumnType::array(ColumnType::Text)),
    ] {
        assert_eq!(
            param_of(bad.validate("c").map_err(Error::from)),
            "c",
            "{bad:?}"
        );
    }
    assert!(ColumnType::Vector(16_000).validate("c").is_ok());
    let mut deep = ColumnType::Int;
    for _ in 0..6 {
        deep = ColumnType::array(deep);
    }
    assert!(deep.validate("c").is_ok());
    assert!(ColumnType::array(deep).validate("c").is_err());
}

#[test]
fn renders_columns() {
    let c = Column::new("n", ColumnType::Varchar(10))
        .not_null()
        .default("it's")
        .comment("a\\b");
    assert_eq!(
        c.to_sql().unwrap(),
        "`n` VARCHAR(10) NOT NULL DEFAULT 'it''s' COMMENT 'a\\\\b'"
    );
    assert_eq!(
        Column::new("b", ColumnType::Bool)
            .default(true)
            .to_sql()
            .unwrap(),
        "`b` BOOL DEFAULT TRUE"
    );
    assert_eq!(
        Column::new("d", ColumnType::DateTime)
            .default(DefaultValue::CurrentTimestamp)
            .to_sql()
            .unwrap(),
        "`d` DATETIME DEFAULT CURRENT_TIMESTAMP"
    );
    assert_eq!(
        Column::new("x", ColumnType::Int)
            .default(DefaultValue::Null)
            .to_sql()
            .unwrap(),
        "`x` INT DEFAULT NULL"
    );
    assert_eq!(
        Column::new("x", ColumnType::BigIntUnsigned)
            .default(7u64)
            .to_sql()
            .unwrap(),
        "`x` BIGINT UNSIGNED DEFAULT 7"
    );
    assert_eq!(
        param_of(
            Column::new("v", ColumnType::Vector(3))
                .default("[0,0,0]")
                .to_sql()
        ),
        "columns.v.default"
    );
    assert_eq!(
        param_of(Column::new("j", ColumnType::Json).default("{}").to_sql()),
        "columns.j.default"
    );
    assert_eq!(
        param_of(
            Column::new("x", ColumnType::Int)
                .not_null()
                .default(DefaultValue::Null)
                .to_sql()
        ),
        "columns.x.default"
    );
    assert_eq!(
        param_of(
            Column::new("x", ColumnType::Double)
                .default(f64::NAN)
                .to_sql()
        ),
        "columns.x.default"
    );
    assert_eq!(
        param_of(
            Column::new("x", ColumnType::Varchar(3))
                .auto_increment()
                .to_sql()
        ),
        "columns.x.auto_increment"
    );
    assert_eq!(
        param_of(
            Column::new("x", ColumnType::Int)
                .auto_increment()
                .default(1)
                .to_sql()
        ),
        "columns.x.default"
    );
    assert_eq!(
        param_of(Column::new("", ColumnType::Int).to_sql()),
        "column"
    );
}

#[test]
fn renders_tables() {
    let sql = CreateTable::new("t")
        .column(Column::new("a", ColumnType::Int).not_null())
        .column(Column::new("b", ColumnType::Varchar(10)).not_null())
        .column(Column::new("v", ColumnType::Vector(4096)))
        .column(Column::new("sv", ColumnType::SparseVector))
        .column(Column::new("body", ColumnType::Text))
        .primary_key(["a", "b"])
        .index(Index::new("k1", ["b"]))
        .index(Index::unique("u1", ["a", "b"]))
        .vector_index(VectorIndex::new("vi", "v").index_type(VecIndexType::IvfFlat))
        .vector_index(VectorIndex::sparse("si", "sv"))
        .fulltext_index(FullTextIndex::new("fi", ["body"]).parser(FullTextParser::beng()))
        .organization(Organization::Index)
        .lob_inrow_threshold(65_536)
        .comment("demo")
        .partition(Partition::key(["a"]).partitions(2))
        .to_sql()
        .unwrap();
    assert_eq!(
        sql,
        "CREATE TABLE `t` (`a` INT NOT NULL, `b` VARCHAR(10) NOT NULL, `v` VECTOR(4096), `sv` SPARSEVECTOR, `body` TEXT, \
         PRIMARY KEY (`a`, `b`), KEY `k1` (`b`), UNIQUE KEY `u1` (`a`, `b`), \
         VECTOR INDEX `vi` (`v`) WITH (distance=l2, type=ivf_flat, lib=ob), \
         VECTOR INDEX `si` (`sv`) WITH (distance=inner_product, type=sindi, lib=vsag), \
         FULLTEXT INDEX `fi` (`body`) WITH PARSER beng) ORGANIZATION INDEX LOB_INROW_THRESHOLD=65536 COMMENT='demo' \
         PARTITION BY KEY (`a`) PARTITIONS 2"
    );
    assert_eq!(
        t().to_sql().unwrap(),
        "CREATE TABLE `t` (`id` INT NOT NULL, PRIMARY KEY (`id`))"
    );
}

#[test]
fn table_rules() {
    let v3 = || Column::new("v", ColumnType::Vector(3));
    assert_eq!(param_of(CreateTable::new("t").to_sql()), "columns");
    assert_eq!(
        param_of(CreateTable::new("x".repeat(65)).column(v3()).to_sql()),
        "table"
    );
    assert_eq!(
        param_of(t().column(Column::new("ID", ColumnType::Int)).to_sql()),
        "columns.ID"
    );
    assert_eq!(
        param_of(t().column(v3()).primary_key(["id", "v"]).to_sql()),
        "primary_key.v"
    );
    assert_eq!(
        param_of(t().column(v3().primary_key()).to_sql()),
        "columns.v"
    );
    assert_eq!(param_of(t().primary_key(["nope"]).to_sql()), "primary_key");
    assert_eq!(
        param_of(t().column(v3()).index(Index::new("k", ["v"])).to_sql()),
        "indexes.k.v"
    );
    assert_eq!(
        param_of(
            t().column(Column::new("j", ColumnType::Json))
                .index(Index::unique("k", ["j"]))
                .to_sql()
        ),
        "indexes.k.j"
    );
    assert_eq!(
        param_of(t().index(Index::new("k", ["zz"])).to_sql()),
        "indexes.k"
    );
    assert_eq!(
        param_of(t().index(Index::new("k", Vec::<String>::new())).to_sql()),
        "indexes.k"
    );
    assert_eq!(
        param_of(
            t().column(v3())
                .index(Index::new("k", ["id"]))
                .vector_index(VectorIndex::new("K", "v"))
                .to_sql()
        ),
        "index_name"
    );
    assert_eq!(
        param_of(
            t().column(v3())
                .vector_index(VectorIndex::new("a", "v"))
                .vector_index(VectorIndex::new("b", "v"))
                .to_sql()
        ),
        "vector_indexes.b"
    );
    assert_eq!(
        param_of(t().vector_index(VectorIndex::new("a", "id")).to_sql()),
        "vector_indexes.a"
    );
    assert_eq!(
        param_of(t().vector_index(VectorIndex::new("a", "zz")).to_sql()),
        "vector_indexes.a"
    );
    assert_eq!(
        param_of(
            t().column(Column::new("sv", ColumnType::SparseVector))
                .vector_index(VectorIndex::new("a", "sv"))
                .to_sql()
        ),
        "index_type"
    );
    assert_eq!(
        param_of(
            t().column(v3())
                .vector_index(VectorIndex::sparse("a", "v"))
                .to_sql()
        ),
        "index_type"
    );
    // ivf_pq m must divide the column's dimension, known from the column
    assert_eq!(
        param_of(
            t().column(v3())
                .vector_index(
                    VectorIndex::new("a", "v")
                        .index_type(VecIndexType::IvfPq)
                        .m(2)
                )
                .to_sql()
        ),
        "m"
    );
    // IVF above 2048 dims needs a raised LOB_INROW_THRESHOLD
    let big = || {
        t().column(Column::new("v", ColumnType::Vector(4096)))
            .vector_index(VectorIndex::new("a", "v").index_type(VecIndexType::IvfSq8))
    };
    assert_eq!(param_of(big().to_sql()), "dim");
    assert!(big().lob_inrow_threshold(16_384).to_sql().is_ok());
    assert_eq!(
        param_of(big().lob_inrow_threshold(786_433).to_sql()),
        "lob_inrow_threshold"
    );
    assert_eq!(
        param_of(
            t().column(Column::new("v", ColumnType::Vector(4097)))
                .vector_index(VectorIndex::new("a", "v"))
                .to_sql()
        ),
        "dim"
    );
    assert_eq!(
        param_of(t().fulltext_index(FullTextIndex::new("f", ["id"])).to_sql()),
        "fulltext_indexes.f.id"
    );
    assert_eq!(
        param_of(
            t().column(Column::new("c", ColumnType::Int))
                .partition(Partition::hash("c").partitions(2))
                .to_sql()
        ),
        "partition"
    );
    assert_eq!(
        param_of(t().partition(Partition::hash("zz").partitions(2)).to_sql()),
        "partition"
    );
    assert!(t()
        .partition(Partition::hash("id").partitions(2))
        .to_sql()
        .is_ok());
    assert!(t()
        .partition(Partition::key(Vec::<String>::new()).partitions(2))
        .to_sql()
        .is_ok());
    assert_eq!(
        param_of(
            t().column(Column::new("u", ColumnType::Int))
                .index(Index::unique("uk", ["u"]))
                .partition(Partition::hash("id").partitions(2))
                .to_sql()
        ),
        "indexes.uk"
    );
    let ranged = CreateTable::new("t")
        .column(Column::new("id", ColumnType::Int))
        .column(Column::new("d", ColumnType::Varchar(8)))
        .primary_key(["id", "d"])
        .partition(
            Partition::range("id")
                .partition(PartitionDef::less_than("p0", 10))
                .partition(PartitionDef::less_than("p1", PartitionValue::MaxValue))
                .subpartition_by(Partition::key(["d"]).partitions(2)),
        );
    assert!(ranged.to_sql().is_ok());
    assert_eq!(
        param_of(
            t().column(Column::new("a", ColumnType::Int).auto_increment())
                .column(Column::new("b", ColumnType::Int).auto_increment())
                .to_sql()
        ),
        "auto_increment"
    );
}

#[test]
fn alter_and_drop() {
    assert_eq!(
        AlterTable::new("t")
            .add_column(Column::new("c", ColumnType::Vector(3)))
            .to_sql()
            .unwrap(),
        "ALTER TABLE `t` ADD COLUMN `c` VECTOR(3)"
    );
    assert_eq!(
        AlterTable::new("t").drop_column("a`b").to_sql().unwrap(),
        "ALTER TABLE `t` DROP COLUMN `a``b`"
    );
    assert_eq!(param_of(AlterTable::new("t").to_sql()), "actions");
    assert_eq!(
        param_of(AlterTable::new("t").drop_column("").to_sql()),
        "column"
    );
    assert_eq!(
        param_of(
            AlterTable::new("t")
                .add_column(Column::new("c", ColumnType::Int).primary_key())
                .to_sql()
        ),
        "columns.c"
    );
    assert_eq!(
        param_of(
            AlterTable::new("t")
                .add_column(Column::new("c", ColumnType::Vector(0)))
                .to_sql()
        ),
        "columns.c"
    );
    assert_eq!(DropTable::new("t").to_sql().unwrap(), "DROP TABLE `t`");
    assert_eq!(param_of(DropTable::new("").to_sql()), "table");
    assert_eq!(
        Index::unique("u", ["a"]).to_create_sql("t").unwrap(),
        "CREATE UNIQUE INDEX `u` ON `t` (`a`)"
    );
}

#[test]
fn charset_and_collation_render_and_validate() {
    let c = Column::new("k", ColumnType::Varchar(8))
        .charset("utf8mb4")
        .collation("utf8mb4_bin")
        .not_null();
    assert_eq!(
        c.to_sql().unwrap(),
        "`k` VARCHAR(8) CHARACTER SET `utf8mb4` COLLATE `utf8mb4_bin` NOT NULL"
    );
    assert!(Column::new("k", ColumnType::Char(3))
        .charset("binary")
        .is_binary());
    assert!(!Column::new("k", ColumnType::Char(3))
        .collation("utf8mb4_bin")
        .is_binary());
    assert_eq!(
        param_of(Column::new("n", ColumnType::Int).charset("binary").to_sql()),
        "columns.n.charset"
    );
    assert_eq!(
        param_of(
            Column::new("k", ColumnType::Text)
                .collation("bin`; DROP")
                .to_sql()
        ),
        "columns.k.collation"
    );
    assert_eq!(
        param_of(Column::new("k", ColumnType::Text).charset("").to_sql()),
        "columns.k.charset"
    );
    assert_eq!(
        param_of(
            Column::new("k", ColumnType::Text)
                .charset("utf8mb4")
                .collation("binary")
                .to_sql()
        ),
        "columns.k.collation"
    );
    assert_eq!(
        param_of(
            Column::new("k", ColumnType::Text)
                .charset("utf8mb4")
                .collation("utf8mb4bin")
                .to_sql()
        ),
        "columns.k.collation"
    );
    assert_eq!(
        param_of(t().charset("binary").collation("utf8mb4_bin").to_sql()),
        "table.collation"
    );
    assert_eq!(
        t().charset("binary").collation("binary").to_sql().unwrap(),
        "CREATE TABLE `t` (`id` INT NOT NULL, PRIMARY KEY (`id`)) DEFAULT CHARSET=`binary` COLLATE=`binary`"
    );
    assert_eq!(
        param_of(
            t().column(Column::new("k", ColumnType::Varchar(8)).charset("binary"))
                .fulltext_index(FullTextIndex::new("ft", ["k"]))
                .to_sql()
        ),
        "fulltext_indexes.ft.k"
    );
}
