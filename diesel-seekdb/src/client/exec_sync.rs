//! The blocking client's executor: runs [`Op`]s on a Diesel `MysqlConnection`. All it
//! knows is how to send statements; what to send is in [`super::ops`].

use diesel::connection::SimpleConnection;
use diesel::{MysqlConnection, RunQueryDsl};

use super::obvec::ObVecClient;
use super::plan::{Attempt, Op, Output, Plan, Statement};
use crate::errno::SeekdbResultExt;
use crate::error::{Error, Result};
use crate::row::JsonRow;

impl ObVecClient {
    /// Executes `op`: reads the metadata it needs (cached), then runs its plan.
    pub(super) fn exec<R>(&self, op: Result<Op<'_, R>>) -> Result<R> {
        let mut op = op?;
        loop {
            op = match op {
                Op::Ready(r) => return Ok(r),
                Op::Run(plan) => return self.run_plan(plan),
                Op::Table(table, then) => then(self.table_info(&table)?)?,
                Op::Limits(then) => then(self.statement_limits()?)?,
                Op::RetryBusy(attempt) => return self.retry_busy(attempt),
                Op::Server(then) => then(self.server_info()?)?,
                Op::Chain(plan) => self.run_plan(plan)?,
            }
        }
    }

    fn retry_busy<R>(&self, mut attempt: Attempt<'_, R>) -> Result<R> {
        let retry = self.state.busy();
        let mut tries = 0;
        loop {
            let result = self.run_plan(attempt()?);
            match retry.wait_before_retry(tries, &result) {
                Some(delay) => {
                    tries += 1;
                    std::thread::sleep(delay);
                }
                None => return result,
            }
        }
    }

    /// Runs one plan on one connection (in a transaction when it is atomic).
    pub(super) fn run_plan<R>(&self, plan: Plan<'_, R>) -> Result<R> {
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
            self.with_connection(move |conn| {
                if in_transaction {
                    diesel::Connection::transaction::<_, Error, _>(conn, |conn| {
                        run_statements(conn, statements)
                    })
                } else {
                    run_statements(conn, statements)
                }
            })?
        };
        self.state.after(keeps_session);
        decode(outputs)
    }
}

/// Each statement's output; a failure gets its errno before anything else (a
/// rollback) runs on the connection.
pub(super) fn run_statements(
    conn: &mut MysqlConnection,
    statements: Vec<Statement>,
) -> Result<Vec<Output>> {
    statements
        .into_iter()
        .map(|s| run_one(conn, s).with_errno(conn))
        .collect()
}

fn run_one(conn: &mut MysqlConnection, statement: Statement) -> Result<Output> {
    Ok(match statement {
        Statement::Execute(q) => Output::Affected(q.execute(conn)?),
        Statement::Load(q) => Output::Rows(q.load(conn)?),
        Statement::Batch(sql) | Statement::Session(sql) => {
            if !sql.is_empty() {
                conn.batch_execute(&sql)?;
            }
            Output::Affected(0)
        }
        Statement::Raw(sql) => Output::Rows(raw(conn, &sql)?),
    })
}

fn raw(conn: &mut MysqlConnection, sql: &str) -> Result<Vec<JsonRow>> {
    match diesel::sql_query(sql).load(conn) {
        // Diesel reads the result metadata before executing, so a statement that
        // returns no rows (DDL, INSERT, SET) has not run yet: run it as such.
        Err(diesel::result::Error::DeserializationError(e))
            if e.to_string() == "No metadata exists" =>
        {
            diesel::sql_query(sql).execute(conn)?;
            Ok(Vec::new())
        }
        other => Ok(other?),
    }
}
