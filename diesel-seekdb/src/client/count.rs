//! Counting rows: `count` on [`ObVecClient`] and [`AsyncObVecClient`](super::AsyncObVecClient)
//! (pymilvus's `query(output_fields=["count(*)"])` on the Milvus-style client), one
//! `SELECT COUNT(*)` built once for both transports.

use super::plan::{rows, Op, Plan, Statement};
use super::query::Filter;
use super::ObVecClient;
use crate::error::{Error, Result};

/// `SELECT COUNT(*) AS n FROM t [PARTITION(..)] [WHERE filter]`.
pub(crate) fn count<'a>(
    table: &str,
    filter: Option<Filter>,
    partitions: &'a [&'a str],
) -> Result<Op<'a, u64>> {
    Op::with_table(table, move |info| {
        let q = super::statements::count_query(&info, filter, partitions)?;
        Op::run(Plan::new(vec![Statement::Load(q)], |out| {
            super::filtered::count_of(rows(out))
                .map(|n| n as u64)
                .ok_or_else(|| Error::decode("count", "COUNT(*) returned no number"))
        }))
    })
}

impl ObVecClient {
    /// The number of rows of `table` (in `partitions`, when given) that `filter` keeps
    /// (every row for `None`).
    pub fn count(&self, table: &str, filter: Option<Filter>, partitions: &[&str]) -> Result<u64> {
        self.exec(count(table, filter, partitions))
    }
}

#[cfg(feature = "async")]
impl super::AsyncObVecClient {
    /// [`ObVecClient::count`].
    pub async fn count(
        &self,
        table: &str,
        filter: Option<Filter>,
        partitions: &[&str],
    ) -> Result<u64> {
        self.exec(count(table, filter, partitions)).await
    }
}
