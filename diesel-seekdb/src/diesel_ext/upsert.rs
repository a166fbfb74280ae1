//! `VALUES(col)`: the value a row proposed for `col` in `INSERT ... ON DUPLICATE KEY
//! UPDATE`, MySQL's counterpart of Diesel's Postgres/SQLite-only `excluded(col)`.

use diesel::expression::{is_aggregate, AppearsOnTable, Expression, ValidGrouping};
use diesel::mysql::Mysql;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::query_source::Column;
use diesel::QueryResult;

/// `VALUES(col)`, built by [`values`] (or its alias [`excluded`]).
///
/// Typed as the column, so it fits anywhere the column does in a changeset:
/// `col.eq(values(col))`, `hits.eq(hits + values(hits))`.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
pub struct InsertedValue<C> {
    column: C,
}

/// The value the inserted row proposed for `column`, for
/// `.on_conflict(diesel::dsl::DuplicatedKeys).do_update().set(..)`.
///
/// seekdb (like MySQL) renders it `VALUES(`col`)`; it works for scalar, JSON and
/// VECTOR columns.
///
/// ```
/// # use diesel::prelude::*;
/// # use diesel_seekdb::prelude::*;
/// use diesel_seekdb::diesel_ext::values;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Vector;
///     items (id) { id -> Integer, hits -> Integer, embedding -> Vector }
/// }
/// let query = diesel::insert_into(items::table)
///     .values((items::id.eq(1), items::hits.eq(1), items::embedding.eq(Vector::from(vec![1.0]))))
///     .on_conflict(diesel::dsl::DuplicatedKeys)
///     .do_update()
///     .set((
///         items::embedding.eq(values(items::embedding)),
///         items::hits.eq(items::hits + values(items::hits)),
///     ));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.contains(
///     "ON DUPLICATE KEY UPDATE `embedding` = VALUES(`embedding`), \
///      `hits` = (`items`.`hits` + VALUES(`hits`))"
/// ), "{sql}");
/// ```
pub fn values<C: Column>(column: C) -> InsertedValue<C> {
    InsertedValue { column }
}

/// The name Diesel uses for Postgres and SQLite; the same as [`values`], so upsert code
/// reads the same on every backend.
pub fn excluded<C: Column>(column: C) -> InsertedValue<C> {
    values(column)
}

impl<C: Column + Expression> Expression for InsertedValue<C> {
    type SqlType = C::SqlType;
}

impl<C, QS> AppearsOnTable<QS> for InsertedValue<C> where C: Column + AppearsOnTable<QS> {}

impl<C, GB> ValidGrouping<GB> for InsertedValue<C> {
    type IsAggregate = is_aggregate::Never;
}

impl<C: Column> QueryFragment<Mysql> for InsertedValue<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        let _ = &self.column;
        out.push_sql("VALUES(");
        out.push_identifier(C::NAME)?;
        out.push_sql(")");
        Ok(())
    }
}
