//! Full-text indexes: `FULLTEXT INDEX ... WITH PARSER ... PARSER_PROPERTIES=(...)`.
//!
//! Parsers and the properties seekdb 1.4 accepts (checked against the server):
//!
//! | parser | properties |
//! |---|---|
//! | `space` (the default) | `min_token_size` 1–16, `max_token_size` 10–84 |
//! | `beng` (basic English) | `min_token_size` 1–16, `max_token_size` 10–84 |
//! | `ngram` | `ngram_token_size` 1–10 (default 2) |
//! | `ngram2` | `min_ngram_size`, `max_ngram_size` 1–16, min ≤ max |
//! | `ik` | `ik_mode` `'smart'` / `'max_word'` |
//! | `analyzer` | `analysis = '<json>'`: **refused by seekdb 1.4 (1064); needs OceanBase 4.6+** |

use serde_json::Value;

use super::ident::{eq_ci, quote_ident, quote_string, validate_ident, IdentKind, IdentStyle};
use diesel_seekdb_rules::fulltext as rules;

use crate::{Error, Result};

/// The `ik` parser's segmentation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IkMode {
    /// `'smart'`: coarse-grained.
    Smart,
    /// `'max_word'`: finest-grained.
    MaxWord,
}

impl IkMode {
    /// The property value (without quotes).
    pub fn as_str(self) -> &'static str {
        match self {
            IkMode::Smart => "smart",
            IkMode::MaxWord => "max_word",
        }
    }
}

/// A full-text parser and its properties (`None` properties are left to the server).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FullTextParser {
    /// `space`: splits on whitespace and punctuation (seekdb's default).
    Space {
        /// `min_token_size` (1–16, default 3).
        min_token_size: Option<u32>,
        /// `max_token_size` (10–84, default 84).
        max_token_size: Option<u32>,
    },
    /// `beng`: basic English.
    Beng {
        /// `min_token_size` (1–16, default 3).
        min_token_size: Option<u32>,
        /// `max_token_size` (10–84, default 84).
        max_token_size: Option<u32>,
    },
    /// `ngram`: fixed-size n-grams.
    Ngram {
        /// `ngram_token_size` (1–10, default 2).
        token_size: Option<u32>,
    },
    /// `ngram2`: n-grams of a range of sizes.
    Ngram2 {
        /// `min_ngram_size` (1–16).
        min_ngram_size: Option<u32>,
        /// `max_ngram_size` (1–16, ≥ min).
        max_ngram_size: Option<u32>,
    },
    /// `ik`: Chinese segmentation.
    Ik {
        /// `ik_mode`.
        mode: Option<IkMode>,
    },
    /// pyobvector's `analyzer` parser with `PARSER_PROPERTIES=(analysis = '<json>')`.
    ///
    /// **seekdb 1.4 refuses this DDL (error 1064); it needs OceanBase 4.6 or later.** It
    /// is rendered for those servers.
    Analyzer {
        /// The analysis configuration, e.g. `{"analyzer": "standard"}`.
        analysis: Value,
    },
}

impl FullTextParser {
    /// `space` with the server's default properties.
    pub fn space() -> Self {
        FullTextParser::Space {
            min_token_size: None,
            max_token_size: None,
        }
    }

    /// `beng` with the server's default properties.
    pub fn beng() -> Self {
        FullTextParser::Beng {
            min_token_size: None,
            max_token_size: None,
        }
    }

    /// `ngram` with `ngram_token_size` (or the default when `None`).
    pub fn ngram(token_size: impl Into<Option<u32>>) -> Self {
        FullTextParser::Ngram {
            token_size: token_size.into(),
        }
    }

    /// `ngram2` with `min_ngram_size` / `max_ngram_size`.
    pub fn ngram2(min: u32, max: u32) -> Self {
        FullTextParser::Ngram2 {
            min_ngram_size: Some(min),
            max_ngram_size: Some(max),
        }
    }

    /// `ik` with an optional mode.
    pub fn ik(mode: impl Into<Option<IkMode>>) -> Self {
        FullTextParser::Ik { mode: mode.into() }
    }

    /// pyobvector's `make_analyzer_properties(analyzer_type)`: `{"analyzer": <type>}`
    /// (OceanBase 4.6+ only).
    pub fn analyzer(analyzer_type: &str) -> Self {
        FullTextParser::Analyzer {
            analysis: serde_json::json!({ "analyzer": analyzer_type }),
        }
    }

    /// The parser's name after `WITH PARSER`.
    pub fn name(&self) -> &'static str {
        match self {
            FullTextParser::Space { .. } => "space",
            FullTextParser::Beng { .. } => "beng",
            FullTextParser::Ngram { .. } => "ngram",
            FullTextParser::Ngram2 { .. } => "ngram2",
            FullTextParser::Ik { .. } => "ik",
            FullTextParser::Analyzer { .. } => "analyzer",
        }
    }

    /// Parses a parser name (`space`, `beng`, `ngram`, `ngram2`, `ik`), case-insensitively,
    /// with default properties. `analyzer` needs properties: use
    /// [`FullTextParser::analyzer`].
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "space" => Self::space(),
            "beng" => Self::beng(),
            "ngram" => Self::ngram(None),
            "ngram2" => FullTextParser::Ngram2 {
                min_ngram_size: None,
                max_ngram_size: None,
            },
            "ik" => Self::ik(None),
            "analyzer" => {
                return Err(Error::validation(
                    "parser",
                    "the analyzer parser needs properties: use FullTextParser::analyzer",
                ))
            }
            _ => {
                return Err(Error::validation(
                    "parser",
                    format!(
                        "unknown full-text parser {s:?} (seekdb 1.4 has space, beng, ngram, \
                         ngram2, ik; jieba is not available)"
                    ),
                ))
            }
        })
    }

    fn validate(&self) -> Result<()> {
        // Ranges come from the shared rule table (the derive checks the same ones).
        let name = self.name();
        let range = |param: &'static str, v: Option<u32>| -> Result<()> {
            match (rules::parser(name), v) {
                (Some(p), Some(v)) => p
                    .check_int(param, v.into())
                    .map_err(|e| Error::validation(e.parameter, e.reason)),
                _ => Ok(()),
            }
        };
        match self {
            FullTextParser::Space {
                min_token_size,
                max_token_size,
            }
            | FullTextParser::Beng {
                min_token_size,
                max_token_size,
            } => {
                range("min_token_size", *min_token_size)?;
                range("max_token_size", *max_token_size)
            }
            FullTextParser::Ngram { token_size } => range("ngram_token_size", *token_size),
            FullTextParser::Ngram2 {
                min_ngram_size,
                max_ngram_size,
            } => {
                range("min_ngram_size", *min_ngram_size)?;
                range("max_ngram_size", *max_ngram_size)?;
                rules::check_ngram2(min_ngram_size.map(u64::from), max_ngram_size.map(u64::from))
                    .map_err(|e| Error::validation(e.parameter, e.reason))
            }
            FullTextParser::Ik { .. } => Ok(()),
            FullTextParser::Analyzer { analysis } => {
                if analysis.is_object() {
                    Ok(())
                } else {
                    Err(Error::validation(
                        "parser_properties",
                        "the analyzer parser needs a JSON object, e.g. {\"analyzer\": \"standard\"}",
                    ))
                }
            }
        }
    }

    fn properties(&self) -> Vec<String> {
        let kv = |k: &str, v: Option<u32>| v.map(|v| format!("{k}={v}"));
        match self {
            FullTextParser::Space {
                min_token_size,
                max_token_size,
            }
            | FullTextParser::Beng {
                min_token_size,
                max_token_size,
            } => [
                kv("min_token_size", *min_token_size),
                kv("max_token_size", *max_token_size),
            ]
            .into_iter()
            .flatten()
            .collect(),
            FullTextParser::Ngram { token_size } => {
                kv("ngram_token_size", *token_size).into_iter().collect()
            }
            FullTextParser::Ngram2 {
                min_ngram_size,
                max_ngram_size,
            } => [
                kv("min_ngram_size", *min_ngram_size),
                kv("max_ngram_size", *max_ngram_size),
            ]
            .into_iter()
            .flatten()
            .collect(),
            FullTextParser::Ik { mode } => mode
                .map(|m| format!("ik_mode={}", quote_string(m.as_str())))
                .into_iter()
                .collect(),
            FullTextParser::Analyzer { analysis } => {
                vec![format!(
                    "analysis = {}",
                    quote_string(&analysis.to_string())
                )]
            }
        }
    }

    /// `WITH PARSER name [PARSER_PROPERTIES=(...)]`, validated.
    pub fn to_sql(&self) -> Result<String> {
        self.validate()?;
        let props = self.properties();
        if props.is_empty() {
            Ok(format!("WITH PARSER {}", self.name()))
        } else {
            Ok(format!(
                "WITH PARSER {} PARSER_PROPERTIES=({})",
                self.name(),
                props.join(", ")
            ))
        }
    }
}

/// A full-text index on one or more text columns.
///
/// ```
/// use diesel_seekdb::ddl::{FullTextIndex, FullTextParser, IkMode};
/// let ft = FullTextIndex::new("ft", ["a", "b"]).parser(FullTextParser::ngram(2));
/// assert_eq!(
///     ft.to_inline_sql()?,
///     "FULLTEXT INDEX `ft` (`a`, `b`) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=2)"
/// );
/// let ik = FullTextIndex::new("fi", ["body"]).parser(FullTextParser::ik(IkMode::MaxWord));
/// assert_eq!(
///     ik.to_create_sql("docs")?,
///     "CREATE FULLTEXT INDEX `fi` ON `docs` (`body`) WITH PARSER ik PARSER_PROPERTIES=(ik_mode='max_word')"
/// );
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FullTextIndex {
    name: String,
    columns: Vec<String>,
    parser: Option<FullTextParser>,
}

impl FullTextIndex {
    /// An index named `name` on `columns`, with the server's default parser (`space`).
    pub fn new<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        FullTextIndex {
            name: name.into(),
            columns: columns.into_iter().map(Into::into).collect(),
            parser: None,
        }
    }

    /// Sets the parser.
    pub fn parser(mut self, parser: FullTextParser) -> Self {
        self.parser = Some(parser);
        self
    }

    /// The index name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The indexed columns.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Whether the index uses the `analyzer` parser (OceanBase 4.6+ only).
    pub(crate) fn uses_analyzer(&self) -> bool {
        matches!(self.parser, Some(FullTextParser::Analyzer { .. }))
    }

    /// The parser, if one was set.
    pub fn get_parser(&self) -> Option<&FullTextParser> {
        self.parser.as_ref()
    }

    /// Checks names, columns and parser properties.
    pub fn validate(&self) -> Result<()> {
        validate_ident("index_name", &self.name, IdentKind::Index)?;
        if self.columns.is_empty() {
            return Err(Error::validation(
                "columns",
                "a full-text index needs at least one column",
            ));
        }
        for (i, c) in self.columns.iter().enumerate() {
            validate_ident(&format!("columns[{i}]"), c, IdentKind::Column)?;
            if self.columns[..i].iter().any(|p| eq_ci(p, c)) {
                return Err(Error::validation(
                    format!("columns[{i}]"),
                    format!("column {c:?} is listed twice"),
                ));
            }
        }
        if let Some(p) = &self.parser {
            p.validate()?;
        }
        Ok(())
    }

    fn tail(&self, style: IdentStyle) -> Result<String> {
        self.validate()?;
        let cols = self
            .columns
            .iter()
            .map(|c| style.render(c))
            .collect::<Vec<_>>()
            .join(", ");
        let mut out = format!("({cols})");
        if let Some(p) = &self.parser {
            out.push(' ');
            out.push_str(&p.to_sql()?);
        }
        Ok(out)
    }

    /// The index as a `CREATE TABLE` element (or after `ALTER TABLE t ADD`):
    /// ``FULLTEXT INDEX `ft` (`a`) WITH PARSER ...``.
    pub fn to_inline_sql(&self) -> Result<String> {
        let tail = self.tail(IdentStyle::Quoted)?;
        Ok(format!("FULLTEXT INDEX {} {tail}", quote_ident(&self.name)))
    }

    /// ``CREATE FULLTEXT INDEX `ft` ON `t` (`a`) WITH PARSER ...``.
    pub fn to_create_sql(&self, table: &str) -> Result<String> {
        validate_ident("table", table, IdentKind::Table)?;
        let tail = self.tail(IdentStyle::Quoted)?;
        Ok(format!(
            "CREATE FULLTEXT INDEX {} ON {} {tail}",
            quote_ident(&self.name),
            quote_ident(table)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param_of(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(Error::Validation { parameter, .. }) => parameter,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn renders_every_parser() {
        let ft = |p: FullTextParser| {
            FullTextIndex::new("ft", ["a"])
                .parser(p)
                .to_inline_sql()
                .unwrap()
        };
        assert_eq!(
            FullTextIndex::new("ft", ["a", "b"])
                .to_inline_sql()
                .unwrap(),
            "FULLTEXT INDEX `ft` (`a`, `b`)"
        );
        assert_eq!(
            ft(FullTextParser::space()),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER space"
        );
        assert_eq!(
            ft(FullTextParser::Space { min_token_size: Some(2), max_token_size: Some(50) }),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER space PARSER_PROPERTIES=(min_token_size=2, max_token_size=50)"
        );
        assert_eq!(
            ft(FullTextParser::beng()),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER beng"
        );
        assert_eq!(
            ft(FullTextParser::ngram(None)),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER ngram"
        );
        assert_eq!(
            ft(FullTextParser::ngram(3)),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=3)"
        );
        assert_eq!(
            ft(FullTextParser::ngram2(2, 4)),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER ngram2 PARSER_PROPERTIES=(min_ngram_size=2, max_ngram_size=4)"
        );
        assert_eq!(
            ft(FullTextParser::ik(None)),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER ik"
        );
        assert_eq!(
            ft(FullTextParser::ik(IkMode::Smart)),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER ik PARSER_PROPERTIES=(ik_mode='smart')"
        );
        assert_eq!(
            ft(FullTextParser::analyzer("standard")),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER analyzer PARSER_PROPERTIES=(analysis = '{\"analyzer\":\"standard\"}')"
        );
        assert_eq!(
            ft(FullTextParser::analyzer("it's")),
            "FULLTEXT INDEX `ft` (`a`) WITH PARSER analyzer PARSER_PROPERTIES=(analysis = '{\"analyzer\":\"it''s\"}')"
        );
        assert_eq!(
            FullTextIndex::new("f`t", ["a"])
                .to_create_sql("t`1")
                .unwrap(),
            "CREATE FULLTEXT INDEX `f``t` ON `t``1` (`a`)"
        );
    }

    #[test]
    fn rejects_what_seekdb_rejects() {
        let v = |p: FullTextParser| FullTextIndex::new("ft", ["a"]).parser(p).validate();
        assert_eq!(param_of(v(FullTextParser::ngram(0))), "ngram_token_size");
        assert_eq!(param_of(v(FullTextParser::ngram(11))), "ngram_token_size");
        assert!(v(FullTextParser::ngram(10)).is_ok());
        assert_eq!(param_of(v(FullTextParser::ngram2(4, 2))), "max_ngram_size");
        assert_eq!(param_of(v(FullTextParser::ngram2(0, 2))), "min_ngram_size");
        assert_eq!(param_of(v(FullTextParser::ngram2(1, 17))), "max_ngram_size");
        assert!(v(FullTextParser::ngram2(16, 16)).is_ok());
        assert_eq!(
            param_of(v(FullTextParser::Space {
                min_token_size: Some(17),
                max_token_size: None
            })),
            "min_token_size"
        );
        assert_eq!(
            param_of(v(FullTextParser::Beng {
                min_token_size: None,
                max_token_size: Some(9)
            })),
            "max_token_size"
        );
        assert_eq!(
            param_of(v(FullTextParser::Beng {
                min_token_size: None,
                max_token_size: Some(85)
            })),
            "max_token_size"
        );
        assert_eq!(
            param_of(v(FullTextParser::Analyzer {
                analysis: Value::String("x".into())
            })),
            "parser_properties"
        );
        assert_eq!(
            param_of(FullTextIndex::new("ft", Vec::<String>::new()).validate()),
            "columns"
        );
        assert_eq!(
            param_of(FullTextIndex::new("ft", ["a", "A"]).validate()),
            "columns[1]"
        );
        assert_eq!(
            param_of(FullTextIndex::new("ft", ["a", ""]).validate()),
            "columns[1]"
        );
        assert_eq!(
            param_of(FullTextIndex::new("", ["a"]).validate()),
            "index_name"
        );
        assert_eq!(
            param_of(FullTextIndex::new("ft", ["a"]).to_create_sql("")),
            "table"
        );
    }

    #[test]
    fn parses_names() {
        assert_eq!(
            FullTextParser::parse("NGRAM").unwrap(),
            FullTextParser::ngram(None)
        );
        assert_eq!(FullTextParser::parse("ik").unwrap().name(), "ik");
        assert_eq!(FullTextParser::parse("ngram2").unwrap().name(), "ngram2");
        assert_eq!(FullTextParser::parse("space").unwrap().name(), "space");
        assert_eq!(FullTextParser::parse("beng").unwrap().name(), "beng");
        assert_eq!(param_of(FullTextParser::parse("jieba")), "parser");
        assert_eq!(param_of(FullTextParser::parse("analyzer")), "parser");
    }
}
