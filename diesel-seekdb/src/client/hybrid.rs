//! Hybrid (full-text + vector) search through seekdb's `DBMS_HYBRID_SEARCH`, with a
//! typed builder for its Elasticsearch-like JSON body.
//!
//! seekdb runs it only on heap-organised tables (`ORGANIZATION HEAP`) or tables
//! without a user primary key; the score is keyword + semantic (`1/(1+l2)`), or a
//! reciprocal-rank fusion with [`HybridSearch::rrf`].

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};

/// A query clause of the body's `query` (or of a `knn.filter`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SearchQuery {
    /// `query_string`: full-text over `fields` (`"title^2"` boosts a field).
    QueryString {
        /// Fields, optionally with `^boost`.
        fields: Vec<String>,
        /// The text.
        query: String,
    },
    /// `match` on one field.
    Match {
        /// The field.
        field: String,
        /// The text.
        query: String,
    },
    /// `multi_match` over several fields.
    MultiMatch {
        /// The fields.
        fields: Vec<String>,
        /// The text.
        query: String,
    },
    /// `term`: exact value.
    Term {
        /// The field.
        field: String,
        /// The value.
        value: Value,
    },
    /// `terms`: any of the values.
    Terms {
        /// The field.
        field: String,
        /// The values.
        values: Vec<Value>,
    },
    /// `range` with any of `gt`, `gte`, `lt`, `lte`.
    Range {
        /// The field.
        field: String,
        /// Bounds as `("gte", 3)` pairs.
        bounds: Vec<(String, Value)>,
    },
    /// `bool` with `must`, `should` and `filter` lists.
    Bool {
        /// All must match (and score).
        must: Vec<SearchQuery>,
        /// Any may match (and score).
        should: Vec<SearchQuery>,
        /// All must match (no scoring).
        filter: Vec<SearchQuery>,
    },
}

impl SearchQuery {
    /// `query_string`.
    pub fn query_string<I: IntoIterator<Item = S>, S: Into<String>>(
        fields: I,
        query: &str,
    ) -> Self {
        SearchQuery::QueryString {
            fields: fields.into_iter().map(Into::into).collect(),
            query: query.to_string(),
        }
    }

    /// `match`.
    pub fn match_text(field: &str, query: &str) -> Self {
        SearchQuery::Match {
            field: field.to_string(),
            query: query.to_string(),
        }
    }

    /// `term`.
    pub fn term(field: &str, value: impl Into<Value>) -> Self {
        SearchQuery::Term {
            field: field.to_string(),
            value: value.into(),
        }
    }

    /// `range`, e.g. `SearchQuery::range("year", [("gte", 2000.into())])`.
    pub fn range<I: IntoIterator<Item = (&'static str, Value)>>(field: &str, bounds: I) -> Self {
        SearchQuery::Range {
            field: field.to_string(),
            bounds: bounds
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    fn to_json(&self) -> Result<Value> {
        Ok(match self {
            SearchQuery::QueryString { fields, query } => {
                json!({ "query_string": { "fields": fields, "query": query } })
            }
            SearchQuery::Match { field, query } => json!({ "match": { field: query } }),
            SearchQuery::MultiMatch { fields, query } => {
                json!({ "multi_match": { "fields": fields, "query": query } })
            }
            SearchQuery::Term { field, value } => json!({ "term": { field: value } }),
            SearchQuery::Terms { field, values } => json!({ "terms": { field: values } }),
            SearchQuery::Range { field, bounds } => {
                let mut map = Map::new();
                for (k, v) in bounds {
                    if !matches!(k.as_str(), "gt" | "gte" | "lt" | "lte") {
                        return Err(Error::validation(
                            "range",
                            format!("unknown bound `{k}`; expected gt, gte, lt or lte"),
                        ));
                    }
                    map.insert(k.clone(), v.clone());
                }
                json!({ "range": { field: map } })
            }
            SearchQuery::Bool {
                must,
                should,
                filter,
            } => {
                let mut map = Map::new();
                for (name, list) in [("must", must), ("should", should), ("filter", filter)] {
                    if !list.is_empty() {
                        let items = list
                            .iter()
                            .map(SearchQuery::to_json)
                            .collect::<Result<Vec<_>>>()?;
                        map.insert(name.to_string(), Value::Array(items));
                    }
                }
                json!({ "bool": map })
            }
        })
    }
}

/// The `knn` part: the vector side of a hybrid search.
#[derive(Debug, Clone, PartialEq)]
pub struct Knn {
    field: String,
    k: usize,
    vector: Vec<f32>,
    filter: Option<SearchQuery>,
    similarity: Option<f64>,
    boost: Option<f64>,
}

impl Knn {
    /// `k` nearest neighbours of `vector` in `field`.
    pub fn new(field: &str, k: usize, vector: Vec<f32>) -> Self {
        Knn {
            field: field.to_string(),
            k,
            vector,
            filter: None,
            similarity: None,
            boost: None,
        }
    }

    /// Only rows matching this query.
    pub fn filter(mut self, filter: SearchQuery) -> Self {
        self.filter = Some(filter);
        self
    }

    /// seekdb treats `similarity` as a maximum l2 distance.
    pub fn similarity(mut self, max_distance: f64) -> Self {
        self.similarity = Some(max_distance);
        self
    }

    /// Weight of the semantic score.
    pub fn boost(mut self, boost: f64) -> Self {
        self.boost = Some(boost);
        self
    }

    /// The searched field.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The query vector.
    pub fn vector(&self) -> &[f32] {
        &self.vector
    }
}

/// The JSON body of `DBMS_HYBRID_SEARCH.SEARCH`.
///
/// ```
/// use diesel_seekdb::client::{HybridSearch, Knn, SearchQuery};
/// let body = HybridSearch::new()
///     .query(SearchQuery::query_string(["title", "body"], "vector database"))
///     .knn(Knn::new("embedding", 5, vec![1.0, 2.0, 3.0]))
///     .size(3)
///     .source(["id", "title", "_keyword_score", "_semantic_score"])
///     .to_json()?;
/// assert_eq!(body["knn"]["k"], 5);
/// assert_eq!(body["query"]["query_string"]["query"], "vector database");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HybridSearch {
    query: Option<SearchQuery>,
    knn: Option<Knn>,
    rrf: Option<(Option<u32>, Option<u32>)>,
    size: Option<usize>,
    from: Option<usize>,
    source: Option<Vec<String>>,
}

impl HybridSearch {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// The full-text / scalar side.
    pub fn query(mut self, query: SearchQuery) -> Self {
        self.query = Some(query);
        self
    }

    /// The vector side.
    pub fn knn(mut self, knn: Knn) -> Self {
        self.knn = Some(knn);
        self
    }

    /// Reciprocal-rank fusion instead of summed scores.
    pub fn rrf(mut self, rank_window_size: Option<u32>, rank_constant: Option<u32>) -> Self {
        self.rrf = Some((rank_window_size, rank_constant));
        self
    }

    /// Hits to return (seekdb's default is 10).
    pub fn size(mut self, size: usize) -> Self {
        self.size = Some(size);
        self
    }

    /// Hits to skip.
    pub fn from(mut self, from: usize) -> Self {
        self.from = Some(from);
        self
    }

    /// Columns to return (`_keyword_score` and `_semantic_score` are allowed; `_score`
    /// is always added).
    pub fn source<I: IntoIterator<Item = S>, S: Into<String>>(mut self, fields: I) -> Self {
        self.source = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    /// The vector side, if any.
    pub fn knn_part(&self) -> Option<&Knn> {
        self.knn.as_ref()
    }

    /// The JSON body, after checking it.
    pub fn to_json(&self) -> Result<Value> {
        if self.query.is_none() && self.knn.is_none() {
            return Err(Error::validation(
                "body",
                "a hybrid search needs a query or a knn part",
            ));
        }
        let mut body = Map::new();
        if let Some(q) = &self.query {
            body.insert("query".into(), q.to_json()?);
        }
        if let Some(knn) = &self.knn {
            crate::codec::validate(&knn.vector).map_err(|e| match e {
                Error::Validation { parameter, reason } => {
                    Error::validation(format!("knn.query_{}", parameter), reason)
                }
                other => other,
            })?;
            if knn.k == 0 {
                return Err(Error::validation("knn.k", "must be at least 1"));
            }
            let mut k = Map::new();
            k.insert("field".into(), json!(knn.field));
            k.insert("k".into(), json!(knn.k));
            k.insert("query_vector".into(), json!(knn.vector));
            if let Some(f) = &knn.filter {
                k.insert("filter".into(), f.to_json()?);
            }
            if let Some(s) = knn.similarity {
                k.insert("similarity".into(), json!(s));
            }
            if let Some(b) = knn.boost {
                k.insert("boost".into(), json!(b));
            }
            body.insert("knn".into(), Value::Object(k));
        }
        if let Some((window, constant)) = self.rrf {
            let mut rrf = Map::new();
            if let Some(w) = window {
                rrf.insert("rank_window_size".into(), json!(w));
            }
            if let Some(c) = constant {
                rrf.insert("rank_constant".into(), json!(c));
            }
            body.insert("rank".into(), json!({ "rrf": rrf }));
        }
        if let Some(size) = self.size {
            body.insert("size".into(), json!(size));
        }
        if let Some(from) = self.from {
            body.insert("from".into(), json!(from));
        }
        if let Some(source) = &self.source {
            if source.iter().any(|s| s == "_score") {
                return Err(Error::validation(
                    "_source",
                    "`_score` is always returned and may not be listed",
                ));
            }
            body.insert("_source".into(), json!(source));
        }
        Ok(Value::Object(body))
    }
}
