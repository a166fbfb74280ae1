//! [`VectorIndex::validate`]: the builder's settings checked against the shared rule
//! table, so the runtime and `#[derive(SeekdbTable)]` accept exactly the same indexes.

use diesel_seekdb_rules::index::{check_settings, ParamValue, Settings};
use diesel_seekdb_rules::Violation;

use super::{VectorIndex, MAX_LOB_INROW_THRESHOLD};
use crate::ddl::ident::{validate_ident, IdentKind};
use crate::{Error, Result};

fn violation(v: Violation) -> Error {
    Error::validation(v.parameter, v.reason)
}

impl VectorIndex {
    /// Checks every rule of [`diesel_seekdb_rules::index`]: the parameters this kind
    /// takes and their ranges, the library and distance, and the rules between
    /// parameters and the column's dimension (when [`VectorIndex::dim`] is known).
    pub fn validate(&self) -> Result<()> {
        validate_ident("index_name", &self.name, IdentKind::Index)?;
        validate_ident("column", &self.column, IdentKind::Column)?;
        let kind = self.index_type.rules();
        if let Some(lib) = self.lib {
            kind.check("lib", ParamValue::Word(lib.as_str()))
                .map_err(violation)?;
        }
        let distance = self.distance.index_distance();
        if !kind.accepts_distance(distance) {
            return Err(Error::validation(
                "distance",
                format!(
                    "{} indexes support only {}, not {distance}",
                    kind.name,
                    kind.distances.join(", ")
                ),
            ));
        }
        // Which parameters the kind takes first, then their values: the first error
        // names a parameter that does not belong before one that is out of range.
        let values = self.param_values();
        if let Some((name, value)) = values.iter().find(|(n, _)| kind.param(n).is_none()) {
            kind.check(name, *value).map_err(violation)?;
        }
        for (name, value) in values {
            kind.check(name, value).map_err(violation)?;
        }
        if kind.sparse && self.dim.is_some() {
            return Err(Error::validation(
                "index_type",
                "sindi indexes SPARSEVECTOR columns, not dense VECTOR(n) columns",
            ));
        }
        if let Some(lob) = self.lob_inrow_threshold {
            if lob > MAX_LOB_INROW_THRESHOLD {
                return Err(Error::validation(
                    "lob_inrow_threshold",
                    format!("{lob} is out of range: seekdb accepts 0..={MAX_LOB_INROW_THRESHOLD}"),
                ));
            }
        }
        let settings = Settings {
            m: self.m.map(u64::from),
            ef_construction: self.ef_construction.map(u64::from),
            prune: self.prune,
            refine: self.refine,
            drop_ratio_build: self.drop_ratio_build,
            dim: self.dim,
            lob_inrow_threshold: self.lob_inrow_threshold.map(u64::from),
        };
        check_settings(kind, &settings).map_err(violation)
    }
}
