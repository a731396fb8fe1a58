//! Datagrams sent with a `UdpSocket` over loopback arrive whole, with the
//! sender's address, through the real runtime: `send_to`/`recv_from`
//! between unconnected sockets, `send`/`recv` between connected ones, and a
//! receive that waits (the task is woken when the datagram arrives).

use crate::io_support;

use std::sync::Arc;
use std::time::Duration;

use io_support::{pattern, runtime, watchdog};
use rt::net::UdpSocket;

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);
/// Ping-pong exchanges per test. One datagram is in flight at a time, so
/// loopback does not drop any.
const EXCHANGES: u32 = 200;

#[test]
fn send_to_and_recv_from_round_trip_with_the_senders_address() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let (server_addr, client_addr) =
                (server.local_addr().unwrap(), client.local_addr().unwrap());

            let echo = rt::spawn(async move {
                let mut buf = [0; 512];
                for _ in 0..EXCHANGES {
                    let (n, from) = server.recv_from(&mut buf).await.unwrap();
                    assert_eq!(from, client_addr, "recv_from reports the sender");
                    assert_eq!(server.send_to(&buf[..n], from).await.unwrap(), n);
                }
            });

            let mut buf = [0; 512];
            for seq in 0..EXCHANGES {
                let message = pattern(3, seq);
                let sent = client.send_to(&message, server_addr).await.unwrap();
                assert_eq!(sent, message.len());
                let (n, from) = client.recv_from(&mut buf).await.unwrap();
                assert_eq!(from, server_addr);
                assert_eq!(&buf[..n], &message[..], "echo of datagram {seq} differs");
            }
            echo.await.unwrap();
        });
    });
}

#[test]
fn connected_sockets_send_and_recv_only_with_their_peer() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let a = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
            let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let stranger = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            a.connect(b.local_addr().unwrap()).await.unwrap();
            b.connect(a.local_addr().unwrap()).await.unwrap();
            assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());

            // A datagram from anyone but the peer is filtered out.
            stranger
                .send_to(b"intruder", a.local_addr().unwrap())
                .await
                .unwrap();

            let receiver = {
                let a = a.clone();
                rt::spawn(async move {
                    let mut buf = [0; 512];
                    let mut got = Vec::new();
                    for _ in 0..EXCHANGES {
                        let n = a.recv(&mut buf).await.unwrap();
                        got.push(buf[..n].to_vec());
                    }
                    got
                })
            };
            let mut buf = [0; 512];
            for seq in 0..EXCHANGES {
                let message = pattern(4, seq);
                assert_eq!(b.send(&message).await.unwrap(), message.len());
                // Wait for a's answer before the next datagram, so none is
                // dropped for lack of buffer space.
                assert_eq!(a.send(&message[..4]).await.unwrap(), 4);
                let n = b.recv(&mut buf).await.unwrap();
                assert_eq!(&buf[..n], &message[..4]);
            }
            let got = receiver.await.unwrap();
            for (seq, datagram) in got.iter().enumerate() {
                assert_eq!(datagram, &pattern(4, seq as u32), "datagram {seq}");
            }
        });
    });
}

#[test]
fn a_waiting_recv_from_is_woken_by_a_later_datagram() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let server = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
            let addr = server.local_addr().unwrap();
            let receiver = {
                let server = server.clone();
                rt::spawn(async move {
                    let mut buf = [0; 64];
                    let (n, _) = server.recv_from(&mut buf).await.unwrap();
                    buf[..n].to_vec()
                })
            };
            // The receiver has polled, found nothing and is waiting.
            rt::time::sleep(Duration::from_millis(50)).await;
            assert!(!receiver.is_finished());
            let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            client.send_to(b"late", addr).await.unwrap();
            assert_eq!(receiver.await.unwrap(), b"late");
        });
    });
}
