//! Recursive-descent parser with precedence climbing, following Milvus's Plan.g4.
//!
//! Recursion is bounded by [`MAX_DEPTH`]: every nested parenthesis, list, call,
//! prefix operator and binary-operator level counts, so hostile input such as ten
//! thousand `(` ends in an error instead of a stack overflow. `and`/`or` chains are
//! built flat and do not count, so long generated `id == 1 or id == 2 or …` filters
//! stay accepted.

use super::ast::{BinaryOp, Expr, ExprKind, Func, Key, Subscript, UnaryOp};
use super::error_at;
use super::fold;
use super::lexer::{tokenize, Tok, Token};
use crate::Result;

/// Deepest nesting accepted (Milvus has a configurable limit too). Deep enough for
/// 100 nested parentheses plus operators around them, shallow enough that the parser
/// and the later passes fit comfortably in a 2 MiB thread stack in debug builds.
pub const MAX_DEPTH: usize = 150;

/// Parses a filter into its syntax tree (no schema check).
pub fn parse(filter: &str) -> Result<Expr> {
    let tokens = tokenize(filter)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = parser.or()?;
    let next = parser.peek();
    if next.tok != Tok::Eof {
        return Err(error_at(
            next.offset,
            format!(
                "unexpected {}; expected an operator or the end of the filter",
                next.tok.describe()
            ),
        ));
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn relational(tok: &Tok) -> Option<BinaryOp> {
    Some(match tok {
        Tok::Lt => BinaryOp::Lt,
        Tok::Le => BinaryOp::Le,
        Tok::Gt => BinaryOp::Gt,
        Tok::Ge => BinaryOp::Ge,
        _ => return None,
    })
}

/// Binding strength, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Or,
    And,
    Equality,
    Compare,
    Add,
    Mul,
    Pow,
    Unary,
}

impl Level {
    fn next(self) -> Level {
        match self {
            Level::Or => Level::And,
            Level::And => Level::Equality,
            Level::Equality => Level::Compare,
            Level::Compare => Level::Add,
            Level::Add => Level::Mul,
            Level::Mul => Level::Pow,
            Level::Pow | Level::Unary => Level::Unary,
        }
    }
}

fn level_of(tok: &Tok, next: &Tok) -> Option<Level> {
    Some(match tok {
        Tok::Or => Level::Or,
        Tok::And => Level::And,
        Tok::EqEq | Tok::Ne => Level::Equality,
        Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::In | Tok::Like => Level::Compare,
        Tok::Not if *next == Tok::In => Level::Compare,
        Tok::Plus | Tok::Minus => Level::Add,
        Tok::Star | Tok::Slash | Tok::Percent => Level::Mul,
        Tok::StarStar => Level::Pow,
        _ => return None,
    })
}

fn binary_op(tok: &Tok) -> Option<BinaryOp> {
    Some(match tok {
        Tok::EqEq => BinaryOp::Eq,
        Tok::Ne => BinaryOp::Ne,
        Tok::Plus => BinaryOp::Add,
        Tok::Minus => BinaryOp::Sub,
        Tok::Star => BinaryOp::Mul,
        Tok::Slash => BinaryOp::Div,
        Tok::Percent => BinaryOp::Mod,
        Tok::StarStar => BinaryOp::Pow,
        _ => return None,
    })
}

// Error builders live outside the recursive functions so their formatting temporaries
// do not enlarge every recursion frame.

#[cold]
#[inline(never)]
fn unexpected(token: &Token) -> crate::Error {
    error_at(
        token.offset,
        format!("unexpected {}; expected an operator", token.tok.describe()),
    )
}

#[cold]
#[inline(never)]
fn too_many_comparisons(token: &Token) -> crate::Error {
    error_at(
        token.offset,
        format!(
            "unexpected {}; a range has at most two comparisons",
            token.tok.describe()
        ),
    )
}

fn need_field(lhs: &Expr, op: &str) -> Result<()> {
    if is_field_or_path(lhs) {
        return Ok(());
    }
    Err(not_a_field(lhs.offset, op))
}

#[cold]
#[inline(never)]
fn not_a_field(offset: usize, op: &str) -> crate::Error {
    error_at(
        offset,
        format!("expected a field or JSON path before `{op}`"),
    )
}

fn check_range(op1: BinaryOp, op2: BinaryOp, at: usize, mid: &Expr) -> Result<()> {
    let ascending = |op| matches!(op, BinaryOp::Lt | BinaryOp::Le);
    if ascending(op1) != ascending(op2) {
        return Err(range_direction(op1, at));
    }
    if !is_field_or_path(mid) {
        return Err(error_at(
            mid.offset,
            "expected a field or JSON path in the middle of a range",
        ));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn range_direction(op1: BinaryOp, at: usize) -> crate::Error {
    let expected = if matches!(op1, BinaryOp::Lt | BinaryOp::Le) {
        "`<` or `<=`"
    } else {
        "`>` or `>=`"
    };
    error_at(
        at,
        format!(
            "a range must point one way; expected {expected} after `{} field`",
            op1.symbol()
        ),
    )
}

#[cold]
#[inline(never)]
fn int_range(offset: usize) -> crate::Error {
    error_at(
        offset,
        "integer literal out of range; expected a value that fits in int64",
    )
}

#[cold]
#[inline(never)]
fn not_an_operand(token: &Token) -> crate::Error {
    error_at(
        token.offset,
        format!(
            "expected a field, literal, `(` or function, found {}",
            token.tok.describe()
        ),
    )
}

#[cold]
#[inline(never)]
fn list_separator(token: &Token, close: &str) -> crate::Error {
    error_at(
        token.offset,
        format!("expected `,` or `{close}`, found {}", token.tok.describe()),
    )
}

#[cold]
#[inline(never)]
fn call_paren(func: Func, token: &Token) -> crate::Error {
    error_at(
        token.offset,
        format!(
            "expected `(` after `{}`, found {}",
            func.name(),
            token.tok.describe()
        ),
    )
}

#[cold]
#[inline(never)]
fn arity(func: Func, offset: usize, found: usize) -> crate::Error {
    let (n, shape) = if func.arity() == 1 {
        ("1 argument", "`(field)`")
    } else {
        ("2 arguments", "`(field, value)`")
    };
    error_at(
        offset,
        format!(
            "`{}` takes {n}, found {found}; expected {shape}",
            func.name()
        ),
    )
}

fn is_field_or_path(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Field(_) | ExprKind::Path { .. })
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof, and `bump` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek2(&self) -> &Tok {
        &self.tokens[(self.pos + 1).min(self.tokens.len() - 1)].tok
    }

    fn bump(&mut self) -> Token {
        let token = self.peek().clone();
        if token.tok != Tok::Eof {
            self.pos += 1;
        }
        token
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<Token> {
        let next = self.peek();
        if next.tok == tok {
            return Ok(self.bump());
        }
        Err(error_at(
            next.offset,
            format!("expected {what}, found {}", next.tok.describe()),
        ))
    }

    /// Counts one nesting level; the caller undoes it with `leave`.
    fn enter(&mut self, offset: usize) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error_at(
                offset,
                format!("filter nested too deeply; expected at most {MAX_DEPTH} levels of nesting"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self, levels: usize) {
        self.depth -= levels;
    }

    fn or(&mut self) -> Result<Expr> {
        self.expr(Level::Or)
    }

    /// Precedence climbing: one frame per operator level keeps the stack shallow for
    /// each nested parenthesis.
    fn expr(&mut self, min: Level) -> Result<Expr> {
        let mut lhs = self.unary()?;
        let mut levels = 0;
        let result = loop {
            let token = self.peek().clone();
            let Some(level) = level_of(&token.tok, self.peek2()) else {
                break Ok(lhs);
            };
            if level < min {
                break Ok(lhs);
            }
            let step = match level {
                Level::Or | Level::And => {
                    // The operands are siblings: the levels spent on `lhs` do not
                    // nest the ones that follow.
                    self.leave(levels);
                    levels = 0;
                    self.flat(lhs, &token.tok, level)
                }
                Level::Compare => self.comparison(lhs),
                _ => match self.enter(token.offset) {
                    Ok(()) => {
                        levels += 1;
                        self.binary(lhs, &token, level)
                    }
                    Err(e) => Err(e),
                },
            };
            match step {
                Ok(e) => lhs = e,
                Err(e) => break Err(e),
            }
        };
        self.leave(levels);
        result
    }

    /// `a and b and …` / `a or b or …` as one flat node.
    fn flat(&mut self, first: Expr, op: &Tok, level: Level) -> Result<Expr> {
        let offset = first.offset;
        let mut items = vec![first];
        while self.peek().tok == *op {
            self.bump();
            items.push(self.expr(level.next())?);
        }
        let kind = if level == Level::Or {
            ExprKind::Or(items)
        } else {
            ExprKind::And(items)
        };
        Ok(Expr { kind, offset })
    }

    fn binary(&mut self, lhs: Expr, token: &Token, level: Level) -> Result<Expr> {
        self.bump();
        let op = binary_op(&token.tok).ok_or_else(|| unexpected(token))?;
        let rhs = self.expr(level.next())?;
        fold::binary(op, token.offset, lhs, rhs)
    }

    /// `< <= > >=` with range chains, plus `in`, `not in` and `like`.
    fn comparison(&mut self, lhs: Expr) -> Result<Expr> {
        let token = self.bump();
        match token.tok {
            Tok::Like => {
                need_field(&lhs, "like")?;
                let pattern = self.expr(Level::Add)?;
                let offset = lhs.offset;
                return Ok(Expr {
                    kind: ExprKind::Like {
                        expr: Box::new(lhs),
                        pattern: Box::new(pattern),
                    },
                    offset,
                });
            }
            Tok::In => return self.in_list(lhs, false, "in"),
            Tok::Not => {
                self.bump();
                return self.in_list(lhs, true, "not in");
            }
            _ => {}
        }
        let op1 = relational(&token.tok).ok_or_else(|| unexpected(&token))?;
        let mid = self.expr(Level::Add)?;
        let second = self.peek().clone();
        let Some(op2) = relational(&second.tok) else {
            return fold::binary(op1, token.offset, lhs, mid);
        };
        check_range(op1, op2, second.offset, &mid)?;
        self.bump();
        let high = self.expr(Level::Add)?;
        if relational(&self.peek().tok).is_some() {
            return Err(too_many_comparisons(self.peek()));
        }
        let offset = lhs.offset;
        Ok(Expr {
            kind: ExprKind::Range {
                low: Box::new(lhs),
                low_op: op1,
                mid: Box::new(mid),
                high_op: op2,
                high: Box::new(high),
            },
            offset,
        })
    }

    fn in_list(&mut self, lhs: Expr, negated: bool, op: &str) -> Result<Expr> {
        need_field(&lhs, op)?;
        let next = self.peek().clone();
        if !matches!(next.tok, Tok::LBracket | Tok::LBrace) {
            return Err(error_at(
                next.offset,
                format!(
                    "expected a list `[…]` or a template `{{name}}` after `{op}`, found {}",
                    next.tok.describe()
                ),
            ));
        }
        let list = self.primary()?;
        let offset = lhs.offset;
        Ok(Expr {
            kind: ExprKind::In {
                expr: Box::new(lhs),
                list: Box::new(list),
                negated,
            },
            offset,
        })
    }

    fn unary(&mut self) -> Result<Expr> {
        let token = self.peek().clone();
        let op = match token.tok {
            Tok::Minus => Some(UnaryOp::Neg),
            Tok::Plus => Some(UnaryOp::Plus),
            Tok::Not => Some(UnaryOp::Not),
            Tok::Exists => None,
            _ => return self.postfix(),
        };
        self.bump();
        // `-9223372036854775808`: the magnitude alone does not fit in i64, so the sign
        // is applied before the literal's range check.
        if op == Some(UnaryOp::Neg) && self.peek().tok == Tok::Int(1 << 63) {
            self.bump();
            return Ok(Expr {
                kind: ExprKind::Int(i64::MIN),
                offset: token.offset,
            });
        }
        // `not (…)` is one level: the parenthesis already counts.
        let levels = usize::from(self.peek().tok != Tok::LParen);
        if levels == 1 {
            self.enter(token.offset)?;
        }
        let operand = self.unary();
        self.leave(levels);
        let operand = operand?;
        match op {
            Some(op) => fold::unary(op, token.offset, operand),
            None => Ok(Expr {
                kind: ExprKind::Exists(Box::new(operand)),
                offset: token.offset,
            }),
        }
    }

    fn postfix(&mut self) -> Result<Expr> {
        let expr = self.primary()?;
        if self.peek().tok != Tok::Is {
            return Ok(expr);
        }
        self.bump();
        let negated = self.peek().tok == Tok::Not;
        if negated {
            self.bump();
        }
        self.expect(
            Tok::Null,
            if negated {
                "`null` after `is not`"
            } else {
                "`null` or `not null` after `is`"
            },
        )?;
        if !is_field_or_path(&expr) {
            return Err(error_at(
                expr.offset,
                "expected a field or JSON path before `is null`",
            ));
        }
        let offset = expr.offset;
        Ok(Expr {
            kind: ExprKind::IsNull {
                expr: Box::new(expr),
                negated,
            },
            offset,
        })
    }

    fn primary(&mut self) -> Result<Expr> {
        let token = self.bump();
        let offset = token.offset;
        let kind = match token.tok {
            Tok::Int(v) => ExprKind::Int(i64::try_from(v).map_err(|_| int_range(offset))?),
            Tok::Float(v) => ExprKind::Float(v),
            Tok::Bool(v) => ExprKind::Bool(v),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Ident(name) => return self.field(name, offset),
            Tok::Func(func) => return self.call(func, offset),
            Tok::LParen => {
                self.enter(offset)?;
                let inner = self.or();
                self.leave(1);
                let inner = inner?;
                self.expect(Tok::RParen, "`)`")?;
                return Ok(inner);
            }
            Tok::LBracket => return self.list(offset),
            Tok::LBrace => ExprKind::Template(self.template()?),
            _ => return Err(not_an_operand(&token)),
        };
        Ok(Expr { kind, offset })
    }

    fn template(&mut self) -> Result<String> {
        let name = self.bump();
        let Tok::Ident(name) = name.tok else {
            return Err(error_at(
                name.offset,
                format!(
                    "expected a template name after `{{`, found {}",
                    name.tok.describe()
                ),
            ));
        };
        self.expect(Tok::RBrace, "`}` to close the template")?;
        Ok(name)
    }

    fn field(&mut self, name: String, offset: usize) -> Result<Expr> {
        if self.peek().tok == Tok::LParen {
            let names: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
            return Err(error_at(
                offset,
                format!(
                    "unknown function `{name}`; expected one of {}",
                    names.join(", ")
                ),
            ));
        }
        let mut steps = Vec::new();
        while self.peek().tok == Tok::LBracket {
            let open = self.bump().offset;
            let key = self.bump();
            let key = match key.tok {
                Tok::Str(s) => Key::Member(s),
                Tok::Int(i) => Key::Index(i64::try_from(i).map_err(|_| {
                    error_at(
                        key.offset,
                        "subscript too large; expected an index that fits in int64",
                    )
                })?),
                other => {
                    return Err(error_at(
                        key.offset,
                        format!(
                        "expected a string key or a non-negative integer index in `[]`, found {}",
                        other.describe()
                    ),
                    ))
                }
            };
            self.expect(Tok::RBracket, "`]` to close the subscript")?;
            steps.push(Subscript { key, offset: open });
        }
        let kind = if steps.is_empty() {
            ExprKind::Field(name)
        } else {
            ExprKind::Path { field: name, steps }
        };
        Ok(Expr { kind, offset })
    }

    fn list(&mut self, offset: usize) -> Result<Expr> {
        self.enter(offset)?;
        let items = self.list_items();
        self.leave(1);
        Ok(Expr {
            kind: ExprKind::List(items?),
            offset,
        })
    }

    fn list_items(&mut self) -> Result<Vec<Expr>> {
        let mut items = Vec::new();
        loop {
            if self.peek().tok == Tok::RBracket {
                self.bump();
                return Ok(items);
            }
            items.push(self.or()?);
            let next = self.bump();
            match next.tok {
                Tok::Comma => {}
                Tok::RBracket => return Ok(items),
                _ => return Err(list_separator(&next, "]")),
            }
        }
    }

    fn call(&mut self, func: Func, offset: usize) -> Result<Expr> {
        if self.peek().tok != Tok::LParen {
            return Err(call_paren(func, self.peek()));
        }
        self.bump();
        self.enter(offset)?;
        let args = self.call_args();
        self.leave(1);
        let args = args?;
        if args.len() != func.arity() {
            return Err(arity(func, offset, args.len()));
        }
        Ok(Expr {
            kind: ExprKind::Call { func, args },
            offset,
        })
    }

    fn call_args(&mut self) -> Result<Vec<Expr>> {
        let mut args = Vec::new();
        loop {
            if self.peek().tok == Tok::RParen && args.is_empty() {
                self.bump();
                return Ok(args);
            }
            args.push(self.or()?);
            let next = self.bump();
            match next.tok {
                Tok::Comma if self.peek().tok == Tok::RParen => {
                    self.bump();
                    return Ok(args);
                }
                Tok::Comma => {}
                Tok::RParen => return Ok(args),
                _ => return Err(list_separator(&next, ")")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn p(s: &str) -> Expr {
        parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn err(s: &str) -> (usize, String) {
        match parse(s) {
            Err(Error::Filter { offset, message }) => (offset, message),
            other => panic!("expected a filter error for {s:?}, got {other:?}"),
        }
    }

    fn field(name: &str, offset: usize) -> Expr {
        Expr {
            kind: ExprKind::Field(name.into()),
            offset,
        }
    }

    #[test]
    fn precedence_and_over_or() {
        let e = p("a == 1 or b == 2 and c == 3");
        let ExprKind::Or(items) = e.kind else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1].kind, ExprKind::And(_)));
        let e = p("a == 1 || b == 2 && c == 3 || d == 4");
        let ExprKind::Or(items) = e.kind else {
            panic!()
        };
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn arithmetic_folds_with_precedence() {
        let e = p("a > 1 + 2 * 3 - 8 / 4 % 3");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Int(5));
        let e = p("a > 2 ** 3 ** 2");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Int(64), "left-associative");
        let e = p("a > -7 / 2");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(
            rhs.kind,
            ExprKind::Int(-3),
            "truncates toward zero like C++"
        );
        let e = p("a > -7 % 3");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Int(-1));
        let e = p("a > 1.5 * 2 + .5");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Float(3.5));
        let e = p("a > -(-(3))");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Int(3));
        let e = p("a > 2 ** -1");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Float(0.5));
    }

    #[test]
    fn field_arithmetic_stays() {
        let e = p("age % 2 == 0");
        let ExprKind::Binary {
            op: BinaryOp::Eq,
            lhs,
            ..
        } = e.kind
        else {
            panic!()
        };
        assert!(matches!(
            lhs.kind,
            ExprKind::Binary {
                op: BinaryOp::Mod,
                op_offset: 4,
                ..
            }
        ));
    }

    #[test]
    fn int64_limits() {
        let e = p("a == -9223372036854775808");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(
            *rhs,
            Expr {
                kind: ExprKind::Int(i64::MIN),
                offset: 5
            }
        );
        let e = p("a == 9223372036854775807");
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Int(i64::MAX));
        let (o, m) = err("a == 9223372036854775808");
        assert_eq!(o, 5);
        assert!(m.contains("expected a value that fits in int64"), "{m}");
        let (o, m) = err("a == -(-9223372036854775808)");
        assert_eq!(o, 5);
        assert!(m.contains("overflow"), "{m}");
        let (o, m) = err("a == 9223372036854775807 + 1");
        assert_eq!(o, 25);
        assert!(m.contains("expected a result that fits in int64"), "{m}");
        let (o, m) = err("a == 100000000000000000000000000000");
        assert_eq!(o, 5);
        assert!(m.contains("int64"), "{m}");
    }

    #[test]
    fn constant_errors() {
        let (o, m) = err("a == 1 / 0");
        assert_eq!(o, 7);
        assert!(m.contains("expected a non-zero divisor"), "{m}");
        let (o, m) = err("a == 1.5 % 2");
        assert_eq!(o, 9);
        assert!(m.contains("expected integer"), "{m}");
        let (o, m) = err("a == \"x\" + 1");
        assert_eq!(o, 5);
        assert!(m.contains("expected a number"), "{m}");
        let (o, m) = err("a == -\"x\"");
        assert_eq!(o, 6);
        assert!(m.contains("expected a number"), "{m}");
    }

    #[test]
    fn ranges() {
        let e = p("1 < reading_time <= 5");
        let ExprKind::Range {
            low_op: BinaryOp::Lt,
            high_op: BinaryOp::Le,
            mid,
            ..
        } = e.kind
        else {
            panic!()
        };
        assert_eq!(*mid, field("reading_time", 4));
        let e = p("10 >= meta[\"x\"] > 1");
        assert!(matches!(
            e.kind,
            ExprKind::Range {
                low_op: BinaryOp::Ge,
                high_op: BinaryOp::Gt,
                ..
            }
        ));
        let (o, m) = err("1 < a > 0");
        assert_eq!(o, 6);
        assert!(m.contains("expected `<` or `<=`"), "{m}");
        let (o, m) = err("1 < a < 3 < 4");
        assert_eq!(o, 10);
        assert!(m.contains("at most two"), "{m}");
        let (o, m) = err("1 < 2 < 3");
        assert_eq!(o, 4);
        assert!(m.contains("expected a field"), "{m}");
    }

    #[test]
    fn in_like_and_null() {
        let e = p("id not in [1, 2,]");
        let ExprKind::In {
            negated: true,
            list,
            ..
        } = e.kind
        else {
            panic!()
        };
        assert!(matches!(&list.kind, ExprKind::List(v) if v.len() == 2));
        let e = p("id IN []");
        assert!(matches!(e.kind, ExprKind::In { negated: false, .. }));
        let e = p("id in {ids}");
        let ExprKind::In { list, .. } = e.kind else {
            panic!()
        };
        assert_eq!(list.kind, ExprKind::Template("ids".into()));
        assert!(matches!(p("s LIKE \"a%\"").kind, ExprKind::Like { .. }));
        assert!(matches!(
            p("meta[\"a\"] is null").kind,
            ExprKind::IsNull { negated: false, .. }
        ));
        assert!(matches!(
            p("meta IS NOT NULL").kind,
            ExprKind::IsNull { negated: true, .. }
        ));
        // `is null` binds tighter than `not`.
        let e = p("not a is null");
        let ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } = e.kind
        else {
            panic!()
        };
        assert!(matches!(expr.kind, ExprKind::IsNull { .. }));
        let (o, m) = err("1 in [1]");
        assert_eq!(o, 0);
        assert!(
            m.contains("expected a field or JSON path before `in`"),
            "{m}"
        );
        let (o, m) = err("id in 1");
        assert_eq!(o, 6);
        assert!(m.contains("expected a list"), "{m}");
        let (o, m) = err("a is 1");
        assert_eq!(o, 5);
        assert!(m.contains("expected `null`"), "{m}");
        let (o, m) = err("(a == 1) is null");
        assert_eq!(o, 1);
        assert!(
            m.contains("expected a field or JSON path before `is null`"),
            "{m}"
        );
    }

    #[test]
    fn unary_not_is_tight() {
        // `not claps > 50` negates `claps`; the checker rejects it later.
        let e = p("not claps > 50");
        let ExprKind::Binary {
            op: BinaryOp::Gt,
            lhs,
            ..
        } = e.kind
        else {
            panic!()
        };
        assert!(matches!(
            lhs.kind,
            ExprKind::Unary {
                op: UnaryOp::Not,
                ..
            }
        ));
        let e = p("!(a == 1)");
        assert!(matches!(
            e.kind,
            ExprKind::Unary {
                op: UnaryOp::Not,
                ..
            }
        ));
        assert_eq!(p("a == not true").kind, p("a == false").kind);
    }

    #[test]
    fn paths_and_calls() {
        let e = p(r#"meta["a"]["b"][0] == 1"#);
        let ExprKind::Binary { lhs, .. } = e.kind else {
            panic!()
        };
        let ExprKind::Path { field, steps } = &lhs.kind else {
            panic!()
        };
        assert_eq!(field, "meta");
        assert_eq!(
            steps
                .iter()
                .map(|s| (s.key.clone(), s.offset))
                .collect::<Vec<_>>(),
            vec![
                (Key::Member("a".into()), 4),
                (Key::Member("b".into()), 9),
                (Key::Index(0), 14),
            ]
        );
        let e = p("ARRAY_CONTAINS(tags, 1)");
        assert!(
            matches!(e.kind, ExprKind::Call { func: Func::ArrayContains, ref args } if args.len() == 2)
        );
        let e = p("exists meta['k']");
        assert!(matches!(e.kind, ExprKind::Exists(_)));
        let (o, m) = err("array_length(a, b) == 1");
        assert_eq!(o, 0);
        assert!(m.contains("takes 1 argument"), "{m}");
        let (o, m) = err("sleep(5) == 0");
        assert_eq!(o, 0);
        assert!(
            m.contains("unknown function `sleep`; expected one of"),
            "{m}"
        );
        let (o, m) = err("meta[a] == 1");
        assert_eq!(o, 5);
        assert!(m.contains("expected a string key"), "{m}");
        let (o, m) = err("meta[-1] == 1");
        assert_eq!(o, 5);
        assert!(m.contains("non-negative integer"), "{m}");
        let (o, m) = err("meta[\"a\" == 1");
        assert_eq!(o, 9);
        assert!(m.contains("expected `]`"), "{m}");
    }

    #[test]
    fn unbalanced_and_trailing() {
        let (o, m) = err("(a == 1");
        assert_eq!(o, 7);
        assert!(
            m.contains("expected `)`, found the end of the filter"),
            "{m}"
        );
        let (o, m) = err("a == 1)");
        assert_eq!(o, 6);
        assert!(m.contains("expected an operator or the end"), "{m}");
        let (o, m) = err("a in [1, 2");
        assert_eq!(o, 10);
        assert!(m.contains("expected `,` or `]`"), "{m}");
        let (o, m) = err("a == 1 and");
        assert_eq!(o, 10);
        assert!(m.contains("expected a field, literal"), "{m}");
        let (o, m) = err("");
        assert_eq!(o, 0);
        assert!(m.contains("expected a field, literal"), "{m}");
        let (o, m) = err("{a == 1");
        assert_eq!(o, 3);
        assert!(m.contains("expected `}`"), "{m}");
        let (o, m) = err("a == 1 b == 2");
        assert_eq!(o, 7);
        assert!(m.contains("expected an operator"), "{m}");
    }

    #[test]
    fn hostile_sql_is_rejected_by_the_grammar() {
        let (o, m) = err("id == 1; DROP TABLE t");
        assert_eq!(o, 7);
        assert!(m.contains("';'"), "{m}");
        // `--` is two minus signs (the checker then rejects `-comment`).
        assert!(parse("id == 1 -- comment").is_ok());
        let (o, _) = err("id == 1 /* c */");
        assert_eq!(o, 9);
        let (o, _) = err("id == 1 # c");
        assert_eq!(o, 8);
        let (o, _) = err("`id` == 1");
        assert_eq!(o, 0);
        let (o, _) = err("id == 1 OR 1=1");
        assert_eq!(o, 12);
        // Quotes inside strings are data, never syntax.
        let e = p(r#"s == "x' OR '1'='1""#);
        let ExprKind::Binary { rhs, .. } = e.kind else {
            panic!()
        };
        assert_eq!(rhs.kind, ExprKind::Str("x' OR '1'='1".into()));
    }

    #[test]
    fn long_flat_chains_are_fine() {
        let filter = (0..5000)
            .map(|i| format!("id == {i}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let ExprKind::Or(items) = p(&filter).kind else {
            panic!()
        };
        assert_eq!(items.len(), 5000);
        let list = (0..10_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(matches!(
            p(&format!("id in [{list}]")).kind,
            ExprKind::In { .. }
        ));
    }

    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn hundred_levels_parse() {
        on_small_stack(|| {
            let parens = format!("{}a == 1{}", "(".repeat(100), ")".repeat(100));
            p(&parens);
            let nots = format!("{}(a == 1)", "not ".repeat(100));
            p(&nots);
            let lists = format!("a in [{}1{}]", "[".repeat(99), "]".repeat(99));
            p(&lists);
            let mixed = format!("{}a == 1{}", "not (".repeat(100), ")".repeat(100));
            p(&mixed);
        });
    }

    #[test]
    fn deep_nesting_errors_instead_of_overflowing() {
        on_small_stack(|| {
            for filter in [
                format!("{}a == 1{}", "(".repeat(10_000), ")".repeat(10_000)),
                "(".repeat(10_000),
                format!("{}(a == 1)", "not ".repeat(10_000)),
                format!("a == {}1", "-".repeat(10_000)),
                format!("a in {}", "[".repeat(10_000)),
                format!("a == 1{}", " + 1".repeat(10_000)),
                format!("{}a, 1)", "array_contains(".repeat(10_000)),
            ] {
                let (o, m) = err(&filter);
                assert!(m.contains("nested too deeply; expected at most"), "{m}");
                assert!(o < filter.len());
            }
            let (o, _) = err(&"(".repeat(10_000));
            assert_eq!(o, MAX_DEPTH);
        });
    }
}
