//! Which server a connection talks to (seekdb or OceanBase, and their versions), and
//! the features that need a newer one.
//!
//! The clients read it once (on first need) and refuse a feature the server lacks with
//! [`Error::NotSupported`] naming the version it needs, instead of passing the server's
//! syntax error through. The SQL of those features still renders (for a newer server
//! and for string tests). Typed-DSL users ask [`server_info`] and
//! [`ServerInfo::require`] themselves.
//!
//! ```
//! use diesel_seekdb::server::{Feature, Flavor, ServerInfo};
//! let seekdb = ServerInfo::parse(
//!     "5.7.25-OceanBase seekdb-v1.4.0.0",
//!     "OceanBase 4.3.5.3 seekdb (r1.4.0.0) (Built 1-d0cb Sep  8 2026)",
//! );
//! assert_eq!(seekdb.flavor(), Flavor::Seekdb);
//! assert_eq!(seekdb.kernel_version(), Some((4, 3, 5)));
//! let err = seekdb.require(Feature::AnalyzerParser).unwrap_err();
//! assert!(err.to_string().contains("OceanBase 4.6"), "{err}");
//! let ob = ServerInfo::parse("5.7.25-OceanBase-v4.6.0.0", "OceanBase 4.6.0.0 (r1) (Built ...)");
//! assert_eq!(ob.flavor(), Flavor::OceanBase);
//! assert!(ob.require(Feature::HybridSearchTable).is_ok());
//! ```

use diesel::MysqlConnection;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::row::JsonRow;

/// The statement that identifies the server.
pub const SERVER_INFO_SQL: &str = "SELECT VERSION() AS `version`, @@version_comment AS `comment`";

/// The kind of server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flavor {
    /// OceanBase seekdb (the single-node edition).
    Seekdb,
    /// An OceanBase cluster (community or enterprise edition).
    OceanBase,
    /// Anything else speaking the MySQL protocol (MySQL, MariaDB, ...).
    Other,
}

/// A server feature that not every seekdb/OceanBase version has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Feature {
    /// The full-text `analyzer` parser (`WITH PARSER analyzer PARSER_PROPERTIES=(analysis = ...)`).
    AnalyzerParser,
    /// The `HYBRID_SEARCH(TABLE t, dsl)` table function (pyobvector's `sql_search`).
    HybridSearchTable,
}

impl Feature {
    /// The OceanBase kernel version that introduced the feature.
    pub fn kernel_needed(self) -> (u32, u32, u32) {
        match self {
            Feature::AnalyzerParser | Feature::HybridSearchTable => (4, 6, 0),
        }
    }

    /// What the feature is called in messages.
    pub fn name(self) -> &'static str {
        match self {
            Feature::AnalyzerParser => "the full-text `analyzer` parser",
            Feature::HybridSearchTable => "the `HYBRID_SEARCH(TABLE ...)` table function",
        }
    }
}

/// What [`SERVER_INFO_SQL`] told about the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    flavor: Flavor,
    version: String,
    comment: String,
    kernel: Option<(u32, u32, u32)>,
}

/// `4.3.5.3` as (4, 3, 5).
fn triple(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim_start_matches(['v', 'V']).split('.');
    let mut next = || -> Option<u32> {
        let p = parts.next()?;
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let major = next()?;
    Some((major, next().unwrap_or(0), next().unwrap_or(0)))
}

impl ServerInfo {
    /// Reads `VERSION()` and `@@version_comment`. seekdb's comment names the OceanBase
    /// kernel it is built on (`OceanBase 4.3.5.3 seekdb (r1.4.0.0)`); an OceanBase
    /// cluster's names its own version (`OceanBase_CE 4.3.5.0 (r...)`).
    pub fn parse(version: &str, comment: &str) -> Self {
        let flavor = if version.contains("seekdb") || comment.contains("seekdb") {
            Flavor::Seekdb
        } else if version.contains("OceanBase") || comment.contains("OceanBase") {
            Flavor::OceanBase
        } else {
            Flavor::Other
        };
        let mut words = comment.split_whitespace();
        let kernel = match flavor {
            Flavor::Other => None,
            _ => words
                .by_ref()
                .find(|w| w.starts_with("OceanBase"))
                .and_then(|_| words.next())
                .and_then(triple)
                // `5.7.25-OceanBase-v4.3.5.0`: the part after the last `-v`.
                .or_else(|| version.rsplit_once("-v").and_then(|(_, v)| triple(v))),
        };
        ServerInfo {
            flavor,
            version: version.to_string(),
            comment: comment.to_string(),
            kernel,
        }
    }

    /// seekdb, OceanBase or another server.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// `VERSION()` as the server gave it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `@@version_comment` as the server gave it.
    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// The OceanBase kernel version (major, minor, patch); seekdb 1.4 runs on 4.3.5.
    pub fn kernel_version(&self) -> Option<(u32, u32, u32)> {
        self.kernel
    }

    /// seekdb's own release (`1.4.0` of `seekdb-v1.4.0.0`).
    pub fn seekdb_version(&self) -> Option<(u32, u32, u32)> {
        let (_, v) = self.version.split_once("seekdb-v")?;
        triple(v)
    }

    /// Whether the server has `feature`.
    pub fn supports(&self, feature: Feature) -> bool {
        self.kernel.is_some_and(|k| k >= feature.kernel_needed())
    }

    /// `Ok` when the server has `feature`, else [`Error::NotSupported`] naming the
    /// version needed and the server found.
    pub fn require(&self, feature: Feature) -> Result<()> {
        if self.supports(feature) {
            return Ok(());
        }
        let (major, minor, _) = feature.kernel_needed();
        let found = match (self.flavor, self.kernel) {
            (Flavor::Seekdb, Some((a, b, c))) => {
                format!(
                    "this server is {} (OceanBase {a}.{b}.{c} kernel)",
                    self.version
                )
            }
            (_, Some((a, b, c))) => format!("this server is OceanBase {a}.{b}.{c}"),
            (_, None) => format!("this server is `{}`", self.version),
        };
        Err(Error::NotSupported {
            feature: feature.name().to_string(),
            reason: format!("it needs OceanBase {major}.{minor} or later; {found}"),
        })
    }

    /// Reads the row of [`SERVER_INFO_SQL`].
    pub(crate) fn from_rows(rows: &[JsonRow]) -> Result<Self> {
        let text = |name: &str| -> Option<String> {
            match rows.first()?.get(name)? {
                Value::String(s) => Some(s.clone()),
                Value::Null => Some(String::new()),
                other => Some(other.to_string()),
            }
        };
        let version = text("version")
            .ok_or_else(|| Error::decode("server version", "VERSION() returned no row"))?;
        Ok(Self::parse(&version, &text("comment").unwrap_or_default()))
    }
}

/// Asks the server on `conn` what it is (clients cache this; call it once per
/// connection).
pub fn server_info(conn: &mut MysqlConnection) -> Result<ServerInfo> {
    let op = crate::client::plan::Op::run(crate::client::ops_server::read_server());
    crate::client::exec_on_mysql(conn, op, crate::upkeep::IndexBusyRetry::NONE)
}

/// [`server_info`] on diesel-async's connection.
#[cfg(feature = "async")]
pub async fn server_info_async(
    conn: &mut diesel_async::AsyncMysqlConnection,
) -> Result<ServerInfo> {
    let op = crate::client::plan::Op::run(crate::client::ops_server::read_server());
    crate::client::exec_on_retrying(conn, op, crate::upkeep::IndexBusyRetry::NONE).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_each_kind_of_server() {
        let ce = ServerInfo::parse(
            "5.7.25-OceanBase_CE-v4.2.1.0",
            "OceanBase_CE 4.2.1.0 (r100000032024011910-ab7d7b3) (Built Jan 19 2024)",
        );
        assert_eq!(ce.flavor(), Flavor::OceanBase);
        assert_eq!(ce.kernel_version(), Some((4, 2, 1)));
        assert!(!ce.supports(Feature::AnalyzerParser));
        let bare = ServerInfo::parse("5.7.25-OceanBase-v4.6.1.0", "");
        assert_eq!(bare.kernel_version(), Some((4, 6, 1)));
        assert!(bare.supports(Feature::AnalyzerParser));
        let mysql = ServerInfo::parse("8.0.36", "MySQL Community Server - GPL");
        assert_eq!(
            (mysql.flavor(), mysql.kernel_version()),
            (Flavor::Other, None)
        );
        let e = mysql.require(Feature::HybridSearchTable).unwrap_err();
        assert!(e
            .to_string()
            .contains("needs OceanBase 4.6 or later; this server is `8.0.36`"));
        let seekdb = ServerInfo::parse(
            "5.7.25-OceanBase seekdb-v1.4.0.0",
            "OceanBase 4.3.5.3 seekdb (r1.4.0.0) (Built 1-d0cb Sep  8 2026)",
        );
        assert_eq!(seekdb.seekdb_version(), Some((1, 4, 0)));
        let e = seekdb.require(Feature::HybridSearchTable).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the `HYBRID_SEARCH(TABLE ...)` table function is not supported: it needs \
             OceanBase 4.6 or later; this server is 5.7.25-OceanBase seekdb-v1.4.0.0 \
             (OceanBase 4.3.5 kernel)"
        );
    }
}
