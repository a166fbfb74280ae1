//! The project's migrations apply and revert on a real server.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_migrations::MigrationHarness;
use diesel_seekdb_suite::{TestDb, MIGRATIONS};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn table_exists(conn: &mut MysqlConnection, table: &str) -> bool {
    let row: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    )
    .bind::<diesel::sql_types::Text, _>(table)
    .get_result(conn)
    .unwrap();
    row.n == 1
}

#[test]
fn migrations_apply_and_revert() {
    let mut db = TestDb::new("mig");
    let applied = db.conn.run_pending_migrations(MIGRATIONS).unwrap();
    assert!(!applied.is_empty());
    assert!(table_exists(&mut db.conn, "items"));

    #[derive(QueryableByName)]
    struct Index {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "Key_name")]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "Index_type")]
        kind: String,
    }
    let indexes: Vec<Index> = diesel::sql_query("SHOW INDEX FROM items")
        .load(&mut db.conn)
        .unwrap();
    assert!(indexes
        .iter()
        .any(|i| i.name == "items_embedding_idx" && i.kind == "VECTOR"));

    assert!(!db.conn.has_pending_migration(MIGRATIONS).unwrap());
    db.conn.revert_all_migrations(MIGRATIONS).unwrap();
    assert!(!table_exists(&mut db.conn, "items"));
    assert!(db.conn.has_pending_migration(MIGRATIONS).unwrap());
}
