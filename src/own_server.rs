//! A seekdb of a test's own, on a port of its own, that the test may stop, kill and
//! restart (tests/faults.rs, tests/outages.rs, tests/runtime.rs share these helpers).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::ops::RangeInclusive;
use std::path::Path;
use std::time::{Duration, Instant};

use diesel_seekdb::runtime::LocalSeekdb;

/// Whether something accepts TCP connections on `127.0.0.1:port`.
pub fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(1),
    )
    .is_ok()
}

/// The first port in `ports` that nothing listens on and this process can bind.
pub fn free_port(ports: RangeInclusive<u16>) -> u16 {
    let (first, last) = (*ports.start(), *ports.end());
    ports
        .into_iter()
        .find(|p| !port_open(*p) && TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .unwrap_or_else(|| panic!("a free port between {first} and {last}"))
}

/// `kill -SIG pid`; panics when `kill` fails.
pub fn signal(pid: u32, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{sig} {pid} failed");
}

/// Whether `pid` exists and is not a zombie.
pub fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.contains(") Z "))
            .unwrap_or(false)
}

/// SIGKILL (after a SIGCONT, in case it is stopped), then waits up to 30 s for it to go.
pub fn kill_and_wait(pid: u32) {
    signal(pid, "CONT");
    signal(pid, "KILL");
    let deadline = Instant::now() + Duration::from_secs(30);
    while pid_alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Kills a seekdb that an interrupted earlier run left running in `base_dir`.
pub fn stop_leftover(base_dir: &Path) {
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
    if is_seekdb {
        eprintln!("killing seekdb pid {pid} left over from an earlier run");
        kill_and_wait(pid);
    }
}

/// Starts a seekdb of the test's own (never attaches to one already running); `purpose`
/// names it in messages.
pub fn start(base_dir: &Path, port: u16, purpose: &str) -> LocalSeekdb {
    let started = Instant::now();
    let server = LocalSeekdb::builder()
        .base_dir(base_dir)
        .port(port)
        .datafile_size("2G")
        .log_disk_size("2G")
        .startup_timeout(Duration::from_secs(300))
        .stop_timeout(Duration::from_secs(60))
        .start()
        .unwrap_or_else(|e| panic!("start the {purpose} seekdb: {e}"));
    assert!(
        server.started(),
        "must be our own server, not an attached one"
    );
    eprintln!(
        "{purpose} seekdb on port {port} up in {:.1} s (pid {:?})",
        started.elapsed().as_secs_f32(),
        server.pid()
    );
    server
}
