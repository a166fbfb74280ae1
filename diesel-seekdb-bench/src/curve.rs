//! `--curve`: how the figures users feel change with the table's size. For each N, on
//! one server and back to back, so every reference sees the same machine:
//!
//! 1. **Time to searchable**, rows in hand to a table whose HNSW index serves searches:
//!    the raw-SQL floor (TSV + `LOAD DATA /*+ direct */` + `CREATE /*+ parallel */ VECTOR
//!    INDEX`), the library's `ObVecClient::bulk_load_serialize`, and pyobvector's way
//!    (`insert` 1,000 rows per call into the indexed table, then `REBUILD_INDEX`), which also
//!    gives pyobvector's insert rows/s over the whole load. pyobvector's load is skipped
//!    above `--curve-py-load-max` rows (it takes hours there) and recorded as not run.
//! 2. **Inserts at size N**: one copy per path of the library's loaded table (`FORK TABLE`,
//!    copy-on-write, index included), its last `--curve-sample` rows deleted, then re-inserted
//!    1,000 per statement, batch by batch with the paths rotating: typed
//!    `diesel_ext::insert_rows`, `ObVecClient::insert`, raw multi-row INSERT text, pyobvector.
//! 3. **ANN top-10** on the library's loaded table at the server's default ef_search: typed
//!    DSL, ObVecClient, raw text and pyobvector, query by query interleaved; q/s = 1 / mean
//!    latency, and recall@10 against exact ground truth.
//!
//! 4. **ANN with `--threads` threads** over r2d2 pools (the main run's N-thread phase) on
//!    the same table: typed DSL, ObVecClient and raw text (pyobvector has no threaded mode).
//!
//! Each N writes `curve-n<N>.json`; the plot (`curve.png`) is drawn from every such file
//! in the output directory.

use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::loading::parallel;
use crate::phases::{bar, Bench, Mode, Path, Res};
use crate::schema::{T_DIESEL, T_LOAD_LIB, T_LOAD_RAW, T_PY};

/// Settings of a curve point.
pub struct CurveOptions {
    /// Rows re-inserted per path in the inserts-at-size-N step.
    pub sample: usize,
    /// pyobvector's full insert + rebuild runs only up to this many rows.
    pub py_load_max: usize,
    /// Passes over the queries in the ANN step.
    pub rounds: usize,
    /// Runs of each fast load (raw floor, library), alternating; their mean is reported.
    pub load_runs: usize,
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn fork_name(path: Path) -> String {
    format!("seekdb_bench_fork_{}", path.name())
}

impl Bench<'_> {
    /// One point of the curve at this data set's N (see the module docs).
    pub fn curve_point(&mut self, opt: &CurveOptions) -> Res<Value> {
        let n = self.ds.n;
        let p = parallel();
        let mut out = Map::new();
        out.insert("n".into(), json!(n));
        out.insert("dim".into(), json!(self.ds.dim));
        out.insert("queries".into(), json!(self.ds.nq));
        out.insert("parallel".into(), json!(p));
        out.insert("ef_search".into(), json!(self.default_ef));
        out.insert("loadavg_start".into(), json!(loadavg()));
        self.drop_tables()?;

        // 1. Time to searchable. With `load_runs` 2 the order is raw, library, library,
        // raw, so drift in the machine's load hits both alike; the last library load
        // leaves the table the later steps use.
        let (mut raws, mut libs) = (Vec::new(), Vec::new());
        let order: Vec<bool> = match opt.load_runs {
            0 | 1 => vec![true, false],
            k => (0..2 * k).map(|i| i % 4 == 0 || i % 4 == 3).collect(),
        };
        let last_lib = order.iter().rposition(|is_raw| !is_raw).unwrap_or(0);
        for (i, is_raw) in order.iter().enumerate() {
            if *is_raw {
                self.log(&format!(
                    "curve N={n}: raw floor (direct load + parallel index)"
                ));
                let mut raw = self.raw_floor(p)?;
                raw["loadavg_after"] = json!(loadavg());
                raws.push(raw);
                self.raw
                    .execute(&format!("DROP TABLE IF EXISTS {T_LOAD_RAW}"))?;
            } else {
                self.log(&format!("curve N={n}: library bulk_load"));
                let table = if i == last_lib { T_DIESEL } else { T_LOAD_LIB };
                let mut lib = self.library_load_into(table, p)?;
                lib["loadavg_after"] = json!(loadavg());
                libs.push(lib);
                self.raw
                    .execute(&format!("DROP TABLE IF EXISTS {T_LOAD_LIB}"))?;
            }
        }
        let mean = |runs: &[Value]| {
            let t: Vec<f64> = runs.iter().filter_map(|r| r["total_s"].as_f64()).collect();
            json!({"runs": runs, "total_s": t.iter().sum::<f64>() / t.len().max(1) as f64})
        };
        let (raw, lib) = (mean(&raws), mean(&libs));
        let py_load = if self.py.is_some() && n <= opt.py_load_max {
            self.pyobvector_load()?
        } else if self.py.is_some() {
            json!({"not_run": format!("N > --curve-py-load-max ({})", opt.py_load_max)})
        } else {
            json!({"not_run": "no pyobvector worker (--compare-python)"})
        };
        let ratio = |a: &Value, b: &Value| match (a["total_s"].as_f64(), b["total_s"].as_f64()) {
            (Some(a), Some(b)) if b > 0.0 => json!(a / b),
            _ => Value::Null,
        };
        out.insert(
            "time_to_searchable".into(),
            json!({
                "raw_floor": raw.clone(),
                "library_bulk_load": lib.clone(),
                "pyobvector_insert_plus_rebuild": py_load.clone(),
                "library_vs_floor": ratio(&lib, &raw),
                "pyobvector_vs_library": ratio(&py_load, &lib),
            }),
        );

        // 2. Inserts into a table holding N rows.
        out.insert("inserts_at_n".into(), self.inserts_at_n(opt.sample)?);

        // 3. ANN on the library's loaded table.
        out.insert("ann".into(), self.curve_ann(opt.rounds)?);
        if self.opt.threads > 1 {
            self.ann_threads()?;
            if let Some(t) = self.phases.remove("ann_threads") {
                out.insert("ann_threads".into(), t);
            }
        }
        out.insert("loadavg_end".into(), json!(loadavg()));
        out.insert("targets".into(), targets(&out));
        self.drop_tables()?;
        Ok(Value::Object(out))
    }

    /// pyobvector's way to a searchable table: inserts into the indexed table, then a rebuild.
    fn pyobvector_load(&mut self) -> Res<Value> {
        let n = self.ds.n;
        self.log(&format!(
            "curve N={n}: pyobvector insert into the indexed table + REBUILD_INDEX"
        ));
        let py = self.py.as_mut().ok_or("no pyobvector worker")?;
        py.create(T_PY)?;
        let batch = self.opt.batch;
        let pb = bar(n.div_ceil(batch) as u64, "pyobvector insert");
        let (mut lat, t0) = (0.0, Instant::now());
        for s in (0..n).step_by(batch) {
            lat += py.insert(T_PY, s, (s + batch).min(n))?;
            pb.inc(1);
        }
        pb.finish_and_clear();
        let insert_wall = t0.elapsed().as_secs_f64();
        let rebuild = self.with_timeouts(36_000, |b| {
            let t1 = Instant::now();
            b.raw.execute(&format!(
                "CALL DBMS_VECTOR.REBUILD_INDEX('vidx', '{T_PY}', '', 0)"
            ))?;
            Ok(t1.elapsed().as_secs_f64())
        })?;
        self.raw.execute(&format!("DROP TABLE IF EXISTS {T_PY}"))?;
        self.log(&format!(
            "pyobvector: insert {insert_wall:.1} s + rebuild {rebuild:.1} s"
        ));
        Ok(json!({
            "insert_s": insert_wall,
            "insert_latency_sum_s": lat,
            "insert_rows_per_s": n as f64 / lat,
            "rebuild_s": rebuild,
            "total_s": insert_wall + rebuild,
            "batch": batch,
            "loadavg_after": loadavg(),
        }))
    }

    /// Every path re-inserts the last `sample` rows into its own fork of the loaded table.
    fn inserts_at_n(&mut self, sample: usize) -> Res<Value> {
        let n = self.ds.n;
        let m = sample.min(n / 4).max(1);
        self.log(&format!(
            "curve N={n}: inserts of {m} rows per path into forks holding {} rows",
            n - m
        ));
        let paths = self.with_py(&[Path::TypedText, Path::ObVec, Path::RawC]);
        for &path in &paths {
            let fork = fork_name(path);
            self.raw.execute(&format!("DROP TABLE IF EXISTS {fork}"))?;
            self.raw
                .execute(&format!("FORK TABLE {T_DIESEL} TO {fork}"))?;
            self.raw
                .execute(&format!("DELETE FROM {fork} WHERE id >= {}", n - m))?;
        }
        let mut lat = vec![0.0f64; paths.len()];
        let mut each: Vec<Vec<f64>> = vec![Vec::new(); paths.len()];
        let mut cpu = vec![0.0f64; paths.len()];
        let batch = self.opt.batch;
        let starts: Vec<usize> = (n - m..n).step_by(batch).collect();
        for (k, &s) in starts.iter().enumerate() {
            let e = (s + batch).min(n);
            for j in 0..paths.len() {
                let i = (j + k) % paths.len();
                let c0 = self.cpu(paths[i])?;
                let l = self.insert_batch_into(paths[i], &fork_name(paths[i]), s, e)?;
                lat[i] += l;
                each[i].push(l);
                cpu[i] += self.cpu(paths[i])? - c0;
            }
        }
        let mut out = Map::new();
        for (i, &path) in paths.iter().enumerate() {
            let fork = fork_name(path);
            let mut count = -1;
            self.raw
                .query(format!("SELECT COUNT(*) FROM {fork}").as_bytes(), |r| {
                    count = crate::phases::parse_int(r[0]).unwrap_or(-1)
                })?;
            self.raw.execute(&format!("DROP TABLE IF EXISTS {fork}"))?;
            out.insert(
                path.name().into(),
                json!({
                    "rows": m, "latency_sum_s": lat[i], "rows_per_s": m as f64 / lat[i],
                    "batch_latency_s": each[i], "batch_p50_s": crate::stats::median(&each[i]),
                    "client_cpu_s": cpu[i], "rows_in_table_after": count,
                }),
            );
        }
        out.insert("rows_in_table_before".into(), json!(n - m));
        out.insert("batch".into(), json!(batch));
        out.insert(
            "rate_basis".into(),
            json!("rows / summed statement latencies (paths interleaved batch by batch)"),
        );
        Ok(Value::Object(out))
    }

    fn curve_ann(&mut self, rounds: usize) -> Res<Value> {
        self.log(&format!("curve N={}: ANN top-10", self.ds.n));
        let qs = self.all_queries();
        let paths = self.with_py(&[Path::Diesel, Path::ObVec, Path::RawC]);
        let warm: Vec<usize> = qs.iter().copied().take(20).collect();
        self.timed(&paths, &warm, 1, Mode::Ann, "ANN warm-up")?;
        let t = self.timed(&paths, &qs, rounds.max(1), Mode::Ann, "ANN top-10")?;
        let mut rep = self.report(&t, &self.ds.gt, qs.len());
        rep.insert("ef_search".into(), json!(self.default_ef));
        Ok(Value::Object(rep))
    }
}

fn target(value: Option<f64>, reference: Option<f64>, goal: f64, what: &str) -> Value {
    match (value, reference) {
        (Some(v), Some(r)) if r > 0.0 => {
            let ratio = v / r;
            json!({"what": what, "ratio": ratio, "goal": goal,
                   "status": if ratio >= goal { "met" } else { "not met" }})
        }
        _ => json!({"what": what, "goal": goal, "status": "not measured at this N"}),
    }
}

/// The targets at this N, each against a reference measured in the same point.
fn targets(p: &Map<String, Value>) -> Value {
    let tts = &p["time_to_searchable"];
    let secs = |k: &str| tts[k]["total_s"].as_f64();
    let ins = |k: &str| p["inserts_at_n"][k]["rows_per_s"].as_f64();
    let qps = |k: &str| p["ann"][k]["per_s_from_mean_latency"].as_f64();
    let threads = |k: &str| p["ann_threads"][k]["throughput_per_s"].as_f64();
    // Times: a faster path has the larger inverse.
    let inv = |x: Option<f64>| x.map(|s| 1.0 / s);
    json!([
        target(inv(secs("library_bulk_load")), inv(secs("raw_floor")), 1.0 / 1.1,
               "time to searchable: library within 10% of the raw floor (floor time / library time >= 0.909)"),
        target(inv(secs("library_bulk_load")), inv(secs("pyobvector_insert_plus_rebuild")), 2.0,
               "time to searchable: library >= 2x faster than pyobvector insert + rebuild"),
        target(ins("typed_insert_rows"), ins("raw_c_text"), 1.0, "typed inserts >= raw INSERT floor"),
        target(ins("obvec_client"), ins("raw_c_text"), 1.0, "ObVecClient inserts >= raw INSERT floor"),
        target(ins("typed_insert_rows"), ins("pyobvector"), 2.0, "typed inserts >= 2x pyobvector"),
        target(qps("diesel_typed"), qps("raw_c_text"), 1.0, "typed DSL ANN >= raw floor"),
        target(qps("obvec_client"), qps("raw_c_text"), 1.0, "ObVecClient ANN >= raw floor"),
        target(qps("diesel_typed"), qps("pyobvector"), 3.0, "typed DSL ANN >= 3x pyobvector"),
        target(threads("obvec_client"), threads("raw_c_text"), 1.0, "ObVecClient ANN on N threads >= raw floor"),
        target(threads("diesel_typed"), threads("raw_c_text"), 1.0, "typed DSL ANN on N threads >= raw floor"),
    ])
}
