//! Operands in value position: literals, lists, template parameters, column
//! references (fields, JSON paths, array elements) and arithmetic on them.

use serde_json::Value;

use super::super::ast::{BinaryOp, Expr, ExprKind, Func, Key, Subscript, UnaryOp};
use super::super::error_at;
use super::super::ir::{ArithOp, Lit, Ty, Val};
use super::super::schema::{FieldKind, ScalarKind};
use super::{coerce, describe, is_boolean, json_lit, json_path, lit_kind, Checker, Operand};
use crate::Result;

impl Checker<'_> {
    pub(super) fn operand(&self, e: &Expr) -> Result<Operand> {
        Ok(match &e.kind {
            ExprKind::Int(v) => Operand::Lit(Lit::Int(*v)),
            ExprKind::Float(v) => Operand::Lit(Lit::Float(*v)),
            ExprKind::Bool(v) => Operand::Lit(Lit::Bool(*v)),
            ExprKind::Str(v) => Operand::Lit(Lit::Str(v.clone())),
            ExprKind::Template(name) => match self.param(name, e.offset)? {
                Value::Array(items) => Operand::List(items.iter().map(|v| Ok((json_lit(v, e.offset)?, e.offset))).collect::<Result<_>>()?),
                v => Operand::Lit(json_lit(v, e.offset)?),
            },
            ExprKind::List(_) => Operand::List(self.list(e)?),
            ExprKind::Field(_) | ExprKind::Path { .. } => Operand::Val(self.column_ref(e)?),
            ExprKind::Binary { op, op_offset, lhs, rhs } if !op.is_comparison() => Operand::Val(self.arith(*op, *op_offset, lhs, rhs)?),
            ExprKind::Unary { op: UnaryOp::Neg | UnaryOp::Plus, expr } => {
                return Err(error_at(expr.offset, "expected a constant after a sign; negating a field is not supported"))
            }
            ExprKind::Unary { op: UnaryOp::Not, expr } if !is_boolean(expr) => {
                return Err(error_at(e.offset, "`not` applies to a boolean expression; expected `not (…)` around the comparison to negate"))
            }
            ExprKind::Call { func: Func::ArrayLength, args } => Operand::Val(self.array_length(args, e.offset)?),
            _ => Operand::Pred,
        })
    }

    pub(super) fn value_operand(&self, e: &Expr) -> Result<Operand> {
        match self.operand(e)? {
            Operand::Pred => Err(error_at(
                e.offset,
                "expected a value, found a boolean expression",
            )),
            other => Ok(other),
        }
    }

    pub(super) fn param(&self, name: &str, offset: usize) -> Result<&Value> {
        self.params.and_then(|p| p.get(name)).ok_or_else(|| {
            error_at(
                offset,
                format!("template `{{{name}}}` has no value; expected `{name}` in filter_params"),
            )
        })
    }

    pub(super) fn literal(&self, e: &Expr, what: &str) -> Result<Lit> {
        match self.value_operand(e)? {
            Operand::Lit(l) => Ok(l),
            _ => Err(error_at(e.offset, format!("expected a constant {what}"))),
        }
    }

    /// A list literal or a list-valued template; elements must be constants.
    pub(super) fn list(&self, e: &Expr) -> Result<Vec<(Lit, usize)>> {
        match &e.kind {
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match self.value_operand(item)? {
                        Operand::Lit(l) => out.push((l, item.offset)),
                        // A template inside a list contributes all of its elements.
                        Operand::List(inner) if matches!(item.kind, ExprKind::Template(_)) => {
                            out.extend(inner)
                        }
                        _ => return Err(error_at(item.offset, "expected a constant in the list")),
                    }
                }
                Ok(out)
            }
            ExprKind::Template(_) => match self.value_operand(e)? {
                Operand::List(items) => Ok(items),
                _ => Err(error_at(
                    e.offset,
                    "expected a list; the template's value is a scalar",
                )),
            },
            _ => Err(error_at(
                e.offset,
                "expected a list `[…]` or a list-valued template",
            )),
        }
    }

    pub(super) fn column_ref(&self, e: &Expr) -> Result<Val> {
        let (field, steps): (&str, &[Subscript]) = match &e.kind {
            ExprKind::Field(name) => (name, &[]),
            ExprKind::Path { field, steps } => (field, steps),
            _ => return Err(error_at(e.offset, "expected a field or JSON path")),
        };
        let Some(kind) = self.schema.kind(field) else {
            if let Some(dynamic) = self.schema.dynamic() {
                let first = Key::Member(field.to_string());
                let path = json_path(std::iter::once(&first).chain(steps.iter().map(|s| &s.key)));
                return Ok(Val::JsonPath {
                    column: dynamic.to_string(),
                    path,
                });
            }
            let names: Vec<&str> = self.schema.names().take(20).collect();
            return Err(error_at(
                e.offset,
                format!(
                    "unknown field `{field}`; expected one of: {}",
                    names.join(", ")
                ),
            ));
        };
        let ty = match kind {
            FieldKind::Scalar(s) => Ty::Scalar(s),
            FieldKind::Json => Ty::Json,
            FieldKind::Array(el) => Ty::Array(el),
            FieldKind::FloatVector | FieldKind::SparseVector => {
                return Err(error_at(e.offset, format!("`{field}` is a {} field; expected a scalar, JSON or ARRAY field (vectors cannot be filtered)", kind.describe())))
            }
        };
        let Some(first) = steps.first() else {
            return Ok(Val::Column {
                name: field.to_string(),
                ty,
            });
        };
        match ty {
            Ty::Json => Ok(Val::JsonPath {
                column: field.to_string(),
                path: json_path(steps.iter().map(|s| &s.key)),
            }),
            Ty::Array(elem) => {
                if let Some(extra) = steps.get(1) {
                    return Err(error_at(
                        extra.offset,
                        format!("`{field}` is an ARRAY; expected a single index"),
                    ));
                }
                match first.key {
                    Key::Index(i) => Ok(Val::Element {
                        column: field.to_string(),
                        elem,
                        position: i.checked_add(1).ok_or_else(|| {
                            error_at(
                                first.offset,
                                "index too large; expected an index that fits in int64",
                            )
                        })?,
                    }),
                    Key::Member(_) => Err(error_at(
                        first.offset,
                        format!(
                            "`{field}` is an ARRAY; expected an integer index, found a string key"
                        ),
                    )),
                }
            }
            Ty::Scalar(s) => Err(error_at(
                first.offset,
                format!(
                    "`{field}` is {}; expected a JSON or ARRAY field before a subscript",
                    s.name()
                ),
            )),
        }
    }

    pub(super) fn arith(
        &self,
        op: BinaryOp,
        op_offset: usize,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Result<Val> {
        if op == BinaryOp::Pow {
            return Err(error_at(
                op_offset,
                "`**` applies only to constants; expected a constant on both sides",
            ));
        }
        let Operand::Val(val) = self.value_operand(lhs)? else {
            return Err(error_at(
                lhs.offset,
                format!(
                    "expected a field on the left of `{}` (write the constant on the right)",
                    op.symbol()
                ),
            ));
        };
        let Operand::Lit(lit) = self.value_operand(rhs)? else {
            return Err(error_at(
                rhs.offset,
                format!("expected a constant on the right of `{}`", op.symbol()),
            ));
        };
        let what = describe(&val);
        let ty = val.ty();
        let numeric = match ty {
            Ty::Scalar(s) if s.is_int() || matches!(s, ScalarKind::Float | ScalarKind::Double) => {
                true
            }
            Ty::Json => true,
            _ => false,
        };
        if !numeric {
            return Err(error_at(
                lhs.offset,
                format!(
                    "{what} is not numeric; expected an integer, float or JSON field for `{}`",
                    op.symbol()
                ),
            ));
        }
        let lit = match lit {
            Lit::Int(_) | Lit::Float(_) => coerce(ty, &what, lit, rhs.offset)?,
            other => {
                return Err(error_at(
                    rhs.offset,
                    format!(
                        "expected a number on the right of `{}`, found {}",
                        op.symbol(),
                        lit_kind(&other)
                    ),
                ))
            }
        };
        let op = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Sub => ArithOp::Sub,
            BinaryOp::Mul => ArithOp::Mul,
            BinaryOp::Div => ArithOp::Div,
            _ => ArithOp::Mod,
        };
        let zero = matches!(lit, Lit::Int(0)) || matches!(lit, Lit::Float(f) if f == 0.0);
        if matches!(op, ArithOp::Div | ArithOp::Mod) && zero {
            return Err(error_at(
                op_offset,
                "division by zero; expected a non-zero divisor",
            ));
        }
        if op == ArithOp::Mod
            && (matches!(lit, Lit::Float(_))
                || matches!(ty, Ty::Scalar(ScalarKind::Float | ScalarKind::Double)))
        {
            return Err(error_at(
                op_offset,
                "`%` needs integers; expected an integer field and divisor",
            ));
        }
        Ok(Val::Arith {
            lhs: Box::new(val),
            op,
            rhs: lit,
        })
    }

    pub(super) fn array_length(&self, args: &[Expr], offset: usize) -> Result<Val> {
        let target = self.column_ref(
            args.first()
                .ok_or_else(|| error_at(offset, "expected one argument"))?,
        )?;
        match target.ty() {
            Ty::Array(_) | Ty::Json => Ok(Val::ArrayLength(Box::new(target))),
            _ => Err(error_at(
                args[0].offset,
                format!(
                    "{} is not an array; expected an ARRAY field or JSON path",
                    describe(&target)
                ),
            )),
        }
    }
}
