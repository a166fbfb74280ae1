//! The async client's executor: runs [`Op`]s on diesel-async's `AsyncMysqlConnection`,
//! the same plans the blocking executor (`exec_sync.rs`) runs.

use diesel_async::{AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::FutureExt;

use super::async_obvec::AsyncObVecClient;
use super::plan::{Attempt, Op, Output, Plan, Statement};
use crate::error::Result;

impl AsyncObVecClient {
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
