//! The index-use guard's client operations: a search's typed plan, and searches that
//! strict mode checks before anything is sent.

use super::ann::{AnnSearch, SearchMode};
use super::explain::{classify, client_shape, full_scan_error, predict, SearchPlan, SearchShape};
use super::ops::{self, plan_text, Rows};
use super::plan::{rows, Op, Plan, Statement};
use super::query::DynQuery;
use super::statements as stmt;
use crate::ddl::Distance;
use crate::error::Result;

/// The guard's view of `search` run in `mode`. A cosine search always carries a
/// condition (`cosine_distance(..) IS NOT NULL`), so it is filtered too.
fn shape(search: &AnnSearch, mode: SearchMode) -> SearchShape {
    let filtered = search.filter.is_some()
        || search.distance_threshold.is_some()
        || search.distance == Distance::Cosine;
    client_shape(
        &search.column,
        search.distance,
        mode == SearchMode::Approximate,
        filtered,
    )
}

/// The server's plan of `search`, read into a [`SearchPlan`].
pub(crate) fn search_plan<'a>(search: AnnSearch, mode: SearchMode) -> Result<Op<'a, SearchPlan>> {
    let table = search.table.clone();
    Op::with_table(&table, move |info| {
        let shape = shape(&search, mode);
        let q = stmt::explain(search.build(&info, mode)?);
        Op::run(Plan::new(vec![Statement::Load(q)], move |out| {
            Ok(classify(plan_text(rows(out)), &info, &shape))
        }))
    })
}

/// Refuses, in strict mode, an approximate search that cannot use a vector index
/// (predicted from the cached table description: no extra round trip).
fn checked<'a, R: 'a>(
    search: AnnSearch,
    mode: SearchMode,
    strict: bool,
    then: impl FnOnce(AnnSearch, SearchMode) -> Result<Op<'a, R>> + Send + 'a,
) -> Result<Op<'a, R>> {
    if !strict || mode == SearchMode::Exact {
        return then(search, mode);
    }
    let table = search.table.clone();
    Op::with_table(&table, move |info| {
        if let Some(reason) = predict(&info, &shape(&search, mode)) {
            return Err(full_scan_error(&reason));
        }
        then(search, mode)
    })
}

/// [`ops::search`] under strict mode.
pub(crate) fn search<'a>(
    search: AnnSearch,
    mode: SearchMode,
    strict: bool,
) -> Result<Op<'a, Rows>> {
    checked(search, mode, strict, ops::search)
}

/// [`ops::search_query`] under strict mode.
pub(crate) fn search_query<'a>(
    search: AnnSearch,
    mode: SearchMode,
    strict: bool,
) -> Result<Op<'a, DynQuery>> {
    checked(search, mode, strict, ops::search_query)
}
