//! The text codec for seekdb `ARRAY(t)` values, as plain functions (no Diesel here).
//!
//! On the wire an array is JSON-like text (`[1,2,3]`, `["a","b"]`). What seekdb sends
//! back differs from JSON in ways the decoder handles: `ARRAY(BOOL)` prints `[1,0]`, a
//! NULL element prints `NULL`, and inside strings only `"` is escaped (a backslash is
//! sent as is). A string that *ends* with a backslash is therefore ambiguous in
//! seekdb's output and may not read back as written.

use std::fmt::Write as _;

use crate::codec::{malformed, skip_ws};
use crate::error::{Error, Result};

/// Names arrays in decode errors.
const WHAT: &str = "array";

pub(crate) mod sealed {
    use crate::error::Result;

    /// One array element as read from seekdb's text.
    pub enum Token<'a> {
        Null,
        Bool(bool),
        Number(&'a str),
        Str(String),
    }

    /// An element as a query parameter; the Diesel glue maps each case to its SQL type.
    pub enum Bind<'a> {
        Null,
        SmallInt(&'a i16),
        Integer(&'a i32),
        BigInt(&'a i64),
        Float(&'a f32),
        Double(&'a f64),
        Bool(&'a bool),
        Text(&'a String),
    }

    pub trait Element: Sized {
        /// Appends the JSON text seekdb accepts for this element.
        fn write_json(&self, out: &mut String) -> Result<()>;
        /// Reads an element from a token of seekdb's output.
        fn from_token(token: Token<'_>) -> Result<Self>;
        /// The element as a query parameter.
        fn bind_value(&self) -> Bind<'_>;
    }
}

use sealed::{Bind, Element, Token};

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
    ($($ty:ty => $variant:ident),*) => {$(
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
            fn bind_value(&self) -> Bind<'_> {
                Bind::$variant(self)
            }
        }
        impl ArrayElement for $ty {}
    )*};
}

integer_element!(i16 => SmallInt, i32 => Integer, i64 => BigInt);

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
    fn bind_value(&self) -> Bind<'_> {
        Bind::Float(self)
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
    fn bind_value(&self) -> Bind<'_> {
        Bind::Double(self)
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
    fn bind_value(&self) -> Bind<'_> {
        Bind::Bool(self)
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
    fn bind_value(&self) -> Bind<'_> {
        Bind::Text(self)
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
    fn bind_value(&self) -> Bind<'_> {
        match self {
            Some(v) => v.bind_value(),
            None => Bind::Null,
        }
    }
}
impl<T: ArrayElement> ArrayElement for Option<T> {}

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

#[cfg(test)]
#[path = "array_codec_tests.rs"]
mod tests;
