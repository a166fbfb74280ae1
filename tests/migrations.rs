//! The project's migrations apply and revert on a real server, one by one, and the
//! tables they create take typed rows through `diesel_seekdb_suite::schema`.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_migrations::MigrationHarness;
use diesel_seekdb::prelude::*;
use diesel_seekdb_suite::schema::{articles, item_features, tenant_events};
use diesel_seekdb_suite::{TestDb, MIGRATIONS};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn table_exists(conn: &mut MysqlConnection, table: &str) -> bool {
    let row: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    )
    .bind::<Text, _>(table)
    .get_result(conn)
    .unwrap();
    row.n == 1
}

/// `(Key_name, Index_type)` of every index `SHOW INDEX` lists for `table`.
fn indexes(conn: &mut MysqlConnection, table: &str) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Index {
        #[diesel(sql_type = Text, column_name = "Key_name")]
        name: String,
        #[diesel(sql_type = Text, column_name = "Index_type")]
        kind: String,
    }
    let rows: Vec<Index> = diesel::sql_query(format!("SHOW INDEX FROM `{table}`"))
        .load(conn)
        .unwrap();
    rows.into_iter().map(|i| (i.name, i.kind)).collect()
}

fn has_index(conn: &mut MysqlConnection, table: &str, name: &str, kind: &str) -> bool {
    indexes(conn, table)
        .iter()
        .any(|(n, k)| n == name && k == kind)
}

fn partitions(conn: &mut MysqlConnection, table: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Part {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<Part> = diesel::sql_query(
        "SELECT PARTITION_NAME AS name FROM information_schema.PARTITIONS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL \
         ORDER BY PARTITION_ORDINAL_POSITION",
    )
    .bind::<Text, _>(table)
    .load(conn)
    .unwrap();
    rows.into_iter().map(|p| p.name).collect()
}

#[test]
fn migrations_apply_and_revert() {
    let mut db = TestDb::new("mig");
    let conn = &mut db.conn;
    let applied = conn.run_pending_migrations(MIGRATIONS).unwrap();
    let applied: Vec<String> = applied.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        applied,
        [
            "20261125000001",
            "20261125000002",
            "20261125000003",
            "20261125000004"
        ]
    );

    assert!(has_index(conn, "items", "items_embedding_idx", "VECTOR"));
    assert!(has_index(conn, "articles", "articles_body_ftx", "FULLTEXT"));
    assert!(has_index(
        conn,
        "articles",
        "articles_embedding_idx",
        "VECTOR"
    ));
    assert!(has_index(
        conn,
        "tenant_events",
        "tenant_events_embedding_idx",
        "VECTOR"
    ));
    assert_eq!(partitions(conn, "tenant_events"), ["p0", "p1", "pmax"]);
    assert!(has_index(
        conn,
        "item_features",
        "item_features_terms_idx",
        "VECTOR"
    ));
    assert!(!conn.has_pending_migration(MIGRATIONS).unwrap());

    // Each down.sql undoes exactly its own migration, newest first.
    for (version, table) in [
        ("20261125000004", "item_features"),
        ("20261125000003", "tenant_events"),
        ("20261125000002", "articles"),
        ("20261125000001", "items"),
    ] {
        assert!(table_exists(conn, table), "{table} before revert");
        let reverted = conn.revert_last_migration(MIGRATIONS).unwrap();
        assert_eq!(reverted.to_string(), version);
        assert!(!table_exists(conn, table), "{table} after revert");
    }
    assert!(conn.has_pending_migration(MIGRATIONS).unwrap());

    // And they apply again on top of their own reverts.
    assert_eq!(conn.run_pending_migrations(MIGRATIONS).unwrap().len(), 4);
    conn.revert_all_migrations(MIGRATIONS).unwrap();
    for table in ["items", "articles", "tenant_events", "item_features"] {
        assert!(!table_exists(conn, table), "{table} after revert_all");
    }
}

#[test]
fn migrated_tables_take_typed_rows() {
    let mut db = TestDb::new("migrows");
    let conn = &mut db.conn;
    conn.run_pending_migrations(MIGRATIONS).unwrap();

    // Full-text and cosine ANN on the heap table: the ngram parser splits CJK text
    // into 2-grams, so "全文" finds only the second article.
    diesel::insert_into(articles::table)
        .values(&[
            (
                articles::title.eq("vectors"),
                articles::body.eq("approximate nearest neighbour search: 向量检索"),
                articles::embedding.eq(Vector::from(vec![1.0, 0.0, 0.0, 0.0])),
            ),
            (
                articles::title.eq("text"),
                articles::body.eq("inverted index and ranking: 全文索引"),
                articles::embedding.eq(Vector::from(vec![0.0, 1.0, 0.0, 0.0])),
            ),
        ])
        .execute(conn)
        .unwrap();
    let by_keyword: Vec<String> = articles::table
        .filter(match_against(articles::body, "全文").matches())
        .select(articles::title)
        .load(conn)
        .unwrap();
    assert_eq!(by_keyword, ["text"]);
    let nearest: Vec<String> = articles::table
        .select(articles::title)
        .order(
            articles::embedding
                .cosine_distance(Vector::from(vec![0.9, 0.1, 0.0, 0.0]))
                .approximate(),
        )
        .limit(1)
        .load(conn)
        .unwrap();
    assert_eq!(nearest, ["vectors"]);

    // Rows land in the partition their tenant falls into.
    diesel::insert_into(tenant_events::table)
        .values(&[
            (
                tenant_events::id.eq(1),
                tenant_events::tenant.eq(5),
                tenant_events::kind.eq("click"),
                tenant_events::embedding.eq(Vector::from(vec![1.0, 1.0, 0.0, 0.0])),
            ),
            (
                tenant_events::id.eq(2),
                tenant_events::tenant.eq(5000),
                tenant_events::kind.eq("view"),
                tenant_events::embedding.eq(Vector::from(vec![0.0, 0.0, 1.0, 1.0])),
            ),
        ])
        .execute(conn)
        .unwrap();
    let in_pmax: Count =
        diesel::sql_query("SELECT COUNT(*) AS n FROM tenant_events PARTITION(pmax)")
            .get_result(conn)
            .unwrap();
    assert_eq!(in_pmax.n, 1);

    // Sparse and array columns round-trip through their SQL types.
    let terms = SparseVector::from_pairs([(3, 0.5), (17, 2.0)]).unwrap();
    diesel::insert_into(item_features::table)
        .values((
            item_features::item_id.eq(7),
            item_features::terms.eq(&terms),
            item_features::scores.eq(SqlArray::from(vec![0.25f32, 1.5])),
            item_features::tags.eq(SqlArray::from(vec!["a".to_string(), "b c".to_string()])),
        ))
        .execute(conn)
        .unwrap();
    let (got_terms, scores, tags, grid_is_null): (
        SparseVector,
        Option<Vec<f32>>,
        Option<Vec<String>>,
        bool,
    ) = item_features::table
        .select((
            item_features::terms,
            item_features::scores,
            item_features::tags,
            item_features::grid.is_null(),
        ))
        .first(conn)
        .unwrap();
    assert_eq!(got_terms, terms);
    assert_eq!(scores, Some(vec![0.25, 1.5]));
    assert_eq!(tags, Some(vec!["a".to_string(), "b c".to_string()]));
    assert!(grid_is_null);
}
