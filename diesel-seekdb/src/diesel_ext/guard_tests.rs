use super::*;

#[test]
fn reads_the_ordering_of_rendered_sql() {
    let (table, s) = shape_of(
        "SELECT `items`.`id` FROM `items` WHERE `items`.`n` > ? \
         ORDER BY cosine_distance(`items`.`embedding`, ?) APPROXIMATE LIMIT ?",
    )
    .unwrap();
    assert_eq!(table, "items");
    assert_eq!(s.column, "embedding");
    assert_eq!(s.order_fn, "cosine_distance");
    assert!(s.approximate && s.limit && s.filtered);

    let (_, s) = shape_of(
        "SELECT `t`.`id` FROM `t` ORDER BY inner_product(`t`.`v`, ?) DESC APPROXIMATE LIMIT ?",
    )
    .unwrap();
    assert_eq!(s.order_fn, "inner_product");
    assert!(s.approximate && !s.filtered);

    let (table, s) =
        shape_of("SELECT id FROM `t` ORDER BY l2_distance(`v`, '[1,2]') LIMIT 3").unwrap();
    assert_eq!((table.as_str(), s.column.as_str()), ("t", "v"));
    assert!(!s.approximate && s.limit);

    let (_, s) = shape_of(
        "SELECT `t`.`id` FROM `t` WHERE `t`.`id` IN (SELECT 1 LIMIT 1) \
         ORDER BY l2_distance(`t`.`v`, ?) APPROXIMATE",
    )
    .unwrap();
    assert!(
        s.approximate && !s.limit,
        "a subquery's LIMIT is not the search's"
    );
}

#[test]
fn refuses_what_is_not_a_search() {
    assert!(shape_of("SELECT `t`.`id` FROM `t`").is_err());
    assert!(shape_of("SELECT `t`.`id` FROM `t` ORDER BY `t`.`id`").is_err());
}
