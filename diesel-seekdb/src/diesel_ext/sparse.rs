//! `ToSql`/`FromSql` for [`SparseVector`](crate::SparseVector) on `SPARSEVECTOR` columns.

use std::io::Write;

use diesel::deserialize::{self, FromSql};
use diesel::mysql::{Mysql, MysqlValue};
use diesel::serialize::{self, IsNull, Output, ToSql};

use crate::sparse;
use crate::sql_types::SparseVector as SparseVectorType;
use crate::SparseVector;

impl ToSql<SparseVectorType, Mysql> for SparseVector {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        // The value type keeps its invariants (sorted, finite), so encoding cannot fail.
        let mut text = Vec::new();
        sparse::encode_into(self, &mut text);
        out.write_all(&text)?;
        Ok(IsNull::No)
    }
}

impl FromSql<SparseVectorType, Mysql> for SparseVector {
    // Reported as a string or a blob depending on the client library; same text.
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(sparse::decode(value.as_bytes())?)
    }
}
