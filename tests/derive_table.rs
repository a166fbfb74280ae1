//! `#[derive(SeekdbTable)]`: the exact SQL it generates, the compile-time rule table
//! agreeing with the runtime builders, compile errors for misuse, and (against the real
//! server) that the DDL runs, Diesel round-trips rows through the same struct and the
//! Milvus-style schema is accepted by `MilvusLikeClient`.

use diesel::prelude::*;
use diesel_seekdb::ddl::{VecIndexType, VectorIndex};
use diesel_seekdb::milvus::{
    DataType, IndexParam, MilvusCollection, MilvusLikeClient, SearchRequest,
};
use diesel_seekdb::model::SeekdbTable;
use diesel_seekdb::prelude::*;
use diesel_seekdb::{Error, ObVecClient, SparseVector};
use diesel_seekdb_derive::SeekdbTable;
use diesel_seekdb_suite::TestDb;
use serde_json::json;

// The one rule table both the derive and the runtime builders read.
use diesel_seekdb_rules::index as rules;

mod schema {
    diesel::table! {
        use diesel::sql_types::*;
        use diesel_seekdb::sql_types::*;

        derive_docs (id) {
            id -> Bigint,
            title -> Varchar,
            body -> Nullable<Text>,
            embedding -> Vector,
        }
    }

    diesel::table! {
        use diesel::sql_types::*;
        use diesel_seekdb::sql_types::*;

        shop_items (region, id) {
            id -> Bigint,
            region -> Integer,
            v -> Vector,
        }
    }
}
use schema::{derive_docs, shop_items};

/// A Diesel model that also declares its table.
#[derive(Queryable, Selectable, Insertable, SeekdbTable, Debug, Clone, PartialEq)]
#[diesel(table_name = derive_docs, check_for_backend(diesel::mysql::Mysql))]
struct Doc {
    #[seekdb(primary_key, comment = "row id")]
    id: i64,
    #[seekdb(varchar(len = 200), fulltext(parser = "ngram", ngram_token_size = 2))]
    title: String,
    #[seekdb(text)]
    body: Option<String>,
    #[seekdb(
        vector(dim = 4),
        index(kind = "hnsw", distance = "cosine", m = 16, ef_construction = 200)
    )]
    embedding: Vector,
}

/// Partitioned, heap-organised, with a sparse and a dense index and every kind of field.
#[derive(SeekdbTable)]
#[allow(dead_code)]
#[seekdb(
    table = "derive_events",
    organization = "heap",
    comment = "events by tenant",
    lob_inrow_threshold = 16384,
    partition(
        range(tenant),
        less_than(p0 = 10, p1 = 20, pmax = MAXVALUE),
        subpartition(key(id), partitions = 2)
    ),
    fulltext(name = "ft_all", columns(kind, note), parser = "ik", ik_mode = "max_word")
)]
struct Event {
    #[seekdb(primary_key, auto_increment)]
    id: u64,
    #[seekdb(primary_key)]
    tenant: i32,
    #[seekdb(varchar(len = 32))]
    kind: String,
    note: String,
    small: i16,
    tiny: Option<i8>,
    flag: bool,
    ratio: f32,
    score: f64,
    meta: Option<serde_json::Value>,
    at: chrono::NaiveDateTime,
    day: Option<chrono::NaiveDate>,
    #[seekdb(sql_type = "decimal(10, 2)")]
    price: String,
    #[seekdb(sql_type = "ARRAY(VARCHAR(20))")]
    tags: Option<String>,
    #[seekdb(index(kind = "sindi", prune = true, refine = true, drop_ratio_build = 0.1))]
    terms: SparseVector,
    #[seekdb(
        vector(dim = 3000),
        index(kind = "hnsw_sq", distance = "ip", m = 8, name = "ev_vidx")
    )]
    embedding: Option<Vector>,
}

/// Diesel's inferred name, composite key from `#[diesel(primary_key(...))]`, list
/// partitions. `shop_items` is also the name Diesel infers for `Identifiable`.
#[derive(Identifiable, Insertable, SeekdbTable)]
#[diesel(primary_key(region, id))]
#[allow(dead_code)]
#[seekdb(partition(list(region), values_in(east(1, 2), west(3), other(DEFAULT))))]
struct ShopItem {
    id: i64,
    region: i32,
    #[seekdb(vector(dim = 8), index(kind = "ivf_pq", m = 4, nbits = 8))]
    v: Vector,
}

#[test]
fn generates_the_exact_sql() {
    assert_eq!(Doc::TABLE_NAME, "derive_docs");
    assert_eq!(
        Doc::create_table_sql().unwrap(),
        "CREATE TABLE `derive_docs` (`id` BIGINT NOT NULL COMMENT 'row id', \
         `title` VARCHAR(200) NOT NULL, `body` TEXT, `embedding` VECTOR(4) NOT NULL, \
         PRIMARY KEY (`id`), VECTOR INDEX `embedding_vidx` (`embedding`) WITH \
         (distance=cosine, type=hnsw, lib=vsag, m=16, ef_construction=200), \
         FULLTEXT INDEX `title_ftidx` (`title`) WITH PARSER ngram \
         PARSER_PROPERTIES=(ngram_token_size=2))"
    );
    assert_eq!(
        Event::create_table_sql().unwrap(),
        "CREATE TABLE `derive_events` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, \
         `tenant` INT NOT NULL, `kind` VARCHAR(32) NOT NULL, `note` VARCHAR(255) NOT NULL, \
         `small` SMALLINT NOT NULL, `tiny` TINYINT, `flag` BOOL NOT NULL, \
         `ratio` FLOAT NOT NULL, `score` DOUBLE NOT NULL, `meta` JSON, \
         `at` DATETIME NOT NULL, `day` DATE, `price` DECIMAL(10, 2) NOT NULL, \
         `tags` ARRAY(VARCHAR(20)), `terms` SPARSEVECTOR NOT NULL, `embedding` VECTOR(3000), \
         PRIMARY KEY (`id`, `tenant`), \
         VECTOR INDEX `terms_vidx` (`terms`) WITH (distance=inner_product, type=sindi, lib=vsag, \
         prune=true, refine=true, drop_ratio_build=0.1), \
         VECTOR INDEX `ev_vidx` (`embedding`) WITH (distance=inner_product, type=hnsw_sq, \
         lib=vsag, m=8), \
         FULLTEXT INDEX `ft_all` (`kind`, `note`) WITH PARSER ik \
         PARSER_PROPERTIES=(ik_mode='max_word')) \
         ORGANIZATION HEAP LOB_INROW_THRESHOLD=16384 COMMENT='events by tenant' \
         PARTITION BY RANGE (`tenant`) SUBPARTITION BY KEY (`id`) SUBPARTITIONS 2 \
         (PARTITION `p0` VALUES LESS THAN (10),PARTITION `p1` VALUES LESS THAN (20),\
         PARTITION `pmax` VALUES LESS THAN (MAXVALUE))"
    );
    assert_eq!(ShopItem::table_name(), "shop_items");
    assert_eq!(
        ShopItem::create_table_sql().unwrap(),
        "CREATE TABLE `shop_items` (`id` BIGINT NOT NULL, `region` INT NOT NULL, \
         `v` VECTOR(8) NOT NULL, PRIMARY KEY (`region`, `id`), \
         VECTOR INDEX `v_vidx` (`v`) WITH (distance=l2, type=ivf_pq, lib=ob, m=4, nbits=8)) \
         PARTITION BY LIST (`region`) (PARTITION `east` VALUES IN (1,2),\
         PARTITION `west` VALUES IN (3),PARTITION `other` VALUES IN (DEFAULT))"
    );
    assert!(Doc::create_table()
        .if_not_exists()
        .to_sql()
        .unwrap()
        .starts_with("CREATE TABLE IF NOT EXISTS `derive_docs` (`id` BIGINT"));
    assert_eq!(
        Doc::drop_table().if_exists().to_sql().unwrap(),
        "DROP TABLE IF EXISTS `derive_docs`"
    );
}

#[test]
fn also_generates_the_vector_checks() {
    assert_eq!(Doc::VECTOR_COLUMNS, &[("embedding", 4)]);
    assert_eq!(Event::VECTOR_COLUMNS, &[("embedding", 3000)]);
    let mut doc = Doc {
        id: 1,
        title: "t".into(),
        body: None,
        embedding: Vector::from([1.0, 2.0, 3.0]),
    };
    assert!(matches!(
        doc.check_vectors(),
        Err(Error::Dimension {
            expected: 4,
            actual: 3
        })
    ));
    doc.embedding = Vector::from([1.0, 2.0, 3.0, 4.0]);
    doc.check_vectors().unwrap();
}

#[test]
fn collection_schema_and_index_params() {
    let schema = Doc::milvus_schema().unwrap();
    let fields: Vec<_> = schema
        .fields
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.dtype,
                f.is_primary,
                f.nullable,
                f.dim,
                f.max_length,
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("id", DataType::Int64, true, false, None, None),
            ("title", DataType::VarChar, false, false, None, Some(200)),
            ("body", DataType::String, false, true, None, None),
            (
                "embedding",
                DataType::FloatVector,
                false,
                false,
                Some(4),
                None
            ),
        ]
    );
    assert_eq!(schema.fields[0].description, "row id");
    schema.validate().unwrap();
    let params = Doc::milvus_index_params().unwrap();
    let idx = params.to_vector_indexes().unwrap();
    assert_eq!(
        idx[0].to_inline_sql().unwrap(),
        "VECTOR INDEX `embedding_vidx` (`embedding`) WITH (distance=cosine, type=hnsw, \
         lib=vsag, m=16, ef_construction=200)"
    );
    // The shop table keeps its partitions; the event table has a DATETIME column,
    // which Milvus has no type for: the error names the column.
    assert!(ShopItem::milvus_schema().unwrap().partitions.is_some());
    match Event::milvus_schema() {
        Err(Error::Validation { parameter, reason }) => {
            assert_eq!(parameter, "id");
            assert!(reason.contains("BIGINT UNSIGNED"), "{reason}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

// ---- the macro's rule table agrees with the runtime builder ----------------------------

fn runtime(kind: &str, distance: &str, params: serde_json::Value) -> Result<VectorIndex, Error> {
    let mut idx = IndexParam::new("i", "v", kind)
        .metric_type(distance)
        .params(params)
        .to_vector_index()?;
    if kind != "sindi" {
        idx = idx.dim(4096).lob_inrow_threshold(16_384);
    }
    idx.validate()?;
    Ok(idx)
}

/// Parameters a kind needs for reasons other than the one under test.
fn base(kind: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    if kind == "ivf_pq" {
        m.insert("m".into(), json!(4));
    }
    if kind == "sindi" {
        m.insert("prune".into(), json!(true));
    }
    m
}

fn with(kind: &str, key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut m = base(kind);
    if key == "ef_construction" && kind.starts_with("hnsw") {
        m.insert("m".into(), json!(5));
    }
    m.insert(key.into(), value);
    serde_json::Value::Object(m)
}

#[test]
fn rule_table_agrees_with_the_runtime_builder() {
    use rules::ParamType;
    assert_eq!(
        diesel_seekdb_rules::MAX_DIMENSIONS as usize,
        diesel_seekdb::codec::MAX_DIMENSIONS
    );
    assert_eq!(
        diesel_seekdb_rules::MAX_INDEX_DIMENSIONS,
        diesel_seekdb::ddl::MAX_INDEX_DIMENSIONS
    );
    assert_eq!(
        diesel_seekdb_rules::DEFAULT_LOB_INROW_THRESHOLD,
        diesel_seekdb::ddl::DEFAULT_LOB_INROW_THRESHOLD
    );
    assert_eq!(
        diesel_seekdb_rules::MAX_LOB_INROW_THRESHOLD,
        diesel_seekdb::ddl::MAX_LOB_INROW_THRESHOLD
    );
    let mut names: Vec<&str> = rules::KINDS.iter().map(|k| k.name).collect();
    let mut runtime_names: Vec<&str> = VecIndexType::ALL.iter().map(|t| t.as_str()).collect();
    names.sort_unstable();
    runtime_names.sort_unstable();
    assert_eq!(names, runtime_names);

    let all_params: Vec<(&str, ParamType)> = rules::KINDS
        .iter()
        .flat_map(|k| k.params.iter().copied())
        .collect();
    let mut checked = 0;
    for kind in rules::KINDS {
        let d0 = kind.distances[0];
        for d in ["l2", "inner_product", "ip", "cosine"] {
            let macro_ok = kind.distances.contains(&rules::canonical_distance(d));
            let rt = runtime(kind.name, d, serde_json::Value::Object(base(kind.name)));
            assert_eq!(macro_ok, rt.is_ok(), "{} distance {d}: {rt:?}", kind.name);
            checked += 1;
        }
        for (key, ty) in kind.params {
            let (good, bad): (Vec<serde_json::Value>, Vec<serde_json::Value>) = match *ty {
                ParamType::Int(lo, hi) => {
                    // ef_construction must also exceed m (5 here).
                    let lo = if *key == "ef_construction" { 11 } else { lo };
                    let mut bad = vec![json!(hi + 1)];
                    if lo > 0 && *key != "ef_construction" {
                        bad.push(json!(lo - 1));
                    }
                    (vec![json!(lo), json!(hi)], bad)
                }
                ParamType::IntIn(ok) => (
                    ok.iter().map(|v| json!(v)).collect(),
                    vec![json!(ok[0] + 1)],
                ),
                ParamType::Float(lo, hi) => (
                    vec![json!(lo), json!(hi)],
                    vec![json!(lo - 0.01), json!(hi + 0.01)],
                ),
                ParamType::Bool => (vec![json!(true), json!(false)], vec![]),
                ParamType::Word(words) => {
                    let other = ["vsag", "ob", "sq8", "fp32", "int8"]
                        .into_iter()
                        .filter(|w| !words.contains(w))
                        .map(|w| json!(w))
                        .collect();
                    (words.iter().map(|w| json!(w)).collect(), other)
                }
            };
            // `refine = true` on sindi needs prune, which `base` sets.
            for v in good {
                let rt = runtime(kind.name, d0, with(kind.name, key, v.clone()));
                assert!(
                    rt.is_ok(),
                    "{} {key}={v} accepted by the macro: {rt:?}",
                    kind.name
                );
                checked += 1;
            }
            for v in bad {
                let rt = runtime(kind.name, d0, with(kind.name, key, v.clone()));
                assert!(rt.is_err(), "{} {key}={v} refused by the macro", kind.name);
                checked += 1;
            }
        }
        // A parameter the kind does not take is refused by both.
        for (key, ty) in &all_params {
            if kind.params.iter().any(|(k, _)| k == key) {
                continue;
            }
            let v = match ty {
                ParamType::Int(lo, _) => json!(lo.max(&5)),
                ParamType::IntIn(ok) => json!(ok[0]),
                ParamType::Float(lo, _) => json!(lo.max(1.0)),
                ParamType::Bool => json!(true),
                ParamType::Word(w) => json!(w[0]),
            };
            let rt = runtime(kind.name, d0, with(kind.name, key, v.clone()));
            assert!(rt.is_err(), "{} does not take {key}={v}", kind.name);
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked}");
}

#[test]
fn misuse_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui_table/*.rs");
}

// ---- against the real server -----------------------------------------------------------

fn show_create(db: &TestDb, table: &str) -> String {
    let client = ObVecClient::from_connection(db.connect());
    let rows = client
        .perform_raw_text_sql(&format!("SHOW CREATE TABLE `{table}`"))
        .unwrap();
    rows[0]["Create Table"].as_str().unwrap().to_string()
}

fn column_types(db: &TestDb, table: &str) -> Vec<(String, String, String)> {
    let client = ObVecClient::from_connection(db.connect());
    let rows = client
        .perform_raw_text_sql(&format!(
            "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, IS_NULLABLE AS n \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = '{table}' \
             ORDER BY ORDINAL_POSITION",
            db.name
        ))
        .unwrap();
    rows.iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("c"), s("t"), s("n"))
        })
        .collect()
}

fn emb(i: i64) -> Vector {
    let x = i as f32;
    Vector::from(vec![
        (x * 0.37).sin() + 1.5,
        (x * 0.11).cos(),
        (i % 7) as f32 * 0.25 - 0.6,
        1.0 / (1.0 + x),
    ])
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    1.0 - dot / (na * nb)
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-5 * x.abs().max(1.0))
}

#[test]
fn generated_ddl_runs_on_seekdb() {
    let mut db = TestDb::new("derive_ddl");
    Doc::create(&mut db.conn).unwrap();
    Event::create(&mut db.conn).unwrap();
    ShopItem::create(&mut db.conn).unwrap();
    // `create` refuses an existing table; `create_if_not_exists` does not.
    assert!(matches!(
        Doc::create(&mut db.conn),
        Err(Error::Database { .. })
    ));
    Doc::create_if_not_exists(&mut db.conn).unwrap();

    let doc = show_create(&db, "derive_docs");
    for part in [
        "`embedding` VECTOR(4) NOT NULL",
        "`title` varchar(200) NOT NULL",
        "COMMENT 'row id'",
        "VECTOR KEY `embedding_vidx` (`embedding`) WITH (DISTANCE=COSINE, TYPE=HNSW, LIB=VSAG, M=16, EF_CONSTRUCTION=200",
        "FULLTEXT KEY `title_ftidx` (`title`) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=2)",
    ] {
        assert!(doc.contains(part), "{part} not in\n{doc}");
    }

    let event = show_create(&db, "derive_events");
    for part in [
        "VECTOR KEY `terms_vidx` (`terms`) WITH (DISTANCE=INNER_PRODUCT, TYPE=SINDI",
        "VECTOR KEY `ev_vidx` (`embedding`) WITH (DISTANCE=INNER_PRODUCT, TYPE=HNSW_SQ, LIB=VSAG, M=8",
        "FULLTEXT KEY `ft_all` (`kind`, `note`) WITH PARSER ik",
        "ORGANIZATION HEAP",
        "COMMENT = 'events by tenant'",
        "partition by range(`tenant`) subpartition by key(`id`)",
    ] {
        assert!(event.contains(part), "{part} not in\n{event}");
    }
    assert_eq!(
        column_types(&db, "derive_events"),
        [
            ("id", "bigint(20) unsigned", "NO"),
            ("tenant", "int(11)", "NO"),
            ("kind", "varchar(32)", "NO"),
            ("note", "varchar(255)", "NO"),
            ("small", "smallint(6)", "NO"),
            ("tiny", "tinyint(4)", "YES"),
            ("flag", "tinyint(1)", "NO"),
            ("ratio", "float", "NO"),
            ("score", "double", "NO"),
            ("meta", "json", "YES"),
            ("at", "datetime", "NO"),
            ("day", "date", "YES"),
            ("price", "decimal(10,2)", "NO"),
            ("tags", "ARRAY(VARCHAR(20))", "YES"),
            ("terms", "SPARSEVECTOR", "NO"),
            ("embedding", "VECTOR(3000)", "YES"),
        ]
        .map(|(c, t, n)| (c.to_string(), t.to_string(), n.to_string()))
    );
    let client = ObVecClient::from_connection(db.connect());
    let parts = client
        .perform_raw_text_sql(&format!(
            "SELECT PARTITION_NAME AS p, SUBPARTITION_NAME AS s FROM information_schema.PARTITIONS \
             WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = 'derive_events' ORDER BY 1, 2",
            db.name
        ))
        .unwrap();
    let parts: Vec<String> = parts
        .iter()
        .map(|r| format!("{}/{}", r["p"].as_str().unwrap(), r["s"].as_str().unwrap()))
        .collect();
    assert_eq!(
        parts,
        [
            "p0/p0sp0",
            "p0/p0sp1",
            "p1/p1sp0",
            "p1/p1sp1",
            "pmax/pmaxsp0",
            "pmax/pmaxsp1"
        ]
    );

    let shop = show_create(&db, "shop_items");
    for part in [
        "PRIMARY KEY (`region`, `id`)",
        "VECTOR KEY `v_vidx` (`v`) WITH (DISTANCE=L2, TYPE=IVF_PQ, LIB=OB, M=4, NBITS=8",
        "partition by list(`region`)",
    ] {
        assert!(shop.contains(part), "{part} not in\n{shop}");
    }

    Doc::drop_if_exists(&mut db.conn).unwrap();
    Doc::drop_if_exists(&mut db.conn).unwrap();
    assert!(!client.check_table_exists("derive_docs").unwrap());
}

#[test]
fn diesel_round_trips_rows_through_the_model() {
    let mut db = TestDb::new("derive_rt");
    Doc::create(&mut db.conn).unwrap();
    let docs: Vec<Doc> = (0..60)
        .map(|i| Doc {
            id: i,
            title: format!("document number {i}"),
            body: (i % 2 == 0).then(|| format!("body of {i}")),
            embedding: emb(i),
        })
        .collect();
    for d in &docs {
        d.check_vectors().unwrap();
    }
    let n = diesel::insert_into(derive_docs::table)
        .values(&docs)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, docs.len());

    let back: Vec<Doc> = derive_docs::table
        .select(Doc::as_select())
        .order(derive_docs::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(back.len(), docs.len());
    for (a, b) in docs.iter().zip(&back) {
        assert_eq!((a.id, &a.title, &a.body), (b.id, &b.title, &b.body));
        assert!(
            close(a.embedding.as_slice(), b.embedding.as_slice()),
            "{a:?} != {b:?}"
        );
    }

    // ANN through the cosine HNSW index the derive declared, against exact distances.
    let q = Vector::from(vec![1.2, 0.4, -0.3, 0.2]);
    let near: Vec<(Doc, Option<f64>)> = derive_docs::table
        .select((Doc::as_select(), derive_docs::embedding.cosine_distance(&q)))
        .order(derive_docs::embedding.cosine_distance(&q).approximate())
        .limit(5)
        .load(&mut db.conn)
        .unwrap();
    let mut exact: Vec<(i64, f64)> = docs
        .iter()
        .map(|d| (d.id, cosine(d.embedding.as_slice(), q.as_slice())))
        .collect();
    exact.sort_by(|a, b| a.1.total_cmp(&b.1));
    let got: Vec<i64> = near.iter().map(|(d, _)| d.id).collect();
    let want: Vec<i64> = exact[..5].iter().map(|(id, _)| *id).collect();
    assert_eq!(got, want);
    for ((_, d), (_, e)) in near.iter().zip(&exact) {
        assert!(d.is_some_and(|d| (d - e).abs() < 1e-5), "{d:?} vs {e}");
    }
}

#[test]
fn milvus_client_accepts_the_collection_schema() {
    // The deprecated SeekdbTable methods still answer, through MilvusCollection.
    #[allow(deprecated)]
    {
        assert_eq!(
            format!("{:?}", <Doc as SeekdbTable>::collection_schema().unwrap()),
            format!("{:?}", Doc::milvus_schema().unwrap())
        );
        assert_eq!(
            <Doc as SeekdbTable>::index_params().unwrap(),
            Doc::milvus_index_params().unwrap()
        );
    }
    let db = TestDb::new("derive_milvus");
    let client = MilvusLikeClient::from_connection(db.connect());
    client
        .create_collection(
            "derive_coll",
            &Doc::milvus_schema().unwrap(),
            Some(&Doc::milvus_index_params().unwrap()),
        )
        .unwrap();
    let rows: Vec<serde_json::Value> = (0..30)
        .map(|i| {
            json!({
                "id": i,
                "title": format!("title {i}"),
                "body": null,
                "embedding": emb(i).to_vec(),
            })
        })
        .collect();
    assert_eq!(
        client.insert("derive_coll", &rows, None).unwrap(),
        json!({"insert_count": 30, "ids": (0..30).collect::<Vec<i64>>()})
    );
    let hits = client
        .search(
            "derive_coll",
            SearchRequest::new("embedding", vec![emb(11).to_vec()])
                .limit(3)
                .output_fields(["title"]),
        )
        .unwrap();
    assert_eq!(hits[0][0].id, json!(11));
    assert_eq!(hits[0][0].entity["title"], json!("title 11"));
    assert!(
        hits[0][0].distance.unwrap().abs() < 1e-6,
        "{:?}",
        hits[0][0]
    );
    let ddl = show_create(&db, "derive_coll");
    assert!(
        ddl.contains("WITH (DISTANCE=COSINE, TYPE=HNSW, LIB=VSAG, M=16, EF_CONSTRUCTION=200"),
        "{ddl}"
    );

    // A partitioned schema with a composite key.
    client
        .create_collection(
            "derive_shop",
            &ShopItem::milvus_schema().unwrap(),
            Some(&ShopItem::milvus_index_params().unwrap()),
        )
        .unwrap();
    let rows: Vec<serde_json::Value> = (0..12)
        .map(|i| json!({"id": i, "region": i % 4, "v": [i as f32, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5]}))
        .collect();
    client.insert("derive_shop", &rows, None).unwrap();
    let hits = client
        .search(
            "derive_shop",
            SearchRequest::new("v", vec![vec![5.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5]]).limit(1),
        )
        .unwrap();
    assert_eq!(hits[0][0].id, json!({"region": 1, "id": 5}));
    assert!(show_create(&db, "derive_shop").contains("partition by list(`region`)"));
}
