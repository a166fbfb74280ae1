//! The vector search operation with its short-result count (see [`super::filtered`]).

use super::ann::{AnnSearch, SearchMode};
use super::filtered::{count_of, SearchReport};
use super::plan::{rows, Op, Plan, Statement};
use super::statements as stmt;
use crate::error::Result;

/// Runs the search; when it is filtered and came back short, also the count of its
/// filter; `finish` makes the result from the report and the table's name.
pub(crate) fn search_reported<'a, R: Send + 'a>(
    search: AnnSearch,
    mode: SearchMode,
    finish: impl FnOnce(SearchReport, &str) -> Result<R> + Send + 'a,
) -> Result<Op<'a, R>> {
    let table = search.table.clone();
    let topk = search.topk;
    Op::with_table(&table, move |info| {
        let (q, count) = search.build_checked(&info, mode)?;
        let Some(count) = count else {
            return Op::run(Plan::new(vec![Statement::Load(q)], move |out| {
                let rows = stmt::json_rows(&info, rows(out))?;
                finish(
                    SearchReport {
                        rows,
                        topk,
                        matching: None,
                    },
                    &info.name,
                )
            }));
        };
        Ok(Op::Step(Plan::new(vec![Statement::Load(q)], move |out| {
            let rows = stmt::json_rows(&info, rows(out))?;
            if rows.len() >= topk {
                let report = SearchReport {
                    rows,
                    topk,
                    matching: None,
                };
                return Ok(Op::Ready(finish(report, &info.name)?));
            }
            Op::run(Plan::new(vec![Statement::Load(count)], move |out| {
                let report = SearchReport {
                    rows,
                    topk,
                    matching: count_of(super::plan::rows(out)),
                };
                finish(report, &info.name)
            }))
        })))
    })
}
