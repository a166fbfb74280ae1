//! The one busy-index retry policy: how a refresh or rebuild (and the clients' index
//! creation) waits out another one. Shared by both clients and
//! by the [`crate::upkeep`] calls on bare connections, blocking or async.

use std::time::Duration;

use crate::error::{Error, Result};

/// How a refresh or rebuild waits out another one of the same index (seekdb error
/// 4179, "other refresh/rebuild tasks may be running"): `retries` more attempts,
/// `delay` apart. The default (60 retries, 2 s) is what the clients use; they also
/// create indexes on existing tables with it (4179, and 1205 while another DDL or
/// index build holds the table's lock).
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

    /// The wait before attempt `attempt + 1` when `result` failed with an error `what`
    /// retries and retries remain; `None` when `result` is final (success, another
    /// error, or still busy after the last retry, which then reaches the caller as it
    /// is, e.g. [`ServerErrorKind::IndexBusy`](crate::ServerErrorKind::IndexBusy)).
    pub(crate) fn wait_before_retry<T>(
        &self,
        what: Retryable,
        attempt: u32,
        result: &Result<T>,
    ) -> Option<Duration> {
        match result {
            Err(e) if attempt < self.retries && what.matches(e) => Some(self.delay),
            _ => None,
        }
    }

    /// Runs `attempt` (given its number, 0 first), again after
    /// [`IndexBusyRetry::wait_before_retry`]'s delay while it fails with an error `what`
    /// retries: the one blocking retry loop, for the clients and for `upkeep`.
    pub(crate) fn run_blocking<T>(
        &self,
        what: Retryable,
        mut attempt: impl FnMut(u32) -> Result<T>,
    ) -> Result<T> {
        let mut tries = 0;
        loop {
            let result = attempt(tries);
            match self.wait_before_retry(what, tries, &result) {
                Some(delay) => {
                    tries += 1;
                    std::thread::sleep(delay);
                }
                None => return result,
            }
        }
    }
}

/// Which server errors a retried operation waits out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// `REFRESH_INDEX` / `REBUILD_INDEX`: 4179 only (another refresh or rebuild holds
    /// the index).
    IndexBusy,
    /// `CREATE ... INDEX` on an existing table: 4179, and 1205 (lock wait timeout):
    /// seekdb answers 1205 when the DDL cannot take the table's lock while another DDL
    /// or index build on it still holds it (seen creating a FULLTEXT index right after
    /// a vector index, under load). A DDL statement is atomic (the index was created or
    /// not), and the retry first checks with `SHOW INDEX` that it was not.
    IndexDdl,
}

/// MySQL's "Lock wait timeout exceeded".
const LOCK_WAIT_TIMEOUT: u32 = 1205;

impl Retryable {
    /// Whether `err` is worth another attempt (by error number: messages change
    /// between versions).
    pub(crate) fn matches(self, err: &Error) -> bool {
        match self {
            Retryable::IndexBusy => index_busy(err),
            Retryable::IndexDdl => index_busy(err) || err.code() == Some(LOCK_WAIT_TIMEOUT),
        }
    }
}

/// Whether `err` is seekdb's 4179 "other refresh/rebuild tasks may be running" (by its
/// number: messages change between versions).
pub(crate) fn index_busy(err: &Error) -> bool {
    err.kind() == Some(crate::ServerErrorKind::IndexBusy)
}
