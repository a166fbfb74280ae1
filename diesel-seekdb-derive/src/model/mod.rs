//! The table a `#[derive(SeekdbTable)]` struct describes, parsed from its fields and
//! its `#[seekdb(...)]` / `#[diesel(...)]` attributes. Every check that can be made at
//! compile time is made here, with the error on the attribute that is wrong.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, Lit, LitInt, LitStr, Token};

use crate::sql_type::{self, ColumnType, ColumnTypeExt as _, Inferred};

mod field;
mod index;
mod partition;
mod scalar_index;
mod spatial_index;

use diesel_seekdb_rules::fulltext;
use diesel_seekdb_rules::index::{self as rules, Kind, ParamType, ParamValue};
use diesel_seekdb_rules::{DEFAULT_LOB_INROW_THRESHOLD, MAX_DIMENSIONS, MAX_LOB_INROW_THRESHOLD};
use field::parse_field_attrs;
use index::{check_fulltext, check_index, parse_fulltext, parse_index};
use partition::parse_partition;
use scalar_index::{check_scalar_indexes, parse_json_index, parse_key, RawJsonIndex};
pub use scalar_index::{JsonCastTok, JsonIdx, Key};
pub use spatial_index::SpatialIdx;
use spatial_index::{check_spatial, parse_spatial};

pub struct Model {
    pub table: String,
    pub organization: Option<String>,
    pub comment: Option<String>,
    pub lob_inrow_threshold: Option<u64>,
    pub partition: Option<Part>,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub vector_indexes: Vec<VIndex>,
    pub fulltexts: Vec<FullText>,
    /// Secondary indexes from `#[seekdb(key)]`.
    pub keys: Vec<Key>,
    /// Functional indexes from `#[seekdb(json_index(...))]`.
    pub json_indexes: Vec<JsonIdx>,
    /// SPATIAL indexes from `#[seekdb(spatial)]`.
    pub spatial_indexes: Vec<SpatialIdx>,
}

pub struct Column {
    pub field: syn::Ident,
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
    pub auto_increment: bool,
    pub comment: Option<String>,
    /// A `Vector` field (checked by `check_vectors`).
    pub is_vector_field: bool,
}

pub struct VIndex {
    pub name: String,
    pub column: String,
    pub kind: &'static Kind,
    pub distance: String,
    pub params: Vec<(String, PVal)>,
}

#[derive(Clone)]
pub enum PVal {
    Int(u64),
    Float(f64),
    Bool(bool),
    Word(String),
}

pub struct FullText {
    pub name: String,
    pub columns: Vec<String>,
    pub parser: Option<Parser>,
}

pub enum Parser {
    Space(Option<u32>, Option<u32>),
    Beng(Option<u32>, Option<u32>),
    Ngram(Option<u32>),
    Ngram2(Option<u32>, Option<u32>),
    Ik(Option<String>),
}

#[derive(Clone, Copy, PartialEq)]
pub enum Method {
    Range,
    RangeColumns,
    List,
    ListColumns,
    Hash,
    Key,
}

pub struct Part {
    pub method: Method,
    pub columns: Vec<(String, Span)>,
    pub count: Option<u32>,
    pub defs: Vec<PDef>,
    pub sub: Option<Box<Part>>,
}

pub struct PDef {
    pub name: String,
    pub less_than: bool,
    pub values: Vec<PValue>,
}

pub enum PValue {
    Int(i64),
    Str(String),
    MaxValue,
    Default,
}

fn err<T>(span: impl Spanned, msg: impl std::fmt::Display) -> syn::Result<T> {
    Err(syn::Error::new(span.span(), msg))
}

fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.unraw().to_string())
        .unwrap_or_else(|| "?".into())
}

/// Parses `(a, b, ...)` after a key as column names.
fn ident_list(meta: &ParseNestedMeta) -> syn::Result<Vec<(String, Span)>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let list = Punctuated::<syn::Ident, Token![,]>::parse_terminated_with(
        &content,
        syn::Ident::parse_any,
    )?;
    Ok(list
        .iter()
        .map(|i| (i.unraw().to_string(), i.span()))
        .collect())
}

fn u32_value(meta: &ParseNestedMeta, lo: u64, hi: u64) -> syn::Result<u32> {
    let lit: LitInt = meta.value()?.parse()?;
    let v: u64 = lit.base10_parse()?;
    if v < lo || v > hi {
        return err(
            &lit,
            format!("`{}` must be {lo}..={hi}, got {v}", key_name(meta)),
        );
    }
    Ok(v as u32)
}

fn str_value(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    meta.value()?.parse()
}

struct FieldAttrs {
    primary_key: bool,
    auto_increment: Option<Span>,
    dim: Option<(u32, Span)>,
    vector_attr: Option<Span>,
    index: Option<(RawIndex, Span)>,
    varchar: Option<(u32, Span)>,
    text: Option<Span>,
    sql_type: Option<(ColumnType, Span)>,
    comment: Option<String>,
    fulltext: Option<(RawFullText, Span)>,
    key: Option<(Option<String>, Span)>,
    json_indexes: Vec<(RawJsonIndex, Span)>,
    spatial: Option<(Option<String>, Span)>,
}

struct RawIndex {
    name: Option<String>,
    kind: Option<LitStr>,
    distance: Option<LitStr>,
    params: Vec<(syn::Ident, Lit)>,
}

#[derive(Default)]
struct RawFullText {
    name: Option<String>,
    columns: Vec<(String, Span)>,
    parser: Option<LitStr>,
    props: Vec<(syn::Ident, u32)>,
    ik_mode: Option<LitStr>,
}

pub fn parse(input: &DeriveInput) -> syn::Result<Model> {
    let ident = &input.ident;
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => &named.named,
            _ => {
                return err(
                    s.struct_token
                        .span
                        .join(ident.span())
                        .unwrap_or(ident.span()),
                    "`SeekdbTable` needs a struct with named fields",
                )
            }
        },
        _ => {
            return err(
                ident,
                "`SeekdbTable` can only be derived for structs with named fields",
            )
        }
    };

    // Struct-level attributes.
    let mut table: Option<String> = None;
    let mut diesel_pk: Option<Vec<(String, Span)>> = None;
    let mut organization = None;
    let mut comment = None;
    let mut lob = None;
    let mut partition: Option<Part> = None;
    let mut raw_fulltexts: Vec<(RawFullText, Span)> = Vec::new();
    for attr in &input.attrs {
        if attr.path().is_ident("diesel") {
            // Only two keys matter here; Diesel's derives check the rest.
            let Ok(metas) =
                attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
            else {
                continue;
            };
            for m in metas {
                match &m {
                    syn::Meta::NameValue(nv) if nv.path.is_ident("table_name") => {
                        if let Expr::Path(p) = &nv.value {
                            if let Some(last) = p.path.segments.last() {
                                table.get_or_insert(last.ident.unraw().to_string());
                            }
                        }
                    }
                    syn::Meta::List(l) if l.path.is_ident("primary_key") => {
                        let names = l.parse_args_with(
                            Punctuated::<syn::Ident, Token![,]>::parse_terminated,
                        )?;
                        diesel_pk = Some(
                            names
                                .iter()
                                .map(|i| (i.unraw().to_string(), i.span()))
                                .collect(),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    let diesel_table = table.is_some();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("seekdb")) {
        attr.parse_nested_meta(|meta| {
            let key = key_name(&meta);
            match key.as_str() {
                "table" => {
                    let lit = str_value(&meta)?;
                    if diesel_table {
                        return err(
                            &lit,
                            "the table is already named by `#[diesel(table_name = ...)]`",
                        );
                    }
                    table = Some(lit.value());
                }
                "organization" => {
                    let lit = str_value(&meta)?;
                    let v = lit.value().to_ascii_lowercase();
                    if v != "heap" && v != "index" {
                        return err(&lit, "`organization` is \"heap\" or \"index\"");
                    }
                    organization = Some(v);
                }
                "comment" => comment = Some(str_value(&meta)?.value()),
                "lob_inrow_threshold" => {
                    lob = Some(u64::from(u32_value(
                        &meta,
                        0,
                        MAX_LOB_INROW_THRESHOLD.into(),
                    )?));
                }
                "partition" => {
                    if partition.is_some() {
                        return Err(meta.error("duplicate `partition`"));
                    }
                    partition = Some(parse_partition(&meta, false)?);
                }
                "fulltext" => {
                    let span = meta.path.span();
                    let ft = parse_fulltext(&meta, true)?;
                    if ft.columns.is_empty() {
                        return err(span, "a table-level `fulltext` needs `columns(a, ...)`");
                    }
                    raw_fulltexts.push((ft, span));
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown key `{key}` in a struct's `#[seekdb(...)]`; expected table, \
                         organization, comment, lob_inrow_threshold, partition or fulltext"
                    )))
                }
            }
            Ok(())
        })?;
    }
    let table = table.unwrap_or_else(|| diesel_table_name(&ident.unraw().to_string()));

    // Fields.
    let mut columns = Vec::new();
    let mut pk_fields = Vec::new();
    let mut raw_indexes: Vec<(String, RawIndex, Span, bool)> = Vec::new();
    let (mut keys, mut json_indexes) = (Vec::new(), Vec::new());
    let mut spatial_indexes = Vec::new();
    for field in fields {
        let fident = field.ident.clone().expect("named field");
        let mut name = fident.unraw().to_string();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("diesel")) {
            if let Ok(metas) =
                attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
            {
                for m in metas {
                    if let syn::Meta::NameValue(nv) = &m {
                        if nv.path.is_ident("column_name") {
                            match &nv.value {
                                Expr::Path(p) => {
                                    if let Some(i) = p.path.get_ident() {
                                        name = i.unraw().to_string();
                                    }
                                }
                                Expr::Lit(l) => {
                                    if let Lit::Str(s) = &l.lit {
                                        name = s.value();
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        let a = parse_field_attrs(field)?;
        let (inner, nullable) = match sql_type::option_inner(&field.ty) {
            Some(t) => (t, true),
            None => (&field.ty, false),
        };
        let inferred = sql_type::infer(inner);
        let is_vector_field = matches!(inferred, Inferred::Vector);
        let ty = if let Some((t, span)) = a.sql_type {
            if a.varchar.is_some() || a.text.is_some() || a.dim.is_some() {
                return err(
                    span,
                    "`sql_type` replaces `varchar`, `text` and `vector`: use one of them",
                );
            }
            if is_vector_field && !matches!(t, ColumnType::Vector(_)) {
                return err(span, "a `Vector` field needs a VECTOR(n) column");
            }
            t
        } else {
            match inferred {
                Inferred::Vector => {
                    let Some((d, _)) = a.dim else {
                        let msg = format!(
                            "`{name}` is a Vector: declare its dimension with \
                             `#[seekdb(vector(dim = N))]` (1 <= N <= {})",
                            MAX_DIMENSIONS
                        );
                        return Err(match a.vector_attr {
                            Some(span) => syn::Error::new(span, msg),
                            None => syn::Error::new_spanned(&field.ty, msg),
                        });
                    };
                    ColumnType::Vector(d)
                }
                Inferred::String => {
                    if let Some(span) = a.dim.map(|d| d.1).or(a.vector_attr) {
                        return err(span, "`vector(...)` belongs on a `Vector` field");
                    }
                    match (a.varchar, a.text) {
                        (Some(_), Some(span)) => {
                            return err(span, "use either `varchar(len = N)` or `text`")
                        }
                        (Some((n, _)), None) => ColumnType::Varchar(n),
                        (None, Some(_)) => ColumnType::Text,
                        (None, None) => ColumnType::Varchar(255),
                    }
                }
                Inferred::Known(t) => {
                    if let Some(span) = a.dim.map(|d| d.1).or(a.vector_attr) {
                        return err(span, "`vector(...)` belongs on a `Vector` field");
                    }
                    if let Some(span) = a.varchar.map(|v| v.1).or(a.text) {
                        return err(span, "`varchar` / `text` belong on a `String` field");
                    }
                    t
                }
                Inferred::Unknown => {
                    return Err(syn::Error::new_spanned(
                        &field.ty,
                        "cannot infer a seekdb column type for this field; add \
                         `#[seekdb(sql_type = \"...\")]`",
                    ))
                }
            }
        };
        if let Some(span) = a.auto_increment {
            if !ty.is_integer() {
                return err(
                    span,
                    format!("AUTO_INCREMENT needs an integer column, not {}", ty.sql()),
                );
            }
        }
        if a.primary_key {
            pk_fields.push(name.clone());
        }
        if let Some((idx, span)) = a.index {
            let sparse = match ty {
                ColumnType::Vector(_) => false,
                ColumnType::SparseVector => true,
                _ => {
                    return err(
                        span,
                        format!(
                            "vector indexes go on VECTOR or SPARSEVECTOR columns, not {}",
                            ty.sql()
                        ),
                    )
                }
            };
            raw_indexes.push((name.clone(), idx, span, sparse));
        }
        if let Some((mut ft, span)) = a.fulltext {
            ft.columns = vec![(name.clone(), span)];
            raw_fulltexts.push((ft, span));
        }
        check_scalar_indexes(
            &name,
            &ty,
            a.key,
            a.json_indexes,
            &mut keys,
            &mut json_indexes,
        )?;
        check_spatial(&name, &ty, nullable, a.spatial, &mut spatial_indexes)?;
        columns.push(Column {
            field: fident,
            name,
            ty,
            nullable,
            auto_increment: a.auto_increment.is_some(),
            comment: a.comment,
            is_vector_field,
        });
    }

    let find = |name: &str| columns.iter().find(|c| c.name.eq_ignore_ascii_case(name));

    // Primary key: Diesel's list first, then fields marked `primary_key`, else `id`.
    let mut primary_key: Vec<String> = Vec::new();
    if let Some(list) = &diesel_pk {
        for (n, span) in list {
            if find(n).is_none() {
                return err(*span, format!("no field `{n}` for the primary key"));
            }
            primary_key.push(n.clone());
        }
    }
    for n in pk_fields {
        if !primary_key.iter().any(|p| p.eq_ignore_ascii_case(&n)) {
            primary_key.push(n);
        }
    }
    if primary_key.is_empty() {
        if let Some(c) = find("id") {
            primary_key.push(c.name.clone());
        }
    }

    let lob_threshold = lob.unwrap_or(DEFAULT_LOB_INROW_THRESHOLD.into());
    let mut vector_indexes = Vec::new();
    for (column, raw, span, sparse) in raw_indexes {
        let dim = match find(&column).map(|c| &c.ty) {
            Some(ColumnType::Vector(d)) => Some(*d),
            _ => None,
        };
        let idx = check_index(column, raw, span, sparse, dim, lob_threshold)?;
        // seekdb 1.4 refuses this with "create vector index on partition table without
        // primary key" (1235): a heap table's key is a hidden one.
        if idx.kind.ivf
            && partition.is_some()
            && (primary_key.is_empty() || organization.as_deref() == Some("heap"))
        {
            return err(
                span,
                format!(
                    "seekdb builds {} indexes on a partitioned table only when it is \
                     index-organised with a primary key",
                    idx.kind.name
                ),
            );
        }
        vector_indexes.push(idx);
    }

    let mut fulltexts = Vec::new();
    for (raw, span) in raw_fulltexts {
        for (c, cspan) in &raw.columns {
            match find(c) {
                None => return err(*cspan, format!("no column `{c}` in this struct")),
                Some(col) if !col.ty.is_text() => {
                    return err(
                        *cspan,
                        format!(
                            "full-text indexes cover text columns only; `{c}` is {}",
                            col.ty.sql()
                        ),
                    )
                }
                _ => {}
            }
        }
        fulltexts.push(check_fulltext(raw, span)?);
    }

    if let Some(p) = &partition {
        let mut level = Some(p);
        while let Some(p) = level {
            for (c, span) in &p.columns {
                if find(c).is_none() {
                    return err(*span, format!("no column `{c}` to partition by"));
                }
                if !primary_key.is_empty() && !primary_key.iter().any(|k| k.eq_ignore_ascii_case(c))
                {
                    return err(
                        *span,
                        format!("the primary key must include the partitioning column `{c}`"),
                    );
                }
            }
            level = p.sub.as_deref();
        }
    }

    Ok(Model {
        table,
        organization,
        comment,
        lob_inrow_threshold: lob,
        partition,
        columns,
        primary_key,
        vector_indexes,
        fulltexts,
        keys,
        json_indexes,
        spatial_indexes,
    })
}

/// Diesel's inferred table name: `NewsItem` -> `news_items`.
fn diesel_table_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out.push('s');
    out
}
