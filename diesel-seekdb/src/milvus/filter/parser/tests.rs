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
