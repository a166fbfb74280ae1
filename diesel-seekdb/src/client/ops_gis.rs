//! The clients' spatial search, built once as a plan for both transports.

use super::meta::ColumnKind;
use super::ops::Rows;
use super::plan::{rows, Op, Plan, Statement};
use super::query::DynQuery;
use super::statements as stmt;
use crate::ddl::quote_ident;
use crate::error::{Error, Result};
use crate::fragment::BindValue;
use crate::Point;

/// What a spatial search asks: the rows whose POINT `column` is nearest to `point`
/// (only those within `within`, when given), nearest first, at most `limit`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialSearch {
    /// The table.
    pub table: String,
    /// The POINT column.
    pub column: String,
    /// The point distances are measured from.
    pub point: Point,
    /// Keep only rows within this distance (`_st_dwithin`, which a SPATIAL index serves).
    pub within: Option<f64>,
    /// At most this many rows.
    pub limit: usize,
    /// Columns to return (empty: every column); each row also gets `distance`.
    pub output_columns: Vec<String>,
}

impl SpatialSearch {
    /// The nearest `limit` rows of `table` to `point` by `column`, every column returned.
    pub fn new(table: &str, column: &str, point: Point, limit: usize) -> Self {
        SpatialSearch {
            table: table.to_string(),
            column: column.to_string(),
            point,
            within: None,
            limit,
            output_columns: Vec::new(),
        }
    }

    /// Only rows within `distance` of the point.
    pub fn within(mut self, distance: f64) -> Self {
        self.within = Some(distance);
        self
    }

    /// The columns to return.
    pub fn output_columns(mut self, columns: &[&str]) -> Self {
        self.output_columns = columns.iter().map(|c| c.to_string()).collect();
        self
    }
}

/// `SELECT <columns>, st_distance(col, p) AS distance FROM t [WHERE _st_dwithin(col, p, d)]
/// ORDER BY distance LIMIT k`.
pub(crate) fn spatial_search<'a>(search: SpatialSearch) -> Result<Op<'a, Rows>> {
    search
        .point
        .validate()
        .map_err(|e| Error::validation("point", e.to_string()))?;
    if search.limit == 0 {
        return Err(Error::validation("limit", "must be at least 1"));
    }
    if let Some(d) = search.within {
        if !d.is_finite() || d < 0.0 {
            return Err(Error::validation(
                "within",
                format!("{d} is not a finite, non-negative distance"),
            ));
        }
    }
    let table = search.table.clone();
    Op::with_table(&table, move |info| {
        let column = info.require_column("column", &search.column)?;
        if column.kind != ColumnKind::Point {
            return Err(Error::validation(
                "column",
                format!(
                    "column `{}` is {}, not a POINT",
                    column.name, column.column_type
                ),
            ));
        }
        let col = quote_ident(&column.name);
        let mut items = Vec::new();
        if search.output_columns.is_empty() {
            items.extend(info.columns.iter().map(super::gis::select_item));
        } else {
            for name in &search.output_columns {
                items.push(super::gis::select_item(
                    info.require_column("output_columns", name)?,
                ));
            }
        }
        let mut q = DynQuery::new();
        q.sql(format!("SELECT {}, st_distance({col}, ", items.join(", ")))
            .bind(BindValue::Point(search.point))
            .sql(format!(") AS `distance` FROM {}", quote_ident(&info.name)));
        if let Some(d) = search.within {
            q.sql(format!(" WHERE _st_dwithin({col}, "))
                .bind(BindValue::Point(search.point))
                .sql(", ")
                .bind(BindValue::Float(d))
                .sql(")");
        }
        q.sql(" ORDER BY `distance` LIMIT ").bind(BindValue::Int(
            i64::try_from(search.limit).unwrap_or(i64::MAX),
        ));
        Op::run(Plan::new(vec![Statement::Load(q)], move |out| {
            stmt::json_rows(&info, rows(out))
        }))
    })
}
