//! One named partition or sub-partition and its bound.

use super::super::ident::IdentStyle;
use super::value::{render_values, PartitionValue};

/// What a single partition holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Bound {
    /// Hash / key partitions: a name only.
    None,
    /// `VALUES LESS THAN (...)`.
    LessThan(Vec<PartitionValue>),
    /// `VALUES IN (...)`.
    In(Vec<PartitionValue>),
}

/// One named partition (or sub-partition).
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionDef {
    pub(super) name: String,
    pub(super) bound: Bound,
    pub(super) subpartitions: Vec<PartitionDef>,
}

impl PartitionDef {
    /// A range partition `VALUES LESS THAN (value)`.
    pub fn less_than(name: impl Into<String>, value: impl Into<PartitionValue>) -> Self {
        Self::less_than_values(name, [value.into()])
    }

    /// A range-columns partition over several columns: `VALUES LESS THAN (a, b)`.
    pub fn less_than_values<I>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = PartitionValue>,
    {
        PartitionDef {
            name: name.into(),
            bound: Bound::LessThan(values.into_iter().collect()),
            subpartitions: Vec::new(),
        }
    }

    /// A list partition `VALUES IN (v1, v2, ...)`.
    pub fn values_in<I, V>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<PartitionValue>,
    {
        PartitionDef {
            name: name.into(),
            bound: Bound::In(values.into_iter().map(Into::into).collect()),
            subpartitions: Vec::new(),
        }
    }

    /// The catch-all list partition `VALUES IN (DEFAULT)`.
    pub fn default_values(name: impl Into<String>) -> Self {
        Self::values_in(name, [PartitionValue::Default])
    }

    /// A hash / key partition: just a name.
    pub fn named(name: impl Into<String>) -> Self {
        PartitionDef {
            name: name.into(),
            bound: Bound::None,
            subpartitions: Vec::new(),
        }
    }

    /// Adds an explicit sub-partition to this partition (the parent's
    /// [`Partition::subpartition_by`](super::Partition::subpartition_by) spec must then have neither a count nor a template).
    pub fn subpartition(mut self, sub: PartitionDef) -> Self {
        self.subpartitions.push(sub);
        self
    }

    /// The partition's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(super) fn render(&self, keyword: &str, style: IdentStyle, out: &mut String) {
        out.push_str(keyword);
        out.push(' ');
        out.push_str(&style.render(&self.name));
        match &self.bound {
            Bound::None => {}
            Bound::LessThan(v) => {
                out.push_str(" VALUES LESS THAN (");
                render_values(v, out);
                out.push(')');
            }
            Bound::In(v) => {
                out.push_str(" VALUES IN (");
                render_values(v, out);
                out.push(')');
            }
        }
        if !self.subpartitions.is_empty() {
            out.push_str(" (");
            for (i, s) in self.subpartitions.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                s.render("SUBPARTITION", style, out);
            }
            out.push(')');
        }
    }
}
