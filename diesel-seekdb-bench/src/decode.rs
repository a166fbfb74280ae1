//! Phase 8: every vector read back and decoded, per path, with the largest error
//! against the data set (the server prints 6 significant digits).

use std::time::Instant;

use diesel::prelude::*;
use diesel_seekdb::codec;
use diesel_seekdb::prelude::*;
use serde_json::{json, Map, Value};

use crate::phases::{bar, err, parse_int, Bench, Path, Res};
use crate::schema::{items, T_DIESEL};
use crate::stats::Samples;

impl Bench<'_> {
    fn read_all(&mut self, path: Path) -> Res<Vec<(i64, Vec<f32>)>> {
        match path {
            Path::Diesel => {
                let rows: Vec<(i32, Vector)> = items::table
                    .select((items::id, items::v))
                    .load(&mut self.conn)
                    .map_err(err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, v)| (i64::from(id), v.to_vec()))
                    .collect())
            }
            Path::ObVec => {
                let rows = self
                    .client
                    .get(T_DIESEL, &[], None, &["id", "v"], &[])
                    .map_err(err)?;
                rows.into_iter()
                    .map(|r| {
                        let id = r.get("id").and_then(Value::as_i64).ok_or("no id")?;
                        let v = r
                            .get("v")
                            .and_then(Value::as_array)
                            .ok_or("no v")?
                            .iter()
                            .map(|x| x.as_f64().map(|f| f as f32).ok_or("not a number"))
                            .collect::<Result<Vec<f32>, _>>()?;
                        Ok((id, v))
                    })
                    .collect()
            }
            _ => {
                let mut rows = Vec::with_capacity(self.ds.n);
                let mut bad = None;
                self.raw.query(
                    format!("SELECT id, v FROM {T_DIESEL}").as_bytes(),
                    |r| match (parse_int(r[0]), r[1].map(codec::decode)) {
                        (Ok(id), Some(Ok(v))) => rows.push((id, v)),
                        _ => bad = Some("undecodable row".to_string()),
                    },
                )?;
                bad.map_or(Ok(rows), Err)
            }
        }
    }

    /// Reads every vector on `path`: (latency s, rows, largest absolute error against
    /// the data set; the check is not timed).
    fn read_timed(&mut self, path: Path) -> Res<(f64, u64, f64)> {
        if path == Path::PyObVec {
            let py = self.py.as_mut().ok_or("no pyobvector worker")?;
            return py.read_all(T_DIESEL);
        }
        let t0 = Instant::now();
        let rows = self.read_all(path)?;
        let lat = t0.elapsed().as_secs_f64();
        let mut max_err = 0f64;
        for (id, v) in &rows {
            let want = usize::try_from(*id)
                .ok()
                .filter(|i| *i < self.ds.n)
                .map(|i| self.ds.row(i))
                .ok_or_else(|| format!("id {id} is not in the data set"))?;
            for (a, b) in v.iter().zip(want) {
                max_err = max_err.max(f64::from((a - b).abs()));
            }
        }
        Ok((lat, rows.len() as u64, max_err))
    }

    /// Phase 8: read every vector back and decode it.
    pub fn decode(&mut self) -> Res<()> {
        self.log("phase 8: read all vectors back");
        let paths = self.with_py(&[Path::Diesel, Path::ObVec, Path::RawC]);
        let mut samples = vec![Samples::default(); paths.len()];
        let mut fidelity = Map::new();
        let pb = bar(
            (self.opt.decode_rounds * paths.len()) as u64,
            "read all vectors",
        );
        for r in 0..self.opt.decode_rounds {
            for j in 0..paths.len() {
                let p = (j + r) % paths.len();
                let c0 = self.cpu(paths[p])?;
                let (lat, rows, max_err) = self.read_timed(paths[p])?;
                samples[p].lat.push(lat);
                samples[p].cpu_s += self.cpu(paths[p])? - c0;
                if r == 0 {
                    fidelity.insert(
                        paths[p].name().into(),
                        json!({"rows": rows, "max_abs_err": max_err}),
                    );
                }
                pb.inc(1);
            }
        }
        pb.finish_and_clear();
        let mut out = Map::new();
        let units = (self.ds.n * self.opt.decode_rounds) as u64;
        for (p, s) in paths.iter().zip(&samples) {
            out.insert(p.name().into(), s.summary(units));
        }
        out.insert("fidelity".into(), Value::Object(fidelity));
        out.insert("unit".into(), json!("rows"));
        self.phases.insert("decode".into(), Value::Object(out));
        Ok(())
    }
}
