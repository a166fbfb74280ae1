//! Milvus-style collection schemas: `DataType`, `FieldSchema`, `CollectionSchema`.

use crate::ddl::partition::Partition;
use crate::ddl::{quote_ident, validate_ident, IdentKind};
use crate::error::{Error, Result};

/// pymilvus's `DataType`, all 13 members, with the seekdb type each maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum DataType {
    /// `BOOL`.
    BOOL,
    /// `TINYINT` (pyobvector maps it to BOOL, which loses values).
    INT8,
    /// `SMALLINT`.
    INT16,
    /// `INT`.
    INT32,
    /// `BIGINT`.
    INT64,
    /// `FLOAT`.
    FLOAT,
    /// `DOUBLE`.
    DOUBLE,
    /// `LONGTEXT`.
    STRING,
    /// `VARCHAR(max_length)`.
    VARCHAR,
    /// `ARRAY(element_type)`.
    ARRAY,
    /// `JSON`.
    JSON,
    /// `VECTOR(dim)`.
    FLOAT_VECTOR,
    /// `SPARSEVECTOR`.
    SPARSE_FLOAT_VECTOR,
}

impl DataType {
    /// Parses a name (`"INT64"`, `"int64"`, `"FloatVector"`, ...).
    pub fn parse(name: &str) -> Result<Self> {
        let n: String = name
            .chars()
            .filter(|c| *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();
        Ok(match n.as_str() {
            "BOOL" | "BOOLEAN" => DataType::BOOL,
            "INT8" => DataType::INT8,
            "INT16" => DataType::INT16,
            "INT32" => DataType::INT32,
            "INT64" => DataType::INT64,
            "FLOAT" => DataType::FLOAT,
            "DOUBLE" => DataType::DOUBLE,
            "STRING" => DataType::STRING,
            "VARCHAR" => DataType::VARCHAR,
            "ARRAY" => DataType::ARRAY,
            "JSON" => DataType::JSON,
            "FLOATVECTOR" => DataType::FLOAT_VECTOR,
            "SPARSEFLOATVECTOR" => DataType::SPARSE_FLOAT_VECTOR,
            _ => {
                return Err(Error::validation(
                    "datatype",
                    format!("unknown data type `{name}`"),
                ))
            }
        })
    }

    fn scalar_sql(self) -> Option<&'static str> {
        Some(match self {
            DataType::BOOL => "BOOL",
            DataType::INT8 => "TINYINT",
            DataType::INT16 => "SMALLINT",
            DataType::INT32 => "INT",
            DataType::INT64 => "BIGINT",
            DataType::FLOAT => "FLOAT",
            DataType::DOUBLE => "DOUBLE",
            DataType::STRING => "LONGTEXT",
            DataType::JSON => "JSON",
            DataType::SPARSE_FLOAT_VECTOR => "SPARSEVECTOR",
            _ => return None,
        })
    }

    /// Whether it is an integer type.
    pub fn is_int(self) -> bool {
        matches!(
            self,
            DataType::INT8 | DataType::INT16 | DataType::INT32 | DataType::INT64
        )
    }
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
    pub dim: Option<usize>,
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

    /// `FLOAT_VECTOR` dimension.
    pub fn dim(mut self, dim: usize) -> Self {
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
        let p = |what: &str| format!("{}.{what}", self.name);
        Ok(match self.dtype {
            DataType::VARCHAR => {
                let n = self.max_length.ok_or_else(|| {
                    Error::validation(p("max_length"), "VARCHAR fields need max_length")
                })?;
                if n == 0 || n > 65_535 {
                    return Err(Error::validation(
                        p("max_length"),
                        format!("{n} is outside 1..=65535"),
                    ));
                }
                format!("VARCHAR({n})")
            }
            DataType::FLOAT_VECTOR => {
                let dim = self.dim.ok_or_else(|| {
                    Error::validation(p("dim"), "FLOAT_VECTOR fields need a dimension")
                })?;
                if dim == 0 || dim > crate::codec::MAX_DIMENSIONS {
                    return Err(Error::validation(
                        p("dim"),
                        format!("{dim} is outside 1..={}", crate::codec::MAX_DIMENSIONS),
                    ));
                }
                format!("VECTOR({dim})")
            }
            DataType::ARRAY => {
                let element = self.element_type.ok_or_else(|| {
                    Error::validation(p("element_type"), "ARRAY fields need an element_type")
                })?;
                let inner = match element {
                    DataType::VARCHAR => {
                        format!("VARCHAR({})", self.max_length.unwrap_or(255))
                    }
                    DataType::BOOL
                    | DataType::INT8
                    | DataType::INT16
                    | DataType::INT32
                    | DataType::INT64
                    | DataType::FLOAT
                    | DataType::DOUBLE => element.scalar_sql().unwrap_or("INT").to_string(),
                    other => {
                        return Err(Error::validation(
                            p("element_type"),
                            format!("seekdb arrays cannot hold {other:?}"),
                        ))
                    }
                };
                format!("ARRAY({inner})")
            }
            other => other.scalar_sql().unwrap_or("TEXT").to_string(),
        })
    }

    /// The column definition (`` `title` VARCHAR(512) NOT NULL ``).
    pub fn column_sql(&self) -> Result<String> {
        validate_ident("field_name", &self.name, IdentKind::Column)?;
        let mut sql = format!("{} {}", quote_ident(&self.name), self.sql_type()?);
        if self.auto_id {
            if !(self.is_primary && self.dtype.is_int()) {
                return Err(Error::validation(
                    format!("{}.auto_id", self.name),
                    "auto_id needs an integer primary key",
                ));
            }
            sql.push_str(" AUTO_INCREMENT");
        }
        if !self.nullable || self.is_primary {
            sql.push_str(" NOT NULL");
        }
        if !self.description.is_empty() {
            sql.push_str(" COMMENT ");
            sql.push_str(&crate::ddl::quote_string(&self.description));
        }
        Ok(sql)
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
            if !(f.dtype.is_int() || f.dtype == DataType::VARCHAR) {
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
            f.column_sql()?;
        }
        Ok(())
    }
}
