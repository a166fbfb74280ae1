//! Milvus-style collection schemas: `DataType`, `FieldSchema`, `CollectionSchema`.

use super::IndexParams;
use crate::ddl::partition::Partition;
use crate::ddl::{validate_ident, Column, ColumnType, CreateTable, IdentKind};
use crate::error::{Error, Result};

pub use super::data_type::DataType;

/// A model struct that is also a Milvus-style collection: implemented by
/// `#[derive(SeekdbTable)]` beside [`SeekdbTable`](crate::model::SeekdbTable), so the
/// table layer does not depend on the Milvus layer.
pub trait MilvusCollection: crate::model::SeekdbTable {
    /// The table as a Milvus-style schema for
    /// [`MilvusLikeClient::create_collection`](crate::milvus::MilvusLikeClient::create_collection).
    /// Fails with [`Error::Validation`] naming the field when a column has no Milvus
    /// data type (unsigned integers, dates, `DECIMAL`, ...).
    fn milvus_schema() -> Result<CollectionSchema>;

    /// The struct's vector indexes as Milvus-style index parameters (to pass with
    /// [`MilvusCollection::milvus_schema`]).
    fn milvus_index_params() -> Result<super::IndexParams>;
}

/// One field (column) of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSchema {
    /// The column name.
    pub name: String,
    /// Its type.
    pub dtype: DataType,
    /// Free text (stored as the column comment).
    pub description: String,
    /// Part of the primary key.
    pub is_primary: bool,
    /// `AUTO_INCREMENT` (integer primary keys only).
    pub auto_id: bool,
    /// NULL allowed.
    pub nullable: bool,
    /// `FLOAT_VECTOR` dimension.
    pub dim: Option<u32>,
    /// `VARCHAR` (and VARCHAR array element) length.
    pub max_length: Option<usize>,
    /// `ARRAY` element type.
    pub element_type: Option<DataType>,
    /// `ARRAY` capacity (kept for pymilvus compatibility; seekdb does not limit it).
    pub max_capacity: Option<usize>,
}

impl FieldSchema {
    /// A field with pymilvus's defaults (not primary, not nullable).
    pub fn new(name: impl Into<String>, dtype: DataType) -> Self {
        FieldSchema {
            name: name.into(),
            dtype,
            description: String::new(),
            is_primary: false,
            auto_id: false,
            nullable: false,
            dim: None,
            max_length: None,
            element_type: None,
            max_capacity: None,
        }
    }

    /// Marks the field as (part of) the primary key.
    pub fn primary(mut self) -> Self {
        self.is_primary = true;
        self
    }

    /// `AUTO_INCREMENT`.
    pub fn auto_id(mut self, auto_id: bool) -> Self {
        self.auto_id = auto_id;
        self
    }

    /// NULL allowed.
    pub fn nullable(mut self, nullable: bool) -> Self {
        self.nullable = nullable;
        self
    }

    /// The field for a table column (the schema model's column type mapped onto its
    /// Milvus data type); fails naming the column when Milvus has no such type.
    pub fn from_column(column: &Column) -> Result<Self> {
        let ty = column.column_type();
        let no_type = || {
            Error::validation(
                column.name(),
                format!("{} has no Milvus data type", ty.to_sql()),
            )
        };
        let dtype = DataType::of_column_type(ty).ok_or_else(no_type)?;
        let mut f = FieldSchema::new(column.name(), dtype)
            .auto_id(column.is_auto_increment())
            .nullable(column.is_nullable());
        match ty {
            ColumnType::Varchar(n) => f = f.max_length(*n as usize),
            ColumnType::Vector(d) => f = f.dim(*d),
            ColumnType::Array(e) => {
                f = f.element_type(DataType::of_column_type(e).ok_or_else(no_type)?);
                if let ColumnType::Varchar(n) = **e {
                    f = f.max_length(n as usize);
                }
            }
            _ => {}
        }
        if let Some(d) = column.get_comment() {
            f = f.description(d);
        }
        Ok(f)
    }

    /// `FLOAT_VECTOR` dimension.
    pub fn dim(mut self, dim: u32) -> Self {
        self.dim = Some(dim);
        self
    }

    /// `VARCHAR` length.
    pub fn max_length(mut self, max_length: usize) -> Self {
        self.max_length = Some(max_length);
        self
    }

    /// `ARRAY` element type.
    pub fn element_type(mut self, element_type: DataType) -> Self {
        self.element_type = Some(element_type);
        self
    }

    /// `ARRAY` capacity.
    pub fn max_capacity(mut self, max_capacity: usize) -> Self {
        self.max_capacity = Some(max_capacity);
        self
    }

    /// Description (column comment).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The seekdb column type, after checking the field's options.
    pub fn sql_type(&self) -> Result<String> {
        Ok(self.column_type()?.to_sql())
    }

    /// The table builder's column type, after checking the field's options.
    pub fn column_type(&self) -> Result<ColumnType> {
        let p = |what: &str| format!("{}.{what}", self.name);
        Ok(match self.dtype {
            DataType::VarChar => {
                let n = self.max_length.ok_or_else(|| {
                    Error::validation(p("max_length"), "VARCHAR fields need max_length")
                })?;
                if n == 0 || n > 65_535 {
                    return Err(Error::validation(
                        p("max_length"),
                        format!("{n} is outside 1..=65535"),
                    ));
                }
                ColumnType::Varchar(n as u32)
            }
            DataType::FloatVector => {
                let dim = self.dim.ok_or_else(|| {
                    Error::validation(p("dim"), "FLOAT_VECTOR fields need a dimension")
                })?;
                if dim == 0 || dim > diesel_seekdb_rules::MAX_DIMENSIONS {
                    return Err(Error::validation(
                        p("dim"),
                        format!(
                            "{dim} is outside 1..={}",
                            diesel_seekdb_rules::MAX_DIMENSIONS
                        ),
                    ));
                }
                ColumnType::Vector(dim)
            }
            DataType::Array => {
                let element = self.element_type.ok_or_else(|| {
                    Error::validation(p("element_type"), "ARRAY fields need an element_type")
                })?;
                let inner = match element {
                    DataType::VarChar => {
                        let n = self.max_length.unwrap_or(255);
                        if n == 0 || n > 65_535 {
                            return Err(Error::validation(
                                p("max_length"),
                                format!("{n} is outside 1..=65535"),
                            ));
                        }
                        ColumnType::Varchar(n as u32)
                    }
                    DataType::Bool
                    | DataType::Int8
                    | DataType::Int16
                    | DataType::Int32
                    | DataType::Int64
                    | DataType::Float
                    | DataType::Double => element.scalar_type().unwrap_or(ColumnType::Int),
                    other => {
                        return Err(Error::validation(
                            p("element_type"),
                            format!("seekdb arrays cannot hold {other:?}"),
                        ))
                    }
                };
                ColumnType::array(inner)
            }
            other => other.scalar_type().unwrap_or(ColumnType::Text),
        })
    }

    /// The table builder's column. VARCHAR fields compare exactly, as in Milvus: a
    /// VARCHAR primary key is `CHARACTER SET binary` (VARBINARY: `utf8mb4_bin` still
    /// ignores trailing spaces, so `'abc'` and `'abc '` would collide), other VARCHAR
    /// fields are `utf8mb4_bin` (case-sensitive; filters compare them with `BINARY`).
    pub fn to_column(&self) -> Result<Column> {
        let mut column = Column::new(self.name.clone(), self.column_type()?)
            .nullable(self.nullable && !self.is_primary);
        if self.auto_id {
            if !(self.is_primary && self.dtype.is_int()) {
                return Err(Error::validation(
                    format!("{}.auto_id", self.name),
                    "auto_id needs an integer primary key",
                ));
            }
            column = column.auto_increment();
        }
        if self.dtype == DataType::VarChar {
            column = if self.is_primary {
                column.charset("binary")
            } else {
                column.collation("utf8mb4_bin")
            };
        }
        if !self.description.is_empty() {
            column = column.comment(self.description.clone());
        }
        column.validate()?;
        Ok(column)
    }

    /// The column definition (`` `title` VARCHAR(512) COLLATE `utf8mb4_bin` NOT NULL ``).
    pub fn column_sql(&self) -> Result<String> {
        self.to_column()?.to_sql()
    }
}

/// A collection's fields and partitioning.
#[derive(Debug, Clone, Default)]
pub struct CollectionSchema {
    /// The fields, in column order.
    pub fields: Vec<FieldSchema>,
    /// Partitioning rules.
    pub partitions: Option<Partition>,
    /// Kept for pymilvus compatibility (not stored).
    pub description: String,
}

impl CollectionSchema {
    /// An empty schema (`MilvusLikeClient::create_schema()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field (pymilvus's `add_field`).
    pub fn add_field(&mut self, field: FieldSchema) -> &mut Self {
        self.fields.push(field);
        self
    }

    /// Sets the partitioning.
    pub fn partitions(&mut self, partitions: Partition) -> &mut Self {
        self.partitions = Some(partitions);
        self
    }

    /// The collection a `CREATE TABLE` builder describes: one field a column (see
    /// [`FieldSchema::from_column`]), its primary key and partitions. What
    /// [`MilvusCollection::milvus_schema`] of a derived model returns.
    pub fn from_create_table(table: &CreateTable) -> Result<Self> {
        let pk = table.primary_key_columns();
        let mut schema = CollectionSchema::new();
        for c in table.column_list() {
            let mut field = FieldSchema::from_column(c)?;
            if pk.iter().any(|p| p.eq_ignore_ascii_case(c.name())) {
                field = field.primary();
            }
            schema.add_field(field);
        }
        if let Some(p) = table.get_partition() {
            schema.partitions(p.clone());
        }
        Ok(schema)
    }

    /// The primary-key fields.
    pub fn primary_fields(&self) -> Vec<&FieldSchema> {
        self.fields.iter().filter(|f| f.is_primary).collect()
    }

    /// Checks the schema as pymilvus/pyobvector would.
    pub fn validate(&self) -> Result<()> {
        if self.fields.is_empty() {
            return Err(Error::validation(
                "schema",
                "a collection needs at least one field",
            ));
        }
        let primary = self.primary_fields();
        if primary.is_empty() {
            return Err(Error::validation(
                "schema",
                "a collection needs a primary key field",
            ));
        }
        for f in primary {
            if !(f.dtype.is_int() || f.dtype == DataType::VarChar) {
                return Err(Error::validation(
                    format!("{}.is_primary", f.name),
                    format!(
                        "a primary key must be an integer or VARCHAR, not {:?}",
                        f.dtype
                    ),
                ));
            }
        }
        for (i, f) in self.fields.iter().enumerate() {
            if self.fields[..i]
                .iter()
                .any(|g| g.name.eq_ignore_ascii_case(&f.name))
            {
                return Err(Error::validation(
                    "field_name",
                    format!("duplicate field `{}`", f.name),
                ));
            }
            validate_ident("field_name", &f.name, IdentKind::Column)?;
            f.to_column()?;
        }
        Ok(())
    }

    /// The collection as a table: the fields, the primary key, the vector indexes of
    /// `index_params` and the partitioning, checked by [`CreateTable`]'s rules (the
    /// same ones SQL-mode tables get). The description becomes the table comment.
    ///
    /// ```
    /// use diesel_seekdb::milvus::{CollectionSchema, DataType, FieldSchema};
    /// use diesel_seekdb::milvus::{IndexParam, IndexParams};
    /// let mut schema = CollectionSchema::new();
    /// schema.add_field(FieldSchema::new("id", DataType::VarChar).max_length(64).primary());
    /// schema.add_field(FieldSchema::new("v", DataType::FloatVector).dim(3));
    /// let mut index = IndexParams::new();
    /// index.add(IndexParam::new("v_idx", "v", "HNSW").metric_type("cosine"))?;
    /// assert_eq!(
    ///     schema.to_create_table("docs", Some(&index))?.to_sql()?,
    ///     "CREATE TABLE `docs` (`id` VARCHAR(64) CHARACTER SET `binary` NOT NULL, \
    ///      `v` VECTOR(3) NOT NULL, PRIMARY KEY (`id`), \
    ///      VECTOR INDEX `v_idx` (`v`) WITH (distance=cosine, type=hnsw, lib=vsag))"
    /// );
    /// # Ok::<(), diesel_seekdb::Error>(())
    /// ```
    pub fn to_create_table(
        &self,
        collection_name: &str,
        index_params: Option<&IndexParams>,
    ) -> Result<CreateTable> {
        validate_ident("collection_name", collection_name, IdentKind::Table)?;
        self.validate()?;
        let mut table = CreateTable::new(collection_name);
        for f in &self.fields {
            let column = f.to_column()?;
            table = table.column(column);
        }
        table = table.primary_key(self.primary_fields().iter().map(|f| f.name.clone()));
        if let Some(params) = index_params {
            for index in params.to_vector_indexes()? {
                if !self
                    .fields
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(index.column()))
                {
                    return Err(Error::validation(
                        "index_params.field_name",
                        format!("no field `{}` in the schema", index.column()),
                    ));
                }
                table = table.vector_index(index);
            }
            for index in params.to_scalar_indexes()? {
                if !self
                    .fields
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(index.field()))
                {
                    return Err(Error::validation(
                        "index_params.field_name",
                        format!("no field `{}` in the schema", index.field()),
                    ));
                }
                table = index.add_to(table);
            }
        }
        if let Some(p) = &self.partitions {
            table = table.partition(p.clone());
        }
        if !self.description.is_empty() {
            table = table.comment(self.description.clone());
        }
        table.validate()?;
        Ok(table)
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
