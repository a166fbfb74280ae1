//! Concurrent vector search through an r2d2 pool whose connections carry session
//! settings (`ob_hnsw_ef_search`, `ob_ivf_nprobes`).
//!
//! The pool is built on `SessionManager`, whose checkout check (r2d2 runs one on every
//! checkout) is the `SET` of the settings itself: every checkout gets them, at no extra
//! round trip, even when the previous borrower changed them. Several threads (more than
//! the pool has connections, so connections pass between threads) search an
//! HNSW-indexed and an IVF-indexed column; on each checkout the thread reads both
//! variables back before searching, every tenth search it plays a careless borrower
//! and changes them before handing the connection back, and each search must find the
//! stored row it was built from.
//!
//! (`SessionSettings` is also an r2d2 `CustomizeConnection`, but r2d2 runs customizers
//! only when it opens a connection, so a borrower's change would leak to the next one.)
//!
//! `scripts/dev example pooled_search`, or
//! `SEEKDB_URL=mysql://root@127.0.0.1:2881/test cargo run --example pooled_search`.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::Pool;
use diesel_seekdb::ddl::{
    Column, ColumnType, CreateTable, Distance, DropTable, VecIndexType, VectorIndex,
};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{ObVecClient, SessionManager};
use diesel_seekdb_suite::database_url;
use diesel_seekdb_suite::progress::Progress;

use diesel_seekdb_suite::BoxError;

const TABLE: &str = "pooled_items";
const ROWS: usize = 2000;
const DIM: usize = 16;
const POOL_SIZE: u32 = 4;
const THREADS: usize = 6;
const SEARCHES_PER_THREAD: usize = 150;
const EF_SEARCH: u32 = 120;
const IVF_NPROBES: u32 = 16;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    pooled_items (id) {
        id -> Bigint,
        embedding -> Vector,
        sketch -> Vector,
    }
}

#[derive(Insertable)]
#[diesel(table_name = pooled_items)]
struct NewItem {
    id: i64,
    embedding: Vector,
    sketch: Vector,
}

#[derive(Default)]
struct ThreadReport {
    searches: usize,
    first: usize,
    tampered: usize,
    search_time: Duration,
    failures: Vec<String>,
}

fn main() -> std::process::ExitCode {
    diesel_seekdb_suite::exit_code(run())
}

fn run() -> Result<(), BoxError> {
    let url = database_url();
    let settings = SessionSettings::new()
        .ef_search(EF_SEARCH)
        .ivf_nprobes(IVF_NPROBES);
    let pool = Pool::builder()
        .max_size(POOL_SIZE)
        .build(SessionManager::new(url.clone(), settings)?)?;
    println!(
        "pool of {POOL_SIZE} connections to {url}, each with ef_search={EF_SEARCH}, ivf_nprobes={IVF_NPROBES}"
    );

    setup(&mut *pool.get()?)?;
    // Merge the freshly loaded rows into the HNSW graph (searches right after a bulk
    // load are several times slower until this runs).
    let rebuild = Instant::now();
    // The client runs on the same pool: its calls get the pool's settings at checkout.
    ObVecClient::from_session_pool(pool.clone()).rebuild_index(TABLE, "pooled_items_hnsw", 0.0)?;
    println!(
        "rebuilt pooled_items_hnsw in {:.2}s",
        rebuild.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let reports: Vec<ThreadReport> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let pool = pool.clone();
                scope.spawn(move || worker(&pool, t))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| ThreadReport {
                    failures: vec!["a search thread panicked".into()],
                    ..Default::default()
                })
            })
            .collect()
    });
    let wall = started.elapsed().as_secs_f64();

    let searches: usize = reports.iter().map(|r| r.searches).sum();
    let first: usize = reports.iter().map(|r| r.first).sum();
    let search_secs: f64 = reports.iter().map(|r| r.search_time.as_secs_f64()).sum();
    println!(
        "\n{THREADS} threads, {searches} searches ({} HNSW, {} IVF) in {wall:.2}s: {:.0} searches/s overall",
        searches.div_ceil(2),
        searches / 2,
        searches as f64 / wall
    );
    println!(
        "mean search latency {:.2} ms (without the checkout and read-back)",
        1000.0 * search_secs / searches.max(1) as f64
    );
    println!("the searched row came first in {first} of {searches} searches");
    for (t, r) in reports.iter().enumerate() {
        println!("  thread {t}: {} searches", r.searches);
    }
    let opened = pool.state().connections;
    let tampered: usize = reports.iter().map(|r| r.tampered).sum();
    println!(
        "pool opened {opened} connections; settings read back on {searches} checkouts, \
         while {tampered} borrowers changed them before handing their connection back"
    );

    let mut failures: Vec<String> = reports.into_iter().flat_map(|r| r.failures).collect();
    if searches != THREADS * SEARCHES_PER_THREAD {
        failures.push(format!(
            "{searches} of {} searches ran",
            THREADS * SEARCHES_PER_THREAD
        ));
    }
    if tampered == 0 {
        failures.push("no search changed the session settings".into());
    }
    if failures.is_empty() {
        println!("\nall checks passed");
        Ok(())
    } else {
        failures.truncate(10);
        Err(format!("pooled search checks failed:\n  {}", failures.join("\n  ")).into())
    }
}

fn setup(conn: &mut MysqlConnection) -> Result<(), BoxError> {
    conn.batch_execute(&DropTable::new(TABLE).if_exists().to_sql()?)?;
    let create = CreateTable::new(TABLE)
        .column(Column::new("id", ColumnType::BigInt).primary_key())
        .column(Column::new("embedding", ColumnType::Vector(DIM as u32)).not_null())
        .column(Column::new("sketch", ColumnType::Vector(DIM as u32)).not_null())
        .vector_index(
            VectorIndex::new("pooled_items_hnsw", "embedding")
                .index_type(VecIndexType::Hnsw)
                .distance(Distance::L2),
        );
    conn.batch_execute(&create.to_sql()?)?;

    let rows: Vec<NewItem> = (0..ROWS)
        .map(|i| NewItem {
            id: i as i64,
            embedding: Vector::from(point(i)),
            sketch: Vector::from(point(i)),
        })
        .collect();
    let mut progress = Progress::new("inserting", rows.len());
    conn.transaction::<_, BoxError, _>(|conn| {
        for batch in rows.chunks(250) {
            diesel::insert_into(pooled_items::table)
                .values(batch)
                .execute(conn)?;
            progress.advance(batch.len());
        }
        Ok(())
    })?;
    let secs = progress.finish();
    println!("inserted {ROWS} rows in {secs:.2}s");

    // IVF clusters are learned from the rows present when the index is built, so it
    // is created after the load.
    let ivf = VectorIndex::new("pooled_items_ivf", "sketch")
        .index_type(VecIndexType::IvfFlat)
        .distance(Distance::L2)
        .nlist(32);
    conn.batch_execute(&ivf.to_create_sql(TABLE)?)?;
    println!("created HNSW index on embedding and IVF_FLAT (nlist=32) on sketch");
    Ok(())
}

fn worker(pool: &Pool<SessionManager>, thread: usize) -> ThreadReport {
    let mut report = ThreadReport::default();
    for n in 0..SEARCHES_PER_THREAD {
        let target = (thread * 7919 + n * 104_729) % ROWS;
        let use_ivf = n % 2 == 1;
        let tamper = n % 10 == 9;
        match search_once(pool, target, use_ivf, tamper) {
            Ok((elapsed, first)) => {
                report.tampered += usize::from(tamper);
                report.searches += 1;
                report.first += usize::from(first);
                report.search_time += elapsed;
            }
            Err(e) => report
                .failures
                .push(format!("thread {thread}, row {target}: {e}")),
        }
    }
    report
}

/// One checkout: read the session settings back, then search for `target`'s vector.
fn search_once(
    pool: &Pool<SessionManager>,
    target: usize,
    use_ivf: bool,
    tamper: bool,
) -> Result<(Duration, bool), BoxError> {
    let mut conn = pool.get()?;
    let ef = diesel_seekdb::ef_search(&mut *conn)?;
    let nprobes = diesel_seekdb::ivf_nprobes(&mut *conn)?;
    if (ef, nprobes) != (EF_SEARCH, IVF_NPROBES) {
        return Err(format!("checkout had ef_search={ef}, ivf_nprobes={nprobes}").into());
    }
    let q = Vector::from(point(target));
    let started = Instant::now();
    let hits: Vec<(i64, f64)> = if use_ivf {
        pooled_items::table
            .select((pooled_items::id, pooled_items::sketch.l2_distance(&q)))
            .order(pooled_items::sketch.l2_distance(&q).approximate())
            .limit(5)
            .load(&mut *conn)?
    } else {
        pooled_items::table
            .select((pooled_items::id, pooled_items::embedding.l2_distance(&q)))
            .order(pooled_items::embedding.l2_distance(&q).approximate())
            .limit(5)
            .load(&mut *conn)?
    };
    let elapsed = started.elapsed();
    if tamper {
        // A careless borrower: the next checkout of this connection must not see this.
        diesel_seekdb::set_ef_search(&mut *conn, 8)?;
        diesel_seekdb::set_ivf_nprobes(&mut *conn, 1)?;
    }
    // Distance 0 ties only with an identical vector, so the row must be there; an
    // approximate index may in principle rank it below the first place, not out of 5.
    match hits
        .iter()
        .position(|&(id, d)| id == target as i64 && d == 0.0)
    {
        Some(rank) => Ok((elapsed, rank == 0)),
        None => Err(format!("row {target} not among the top 5: {hits:?}").into()),
    }
}

/// A deterministic pseudo-random point in [0, 1)^DIM.
fn point(i: usize) -> Vec<f32> {
    let mut state = (i as u64 + 11).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..DIM)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32
        })
        .collect()
}
