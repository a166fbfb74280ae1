//! The statements of a bulk load job ([`super::bulk_job`]): what it reads about the
//! table, and the `INSERT` / `LOAD DATA` it sends.

use serde_json::Value;

use super::bulk_encode::RowEncoder;
use super::bulk_job::StepOut;
use super::plan::{rows, Op, Output, Plan, Statement};
use super::query::DynQuery;
use crate::ddl::quote_ident;
use crate::error::{Error, Result};

pub(super) fn insert_head(staging: &str, encoder: &RowEncoder) -> String {
    let names: Vec<String> = encoder
        .columns()
        .iter()
        .map(|c| quote_ident(&c.name))
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES ",
        quote_ident(staging),
        names.join(", ")
    )
}

pub(super) fn load_data_sql(
    path: &std::path::Path,
    staging: &str,
    encoder: &RowEncoder,
) -> Result<String> {
    let path = path
        .to_str()
        .filter(|p| !p.contains(['\'', '\\', '\0']))
        .ok_or_else(|| {
            Error::validation(
                "temp_dir",
                "the load file's path must be UTF-8 without quotes or backslashes",
            )
        })?;
    let names: Vec<String> = encoder
        .columns()
        .iter()
        .map(|c| quote_ident(&c.name))
        .collect();
    Ok(format!(
        "LOAD DATA /*+ direct(true, 0) */ LOCAL INFILE '{path}' INTO TABLE {} \
         CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' \
         LINES TERMINATED BY '\\n' ({})",
        quote_ident(staging),
        names.join(", ")
    ))
}

/// The table's description, definition, row count and session timeouts.
pub(super) fn describe(table: &str) -> Result<Op<'static, StepOut>> {
    Op::with_table(table, move |info| {
        let name = quote_ident(&info.name);
        let mut count = DynQuery::new();
        count.sql(format!("SELECT COUNT(*) AS `n` FROM {name}"));
        let mut timeouts = DynQuery::new();
        timeouts.sql("SELECT @@ob_query_timeout AS `q`, @@ob_trx_timeout AS `t`");
        let statements = vec![
            Statement::Raw(format!("SHOW CREATE TABLE {name}")),
            Statement::Load(count),
            Statement::Load(timeouts),
        ];
        Op::run(Plan::new(statements, move |out| {
            let mut out = out.into_iter();
            let mut one = |what: &'static str| -> Result<serde_json::Map<String, Value>> {
                let rows = rows(out.next().into_iter().collect::<Vec<Output>>());
                rows.into_iter()
                    .next()
                    .map(|r| r.into_inner())
                    .ok_or_else(|| Error::decode("bulk load", format!("{what} returned no row")))
            };
            let create = one("SHOW CREATE TABLE")?;
            let create_sql = create
                .get("Create Table")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::decode("bulk load", "SHOW CREATE TABLE without its text"))?
                .to_string();
            let existing = number(&one("COUNT(*)")?, "n")? as u64;
            let t = one("timeouts")?;
            Ok(StepOut::Described {
                info,
                create_sql,
                existing,
                timeouts: (number(&t, "q")?, number(&t, "t")?),
            })
        }))
    })
}

fn number(row: &serde_json::Map<String, Value>, key: &str) -> Result<i64> {
    row.get(key)
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .ok_or_else(|| Error::decode("bulk load", format!("`{key}` is not a number")))
}

pub(super) fn count(table: &str) -> Result<Op<'static, StepOut>> {
    let mut q = DynQuery::new();
    q.sql(format!(
        "SELECT COUNT(*) AS `n` FROM {}",
        quote_ident(table)
    ));
    Op::run(Plan::new(vec![Statement::Load(q)], |out| {
        let rows = rows(out);
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| Error::decode("bulk load", "COUNT(*) returned no row"))?;
        Ok(StepOut::Count(number(&row.into_inner(), "n")? as u64))
    }))
}
