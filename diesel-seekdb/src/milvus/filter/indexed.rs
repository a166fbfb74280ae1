//! Tests of a functional JSON-path index that a filter condition implies.
//!
//! seekdb uses an index on `CAST(JSON_EXTRACT(meta, '$.page') AS SIGNED)` only when the
//! query writes that expression, path as a literal. Milvus semantics stay with the
//! exact condition; the index test is added in front of it (`test AND exact`), so it
//! must hold for every row the exact condition keeps. It is only added outside `NOT`
//! (under a negation `NOT (test AND exact)` could keep rows the exact condition, being
//! NULL, would drop).
//!
//! What the casts do with a JSON value `x` (seekdb 1.4, checked): `SIGNED` rounds a
//! number (3.6 → 4), saturates beyond 64 bits and gives 0 for strings, arrays and
//! null; so for a number `|cast(x) - x| < 1`, and for an integer `n`,
//! `x = n ⇒ cast = n`, `x > n` or `x >= n ⇒ cast >= n`, `x < n` or `x <= n ⇒ cast <= n`.
//! `DOUBLE` is exact for numbers up to 2^53. `CHAR(n)` compares under the
//! case-insensitive collation, which only matches more: equality implies it when the
//! literal fits in `n` characters.

use super::ir::{CmpOp, Lit};
use super::render::quote_ident;
use super::schema::JsonIndexed;
use crate::ddl::{quote_string, JsonCast};

/// The largest integer a DOUBLE holds exactly.
const EXACT_DOUBLE: i64 = 1 << 53;

/// The index test that `x op lit` implies, if any.
pub(crate) fn implied(cast: JsonCast, op: CmpOp, lit: &Lit) -> Option<(CmpOp, Lit)> {
    match (cast, lit) {
        (JsonCast::Signed, Lit::Int(n)) => Some(match op {
            CmpOp::Eq => (CmpOp::Eq, Lit::Int(*n)),
            CmpOp::Gt | CmpOp::Ge => (CmpOp::Ge, Lit::Int(*n)),
            CmpOp::Lt | CmpOp::Le => (CmpOp::Le, Lit::Int(*n)),
            CmpOp::Ne => return None,
        }),
        (JsonCast::Double, Lit::Int(n)) if n.unsigned_abs() <= EXACT_DOUBLE as u64 => {
            (op != CmpOp::Ne).then_some((op, Lit::Float(*n as f64)))
        }
        (JsonCast::Double, Lit::Float(f)) if f.is_finite() && f.abs() <= EXACT_DOUBLE as f64 => {
            (op != CmpOp::Ne).then_some((op, Lit::Float(*f)))
        }
        (JsonCast::Char(len), Lit::Str(s))
            if op == CmpOp::Eq && s.chars().count() <= len as usize =>
        {
            Some((CmpOp::Eq, Lit::Str(s.clone())))
        }
        _ => None,
    }
}

/// The indexed expression, path as the index writes it.
pub(crate) fn expression(index: &JsonIndexed, alias: Option<&str>) -> String {
    let column = match alias {
        Some(a) => format!("{}.{}", quote_ident(a), quote_ident(&index.column)),
        None => quote_ident(&index.column),
    };
    let extract = format!("JSON_EXTRACT({column}, {})", quote_string(&index.path));
    match index.cast {
        JsonCast::Char(_) => format!("CAST(JSON_UNQUOTE({extract}) AS {})", index.cast.to_sql()),
        cast => format!("CAST({extract} AS {})", cast.to_sql()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{compile, FieldKind, FilterSchema};
    use super::*;

    fn schema() -> FilterSchema {
        FilterSchema::new()
            .field("meta", FieldKind::Json)
            .json_index("meta", "$.page", JsonCast::Signed)
            .json_index("meta", "$.score", JsonCast::Double)
            .json_index("meta", "$.tag", JsonCast::Char(4))
    }

    fn sql(filter: &str) -> String {
        compile(filter, &schema(), None).unwrap().unwrap().sql
    }

    const PAGE: &str = "CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED)";

    #[test]
    fn comparisons_test_the_indexed_expression_first() {
        assert!(sql(r#"meta["page"] == 3"#).starts_with(&format!("(({PAGE} = ?) AND ")));
        assert!(sql(r#"meta["page"] > 3"#).starts_with(&format!("(({PAGE} >= ?) AND ")));
        assert!(sql(r#"meta["page"] <= 3"#).starts_with(&format!("(({PAGE} <= ?) AND ")));
        let range = sql(r#"1 < meta["page"] < 5"#);
        assert!(
            range.starts_with(&format!("(({PAGE} >= ?) AND ({PAGE} <= ?) AND ")),
            "{range}"
        );
        assert!(sql(r#"meta["page"] in [1, 2]"#).starts_with(&format!("(({PAGE} IN (?, ?)) AND ")));
        assert!(sql(r#"meta["score"] > 0.5"#)
            .starts_with("((CAST(JSON_EXTRACT(`meta`, '$.score') AS DOUBLE) > ?) AND "));
        assert!(sql(r#"meta["tag"] == "abcd""#).starts_with(
            "((CAST(JSON_UNQUOTE(JSON_EXTRACT(`meta`, '$.tag')) AS CHAR(4)) = ?) AND "
        ));
        // The path may be written either way.
        assert!(sql(r#"meta['page'] == 3 and meta["other"] == 1"#).contains(PAGE));
    }

    #[test]
    fn conditions_the_index_cannot_serve_are_left_alone() {
        for f in [
            r#"meta["page"] != 3"#,
            r#"not (meta["page"] == 3)"#,
            r#"meta["page"] not in [1, 2]"#,
            r#"meta["page"] == 3.5"#,
            r#"meta["page"] in [1, 2.5]"#,
            r#"meta["tag"] == "abcde""#,
            r#"meta["tag"] > "a""#,
            r#"meta["other"] == 3"#,
            r#"meta["page"] == "3""#,
        ] {
            assert!(!sql(f).contains("CAST("), "{f}: {}", sql(f));
        }
        // Under two negations the condition is positive again.
        assert!(sql(r#"not (not (meta["page"] == 3))"#).contains(PAGE));
    }

    #[test]
    fn the_test_is_implied_by_the_exact_condition() {
        assert_eq!(
            implied(JsonCast::Signed, CmpOp::Lt, &Lit::Int(3)),
            Some((CmpOp::Le, Lit::Int(3)))
        );
        assert_eq!(
            implied(JsonCast::Double, CmpOp::Eq, &Lit::Int(i64::MAX)),
            None
        );
        assert_eq!(
            implied(JsonCast::Char(2), CmpOp::Eq, &Lit::Str("ab".into())).map(|t| t.0),
            Some(CmpOp::Eq)
        );
        assert_eq!(
            implied(JsonCast::Char(2), CmpOp::Eq, &Lit::Str("abc".into())),
            None
        );
    }
}
