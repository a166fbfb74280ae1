//! The parser's error builders and the checks that only produce errors.
//!
//! They live outside the recursive functions so their formatting temporaries do not
//! enlarge every recursion frame.

use super::super::ast::{BinaryOp, Expr, Func};
use super::super::error_at;
use super::super::lexer::Token;
use super::is_field_or_path;
use crate::Result;

#[cold]
#[inline(never)]
pub(super) fn unexpected(token: &Token) -> crate::Error {
    error_at(
        token.offset,
        format!("unexpected {}; expected an operator", token.tok.describe()),
    )
}

#[cold]
#[inline(never)]
pub(super) fn too_many_comparisons(token: &Token) -> crate::Error {
    error_at(
        token.offset,
        format!(
            "unexpected {}; a range has at most two comparisons",
            token.tok.describe()
        ),
    )
}

pub(super) fn need_field(lhs: &Expr, op: &str) -> Result<()> {
    if is_field_or_path(lhs) {
        return Ok(());
    }
    Err(not_a_field(lhs.offset, op))
}

#[cold]
#[inline(never)]
pub(super) fn not_a_field(offset: usize, op: &str) -> crate::Error {
    error_at(
        offset,
        format!("expected a field or JSON path before `{op}`"),
    )
}

pub(super) fn check_range(op1: BinaryOp, op2: BinaryOp, at: usize, mid: &Expr) -> Result<()> {
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
pub(super) fn range_direction(op1: BinaryOp, at: usize) -> crate::Error {
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
pub(super) fn int_range(offset: usize) -> crate::Error {
    error_at(
        offset,
        "integer literal out of range; expected a value that fits in int64",
    )
}

#[cold]
#[inline(never)]
pub(super) fn not_an_operand(token: &Token) -> crate::Error {
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
pub(super) fn list_separator(token: &Token, close: &str) -> crate::Error {
    error_at(
        token.offset,
        format!("expected `,` or `{close}`, found {}", token.tok.describe()),
    )
}

#[cold]
#[inline(never)]
pub(super) fn call_paren(func: Func, token: &Token) -> crate::Error {
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
pub(super) fn arity(func: Func, offset: usize, found: usize) -> crate::Error {
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
