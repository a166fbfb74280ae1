//! Session variables that tune vector search on one connection.

use diesel::connection::LoadConnection;
use diesel::mysql::Mysql;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};

use crate::error::{Error, Result};

/// Range seekdb accepts for `ob_hnsw_ef_search`.
pub const EF_SEARCH_RANGE: std::ops::RangeInclusive<u32> = 1..=160_000;
/// Range seekdb accepts for `ob_ivf_nprobes`.
pub const IVF_NPROBES_RANGE: std::ops::RangeInclusive<u32> = 1..=65_536;

/// Session settings for vector search, applied with [`SessionSettings::apply`].
///
/// ```
/// use diesel_seekdb::SessionSettings;
/// let s = SessionSettings::new().ef_search(100).ivf_nprobes(16);
/// assert_eq!(s.to_sql().unwrap(), "SET @@ob_hnsw_ef_search = 100, @@ob_ivf_nprobes = 16");
/// assert!(SessionSettings::new().ef_search(0).to_sql().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionSettings {
    ef_search: Option<u32>,
    ivf_nprobes: Option<u32>,
}

impl SessionSettings {
    /// No settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// HNSW `ob_hnsw_ef_search` (1..=160000; larger = better recall, slower).
    pub fn ef_search(mut self, ef_search: u32) -> Self {
        self.ef_search = Some(ef_search);
        self
    }

    /// IVF `ob_ivf_nprobes` (1..=65536; lists probed per query).
    pub fn ivf_nprobes(mut self, nprobes: u32) -> Self {
        self.ivf_nprobes = Some(nprobes);
        self
    }

    /// The `SET` statement, after range checks; `None` settings are left out.
    pub fn to_sql(&self) -> Result<String> {
        let mut parts = Vec::new();
        if let Some(ef) = self.ef_search {
            check_range("ef_search", ef, EF_SEARCH_RANGE)?;
            parts.push(format!("@@ob_hnsw_ef_search = {ef}"));
        }
        if let Some(n) = self.ivf_nprobes {
            check_range("ivf_nprobes", n, IVF_NPROBES_RANGE)?;
            parts.push(format!("@@ob_ivf_nprobes = {n}"));
        }
        Ok(if parts.is_empty() {
            String::new()
        } else {
            format!("SET {}", parts.join(", "))
        })
    }

    /// Applies the settings to `conn`'s session.
    pub fn apply<C>(&self, conn: &mut C) -> Result<()>
    where
        C: diesel::Connection<Backend = Mysql>,
    {
        let sql = self.to_sql()?;
        if !sql.is_empty() {
            conn.batch_execute(&sql)?;
        }
        Ok(())
    }
}

fn check_range(parameter: &str, value: u32, range: std::ops::RangeInclusive<u32>) -> Result<()> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(Error::validation(
            parameter,
            format!(
                "{value} is outside seekdb's range {}..={}",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// One row of `SELECT @@variable AS value`.
#[derive(QueryableByName)]
pub(crate) struct Setting {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// The statement that reads session variable `variable`.
pub(crate) fn setting_sql(variable: &str) -> String {
    format!("SELECT @@{variable} AS value")
}

/// The value of `variable` from the rows [`setting_sql`] returned: an error, never a
/// made-up 0, when no row came back or the value does not fit.
pub(crate) fn setting_value(variable: &str, rows: Vec<Setting>) -> Result<u32> {
    let Some(row) = rows.into_iter().next() else {
        return Err(Error::decode(
            "session variable",
            format!("SELECT @@{variable} returned no row"),
        ));
    };
    u32::try_from(row.value)
        .map_err(|_| Error::decode("session variable", format!("{variable} = {}", row.value)))
}

/// [`setting_value`] over rows read as JSON (the clients' plans read every row so).
pub(crate) fn setting_value_json(variable: &str, rows: Vec<crate::row::JsonRow>) -> Result<u32> {
    let mut settings = Vec::with_capacity(rows.len());
    for row in rows {
        let value = row
            .get("value")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| {
                Error::decode("session variable", format!("{variable} is not an integer"))
            })?;
        settings.push(Setting { value });
    }
    setting_value(variable, settings)
}

fn read_setting<C>(conn: &mut C, variable: &'static str) -> Result<u32>
where
    C: LoadConnection<Backend = Mysql>,
{
    let rows: Vec<Setting> = diesel::sql_query(setting_sql(variable)).load(conn)?;
    setting_value(variable, rows)
}

/// Sets `ob_hnsw_ef_search` for this connection's session.
pub fn set_ef_search<C>(conn: &mut C, ef_search: u32) -> Result<()>
where
    C: diesel::Connection<Backend = Mysql>,
{
    SessionSettings::new().ef_search(ef_search).apply(conn)
}

/// Reads `ob_hnsw_ef_search` (seekdb's default is 64).
pub fn ef_search<C>(conn: &mut C) -> Result<u32>
where
    C: LoadConnection<Backend = Mysql>,
{
    read_setting(conn, "ob_hnsw_ef_search")
}

/// Sets `ob_ivf_nprobes` for this connection's session.
pub fn set_ivf_nprobes<C>(conn: &mut C, nprobes: u32) -> Result<()>
where
    C: diesel::Connection<Backend = Mysql>,
{
    SessionSettings::new().ivf_nprobes(nprobes).apply(conn)
}

/// Reads `ob_ivf_nprobes` (seekdb's default is 8).
pub fn ivf_nprobes<C>(conn: &mut C) -> Result<u32>
where
    C: LoadConnection<Backend = Mysql>,
{
    read_setting(conn, "ob_ivf_nprobes")
}

/// Applies the settings once, when an r2d2 pool opens a connection:
/// `Pool::builder().connection_customizer(Box::new(SessionSettings::new().ef_search(100)))`.
///
/// **Leaks settings; kept only for existing code.** A setting a borrower changes on a
/// checked-out connection goes back into the pool with it and the next borrower gets
/// it, since r2d2 runs a customizer only when a connection is opened. Use
/// [`SessionManager`](crate::SessionManager) (with
/// [`ObVecClient::from_session_pool`](crate::ObVecClient::from_session_pool)), whose
/// checkout check is the `SET` itself.
impl diesel::r2d2::CustomizeConnection<diesel::MysqlConnection, diesel::r2d2::Error>
    for SessionSettings
{
    fn on_acquire(&self, conn: &mut diesel::MysqlConnection) -> Result<(), diesel::r2d2::Error> {
        self.apply(conn).map_err(|e| match e {
            Error::Diesel(d) => diesel::r2d2::Error::QueryError(d),
            other => diesel::r2d2::Error::QueryError(diesel::result::Error::QueryBuilderError(
                Box::new(other),
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_setting_row_is_an_error_not_zero() {
        let err = setting_value("ob_hnsw_ef_search", Vec::new()).unwrap_err();
        assert!(err.to_string().contains("returned no row"), "{err}");
        let rows = vec![Setting { value: 100 }];
        assert_eq!(setting_value("ob_hnsw_ef_search", rows).unwrap(), 100);
        let rows = vec![Setting { value: -1 }];
        assert!(setting_value("ob_hnsw_ef_search", rows).is_err());
    }
}
