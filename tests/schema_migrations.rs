//! Migrations built with the DDL builders run through diesel's `MigrationHarness`
//! together with the embedded SQL migrations, on a real server.

use diesel::migration::MigrationSource;
use diesel::mysql::Mysql;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::MigrationHarness;
use diesel_seekdb::ddl::{
    AlterTable, Column, ColumnType, CreateTable, Distance, DropIndex, DropTable, FullTextIndex,
    FullTextParser, VectorIndex,
};
use diesel_seekdb::migration::{
    CreateIndex, Direction, MigrationSet, RawSql, SchemaMigration, StepError,
};
use diesel_seekdb_suite::{TestDb, MIGRATIONS};

/// `(Key_name, Index_type)` of every index `SHOW INDEX` lists for `table`.
fn indexes(conn: &mut MysqlConnection, table: &str) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Index {
        #[diesel(sql_type = Text, column_name = "Key_name")]
        name: String,
        #[diesel(sql_type = Text, column_name = "Index_type")]
        kind: String,
    }
    let rows: Vec<Index> = diesel::sql_query(format!("SHOW INDEX FROM `{table}`"))
        .load(conn)
        .unwrap();
    rows.into_iter().map(|i| (i.name, i.kind)).collect()
}

fn columns(conn: &mut MysqlConnection, table: &str) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Col {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        ty: String,
    }
    let rows: Vec<Col> = diesel::sql_query(
        "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS ty FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
    )
    .bind::<Text, _>(table)
    .load(conn)
    .unwrap();
    rows.into_iter().map(|c| (c.name, c.ty)).collect()
}

fn applied(conn: &mut MysqlConnection) -> Vec<String> {
    conn.applied_migrations()
        .unwrap()
        .iter()
        .map(|v| v.to_string())
        .collect()
}

/// A vector column and its index added to the SQL-migrated `articles` table.
fn summary_index() -> SchemaMigration {
    SchemaMigration::builder("2026-11-25-000101_articles_summary_index")
        .up(AlterTable::new("articles").add_column(Column::new("summary", ColumnType::Vector(4))))
        .up(CreateIndex::vector(
            "articles",
            VectorIndex::new("articles_summary_idx", "summary")
                .distance(Distance::InnerProduct)
                .m(24)
                .ef_construction(300),
        ))
        .down(DropIndex::new("articles_summary_idx", "articles"))
        .down(AlterTable::new("articles").drop_column("summary"))
        .build()
        .unwrap()
}

/// A whole table with inline vector and full-text indexes.
fn notes_table() -> SchemaMigration {
    SchemaMigration::builder("2026-11-25-000102_create_notes")
        .up(CreateTable::new("notes")
            .column(
                Column::new("id", ColumnType::BigInt)
                    .primary_key()
                    .auto_increment(),
            )
            .column(Column::new("text", ColumnType::Varchar(512)).not_null())
            .column(Column::new("v", ColumnType::Vector(3)))
            .vector_index(VectorIndex::new("notes_v_idx", "v"))
            .fulltext_index(
                FullTextIndex::new("notes_text_ftx", ["text"]).parser(FullTextParser::ngram(None)),
            ))
        .up(CreateIndex::full_text(
            "articles",
            FullTextIndex::new("articles_title_ftx", ["title"]),
        ))
        .down(DropIndex::new("articles_title_ftx", "articles"))
        .down(DropTable::new("notes"))
        .build()
        .unwrap()
}

#[test]
fn rust_migrations_run_and_revert_with_sql_ones() {
    let mut db = TestDb::new("rsmig");
    let conn = &mut db.conn;
    // Added out of order on purpose: the set orders by version.
    let set = MigrationSet::new()
        .migration(notes_table())
        .source(MIGRATIONS)
        .migration(summary_index());
    let order: Vec<String> = MigrationSource::<Mysql>::migrations(&set)
        .unwrap()
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    assert_eq!(
        order,
        [
            "20261125000001",
            "20261125000002",
            "20261125000003",
            "20261125000004",
            "20261125000101",
            "20261125000102"
        ]
    );

    let ran = conn.run_pending_migrations(&set).unwrap();
    assert_eq!(ran.len(), 6);
    assert!(indexes(conn, "articles").contains(&("articles_summary_idx".into(), "VECTOR".into())));
    assert!(indexes(conn, "articles").contains(&("articles_title_ftx".into(), "FULLTEXT".into())));
    assert!(columns(conn, "articles").contains(&("summary".into(), "VECTOR(4)".into())));
    let notes = indexes(conn, "notes");
    assert!(
        notes.contains(&("notes_v_idx".into(), "VECTOR".into())),
        "{notes:?}"
    );
    assert!(
        notes.contains(&("notes_text_ftx".into(), "FULLTEXT".into())),
        "{notes:?}"
    );
    assert!(!conn.has_pending_migration(&set).unwrap());

    // Reverting the newest (Rust) migration drops its table and index only.
    let v = conn.revert_last_migration(&set).unwrap();
    assert_eq!(v.to_string(), "20261125000102");
    assert!(columns(conn, "notes").is_empty());
    assert!(!indexes(conn, "articles")
        .iter()
        .any(|(n, _)| n == "articles_title_ftx"));
    assert!(indexes(conn, "articles")
        .iter()
        .any(|(n, _)| n == "articles_summary_idx"));

    // Then the index migration: index and column gone, the SQL-created table stays.
    let v = conn.revert_last_migration(&set).unwrap();
    assert_eq!(v.to_string(), "20261125000101");
    assert!(!indexes(conn, "articles")
        .iter()
        .any(|(n, _)| n == "articles_summary_idx"));
    assert!(!columns(conn, "articles")
        .iter()
        .any(|(n, _)| n == "summary"));
    assert!(columns(conn, "articles")
        .iter()
        .any(|(n, _)| n == "embedding"));
    assert_eq!(applied(conn).len(), 4);

    // Reapplying runs only the Rust migrations; revert_all walks through both kinds.
    assert_eq!(conn.run_pending_migrations(&set).unwrap().len(), 2);
    assert_eq!(conn.revert_all_migrations(&set).unwrap().len(), 6);
    assert!(applied(conn).is_empty());
    assert!(columns(conn, "articles").is_empty());
}

#[test]
fn invalid_builders_are_typed_errors_before_anything_runs() {
    // ef_construction must exceed m: refused by the builder, no SQL produced.
    let err = SchemaMigration::builder("2026-11-25-000201_bad")
        .up(CreateIndex::vector(
            "articles",
            VectorIndex::new("bad_idx", "embedding")
                .m(32)
                .ef_construction(16),
        ))
        .build()
        .unwrap_err();
    match &err {
        diesel_seekdb::Error::Validation { parameter, reason } => {
            assert_eq!(parameter, "ef_construction");
            assert!(reason.contains("2026-11-25-000201_bad"), "{reason}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }

    // A vector column can't be a primary key; a name without a version is refused.
    assert!(matches!(
        SchemaMigration::builder("2026-11-25-000202_bad_pk")
            .up(CreateTable::new("t").column(Column::new("v", ColumnType::Vector(3)).primary_key()))
            .build(),
        Err(diesel_seekdb::Error::Validation { .. })
    ));
    assert!(matches!(
        SchemaMigration::builder("no_version")
            .up(RawSql::new("SELECT 1"))
            .build(),
        Err(diesel_seekdb::Error::Validation { parameter, .. }) if parameter == "name"
    ));
}

#[test]
fn a_server_error_names_the_step_and_records_nothing() {
    let mut db = TestDb::new("rsmigfail");
    let conn = &mut db.conn;
    // Valid for the builders, refused by seekdb: a second vector index on a column that
    // already has one.
    let second_index = SchemaMigration::builder("2026-11-25-000301_second_index")
        .up(RawSql::new(
            "CREATE TABLE probe (id INT PRIMARY KEY, v VECTOR(3))",
        ))
        .up(CreateIndex::vector(
            "probe",
            VectorIndex::new("probe_a", "v"),
        ))
        .up(CreateIndex::vector(
            "probe",
            VectorIndex::new("probe_b", "v"),
        ))
        .down(DropTable::new("probe"))
        .build()
        .unwrap();
    let set = MigrationSet::new().migration(second_index);
    let err = conn.run_pending_migrations(&set).unwrap_err();
    let step = err
        .downcast_ref::<StepError>()
        .unwrap_or_else(|| panic!("expected a StepError, got {err}"));
    assert_eq!(step.migration(), "2026-11-25-000301_second_index");
    assert_eq!(step.direction(), Direction::Up);
    assert_eq!(step.step(), 2);
    assert!(step.sql().contains("`probe_b`"), "{}", step.sql());
    assert!(
        step.error().to_string().contains("has vector index"),
        "{}",
        step.error()
    );
    // DDL is not transactional: the first two steps stay, the version is not recorded.
    assert!(applied(conn).is_empty());
    assert!(indexes(conn, "probe").iter().any(|(n, _)| n == "probe_a"));
}

#[test]
fn duplicate_versions_across_sources_are_refused() {
    let clash = SchemaMigration::builder("2026-11-25-000001_also_first")
        .up(RawSql::new("SELECT 1"))
        .build()
        .unwrap();
    let set = MigrationSet::new().source(MIGRATIONS).migration(clash);
    let err = MigrationSource::<Mysql>::migrations(&set).err().unwrap();
    assert!(
        err.to_string().contains("same version 20261125000001"),
        "{err}"
    );
}
