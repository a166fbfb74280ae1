//! GIS: `ToSql`/`FromSql` for [`Point`](crate::Point) and pyobvector's spatial
//! functions (`st_distance`, `_st_dwithin`, `st_astext`, `ST_GeomFromText`) as typed
//! Diesel expressions.

use std::io::Write;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::expression::{AppearsOnTable, AsExpression, Expression, SelectableExpression};
use diesel::mysql::{Mysql, MysqlValue};
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::is_nullable::{IsOneNullable, IsSqlTypeNullable, MaybeNullable};
use diesel::sql_types::{
    Bool, Double, Integer, MaybeNullableType, Nullable, OneIsNullable, SqlType, Text, Unsigned,
};
use diesel::QueryResult;
use std::borrow::Borrow;

use crate::sql_types::Point as PointType;
use crate::Point;

/// A bound point: `ST_GeomFromWKB(?, ?)` with its WKB and SRID, so the server checks
/// the SRID (error 3548 names one it does not know) instead of failing to parse bytes.
#[derive(Debug, Clone, diesel::query_builder::QueryId)]
pub struct PointValue<ST> {
    point: Point,
    sql_type: std::marker::PhantomData<ST>,
}

impl<ST> PointValue<ST> {
    fn new(point: Point) -> Self {
        PointValue {
            point,
            sql_type: std::marker::PhantomData,
        }
    }
}

/// A point's WKB as a bound blob (the SRID goes separately).
#[derive(diesel::sql_types::SqlType)]
#[diesel(mysql_type(name = "Blob"))]
struct Wkb;

impl ToSql<Wkb, Mysql> for Point {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        out.write_all(&self.to_wkb())?;
        Ok(IsNull::No)
    }
}

/// `ST_GeomFromWKB(?, ?)` for `point`, after refusing NaN and infinity (no geometry
/// holds them) before anything is sent.
pub(crate) fn walk_point<'b>(point: &'b Point, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
    point
        .validate()
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    out.push_sql("ST_GeomFromWKB(");
    out.push_bind_param::<Wkb, Point>(point)?;
    out.push_sql(", ");
    out.push_bind_param::<Unsigned<Integer>, u32>(&point.srid)?;
    out.push_sql(")");
    Ok(())
}

impl<ST: SqlType + diesel::expression::TypedExpressionType> Expression for PointValue<ST> {
    type SqlType = ST;
}

// A bound value, like Diesel's own: never an aggregate, valid under any GROUP BY.
impl<ST, GB> diesel::expression::ValidGrouping<GB> for PointValue<ST> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<ST, QS> AppearsOnTable<QS> for PointValue<ST> where Self: Expression {}

impl<ST, QS> SelectableExpression<QS> for PointValue<ST> where Self: Expression {}

impl<ST> QueryFragment<Mysql> for PointValue<ST> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        walk_point(&self.point, out)
    }
}

macro_rules! point_as_expression {
    ($($value:ty),+) => {$(
        impl AsExpression<PointType> for $value {
            type Expression = PointValue<PointType>;
            fn as_expression(self) -> Self::Expression {
                PointValue::new(*self.borrow())
            }
        }
        impl AsExpression<Nullable<PointType>> for $value {
            type Expression = PointValue<Nullable<PointType>>;
            fn as_expression(self) -> Self::Expression {
                PointValue::new(*self.borrow())
            }
        }
    )+};
}

point_as_expression!(Point, &Point, &&Point);

// `Option<Point>` and `sql_query(..).bind::<Point, _>` go through Diesel's bound
// parameters: the stored form (SRID + WKB). seekdb answers 1416 for an SRID it lacks.
impl ToSql<Nullable<PointType>, Mysql> for Point {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        <Self as ToSql<PointType, Mysql>>::to_sql(self, out)
    }
}

impl ToSql<PointType, Mysql> for Point {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        out.write_all(&self.to_internal()?)?;
        Ok(IsNull::No)
    }
}

impl FromSql<PointType, Mysql> for Point {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(Point::from_bytes(value.as_bytes())?)
    }
}

/// One SQL function call node: `name(arg, arg, ...)`, typed by `$sql_type`.
macro_rules! call_node {
    ($(#[$meta:meta])* $name:ident<$($arg:ident),+>, $sql:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId, diesel::expression::ValidGrouping)]
        #[allow(non_snake_case)]
        pub struct $name<$($arg),+> {
            $($arg: $arg),+
        }

        impl<$($arg),+, QS> AppearsOnTable<QS> for $name<$($arg),+>
        where
            $($arg: AppearsOnTable<QS>,)+
            Self: Expression,
        {
        }

        impl<$($arg),+, QS> SelectableExpression<QS> for $name<$($arg),+>
        where
            $($arg: SelectableExpression<QS>,)+
            Self: AppearsOnTable<QS>,
        {
        }

        impl<$($arg),+, DB> QueryFragment<DB> for $name<$($arg),+>
        where
            DB: Backend,
            $($arg: QueryFragment<DB>,)+
        {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql(concat!($sql, "("));
                let mut first = true;
                $(
                    if !std::mem::take(&mut first) {
                        out.push_sql(", ");
                    }
                    self.$arg.walk_ast(out.reborrow())?;
                )+
                let _ = first;
                out.push_sql(")");
                Ok(())
            }
        }
    };
}

call_node!(
    /// `st_distance(a, b)`: the distance between two geometries (Cartesian in SRID 0).
    StDistance<L, R>, "st_distance"
);
call_node!(
    /// `_st_dwithin(a, b, d)`: whether the geometries are within distance `d`.
    StDWithin<L, R, D>, "_st_dwithin"
);
call_node!(
    /// `st_astext(g)`: well-known text, e.g. `POINT(1.5 2)`.
    StAsText<E>, "st_astext"
);
call_node!(
    /// `ST_GeomFromText(wkt, srid)`: a geometry from well-known text.
    StGeomFromText<T, S>, "ST_GeomFromText"
);

impl<L, R> Expression for StDistance<L, R>
where
    L: Expression,
    R: Expression,
    L::SqlType: SqlType,
    R::SqlType: SqlType,
    IsSqlTypeNullable<L::SqlType>: OneIsNullable<IsSqlTypeNullable<R::SqlType>>,
    IsOneNullable<L::SqlType, R::SqlType>: MaybeNullableType<Double>,
{
    type SqlType = MaybeNullable<IsOneNullable<L::SqlType, R::SqlType>, Double>;
}

impl<L, R, D> Expression for StDWithin<L, R, D>
where
    L: Expression,
    R: Expression,
    D: Expression,
    L::SqlType: SqlType,
    R::SqlType: SqlType,
    IsSqlTypeNullable<L::SqlType>: OneIsNullable<IsSqlTypeNullable<R::SqlType>>,
    IsOneNullable<L::SqlType, R::SqlType>: MaybeNullableType<Bool>,
{
    type SqlType = MaybeNullable<IsOneNullable<L::SqlType, R::SqlType>, Bool>;
}

impl<E> Expression for StAsText<E>
where
    E: Expression,
    E::SqlType: SqlType,
    IsSqlTypeNullable<E::SqlType>: MaybeNullableType<Text>,
{
    type SqlType = MaybeNullable<IsSqlTypeNullable<E::SqlType>, Text>;
}

impl<T: Expression, S: Expression> Expression for StGeomFromText<T, S> {
    type SqlType = PointType;
}

/// `CAST(g AS BINARY)`: the stored bytes (SRID + WKB) typed as a blob, which every
/// driver reads; the expression keeps `g`'s SQL type, so it loads into a `Point`.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId, diesel::expression::ValidGrouping)]
pub struct Readable<E> {
    expr: E,
}

impl<E: Expression> Expression for Readable<E> {
    type SqlType = E::SqlType;
}

impl<E: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for Readable<E> where Self: Expression {}

impl<E: SelectableExpression<QS>, QS> SelectableExpression<QS> for Readable<E> where
    Self: AppearsOnTable<QS>
{
}

impl<E: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Readable<E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("CAST(");
        self.expr.walk_ast(out.reborrow())?;
        out.push_sql(" AS BINARY)");
        Ok(())
    }
}

mod sealed {
    pub trait Sealed {}
}

/// SQL types the spatial functions accept: `Point` and `Nullable<Point>`.
pub trait PointSqlType: SqlType + sealed::Sealed {}
impl sealed::Sealed for PointType {}
impl sealed::Sealed for Nullable<PointType> {}
impl PointSqlType for PointType {}
impl PointSqlType for Nullable<PointType> {}

/// pyobvector's spatial functions on `Point` expressions (columns, bound
/// [`Point`](crate::Point)s, [`st_geomfromtext`]).
///
/// ```
/// # use diesel::prelude::*;
/// # use diesel_seekdb::prelude::*;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Point;
///     places (id) { id -> Integer, location -> Point }
/// }
/// let here = Point::new(0.0, 0.0);
/// let query = places::table
///     .select((places::id, places::location.readable()))
///     .filter(places::location.st_dwithin(here, 3.0))
///     .order(places::location.st_distance(here));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with(
///     "SELECT `places`.`id`, CAST(`places`.`location` AS BINARY) FROM `places` \
///      WHERE _st_dwithin(`places`.`location`, ST_GeomFromWKB(?, ?), ?) \
///      ORDER BY st_distance(`places`.`location`, ST_GeomFromWKB(?, ?))"
/// ), "{sql}");
/// ```
pub trait PointExpressionMethods: Expression + Sized
where
    Self::SqlType: PointSqlType,
{
    /// `st_distance(self, other)`.
    fn st_distance<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> StDistance<Self, T::Expression> {
        StDistance {
            L: self,
            R: other.as_expression(),
        }
    }

    /// `_st_dwithin(self, other, distance)`: within `distance` of `other`.
    fn st_dwithin<T: AsExpression<Self::SqlType>, D: AsExpression<Double>>(
        self,
        other: T,
        distance: D,
    ) -> StDWithin<Self, T::Expression, D::Expression> {
        StDWithin {
            L: self,
            R: other.as_expression(),
            D: distance.as_expression(),
        }
    }

    /// `st_astext(self)`: `POINT(x y)` text.
    fn st_astext(self) -> StAsText<Self> {
        StAsText { E: self }
    }

    /// `CAST(self AS BINARY)`: select a point this way to read it through
    /// diesel-async (whose driver cannot read a `GEOMETRY` result); it loads into a
    /// [`Point`](crate::Point) with its SRID, like the bare column does through the
    /// C client.
    fn readable(self) -> Readable<Self> {
        Readable { expr: self }
    }
}

impl<E> PointExpressionMethods for E
where
    E: Expression,
    E::SqlType: PointSqlType,
{
}

/// `st_distance(a, b)` as a free function (pyobvector's `st_distance`).
pub fn st_distance<A, B>(a: A, b: B) -> StDistance<A::Expression, B::Expression>
where
    A: AsExpression<PointType>,
    B: AsExpression<PointType>,
{
    StDistance {
        L: a.as_expression(),
        R: b.as_expression(),
    }
}

/// `_st_dwithin(a, b, d)` as a free function (pyobvector's `_st_dwithin`).
pub fn st_dwithin<A, B, D>(
    a: A,
    b: B,
    distance: D,
) -> StDWithin<A::Expression, B::Expression, D::Expression>
where
    A: AsExpression<PointType>,
    B: AsExpression<PointType>,
    D: AsExpression<Double>,
{
    StDWithin {
        L: a.as_expression(),
        R: b.as_expression(),
        D: distance.as_expression(),
    }
}

/// `st_astext(g)` as a free function (pyobvector's `st_astext`).
pub fn st_astext<G: AsExpression<PointType>>(geometry: G) -> StAsText<G::Expression> {
    StAsText {
        E: geometry.as_expression(),
    }
}

/// `ST_GeomFromText(wkt, srid)`: how pyobvector writes a point
/// (`ST_GeomFromText('POINT(x y)', srid)`). A bound [`Point`](crate::Point) needs no
/// such call; this is for text that is already well-known text.
///
/// ```
/// use diesel_seekdb::diesel_ext::{st_astext, st_geomfromtext};
/// let e = st_astext(st_geomfromtext("POINT(1 2)", 0));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&diesel::select(e)).to_string();
/// assert!(sql.starts_with("SELECT st_astext(ST_GeomFromText(?, ?))"), "{sql}");
/// ```
pub fn st_geomfromtext<T, S>(wkt: T, srid: S) -> StGeomFromText<T::Expression, S::Expression>
where
    T: AsExpression<Text>,
    S: AsExpression<Integer>,
{
    StGeomFromText {
        T: wkt.as_expression(),
        S: srid.as_expression(),
    }
}
