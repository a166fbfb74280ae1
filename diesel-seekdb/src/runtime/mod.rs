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

mod builder;
mod installer;
mod probe;
mod process;

use std::time::Duration;

use crate::error::{Error, Result};

pub use builder::LocalSeekdbBuilder;
pub use installer::default_binary_relative_path;
pub use process::LocalSeekdb;

/// The seekdb release this module installs and looks for (`pylibseekdb` on PyPI).
pub const SEEKDB_VERSION: &str = "1.4.0.post1";

/// The port seekdb listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 2881;

/// Default start-up timeout: a fresh seekdb bootstraps in about a minute.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(300);

/// How long [`LocalSeekdb::stop`] waits after SIGTERM before sending SIGKILL.
pub const DEFAULT_STOP_TIMEOUT: Duration = Duration::from_secs(60);

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

/// A fresh scratch directory for one test.
#[cfg(test)]
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "diesel-seekdb-runtime-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
