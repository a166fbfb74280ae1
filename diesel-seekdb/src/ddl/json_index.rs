//! Functional indexes over JSON paths: ``KEY `k` ((CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED)))``.
//!
//! seekdb reads a JSON path about 3x slower than an INT column, and a plain
//! `JSON_EXTRACT(meta, '$.page') = 3` filter scans every row. An index on the `CAST`
//! of the path lets a filtered vector search find the matching rows through the index
//! (`VECTOR INDEX ADAPTIVE SCAN (PRE-FILTER)` on `t(k)`), but only when the query
//! writes **the same expression with the path as a literal**: a bound path (`?`) is
//! not matched. [`JsonPathIndex::expression_sql`] gives that expression; the Milvus
//! filter translator emits it by itself when the table has such an index.

use super::ident::{quote_ident, quote_string, validate_ident, IdentKind};
use crate::{Error, Result};

/// The SQL type a JSON path is cast to in a [`JsonPathIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonCast {
    /// `SIGNED` (BIGINT): integer metadata (pages, years, tenant ids).
    Signed,
    /// `DOUBLE`: numeric metadata with fractions (prices, scores).
    Double,
    /// `CHAR(n)` of the unquoted string (tags, categories), `n` in 1..=255. Longer
    /// strings are cut to `n` characters in the index; comparisons still check the
    /// whole value.
    Char(u32),
}

impl JsonCast {
    /// The SQL after `AS`.
    pub fn to_sql(self) -> String {
        match self {
            JsonCast::Signed => "SIGNED".into(),
            JsonCast::Double => "DOUBLE".into(),
            JsonCast::Char(n) => format!("CHAR({n})"),
        }
    }

    fn validate(self) -> Result<()> {
        match self {
            JsonCast::Char(n) if n == 0 || n > 255 => Err(Error::validation(
                "cast",
                format!("CHAR({n}) is out of range: 1..=255"),
            )),
            _ => Ok(()),
        }
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathStep {
    Key(String),
    Index(u64),
}

/// Parses `$.a."b c"[0]` into steps; `None` for anything else (wildcards, ranges,
/// `**`), which a functional index cannot be matched against reliably.
pub(crate) fn parse_path(path: &str) -> Option<Vec<PathStep>> {
    let mut chars = path.trim().chars().peekable();
    if chars.next()? != '$' {
        return None;
    }
    let mut steps = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    let mut key = String::new();
                    loop {
                        match chars.next()? {
                            '\\' => key.push(chars.next()?),
                            '"' => break,
                            other => key.push(other),
                        }
                    }
                    steps.push(PathStep::Key(key));
                } else {
                    let mut key = String::new();
                    while let Some(&n) = chars.peek() {
                        if n.is_alphanumeric() || n == '_' || n == '$' {
                            key.push(n);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    if key.is_empty() || key.starts_with(|c: char| c.is_ascii_digit()) {
                        return None;
                    }
                    steps.push(PathStep::Key(key));
                }
            }
            '[' => {
                let mut digits = String::new();
                loop {
                    match chars.next()? {
                        ']' => break,
                        d if d.is_ascii_digit() => digits.push(d),
                        _ => return None,
                    }
                }
                steps.push(PathStep::Index(digits.parse().ok()?));
            }
            _ => return None,
        }
    }
    Some(steps)
}

/// A secondary index on `CAST(JSON_EXTRACT(column, path) AS type)`.
///
/// ```
/// use diesel_seekdb::ddl::{JsonCast, JsonPathIndex};
/// let i = JsonPathIndex::new("idx_page", "meta", "$.page", JsonCast::Signed);
/// assert_eq!(i.expression_sql()?, "CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED)");
/// assert_eq!(
///     i.to_inline_sql()?,
///     "KEY `idx_page` ((CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED)))"
/// );
/// let tag = JsonPathIndex::new("idx_tag", "meta", "$.tag", JsonCast::Char(32));
/// assert_eq!(
///     tag.to_create_sql("items")?,
///     "CREATE INDEX `idx_tag` ON `items` \
///      ((CAST(JSON_UNQUOTE(JSON_EXTRACT(`meta`, '$.tag')) AS CHAR(32))))"
/// );
/// // Only plain member / array paths: a wildcard can't be matched to a filter.
/// assert!(JsonPathIndex::new("k", "meta", "$.*", JsonCast::Signed).to_inline_sql().is_err());
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPathIndex {
    pub(super) name: String,
    pub(super) column: String,
    pub(super) path: String,
    pub(super) cast: JsonCast,
}

impl JsonPathIndex {
    /// An index named `name` on `path` (`$.key`, `$."a key"`, `$.a[0]`) of JSON
    /// column `column`, cast to `cast`.
    pub fn new(
        name: impl Into<String>,
        column: impl Into<String>,
        path: impl Into<String>,
        cast: JsonCast,
    ) -> Self {
        JsonPathIndex {
            name: name.into(),
            column: column.into(),
            path: path.into(),
            cast,
        }
    }

    /// The index name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The JSON column.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The JSON path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The cast.
    pub fn cast(&self) -> JsonCast {
        self.cast
    }

    /// Checks the names, the path and the cast.
    pub fn validate(&self) -> Result<()> {
        validate_ident("index_name", &self.name, IdentKind::Index)?;
        validate_ident(
            &format!("json_indexes.{}.column", self.name),
            &self.column,
            IdentKind::Column,
        )?;
        match parse_path(&self.path) {
            Some(steps) if !steps.is_empty() => {}
            _ => {
                return Err(Error::validation(
                    format!("json_indexes.{}.path", self.name),
                    format!(
                        "{:?} is not a plain JSON path like $.key, $.\"a key\" or $.list[0]",
                        self.path
                    ),
                ))
            }
        }
        self.cast.validate()
    }

    /// The indexed expression, exactly as a query must write it for the index to be
    /// used (the path a literal, never a bound parameter).
    pub fn expression_sql(&self) -> Result<String> {
        self.validate()?;
        Ok(expression(&self.column, &self.path, self.cast))
    }

    /// As a `CREATE TABLE` element: ``KEY `name` ((expression))``.
    pub fn to_inline_sql(&self) -> Result<String> {
        Ok(format!(
            "KEY {} (({}))",
            quote_ident(&self.name),
            self.expression_sql()?
        ))
    }

    /// ``CREATE INDEX `name` ON `t` ((expression))``.
    pub fn to_create_sql(&self, table: &str) -> Result<String> {
        validate_ident("table", table, IdentKind::Table)?;
        Ok(format!(
            "CREATE INDEX {} ON {} (({}))",
            quote_ident(&self.name),
            quote_ident(table),
            self.expression_sql()?
        ))
    }
}

/// `CAST(JSON_EXTRACT(`column`, 'path') AS type)` (strings unquoted first).
pub(crate) fn expression(column: &str, path: &str, cast: JsonCast) -> String {
    let extract = format!(
        "JSON_EXTRACT({}, {})",
        quote_ident(column),
        quote_string(path)
    );
    match cast {
        JsonCast::Char(_) => format!("CAST(JSON_UNQUOTE({extract}) AS {})", cast.to_sql()),
        _ => format!("CAST({extract} AS {})", cast.to_sql()),
    }
}

/// Reads back an index expression as `SHOW INDEX` prints it
/// (``cast(json_extract(`meta`,'$.page') as signed)``,
/// ``cast(json_unquote(json_extract(`meta`,'$.tag')) as char(32) charset utf8mb4)``):
/// the column, the path and the cast; `None` for any other expression.
pub(crate) fn parse_expression(expr: &str) -> Option<(String, String, JsonCast)> {
    let e = expr.trim();
    let lower = e.to_ascii_lowercase();
    let rest = lower.strip_prefix("cast(")?;
    let offset = e.len() - rest.len();
    let (unquote, body_at) = match rest.strip_prefix("json_unquote(") {
        Some(r) => (true, e.len() - r.len()),
        None => (false, offset),
    };
    let body = &e[body_at..];
    let after = body.get(..13)?;
    if !after.eq_ignore_ascii_case("json_extract(") {
        return None;
    }
    let body = &body[13..];
    // `column`
    let body = body.strip_prefix('`')?;
    let mut column = String::new();
    let mut chars = body.char_indices().peekable();
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            if chars.peek().map(|(_, n)| *n) == Some('`') {
                chars.next();
                column.push('`');
            } else {
                end = Some(i + 1);
                break;
            }
        } else {
            column.push(c);
        }
    }
    let body = body[end?..].trim_start().strip_prefix(',')?.trim_start();
    // 'path'
    let body = body.strip_prefix('\'')?;
    let mut path = String::new();
    let mut chars = body.char_indices().peekable();
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => path.push(chars.next()?.1),
            '\'' if chars.peek().map(|(_, n)| *n) == Some('\'') => {
                chars.next();
                path.push('\'');
            }
            '\'' => {
                end = Some(i + 1);
                break;
            }
            c => path.push(c),
        }
    }
    let mut tail = body[end?..].trim_start().strip_prefix(')')?.trim_start();
    if unquote {
        tail = tail.strip_prefix(')')?.trim_start();
    }
    let tail = tail.to_ascii_lowercase();
    let ty = tail
        .strip_prefix("as")?
        .trim_start()
        .strip_suffix(')')?
        .trim();
    let cast = if ty == "signed" || ty == "signed integer" {
        JsonCast::Signed
    } else if ty == "double" {
        JsonCast::Double
    } else if let Some(n) = ty.strip_prefix("char(") {
        let (n, rest) = n.split_once(')')?;
        let rest = rest.trim();
        if !(rest.is_empty() || rest == "charset utf8mb4") {
            return None;
        }
        JsonCast::Char(n.trim().parse().ok()?)
    } else {
        return None;
    };
    // A cast of a string that is not unquoted (or of a number that is) is a different
    // expression from the one this module writes: not matched.
    if unquote != matches!(cast, JsonCast::Char(_)) {
        return None;
    }
    parse_path(&path)?;
    Some((column, path, cast))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_into_steps() {
        assert_eq!(
            parse_path("$.page"),
            Some(vec![PathStep::Key("page".into())])
        );
        assert_eq!(
            parse_path(r#"$."a \"b"[2].c"#),
            Some(vec![
                PathStep::Key("a \"b".into()),
                PathStep::Index(2),
                PathStep::Key("c".into())
            ])
        );
        assert_eq!(parse_path("$.*"), None);
        assert_eq!(parse_path("$[*]"), None);
        assert_eq!(parse_path("page"), None);
        assert_eq!(parse_path("$**.a"), None);
    }

    #[test]
    fn server_expressions_read_back() {
        assert_eq!(
            parse_expression("cast(json_extract(`meta`,'$.page') as signed)"),
            Some(("meta".into(), "$.page".into(), JsonCast::Signed))
        );
        assert_eq!(
            parse_expression(
                "cast(json_unquote(json_extract(`m``x`,'$.tag')) as char(32) charset utf8mb4)"
            ),
            Some(("m`x".into(), "$.tag".into(), JsonCast::Char(32)))
        );
        assert_eq!(
            parse_expression("cast(json_extract(`meta`,'$.score') as double)"),
            Some(("meta".into(), "$.score".into(), JsonCast::Double))
        );
        assert_eq!(parse_expression("lower(`name`)"), None);
        assert_eq!(
            parse_expression("cast(json_extract(`meta`,'$.tag') as char(16) charset utf8mb4)"),
            None
        );
        // What this module writes reads back the same.
        let i = JsonPathIndex::new("k", "meta", "$.\"it's\"", JsonCast::Char(8));
        let (c, p, cast) = parse_expression(&i.expression_sql().unwrap()).unwrap();
        assert_eq!(
            (c.as_str(), p.as_str(), cast),
            ("meta", "$.\"it's\"", JsonCast::Char(8))
        );
    }

    #[test]
    fn bad_input_is_refused() {
        let bad = |i: JsonPathIndex| i.to_inline_sql().unwrap_err().to_string();
        assert!(bad(JsonPathIndex::new("k", "meta", "", JsonCast::Signed)).contains("path"));
        assert!(bad(JsonPathIndex::new("k", "meta", "$", JsonCast::Signed)).contains("path"));
        assert!(bad(JsonPathIndex::new("k", "meta", "$.a", JsonCast::Char(0))).contains("CHAR"));
        assert!(JsonPathIndex::new("", "meta", "$.a", JsonCast::Signed)
            .to_inline_sql()
            .is_err());
    }
}
