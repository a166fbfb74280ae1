//! The one busy-index retry policy: how a refresh or rebuild (and the clients'
//! operations that meet a busy index) wait out another one. Shared by both clients and
//! by the [`crate::upkeep`] calls on bare connections, blocking or async.

use std::time::Duration;

use crate::error::{Error, Result};

/// How a refresh or rebuild waits out another one of the same index (seekdb error
/// 4179, "other refresh/rebuild tasks may be running"): `retries` more attempts,
/// `delay` apart. The default (60 retries, 2 s) is what the clients use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexBusyRetry {
    /// Attempts after the first.
    pub retries: u32,
    /// The wait between attempts.
    pub delay: Duration,
}

impl Default for IndexBusyRetry {
    /// Sixty retries two seconds apart: a concurrent rebuild of a 20,000-row HNSW index
    /// took 17-37 s on two cores, so a shorter budget gives up while it is still running.
    fn default() -> Self {
        IndexBusyRetry {
            retries: 60,
            delay: Duration::from_secs(2),
        }
    }
}

impl IndexBusyRetry {
    /// No retry: a busy index fails at once with
    /// [`ServerErrorKind::IndexBusy`](crate::ServerErrorKind::IndexBusy).
    pub const NONE: IndexBusyRetry = IndexBusyRetry {
        retries: 0,
        delay: Duration::ZERO,
    };

    /// The wait before attempt `attempt + 1` when `result` failed with 4179 and retries
    /// remain; `None` when `result` is final (success, another error, or still busy
    /// after the last retry, which then reaches the caller as
    /// [`ServerErrorKind::IndexBusy`](crate::ServerErrorKind::IndexBusy)).
    pub(crate) fn wait_before_retry<T>(&self, attempt: u32, result: &Result<T>) -> Option<Duration> {
        match result {
            Err(e) if attempt < self.retries && index_busy(e) => Some(self.delay),
            _ => None,
        }
    }

    /// Runs `attempt`, again after [`IndexBusyRetry::wait_before_retry`]'s delay while
    /// the index is busy: the one blocking retry loop, for the client and for `upkeep`.
    pub(crate) fn run_blocking<T>(&self, mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
        let mut tries = 0;
        loop {
            let result = attempt();
            match self.wait_before_retry(tries, &result) {
                Some(delay) => {
                    tries += 1;
                    std::thread::sleep(delay);
                }
                None => return result,
            }
        }
    }
}

/// Whether `err` is seekdb's 4179 "other refresh/rebuild tasks may be running" (by its
/// number: messages change between versions).
pub(crate) fn index_busy(err: &Error) -> bool {
    err.kind() == Some(crate::ServerErrorKind::IndexBusy)
}
