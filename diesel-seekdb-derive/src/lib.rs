//! Derive macros for diesel-seekdb.
//!
//! [`SeekdbVectors`](macro@SeekdbVectors) sits beside Diesel's derives on a model
//! struct and lets callers check its vector fields (dimensions, finiteness) before
//! a Diesel insert or update reaches the server.
#![warn(missing_docs)]
#![deny(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Attribute, Data, DeriveInput, Fields, GenericArgument, LitInt, PathArguments, Type};

/// The largest dimension count seekdb accepts for a `VECTOR(n)` column.
const MAX_DIMENSIONS: usize = 16000;

/// Declares which fields of a struct are seekdb vectors and how many dimensions
/// each has.
///
/// Mark each vector field with `#[seekdb(vector(dim = N))]` (`1 <= N <= 16000`);
/// the field must be a `diesel_seekdb::Vector` or an `Option<diesel_seekdb::Vector>`.
/// The derive generates, on the struct:
///
/// - `pub const VECTOR_COLUMNS: &'static [(&'static str, usize)]`: each marked
///   field's name and dimension count, in declaration order;
/// - `pub fn check_vectors(&self) -> diesel_seekdb::Result<()>`: calls
///   `Vector::check_dimensions` on every marked field (on `Option` fields only when
///   `Some`) and returns the first error. `Error::Dimension` is returned unchanged;
///   an `Error::Validation` on `vector[i]` is reported as `<field>[i]`.
///
/// ```ignore
/// #[derive(diesel_seekdb_derive::SeekdbVectors)]
/// struct NewItem {
///     title: String,
///     #[seekdb(vector(dim = 3))]
///     embedding: diesel_seekdb::Vector,
///     #[seekdb(vector(dim = 8))]
///     other: Option<diesel_seekdb::Vector>,
/// }
///
/// assert_eq!(NewItem::VECTOR_COLUMNS, &[("embedding", 3), ("other", 8)]);
/// ```
///
/// Only structs with named fields are accepted; a missing or out-of-range `dim`
/// and unknown keys inside `#[seekdb(...)]` are compile errors.
#[proc_macro_derive(SeekdbVectors, attributes(seekdb))]
pub fn derive_seekdb_vectors(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// One field marked `#[seekdb(vector(dim = N))]`.
struct VectorField {
    ident: syn::Ident,
    dim: usize,
    optional: bool,
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    if let Some(attr) = input.attrs.iter().find(|a| a.path().is_ident("seekdb")) {
        return Err(syn::Error::new_spanned(
            attr,
            "`#[seekdb(...)]` belongs on fields, not on the struct",
        ));
    }
    let ident = &input.ident;
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => &named.named,
            _ => {
                let struct_token = s.struct_token;
                return Err(syn::Error::new_spanned(
                    quote!(#struct_token #ident),
                    "`SeekdbVectors` needs a struct with named fields",
                ));
            }
        },
        Data::Enum(e) => {
            let enum_token = e.enum_token;
            return Err(syn::Error::new_spanned(
                quote!(#enum_token #ident),
                "`SeekdbVectors` can only be derived for structs with named fields",
            ));
        }
        Data::Union(u) => {
            let union_token = u.union_token;
            return Err(syn::Error::new_spanned(
                quote!(#union_token #ident),
                "`SeekdbVectors` can only be derived for structs with named fields",
            ));
        }
    };

    let mut vectors = Vec::new();
    for field in fields {
        let mut dim = None;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("seekdb")) {
            if dim.is_some() {
                return Err(syn::Error::new_spanned(
                    attr,
                    "duplicate `#[seekdb(vector(...))]` on this field",
                ));
            }
            dim = Some(parse_field_attr(attr)?);
        }
        if let Some(dim) = dim {
            let ident = field.ident.clone().expect("named field");
            vectors.push(VectorField {
                ident,
                dim,
                optional: is_option(&field.ty),
            });
        }
    }

    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let entries = vectors.iter().map(|v| {
        let col = v.ident.unraw().to_string();
        let dim = v.dim;
        quote!((#col, #dim))
    });
    let checks = vectors.iter().map(|v| {
        let ident = &v.ident;
        let col = v.ident.unraw().to_string();
        let dim = v.dim;
        if v.optional {
            quote! {
                if let ::core::option::Option::Some(__seekdb_value) = &self.#ident {
                    ::diesel_seekdb::Vector::check_dimensions(__seekdb_value, #dim)
                        .map_err(|e| __seekdb_name_field(e, #col))?;
                }
            }
        } else {
            quote! {
                ::diesel_seekdb::Vector::check_dimensions(&self.#ident, #dim)
                    .map_err(|e| __seekdb_name_field(e, #col))?;
            }
        }
    });
    let helper = if vectors.is_empty() {
        quote!()
    } else {
        quote! {
            fn __seekdb_name_field(
                err: ::diesel_seekdb::Error,
                field: &str,
            ) -> ::diesel_seekdb::Error {
                match err {
                    ::diesel_seekdb::Error::Validation { parameter, reason } => {
                        let parameter = match parameter.strip_prefix("vector") {
                            ::core::option::Option::Some(rest) => {
                                ::std::format!("{}{}", field, rest)
                            }
                            ::core::option::Option::None => parameter,
                        };
                        ::diesel_seekdb::Error::validation(parameter, reason)
                    }
                    other => other,
                }
            }
        }
    };

    Ok(quote! {
        impl #impl_generics #name #ty_generics #where_clause {
            /// The seekdb vector fields of this struct and their dimension counts,
            /// in declaration order.
            pub const VECTOR_COLUMNS: &'static [(&'static str, usize)] = &[#(#entries),*];

            /// Checks every vector field is storable and has its declared number of
            /// dimensions (`None` values are skipped); call it before inserting.
            pub fn check_vectors(&self) -> ::diesel_seekdb::Result<()> {
                #helper
                #(#checks)*
                ::core::result::Result::Ok(())
            }
        }
    })
}

/// Parses `#[seekdb(vector(dim = N))]`, returning `N`.
fn parse_field_attr(attr: &Attribute) -> syn::Result<usize> {
    let mut dim: Option<usize> = None;
    let mut saw_vector = false;
    attr.parse_nested_meta(|meta| {
        if !meta.path.is_ident("vector") {
            return Err(meta.error(format!(
                "unknown key `{}` in `#[seekdb(...)]`; expected `vector(dim = N)`",
                path_name(&meta.path)
            )));
        }
        if saw_vector {
            return Err(meta.error("duplicate `vector` in `#[seekdb(...)]`"));
        }
        saw_vector = true;
        if meta.input.is_empty() || meta.input.peek(syn::Token![,]) {
            // Bare `vector`: reported below as a missing `dim`.
            return Ok(());
        }
        meta.parse_nested_meta(|inner| {
            if !inner.path.is_ident("dim") {
                return Err(inner.error(format!(
                    "unknown key `{}` in `vector(...)`; expected `dim = N`",
                    path_name(&inner.path)
                )));
            }
            if dim.is_some() {
                return Err(inner.error("duplicate `dim` in `vector(...)`"));
            }
            let lit: LitInt = inner.value()?.parse()?;
            let value: usize = lit.base10_parse()?;
            if value == 0 || value > MAX_DIMENSIONS {
                return Err(syn::Error::new_spanned(
                    &lit,
                    format!("`dim` must be between 1 and {MAX_DIMENSIONS}, got {value}"),
                ));
            }
            dim = Some(value);
            Ok(())
        })
    })?;
    if !saw_vector {
        return Err(syn::Error::new_spanned(
            attr,
            "expected `#[seekdb(vector(dim = N))]`",
        ));
    }
    dim.ok_or_else(|| {
        syn::Error::new_spanned(
            attr,
            "missing `dim`: write `#[seekdb(vector(dim = N))]` with 1 <= N <= 16000",
        )
    })
}

fn path_name(path: &syn::Path) -> String {
    path.get_ident()
        .map(|i| i.unraw().to_string())
        .unwrap_or_else(|| quote!(#path).to_string().replace(' ', ""))
}

/// Whether `ty` is `Option<_>` (`Option`, `std::option::Option` or
/// `core::option::Option`).
fn is_option(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    if p.qself.is_some() {
        return false;
    }
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident != "Option" {
        return false;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    args.args.len() == 1 && matches!(args.args.first(), Some(GenericArgument::Type(_)))
}
