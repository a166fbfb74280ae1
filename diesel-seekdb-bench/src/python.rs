//! The Python reference (`pyobvector_baseline.py`): generating the shared dataset,
//! running it on the same server, and the ratio tables.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Map, Value};

use crate::data::Dataset;
use crate::raw::Target;

fn run_cmd(cmd: &mut Command) -> Result<(), String> {
    eprintln!("[seekdb-bench] running {cmd:?}");
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}"))
    }
}

/// Lets the reference script write the dataset (its numpy generator is the definition).
pub fn generate(
    python: &str,
    script: &Path,
    n: usize,
    dim: usize,
    nq: usize,
    dir: &Path,
) -> Result<(), String> {
    if dir.join("dataset.json").exists() && dir.join("gt_filtered_top10.i32").exists() {
        return Ok(());
    }
    run_cmd(
        Command::new(python)
            .arg(script)
            .args([
                "--data-only",
                "--n",
                &n.to_string(),
                "--dim",
                &dim.to_string(),
            ])
            .args(["--queries", &nq.to_string(), "--data-dir"])
            .arg(dir),
    )
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    python: &str,
    script: &Path,
    server: &Target,
    db: &str,
    ds: &Dataset,
    args: &crate::Args,
    dir: &Path,
    out: &Path,
) -> Result<Value, String> {
    let s = |v: usize| v.to_string();
    run_cmd(
        Command::new(python)
            .arg(script)
            .args([
                "--host",
                &server.host,
                "--port",
                &server.port.to_string(),
                "--user",
                &server.user,
            ])
            .args(["--password", &server.password, "--db", db])
            .args([
                "--n",
                &s(ds.n),
                "--dim",
                &s(ds.dim),
                "--queries",
                &s(ds.nq),
                "--batch",
                &s(args.batch),
            ])
            .args([
                "--rounds",
                &s(args.rounds),
                "--exact-queries",
                &s(args.exact_queries),
            ])
            .args(["--decode-rounds", &s(args.decode_rounds), "--data-dir"])
            .arg(dir)
            .arg("--out")
            .arg(out),
    )?;
    let text = std::fs::read_to_string(out).map_err(|e| format!("{}: {e}", out.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", out.display()))
}

fn tp(v: &Value) -> Option<f64> {
    v["throughput_per_s"].as_f64()
}

/// Throughputs of every path per phase, and ratios (> 1: ours is faster).
pub fn compare(rust: &Value, py: &Value) -> Value {
    let mut out = Map::new();
    for (phase, unit) in [
        ("insert", "rows/s"),
        ("ann", "q/s"),
        ("filtered_ann", "q/s"),
        ("exact", "q/s"),
        ("decode", "rows/s"),
    ] {
        let r = &rust[phase];
        let p = &py["phases"][phase];
        let mut row = Map::new();
        row.insert("unit".into(), json!(unit));
        for (k, v) in [
            ("diesel_typed", tp(&r["diesel_typed"])),
            ("obvec_client", tp(&r["obvec_client"])),
            ("raw_c_text", tp(&r["raw_c_text"])),
            ("pyobvector", tp(&p["pyobvector"])),
            ("raw_pymysql", tp(&p["raw_pymysql"])),
        ] {
            row.insert(k.into(), json!(v));
        }
        let ratio = |a: &str, b: &str| match (row[a].as_f64(), row[b].as_f64()) {
            (Some(a), Some(b)) if b > 0.0 => json!(a / b),
            _ => Value::Null,
        };
        let ratios = json!({
            "diesel_typed/pyobvector": ratio("diesel_typed", "pyobvector"),
            "obvec_client/pyobvector": ratio("obvec_client", "pyobvector"),
            "raw_c_text/pyobvector": ratio("raw_c_text", "pyobvector"),
            "raw_pymysql/pyobvector": ratio("raw_pymysql", "pyobvector"),
            "diesel_typed/raw_c_text": ratio("diesel_typed", "raw_c_text"),
            "obvec_client/raw_c_text": ratio("obvec_client", "raw_c_text"),
        });
        row.insert("ratios".into(), ratios);
        // Medians resist the load spikes of a shared machine better than means.
        let p50 = |v: &Value| v["p50_ms"].as_f64();
        let speedup = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if a > 0.0 => json!(b / a),
            _ => Value::Null,
        };
        row.insert(
            "p50_speedups".into(),
            json!({
                "diesel_typed_vs_pyobvector": speedup(p50(&r["diesel_typed"]), p50(&p["pyobvector"])),
                "obvec_client_vs_pyobvector": speedup(p50(&r["obvec_client"]), p50(&p["pyobvector"])),
                "raw_c_text_vs_pyobvector": speedup(p50(&r["raw_c_text"]), p50(&p["pyobvector"])),
                "diesel_typed_vs_raw_c_text": speedup(p50(&r["diesel_typed"]), p50(&r["raw_c_text"])),
                "obvec_client_vs_raw_c_text": speedup(p50(&r["obvec_client"]), p50(&r["raw_c_text"])),
            }),
        );
        if let Some(rec) = p.get("recall_at_10") {
            row.insert("python_recall_at_10".into(), rec.clone());
        }
        if let Some(rec) = r.get("recall_at_10") {
            row.insert("rust_recall_at_10".into(), rec.clone());
        }
        out.insert(phase.into(), Value::Object(row));
    }
    Value::Object(out)
}

fn f(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x >= 100.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.2}"),
        None => "-".into(),
    }
}

pub fn print_ratios(cmp: &Value) {
    println!("\nthroughput per phase (same data, same server; ratio > 1: first is faster)");
    println!(
        "{:<14}{:>8}{:>10}{:>10}{:>10}{:>11}{:>11}{:>10}{:>10}{:>10}{:>10}",
        "phase",
        "unit",
        "diesel",
        "obvec",
        "raw C",
        "pyobvec",
        "pymysql",
        "dsl/pyob",
        "obv/pyob",
        "dsl/rawC",
        "obv/rawC"
    );
    for (phase, row) in cmp.as_object().into_iter().flatten() {
        let r = &row["ratios"];
        println!(
            "{:<14}{:>8}{:>10}{:>10}{:>10}{:>11}{:>11}{:>10}{:>10}{:>10}{:>10}",
            phase,
            row["unit"].as_str().unwrap_or(""),
            f(&row["diesel_typed"]),
            f(&row["obvec_client"]),
            f(&row["raw_c_text"]),
            f(&row["pyobvector"]),
            f(&row["raw_pymysql"]),
            f(&r["diesel_typed/pyobvector"]),
            f(&r["obvec_client/pyobvector"]),
            f(&r["diesel_typed/raw_c_text"]),
            f(&r["obvec_client/raw_c_text"]),
        );
    }
}

/// pyobvector and raw pymysql at the server's default ef_search, for the plot.
pub fn plot_points(py: &Value) -> Vec<(String, f64, f64)> {
    let ann = &py["phases"]["ann"];
    [("pyobvector", "pyobvector"), ("raw pymysql", "raw_pymysql")]
        .iter()
        .filter_map(|(label, key)| {
            Some((
                label.to_string(),
                ann["recall_at_10"][key].as_f64()?,
                tp(&ann[key])?,
            ))
        })
        .collect()
}

/// The targets, as measured in this run.
pub fn targets(results: &Map<String, Value>) -> Value {
    let p = &results["phases"];
    let ann = &p["ann"];
    let ins = &p["insert"];
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    let mut t = Map::new();
    for lib in ["diesel_typed", "obvec_client"] {
        let mut m = Map::new();
        let vs_raw = ratio(tp(&ann[lib]), tp(&ann["raw_c_text"]));
        m.insert("ann_qps_over_raw_c (>= 0.9)".into(), json!(vs_raw));
        let p50 = |v: &Value| v["p50_ms"].as_f64();
        m.insert(
            "ann_p50_speedup_over_raw_c (>= 0.9)".into(),
            json!(ratio(p50(&ann["raw_c_text"]), p50(&ann[lib]))),
        );
        let ins_raw = ratio(tp(&ins[lib]), tp(&ins["raw_c_text"]));
        m.insert(
            "insert_rows_per_s_over_raw_c (>= 1.0)".into(),
            json!(ins_raw),
        );
        m.insert(
            "ann_client_cpu_pct_of_wall (< 5)".into(),
            ann[lib]["client_cpu_pct_of_wall"].clone(),
        );
        let same_recall = ann["recall_at_10"][lib] == ann["recall_at_10"]["raw_c_text"];
        m.insert("ann_recall_equals_raw_c".into(), json!(same_recall));
        if let Some(cmp) = results.get("comparison") {
            m.insert(
                "ann_qps_over_pyobvector (>= 3)".into(),
                cmp["ann"]["ratios"][format!("{lib}/pyobvector")].clone(),
            );
            m.insert(
                "ann_p50_speedup_over_pyobvector (>= 3)".into(),
                cmp["ann"]["p50_speedups"][format!("{lib}_vs_pyobvector")].clone(),
            );
            m.insert(
                "insert_rows_per_s_over_pyobvector (>= 2)".into(),
                cmp["insert"]["ratios"][format!("{lib}/pyobvector")].clone(),
            );
        }
        t.insert(lib.into(), Value::Object(m));
    }
    if let Some(sweep) = results.get("ef_sweep").and_then(Value::as_array) {
        let same = sweep
            .iter()
            .all(|pt| pt["diesel_typed"]["recall_at_10"] == pt["raw_c_text"]["recall_at_10"]);
        t.insert("sweep_recall_equals_raw_c_at_every_ef".into(), json!(same));
    }
    Value::Object(t)
}

pub fn print_summary(results: &Map<String, Value>) {
    let p = &results["phases"];
    println!("\nseekdb-bench: {}", results["config"]);
    println!(
        "{:<22}{:<20}{:>12}{:>10}{:>10}{:>8}",
        "phase", "path", "throughput", "p50 ms", "p99 ms", "cpu %"
    );
    for (phase, v) in p.as_object().into_iter().flatten() {
        for (path, s) in v.as_object().into_iter().flatten() {
            if s.get("throughput_per_s").is_none() {
                continue;
            }
            println!(
                "{:<22}{:<20}{:>12}{:>10}{:>10}{:>8}",
                phase,
                path,
                f(&s["throughput_per_s"]),
                f(&s["p50_ms"]),
                f(&s["p99_ms"]),
                f(&s["client_cpu_pct_of_wall"])
            );
        }
    }
    println!(
        "\ntargets: {}",
        serde_json::to_string_pretty(&results["targets"]).unwrap_or_default()
    );
}
