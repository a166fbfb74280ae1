//! Read and write bounds for the blocking client.
//!
//! libmysqlclient/libmariadb take `MYSQL_OPT_READ_TIMEOUT` and friends only through
//! `mysql_options` on the raw handle, which Diesel keeps private (its URL has no such
//! options and the library reads option files only when asked through that same
//! handle). A call on a connection to a stopped server therefore blocks forever. The
//! one lever left is the connection's socket: a single watchdog thread shuts down the
//! socket of a call that overruns its bound, the blocked read returns "Lost
//! connection", and the caller reports [`Error::Timeout`](crate::Error::Timeout) and
//! throws the connection away.
//!
//! The socket is found once per connection through `/proc` (Linux only): the server
//! tells the connection's client port, `/proc/net/tcp{,6}` maps it to a socket inode
//! and `/proc/self/fd` to the descriptor. Elsewhere, or behind a proxy that hides the
//! port, [`Socket::find`] returns `None` and only the connect bound applies. The
//! socket travels with the connection as its Diesel instrumentation ([`tag`]), so a
//! connection that moves through a pool still finds it.

use std::collections::HashMap;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::{Connection, MysqlConnection};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// The socket under a live connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Socket {
    fd: i32,
    inode: u64,
}

impl Socket {
    /// The socket of this process's TCP connection from `local_port` to `peer_port`.
    pub(crate) fn find(local_port: u16, peer_port: u16) -> Option<Socket> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let inode = ["/proc/net/tcp", "/proc/net/tcp6"]
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .find_map(|table| inode_of(&table, local_port, peer_port))?;
        let link = format!("socket:[{inode}]");
        std::fs::read_dir("/proc/self/fd")
            .ok()?
            .filter_map(|e| e.ok())
            .find(|e| {
                std::fs::read_link(e.path())
                    .map(|l| l.as_os_str() == link.as_str())
                    .unwrap_or(false)
            })
            .and_then(|e| e.file_name().to_str()?.parse().ok())
            .map(|fd| Socket { fd, inode })
    }

    /// Still the same socket: a descriptor number is reused once closed.
    fn is_current(&self) -> bool {
        std::fs::read_link(format!("/proc/self/fd/{}", self.fd))
            .map(|l| l.as_os_str() == format!("socket:[{}]", self.inode).as_str())
            .unwrap_or(false)
    }
}

/// The inode of the established connection `local_port -> peer_port` in a
/// `/proc/net/tcp` table (`sl local rem st ... uid timeout inode`, ports in hex).
fn inode_of(table: &str, local_port: u16, peer_port: u16) -> Option<u64> {
    let port = |addr: &str| {
        addr.rsplit_once(':')
            .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
    };
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let matches = f.len() > 9
            && port(f[1]) == Some(local_port)
            && port(f[2]) == Some(peer_port)
            && f[3] == "01";
        if matches {
            f[9].parse().ok()
        } else {
            None
        }
    })
}

struct Entry {
    deadline: Instant,
    socket: Socket,
    fired: bool,
}

struct Shared {
    entries: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    calls: HashMap<u64, Entry>,
    /// When the watchdog looks next on its own; a call due before is worth a wake-up.
    next_look: Option<Instant>,
}

/// How long an idle watchdog sleeps: arming a longer bound then costs no wake-up.
const IDLE: Duration = Duration::from_secs(1);

static WATCHDOG: OnceLock<Shared> = OnceLock::new();
static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn shared() -> &'static Shared {
    WATCHDOG.get_or_init(|| {
        // If the thread cannot start, arming still works; nothing fires.
        let _ = std::thread::Builder::new()
            .name("seekdb-watchdog".into())
            .spawn(|| run(WATCHDOG.get_or_init(new_shared)));
        new_shared()
    })
}

fn new_shared() -> Shared {
    Shared {
        entries: Mutex::new(State::default()),
        wake: Condvar::new(),
    }
}

fn lock(s: &Shared) -> MutexGuard<'_, State> {
    s.entries.lock().unwrap_or_else(|p| p.into_inner())
}

fn run(s: &'static Shared) {
    let mut entries = lock(s);
    loop {
        let now = Instant::now();
        for e in entries.calls.values_mut() {
            if !e.fired && e.deadline <= now {
                e.fired = true;
                // Under the lock: the owner cannot disarm, hence cannot release the
                // connection (and its descriptor), while this runs.
                if e.socket.is_current() {
                    shutdown(e.socket.fd);
                }
            }
        }
        let next = entries
            .calls
            .values()
            .filter(|e| !e.fired)
            .map(|e| e.deadline)
            .min()
            .map_or(now + IDLE, |d| d.min(now + IDLE));
        entries.next_look = Some(next);
        entries = s
            .wake
            .wait_timeout(entries, next.saturating_duration_since(now))
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

#[cfg(not(target_os = "linux"))]
fn shutdown(_fd: i32) {}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn shutdown(fd: i32) {
    // SAFETY: `fd` is the socket of a connection whose owner is blocked in a call on
    // it and cannot close it until it disarms, which waits for the lock held here;
    // `is_current` checked the descriptor still names that socket. shutdown(2) only
    // ends the stream; the descriptor stays open and owned by the connection.
    unsafe {
        libc::shutdown(fd, libc::SHUT_RDWR);
    }
}

/// The connection's instrumentation, carrying its socket; events go on to the
/// instrumentation the connection had.
struct SocketTag {
    socket: Socket,
    inner: Option<Box<dyn Instrumentation>>,
}

impl Instrumentation for SocketTag {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let Some(inner) = &mut self.inner {
            inner.on_connection_event(event);
        }
    }
}

/// Attaches `socket` to a connection just opened (whose instrumentation is still the
/// process default, which keeps receiving the events).
pub(crate) fn tag(conn: &mut MysqlConnection, socket: Socket) {
    conn.set_instrumentation(SocketTag {
        socket,
        inner: diesel::connection::get_default_instrumentation(),
    });
}

/// The socket [`tag`] attached, unless the user replaced the instrumentation since.
pub(crate) fn socket_of(conn: &mut MysqlConnection) -> Option<Socket> {
    conn.instrumentation()
        .downcast_ref::<SocketTag>()
        .map(|t| t.socket)
}

/// Runs `f` on `conn` within `bound` when its socket is known; `true` with the
/// result when the bound was exceeded (the socket is then shut: drop the connection).
pub(crate) fn bounded<R>(
    conn: &mut MysqlConnection,
    bound: Option<std::time::Duration>,
    f: impl FnOnce(&mut MysqlConnection) -> R,
) -> (R, bool) {
    let armed = socket_of(conn).zip(bound).map(|(s, t)| arm(s, t));
    let result = f(conn);
    (result, armed.is_some_and(Armed::disarm))
}

/// A bound on one call; disarm it before the connection is used otherwise or dropped.
pub(crate) struct Armed(u64);

/// Starts the clock on a call over `socket`.
pub(crate) fn arm(socket: Socket, timeout: Duration) -> Armed {
    let s = shared();
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let deadline = Instant::now() + timeout;
    let mut entries = lock(s);
    let wake = entries.next_look.is_none_or(|next| deadline < next);
    entries.calls.insert(
        id,
        Entry {
            deadline,
            socket,
            fired: false,
        },
    );
    drop(entries);
    if wake {
        s.wake.notify_one();
    }
    Armed(id)
}

impl Armed {
    /// Stops the clock; `true` when the bound was exceeded and the socket shut.
    pub(crate) fn disarm(self) -> bool {
        let fired = lock(shared())
            .calls
            .remove(&self.0)
            .is_some_and(|e| e.fired);
        std::mem::forget(self);
        fired
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        lock(shared()).calls.remove(&self.0);
    }
}

#[cfg(test)]
mod tests;
