//! Scalar indexes the pymilvus way: `IndexParams::add_index(field, "INVERTED" |
//! "STL_SORT" | "Trie" | "BITMAP", name, params)`. On seekdb they become what makes
//! filtered search fast: a secondary index on a scalar field, or, on a JSON field with
//! `params = {"json_path": "meta[\"page\"]", "json_cast_type": "double"}` (pymilvus
//! 2.5's JSON index), a functional index on the `CAST` of that path
//! ([`crate::ddl::JsonPathIndex`]), which the filter translator then uses.

use serde_json::Value;

use super::IndexParam;
use crate::ddl::{CreateTable, Index, JsonCast, JsonPathIndex};
use crate::{Error, Result};

/// Milvus's scalar index types (any case).
const SCALAR_TYPES: [&str; 6] = ["INVERTED", "STL_SORT", "TRIE", "BITMAP", "SORTED", "SCALAR"];

/// A scalar index, as seekdb builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScalarIndex {
    /// `KEY name (field)`.
    Key(Index),
    /// A functional index over a JSON path.
    JsonPath(JsonPathIndex),
}

impl ScalarIndex {
    /// Adds the index to a `CREATE TABLE`.
    pub fn add_to(self, table: CreateTable) -> CreateTable {
        match self {
            ScalarIndex::Key(i) => table.index(i),
            ScalarIndex::JsonPath(j) => table.json_index(j),
        }
    }

    /// `CREATE INDEX ...` on an existing table.
    pub fn to_create_sql(&self, table: &str) -> Result<String> {
        match self {
            ScalarIndex::Key(i) => i.to_create_sql(table),
            ScalarIndex::JsonPath(j) => j.to_create_sql(table),
        }
    }

    /// The index's name.
    pub(crate) fn index_name(&self) -> &str {
        match self {
            ScalarIndex::Key(i) => i.name(),
            ScalarIndex::JsonPath(j) => j.name(),
        }
    }

    /// The indexed field.
    pub fn field(&self) -> &str {
        match self {
            ScalarIndex::Key(i) => &i.columns()[0],
            ScalarIndex::JsonPath(j) => j.column(),
        }
    }
}

/// Whether `index_type` names a Milvus scalar index.
pub(crate) fn is_scalar_type(index_type: &str) -> bool {
    SCALAR_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(index_type.trim()))
}

/// `meta["a"]['b'][0]` (pymilvus) or `$.a.b[0]` as a JSON path `$.a.b[0]`, and the
/// field it starts from (when written the Milvus way).
fn json_path(field: &str, path: &str) -> Option<String> {
    let path = path.trim();
    if path.starts_with('$') {
        return crate::ddl::json_index::parse_path(path).map(|_| path.to_string());
    }
    let rest = path.strip_prefix(field)?;
    let mut out = String::from("$");
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '[' {
            return None;
        }
        match chars.next()? {
            q @ ('"' | '\'') => {
                let mut key = String::new();
                loop {
                    match chars.next()? {
                        '\\' => key.push(chars.next()?),
                        c if c == q => break,
                        c => key.push(c),
                    }
                }
                if chars.next()? != ']' {
                    return None;
                }
                let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if plain {
                    out.push('.');
                    out.push_str(&key);
                } else {
                    out.push_str(".\"");
                    for c in key.chars() {
                        if c == '"' || c == '\\' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                }
            }
            d if d.is_ascii_digit() => {
                let mut n = d.to_string();
                loop {
                    match chars.next()? {
                        ']' => break,
                        d if d.is_ascii_digit() => n.push(d),
                        _ => return None,
                    }
                }
                out.push_str(&format!("[{n}]"));
            }
            _ => return None,
        }
    }
    (out.len() > 1).then_some(out)
}

/// The seekdb index for a scalar [`IndexParam`].
pub(crate) fn to_scalar_index(p: &IndexParam) -> Result<ScalarIndex> {
    let params = match &p.params {
        Value::Null => serde_json::Map::new(),
        Value::Object(o) => o.clone(),
        other => {
            return Err(Error::validation(
                "params",
                format!("expected a JSON object, got {other}"),
            ))
        }
    };
    for key in params.keys() {
        if !matches!(key.as_str(), "json_path" | "json_cast_type" | "max_length") {
            return Err(Error::validation(
                format!("params.{key}"),
                "scalar indexes take json_path, json_cast_type and max_length",
            ));
        }
    }
    let Some(path) = params.get("json_path") else {
        let index = Index::new(p.index_name.clone(), [p.field_name.clone()]);
        // Names are checked here; the column type when the table is built.
        index.to_create_sql("t")?;
        return Ok(ScalarIndex::Key(index));
    };
    let path_text = path
        .as_str()
        .ok_or_else(|| Error::validation("params.json_path", "expected a string"))?;
    let json = json_path(&p.field_name, path_text).ok_or_else(|| {
        Error::validation(
            "params.json_path",
            format!(
                "{path_text:?} is not a path into `{}` such as {}[\"key\"] or $.key",
                p.field_name, p.field_name
            ),
        )
    })?;
    let cast = match params
        .get("json_cast_type")
        .map(|v| v.as_str().unwrap_or_default().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("double") => JsonCast::Double,
        Some("int64" | "int" | "bigint" | "signed") => JsonCast::Signed,
        Some("varchar") => {
            let n = match params.get("max_length") {
                None => 255,
                Some(v) => v
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| Error::validation("params.max_length", "expected 1..=255"))?,
            };
            JsonCast::Char(n)
        }
        Some(other) => {
            return Err(Error::validation(
                "params.json_cast_type",
                format!("{other:?}: seekdb indexes double, int64 and varchar JSON values"),
            ))
        }
    };
    let index = JsonPathIndex::new(p.index_name.clone(), p.field_name.clone(), json, cast);
    index.validate()?;
    Ok(ScalarIndex::JsonPath(index))
}

#[cfg(test)]
mod tests {
    use super::super::IndexParams;
    use super::*;
    use serde_json::json;

    #[test]
    fn milvus_json_paths_convert() {
        assert_eq!(
            json_path("meta", r#"meta["page"]"#).as_deref(),
            Some("$.page")
        );
        assert_eq!(
            json_path("meta", r#"meta['a']["b c"][2]"#).as_deref(),
            Some(r#"$.a."b c"[2]"#)
        );
        assert_eq!(json_path("meta", "$.page").as_deref(), Some("$.page"));
        assert_eq!(json_path("meta", r#"other["page"]"#), None);
        assert_eq!(json_path("meta", "meta"), None);
        assert_eq!(json_path("meta", "meta[x]"), None);
    }

    #[test]
    fn scalar_index_params_render() {
        let mut p = IndexParams::new();
        p.add_index("page", "STL_SORT", "idx_page", Value::Null)
            .unwrap();
        p.add_index(
            "meta",
            "INVERTED",
            "jidx_page",
            json!({ "json_path": "meta[\"page\"]", "json_cast_type": "int64" }),
        )
        .unwrap();
        p.add_index("v", "HNSW", "vidx", json!({ "metric_type": "L2" }))
            .unwrap();
        assert_eq!(p.to_vector_indexes().unwrap().len(), 1);
        let scalar = p.to_scalar_indexes().unwrap();
        assert_eq!(
            scalar[0].to_create_sql("t").unwrap(),
            "CREATE INDEX `idx_page` ON `t` (`page`)"
        );
        assert_eq!(
            scalar[1].to_create_sql("t").unwrap(),
            "CREATE INDEX `jidx_page` ON `t` ((CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED)))"
        );
        let bad = |params: Value| {
            IndexParams::new()
                .add_index("meta", "INVERTED", "k", params)
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        assert!(
            bad(json!({ "json_path": "meta[\"a\"]", "json_cast_type": "array_double" }))
                .contains("json_cast_type")
        );
        assert!(bad(json!({ "json_path": "x[\"a\"]" })).contains("json_path"));
        assert!(bad(json!({ "nlist": 3 })).contains("params.nlist"));
    }
}
