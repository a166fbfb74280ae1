//! Grouping search with Milvus's semantics (`group_by_field`, `group_size`,
//! `strict_group_size`): the `limit` groups whose best hit is nearest, each with up to
//! `group_size` of its nearest hits, so one document's chunks cannot crowd out the
//! top-k.
//!
//! seekdb has no grouped vector search, so candidates come from an ordinary search
//! whose k grows (by 4x) until enough groups are found, and under
//! `strict_group_size` until each of them is full, the table is exhausted or k
//! reaches 16384 (seekdb's largest `LIMIT` with `APPROXIMATE`, and the client's
//! top-k bound). Candidates arrive nearest first, so
//! groups are ranked by their first (best) hit.

use serde_json::Value;

use super::ann::{AnnSearch, SearchMode, MAX_TOPK};
use super::ops::Rows;
use super::query::Filter;
use crate::error::{Error, Result};

/// A search grouped by a column's value (Milvus's grouping search). The search's
/// `topk` is the number of groups.
///
/// ```
/// use diesel_seekdb::client::{AnnSearch, GroupedSearch};
/// let s = GroupedSearch::new(AnnSearch::new("chunks", "embedding", vec![0.0, 1.0]).topk(5), "doc_id")
///     .group_size(3)
///     .strict_group_size(true);
/// # let _ = s;
/// ```
#[derive(Debug)]
pub struct GroupedSearch {
    pub(crate) search: AnnSearch,
    pub(crate) field: String,
    pub(crate) group_size: usize,
    pub(crate) strict: bool,
    pub(crate) exact: bool,
}

impl GroupedSearch {
    /// Groups the hits of `search` by `group_by_field`; `search.topk` groups of one
    /// hit each until [`group_size`](Self::group_size) says otherwise.
    pub fn new(search: AnnSearch, group_by_field: &str) -> Self {
        GroupedSearch {
            search,
            field: group_by_field.to_string(),
            group_size: 1,
            strict: false,
            exact: false,
        }
    }

    /// Hits per group (at least 1).
    pub fn group_size(mut self, group_size: usize) -> Self {
        self.group_size = group_size;
        self
    }

    /// Fill every returned group up to `group_size` when the table has that many
    /// rows in it (more candidate rounds); without it a group may come back with fewer
    /// once enough groups are found, as in Milvus.
    pub fn strict_group_size(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Exact candidates (a full scan, every filter honoured exactly) instead of
    /// `APPROXIMATE` ones; at most 16384 candidates either way.
    pub fn exact(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }
}

/// One group of a grouped search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchGroup {
    /// The group's value of the grouping column.
    pub value: Value,
    /// Its hits, nearest first, each with its `distance`.
    pub rows: Rows,
}

/// What a round of candidates leads to.
pub(crate) enum Step {
    Done(Vec<SearchGroup>),
    Again(usize),
}

/// The rounds of one grouped search: the search to send for k candidates, and what
/// the candidates give.
pub(crate) struct Grouping {
    template: AnnSearch,
    filter: Option<Filter>,
    field: String,
    groups: usize,
    group_size: usize,
    strict: bool,
    pub(crate) mode: SearchMode,
    cap: usize,
    /// The output columns asked for (the grouping column is added when missing and
    /// taken out again).
    drop_field: bool,
}

impl Grouping {
    pub(crate) fn new(g: GroupedSearch) -> Result<(Self, usize)> {
        if g.group_size == 0 {
            return Err(Error::validation("group_size", "must be at least 1"));
        }
        let GroupedSearch {
            mut search,
            field,
            group_size,
            strict,
            exact,
        } = g;
        let groups = search.topk;
        if groups == 0 || groups > MAX_TOPK {
            return Err(Error::validation(
                "limit",
                format!("{groups} groups is outside 1..={MAX_TOPK}"),
            ));
        }
        let drop_field = !search.output_columns.is_empty()
            && !search
                .output_columns
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&field));
        if drop_field {
            search.output_columns.push(field.clone());
        }
        search.with_dist = true;
        let filter = search.filter.take();
        // A Diesel-expression filter cannot be sent twice: one round, as large as
        // the index allows.
        let repeatable = !matches!(filter, Some(Filter::Expr(_)));
        let mode = if exact {
            SearchMode::Exact
        } else {
            SearchMode::Approximate
        };
        // Exact searches take at most 16384 rows too (one statement's LIMIT).
        let cap = MAX_TOPK;
        let first = if repeatable {
            (groups * group_size * 2).max(groups * 4).max(16)
        } else {
            MAX_TOPK
        };
        let grouping = Grouping {
            template: search,
            filter,
            field,
            groups,
            group_size,
            strict,
            mode,
            cap,
            drop_field,
        };
        Ok((grouping, first.min(cap)))
    }

    /// The candidate search for `k` rows.
    pub(crate) fn search(&mut self, k: usize) -> AnnSearch {
        let t = &self.template;
        let mut s = AnnSearch::new(&t.table, &t.column, t.vector.clone())
            .distance(t.distance)
            .with_dist(true)
            .topk(k)
            .output_columns(t.output_columns.clone())
            .partitions(t.partitions.clone());
        s.extra_outputs = t.extra_outputs.clone();
        s.index_hint = t.index_hint.clone();
        s.distance_threshold = t.distance_threshold;
        s.ef_search = t.ef_search;
        s.filter = match &mut self.filter {
            Some(Filter::Fragment(f)) => Some(Filter::Fragment(f.clone())),
            other => other.take(),
        };
        s
    }

    /// Groups `rows` (the nearest `k` candidates, nearest first).
    pub(crate) fn step(&self, rows: Rows, k: usize) -> Result<Step> {
        let exhausted = rows.len() < k;
        let mut groups: Vec<SearchGroup> = Vec::new();
        for mut row in rows {
            let value = if self.drop_field {
                row.remove(&self.field)
            } else {
                row.get(&self.field).cloned()
            }
            .ok_or_else(|| {
                Error::validation(
                    "group_by_field",
                    format!("column `{}` is not in the results", self.field),
                )
            })?;
            match groups.iter_mut().find(|g| g.value == value) {
                Some(g) if g.rows.len() < self.group_size => g.rows.push(row),
                Some(_) => {}
                None => groups.push(SearchGroup {
                    value,
                    rows: vec![row],
                }),
            }
        }
        groups.truncate(self.groups);
        let enough = groups.len() == self.groups;
        let full = groups.iter().all(|g| g.rows.len() == self.group_size);
        if exhausted || k >= self.cap || (enough && (!self.strict || full)) {
            return Ok(Step::Done(groups));
        }
        Ok(Step::Again(k.saturating_mul(4).min(self.cap)))
    }
}

#[cfg(test)]
#[path = "group_tests.rs"]
mod tests;
