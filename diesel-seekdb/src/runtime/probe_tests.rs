use super::*;
use crate::runtime::local_url;

#[test]
fn nothing_listening_is_not_ready() {
    // Bind then drop to find a port that is (very likely) free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = answers(&local_url(port), port, Duration::from_millis(300)).unwrap_err();
    assert!(err.contains("nothing accepts connections"), "{err}");
    let err =
        wait_until_ready(&local_url(port), port, Duration::from_millis(200), None).unwrap_err();
    assert!(err.contains("no answer within"), "{err}");
}
