//! Splits a filter into tokens, decoding numbers and string escapes.
//!
//! Offsets are character offsets (not bytes) because that is what error messages
//! report to users who may write non-ASCII filters.

use super::ast::Func;
use super::error_at;
use crate::Result;

/// A token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Character offset of the first character.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// Magnitude only: a leading `-` is a separate token, so `-9223372036854775808`
    /// can still be folded into `i64::MIN`.
    Int(u64),
    Float(f64),
    Str(String),
    Bool(bool),
    Ident(String),
    Func(Func),
    And,
    Or,
    Not,
    In,
    Like,
    Exists,
    Is,
    Null,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Plus,
    Minus,
    Star,
    StarStar,
    Slash,
    Percent,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Int(v) => format!("integer `{v}`"),
            Tok::Float(v) => format!("number `{v}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Bool(b) => format!("`{b}`"),
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Func(f) => format!("`{}`", f.name()),
            Tok::Eof => "the end of the filter".into(),
            other => format!("`{}`", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::In => "in",
            Tok::Like => "like",
            Tok::Exists => "exists",
            Tok::Is => "is",
            Tok::Null => "null",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::StarStar => "**",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            _ => "?",
        }
    }
}

/// Tokenizes the whole filter; the last token is always [`Tok::Eof`].
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token>> {
    let mut lexer = Lexer {
        chars: input.chars().collect(),
        pos: 0,
    };
    let mut out = Vec::new();
    loop {
        let token = lexer.next_token()?;
        let done = token.tok == Tok::Eof;
        out.push(token);
        if done {
            return Ok(out);
        }
    }
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Keywords are recognised only in all-lower or all-upper case, as in Milvus's grammar;
/// `And` is an ordinary identifier.
fn keyword(word: &str) -> Option<Tok> {
    let lower = word.to_ascii_lowercase();
    if word != lower && word != word.to_ascii_uppercase() {
        // Milvus also accepts the capitalised booleans `True` / `False`.
        return match word {
            "True" => Some(Tok::Bool(true)),
            "False" => Some(Tok::Bool(false)),
            _ => None,
        };
    }
    Some(match lower.as_str() {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "in" => Tok::In,
        "like" => Tok::Like,
        "exists" => Tok::Exists,
        "is" => Tok::Is,
        "null" => Tok::Null,
        "true" => Tok::Bool(true),
        "false" => Tok::Bool(false),
        _ => return Func::from_name(word).map(Tok::Func),
    })
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn next_token(&mut self) -> Result<Token> {
        while self
            .peek()
            .is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
        {
            self.pos += 1;
        }
        let offset = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Token {
                tok: Tok::Eof,
                offset,
            });
        };
        let tok = if c.is_ascii_digit()
            || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
        {
            self.number()?
        } else if is_ident_start(c) {
            let start = self.pos;
            while self.peek().is_some_and(is_ident_char) {
                self.pos += 1;
            }
            let word: String = self.chars[start..self.pos].iter().collect();
            keyword(&word).unwrap_or(Tok::Ident(word))
        } else if c == '"' || c == '\'' {
            Tok::Str(self.string(c)?)
        } else {
            self.operator(c)?
        };
        Ok(Token { tok, offset })
    }

    fn operator(&mut self, c: char) -> Result<Tok> {
        let next = self.peek_at(1);
        let (tok, len) = match (c, next) {
            ('*', Some('*')) => (Tok::StarStar, 2),
            ('<', Some('=')) => (Tok::Le, 2),
            ('>', Some('=')) => (Tok::Ge, 2),
            ('=', Some('=')) => (Tok::EqEq, 2),
            ('!', Some('=')) => (Tok::Ne, 2),
            ('&', Some('&')) => (Tok::And, 2),
            ('|', Some('|')) => (Tok::Or, 2),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            ('{', _) => (Tok::LBrace, 1),
            ('}', _) => (Tok::RBrace, 1),
            (',', _) => (Tok::Comma, 1),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Star, 1),
            ('/', _) => (Tok::Slash, 1),
            ('%', _) => (Tok::Percent, 1),
            ('<', _) => (Tok::Lt, 1),
            ('>', _) => (Tok::Gt, 1),
            ('!', _) => (Tok::Not, 1),
            ('=', _) => return Err(error_at(self.pos, "unexpected `=`; expected `==`")),
            ('&', _) => return Err(error_at(self.pos, "unexpected `&`; expected `&&`")),
            ('|', _) => return Err(error_at(self.pos, "unexpected `|`; expected `||`")),
            _ => {
                return Err(error_at(
                    self.pos,
                    format!("unexpected character {c:?}; expected a field, literal or operator"),
                ))
            }
        };
        self.pos += len;
        Ok(tok)
    }

    fn digits(&mut self, pred: impl Fn(char) -> bool) -> String {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn number(&mut self) -> Result<Tok> {
        let start = self.pos;
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some('0'), Some('x' | 'X')) => Some(16),
            (Some('0'), Some('b' | 'B')) => Some(2),
            _ => None,
        };
        let tok = if let Some(radix) = radix {
            self.pos += 2;
            let text = self.digits(|c| c.is_digit(radix));
            if text.is_empty() {
                let what = if radix == 16 { "hexadecimal" } else { "binary" };
                return Err(error_at(
                    self.pos,
                    format!(
                        "expected {what} digits after `{}`",
                        self.chars[start..self.pos].iter().collect::<String>()
                    ),
                ));
            }
            Tok::Int(parse_int(&text, radix, start)?)
        } else {
            let int_part = self.digits(|c| c.is_ascii_digit());
            let mut is_float = false;
            if self.peek() == Some('.') {
                is_float = true;
                self.pos += 1;
                self.digits(|c| c.is_ascii_digit());
            }
            if matches!(self.peek(), Some('e' | 'E')) {
                is_float = true;
                self.pos += 1;
                if matches!(self.peek(), Some('+' | '-')) {
                    self.pos += 1;
                }
                if self.digits(|c| c.is_ascii_digit()).is_empty() {
                    return Err(error_at(self.pos, "expected exponent digits"));
                }
            }
            if is_float {
                let text: String = self.chars[start..self.pos].iter().collect();
                let value: f64 = text
                    .parse()
                    .map_err(|_| error_at(start, format!("invalid number `{text}`")))?;
                if !value.is_finite() {
                    return Err(error_at(
                        start,
                        format!("number `{text}` is out of range; expected a finite float"),
                    ));
                }
                Tok::Float(value)
            } else if int_part.len() > 1 && int_part.starts_with('0') {
                // C-style octal, as in Milvus: `010` is 8.
                if let Some(bad) = int_part.chars().position(|c| !c.is_digit(8)) {
                    return Err(error_at(
                        start + bad,
                        format!("invalid digit in octal literal `{int_part}`; expected 0-7"),
                    ));
                }
                Tok::Int(parse_int(&int_part[1..], 8, start)?)
            } else {
                Tok::Int(parse_int(&int_part, 10, start)?)
            }
        };
        if let Some(c) = self.peek().filter(|&c| is_ident_char(c) || c == '.') {
            return Err(error_at(
                self.pos,
                format!("unexpected {c:?} after a number; expected an operator or space"),
            ));
        }
        Ok(tok)
    }

    fn string(&mut self, quote: char) -> Result<String> {
        let start = self.pos;
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            let at = self.pos;
            let Some(c) = self.peek() else {
                return Err(error_at(
                    start,
                    format!("unterminated string; expected a closing {quote}"),
                ));
            };
            self.pos += 1;
            match c {
                c if c == quote => break,
                '\n' => {
                    return Err(error_at(
                        at,
                        "newline inside a string; expected `\\n` or a closing quote",
                    ))
                }
                '\\' => self.escape(at, &mut bytes)?,
                c => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        String::from_utf8(bytes).map_err(|_| {
            error_at(
                start,
                "string escapes do not form valid UTF-8; expected UTF-8 text",
            )
        })
    }

    /// Go's `strconv.Unquote` escape set (what Milvus uses).
    fn escape(&mut self, at: usize, bytes: &mut Vec<u8>) -> Result<()> {
        let Some(e) = self.peek() else {
            return Err(error_at(
                at,
                "unterminated escape; expected a character after `\\`",
            ));
        };
        self.pos += 1;
        let simple = match e {
            'n' => Some(b'\n'),
            't' => Some(b'\t'),
            'r' => Some(b'\r'),
            'a' => Some(7),
            'b' => Some(8),
            'f' => Some(12),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '"' => Some(b'"'),
            '\'' => Some(b'\''),
            _ => None,
        };
        if let Some(b) = simple {
            bytes.push(b);
            return Ok(());
        }
        let (count, radix) = match e {
            '0'..='7' => {
                self.pos -= 1;
                (3, 8)
            }
            'x' => (2, 16),
            'u' => (4, 16),
            'U' => (8, 16),
            other => {
                return Err(error_at(
                    at,
                    format!(
                        "unknown escape `\\{other}`; expected one of \\\" \\' \\\\ \\n \\t \\r \\a \\b \\f \\v \\ooo \\xhh \\uhhhh \\Uhhhhhhhh (write `\\\\` for a backslash)"
                    ),
                ))
            }
        };
        let digits: String = (0..count)
            .filter_map(|i| self.peek_at(i))
            .take_while(|c| c.is_digit(radix))
            .collect();
        if digits.chars().count() != count {
            return Err(error_at(
                at,
                format!(
                    "invalid escape; expected {count} {} digits",
                    if radix == 8 { "octal" } else { "hex" }
                ),
            ));
        }
        self.pos += count;
        let value =
            u32::from_str_radix(&digits, radix).map_err(|_| error_at(at, "invalid escape"))?;
        match e {
            'u' | 'U' => {
                let c = char::from_u32(value)
                    .ok_or_else(|| error_at(at, "escape is not a Unicode scalar value; expected a code point outside the surrogates, at most 10FFFF"))?;
                let mut buf = [0u8; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => {
                let byte = u8::try_from(value)
                    .map_err(|_| error_at(at, "octal escape above \\377; expected a byte value"))?;
                bytes.push(byte);
            }
        }
        Ok(())
    }
}

fn parse_int(text: &str, radix: u32, offset: usize) -> Result<u64> {
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, radix).map_err(|_| {
        error_at(
            offset,
            "integer literal out of range; expected a value that fits in int64",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    fn err(s: &str) -> (usize, String) {
        match tokenize(s) {
            Err(Error::Filter { offset, message }) => (offset, message),
            other => panic!("expected a filter error for {s:?}, got {other:?}"),
        }
    }

    #[test]
    fn number_formats() {
        assert_eq!(
            toks("0x1F 0X10 010 0 0b101 0B1 42"),
            vec![
                Tok::Int(31),
                Tok::Int(16),
                Tok::Int(8),
                Tok::Int(0),
                Tok::Int(5),
                Tok::Int(1),
                Tok::Int(42),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("1.5 .5 1e-3 2.5E1 3."),
            vec![
                Tok::Float(1.5),
                Tok::Float(0.5),
                Tok::Float(0.001),
                Tok::Float(25.0),
                Tok::Float(3.0),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("18446744073709551615"),
            vec![Tok::Int(u64::MAX), Tok::Eof]
        );
    }

    #[test]
    fn bad_numbers() {
        let (o, m) = err("a == 99999999999999999999999");
        assert_eq!(o, 5);
        assert!(m.contains("int64"), "{m}");
        let (o, m) = err("a == 09");
        assert_eq!(o, 6);
        assert!(m.contains("expected 0-7"), "{m}");
        let (o, m) = err("a == 0x");
        assert_eq!(o, 7);
        assert!(m.contains("expected hexadecimal digits"), "{m}");
        let (o, m) = err("a == 1e");
        assert_eq!(o, 7);
        assert!(m.contains("expected exponent"), "{m}");
        let (o, m) = err("a == 12abc");
        assert_eq!(o, 7);
        assert!(m.contains("expected an operator"), "{m}");
        let (o, m) = err("a == 1e999");
        assert_eq!(o, 5);
        assert!(m.contains("finite"), "{m}");
    }

    #[test]
    fn keywords_in_either_case_only() {
        assert_eq!(
            toks("and AND && or OR || not NOT ! in IN like LIKE"),
            vec![
                Tok::And,
                Tok::And,
                Tok::And,
                Tok::Or,
                Tok::Or,
                Tok::Or,
                Tok::Not,
                Tok::Not,
                Tok::Not,
                Tok::In,
                Tok::In,
                Tok::Like,
                Tok::Like,
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("true True TRUE false False FALSE tRUE"),
            vec![
                Tok::Bool(true),
                Tok::Bool(true),
                Tok::Bool(true),
                Tok::Bool(false),
                Tok::Bool(false),
                Tok::Bool(false),
                Tok::Ident("tRUE".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("And ARRAY_CONTAINS json_contains_any Array_Length"),
            vec![
                Tok::Ident("And".into()),
                Tok::Func(Func::ArrayContains),
                Tok::Func(Func::JsonContainsAny),
                Tok::Ident("Array_Length".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn string_escapes() {
        let s = r#""a\"b\'c\\d\n\t\r\a\b\f\v\101\x41\u00e9\U0001F600" 'it\'s "q"'"#;
        assert_eq!(
            toks(s),
            vec![
                Tok::Str("a\"b'c\\d\n\t\r\x07\x08\x0c\x0bAAé😀".into()),
                Tok::Str("it's \"q\"".into()),
                Tok::Eof
            ]
        );
        // Byte escapes combine into UTF-8, as Go's strings do.
        assert_eq!(
            toks(r#""\xe6\x95\xb0""#),
            vec![Tok::Str("数".into()), Tok::Eof]
        );
    }

    #[test]
    fn bad_strings() {
        let (o, m) = err(r#"s like "50\%""#);
        assert_eq!(o, 10);
        assert!(
            m.contains("unknown escape `\\%`") && m.contains("expected"),
            "{m}"
        );
        let (o, m) = err("s == \"ab\ncd\"");
        assert_eq!(o, 8);
        assert!(m.contains("newline"), "{m}");
        let (o, m) = err("s == 'abc");
        assert_eq!(o, 5);
        assert!(m.contains("expected a closing '"), "{m}");
        let (o, m) = err(r#"s == "\xff""#);
        assert_eq!(o, 5);
        assert!(m.contains("UTF-8"), "{m}");
        let (o, m) = err(r#"s == "\ud800""#);
        assert_eq!(o, 6);
        assert!(m.contains("Unicode scalar"), "{m}");
        let (o, m) = err(r#"s == "\x4""#);
        assert_eq!(o, 6);
        assert!(m.contains("expected 2 hex digits"), "{m}");
        let (o, m) = err(r#"s == "\400""#);
        assert_eq!(o, 6);
        assert!(m.contains("byte"), "{m}");
    }

    #[test]
    fn offsets_count_characters() {
        let t = tokenize("名字 == 1").unwrap_err();
        assert!(matches!(t, Error::Filter { offset: 0, .. }));
        let t = tokenize("s == \"数据\" ; x").unwrap_err();
        match t {
            Error::Filter { offset, message } => {
                assert_eq!(offset, 10);
                assert!(message.contains("';'"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stray_operators() {
        let (o, m) = err("a = 1");
        assert_eq!((o, m.contains("expected `==`")), (2, true));
        let (o, m) = err("a == 1 & b");
        assert_eq!((o, m.contains("expected `&&`")), (7, true));
        let (o, m) = err("a == 1 | b");
        assert_eq!((o, m.contains("expected `||`")), (7, true));
        let (o, _) = err("a == `b`");
        assert_eq!(o, 5);
    }
}
