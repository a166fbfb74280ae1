//! The async client's executor: runs [`Op`]s on diesel-async's `AsyncMysqlConnection`,
//! the same plans the blocking executor (`exec_sync.rs`) runs.

use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use diesel::deserialize::QueryableByName;
use diesel::mysql::Mysql;

use super::async_obvec::AsyncObVecClient;
use super::async_source::CallGuard;
use super::meta::TableInfo;
use super::ops;
use super::ops_meta::Next;
use super::plan::{Attempt, ClientState, Op, Output, Plan, Statement};
use super::query::DynQuery;
use super::source::is_connection_lost;
use crate::connection::ConnectionUrl;
use crate::error::{Error, Result};
use crate::upkeep::{IndexBusyRetry, Retryable};

impl AsyncObVecClient {
    /// Runs `f` on a connection within the URL's call bound. A connection whose call
    /// timed out or was lost is thrown away, never handed out again half-read; the
    /// call is not retried.
    pub(super) async fn run<R, F>(&self, f: F) -> Result<R>
    where
        F: for<'c> FnOnce(&'c mut AsyncMysqlConnection) -> BoxFuture<'c, Result<R>>,
    {
        let mut call = CallGuard(Some(self.connection().await?));
        let bound = self.url.as_ref().and_then(ConnectionUrl::call_timeout);
        let conn = call.conn();
        let outcome = match bound {
            Some(limit) => tokio::time::timeout(limit, f(conn)).await.ok(),
            None => Some(f(conn).await),
        };
        let conn = call.finish();
        match outcome {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) if is_connection_lost(&e) => {
                conn.discard();
                Err(e)
            }
            // The failed statement's errno, asked on the connection it failed on.
            Some(Err(e)) => {
                let mut conn = conn;
                Err(crate::errno::fill_async(&mut conn, e).await)
            }
            None => {
                conn.discard();
                let at = self
                    .url
                    .as_ref()
                    .map(|u| format!(" at {}", u.endpoint()))
                    .unwrap_or_default();
                Err(Error::Timeout {
                    operation: format!(
                        "a call to seekdb{at} (the connection was dropped; the call was not retried)"
                    ),
                    after: bound.unwrap_or_default(),
                })
            }
        }
    }

    /// Executes `op`: reads the metadata it needs (cached), then runs its plan.
    pub(super) async fn exec<'a, R: Send + 'a>(&self, op: Result<Op<'a, R>>) -> Result<R> {
        let mut op = op?;
        loop {
            op = match self.state.next(op)? {
                Next::Done(r) => return Ok(r),
                Next::Run(plan) => return self.run_plan(plan).await,
                Next::Step(plan) => self.run_plan(plan).await?,
                Next::RetryBusy(attempt, what) => return self.retry_busy(attempt, what).await,
            }
        }
    }

    /// Loads `query`'s rows as `T` (typed searches).
    pub(super) async fn load_as<T>(&self, query: DynQuery) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + Send + 'static,
    {
        self.run(|c| async move { Ok(query.load(c).await?) }.boxed())
            .await
    }

    async fn retry_busy<'a, R: Send + 'a>(
        &self,
        mut attempt: Attempt<'a, R>,
        what: Retryable,
    ) -> Result<R> {
        let retry = self.state.busy();
        let mut tries = 0;
        loop {
            // Boxed: an attempt is an operation the executor runs like any other.
            let result = Box::pin(self.exec(attempt(tries))).await;
            match retry.wait_before_retry(what, tries, &result) {
                Some(delay) => {
                    tries += 1;
                    tokio::time::sleep(delay).await;
                }
                None => return result,
            }
        }
    }

    /// Runs one plan on one connection (in a transaction when it is atomic).
    pub(super) async fn run_plan<R: Send>(&self, plan: Plan<'_, R>) -> Result<R> {
        let plan = plan.for_source(self.source.is_own());
        self.state.before(&plan);
        let in_transaction = plan.in_transaction();
        let Plan {
            statements,
            keeps_session,
            decode,
            ..
        } = plan;
        let outputs = if statements.is_empty() {
            Vec::new()
        } else {
            self.run(move |conn| {
                async move {
                    if in_transaction {
                        conn.transaction(async move |conn| run_statements(conn, statements).await)
                            .await
                    } else {
                        run_statements(conn, statements).await
                    }
                }
                .boxed()
            })
            .await?
        };
        if let (Some(settings), Some(checkout)) = (keeps_session, &self.pool_session) {
            // Plans only keep settings that render (`ops::set_session` checked them).
            let sql = settings.to_sql()?;
            *checkout.lock().unwrap_or_else(|p| p.into_inner()) = sql;
        }
        self.state.after(keeps_session);
        decode(outputs)
    }
}

/// Runs `op` on a bare connection: no cache kept, no busy-index retries.
async fn exec_on<'a, R: Send + 'a>(
    conn: &mut AsyncMysqlConnection,
    op: Result<Op<'a, R>>,
) -> Result<R> {
    exec_on_retrying(conn, op, IndexBusyRetry::NONE).await
}

/// Runs `op` on a bare connection, a busy index retried as `retry` says (waiting
/// with the runtime's timer, not blocking its thread): the async calls of
/// [`crate::upkeep`] and [`crate::server`].
pub(crate) async fn exec_on_retrying<'a, R: Send + 'a>(
    conn: &mut AsyncMysqlConnection,
    op: Result<Op<'a, R>>,
    retry: IndexBusyRetry,
) -> Result<R> {
    let state = ClientState::default();
    let mut op = op?;
    loop {
        let plan = match state.next(op)? {
            Next::Done(r) => return Ok(r),
            Next::Run(plan) => return run_plan_on(conn, plan).await,
            Next::Step(plan) => plan,
            Next::RetryBusy(mut attempt, what) => {
                let mut tries = 0;
                loop {
                    let result =
                        Box::pin(exec_on_retrying(&mut *conn, attempt(tries), retry)).await;
                    match retry.wait_before_retry(what, tries, &result) {
                        Some(delay) => {
                            tries += 1;
                            tokio::time::sleep(delay).await;
                        }
                        None => return result,
                    }
                }
            }
        };
        op = run_plan_on(conn, plan).await?;
    }
}

async fn run_plan_on<R: Send>(conn: &mut AsyncMysqlConnection, plan: Plan<'_, R>) -> Result<R> {
    let in_transaction = plan.in_transaction();
    let Plan {
        statements, decode, ..
    } = plan;
    let outputs = if in_transaction {
        conn.transaction(async move |conn| run_statements(conn, statements).await)
            .await?
    } else {
        run_statements(conn, statements).await?
    };
    decode(outputs)
}

/// Whether `table` exists in the connection's current database.
pub async fn table_exists_async(conn: &mut AsyncMysqlConnection, table: &str) -> Result<bool> {
    exec_on(conn, ops::table_exists(table)).await
}

/// Reads a table's description; [`Error::CollectionNotFound`](crate::Error::CollectionNotFound)
/// when it does not exist.
pub async fn describe_table_async(
    conn: &mut AsyncMysqlConnection,
    table: &str,
) -> Result<TableInfo> {
    exec_on(conn, ops::describe_table(table)).await
}

/// Each statement's output; a failure gets its errno before anything else (a
/// rollback) runs on the connection.
async fn run_statements(
    conn: &mut AsyncMysqlConnection,
    statements: Vec<Statement>,
) -> Result<Vec<Output>> {
    let mut outputs = Vec::with_capacity(statements.len());
    for statement in statements {
        match run_one(conn, statement).await {
            Ok(output) => outputs.push(output),
            Err(e) => return Err(crate::errno::fill_async(conn, e).await),
        }
    }
    Ok(outputs)
}

async fn run_one(conn: &mut AsyncMysqlConnection, statement: Statement) -> Result<Output> {
    Ok(match statement {
        Statement::Execute(q) => Output::Affected(q.execute(conn).await?),
        Statement::Load(q) => Output::Rows(q.load(conn).await?),
        Statement::Batch(sql) | Statement::Session(sql) => {
            if !sql.is_empty() {
                conn.batch_execute(&sql).await?;
            }
            Output::Affected(0)
        }
        Statement::Raw(sql) => Output::Rows(diesel::sql_query(sql).load(conn).await?),
    })
}
