//! Column types: inferred from a field's Rust type or parsed from
//! `#[seekdb(sql_type = "...")]`, rendered as `diesel_seekdb::ddl::ColumnType` and
//! mapped onto Milvus data types.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericArgument, PathArguments, Type};

use crate::rules::MAX_DIMENSIONS;

/// Mirrors `diesel_seekdb::ddl::ColumnType`.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlType {
    TinyInt(bool),
    SmallInt(bool),
    Int(bool),
    BigInt(bool),
    Float,
    Double,
    Decimal(u32, u32),
    Varchar(u32),
    Char(u32),
    Text,
    LongText,
    Json,
    DateTime,
    Timestamp,
    Date,
    Bool,
    Vector(u32),
    SparseVector,
    Array(Box<SqlType>),
}

/// What a field's Rust type says about its column.
pub enum Inferred {
    /// A fixed SQL type.
    Known(SqlType),
    /// `String`: VARCHAR by default, or TEXT.
    String,
    /// `Vector`: needs `vector(dim = N)`.
    Vector,
    /// Nothing known.
    Unknown,
}

/// `Option<T>` -> `Some(T)`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match (args.args.len(), args.args.first()) {
        (1, Some(GenericArgument::Type(t))) => Some(t),
        _ => None,
    }
}

/// Infers the column type from the last path segment of `ty` (so `Vector`,
/// `diesel_seekdb::Vector` and `chrono::NaiveDateTime` are all recognised).
pub fn infer(ty: &Type) -> Inferred {
    let Type::Path(p) = ty else {
        return Inferred::Unknown;
    };
    let Some(last) = p.path.segments.last() else {
        return Inferred::Unknown;
    };
    if !matches!(last.arguments, PathArguments::None) {
        return Inferred::Unknown;
    }
    let t = match last.ident.to_string().as_str() {
        "i8" => SqlType::TinyInt(false),
        "u8" => SqlType::TinyInt(true),
        "i16" => SqlType::SmallInt(false),
        "u16" => SqlType::SmallInt(true),
        "i32" => SqlType::Int(false),
        "u32" => SqlType::Int(true),
        "i64" => SqlType::BigInt(false),
        "u64" => SqlType::BigInt(true),
        "f32" => SqlType::Float,
        "f64" => SqlType::Double,
        "bool" => SqlType::Bool,
        "Value" => SqlType::Json,
        "NaiveDateTime" => SqlType::DateTime,
        "NaiveDate" => SqlType::Date,
        "SparseVector" => SqlType::SparseVector,
        "String" => return Inferred::String,
        "Vector" => return Inferred::Vector,
        _ => return Inferred::Unknown,
    };
    Inferred::Known(t)
}

/// Parses `#[seekdb(sql_type = "...")]`: the spellings `ColumnType::to_sql` renders,
/// case-insensitively, plus `INTEGER`, `BOOLEAN` and `TINYINT(1)`.
pub fn parse(text: &str) -> Result<SqlType, String> {
    let s = text.trim().to_ascii_uppercase();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s == "TINYINT(1)" {
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
    let t = match head {
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
        "DECIMAL" => {
            let v = nums(2)?;
            if v[0] == 0 || v[0] > 65 || v[1] > 30 || v[1] > v[0] {
                return Err("DECIMAL(p, s): precision 1..=65, scale <= 30 and <= precision".into());
            }
            SqlType::Decimal(v[0], v[1])
        }
        "VARCHAR" => {
            let n = nums(1)?[0];
            if n == 0 || n > 262_144 {
                return Err(format!("VARCHAR length must be 1..=262144, got {n}"));
            }
            SqlType::Varchar(n)
        }
        "CHAR" => {
            let n = nums(1)?[0];
            if n == 0 || n > 255 {
                return Err(format!("CHAR length must be 1..=255, got {n}"));
            }
            SqlType::Char(n)
        }
        "VECTOR" => {
            let d = nums(1)?[0];
            if d == 0 || u64::from(d) > MAX_DIMENSIONS {
                return Err(format!(
                    "VECTOR dimension must be 1..={MAX_DIMENSIONS}, got {d}"
                ));
            }
            SqlType::Vector(d)
        }
        "ARRAY" => {
            let inner = args.ok_or("`ARRAY` needs an element type")?;
            let e = parse(inner)?;
            let ok = matches!(
                e,
                SqlType::TinyInt(_)
                    | SqlType::SmallInt(_)
                    | SqlType::Int(_)
                    | SqlType::BigInt(_)
                    | SqlType::Float
                    | SqlType::Double
                    | SqlType::Bool
                    | SqlType::Varchar(_)
                    | SqlType::Vector(_)
                    | SqlType::Array(_)
            );
            if !ok {
                return Err(format!("seekdb arrays cannot hold {inner}"));
            }
            SqlType::Array(Box::new(e))
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
                _ => {
                    return Err(format!(
                        "unknown SQL type `{text}`; expected an integer type, FLOAT, DOUBLE, \
                         DECIMAL(p, s), VARCHAR(n), CHAR(n), TEXT, LONGTEXT, JSON, DATETIME, \
                         TIMESTAMP, DATE, BOOL, VECTOR(n), SPARSEVECTOR or ARRAY(...)"
                    ))
                }
            };
            no_args(t)?
        }
    };
    Ok(t)
}

impl SqlType {
    /// A `diesel_seekdb::ddl::ColumnType` expression.
    pub fn tokens(&self) -> TokenStream {
        let ct = quote!(::diesel_seekdb::ddl::ColumnType);
        match self {
            SqlType::TinyInt(false) => quote!(#ct::TinyInt),
            SqlType::TinyInt(true) => quote!(#ct::TinyIntUnsigned),
            SqlType::SmallInt(false) => quote!(#ct::SmallInt),
            SqlType::SmallInt(true) => quote!(#ct::SmallIntUnsigned),
            SqlType::Int(false) => quote!(#ct::Int),
            SqlType::Int(true) => quote!(#ct::IntUnsigned),
            SqlType::BigInt(false) => quote!(#ct::BigInt),
            SqlType::BigInt(true) => quote!(#ct::BigIntUnsigned),
            SqlType::Float => quote!(#ct::Float),
            SqlType::Double => quote!(#ct::Double),
            SqlType::Decimal(p, s) => quote!(#ct::Decimal(#p, #s)),
            SqlType::Varchar(n) => quote!(#ct::Varchar(#n)),
            SqlType::Char(n) => quote!(#ct::Char(#n)),
            SqlType::Text => quote!(#ct::Text),
            SqlType::LongText => quote!(#ct::LongText),
            SqlType::Json => quote!(#ct::Json),
            SqlType::DateTime => quote!(#ct::DateTime),
            SqlType::Timestamp => quote!(#ct::Timestamp),
            SqlType::Date => quote!(#ct::Date),
            SqlType::Bool => quote!(#ct::Bool),
            SqlType::Vector(d) => quote!(#ct::Vector(#d)),
            SqlType::SparseVector => quote!(#ct::SparseVector),
            SqlType::Array(e) => {
                let e = e.tokens();
                quote!(#ct::array(#e))
            }
        }
    }

    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            SqlType::TinyInt(_) | SqlType::SmallInt(_) | SqlType::Int(_) | SqlType::BigInt(_)
        )
    }

    pub fn is_text(&self) -> bool {
        matches!(
            self,
            SqlType::Varchar(_) | SqlType::Char(_) | SqlType::Text | SqlType::LongText
        )
    }

    /// The Milvus `DataType` name and the field builder calls it needs, or `None` when
    /// the type has no Milvus counterpart.
    pub fn milvus(&self) -> Option<(&'static str, TokenStream)> {
        Some(match self {
            SqlType::TinyInt(false) => ("INT8", quote!()),
            SqlType::SmallInt(false) => ("INT16", quote!()),
            SqlType::Int(false) => ("INT32", quote!()),
            SqlType::BigInt(false) => ("INT64", quote!()),
            SqlType::Float => ("FLOAT", quote!()),
            SqlType::Double => ("DOUBLE", quote!()),
            SqlType::Bool => ("BOOL", quote!()),
            SqlType::Varchar(n) => {
                let n = *n as usize;
                ("VARCHAR", quote!(.max_length(#n)))
            }
            SqlType::Text | SqlType::LongText => ("STRING", quote!()),
            SqlType::Json => ("JSON", quote!()),
            SqlType::Vector(d) => {
                let d = *d as usize;
                ("FLOAT_VECTOR", quote!(.dim(#d)))
            }
            SqlType::SparseVector => ("SPARSE_FLOAT_VECTOR", quote!()),
            SqlType::Array(e) => {
                let (name, extra) = match &**e {
                    SqlType::Varchar(n) => {
                        let n = *n as usize;
                        ("VARCHAR", quote!(.max_length(#n)))
                    }
                    SqlType::TinyInt(false) => ("INT8", quote!()),
                    SqlType::SmallInt(false) => ("INT16", quote!()),
                    SqlType::Int(false) => ("INT32", quote!()),
                    SqlType::BigInt(false) => ("INT64", quote!()),
                    SqlType::Float => ("FLOAT", quote!()),
                    SqlType::Double => ("DOUBLE", quote!()),
                    SqlType::Bool => ("BOOL", quote!()),
                    _ => return None,
                };
                let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
                (
                    "ARRAY",
                    quote!(.element_type(::diesel_seekdb::milvus::DataType::#ident) #extra),
                )
            }
            _ => return None,
        })
    }

    /// The SQL spelling (for messages).
    pub fn sql(&self) -> String {
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
            SqlType::Array(e) => format!("ARRAY({})", e.sql()),
        }
    }
}

fn unsigned(base: &str, u: bool) -> String {
    if u {
        format!("{base} UNSIGNED")
    } else {
        base.into()
    }
}
