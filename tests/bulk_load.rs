//! The bulk loader (`bulk_load`) on both transports, against the real server: every row
//! arrives with its vector, the vector index is built and used, progress is reported,
//! and a failure part-way (bad row, NaN, duplicate key, timeout, killed server) leaves
//! the table exactly as it was, with the row named in the error.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel_seekdb::client::{BulkLoadOptions, BulkLoadPhase, BulkLoadProgress, BulkLoadReport};
use diesel_seekdb::runtime::LocalSeekdb;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, Result};
use diesel_seekdb_suite::own_server::{free_port, kill_and_wait, start, stop_leftover};
use diesel_seekdb_suite::{url_with_database, TestDb};
use serde_json::{json, Map, Value};

type Rows = Vec<Map<String, Value>>;

const DIM: usize = 16;

trait Transport: Sync {
    fn bulk(
        &self,
        table: &str,
        rows: Vec<Value>,
        options: BulkLoadOptions<'static>,
    ) -> impl Future<Output = Result<BulkLoadReport>> + Send;
    fn bulk_structs(
        &self,
        table: &str,
        rows: Vec<Doc>,
        options: BulkLoadOptions<'static>,
    ) -> impl Future<Output = Result<BulkLoadReport>> + Send;
    fn raw(&self, sql: &str) -> impl Future<Output = Result<Rows>> + Send;
}

struct Blocking(ObVecClient);
struct Async(AsyncObVecClient);

impl Transport for Blocking {
    async fn bulk(
        &self,
        table: &str,
        rows: Vec<Value>,
        options: BulkLoadOptions<'static>,
    ) -> Result<BulkLoadReport> {
        self.0.bulk_load(table, rows, options)
    }
    async fn bulk_structs(
        &self,
        table: &str,
        rows: Vec<Doc>,
        options: BulkLoadOptions<'static>,
    ) -> Result<BulkLoadReport> {
        self.0.bulk_load_serialize(table, rows, options)
    }
    async fn raw(&self, sql: &str) -> Result<Rows> {
        self.0.perform_raw_text_sql(sql)
    }
}

impl Transport for Async {
    async fn bulk(
        &self,
        table: &str,
        rows: Vec<Value>,
        options: BulkLoadOptions<'static>,
    ) -> Result<BulkLoadReport> {
        self.0.bulk_load(table, rows, options).await
    }
    async fn bulk_structs(
        &self,
        table: &str,
        rows: Vec<Doc>,
        options: BulkLoadOptions<'static>,
    ) -> Result<BulkLoadReport> {
        self.0.bulk_load_serialize(table, rows, options).await
    }
    async fn raw(&self, sql: &str) -> Result<Rows> {
        self.0.perform_raw_text_sql(sql).await
    }
}

macro_rules! both {
    ($scenario:ident, $blocking:ident, $async:ident) => {
        #[tokio::test]
        async fn $blocking() {
            let db = TestDb::new(stringify!($blocking));
            $scenario(&Blocking(ObVecClient::from_url(&db.url).unwrap())).await;
        }

        #[tokio::test]
        async fn $async() {
            let db = TestDb::new(stringify!($async));
            $scenario(&Async(AsyncObVecClient::from_url(&db.url).await.unwrap())).await;
        }
    };
}

#[derive(serde::Serialize)]
struct Doc {
    id: i64,
    embedding: Vec<f32>,
    title: String,
}

fn vector(id: i64) -> Vec<f32> {
    (0..DIM)
        // 10007 is prime and larger than any id used here: no two ids share a vector.
        .map(|d| ((id as usize * 7919 + d * 104_729) % 10_007) as f32 / 1000.0 + 0.125)
        .collect()
}

fn row(id: i64) -> Value {
    json!({ "id": id, "embedding": vector(id), "title": format!("doc\t{id} it's \\ \"q\""), "meta": { "n": id } })
}

const CREATE: &str = "CREATE TABLE docs (id BIGINT PRIMARY KEY, embedding VECTOR(16) NOT NULL, \
     title VARCHAR(40), meta JSON, \
     VECTOR INDEX vidx(embedding) WITH (distance=l2, type=hnsw, lib=vsag, m=24))";

async fn setup<T: Transport>(c: &T) {
    c.raw(CREATE).await.unwrap();
    c.raw(
        "INSERT INTO docs VALUES (1000000, '[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]', 'old one', '{}'), \
         (1000001, '[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2]', 'old two', NULL)",
    )
    .await
    .unwrap();
}

async fn snapshot<T: Transport>(c: &T) -> String {
    let rows = c
        .raw("SELECT id, embedding, title, meta FROM docs ORDER BY id")
        .await
        .unwrap();
    Value::from(rows.into_iter().map(Value::Object).collect::<Vec<_>>()).to_string()
}

async fn tables<T: Transport>(c: &T) -> Vec<String> {
    let mut names: Vec<String> = c
        .raw("SHOW TABLES")
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| {
            r.values()
                .next()
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

async fn create_sql<T: Transport>(c: &T) -> String {
    c.raw("SHOW CREATE TABLE docs").await.unwrap()[0]["Create Table"]
        .as_str()
        .unwrap()
        .to_string()
}

fn recorder() -> (Arc<Mutex<Vec<BulkLoadProgress>>>, BulkLoadOptions<'static>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let options = BulkLoadOptions::new()
        .parallel(2)
        .chunk_bytes(64 * 1024)
        .on_progress(move |p| sink.lock().unwrap().push(p.clone()));
    (seen, options)
}

async fn loads_every_row_and_builds_the_index<T: Transport>(c: &T) {
    setup(c).await;
    const N: i64 = 3000;
    let (seen, options) = recorder();
    let report = c
        .bulk("docs", (0..N).map(row).collect(), options)
        .await
        .unwrap();
    assert_eq!(report.rows_loaded, N as u64);
    assert_eq!(report.rows_total, N as u64 + 2);
    assert_eq!(report.indexes_built, vec!["vidx".to_string()]);
    assert_eq!(report.leftover_table, None);
    assert!(report.rows_per_sec > 0.0, "{report:?}");

    let n = c.raw("SELECT COUNT(*) AS n FROM docs").await.unwrap()[0]["n"].as_i64();
    assert_eq!(n, Some(N + 2));
    // The rows the table had are still there.
    let old = c
        .raw("SELECT title FROM docs WHERE id >= 1000000 ORDER BY id")
        .await
        .unwrap();
    assert_eq!(old[0]["title"], json!("old one"));
    assert_eq!(old[1]["title"], json!("old two"));
    // Text with tabs, quotes and backslashes, JSON and vectors arrive intact.
    for id in [0, 1, 1234, N - 1] {
        let got = c
            .raw(&format!(
                "SELECT embedding, title, meta FROM docs WHERE id = {id}"
            ))
            .await
            .unwrap();
        assert_eq!(got[0]["title"], row(id)["title"]);
        let meta: Value = match &got[0]["meta"] {
            Value::String(s) => serde_json::from_str(s).unwrap(),
            other => other.clone(),
        };
        assert_eq!(meta, json!({ "n": id }));
        let text = got[0]["embedding"].as_str().unwrap().to_string();
        let back = diesel_seekdb::codec::decode(text.as_bytes()).unwrap();
        for (a, b) in back.iter().zip(vector(id)) {
            assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{back:?}");
        }
    }
    // The index is the one the table had (same parameters), and the search uses it.
    let sql = create_sql(c).await;
    assert!(
        sql.contains("VECTOR KEY `vidx` (`embedding`)") && sql.contains("M=24"),
        "{sql}"
    );
    let query = format!(
        "SELECT id FROM docs ORDER BY l2_distance(embedding, '{}') APPROXIMATE LIMIT 3",
        diesel_seekdb::codec::encode(&vector(1234)).unwrap()
    );
    let plan = c.raw(&format!("EXPLAIN {query}")).await.unwrap();
    let plan = Value::from(plan.into_iter().map(Value::Object).collect::<Vec<_>>()).to_string();
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
    let hits = c.raw(&query).await.unwrap();
    assert_eq!(hits[0]["id"].as_i64(), Some(1234), "{hits:?}");
    assert_eq!(tables(c).await, vec!["docs".to_string()]);

    let seen = seen.lock().unwrap().clone();
    let loading: Vec<u64> = seen
        .iter()
        .filter(|p| p.phase == BulkLoadPhase::Loading)
        .map(|p| p.rows_loaded)
        .collect();
    assert!(loading.len() >= 2, "several chunks reported: {seen:?}");
    assert!(loading.windows(2).all(|w| w[0] < w[1]), "{loading:?}");
    assert_eq!(loading.last(), Some(&(N as u64)));
    assert!(seen.iter().any(|p| p.phase == BulkLoadPhase::Indexing));
    assert_eq!(seen.last().map(|p| p.phase), Some(BulkLoadPhase::Done));
}
both!(
    loads_every_row_and_builds_the_index,
    blocking_loads_every_row_and_builds_the_index,
    async_loads_every_row_and_builds_the_index
);

/// A load that fails leaves the table (rows, index) and the schema as they were.
async fn assert_unchanged<T: Transport>(c: &T, before: &str, create: &str) {
    assert_eq!(snapshot(c).await, before);
    assert_eq!(create_sql(c).await, create);
    assert_eq!(tables(c).await, vec!["docs".to_string()]);
}

async fn a_bad_row_in_the_middle_changes_nothing<T: Transport>(c: &T) {
    setup(c).await;
    let (before, create) = (snapshot(c).await, create_sql(c).await);
    // Several chunks are loaded into the staging table before row 2500 is reached.
    let mut rows: Vec<Value> = (0..3000).map(row).collect();
    rows[2500]["embedding"] = json!([1.0, 2.0]);
    let (seen, options) = recorder();
    let err = c.bulk("docs", rows, options).await.unwrap_err();
    match &err {
        Error::Validation { parameter, reason } => {
            assert_eq!(parameter, "rows[2500].embedding");
            assert!(reason.contains("16") && reason.contains('2'), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        seen.lock().unwrap().iter().any(|p| p.rows_loaded > 0),
        "chunks before the bad row were loaded (and then discarded)"
    );
    assert_unchanged(c, &before, &create).await;

    // A row too long for its column would be truncated by LOAD DATA: refused, named.
    let mut rows: Vec<Value> = (0..10).map(row).collect();
    rows[7]["title"] = json!("x".repeat(41));
    let err = c
        .bulk("docs", rows, BulkLoadOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "rows[7].title"),
        "{err:?}"
    );
    // The same key twice in the input.
    let rows: Vec<Value> = [1, 2, 3, 2].into_iter().map(row).collect();
    let err = c
        .bulk("docs", rows, BulkLoadOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "rows[3].id"),
        "{err:?}"
    );
    // A key the table already has: LOAD DATA would skip it silently; the count check
    // catches it and nothing changes.
    let rows: Vec<Value> = [1, 2, 1000001].into_iter().map(row).collect();
    let err = c
        .bulk("docs", rows, BulkLoadOptions::new())
        .await
        .unwrap_err();
    // LOAD DATA skips it silently and the count check catches it; a multi-row INSERT
    // (async client) fails on it outright.
    let caught = match &err {
        Error::Validation { reason, .. } => reason.contains("1 of the 3 rows"),
        Error::Database { message, .. } => {
            err.code() == Some(1062) && message.contains("bulk load into `docs`, rows[0..3]")
        }
        _ => false,
    };
    assert!(caught, "{err:?}");
    assert_unchanged(c, &before, &create).await;
}
both!(
    a_bad_row_in_the_middle_changes_nothing,
    blocking_a_bad_row_in_the_middle_changes_nothing,
    async_a_bad_row_in_the_middle_changes_nothing
);

async fn a_nan_is_refused_and_named<T: Transport>(c: &T) {
    setup(c).await;
    let (before, create) = (snapshot(c).await, create_sql(c).await);
    let mut docs: Vec<Doc> = (0..2000)
        .map(|id| Doc {
            id,
            embedding: vector(id),
            title: format!("t{id}"),
        })
        .collect();
    docs[1500].embedding[3] = f32::NAN;
    let (_, options) = recorder();
    let err = c.bulk_structs("docs", docs, options).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter.starts_with("rows[1500].embedding")),
        "{err:?}"
    );
    assert_unchanged(c, &before, &create).await;

    // The same structs without the NaN load.
    let docs: Vec<Doc> = (0..50)
        .map(|id| Doc {
            id,
            embedding: vector(id),
            title: format!("t{id}"),
        })
        .collect();
    let report = c
        .bulk_structs("docs", docs, BulkLoadOptions::new())
        .await
        .unwrap();
    assert_eq!(report.rows_total, 52);
}
both!(
    a_nan_is_refused_and_named,
    blocking_a_nan_is_refused_and_named,
    async_a_nan_is_refused_and_named
);

async fn a_timeout_changes_nothing_and_restores_the_session<T: Transport>(c: &T) {
    setup(c).await;
    let (before, create) = (snapshot(c).await, create_sql(c).await);
    let timeout_before = c.raw("SELECT @@ob_query_timeout AS t").await.unwrap()[0]["t"].clone();
    let options = BulkLoadOptions::new().timeout(Duration::from_micros(1));
    let err = c
        .bulk("docs", (0..3000).map(row).collect(), options)
        .await
        .unwrap_err();
    // The errno comes from `SHOW ERRORS`, which the 1 µs timeout may cut short too:
    // the server's own message says what happened either way.
    assert!(
        err.code() == Some(4012) || err.to_string().contains("maximum query timeout"),
        "{err:?}"
    );
    assert!(err.to_string().contains("bulk load into `docs`"), "{err}");
    assert_unchanged(c, &before, &create).await;
    let timeout_after = c.raw("SELECT @@ob_query_timeout AS t").await.unwrap()[0]["t"].clone();
    assert_eq!(timeout_after, timeout_before);
}
both!(
    a_timeout_changes_nothing_and_restores_the_session,
    blocking_a_timeout_changes_nothing_and_restores_the_session,
    async_a_timeout_changes_nothing_and_restores_the_session
);

#[test]
fn unknown_tables_and_hostile_names_are_refused() {
    let db = TestDb::new("bulk_names");
    let c = ObVecClient::from_url(&db.url).unwrap();
    let err = c
        .bulk_load("no_such", vec![row(1)], BulkLoadOptions::new())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::CollectionNotFound { .. } | Error::Database { .. }
        ),
        "{err:?}"
    );
    let err = c
        .bulk_load("a`b; DROP", vec![row(1)], BulkLoadOptions::new())
        .unwrap_err();
    // Refused before any SQL runs with it, or quoted and not found.
    assert!(
        matches!(
            err,
            Error::Validation { .. } | Error::CollectionNotFound { .. }
        ),
        "{err:?}"
    );
}

/// Kills the server right after the first chunk reached it; after a restart the table
/// is as it was (rows and index), and only the staging table is left behind.
#[test]
fn a_killed_server_leaves_the_table_as_it_was() {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .to_path_buf();
    let base_dir = target.join("seekdb-bulk-load");
    stop_leftover(&base_dir);
    if let Err(e) = LocalSeekdb::builder().base_dir(&base_dir).find_binary() {
        panic!("this test needs a seekdb binary of its own: {e} (run `scripts/dev setup`)");
    }
    let _ = std::fs::remove_dir_all(&base_dir);
    let port = free_port(3111..=3120);
    let server = start(&base_dir, port, "bulk-load");
    {
        use diesel::connection::SimpleConnection;
        server
            .connect()
            .unwrap()
            .batch_execute("CREATE DATABASE IF NOT EXISTS bulk")
            .unwrap();
    }
    let url = url_with_database(server.url(), "bulk");
    let c = Blocking(ObVecClient::from_url(&url).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(setup(&c));
    let (before, create) = (rt.block_on(snapshot(&c)), rt.block_on(create_sql(&c)));

    let pid = server.pid().expect("our own server has a pid");
    let killed = std::sync::atomic::AtomicBool::new(false);
    let options = BulkLoadOptions::new()
        .chunk_bytes(64 * 1024)
        .on_progress(move |p| {
            if p.phase == BulkLoadPhase::Loading && !killed.swap(true, Ordering::SeqCst) {
                kill_and_wait(pid);
            }
        });
    let err =
        c.0.bulk_load("docs", (0..3000).map(row), options)
            .unwrap_err();
    eprintln!("the load failed as it should: {err}");
    drop(server); // reaps the killed process

    let server = start(&base_dir, port, "bulk-load");
    let c = Blocking(ObVecClient::from_url(&url).unwrap());
    assert_eq!(rt.block_on(snapshot(&c)), before);
    assert_eq!(rt.block_on(create_sql(&c)), create);
    let names = rt.block_on(tables(&c));
    assert!(
        names[0] == "docs" && names[1..].iter().all(|n| n.starts_with("docs__bl_")),
        "only the staging table may be left: {names:?}"
    );
    server.stop().expect("stop the bulk-load seekdb");
    let _ = std::fs::remove_dir_all(&base_dir);
}

#[test]
fn milvus_client_bulk_loads_into_an_existing_collection() {
    let db = TestDb::new("bulk_milvus");
    let c = diesel_seekdb::milvus::MilvusLikeClient::from_url(&db.url).unwrap();
    let err = c
        .bulk_load("absent", vec![row(1)], BulkLoadOptions::new())
        .unwrap_err();
    assert!(matches!(err, Error::CollectionNotFound { .. }), "{err:?}");
    let plain = ObVecClient::from_url(&db.url).unwrap();
    plain.perform_raw_text_sql(CREATE).unwrap();
    let report = c
        .bulk_load("docs", (0..500).map(row), BulkLoadOptions::new())
        .unwrap();
    assert_eq!((report.rows_loaded, report.rows_total), (500, 500));
    let n = plain
        .perform_raw_text_sql("SELECT COUNT(*) AS n FROM docs")
        .unwrap();
    assert_eq!(n[0]["n"].as_i64(), Some(500));
}
