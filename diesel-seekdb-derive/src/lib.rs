//! Derive macros for diesel-seekdb.
//!
//! - [`SeekdbTable`](macro@SeekdbTable) declares a whole seekdb table on a model struct
//!   (columns, keys, vector and full-text indexes, partitions, table options) and
//!   implements `diesel_seekdb::model::SeekdbTable` (`create_table()`,
//!   `create_table_sql()`, `create(conn)`, ...) and
//!   `diesel_seekdb::milvus::MilvusCollection` (`milvus_schema()`,
//!   `milvus_index_params()`).
//! - [`SeekdbVectors`](macro@SeekdbVectors) only checks a struct's vector fields
//!   (dimensions, finiteness) before a Diesel insert or update reaches the server.
//!
//! Both sit beside Diesel's derives on the same struct. Misuse is a compile error
//! pointing at the attribute.
#![warn(missing_docs)]
#![deny(unsafe_code)]

mod model;
mod sql_type;
mod table;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Attribute, Data, DeriveInput, Fields, GenericArgument, LitInt, PathArguments, Type};

use diesel_seekdb_rules::MAX_DIMENSIONS;

/// Declares which fields of a struct are seekdb vectors and how many dimensions
/// each has.
///
/// Mark each vector field with `#[seekdb(vector(dim = N))]` (`1 <= N <= 16000`);
/// the field must be a `diesel_seekdb::Vector` or an `Option<diesel_seekdb::Vector>`.
/// The derive generates, on the struct:
///
/// - `pub const VECTOR_COLUMNS: &'static [(&'static str, u32)]`: each marked
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

/// Declares a seekdb table on a model struct and implements
/// `diesel_seekdb::model::SeekdbTable` for it.
///
/// ```ignore
/// #[derive(Queryable, Selectable, Insertable, SeekdbTable)]
/// #[diesel(table_name = docs)]
/// #[seekdb(organization = "heap", partition(hash(id), partitions = 4))]
/// struct Doc {
///     #[seekdb(primary_key, auto_increment)]
///     id: i64,
///     #[seekdb(varchar(len = 200), fulltext(parser = "ngram", ngram_token_size = 2))]
///     title: String,
///     body: Option<String>,
///     #[seekdb(vector(dim = 768), index(kind = "hnsw", distance = "cosine", m = 16))]
///     embedding: Vector,
/// }
/// // Doc::create(&mut conn)?; Doc::create_table_sql()?; Doc::milvus_schema()?
/// ```
///
/// **Table** (on the struct): the name comes from `#[diesel(table_name = ...)]`, else
/// `#[seekdb(table = "...")]`, else the struct name in snake case plus `s` (Diesel's
/// rule). The primary key is `#[diesel(primary_key(a, b))]`, plus fields marked
/// `#[seekdb(primary_key)]`, else a field named `id`. Struct-level `#[seekdb(...)]`
/// keys: `table`, `organization = "heap" | "index"`, `comment`, `lob_inrow_threshold`,
/// `fulltext(name = "...", columns(a, b), parser = ...)` and
/// `partition(METHOD, ...)` where METHOD is `hash(c)`, `key(a, ...)`, `range(c)`,
/// `range_columns(a, ...)`, `list(c)` or `list_columns(a, ...)`, followed by
/// `partitions = N` (hash/key), `less_than(p0 = 100, p1 = MAXVALUE)` (range) or
/// `values_in(p0(1, 2), p1(DEFAULT))` (list), and optionally one
/// `subpartition(...)` level in the same form.
///
/// **Columns** (field types): `i8`..`i64` and `u8`..`u64` are TINYINT..BIGINT
/// (`UNSIGNED` for `u*`), `f32` FLOAT, `f64` DOUBLE, `bool` BOOL, `String` VARCHAR(255)
/// (`varchar(len = N)` or `text` to change it), `serde_json::Value` JSON,
/// `NaiveDateTime` DATETIME, `NaiveDate` DATE, `SparseVector` SPARSEVECTOR, `Vector`
/// VECTOR(N) with `vector(dim = N)` required; `Option<T>` is nullable, anything else
/// NOT NULL. `sql_type = "DECIMAL(10, 2)"` (any `ColumnType` spelling) overrides the
/// inference. Other field keys: `primary_key`, `auto_increment`, `comment = "..."`,
/// `fulltext` / `fulltext(name = ..., parser = "space" | "beng" | "ngram" | "ngram2" |
/// "ik", <parser properties>)`, and on vector fields
/// `index(kind = ..., distance = ..., name = ..., <parameters>)`. For filtered search:
/// `key` / `key(name = "...")` on a scalar field (a secondary index, default name
/// `idx_<column>`), and on a JSON field `json_index(path = "$.page", cast = "signed" |
/// "double" | "char(N)", name = "...")`, repeatable (a functional index on the cast of
/// that path, default name `jidx_<column>_<path>`). On a `Point` field (POINT SRID 0):
/// `spatial` / `spatial(name = "...")`, a SPATIAL index (default name `sidx_<column>`;
/// the field must not be an `Option`).
///
/// **Checked at compile time** against seekdb 1.4's rules: `dim` is 1..=16000 (an
/// indexed column at most 4096, an IVF index at most `lob_inrow_threshold / 4`); the
/// index kind is one of hnsw, hnsw_sq, hnsw_bq, ivf_flat, ivf_sq8, ivf_pq, sindi (sindi
/// only on SPARSEVECTOR); the distance one the kind supports (l2, inner_product / ip,
/// cosine); every parameter one the kind takes, within its range (`m`,
/// `ef_construction`, `ef_search`, `extra_info_max_size`, `sync_mode`, `refine_k`, `refine_type`,
/// `bq_use_fht`, `bq_bits_query`, `nlist`, `sample_per_nlist`, `nbits`, `prune`,
/// `refine`, `drop_ratio_build`, `lib`); `ef_construction > m`; ivf_pq's `m` divides the
/// dimension; unknown keys anywhere. The generated code calls the runtime builders,
/// which check the same rules again when rendering.
///
/// The derive also generates what [`SeekdbVectors`](macro@SeekdbVectors) does
/// (`VECTOR_COLUMNS`, `check_vectors()`), so derive one of the two, not both.
#[proc_macro_derive(SeekdbTable, attributes(seekdb))]
pub fn derive_seekdb_table(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    table::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// One field marked `#[seekdb(vector(dim = N))]`.
pub(crate) struct VectorField {
    pub(crate) ident: syn::Ident,
    pub(crate) dim: u32,
    pub(crate) optional: bool,
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

    Ok(vectors_impl(input, &vectors))
}

pub(crate) fn vectors_impl(input: &DeriveInput, vectors: &[VectorField]) -> TokenStream2 {
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

    quote! {
        impl #impl_generics #name #ty_generics #where_clause {
            /// The seekdb vector fields of this struct and their dimension counts,
            /// in declaration order.
            pub const VECTOR_COLUMNS: &'static [(&'static str, u32)] = &[#(#entries),*];

            /// Checks every vector field is storable and has its declared number of
            /// dimensions (`None` values are skipped); call it before inserting.
            pub fn check_vectors(&self) -> ::diesel_seekdb::Result<()> {
                #helper
                #(#checks)*
                ::core::result::Result::Ok(())
            }
        }
    }
}

/// Parses `#[seekdb(vector(dim = N))]`, returning `N`.
fn parse_field_attr(attr: &Attribute) -> syn::Result<u32> {
    let mut dim: Option<u32> = None;
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
            let value: u32 = lit.base10_parse()?;
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
