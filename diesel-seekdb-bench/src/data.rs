//! Datasets: the Python reference's directory layout, `.fbin`/`.fvecs` files, or a
//! deterministic synthetic Gaussian-cluster set; exact ground truth on the client.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

pub const TOPK: usize = 10;
/// The filtered search keeps rows whose `meta.page` (= id % 10) is this value.
pub const FILTER_PAGE: i64 = 3;
const N_CLUSTERS: usize = 50;
const CENTER_STD: f64 = 1.0;
const NOISE_STD: f64 = 0.35;

pub struct Dataset {
    pub n: usize,
    pub dim: usize,
    pub base: Vec<f32>,
    /// Cluster label per row (`-1` when the source has none).
    pub labels: Vec<i32>,
    pub queries: Vec<f32>,
    pub nq: usize,
    pub gt: Vec<i32>,
    pub gt_filtered: Vec<i32>,
    pub source: Value,
}

impl Dataset {
    pub fn row(&self, i: usize) -> &[f32] {
        &self.base[i * self.dim..(i + 1) * self.dim]
    }

    pub fn query(&self, i: usize) -> &[f32] {
        &self.queries[i * self.dim..(i + 1) * self.dim]
    }

    pub fn meta(&self, id: usize) -> String {
        format!(r#"{{"cluster": {}, "page": {}}}"#, self.labels[id], id % 10)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn le_f32(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn le_i32(bytes: &[u8]) -> Vec<i32> {
    bytes
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn expect_len(name: &str, got: usize, want: usize) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{name}: {got} values, expected {want}"))
    }
}

/// The directory `pyobvector_baseline.py` writes (`dataset.json` + raw files).
pub fn load_python_dir(dir: &Path) -> Result<Dataset, String> {
    let header: Value = serde_json::from_slice(&read(&dir.join("dataset.json"))?)
        .map_err(|e| format!("dataset.json: {e}"))?;
    let get = |k: &str| {
        header[k]
            .as_u64()
            .map(|v| v as usize)
            .ok_or_else(|| format!("dataset.json: no `{k}`"))
    };
    let (n, dim, nq) = (get("n")?, get("dim")?, get("n_queries")?);
    let base = le_f32(&read(&dir.join("base.f32"))?);
    let labels = le_i32(&read(&dir.join("base_cluster.i32"))?);
    let queries = le_f32(&read(&dir.join("queries.f32"))?);
    let gt = le_i32(&read(&dir.join("gt_top10.i32"))?);
    let gt_filtered = le_i32(&read(&dir.join("gt_filtered_top10.i32"))?);
    expect_len("base.f32", base.len(), n * dim)?;
    expect_len("base_cluster.i32", labels.len(), n)?;
    expect_len("queries.f32", queries.len(), nq * dim)?;
    expect_len("gt_top10.i32", gt.len(), nq * TOPK)?;
    expect_len("gt_filtered_top10.i32", gt_filtered.len(), nq * TOPK)?;
    Ok(Dataset {
        n,
        dim,
        base,
        labels,
        queries,
        nq,
        gt,
        gt_filtered,
        source: json!({"kind": "pyobvector_baseline data dir", "dir": dir.display().to_string(),
                       "generator": header["generator"].clone(), "files": header["files"].clone()}),
    })
}

/// `.fbin`/`.ibin` (u32 count, u32 dim, rows) or `.fvecs`/`.ivecs` (each row: u32 dim, values).
/// Returns (rows, dim, little-endian 4-byte values).
fn read_matrix(path: &Path) -> Result<(usize, usize, Vec<u8>), String> {
    let bytes = read(path)?;
    let name = path.to_string_lossy().to_ascii_lowercase();
    let u32_at = |b: &[u8], at: usize| -> Result<usize, String> {
        b.get(at..at + 4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
            .ok_or_else(|| format!("{}: truncated", path.display()))
    };
    if name.ends_with("vecs") {
        let dim = u32_at(&bytes, 0)?;
        if dim == 0 {
            return Err(format!("{}: dimension 0", path.display()));
        }
        let stride = 4 + 4 * dim;
        if bytes.len() % stride != 0 {
            return Err(format!(
                "{}: size is not a multiple of the row size",
                path.display()
            ));
        }
        let rows = bytes.len() / stride;
        let mut out = Vec::with_capacity(rows * dim * 4);
        for r in 0..rows {
            if u32_at(&bytes, r * stride)? != dim {
                return Err(format!("{}: row {r} has another dimension", path.display()));
            }
            out.extend_from_slice(&bytes[r * stride + 4..(r + 1) * stride]);
        }
        Ok((rows, dim, out))
    } else {
        let (rows, dim) = (u32_at(&bytes, 0)?, u32_at(&bytes, 4)?);
        expect_len(
            &path.display().to_string(),
            (bytes.len() - 8) / 4,
            rows * dim,
        )?;
        Ok((rows, dim, bytes[8..].to_vec()))
    }
}

/// Synthetic data: 50 Gaussian clusters (centres ~ N(0, 1), noise ~ N(0, 0.35)), so that
/// neighbours are meaningful and recall measures something.
pub fn generate(n: usize, dim: usize, nq: usize, seed: u64) -> (Vec<f32>, Vec<i32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let centers: Vec<f64> = (0..N_CLUSTERS * dim)
        .map(|_| rng.normal() * CENTER_STD)
        .collect();
    let draw = |rng: &mut Rng, count: usize| {
        let mut labels = Vec::with_capacity(count);
        let mut rows = Vec::with_capacity(count * dim);
        for _ in 0..count {
            let c = (rng.next() % N_CLUSTERS as u64) as usize;
            labels.push(c as i32);
            for d in 0..dim {
                rows.push((centers[c * dim + d] + rng.normal() * NOISE_STD) as f32);
            }
        }
        (rows, labels)
    };
    let (base, labels) = draw(&mut rng, n);
    let mut qrng = Rng::new(seed.wrapping_add(1));
    let (queries, _) = draw(&mut qrng, nq);
    (base, labels, queries)
}

pub struct Source {
    pub base: Option<PathBuf>,
    pub queries: Option<PathBuf>,
    pub gt: Option<PathBuf>,
    pub n: usize,
    pub dim: usize,
    pub nq: usize,
    pub seed: u64,
}

/// Files when given (truncated to `n` rows / `nq` queries), otherwise synthetic data;
/// ground truth from `gt` or computed exactly.
pub fn load(src: &Source) -> Result<Dataset, String> {
    let (base, labels, queries, dim, n, nq, source) = match &src.base {
        Some(path) => {
            let (rows, dim, bytes) = read_matrix(path)?;
            let n = if src.n == 0 { rows } else { src.n.min(rows) };
            let base = le_f32(&bytes[..n * dim * 4]);
            let queries = match &src.queries {
                Some(q) => {
                    let (qr, qd, qb) = read_matrix(q)?;
                    if qd != dim {
                        return Err(format!("queries have dimension {qd}, base {dim}"));
                    }
                    le_f32(&qb[..qr.min(src.nq) * qd * 4])
                }
                // Without a query file, every (n / nq)-th base row is a query.
                None => {
                    let step = (n / src.nq.max(1)).max(1);
                    (0..n)
                        .step_by(step)
                        .take(src.nq)
                        .flat_map(|i| base[i * dim..(i + 1) * dim].to_vec())
                        .collect()
                }
            };
            let nq = queries.len() / dim;
            let source = json!({"kind": "files", "base": path.display().to_string(),
                                "queries": src.queries.as_ref().map(|p| p.display().to_string())});
            (base, vec![-1; n], queries, dim, n, nq, source)
        }
        None => {
            let (b, l, q) = generate(src.n, src.dim, src.nq, src.seed);
            let source = json!({"kind": "synthetic", "seed": src.seed, "n_clusters": N_CLUSTERS,
                                "center_std": CENTER_STD, "noise_std": NOISE_STD});
            (b, l, q, src.dim, src.n, src.nq, source)
        }
    };
    let mut ds = Dataset {
        n,
        dim,
        base,
        labels,
        queries,
        nq,
        gt: Vec::new(),
        gt_filtered: Vec::new(),
        source,
    };
    ds.gt = match (&src.gt, &src.base) {
        (Some(path), Some(_)) if src.n == 0 => {
            let (rows, k, bytes) = read_matrix(path)?;
            if k < TOPK || rows < nq {
                return Err(format!(
                    "{}: need {nq} rows of at least {TOPK} ids",
                    path.display()
                ));
            }
            let all = le_i32(&bytes);
            (0..nq)
                .flat_map(|r| all[r * k..r * k + TOPK].to_vec())
                .collect()
        }
        _ => brute_force(&ds, |_| true),
    };
    ds.gt_filtered = brute_force(&ds, |id| id as i64 % 10 == FILTER_PAGE);
    Ok(ds)
}

/// Exact top-10 by squared L2 in f64 (ties by id), like the reference's numpy code.
pub fn brute_force(ds: &Dataset, keep: impl Fn(usize) -> bool + Sync) -> Vec<i32> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut out = vec![-1i32; ds.nq * TOPK];
    let chunk = ds.nq.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for (t, slot) in out.chunks_mut(chunk * TOPK).enumerate() {
            let keep = &keep;
            s.spawn(move || {
                for (j, dst) in slot.chunks_mut(TOPK).enumerate() {
                    let q = ds.query(t * chunk + j);
                    let mut best: Vec<(f64, usize)> = Vec::with_capacity(TOPK + 1);
                    for id in (0..ds.n).filter(|&id| keep(id)) {
                        let d: f64 = ds
                            .row(id)
                            .iter()
                            .zip(q)
                            .map(|(a, b)| {
                                let x = f64::from(*a) - f64::from(*b);
                                x * x
                            })
                            .sum();
                        if best.len() < TOPK || d < best[best.len() - 1].0 {
                            let at = best.partition_point(|e| e.0 <= d);
                            best.insert(at, (d, id));
                            best.truncate(TOPK);
                        }
                    }
                    for (k, (_, id)) in best.iter().enumerate() {
                        dst[k] = *id as i32;
                    }
                }
            });
        }
    });
    out
}

/// xoshiro256** with SplitMix64 seeding, and Box–Muller normals: small, fast and the
/// same on every platform.
struct Rng {
    s: [u64; 4],
    spare: Option<f64>,
}

impl Rng {
    fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
            spare: None,
        }
    }

    fn next(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        if let Some(v) = self.spare.take() {
            return v;
        }
        let (u, v) = (self.uniform(), self.uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let a = std::f64::consts::TAU * v;
        self.spare = Some(r * a.sin());
        r * a.cos()
    }
}
