//! The benchmark phases. Every phase runs each client path over the same work,
//! interleaved (batch by batch, round by round, alternating which path goes first), so
//! load from other processes hits all paths alike and ratios within a run are fair.

use std::time::Instant;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_seekdb::client::{AnnSearch, Distance, Filter};
use diesel_seekdb::ddl::{Column, ColumnType, CreateTable, VecIndexType, VectorIndex};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{codec, ObVecClient};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

use crate::data::{Dataset, FILTER_PAGE, TOPK};
use crate::pyworker::PyWorker;
use crate::raw::{process_cpu_seconds, RawConn, Target};
use crate::schema::{
    items, IdRow, NewItem, TypedRow, TABLES, T_DIESEL, T_OBVEC, T_PY, T_RAW, T_TYPED_TEXT,
};
use crate::stats::{recall, Samples};

pub type Res<T> = Result<T, String>;

pub fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

pub const FILTER_SQL: &str = "JSON_EXTRACT(meta, '$.page') = 3";

/// How a query orders and filters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Ann,
    Filtered,
    Exact,
}

/// A client path. `Diesel` and `ObVec` are the library; `RawC` is the floor
/// (libmysqlclient text protocol, hand-formatted SQL); `SqlQuery` is
/// `diesel::sql_query` with the same text (a prepared statement per call); `PyObVec`
/// is pyobvector in a worker process, interleaved like the others.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Path {
    Diesel,
    ObVec,
    RawC,
    SqlQuery,
    PyObVec,
    /// Inserts only: the typed API's text-protocol helper `diesel_ext::insert_rows`.
    TypedText,
}

impl Path {
    pub fn name(self) -> &'static str {
        match self {
            Path::Diesel => "diesel_typed",
            Path::ObVec => "obvec_client",
            Path::RawC => "raw_c_text",
            Path::SqlQuery => "diesel_sql_query",
            Path::PyObVec => "pyobvector",
            Path::TypedText => "typed_insert_rows",
        }
    }
}

pub struct Options {
    pub batch: usize,
    pub rounds: usize,
    pub threads: usize,
    pub exact_queries: usize,
    pub decode_rounds: usize,
    pub filtered_rounds: usize,
    pub ef_list: Vec<u32>,
    pub no_rebuild: bool,
    pub keep: bool,
}

pub struct Bench<'a> {
    pub ds: &'a Dataset,
    pub target: Target,
    pub opt: Options,
    pub conn: MysqlConnection,
    pub client: ObVecClient,
    pub raw: RawConn,
    pub phases: Map<String, Value>,
    pub env: Map<String, Value>,
    pub default_ef: u32,
    /// pyobvector, interleaved with the Rust paths (with `--compare-python`).
    pub py: Option<PyWorker>,
}

pub fn bar(len: u64, msg: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg:<28} [{bar:40}] {pos}/{len} {elapsed_precise} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(msg.to_string());
    pb
}

/// `'[1.5,2,...]'` for hand-written SQL, with the library's encoder (shortest
/// round-trip text) so the floor does not pay for slow float formatting.
fn vec_literal(out: &mut Vec<u8>, v: &[f32]) -> Res<()> {
    out.push(b'\'');
    codec::encode_into(v, out).map_err(err)?;
    out.push(b'\'');
    Ok(())
}

pub fn search_sql(table: &str, q: &[f32], mode: Mode) -> Res<Vec<u8>> {
    let mut s = Vec::with_capacity(64 + q.len() * 12);
    s.extend_from_slice(format!("SELECT id FROM {table} ").as_bytes());
    if mode == Mode::Filtered {
        s.extend_from_slice(format!("WHERE {FILTER_SQL} ").as_bytes());
    }
    s.extend_from_slice(b"ORDER BY l2_distance(v, ");
    vec_literal(&mut s, q)?;
    s.extend_from_slice(if mode == Mode::Exact {
        b") LIMIT 10"
    } else {
        b") APPROXIMATE LIMIT 10"
    });
    Ok(s)
}

pub fn parse_int(field: Option<&[u8]>) -> Res<i64> {
    let f = field.ok_or("NULL id")?;
    std::str::from_utf8(f).map_err(err)?.parse().map_err(err)
}

/// The typed Diesel query a user writes; its statement is prepared once and cached.
pub fn diesel_search(conn: &mut MysqlConnection, q: &[f32], mode: Mode) -> Res<Vec<i64>> {
    let v = Vector::from(q.to_vec());
    let ids: Vec<i32> = match mode {
        Mode::Ann => items::table
            .select(items::id)
            .order(items::v.l2_distance(v).approximate())
            .limit(TOPK as i64)
            .load(conn),
        Mode::Filtered => items::table
            .select(items::id)
            .filter(sql::<Bool>(FILTER_SQL))
            .order(items::v.l2_distance(v).approximate())
            .limit(TOPK as i64)
            .load(conn),
        Mode::Exact => items::table
            .select(items::id)
            .order(items::v.l2_distance(v))
            .limit(TOPK as i64)
            .load(conn),
    }
    .map_err(err)?;
    Ok(ids.into_iter().map(i64::from).collect())
}

pub fn obvec_search(client: &ObVecClient, q: &[f32], mode: Mode) -> Res<Vec<i64>> {
    let mut s = AnnSearch::new(T_DIESEL, "v", q.to_vec())
        .distance(Distance::L2)
        .topk(TOPK)
        .output_columns(["id"]);
    if mode == Mode::Filtered {
        s = s.filter(Filter::expr(sql::<Bool>(FILTER_SQL)));
    }
    let rows = match mode {
        Mode::Exact => client.precise_search(s),
        _ => client.ann_search(s),
    }
    .map_err(err)?;
    rows.iter()
        .map(|r| {
            r.get("id")
                .and_then(Value::as_i64)
                .ok_or_else(|| "row without id".to_string())
        })
        .collect()
}

pub fn raw_search(raw: &mut RawConn, q: &[f32], mode: Mode) -> Res<Vec<i64>> {
    let sql = search_sql(T_DIESEL, q, mode)?;
    let mut ids = Vec::with_capacity(TOPK);
    let mut bad = None;
    raw.query(&sql, |row| match parse_int(row[0]) {
        Ok(id) => ids.push(id),
        Err(e) => bad = Some(e),
    })?;
    bad.map_or(Ok(ids), Err)
}

fn sql_query_search(conn: &mut MysqlConnection, q: &[f32], mode: Mode) -> Res<Vec<i64>> {
    let sql = String::from_utf8(search_sql(T_DIESEL, q, mode)?).map_err(err)?;
    let rows: Vec<IdRow> = diesel::sql_query(sql).load(conn).map_err(err)?;
    Ok(rows.into_iter().map(|r| i64::from(r.id)).collect())
}

/// Per path: latencies, CPU and the first round's results.
pub type Timed = Vec<(Path, Samples, Vec<Vec<i64>>)>;

impl<'a> Bench<'a> {
    pub fn connect(ds: &'a Dataset, server: &Target, db: &str, opt: Options) -> Res<Self> {
        let mut boot = RawConn::connect(server)?;
        boot.execute(&format!("CREATE DATABASE IF NOT EXISTS `{db}`"))?;
        let target = server.with_db(db);
        let mut conn = MysqlConnection::establish(&target.url()).map_err(err)?;
        let client = ObVecClient::from_url(&target.url()).map_err(err)?;
        let raw = RawConn::connect(&target)?;
        let default_ef = diesel_seekdb::ef_search(&mut conn).map_err(err)?;
        #[derive(QueryableByName)]
        struct Version {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        let version: Version = diesel::sql_query("SELECT OB_VERSION() AS v")
            .get_result(&mut conn)
            .map_err(err)?;
        let mut env = Map::new();
        env.insert("server_version".into(), json!(version.v));
        env.insert("ob_hnsw_ef_search".into(), json!(default_ef));
        Ok(Bench {
            ds,
            target,
            opt,
            conn,
            client,
            raw,
            phases: Map::new(),
            env,
            default_ef,
            py: None,
        })
    }

    pub fn log(&self, msg: &str) {
        eprintln!("[seekdb-bench] {msg}");
    }

    pub fn drop_tables(&mut self) -> Res<()> {
        for t in TABLES {
            self.client.drop_table_if_exist(t).map_err(err)?;
        }
        Ok(())
    }

    /// Phase 1: the library creates two tables (builder DDL), the floor one (hand SQL).
    pub fn create(&mut self) -> Res<()> {
        self.log("phase 1: create table + HNSW index");
        self.drop_tables()?;
        let dim = u32::try_from(self.ds.dim).map_err(err)?;
        let mut lib = Vec::new();
        for t in [T_DIESEL, T_OBVEC, T_TYPED_TEXT] {
            let table = CreateTable::new(t)
                .column(Column::new("id", ColumnType::Int).primary_key())
                .column(Column::new("v", ColumnType::Vector(dim)))
                .column(Column::new("meta", ColumnType::Json))
                .vector_index(
                    VectorIndex::new("vidx", "v")
                        .index_type(VecIndexType::Hnsw)
                        .distance(Distance::L2)
                        .m(16)
                        .ef_construction(200),
                );
            let t0 = Instant::now();
            self.client.create_table(&table).map_err(err)?;
            lib.push(t0.elapsed().as_secs_f64());
        }
        let t0 = Instant::now();
        self.raw.execute(&format!(
            "CREATE TABLE {T_RAW} (id INT NOT NULL, v VECTOR({dim}), meta JSON, PRIMARY KEY (id), \
             VECTOR INDEX vidx (v) WITH (distance=l2, type=hnsw, lib=vsag, m=16, ef_construction=200))"
        ))?;
        let raw = t0.elapsed().as_secs_f64();
        let mut create = json!({"library_ms": lib.iter().sum::<f64>() / lib.len() as f64 * 1e3, "raw_c_ms": raw * 1e3});
        if let Some(py) = &mut self.py {
            let t0 = Instant::now();
            py.create(T_PY)?;
            // Includes the worker's pipe round trip and a DROP IF EXISTS.
            create["pyobvector_ms_incl_pipe"] = json!(t0.elapsed().as_secs_f64() * 1e3);
        }
        self.phases.insert("create".into(), create);
        Ok(())
    }

    /// Inserts rows `s..e` on `path`'s table; returns the latency in seconds.
    fn insert_batch(&mut self, path: Path, s: usize, e: usize) -> Res<f64> {
        let table = match path {
            Path::PyObVec => T_PY,
            Path::Diesel => T_DIESEL,
            Path::ObVec => T_OBVEC,
            Path::TypedText => T_TYPED_TEXT,
            Path::RawC | Path::SqlQuery => T_RAW,
        };
        self.insert_batch_into(path, table, s, e)
    }

    /// Inserts rows `s..e` into `table` through `path` (the typed `Diesel` path only
    /// knows its own `table!`, [`T_DIESEL`]); returns the latency in seconds.
    pub fn insert_batch_into(&mut self, path: Path, table: &str, s: usize, e: usize) -> Res<f64> {
        let ds = self.ds;
        let t0 = Instant::now();
        match path {
            Path::PyObVec => {
                return self
                    .py
                    .as_mut()
                    .ok_or("no pyobvector worker")?
                    .insert(table, s, e);
            }
            Path::Diesel => {
                if table != T_DIESEL {
                    return Err(format!(
                        "the typed path inserts into {T_DIESEL} only, not {table}"
                    ));
                }
                let rows: Vec<NewItem> = (s..e)
                    .map(|i| NewItem {
                        id: i as i32,
                        v: Vector::from(ds.row(i).to_vec()),
                        meta: ds.meta(i),
                    })
                    .collect();
                diesel::insert_into(items::table)
                    .values(&rows)
                    .execute(&mut self.conn)
                    .map_err(err)?;
            }
            Path::ObVec => {
                let rows: Vec<Value> = (s..e)
                    .map(|i| json!({"id": i, "v": ds.row(i), "meta": {"cluster": ds.labels[i], "page": i % 10}}))
                    .collect();
                self.client.insert(table, &rows, None).map_err(err)?;
            }
            Path::TypedText => {
                let rows: Vec<TypedRow<'_>> = (s..e)
                    .map(|i| TypedRow {
                        id: i as i32,
                        v: ds.row(i),
                        meta: json!({"cluster": ds.labels[i], "page": i % 10}),
                    })
                    .collect();
                diesel_seekdb::diesel_ext::insert_rows(&mut self.conn, table, &rows)
                    .map_err(err)?;
            }
            Path::RawC | Path::SqlQuery => {
                let mut sql = Vec::with_capacity((e - s) * (ds.dim * 11 + 48) + 64);
                sql.extend_from_slice(
                    format!("INSERT INTO {table} (id, v, meta) VALUES ").as_bytes(),
                );
                for i in s..e {
                    if i > s {
                        sql.push(b',');
                    }
                    sql.extend_from_slice(format!("({i},").as_bytes());
                    vec_literal(&mut sql, ds.row(i))?;
                    sql.extend_from_slice(format!(",'{}')", ds.meta(i)).as_bytes());
                }
                self.raw.query(&sql, |_| {})?;
            }
        }
        Ok(t0.elapsed().as_secs_f64())
    }

    /// Phases 2/3: every path loads its own table in `batch`-row statements.
    pub fn insert(&mut self) -> Res<()> {
        self.log("phases 2/3: bulk insert");
        let paths = self.with_py(&[Path::Diesel, Path::ObVec, Path::RawC, Path::TypedText]);
        let mut samples = vec![Samples::default(); paths.len()];
        let n = self.ds.n;
        let batches: Vec<(usize, usize)> = (0..n)
            .step_by(self.opt.batch)
            .map(|s| (s, (s + self.opt.batch).min(n)))
            .collect();
        let pb = bar(batches.len() as u64, "insert");
        for (k, &(s, e)) in batches.iter().enumerate() {
            for j in 0..paths.len() {
                let p = (j + k) % paths.len();
                let c0 = self.cpu(paths[p])?;
                let lat = self.insert_batch(paths[p], s, e)?;
                samples[p].lat.push(lat);
                samples[p].cpu_s += self.cpu(paths[p])? - c0;
            }
            pb.inc(1);
        }
        pb.finish_and_clear();
        let mut out = Map::new();
        for (p, s) in paths.iter().zip(&samples) {
            out.insert(p.name().into(), s.summary(n as u64));
        }
        // Same vectors in every table: the codec round-trips and nothing was dropped.
        let mut check = Map::new();
        let tables: &[&str] = if self.py.is_some() {
            &[T_OBVEC, T_RAW, T_TYPED_TEXT, T_PY]
        } else {
            &[T_OBVEC, T_RAW, T_TYPED_TEXT]
        };
        for &t in tables {
            let mut got = (0, 0);
            self.raw.query(
                format!("SELECT COUNT(*), SUM(l2_distance(a.v, b.v) = 0) FROM {T_DIESEL} a JOIN {t} b ON a.id = b.id")
                    .as_bytes(),
                |r| got = (parse_int(r[0]).unwrap_or(-1), parse_int(r[1]).unwrap_or(-1)),
            )?;
            check.insert(
                t.into(),
                json!({"rows_joined": got.0, "identical_vectors": got.1}),
            );
        }
        out.insert("check_vs_diesel_table".into(), Value::Object(check));
        out.insert("batch".into(), json!(self.opt.batch));
        out.insert("unit".into(), json!("rows"));
        self.phases.insert("insert".into(), Value::Object(out));
        Ok(())
    }

    /// `paths`, plus pyobvector when its worker runs.
    pub fn with_py(&self, paths: &[Path]) -> Vec<Path> {
        let mut v = paths.to_vec();
        if self.py.is_some() {
            v.push(Path::PyObVec);
        }
        v
    }

    /// CPU seconds used so far by the process that runs `path`.
    pub fn cpu(&mut self, path: Path) -> Res<f64> {
        match (path, &mut self.py) {
            (Path::PyObVec, Some(py)) => py.cpu(),
            (Path::PyObVec, None) => Err("no pyobvector worker".into()),
            _ => Ok(process_cpu_seconds()),
        }
    }

    /// One search of query `qi`: (ids, latency s).
    fn search_one(&mut self, path: Path, qi: usize, mode: Mode) -> Res<(Vec<i64>, f64)> {
        let q = self.ds.query(qi);
        let t0 = Instant::now();
        let ids = match path {
            Path::Diesel => diesel_search(&mut self.conn, q, mode),
            Path::ObVec => obvec_search(&self.client, q, mode),
            Path::RawC => raw_search(&mut self.raw, q, mode),
            Path::SqlQuery => sql_query_search(&mut self.conn, q, mode),
            Path::TypedText => Err("typed_insert_rows is an insert-only path".to_string()),
            Path::PyObVec => {
                let py = self.py.as_mut().ok_or("no pyobvector worker")?;
                let (lat, ids) = py.search(qi, T_DIESEL, mode)?;
                return Ok((ids, lat));
            }
        }?;
        Ok((ids, t0.elapsed().as_secs_f64()))
    }

    /// `rounds` passes over `queries`, each path in turn, the order rotating per round.
    pub fn timed(
        &mut self,
        paths: &[Path],
        queries: &[usize],
        rounds: usize,
        mode: Mode,
        label: &str,
    ) -> Res<Timed> {
        let mut out: Timed = paths
            .iter()
            .map(|p| (*p, Samples::default(), Vec::new()))
            .collect();
        // Query by query, each path in turn (the order rotating), so a burst of load
        // from elsewhere on the machine lands on every path alike.
        let pb = bar((rounds * queries.len()) as u64, label);
        let mut turn = 0;
        let py_idx = paths.iter().position(|p| *p == Path::PyObVec);
        for r in 0..rounds {
            let before: Vec<f64> = out.iter().map(|o| o.1.lat.iter().sum()).collect();
            let py_cpu0 = match py_idx {
                Some(_) => self.cpu(Path::PyObVec)?,
                None => 0.0,
            };
            for &qi in queries {
                for j in 0..paths.len() {
                    let p = (j + turn) % paths.len();
                    let path = out[p].0;
                    // The worker's CPU is read per round: a call per query would double its pipe traffic.
                    let c0 = if path == Path::PyObVec {
                        0.0
                    } else {
                        process_cpu_seconds()
                    };
                    let (ids, lat) = self.search_one(path, qi, mode)?;
                    out[p].1.lat.push(lat);
                    if path != Path::PyObVec {
                        out[p].1.cpu_s += process_cpu_seconds() - c0;
                    }
                    if r == 0 {
                        out[p].2.push(ids);
                    }
                }
                turn += 1;
                pb.inc(1);
            }
            if let Some(i) = py_idx {
                out[i].1.cpu_s += self.cpu(Path::PyObVec)? - py_cpu0;
            }
            for (o, b) in out.iter_mut().zip(before) {
                let busy = o.1.lat.iter().sum::<f64>() - b;
                o.1.rounds.push((busy, queries.len()));
            }
        }
        pb.finish_and_clear();
        Ok(out)
    }

    pub fn report(&self, timed: &Timed, gt: &[i32], nq_done: usize) -> Map<String, Value> {
        let mut m = Map::new();
        let mut recalls = Map::new();
        for (p, s, found) in timed {
            m.insert(p.name().into(), s.summary(s.lat.len() as u64));
            recalls.insert(p.name().into(), json!(recall(found, gt, TOPK)));
        }
        m.insert("recall_at_10".into(), Value::Object(recalls));
        let raw = timed.iter().find(|t| t.0 == Path::RawC);
        let mut same = Map::new();
        for (p, _, found) in timed {
            if let (Some(raw), true) = (raw, *p != Path::RawC) {
                let eq = found.iter().zip(&raw.2).filter(|(a, b)| a == b).count();
                same.insert(p.name().into(), json!(eq as f64 / nq_done.max(1) as f64));
            }
        }
        m.insert(
            "identical_result_lists_vs_raw_c".into(),
            Value::Object(same),
        );
        m.insert("unit".into(), json!("queries"));
        m
    }

    pub fn all_queries(&self) -> Vec<usize> {
        (0..self.ds.nq).collect()
    }

    /// Phase 3b/3c: a few searches on the freshly loaded index, then REBUILD_INDEX.
    pub fn rebuild(&mut self) -> Res<()> {
        if self.opt.no_rebuild {
            return Ok(());
        }
        self.log("phase 3b: ANN before rebuild, then rebuild_index");
        let few: Vec<usize> = (0..self.ds.nq.min(50)).collect();
        let t = self.timed(
            &[Path::Diesel, Path::RawC],
            &few,
            1,
            Mode::Ann,
            "ANN before rebuild",
        )?;
        let gt: Vec<i32> = self.ds.gt[..few.len() * TOPK].to_vec();
        let rep = self.report(&t, &gt, few.len());
        self.phases
            .insert("ann_before_rebuild".into(), Value::Object(rep));
        let mut lib = Map::new();
        for table in [T_DIESEL, T_OBVEC] {
            let t0 = Instant::now();
            self.client.rebuild_index(table, "vidx", 0.2).map_err(err)?;
            lib.insert(table.into(), json!(t0.elapsed().as_secs_f64()));
        }
        let t0 = Instant::now();
        self.raw.execute(&format!(
            "CALL DBMS_VECTOR.REBUILD_INDEX('vidx', '{T_RAW}', '', 0.2)"
        ))?;
        let raw = t0.elapsed().as_secs_f64();
        self.phases.insert(
            "rebuild_index".into(),
            json!({"library_s": lib, "raw_c_s": raw}),
        );
        Ok(())
    }

    /// Phases 4/5: ANN top-10 on one thread, every path on the same table.
    pub fn ann(&mut self) -> Res<()> {
        self.log("phases 4/5: ANN search, single thread");
        let qs = self.all_queries();
        let warm: Vec<usize> = qs.iter().copied().take(20).collect();
        let paths = self.with_py(&[Path::Diesel, Path::ObVec, Path::RawC, Path::SqlQuery]);
        self.timed(&paths, &warm, 1, Mode::Ann, "ANN warm-up")?;
        let wall0 = Instant::now();
        let t = self.timed(&paths, &qs, self.opt.rounds, Mode::Ann, "ANN top-10")?;
        let wall = wall0.elapsed().as_secs_f64();
        let mut rep = self.report(&t, &self.ds.gt, qs.len());
        rep.insert("phase_wall_s".into(), json!(wall));
        rep.insert("ef_search".into(), json!(self.default_ef));
        self.phases.insert("ann".into(), Value::Object(rep));
        Ok(())
    }

    /// Phase 6: exact search (full scan) on a subset of the queries.
    pub fn exact(&mut self) -> Res<()> {
        self.log("phase 6: exact search");
        let qs: Vec<usize> = (0..self.ds.nq.min(self.opt.exact_queries)).collect();
        let paths = self.with_py(&[Path::Diesel, Path::ObVec, Path::RawC]);
        let t = self.timed(&paths, &qs, 1, Mode::Exact, "exact search")?;
        let gt = self.ds.gt[..qs.len() * TOPK].to_vec();
        let rep = self.report(&t, &gt, qs.len());
        self.phases.insert("exact".into(), Value::Object(rep));
        Ok(())
    }

    /// Phase 7: ANN with a JSON filter (page = 3, ~10% of rows).
    pub fn filtered(&mut self) -> Res<()> {
        self.log("phase 7: filtered ANN");
        let qs = self.all_queries();
        let paths = self.with_py(&[Path::Diesel, Path::ObVec, Path::RawC]);
        let t = self.timed(
            &paths,
            &qs,
            self.opt.filtered_rounds,
            Mode::Filtered,
            "filtered ANN",
        )?;
        let mut rep = self.report(&t, &self.ds.gt_filtered, qs.len());
        let all_match = t
            .iter()
            .all(|(_, _, f)| f.iter().flatten().all(|id| id % 10 == FILTER_PAGE));
        rep.insert("all_results_match_filter".into(), json!(all_match));
        rep.insert("filter_sql".into(), json!(FILTER_SQL));
        self.phases
            .insert("filtered_ann".into(), Value::Object(rep));
        Ok(())
    }

    pub fn finish(mut self) -> Res<()> {
        if !self.opt.keep {
            self.drop_tables()?;
        }
        Ok(())
    }
}
