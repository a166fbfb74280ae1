//! Capability checks on the real server: the clients and the typed DSL know which
//! server they talk to, and refuse OceanBase 4.6 features on seekdb 1.4 with an error
//! naming the version needed, before anything is sent.

use diesel::connection::SimpleConnection;
use diesel_seekdb::client::{hybrid_search_table_sql, HybridSearch, SearchQuery};
use diesel_seekdb::ddl::{Column, ColumnType, CreateTable, FullTextIndex, FullTextParser};
use diesel_seekdb::server::{self, Feature, Flavor};
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient, ServerErrorKind};
use diesel_seekdb_suite::TestDb;

fn not_supported(err: Error, feature: &str) {
    match err {
        Error::NotSupported { feature: f, reason } => {
            assert!(f.contains(feature), "{f}");
            assert!(reason.contains("needs OceanBase 4.6 or later"), "{reason}");
        }
        other => panic!("expected NotSupported, got {other:?}"),
    }
}

#[test]
fn the_server_is_identified_once_by_the_dsl_and_both_clients() {
    let mut db = TestDb::new("caps_info");
    let info = server::server_info(&mut db.conn).unwrap();
    println!("{info:?}");
    assert_eq!(info.flavor(), Flavor::Seekdb, "{info:?}");
    assert!(info.kernel_version().is_some(), "{info:?}");
    assert!(info.seekdb_version().is_some(), "{info:?}");
    let client = ObVecClient::from_url(&db.url).unwrap();
    let first = client.server_info().unwrap();
    assert_eq!(*first, info);
    // Cached: the same value, not a second read.
    assert!(std::sync::Arc::ptr_eq(
        &first,
        &client.server_info().unwrap()
    ));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = runtime
        .block_on(AsyncObVecClient::from_url(&db.url))
        .unwrap();
    assert_eq!(*runtime.block_on(async_client.server_info()).unwrap(), info);
}

#[test]
fn oceanbase_4_6_features_are_refused_on_older_servers_before_sending() {
    let mut db = TestDb::new("caps_refuse");
    let info = server::server_info(&mut db.conn).unwrap();
    if info.supports(Feature::AnalyzerParser) {
        panic!("this server has OceanBase 4.6 features ({info:?}): the refusal cannot be tested");
    }
    db.conn
        .batch_execute(
            "CREATE TABLE docs (id INT PRIMARY KEY, body VARCHAR(200), \
             FULLTEXT INDEX ft (body) WITH PARSER ngram) ORGANIZATION HEAP",
        )
        .unwrap();
    let client = ObVecClient::from_url(&db.url).unwrap();
    let analyzer =
        FullTextIndex::new("ft_an", ["body"]).parser(FullTextParser::analyzer("standard"));

    // The DDL still renders (for OceanBase 4.6), and seekdb itself would refuse it as
    // a syntax error (1064): the client names the version instead.
    let sql = analyzer.to_create_sql("docs").unwrap();
    assert!(sql.contains("WITH PARSER analyzer"), "{sql}");
    let raw = client.perform_raw_text_sql(&sql).unwrap_err();
    assert_eq!(raw.kind(), Some(ServerErrorKind::Syntax), "{raw}");
    not_supported(
        client.create_fulltext_index("docs", &analyzer).unwrap_err(),
        "analyzer",
    );
    let table = CreateTable::new("docs2")
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("body", ColumnType::Varchar(200)))
        .fulltext_index(analyzer.clone());
    not_supported(client.create_table(&table).unwrap_err(), "analyzer");
    assert!(!client.table_exists("docs2").unwrap());

    // HYBRID_SEARCH(TABLE ...): rendered, refused by the server, refused by the client.
    let body = HybridSearch::new().query(SearchQuery::match_text("body", "rust"));
    let sql = hybrid_search_table_sql("docs", &body, &["id"], None, None).unwrap();
    assert!(
        sql.starts_with("SELECT `id` FROM HYBRID_SEARCH(TABLE `docs`, '{"),
        "{sql}"
    );
    let raw = client.perform_raw_text_sql(&sql).unwrap_err();
    assert_eq!(raw.kind(), Some(ServerErrorKind::Syntax), "{raw}");
    not_supported(
        client
            .sql_search("docs", &body, &["id"], None, None)
            .unwrap_err(),
        "HYBRID_SEARCH",
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = runtime
        .block_on(AsyncObVecClient::from_url(&db.url))
        .unwrap();
    not_supported(
        runtime
            .block_on(async_client.sql_search("docs", &body, &[], Some("id > 1"), None))
            .unwrap_err(),
        "HYBRID_SEARCH",
    );
    not_supported(
        runtime
            .block_on(async_client.create_fulltext_index("docs", &analyzer))
            .unwrap_err(),
        "analyzer",
    );
    // Other parsers are not held back.
    client
        .create_fulltext_index(
            "docs",
            &FullTextIndex::new("ft_ik", ["body"]).parser(FullTextParser::ik(None)),
        )
        .unwrap();
}
