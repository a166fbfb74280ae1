//! Runs an [`Op`] on a caller's own `&mut MysqlConnection`, for the typed API's helpers
//! ([`crate::diesel_ext::bulk_load`], [`crate::diesel_ext::insert_rows`]): the same plans
//! the clients run, without a client (no cache, no pool, no busy retry).

use std::sync::Arc;

use diesel::MysqlConnection;

use super::exec_sync::run_statements;
use super::meta::describe_table;
use super::ops;
use super::plan::{Op, Plan};
use crate::error::{Error, Result};

/// Executes `op` on `conn`.
pub(crate) fn exec_on<R>(conn: &mut MysqlConnection, op: Result<Op<'_, R>>) -> Result<R> {
    let mut op = op?;
    loop {
        op = match op {
            Op::Ready(r) => return Ok(r),
            Op::Run(plan) => return run_plan_on(conn, plan),
            Op::Table(table, then) => then(Arc::new(describe_table(conn, &table)?))?,
            Op::Limits(then) => then(run_plan_on(conn, ops::read_limits())?)?,
            Op::RetryBusy(mut attempt) => return run_plan_on(conn, attempt()?),
            Op::Server(then) => then(Arc::new(run_plan_on(
                conn,
                super::ops_server::read_server(),
            )?))?,
            Op::Chain(plan) => run_plan_on(conn, plan)?,
        }
    }
}

fn run_plan_on<R>(conn: &mut MysqlConnection, plan: Plan<'_, R>) -> Result<R> {
    let in_transaction = plan.in_transaction();
    let Plan {
        statements, decode, ..
    } = plan;
    let outputs = if in_transaction {
        diesel::Connection::transaction::<_, Error, _>(conn, |conn| {
            run_statements(conn, statements)
        })?
    } else {
        run_statements(conn, statements)?
    };
    decode(outputs)
}
