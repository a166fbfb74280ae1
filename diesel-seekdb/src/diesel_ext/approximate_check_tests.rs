use diesel::prelude::*;

use super::*;
use crate::diesel_ext::VectorExpressionMethods;
use crate::Vector;

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::Vector;
    items (id) { id -> Integer, embedding -> Vector }
}

type Distance = crate::diesel_ext::L2Distance<
    items::embedding,
    diesel::dsl::AsExprOf<Vector, crate::sql_types::Vector>,
>;

fn d() -> Distance {
    items::embedding.l2_distance(Vector::from(vec![1.0, 0.0]))
}

fn reason(err: Error) -> String {
    match err {
        Error::Validation { parameter, reason } => {
            assert_eq!(parameter, "approximate");
            reason
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_single_item_with_a_limit_passes() {
    let q = items::table
        .select(items::id)
        .order(d().approximate())
        .limit(16_384);
    assert!(check_approximate(&q).is_ok());
    let q = items::table
        .select(items::id)
        .order(d().approximate())
        .limit(10)
        .offset(16_374);
    assert!(check_approximate(&q).is_ok());
    // Exact ordering is never restricted.
    let q = items::table.select(items::id).order((d(), items::id));
    assert!(check_approximate(&q).is_ok());
}

#[test]
fn every_refusal_says_why() {
    let q = items::table.select(items::id).order(d().approximate());
    assert!(reason(check_approximate(&q).unwrap_err()).contains("needs a LIMIT"));
    let q = items::table
        .select(items::id)
        .order((d().approximate(), items::id))
        .limit(5);
    assert!(reason(check_approximate(&q).unwrap_err()).contains("only ORDER BY item"));
    let q = items::table
        .select(items::id)
        .order(items::id)
        .then_order_by(d().approximate())
        .limit(5);
    assert!(reason(check_approximate(&q).unwrap_err()).contains("only ORDER BY item"));
    let q = items::table
        .select(items::id)
        .order(d().approximate())
        .limit(10)
        .offset(16_375);
    assert!(reason(check_approximate(&q).unwrap_err()).contains("16385"));
    let q = items::table
        .into_boxed::<Mysql>()
        .select(items::id)
        .order(d().approximate())
        .limit(5);
    assert!(check_approximate(&q).is_ok());
    // Boxed, an offset without a limit renders `LIMIT 18446744073709551615`.
    let q = items::table
        .into_boxed::<Mysql>()
        .select(items::id)
        .order(d().approximate())
        .offset(3);
    assert!(check_approximate(&q).is_err());
}

#[test]
fn quoted_text_and_identifiers_are_not_parsed() {
    let tokens = tokenize("SELECT `a,?APPROXIMATE` FROM t WHERE x = 'it''s, ?' AND y = ?");
    assert!(tokens.iter().all(|(t, _)| *t != Token::Comma));
    assert_eq!(
        tokens
            .iter()
            .filter(|(t, _)| matches!(t, Token::Placeholder(_)))
            .count(),
        1
    );
    assert!(!tokens.contains(&(Token::Word("APPROXIMATE".into()), 0)));
    assert_eq!(
        split_binds("x -- binds: [Vector([1.0, 2.0]), \"a, b\", 5, 7]"),
        ["Vector([1.0, 2.0])", "\"a, b\"", "5", "7"]
    );
}

#[test]
fn the_checked_wrapper_fails_before_sending() {
    let q = items::table
        .select(items::id)
        .order(d().approximate())
        .limit(20_000)
        .checked_approximate();
    let mut builder = diesel::mysql::MysqlQueryBuilder::new();
    let err = QueryFragment::<Mysql>::to_sql(&q, &mut builder, &Mysql).unwrap_err();
    assert!(err.to_string().contains("at most 16384"), "{err}");
}
