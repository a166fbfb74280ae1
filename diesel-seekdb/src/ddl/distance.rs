//! [`Distance`]: the one distance enum of the DSL, the clients and the DDL.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// A vector distance: what a search orders by and what an index is built for.
///
/// Searches use all five; an index (`distance=` of `VECTOR INDEX`) is built for one of
/// the three metrics [`Distance::index_distance`] names, which is what each search
/// distance needs to use the index (`l2_squared` uses an `l2` index,
/// `negative_inner_product` an `inner_product` one).
///
/// ```
/// use diesel_seekdb::ddl::Distance;
/// assert_eq!("IP".parse::<Distance>()?, Distance::InnerProduct);
/// assert_eq!(Distance::L2Squared.index_distance(), "l2");
/// assert_eq!(Distance::Cosine.to_string(), "cosine");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Distance {
    /// `l2_distance`; index metric `l2`.
    L2,
    /// `l2_squared` (uses an `l2` index).
    L2Squared,
    /// `cosine_distance`; index metric `cosine`. A zero query vector is refused and
    /// rows whose stored vector is zero (NULL distance) are left out.
    Cosine,
    /// Inner product, larger = more similar; index metric `inner_product`. Searches
    /// order by `negative_inner_product` ascending so the index is used; the reported
    /// distance is the inner product itself and a threshold means "at least".
    InnerProduct,
    /// `negative_inner_product` (uses an `inner_product` index); smaller = more similar.
    NegativeInnerProduct,
}

impl Distance {
    /// Every distance.
    pub const ALL: [Distance; 5] = [
        Distance::L2,
        Distance::L2Squared,
        Distance::Cosine,
        Distance::InnerProduct,
        Distance::NegativeInnerProduct,
    ];

    /// The distance's name: `l2`, `l2_squared`, `cosine`, `inner_product`,
    /// `negative_inner_product`.
    pub fn as_str(self) -> &'static str {
        match self {
            Distance::L2 => "l2",
            Distance::L2Squared => "l2_squared",
            Distance::Cosine => "cosine",
            Distance::InnerProduct => "inner_product",
            Distance::NegativeInnerProduct => "negative_inner_product",
        }
    }

    /// The index metric (`l2`, `cosine`, `inner_product`) this distance searches with:
    /// the `distance=` a `VECTOR INDEX` for it is built with.
    pub fn index_distance(self) -> &'static str {
        match self {
            Distance::L2 | Distance::L2Squared => "l2",
            Distance::Cosine => "cosine",
            Distance::InnerProduct | Distance::NegativeInnerProduct => "inner_product",
        }
    }

    /// The SQL function a search orders by (ascending).
    pub(crate) fn order_fn(self) -> &'static str {
        match self {
            Distance::L2 => "l2_distance",
            Distance::L2Squared => "l2_squared",
            Distance::Cosine => "cosine_distance",
            Distance::InnerProduct | Distance::NegativeInnerProduct => "negative_inner_product",
        }
    }

    /// The SQL function whose value a search reports.
    pub(crate) fn output_fn(self) -> &'static str {
        match self {
            Distance::InnerProduct => "inner_product",
            other => other.order_fn(),
        }
    }

    /// Parses pyobvector / Milvus / seekdb names, any case: `l2` / `l2_distance` /
    /// `euclidean`, `l2_squared`, `cosine` / `cosine_distance` / `cos`, `ip` /
    /// `inner_product`, `neg_ip` / `negative_inner_product`.
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "l2" | "l2_distance" | "euclidean" => Distance::L2,
            "l2_squared" => Distance::L2Squared,
            "cosine" | "cosine_distance" | "cos" => Distance::Cosine,
            "ip" | "inner_product" => Distance::InnerProduct,
            "neg_ip" | "negative_inner_product" => Distance::NegativeInnerProduct,
            other => {
                return Err(Error::validation(
                    "metric_type",
                    format!(
                        "unknown metric `{other}`; expected l2, l2_squared, cosine, ip or neg_ip"
                    ),
                ))
            }
        })
    }

    /// Parses an index metric (pymilvus's `metric_type`): `l2`, `ip` / `inner_product`
    /// or `cosine`, any case. Search-only names (`neg_ip`, `l2_squared`) are refused,
    /// as Milvus refuses them.
    pub fn parse_metric(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "l2" => Ok(Distance::L2),
            "ip" | "inner_product" => Ok(Distance::InnerProduct),
            "cosine" => Ok(Distance::Cosine),
            _ => Err(Error::validation(
                "metric_type",
                format!("unknown metric type {name:?}; expected L2, IP (inner_product) or COSINE"),
            )),
        }
    }
}

impl FromStr for Distance {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for Distance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
#[path = "distance_tests.rs"]
mod tests;
