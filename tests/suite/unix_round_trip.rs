//! Unix domain sockets in a temporary directory round-trip bytes through the
//! real runtime: `UnixListener`/`UnixStream` (echo, end of file, the peer's
//! address), `UnixStream::pair` read and written from two tasks, and
//! `UnixDatagram` both bound to paths (`send_to`/`recv_from`) and connected
//! (`send`/`recv`).

use crate::io_support;

use std::sync::Arc;
use std::time::Duration;

use io_support::{pattern, runtime, watchdog, TempDir};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{UnixDatagram, UnixListener, UnixStream};

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);
/// Messages or datagrams per test.
const MESSAGES: u32 = 200;

#[test]
fn listener_and_stream_echo_through_a_socket_file() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let dir = TempDir::new("unix-stream");
        let path = dir.path().join("echo.sock");
        rt.block_on(async {
            let listener = UnixListener::bind(&path).unwrap();
            assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(&*path));
            let server = rt::spawn(async move {
                let (mut stream, _peer) = listener.accept().await.unwrap();
                let mut buf = [0; 1024];
                let mut total = 0;
                loop {
                    let n = stream.read(&mut buf).await.unwrap();
                    if n == 0 {
                        return total;
                    }
                    stream.write_all(&buf[..n]).await.unwrap();
                    total += n;
                }
            });

            let mut stream = UnixStream::connect(&path).await.unwrap();
            assert_eq!(stream.peer_addr().unwrap().as_pathname(), Some(&*path));
            let mut sent = 0;
            for seq in 0..MESSAGES {
                let message = pattern(5, seq);
                stream.write_all(&message).await.unwrap();
                let mut back = vec![0; message.len()];
                stream.read_exact(&mut back).await.unwrap();
                assert_eq!(back, message, "echo of message {seq} differs");
                sent += message.len();
            }
            stream.shutdown().await.unwrap();
            let mut rest = Vec::new();
            assert_eq!(stream.read_to_end(&mut rest).await.unwrap(), 0);
            assert_eq!(server.await.unwrap(), sent);
        });
    });
}

#[test]
fn a_stream_pair_is_read_and_written_from_two_tasks() {
    const BYTES: usize = 4 * 1024 * 1024;
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let (a, mut b) = UnixStream::pair().unwrap();
            let a = Arc::new(a);
            // `&UnixStream` reads and writes: one task writes through one
            // reference while another reads through the other, and the
            // data is more than the buffers hold, so they must overlap.
            let writer = {
                let a = a.clone();
                rt::spawn(async move {
                    let data: Vec<u8> = (0..BYTES).map(|i| (i % 253) as u8).collect();
                    (&*a).write_all(&data).await.unwrap();
                    (&*a).shutdown().await.unwrap();
                })
            };
            let echo = rt::spawn(async move {
                // b echoes what it reads, then closes.
                let (mut read, mut write) = (&b, &b);
                let n = rt::io::copy(&mut read, &mut write).await.unwrap();
                b.shutdown().await.unwrap();
                n
            });
            let reader = {
                let a = a.clone();
                rt::spawn(async move {
                    let mut back = Vec::new();
                    (&*a).read_to_end(&mut back).await.unwrap();
                    back
                })
            };
            writer.await.unwrap();
            let back = reader.await.unwrap();
            assert_eq!(echo.await.unwrap(), BYTES as u64);
            assert_eq!(back.len(), BYTES);
            assert!(
                back.iter().enumerate().all(|(i, &x)| x == (i % 253) as u8),
                "the echo differs from what was written"
            );
        });
    });
}

#[test]
fn datagrams_bound_to_paths_round_trip_with_the_senders_path() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let dir = TempDir::new("unix-dgram");
        let (server_path, client_path) = (dir.path().join("server"), dir.path().join("client"));
        rt.block_on(async {
            let server = UnixDatagram::bind(&server_path).unwrap();
            let client = UnixDatagram::bind(&client_path).unwrap();
            let echo = rt::spawn(async move {
                let mut buf = [0; 512];
                for _ in 0..MESSAGES {
                    let (n, from) = server.recv_from(&mut buf).await.unwrap();
                    let from = from.as_pathname().expect("the client is bound").to_owned();
                    server.send_to(&buf[..n], &from).await.unwrap();
                }
            });
            let mut buf = [0; 512];
            for seq in 0..MESSAGES {
                let message = pattern(6, seq);
                let sent = client.send_to(&message, &server_path).await.unwrap();
                assert_eq!(sent, message.len());
                let (n, from) = client.recv_from(&mut buf).await.unwrap();
                assert_eq!(from.as_pathname(), Some(&*server_path));
                assert_eq!(&buf[..n], &message[..], "echo of datagram {seq} differs");
            }
            echo.await.unwrap();
        });
    });
}

#[test]
fn connected_datagrams_and_pairs_send_and_recv() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let dir = TempDir::new("unix-dgram-connected");
        let path = dir.path().join("peer");
        rt.block_on(async {
            // Connected by path: an unbound sender, a bound receiver.
            let receiver = UnixDatagram::bind(&path).unwrap();
            let sender = UnixDatagram::unbound().unwrap();
            sender.connect(&path).unwrap();
            let waiting = rt::spawn(async move {
                let mut buf = [0; 512];
                let n = receiver.recv(&mut buf).await.unwrap();
                buf[..n].to_vec()
            });
            // The receiver waits before the datagram is sent.
            rt::time::sleep(Duration::from_millis(20)).await;
            sender.send(b"connected").await.unwrap();
            assert_eq!(waiting.await.unwrap(), b"connected");

            // A pair: ping-pong between two tasks.
            let (a, b) = UnixDatagram::pair().unwrap();
            let pong = rt::spawn(async move {
                let mut buf = [0; 512];
                for _ in 0..MESSAGES {
                    let n = b.recv(&mut buf).await.unwrap();
                    b.send(&buf[..n]).await.unwrap();
                }
            });
            let mut buf = [0; 512];
            for seq in 0..MESSAGES {
                let message = pattern(8, seq);
                a.send(&message).await.unwrap();
                let n = a.recv(&mut buf).await.unwrap();
                assert_eq!(&buf[..n], &message[..], "datagram {seq}");
            }
            pong.await.unwrap();
        });
    });
}
