//! Bytes written to a `TcpStream` over loopback arrive intact and in order
//! at the peer, through the real runtime: a spawned echo server, a client on
//! another task, writes large enough to block, end of file on close, and the
//! owned halves of `into_split` used from two tasks at once.

use crate::io_support;

use std::time::Duration;

use io_support::{echo, pattern, runtime, tcp_pair, under_sanitizer, watchdog};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};

/// Bound on each test (they take well under a second when rt is right).
const LIMIT: Duration = Duration::from_secs(60);
/// Messages of the round-trip test.
const MESSAGES: u32 = 200;
/// Bytes each half moves in the split test: many times the socket buffers,
/// so the writer blocks and only finishes if the reader drains at the same
/// time (from another task).
const SPLIT_BYTES: usize = 8 * 1024 * 1024;
/// The same under a sanitizer (`RT_SUITE_SANITIZER`, set by .ci/asan.sh and
/// .ci/tsan.sh): the reader's header reads, a byte and then three, take
/// 20-26 s for 8 MiB under TSan; a quarter still crosses the socket
/// buffers' default sizes, and the plain test step moves the full size.
const SPLIT_BYTES_SANITIZED: usize = 2 * 1024 * 1024;

#[test]
fn echo_round_trips_arrive_intact_and_in_order() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = rt::spawn(async move {
                let (stream, peer) = listener.accept().await.unwrap();
                (echo(stream).await.unwrap(), peer)
            });

            let client = rt::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let local = stream.local_addr().unwrap();
                assert_eq!(stream.peer_addr().unwrap(), addr);
                let mut sent = 0u64;
                for seq in 0..MESSAGES {
                    let message = pattern(7, seq);
                    stream.write_all(&message).await.unwrap();
                    let mut back = vec![0; message.len()];
                    stream.read_exact(&mut back).await.unwrap();
                    assert_eq!(back, message, "echo of message {seq} differs");
                    sent += message.len() as u64;
                }
                // Closing the write half: the server reads end of file,
                // returns, drops its stream; we read end of file too.
                stream.shutdown().await.unwrap();
                let mut rest = Vec::new();
                assert_eq!(stream.read_to_end(&mut rest).await.unwrap(), 0);
                (sent, local)
            });

            let (sent, client_addr) = client.await.unwrap();
            let (echoed, peer) = server.await.unwrap();
            assert_eq!(echoed, sent, "the server echoed every byte once");
            assert_eq!(peer, client_addr, "accept reports the client's address");
        });
    });
}

#[test]
fn a_write_larger_than_the_socket_buffers_completes_while_the_peer_reads() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let (mut client, server) = tcp_pair().await;
            let server = rt::spawn(echo(server));
            // One 4 MiB write: it blocks on a full buffer many times; the
            // echo fills our receive buffer meanwhile, so read concurrently.
            let data: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
            let (mut reader, mut writer) = client.split();
            let write = async {
                writer.write_all(&data).await.unwrap();
                writer.shutdown().await.unwrap();
            };
            let read = async {
                let mut back = Vec::new();
                reader.read_to_end(&mut back).await.unwrap();
                back
            };
            let ((), back) = futures_lite::future::zip(write, read).await;
            assert!(back == data, "the echo differs from what was written");
            assert_eq!(server.await.unwrap().unwrap(), data.len() as u64);
            client.set_nodelay(true).unwrap();
            assert!(client.nodelay().unwrap());
        });
    });
}

#[test]
fn into_split_halves_read_and_write_from_two_tasks_at_once() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let (client, server) = tcp_pair().await;
            // The server splits too: its halves copy what they read back.
            let server = rt::spawn(async move {
                let (mut read, mut write) = server.into_split();
                rt::io::copy(&mut read, &mut write).await.unwrap()
            });

            let server_addr = client.peer_addr().unwrap();
            let (mut read, mut write) = client.into_split();
            let split_bytes = if under_sanitizer() {
                SPLIT_BYTES_SANITIZED
            } else {
                SPLIT_BYTES
            };
            assert_eq!(read.peer_addr().unwrap(), server_addr);
            assert_eq!(write.peer_addr().unwrap(), server_addr);
            let writer = rt::spawn(async move {
                let mut written = 0;
                let mut seq = 0;
                while written < split_bytes {
                    let chunk = pattern(1, seq);
                    write.write_all(&chunk).await.unwrap();
                    written += chunk.len();
                    seq += 1;
                }
                // Dropping the owned write half shuts the write direction
                // down: the server's copy sees end of file and stops.
                drop(write);
                (written, seq)
            });
            let reader = rt::spawn(async move {
                let mut seq = 0;
                let mut received = 0;
                let mut buf = [0; 4];
                loop {
                    // Each chunk starts with (conn, seq): read its header
                    // byte by byte to find end of file exactly.
                    match read.read(&mut buf[..1]).await.unwrap() {
                        0 => break,
                        _ => {
                            read.read_exact(&mut buf[1..]).await.unwrap();
                        }
                    }
                    let expected = pattern(1, seq);
                    assert_eq!(buf[..], expected[..4], "chunk {seq}: wrong header");
                    let mut rest = vec![0; expected.len() - 4];
                    read.read_exact(&mut rest).await.unwrap();
                    assert_eq!(rest[..], expected[4..], "chunk {seq}: wrong body");
                    received += expected.len();
                    seq += 1;
                }
                (received, seq)
            });

            let (written, chunks) = writer.await.unwrap();
            let (received, chunks_read) = reader.await.unwrap();
            assert_eq!(received, written);
            assert_eq!(chunks_read, chunks);
            assert_eq!(server.await.unwrap(), written as u64);
        });
    });
}

#[test]
fn many_tasks_accept_on_one_listener_and_each_gets_one_connection() {
    const CLIENTS: usize = 16;
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let listener = std::sync::Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
            let addr = listener.local_addr().unwrap();
            let acceptors: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    let listener = listener.clone();
                    rt::spawn(async move {
                        let (mut stream, _) = listener.accept().await.unwrap();
                        let mut id = [0; 1];
                        stream.read_exact(&mut id).await.unwrap();
                        stream.write_all(&id).await.unwrap();
                        id[0]
                    })
                })
                .collect();
            // Let every acceptor wait before the first connection arrives.
            rt::time::sleep(Duration::from_millis(20)).await;
            for id in 0..CLIENTS as u8 {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(&[id]).await.unwrap();
                let mut back = [0; 1];
                stream.read_exact(&mut back).await.unwrap();
                assert_eq!(back[0], id);
            }
            let mut ids = Vec::new();
            for acceptor in acceptors {
                ids.push(acceptor.await.unwrap());
            }
            ids.sort_unstable();
            assert_eq!(ids, (0..CLIENTS as u8).collect::<Vec<_>>());
        });
    });
}
