use super::*;
use crate::runtime::default_binary_relative_path;
use crate::runtime::scratch;
use std::fs;

#[test]
fn builder_defaults_and_paths() {
    let b = LocalSeekdb::builder();
    assert_eq!(b.port, DEFAULT_PORT);
    assert_eq!(b.datafile_size, "2G");
    assert!(!b.install_if_missing && !b.attach_only && b.stop_on_drop.is_none());
    let base = b.clone().base_dir("/abs/dir").resolved_base_dir().unwrap();
    assert_eq!(base, PathBuf::from("/abs/dir"));
    let cwd = std::env::current_dir().unwrap();
    let rel = b.clone().base_dir("rel").resolved_base_dir().unwrap();
    assert_eq!(rel, cwd.join("rel"));
    let default = b.resolved_base_dir().unwrap();
    assert!(default.ends_with("target/seekdb"), "{}", default.display());
    assert_eq!(
        default_binary_relative_path(),
        PathBuf::from(".seekdb/dist/1.4.0.post1/pylibseekdb/seekdb")
    );
}

#[test]
fn project_root_is_nearest_cargo_lock() {
    let root = scratch("root");
    let nested = root.join("a/b");
    fs::create_dir_all(&nested).unwrap();
    fs::write(root.join("Cargo.lock"), "").unwrap();
    assert_eq!(project_root(&nested), root);
    let lonely = scratch("lonely");
    // No Cargo.lock anywhere above a temp dir (normally): falls back to the dir.
    if !lonely.ancestors().any(|d| d.join("Cargo.lock").is_file()) {
        assert_eq!(project_root(&lonely), lonely);
    }
    let _ = fs::remove_dir_all(root);
    let _ = fs::remove_dir_all(lonely);
}

#[test]
fn attach_only_refuses_to_start() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = scratch("attach");
    let err = LocalSeekdb::builder()
        .base_dir(&dir)
        .port(port)
        .attach_only(true)
        .start()
        .unwrap_err();
    assert!(err.to_string().contains("attach_only"), "{err}");
    let _ = fs::remove_dir_all(dir);
}
