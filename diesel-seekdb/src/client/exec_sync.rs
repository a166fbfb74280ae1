//! The blocking client's executor: runs [`Op`]s on a Diesel `MysqlConnection`. All it
//! knows is how to send statements; what to send is in [`super::ops`].

use diesel::connection::LoadConnection;
use diesel::deserialize::QueryableByName;
use diesel::mysql::Mysql;
use diesel::{MysqlConnection, RunQueryDsl};

use super::meta::TableInfo;
use super::obvec::ObVecClient;
use super::ops;
use super::ops_meta::Next;
use super::plan::{Attempt, ClientState, Op, Output, Plan, Statement};
use super::query::DynQuery;
use crate::errno::SeekdbResultExt;
use crate::error::{Error, Result};
use crate::row::JsonRow;
use crate::upkeep::{IndexBusyRetry, Retryable};

impl ObVecClient {
    /// Executes `op`: reads the metadata it needs (cached), then runs its plan.
    pub(super) fn exec<'a, R: 'a>(&self, op: Result<Op<'a, R>>) -> Result<R> {
        let mut op = op?;
        loop {
            op = match self.state.next(op)? {
                Next::Done(r) => return Ok(r),
                Next::Run(plan) => return self.run_plan(plan),
                Next::Step(plan) => self.run_plan(plan)?,
                Next::RetryBusy(attempt, what) => return self.retry_busy(attempt, what),
            }
        }
    }

    /// Loads `query`'s rows as `T` (typed searches).
    pub(super) fn load_as<T>(&self, query: DynQuery) -> Result<Vec<T>>
    where
        T: QueryableByName<Mysql> + 'static,
    {
        self.with_connection(|conn| query.load::<T>(conn).with_errno(conn))
    }

    fn retry_busy<'a, R: 'a>(&self, mut attempt: Attempt<'a, R>, what: Retryable) -> Result<R> {
        self.state
            .busy()
            .run_blocking(what, |n| self.exec(attempt(n)))
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

/// Runs `op` on a bare connection: no cache kept, no busy-index retries.
pub(crate) fn exec_on<'a, C, R: 'a>(conn: &mut C, op: Result<Op<'a, R>>) -> Result<R>
where
    C: LoadConnection<Backend = Mysql>,
{
    exec_on_with(conn, op, IndexBusyRetry::NONE, |_, e| e)
}

/// Runs `op` on a bare `MysqlConnection` (the typed-DSL calls of [`crate::upkeep`] and
/// [`crate::server`]): each failure with its errno, a busy index retried as `retry`
/// says.
pub(crate) fn exec_on_mysql<'a, R: 'a>(
    conn: &mut MysqlConnection,
    op: Result<Op<'a, R>>,
    retry: IndexBusyRetry,
) -> Result<R> {
    exec_on_with(conn, op, retry, crate::errno::fill)
}

/// What a failed statement's error becomes, asked on the connection it failed on.
type Errno<C> = fn(&mut C, Error) -> Error;

fn exec_on_with<'a, C, R: 'a>(
    conn: &mut C,
    op: Result<Op<'a, R>>,
    retry: IndexBusyRetry,
    errno: Errno<C>,
) -> Result<R>
where
    C: LoadConnection<Backend = Mysql>,
{
    let state = ClientState::default();
    let mut op = op?;
    loop {
        let plan = match state.next(op)? {
            Next::Done(r) => return Ok(r),
            Next::Run(plan) => return run_plan_on(conn, plan, errno),
            Next::Step(plan) => plan,
            Next::RetryBusy(mut attempt, what) => {
                return retry.run_blocking(what, |n| exec_on_with(conn, attempt(n), retry, errno))
            }
        };
        op = run_plan_on(conn, plan, errno)?;
    }
}

fn run_plan_on<C, R>(conn: &mut C, plan: Plan<'_, R>, errno: Errno<C>) -> Result<R>
where
    C: LoadConnection<Backend = Mysql>,
{
    let in_transaction = plan.in_transaction();
    let Plan {
        statements, decode, ..
    } = plan;
    let run = |conn: &mut C| -> Result<Vec<Output>> {
        statements
            .into_iter()
            .map(|s| run_one(conn, s).map_err(|e| errno(conn, e)))
            .collect()
    };
    let outputs = if in_transaction {
        conn.transaction::<_, Error, _>(run)?
    } else {
        run(conn)?
    };
    decode(outputs)
}

/// Whether `table` exists in the connection's current database.
pub fn table_exists<C>(conn: &mut C, table: &str) -> Result<bool>
where
    C: LoadConnection<Backend = Mysql>,
{
    exec_on(conn, ops::table_exists(table))
}

/// Reads a table's description; [`Error::CollectionNotFound`] when it does not exist.
pub fn describe_table<C>(conn: &mut C, table: &str) -> Result<TableInfo>
where
    C: LoadConnection<Backend = Mysql>,
{
    exec_on(conn, ops::describe_table(table))
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

fn run_one<C>(conn: &mut C, statement: Statement) -> Result<Output>
where
    C: LoadConnection<Backend = Mysql>,
{
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

fn raw<C>(conn: &mut C, sql: &str) -> Result<Vec<JsonRow>>
where
    C: LoadConnection<Backend = Mysql>,
{
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
