//! The index-use guard against the real server: each full-scan reason, the positive
//! case for every index type seekdb 1.4 builds, strict mode on both clients and the
//! typed DSL, and the Milvus client's metric check.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Double;
use diesel_seekdb::client::{
    AnnSearch, Distance, Filter, FullScanReason, IndexFilter, SearchPlan, VectorAccess,
};
use diesel_seekdb::diesel_ext::{explain_search, require_vector_index, IndexGuardDsl};
use diesel_seekdb::milvus::{MilvusLikeClient, SearchRequest};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    items (id) { id -> Integer, c -> Integer, v -> Vector }
}

/// `items` with 4-d vectors and, when `index` is given, `vx` built as `WITH (<index>)`.
fn items(conn: &mut MysqlConnection, index: Option<&str>) {
    conn.batch_execute(
        "CREATE TABLE items (id INT PRIMARY KEY, c INT, v VECTOR(4));
         INSERT INTO items VALUES (1,1,'[1,2,3,4]'),(2,2,'[3,2,1,0]'),(3,1,'[0,0,1,1]'),
           (4,2,'[1,1,1,1]'),(5,1,'[4,3,2,1]');",
    )
    .unwrap();
    if let Some(index) = index {
        conn.batch_execute(&format!(
            "CREATE VECTOR INDEX vx ON items(v) WITH ({index})"
        ))
        .unwrap();
    }
}

fn q() -> Vector {
    Vector::from(vec![1.0, 1.0, 1.0, 1.0])
}

fn search(distance: Distance) -> AnnSearch {
    AnnSearch::new("items", "v", vec![1.0, 1.0, 1.0, 1.0])
        .distance(distance)
        .topk(3)
        .output_columns(["id"])
}

fn reason(plan: &SearchPlan) -> FullScanReason {
    plan.full_scan_reason()
        .cloned()
        .unwrap_or_else(|| panic!("expected a full scan: {plan:?}"))
}

fn index_of(plan: &SearchPlan) -> (Option<String>, IndexFilter) {
    match &plan.access {
        VectorAccess::Index { index, filter } => (index.clone(), *filter),
        other => panic!("expected the index: {other:?}\n{}", plan.text),
    }
}

#[test]
fn every_index_type_is_used_by_client_and_dsl() {
    // The index types of seekdb 1.4's dense vectors (diesel-seekdb-rules).
    for ty in [
        "hnsw",
        "hnsw_sq",
        "hnsw_bq",
        "ivf_flat",
        "ivf_sq8",
        "ivf_pq, m=2",
    ] {
        let mut db = TestDb::new("guard_types");
        items(&mut db.conn, Some(&format!("distance=l2, type={ty}")));
        let client = ObVecClient::from_url(&db.url).unwrap();
        let plan = client.search_plan(search(Distance::L2)).unwrap();
        assert_eq!(
            index_of(&plan),
            (Some("vx".into()), IndexFilter::None),
            "{ty}"
        );
        let filtered = client
            .search_plan(search(Distance::L2).filter(Filter::expr(items::c.eq(1))))
            .unwrap();
        assert_eq!(index_of(&filtered).0.as_deref(), Some("vx"), "{ty}");
        assert_ne!(
            index_of(&filtered).1,
            IndexFilter::None,
            "{ty}: {}",
            filtered.text
        );

        let query = items::table
            .select(items::id)
            .order(items::v.l2_distance(q()).approximate())
            .limit(3);
        let plan = explain_search(&mut db.conn, &query).unwrap();
        assert_eq!(index_of(&plan).0.as_deref(), Some("vx"), "{ty}");
        let ids: Vec<i32> = query.load_through_index(&mut db.conn).unwrap();
        assert_eq!(ids.len(), 3, "{ty}");
    }
}

#[test]
fn inner_product_and_cosine_indexes_are_used_with_their_functions() {
    for (metric, distance) in [
        ("inner_product", Distance::InnerProduct),
        ("inner_product", Distance::NegativeInnerProduct),
        ("cosine", Distance::Cosine),
    ] {
        let mut db = TestDb::new("guard_metric");
        items(&mut db.conn, Some(&format!("distance={metric}, type=hnsw")));
        let client = ObVecClient::from_url(&db.url).unwrap();
        let plan = client.search_plan(search(distance)).unwrap();
        assert_eq!(
            index_of(&plan).0.as_deref(),
            Some("vx"),
            "{metric} {distance}"
        );
    }
}

#[test]
fn no_index_and_metric_mismatch_are_named() {
    let mut db = TestDb::new("guard_none");
    items(&mut db.conn, None);
    let client = ObVecClient::from_url(&db.url).unwrap();
    let plan = client.search_plan(search(Distance::L2)).unwrap();
    assert_eq!(
        reason(&plan),
        FullScanReason::NoIndex { column: "v".into() }
    );
    assert!(plan.text.contains("TABLE FULL SCAN"), "{}", plan.text);

    db.conn
        .batch_execute("CREATE VECTOR INDEX vx ON items(v) WITH (distance=l2, type=hnsw)")
        .unwrap();
    client.refresh_metadata();
    let plan = client.search_plan(search(Distance::Cosine)).unwrap();
    assert_eq!(
        reason(&plan),
        FullScanReason::MetricMismatch {
            index: "vx".into(),
            index_metric: "L2".into(),
            query: "cosine_distance".into()
        }
    );
    let plan = client.precise_search_plan(search(Distance::L2)).unwrap();
    assert_eq!(reason(&plan), FullScanReason::MissingApproximate);

    // The typed DSL: the same reasons, and the two only it can make.
    let cosine = items::table
        .select(items::id)
        .order(items::v.cosine_distance(q()).approximate())
        .limit(3);
    assert!(matches!(
        reason(&explain_search(&mut db.conn, &cosine).unwrap()),
        FullScanReason::MetricMismatch { .. }
    ));
    let e = require_vector_index(&mut db.conn, &cosine).unwrap_err();
    assert!(
        matches!(&e, Error::Validation { parameter, reason } if parameter == "index_use"
            && reason.contains("l2_distance or l2_squared")),
        "{e}"
    );
    let exact = items::table
        .select(items::id)
        .order(items::v.l2_distance(q()))
        .limit(3);
    assert_eq!(
        reason(&explain_search(&mut db.conn, &exact).unwrap()),
        FullScanReason::MissingApproximate
    );
    let no_limit = items::table
        .select(items::id)
        .order(items::v.l2_distance(q()).approximate());
    assert_eq!(
        reason(&explain_search(&mut db.conn, &no_limit).unwrap()),
        FullScanReason::MissingLimit
    );
}

#[test]
fn inner_product_descending_is_named() {
    let mut db = TestDb::new("guard_ip");
    items(&mut db.conn, Some("distance=inner_product, type=hnsw"));
    let descending = items::table
        .select(items::id)
        .order(diesel::dsl::sql::<Double>(
            "inner_product(`items`.`v`, '[1,1,1,1]') DESC APPROXIMATE",
        ))
        .limit(3);
    let plan = explain_search(&mut db.conn, &descending).unwrap();
    assert_eq!(reason(&plan), FullScanReason::InnerProductNotNegative);
    assert!(plan.text.contains("TABLE FULL SCAN"), "{}", plan.text);
    let negative = items::table
        .select(items::id)
        .order(items::v.negative_inner_product(q()).approximate())
        .limit(3);
    assert!(explain_search(&mut db.conn, &negative)
        .unwrap()
        .uses_index());
    assert!(descending.load_through_index::<i32>(&mut db.conn).is_err());
}

#[test]
fn strict_mode_refuses_full_scans_on_the_blocking_client() {
    let mut db = TestDb::new("guard_strict");
    items(&mut db.conn, Some("distance=l2, type=hnsw"));
    let client = ObVecClient::from_url(&db.url).unwrap();
    // Off by default: the mismatch runs (as an exact scan).
    assert_eq!(
        client.ann_search(search(Distance::Cosine)).unwrap().len(),
        3
    );
    client.set_strict_index_use(true);
    let e = client.ann_search(search(Distance::Cosine)).unwrap_err();
    assert!(e.to_string().contains("built for L2"), "{e}");
    assert_eq!(client.ann_search(search(Distance::L2)).unwrap().len(), 3);
    // Exact searches are exact by request.
    assert_eq!(
        client
            .precise_search(search(Distance::Cosine))
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn strict_mode_and_plans_on_the_async_client() {
    let mut db = TestDb::new("guard_async");
    items(&mut db.conn, None);
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    let plan = client.search_plan(search(Distance::L2)).await.unwrap();
    assert_eq!(
        reason(&plan),
        FullScanReason::NoIndex { column: "v".into() }
    );
    client.set_strict_index_use(true);
    let e = client.ann_search(search(Distance::L2)).await.unwrap_err();
    assert!(e.to_string().contains("has no vector index"), "{e}");
    db.conn
        .batch_execute("CREATE VECTOR INDEX vx ON items(v) WITH (distance=l2, type=hnsw)")
        .unwrap();
    client.refresh_metadata();
    assert_eq!(
        client.ann_search(search(Distance::L2)).await.unwrap().len(),
        3
    );
    let plan = client.search_plan(search(Distance::L2)).await.unwrap();
    assert_eq!(index_of(&plan).0.as_deref(), Some("vx"));
}

#[test]
fn milvus_search_refuses_a_metric_the_index_was_not_built_for() {
    let mut db = TestDb::new("guard_milvus");
    items(&mut db.conn, Some("distance=l2, type=hnsw"));
    let client = MilvusLikeClient::from_url(&db.url).unwrap();
    let request = || {
        SearchRequest::new("v", vec![vec![1.0, 1.0, 1.0, 1.0]])
            .limit(2)
            .search_params(serde_json::json!({ "metric_type": "COSINE" }))
            .unwrap()
    };
    let e = client.search("items", request()).unwrap_err();
    assert!(e.to_string().contains("metric type not match"), "{e}");
    let hits = client
        .search("items", request().exact_search(true))
        .unwrap();
    // Exact cosine order: [1,1,1,1] (id 4) is the query's direction.
    assert_eq!(hits[0][0].id, serde_json::json!(4));
    assert_eq!(hits[0].len(), 2);
    let l2 = SearchRequest::new("v", vec![vec![1.0, 1.0, 1.0, 1.0]]).limit(2);
    assert_eq!(
        client.search("items", l2).unwrap()[0][0].id,
        serde_json::json!(4)
    );
}

#[tokio::test]
async fn typed_queries_explained_on_diesel_async() {
    use diesel_async::{AsyncConnection, AsyncMysqlConnection};
    use diesel_seekdb::diesel_ext::explain_search_async;
    let mut db = TestDb::new("guard_dsl_async");
    items(&mut db.conn, Some("distance=cosine, type=hnsw"));
    let mut conn = AsyncMysqlConnection::establish(&db.url).await.unwrap();
    let cosine = items::table
        .select(items::id)
        .filter(items::c.eq(1))
        .order(items::v.cosine_distance(q()).approximate())
        .limit(3);
    let plan = explain_search_async(&mut conn, &cosine).await.unwrap();
    assert_eq!(index_of(&plan).0.as_deref(), Some("vx"));
    assert_ne!(index_of(&plan).1, IndexFilter::None, "{}", plan.text);
    let l2 = items::table
        .select(items::id)
        .order(items::v.l2_distance(q()).approximate())
        .limit(3);
    let plan = explain_search_async(&mut conn, &l2).await.unwrap();
    assert!(matches!(
        reason(&plan),
        FullScanReason::MetricMismatch { ref index_metric, .. } if index_metric == "COSINE"
    ));
}
