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

/// The Rust path's headline rate (1 / mean latency in the single-thread phases).
fn tp(v: &Value) -> Option<f64> {
    crate::stats::rate(v).map(|r| r.0)
}

/// The reference script's `throughput_per_s` is units over summed latencies, i.e.
/// 1 / mean latency, the same basis as the Rust single-thread phases.
fn py_tp(v: &Value) -> Option<f64> {
    v["throughput_per_s"].as_f64()
}

/// Rates of every path per phase, and ratios (> 1: the first is faster). Ratios across
/// the two processes are recorded but flagged: pyobvector did not run interleaved with
/// the Rust paths, so they are not a claim.
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
        row.insert(
            "rate_basis".into(),
            json!("units / summed latencies (1 / mean latency) for every path"),
        );
        row.insert(
            "rust_vs_python_comparable".into(),
            json!({"comparable": false, "why": "pyobvector ran after the Rust phases, not interleaved with them"}),
        );
        for (k, v) in [
            ("diesel_typed", tp(&r["diesel_typed"])),
            ("obvec_client", tp(&r["obvec_client"])),
            ("raw_c_text", tp(&r["raw_c_text"])),
            ("pyobvector", py_tp(&p["pyobvector"])),
            ("raw_pymysql", py_tp(&p["raw_pymysql"])),
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
    println!(
        "\nthe separate Python run (sep) next to the Rust paths: units / summed latencies \
         (= 1 / mean latency); ratio > 1: first is faster; n/c = not comparable (the separate \
         run was not interleaved; the interleaved pyobvector path is in the summary below)"
    );
    println!(
        "{:<14}{:>8}{:>10}{:>10}{:>10}{:>11}{:>13}{:>10}{:>10}{:>10}{:>10}",
        "phase",
        "unit",
        "diesel",
        "obvec",
        "raw C",
        "pyob(sep)",
        "pymysql(sep)",
        "dsl/pyob",
        "obv/pyob",
        "dsl/rawC",
        "obv/rawC"
    );
    for (phase, row) in cmp.as_object().into_iter().flatten() {
        let r = &row["ratios"];
        println!(
            "{:<14}{:>8}{:>10}{:>10}{:>10}{:>11}{:>13}{:>10}{:>10}{:>10}{:>10}",
            phase,
            row["unit"].as_str().unwrap_or(""),
            f(&row["diesel_typed"]),
            f(&row["obvec_client"]),
            f(&row["raw_c_text"]),
            f(&row["pyobvector"]),
            f(&row["raw_pymysql"]),
            "n/c",
            "n/c",
            f(&r["diesel_typed/raw_c_text"]),
            f(&r["obvec_client/raw_c_text"]),
        );
    }
}

/// pyobvector and raw pymysql at the server's default ef_search, for the plot: q/s
/// at their median latency (the script keeps no per-round figures).
pub fn plot_points(py: &Value) -> Vec<(String, f64, f64)> {
    let ann = &py["phases"]["ann"];
    [("pyobvector", "pyobvector"), ("raw pymysql", "raw_pymysql")]
        .iter()
        .filter_map(|(label, key)| {
            let p50 = ann[key]["p50_ms"].as_f64().filter(|p| *p > 0.0)?;
            Some((
                label.to_string(),
                ann["recall_at_10"][key].as_f64()?,
                1000.0 / p50,
            ))
        })
        .collect()
}
