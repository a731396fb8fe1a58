//! TCP: round trips over 127.0.0.1, connection errors, addresses.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use std::io::ErrorKind;
use std::net::{Shutdown, SocketAddr};

use futures_lite::future;
use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{TcpListener, TcpStream};
use support::Driver;

/// Connections served at once in `many_connections`.
const CONNECTIONS: usize = 64;
/// Bytes each of them echoes.
const BYTES: usize = 256 * 1024;

#[test]
fn echo_round_trip() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = async {
            let (mut stream, peer) = listener.accept().await.unwrap();
            assert_eq!(stream.peer_addr().unwrap(), peer);
            let mut buf = [0; 64];
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                stream.write_all(&buf[..n]).await.unwrap();
            }
        };
        let client = async {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            assert_eq!(stream.peer_addr().unwrap(), addr);
            for i in 0..100u8 {
                let msg = [i; 64];
                stream.write_all(&msg).await.unwrap();
                let mut back = [0; 64];
                stream.read_exact(&mut back).await.unwrap();
                assert_eq!(back, msg);
            }
            stream.shutdown().await.unwrap();
            let mut rest = Vec::new();
            assert_eq!(stream.read_to_end(&mut rest).await.unwrap(), 0);
        };
        future::zip(server, client).await;
    });
}

#[test]
fn many_connections_in_both_directions() {
    let driver = Driver::new();
    let listener = driver.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = driver.spawn(async move {
        let mut echoes = Vec::new();
        for _ in 0..CONNECTIONS {
            let (stream, _) = listener.accept().await.unwrap();
            echoes.push(async move {
                let (mut reader, mut writer) = stream.into_split();
                rt_io::copy(&mut reader, &mut writer).await.unwrap()
            });
        }
        // All copies run in this one thread, interleaved.
        join_all(echoes).await.into_iter().sum::<u64>()
    });
    let clients: Vec<_> = (0..4)
        .map(|c| {
            driver.spawn(async move {
                // Connect all first (the server accepts them all before it
                // echoes), then run the transfers interleaved in this thread.
                let mut streams = Vec::new();
                for _ in 0..CONNECTIONS / 4 {
                    streams.push(TcpStream::connect(addr).await.unwrap());
                }
                let transfers = streams.into_iter().map(|stream| async move {
                    let data: Vec<u8> = (0..BYTES).map(|i| (i * 7 + c) as u8).collect();
                    let (mut reader, mut writer) = stream.into_split();
                    let send = async {
                        writer.write_all(&data).await.unwrap();
                        writer.shutdown().await.unwrap();
                    };
                    let receive = async {
                        let mut back = Vec::new();
                        reader.read_to_end(&mut back).await.unwrap();
                        back
                    };
                    let ((), back) = future::zip(send, receive).await;
                    assert!(back == data, "echoed data differs");
                });
                join_all(transfers.collect()).await;
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    assert_eq!(server.join().unwrap(), (CONNECTIONS * BYTES) as u64);
}

/// Polls all `futures` concurrently in one task.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

#[test]
fn connection_refused_is_an_error() {
    let driver = Driver::new();
    driver.block_on(async {
        // A port nobody listens on: bind one, then free it.
        let addr = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err:?}");
    });
}

#[test]
fn bind_on_a_used_port_is_addr_in_use() {
    let driver = Driver::new();
    driver.block_on(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let err = TcpListener::bind(first.local_addr().unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err:?}");
    });
}

#[test]
fn host_names_are_resolved() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind(("localhost", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = TcpStream::connect(format!("localhost:{port}"))
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        assert_eq!(client.local_addr().unwrap(), server.peer_addr().unwrap());
        let err = TcpStream::connect("no-such-host.invalid:80")
            .await
            .unwrap_err();
        assert_ne!(err.kind(), ErrorKind::ConnectionRefused);
    });
}

#[test]
fn several_addresses_are_tried_in_turn() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let refused: SocketAddr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let addrs = [refused, listener.local_addr().unwrap()];
        let stream = TcpStream::connect(&addrs[..]).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap(), addrs[1]);
    });
}

#[test]
fn options_and_shutdown() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_nodelay(false).unwrap();
        assert!(!client.nodelay().unwrap());

        client.shutdown().await.unwrap(); // the write half only
        let mut buf = Vec::new();
        assert_eq!(server.read_to_end(&mut buf).await.unwrap(), 0);
        // The other direction still works.
        server.write_all(b"still open").await.unwrap();
        let mut back = [0; 10];
        client.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"still open");
    });
}

#[test]
fn std_conversions() {
    let driver = Driver::new();
    driver.block_on(async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap();
        let addr = listener.local_addr().unwrap();
        let std_client = std::net::TcpStream::connect(addr).unwrap();
        let mut client = TcpStream::from_std(std_client).unwrap();
        let (server, _) = listener.accept().await.unwrap();

        let mut server = server.into_std().unwrap();
        server.set_nonblocking(false).unwrap();
        std::io::Write::write_all(&mut server, b"from std").unwrap();
        let mut buf = [0; 8];
        client.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"from std");
        let std_listener = listener.into_std().unwrap();
        assert_eq!(std_listener.local_addr().unwrap(), addr);
    });
}

#[test]
fn several_tasks_accept_on_one_listener() {
    let driver = Driver::new();
    let listener = std::sync::Arc::new(driver.block_on(TcpListener::bind("127.0.0.1:0")).unwrap());
    let addr = listener.local_addr().unwrap();
    let acceptors: Vec<_> = (0..4)
        .map(|_| {
            let listener = listener.clone();
            driver.spawn(async move { listener.accept().await.map(|_| ()) })
        })
        .collect();
    // Give every acceptor time to wait before the connections arrive.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let _clients: Vec<_> = (0..4)
        .map(|_| std::net::TcpStream::connect(addr).unwrap())
        .collect();
    for acceptor in acceptors {
        acceptor.join().unwrap().unwrap();
    }
}

/// How long a read that should see end-of-file at once may take here
/// before the test calls it lost.
const EOF_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// Reads `stream` to its end-of-file: the bytes, or a panic if the end
/// does not come within `EOF_DEADLINE` (a lost FIN).
async fn read_until_eof(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0; 64];
    loop {
        let n = rt_time::timeout(EOF_DEADLINE, stream.read(&mut buf))
            .await
            .expect("end-of-file lost: read still pending")
            .unwrap();
        if n == 0 {
            return got;
        }
        got.extend_from_slice(&buf[..n]);
    }
}

/// Data and the FIN behind it, queued before the server's first read (so
/// the reactor sees them as one edge): the read comes back short (10 of
/// 64 bytes), and the next read must still find the end-of-file rather than
/// wait for an event that will not come.
#[test]
fn data_and_fin_under_one_edge_reach_end_of_file() {
    let driver = Driver::new();
    for round in 0..20 {
        driver.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            std::io::Write::write_all(&mut client, b"0123456789").unwrap();
            client.shutdown(Shutdown::Write).unwrap();
            // Let the reactor take the edge before the first read (every
            // other round, so both orders are covered).
            if round % 2 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            assert_eq!(read_until_eof(&mut server).await, b"0123456789");
        });
    }
}

/// The FIN arrives after a short read has cleared read readiness: its own
/// edge wakes the reader, which sees end-of-file.
#[test]
fn fin_after_a_short_read_wakes_the_reader() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        std::io::Write::write_all(&mut client, b"abc").unwrap();
        let mut buf = [0; 64];
        assert_eq!(server.read(&mut buf).await.unwrap(), 3);
        let closer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            client.shutdown(Shutdown::Write).unwrap();
            client
        });
        assert_eq!(read_until_eof(&mut server).await, b"");
        drop(closer.join().unwrap());
    });
}

/// Short reads in a stream of small messages lose no data: every byte
/// sent in many small writes, with pauses, comes through in order.
#[test]
fn short_reads_lose_no_data() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let writer = std::thread::spawn(move || {
            for i in 0..200u32 {
                std::io::Write::write_all(&mut client, &i.to_le_bytes()).unwrap();
                if i % 16 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            }
        });
        let got = read_until_eof(&mut server).await;
        writer.join().unwrap();
        let want: Vec<u8> = (0..200u32).flat_map(|i| i.to_le_bytes()).collect();
        assert_eq!(got, want);
    });
}
