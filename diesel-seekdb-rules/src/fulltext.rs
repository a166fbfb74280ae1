//! Full-text parsers (`WITH PARSER name PARSER_PROPERTIES=(...)`) and their options.

use crate::index::ParamType;
use crate::Violation;

/// One parser: its name and the properties it takes.
#[derive(Debug, PartialEq)]
pub struct Parser {
    /// The `WITH PARSER` name.
    pub name: &'static str,
    /// Accepted `PARSER_PROPERTIES` keys.
    pub options: &'static [(&'static str, ParamType)],
}

const TOKEN_SIZES: &[(&str, ParamType)] = &[
    ("min_token_size", ParamType::Int(1, 16)),
    ("max_token_size", ParamType::Int(10, 84)),
];

/// Every parser seekdb 1.4 has (`jieba` is not available).
pub const PARSERS: &[Parser] = &[
    Parser {
        name: "space",
        options: TOKEN_SIZES,
    },
    Parser {
        name: "beng",
        options: TOKEN_SIZES,
    },
    Parser {
        name: "ngram",
        options: &[("ngram_token_size", ParamType::Int(1, 10))],
    },
    Parser {
        name: "ngram2",
        options: &[
            ("min_ngram_size", ParamType::Int(1, 16)),
            ("max_ngram_size", ParamType::Int(1, 16)),
        ],
    },
    Parser {
        name: "ik",
        options: &[("ik_mode", ParamType::Word(&["smart", "max_word"]))],
    },
];

/// The parser used when none is named.
pub const DEFAULT_PARSER: &str = "space";
/// `ngram_token_size` when not given.
pub const DEFAULT_NGRAM_TOKEN_SIZE: u32 = 2;

/// The parser named `name` (lower case).
pub fn parser(name: &str) -> Option<&'static Parser> {
    PARSERS.iter().find(|p| p.name == name)
}

/// Every parser's name, for error messages.
pub fn parser_names() -> String {
    PARSERS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Parser {
    /// The type of option `name`, if this parser takes it.
    pub fn option(&self, name: &str) -> Option<ParamType> {
        self.options
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, t)| *t)
    }

    /// Checks an integer option: that the parser takes it and that it is in range.
    pub fn check_int(&self, name: &'static str, value: u64) -> Result<(), Violation> {
        match self.option(name) {
            Some(ParamType::Int(lo, hi)) if value < lo || value > hi => Err(Violation::new(
                name,
                format!("{value} is out of range: seekdb accepts {lo}..={hi}"),
            )),
            Some(ParamType::Int(..)) => Ok(()),
            _ => Err(Violation::new(
                name,
                format!("the {} parser does not take `{name}`", self.name),
            )),
        }
    }
}

/// `min_ngram_size` must not exceed `max_ngram_size`.
pub fn check_ngram2(min: Option<u64>, max: Option<u64>) -> Result<(), Violation> {
    match (min, max) {
        (Some(lo), Some(hi)) if hi < lo => Err(Violation::new(
            "max_ngram_size",
            format!("must be at least min_ngram_size ({lo}), got {hi}"),
        )),
        _ => Ok(()),
    }
}
