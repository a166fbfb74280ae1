//! The index-use guard on both clients: typed plans and strict mode.

use super::ann::{AnnSearch, SearchMode};
use super::explain::SearchPlan;
use super::ops_explain;
use super::ObVecClient;
use crate::error::Result;

impl ObVecClient {
    /// Refuses (`true`) or allows (`false`, the default) approximate searches that
    /// cannot use a vector index: no index on the column, or one built for another
    /// metric. Checked against the cached table description, without a round trip;
    /// the error names the reason and the fix ([`SearchPlan::require_index`]).
    pub fn set_strict_index_use(&self, strict: bool) {
        self.state.set_strict(strict);
    }

    /// Whether strict mode is on.
    pub fn strict_index_use(&self) -> bool {
        self.state.strict()
    }

    /// The server's plan of [`ann_search`](Self::ann_search) as a [`SearchPlan`]:
    /// the vector index used and how a filter is applied, or a full scan and why.
    pub fn search_plan(&self, search: AnnSearch) -> Result<SearchPlan> {
        self.exec(ops_explain::search_plan(search, SearchMode::Approximate))
    }

    /// The plan of [`precise_search`](Self::precise_search) (always a full scan,
    /// [`FullScanReason::MissingApproximate`](super::FullScanReason::MissingApproximate)).
    pub fn precise_search_plan(&self, search: AnnSearch) -> Result<SearchPlan> {
        self.exec(ops_explain::search_plan(search, SearchMode::Exact))
    }
}

#[cfg(feature = "async")]
impl super::AsyncObVecClient {
    /// See [`ObVecClient::set_strict_index_use`].
    pub fn set_strict_index_use(&self, strict: bool) {
        self.state.set_strict(strict);
    }

    /// Whether strict mode is on.
    pub fn strict_index_use(&self) -> bool {
        self.state.strict()
    }

    /// See [`ObVecClient::search_plan`].
    pub async fn search_plan(&self, search: AnnSearch) -> Result<SearchPlan> {
        self.exec(ops_explain::search_plan(search, SearchMode::Approximate))
            .await
    }

    /// See [`ObVecClient::precise_search_plan`].
    pub async fn precise_search_plan(&self, search: AnnSearch) -> Result<SearchPlan> {
        self.exec(ops_explain::search_plan(search, SearchMode::Exact))
            .await
    }
}
