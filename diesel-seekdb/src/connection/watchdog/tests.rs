use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use super::{arm, inode_of, Socket};

#[test]
fn finds_the_established_row() {
    let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:0B41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0\n\
   1: 0100007F:9E3A 0100007F:0B41 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0\n\
   2: 0100007F:0B41 0100007F:9E3A 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0\n";
    assert_eq!(inode_of(table, 0x9E3A, 0x0B41), Some(222));
    assert_eq!(inode_of(table, 0x0B41, 0x9E3A), Some(333));
    assert_eq!(inode_of(table, 1, 0x0B41), None);
}

/// A blocking read on a socket whose peer never writes ends when the bound passes;
/// a call that finishes in time is left alone.
#[cfg(target_os = "linux")]
#[test]
fn an_overrunning_read_is_cut_off_and_a_quick_one_is_not() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server_port = listener.local_addr().unwrap().port();
    let mut client = TcpStream::connect(("127.0.0.1", server_port)).unwrap();
    let (_peer, _) = listener.accept().unwrap();
    let local = client.local_addr().unwrap().port();
    let socket = Socket::find(local, server_port).expect("the client's socket in /proc");

    // In time: not fired.
    assert!(!arm(socket, Duration::from_secs(5)).disarm());

    let started = Instant::now();
    let armed = arm(socket, Duration::from_millis(300));
    let mut buf = [0u8; 1];
    let read = client.read(&mut buf);
    let took = started.elapsed();
    assert!(armed.disarm(), "the watchdog fired");
    // shutdown(2) ends the stream: end of file, or an error on some kernels.
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    // Without the watchdog the read would never return; the slack is for a busy machine.
    assert!(took < Duration::from_secs(30), "{took:?}");
}
