//! The N-thread ANN phase. Every path gets the same pool treatment: an r2d2 pool of
//! N connections (opened before timing), the session settings applied by a connection
//! customizer, r2d2's default `test_on_check_out` (one `SELECT 1` round trip per
//! checkout) and one checkout per query. Rounds alternate between the paths (the order
//! rotating), so each path sees the same load, and throughput is queries over the wall
//! time of that path's rounds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use diesel::r2d2::{ConnectionManager, CustomizeConnection, ManageConnection, Pool};
use diesel::MysqlConnection;
use diesel_seekdb::{ObVecClient, SessionSettings};
use serde_json::{json, Map, Value};

use crate::data::{Dataset, TOPK};
use crate::phases::{bar, diesel_search, err, obvec_search, raw_search, Bench, Mode, Path, Res};
use crate::raw::{process_cpu_seconds, RawConn, Target};
use crate::stats::{recall, Samples};

/// r2d2's error type must be a `std::error::Error`.
#[derive(Debug)]
pub struct RawError(String);

impl std::fmt::Display for RawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RawError {}

/// Pools floor connections the way Diesel's `ConnectionManager` pools its own.
pub struct RawManager(Target);

impl ManageConnection for RawManager {
    type Connection = RawConn;
    type Error = RawError;

    fn connect(&self) -> Result<RawConn, RawError> {
        RawConn::connect(&self.0).map_err(RawError)
    }

    /// The same check Diesel's manager runs on every checkout.
    fn is_valid(&self, conn: &mut RawConn) -> Result<(), RawError> {
        conn.execute("SELECT 1").map(|_| ()).map_err(RawError)
    }

    fn has_broken(&self, _: &mut RawConn) -> bool {
        false
    }
}

/// The `SET` statement of [`SessionSettings`], run when a floor connection opens
/// (what `SessionSettings` does as a customizer of Diesel connections).
#[derive(Debug)]
struct RawSession(String);

impl CustomizeConnection<RawConn, RawError> for RawSession {
    fn on_acquire(&self, conn: &mut RawConn) -> Result<(), RawError> {
        if self.0.is_empty() {
            return Ok(());
        }
        conn.execute(&self.0).map(|_| ()).map_err(RawError)
    }
}

pub fn diesel_pool(
    target: &Target,
    size: u32,
    settings: SessionSettings,
) -> Res<Pool<ConnectionManager<MysqlConnection>>> {
    Pool::builder()
        .max_size(size)
        .min_idle(Some(size))
        .connection_customizer(Box::new(settings))
        .build(ConnectionManager::<MysqlConnection>::new(target.url()))
        .map_err(err)
}

/// The floor's pool, treated like [`diesel_pool`]'s.
pub fn raw_pool(target: &Target, size: u32, settings: SessionSettings) -> Res<Pool<RawManager>> {
    Pool::builder()
        .max_size(size)
        .min_idle(Some(size))
        .connection_customizer(Box::new(RawSession(settings.to_sql().map_err(err)?)))
        .build(RawManager(target.clone()))
        .map_err(err)
}

/// What one path does for one query (checkout included).
type Search<'a> = &'a (dyn Fn(&[f32]) -> Res<Vec<i64>> + Sync);

/// One round's wall time, latencies and ids per query index (first occurrence).
type RoundOut = (f64, Vec<f64>, Vec<Option<Vec<i64>>>);

/// One thread's latencies and (query index, ids).
type ThreadOut = (Vec<f64>, Vec<(usize, Vec<i64>)>);

/// One round: `count` queries (query `i % nq`) over `threads` threads. Returns the
/// wall time, the latencies and the ids found per query index (first occurrence).
fn round(threads: usize, count: usize, ds: &Dataset, search: Search<'_>) -> Res<RoundOut> {
    let nq = ds.nq;
    let next = AtomicUsize::new(0);
    let t0 = Instant::now();
    let per_thread: Vec<Res<ThreadOut>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let next = &next;
                s.spawn(move || {
                    let (mut lat, mut found) = (Vec::new(), Vec::new());
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        let t = Instant::now();
                        let ids = search(ds.query(i % nq))?;
                        lat.push(t.elapsed().as_secs_f64());
                        if i < nq {
                            found.push((i, ids));
                        }
                    }
                    Ok((lat, found))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("thread panicked".into())))
            .collect()
    });
    let wall = t0.elapsed().as_secs_f64();
    let mut lat = Vec::with_capacity(count);
    let mut found = vec![None; nq];
    for r in per_thread {
        let (l, f) = r?;
        lat.extend(l);
        for (qi, ids) in f {
            found[qi] = Some(ids);
        }
    }
    Ok((wall, lat, found))
}

impl Bench<'_> {
    /// Phase 5b: ANN with N threads, every path over its own pool of N connections.
    pub fn ann_threads(&mut self) -> Res<()> {
        let threads = self.opt.threads.max(1);
        let size = u32::try_from(threads).map_err(err)?;
        self.log(&format!(
            "phase 5b: ANN search, {threads} threads (rounds interleaved)"
        ));
        let settings = SessionSettings::new().ef_search(self.default_ef);
        let typed_pool = diesel_pool(&self.target, size, settings)?;
        let obvec = ObVecClient::from_pool(diesel_pool(&self.target, size, settings)?);
        let raw_pool = raw_pool(&self.target, size, settings)?;
        let typed = |q: &[f32]| -> Res<Vec<i64>> {
            let mut conn = typed_pool.get().map_err(err)?;
            diesel_search(&mut conn, q, Mode::Ann)
        };
        let obv = |q: &[f32]| obvec_search(&obvec, q, Mode::Ann);
        let raw = |q: &[f32]| -> Res<Vec<i64>> {
            let mut conn = raw_pool.get().map_err(err)?;
            raw_search(&mut conn, q, Mode::Ann)
        };
        let paths: [(Path, Search<'_>); 3] = [
            (Path::Diesel, &typed),
            (Path::ObVec, &obv),
            (Path::RawC, &raw),
        ];
        let ds = self.ds;
        let nq = ds.nq;
        let rounds = self.opt.rounds;
        for (_, search) in &paths {
            round(threads, (threads * 5).min(nq), ds, *search)?;
        }
        let mut samples = vec![Samples::default(); paths.len()];
        let mut found: Vec<Vec<Vec<i64>>> = vec![Vec::new(); paths.len()];
        let pb = bar(
            (rounds * paths.len()) as u64,
            &format!("ANN x{threads} threads"),
        );
        let mut walls = vec![0.0; paths.len()];
        for r in 0..rounds {
            for j in 0..paths.len() {
                let p = (j + r) % paths.len();
                let c0 = process_cpu_seconds();
                let (wall, lat, f) = round(threads, nq, ds, paths[p].1)?;
                let s = &mut samples[p];
                s.cpu_s += process_cpu_seconds() - c0;
                s.rounds.push((wall, lat.len()));
                s.lat.extend(lat);
                walls[p] += wall;
                if r == 0 {
                    found[p] = f
                        .into_iter()
                        .map(|ids| ids.ok_or("a query was not run"))
                        .collect::<Result<_, _>>()?;
                }
                pb.inc(1);
            }
        }
        pb.finish_and_clear();
        let mut out = Map::new();
        let mut recalls = Map::new();
        for (k, (path, _)) in paths.iter().enumerate() {
            samples[k].wall_s = Some(walls[k]);
            let units = samples[k].lat.len() as u64;
            out.insert(path.name().into(), samples[k].summary(units));
            recalls.insert(path.name().into(), json!(recall(&found[k], &ds.gt, TOPK)));
        }
        out.insert("threads".into(), json!(threads));
        out.insert("rounds".into(), json!(rounds));
        out.insert("interleaved".into(), json!(true));
        out.insert(
            "pool".into(),
            json!({"size": threads, "min_idle": threads, "checkout": "one per query",
                   "test_on_check_out": "r2d2 default (SELECT 1 per checkout)",
                   "session": settings.to_sql().map_err(err)?}),
        );
        out.insert(
            "python".into(),
            json!("not run: pyobvector_baseline.py has no threaded mode"),
        );
        out.insert("recall_at_10".into(), Value::Object(recalls));
        out.insert("unit".into(), json!("queries"));
        self.phases.insert("ann_threads".into(), Value::Object(out));
        Ok(())
    }
}
