//! `SELECT /*+ INDEX(t idx) */ ...`: an optimizer hint in the typed query builder.
//!
//! Diesel has no hints. A hint must follow `SELECT` directly, and the select clause is
//! the first thing Diesel writes after it, so the hint travels with the selection:
//! `.select(index_hint(items::table, "idx_page", (items::id, items::title)))`.
//!
//! Why it matters (seekdb 1.4, N=20k, 10% of rows matching): with a secondary index
//! on the filter column but no hint, the optimizer scans the table (94 q/s); with the
//! hint it finds the rows through the index (175 q/s), and 1,659 q/s at 1%. At broad
//! filters (50%) the hint costs more than it saves: give it for selective filters.

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::mysql::{Mysql, MysqlQueryBuilder};
use diesel::query_builder::{AstPass, QueryBuilder, QueryFragment, QueryId};
use diesel::query_source::QuerySource;
use diesel::QueryResult;

use crate::ddl::{quote_ident, validate_ident, IdentKind};

/// Index names in a hint: letters, digits, `_` and `$` only. The hint is a comment,
/// and quoting cannot keep a `*/` inside a name from ending it.
fn check_hint_name(index: &str) -> crate::Result<()> {
    validate_ident("index_hint", index, IdentKind::Index)?;
    if !index
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        return Err(crate::Error::validation(
            "index_hint",
            format!("{index:?}: an index named in a hint may hold letters, digits, _ and $ only"),
        ));
    }
    Ok(())
}

/// A selection preceded by `/*+ INDEX(table index) */`; see [`index_hint`].
#[derive(Debug, Clone)]
pub struct IndexHint<T, S> {
    table: T,
    index: String,
    selection: S,
}

/// Puts `/*+ INDEX(table index) */` in front of `selection`, to be used as the whole
/// argument of `.select(...)` (put it after `DISTINCT` and seekdb reads it as a
/// comment). The index name is checked when the query is rendered: an invalid name is
/// a query-builder error, never SQL. seekdb ignores a hint naming an index the table
/// does not have, so check the name against the table (EXPLAIN shows `t(idx)`).
///
/// ```
/// use diesel::prelude::*;
/// use diesel_seekdb::prelude::*;
/// use diesel_seekdb::diesel_ext::index_hint;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Vector;
///     items (id) { id -> BigInt, page -> Integer, embedding -> Vector, }
/// }
/// let q = Vector::from(vec![0.0_f32, 0.0, 1.0]);
/// let query = items::table
///     .select(index_hint(items::table, "idx_page", items::id))
///     .filter(items::page.eq(3))
///     .order(items::embedding.l2_distance(&q).approximate())
///     .limit(10);
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with(
///     "SELECT /*+ INDEX(`items` `idx_page`) */ `items`.`id` FROM `items` WHERE (`items`.`page` = ?)"
/// ), "{sql}");
/// ```
pub fn index_hint<T, S>(table: T, index: &str, selection: S) -> IndexHint<T, S>
where
    T: QuerySource,
{
    IndexHint {
        table,
        index: index.to_string(),
        selection,
    }
}

impl<T, S: Expression> Expression for IndexHint<T, S> {
    type SqlType = S::SqlType;
}

impl<T, S: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for IndexHint<T, S> {}

impl<T, S: SelectableExpression<QS>, QS> SelectableExpression<QS> for IndexHint<T, S> {}

impl<T, S: ValidGrouping<G>, G> ValidGrouping<G> for IndexHint<T, S> {
    type IsAggregate = S::IsAggregate;
}

// The SQL depends on the index name, which the type does not carry: never cache the
// prepared statement by type alone.
impl<T, S> QueryId for IndexHint<T, S> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<T, S> QueryFragment<Mysql> for IndexHint<T, S>
where
    T: QuerySource,
    T::FromClause: QueryFragment<Mysql>,
    S: QueryFragment<Mysql>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        check_hint_name(&self.index)
            .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
        // The table as the FROM clause names it (`items`), which is what a hint refers to.
        let mut table = MysqlQueryBuilder::new();
        self.table.from_clause().to_sql(&mut table, &Mysql)?;
        out.push_sql("/*+ INDEX(");
        out.push_sql(&table.finish());
        out.push_sql(" ");
        out.push_sql(&quote_ident(&self.index));
        out.push_sql(") */ ");
        self.selection.walk_ast(out.reborrow())
    }
}
