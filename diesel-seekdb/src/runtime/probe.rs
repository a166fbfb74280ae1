//! Whether a server answers: TCP, the MySQL greeting, then a real query.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use diesel::{Connection, MysqlConnection, RunQueryDsl};

/// Polls until the server answers `SELECT 1`, the timeout passes, or `child` exits.
pub(super) fn wait_until_ready(
    url: &str,
    port: u16,
    timeout: Duration,
    mut child: Option<&mut Child>,
) -> std::result::Result<(), String> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("not answering yet");
    loop {
        if let Some(child) = child.as_mut() {
            match child.try_wait() {
                Ok(Some(status)) => return Err(format!("the server exited early ({status})")),
                Ok(None) => {}
                Err(e) => return Err(format!("cannot watch the server process: {e}")),
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(format!(
                "no answer within {} s ({last})",
                timeout.as_secs_f32().round()
            ));
        }
        match answers(url, port, (deadline - now).min(Duration::from_secs(10))) {
            Ok(()) => return Ok(()),
            Err(why) => last = why,
        }
        thread::sleep(Duration::from_millis(500));
    }
}

/// One readiness probe: TCP connect, MySQL greeting, then a real `SELECT 1`.
pub(super) fn answers(url: &str, port: u16, timeout: Duration) -> std::result::Result<(), String> {
    let timeout = timeout.max(Duration::from_millis(100));
    greets(port, timeout)?;
    // libmysqlclient has no per-call timeout through Diesel; a thread bounds the wait.
    let (tx, rx) = mpsc::channel();
    let url = url.to_string();
    thread::spawn(move || {
        let result = MysqlConnection::establish(&url)
            .map_err(|e| e.to_string())
            .and_then(|mut conn| {
                diesel::sql_query("SELECT 1")
                    .execute(&mut conn)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
        let _ = tx.send(result);
    });
    rx.recv_timeout(timeout)
        .unwrap_or_else(|_| Err("the query did not finish in time".to_string()))
}

/// Whether something on `127.0.0.1:port` sends a MySQL protocol-10 greeting.
fn greets(port: u16, timeout: Duration) -> std::result::Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, timeout.min(Duration::from_secs(2)))
        .map_err(|e| format!("nothing accepts connections on port {port}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout.min(Duration::from_secs(5))))
        .map_err(|e| e.to_string())?;
    let mut header = [0u8; 5];
    stream
        .read_exact(&mut header)
        .map_err(|e| format!("no MySQL greeting on port {port}: {e}"))?;
    // 3-byte length, sequence id, then the payload's first byte: protocol version 10.
    if header[4] == 10 {
        Ok(())
    } else {
        Err(format!(
            "port {port} does not greet like a MySQL server (first payload byte {:#04x})",
            header[4]
        ))
    }
}

#[cfg(test)]
#[path = "probe_tests.rs"]
mod tests;
