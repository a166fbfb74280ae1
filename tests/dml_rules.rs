//! One rule for `update` and `delete` without ids or a filter (issue 11, point 5):
//! refused with a typed error, unless the caller opts into every row with
//! `update_all_rows` / `delete_all_rows`. Sync and async clients, real seekdb server.

use diesel_seekdb::client::Filter;
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;
use serde_json::{json, Map, Value};

fn setup(c: &ObVecClient) {
    c.execute_table_ddl(
        "items",
        "CREATE TABLE items (id INT PRIMARY KEY, title VARCHAR(20), embedding VECTOR(2))",
    )
    .unwrap();
    let rows: Vec<Value> = (1..=4)
        .map(|id| json!({"id": id, "title": "old", "embedding": [id, 1]}))
        .collect();
    assert_eq!(c.insert("items", &rows, None).unwrap(), 4);
}

fn titles(c: &ObVecClient) -> Vec<String> {
    c.get("items", &[], None, &["title"], &[])
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect()
}

fn refused(result: diesel_seekdb::Result<usize>, verb: &str) {
    match result {
        Err(Error::Validation { parameter, reason }) => {
            assert_eq!(parameter, "filter");
            assert!(reason.contains(&format!("{verb}_all_rows")), "{reason}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn new_title() -> Map<String, Value> {
    let mut values = Map::new();
    values.insert("title".into(), json!("new"));
    values
}

#[test]
fn update_and_delete_without_a_selection_are_refused_unless_all_rows_is_asked() {
    let db = TestDb::new("dml_rule");
    let c = ObVecClient::from_url(&db.url).unwrap();
    setup(&c);

    refused(c.update("items", &new_title(), None, None), "update");
    assert_eq!(titles(&c), ["old"; 4], "nothing was rewritten");
    refused(c.delete("items", &[], None, None), "delete");
    assert_eq!(titles(&c).len(), 4, "nothing was deleted");

    let one = Filter::expr(diesel::dsl::sql::<diesel::sql_types::Bool>("id = 1"));
    assert_eq!(c.update("items", &new_title(), Some(one), None).unwrap(), 1);
    assert_eq!(c.update_all_rows("items", &new_title(), None).unwrap(), 4);
    assert_eq!(titles(&c), ["new"; 4]);
    assert_eq!(c.delete("items", &[json!(1)], None, None).unwrap(), 1);
    assert_eq!(c.delete_all_rows("items", None).unwrap(), 3);
    assert!(titles(&c).is_empty());
}

#[test]
fn the_async_client_follows_the_same_rule() {
    let db = TestDb::new("dml_rule_async");
    setup(&ObVecClient::from_url(&db.url).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = AsyncObVecClient::from_url(&db.url).await.unwrap();
        refused(c.update("items", &new_title(), None, None).await, "update");
        refused(c.delete("items", &[], None, None).await, "delete");
        assert_eq!(
            c.update_all_rows("items", &new_title(), None)
                .await
                .unwrap(),
            4
        );
        assert_eq!(c.delete_all_rows("items", None).await.unwrap(), 4);
        // The ef_search read goes through the shared reader (an error on no row).
        c.set_ob_hnsw_ef_search(77).await.unwrap();
        assert_eq!(c.get_ob_hnsw_ef_search().await.unwrap(), 77);
    });
}
