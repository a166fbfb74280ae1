//! Identifiers and literals: quoting, escaping and seekdb's length limits.
//!
//! Every identifier a DDL builder renders goes through [`quote_ident`] (or, for the
//! opt-in pyobvector-compatible rendering, [`IdentStyle::Minimal`], which leaves only
//! plain, non-reserved words bare). Names are checked with [`validate_ident`] before
//! anything is rendered.

use crate::{Error, Result};

/// Longest table name seekdb accepts (characters).
pub const MAX_TABLE_NAME_LEN: usize = 64;
/// Longest index name seekdb accepts (characters).
pub const MAX_INDEX_NAME_LEN: usize = 64;
/// Longest partition name accepted (characters).
pub const MAX_PARTITION_NAME_LEN: usize = 64;
/// Longest column name seekdb accepts (characters).
pub const MAX_COLUMN_NAME_LEN: usize = 128;
/// Longest database name seekdb accepts (characters).
pub const MAX_DATABASE_NAME_LEN: usize = 128;

/// What an identifier names; decides its length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentKind {
    /// A table (≤ 64 characters).
    Table,
    /// An index (≤ 64 characters).
    Index,
    /// A partition or sub-partition (≤ 64 characters).
    Partition,
    /// A column (≤ 128 characters).
    Column,
    /// A database (≤ 128 characters).
    Database,
}

impl IdentKind {
    /// The longest name of this kind, in characters.
    pub fn max_len(self) -> usize {
        match self {
            IdentKind::Table => MAX_TABLE_NAME_LEN,
            IdentKind::Index => MAX_INDEX_NAME_LEN,
            IdentKind::Partition => MAX_PARTITION_NAME_LEN,
            IdentKind::Column => MAX_COLUMN_NAME_LEN,
            IdentKind::Database => MAX_DATABASE_NAME_LEN,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            IdentKind::Table => "table",
            IdentKind::Index => "index",
            IdentKind::Partition => "partition",
            IdentKind::Column => "column",
            IdentKind::Database => "database",
        }
    }
}

/// How identifiers are written into SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdentStyle {
    /// Always in backticks (the default): `` `id` ``.
    #[default]
    Quoted,
    /// Bare when the name is a plain ASCII word that is not a reserved word (`id`),
    /// in backticks otherwise. This reproduces pyobvector's strings for ordinary names
    /// while staying safe for any name.
    Minimal,
}

impl IdentStyle {
    /// Renders `name` in this style.
    pub fn render(self, name: &str) -> String {
        match self {
            IdentStyle::Quoted => quote_ident(name),
            IdentStyle::Minimal if is_plain_word(name) => name.to_string(),
            IdentStyle::Minimal => quote_ident(name),
        }
    }
}

/// Wraps `name` in backticks, doubling any backtick inside it.
///
/// ```
/// use diesel_seekdb::ddl::quote_ident;
/// assert_eq!(quote_ident("items"), "`items`");
/// assert_eq!(quote_ident("we`ird"), "`we``ird`");
/// ```
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('`');
    for c in name.chars() {
        if c == '`' {
            out.push('`');
        }
        out.push(c);
    }
    out.push('`');
    out
}

/// Renders `value` as a single-quoted SQL string literal, escaping `'`, `\` and NUL
/// (seekdb's default `sql_mode` treats backslash as an escape character).
///
/// ```
/// use diesel_seekdb::ddl::quote_string;
/// assert_eq!(quote_string("it's"), "'it''s'");
/// assert_eq!(quote_string(r"a\b"), r"'a\\b'");
/// ```
pub fn quote_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Checks a name against seekdb's rules: not empty, no NUL, no trailing space, and no
/// longer than [`IdentKind::max_len`]. Errors name `parameter`.
///
/// ```
/// use diesel_seekdb::ddl::{validate_ident, IdentKind};
/// assert!(validate_ident("table", "items", IdentKind::Table).is_ok());
/// assert!(validate_ident("table", &"x".repeat(65), IdentKind::Table).is_err());
/// assert!(validate_ident("column", &"x".repeat(128), IdentKind::Column).is_ok());
/// ```
pub fn validate_ident(parameter: &str, name: &str, kind: IdentKind) -> Result<()> {
    let noun = kind.noun();
    if name.is_empty() {
        return Err(Error::validation(
            parameter,
            format!("{noun} name must not be empty"),
        ));
    }
    if name.contains('\0') {
        return Err(Error::validation(
            parameter,
            format!("{noun} name must not contain NUL"),
        ));
    }
    if name.ends_with(' ') {
        return Err(Error::validation(
            parameter,
            format!("{noun} name must not end with a space: {name:?}"),
        ));
    }
    let len = name.chars().count();
    if len > kind.max_len() {
        return Err(Error::validation(
            parameter,
            format!(
                "{noun} name is {len} characters long; seekdb allows at most {}",
                kind.max_len()
            ),
        ));
    }
    Ok(())
}

/// A validated identifier of a known kind.
///
/// ```
/// use diesel_seekdb::ddl::{Ident, IdentKind};
/// let t = Ident::new(IdentKind::Table, "items")?;
/// assert_eq!(t.quoted(), "`items`");
/// assert!(Ident::new(IdentKind::Column, "").is_err());
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    kind: IdentKind,
    name: String,
}

impl Ident {
    /// Validates `name` as a `kind` identifier.
    pub fn new(kind: IdentKind, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        validate_ident(kind.noun(), &name, kind)?;
        Ok(Ident { kind, name })
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// What the identifier names.
    pub fn kind(&self) -> IdentKind {
        self.kind
    }

    /// The name in backticks.
    pub fn quoted(&self) -> String {
        quote_ident(&self.name)
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.quoted())
    }
}

/// Case-insensitive set membership used for duplicate-name checks (MySQL names of
/// columns and indexes are case-insensitive).
pub(crate) fn eq_ci(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// A plain word: ASCII letter or `_` first, then ASCII letters, digits, `_` or `$`,
/// and not a reserved word.
fn is_plain_word(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return false;
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    RESERVED.binary_search(&upper.as_str()).is_err()
}

/// MySQL/OceanBase reserved words (sorted), quoted even in [`IdentStyle::Minimal`].
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "ACCESSIBLE", "ADD", "ALL", "ALTER", "ANALYZE", "AND", "ARRAY", "AS", "ASC", "ASENSITIVE",
    "BEFORE", "BETWEEN", "BIGINT", "BINARY", "BLOB", "BOTH", "BY", "CALL", "CASCADE", "CASE",
    "CHANGE", "CHAR", "CHARACTER", "CHECK", "COLLATE", "COLUMN", "CONDITION", "CONSTRAINT",
    "CONTINUE", "CONVERT", "CREATE", "CROSS", "CURRENT_DATE", "CURRENT_TIME",
    "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATABASE", "DATABASES", "DAY_HOUR",
    "DAY_MICROSECOND", "DAY_MINUTE", "DAY_SECOND", "DEC", "DECIMAL", "DECLARE", "DEFAULT",
    "DELAYED", "DELETE", "DESC", "DESCRIBE", "DETERMINISTIC", "DISTINCT", "DISTINCTROW", "DIV",
    "DOUBLE", "DROP", "DUAL", "EACH", "ELSE", "ELSEIF", "ENCLOSED", "ESCAPED", "EXISTS", "EXIT",
    "EXPLAIN", "FALSE", "FETCH", "FLOAT", "FLOAT4", "FLOAT8", "FOR", "FORCE", "FOREIGN", "FROM",
    "FULLTEXT", "GENERATED", "GET", "GRANT", "GROUP", "HAVING", "HIGH_PRIORITY",
    "HOUR_MICROSECOND", "HOUR_MINUTE", "HOUR_SECOND", "IF", "IGNORE", "IN", "INDEX", "INFILE",
    "INNER", "INOUT", "INSENSITIVE", "INSERT", "INT", "INT1", "INT2", "INT3", "INT4", "INT8",
    "INTEGER", "INTERVAL", "INTO", "IS", "ITERATE", "JOIN", "KEY", "KEYS", "KILL", "LEADING",
    "LEAVE", "LEFT", "LIKE", "LIMIT", "LINEAR", "LINES", "LOAD", "LOCALTIME", "LOCALTIMESTAMP",
    "LOCK", "LONG", "LONGBLOB", "LONGTEXT", "LOOP", "LOW_PRIORITY", "MATCH", "MAXVALUE",
    "MEDIUMBLOB", "MEDIUMINT", "MEDIUMTEXT", "MIDDLEINT", "MINUTE_MICROSECOND", "MINUTE_SECOND",
    "MOD", "MODIFIES", "NATURAL", "NOT", "NO_WRITE_TO_BINLOG", "NULL", "NUMERIC", "ON",
    "OPTIMIZE", "OPTION", "OPTIONALLY", "OR", "ORDER", "OUT", "OUTER", "OUTFILE", "PARTITION",
    "PRECISION", "PRIMARY", "PROCEDURE", "PURGE", "RANGE", "READ", "READS", "READ_WRITE", "REAL",
    "REFERENCES", "REGEXP", "RELEASE", "RENAME", "REPEAT", "REPLACE", "REQUIRE", "RESIGNAL",
    "RESTRICT", "RETURN", "REVOKE", "RIGHT", "RLIKE", "SCHEMA", "SCHEMAS", "SECOND_MICROSECOND",
    "SELECT", "SENSITIVE", "SEPARATOR", "SET", "SHOW", "SIGNAL", "SMALLINT", "SPATIAL",
    "SPECIFIC", "SQL", "SQLEXCEPTION", "SQLSTATE", "SQLWARNING", "SQL_BIG_RESULT",
    "SQL_CALC_FOUND_ROWS", "SQL_SMALL_RESULT", "SSL", "STARTING", "STORED", "STRAIGHT_JOIN",
    "TABLE", "TERMINATED", "THEN", "TINYBLOB", "TINYINT", "TINYTEXT", "TO", "TRAILING",
    "TRIGGER", "TRUE", "UNDO", "UNION", "UNIQUE", "UNLOCK", "UNSIGNED", "UPDATE", "USAGE", "USE",
    "USING", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "VALUES", "VARBINARY", "VARCHAR",
    "VARCHARACTER", "VARYING", "VECTOR", "VIRTUAL", "WHEN", "WHERE", "WHILE", "WITH", "WRITE",
    "XOR", "YEAR_MONTH", "ZEROFILL",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_list_is_sorted() {
        let mut sorted = RESERVED.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, RESERVED);
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("a"), "`a`");
        assert_eq!(quote_ident("a`b``c"), "`a``b````c`");
        assert_eq!(quote_ident("spa ce"), "`spa ce`");
        assert_eq!(quote_string("a'b\\c\0"), "'a''b\\\\c\\0'");
        assert_eq!(quote_string(""), "''");
    }

    #[test]
    fn minimal_style() {
        let m = IdentStyle::Minimal;
        assert_eq!(m.render("col1"), "col1");
        assert_eq!(m.render("_x$"), "_x$");
        assert_eq!(m.render("order"), "`order`");
        assert_eq!(m.render("1abc"), "`1abc`");
        assert_eq!(m.render("a-b"), "`a-b`");
        assert_eq!(m.render("a`b"), "`a``b`");
        assert_eq!(m.render("é"), "`é`");
        assert_eq!(IdentStyle::Quoted.render("col1"), "`col1`");
    }

    #[test]
    fn validation_names_the_parameter() {
        let err = |r: Result<()>| match r {
            Err(Error::Validation { parameter, reason }) => (parameter, reason),
            other => panic!("expected a validation error, got {other:?}"),
        };
        let (p, r) = err(validate_ident("index_name", "", IdentKind::Index));
        assert_eq!(p, "index_name");
        assert!(r.contains("empty"));
        let (_, r) = err(validate_ident("t", "a\0b", IdentKind::Table));
        assert!(r.contains("NUL"));
        let (_, r) = err(validate_ident("t", "ab ", IdentKind::Table));
        assert!(r.contains("space"));
        assert!(validate_ident("t", &"é".repeat(64), IdentKind::Table).is_ok());
        let (_, r) = err(validate_ident("t", &"é".repeat(65), IdentKind::Table));
        assert!(r.contains("65") && r.contains("64"));
        assert!(validate_ident("i", &"x".repeat(65), IdentKind::Index).is_err());
        assert!(validate_ident("p", &"x".repeat(65), IdentKind::Partition).is_err());
        assert!(validate_ident("c", &"x".repeat(128), IdentKind::Column).is_ok());
        assert!(validate_ident("c", &"x".repeat(129), IdentKind::Column).is_err());
        assert!(validate_ident("d", &"x".repeat(128), IdentKind::Database).is_ok());
        assert!(validate_ident("d", &"x".repeat(129), IdentKind::Database).is_err());
        assert!(validate_ident("c", " lead", IdentKind::Column).is_ok());
    }

    #[test]
    fn ident_newtype() {
        let i = Ident::new(IdentKind::Index, "v`idx").unwrap();
        assert_eq!(i.as_str(), "v`idx");
        assert_eq!(i.to_string(), "`v``idx`");
        assert_eq!(i.kind(), IdentKind::Index);
        assert!(eq_ci("ABC", "abc"));
    }
}
