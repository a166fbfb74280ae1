//! Vector indexes: `VECTOR INDEX ... WITH (...)`, validated against seekdb 1.4's rules
//! before anything is rendered.
//!
//! The rules (which kind takes which parameter, ranges, defaults, the libraries and
//! distances each kind accepts, dimension limits) are the shared table in
//! [`diesel_seekdb_rules::index`], which `#[derive(SeekdbTable)]` checks at compile time
//! too. seekdb answers a broken rule with errno 1235; here it is
//! [`crate::Error::Validation`] naming the parameter, before anything is sent.
//!
//! An index covers at most 4096 dimensions; IVF indexes need the vector stored in-row
//! (4·dim ≤ `LOB_INROW_THRESHOLD`, 8192 by default, i.e. 2048 dimensions).

mod kinds;
mod validate;

#[allow(deprecated)]
pub use kinds::VectorDistance;
pub use kinds::{RefineType, SyncMode, VecIndexType, VectorLib};

use super::Distance;

use diesel_seekdb_rules::index::ParamValue;

use super::ident::{validate_ident, IdentKind, IdentStyle};
use crate::Result;

/// Largest dimension a vector index accepts.
pub const MAX_INDEX_DIMENSIONS: u32 = diesel_seekdb_rules::MAX_INDEX_DIMENSIONS;
/// seekdb's default `LOB_INROW_THRESHOLD` in bytes (`ob_default_lob_inrow_threshold`).
pub const DEFAULT_LOB_INROW_THRESHOLD: u32 = diesel_seekdb_rules::DEFAULT_LOB_INROW_THRESHOLD;
/// Largest `LOB_INROW_THRESHOLD` seekdb accepts.
pub const MAX_LOB_INROW_THRESHOLD: u32 = diesel_seekdb_rules::MAX_LOB_INROW_THRESHOLD;

/// A vector index on one column.
///
/// ```
/// use diesel_seekdb::ddl::{VecIndexType, Distance, VectorIndex};
/// let idx = VectorIndex::new("vidx", "v")
///     .distance(Distance::L2)
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
    pub(super) name: String,
    column: String,
    index_type: VecIndexType,
    distance: Distance,
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
            distance: Distance::L2,
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
            .distance(Distance::InnerProduct)
    }

    /// Sets the algorithm.
    pub fn index_type(mut self, index_type: VecIndexType) -> Self {
        self.index_type = index_type;
        self
    }

    /// Sets the metric.
    pub fn distance(mut self, distance: Distance) -> Self {
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
    pub fn get_distance(&self) -> Distance {
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

    /// The parameters set beyond `distance`, `type` and `lib`, in rendering order:
    /// what is validated against the rule table and what is rendered.
    fn param_values(&self) -> Vec<(&'static str, ParamValue<'static>)> {
        let int = |v: Option<u32>| v.map(|v| ParamValue::Int(v.into()));
        let float = |v: Option<f64>| v.map(ParamValue::Float);
        let boolean = |v: Option<bool>| v.map(ParamValue::Bool);
        [
            ("m", int(self.m)),
            ("ef_construction", int(self.ef_construction)),
            ("ef_search", int(self.ef_search)),
            ("extra_info_max_size", int(self.extra_info_max_size)),
            (
                "sync_mode",
                self.sync_mode.map(|v| ParamValue::Word(v.as_str())),
            ),
            ("refine_k", float(self.refine_k)),
            (
                "refine_type",
                self.refine_type.map(|v| ParamValue::Word(v.as_str())),
            ),
            ("bq_use_fht", boolean(self.bq_use_fht)),
            ("bq_bits_query", int(self.bq_bits_query)),
            ("nlist", int(self.nlist)),
            (
                "sample_per_nlist",
                self.sample_per_nlist.map(ParamValue::Int),
            ),
            ("nbits", int(self.nbits)),
            ("prune", boolean(self.prune)),
            ("refine", boolean(self.refine)),
            ("drop_ratio_build", float(self.drop_ratio_build)),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
    }

    /// The key/value pairs of the `WITH (...)` clause, in rendering order.
    fn params(&self) -> Vec<(&'static str, String)> {
        let mut p: Vec<(&'static str, String)> = vec![
            ("distance", self.distance.index_distance().into()),
            ("type", self.index_type.as_str().into()),
            (
                "lib",
                self.lib.unwrap_or(self.index_type.lib()).as_str().into(),
            ),
        ];
        p.extend(self.param_values().into_iter().map(|(k, v)| {
            let v = match v {
                ParamValue::Int(i) => i.to_string(),
                ParamValue::Float(f) => f.to_string(),
                ParamValue::Bool(b) => b.to_string(),
                ParamValue::Word(w) => w.to_string(),
            };
            (k, v)
        }));
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

    /// The index and the table (for migrations' re-run checks).
    pub(crate) fn parts(&self) -> (&str, &str) {
        (&self.index, &self.table)
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
