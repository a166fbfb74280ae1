//! pymilvus's `DataType` and the seekdb column type each member maps to.

use crate::ddl::ColumnType;
use crate::error::{Error, Result};

/// pymilvus's `DataType`: the 13 members of pymilvus 2.5 and 2.6's `GEOMETRY`, with the
/// seekdb type each maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    /// `BOOL`.
    Bool,
    /// `TINYINT` (pyobvector maps it to BOOL, which loses values).
    Int8,
    /// `SMALLINT`.
    Int16,
    /// `INT`.
    Int32,
    /// `BIGINT`.
    Int64,
    /// `FLOAT`.
    Float,
    /// `DOUBLE`.
    Double,
    /// `LONGTEXT`.
    String,
    /// `VARCHAR(max_length)`.
    VarChar,
    /// `ARRAY(element_type)`.
    Array,
    /// `JSON`.
    Json,
    /// `VECTOR(dim)`.
    FloatVector,
    /// `SPARSEVECTOR`.
    SparseFloatVector,
    /// `POINT SRID 0` (Milvus 2.6's `GEOMETRY`, here points only): values are WKT
    /// (`"POINT (1 2)"`), `[x, y]` or `{"x", "y", "srid"}`, returned as `{"x", "y", "srid"}`.
    Geometry,
}

impl DataType {
    /// Old name of [`DataType::Bool`].
    #[deprecated(since = "0.1.0", note = "use DataType::Bool")]
    pub const BOOL: DataType = DataType::Bool;
    /// Old name of [`DataType::Int8`].
    #[deprecated(since = "0.1.0", note = "use DataType::Int8")]
    pub const INT8: DataType = DataType::Int8;
    /// Old name of [`DataType::Int16`].
    #[deprecated(since = "0.1.0", note = "use DataType::Int16")]
    pub const INT16: DataType = DataType::Int16;
    /// Old name of [`DataType::Int32`].
    #[deprecated(since = "0.1.0", note = "use DataType::Int32")]
    pub const INT32: DataType = DataType::Int32;
    /// Old name of [`DataType::Int64`].
    #[deprecated(since = "0.1.0", note = "use DataType::Int64")]
    pub const INT64: DataType = DataType::Int64;
    /// Old name of [`DataType::Float`].
    #[deprecated(since = "0.1.0", note = "use DataType::Float")]
    pub const FLOAT: DataType = DataType::Float;
    /// Old name of [`DataType::Double`].
    #[deprecated(since = "0.1.0", note = "use DataType::Double")]
    pub const DOUBLE: DataType = DataType::Double;
    /// Old name of [`DataType::String`].
    #[deprecated(since = "0.1.0", note = "use DataType::String")]
    pub const STRING: DataType = DataType::String;
    /// Old name of [`DataType::VarChar`].
    #[deprecated(since = "0.1.0", note = "use DataType::VarChar")]
    pub const VARCHAR: DataType = DataType::VarChar;
    /// Old name of [`DataType::Array`].
    #[deprecated(since = "0.1.0", note = "use DataType::Array")]
    pub const ARRAY: DataType = DataType::Array;
    /// Old name of [`DataType::Json`].
    #[deprecated(since = "0.1.0", note = "use DataType::Json")]
    pub const JSON: DataType = DataType::Json;
    /// Old name of [`DataType::FloatVector`].
    #[deprecated(since = "0.1.0", note = "use DataType::FloatVector")]
    pub const FLOAT_VECTOR: DataType = DataType::FloatVector;
    /// Old name of [`DataType::SparseFloatVector`].
    #[deprecated(since = "0.1.0", note = "use DataType::SparseFloatVector")]
    pub const SPARSE_FLOAT_VECTOR: DataType = DataType::SparseFloatVector;

    /// Parses a name (`"INT64"`, `"int64"`, `"FloatVector"`, ...).
    pub fn parse(name: &str) -> Result<Self> {
        let n: String = name
            .chars()
            .filter(|c| *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();
        Ok(match n.as_str() {
            "BOOL" | "BOOLEAN" => DataType::Bool,
            "INT8" => DataType::Int8,
            "INT16" => DataType::Int16,
            "INT32" => DataType::Int32,
            "INT64" => DataType::Int64,
            "FLOAT" => DataType::Float,
            "DOUBLE" => DataType::Double,
            "STRING" => DataType::String,
            "VARCHAR" => DataType::VarChar,
            "ARRAY" => DataType::Array,
            "JSON" => DataType::Json,
            "FLOATVECTOR" => DataType::FloatVector,
            "SPARSEFLOATVECTOR" => DataType::SparseFloatVector,
            "GEOMETRY" => DataType::Geometry,
            _ => {
                return Err(Error::validation(
                    "datatype",
                    format!("unknown data type `{name}`"),
                ))
            }
        })
    }

    pub(super) fn scalar_type(self) -> Option<ColumnType> {
        Some(match self {
            DataType::Bool => ColumnType::Bool,
            DataType::Int8 => ColumnType::TinyInt,
            DataType::Int16 => ColumnType::SmallInt,
            DataType::Int32 => ColumnType::Int,
            DataType::Int64 => ColumnType::BigInt,
            DataType::Float => ColumnType::Float,
            DataType::Double => ColumnType::Double,
            DataType::String => ColumnType::LongText,
            DataType::Json => ColumnType::Json,
            DataType::SparseFloatVector => ColumnType::SparseVector,
            // SRID 0: the one seekdb 1.4 knows, and what a SPATIAL index needs.
            DataType::Geometry => ColumnType::Point(Some(0)),
            _ => return None,
        })
    }

    /// The Milvus name (`INT64`, `FLOAT_VECTOR`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Bool => "BOOL",
            DataType::Int8 => "INT8",
            DataType::Int16 => "INT16",
            DataType::Int32 => "INT32",
            DataType::Int64 => "INT64",
            DataType::Float => "FLOAT",
            DataType::Double => "DOUBLE",
            DataType::String => "STRING",
            DataType::VarChar => "VARCHAR",
            DataType::Array => "ARRAY",
            DataType::Json => "JSON",
            DataType::FloatVector => "FLOAT_VECTOR",
            DataType::SparseFloatVector => "SPARSE_FLOAT_VECTOR",
            DataType::Geometry => "GEOMETRY",
        }
    }

    /// The Milvus type of a column type, or `None` when Milvus has none (unsigned
    /// integers, DECIMAL, CHAR, dates, arrays of other than numbers, BOOL or VARCHAR).
    /// The inverse of the column type each data type creates.
    pub fn of_column_type(ty: &ColumnType) -> Option<DataType> {
        Some(match ty {
            ColumnType::TinyInt => DataType::Int8,
            ColumnType::SmallInt => DataType::Int16,
            ColumnType::Int => DataType::Int32,
            ColumnType::BigInt => DataType::Int64,
            ColumnType::Float => DataType::Float,
            ColumnType::Double => DataType::Double,
            ColumnType::Bool => DataType::Bool,
            ColumnType::Varchar(_) => DataType::VarChar,
            ColumnType::Text | ColumnType::LongText => DataType::String,
            ColumnType::Json => DataType::Json,
            ColumnType::Vector(_) => DataType::FloatVector,
            ColumnType::SparseVector => DataType::SparseFloatVector,
            ColumnType::Point(_) => DataType::Geometry,
            ColumnType::Array(e) => match DataType::of_column_type(e)? {
                DataType::String | DataType::Json | DataType::Array => return None,
                DataType::FloatVector | DataType::SparseFloatVector => return None,
                _ => DataType::Array,
            },
            _ => return None,
        })
    }

    /// Whether it is an integer type.
    pub fn is_int(self) -> bool {
        matches!(
            self,
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64
        )
    }
}

impl std::fmt::Display for DataType {
    /// The Milvus name (`FLOAT_VECTOR`), as pymilvus prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DataType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}
