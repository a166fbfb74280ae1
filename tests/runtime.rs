//! The embedded-style runtime against real seekdb processes.
//!
//! * `attaches_to_the_running_server`: reuses the server on `SEEKDB_URL`'s port (2881 by
//!   default, what `scripts/dev test` runs) without starting another one.
//! * `starts_queries_and_stops_a_second_server`: starts a second seekdb on a free port
//!   with its data under `<target>/seekdb-runtime-test/`, queries it, stops it. This
//!   takes up to a minute and ~300 MB of memory; it is skipped (with a message) only
//!   when no seekdb binary can be found or installed.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::sql_types::{Double, Integer};
use diesel::{QueryableByName, RunQueryDsl};
use diesel_seekdb::runtime::{local_url, LocalSeekdb};

/// The port of the shared test server: `SEEKDB_URL`'s when it is local, else 2881.
fn shared_port() -> u16 {
    std::env::var("SEEKDB_URL")
        .ok()
        .filter(|url| url.contains("@127.0.0.1:") || url.contains("@localhost:"))
        .and_then(|url| {
            let after = url.rsplit_once(':')?.1;
            after.split('/').next()?.parse().ok()
        })
        .unwrap_or(2881)
}

fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(1),
    )
    .is_ok()
}

#[test]
fn attaches_to_the_running_server() {
    let port = shared_port();
    if !port_open(port) {
        eprintln!("skipped: no seekdb listens on port {port} (run `scripts/dev test`)");
        return;
    }
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
    let port = shared_port();
    if !port_open(port) {
        eprintln!("skipped: no seekdb listens on port {port} (run `scripts/dev test`)");
        return;
    }
    // With SEEKDB_URL (scripts/dev sets it) nothing is started; without it, the
    // server answering on 2881 is attached to.
    let server = diesel_seekdb::runtime::from_env().expect("from_env");
    assert!(server.attached() && !server.stops_on_drop());
    match std::env::var("SEEKDB_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => assert_eq!(server.url(), url),
        None => assert_eq!(server.url(), local_url(2881)),
    }
    server.connect().expect("connect through from_env's URL");
}

/// A port near 2991 that nothing listens on.
fn free_port() -> u16 {
    (2991..3091)
        .find(|p| !port_open(*p) && TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .expect("a free port between 2991 and 3090")
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

    let binary = match builder.find_or_install_binary() {
        Ok(binary) => binary,
        Err(e) => {
            eprintln!("skipped: {e}");
            return;
        }
    };
    let _ = std::fs::remove_dir_all(&base_dir); // start from scratch every time

    let port = free_port();
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
