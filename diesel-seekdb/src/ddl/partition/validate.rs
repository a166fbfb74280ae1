//! Checks a partitioning spec before it is rendered.

use super::super::ident::{eq_ci, validate_ident, IdentKind};
use super::def::Bound;
use super::value::validate_expr;
use super::{Partition, PartitionExpr, PartitionKind, PartitionValue};
use crate::{Error, Result};

impl Partition {
    fn validate_level(&self, level: &str, is_sub: bool) -> Result<()> {
        let k = self.kind;
        let p = |what: &str| format!("{level}.{what}");
        match &self.expr {
            Some(PartitionExpr::Column(c)) => validate_ident(&p("column"), c, IdentKind::Column)?,
            Some(PartitionExpr::Expr(e)) => validate_expr(&p("expr"), e)?,
            None => {}
        }
        if k.uses_columns() {
            if self.columns.is_empty() && k != PartitionKind::Key {
                return Err(Error::validation(
                    p("columns"),
                    format!("{} needs at least one column", k.keyword()),
                ));
            }
            for (i, c) in self.columns.iter().enumerate() {
                validate_ident(&p(&format!("columns[{i}]")), c, IdentKind::Column)?;
            }
        }
        if let Some(n) = self.count {
            if !matches!(k, PartitionKind::Hash | PartitionKind::Key) {
                return Err(Error::validation(
                    p("partitions"),
                    format!(
                        "a partition count applies to HASH and KEY, not {}",
                        k.keyword()
                    ),
                ));
            }
            if n == 0 {
                return Err(Error::validation(p("partitions"), "must be at least 1"));
            }
            if !self.defs.is_empty() {
                return Err(Error::validation(
                    p("partitions"),
                    "give either a partition count or named partitions, not both",
                ));
            }
        }
        if (k.is_range() || k.is_list())
            && self.defs.is_empty()
            && !(is_sub && self.count.is_none())
        {
            return Err(Error::validation(
                p("partitions"),
                format!("{} partitioning needs at least one partition", k.keyword()),
            ));
        }
        let ncols = if k.uses_columns() {
            self.columns.len()
        } else {
            1
        };
        for (i, d) in self.defs.iter().enumerate() {
            let dp = p(&format!("partitions[{i}]"));
            validate_ident(&format!("{dp}.name"), &d.name, IdentKind::Partition)?;
            if self.defs[..i].iter().any(|o| eq_ci(&o.name, &d.name)) {
                return Err(Error::validation(
                    format!("{dp}.name"),
                    format!("partition name {:?} is used twice", d.name),
                ));
            }
            if is_sub && !d.subpartitions.is_empty() {
                return Err(Error::validation(
                    format!("{dp}.subpartitions"),
                    "at most two partition levels",
                ));
            }
            match (&d.bound, k) {
                (Bound::LessThan(v), PartitionKind::Range | PartitionKind::RangeColumns) => {
                    if v.len() != ncols {
                        return Err(Error::validation(
                            dp,
                            format!("VALUES LESS THAN needs {ncols} value(s), got {}", v.len()),
                        ));
                    }
                    for x in v {
                        if matches!(x, PartitionValue::Default | PartitionValue::Tuple(_)) {
                            return Err(Error::validation(
                                dp,
                                "range bounds are values or MAXVALUE",
                            ));
                        }
                        x.validate(&dp)?;
                    }
                }
                (Bound::In(v), PartitionKind::List | PartitionKind::ListColumns) => {
                    if v.is_empty() {
                        return Err(Error::validation(dp, "VALUES IN needs at least one value"));
                    }
                    if v.contains(&PartitionValue::Default) && v.len() > 1 {
                        return Err(Error::validation(dp, "DEFAULT must stand alone"));
                    }
                    for x in v {
                        if matches!(x, PartitionValue::MaxValue) {
                            return Err(Error::validation(dp, "MAXVALUE is for range partitions"));
                        }
                        if let PartitionValue::Tuple(t) = x {
                            if t.len() != ncols {
                                return Err(Error::validation(
                                    dp,
                                    format!("a tuple needs {ncols} value(s), got {}", t.len()),
                                ));
                            }
                        }
                        x.validate(&dp)?;
                    }
                }
                (Bound::None, PartitionKind::Hash | PartitionKind::Key) => {}
                _ => {
                    return Err(Error::validation(
                        dp,
                        format!(
                            "this partition's bound does not fit {} partitioning (range: \
                             less_than, list: values_in, hash/key: named)",
                            k.keyword()
                        ),
                    ))
                }
            }
        }
        if matches!(k, PartitionKind::Hash | PartitionKind::Key)
            && self.count.is_none()
            && self.defs.is_empty()
            && !is_sub
        {
            return Err(Error::validation(
                p("partitions"),
                "HASH/KEY partitioning needs a partition count or named partitions",
            ));
        }
        Ok(())
    }

    /// Checks both levels.
    pub fn validate(&self) -> Result<()> {
        self.validate_level("partition", false)?;
        let explicit = self.defs.iter().any(|d| !d.subpartitions.is_empty());
        match &self.sub {
            None => {
                if explicit {
                    return Err(Error::validation(
                        "partition.subpartitions",
                        "explicit sub-partitions need a sub-partition spec (subpartition_by)",
                    ));
                }
            }
            Some(sub) => {
                if sub.sub.is_some() {
                    return Err(Error::validation(
                        "subpartition",
                        "at most two partition levels: a sub-partition cannot be partitioned again",
                    ));
                }
                sub.validate_level("subpartition", true)?;
                let spec = sub.count.is_some() || !sub.defs.is_empty();
                if spec && explicit {
                    return Err(Error::validation(
                        "subpartition",
                        "give sub-partitions either as a count/template or per partition, not both",
                    ));
                }
                if !spec {
                    if self.defs.is_empty() || self.defs.iter().any(|d| d.subpartitions.is_empty())
                    {
                        return Err(Error::validation(
                            "subpartition",
                            "without a count or template every partition needs explicit sub-partitions",
                        ));
                    }
                    // Explicit sub-partitions must fit the sub-partition method.
                    let probe = Partition {
                        sub: None,
                        defs: Vec::new(),
                        ..(**sub).clone()
                    };
                    for (i, d) in self.defs.iter().enumerate() {
                        let check = Partition {
                            defs: d.subpartitions.clone(),
                            ..probe.clone()
                        };
                        check.validate_level(
                            &format!("partition.partitions[{i}].subpartitions"),
                            true,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}
