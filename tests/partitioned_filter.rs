//! The partitioned layout for filtered search: a table LIST-partitioned by the filter
//! column (one partition per value) answers `page = 3` from one partition. Checked on
//! the real server: the plan reads one partition, the typed DSL's plain WHERE and the
//! client's filter give the exact filtered top-k, and a search of the partition itself
//! (`AnnSearch::partitions`, no filter) runs on that partition's vector index and returns
//! only its rows.

use diesel::prelude::*;
use diesel_seekdb::client::{AnnSearch, Distance, Filter};
use diesel_seekdb::ddl::{Column, ColumnType, CreateTable, Partition, PartitionDef};
use diesel_seekdb::fragment::{BindValue, SqlFragment};
use diesel_seekdb::prelude::*;
use diesel_seekdb::ObVecClient;
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Value};

const N: i64 = 2000;
const DIM: usize = 8;
const K: usize = 10;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    parts (id, page) {
        id -> BigInt,
        page -> Integer,
        v -> Vector,
    }
}

/// A deterministic vector per id (an LCG): no ties among distances.
fn vector(seed: u64) -> Vec<f32> {
    let mut x = seed
        .wrapping_mul(2862933555777941757)
        .wrapping_add(3037000493);
    (0..DIM)
        .map(|_| {
            x = x.wrapping_mul(2862933555777941757).wrapping_add(3037000493);
            ((x >> 33) as f64 / (1u64 << 31) as f64) as f32
        })
        .collect()
}

fn table() -> CreateTable {
    let mut by_page = Partition::list("page");
    for p in 0..10 {
        by_page = by_page.partition(PartitionDef::values_in(format!("p{p}"), [p]));
    }
    CreateTable::new("parts")
        .column(Column::new("id", ColumnType::BigInt))
        .column(Column::new("page", ColumnType::Int))
        .column(Column::new("v", ColumnType::Vector(DIM as u32)))
        // seekdb requires the partitioning column in the primary key (1503).
        .primary_key(["id", "page"])
        .partition(by_page)
}

fn query() -> Vec<f32> {
    vector(424_242)
}

/// The exact top-k ids among the rows of `page`, by L2 distance.
fn exact(page: i64) -> Vec<i64> {
    let q = query();
    let mut d: Vec<(f64, i64)> = (0..N)
        .filter(|id| id % 10 == page)
        .map(|id| {
            let v = vector(id as u64);
            let s: f64 = v
                .iter()
                .zip(&q)
                .map(|(a, b)| f64::from(a - b).powi(2))
                .sum();
            (s, id)
        })
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    d.into_iter().take(K).map(|x| x.1).collect()
}

fn ids(rows: &[serde_json::Map<String, Value>]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

fn setup(db: &TestDb) -> ObVecClient {
    let client = ObVecClient::from_url(&db.url).unwrap();
    client.create_table(&table()).unwrap();
    let rows: Vec<Value> = (0..N)
        .map(|id| json!({"id": id, "page": id % 10, "v": vector(id as u64)}))
        .collect();
    for chunk in rows.chunks(500) {
        assert_eq!(client.insert("parts", chunk, None).unwrap(), chunk.len());
    }
    // Rows first, the index after: every partition gets its own local index.
    client
        .create_index(
            "parts",
            true,
            "vidx",
            &["v"],
            Some("distance=l2, type=hnsw, lib=vsag"),
        )
        .unwrap();
    client
}

#[test]
fn a_filter_on_the_partition_column_reads_one_partition_and_is_exact() {
    let db = TestDb::new("part_filter");
    let client = setup(&db);
    let page3 = || {
        AnnSearch::new("parts", "v", query())
            .distance(Distance::L2)
            .topk(K)
            .output_columns(["id"])
            .filter(Filter::from(SqlFragment {
                sql: "`page` = ?".into(),
                binds: vec![BindValue::Int(3)],
            }))
    };
    let plan = client.explain_ann_search(page3()).unwrap();
    assert!(plan.contains("partitions(p3)"), "not pruned to p3:\n{plan}");
    assert_eq!(ids(&client.ann_search(page3()).unwrap()), exact(3));

    // The typed DSL's plain WHERE is pruned the same way.
    let mut conn = db.connect();
    let typed: Vec<i64> = parts::table
        .select(parts::id)
        .filter(parts::page.eq(3))
        .order(parts::v.l2_distance(Vector::from(query())).approximate())
        .limit(K as i64)
        .load(&mut conn)
        .unwrap();
    assert_eq!(typed, exact(3));
}

#[test]
fn searching_a_partition_uses_its_vector_index_and_returns_only_its_rows() {
    let db = TestDb::new("part_clause");
    let client = setup(&db);
    let in_p7 = || {
        AnnSearch::new("parts", "v", query())
            .distance(Distance::L2)
            .topk(K)
            .output_columns(["id"])
            .partitions(["p7"])
    };
    let plan = client.explain_ann_search(in_p7()).unwrap();
    assert!(plan.contains("partitions(p7)"), "{plan}");
    assert!(plan.contains("VECTOR INDEX SCAN"), "no index scan:\n{plan}");
    let found = ids(&client.ann_search(in_p7()).unwrap());
    assert_eq!(found.len(), K);
    assert!(found.iter().all(|id| id % 10 == 7), "{found:?}");
    // An approximate search: the nearest row must be found, and most of the top-k.
    let want = exact(7);
    assert_eq!(found[0], want[0]);
    let hits = found.iter().filter(|id| want.contains(id)).count();
    assert!(hits >= 8, "recall {hits}/10: {found:?} vs {want:?}");

    // A partition name the table does not have is the server's 1735, not an empty result.
    let err = client
        .ann_search(in_p7().partitions(["p_missing"]))
        .unwrap_err();
    assert!(
        err.to_string().contains("1735") || err.to_string().contains("partition"),
        "{err}"
    );
}
