//! Resolves names against the schema and checks types, following Milvus's rules:
//! an INT field takes only integer literals, a VARCHAR field only strings, ARRAY and
//! vector fields are not comparable, and a filter must be a boolean expression.

use serde_json::{Map, Value};

use super::ast::{BinaryOp, Expr, ExprKind, Func, Key, UnaryOp};
use super::error_at;
use super::ir::{CmpOp, Contains, Lit, Pred, Rhs, Ty, Val};
use super::schema::{FilterSchema, ScalarKind};
use crate::Result;

mod operand;

/// Checks a parsed filter against `schema`, filling templates from `params`.
pub(crate) fn check(
    expr: &Expr,
    schema: &FilterSchema,
    params: Option<&Map<String, Value>>,
) -> Result<Pred> {
    Checker { schema, params }.pred(expr)
}

struct Checker<'a> {
    schema: &'a FilterSchema,
    params: Option<&'a Map<String, Value>>,
}

/// A checked operand in value position.
enum Operand {
    Lit(Lit),
    List(Vec<(Lit, usize)>),
    Val(Val),
    /// A boolean expression where a value was wanted.
    Pred,
}

fn cmp_op(op: BinaryOp) -> Option<CmpOp> {
    Some(match op {
        BinaryOp::Eq => CmpOp::Eq,
        BinaryOp::Ne => CmpOp::Ne,
        BinaryOp::Lt => CmpOp::Lt,
        BinaryOp::Le => CmpOp::Le,
        BinaryOp::Gt => CmpOp::Gt,
        BinaryOp::Ge => CmpOp::Ge,
        _ => return None,
    })
}

fn lit_kind(lit: &Lit) -> &'static str {
    match lit {
        Lit::Int(_) => "an integer",
        Lit::Float(_) => "a float",
        Lit::Bool(_) => "a boolean",
        Lit::Str(_) => "a string",
    }
}

/// JSONPath text for subscripts; member names are always quoted so that `*` or `.`
/// inside a key is literal.
fn json_path<'s>(steps: impl Iterator<Item = &'s Key>) -> String {
    let mut path = String::from("$");
    for key in steps {
        match key {
            Key::Member(name) => {
                path.push_str(".\"");
                for c in name.chars() {
                    if c == '"' || c == '\\' {
                        path.push('\\');
                    }
                    path.push(c);
                }
                path.push('"');
            }
            Key::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

fn describe(v: &Val) -> String {
    match v {
        Val::Column { name, ty } => format!("field `{name}` ({})", ty_name(*ty)),
        Val::JsonPath { column, .. } => format!("a path into `{column}`"),
        Val::Element { column, elem, .. } => format!("an element of `{column}` ({})", elem.name()),
        Val::ArrayLength(_) => "array_length(…) (an integer)".into(),
        Val::Arith { lhs, .. } => format!("arithmetic on {}", describe(lhs)),
    }
}

fn ty_name(ty: Ty) -> String {
    match ty {
        Ty::Scalar(s) => s.name().into(),
        Ty::Json => "JSON".into(),
        Ty::Array(e) => format!("ARRAY({})", e.name()),
    }
}

/// Converts `lit` to what a value of type `ty` compares with (Milvus rule: an INT
/// field refuses floats, a FLOAT field accepts integers).
fn coerce(ty: Ty, what: &str, lit: Lit, offset: usize) -> Result<Lit> {
    let scalar = match ty {
        Ty::Json => return Ok(lit),
        Ty::Array(_) => {
            return Err(error_at(offset, format!("{what} is an ARRAY; expected array_contains(…) or a subscript, not a comparison with a scalar")))
        }
        Ty::Scalar(s) => s,
    };
    let ok = match (scalar, lit) {
        (s, Lit::Int(v)) if s.is_int() => Lit::Int(v),
        (ScalarKind::Float | ScalarKind::Double, Lit::Int(v)) => Lit::Float(v as f64),
        (ScalarKind::Float | ScalarKind::Double, Lit::Float(v)) => Lit::Float(v),
        (ScalarKind::Bool, Lit::Bool(v)) => Lit::Bool(v),
        (ScalarKind::VarChar, Lit::Str(v)) => Lit::Str(v),
        (s, lit) => {
            let expected = match s {
                s if s.is_int() => "an integer",
                ScalarKind::Float | ScalarKind::Double => "a number",
                ScalarKind::Bool => "`true` or `false`",
                _ => "a string",
            };
            return Err(error_at(
                offset,
                format!(
                    "{what} is {}; expected {expected}, found {}",
                    s.name(),
                    lit_kind(&lit)
                ),
            ));
        }
    };
    Ok(ok)
}

impl Checker<'_> {
    fn pred(&self, e: &Expr) -> Result<Pred> {
        match &e.kind {
            ExprKind::And(items) => Ok(Pred::And(items.iter().map(|i| self.pred(i)).collect::<Result<_>>()?)),
            ExprKind::Or(items) => Ok(Pred::Or(items.iter().map(|i| self.pred(i)).collect::<Result<_>>()?)),
            ExprKind::Unary { op: UnaryOp::Not, expr } => self.not(expr, e.offset),
            ExprKind::Binary { op, op_offset, lhs, rhs } if op.is_comparison() => self.compare(*op, *op_offset, lhs, rhs),
            ExprKind::Range { low, low_op, mid, high_op, high } => self.range(low, *low_op, mid, *high_op, high),
            ExprKind::In { expr, list, negated } => self.in_list(expr, list, *negated),
            ExprKind::Like { expr, pattern } => self.like(expr, pattern),
            ExprKind::IsNull { expr, negated } => Ok(Pred::IsNull { val: self.column_ref(expr)?, negated: *negated }),
            ExprKind::Exists(inner) => self.exists(inner),
            ExprKind::Call { func, args } if *func != Func::ArrayLength => self.contains(*func, args, e.offset),
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Template(_) | ExprKind::List(_) => {
                Err(error_at(e.offset, "expected a boolean expression (a comparison, `in`, `like`, `is null`, `exists` or a function such as array_contains), found a constant"))
            }
            _ => Err(error_at(e.offset, "expected a boolean expression (a comparison, `in`, `like`, `is null`, `exists` or a function such as array_contains), found a bare value")),
        }
    }

    fn not(&self, inner: &Expr, offset: usize) -> Result<Pred> {
        if is_boolean(inner) {
            return Ok(Pred::Not(Box::new(self.pred(inner)?)));
        }
        Err(error_at(offset, "`not` applies to a boolean expression; expected `not (…)` around the comparison to negate"))
    }

    fn compare(&self, op: BinaryOp, op_offset: usize, lhs: &Expr, rhs: &Expr) -> Result<Pred> {
        let op = cmp_op(op).ok_or_else(|| error_at(op_offset, "expected a comparison"))?;
        let (l, r) = (self.value_operand(lhs)?, self.value_operand(rhs)?);
        match (l, r) {
            (Operand::Val(v), Operand::Lit(lit)) => {
                self.compare_lit(v, op, op_offset, lit, rhs.offset)
            }
            (Operand::Lit(lit), Operand::Val(v)) => {
                self.compare_lit(v, op.flip(), op_offset, lit, lhs.offset)
            }
            (Operand::Val(a), Operand::Val(b)) => {
                self.compare_fields(a, op, op_offset, b, rhs.offset)
            }
            (Operand::Lit(_), Operand::Lit(_)) => Err(error_at(
                lhs.offset,
                "comparison of two constants; expected a field on one side",
            )),
            (Operand::List(_), _) => Err(error_at(
                lhs.offset,
                "expected a single value, found a list (use `in` to test membership)",
            )),
            (_, _) => Err(error_at(
                rhs.offset,
                "expected a single value, found a list (use `in` to test membership)",
            )),
        }
    }

    fn compare_lit(
        &self,
        val: Val,
        op: CmpOp,
        op_offset: usize,
        lit: Lit,
        lit_offset: usize,
    ) -> Result<Pred> {
        let what = describe(&val);
        if matches!(val, Val::Arith { .. }) && !matches!(lit, Lit::Int(_) | Lit::Float(_)) {
            return Err(error_at(
                lit_offset,
                format!(
                    "{what} is a number; expected a number, found {}",
                    lit_kind(&lit)
                ),
            ));
        }
        let lit = coerce(val.ty(), &what, lit, lit_offset)?;
        if op.is_ordering()
            && (matches!(lit, Lit::Bool(_)) || val.ty() == Ty::Scalar(ScalarKind::Bool))
        {
            return Err(error_at(
                op_offset,
                "booleans are not ordered; expected `==` or `!=`",
            ));
        }
        Ok(Pred::Compare {
            lhs: val,
            op,
            rhs: Rhs::Lit(lit),
        })
    }

    fn compare_fields(
        &self,
        a: Val,
        op: CmpOp,
        op_offset: usize,
        b: Val,
        b_offset: usize,
    ) -> Result<Pred> {
        let class = |v: &Val| match v.ty() {
            Ty::Scalar(s) if s.is_int() || matches!(s, ScalarKind::Float | ScalarKind::Double) => {
                Some("number")
            }
            Ty::Scalar(ScalarKind::VarChar) => Some("string"),
            Ty::Scalar(ScalarKind::Bool) => Some("bool"),
            _ => None,
        };
        let (ca, cb) = (class(&a), class(&b));
        if ca.is_none() || ca != cb {
            return Err(error_at(
                b_offset,
                format!(
                    "cannot compare {} with {}; expected a constant or a field of the same type",
                    describe(&a),
                    describe(&b)
                ),
            ));
        }
        if op.is_ordering() && ca == Some("bool") {
            return Err(error_at(
                op_offset,
                "booleans are not ordered; expected `==` or `!=`",
            ));
        }
        Ok(Pred::Compare {
            lhs: a,
            op,
            rhs: Rhs::Val(b),
        })
    }

    fn range(
        &self,
        low: &Expr,
        low_op: BinaryOp,
        mid: &Expr,
        high_op: BinaryOp,
        high: &Expr,
    ) -> Result<Pred> {
        let val = match self.value_operand(mid)? {
            Operand::Val(v) => v,
            _ => {
                return Err(error_at(
                    mid.offset,
                    "expected a field in the middle of a range",
                ))
            }
        };
        let what = describe(&val);
        let lo = coerce(
            val.ty(),
            &what,
            self.literal(low, "as the lower end of the range")?,
            low.offset,
        )?;
        let hi = coerce(
            val.ty(),
            &what,
            self.literal(high, "as the upper end of the range")?,
            high.offset,
        )?;
        let number = |l: &Lit| matches!(l, Lit::Int(_) | Lit::Float(_));
        let ok = (number(&lo) && number(&hi))
            || (matches!(lo, Lit::Str(_)) && matches!(hi, Lit::Str(_)));
        if !ok {
            return Err(error_at(
                high.offset,
                "expected both ends of a range to be numbers, or both strings",
            ));
        }
        let low_cmp = cmp_op(low_op).map(CmpOp::flip).unwrap_or(CmpOp::Gt);
        let high_cmp = cmp_op(high_op).unwrap_or(CmpOp::Lt);
        Ok(Pred::Range {
            val,
            lower: (low_cmp, lo),
            upper: (high_cmp, hi),
        })
    }

    fn in_list(&self, expr: &Expr, list: &Expr, negated: bool) -> Result<Pred> {
        let val = self.column_ref(expr)?;
        let what = describe(&val);
        if matches!(val.ty(), Ty::Array(_)) {
            return Err(error_at(
                expr.offset,
                format!("{what} is an ARRAY; expected array_contains_any(…) instead of `in`"),
            ));
        }
        let items = self
            .list(list)?
            .into_iter()
            .map(|(lit, offset)| coerce(val.ty(), &what, lit, offset))
            .collect::<Result<_>>()?;
        Ok(Pred::In {
            val,
            items,
            negated,
        })
    }

    fn like(&self, expr: &Expr, pattern: &Expr) -> Result<Pred> {
        let val = self.column_ref(expr)?;
        if !matches!(val.ty(), Ty::Json | Ty::Scalar(ScalarKind::VarChar)) {
            return Err(error_at(
                expr.offset,
                format!(
                    "{} is not text; expected a VARCHAR field or JSON path before `like`",
                    describe(&val)
                ),
            ));
        }
        match self.literal(pattern, "string pattern after `like`")? {
            Lit::Str(pattern) => Ok(Pred::Like { val, pattern }),
            other => Err(error_at(
                pattern.offset,
                format!(
                    "expected a string pattern after `like`, found {}",
                    lit_kind(&other)
                ),
            )),
        }
    }

    fn exists(&self, inner: &Expr) -> Result<Pred> {
        match self.column_ref(inner)? {
            Val::JsonPath { column, path } => Ok(Pred::Exists { column, path }),
            _ => Err(error_at(
                inner.offset,
                "expected a JSON path such as meta[\"key\"] after `exists`",
            )),
        }
    }

    fn contains(&self, func: Func, args: &[Expr], offset: usize) -> Result<Pred> {
        let [target, value] = args else {
            return Err(error_at(
                offset,
                format!("expected two arguments to `{}`", func.name()),
            ));
        };
        let val = self.column_ref(target)?;
        let what = describe(&val);
        let elem_ty = match val.ty() {
            Ty::Array(el) => Ty::Scalar(el),
            Ty::Json => Ty::Json,
            Ty::Scalar(_) => {
                return Err(error_at(target.offset, format!("{what} is not an array; expected an ARRAY field or JSON path as the first argument of `{}`", func.name())))
            }
        };
        let mode = match func {
            Func::ArrayContains | Func::JsonContains => Contains::One,
            Func::ArrayContainsAll | Func::JsonContainsAll => Contains::All,
            _ => Contains::Any,
        };
        let items = if mode == Contains::One {
            let lit = self.literal(
                value,
                &format!("as the second argument of `{}`", func.name()),
            )?;
            vec![(lit, value.offset)]
        } else {
            self.list(value)?
        };
        let items = items
            .into_iter()
            .map(|(lit, o)| coerce(elem_ty, &format!("the element type of {what}"), lit, o))
            .collect::<Result<_>>()?;
        Ok(Pred::Contains {
            mode,
            target: val,
            items,
        })
    }
}

/// Whether `e` is syntactically a boolean expression (decided without recursing, so
/// nested `not` stays linear).
fn is_boolean(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary { op, .. } => op.is_comparison(),
        ExprKind::Call { func, .. } => *func != Func::ArrayLength,
        ExprKind::And(_)
        | ExprKind::Or(_)
        | ExprKind::Unary {
            op: UnaryOp::Not, ..
        }
        | ExprKind::Range { .. }
        | ExprKind::In { .. }
        | ExprKind::Like { .. }
        | ExprKind::IsNull { .. }
        | ExprKind::Exists(_) => true,
        _ => false,
    }
}

/// A template value as a literal.
fn json_lit(v: &Value, offset: usize) -> Result<Lit> {
    match v {
        Value::Bool(b) => Ok(Lit::Bool(*b)),
        Value::String(s) => Ok(Lit::Str(s.clone())),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Lit::Int(i))
            } else if n.is_u64() {
                Err(error_at(
                    offset,
                    "template value out of range; expected an integer that fits in int64",
                ))
            } else {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(Lit::Float)
                    .ok_or_else(|| error_at(offset, "template value is not a finite number"))
            }
        }
        Value::Null => Err(error_at(
            offset,
            "template value is null; expected a number, string, boolean or list",
        )),
        Value::Array(_) => Err(error_at(
            offset,
            "template value is a nested list; expected a number, string or boolean",
        )),
        Value::Object(_) => Err(error_at(
            offset,
            "template value is an object; expected a number, string, boolean or list",
        )),
    }
}
