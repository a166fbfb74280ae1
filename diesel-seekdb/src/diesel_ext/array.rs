//! seekdb `ARRAY(t)` columns in Diesel: `ToSql`/`FromSql` for
//! [`SqlArray`](super::SqlArray) and `Vec<T>`, and the array functions
//! (`array_contains`, `array_contains_all`, `array_overlaps`, `array_length`,
//! `cardinality`) as typed Diesel expressions.
//!
//! The element type is not part of the Diesel SQL type [`Array`](crate::sql_types::Array)
//! (seekdb's `information_schema` carries it, `diesel print-schema` drops it), so it is
//! chosen on the Rust side: `SqlArray<i64>`, `Vec<String>`, ... for any
//! [`ArrayElement`](super::ArrayElement). The text codec is in `array_codec`.

use std::io::Write as _;

use diesel::deserialize::{self, FromSql};
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::mysql::{Mysql, MysqlValue};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::is_nullable::{IsSqlTypeNullable, MaybeNullable};
use diesel::sql_types::{BigInt, Bool, MaybeNullableType, Nullable, SqlType};
use diesel::QueryResult;

use crate::array::SqlArray;
use crate::array_codec::sealed::Bind;
use crate::array_codec::{decode_array, encode_array, ArrayElement};
use crate::sql_types::Array;

mod sealed {
    pub trait ArraySql {}
}

/// Binds one element with the SQL type its Rust type stands for.
fn bind_element<'b, T: ArrayElement>(
    value: &'b T,
    out: &mut AstPass<'_, 'b, Mysql>,
) -> QueryResult<()> {
    use diesel::sql_types::{Double, Float, Integer, SmallInt, Text};
    match value.bind_value() {
        Bind::Null => {
            out.push_sql("NULL");
            Ok(())
        }
        Bind::SmallInt(v) => out.push_bind_param::<SmallInt, i16>(v),
        Bind::Integer(v) => out.push_bind_param::<Integer, i32>(v),
        Bind::BigInt(v) => out.push_bind_param::<BigInt, i64>(v),
        Bind::Float(v) => out.push_bind_param::<Float, f32>(v),
        Bind::Double(v) => out.push_bind_param::<Double, f64>(v),
        Bind::Bool(v) => out.push_bind_param::<Bool, bool>(v),
        Bind::Text(v) => out.push_bind_param::<Text, String>(v),
    }
}

fn write_array<T: ArrayElement>(
    values: &[T],
    out: &mut Output<'_, '_, Mysql>,
) -> serialize::Result {
    let text = encode_array(values)?;
    out.write_all(text.as_bytes())?;
    Ok(IsNull::No)
}

impl<T: ArrayElement + std::fmt::Debug> ToSql<Array, Mysql> for SqlArray<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_array(&self.0, out)
    }
}

impl<T: ArrayElement + std::fmt::Debug> ToSql<Array, Mysql> for Vec<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_array(self, out)
    }
}

impl<T: ArrayElement + std::fmt::Debug> ToSql<Array, Mysql> for [T] {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_array(self, out)
    }
}

impl<T: ArrayElement> FromSql<Array, Mysql> for SqlArray<T> {
    // Reported as a string or a blob depending on the client library; same text.
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(SqlArray(decode_array(value.as_bytes())?))
    }
}

impl<T: ArrayElement> FromSql<Array, Mysql> for Vec<T> {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(decode_array(value.as_bytes())?)
    }
}

/// SQL types the array functions accept: `Array` and `Nullable<Array>`.
pub trait ArraySqlType: SqlType + sealed::ArraySql {}
impl sealed::ArraySql for Array {}
impl sealed::ArraySql for Nullable<Array> {}
impl ArraySqlType for Array {}
impl ArraySqlType for Nullable<Array> {}

/// `array_contains(array, ?)`: whether the array holds the value.
#[derive(Debug, Clone)]
pub struct ArrayContains<A, T> {
    array: A,
    value: T,
}

/// `array_contains_all(array, [?, ...])` or `array_overlaps(array, [?, ...])`.
///
/// seekdb wants the list as an array literal of placeholders (a JSON string argument
/// fails with 5083) and has no empty literal `[]`, so an empty list is rendered as a
/// condition with the same meaning: `array_contains_all(a, [])` is true and
/// `array_overlaps(a, [])` is false for every non-NULL array (both NULL for NULL).
#[derive(Debug, Clone)]
pub struct ArrayListPredicate<A, T> {
    array: A,
    values: Vec<T>,
    kind: ListKind,
}

#[derive(Debug, Clone, Copy)]
enum ListKind {
    ContainsAll,
    Overlaps,
}

/// `cardinality(array)` or `array_length(array)`: the number of elements (`BigInt`).
#[derive(Debug, Clone, Copy)]
pub struct ArrayLength<A> {
    array: A,
    function: &'static str,
}

macro_rules! array_expression {
    ($name:ident < $($param:ident),* >, $ret:ty) => {
        impl<$($param),*> Expression for $name<$($param),*>
        where
            A: Expression,
            A::SqlType: ArraySqlType,
            IsSqlTypeNullable<A::SqlType>: MaybeNullableType<$ret>,
        {
            type SqlType = MaybeNullable<IsSqlTypeNullable<A::SqlType>, $ret>;
        }

        impl<$($param,)* QS> AppearsOnTable<QS> for $name<$($param),*>
        where
            A: AppearsOnTable<QS>,
            Self: Expression,
        {
        }

        impl<$($param,)* QS> SelectableExpression<QS> for $name<$($param),*>
        where
            A: SelectableExpression<QS>,
            Self: AppearsOnTable<QS>,
        {
        }

        impl<$($param,)* GB> ValidGrouping<GB> for $name<$($param),*>
        where
            A: ValidGrouping<GB>,
        {
            // Bound values never change whether the expression aggregates.
            type IsAggregate = A::IsAggregate;
        }

        // The SQL text depends on the values (number of placeholders, NULL elements),
        // so the statement is not cached by type.
        impl<$($param),*> QueryId for $name<$($param),*> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
    };
}

array_expression!(ArrayContains<A, T>, Bool);
array_expression!(ArrayListPredicate<A, T>, Bool);
array_expression!(ArrayLength<A>, BigInt);

impl<A, T> QueryFragment<Mysql> for ArrayContains<A, T>
where
    A: QueryFragment<Mysql>,
    T: ArrayElement,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_sql("array_contains(");
        self.array.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        bind_element(&self.value, &mut out)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<A, T> QueryFragment<Mysql> for ArrayListPredicate<A, T>
where
    A: QueryFragment<Mysql>,
    T: ArrayElement,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        if self.values.is_empty() {
            // Same truth value as the function would give, NULL for a NULL array.
            out.push_sql("(cardinality(");
            self.array.walk_ast(out.reborrow())?;
            out.push_sql(match self.kind {
                ListKind::ContainsAll => ") >= 0)",
                ListKind::Overlaps => ") < 0)",
            });
            return Ok(());
        }
        out.push_sql(match self.kind {
            ListKind::ContainsAll => "array_contains_all(",
            ListKind::Overlaps => "array_overlaps(",
        });
        self.array.walk_ast(out.reborrow())?;
        out.push_sql(", [");
        for (i, value) in self.values.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            bind_element(value, &mut out)?;
        }
        out.push_sql("])");
        Ok(())
    }
}

impl<A> QueryFragment<Mysql> for ArrayLength<A>
where
    A: QueryFragment<Mysql>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_sql(self.function);
        out.push_sql("(");
        self.array.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

/// Array functions on expressions of type `Array` / `Nullable<Array>`.
///
/// The predicates return `Bool` (`Nullable<Bool>` for a nullable column) and can be
/// used directly in `.filter(..)`; the lengths return `BigInt`. Values are bound as
/// parameters with the SQL type of their Rust type (`i64` as `BIGINT`, `String` as
/// text, ...).
///
/// ```
/// use diesel::prelude::*;
/// use diesel_seekdb::prelude::*;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Array;
///     posts (id) { id -> Integer, tags -> Nullable<Array> }
/// }
/// let query = posts::table
///     .select((posts::id, posts::tags.cardinality()))
///     .filter(posts::tags.array_contains("rust".to_string()))
///     .filter(posts::tags.array_overlaps(vec!["db".to_string(), "sql".to_string()]));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with(
///     "SELECT `posts`.`id`, cardinality(`posts`.`tags`) FROM `posts` \
///      WHERE (array_contains(`posts`.`tags`, ?) AND array_overlaps(`posts`.`tags`, [?, ?]))"
/// ), "{sql}");
///
/// // An empty list keeps its meaning without producing invalid SQL.
/// let none = posts::table.filter(posts::tags.array_overlaps(Vec::<String>::new())).select(posts::id);
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&none).to_string();
/// assert!(sql.contains("WHERE (cardinality(`posts`.`tags`) < 0)"), "{sql}");
/// ```
pub trait ArrayExpressionMethods: Expression + Sized
where
    Self::SqlType: ArraySqlType,
{
    /// `array_contains(self, value)`: the array holds `value`.
    fn array_contains<T: ArrayElement>(self, value: T) -> ArrayContains<Self, T> {
        ArrayContains { array: self, value }
    }

    /// `array_contains_all(self, [values...])`: the array holds every value
    /// (true for an empty list).
    fn array_contains_all<I, T>(self, values: I) -> ArrayListPredicate<Self, T>
    where
        I: IntoIterator<Item = T>,
        T: ArrayElement,
    {
        ArrayListPredicate {
            array: self,
            values: values.into_iter().collect(),
            kind: ListKind::ContainsAll,
        }
    }

    /// `array_overlaps(self, [values...])`: the array holds at least one of the values
    /// (false for an empty list).
    fn array_overlaps<I, T>(self, values: I) -> ArrayListPredicate<Self, T>
    where
        I: IntoIterator<Item = T>,
        T: ArrayElement,
    {
        ArrayListPredicate {
            array: self,
            values: values.into_iter().collect(),
            kind: ListKind::Overlaps,
        }
    }

    /// Milvus's `array_contains_any`: seekdb has no such function (1305), so this is
    /// [`array_overlaps`](Self::array_overlaps).
    fn array_contains_any<I, T>(self, values: I) -> ArrayListPredicate<Self, T>
    where
        I: IntoIterator<Item = T>,
        T: ArrayElement,
    {
        self.array_overlaps(values)
    }

    /// `array_length(self)`: the number of elements.
    fn array_length(self) -> ArrayLength<Self> {
        ArrayLength {
            array: self,
            function: "array_length",
        }
    }

    /// `cardinality(self)`: the number of elements.
    fn cardinality(self) -> ArrayLength<Self> {
        ArrayLength {
            array: self,
            function: "cardinality",
        }
    }
}

impl<E> ArrayExpressionMethods for E
where
    E: Expression,
    E::SqlType: ArraySqlType,
{
}
