//! The builder: where the server lives, how it is started, and whether to attach.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::installer::{find_binary, install};
use super::probe::{answers, wait_until_ready};
use super::process::live_seekdb_pid;
use super::{
    env_nonempty, local_url, LocalSeekdb, DEFAULT_PORT, DEFAULT_STARTUP_TIMEOUT,
    DEFAULT_STOP_TIMEOUT,
};
use crate::error::{Error, Result};

/// Configures and starts (or attaches to) a local seekdb; see [`LocalSeekdb::builder`].
#[derive(Debug, Clone)]
#[must_use = "call .start() to start or attach to the server"]
pub struct LocalSeekdbBuilder {
    pub(super) base_dir: Option<PathBuf>,
    pub(super) port: u16,
    pub(super) binary: Option<PathBuf>,
    pub(super) datafile_size: String,
    pub(super) log_disk_size: String,
    pub(super) parameters: Vec<(String, String)>,
    pub(super) startup_timeout: Duration,
    pub(super) stop_timeout: Duration,
    pub(super) install_if_missing: bool,
    pub(super) attach_only: bool,
    pub(super) stop_on_drop: Option<bool>,
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

    /// The binary that would be run, found as described in the [module docs](super),
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

#[cfg(test)]
#[path = "builder_tests.rs"]
mod tests;
