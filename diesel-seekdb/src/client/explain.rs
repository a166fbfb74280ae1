//! The index-use guard: whether a vector search runs through a vector index, and if
//! not, why. seekdb never says so itself: a search whose distance does not match the
//! index's metric, or on a column without an index, silently runs as an exact full
//! scan. The reasons are predicted from the query's shape and the table's indexes
//! (no I/O, which is what strict mode checks before every search); `EXPLAIN` confirms.

use std::fmt;

use super::meta::TableInfo;
use crate::ddl::Distance;
use crate::error::{Error, Result};

/// How a filter on a vector search is applied when the index is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexFilter {
    /// No filter.
    None,
    /// The filter selects rows before the index is searched (`VECTOR INDEX PRE-FILTER
    /// SCAN`): k rows still come back.
    PreFilter,
    /// seekdb chooses pre-filtering or graph search per query (`VECTOR INDEX ADAPTIVE
    /// SCAN (PRE-FILTER)`).
    AdaptivePreFilter,
    /// The filter is applied to the index's candidates (a filter on the `VECTOR INDEX
    /// SCAN` operator): fewer than k rows can come back.
    PostFilter,
}

/// Why a vector search runs as a full scan instead of through a vector index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FullScanReason {
    /// The searched column has no vector index.
    NoIndex {
        /// The searched column.
        column: String,
    },
    /// The column's index was built for another metric than the distance searched.
    MetricMismatch {
        /// The index's name.
        index: String,
        /// Its metric as the server reports it (`L2`, `COSINE`, `INNER_PRODUCT`).
        index_metric: String,
        /// The distance function the query orders by.
        query: String,
    },
    /// `ORDER BY inner_product(..) DESC`: an inner-product index is only used through
    /// `negative_inner_product(..)` ascending.
    InnerProductNotNegative,
    /// The ordering has no `APPROXIMATE` (an exact search, which never uses the index).
    MissingApproximate,
    /// `APPROXIMATE` without `LIMIT` (seekdb refuses it with 1064).
    MissingLimit,
    /// The server chose a full scan for none of the reasons above (e.g. an index hint
    /// naming another index, or a join).
    Other,
}

impl FullScanReason {
    /// What to change so the index is used.
    pub fn fix(&self) -> String {
        match self {
            FullScanReason::NoIndex { column } => format!(
                "create a vector index on `{column}` (CREATE VECTOR INDEX .. WITH (distance=.., \
                 type=hnsw)) or ask for an exact search"
            ),
            FullScanReason::MetricMismatch {
                index,
                index_metric,
                ..
            } => format!(
                "search with the index's metric ({}) or build index `{index}` for the distance \
                 searched",
                metric_functions(index_metric)
            ),
            FullScanReason::InnerProductNotNegative => {
                "order by negative_inner_product(..) ascending (Distance::InnerProduct does)".into()
            }
            FullScanReason::MissingApproximate => {
                "order by the distance with .approximate() (`APPROXIMATE`)".into()
            }
            FullScanReason::MissingLimit => "add .limit(k) with k + offset <= 16384".into(),
            FullScanReason::Other => {
                "check index hints and joins; see the EXPLAIN text (SearchPlan::text)".into()
            }
        }
    }
}

impl fmt::Display for FullScanReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FullScanReason::NoIndex { column } => {
                write!(f, "column `{column}` has no vector index")
            }
            FullScanReason::MetricMismatch {
                index,
                index_metric,
                query,
            } => write!(
                f,
                "index `{index}` is built for {index_metric} but the query orders by {query}"
            ),
            FullScanReason::InnerProductNotNegative => f.write_str(
                "inner_product is ordered descending; the index only serves \
                 negative_inner_product ascending",
            ),
            FullScanReason::MissingApproximate => f.write_str("the ordering has no APPROXIMATE"),
            FullScanReason::MissingLimit => f.write_str("APPROXIMATE has no LIMIT"),
            FullScanReason::Other => f.write_str("the server plans a full scan"),
        }
    }
}

/// The search functions that use an index of `metric`.
fn metric_functions(metric: &str) -> &'static str {
    match metric.to_ascii_uppercase().as_str() {
        "L2" => "l2_distance or l2_squared",
        "COSINE" => "cosine_distance",
        "INNER_PRODUCT" => "negative_inner_product ascending",
        _ => "the index's distance",
    }
}

/// How a vector search reads the table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VectorAccess {
    /// Through a vector index.
    Index {
        /// The index (the server names it in plain scans; otherwise the column's
        /// index of the searched metric).
        index: Option<String>,
        /// How a filter is applied.
        filter: IndexFilter,
    },
    /// An exact scan of every (filtered) row.
    FullScan(FullScanReason),
}

/// A vector search's plan, as the index-use guard reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPlan {
    /// Index or full scan, and why.
    pub access: VectorAccess,
    /// The server's `EXPLAIN` text (empty when the plan was only predicted).
    pub text: String,
}

impl SearchPlan {
    /// Whether the search uses a vector index.
    pub fn uses_index(&self) -> bool {
        matches!(self.access, VectorAccess::Index { .. })
    }

    /// The reason for a full scan, if it is one.
    pub fn full_scan_reason(&self) -> Option<&FullScanReason> {
        match &self.access {
            VectorAccess::FullScan(r) => Some(r),
            VectorAccess::Index { .. } => None,
        }
    }

    /// The plan itself, or a validation error (`index_use`) naming the reason and the
    /// fix when the search would scan every row.
    pub fn require_index(self) -> Result<Self> {
        match self.full_scan_reason() {
            None => Ok(self),
            Some(reason) => Err(full_scan_error(reason)),
        }
    }
}

/// The error strict mode gives for a search that would scan every row.
pub(crate) fn full_scan_error(reason: &FullScanReason) -> Error {
    Error::validation(
        "index_use",
        format!(
            "this vector search would run as an exact full scan: {reason}; fix: {}",
            reason.fix()
        ),
    )
}

/// What the guard needs to know of a search: the column, the function it orders by
/// and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchShape {
    pub(crate) column: String,
    /// Lower case SQL function name (`l2_distance`, `negative_inner_product`, ...).
    pub(crate) order_fn: String,
    pub(crate) approximate: bool,
    pub(crate) limit: bool,
    pub(crate) filtered: bool,
}

/// The index metric a search function uses (`None`: it cannot use any index).
fn function_metric(function: &str) -> Option<&'static str> {
    match function {
        "l2_distance" | "l2_squared" => Some("l2"),
        "cosine_distance" => Some("cosine"),
        "negative_inner_product" => Some("inner_product"),
        _ => None,
    }
}

/// The reason `shape` cannot use an index of `table`, or `None` when it should (the
/// prediction strict mode checks; the server's `EXPLAIN` has the last word).
pub(crate) fn predict(table: &TableInfo, shape: &SearchShape) -> Option<FullScanReason> {
    if !shape.approximate {
        return Some(FullScanReason::MissingApproximate);
    }
    if !shape.limit {
        return Some(FullScanReason::MissingLimit);
    }
    let indexes: Vec<_> = table
        .indexes
        .iter()
        .filter(|i| {
            i.index_type.eq_ignore_ascii_case("VECTOR")
                && i.columns
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(&shape.column))
        })
        .collect();
    if indexes.is_empty() {
        return Some(FullScanReason::NoIndex {
            column: shape.column.clone(),
        });
    }
    let metric_of = |i: &super::meta::IndexInfo| i.distance.clone().unwrap_or_default();
    if shape.order_fn == "inner_product"
        && indexes
            .iter()
            .any(|i| metric_of(i).eq_ignore_ascii_case("inner_product"))
    {
        return Some(FullScanReason::InnerProductNotNegative);
    }
    let wanted = function_metric(&shape.order_fn);
    if wanted.is_some_and(|w| indexes.iter().any(|i| metric_of(i).eq_ignore_ascii_case(w))) {
        return None;
    }
    let index = indexes[0];
    Some(FullScanReason::MetricMismatch {
        index: index.name.clone(),
        index_metric: metric_of(index),
        query: shape.order_fn.clone(),
    })
}

/// The column's index that serves `shape`'s function.
fn serving_index(table: &TableInfo, shape: &SearchShape) -> Option<String> {
    let wanted = function_metric(&shape.order_fn)?;
    table
        .indexes
        .iter()
        .find(|i| {
            i.index_type.eq_ignore_ascii_case("VECTOR")
                && i.columns
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(&shape.column))
                && i.distance
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(wanted))
        })
        .map(|i| i.name.clone())
}

/// The plan predicted without the server.
pub(crate) fn predicted(table: &TableInfo, shape: &SearchShape) -> SearchPlan {
    let access = match predict(table, shape) {
        Some(reason) => VectorAccess::FullScan(reason),
        None => VectorAccess::Index {
            index: serving_index(table, shape),
            filter: if shape.filtered {
                IndexFilter::PreFilter
            } else {
                IndexFilter::None
            },
        },
    };
    SearchPlan {
        access,
        text: String::new(),
    }
}

/// Reads the server's `EXPLAIN` text of a search of `shape` on `table`.
pub(crate) fn classify(text: String, table: &TableInfo, shape: &SearchShape) -> SearchPlan {
    let operator = text
        .lines()
        .filter_map(|l| l.split('|').nth(2).map(|op| (l, op)))
        .find(|(_, op)| op.contains("VECTOR INDEX"));
    let access = match operator {
        Some((line, op)) => {
            let name = line.split('|').nth(3).unwrap_or_default().trim();
            let index = name
                .split_once('(')
                .map(|(_, i)| i.trim_end_matches(')').to_string())
                .or_else(|| serving_index(table, shape));
            let filter = if op.contains("ADAPTIVE") {
                IndexFilter::AdaptivePreFilter
            } else if op.contains("PRE-FILTER") {
                IndexFilter::PreFilter
            } else if shape.filtered && has_operator_filter(&text, op_id(line)) {
                IndexFilter::PostFilter
            } else {
                IndexFilter::None
            };
            VectorAccess::Index { index, filter }
        }
        None => VectorAccess::FullScan(predict(table, shape).unwrap_or(FullScanReason::Other)),
    };
    SearchPlan { access, text }
}

/// The operator id of a plan table line (`|1 |└─VECTOR INDEX SCAN|t(i)|..`).
fn op_id(line: &str) -> Option<&str> {
    line.split('|').nth(1).map(str::trim)
}

/// Whether operator `id` has a filter in the "Outputs & filters" part.
fn has_operator_filter(text: &str, id: Option<&str>) -> bool {
    let Some(id) = id else { return false };
    let prefix = format!("{id} - ");
    text.lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(&prefix))
        .is_some_and(|l| l.contains("filter(["))
}

/// The shape of a client search (`ORDER BY <order_fn> [APPROXIMATE] LIMIT k`).
pub(crate) fn client_shape(
    column: &str,
    distance: Distance,
    approximate: bool,
    filtered: bool,
) -> SearchShape {
    SearchShape {
        column: column.to_string(),
        order_fn: distance.order_fn().to_string(),
        approximate,
        limit: true,
        filtered,
    }
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;
