//! The bulk loader's steps (see [`super::bulk_load`] for why they are what they are):
//! a state machine that hands the executor one plan at a time and decides the next from
//! its result, so the blocking client, the async client and the typed API drive the same
//! steps.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::bulk_encode::{
    push_literal, push_tsv_line, vector_index_defs, RowEncoder, VectorIndexDef,
};
use super::bulk_job_statements::{count, describe, insert_head, load_data_sql};
use super::bulk_load::{
    BulkLoadOptions, BulkLoadPhase, BulkLoadProgress, BulkLoadReport, LoadMethod,
};
use super::meta::TableInfo;
use super::plan::{Op, Plan, Statement};
use crate::ddl::quote_ident;
use crate::error::{Error, Result};

/// What one step of the job gave back.
pub(crate) enum StepOut {
    Described {
        info: Arc<TableInfo>,
        create_sql: String,
        existing: u64,
        timeouts: (i64, i64),
    },
    Count(u64),
    Done,
}

/// The next thing the executor does for the job.
pub(crate) enum Next {
    Run(Op<'static, StepOut>),
    Finished(Result<BulkLoadReport>),
}

enum Stage {
    Start,
    Describing,
    Preparing,
    Loading,
    Counting,
    Indexing,
    Swapping,
    Dropping,
    CleaningUp,
    Finished,
}

type RowIter<'a> = Box<dyn Iterator<Item = Result<Value>> + Send + 'a>;

/// One bulk load as a sequence of plans; both clients drive it (`run_sync`/`run_async`).
pub(crate) struct BulkJob<'a> {
    table: String,
    staging: String,
    old: String,
    opts: BulkLoadOptions<'a>,
    rows: RowIter<'a>,
    method: LoadMethod,
    stage: Stage,
    info: Option<Arc<TableInfo>>,
    indexes: Vec<VectorIndexDef>,
    encoder: Option<RowEncoder>,
    timeouts: (i64, i64),
    existing: u64,
    loaded: u64,
    /// Rows of the chunk in flight: `rows[first..first + n]`.
    chunk: (u64, u64),
    file: Option<PathBuf>,
    started: Instant,
    load_time: Duration,
    index_started: Option<Instant>,
    index_time: Duration,
    failure: Option<Error>,
}

impl<'a> BulkJob<'a> {
    pub(crate) fn new(
        table: &str,
        rows: impl Iterator<Item = Result<Value>> + Send + 'a,
        opts: BulkLoadOptions<'a>,
        method: LoadMethod,
    ) -> Result<Self> {
        crate::ddl::validate_ident("table_name", table, crate::ddl::IdentKind::Table)?;
        let tag = format!(
            "{:08x}",
            (std::process::id() as u64 ^ nanos()) & 0xffff_ffff
        );
        // Identifiers are at most 64 characters: shorten the table's part if needed.
        let base: String = table.chars().take(64 - 14).collect();
        Ok(BulkJob {
            table: table.to_string(),
            staging: format!("{base}__bl_{tag}"),
            old: format!("{base}__bo_{tag}"),
            opts,
            rows: Box::new(rows),
            method,
            stage: Stage::Start,
            info: None,
            indexes: Vec::new(),
            encoder: None,
            timeouts: (10_000_000, 86_400_000_000),
            existing: 0,
            loaded: 0,
            chunk: (0, 0),
            file: None,
            started: Instant::now(),
            load_time: Duration::ZERO,
            index_started: None,
            index_time: Duration::ZERO,
            failure: None,
        })
    }

    /// Takes the previous step's result and says what to do next.
    pub(crate) fn next(&mut self, last: Option<Result<StepOut>>) -> Next {
        self.remove_file();
        match self.stage {
            Stage::CleaningUp | Stage::Finished => {
                self.stage = Stage::Finished;
                let failure = self
                    .failure
                    .take()
                    .unwrap_or_else(|| Error::decode("bulk load", "failed without an error"));
                Next::Finished(Err(failure))
            }
            Stage::Dropping => {
                // The swap succeeded: the load is done whatever the drop of the old copy did.
                self.stage = Stage::Finished;
                let mut report = self.report_value();
                if matches!(last, Some(Err(_))) {
                    report.leftover_table = Some(self.old.clone());
                }
                self.report(BulkLoadPhase::Done);
                Next::Finished(Ok(report))
            }
            _ => match self.advance(last) {
                Ok(next) => next,
                Err(e) => self.fail(e),
            },
        }
    }

    fn advance(&mut self, last: Option<Result<StepOut>>) -> Result<Next> {
        let out = match last {
            Some(Err(e)) => return Err(self.context(e)),
            Some(Ok(out)) => Some(out),
            None => None,
        };
        match (&self.stage, out) {
            (Stage::Start, _) => {
                self.stage = Stage::Describing;
                Ok(Next::Run(describe(&self.table)?))
            }
            (
                Stage::Describing,
                Some(StepOut::Described {
                    info,
                    create_sql,
                    existing,
                    timeouts,
                }),
            ) => {
                self.indexes = vector_index_defs(&create_sql);
                let declared = info
                    .indexes
                    .iter()
                    .filter(|i| i.index_type.eq_ignore_ascii_case("vector"))
                    .count();
                if declared != self.indexes.len() {
                    return Err(Error::NotSupported {
                        feature: format!("bulk load into `{}`", self.table),
                        reason: format!(
                            "the table has {declared} vector indexes but {} could be read from SHOW CREATE TABLE",
                            self.indexes.len()
                        ),
                    });
                }
                self.info = Some(info);
                self.existing = existing;
                self.timeouts = timeouts;
                self.stage = Stage::Preparing;
                Ok(Next::Run(self.prepare()))
            }
            (Stage::Preparing, Some(_)) | (Stage::Loading, Some(_)) => {
                if matches!(self.stage, Stage::Loading) {
                    self.loaded += self.chunk.1;
                    self.report(BulkLoadPhase::Loading);
                }
                self.stage = Stage::Loading;
                match self.load_chunk()? {
                    Some(op) => Ok(Next::Run(op)),
                    None => {
                        self.load_time = self.started.elapsed();
                        self.stage = Stage::Counting;
                        Ok(Next::Run(count(&self.staging)?))
                    }
                }
            }
            (Stage::Counting, Some(StepOut::Count(n))) => {
                let expected = self.existing + self.loaded;
                if n > expected {
                    return Err(Error::validation(
                        "table_name",
                        format!(
                            "`{}` gained rows while it was being copied (another writer); \
                             nothing was changed",
                            self.table
                        ),
                    ));
                }
                if n < expected {
                    return Err(Error::validation(
                        "rows",
                        format!(
                            "{} of the {} rows were not loaded: their primary or unique keys \
                             already exist in `{}` (LOAD DATA skips such rows); nothing was changed",
                            expected - n,
                            self.loaded,
                            self.table
                        ),
                    ));
                }
                self.stage = Stage::Indexing;
                self.report(BulkLoadPhase::Indexing);
                self.index_started = Some(Instant::now());
                Ok(Next::Run(self.build_indexes()))
            }
            (Stage::Indexing, Some(_)) => {
                self.index_time = self.index_started.map(|t| t.elapsed()).unwrap_or_default();
                self.stage = Stage::Swapping;
                let sql = format!(
                    "RENAME TABLE {} TO {}, {} TO {}",
                    quote_ident(&self.table),
                    quote_ident(&self.old),
                    quote_ident(&self.staging),
                    quote_ident(&self.table)
                );
                Ok(Next::Run(Op::run(
                    Plan::new(vec![Statement::Batch(sql)], |_| Ok(StepOut::Done))
                        .forgets(&self.table),
                )?))
            }
            (Stage::Swapping, Some(_)) => {
                self.stage = Stage::Dropping;
                let sql = format!("DROP TABLE IF EXISTS {}", quote_ident(&self.old));
                Ok(Next::Run(Op::run(Plan::new(
                    vec![Statement::Batch(sql)],
                    |_| Ok(StepOut::Done),
                ))?))
            }
            _ => Err(Error::decode("bulk load", "a step answered out of order")),
        }
    }

    /// A step failed: drop the staging table (the target is untouched), then report.
    fn fail(&mut self, e: Error) -> Next {
        if matches!(self.stage, Stage::Start | Stage::Describing) {
            // Nothing was created yet.
            self.stage = Stage::Finished;
            return Next::Finished(Err(e));
        }
        self.failure = Some(e);
        self.stage = Stage::CleaningUp;
        let statements = vec![
            Statement::Batch(self.restore_sql()),
            Statement::Batch(format!(
                "DROP TABLE IF EXISTS {}",
                quote_ident(&self.staging)
            )),
        ];
        Next::Run(Op::Run(Plan::new(statements, |_| Ok(StepOut::Done))))
    }

    fn context(&self, e: Error) -> Error {
        let during = match self.stage {
            Stage::Loading => format!(
                "bulk load into `{}`, rows[{}..{}]",
                self.table,
                self.chunk.0,
                self.chunk.0 + self.chunk.1
            ),
            Stage::Preparing => format!("bulk load into `{}`, copying its rows", self.table),
            Stage::Indexing => format!("bulk load into `{}`, building its index", self.table),
            _ => format!("bulk load into `{}`", self.table),
        };
        match e {
            Error::Database {
                code,
                message,
                kind,
            } => Error::Database {
                code,
                message: format!("{message} ({during}; the table is unchanged)"),
                kind,
            },
            other => other,
        }
    }

    fn timeout_sql(&self) -> String {
        let us = self.opts.timeout.as_micros().clamp(1, i64::MAX as u128);
        format!("SET SESSION ob_query_timeout = {us}, ob_trx_timeout = {us}")
    }

    fn restore_sql(&self) -> String {
        format!(
            "SET SESSION ob_query_timeout = {}, ob_trx_timeout = {}",
            self.timeouts.0, self.timeouts.1
        )
    }

    /// Staging table like the target, without its vector indexes, with its rows.
    fn prepare(&self) -> Op<'static, StepOut> {
        let staging = quote_ident(&self.staging);
        let mut statements = vec![Statement::Batch(format!(
            "CREATE TABLE {staging} LIKE {}",
            quote_ident(&self.table)
        ))];
        for index in &self.indexes {
            statements.push(Statement::Batch(format!(
                "DROP INDEX {} ON {staging}",
                quote_ident(&index.name)
            )));
        }
        if self.existing > 0 {
            statements.push(Statement::Batch(self.timeout_sql()));
            statements.push(Statement::Batch(format!(
                "INSERT /*+ enable_parallel_dml parallel({}) */ INTO {staging} SELECT * FROM {}",
                self.opts.parallel,
                quote_ident(&self.table)
            )));
            statements.push(Statement::Batch(self.restore_sql()));
        }
        Op::Run(Plan::new(statements, |_| Ok(StepOut::Done)))
    }

    /// The next chunk's statements, or `None` when every row is loaded.
    fn load_chunk(&mut self) -> Result<Option<Op<'static, StepOut>>> {
        let first = self.loaded;
        let mut n = 0u64;
        let mut tsv: Vec<u8> = Vec::new();
        let mut inserts: Vec<String> = Vec::new();
        let mut insert = String::new();
        let max_insert = self.opts.chunk_bytes.min(8 * 1024 * 1024);
        let info = self
            .info
            .clone()
            .ok_or_else(|| Error::decode("bulk load", "no table description"))?;
        for row in self.rows.by_ref() {
            let index = first + n;
            let parameter = format!("rows[{index}]");
            let row = row?;
            if self.encoder.is_none() {
                let encoder = RowEncoder::new(&info, &row, &parameter)?;
                // seekdb 1.4's LOAD DATA fails to parse a doubled backtick in a quoted
                // name (1064 "Parse error"): such tables go by INSERT instead.
                if self.staging.contains('`')
                    || encoder.columns().iter().any(|c| c.name.contains('`'))
                {
                    self.method = LoadMethod::MultiRowInsert;
                }
                self.encoder = Some(encoder);
            }
            let encoder = self
                .encoder
                .as_mut()
                .ok_or_else(|| Error::decode("bulk load", "no row encoder"))?;
            let values = encoder.convert(&row, &parameter)?;
            match self.method {
                LoadMethod::DirectLoad => push_tsv_line(&mut tsv, &values),
                LoadMethod::MultiRowInsert => {
                    if insert.is_empty() {
                        insert = insert_head(&self.staging, encoder);
                    } else {
                        insert.push_str(", ");
                    }
                    insert.push('(');
                    for (i, v) in values.iter().enumerate() {
                        if i > 0 {
                            insert.push(',');
                        }
                        push_literal(&mut insert, v);
                    }
                    insert.push(')');
                    if insert.len() >= max_insert {
                        inserts.push(std::mem::take(&mut insert));
                    }
                }
            }
            n += 1;
            let bytes = tsv.len() + inserts.len() * max_insert + insert.len();
            if bytes >= self.opts.chunk_bytes {
                break;
            }
        }
        if !insert.is_empty() {
            inserts.push(insert);
        }
        if n == 0 {
            return Ok(None);
        }
        self.chunk = (first, n);
        let mut statements = vec![Statement::Batch(self.timeout_sql())];
        match self.method {
            LoadMethod::DirectLoad => {
                let path = self.write_file(&tsv)?;
                // Removed after the step, or when the job is dropped.
                self.file = Some(path.clone());
                let encoder = self
                    .encoder
                    .as_ref()
                    .ok_or_else(|| Error::decode("bulk load", "no row encoder"))?;
                statements.push(Statement::Batch(load_data_sql(
                    &path,
                    &self.staging,
                    encoder,
                )?));
            }
            LoadMethod::MultiRowInsert => {
                statements.extend(inserts.into_iter().map(Statement::Batch));
            }
        }
        statements.push(Statement::Batch(self.restore_sql()));
        Ok(Some(Op::Run(Plan::new(statements, |_| Ok(StepOut::Done)))))
    }

    fn write_file(&self, bytes: &[u8]) -> Result<PathBuf> {
        let dir = self
            .opts
            .temp_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir);
        // The table's name may hold quotes, slashes or backslashes, which the file name
        // (sent inside a quoted `LOCAL INFILE` path) must not: the staging name's tag
        // keeps it unique.
        let safe: String = self
            .staging
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let path = dir.join(format!("{safe}-{}.tsv", self.chunk.0));
        std::fs::write(&path, bytes).map_err(|e| {
            Error::validation(
                "temp_dir",
                format!("cannot write the load file {}: {e}", path.display()),
            )
        })?;
        Ok(path)
    }

    fn remove_file(&mut self) {
        if let Some(path) = self.file.take() {
            let _ = std::fs::remove_file(path);
        }
    }

    fn build_indexes(&self) -> Op<'static, StepOut> {
        let statements = self
            .indexes
            .iter()
            .map(|i| {
                Statement::Batch(format!(
                    "CREATE /*+ parallel({}) */ VECTOR INDEX {} ON {} {} WITH {}",
                    self.opts.parallel,
                    quote_ident(&i.name),
                    quote_ident(&self.staging),
                    i.columns,
                    i.with
                ))
            })
            .collect();
        Op::Run(Plan::new(statements, |_| Ok(StepOut::Done)))
    }

    fn report_value(&self) -> BulkLoadReport {
        BulkLoadReport {
            rows_loaded: self.loaded,
            rows_total: self.existing + self.loaded,
            method: self.method,
            load_time: self.load_time,
            index_time: self.index_time,
            total_time: self.started.elapsed(),
            rows_per_sec: rate(self.loaded, self.load_time),
            indexes_built: self.indexes.iter().map(|i| i.name.clone()).collect(),
            leftover_table: None,
        }
    }

    fn report(&mut self, phase: BulkLoadPhase) {
        let elapsed = self.started.elapsed();
        let load = if matches!(phase, BulkLoadPhase::Loading) {
            elapsed
        } else {
            self.load_time
        };
        let progress = BulkLoadProgress {
            phase,
            rows_loaded: self.loaded,
            elapsed,
            rows_per_sec: rate(self.loaded, load),
        };
        if let Some(f) = self.opts.progress.as_mut() {
            f(&progress);
        }
    }
}

impl Drop for BulkJob<'_> {
    fn drop(&mut self) {
        self.remove_file();
    }
}

fn rate(rows: u64, time: Duration) -> f64 {
    let secs = time.as_secs_f64();
    if secs > 0.0 {
        rows as f64 / secs
    } else {
        0.0
    }
}

fn nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}
