//! The former name of [`column_type`](crate::column_type): the column-type grammar.
//! `SqlType` and `ddl::ColumnType` were two enums; they are one type now,
//! [`ColumnType`](crate::ColumnType).

pub use crate::column_type::{parse, EXPECTED};

/// The former name of [`ColumnType`](crate::ColumnType) (its variants now spell
/// signedness in the name: `TinyIntUnsigned`, not `TinyInt(true)`).
#[deprecated(
    note = "use `diesel_seekdb_rules::ColumnType` (the same type as `diesel_seekdb::ddl::ColumnType`)"
)]
pub type SqlType = crate::ColumnType;
