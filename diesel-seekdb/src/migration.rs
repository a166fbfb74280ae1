//! Migrations written with the DDL builders, run by Diesel's migration harness next to
//! the SQL migrations of `embed_migrations!`.
//!
//! A [`SchemaMigration`] is a named list of up and down steps; every step is a DDL
//! builder ([`CreateTable`](crate::ddl::CreateTable), [`AlterTable`](crate::ddl::AlterTable),
//! [`DropTable`](crate::ddl::DropTable), [`DropIndex`](crate::ddl::DropIndex),
//! [`CreateIndex`]) or [`RawSql`]. Each step is rendered, and so checked against
//! seekdb's rules, when it is added: [`SchemaMigrationBuilder::build`] returns the first
//! builder error instead of a migration that would fail half-way on the server.
//! [`MigrationSet`] merges such migrations with any other [`MigrationSource`] (embedded
//! SQL migrations) into one source ordered by version, so
//! `conn.run_pending_migrations(set)` and `conn.revert_last_migration(set)` from
//! `diesel_migrations::MigrationHarness` drive both kinds.
//!
//! seekdb, like MySQL, commits every DDL statement on its own, so a migration can't be
//! rolled back as a unit. Rust-built migrations therefore report
//! `run_in_transaction() == false`: a transaction around them would promise an
//! atomicity the server does not give.
//!
//! # Migrations that fail half-way
//!
//! When a step fails, the steps before it stay applied and the version is not
//! recorded. Builder migrations are therefore *re-runnable* by default: `CREATE TABLE`
//! is sent as `CREATE TABLE IF NOT EXISTS`, `DROP TABLE` as `DROP TABLE IF EXISTS`, and
//! the statements seekdb 1.4 has no working `IF [NOT] EXISTS` for (`CREATE VECTOR
//! INDEX`, `DROP INDEX`, `ALTER TABLE ADD/DROP COLUMN`) are skipped when
//! `information_schema` shows them applied. Fix the cause and run the migrations
//! again: the applied steps are passed over and the rest run.
//! [`SchemaMigrationBuilder::rerunnable`]`(false)` sends every statement as written.
//!
//! SQL migrations (`up.sql` run by diesel) get no such help. Write them re-runnable
//! where seekdb allows (`CREATE TABLE IF NOT EXISTS`, `DROP TABLE IF EXISTS`,
//! `CREATE INDEX IF NOT EXISTS`, `CREATE FULLTEXT INDEX IF NOT EXISTS`), keep one
//! statement that has no such form (a vector index, `ALTER TABLE`) per migration, or
//! recover by hand: read the failed step from the error ([`StepError`] for builder
//! migrations; diesel names the migration for SQL ones), undo the statements before it
//! (or finish the rest and record the version:
//! `INSERT INTO __diesel_schema_migrations (version) VALUES ('<version>')`), then run
//! the migrations again.
//!
//! ```
//! use diesel_seekdb::ddl::{ColumnType, Column, DropIndex, AlterTable, VectorIndex, Distance};
//! use diesel_seekdb::migration::{CreateIndex, SchemaMigration};
//!
//! let m = SchemaMigration::builder("2026-11-25-000010_items_summary_index")
//!     .up(AlterTable::new("items").add_column(Column::new("summary", ColumnType::Vector(8))))
//!     .up(CreateIndex::vector("items", VectorIndex::new("items_summary_idx", "summary")
//!         .distance(Distance::Cosine)))
//!     .down(DropIndex::new("items_summary_idx", "items"))
//!     .down(AlterTable::new("items").drop_column("summary"))
//!     .build()?;
//! assert_eq!(m.version(), "20261125000010");
//! assert_eq!(
//!     m.up_sql()[1],
//!     "CREATE VECTOR INDEX `items_summary_idx` ON `items` (`summary`) \
//!      WITH (distance=cosine, type=hnsw, lib=vsag)"
//! );
//!
//! // An index seekdb would refuse is refused here, before anything runs.
//! let err = SchemaMigration::builder("2026-11-25-000011_bad_index")
//!     .up(CreateIndex::vector("items", VectorIndex::new("bad", "embedding").m(16).ef_construction(8)))
//!     .build()
//!     .unwrap_err();
//! assert!(matches!(err, diesel_seekdb::Error::Validation { ref parameter, .. } if parameter == "ef_construction"));
//! # Ok::<(), diesel_seekdb::Error>(())
//! ```

use std::fmt;
use std::sync::Arc;

use diesel::connection::BoxableConnection;
use diesel::migration::{
    Migration, MigrationMetadata, MigrationName, MigrationSource, MigrationVersion,
};
use diesel::mysql::Mysql;

use crate::{Error, Result};

mod rerun;
mod step;

pub use step::{CreateIndex, MigrationStep, RawSql};

/// Longest version diesel's `__diesel_schema_migrations.version` column holds.
const MAX_VERSION_LEN: usize = 50;

/// Which half of a migration a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Applying (`up`).
    Up,
    /// Reverting (`down`).
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}

/// The name and version of a migration: `2026-11-25-000005_add_index` has version
/// `20261125000005`, derived the way diesel derives it for migration directories.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Label {
    name: String,
    version: String,
}

impl Label {
    fn parse(name: &str) -> Result<Self> {
        let reject = |reason: String| Err(Error::validation("name", reason));
        let Some((prefix, description)) = name.split_once('_') else {
            return reject(format!(
                "{name:?} is not `<version>_<description>` (e.g. `2026-11-25-000005_add_index`)"
            ));
        };
        if description.trim().is_empty() {
            return reject(format!("{name:?} has no description after the version"));
        }
        let version: String = prefix.chars().filter(|&c| c != '-').collect();
        if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) {
            return reject(format!(
                "the version part {prefix:?} of {name:?} must be digits, optionally separated by `-`"
            ));
        }
        if version.len() > MAX_VERSION_LEN {
            return reject(format!(
                "the version {version} is {} digits long; diesel stores at most {MAX_VERSION_LEN}",
                version.len()
            ));
        }
        Ok(Label {
            name: name.to_owned(),
            version,
        })
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl MigrationName for Label {
    fn version(&self) -> MigrationVersion<'_> {
        MigrationVersion::from(self.version.as_str())
    }
}

/// DDL commits implicitly on seekdb, so no migration of ours claims a transaction.
struct NoTransaction;

impl MigrationMetadata for NoTransaction {
    fn run_in_transaction(&self) -> bool {
        false
    }
}

/// A migration built from DDL builders; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaMigration {
    label: Label,
    up: Vec<String>,
    down: Vec<String>,
    /// Per step: a query saying the step is already applied (a re-run skips it).
    up_checks: Vec<Option<String>>,
    down_checks: Vec<Option<String>>,
}

impl SchemaMigration {
    /// Starts a migration named `<version>_<description>`, e.g.
    /// `2026-11-25-000005_add_index`. Use the same version shape as the SQL migrations
    /// it runs with: versions are ordered as strings.
    pub fn builder(name: impl Into<String>) -> SchemaMigrationBuilder {
        SchemaMigrationBuilder {
            name: name.into(),
            up: Vec::new(),
            down: Vec::new(),
            first_error: None,
            rerunnable: true,
        }
    }

    /// The full name (`2026-11-25-000005_add_index`).
    pub fn name(&self) -> &str {
        &self.label.name
    }

    /// The version diesel records (`20261125000005`).
    pub fn version(&self) -> &str {
        &self.label.version
    }

    /// The statements `run` executes, in order.
    pub fn up_sql(&self) -> &[String] {
        &self.up
    }

    /// The statements `revert` executes, in order (empty: the migration can't be
    /// reverted).
    pub fn down_sql(&self) -> &[String] {
        &self.down
    }

    fn execute(
        &self,
        conn: &mut dyn BoxableConnection<Mysql>,
        direction: Direction,
    ) -> diesel::migration::Result<()> {
        let (steps, checks) = match direction {
            Direction::Up => (&self.up, &self.up_checks),
            Direction::Down => (&self.down, &self.down_checks),
        };
        if steps.is_empty() {
            return Err(Box::new(Error::NotSupported {
                feature: format!("reverting migration `{}`", self.label.name),
                reason: "it declares no down steps".into(),
            }));
        }
        for (step, sql) in steps.iter().enumerate() {
            let check = checks.get(step).and_then(Option::as_deref);
            match check.and_then(|check| rerun::already_applied(conn, check)) {
                Some(Ok(true)) => continue,
                Some(Ok(false)) | None => {}
                Some(Err(source)) => {
                    return Err(Box::new(StepError {
                        migration: self.label.name.clone(),
                        direction,
                        step,
                        sql: check.unwrap_or_default().to_string(),
                        source,
                    }))
                }
            }
            conn.batch_execute(sql).map_err(|e| {
                // No transaction wraps the step, so the failure's errno is still there.
                let source = match conn.as_any_mut().downcast_mut::<diesel::MysqlConnection>() {
                    Some(mysql) => Error::from_diesel(e, mysql),
                    None => Error::from(e),
                };
                StepError {
                    migration: self.label.name.clone(),
                    direction,
                    step,
                    sql: sql.clone(),
                    source,
                }
            })?;
        }
        Ok(())
    }
}

impl Migration<Mysql> for SchemaMigration {
    fn run(&self, conn: &mut dyn BoxableConnection<Mysql>) -> diesel::migration::Result<()> {
        self.execute(conn, Direction::Up)
    }

    fn revert(&self, conn: &mut dyn BoxableConnection<Mysql>) -> diesel::migration::Result<()> {
        self.execute(conn, Direction::Down)
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        &NoTransaction
    }

    fn name(&self) -> &dyn MigrationName {
        &self.label
    }
}

/// A migration shared by every `migrations()` call of a [`MigrationSet`].
struct Shared(Arc<SchemaMigration>);

impl Migration<Mysql> for Shared {
    fn run(&self, conn: &mut dyn BoxableConnection<Mysql>) -> diesel::migration::Result<()> {
        self.0.run(conn)
    }

    fn revert(&self, conn: &mut dyn BoxableConnection<Mysql>) -> diesel::migration::Result<()> {
        self.0.revert(conn)
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        &NoTransaction
    }

    fn name(&self) -> &dyn MigrationName {
        &self.0.label
    }
}

/// Collects the steps of a [`SchemaMigration`]; see [`SchemaMigration::builder`].
#[derive(Debug)]
#[must_use = "call build() to get the migration or the first builder error"]
pub struct SchemaMigrationBuilder {
    name: String,
    up: Vec<RenderedStep>,
    down: Vec<RenderedStep>,
    first_error: Option<Error>,
    rerunnable: bool,
}

/// A step's statement as written, its re-run form and its already-applied check.
#[derive(Debug)]
struct RenderedStep {
    plain: String,
    rerun: String,
    check: Option<String>,
}

impl SchemaMigrationBuilder {
    /// Appends a step to run when applying.
    pub fn up(self, step: impl MigrationStep) -> Self {
        self.push(Direction::Up, &step)
    }

    /// Appends a step to run when reverting (steps run in the order given).
    pub fn down(self, step: impl MigrationStep) -> Self {
        self.push(Direction::Down, &step)
    }

    fn push(mut self, direction: Direction, step: &dyn MigrationStep) -> Self {
        if self.first_error.is_some() {
            return self;
        }
        let steps = match direction {
            Direction::Up => &mut self.up,
            Direction::Down => &mut self.down,
        };
        let rendered = step.to_step_sql().and_then(|plain| {
            Ok(RenderedStep {
                plain,
                rerun: step.to_rerunnable_sql()?,
                check: step.applied_check(),
            })
        });
        match rendered {
            Ok(r) => steps.push(r),
            Err(e) => {
                let at = format!(
                    "{direction} step {} of migration {:?}",
                    steps.len(),
                    self.name
                );
                self.first_error = Some(with_context(e, &at));
            }
        }
        self
    }

    /// The migration, or the first error: a step a builder refused (its parameter is
    /// kept), a malformed name, or no up step.
    pub fn build(self) -> Result<SchemaMigration> {
        if let Some(e) = self.first_error {
            return Err(e);
        }
        let label = Label::parse(&self.name)?;
        if self.up.is_empty() {
            return Err(Error::validation(
                "up",
                format!("migration {:?} has no up step", self.name),
            ));
        }
        let rerunnable = self.rerunnable;
        let split = |steps: Vec<RenderedStep>| -> (Vec<String>, Vec<Option<String>>) {
            steps
                .into_iter()
                .map(|s| match rerunnable {
                    true => (s.rerun, s.check),
                    false => (s.plain, None),
                })
                .unzip()
        };
        let (up, up_checks) = split(self.up);
        let (down, down_checks) = split(self.down);
        Ok(SchemaMigration {
            label,
            up,
            down,
            up_checks,
            down_checks,
        })
    }

    /// Whether a re-run after a half-way failure passes over the steps already
    /// applied (default `true`; see [the module docs](crate::migration#migrations-that-fail-half-way)):
    /// `IF NOT EXISTS` / `IF EXISTS` where seekdb accepts them, else a check of
    /// `information_schema` before the step. `false` sends each statement as written.
    pub fn rerunnable(mut self, rerunnable: bool) -> Self {
        self.rerunnable = rerunnable;
        self
    }
}

/// Says where a builder error came from without renaming its parameter.
fn with_context(e: Error, at: &str) -> Error {
    match e {
        Error::Validation { parameter, reason } => Error::Validation {
            parameter,
            reason: format!("{reason} ({at})"),
        },
        other => other,
    }
}

/// A step of a Rust-built migration failed on the server. Steps before it stay applied
/// (DDL commits implicitly); the migration's version is not recorded.
#[derive(Debug)]
pub struct StepError {
    migration: String,
    direction: Direction,
    step: usize,
    sql: String,
    source: Error,
}

impl StepError {
    /// The migration's name.
    pub fn migration(&self) -> &str {
        &self.migration
    }

    /// Whether it was applying or reverting.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The 0-based index of the failed step (the steps before it were applied).
    pub fn step(&self) -> usize {
        self.step
    }

    /// The statement that failed.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The server's error.
    pub fn error(&self) -> &Error {
        &self.source
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "migration `{}` failed at {} step {} (`{}`): {}",
            self.migration, self.direction, self.step, self.sql, self.source
        )
    }
}

impl std::error::Error for StepError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// SQL migrations and [`SchemaMigration`]s as one [`MigrationSource`], in version order.
///
/// `migrations()` fails when two migrations share a version (diesel would otherwise
/// silently run only one of them).
///
/// ```
/// use diesel::migration::MigrationSource;
/// use diesel::mysql::Mysql;
/// use diesel_seekdb::ddl::DropTable;
/// use diesel_seekdb::migration::{MigrationSet, RawSql, SchemaMigration};
///
/// let later = SchemaMigration::builder("2026-11-25-000020_b")
///     .up(RawSql::new("CREATE TABLE b (id INT PRIMARY KEY)"))
///     .down(DropTable::new("b"))
///     .build()?;
/// let earlier = SchemaMigration::builder("2026-11-25-000019_a")
///     .up(RawSql::new("CREATE TABLE a (id INT PRIMARY KEY)"))
///     .build()?;
/// let set = MigrationSet::new().migration(later).migration(earlier);
/// let names: Vec<String> = MigrationSource::<Mysql>::migrations(&set)
///     .unwrap()
///     .iter()
///     .map(|m| m.name().to_string())
///     .collect();
/// assert_eq!(names, ["2026-11-25-000019_a", "2026-11-25-000020_b"]);
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct MigrationSet {
    sources: Vec<Arc<dyn MigrationSource<Mysql> + Send + Sync>>,
    migrations: Vec<Arc<SchemaMigration>>,
}

impl fmt::Debug for MigrationSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MigrationSet")
            .field("sources", &self.sources.len())
            .field("migrations", &self.migrations)
            .finish()
    }
}

impl MigrationSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every migration of `source`, e.g. `embed_migrations!("migrations")`.
    pub fn source(mut self, source: impl MigrationSource<Mysql> + Send + Sync + 'static) -> Self {
        self.sources.push(Arc::new(source));
        self
    }

    /// Adds a Rust-built migration.
    pub fn migration(mut self, migration: SchemaMigration) -> Self {
        self.migrations.push(Arc::new(migration));
        self
    }

    fn collect(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<Mysql>>>> {
        let mut all: Vec<Box<dyn Migration<Mysql>>> = Vec::new();
        for source in &self.sources {
            all.extend(source.migrations()?);
        }
        all.extend(
            self.migrations
                .iter()
                .map(|m| Box::new(Shared(Arc::clone(m))) as Box<dyn Migration<Mysql>>),
        );
        all.sort_by(|a, b| a.name().version().cmp(&b.name().version()));
        if let Some(pair) = all
            .windows(2)
            .find(|w| w[0].name().version() == w[1].name().version())
        {
            return Err(Box::new(Error::validation(
                "migrations",
                format!(
                    "`{}` and `{}` have the same version {}",
                    pair[0].name(),
                    pair[1].name(),
                    pair[0].name().version()
                ),
            )));
        }
        Ok(all)
    }
}

impl MigrationSource<Mysql> for MigrationSet {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<Mysql>>>> {
        self.collect()
    }
}

impl MigrationSource<Mysql> for &MigrationSet {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<Mysql>>>> {
        self.collect()
    }
}

#[cfg(test)]
#[path = "migration_tests.rs"]
mod tests;
