//! Latency summaries. Two rates are kept apart on purpose: `throughput_per_s` is work
//! over the wall time the path ran (only phases that measure it, e.g. the N-thread
//! one), `per_s_from_mean_latency` is work over the summed latencies (= 1 / mean
//! latency per unit), which is all a query-by-query interleaved phase can give.

use serde_json::{json, Map, Value};

/// Latencies (seconds) of one path in one phase, and the client CPU it used.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    pub lat: Vec<f64>,
    pub cpu_s: f64,
    /// Wall time of this path's share of the phase, when the phase measures it
    /// (several threads at once: the latency sum is then not a time).
    pub wall_s: Option<f64>,
    /// Per round: (seconds, operations). Seconds are wall time when `wall_s` is set,
    /// else the round's summed latencies.
    pub rounds: Vec<(f64, usize)>,
}

/// numpy's default (linear) percentile.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

/// Median of unsorted values (NaN when empty).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    percentile(&v, 50.0)
}

fn per(units: f64, secs: f64) -> Value {
    if secs > 0.0 {
        json!(units / secs)
    } else {
        Value::Null
    }
}

impl Samples {
    /// Operations per second of each round, on the same basis as the phase's rate.
    pub fn round_rates(&self) -> Vec<f64> {
        self.rounds
            .iter()
            .filter(|(s, _)| *s > 0.0)
            .map(|(s, ops)| *ops as f64 / s)
            .collect()
    }

    /// `units` is what rates count (rows for inserts, queries for searches).
    pub fn summary(&self, units: u64) -> Value {
        let mut s = self.lat.clone();
        s.sort_by(f64::total_cmp);
        let busy: f64 = s.iter().sum();
        let mean = if s.is_empty() {
            f64::NAN
        } else {
            busy / s.len() as f64
        };
        let mut m = Map::new();
        m.insert("ops".into(), json!(s.len()));
        m.insert("units".into(), json!(units));
        m.insert("latency_sum_s".into(), json!(busy));
        match self.wall_s {
            Some(wall) => {
                m.insert("wall_s".into(), json!(wall));
                m.insert("throughput_per_s".into(), per(units as f64, wall));
                m.insert(
                    "rate_basis".into(),
                    json!("units / wall time of this path's rounds"),
                );
            }
            None => {
                m.insert(
                    "rate_basis".into(),
                    json!("units / summed latencies = 1 / mean latency (paths interleaved op by op; no per-path wall time)"),
                );
            }
        }
        m.insert("per_s_from_mean_latency".into(), per(units as f64, busy));
        let rounds = self.round_rates();
        if !rounds.is_empty() {
            m.insert("round_rates_ops_per_s".into(), json!(rounds));
            m.insert("round_rate_p50_ops_per_s".into(), json!(median(&rounds)));
        }
        m.insert("mean_ms".into(), json!(mean * 1e3));
        m.insert("p50_ms".into(), json!(percentile(&s, 50.0) * 1e3));
        m.insert("p99_ms".into(), json!(percentile(&s, 99.0) * 1e3));
        m.insert("client_cpu_s".into(), json!(self.cpu_s));
        let time = self.wall_s.unwrap_or(busy);
        m.insert(
            "client_cpu_pct_of_time".into(),
            json!(if time > 0.0 {
                100.0 * self.cpu_s / time
            } else {
                0.0
            }),
        );
        Value::Object(m)
    }
}

/// The headline rate of a summary: wall-time throughput when measured, else the
/// 1 / mean-latency rate. Returns (value, basis).
pub fn rate(summary: &Value) -> Option<(f64, &'static str)> {
    if let Some(t) = summary["throughput_per_s"].as_f64() {
        return Some((t, "wall"));
    }
    summary["per_s_from_mean_latency"]
        .as_f64()
        .map(|r| (r, "1/mean latency"))
}

/// Mean fraction of each ground-truth top-k list found.
pub fn recall(found: &[Vec<i64>], gt: &[i32], k: usize) -> f64 {
    if found.is_empty() {
        return 0.0;
    }
    let mut total = 0.0;
    for (i, f) in found.iter().enumerate() {
        let g = &gt[i * k..(i + 1) * k];
        let hit = f
            .iter()
            .take(k)
            .filter(|id| g.iter().any(|x| i64::from(*x) == **id))
            .count();
        total += hit as f64 / k as f64;
    }
    total / found.len() as f64
}
