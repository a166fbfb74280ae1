//! `index(...)` and `fulltext(...)` attributes, checked against the shared rule table.

use super::*;

pub(super) fn parse_index(meta: &ParseNestedMeta) -> syn::Result<RawIndex> {
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

pub(super) fn check_index(
    column: String,
    raw: RawIndex,
    span: Span,
    sparse: bool,
    dim: Option<u32>,
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
            .find(|(i, _)| *i == v.parameter.as_str())
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

pub(super) fn parse_fulltext(
    meta: &ParseNestedMeta,
    table_level: bool,
) -> syn::Result<RawFullText> {
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

pub(super) fn check_fulltext(raw: RawFullText, span: Span) -> syn::Result<FullText> {
    let parser_name = raw.parser.as_ref().map(|p| p.value().to_ascii_lowercase());
    let rules = match (&raw.parser, parser_name.as_deref()) {
        (Some(lit), Some(name)) => match fulltext::parser(name) {
            Some(p) => Some(p),
            None => {
                return err(
                    lit,
                    format!(
                        "unknown full-text parser \"{}\"; seekdb has {}",
                        lit.value(),
                        fulltext::parser_names()
                    ),
                )
            }
        },
        _ => None,
    };
    for (ident, v) in &raw.props {
        let key = ident.to_string();
        let option = rules.and_then(|p| p.options.iter().find(|(k, _)| *k == key));
        let (Some(p), Some(&(name, _))) = (rules, option) else {
            return err(
                ident,
                format!(
                    "the {} parser does not take `{key}`",
                    parser_name.as_deref().unwrap_or("default (space)")
                ),
            );
        };
        if let Err(e) = p.check_int(name, u64::from(*v)) {
            return err(ident, format!("`{key}`: {}", e.reason));
        }
    }
    let prop = |k: &str| raw.props.iter().find(|(i, _)| i == k).map(|(_, v)| *v);
    if let Some(m) = &raw.ik_mode {
        if parser_name.as_deref() != Some("ik") {
            return err(m, "`ik_mode` belongs to the ik parser");
        }
        let v = m.value();
        let modes = match rules.and_then(|p| p.option("ik_mode")) {
            Some(ParamType::Word(words)) => words,
            _ => &[][..],
        };
        if !modes.contains(&v.as_str()) {
            return err(m, format!("`ik_mode` is one of {modes:?}"));
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
            if let Err(e) = fulltext::check_ngram2(lo.map(u64::from), hi.map(u64::from)) {
                return err(span, format!("`{}` {}", e.parameter, e.reason));
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
