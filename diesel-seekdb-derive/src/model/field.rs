//! A field's `#[seekdb(...)]` attributes.

use super::*;

pub(super) fn parse_field_attrs(field: &syn::Field) -> syn::Result<FieldAttrs> {
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
        key: None,
        json_indexes: Vec::new(),
        spatial: None,
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
                "key" => {
                    dup(a.key.is_some())?;
                    a.key = Some((parse_key(&meta)?, span));
                }
                "json_index" => a.json_indexes.push((parse_json_index(&meta)?, span)),
                "spatial" => {
                    dup(a.spatial.is_some())?;
                    a.spatial = Some((parse_spatial(&meta)?, span));
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown key `{key}` in a field's `#[seekdb(...)]`; expected \
                         primary_key, auto_increment, vector, index, varchar, text, sql_type, \
                         comment, fulltext, key, json_index or spatial"
                    )))
                }
            }
            Ok(())
        })?;
    }
    Ok(a)
}
