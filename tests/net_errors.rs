//! Network errors come back as `io::Error`s of the right kind, from tasks
//! on the runtime, without a panic and without leaking the socket: a
//! refused connection is `ConnectionRefused` (TCP, Unix, and a connected
//! UDP socket whose peer is gone), binding an address in use is `AddrInUse`
//! (TCP, UDP, Unix), and the listener already on that address keeps
//! working.
//!
//! One test counts the process's descriptors, so the tests of this file run
//! one at a time.
//!
//! (An executable of its own, not a module of tests/suite: one of its tests
//! compares this process's open descriptors (/proc/self/fd) before and after;
//! any other test's socket or file would change them.)

#[path = "suite/io_support/mod.rs"]
mod io_support;
#[path = "suite/support/mod.rs"]
mod support;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use io_support::{new_fds, open_fds, runtime, serial, wait_until, watchdog, TempDir};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream};
use rt::time::timeout;

/// Failed connects and binds in the leak test.
const ATTEMPTS: usize = 200;
/// How long a refused datagram's error may take to reach a waiting
/// receiver (it comes back at once on loopback).
const ICMP_WAIT: Duration = Duration::from_secs(5);
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(60);

/// An address on loopback where nothing listens: bound, then closed.
async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[test]
fn connecting_to_a_closed_tcp_port_is_refused() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        let kinds = rt.block_on(async {
            let addr = closed_port().await;
            // From a task on a worker, and from `block_on`.
            let in_task = rt::spawn(async move { TcpStream::connect(addr).await.map(drop) });
            let in_task = in_task.await.expect("the task did not panic");
            let here = TcpStream::connect(addr).await.map(drop);
            [in_task, here].map(|r| r.expect_err("nothing listens there").kind())
        });
        assert_eq!(kinds, [ErrorKind::ConnectionRefused; 2]);
    });
}

#[test]
fn binding_a_tcp_address_in_use_fails_and_the_listener_there_keeps_working() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let second = rt::spawn(async move { TcpListener::bind(addr).await.map(drop) });
            let err = second
                .await
                .expect("no panic")
                .expect_err("the address is taken");
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

            // A std listener (no SO_REUSEADDR) is just as exclusive.
            let std = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let err = TcpListener::bind(std.local_addr().unwrap())
                .await
                .expect_err("the address is taken");
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

            // The first listener is unharmed.
            let client = rt::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(b"still here").await.unwrap();
            });
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            stream.read_to_end(&mut buf).await.unwrap();
            assert_eq!(buf, b"still here");
            client.await.unwrap();
        });
    });
}

#[test]
fn binding_a_udp_address_in_use_fails_with_addr_in_use() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        rt.block_on(async {
            let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let addr = socket.local_addr().unwrap();
            let second = rt::spawn(async move { UdpSocket::bind(addr).await.map(drop) });
            let err = second
                .await
                .expect("no panic")
                .expect_err("the address is taken");
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

            // The first socket is unharmed.
            let other = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            other.send_to(b"still here", addr).await.unwrap();
            let mut buf = [0; 16];
            let (n, _) = socket.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"still here");
        });
    });
}

#[test]
fn a_connected_udp_socket_whose_peer_is_gone_reports_connection_refused() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        rt.block_on(async {
            let gone = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let addr = gone.local_addr().unwrap();
            drop(gone);
            let socket = std::sync::Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
            socket.connect(addr).await.unwrap();
            // A receive that waits in a task: the ICMP error must wake it.
            let receiver = {
                let socket = socket.clone();
                rt::spawn(async move { timeout(ICMP_WAIT, socket.recv(&mut [0; 16])).await })
            };
            rt::time::sleep(Duration::from_millis(20)).await;
            socket.send(b"anyone?").await.unwrap();
            let result = receiver.await.expect("no panic");
            let err = result
                .expect("the error woke the waiting receive")
                .expect_err("the peer is gone");
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
        });
    });
}

#[test]
fn unix_sockets_report_refused_in_use_and_not_found() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        let dir = TempDir::new("net-errors");
        rt.block_on(async {
            let path = dir.path().join("listener.sock");
            let listener = UnixListener::bind(&path).unwrap();
            let err = UnixListener::bind(&path).expect_err("the path is taken");
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
            let err = UnixDatagram::bind(&path).expect_err("the path is taken");
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

            // The socket file outlives its listener: nobody accepts there.
            drop(listener);
            let connect = rt::spawn({
                let path = path.clone();
                async move { UnixStream::connect(&path).await.map(drop) }
            });
            let err = connect
                .await
                .expect("no panic")
                .expect_err("nobody listens");
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");

            let err = UnixStream::connect(dir.path().join("missing.sock"))
                .await
                .expect_err("there is no such socket");
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        });
    });
}

#[test]
fn failed_connects_and_binds_leak_no_descriptor() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        rt.block_on(async {
            let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let taken_udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let refused = closed_port().await;
            let before = open_fds();
            for _ in 0..ATTEMPTS {
                TcpStream::connect(refused).await.unwrap_err();
                TcpListener::bind(taken.local_addr().unwrap())
                    .await
                    .unwrap_err();
                UdpSocket::bind(taken_udp.local_addr().unwrap())
                    .await
                    .unwrap_err();
            }
            let settled = wait_until(Duration::from_secs(5), || open_fds() == before);
            let after = open_fds();
            assert!(
                settled,
                "{} descriptors before {ATTEMPTS} failed attempts, {} after; new: {:?}",
                before.len(),
                after.len(),
                new_fds(&before, &after)
            );
        });
    });
}
