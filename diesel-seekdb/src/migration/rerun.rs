//! Making builder migrations safe to run again after they failed half-way.
//!
//! seekdb commits each DDL statement on its own, so when step 2 of a migration fails,
//! step 1 stays applied and the version is not recorded; running the migration again
//! would fail on step 1 ("already exists"). Each builder step therefore renders a form
//! that a re-run passes over (checked statement by statement on seekdb 1.4):
//!
//! | step | seekdb 1.4 | re-run form |
//! |---|---|---|
//! | `CREATE TABLE` | `IF NOT EXISTS` works | `CREATE TABLE IF NOT EXISTS` |
//! | `DROP TABLE` | `IF EXISTS` works | `DROP TABLE IF EXISTS` |
//! | `CREATE VECTOR INDEX` | `IF NOT EXISTS` parses, but a second run fails (1235) | skipped when the index exists |
//! | `CREATE FULLTEXT INDEX` | `IF NOT EXISTS` works | skipped when the index exists |
//! | `DROP INDEX` | no `IF EXISTS` (1064) | skipped when the index is gone |
//! | `ALTER TABLE ADD/DROP COLUMN` | no `IF [NOT] EXISTS` (1064) | skipped when its first action is in place |
//! | [`RawSql`](super::RawSql) | - | run as written |
//!
//! The checks read `information_schema` on the migration's connection just before the
//! step (Diesel's `MysqlConnection`; other connection types run every step).

use diesel::connection::BoxableConnection;
use diesel::mysql::Mysql;
use diesel::{MysqlConnection, RunQueryDsl};
use serde_json::Value;

use crate::ddl::quote_string;
use crate::errno::SeekdbResultExt;
use crate::row::JsonRow;
use crate::Result;

/// `n` = 1 when `index` exists on `table` of the current database.
pub(super) fn index_exists(table: &str, index: &str) -> String {
    format!(
        "SELECT CASE WHEN COUNT(*) > 0 THEN 1 ELSE 0 END AS n FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND INDEX_NAME = {}",
        quote_string(table),
        quote_string(index)
    )
}

/// `n` = 1 when `index` is not on `table` (or the table is gone).
pub(super) fn index_missing(table: &str, index: &str) -> String {
    format!(
        "SELECT CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END AS n FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND INDEX_NAME = {}",
        quote_string(table),
        quote_string(index)
    )
}

/// `n` = 1 when `column` of `table` exists (`present`) or is gone (`!present`).
pub(super) fn column_is(table: &str, column: &str, present: bool) -> String {
    format!(
        "SELECT CASE WHEN COUNT(*) {} 0 THEN 1 ELSE 0 END AS n FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND COLUMN_NAME = {}",
        if present { ">" } else { "=" },
        quote_string(table),
        quote_string(column)
    )
}

/// Whether `check` says the step is already applied; `None` when the connection is
/// not Diesel's `MysqlConnection` (the step then runs).
pub(super) fn already_applied(
    conn: &mut dyn BoxableConnection<Mysql>,
    check: &str,
) -> Option<Result<bool>> {
    let mysql = conn.as_any_mut().downcast_mut::<MysqlConnection>()?;
    let rows: Result<Vec<JsonRow>> = diesel::sql_query(check).load(mysql).with_errno(mysql);
    Some(rows.map(|rows| {
        rows.first()
            .and_then(|r| r.get("n"))
            .is_some_and(|n| match n {
                Value::Number(n) => n.as_i64() == Some(1),
                Value::String(s) => s.trim() == "1",
                _ => false,
            })
    }))
}
