//! Server error numbers and their kinds, produced by a real seekdb, through every
//! entry point: the typed DSL (`SeekdbResultExt::with_errno`), `ObVecClient`,
//! `AsyncObVecClient`, `MilvusLikeClient` and a migration.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{ExpressionMethods, RunQueryDsl};
use diesel_migrations::MigrationHarness;
use diesel_seekdb::migration::{MigrationSet, RawSql, SchemaMigration, StepError};
use diesel_seekdb::milvus::MilvusLikeClient;
use diesel_seekdb::{
    AsyncObVecClient, Error, ObVecClient, SeekdbResultExt, ServerErrorKind as Kind,
};
use diesel_seekdb_suite::TestDb;
use serde_json::json;

const SETUP: &str = "CREATE TABLE items (id INT PRIMARY KEY, v VECTOR(3)); \
                     INSERT INTO items VALUES (1, '[1,2,3]')";

/// A statement larger than seekdb's default 16 MiB `max_allowed_packet`.
fn oversized_statement() -> String {
    format!("SELECT LENGTH('{}') AS n", "x".repeat(17 * 1024 * 1024))
}

/// Statements that fail with each kind on a database where [`SETUP`] ran.
fn cases() -> Vec<(&'static str, String, Kind, u32)> {
    vec![
        (
            "duplicate key",
            "INSERT INTO items VALUES (1, '[1,2,3]')".into(),
            Kind::DuplicateKey,
            1062,
        ),
        (
            "table exists",
            "CREATE TABLE items (id INT PRIMARY KEY)".into(),
            Kind::TableExists,
            1050,
        ),
        (
            "table missing",
            "SELECT * FROM no_such_table".into(),
            Kind::TableMissing,
            1146,
        ),
        (
            "dimension",
            "ALTER TABLE items MODIFY COLUMN v VECTOR(4)".into(),
            Kind::DimensionMismatch,
            7600,
        ),
        ("syntax", "SELEC 1".into(), Kind::Syntax, 1064),
        (
            "unsupported",
            "CREATE TEMPORARY TABLE tmp_items (id INT)".into(),
            Kind::Unsupported,
            1235,
        ),
    ]
}

fn check(entry: &str, label: &str, err: &Error, kind: Kind, code: u32) {
    assert_eq!(err.code(), Some(code), "{entry} / {label}: {err:?}");
    assert_eq!(err.kind(), Some(kind), "{entry} / {label}: {err:?}");
    assert!(
        err.to_string().contains(&code.to_string()),
        "{entry} / {label}: {err}"
    );
}

#[test]
fn typed_dsl_helper_attaches_the_errno() {
    let mut db = TestDb::new("errno_dsl");
    db.conn.batch_execute(SETUP).unwrap();
    for (label, sql, kind, code) in cases() {
        let conn = &mut db.conn;
        let err = diesel::sql_query(sql.as_str())
            .execute(conn)
            .with_errno(conn)
            .unwrap_err();
        check("typed DSL", label, &err, kind, code);
        let err = conn
            .batch_execute(&sql)
            .map_err(|e| Error::from_diesel(e, conn))
            .unwrap_err();
        check("batch_execute", label, &err, kind, code);
    }
    // Through Diesel's query builder too: the inserted row's key collides.
    diesel::table! {
        items (id) {
            id -> Integer,
        }
    }
    let conn = &mut db.conn;
    let err = diesel::insert_into(items::table)
        .values(items::id.eq(1))
        .execute(conn)
        .with_errno(conn)
        .unwrap_err();
    check(
        "query builder",
        "duplicate key",
        &err,
        Kind::DuplicateKey,
        1062,
    );
    // A plain conversion keeps Diesel's kind, though not the number.
    let plain = Error::from(
        diesel::insert_into(items::table)
            .values(items::id.eq(1))
            .execute(conn)
            .unwrap_err(),
    );
    assert_eq!(plain.kind(), Some(Kind::DuplicateKey), "{plain:?}");
    // An error from a later statement is never attributed to an earlier failure.
    let err = diesel::sql_query("SELEC 1").execute(conn).unwrap_err();
    diesel::sql_query("SELECT 1").execute(conn).unwrap();
    let late = Error::from_diesel(err, conn);
    assert_eq!(late.code(), None, "{late:?}");
    assert_eq!(late.kind(), Some(Kind::Other), "{late:?}");
}

#[test]
fn obvec_client_errors_carry_the_errno() {
    let mut db = TestDb::new("errno_obvec");
    db.conn.batch_execute(SETUP).unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    client
        .perform_raw_text_sql("INSERT INTO items VALUES (2, '[1,2,3]')")
        .unwrap();
    for (label, sql, kind, code) in cases() {
        let err = client.perform_raw_text_sql(&sql).unwrap_err();
        check("ObVecClient raw", label, &err, kind, code);
    }
    // The typed methods: one statement, and several in one transaction.
    let err = client
        .insert("items", &[json!({"id": 1, "v": [1.0, 2.0, 3.0]})], None)
        .unwrap_err();
    check(
        "ObVecClient::insert",
        "duplicate key",
        &err,
        Kind::DuplicateKey,
        1062,
    );
    let mut rows: Vec<_> = (10..3000)
        .map(|id| json!({"id": id, "v": [1.0, 2.0, 3.0]}))
        .collect();
    rows.push(json!({"id": 2, "v": [1.0, 2.0, 3.0]}));
    let small = ObVecClient::from_url(&db.url).unwrap();
    let err = small.insert("items", &rows, None).unwrap_err();
    check(
        "ObVecClient::insert (3000 rows)",
        "duplicate key",
        &err,
        Kind::DuplicateKey,
        1062,
    );
    let create = diesel_seekdb::ddl::CreateTable::new("items").column(
        diesel_seekdb::ddl::Column::new("id", diesel_seekdb::ddl::ColumnType::Int).primary_key(),
    );
    let err = client.create_table(&create).unwrap_err();
    check(
        "ObVecClient::create_table",
        "table exists",
        &err,
        Kind::TableExists,
        1050,
    );
    // A pool connection reports the same.
    let pool = diesel::r2d2::Pool::builder()
        .max_size(1)
        .build(diesel::r2d2::ConnectionManager::new(&db.url))
        .unwrap();
    let pooled = ObVecClient::from_pool(pool);
    let err = pooled.perform_raw_text_sql("SELEC 1").unwrap_err();
    check("ObVecClient pool", "syntax", &err, Kind::Syntax, 1064);
}

#[test]
fn oversized_statements_are_packet_too_large_everywhere() {
    let db = TestDb::new("errno_packet");
    let big = oversized_statement();
    let client = ObVecClient::from_url(&db.url).unwrap();
    let err = client.perform_raw_text_sql(&big).unwrap_err();
    check("ObVecClient", "packet", &err, Kind::PacketTooLarge, 1153);
    let mut conn = db.connect();
    let err = diesel::sql_query(big.as_str())
        .execute(&mut conn)
        .with_errno(&mut conn)
        .unwrap_err();
    check("typed DSL", "packet", &err, Kind::PacketTooLarge, 1153);
    let milvus = MilvusLikeClient::from_url(&db.url).unwrap();
    let err = milvus.perform_raw_text_sql(&big).unwrap_err();
    check(
        "MilvusLikeClient",
        "packet",
        &err,
        Kind::PacketTooLarge,
        1153,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
        // mysql_async refuses the packet before sending it: the client's number.
        let err = client.perform_raw_text_sql(&big).await.unwrap_err();
        check(
            "AsyncObVecClient",
            "packet",
            &err,
            Kind::PacketTooLarge,
            2020,
        );
    });
    let mut conn = db.connect();
    let err = run_failing_migration(&mut conn, "2026-12-01-000099_packet", &big);
    check("migration", "packet", &err, Kind::PacketTooLarge, 1153);
}

#[tokio::test]
async fn async_client_errors_carry_the_errno() {
    let mut db = TestDb::new("errno_async");
    db.conn.batch_execute(SETUP).unwrap();
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    client
        .perform_raw_text_sql("INSERT INTO items VALUES (2, '[1,2,3]')")
        .await
        .unwrap();
    for (label, sql, kind, code) in cases() {
        let err = client.perform_raw_text_sql(&sql).await.unwrap_err();
        check("AsyncObVecClient raw", label, &err, kind, code);
    }
    let err = client
        .insert("items", &[json!({"id": 1, "v": [1.0, 2.0, 3.0]})], None)
        .await
        .unwrap_err();
    check(
        "AsyncObVecClient::insert",
        "duplicate key",
        &err,
        Kind::DuplicateKey,
        1062,
    );
    let mut rows: Vec<_> = (10..3000)
        .map(|id| json!({"id": id, "v": [1.0, 2.0, 3.0]}))
        .collect();
    rows.push(json!({"id": 2, "v": [1.0, 2.0, 3.0]}));
    let err = client.insert("items", &rows, None).await.unwrap_err();
    check(
        "AsyncObVecClient::insert (3000 rows)",
        "duplicate key",
        &err,
        Kind::DuplicateKey,
        1062,
    );
    // The helper for diesel-async users.
    let mut conn = client.connection().await.unwrap();
    let err = diesel_async::RunQueryDsl::execute(diesel::sql_query("SELEC 1"), &mut *conn)
        .await
        .unwrap_err();
    let err = Error::from_diesel_async(err, &mut conn).await;
    check("from_diesel_async", "syntax", &err, Kind::Syntax, 1064);
}

#[test]
fn milvus_client_errors_carry_the_errno() {
    let mut db = TestDb::new("errno_milvus");
    db.conn.batch_execute(SETUP).unwrap();
    let client = MilvusLikeClient::from_url(&db.url).unwrap();
    for (label, sql, kind, code) in cases() {
        let err = client.perform_raw_text_sql(&sql).unwrap_err();
        check("MilvusLikeClient raw", label, &err, kind, code);
    }
    let err = client
        .insert("items", &[json!({"id": 1, "v": [1.0, 2.0, 3.0]})], None)
        .unwrap_err();
    check(
        "MilvusLikeClient::insert",
        "duplicate key",
        &err,
        Kind::DuplicateKey,
        1062,
    );
}

/// Runs a one-step migration of `sql` and returns its step's error.
fn run_failing_migration(conn: &mut diesel::MysqlConnection, name: &str, sql: &str) -> Error {
    let migration = SchemaMigration::builder(name)
        .up(RawSql::new(sql))
        .build()
        .unwrap();
    let set = MigrationSet::new().migration(migration);
    let err = conn.run_pending_migrations(&set).unwrap_err();
    step_error(&*err).unwrap_or_else(|| panic!("{name}: expected a server error, got {err}"))
}

/// An owned copy of the server error inside a migration's `StepError`.
fn step_error(err: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Error> {
    match err.downcast_ref::<StepError>()?.error() {
        Error::Database {
            code,
            message,
            kind,
        } => Some(Error::Database {
            code: *code,
            message: message.clone(),
            kind: *kind,
        }),
        _ => None,
    }
}

#[test]
fn failed_migrations_carry_the_errno() {
    let mut db = TestDb::new("errno_migration");
    db.conn.batch_execute(SETUP).unwrap();
    for (i, (label, sql, kind, code)) in cases().into_iter().enumerate() {
        let name = format!("2026-12-01-0000{i:02}_{}", label.replace(' ', "_"));
        let err = run_failing_migration(&mut db.conn, &name, &sql);
        check("migration", label, &err, kind, code);
    }
}

/// A table large enough that `REBUILD_INDEX` takes seconds.
fn large_indexed_table(conn: &mut diesel::MysqlConnection) {
    conn.batch_execute(
        "CREATE TABLE big (id INT PRIMARY KEY, v VECTOR(64), \
         VECTOR INDEX big_vi(v) WITH (distance=l2, type=hnsw, lib=vsag))",
    )
    .unwrap();
    for chunk in 0..4 {
        let rows: Vec<String> = (chunk * 5000..(chunk + 1) * 5000)
            .map(|i: i64| {
                let v: Vec<String> = (0..64)
                    .map(|d| format!("{}", ((i * 31 + d * 17) % 1000) as f32 / 1000.0))
                    .collect();
                format!("({i}, '[{}]')", v.join(","))
            })
            .collect();
        conn.batch_execute(&format!("INSERT INTO big VALUES {}", rows.join(",")))
            .unwrap();
    }
}

const REFRESH: &str = "CALL DBMS_VECTOR.REFRESH_INDEX('big_vi', 'big', '', 0)";

/// Rebuilds `big` over and over on its own connection until `stop` is set.
fn keep_rebuilding(url: String, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut conn = diesel_seekdb_suite::connect(&url);
        while !stop.load(Ordering::Relaxed) {
            let _ = conn.batch_execute("CALL DBMS_VECTOR.REBUILD_INDEX('big_vi', 'big', '', 0)");
        }
    })
}

/// Retries `f` until it reports 4179 (a rebuild may just have finished between two).
fn until_busy(what: &str, mut f: impl FnMut() -> Option<Error>) -> Error {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(err) = f() {
            if err.kind() == Some(Kind::IndexBusy) || Instant::now() > deadline {
                return err;
            }
        }
        assert!(Instant::now() < deadline, "{what}: never saw 4179");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn index_busy_is_typed_everywhere_and_retried_by_code() {
    let mut db = TestDb::new("errno_busy");
    large_indexed_table(&mut db.conn);
    let stop = Arc::new(AtomicBool::new(false));
    let rebuilder = keep_rebuilding(db.url.clone(), stop.clone());
    std::thread::sleep(Duration::from_millis(500));

    let mut conn = db.connect();
    let err = until_busy("typed DSL", || {
        diesel::sql_query(REFRESH)
            .execute(&mut conn)
            .with_errno(&mut conn)
            .err()
    });
    check("typed DSL", "index busy", &err, Kind::IndexBusy, 4179);

    let client = ObVecClient::from_url(&db.url).unwrap();
    let err = until_busy("ObVecClient", || client.perform_raw_text_sql(REFRESH).err());
    check("ObVecClient", "index busy", &err, Kind::IndexBusy, 4179);

    let milvus = MilvusLikeClient::from_url(&db.url).unwrap();
    let err = until_busy("MilvusLikeClient", || {
        milvus.perform_raw_text_sql(REFRESH).err()
    });
    check(
        "MilvusLikeClient",
        "index busy",
        &err,
        Kind::IndexBusy,
        4179,
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = runtime
        .block_on(AsyncObVecClient::from_url(&db.url))
        .unwrap();
    let err = until_busy("AsyncObVecClient", || {
        runtime
            .block_on(async_client.perform_raw_text_sql(REFRESH))
            .err()
    });
    check(
        "AsyncObVecClient",
        "index busy",
        &err,
        Kind::IndexBusy,
        4179,
    );

    let mut n = 0;
    let err = until_busy("migration", || {
        n += 1;
        let migration = SchemaMigration::builder(format!("2026-12-01-0001{n:02}_busy"))
            .up(RawSql::new(REFRESH))
            .build()
            .unwrap();
        match conn.run_pending_migrations(MigrationSet::new().migration(migration)) {
            Ok(_) => None,
            Err(e) => Some(step_error(&*e).unwrap_or_else(|| panic!("migration: {e}"))),
        }
    });
    check("migration", "index busy", &err, Kind::IndexBusy, 4179);

    // Still busy after the clients' last retry: the caller gets the kind and number.
    client.set_index_busy_retry(1, Duration::from_millis(100));
    let err = until_busy("ObVecClient::refresh_index", || {
        client.refresh_index("big", "big_vi", 0).err()
    });
    check(
        "ObVecClient::refresh_index",
        "index busy",
        &err,
        Kind::IndexBusy,
        4179,
    );
    async_client.set_index_busy_retry(0, Duration::from_millis(100));
    let err = until_busy("AsyncObVecClient::rebuild_index", || {
        runtime
            .block_on(async_client.rebuild_index("big", "big_vi", 0.0))
            .err()
    });
    check(
        "AsyncObVecClient::rebuild_index",
        "index busy",
        &err,
        Kind::IndexBusy,
        4179,
    );

    // With the default retries a refresh waits out the running rebuild (~8 s).
    client.set_index_busy_retry(10, Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    client.refresh_index("big", "big_vi", 0).unwrap();
    rebuilder.join().unwrap();
}
