//! Phase 9: time to searchable. From rows in hand to a table whose vector index serves
//! searches, three ways on the same data:
//! - the library's `ObVecClient::bulk_load` (staging copy, `LOAD DATA /*+ direct */
//!   LOCAL INFILE`, `CREATE /*+ parallel(P) */ VECTOR INDEX`, swap), into an empty
//!   table declared with its HNSW index;
//! - the raw-SQL floor over libmysqlclient: the rows written to a TSV file, `LOAD DATA
//!   /*+ direct(true, 0) */ LOCAL INFILE` into a table without the index, then
//!   `CREATE /*+ parallel(P) */ VECTOR INDEX`;
//! - insert into the indexed table + `REBUILD_INDEX`, as pyobvector users do: the insert
//!   phase's summed latencies plus a timed rebuild (pyobvector's table when its worker
//!   runs, else the raw-SQL INSERT table).
//!
//! Then ANN on the bulk-loaded table right after the load, and again after a manual
//! `REBUILD_INDEX`: two passes each (the first pass after a build warms the index).

use std::io::Write;
use std::time::Instant;

use diesel_seekdb::client::BulkLoadOptions;
use serde_json::{json, Map, Value};

use crate::data::TOPK;
use crate::phases::{err, parse_int, search_sql, Bench, Mode, Res};
use crate::raw::RawConn;
use crate::schema::{TypedRow, T_LOAD_LIB, T_LOAD_RAW, T_PY, T_RAW};
use crate::stats::recall;

/// The build's degree: this machine's cores (the server shares them).
pub fn parallel() -> u32 {
    std::thread::available_parallelism()
        .map(|n| n.get() as u32)
        .unwrap_or(2)
}

pub const INDEX_WITH: &str = "WITH (distance=l2, type=hnsw, lib=vsag, m=16, ef_construction=200)";

impl Bench<'_> {
    pub fn time_to_searchable(&mut self) -> Res<()> {
        self.log("phase 9: time to searchable (bulk load vs raw direct load vs insert+rebuild)");
        let p = parallel();
        let mut out = Map::new();
        out.insert("rows".into(), json!(self.ds.n));
        out.insert("parallel".into(), json!(p));
        // Two runs each, in the order raw, library, library, raw, so drift in the
        // machine's load hits both alike.
        let (mut raw_runs, mut lib_runs) = (Vec::new(), Vec::new());
        for k in 0..4 {
            if k == 0 || k == 3 {
                raw_runs.push(self.raw_floor(p)?);
                self.raw
                    .execute(&format!("DROP TABLE IF EXISTS {T_LOAD_RAW}"))?;
            } else {
                lib_runs.push(self.library_load(p)?);
            }
        }
        let total = |runs: &[Value]| -> f64 {
            runs.iter()
                .filter_map(|r| r["total_s"].as_f64())
                .sum::<f64>()
                / runs.len() as f64
        };
        let (raw_total, lib_total) = (total(&raw_runs), total(&lib_runs));
        out.insert(
            "raw_direct_load_plus_parallel_index".into(),
            json!({"runs": raw_runs, "mean_total_s": raw_total}),
        );
        out.insert(
            "library_bulk_load".into(),
            json!({"runs": lib_runs, "mean_total_s": lib_total}),
        );

        // Insert into the indexed table + rebuild (the pyobvector way).
        let insert = &self.phases["insert"];
        let (who, table) = if self.py.is_some() {
            ("pyobvector", T_PY)
        } else {
            ("raw_c_text", T_RAW)
        };
        let insert_s = insert[who]["latency_sum_s"].as_f64();
        let t0 = Instant::now();
        self.raw.execute(&format!(
            "CALL DBMS_VECTOR.REBUILD_INDEX('vidx', '{table}', '', 0)"
        ))?;
        let rebuild_s = t0.elapsed().as_secs_f64();
        out.insert(
            "insert_plus_rebuild".into(),
            json!({
                "path": who,
                "insert_s": insert_s,
                "rebuild_s": rebuild_s,
                "total_s": insert_s.map(|s| s + rebuild_s),
                "note": "insert = the insert phase's summed latencies into the indexed table \
                         (batch rows per statement), interleaved with the other paths",
            }),
        );
        if let Some(total) = insert_s.map(|s| s + rebuild_s) {
            out.insert(
                "ratios".into(),
                json!({
                    "library_vs_raw_floor": lib_total / raw_total,
                    "insert_plus_rebuild_vs_library": total / lib_total,
                }),
            );
        }

        // ANN right after the load, then after a manual rebuild.
        let mut ann = Map::new();
        ann.insert("after_load".into(), self.ann_passes(T_LOAD_LIB)?);
        let t0 = Instant::now();
        self.client
            .rebuild_index(T_LOAD_LIB, "vidx", 0.0)
            .map_err(err)?;
        ann.insert("rebuild_s".into(), json!(t0.elapsed().as_secs_f64()));
        ann.insert("after_rebuild".into(), self.ann_passes(T_LOAD_LIB)?);
        out.insert("ann_raw_text_single_thread".into(), Value::Object(ann));
        self.raw
            .execute(&format!("DROP TABLE IF EXISTS {T_LOAD_LIB}"))?;
        self.phases
            .insert("time_to_searchable".into(), Value::Object(out));
        Ok(())
    }

    /// Runs `f` with statement and transaction timeouts of `secs` on the floor's
    /// connection, then puts back seekdb's defaults (10 s statements, 1-day transactions).
    pub fn with_timeouts<T>(&mut self, secs: u64, f: impl FnOnce(&mut Self) -> Res<T>) -> Res<T> {
        let us = secs * 1_000_000;
        self.raw.execute(&format!(
            "SET ob_query_timeout = {us}, ob_trx_timeout = {us}"
        ))?;
        let out = f(self);
        self.raw
            .execute("SET ob_query_timeout = 10000000, ob_trx_timeout = 86400000000")?;
        out
    }

    /// The raw-SQL floor: TSV file, direct load into a table without the index,
    /// parallel index build.
    pub fn raw_floor(&mut self, p: u32) -> Res<Value> {
        let dim = self.ds.dim;
        self.raw
            .execute(&format!("DROP TABLE IF EXISTS {T_LOAD_RAW}"))?;
        self.raw.execute(&format!(
            "CREATE TABLE {T_LOAD_RAW} (id INT NOT NULL, v VECTOR({dim}), meta JSON, PRIMARY KEY (id))"
        ))?;
        let path = std::env::temp_dir().join(format!("seekdb-bench-{}.tsv", std::process::id()));
        let t0 = Instant::now();
        {
            let file = std::fs::File::create(&path).map_err(err)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            let mut line = Vec::with_capacity(dim * 12 + 64);
            for i in 0..self.ds.n {
                line.clear();
                line.extend_from_slice(format!("{i}\t").as_bytes());
                diesel_seekdb::codec::encode_into(self.ds.row(i), &mut line).map_err(err)?;
                line.push(b'\t');
                line.extend_from_slice(self.ds.meta(i).as_bytes());
                line.push(b'\n');
                w.write_all(&line).map_err(err)?;
            }
            w.flush().map_err(err)?;
        }
        let (load, index) = self.with_timeouts(3600, |b| {
            b.raw.execute(&format!(
                "LOAD DATA /*+ direct(true, 0) */ LOCAL INFILE '{}' INTO TABLE {T_LOAD_RAW} \
                 FIELDS TERMINATED BY '\\t' (id, v, meta)",
                path.display()
            ))?;
            let load = t0.elapsed().as_secs_f64();
            let _ = std::fs::remove_file(&path);
            let t1 = Instant::now();
            b.raw.execute(&format!(
                "CREATE /*+ parallel({p}) */ VECTOR INDEX vidx ON {T_LOAD_RAW}(v) {INDEX_WITH}"
            ))?;
            Ok((load, t1.elapsed().as_secs_f64()))
        })?;
        let total = t0.elapsed().as_secs_f64();
        self.log(&format!(
            "raw floor: load {load:.1} s + index {index:.1} s = {total:.1} s"
        ));
        Ok(json!({"load_s": load, "index_s": index, "total_s": total}))
    }

    /// The library: `bulk_load_serialize` of typed rows into an empty table declared
    /// with its index (left loaded for the ANN passes).
    fn library_load(&mut self, p: u32) -> Res<Value> {
        self.library_load_into(T_LOAD_LIB, p)
    }

    /// `bulk_load_serialize` into `table`, created empty with its HNSW index first.
    pub fn library_load_into(&mut self, table: &str, p: u32) -> Res<Value> {
        let dim = self.ds.dim;
        self.raw.execute(&format!("DROP TABLE IF EXISTS {table}"))?;
        self.raw.execute(&format!(
            "CREATE TABLE {table} (id INT NOT NULL, v VECTOR({dim}), meta JSON, PRIMARY KEY (id), \
             VECTOR INDEX vidx (v) {INDEX_WITH})"
        ))?;
        let ds = self.ds;
        let rows = (0..ds.n).map(|i| TypedRow {
            id: i as i32,
            v: ds.row(i),
            meta: json!({"cluster": ds.labels[i], "page": i % 10}),
        });
        let t0 = Instant::now();
        let report = self
            .client
            .bulk_load_serialize(table, rows, BulkLoadOptions::new().parallel(p))
            .map_err(err)?;
        let total = t0.elapsed().as_secs_f64();
        self.log(&format!(
            "library bulk_load: load {:.1} s + index {:.1} s = {total:.1} s",
            report.load_time.as_secs_f64(),
            report.index_time.as_secs_f64()
        ));
        Ok(json!({
            "load_s": report.load_time.as_secs_f64(),
            "index_s": report.index_time.as_secs_f64(),
            "total_s": total,
            "rows_per_s_load": report.rows_per_sec,
            "method": format!("{:?}", report.method),
        }))
    }

    /// Two passes over every query on `table` (floor path): q/s and recall@10 each.
    fn ann_passes(&mut self, table: &str) -> Res<Value> {
        let mut passes = Vec::new();
        for _ in 0..2 {
            let mut found = Vec::with_capacity(self.ds.nq);
            let t0 = Instant::now();
            for qi in 0..self.ds.nq {
                found.push(search_ids(&mut self.raw, table, self.ds.query(qi))?);
            }
            let secs = t0.elapsed().as_secs_f64();
            passes.push(json!({
                "qps": self.ds.nq as f64 / secs,
                "recall_at_10": recall(&found, &self.ds.gt, TOPK),
            }));
        }
        Ok(json!(passes))
    }
}

fn search_ids(raw: &mut RawConn, table: &str, q: &[f32]) -> Res<Vec<i64>> {
    let sql = search_sql(table, q, Mode::Ann)?;
    let mut ids = Vec::with_capacity(TOPK);
    let mut bad = None;
    raw.query(&sql, |row| match parse_int(row[0]) {
        Ok(id) => ids.push(id),
        Err(e) => bad = Some(e),
    })?;
    bad.map_or(Ok(ids), Err)
}
