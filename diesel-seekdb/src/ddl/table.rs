//! Tables: `CREATE TABLE` with typed columns, keys, vector and full-text indexes,
//! partitions and table options (`ALTER TABLE` is in [`alter`](mod@super::alter), `DROP TABLE` in
//! [`drop`](mod@super::drop)).
//!
//! Checked before rendering (seekdb's server error codes in parentheses):
//! * vector dimensions 1..=16000 (error 1235); `ARRAY` element types (error 1235);
//! * vector, sparse-vector, array, TEXT and JSON columns can't have a default (error 1101),
//!   be (part of) a primary key (error 1167) or a normal/unique index (error 1235);
//! * a vector index goes on one `VECTOR`/`SPARSEVECTOR` column, one per column (error 1235),
//!   with the type-specific rules of [`VectorIndex`] (using the column's dimension and
//!   the table's `LOB_INROW_THRESHOLD`);
//! * full-text indexes cover text columns only (error 1283);
//! * a primary key must include the partitioning columns (error 1503);
//! * `AUTO_INCREMENT` on one integer column; names unique and within seekdb's limits.

use std::fmt::Write as _;

use super::column::{charset_sql, check_charset, check_keyable};
pub use super::column::{Column, ColumnType, DefaultValue, MAX_ARRAY_DEPTH};
use super::fulltext::FullTextIndex;
use super::ident::{eq_ci, quote_ident, quote_string, validate_ident, IdentKind};
use super::index::validate_columns;
pub use super::index::Index;
use super::json_index::JsonPathIndex;
use super::partition::Partition;
use super::vector_index::{SyncMode, VectorIndex, MAX_LOB_INROW_THRESHOLD};
use crate::{Error, Result};

/// `ORGANIZATION INDEX | HEAP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Organization {
    /// Index-organised (seekdb's default): rows stored in primary-key order.
    Index,
    /// Heap-organised; hybrid search needs this when the table has a primary key.
    Heap,
}

impl Organization {
    fn as_str(self) -> &'static str {
        match self {
            Organization::Index => "INDEX",
            Organization::Heap => "HEAP",
        }
    }
}

/// `CREATE TABLE`.
///
/// ```
/// use diesel_seekdb::ddl::*;
/// let sql = CreateTable::new("items")
///     .if_not_exists()
///     .column(Column::new("id", ColumnType::BigInt).primary_key().auto_increment())
///     .column(Column::new("title", ColumnType::Varchar(200)).not_null().default(""))
///     .column(Column::new("embedding", ColumnType::Vector(3)))
///     .vector_index(VectorIndex::new("vidx", "embedding").m(16))
///     .fulltext_index(FullTextIndex::new("ft", ["title"]).parser(FullTextParser::ngram(2)))
///     .organization(Organization::Heap)
///     .partition(Partition::hash("id").partitions(4))
///     .to_sql()?;
/// assert_eq!(
///     sql,
///     "CREATE TABLE IF NOT EXISTS `items` (`id` BIGINT NOT NULL AUTO_INCREMENT, \
///      `title` VARCHAR(200) NOT NULL DEFAULT '', `embedding` VECTOR(3), PRIMARY KEY (`id`), \
///      VECTOR INDEX `vidx` (`embedding`) WITH (distance=l2, type=hnsw, lib=vsag, m=16), \
///      FULLTEXT INDEX `ft` (`title`) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=2)) \
///      ORGANIZATION HEAP PARTITION BY HASH (`id`) PARTITIONS 4"
/// );
/// // Rules are checked first: a vector column can't be a primary key.
/// let err = CreateTable::new("t").column(Column::new("v", ColumnType::Vector(3)).primary_key()).to_sql();
/// assert!(err.is_err());
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    name: String,
    if_not_exists: bool,
    columns: Vec<Column>,
    primary_key: Vec<String>,
    indexes: Vec<Index>,
    json_indexes: Vec<JsonPathIndex>,
    vector_indexes: Vec<VectorIndex>,
    fulltext_indexes: Vec<FullTextIndex>,
    partition: Option<Partition>,
    organization: Option<Organization>,
    lob_inrow_threshold: Option<u32>,
    comment: Option<String>,
    charset: Option<String>,
    collation: Option<String>,
}

impl CreateTable {
    /// A table named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        CreateTable {
            name: name.into(),
            if_not_exists: false,
            columns: Vec::new(),
            primary_key: Vec::new(),
            indexes: Vec::new(),
            json_indexes: Vec::new(),
            vector_indexes: Vec::new(),
            fulltext_indexes: Vec::new(),
            partition: None,
            organization: None,
            lob_inrow_threshold: None,
            comment: None,
            charset: None,
            collation: None,
        }
    }

    /// `IF NOT EXISTS`.
    pub fn if_not_exists(mut self) -> Self {
        self.if_not_exists = true;
        self
    }

    /// Adds a column.
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Adds several columns.
    pub fn columns<I: IntoIterator<Item = Column>>(mut self, columns: I) -> Self {
        self.columns.extend(columns);
        self
    }

    /// A (composite) primary key; alternative to [`Column::primary_key`] (the two are
    /// merged, column order first here).
    pub fn primary_key<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a normal or unique index.
    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Adds a functional index over a JSON path (the fast layout for filtered search
    /// on JSON metadata; see [`JsonPathIndex`]).
    ///
    /// ```
    /// use diesel_seekdb::ddl::*;
    /// let sql = CreateTable::new("t")
    ///     .column(Column::new("id", ColumnType::BigInt).primary_key())
    ///     .column(Column::new("meta", ColumnType::Json))
    ///     .json_index(JsonPathIndex::new("idx_page", "meta", "$.page", JsonCast::Signed))
    ///     .to_sql()?;
    /// assert_eq!(
    ///     sql,
    ///     "CREATE TABLE `t` (`id` BIGINT NOT NULL, `meta` JSON, PRIMARY KEY (`id`), \
    ///      KEY `idx_page` ((CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED))))"
    /// );
    /// # Ok::<(), diesel_seekdb::Error>(())
    /// ```
    pub fn json_index(mut self, index: JsonPathIndex) -> Self {
        self.json_indexes.push(index);
        self
    }

    /// The functional indexes over JSON paths.
    pub fn get_json_indexes(&self) -> &[JsonPathIndex] {
        &self.json_indexes
    }

    /// Adds a vector index.
    pub fn vector_index(mut self, index: VectorIndex) -> Self {
        self.vector_indexes.push(index);
        self
    }

    /// Adds a full-text index.
    pub fn fulltext_index(mut self, index: FullTextIndex) -> Self {
        self.fulltext_indexes.push(index);
        self
    }

    /// The full-text indexes declared inline (for the clients' server checks).
    pub(crate) fn fulltext_indexes(&self) -> &[FullTextIndex] {
        &self.fulltext_indexes
    }

    /// Partitions the table.
    pub fn partition(mut self, partition: Partition) -> Self {
        self.partition = Some(partition);
        self
    }

    /// `ORGANIZATION HEAP | INDEX`.
    pub fn organization(mut self, organization: Organization) -> Self {
        self.organization = Some(organization);
        self
    }

    /// `LOB_INROW_THRESHOLD=bytes` (0–786432; raise it for IVF indexes above 2048
    /// dimensions: 4 bytes per dimension).
    ///
    /// seekdb 1.4 replaces the value with its own (78643) on `ORGANIZATION HEAP` tables
    /// that carry a vector index; `SHOW CREATE TABLE` then shows that value.
    pub fn lob_inrow_threshold(mut self, bytes: u32) -> Self {
        self.lob_inrow_threshold = Some(bytes);
        self
    }

    /// `COMMENT '...'` on the table.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// `DEFAULT CHARSET=name`: the character set of text columns that name none
    /// (seekdb 1.4: `utf8mb4` or `binary`).
    ///
    /// ```
    /// use diesel_seekdb::ddl::*;
    /// let sql = CreateTable::new("t")
    ///     .column(Column::new("k", ColumnType::Varchar(8)).primary_key())
    ///     .charset("utf8mb4")
    ///     .collation("utf8mb4_bin")
    ///     .to_sql()?;
    /// assert_eq!(
    ///     sql,
    ///     "CREATE TABLE `t` (`k` VARCHAR(8) NOT NULL, PRIMARY KEY (`k`)) \
    ///      DEFAULT CHARSET=`utf8mb4` COLLATE=`utf8mb4_bin`"
    /// );
    /// # Ok::<(), diesel_seekdb::Error>(())
    /// ```
    pub fn charset(mut self, charset: impl Into<String>) -> Self {
        self.charset = Some(charset.into());
        self
    }

    /// `COLLATE=name`: the collation of text columns that name none (seekdb 1.4:
    /// `utf8mb4_general_ci`, `utf8mb4_bin` or `binary`).
    pub fn collation(mut self, collation: impl Into<String>) -> Self {
        self.collation = Some(collation.into());
        self
    }

    /// The columns, in order.
    pub fn get_columns(&self) -> &[Column] {
        &self.columns
    }

    /// The table name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The primary-key columns (table-level list, then column-level markers).
    pub fn primary_key_columns(&self) -> Vec<&str> {
        let mut pk: Vec<&str> = self.primary_key.iter().map(String::as_str).collect();
        for c in &self.columns {
            if c.primary_key && !pk.iter().any(|p| eq_ci(p, &c.name)) {
                pk.push(&c.name);
            }
        }
        pk
    }

    /// The columns, in order.
    pub fn column_list(&self) -> &[Column] {
        &self.columns
    }

    /// The table's partitioning, if any.
    pub fn get_partition(&self) -> Option<&Partition> {
        self.partition.as_ref()
    }

    fn find(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| eq_ci(&c.name, name))
    }

    fn need(&self, parameter: &str, name: &str) -> Result<&Column> {
        self.find(name).ok_or_else(|| {
            Error::validation(
                parameter,
                format!("no column {name:?} in table {:?}", self.name),
            )
        })
    }

    /// Checks the whole table (see the [module docs](self)).
    pub fn validate(&self) -> Result<()> {
        validate_ident("table", &self.name, IdentKind::Table)?;
        if self.columns.is_empty() {
            return Err(Error::validation(
                "columns",
                "a table needs at least one column",
            ));
        }
        for (i, c) in self.columns.iter().enumerate() {
            c.validate()?;
            if self.columns[..i].iter().any(|o| eq_ci(&o.name, &c.name)) {
                return Err(Error::validation(
                    format!("columns.{}", c.name),
                    "column defined twice",
                ));
            }
        }
        if self.columns.iter().filter(|c| c.auto_increment).count() > 1 {
            return Err(Error::validation(
                "auto_increment",
                "only one AUTO_INCREMENT column per table",
            ));
        }
        let pk = self.primary_key_columns();
        if !self.primary_key.is_empty() {
            validate_columns("primary_key", &self.primary_key)?;
        }
        for p in &pk {
            let c = self.need("primary_key", p)?;
            check_keyable(&format!("primary_key.{p}"), &c.ty, "a primary key")?;
            if c.default == Some(DefaultValue::Null) {
                return Err(Error::validation(
                    format!("columns.{p}.default"),
                    "a primary-key column can't default to NULL",
                ));
            }
        }

        // index names are unique across every kind of index
        let mut names: Vec<&str> = Vec::new();
        let claim = |names: &[&str], name: &str| -> Result<()> {
            if names.iter().any(|o| eq_ci(o, name)) {
                return Err(Error::validation(
                    "index_name",
                    format!("index name {name:?} is used twice"),
                ));
            }
            Ok(())
        };
        for i in &self.indexes {
            i.validate()?;
            claim(&names, &i.name)?;
            for col in &i.columns {
                let c = self.need(&format!("indexes.{}", i.name), col)?;
                check_keyable(
                    &format!("indexes.{}.{col}", i.name),
                    &c.ty,
                    "a normal or unique index",
                )?;
            }
            names.push(&i.name);
        }
        for j in &self.json_indexes {
            j.validate()?;
            claim(&names, &j.name)?;
            let param = format!("json_indexes.{}", j.name);
            let c = self.need(&param, &j.column)?;
            if c.ty != ColumnType::Json {
                return Err(Error::validation(
                    param,
                    format!("column {:?} is {}, not JSON", c.name, c.ty.to_sql()),
                ));
            }
            names.push(&j.name);
        }
        let lob = self.lob_inrow_threshold;
        check_charset("table", self.charset.as_deref(), self.collation.as_deref())?;
        if let Some(l) = lob {
            if l > MAX_LOB_INROW_THRESHOLD {
                return Err(Error::validation(
                    "lob_inrow_threshold",
                    format!("{l} is out of range: seekdb accepts 0..={MAX_LOB_INROW_THRESHOLD}"),
                ));
            }
        }
        let mut vector_columns: Vec<&str> = Vec::new();
        for v in &self.vector_indexes {
            let param = format!("vector_indexes.{}", v.name());
            let c = self.need(&param, v.column())?;
            let dim = match c.ty {
                ColumnType::Vector(d) => Some(d),
                ColumnType::SparseVector => {
                    if !v.get_index_type().is_sparse() {
                        return Err(Error::validation(
                            "index_type",
                            format!(
                                "SPARSEVECTOR column {:?} needs a sindi index, not {}",
                                c.name,
                                v.get_index_type()
                            ),
                        ));
                    }
                    None
                }
                _ => {
                    return Err(Error::validation(
                        param,
                        format!(
                            "vector indexes go on VECTOR or SPARSEVECTOR columns; {:?} is {}",
                            c.name,
                            c.ty.to_sql()
                        ),
                    ))
                }
            };
            v.with_context(dim, lob).validate()?;
            // seekdb 1.4: "create vector index on partition table without primary key"
            // (1235); a heap table's key is a hidden one.
            if v.get_index_type().is_ivf()
                && self.partition.is_some()
                && (self.primary_key_columns().is_empty()
                    || self.organization == Some(Organization::Heap))
            {
                return Err(Error::validation(
                    &param,
                    format!(
                        "seekdb builds {} indexes on a partitioned table only when it is \
                         index-organised with a primary key",
                        v.get_index_type()
                    ),
                ));
            }
            if v.get_sync_mode() == Some(SyncMode::Async)
                && self.organization != Some(Organization::Heap)
            {
                return Err(Error::validation(
                    "sync_mode",
                    format!(
                        "vector index {:?}: sync_mode=async needs ORGANIZATION HEAP; \
                         index-organised tables take only immediate",
                        v.name()
                    ),
                ));
            }
            claim(&names, v.name())?;
            if vector_columns.iter().any(|o| eq_ci(o, &c.name)) {
                return Err(Error::validation(
                    param,
                    format!(
                        "column {:?} already has a vector index (one per column)",
                        c.name
                    ),
                ));
            }
            vector_columns.push(&c.name);
            names.push(v.name());
        }
        for f in &self.fulltext_indexes {
            f.validate()?;
            claim(&names, f.name())?;
            for col in f.columns() {
                let c = self.need(&format!("fulltext_indexes.{}", f.name()), col)?;
                if !c.ty.is_text() || c.is_binary() {
                    return Err(Error::validation(
                        format!("fulltext_indexes.{}.{col}", f.name()),
                        format!(
                            "full-text indexes cover text columns only, not {}{}",
                            c.ty.to_sql(),
                            if c.is_binary() {
                                " CHARACTER SET binary"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
            }
            names.push(f.name());
        }
        if let Some(p) = &self.partition {
            p.validate()?;
            for col in p.key_columns() {
                self.need("partition", col)?;
                if !pk.is_empty() && !pk.iter().any(|k| eq_ci(k, col)) {
                    return Err(Error::validation(
                        "partition",
                        format!("the primary key must include the partitioning column {col:?}"),
                    ));
                }
                for u in self.indexes.iter().filter(|i| i.unique) {
                    if !u.columns.iter().any(|k| eq_ci(k, col)) {
                        return Err(Error::validation(
                            format!("indexes.{}", u.name),
                            format!("a unique index must include the partitioning column {col:?}"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The statement.
    pub fn to_sql(&self) -> Result<String> {
        self.validate()?;
        let lob = self.lob_inrow_threshold;
        let mut items: Vec<String> = Vec::new();
        for c in &self.columns {
            items.push(c.to_sql()?);
        }
        let pk = self.primary_key_columns();
        if !pk.is_empty() {
            items.push(format!(
                "PRIMARY KEY ({})",
                pk.iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for i in &self.indexes {
            items.push(i.to_inline_sql()?);
        }
        for j in &self.json_indexes {
            items.push(j.to_inline_sql()?);
        }
        for v in &self.vector_indexes {
            let dim = match self.find(v.column()).map(|c| &c.ty) {
                Some(ColumnType::Vector(d)) => Some(*d),
                _ => None,
            };
            items.push(v.with_context(dim, lob).to_inline_sql()?);
        }
        for f in &self.fulltext_indexes {
            items.push(f.to_inline_sql()?);
        }
        let mut out = format!(
            "CREATE TABLE {}{} ({})",
            if self.if_not_exists {
                "IF NOT EXISTS "
            } else {
                ""
            },
            quote_ident(&self.name),
            items.join(", ")
        );
        if let Some(o) = self.organization {
            let _ = write!(out, " ORGANIZATION {}", o.as_str());
        }
        if let Some(l) = lob {
            let _ = write!(out, " LOB_INROW_THRESHOLD={l}");
        }
        out.push_str(&charset_sql(
            self.charset.as_deref(),
            self.collation.as_deref(),
            true,
        ));
        if let Some(c) = &self.comment {
            let _ = write!(out, " COMMENT={}", quote_string(c));
        }
        if let Some(p) = &self.partition {
            out.push(' ');
            out.push_str(&p.to_sql()?);
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
