//! `ORDER BY <distance> APPROXIMATE`: ordering through a vector index.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression};
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::QueryResult;

/// Distance expressions that a vector index can order by.
///
/// Implemented by `l2_distance`, `l2_squared`, `cosine_distance` and
/// `negative_inner_product`; deliberately not by `inner_product`, which seekdb always
/// evaluates with an exact scan.
pub trait AnnOrdering {}

/// `<distance> APPROXIMATE`, used as an `ORDER BY` item followed by `.limit(k)`.
///
/// seekdb requires a `LIMIT` (at most 16384 with the offset) and a single `ORDER BY`
/// item when searching an index. Diesel's clause types cannot express that, so it is
/// checked on the rendered query: wrap it with
/// [`checked_approximate()`](super::ApproximateQueryDsl::checked_approximate) (or call
/// [`check_approximate`](super::check_approximate)) to get a `Validation` error naming
/// the mistake instead of the server's bare 1064 / 1235.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId, diesel::expression::ValidGrouping)]
pub struct Approximate<E> {
    expr: E,
}

impl<E: AnnOrdering> Approximate<E> {
    pub(crate) fn new(expr: E) -> Self {
        Approximate { expr }
    }
}

impl<E: Expression> Expression for Approximate<E> {
    type SqlType = E::SqlType;
}

impl<E: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for Approximate<E> {}

impl<E: SelectableExpression<QS>, QS> SelectableExpression<QS> for Approximate<E> {}

impl<E, DB> QueryFragment<DB> for Approximate<E>
where
    DB: Backend,
    E: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.expr.walk_ast(out.reborrow())?;
        out.push_sql(" APPROXIMATE");
        Ok(())
    }
}
