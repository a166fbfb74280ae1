//! Diesel glue for fixed-size vectors: [`FixedVector<N>`](crate::FixedVector) on
//! `Vector` columns, and every dense value type on `VectorOf<N>` columns.

use diesel::deserialize::{self, FromSql};
use diesel::expression::AsExpression;
use diesel::internal::derives::as_expression::Bound;
use diesel::mysql::{Mysql, MysqlValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Nullable;

use super::vector::write_vector;
use crate::codec;
use crate::sql_types::{Vector as VectorType, VectorOf};
use crate::{FixedVector, Vector};

/// A value for a `VECTOR(N)` column must have `N` dimensions: checked before sending.
fn write_checked<const N: usize>(
    values: &[f32],
    out: &mut Output<'_, '_, Mysql>,
) -> serialize::Result {
    crate::vector::check_dimensions(values, N)?;
    write_vector(values, out)
}

/// Decodes a stored vector, refusing another dimension than `N` (naming both).
fn read_fixed<const N: usize>(value: MysqlValue<'_>) -> deserialize::Result<FixedVector<N>> {
    Ok(FixedVector::from_slice(&codec::decode(value.as_bytes())?)?)
}

/// `AsExpression` for a value type and its references, to a SQL type and its nullable form
/// (what `#[derive(AsExpression)]` writes, for const-generic SQL types).
macro_rules! as_expression {
    ($value:ty => $sql:ty) => {
        impl<const N: usize> AsExpression<$sql> for $value {
            type Expression = Bound<$sql, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
        impl<const N: usize> AsExpression<Nullable<$sql>> for $value {
            type Expression = Bound<Nullable<$sql>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
        impl<'a, const N: usize> AsExpression<$sql> for &'a $value {
            type Expression = Bound<$sql, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
        impl<'a, const N: usize> AsExpression<Nullable<$sql>> for &'a $value {
            type Expression = Bound<Nullable<$sql>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
        impl<const N: usize> ToSql<Nullable<$sql>, Mysql> for $value {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
                <Self as ToSql<$sql, Mysql>>::to_sql(self, out)
            }
        }
    };
}

// `[f32; N]` cannot be an `AsExpression` here: Diesel's blanket impl for every
// `Expression` conflicts (coherence assumes Diesel may make arrays expressions one
// day). Arrays bind (`sql_query(..).bind::<VectorOf<3>, _>([..])`) and convert with
// `FixedVector::from`.
as_expression!(FixedVector<N> => VectorType);
as_expression!(FixedVector<N> => VectorOf<N>);
as_expression!(Vector => VectorOf<N>);

impl<const N: usize> ToSql<VectorType, Mysql> for FixedVector<N> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_vector(self.as_slice(), out)
    }
}

impl<const N: usize> ToSql<VectorType, Mysql> for [f32; N] {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_vector(self, out)
    }
}

impl<const N: usize> ToSql<VectorOf<N>, Mysql> for FixedVector<N> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_vector(self.as_slice(), out)
    }
}

impl<const N: usize> ToSql<VectorOf<N>, Mysql> for [f32; N] {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_vector(self, out)
    }
}

impl<const N: usize> ToSql<VectorOf<N>, Mysql> for Vector {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_checked::<N>(self.as_slice(), out)
    }
}

impl<const N: usize> ToSql<VectorOf<N>, Mysql> for Vec<f32> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_checked::<N>(self, out)
    }
}

impl<const N: usize> ToSql<VectorOf<N>, Mysql> for [f32] {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_checked::<N>(self, out)
    }
}

impl<const N: usize> FromSql<VectorType, Mysql> for FixedVector<N> {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        read_fixed(value)
    }
}

impl<const N: usize> FromSql<VectorOf<N>, Mysql> for FixedVector<N> {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        read_fixed(value)
    }
}

impl<const N: usize> FromSql<VectorOf<N>, Mysql> for Vector {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(Vector::from(read_fixed::<N>(value)?))
    }
}

impl<const N: usize> FromSql<VectorOf<N>, Mysql> for Vec<f32> {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(read_fixed::<N>(value)?.0.to_vec())
    }
}
