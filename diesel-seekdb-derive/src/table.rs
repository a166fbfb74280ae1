//! Code generation for `#[derive(SeekdbTable)]`: the parsed [`Model`] becomes calls to
//! `diesel_seekdb::ddl`'s builders, so the SQL is rendered (and checked again) by the
//! same code as hand-written DDL.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::DeriveInput;

use crate::model::{self, Method, PVal, PValue, Parser, Part};
use crate::sql_type::ColumnTypeExt as _;

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let m = model::parse(input)?;
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let ddl = quote!(::diesel_seekdb::ddl);
    let table = &m.table;

    let columns = m.columns.iter().map(|c| {
        let cname = &c.name;
        let ty = c.ty.tokens();
        let nullable = c.nullable;
        let mut t = quote!(#ddl::Column::new(#cname, #ty).nullable(#nullable));
        if m.primary_key.iter().any(|p| p.eq_ignore_ascii_case(cname)) {
            t.extend(quote!(.primary_key()));
        }
        if c.auto_increment {
            t.extend(quote!(.auto_increment()));
        }
        if let Some(comment) = &c.comment {
            t.extend(quote!(.comment(#comment)));
        }
        quote!(.column(#t))
    });
    let pk = &m.primary_key;
    let pk = if pk.len() > 1 {
        quote!(.primary_key([#(#pk),*]))
    } else {
        quote!()
    };
    let vector_indexes = m.vector_indexes.iter().map(|v| {
        let (iname, col) = (&v.name, &v.column);
        let kind = match v.kind.name {
            "hnsw" => quote!(Hnsw),
            "hnsw_sq" => quote!(HnswSq),
            "hnsw_bq" => quote!(HnswBq),
            "ivf_flat" => quote!(IvfFlat),
            "ivf_sq8" => quote!(IvfSq8),
            "ivf_pq" => quote!(IvfPq),
            _ => quote!(Sindi),
        };
        let distance = match v.distance.as_str() {
            "l2" => quote!(L2),
            "cosine" => quote!(Cosine),
            _ => quote!(InnerProduct),
        };
        let params = v.params.iter().map(|(k, val)| {
            let method = format_ident!("{}", k);
            let arg = match (k.as_str(), val) {
                ("lib", PVal::Word(w)) if w == "ob" => quote!(#ddl::VectorLib::Ob),
                ("lib", _) => quote!(#ddl::VectorLib::Vsag),
                ("refine_type", PVal::Word(w)) if w == "fp32" => quote!(#ddl::RefineType::Fp32),
                ("refine_type", _) => quote!(#ddl::RefineType::Sq8),
                ("sync_mode", PVal::Word(w)) if w == "async" => quote!(#ddl::SyncMode::Async),
                ("sync_mode", _) => quote!(#ddl::SyncMode::Immediate),
                (_, PVal::Int(i)) => Literal::u64_unsuffixed(*i).into_token_stream(),
                (_, PVal::Float(f)) => Literal::f64_unsuffixed(*f).into_token_stream(),
                (_, PVal::Bool(b)) => quote!(#b),
                (_, PVal::Word(w)) => quote!(#w),
            };
            quote!(.#method(#arg))
        });
        quote! {
            .vector_index(
                #ddl::VectorIndex::new(#iname, #col)
                    .index_type(#ddl::VecIndexType::#kind)
                    .distance(#ddl::Distance::#distance)
                    #(#params)*
            )
        }
    });
    let fulltexts = m.fulltexts.iter().map(|f| {
        let (fname, cols) = (&f.name, &f.columns);
        let opt = |v: Option<u32>| match v {
            Some(v) => quote!(::core::option::Option::Some(#v)),
            None => quote!(::core::option::Option::None),
        };
        let parser = f.parser.as_ref().map(|p| {
            let p = match p {
                Parser::Space(lo, hi) | Parser::Beng(lo, hi) => {
                    let variant = if matches!(p, Parser::Space(..)) {
                        quote!(Space)
                    } else {
                        quote!(Beng)
                    };
                    let (lo, hi) = (opt(*lo), opt(*hi));
                    quote!(#ddl::FullTextParser::#variant { min_token_size: #lo, max_token_size: #hi })
                }
                Parser::Ngram(n) => {
                    let n = opt(*n);
                    quote!(#ddl::FullTextParser::Ngram { token_size: #n })
                }
                Parser::Ngram2(lo, hi) => {
                    let (lo, hi) = (opt(*lo), opt(*hi));
                    quote!(#ddl::FullTextParser::Ngram2 { min_ngram_size: #lo, max_ngram_size: #hi })
                }
                Parser::Ik(mode) => match mode.as_deref() {
                    Some("smart") => quote!(#ddl::FullTextParser::ik(#ddl::IkMode::Smart)),
                    Some(_) => quote!(#ddl::FullTextParser::ik(#ddl::IkMode::MaxWord)),
                    None => quote!(#ddl::FullTextParser::ik(::core::option::Option::None)),
                },
            };
            quote!(.parser(#p))
        });
        quote!(.fulltext_index(#ddl::FullTextIndex::new(#fname, [#(#cols),*]) #parser))
    });
    let keys = m.keys.iter().map(|k| {
        let (kname, col) = (&k.name, &k.column);
        quote!(.index(#ddl::Index::new(#kname, [#col])))
    });
    let json_indexes = m.json_indexes.iter().map(|j| {
        let (jname, col, path) = (&j.name, &j.column, &j.path);
        let cast = match j.cast {
            model::JsonCastTok::Signed => quote!(#ddl::JsonCast::Signed),
            model::JsonCastTok::Double => quote!(#ddl::JsonCast::Double),
            model::JsonCastTok::Char(n) => quote!(#ddl::JsonCast::Char(#n)),
        };
        quote!(.json_index(#ddl::JsonPathIndex::new(#jname, #col, #path, #cast)))
    });
    let spatial_indexes = m.spatial_indexes.iter().map(|s| {
        let (sname, col) = (&s.name, &s.column);
        quote!(.index(#ddl::Index::spatial(#sname, #col)))
    });
    let organization = m.organization.as_deref().map(|o| {
        if o == "heap" {
            quote!(.organization(#ddl::Organization::Heap))
        } else {
            quote!(.organization(#ddl::Organization::Index))
        }
    });
    let lob = m.lob_inrow_threshold.map(|l| {
        let l = Literal::u64_unsuffixed(l);
        quote!(.lob_inrow_threshold(#l))
    });
    let comment = m.comment.as_ref().map(|c| quote!(.comment(#c)));
    let partition = m.partition.as_ref().map(partition_tokens);
    let table_partition = partition.as_ref().map(|p| quote!(.partition(#p)));

    let index_params = m.vector_indexes.iter().map(|v| {
        let (iname, col, kind, dist) = (&v.name, &v.column, v.kind.name, &v.distance);
        let params = v.params.iter().map(|(k, val)| {
            let pv = quote!(::diesel_seekdb::model::__private::ParamValue);
            let val = match val {
                PVal::Int(i) => quote!(#pv::Int(#i)),
                PVal::Float(f) => quote!(#pv::Float(#f)),
                PVal::Bool(b) => quote!(#pv::Bool(#b)),
                PVal::Word(w) => quote!(#pv::Word(#w)),
            };
            quote!((#k, #val))
        });
        quote! {
            __seekdb_params.add(::diesel_seekdb::model::__private::index_param(
                #iname, #col, #kind, #dist, &[#(#params),*],
            ))?;
        }
    });

    let vectors: Vec<crate::VectorField> = m
        .columns
        .iter()
        .filter(|c| c.is_vector_field)
        .filter_map(|c| match c.ty {
            crate::sql_type::ColumnType::Vector(d) => Some(crate::VectorField {
                ident: c.field.clone(),
                dim: d,
                optional: c.nullable,
            }),
            _ => None,
        })
        .collect();
    let vectors_impl = crate::vectors_impl(input, &vectors);

    Ok(quote! {
        impl #impl_generics ::diesel_seekdb::model::SeekdbTable for #name #ty_generics #where_clause {
            const TABLE_NAME: &'static str = #table;

            fn create_table() -> #ddl::CreateTable {
                #ddl::CreateTable::new(#table)
                    #(#columns)*
                    #pk
                    #(#vector_indexes)*
                    #(#fulltexts)*
                    #(#keys)*
                    #(#json_indexes)*
                    #(#spatial_indexes)*
                    #organization
                    #lob
                    #comment
                    #table_partition
            }

        }

        impl #impl_generics ::diesel_seekdb::milvus::MilvusCollection for #name #ty_generics #where_clause {
            fn milvus_schema() -> ::diesel_seekdb::Result<::diesel_seekdb::milvus::CollectionSchema> {
                // One mapping from column types to Milvus types: the runtime's.
                ::diesel_seekdb::milvus::CollectionSchema::from_create_table(
                    &<Self as ::diesel_seekdb::model::SeekdbTable>::create_table(),
                )
            }

            fn milvus_index_params() -> ::diesel_seekdb::Result<::diesel_seekdb::milvus::IndexParams> {
                let mut __seekdb_params = ::diesel_seekdb::milvus::IndexParams::new();
                #(#index_params)*
                ::core::result::Result::Ok(__seekdb_params)
            }
        }

        #vectors_impl
    })
}

use quote::ToTokens as _;

fn partition_tokens(p: &Part) -> TokenStream {
    let ddl = quote!(::diesel_seekdb::ddl);
    let cols: Vec<&String> = p.columns.iter().map(|(c, _)| c).collect();
    let first = cols.first().map(|c| quote!(#c)).unwrap_or_default();
    let mut t = match p.method {
        Method::Range => quote!(#ddl::Partition::range(#first)),
        Method::List => quote!(#ddl::Partition::list(#first)),
        Method::Hash => quote!(#ddl::Partition::hash(#first)),
        Method::RangeColumns => quote!(#ddl::Partition::range_columns([#(#cols),*])),
        Method::ListColumns => quote!(#ddl::Partition::list_columns([#(#cols),*])),
        Method::Key => {
            quote!(#ddl::Partition::key::<[&str; 0], &str>([]))
        }
    };
    if p.method == Method::Key && !cols.is_empty() {
        t = quote!(#ddl::Partition::key([#(#cols),*]));
    }
    if let Some(sub) = &p.sub {
        let s = partition_tokens(sub);
        t.extend(quote!(.subpartition_by(#s)));
    }
    if let Some(n) = p.count {
        t.extend(quote!(.partitions(#n)));
    }
    for d in &p.defs {
        let name = &d.name;
        let values = d.values.iter().map(|v| match v {
            PValue::Int(i) => quote!(#ddl::PartitionValue::Int(#i)),
            PValue::Str(s) => quote!(#ddl::PartitionValue::Str(::std::string::String::from(#s))),
            PValue::MaxValue => quote!(#ddl::PartitionValue::MaxValue),
            PValue::Default => quote!(#ddl::PartitionValue::Default),
        });
        let def = if d.less_than {
            quote!(#ddl::PartitionDef::less_than_values(#name, [#(#values),*]))
        } else {
            quote!(#ddl::PartitionDef::values_in(#name, [#(#values),*]))
        };
        t.extend(quote!(.partition(#def)));
    }
    t
}
