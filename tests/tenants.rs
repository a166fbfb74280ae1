//! Tenant logins on the real server. seekdb is one OceanBase tenant, `sys`, so
//! `root@sys` logs in there as it would on a cluster; a cluster itself was not
//! available to test (see the README's "Outgrowing one machine: OceanBase").

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_seekdb::client::{tenant_user, ConnectionUrl};
use diesel_seekdb::{AsyncObVecClient, Error, ObVecClient};
use diesel_seekdb_suite::TestDb;

#[derive(QueryableByName)]
struct Db {
    #[diesel(sql_type = Text)]
    db: String,
}

/// The test URL with its user logging in as `user@sys`: written plainly and encoded.
fn tenant_urls(db: &TestDb) -> (ConnectionUrl, Vec<String>) {
    let base = ConnectionUrl::parse(&db.url).unwrap();
    assert_eq!(base.tenant(), None, "SEEKDB_URL already names a tenant");
    let (scheme, rest) = db.url.split_once("://").unwrap();
    let (userinfo, host) = rest.rsplit_once('@').unwrap();
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (u, format!(":{p}")),
        None => (userinfo, String::new()),
    };
    let urls = ["@", "%40"]
        .iter()
        .map(|at| format!("{scheme}://{user}{at}sys{password}@{host}"))
        .collect();
    (base, urls)
}

#[test]
fn a_tenant_login_reaches_seekdb_from_urls_parts_and_both_clients() {
    let db = TestDb::new("tenant_login");
    let (base, urls) = tenant_urls(&db);
    for url in &urls {
        let parsed = ConnectionUrl::parse(url).unwrap();
        assert_eq!(parsed.tenant(), Some("sys"), "{url}");
        let client = ObVecClient::from_url(url).unwrap();
        let rows = client
            .perform_raw_text_sql("SELECT DATABASE() AS db")
            .unwrap();
        assert_eq!(rows[0]["db"], db.name.as_str(), "{url}");
    }
    let user = tenant_user(base.user_name(), "sys", None).unwrap();
    let client = ObVecClient::connect(&base.endpoint(), &user, "", &db.name).unwrap();
    let rows = client
        .perform_raw_text_sql("SELECT DATABASE() AS db")
        .unwrap();
    assert_eq!(rows[0]["db"], db.name.as_str());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = runtime
        .block_on(AsyncObVecClient::from_url(&urls[0]))
        .unwrap();
    let rows = runtime
        .block_on(async_client.perform_raw_text_sql("SELECT DATABASE() AS db"))
        .unwrap();
    assert_eq!(rows[0]["db"], db.name.as_str());

    // Diesel's own connection takes the encoded form too.
    let mut conn = MysqlConnection::establish(&urls[1]).unwrap();
    let got: Db = diesel::sql_query("SELECT DATABASE() AS db")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(got.db, db.name);
}

#[test]
fn a_cluster_name_reaches_the_server_intact() {
    let db = TestDb::new("tenant_cluster");
    let base = ConnectionUrl::parse(&db.url).unwrap();
    // seekdb has no cluster named `nosuch`: it refuses the login, naming it whole,
    // which shows that `@` and `#` arrived as the user's own characters.
    let url = format!(
        "mysql://{}@sys#nosuch@{}/{}",
        base.user_name(),
        base.endpoint(),
        db.name
    );
    let err = ObVecClient::from_url(&url).unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{}@sys#nosuch", base.user_name())),
        "{text}"
    );
}
