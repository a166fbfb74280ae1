//! A new user's program for index upkeep, the memory advisor and forks (README "Index
//! upkeep and memory", "Forks for tests and experiments") on hostile names, on the typed
//! API and both clients: real results, typed errors, nothing lost.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_seekdb::ddl::{Distance, VectorIndex};
use diesel_seekdb::fork::Fork;
use diesel_seekdb::upkeep::{self, RebuildIndex, RefreshIndex};
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;

/// No backtick: seekdb 1.4's `REBUILD_INDEX` fails inside the server (1064 near
/// `AS OF SNAPSHOT`) on a table whose name holds one; see `rebuild_of_a_backtick_name`.
const TABLE: &str = "up d'; t";
const INDEX: &str = "i'x";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut MysqlConnection, table: &str) -> i64 {
    diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM `{}`",
        table.replace('`', "``")
    ))
    .get_result::<Count>(conn)
    .unwrap()
    .n
}

fn create(db: &mut TestDb) {
    let values: Vec<String> = (1..=30)
        .map(|i| format!("({i}, '[{i},{}]')", 30 - i))
        .collect();
    db.conn
        .batch_execute(&format!(
            "CREATE TABLE `up d'; t` (id INT PRIMARY KEY, `v` VECTOR(2),
               VECTOR INDEX `i'x`(v) WITH (distance=l2, type=hnsw));
             INSERT INTO `up d'; t` VALUES {};",
            values.join(", ")
        ))
        .unwrap();
}

#[test]
fn upkeep_on_hostile_names_typed_and_blocking() {
    let mut db = TestDb::new("nu_upkeep");
    create(&mut db);
    RefreshIndex::new(INDEX, TABLE)
        .threshold(0)
        .execute(&mut db.conn)
        .unwrap();
    RebuildIndex::new(INDEX, TABLE)
        .execute(&mut db.conn)
        .unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    client.refresh_index(TABLE, INDEX, 0).unwrap();
    client.rebuild_index(TABLE, INDEX, 0.0).unwrap();
    assert_eq!(count(&mut db.conn, TABLE), 30);

    // Unknown index: the client names it (checked against the table's description).
    let e = client.refresh_index(TABLE, "nope", 0).unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
    assert!(e.to_string().contains("nope"), "{e}");
    // The typed API sends it: the server's 1210 with its hint.
    let e = RefreshIndex::new("nope", TABLE)
        .execute(&mut db.conn)
        .unwrap_err();
    assert!(matches!(e, Error::Database { .. }), "{e:?}");
    assert!(e.hint().is_some(), "no hint: {e}");
    // Bad thresholds: typed.
    assert!(matches!(
        client.rebuild_index(TABLE, INDEX, 1.5).unwrap_err(),
        Error::Validation { .. }
    ));
    assert!(matches!(
        client.refresh_index(TABLE, INDEX, -1).unwrap_err(),
        Error::Validation { .. }
    ));

    let index = VectorIndex::new(INDEX, "v").distance(Distance::L2).m(16);
    let advice = upkeep::index_memory_advice(&mut db.conn, &index, 20_000, 128).unwrap();
    assert!(advice.minimum_bytes > 0, "{advice:?}");
    let same = client.index_memory_advice(&index, 20_000, 128).unwrap();
    assert_eq!(same.minimum_bytes, advice.minimum_bytes);
    let e = upkeep::index_memory_advice(&mut db.conn, &index, 20_000, 0).unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
    let memory = client.vector_memory().unwrap();
    assert!(memory.free() <= memory.limit, "{memory:?}");
}

#[tokio::test]
async fn upkeep_on_hostile_names_async() {
    let mut db = TestDb::new("nu_upkeep_a");
    create(&mut db);
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    client.refresh_index(TABLE, INDEX, 0).await.unwrap();
    client.rebuild_index(TABLE, INDEX, 0.0).await.unwrap();
    assert!(matches!(
        client.rebuild_index(TABLE, INDEX, -0.5).await.unwrap_err(),
        Error::Validation { .. }
    ));
    assert!(matches!(
        client.refresh_index(TABLE, INDEX, -1).await.unwrap_err(),
        Error::Validation { .. }
    ));
    let memory = client.vector_memory().await.unwrap();
    assert!(memory.free() <= memory.limit, "{memory:?}");
    assert_eq!(count(&mut db.conn, TABLE), 30);
}

#[test]
fn fork_of_hostile_table_is_independent_and_dropped() {
    let mut db = TestDb::new("nu_fork");
    create(&mut db);
    let name = Fork::unique_name("f`o'rk");
    {
        let mut branch = Fork::table(&db.url, TABLE, &name).unwrap();
        assert_eq!(count(branch.conn(), &name), 30);
        branch
            .conn()
            .batch_execute(&format!(
                "DELETE FROM `{}` WHERE id > 10",
                name.replace('`', "``")
            ))
            .unwrap();
        assert_eq!(count(branch.conn(), &name), 10);
        // Forking onto an existing name fails and drops nothing.
        let e = Fork::table(&db.url, TABLE, &name).unwrap_err();
        assert!(matches!(e, Error::Database { .. }), "{e:?}");
        assert_eq!(count(branch.conn(), &name), 10);
    }
    assert_eq!(count(&mut db.conn, TABLE), 30, "the source changed");
    let left: Vec<Count> = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = '{}' AND table_name LIKE '%fork%'",
        db.name
    ))
    .load(&mut db.conn)
    .unwrap();
    assert_eq!(left[0].n, 0, "the fork was not dropped");
    // A missing source: typed database error.
    let e = Fork::table(&db.url, "no such", &Fork::unique_name("x")).unwrap_err();
    assert!(matches!(e, Error::Database { .. }), "{e:?}");
    // A name too long for an identifier: refused before anything is sent.
    let e = Fork::table(&db.url, TABLE, &"x".repeat(65)).unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
}

/// A server limitation, pinned: the rebuild's own SQL does not quote the table name, so
/// a name with a backtick gets the server's syntax error, typed, with nothing changed.
#[test]
fn rebuild_of_a_backtick_name() {
    let mut db = TestDb::new("nu_upkeep_bt");
    db.conn
        .batch_execute(
            "CREATE TABLE `b``t` (id INT PRIMARY KEY, v VECTOR(2),
               VECTOR INDEX ix(v) WITH (distance=l2, type=hnsw));
             INSERT INTO `b``t` VALUES (1, '[1,2]'), (2, '[2,3]');",
        )
        .unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    match client.rebuild_index("b`t", "ix", 0.2) {
        Err(Error::Database { code, .. }) => assert_eq!(code, Some(1064)),
        Ok(()) => println!("this server rebuilds backtick names: the limitation is gone"),
        Err(e) => panic!("untyped: {e:?}"),
    }
    assert_eq!(count(&mut db.conn, "b`t"), 2);
}
