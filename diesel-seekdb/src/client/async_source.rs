//! Where the async client gets a connection: its own (reopened after a loss) or one
//! from a bb8 pool, opened within the URL's `connect_timeout`, and never reused after a
//! call on it was cut short.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::ConnectionError;
use diesel_async::pooled_connection::bb8;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl};
use futures_util::lock::{Mutex as AsyncMutex, MutexGuard as AsyncMutexGuard};
use futures_util::FutureExt;

use crate::connection::ConnectionUrl;
use crate::error::{Error, Result};

/// The last error a pool built here met while connecting (bb8 only logs it).
pub(crate) type LastError = Arc<Mutex<Option<String>>>;

/// The session `SET` a pool built here runs on every new connection and at every
/// checkout (empty: none), so settings hold whatever an earlier borrower changed.
pub(crate) type CheckoutSql = Arc<Mutex<String>>;

/// A bb8 pool of async seekdb connections
/// (`diesel_async::pooled_connection::bb8::Pool<AsyncMysqlConnection>`).
pub type AsyncSeekdbPool = bb8::Pool<AsyncMysqlConnection>;

pub(crate) enum AsyncSource {
    /// `None` while lost; reopened from the URL (when there is one) on the next call.
    Single(AsyncMutex<Option<AsyncMysqlConnection>>),
    Pool(AsyncSeekdbPool),
}

impl AsyncSource {
    /// Whether this is the client's one connection (not a pool).
    pub(crate) fn is_own(&self) -> bool {
        matches!(self, AsyncSource::Single(_))
    }

    /// A connection: the own one (reopened from `url` if an earlier call lost it, with
    /// `setup` run again) or a pooled one with `setup` run.
    pub(crate) async fn get(
        &self,
        url: Option<&ConnectionUrl>,
        pool_error: Option<&LastError>,
        setup: &str,
    ) -> Result<AsyncConnectionGuard<'_>> {
        use diesel_async::SimpleAsyncConnection;
        match self {
            AsyncSource::Single(conn) => {
                let mut guard = conn.lock().await;
                if guard.is_none() {
                    let url = url.ok_or_else(|| {
                        Error::Connection(ConnectionError::BadConnection(
                            "the connection was lost; this client was built from a \
                             connection and cannot reopen it"
                                .into(),
                        ))
                    })?;
                    let mut fresh = establish_async(url).await?;
                    if !setup.is_empty() {
                        fresh.batch_execute(setup).await?;
                    }
                    *guard = Some(fresh);
                }
                Ok(AsyncConnectionGuard(GuardInner::Single(guard)))
            }
            AsyncSource::Pool(pool) => {
                let mut conn = pool
                    .get()
                    .await
                    .map_err(|e| checkout_error(e, url, pool_error))?;
                if !setup.is_empty() {
                    conn.batch_execute(setup).await?;
                }
                Ok(AsyncConnectionGuard(GuardInner::Pool(conn)))
            }
        }
    }
}

fn checkout_error(
    e: bb8::RunError,
    url: Option<&ConnectionUrl>,
    pool_error: Option<&LastError>,
) -> Error {
    let target = url
        .map(|u| format!(" to {}", u.endpoint()))
        .unwrap_or_default();
    match e {
        bb8::RunError::User(e) => Error::Connection(ConnectionError::BadConnection(format!(
            "no pooled connection{target}: {e}"
        ))),
        bb8::RunError::TimedOut => {
            let cause = pool_error
                .and_then(|slot| slot.lock().unwrap_or_else(|p| p.into_inner()).clone())
                .map(|c| format!("; last connect error: {c}"))
                .unwrap_or_default();
            // Known for pools built here; a user's pool keeps its own setting.
            let after = match (pool_error, url) {
                (Some(_), Some(url)) => pool_timeout(url),
                _ => Duration::ZERO,
            };
            Error::Timeout {
                operation: format!("waiting for a pooled connection{target}{cause}"),
                after,
            }
        }
    }
}

/// A connection borrowed from an [`AsyncObVecClient`](super::AsyncObVecClient): the client's own connection
/// (held exclusively until dropped) or one checked out of its pool.
pub struct AsyncConnectionGuard<'a>(pub(crate) GuardInner<'a>);

pub(crate) enum GuardInner<'a> {
    /// Always `Some`: the guard is made only over an open connection.
    Single(AsyncMutexGuard<'a, Option<AsyncMysqlConnection>>),
    Pool(bb8::PooledConnection<'a, AsyncMysqlConnection>),
}

impl Deref for AsyncConnectionGuard<'_> {
    type Target = AsyncMysqlConnection;

    fn deref(&self) -> &AsyncMysqlConnection {
        match &self.0 {
            GuardInner::Single(g) => g.as_ref().expect("guard over an open connection"),
            GuardInner::Pool(c) => c,
        }
    }
}

impl DerefMut for AsyncConnectionGuard<'_> {
    fn deref_mut(&mut self) -> &mut AsyncMysqlConnection {
        match &mut self.0 {
            GuardInner::Single(g) => g.as_mut().expect("guard over an open connection"),
            GuardInner::Pool(c) => &mut *c,
        }
    }
}

impl AsyncConnectionGuard<'_> {
    /// Throws the connection away (its state is unknown after a cancelled or lost
    /// call): the client's own is reopened on the next call, a pooled one is closed
    /// instead of going back into the pool.
    pub fn discard(self) {
        match self.0 {
            GuardInner::Single(mut g) => *g = None,
            GuardInner::Pool(mut c) => {
                // bb8 drops, instead of recycling, a connection whose transaction
                // manager is broken.
                use diesel_async::TransactionManager;
                diesel_async::AnsiTransactionManager::transaction_manager_status_mut(&mut *c)
                    .set_in_error();
            }
        }
    }
}

/// A connection in a call: if the call's future is dropped before it finishes (the
/// caller gave up on it), the connection is discarded, never reused half-read.
pub(crate) struct CallGuard<'a>(pub(crate) Option<AsyncConnectionGuard<'a>>);

impl<'a> CallGuard<'a> {
    pub(crate) fn conn(&mut self) -> &mut AsyncMysqlConnection {
        self.0.as_mut().expect("taken only by finish")
    }

    pub(crate) fn finish(mut self) -> AsyncConnectionGuard<'a> {
        self.0.take().expect("taken only by finish")
    }
}

impl Drop for CallGuard<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            conn.discard();
        }
    }
}

/// Opens an async connection within the URL's `connect_timeout`; errors name the
/// server, never the password.
pub(crate) async fn establish_async(url: &ConnectionUrl) -> Result<AsyncMysqlConnection> {
    let async_url = url.async_url()?;
    match tokio::time::timeout(
        url.connect_timeout(),
        AsyncMysqlConnection::establish(&async_url),
    )
    .await
    {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(url.connect_error(e)),
        Err(_) => Err(url.connect_timed_out()),
    }
}

/// A checkout's bound: one connect attempt, plus room to wait for a busy connection.
fn pool_timeout(url: &ConnectionUrl) -> Duration {
    url.connect_timeout() + Duration::from_secs(5)
}

/// A bb8 pool whose connections open through [`establish_async`]; `slot` keeps the
/// last connect error, which bb8 would otherwise only log.
pub(crate) async fn build_pool(
    url: &ConnectionUrl,
    max_size: u32,
    slot: Option<LastError>,
    checkout: CheckoutSql,
) -> Result<AsyncSeekdbPool> {
    use diesel_async::pooled_connection::{
        AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
    };
    use diesel_async::{AnsiTransactionManager, TransactionManager};
    let mut config = ManagerConfig::<AsyncMysqlConnection>::default();
    // bb8 puts a connection back when its checkout check is cancelled by the pool's
    // timeout, half-read; marked broken for the check's duration it is dropped instead.
    // The check is the session SET when there are settings (a successful SET proves
    // the connection alive, like `SELECT 1`), as SessionManager does for r2d2.
    let check_sql = checkout.clone();
    config.recycling_method = RecyclingMethod::CustomFunction(Box::new(move |conn| {
        let sql = check_sql.lock().unwrap_or_else(|p| p.into_inner()).clone();
        async move {
            use diesel_async::SimpleAsyncConnection;
            AnsiTransactionManager::transaction_manager_status_mut(conn).set_in_error();
            if sql.is_empty() {
                diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
                    .get_result::<i32>(conn)
                    .await?;
            } else {
                conn.batch_execute(&sql).await?;
            }
            *AnsiTransactionManager::transaction_manager_status_mut(conn) = Default::default();
            Ok(())
        }
        .boxed()
    }));
    let setup_url = url.clone();
    let setup_slot = slot.clone();
    config.custom_setup = Box::new(move |_| {
        let url = setup_url.clone();
        let slot = setup_slot.clone();
        let sql = checkout.lock().unwrap_or_else(|p| p.into_inner()).clone();
        async move {
            let fail = |e: Error| {
                let text = e.to_string();
                if let Some(slot) = &slot {
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
                }
                ConnectionError::BadConnection(text)
            };
            let mut conn = establish_async(&url).await.map_err(fail)?;
            if !sql.is_empty() {
                use diesel_async::SimpleAsyncConnection;
                conn.batch_execute(&sql)
                    .await
                    .map_err(|e| fail(Error::from(e)))?;
            }
            Ok(conn)
        }
        .boxed()
    });
    // The manager's own URL is never used: custom_setup connects from the parts.
    let manager = AsyncDieselConnectionManager::<AsyncMysqlConnection>::new_with_config(
        url.to_string(),
        config,
    );
    bb8::Pool::builder()
        .max_size(max_size)
        .connection_timeout(pool_timeout(url))
        .build(manager)
        .await
        .map_err(|e| {
            url.connect_error(match e {
                diesel_async::pooled_connection::PoolError::ConnectionError(c) => c.to_string(),
                other => other.to_string(),
            })
        })
}
