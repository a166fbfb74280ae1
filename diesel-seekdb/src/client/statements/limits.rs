//! How much one statement may carry.

use serde_json::Value;

use crate::fragment::BindValue;
use crate::row::JsonRow;

/// What one statement may carry: the server's `max_allowed_packet` and the protocol's
/// placeholder count. Larger writes are split into several statements in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatementLimits {
    /// Estimated bytes (SQL text plus bound values) per statement.
    pub(crate) max_bytes: usize,
    /// Placeholders per statement.
    pub(crate) max_binds: usize,
}

/// Reads the server's packet limit; run once per client and cached.
pub(crate) const MAX_ALLOWED_PACKET_SQL: &str = "SELECT @@max_allowed_packet AS `value`";

/// seekdb's and MySQL's default `max_allowed_packet`, used until the server has answered.
pub(crate) const DEFAULT_MAX_ALLOWED_PACKET: u64 = 16 * 1024 * 1024;

impl StatementLimits {
    /// Limits for a server whose `max_allowed_packet` is `packet` bytes. Half of it is
    /// used: the size is an estimate, and the protocol adds per-value headers.
    pub(crate) fn for_packet(packet: u64) -> Self {
        let half = usize::try_from(packet / 2).unwrap_or(usize::MAX);
        StatementLimits {
            max_bytes: half.max(4096),
            max_binds: crate::client::query::BIND_BUDGET,
        }
    }

    /// `@@max_allowed_packet` as a row of [`MAX_ALLOWED_PACKET_SQL`] gave it.
    pub(crate) fn from_rows(rows: &[JsonRow]) -> Self {
        let packet = rows
            .first()
            .and_then(|r| r.get("value"))
            .and_then(|v| match v {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            })
            .unwrap_or(DEFAULT_MAX_ALLOWED_PACKET);
        Self::for_packet(packet)
    }
}

/// An upper bound on what `value` adds to a statement: its encoding plus the
/// placeholder text and the protocol's type and length bytes.
pub(super) fn bind_bytes(value: Option<&BindValue>) -> usize {
    const OVERHEAD: usize = 16;
    OVERHEAD
        + match value {
            None | Some(BindValue::Null | BindValue::Bool(_)) => 8,
            Some(BindValue::Int(_) | BindValue::UInt(_) | BindValue::Float(_)) => 8,
            Some(BindValue::Text(t)) => t.len(),
            // A float's shortest text is at most 15 bytes ("-1.1754944e-38") plus a comma.
            Some(BindValue::Vector(v)) => v.len() * 16 + 2,
            Some(BindValue::Json(j)) => j.to_string().len(),
            // WKB, SRID and the `ST_GeomFromWKB(?, ?)` around them.
            Some(BindValue::Point(_)) => 64,
        }
}
