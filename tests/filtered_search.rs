//! Filtered vector search against a real seekdb server: the fast layouts (typed
//! columns with secondary indexes, functional indexes over JSON paths) are used,
//! results equal the exact filtered top-k at 10% and 1% selectivity, hints render and
//! run, Milvus filters use the functional index, ef_search is raised for filters and
//! a short result is reported.

use std::future::Future;

use diesel::prelude::*;
use diesel_seekdb::client::{AnnSearch, Distance, Filter, SearchReport};
use diesel_seekdb::ddl::{
    Column, ColumnType, CreateTable, Index, JsonCast, JsonPathIndex, VectorIndex,
};
use diesel_seekdb::diesel_ext::index_hint;
use diesel_seekdb::fragment::{BindValue, SqlFragment};
use diesel_seekdb::milvus::{filter::compile, filter_schema, MilvusLikeClient, SearchRequest};
use diesel_seekdb::prelude::*;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, Result};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Map, Value};

type Rows = Vec<Map<String, Value>>;

const N: i64 = 4000;
const DIM: usize = 16;
const K: usize = 10;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    items (id) {
        id -> BigInt,
        v -> Vector,
        page -> Integer,
        bucket -> Integer,
        meta -> Nullable<Json>,
    }
}

/// A deterministic vector per id (an LCG): no ties among distances.
fn vector(seed: u64) -> Vec<f32> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..DIM)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) as f64 / (1u64 << 31) as f64) as f32
        })
        .collect()
}

/// `page` matches 10% of the rows, `bucket` 1%; `meta` holds both and a tag.
fn table() -> CreateTable {
    CreateTable::new("items")
        .column(Column::new("id", ColumnType::BigInt).primary_key())
        .column(Column::new("v", ColumnType::Vector(DIM as u32)))
        .column(Column::new("page", ColumnType::Int))
        .column(Column::new("bucket", ColumnType::Int))
        .column(Column::new("meta", ColumnType::Json))
        .index(Index::new("idx_page", ["page"]))
        .index(Index::new("idx_bucket", ["bucket"]))
        .json_index(JsonPathIndex::new(
            "jidx_page",
            "meta",
            "$.page",
            JsonCast::Signed,
        ))
        .json_index(JsonPathIndex::new(
            "jidx_bucket",
            "meta",
            "$.bucket",
            JsonCast::Signed,
        ))
        .json_index(JsonPathIndex::new(
            "jidx_tag",
            "meta",
            "$.tag",
            JsonCast::Char(8),
        ))
        .vector_index(VectorIndex::new("vidx", "v"))
}

fn rows() -> Vec<Value> {
    (0..N)
        .map(|id| {
            json!({
                "id": id,
                "v": vector(id as u64),
                "page": id % 10,
                "bucket": id % 100,
                "meta": { "page": id % 10, "bucket": id % 100, "tag": format!("t{}", id % 10) },
            })
        })
        .collect()
}

/// `sql` with its one `?` bound to `value`.
fn fragment(sql: &str, value: i64) -> Filter {
    Filter::from(SqlFragment {
        sql: sql.to_string(),
        binds: vec![BindValue::Int(value)],
    })
}

fn query() -> Vec<f32> {
    vector(987_654_321)
}

fn search(filter: Filter) -> AnnSearch {
    AnnSearch::new("items", "v", query())
        .distance(Distance::L2)
        .with_dist(true)
        .topk(K)
        .output_columns(["id"])
        .filter(filter)
}

fn ids(rows: &[Map<String, Value>]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

fn distances(rows: &[Map<String, Value>]) -> Vec<f64> {
    rows.iter()
        .map(|r| r["distance"].as_f64().unwrap())
        .collect()
}

/// The exact filtered top-k, computed here from the rows themselves.
fn exact_top_k(keep: impl Fn(i64) -> bool) -> Vec<(i64, f64)> {
    let q = query();
    let mut all: Vec<(i64, f64)> = (0..N)
        .filter(|id| keep(*id))
        .map(|id| {
            let v = vector(id as u64);
            let d = v
                .iter()
                .zip(&q)
                .map(|(a, b)| f64::from(a - b).powi(2))
                .sum::<f64>()
                .sqrt();
            (id, d)
        })
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    all.truncate(K);
    all
}

fn assert_exact(rows: &[Map<String, Value>], keep: impl Fn(i64) -> bool, what: &str) {
    let expected = exact_top_k(keep);
    assert_eq!(
        ids(rows),
        expected.iter().map(|e| e.0).collect::<Vec<_>>(),
        "{what}"
    );
    for (got, (_, want)) in distances(rows).iter().zip(&expected) {
        // Vectors come back with 6 significant digits; distances are computed on the
        // server from the stored floats.
        assert!((got - want).abs() < 1e-4, "{what}: {got} vs {want}");
    }
}

/// The client calls the scenarios use, for both transports.
trait Transport: Sync {
    fn create(&self, table: CreateTable) -> impl Future<Output = Result<()>> + Send;
    fn insert(&self, rows: &[Value]) -> impl Future<Output = Result<usize>> + Send;
    fn ann(&self, search: AnnSearch) -> impl Future<Output = Result<Rows>> + Send;
    fn report(&self, search: AnnSearch) -> impl Future<Output = Result<SearchReport>> + Send;
    fn sql(&self, search: AnnSearch) -> impl Future<Output = Result<String>> + Send;
    fn explain(&self, search: AnnSearch) -> impl Future<Output = Result<String>> + Send;
}

struct Blocking(ObVecClient);
struct Async(AsyncObVecClient);

macro_rules! transport {
    ($ty:ident $($aw:tt)*) => {
        impl Transport for $ty {
            async fn create(&self, table: CreateTable) -> Result<()> {
                self.0.create_table(&table) $($aw)*
            }
            async fn insert(&self, rows: &[Value]) -> Result<usize> {
                self.0.insert("items", rows, None) $($aw)*
            }
            async fn ann(&self, search: AnnSearch) -> Result<Rows> {
                self.0.ann_search(search) $($aw)*
            }
            async fn report(&self, search: AnnSearch) -> Result<SearchReport> {
                self.0.ann_search_report(search) $($aw)*
            }
            async fn sql(&self, search: AnnSearch) -> Result<String> {
                self.0.ann_search_sql(search) $($aw)*
            }
            async fn explain(&self, search: AnnSearch) -> Result<String> {
                self.0.explain_ann_search(search) $($aw)*
            }
        }
    };
}

transport!(Blocking);
transport!(Async.await);

macro_rules! on_both {
    ($scenario:ident, $blocking:ident, $async:ident) => {
        #[tokio::test]
        async fn $blocking() {
            let db = TestDb::new(stringify!($blocking));
            $scenario(&Blocking(ObVecClient::from_url(&db.url).unwrap())).await;
        }

        #[tokio::test]
        async fn $async() {
            let db = TestDb::new(stringify!($async));
            $scenario(&Async(AsyncObVecClient::from_url(&db.url).await.unwrap())).await;
        }
    };
}

async fn load<T: Transport>(c: &T) {
    c.create(table()).await.unwrap();
    let rows = rows();
    for chunk in rows.chunks(1000) {
        assert_eq!(c.insert(chunk).await.unwrap(), chunk.len());
    }
}

/// Builds a search (called once per use: a search is consumed).
type MakeSearch = Box<dyn Fn() -> AnnSearch>;
/// Which ids a filter keeps.
type Keep = Box<dyn Fn(i64) -> bool>;

async fn layouts_are_used_and_exact<T: Transport>(c: &T) {
    load(c).await;
    // (filter, the index that serves it, the rows it keeps): 10% and 1% selectivity,
    // typed columns with a hint and JSON paths through their functional index.
    let cases: Vec<(MakeSearch, &str, Keep)> = vec![
        (
            Box::new(|| search(fragment("`page` = ?", 3)).index_hint("idx_page")),
            "idx_page",
            Box::new(|id| id % 10 == 3),
        ),
        (
            Box::new(|| search(fragment("`bucket` = ?", 7)).index_hint("idx_bucket")),
            "idx_bucket",
            Box::new(|id| id % 100 == 7),
        ),
        (
            Box::new(|| {
                search(fragment(
                    "CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED) = ?",
                    3,
                ))
            }),
            "jidx_page",
            Box::new(|id| id % 10 == 3),
        ),
        (
            Box::new(|| {
                search(fragment(
                    "CAST(JSON_EXTRACT(`meta`, '$.bucket') AS SIGNED) = ?",
                    7,
                ))
            }),
            "jidx_bucket",
            Box::new(|id| id % 100 == 7),
        ),
    ];
    for (make, index, keep) in &cases {
        let plan = c.explain(make()).await.unwrap();
        assert!(
            plan.contains(&format!("items({index})")),
            "{index} not used:\n{plan}"
        );
        let rows = c.ann(make()).await.unwrap();
        assert_exact(&rows, keep, index);
    }
    // The same JSON filter with a bound path is not matched to the index.
    let bound = SqlFragment {
        sql: "CAST(JSON_EXTRACT(`meta`, ?) AS SIGNED) = ?".into(),
        binds: vec![BindValue::Text("$.page".into()), BindValue::Int(3)],
    };
    let plan = c.explain(search(Filter::from(bound))).await.unwrap();
    assert!(!plan.contains("jidx_page"), "{plan}");
}
on_both!(layouts_are_used_and_exact, layouts_blocking, layouts_async);

async fn ef_search_is_raised_for_filters<T: Transport>(c: &T) {
    c.create(table()).await.unwrap();
    let sql = c.sql(search(fragment("`page` = ?", 3))).await.unwrap();
    assert!(
        sql.ends_with("APPROXIMATE LIMIT ? PARAMETERS(ef_search=200)"),
        "{sql}"
    );
    let sql = c
        .sql(search(fragment("`page` = ?", 3)).topk(300))
        .await
        .unwrap();
    assert!(sql.ends_with("PARAMETERS(ef_search=300)"), "{sql}");
    let sql = c
        .sql(search(fragment("`page` = ?", 3)).ef_search(80))
        .await
        .unwrap();
    assert!(sql.ends_with("PARAMETERS(ef_search=80)"), "{sql}");
    let sql = c
        .sql(search(fragment("`page` = ?", 3)).raise_ef_for_filters(false))
        .await
        .unwrap();
    assert!(sql.ends_with("APPROXIMATE LIMIT ?"), "{sql}");
    // Unfiltered searches keep the session's value.
    let unfiltered = AnnSearch::new("items", "v", query()).topk(K);
    assert!(c.sql(unfiltered).await.unwrap().ends_with("LIMIT ?"));
}
on_both!(ef_search_is_raised_for_filters, ef_blocking, ef_async);

async fn short_results_are_reported<T: Transport>(c: &T) {
    load(c).await;
    // A filter through a subquery is applied after the top-k: rows are lost.
    let lossy = || {
        search(fragment(
            "`id` IN (SELECT `id` FROM `items` WHERE `bucket` = ?)",
            7,
        ))
    };
    let report = c.report(lossy()).await.unwrap();
    // seekdb 1.4 applies it after the top-k (0 of 10 rows here): the loss is reported.
    assert!(report.rows.len() < K, "{report:?}");
    assert_eq!(report.matching, Some(K), "{report:?}");
    assert!(report.is_short());
    match c.ann(lossy()).await {
        Err(Error::ShortResult {
            returned,
            matching,
            topk,
            ..
        }) => {
            assert_eq!((returned, matching, topk), (report.rows.len(), K, K));
        }
        other => panic!("expected ShortResult, got {other:?}"),
    }
    // Opting out returns the rows as they are.
    let rows = c.ann(lossy().check_short_result(false)).await.unwrap();
    assert_eq!(rows.len(), report.rows.len());
    // A filter that matches fewer than k rows is not a short result.
    let few = search(fragment("`id` < ?", 3));
    let report = c.report(few).await.unwrap();
    assert_eq!(report.rows.len(), 3);
    assert_eq!(report.matching, Some(3));
    assert!(!report.is_short());
    let rows = c.ann(search(fragment("`id` < ?", 3))).await.unwrap();
    assert_eq!(rows.len(), 3);
    // A full answer needs no count.
    let report = c.report(search(fragment("`page` = ?", 3))).await.unwrap();
    assert_eq!((report.rows.len(), report.matching), (K, None));
}
on_both!(short_results_are_reported, short_blocking, short_async);

#[test]
fn typed_hint_renders_and_runs() {
    let mut db = TestDb::new("fs_typed");
    let client = ObVecClient::from_url(&db.url).unwrap();
    client.create_table(&table()).unwrap();
    for chunk in rows().chunks(1000) {
        client.insert("items", chunk, None).unwrap();
    }
    let conn = &mut db.conn;
    let q = Vector::from(query());
    let hinted = |index: &'static str, bucket: i32| {
        items::table
            .select(index_hint(items::table, index, items::id))
            .filter(items::bucket.eq(bucket))
            .order(items::v.l2_distance(&q).approximate())
            .limit(K as i64)
    };
    let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&hinted("idx_bucket", 7)).to_string();
    assert!(
        sql.starts_with("SELECT /*+ INDEX(`items` `idx_bucket`) */ `items`.`id` FROM `items`"),
        "{sql}"
    );
    let got: Vec<i64> = hinted("idx_bucket", 7).load(conn).unwrap();
    let expected: Vec<i64> = exact_top_k(|id| id % 100 == 7)
        .iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(got, expected);
    // The hint does what it says: the same statement, explained, reads the index.
    let plan: Vec<String> = diesel::sql_query(
        "EXPLAIN SELECT /*+ INDEX(`items` `idx_bucket`) */ `id` FROM `items` \
         WHERE `bucket` = 7 ORDER BY l2_distance(`v`, '[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]') \
         APPROXIMATE LIMIT 10",
    )
    .load::<PlanLine>(conn)
    .unwrap()
    .into_iter()
    .map(|l| l.line)
    .collect();
    assert!(plan.join("\n").contains("items(idx_bucket)"), "{plan:?}");
    // A hostile index name is a query-builder error, never SQL.
    let err = hinted("x`) */ DROP", 7).load::<i64>(conn).unwrap_err();
    assert!(
        matches!(err, diesel::result::Error::QueryBuilderError(_)),
        "{err:?}"
    );
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "Query Plan")]
    line: String,
}

#[test]
fn milvus_filters_use_the_functional_index() {
    let db = TestDb::new("fs_milvus");
    let client = ObVecClient::from_url(&db.url).unwrap();
    client.create_table(&table()).unwrap();
    for chunk in rows().chunks(1000) {
        client.insert("items", chunk, None).unwrap();
    }
    let info = client.table_info("items").unwrap();
    let expressions: Vec<_> = info
        .indexes
        .iter()
        .filter_map(|i| {
            Some((
                i.name.clone(),
                i.expression.as_deref()?.to_ascii_lowercase(),
            ))
        })
        .collect();
    assert!(
        expressions.contains(&(
            "jidx_page".into(),
            "cast(json_extract(`meta`,'$.page') as signed)".into()
        )),
        "{expressions:?}"
    );
    let schema = filter_schema(&info);
    for (filter, index, keep) in [
        (
            r#"meta["page"] == 3"#,
            "jidx_page",
            Box::new(|id: i64| id % 10 == 3) as Keep,
        ),
        (
            r#"meta["bucket"] in [7, 8]"#,
            "jidx_bucket",
            Box::new(|id: i64| id % 100 == 7 || id % 100 == 8),
        ),
        (
            r#"meta["tag"] == "t3""#,
            "jidx_tag",
            Box::new(|id: i64| id % 10 == 3),
        ),
        (
            r#"meta["bucket"] >= 7 and meta["bucket"] < 8"#,
            "jidx_bucket",
            Box::new(|id: i64| id % 100 == 7),
        ),
    ] {
        let frag = compile(filter, &schema, None).unwrap().unwrap();
        let plan = client
            .explain_ann_search(search(Filter::from(frag.clone())))
            .unwrap();
        assert!(
            plan.contains(&format!("items({index})")),
            "{filter}:\n{plan}"
        );
        let rows = client.ann_search(search(Filter::from(frag))).unwrap();
        assert_exact(&rows, &keep, filter);
    }
    // Through the Milvus client: the same answers.
    let milvus = MilvusLikeClient::from_url(&db.url).unwrap();
    let hits = milvus
        .search(
            "items",
            SearchRequest::new("v", vec![query()])
                .limit(K)
                .filter(r#"meta["page"] == 3"#),
        )
        .unwrap();
    let got: Vec<i64> = hits[0].iter().map(|h| h.id.as_i64().unwrap()).collect();
    let expected: Vec<i64> = exact_top_k(|id| id % 10 == 3).iter().map(|e| e.0).collect();
    assert_eq!(got, expected);
    // Milvus semantics are kept: a string "3" is not the number 3, and a negation is
    // not narrowed by the index.
    client
        .insert(
            "items",
            &[json!({ "id": N, "v": query(), "page": 0, "bucket": 0, "meta": { "page": "3" } })],
            None,
        )
        .unwrap();
    let hits = milvus
        .search(
            "items",
            SearchRequest::new("v", vec![query()])
                .limit(1)
                .filter(r#"meta["page"] == 3"#),
        )
        .unwrap();
    assert_ne!(hits[0][0].id, json!(N));
    let hits = milvus
        .search(
            "items",
            SearchRequest::new("v", vec![query()])
                .limit(1)
                .filter(r#"not (meta["page"] == 3)"#),
        )
        .unwrap();
    assert_eq!(hits[0][0].id, json!(N));
}

#[test]
fn json_index_ddl_runs() {
    let db = TestDb::new("fs_ddl");
    let client = ObVecClient::from_url(&db.url).unwrap();
    client
        .create_table(
            &CreateTable::new("docs")
                .column(Column::new("id", ColumnType::BigInt).primary_key())
                .column(Column::new("meta", ColumnType::Json)),
        )
        .unwrap();
    let later = JsonPathIndex::new("k_score", "meta", "$.score", JsonCast::Double);
    client
        .raw_sql(&later.to_create_sql("docs").unwrap())
        .unwrap();
    let info = client.table_info("docs").unwrap();
    let index = info.indexes.iter().find(|i| i.name == "k_score").unwrap();
    assert_eq!(
        index
            .expression
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("cast(json_extract(`meta`,'$.score') as double)")
    );
    // The table builder refuses a JSON index on a column that is not JSON.
    let err = CreateTable::new("t")
        .column(Column::new("id", ColumnType::BigInt).primary_key())
        .json_index(JsonPathIndex::new("k", "id", "$.a", JsonCast::Signed))
        .to_sql()
        .unwrap_err();
    assert!(err.to_string().contains("not JSON"), "{err}");
}

/// The fast layout declared on a model: a key on a typed column and functional
/// indexes on JSON paths.
#[derive(diesel_seekdb_derive::SeekdbTable)]
#[seekdb(table = "notes")]
#[allow(dead_code)]
struct Note {
    #[seekdb(primary_key)]
    id: i64,
    #[seekdb(vector(dim = 3), index)]
    v: Vector,
    #[seekdb(key)]
    page: i32,
    #[seekdb(
        json_index(path = "$.page"),
        json_index(path = "$.tag", cast = "char(16)", name = "jidx_tag")
    )]
    meta: serde_json::Value,
}

#[test]
fn derive_declares_the_fast_layout() {
    use diesel_seekdb::model::SeekdbTable;
    let sql = Note::create_table().to_sql().unwrap();
    assert!(sql.contains(", KEY `idx_page` (`page`)"), "{sql}");
    assert!(
        sql.contains(", KEY `jidx_meta_page` ((CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED)))"),
        "{sql}"
    );
    assert!(
        sql.contains(
            ", KEY `jidx_tag` ((CAST(JSON_UNQUOTE(JSON_EXTRACT(`meta`, '$.tag')) AS CHAR(16))))"
        ),
        "{sql}"
    );
    let db = TestDb::new("fs_derive");
    let client = ObVecClient::from_url(&db.url).unwrap();
    client.create_table(&Note::create_table()).unwrap();
    let rows: Vec<Value> = (0..50)
        .map(|id| {
            json!({ "id": id, "v": [id as f32, 1.0, 0.5], "page": id % 5,
                    "meta": { "page": id % 5, "tag": format!("t{}", id % 5) } })
        })
        .collect();
    client.insert("notes", &rows, None).unwrap();
    let info = client.table_info("notes").unwrap();
    let schema = filter_schema(&info);
    for (filter, index) in [
        (r#"meta["page"] == 2"#, "jidx_meta_page"),
        (r#"meta["tag"] == "t2""#, "jidx_tag"),
    ] {
        let frag = compile(filter, &schema, None).unwrap().unwrap();
        let s = || {
            AnnSearch::new("notes", "v", vec![10.0, 1.0, 0.5])
                .topk(3)
                .output_columns(["id"])
                .filter(Filter::from(frag.clone()))
        };
        let plan = client.explain_ann_search(s()).unwrap();
        assert!(
            plan.contains(&format!("notes({index})")),
            "{filter}:\n{plan}"
        );
        // Page 2 is ids 2, 7, 12, 17, ...; nearest to 10 first.
        let got = ids(&client.ann_search(s()).unwrap());
        assert_eq!(got, vec![12, 7, 17], "{filter}");
    }
}

/// pymilvus's scalar indexes: `STL_SORT` on a scalar field, `INVERTED` with a
/// `json_path` on a JSON field; filters then find their rows through them.
#[test]
fn milvus_scalar_index_params_build_the_fast_layout() {
    use diesel_seekdb::milvus::{DataType, FieldSchema};
    let db = TestDb::new("fs_mv_scalar");
    let milvus = MilvusLikeClient::from_url(&db.url).unwrap();
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("v", DataType::FloatVector).dim(DIM as u32))
        .add_field(FieldSchema::new("bucket", DataType::Int32))
        .add_field(FieldSchema::new("meta", DataType::Json));
    let mut index = MilvusLikeClient::prepare_index_params();
    index
        .add_index("v", "HNSW", "vidx", json!({ "metric_type": "L2" }))
        .unwrap();
    index
        .add_index("bucket", "STL_SORT", "idx_bucket", Value::Null)
        .unwrap();
    index
        .add_index(
            "meta",
            "INVERTED",
            "jidx_page",
            json!({ "json_path": "meta[\"page\"]", "json_cast_type": "double" }),
        )
        .unwrap();
    milvus
        .create_collection("items", &schema, Some(&index))
        .unwrap();
    let rows: Vec<Value> = (0..N)
        .map(|id| json!({ "id": id, "v": vector(id as u64), "bucket": id % 100, "meta": { "page": id % 10 } }))
        .collect();
    milvus.insert("items", &rows, None).unwrap();
    // A tag index added later, on the existing collection.
    let mut later = MilvusLikeClient::prepare_index_params();
    later
        .add_index(
            "meta",
            "Trie",
            "jidx_tag",
            json!({ "json_path": "meta['tag']", "json_cast_type": "varchar", "max_length": 16 }),
        )
        .unwrap();
    milvus.create_index("items", &later).unwrap();
    let described = milvus.describe_collection("items").unwrap();
    let indexes = described["indexes"].as_array().unwrap();
    let page = indexes
        .iter()
        .find(|i| i["index_name"] == "jidx_page")
        .unwrap();
    assert_eq!(page["field_name"], json!("meta"), "{page}");
    assert_eq!(page["params"]["json_cast_type"], json!("double"), "{page}");
    assert!(
        indexes.iter().any(|i| i["index_name"] == "jidx_tag"),
        "{indexes:?}"
    );

    let client = ObVecClient::from_url(&db.url).unwrap();
    let info = client.table_info("items").unwrap();
    let schema = filter_schema(&info);
    let frag = compile(r#"meta["page"] == 3"#, &schema, None)
        .unwrap()
        .unwrap();
    let plan = client
        .explain_ann_search(search(Filter::from(frag)))
        .unwrap();
    assert!(plan.contains("items(jidx_page)"), "{plan}");
    let hits = milvus
        .search(
            "items",
            SearchRequest::new("v", vec![query()])
                .limit(K)
                .filter(r#"meta["page"] == 3"#),
        )
        .unwrap();
    let got: Vec<i64> = hits[0].iter().map(|h| h.id.as_i64().unwrap()).collect();
    let expected: Vec<i64> = exact_top_k(|id| id % 10 == 3).iter().map(|e| e.0).collect();
    assert_eq!(got, expected);
}
