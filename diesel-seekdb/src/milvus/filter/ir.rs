//! The checked form of a filter: every name resolved against the schema and every
//! literal converted to the type it is compared with. Rendering works from this.

use super::schema::ScalarKind;

/// A literal value, bound as a parameter when rendered.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

/// What a value expression yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Scalar(ScalarKind),
    Json,
    Array(ScalarKind),
}

/// A value computed from a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// A whole column (scalar, JSON or ARRAY).
    Column { name: String, ty: Ty },
    /// `JSON_EXTRACT(column, path)`.
    JsonPath { column: String, path: String },
    /// `element_at(column, position)`, position 1-based.
    Element {
        column: String,
        elem: ScalarKind,
        position: i64,
    },
    /// `array_length` of an ARRAY column or a JSON value.
    ArrayLength(Box<Val>),
    /// `lhs op constant`.
    Arith {
        lhs: Box<Val>,
        op: ArithOp,
        rhs: Lit,
    },
}

impl Val {
    pub(crate) fn ty(&self) -> Ty {
        match self {
            Val::Column { ty, .. } => *ty,
            Val::JsonPath { .. } => Ty::Json,
            Val::Element { elem, .. } => Ty::Scalar(*elem),
            Val::ArrayLength(_) => Ty::Scalar(ScalarKind::Int64),
            Val::Arith { lhs, .. } => lhs.ty(),
        }
    }

    /// Whether this is JSON read straight from the row (a JSON column or a path).
    pub(crate) fn is_json(&self) -> bool {
        matches!(
            self,
            Val::JsonPath { .. } | Val::Column { ty: Ty::Json, .. }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator with its operands swapped (`1 < x` is `x > 1`).
    pub(crate) fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    pub(crate) fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// Which of the `*_contains*` functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Contains {
    One,
    All,
    Any,
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rhs {
    Lit(Lit),
    Val(Val),
}

/// A checked boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pred {
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    Compare {
        lhs: Val,
        op: CmpOp,
        rhs: Rhs,
    },
    /// `lower.1 lower.0 val` and `val upper.0 upper.1`, already oriented as `val op bound`.
    Range {
        val: Val,
        lower: (CmpOp, Lit),
        upper: (CmpOp, Lit),
    },
    In {
        val: Val,
        items: Vec<Lit>,
        negated: bool,
    },
    Like {
        val: Val,
        pattern: String,
    },
    IsNull {
        val: Val,
        negated: bool,
    },
    Exists {
        column: String,
        path: String,
    },
    Contains {
        mode: Contains,
        target: Val,
        items: Vec<Lit>,
    },
}
