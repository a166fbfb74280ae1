//! pyobvector as one more interleaved path: `pyobvector_baseline.py --serve` runs single
//! `ann_search` / `insert` calls on request, so they take turns with the Rust paths call
//! by call and see the same load. Latencies are measured inside the Python process,
//! around the pyobvector call only (the pipe round trip is not charged to it).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;

use crate::phases::{Mode, Res};
use crate::raw::Target;

pub struct PyWorker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl PyWorker {
    pub fn spawn(python: &str, script: &Path, server: &Target, db: &str, dir: &Path) -> Res<Self> {
        let mut child = Command::new(python)
            .arg(script)
            .args(["--serve", "--host", &server.host, "--port"])
            .arg(server.port.to_string())
            .args([
                "--user",
                &server.user,
                "--password",
                &server.password,
                "--db",
                db,
            ])
            .arg("--data-dir")
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{python} {}: {e}", script.display()))?;
        let stdin = child.stdin.take().ok_or("worker stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("worker stdout")?);
        let mut w = PyWorker {
            child,
            stdin,
            stdout,
        };
        let hello = w.read()?;
        if hello["ready"] != Value::Bool(true) {
            return Err(format!("pyobvector worker did not start: {hello}"));
        }
        Ok(w)
    }

    fn read(&mut self) -> Res<Value> {
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("pyobvector worker: {e}"))?;
        if n == 0 {
            return Err("pyobvector worker exited".into());
        }
        let v: Value = serde_json::from_str(&line)
            .map_err(|e| format!("pyobvector worker sent {line:?}: {e}"))?;
        match v.get("error") {
            Some(e) => Err(format!("pyobvector worker: {e}")),
            None => Ok(v),
        }
    }

    fn call(&mut self, cmd: &str) -> Res<Value> {
        writeln!(self.stdin, "{cmd}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("pyobvector worker: {e}"))?;
        self.read()
    }

    fn lat(v: &Value) -> Res<f64> {
        v["lat"]
            .as_f64()
            .ok_or_else(|| format!("no latency in {v}"))
    }

    /// A search reply: (latency s, ids).
    fn hits(v: &Value) -> Res<(f64, Vec<i64>)> {
        let ids = v["ids"]
            .as_array()
            .ok_or("no ids")?
            .iter()
            .map(|x| x.as_i64().ok_or("id not an integer"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((Self::lat(v)?, ids))
    }

    /// Top-10 of query `qi` on `table`: `ann_search` (`filtered`: with the benchmark's
    /// JSON filter) or `precise_search` (`exact`). Returns (latency s, ids).
    pub fn search(&mut self, qi: usize, table: &str, mode: Mode) -> Res<(f64, Vec<i64>)> {
        let kind = match mode {
            Mode::Ann => "ann",
            Mode::Filtered => "fann",
            Mode::Exact => "exact",
        };
        let v = self.call(&format!("{kind} {qi} {table}"))?;
        Self::hits(&v)
    }

    /// Top-10 of query `qi` on `table` by `ann_search` with `where_clause=[text(sql)]`
    /// (the filtered-layouts comparison). Returns (latency s, ids).
    pub fn search_where(&mut self, qi: usize, table: &str, sql: &str) -> Res<(f64, Vec<i64>)> {
        let v = self.call(&format!("wann {qi} {table} {sql}"))?;
        Self::hits(&v)
    }

    /// `get` of every (id, v) of `table`, decoded to float32 as the reference script
    /// does: (latency s, rows, largest absolute error against the data set).
    pub fn read_all(&mut self, table: &str) -> Res<(f64, u64, f64)> {
        let v = self.call(&format!("read {table}"))?;
        let rows = v["rows"].as_u64().ok_or("no rows")?;
        let err = v["max_abs_err"].as_f64().ok_or("no max_abs_err")?;
        Ok((Self::lat(&v)?, rows, err))
    }

    /// `insert` of rows `s..e` of the data set: latency s.
    pub fn insert(&mut self, table: &str, s: usize, e: usize) -> Res<f64> {
        let v = self.call(&format!("insert {table} {s} {e}"))?;
        Self::lat(&v)
    }

    /// `create_table_with_index_params` with the reference's columns and HNSW index.
    pub fn create(&mut self, table: &str) -> Res<()> {
        self.call(&format!("create {table}")).map(|_| ())
    }

    /// ef_search on every connection the worker's pool opens (then one untimed search
    /// on `table`), checked by reading it back.
    pub fn set_ef(&mut self, ef: u32, table: &str) -> Res<()> {
        let v = self.call(&format!("ef {ef} {table}"))?;
        if v["ef"].as_u64() == Some(u64::from(ef)) {
            Ok(())
        } else {
            Err(format!(
                "pyobvector worker: ef_search is {} after setting {ef}",
                v["ef"]
            ))
        }
    }

    /// CPU seconds the worker process has used so far.
    pub fn cpu(&mut self) -> Res<f64> {
        let v = self.call("cpu")?;
        v["cpu_s"]
            .as_f64()
            .ok_or_else(|| format!("no cpu_s in {v}"))
    }
}

impl Drop for PyWorker {
    fn drop(&mut self) {
        // No worker may outlive the benchmark: ask it to quit, and end it (this child,
        // by its handle) if it has not within 10 s, e.g. stuck in a call.
        let _ = writeln!(self.stdin, "quit").and_then(|()| self.stdin.flush());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
