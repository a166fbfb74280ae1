//! A new user's program for the index-use guard (README "Index-use guard") on hostile
//! names, on both clients: the plan names the index or the reason, strict mode refuses
//! a scanning search with a typed error and still runs an indexed one.

use diesel::connection::SimpleConnection;
use diesel_seekdb::client::{AnnSearch, Distance};
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;

const INDEXED: &str = "g'x; t";
const BARE: &str = "g`b t";

fn create(db: &mut TestDb) {
    db.conn
        .batch_execute(
            "CREATE TABLE `g'x; t` (id INT PRIMARY KEY, `v 1` VECTOR(2),
               VECTOR INDEX vx(`v 1`) WITH (distance=l2, type=hnsw));
             INSERT INTO `g'x; t` VALUES (1, '[0,0]'), (2, '[1,1]'), (3, '[5,5]');
             CREATE TABLE `g``b t` (id INT PRIMARY KEY, `v 1` VECTOR(2));
             INSERT INTO `g``b t` VALUES (1, '[0,0]'), (2, '[1,1]'), (3, '[5,5]');",
        )
        .unwrap();
}

fn ids(rows: &[serde_json::Map<String, serde_json::Value>]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

#[test]
fn guard_blocking() {
    let mut db = TestDb::new("nu_guard");
    create(&mut db);
    let client = ObVecClient::from_url(&db.url).unwrap();
    let search = |t: &str| AnnSearch::new(t, "v 1", vec![0.9f32, 0.9]).topk(2);
    let plan = client.search_plan(search(INDEXED)).unwrap();
    assert!(plan.full_scan_reason().is_none(), "{plan:?}");
    let plan = client.search_plan(search(BARE)).unwrap();
    let reason = plan.full_scan_reason().expect("no index: a full scan");
    assert!(!reason.fix().is_empty());
    let plan = client
        .search_plan(search(INDEXED).distance(Distance::Cosine))
        .unwrap();
    assert!(
        plan.full_scan_reason().is_some(),
        "metric mismatch: {plan:?}"
    );

    client.set_strict_index_use(true);
    assert_eq!(
        ids(&client.ann_search(search(INDEXED)).unwrap()),
        vec![2, 1]
    );
    let e = client.ann_search(search(BARE)).unwrap_err();
    assert!(
        !matches!(e, Error::Database { .. }),
        "want a typed refusal: {e:?}"
    );
    println!("strict refusal: {e}");
    client.set_strict_index_use(false);
    assert_eq!(ids(&client.ann_search(search(BARE)).unwrap()), vec![2, 1]);
}

#[tokio::test]
async fn guard_async() {
    let mut db = TestDb::new("nu_guard_a");
    create(&mut db);
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    let search = |t: &str| AnnSearch::new(t, "v 1", vec![0.9f32, 0.9]).topk(2);
    let plan = client.search_plan(search(INDEXED)).await.unwrap();
    assert!(plan.full_scan_reason().is_none(), "{plan:?}");
    let plan = client.search_plan(search(BARE)).await.unwrap();
    assert!(plan.full_scan_reason().is_some(), "{plan:?}");
    client.set_strict_index_use(true);
    assert_eq!(
        ids(&client.ann_search(search(INDEXED)).await.unwrap()),
        vec![2, 1]
    );
    let e = client.ann_search(search(BARE)).await.unwrap_err();
    assert!(
        !matches!(e, Error::Database { .. }),
        "want a typed refusal: {e:?}"
    );
}
