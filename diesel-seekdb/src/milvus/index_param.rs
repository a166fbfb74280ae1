//! pyobvector's / pymilvus's index descriptions, [`IndexParam`] and [`IndexParams`]:
//! index-type strings and Milvus-style JSON parameters, translated onto the typed
//! [`VectorIndex`] builder (which checks them against the shared rule table).

use serde_json::Value;

use crate::ddl::{Distance, RefineType, SyncMode, VecIndexType, VectorIndex, VectorLib};
use crate::{Error, Result};

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
/// use diesel_seekdb::milvus::IndexParam;
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
                Distance::InnerProduct
            } else {
                Distance::L2
            });
        if let Some(metric) = &self.metric_type {
            idx = idx.distance(Distance::parse_metric(metric)?);
        }
        idx = apply_params(idx, &self.params, "params")?;
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

fn apply_params(mut idx: VectorIndex, params: &Value, path: &str) -> Result<VectorIndex> {
    let obj = match params {
        Value::Null => return Ok(idx),
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
            "params" => idx = apply_params(idx, value, &name)?,
            "metric_type" | "distance" => idx = idx.distance(Distance::parse_metric(string()?)?),
            "index_type" | "type" => idx = idx.index_type(VecIndexType::parse(string()?)?),
            "lib" => idx = idx.lib(VectorLib::parse(string()?)?),
            "M" | "m" => idx = idx.m(u32v()?),
            "efConstruction" | "ef_construction" => idx = idx.ef_construction(u32v()?),
            "efSearch" | "ef_search" | "ef" => idx = idx.ef_search(u32v()?),
            "extra_info_max_size" => idx = idx.extra_info_max_size(u32v()?),
            "sync_mode" => idx = idx.sync_mode(SyncMode::parse(string()?)?),
            "refine_k" => idx = idx.refine_k(float()?),
            "refine_type" => idx = idx.refine_type(RefineType::parse(string()?)?),
            "bq_use_fht" => idx = idx.bq_use_fht(boolean()?),
            "bq_bits_query" => idx = idx.bq_bits_query(u32v()?),
            "nlist" => idx = idx.nlist(u32v()?),
            "samples_per_nlist" | "sample_per_nlist" => idx = idx.sample_per_nlist(uint()?),
            "nbits" => idx = idx.nbits(u32v()?),
            "prune" => idx = idx.prune(boolean()?),
            "refine" => idx = idx.refine(boolean()?),
            "drop_ratio_build" => idx = idx.drop_ratio_build(float()?),
            _ => {
                return Err(Error::validation(
                    name,
                    format!("unknown vector index parameter {key:?}"),
                ))
            }
        }
    }
    Ok(idx)
}

/// pyobvector's `IndexParams`: a set of [`IndexParam`]s keyed by (field, index name).
///
/// ```
/// use diesel_seekdb::milvus::IndexParams;
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
        self.add(param)
    }

    /// Adds (or replaces) a ready [`IndexParam`], after checking it. Scalar index
    /// types (`INVERTED`, `STL_SORT`, `Trie`, `BITMAP`) become secondary or JSON-path
    /// indexes (see [`ScalarIndex`](super::ScalarIndex)).
    pub fn add(&mut self, param: IndexParam) -> Result<&mut Self> {
        if super::scalar_index::is_scalar_type(&param.index_type) {
            super::scalar_index::to_scalar_index(&param)?;
        } else {
            param.to_vector_index()?;
        }
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

    /// Converts every vector index entry.
    pub fn to_vector_indexes(&self) -> Result<Vec<VectorIndex>> {
        self.indexes
            .iter()
            .filter(|p| !super::scalar_index::is_scalar_type(&p.index_type))
            .map(IndexParam::to_vector_index)
            .collect()
    }

    /// Converts every scalar index entry.
    pub fn to_scalar_indexes(&self) -> Result<Vec<super::ScalarIndex>> {
        self.indexes
            .iter()
            .filter(|p| super::scalar_index::is_scalar_type(&p.index_type))
            .map(super::scalar_index::to_scalar_index)
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
#[path = "index_param_tests.rs"]
mod tests;
