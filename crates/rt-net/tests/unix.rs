//! Unix domain sockets: stream, listener, datagram.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use std::io::ErrorKind;
use std::path::PathBuf;

use futures_lite::future;
use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{UnixDatagram, UnixListener, UnixStream};
use support::Driver;

/// A fresh socket path in the temporary directory.
fn socket_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("rt-reactor-{}-{name}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn listener_and_stream_round_trip() {
    let driver = Driver::new();
    let path = socket_path("stream");
    driver.block_on(async {
        let listener = UnixListener::bind(&path).unwrap();
        assert_eq!(
            listener.local_addr().unwrap().as_pathname(),
            Some(path.as_path())
        );
        let server = async {
            let (mut stream, _peer) = listener.accept().await.unwrap();
            let mut buf = [0; 32];
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                stream.write_all(&buf[..n]).await.unwrap();
            }
        };
        let client = async {
            let mut stream = UnixStream::connect(&path).await.unwrap();
            assert_eq!(
                stream.peer_addr().unwrap().as_pathname(),
                Some(path.as_path())
            );
            for i in 0..100u8 {
                stream.write_all(&[i; 32]).await.unwrap();
                let mut back = [0; 32];
                stream.read_exact(&mut back).await.unwrap();
                assert_eq!(back, [i; 32]);
            }
            stream.shutdown().await.unwrap();
        };
        future::zip(server, client).await;
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn connect_to_nothing_is_an_error() {
    let driver = Driver::new();
    driver.block_on(async {
        let err = UnixStream::connect(socket_path("missing"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err:?}");
        // A socket file with no listener behind it.
        let path = socket_path("dead");
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        let err = UnixStream::connect(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err:?}");
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn bind_on_a_used_path_is_addr_in_use() {
    let driver = Driver::new();
    let path = socket_path("used");
    driver.block_on(async {
        let _first = UnixListener::bind(&path).unwrap();
        let err = UnixListener::bind(&path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err:?}");
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn stream_pair_reads_and_writes_through_references() {
    let driver = Driver::new();
    driver.block_on(async {
        let (a, b) = UnixStream::pair().unwrap();
        // One task reads through `&a` while another writes through `&a`.
        let reader = async {
            let mut buf = vec![0; 64 * 1024];
            (&a).read_exact(&mut buf).await.unwrap();
            buf
        };
        let writer = async {
            (&a).write_all(&vec![7; 64 * 1024]).await.unwrap();
        };
        let echo = async {
            let mut buf = vec![0; 64 * 1024];
            (&b).read_exact(&mut buf).await.unwrap();
            (&b).write_all(&buf).await.unwrap();
        };
        let (read, ((), ())) = future::zip(reader, future::zip(writer, echo)).await;
        assert!(read.iter().all(|&byte| byte == 7));
    });
}

#[test]
fn datagrams() {
    let driver = Driver::new();
    let (a_path, b_path) = (socket_path("dgram-a"), socket_path("dgram-b"));
    driver.block_on(async {
        let a = UnixDatagram::bind(&a_path).unwrap();
        let b = UnixDatagram::bind(&b_path).unwrap();
        a.send_to(b"to b", &b_path).await.unwrap();
        let mut buf = [0; 16];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_pathname(), Some(a_path.as_path()));

        let unbound = UnixDatagram::unbound().unwrap();
        unbound.connect(&a_path).unwrap();
        assert_eq!(
            unbound.peer_addr().unwrap().as_pathname(),
            Some(a_path.as_path())
        );
        unbound.send(b"connected").await.unwrap();
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"connected");

        let (x, y) = UnixDatagram::pair().unwrap();
        let receive = async {
            let mut buf = [0; 16];
            let n = y.recv(&mut buf).await.unwrap();
            buf[..n].to_vec()
        };
        let send = async { x.send(b"pair").await.unwrap() };
        let (received, _) = future::zip(receive, send).await;
        assert_eq!(received, b"pair");
        assert!(x.local_addr().unwrap().is_unnamed());
    });
    std::fs::remove_file(&a_path).unwrap();
    std::fs::remove_file(&b_path).unwrap();
}
