//! The typed names of a vector index's settings: kind ([`VecIndexType`]), library,
//! distance, hnsw_bq refine type and sync mode. Their ranges and which kind takes
//! what live in the shared rule table, [`diesel_seekdb_rules::index`].

use std::fmt;
use std::str::FromStr;

use diesel_seekdb_rules::index as rules;

use crate::{Error, Result};

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

    /// This kind's entry in the shared rule table.
    pub fn rules(self) -> &'static rules::Kind {
        // `ALL` and `rules::KINDS` list the kinds in the same order (checked by a test
        // and by the length assertion below).
        &rules::KINDS[self as usize]
    }

    /// The `type=` value.
    pub fn as_str(self) -> &'static str {
        self.rules().name
    }

    /// The library the type is implemented in (`lib=`).
    pub fn lib(self) -> VectorLib {
        if self.rules().default_lib() == "ob" {
            VectorLib::Ob
        } else {
            VectorLib::Vsag
        }
    }

    /// hnsw, hnsw_sq or hnsw_bq.
    pub fn is_hnsw(self) -> bool {
        self.rules().hnsw
    }

    /// ivf_flat, ivf_sq8 or ivf_pq.
    pub fn is_ivf(self) -> bool {
        self.rules().ivf
    }

    /// Whether the type indexes `SPARSEVECTOR` columns (only sindi).
    pub fn is_sparse(self) -> bool {
        self.rules().sparse
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

const _: () = assert!(rules::KINDS.len() == VecIndexType::ALL.len());

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

/// The old name of [`Distance`](crate::ddl::Distance) on the DDL side.
#[deprecated(since = "0.1.0", note = "use diesel_seekdb::ddl::Distance")]
pub type VectorDistance = crate::ddl::Distance;

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
