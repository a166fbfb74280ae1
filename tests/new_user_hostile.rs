//! A new user's program from the README alone (iterators, grouping, bulk loading, tuning),
//! on a table and columns with hostile names, on both clients: exact results compared
//! with a computation here, bad input answered with a typed error that loses nothing.

use diesel::connection::SimpleConnection;
use diesel_seekdb::client::{
    AnnSearch, BulkLoadOptions, GroupedSearch, QueryIter, RecallSample, SearchIter, SearchKnob,
};
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;
use futures_util::TryStreamExt;
use serde_json::{json, Value};

/// Backtick, quote, semicolon, space: every one must be quoted.
const TABLE: &str = "we`ird'; tbl";
/// seekdb 1.4 cannot build a vector index on a column whose name holds a backtick
/// (its own internal SQL fails with 1064 near `) FROM DUAL`), so this one has none.
const VEC: &str = "e'm b";
const GROUP: &str = "d`o'c";
const ROWS: i64 = 40;

fn vector(id: i64) -> [f32; 2] {
    [((id * 7) % 41) as f32, ((id * 11) % 43) as f32]
}

fn doc(id: i64) -> i64 {
    id % 6
}

fn rows(n: i64) -> Vec<Value> {
    (1..=n)
        .map(|id| json!({"id": id, GROUP: doc(id), VEC: vector(id)}))
        .collect()
}

fn create(db: &mut TestDb) {
    db.conn
        .batch_execute(
            "CREATE TABLE `we``ird'; tbl` (id INT PRIMARY KEY, `d``o'c` INT, `e'm b` VECTOR(2),
               VECTOR INDEX vx(`e'm b`) WITH (distance=l2, type=hnsw))",
        )
        .unwrap();
}

const Q: [f32; 2] = [20.5, 21.25];

fn exact_order() -> Vec<i64> {
    let d = |id: i64| {
        let [x, y] = vector(id).map(f64::from);
        (x - f64::from(Q[0])).powi(2) + (y - f64::from(Q[1])).powi(2)
    };
    let mut ids: Vec<i64> = (1..=ROWS).collect();
    ids.sort_by(|a, b| d(*a).total_cmp(&d(*b)).then(a.cmp(b)));
    ids
}

fn ids(rows: &[serde_json::Map<String, Value>]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

fn is_validation(e: &Error) -> bool {
    matches!(e, Error::Validation { .. } | Error::Dimension { .. })
}

#[test]
fn blocking_client_on_hostile_names() {
    let mut db = TestDb::new("nu_hostile");
    create(&mut db);
    let client = ObVecClient::from_url(&db.url).unwrap();

    // A NaN in row 3: typed error naming the row, nothing loaded.
    let mut bad = rows(5);
    bad[3][VEC] = json!([1.0, "NaN"]);
    let err = client
        .bulk_load(TABLE, bad, BulkLoadOptions::new())
        .unwrap_err();
    assert!(is_validation(&err), "{err:?}");
    assert!(err.to_string().contains("rows[3]"), "{err}");
    let all: Vec<i64> = client
        .query_iter(QueryIter::new(TABLE))
        .map(|p| ids(&p.unwrap()))
        .collect::<Vec<_>>()
        .concat();
    assert!(all.is_empty(), "a failed bulk load left rows: {all:?}");

    client
        .bulk_load(TABLE, rows(ROWS), BulkLoadOptions::new())
        .unwrap();

    let all: Vec<i64> = client
        .query_iter(QueryIter::new(TABLE).batch_size(7))
        .map(|p| ids(&p.unwrap()))
        .collect::<Vec<_>>()
        .concat();
    assert_eq!(all, (1..=ROWS).collect::<Vec<_>>());

    let found: Vec<i64> = client
        .search_iter(SearchIter::new(TABLE, VEC, Q.to_vec()).batch_size(9))
        .map(|p| ids(&p.unwrap()))
        .collect::<Vec<_>>()
        .concat();
    assert_eq!(found, exact_order());

    let groups = client
        .grouped_search(
            GroupedSearch::new(AnnSearch::new(TABLE, VEC, Q.to_vec()).topk(3), GROUP)
                .group_size(2)
                .exact(true),
        )
        .unwrap();
    let mut want: Vec<(i64, Vec<i64>)> = Vec::new();
    for id in exact_order() {
        match want.iter_mut().find(|(d, _)| *d == doc(id)) {
            Some((_, m)) if m.len() < 2 => m.push(id),
            Some(_) => {}
            None => want.push((doc(id), vec![id])),
        }
    }
    want.truncate(3);
    let got: Vec<(i64, Vec<i64>)> = groups
        .iter()
        .map(|g| (g.value.as_i64().unwrap(), ids(&g.rows)))
        .collect();
    assert_eq!(got, want);

    let sample = RecallSample::new(TABLE, VEC, vec![Q.to_vec()]).k(5);
    let r = client
        .recall_at_k(&sample, SearchKnob::EfSearch(64))
        .unwrap();
    assert!((0.0..=1.0).contains(&r.recall), "{r:?}");

    // Bad input: typed errors, no panic.
    for e in [
        client
            .query_iter(QueryIter::new(TABLE).batch_size(0))
            .next()
            .unwrap()
            .unwrap_err(),
        client
            .search_iter(SearchIter::new(TABLE, VEC, vec![1.0, 2.0, 3.0]))
            .next()
            .unwrap()
            .unwrap_err(),
        client
            .grouped_search(
                GroupedSearch::new(AnnSearch::new(TABLE, VEC, Q.to_vec()), GROUP).group_size(0),
            )
            .unwrap_err(),
        client
            .recall_at_k(
                &RecallSample::new(TABLE, VEC, vec![vec![1.0f32, f32::NAN]]),
                SearchKnob::EfSearch(64),
            )
            .unwrap_err(),
        client
            .recall_at_k(
                &RecallSample::new(TABLE, VEC, vec![vec![1.0f32, 2.0, 3.0]]),
                SearchKnob::EfSearch(64),
            )
            .unwrap_err(),
    ] {
        assert!(is_validation(&e), "untyped: {e:?}");
    }
    // A group field that does not exist: an error, not a panic.
    let e = client
        .grouped_search(GroupedSearch::new(
            AnnSearch::new(TABLE, VEC, Q.to_vec()),
            "nope`x",
        ))
        .unwrap_err();
    println!("unknown group field: {e}");
    // The table is intact after all that.
    let n: usize = client
        .query_iter(QueryIter::new(TABLE))
        .map(|p| p.unwrap().len())
        .sum();
    assert_eq!(n, ROWS as usize);
}

#[tokio::test]
async fn async_client_on_hostile_names() {
    let mut db = TestDb::new("nu_hostile_a");
    create(&mut db);
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();

    let mut bad = rows(5);
    bad[2]["id"] = json!(1); // duplicate key
    let err = client
        .bulk_load(TABLE, bad, BulkLoadOptions::new())
        .await
        .unwrap_err();
    assert!(is_validation(&err), "{err:?}");

    client
        .bulk_load(TABLE, rows(ROWS), BulkLoadOptions::new())
        .await
        .unwrap();
    let pages: Vec<_> = client
        .query_stream(QueryIter::new(TABLE).batch_size(6))
        .try_collect()
        .await
        .unwrap();
    let all: Vec<i64> = pages.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(all, (1..=ROWS).collect::<Vec<_>>());
    let pages: Vec<_> = client
        .search_stream(
            SearchIter::new(TABLE, VEC, Q.to_vec())
                .batch_size(11)
                .limit(25),
        )
        .try_collect()
        .await
        .unwrap();
    let found: Vec<i64> = pages.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(found, exact_order()[..25].to_vec());

    let groups = client
        .grouped_search(
            GroupedSearch::new(AnnSearch::new(TABLE, VEC, Q.to_vec()).topk(6), GROUP)
                .group_size(40)
                .strict_group_size(true)
                .exact(true),
        )
        .await
        .unwrap();
    assert_eq!(groups.len(), 6);
    let total: usize = groups.iter().map(|g| g.rows.len()).sum();
    assert_eq!(total, ROWS as usize);

    let e = client
        .grouped_search(
            GroupedSearch::new(AnnSearch::new(TABLE, VEC, Q.to_vec()), GROUP).group_size(0),
        )
        .await
        .unwrap_err();
    assert!(is_validation(&e), "{e:?}");
    let e = client
        .recall_at_k(
            &RecallSample::new(TABLE, VEC, vec![vec![f32::INFINITY, 1.0]]),
            SearchKnob::EfSearch(64),
        )
        .await
        .unwrap_err();
    assert!(is_validation(&e), "{e:?}");
}

#[test]
fn milvus_client_on_hostile_names() {
    use diesel_seekdb::milvus::{MilvusLikeClient, SearchRequest};
    let mut db = TestDb::new("nu_hostile_m");
    create(&mut db);
    ObVecClient::from_url(&db.url)
        .unwrap()
        .bulk_load(TABLE, rows(ROWS), BulkLoadOptions::new())
        .unwrap();
    let client = MilvusLikeClient::from_url(&db.url).unwrap();

    let pages: Vec<_> = client
        .query_iterator(TABLE, "", None, &[GROUP], 7, None)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let all: Vec<i64> = pages.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(all, (1..=ROWS).collect::<Vec<_>>());

    let hits: Vec<i64> = client
        .search_iterator(TABLE, SearchRequest::new(VEC, vec![Q.to_vec()]), 9, None)
        .unwrap()
        .flat_map(|page| page.unwrap())
        .map(|h| h.id.as_i64().unwrap())
        .collect();
    assert_eq!(hits, exact_order());

    let request = SearchRequest::new(VEC, vec![Q.to_vec()])
        .limit(3)
        .group_by_field(GROUP)
        .group_size(2)
        .strict_group_size(true)
        .exact_search(true);
    let flat: Vec<i64> = client.search(TABLE, request).unwrap()[0]
        .iter()
        .map(|h| h.id.as_i64().unwrap())
        .collect();
    let mut want: Vec<(i64, Vec<i64>)> = Vec::new();
    for id in exact_order() {
        match want.iter_mut().find(|(d, _)| *d == doc(id)) {
            Some((_, m)) if m.len() < 2 => m.push(id),
            Some(_) => {}
            None => want.push((doc(id), vec![id])),
        }
    }
    want.truncate(3);
    assert_eq!(
        flat,
        want.into_iter().flat_map(|(_, m)| m).collect::<Vec<_>>()
    );

    assert!(client
        .query_iterator(TABLE, "", None, &[GROUP], 0, None)
        .map(|mut it| it.next().map(|r| r.is_err()).unwrap_or(true))
        .unwrap_or(true));
}
