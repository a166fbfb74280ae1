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
#[path = "lexer_tests.rs"]
mod tests;
