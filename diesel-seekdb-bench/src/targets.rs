//! The targets as measured in one run. A target compared with a reference is
//! "met" or "not met" only when that reference ran in the same run under the same
//! load (interleaved with the library path); otherwise it is "not comparable" and no
//! ratio is claimed, although the JSON keeps both values.

use serde_json::{json, Map, Value};

use crate::stats::rate;

const LIBS: [&str; 2] = ["diesel_typed", "obvec_client"];

/// Why the separate reference run cannot back a target claim.
const PY_APART: &str = "only the separate pyobvector run has this figure; it ran after the \
                        Rust phases, not interleaved with them, so not under the same load";

/// One target: `value` (or `value / reference_value`, `ratio`) against `threshold`.
struct Check<'a> {
    target: &'a str,
    path: &'a str,
    value: Option<f64>,
    reference: Option<(&'a str, Option<f64>)>,
    /// `reference / value` instead of `value / reference` (latencies: lower is better).
    inverse: bool,
    /// Met when the ratio (or the value, without a reference) is at least this, or
    /// with `below`, less than it.
    threshold: f64,
    below: bool,
    /// `Err(why)` when the reference did not run under the same load.
    comparable: Result<(), String>,
    basis: String,
}

impl Check<'_> {
    fn eval(self) -> Value {
        let ratio = match self.reference {
            Some((_, Some(r))) => match self.value {
                Some(v) if self.inverse && v > 0.0 => Some(r / v),
                Some(v) if !self.inverse && r > 0.0 => Some(v / r),
                _ => None,
            },
            _ => None,
        };
        let measured = if self.reference.is_some() {
            ratio
        } else {
            self.value
        };
        let status = match (&self.comparable, measured) {
            (Err(_), _) => "not comparable",
            (Ok(()), None) => "not measured",
            (Ok(()), Some(m)) if self.below == (m < self.threshold) && !m.is_nan() => "met",
            (Ok(()), Some(_)) => "not met",
        };
        json!({
            "target": self.target,
            "path": self.path,
            "threshold": format!("{} {}", if self.below { "<" } else { ">=" }, self.threshold),
            "value": self.value,
            "reference": self.reference.map(|r| r.0),
            "reference_value": self.reference.and_then(|r| r.1),
            "ratio": ratio,
            "status": status,
            "basis": self.basis,
            "not_comparable_because": self.comparable.err(),
        })
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Every target of this run, one entry per (target, library path).
pub fn targets(results: &Map<String, Value>) -> Value {
    let p = &results["phases"];
    let (ann, ins, thr) = (&p["ann"], &p["insert"], &p["ann_threads"]);
    let py = results.get("python").map(|py| &py["phases"]);
    let same_run = |phase: &Value| -> Result<(), String> {
        if phase.is_null() {
            Err("phase not run".into())
        } else {
            Ok(())
        }
    };
    let threads_ok = || -> Result<(), String> {
        if thr["interleaved"] == json!(true) {
            Ok(())
        } else {
            Err("the N-thread paths did not run interleaved".into())
        }
    };
    // pyobvector as an interleaved path of the phase itself when its worker ran; else
    // the separate reference run, which cannot back a claim.
    let py_ok = |phase: &str| -> Result<(), String> {
        match (p[phase].get("pyobvector"), py) {
            (Some(_), _) => Ok(()),
            (None, Some(_)) => Err(PY_APART.into()),
            (None, None) => Err("--compare-python not given".into()),
        }
    };
    let py_side = |phase: &str| -> Option<&Value> {
        p[phase]
            .get("pyobvector")
            .or_else(|| py.map(|py| &py[phase]["pyobvector"]))
    };
    // Both the Rust 1-thread phases and the reference script rate by summed latencies.
    let py_rate = |phase: &str| {
        py_side(phase).and_then(|v| {
            num(&v["per_s_from_mean_latency"]).or_else(|| num(&v["throughput_per_s"]))
        })
    };
    let py_p50 = |phase: &str| py_side(phase).and_then(|v| num(&v["p50_ms"]));
    let r = |v: &Value| rate(v).map(|x| x.0);
    let mut out = Vec::new();
    for lib in LIBS {
        let checks = [
            Check {
                target: "ANN 1 thread q/s within 10% of raw SQL (C client)",
                path: lib,
                value: r(&ann[lib]),
                reference: Some(("raw_c_text", r(&ann["raw_c_text"]))),
                inverse: false,
                threshold: 0.9,
                below: false,
                comparable: same_run(ann),
                basis: "q/s = 1 / mean latency; paths interleaved query by query".into(),
            },
            Check {
                target: "ANN 1 thread p50 latency within 10% of raw SQL (C client)",
                path: lib,
                value: num(&ann[lib]["p50_ms"]),
                reference: Some(("raw_c_text", num(&ann["raw_c_text"]["p50_ms"]))),
                inverse: true,
                threshold: 0.9,
                below: false,
                comparable: same_run(ann),
                basis: "ratio = reference p50 ms / path p50 ms".into(),
            },
            Check {
                target: "ANN N threads throughput within 10% of raw SQL (C client)",
                path: lib,
                value: num(&thr[lib]["throughput_per_s"]),
                reference: Some(("raw_c_text", num(&thr["raw_c_text"]["throughput_per_s"]))),
                inverse: false,
                threshold: 0.9,
                below: false,
                comparable: same_run(thr).and_then(|()| threads_ok()),
                basis: "queries / wall time of the path's rounds; same pools, rounds interleaved"
                    .into(),
            },
            Check {
                target: "bulk insert rows/s no slower than raw multi-row INSERT",
                path: lib,
                value: r(&ins[lib]),
                reference: Some(("raw_c_text", r(&ins["raw_c_text"]))),
                inverse: false,
                threshold: 1.0,
                below: false,
                comparable: same_run(ins),
                basis: "rows / summed batch latencies; batches interleaved".into(),
            },
            Check {
                target: "client CPU < 5% of the ANN phase time",
                path: lib,
                value: num(&ann[lib]["client_cpu_pct_of_time"]),
                reference: None,
                inverse: false,
                threshold: 5.0,
                below: true,
                comparable: same_run(ann),
                basis: "getrusage user+sys of the process over the path's summed latencies".into(),
            },
            Check {
                target: "ANN 1 thread q/s >= 3x pyobvector",
                path: lib,
                value: r(&ann[lib]),
                reference: Some(("pyobvector", py_rate("ann"))),
                inverse: false,
                threshold: 3.0,
                below: false,
                comparable: py_ok("ann"),
                basis: "q/s = 1 / mean latency on both sides".into(),
            },
            Check {
                target: "ANN 1 thread p50 latency >= 3x faster than pyobvector",
                path: lib,
                value: num(&ann[lib]["p50_ms"]),
                reference: Some(("pyobvector", py_p50("ann"))),
                inverse: true,
                threshold: 3.0,
                below: false,
                comparable: py_ok("ann"),
                basis: "ratio = reference p50 ms / path p50 ms".into(),
            },
            Check {
                target: "bulk insert rows/s >= 2x pyobvector",
                path: lib,
                value: r(&ins[lib]),
                reference: Some(("pyobvector", py_rate("insert"))),
                inverse: false,
                threshold: 2.0,
                below: false,
                comparable: py_ok("insert"),
                basis: "rows / summed batch latencies on both sides".into(),
            },
        ];
        out.extend(checks.into_iter().map(Check::eval));
        let same_recall = |a: &Value, b: &Value| a.is_number() && a == b;
        let mut recall_ok = same_recall(
            &ann["recall_at_10"][lib],
            &ann["recall_at_10"]["raw_c_text"],
        );
        if let Some(sweep) = results.get("ef_sweep").and_then(Value::as_array) {
            recall_ok &= sweep
                .iter()
                .all(|pt| same_recall(&pt[lib]["recall_at_10"], &pt["raw_c_text"]["recall_at_10"]));
        }
        out.push(json!({
            "target": "recall@10 = raw SQL's (ANN phase and every sweep ef)",
            "path": lib, "threshold": "equal", "value": ann["recall_at_10"][lib],
            "reference": "raw_c_text", "reference_value": ann["recall_at_10"]["raw_c_text"],
            "ratio": null, "status": if recall_ok { "met" } else { "not met" },
            "basis": "same queries, same table, same run",
        }));
    }
    json!(out)
}

fn cell(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x.abs() >= 100.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.3}"),
        None => "-".into(),
    }
}

/// The targets as a table; not-comparable rows show no ratio.
pub fn print(targets: &Value) {
    println!("\ntargets (ratio only where the reference ran interleaved in this run)");
    println!(
        "{:<62}{:<14}{:>10}{:>12}{:>12}{:>8}  status",
        "target", "path", "value", "reference", "ref value", "ratio"
    );
    for t in targets.as_array().into_iter().flatten() {
        let comparable = t["status"] != "not comparable";
        println!(
            "{:<62}{:<14}{:>10}{:>12}{:>12}{:>8}  {}{}",
            t["target"].as_str().unwrap_or(""),
            t["path"].as_str().unwrap_or(""),
            cell(&t["value"]),
            t["reference"].as_str().unwrap_or("-"),
            cell(&t["reference_value"]),
            if comparable {
                cell(&t["ratio"])
            } else {
                "n/c".into()
            },
            t["status"].as_str().unwrap_or(""),
            t["not_comparable_because"]
                .as_str()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default(),
        );
    }
}

/// Every phase's rates and latencies, with the basis of each rate.
pub fn print_summary(results: &Map<String, Value>) {
    println!("\nseekdb-bench: {}", results["config"]);
    println!(
        "rate: 'wall' = work / wall time of the path's rounds; '1/mean' = work / summed latencies"
    );
    println!(
        "{:<22}{:<20}{:>12}{:>8}{:>10}{:>10}{:>8}",
        "phase", "path", "rate /s", "basis", "p50 ms", "p99 ms", "cpu %"
    );
    for (phase, v) in results["phases"].as_object().into_iter().flatten() {
        for (path, s) in v.as_object().into_iter().flatten() {
            let Some((rate, basis)) = rate(s) else {
                continue;
            };
            println!(
                "{:<22}{:<20}{:>12}{:>8}{:>10}{:>10}{:>8}",
                phase,
                path,
                cell(&json!(rate)),
                if basis == "wall" { "wall" } else { "1/mean" },
                cell(&s["p50_ms"]),
                cell(&s["p99_ms"]),
                cell(&s["client_cpu_pct_of_time"])
            );
        }
    }
    print(&results["targets"]);
}
