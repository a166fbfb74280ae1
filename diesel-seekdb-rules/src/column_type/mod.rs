//! The one column-type type, [`ColumnType`]: what the table builder renders, what the
//! derive generates, what table metadata parses from the server and what the Milvus
//! layer maps onto its data types. Its grammar ([`parse`], [`ColumnType::from_server`])
//! lives in `parse.rs`; its sizes and element rules in [`ColumnType::check`].

use crate::{
    Violation, MAX_ARRAY_DEPTH, MAX_BINARY_LEN, MAX_CHAR_LEN, MAX_DECIMAL_PRECISION,
    MAX_DECIMAL_SCALE, MAX_DIMENSIONS, MAX_VARBINARY_LEN, MAX_VARCHAR_LEN,
};

mod parse;

pub use parse::{parse, EXPECTED};

/// A column type: parsed from and rendered to SQL, used by the table builder
/// (`diesel_seekdb::ddl::ColumnType`), `#[derive(SeekdbTable)]`, the clients' table
/// metadata and the Milvus schema.
///
/// ```
/// use diesel_seekdb_rules::column_type::ColumnType;
/// let t = ColumnType::array(ColumnType::Varchar(20));
/// assert_eq!(t.to_sql(), "ARRAY(VARCHAR(20))");
/// assert_eq!(ColumnType::parse("array(varchar(20))").unwrap(), t);
/// // What the server reports in information_schema, display widths and all.
/// assert_eq!(ColumnType::from_server("bigint(20) unsigned"), Some(ColumnType::BigIntUnsigned));
/// assert_eq!(ColumnType::from_server("geometry"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// `TINYINT`.
    TinyInt,
    /// `TINYINT UNSIGNED`.
    TinyIntUnsigned,
    /// `SMALLINT`.
    SmallInt,
    /// `SMALLINT UNSIGNED`.
    SmallIntUnsigned,
    /// `INT`.
    Int,
    /// `INT UNSIGNED`.
    IntUnsigned,
    /// `BIGINT`.
    BigInt,
    /// `BIGINT UNSIGNED`.
    BigIntUnsigned,
    /// `FLOAT`.
    Float,
    /// `DOUBLE`.
    Double,
    /// `DECIMAL(precision, scale)` (precision 1–65, scale ≤ 30 and ≤ precision).
    Decimal(u32, u32),
    /// `VARCHAR(n)` (1–262144 characters).
    Varchar(u32),
    /// `CHAR(n)` (1–255 characters).
    Char(u32),
    /// `TEXT`.
    Text,
    /// `LONGTEXT`.
    LongText,
    /// `JSON`.
    Json,
    /// `DATETIME`.
    DateTime,
    /// `TIMESTAMP`.
    Timestamp,
    /// `DATE`.
    Date,
    /// `BOOL` (stored as `TINYINT(1)`).
    Bool,
    /// `VECTOR(dim)`, 1 ≤ dim ≤ 16000.
    Vector(u32),
    /// `SPARSEVECTOR`.
    SparseVector,
    /// `ARRAY(element)`: elements may be integer types (not MEDIUMINT), FLOAT, DOUBLE,
    /// BOOL, VARCHAR(n), VECTOR(n) or a nested ARRAY (depth ≤ 6).
    Array(Box<ColumnType>),
    /// `MEDIUMINT`.
    MediumInt,
    /// `MEDIUMINT UNSIGNED`.
    MediumIntUnsigned,
    /// `TIME`.
    Time,
    /// `YEAR`.
    Year,
    /// `BINARY(n)` (1–256 bytes).
    Binary(u32),
    /// `VARBINARY(n)` (1–1048576 bytes); also how the server reports a
    /// `VARCHAR(n) CHARACTER SET binary` column.
    VarBinary(u32),
    /// `TINYTEXT`.
    TinyText,
    /// `MEDIUMTEXT`.
    MediumText,
    /// `ENUM('a', 'b', ...)`.
    Enum(Vec<String>),
    /// `SET('a', 'b', ...)`.
    Set(Vec<String>),
    /// `POINT [SRID n]`: a 2-D point. seekdb 1.4 knows only SRID 0 (it refuses
    /// `SRID 4326` with error 3548); a `SPATIAL` index needs `NOT NULL` and an SRID.
    /// The server reports the type as plain `point` (`Point(None)`): the SRID is in
    /// `information_schema.COLUMNS.SRS_ID`.
    Point(Option<u32>),
}

impl ColumnType {
    /// `ARRAY(element)`.
    pub fn array(element: ColumnType) -> Self {
        ColumnType::Array(Box::new(element))
    }

    /// Parses a declared type (case-insensitively, any spacing): every spelling
    /// [`ColumnType::to_sql`] renders, plus `INTEGER`, `BOOLEAN`, `REAL`,
    /// `NUMERIC(p, s)` and `TINYINT(1)`. Sizes are checked ([`ColumnType::check`]); a
    /// refusal names the parameter `column_type`.
    ///
    /// ```
    /// use diesel_seekdb_rules::column_type::ColumnType;
    /// assert_eq!(ColumnType::parse("vector(3)").unwrap(), ColumnType::Vector(3));
    /// assert_eq!(ColumnType::parse("ARRAY(int unsigned)").unwrap(), ColumnType::array(ColumnType::IntUnsigned));
    /// assert!(ColumnType::parse("VECTOR(0)").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, Violation> {
        parse(text).map_err(|reason| Violation::new("column_type", reason))
    }

    /// Reads a type as the server reports it in `information_schema.COLUMNS.COLUMN_TYPE`
    /// (`int(11)`, `bigint(20) unsigned`, `tinyint(1)`, `decimal(10,2)`, `datetime(6)`,
    /// `VECTOR(768)`, `ARRAY(VARCHAR(20))`, `enum('a','b')`, ...). Display widths,
    /// fractional-second precisions and `FLOAT(p, s)` are dropped; sizes are not
    /// checked (the server has already accepted the column). `None` for types this enum
    /// does not model (`BLOB`, `BIT`, `GEOMETRY`, ...).
    pub fn from_server(text: &str) -> Option<Self> {
        parse::parse_server(text)
    }

    /// The SQL spelling (`DECIMAL(10, 2)`, `INT UNSIGNED`, `ARRAY(VECTOR(3))`).
    pub fn to_sql(&self) -> String {
        match self {
            ColumnType::TinyInt => "TINYINT".into(),
            ColumnType::TinyIntUnsigned => "TINYINT UNSIGNED".into(),
            ColumnType::SmallInt => "SMALLINT".into(),
            ColumnType::SmallIntUnsigned => "SMALLINT UNSIGNED".into(),
            ColumnType::MediumInt => "MEDIUMINT".into(),
            ColumnType::MediumIntUnsigned => "MEDIUMINT UNSIGNED".into(),
            ColumnType::Int => "INT".into(),
            ColumnType::IntUnsigned => "INT UNSIGNED".into(),
            ColumnType::BigInt => "BIGINT".into(),
            ColumnType::BigIntUnsigned => "BIGINT UNSIGNED".into(),
            ColumnType::Float => "FLOAT".into(),
            ColumnType::Double => "DOUBLE".into(),
            ColumnType::Decimal(p, s) => format!("DECIMAL({p}, {s})"),
            ColumnType::Varchar(n) => format!("VARCHAR({n})"),
            ColumnType::Char(n) => format!("CHAR({n})"),
            ColumnType::Binary(n) => format!("BINARY({n})"),
            ColumnType::VarBinary(n) => format!("VARBINARY({n})"),
            ColumnType::TinyText => "TINYTEXT".into(),
            ColumnType::Text => "TEXT".into(),
            ColumnType::MediumText => "MEDIUMTEXT".into(),
            ColumnType::LongText => "LONGTEXT".into(),
            ColumnType::Json => "JSON".into(),
            ColumnType::DateTime => "DATETIME".into(),
            ColumnType::Timestamp => "TIMESTAMP".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time => "TIME".into(),
            ColumnType::Year => "YEAR".into(),
            ColumnType::Bool => "BOOL".into(),
            ColumnType::Vector(d) => format!("VECTOR({d})"),
            ColumnType::SparseVector => "SPARSEVECTOR".into(),
            ColumnType::Array(e) => format!("ARRAY({})", e.to_sql()),
            ColumnType::Enum(values) => format!("ENUM({})", quote_list(values)),
            ColumnType::Set(values) => format!("SET({})", quote_list(values)),
            ColumnType::Point(None) => "POINT".into(),
            ColumnType::Point(Some(srid)) => format!("POINT SRID {srid}"),
        }
    }

    /// The shared grammar's spelling; the same as [`ColumnType::to_sql`].
    pub fn render(&self) -> String {
        self.to_sql()
    }

    /// This type (kept from when the runtime and the rules had two enums).
    #[deprecated(note = "`ddl::ColumnType` and the rules' type are one type now")]
    pub fn to_rules(&self) -> ColumnType {
        self.clone()
    }

    /// The declared dimension of a `VECTOR(dim)`.
    pub fn vector_dim(&self) -> Option<u32> {
        match self {
            ColumnType::Vector(d) => Some(*d),
            _ => None,
        }
    }

    /// Integer types (the ones `AUTO_INCREMENT` accepts).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::TinyInt
                | ColumnType::TinyIntUnsigned
                | ColumnType::SmallInt
                | ColumnType::SmallIntUnsigned
                | ColumnType::MediumInt
                | ColumnType::MediumIntUnsigned
                | ColumnType::Int
                | ColumnType::IntUnsigned
                | ColumnType::BigInt
                | ColumnType::BigIntUnsigned
        )
    }

    /// `UNSIGNED` integer types.
    pub fn is_unsigned(&self) -> bool {
        matches!(
            self,
            ColumnType::TinyIntUnsigned
                | ColumnType::SmallIntUnsigned
                | ColumnType::MediumIntUnsigned
                | ColumnType::IntUnsigned
                | ColumnType::BigIntUnsigned
        )
    }

    /// Types a full-text index can cover.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            ColumnType::Varchar(_)
                | ColumnType::Char(_)
                | ColumnType::TinyText
                | ColumnType::Text
                | ColumnType::MediumText
                | ColumnType::LongText
        )
    }

    /// Types that take no default and no normal index / primary key.
    pub fn is_lob_like(&self) -> bool {
        matches!(
            self,
            ColumnType::TinyText
                | ColumnType::Text
                | ColumnType::MediumText
                | ColumnType::LongText
                | ColumnType::Json
                | ColumnType::Vector(_)
                | ColumnType::SparseVector
                | ColumnType::Array(_)
        )
    }

    /// Types an `ARRAY(...)` may hold (seekdb refuses `ARRAY(MEDIUMINT)` with 1235).
    pub fn is_array_element(&self) -> bool {
        (self.is_integer()
            && !matches!(self, ColumnType::MediumInt | ColumnType::MediumIntUnsigned))
            || matches!(
                self,
                ColumnType::Float
                    | ColumnType::Double
                    | ColumnType::Bool
                    | ColumnType::Varchar(_)
                    | ColumnType::Vector(_)
                    | ColumnType::Array(_)
            )
    }

    /// Checks sizes (VECTOR 1..=16000, DECIMAL precision 1..=65 and scale ≤ 30 and ≤
    /// precision, VARCHAR 1..=262144, CHAR 1..=255, BINARY 1..=256, VARBINARY
    /// 1..=1048576, at least one ENUM/SET value) and array elements and depth (≤ 6).
    pub fn check(&self) -> Result<(), String> {
        self.check_depth(0)
    }

    /// [`ColumnType::check`], the refusal naming `parameter`.
    pub fn validate(&self, parameter: &str) -> Result<(), Violation> {
        self.check()
            .map_err(|reason| Violation::new(parameter.to_string(), reason))
    }

    fn check_depth(&self, depth: usize) -> Result<(), String> {
        let length = |what: &str, n: u32, max: u32| {
            if n == 0 || n > max {
                Err(format!("{what} length must be 1..={max}, got {n}"))
            } else {
                Ok(())
            }
        };
        match self {
            ColumnType::Vector(d) if *d == 0 || *d > MAX_DIMENSIONS => Err(format!(
                "VECTOR dimension must be 1..={MAX_DIMENSIONS}, got {d}"
            )),
            ColumnType::Decimal(p, s)
                if *p == 0 || *p > MAX_DECIMAL_PRECISION || *s > MAX_DECIMAL_SCALE || s > p =>
            {
                Err(format!(
                    "DECIMAL({p}, {s}): precision must be 1..={MAX_DECIMAL_PRECISION}, \
                     scale <= {MAX_DECIMAL_SCALE} and <= precision"
                ))
            }
            ColumnType::Varchar(n) => length("VARCHAR", *n, MAX_VARCHAR_LEN),
            ColumnType::Char(n) => length("CHAR", *n, MAX_CHAR_LEN),
            ColumnType::Binary(n) => length("BINARY", *n, MAX_BINARY_LEN),
            ColumnType::VarBinary(n) => length("VARBINARY", *n, MAX_VARBINARY_LEN),
            ColumnType::Enum(v) | ColumnType::Set(v) if v.is_empty() => {
                Err("ENUM and SET need at least one value".into())
            }
            ColumnType::Array(e) => {
                if depth + 1 > MAX_ARRAY_DEPTH {
                    return Err(format!("ARRAY nesting deeper than {MAX_ARRAY_DEPTH}"));
                }
                if !e.is_array_element() {
                    return Err(format!(
                        "seekdb does not support ARRAY({}): elements may be integers, \
                         FLOAT, DOUBLE, BOOL, VARCHAR(n), VECTOR(n) or ARRAY",
                        e.to_sql()
                    ));
                }
                e.check_depth(depth + 1)
            }
            _ => Ok(()),
        }
    }
}

/// `'a', 'it''s'`: SQL string literals, quotes doubled and backslashes escaped.
fn quote_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Display for ColumnType {
    /// The SQL spelling ([`ColumnType::to_sql`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_sql())
    }
}

impl std::str::FromStr for ColumnType {
    type Err = Violation;
    fn from_str(s: &str) -> Result<Self, Violation> {
        Self::parse(s)
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
