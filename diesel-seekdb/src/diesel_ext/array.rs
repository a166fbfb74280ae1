//! seekdb `ARRAY(t)` columns: the [`SqlArray`] value type, `ToSql`/`FromSql` and the
//! array functions (`array_contains`, `array_contains_all`, `array_overlaps`,
//! `array_length`, `cardinality`) as typed Diesel expressions.
//!
//! On the wire an array is JSON-like text (`[1,2,3]`, `["a","b"]`). The element type
//! is not part of the Diesel SQL type [`Array`](crate::sql_types::Array) (seekdb's
//! `information_schema` carries it, `diesel print-schema` drops it), so it is chosen on
//! the Rust side: `SqlArray<i64>`, `Vec<String>`, ... for any [`ArrayElement`].
//!
//! What seekdb sends back differs from JSON in ways the decoder handles: `ARRAY(BOOL)`
//! prints `[1,0]`, a NULL element prints `NULL`, and inside strings only `"` is
//! escaped (a backslash is sent as is). A string that *ends* with a backslash is
//! therefore ambiguous in seekdb's output and may not read back as written.

use std::fmt::Write as _;
use std::io::Write as _;

use diesel::deserialize::{self, FromSql};
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::mysql::{Mysql, MysqlValue};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::is_nullable::{IsSqlTypeNullable, MaybeNullable};
use diesel::sql_types::{BigInt, Bool, MaybeNullableType, Nullable, SqlType};
use diesel::QueryResult;

use crate::codec::{malformed, skip_ws};
use crate::error::{Error, Result};
use crate::sql_types::Array;

/// Names arrays in decode errors.
const WHAT: &str = "array";

// ---------------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------------

mod sealed {
    use super::*;

    /// One array element as read from seekdb's text.
    pub enum Token<'a> {
        Null,
        Bool(bool),
        Number(&'a str),
        Str(String),
    }

    pub trait Element: Sized {
        /// Appends the JSON text seekdb accepts for this element.
        fn write_json(&self, out: &mut String) -> Result<()>;
        /// Reads an element from a token of seekdb's output.
        fn from_token(token: Token<'_>) -> Result<Self>;
        /// Binds the element as a query parameter.
        fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()>;
    }

    pub trait ArraySql {}
}

use sealed::{Element, Token};

/// Rust types that can be elements of a seekdb `ARRAY(t)`.
///
/// | Rust | seekdb element type |
/// |---|---|
/// | `i16`, `i32`, `i64` | `SMALLINT`, `INT`, `BIGINT` |
/// | `f32`, `f64` | `FLOAT`, `DOUBLE` |
/// | `bool` | `BOOL` (seekdb prints `1`/`0`) |
/// | `String` | `VARCHAR(n)` |
/// | `Option<T>` | elements that may be `NULL` |
///
/// Non-finite floats, and `±f32::MAX` (just outside seekdb's FLOAT range), are refused
/// before anything is sent.
pub trait ArrayElement: Element {}

fn type_error(expected: &str, token: &Token<'_>) -> Error {
    let found = match token {
        Token::Null => "NULL".to_string(),
        Token::Bool(b) => b.to_string(),
        Token::Number(n) => (*n).to_string(),
        Token::Str(s) => format!("{s:?}"),
    };
    Error::decode("array", format!("expected {expected}, found {found}"))
}

macro_rules! integer_element {
    ($($ty:ty => $sql:ty),*) => {$(
        impl Element for $ty {
            fn write_json(&self, out: &mut String) -> Result<()> {
                let _ = write!(out, "{self}");
                Ok(())
            }
            fn from_token(token: Token<'_>) -> Result<Self> {
                match token {
                    Token::Number(n) => n.parse().map_err(|_| {
                        Error::decode(
                            "array",
                            format!("`{n}` is not a valid {}", stringify!($ty)),
                        )
                    }),
                    other => Err(type_error(concat!("an integer (", stringify!($ty), ")"), &other)),
                }
            }
            fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
                out.push_bind_param::<$sql, $ty>(self)
            }
        }
        impl ArrayElement for $ty {}
    )*};
}

integer_element!(i16 => diesel::sql_types::SmallInt, i32 => diesel::sql_types::Integer, i64 => BigInt);

/// The largest FLOAT magnitude seekdb stores in an array: MySQL's `FLT_MAX` constant,
/// slightly below `f32::MAX` (which is refused with 1264, "Out of range value").
const SEEKDB_FLOAT_MAX: f64 = 3.402823466e38;

fn non_finite(value: f64) -> Error {
    Error::validation(
        "array element",
        format!("{value} is not a finite number and cannot be stored"),
    )
}

impl Element for f32 {
    fn write_json(&self, out: &mut String) -> Result<()> {
        if !self.is_finite() {
            return Err(non_finite(f64::from(*self)));
        }
        if f64::from(self.abs()) > SEEKDB_FLOAT_MAX {
            return Err(Error::validation(
                "array element",
                format!("{self} is outside seekdb's FLOAT range (±{SEEKDB_FLOAT_MAX:e})"),
            ));
        }
        // seekdb reads the text as a double and then narrows it to FLOAT. The exact
        // double value of the f32 narrows back to the identical f32, where the shortest
        // f32 text could round differently when read as a double first.
        let mut buf = ryu::Buffer::new();
        out.push_str(trim_zero(buf.format_finite(f64::from(*self))));
        Ok(())
    }
    fn from_token(token: Token<'_>) -> Result<Self> {
        let value: f32 = parse_float(&token)?;
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::decode(
                "array",
                "a value does not fit in a 32-bit float",
            ))
        }
    }
    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_bind_param::<diesel::sql_types::Float, f32>(self)
    }
}
impl ArrayElement for f32 {}

impl Element for f64 {
    fn write_json(&self, out: &mut String) -> Result<()> {
        if !self.is_finite() {
            return Err(non_finite(*self));
        }
        let mut buf = ryu::Buffer::new();
        out.push_str(trim_zero(buf.format_finite(*self)));
        Ok(())
    }
    fn from_token(token: Token<'_>) -> Result<Self> {
        let value: f64 = parse_float(&token)?;
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::decode("array", "a value does not fit in a double"))
        }
    }
    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_bind_param::<diesel::sql_types::Double, f64>(self)
    }
}
impl ArrayElement for f64 {}

fn trim_zero(text: &str) -> &str {
    text.strip_suffix(".0").unwrap_or(text)
}

fn parse_float<F: std::str::FromStr>(token: &Token<'_>) -> Result<F> {
    match token {
        Token::Number(n) => n
            .parse()
            .map_err(|_| Error::decode("array", format!("`{n}` is not a valid number"))),
        other => Err(type_error("a number", other)),
    }
}

impl Element for bool {
    fn write_json(&self, out: &mut String) -> Result<()> {
        out.push_str(if *self { "true" } else { "false" });
        Ok(())
    }
    fn from_token(token: Token<'_>) -> Result<Self> {
        match token {
            Token::Bool(b) => Ok(b),
            // seekdb stores BOOL as TINYINT and prints `[1,0]`.
            Token::Number(n) => match n.parse::<i64>() {
                Ok(v) => Ok(v != 0),
                Err(_) => Err(type_error("a boolean", &Token::Number(n))),
            },
            other => Err(type_error("a boolean", &other)),
        }
    }
    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_bind_param::<Bool, bool>(self)
    }
}
impl ArrayElement for bool {}

impl Element for String {
    fn write_json(&self, out: &mut String) -> Result<()> {
        let text = serde_json::to_string(self)
            .map_err(|e| Error::validation("array element", e.to_string()))?;
        out.push_str(&text);
        Ok(())
    }
    fn from_token(token: Token<'_>) -> Result<Self> {
        match token {
            Token::Str(s) => Ok(s),
            other => Err(type_error("a string", &other)),
        }
    }
    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_bind_param::<diesel::sql_types::Text, String>(self)
    }
}
impl ArrayElement for String {}

impl<T: Element> Element for Option<T> {
    fn write_json(&self, out: &mut String) -> Result<()> {
        match self {
            Some(v) => v.write_json(out),
            None => {
                out.push_str("null");
                Ok(())
            }
        }
    }
    fn from_token(token: Token<'_>) -> Result<Self> {
        match token {
            Token::Null => Ok(None),
            other => T::from_token(other).map(Some),
        }
    }
    fn bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        match self {
            Some(v) => v.bind(out),
            None => {
                out.push_sql("NULL");
                Ok(())
            }
        }
    }
}
impl<T: ArrayElement> ArrayElement for Option<T> {}

// ---------------------------------------------------------------------------------
// Text codec
// ---------------------------------------------------------------------------------

/// The JSON text seekdb accepts for an array, e.g. `[1,2,3]` or `["a","b"]`.
///
/// Non-finite floats are refused with [`Error::Validation`].
///
/// ```
/// use diesel_seekdb::diesel_ext::{decode_array, encode_array};
/// assert_eq!(encode_array(&[1i64, 2, 3]).unwrap(), "[1,2,3]");
/// assert_eq!(encode_array(&["a\"b".to_string()]).unwrap(), r#"["a\"b"]"#);
/// assert!(encode_array(&[f64::NAN]).is_err());
/// assert_eq!(decode_array::<bool>(b"[1,0]").unwrap(), vec![true, false]);
/// ```
pub fn encode_array<T: ArrayElement>(values: &[T]) -> Result<String> {
    let mut out = String::with_capacity(values.len() * 4 + 2);
    out.push('[');
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        value.write_json(&mut out)?;
    }
    out.push(']');
    Ok(out)
}

/// Parses seekdb's text for an array (`[1,2,3]`, `["a","b"]`, `[1,NULL]`, `[]`).
///
/// Malformed text, nested arrays and elements of the wrong type are
/// [`Error::Decode`] errors.
///
/// ```
/// use diesel_seekdb::diesel_ext::decode_array;
/// assert_eq!(decode_array::<String>(br#"["a", "b"]"#).unwrap(), vec!["a", "b"]);
/// assert_eq!(decode_array::<Option<i32>>(b"[1,NULL]").unwrap(), vec![Some(1), None]);
/// assert!(decode_array::<i32>(b"[1.5]").is_err());
/// ```
pub fn decode_array<T: ArrayElement>(text: &[u8]) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut pos = skip_ws(text, 0);
    if text.get(pos) != Some(&b'[') {
        return Err(malformed(WHAT, text, pos, "expected `[`"));
    }
    pos = skip_ws(text, pos + 1);
    if text.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            let (token, next) = next_token(text, skip_ws(text, pos))?;
            out.push(T::from_token(token)?);
            pos = skip_ws(text, next);
            match text.get(pos) {
                Some(b',') => pos += 1,
                Some(b']') => {
                    pos += 1;
                    break;
                }
                _ => return Err(malformed(WHAT, text, pos, "expected `,` or `]`")),
            }
        }
    }
    if skip_ws(text, pos) != text.len() {
        return Err(malformed(WHAT, text, pos, "unexpected text after `]`"));
    }
    Ok(out)
}

fn next_token(text: &[u8], pos: usize) -> Result<(Token<'_>, usize)> {
    let rest = &text[pos.min(text.len())..];
    for (word, token) in [
        (&b"NULL"[..], Token::Null),
        (b"null", Token::Null),
        (b"true", Token::Bool(true)),
        (b"false", Token::Bool(false)),
    ] {
        if rest.starts_with(word) {
            return Ok((token, pos + word.len()));
        }
    }
    match rest.first() {
        Some(b'"') => parse_string(text, pos),
        Some(b'[') => Err(Error::decode(
            "array",
            "nested arrays are not supported by SqlArray",
        )),
        Some(b'-' | b'+' | b'.' | b'0'..=b'9') => {
            let len = rest
                .iter()
                .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                .unwrap_or(rest.len());
            // Only ASCII bytes were taken.
            let number = std::str::from_utf8(&rest[..len])
                .map_err(|_| malformed(WHAT, text, pos, "expected a number"))?;
            Ok((Token::Number(number), pos + len))
        }
        _ => Err(malformed(WHAT, text, pos, "expected an element")),
    }
}

/// A string as seekdb prints it: only `\"` is an escape; any other backslash is a
/// literal character (seekdb does not escape backslashes or control characters).
fn parse_string(text: &[u8], start: usize) -> Result<(Token<'_>, usize)> {
    let mut bytes = Vec::new();
    let mut pos = start + 1;
    loop {
        match text.get(pos) {
            None => return Err(malformed(WHAT, text, start, "unterminated string")),
            Some(b'"') => break,
            Some(b'\\') if text.get(pos + 1) == Some(&b'"') => {
                bytes.push(b'"');
                pos += 2;
            }
            Some(&b) => {
                bytes.push(b);
                pos += 1;
            }
        }
    }
    let s = String::from_utf8(bytes)
        .map_err(|_| Error::decode("array", "a string element is not valid UTF-8"))?;
    Ok((Token::Str(s), pos + 1))
}

// ---------------------------------------------------------------------------------
// The value type and Diesel glue
// ---------------------------------------------------------------------------------

/// The Rust value of a seekdb `ARRAY(t)` column: a `Vec<T>` that binds as
/// [`Array`](crate::sql_types::Array).
///
/// `Vec<T>` itself also reads from and binds as `Array`; `SqlArray` adds
/// `AsExpression`, so it can be used in `.eq(..)`, `insert_into(..).values(..)` and
/// `.filter(..)`.
///
/// ```
/// use diesel::prelude::*;
/// use diesel_seekdb::diesel_ext::SqlArray;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Array;
///     posts (id) { id -> Integer, tags -> Nullable<Array> }
/// }
/// let tags = SqlArray::from(vec!["rust".to_string(), "db".to_string()]);
/// assert_eq!(tags.to_sql_text().unwrap(), r#"["rust","db"]"#);
/// let insert = diesel::insert_into(posts::table).values((posts::id.eq(1), posts::tags.eq(tags)));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&insert).to_string();
/// assert!(sql.starts_with("INSERT INTO `posts` (`id`, `tags`) VALUES (?, ?)"));
/// ```
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = Array)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct SqlArray<T>(pub Vec<T>);

impl<T: ArrayElement> SqlArray<T> {
    /// The JSON text seekdb accepts for this value (see [`encode_array`]).
    pub fn to_sql_text(&self) -> Result<String> {
        encode_array(&self.0)
    }

    /// Parses seekdb's text form (see [`decode_array`]).
    ///
    /// ```
    /// let a = diesel_seekdb::diesel_ext::SqlArray::<i64>::parse("[1, 2]").unwrap();
    /// assert_eq!(a.into_inner(), vec![1, 2]);
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        decode_array(text.as_bytes()).map(SqlArray)
    }
}

impl<T> SqlArray<T> {
    /// The elements.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T> std::ops::Deref for SqlArray<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for SqlArray<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for SqlArray<T> {
    fn from(values: Vec<T>) -> Self {
        SqlArray(values)
    }
}

impl<T> From<SqlArray<T>> for Vec<T> {
    fn from(values: SqlArray<T>) -> Self {
        values.0
    }
}

impl<T> FromIterator<T> for SqlArray<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        SqlArray(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for SqlArray<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

fn write_array<T: ArrayElement>(
    values: &[T],
    out: &mut Output<'_, '_, Mysql>,
) -> serialize::Result {
    let text = encode_array(values)?;
    out.write_all(text.as_bytes())?;
    Ok(IsNull::No)
}

impl<T: ArrayElement + std::fmt::Debug> ToSql<Array, Mysql> for SqlArray<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_array(&self.0, out)
    }
}

impl<T: ArrayElement + std::fmt::Debug> ToSql<Array, Mysql> for Vec<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_array(self, out)
    }
}

impl<T: ArrayElement + std::fmt::Debug> ToSql<Array, Mysql> for [T] {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
        write_array(self, out)
    }
}

impl<T: ArrayElement> FromSql<Array, Mysql> for SqlArray<T> {
    // Reported as a string or a blob depending on the client library; same text.
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(SqlArray(decode_array(value.as_bytes())?))
    }
}

impl<T: ArrayElement> FromSql<Array, Mysql> for Vec<T> {
    fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
        Ok(decode_array(value.as_bytes())?)
    }
}

// ---------------------------------------------------------------------------------
// Array functions
// ---------------------------------------------------------------------------------

/// SQL types the array functions accept: `Array` and `Nullable<Array>`.
pub trait ArraySqlType: SqlType + sealed::ArraySql {}
impl sealed::ArraySql for Array {}
impl sealed::ArraySql for Nullable<Array> {}
impl ArraySqlType for Array {}
impl ArraySqlType for Nullable<Array> {}

/// `array_contains(array, ?)`: whether the array holds the value.
#[derive(Debug, Clone)]
pub struct ArrayContains<A, T> {
    array: A,
    value: T,
}

/// `array_contains_all(array, [?, ...])` or `array_overlaps(array, [?, ...])`.
///
/// seekdb wants the list as an array literal of placeholders (a JSON string argument
/// fails with 5083) and has no empty literal `[]`, so an empty list is rendered as a
/// condition with the same meaning: `array_contains_all(a, [])` is true and
/// `array_overlaps(a, [])` is false for every non-NULL array (both NULL for NULL).
#[derive(Debug, Clone)]
pub struct ArrayListPredicate<A, T> {
    array: A,
    values: Vec<T>,
    kind: ListKind,
}

#[derive(Debug, Clone, Copy)]
enum ListKind {
    ContainsAll,
    Overlaps,
}

/// `cardinality(array)` or `array_length(array)`: the number of elements (`BigInt`).
#[derive(Debug, Clone, Copy)]
pub struct ArrayLength<A> {
    array: A,
    function: &'static str,
}

macro_rules! array_expression {
    ($name:ident < $($param:ident),* >, $ret:ty) => {
        impl<$($param),*> Expression for $name<$($param),*>
        where
            A: Expression,
            A::SqlType: ArraySqlType,
            IsSqlTypeNullable<A::SqlType>: MaybeNullableType<$ret>,
        {
            type SqlType = MaybeNullable<IsSqlTypeNullable<A::SqlType>, $ret>;
        }

        impl<$($param,)* QS> AppearsOnTable<QS> for $name<$($param),*>
        where
            A: AppearsOnTable<QS>,
            Self: Expression,
        {
        }

        impl<$($param,)* QS> SelectableExpression<QS> for $name<$($param),*>
        where
            A: SelectableExpression<QS>,
            Self: AppearsOnTable<QS>,
        {
        }

        impl<$($param,)* GB> ValidGrouping<GB> for $name<$($param),*>
        where
            A: ValidGrouping<GB>,
        {
            // Bound values never change whether the expression aggregates.
            type IsAggregate = A::IsAggregate;
        }

        // The SQL text depends on the values (number of placeholders, NULL elements),
        // so the statement is not cached by type.
        impl<$($param),*> QueryId for $name<$($param),*> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
    };
}

array_expression!(ArrayContains<A, T>, Bool);
array_expression!(ArrayListPredicate<A, T>, Bool);
array_expression!(ArrayLength<A>, BigInt);

impl<A, T> QueryFragment<Mysql> for ArrayContains<A, T>
where
    A: QueryFragment<Mysql>,
    T: ArrayElement,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_sql("array_contains(");
        self.array.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        self.value.bind(&mut out)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<A, T> QueryFragment<Mysql> for ArrayListPredicate<A, T>
where
    A: QueryFragment<Mysql>,
    T: ArrayElement,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        if self.values.is_empty() {
            // Same truth value as the function would give, NULL for a NULL array.
            out.push_sql("(cardinality(");
            self.array.walk_ast(out.reborrow())?;
            out.push_sql(match self.kind {
                ListKind::ContainsAll => ") >= 0)",
                ListKind::Overlaps => ") < 0)",
            });
            return Ok(());
        }
        out.push_sql(match self.kind {
            ListKind::ContainsAll => "array_contains_all(",
            ListKind::Overlaps => "array_overlaps(",
        });
        self.array.walk_ast(out.reborrow())?;
        out.push_sql(", [");
        for (i, value) in self.values.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            value.bind(&mut out)?;
        }
        out.push_sql("])");
        Ok(())
    }
}

impl<A> QueryFragment<Mysql> for ArrayLength<A>
where
    A: QueryFragment<Mysql>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_sql(self.function);
        out.push_sql("(");
        self.array.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

/// Array functions on expressions of type `Array` / `Nullable<Array>`.
///
/// The predicates return `Bool` (`Nullable<Bool>` for a nullable column) and can be
/// used directly in `.filter(..)`; the lengths return `BigInt`. Values are bound as
/// parameters with the SQL type of their Rust type (`i64` as `BIGINT`, `String` as
/// text, ...).
///
/// ```
/// use diesel::prelude::*;
/// use diesel_seekdb::prelude::*;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Array;
///     posts (id) { id -> Integer, tags -> Nullable<Array> }
/// }
/// let query = posts::table
///     .select((posts::id, posts::tags.cardinality()))
///     .filter(posts::tags.array_contains("rust".to_string()))
///     .filter(posts::tags.array_overlaps(vec!["db".to_string(), "sql".to_string()]));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with(
///     "SELECT `posts`.`id`, cardinality(`posts`.`tags`) FROM `posts` \
///      WHERE (array_contains(`posts`.`tags`, ?) AND array_overlaps(`posts`.`tags`, [?, ?]))"
/// ), "{sql}");
///
/// // An empty list keeps its meaning without producing invalid SQL.
/// let none = posts::table.filter(posts::tags.array_overlaps(Vec::<String>::new())).select(posts::id);
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&none).to_string();
/// assert!(sql.contains("WHERE (cardinality(`posts`.`tags`) < 0)"), "{sql}");
/// ```
pub trait ArrayExpressionMethods: Expression + Sized
where
    Self::SqlType: ArraySqlType,
{
    /// `array_contains(self, value)`: the array holds `value`.
    fn array_contains<T: ArrayElement>(self, value: T) -> ArrayContains<Self, T> {
        ArrayContains { array: self, value }
    }

    /// `array_contains_all(self, [values...])`: the array holds every value
    /// (true for an empty list).
    fn array_contains_all<I, T>(self, values: I) -> ArrayListPredicate<Self, T>
    where
        I: IntoIterator<Item = T>,
        T: ArrayElement,
    {
        ArrayListPredicate {
            array: self,
            values: values.into_iter().collect(),
            kind: ListKind::ContainsAll,
        }
    }

    /// `array_overlaps(self, [values...])`: the array holds at least one of the values
    /// (false for an empty list).
    fn array_overlaps<I, T>(self, values: I) -> ArrayListPredicate<Self, T>
    where
        I: IntoIterator<Item = T>,
        T: ArrayElement,
    {
        ArrayListPredicate {
            array: self,
            values: values.into_iter().collect(),
            kind: ListKind::Overlaps,
        }
    }

    /// Milvus's `array_contains_any`: seekdb has no such function (1305), so this is
    /// [`array_overlaps`](Self::array_overlaps).
    fn array_contains_any<I, T>(self, values: I) -> ArrayListPredicate<Self, T>
    where
        I: IntoIterator<Item = T>,
        T: ArrayElement,
    {
        self.array_overlaps(values)
    }

    /// `array_length(self)`: the number of elements.
    fn array_length(self) -> ArrayLength<Self> {
        ArrayLength {
            array: self,
            function: "array_length",
        }
    }

    /// `cardinality(self)`: the number of elements.
    fn cardinality(self) -> ArrayLength<Self> {
        ArrayLength {
            array: self,
            function: "cardinality",
        }
    }
}

impl<E> ArrayExpressionMethods for E
where
    E: Expression,
    E::SqlType: ArraySqlType,
{
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodes_json_seekdb_accepts() {
        assert_eq!(encode_array::<i64>(&[]).unwrap(), "[]");
        assert_eq!(encode_array(&[1i32, -2]).unwrap(), "[1,-2]");
        assert_eq!(
            encode_array(&[0.5f64, 1.0, 1e300]).unwrap(),
            "[0.5,1,1e300]"
        );
        assert_eq!(
            encode_array(&[0.1f32, f32::from_bits(f32::MAX.to_bits() - 1)]).unwrap(),
            "[0.10000000149011612,3.4028232635611926e38]"
        );
        assert!(matches!(
            encode_array(&[-f32::MAX]),
            Err(Error::Validation { .. })
        ));
        assert_eq!(encode_array(&[true, false]).unwrap(), "[true,false]");
        assert_eq!(
            encode_array(&["a\"b\\c\n".to_string()]).unwrap(),
            r#"["a\"b\\c\n"]"#
        );
        assert_eq!(encode_array(&[Some(1i16), None]).unwrap(), "[1,null]");
        for bad in [f32::NAN, f32::INFINITY] {
            assert!(matches!(
                encode_array(&[bad]),
                Err(Error::Validation { .. })
            ));
        }
    }

    #[test]
    fn decodes_server_output() {
        assert_eq!(decode_array::<i64>(b"[]").unwrap(), Vec::<i64>::new());
        assert_eq!(decode_array::<i64>(b" [ ] ").unwrap(), Vec::<i64>::new());
        assert_eq!(
            decode_array::<i64>(b"[9007199254740993,-1]").unwrap(),
            vec![9_007_199_254_740_993, -1]
        );
        assert_eq!(
            decode_array::<f32>(b"[0.1,0.0000001,3.4e38,16777200,9.99995e-41]").unwrap(),
            vec![0.1, 1e-7, 3.4e38, 16_777_200.0, 9.99995e-41]
        );
        assert_eq!(
            decode_array::<f64>(b"[0.30000000000000004]").unwrap(),
            vec![0.300_000_000_000_000_04]
        );
        assert_eq!(
            decode_array::<bool>(b"[1,0,true]").unwrap(),
            vec![true, false, true]
        );
        // seekdb escapes only the quote; backslashes and control characters are raw.
        assert_eq!(
            decode_array::<Option<String>>(
                b"[\"a\\\"b\",\"\xc3\xbc\",\"NULL\",NULL,\"x,y\",\"back\\slash\",\"tab\there\"]"
            )
            .unwrap(),
            vec![
                Some("a\"b".to_string()),
                Some("ü".to_string()),
                Some("NULL".to_string()),
                None,
                Some("x,y".to_string()),
                Some("back\\slash".to_string()),
                Some("tab\there".to_string()),
            ]
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bad in [
            &b""[..],
            b"[",
            b"[1,",
            b"[1 2]",
            b"[1]x",
            b"{1:2}",
            b"[,]",
            b"[1.5]",
            b"[\"a\"]",
            b"[NULL]",
            b"[[1]]",
            b"[99999999999999999999]",
            b"[\"abc",
        ] {
            let err = decode_array::<i64>(bad).unwrap_err();
            assert!(
                matches!(err, Error::Decode { what: "array", .. }),
                "{bad:?}: {err}"
            );
        }
        assert!(decode_array::<f32>(b"[1e39]").is_err());
        assert!(decode_array::<f32>(b"[1e]").is_err());
        assert!(decode_array::<String>(b"[1]").is_err());
        assert!(decode_array::<String>(b"[\"\xff\"]").is_err());
        assert!(decode_array::<bool>(b"[\"x\"]").is_err());
    }

    proptest! {
        #[test]
        fn integers_round_trip(v in proptest::collection::vec(any::<i64>(), 0..32)) {
            let text = encode_array(&v).unwrap();
            prop_assert_eq!(decode_array::<i64>(text.as_bytes()).unwrap(), v);
        }

        #[test]
        fn floats_round_trip(v in proptest::collection::vec(
            any::<f32>().prop_filter("finite", |x| x.is_finite()), 0..32)) {
            let text = encode_array(&v).unwrap();
            let back = decode_array::<f32>(text.as_bytes()).unwrap();
            prop_assert_eq!(back.len(), v.len());
            for (a, b) in v.iter().zip(&back) {
                prop_assert_eq!(a.to_bits(), b.to_bits());
            }
        }

        #[test]
        fn strings_without_backslashes_round_trip_through_server_text(
            v in proptest::collection::vec("[^\\\\\"]{0,8}|\"", 0..8)) {
            // What seekdb prints: quotes escaped, nothing else.
            let server = format!(
                "[{}]",
                v.iter().map(|s| format!("\"{}\"", s.replace('"', "\\\""))).collect::<Vec<_>>().join(",")
            );
            prop_assert_eq!(decode_array::<String>(server.as_bytes()).unwrap(), v);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode_array::<Option<String>>(&bytes);
            let _ = decode_array::<f64>(&bytes);
        }
    }
}
