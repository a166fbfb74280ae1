//! `array_to_string(array_or_vector, delimiter [, null_text])` as a typed expression:
//! pyobvector's `array_to_string`, which seekdb also applies to `VECTOR` columns.

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::mysql::Mysql;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::is_nullable::{IsSqlTypeNullable, MaybeNullable};
use diesel::sql_types::{MaybeNullableType, Nullable, SqlType, Text};
use diesel::QueryResult;

use crate::sql_types::{Array, Vector};

mod sealed {
    pub trait Sealed {}
}

/// SQL types `array_to_string` accepts: `Array` and `Vector`, nullable or not.
pub trait ArrayToStringInput: SqlType + sealed::Sealed {}
impl sealed::Sealed for Array {}
impl sealed::Sealed for Nullable<Array> {}
impl sealed::Sealed for Vector {}
impl sealed::Sealed for Nullable<Vector> {}
impl ArrayToStringInput for Array {}
impl ArrayToStringInput for Nullable<Array> {}
impl ArrayToStringInput for Vector {}
impl ArrayToStringInput for Nullable<Vector> {}

/// `array_to_string(expr, delimiter [, null_text])`: the elements joined by
/// `delimiter` (`Text`, NULL for a NULL array).
///
/// Without `null_text` seekdb skips NULL elements; with it they are written as
/// `null_text`.
///
/// ```
/// # use diesel::prelude::*;
/// use diesel_seekdb::diesel_ext::array_to_string;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::{Array, Vector};
///     posts (id) { id -> Integer, tags -> Nullable<Array>, embedding -> Vector }
/// }
/// let query = posts::table.select((
///     array_to_string(posts::tags, ",").null_text("?"),
///     array_to_string(posts::embedding, " "),
/// ));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with(
///     "SELECT array_to_string(`posts`.`tags`, ?, ?), array_to_string(`posts`.`embedding`, ?)"
/// ), "{sql}");
/// ```
#[derive(Debug, Clone)]
pub struct ArrayToString<A> {
    array: A,
    delimiter: String,
    null_text: Option<String>,
}

/// Builds [`ArrayToString`] for an `Array` or `Vector` expression.
pub fn array_to_string<A>(array: A, delimiter: impl Into<String>) -> ArrayToString<A>
where
    A: Expression,
    A::SqlType: ArrayToStringInput,
{
    ArrayToString {
        array,
        delimiter: delimiter.into(),
        null_text: None,
    }
}

impl<A> ArrayToString<A> {
    /// Writes NULL elements as `text` instead of skipping them.
    pub fn null_text(mut self, text: impl Into<String>) -> Self {
        self.null_text = Some(text.into());
        self
    }
}

impl<A> Expression for ArrayToString<A>
where
    A: Expression,
    A::SqlType: ArrayToStringInput,
    IsSqlTypeNullable<A::SqlType>: MaybeNullableType<Text>,
{
    type SqlType = MaybeNullable<IsSqlTypeNullable<A::SqlType>, Text>;
}

impl<A, QS> AppearsOnTable<QS> for ArrayToString<A>
where
    A: AppearsOnTable<QS>,
    Self: Expression,
{
}

impl<A, QS> SelectableExpression<QS> for ArrayToString<A>
where
    A: SelectableExpression<QS>,
    Self: AppearsOnTable<QS>,
{
}

impl<A, GB> ValidGrouping<GB> for ArrayToString<A>
where
    A: ValidGrouping<GB>,
{
    type IsAggregate = A::IsAggregate;
}

// The placeholder count depends on `null_text`, so the statement is not cached by type.
impl<A> QueryId for ArrayToString<A> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<A> QueryFragment<Mysql> for ArrayToString<A>
where
    A: QueryFragment<Mysql>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_sql("array_to_string(");
        self.array.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.delimiter)?;
        if let Some(text) = &self.null_text {
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(text)?;
        }
        out.push_sql(")");
        Ok(())
    }
}
