//! The running server: spawning it, the handle, and stopping it.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use diesel::MysqlConnection;

use super::probe::wait_until_ready;
use super::{LocalSeekdbBuilder, DEFAULT_STOP_TIMEOUT};
use crate::error::{Error, Result};

impl LocalSeekdbBuilder {
    pub(super) fn spawn(self, base_dir: PathBuf, url: String) -> Result<LocalSeekdb> {
        let binary = self.find_or_install_binary()?;
        fs::create_dir_all(&base_dir).map_err(|e| Error::Runtime {
            reason: format!("cannot create {}: {e}", base_dir.display()),
        })?;
        let log_path = base_dir.join("seekdb.out");
        let log = File::create(&log_path).map_err(|e| Error::Runtime {
            reason: format!("cannot create {}: {e}", log_path.display()),
        })?;
        let log_err = log.try_clone().map_err(|e| Error::Runtime {
            reason: format!("cannot open {} twice: {e}", log_path.display()),
        })?;
        let args = server_args(
            &base_dir,
            self.port,
            &self.datafile_size,
            &self.log_disk_size,
            &self.parameters,
        );
        let mut child = Command::new(&binary)
            .args(&args)
            .current_dir(&base_dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            // Its own process group: Ctrl-C in the caller's terminal does not reach
            // the server, and it outlives the caller unless stopped.
            .process_group(0)
            .spawn()
            .map_err(|e| Error::Runtime {
                reason: format!("cannot run {}: {e}", binary.display()),
            })?;

        match wait_until_ready(&url, self.port, self.startup_timeout, Some(&mut child)) {
            Ok(()) => Ok(LocalSeekdb {
                url,
                port: Some(self.port),
                pid: Some(child.id()),
                base_dir: Some(base_dir),
                child: Some(child),
                attached: false,
                stop_on_drop: self.stop_on_drop.unwrap_or(true),
                stop_timeout: self.stop_timeout,
            }),
            Err(why) => {
                let exited = matches!(child.try_wait(), Ok(Some(_)));
                if !exited {
                    // Timed out: do not leave a half-started server behind.
                    let pid = child.id();
                    let _ = terminate(&mut Some(&mut child), pid, self.stop_timeout);
                }
                let tail = tail_lines(&log_path, 20);
                Err(Error::Runtime {
                    reason: format!(
                        "seekdb on port {} did not start: {why}; last output ({}):\n{tail}\n\
                         (server logs: {})",
                        self.port,
                        log_path.display(),
                        base_dir.join("log").display()
                    ),
                })
            }
        }
    }
}

/// A running local seekdb: started by this handle, or attached to.
///
/// See the [module docs](super) for what happens when it is dropped.
#[derive(Debug)]
pub struct LocalSeekdb {
    pub(super) url: String,
    pub(super) port: Option<u16>,
    pub(super) base_dir: Option<PathBuf>,
    pub(super) pid: Option<u32>,
    pub(super) child: Option<Child>,
    pub(super) attached: bool,
    pub(super) stop_on_drop: bool,
    pub(super) stop_timeout: Duration,
}

impl LocalSeekdb {
    /// A builder with the defaults described on each of its methods.
    pub fn builder() -> LocalSeekdbBuilder {
        LocalSeekdbBuilder::default()
    }

    /// A handle for a server known only by its URL (e.g. `SEEKDB_URL`).
    pub(super) fn external(url: String) -> LocalSeekdb {
        LocalSeekdb {
            port: port_from_url(&url),
            url,
            base_dir: None,
            pid: None,
            child: None,
            attached: true,
            stop_on_drop: false,
            stop_timeout: DEFAULT_STOP_TIMEOUT,
        }
    }

    /// The Diesel connection URL, e.g. `mysql://root@127.0.0.1:2881/test`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's port (`None` only for a `SEEKDB_URL` without an explicit port).
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The server's process id, when known: always for a started server; for an
    /// attached one when `<base_dir>/run/seekdb.pid` names a live seekdb.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The base directory (`None` for a `SEEKDB_URL` handle).
    pub fn base_dir(&self) -> Option<&Path> {
        self.base_dir.as_deref()
    }

    /// `true` when the server was already running and this handle reuses it.
    pub fn attached(&self) -> bool {
        self.attached
    }

    /// `true` when this handle started the server.
    pub fn started(&self) -> bool {
        !self.attached
    }

    /// Whether dropping the handle stops the server.
    pub fn stops_on_drop(&self) -> bool {
        self.stop_on_drop
    }

    /// Changes whether dropping the handle stops the server.
    pub fn set_stop_on_drop(&mut self, stop: bool) {
        self.stop_on_drop = stop;
    }

    /// Opens a Diesel connection to the server (within the URL's `connect_timeout`).
    pub fn connect(&self) -> Result<MysqlConnection> {
        crate::connection::establish(&crate::connection::ConnectionUrl::parse(&self.url)?)
    }

    /// Stops the server: SIGTERM, then SIGKILL if it is still running after the stop
    /// timeout (60 s by default).
    ///
    /// Works for a started server and for an attached one whose [`pid`](Self::pid) is
    /// known; otherwise (e.g. a `SEEKDB_URL` handle) it is an [`Error::Runtime`] and
    /// nothing is touched.
    pub fn stop(mut self) -> Result<()> {
        self.stop_on_drop = false;
        let Some(pid) = self.pid else {
            return Err(Error::Runtime {
                reason: format!(
                    "cannot stop the server at {}: its process id is unknown (it was not \
                     started by this handle and no live pid file was found)",
                    self.url
                ),
            });
        };
        terminate(&mut self.child.as_mut(), pid, self.stop_timeout)
    }
}

impl Drop for LocalSeekdb {
    fn drop(&mut self) {
        if self.stop_on_drop {
            if let Some(pid) = self.pid {
                let _ = terminate(&mut self.child.as_mut(), pid, self.stop_timeout);
            }
        }
    }
}

/// The port of a `mysql://user@host:port/db` URL.
fn port_from_url(url: &str) -> Option<u16> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (_, port) = host_port.rsplit_once(':')?;
    port.parse().ok()
}

fn server_args(
    base_dir: &Path,
    port: u16,
    datafile_size: &str,
    log_disk_size: &str,
    parameters: &[(String, String)],
) -> Vec<String> {
    let mut args = vec![
        "--nodaemon".to_string(),
        "--base-dir".to_string(),
        base_dir.display().to_string(),
        "--port".to_string(),
        port.to_string(),
        "--parameter".to_string(),
        format!("datafile_size={datafile_size}"),
        "--parameter".to_string(),
        format!("log_disk_size={log_disk_size}"),
    ];
    for (key, value) in parameters {
        args.push("--parameter".to_string());
        args.push(format!("{key}={value}"));
    }
    args
}

/// The pid in `<base_dir>/run/seekdb.pid`, if that process is alive and is a seekdb.
pub(super) fn live_seekdb_pid(base_dir: &Path) -> Option<u32> {
    let text = fs::read_to_string(base_dir.join("run").join("seekdb.pid")).ok()?;
    let pid = parse_pid(&text)?;
    (process_alive(pid) && looks_like_seekdb(pid)).then_some(pid)
}

fn parse_pid(text: &str) -> Option<u32> {
    text.trim().parse().ok().filter(|pid| *pid > 1)
}

fn process_alive(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Guards against a stale pid file whose pid was reused: on Linux the process's
/// program must be named `seekdb` (elsewhere the check is skipped).
fn looks_like_seekdb(pid: u32) -> bool {
    match fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(cmdline) => program_is_seekdb(&cmdline),
        Err(_) => !Path::new("/proc/self").exists(),
    }
}

/// Whether a NUL-separated command line runs a program named `seekdb`.
fn program_is_seekdb(cmdline: &[u8]) -> bool {
    let program = cmdline.split(|b| *b == 0).next().unwrap_or_default();
    Path::new(&*String::from_utf8_lossy(program)).file_name() == Some("seekdb".as_ref())
}

fn send_signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .args([signal, &pid.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// SIGTERM, wait up to `timeout`, then SIGKILL. `child` is our own child process when
/// we have one (it must be reaped with `wait`, or it lingers as a zombie).
fn terminate(child: &mut Option<&mut Child>, pid: u32, timeout: Duration) -> Result<()> {
    let exited = |child: &mut Option<&mut Child>| match child {
        Some(child) => !matches!(child.try_wait(), Ok(None)),
        None => !process_alive(pid),
    };
    if exited(child) {
        return Ok(());
    }
    send_signal(pid, "-TERM");
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if exited(child) {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(200));
    }
    match child {
        Some(child) => {
            let _ = child.kill();
            let _ = child.wait();
        }
        None => {
            send_signal(pid, "-KILL");
            let deadline = Instant::now() + Duration::from_secs(10);
            while process_alive(pid) && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
    if exited(child) {
        Ok(())
    } else {
        Err(Error::Runtime {
            reason: format!("seekdb (pid {pid}) survived SIGTERM and SIGKILL"),
        })
    }
}

/// The last `lines` lines of a file, for error messages.
fn tail_lines(path: &Path, lines: usize) -> String {
    const MAX_BYTES: u64 = 16 * 1024;
    let Ok(mut file) = File::open(path) else {
        return "(no output)".to_string();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(MAX_BYTES)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    last_lines(&String::from_utf8_lossy(&bytes), lines)
}

fn last_lines(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    let tail = all[all.len().saturating_sub(lines)..].join("\n");
    if tail.is_empty() {
        "(no output)".to_string()
    } else {
        tail
    }
}

#[cfg(test)]
#[path = "process_tests.rs"]
mod tests;
