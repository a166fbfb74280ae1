//! Vector index kinds (`type=`), their parameters with ranges and defaults, the
//! library (`lib=`) and distances (`distance=`) each accepts, and the rules that tie
//! parameters together.
//!
//! | parameter | kinds | range |
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
//! An index covers at most [`MAX_INDEX_DIMENSIONS`] dimensions; IVF indexes need the
//! vector stored in-row (4·dim ≤ `LOB_INROW_THRESHOLD`, see [`crate::max_ivf_dimensions`]).

use crate::{Violation, DEFAULT_LOB_INROW_THRESHOLD, MAX_INDEX_DIMENSIONS};

/// The value a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamType {
    /// An integer in `lo..=hi`.
    Int(u64, u64),
    /// A float in `lo..=hi`.
    Float(f64, f64),
    /// `true` / `false`.
    Bool,
    /// One of these integers.
    IntIn(&'static [u64]),
    /// One of these bare words (lower case).
    Word(&'static [&'static str]),
}

/// A parameter value, as given by a builder or an attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamValue<'a> {
    /// An integer.
    Int(u64),
    /// A number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A bare word (compared lower-cased).
    Word(&'a str),
}

/// The three index distances (`distance=`), in seekdb's spelling.
pub const DISTANCES: &[&str] = &["l2", "inner_product", "cosine"];

/// `m` when an HNSW-family index does not set it.
pub const DEFAULT_HNSW_M: u64 = 16;

/// One index kind: its `type=` name, what it indexes, the distances it accepts and the
/// parameters it takes.
#[derive(Debug, PartialEq)]
pub struct Kind {
    /// The `type=` value.
    pub name: &'static str,
    /// `sindi`: a SPARSEVECTOR index.
    pub sparse: bool,
    /// IVF family: the vector must be stored in-row.
    pub ivf: bool,
    /// HNSW family (`hnsw`, `hnsw_sq`, `hnsw_bq`).
    pub hnsw: bool,
    /// Accepted `distance=` values.
    pub distances: &'static [&'static str],
    /// Accepted parameters (the first word of `lib` is the kind's own library).
    pub params: &'static [(&'static str, ParamType)],
}

impl Kind {
    /// The type of parameter `name`, if this kind takes it.
    pub fn param(&self, name: &str) -> Option<ParamType> {
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, t)| *t)
    }

    /// The library rendered when `lib=` is not given.
    pub fn default_lib(&self) -> &'static str {
        match self.param("lib") {
            Some(ParamType::Word(w)) if !w.is_empty() => w[0],
            _ => "vsag",
        }
    }

    /// The distance used when none is given.
    pub fn default_distance(&self) -> &'static str {
        self.distances[0]
    }

    /// Whether `distance` (any spelling [`canonical_distance`] accepts) is allowed.
    pub fn accepts_distance(&self, distance: &str) -> bool {
        self.distances.contains(&canonical_distance(distance))
    }

    /// Checks one parameter value: that this kind takes it and that it is in range.
    pub fn check(&self, name: &'static str, value: ParamValue<'_>) -> Result<(), Violation> {
        let Some(ty) = self.param(name) else {
            let takers = kinds_taking(name);
            let reason = if takers.is_empty() {
                format!("unknown vector index parameter `{name}`")
            } else {
                format!(
                    "`{name}` applies to {} indexes, not to {}",
                    takers.join("/"),
                    self.name
                )
            };
            return Err(Violation::new(name, reason));
        };
        check_value(self.name, name, ty, value)
    }
}

/// Checks `value` against `ty` (the message names `kind` and `name`).
pub fn check_value(
    kind: &str,
    name: &'static str,
    ty: ParamType,
    value: ParamValue<'_>,
) -> Result<(), Violation> {
    let bad = |reason: String| Err(Violation::new(name, reason));
    match (ty, value) {
        (ParamType::Int(lo, hi), ParamValue::Int(v)) => {
            if v < lo || v > hi {
                return bad(format!(
                    "{v} is out of range: seekdb accepts {lo}..={hi} for {kind}"
                ));
            }
        }
        (ParamType::IntIn(allowed), ParamValue::Int(v)) => {
            if !allowed.contains(&v) {
                return bad(format!("seekdb accepts one of {allowed:?}, got {v}"));
            }
        }
        (ParamType::Float(lo, hi), ParamValue::Float(v)) => {
            // Written so that NaN is out of range too.
            if !(v >= lo && v <= hi) {
                return bad(format!("{v} is out of range: seekdb accepts {lo}..={hi}"));
            }
        }
        (ParamType::Float(lo, hi), ParamValue::Int(v)) => {
            return check_value(
                kind,
                name,
                ParamType::Float(lo, hi),
                ParamValue::Float(v as f64),
            )
        }
        (ParamType::Bool, ParamValue::Bool(_)) => {}
        (ParamType::Word(words), ParamValue::Word(w)) => {
            if !words.iter().any(|x| x.eq_ignore_ascii_case(w)) {
                return bad(format!(
                    "{kind} indexes need {name}={}, not {name}={w}",
                    words.join(" or ")
                ));
            }
        }
        (ty, _) => {
            let want = match ty {
                ParamType::Int(..) | ParamType::IntIn(_) => "an integer",
                ParamType::Float(..) => "a number",
                ParamType::Bool => "true or false",
                ParamType::Word(_) => "a word",
            };
            return bad(format!("`{name}` takes {want}"));
        }
    }
    Ok(())
}

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
        hnsw: true,
        distances: DISTANCES,
        params: &[
            ("m", ParamType::Int(5, 128)),
            HNSW_COMMON[0],
            HNSW_COMMON[1],
            HNSW_COMMON[2],
            HNSW_COMMON[3],
            HNSW_COMMON[4],
        ],
    },
    // hnsw_sq / hnsw_bq build a graph of degree 2*m, capped at 128.
    Kind {
        name: "hnsw_sq",
        sparse: false,
        ivf: false,
        hnsw: true,
        distances: DISTANCES,
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
        hnsw: true,
        distances: DISTANCES,
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
        hnsw: false,
        distances: DISTANCES,
        params: &[IVF_COMMON[0], IVF_COMMON[1], IVF_COMMON[2]],
    },
    Kind {
        name: "ivf_sq8",
        sparse: false,
        ivf: true,
        hnsw: false,
        distances: DISTANCES,
        params: &[IVF_COMMON[0], IVF_COMMON[1], IVF_COMMON[2]],
    },
    Kind {
        name: "ivf_pq",
        sparse: false,
        ivf: true,
        hnsw: false,
        distances: DISTANCES,
        params: &[
            ("m", ParamType::Int(1, MAX_INDEX_DIMENSIONS as u64)),
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
        hnsw: false,
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

/// The kind named `name` (seekdb's spelling, lower case).
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// Every kind's name, for error messages.
pub fn kind_names() -> String {
    KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

/// The kinds that take parameter `name`.
pub fn kinds_taking(name: &str) -> Vec<&'static str> {
    KINDS
        .iter()
        .filter(|k| k.param(name).is_some())
        .map(|k| k.name)
        .collect()
}

/// `ip` is accepted as a spelling of `inner_product`.
pub fn canonical_distance(name: &str) -> &str {
    if name == "ip" {
        "inner_product"
    } else {
        name
    }
}

/// The parameters whose rules depend on each other or on the column, as far as known.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Settings {
    /// `m`.
    pub m: Option<u64>,
    /// `ef_construction`.
    pub ef_construction: Option<u64>,
    /// `prune` (sindi).
    pub prune: Option<bool>,
    /// `refine` (sindi).
    pub refine: Option<bool>,
    /// `drop_ratio_build` (sindi).
    pub drop_ratio_build: Option<f64>,
    /// The indexed column's dimension (dense indexes).
    pub dim: Option<u32>,
    /// The table's `LOB_INROW_THRESHOLD` (default [`DEFAULT_LOB_INROW_THRESHOLD`]).
    pub lob_inrow_threshold: Option<u64>,
}

/// Checks the rules between parameters (each value already passed [`Kind::check`]):
/// `ef_construction` against `m`, ivf_pq's required `m` dividing the dimension,
/// sindi's `prune` prerequisites, the index dimension limit and IVF in-row storage.
pub fn check_settings(kind: &Kind, s: &Settings) -> Result<(), Violation> {
    let ty = kind.name;
    if kind.hnsw {
        let m = s.m.unwrap_or(DEFAULT_HNSW_M);
        if let Some(ef) = s.ef_construction {
            if ef <= m {
                return Err(Violation::new(
                    "ef_construction",
                    format!("ef_construction ({ef}) must be greater than m ({m})"),
                ));
            }
            if ty != "hnsw" && ef < 2 * m {
                return Err(Violation::new(
                    "ef_construction",
                    format!("{ty} needs ef_construction >= 2*m ({}), got {ef}", 2 * m),
                ));
            }
        }
    }
    if ty == "ivf_pq" {
        let Some(m) = s.m else {
            return Err(Violation::new(
                "m",
                "ivf_pq indexes require `m` (it must divide the dimension)",
            ));
        };
        if let Some(dim) = s.dim.map(u64::from) {
            if m == 0 || m > dim || dim % m != 0 {
                return Err(Violation::new(
                    "m",
                    format!("ivf_pq m ({m}) must divide the column dimension ({dim})"),
                ));
            }
        }
    }
    if kind.sparse {
        let pruned = s.prune == Some(true);
        if s.refine == Some(true) && !pruned {
            return Err(Violation::new("refine", "refine=true needs prune=true"));
        }
        if s.drop_ratio_build.is_some_and(|d| d > 0.0) && !pruned {
            return Err(Violation::new(
                "drop_ratio_build",
                "drop_ratio_build above 0 needs prune=true",
            ));
        }
    }
    if let Some(dim) = s.dim.map(u64::from) {
        let max = u64::from(MAX_INDEX_DIMENSIONS);
        if dim > max {
            return Err(Violation::new(
                "dim",
                format!("vector indexes cover at most {max} dimensions, the column has {dim}"),
            ));
        }
        let lob = s
            .lob_inrow_threshold
            .unwrap_or(u64::from(DEFAULT_LOB_INROW_THRESHOLD));
        if kind.ivf && dim * 4 > lob {
            return Err(Violation::new(
                "dim",
                format!(
                    "{ty} needs the vector stored in-row: {dim} dimensions need \
                     LOB_INROW_THRESHOLD >= {} (it is {lob}); raise the table's \
                     lob_inrow_threshold",
                    dim * 4
                ),
            ));
        }
    }
    Ok(())
}
