//! `ToSql`/`FromSql` for [`Vector`](crate::Vector); `Vec<f32>` and `[f32]` also bind as
//! `Vector` (e.g. in `sql_query(..).bind::<Vector, _>(vec)`).

use std::io::Write;

use diesel::deserialize::{self, FromSql};
use diesel::mysql::{Mysql, MysqlValue};
use diesel::serialize::{self, IsNull, Output, ToSql};

use crate::codec;
use crate::sql_types::Vector as VectorType;
use crate::Vector;

/// Encodes straight into Diesel's bind buffer: one validation, one pass, no copy.
pub(super) fn write_vector(values: &[f32], out: &mut Output<'_, '_, Mysql>) -> serialize::Result {
    let mut text = Vec::new();
    codec::encode_into(values, &mut text)?;
    out.write_all(&text)?;
    Ok(IsNull::No)
}

impl ToSql<VectorType, Mysql> for Vector {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_vector(self.as_slice(), out)
    }
}

impl ToSql<VectorType, Mysql> for [f32] {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_vector(self, out)
    }
}

impl ToSql<VectorType, Mysql> for Vec<f32> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_vector(self, out)
    }
}

impl FromSql<VectorType, Mysql> for Vector {
    // The client library may report the column as a string or as a blob; both carry
    // the same text, so the declared type is not consulted.
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(Vector::from(codec::decode(value.as_bytes())?))
    }
}

impl FromSql<VectorType, Mysql> for Vec<f32> {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(codec::decode(value.as_bytes())?)
    }
}
