//! The DDL builders against a real seekdb: every vector index type, every full-text
//! parser seekdb 1.4 has, every partition kind (with sub-partitions), heap tables,
//! composite keys, ALTER/DROP; and what we refuse client-side, the server refuses too.

use diesel::connection::SimpleConnection;
use diesel::sql_types::{Nullable, Text};
use diesel::{MysqlConnection, QueryableByName, RunQueryDsl};
use diesel_seekdb::ddl::*;
use diesel_seekdb::milvus::{IndexParam, IndexParams};
use diesel_seekdb_suite::TestDb;

#[derive(QueryableByName)]
struct CreateRow {
    #[diesel(sql_type = Text, column_name = "Create Table")]
    sql: String,
}

fn show_create(conn: &mut MysqlConnection, table: &str) -> String {
    diesel::sql_query(format!("SHOW CREATE TABLE {}", quote_ident(table)))
        .get_result::<CreateRow>(conn)
        .expect("show create table")
        .sql
}

#[derive(QueryableByName, Debug)]
struct IndexRow {
    #[diesel(sql_type = Text, column_name = "Key_name")]
    key: String,
    #[diesel(sql_type = Text, column_name = "Column_name")]
    column: String,
    #[diesel(sql_type = Text, column_name = "Index_type")]
    kind: String,
}

fn show_index(conn: &mut MysqlConnection, table: &str) -> Vec<(String, String, String)> {
    diesel::sql_query(format!("SHOW INDEX FROM {}", quote_ident(table)))
        .load::<IndexRow>(conn)
        .expect("show index")
        .into_iter()
        .map(|r| (r.key, r.column, r.kind))
        .collect()
}

#[derive(QueryableByName, Debug)]
struct PartRow {
    #[diesel(sql_type = Nullable<Text>, column_name = "p")]
    partition: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "sp")]
    subpartition: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "m")]
    method: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "sm")]
    sub_method: Option<String>,
}

/// `(partition, subpartition)` names, and the (sub)partition methods.
type Parts = (Vec<(String, Option<String>)>, String, Option<String>);

fn partitions(conn: &mut MysqlConnection, table: &str) -> Parts {
    let rows: Vec<PartRow> = diesel::sql_query(format!(
        "SELECT PARTITION_NAME AS p, SUBPARTITION_NAME AS sp, PARTITION_METHOD AS m, \
         SUBPARTITION_METHOD AS sm FROM information_schema.PARTITIONS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} \
         ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION",
        quote_string(table)
    ))
    .load(conn)
    .expect("information_schema.PARTITIONS");
    let method = rows
        .first()
        .and_then(|r| r.method.clone())
        .unwrap_or_default();
    let sub_method = rows.first().and_then(|r| r.sub_method.clone());
    let names = rows
        .into_iter()
        .map(|r| (r.partition.unwrap_or_default(), r.subpartition))
        .collect();
    (names, method, sub_method)
}

fn exec(db: &mut TestDb, sql: &str) {
    db.conn
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("seekdb refused\n  {sql}\n  {e}"));
}

fn refused(db: &mut TestDb, sql: &str) -> String {
    match db.conn.batch_execute(sql) {
        Ok(()) => panic!("seekdb accepted what we refuse: {sql}"),
        Err(e) => e.to_string(),
    }
}

fn vec_table(name: &str, dim: u32, index: VectorIndex) -> CreateTable {
    CreateTable::new(name)
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("v", ColumnType::Vector(dim)))
        .vector_index(index)
}

#[test]
fn every_vector_index_type() {
    let mut db = TestDb::new("ddl");
    let cases: Vec<(&str, CreateTable, &[&str])> = vec![
        (
            "t_hnsw",
            vec_table(
                "t_hnsw",
                8,
                VectorIndex::new("vidx", "v")
                    .m(16)
                    .ef_construction(200)
                    .ef_search(64)
                    .extra_info_max_size(0),
            ),
            &[
                "TYPE=HNSW",
                "DISTANCE=L2",
                "LIB=VSAG",
                "M=16",
                "EF_CONSTRUCTION=200",
                "EF_SEARCH=64",
            ],
        ),
        (
            "t_hnsw_sq",
            vec_table(
                "t_hnsw_sq",
                8,
                VectorIndex::new("vidx", "v")
                    .index_type(VecIndexType::HnswSq)
                    .distance(Distance::Cosine)
                    .m(8)
                    .ef_construction(16),
            ),
            &[
                "TYPE=HNSW_SQ",
                "DISTANCE=COSINE",
                "M=8",
                "EF_CONSTRUCTION=16",
            ],
        ),
        (
            "t_hnsw_bq",
            vec_table(
                "t_hnsw_bq",
                8,
                VectorIndex::new("vidx", "v")
                    .index_type(VecIndexType::HnswBq)
                    .refine_k(4.5)
                    .refine_type(RefineType::Fp32)
                    .bq_use_fht(false)
                    .bq_bits_query(32),
            ),
            &[
                "TYPE=HNSW_BQ",
                "REFINE_K=4.5",
                "REFINE_TYPE=FP32",
                "BQ_USE_FHT=FALSE",
                "BQ_BITS_QUERY=32",
            ],
        ),
        (
            "t_ivf_flat",
            vec_table(
                "t_ivf_flat",
                8,
                VectorIndex::new("vidx", "v")
                    .index_type(VecIndexType::IvfFlat)
                    .distance(Distance::InnerProduct)
                    .nlist(16)
                    .sample_per_nlist(64),
            ),
            &[
                "TYPE=IVF_FLAT",
                "DISTANCE=INNER_PRODUCT",
                "LIB=OB",
                "NLIST=16",
                "SAMPLE_PER_NLIST=64",
            ],
        ),
        (
            "t_ivf_sq8",
            vec_table(
                "t_ivf_sq8",
                8,
                VectorIndex::new("vidx", "v").index_type(VecIndexType::IvfSq8),
            ),
            &["TYPE=IVF_SQ8", "LIB=OB"],
        ),
        (
            "t_ivf_pq",
            vec_table(
                "t_ivf_pq",
                8,
                VectorIndex::new("vidx", "v")
                    .index_type(VecIndexType::IvfPq)
                    .m(4)
                    .nbits(4),
            ),
            &["TYPE=IVF_PQ", "M=4", "NBITS=4"],
        ),
        (
            "t_ivf_4096",
            vec_table(
                "t_ivf_4096",
                4096,
                VectorIndex::new("vidx", "v").index_type(VecIndexType::IvfFlat),
            )
            .lob_inrow_threshold(16_384),
            &["TYPE=IVF_FLAT", "LOB_INROW_THRESHOLD=16384"],
        ),
        (
            "t_sindi",
            CreateTable::new("t_sindi")
                .column(Column::new("id", ColumnType::Int).primary_key())
                .column(Column::new("sv", ColumnType::SparseVector))
                .vector_index(
                    VectorIndex::sparse("sidx", "sv")
                        .prune(true)
                        .refine(true)
                        .drop_ratio_build(0.5),
                ),
            &[
                "TYPE=SINDI",
                "DISTANCE=INNER_PRODUCT",
                "PRUNE=TRUE",
                "REFINE=TRUE",
                "DROP_RATIO_BUILD=0.5",
            ],
        ),
    ];
    for (table, create, expect) in cases {
        let sql = create.to_sql().unwrap();
        exec(&mut db, &sql);
        let shown = show_create(&mut db.conn, table).to_uppercase();
        for e in expect {
            assert!(
                shown.contains(&e.to_uppercase()),
                "{table}: `{e}` missing from\n{shown}"
            );
        }
        let idx = show_index(&mut db.conn, table);
        assert!(
            idx.iter().any(|(_, _, kind)| kind == "VECTOR"),
            "{table}: {idx:?}"
        );
    }

    // Standalone CREATE VECTOR INDEX, then DROP INDEX.
    exec(
        &mut db,
        &CreateTable::new("t_later")
            .column(Column::new("id", ColumnType::Int).primary_key())
            .column(Column::new("v", ColumnType::Vector(4)))
            .to_sql()
            .unwrap(),
    );
    let create = VectorIndex::new("late_idx", "v")
        .distance(Distance::Cosine)
        .m(24)
        .to_create_sql("t_later")
        .unwrap();
    exec(&mut db, &create);
    let idx = show_index(&mut db.conn, "t_later");
    assert!(
        idx.contains(&("late_idx".into(), "v".into(), "VECTOR".into())),
        "{idx:?}"
    );
    assert!(show_create(&mut db.conn, "t_later").contains("M=24"));
    exec(
        &mut db,
        &DropIndex::new("late_idx", "t_later").to_sql().unwrap(),
    );
    assert!(show_index(&mut db.conn, "t_later")
        .iter()
        .all(|(k, _, _)| k != "late_idx"));

    // pyobvector-style IndexParams.
    let mut params = IndexParams::new();
    params
        .add_index(
            "v",
            "HNSW",
            "py_idx",
            serde_json::json!({"metric_type": "IP", "params": {"M": 12, "efConstruction": 100, "efSearch": 40}}),
        )
        .unwrap();
    let mut t = CreateTable::new("t_py")
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("v", ColumnType::Vector(3)));
    for idx in params.to_vector_indexes().unwrap() {
        t = t.vector_index(idx);
    }
    exec(&mut db, &t.to_sql().unwrap());
    let shown = show_create(&mut db.conn, "t_py");
    assert!(
        shown.contains(
            "DISTANCE=INNER_PRODUCT, TYPE=HNSW, LIB=VSAG, M=12, EF_CONSTRUCTION=100, EF_SEARCH=40"
        ),
        "{shown}"
    );
}

#[test]
fn every_fulltext_parser() {
    let mut db = TestDb::new("ddl");
    let cases: Vec<(FullTextParser, &str)> = vec![
        (FullTextParser::space(), "WITH PARSER space"),
        (
            FullTextParser::Space {
                min_token_size: Some(2),
                max_token_size: Some(50),
            },
            "WITH PARSER space PARSER_PROPERTIES=(min_token_size=2,max_token_size=50)",
        ),
        (
            FullTextParser::Beng {
                min_token_size: Some(2),
                max_token_size: Some(30),
            },
            "WITH PARSER beng PARSER_PROPERTIES=(min_token_size=2,max_token_size=30)",
        ),
        (
            FullTextParser::ngram(3),
            "WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=3)",
        ),
        (
            FullTextParser::ngram2(2, 4),
            "WITH PARSER ngram2 PARSER_PROPERTIES=(min_ngram_size=2,max_ngram_size=4)",
        ),
        (
            FullTextParser::ik(IkMode::MaxWord),
            "WITH PARSER ik PARSER_PROPERTIES=(ik_mode=\"max_word\")",
        ),
        (
            FullTextParser::ik(IkMode::Smart),
            "WITH PARSER ik PARSER_PROPERTIES=(ik_mode=\"smart\")",
        ),
    ];
    for (i, (parser, expect)) in cases.into_iter().enumerate() {
        let table = format!("ft{i}");
        let inline = i % 2 == 0;
        let index = FullTextIndex::new("ft", ["title", "body"]).parser(parser);
        let mut create = CreateTable::new(&table)
            .column(Column::new("id", ColumnType::Int).primary_key())
            .column(Column::new("title", ColumnType::Varchar(200)))
            .column(Column::new("body", ColumnType::Text));
        if inline {
            create = create.fulltext_index(index.clone());
        }
        exec(&mut db, &create.to_sql().unwrap());
        if !inline {
            exec(&mut db, &index.to_create_sql(&table).unwrap());
        }
        let shown = show_create(&mut db.conn, &table);
        assert!(
            shown.contains("FULLTEXT KEY `ft` (`title`, `body`)") && shown.contains(expect),
            "{table}: `{expect}` missing from\n{shown}"
        );
        let idx = show_index(&mut db.conn, &table);
        assert!(
            idx.iter()
                .any(|(k, _, kind)| k == "ft" && kind == "FULLTEXT"),
            "{idx:?}"
        );
    }
    // The search works through the index.
    exec(
        &mut db,
        "INSERT INTO ft3 VALUES (1, 'hello', 'i like coding'), (2, 'x', 'nine years old')",
    );
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        id: i32,
    }
    let ids: Vec<Id> =
        diesel::sql_query("SELECT id FROM ft3 WHERE MATCH (title, body) AGAINST ('coding')")
            .load(&mut db.conn)
            .unwrap();
    assert_eq!(ids.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1]);

    // pyobvector's analyzer parser: rendered, but seekdb 1.4 refuses it (OceanBase 4.6+).
    let analyzer = FullTextIndex::new("fa", ["body"])
        .parser(FullTextParser::analyzer("standard"))
        .to_create_sql("ft0")
        .unwrap();
    let err = refused(&mut db, &analyzer);
    assert!(err.contains("syntax"), "{err}");
}

fn part_table(name: &str, partition: Partition) -> CreateTable {
    CreateTable::new(name)
        .column(Column::new("id", ColumnType::Int).not_null())
        .column(Column::new("c2", ColumnType::Int).not_null())
        .column(Column::new("d", ColumnType::Varchar(16)).not_null())
        .column(Column::new("v", ColumnType::Vector(3)))
        .primary_key(["id", "c2", "d"])
        .vector_index(VectorIndex::new("vidx", "v"))
        .partition(partition)
}

fn names(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    list.iter()
        .map(|(p, s)| (p.to_string(), s.map(str::to_string)))
        .collect()
}

#[test]
fn every_partition_kind() {
    use PartitionValue::MaxValue;
    let mut db = TestDb::new("ddl");
    let range = || {
        Partition::range("id")
            .partition(PartitionDef::less_than("p0", 100))
            .partition(PartitionDef::less_than("p1", MaxValue))
    };
    // (table, spec, expected (partition, subpartition) names, method, sub-method)
    type Case = (
        &'static str,
        Partition,
        Vec<(String, Option<String>)>,
        &'static str,
        Option<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            "p_range",
            range(),
            names(&[("p0", None), ("p1", None)]),
            "RANGE",
            None,
        ),
        (
            "p_range_cols",
            Partition::range_columns(["id", "d"])
                .partition(PartitionDef::less_than_values(
                    "p0",
                    [10.into(), "m".into()],
                ))
                .partition(PartitionDef::less_than_values("p1", [MaxValue, MaxValue])),
            names(&[("p0", None), ("p1", None)]),
            "RANGE COLUMNS",
            None,
        ),
        (
            "p_range_expr",
            Partition::range_expr("`id` + `c2`")
                .partition(PartitionDef::less_than("small", 10))
                .partition(PartitionDef::less_than("big", MaxValue)),
            names(&[("small", None), ("big", None)]),
            "RANGE",
            None,
        ),
        (
            "p_list",
            Partition::list("c2")
                .partition(PartitionDef::values_in("p0", [1, 2, 3]))
                .partition(PartitionDef::default_values("pd")),
            names(&[("p0", None), ("pd", None)]),
            "LIST",
            None,
        ),
        (
            "p_list_cols",
            Partition::list_columns(["d"])
                .partition(PartitionDef::values_in("p0", ["a'b", "c\\d"]))
                .partition(PartitionDef::values_in("p1", [PartitionValue::Default])),
            names(&[("p0", None), ("p1", None)]),
            "LIST COLUMNS",
            None,
        ),
        (
            "p_list_tuple",
            Partition::list_columns(["id", "d"])
                .partition(PartitionDef::values_in(
                    "p0",
                    [PartitionValue::Tuple(vec![1.into(), "x".into()])],
                ))
                .partition(PartitionDef::default_values("p1")),
            names(&[("p0", None), ("p1", None)]),
            "LIST COLUMNS",
            None,
        ),
        (
            "p_hash",
            Partition::hash("id").partitions(3),
            names(&[("p0", None), ("p1", None), ("p2", None)]),
            "HASH",
            None,
        ),
        (
            "p_hash_named",
            Partition::hash("id")
                .partition(PartitionDef::named("a"))
                .partition(PartitionDef::named("b")),
            names(&[("a", None), ("b", None)]),
            "HASH",
            None,
        ),
        (
            "p_key",
            Partition::key(["id", "d"]).partitions(2),
            names(&[("p0", None), ("p1", None)]),
            "KEY",
            None,
        ),
        (
            "p_key_pk",
            Partition::key(Vec::<String>::new()).partitions(2),
            names(&[("p0", None), ("p1", None)]),
            "KEY",
            None,
        ),
        (
            "p_sub_count",
            range().subpartition_by(Partition::key(["c2"]).partitions(2)),
            names(&[
                ("p0", Some("p0sp0")),
                ("p0", Some("p0sp1")),
                ("p1", Some("p1sp0")),
                ("p1", Some("p1sp1")),
            ]),
            "RANGE",
            Some("KEY"),
        ),
        (
            "p_sub_template",
            Partition::hash("id").partitions(2).subpartition_by(
                Partition::hash("c2")
                    .partition(PartitionDef::named("sp0"))
                    .partition(PartitionDef::named("sp1")),
            ),
            names(&[
                ("p0", Some("p0ssp0")),
                ("p0", Some("p0ssp1")),
                ("p1", Some("p1ssp0")),
                ("p1", Some("p1ssp1")),
            ]),
            "HASH",
            Some("HASH"),
        ),
        (
            "p_sub_range_template",
            Partition::list("c2")
                .partition(PartitionDef::values_in("p0", [1, 3]))
                .partition(PartitionDef::default_values("p1"))
                .subpartition_by(
                    Partition::range_columns(["d"])
                        .partition(PartitionDef::less_than("lo", "m"))
                        .partition(PartitionDef::less_than("hi", MaxValue)),
                ),
            names(&[
                ("p0", Some("p0slo")),
                ("p0", Some("p0shi")),
                ("p1", Some("p1slo")),
                ("p1", Some("p1shi")),
            ]),
            "LIST",
            Some("RANGE COLUMNS"),
        ),
        (
            "p_sub_explicit",
            Partition::range("id")
                .partition(
                    PartitionDef::less_than("p0", 100)
                        .subpartition(PartitionDef::named("a"))
                        .subpartition(PartitionDef::named("b")),
                )
                .partition(
                    PartitionDef::less_than("p1", MaxValue).subpartition(PartitionDef::named("c")),
                )
                .subpartition_by(Partition::hash("c2")),
            names(&[("p0", Some("a")), ("p0", Some("b")), ("p1", Some("c"))]),
            "RANGE",
            Some("HASH"),
        ),
        (
            "p_sub_explicit_list",
            Partition::key(["id"])
                .partition(
                    PartitionDef::named("k0")
                        .subpartition(PartitionDef::values_in("s0", [1, 2]))
                        .subpartition(PartitionDef::default_values("s1")),
                )
                .partition(
                    PartitionDef::named("k1").subpartition(PartitionDef::default_values("s2")),
                )
                .subpartition_by(Partition::list("c2")),
            names(&[("k0", Some("s0")), ("k0", Some("s1")), ("k1", Some("s2"))]),
            "KEY",
            Some("LIST"),
        ),
    ];
    for (table, partition, expect, method, sub_method) in cases {
        let declared = partition.names();
        let sql = part_table(table, partition).to_sql().unwrap();
        exec(&mut db, &sql);
        let (got, m, sm) = partitions(&mut db.conn, table);
        assert_eq!(got, expect, "{table}: {sql}");
        assert_eq!(m, method, "{table}");
        assert_eq!(sm.as_deref(), sub_method, "{table}");
        // Names the spec declares itself (not generated by the server) match too.
        if !declared.is_empty()
            && (sub_method.is_none() || declared.iter().all(|(_, s)| s.is_some()))
        {
            assert_eq!(declared, expect, "{table}");
        }
    }

    // Rows land where the bounds say (the escaped list value included).
    exec(
        &mut db,
        "INSERT INTO p_list_cols (id, c2, d) VALUES (1, 1, 'a''b'), (2, 2, 'c\\\\d'), (3, 3, 'zz')",
    );
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query("SELECT COUNT(*) AS n FROM p_list_cols PARTITION (p0)")
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(n.n, 2);

    // The pyobvector-compatible rendering is accepted too.
    let py = Partition::range_columns(["id"])
        .partition(PartitionDef::less_than("p0", 100))
        .partition(PartitionDef::less_than("p1", 200))
        .subpartition_by(
            Partition::list_columns(["c2"])
                .partition(PartitionDef::values_in("mp0", [1, 3]))
                .partition(PartitionDef::values_in("mp1", [4, 6])),
        )
        .to_sql_with(IdentStyle::Minimal)
        .unwrap();
    exec(
        &mut db,
        &format!("CREATE TABLE p_py (id INT, c2 INT, PRIMARY KEY (id, c2)) {py}"),
    );
    assert_eq!(partitions(&mut db.conn, "p_py").0.len(), 4);
}

#[test]
fn tables_keys_options_alter_drop() {
    let mut db = TestDb::new("ddl");
    let create = CreateTable::new("docs")
        .if_not_exists()
        .column(Column::new("tenant", ColumnType::IntUnsigned).not_null())
        .column(
            Column::new("id", ColumnType::BigInt)
                .not_null()
                .auto_increment()
                .comment("row's id"),
        )
        .column(
            Column::new("title", ColumnType::Varchar(100))
                .not_null()
                .default("untitled"),
        )
        .column(Column::new("score", ColumnType::Decimal(10, 2)).default(0.5))
        .column(Column::new("flag", ColumnType::Bool).default(true))
        .column(Column::new("small", ColumnType::SmallInt).default(-3))
        .column(Column::new("tiny", ColumnType::TinyIntUnsigned))
        .column(Column::new("ratio", ColumnType::Float))
        .column(Column::new("ratio2", ColumnType::Double))
        .column(Column::new("code", ColumnType::Char(2)))
        .column(Column::new("body", ColumnType::LongText))
        .column(Column::new("meta", ColumnType::Json))
        .column(
            Column::new("created", ColumnType::DateTime).default(DefaultValue::CurrentTimestamp),
        )
        .column(Column::new("ts", ColumnType::Timestamp).nullable(true))
        .column(Column::new("day", ColumnType::Date))
        .column(Column::new(
            "tags",
            ColumnType::array(ColumnType::Varchar(20)),
        ))
        .column(Column::new(
            "nested",
            ColumnType::array(ColumnType::array(ColumnType::Int)),
        ))
        .column(Column::new(
            "embs",
            ColumnType::array(ColumnType::Vector(2)),
        ))
        .column(Column::new("emb", ColumnType::Vector(3)).not_null())
        .column(Column::new("sp", ColumnType::SparseVector))
        .primary_key(["tenant", "id"])
        .index(Index::new("k_title", ["title"]))
        .index(Index::unique("u_title", ["tenant", "title", "id"]))
        .vector_index(VectorIndex::new("vidx", "emb").distance(Distance::Cosine))
        .vector_index(VectorIndex::sparse("sidx", "sp"))
        .fulltext_index(
            FullTextIndex::new("fidx", ["title", "body"]).parser(FullTextParser::ik(None)),
        )
        .organization(Organization::Heap)
        .lob_inrow_threshold(65_536)
        .comment("documents")
        .partition(Partition::hash("tenant").partitions(2));
    let sql = create.to_sql().unwrap();
    exec(&mut db, &sql);
    exec(&mut db, &sql); // IF NOT EXISTS
    let shown = show_create(&mut db.conn, "docs");
    for e in [
        "ORGANIZATION HEAP",
        // seekdb 1.4 replaces the threshold on heap tables with a vector index (78643)
        "LOB_INROW_THRESHOLD=",
        "PRIMARY KEY (`tenant`, `id`)",
        "UNIQUE KEY `u_title` (`tenant`, `title`, `id`)",
        "KEY `k_title` (`title`)",
        "`id` bigint(20) NOT NULL AUTO_INCREMENT COMMENT 'row\\'s id'",
        "`title` varchar(100) NOT NULL DEFAULT 'untitled'",
        "`emb` VECTOR(3) NOT NULL",
        "`tags` ARRAY(VARCHAR(20))",
        "`nested` ARRAY(ARRAY(INT))",
        "`embs` ARRAY(VECTOR(2))",
        "`sp` SPARSEVECTOR",
        "VECTOR KEY `vidx` (`emb`) WITH (DISTANCE=COSINE, TYPE=HNSW, LIB=VSAG",
        "VECTOR KEY `sidx` (`sp`) WITH (DISTANCE=INNER_PRODUCT, TYPE=SINDI",
        "FULLTEXT KEY `fidx` (`title`, `body`) WITH PARSER ik",
        "COMMENT = 'documents'",
        "partition by hash(`tenant`)",
    ] {
        assert!(
            shown.to_lowercase().contains(&e.to_lowercase()),
            "`{e}` missing from\n{shown}"
        );
    }
    exec(
        &mut db,
        "INSERT INTO docs (tenant, title, emb) VALUES (1, 'a', '[1,2,3]'), (2, 'b', '[1,0,0]')",
    );

    // Index-organised is the default and is printed; composite PK on a plain table.
    exec(
        &mut db,
        &CreateTable::new("plain")
            .column(Column::new("a", ColumnType::Int))
            .column(Column::new("b", ColumnType::Varchar(8)))
            .primary_key(["a", "b"])
            .to_sql()
            .unwrap(),
    );
    let shown = show_create(&mut db.conn, "plain");
    assert!(
        shown.contains("PRIMARY KEY (`a`, `b`)") && shown.contains("ORGANIZATION INDEX"),
        "{shown}"
    );

    // A standalone normal index.
    exec(
        &mut db,
        &Index::new("k_b", ["b"]).to_create_sql("plain").unwrap(),
    );
    assert!(show_index(&mut db.conn, "plain")
        .iter()
        .any(|(k, _, _)| k == "k_b"));

    // ALTER TABLE ADD / DROP COLUMN.
    exec(
        &mut db,
        &AlterTable::new("plain")
            .add_column(Column::new("c", ColumnType::Double).default(1.5))
            .add_column(Column::new("v", ColumnType::Vector(4)))
            .to_sql()
            .unwrap(),
    );
    let shown = show_create(&mut db.conn, "plain");
    assert!(
        shown.contains("`c` double DEFAULT '1.5'") || shown.contains("`c` double DEFAULT 1.5"),
        "{shown}"
    );
    assert!(shown.contains("`v` VECTOR(4)"), "{shown}");
    exec(
        &mut db,
        &AlterTable::new("plain").drop_column("c").to_sql().unwrap(),
    );
    assert!(!show_create(&mut db.conn, "plain").contains("`c`"));

    // Odd identifiers survive quoting.
    let odd = "we`ird name";
    exec(
        &mut db,
        &CreateTable::new(odd)
            .column(Column::new("sel`ect", ColumnType::Int).primary_key())
            .column(Column::new("v v", ColumnType::Vector(2)))
            .vector_index(VectorIndex::new("i`dx", "v v"))
            .to_sql()
            .unwrap(),
    );
    let idx = show_index(&mut db.conn, odd);
    assert!(
        idx.contains(&("i`dx".into(), "v v".into(), "VECTOR".into())),
        "{idx:?}"
    );

    // DROP TABLE [IF EXISTS].
    exec(&mut db, &DropTable::new(odd).to_sql().unwrap());
    exec(&mut db, &DropTable::new(odd).if_exists().to_sql().unwrap());
    let err = refused(&mut db, &DropTable::new(odd).to_sql().unwrap());
    assert!(err.contains("Unknown table"), "{err}");
}

/// What we refuse client-side, seekdb refuses as well (checked with hand-written SQL).
#[test]
fn server_agrees_with_client_side_refusals() {
    let mut db = TestDb::new("ddl");
    let table = |idx: &str| {
        format!("CREATE TABLE r (id INT PRIMARY KEY, v VECTOR(8), VECTOR INDEX i (v) WITH ({idx}))")
    };
    let v = || VectorIndex::new("i", "v").dim(8);
    let cases: Vec<(VectorIndex, &str, &str)> = vec![
        (
            v().m(16).ef_construction(16),
            "ef_construction",
            "distance=l2, type=hnsw, m=16, ef_construction=16",
        ),
        (v().m(4), "m", "distance=l2, type=hnsw, m=4"),
        (
            v().index_type(VecIndexType::HnswBq)
                .m(16)
                .ef_construction(31),
            "ef_construction",
            "distance=l2, type=hnsw_bq, m=16, ef_construction=31",
        ),
        (
            v().index_type(VecIndexType::HnswSq).m(65),
            "m",
            "distance=l2, type=hnsw_sq, m=65",
        ),
        (
            v().index_type(VecIndexType::HnswBq).bq_bits_query(8),
            "bq_bits_query",
            "distance=l2, type=hnsw_bq, bq_bits_query=8",
        ),
        (
            v().ef_search(160_001),
            "ef_search",
            "distance=l2, type=hnsw, ef_search=160001",
        ),
        (
            v().refine_k(2.0),
            "refine_k",
            "distance=l2, type=hnsw, refine_k=2",
        ),
        (
            v().lib(VectorLib::Ob),
            "lib",
            "distance=l2, type=hnsw, lib=ob",
        ),
        (
            v().index_type(VecIndexType::IvfFlat).lib(VectorLib::Vsag),
            "lib",
            "distance=l2, type=ivf_flat, lib=vsag",
        ),
        (
            v().index_type(VecIndexType::IvfFlat).m(2),
            "m",
            "distance=l2, type=ivf_flat, m=2",
        ),
        (
            v().index_type(VecIndexType::IvfFlat).nlist(65_537),
            "nlist",
            "distance=l2, type=ivf_flat, nlist=65537",
        ),
        (
            v().index_type(VecIndexType::IvfPq),
            "m",
            "distance=l2, type=ivf_pq",
        ),
        (
            v().index_type(VecIndexType::IvfPq).m(3),
            "m",
            "distance=l2, type=ivf_pq, m=3",
        ),
        (
            v().index_type(VecIndexType::IvfPq).m(2).nbits(25),
            "nbits",
            "distance=l2, type=ivf_pq, m=2, nbits=25",
        ),
        (v().nlist(8), "nlist", "distance=l2, type=hnsw, nlist=8"),
    ];
    for (idx, param, raw) in cases {
        match idx.validate() {
            Err(diesel_seekdb::Error::Validation { parameter, .. }) => {
                assert_eq!(parameter, param, "{raw}")
            }
            other => panic!("expected a client-side refusal for {raw}, got {other:?}"),
        }
        let err = refused(&mut db, &table(raw));
        assert!(err.contains("not supported"), "{raw}: {err}");
    }
    // Sparse: sindi with l2, drop_ratio_build without prune.
    let sparse = |idx: &str| {
        format!("CREATE TABLE r (id INT PRIMARY KEY, sv SPARSEVECTOR, VECTOR INDEX i (sv) WITH ({idx}))")
    };
    assert!(VectorIndex::sparse("i", "sv")
        .distance(Distance::L2)
        .validate()
        .is_err());
    assert!(refused(&mut db, &sparse("distance=l2, type=sindi")).contains("not supported"));
    assert!(VectorIndex::sparse("i", "sv")
        .drop_ratio_build(0.1)
        .validate()
        .is_err());
    assert!(refused(
        &mut db,
        &sparse("distance=inner_product, type=sindi, drop_ratio_build=0.1")
    )
    .contains("not supported"));
    // IVF over 2048 dimensions with the default in-row threshold.
    assert!(VectorIndex::new("i", "v")
        .index_type(VecIndexType::IvfFlat)
        .dim(2049)
        .validate()
        .is_err());
    assert!(refused(
        &mut db,
        "CREATE TABLE r (id INT PRIMARY KEY, v VECTOR(2049), VECTOR INDEX i (v) WITH (distance=l2, type=ivf_flat))"
    )
    .contains("outrow lob"));
    // Vector column as a primary key / with a default; full-text on an INT; too-long names.
    let t = || CreateTable::new("r").column(Column::new("id", ColumnType::Int));
    assert!(t()
        .column(Column::new("v", ColumnType::Vector(3)).primary_key())
        .to_sql()
        .is_err());
    refused(&mut db, "CREATE TABLE r (v VECTOR(3) PRIMARY KEY)");
    assert!(t()
        .column(Column::new("v", ColumnType::Vector(3)).default("[0,0,0]"))
        .to_sql()
        .is_err());
    refused(
        &mut db,
        "CREATE TABLE r (id INT, v VECTOR(3) DEFAULT '[0,0,0]')",
    );
    assert!(t()
        .fulltext_index(FullTextIndex::new("f", ["id"]))
        .to_sql()
        .is_err());
    refused(&mut db, "CREATE TABLE r (id INT, FULLTEXT INDEX f (id))");
    assert!(t()
        .column(Column::new("a", ColumnType::array(ColumnType::Json)))
        .to_sql()
        .is_err());
    refused(&mut db, "CREATE TABLE r (id INT, a ARRAY(JSON))");
    let long = "x".repeat(65);
    assert!(CreateTable::new(&long)
        .column(Column::new("id", ColumnType::Int))
        .to_sql()
        .is_err());
    refused(&mut db, &format!("CREATE TABLE {long} (id INT)"));
    // Full-text parser properties out of range.
    assert!(FullTextIndex::new("f", ["b"])
        .parser(FullTextParser::ngram(11))
        .validate()
        .is_err());
    refused(
        &mut db,
        "CREATE TABLE r (id INT, b TEXT, FULLTEXT INDEX f (b) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=11))",
    );
    // A primary key missing the partitioning column.
    assert!(CreateTable::new("r")
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("c", ColumnType::Int))
        .partition(Partition::hash("c").partitions(2))
        .to_sql()
        .is_err());
    refused(
        &mut db,
        "CREATE TABLE r (id INT PRIMARY KEY, c INT) PARTITION BY HASH (c) PARTITIONS 2",
    );
}

#[test]
fn hnsw_sync_mode_on_heap_and_index_tables() {
    let mut db = TestDb::new("syncmode");
    let heap = |name: &str, mode: SyncMode| {
        vec_table(
            name,
            3,
            VectorIndex::new(format!("{name}_vi"), "v").sync_mode(mode),
        )
        .organization(Organization::Heap)
    };
    exec(
        &mut db,
        &heap("h_imm", SyncMode::Immediate).to_sql().unwrap(),
    );
    exec(&mut db, &heap("h_async", SyncMode::Async).to_sql().unwrap());
    assert!(show_create(&mut db.conn, "h_imm").contains("SYNC_MODE=IMMEDIATE"));
    assert!(show_create(&mut db.conn, "h_async").contains("SYNC_MODE=ASYNC"));

    // Rows written after the index was built are found through it at once with
    // immediate; the plan must be the index scan, not an exact fallback.
    exec(
        &mut db,
        "INSERT INTO `h_imm` (id, v) VALUES (1, '[0,0,1]'), (2, '[5,5,5]'), (3, '[0,1,0]')",
    );
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let sql = "SELECT id FROM `h_imm` ORDER BY l2_distance(v, '[0,0,0.9]') APPROXIMATE LIMIT 2";
    let ids: Vec<i64> = diesel::sql_query(sql)
        .load::<Id>(&mut db.conn)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, vec![1, 3]);
    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = Text)]
        #[diesel(column_name = "Query Plan")]
        line: String,
    }
    let plan: Vec<Plan> = diesel::sql_query(format!("EXPLAIN {sql}"))
        .load(&mut db.conn)
        .unwrap();
    assert!(
        plan.iter().any(|p| p.line.contains("VECTOR INDEX SCAN")),
        "{:?}",
        plan.iter().map(|p| &p.line).collect::<Vec<_>>()
    );

    // async needs a heap table: refused before sending, and the server agrees.
    let idx = vec_table(
        "i_async",
        3,
        VectorIndex::new("i_vi", "v").sync_mode(SyncMode::Async),
    );
    let err = idx.to_sql().unwrap_err();
    assert!(
        matches!(&err, diesel_seekdb::Error::Validation { parameter, reason }
            if parameter == "sync_mode" && reason.contains("HEAP")),
        "{err}"
    );
    let raw = "CREATE TABLE `i_async` (id BIGINT PRIMARY KEY, v VECTOR(3), VECTOR INDEX i_vi (v) \
               WITH (distance=l2, type=hnsw, lib=vsag, sync_mode=async))";
    assert!(refused(&mut db, raw).contains("sync_mode"));
    // The parameter belongs to the HNSW family only.
    let ivf = VectorIndex::new("iv", "v")
        .index_type(VecIndexType::IvfFlat)
        .sync_mode(SyncMode::Immediate)
        .to_inline_sql()
        .unwrap_err();
    assert!(
        matches!(&ivf, diesel_seekdb::Error::Validation { parameter, .. } if parameter == "sync_mode")
    );
    // pyobvector-style params take it too.
    let from_params = IndexParam::new("vi", "v", "hnsw")
        .params(serde_json::json!({"metric_type": "l2", "sync_mode": "immediate"}))
        .to_vector_index()
        .unwrap();
    assert!(from_params
        .to_inline_sql()
        .unwrap()
        .contains("sync_mode=immediate"));
}

#[test]
fn ivf_on_partitioned_tables_needs_an_index_organised_table_with_a_key() {
    let mut db = TestDb::new("ivfpart");
    let ivf = || VectorIndex::new("vidx", "v").index_type(VecIndexType::IvfFlat);
    let hash = || Partition::hash("id").partitions(2);
    // Index-organised with a primary key: built.
    let ok = CreateTable::new("p_ok")
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("v", ColumnType::Vector(3)))
        .vector_index(ivf())
        .partition(hash());
    exec(&mut db, &ok.to_sql().unwrap());
    assert!(show_create(&mut db.conn, "p_ok").contains("IVF_FLAT"));

    let heap = CreateTable::new("p_heap")
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("v", ColumnType::Vector(3)))
        .vector_index(ivf())
        .partition(hash())
        .organization(Organization::Heap);
    let keyless = CreateTable::new("p_keyless")
        .column(Column::new("id", ColumnType::Int))
        .column(Column::new("v", ColumnType::Vector(3)))
        .vector_index(ivf())
        .partition(hash());
    for table in [heap, keyless] {
        let err = table.to_sql().unwrap_err();
        assert!(
            matches!(&err, diesel_seekdb::Error::Validation { parameter, reason }
                if parameter == "vector_indexes.vidx" && reason.contains("primary key")),
            "{err}"
        );
    }
    // The server agrees.
    let raw = "CREATE TABLE `p_heap` (id INT PRIMARY KEY, v VECTOR(3), VECTOR INDEX vidx (v) \
               WITH (distance=l2, type=ivf_flat, lib=ob)) ORGANIZATION HEAP PARTITION BY HASH(id) PARTITIONS 2";
    refused(&mut db, raw);
    let raw = "CREATE TABLE `p_keyless` (id INT, v VECTOR(3), VECTOR INDEX vidx (v) \
               WITH (distance=l2, type=ivf_flat, lib=ob)) PARTITION BY HASH(id) PARTITIONS 2";
    refused(&mut db, raw);
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    k: String,
}

fn keys(db: &mut TestDb, sql: &str) -> Vec<String> {
    let mut v: Vec<String> = diesel::sql_query(sql)
        .load::<KeyRow>(&mut db.conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.k)
        .collect();
    v.sort();
    v
}

#[test]
fn charset_and_collation_on_columns_and_tables() {
    let mut db = TestDb::new("ddl_coll");
    let insert = "INSERT INTO {t} (k) VALUES ('abc'), ('ABC')";
    let spaced = "INSERT INTO {t} (k) VALUES ('abc ')";

    // Default collation: 'abc' and 'ABC' collide.
    let sql = CreateTable::new("dflt")
        .column(Column::new("k", ColumnType::Varchar(8)).primary_key())
        .to_sql()
        .unwrap();
    exec(&mut db, &sql);
    refused(&mut db, &insert.replace("{t}", "dflt"));

    // utf8mb4_bin: case-sensitive, but still PAD SPACE ('abc ' collides with 'abc').
    let sql = CreateTable::new("bin")
        .column(
            Column::new("k", ColumnType::Varchar(8))
                .collation("utf8mb4_bin")
                .primary_key(),
        )
        .to_sql()
        .unwrap();
    assert!(
        sql.contains("`k` VARCHAR(8) COLLATE `utf8mb4_bin` NOT NULL"),
        "{sql}"
    );
    exec(&mut db, &sql);
    exec(&mut db, &insert.replace("{t}", "bin"));
    refused(&mut db, &spaced.replace("{t}", "bin"));
    assert!(show_create(&mut db.conn, "bin").contains("COLLATE utf8mb4_bin"));

    // CHARACTER SET binary: VARBINARY, three distinct keys compared byte for byte.
    let sql = CreateTable::new("exact")
        .column(
            Column::new("k", ColumnType::Varchar(8))
                .charset("binary")
                .collation("binary")
                .primary_key(),
        )
        .to_sql()
        .unwrap();
    exec(&mut db, &sql);
    exec(&mut db, &insert.replace("{t}", "exact"));
    exec(&mut db, &spaced.replace("{t}", "exact"));
    assert!(show_create(&mut db.conn, "exact").contains("`k` varbinary(8) NOT NULL"));
    assert_eq!(
        keys(&mut db, "SELECT k FROM exact WHERE k = 'abc'"),
        vec!["abc".to_string()]
    );
    assert_eq!(
        keys(&mut db, "SELECT k FROM exact"),
        vec!["ABC".to_string(), "abc".into(), "abc ".into()]
    );

    // Table defaults: text columns without their own take them.
    let sql = CreateTable::new("tdef")
        .column(Column::new("k", ColumnType::Varchar(8)).primary_key())
        .column(Column::new("t", ColumnType::Text))
        .charset("utf8mb4")
        .collation("utf8mb4_bin")
        .to_sql()
        .unwrap();
    exec(&mut db, &sql);
    exec(&mut db, &insert.replace("{t}", "tdef"));
    let ddl = show_create(&mut db.conn, "tdef");
    assert!(
        ddl.contains("DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin"),
        "{ddl}"
    );

    // What we refuse, the server refuses too.
    let cases = [
        (
            Column::new("k", ColumnType::Varchar(8))
                .charset("binary")
                .collation("utf8mb4_bin"),
            "CREATE TABLE r1 (k VARCHAR(8) CHARACTER SET binary COLLATE utf8mb4_bin)",
        ),
        (
            Column::new("k", ColumnType::Varchar(8))
                .charset("utf8mb4")
                .collation("binary"),
            "CREATE TABLE r2 (k VARCHAR(8) CHARACTER SET utf8mb4 COLLATE `binary`)",
        ),
    ];
    for (column, raw) in cases {
        let r = CreateTable::new("r").column(column).to_sql();
        assert!(
            matches!(r, Err(diesel_seekdb::Error::Validation { .. })),
            "{r:?}"
        );
        refused(&mut db, raw);
    }
    // Unknown names are the server's to judge (seekdb 1.4 has utf8mb4 and binary only).
    let sql = CreateTable::new("r3")
        .column(Column::new("k", ColumnType::Varchar(8)).charset("latin1"))
        .to_sql()
        .unwrap();
    assert!(refused(&mut db, &sql).contains("latin1"));
    // A full-text index can't cover a binary column.
    let r = CreateTable::new("r4")
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("k", ColumnType::Varchar(8)).charset("binary"))
        .fulltext_index(FullTextIndex::new("ft", ["k"]))
        .to_sql();
    assert!(
        matches!(r, Err(diesel_seekdb::Error::Validation { .. })),
        "{r:?}"
    );
    refused(
        &mut db,
        "CREATE TABLE r4 (id INT PRIMARY KEY, k VARBINARY(8), FULLTEXT INDEX ft (k))",
    );
}
