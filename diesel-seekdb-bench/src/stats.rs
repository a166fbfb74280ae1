//! Latency summaries in the same shape as the Python reference's JSON.

use serde_json::{json, Value};

/// Latencies (seconds) of one path in one phase, and the client CPU it used.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    pub lat: Vec<f64>,
    pub cpu_s: f64,
    /// Wall time of the whole phase for this path (differs from the latency sum when
    /// several threads run at once).
    pub wall_s: Option<f64>,
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

impl Samples {
    /// `units` is what throughput counts (rows for inserts, queries for searches).
    pub fn summary(&self, units: u64) -> Value {
        let mut s = self.lat.clone();
        s.sort_by(f64::total_cmp);
        let sum: f64 = s.iter().sum();
        let total = self.wall_s.unwrap_or(sum);
        let mean = if s.is_empty() {
            f64::NAN
        } else {
            sum / s.len() as f64
        };
        json!({
            "ops": s.len(),
            "units": units,
            "total_s": total,
            "throughput_per_s": if total > 0.0 { units as f64 / total } else { 0.0 },
            "mean_ms": mean * 1e3,
            "p50_ms": percentile(&s, 50.0) * 1e3,
            "p99_ms": percentile(&s, 99.0) * 1e3,
            "client_cpu_s": self.cpu_s,
            "client_cpu_pct_of_wall": if total > 0.0 { 100.0 * self.cpu_s / total } else { 0.0 },
        })
    }
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
