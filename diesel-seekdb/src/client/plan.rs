//! A client operation as data: the statements to send, whether they are one
//! transaction, what cached metadata must be read first and which is forgotten, and
//! how the rows become the result. Built by plain functions in [`super::ops`] without
//! I/O; the blocking and the async client only execute plans, so they cannot drift.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::meta::TableInfo;
use super::query::DynQuery;
use super::statements::StatementLimits;
use crate::ddl::{validate_ident, IdentKind};
use crate::diesel_ext::SessionSettings;
use crate::error::Result;
use crate::row::JsonRow;
use crate::upkeep::{IndexBusyRetry, Retryable};

/// One statement of a plan.
pub(crate) enum Statement {
    /// Runs; its output is the affected-row count.
    Execute(DynQuery),
    /// Trusted SQL text without binds (DDL), sent as a batch.
    Batch(String),
    /// Rows as JSON.
    Load(DynQuery),
    /// Any SQL from the user: rows if it returns some, else run as a statement.
    Raw(String),
    /// A session `SET`: sent on the client's own connection; a pool applies the
    /// client's settings at checkout instead.
    Session(String),
}

/// What one statement gave.
pub(crate) enum Output {
    /// Affected rows (0 for batches and session settings).
    Affected(usize),
    /// Loaded rows.
    Rows(Vec<JsonRow>),
}

/// Turns the outputs, in statement order, into the operation's result.
pub(crate) type Decode<'a, R> = Box<dyn FnOnce(Vec<Output>) -> Result<R> + Send + 'a>;

/// The next step once a value the executor holds (table metadata, limits) is known.
pub(crate) type Then<'a, T, R> = Box<dyn FnOnce(T) -> Result<Op<'a, R>> + Send + 'a>;

/// An operation built again for each attempt of a retried operation, given the
/// attempt's number (0 first: a retry may check what the failed attempt left).
pub(crate) type Attempt<'a, R> = Box<dyn FnMut(u32) -> Result<Op<'a, R>> + Send + 'a>;

/// Statements to run on one connection, and how to read their outputs.
pub(crate) struct Plan<'a, R> {
    pub(crate) statements: Vec<Statement>,
    /// Several statements run in one transaction (all or nothing).
    pub(crate) atomic: bool,
    /// DDL: the table whose cached description is forgotten before it runs.
    pub(crate) forgets: Option<String>,
    /// Settings the client keeps once the plan succeeded.
    pub(crate) keeps_session: Option<SessionSettings>,
    pub(crate) decode: Decode<'a, R>,
}

impl<'a, R> Plan<'a, R> {
    /// `statements` decoded by `decode`, not atomic, forgetting nothing.
    pub(crate) fn new(
        statements: Vec<Statement>,
        decode: impl FnOnce(Vec<Output>) -> Result<R> + Send + 'a,
    ) -> Self {
        Plan {
            statements,
            atomic: false,
            forgets: None,
            keeps_session: None,
            decode: Box::new(decode),
        }
    }

    /// All statements or none.
    pub(crate) fn atomic(mut self) -> Self {
        self.atomic = true;
        self
    }

    /// Cached metadata of `table` is forgotten first.
    pub(crate) fn forgets(mut self, table: &str) -> Self {
        self.forgets = Some(table.to_string());
        self
    }

    /// The same statements, their result passed through `f`.
    pub(crate) fn map<S>(self, f: impl FnOnce(R) -> Result<S> + Send + 'a) -> Plan<'a, S>
    where
        R: 'a,
    {
        let decode = self.decode;
        Plan {
            statements: self.statements,
            atomic: self.atomic,
            forgets: self.forgets,
            keeps_session: self.keeps_session,
            decode: Box::new(move |out| f(decode(out)?)),
        }
    }

    /// Whether the executor wraps the statements in a transaction.
    pub(crate) fn in_transaction(&self) -> bool {
        self.atomic && self.statements.len() > 1
    }
}

/// A client operation: a plan, or a step towards one.
pub(crate) enum Op<'a, R> {
    /// Known without the server.
    Ready(R),
    /// Run these statements.
    Run(Plan<'a, R>),
    /// Run these statements; their result is the next step.
    Step(Plan<'a, Op<'a, R>>),
    /// Needs the (cached) description of a table first.
    Table(String, Then<'a, Arc<TableInfo>, R>),
    /// Needs the server's statement limits first (read once per client).
    Limits(Then<'a, StatementLimits, R>),
    /// A table's description was read: keep it, then go on.
    KeepTable(String, TableInfo, Then<'a, Arc<TableInfo>, R>),
    /// The statement limits were read: keep them, then go on.
    KeepLimits(StatementLimits, Then<'a, StatementLimits, R>),
    /// Run, and again while it fails with an error the [`Retryable`] names (the vector
    /// index or the table is busy), as the client's [`IndexBusyRetry`] says.
    RetryBusy(Attempt<'a, R>, Retryable),
    /// Needs to know the server (read once per client).
    Server(Then<'a, Arc<crate::server::ServerInfo>, R>),
    /// The server was read: keep what it is, then go on.
    KeepServer(
        crate::server::ServerInfo,
        Then<'a, Arc<crate::server::ServerInfo>, R>,
    ),
}

impl<'a, R: 'a> Op<'a, R> {
    /// Runs `plan`.
    pub(crate) fn run(plan: Plan<'a, R>) -> Result<Self> {
        Ok(Op::Run(plan))
    }

    /// `then` with `table`'s description.
    pub(crate) fn with_table(
        table: &str,
        then: impl FnOnce(Arc<TableInfo>) -> Result<Op<'a, R>> + Send + 'a,
    ) -> Result<Self> {
        Ok(Op::Table(table.to_string(), Box::new(then)))
    }

    /// `then` with the statement limits.
    pub(crate) fn with_limits(
        then: impl FnOnce(StatementLimits) -> Result<Op<'a, R>> + Send + 'a,
    ) -> Result<Self> {
        Ok(Op::Limits(Box::new(then)))
    }
}

/// The outputs' affected rows, summed.
pub(crate) fn affected(outputs: Vec<Output>) -> Result<usize> {
    Ok(outputs
        .into_iter()
        .map(|o| match o {
            Output::Affected(n) => n,
            Output::Rows(_) => 0,
        })
        .sum())
}

/// The outputs' rows, in order.
pub(crate) fn rows(outputs: Vec<Output>) -> Vec<JsonRow> {
    outputs
        .into_iter()
        .flat_map(|o| match o {
            Output::Rows(rows) => rows,
            Output::Affected(_) => Vec::new(),
        })
        .collect()
}

/// What both clients keep between calls: table descriptions, session settings,
/// statement limits and the busy-index retry policy.
#[derive(Default)]
pub(crate) struct ClientState {
    tables: Mutex<HashMap<String, Arc<TableInfo>>>,
    session: Mutex<SessionSettings>,
    limits: OnceLock<StatementLimits>,
    busy: Mutex<IndexBusyRetry>,
    server: OnceLock<Arc<crate::server::ServerInfo>>,
    strict_index_use: std::sync::atomic::AtomicBool,
}

/// A poisoned lock still guards whole values: a panic cannot leave one half-written.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ClientState {
    /// The cached description of `table`, after checking the name (a name that is
    /// refused is never sent to the server).
    pub(crate) fn cached_table(&self, table: &str) -> Result<Option<Arc<TableInfo>>> {
        validate_ident("table_name", table, IdentKind::Table)?;
        Ok(lock(&self.tables).get(&table.to_ascii_lowercase()).cloned())
    }

    /// Keeps `info` as `table`'s description (names are case-insensitive).
    pub(crate) fn remember_table(&self, table: &str, info: TableInfo) -> Arc<TableInfo> {
        let info = Arc::new(info);
        lock(&self.tables).insert(table.to_ascii_lowercase(), info.clone());
        info
    }

    pub(crate) fn forget_table(&self, table: &str) {
        lock(&self.tables).remove(&table.to_ascii_lowercase());
    }

    pub(crate) fn forget_tables(&self) {
        lock(&self.tables).clear();
    }

    pub(crate) fn session(&self) -> SessionSettings {
        *lock(&self.session)
    }

    pub(crate) fn keep_session(&self, settings: SessionSettings) {
        *lock(&self.session) = settings;
    }

    pub(crate) fn limits(&self) -> Option<StatementLimits> {
        self.limits.get().copied()
    }

    pub(crate) fn keep_limits(&self, limits: StatementLimits) -> StatementLimits {
        *self.limits.get_or_init(|| limits)
    }

    pub(crate) fn server(&self) -> Option<Arc<crate::server::ServerInfo>> {
        self.server.get().cloned()
    }

    pub(crate) fn keep_server(
        &self,
        info: crate::server::ServerInfo,
    ) -> Arc<crate::server::ServerInfo> {
        self.server.get_or_init(|| Arc::new(info)).clone()
    }

    pub(crate) fn busy(&self) -> IndexBusyRetry {
        *lock(&self.busy)
    }

    pub(crate) fn set_busy(&self, retry: IndexBusyRetry) {
        *lock(&self.busy) = retry;
    }

    /// Strict mode of the index-use guard: approximate searches that would scan every
    /// row are refused.
    pub(crate) fn strict(&self) -> bool {
        self.strict_index_use
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn set_strict(&self, strict: bool) {
        self.strict_index_use
            .store(strict, std::sync::atomic::Ordering::Relaxed);
    }

    /// Before a plan runs: DDL forgets its table's description.
    pub(crate) fn before<R>(&self, plan: &Plan<'_, R>) {
        if let Some(table) = &plan.forgets {
            self.forget_table(table);
        }
    }

    /// After a plan succeeded: settings it set are kept.
    pub(crate) fn after(&self, keeps_session: Option<SessionSettings>) {
        if let Some(settings) = keeps_session {
            self.keep_session(settings);
        }
    }
}

impl<'a, R> Plan<'a, R> {
    /// The plan as a connection source runs it: session `SET`s go only to the client's
    /// own connection, since a pool applies the client's settings at checkout.
    pub(crate) fn for_source(mut self, own_connection: bool) -> Self {
        if !own_connection {
            self.statements
                .retain(|s| !matches!(s, Statement::Session(_)));
        }
        self
    }
}
