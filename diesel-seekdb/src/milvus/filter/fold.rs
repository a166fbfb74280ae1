//! Constant folding while parsing: arithmetic among literals becomes one literal
//! (Milvus does the same), so `age > 2 * 3` compares against `6`.

use super::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use super::error_at;
use crate::Result;

enum Num {
    Int(i64),
    Float(f64),
}

fn num(e: &Expr) -> Option<Num> {
    match e.kind {
        ExprKind::Int(v) => Some(Num::Int(v)),
        ExprKind::Float(v) => Some(Num::Float(v)),
        _ => None,
    }
}

fn is_literal(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_)
    )
}

/// Builds `op operand`, folding it when the operand is a literal.
pub(crate) fn unary(op: UnaryOp, offset: usize, operand: Expr) -> Result<Expr> {
    let kind = match (op, &operand.kind) {
        (UnaryOp::Neg, ExprKind::Int(v)) => ExprKind::Int(v.checked_neg().ok_or_else(|| {
            error_at(
                offset,
                "integer overflow; expected a result that fits in int64",
            )
        })?),
        (UnaryOp::Neg, ExprKind::Float(v)) => ExprKind::Float(-v),
        (UnaryOp::Plus, ExprKind::Int(_) | ExprKind::Float(_)) => operand.kind,
        (UnaryOp::Not, ExprKind::Bool(b)) => ExprKind::Bool(!b),
        (UnaryOp::Neg | UnaryOp::Plus, ExprKind::Bool(_) | ExprKind::Str(_)) => {
            return Err(error_at(operand.offset, "expected a number after a sign"))
        }
        _ => ExprKind::Unary {
            op,
            expr: Box::new(operand),
        },
    };
    Ok(Expr { kind, offset })
}

/// Builds `lhs op rhs`, folding arithmetic between two numeric literals.
pub(crate) fn binary(op: BinaryOp, op_offset: usize, lhs: Expr, rhs: Expr) -> Result<Expr> {
    let offset = lhs.offset;
    if !op.is_comparison() && is_literal(&lhs) && is_literal(&rhs) {
        let (Some(a), Some(b)) = (num(&lhs), num(&rhs)) else {
            let bad = if num(&lhs).is_none() { &lhs } else { &rhs };
            return Err(error_at(
                bad.offset,
                format!("expected a number on both sides of `{}`", op.symbol()),
            ));
        };
        let kind = arith(op, op_offset, a, b)?;
        return Ok(Expr { kind, offset });
    }
    Ok(Expr {
        kind: ExprKind::Binary {
            op,
            op_offset,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        offset,
    })
}

fn arith(op: BinaryOp, at: usize, a: Num, b: Num) -> Result<ExprKind> {
    let overflow = || error_at(at, "integer overflow; expected a result that fits in int64");
    let zero = || error_at(at, "division by zero; expected a non-zero divisor");
    match (a, b) {
        (Num::Int(a), Num::Int(b)) => {
            let v = match op {
                BinaryOp::Add => a.checked_add(b),
                BinaryOp::Sub => a.checked_sub(b),
                BinaryOp::Mul => a.checked_mul(b),
                BinaryOp::Div | BinaryOp::Mod if b == 0 => return Err(zero()),
                // Truncating, like C++ int64 (Milvus executes in C++).
                BinaryOp::Div => a.checked_div(b),
                BinaryOp::Mod => a.checked_rem(b),
                BinaryOp::Pow if b < 0 => return float(op, at, a as f64, b as f64),
                BinaryOp::Pow => u32::try_from(b).ok().and_then(|b| a.checked_pow(b)),
                _ => None,
            };
            v.map(ExprKind::Int).ok_or_else(overflow)
        }
        (a, b) => {
            let f = |n| match n {
                Num::Int(v) => v as f64,
                Num::Float(v) => v,
            };
            float(op, at, f(a), f(b))
        }
    }
}

fn float(op: BinaryOp, at: usize, a: f64, b: f64) -> Result<ExprKind> {
    let v = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div if b == 0.0 => {
            return Err(error_at(
                at,
                "division by zero; expected a non-zero divisor",
            ))
        }
        BinaryOp::Div => a / b,
        BinaryOp::Pow => a.powf(b),
        _ => {
            return Err(error_at(
                at,
                "`%` needs integers; expected integer operands",
            ))
        }
    };
    if !v.is_finite() {
        return Err(error_at(
            at,
            "arithmetic result is not a finite number; expected a finite value",
        ));
    }
    Ok(ExprKind::Float(v))
}
