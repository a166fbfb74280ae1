//! The ef_search the library's tuner picks on the benchmark data: the smallest value
//! whose recall@10 on the queries reaches the target, with the recall and q/s it
//! measured (`ObVecClient::tune_ef_search`), next to the sweep it summarizes.

use diesel_seekdb::client::{RecallSample, SearchKnob};
use serde_json::{json, Value};

use crate::data::TOPK;
use crate::phases::{err, Bench, Res};
use crate::schema::T_OBVEC;

/// The recall the tuner is asked for.
pub const TARGET_RECALL: f64 = 0.95;

impl Bench<'_> {
    /// Runs the tuner on the ObVecClient path's table.
    pub fn tune(&mut self) -> Res<Value> {
        self.log("tune_ef_search");
        let queries: Vec<Vec<f32>> = self
            .all_queries()
            .into_iter()
            .map(|i| self.ds.query(i).to_vec())
            .collect();
        let sample = RecallSample::new(T_OBVEC, "v", queries).k(TOPK);
        let t = self
            .client
            .tune_ef_search(&sample, TARGET_RECALL)
            .map_err(err)?;
        let ef = |k: SearchKnob| match k {
            SearchKnob::EfSearch(ef) => json!(ef),
            other => json!(format!("{other:?}")),
        };
        Ok(json!({
            "target_recall": TARGET_RECALL,
            "reached": t.reached,
            "ef_search": ef(t.knob),
            "recall_at_10": t.report.recall,
            "min_recall_at_10": t.report.min_recall,
            "qps": t.report.qps,
            "mean_latency_ms": t.report.mean_latency.as_secs_f64() * 1e3,
            "tried": t.tried.iter().map(|r| json!({
                "ef_search": ef(r.knob), "recall_at_10": r.recall, "qps": r.qps,
            })).collect::<Vec<_>>(),
        }))
    }
}
