//! The vector-search request of `ObVecClient::ann_search` and its SQL.

use super::meta::{ColumnKind, TableInfo};
use super::query::{DynQuery, Filter};
use crate::ddl::{quote_ident, Distance};
use crate::error::{Error, Result};
use crate::fragment::BindValue;
use crate::vector::{check_cosine_operand, check_dimensions};
use crate::Vector;

/// The largest `offset + limit` seekdb accepts with `APPROXIMATE`.
pub const MAX_TOPK: usize = diesel_seekdb_rules::MAX_TOPK;

/// The old name of [`Distance`] on the client side.
#[deprecated(since = "0.1.0", note = "use diesel_seekdb::client::Distance")]
pub type DistanceFunc = Distance;

/// How rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchMode {
    /// `ORDER BY d APPROXIMATE LIMIT k` (vector index).
    Approximate,
    /// `ORDER BY d LIMIT k`, exact.
    Exact,
}

/// A vector search: what pyobvector's `ann_search` takes, as a builder.
///
/// ```
/// use diesel_seekdb::client::{AnnSearch, Distance};
/// let s = AnnSearch::new("items", "embedding", vec![0.0, 0.0, 1.0])
///     .distance(Distance::L2)
///     .with_dist(true)
///     .topk(5)
///     .output_columns(["id", "title"]);
/// assert_eq!(s.topk_value(), 5);
/// ```
#[derive(Debug)]
pub struct AnnSearch {
    pub(crate) table: String,
    pub(crate) column: String,
    pub(crate) vector: Vector,
    pub(crate) distance: Distance,
    pub(crate) with_dist: bool,
    pub(crate) topk: usize,
    pub(crate) output_columns: Vec<String>,
    pub(crate) extra_outputs: Vec<(String, String)>,
    pub(crate) filter: Option<Filter>,
    pub(crate) partitions: Vec<String>,
    pub(crate) index_hint: Option<String>,
    pub(crate) distance_threshold: Option<f64>,
    pub(crate) ef_search: Option<u32>,
    pub(crate) short_check: bool,
    pub(crate) filtered_ef: bool,
}

impl AnnSearch {
    /// Searches `column` of `table` for the neighbours of `vector` (l2, top 10).
    pub fn new(table: &str, column: &str, vector: impl Into<Vector>) -> Self {
        AnnSearch {
            table: table.to_string(),
            column: column.to_string(),
            vector: vector.into(),
            distance: Distance::L2,
            with_dist: false,
            topk: 10,
            output_columns: Vec::new(),
            extra_outputs: Vec::new(),
            filter: None,
            partitions: Vec::new(),
            index_hint: None,
            distance_threshold: None,
            ef_search: None,
            short_check: true,
            filtered_ef: true,
        }
    }

    /// The distance function (default l2).
    pub fn distance(mut self, distance: Distance) -> Self {
        self.distance = distance;
        self
    }

    /// Also return the distance, in a column named `distance`.
    pub fn with_dist(mut self, with_dist: bool) -> Self {
        self.with_dist = with_dist;
        self
    }

    /// How many rows (1..=16384).
    pub fn topk(mut self, topk: usize) -> Self {
        self.topk = topk;
        self
    }

    /// The configured top-k.
    pub fn topk_value(&self) -> usize {
        self.topk
    }

    /// Columns to return (default: every column but the searched vector).
    pub fn output_columns<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.output_columns = columns.into_iter().map(Into::into).collect();
        self
    }

    /// An extra output computed by a vector function of the searched column against
    /// the query vector, named `alias`: `l2_distance`, `cosine_distance`,
    /// `inner_product`, `negative_inner_product`, `l2_squared`, `l1_distance`.
    pub fn extra_output(mut self, function: &str, alias: &str) -> Self {
        self.extra_outputs
            .push((function.to_string(), alias.to_string()));
        self
    }

    /// A `WHERE` condition on the same table (a pre-filter: k rows still come back).
    pub fn filter(mut self, filter: impl Into<Filter>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Restrict to these partitions (checked against the table's partitions).
    pub fn partitions<I, S>(mut self, partitions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.partitions = partitions.into_iter().map(Into::into).collect();
        self
    }

    /// Force this index with an optimizer hint (checked to exist: seekdb silently
    /// ignores an unknown one).
    pub fn index_hint(mut self, index: &str) -> Self {
        self.index_hint = Some(index.to_string());
        self
    }

    /// Only rows within this distance (at least this inner product for
    /// [`Distance::InnerProduct`]).
    pub fn distance_threshold(mut self, threshold: f64) -> Self {
        self.distance_threshold = Some(threshold);
        self
    }

    /// `PARAMETERS(ef_search = n)` for this query only (HNSW indexes).
    pub fn ef_search(mut self, ef_search: u32) -> Self {
        self.ef_search = Some(ef_search);
        self
    }

    /// Whether an approximate search whose filter matches more rows than it returned
    /// (fewer than `topk`) is an [`Error::ShortResult`] (the default) or returns the
    /// rows it has. See [`super::filtered`].
    pub fn check_short_result(mut self, check: bool) -> Self {
        self.short_check = check;
        self
    }

    /// Whether a filtered approximate search without [`ef_search`](Self::ef_search)
    /// raises `ef_search` to [`filtered_ef_search`](super::filtered_ef_search) (the
    /// default) or leaves the session's value. See [`super::filtered`].
    pub fn raise_ef_for_filters(mut self, raise: bool) -> Self {
        self.filtered_ef = raise;
        self
    }

    /// Renders the statement after checking every name against `table`.
    pub(crate) fn build(self, table: &TableInfo, mode: SearchMode) -> Result<DynQuery> {
        Ok(self.build_checked(table, mode)?.0)
    }

    /// The statement, and the count that tells a short result from a filter that
    /// matches few rows (see [`super::filtered`]) when one is needed.
    pub(crate) fn build_checked(
        mut self,
        table: &TableInfo,
        mode: SearchMode,
    ) -> Result<(DynQuery, Option<DynQuery>)> {
        let count_filter = match (&self.filter, mode, self.distance_threshold) {
            (Some(Filter::Fragment(f)), SearchMode::Approximate, None) if self.short_check => {
                Some(f.clone())
            }
            _ => None,
        };
        if mode == SearchMode::Approximate
            && self.filter.is_some()
            && self.filtered_ef
            && self.ef_search.is_none()
        {
            self.ef_search = Some(super::filtered::filtered_ef_search(self.topk));
        }
        let search = super::filtered::CountOf {
            topk: self.topk,
            partitions: self.partitions.clone(),
            distance: self.distance,
            column: self.column.clone(),
            vector: self.vector.clone(),
        };
        let q = self.build_query(table, mode)?;
        let count = count_filter.map(|f| search.query(table, f));
        Ok((q, count))
    }

    fn build_query(self, table: &TableInfo, mode: SearchMode) -> Result<DynQuery> {
        if self.topk == 0 || self.topk > MAX_TOPK {
            return Err(Error::validation(
                "topk",
                format!("{} is outside 1..={MAX_TOPK}", self.topk),
            ));
        }
        let column = table.require_column("vec_column_name", &self.column)?;
        match column.kind {
            ColumnKind::Vector(dim) => {
                check_dimensions(self.vector.as_slice(), dim)?;
                if self.distance == Distance::Cosine {
                    check_cosine_operand("vec_data", self.vector.as_slice())?;
                }
            }
            _ => {
                return Err(Error::validation(
                    "vec_column_name",
                    format!(
                        "column `{}` is {}, not a VECTOR",
                        column.name, column.column_type
                    ),
                ))
            }
        }
        table.check_partitions(&self.partitions)?;
        let vector_column = quote_ident(&column.name);
        let call = |q: &mut DynQuery, function: &str, vector: &Vector| {
            q.sql(format!("{function}({vector_column}, "))
                .bind(BindValue::Vector(vector.clone()))
                .sql(")");
        };

        let mut q = DynQuery::new();
        q.sql("SELECT ");
        if let Some(index) = &self.index_hint {
            if !table
                .indexes
                .iter()
                .any(|i| i.name.eq_ignore_ascii_case(index))
            {
                return Err(Error::validation(
                    "index_hint",
                    format!("table `{}` has no index `{index}`", table.name),
                ));
            }
            q.sql(format!(
                "/*+ INDEX({} {}) */ ",
                quote_ident(&table.name),
                quote_ident(index)
            ));
        }
        let outputs: Vec<String> = if self.output_columns.is_empty() {
            table
                .columns
                .iter()
                .filter(|c| !c.name.eq_ignore_ascii_case(&column.name))
                .map(|c| c.name.clone())
                .collect()
        } else {
            self.output_columns
                .iter()
                .map(|c| {
                    table
                        .require_column("output_column_names", c)
                        .map(|c| c.name.clone())
                })
                .collect::<Result<_>>()?
        };
        let mut first = true;
        for name in &outputs {
            if !first {
                q.sql(", ");
            }
            first = false;
            match table.columns.iter().find(|c| &c.name == name) {
                Some(c) => q.sql(super::gis::select_item(c)),
                None => q.sql(quote_ident(name)),
            };
        }
        if self.with_dist {
            if !first {
                q.sql(", ");
            }
            first = false;
            call(&mut q, self.distance.output_fn(), &self.vector);
            q.sql(" AS `distance`");
        }
        for (function, alias) in &self.extra_outputs {
            let function = match function.to_ascii_lowercase().as_str() {
                f @ ("l2_distance"
                | "cosine_distance"
                | "inner_product"
                | "negative_inner_product"
                | "l2_squared"
                | "l1_distance") => f.to_string(),
                other => {
                    return Err(Error::validation(
                        "extra_output_cols",
                        format!("`{other}` is not a vector function"),
                    ))
                }
            };
            if !first {
                q.sql(", ");
            }
            first = false;
            call(&mut q, &function, &self.vector);
            q.sql(format!(" AS {}", quote_ident(alias)));
        }
        if first {
            return Err(Error::validation(
                "output_column_names",
                "nothing to select",
            ));
        }
        q.sql(format!(" FROM {}", quote_ident(&table.name)));
        push_partitions(&mut q, &self.partitions);

        let mut conditions = 0;
        let filtered = self.filter.is_some();
        if let Some(filter) = self.filter {
            q.sql(" WHERE ");
            q.filter(filter);
            conditions += 1;
        }
        if let Some(threshold) = self.distance_threshold {
            if !threshold.is_finite() {
                return Err(Error::validation(
                    "distance_threshold",
                    "must be a finite number",
                ));
            }
            q.sql(if conditions > 0 { " AND " } else { " WHERE " });
            call(&mut q, self.distance.output_fn(), &self.vector);
            q.sql(if self.distance == Distance::InnerProduct {
                " >= "
            } else {
                " <= "
            });
            q.bind(BindValue::Float(threshold));
        }
        if self.distance == Distance::Cosine && self.distance_threshold.is_none() {
            // A stored zero vector has a NULL cosine distance, which sorts first even
            // through the index. Filtering it keeps the index (seekdb plans an adaptive
            // pre-filter scan) and still returns k real rows; a threshold already does.
            q.sql(if conditions > 0 { " AND " } else { " WHERE " });
            call(&mut q, self.distance.order_fn(), &self.vector);
            q.sql(" IS NOT NULL");
        }
        q.sql(" ORDER BY ");
        call(&mut q, self.distance.order_fn(), &self.vector);
        q.sql(match mode {
            SearchMode::Approximate => " APPROXIMATE LIMIT ",
            SearchMode::Exact => " LIMIT ",
        });
        q.bind(BindValue::Int(self.topk as i64));
        if let (Some(ef), SearchMode::Approximate) = (self.ef_search, mode) {
            if !crate::diesel_ext::EF_SEARCH_RANGE.contains(&ef) {
                return Err(Error::validation(
                    "ef_search",
                    format!("{ef} is outside 1..=160000"),
                ));
            }
            q.sql(format!(" PARAMETERS(ef_search={ef})"));
        }
        // Without a filter the text depends only on the table and the options, so it can
        // stay prepared: a search costs one round trip, like hand-written SQL.
        if !filtered {
            q.cache_if_few_shapes();
        }
        Ok(q)
    }
}

/// ` PARTITION(`p0`, `p1`)` when partitions are given.
pub(crate) fn push_partitions(q: &mut DynQuery, partitions: &[String]) {
    if partitions.is_empty() {
        return;
    }
    let names: Vec<String> = partitions.iter().map(|p| quote_ident(p)).collect();
    q.sql(format!(" PARTITION({})", names.join(", ")));
}
