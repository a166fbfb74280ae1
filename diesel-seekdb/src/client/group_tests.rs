use serde_json::json;

use super::*;

fn rows(docs: &[i64]) -> Rows {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            json!({ "id": i, "doc": d, "distance": i })
                .as_object()
                .unwrap()
                .clone()
        })
        .collect()
}

fn grouping(groups: usize, size: usize, strict: bool) -> (Grouping, usize) {
    let search = AnnSearch::new("t", "v", vec![1.0]).topk(groups);
    Grouping::new(
        GroupedSearch::new(search, "doc")
            .group_size(size)
            .strict_group_size(strict),
    )
    .unwrap()
}

fn done(step: Step) -> Vec<(i64, usize)> {
    match step {
        Step::Done(g) => g
            .iter()
            .map(|g| (g.value.as_i64().unwrap(), g.rows.len()))
            .collect(),
        Step::Again(k) => panic!("asked for {k} more"),
    }
}

#[test]
fn rounds_grow_until_the_groups_are_found_and_full() {
    let (g, k) = grouping(2, 2, true);
    assert_eq!(k, 16);
    // 16 candidates of one document: the second group is missing.
    assert!(matches!(
        g.step(rows(&[7; 16]), 16).unwrap(),
        Step::Again(64)
    ));
    // Two groups, the second not full, strict: once more.
    let mut docs = vec![7; 15];
    docs.push(3);
    assert!(matches!(g.step(rows(&docs), 16).unwrap(), Step::Again(64)));
    // Not strict: two groups are enough.
    let (loose, _) = grouping(2, 2, false);
    assert_eq!(
        done(loose.step(rows(&docs), 16).unwrap()),
        vec![(7, 2), (3, 1)]
    );
    // Fewer rows than asked for: the table is exhausted.
    assert_eq!(
        done(g.step(rows(&[7, 7, 3]), 16).unwrap()),
        vec![(7, 2), (3, 1)]
    );
    // Never more than 16384 candidates.
    assert_eq!(
        done(g.step(rows(&[7; 20]), MAX_TOPK).unwrap()),
        vec![(7, 2)]
    );
}

#[test]
fn a_diesel_filter_is_sent_once_with_the_largest_k() {
    use diesel::prelude::*;
    diesel::table! { t (id) { id -> Integer } }
    let search = AnnSearch::new("t", "v", vec![1.0]).filter(Filter::expr(t::id.gt(1)));
    let (mut g, k) = Grouping::new(GroupedSearch::new(search, "doc")).unwrap();
    assert_eq!(k, MAX_TOPK);
    assert!(g.search(k).filter.is_some());
    assert!(g.search(k).filter.is_none(), "taken, not copied");
    assert!(Grouping::new(
        GroupedSearch::new(AnnSearch::new("t", "v", vec![1.0]), "d").group_size(0)
    )
    .is_err());
}
