//! The column-type grammar: [`SqlType`] parsed from and rendered to SQL, its size
//! rules, and [`classify`] for the (looser) type strings the server reports in
//! `information_schema.COLUMNS.COLUMN_TYPE`.

use crate::{
    MAX_ARRAY_DEPTH, MAX_CHAR_LEN, MAX_DECIMAL_PRECISION, MAX_DECIMAL_SCALE, MAX_DIMENSIONS,
    MAX_VARCHAR_LEN,
};

/// A column type a table declares.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// `TINYINT`, `UNSIGNED` when `true`.
    TinyInt(bool),
    /// `SMALLINT`, `UNSIGNED` when `true`.
    SmallInt(bool),
    /// `INT`, `UNSIGNED` when `true`.
    Int(bool),
    /// `BIGINT`, `UNSIGNED` when `true`.
    BigInt(bool),
    /// `FLOAT`.
    Float,
    /// `DOUBLE`.
    Double,
    /// `DECIMAL(precision, scale)`.
    Decimal(u32, u32),
    /// `VARCHAR(n)`.
    Varchar(u32),
    /// `CHAR(n)`.
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
    /// `BOOL` (`TINYINT(1)`).
    Bool,
    /// `VECTOR(dim)`.
    Vector(u32),
    /// `SPARSEVECTOR`.
    SparseVector,
    /// `ARRAY(element)`.
    Array(Box<SqlType>),
}

/// What [`parse`] accepts, for error messages.
pub const EXPECTED: &str = "an integer type, FLOAT, DOUBLE, DECIMAL(p, s), VARCHAR(n), CHAR(n), \
                            TEXT, LONGTEXT, JSON, DATETIME, TIMESTAMP, DATE, BOOL, VECTOR(n), \
                            SPARSEVECTOR or ARRAY(...)";

/// Parses a type: the spellings [`SqlType::render`] produces, case-insensitively and
/// with any spacing, plus `INTEGER`, `BOOLEAN`, `NUMERIC(p, s)` and `TINYINT(1)`. The
/// result also passes [`SqlType::check`].
pub fn parse(text: &str) -> Result<SqlType, String> {
    let t = parse_unchecked(text)?;
    t.check()?;
    Ok(t)
}

fn parse_unchecked(text: &str) -> Result<SqlType, String> {
    let s = text.trim().to_ascii_uppercase();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.replace(' ', "") == "TINYINT(1)" {
        return Ok(SqlType::Bool);
    }
    let (head, args) = match s.find('(') {
        Some(i) if s.ends_with(')') => (s[..i].trim(), Some(&s[i + 1..s.len() - 1])),
        Some(_) => return Err(format!("unbalanced parentheses in `{text}`")),
        None => (s.as_str(), None),
    };
    let nums = |n: usize| -> Result<Vec<u32>, String> {
        let a = args.ok_or_else(|| format!("`{head}` needs {n} argument(s)"))?;
        let v = a
            .split(',')
            .map(|x| x.trim().parse::<u32>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| format!("`{head}({a})`: expected numbers"))?;
        if v.len() != n {
            return Err(format!("`{head}` takes {n} argument(s)"));
        }
        Ok(v)
    };
    let no_args = |t: SqlType| -> Result<SqlType, String> {
        match args {
            None => Ok(t),
            Some(_) => Err(format!("`{head}` takes no arguments")),
        }
    };
    Ok(match head {
        "BOOL" | "BOOLEAN" => no_args(SqlType::Bool)?,
        "FLOAT" => no_args(SqlType::Float)?,
        "DOUBLE" => no_args(SqlType::Double)?,
        "TEXT" => no_args(SqlType::Text)?,
        "LONGTEXT" => no_args(SqlType::LongText)?,
        "JSON" => no_args(SqlType::Json)?,
        "DATETIME" => no_args(SqlType::DateTime)?,
        "TIMESTAMP" => no_args(SqlType::Timestamp)?,
        "DATE" => no_args(SqlType::Date)?,
        "SPARSEVECTOR" => no_args(SqlType::SparseVector)?,
        "DECIMAL" | "NUMERIC" => {
            let v = nums(2)?;
            SqlType::Decimal(v[0], v[1])
        }
        "VARCHAR" => SqlType::Varchar(nums(1)?[0]),
        "CHAR" => SqlType::Char(nums(1)?[0]),
        "VECTOR" => SqlType::Vector(nums(1)?[0]),
        "ARRAY" => {
            let inner = args.ok_or("`ARRAY` needs an element type")?;
            SqlType::Array(Box::new(parse_unchecked(inner)?))
        }
        other => {
            let (base, unsigned) = match other.strip_suffix(" UNSIGNED") {
                Some(b) => (b, true),
                None => (other, false),
            };
            let t = match base {
                "TINYINT" => SqlType::TinyInt(unsigned),
                "SMALLINT" => SqlType::SmallInt(unsigned),
                "INT" | "INTEGER" => SqlType::Int(unsigned),
                "BIGINT" => SqlType::BigInt(unsigned),
                _ => return Err(format!("unknown SQL type `{text}`; expected {EXPECTED}")),
            };
            no_args(t)?
        }
    })
}

impl SqlType {
    /// The SQL spelling (`DECIMAL(10, 2)`, `INT UNSIGNED`, `ARRAY(VECTOR(3))`).
    pub fn render(&self) -> String {
        let unsigned = |base: &str, u: bool| {
            if u {
                format!("{base} UNSIGNED")
            } else {
                base.to_string()
            }
        };
        match self {
            SqlType::TinyInt(u) => unsigned("TINYINT", *u),
            SqlType::SmallInt(u) => unsigned("SMALLINT", *u),
            SqlType::Int(u) => unsigned("INT", *u),
            SqlType::BigInt(u) => unsigned("BIGINT", *u),
            SqlType::Float => "FLOAT".into(),
            SqlType::Double => "DOUBLE".into(),
            SqlType::Decimal(p, s) => format!("DECIMAL({p}, {s})"),
            SqlType::Varchar(n) => format!("VARCHAR({n})"),
            SqlType::Char(n) => format!("CHAR({n})"),
            SqlType::Text => "TEXT".into(),
            SqlType::LongText => "LONGTEXT".into(),
            SqlType::Json => "JSON".into(),
            SqlType::DateTime => "DATETIME".into(),
            SqlType::Timestamp => "TIMESTAMP".into(),
            SqlType::Date => "DATE".into(),
            SqlType::Bool => "BOOL".into(),
            SqlType::Vector(d) => format!("VECTOR({d})"),
            SqlType::SparseVector => "SPARSEVECTOR".into(),
            SqlType::Array(e) => format!("ARRAY({})", e.render()),
        }
    }

    /// Integer types (the ones `AUTO_INCREMENT` accepts).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            SqlType::TinyInt(_) | SqlType::SmallInt(_) | SqlType::Int(_) | SqlType::BigInt(_)
        )
    }

    /// Types a full-text index can cover.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            SqlType::Varchar(_) | SqlType::Char(_) | SqlType::Text | SqlType::LongText
        )
    }

    /// Types that take no default and no normal index / primary key.
    pub fn is_lob_like(&self) -> bool {
        matches!(
            self,
            SqlType::Text
                | SqlType::LongText
                | SqlType::Json
                | SqlType::Vector(_)
                | SqlType::SparseVector
                | SqlType::Array(_)
        )
    }

    /// Types an `ARRAY(...)` may hold.
    pub fn is_array_element(&self) -> bool {
        self.is_integer()
            || matches!(
                self,
                SqlType::Float
                    | SqlType::Double
                    | SqlType::Bool
                    | SqlType::Varchar(_)
                    | SqlType::Vector(_)
                    | SqlType::Array(_)
            )
    }

    /// Checks sizes (VECTOR 1..=16000, DECIMAL precision 1..=65 and scale ≤ 30 and ≤
    /// precision, VARCHAR 1..=262144, CHAR 1..=255) and array elements and depth (≤ 6).
    pub fn check(&self) -> Result<(), String> {
        self.check_depth(0)
    }

    fn check_depth(&self, depth: usize) -> Result<(), String> {
        match self {
            SqlType::Vector(d) if *d == 0 || *d > MAX_DIMENSIONS => Err(format!(
                "VECTOR dimension must be 1..={MAX_DIMENSIONS}, got {d}"
            )),
            SqlType::Decimal(p, s)
                if *p == 0 || *p > MAX_DECIMAL_PRECISION || *s > MAX_DECIMAL_SCALE || s > p =>
            {
                Err(format!(
                    "DECIMAL({p}, {s}): precision must be 1..={MAX_DECIMAL_PRECISION}, \
                     scale <= {MAX_DECIMAL_SCALE} and <= precision"
                ))
            }
            SqlType::Varchar(n) if *n == 0 || *n > MAX_VARCHAR_LEN => Err(format!(
                "VARCHAR length must be 1..={MAX_VARCHAR_LEN}, got {n}"
            )),
            SqlType::Char(n) if *n == 0 || *n > MAX_CHAR_LEN => {
                Err(format!("CHAR length must be 1..={MAX_CHAR_LEN}, got {n}"))
            }
            SqlType::Array(e) => {
                if depth + 1 > MAX_ARRAY_DEPTH {
                    return Err(format!("ARRAY nesting deeper than {MAX_ARRAY_DEPTH}"));
                }
                if !e.is_array_element() {
                    return Err(format!(
                        "seekdb does not support ARRAY({}): elements may be integers, \
                         FLOAT, DOUBLE, BOOL, VARCHAR(n), VECTOR(n) or ARRAY",
                        e.render()
                    ));
                }
                e.check_depth(depth + 1)
            }
            _ => Ok(()),
        }
    }
}

/// What a server-reported type holds, for value conversion and Milvus mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeClass {
    /// An integer type of `bits` bits (8, 16, 24, 32 or 64).
    Integer {
        /// Storage width.
        bits: u8,
        /// `UNSIGNED`.
        unsigned: bool,
    },
    /// `BOOL` / `TINYINT(1)`.
    Bool,
    /// `FLOAT` (single precision).
    Float,
    /// `DOUBLE` / `REAL`.
    Double,
    /// `DECIMAL` / `NUMERIC`: exact, converted through a double.
    Decimal,
    /// Character types; `length` for `CHAR(n)` / `VARCHAR(n)` / `(VAR)BINARY(n)`.
    Text {
        /// The declared length, when the type has one.
        length: Option<u32>,
        /// `BINARY` / `VARBINARY` (byte-exact comparison).
        binary: bool,
    },
    /// `JSON`.
    Json,
    /// `VECTOR(dim)`.
    Vector(u32),
    /// `SPARSEVECTOR`.
    SparseVector,
    /// `ARRAY(element)`, the element as the server spells it.
    Array(String),
    /// `DATE`, `DATETIME`, `TIMESTAMP`, `TIME`, `YEAR`.
    Temporal,
    /// Anything else.
    Other,
}

/// Classifies a type string as the server reports it (`bigint(20) unsigned`,
/// `decimal(10,2)`, `tinyint(1)`, `VECTOR(768)`, `ARRAY(VARCHAR(20))`, ...).
pub fn classify(server_type: &str) -> TypeClass {
    let lower = server_type.trim().to_ascii_lowercase();
    let base = lower.split(['(', ' ']).next().unwrap_or_default();
    let inner = || {
        let start = server_type.find('(')? + 1;
        let end = server_type.rfind(')')?;
        server_type.get(start..end).map(str::trim)
    };
    let int = |bits: u8| TypeClass::Integer {
        bits,
        unsigned: lower.contains("unsigned"),
    };
    let text = |binary: bool| TypeClass::Text {
        length: inner().and_then(|n| n.parse().ok()),
        binary,
    };
    match base {
        "vector" => inner()
            .and_then(|d| d.parse().ok())
            .map(TypeClass::Vector)
            .unwrap_or(TypeClass::Other),
        "sparsevector" => TypeClass::SparseVector,
        "array" => TypeClass::Array(inner().unwrap_or_default().to_string()),
        "tinyint" if lower.replace(' ', "").starts_with("tinyint(1)") => TypeClass::Bool,
        "bool" | "boolean" => TypeClass::Bool,
        "tinyint" => int(8),
        "smallint" => int(16),
        "mediumint" => int(24),
        "int" | "integer" => int(32),
        "bigint" => int(64),
        "float" => TypeClass::Float,
        "double" | "real" => TypeClass::Double,
        "decimal" | "numeric" => TypeClass::Decimal,
        "char" | "varchar" => text(false),
        "binary" | "varbinary" => text(true),
        "tinytext" | "text" | "mediumtext" | "longtext" | "enum" | "set" => TypeClass::Text {
            length: None,
            binary: false,
        },
        "json" => TypeClass::Json,
        "date" | "datetime" | "timestamp" | "time" | "year" => TypeClass::Temporal,
        _ => TypeClass::Other,
    }
}
