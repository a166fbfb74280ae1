//! The ef_search sweep behind the recall-vs-QPS plot: for each ef, every path runs
//! the queries for several rounds, query by query in rotating order (after an untimed
//! warm-up); a point's q/s is the median over rounds of queries / summed latency, so
//! one slow round on a shared machine does not move it.

use serde_json::{json, Value};

use crate::phases::{bar, err, Bench, Mode, Path, Res};

/// The Rust paths of the sweep (pyobvector joins them when its worker runs).
pub const SWEEP_PATHS: [Path; 3] = [Path::Diesel, Path::ObVec, Path::RawC];

impl Bench<'_> {
    fn set_ef(&mut self, ef: u32) -> Res<()> {
        diesel_seekdb::set_ef_search(&mut self.conn, ef).map_err(err)?;
        self.client.set_ob_hnsw_ef_search(ef).map_err(err)?;
        if let Some(py) = &mut self.py {
            py.set_ef(ef, crate::schema::T_DIESEL)?;
        }
        self.raw
            .execute(&format!("SET @@ob_hnsw_ef_search = {ef}"))?;
        Ok(())
    }

    /// recall@10 and single-thread q/s per ef_search value, for every path.
    pub fn sweep(&mut self, rounds: usize) -> Res<Vec<Value>> {
        self.log("ef_search sweep");
        let qs = self.all_queries();
        let mut points = Vec::new();
        let efs = self.opt.ef_list.clone();
        let paths = self.with_py(&SWEEP_PATHS);
        let pb = bar(efs.len() as u64, "ef_search sweep");
        for ef in efs {
            self.set_ef(ef)?;
            // Untimed: the first searches after a change are slower on every path.
            let warm: Vec<usize> = qs.iter().copied().take(20).collect();
            self.timed(&paths, &warm, 1, Mode::Ann, "warm-up")?;
            let t = self.timed(
                &paths,
                &qs,
                rounds.max(1),
                Mode::Ann,
                &format!("ef_search={ef}"),
            )?;
            let rep = self.report(&t, &self.ds.gt, qs.len());
            let mut point = json!({"ef_search": ef, "rounds": rounds.max(1)});
            for (p, s, _) in &t {
                let sum = s.summary(s.lat.len() as u64);
                point[p.name()] = json!({
                    "qps_p50_of_rounds": sum["round_rate_p50_ops_per_s"],
                    "qps_rounds": sum["round_rates_ops_per_s"],
                    "per_s_from_mean_latency": sum["per_s_from_mean_latency"],
                    "p50_ms": sum["p50_ms"], "p99_ms": sum["p99_ms"],
                    "recall_at_10": rep["recall_at_10"][p.name()],
                });
            }
            point["identical_result_lists_vs_raw_c"] =
                rep["identical_result_lists_vs_raw_c"].clone();
            points.push(point);
            pb.inc(1);
        }
        pb.finish_and_clear();
        let ef = self.default_ef;
        self.set_ef(ef)?;
        Ok(points)
    }
}
