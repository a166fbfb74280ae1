//! Vector search requests and hits, and the rules that keep hits meaningful: no zero
//! query vector under cosine, and rows without a distance never ranked first.

use serde_json::{json, Map, Value};

use super::filter::FilterParams;
use crate::client::Distance;
use crate::ddl::quote_ident;
use crate::error::{Error, Result};
use crate::fragment::{BindValue, SqlFragment};
use crate::Vector;

/// One search hit: the primary key, the distance and the requested fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The primary key value.
    pub id: Value,
    /// The distance (for `ip`, the inner product: larger is closer); `None` when the
    /// server has none (SQL NULL), never NaN.
    pub distance: Option<f64>,
    /// The requested output fields.
    pub entity: Map<String, Value>,
}

impl From<Hit> for Value {
    fn from(h: Hit) -> Self {
        json!({ "id": h.id, "distance": h.distance, "entity": h.entity })
    }
}

/// A vector search request (pymilvus `search` arguments).
#[derive(Debug)]
pub struct SearchRequest {
    pub(super) data: Vec<Vec<f32>>,
    pub(super) anns_field: String,
    pub(super) limit: usize,
    pub(super) output_fields: Vec<String>,
    pub(super) metric: Option<String>,
    pub(super) ef: Option<u32>,
    pub(super) partitions: Vec<String>,
    pub(super) filter: Option<(String, Option<FilterParams>)>,
    pub(super) exact: bool,
    pub(super) group_by: Option<GroupBy>,
}

/// Grouping options of a search.
#[derive(Debug, Clone)]
pub(super) struct GroupBy {
    pub(super) field: String,
    pub(super) size: usize,
    pub(super) strict: bool,
}

impl SearchRequest {
    /// Searches `anns_field` for each query vector in `data` (top 10).
    pub fn new(anns_field: &str, data: Vec<Vec<f32>>) -> Self {
        SearchRequest {
            data,
            anns_field: anns_field.to_string(),
            limit: 10,
            output_fields: Vec::new(),
            metric: None,
            ef: None,
            partitions: Vec::new(),
            filter: None,
            exact: false,
            group_by: None,
        }
    }

    /// Milvus's grouping search: `limit` groups by this field's value, ranked by their
    /// best hit, each with up to [`group_size`](Self::group_size) hits (see
    /// [`GroupedSearch`](crate::client::GroupedSearch)). Hits come group by group, and
    /// carry the field in their entity.
    pub fn group_by_field(mut self, field: &str) -> Self {
        self.group_by_mut().field = field.to_string();
        self
    }

    /// Hits per group (default 1).
    pub fn group_size(mut self, size: usize) -> Self {
        self.group_by_mut().size = size;
        self
    }

    /// Fill each group up to `group_size` when the collection has that many.
    pub fn strict_group_size(mut self, strict: bool) -> Self {
        self.group_by_mut().strict = strict;
        self
    }

    fn group_by_mut(&mut self) -> &mut GroupBy {
        self.group_by.get_or_insert_with(|| GroupBy {
            field: String::new(),
            size: 1,
            strict: false,
        })
    }

    /// An exact search (every row, no index): allowed with any metric. Without it, a
    /// `metric_type` that differs from the field's index is refused, as Milvus refuses
    /// it, instead of silently scanning every row.
    pub fn exact_search(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }

    /// Hits per query vector.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Fields returned in each hit's entity.
    pub fn output_fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, f: I) -> Self {
        self.output_fields = f.into_iter().map(Into::into).collect();
        self
    }

    /// A Milvus filter expression.
    pub fn filter(mut self, expr: &str) -> Self {
        self.filter = Some((expr.to_string(), None));
        self
    }

    /// A Milvus filter expression with template values.
    pub fn filter_with_params(mut self, expr: &str, params: FilterParams) -> Self {
        self.filter = Some((expr.to_string(), Some(params)));
        self
    }

    /// pymilvus `search_params`: `{"metric_type": "l2"|"ip"|"neg_ip"|"cosine", "params": {"ef": 64}}`.
    ///
    /// Any other key (a range search's `radius` / `range_filter`, `offset`, `nprobe`,
    /// ...) is refused with [`Error::Validation`] naming it: the search would not apply
    /// it, and a silently ignored range or offset returns other rows than asked for.
    pub fn search_params(mut self, params: Value) -> Result<Self> {
        check_search_param_keys(&params)?;
        if let Some(metric) = params.get("metric_type") {
            let metric = metric.as_str().ok_or_else(|| {
                Error::validation("search_params.metric_type", "must be a string")
            })?;
            Distance::parse(metric)?;
            self.metric = Some(metric.to_string());
        }
        if let Some(ef) = params.get("params").and_then(|p| p.get("ef")) {
            let ef = ef
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| {
                    Error::validation("search_params.params.ef", "must be a positive integer")
                })?;
            self.ef = Some(ef);
        }
        Ok(self)
    }

    /// Restrict to these partitions.
    pub fn partition_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, p: I) -> Self {
        self.partitions = p.into_iter().map(Into::into).collect();
        self
    }
}

/// The keys `search_params` applies; anything else is refused, not ignored.
fn check_search_param_keys(params: &Value) -> Result<()> {
    let top = match params {
        Value::Null => return Ok(()),
        Value::Object(top) => top,
        _ => return Err(Error::validation("search_params", "must be a JSON object")),
    };
    let unsupported = |key: &str| {
        let what = match key.trim_start_matches("params.") {
            "radius" | "range_filter" => "range search is not supported".to_string(),
            // seekdb reads ob_ivf_nprobes from the session only (a SET_VAR hint is ignored).
            "nprobe" => "`nprobe` is a session setting on seekdb: set it with \
                         `diesel_seekdb::set_ivf_nprobes` on a connection or \
                         `SessionSettings::ivf_nprobes` for a pool"
                .to_string(),
            _ => format!("`{key}` is not supported"),
        };
        Error::validation(
            format!("search_params.{key}"),
            format!("{what}; the search would ignore it (supported: metric_type, params.ef)"),
        )
    };
    for key in top.keys() {
        if key != "metric_type" && key != "params" {
            return Err(unsupported(key));
        }
    }
    match top.get("params") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(inner)) => match inner.keys().find(|k| k.as_str() != "ef") {
            Some(key) => Err(unsupported(&format!("params.{key}"))),
            None => Ok(()),
        },
        Some(_) => Err(Error::validation(
            "search_params.params",
            "must be a JSON object",
        )),
    }
}

/// Runs one query vector's `search` as `request` asks: grouped, exact or through the
/// index. A grouped search comes back as one flat hit list, group by group.
pub(super) fn run(
    client: &crate::client::ObVecClient,
    search: crate::client::AnnSearch,
    request: &SearchRequest,
) -> Result<Vec<Map<String, Value>>> {
    let Some(group) = &request.group_by else {
        return if request.exact {
            client.precise_search(search)
        } else {
            client.ann_search(search)
        };
    };
    let groups = client.grouped_search(
        crate::client::GroupedSearch::new(search, &group.field)
            .group_size(group.size)
            .strict_group_size(group.strict)
            .exact(request.exact),
    )?;
    Ok(groups.into_iter().flat_map(|g| g.rows).collect())
}

/// A grouped search returns its grouping field in each hit's entity.
pub(super) fn add_group_field(
    info: &crate::client::TableInfo,
    request: &SearchRequest,
    outputs: &mut Vec<String>,
) -> Result<()> {
    if let Some(g) = &request.group_by {
        let field = &info.require_column("group_by_field", &g.field)?.name;
        if !outputs.iter().any(|o| o.eq_ignore_ascii_case(field)) {
            outputs.push(field.clone());
        }
    }
    Ok(())
}

/// Refuses a metric the field's vector index was not built for (Milvus: "metric type
/// not match"); seekdb would silently scan every row.
pub(super) fn check_index_metric(
    info: &crate::client::TableInfo,
    field: &str,
    metric: Distance,
) -> Result<()> {
    let Some(index) = info.vector_index_on(field) else {
        return Ok(());
    };
    let Some(index_metric) = index.distance.as_deref() else {
        return Ok(());
    };
    if index_metric.eq_ignore_ascii_case(metric.index_distance()) {
        return Ok(());
    }
    Err(Error::validation(
        "search_params.metric_type",
        format!(
            "metric type not match: index `{}` on `{field}` is {index_metric} but the search \
             asks for {metric}; search with metric_type {index_metric}, or ask for an exact \
             search (SearchRequest::exact_search), which scans every row",
            index.name
        ),
    ))
}

/// Refuses a query vector that has no distance under `metric`: the cosine distance of
/// a zero vector is undefined (seekdb returns NULL for every row, Milvus NaN).
pub(super) fn check_query_vector(metric: Distance, i: usize, vector: &[f32]) -> Result<()> {
    if metric == Distance::Cosine && vector.iter().all(|x| *x == 0.0) {
        return Err(Error::validation(
            format!("data[{i}]"),
            "a zero vector has no cosine distance; use a non-zero query vector",
        ));
    }
    Ok(())
}

/// `filter AND <distance> IS NOT NULL`: keeps rows whose stored vector is NULL (any
/// metric) or zero (cosine) out of the ranking, where NULL would sort first.
pub(super) fn without_null_distances(
    metric: Distance,
    field: &str,
    vector: &[f32],
    filter: Option<&SqlFragment>,
) -> SqlFragment {
    let mut out = SqlFragment::new();
    if let Some(f) = filter {
        out.push_sql("(");
        out.append(f.clone());
        out.push_sql(") AND ");
    }
    if metric == Distance::Cosine {
        out.push_sql(&format!("cosine_distance({}, ", quote_ident(field)));
        out.push_bind(BindValue::Vector(Vector::from(vector.to_vec())));
        out.push_sql(") IS NOT NULL");
    } else {
        out.push_sql(&format!("{} IS NOT NULL", quote_ident(field)));
    }
    out
}

/// A result row as a hit: the key (an object of the columns of a composite key) is
/// taken out of the entity unless it was asked for as an output field.
pub(super) fn to_hit(mut row: Map<String, Value>, pk: &[String], asked: &[String]) -> Hit {
    let distance = row.remove("distance").and_then(|d| d.as_f64());
    let mut key_of = |name: &String| {
        if asked.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            row.get(name).cloned().unwrap_or(Value::Null)
        } else {
            row.remove(name).unwrap_or(Value::Null)
        }
    };
    let id = match pk {
        [single] => key_of(single),
        keys => Value::Object(keys.iter().map(|k| (k.clone(), key_of(k))).collect()),
    };
    Hit {
        id,
        distance,
        entity: row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(params: Value) -> String {
        match SearchRequest::new("v", vec![vec![1.0]]).search_params(params) {
            Err(Error::Validation { parameter, .. }) => parameter,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn search_params_refuse_what_the_search_would_ignore() {
        assert_eq!(
            refused(
                json!({"metric_type": "COSINE", "params": {"radius": 0.8, "range_filter": 1.0}})
            ),
            "search_params.params.radius"
        );
        assert_eq!(
            refused(json!({"params": {"nprobe": 8}})),
            "search_params.params.nprobe"
        );
        assert_eq!(
            refused(json!({"metric_type": "L2", "offset": 10})),
            "search_params.offset"
        );
        assert_eq!(refused(json!({"params": 64})), "search_params.params");
        assert_eq!(refused(json!(["L2"])), "search_params");
        let ok = SearchRequest::new("v", vec![vec![1.0]])
            .search_params(json!({"metric_type": "l2", "params": {"ef": 64}}))
            .unwrap();
        assert_eq!((ok.metric.as_deref(), ok.ef), (Some("l2"), Some(64)));
        assert!(SearchRequest::new("v", vec![vec![1.0]])
            .search_params(json!({}))
            .is_ok());
    }

    #[test]
    fn zero_vectors_are_refused_only_under_cosine() {
        assert!(check_query_vector(Distance::Cosine, 0, &[0.0, 0.0]).is_err());
        assert!(check_query_vector(Distance::Cosine, 0, &[0.0, 1e-30]).is_ok());
        assert!(check_query_vector(Distance::L2, 0, &[0.0, 0.0]).is_ok());
    }

    #[test]
    fn null_distance_filter_keeps_the_user_filter() {
        let user = SqlFragment::raw("`n` > 1");
        let f = without_null_distances(Distance::Cosine, "v", &[1.0], Some(&user));
        assert_eq!(f.sql, "(`n` > 1) AND cosine_distance(`v`, ?) IS NOT NULL");
        assert_eq!(f.binds.len(), 1);
        let f = without_null_distances(Distance::L2, "v", &[1.0], None);
        assert_eq!(f.sql, "`v` IS NOT NULL");
    }

    #[test]
    fn null_distance_is_none_and_json_null() {
        let mut row = Map::new();
        row.insert("id".into(), json!(1));
        row.insert("distance".into(), Value::Null);
        let hit = to_hit(row, &["id".to_string()], &[]);
        assert_eq!(hit.distance, None);
        assert_eq!(Value::from(hit)["distance"], Value::Null);
    }
}
