//! The table a `#[derive(SeekdbTable)]` struct describes, parsed from its fields and
//! its `#[seekdb(...)]` / `#[diesel(...)]` attributes. Every check that can be made at
//! compile time is made here, with the error on the attribute that is wrong.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, Fields, Lit, LitInt, LitStr, Token};

use crate::sql_type::{self, Inferred, SqlType, SqlTypeExt as _};
use diesel_seekdb_rules::index::{self as rules, Kind, ParamType, ParamValue};
use diesel_seekdb_rules::{DEFAULT_LOB_INROW_THRESHOLD, MAX_DIMENSIONS, MAX_LOB_INROW_THRESHOLD};

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
}

pub struct Column {
    pub field: syn::Ident,
    pub name: String,
    pub ty: SqlType,
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
    sql_type: Option<(SqlType, Span)>,
    comment: Option<String>,
    fulltext: Option<(RawFullText, Span)>,
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
            if is_vector_field && !matches!(t, SqlType::Vector(_)) {
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
                    SqlType::Vector(d)
                }
                Inferred::String => {
                    if let Some(span) = a.dim.map(|d| d.1).or(a.vector_attr) {
                        return err(span, "`vector(...)` belongs on a `Vector` field");
                    }
                    match (a.varchar, a.text) {
                        (Some(_), Some(span)) => {
                            return err(span, "use either `varchar(len = N)` or `text`")
                        }
                        (Some((n, _)), None) => SqlType::Varchar(n),
                        (None, Some(_)) => SqlType::Text,
                        (None, None) => SqlType::Varchar(255),
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
                SqlType::Vector(_) => false,
                SqlType::SparseVector => true,
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
            Some(SqlType::Vector(d)) => Some(u64::from(*d)),
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

fn parse_field_attrs(field: &syn::Field) -> syn::Result<FieldAttrs> {
    let mut a = FieldAttrs {
        primary_key: false,
        auto_increment: None,
        dim: None,
        vector_attr: None,
        index: None,
        varchar: None,
        text: None,
        sql_type: None,
        comment: None,
        fulltext: None,
    };
    for attr in field.attrs.iter().filter(|x| x.path().is_ident("seekdb")) {
        attr.parse_nested_meta(|meta| {
            let key = key_name(&meta);
            let span = meta.path.span();
            let dup = |set: bool| -> syn::Result<()> {
                if set {
                    Err(meta.error(format!("duplicate `{key}`")))
                } else {
                    Ok(())
                }
            };
            match key.as_str() {
                "primary_key" => {
                    dup(a.primary_key)?;
                    a.primary_key = true;
                }
                "auto_increment" => {
                    dup(a.auto_increment.is_some())?;
                    a.auto_increment = Some(span);
                }
                "vector" => {
                    dup(a.vector_attr.is_some())?;
                    a.vector_attr = Some(span);
                    if meta.input.is_empty() || meta.input.peek(Token![,]) {
                        return Ok(());
                    }
                    meta.parse_nested_meta(|inner| {
                        if !inner.path.is_ident("dim") {
                            return Err(inner.error(format!(
                                "unknown key `{}` in `vector(...)`; expected `dim = N`",
                                key_name(&inner)
                            )));
                        }
                        let lit: LitInt = inner.value()?.parse()?;
                        let v: u64 = lit.base10_parse()?;
                        if v == 0 || v > u64::from(MAX_DIMENSIONS) {
                            return err(
                                &lit,
                                format!("`dim` must be between 1 and {}, got {v}", MAX_DIMENSIONS),
                            );
                        }
                        a.dim = Some((v as u32, lit.span()));
                        Ok(())
                    })?;
                }
                "index" => {
                    dup(a.index.is_some())?;
                    a.index = Some((parse_index(&meta)?, span));
                }
                "varchar" => {
                    dup(a.varchar.is_some())?;
                    let mut len = None;
                    meta.parse_nested_meta(|inner| {
                        if !inner.path.is_ident("len") {
                            return Err(inner.error("expected `len = N` in `varchar(...)`"));
                        }
                        len = Some(u32_value(&inner, 1, 262_144)?);
                        Ok(())
                    })?;
                    let Some(len) = len else {
                        return err(span, "write `varchar(len = N)`");
                    };
                    a.varchar = Some((len, span));
                }
                "text" => {
                    dup(a.text.is_some())?;
                    a.text = Some(span);
                }
                "sql_type" => {
                    dup(a.sql_type.is_some())?;
                    let lit = str_value(&meta)?;
                    let t = sql_type::parse(&lit.value()).or_else(|m| err(&lit, m))?;
                    a.sql_type = Some((t, lit.span()));
                }
                "comment" => {
                    dup(a.comment.is_some())?;
                    a.comment = Some(str_value(&meta)?.value());
                }
                "fulltext" => {
                    dup(a.fulltext.is_some())?;
                    a.fulltext = Some((parse_fulltext(&meta, false)?, span));
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown key `{key}` in a field's `#[seekdb(...)]`; expected \
                         primary_key, auto_increment, vector, index, varchar, text, sql_type, \
                         comment or fulltext"
                    )))
                }
            }
            Ok(())
        })?;
    }
    Ok(a)
}

fn parse_index(meta: &ParseNestedMeta) -> syn::Result<RawIndex> {
    let mut raw = RawIndex {
        name: None,
        kind: None,
        distance: None,
        params: Vec::new(),
    };
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(raw);
    }
    meta.parse_nested_meta(|inner| {
        let key = key_name(&inner);
        let Some(ident) = inner.path.get_ident().cloned() else {
            return Err(inner.error("expected a parameter name"));
        };
        match key.as_str() {
            "name" => raw.name = Some(str_value(&inner)?.value()),
            "kind" | "type" => raw.kind = Some(str_value(&inner)?),
            "distance" => raw.distance = Some(str_value(&inner)?),
            _ => {
                if raw.params.iter().any(|(k, _)| *k == ident) {
                    return Err(inner.error(format!("duplicate `{key}`")));
                }
                let lit: Lit = inner.value()?.parse()?;
                raw.params.push((ident, lit));
            }
        }
        Ok(())
    })?;
    Ok(raw)
}

fn check_index(
    column: String,
    raw: RawIndex,
    span: Span,
    sparse: bool,
    dim: Option<u64>,
    lob_threshold: u64,
) -> syn::Result<VIndex> {
    let kind = match &raw.kind {
        None if sparse => rules::kind("sindi").expect("sindi"),
        None => rules::kind("hnsw").expect("hnsw"),
        Some(lit) => {
            let v = lit.value().to_ascii_lowercase();
            let Some(k) = rules::kind(&v) else {
                return err(
                    lit,
                    format!(
                        "unknown vector index kind \"{}\"; expected one of {}",
                        lit.value(),
                        rules::kind_names()
                    ),
                );
            };
            if k.sparse != sparse {
                return err(
                    lit,
                    if sparse {
                        "a SPARSEVECTOR column takes a `sindi` index".to_string()
                    } else {
                        format!("`{}` indexes SPARSEVECTOR columns, not VECTOR(n)", k.name)
                    },
                );
            }
            k
        }
    };
    let distance = match &raw.distance {
        None => kind.distances[0].to_string(),
        Some(lit) => {
            let v = lit.value().to_ascii_lowercase();
            let d = rules::canonical_distance(&v);
            if !kind.distances.contains(&d) {
                return err(
                    lit,
                    format!(
                        "unknown distance \"{}\" for `{}` indexes; expected one of {}",
                        lit.value(),
                        kind.name,
                        kind.distances.join(", ")
                    ),
                );
            }
            d.to_string()
        }
    };
    let mut params = Vec::new();
    for (ident, lit) in &raw.params {
        let key = ident.unraw().to_string();
        let Some(&(name, ty)) = kind.params.iter().find(|(k, _)| *k == key) else {
            let takes: Vec<&str> = kind.params.iter().map(|(k, _)| *k).collect();
            return err(
                ident,
                format!(
                    "`{}` indexes do not take `{key}`; they take {}",
                    kind.name,
                    takes.join(", ")
                ),
            );
        };
        // The value's Rust form, then the shared rule table's verdict on it.
        let word;
        let (value, pval) = match (ty, lit) {
            (ParamType::Int(..) | ParamType::IntIn(_), Lit::Int(i)) => {
                let v: u64 = i.base10_parse()?;
                (ParamValue::Int(v), PVal::Int(v))
            }
            (ParamType::Float(..), Lit::Float(_) | Lit::Int(_)) => {
                let v: f64 = match lit {
                    Lit::Float(f) => f.base10_parse()?,
                    Lit::Int(i) => i.base10_parse()?,
                    _ => unreachable!(),
                };
                (ParamValue::Float(v), PVal::Float(v))
            }
            (ParamType::Bool, Lit::Bool(b)) => (ParamValue::Bool(b.value), PVal::Bool(b.value)),
            (ParamType::Word(_), Lit::Str(s)) => {
                word = s.value().to_ascii_lowercase();
                (ParamValue::Word(&word), PVal::Word(word.clone()))
            }
            (ty, lit) => {
                let want = match ty {
                    ParamType::Int(..) | ParamType::IntIn(_) => "an integer",
                    ParamType::Float(..) => "a number",
                    ParamType::Bool => "`true` or `false`",
                    ParamType::Word(_) => "a string",
                };
                return err(lit, format!("`{key}` takes {want}"));
            }
        };
        if let Err(v) = kind.check(name, value) {
            return err(lit, format!("`{key}`: {}", v.reason));
        }
        params.push((key, pval));
    }
    let int = |k: &str| {
        params.iter().find_map(|(p, v)| match v {
            PVal::Int(i) if p == k => Some(*i),
            _ => None,
        })
    };
    let boolean = |k: &str| {
        params.iter().find_map(|(p, v)| match v {
            PVal::Bool(b) if p == k => Some(*b),
            _ => None,
        })
    };
    let settings = rules::Settings {
        m: int("m"),
        ef_construction: int("ef_construction"),
        prune: boolean("prune"),
        refine: boolean("refine"),
        drop_ratio_build: params.iter().find_map(|(p, v)| match v {
            PVal::Float(f) if p == "drop_ratio_build" => Some(*f),
            _ => None,
        }),
        dim,
        lob_inrow_threshold: Some(lob_threshold),
    };
    if let Err(v) = rules::check_settings(kind, &settings) {
        // The error sits on the parameter it names, or on the whole index.
        let at = raw
            .params
            .iter()
            .find(|(i, _)| i == v.parameter)
            .map(|(_, lit)| lit.span())
            .unwrap_or(span);
        return err(at, v.reason);
    }
    Ok(VIndex {
        name: raw.name.unwrap_or_else(|| format!("{column}_vidx")),
        column,
        kind,
        distance,
        params,
    })
}

fn parse_fulltext(meta: &ParseNestedMeta, table_level: bool) -> syn::Result<RawFullText> {
    let mut raw = RawFullText::default();
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(raw);
    }
    meta.parse_nested_meta(|inner| {
        let key = key_name(&inner);
        match key.as_str() {
            "name" => raw.name = Some(str_value(&inner)?.value()),
            "columns" if table_level => raw.columns = ident_list(&inner)?,
            "parser" => raw.parser = Some(str_value(&inner)?),
            "ik_mode" => raw.ik_mode = Some(str_value(&inner)?),
            "min_token_size" | "max_token_size" | "ngram_token_size" | "min_ngram_size"
            | "max_ngram_size" => {
                let ident = inner.path.get_ident().cloned().expect("ident");
                let v = u32_value(&inner, 0, u64::from(u32::MAX))?;
                raw.props.push((ident, v));
            }
            _ => {
                return Err(inner.error(format!(
                    "unknown key `{key}` in `fulltext(...)`; expected name,{} parser, \
                     ik_mode, min_token_size, max_token_size, ngram_token_size, \
                     min_ngram_size or max_ngram_size",
                    if table_level { " columns," } else { "" }
                )))
            }
        }
        Ok(())
    })?;
    Ok(raw)
}

fn check_fulltext(raw: RawFullText, span: Span) -> syn::Result<FullText> {
    let parser_name = raw.parser.as_ref().map(|p| p.value().to_ascii_lowercase());
    let allowed: &[(&str, u32, u32)] = match parser_name.as_deref() {
        None => &[],
        Some("space") | Some("beng") => &[("min_token_size", 1, 16), ("max_token_size", 10, 84)],
        Some("ngram") => &[("ngram_token_size", 1, 10)],
        Some("ngram2") => &[("min_ngram_size", 1, 16), ("max_ngram_size", 1, 16)],
        Some("ik") => &[],
        Some(_) => {
            let lit = raw.parser.as_ref().expect("parser");
            return err(
                lit,
                format!(
                    "unknown full-text parser \"{}\"; seekdb has space, beng, ngram, ngram2, ik",
                    lit.value()
                ),
            );
        }
    };
    for (ident, v) in &raw.props {
        let key = ident.to_string();
        let Some((_, lo, hi)) = allowed.iter().find(|(k, _, _)| *k == key) else {
            return err(
                ident,
                format!(
                    "the {} parser does not take `{key}`",
                    parser_name.as_deref().unwrap_or("default (space)")
                ),
            );
        };
        if v < lo || v > hi {
            return err(ident, format!("`{key}` must be {lo}..={hi}, got {v}"));
        }
    }
    let prop = |k: &str| raw.props.iter().find(|(i, _)| i == k).map(|(_, v)| *v);
    if let Some(m) = &raw.ik_mode {
        if parser_name.as_deref() != Some("ik") {
            return err(m, "`ik_mode` belongs to the ik parser");
        }
        let v = m.value();
        if v != "smart" && v != "max_word" {
            return err(m, "`ik_mode` is \"smart\" or \"max_word\"");
        }
    }
    let parser = match parser_name.as_deref() {
        None => None,
        Some("space") => Some(Parser::Space(
            prop("min_token_size"),
            prop("max_token_size"),
        )),
        Some("beng") => Some(Parser::Beng(prop("min_token_size"), prop("max_token_size"))),
        Some("ngram") => Some(Parser::Ngram(prop("ngram_token_size"))),
        Some("ngram2") => {
            let (lo, hi) = (prop("min_ngram_size"), prop("max_ngram_size"));
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if hi < lo {
                    return err(span, "`max_ngram_size` must be at least `min_ngram_size`");
                }
            }
            Some(Parser::Ngram2(lo, hi))
        }
        Some(_) => Some(Parser::Ik(raw.ik_mode.as_ref().map(LitStr::value))),
    };
    let columns: Vec<String> = raw.columns.into_iter().map(|(c, _)| c).collect();
    Ok(FullText {
        name: raw
            .name
            .unwrap_or_else(|| format!("{}_ftidx", columns.join("_"))),
        columns,
        parser,
    })
}

fn parse_partition(meta: &ParseNestedMeta, sub: bool) -> syn::Result<Part> {
    let span = meta.path.span();
    let mut method: Option<Method> = None;
    let mut columns = Vec::new();
    let mut count = None;
    let mut defs: Vec<PDef> = Vec::new();
    let mut defs_span = None;
    let mut subpart = None;
    meta.parse_nested_meta(|inner| {
        let key = key_name(&inner);
        let m = match key.as_str() {
            "range" => Some(Method::Range),
            "range_columns" => Some(Method::RangeColumns),
            "list" => Some(Method::List),
            "list_columns" => Some(Method::ListColumns),
            "hash" => Some(Method::Hash),
            "key" => Some(Method::Key),
            _ => None,
        };
        if let Some(m) = m {
            if method.is_some() {
                return Err(inner.error("a partition level has one method"));
            }
            columns = ident_list(&inner)?;
            let single = matches!(m, Method::Range | Method::List | Method::Hash);
            if single && columns.len() != 1 {
                return Err(inner.error(format!("`{key}(column)` takes exactly one column")));
            }
            if matches!(m, Method::RangeColumns | Method::ListColumns) && columns.is_empty() {
                return Err(inner.error(format!("`{key}(...)` needs at least one column")));
            }
            method = Some(m);
            return Ok(());
        }
        match key.as_str() {
            "partitions" => count = Some(u32_value(&inner, 1, 8192)?),
            "less_than" | "values_in" => {
                if !defs.is_empty() {
                    return Err(inner.error("partitions are listed once"));
                }
                defs_span = Some((inner.path.span(), key == "less_than"));
                let less_than = key == "less_than";
                inner.parse_nested_meta(|d| {
                    let name = key_name(&d);
                    let mut values = Vec::new();
                    if d.input.peek(Token![=]) {
                        values.push(partition_value(&d.value()?.parse()?)?);
                    } else {
                        let content;
                        syn::parenthesized!(content in d.input);
                        let list = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
                        for e in &list {
                            values.push(partition_value(e)?);
                        }
                        if values.is_empty() {
                            return Err(d.error("a partition needs a value"));
                        }
                    }
                    defs.push(PDef {
                        name,
                        less_than,
                        values,
                    });
                    Ok(())
                })?;
            }
            "subpartition" if !sub => {
                subpart = Some(Box::new(parse_partition(&inner, true)?));
            }
            _ => {
                return Err(inner.error(format!(
                    "unknown key `{key}` in `{}(...)`; expected hash(c), key(...), range(c), \
                     range_columns(...), list(c), list_columns(...), partitions = N, \
                     less_than(...), values_in(...){}",
                    if sub { "subpartition" } else { "partition" },
                    if sub { "" } else { " or subpartition(...)" }
                )))
            }
        }
        Ok(())
    })?;
    let Some(method) = method else {
        return err(
            span,
            "name the method: hash(c), key(...), range(c), range_columns(...), list(c) or list_columns(...)",
        );
    };
    let hashlike = matches!(method, Method::Hash | Method::Key);
    if let Some((dspan, less_than)) = defs_span {
        let ok = if less_than {
            matches!(method, Method::Range | Method::RangeColumns)
        } else {
            matches!(method, Method::List | Method::ListColumns)
        };
        if !ok {
            return err(
                dspan,
                if less_than {
                    "`less_than(...)` goes with range / range_columns"
                } else {
                    "`values_in(...)` goes with list / list_columns"
                },
            );
        }
    }
    if count.is_some() && !hashlike {
        return err(span, "`partitions = N` goes with hash / key partitioning");
    }
    if hashlike && count.is_none() {
        return err(span, "hash / key partitioning needs `partitions = N`");
    }
    if !hashlike && defs.is_empty() {
        return err(
            span,
            "range / list partitioning needs its partitions: less_than(p0 = 10, ...) or values_in(p0(1, 2), ...)",
        );
    }
    Ok(Part {
        method,
        columns,
        count,
        defs,
        sub: subpart,
    })
}

fn partition_value(e: &Expr) -> syn::Result<PValue> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => Ok(PValue::Int(i.base10_parse()?)),
            Lit::Str(s) => Ok(PValue::Str(s.value())),
            other => err(other, "expected an integer, a string, MAXVALUE or DEFAULT"),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => match &l.lit {
                Lit::Int(i) => Ok(PValue::Int(-i.base10_parse::<i64>()?)),
                other => err(other, "expected an integer"),
            },
            other => err(other, "expected an integer"),
        },
        Expr::Path(p) if p.path.is_ident("MAXVALUE") => Ok(PValue::MaxValue),
        Expr::Path(p) if p.path.is_ident("DEFAULT") => Ok(PValue::Default),
        other => err(other, "expected an integer, a string, MAXVALUE or DEFAULT"),
    }
}
