//! Iterators over results larger than one statement (pymilvus's `query_iterator` and
//! `search_iterator`), paged by keyset, never by `OFFSET`: a query continues after the
//! last primary key, a search after the last (distance, primary key). Each page is one
//! statement that starts where the previous one ended, so a page costs the same at
//! the end as at the start, and on a table that does not change every matching row
//! comes exactly once, in order, whatever the batch size (ties in distance are
//! ordered by the key).
//!
//! A search page is exact (`ORDER BY distance, key` cannot use a vector index: seekdb
//! takes one `APPROXIMATE` item only), which is what makes "every row exactly once"
//! hold; rows whose distance is NULL (a NULL vector, or a zero one under cosine) are
//! left out.

use serde_json::{Map, Value};

use super::ann::push_partitions;
use super::convert::to_bind;
use super::meta::{ColumnKind, TableInfo};
use super::ops::Rows;
use super::plan::{rows, Op, Plan, Statement};
use super::query::DynQuery;
use super::statements as stmt;
use crate::ddl::{quote_ident, Distance};
use crate::error::{Error, Result};
use crate::fragment::{BindValue, SqlFragment};
use crate::vector::{check_cosine_operand, check_dimensions};
use crate::Vector;

/// The default rows per page (pymilvus's default batch size).
pub const DEFAULT_BATCH_SIZE: usize = 1000;

/// A query read page by page in primary-key order (pymilvus `query_iterator`).
///
/// ```
/// use diesel_seekdb::client::QueryIter;
/// use diesel_seekdb::fragment::{BindValue, SqlFragment};
/// let mut filter = SqlFragment::raw("`n` > ");
/// filter.push_bind(BindValue::Int(3));
/// let it = QueryIter::new("items").filter(filter).batch_size(100).limit(250);
/// # let _ = it;
/// ```
#[derive(Debug, Clone)]
pub struct QueryIter {
    pub(crate) table: String,
    pub(crate) filter: Option<SqlFragment>,
    pub(crate) output_columns: Vec<String>,
    pub(crate) partitions: Vec<String>,
    pub(crate) batch_size: usize,
    pub(crate) limit: Option<usize>,
}

impl QueryIter {
    /// Every row of `table`, all columns, 1000 per page.
    pub fn new(table: &str) -> Self {
        QueryIter {
            table: table.to_string(),
            filter: None,
            output_columns: Vec::new(),
            partitions: Vec::new(),
            batch_size: DEFAULT_BATCH_SIZE,
            limit: None,
        }
    }

    /// Only rows matching this condition (a fragment: it is sent again with each page).
    pub fn filter(mut self, filter: SqlFragment) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Columns to return (the primary key is always returned: pages continue after it).
    pub fn output_columns<I: IntoIterator<Item = S>, S: Into<String>>(mut self, c: I) -> Self {
        self.output_columns = c.into_iter().map(Into::into).collect();
        self
    }

    /// Restrict to these partitions.
    pub fn partitions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, p: I) -> Self {
        self.partitions = p.into_iter().map(Into::into).collect();
        self
    }

    /// Rows per page (at least 1).
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// At most this many rows in all.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// A search read page by page, nearest first (pymilvus `search_iterator`); the rows
/// carry their distance in `distance`.
///
/// ```
/// use diesel_seekdb::client::{Distance, SearchIter};
/// let it = SearchIter::new("items", "embedding", vec![0.0, 1.0])
///     .distance(Distance::Cosine)
///     .batch_size(500)
///     .limit(5000);
/// # let _ = it;
/// ```
#[derive(Debug, Clone)]
pub struct SearchIter {
    pub(crate) query: QueryIter,
    pub(crate) column: String,
    pub(crate) vector: Vector,
    pub(crate) distance: Distance,
}

impl SearchIter {
    /// The rows of `table` nearest to `vector` in `column` (l2), 1000 per page.
    pub fn new(table: &str, column: &str, vector: impl Into<Vector>) -> Self {
        SearchIter {
            query: QueryIter::new(table),
            column: column.to_string(),
            vector: vector.into(),
            distance: Distance::L2,
        }
    }

    /// The distance (default l2; [`Distance::InnerProduct`] pages by largest product).
    pub fn distance(mut self, distance: Distance) -> Self {
        self.distance = distance;
        self
    }

    /// Only rows matching this condition (sent again with each page).
    pub fn filter(mut self, filter: SqlFragment) -> Self {
        self.query = self.query.filter(filter);
        self
    }

    /// Columns to return (default: every column but the searched vector; the primary
    /// key is always returned).
    pub fn output_columns<I: IntoIterator<Item = S>, S: Into<String>>(mut self, c: I) -> Self {
        self.query = self.query.output_columns(c);
        self
    }

    /// Restrict to these partitions.
    pub fn partitions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, p: I) -> Self {
        self.query = self.query.partitions(p);
        self
    }

    /// Rows per page (at least 1).
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.query = self.query.batch_size(batch_size);
        self
    }

    /// At most this many rows in all.
    pub fn limit(mut self, limit: usize) -> Self {
        self.query = self.query.limit(limit);
        self
    }
}

/// Where the next page starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cursor {
    /// The last row's key values (and, for searches, its ordering value).
    after: Option<(Option<f64>, Vec<Value>)>,
    returned: usize,
    pub(crate) done: bool,
}

/// A page and the cursor after it.
pub(crate) type Page = (Rows, Cursor);

/// The name of the ordering value when it is not the reported distance.
const ORDER_ALIAS: &str = "__diesel_seekdb_order";

fn page_size(spec: &QueryIter, cursor: &Cursor) -> Result<usize> {
    if spec.batch_size == 0 {
        return Err(Error::validation("batch_size", "must be at least 1"));
    }
    let left = spec
        .limit
        .map_or(usize::MAX, |l| l - cursor.returned.min(l));
    Ok(spec.batch_size.min(left))
}

/// The key columns (paging needs a primary key) and the selected columns.
fn columns(
    info: &TableInfo,
    spec: &QueryIter,
    skip: Option<&str>,
) -> Result<(Vec<String>, Vec<String>)> {
    let pk: Vec<String> = info.primary_key().iter().map(|c| c.name.clone()).collect();
    if pk.is_empty() {
        return Err(Error::NotSupported {
            feature: "iterators".into(),
            reason: format!("table `{}` has no primary key to page by", info.name),
        });
    }
    let mut out: Vec<String> = if spec.output_columns.is_empty() {
        info.columns
            .iter()
            .filter(|c| skip.is_none_or(|s| !c.name.eq_ignore_ascii_case(s)))
            .map(|c| c.name.clone())
            .collect()
    } else {
        spec.output_columns
            .iter()
            .map(|c| Ok(info.require_column("output_columns", c)?.name.clone()))
            .collect::<Result<_>>()?
    };
    for key in pk.iter().rev() {
        if !out.iter().any(|c| c.eq_ignore_ascii_case(key)) {
            out.insert(0, key.clone());
        }
    }
    Ok((pk, out))
}

/// `(k1, k2) > (?, ?)` (or `k > ?`) with the last page's key values.
fn push_key_after(
    q: &mut DynQuery,
    info: &TableInfo,
    pk: &[String],
    values: &[Value],
) -> Result<()> {
    let quoted: Vec<String> = pk.iter().map(|k| quote_ident(k)).collect();
    // `DynQuery::bind` writes each placeholder.
    q.sql(format!("({}) > (", quoted.join(", ")));
    for (i, (key, value)) in pk.iter().zip(values).enumerate() {
        let column = info.require_column("primary key", key)?;
        if i > 0 {
            q.sql(", ");
        }
        q.bind(to_bind("cursor", column, value)?);
    }
    q.sql(")");
    Ok(())
}

/// The key values of the last row, to continue after.
fn last_key(rows: &[Map<String, Value>], pk: &[String]) -> Option<Vec<Value>> {
    let last = rows.last()?;
    Some(
        pk.iter()
            .map(|k| last.get(k).cloned().unwrap_or(Value::Null))
            .collect(),
    )
}

fn next_cursor(
    cursor: Cursor,
    got: usize,
    wanted: usize,
    after: Option<(Option<f64>, Vec<Value>)>,
) -> Cursor {
    Cursor {
        done: got < wanted || after.is_none(),
        returned: cursor.returned + got,
        after: after.or(cursor.after),
    }
}

/// The next page of a query.
pub(crate) fn query_page<'a>(spec: QueryIter, cursor: Cursor) -> Result<Op<'a, Page>> {
    let size = page_size(&spec, &cursor)?;
    if cursor.done || size == 0 {
        return Ok(Op::Ready((
            Vec::new(),
            Cursor {
                done: true,
                ..cursor
            },
        )));
    }
    let table = spec.table.clone();
    Op::with_table(&table, move |info| {
        let (pk, outputs) = columns(&info, &spec, None)?;
        info.check_partitions(&spec.partitions)?;
        let mut q = DynQuery::new();
        let names: Vec<String> = outputs.iter().map(|c| quote_ident(c)).collect();
        q.sql(format!(
            "SELECT {} FROM {}",
            names.join(", "),
            quote_ident(&info.name)
        ));
        push_partitions(&mut q, &spec.partitions);
        let mut conditions = 0;
        if let Some(f) = spec.filter.clone() {
            q.sql(" WHERE (").fragment(f).sql(")");
            conditions += 1;
        }
        if let Some((_, key)) = &cursor.after {
            q.sql(if conditions > 0 { " AND " } else { " WHERE " });
            push_key_after(&mut q, &info, &pk, key)?;
        }
        let keys: Vec<String> = pk.iter().map(|k| quote_ident(k)).collect();
        q.sql(format!(" ORDER BY {} LIMIT ", keys.join(", ")));
        q.bind(BindValue::Int(size as i64));
        Op::run(Plan::new(vec![Statement::Load(q)], move |out| {
            let rows = stmt::json_rows(&info, rows(out))?;
            let after = last_key(&rows, &pk).map(|k| (None, k));
            let got = rows.len();
            Ok((rows, next_cursor(cursor, got, size, after)))
        }))
    })
}

/// The next page of a search.
pub(crate) fn search_page<'a>(spec: SearchIter, cursor: Cursor) -> Result<Op<'a, Page>> {
    let size = page_size(&spec.query, &cursor)?;
    if cursor.done || size == 0 {
        return Ok(Op::Ready((
            Vec::new(),
            Cursor {
                done: true,
                ..cursor
            },
        )));
    }
    let table = spec.query.table.clone();
    Op::with_table(&table, move |info| {
        let column = info.require_column("vec_column_name", &spec.column)?;
        let ColumnKind::Vector(dim) = column.kind else {
            return Err(Error::validation(
                "vec_column_name",
                format!(
                    "column `{}` is {}, not a VECTOR",
                    column.name, column.column_type
                ),
            ));
        };
        check_dimensions(spec.vector.as_slice(), dim)?;
        if spec.distance == Distance::Cosine {
            check_cosine_operand("vec_data", spec.vector.as_slice())?;
        }
        let (pk, outputs) = columns(&info, &spec.query, Some(&column.name))?;
        info.check_partitions(&spec.query.partitions)?;
        let vcol = quote_ident(&column.name);
        let call = |q: &mut DynQuery, function: &str| {
            q.sql(format!("{function}({vcol}, "))
                .bind(BindValue::Vector(spec.vector.clone()))
                .sql(")");
        };
        let order = spec.distance.order_fn();
        let separate_order = spec.distance.output_fn() != order;
        let mut q = DynQuery::new();
        let names: Vec<String> = outputs.iter().map(|c| quote_ident(c)).collect();
        q.sql(format!("SELECT {}, ", names.join(", ")));
        call(&mut q, spec.distance.output_fn());
        q.sql(" AS `distance`");
        if separate_order {
            q.sql(", ");
            call(&mut q, order);
            q.sql(format!(" AS {}", quote_ident(ORDER_ALIAS)));
        }
        q.sql(format!(" FROM {}", quote_ident(&info.name)));
        push_partitions(&mut q, &spec.query.partitions);
        q.sql(" WHERE ");
        if let Some(f) = spec.query.filter.clone() {
            q.sql("(").fragment(f).sql(") AND ");
        }
        call(&mut q, order);
        q.sql(" IS NOT NULL");
        if let Some((Some(d), key)) = &cursor.after {
            q.sql(" AND (");
            call(&mut q, order);
            q.sql(" > ").bind(BindValue::Float(*d)).sql(" OR (");
            call(&mut q, order);
            q.sql(" = ").bind(BindValue::Float(*d)).sql(" AND ");
            push_key_after(&mut q, &info, &pk, key)?;
            q.sql("))");
        }
        q.sql(" ORDER BY ");
        call(&mut q, order);
        for k in &pk {
            q.sql(format!(", {}", quote_ident(k)));
        }
        q.sql(" LIMIT ").bind(BindValue::Int(size as i64));
        Op::run(Plan::new(vec![Statement::Load(q)], move |out| {
            let mut rows = stmt::json_rows(&info, rows(out))?;
            let key = last_key(&rows, &pk);
            let order_value = rows.last().and_then(|r| {
                r.get(if separate_order {
                    ORDER_ALIAS
                } else {
                    "distance"
                })
                .and_then(Value::as_f64)
            });
            if separate_order {
                for r in &mut rows {
                    r.remove(ORDER_ALIAS);
                }
            }
            let got = rows.len();
            if got > 0 && order_value.is_none() {
                return Err(Error::decode(
                    "distance",
                    "a page's last row has no distance",
                ));
            }
            let after = key.map(|k| (order_value, k));
            Ok((rows, next_cursor(cursor, got, size, after)))
        }))
    })
}
