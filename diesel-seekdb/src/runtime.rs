//! Start or attach to a local seekdb server (feature `runtime`).
//!
//! This is the Rust counterpart of pyseekdb's *embedded* mode: given a data directory,
//! get a working seekdb and a connection URL for it, without running any setup by
//! hand. seekdb itself is a separate server process (the `seekdb` binary that ships
//! inside the `pylibseekdb` wheel), so "embedded" here means *managed*: the server is
//! started detached from the caller (its own process group, output redirected to
//! `<base_dir>/seekdb.out`), and [`LocalSeekdb`] is a handle to it.
//!
//! ```no_run
//! use diesel_seekdb::runtime::LocalSeekdb;
//! use std::time::Duration;
//!
//! # fn main() -> diesel_seekdb::Result<()> {
//! let server = LocalSeekdb::builder()
//!     .base_dir("target/seekdb")
//!     .port(2881)
//!     .startup_timeout(Duration::from_secs(120))
//!     .start()?; // attaches when a server already answers on the port
//! println!("connect to {}", server.url()); // mysql://root@127.0.0.1:2881/test
//! if server.started() {
//!     server.stop()?; // a server we started is also stopped when the handle drops
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Start or attach
//!
//! [`LocalSeekdbBuilder::start`] first looks for a server it can reuse:
//!
//! 1. a server that answers a query on `127.0.0.1:<port>`, or
//! 2. a live seekdb whose pid is in `<base_dir>/run/seekdb.pid` (the file the server
//!    writes itself), which is given up to the start-up timeout to answer on the port.
//!
//! Either way the handle reports [`attached`](LocalSeekdb::attached) and nothing is
//! started. Otherwise it finds the binary, starts
//! `seekdb --nodaemon --base-dir DIR --port PORT --parameter datafile_size=.. --parameter log_disk_size=..`
//! and waits until the server answers `SELECT 1` (TCP connect, MySQL handshake, then a
//! real connection), reporting the tail of the server's output if it exits early.
//!
//! # Finding the binary
//!
//! In this order: [`binary`](LocalSeekdbBuilder::binary); the `SEEKDB_BIN` environment
//! variable; `.seekdb/dist/1.4.0.post1/pylibseekdb/seekdb` (what `scripts/dev setup`
//! installs) in the base directory, the current directory or any of their ancestors;
//! and, only with [`install_if_missing(true)`](LocalSeekdbBuilder::install_if_missing),
//! a fresh download of the `pylibseekdb` wheel with `python3 -m pip download` into the
//! project's `.seekdb/` directory.
//!
//! # Lifetime
//!
//! A handle that *started* its server stops it when dropped, like pyseekdb's embedded
//! mode where the database lives exactly as long as the client; a handle that
//! *attached* leaves the server running, since someone else owns it. Both defaults can
//! be changed with [`stop_on_drop`](LocalSeekdbBuilder::stop_on_drop) or
//! [`LocalSeekdb::set_stop_on_drop`]. [`from_env`] keeps the server running, like
//! `scripts/dev start`, so the next run attaches in milliseconds instead of waiting
//! for a fresh start.
//!
//! Unix only: stopping uses the `kill` command and the server is detached with
//! [`process_group`](std::os::unix::process::CommandExt::process_group).

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use diesel::{Connection, MysqlConnection, RunQueryDsl};

use crate::error::{Error, Result};

/// The seekdb release this module installs and looks for (`pylibseekdb` on PyPI).
pub const SEEKDB_VERSION: &str = "1.4.0.post1";

/// The port seekdb listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 2881;

/// Default start-up timeout: a fresh seekdb bootstraps in about a minute.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(300);

/// How long [`LocalSeekdb::stop`] waits after SIGTERM before sending SIGKILL.
pub const DEFAULT_STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// The binary's path relative to a project root, as `scripts/dev setup` installs it.
pub fn default_binary_relative_path() -> PathBuf {
    Path::new(".seekdb")
        .join("dist")
        .join(SEEKDB_VERSION)
        .join("pylibseekdb")
        .join("seekdb")
}

/// The URL of a local seekdb on `port`: `mysql://root@127.0.0.1:PORT/test`.
///
/// ```
/// assert_eq!(
///     diesel_seekdb::runtime::local_url(2881),
///     "mysql://root@127.0.0.1:2881/test"
/// );
/// ```
pub fn local_url(port: u16) -> String {
    format!("mysql://root@127.0.0.1:{port}/test")
}

/// Start or attach to the default local server, unless `SEEKDB_URL` names one.
///
/// * `SEEKDB_URL` set: returns an attached handle for that URL; nothing is started or
///   checked (the URL may point at any host).
/// * otherwise: [`LocalSeekdbBuilder::start`] with the port from `SEEKDB_PORT`
///   (default 2881), the base directory from `SEEKDB_DIR` (default
///   `<project>/target/seekdb`, the same server `scripts/dev start` runs, where
///   `<project>` is the nearest ancestor of the current directory with a `Cargo.lock`)
///   and the binary found as described in the [module docs](self). The server is left
///   running when the handle drops.
pub fn from_env() -> Result<LocalSeekdb> {
    if let Some(url) = env_nonempty("SEEKDB_URL") {
        return Ok(LocalSeekdb::external(url));
    }
    let mut builder = LocalSeekdb::builder().stop_on_drop(false);
    if let Some(port) = env_nonempty("SEEKDB_PORT") {
        let port = port.parse::<u16>().map_err(|_| Error::Runtime {
            reason: format!("SEEKDB_PORT=`{port}` is not a port number"),
        })?;
        builder = builder.port(port);
    }
    if let Some(dir) = env_nonempty("SEEKDB_DIR") {
        builder = builder.base_dir(dir);
    }
    builder.start()
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Configures and starts (or attaches to) a local seekdb; see [`LocalSeekdb::builder`].
#[derive(Debug, Clone)]
#[must_use = "call .start() to start or attach to the server"]
pub struct LocalSeekdbBuilder {
    base_dir: Option<PathBuf>,
    port: u16,
    binary: Option<PathBuf>,
    datafile_size: String,
    log_disk_size: String,
    parameters: Vec<(String, String)>,
    startup_timeout: Duration,
    stop_timeout: Duration,
    install_if_missing: bool,
    attach_only: bool,
    stop_on_drop: Option<bool>,
}

impl Default for LocalSeekdbBuilder {
    fn default() -> Self {
        LocalSeekdbBuilder {
            base_dir: None,
            port: DEFAULT_PORT,
            binary: None,
            datafile_size: "2G".to_string(),
            log_disk_size: "2G".to_string(),
            parameters: Vec::new(),
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            stop_timeout: DEFAULT_STOP_TIMEOUT,
            install_if_missing: false,
            attach_only: false,
            stop_on_drop: None,
        }
    }
}

impl LocalSeekdbBuilder {
    /// The server's base (work) directory: data, logs and `run/seekdb.pid` live here.
    ///
    /// Default: `<project>/target/seekdb`, where `<project>` is the nearest ancestor of
    /// the current directory containing a `Cargo.lock` (else the current directory).
    /// Relative paths are resolved against the current directory.
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = Some(dir.into());
        self
    }

    /// The MySQL-protocol port (default [`DEFAULT_PORT`], 2881).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The `seekdb` executable to run, instead of searching for one.
    pub fn binary(mut self, path: impl Into<PathBuf>) -> Self {
        self.binary = Some(path.into());
        self
    }

    /// Initial data file size (`datafile_size`, default `"2G"`). seekdb allocates it on
    /// disk at the first start, so this is real disk space.
    pub fn datafile_size(mut self, size: impl Into<String>) -> Self {
        self.datafile_size = size.into();
        self
    }

    /// Log/redo disk size (`log_disk_size`, default `"2G"`), also allocated on disk.
    pub fn log_disk_size(mut self, size: impl Into<String>) -> Self {
        self.log_disk_size = size.into();
        self
    }

    /// Any other server parameter, passed as `--parameter key=value`.
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.push((key.into(), value.into()));
        self
    }

    /// How long to wait for the server to answer (default 300 s).
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// How long [`LocalSeekdb::stop`] waits after SIGTERM before SIGKILL (default 60 s).
    pub fn stop_timeout(mut self, timeout: Duration) -> Self {
        self.stop_timeout = timeout;
        self
    }

    /// Download seekdb (`pip download pylibseekdb==1.4.0.post1`, needs `python3` with
    /// pip and network access) when no binary is found. Off by default.
    pub fn install_if_missing(mut self, install: bool) -> Self {
        self.install_if_missing = install;
        self
    }

    /// Only attach: fail with [`Error::Runtime`] instead of starting a server.
    pub fn attach_only(mut self, attach_only: bool) -> Self {
        self.attach_only = attach_only;
        self
    }

    /// Whether dropping the handle stops the server. Default: `true` when the handle
    /// started the server, `false` when it attached to one.
    pub fn stop_on_drop(mut self, stop: bool) -> Self {
        self.stop_on_drop = Some(stop);
        self
    }

    /// The base directory that will be used (absolute).
    pub fn resolved_base_dir(&self) -> Result<PathBuf> {
        let cwd = current_dir()?;
        Ok(match &self.base_dir {
            Some(dir) => absolute(&cwd, dir),
            None => project_root(&cwd).join("target").join("seekdb"),
        })
    }

    /// The binary that would be run, found as described in the [module docs](self),
    /// without installing anything.
    pub fn find_binary(&self) -> Result<PathBuf> {
        let cwd = current_dir()?;
        let base_dir = self.resolved_base_dir()?;
        find_binary(
            self.binary.as_deref(),
            env_nonempty("SEEKDB_BIN").map(PathBuf::from),
            &[base_dir.as_path(), cwd.as_path()],
        )
    }

    /// Like [`find_binary`](Self::find_binary), but installs seekdb when none is found
    /// and [`install_if_missing`](Self::install_if_missing) is on.
    pub fn find_or_install_binary(&self) -> Result<PathBuf> {
        match self.find_binary() {
            Ok(path) => Ok(path),
            Err(not_found) if self.install_if_missing && self.binary.is_none() => {
                let root = project_root(&current_dir()?);
                install(&root).map_err(|e| Error::Runtime {
                    reason: format!("{not_found}; installing it failed too: {e}"),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Attaches to a running server, or starts one and waits until it answers.
    pub fn start(self) -> Result<LocalSeekdb> {
        let base_dir = self.resolved_base_dir()?;
        let port = self.port;
        let url = local_url(port);

        if answers(&url, port, Duration::from_secs(10)).is_ok() {
            let pid = live_seekdb_pid(&base_dir);
            return Ok(self.attached_handle(url, base_dir, pid));
        }
        if let Some(pid) = live_seekdb_pid(&base_dir) {
            // A server owns this base directory; it may still be starting.
            return match wait_until_ready(&url, port, self.startup_timeout, None) {
                Ok(()) => Ok(self.attached_handle(url, base_dir, Some(pid))),
                Err(why) => Err(Error::Runtime {
                    reason: format!(
                        "seekdb (pid {pid}) already runs in {} but does not answer on port \
                         {port} ({why}); stop it or use another base directory",
                        base_dir.display()
                    ),
                }),
            };
        }
        if self.attach_only {
            return Err(Error::Runtime {
                reason: format!(
                    "no seekdb answers on port {port} and none runs in {} (attach_only is set)",
                    base_dir.display()
                ),
            });
        }
        self.spawn(base_dir, url)
    }

    fn attached_handle(&self, url: String, base_dir: PathBuf, pid: Option<u32>) -> LocalSeekdb {
        LocalSeekdb {
            url,
            port: Some(self.port),
            base_dir: Some(base_dir),
            pid,
            child: None,
            attached: true,
            stop_on_drop: self.stop_on_drop.unwrap_or(false),
            stop_timeout: self.stop_timeout,
        }
    }

    fn spawn(self, base_dir: PathBuf, url: String) -> Result<LocalSeekdb> {
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
/// See the [module docs](self) for what happens when it is dropped.
#[derive(Debug)]
pub struct LocalSeekdb {
    url: String,
    port: Option<u16>,
    base_dir: Option<PathBuf>,
    pid: Option<u32>,
    child: Option<Child>,
    attached: bool,
    stop_on_drop: bool,
    stop_timeout: Duration,
}

impl LocalSeekdb {
    /// A builder with the defaults described on each of its methods.
    pub fn builder() -> LocalSeekdbBuilder {
        LocalSeekdbBuilder::default()
    }

    /// A handle for a server known only by its URL (e.g. `SEEKDB_URL`).
    fn external(url: String) -> LocalSeekdb {
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
        crate::client::source::establish(&crate::client::ConnectionUrl::parse(&self.url)?)
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

fn current_dir() -> Result<PathBuf> {
    std::env::current_dir().map_err(|e| Error::Runtime {
        reason: format!("cannot read the current directory: {e}"),
    })
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

/// The nearest ancestor of `dir` (itself included) with a `Cargo.lock`, else `dir`.
fn project_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join("Cargo.lock").is_file())
        .unwrap_or(dir)
        .to_path_buf()
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

/// Candidate binaries: `<dir>/.seekdb/dist/VERSION/pylibseekdb/seekdb` for every
/// ancestor of each start directory, nearest first, without duplicates.
fn binary_candidates(start_dirs: &[&Path]) -> Vec<PathBuf> {
    let relative = default_binary_relative_path();
    let mut out: Vec<PathBuf> = Vec::new();
    for start in start_dirs {
        for dir in start.ancestors() {
            let candidate = dir.join(&relative);
            if !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn find_binary(
    explicit: Option<&Path>,
    from_env: Option<PathBuf>,
    start_dirs: &[&Path],
) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return if is_executable_file(path) {
            Ok(path.to_path_buf())
        } else {
            Err(Error::Runtime {
                reason: format!(
                    "the seekdb binary given to .binary() ({}) is not an executable file",
                    path.display()
                ),
            })
        };
    }
    if let Some(path) = from_env {
        return if is_executable_file(&path) {
            Ok(path)
        } else {
            Err(Error::Runtime {
                reason: format!(
                    "SEEKDB_BIN={} is not an executable file; point it at the `seekdb` \
                     binary or unset it",
                    path.display()
                ),
            })
        };
    }
    let candidates = binary_candidates(start_dirs);
    if let Some(found) = candidates.iter().find(|c| is_executable_file(c)) {
        return Ok(found.clone());
    }
    let start: Vec<String> = start_dirs.iter().map(|d| d.display().to_string()).collect();
    Err(Error::Runtime {
        reason: format!(
            "no seekdb binary found (looked for {} in {} and their parent directories); \
             run `scripts/dev setup`, set SEEKDB_BIN to the `seekdb` executable, call \
             .binary(path), or enable .install_if_missing(true)",
            default_binary_relative_path().display(),
            start.join(" and ")
        ),
    })
}

/// Downloads the `pylibseekdb` wheel into `<root>/.seekdb` and extracts it, like
/// `scripts/dev setup`. Extraction goes to a staging directory that is renamed into
/// place, so concurrent installs never see a half-extracted binary.
fn install(root: &Path) -> std::result::Result<PathBuf, String> {
    if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
        return Err(
            "seekdb is only published for x86_64 Linux (manylinux_2_28); install it by hand \
             and set SEEKDB_BIN"
                .to_string(),
        );
    }
    let seekdb_dir = root.join(".seekdb");
    let wheels = seekdb_dir.join("wheels");
    let dist = seekdb_dir.join("dist").join(SEEKDB_VERSION);
    let binary = root.join(default_binary_relative_path());
    fs::create_dir_all(&wheels).map_err(|e| format!("cannot create {}: {e}", wheels.display()))?;

    let requirement = format!("pylibseekdb=={SEEKDB_VERSION}");
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--quiet", "--no-deps"])
        .args(["--only-binary=:all:", "--python-version", "3.11"])
        .args(["--platform", "manylinux_2_28_x86_64", "-d"])
        .arg(&wheels)
        .arg(&requirement)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `python3 -m pip` ({e}); python3 with pip is needed"))?;
    if !output.status.success() {
        return Err(format!(
            "`python3 -m pip download {requirement}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }

    let staging = seekdb_dir
        .join("dist")
        .join(format!(".{SEEKDB_VERSION}.staging-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let script = "import glob, sys, zipfile\n\
                  wheel = sorted(glob.glob(sys.argv[1] + '/pylibseekdb-*.whl'))[-1]\n\
                  zipfile.ZipFile(wheel).extractall(sys.argv[2])\n";
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&wheels)
        .arg(&staging)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(&staging);
        return Err(format!(
            "extracting the wheel failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let staged_binary = staging.join("pylibseekdb").join("seekdb");
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&staged_binary, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot make {} executable: {e}", staged_binary.display()))?;
    }
    if fs::rename(&staging, &dist).is_err() {
        // Someone else installed it meanwhile; theirs is as good as ours.
        let _ = fs::remove_dir_all(&staging);
    }
    if !is_executable_file(&binary) {
        return Err(format!("{} is missing after installing", binary.display()));
    }
    let runs = Command::new(&binary)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !runs {
        return Err(format!(
            "the seekdb binary at {} does not run on this machine",
            binary.display()
        ));
    }
    Ok(binary)
}

/// The pid in `<base_dir>/run/seekdb.pid`, if that process is alive and is a seekdb.
fn live_seekdb_pid(base_dir: &Path) -> Option<u32> {
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

/// Polls until the server answers `SELECT 1`, the timeout passes, or `child` exits.
fn wait_until_ready(
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
fn answers(url: &str, port: u16, timeout: Duration) -> std::result::Result<(), String> {
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
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "diesel-seekdb-runtime-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn fake_binary(path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "#!/bin/sh\n").unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn urls() {
        assert_eq!(local_url(2881), "mysql://root@127.0.0.1:2881/test");
        assert_eq!(
            port_from_url("mysql://root@127.0.0.1:2991/test"),
            Some(2991)
        );
        assert_eq!(port_from_url("mysql://u:p@host:3306/db?x=1"), Some(3306));
        assert_eq!(port_from_url("mysql://u:p@host/db"), None);
        assert_eq!(port_from_url("mysql://u:p@host:99999/db"), None);
        let external = LocalSeekdb::external("mysql://root@db:2881/test".into());
        assert!(external.attached() && !external.stops_on_drop());
        assert_eq!(external.port(), Some(2881));
        assert_eq!(external.pid(), None);
        let err = external.stop().unwrap_err();
        assert!(err.to_string().contains("process id is unknown"), "{err}");
    }

    #[test]
    fn server_command_line() {
        let args = server_args(
            Path::new("/data/seekdb"),
            2991,
            "2G",
            "1G",
            &[("memory_limit".into(), "4G".into())],
        );
        assert_eq!(
            args.join(" "),
            "--nodaemon --base-dir /data/seekdb --port 2991 --parameter datafile_size=2G \
             --parameter log_disk_size=1G --parameter memory_limit=4G"
        );
    }

    #[test]
    fn builder_defaults_and_paths() {
        let b = LocalSeekdb::builder();
        assert_eq!(b.port, DEFAULT_PORT);
        assert_eq!(b.datafile_size, "2G");
        assert!(!b.install_if_missing && !b.attach_only && b.stop_on_drop.is_none());
        let base = b.clone().base_dir("/abs/dir").resolved_base_dir().unwrap();
        assert_eq!(base, PathBuf::from("/abs/dir"));
        let cwd = std::env::current_dir().unwrap();
        let rel = b.clone().base_dir("rel").resolved_base_dir().unwrap();
        assert_eq!(rel, cwd.join("rel"));
        let default = b.resolved_base_dir().unwrap();
        assert!(default.ends_with("target/seekdb"), "{}", default.display());
        assert_eq!(
            default_binary_relative_path(),
            PathBuf::from(".seekdb/dist/1.4.0.post1/pylibseekdb/seekdb")
        );
    }

    #[test]
    fn project_root_is_nearest_cargo_lock() {
        let root = scratch("root");
        let nested = root.join("a/b");
        fs::create_dir_all(&nested).unwrap();
        fs::write(root.join("Cargo.lock"), "").unwrap();
        assert_eq!(project_root(&nested), root);
        let lonely = scratch("lonely");
        // No Cargo.lock anywhere above a temp dir (normally): falls back to the dir.
        if !lonely.ancestors().any(|d| d.join("Cargo.lock").is_file()) {
            assert_eq!(project_root(&lonely), lonely);
        }
        let _ = fs::remove_dir_all(root);
        let _ = fs::remove_dir_all(lonely);
    }

    #[test]
    fn binary_search_order() {
        let root = scratch("bin");
        let data = root.join("target/seekdb");
        let cwd = root.join("crate/src");
        fs::create_dir_all(&data).unwrap();
        fs::create_dir_all(&cwd).unwrap();

        // Nothing installed: a clear error that says what to do.
        let err = find_binary(None, None, &[&data, &cwd]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("scripts/dev setup") && msg.contains("SEEKDB_BIN"),
            "{msg}"
        );
        assert!(msg.contains("install_if_missing"), "{msg}");

        // Found by searching upwards.
        let installed = root.join(default_binary_relative_path());
        fake_binary(&installed);
        assert_eq!(find_binary(None, None, &[&data, &cwd]).unwrap(), installed);

        // SEEKDB_BIN wins over the search, .binary() wins over both.
        let from_env = root.join("env/seekdb");
        fake_binary(&from_env);
        assert_eq!(
            find_binary(None, Some(from_env.clone()), &[&data]).unwrap(),
            from_env
        );
        let explicit = root.join("explicit/seekdb");
        fake_binary(&explicit);
        assert_eq!(
            find_binary(Some(&explicit), Some(from_env), &[&data]).unwrap(),
            explicit
        );

        // Wrong explicit paths are errors, not silently skipped.
        let missing = root.join("nope/seekdb");
        let err = find_binary(Some(&missing), None, &[&data]).unwrap_err();
        assert!(err.to_string().contains(".binary()"), "{err}");
        let err = find_binary(None, Some(missing), &[&data]).unwrap_err();
        assert!(err.to_string().contains("SEEKDB_BIN"), "{err}");

        // A non-executable file is not a binary.
        let plain = root.join("plain");
        fs::write(&plain, "").unwrap();
        assert!(!is_executable_file(&plain));
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn candidates_are_deduplicated_nearest_first() {
        let c = binary_candidates(&[Path::new("/w/p/target/seekdb"), Path::new("/w/p")]);
        let rel = default_binary_relative_path();
        assert_eq!(c[0], Path::new("/w/p/target/seekdb").join(&rel));
        assert_eq!(c[2], Path::new("/w/p").join(&rel));
        assert_eq!(c.len(), 5); // /w/p/target/seekdb, /w/p/target, /w/p, /w, /
    }

    #[test]
    fn pid_files_and_output_tails() {
        assert_eq!(parse_pid("2357\n"), Some(2357));
        assert_eq!(parse_pid(" 42 "), Some(42));
        assert_eq!(parse_pid(""), None);
        assert_eq!(parse_pid("1"), None);
        assert_eq!(parse_pid("abc"), None);
        let dir = scratch("pid");
        assert_eq!(live_seekdb_pid(&dir), None);
        fs::create_dir_all(dir.join("run")).unwrap();
        // Our own pid is alive but is not a seekdb.
        fs::write(dir.join("run/seekdb.pid"), std::process::id().to_string()).unwrap();
        assert!(process_alive(std::process::id()));
        assert_eq!(live_seekdb_pid(&dir), None);
        assert!(program_is_seekdb(b"./pylibseekdb/seekdb\0--nodaemon\0"));
        assert!(program_is_seekdb(b"seekdb"));
        assert!(!program_is_seekdb(b"/x/diesel_seekdb-1234\0seekdb\0"));
        assert!(!program_is_seekdb(b""));
        assert_eq!(last_lines("a\nb\nc\n", 2), "b\nc");
        assert_eq!(last_lines("", 2), "(no output)");
        let out = dir.join("seekdb.out");
        fs::write(&out, "1\n2\n3\n").unwrap();
        assert_eq!(tail_lines(&out, 1), "3");
        assert_eq!(tail_lines(&dir.join("missing"), 1), "(no output)");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn nothing_listening_is_not_ready() {
        // Bind then drop to find a port that is (very likely) free.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = answers(&local_url(port), port, Duration::from_millis(300)).unwrap_err();
        assert!(err.contains("nothing accepts connections"), "{err}");
        let err =
            wait_until_ready(&local_url(port), port, Duration::from_millis(200), None).unwrap_err();
        assert!(err.contains("no answer within"), "{err}");
    }

    #[test]
    fn attach_only_refuses_to_start() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = scratch("attach");
        let err = LocalSeekdb::builder()
            .base_dir(&dir)
            .port(port)
            .attach_only(true)
            .start()
            .unwrap_err();
        assert!(err.to_string().contains("attach_only"), "{err}");
        let _ = fs::remove_dir_all(dir);
    }
}
