use std::time::Duration;

use serde_json::json;

use super::*;

fn rows(distances: &[f64]) -> Rows {
    distances
        .iter()
        .map(|d| json!({ "distance": d }).as_object().unwrap().clone())
        .collect()
}

#[test]
fn ties_at_the_kth_distance_count_as_found() {
    let exact = vec![rows(&[0.1, 0.2, 0.3])];
    let kth = kth_distances(Distance::L2, &exact, 3).unwrap();
    assert_eq!(kth, vec![Some(0.3)]);
    // Another row at the same distance as the exact third is as good.
    assert_eq!(
        recall_of(Distance::L2, &rows(&[0.1, 0.2, 0.3]), kth[0], 3).unwrap(),
        1.0
    );
    assert_eq!(
        recall_of(Distance::L2, &rows(&[0.1, 0.3, 0.3]), kth[0], 3).unwrap(),
        1.0
    );
    let r = recall_of(Distance::L2, &rows(&[0.1, 0.2, 0.5]), kth[0], 3).unwrap();
    assert!((r - 2.0 / 3.0).abs() < 1e-12);
    // Inner product: larger is nearer.
    let exact = vec![rows(&[9.0, 8.0])];
    let kth = kth_distances(Distance::InnerProduct, &exact, 2).unwrap();
    assert_eq!(
        recall_of(Distance::InnerProduct, &rows(&[9.0, 7.0]), kth[0], 2).unwrap(),
        0.5
    );
    // No matching row: nothing to miss.
    assert_eq!(recall_of(Distance::L2, &rows(&[]), None, 0).unwrap(), 1.0);
}

#[test]
fn the_smallest_setting_reaching_the_target_wins() {
    let r = |ef, recall| {
        report(
            SearchKnob::EfSearch(ef),
            10,
            &[recall],
            Duration::from_millis(1),
        )
    };
    let tried = vec![r(8, 0.5), r(16, 0.96), r(32, 0.99)];
    let t = tuned(&tried, 0.95, false).unwrap();
    assert_eq!((t.knob, t.reached), (SearchKnob::EfSearch(16), true));
    assert!(tuned(&tried[..1], 0.95, false).is_none(), "keep going");
    let t = tuned(&tried[..1], 0.95, true).unwrap();
    assert_eq!((t.knob, t.reached), (SearchKnob::EfSearch(8), false));
    assert!(check_target(0.0).is_err() && check_target(1.0).is_ok());
}
