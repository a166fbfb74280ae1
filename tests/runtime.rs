//! The embedded-style runtime against real seekdb processes.
//!
//! * `attaches_to_the_running_server`: reuses the server on `SEEKDB_URL`'s port (2881 by
//!   default, what `scripts/dev test` runs) without starting another one.
//! * `starts_queries_and_stops_a_second_server`: starts a second seekdb on a free port
//!   with its data under `<target>/seekdb-runtime-test/`, queries it, stops it. This
//!   takes up to a minute and ~300 MB of memory.
//!
//! None of them passes without running: with nothing listening on the local port, a
//! `SEEKDB_URL` on another host, or no seekdb binary, they fail and say why. Leave them
//! out explicitly with `cargo test --test runtime -- --skip <name>` when that is intended.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::sql_types::{Double, Integer};
use diesel::{QueryableByName, RunQueryDsl};
use diesel_seekdb::runtime::{local_url, LocalSeekdb};
use diesel_seekdb_suite::own_server::{free_port, port_open};

/// The port of the shared local test server: `SEEKDB_URL`'s, or 2881 without it. Panics
/// (failing the test) when `SEEKDB_URL` names another host or nothing listens there:
/// attaching is about a server on this machine, so the check cannot run.
fn shared_port() -> u16 {
    let port = match std::env::var("SEEKDB_URL").ok().filter(|u| !u.is_empty()) {
        None => 2881,
        Some(url) => {
            let local = url.contains("@127.0.0.1:") || url.contains("@localhost:");
            let port = url
                .rsplit_once(':')
                .and_then(|(_, after)| after.split('/').next()?.parse().ok());
            match port {
                Some(port) if local => port,
                _ => panic!(
                    "cannot run: SEEKDB_URL={url} is not a 127.0.0.1/localhost URL with a \
                     port, and this test attaches to a seekdb on this machine \
                     (`scripts/dev test` starts one)"
                ),
            }
        }
    };
    assert!(
        port_open(port),
        "cannot run: no seekdb listens on 127.0.0.1:{port} (`scripts/dev test` starts one)"
    );
    port
}

#[test]
fn attaches_to_the_running_server() {
    let port = shared_port();
    let server = LocalSeekdb::builder()
        .port(port)
        .attach_only(true) // must never start a second server here
        .start()
        .expect("attach to the running seekdb");
    assert!(server.attached() && !server.started());
    assert!(!server.stops_on_drop(), "attached servers are left running");
    assert_eq!(server.url(), local_url(port));
    assert_eq!(server.port(), Some(port));

    let mut conn = server.connect().expect("connect");
    #[derive(QueryableByName)]
    struct One {
        #[diesel(sql_type = Integer)]
        one: i32,
    }
    let row: One = diesel::sql_query("SELECT 1 AS one")
        .get_result(&mut conn)
        .expect("query");
    assert_eq!(row.one, 1);
    drop(server);
    assert!(
        port_open(port),
        "dropping an attached handle must not stop it"
    );
}

#[test]
fn from_env_reuses_the_configured_server() {
    // With SEEKDB_URL (scripts/dev sets it; any host) nothing is started or checked, so
    // the connection below is the proof; without it, the server answering on 2881 is
    // attached to, and the test fails rather than let from_env start a stray server.
    if std::env::var("SEEKDB_URL").map_or(true, |u| u.is_empty()) {
        assert!(
            port_open(2881),
            "cannot run: SEEKDB_URL is unset and no seekdb listens on 127.0.0.1:2881"
        );
    }
    let server = diesel_seekdb::runtime::from_env().expect("from_env");
    assert!(server.attached() && !server.stops_on_drop());
    match std::env::var("SEEKDB_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => assert_eq!(server.url(), url),
        None => assert_eq!(server.url(), local_url(2881)),
    }
    server.connect().expect("connect through from_env's URL");
}

/// Stops a seekdb that an interrupted earlier run left running in `base_dir`.
fn stop_leftover(base_dir: &std::path::Path) {
    let Some(pid) = std::fs::read_to_string(base_dir.join("run/seekdb.pid"))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
    else {
        return;
    };
    let is_seekdb = std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| {
            let program = c.split(|b| *b == 0).next().unwrap_or_default().to_vec();
            String::from_utf8_lossy(&program).ends_with("/seekdb")
        })
        .unwrap_or(false);
    if !is_seekdb {
        return;
    }
    eprintln!("stopping seekdb pid {pid} left over from an earlier run");
    let _ = std::process::Command::new("kill")
        .arg(pid.to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn starts_queries_and_stops_a_second_server() {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .to_path_buf();
    let base_dir = target.join("seekdb-runtime-test");
    let builder = LocalSeekdb::builder()
        .base_dir(&base_dir)
        .datafile_size("2G")
        .log_disk_size("2G")
        .startup_timeout(Duration::from_secs(300))
        .stop_timeout(Duration::from_secs(60))
        .install_if_missing(true);

    stop_leftover(&base_dir);

    let binary = builder.find_or_install_binary().unwrap_or_else(|e| {
        panic!("cannot run: no seekdb binary found or installed (`scripts/dev setup`): {e}")
    });
    let _ = std::fs::remove_dir_all(&base_dir); // start from scratch every time

    let port = free_port(2991..=3090);
    let started_at = Instant::now();
    let server = builder
        .binary(&binary)
        .port(port)
        .start()
        .expect("start a second seekdb");
    eprintln!(
        "seekdb started on port {port} in {:.1} s (pid {:?})",
        started_at.elapsed().as_secs_f32(),
        server.pid()
    );
    assert!(server.started() && !server.attached());
    assert!(server.stops_on_drop());
    assert_eq!(server.url(), format!("mysql://root@127.0.0.1:{port}/test"));
    assert_eq!(server.port(), Some(port));
    let pid = server.pid().expect("a started server has a pid");
    let pid_file = base_dir.join("run/seekdb.pid");
    let written: Option<u32> = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|s| s.trim().parse().ok());
    assert_eq!(written, Some(pid), "{}", pid_file.display());

    // Starting again attaches instead of starting a third server.
    let again = LocalSeekdb::builder()
        .base_dir(&base_dir)
        .port(port)
        .start()
        .expect("attach");
    assert!(again.attached());
    assert_eq!(again.pid(), Some(pid));
    drop(again);

    {
        let mut conn = server.connect().expect("connect to the new server");
        #[derive(QueryableByName)]
        struct Distance {
            #[diesel(sql_type = Double)]
            d: f64,
        }
        let row: Distance = diesel::sql_query("SELECT l2_distance('[0,0]', '[3,4]') AS d")
            .get_result(&mut conn)
            .expect("vector query");
        assert_eq!(row.d, 5.0);
    }

    server.stop().expect("stop");
    assert!(!port_open(port), "port {port} still answers after stop()");
    // seekdb allocates its data and log files up front (~2 GB here): give it back.
    let _ = std::fs::remove_dir_all(&base_dir);
}
