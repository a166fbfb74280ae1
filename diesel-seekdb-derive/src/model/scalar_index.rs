//! `key` and `json_index(...)` field attributes: the indexes that make filtered vector
//! search fast (a secondary index on a typed scalar column, a functional index on the
//! `CAST` of a JSON path).

use super::*;

/// A `json_index(path = "$.page", cast = "signed", name = "...")` attribute.
pub(super) struct RawJsonIndex {
    pub(super) name: Option<String>,
    pub(super) path: LitStr,
    pub(super) cast: JsonCastTok,
}

/// The cast of a JSON index.
#[derive(Clone, Copy)]
pub enum JsonCastTok {
    Signed,
    Double,
    Char(u32),
}

/// A secondary index: `KEY name (column)`.
pub struct Key {
    pub name: String,
    pub column: String,
}

/// A functional index over a JSON path.
pub struct JsonIdx {
    pub name: String,
    pub column: String,
    pub path: String,
    pub cast: JsonCastTok,
}

/// `key` or `key(name = "...")`: the index name, if given.
pub(super) fn parse_key(meta: &ParseNestedMeta) -> syn::Result<Option<String>> {
    parse_index_name(meta, "key")
}

/// `<attribute>` or `<attribute>(name = "...")` (`key`, `spatial`): the index name, if
/// given.
pub(super) fn parse_index_name(
    meta: &ParseNestedMeta,
    attribute: &str,
) -> syn::Result<Option<String>> {
    let mut name = None;
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(name);
    }
    meta.parse_nested_meta(|inner| {
        if !inner.path.is_ident("name") {
            return Err(inner.error(format!(
                "unknown key `{}` in `{attribute}(...)`; expected `name = \"...\"`",
                key_name(&inner)
            )));
        }
        name = Some(str_value(&inner)?.value());
        Ok(())
    })?;
    Ok(name)
}

pub(super) fn parse_json_index(meta: &ParseNestedMeta) -> syn::Result<RawJsonIndex> {
    let (mut name, mut path, mut cast) = (None, None, None);
    meta.parse_nested_meta(|inner| {
        match key_name(&inner).as_str() {
            "name" => name = Some(str_value(&inner)?.value()),
            "path" => {
                let lit = str_value(&inner)?;
                let p = lit.value();
                let plain = p.starts_with("$.") || p.starts_with("$[");
                if !plain || p.contains('*') {
                    return err(
                        &lit,
                        "`path` is a plain JSON path such as \"$.page\" or \"$.tags[0]\"",
                    );
                }
                path = Some(lit);
            }
            "cast" => {
                let lit = str_value(&inner)?;
                let v = lit.value().to_ascii_lowercase().replace(' ', "");
                cast =
                    Some(match v.as_str() {
                        "signed" | "int" | "bigint" => JsonCastTok::Signed,
                        "double" => JsonCastTok::Double,
                        c => match c
                            .strip_prefix("char(")
                            .and_then(|n| n.strip_suffix(')'))
                            .and_then(|n| n.parse::<u32>().ok())
                        {
                            Some(n) if (1..=255).contains(&n) => JsonCastTok::Char(n),
                            _ => return err(
                                &lit,
                                "`cast` is \"signed\", \"double\" or \"char(N)\" with N in 1..=255",
                            ),
                        },
                    });
            }
            other => {
                return Err(inner.error(format!(
                    "unknown key `{other}` in `json_index(...)`; expected path, cast or name"
                )))
            }
        }
        Ok(())
    })?;
    let Some(path) = path else {
        return Err(meta.error("`json_index(...)` needs `path = \"$.key\"`"));
    };
    Ok(RawJsonIndex {
        name,
        path,
        cast: cast.unwrap_or(JsonCastTok::Signed),
    })
}

/// Checks a field's `key` / `json_index` attributes against its column type.
pub(super) fn check_scalar_indexes(
    column: &str,
    ty: &ColumnType,
    key: Option<(Option<String>, Span)>,
    json: Vec<(RawJsonIndex, Span)>,
    keys: &mut Vec<Key>,
    json_indexes: &mut Vec<JsonIdx>,
) -> syn::Result<()> {
    if let Some((name, span)) = key {
        if ty.is_lob_like() {
            return err(
                span,
                format!(
                    "`key` indexes scalar columns; {} can't have a normal index \
                     (use `json_index(...)` on a JSON field)",
                    ty.to_sql()
                ),
            );
        }
        keys.push(Key {
            name: name.unwrap_or_else(|| format!("idx_{column}")),
            column: column.to_string(),
        });
    }
    for (raw, span) in json {
        if *ty != ColumnType::Json {
            return err(
                span,
                format!("`json_index` belongs on a JSON field, not {}", ty.to_sql()),
            );
        }
        let path = raw.path.value();
        // `$.page` on `meta` -> `jidx_meta_page`.
        let name = raw.name.unwrap_or_else(|| {
            let mut tail = String::new();
            for c in path.chars() {
                if c.is_alphanumeric() {
                    tail.push(c);
                } else if !tail.is_empty() && !tail.ends_with('_') {
                    tail.push('_');
                }
            }
            format!("jidx_{column}_{}", tail.trim_end_matches('_'))
        });
        json_indexes.push(JsonIdx {
            name,
            column: column.to_string(),
            path,
            cast: raw.cast,
        });
    }
    Ok(())
}
