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

mod errors;
#[cfg(test)]
mod tests;

use errors::{
    arity, call_paren, check_range, int_range, list_separator, need_field, not_an_operand,
    too_many_comparisons, unexpected,
};

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
