use super::*;
use crate::client::{ColumnInfo, ColumnKind, IndexInfo};

fn table(indexes: &[(&str, &str)]) -> TableInfo {
    TableInfo {
        name: "t".into(),
        columns: vec![ColumnInfo {
            name: "v".into(),
            column_type: "VECTOR(3)".into(),
            kind: ColumnKind::Vector(3),
            nullable: true,
            primary_key: false,
            auto_increment: false,
            comment: String::new(),
        }],
        indexes: indexes
            .iter()
            .map(|(name, metric)| IndexInfo {
                name: name.to_string(),
                columns: vec!["v".into()],
                index_type: "VECTOR".into(),
                unique: false,
                distance: Some(metric.to_string()),
                expression: None,
            })
            .collect(),
        partitions: Vec::new(),
    }
}

fn shape(f: &str) -> SearchShape {
    SearchShape {
        column: "v".into(),
        order_fn: f.into(),
        approximate: true,
        limit: true,
        filtered: false,
    }
}

#[test]
fn predicts_each_reason() {
    let l2 = table(&[("vi", "L2")]);
    assert_eq!(predict(&l2, &shape("l2_distance")), None);
    assert_eq!(predict(&l2, &shape("l2_squared")), None);
    assert!(matches!(
        predict(&l2, &shape("cosine_distance")),
        Some(FullScanReason::MetricMismatch { .. })
    ));
    assert_eq!(
        predict(&table(&[]), &shape("l2_distance")),
        Some(FullScanReason::NoIndex { column: "v".into() })
    );
    let ip = table(&[("vi", "INNER_PRODUCT")]);
    assert_eq!(predict(&ip, &shape("negative_inner_product")), None);
    assert_eq!(
        predict(&ip, &shape("inner_product")),
        Some(FullScanReason::InnerProductNotNegative)
    );
    let mut s = shape("l2_distance");
    s.limit = false;
    assert_eq!(predict(&l2, &s), Some(FullScanReason::MissingLimit));
    s.approximate = false;
    assert_eq!(predict(&l2, &s), Some(FullScanReason::MissingApproximate));
    // Two indexes on one column: the one of the searched metric serves.
    let both = table(&[("a", "L2"), ("b", "COSINE")]);
    assert_eq!(predict(&both, &shape("cosine_distance")), None);
    assert_eq!(
        predicted(&both, &shape("cosine_distance")).access,
        VectorAccess::Index {
            index: Some("b".into()),
            filter: IndexFilter::None
        }
    );
}

#[test]
fn errors_name_reason_and_fix() {
    let e = predicted(&table(&[("vi", "L2")]), &shape("cosine_distance"))
        .require_index()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("built for L2") && e.contains("l2_distance or l2_squared"),
        "{e}"
    );
}

const SCAN: &str = "\
|ID|OPERATOR         |NAME  |EST.ROWS|EST.TIME(us)|
|0 |VECTOR INDEX SCAN|t1(vi)|3       |12          |
Outputs & filters:
  0 - output([t1.id]), filter(nil), rowset=16";

const POST: &str = "\
|ID|OPERATOR           |NAME   |EST.ROWS|EST.TIME(us)|
|0 |TOP-N SORT         |       |1       |12          |
|1 |└─VECTOR INDEX SCAN|t3(vi3)|1       |12          |
Outputs & filters:
  0 - output([t3.id]), filter(nil), rowset=16
  1 - output([t3.id]), filter([t3.c = 1]), rowset=16";

const ADAPTIVE: &str = "\
|ID|OPERATOR                               |NAME|EST.ROWS|EST.TIME(us)|
|0 |VECTOR INDEX ADAPTIVE SCAN (PRE-FILTER)|t1  |1       |3           |";

const FULL: &str = "\
|ID|OPERATOR         |NAME|EST.ROWS|EST.TIME(us)|
|0 |TOP-N SORT       |    |2       |3           |
|1 |└─TABLE FULL SCAN|t1  |3       |3           |";

#[test]
fn reads_explain_text() {
    let t = table(&[("vi", "L2")]);
    let plan = classify(SCAN.into(), &t, &shape("l2_distance"));
    assert_eq!(
        plan.access,
        VectorAccess::Index {
            index: Some("vi".into()),
            filter: IndexFilter::None
        }
    );
    let mut filtered = shape("l2_distance");
    filtered.filtered = true;
    let plan = classify(POST.into(), &t, &filtered);
    assert_eq!(
        plan.access,
        VectorAccess::Index {
            index: Some("vi3".into()),
            filter: IndexFilter::PostFilter
        }
    );
    let plan = classify(ADAPTIVE.into(), &t, &filtered);
    assert_eq!(
        plan.access,
        VectorAccess::Index {
            index: Some("vi".into()),
            filter: IndexFilter::AdaptivePreFilter
        }
    );
    let plan = classify(FULL.into(), &t, &shape("cosine_distance"));
    assert!(matches!(
        plan.full_scan_reason(),
        Some(FullScanReason::MetricMismatch { .. })
    ));
    // A full scan the prediction did not expect.
    let plan = classify(FULL.into(), &t, &shape("l2_distance"));
    assert_eq!(plan.full_scan_reason(), Some(&FullScanReason::Other));
}
