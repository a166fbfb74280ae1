//! The async client's executor: runs [`Op`]s on diesel-async's `AsyncMysqlConnection`,
//! the same plans the blocking executor (`exec_sync.rs`) runs.

use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use super::async_obvec::AsyncObVecClient;
use super::async_source::CallGuard;
use super::plan::{Attempt, Op, Output, Plan, Statement};
use super::source::is_connection_lost;
use crate::connection::ConnectionUrl;
use crate::error::{Error, Result};

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
    pub(super) async fn exec<R: Send>(&self, op: Result<Op<'_, R>>) -> Result<R> {
        let mut op = op?;
        loop {
            op = match op {
                Op::Ready(r) => return Ok(r),
                Op::Run(plan) => return self.run_plan(plan).await,
                Op::Table(table, then) => then(self.table_info(&table).await?)?,
                Op::Limits(then) => then(self.statement_limits().await?)?,
                Op::RetryBusy(attempt) => return self.retry_busy(attempt).await,
                Op::Server(then) => then(self.server_info().await?)?,
                Op::Chain(plan) => self.run_plan(plan).await?,
            }
        }
    }

    async fn retry_busy<R: Send>(&self, mut attempt: Attempt<'_, R>) -> Result<R> {
        let retry = self.state.busy();
        let mut tries = 0;
        loop {
            let result = self.run_plan(attempt()?).await;
            match retry.wait_before_retry(tries, &result) {
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
