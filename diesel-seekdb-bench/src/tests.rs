//! Checks of the pure parts: rate labelling, target statuses, the plot's axes.

use serde_json::{json, Map, Value};

use crate::plot::{log_ticks, Nines};
use crate::stats::{median, rate, Samples};
use crate::targets::targets;

fn samples(lat: &[f64], wall: Option<f64>) -> Samples {
    Samples {
        lat: lat.to_vec(),
        wall_s: wall,
        rounds: vec![(lat.iter().sum(), lat.len())],
        ..Default::default()
    }
}

#[test]
fn interleaved_rates_are_labelled_as_one_over_mean_latency() {
    let s = samples(&[0.001, 0.003], None).summary(2);
    assert!(s.get("throughput_per_s").is_none());
    assert!((s["per_s_from_mean_latency"].as_f64().unwrap() - 500.0).abs() < 1e-9);
    assert_eq!(rate(&s).unwrap().1, "1/mean latency");
    assert!((s["p50_ms"].as_f64().unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn threaded_rates_are_work_over_wall_time() {
    // Four queries of 10 ms each on 4 threads in 10 ms of wall time: 400 q/s, not 100.
    let s = samples(&[0.01; 4], Some(0.01)).summary(4);
    assert!((s["throughput_per_s"].as_f64().unwrap() - 400.0).abs() < 1e-6);
    assert!((s["per_s_from_mean_latency"].as_f64().unwrap() - 100.0).abs() < 1e-6);
    assert_eq!(
        rate(&s).unwrap(),
        (s["throughput_per_s"].as_f64().unwrap(), "wall")
    );
}

#[test]
fn median_of_rounds() {
    assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    assert!(median(&[]).is_nan());
}

fn path(per_s: f64, p50: f64) -> Value {
    json!({"per_s_from_mean_latency": per_s, "p50_ms": p50, "client_cpu_pct_of_time": 3.0})
}

fn results(with_worker: bool, with_separate_run: bool) -> Map<String, Value> {
    let mut ann = json!({
        "diesel_typed": path(950.0, 1.0), "obvec_client": path(800.0, 1.0),
        "raw_c_text": path(1000.0, 1.0),
        "recall_at_10": {"diesel_typed": 0.99, "obvec_client": 0.99, "raw_c_text": 0.99},
    });
    let mut insert = json!({
        "diesel_typed": path(1000.0, 1.0), "obvec_client": path(1000.0, 1.0),
        "raw_c_text": path(1000.0, 1.0),
    });
    if with_worker {
        ann["pyobvector"] = path(300.0, 4.0);
        insert["pyobvector"] = path(600.0, 2.0);
    }
    let mut m = Map::new();
    m.insert(
        "phases".into(),
        json!({"ann": ann, "insert": insert, "ann_threads": {
            "interleaved": true,
            "diesel_typed": {"throughput_per_s": 95.0}, "obvec_client": {"throughput_per_s": 50.0},
            "raw_c_text": {"throughput_per_s": 100.0}}}),
    );
    if with_separate_run {
        m.insert(
            "python".into(),
            json!({"phases": {"ann": {"pyobvector": {"throughput_per_s": 10.0, "p50_ms": 90.0}},
                              "insert": {"pyobvector": {"throughput_per_s": 10.0}}}}),
        );
    }
    m
}

fn find<'a>(t: &'a Value, target: &str, path: &str) -> &'a Value {
    t.as_array()
        .unwrap()
        .iter()
        .find(|x| x["target"].as_str().unwrap().starts_with(target) && x["path"] == path)
        .unwrap_or_else(|| panic!("no {target} for {path}"))
}

#[test]
fn targets_against_the_floor_are_met_or_not() {
    let t = targets(&results(false, false));
    let q = find(&t, "ANN 1 thread q/s within", "diesel_typed");
    assert_eq!(q["status"], "met");
    assert!((q["ratio"].as_f64().unwrap() - 0.95).abs() < 1e-9);
    assert_eq!(q["reference_value"], json!(1000.0));
    assert_eq!(
        find(&t, "ANN 1 thread q/s within", "obvec_client")["status"],
        "not met"
    );
    assert_eq!(find(&t, "ANN N threads", "diesel_typed")["status"], "met");
    assert_eq!(
        find(&t, "ANN N threads", "obvec_client")["status"],
        "not met"
    );
    assert_eq!(find(&t, "client CPU", "diesel_typed")["status"], "met");
    assert_eq!(
        find(&t, "recall@10 = raw SQL", "diesel_typed")["status"],
        "met"
    );
}

#[test]
fn pyobvector_targets_need_the_interleaved_worker() {
    // No Python at all, and only the separate run: not comparable, whatever the ratio.
    for t in [
        targets(&results(false, false)),
        targets(&results(false, true)),
    ] {
        let c = find(&t, "ANN 1 thread q/s >= 3x", "diesel_typed");
        assert_eq!(c["status"], "not comparable");
        assert!(c["not_comparable_because"].is_string());
    }
    let apart = targets(&results(false, true));
    assert_eq!(
        find(&apart, "ANN 1 thread q/s >= 3x", "diesel_typed")["reference_value"],
        json!(10.0)
    );
    // The worker ran interleaved: its figures decide, not the separate run's.
    let t = targets(&results(true, true));
    let c = find(&t, "ANN 1 thread q/s >= 3x", "diesel_typed");
    assert_eq!(c["status"], "met");
    assert_eq!(c["reference_value"], json!(300.0));
    let p50 = find(&t, "ANN 1 thread p50 latency >= 3x", "diesel_typed");
    assert_eq!(p50["status"], "met");
    assert!((p50["ratio"].as_f64().unwrap() - 4.0).abs() < 1e-9);
    let ins = find(&t, "bulk insert rows/s >= 2x", "diesel_typed");
    assert_eq!(ins["status"], "not met");
    assert!((ins["ratio"].as_f64().unwrap() - 1000.0 / 600.0).abs() < 1e-9);
}

#[test]
fn recall_axis_keeps_high_recalls_apart() {
    let n = Nines {
        floor: 0.5 / 2000.0,
    };
    let (a, b, c) = (n.x(0.99), n.x(0.999), n.x(1.0));
    assert!(a < b && b < c);
    assert!((b - a - 1.0).abs() < 1e-9, "one decade of nines per unit");
    assert_eq!(n.x(1.0), n.top());
    assert_eq!(n.label(n.top()), "1");
    assert_eq!(n.label(n.x(0.995)), "0.995");
}

#[test]
fn log_ticks_cover_narrow_and_wide_ranges() {
    assert_eq!(
        log_ticks(90.0, 11000.0),
        vec![100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0]
    );
    let narrow = log_ticks(5500.0, 13000.0);
    assert!(narrow.len() >= 3, "{narrow:?}");
    assert!(narrow.iter().all(|t| (5500.0..=13000.0).contains(t)));
}

#[test]
fn plot_draws_a_png() {
    let point = |ef: u64, recall: f64, qps: f64| {
        let p = json!({"recall_at_10": recall, "qps_p50_of_rounds": qps});
        json!({"ef_search": ef, "diesel_typed": p, "raw_c_text": p})
    };
    let points = [
        point(32, 0.99, 900.0),
        point(16, 0.95, 1200.0),
        point(64, 1.0, 700.0),
    ];
    let dir = std::env::temp_dir().join(format!("seekdb-bench-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("plot.png");
    crate::plot::draw(
        &png,
        "test",
        &points,
        &[("pyobvector".into(), 0.99, 300.0)],
        200,
        3,
    )
    .unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    std::fs::remove_dir_all(&dir).unwrap();
    let none: [Value; 0] = [];
    assert!(crate::plot::draw(&png, "empty", &none, &[], 10, 1).is_err());
}

/// The N-thread phase's pools against the running server (`SEEKDB_URL`): every
/// checkout of the typed and the floor pool has the configured ef_search.
#[test]
fn every_pool_applies_the_same_session_settings() {
    use crate::raw::Target;
    use crate::threads::{diesel_pool, raw_pool};
    use diesel_seekdb::SessionSettings;

    let url = std::env::var("SEEKDB_URL").expect("SEEKDB_URL (a running seekdb) is required");
    let target = Target::parse(&url).unwrap();
    let settings = SessionSettings::new().ef_search(77);
    let typed = diesel_pool(&target, 2, settings).unwrap();
    let raw = raw_pool(&target, 2, settings).unwrap();
    for _ in 0..3 {
        let mut c = typed.get().unwrap();
        assert_eq!(diesel_seekdb::ef_search(&mut *c).unwrap(), 77);
        let mut r = raw.get().unwrap();
        let mut got = None;
        r.query(b"SELECT @@ob_hnsw_ef_search", |row| {
            got = row[0].map(|f| String::from_utf8_lossy(f).into_owned())
        })
        .unwrap();
        assert_eq!(got.as_deref(), Some("77"));
    }
}
