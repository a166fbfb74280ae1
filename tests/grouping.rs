//! Grouping search against an exact computation on a known dataset, on both clients
//! and the Milvus layer, approximate and exact, strict and not.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_seekdb::client::{AnnSearch, GroupedSearch, SearchGroup};
use diesel_seekdb::diesel_ext::group_nearest;
use diesel_seekdb::milvus::{MilvusLikeClient, SearchRequest};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{AsyncObVecClient, ObVecClient};
use diesel_seekdb_suite::TestDb;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    chunks (id) { id -> Integer, doc -> Integer, v -> Vector }
}

const ROWS: i64 = 90;
/// Chosen so that no two rows are at the same distance (checked in `expected`).
const QUERY: [f32; 2] = [50.125, 49.375];

fn point(id: i64) -> [f32; 2] {
    [((id * 37) % 101) as f32, ((id * 53) % 97) as f32]
}

/// Row `id` belongs to document `doc(id)`: 7 documents of 6 to 14 chunks.
fn doc(id: i64) -> i64 {
    (id * id) % 13
}

fn dist2(id: i64) -> f64 {
    let [x, y] = point(id);
    let (dx, dy) = (f64::from(x - QUERY[0]), f64::from(y - QUERY[1]));
    dx * dx + dy * dy
}

fn table(db: &mut TestDb) {
    let values: Vec<String> = (1..=ROWS)
        .map(|id| {
            let [x, y] = point(id);
            format!("({id}, {}, '[{x},{y}]')", doc(id))
        })
        .collect();
    db.conn
        .batch_execute(&format!(
            "CREATE TABLE chunks (id INT PRIMARY KEY, doc INT, v VECTOR(2),
               VECTOR INDEX vx(v) WITH (distance=l2, type=hnsw));
             INSERT INTO chunks VALUES {};",
            values.join(", ")
        ))
        .unwrap();
}

/// The exact answer: documents by their nearest chunk, each with its nearest chunks.
fn expected(groups: usize, size: usize) -> Vec<(i64, Vec<i64>)> {
    let mut ids: Vec<i64> = (1..=ROWS).collect();
    ids.sort_by(|a, b| dist2(*a).total_cmp(&dist2(*b)));
    assert!(
        ids.windows(2).all(|w| dist2(w[1]) - dist2(w[0]) >= 0.25),
        "the dataset must have no ties"
    );
    let mut out: Vec<(i64, Vec<i64>)> = Vec::new();
    for id in ids {
        match out.iter_mut().find(|(d, _)| *d == doc(id)) {
            Some((_, members)) => {
                if members.len() < size {
                    members.push(id)
                }
            }
            None => out.push((doc(id), vec![id])),
        }
    }
    out.truncate(groups);
    out
}

fn got(groups: &[SearchGroup]) -> Vec<(i64, Vec<i64>)> {
    groups
        .iter()
        .map(|g| {
            let ids = g.rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
            for r in &g.rows {
                assert!(r["distance"].as_f64().is_some(), "{r:?}");
            }
            (g.value.as_i64().unwrap(), ids)
        })
        .collect()
}

/// Non-strict groups: the right groups in order, each a prefix of the exact members.
fn assert_prefixes(got: &[(i64, Vec<i64>)], want: &[(i64, Vec<i64>)]) {
    assert_eq!(
        got.iter().map(|g| g.0).collect::<Vec<_>>(),
        want.iter().map(|g| g.0).collect::<Vec<_>>()
    );
    for ((_, g), (_, w)) in got.iter().zip(want) {
        assert!(
            !g.is_empty() && w.starts_with(g),
            "{g:?} is not a prefix of {w:?}"
        );
    }
}

fn grouped(groups: usize, size: usize, strict: bool, exact: bool) -> GroupedSearch {
    let search = AnnSearch::new("chunks", "v", QUERY.to_vec())
        .topk(groups)
        .output_columns(["id"]);
    GroupedSearch::new(search, "doc")
        .group_size(size)
        .strict_group_size(strict)
        .exact(exact)
}

// (1, 7) and (2, 6) need more than the first round of 16 candidates.
const CASES: [(usize, usize); 7] = [(1, 1), (1, 7), (2, 6), (3, 2), (5, 3), (13, 4), (20, 10)];

#[test]
fn blocking_grouped_search_matches_the_exact_answer() {
    let mut db = TestDb::new("group_blocking");
    table(&mut db);
    let client = ObVecClient::from_url(&db.url).unwrap();
    for (groups, size) in CASES {
        let want = expected(groups, size);
        for exact in [false, true] {
            let strict = got(&client
                .grouped_search(grouped(groups, size, true, exact))
                .unwrap());
            assert_eq!(strict, want, "groups {groups} size {size} exact {exact}");
            let loose = got(&client
                .grouped_search(grouped(groups, size, false, exact))
                .unwrap());
            assert_prefixes(&loose, &want);
        }
    }
    // The grouping column is returned only when asked for.
    let g = client.grouped_search(grouped(2, 2, true, false)).unwrap();
    assert!(!g[0].rows[0].contains_key("doc"));
    assert!(client.grouped_search(grouped(2, 0, true, false)).is_err());
    let bad = GroupedSearch::new(AnnSearch::new("chunks", "v", QUERY.to_vec()), "nope");
    assert!(client.grouped_search(bad).is_err());
}

#[tokio::test]
async fn async_grouped_search_matches_the_exact_answer() {
    let mut db = TestDb::new("group_async");
    table(&mut db);
    let client = AsyncObVecClient::from_url(&db.url).await.unwrap();
    for (groups, size) in CASES {
        let g = client
            .grouped_search(grouped(groups, size, true, false))
            .await
            .unwrap();
        assert_eq!(
            got(&g),
            expected(groups, size),
            "groups {groups} size {size}"
        );
    }
}

#[test]
fn milvus_grouping_search() {
    let mut db = TestDb::new("group_milvus");
    table(&mut db);
    let client = MilvusLikeClient::from_url(&db.url).unwrap();
    for (groups, size) in CASES {
        let request = SearchRequest::new("v", vec![QUERY.to_vec()])
            .limit(groups)
            .group_by_field("doc")
            .group_size(size)
            .strict_group_size(true);
        let hits = &client.search("chunks", request).unwrap()[0];
        let flat: Vec<(i64, i64)> = hits
            .iter()
            .map(|h| (h.entity["doc"].as_i64().unwrap(), h.id.as_i64().unwrap()))
            .collect();
        let want: Vec<(i64, i64)> = expected(groups, size)
            .into_iter()
            .flat_map(|(d, ids)| ids.into_iter().map(move |id| (d, id)))
            .collect();
        assert_eq!(flat, want, "groups {groups} size {size}");
    }
}

#[test]
fn typed_rows_grouped_by_group_nearest() {
    let mut db = TestDb::new("group_typed");
    table(&mut db);
    let rows: Vec<(i32, i32)> = chunks::table
        .select((chunks::id, chunks::doc))
        .order(
            chunks::v
                .l2_distance(Vector::from(QUERY.to_vec()))
                .approximate(),
        )
        .limit(ROWS)
        .load(&mut db.conn)
        .unwrap();
    for (groups, size) in CASES {
        let got: Vec<(i64, Vec<i64>)> = group_nearest(rows.iter().copied(), |r| r.1, groups, size)
            .into_iter()
            .map(|(d, rows)| (i64::from(d), rows.iter().map(|r| i64::from(r.0)).collect()))
            .collect();
        assert_eq!(got, expected(groups, size), "groups {groups} size {size}");
    }
}
