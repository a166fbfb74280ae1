//! Keyset iterators against the real server, checked as a property on a static table:
//! every matching row exactly once, in order, for many batch sizes and limits,
//! including long runs of ties in distance, on both clients and the Milvus layer.

use diesel::connection::SimpleConnection;
use diesel_seekdb::client::{Distance, QueryIter, SearchIter};
use diesel_seekdb::fragment::{BindValue, SqlFragment};
use diesel_seekdb::milvus::{MilvusLikeClient, SearchRequest};
use diesel_seekdb::{AsyncObVecClient, ObVecClient};
use diesel_seekdb_suite::TestDb;
use futures_util::TryStreamExt;
use serde_json::{Map, Value};

const ROWS: i64 = 67;

/// Row `id`'s vector: one of five points, so most distances are tied.
fn vector(id: i64) -> [f32; 2] {
    let points = [[0.0, 1.0], [2.0, 0.0], [1.0, 1.0], [3.0, 4.0], [0.0, 0.5]];
    points[(id * 7 % 5) as usize]
}

/// A static table `pts (id, g, v)` with ids 1..=ROWS in a shuffled insert order.
fn table(db: &mut TestDb) {
    let mut values = Vec::new();
    for i in 0..ROWS {
        let id = (i * 31) % ROWS + 1;
        let [x, y] = vector(id);
        values.push(format!("({id}, {}, '[{x},{y}]')", id % 3));
    }
    db.conn
        .batch_execute(&format!(
            "CREATE TABLE pts (id BIGINT PRIMARY KEY, g INT, v VECTOR(2));
             INSERT INTO pts VALUES {};",
            values.join(", ")
        ))
        .unwrap();
}

const QUERY: [f32; 2] = [1.0, 0.0];

fn distance(d: Distance, id: i64) -> f64 {
    let [x, y] = vector(id).map(f64::from);
    let (qx, qy) = (f64::from(QUERY[0]), f64::from(QUERY[1]));
    match d {
        Distance::L2 => ((x - qx).powi(2) + (y - qy).powi(2)).sqrt(),
        Distance::Cosine => 1.0 - (x * qx + y * qy) / (x.hypot(y) * qx.hypot(qy)),
        // Ordered by the negative product: largest product first.
        _ => -(x * qx + y * qy),
    }
}

/// The exact order: ids matching `g != 1`, by distance then id.
fn expected_search(d: Distance, filtered: bool) -> Vec<i64> {
    let mut ids: Vec<i64> = (1..=ROWS).filter(|id| !filtered || id % 3 != 1).collect();
    ids.sort_by(|a, b| distance(d, *a).total_cmp(&distance(d, *b)).then(a.cmp(b)));
    ids
}

fn g_not_1() -> SqlFragment {
    let mut f = SqlFragment::raw("`g` <> ");
    f.push_bind(BindValue::Int(1));
    f
}

fn ids(pages: Vec<Vec<Map<String, Value>>>, batch: usize) -> Vec<i64> {
    for (i, page) in pages.iter().enumerate() {
        assert!(page.len() <= batch, "page {i} has {} rows", page.len());
        if i + 1 < pages.len() {
            assert_eq!(page.len(), batch, "only the last page may be short");
        }
    }
    pages
        .into_iter()
        .flatten()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

const BATCHES: [usize; 10] = [1, 2, 3, 5, 7, 10, 13, 33, 66, 1000];

#[test]
fn blocking_iterators_return_every_row_once_in_order() {
    let mut db = TestDb::new("iter_blocking");
    table(&mut db);
    let client = ObVecClient::from_url(&db.url).unwrap();
    for batch in BATCHES {
        let pages: Vec<_> = client
            .query_iter(QueryIter::new("pts").batch_size(batch))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            ids(pages, batch),
            (1..=ROWS).collect::<Vec<_>>(),
            "batch {batch}"
        );

        let pages: Vec<_> = client
            .query_iter(
                QueryIter::new("pts")
                    .filter(g_not_1())
                    .batch_size(batch)
                    .limit(20),
            )
            .collect::<Result<_, _>>()
            .unwrap();
        let want: Vec<i64> = (1..=ROWS).filter(|i| i % 3 != 1).take(20).collect();
        assert_eq!(ids(pages, batch), want, "batch {batch}");

        for d in [Distance::L2, Distance::Cosine, Distance::InnerProduct] {
            for filtered in [false, true] {
                let mut it = SearchIter::new("pts", "v", QUERY.to_vec())
                    .distance(d)
                    .batch_size(batch);
                if filtered {
                    it = it.filter(g_not_1());
                }
                let pages: Vec<_> = client.search_iter(it).collect::<Result<_, _>>().unwrap();
                assert_eq!(
                    ids(pages, batch),
                    expected_search(d, filtered),
                    "{d} filtered={filtered} batch {batch}"
                );
            }
        }
        let it = SearchIter::new("pts", "v", QUERY.to_vec())
            .batch_size(batch)
            .limit(25)
            .output_columns(["g"]);
        let pages: Vec<_> = client.search_iter(it).collect::<Result<_, _>>().unwrap();
        assert!(pages
            .iter()
            .flatten()
            .all(|r| r.contains_key("distance") && r.contains_key("g") && !r.contains_key("v")));
        let mut want = expected_search(Distance::L2, false);
        want.truncate(25);
        assert_eq!(ids(pages, batch), want, "limit 25, batch {batch}");
    }
    // The reported inner-product distance is the product itself (largest first).
    let first = client
        .search_iter(SearchIter::new("pts", "v", QUERY.to_vec()).distance(Distance::InnerProduct))
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(first[0]["distance"].as_f64(), Some(3.0));
    assert!(
        !first[0].keys().any(|k| k.starts_with("__")),
        "{:?}",
        first[0]
    );
}

#[test]
fn iterators_refuse_bad_input() {
    let mut db = TestDb::new("iter_bad");
    table(&mut db);
    db.conn
        .batch_execute("CREATE TABLE nokey (n INT, v VECTOR(2))")
        .unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    let mut it = client.query_iter(QueryIter::new("pts").batch_size(0));
    assert!(it.next().unwrap().is_err());
    assert!(it.next().is_none(), "an error ends the iteration");
    assert!(client
        .query_iter(QueryIter::new("nokey"))
        .next()
        .unwrap()
        .is_err());
    assert!(client
        .search_iter(SearchIter::new("pts", "v", vec![1.0, 2.0, 3.0]))
        .next()
        .unwrap()
        .is_err());
    assert!(client
        .search_iter(SearchIter::new("pts", "v", vec![0.0, 0.0]).distance(Distance::Cosine))
        .next()
        .unwrap()
        .is_err());
}

#[tokio::test]
async fn async_streams_return_every_row_once_in_order() {
    let mut db = TestDb::new("iter_async");
    table(&mut db);
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    for batch in [1, 4, 9, 66, 67, 68] {
        let pages: Vec<_> = client
            .query_stream(QueryIter::new("pts").batch_size(batch))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            ids(pages, batch),
            (1..=ROWS).collect::<Vec<_>>(),
            "batch {batch}"
        );
        let it = SearchIter::new("pts", "v", QUERY.to_vec())
            .distance(Distance::Cosine)
            .filter(g_not_1())
            .batch_size(batch);
        let pages: Vec<_> = client.search_stream(it).try_collect().await.unwrap();
        assert_eq!(
            ids(pages, batch),
            expected_search(Distance::Cosine, true),
            "batch {batch}"
        );
    }
}

#[test]
fn milvus_iterators() {
    let mut db = TestDb::new("iter_milvus");
    table(&mut db);
    let client = MilvusLikeClient::from_url(&db.url).unwrap();
    for batch in [1, 6, 50] {
        let pages: Vec<_> = client
            .query_iterator("pts", "g != 1", None, &["g"], batch, Some(30))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let want: Vec<i64> = (1..=ROWS).filter(|i| i % 3 != 1).take(30).collect();
        assert_eq!(ids(pages, batch), want);

        let request = SearchRequest::new("v", vec![QUERY.to_vec()])
            .filter("g != 1")
            .output_fields(["g"]);
        let hits: Vec<i64> = client
            .search_iterator("pts", request, batch, None)
            .unwrap()
            .map(|page| page.unwrap())
            .flatten()
            .map(|h| {
                assert!(h.distance.is_some() && h.entity.contains_key("g"));
                h.id.as_i64().unwrap()
            })
            .collect();
        assert_eq!(hits, expected_search(Distance::L2, true), "batch {batch}");
    }
    let two = SearchRequest::new("v", vec![QUERY.to_vec(), QUERY.to_vec()]);
    assert!(client.search_iterator("pts", two, 10, None).is_err());
}
