//! Renders a checked filter as seekdb SQL. Only fixed SQL text and quoted,
//! schema-checked column names are written; every value from the filter (including
//! JSON paths and array positions) becomes a bound `?`.
//!
//! NULL follows SQL three-valued logic: a comparison on a NULL column or a missing
//! JSON key is NULL, `NOT NULL` stays NULL, and WHERE drops the row, so negations
//! (`!=`, `not in`, `not (…)`) never match NULL. The guards below are written so
//! that they too yield NULL, not FALSE, for a missing value.

use super::ir::{ArithOp, CmpOp, Contains, Lit, Pred, Rhs, Ty, Val};
use super::schema::{FilterSchema, ScalarKind};
use crate::fragment::{BindValue, SqlFragment};

/// Renders `pred`, qualifying columns with the schema's alias when given and testing
/// the expressions of its JSON-path indexes where they apply.
pub(crate) fn render(pred: &Pred, schema: &FilterSchema) -> SqlFragment {
    let mut r = Renderer {
        alias: schema.alias(),
        schema,
        positive: true,
        out: SqlFragment::new(),
    };
    r.pred(pred);
    r.out
}

/// Backtick-quotes an identifier, doubling embedded backticks.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `JSON_TYPE` conditions a JSON value must meet before an operation means what
/// Milvus means by it.
#[derive(Clone, Copy)]
enum Guard {
    Number,
    String,
    Array,
}

const NUMBER_TYPES: &str = "('INTEGER','UNSIGNED INTEGER','DOUBLE','DECIMAL')";

struct Renderer<'a> {
    alias: Option<&'a str>,
    schema: &'a FilterSchema,
    /// Not under a `NOT`: only there may a condition be narrowed by an index test
    /// (see [`super::indexed`]).
    positive: bool,
    out: SqlFragment,
}

fn op_sql(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => " = ",
        CmpOp::Ne => " <> ",
        CmpOp::Lt => " < ",
        CmpOp::Le => " <= ",
        CmpOp::Gt => " > ",
        CmpOp::Ge => " >= ",
    }
}

fn bind(lit: &Lit) -> BindValue {
    match lit {
        Lit::Int(v) => BindValue::Int(*v),
        Lit::Float(v) => BindValue::Float(*v),
        Lit::Bool(v) => BindValue::Bool(*v),
        Lit::Str(v) => BindValue::Text(v.clone()),
    }
}

/// A 32-bit FLOAT read straight from a column: its literal is narrowed to FLOAT too,
/// so `f == 0.1` matches a stored 0.1f, as in Milvus.
fn is_plain_float(v: &Val) -> bool {
    matches!(
        v,
        Val::Column {
            ty: Ty::Scalar(ScalarKind::Float),
            ..
        } | Val::Element {
            elem: ScalarKind::Float,
            ..
        }
    )
}

/// The JSON value an arithmetic or `array_length` expression reads, with the guard it
/// needs (JSON arithmetic would otherwise treat `"5"` as 5).
fn structural_guard(v: &Val) -> Option<(&Val, Guard)> {
    match v {
        Val::Arith { lhs, .. } if lhs.is_json() => Some((lhs, Guard::Number)),
        Val::Arith { lhs, .. } => structural_guard(lhs),
        Val::ArrayLength(inner) if inner.is_json() => Some((inner, Guard::Array)),
        _ => None,
    }
}

impl Renderer<'_> {
    fn sql(&mut self, s: &str) {
        self.out.push_sql(s);
    }

    fn bind(&mut self, lit: &Lit) {
        self.out.push_bind(bind(lit));
    }

    fn column(&mut self, name: &str) {
        if let Some(alias) = self.alias {
            self.out.push_sql(&quote_ident(alias));
            self.out.push_sql(".");
        }
        self.out.push_sql(&quote_ident(name));
    }

    fn val(&mut self, v: &Val) {
        match v {
            Val::Column { name, .. } => self.column(name),
            Val::JsonPath { column, path } => {
                self.sql("JSON_EXTRACT(");
                self.column(column);
                self.sql(", ");
                self.out.push_bind(BindValue::Text(path.clone()));
                self.sql(")");
            }
            Val::Element {
                column, position, ..
            } => {
                self.sql("element_at(");
                self.column(column);
                self.sql(", ");
                self.out.push_bind(BindValue::Int(*position));
                self.sql(")");
            }
            Val::ArrayLength(inner) => {
                self.sql(if inner.is_json() {
                    "JSON_LENGTH("
                } else {
                    "array_length("
                });
                self.val(inner);
                self.sql(")");
            }
            Val::Arith { lhs, op, rhs } => {
                self.sql("(");
                self.val(lhs);
                let int = matches!(lhs.ty(), Ty::Scalar(s) if s.is_int());
                self.sql(match op {
                    ArithOp::Add => " + ",
                    ArithOp::Sub => " - ",
                    ArithOp::Mul => " * ",
                    // Milvus divides int64 in C++ (truncating); `/` would give a decimal.
                    ArithOp::Div if int => " DIV ",
                    ArithOp::Div => " / ",
                    ArithOp::Mod => " % ",
                });
                self.bind(rhs);
                self.sql(")");
            }
        }
    }

    fn guard(&mut self, v: &Val, guard: Guard) {
        self.sql("JSON_TYPE(");
        self.val(v);
        self.sql(match guard {
            Guard::Number => ") IN ",
            Guard::String => ") = 'STRING'",
            Guard::Array => ") = 'ARRAY'",
        });
        if let Guard::Number = guard {
            self.sql(NUMBER_TYPES);
        }
    }

    fn joined(&mut self, items: &[Pred], sep: &str) {
        self.sql("(");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.sql(sep);
            }
            self.pred(item);
        }
        self.sql(")");
    }

    fn pred(&mut self, p: &Pred) {
        match p {
            Pred::And(items) => self.joined(items, " AND "),
            Pred::Or(items) => self.joined(items, " OR "),
            Pred::Not(inner) => {
                self.sql("(NOT ");
                self.positive = !self.positive;
                self.pred(inner);
                self.positive = !self.positive;
                self.sql(")");
            }
            Pred::Compare {
                lhs,
                op,
                rhs: Rhs::Lit(lit),
            } => {
                let narrowed = self.narrow(lhs, &[(*op, lit)]);
                self.comparison(lhs, &[(*op, lit)]);
                self.close(narrowed);
            }
            Pred::Compare {
                lhs,
                op,
                rhs: Rhs::Val(rhs),
            } => {
                let text = lhs.ty() == Ty::Scalar(ScalarKind::VarChar);
                self.sql(if text { "(BINARY " } else { "(" });
                self.val(lhs);
                self.sql(op_sql(*op));
                if text {
                    self.sql("BINARY ");
                }
                self.val(rhs);
                self.sql(")");
            }
            Pred::Range { val, lower, upper } => {
                let parts = [(lower.0, &lower.1), (upper.0, &upper.1)];
                let narrowed = self.narrow(val, &parts);
                self.comparison(val, &parts);
                self.close(narrowed);
            }
            Pred::In {
                val,
                items,
                negated,
            } => {
                let narrowed = !*negated && self.narrow_in(val, items);
                self.in_list(val, items, *negated);
                self.close(narrowed);
            }
            Pred::Like { val, pattern } => {
                self.sql("(");
                if val.is_json() {
                    self.guard(val, Guard::String);
                    self.sql(" AND JSON_UNQUOTE(");
                    self.val(val);
                    self.sql(")");
                } else if let Val::Column { .. } = val {
                    // A VARBINARY column (Milvus layer keys) refuses COLLATE utf8mb4_bin
                    // (1253) until converted; on a utf8mb4 column CONVERT changes nothing.
                    self.sql("CONVERT(");
                    self.val(val);
                    self.sql(" USING utf8mb4)");
                } else {
                    self.val(val);
                }
                // utf8mb4_bin: case-sensitive, and `_` is one character (BINARY makes it one byte).
                self.sql(" COLLATE utf8mb4_bin LIKE ");
                self.out.push_bind(BindValue::Text(pattern.clone()));
                self.sql(")");
            }
            Pred::IsNull { val, negated } => {
                self.sql("(");
                if val.is_json() {
                    // A missing key, JSON null and a NULL column all count as null.
                    self.sql("COALESCE(JSON_TYPE(");
                    self.val(val);
                    self.sql(if *negated {
                        "), 'NULL') <> 'NULL'"
                    } else {
                        "), 'NULL') = 'NULL'"
                    });
                } else {
                    self.val(val);
                    self.sql(if *negated { " IS NOT NULL" } else { " IS NULL" });
                }
                self.sql(")");
            }
            Pred::Exists { column, path } => {
                self.sql("JSON_CONTAINS_PATH(");
                self.column(column);
                self.sql(", 'one', ");
                self.out.push_bind(BindValue::Text(path.clone()));
                self.sql(")");
            }
            Pred::Contains {
                mode,
                target,
                items,
            } => self.contains(*mode, target, items),
        }
    }

    /// Closes what [`narrow`](Self::narrow) opened.
    fn close(&mut self, narrowed: bool) {
        if narrowed {
            self.sql(")");
        }
    }

    /// The functional index whose expression `v` can be tested with, when the
    /// condition is in a positive position.
    fn index_of(&self, v: &Val) -> Option<super::schema::JsonIndexed> {
        if !self.positive {
            return None;
        }
        match v {
            Val::JsonPath { column, path } => self.schema.json_indexed(column, path).cloned(),
            _ => None,
        }
    }

    /// Opens `(<indexed expression> op lit AND ` when `v op lit` implies that test;
    /// the caller renders the exact condition and closes.
    fn narrow(&mut self, v: &Val, parts: &[(CmpOp, &Lit)]) -> bool {
        let Some(index) = self.index_of(v) else {
            return false;
        };
        let tests: Vec<(CmpOp, Lit)> = parts
            .iter()
            .filter_map(|(op, lit)| super::indexed::implied(index.cast, *op, lit))
            .collect();
        if tests.is_empty() {
            return false;
        }
        self.sql("(");
        for (i, (op, lit)) in tests.iter().enumerate() {
            if i > 0 {
                self.sql(" AND ");
            }
            self.sql("(");
            self.sql(&super::indexed::expression(&index, self.alias));
            self.sql(op_sql(*op));
            self.bind(lit);
            self.sql(")");
        }
        self.sql(" AND ");
        true
    }

    /// [`narrow`](Self::narrow) for `v IN (items)`.
    fn narrow_in(&mut self, v: &Val, items: &[Lit]) -> bool {
        let Some(index) = self.index_of(v) else {
            return false;
        };
        if items.is_empty()
            || !items
                .iter()
                .all(|l| super::indexed::implied(index.cast, CmpOp::Eq, l).is_some())
        {
            return false;
        }
        self.sql("((");
        self.sql(&super::indexed::expression(&index, self.alias));
        self.sql(" IN (");
        for (i, lit) in items.iter().enumerate() {
            if i > 0 {
                self.sql(", ");
            }
            self.bind(lit);
        }
        self.sql(")) AND ");
        true
    }

    /// `val op lit [AND val op lit]` with whatever guards and collation the types need.
    fn comparison(&mut self, v: &Val, parts: &[(CmpOp, &Lit)]) {
        self.sql("(");
        if let Some((base, guard)) = structural_guard(v) {
            self.guard(base, guard);
            self.sql(" AND ");
        }
        let ordering = parts.iter().any(|(op, _)| op.is_ordering());
        let json_text = v.is_json() && parts.iter().any(|(_, l)| matches!(l, Lit::Str(_)));
        if v.is_json() && ordering {
            // JSON ordering ranks every string above every number: compare like with like.
            self.guard(
                v,
                if json_text {
                    Guard::String
                } else {
                    Guard::Number
                },
            );
            self.sql(" AND ");
        }
        for (i, (op, lit)) in parts.iter().enumerate() {
            if i > 0 {
                self.sql(" AND ");
            }
            self.compare_one(v, *op, lit, json_text && ordering);
        }
        self.sql(")");
    }

    fn compare_one(&mut self, v: &Val, op: CmpOp, lit: &Lit, json_text_order: bool) {
        if v.is_json() {
            if json_text_order {
                self.sql("BINARY JSON_UNQUOTE(");
                self.val(v);
                self.sql(")");
                self.sql(op_sql(op));
                self.sql("BINARY ");
                self.bind(lit);
            } else {
                self.val(v);
                self.sql(op_sql(op));
                self.json_item(lit);
            }
            return;
        }
        let text = v.ty() == Ty::Scalar(ScalarKind::VarChar);
        if text {
            self.sql("BINARY ");
        }
        self.val(v);
        self.sql(op_sql(op));
        self.scalar_item(v, lit, text);
    }

    /// A literal compared with JSON: booleans must be the keywords (a bound 1 is the
    /// number 1, which JSON `true` does not equal).
    fn json_item(&mut self, lit: &Lit) {
        match lit {
            Lit::Bool(true) => self.sql("TRUE"),
            Lit::Bool(false) => self.sql("FALSE"),
            other => self.bind(other),
        }
    }

    fn scalar_item(&mut self, v: &Val, lit: &Lit, text: bool) {
        if text {
            // BINARY on both sides: case-sensitive and no trailing-space padding.
            self.sql("BINARY ");
            self.bind(lit);
        } else if is_plain_float(v) {
            self.sql("CAST(");
            self.bind(lit);
            self.sql(" AS FLOAT)");
        } else {
            self.bind(lit);
        }
    }

    /// `v IS NULL AND NULL`: FALSE for a present value and NULL for a missing one, so
    /// that an always-false test still never matches NULL once negated.
    fn null_or_false(&mut self, v: &Val) {
        self.sql("(");
        self.val(v);
        self.sql(" IS NULL AND NULL)");
    }

    fn in_list(&mut self, v: &Val, items: &[Lit], negated: bool) {
        if items.is_empty() {
            // seekdb rejects `IN ()`.
            if negated {
                self.sql("(NOT ");
                self.null_or_false(v);
                self.sql(")");
            } else {
                self.null_or_false(v);
            }
            return;
        }
        let text = !v.is_json() && v.ty() == Ty::Scalar(ScalarKind::VarChar);
        self.sql(if text { "(BINARY " } else { "(" });
        self.val(v);
        self.sql(if negated { " NOT IN (" } else { " IN (" });
        for (i, lit) in items.iter().enumerate() {
            if i > 0 {
                self.sql(", ");
            }
            if v.is_json() {
                self.json_item(lit);
            } else {
                self.scalar_item(v, lit, text);
            }
        }
        self.sql("))");
    }

    fn contains(&mut self, mode: Contains, target: &Val, items: &[Lit]) {
        if target.is_json() {
            self.sql("(");
            self.guard(target, Guard::Array);
            self.sql(" AND ");
            match mode {
                Contains::One => {
                    for lit in items {
                        self.json_item(lit);
                    }
                    self.sql(" MEMBER OF (");
                    self.val(target);
                    self.sql("))");
                    return;
                }
                Contains::All => self.sql("JSON_CONTAINS("),
                Contains::Any => self.sql("JSON_OVERLAPS("),
            }
            self.val(target);
            self.sql(", JSON_ARRAY(");
            self.items(items, true);
            self.sql(")))");
            return;
        }
        if items.is_empty() && mode != Contains::One {
            // seekdb has no empty array literal: contains-all of nothing is true,
            // contains-any of nothing is false (NULL for a NULL column either way).
            if mode == Contains::All {
                self.sql("(NOT ");
                self.null_or_false(target);
                self.sql(")");
            } else {
                self.null_or_false(target);
            }
            return;
        }
        self.sql(match mode {
            Contains::One => "array_contains(",
            Contains::All => "array_contains_all(",
            // seekdb has no array_contains_any.
            Contains::Any => "array_overlaps(",
        });
        self.val(target);
        if mode == Contains::One {
            self.sql(", ");
            self.items(items, false);
            self.sql(")");
        } else {
            self.sql(", [");
            self.items(items, false);
            self.sql("])");
        }
    }

    fn items(&mut self, items: &[Lit], json: bool) {
        for (i, lit) in items.iter().enumerate() {
            if i > 0 {
                self.sql(", ");
            }
            if json {
                self.json_item(lit);
            } else {
                self.bind(lit);
            }
        }
    }
}
