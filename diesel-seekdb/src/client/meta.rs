//! What the server says about a table: columns and their types, keys, indexes and
//! partitions. The clients use it to convert JSON values and to check names before a
//! statement is sent.

use diesel::connection::LoadConnection;
use diesel::mysql::Mysql;
use diesel::sql_types::{Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};

use diesel_seekdb_rules::sql_type::{classify, TypeClass};

use crate::ddl::quote_ident;
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
    Vector(usize),
    /// `SPARSEVECTOR`.
    SparseVector,
    /// `ARRAY(element)`; the element type as the server spells it.
    Array(String),
    /// Date and time types.
    Temporal,
    /// `POINT` (any SRID): JSON `{"x": .., "y": .., "srid": ..}` both ways.
    Point,
    /// Anything else; the server's type name.
    Other(String),
}

impl ColumnKind {
    /// Classifies an `information_schema.COLUMNS.COLUMN_TYPE` value.
    ///
    /// ```
    /// use diesel_seekdb::client::ColumnKind;
    /// assert_eq!(ColumnKind::from_column_type("VECTOR(768)"), ColumnKind::Vector(768));
    /// assert_eq!(ColumnKind::from_column_type("bigint(20) unsigned"), ColumnKind::Integer { unsigned: true });
    /// assert_eq!(ColumnKind::from_column_type("ARRAY(VARCHAR(20))"), ColumnKind::Array("VARCHAR(20)".into()));
    /// ```
    pub fn from_column_type(column_type: &str) -> ColumnKind {
        // One classification for the clients, the Milvus layer and the derive: the
        // shared rule table's.
        match classify(column_type) {
            TypeClass::Integer { unsigned, .. } => ColumnKind::Integer { unsigned },
            TypeClass::Bool => ColumnKind::Bool,
            TypeClass::Float | TypeClass::Double | TypeClass::Decimal => ColumnKind::Float,
            // Byte strings are bound as they are, not as text.
            TypeClass::Text { binary: true, .. } => ColumnKind::Other(column_type.to_string()),
            TypeClass::Text { .. } => ColumnKind::Text,
            TypeClass::Json => ColumnKind::Json,
            TypeClass::Vector(d) => ColumnKind::Vector(d as usize),
            TypeClass::SparseVector => ColumnKind::SparseVector,
            TypeClass::Array(element) => ColumnKind::Array(element),
            TypeClass::Temporal => ColumnKind::Temporal,
            TypeClass::Other if crate::client::gis::is_point_type(column_type) => ColumnKind::Point,
            TypeClass::Other => ColumnKind::Other(column_type.to_string()),
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

#[derive(QueryableByName)]
pub(crate) struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    column_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = Text)]
    column_key: String,
    #[diesel(sql_type = Text)]
    extra: String,
    #[diesel(sql_type = Text)]
    comment: String,
    #[diesel(sql_type = Text)]
    table_name: String,
}

#[derive(QueryableByName)]
pub(crate) struct IndexRow {
    #[diesel(sql_type = Text, column_name = "Key_name")]
    name: String,
    #[diesel(sql_type = Text, column_name = "Column_name")]
    column: String,
    #[diesel(sql_type = Text, column_name = "Index_type")]
    index_type: String,
    #[diesel(sql_type = diesel::sql_types::BigInt, column_name = "Non_unique")]
    non_unique: i64,
    #[diesel(sql_type = Nullable<Text>, column_name = "Expression")]
    expression: Option<String>,
}

#[derive(QueryableByName)]
pub(crate) struct PartitionRow {
    #[diesel(sql_type = Nullable<Text>)]
    part: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    sub: Option<String>,
}

/// The `DISTANCE=` of vector index `name` in `SHOW CREATE TABLE` output, whose index
/// lines read ``VECTOR KEY `vidx` (`v`) WITH (DISTANCE=L2, TYPE=HNSW, ...)``.
fn vector_index_distance(ddl: &str, name: &str) -> Option<String> {
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

/// The row of [`TABLE_EXISTS_SQL`].
#[derive(QueryableByName)]
pub(crate) struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub(crate) n: i64,
}

/// The columns of table `?`, as [`ColumnRow`]s.
pub(crate) const COLUMNS_SQL: &str =
    "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, \
     COLUMN_KEY AS column_key, EXTRA AS extra, COLUMN_COMMENT AS comment, \
     TABLE_NAME AS table_name \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
     ORDER BY ORDINAL_POSITION";

/// The partitions of table `?`, as [`PartitionRow`]s.
pub(crate) const PARTITIONS_SQL: &str =
    "SELECT PARTITION_NAME AS part, SUBPARTITION_NAME AS sub FROM information_schema.PARTITIONS \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL \
     ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION";

/// `SHOW CREATE TABLE`'s row.
#[derive(QueryableByName)]
pub(crate) struct CreateTableRow {
    #[diesel(sql_type = Text, column_name = "Create Table")]
    pub(crate) ddl: String,
}

/// The stored table name and its user columns; [`Error::CollectionNotFound`] when the
/// table has no columns (does not exist).
pub(crate) fn columns_from_rows(
    table: &str,
    rows: Vec<ColumnRow>,
) -> Result<(String, Vec<ColumnInfo>)> {
    let Some(stored_name) = rows.first().map(|r| r.table_name.clone()) else {
        return Err(Error::CollectionNotFound {
            name: table.to_string(),
        });
    };
    let columns = rows
        .into_iter()
        // seekdb's hidden bookkeeping columns (`__pk_increment`, ...) are not the user's.
        .filter(|r| !r.name.starts_with("__"))
        .map(|r| ColumnInfo {
            kind: ColumnKind::from_column_type(&r.column_type),
            nullable: r.is_nullable.eq_ignore_ascii_case("YES"),
            primary_key: r.column_key.eq_ignore_ascii_case("PRI"),
            auto_increment: r.extra.to_ascii_lowercase().contains("auto_increment"),
            name: r.name,
            column_type: r.column_type,
            comment: r.comment,
        })
        .collect();
    Ok((stored_name, columns))
}

/// `SHOW INDEX FROM table`.
pub(crate) fn show_index_sql(stored_name: &str) -> String {
    format!("SHOW INDEX FROM {}", quote_ident(stored_name))
}

/// `SHOW CREATE TABLE table` (SHOW INDEX does not give a vector index's parameters).
pub(crate) fn show_create_sql(stored_name: &str) -> String {
    format!("SHOW CREATE TABLE {}", quote_ident(stored_name))
}

/// One [`IndexInfo`] per index, columns in order (distances not yet known).
pub(crate) fn indexes_from_rows(index_rows: Vec<IndexRow>) -> Vec<IndexInfo> {
    let mut indexes: Vec<IndexInfo> = Vec::new();
    for r in index_rows {
        match indexes.iter_mut().find(|i| i.name == r.name) {
            Some(existing) => existing.columns.push(r.column),
            None => indexes.push(IndexInfo {
                name: r.name,
                columns: vec![r.column],
                index_type: r.index_type,
                unique: r.non_unique == 0,
                distance: None,
                expression: r.expression,
            }),
        }
    }
    indexes
}

/// Whether any index is a vector index (and so `SHOW CREATE TABLE` is needed).
pub(crate) fn has_vector_index(indexes: &[IndexInfo]) -> bool {
    indexes
        .iter()
        .any(|i| i.index_type.eq_ignore_ascii_case("VECTOR"))
}

/// Fills in each vector index's distance from `SHOW CREATE TABLE` output.
pub(crate) fn set_distances(indexes: &mut [IndexInfo], ddl: &str) {
    for index in indexes {
        index.distance = vector_index_distance(ddl, &index.name);
    }
}

/// Partition and sub-partition names, each once, in order.
pub(crate) fn partitions_from_rows(parts: Vec<PartitionRow>) -> Vec<String> {
    let mut partitions = Vec::new();
    for p in parts {
        for name in [p.part, p.sub].into_iter().flatten() {
            if !partitions.contains(&name) {
                partitions.push(name);
            }
        }
    }
    partitions
}

/// Whether `table` exists in the connection's current database.
pub fn table_exists<C>(conn: &mut C, table: &str) -> Result<bool>
where
    C: LoadConnection<Backend = Mysql>,
{
    let row: Count = diesel::sql_query(TABLE_EXISTS_SQL)
        .bind::<Text, _>(table)
        .get_result(conn)?;
    Ok(row.n > 0)
}

/// Reads a table's description; [`Error::CollectionNotFound`] when it does not exist.
pub fn describe_table<C>(conn: &mut C, table: &str) -> Result<TableInfo>
where
    C: LoadConnection<Backend = Mysql>,
{
    let rows: Vec<ColumnRow> = diesel::sql_query(COLUMNS_SQL)
        .bind::<Text, _>(table)
        .load(conn)?;
    let (stored_name, columns) = columns_from_rows(table, rows)?;
    let index_rows: Vec<IndexRow> = diesel::sql_query(show_index_sql(&stored_name)).load(conn)?;
    let mut indexes = indexes_from_rows(index_rows);
    if has_vector_index(&indexes) {
        let show: CreateTableRow =
            diesel::sql_query(show_create_sql(&stored_name)).get_result(conn)?;
        set_distances(&mut indexes, &show.ddl);
    }
    let parts: Vec<PartitionRow> = diesel::sql_query(PARTITIONS_SQL)
        .bind::<Text, _>(&stored_name)
        .load(conn)?;
    Ok(TableInfo {
        name: stored_name,
        columns,
        indexes,
        partitions: partitions_from_rows(parts),
    })
}

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
