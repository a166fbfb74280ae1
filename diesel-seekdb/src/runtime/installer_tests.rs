use super::*;
use crate::runtime::scratch;

fn fake_binary(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, "#!/bin/sh\n").unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn binary_search_order() {
    let root = scratch("bin");
    let data = root.join("target/seekdb");
    let cwd = root.join("crate/src");
    fs::create_dir_all(&data).unwrap();
    fs::create_dir_all(&cwd).unwrap();

    // Nothing installed: a clear error that says what to do.
    let err = find_binary(None, None, &[&data, &cwd]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("scripts/dev setup") && msg.contains("SEEKDB_BIN"),
        "{msg}"
    );
    assert!(msg.contains("install_if_missing"), "{msg}");

    // Found by searching upwards.
    let installed = root.join(default_binary_relative_path());
    fake_binary(&installed);
    assert_eq!(find_binary(None, None, &[&data, &cwd]).unwrap(), installed);

    // SEEKDB_BIN wins over the search, .binary() wins over both.
    let from_env = root.join("env/seekdb");
    fake_binary(&from_env);
    assert_eq!(
        find_binary(None, Some(from_env.clone()), &[&data]).unwrap(),
        from_env
    );
    let explicit = root.join("explicit/seekdb");
    fake_binary(&explicit);
    assert_eq!(
        find_binary(Some(&explicit), Some(from_env), &[&data]).unwrap(),
        explicit
    );

    // Wrong explicit paths are errors, not silently skipped.
    let missing = root.join("nope/seekdb");
    let err = find_binary(Some(&missing), None, &[&data]).unwrap_err();
    assert!(err.to_string().contains(".binary()"), "{err}");
    let err = find_binary(None, Some(missing), &[&data]).unwrap_err();
    assert!(err.to_string().contains("SEEKDB_BIN"), "{err}");

    // A non-executable file is not a binary.
    let plain = root.join("plain");
    fs::write(&plain, "").unwrap();
    assert!(!is_executable_file(&plain));
    let _ = fs::remove_dir_all(root);
}

#[test]
fn candidates_are_deduplicated_nearest_first() {
    let c = binary_candidates(&[Path::new("/w/p/target/seekdb"), Path::new("/w/p")]);
    let rel = default_binary_relative_path();
    assert_eq!(c[0], Path::new("/w/p/target/seekdb").join(&rel));
    assert_eq!(c[2], Path::new("/w/p").join(&rel));
    assert_eq!(c.len(), 5); // /w/p/target/seekdb, /w/p/target, /w/p, /w, /
}
