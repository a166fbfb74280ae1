//! Recall measurement and search-parameter tuning: `recall_at_k` compares a setting's
//! approximate results with the exact results of the same queries, and
//! `tune_ef_search` / `tune_ivf_nprobes` find the smallest setting that reaches a
//! target recall on a sample. The clients run the searches and time them; everything
//! else is here, once.
//!
//! A hit counts when it is at least as near as the exact k-th neighbour, so ties at
//! the k-th distance do not count against the index.

use std::time::Duration;

use super::ann::{AnnSearch, SearchMode};
use super::ops::Rows;
use super::plan::{rows, Op, Plan, Statement};
use super::query::DynQuery;
use crate::ddl::Distance;
use crate::diesel_ext::SessionSettings;
use crate::error::{Error, Result};
use crate::fragment::SqlFragment;
use crate::Vector;

/// The queries a recall is measured on: searches of `column` in `table` for each
/// query vector, top `k`.
///
/// ```
/// use diesel_seekdb::client::{Distance, RecallSample};
/// let sample = RecallSample::new("items", "embedding", vec![vec![0.0, 1.0], vec![1.0, 0.0]])
///     .distance(Distance::Cosine)
///     .k(10);
/// # let _ = sample;
/// ```
#[derive(Debug, Clone)]
pub struct RecallSample {
    pub(crate) table: String,
    pub(crate) column: String,
    pub(crate) queries: Vec<Vector>,
    pub(crate) distance: Distance,
    pub(crate) k: usize,
    pub(crate) filter: Option<SqlFragment>,
}

impl RecallSample {
    /// Searches of `column` in `table` for each of `queries` (l2, top 10).
    pub fn new<V: Into<Vector>>(table: &str, column: &str, queries: Vec<V>) -> Self {
        RecallSample {
            table: table.to_string(),
            column: column.to_string(),
            queries: queries.into_iter().map(Into::into).collect(),
            distance: Distance::L2,
            k: 10,
            filter: None,
        }
    }

    /// The distance searched (default l2).
    pub fn distance(mut self, distance: Distance) -> Self {
        self.distance = distance;
        self
    }

    /// Neighbours per query (default 10).
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// A filter on every query (filtered searches can need another setting).
    pub fn filter(mut self, filter: SqlFragment) -> Self {
        self.filter = Some(filter);
        self
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.queries.is_empty() {
            return Err(Error::validation(
                "queries",
                "no query vectors to measure on",
            ));
        }
        Ok(())
    }

    /// The search of query `i`, exact or under `knob`.
    pub(crate) fn search(&self, i: usize, knob: Option<SearchKnob>) -> AnnSearch {
        let mut s = AnnSearch::new(&self.table, &self.column, self.queries[i].clone())
            .distance(self.distance)
            .with_dist(true)
            .topk(self.k);
        if let Some(f) = &self.filter {
            s = s.filter(f.clone());
        }
        if let Some(SearchKnob::EfSearch(ef)) = knob {
            s = s.ef_search(ef);
        }
        s
    }
}

/// A search parameter whose recall is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchKnob {
    /// HNSW `ef_search` (sent with each query as `PARAMETERS(ef_search = n)`).
    EfSearch(u32),
    /// IVF `ob_ivf_nprobes` (a session setting, set for the measurement and then put
    /// back as it was).
    IvfNprobes(u32),
}

impl SearchKnob {
    /// The knob as session settings, added to `base` (for a pool's
    /// [`SessionManager`](crate::SessionManager) or `set_session_settings`).
    pub fn session_settings(self, base: SessionSettings) -> SessionSettings {
        match self {
            SearchKnob::EfSearch(ef) => base.ef_search(ef),
            SearchKnob::IvfNprobes(n) => base.ivf_nprobes(n),
        }
    }
}

/// One setting's recall and speed on a [`RecallSample`].
#[derive(Debug, Clone, PartialEq)]
pub struct RecallReport {
    /// The setting measured.
    pub knob: SearchKnob,
    /// Neighbours per query.
    pub k: usize,
    /// Queries measured.
    pub queries: usize,
    /// Mean recall@k (1.0 = every exact neighbour found).
    pub recall: f64,
    /// The worst query's recall.
    pub min_recall: f64,
    /// Mean latency of one approximate search, round trip included.
    pub mean_latency: Duration,
    /// Approximate searches per second, one after another on one connection.
    pub qps: f64,
}

/// The result of a tuning run.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuned {
    /// The smallest setting that reached the target (the best one tried when none did).
    pub knob: SearchKnob,
    /// Its measurement.
    pub report: RecallReport,
    /// Whether the target was reached.
    pub reached: bool,
    /// Every setting measured, in order.
    pub tried: Vec<RecallReport>,
}

impl Tuned {
    /// The tuned setting added to `base`, ready for a pool's session settings.
    pub fn session_settings(&self, base: SessionSettings) -> SessionSettings {
        self.knob.session_settings(base)
    }
}

/// The `ef_search` values tried, smallest first.
pub(crate) const EF_LADDER: [u32; 14] = [
    8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024, 2048,
];

/// The `ivf_nprobes` values tried, smallest first.
pub(crate) const NPROBES_LADDER: [u32; 12] = [1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128, 256];

/// The exact results' cut-off distances, one per query: a hit at least this near counts.
pub(crate) fn kth_distances(
    distance: Distance,
    exact: &[Rows],
    k: usize,
) -> Result<Vec<Option<f64>>> {
    exact
        .iter()
        .map(|rows| {
            let d = distances(rows)?;
            Ok(d.get(k.min(d.len()).saturating_sub(1))
                .copied()
                .map(|v| order_value(distance, v)))
        })
        .collect()
}

fn distances(rows: &Rows) -> Result<Vec<f64>> {
    rows.iter()
        .map(|r| {
            r.get("distance")
                .and_then(serde_json::Value::as_f64)
                .ok_or_else(|| Error::decode("distance", "a search row has no distance"))
        })
        .collect()
}

/// Smaller is nearer (the inner product is reported as it is: larger is nearer).
fn order_value(distance: Distance, reported: f64) -> f64 {
    if distance == Distance::InnerProduct {
        -reported
    } else {
        reported
    }
}

/// Recall of one approximate result against its exact cut-off.
pub(crate) fn recall_of(
    distance: Distance,
    ann: &Rows,
    kth: Option<f64>,
    exact_len: usize,
) -> Result<f64> {
    let Some(kth) = kth else {
        // No row matched: nothing to find.
        return Ok(1.0);
    };
    // Vectors come back with about 6 significant digits: a hit within that of the
    // cut-off is as near.
    let slack = kth.abs() * 1e-5 + 1e-9;
    let found = distances(ann)?
        .into_iter()
        .filter(|d| order_value(distance, *d) <= kth + slack)
        .count();
    Ok((found.min(exact_len) as f64) / exact_len as f64)
}

/// Summarizes one setting's measurements.
pub(crate) fn report(
    knob: SearchKnob,
    k: usize,
    recalls: &[f64],
    elapsed: Duration,
) -> RecallReport {
    let n = recalls.len().max(1);
    RecallReport {
        knob,
        k,
        queries: recalls.len(),
        recall: recalls.iter().sum::<f64>() / n as f64,
        min_recall: recalls.iter().copied().fold(1.0, f64::min),
        mean_latency: elapsed / n as u32,
        qps: recalls.len() as f64 / elapsed.as_secs_f64().max(1e-9),
    }
}

/// The tuning answer from the settings measured so far (`None`: keep going).
pub(crate) fn tuned(tried: &[RecallReport], target: f64, last: bool) -> Option<Tuned> {
    let hit = tried.iter().find(|r| r.recall >= target);
    let best =
        hit.or_else(|| last.then(|| tried.iter().max_by(|a, b| a.recall.total_cmp(&b.recall)))?)?;
    Some(Tuned {
        knob: best.knob,
        report: best.clone(),
        reached: hit.is_some(),
        tried: tried.to_vec(),
    })
}

/// Checks the target recall.
pub(crate) fn check_target(target: f64) -> Result<()> {
    if !(target > 0.0 && target <= 1.0) {
        return Err(Error::validation("target_recall", "must be in (0, 1]"));
    }
    Ok(())
}

/// The exact search of query `i`.
pub(crate) fn exact_op<'a>(sample: &RecallSample, i: usize) -> Result<Op<'a, Rows>> {
    super::ops::search(sample.search(i, None), SearchMode::Exact)
}

/// The approximate search of query `i` under `knob`.
pub(crate) fn ann_op<'a>(
    sample: &RecallSample,
    i: usize,
    knob: SearchKnob,
) -> Result<Op<'a, Rows>> {
    // Recall is what is measured: a short result counts as lost rows, not an error,
    // and the knob alone sets the search effort.
    let search = sample
        .search(i, Some(knob))
        .check_short_result(false)
        .raise_ef_for_filters(false);
    super::ops::search(search, SearchMode::Approximate)
}

/// `SELECT @@ob_ivf_nprobes`.
pub(crate) fn read_nprobes<'a>() -> Result<Op<'a, u32>> {
    use crate::diesel_ext::session::{setting_sql, setting_value_json};
    let variable = "ob_ivf_nprobes";
    let mut q = DynQuery::new();
    q.sql(setting_sql(variable));
    Op::run(Plan::new(vec![Statement::Load(q)], move |out| {
        setting_value_json(variable, rows(out))
    }))
}

#[cfg(test)]
#[path = "tuning_tests.rs"]
mod tests;
