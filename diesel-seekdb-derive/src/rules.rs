//! seekdb 1.4's vector-index rules as plain data, so the derive can refuse misuse at
//! compile time. The runtime builder (`diesel_seekdb::ddl::VectorIndex`) is the reference;
//! the suite's `tests/derive_table.rs` includes this file and checks that every kind,
//! distance and parameter boundary accepted here is accepted there, and that the values
//! just outside each range are refused by both.

/// Largest `VECTOR(n)` dimension.
pub const MAX_DIMENSIONS: u64 = 16_000;
/// Largest dimension any vector index covers.
pub const MAX_INDEX_DIMENSIONS: u64 = 4096;
/// seekdb's default `LOB_INROW_THRESHOLD`: IVF indexes need `4 * dim` to fit in it.
pub const DEFAULT_LOB_INROW_THRESHOLD: u64 = 8192;
/// Largest `LOB_INROW_THRESHOLD`.
pub const MAX_LOB_INROW_THRESHOLD: u64 = 786_432;

/// The value a parameter takes.
#[derive(Clone, Copy, Debug)]
pub enum ParamType {
    /// An integer in `lo..=hi`.
    Int(u64, u64),
    /// A float in `lo..=hi`.
    Float(f64, f64),
    /// `true` / `false`.
    Bool,
    /// One of these integers.
    IntIn(&'static [u64]),
    /// One of these bare words.
    Word(&'static [&'static str]),
}

/// One index kind: its `type=` name, whether it indexes sparse vectors, the distances
/// it accepts and the parameters it takes.
#[derive(Debug)]
pub struct Kind {
    /// The `type=` value.
    pub name: &'static str,
    /// `sindi`: a SPARSEVECTOR index.
    pub sparse: bool,
    /// IVF family: the vector must be stored in-row.
    pub ivf: bool,
    /// Accepted `distance=` values.
    pub distances: &'static [&'static str],
    /// Accepted parameters.
    pub params: &'static [(&'static str, ParamType)],
}

const DENSE: &[&str] = &["l2", "inner_product", "cosine"];

const HNSW_COMMON: [(&str, ParamType); 5] = [
    ("lib", ParamType::Word(&["vsag"])),
    ("ef_construction", ParamType::Int(1, 1000)),
    ("ef_search", ParamType::Int(1, 160_000)),
    ("extra_info_max_size", ParamType::Int(0, 16_384)),
    // `async` needs a heap table; the runtime `CreateTable` checks that.
    ("sync_mode", ParamType::Word(&["immediate", "async"])),
];

const IVF_COMMON: [(&str, ParamType); 3] = [
    ("lib", ParamType::Word(&["ob"])),
    ("nlist", ParamType::Int(1, 65_536)),
    ("sample_per_nlist", ParamType::Int(1, u32::MAX as u64)),
];

/// Every kind seekdb 1.4 accepts.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "hnsw",
        sparse: false,
        ivf: false,
        distances: DENSE,
        params: &[
            ("m", ParamType::Int(5, 128)),
            HNSW_COMMON[0],
            HNSW_COMMON[1],
            HNSW_COMMON[2],
            HNSW_COMMON[3],
            HNSW_COMMON[4],
        ],
    },
    Kind {
        name: "hnsw_sq",
        sparse: false,
        ivf: false,
        distances: DENSE,
        params: &[
            ("m", ParamType::Int(5, 64)),
            HNSW_COMMON[0],
            HNSW_COMMON[1],
            HNSW_COMMON[2],
            HNSW_COMMON[3],
            HNSW_COMMON[4],
        ],
    },
    Kind {
        name: "hnsw_bq",
        sparse: false,
        ivf: false,
        distances: DENSE,
        params: &[
            ("m", ParamType::Int(5, 64)),
            HNSW_COMMON[0],
            HNSW_COMMON[1],
            HNSW_COMMON[2],
            HNSW_COMMON[3],
            HNSW_COMMON[4],
            ("refine_k", ParamType::Float(1.0, 1000.0)),
            ("refine_type", ParamType::Word(&["sq8", "fp32"])),
            ("bq_use_fht", ParamType::Bool),
            ("bq_bits_query", ParamType::IntIn(&[4, 32])),
        ],
    },
    Kind {
        name: "ivf_flat",
        sparse: false,
        ivf: true,
        distances: DENSE,
        params: &[IVF_COMMON[0], IVF_COMMON[1], IVF_COMMON[2]],
    },
    Kind {
        name: "ivf_sq8",
        sparse: false,
        ivf: true,
        distances: DENSE,
        params: &[IVF_COMMON[0], IVF_COMMON[1], IVF_COMMON[2]],
    },
    Kind {
        name: "ivf_pq",
        sparse: false,
        ivf: true,
        distances: DENSE,
        params: &[
            ("m", ParamType::Int(1, MAX_INDEX_DIMENSIONS)),
            IVF_COMMON[0],
            IVF_COMMON[1],
            IVF_COMMON[2],
            ("nbits", ParamType::Int(1, 24)),
        ],
    },
    Kind {
        name: "sindi",
        sparse: true,
        ivf: false,
        distances: &["inner_product"],
        params: &[
            // seekdb 1.4 accepts (and shows) LIB=OB on a sindi index too.
            ("lib", ParamType::Word(&["vsag", "ob"])),
            ("prune", ParamType::Bool),
            ("refine", ParamType::Bool),
            ("drop_ratio_build", ParamType::Float(0.0, 0.9)),
        ],
    },
];

/// The kind named `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// `ip` is accepted as a spelling of `inner_product`, as the runtime builder does.
pub fn canonical_distance(name: &str) -> &str {
    if name == "ip" {
        "inner_product"
    } else {
        name
    }
}

/// Every kind's name, for error messages.
pub fn kind_names() -> String {
    KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}
