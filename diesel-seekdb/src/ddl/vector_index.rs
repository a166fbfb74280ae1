//! Vector indexes: `VECTOR INDEX ... WITH (...)`, validated against seekdb 1.4's rules
//! before anything is rendered, plus pyobvector's [`IndexParam`] / [`IndexParams`].
//!
//! seekdb checks (all errno 1235 on the server; [`crate::Error::Validation`] here):
//!
//! | parameter | types | range |
//! |---|---|---|
//! | `m` | hnsw (5–128), hnsw_sq / hnsw_bq (5–64) | default 16 |
//! | `m` | ivf_pq (required) | ≥ 1, divides the column's dimension |
//! | `ef_construction` | hnsw family | ≤ 1000, > `m`; hnsw_sq / hnsw_bq: ≥ 2·`m` |
//! | `ef_search` | hnsw family | 1–160000 |
//! | `extra_info_max_size` | hnsw family | 0–16384 |
//! | `sync_mode` | hnsw family | `immediate` / `async` (`async` on heap tables only) |
//! | `refine_k` | hnsw_bq | 1.0–1000.0 |
//! | `refine_type` | hnsw_bq | `sq8` / `fp32` |
//! | `bq_use_fht` | hnsw_bq | `true` / `false` |
//! | `bq_bits_query` | hnsw_bq | 4 or 32 |
//! | `nlist` | ivf_* | 1–65536 |
//! | `sample_per_nlist` | ivf_* | ≥ 1 |
//! | `nbits` | ivf_pq | 1–24 |
//! | `prune`, `refine`, `drop_ratio_build` | sindi | `refine=true` / `drop_ratio_build>0` need `prune=true`; `drop_ratio_build` 0–0.9 |
//!
//! An index covers at most 4096 dimensions; IVF indexes need the vector stored in-row
//! (4·dim ≤ `LOB_INROW_THRESHOLD`, 8192 by default, i.e. 2048 dimensions).

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use super::ident::{validate_ident, IdentKind, IdentStyle};
use crate::{Error, Result};

/// Largest dimension a vector index accepts.
pub const MAX_INDEX_DIMENSIONS: u32 = 4096;
/// seekdb's default `LOB_INROW_THRESHOLD` in bytes (`ob_default_lob_inrow_threshold`).
pub const DEFAULT_LOB_INROW_THRESHOLD: u32 = 8192;
/// Largest `LOB_INROW_THRESHOLD` seekdb accepts.
pub const MAX_LOB_INROW_THRESHOLD: u32 = 786_432;

/// A vector index algorithm (`type=` in the `WITH` clause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VecIndexType {
    /// `hnsw`: graph index (lib vsag).
    Hnsw,
    /// `hnsw_sq`: HNSW with scalar quantization (lib vsag).
    HnswSq,
    /// `hnsw_bq`: HNSW with binary quantization (lib vsag).
    HnswBq,
    /// `ivf_flat` (lib ob).
    IvfFlat,
    /// `ivf_sq8` (lib ob).
    IvfSq8,
    /// `ivf_pq`: needs `m` (lib ob).
    IvfPq,
    /// `sindi`: sparse-vector index, inner product only (pyobvector's `DAAT`).
    Sindi,
}

impl VecIndexType {
    /// Every type.
    pub const ALL: [VecIndexType; 7] = [
        VecIndexType::Hnsw,
        VecIndexType::HnswSq,
        VecIndexType::HnswBq,
        VecIndexType::IvfFlat,
        VecIndexType::IvfSq8,
        VecIndexType::IvfPq,
        VecIndexType::Sindi,
    ];

    /// The `type=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            VecIndexType::Hnsw => "hnsw",
            VecIndexType::HnswSq => "hnsw_sq",
            VecIndexType::HnswBq => "hnsw_bq",
            VecIndexType::IvfFlat => "ivf_flat",
            VecIndexType::IvfSq8 => "ivf_sq8",
            VecIndexType::IvfPq => "ivf_pq",
            VecIndexType::Sindi => "sindi",
        }
    }

    /// The library the type is implemented in (`lib=`).
    pub fn lib(self) -> VectorLib {
        if self.is_ivf() {
            VectorLib::Ob
        } else {
            VectorLib::Vsag
        }
    }

    /// hnsw, hnsw_sq or hnsw_bq.
    pub fn is_hnsw(self) -> bool {
        matches!(
            self,
            VecIndexType::Hnsw | VecIndexType::HnswSq | VecIndexType::HnswBq
        )
    }

    /// ivf_flat, ivf_sq8 or ivf_pq.
    pub fn is_ivf(self) -> bool {
        matches!(
            self,
            VecIndexType::IvfFlat | VecIndexType::IvfSq8 | VecIndexType::IvfPq
        )
    }

    /// Whether the type indexes `SPARSEVECTOR` columns (only sindi).
    pub fn is_sparse(self) -> bool {
        self == VecIndexType::Sindi
    }

    /// Parses seekdb, pyobvector and Milvus spellings, case-insensitively and ignoring
    /// `_`: `hnsw`, `HNSW_SQ`, `HNSW_BQ`, `IVF_FLAT`/`IVFFLAT`, `IVF_SQ8`/`IVFSQ`,
    /// `IVF_PQ`/`IVFPQ`, `SINDI`/`DAAT`/`SPARSE_INVERTED_INDEX`/`SPARSE_WAND`.
    pub fn parse(s: &str) -> Result<Self> {
        let key: String = s
            .chars()
            .filter(|c| *c != '_' && *c != '-' && !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        Ok(match key.as_str() {
            "HNSW" => VecIndexType::Hnsw,
            "HNSWSQ" => VecIndexType::HnswSq,
            "HNSWBQ" => VecIndexType::HnswBq,
            "IVFFLAT" => VecIndexType::IvfFlat,
            "IVFSQ8" | "IVFSQ" => VecIndexType::IvfSq8,
            "IVFPQ" => VecIndexType::IvfPq,
            "SINDI" | "DAAT" | "SPARSEINVERTEDINDEX" | "SPARSEWAND" => VecIndexType::Sindi,
            _ => {
                return Err(Error::validation(
                    "index_type",
                    format!(
                        "unknown vector index type {s:?}; expected one of hnsw, hnsw_sq, \
                         hnsw_bq, ivf_flat, ivf_sq8, ivf_pq, sindi"
                    ),
                ))
            }
        })
    }
}

impl FromStr for VecIndexType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for VecIndexType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The library implementing an index (`lib=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VectorLib {
    /// `vsag`: the HNSW family and sindi.
    Vsag,
    /// `ob`: the IVF family.
    Ob,
}

impl VectorLib {
    /// The `lib=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            VectorLib::Vsag => "vsag",
            VectorLib::Ob => "ob",
        }
    }

    /// Parses `vsag` / `ob`, case-insensitively.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vsag" => Ok(VectorLib::Vsag),
            "ob" => Ok(VectorLib::Ob),
            _ => Err(Error::validation(
                "lib",
                format!("unknown vector index library {s:?}; expected vsag or ob"),
            )),
        }
    }
}

impl fmt::Display for VectorLib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The metric an index is built for (`distance=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VectorDistance {
    /// `l2` (use `l2_distance` / `l2_squared` in queries).
    L2,
    /// `inner_product` (query with `negative_inner_product(...)` ascending).
    InnerProduct,
    /// `cosine` (use `cosine_distance`).
    Cosine,
}

impl VectorDistance {
    /// The `distance=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            VectorDistance::L2 => "l2",
            VectorDistance::InnerProduct => "inner_product",
            VectorDistance::Cosine => "cosine",
        }
    }

    /// Parses `l2`, `ip` / `inner_product`, `cosine` (pyobvector / Milvus `metric_type`
    /// spellings), case-insensitively.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "l2" => Ok(VectorDistance::L2),
            "ip" | "inner_product" => Ok(VectorDistance::InnerProduct),
            "cosine" => Ok(VectorDistance::Cosine),
            _ => Err(Error::validation(
                "metric_type",
                format!("unknown metric type {s:?}; expected L2, IP (inner_product) or COSINE"),
            )),
        }
    }
}

impl FromStr for VectorDistance {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for VectorDistance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How hnsw_bq re-ranks candidates (`refine_type=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefineType {
    /// `sq8` (the default).
    Sq8,
    /// `fp32`.
    Fp32,
}

impl RefineType {
    /// The `refine_type=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            RefineType::Sq8 => "sq8",
            RefineType::Fp32 => "fp32",
        }
    }

    /// Parses `sq8` / `fp32`, case-insensitively.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sq8" => Ok(RefineType::Sq8),
            "fp32" => Ok(RefineType::Fp32),
            _ => Err(Error::validation(
                "refine_type",
                format!("unknown refine type {s:?}; expected sq8 or fp32"),
            )),
        }
    }
}

/// When new rows reach an HNSW-family index (`sync_mode=`).
///
/// On a heap-organised table seekdb defaults to `async`: rows inserted after the index
/// was built are invisible to approximate search until the background refresh (or
/// `DBMS_VECTOR.REFRESH_INDEX`) runs. `immediate` indexes each row as it is written.
/// Index-organised tables accept only `immediate` (server error 1235 otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncMode {
    /// `immediate`: rows are searchable through the index as soon as they commit.
    Immediate,
    /// `async`: a background task merges new rows (heap tables only).
    Async,
}

impl SyncMode {
    /// The `sync_mode=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Immediate => "immediate",
            SyncMode::Async => "async",
        }
    }

    /// Parses `immediate` / `async`, case-insensitively.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "immediate" => Ok(SyncMode::Immediate),
            "async" => Ok(SyncMode::Async),
            _ => Err(Error::validation(
                "sync_mode",
                format!("unknown sync mode {s:?}; expected immediate or async"),
            )),
        }
    }
}

/// A vector index on one column.
///
/// ```
/// use diesel_seekdb::ddl::{VecIndexType, VectorDistance, VectorIndex};
/// let idx = VectorIndex::new("vidx", "v")
///     .distance(VectorDistance::L2)
///     .m(16)
///     .ef_construction(200)
///     .ef_search(64);
/// assert_eq!(
///     idx.to_inline_sql()?,
///     "VECTOR INDEX `vidx` (`v`) WITH (distance=l2, type=hnsw, lib=vsag, m=16, ef_construction=200, ef_search=64)"
/// );
/// let ivf = VectorIndex::new("ivf", "v").index_type(VecIndexType::IvfPq).m(4).dim(8);
/// assert_eq!(
///     ivf.to_create_sql("items")?,
///     "CREATE VECTOR INDEX `ivf` ON `items` (`v`) WITH (distance=l2, type=ivf_pq, lib=ob, m=4)"
/// );
/// // seekdb's rules are checked before rendering; errors name the parameter.
/// let err = VectorIndex::new("vidx", "v").m(16).ef_construction(16).to_inline_sql();
/// assert!(matches!(err, Err(diesel_seekdb::Error::Validation { parameter, .. }) if parameter == "ef_construction"));
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VectorIndex {
    name: String,
    column: String,
    index_type: VecIndexType,
    distance: VectorDistance,
    lib: Option<VectorLib>,
    m: Option<u32>,
    ef_construction: Option<u32>,
    ef_search: Option<u32>,
    extra_info_max_size: Option<u32>,
    sync_mode: Option<SyncMode>,
    refine_k: Option<f64>,
    refine_type: Option<RefineType>,
    bq_use_fht: Option<bool>,
    bq_bits_query: Option<u32>,
    nlist: Option<u32>,
    sample_per_nlist: Option<u64>,
    nbits: Option<u32>,
    prune: Option<bool>,
    refine: Option<bool>,
    drop_ratio_build: Option<f64>,
    dim: Option<u32>,
    lob_inrow_threshold: Option<u32>,
}

impl VectorIndex {
    /// An `hnsw` index with `distance=l2` named `name` on `column`; change either with
    /// [`VectorIndex::index_type`] and [`VectorIndex::distance`].
    pub fn new(name: impl Into<String>, column: impl Into<String>) -> Self {
        VectorIndex {
            name: name.into(),
            column: column.into(),
            index_type: VecIndexType::Hnsw,
            distance: VectorDistance::L2,
            lib: None,
            m: None,
            ef_construction: None,
            ef_search: None,
            extra_info_max_size: None,
            sync_mode: None,
            refine_k: None,
            refine_type: None,
            bq_use_fht: None,
            bq_bits_query: None,
            nlist: None,
            sample_per_nlist: None,
            nbits: None,
            prune: None,
            refine: None,
            drop_ratio_build: None,
            dim: None,
            lob_inrow_threshold: None,
        }
    }

    /// A `sindi` index (`distance=inner_product`) on a `SPARSEVECTOR` column.
    pub fn sparse(name: impl Into<String>, column: impl Into<String>) -> Self {
        Self::new(name, column)
            .index_type(VecIndexType::Sindi)
            .distance(VectorDistance::InnerProduct)
    }

    /// Sets the algorithm.
    pub fn index_type(mut self, index_type: VecIndexType) -> Self {
        self.index_type = index_type;
        self
    }

    /// Sets the metric.
    pub fn distance(mut self, distance: VectorDistance) -> Self {
        self.distance = distance;
        self
    }

    /// Sets `lib=` explicitly (by default the type's own library is rendered).
    pub fn lib(mut self, lib: VectorLib) -> Self {
        self.lib = Some(lib);
        self
    }

    /// `m`: HNSW max neighbours (5–128), or ivf_pq sub-quantizers (required, divides dim).
    pub fn m(mut self, m: u32) -> Self {
        self.m = Some(m);
        self
    }

    /// `ef_construction` (HNSW family, ≤ 1000, > m).
    pub fn ef_construction(mut self, v: u32) -> Self {
        self.ef_construction = Some(v);
        self
    }

    /// `ef_search` (HNSW family, 1–160000).
    pub fn ef_search(mut self, v: u32) -> Self {
        self.ef_search = Some(v);
        self
    }

    /// `extra_info_max_size` (HNSW family, 0–16384).
    pub fn extra_info_max_size(mut self, v: u32) -> Self {
        self.extra_info_max_size = Some(v);
        self
    }

    /// `sync_mode` (hnsw family): when new rows reach the index, see [`SyncMode`].
    pub fn sync_mode(mut self, mode: SyncMode) -> Self {
        self.sync_mode = Some(mode);
        self
    }

    /// `refine_k` (hnsw_bq, 1.0–1000.0).
    pub fn refine_k(mut self, v: f64) -> Self {
        self.refine_k = Some(v);
        self
    }

    /// `refine_type` (hnsw_bq).
    pub fn refine_type(mut self, v: RefineType) -> Self {
        self.refine_type = Some(v);
        self
    }

    /// `bq_use_fht` (hnsw_bq).
    pub fn bq_use_fht(mut self, v: bool) -> Self {
        self.bq_use_fht = Some(v);
        self
    }

    /// `bq_bits_query` (hnsw_bq, 4 or 32).
    pub fn bq_bits_query(mut self, v: u32) -> Self {
        self.bq_bits_query = Some(v);
        self
    }

    /// `nlist` (IVF, 1–65536).
    pub fn nlist(mut self, v: u32) -> Self {
        self.nlist = Some(v);
        self
    }

    /// `sample_per_nlist` (IVF, ≥ 1). pyobvector's spelling `samples_per_nlist` is
    /// refused by the server; this renders the accepted one.
    pub fn sample_per_nlist(mut self, v: u64) -> Self {
        self.sample_per_nlist = Some(v);
        self
    }

    /// `nbits` (ivf_pq, 1–24).
    pub fn nbits(mut self, v: u32) -> Self {
        self.nbits = Some(v);
        self
    }

    /// `prune` (sindi).
    pub fn prune(mut self, v: bool) -> Self {
        self.prune = Some(v);
        self
    }

    /// `refine` (sindi; `true` needs `prune=true`).
    pub fn refine(mut self, v: bool) -> Self {
        self.refine = Some(v);
        self
    }

    /// `drop_ratio_build` (sindi, 0–0.9; above 0 needs `prune=true`).
    pub fn drop_ratio_build(mut self, v: f64) -> Self {
        self.drop_ratio_build = Some(v);
        self
    }

    /// The indexed column's dimension, when known: enables the checks that depend on
    /// it (≤ 4096, IVF in-row storage, ivf_pq `m` dividing it). Not rendered.
    pub fn dim(mut self, dim: u32) -> Self {
        self.dim = Some(dim);
        self
    }

    /// The table's `LOB_INROW_THRESHOLD`, when raised: IVF indexes accept up to
    /// threshold / 4 dimensions (default 8192 bytes = 2048 dimensions). Not rendered.
    pub fn lob_inrow_threshold(mut self, bytes: u32) -> Self {
        self.lob_inrow_threshold = Some(bytes);
        self
    }

    /// The index name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The indexed column.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The algorithm.
    pub fn get_index_type(&self) -> VecIndexType {
        self.index_type
    }

    /// The metric.
    pub fn get_distance(&self) -> VectorDistance {
        self.distance
    }

    /// The `sync_mode`, when set.
    pub fn get_sync_mode(&self) -> Option<SyncMode> {
        self.sync_mode
    }

    /// Fills in the column's dimension / the table's threshold unless already set
    /// (used by `CreateTable`).
    pub(crate) fn with_context(&self, dim: Option<u32>, lob: Option<u32>) -> Self {
        let mut me = self.clone();
        if me.dim.is_none() {
            me.dim = dim;
        }
        if me.lob_inrow_threshold.is_none() {
            me.lob_inrow_threshold = lob;
        }
        me
    }

    /// Checks every rule listed in the [module docs](self).
    pub fn validate(&self) -> Result<()> {
        validate_ident("index_name", &self.name, IdentKind::Index)?;
        validate_ident("column", &self.column, IdentKind::Column)?;
        let t = self.index_type;
        let ty = t.as_str();
        let not_for = |param: &str, for_types: &str| -> Error {
            Error::validation(
                param,
                format!("`{param}` applies to {for_types} indexes, not to {ty}"),
            )
        };

        // lib
        if let Some(lib) = self.lib {
            if t.is_hnsw() && lib != VectorLib::Vsag {
                return Err(Error::validation(
                    "lib",
                    format!("{ty} indexes need lib=vsag, not lib={lib}"),
                ));
            }
            if t.is_ivf() && lib != VectorLib::Ob {
                return Err(Error::validation(
                    "lib",
                    format!("{ty} indexes need lib=ob, not lib={lib}"),
                ));
            }
        }
        // distance
        if t.is_sparse() && self.distance != VectorDistance::InnerProduct {
            return Err(Error::validation(
                "distance",
                format!(
                    "sindi (sparse) indexes support only inner_product, not {}",
                    self.distance
                ),
            ));
        }

        // HNSW-family parameters
        if !t.is_hnsw() {
            if self.ef_construction.is_some() {
                return Err(not_for("ef_construction", "hnsw/hnsw_sq/hnsw_bq"));
            }
            if self.ef_search.is_some() {
                return Err(not_for("ef_search", "hnsw/hnsw_sq/hnsw_bq"));
            }
            if self.extra_info_max_size.is_some() {
                return Err(not_for("extra_info_max_size", "hnsw/hnsw_sq/hnsw_bq"));
            }
            if self.sync_mode.is_some() {
                return Err(not_for("sync_mode", "hnsw/hnsw_sq/hnsw_bq"));
            }
        }
        if t != VecIndexType::HnswBq {
            if self.refine_k.is_some() {
                return Err(not_for("refine_k", "hnsw_bq"));
            }
            if self.refine_type.is_some() {
                return Err(not_for("refine_type", "hnsw_bq"));
            }
            if self.bq_use_fht.is_some() {
                return Err(not_for("bq_use_fht", "hnsw_bq"));
            }
            if self.bq_bits_query.is_some() {
                return Err(not_for("bq_bits_query", "hnsw_bq"));
            }
        }
        if !t.is_ivf() {
            if self.nlist.is_some() {
                return Err(not_for("nlist", "ivf_flat/ivf_sq8/ivf_pq"));
            }
            if self.sample_per_nlist.is_some() {
                return Err(not_for("sample_per_nlist", "ivf_flat/ivf_sq8/ivf_pq"));
            }
        }
        if t != VecIndexType::IvfPq && self.nbits.is_some() {
            return Err(not_for("nbits", "ivf_pq"));
        }
        if !t.is_sparse() {
            if self.prune.is_some() {
                return Err(not_for("prune", "sindi"));
            }
            if self.refine.is_some() {
                return Err(not_for("refine", "sindi"));
            }
            if self.drop_ratio_build.is_some() {
                return Err(not_for("drop_ratio_build", "sindi"));
            }
        }
        if matches!(
            t,
            VecIndexType::IvfFlat | VecIndexType::IvfSq8 | VecIndexType::Sindi
        ) && self.m.is_some()
        {
            return Err(not_for("m", "hnsw/hnsw_sq/hnsw_bq/ivf_pq"));
        }

        let range = |param: &str, v: u64, lo: u64, hi: u64| -> Result<()> {
            if v < lo || v > hi {
                Err(Error::validation(
                    param,
                    format!("{v} is out of range: seekdb accepts {lo}..={hi}"),
                ))
            } else {
                Ok(())
            }
        };

        if t.is_hnsw() {
            let m = self.m.unwrap_or(16);
            if let Some(m) = self.m {
                // hnsw_sq / hnsw_bq build a graph of degree 2*m, capped at 128.
                let hi = if t == VecIndexType::Hnsw { 128 } else { 64 };
                range("m", m.into(), 5, hi)?;
            }
            if let Some(ef) = self.ef_construction {
                range("ef_construction", ef.into(), 1, 1000)?;
                if ef <= m {
                    return Err(Error::validation(
                        "ef_construction",
                        format!("must be greater than m ({m}), got {ef}"),
                    ));
                }
                if t != VecIndexType::Hnsw && u64::from(ef) < 2 * u64::from(m) {
                    return Err(Error::validation(
                        "ef_construction",
                        format!(
                            "{ty} needs ef_construction >= 2*m ({}), got {ef}",
                            2 * u64::from(m)
                        ),
                    ));
                }
            }
            if let Some(v) = self.ef_search {
                range("ef_search", v.into(), 1, 160_000)?;
            }
            if let Some(v) = self.extra_info_max_size {
                range("extra_info_max_size", v.into(), 0, 16_384)?;
            }
        }
        if let Some(k) = self.refine_k {
            if !k.is_finite() || !(1.0..=1000.0).contains(&k) {
                return Err(Error::validation(
                    "refine_k",
                    format!("{k} is out of range: seekdb accepts 1.0..=1000.0"),
                ));
            }
        }
        if let Some(b) = self.bq_bits_query {
            if b != 4 && b != 32 {
                return Err(Error::validation(
                    "bq_bits_query",
                    format!("seekdb accepts 4 or 32, got {b}"),
                ));
            }
        }
        if let Some(v) = self.nlist {
            range("nlist", v.into(), 1, 65_536)?;
        }
        if let Some(v) = self.sample_per_nlist {
            range("sample_per_nlist", v, 1, u64::from(u32::MAX))?;
        }
        if let Some(v) = self.nbits {
            range("nbits", v.into(), 1, 24)?;
        }
        if t == VecIndexType::IvfPq {
            let Some(m) = self.m else {
                return Err(Error::validation("m", "ivf_pq indexes require `m`"));
            };
            if m == 0 {
                return Err(Error::validation("m", "must be at least 1"));
            }
            if let Some(dim) = self.dim {
                if m > dim || dim % m != 0 {
                    return Err(Error::validation(
                        "m",
                        format!("ivf_pq m ({m}) must divide the column dimension ({dim})"),
                    ));
                }
            }
        }
        if t.is_sparse() {
            let pruned = self.prune == Some(true);
            if self.refine == Some(true) && !pruned {
                return Err(Error::validation("refine", "refine=true needs prune=true"));
            }
            if let Some(d) = self.drop_ratio_build {
                if !d.is_finite() || !(0.0..=0.9).contains(&d) {
                    return Err(Error::validation(
                        "drop_ratio_build",
                        format!("{d} is out of range: seekdb accepts 0..=0.9"),
                    ));
                }
                if d > 0.0 && !pruned {
                    return Err(Error::validation(
                        "drop_ratio_build",
                        "drop_ratio_build above 0 needs prune=true",
                    ));
                }
            }
            if self.dim.is_some() {
                return Err(Error::validation(
                    "index_type",
                    "sindi indexes SPARSEVECTOR columns, not dense VECTOR(n) columns",
                ));
            }
        }

        if let Some(lob) = self.lob_inrow_threshold {
            range(
                "lob_inrow_threshold",
                lob.into(),
                0,
                MAX_LOB_INROW_THRESHOLD.into(),
            )?;
        }
        if let Some(dim) = self.dim {
            if dim > MAX_INDEX_DIMENSIONS {
                return Err(Error::validation(
                    "dim",
                    format!("vector indexes support at most {MAX_INDEX_DIMENSIONS} dimensions, the column has {dim}"),
                ));
            }
            let lob = self
                .lob_inrow_threshold
                .unwrap_or(DEFAULT_LOB_INROW_THRESHOLD);
            if t.is_ivf() && u64::from(dim) * 4 > u64::from(lob) {
                return Err(Error::validation(
                    "dim",
                    format!(
                        "{ty} needs the vector stored in-row: {dim} dimensions need \
                         LOB_INROW_THRESHOLD >= {} (it is {lob}); raise the table's \
                         lob_inrow_threshold",
                        u64::from(dim) * 4
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The key/value pairs of the `WITH (...)` clause, in rendering order.
    fn params(&self) -> Vec<(&'static str, String)> {
        let mut p: Vec<(&'static str, String)> = vec![
            ("distance", self.distance.as_str().into()),
            ("type", self.index_type.as_str().into()),
            (
                "lib",
                self.lib.unwrap_or(self.index_type.lib()).as_str().into(),
            ),
        ];
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                p.push((k, v));
            }
        };
        push("m", self.m.map(|v| v.to_string()));
        push(
            "ef_construction",
            self.ef_construction.map(|v| v.to_string()),
        );
        push("ef_search", self.ef_search.map(|v| v.to_string()));
        push(
            "extra_info_max_size",
            self.extra_info_max_size.map(|v| v.to_string()),
        );
        push("sync_mode", self.sync_mode.map(|v| v.as_str().into()));
        push("refine_k", self.refine_k.map(|v| v.to_string()));
        push("refine_type", self.refine_type.map(|v| v.as_str().into()));
        push("bq_use_fht", self.bq_use_fht.map(|v| v.to_string()));
        push("bq_bits_query", self.bq_bits_query.map(|v| v.to_string()));
        push("nlist", self.nlist.map(|v| v.to_string()));
        push(
            "sample_per_nlist",
            self.sample_per_nlist.map(|v| v.to_string()),
        );
        push("nbits", self.nbits.map(|v| v.to_string()));
        push("prune", self.prune.map(|v| v.to_string()));
        push("refine", self.refine.map(|v| v.to_string()));
        push(
            "drop_ratio_build",
            self.drop_ratio_build.map(|v| v.to_string()),
        );
        p
    }

    /// The validated `WITH (...)` clause (values are bare words and numbers, as
    /// seekdb requires).
    pub fn with_clause(&self) -> Result<String> {
        self.validate()?;
        let body = self
            .params()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(format!("WITH ({body})"))
    }

    pub(crate) fn inline_sql_with(&self, style: IdentStyle) -> Result<String> {
        let with = self.with_clause()?;
        Ok(format!(
            "VECTOR INDEX {} ({}) {with}",
            style.render(&self.name),
            style.render(&self.column)
        ))
    }

    /// The index as a `CREATE TABLE` element:
    /// ``VECTOR INDEX `vidx` (`v`) WITH (...)``.
    pub fn to_inline_sql(&self) -> Result<String> {
        self.inline_sql_with(IdentStyle::Quoted)
    }

    /// A standalone statement: ``CREATE VECTOR INDEX `vidx` ON `t` (`v`) WITH (...)``.
    pub fn to_create_sql(&self, table: &str) -> Result<String> {
        validate_ident("table", table, IdentKind::Table)?;
        let with = self.with_clause()?;
        Ok(format!(
            "CREATE VECTOR INDEX {} ON {} ({}) {with}",
            super::quote_ident(&self.name),
            super::quote_ident(table),
            super::quote_ident(&self.column)
        ))
    }
}

/// `DROP INDEX `i` ON `t`` (seekdb has no `DROP INDEX IF EXISTS`).
///
/// ```
/// use diesel_seekdb::ddl::DropIndex;
/// assert_eq!(DropIndex::new("vidx", "items").to_sql()?, "DROP INDEX `vidx` ON `items`");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropIndex {
    index: String,
    table: String,
}

impl DropIndex {
    /// Drops `index` from `table`.
    pub fn new(index: impl Into<String>, table: impl Into<String>) -> Self {
        DropIndex {
            index: index.into(),
            table: table.into(),
        }
    }

    /// The statement.
    pub fn to_sql(&self) -> Result<String> {
        validate_ident("index_name", &self.index, IdentKind::Index)?;
        validate_ident("table", &self.table, IdentKind::Table)?;
        Ok(format!(
            "DROP INDEX {} ON {}",
            super::quote_ident(&self.index),
            super::quote_ident(&self.table)
        ))
    }
}

/// pyobvector's / Milvus's description of one vector index: names, an index-type string
/// and Milvus-style parameters. Convert with [`IndexParam::to_vector_index`].
///
/// `params` is a JSON object. Accepted keys (seekdb spellings work too):
/// `metric_type` (`L2`, `IP`, `inner_product`, `COSINE`), `M`/`m`,
/// `efConstruction`/`ef_construction`, `efSearch`/`ef_search`, `nlist`,
/// `samples_per_nlist`/`sample_per_nlist`, `nbits`, `extra_info_max_size`, `refine_k`,
/// `refine_type`, `bq_use_fht`, `bq_bits_query`, `prune`, `refine`, `drop_ratio_build`,
/// `lib`, and a nested `params` object (pyobvector's `add_index(..., metric_type=...,
/// params={...})` keyword arguments). Anything else is a validation error naming it.
///
/// ```
/// use diesel_seekdb::ddl::IndexParam;
/// use serde_json::json;
/// let p = IndexParam::new("vidx", "embedding", "HNSW")
///     .metric_type("IP")
///     .params(json!({"M": 16, "efConstruction": 256, "efSearch": 64}));
/// assert_eq!(
///     p.to_vector_index()?.to_inline_sql()?,
///     "VECTOR INDEX `vidx` (`embedding`) WITH (distance=inner_product, type=hnsw, lib=vsag, m=16, ef_construction=256, ef_search=64)"
/// );
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IndexParam {
    /// The index name.
    pub index_name: String,
    /// The indexed column.
    pub field_name: String,
    /// The index type, in any spelling [`VecIndexType::parse`] accepts.
    pub index_type: String,
    /// The metric (`metric_type`), if not given inside `params`; default `l2`
    /// (`inner_product` for sparse indexes).
    pub metric_type: Option<String>,
    /// Milvus-style parameters (a JSON object, or `null`).
    pub params: Value,
}

impl IndexParam {
    /// A parameter set with no metric and no parameters.
    pub fn new(
        index_name: impl Into<String>,
        field_name: impl Into<String>,
        index_type: impl Into<String>,
    ) -> Self {
        IndexParam {
            index_name: index_name.into(),
            field_name: field_name.into(),
            index_type: index_type.into(),
            metric_type: None,
            params: Value::Null,
        }
    }

    /// Sets the metric (`L2`, `IP`, `inner_product`, `COSINE`).
    pub fn metric_type(mut self, metric: impl Into<String>) -> Self {
        self.metric_type = Some(metric.into());
        self
    }

    /// Sets the parameters (a JSON object).
    pub fn params(mut self, params: Value) -> Self {
        self.params = params;
        self
    }

    /// Converts to a [`VectorIndex`], translating Milvus names and rejecting unknown ones.
    /// The result is validated (without a column dimension).
    pub fn to_vector_index(&self) -> Result<VectorIndex> {
        let index_type = VecIndexType::parse(&self.index_type)?;
        let mut idx = VectorIndex::new(self.index_name.clone(), self.field_name.clone())
            .index_type(index_type)
            .distance(if index_type.is_sparse() {
                VectorDistance::InnerProduct
            } else {
                VectorDistance::L2
            });
        if let Some(metric) = &self.metric_type {
            idx.distance = VectorDistance::parse(metric)?;
        }
        apply_params(&mut idx, &self.params, "params")?;
        idx.validate()?;
        Ok(idx)
    }
}

impl TryFrom<&IndexParam> for VectorIndex {
    type Error = Error;
    fn try_from(p: &IndexParam) -> Result<Self> {
        p.to_vector_index()
    }
}

impl TryFrom<IndexParam> for VectorIndex {
    type Error = Error;
    fn try_from(p: IndexParam) -> Result<Self> {
        p.to_vector_index()
    }
}

fn apply_params(idx: &mut VectorIndex, params: &Value, path: &str) -> Result<()> {
    let obj = match params {
        Value::Null => return Ok(()),
        Value::Object(obj) => obj,
        other => {
            return Err(Error::validation(
                path,
                format!("expected a JSON object, got {other}"),
            ))
        }
    };
    for (key, value) in obj {
        let name = format!("{path}.{key}");
        let uint = || -> Result<u64> {
            value.as_u64().ok_or_else(|| {
                Error::validation(
                    &name,
                    format!("expected a non-negative integer, got {value}"),
                )
            })
        };
        let u32v = || -> Result<u32> {
            let v = uint()?;
            u32::try_from(v).map_err(|_| Error::validation(&name, format!("{v} is too large")))
        };
        let float = || -> Result<f64> {
            value
                .as_f64()
                .ok_or_else(|| Error::validation(&name, format!("expected a number, got {value}")))
        };
        let boolean = || -> Result<bool> {
            match value {
                Value::Bool(b) => Ok(*b),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
                _ => Err(Error::validation(
                    &name,
                    format!("expected true or false, got {value}"),
                )),
            }
        };
        let string = || -> Result<&str> {
            value
                .as_str()
                .ok_or_else(|| Error::validation(&name, format!("expected a string, got {value}")))
        };
        match key.as_str() {
            "params" => apply_params(idx, value, &name)?,
            "metric_type" | "distance" => idx.distance = VectorDistance::parse(string()?)?,
            "index_type" | "type" => idx.index_type = VecIndexType::parse(string()?)?,
            "lib" => idx.lib = Some(VectorLib::parse(string()?)?),
            "M" | "m" => idx.m = Some(u32v()?),
            "efConstruction" | "ef_construction" => idx.ef_construction = Some(u32v()?),
            "efSearch" | "ef_search" | "ef" => idx.ef_search = Some(u32v()?),
            "extra_info_max_size" => idx.extra_info_max_size = Some(u32v()?),
            "sync_mode" => idx.sync_mode = Some(SyncMode::parse(string()?)?),
            "refine_k" => idx.refine_k = Some(float()?),
            "refine_type" => idx.refine_type = Some(RefineType::parse(string()?)?),
            "bq_use_fht" => idx.bq_use_fht = Some(boolean()?),
            "bq_bits_query" => idx.bq_bits_query = Some(u32v()?),
            "nlist" => idx.nlist = Some(u32v()?),
            "samples_per_nlist" | "sample_per_nlist" => idx.sample_per_nlist = Some(uint()?),
            "nbits" => idx.nbits = Some(u32v()?),
            "prune" => idx.prune = Some(boolean()?),
            "refine" => idx.refine = Some(boolean()?),
            "drop_ratio_build" => idx.drop_ratio_build = Some(float()?),
            _ => {
                return Err(Error::validation(
                    name,
                    format!("unknown vector index parameter {key:?}"),
                ))
            }
        }
    }
    Ok(())
}

/// pyobvector's `IndexParams`: a set of [`IndexParam`]s keyed by (field, index name).
///
/// ```
/// use diesel_seekdb::ddl::IndexParams;
/// use serde_json::json;
/// let mut params = IndexParams::new();
/// params.add_index("embedding", "IVF_FLAT", "ivf", json!({"metric_type": "COSINE", "nlist": 64}))?;
/// let idx = params.to_vector_indexes()?;
/// assert_eq!(
///     idx[0].to_inline_sql()?,
///     "VECTOR INDEX `ivf` (`embedding`) WITH (distance=cosine, type=ivf_flat, lib=ob, nlist=64)"
/// );
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexParams {
    indexes: Vec<IndexParam>,
}

impl IndexParams {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces, for the same field and name) an index. `params` is a JSON
    /// object as described on [`IndexParam`] and may carry `metric_type`. The
    /// parameters are checked now; errors name the offending one.
    pub fn add_index(
        &mut self,
        field_name: impl Into<String>,
        index_type: impl Into<String>,
        index_name: impl Into<String>,
        params: Value,
    ) -> Result<&mut Self> {
        let param = IndexParam::new(index_name, field_name, index_type).params(params);
        param.to_vector_index()?;
        self.add(param)
    }

    /// Adds (or replaces) a ready [`IndexParam`], after checking it.
    pub fn add(&mut self, param: IndexParam) -> Result<&mut Self> {
        param.to_vector_index()?;
        if let Some(slot) = self
            .indexes
            .iter_mut()
            .find(|p| p.field_name == param.field_name && p.index_name == param.index_name)
        {
            *slot = param;
        } else {
            self.indexes.push(param);
        }
        Ok(self)
    }

    /// The parameter sets, in insertion order.
    pub fn iter(&self) -> std::slice::Iter<'_, IndexParam> {
        self.indexes.iter()
    }

    /// How many indexes.
    pub fn len(&self) -> usize {
        self.indexes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.indexes.is_empty()
    }

    /// Converts every entry.
    pub fn to_vector_indexes(&self) -> Result<Vec<VectorIndex>> {
        self.indexes
            .iter()
            .map(IndexParam::to_vector_index)
            .collect()
    }
}

impl<'a> IntoIterator for &'a IndexParams {
    type Item = &'a IndexParam;
    type IntoIter = std::slice::Iter<'a, IndexParam>;
    fn into_iter(self) -> Self::IntoIter {
        self.indexes.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param_of(r: Result<impl fmt::Debug>) -> String {
        match r {
            Err(Error::Validation { parameter, .. }) => parameter,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn renders_every_type() {
        let cases = [
            (
                VectorIndex::new("i", "v").m(16).ef_construction(200).ef_search(64).extra_info_max_size(0),
                "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=hnsw, lib=vsag, m=16, ef_construction=200, ef_search=64, extra_info_max_size=0)",
            ),
            (
                VectorIndex::new("i", "v").index_type(VecIndexType::HnswSq).distance(VectorDistance::Cosine),
                "VECTOR INDEX `i` (`v`) WITH (distance=cosine, type=hnsw_sq, lib=vsag)",
            ),
            (
                VectorIndex::new("i", "v").index_type(VecIndexType::HnswBq).refine_k(4.5).refine_type(RefineType::Fp32).bq_use_fht(false).bq_bits_query(32),
                "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=hnsw_bq, lib=vsag, refine_k=4.5, refine_type=fp32, bq_use_fht=false, bq_bits_query=32)",
            ),
            (
                VectorIndex::new("i", "v").index_type(VecIndexType::IvfFlat).nlist(128).sample_per_nlist(256),
                "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=ivf_flat, lib=ob, nlist=128, sample_per_nlist=256)",
            ),
            (
                VectorIndex::new("i", "v").index_type(VecIndexType::IvfSq8).distance(VectorDistance::InnerProduct),
                "VECTOR INDEX `i` (`v`) WITH (distance=inner_product, type=ivf_sq8, lib=ob)",
            ),
            (
                VectorIndex::new("i", "v").index_type(VecIndexType::IvfPq).m(2).nbits(8).dim(4),
                "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=ivf_pq, lib=ob, m=2, nbits=8)",
            ),
            (
                VectorIndex::sparse("i", "sv").prune(true).refine(true).drop_ratio_build(0.5),
                "VECTOR INDEX `i` (`sv`) WITH (distance=inner_product, type=sindi, lib=vsag, prune=true, refine=true, drop_ratio_build=0.5)",
            ),
        ];
        for (idx, sql) in cases {
            assert_eq!(idx.to_inline_sql().unwrap(), sql);
        }
        assert_eq!(
            VectorIndex::new("v`i", "v").to_create_sql("t").unwrap(),
            "CREATE VECTOR INDEX `v``i` ON `t` (`v`) WITH (distance=l2, type=hnsw, lib=vsag)"
        );
        assert_eq!(
            VectorIndex::new("i", "v")
                .refine_k(1000.0)
                .index_type(VecIndexType::HnswBq)
                .with_clause()
                .unwrap(),
            "WITH (distance=l2, type=hnsw_bq, lib=vsag, refine_k=1000)"
        );
    }

    #[test]
    fn rejects_what_seekdb_rejects() {
        let v = || VectorIndex::new("i", "v");
        let bq = || v().index_type(VecIndexType::HnswBq);
        let ivf = || v().index_type(VecIndexType::IvfFlat);
        let pq = || v().index_type(VecIndexType::IvfPq);
        let sp = || VectorIndex::sparse("i", "v");
        assert_eq!(param_of(v().m(4).validate()), "m");
        assert_eq!(param_of(v().m(129).validate()), "m");
        assert!(v().m(5).validate().is_ok());
        assert!(v().m(128).ef_construction(129).validate().is_ok());
        assert_eq!(
            param_of(v().m(16).ef_construction(16).validate()),
            "ef_construction"
        );
        assert!(v().m(16).ef_construction(17).validate().is_ok());
        assert_eq!(
            param_of(
                v().index_type(VecIndexType::HnswSq)
                    .m(16)
                    .ef_construction(17)
                    .validate()
            ),
            "ef_construction"
        );
        assert_eq!(
            param_of(bq().m(16).ef_construction(31).validate()),
            "ef_construction"
        );
        assert!(bq().m(16).ef_construction(32).validate().is_ok());
        assert_eq!(param_of(bq().m(65).validate()), "m");
        assert!(bq().m(64).ef_construction(128).validate().is_ok());
        assert_eq!(
            param_of(v().ef_construction(1001).validate()),
            "ef_construction"
        );
        assert_eq!(param_of(v().ef_search(0).validate()), "ef_search");
        assert_eq!(param_of(v().ef_search(160_001).validate()), "ef_search");
        assert!(v().ef_search(160_000).validate().is_ok());
        assert_eq!(
            param_of(v().extra_info_max_size(16_385).validate()),
            "extra_info_max_size"
        );
        assert_eq!(param_of(v().refine_k(2.0).validate()), "refine_k");
        assert_eq!(param_of(bq().refine_k(0.5).validate()), "refine_k");
        assert_eq!(param_of(bq().refine_k(f64::NAN).validate()), "refine_k");
        assert_eq!(param_of(bq().bq_bits_query(8).validate()), "bq_bits_query");
        assert!(bq().bq_bits_query(4).validate().is_ok());
        assert_eq!(
            param_of(
                v().index_type(VecIndexType::HnswSq)
                    .bq_bits_query(4)
                    .validate()
            ),
            "bq_bits_query"
        );
        assert_eq!(
            param_of(v().refine_type(RefineType::Fp32).validate()),
            "refine_type"
        );
        assert_eq!(param_of(v().nlist(16).validate()), "nlist");
        assert_eq!(
            param_of(v().sample_per_nlist(16).validate()),
            "sample_per_nlist"
        );
        assert_eq!(param_of(ivf().nlist(0).validate()), "nlist");
        assert_eq!(param_of(ivf().nlist(65_537).validate()), "nlist");
        assert_eq!(
            param_of(ivf().sample_per_nlist(0).validate()),
            "sample_per_nlist"
        );
        assert_eq!(param_of(ivf().m(2).validate()), "m");
        assert_eq!(param_of(ivf().ef_search(10).validate()), "ef_search");
        assert_eq!(param_of(ivf().nbits(8).validate()), "nbits");
        assert_eq!(param_of(pq().validate()), "m");
        assert_eq!(param_of(pq().m(3).dim(8).validate()), "m");
        assert_eq!(param_of(pq().m(16).dim(8).validate()), "m");
        assert!(pq().m(8).dim(8).validate().is_ok());
        assert_eq!(param_of(pq().m(2).nbits(25).validate()), "nbits");
        assert_eq!(param_of(pq().m(2).nbits(0).validate()), "nbits");
        assert_eq!(param_of(v().lib(VectorLib::Ob).validate()), "lib");
        assert_eq!(param_of(ivf().lib(VectorLib::Vsag).validate()), "lib");
        assert!(sp().lib(VectorLib::Ob).validate().is_ok());
        assert_eq!(
            param_of(sp().distance(VectorDistance::L2).validate()),
            "distance"
        );
        assert_eq!(param_of(sp().m(16).validate()), "m");
        assert_eq!(param_of(sp().refine(true).validate()), "refine");
        assert_eq!(
            param_of(sp().drop_ratio_build(0.1).validate()),
            "drop_ratio_build"
        );
        assert_eq!(
            param_of(sp().prune(true).drop_ratio_build(0.91).validate()),
            "drop_ratio_build"
        );
        assert!(sp()
            .prune(false)
            .refine(false)
            .drop_ratio_build(0.0)
            .validate()
            .is_ok());
        assert!(sp().prune(true).drop_ratio_build(0.9).validate().is_ok());
        assert_eq!(param_of(v().prune(true).validate()), "prune");
        assert_eq!(param_of(sp().dim(8).validate()), "index_type");
        assert_eq!(param_of(v().dim(4097).validate()), "dim");
        assert!(v().dim(4096).validate().is_ok());
        assert_eq!(param_of(ivf().dim(2049).validate()), "dim");
        assert!(ivf().dim(2048).validate().is_ok());
        assert!(ivf()
            .dim(4096)
            .lob_inrow_threshold(65_536)
            .validate()
            .is_ok());
        assert_eq!(
            param_of(ivf().dim(2048).lob_inrow_threshold(8191).validate()),
            "dim"
        );
        assert_eq!(
            param_of(v().lob_inrow_threshold(786_433).validate()),
            "lob_inrow_threshold"
        );
        assert_eq!(param_of(VectorIndex::new("", "v").validate()), "index_name");
        assert_eq!(
            param_of(VectorIndex::new("x".repeat(65), "v").validate()),
            "index_name"
        );
        assert!(VectorIndex::new("x".repeat(64), "v").validate().is_ok());
        assert_eq!(param_of(VectorIndex::new("i", "").validate()), "column");
        assert_eq!(param_of(v().to_create_sql("")), "table");
    }

    #[test]
    fn parses_spellings() {
        for (s, t) in [
            ("HNSW", VecIndexType::Hnsw),
            ("hnsw", VecIndexType::Hnsw),
            ("HNSW_SQ", VecIndexType::HnswSq),
            ("hnsw_bq", VecIndexType::HnswBq),
            ("IVF_FLAT", VecIndexType::IvfFlat),
            ("IVFFLAT", VecIndexType::IvfFlat),
            ("IVF_SQ8", VecIndexType::IvfSq8),
            ("IVFSQ", VecIndexType::IvfSq8),
            ("IVF_PQ", VecIndexType::IvfPq),
            ("IVFPQ", VecIndexType::IvfPq),
            ("SINDI", VecIndexType::Sindi),
            ("DAAT", VecIndexType::Sindi),
            ("SPARSE_INVERTED_INDEX", VecIndexType::Sindi),
        ] {
            assert_eq!(VecIndexType::parse(s).unwrap(), t, "{s}");
        }
        for t in VecIndexType::ALL {
            assert_eq!(t.as_str().parse::<VecIndexType>().unwrap(), t);
        }
        assert_eq!(param_of(VecIndexType::parse("flat")), "index_type");
        assert_eq!(param_of(VecIndexType::parse("diskann")), "index_type");
        for (s, d) in [
            ("L2", VectorDistance::L2),
            ("ip", VectorDistance::InnerProduct),
            ("IP", VectorDistance::InnerProduct),
            ("inner_product", VectorDistance::InnerProduct),
            ("COSINE", VectorDistance::Cosine),
        ] {
            assert_eq!(VectorDistance::parse(s).unwrap(), d);
        }
        assert_eq!(param_of(VectorDistance::parse("manhattan")), "metric_type");
        assert_eq!(VectorLib::parse("OB").unwrap(), VectorLib::Ob);
        assert!(VectorLib::parse("faiss").is_err());
        assert_eq!(RefineType::parse("SQ8").unwrap(), RefineType::Sq8);
    }

    #[test]
    fn index_params_translate_milvus_names() {
        let p = IndexParam::new("vidx", "v", "HNSW")
            .params(json!({"metric_type": "COSINE", "params": {"M": 32, "efConstruction": 256, "efSearch": 100}}));
        assert_eq!(
            p.to_vector_index().unwrap().to_inline_sql().unwrap(),
            "VECTOR INDEX `vidx` (`v`) WITH (distance=cosine, type=hnsw, lib=vsag, m=32, ef_construction=256, ef_search=100)"
        );
        let p = IndexParam::new("i", "v", "IVFPQ")
            .params(json!({"m": 2, "nlist": 8, "samples_per_nlist": 10, "nbits": 4}));
        assert_eq!(
            VectorIndex::try_from(&p).unwrap().to_inline_sql().unwrap(),
            "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=ivf_pq, lib=ob, m=2, nlist=8, sample_per_nlist=10, nbits=4)"
        );
        let p = IndexParam::new("i", "sv", "DAAT");
        assert_eq!(
            p.to_vector_index().unwrap().with_clause().unwrap(),
            "WITH (distance=inner_product, type=sindi, lib=vsag)"
        );
        let p = IndexParam::new("i", "sv", "SINDI").metric_type("L2");
        assert_eq!(param_of(p.to_vector_index()), "distance");
        let p = IndexParam::new("i", "v", "HNSW").params(json!({"efConstuction": 10}));
        assert_eq!(param_of(p.to_vector_index()), "params.efConstuction");
        let p = IndexParam::new("i", "v", "HNSW").params(json!({"params": {"nprobe": 10}}));
        assert_eq!(param_of(p.to_vector_index()), "params.params.nprobe");
        let p = IndexParam::new("i", "v", "HNSW").params(json!({"M": "16"}));
        assert_eq!(param_of(p.to_vector_index()), "params.M");
        let p = IndexParam::new("i", "v", "HNSW").params(json!({"M": -1}));
        assert_eq!(param_of(p.to_vector_index()), "params.M");
        let p = IndexParam::new("i", "v", "HNSW").params(json!([1]));
        assert_eq!(param_of(p.to_vector_index()), "params");
        let p = IndexParam::new("i", "v", "IVF_PQ");
        assert_eq!(param_of(p.to_vector_index()), "m");
        let p = IndexParam::new("i", "v", "HNSW").metric_type("neg_ip");
        assert_eq!(param_of(p.to_vector_index()), "metric_type");
        let p = IndexParam::new("i", "v", "HNSW_BQ").params(json!({"refine_k": 2.5, "bq_use_fht": "TRUE", "refine_type": "FP32", "bq_bits_query": 4, "lib": "VSAG"}));
        assert_eq!(
            p.to_vector_index().unwrap().with_clause().unwrap(),
            "WITH (distance=l2, type=hnsw_bq, lib=vsag, refine_k=2.5, refine_type=fp32, bq_use_fht=true, bq_bits_query=4)"
        );

        let mut set = IndexParams::new();
        set.add_index("v", "HNSW", "a", json!({"M": 8})).unwrap();
        set.add_index("v", "HNSW", "a", json!({"M": 10})).unwrap();
        set.add_index("w", "ivfflat", "b", Value::Null).unwrap();
        assert_eq!(set.len(), 2);
        assert!(!set.is_empty());
        let all = set.to_vector_indexes().unwrap();
        assert_eq!(
            all[0].with_clause().unwrap(),
            "WITH (distance=l2, type=hnsw, lib=vsag, m=10)"
        );
        assert_eq!(all[1].name(), "b");
        assert_eq!((&set).into_iter().count(), 2);
        assert_eq!(
            param_of(set.add_index("v", "FLAT", "c", Value::Null).map(|_| ())),
            "index_type"
        );
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn drop_index() {
        assert_eq!(
            DropIndex::new("a`b", "t").to_sql().unwrap(),
            "DROP INDEX `a``b` ON `t`"
        );
        assert_eq!(param_of(DropIndex::new("", "t").to_sql()), "index_name");
    }
}
