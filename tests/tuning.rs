//! recall@k and the ef_search / nprobes tuners against the real server, on a random
//! (seeded) dataset where small settings lose neighbours.

use diesel::connection::SimpleConnection;
use diesel_seekdb::client::{Distance, RecallSample, SearchKnob, Tuned};
use diesel_seekdb::{AsyncObVecClient, ObVecClient, SessionSettings};
use diesel_seekdb_suite::TestDb;

const DIM: usize = 24;
const ROWS: usize = 3000;

/// A seeded pseudo-random vector (xorshift).
fn vector(seed: u64) -> Vec<f32> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..DIM)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 10_000) as f32 / 10_000.0
        })
        .collect()
}

fn text(v: &[f32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", parts.join(","))
}

fn table(db: &mut TestDb, index: &str) {
    db.conn
        .batch_execute(&format!(
            "CREATE TABLE pts (id INT PRIMARY KEY, v VECTOR({DIM}))"
        ))
        .unwrap();
    for chunk in (1..=ROWS).collect::<Vec<_>>().chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|&id| format!("({id}, '{}')", text(&vector(id as u64))))
            .collect();
        db.conn
            .batch_execute(&format!("INSERT INTO pts VALUES {}", values.join(",")))
            .unwrap();
    }
    db.conn
        .batch_execute(&format!("CREATE VECTOR INDEX vx ON pts(v) WITH ({index})"))
        .unwrap();
}

fn sample() -> RecallSample {
    let queries: Vec<Vec<f32>> = (0..30).map(|i| vector(1_000_000 + i)).collect();
    RecallSample::new("pts", "v", queries).k(10)
}

/// The tuner's answer is the smallest setting of its ladder that reached the target.
fn assert_smallest(t: &Tuned, target: f64) {
    assert!(t.reached, "{t:?}");
    assert!(t.report.recall >= target, "{t:?}");
    assert_eq!(t.tried.last().map(|r| r.knob), Some(t.knob));
    for earlier in &t.tried[..t.tried.len() - 1] {
        assert!(
            earlier.recall < target,
            "{earlier:?} already reached {target}"
        );
    }
    for r in &t.tried {
        assert!(
            (0.0..=1.0).contains(&r.recall) && r.min_recall <= r.recall,
            "{r:?}"
        );
        assert_eq!((r.queries, r.k), (30, 10));
        assert!(r.qps > 0.0 && r.mean_latency.as_nanos() > 0, "{r:?}");
    }
}

#[test]
fn hnsw_recall_and_ef_search_tuning() {
    let mut db = TestDb::new("tune_hnsw");
    table(&mut db, "distance=l2, type=hnsw, m=5, ef_construction=10");
    let client = ObVecClient::from_url(&db.url).unwrap();
    let low = client
        .recall_at_k(&sample(), SearchKnob::EfSearch(8))
        .unwrap();
    let high = client
        .recall_at_k(&sample(), SearchKnob::EfSearch(2048))
        .unwrap();
    eprintln!("ef 8: {low:?}\nef 2048: {high:?}");
    assert!(high.recall >= 0.99, "{high:?}");
    assert!(low.recall <= high.recall, "{low:?} {high:?}");

    let t = client.tune_ef_search(&sample(), 0.95).unwrap();
    eprintln!(
        "tuned: {:?} recall {} qps {:.0}",
        t.knob, t.report.recall, t.report.qps
    );
    assert_smallest(&t, 0.95);
    let SearchKnob::EfSearch(ef) = t.knob else {
        panic!("{t:?}")
    };
    assert_eq!(
        t.session_settings(SessionSettings::new()),
        SessionSettings::new().ef_search(ef)
    );
    assert!(client.tune_ef_search(&sample(), 1.5).is_err());
    assert!(client
        .recall_at_k(
            &RecallSample::new::<Vec<f32>>("pts", "v", vec![]),
            SearchKnob::EfSearch(8)
        )
        .is_err());
}

#[test]
fn ivf_nprobes_tuning_restores_the_session() {
    let mut db = TestDb::new("tune_ivf");
    table(&mut db, "distance=cosine, type=ivf_flat, nlist=64");
    let client = ObVecClient::from_url(&db.url).unwrap();
    let nprobes =
        |c: &ObVecClient| c.raw_sql("SELECT @@ob_ivf_nprobes AS n").unwrap()[0]["n"].clone();
    let before = nprobes(&client);
    let cosine = sample().distance(Distance::Cosine);
    let one = client
        .recall_at_k(&cosine, SearchKnob::IvfNprobes(1))
        .unwrap();
    let all = client
        .recall_at_k(&cosine, SearchKnob::IvfNprobes(64))
        .unwrap();
    eprintln!("nprobes 1: {one:?}\nnprobes 64: {all:?}");
    assert!(all.recall >= 0.99, "{all:?}");
    assert!(one.recall < all.recall, "{one:?} {all:?}");
    let t = client.tune_ivf_nprobes(&cosine, 0.9).unwrap();
    eprintln!("tuned: {:?} recall {}", t.knob, t.report.recall);
    assert_smallest(&t, 0.9);
    assert_eq!(nprobes(&client), before);
}

#[tokio::test]
async fn async_recall_at_k() {
    let mut db = TestDb::new("tune_async");
    table(&mut db, "distance=l2, type=hnsw");
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    let r = client
        .recall_at_k(&sample(), SearchKnob::EfSearch(1024))
        .await
        .unwrap();
    assert!(r.recall >= 0.99 && r.queries == 30, "{r:?}");
    let t = client.tune_ef_search(&sample(), 0.9).await.unwrap();
    assert!(t.reached && t.report.recall >= 0.9, "{t:?}");
}
