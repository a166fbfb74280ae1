//! Outages, timeouts and connection options (issue 12 §1, §2).
//!
//! * `stopped_killed_and_restarted_server` starts a seekdb of its own (never the
//!   shared one) on a free port in 2901..=2909 with its data under
//!   `<target>/seekdb-outages/`: SIGSTOP (calls time out within the bound, a write is
//!   not retried, pools and clients serve again after SIGCONT, bb8 is not poisoned),
//!   then SIGKILL and restart (the single-connection client reconnects on its next
//!   call). Without a seekdb binary it fails: a check that cannot run never passes.
//! * The other tests use a local socket that never answers, a port nothing listens
//!   on, or the shared server (`SEEKDB_URL`).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::Pool;
use diesel::RunQueryDsl;
use diesel_seekdb::client::{ConnectOptions, ConnectionUrl};
use diesel_seekdb::milvus::MilvusLikeClient;
use diesel_seekdb::runtime::LocalSeekdb;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, SessionManager, SessionSettings};
use diesel_seekdb_suite::own_server::{free_port, pid_alive, signal, start, stop_leftover};
use diesel_seekdb_suite::{database_url, url_with_database, TestDb};
use serde_json::json;

// ---- helpers ------------------------------------------------------------------------

/// A TCP server that accepts connections and never sends a byte.
struct Silent {
    port: u16,
    _accepted: std::sync::Arc<std::sync::Mutex<Vec<TcpStream>>>,
}

fn silent_listener() -> Silent {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = accepted.clone();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            keep.lock().unwrap().push(s);
        }
    });
    Silent {
        port,
        _accepted: accepted,
    }
}

/// A port on which nothing listens (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn shared_host_port() -> String {
    let url = ConnectionUrl::parse(&database_url()).unwrap();
    url.endpoint()
}

#[track_caller]
fn assert_timeout(err: &Error, within: Duration, elapsed: Duration) {
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    // The bound, with room for a loaded machine; without one this would be minutes.
    assert!(
        elapsed < within + Duration::from_secs(10),
        "took {elapsed:?} for a bound of {within:?}: {err}"
    );
}

// ---- a socket that never answers ----------------------------------------------------

#[test]
fn silent_server_connect_times_out_sync() {
    let silent = silent_listener();
    let url = format!(
        "mysql://root@127.0.0.1:{}/test?connect_timeout=1",
        silent.port
    );

    let started = Instant::now();
    let err = ObVecClient::from_url(&url).expect_err("nothing answers");
    assert_timeout(&err, Duration::from_secs(1), started.elapsed());
    assert!(
        err.to_string()
            .contains(&format!("127.0.0.1:{}", silent.port)),
        "{err}"
    );

    let options = ConnectOptions::new(&format!("127.0.0.1:{}", silent.port), "root", "pw", "test")
        .connect_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let err = options.connect().map(|_| ()).expect_err("nothing answers");
    assert_timeout(&err, Duration::from_secs(1), started.elapsed());

    // An r2d2 pool's connection_timeout bounds a checkout that has to connect.
    let manager = SessionManager::new(url.clone(), SessionSettings::new()).unwrap();
    let started = Instant::now();
    let err = Pool::builder()
        .connection_timeout(Duration::from_secs(3))
        .build(manager)
        .expect_err("no connection can be made");
    assert!(
        started.elapsed() < Duration::from_secs(13),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn silent_server_connect_times_out_async() {
    let silent = silent_listener();
    let url = format!(
        "mysql://root@127.0.0.1:{}/test?connect_timeout=1",
        silent.port
    );
    let started = Instant::now();
    let err = AsyncObVecClient::from_url(&url)
        .await
        .expect_err("nothing answers");
    assert_timeout(&err, Duration::from_secs(1), started.elapsed());
    assert!(
        err.to_string()
            .contains(&format!("127.0.0.1:{}", silent.port)),
        "{err}"
    );

    // A pool (bb8 connects lazily): a checkout times out within the pool's bound
    // (connect_timeout + 5 s) and says why it could not connect.
    let pool = AsyncObVecClient::connect_pool(&url, 2).await.unwrap();
    let started = Instant::now();
    let err = pool
        .perform_raw_text_sql("SELECT 1")
        .await
        .expect_err("nothing answers");
    assert_timeout(&err, Duration::from_secs(6), started.elapsed());
    let text = err.to_string();
    assert!(text.contains("waiting for a pooled connection"), "{text}");
    assert!(text.contains("last connect error"), "{text}");
    assert!(
        text.contains(&format!("127.0.0.1:{}", silent.port)),
        "{text}"
    );
}

// ---- nothing listening --------------------------------------------------------------

#[tokio::test]
async fn unreachable_server_is_named_with_a_hint() {
    let port = closed_port();
    let url = format!("mysql://root:Sekr1t@127.0.0.1:{port}/test");
    let sync = ObVecClient::from_url(&url).expect_err("nothing listens");
    let asynch = AsyncObVecClient::from_url(&url)
        .await
        .expect_err("nothing listens");
    for err in [sync, asynch] {
        let text = format!("{err} {err:?}");
        assert!(matches!(err, Error::Connection(_)), "{err:?}");
        assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
        assert!(text.contains("is seekdb running"), "{text}");
        assert!(text.contains("scripts/dev start"), "{text}");
        assert!(!text.contains("Sekr1t"), "{text}");
    }
}

// ---- passwords ----------------------------------------------------------------------

#[tokio::test]
async fn wrong_passwords_are_never_shown_and_messages_stay_intact() {
    let host = shared_host_port();
    // `e` occurs in the server's message itself; `password` is common; the last one
    // needs percent-encoding in a URL.
    for password in ["e", "password", "p@ss:w/rd?#%&é ü"] {
        let options = ConnectOptions::new(&host, "root", password, "test");
        let mut errors = vec![
            options.connect().map(|_| ()).expect_err("wrong password"),
            ObVecClient::connect(&host, "root", password, "test").expect_err("wrong password"),
            MilvusLikeClient::connect(&host, "root", password, "test").expect_err("wrong"),
            ObVecClient::from_url(&options.url()).expect_err("wrong password"),
        ];
        errors.push(
            AsyncObVecClient::connect(&host, "root", password, "test")
                .await
                .expect_err("wrong password"),
        );
        errors.push(
            AsyncObVecClient::from_url(&options.url())
                .await
                .expect_err("wrong password"),
        );
        for err in errors {
            let text = format!("{err} {err:?}");
            assert!(matches!(err, Error::Connection(_)), "{err:?}");
            // The server's words, whole: nothing was scrubbed out of them.
            assert!(text.contains("Access denied for user 'root'"), "{text}");
            assert!(!text.contains("***"), "{text}");
            assert!(text.contains(&host), "{text}");
            assert!(text.contains("(using password: YES)"), "{text}");
            // `password` is in the server's own words; nowhere else.
            let rest = outside_server_note(&text);
            if password.len() > 1 {
                assert!(!rest.contains(password), "{text}");
                assert!(!rest.contains("p%40ss"), "{text}");
            }
        }
        // r2d2 through SessionManager.
        let manager = SessionManager::new(options.url(), SessionSettings::new()).unwrap();
        let err = Pool::builder()
            .connection_timeout(Duration::from_secs(2))
            .build(manager)
            .expect_err("wrong password");
        let text = format!("{err} {err:?}");
        assert!(text.contains("Access denied for user 'root'"), "{text}");
        if password.len() > 1 {
            assert!(!outside_server_note(&text).contains(password), "{text}");
        }
    }
}

// ---- database names and URL options ------------------------------------------------

#[tokio::test]
async fn database_names_with_space_dollar_and_letters_connect() {
    let admin = TestDb::new("names");
    let name = format!("{} a$b é", admin.name);
    let mut conn = admin.connect();
    conn.batch_execute(&format!("CREATE DATABASE `{name}`"))
        .unwrap();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let url = url_with_database(&admin.url, &encoded);
    let check = |rows: Vec<serde_json::Map<String, serde_json::Value>>| {
        assert_eq!(rows[0]["db"], json!(name), "{rows:?}");
    };

    check(
        ObVecClient::from_url(&url)
            .unwrap()
            .perform_raw_text_sql("SELECT DATABASE() AS db")
            .unwrap(),
    );
    let parts = ConnectionUrl::parse(&admin.url).unwrap();
    check(
        ObVecClient::connect(&parts.endpoint(), parts.user(), "", &name)
            .unwrap()
            .perform_raw_text_sql("SELECT DATABASE() AS db")
            .unwrap(),
    );
    check(
        AsyncObVecClient::from_url(&url)
            .await
            .unwrap()
            .perform_raw_text_sql("SELECT DATABASE() AS db")
            .await
            .unwrap(),
    );
    let pool = Pool::builder()
        .max_size(1)
        .build(SessionManager::new(url.clone(), SessionSettings::new()).unwrap())
        .unwrap();
    check(pool_database(&pool));
    conn.batch_execute(&format!("DROP DATABASE `{name}`"))
        .unwrap();
}

fn pool_database(pool: &Pool<SessionManager>) -> Vec<serde_json::Map<String, serde_json::Value>> {
    #[derive(diesel::QueryableByName)]
    struct Db {
        #[diesel(sql_type = diesel::sql_types::Text)]
        db: String,
    }
    let mut conn = pool.get().unwrap();
    let rows: Vec<Db> = diesel::sql_query("SELECT DATABASE() AS db")
        .load(&mut *conn)
        .unwrap();
    rows.into_iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            m.insert("db".into(), json!(r.db));
            m
        })
        .collect()
}

#[tokio::test]
async fn url_options_are_used_or_refused_never_ignored() {
    let base = database_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    let with = |opts: &str| format!("{base}{sep}{opts}");

    // Both clients take the same options.
    let ok = with("ssl_mode=disabled&connect_timeout=5&read_timeout=30&write_timeout=30");
    let sync = ObVecClient::from_url(&ok).unwrap();
    assert_eq!(
        sync.perform_raw_text_sql("SELECT 1 AS one").unwrap()[0]["one"],
        json!(1)
    );
    let asynch = AsyncObVecClient::from_url(&ok).await.unwrap();
    assert_eq!(
        asynch
            .perform_raw_text_sql("SELECT 1 AS one")
            .await
            .unwrap()[0]["one"],
        json!(1)
    );

    // Unknown or malformed options are errors that name the option.
    for (opts, parameter) in [
        ("connect_timout=5", "connect_timout"),
        ("read_timeout=soon", "read_timeout"),
        ("ssl_mode=sometimes", "ssl_mode"),
    ] {
        let url = with(opts);
        let sync = ObVecClient::from_url(&url).expect_err(opts);
        let asynch = AsyncObVecClient::from_url(&url).await.expect_err(opts);
        for err in [sync, asynch] {
            match err {
                Error::Validation { parameter: p, .. } => assert_eq!(p, parameter),
                other => panic!("{opts}: {other:?}"),
            }
        }
    }
    // What the async driver cannot do is refused there, clearly.
    let err = AsyncObVecClient::from_url(&with("ssl_mode=required"))
        .await
        .expect_err("no TLS on the async path");
    assert!(
        matches!(&err, Error::Validation { parameter, reason } if parameter == "ssl_mode" && reason.contains("TLS")),
        "{err:?}"
    );
}

// ---- an own server: SIGSTOP, SIGKILL, restart ---------------------------------------

/// Waits until every thread of `pid` is stopped: `kill -STOP` returns once the signal
/// is queued, and a thread that is running on another core can still answer a query.
fn wait_stopped(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let all_stopped = std::fs::read_dir(format!("/proc/{pid}/task"))
            .map(|tasks| {
                tasks.filter_map(|t| t.ok()).all(|t| {
                    std::fs::read_to_string(t.path().join("stat"))
                        .ok()
                        .and_then(|stat| {
                            let state = stat.rsplit_once(") ")?.1.chars().next()?;
                            Some(state == 'T' || state == 't')
                        })
                        .unwrap_or(true)
                })
            })
            .unwrap_or(false);
        if all_stopped {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "seekdb {pid} did not stop within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `text` without the server's own "(using password: YES)", which names the word.
fn outside_server_note(text: &str) -> String {
    text.split("(using password: YES)")
        .collect::<Vec<_>>()
        .join(" ")
}

/// SIGCONT when dropped, so a failing assertion never leaves the server stopped.
struct Stopped(u32);

impl Drop for Stopped {
    fn drop(&mut self) {
        signal(self.0, "CONT");
    }
}

const BOUND: Duration = Duration::from_secs(2);

#[test]
fn stopped_killed_and_restarted_server() {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .to_path_buf();
    let base_dir = target.join("seekdb-outages");
    stop_leftover(&base_dir);
    if let Err(e) = LocalSeekdb::builder().base_dir(&base_dir).find_binary() {
        panic!("this test needs a seekdb binary of its own: {e} (run `scripts/dev setup`)");
    }
    let _ = std::fs::remove_dir_all(&base_dir);
    let port = free_port(2901..=2909);
    let server = start(&base_dir, port, "outage-test");
    server
        .connect()
        .unwrap()
        .batch_execute(
            "CREATE DATABASE IF NOT EXISTS outages; \
                        CREATE TABLE outages.w (k INT NOT NULL)",
        )
        .unwrap();
    // Half the bound to send, half to wait: a call gets BOUND in all.
    let half = BOUND.as_secs_f64() / 2.0;
    let url = format!(
        "{}?connect_timeout=2&read_timeout={half}&write_timeout={half}",
        url_with_database(server.url(), "outages")
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();

    let sync = ObVecClient::from_url(&url).unwrap();
    let asynch = runtime.block_on(AsyncObVecClient::from_url(&url)).unwrap();
    let pool = runtime
        .block_on(AsyncObVecClient::connect_pool(&url, 3))
        .unwrap();
    let count = |c: &ObVecClient| -> Result<i64, Error> {
        Ok(
            c.perform_raw_text_sql("SELECT COUNT(*) AS n FROM w")?[0]["n"]
                .as_i64()
                .unwrap(),
        )
    };
    assert_eq!(count(&sync).unwrap(), 0);

    stopped(&server, &url, &sync, &asynch, &pool, &runtime, count);
    let server = killed_and_restarted(server, &base_dir, port, &sync, &asynch, &runtime, count);

    drop(pool);
    drop(asynch);
    drop(runtime);
    server.stop().expect("stop the outage-test seekdb");
    let _ = std::fs::remove_dir_all(&base_dir);
}

fn stopped(
    server: &LocalSeekdb,
    sync_url: &str,
    sync: &ObVecClient,
    asynch: &AsyncObVecClient,
    pool: &AsyncObVecClient,
    runtime: &tokio::runtime::Runtime,
    count: impl Fn(&ObVecClient) -> Result<i64, Error>,
) {
    let pid = server.pid().expect("our own server has a pid");
    // Every pooled connection exists and works before the stop.
    runtime.block_on(async {
        let calls = (0..3).map(|_| pool.perform_raw_text_sql("SELECT SLEEP(0.2) AS s"));
        for r in futures_join(calls).await {
            r.unwrap();
        }
    });

    // An r2d2 pool through SessionManager, with an idle connection to check.
    let r2d2 = Pool::builder()
        .max_size(1)
        .connection_timeout(Duration::from_secs(8))
        .build(
            SessionManager::new(sync_url.to_string(), SessionSettings::new().ef_search(33))
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        diesel_seekdb::ef_search(&mut *r2d2.get().unwrap()).unwrap(),
        33
    );

    signal(pid, "STOP");
    let guard = Stopped(pid);
    wait_stopped(pid);

    // The checkout's validity check is bounded (connect_timeout=2), within the
    // pool's connection_timeout.
    let started = Instant::now();
    let err = r2d2.get().map(|_| ()).expect_err("the server is stopped");
    let took = started.elapsed();
    eprintln!("r2d2 checkout while stopped ({took:?}): {err}");
    assert!(took < Duration::from_secs(8 + 10), "{took:?}");

    // A write in flight: it times out, and is not sent again.
    let started = Instant::now();
    let err = sync
        .perform_raw_text_sql("INSERT INTO w VALUES (1)")
        .expect_err("the server is stopped");
    assert_timeout(&err, BOUND, started.elapsed());
    eprintln!("sync write while stopped ({:?}): {err}", started.elapsed());

    let started = Instant::now();
    let err = runtime
        .block_on(asynch.perform_raw_text_sql("SELECT 1"))
        .expect_err("the server is stopped");
    assert_timeout(&err, BOUND, started.elapsed());

    // Each pooled connection gets a call that is cut off mid-read.
    runtime.block_on(async {
        let calls = (0..3).map(|_| pool.perform_raw_text_sql("SELECT 2 AS two"));
        for r in futures_join(calls).await {
            let err = r.expect_err("the server is stopped");
            assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        }
    });
    drop(guard); // SIGCONT

    // Everything serves again, with right answers: the pool handed out no
    // connection left half-read by a timeout.
    assert_eq!(
        diesel_seekdb::ef_search(&mut *r2d2.get().expect("the r2d2 pool serves again")).unwrap(),
        33
    );
    let n = count(sync).expect("the sync client reconnects after the timeout");
    assert!(n <= 1, "the write ran {n} times: it was retried");
    eprintln!("after SIGCONT the write had run {n} time(s)");
    let rows = runtime
        .block_on(asynch.perform_raw_text_sql("SELECT 3 AS three"))
        .unwrap();
    assert_eq!(rows[0]["three"], json!(3));
    runtime.block_on(async {
        for round in 0..3 {
            let sql: Vec<String> = (0..3).map(|i| format!("SELECT {round}{i} AS v")).collect();
            let calls = sql.iter().map(|q| pool.perform_raw_text_sql(q));
            for (i, r) in futures_join(calls).await.into_iter().enumerate() {
                let rows = r.unwrap_or_else(|e| panic!("round {round}, call {i}: {e:?}"));
                assert_eq!(
                    rows[0]["v"],
                    json!(round * 10 + i),
                    "round {round}, call {i}"
                );
            }
        }
    });
}

fn killed_and_restarted(
    server: LocalSeekdb,
    base_dir: &Path,
    port: u16,
    sync: &ObVecClient,
    asynch: &AsyncObVecClient,
    runtime: &tokio::runtime::Runtime,
    count: impl Fn(&ObVecClient) -> Result<i64, Error>,
) -> LocalSeekdb {
    let before = count(sync).unwrap();
    // Session settings set through the clients survive the reconnect.
    sync.set_ob_hnsw_ef_search(55).unwrap();
    runtime.block_on(asynch.set_ob_hnsw_ef_search(56)).unwrap();
    let pid = server.pid().expect("pid");
    signal(pid, "KILL");
    let deadline = Instant::now() + Duration::from_secs(30);
    while pid_alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(server);

    // While down: errors, quickly, naming the server.
    let err = count(sync).expect_err("the server is gone");
    eprintln!("sync while down: {err}");
    let err = count(sync).expect_err("still gone");
    assert!(
        matches!(err, Error::Connection(_) | Error::Timeout { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    let err = runtime
        .block_on(asynch.perform_raw_text_sql("SELECT 1"))
        .expect_err("the server is gone");
    eprintln!("async while down: {err}");

    let server = start(base_dir, port, "outage-test");
    // The same clients serve again on their next call.
    assert_eq!(count(sync).expect("the sync client reconnects"), before);
    let rows = runtime
        .block_on(asynch.perform_raw_text_sql("SELECT 4 AS four"))
        .expect("the async client reconnects");
    assert_eq!(rows[0]["four"], json!(4));
    assert_eq!(sync.get_ob_hnsw_ef_search().unwrap(), 55);
    assert_eq!(
        runtime.block_on(asynch.get_ob_hnsw_ef_search()).unwrap(),
        56
    );
    server
}

async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut out = Vec::new();
    let handles: Vec<_> = futures.collect();
    // Poll them together so the pool hands out distinct connections.
    let mut pinned: Vec<_> = handles.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(results.into_iter().flatten());
    out
}
