//! A migration that fails half-way on the real server, then runs again after the cause
//! is fixed: the steps already applied (each DDL commits on its own) are passed over.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_migrations::MigrationHarness;
use diesel_seekdb::ddl::{
    AlterTable, Column, ColumnType, CreateTable, Distance, DropIndex, DropTable, FullTextIndex,
    VectorIndex,
};
use diesel_seekdb::migration::{CreateIndex, MigrationSet, RawSql, SchemaMigration, StepError};
use diesel_seekdb::ServerErrorKind;
use diesel_seekdb_suite::TestDb;

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut MysqlConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<N>(conn).unwrap().n
}

fn index_count(conn: &mut MysqlConnection, index: &str) -> i64 {
    count(
        conn,
        &format!(
            "SELECT COUNT(DISTINCT INDEX_NAME) AS n FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'docs' AND INDEX_NAME = '{index}'"
        ),
    )
}

fn column_count(conn: &mut MysqlConnection, column: &str) -> i64 {
    count(
        conn,
        &format!(
            "SELECT COUNT(*) AS n FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'docs' AND COLUMN_NAME = '{column}'"
        ),
    )
}

fn table_count(conn: &mut MysqlConnection, table: &str) -> i64 {
    count(
        conn,
        &format!(
            "SELECT COUNT(*) AS n FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"
        ),
    )
}

/// Every builder step kind, then a step that fails until `seed` exists.
fn migration(rerunnable: bool) -> SchemaMigration {
    SchemaMigration::builder("2026-12-02-000001_docs")
        .up(CreateTable::new("docs")
            .column(Column::new("id", ColumnType::Int).primary_key())
            .column(Column::new("title", ColumnType::Varchar(200)))
            .column(Column::new("v", ColumnType::Vector(3))))
        .up(CreateIndex::vector(
            "docs",
            VectorIndex::new("docs_vi", "v").distance(Distance::L2),
        ))
        .up(AlterTable::new("docs").add_column(Column::new("tag", ColumnType::Int)))
        .up(CreateIndex::full_text(
            "docs",
            FullTextIndex::new("docs_ft", ["title"]),
        ))
        .up(RawSql::new(
            "INSERT INTO docs (id, title, v) SELECT id, 'seeded', '[1,2,3]' FROM seed",
        ))
        .down(DropIndex::new("docs_ft", "docs"))
        .down(DropIndex::new("docs_vi", "docs"))
        .down(AlterTable::new("docs").drop_column("tag"))
        .down(RawSql::new("DELETE FROM seed_log"))
        .down(DropTable::new("docs"))
        .rerunnable(rerunnable)
        .build()
        .unwrap()
}

fn failed_step(err: &(dyn std::error::Error + Send + Sync + 'static)) -> (usize, Option<u32>) {
    let step = err
        .downcast_ref::<StepError>()
        .unwrap_or_else(|| panic!("not a step error: {err}"));
    (step.step(), step.error().code())
}

#[test]
fn a_migration_that_failed_half_way_runs_again_once_fixed() {
    let mut db = TestDb::new("mig_rerun");
    let set = || MigrationSet::new().migration(migration(true));

    // Step 4 needs `seed`: the first run stops there with steps 0-3 applied.
    let err = db.conn.run_pending_migrations(set()).unwrap_err();
    assert_eq!(failed_step(&*err), (4, Some(1146)), "{err}");
    assert_eq!(table_count(&mut db.conn, "docs"), 1);
    assert_eq!(index_count(&mut db.conn, "docs_vi"), 1);
    assert_eq!(column_count(&mut db.conn, "tag"), 1);
    assert_eq!(index_count(&mut db.conn, "docs_ft"), 1);

    // As written, a re-run fails on the first step, which is already applied.
    let err = db
        .conn
        .run_pending_migrations(MigrationSet::new().migration(migration(false)))
        .unwrap_err();
    let step = err.downcast_ref::<StepError>().unwrap();
    assert_eq!(step.step(), 0);
    assert_eq!(
        step.error().kind(),
        Some(ServerErrorKind::TableExists),
        "{err}"
    );

    // Fixed, the re-runnable migration passes over steps 0-3 and completes.
    db.conn
        .batch_execute("CREATE TABLE seed (id INT PRIMARY KEY); INSERT INTO seed VALUES (1), (2)")
        .unwrap();
    let applied = db.conn.run_pending_migrations(set()).unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(count(&mut db.conn, "SELECT COUNT(*) AS n FROM docs"), 2);
    assert_eq!(index_count(&mut db.conn, "docs_vi"), 1);
    assert_eq!(column_count(&mut db.conn, "tag"), 1);
    assert!(db.conn.run_pending_migrations(set()).unwrap().is_empty());

    // Reverting fails at its step 3 (no `seed_log`) with the indexes and column gone...
    let err = db.conn.revert_last_migration(set()).unwrap_err();
    assert_eq!(failed_step(&*err), (3, Some(1146)), "{err}");
    assert_eq!(index_count(&mut db.conn, "docs_vi"), 0);
    assert_eq!(index_count(&mut db.conn, "docs_ft"), 0);
    assert_eq!(column_count(&mut db.conn, "tag"), 0);
    assert_eq!(table_count(&mut db.conn, "docs"), 1);
    // ...and once fixed, reverting again passes over them and drops the table.
    db.conn
        .batch_execute("CREATE TABLE seed_log (id INT PRIMARY KEY)")
        .unwrap();
    db.conn.revert_last_migration(set()).unwrap();
    assert_eq!(table_count(&mut db.conn, "docs"), 0);
    assert_eq!(
        db.conn.applied_migrations().unwrap().len(),
        0,
        "the version is still recorded"
    );
}

#[test]
fn rerunnable_forms_are_what_seekdb_accepts() {
    let m = migration(true);
    assert_eq!(
        m.up_sql()[0],
        "CREATE TABLE IF NOT EXISTS `docs` (`id` INT NOT NULL, `title` VARCHAR(200), `v` VECTOR(3), \
         PRIMARY KEY (`id`))"
    );
    // seekdb 1.4 has no working IF NOT EXISTS for these: checked before running.
    assert!(m.up_sql()[1].starts_with("CREATE VECTOR INDEX `docs_vi` ON `docs`"));
    assert_eq!(m.up_sql()[2], "ALTER TABLE `docs` ADD COLUMN `tag` INT");
    assert_eq!(m.down_sql()[4], "DROP TABLE IF EXISTS `docs`");
    let plain = migration(false);
    assert!(plain.up_sql()[0].starts_with("CREATE TABLE `docs`"));
    assert_eq!(plain.down_sql()[4], "DROP TABLE `docs`");
}
