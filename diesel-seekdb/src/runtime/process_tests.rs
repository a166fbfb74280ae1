use super::*;
use crate::runtime::local_url;
use crate::runtime::scratch;

#[test]
fn urls() {
    assert_eq!(local_url(2881), "mysql://root@127.0.0.1:2881/test");
    assert_eq!(
        port_from_url("mysql://root@127.0.0.1:2991/test"),
        Some(2991)
    );
    assert_eq!(port_from_url("mysql://u:p@host:3306/db?x=1"), Some(3306));
    assert_eq!(port_from_url("mysql://u:p@host/db"), None);
    assert_eq!(port_from_url("mysql://u:p@host:99999/db"), None);
    let external = LocalSeekdb::external("mysql://root@db:2881/test".into());
    assert!(external.attached() && !external.stops_on_drop());
    assert_eq!(external.port(), Some(2881));
    assert_eq!(external.pid(), None);
    let err = external.stop().unwrap_err();
    assert!(err.to_string().contains("process id is unknown"), "{err}");
}

#[test]
fn server_command_line() {
    let args = server_args(
        Path::new("/data/seekdb"),
        2991,
        "2G",
        "1G",
        &[("memory_limit".into(), "4G".into())],
    );
    assert_eq!(
        args.join(" "),
        "--nodaemon --base-dir /data/seekdb --port 2991 --parameter datafile_size=2G \
         --parameter log_disk_size=1G --parameter memory_limit=4G"
    );
}

#[test]
fn pid_files_and_output_tails() {
    assert_eq!(parse_pid("2357\n"), Some(2357));
    assert_eq!(parse_pid(" 42 "), Some(42));
    assert_eq!(parse_pid(""), None);
    assert_eq!(parse_pid("1"), None);
    assert_eq!(parse_pid("abc"), None);
    let dir = scratch("pid");
    assert_eq!(live_seekdb_pid(&dir), None);
    fs::create_dir_all(dir.join("run")).unwrap();
    // Our own pid is alive but is not a seekdb.
    fs::write(dir.join("run/seekdb.pid"), std::process::id().to_string()).unwrap();
    assert!(process_alive(std::process::id()));
    assert_eq!(live_seekdb_pid(&dir), None);
    assert!(program_is_seekdb(b"./pylibseekdb/seekdb\0--nodaemon\0"));
    assert!(program_is_seekdb(b"seekdb"));
    assert!(!program_is_seekdb(b"/x/diesel_seekdb-1234\0seekdb\0"));
    assert!(!program_is_seekdb(b""));
    assert_eq!(last_lines("a\nb\nc\n", 2), "b\nc");
    assert_eq!(last_lines("", 2), "(no output)");
    let out = dir.join("seekdb.out");
    fs::write(&out, "1\n2\n3\n").unwrap();
    assert_eq!(tail_lines(&out, 1), "3");
    assert_eq!(tail_lines(&dir.join("missing"), 1), "(no output)");
    let _ = fs::remove_dir_all(dir);
}
