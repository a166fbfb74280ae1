//! Column types: inferred from a field's Rust type or parsed from
//! `#[seekdb(sql_type = "...")]` with the shared grammar (`diesel_seekdb_rules`),
//! rendered as `diesel_seekdb::ddl::ColumnType` (the runtime maps that onto Milvus data
//! types).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericArgument, PathArguments, Type};

pub use diesel_seekdb_rules::column_type::{parse, ColumnType};

/// What a field's Rust type says about its column.
pub enum Inferred {
    /// A fixed SQL type.
    Known(ColumnType),
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
    // `[f32; N]`: a fixed-size vector.
    if let Type::Array(a) = ty {
        let is_f32 = matches!(&*a.elem, Type::Path(e) if e.path.is_ident("f32"));
        return match literal_dimension(&a.len) {
            Some(n) if is_f32 => Inferred::Known(ColumnType::Vector(n)),
            _ => Inferred::Unknown,
        };
    }
    let Type::Path(p) = ty else {
        return Inferred::Unknown;
    };
    let Some(last) = p.path.segments.last() else {
        return Inferred::Unknown;
    };
    // `FixedVector<N>` with a literal `N`: its column is VECTOR(N), no `vector(dim)`.
    if last.ident == "FixedVector" {
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return Inferred::Unknown;
        };
        return match (args.args.len(), args.args.first()) {
            (1, Some(GenericArgument::Const(len))) => match literal_dimension(len) {
                Some(n) => Inferred::Known(ColumnType::Vector(n)),
                None => Inferred::Unknown,
            },
            _ => Inferred::Unknown,
        };
    }
    if !matches!(last.arguments, PathArguments::None) {
        return Inferred::Unknown;
    }
    let t = match last.ident.to_string().as_str() {
        "i8" => ColumnType::TinyInt,
        "u8" => ColumnType::TinyIntUnsigned,
        "i16" => ColumnType::SmallInt,
        "u16" => ColumnType::SmallIntUnsigned,
        "i32" => ColumnType::Int,
        "u32" => ColumnType::IntUnsigned,
        "i64" => ColumnType::BigInt,
        "u64" => ColumnType::BigIntUnsigned,
        "f32" => ColumnType::Float,
        "f64" => ColumnType::Double,
        "bool" => ColumnType::Bool,
        "Value" => ColumnType::Json,
        "NaiveDateTime" => ColumnType::DateTime,
        "NaiveDate" => ColumnType::Date,
        "SparseVector" => ColumnType::SparseVector,
        // SRID 0: the one seekdb 1.4 knows, and what a SPATIAL index needs.
        "Point" => ColumnType::Point(Some(0)),
        "String" => return Inferred::String,
        "Vector" => return Inferred::Vector,
        _ => return Inferred::Unknown,
    };
    Inferred::Known(t)
}

/// A dimension written as an integer literal (`768`, `{ 768 }`); a named constant
/// cannot be read by a derive, so such a field needs `sql_type`.
fn literal_dimension(expr: &syn::Expr) -> Option<u32> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(n),
            ..
        }) => n.base10_parse().ok(),
        syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
            syn::Stmt::Expr(e, None) => literal_dimension(e),
            _ => None,
        },
        _ => None,
    }
}

/// The Rust-side renderings of a column type: a `ColumnType` expression and its SQL.
/// The type itself, its grammar and its rules are the shared crate's.
pub trait ColumnTypeExt {
    /// A `diesel_seekdb::ddl::ColumnType` expression.
    fn tokens(&self) -> TokenStream;
    /// The SQL spelling (for messages).
    fn sql(&self) -> String;
}

impl ColumnTypeExt for ColumnType {
    fn tokens(&self) -> TokenStream {
        let ct = quote!(::diesel_seekdb::ddl::ColumnType);
        match self {
            ColumnType::Decimal(p, s) => quote!(#ct::Decimal(#p, #s)),
            ColumnType::Varchar(n) => quote!(#ct::Varchar(#n)),
            ColumnType::Char(n) => quote!(#ct::Char(#n)),
            ColumnType::Binary(n) => quote!(#ct::Binary(#n)),
            ColumnType::VarBinary(n) => quote!(#ct::VarBinary(#n)),
            ColumnType::Vector(d) => quote!(#ct::Vector(#d)),
            ColumnType::Point(Some(srid)) => {
                quote!(#ct::Point(::core::option::Option::Some(#srid)))
            }
            ColumnType::Point(None) => quote!(#ct::Point(::core::option::Option::None)),
            ColumnType::Enum(values) => {
                quote!(#ct::Enum(::std::vec![#(::std::string::String::from(#values)),*]))
            }
            ColumnType::Set(values) => {
                quote!(#ct::Set(::std::vec![#(::std::string::String::from(#values)),*]))
            }
            ColumnType::Array(e) => {
                let e = e.tokens();
                quote!(#ct::array(#e))
            }
            // Unit variants: the variant's name is its Debug form. A data-carrying
            // variant added to the rules crate and not listed above is a compile
            // error naming it, not a panic.
            other => {
                let name = format!("{other:?}");
                match syn::parse_str::<syn::Ident>(&name) {
                    Ok(ident) => quote!(#ct::#ident),
                    Err(_) => {
                        let msg = format!("diesel-seekdb-derive cannot generate `{name}`");
                        quote!(::core::compile_error!(#msg))
                    }
                }
            }
        }
    }

    fn sql(&self) -> String {
        self.to_sql()
    }
}
