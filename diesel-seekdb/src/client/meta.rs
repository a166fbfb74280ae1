//! What the server says about a table: columns and their types, keys, indexes and
//! partitions. The clients use it to convert JSON values and to check names before a
//! statement is sent. How it is read is a plan like any other (`ops_meta.rs`).

use crate::ddl::{quote_ident, ColumnType};
use crate::error::{Error, Result};

/// The kind of value a column holds, as far as value conversion is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnKind {
    /// Any integer type (`BOOL` is `TINYINT(1)` and reported as [`ColumnKind::Bool`]).
    Integer {
        /// `UNSIGNED`.
        unsigned: bool,
    },
    /// `TINYINT(1)` / `BOOL`.
    Bool,
    /// `FLOAT`, `DOUBLE`, `DECIMAL`.
    Float,
    /// Character and text types.
    Text,
    /// `JSON`.
    Json,
    /// `VECTOR(dim)`.
    Vector(u32),
    /// `SPARSEVECTOR`.
    SparseVector,
    /// `ARRAY(element)`; the element type's SQL spelling (`VARCHAR(20)`, `BIGINT UNSIGNED`).
    Array(String),
    /// Date and time types.
    Temporal,
    /// `POINT` (any SRID): JSON `{"x": .., "y": .., "srid": ..}` both ways.
    Point,
    /// Anything else; the server's type name.
    Other(String),
}

impl ColumnKind {
    /// Classifies an `information_schema.COLUMNS.COLUMN_TYPE` value (read with
    /// [`ColumnType::from_server`]; a type it does not model is [`ColumnKind::Other`]).
    ///
    /// ```
    /// use diesel_seekdb::client::ColumnKind;
    /// assert_eq!(ColumnKind::from_column_type("VECTOR(768)"), ColumnKind::Vector(768));
    /// assert_eq!(ColumnKind::from_column_type("bigint(20) unsigned"), ColumnKind::Integer { unsigned: true });
    /// assert_eq!(ColumnKind::from_column_type("ARRAY(VARCHAR(20))"), ColumnKind::Array("VARCHAR(20)".into()));
    /// assert_eq!(ColumnKind::from_column_type("blob"), ColumnKind::Other("blob".into()));
    /// ```
    pub fn from_column_type(column_type: &str) -> ColumnKind {
        Self::classify(ColumnType::from_server(column_type).as_ref(), column_type)
    }

    /// The kind of a column type.
    ///
    /// ```
    /// use diesel_seekdb::client::ColumnKind;
    /// use diesel_seekdb::ddl::ColumnType;
    /// assert_eq!(ColumnKind::of_type(&ColumnType::Decimal(10, 2)), ColumnKind::Float);
    /// assert_eq!(ColumnKind::of_type(&ColumnType::Year), ColumnKind::Temporal);
    /// ```
    pub fn of_type(ty: &ColumnType) -> ColumnKind {
        Self::classify(Some(ty), &ty.to_sql())
    }

    // The one classification of column types for the clients and the Milvus layer;
    // `spelled` is what `Other` reports.
    pub(crate) fn classify(ty: Option<&ColumnType>, spelled: &str) -> ColumnKind {
        let Some(ty) = ty else {
            return ColumnKind::Other(spelled.to_string());
        };
        match ty {
            ColumnType::Bool => ColumnKind::Bool,
            t if t.is_integer() => ColumnKind::Integer {
                unsigned: t.is_unsigned(),
            },
            ColumnType::Float | ColumnType::Double | ColumnType::Decimal(..) => ColumnKind::Float,
            // Byte strings are bound as they are, not as text.
            ColumnType::Binary(_) | ColumnType::VarBinary(_) => {
                ColumnKind::Other(spelled.to_string())
            }
            t if t.is_text() => ColumnKind::Text,
            ColumnType::Enum(_) | ColumnType::Set(_) => ColumnKind::Text,
            ColumnType::Json => ColumnKind::Json,
            ColumnType::Vector(d) => ColumnKind::Vector(*d),
            ColumnType::SparseVector => ColumnKind::SparseVector,
            ColumnType::Point(_) => ColumnKind::Point,
            ColumnType::Array(element) => ColumnKind::Array(element.to_sql()),
            ColumnType::DateTime
            | ColumnType::Timestamp
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Year => ColumnKind::Temporal,
            _ => ColumnKind::Other(spelled.to_string()),
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// The type as the server prints it (`VECTOR(3)`, `bigint(20)`, ...).
    pub column_type: String,
    /// The type, parsed ([`ColumnType::from_server`]); `None` for a type
    /// [`ColumnType`] does not model (`BLOB`, `BIT`, `GEOMETRY`, ...). A `POINT`
    /// column carries its SRID from `information_schema.COLUMNS.SRS_ID`
    /// (`Point(Some(0))` for `POINT SRID 0`, `Point(None)` for a plain `POINT`).
    pub parsed_type: Option<ColumnType>,
    /// The classified type.
    pub kind: ColumnKind,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Whether the column is part of the primary key.
    pub primary_key: bool,
    /// Whether the column is `AUTO_INCREMENT`.
    pub auto_increment: bool,
    /// The column comment.
    pub comment: String,
}

/// One index of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexInfo {
    /// The index name (`PRIMARY` for the primary key).
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// `BTREE`, `VECTOR`, `FULLTEXT`, ...
    pub index_type: String,
    /// Whether it enforces uniqueness.
    pub unique: bool,
    /// For vector indexes, the distance the server reports (`L2`, `COSINE`,
    /// `INNER_PRODUCT`); a search must use the matching function to use the index.
    pub distance: Option<String>,
    /// For a functional index, its expression as the server prints it
    /// (``cast(json_extract(`meta`,'$.page') as signed)``); its column is then a
    /// hidden one (`SYS_NC20$`).
    pub expression: Option<String>,
}

/// A table as the server describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    /// The table's name as stored (lower case on seekdb).
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<ColumnInfo>,
    /// Its indexes.
    pub indexes: Vec<IndexInfo>,
    /// Partition names (and `p0sp0`-style sub-partition names), empty when unpartitioned.
    pub partitions: Vec<String>,
}

impl TableInfo {
    /// The column called `name` (case-insensitive, as seekdb compares column names).
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The column called `name`, or a validation error naming `parameter`.
    pub fn require_column(&self, parameter: &str, name: &str) -> Result<&ColumnInfo> {
        self.column(name).ok_or_else(|| {
            Error::validation(
                parameter,
                format!("table `{}` has no column `{name}`", self.name),
            )
        })
    }

    /// The primary-key columns, in order.
    pub fn primary_key(&self) -> Vec<&ColumnInfo> {
        self.columns.iter().filter(|c| c.primary_key).collect()
    }

    /// The vector index on `column`, if any.
    pub fn vector_index_on(&self, column: &str) -> Option<&IndexInfo> {
        self.indexes.iter().find(|i| {
            i.index_type.eq_ignore_ascii_case("VECTOR")
                && i.columns.iter().any(|c| c.eq_ignore_ascii_case(column))
        })
    }

    /// Checks that every name in `partitions` exists (seekdb silently ignores a
    /// `PARTITION(..)` clause on an unpartitioned table).
    pub fn check_partitions<S: AsRef<str>>(&self, partitions: &[S]) -> Result<()> {
        for p in partitions {
            let p = p.as_ref();
            if !self.partitions.iter().any(|q| q.eq_ignore_ascii_case(p)) {
                return Err(Error::validation(
                    "partition_names",
                    if self.partitions.is_empty() {
                        format!("table `{}` is not partitioned (asked for `{p}`)", self.name)
                    } else {
                        format!(
                            "table `{}` has no partition `{p}` (it has {})",
                            self.name,
                            self.partitions.join(", ")
                        )
                    },
                ));
            }
        }
        Ok(())
    }
}

/// The `DISTANCE=` of vector index `name` in `SHOW CREATE TABLE` output, whose index
/// lines read ``VECTOR KEY `vidx` (`v`) WITH (DISTANCE=L2, TYPE=HNSW, ...)``.
pub(crate) fn vector_index_distance(ddl: &str, name: &str) -> Option<String> {
    let key = format!("KEY {} (", quote_ident(name));
    let line = ddl
        .lines()
        .find(|l| l.contains("VECTOR") && l.contains(&key))?;
    let with = &line[line.find("WITH (")? + "WITH (".len()..];
    let params = &with[..with.find(')')?];
    params.split(',').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("distance")
            .then(|| v.trim().to_ascii_uppercase())
    })
}

/// `COUNT(*)` of the tables called `?` in the current database.
pub(crate) const TABLE_EXISTS_SQL: &str = "SELECT COUNT(*) AS n FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_distance_of_a_vector_index() {
        let ddl = "CREATE TABLE `t` (\n  `id` bigint(20) NOT NULL,\n  `v` VECTOR(3) DEFAULT NULL,\n  \
                   PRIMARY KEY (`id`),\n  VECTOR KEY `vidx` (`v`) WITH (DISTANCE=INNER_PRODUCT, TYPE=HNSW, LIB=VSAG, M=16) BLOCK_SIZE 16384\n)";
        assert_eq!(
            vector_index_distance(ddl, "vidx").as_deref(),
            Some("INNER_PRODUCT")
        );
        assert_eq!(vector_index_distance(ddl, "other"), None);
    }
}
