//! Index upkeep and memory on the real server: typed REFRESH_INDEX / REBUILD_INDEX with
//! the 4179 retry (two rebuilds of one index at once), the memory advisor and
//! `V$OB_VECTOR_MEMORY`, from the typed DSL (blocking and async) and both clients. The 20,000-row indexed
//! table is built once and forked per test (`FORK TABLE`, well under a second, instead
//! of a load and an index build each).

use std::sync::{Arc, Barrier};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double};
use diesel_async::{AsyncConnection, AsyncMysqlConnection};
use diesel_seekdb::ddl::{Distance, ForkTable, VecIndexType, VectorIndex};
use diesel_seekdb::fork::Fork;
use diesel_seekdb::server::{self, Flavor};
use diesel_seekdb::upkeep::{self, IndexBusyRetry, RebuildIndex, RefreshIndex};
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, SeekdbResultExt, ServerErrorKind};
use diesel_seekdb_suite::TestDb;

const DIM: usize = 64;

fn vector(i: i64) -> String {
    let v: Vec<String> = (0..DIM as i64)
        .map(|d| format!("{}", ((i * 31 + d * 17) % 1000) as f32 / 1000.0))
        .collect();
    format!("[{}]", v.join(","))
}

/// 20,000 rows of 64 dimensions, indexed after loading (REBUILD_INDEX takes seconds).
fn indexed_table(conn: &mut MysqlConnection) {
    conn.batch_execute(&format!(
        "CREATE TABLE big (id INT PRIMARY KEY, v VECTOR({DIM}))"
    ))
    .unwrap();
    for chunk in 0..4 {
        let rows: Vec<String> = (chunk * 5000..(chunk + 1) * 5000)
            .map(|i: i64| format!("({i}, '{}')", vector(i)))
            .collect();
        conn.batch_execute(&format!("INSERT INTO big VALUES {}", rows.join(",")))
            .unwrap();
    }
    conn.batch_execute(
        "CREATE VECTOR INDEX big_vi ON big (v) WITH (distance=l2, type=hnsw, lib=vsag)",
    )
    .unwrap();
}

/// The indexed table, built once and shared by the tests running at the same time;
/// each test works on a fork of it (independent rows and index, no second build).
struct Prepared(std::sync::Mutex<TestDb>);

static PREPARED: std::sync::Mutex<std::sync::Weak<Prepared>> =
    std::sync::Mutex::new(std::sync::Weak::new());

/// A fork of the prepared table named `big` in a database of its own; the returned
/// `Arc` keeps the source alive while the fork is used.
fn forked_big(prefix: &str) -> (TestDb, Arc<Prepared>) {
    let prepared = {
        let mut slot = PREPARED.lock().unwrap_or_else(|p| p.into_inner());
        match slot.upgrade() {
            Some(p) => p,
            None => {
                let mut db = TestDb::new("upkeep_src");
                indexed_table(&mut db.conn);
                let p = Arc::new(Prepared(std::sync::Mutex::new(db)));
                *slot = Arc::downgrade(&p);
                p
            }
        }
    };
    let source = prepared
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .name
        .clone();
    let db = TestDb::new(prefix);
    Fork::table_with(
        &db.url,
        ForkTable::new("big", "big")
            .from_database(source)
            .to_database(&db.name),
    )
    .unwrap()
    .keep(); // dropped with the test's database
    (db, prepared)
}

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    d: f64,
}

/// The approximate nearest neighbour of `v` and its distance.
fn nearest(conn: &mut MysqlConnection, v: &str) -> (i64, f64) {
    let hit = diesel::sql_query(format!(
        "SELECT CAST(id AS SIGNED) AS id, l2_distance(v, '{v}') AS d FROM big \
         ORDER BY l2_distance(v, '{v}') APPROXIMATE LIMIT 1"
    ))
    .get_result::<Hit>(conn)
    .unwrap();
    (hit.id, hit.d)
}

#[test]
fn two_concurrent_rebuilds_of_one_index_both_succeed() {
    let (mut db, _source) = forked_big("upkeep_rebuild");
    // New rows after the build: the rebuild folds them in.
    let fives = format!("[{}]", vec!["5"; DIM].join(","));
    db.conn
        .batch_execute(&format!("INSERT INTO big VALUES (20000, '{fives}')"))
        .unwrap();
    let start = Arc::new(Barrier::new(2));
    let (url, barrier) = (db.url.clone(), start.clone());
    let dsl = std::thread::spawn(move || {
        let mut conn = diesel_seekdb_suite::connect(&url);
        barrier.wait();
        RebuildIndex::new("big_vi", "big")
            .threshold(0.0)
            .execute(&mut conn)
    });
    let client = ObVecClient::from_url(&db.url).unwrap();
    start.wait();
    let by_client = client.rebuild_index("big", "big_vi", 0.0);
    let by_dsl = dsl.join().unwrap();
    by_client.unwrap();
    by_dsl.unwrap();
    assert_eq!(nearest(&mut db.conn, &fives), (20000, 0.0));
    assert!(nearest(&mut db.conn, &vector(1234)).1 < 1e-6);

    // A refresh while a rebuild runs waits it out as well.
    let (url, barrier) = (db.url.clone(), start.clone());
    let rebuild = std::thread::spawn(move || {
        let mut conn = diesel_seekdb_suite::connect(&url);
        barrier.wait();
        RebuildIndex::new("big_vi", "big")
            .threshold(0.0)
            .execute(&mut conn)
    });
    start.wait();
    RefreshIndex::new("big_vi", "big")
        .threshold(0)
        .execute(&mut db.conn)
        .unwrap();
    rebuild.join().unwrap().unwrap();
}

#[test]
fn a_busy_index_without_retries_fails_with_4179_and_a_hint() {
    let (mut db, _source) = forked_big("upkeep_busy");
    let url = db.url.clone();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let rebuilder = std::thread::spawn(move || {
        let mut conn = diesel_seekdb_suite::connect(&url);
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = RebuildIndex::new("big_vi", "big")
                .threshold(0.0)
                .execute_with(&mut conn, IndexBusyRetry::NONE);
        }
    });
    // A rebuild may finish between two attempts: try until one meets a running one.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let err = loop {
        match RefreshIndex::new("big_vi", "big")
            .threshold(0)
            .execute_with(&mut db.conn, IndexBusyRetry::NONE)
        {
            Err(e) if e.kind() == Some(ServerErrorKind::IndexBusy) => break e,
            other => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "never busy: {other:?}"
                );
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    rebuilder.join().unwrap();
    assert_eq!(err.code(), Some(4179));
    assert!(err.hint().unwrap().contains("REBUILD_INDEX"), "{err}");
    assert!(
        err.to_string().contains("hint: another REFRESH_INDEX"),
        "{err}"
    );
}

#[test]
fn wrong_index_or_table_names_say_what_to_check() {
    let mut db = TestDb::new("upkeep_names");
    db.conn
        .batch_execute(
            "CREATE TABLE t (id INT PRIMARY KEY, v VECTOR(3), \
             VECTOR INDEX vi(v) WITH (distance=l2, type=hnsw, lib=vsag))",
        )
        .unwrap();
    let err = RefreshIndex::new("nosuch", "t")
        .execute(&mut db.conn)
        .unwrap_err();
    assert_eq!(err.code(), Some(1210), "{err}");
    assert!(err.hint().unwrap().contains("index name first"), "{err}");
    let err = RebuildIndex::new("vi", "nosuch")
        .execute(&mut db.conn)
        .unwrap_err();
    assert_eq!(err.code(), Some(1210), "{err}");
    assert!(
        err.hint().unwrap().contains("table does not exist"),
        "{err}"
    );
    RefreshIndex::new("vi", "t").execute(&mut db.conn).unwrap();
    // A second vector index on the same column: the hint says why and what to do.
    let err = db
        .conn
        .batch_execute("CREATE VECTOR INDEX vi2 ON t (v) WITH (distance=l2, type=hnsw, lib=vsag)")
        .with_errno(&mut db.conn)
        .unwrap_err();
    assert_eq!(err.code(), Some(1235), "{err}");
    assert!(err.to_string().contains("one per column"), "{err}");
}

#[test]
fn memory_advice_and_vector_memory_from_dsl_and_both_clients() {
    let mut db = TestDb::new("upkeep_memory");
    let hnsw = VectorIndex::new("vidx", "v").distance(Distance::L2).m(16);
    let advice = upkeep::index_memory_advice(&mut db.conn, &hnsw, 20_000, 128).unwrap();
    println!("advisor, HNSW m=16 l2, 20000 x 128: {}", advice.message);
    assert!(advice
        .message
        .starts_with("Suggested minimum vector memory is"));
    // 20,000 x 128 float32 is 10 MB of raw vectors; the graph needs more.
    assert!(advice.minimum_bytes > 10 << 20, "{advice:?}");
    let sq = hnsw.clone().index_type(VecIndexType::HnswSq);
    let sq_advice = upkeep::index_memory_advice(&mut db.conn, &sq, 20_000, 128).unwrap();
    println!(
        "advisor, HNSW_SQ m=16 l2, 20000 x 128: {}",
        sq_advice.message
    );
    assert!(
        sq_advice.minimum_bytes < advice.minimum_bytes,
        "{sq_advice:?}"
    );
    let ivf = VectorIndex::new("vidx", "v")
        .index_type(VecIndexType::IvfFlat)
        .nlist(128);
    let ivf_advice = upkeep::index_memory_advice(&mut db.conn, &ivf, 20_000, 128).unwrap();
    println!(
        "advisor, IVF_FLAT nlist=128, 20000 x 128: {}",
        ivf_advice.message
    );
    assert!(ivf_advice.search_bytes.is_some(), "{ivf_advice:?}");

    let client = ObVecClient::from_url(&db.url).unwrap();
    assert_eq!(
        client.index_memory_advice(&hnsw, 20_000, 128).unwrap(),
        advice
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = runtime
        .block_on(AsyncObVecClient::from_url(&db.url))
        .unwrap();
    let from_async = runtime
        .block_on(async_client.index_memory_advice(&hnsw, 20_000, 128))
        .unwrap();
    assert_eq!(from_async, advice);

    // With an index built, some vector memory is held, and it is below the limit.
    db.conn
        .batch_execute(
            "CREATE TABLE m (id INT PRIMARY KEY, v VECTOR(3), \
             VECTOR INDEX mi(v) WITH (distance=l2, type=hnsw, lib=vsag))",
        )
        .unwrap();
    db.conn
        .batch_execute("INSERT INTO m VALUES (1, '[1,2,3]'), (2, '[3,2,1]')")
        .unwrap();
    let memory = upkeep::vector_memory(&mut db.conn).unwrap();
    println!("vector memory: {memory:?}");
    assert!(memory.limit > 0 && memory.hold > 0, "{memory:?}");
    assert!(
        memory.hold <= memory.limit && memory.used <= memory.hold,
        "{memory:?}"
    );
    assert!(advice.fits_in(memory.free()), "{advice:?} {memory:?}");
    let by_client = client.vector_memory().unwrap();
    assert!(by_client.limit == memory.limit && by_client.hold > 0);
    let by_async = runtime.block_on(async_client.vector_memory()).unwrap();
    assert!(by_async.limit == memory.limit && by_async.hold > 0);

    // Parameters seekdb will not advise on come back as its error, with a hint.
    let cosine_less = VectorIndex::new("vidx", "v").index_type(VecIndexType::Sindi);
    match upkeep::index_memory_advice(&mut db.conn, &cosine_less, 10, 0) {
        Err(Error::Validation { parameter, .. }) => assert_eq!(parameter, "dim"),
        other => panic!("{other:?}"),
    }
}

/// The typed-DSL calls on diesel-async's connection: two rebuilds of one index at once
/// on one current-thread runtime (the busy one waits on the runtime's timer, so the
/// other keeps running), then the advisor, vector memory and the server, each equal
/// to the blocking call's answer.
#[test]
fn async_dsl_two_concurrent_rebuilds_advisor_memory_and_server() {
    let (mut db, _source) = forked_big("upkeep_async");
    let fives = format!("[{}]", vec!["5"; DIM].join(","));
    db.conn
        .batch_execute(&format!("INSERT INTO big VALUES (20000, '{fives}')"))
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = db.url.clone();
    let conn = &mut db.conn;
    runtime.block_on(async move {
        let mut a = AsyncMysqlConnection::establish(&url).await.unwrap();
        let mut b = AsyncMysqlConnection::establish(&url).await.unwrap();
        let rebuild = RebuildIndex::new("big_vi", "big").threshold(0.0);
        let often = IndexBusyRetry {
            retries: 240,
            delay: std::time::Duration::from_millis(500),
        };
        let (first, second) = futures_util::future::join(
            rebuild.execute_async(&mut a),
            rebuild.execute_async_with(&mut b, often),
        )
        .await;
        first.unwrap();
        second.unwrap();
        RefreshIndex::new("big_vi", "big")
            .threshold(0)
            .execute_async(&mut b)
            .await
            .unwrap();
        // A server error keeps its number and hint on this path too.
        let err = RefreshIndex::new("nosuch", "big")
            .execute_async(&mut a)
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(1210), "{err}");
        assert!(err.hint().unwrap().contains("index name first"), "{err}");

        let hnsw = VectorIndex::new("vidx", "v").distance(Distance::L2).m(16);
        let advice = upkeep::index_memory_advice_async(&mut a, &hnsw, 20_000, 128)
            .await
            .unwrap();
        assert!(
            advice
                .message
                .starts_with("Suggested minimum vector memory is"),
            "{advice:?}"
        );
        assert!(advice.minimum_bytes > 10 << 20, "{advice:?}");
        assert_eq!(
            advice,
            upkeep::index_memory_advice(conn, &hnsw, 20_000, 128).unwrap()
        );
        let memory = upkeep::vector_memory_async(&mut a).await.unwrap();
        assert!(memory.limit > 0 && memory.hold > 0, "{memory:?}");
        assert!(memory.hold <= memory.limit, "{memory:?}");
        assert_eq!(memory.limit, upkeep::vector_memory(conn).unwrap().limit);

        let info = server::server_info_async(&mut a).await.unwrap();
        assert_eq!(info.flavor(), Flavor::Seekdb, "{info:?}");
        assert!(info.kernel_version().is_some(), "{info:?}");
        assert_eq!(info, server::server_info(conn).unwrap());
    });
    // Both rebuilds folded the new row in.
    assert_eq!(nearest(&mut db.conn, &fives), (20000, 0.0));
}
