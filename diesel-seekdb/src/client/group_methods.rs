//! Grouping search on both clients: the rounds are [`Grouping`]'s; the clients only
//! run each round's search.

use super::group::{GroupedSearch, Grouping, SearchGroup, Step};
use super::ops_explain;
use super::ObVecClient;
use crate::error::Result;

impl ObVecClient {
    /// Milvus's grouping search: the `topk` groups (by `group_by_field`) whose best
    /// hit is nearest, each with up to `group_size` hits, nearest first. Candidate
    /// searches grow until the groups are found (see [`GroupedSearch`]).
    pub fn grouped_search(&self, search: GroupedSearch) -> Result<Vec<SearchGroup>> {
        let (mut grouping, mut k) = Grouping::new(search)?;
        loop {
            let s = grouping.search(k);
            let rows = self.exec(ops_explain::search(s, grouping.mode, self.state.strict()))?;
            match grouping.step(rows, k)? {
                Step::Done(groups) => return Ok(groups),
                Step::Again(next) => k = next,
            }
        }
    }
}

#[cfg(feature = "async")]
impl super::AsyncObVecClient {
    /// See [`ObVecClient::grouped_search`].
    pub async fn grouped_search(&self, search: GroupedSearch) -> Result<Vec<SearchGroup>> {
        let (mut grouping, mut k) = Grouping::new(search)?;
        loop {
            let s = grouping.search(k);
            let rows = self
                .exec(ops_explain::search(s, grouping.mode, self.state.strict()))
                .await?;
            match grouping.step(rows, k)? {
                Step::Done(groups) => return Ok(groups),
                Step::Again(next) => k = next,
            }
        }
    }
}
