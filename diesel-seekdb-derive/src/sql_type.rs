//! Column types: inferred from a field's Rust type or parsed from
//! `#[seekdb(sql_type = "...")]` with the shared grammar (`diesel_seekdb_rules`),
//! rendered as `diesel_seekdb::ddl::ColumnType` (the runtime maps that onto Milvus data
//! types).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericArgument, PathArguments, Type};

pub use diesel_seekdb_rules::sql_type::{parse, SqlType};

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

/// The Rust-side renderings of a column type: a `ColumnType` expression and its SQL.
/// The type itself, its grammar and its rules are the shared crate's.
pub trait SqlTypeExt {
    /// A `diesel_seekdb::ddl::ColumnType` expression.
    fn tokens(&self) -> TokenStream;
    /// The SQL spelling (for messages).
    fn sql(&self) -> String;
}

impl SqlTypeExt for SqlType {
    fn tokens(&self) -> TokenStream {
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

    fn sql(&self) -> String {
        self.render()
    }
}
