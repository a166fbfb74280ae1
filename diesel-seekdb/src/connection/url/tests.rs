use std::time::Duration;

use super::*;

#[test]
fn parts_are_decoded_and_options_read() {
    let u = ConnectionUrl::parse(
        "mysql://r%40t:p%40ss@db.example:2881/a%20b$c%C3%A9?connect_timeout=1.5&read_timeout=0&write_timeout=7",
    )
    .unwrap();
    assert_eq!(u.user(), "r@t");
    assert_eq!(u.password, "p@ss");
    assert_eq!(u.database(), Some("a b$cé"));
    assert_eq!(u.endpoint(), "db.example:2881");
    assert_eq!(u.connect_timeout(), Duration::from_millis(1500));
    assert_eq!(u.read_timeout(), None);
    assert_eq!(u.write_timeout(), Some(Duration::from_secs(7)));
    // Diesel would send `a%20b...` undecoded: the name goes through USE instead.
    assert_eq!(u.database_in_url(), None);
    assert_eq!(u.use_statement().unwrap(), "USE `a b$cé`");
    assert_eq!(u.diesel_url(), "mysql://r%40t:p%40ss@db.example:2881/");
}

#[test]
fn defaults() {
    let u = ConnectionUrl::parse("mysql://root@127.0.0.1:2881/test").unwrap();
    assert_eq!(u.connect_timeout(), DEFAULT_CONNECT_TIMEOUT);
    assert_eq!(u.read_timeout(), Some(DEFAULT_IO_TIMEOUT));
    assert_eq!(u.write_timeout(), Some(DEFAULT_IO_TIMEOUT));
    assert_eq!(u.database_in_url(), Some("test"));
    assert_eq!(u.use_statement(), None);
    assert_eq!(u.diesel_url(), "mysql://root@127.0.0.1:2881/test");
    #[cfg(feature = "async")]
    assert_eq!(u.async_url().unwrap(), "mysql://root@127.0.0.1:2881/test");
}

#[test]
fn bad_options_are_refused_without_the_password() {
    for (url, parameter) in [
        ("mysql://u:e@h:1/d?connect_timeout=soon", "connect_timeout"),
        ("mysql://u:e@h:1/d?read_timeout=-1", "read_timeout"),
        ("mysql://u:e@h:1/d?read_timeout=NaN", "read_timeout"),
        ("mysql://u:e@h:1/d?ssl_mode=sometimes", "ssl_mode"),
        ("mysql://u:e@h:1/d?timeout=3", "timeout"),
        ("postgres://u:e@h:1/d", "url"),
        ("mysql://u:e@h:1/d/x", "url"),
    ] {
        match ConnectionUrl::parse(url) {
            Err(Error::Validation {
                parameter: p,
                reason,
            }) => {
                assert_eq!(p, parameter, "{url}: {reason}");
                // `e` is the password: the message must not be built from the URL text.
                assert!(!reason.contains("u:e"), "{reason}");
            }
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[test]
fn display_and_debug_leave_the_password_out() {
    for password in ["e", "secret", "p@ss:w/rd?#%&é"] {
        let u = ConnectionUrl::from_parts("127.0.0.1:2881", "root", password, "test").unwrap();
        let shown = format!("{u} {u:?}");
        // A one-letter password occurs in any text; the other two must not.
        if password.len() > 1 {
            assert!(!shown.contains(&encode(password)), "{shown}");
            assert!(!shown.contains(password), "{shown}");
        }
        assert!(shown.contains(r#"password: "***""#), "{shown}");
        assert_eq!(u.to_string(), "mysql://root@127.0.0.1:2881/test");
        // ... and the connect URL round-trips it.
        let back = ConnectionUrl::parse(&u.diesel_url()).unwrap();
        assert_eq!(back.password, password);
        let msg = u
            .connect_error("Access denied for user 'root'@'127.0.0.1'")
            .to_string();
        assert!(msg.contains("Access denied"), "{msg}");
        assert!(msg.contains("127.0.0.1:2881"), "{msg}");
    }
}

#[test]
fn unreachable_message_names_the_server_and_a_hint() {
    let u = ConnectionUrl::parse("mysql://root@127.0.0.1:2909/test").unwrap();
    let msg = u
        .connect_error("Can't connect to server on '127.0.0.1' (111)")
        .to_string();
    assert!(msg.contains("127.0.0.1:2909"), "{msg}");
    assert!(msg.contains("is seekdb running"), "{msg}");
    assert!(msg.contains("scripts/dev start"), "{msg}");
}

#[test]
#[cfg(feature = "async")]
fn async_url_maps_or_refuses_options() {
    let u = ConnectionUrl::parse(
        "mysql://root@localhost/test?unix_socket=/tmp/s.sock&ssl_mode=disabled",
    )
    .unwrap();
    assert_eq!(
        u.async_url().unwrap(),
        "mysql://root@localhost/test?socket=%2Ftmp%2Fs.sock&prefer_socket=true"
    );
    assert_eq!(u.endpoint(), "unix socket /tmp/s.sock");
    for (url, parameter) in [
        ("mysql://root@h/test?ssl_mode=required", "ssl_mode"),
        ("mysql://root@h/test?ssl_mode=VERIFY_IDENTITY", "ssl_mode"),
        ("mysql://root@h/test?ssl_ca=/ca.pem", "ssl_ca"),
    ] {
        match ConnectionUrl::parse(url).unwrap().async_url() {
            Err(Error::Validation { parameter: p, .. }) => assert_eq!(p, parameter, "{url}"),
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[test]
fn from_parts_takes_host_port_and_ipv6() {
    let u = ConnectionUrl::from_parts("mysql://[::1]:2881", "root@test", "", "my db").unwrap();
    assert_eq!(u.endpoint(), "[::1]:2881");
    assert_eq!(u.diesel_url(), "mysql://root%40test@[::1]:2881/");
    assert!(ConnectionUrl::from_parts("h:port", "u", "", "d").is_err());
    assert_eq!(
        ConnectionUrl::from_parts("h", "u", "", "d")
            .unwrap()
            .endpoint(),
        "h:3306"
    );
}

#[test]
fn tenant_users_parse_written_plainly_or_encoded() {
    for url in [
        "mysql://app@prod#obcluster:s3@cr#t@db.example:2883/docs?connect_timeout=2",
        "mysql://app%40prod%23obcluster:s3%40cr%23t@db.example:2883/docs?connect_timeout=2",
    ] {
        let u = ConnectionUrl::parse(url).unwrap();
        assert_eq!(u.user(), "app@prod#obcluster", "{url}");
        assert_eq!(u.user_name(), "app");
        assert_eq!(u.tenant(), Some("prod"));
        assert_eq!(u.cluster(), Some("obcluster"));
        assert_eq!(u.password, "s3@cr#t");
        assert_eq!(u.database(), Some("docs"));
        assert_eq!(u.endpoint(), "db.example:2883");
        assert_eq!(u.connect_timeout(), Duration::from_secs(2));
        // What Diesel gets carries both, encoded; what is shown carries no password.
        assert_eq!(
            u.diesel_url(),
            "mysql://app%40prod%23obcluster:s3%40cr%23t@db.example:2883/docs"
        );
        let shown = format!("{u} {u:?} {}", u.connect_error("refused"));
        assert!(
            !shown.contains("s3") && !shown.contains("cr%23t"),
            "{shown}"
        );
        assert!(
            shown.contains("app%40prod%23obcluster@db.example:2883"),
            "{shown}"
        );
        assert!(shown.contains("`app@prod#obcluster`"), "{shown}");
    }
    let u = ConnectionUrl::parse("mysql://root@sys@127.0.0.1:2881/test").unwrap();
    assert_eq!(
        (u.user_name(), u.tenant(), u.cluster()),
        ("root", Some("sys"), None)
    );
    let u = ConnectionUrl::parse("mysql://root@127.0.0.1:2881/test").unwrap();
    assert_eq!(
        (u.user_name(), u.tenant(), u.cluster()),
        ("root", None, None)
    );
    // A `#` after the host is still a fragment, which the URL parser drops as before.
    assert!(ConnectionUrl::parse("mysql://root@h:1/db#x").is_ok_and(|u| u.database() == Some("db")));
}

#[test]
fn tenant_users_from_parts() {
    let user = tenant_user("app", "prod", Some("obcluster")).unwrap();
    let u = ConnectionUrl::from_parts("db:2883", &user, "p@ss", "docs").unwrap();
    assert_eq!((u.tenant(), u.cluster()), (Some("prod"), Some("obcluster")));
    assert_eq!(
        u.diesel_url(),
        "mysql://app%40prod%23obcluster:p%40ss@db:2883/docs"
    );
    assert!(!format!("{u} {u:?}").contains("p@ss"));
    assert_eq!(tenant_user("app", "prod", None).unwrap(), "app@prod");
    for (user, tenant, cluster, parameter) in [
        ("a@b", "t", None, "user"),
        ("a", "", None, "tenant"),
        ("a", "t#x", None, "tenant"),
        ("a", "t", Some(""), "cluster"),
        ("a", "t", Some("c:1"), "cluster"),
    ] {
        match tenant_user(user, tenant, cluster) {
            Err(Error::Validation { parameter: p, .. }) => assert_eq!(p, parameter),
            other => panic!("{user} {tenant} {cluster:?}: {other:?}"),
        }
    }
}
