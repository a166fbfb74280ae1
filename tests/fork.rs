//! FORK TABLE / FORK DATABASE on the real server: the copy has the rows and a working
//! vector index, the guard drops it (also after a panic), and what a fork costs next
//! to copying a 20,000 x 128 indexed table (printed for the README, not asserted).

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_seekdb::ddl::{ForkDatabase, ForkTable};
use diesel_seekdb::fork::Fork;
use diesel_seekdb::{Error, ServerErrorKind};
use diesel_seekdb_suite::TestDb;

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut MysqlConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<N>(conn).unwrap().n
}

fn table_exists(conn: &mut MysqlConnection, db: &str, table: &str) -> bool {
    count(
        conn,
        &format!(
            "SELECT COUNT(*) AS n FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{table}'"
        ),
    ) > 0
}

fn database_exists(conn: &mut MysqlConnection, db: &str) -> bool {
    count(
        conn,
        &format!(
            "SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{db}'"
        ),
    ) > 0
}

fn vector(i: i64, dim: usize) -> String {
    let v: Vec<String> = (0..dim as i64)
        .map(|d| format!("{}", ((i * 7919 + d * 104_729) % 10_007) as f32 / 10_007.0))
        .collect();
    format!("[{}]", v.join(","))
}

fn load(conn: &mut MysqlConnection, table: &str, rows: i64, dim: usize) {
    conn.batch_execute(&format!(
        "CREATE TABLE `{table}` (id INT PRIMARY KEY, v VECTOR({dim}))"
    ))
    .unwrap();
    for start in (0..rows).step_by(2000) {
        let values: Vec<String> = (start..(start + 2000).min(rows))
            .map(|i| format!("({i}, '{}')", vector(i, dim)))
            .collect();
        conn.batch_execute(&format!(
            "INSERT INTO `{table}` VALUES {}",
            values.join(",")
        ))
        .unwrap();
    }
}

const INDEX: &str = "WITH (distance=l2, type=hnsw, lib=vsag)";

/// The nearest row to row `i`'s vector by approximate search (the row itself).
fn nearest(conn: &mut MysqlConnection, table: &str, i: i64, dim: usize) -> i64 {
    count(
        conn,
        &format!(
            "SELECT CAST(id AS SIGNED) AS n FROM `{table}` ORDER BY l2_distance(v, '{}') \
             APPROXIMATE LIMIT 1",
            vector(i, dim)
        ),
    )
}

#[test]
fn a_forked_table_has_the_rows_and_the_index_and_is_dropped_with_the_guard() {
    let mut db = TestDb::new("fork_table");
    load(&mut db.conn, "docs", 500, 8);
    db.conn
        .batch_execute(&format!("CREATE VECTOR INDEX docs_vi ON docs (v) {INDEX}"))
        .unwrap();
    let name = Fork::unique_name("docs");
    {
        let mut fork = Fork::table(&db.url, "docs", &name).unwrap();
        assert_eq!(fork.name(), name);
        let conn = fork.conn();
        assert_eq!(
            count(conn, &format!("SELECT COUNT(*) AS n FROM `{name}`")),
            500
        );
        assert_eq!(nearest(conn, &name, 123, 8), 123);
        let indexes = count(
            conn,
            &format!(
                "SELECT COUNT(*) AS n FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{name}' \
                 AND INDEX_NAME = 'docs_vi'"
            ),
        );
        assert!(indexes > 0, "the fork has no docs_vi");
        // The copy is independent of its source.
        conn.batch_execute(&format!("DELETE FROM `{name}` WHERE id < 100"))
            .unwrap();
        assert_eq!(
            count(
                &mut fork.connect().unwrap(),
                &format!("SELECT COUNT(*) AS n FROM `{name}`")
            ),
            400
        );
        assert_eq!(count(&mut db.conn, "SELECT COUNT(*) AS n FROM docs"), 500);
        assert!(table_exists(&mut db.conn, &db.name, &name));
    }
    assert!(
        !table_exists(&mut db.conn, &db.name, &name),
        "the guard left {name}"
    );

    // Forking onto an existing name fails and drops nothing.
    let err = Fork::table(&db.url, "docs", "docs_copy_target").and_then(|f| {
        let again = Fork::table(&db.url, "docs", "docs_copy_target");
        drop(f);
        again
    });
    match err {
        Err(e) => assert_eq!(e.kind(), Some(ServerErrorKind::TableExists), "{e}"),
        Ok(f) => panic!("forked onto an existing table: {f:?}"),
    }
    let kept = Fork::table(&db.url, "docs", "kept").unwrap().keep();
    assert_eq!(kept, "kept");
    assert!(table_exists(&mut db.conn, &db.name, "kept"));
    let e = Fork::table(&db.url, "docs", "kept").unwrap_err();
    assert_eq!(e.code(), Some(1050), "{e}");
    assert!(
        table_exists(&mut db.conn, &db.name, "kept"),
        "a failed fork dropped the existing table"
    );
    assert!(matches!(
        Fork::table(&db.url, "docs", "DOCS"),
        Err(Error::Validation { .. })
    ));
}

#[test]
fn the_guard_drops_the_fork_when_the_test_panics() {
    let mut db = TestDb::new("fork_panic");
    load(&mut db.conn, "docs", 10, 4);
    let name = Fork::unique_name("docs");
    let (url, target) = (db.url.clone(), name.clone());
    let outcome = std::thread::spawn(move || {
        let _fork = Fork::table(&url, "docs", &target).unwrap();
        panic!("a failing experiment");
    })
    .join();
    assert!(outcome.is_err(), "the thread did not panic");
    assert!(
        !table_exists(&mut db.conn, &db.name, &name),
        "{name} survived the panic"
    );
}

#[test]
fn a_forked_database_holds_every_table_and_is_dropped_with_the_guard() {
    let mut db = TestDb::new("fork_db");
    load(&mut db.conn, "a", 20, 4);
    load(&mut db.conn, "b", 30, 4);
    let target = format!("{}_b", db.name);
    assert_eq!(
        ForkDatabase::new(&db.name, &target).to_sql().unwrap(),
        format!("FORK DATABASE `{}` TO `{target}`", db.name)
    );
    {
        let mut fork = Fork::database(&db.url, &db.name, &target).unwrap();
        assert_eq!(fork.url().database(), Some(target.as_str()));
        assert_eq!(count(fork.conn(), "SELECT COUNT(*) AS n FROM a"), 20);
        let mut other = fork.connect().unwrap();
        assert_eq!(count(&mut other, "SELECT COUNT(*) AS n FROM b"), 30);
        assert!(database_exists(&mut db.conn, &target));
    }
    assert!(
        !database_exists(&mut db.conn, &target),
        "the guard left {target}"
    );
    let fork = Fork::database(&db.url, &db.name, &target).unwrap();
    fork.drop_now().unwrap();
    assert!(!database_exists(&mut db.conn, &target));
}

/// Fork vs copy of a 20,000 x 128 table with an HNSW index; prints the times.
#[test]
fn fork_time_vs_copy_time_for_an_indexed_20k_x_128_table() {
    const ROWS: i64 = 20_000;
    const DIM: usize = 128;
    let mut db = TestDb::new("fork_cost");
    let t = Instant::now();
    load(&mut db.conn, "src", ROWS, DIM);
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    db.conn
        .batch_execute(&format!("CREATE VECTOR INDEX src_vi ON src (v) {INDEX}"))
        .unwrap();
    let build_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let fork = Fork::table_with(&db.url, ForkTable::new("src", "by_fork")).unwrap();
    let fork_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    db.conn
        .batch_execute(
            "CREATE TABLE by_copy (id INT PRIMARY KEY, v VECTOR(128)); \
                        INSERT INTO by_copy SELECT * FROM src",
        )
        .unwrap();
    let copy_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    db.conn
        .batch_execute(&format!(
            "CREATE VECTOR INDEX copy_vi ON by_copy (v) {INDEX}"
        ))
        .unwrap();
    let copy_index_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let db_fork = Fork::database(&db.url, &db.name, &format!("{}_f", db.name)).unwrap();
    let fork_db_s = t.elapsed().as_secs_f64();

    println!(
        "20000 x 128, HNSW: load {load_s:.2} s, index build {build_s:.2} s; \
         FORK TABLE {fork_s:.2} s; FORK DATABASE {fork_db_s:.2} s; \
         copy = INSERT ... SELECT {copy_s:.2} s + CREATE VECTOR INDEX {copy_index_s:.2} s \
         = {:.2} s",
        copy_s + copy_index_s
    );
    for table in ["by_fork", "by_copy", "src"] {
        assert_eq!(
            count(&mut db.conn, &format!("SELECT COUNT(*) AS n FROM {table}")),
            ROWS
        );
        assert_eq!(nearest(&mut db.conn, table, 4321, DIM), 4321, "{table}");
    }
    drop(db_fork);
    drop(fork);
}
